//! The inventories: zone, clusters, hosts, volumes and VM instances.

use omnivirt_core::ClusterState;
use serde_json::{Value, json};

use super::DATA_KEY;
use super::ids::{ext, gson_date};
use super::status::host_words;
use super::vm_doc::{VmDoc, VolumeDoc};
use crate::ids::uuid_from;
use crate::model::{SimCluster, SimDisk, SimHost, SimVm};
use crate::world::{Lookup, World};

pub(super) fn zone_uuid() -> String {
    zone_uuid_str().to_owned()
}

/// The zone's uuid; the same for every inventory that names it, so derived once.
pub(super) fn zone_uuid_str() -> &'static str {
    static ZONE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| ext(&uuid_from("zstack-sim-zone")))
}

pub(super) fn ps_uuid(cluster: &str) -> String {
    ext(&uuid_from(&format!("zstack-sim-ps-{cluster}")))
}

pub(super) fn render_zone() -> Value {
    json!({
        "uuid": zone_uuid(),
        "name": "ZONE-1",
        "description": "simulated zone",
        "state": "Enabled",
        "type": "zstack",
        "isDefault": true,
        "createDate": gson_date(crate::EPOCH),
        "lastOpDate": gson_date(crate::EPOCH),
    })
}

pub(super) fn render_cluster(c: &SimCluster) -> Value {
    let state = if c.state == ClusterState::Ok {
        "Enabled"
    } else {
        "Disabled"
    };
    json!({
        "uuid": ext(c.id.as_str()),
        "name": c.name,
        "description": c.description,
        "state": state,
        "hypervisorType": "KVM",
        "zoneUuid": zone_uuid(),
        "type": "zstack",
        "architecture": "x86_64",
        "createDate": gson_date(c.created_at),
        "lastOpDate": gson_date(c.created_at),
    })
}

pub(super) fn render_host(h: &SimHost) -> Value {
    let (state, status) = host_words(h.state);
    json!({
        "uuid": ext(h.id.as_str()),
        "name": h.name,
        "description": "",
        "zoneUuid": zone_uuid(),
        "clusterUuid": ext(h.cluster_id.as_str()),
        "managementIp": h.address,
        "hypervisorType": "KVM",
        "state": state,
        "status": status,
        "cpuNum": h.cpu_threads,
        "cpuSockets": 2,
        "totalCpuCapacity": h.cpu_threads,
        "availableCpuCapacity": h.cpu_threads,
        "totalMemoryCapacity": h.memory_bytes,
        "availableMemoryCapacity": h.memory_bytes,
        "architecture": "x86_64",
        "username": "root",
        "sshPort": 22,
        "createDate": gson_date(h.created_at),
        "lastOpDate": gson_date(h.created_at),
    })
}

pub(super) fn render_volume(world: &World, d: &SimDisk, vm: Option<&SimVm>) -> Value {
    world.with_lookup(|l| VolumeDoc::new(l, d, vm)).to_value()
}

pub(super) fn render_vm(world: &World, v: &SimVm) -> Value {
    world.with_lookup(|l| VmDoc::new(l, v)).to_value()
}

/// The uuid a VM reports as its root volume: its first disk unless that was made as a data
/// volume, else one derived from the VM.
pub(super) fn root_volume_of(world: &Lookup<'_>, v: &SimVm) -> String {
    v.disk_ids
        .first()
        .filter(|d| {
            world
                .disk(d.as_str())
                .is_some_and(|d| !d.extra.contains_key(DATA_KEY))
        })
        .map_or_else(|| diskless_root(v.id.as_str()), |d| ext(d.as_str()))
}

/// The root volume uuid a VM without a root disk reports (a World VM may have none; a ZStack VM
/// always has one): derived from the VM, so a snapshot group of it finds the VM again.
pub(super) fn diskless_root(vm: &str) -> String {
    ext(&uuid_from(&format!("zstack-sim-root-{vm}")))
}

pub(super) fn render_volume_of(world: &World, d: &SimDisk) -> Value {
    let vm = d
        .vm_id
        .as_ref()
        .and_then(|v| world.peek_vm(v.as_str()).ok());
    render_volume(world, d, vm.as_ref())
}
