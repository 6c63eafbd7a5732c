//! The API's enums; each keeps values this crate does not know in `Other`.
//!
//! Most are the generated model's own enums (same variants, `KNOWN`, `Display`, `From<&str>`);
//! the two written here are this crate's own: `MaintenanceMode` (a host's `host_state`) and
//! `StoragePolicy` (shorter names for `VmVolumeElfStoragePolicyType`).

pub use crate::generated::types::{
    Bus, ByteUnit, ClusterType, ConnectState, ConsistentType, DiskHealthStatus, DiskType,
    DiskUsageStatus, EntityAsyncStatus, HostStatus, Hypervisor, TaskStatus, UserSource, VmDiskType,
    VmFirmware, VmNicModel, VmStatus, VmToolsStatus,
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

impl From<StoragePolicy> for crate::generated::types::VmVolumeElfStoragePolicyType {
    fn from(p: StoragePolicy) -> Self {
        Self::from_wire(p.as_str())
    }
}
