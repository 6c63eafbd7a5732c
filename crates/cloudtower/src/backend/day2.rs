//! Day-two operations of the neutral layer over the native face: batched VM reads,
//! reconfigure, snapshots, clone and host maintenance.
//!
//! | op | endpoint |
//! |---|---|
//! | get_vms | `get-vms` with `where: {id_in}`, `first` = chunk size (100 ids per request) |
//! | update_vm | `update-vm-basic-info` (`name`, `description`, `vcpu` as 1 socket x n cores, `memory` in bytes) |
//! | list_snapshots | `get-vm-snapshots` with `where: {vm: {id}}` |
//! | create_snapshot | `create-vm-snapshot` (`{data: [{vm_id, name, consistent_type: CRASH_CONSISTENT}]}`) |
//! | revert_snapshot | `rollback-vm` (`{where: {id}, data: {snapshot_id}}`) |
//! | delete_snapshot | `delete-vm-snapshot` (`{where: {id, vm: {id}}}`) |
//! | clone_vm | `clone-vm` (`[{src_vm_id, name, cluster_id?, is_full_copy: false, status: STOPPED}]`) |
//! | host_maintenance | `enter-maintance-mode` / `exit-maintance-mode` (the API's spelling) |
//! | list_events | `get-user-audit-logs` (`resource_id` = the VM, `createdAt_gte` = since, `orderBy: createdAt_DESC`, cursor = `after <id>`) |

use omnivirt_core::{
    CloneSpec, Cursor, Error, ErrorKind, Event, EventQuery, EventSeverity, Expect, HostId,
    HostState, Op, Page, ResourceRef, Result, Snapshot, SnapshotId, SnapshotSpec, SnapshotState,
    Submitted, Vm, VmId, VmUpdate,
};

use super::{CloudTowerBackend, submitted, submitted_on_vm};
use crate::VENDOR;
use crate::convert;
use crate::generated::types::{
    EnterMaintenanceModeInput, EnterMaintenanceModeParams, EnterMaintenanceModeParamsWhere,
    ExitMaintenanceModeInput, ExitMaintenanceModeParams, GetUserAuditLogsRequestBody, UserAuditLog,
    UserAuditLogOrderByInput, UserAuditLogStatus, UserAuditLogWhereInput, VmCloneParams,
};
use crate::native::filter::VmSnapshotWhere;
use crate::native::vm::{BasicInfo, SnapshotCreate};
use crate::wire::{self, ConsistentType, VmStatus, WithTask};

/// Ids per `get-vms` of a batched read: the page size the backend lists with.
pub(super) const VM_BATCH: usize = 100;

/// `Unsupported` for part of an op, naming what the API lacks, before any request.
fn unsupported(op: Op, why: &str) -> Error {
    Error::new(ErrorKind::Unsupported, format!("{op} on {VENDOR}: {why}"))
        .with_vendor(VENDOR)
        .with_op(op)
}

/// `entityAsyncStatus` of a VM snapshot -> neutral state (none set: `Ready`). A rollback marks
/// the snapshot UPDATING while it runs.
pub const SNAPSHOT_BUSY: &[(&str, SnapshotState)] = &[
    ("CREATING", SnapshotState::Creating),
    ("UPDATING", SnapshotState::Reverting),
    ("DELETING", SnapshotState::Deleting),
];

/// A CloudTower VM snapshot as a neutral [`Snapshot`] of VM `vm`.
pub fn snapshot(vm: &VmId, s: &wire::VmSnapshot) -> Snapshot {
    let busy = s
        .entity_async_status
        .as_ref()
        .map(|b| b.as_str().to_owned());
    let state = match busy.as_deref() {
        None => SnapshotState::Ready,
        Some(b) => SNAPSHOT_BUSY
            .iter()
            .find(|(k, _)| *k == b)
            .map_or(SnapshotState::Unknown, |(_, st)| *st),
    };
    let mut out = Snapshot::new(
        crate::convert::text(&s.id),
        vm.clone(),
        crate::convert::text(&s.name),
        state,
    );
    out.raw_state = busy;
    out.created_at = s
        .local_created_at
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(|t| omnivirt_core::time::normalize(t).unwrap_or_else(|| t.to_owned()));
    // A CloudTower snapshot holds disks and configuration, never guest memory.
    out.includes_memory = Some(false);
    let x = &mut out.extra;
    if let Some(c) = &s.consistent_type {
        x.insert("consistent_type".into(), c.as_str().into());
    }
    if let Some(l) = s.local_id.as_deref().filter(|l| !l.is_empty()) {
        x.insert("local_id".into(), l.into());
    }
    if let Some(n) = s.vcpu {
        x.insert("vcpu".into(), n.into());
    }
    if let Some(m) = s.memory {
        x.insert("memory".into(), m.into());
    }
    out
}

/// Events per `get-user-audit-logs` when the query does not say.
const EVENT_PAGE: u32 = 100;

/// A user audit log as a neutral [`Event`]: a `FAILED` operation is an error, anything else
/// routine; the object is the log's `resource_type`/`resource_id`.
pub fn event(l: &UserAuditLog) -> Event {
    let time = l
        .created_at
        .as_deref()
        .or(l.finished_at.as_deref())
        .unwrap_or_default();
    let time = omnivirt_core::time::normalize(time).unwrap_or_else(|| time.to_owned());
    let severity = match &l.status {
        Some(UserAuditLogStatus::Failed) => EventSeverity::Error,
        _ => EventSeverity::Info,
    };
    let mut out = Event::new(
        l.id.clone().unwrap_or_default(),
        time,
        severity,
        l.message.clone().unwrap_or_default(),
    );
    let id = l.resource_id.as_deref().filter(|i| !i.is_empty());
    if let Some(r) = id.and_then(|id| match l.resource_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("vm") => Some(ResourceRef::Vm(id.into())),
        Some(t) if t.eq_ignore_ascii_case("host") => Some(ResourceRef::Host(id.into())),
        Some(t) if t.eq_ignore_ascii_case("vmvolume") => Some(ResourceRef::Disk(id.into())),
        _ => None,
    }) {
        out.refs.push(r);
    }
    out.code = l.action.clone().filter(|a| !a.is_empty());
    if let Some(u) = l.username.as_deref().filter(|u| !u.is_empty()) {
        out.extra.insert("username".into(), u.into());
    }
    if let Some(t) = l.resource_type.as_deref().filter(|t| !t.is_empty()) {
        out.extra.insert("resource_type".into(), t.into());
    }
    out
}

impl CloudTowerBackend {
    pub(super) async fn events(
        &self,
        query: &EventQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        let mut w = UserAuditLogWhereInput::new();
        if let Some(vm) = &query.vm {
            w = w.resource_id().eq(vm.as_str());
        }
        if let Some(since) = &query.since {
            let t = omnivirt_core::time::normalize(since).ok_or_else(|| {
                Error::invalid_input(format!("`{since}` is not an RFC 3339 time"))
                    .with_vendor(VENDOR)
                    .with_op(Op::EventList)
            })?;
            w = w.created_at().gte(t);
        }
        let mut size = query.page_size.unwrap_or(EVENT_PAGE).max(1);
        if let Some(n) = query.limit {
            size = size.min(u32::try_from(n).unwrap_or(u32::MAX).max(1));
        }
        let body = GetUserAuditLogsRequestBody {
            r#where: Some(w),
            order_by: Some(UserAuditLogOrderByInput::CreatedAtDesc),
            first: Some(i32::try_from(size).unwrap_or(i32::MAX)),
            after: cursor.map(|c| c.as_str().to_owned()),
            ..GetUserAuditLogsRequestBody::default()
        };
        let logs = self
            .client
            .ops()
            .get_user_audit_logs(&body)
            .await
            .map_err(|e| e.with_op(Op::EventList))?;
        let full = logs.len() >= size as usize;
        let next = logs
            .last()
            .and_then(|l| l.id.clone())
            .filter(|_| full)
            .map(Cursor::new);
        Ok(Page::new(logs.iter().map(event).collect(), next))
    }

    /// Many VMs, `VM_BATCH` ids per `get-vms`; unknown ids are left out.
    pub(super) async fn vms_by_ids(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(VM_BATCH) {
            let ids: Vec<String> = chunk.iter().map(|i| i.as_str().to_owned()).collect();
            let vms: Vec<wire::Vm> = self.by_ids(ids, Op::VmGetBatch).await?;
            out.extend(vms.into_iter().map(convert::vm));
        }
        Ok(out)
    }

    pub(super) async fn update(&self, id: &VmId, update: &VmUpdate) -> Result<Submitted> {
        update.validate()?;
        let mut data = BasicInfo::new();
        if let Some(n) = &update.name {
            data = data.name(n.trim());
        }
        if let Some(d) = &update.description {
            data = data.description(d.clone());
        }
        if let Some(n) = update.vcpus {
            data = data.cpu(1, n);
        }
        if let Some(m) = update.memory_bytes {
            let m = i64::try_from(m).map_err(|_| {
                Error::invalid_input("memory does not fit in an i64")
                    .with_vendor(VENDOR)
                    .with_op(Op::VmUpdate)
            })?;
            data = data.memory_bytes(m);
        }
        // ELF applies a CPU or memory change to a running VM at its next power cycle; only
        // then is the VM's power state worth a read.
        let restart = if update.touches_hardware() {
            let vm: wire::Vm = self.get(id.as_str(), Op::VmUpdate).await?;
            vm.status == Some(VmStatus::Running)
        } else {
            false
        };
        let items = self
            .client
            .vm()
            .update_basic_info(&Self::by_id(id), &data)
            .await
            .map_err(|e| e.with_op(Op::VmUpdate))?;
        Ok(
            submitted_on_vm(Op::VmUpdate, items, id, ResourceRef::Vm(id.clone()))?
                .restart_required(restart),
        )
    }

    pub(super) async fn snapshots_of(&self, vm: &VmId) -> Result<Vec<Snapshot>> {
        let list = self
            .client
            .vm_snapshots()
            .list_where(VmSnapshotWhere::new().vm(Self::by_id(vm)))
            .await
            .map_err(|e| e.with_op(Op::SnapshotList))?;
        Ok(list.iter().map(|s| snapshot(vm, s)).collect())
    }

    pub(super) async fn snapshot_create(
        &self,
        vm: &VmId,
        spec: &SnapshotSpec,
    ) -> Result<Submitted> {
        spec.validate()?;
        if spec.description.is_some() {
            return Err(unsupported(
                Op::SnapshotCreate,
                "CloudTower snapshots take no description (create-vm-snapshot has vm_id, name and consistent_type only)",
            ));
        }
        if spec.include_memory {
            return Err(unsupported(
                Op::SnapshotCreate,
                "CloudTower snapshots never include guest memory (include_memory)",
            ));
        }
        // Crash-consistent: a file-system consistent one needs VMTools answering in the guest.
        let p = SnapshotCreate::new(vm.as_str(), spec.name.trim())
            .consistency(ConsistentType::CrashConsistent);
        let items: Vec<WithTask<wire::VmSnapshot>> = self
            .client
            .vm()
            .create_snapshot(&[p])
            .await
            .map_err(|e| e.with_op(Op::SnapshotCreate))?;
        let snap = items
            .first()
            .map(|w| SnapshotId::new(crate::convert::text(&w.data.id)))
            .ok_or_else(|| {
                Error::protocol("create-vm-snapshot answered no snapshot")
                    .with_vendor(VENDOR)
                    .with_op(Op::SnapshotCreate)
            })?;
        Ok(
            submitted_on_vm(Op::SnapshotCreate, items, vm, ResourceRef::Vm(vm.clone()))?
                .expect(Expect::SnapshotReady(snap)),
        )
    }

    pub(super) async fn snapshot_revert(&self, vm: &VmId, snap: &SnapshotId) -> Result<Submitted> {
        let items = self
            .client
            .vm()
            .rollback(&Self::by_id(vm), snap.as_str())
            .await
            .map_err(|e| e.with_op(Op::SnapshotRevert))?;
        submitted_on_vm(Op::SnapshotRevert, items, vm, ResourceRef::Vm(vm.clone()))
    }

    pub(super) async fn snapshot_delete(&self, vm: &VmId, snap: &SnapshotId) -> Result<Submitted> {
        let w = VmSnapshotWhere::new()
            .id()
            .eq(snap.as_str())
            .vm(Self::by_id(vm));
        let items = self
            .client
            .vm()
            .delete_snapshot(&w)
            .await
            .map_err(|e| e.with_op(Op::SnapshotDelete))?;
        submitted(
            Op::SnapshotDelete,
            items,
            &format!("snapshot {snap} of VM {vm}"),
            Some(ResourceRef::Vm(vm.clone())),
        )
    }

    pub(super) async fn clone(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        spec.validate()?;
        if spec.storage.is_some() {
            return Err(unsupported(
                Op::VmClone,
                "clone-vm keeps the source's storage policy; it takes no storage pool (CloneSpec::storage)",
            ));
        }
        let p = VmCloneParams {
            src_vm_id: Some(id.as_str().to_owned()),
            name: Some(spec.name.trim().to_owned()),
            cluster_id: spec.cluster.as_ref().map(|c| c.as_str().to_owned()),
            is_full_copy: Some(false),
            status: Some(crate::generated::types::VmStatus::Stopped),
            ..VmCloneParams::default()
        };
        let items = self
            .client
            .ops()
            .clone_vm(&[p])
            .await
            .map_err(|e| e.with_op(Op::VmClone))?;
        let first = items.into_iter().next().ok_or_else(|| {
            Error::not_found(format!("no VM with id {id} matched"))
                .with_vendor(VENDOR)
                .with_op(Op::VmClone)
        })?;
        let new_id = first
            .data
            .as_ref()
            .and_then(|v| v.id.clone())
            .ok_or_else(|| {
                Error::protocol("clone-vm answered no VM id")
                    .with_vendor(VENDOR)
                    .with_op(Op::VmClone)
            })?;
        let mut s = Submitted::done(Op::VmClone).target(ResourceRef::Vm(VmId::new(new_id)));
        if let Some(t) = first.task_id {
            s = s.task(t);
        }
        Ok(s.expect(Expect::VmState(vec![omnivirt_core::VmState::Stopped])))
    }

    pub(super) async fn maintenance(&self, id: &HostId, enter: bool) -> Result<Submitted> {
        let target = Some(EnterMaintenanceModeParamsWhere {
            host_id: Some(id.as_str().to_owned()),
        });
        let ops = self.client.ops();
        let (op, state, answer) = if enter {
            // No VM to shut down: the tower live-migrates every running VM to the host's peers.
            let body = EnterMaintenanceModeParams {
                data: Some(EnterMaintenanceModeInput {
                    shutdown_vms: Some(Vec::new()),
                }),
                r#where: target,
            };
            let op = Op::HostMaintenanceEnter;
            (
                op,
                HostState::Maintenance,
                ops.enter_maintance_mode(&body).await,
            )
        } else {
            let body = ExitMaintenanceModeParams {
                data: Some(ExitMaintenanceModeInput::default()),
                r#where: target,
            };
            let op = Op::HostMaintenanceExit;
            (op, HostState::Up, ops.exit_maintance_mode(&body).await)
        };
        let answer = answer.map_err(|e| e.with_op(op))?;
        let mut s = Submitted::done(op).target(ResourceRef::Host(id.clone()));
        if let Some(t) = answer.task_id {
            s = s.task(t);
        }
        Ok(s.expect(Expect::HostState(vec![state])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::EntityAsyncStatus;

    #[test]
    fn snapshot_state_table() {
        let vm = VmId::new("v1");
        let cases = [
            (None, SnapshotState::Ready),
            (Some("CREATING"), SnapshotState::Creating),
            (Some("UPDATING"), SnapshotState::Reverting),
            (Some("DELETING"), SnapshotState::Deleting),
            (Some("MELTING"), SnapshotState::Unknown),
        ];
        for (busy, want) in cases {
            let s = wire::VmSnapshot {
                id: Some("s1".into()),
                name: Some("n".into()),
                entity_async_status: busy.map(EntityAsyncStatus::from_wire),
                ..Default::default()
            };
            let n = snapshot(&vm, &s);
            assert_eq!(n.state, want, "{busy:?}");
            assert_eq!(n.includes_memory, Some(false));
        }
    }
}
