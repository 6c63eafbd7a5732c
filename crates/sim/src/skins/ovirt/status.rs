//! The engine's words for the neutral states, and its timestamps.

use omnivirt_core::{DiskState, HostState, TaskState, VmState};

use super::xml::TIME_SUFFIX;
use crate::text::DateTime;

/// Neutral VM state -> oVirt status.
pub(super) const VM_STATUS: &[(VmState, &str)] = &[
    (VmState::Creating, "image_locked"),
    (VmState::Stopped, "down"),
    (VmState::Starting, "powering_up"),
    (VmState::Running, "up"),
    (VmState::Stopping, "powering_down"),
    (VmState::Rebooting, "reboot_in_progress"),
    (VmState::Suspending, "saving_state"),
    (VmState::Suspended, "suspended"),
    (VmState::Resuming, "restoring_state"),
    (VmState::Migrating, "migrating"),
    (VmState::Deleting, "image_locked"),
    (VmState::Error, "not_responding"),
    (VmState::Unknown, "unknown"),
];

pub(super) fn vm_status(s: VmState) -> &'static str {
    VM_STATUS
        .iter()
        .find(|(n, _)| *n == s)
        .map_or("unknown", |(_, w)| w)
}

/// oVirt status words in a search -> the neutral states they stand for.
pub(super) fn vm_states_for(word: &str) -> Vec<VmState> {
    let w = word.to_ascii_lowercase();
    let mut out: Vec<VmState> = VM_STATUS
        .iter()
        .filter(|(_, s)| *s == w)
        .map(|(n, _)| *n)
        .collect();
    if w == "wait_for_launch" {
        out.push(VmState::Starting);
    }
    out
}

pub(super) fn host_status(s: HostState) -> &'static str {
    match s {
        HostState::Up => "up",
        HostState::Down => "down",
        HostState::Maintenance => "maintenance",
        HostState::Connecting => "connecting",
        HostState::Error => "non_responsive",
        _ => "unassigned",
    }
}

pub(super) fn disk_status(s: DiskState) -> &'static str {
    match s {
        DiskState::Ready => "ok",
        DiskState::Error => "illegal",
        _ => "locked",
    }
}

pub(super) fn job_status(s: TaskState) -> &'static str {
    match s {
        TaskState::Pending | TaskState::Running => "started",
        TaskState::Succeeded => "finished",
        TaskState::Failed => "failed",
        TaskState::Cancelled => "aborted",
        _ => "unknown",
    }
}

/// The engine's timestamps: local time with milliseconds and an offset.
pub(super) fn time(secs: u64) -> String {
    let t = DateTime::of(secs);
    let mut s = String::with_capacity(t.as_str().len() + TIME_SUFFIX.len());
    s.push_str(t.as_str());
    s.push_str(TIME_SUFFIX);
    s
}
