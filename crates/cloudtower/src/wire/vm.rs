//! VMs and what hangs off them: disk slots, NICs, volumes, snapshots, templates.

use serde::{Deserialize, Serialize};

use super::enums::{Bus, VmDiskType};

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

/// `VmSnapshot`: the generated model type.
pub use crate::generated::types::VmSnapshot;

/// `IscsiLunSnapshot`: the generated model type.
pub use crate::generated::types::IscsiLunSnapshot;

/// `VmDisk`: the generated model type.
pub use crate::generated::types::VmDisk;

/// `VmNic`: the generated model type.
pub use crate::generated::types::VmNic;

/// `VmVolume`: the generated model type.
pub use crate::generated::types::VmVolume;

/// `ContentLibraryVmTemplate`: the generated model type.
pub use crate::generated::types::ContentLibraryVmTemplate;
