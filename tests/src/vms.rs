//! VM cases: lifecycle, power actions, migration, hosts, errors, and waiting on many.

use std::collections::BTreeSet;

use futures::TryStreamExt;
use omnivirt_core::{ErrorKind, Host, HostState, ListQuery, Op, TaskId, TaskState, VmId, VmState};

use crate::declared::{MIGRATION_HOST_UNNAMED, SESSION_OUTLIVES_CLOSE};
use crate::support::{
    NEW_VM_MEMORY, NEW_VM_VCPUS, at, ensure, first_cluster, gone, needs, new_vm, opts, vms_in, wait,
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
    let start = t.client.vms().start(&vm.id).await;
    if let Ok(op) = &start
        && let Some(task) = op.submitted().task.clone()
        && t.client.capabilities().supports(Op::TaskGet)
    {
        let read = t
            .client
            .tasks()
            .get_many(std::slice::from_ref(&task))
            .await
            .map_err(at("task get_many"))?;
        ensure(read.len() == 1 && read[0].id == task, || {
            format!(
                "get_many([{task}]) read {:?}",
                read.iter().map(|r| &r.id).collect::<Vec<_>>()
            )
        })?;
    }
    let vm = wait(start, "start").await?;
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
/// the scheduler picks moves it and leaves it running; migrating it back to the host it came
/// from, named, moves it there.
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
    if t.deviates(MIGRATION_HOST_UNNAMED) {
        return Ok(());
    }
    let back = wait(
        t.client.vms().migrate(&vm.id, Some(&here)).await,
        "migrate back",
    )
    .await?;
    ensure(
        back.state == VmState::Running && back.host_id.as_ref() == Some(&here),
        || {
            format!(
                "after migrating back to {here}: {:?} on {:?}",
                back.state, back.host_id
            )
        },
    )?;
    Ok(())
}

/// Hosts and clusters: paging walks every host, the cluster and state filters return exactly
/// the hosts they select, and a host read by id has an address.
pub async fn hosts(t: &Target) -> CaseResult {
    needs(t, &[Op::HostList, Op::HostGet, Op::ClusterList])?;
    let list = |q: ListQuery| t.client.hosts().list(q).try_collect::<Vec<Host>>();
    let all = list(ListQuery::new().page_size(500))
        .await
        .map_err(at("host list"))?;
    let paged = list(ListQuery::new().page_size(2))
        .await
        .map_err(at("host list, pages of 2"))?;
    ensure(ids(&paged) == ids(&all), || {
        format!(
            "pages of 2 gave {} hosts, one page {}",
            paged.len(),
            all.len()
        )
    })?;
    let clusters: Vec<_> = t
        .client
        .clusters()
        .list(ListQuery::new())
        .try_collect()
        .await
        .map_err(at("cluster list"))?;
    if let Some(world) = &t.world {
        let there = world.summary();
        ensure(all.len() == there.hosts, || {
            format!(
                "listed {} hosts, the simulator holds {}",
                all.len(),
                there.hosts
            )
        })?;
        ensure(clusters.len() == there.clusters, || {
            format!(
                "listed {} clusters, the simulator holds {}",
                clusters.len(),
                there.clusters
            )
        })?;
    }
    let cluster = first_cluster(t).await?;
    for (label, q) in [
        ("cluster", ListQuery::new().cluster(cluster.clone())),
        ("state up", ListQuery::new().host_state(HostState::Up)),
    ] {
        let got = list(q.clone().page_size(2)).await.map_err(at(label))?;
        let want: Vec<&Host> = all.iter().filter(|h| q.matches_host(h)).collect();
        ensure(!want.is_empty(), || {
            format!("hosts, {label}: nothing to select")
        })?;
        let want_ids: BTreeSet<&str> = want.iter().map(|h| h.id.as_str()).collect();
        ensure(ids(&got) == want_ids, || {
            format!(
                "hosts, {label}: got {} hosts, expected {}",
                got.len(),
                want_ids.len()
            )
        })?;
    }
    let h = t
        .client
        .hosts()
        .get(&all[0].id)
        .await
        .map_err(at("host get"))?;
    ensure(h.id == all[0].id, || {
        format!("asked for host {}, got {}", all[0].id, h.id)
    })?;
    ensure(h.address.is_some(), || {
        format!("host {} has no address", h.id)
    })?;
    Ok(())
}

fn ids(hosts: &[Host]) -> BTreeSet<&str> {
    hosts.iter().map(|h| h.id.as_str()).collect()
}

/// A missing VM, and a missing task, are `NotFound`.
pub async fn not_found(t: &Target) -> CaseResult {
    needs(t, &[Op::VmGet])?;
    const MISSING: &str = "00000000-0000-4000-8000-00000000dead";
    match t.client.vms().get(&VmId::new(MISSING)).await {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            ensure(e.op() == Some(Op::VmGet), || {
                format!("the error names op {:?}, not vm.get", e.op())
            })?;
        }
        Err(e) => return Err(format!("wanted not_found, got {e}").into()),
        Ok(vm) => return Err(format!("got a VM: {}", vm.id).into()),
    }
    if t.client.capabilities().supports(Op::TaskGet) {
        match t.client.tasks().get(&TaskId::new(MISSING)).await {
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(format!("missing task: wanted not_found, got {e}").into()),
            Ok(task) => return Err(format!("got a task: {}", task.id).into()),
        }
    }
    Ok(())
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

/// Starting a running VM, and deleting one, are refused with `InvalidState`.
pub async fn invalid_state(t: &Target) -> CaseResult {
    needs(t, &[Op::VmList, Op::VmStart, Op::VmDelete])?;
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
        Err(e) if e.kind() == ErrorKind::InvalidState => {
            ensure(e.op() == Some(Op::VmStart), || {
                format!("the refusal names op {:?}, not vm.start", e.op())
            })?;
        }
        Err(e) => return Err(format!("start: wanted invalid_state, got {e}").into()),
        Ok(()) => return Err("starting a running VM succeeded".to_owned().into()),
    }
    let res = match t.client.vms().delete(&vm.id).await {
        Err(e) => Err(e),
        Ok(op) => op.with_options(opts()).wait().await,
    };
    match res {
        Err(e) if e.kind() == ErrorKind::InvalidState => Ok(()),
        Err(e) => Err(format!("delete: wanted invalid_state, got {e}").into()),
        Ok(()) => Err("deleting a running VM succeeded".to_owned().into()),
    }
}

/// Closing the client succeeds and ends the sessions it opened on the simulator.
pub async fn close(t: &Target) -> CaseResult {
    t.client.close().await.map_err(at("close"))?;
    if let Some(world) = t
        .world
        .as_ref()
        .filter(|_| !t.deviates(SESSION_OUTLIVES_CLOSE))
    {
        let open = world.session_count();
        ensure(open == 0, || {
            format!("{open} session(s) still open after close")
        })?;
    }
    Ok(())
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
