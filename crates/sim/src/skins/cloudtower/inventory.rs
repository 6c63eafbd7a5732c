//! Templates, VLANs (with their VDS) and ELF storage policies from the World's inventory, and
//! their `get-<x>` pages taken from the World's own paging.
//!
//! The World has one network and one storage pool per cluster. A network is a VLAN of type
//! `VM` on the cluster's one VDS (`vds.<cluster id>`, derived); a pool is an ELF storage policy
//! of that cluster. A policy has no size on a real tower: the cluster's `total_data_capacity`
//! and `used_data_space` carry the World pool's capacity and used space (see `render_cluster`).

use std::net::Ipv4Addr;

use omnivirt_core::StorageState;
use serde_json::{Map, Value, json};

use super::ctx::{Ctx, Kind};
use super::reply::Fail;
use super::select::int_arg;
use crate::ids::uuid_from;
use crate::model::{SimCluster, SimNetwork, SimStoragePool};
use crate::query::{Filter, NameMatch, Paging, SortBy};

/// The VDS of a cluster: every VLAN of the cluster is on it.
pub(super) fn vds_id(cluster: &str) -> String {
    format!("vds.{cluster}")
}

/// `10.101.0.0/16` -> (`10.101.0.1`, `255.255.0.0`).
fn gateway_and_mask(cidr: &str) -> Option<(String, String)> {
    let (net, prefix) = cidr.split_once('/')?;
    let net: Ipv4Addr = net.parse().ok()?;
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    let gw = Ipv4Addr::from((u32::from(net) & mask).wrapping_add(1));
    Some((gw.to_string(), Ipv4Addr::from(mask).to_string()))
}

impl Ctx<'_> {
    /// Every World pool (read once per request).
    pub(super) fn all_pools(&self) -> &[SimStoragePool] {
        self.pools.get_or_init(|| {
            self.world
                .list_storage_pools(&Filter::new(), &Paging::all())
                .items
        })
    }

    /// (capacity, used) of the World pools of a cluster; `None` when it has none.
    pub(super) fn cluster_storage(&self, cluster: &str) -> Option<(u64, u64)> {
        let pools: Vec<&SimStoragePool> = self
            .all_pools()
            .iter()
            .filter(|p| p.cluster_id.as_str() == cluster)
            .collect();
        if pools.is_empty() {
            return None;
        }
        let cap = pools
            .iter()
            .map(|p| p.capacity_bytes)
            .fold(0u64, u64::saturating_add);
        let used = pools
            .iter()
            .map(|p| p.capacity_bytes.saturating_sub(p.free_bytes))
            .fold(0u64, u64::saturating_add);
        Some((cap, used))
    }

    pub(super) fn render_vlan(&self, n: &SimNetwork) -> Value {
        let cluster = n.cluster_id.as_str();
        let vds_name = self
            .cluster(cluster)
            .map_or_else(|| "vds".to_owned(), |c| format!("vds-{}", c.name));
        let (gateway, mask) = gateway_and_mask(&n.cidr).unzip();
        json!({
            "id": n.id,
            "local_id": uuid_from(&format!("vlan-{}", n.id)),
            "name": n.name,
            "vlan_id": n.vlan.unwrap_or(0),
            "type": "VM",
            "mode_type": "VLAN_ACCESS",
            "vds": {"id": vds_id(cluster), "name": vds_name},
            "network_ids": [],
            "gateway_ip": gateway,
            "gateway_subnetmask": null,
            "subnetmask": mask,
            "qos_burst": null,
            "qos_max_bandwidth": null,
            "qos_min_bandwidth": null,
            "qos_priority": null,
            "vm_nics": [],
            "labels": [],
            "entityAsyncStatus": null,
        })
    }

    pub(super) fn render_vds(&self, c: &SimCluster) -> Value {
        let id = c.id.as_str();
        let vlans: Vec<Value> = self
            .world
            .list_networks(&Filter::new().cluster(c.id.clone()), &Paging::all())
            .items
            .iter()
            .map(|n| json!({"id": n.id, "name": n.name}))
            .collect();
        json!({
            "id": vds_id(id),
            "local_id": uuid_from(&vds_id(id)),
            "name": format!("vds-{}", c.name),
            "cluster": self.cluster_stub(id),
            "bond_mode": "active-backup",
            "internal": false,
            "ovsbr_name": "ovsbr-vm",
            "type": "VM",
            "vlans_num": vlans.len(),
            "vlans": vlans,
            "nics": [],
            "labels": [],
            "work_mode": null,
            "everoute_cluster": null,
            "entityAsyncStatus": null,
        })
    }

    pub(super) fn render_storage_policy(&self, p: &SimStoragePool) -> Value {
        let busy = match p.state {
            StorageState::Maintenance => json!("CREATING"),
            StorageState::Unavailable => json!("DELETING"),
            _ => Value::Null,
        };
        json!({
            "id": p.id,
            "local_id": uuid_from(&format!("policy-{}", p.id)),
            "name": p.name,
            "description": "",
            "cluster": self.cluster_stub(p.cluster_id.as_str()),
            "replica_num": 2,
            "stripe_num": 4,
            "stripe_size": 262_144,
            "thin_provision": true,
            "entityAsyncStatus": busy,
        })
    }

    /// Every object of an inventory kind, rendered (the path `where` evaluation takes).
    pub(super) fn inventory_candidates(&self, kind: Kind) -> Vec<Value> {
        let all = Paging::all();
        let f = Filter::new();
        match kind {
            Kind::Template => self
                .world
                .list_templates(&f, &all)
                .items
                .iter()
                .map(|t| self.render_template(t))
                .collect(),
            Kind::Vlan => self
                .world
                .list_networks(&f, &all)
                .items
                .iter()
                .map(|n| self.render_vlan(n))
                .collect(),
            Kind::StoragePolicy => self
                .world
                .list_storage_pools(&f, &all)
                .items
                .iter()
                .map(|p| self.render_storage_policy(p))
                .collect(),
            Kind::Vds => self.clusters.iter().map(|c| self.render_vds(c)).collect(),
            _ => Vec::new(),
        }
    }

    /// A page of templates, VLANs or storage policies straight from the World's paging, when
    /// the body asks only what the World can answer (ids, exact name, `type: VM` for VLANs;
    /// creation, id or name order; `first`/`skip`/`after`): only the page is rendered.
    /// `None`: let [`Ctx::select`] evaluate it.
    pub(super) fn inventory_page(
        &self,
        kind: Kind,
        w: &Map<String, Value>,
        body: &Value,
    ) -> Result<Option<Vec<Value>>, Fail> {
        if !matches!(kind, Kind::Template | Kind::Vlan | Kind::StoragePolicy)
            || ["last", "before"]
                .iter()
                .any(|k| !body.get(*k).is_none_or(Value::is_null))
        {
            return Ok(None);
        }
        let (sort, descending) = match body.get("orderBy") {
            None | Some(Value::Null) => (SortBy::Created, false),
            Some(o) => match o.as_str() {
                Some("id_ASC") => (SortBy::Id, false),
                Some("id_DESC") => (SortBy::Id, true),
                Some("name_ASC") => (SortBy::Name, false),
                Some("name_DESC") => (SortBy::Name, true),
                _ => return Ok(None),
            },
        };
        let mut f = Filter::new();
        for (k, v) in w {
            f = match (k.as_str(), v) {
                ("id", Value::String(id)) if f.ids.is_none() => f.ids([id.clone()]),
                ("id_in", Value::Array(a)) if f.ids.is_none() => {
                    let Some(ids) = a
                        .iter()
                        .map(|x| x.as_str().map(str::to_owned))
                        .collect::<Option<Vec<String>>>()
                    else {
                        return Ok(None);
                    };
                    f.ids(ids)
                }
                ("name", Value::String(n)) => f.name(NameMatch::Equals(n.clone())),
                ("type", Value::String(t)) if kind == Kind::Vlan && t == "VM" => f,
                _ => return Ok(None),
            };
        }
        let mut paging = Paging::all().sort(sort, descending);
        paging.offset = int_arg(body, "skip")?.unwrap_or(0);
        paging.limit = int_arg(body, "first")?;
        paging.after = body.get("after").and_then(Value::as_str).map(str::to_owned);
        Ok(Some(match kind {
            Kind::Template => self
                .world
                .list_templates(&f, &paging)
                .items
                .iter()
                .map(|t| self.render_template(t))
                .collect(),
            Kind::Vlan => self
                .world
                .list_networks(&f, &paging)
                .items
                .iter()
                .map(|n| self.render_vlan(n))
                .collect(),
            _ => self
                .world
                .list_storage_pools(&f, &paging)
                .items
                .iter()
                .map(|p| self.render_storage_policy(p))
                .collect(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_and_mask_of_a_cidr() {
        assert_eq!(
            gateway_and_mask("10.101.0.0/16"),
            Some(("10.101.0.1".into(), "255.255.0.0".into()))
        );
        assert_eq!(
            gateway_and_mask("192.168.7.0/24"),
            Some(("192.168.7.1".into(), "255.255.255.0".into()))
        );
        assert_eq!(gateway_and_mask("nonsense"), None);
        assert_eq!(gateway_and_mask("10.0.0.0/33"), None);
    }
}
