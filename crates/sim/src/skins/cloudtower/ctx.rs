//! One request's view of the World, the kinds of object a query names, and how a related
//! stub is expanded to its full object.

use std::cell::OnceCell;

use serde_json::Value;

use crate::model::{SimCluster, SimDisk, SimHost, SimStoragePool, SimVm};
use crate::query::{Filter, Paging};
use crate::world::World;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Vm,
    Host,
    Cluster,
    Datacenter,
    Disk,
    Alert,
    Task,
    VmSnapshot,
    IscsiLunSnapshot,
    VmDisk,
    VmNic,
    VmVolume,
    Template,
    Vlan,
    Vds,
    StoragePolicy,
    UserAuditLog,
    Label,
}

impl Kind {
    pub(super) fn from_plural(s: &str) -> Option<Kind> {
        Some(match s {
            "vms" => Kind::Vm,
            "hosts" => Kind::Host,
            "clusters" => Kind::Cluster,
            "datacenters" => Kind::Datacenter,
            "disks" => Kind::Disk,
            "alerts" => Kind::Alert,
            "tasks" => Kind::Task,
            "vm-snapshots" => Kind::VmSnapshot,
            "iscsi-lun-snapshots" => Kind::IscsiLunSnapshot,
            "vm-disks" => Kind::VmDisk,
            "vm-nics" => Kind::VmNic,
            "vm-volumes" => Kind::VmVolume,
            "content-library-vm-templates" => Kind::Template,
            "vlans" => Kind::Vlan,
            "vdses" => Kind::Vds,
            "elf-storage-policies" => Kind::StoragePolicy,
            "user-audit-logs" => Kind::UserAuditLog,
            "labels" => Kind::Label,
            _ => return None,
        })
    }

    /// The kind a relation key of a where input points to.
    pub(super) fn of_relation(key: &str) -> Option<Kind> {
        Some(match key {
            "cluster" | "clusters" => Kind::Cluster,
            "host" | "hosts" => Kind::Host,
            "vm" | "vms" => Kind::Vm,
            "vm_disks" => Kind::VmDisk,
            "vm_nics" => Kind::VmNic,
            "vm_volume" => Kind::VmVolume,
            "snapshots" => Kind::VmSnapshot,
            "disk" | "disks" => Kind::Disk,
            "datacenters" => Kind::Datacenter,
            "vds" => Kind::Vds,
            _ => return None,
        })
    }
}

/// One request's view of the World: inventory read once, VMs listed at most once.
pub(super) struct Ctx<'a> {
    pub(super) world: &'a World,
    pub(super) clusters: Vec<SimCluster>,
    pub(super) hosts: Vec<SimHost>,
    pub(super) vms: OnceCell<Vec<SimVm>>,
    pub(super) disks: OnceCell<Vec<SimDisk>>,
    pub(super) pools: OnceCell<Vec<SimStoragePool>>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(world: &'a World) -> Self {
        Ctx {
            world,
            clusters: world.list_clusters(&Filter::new(), &Paging::all()).items,
            hosts: world.list_hosts(&Filter::new(), &Paging::all()).items,
            vms: OnceCell::new(),
            disks: OnceCell::new(),
            pools: OnceCell::new(),
        }
    }

    /// Every VM (observes busy ones once per request, as the World's listing does).
    pub(super) fn all_vms(&self) -> &[SimVm] {
        self.vms
            .get_or_init(|| self.world.list_vms(&Filter::new(), &Paging::all()).items)
    }

    pub(super) fn all_disks(&self) -> &[SimDisk] {
        self.disks
            .get_or_init(|| self.world.list_disks(&Filter::new(), &Paging::all()).items)
    }

    pub(super) fn cluster(&self, id: &str) -> Option<&SimCluster> {
        self.clusters.iter().find(|c| c.id.as_str() == id)
    }

    pub(super) fn host(&self, id: &str) -> Option<&SimHost> {
        self.hosts.iter().find(|h| h.id.as_str() == id)
    }

    pub(super) fn cluster_stub(&self, id: &str) -> Value {
        serde_json::to_value(self.cluster_ref(id)).unwrap_or(Value::Null)
    }

    pub(super) fn host_stub(&self, id: &str) -> Value {
        serde_json::to_value(self.host_ref(id)).unwrap_or(Value::Null)
    }

    /// The full object a stub of `kind` stands for.
    pub(super) fn expand(&self, kind: Kind, stub: &Value) -> Option<Value> {
        let id = stub.get("id").and_then(Value::as_str)?;
        match kind {
            Kind::Cluster => self.cluster(id).map(|c| self.render_cluster(c)),
            Kind::Host => self.host(id).map(|h| self.render_host(h)),
            Kind::Vm => self.world.peek_vm(id).ok().map(|v| self.render_vm(&v)),
            Kind::VmVolume => self
                .world
                .peek_disk(id)
                .ok()
                .map(|d| self.render_volume(&d)),
            Kind::VmDisk if id.starts_with("vc.") => {
                let (vm, _) = id.strip_prefix("vc.")?.rsplit_once('.')?;
                let vm = self.world.peek_vm(vm).ok()?;
                self.render_cd_roms(&vm)
                    .into_iter()
                    .find(|c| c["id"].as_str() == Some(id))
            }
            Kind::VmDisk => {
                let (vm, disk) = split_slot(id)?;
                let vm = self.world.peek_vm(vm).ok()?;
                let idx = vm.disk_ids.iter().position(|d| d.as_str() == disk)?;
                let d = self.world.peek_disk(disk).ok()?;
                Some(self.render_vm_disk(&vm, &d, idx))
            }
            Kind::VmNic => {
                let (vm_id, _) = id.strip_prefix("vn.")?.rsplit_once('.')?;
                let vm = self.world.peek_vm(vm_id).ok()?;
                self.render_nics(&vm)
                    .into_iter()
                    .find(|n| n["id"].as_str() == Some(id))
            }
            Kind::VmSnapshot => self
                .snapshots()
                .into_iter()
                .find(|s| s.get("id").and_then(Value::as_str) == Some(id)),
            Kind::Disk => self
                .physical_disks()
                .into_iter()
                .find(|d| d.get("id").and_then(Value::as_str) == Some(id)),
            Kind::Datacenter => Some(self.render_datacenter()),
            Kind::Vds => self
                .clusters
                .iter()
                .find(|c| super::inventory::vds_id(c.id.as_str()) == id)
                .map(|c| self.render_vds(c)),
            _ => Some(stub.clone()),
        }
    }
}

pub(super) fn slot_id(vm: &str, disk: &str) -> String {
    format!("vd.{vm}.{disk}")
}

pub(super) fn split_slot(id: &str) -> Option<(&str, &str)> {
    id.strip_prefix("vd.")?.split_once('.')
}
