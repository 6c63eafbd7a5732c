//! VeiL's words for the neutral states.

use omnivirt_core::{DiskState, HostState, StorageState, TaskState, VmState};

/// Neutral VM state -> (entity status, user_power_state).
pub(super) fn vm_words(s: VmState) -> (&'static str, u8) {
    match s {
        VmState::Creating => ("CREATING", 1),
        VmState::Deleting | VmState::Deleted => ("DELETING", 1),
        VmState::Error => ("FAILED", 0),
        VmState::Unknown => ("ACTIVE", 0),
        VmState::Running
        | VmState::Stopping
        | VmState::Rebooting
        | VmState::Suspending
        | VmState::Migrating => ("ACTIVE", 3),
        VmState::Suspended | VmState::Resuming => ("ACTIVE", 2),
        _ => ("ACTIVE", 1),
    }
}

pub(super) fn host_word(s: HostState) -> &'static str {
    match s {
        HostState::Up => "ACTIVE",
        HostState::Maintenance => "SERVICE",
        HostState::Connecting => "CREATING",
        _ => "FAILED",
    }
}

pub(super) fn disk_word(s: DiskState) -> &'static str {
    match s {
        DiskState::Creating => "CREATING",
        DiskState::Error => "FAILED",
        DiskState::Deleted => "DELETING",
        _ => "ACTIVE",
    }
}

pub(super) fn task_word(s: TaskState) -> &'static str {
    match s {
        TaskState::Succeeded => "SUCCESS",
        TaskState::Failed => "FAILED",
        TaskState::Cancelled => "CANCELED",
        _ => "IN_PROGRESS",
    }
}

/// Neutral storage state -> data pool entity status.
pub(super) fn pool_word(s: StorageState) -> &'static str {
    match s {
        StorageState::Ok => "ACTIVE",
        StorageState::Maintenance => "SERVICE",
        StorageState::Unavailable => "FAILED",
        _ => "PARTIAL",
    }
}
