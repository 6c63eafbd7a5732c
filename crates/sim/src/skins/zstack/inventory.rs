//! Images, L3 and L2 networks and primary storage: the World's templates, networks and storage
//! pools in the inventories of `QueryImage`, `QueryL3Network`, `QueryL2Network` and
//! `QueryPrimaryStorage`, and the paging that answers their queries from the World's own pages.
//!
//! Each World network is one L3 network (`L3BasicNetwork`, one IP range spanning its CIDR) on
//! its own L2 network (`L2VlanNetwork` with the World's VLAN, else `L2NoVlanNetwork`) attached
//! to the network's cluster. The L2's uuid is the L3's written backwards, so either finds the
//! other without a table. Each storage pool is an NFS primary storage attached to its cluster.

use std::net::Ipv4Addr;

use omnivirt_core::StorageState;
use serde_json::{Value, json};

use super::filter::{COp, Cond};
use super::ids::{ext, gson_date, int};
use super::render::zone_uuid;
use crate::ids::uuid_from;
use crate::model::{SimNetwork, SimStoragePool, SimTemplate};
use crate::query::{Filter, NameMatch, Paging, SortBy};
use crate::text::ipv4_text;
use crate::world::{Lookup, World};

/// What a seeded root volume template weighs: the World's templates have no size of their own.
const IMAGE_SIZE: u64 = 10 << 30;

/// The uuid of the L2 network under the L3 network `l3` (wire form both).
pub(super) fn l2_uuid(l3: &str) -> String {
    l3.chars().rev().collect()
}

pub(super) fn render_image(t: &SimTemplate) -> Value {
    let uuid = ext(&t.id);
    json!({
        "uuid": uuid,
        "name": t.name,
        "description": t.description,
        "state": "Enabled",
        "status": "Ready",
        "size": IMAGE_SIZE,
        "actualSize": IMAGE_SIZE / 5,
        "md5Sum": null,
        "url": format!("http://images.sim.invalid/{}.qcow2", t.name),
        "mediaType": "RootVolumeTemplate",
        "guestOsType": "Linux",
        "type": "zstack",
        "platform": "Linux",
        "architecture": "x86_64",
        "format": "qcow2",
        "system": false,
        "virtio": true,
        "createDate": gson_date(t.created_at),
        "lastOpDate": gson_date(t.created_at),
        "backupStorageRefs": [{
            "imageUuid": uuid,
            "backupStorageUuid": ext(&uuid_from("zstack-sim-bs")),
            "installPath": format!("/zstack_bs/rootVolumeTemplates/acct-admin/{uuid}/{uuid}.qcow2"),
            "exportUrl": null,
            "status": "Ready",
            "createDate": gson_date(t.created_at),
            "lastOpDate": gson_date(t.created_at),
        }],
        "systemTags": [],
    })
}

/// The gateway and netmask of a CIDR, as a NIC on it reports them.
pub(super) fn gateway_and_netmask(cidr: &str) -> Option<(String, String)> {
    net_and_mask(cidr).map(|(net, mask, _)| (ipv4_text(net + 1), ipv4_text(mask)))
}

/// The IP range of a CIDR as ZStack describes it: gateway `.1`, addresses from `.2` to the last
/// but one. `None` for text that is not an IPv4 CIDR.
fn ip_range(cidr: &str) -> Option<(String, String, String, String, u32)> {
    let (net, mask, len) = net_and_mask(cidr)?;
    let last = net | !mask;
    Some((
        ipv4_text(net + 1),
        ipv4_text(net + 2),
        ipv4_text(last - 1),
        ipv4_text(mask),
        len,
    ))
}

/// The network address, the mask and the prefix length of an IPv4 CIDR of /8 to /30.
fn net_and_mask(cidr: &str) -> Option<(u32, u32, u32)> {
    let (addr, len) = cidr.split_once('/')?;
    let base: Ipv4Addr = addr.parse().ok()?;
    let len: u32 = len.parse().ok().filter(|l| (8..=30).contains(l))?;
    let mask = u32::MAX << (32 - len);
    Some((u32::from(base) & mask, mask, len))
}

pub(super) fn render_l3(n: &SimNetwork) -> Value {
    let uuid = ext(&n.id);
    let ranges: Vec<Value> = ip_range(&n.cidr)
        .map(|(gateway, start, end, netmask, len)| {
            json!({
                "uuid": ext(&uuid_from(&format!("zstack-sim-iprange-{}", n.id))),
                "l3NetworkUuid": uuid,
                "name": format!("range-{}", n.name),
                "description": "",
                "startIp": start,
                "endIp": end,
                "netmask": netmask,
                "gateway": gateway,
                "networkCidr": n.cidr,
                "ipVersion": 4,
                "prefixLen": len,
                "ipRangeType": "Normal",
                "createDate": gson_date(crate::EPOCH),
                "lastOpDate": gson_date(crate::EPOCH),
            })
        })
        .into_iter()
        .collect();
    json!({
        "uuid": uuid,
        "name": n.name,
        "description": n.description,
        "type": "L3BasicNetwork",
        "zoneUuid": zone_uuid(),
        "l2NetworkUuid": l2_uuid(&uuid),
        "state": "Enabled",
        "dnsDomain": null,
        "system": false,
        "category": "Private",
        "ipVersion": 4,
        "enableIPAM": true,
        "isolated": false,
        "createDate": gson_date(crate::EPOCH),
        "lastOpDate": gson_date(crate::EPOCH),
        "dns": [],
        "ipRanges": ranges,
        "networkServices": [],
        "hostRoute": [],
        "reservedIpRanges": [],
    })
}

pub(super) fn render_l2(n: &SimNetwork) -> Value {
    let mut v = json!({
        "uuid": l2_uuid(&ext(&n.id)),
        "name": format!("l2-{}", n.name),
        "description": "",
        "zoneUuid": zone_uuid(),
        "physicalInterface": "eth0",
        "type": if n.vlan.is_some() { "L2VlanNetwork" } else { "L2NoVlanNetwork" },
        "vSwitchType": "LinuxBridge",
        "virtualNetworkId": n.vlan.unwrap_or(0),
        "isolated": false,
        "createDate": gson_date(crate::EPOCH),
        "lastOpDate": gson_date(crate::EPOCH),
        "attachedClusterUuids": [ext(n.cluster_id.as_str())],
    });
    if let Some(vlan) = n.vlan {
        // `L2VlanNetworkInventory` repeats the tag under its own name.
        v["vlan"] = json!(vlan);
    }
    v
}

/// Primary storage (`state`, `status`) of a neutral pool state.
fn storage_words(s: StorageState) -> (&'static str, &'static str) {
    match s {
        StorageState::Ok => ("Enabled", "Connected"),
        StorageState::Maintenance => ("Maintenance", "Connected"),
        StorageState::Unavailable => ("Enabled", "Disconnected"),
        _ => ("Enabled", "Connecting"),
    }
}

pub(super) fn render_primary_storage(p: &SimStoragePool) -> Value {
    let uuid = ext(&p.id);
    let (state, status) = storage_words(p.state);
    json!({
        "uuid": uuid,
        "zoneUuid": zone_uuid(),
        "name": p.name,
        "url": format!("nfs.sim.invalid:/export/{}", p.name),
        "description": "",
        "totalCapacity": p.capacity_bytes,
        "availableCapacity": p.free_bytes,
        "totalPhysicalCapacity": p.capacity_bytes,
        "availablePhysicalCapacity": p.free_bytes,
        "systemUsedCapacity": 0,
        "type": "NFS",
        "state": state,
        "status": status,
        "mountPath": format!("/opt/zstack/nfsprimarystorage/prim-{uuid}"),
        "createDate": gson_date(crate::EPOCH),
        "lastOpDate": gson_date(crate::EPOCH),
        "attachedClusterUuids": [ext(p.cluster_id.as_str())],
    })
}

/// The primary storage a volume of `cluster` lands on: the cluster's first World pool.
pub(super) fn pool_of(world: &Lookup<'_>, cluster: &str) -> Option<String> {
    world.first_pool_in(cluster).map(|p| ext(&p.id))
}

/// Which World table answers, and how a wire uuid becomes a World id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Image,
    L3,
    L2,
    PrimaryStorage,
}

impl Kind {
    fn id_of(self, world: &World, wire: &str) -> String {
        match self {
            Kind::L2 => int(world, &l2_uuid(wire)),
            _ => int(world, wire),
        }
    }
}

/// A query the World can page itself: every condition is a uuid (`=`, `?=`), a name (`=`) or,
/// on L2 networks and primary storage, an attached cluster (`attachedClusterUuids=`), and the
/// order (if any) is by uuid or name. `None` sends the query down the general path.
pub(super) fn world_filter(
    world: &World,
    kind: Kind,
    conds: &[Cond],
    sort: Option<&(String, bool)>,
) -> Option<(Filter, Option<(SortBy, bool)>)> {
    let mut f = Filter::new();
    for c in conds {
        match (c.field.as_str(), c.op) {
            ("uuid", op @ (COp::Eq | COp::In)) => {
                let mine: Vec<String> = if op == COp::In {
                    c.value.split(',').map(|v| kind.id_of(world, v)).collect()
                } else {
                    vec![kind.id_of(world, &c.value)]
                };
                let ids = match f.ids.take() {
                    Some(had) => had.into_iter().filter(|i| mine.contains(i)).collect(),
                    None => mine,
                };
                f = f.ids(ids);
            }
            ("name", COp::Eq) if f.name.is_none() => {
                f = f.name(NameMatch::Equals(c.value.clone())).ignore_case(true);
            }
            ("attachedClusterUuids", COp::Eq)
                if matches!(kind, Kind::L2 | Kind::PrimaryStorage) && f.cluster.is_none() =>
            {
                f = f.cluster(int(world, &c.value));
            }
            _ => return None,
        }
    }
    let order = match sort {
        None => None,
        Some((field, desc)) => match field.as_str() {
            "uuid" => Some((SortBy::Id, *desc)),
            "name" => Some((SortBy::Name, *desc)),
            _ => return None,
        },
    };
    Some((f, order))
}

/// One page (`start`, `limit`) of `kind` as the World pages it, rendered, and the total.
pub(super) fn world_page(
    world: &World,
    kind: Kind,
    filter: &Filter,
    order: Option<(SortBy, bool)>,
    start: usize,
    limit: usize,
) -> (Vec<Value>, usize) {
    let mut paging = Paging::new(start, limit);
    if let Some((by, desc)) = order {
        paging = paging.sort(by, desc);
    }
    match kind {
        Kind::Image => {
            let l = world.list_templates(filter, &paging);
            (l.items.iter().map(render_image).collect(), l.total)
        }
        Kind::L3 => {
            let l = world.list_networks(filter, &paging);
            (l.items.iter().map(render_l3).collect(), l.total)
        }
        Kind::L2 => {
            let l = world.list_networks(filter, &paging);
            (l.items.iter().map(render_l2).collect(), l.total)
        }
        Kind::PrimaryStorage => {
            let l = world.list_storage_pools(filter, &paging);
            (
                l.items.iter().map(render_primary_storage).collect(),
                l.total,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_ranges_span_the_cidr() {
        let (gw, start, end, mask, len) = ip_range("10.101.0.0/16").unwrap();
        assert_eq!(
            (
                gw.as_str(),
                start.as_str(),
                end.as_str(),
                mask.as_str(),
                len
            ),
            (
                "10.101.0.1",
                "10.101.0.2",
                "10.101.255.254",
                "255.255.0.0",
                16
            )
        );
        assert!(ip_range("not-a-cidr").is_none());
        assert!(ip_range("10.0.0.0/31").is_none());
    }

    #[test]
    fn an_l2_uuid_leads_back_to_its_l3() {
        let l3 = "0a1b2c3d00004000800000000000abcd";
        assert_ne!(l2_uuid(l3), l3);
        assert_eq!(l2_uuid(&l2_uuid(l3)), l3);
    }
}
