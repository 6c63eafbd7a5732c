//! Content-library templates, VLANs and ELF storage policies -> the neutral inventory.

use std::net::Ipv4Addr;

use omnivirt_core::{Network, StoragePool, StorageState, Template, TemplateKind};

use super::{lookup, non_empty, put};
use crate::generated::types::{ElfStoragePolicy, Vlan};
use crate::wire;

/// `entityAsyncStatus` of a storage policy that overrides its cluster's state while set.
pub const STORAGE_BUSY: &[(&str, StorageState)] = &[
    ("CREATING", StorageState::Maintenance),
    ("UPDATING", StorageState::Ok),
    ("DELETING", StorageState::Unavailable),
];

/// `ConnectState` of the cluster a storage policy lives in -> neutral storage state.
pub const STORAGE_CONNECT: &[(&str, StorageState)] = &[
    ("CONNECTED", StorageState::Ok),
    ("DISCONNECTED", StorageState::Unavailable),
    ("INITIALIZING", StorageState::Maintenance),
    ("REMOVING", StorageState::Maintenance),
];

/// A content-library VM template as a neutral [`Template`] (kind `template`).
///
/// A content-library template is distributed to several clusters; `cluster_id` is set only
/// when it is on exactly one, and the ids of all of them are in `extra.cluster_ids`.
pub fn template(t: &wire::ContentLibraryVmTemplate) -> Template {
    let mut out = Template::new(
        crate::convert::text(&t.id),
        crate::convert::text(&t.name),
        TemplateKind::Template,
    );
    out.os = non_empty(&t.os);
    out.size_bytes = t.size.and_then(|s| u64::try_from(s).ok());
    out.description = non_empty(&t.description);
    let clusters: Vec<&str> = t
        .clusters
        .iter()
        .flatten()
        .map(|c| crate::convert::text(&c.id))
        .collect();
    if let [one] = clusters.as_slice() {
        out.cluster_id = Some((*one).into());
    }
    let x = &mut out.extra;
    if !clusters.is_empty() {
        put(x, "cluster_ids", clusters);
    }
    if let Some(n) = t.vcpu {
        put(x, "vcpu", n);
    }
    if let Some(m) = t.memory.and_then(|m| u64::try_from(m).ok()) {
        put(x, "memory_bytes", m);
    }
    if let Some(a) = &t.architecture {
        put(x, "architecture", a.as_str());
    }
    if let Some(c) = t.cloud_init_supported {
        put(x, "cloud_init_supported", c);
    }
    if let Some(c) = non_empty(&t.created_at) {
        put(x, "created_at", c);
    }
    if let Some(b) = &t.entity_async_status {
        put(x, "entity_async_status", b.as_str());
    }
    out
}

/// The CIDR of the subnet `gateway` is in, e.g. `10.1.2.1` + `255.255.255.0` ->
/// `10.1.2.0/24`; `None` unless both are IPv4 and the mask is contiguous.
pub fn cidr(gateway: &str, mask: &str) -> Option<String> {
    let gw: Ipv4Addr = gateway.trim().parse().ok()?;
    let m = u32::from(mask.trim().parse::<Ipv4Addr>().ok()?);
    let prefix = m.leading_ones();
    if m.checked_shl(prefix).unwrap_or(0) != 0 {
        return None;
    }
    Some(format!("{}/{prefix}", Ipv4Addr::from(u32::from(gw) & m)))
}

/// A VLAN as a neutral [`Network`]; `cluster` is the cluster of its switch (VDS), when known.
///
/// `vlan_id` 0 is an untagged (access) network: `vlan` is `None`, `extra.vlan_id` keeps the 0.
pub fn network(v: &Vlan, cluster: Option<&str>) -> Network {
    let mut out = Network::new(
        v.id.as_deref().unwrap_or_default(),
        v.name.as_deref().unwrap_or_default(),
    );
    out.vlan = v
        .vlan_id
        .and_then(|n| u16::try_from(n).ok())
        .filter(|n| *n != 0);
    out.cluster_id = cluster.map(Into::into);
    let gateway = v.gateway_ip.as_deref().filter(|s| !s.is_empty());
    let mask = v
        .subnetmask
        .as_deref()
        .or(v.gateway_subnetmask.as_deref())
        .filter(|s| !s.is_empty());
    if let (Some(g), Some(m)) = (gateway, mask) {
        out.cidr = cidr(g, m);
    }
    let x = &mut out.extra;
    if let Some(l) = non_empty(&v.local_id) {
        put(x, "local_id", l);
    }
    if let Some(n) = v.vlan_id {
        put(x, "vlan_id", n);
    }
    if let Some(t) = &v.r#type {
        put(x, "type", t.as_str());
    }
    if let Some(m) = &v.mode_type {
        put(x, "mode_type", m.as_str());
    }
    if let Some(d) = &v.vds {
        if let Some(id) = &d.id {
            put(x, "vds_id", id.as_str());
        }
        if let Some(n) = &d.name {
            put(x, "vds_name", n.as_str());
        }
    }
    if let Some(g) = gateway {
        put(x, "gateway_ip", g);
    }
    if let Some(m) = mask {
        put(x, "subnetmask", m);
    }
    if let Some(b) = &v.entity_async_status {
        put(x, "entity_async_status", b.as_str());
    }
    out
}

/// An ELF storage policy as a neutral [`StoragePool`].
///
/// A policy has no size of its own: every policy of a cluster places volumes in the cluster's
/// one storage pool, so capacity and free space are the cluster's (`cluster`, when known):
/// `total_data_capacity`, and that minus `used_data_space` and `failure_data_space`. The state
/// is the policy's busy marker when set, else the cluster's connection state.
pub fn storage_pool(p: &ElfStoragePolicy, cluster: Option<&wire::Cluster>) -> StoragePool {
    let busy = p
        .entity_async_status
        .as_ref()
        .map(|b| b.as_str().to_owned());
    let connect = cluster
        .and_then(|c| c.connect_state.as_ref())
        .map(|s| s.as_str().to_owned());
    let (state, raw) = match busy.as_deref().and_then(|b| lookup(STORAGE_BUSY, b)) {
        Some(s) => (s, busy),
        None => (
            connect
                .as_deref()
                .and_then(|c| lookup(STORAGE_CONNECT, c))
                .unwrap_or(StorageState::Unknown),
            connect,
        ),
    };
    let mut out = StoragePool::new(
        p.id.as_deref().unwrap_or_default(),
        p.name.as_deref().unwrap_or_default(),
        state,
    );
    out.raw_state = raw;
    out.cluster_id = p
        .cluster
        .as_ref()
        .and_then(|c| c.id.as_deref())
        .map(Into::into);
    if let Some(c) = cluster {
        let total = c.total_data_capacity.and_then(|n| u64::try_from(n).ok());
        out.capacity_bytes = total;
        out.free_bytes = total.map(|t| {
            let taken = [c.used_data_space, c.failure_data_space]
                .into_iter()
                .flatten()
                .filter_map(|n| u64::try_from(n).ok())
                .fold(0u64, u64::saturating_add);
            t.saturating_sub(taken)
        });
    }
    let x = &mut out.extra;
    put(x, "capacity_scope", "cluster");
    if let Some(l) = non_empty(&p.local_id) {
        put(x, "local_id", l);
    }
    if let Some(d) = non_empty(&p.description) {
        put(x, "description", d);
    }
    if let Some(n) = p.replica_num {
        put(x, "replica_num", n);
    }
    if let Some(t) = p.thin_provision {
        put(x, "thin_provision", t);
    }
    if let Some(n) = p.stripe_num {
        put(x, "stripe_num", n);
    }
    if let Some(n) = p.stripe_size {
        put(x, "stripe_size", n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_from_gateway_and_mask() {
        assert_eq!(
            cidr("10.1.2.1", "255.255.255.0").as_deref(),
            Some("10.1.2.0/24")
        );
        assert_eq!(
            cidr("172.16.9.254", "255.255.0.0").as_deref(),
            Some("172.16.0.0/16")
        );
        assert_eq!(cidr("10.0.0.1", "255.0.255.0"), None, "holes in the mask");
        assert_eq!(cidr("gw", "255.255.255.0"), None);
        assert_eq!(cidr("10.0.0.1", "0.0.0.0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(
            cidr("10.0.0.1", "255.255.255.255").as_deref(),
            Some("10.0.0.1/32")
        );
    }

    #[test]
    fn storage_state_tables_cover_every_spec_value() {
        for s in crate::wire::ConnectState::KNOWN {
            assert!(lookup(STORAGE_CONNECT, s.as_str()).is_some(), "{s}");
        }
        for s in crate::wire::EntityAsyncStatus::KNOWN {
            assert!(lookup(STORAGE_BUSY, s.as_str()).is_some(), "{s}");
        }
    }
}
