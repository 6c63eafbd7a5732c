//! The JSON of one CloudTower `Vm`, as a borrowed struct serialised straight to text.
//!
//! A `get-vms` page is the hot path of every listing, so the VM is not built as a
//! `serde_json::Value` (one map insert and one allocation per key) but written field by field
//! in the order a tower sends them. Where a `Value` is needed (the `where` evaluator, nested
//! expansion), it is made from this same struct, so both views always agree.

use serde::Serialize;
use serde_json::Value;

use super::ctx::{Ctx, slot_id};
use super::devices::{cd_rom_id, cd_rom_n, cd_roms_of, nic_id};
use super::labels::{NestedLabel, nested_labels};
use super::status::vm_words;
use crate::ids::uuid_from;
use crate::model::{SimVm, rfc3339};

/// Always `[]`.
type NoList = [u8; 0];
/// Always `null`.
type NoValue = ();

/// `{"id": ..}`.
#[derive(Serialize)]
pub(super) struct IdRef {
    id: String,
}

/// `{"id": .., "name": ..}`.
#[derive(Serialize)]
pub(super) struct NamedRef<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
}

/// A VM's `host`.
#[derive(Serialize)]
pub(super) struct HostRef<'a> {
    id: &'a str,
    name: &'a str,
    management_ip: &'a str,
}

/// `{"cores": .., "sockets": 1}`.
#[derive(Serialize)]
struct Cpu {
    cores: u32,
    sockets: u32,
}

/// One CloudTower `Vm` as the skin renders it.
#[derive(Serialize)]
pub(super) struct VmDoc<'a> {
    id: &'a str,
    name: &'a str,
    local_id: String,
    status: &'static str,
    #[serde(rename = "entityAsyncStatus")]
    entity_async_status: Value,
    description: &'a str,
    cpu: Cpu,
    vcpu: u32,
    memory: u64,
    cpu_model: &'static str,
    clock_offset: &'static str,
    firmware: OrWord<'a>,
    ha: bool,
    in_recycle_bin: bool,
    internal: bool,
    ips: String,
    nested_virtualization: bool,
    node_ip: &'a str,
    out_uninstall_usb: NoList,
    protected: bool,
    vm_tools_status: &'static str,
    vm_tools_version: &'static str,
    win_opt: bool,
    cluster: NamedRef<'a>,
    host: Option<HostRef<'a>>,
    folder: NoValue,
    vm_disks: Vec<IdRef>,
    vm_nics: Vec<IdRef>,
    labels: Vec<NestedLabel<'a>>,
    snapshots: Vec<NamedRef<'a>>,
    gpu_devices: NoList,
    usb_devices: NoList,
    pci_nics: NoList,
    vm_placement_group: NoList,
    backup_plans: NoList,
    entity_filter_results: NoList,
    snapshot_plan: NoValue,
    isolation_policy: NoValue,
    cpu_usage: f64,
    memory_usage: f64,
    size: u64,
    provisioned_size: u64,
    unique_size: u64,
    logical_size_bytes: u64,
    used_size: u64,
    guest_used_size: u64,
    unique_logical_size: f64,
    used_size_usage: f64,
    guest_size_usage: f64,
    guest_os_type: &'static str,
    os: &'static str,
    hostname: &'a str,
    dns_servers: &'static str,
    kernel_info: &'static str,
    deleted_at: &'a Value,
    original_name: NoValue,
    last_shutdown_time: NoValue,
    local_created_at: String,
    max_iops: NoValue,
    max_iops_policy: NoValue,
    max_bandwidth: NoValue,
    max_bandwidth_policy: NoValue,
    io_policy: NoValue,
    video_type: &'static str,
    vm_usage: NoValue,
    bios_uuid: String,
    cloud_init_supported: bool,
    guest_cpu_model: NoValue,
}

static NULL: Value = Value::Null;

/// A value the VM carries in `extra`, or the word a tower sends when it has none.
#[derive(Serialize)]
#[serde(untagged)]
enum OrWord<'a> {
    Given(&'a Value),
    Word(&'static str),
}

impl<'a> OrWord<'a> {
    fn of(v: &'a SimVm, key: &str, word: &'static str) -> Self {
        v.extra.get(key).map_or(OrWord::Word(word), OrWord::Given)
    }
}

impl Ctx<'_> {
    /// A cluster as other objects embed it: `{id, name}` (an empty name when it is gone).
    pub(super) fn cluster_ref<'a>(&'a self, id: &'a str) -> NamedRef<'a> {
        let name = self.cluster(id).map_or("", |c| c.name.as_str());
        NamedRef { id, name }
    }

    /// A host as other objects embed it: `{id, name, management_ip}`.
    pub(super) fn host_ref<'a>(&'a self, id: &'a str) -> HostRef<'a> {
        let found = self.host(id);
        HostRef {
            id,
            name: found.map_or("", |h| h.name.as_str()),
            management_ip: found.map_or("", |h| h.address.as_str()),
        }
    }

    pub(super) fn vm_doc<'a>(&'a self, v: &'a SimVm) -> VmDoc<'a> {
        let (status, busy) = vm_words(v.state, v.task_id.is_some());
        let flag =
            |key: &str, default: bool| v.extra.get(key).and_then(Value::as_bool).unwrap_or(default);
        let host = v.host_id.as_ref().map(|h| self.host_ref(h.as_str()));
        let node_ip = host.as_ref().map_or("", |h| h.management_ip);
        let size = self.world.disk_bytes(&v.disk_ids);
        let vm_id = v.id.as_str();
        let mut vm_disks: Vec<IdRef> = v
            .disk_ids
            .iter()
            .map(|d| IdRef {
                id: slot_id(vm_id, d.as_str()),
            })
            .collect();
        vm_disks.extend(cd_roms_of(v).iter().map(|c| IdRef {
            id: cd_rom_id(vm_id, cd_rom_n(c)),
        }));
        let running = status == "RUNNING";
        let usage = |pct: f64| if running { pct } else { 0.0 };
        VmDoc {
            id: vm_id,
            name: &v.name,
            local_id: uuid_from(vm_id),
            status,
            entity_async_status: busy,
            description: &v.description,
            cpu: Cpu {
                cores: v.vcpus,
                sockets: 1,
            },
            vcpu: v.vcpus,
            memory: v.memory_bytes,
            cpu_model: "cluster_default",
            clock_offset: "UTC",
            firmware: OrWord::of(v, "firmware", "BIOS"),
            ha: flag("ha", true),
            in_recycle_bin: flag("in_recycle_bin", false),
            internal: false,
            ips: v.ips().join(","),
            nested_virtualization: false,
            node_ip,
            out_uninstall_usb: [],
            protected: false,
            vm_tools_status: if running { "RUNNING" } else { "NOT_RUNNING" },
            vm_tools_version: "3.1.0",
            win_opt: false,
            cluster: self.cluster_ref(v.cluster_id.as_str()),
            host,
            folder: (),
            vm_disks,
            vm_nics: v
                .nics
                .iter()
                .map(|n| IdRef {
                    id: nic_id(vm_id, n.id.as_str()),
                })
                .collect(),
            labels: nested_labels(v),
            snapshots: v
                .snapshots
                .iter()
                .map(|s| NamedRef {
                    id: s.id.as_str(),
                    name: &s.name,
                })
                .collect(),
            gpu_devices: [],
            usb_devices: [],
            pci_nics: [],
            vm_placement_group: [],
            backup_plans: [],
            entity_filter_results: [],
            snapshot_plan: (),
            isolation_policy: (),
            cpu_usage: usage(12.5),
            memory_usage: usage(35.0),
            size,
            provisioned_size: size,
            unique_size: size / 4,
            logical_size_bytes: size,
            used_size: size / 4,
            guest_used_size: if running { size / 8 } else { 0 },
            unique_logical_size: 0.25,
            used_size_usage: 25.0,
            guest_size_usage: usage(12.5),
            guest_os_type: "LINUX",
            os: "Linux",
            hostname: &v.name,
            dns_servers: "",
            kernel_info: "",
            deleted_at: v.extra.get("deleted_at").unwrap_or(&NULL),
            original_name: (),
            last_shutdown_time: (),
            local_created_at: rfc3339(v.created_at),
            max_iops: (),
            max_iops_policy: (),
            max_bandwidth: (),
            max_bandwidth_policy: (),
            io_policy: (),
            video_type: "VGA",
            vm_usage: (),
            bios_uuid: uuid_from(&format!("bios-{vm_id}")),
            cloud_init_supported: v.template_id.is_some(),
            guest_cpu_model: (),
        }
    }

    /// One VM as a `Value`, for the `where` evaluator and nested expansion.
    pub(super) fn render_vm(&self, v: &SimVm) -> Value {
        serde_json::to_value(self.vm_doc(v)).unwrap_or(Value::Null)
    }
}
