//! Waiting on hosts, snapshots and NICs: the results and the converge probes for them.

use async_trait::async_trait;

use super::{Finished, FromTarget, Observed, missing_target};
use crate::backend::{Backend, Submitted};
use crate::error::{Error, ErrorKind, Result};
use crate::guest::{Nic, Snapshot};
use crate::model::{Host, HostId, HostState, ResourceRef, SnapshotId, SnapshotState, VmId};
use crate::wait::Probe;

#[async_trait]
impl FromTarget for Host {
    async fn from_target(backend: &dyn Backend, s: &Submitted, f: Finished) -> Result<Self> {
        match (f.observed, f.target) {
            (Some(Observed::Host(h)), _) => Ok(h),
            (_, Some(ResourceRef::Host(id))) => backend.get_host(&id).await,
            _ => Err(missing_target(backend, s, "host")),
        }
    }
}

/// The VM a snapshot or NIC operation acted on, and the id of the object it made, from the
/// submission's target, its expectation or its task.
fn vm_of(s: &Submitted, f: &Finished) -> Option<VmId> {
    match (&s.target, &f.target) {
        (Some(ResourceRef::Vm(v)), _) | (_, Some(ResourceRef::Vm(v))) => Some(v.clone()),
        _ => None,
    }
}

#[async_trait]
impl FromTarget for Snapshot {
    async fn from_target(backend: &dyn Backend, s: &Submitted, f: Finished) -> Result<Self> {
        if let Some(Observed::Snapshot(snap)) = f.observed {
            return Ok(snap);
        }
        let from_task = f.task.as_ref().and_then(|t| match &t.target {
            Some(ResourceRef::Snapshot(id)) => Some(id.clone()),
            _ => None,
        });
        let from_expect = match &s.expect {
            Some(crate::Expect::SnapshotReady(id)) => Some(id.clone()),
            _ => None,
        };
        let (Some(vm), Some(id)) = (vm_of(s, &f), from_expect.or(from_task)) else {
            return Err(missing_target(backend, s, "snapshot"));
        };
        find_snapshot(backend, &vm, &id)
            .await?
            .ok_or_else(|| Error::not_found(format!("snapshot {id} of VM {vm} not found")))
    }
}

#[async_trait]
impl FromTarget for Nic {
    async fn from_target(backend: &dyn Backend, s: &Submitted, f: Finished) -> Result<Self> {
        let from_expect = match &s.expect {
            Some(crate::Expect::NicPresent(id)) => Some(id.clone()),
            _ => None,
        };
        let id = [
            f.task.as_ref().and_then(|t| t.target.as_ref()),
            s.target.as_ref(),
        ]
        .into_iter()
        .flatten()
        .find_map(|r| match r {
            ResourceRef::Nic(id) => Some(id.clone()),
            _ => None,
        })
        .or(from_expect);
        let Some(vm) = vm_of(s, &f) else {
            return Err(missing_target(backend, s, "VM"));
        };
        let Some(id) = id else {
            return Err(missing_target(backend, s, "NIC"));
        };
        backend
            .list_nics(&vm)
            .await?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or_else(|| Error::not_found(format!("NIC {id} of VM {vm} not found")))
    }
}

async fn find_snapshot(
    backend: &dyn Backend,
    vm: &VmId,
    id: &SnapshotId,
) -> Result<Option<Snapshot>> {
    Ok(backend
        .list_snapshots(vm)
        .await?
        .into_iter()
        .find(|s| &s.id == id))
}

/// One poll for a NIC being plugged in.
pub(super) async fn probe_nic(
    backend: &dyn Backend,
    vm: &VmId,
    id: &crate::model::NicId,
) -> Result<Probe<Option<Observed>>> {
    if backend.list_nics(vm).await?.iter().any(|n| &n.id == id) {
        Ok(Probe::Ready(None))
    } else {
        Ok(Probe::pending(format!("NIC {id} not on VM {vm} yet")))
    }
}

/// One poll for a host state.
pub(super) async fn probe_host(
    backend: &dyn Backend,
    id: &HostId,
    states: &[HostState],
) -> Result<Probe<Option<Observed>>> {
    let host = backend.get_host(id).await?;
    if states.contains(&host.state) {
        Ok(Probe::Ready(Some(Observed::Host(host))))
    } else if host.state == HostState::Error {
        Err(Error::new(
            ErrorKind::InvalidState,
            format!("host {id} entered an error state while waiting"),
        ))
    } else {
        let raw = host.raw_state.as_deref().unwrap_or("");
        Ok(Probe::pending(format!("host {} {raw}", host.state)))
    }
}

/// One poll for a snapshot being ready (`gone == false`) or gone.
pub(super) async fn probe_snapshot(
    backend: &dyn Backend,
    vm: &VmId,
    id: &SnapshotId,
    gone: bool,
) -> Result<Probe<Option<Observed>>> {
    let found = find_snapshot(backend, vm, id).await?;
    match (found, gone) {
        (None, true) => Ok(Probe::Ready(None)),
        (None, false) => Err(Error::not_found(format!(
            "snapshot {id} of VM {vm} disappeared while waiting for it"
        ))),
        (Some(s), _) if s.state == SnapshotState::Error => Err(Error::new(
            ErrorKind::InvalidState,
            format!("snapshot {id} of VM {vm} entered an error state"),
        )),
        (Some(s), false) if s.state == SnapshotState::Ready => {
            Ok(Probe::Ready(Some(Observed::Snapshot(s))))
        }
        (Some(s), _) => Ok(Probe::pending(format!("snapshot {}", s.state))),
    }
}
