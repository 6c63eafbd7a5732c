//! Operations and capabilities.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! ops {
    ($($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?) => {
        /// Every operation omnivirt knows, one name each.
        ///
        /// `Op` names capabilities, error messages, tracing spans and the generated capability
        /// matrix.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum Op {
            $($(#[$vmeta])* $variant),+
        }

        impl Op {
            /// Every operation, in declaration order.
            pub const ALL: &'static [Op] = &[$(Op::$variant),+];

            /// The dotted name used in logs and docs, e.g. `vm.start`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Op::$variant => $text),+
                }
            }
        }
    };
}

ops! {
    /// List VMs.
    VmList => "vm.list",
    /// Get one VM.
    VmGet => "vm.get",
    /// Create a VM.
    VmCreate => "vm.create",
    /// Power a VM on.
    VmStart => "vm.start",
    /// Shut a VM down gracefully.
    VmStop => "vm.stop",
    /// Power a VM off.
    VmForceStop => "vm.force_stop",
    /// Restart a VM.
    VmReboot => "vm.reboot",
    /// Suspend a VM.
    VmSuspend => "vm.suspend",
    /// Resume a suspended VM.
    VmResume => "vm.resume",
    /// Delete a VM.
    VmDelete => "vm.delete",
    /// Live-migrate a VM.
    VmMigrate => "vm.migrate",
    /// List hosts.
    HostList => "host.list",
    /// Get one host.
    HostGet => "host.get",
    /// List clusters.
    ClusterList => "cluster.list",
    /// Get one cluster.
    ClusterGet => "cluster.get",
    /// List disks.
    DiskList => "disk.list",
    /// Get one disk.
    DiskGet => "disk.get",
    /// Create a disk.
    DiskCreate => "disk.create",
    /// Attach a disk to a VM.
    DiskAttach => "disk.attach",
    /// Detach a disk from a VM.
    DiskDetach => "disk.detach",
    /// Delete a disk.
    DiskDelete => "disk.delete",
    /// List templates, images and ISOs.
    TemplateList => "template.list",
    /// Get one template, image or ISO.
    TemplateGet => "template.get",
    /// List networks.
    NetworkList => "network.list",
    /// Get one network.
    NetworkGet => "network.get",
    /// List storage pools.
    StorageList => "storage.list",
    /// Get one storage pool.
    StorageGet => "storage.get",
    /// Get many VMs in one request.
    VmGetBatch => "vm.get_batch",
    /// Create a VM with the NICs its spec names.
    VmCreateNics => "vm.create.nics",
    /// Create a VM with its disks on the storage its spec names.
    VmCreateStorage => "vm.create.storage",
    /// Create a VM with cloud-init user data.
    VmCreateUserData => "vm.create.user_data",
    /// Create a VM with tags.
    VmCreateTags => "vm.create.tags",
    /// Change a VM's name, description, CPUs or memory.
    VmUpdate => "vm.update",
    /// Copy a VM into a new one.
    VmClone => "vm.clone",
    /// Get a VM's console connection.
    VmConsole => "vm.console",
    /// List a VM's network interfaces.
    NicList => "vm.nic.list",
    /// Add a network interface to a VM.
    NicAdd => "vm.nic.add",
    /// Remove a network interface from a VM.
    NicRemove => "vm.nic.remove",
    /// List a VM's snapshots.
    SnapshotList => "vm.snapshot.list",
    /// Take a snapshot of a VM.
    SnapshotCreate => "vm.snapshot.create",
    /// Revert a VM to a snapshot.
    SnapshotRevert => "vm.snapshot.revert",
    /// Delete a snapshot.
    SnapshotDelete => "vm.snapshot.delete",
    /// List events.
    EventList => "event.list",
    /// Put a host into maintenance.
    HostMaintenanceEnter => "host.maintenance.enter",
    /// Bring a host out of maintenance.
    HostMaintenanceExit => "host.maintenance.exit",
    /// Get one task.
    TaskGet => "task.get",
    /// Get many tasks in one request.
    TaskGetBatch => "task.get_batch",
}

tokio::task_local! {
    /// The op the [`Client`](crate::Client) is running in this task, for the layers beneath it.
    static CURRENT_OP: Op;
}

impl Op {
    /// Runs `fut` as part of this op: while it runs, [`Op::current`] answers `self`, so every
    /// request it sends (in this task) can be traced under the op. The
    /// [`Client`](crate::Client) wraps each of its calls, listings and waits this way.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use omnivirt_core::Op;
    ///
    /// assert_eq!(Op::current(), None);
    /// assert_eq!(Op::VmStart.scope(async { Op::current() }).await, Some(Op::VmStart));
    /// # }
    /// ```
    pub async fn scope<F: Future>(self, fut: F) -> F::Output {
        CURRENT_OP.scope(self, fut).await
    }

    /// The op whose [`scope`](Op::scope) the current task is in, if any.
    pub fn current() -> Option<Op> {
        CURRENT_OP.try_with(|op| *op).ok()
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a backend can do. The [`Client`](crate::Client) checks this before any request is sent,
/// so an unsupported operation fails with [`ErrorKind::Unsupported`](crate::ErrorKind) and zero
/// I/O.
///
/// ```
/// use omnivirt_core::{Capabilities, Op};
///
/// let caps = Capabilities::new([Op::VmList, Op::VmGet]);
/// assert!(caps.supports(Op::VmList));
/// assert!(!caps.supports(Op::VmMigrate));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Capabilities {
    ops: Vec<Op>,
    /// The largest number of task ids one batched `get_tasks` call accepts.
    pub max_task_batch: usize,
    /// A short note per op on how the backend implements it (shown in the capability matrix).
    pub notes: Vec<(Op, String)>,
}

impl Capabilities {
    /// Capabilities made of the given operations.
    pub fn new(ops: impl IntoIterator<Item = Op>) -> Self {
        let mut ops: Vec<Op> = ops.into_iter().collect();
        ops.sort();
        ops.dedup();
        Capabilities {
            ops,
            max_task_batch: 100,
            notes: Vec::new(),
        }
    }

    /// Every operation omnivirt knows.
    pub fn all() -> Self {
        Self::new(Op::ALL.iter().copied())
    }

    /// True if `op` is supported.
    pub fn supports(&self, op: Op) -> bool {
        self.ops.binary_search(&op).is_ok()
    }

    /// The supported operations, sorted.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Removes an operation.
    pub fn without(mut self, op: Op) -> Self {
        self.ops.retain(|o| *o != op);
        self
    }

    /// Adds an operation.
    pub fn with(mut self, op: Op) -> Self {
        if let Err(pos) = self.ops.binary_search(&op) {
            self.ops.insert(pos, op);
        }
        self
    }

    /// Sets the largest batch for `get_tasks`.
    pub fn with_max_task_batch(mut self, n: usize) -> Self {
        self.max_task_batch = n.max(1);
        self
    }

    /// Adds a note for the capability matrix.
    pub fn with_note(mut self, op: Op, note: impl Into<String>) -> Self {
        self.notes.push((op, note.into()));
        self
    }

    /// The note for `op`, if any.
    pub fn note(&self, op: Op) -> Option<&str> {
        self.notes
            .iter()
            .find(|(o, _)| *o == op)
            .map(|(_, n)| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_names_are_unique() {
        let mut names: Vec<&str> = Op::ALL.iter().map(|o| o.as_str()).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }

    #[test]
    fn with_and_without() {
        let c = Capabilities::new([Op::VmGet])
            .with(Op::VmList)
            .without(Op::VmGet);
        assert_eq!(c.ops(), &[Op::VmList]);
    }
}
