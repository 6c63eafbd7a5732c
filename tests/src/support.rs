//! What the cases share: waiting, listing, creating a VM, and the two small helpers that turn a
//! condition or an error into a failure.

use std::fmt::Display;
use std::time::Duration;

use futures::TryStreamExt;
use omnivirt_core::{
    ClusterId, Disk, ErrorKind, FromTarget, ListQuery, Op, Operation, Vm, VmId, VmSpec, WaitOptions,
};

use crate::{Stop, Target};

/// `Err(msg())` unless `cond` holds.
pub(crate) fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(msg()) }
}

/// Prefixes an error with what was being done: `res.map_err(at("create"))?`.
pub(crate) fn at<E: Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

pub(crate) fn opts() -> WaitOptions {
    WaitOptions::new()
        .timeout(Duration::from_secs(60))
        .interval(Duration::from_millis(5), Duration::from_millis(50))
}

/// Waits for a submitted operation with the suite's options.
pub(crate) async fn wait<T: FromTarget>(
    op: omnivirt_core::Result<Operation<T>>,
    what: &str,
) -> Result<T, String> {
    let op = op.map_err(|e| format!("{what} (submit): {e}"))?;
    op.with_options(opts())
        .wait()
        .await
        .map_err(|e| format!("{what} (wait): {e}"))
}

/// Skips the case unless the backend declares every op in `ops`.
pub(crate) fn needs(t: &Target, ops: &[Op]) -> Result<(), Stop> {
    let missing: Vec<&str> = ops
        .iter()
        .filter(|o| !t.client.capabilities().supports(**o))
        .map(|o| o.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Stop::Skip(format!("backend lacks {}", missing.join(", "))))
    }
}

pub(crate) async fn first_cluster(t: &Target) -> Result<ClusterId, String> {
    let clusters: Vec<_> = t
        .client
        .clusters()
        .list(ListQuery::new().limit(1))
        .try_collect()
        .await
        .map_err(at("cluster list"))?;
    clusters
        .into_iter()
        .next()
        .map(|c| c.id)
        .ok_or_else(|| "the backend has no cluster".to_owned())
}

pub(crate) async fn vms_in(t: &Target, q: ListQuery) -> Result<Vec<Vm>, String> {
    t.client
        .vms()
        .list(q)
        .try_collect()
        .await
        .map_err(at("vm list"))
}

pub(crate) async fn vm_disks(t: &Target, vm: &VmId) -> Result<Vec<Disk>, String> {
    t.client
        .disks()
        .list(ListQuery::new().vm(vm.clone()))
        .try_collect()
        .await
        .map_err(at("disk list"))
}

/// vCPUs and memory of the VMs [`new_vm`] creates.
pub(crate) const NEW_VM_VCPUS: u32 = 2;
pub(crate) const NEW_VM_MEMORY: u64 = 2 << 30;

pub(crate) fn new_vm_spec(cluster: ClusterId, name: &str) -> VmSpec {
    VmSpec::new(name, cluster)
        .vcpus(NEW_VM_VCPUS)
        .memory_bytes(NEW_VM_MEMORY)
}

pub(crate) async fn new_vm(t: &Target, name: &str) -> Result<Vm, String> {
    let cluster = first_cluster(t).await?;
    wait(
        t.client.vms().create(&new_vm_spec(cluster, name)).await,
        "vm create",
    )
    .await
}

/// The VM is gone after a delete: `NotFound`.
pub(crate) async fn gone(t: &Target, id: &VmId) -> Result<(), String> {
    match t.client.vms().get(id).await {
        Err(e) if e.kind() == ErrorKind::NotFound => ensure(e.op() == Some(Op::VmGet), || {
            format!("the not_found names op {:?}, not vm.get", e.op())
        }),
        Err(e) => Err(format!("get after delete gave {e}, not not_found")),
        Ok(vm) => Err(format!("VM still there after delete: {:?}", vm.state)),
    }
}
