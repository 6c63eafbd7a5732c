//! The API's enums: the generated model's own (values this crate does not know are kept in
//! `Other`; each has `KNOWN`, `as_str`, `from_wire`, `Display` and `From<&str>`).
//!
//! Two keep this crate's older names: [`MaintenanceMode`] is the model's `MaintenanceModeEnum`
//! (a host's `host_state.state`) and [`StoragePolicy`] is `VmVolumeElfStoragePolicyType`. The
//! shorter variant names they had before they were generated (`StoragePolicy::Replica2Thin`,
//! `MaintenanceMode::Entering`, ...) still work as associated constants.

pub use crate::generated::types::{
    Bus, ByteUnit, ClusterType, ConnectState, ConsistentType, DiskHealthStatus, DiskType,
    DiskUsageStatus, EntityAsyncStatus, HostStatus, Hypervisor, TaskStatus, UserSource, VmDiskType,
    VmFirmware, VmNicModel, VmStatus, VmToolsStatus,
};

/// Maintenance mode of a host: the generated `MaintenanceModeEnum`.
pub use crate::generated::types::MaintenanceModeEnum as MaintenanceMode;

/// Storage policy of a VM volume: the generated `VmVolumeElfStoragePolicyType`.
pub use crate::generated::types::VmVolumeElfStoragePolicyType as StoragePolicy;

/// The names `MaintenanceMode` had when it was written by hand (`InUse` and `Removing` are the
/// generated variants' names too).
#[allow(non_upper_case_globals)]
impl MaintenanceMode {
    /// `ENTERING_MAINTENANCE_MODE`: [`MaintenanceMode::EnteringMaintenanceMode`].
    pub const Entering: Self = Self::EnteringMaintenanceMode;
    /// `MAINTENANCE_MODE`: [`MaintenanceMode::MaintenanceMode`].
    pub const Maintenance: Self = Self::MaintenanceMode;
}

/// The shorter names `StoragePolicy` had when it was written by hand (`Ec` is the generated
/// variant's name too).
#[allow(non_upper_case_globals)]
impl StoragePolicy {
    /// `REPLICA_1_THIN_PROVISION`: 1 replica, thin.
    pub const Replica1Thin: Self = Self::Replica1ThinProvision;
    /// `REPLICA_1_THICK_PROVISION`: 1 replica, thick.
    pub const Replica1Thick: Self = Self::Replica1ThickProvision;
    /// `REPLICA_2_THIN_PROVISION`: 2 replicas, thin.
    pub const Replica2Thin: Self = Self::Replica2ThinProvision;
    /// `REPLICA_2_THICK_PROVISION`: 2 replicas, thick.
    pub const Replica2Thick: Self = Self::Replica2ThickProvision;
    /// `REPLICA_3_THIN_PROVISION`: 3 replicas, thin.
    pub const Replica3Thin: Self = Self::Replica3ThinProvision;
    /// `REPLICA_3_THICK_PROVISION`: 3 replicas, thick.
    pub const Replica3Thick: Self = Self::Replica3ThickProvision;
    /// `ELF_CP_REPLICA_2_THIN_PROVISION`: ELF CP, 2 replicas, thin.
    pub const ElfCpReplica2Thin: Self = Self::ElfCpReplica2ThinProvision;
    /// `ELF_CP_REPLICA_2_THICK_PROVISION`: ELF CP, 2 replicas, thick.
    pub const ElfCpReplica2Thick: Self = Self::ElfCpReplica2ThickProvision;
    /// `ELF_CP_REPLICA_3_THIN_PROVISION`: ELF CP, 3 replicas, thin.
    pub const ElfCpReplica3Thin: Self = Self::ElfCpReplica3ThinProvision;
    /// `ELF_CP_REPLICA_3_THICK_PROVISION`: ELF CP, 3 replicas, thick.
    pub const ElfCpReplica3Thick: Self = Self::ElfCpReplica3ThickProvision;
}
