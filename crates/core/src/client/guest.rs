//! Day-two VM operations through the [`Client`]: reconfigure, clone, console, NICs, snapshots,
//! batched reads, and host maintenance.

use super::{Client, HostApi, VmApi};
use crate::change::{CloneSpec, VmUpdate};
use crate::error::Result;
use crate::guest::{Console, Nic, NicSpec, Snapshot, SnapshotSpec};
use crate::model::{Host, HostId, NicId, SnapshotId, Vm, VmId};
use crate::op::Op;
use crate::operation::Operation;

impl VmApi<'_> {
    /// Many VMs: one request when the backend declares [`Op::VmGetBatch`], one per id
    /// otherwise. Ids the server does not know are left out of the answer.
    pub async fn get_many(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        let c: &Client = self.c;
        if c.capabilities().supports(Op::VmGetBatch) {
            return c.call(Op::VmGetBatch, c.backend.get_vms(ids)).await;
        }
        c.call(Op::VmGet, async {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                match c.backend.get_vm(id).await {
                    Ok(vm) => out.push(vm),
                    Err(e) if e.kind() == crate::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(out)
        })
        .await
    }

    /// Changes name, description, CPUs or memory. When part of the change waits for the next
    /// power cycle, [`Submitted::restart_required`](crate::Submitted) on the operation says so.
    pub async fn update(&self, id: &VmId, update: &VmUpdate) -> Result<Operation<Vm>> {
        self.c.check(Op::VmUpdate)?;
        update.validate().map_err(|e| e.with_op(Op::VmUpdate))?;
        self.c
            .submit(Op::VmUpdate, self.c.backend.update_vm(id, update))
            .await
    }

    /// Copies the VM into a new one; wait on the result to get the copy.
    pub async fn clone_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Operation<Vm>> {
        self.c.check(Op::VmClone)?;
        spec.validate().map_err(|e| e.with_op(Op::VmClone))?;
        self.c
            .submit(Op::VmClone, self.c.backend.clone_vm(id, spec))
            .await
    }

    /// How to reach the VM's screen. The ticket, if any, is a [`Secret`](crate::Secret).
    pub async fn console(&self, id: &VmId) -> Result<Console> {
        self.c.call(Op::VmConsole, self.c.backend.console(id)).await
    }

    /// The VM's network interfaces.
    pub async fn nics(&self, id: &VmId) -> Result<Vec<Nic>> {
        self.c.call(Op::NicList, self.c.backend.list_nics(id)).await
    }

    /// Adds a network interface; wait on the result to get it.
    pub async fn add_nic(&self, id: &VmId, spec: &NicSpec) -> Result<Operation<Nic>> {
        self.c.check(Op::NicAdd)?;
        spec.validate().map_err(|e| e.with_op(Op::NicAdd))?;
        self.c
            .submit(Op::NicAdd, self.c.backend.add_nic(id, spec))
            .await
    }

    /// Removes a network interface.
    pub async fn remove_nic(&self, id: &VmId, nic: &NicId) -> Result<Operation<()>> {
        self.c
            .submit(Op::NicRemove, self.c.backend.remove_nic(id, nic))
            .await
    }

    /// The VM's snapshots.
    pub async fn snapshots(&self, id: &VmId) -> Result<Vec<Snapshot>> {
        self.c
            .call(Op::SnapshotList, self.c.backend.list_snapshots(id))
            .await
    }

    /// Takes a snapshot; wait on the result to get it once it is ready.
    pub async fn create_snapshot(
        &self,
        id: &VmId,
        spec: &SnapshotSpec,
    ) -> Result<Operation<Snapshot>> {
        self.c.check(Op::SnapshotCreate)?;
        spec.validate().map_err(|e| e.with_op(Op::SnapshotCreate))?;
        self.c
            .submit(Op::SnapshotCreate, self.c.backend.create_snapshot(id, spec))
            .await
    }

    /// Reverts the VM to a snapshot; wait on the result to get the VM afterwards.
    pub async fn revert_snapshot(&self, id: &VmId, snap: &SnapshotId) -> Result<Operation<Vm>> {
        self.c
            .submit(Op::SnapshotRevert, self.c.backend.revert_snapshot(id, snap))
            .await
    }

    /// Deletes a snapshot.
    pub async fn delete_snapshot(&self, id: &VmId, snap: &SnapshotId) -> Result<Operation<()>> {
        self.c
            .submit(Op::SnapshotDelete, self.c.backend.delete_snapshot(id, snap))
            .await
    }
}

impl HostApi<'_> {
    /// Puts the host into maintenance (its VMs migrate away first, where the vendor does that);
    /// wait on the result to get the host once it is in maintenance.
    pub async fn enter_maintenance(&self, id: &HostId) -> Result<Operation<Host>> {
        self.c
            .submit(
                Op::HostMaintenanceEnter,
                self.c.backend.host_maintenance(id, true),
            )
            .await
    }

    /// Brings the host back from maintenance.
    pub async fn exit_maintenance(&self, id: &HostId) -> Result<Operation<Host>> {
        self.c
            .submit(
                Op::HostMaintenanceExit,
                self.c.backend.host_maintenance(id, false),
            )
            .await
    }
}
