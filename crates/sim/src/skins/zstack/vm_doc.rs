//! A VM instance inventory as one typed document: the JSON of a listing page is written from
//! it directly, and the `Value` the filters, jobs and replies use is `to_value` of the same
//! struct, so the two cannot drift. Field order is the inventory's.

use serde::Serialize;
use serde_json::Value;

use super::DATA_KEY;
use super::ids::{ExtId, GsonDate};
use super::inventory::{gateway_and_netmask, pool_of};
use super::render::{ps_uuid, root_volume_of, zone_uuid_str};
use super::status::{vm_word, volume_status};
use crate::model::{SimDisk, SimNic, SimVm};
use crate::world::Lookup;

/// `VmInstanceInventory`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VmDoc<'a> {
    pub(super) uuid: ExtId,
    pub(super) name: &'a str,
    pub(super) description: &'a str,
    pub(super) zone_uuid: &'static str,
    pub(super) cluster_uuid: ExtId,
    pub(super) image_uuid: Option<ExtId>,
    pub(super) host_uuid: Option<ExtId>,
    pub(super) last_host_uuid: LastHost<'a>,
    pub(super) instance_offering_uuid: Option<()>,
    pub(super) root_volume_uuid: String,
    pub(super) platform: &'static str,
    pub(super) architecture: &'static str,
    pub(super) default_l3_network_uuid: Option<ExtId>,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) hypervisor_type: &'static str,
    pub(super) memory_size: u64,
    pub(super) reserved_memory_size: u8,
    pub(super) cpu_num: u32,
    pub(super) cpu_speed: u8,
    pub(super) allocator_strategy: &'static str,
    pub(super) create_date: GsonDate,
    pub(super) last_op_date: GsonDate,
    pub(super) state: &'static str,
    pub(super) vm_nics: Vec<NicDoc<'a>>,
    pub(super) all_volumes: Vec<VolumeDoc>,
    pub(super) vm_cd_roms: &'static [u8],
    pub(super) guest_os_type: &'static str,
}

/// `lastHostUuid`: what a migration left in the VM's extras, else the current host.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum LastHost<'a> {
    /// Set by the skin after a migration.
    Given(&'a Value),
    /// The host the VM is on, if any.
    Current(Option<ExtId>),
}

impl<'a> VmDoc<'a> {
    /// `world` is the lookup the whole page is built under (one lock, no row copied).
    pub(super) fn new(world: &Lookup<'_>, v: &'a SimVm) -> Self {
        let all_volumes: Vec<VolumeDoc> = v
            .disk_ids
            .iter()
            .filter_map(|id| world.disk(id.as_str()))
            .map(|d| VolumeDoc::new(world, d, Some(v)))
            .collect();
        let root_volume_uuid = root_volume_of(world, v);
        let host_uuid = v.host_id.as_ref().map(|h| ExtId::of(h.as_str()));
        let last_host_uuid = match v.extra.get("zstack_last_host") {
            Some(given) => LastHost::Given(given),
            None => LastHost::Current(host_uuid.clone()),
        };
        VmDoc {
            uuid: ExtId::of(v.id.as_str()),
            name: &v.name,
            description: &v.description,
            zone_uuid: zone_uuid_str(),
            cluster_uuid: ExtId::of(v.cluster_id.as_str()),
            image_uuid: v.template_id.as_deref().map(ExtId::of),
            host_uuid,
            last_host_uuid,
            instance_offering_uuid: None,
            root_volume_uuid,
            platform: "Linux",
            architecture: "x86_64",
            default_l3_network_uuid: v.nics.first().map(|n| ExtId::of(n.network_id.as_str())),
            kind: "UserVm",
            hypervisor_type: "KVM",
            memory_size: v.memory_bytes,
            reserved_memory_size: 0,
            cpu_num: v.vcpus,
            cpu_speed: 0,
            allocator_strategy: "LastHostPreferredAllocatorStrategy",
            create_date: GsonDate::of(v.created_at),
            last_op_date: GsonDate::of(v.updated_at),
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
    pub(super) uuid: ExtId,
    pub(super) vm_instance_uuid: ExtId,
    pub(super) l3_network_uuid: ExtId,
    pub(super) ip: &'a str,
    pub(super) mac: &'a str,
    pub(super) hypervisor_type: &'static str,
    pub(super) netmask: String,
    pub(super) gateway: String,
    pub(super) ip_version: u8,
    pub(super) driver_type: &'a str,
    pub(super) internal_name: &'a str,
    pub(super) device_id: usize,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) state: &'static str,
    pub(super) used_ips: [UsedIpDoc<'a>; 1],
    pub(super) create_date: GsonDate,
    pub(super) last_op_date: GsonDate,
}

/// `UsedIpInventory`: the one address of a NIC.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct UsedIpDoc<'a> {
    pub(super) uuid: ExtId,
    pub(super) l3_network_uuid: ExtId,
    pub(super) ip_version: u8,
    pub(super) ip: &'a str,
    pub(super) netmask: String,
    pub(super) gateway: String,
    pub(super) vm_nic_uuid: ExtId,
}

impl<'a> NicDoc<'a> {
    pub(super) fn new(world: &Lookup<'_>, vm: &SimVm, i: usize, n: &'a SimNic) -> Self {
        let (gateway, netmask) = world
            .network(n.network_id.as_str())
            .and_then(|x| gateway_and_netmask(&x.cidr))
            .unwrap_or_default();
        let uuid = ExtId::of(n.id.as_str());
        let l3 = ExtId::of(n.network_id.as_str());
        let used = UsedIpDoc {
            uuid: ExtId::of(crate::ids::uuid_of(&[uuid.as_str(), "-ip"]).as_str()),
            l3_network_uuid: l3.clone(),
            ip_version: 4,
            ip: &n.ip,
            netmask: netmask.clone(),
            gateway: gateway.clone(),
            vm_nic_uuid: uuid.clone(),
        };
        NicDoc {
            uuid,
            vm_instance_uuid: ExtId::of(vm.id.as_str()),
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
            create_date: GsonDate::of(vm.created_at),
            last_op_date: GsonDate::of(vm.updated_at),
        }
    }
}

/// `VolumeInventory`: a root or data volume.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VolumeDoc {
    pub(super) uuid: ExtId,
    pub(super) name: String,
    pub(super) description: &'static str,
    pub(super) primary_storage_uuid: String,
    pub(super) vm_instance_uuid: Option<ExtId>,
    pub(super) disk_offering_uuid: Option<()>,
    pub(super) install_path: String,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) format: &'static str,
    pub(super) size: u64,
    pub(super) actual_size: u64,
    pub(super) device_id: Option<usize>,
    pub(super) state: &'static str,
    pub(super) status: &'static str,
    pub(super) is_shareable: bool,
    pub(super) create_date: GsonDate,
    pub(super) last_op_date: GsonDate,
}

impl VolumeDoc {
    /// `vm` is the VM the volume is attached to, when the caller has it.
    pub(super) fn new(world: &Lookup<'_>, d: &SimDisk, vm: Option<&SimVm>) -> Self {
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
        let uuid = ExtId::of(d.id.as_str());
        let mut install_path = String::with_capacity(64 + 2 * uuid.as_str().len());
        for part in [
            "/zstack_ps/dataVolumes/vol-",
            uuid.as_str(),
            "/",
            uuid.as_str(),
            ".qcow2",
        ] {
            install_path.push_str(part);
        }
        VolumeDoc {
            install_path,
            uuid,
            name: d.name.clone(),
            description: "",
            primary_storage_uuid,
            vm_instance_uuid: d.vm_id.as_ref().map(|v| ExtId::of(v.as_str())),
            disk_offering_uuid: None,
            kind,
            format: "qcow2",
            size: d.size_bytes,
            actual_size: d.size_bytes / 4,
            device_id: index,
            state: "Enabled",
            status: volume_status(d.state),
            is_shareable: false,
            create_date: GsonDate::of(d.created_at),
            last_op_date: GsonDate::of(d.created_at),
        }
    }

    /// The document as a JSON value.
    pub(super) fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
