//! The neutral model: what every backend converts its own objects into.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Vendor fields the neutral model does not name, kept so nothing is silently dropped.
pub type Extra = BTreeMap<String, serde_json::Value>;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a vendor identifier.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The identifier as the vendor spells it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

typed_id!(
    /// Identifier of a virtual machine.
    VmId
);
typed_id!(
    /// Identifier of a hypervisor host.
    HostId
);
typed_id!(
    /// Identifier of a cluster.
    ClusterId
);
typed_id!(
    /// Identifier of a virtual disk (volume).
    DiskId
);
typed_id!(
    /// Identifier of an asynchronous task (job).
    TaskId
);
typed_id!(
    /// Identifier of a template, image or ISO.
    TemplateId
);
typed_id!(
    /// Identifier of a network (logical network, VLAN, L3 network, vnet).
    NetworkId
);
typed_id!(
    /// Identifier of a storage pool (storage domain, datastore, primary storage, data pool).
    StoragePoolId
);
typed_id!(
    /// Identifier of a VM snapshot.
    SnapshotId
);
typed_id!(
    /// Identifier of a VM's network interface.
    NicId
);
typed_id!(
    /// Identifier of an event (audit log entry, alert).
    EventId
);

macro_rules! neutral_state {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every state, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case name used in JSON output and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|st| st.as_str() == wanted)
                    .ok_or_else(|| {
                        let names: Vec<&str> = $name::ALL.iter().map(|s| s.as_str()).collect();
                        crate::Error::new(
                            crate::ErrorKind::InvalidInput,
                            format!(
                                "unknown {} `{s}`; expected one of: {}",
                                stringify!($name),
                                names.join(", ")
                            ),
                        )
                    })
            }
        }
    };
}

neutral_state!(
    /// Neutral power/lifecycle state of a VM. The vendor's own word is kept in `raw_state`.
    VmState {
        /// Being created or provisioned.
        Creating => "creating",
        /// Powered off.
        Stopped => "stopped",
        /// Powering on.
        Starting => "starting",
        /// Powered on.
        Running => "running",
        /// Shutting down or powering off.
        Stopping => "stopping",
        /// Restarting.
        Rebooting => "rebooting",
        /// Being suspended.
        Suspending => "suspending",
        /// Suspended (memory saved) or paused.
        Suspended => "suspended",
        /// Coming back from suspension.
        Resuming => "resuming",
        /// Live-migrating between hosts.
        Migrating => "migrating",
        /// Being deleted.
        Deleting => "deleting",
        /// Deleted (in a recycle bin, or gone).
        Deleted => "deleted",
        /// The vendor reports a failure or an unusable VM.
        Error => "error",
        /// A vendor state this crate does not map; see `raw_state`.
        Unknown => "unknown",
    }
);

impl VmState {
    /// True for states that are in the middle of a change and will move on by themselves.
    pub fn is_transitional(self) -> bool {
        matches!(
            self,
            VmState::Creating
                | VmState::Starting
                | VmState::Stopping
                | VmState::Rebooting
                | VmState::Suspending
                | VmState::Resuming
                | VmState::Migrating
                | VmState::Deleting
        )
    }
}

neutral_state!(
    /// Neutral state of a hypervisor host.
    HostState {
        /// Serving VMs.
        Up => "up",
        /// Not reachable or powered off.
        Down => "down",
        /// In maintenance mode.
        Maintenance => "maintenance",
        /// Being installed, activated or reconnected.
        Connecting => "connecting",
        /// The vendor reports a failure.
        Error => "error",
        /// A vendor state this crate does not map; see `raw_state`.
        Unknown => "unknown",
    }
);

neutral_state!(
    /// Neutral state of a cluster.
    ClusterState {
        /// Healthy, or the vendor has no cluster status at all.
        Ok => "ok",
        /// Working with warnings.
        Degraded => "degraded",
        /// The vendor reports a failure.
        Error => "error",
        /// A vendor state this crate does not map; see `raw_state`.
        Unknown => "unknown",
    }
);

neutral_state!(
    /// What a [`Template`](crate::Template) is: something VMs are created from.
    TemplateKind {
        /// A VM template (a whole VM definition, disks included).
        Template => "template",
        /// A disk image (qcow2, raw, vmdk) to boot from or copy.
        Image => "image",
        /// An installation ISO.
        Iso => "iso",
    }
);

neutral_state!(
    /// Neutral state of a storage pool.
    StorageState {
        /// Usable.
        Ok => "ok",
        /// In maintenance or being prepared; not usable for new disks.
        Maintenance => "maintenance",
        /// Inactive, detached or failed.
        Unavailable => "unavailable",
        /// A vendor state this crate does not map; see `raw_state`.
        Unknown => "unknown",
    }
);

neutral_state!(
    /// Neutral state of a VM snapshot.
    SnapshotState {
        /// Being taken.
        Creating => "creating",
        /// Usable: can be reverted to or deleted.
        Ready => "ready",
        /// The VM is being reverted to it.
        Reverting => "reverting",
        /// Being deleted.
        Deleting => "deleting",
        /// The vendor reports a failure.
        Error => "error",
        /// A vendor state this crate does not map; see `raw_state`.
        Unknown => "unknown",
    }
);

neutral_state!(
    /// How serious an [`Event`](crate::Event) is.
    EventSeverity {
        /// Routine: something happened as asked.
        Info => "info",
        /// Worth a look.
        Warning => "warning",
        /// Something failed.
        Error => "error",
        /// A vendor level this crate does not map.
        Unknown => "unknown",
    }
);

neutral_state!(
    /// The remote display protocol of a [`Console`](crate::Console).
    ConsoleProtocol {
        /// VNC (RFB), possibly over a websocket proxy.
        Vnc => "vnc",
        /// SPICE.
        Spice => "spice",
        /// A vendor protocol this crate does not map; see the console's `url`.
        Unknown => "unknown",
    }
);

neutral_state!(
    /// Neutral state of a virtual disk.
    DiskState {
        /// Being created or copied.
        Creating => "creating",
        /// Usable.
        Ready => "ready",
        /// Locked by an operation in progress.
        Locked => "locked",
        /// The vendor reports a failure.
        Error => "error",
        /// Deleted.
        Deleted => "deleted",
        /// A vendor state this crate does not map; see `raw_state`.
        Unknown => "unknown",
    }
);

neutral_state!(
    /// Neutral state of an asynchronous task.
    TaskState {
        /// Accepted, not started.
        Pending => "pending",
        /// In progress.
        Running => "running",
        /// Finished successfully.
        Succeeded => "succeeded",
        /// Finished with an error.
        Failed => "failed",
        /// Cancelled or aborted.
        Cancelled => "cancelled",
        /// A vendor state this crate does not map; see `raw_state`.
        Unknown => "unknown",
    }
);

impl TaskState {
    /// True once the task will not change any more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskState::Succeeded | TaskState::Failed | TaskState::Cancelled
        )
    }
}

/// A virtual machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Vm {
    /// Vendor identifier.
    pub id: VmId,
    /// Display name.
    pub name: String,
    /// Neutral state.
    pub state: VmState,
    /// The vendor's own status word, unchanged.
    pub raw_state: Option<String>,
    /// Virtual CPU count.
    pub vcpus: Option<u32>,
    /// Memory in bytes.
    pub memory_bytes: Option<u64>,
    /// Cluster the VM belongs to.
    pub cluster_id: Option<ClusterId>,
    /// Host the VM runs on (usually only while running).
    pub host_id: Option<HostId>,
    /// Free-text description.
    pub description: Option<String>,
    /// Every IP address the platform reports for the VM (guest agent, DHCP lease or static
    /// configuration); empty when it reports none.
    #[serde(default)]
    pub ips: Vec<String>,
    /// Tags or labels, as `key=value` or plain words as the vendor has them.
    #[serde(default)]
    pub tags: Vec<String>,
    /// When the VM was created (RFC 3339), if the vendor says.
    pub created_at: Option<String>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Vm {
    /// A VM with the given identity and state; other fields empty.
    pub fn new(id: impl Into<VmId>, name: impl Into<String>, state: VmState) -> Self {
        Vm {
            id: id.into(),
            name: name.into(),
            state,
            raw_state: None,
            vcpus: None,
            memory_bytes: None,
            cluster_id: None,
            host_id: None,
            description: None,
            ips: Vec::new(),
            tags: Vec::new(),
            created_at: None,
            extra: Extra::new(),
        }
    }
}

/// A hypervisor host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Host {
    /// Vendor identifier.
    pub id: HostId,
    /// Display name.
    pub name: String,
    /// Neutral state.
    pub state: HostState,
    /// The vendor's own status word, unchanged.
    pub raw_state: Option<String>,
    /// Cluster the host belongs to.
    pub cluster_id: Option<ClusterId>,
    /// Management address.
    pub address: Option<String>,
    /// Physical CPU threads.
    pub cpu_threads: Option<u32>,
    /// Physical memory in bytes.
    pub memory_bytes: Option<u64>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Host {
    /// A host with the given identity and state; other fields empty.
    pub fn new(id: impl Into<HostId>, name: impl Into<String>, state: HostState) -> Self {
        Host {
            id: id.into(),
            name: name.into(),
            state,
            raw_state: None,
            cluster_id: None,
            address: None,
            cpu_threads: None,
            memory_bytes: None,
            extra: Extra::new(),
        }
    }
}

/// A cluster of hosts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cluster {
    /// Vendor identifier.
    pub id: ClusterId,
    /// Display name.
    pub name: String,
    /// Neutral state.
    pub state: ClusterState,
    /// The vendor's own status word, unchanged (`None` when the vendor has none).
    pub raw_state: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Cluster {
    /// A cluster with the given identity; state `Ok`, other fields empty.
    pub fn new(id: impl Into<ClusterId>, name: impl Into<String>) -> Self {
        Cluster {
            id: id.into(),
            name: name.into(),
            state: ClusterState::Ok,
            raw_state: None,
            description: None,
            extra: Extra::new(),
        }
    }
}

/// A virtual disk (volume).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Disk {
    /// Vendor identifier.
    pub id: DiskId,
    /// Display name.
    pub name: String,
    /// Neutral state.
    pub state: DiskState,
    /// The vendor's own status word, unchanged.
    pub raw_state: Option<String>,
    /// Provisioned size in bytes.
    pub size_bytes: Option<u64>,
    /// The VM the disk is attached to, if any.
    pub vm_id: Option<VmId>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Disk {
    /// A disk with the given identity and state; other fields empty.
    pub fn new(id: impl Into<DiskId>, name: impl Into<String>, state: DiskState) -> Self {
        Disk {
            id: id.into(),
            name: name.into(),
            state,
            raw_state: None,
            size_bytes: None,
            vm_id: None,
            extra: Extra::new(),
        }
    }
}

/// The error a failed task reports, in the vendor's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskError {
    /// Vendor error code, if any.
    pub code: Option<String>,
    /// Vendor message.
    pub message: String,
}

impl TaskError {
    /// A task error with an optional code.
    pub fn new(code: Option<String>, message: impl Into<String>) -> Self {
        TaskError {
            code,
            message: message.into(),
        }
    }
}

/// The object an operation acts on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResourceRef {
    /// A VM.
    Vm(VmId),
    /// A host.
    Host(HostId),
    /// A cluster.
    Cluster(ClusterId),
    /// A disk.
    Disk(DiskId),
    /// A VM snapshot.
    Snapshot(SnapshotId),
    /// A VM network interface.
    Nic(NicId),
    /// A template, image or ISO.
    Template(TemplateId),
    /// A network.
    Network(NetworkId),
    /// A storage pool.
    StoragePool(StoragePoolId),
}

/// An asynchronous task (job) on the backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Task {
    /// Vendor identifier.
    pub id: TaskId,
    /// Human-readable name or description, when the vendor has one.
    pub name: Option<String>,
    /// Neutral state.
    pub state: TaskState,
    /// The vendor's own status word, unchanged.
    pub raw_state: Option<String>,
    /// Progress in percent, when reported.
    pub progress: Option<u8>,
    /// Error details once failed.
    pub error: Option<TaskError>,
    /// The object the task created or acted on, when the vendor reports it.
    pub target: Option<ResourceRef>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Task {
    /// A task with the given identity and state; other fields empty.
    pub fn new(id: impl Into<TaskId>, state: TaskState) -> Self {
        Task {
            id: id.into(),
            name: None,
            state,
            raw_state: None,
            progress: None,
            error: None,
            target: None,
            extra: Extra::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_names() {
        for st in VmState::ALL {
            assert_eq!(st.as_str().parse::<VmState>().unwrap(), *st);
            let json = serde_json::to_string(st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.as_str()));
        }
        assert_eq!("Running".parse::<VmState>().unwrap(), VmState::Running);
        let err = "flying".parse::<VmState>().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("running"), "{err}");
    }

    #[test]
    fn absent_values_serialise_as_null() {
        let vm = Vm::new("v1", "web", VmState::Stopped);
        let v = serde_json::to_value(&vm).unwrap();
        assert_eq!(v["host_id"], serde_json::Value::Null);
        assert_eq!(v["state"], "stopped");
        assert!(v.get("extra").is_none());
    }
}
