//! The JSON of one CloudTower `Vm`, as a borrowed struct serialised straight to text.
//!
//! A `get-vms` page is the hot path of every listing, so the VM is not built as a
//! `serde_json::Value` (one map insert and one allocation per key) but written field by field
//! in the order a tower sends them. Where a `Value` is needed (the `where` evaluator, nested
//! expansion), it is made from this same struct, so both views always agree.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::ctx::Ctx;
use super::devices::{cd_rom_n, cd_roms_of};
use super::labels::{NestedLabel, nested_labels};
use super::status::vm_words;
use crate::ids::uuid_of;
use crate::model::SimVm;
use crate::text::{DateTime, UuidText};

/// Always `[]`.
pub(super) type NoList = [u8; 0];
/// Always `null`.
pub(super) type NoValue = ();

/// `{"id": "<prefix><vm>.<tail>"}`: a VM's disk slot (`vd.`), CD-ROM slot (`vc.`) or NIC
/// (`vn.`), its id written from its parts.
pub(super) struct IdRef<'a> {
    pub(super) prefix: &'static str,
    pub(super) vm: &'a str,
    pub(super) tail: IdTail<'a>,
}

/// What follows the VM id in an [`IdRef`].
#[derive(Clone, Copy)]
pub(super) enum IdTail<'a> {
    Id(&'a str),
    N(u64),
}

impl fmt::Display for IdRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix)?;
        f.write_str(self.vm)?;
        f.write_str(".")?;
        match self.tail {
            IdTail::Id(t) => f.write_str(t),
            IdTail::N(n) => write!(f, "{n}"),
        }
    }
}

impl Serialize for IdRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("id", &Collected(self))?;
        m.end()
    }
}

/// A `Display` value serialised as the string it displays.
struct Collected<'a, T: fmt::Display>(&'a T);

impl<T: fmt::Display> Serialize for Collected<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

/// A running VM's NIC addresses joined with `,` (empty otherwise), as `ips`.
pub(super) struct Ips<'a>(pub(super) &'a SimVm);

impl fmt::Display for Ips<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.state != omnivirt_core::VmState::Running {
            return Ok(());
        }
        for (i, n) in self.0.nics.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(&n.ip)?;
        }
        Ok(())
    }
}

impl Serialize for Ips<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
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
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) management_ip: &'a str,
}

/// `{"cores": .., "sockets": 1}`.
#[derive(Serialize)]
pub(super) struct Cpu {
    pub(super) cores: u32,
    pub(super) sockets: u32,
}

/// One CloudTower `Vm` as the skin renders it.
#[derive(Serialize)]
pub(super) struct VmDoc<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) local_id: UuidText,
    pub(super) status: &'static str,
    #[serde(rename = "entityAsyncStatus")]
    pub(super) entity_async_status: Value,
    pub(super) description: &'a str,
    pub(super) cpu: Cpu,
    pub(super) vcpu: u32,
    pub(super) memory: u64,
    pub(super) cpu_model: &'static str,
    pub(super) clock_offset: &'static str,
    pub(super) firmware: OrWord<'a>,
    pub(super) ha: bool,
    pub(super) in_recycle_bin: bool,
    pub(super) internal: bool,
    pub(super) ips: Ips<'a>,
    pub(super) nested_virtualization: bool,
    pub(super) node_ip: &'a str,
    pub(super) out_uninstall_usb: NoList,
    pub(super) protected: bool,
    pub(super) vm_tools_status: &'static str,
    pub(super) vm_tools_version: &'static str,
    pub(super) win_opt: bool,
    pub(super) cluster: NamedRef<'a>,
    pub(super) host: Option<HostRef<'a>>,
    pub(super) folder: NoValue,
    pub(super) vm_disks: Vec<IdRef<'a>>,
    pub(super) vm_nics: Vec<IdRef<'a>>,
    pub(super) labels: Vec<NestedLabel<'a>>,
    pub(super) snapshots: Vec<NamedRef<'a>>,
    pub(super) gpu_devices: NoList,
    pub(super) usb_devices: NoList,
    pub(super) pci_nics: NoList,
    pub(super) vm_placement_group: NoList,
    pub(super) backup_plans: NoList,
    pub(super) entity_filter_results: NoList,
    pub(super) snapshot_plan: NoValue,
    pub(super) isolation_policy: NoValue,
    pub(super) cpu_usage: f64,
    pub(super) memory_usage: f64,
    pub(super) size: u64,
    pub(super) provisioned_size: u64,
    pub(super) unique_size: u64,
    pub(super) logical_size_bytes: u64,
    pub(super) used_size: u64,
    pub(super) guest_used_size: u64,
    pub(super) unique_logical_size: f64,
    pub(super) used_size_usage: f64,
    pub(super) guest_size_usage: f64,
    pub(super) guest_os_type: &'static str,
    pub(super) os: &'static str,
    pub(super) hostname: &'a str,
    pub(super) dns_servers: &'static str,
    pub(super) kernel_info: &'static str,
    pub(super) deleted_at: &'a Value,
    pub(super) original_name: NoValue,
    pub(super) last_shutdown_time: NoValue,
    pub(super) local_created_at: DateTime,
    pub(super) max_iops: NoValue,
    pub(super) max_iops_policy: NoValue,
    pub(super) max_bandwidth: NoValue,
    pub(super) max_bandwidth_policy: NoValue,
    pub(super) io_policy: NoValue,
    pub(super) video_type: &'static str,
    pub(super) vm_usage: NoValue,
    pub(super) bios_uuid: UuidText,
    pub(super) cloud_init_supported: bool,
    pub(super) guest_cpu_model: NoValue,
}

static NULL: Value = Value::Null;

/// A value the VM carries in `extra`, or the word a tower sends when it has none.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum OrWord<'a> {
    Given(&'a Value),
    Word(&'static str),
}

impl<'a> OrWord<'a> {
    fn of(v: &'a SimVm, key: &str, word: &'static str) -> Self {
        v.extra.get(key).map_or(OrWord::Word(word), OrWord::Given)
    }
}

/// Everything a VM's document reads from outside the VM's own row: its cluster's name, its
/// host's name and address, and the size of its disks. The document of an unchanged row with
/// the same `Around` is the same text (what [`super::doc_cache`] relies on).
pub(super) struct Around<'a> {
    pub(super) cluster: NamedRef<'a>,
    pub(super) host: Option<HostRef<'a>>,
    pub(super) size: u64,
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

    /// What the document of `v` reads from outside its row: see [`Around`].
    pub(super) fn around<'a>(&'a self, v: &'a SimVm) -> Around<'a> {
        Around {
            cluster: self.cluster_ref(v.cluster_id.as_str()),
            host: v.host_id.as_ref().map(|h| self.host_ref(h.as_str())),
            size: self.world.disk_bytes(&v.disk_ids),
        }
    }

    pub(super) fn vm_doc<'a>(&'a self, v: &'a SimVm) -> VmDoc<'a> {
        self.vm_doc_around(v, self.around(v))
    }

    /// [`Ctx::vm_doc`] with what it reads outside the row already found.
    pub(super) fn vm_doc_around<'a>(&'a self, v: &'a SimVm, around: Around<'a>) -> VmDoc<'a> {
        let (status, busy) = vm_words(v.state, v.task_id.is_some());
        let flag =
            |key: &str, default: bool| v.extra.get(key).and_then(Value::as_bool).unwrap_or(default);
        let Around {
            cluster,
            host,
            size,
        } = around;
        let node_ip = host.as_ref().map_or("", |h| h.management_ip);
        let vm_id = v.id.as_str();
        let cd_roms = cd_roms_of(v);
        let mut vm_disks: Vec<IdRef<'a>> = Vec::with_capacity(v.disk_ids.len() + cd_roms.len());
        vm_disks.extend(v.disk_ids.iter().map(|d| IdRef {
            prefix: "vd.",
            vm: vm_id,
            tail: IdTail::Id(d.as_str()),
        }));
        vm_disks.extend(cd_roms.iter().map(|c| IdRef {
            prefix: "vc.",
            vm: vm_id,
            tail: IdTail::N(cd_rom_n(c)),
        }));
        let running = status == "RUNNING";
        let usage = |pct: f64| if running { pct } else { 0.0 };
        VmDoc {
            id: vm_id,
            name: &v.name,
            local_id: uuid_of(&[vm_id]),
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
            ips: Ips(v),
            nested_virtualization: false,
            node_ip,
            out_uninstall_usb: [],
            protected: false,
            vm_tools_status: if running { "RUNNING" } else { "NOT_RUNNING" },
            vm_tools_version: "3.1.0",
            win_opt: false,
            cluster,
            host,
            folder: (),
            vm_disks,
            vm_nics: v
                .nics
                .iter()
                .map(|n| IdRef {
                    prefix: "vn.",
                    vm: vm_id,
                    tail: IdTail::Id(n.id.as_str()),
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
            local_created_at: DateTime::of(v.created_at).with_z(),
            max_iops: (),
            max_iops_policy: (),
            max_bandwidth: (),
            max_bandwidth_policy: (),
            io_policy: (),
            video_type: "VGA",
            vm_usage: (),
            bios_uuid: uuid_of(&["bios-", vm_id]),
            cloud_init_supported: v.template_id.is_some(),
            guest_cpu_model: (),
        }
    }

    /// One VM as a `Value`, for the `where` evaluator and nested expansion.
    pub(super) fn render_vm(&self, v: &SimVm) -> Value {
        serde_json::to_value(self.vm_doc(v)).unwrap_or(Value::Null)
    }
}
