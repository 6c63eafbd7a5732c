//! Typed CloudTower objects as the `/v2/api` sends them.
//!
//! Every struct is lenient on purpose: the server adds fields with every release (they are
//! ignored), fields the spec calls required are sometimes `null` (they decode to their default),
//! and enums accept values this crate does not know (`Other`). Field names follow the wire,
//! except `entityAsyncStatus`, which is `entity_async_status` here.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares an enum that keeps values it does not know in `Other`.
macro_rules! open_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $wire:literal),+ $(,)? }) => {
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
    VmStatus {
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
    EntityAsyncStatus {
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
    TaskStatus {
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
    VmFirmware {
        /// Legacy BIOS.
        Bios = "BIOS",
        /// UEFI.
        Uefi = "UEFI",
    }
);

open_enum!(
    /// Guest tools state.
    VmToolsStatus {
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
    HostStatus {
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
    MaintenanceMode {
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
    ConnectState {
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
    ClusterType {
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
    Hypervisor {
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
    Bus {
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
    VmDiskType {
        /// A disk.
        Disk = "DISK",
        /// A CD-ROM.
        CdRom = "CD_ROM",
    }
);

open_enum!(
    /// Physical disk type (note the mixed case of the last two on the wire).
    DiskType {
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
    DiskHealthStatus {
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
    DiskUsageStatus {
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
    StoragePolicy {
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
    ConsistentType {
        /// Crash consistent.
        CrashConsistent = "CRASH_CONSISTENT",
        /// File-system consistent (needs VMTools running).
        FileSystemConsistent = "FILE_SYSTEM_CONSISTENT",
    }
);

open_enum!(
    /// Virtual NIC model.
    VmNicModel {
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
    ByteUnit {
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
    UserSource {
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

/// A related object as the server embeds it: `{id, name?}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NestedRef {
    /// CloudTower id.
    pub id: String,
    /// Name, when the server sends one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A host as embedded in other objects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NestedHost {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Management IP.
    #[serde(default)]
    pub management_ip: Option<String>,
}

/// A label `{id, key, value}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NestedLabel {
    /// CloudTower id.
    pub id: String,
    /// Key.
    #[serde(default)]
    pub key: String,
    /// Value.
    #[serde(default)]
    pub value: Option<String>,
}

/// CPU topology.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NestedCpu {
    /// Cores per socket.
    #[serde(default)]
    pub cores: u32,
    /// Sockets.
    #[serde(default)]
    pub sockets: u32,
}

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

/// A host (`Host`); the fields a client usually needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Host {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// UUID on the cluster.
    #[serde(default)]
    pub local_id: String,
    /// Health and connection.
    #[serde(default)]
    pub status: Option<HostStatus>,
    /// `IDLE`, `IN_USE` or `REMOVING`.
    #[serde(default)]
    pub state: Option<String>,
    /// Maintenance state.
    #[serde(default)]
    pub host_state: Option<HostMaintenance>,
    /// Busy marker.
    #[serde(default, rename = "entityAsyncStatus")]
    pub entity_async_status: Option<EntityAsyncStatus>,
    /// Cluster.
    #[serde(default)]
    pub cluster: Option<NestedRef>,
    /// Management IP.
    #[serde(default)]
    pub management_ip: Option<String>,
    /// Data IP.
    #[serde(default)]
    pub data_ip: Option<String>,
    /// CPU model.
    #[serde(default)]
    pub cpu_model: Option<String>,
    /// Physical cores.
    #[serde(default)]
    pub total_cpu_cores: Option<u32>,
    /// Sockets.
    #[serde(default)]
    pub total_cpu_sockets: Option<u32>,
    /// Total CPU Hz.
    #[serde(default)]
    pub total_cpu_hz: Option<i64>,
    /// Used CPU Hz.
    #[serde(default)]
    pub used_cpu_hz: Option<f64>,
    /// Memory in bytes.
    #[serde(default)]
    pub total_memory_bytes: Option<i64>,
    /// Used memory in bytes.
    #[serde(default)]
    pub used_memory_bytes: Option<f64>,
    /// Memory used by the host OS.
    #[serde(default)]
    pub os_memory_bytes: Option<i64>,
    /// Memory of running and paused VMs.
    #[serde(default)]
    pub running_pause_vm_memory_bytes: Option<i64>,
    /// Memory still allocatable.
    #[serde(default)]
    pub allocatable_memory_bytes: Option<i64>,
    /// Provisioned vCPUs.
    #[serde(default)]
    pub provisioned_cpu_cores: Option<u32>,
    /// Provisioned memory.
    #[serde(default)]
    pub provisioned_memory_bytes: Option<i64>,
    /// Data capacity.
    #[serde(default)]
    pub total_data_capacity: Option<i64>,
    /// Used data space.
    #[serde(default)]
    pub used_data_space: Option<i64>,
    /// Failed data space.
    #[serde(default)]
    pub failure_data_space: Option<i64>,
    /// VMs.
    #[serde(default)]
    pub vm_num: Option<u32>,
    /// Running VMs.
    #[serde(default)]
    pub running_vm_num: Option<u32>,
    /// Stopped VMs.
    #[serde(default)]
    pub stopped_vm_num: Option<u32>,
    /// Suspended VMs.
    #[serde(default)]
    pub suspended_vm_num: Option<u32>,
    /// Labels.
    #[serde(default)]
    pub labels: Option<Vec<NestedLabel>>,
}

/// Maintenance state of a host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HostMaintenance {
    /// The mode.
    #[serde(default)]
    pub state: Option<MaintenanceMode>,
}

/// A cluster (`Cluster`); dashboard and identity fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cluster {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// UUID on the cluster.
    #[serde(default)]
    pub local_id: Option<String>,
    /// Product type.
    #[serde(default, rename = "type")]
    pub cluster_type: Option<ClusterType>,
    /// Hypervisor.
    #[serde(default)]
    pub hypervisor: Option<Hypervisor>,
    /// `X86_64` or `AARCH64`.
    #[serde(default)]
    pub architecture: Option<String>,
    /// Connection state.
    #[serde(default)]
    pub connect_state: Option<ConnectState>,
    /// Busy marker.
    #[serde(default, rename = "entityAsyncStatus")]
    pub entity_async_status: Option<EntityAsyncStatus>,
    /// Software version.
    #[serde(default)]
    pub version: Option<String>,
    /// Cluster IP.
    #[serde(default)]
    pub ip: Option<String>,
    /// Management VIP.
    #[serde(default)]
    pub management_vip: Option<String>,
    /// Physical cores.
    #[serde(default)]
    pub total_cpu_cores: Option<u32>,
    /// Total CPU Hz.
    #[serde(default)]
    pub total_cpu_hz: Option<i64>,
    /// Used CPU Hz.
    #[serde(default)]
    pub used_cpu_hz: Option<f64>,
    /// Memory in bytes.
    #[serde(default)]
    pub total_memory_bytes: Option<i64>,
    /// Used memory in bytes.
    #[serde(default)]
    pub used_memory_bytes: Option<f64>,
    /// Provisioned vCPUs.
    #[serde(default)]
    pub provisioned_cpu_cores: Option<u32>,
    /// Provisioned memory.
    #[serde(default)]
    pub provisioned_memory_bytes: Option<i64>,
    /// Provisioning ratio.
    #[serde(default)]
    pub provisioned_ratio: Option<f64>,
    /// Data capacity.
    #[serde(default)]
    pub total_data_capacity: Option<i64>,
    /// Used data space.
    #[serde(default)]
    pub used_data_space: Option<i64>,
    /// Failed data space.
    #[serde(default)]
    pub failure_data_space: Option<i64>,
    /// Valid data space.
    #[serde(default)]
    pub valid_data_space: Option<i64>,
    /// Hosts.
    #[serde(default)]
    pub host_num: Option<u32>,
    /// VMs.
    #[serde(default)]
    pub vm_num: Option<u32>,
    /// Running VMs.
    #[serde(default)]
    pub running_vm_num: Option<u32>,
    /// Stopped VMs.
    #[serde(default)]
    pub stopped_vm_num: Option<u32>,
    /// Suspended VMs.
    #[serde(default)]
    pub suspended_vm_num: Option<u32>,
    /// Hosts (stubs).
    #[serde(default)]
    pub hosts: Option<Vec<NestedHost>>,
    /// Datacenters (stubs).
    #[serde(default)]
    pub datacenters: Option<Vec<NestedRef>>,
    /// Labels.
    #[serde(default)]
    pub labels: Option<Vec<NestedLabel>>,
}

/// A datacenter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Datacenter {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Organisation.
    #[serde(default)]
    pub organization: Option<NestedRef>,
    /// Clusters.
    #[serde(default)]
    pub clusters: Option<Vec<NestedRef>>,
    /// Clusters.
    #[serde(default)]
    pub cluster_num: Option<u32>,
    /// Hosts.
    #[serde(default)]
    pub host_num: Option<u32>,
    /// VMs.
    #[serde(default)]
    pub vm_num: Option<u32>,
    /// Total CPU Hz.
    #[serde(default)]
    pub total_cpu_hz: Option<i64>,
    /// Used CPU Hz.
    #[serde(default)]
    pub used_cpu_hz: Option<f64>,
    /// Memory in bytes.
    #[serde(default)]
    pub total_memory_bytes: Option<i64>,
    /// Used memory.
    #[serde(default)]
    pub used_memory_bytes: Option<f64>,
    /// Data capacity.
    #[serde(default)]
    pub total_data_capacity: Option<i64>,
    /// Used data space.
    #[serde(default)]
    pub used_data_space: Option<i64>,
    /// Failed data space.
    #[serde(default)]
    pub failure_data_space: Option<i64>,
}

/// A physical disk of a host (`Disk`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhysicalDisk {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Device path.
    #[serde(default)]
    pub path: Option<String>,
    /// Model.
    #[serde(default)]
    pub model: Option<String>,
    /// Serial.
    #[serde(default)]
    pub serial: Option<String>,
    /// Size in bytes.
    #[serde(default)]
    pub size: Option<i64>,
    /// Type.
    #[serde(default, rename = "type")]
    pub disk_type: Option<DiskType>,
    /// Usage.
    #[serde(default)]
    pub usage: Option<String>,
    /// Health.
    #[serde(default)]
    pub health_status: Option<DiskHealthStatus>,
    /// Mount state.
    #[serde(default)]
    pub usage_status: Option<DiskUsageStatus>,
    /// Healthy flag.
    #[serde(default)]
    pub healthy: Option<bool>,
    /// Mounted flag.
    #[serde(default)]
    pub mounted: Option<bool>,
    /// Offline flag.
    #[serde(default)]
    pub offline: Option<bool>,
    /// Remaining life.
    #[serde(default)]
    pub remaining_life_percent: Option<u32>,
    /// Host.
    #[serde(default)]
    pub host: Option<NestedHost>,
}

/// An alert.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Alert {
    /// CloudTower id.
    pub id: String,
    /// Message (localised by `content-language`).
    #[serde(default)]
    pub message: String,
    /// Suggested solution.
    #[serde(default)]
    pub solution: Option<String>,
    /// Cause.
    #[serde(default)]
    pub cause: Option<String>,
    /// Impact.
    #[serde(default)]
    pub impact: Option<String>,
    /// `CRITICAL`, `NOTICE`, `INFO` (a plain string in the spec).
    #[serde(default)]
    pub severity: String,
    /// Resolved.
    #[serde(default)]
    pub ended: bool,
    /// Threshold.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Value.
    #[serde(default)]
    pub value: Option<f64>,
    /// Start time.
    #[serde(default)]
    pub local_start_time: Option<String>,
    /// Cluster.
    #[serde(default)]
    pub cluster: Option<NestedRef>,
    /// Host.
    #[serde(default)]
    pub host: Option<NestedHost>,
    /// VMs.
    #[serde(default)]
    pub vms: Option<Vec<NestedRef>>,
}

/// One step of a task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskStep {
    /// Step key.
    #[serde(default)]
    pub key: Option<String>,
    /// Current count.
    #[serde(default)]
    pub current: Option<f64>,
    /// Total count.
    #[serde(default)]
    pub total: Option<f64>,
    /// Finished.
    #[serde(default)]
    pub finished: Option<bool>,
    /// Unit.
    #[serde(default)]
    pub unit: Option<String>,
}

/// A task (`Task`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Task {
    /// CloudTower id.
    pub id: String,
    /// State.
    #[serde(default)]
    pub status: Option<TaskStatus>,
    /// Progress (0..=1 on real towers, sometimes 0..=100).
    #[serde(default)]
    pub progress: Option<f64>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Error code once failed.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Error message once failed (may embed JSON).
    #[serde(default)]
    pub error_message: Option<String>,
    /// Id of the resource acted on.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Type of that resource.
    #[serde(default)]
    pub resource_type: Option<String>,
    /// Mutation name.
    #[serde(default)]
    pub resource_mutation: Option<String>,
    /// Started at.
    #[serde(default)]
    pub started_at: Option<String>,
    /// Finished at.
    #[serde(default)]
    pub finished_at: Option<String>,
    /// Created at.
    #[serde(default)]
    pub local_created_at: Option<String>,
    /// Steps.
    #[serde(default)]
    pub steps: Option<Vec<TaskStep>>,
    /// Cluster.
    #[serde(default)]
    pub cluster: Option<NestedRef>,
    /// Internal task.
    #[serde(default)]
    pub internal: Option<bool>,
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
}

/// What every mutation returns per affected object: `{task_id, data}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WithTask<T> {
    /// The task to follow; `None` when the operation finished at once.
    #[serde(default)]
    pub task_id: Option<String>,
    /// The object (a placeholder until the task ends; only its `id` is stable).
    pub data: T,
}

/// `data` of a delete: `{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Deleted {
    /// Id of the deleted object.
    pub id: String,
}

/// `{token}` inside the login answer.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LoginData {
    pub(crate) token: String,
}

/// `{aggregate: {count}}` of the `*-connection` queries.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Connection {
    pub(crate) aggregate: Aggregate,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Aggregate {
    pub(crate) count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_keep_unknown_values() {
        let s: VmStatus = serde_json::from_str("\"RUNNING\"").unwrap();
        assert_eq!(s, VmStatus::Running);
        let s: VmStatus = serde_json::from_str("\"HIBERNATING\"").unwrap();
        assert_eq!(s, VmStatus::Other("HIBERNATING".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"HIBERNATING\"");
        assert_eq!(DiskType::from_wire("NVMe_SSD"), DiskType::NvmeSsd);
    }

    #[test]
    fn vm_tolerates_nulls_and_unknown_fields() {
        let vm: Vm = serde_json::from_str(
            r#"{"id":"c1","name":"a","status":"STOPPED","vcpu":null,"anti_malware_enabled":true,
               "entityAsyncStatus":"CREATING","cluster":{"id":"k","name":"K"}}"#,
        )
        .unwrap();
        assert_eq!(vm.vcpu, None);
        assert_eq!(vm.entity_async_status, Some(EntityAsyncStatus::Creating));
        assert_eq!(vm.cluster.unwrap().name.as_deref(), Some("K"));
    }
}
