//! The disk case.

use omnivirt_core::{DiskId, DiskSpec, ErrorKind, Op};

use crate::declared::ATTACHED_DISK_SILENT;
use crate::support::{at, ensure, first_cluster, needs, new_vm, opts, vm_disks, wait};
use crate::{CaseResult, Target};

/// Create a disk, attach it, see it on the VM, detach, delete, gone.
pub async fn disk_lifecycle(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::DiskCreate,
            Op::DiskAttach,
            Op::DiskDetach,
            Op::DiskDelete,
            Op::DiskList,
            Op::DiskGet,
        ],
    )?;
    let vm = new_vm(t, "conf-disk-vm").await.map_err(at("create vm"))?;
    let cluster = first_cluster(t).await.map_err(at("cluster"))?;
    let mut spec = DiskSpec::new("conf-disk", 1 << 30).cluster(cluster);
    if let Some(s) = &t.disk_storage {
        spec = spec.storage(s.clone());
    }
    let disk = wait(t.client.disks().create(&spec).await, "disk create").await?;
    ensure(disk.size_bytes == Some(1 << 30), || {
        format!("disk size {:?}", disk.size_bytes)
    })?;
    let before = vm_disks(t, &vm.id).await.map_err(at("disk list --vm"))?;
    let attached = wait(t.client.disks().attach(&disk.id, &vm.id).await, "attach").await?;
    // Every vendor must say which VM uses a disk when listing the VM's disks; the disk itself
    // must say it too, unless the target declares otherwise.
    let silent_ok = attached.vm_id.is_none() && t.deviates(ATTACHED_DISK_SILENT);
    ensure(silent_ok || attached.vm_id.as_ref() == Some(&vm.id), || {
        format!("attached to {:?}, not {}", attached.vm_id, vm.id)
    })?;
    let on_vm = vm_disks(t, &vm.id).await.map_err(at("disk list --vm"))?;
    let listed = on_vm.iter().find(|d| d.id == disk.id);
    ensure(listed.is_some(), || {
        "the VM's disks do not include the new disk".into()
    })?;
    let mut want: Vec<&str> = before.iter().map(|d| d.id.as_str()).collect();
    want.push(disk.id.as_str());
    want.sort_unstable();
    let mut have: Vec<&str> = on_vm.iter().map(|d| d.id.as_str()).collect();
    have.sort_unstable();
    ensure(have == want, || {
        format!("after attach the VM's disks are {have:?}, expected {want:?}")
    })?;
    ensure(
        listed.and_then(|d| d.vm_id.as_ref()) == Some(&vm.id),
        || {
            format!(
                "the VM's disk listing does not name the VM: {:?}",
                listed.map(|d| &d.vm_id)
            )
        },
    )?;
    // Refused (InvalidState, or InvalidInput from a vendor whose refusal is a plain "bad
    // request"), at once or by the task; either way the disk stays.
    let outcome = match t.client.disks().delete(&disk.id).await {
        Err(e) => Err(e),
        Ok(op) => op.with_options(opts()).wait().await,
    };
    let refused = matches!(&outcome, Err(e) if matches!(
        e.kind(),
        ErrorKind::InvalidState | ErrorKind::InvalidInput
    ));
    ensure(refused, || {
        format!("deleting an attached disk was not refused: {outcome:?}")
    })?;
    let on_vm = vm_disks(t, &vm.id)
        .await
        .map_err(at("disk list --vm after refused delete"))?;
    ensure(on_vm.iter().any(|d| d.id == disk.id), || {
        "the refused delete detached or removed the disk".into()
    })?;
    let detached = wait(t.client.disks().detach(&disk.id, &vm.id).await, "detach").await?;
    ensure(detached.vm_id.is_none(), || {
        format!("still attached to {:?}", detached.vm_id)
    })?;
    let on_vm = vm_disks(t, &vm.id)
        .await
        .map_err(at("disk list --vm after detach"))?;
    ensure(!on_vm.iter().any(|d| d.id == disk.id), || {
        "the VM still lists the detached disk".into()
    })?;
    wait(t.client.disks().delete(&disk.id).await, "delete").await?;
    match t.client.disks().get(&DiskId::new(disk.id.as_str())).await {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        other => Err(format!("disk get after delete: {other:?}").into()),
    }
}
