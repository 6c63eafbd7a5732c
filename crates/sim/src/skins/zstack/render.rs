//! The inventories: zone, clusters, hosts, volumes and VM instances.

use omnivirt_core::ClusterState;
use serde_json::{Value, json};

use super::DATA_KEY;
use super::ids::{ext, gson_date};
use super::inventory::pool_of;
use super::status::{host_words, vm_word, volume_status};
use crate::ids::uuid_from;
use crate::model::{SimCluster, SimDisk, SimHost, SimVm};
use crate::world::World;

pub(super) fn zone_uuid() -> String {
    // The same for every inventory that names the zone: derived once.
    static ZONE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| ext(&uuid_from("zstack-sim-zone")))
        .clone()
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
    let index = vm.and_then(|v| v.disk_ids.iter().position(|x| *x == d.id));
    let is_data = d.extra.contains_key(DATA_KEY);
    let kind = if index == Some(0) && !is_data {
        "Root"
    } else {
        "Data"
    };
    let cluster = d
        .cluster_id
        .as_ref()
        .map(|c| c.as_str().to_owned())
        .or_else(|| vm.map(|v| v.cluster_id.as_str().to_owned()))
        .unwrap_or_default();
    let ps = d
        .storage
        .clone()
        .or_else(|| pool_of(world, &cluster))
        .unwrap_or_else(|| ps_uuid(&cluster));
    let uuid = ext(d.id.as_str());
    json!({
        "uuid": uuid,
        "name": d.name,
        "description": "",
        "primaryStorageUuid": ps,
        "vmInstanceUuid": d.vm_id.as_ref().map(|v| ext(v.as_str())),
        "diskOfferingUuid": null,
        "installPath": format!("/zstack_ps/dataVolumes/vol-{uuid}/{uuid}.qcow2"),
        "type": kind,
        "format": "qcow2",
        "size": d.size_bytes,
        "actualSize": d.size_bytes / 4,
        "deviceId": index,
        "state": "Enabled",
        "status": volume_status(d.state),
        "isShareable": false,
        "createDate": gson_date(d.created_at),
        "lastOpDate": gson_date(d.created_at),
    })
}

pub(super) fn render_vm(world: &World, v: &SimVm) -> Value {
    let volumes: Vec<Value> = v
        .disk_ids
        .iter()
        .filter_map(|id| world.peek_disk(id.as_str()).ok())
        .map(|d| render_volume(world, &d, Some(v)))
        .collect();
    let root = volumes
        .iter()
        .find(|x| x["type"] == "Root")
        .map(|x| x["uuid"].clone())
        .unwrap_or_else(|| json!(diskless_root(v.id.as_str())));
    debug_assert_eq!(root, json!(root_volume_of(world, v)));
    let host = v.host_id.as_ref().map(|h| ext(h.as_str()));
    let nics: Vec<Value> = v
        .nics
        .iter()
        .enumerate()
        .map(|(i, n)| super::day2::render_nic(world, v, i, n))
        .collect();
    let default_l3 = v.nics.first().map(|n| ext(n.network_id.as_str()));
    let last_host = v
        .extra
        .get("zstack_last_host")
        .cloned()
        .unwrap_or_else(|| json!(host));
    let mut out = json!({
        "uuid": ext(v.id.as_str()),
        "name": v.name,
        "description": v.description,
        "zoneUuid": zone_uuid(),
        "clusterUuid": ext(v.cluster_id.as_str()),
        "imageUuid": v.template_id.as_ref().map(|t| ext(t)),
        "hostUuid": host,
        "lastHostUuid": last_host,
        "instanceOfferingUuid": null,
        "rootVolumeUuid": root,
        "platform": "Linux",
        "architecture": "x86_64",
        "defaultL3NetworkUuid": default_l3,
        "type": "UserVm",
        "hypervisorType": "KVM",
        "memorySize": v.memory_bytes,
        "reservedMemorySize": 0,
        "cpuNum": v.vcpus,
        "cpuSpeed": 0,
        "allocatorStrategy": "LastHostPreferredAllocatorStrategy",
        "createDate": gson_date(v.created_at),
        "lastOpDate": gson_date(v.updated_at),
        "state": vm_word(v.state),
        // Filled below: `json!` would copy the arrays value by value; assigning keeps the
        // key's place and moves them.
        "vmNics": null,
        "allVolumes": null,
        "vmCdRoms": [],
        "guestOsType": "Linux",
    });
    out["vmNics"] = Value::Array(nics);
    out["allVolumes"] = Value::Array(volumes);
    out
}

/// The uuid a VM reports as its root volume: its first disk unless that was made as a data
/// volume, else one derived from the VM.
pub(super) fn root_volume_of(world: &World, v: &SimVm) -> String {
    v.disk_ids
        .first()
        .filter(|d| {
            world
                .peek_disk(d.as_str())
                .is_ok_and(|d| !d.extra.contains_key(DATA_KEY))
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
