//! Day-two operations over the native services: batched VM reads, reconfigure, snapshots,
//! clone, host maintenance (events and the console are in `activity`).
//!
//! Many VMs are read with one search, `GET /vms?search=id=A or id=B ...&max=N`, in chunks of
//! [`VM_BATCH`] ids so the query stays well under the request-line limits of the engine's
//! front end (an id is a 36-character UUID; 100 of them encode to about 5 kB).
//!
//! Every change is tagged with a correlation id and its engine job is followed, like the VM
//! actions: the engine keeps the VM (or host) locked until the job ends, so a wait that ends
//! with the job leaves the object free for the next command (a revert right after a resize
//! would otherwise meet "Related operation is currently in progress").

use omnivirt_core::{
    CloneSpec, Error, Expect, HostId, HostState, Op, ResourceRef, Result, Snapshot, SnapshotId,
    SnapshotSpec, Submitted, Vm, VmId, VmState, VmUpdate,
};

use super::{OvirtBackend, convert_kept, new_without_id, with_job, wrap};
use crate::convert;
use crate::error::VENDOR;
use crate::generated::types as g;
use crate::native::typed::Query;
use crate::native::types as t;

/// Ids per batched read: the default page size of the VM listing.
pub(super) const VM_BATCH: usize = 100;

/// True for text that can be an engine id: an id with anything else cannot exist, and must
/// not reach the search, where a space or `or` would change its meaning.
fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `id=A or id=B ...` for one chunk.
fn ids_search(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("id={id}"))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl OvirtBackend {
    pub(super) async fn vms_by_id(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        let mut wanted: Vec<&str> = ids
            .iter()
            .map(VmId::as_str)
            .filter(|i| plausible_id(i))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut out = Vec::with_capacity(wanted.len());
        for chunk in wanted.chunks(VM_BATCH) {
            let raw = self
                .conn
                .system()
                .vms()
                .list()
                .search(ids_search(chunk))
                .follow(super::VM_FOLLOW)
                .max(u32::try_from(chunk.len()).unwrap_or(u32::MAX))
                .send()
                .await
                .map_err(wrap(Op::VmGetBatch))?;
            out.extend(convert_kept(raw, convert::vm, |vm| {
                chunk.contains(&vm.id.as_str())
            })?);
        }
        Ok(out)
    }

    /// `PUT /vms/{id}` with the changed attributes. CPUs and memory of a VM that is not down
    /// are staged with `next_run=true` (the engine applies them at the next power cycle).
    pub(super) async fn reconfigure(&self, id: &VmId, u: &VmUpdate) -> Result<Submitted> {
        u.validate()
            .map_err(|e| e.with_vendor(VENDOR).with_op(Op::VmUpdate))?;
        let memory = match u.memory_bytes {
            Some(m) => Some(i64::try_from(m).map_err(|_| {
                Error::invalid_input("memory is too large for oVirt")
                    .with_vendor(VENDOR)
                    .with_op(Op::VmUpdate)
            })?),
            None => None,
        };
        let svc = self.conn.system().vms().vm(id.as_str());
        let mut restart = false;
        if u.touches_hardware() {
            let now = svc.get().send().await.map_err(wrap(Op::VmUpdate))?;
            restart = !matches!(now.status, None | Some(t::VmStatus::Down));
        }
        let change = t::Vm {
            name: u.name.clone(),
            description: u.description.clone(),
            memory,
            cpu: u.vcpus.map(cpu_of),
            ..t::Vm::default()
        };
        let corr = self.next_correlation("update", id.as_str());
        let mut req = svc.update(change);
        if restart {
            req = req.next_run(true);
        }
        if let Some(c) = &corr {
            req = req.query("correlation_id", c.clone());
        }
        req.send().await.map_err(wrap(Op::VmUpdate))?;
        let job = self.job_of(None, corr.as_deref()).await;
        Ok(with_job(Submitted::done(Op::VmUpdate), job)
            .target(ResourceRef::Vm(id.clone()))
            .restart_required(restart))
    }

    pub(super) async fn snapshots_of(&self, vm: &VmId) -> Result<Vec<Snapshot>> {
        let raw = self
            .conn
            .ops()
            .vms_vm_snapshots_list(vm.as_str(), &Query::new())
            .await
            .map_err(wrap(Op::SnapshotList))?;
        // The `active` snapshot is the VM's running configuration, not a point to go back to.
        let taken: Vec<g::Snapshot> = raw
            .into_iter()
            .filter(|s| s.snapshot_type != Some(g::SnapshotType::Active))
            .collect();
        convert_kept(&taken, |s| convert::snapshot(s, vm), |_| true)
    }

    /// `POST /vms/{id}/snapshots`. An engine snapshot has one text, its `description`, which
    /// carries the neutral name: a separate description is refused before any request.
    pub(super) async fn take_snapshot(&self, vm: &VmId, spec: &SnapshotSpec) -> Result<Submitted> {
        spec.validate()
            .map_err(|e| e.with_vendor(VENDOR).with_op(Op::SnapshotCreate))?;
        if spec.description.is_some() {
            return Err(unsupported_field(
                Op::SnapshotCreate,
                "description: an oVirt snapshot has one text, its description, which holds the name",
            ));
        }
        let snap = g::Snapshot {
            description: Some(spec.name.clone()),
            persist_memorystate: Some(spec.include_memory),
            ..g::Snapshot::default()
        };
        let corr = self.next_correlation("snapshot", vm.as_str());
        let mut query = Query::new();
        if let Some(c) = &corr {
            query = query.set("correlation_id", c);
        }
        let created = self
            .conn
            .ops()
            .vms_vm_snapshots_add(vm.as_str(), &snap, &query)
            .await
            .map_err(wrap(Op::SnapshotCreate))?;
        let sid = created.id.ok_or_else(|| new_without_id("snapshot"))?;
        let job = self.job_of(None, corr.as_deref()).await;
        Ok(with_job(Submitted::done(Op::SnapshotCreate), job)
            .target(ResourceRef::Vm(vm.clone()))
            .expect(Expect::SnapshotReady(SnapshotId::new(sid))))
    }

    /// `POST /vms/{vm}/snapshots/{id}/restore`: the VM (down) goes back to the snapshot.
    pub(super) async fn restore_snapshot(&self, vm: &VmId, snap: &SnapshotId) -> Result<Submitted> {
        let mut req = self
            .conn
            .system()
            .vms()
            .vm(vm.as_str())
            .snapshots()
            .item(snap.as_str())
            .action("restore");
        let corr = self.next_correlation("restore", vm.as_str());
        if let Some(c) = &corr {
            req = req.correlation_id(c.clone());
        }
        let answer = req
            .send()
            .await
            .map_err(|e| wrap(Op::SnapshotRevert)(not_found_as_snapshot(e, vm, snap)))?;
        let from_answer = answer.job_id().map(str::to_owned);
        let job = self.job_of(from_answer, corr.as_deref()).await;
        Ok(with_job(Submitted::done(Op::SnapshotRevert), job)
            .target(ResourceRef::Vm(vm.clone()))
            .expect(Expect::VmState(vec![VmState::Stopped])))
    }

    /// `DELETE /vms/{vm}/snapshots/{id}`; done when it is no longer listed.
    pub(super) async fn remove_snapshot(&self, vm: &VmId, snap: &SnapshotId) -> Result<Submitted> {
        let mut req = self
            .conn
            .system()
            .vms()
            .vm(vm.as_str())
            .snapshots()
            .item(snap.as_str())
            .remove();
        let corr = self.next_correlation("unsnap", vm.as_str());
        if let Some(c) = &corr {
            req = req.correlation_id(c.clone());
        }
        req.send()
            .await
            .map_err(|e| wrap(Op::SnapshotDelete)(not_found_as_snapshot(e, vm, snap)))?;
        let job = self.job_of(None, corr.as_deref()).await;
        Ok(with_job(Submitted::done(Op::SnapshotDelete), job)
            .target(ResourceRef::Vm(vm.clone()))
            .expect(Expect::SnapshotGone(snap.clone())))
    }

    /// `POST /vms/{id}/clone` with `<vm><name>`; the copy lands in the source's cluster (the
    /// action takes no cluster), its disks on `storage_domain` when given.
    pub(super) async fn copy_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        spec.validate()
            .map_err(|e| e.with_vendor(VENDOR).with_op(Op::VmClone))?;
        if spec.cluster.is_some() {
            return Err(unsupported_field(
                Op::VmClone,
                "cluster: the oVirt clone action copies a VM into its own cluster",
            ));
        }
        let svc = self.conn.system().vms().vm(id.as_str());
        let mut req = svc.action("clone").vm(t::Vm {
            name: Some(spec.name.clone()),
            ..t::Vm::default()
        });
        if let Some(sd) = &spec.storage {
            req = req.storage_domain(sd.as_str());
        }
        let corr = self.next_correlation("clone", id.as_str());
        if let Some(c) = &corr {
            req = req.correlation_id(c.clone());
        }
        let answer = req.send().await.map_err(wrap(Op::VmClone))?;
        let from_answer = answer.job_id().map(str::to_owned);
        let new_id = match answer.vm.as_ref().and_then(|v| v.id().map(str::to_owned)) {
            Some(v) => v,
            None => self.vm_id_by_name(&spec.name).await?,
        };
        let job = self.job_of(from_answer, corr.as_deref()).await;
        Ok(with_job(Submitted::done(Op::VmClone), job)
            .target(convert::vm_ref(&new_id))
            .expect(Expect::VmState(vec![VmState::Stopped])))
    }

    /// The id of the VM named exactly `name` (the clone action's answer need not name it).
    async fn vm_id_by_name(&self, name: &str) -> Result<String> {
        let found = self
            .conn
            .system()
            .vms()
            .list()
            .search(format!("name={}", super::search_value(name)))
            .send()
            .await
            .map_err(wrap(Op::VmClone))?;
        found
            .into_iter()
            .find(|v| v.name.as_deref() == Some(name))
            .and_then(|v| v.id)
            .ok_or_else(|| {
                Error::protocol(format!(
                    "the engine cloned the VM but lists no VM named {name}"
                ))
                .with_vendor(VENDOR)
                .with_op(Op::VmClone)
            })
    }

    /// `POST /hosts/{id}/deactivate` (maintenance; the engine migrates the VMs away first) or
    /// `activate`, following the job, then converging on `maintenance` / `up`.
    pub(super) async fn maintenance(&self, id: &HostId, enter: bool) -> Result<Submitted> {
        let (op, verb, state) = if enter {
            (
                Op::HostMaintenanceEnter,
                "deactivate",
                HostState::Maintenance,
            )
        } else {
            (Op::HostMaintenanceExit, "activate", HostState::Up)
        };
        let svc = self.conn.system().hosts().host(id.as_str());
        let mut req = if enter {
            svc.deactivate()
        } else {
            svc.activate()
        };
        let corr = self.next_correlation(verb, id.as_str());
        if let Some(c) = &corr {
            req = req.correlation_id(c.clone());
        }
        let answer = req.send().await.map_err(wrap(op))?;
        let from_answer = answer.job_id().map(str::to_owned);
        let job = self.job_of(from_answer, corr.as_deref()).await;
        Ok(with_job(Submitted::done(op), job)
            .target(ResourceRef::Host(id.clone()))
            .expect(Expect::HostState(vec![state])))
    }
}

/// `Unsupported` for one field of `op`, in one line naming it.
fn unsupported_field(op: Op, why: &str) -> Error {
    Error::new(
        omnivirt_core::ErrorKind::Unsupported,
        format!("{op} on oVirt cannot set {why}"),
    )
    .with_vendor(VENDOR)
    .with_op(op)
}

/// A 404 on a snapshot path names the snapshot, not the VM.
fn not_found_as_snapshot(e: Error, vm: &VmId, snap: &SnapshotId) -> Error {
    if e.kind() == omnivirt_core::ErrorKind::NotFound {
        Error::not_found(format!("snapshot {snap} of VM {vm} not found"))
    } else {
        e
    }
}

/// A CPU of `vcpus` sockets of one core and one thread: what a VM's vCPU count becomes.
pub(super) fn cpu_of(vcpus: u32) -> Box<t::Cpu> {
    Box::new(t::Cpu {
        topology: Some(Box::new(t::CpuTopology {
            sockets: Some(i64::from(vcpus)),
            cores: Some(1),
            threads: Some(1),
            ..t::CpuTopology::default()
        })),
        ..t::Cpu::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_of_ids_joins_them_with_or() {
        assert_eq!(ids_search(&["a-1", "b-2"]), "id=a-1 or id=b-2");
        assert_eq!(ids_search(&["a"]), "id=a");
    }

    #[test]
    fn only_plausible_ids_reach_the_search() {
        assert!(plausible_id("5a7b6c1e-0000-4000-8000-000000000001"));
        assert!(!plausible_id("x or name=*"));
        assert!(!plausible_id(""));
    }
}
