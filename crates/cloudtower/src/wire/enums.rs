//! The API's enums; each keeps values this crate does not know in `Other`.

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
    /// Power state of a VM (`VmStatus`).
    pub enum VmStatus {
        /// Powered on.
        Running = "RUNNING",
        /// Powered off.
        Stopped = "STOPPED",
        /// Suspended.
        Suspended = "SUSPENDED",
        /// Deleted.
        Deleted = "DELETED",
        /// The cluster cannot tell.
        Unknown = "UNKNOWN",
    }
);

open_enum!(
    /// An entity is busy while this is set (`EntityAsyncStatus`).
    pub enum EntityAsyncStatus {
        /// Being created.
        Creating = "CREATING",
        /// Being changed.
        Updating = "UPDATING",
        /// Being deleted.
        Deleting = "DELETING",
    }
);

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
    /// VM firmware.
    pub enum VmFirmware {
        /// Legacy BIOS.
        Bios = "BIOS",
        /// UEFI.
        Uefi = "UEFI",
    }
);

open_enum!(
    /// Guest tools state.
    pub enum VmToolsStatus {
        /// Not installed.
        NotInstalled = "NOT_INSTALLED",
        /// Installed, not running.
        NotRunning = "NOT_RUNNING",
        /// Running.
        Running = "RUNNING",
        /// Running with restrictions.
        Restriction = "RESTRICTION",
    }
);

open_enum!(
    /// Host connection and health (`HostStatus`).
    pub enum HostStatus {
        /// Connected and healthy.
        ConnectedHealthy = "CONNECTED_HEALTHY",
        /// Connected with warnings.
        ConnectedWarning = "CONNECTED_WARNING",
        /// Connected with errors.
        ConnectedError = "CONNECTED_ERROR",
        /// Connecting.
        Connecting = "CONNECTING",
        /// Initialising.
        Initializing = "INITIALIZING",
        /// Management session expired.
        SessionExpired = "SESSION_EXPIRED",
    }
);

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
    /// Cluster connection (`ConnectState`).
    pub enum ConnectState {
        /// Connected.
        Connected = "CONNECTED",
        /// Disconnected.
        Disconnected = "DISCONNECTED",
        /// Initialising.
        Initializing = "INITIALIZING",
        /// Being removed.
        Removing = "REMOVING",
    }
);

open_enum!(
    /// Cluster product (`ClusterType`).
    pub enum ClusterType {
        /// SMTX OS (hyperconverged).
        SmtxOs = "SMTX_OS",
        /// SMTX ELF (compute only).
        SmtxElf = "SMTX_ELF",
        /// SMTX ZBS (storage only).
        SmtxZbs = "SMTX_ZBS",
        /// Blueshark.
        Blueshark = "BLUESHARK",
    }
);

open_enum!(
    /// Hypervisor of a cluster.
    pub enum Hypervisor {
        /// SmartX ELF.
        Elf = "ELF",
        /// VMware ESXi.
        Vmware = "VMWARE",
        /// XenServer.
        Xenserver = "XENSERVER",
        /// Blueshark.
        Blueshark = "BLUESHARK",
    }
);

open_enum!(
    /// Disk bus.
    pub enum Bus {
        /// IDE.
        Ide = "IDE",
        /// SCSI.
        Scsi = "SCSI",
        /// USB.
        Usb = "USB",
        /// VirtIO.
        Virtio = "VIRTIO",
    }
);

open_enum!(
    /// Kind of a VM disk slot.
    pub enum VmDiskType {
        /// A disk.
        Disk = "DISK",
        /// A CD-ROM.
        CdRom = "CD_ROM",
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
    /// Physical disk health.
    pub enum DiskHealthStatus {
        /// Healthy.
        Healthy = "HEALTHY",
        /// Sub-healthy.
        Subhealthy = "SUBHEALTHY",
        /// Unhealthy.
        Unhealthy = "UNHEALTHY",
        /// SMART check failed.
        SmartFailed = "SMART_FAILED",
        /// Software RAID failure.
        SoftwareRaidFailure = "SOFTWARE_RAID_FAILURE",
    }
);

open_enum!(
    /// Physical disk mount state.
    pub enum DiskUsageStatus {
        /// Mounted.
        Mounted = "MOUNTED",
        /// Mounting.
        Mounting = "MOUNTING",
        /// Partly mounted.
        PartialMounted = "PARTIAL_MOUNTED",
        /// Unmounted.
        Unmounted = "UNMOUNTED",
        /// Unmounting.
        Unmounting = "UNMOUNTING",
        /// Isolated.
        Isolated = "ISOLATED",
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

open_enum!(
    /// Snapshot consistency.
    pub enum ConsistentType {
        /// Crash consistent.
        CrashConsistent = "CRASH_CONSISTENT",
        /// File-system consistent (needs VMTools running).
        FileSystemConsistent = "FILE_SYSTEM_CONSISTENT",
    }
);

open_enum!(
    /// Virtual NIC model.
    pub enum VmNicModel {
        /// Intel E1000.
        E1000 = "E1000",
        /// SR-IOV pass-through.
        Sriov = "SRIOV",
        /// VirtIO.
        Virtio = "VIRTIO",
    }
);

open_enum!(
    /// Unit of a size field.
    pub enum ByteUnit {
        /// Bytes.
        B = "B",
        /// KiB.
        Kb = "KB",
        /// MiB.
        Mb = "MB",
        /// GiB.
        Gb = "GB",
        /// TiB.
        Tb = "TB",
        /// PiB.
        Pb = "PB",
    }
);

open_enum!(
    /// Where a user account lives (`UserSource`).
    pub enum UserSource {
        /// Local account.
        Local = "LOCAL",
        /// LDAP (older towers).
        Ldap = "LDAP",
        /// An authn strategy (`auth_config_id` names it).
        Authn = "AUTHN",
        /// Single sign-on.
        Sso = "SSO",
    }
);
