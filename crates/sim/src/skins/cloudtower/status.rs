//! CloudTower's words for the neutral states and operations.

use omnivirt_core::{HostState, Op, TaskState, VmState};
use serde_json::{Value, json};

/// Neutral VM state -> (`status`, `entityAsyncStatus`).
pub(super) fn vm_words(s: VmState, locked: bool) -> (&'static str, Value) {
    let (status, busy) = match s {
        VmState::Creating => ("STOPPED", Some("CREATING")),
        VmState::Stopped => ("STOPPED", None),
        VmState::Starting => ("STOPPED", Some("UPDATING")),
        VmState::Running => ("RUNNING", None),
        VmState::Stopping | VmState::Rebooting | VmState::Suspending | VmState::Migrating => {
            ("RUNNING", Some("UPDATING"))
        }
        VmState::Suspended => ("SUSPENDED", None),
        VmState::Resuming => ("SUSPENDED", Some("UPDATING")),
        VmState::Deleting => ("STOPPED", Some("DELETING")),
        VmState::Deleted => ("DELETED", None),
        _ => ("UNKNOWN", None),
    };
    let busy = match busy {
        Some(b) => json!(b),
        None if locked => json!("UPDATING"),
        None => Value::Null,
    };
    (status, busy)
}

pub(super) fn host_words(s: HostState) -> (&'static str, &'static str) {
    match s {
        HostState::Up | HostState::Maintenance => ("CONNECTED_HEALTHY", "IN_USE"),
        HostState::Connecting => ("CONNECTING", "IN_USE"),
        HostState::Error => ("CONNECTED_ERROR", "IN_USE"),
        HostState::Down => ("SESSION_EXPIRED", "IN_USE"),
        _ => ("INITIALIZING", "IDLE"),
    }
}

pub(super) fn task_word(s: TaskState) -> &'static str {
    match s {
        TaskState::Pending => "PENDING",
        TaskState::Running => "EXECUTING",
        TaskState::Succeeded => "SUCCESSED",
        TaskState::Failed | TaskState::Cancelled => "FAILED",
        _ => "PENDING",
    }
}

pub(super) fn mutation_name(op: Op) -> &'static str {
    match op {
        Op::VmCreate => "createVm",
        Op::VmStart => "startVm",
        Op::VmStop => "shutDownVm",
        Op::VmForceStop => "poweroffVm",
        Op::VmReboot => "restartVm",
        Op::VmSuspend => "suspendVm",
        Op::VmResume => "resumeVm",
        Op::VmDelete => "deleteVm",
        Op::VmMigrate => "migrateVm",
        Op::DiskCreate => "createVmVolume",
        Op::DiskAttach => "addVmDisk",
        Op::DiskDetach => "removeVmDisk",
        Op::DiskDelete => "deleteVmVolume",
        Op::VmClone => "cloneVm",
        Op::SnapshotCreate => "createVmSnapshot",
        Op::SnapshotRevert => "rollbackVm",
        Op::SnapshotDelete => "deleteVmSnapshot",
        Op::NicAdd => "addVmNic",
        Op::NicRemove => "removeVmNic",
        Op::HostMaintenanceEnter => "enterMaintenanceMode",
        Op::HostMaintenanceExit => "exitMaintenanceMode",
        _ => "updateVm",
    }
}
