//! VMs and what hangs off them: disk slots, NICs, volumes, snapshots, templates.

use serde::{Deserialize, Serialize};

use super::enums::{
    Bus, ConsistentType, EntityAsyncStatus, StoragePolicy, VmDiskType, VmFirmware, VmNicModel,
    VmStatus, VmToolsStatus,
};
use super::{NestedCpu, NestedHost, NestedLabel, NestedRef};

/// A virtual machine (`Vm`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Vm {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// UUID on the ELF cluster (a placeholder right after creation).
    #[serde(default)]
    pub local_id: String,
    /// Power state.
    #[serde(default)]
    pub status: Option<VmStatus>,
    /// Busy marker.
    #[serde(default, rename = "entityAsyncStatus")]
    pub entity_async_status: Option<EntityAsyncStatus>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// CPU topology.
    #[serde(default)]
    pub cpu: Option<NestedCpu>,
    /// Virtual CPUs.
    #[serde(default)]
    pub vcpu: Option<u32>,
    /// Memory in bytes.
    #[serde(default)]
    pub memory: Option<i64>,
    /// CPU model.
    #[serde(default)]
    pub cpu_model: Option<String>,
    /// `UTC` or `LOCALTIME`.
    #[serde(default)]
    pub clock_offset: Option<String>,
    /// Firmware.
    #[serde(default)]
    pub firmware: Option<VmFirmware>,
    /// High availability.
    #[serde(default)]
    pub ha: Option<bool>,
    /// In the recycle bin.
    #[serde(default)]
    pub in_recycle_bin: Option<bool>,
    /// System-internal VM.
    #[serde(default)]
    pub internal: Option<bool>,
    /// Guest IPs, comma-joined.
    #[serde(default)]
    pub ips: Option<String>,
    /// Nested virtualisation.
    #[serde(default)]
    pub nested_virtualization: Option<bool>,
    /// IP of the node it runs on.
    #[serde(default)]
    pub node_ip: Option<String>,
    /// USB devices not uninstalled at power-off.
    #[serde(default)]
    pub out_uninstall_usb: Option<Vec<String>>,
    /// Protected from deletion.
    #[serde(default)]
    pub protected: Option<bool>,
    /// Guest tools state.
    #[serde(default)]
    pub vm_tools_status: Option<VmToolsStatus>,
    /// Guest tools version.
    #[serde(default)]
    pub vm_tools_version: Option<String>,
    /// Windows optimisations.
    #[serde(default)]
    pub win_opt: Option<bool>,
    /// Cluster.
    #[serde(default)]
    pub cluster: Option<NestedRef>,
    /// Host (while placed).
    #[serde(default)]
    pub host: Option<NestedHost>,
    /// Folder.
    #[serde(default)]
    pub folder: Option<NestedRef>,
    /// Disk slots (`{id}` stubs; query `get-vm-disks` for detail).
    #[serde(default)]
    pub vm_disks: Option<Vec<NestedRef>>,
    /// NICs (`{id}` stubs).
    #[serde(default)]
    pub vm_nics: Option<Vec<NestedRef>>,
    /// Labels.
    #[serde(default)]
    pub labels: Option<Vec<NestedLabel>>,
    /// Snapshots.
    #[serde(default)]
    pub snapshots: Option<Vec<NestedRef>>,
    /// GPU devices.
    #[serde(default)]
    pub gpu_devices: Option<Vec<NestedRef>>,
    /// USB devices.
    #[serde(default)]
    pub usb_devices: Option<Vec<NestedRef>>,
    /// PCI NICs.
    #[serde(default)]
    pub pci_nics: Option<Vec<NestedRef>>,
    /// Placement groups.
    #[serde(default)]
    pub vm_placement_group: Option<Vec<NestedRef>>,
    /// Backup plans.
    #[serde(default)]
    pub backup_plans: Option<Vec<NestedRef>>,
    /// Entity filter results.
    #[serde(default)]
    pub entity_filter_results: Option<Vec<NestedRef>>,
    /// Snapshot plan.
    #[serde(default)]
    pub snapshot_plan: Option<NestedRef>,
    /// Isolation policy.
    #[serde(default)]
    pub isolation_policy: Option<NestedRef>,
    /// CPU usage, percent.
    #[serde(default)]
    pub cpu_usage: Option<f64>,
    /// Memory usage, percent.
    #[serde(default)]
    pub memory_usage: Option<f64>,
    /// Size in bytes.
    #[serde(default)]
    pub size: Option<i64>,
    /// Provisioned size in bytes.
    #[serde(default)]
    pub provisioned_size: Option<i64>,
    /// Unique size in bytes.
    #[serde(default)]
    pub unique_size: Option<i64>,
    /// Logical size in bytes.
    #[serde(default)]
    pub logical_size_bytes: Option<i64>,
    /// Used size in bytes.
    #[serde(default)]
    pub used_size: Option<i64>,
    /// Used size seen by the guest, bytes.
    #[serde(default)]
    pub guest_used_size: Option<i64>,
    /// Unique logical size.
    #[serde(default)]
    pub unique_logical_size: Option<f64>,
    /// Used size ratio.
    #[serde(default)]
    pub used_size_usage: Option<f64>,
    /// Guest size ratio.
    #[serde(default)]
    pub guest_size_usage: Option<f64>,
    /// `LINUX`, `WINDOWS` or `UNKNOWN`.
    #[serde(default)]
    pub guest_os_type: Option<String>,
    /// Guest OS description.
    #[serde(default)]
    pub os: Option<String>,
    /// Guest host name.
    #[serde(default)]
    pub hostname: Option<String>,
    /// Guest DNS servers.
    #[serde(default)]
    pub dns_servers: Option<String>,
    /// Guest kernel.
    #[serde(default)]
    pub kernel_info: Option<String>,
    /// When it went to the recycle bin.
    #[serde(default)]
    pub deleted_at: Option<String>,
    /// Name before it went to the recycle bin.
    #[serde(default)]
    pub original_name: Option<String>,
    /// Last shutdown.
    #[serde(default)]
    pub last_shutdown_time: Option<String>,
    /// Creation time on the cluster (ISO-8601).
    #[serde(default)]
    pub local_created_at: Option<String>,
    /// IOPS limit.
    #[serde(default)]
    pub max_iops: Option<i64>,
    /// IOPS limit policy.
    #[serde(default)]
    pub max_iops_policy: Option<String>,
    /// Bandwidth limit.
    #[serde(default)]
    pub max_bandwidth: Option<i64>,
    /// Bandwidth limit policy.
    #[serde(default)]
    pub max_bandwidth_policy: Option<String>,
    /// IO policy.
    #[serde(default)]
    pub io_policy: Option<String>,
    /// Video card.
    #[serde(default)]
    pub video_type: Option<String>,
    /// System-VM marker.
    #[serde(default)]
    pub vm_usage: Option<String>,
    /// BIOS UUID.
    #[serde(default)]
    pub bios_uuid: Option<String>,
    /// Cloud-init supported.
    #[serde(default)]
    pub cloud_init_supported: Option<bool>,
    /// Guest CPU model.
    #[serde(default)]
    pub guest_cpu_model: Option<String>,
}

/// A frozen disk inside a VM snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FrozenDisk {
    /// `DISK` or `CD_ROM`.
    #[serde(default, rename = "type")]
    pub disk_type: Option<VmDiskType>,
    /// Slot index.
    #[serde(default)]
    pub index: Option<i32>,
    /// Bus.
    #[serde(default)]
    pub bus: Option<Bus>,
    /// Boot order.
    #[serde(default)]
    pub boot: Option<i32>,
    /// Path.
    #[serde(default)]
    pub path: Option<String>,
    /// Size.
    #[serde(default)]
    pub size: Option<i64>,
    /// Volume UUID.
    #[serde(default)]
    pub vm_volume_local_id: Option<String>,
    /// Name of the matching iSCSI LUN snapshot.
    #[serde(default)]
    pub snapshot_local_id: Option<String>,
}

/// A VM snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VmSnapshot {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// UUID on the cluster.
    #[serde(default)]
    pub local_id: Option<String>,
    /// The VM.
    #[serde(default)]
    pub vm: Option<NestedRef>,
    /// Cluster.
    #[serde(default)]
    pub cluster: Option<NestedRef>,
    /// Consistency.
    #[serde(default)]
    pub consistent_type: Option<ConsistentType>,
    /// vCPUs at snapshot time.
    #[serde(default)]
    pub vcpu: Option<u32>,
    /// Memory at snapshot time.
    #[serde(default)]
    pub memory: Option<i64>,
    /// Size.
    #[serde(default)]
    pub size: Option<i64>,
    /// Frozen disks.
    #[serde(default)]
    pub vm_disks: Option<Vec<FrozenDisk>>,
    /// Created at.
    #[serde(default)]
    pub local_created_at: Option<String>,
    /// Busy marker.
    #[serde(default, rename = "entityAsyncStatus")]
    pub entity_async_status: Option<EntityAsyncStatus>,
}

/// An iSCSI LUN snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IscsiLunSnapshot {
    /// CloudTower id.
    pub id: String,
    /// Name (a VM snapshot's `snapshot_local_id`).
    #[serde(default)]
    pub name: String,
    /// UUID on the cluster.
    #[serde(default)]
    pub local_id: Option<String>,
    /// Unique size.
    #[serde(default)]
    pub unique_size: Option<i64>,
    /// LUN.
    #[serde(default)]
    pub iscsi_lun: Option<NestedRef>,
    /// Target.
    #[serde(default)]
    pub iscsi_target: Option<NestedRef>,
    /// Created at.
    #[serde(default)]
    pub local_created_at: Option<String>,
}

/// A disk slot of a VM (`VmDisk`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VmDisk {
    /// CloudTower id (changes on every sync: identify by VM + volume).
    pub id: String,
    /// Boot order.
    #[serde(default)]
    pub boot: Option<i32>,
    /// Bus.
    #[serde(default)]
    pub bus: Option<Bus>,
    /// `DISK` or `CD_ROM`.
    #[serde(default, rename = "type")]
    pub disk_type: Option<VmDiskType>,
    /// Device name.
    #[serde(default)]
    pub device: Option<String>,
    /// Disabled.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// Key.
    #[serde(default)]
    pub key: Option<i32>,
    /// The VM.
    #[serde(default)]
    pub vm: Option<NestedRef>,
    /// The volume.
    #[serde(default)]
    pub vm_volume: Option<NestedRef>,
    /// Mounted ISO.
    #[serde(default)]
    pub elf_image: Option<NestedRef>,
}

/// A NIC of a VM (`VmNic`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VmNic {
    /// CloudTower id (changes on every sync: identify by VM + MAC).
    pub id: String,
    /// UUID on the cluster.
    #[serde(default)]
    pub local_id: Option<String>,
    /// MAC address.
    #[serde(default)]
    pub mac_address: Option<String>,
    /// IP address.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// Gateway.
    #[serde(default)]
    pub gateway: Option<String>,
    /// Subnet mask.
    #[serde(default)]
    pub subnet_mask: Option<String>,
    /// Model.
    #[serde(default)]
    pub model: Option<VmNicModel>,
    /// Enabled.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Mirror.
    #[serde(default)]
    pub mirror: Option<bool>,
    /// Order.
    #[serde(default)]
    pub order: Option<i32>,
    /// VLAN.
    #[serde(default)]
    pub vlan: Option<NestedRef>,
    /// The VM.
    #[serde(default)]
    pub vm: Option<NestedRef>,
}

/// A VM volume (`VmVolume`): the virtual disk itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VmVolume {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// UUID on the cluster.
    #[serde(default)]
    pub local_id: Option<String>,
    /// Size in bytes.
    #[serde(default)]
    pub size: Option<i64>,
    /// Storage policy.
    #[serde(default)]
    pub elf_storage_policy: Option<StoragePolicy>,
    /// Mounted on a VM.
    #[serde(default)]
    pub mounting: Option<bool>,
    /// Shared between VMs.
    #[serde(default)]
    pub sharing: Option<bool>,
    /// Path.
    #[serde(default)]
    pub path: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Cluster.
    #[serde(default)]
    pub cluster: Option<NestedRef>,
    /// Disk slots using it.
    #[serde(default)]
    pub vm_disks: Option<Vec<NestedRef>>,
    /// Busy marker.
    #[serde(default, rename = "entityAsyncStatus")]
    pub entity_async_status: Option<EntityAsyncStatus>,
    /// Created at.
    #[serde(default)]
    pub local_created_at: Option<String>,
}

/// A content-library VM template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContentLibraryVmTemplate {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// vCPUs.
    #[serde(default)]
    pub vcpu: Option<u32>,
    /// Memory.
    #[serde(default)]
    pub memory: Option<i64>,
    /// Size.
    #[serde(default)]
    pub size: Option<i64>,
    /// Cloud-init supported.
    #[serde(default)]
    pub cloud_init_supported: Option<bool>,
    /// Architecture.
    #[serde(default)]
    pub architecture: Option<String>,
    /// Clusters that have it.
    #[serde(default)]
    pub clusters: Option<Vec<NestedRef>>,
    /// Created at (`createdAt` on the wire).
    #[serde(default, rename = "createdAt")]
    pub created_at: Option<String>,
    /// Guest operating system, as the template records it.
    #[serde(default)]
    pub os: Option<String>,
    /// Busy marker.
    #[serde(default, rename = "entityAsyncStatus")]
    pub entity_async_status: Option<EntityAsyncStatus>,
}
