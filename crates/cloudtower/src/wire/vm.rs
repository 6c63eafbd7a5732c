//! VMs and what hangs off them: disk slots, NICs, volumes, snapshots, templates.

/// A virtual machine: the generated model type.
pub use crate::generated::types::Vm;

/// A frozen disk inside a VM snapshot: the generated `NestedFrozenDisks`.
pub use crate::generated::types::NestedFrozenDisks as FrozenDisk;

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
