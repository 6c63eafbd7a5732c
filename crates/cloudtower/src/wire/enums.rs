//! The API's enums; each keeps values this crate does not know in `Other`.
//!
//! Most are the generated model's own enums (same variants, `KNOWN`, `Display`, `From<&str>`);
//! the ones written here name their variants differently from the generator (`Succeeded` for the
//! wire's `SUCCESSED`, `NvmeSsd`), or are this crate's own (`MaintenanceMode`, `StoragePolicy`).

pub use crate::generated::types::{
    Bus, ByteUnit, ClusterType, ConnectState, ConsistentType, DiskHealthStatus, DiskUsageStatus,
    EntityAsyncStatus, HostStatus, Hypervisor, UserSource, VmDiskType, VmFirmware, VmNicModel,
    VmStatus, VmToolsStatus,
};

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares an enum that keeps values it does not know in `Other`.
macro_rules! open_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $var:ident = $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vm])* $var,)+
            /// A value this crate does not know (a newer server).
            Other(String),
        }

        impl $name {
            /// Every value this crate knows.
            pub const KNOWN: &'static [$name] = &[$($name::$var),+];

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$var => $wire,)+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// Parses the wire spelling; unknown values become `Other`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => $name::$var,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::from_wire(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from_wire(v))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

open_enum!(
    /// Task state (`TaskStatus`); `SUCCESSED` is the server's spelling.
    pub enum TaskStatus {
        /// Queued.
        Pending = "PENDING",
        /// Running.
        Executing = "EXECUTING",
        /// Paused.
        Paused = "PAUSED",
        /// Finished successfully.
        Succeeded = "SUCCESSED",
        /// Finished with an error.
        Failed = "FAILED",
    }
);

impl TaskStatus {
    /// True once the task will not change any more.
    pub fn is_final(&self) -> bool {
        matches!(self, TaskStatus::Succeeded | TaskStatus::Failed)
    }
}

open_enum!(
    /// Maintenance mode of a host (`MaintenanceModeEnum`).
    pub enum MaintenanceMode {
        /// Entering maintenance.
        Entering = "ENTERING_MAINTENANCE_MODE",
        /// In use.
        InUse = "IN_USE",
        /// In maintenance.
        Maintenance = "MAINTENANCE_MODE",
        /// Being removed.
        Removing = "REMOVING",
    }
);

open_enum!(
    /// Physical disk type (note the mixed case of the last two on the wire).
    pub enum DiskType {
        /// Spinning disk.
        Hdd = "HDD",
        /// SSD.
        Ssd = "SSD",
        /// SATA or SAS SSD.
        SataOrSasSsd = "SATA_OR_SAS_SSD",
        /// NVMe SSD.
        NvmeSsd = "NVMe_SSD",
        /// Persistent memory.
        Pmem = "PMem",
    }
);

open_enum!(
    /// Storage policy of a VM volume.
    pub enum StoragePolicy {
        /// 1 replica, thin.
        Replica1Thin = "REPLICA_1_THIN_PROVISION",
        /// 1 replica, thick.
        Replica1Thick = "REPLICA_1_THICK_PROVISION",
        /// 2 replicas, thin.
        Replica2Thin = "REPLICA_2_THIN_PROVISION",
        /// 2 replicas, thick.
        Replica2Thick = "REPLICA_2_THICK_PROVISION",
        /// 3 replicas, thin.
        Replica3Thin = "REPLICA_3_THIN_PROVISION",
        /// 3 replicas, thick.
        Replica3Thick = "REPLICA_3_THICK_PROVISION",
        /// ELF CP, 2 replicas, thin.
        ElfCpReplica2Thin = "ELF_CP_REPLICA_2_THIN_PROVISION",
        /// ELF CP, 2 replicas, thick.
        ElfCpReplica2Thick = "ELF_CP_REPLICA_2_THICK_PROVISION",
        /// ELF CP, 3 replicas, thin.
        ElfCpReplica3Thin = "ELF_CP_REPLICA_3_THIN_PROVISION",
        /// ELF CP, 3 replicas, thick.
        ElfCpReplica3Thick = "ELF_CP_REPLICA_3_THICK_PROVISION",
        /// Erasure coding.
        Ec = "EC",
    }
);
