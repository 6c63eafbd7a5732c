//! VMs and what hangs off them: disk slots, NICs, volumes, snapshots, templates.

use serde::{Deserialize, Serialize};

use super::NestedRef;
use super::enums::{Bus, ConsistentType, EntityAsyncStatus, StoragePolicy, VmDiskType, VmNicModel};

/// A virtual machine: the generated model type.
pub use crate::generated::types::Vm;

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
