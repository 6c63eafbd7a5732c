//! Whole-VM inputs: blank and from-template creation, basic info, NIC updates, snapshots, volumes.

use serde::Serialize;

use crate::wire::{Bus, ByteUnit, ConsistentType, StoragePolicy, VmFirmware, VmStatus};

use super::params::{CloudInit, DiskParams, NicParams};

/// A blank VM (`VmCreationParams`).
///
/// ```
/// use omnivirt_cloudtower::vm::{CdRom, DiskParams, NicParams, VmCreate};
///
/// let p = VmCreate::new("cluster_id", "vm_name")
///     .cpu(4, 4)
///     .memory_bytes(4 << 30)
///     .ha(true)
///     .nic(NicParams::vlan("vlan_id"))
///     .disks(DiskParams::new().cd_rom(CdRom::empty(0).index(0)));
/// assert_eq!(p.vcpu, Some(16));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VmCreate {
    /// Cluster.
    pub cluster_id: String,
    /// Name.
    pub name: String,
    /// Sockets.
    pub cpu_sockets: u32,
    /// Cores per socket.
    pub cpu_cores: u32,
    /// vCPUs (sockets x cores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcpu: Option<u32>,
    /// Memory in bytes.
    pub memory: i64,
    /// High availability.
    pub ha: bool,
    /// Firmware.
    pub firmware: VmFirmware,
    /// Power state after creation.
    pub status: VmStatus,
    /// NICs.
    pub vm_nics: Vec<NicParams>,
    /// Disks.
    pub vm_disks: DiskParams,
    /// Host to place it on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_id: Option<String>,
    /// Folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl VmCreate {
    /// A stopped BIOS VM with 1 vCPU and 1 GiB, no NIC, no disk.
    pub fn new(cluster_id: impl Into<String>, name: impl Into<String>) -> Self {
        VmCreate {
            cluster_id: cluster_id.into(),
            name: name.into(),
            cpu_sockets: 1,
            cpu_cores: 1,
            vcpu: Some(1),
            memory: 1 << 30,
            ha: false,
            firmware: VmFirmware::Bios,
            status: VmStatus::Stopped,
            vm_nics: Vec::new(),
            vm_disks: DiskParams::default(),
            host_id: None,
            folder_id: None,
            description: None,
        }
    }
    /// CPU topology; vcpu becomes sockets x cores.
    pub fn cpu(mut self, sockets: u32, cores: u32) -> Self {
        self.cpu_sockets = sockets;
        self.cpu_cores = cores;
        self.vcpu = Some(sockets.saturating_mul(cores));
        self
    }
    /// Memory in bytes.
    pub fn memory_bytes(mut self, n: i64) -> Self {
        self.memory = n;
        self
    }
    /// High availability.
    pub fn ha(mut self, yes: bool) -> Self {
        self.ha = yes;
        self
    }
    /// Firmware.
    pub fn firmware(mut self, f: VmFirmware) -> Self {
        self.firmware = f;
        self
    }
    /// Power state after creation (`RUNNING` starts it).
    pub fn status(mut self, s: VmStatus) -> Self {
        self.status = s;
        self
    }
    /// Adds a NIC.
    pub fn nic(mut self, n: NicParams) -> Self {
        self.vm_nics.push(n);
        self
    }
    /// Sets the disks.
    pub fn disks(mut self, d: DiskParams) -> Self {
        self.vm_disks = d;
        self
    }
    /// Places it on a host.
    pub fn host(mut self, id: impl Into<String>) -> Self {
        self.host_id = Some(id.into());
        self
    }
    /// Description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
}

/// Changes one disk of a template (`DiskOperateModifyDisk`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ModifyDisk {
    /// Index of the template disk.
    pub disk_index: i32,
    /// Use this volume instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_volume_id: Option<String>,
    /// Change the bus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bus: Option<Bus>,
}

impl ModifyDisk {
    /// Changes template disk `index`.
    pub fn new(index: i32) -> Self {
        ModifyDisk {
            disk_index: index,
            vm_volume_id: None,
            bus: None,
        }
    }
    /// New bus.
    pub fn bus(mut self, b: Bus) -> Self {
        self.bus = Some(b);
        self
    }
}

/// Disk changes applied to a template (`VmDiskOperate`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DiskOperate {
    /// Template disks to drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_disks: Option<RemoveDisks>,
    /// Template disks to change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modify_disks: Vec<ModifyDisk>,
    /// Disks to add.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_disks: Option<DiskParams>,
}

/// `{disk_index: [..]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RemoveDisks {
    /// Indexes of template disks to drop.
    pub disk_index: Vec<i32>,
}

impl DiskOperate {
    /// No changes.
    pub fn new() -> Self {
        Self::default()
    }
    /// Drops template disks by index.
    pub fn remove(mut self, indexes: impl IntoIterator<Item = i32>) -> Self {
        self.remove_disks = Some(RemoveDisks {
            disk_index: indexes.into_iter().collect(),
        });
        self
    }
    /// Changes a template disk.
    pub fn modify(mut self, m: ModifyDisk) -> Self {
        self.modify_disks.push(m);
        self
    }
    /// Adds disks.
    pub fn add_disks(mut self, d: DiskParams) -> Self {
        self.new_disks = Some(d);
        self
    }
}

/// A VM from a content-library template
/// (`VmCreateVmFromContentLibraryTemplateParams`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VmFromTemplate {
    /// Template.
    pub template_id: String,
    /// Cluster.
    pub cluster_id: String,
    /// Name.
    pub name: String,
    /// Full copy (otherwise linked clone).
    pub is_full_copy: bool,
    /// Override: vCPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcpu: Option<u32>,
    /// Override: sockets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_sockets: Option<u32>,
    /// Override: cores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_cores: Option<u32>,
    /// Override: memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// Override: HA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ha: Option<bool>,
    /// Power state after creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<VmStatus>,
    /// Host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_id: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Replaces the template's NICs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_nics: Option<Vec<NicParams>>,
    /// Disk changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_operate: Option<DiskOperate>,
    /// Guest setup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_init: Option<CloudInit>,
}

impl VmFromTemplate {
    /// A linked clone of `template_id` named `name` in `cluster_id`.
    pub fn new(
        template_id: impl Into<String>,
        cluster_id: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        VmFromTemplate {
            template_id: template_id.into(),
            cluster_id: cluster_id.into(),
            name: name.into(),
            is_full_copy: false,
            vcpu: None,
            cpu_sockets: None,
            cpu_cores: None,
            memory: None,
            ha: None,
            status: None,
            host_id: None,
            description: None,
            vm_nics: None,
            disk_operate: None,
            cloud_init: None,
        }
    }
    /// Guest setup through cloud-init.
    pub fn cloud_init(mut self, c: CloudInit) -> Self {
        self.cloud_init = Some(c);
        self
    }
    /// Full copy instead of a linked clone.
    pub fn full_copy(mut self, yes: bool) -> Self {
        self.is_full_copy = yes;
        self
    }
    /// CPU topology.
    pub fn cpu(mut self, sockets: u32, cores: u32) -> Self {
        self.cpu_sockets = Some(sockets);
        self.cpu_cores = Some(cores);
        self.vcpu = Some(sockets.saturating_mul(cores));
        self
    }
    /// Memory in bytes.
    pub fn memory_bytes(mut self, n: i64) -> Self {
        self.memory = Some(n);
        self
    }
    /// Power state after creation.
    pub fn status(mut self, s: VmStatus) -> Self {
        self.status = Some(s);
        self
    }
    /// Description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// Replaces the template's NICs.
    pub fn nics(mut self, nics: Vec<NicParams>) -> Self {
        self.vm_nics = Some(nics);
        self
    }
    /// Disk changes.
    pub fn disk_operate(mut self, d: DiskOperate) -> Self {
        self.disk_operate = Some(d);
        self
    }
}

/// `data` of `update-vm-basic-info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BasicInfo {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// vCPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcpu: Option<u32>,
    /// Cores per socket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_cores: Option<u32>,
    /// Sockets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_sockets: Option<u32>,
    /// Memory in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// HA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ha: Option<bool>,
}

impl BasicInfo {
    /// No change.
    pub fn new() -> Self {
        Self::default()
    }
    /// Rename.
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Describe.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// CPU topology.
    pub fn cpu(mut self, sockets: u32, cores: u32) -> Self {
        self.cpu_sockets = Some(sockets);
        self.cpu_cores = Some(cores);
        self.vcpu = Some(sockets.saturating_mul(cores));
        self
    }
    /// Memory in bytes.
    pub fn memory_bytes(mut self, n: i64) -> Self {
        self.memory = Some(n);
        self
    }
    /// HA.
    pub fn ha(mut self, yes: bool) -> Self {
        self.ha = Some(yes);
        self
    }
}

/// `data` of `update-vm-nic`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NicUpdate {
    /// Which NIC (by order).
    pub nic_index: i32,
    /// The rest, as for a new NIC.
    #[serde(flatten)]
    pub nic: NicParams,
}

impl NicUpdate {
    /// Changes NIC `index` to `nic`'s set fields.
    pub fn new(index: i32, nic: NicParams) -> Self {
        NicUpdate {
            nic_index: index,
            nic,
        }
    }
}

/// One VM snapshot to take.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SnapshotCreate {
    /// The VM.
    pub vm_id: String,
    /// Snapshot name.
    pub name: String,
    /// Consistency (file-system consistent needs VMTools running).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_type: Option<ConsistentType>,
}

impl SnapshotCreate {
    /// A crash-consistent snapshot `name` of `vm_id`.
    pub fn new(vm_id: impl Into<String>, name: impl Into<String>) -> Self {
        SnapshotCreate {
            vm_id: vm_id.into(),
            name: name.into(),
            consistent_type: None,
        }
    }
    /// Consistency.
    pub fn consistency(mut self, c: ConsistentType) -> Self {
        self.consistent_type = Some(c);
        self
    }
}

/// A volume to create (`VmVolumeCreationParams`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VolumeCreate {
    /// Cluster.
    pub cluster_id: String,
    /// Name.
    pub name: String,
    /// Size in bytes (unless `size_unit`).
    pub size: i64,
    /// Unit of `size`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_unit: Option<ByteUnit>,
    /// Storage policy.
    pub elf_storage_policy: StoragePolicy,
    /// Shareable between VMs.
    pub sharing: bool,
}

impl VolumeCreate {
    /// A thin, 2-replica, unshared volume.
    pub fn new(cluster_id: impl Into<String>, name: impl Into<String>, size_bytes: i64) -> Self {
        VolumeCreate {
            cluster_id: cluster_id.into(),
            name: name.into(),
            size: size_bytes,
            size_unit: None,
            elf_storage_policy: StoragePolicy::Replica2Thin,
            sharing: false,
        }
    }
    /// Storage policy.
    pub fn policy(mut self, p: StoragePolicy) -> Self {
        self.elf_storage_policy = p;
        self
    }
}
