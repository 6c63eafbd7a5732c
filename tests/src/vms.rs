//! VM cases: lifecycle, power actions, migration, hosts, errors, and waiting on many.

use futures::TryStreamExt;
use omnivirt_core::{ErrorKind, ListQuery, Op, TaskState, VmId, VmState};

use crate::support::{
    NEW_VM_MEMORY, NEW_VM_VCPUS, at, ensure, gone, needs, new_vm, opts, vms_in, wait,
};
use crate::{CaseResult, Stop, Target};

/// Create, start, wait running, stop, delete, gone.
pub async fn vm_lifecycle(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::VmCreate,
            Op::VmStart,
            Op::VmStop,
            Op::VmDelete,
            Op::VmGet,
            Op::ClusterList,
        ],
    )?;
    let vm = new_vm(t, "conf-lifecycle").await.map_err(at("create"))?;
    ensure(vm.name == "conf-lifecycle", || {
        format!("created VM is named {}", vm.name)
    })?;
    ensure(vm.state == VmState::Stopped, || {
        format!("new VM is {:?}, not stopped", vm.state)
    })?;
    ensure(vm.vcpus == Some(NEW_VM_VCPUS), || {
        format!("new VM has {:?} vCPUs, asked for {NEW_VM_VCPUS}", vm.vcpus)
    })?;
    ensure(vm.memory_bytes == Some(NEW_VM_MEMORY), || {
        format!(
            "new VM has {:?} bytes of memory, asked for {NEW_VM_MEMORY}",
            vm.memory_bytes
        )
    })?;
    let vm = wait(t.client.vms().start(&vm.id).await, "start").await?;
    ensure(vm.state == VmState::Running, || {
        format!("after start: {:?}", vm.state)
    })?;
    ensure(vm.host_id.is_some(), || "a running VM has a host".into())?;
    let vm = wait(t.client.vms().stop(&vm.id).await, "stop").await?;
    ensure(vm.state == VmState::Stopped, || {
        format!("after stop: {:?}", vm.state)
    })?;
    wait(t.client.vms().delete(&vm.id).await, "delete").await?;
    gone(t, &vm.id).await.map_err(at("gone"))?;
    Ok(())
}

/// Start, reboot, suspend, resume, force stop, each waited for.
pub async fn power_cycle(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::VmCreate,
            Op::VmStart,
            Op::VmReboot,
            Op::VmSuspend,
            Op::VmResume,
            Op::VmForceStop,
            Op::ClusterList,
        ],
    )?;
    let vm = new_vm(t, "conf-power").await.map_err(at("create"))?;
    let steps: [(&str, VmState); 5] = [
        ("start", VmState::Running),
        ("reboot", VmState::Running),
        ("suspend", VmState::Suspended),
        ("resume", VmState::Running),
        ("force_stop", VmState::Stopped),
    ];
    for (step, want) in steps {
        let api = t.client.vms();
        let op = match step {
            "start" => api.start(&vm.id).await,
            "reboot" => api.reboot(&vm.id).await,
            "suspend" => api.suspend(&vm.id).await,
            "resume" => api.resume(&vm.id).await,
            _ => api.force_stop(&vm.id).await,
        };
        let got = wait(op, step).await?;
        ensure(got.state == want, || {
            format!("after {step}: {:?}, wanted {want:?}", got.state)
        })?;
    }
    Ok(())
}

/// Migrating a VM to the host it runs on is refused as invalid input; migrating it to a host
/// the scheduler picks moves it and leaves it running.
pub async fn migrate(t: &Target) -> CaseResult {
    needs(
        t,
        &[Op::VmCreate, Op::VmStart, Op::VmMigrate, Op::ClusterList],
    )?;
    let vm = new_vm(t, "conf-migrate").await.map_err(at("create"))?;
    let vm = wait(t.client.vms().start(&vm.id).await, "start").await?;
    let Some(here) = vm.host_id.clone() else {
        return Err("a running VM has no host".to_owned().into());
    };
    let same = match t.client.vms().migrate(&vm.id, Some(&here)).await {
        Err(e) => Err(e),
        Ok(op) => op.with_options(opts()).wait().await,
    };
    ensure(
        matches!(&same, Err(e) if e.kind() == ErrorKind::InvalidInput),
        || format!("migrating a VM to its own host was not refused as invalid_input: {same:?}"),
    )?;
    let moved = wait(t.client.vms().migrate(&vm.id, None).await, "migrate").await?;
    ensure(moved.state == VmState::Running, || {
        format!("after migrate: {:?}", moved.state)
    })?;
    ensure(
        moved.host_id.is_some() && moved.host_id.as_ref() != Some(&here),
        || {
            format!(
                "after migrate the VM is on {:?}, it was on {here}",
                moved.host_id
            )
        },
    )?;
    Ok(())
}

/// Hosts filtered by cluster are that cluster's, and a host read by id has an address.
pub async fn hosts_in_cluster(t: &Target) -> CaseResult {
    needs(t, &[Op::HostList, Op::HostGet, Op::ClusterList])?;
    let cluster = crate::support::first_cluster(t).await?;
    let hosts: Vec<_> = t
        .client
        .hosts()
        .list(ListQuery::new().cluster(cluster.clone()))
        .try_collect()
        .await
        .map_err(at("host list"))?;
    ensure(!hosts.is_empty(), || {
        format!("cluster {cluster} lists no host")
    })?;
    let strays: Vec<&str> = hosts
        .iter()
        .filter(|h| h.cluster_id.as_ref() != Some(&cluster))
        .map(|h| h.id.as_str())
        .collect();
    ensure(strays.is_empty(), || {
        format!("hosts outside cluster {cluster}: {strays:?}")
    })?;
    let h = t
        .client
        .hosts()
        .get(&hosts[0].id)
        .await
        .map_err(at("host get"))?;
    ensure(h.id == hosts[0].id, || {
        format!("asked for host {}, got {}", hosts[0].id, h.id)
    })?;
    ensure(h.address.is_some(), || {
        format!("host {} has no address", h.id)
    })?;
    Ok(())
}

/// A missing VM is `NotFound`.
pub async fn not_found(t: &Target) -> CaseResult {
    needs(t, &[Op::VmGet])?;
    match t
        .client
        .vms()
        .get(&VmId::new("00000000-0000-4000-8000-00000000dead"))
        .await
    {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("wanted not_found, got {e}").into()),
        Ok(vm) => Err(format!("got a VM: {}", vm.id).into()),
    }
}

/// A failing task surfaces as `TaskFailed` with the vendor's message, and the task itself, read
/// again, is failed.
pub async fn task_failure(t: &Target) -> CaseResult {
    if t.world.is_none() && !t.faults_recorded {
        return Err(Stop::Skip(
            "no simulator world to inject a failure into".into(),
        ));
    }
    needs(t, &[Op::VmCreate, Op::VmStart, Op::ClusterList])?;
    let vm = new_vm(t, "conf-task-fail").await.map_err(at("create"))?;
    if let Some(world) = &t.world {
        world
            .faults()
            .fail_next_task("SIM_HOST_OOM", "host has not enough free memory");
    }
    let op = t.client.vms().start(&vm.id).await.map_err(at("start"))?;
    let task = op.submitted().task.clone();
    let Err(e) = op.with_options(opts()).wait().await else {
        return Err("start succeeded despite the injected failure"
            .to_owned()
            .into());
    };
    let msg = e.to_string();
    ensure(e.kind() == ErrorKind::TaskFailed, || {
        format!("wanted task_failed, got: {msg}")
    })?;
    ensure(msg.contains("host has not enough free memory"), || {
        format!("the vendor message is missing: {msg}")
    })?;
    if let Some(id) = task
        && t.client.capabilities().supports(Op::TaskGet)
    {
        let task = t.client.tasks().get(&id).await.map_err(at("task get"))?;
        ensure(task.state == TaskState::Failed, || {
            format!("the failed task {id} reads as {:?}", task.state)
        })?;
    }
    Ok(())
}

/// Starting a running VM is refused with `InvalidState`.
pub async fn invalid_state(t: &Target) -> CaseResult {
    needs(t, &[Op::VmList, Op::VmStart])?;
    let running = vms_in(t, ListQuery::new().vm_state(VmState::Running).limit(1))
        .await
        .map_err(at("list running"))?;
    let Some(vm) = running.first() else {
        return Err("inventory has no running VM".to_owned().into());
    };
    let res = match t.client.vms().start(&vm.id).await {
        Err(e) => Err(e),
        Ok(op) => op.with_options(opts()).wait().await.map(|_| ()),
    };
    match res {
        Err(e) if e.kind() == ErrorKind::InvalidState => Ok(()),
        Err(e) => Err(format!("wanted invalid_state, got {e}").into()),
        Ok(()) => Err("starting a running VM succeeded".to_owned().into()),
    }
}

/// `wait_all` over 100 VM starts.
pub async fn wait_all_100(t: &Target) -> CaseResult {
    needs(t, &[Op::VmList, Op::VmStart])?;
    let stopped = vms_in(t, ListQuery::new().vm_state(VmState::Stopped).limit(100))
        .await
        .map_err(at("list stopped"))?;
    ensure(stopped.len() == 100, || {
        format!("need 100 stopped VMs, inventory has {}", stopped.len())
    })?;
    let mut ops = Vec::new();
    for vm in &stopped {
        let op = t.client.vms().start(&vm.id).await.map_err(at("start"))?;
        ops.push(op.with_options(opts()));
    }
    let results = t.client.wait_all(ops).await;
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
        .collect();
    ensure(failures.is_empty(), || {
        format!("{} failed; first: {}", failures.len(), failures[0])
    })?;
    ensure(
        results
            .iter()
            .all(|r| matches!(r, Ok(v) if v.state == VmState::Running)),
        || "not every VM is running".into(),
    )?;
    Ok(())
}
