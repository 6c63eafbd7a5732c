//! A VM instance inventory as one typed document: the JSON of a listing page is written from
//! it directly, and the `Value` the filters, jobs and replies use is `to_value` of the same
//! struct, so the two cannot drift. Field order is the inventory's.

use serde::Serialize;
use serde_json::Value;

use super::DATA_KEY;
use super::ids::{ext, gson_date};
use super::inventory::{gateway_and_netmask, pool_of};
use super::render::{ps_uuid, root_volume_of, zone_uuid_str};
use super::status::{vm_word, volume_status};
use crate::model::{SimDisk, SimNic, SimVm};
use crate::world::World;

/// `VmInstanceInventory`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VmDoc<'a> {
    uuid: String,
    name: &'a str,
    description: &'a str,
    zone_uuid: &'static str,
    cluster_uuid: String,
    image_uuid: Option<String>,
    host_uuid: Option<String>,
    last_host_uuid: Value,
    instance_offering_uuid: Option<()>,
    root_volume_uuid: String,
    platform: &'static str,
    architecture: &'static str,
    default_l3_network_uuid: Option<String>,
    #[serde(rename = "type")]
    kind: &'static str,
    hypervisor_type: &'static str,
    memory_size: u64,
    reserved_memory_size: u8,
    cpu_num: u32,
    cpu_speed: u8,
    allocator_strategy: &'static str,
    create_date: String,
    last_op_date: String,
    state: &'static str,
    vm_nics: Vec<NicDoc<'a>>,
    all_volumes: Vec<VolumeDoc>,
    vm_cd_roms: &'static [u8],
    guest_os_type: &'static str,
}

impl<'a> VmDoc<'a> {
    pub(super) fn new(world: &World, v: &'a SimVm) -> Self {
        let all_volumes: Vec<VolumeDoc> = v
            .disk_ids
            .iter()
            .filter_map(|id| world.peek_disk(id.as_str()).ok())
            .map(|d| VolumeDoc::new(world, &d, Some(v)))
            .collect();
        let root_volume_uuid = root_volume_of(world, v);
        let host_uuid = v.host_id.as_ref().map(|h| ext(h.as_str()));
        let last_host_uuid = v
            .extra
            .get("zstack_last_host")
            .cloned()
            .unwrap_or_else(|| host_uuid.clone().map_or(Value::Null, Value::String));
        VmDoc {
            uuid: ext(v.id.as_str()),
            name: &v.name,
            description: &v.description,
            zone_uuid: zone_uuid_str(),
            cluster_uuid: ext(v.cluster_id.as_str()),
            image_uuid: v.template_id.as_deref().map(ext),
            host_uuid,
            last_host_uuid,
            instance_offering_uuid: None,
            root_volume_uuid,
            platform: "Linux",
            architecture: "x86_64",
            default_l3_network_uuid: v.nics.first().map(|n| ext(n.network_id.as_str())),
            kind: "UserVm",
            hypervisor_type: "KVM",
            memory_size: v.memory_bytes,
            reserved_memory_size: 0,
            cpu_num: v.vcpus,
            cpu_speed: 0,
            allocator_strategy: "LastHostPreferredAllocatorStrategy",
            create_date: gson_date(v.created_at),
            last_op_date: gson_date(v.updated_at),
            state: vm_word(v.state),
            vm_nics: v
                .nics
                .iter()
                .enumerate()
                .map(|(i, n)| NicDoc::new(world, v, i, n))
                .collect(),
            all_volumes,
            vm_cd_roms: &[],
            guest_os_type: "Linux",
        }
    }

    /// The document as a JSON value.
    pub(super) fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// `VmNicInventory`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NicDoc<'a> {
    uuid: String,
    vm_instance_uuid: String,
    l3_network_uuid: String,
    ip: &'a str,
    mac: &'a str,
    hypervisor_type: &'static str,
    netmask: String,
    gateway: String,
    ip_version: u8,
    driver_type: &'a str,
    internal_name: &'a str,
    device_id: usize,
    #[serde(rename = "type")]
    kind: &'static str,
    state: &'static str,
    used_ips: [UsedIpDoc<'a>; 1],
    create_date: String,
    last_op_date: String,
}

/// `UsedIpInventory`: the one address of a NIC.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UsedIpDoc<'a> {
    uuid: String,
    l3_network_uuid: String,
    ip_version: u8,
    ip: &'a str,
    netmask: String,
    gateway: String,
    vm_nic_uuid: String,
}

impl<'a> NicDoc<'a> {
    pub(super) fn new(world: &World, vm: &SimVm, i: usize, n: &'a SimNic) -> Self {
        let (gateway, netmask) = world
            .get_network(n.network_id.as_str())
            .ok()
            .and_then(|x| gateway_and_netmask(&x.cidr))
            .unwrap_or_default();
        let uuid = ext(n.id.as_str());
        let l3 = ext(n.network_id.as_str());
        let used = UsedIpDoc {
            uuid: ext(&crate::ids::uuid_from(&format!("{uuid}-ip"))),
            l3_network_uuid: l3.clone(),
            ip_version: 4,
            ip: &n.ip,
            netmask: netmask.clone(),
            gateway: gateway.clone(),
            vm_nic_uuid: uuid.clone(),
        };
        NicDoc {
            uuid,
            vm_instance_uuid: ext(vm.id.as_str()),
            l3_network_uuid: l3,
            ip: &n.ip,
            mac: &n.mac,
            hypervisor_type: "KVM",
            netmask,
            gateway,
            ip_version: 4,
            driver_type: &n.model,
            internal_name: &n.name,
            device_id: i,
            kind: "VNIC",
            state: "enable",
            used_ips: [used],
            create_date: gson_date(vm.created_at),
            last_op_date: gson_date(vm.updated_at),
        }
    }
}

/// `VolumeInventory`: a root or data volume.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VolumeDoc {
    uuid: String,
    name: String,
    description: &'static str,
    primary_storage_uuid: String,
    vm_instance_uuid: Option<String>,
    disk_offering_uuid: Option<()>,
    install_path: String,
    #[serde(rename = "type")]
    kind: &'static str,
    format: &'static str,
    size: u64,
    actual_size: u64,
    device_id: Option<usize>,
    state: &'static str,
    status: &'static str,
    is_shareable: bool,
    create_date: String,
    last_op_date: String,
}

impl VolumeDoc {
    /// `vm` is the VM the volume is attached to, when the caller has it.
    pub(super) fn new(world: &World, d: &SimDisk, vm: Option<&SimVm>) -> Self {
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
        let primary_storage_uuid = d
            .storage
            .clone()
            .or_else(|| pool_of(world, &cluster))
            .unwrap_or_else(|| ps_uuid(&cluster));
        let uuid = ext(d.id.as_str());
        VolumeDoc {
            install_path: format!("/zstack_ps/dataVolumes/vol-{uuid}/{uuid}.qcow2"),
            uuid,
            name: d.name.clone(),
            description: "",
            primary_storage_uuid,
            vm_instance_uuid: d.vm_id.as_ref().map(|v| ext(v.as_str())),
            disk_offering_uuid: None,
            kind,
            format: "qcow2",
            size: d.size_bytes,
            actual_size: d.size_bytes / 4,
            device_id: index,
            state: "Enabled",
            status: volume_status(d.state),
            is_shareable: false,
            create_date: gson_date(d.created_at),
            last_op_date: gson_date(d.created_at),
        }
    }

    /// The document as a JSON value.
    pub(super) fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
