//! Snapshots and events -> the neutral model, with their state tables as plain data.

use omnivirt_core::{
    Event as NEvent, EventSeverity, Result, Snapshot as NSnapshot, SnapshotState, VmId, time,
};

use super::{lookup, need_id, put, rfc3339};
use crate::generated::types::{Event, Snapshot};

/// oVirt snapshot status -> neutral state. `locked` is any command holding the snapshot
/// (taking, restoring or removing it); the backend follows that command's job.
pub const SNAPSHOT_STATES: &[(&str, SnapshotState)] = &[
    ("in_preview", SnapshotState::Reverting),
    ("locked", SnapshotState::Creating),
    ("ok", SnapshotState::Ready),
];

/// oVirt log severity -> neutral event severity.
pub const EVENT_SEVERITIES: &[(&str, EventSeverity)] = &[
    ("alert", EventSeverity::Error),
    ("error", EventSeverity::Error),
    ("normal", EventSeverity::Info),
    ("warning", EventSeverity::Warning),
];

/// oVirt snapshot of VM `vm` -> neutral snapshot (its `description` is the neutral name).
pub fn snapshot(s: &Snapshot, vm: &VmId) -> Result<NSnapshot> {
    let raw = s.snapshot_status.as_ref().map(|x| x.as_str().to_owned());
    let state = lookup(SNAPSHOT_STATES, raw.as_deref(), SnapshotState::Unknown);
    let mut out = NSnapshot::new(
        need_id(s.id.clone(), "snapshot")?,
        vm.clone(),
        s.description.clone().unwrap_or_default(),
        state,
    );
    out.raw_state = raw;
    out.created_at = s.date.as_deref().and_then(rfc3339);
    out.includes_memory = s.persist_memorystate;
    put(
        &mut out.extra,
        "snapshot_type",
        s.snapshot_type.as_ref().map(|t| t.as_str().to_owned()),
    );
    Ok(out)
}

/// oVirt audit-log event -> neutral event. The time is normalised to UTC whole seconds, so
/// that `EventQuery::since` compares it as text.
pub fn event(e: &Event) -> Result<NEvent> {
    let raw = e.severity.as_ref().map(|s| s.as_str().to_owned());
    let severity = lookup(EVENT_SEVERITIES, raw.as_deref(), EventSeverity::Unknown);
    let when = e
        .time
        .as_deref()
        .and_then(time::normalize)
        .unwrap_or_default();
    let mut out = NEvent::new(
        need_id(e.id.clone(), "event")?,
        when,
        severity,
        e.description.clone().unwrap_or_default(),
    );
    out.code = e.code.map(|c| c.to_string());
    if let Some(v) = e.vm.as_ref().and_then(|r| r.id().map(str::to_owned)) {
        out.refs.push(super::vm_ref(&v));
    }
    if let Some(h) = e.host.as_ref().and_then(|r| r.id().map(str::to_owned)) {
        out.refs.push(omnivirt_core::ResourceRef::Host(h.into()));
    }
    if let Some(c) = e.cluster.as_ref().and_then(|r| r.id().map(str::to_owned)) {
        out.refs.push(omnivirt_core::ResourceRef::Cluster(c.into()));
    }
    let x = &mut out.extra;
    put(x, "severity", raw);
    put(x, "correlation_id", e.correlation_id.clone());
    put(x, "origin", e.origin.clone());
    put(x, "time", e.time.clone());
    Ok(out)
}
