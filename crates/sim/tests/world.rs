#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The World: state machine, disk rules, tasks, faults, sessions, determinism.

use std::time::Duration;

use omnivirt_core::{DiskState, ErrorKind, Op, PowerAction, ResourceRef, TaskState, VmState};
use omnivirt_sim::{
    Filter, IdStyle, NameMatch, NewDisk, NewVm, Paging, SimVm, SortBy, Submission, Tick, World,
    WorldConfig,
};

fn empty_world() -> World {
    let w = World::new(WorldConfig::empty());
    let c = w.add_cluster("c1").unwrap();
    w.add_host(c.id.as_str(), "h1").unwrap();
    w.add_host(c.id.as_str(), "h2").unwrap();
    w
}

fn cluster(w: &World) -> String {
    w.list_clusters(&Filter::new(), &Paging::all()).items[0]
        .id
        .to_string()
}

/// Observes the task until it is done; returns how many observations it took.
fn finish(w: &World, s: &Submission) -> u32 {
    for n in 1..=100 {
        if w.get_task(s.task.as_str()).unwrap().is_done() {
            return n;
        }
    }
    panic!("task never finished");
}

fn new_stopped_vm(w: &World, name: &str) -> String {
    let s = w.create_vm(NewVm::new(name, cluster(w))).unwrap();
    finish(w, &s);
    s.target_id().to_owned()
}

fn state(w: &World, id: &str) -> VmState {
    w.peek_vm(id).unwrap().state
}

/// Runs `action` and checks the transitional state while the task runs and the final one after.
fn step(w: &World, id: &str, action: PowerAction, during: VmState, after: VmState) -> SimVm {
    let s = w.power_vm(id, action).unwrap();
    assert_eq!(s.target, ResourceRef::Vm(id.into()));
    assert_eq!(state(w, id), during, "{action:?} while running");
    let t = w.peek_task(s.task.as_str()).unwrap();
    assert_eq!(t.op, action.op());
    assert_eq!(t.state, TaskState::Pending);
    finish(w, &s);
    let vm = w.peek_vm(id).unwrap();
    assert_eq!(vm.state, after, "{action:?} at completion");
    assert!(vm.task_id.is_none());
    vm
}

#[test]
fn every_valid_vm_move() {
    let w = empty_world();
    let c = cluster(&w);
    let s = w.create_vm(NewVm::new("web-1", c).vcpus(2)).unwrap();
    let id = s.target_id().to_owned();
    assert_eq!(state(&w, &id), VmState::Creating);
    finish(&w, &s);
    let vm = w.peek_vm(&id).unwrap();
    assert_eq!(vm.state, VmState::Stopped);
    assert_eq!(vm.vcpus, 2);
    assert!(vm.host_id.is_none());

    let vm = step(
        &w,
        &id,
        PowerAction::Start,
        VmState::Starting,
        VmState::Running,
    );
    let first_host = vm.host_id.clone().expect("running VM has a host");
    let vm = step(
        &w,
        &id,
        PowerAction::Reboot,
        VmState::Rebooting,
        VmState::Running,
    );
    assert_eq!(vm.host_id.as_ref(), Some(&first_host));
    let vm = step(
        &w,
        &id,
        PowerAction::Suspend,
        VmState::Suspending,
        VmState::Suspended,
    );
    assert!(vm.host_id.is_some());
    step(
        &w,
        &id,
        PowerAction::Resume,
        VmState::Resuming,
        VmState::Running,
    );

    let m = w.migrate_vm(&id, None).unwrap();
    assert_eq!(state(&w, &id), VmState::Migrating);
    assert_eq!(w.peek_vm(&id).unwrap().host_id.as_ref(), Some(&first_host));
    finish(&w, &m);
    let vm = w.peek_vm(&id).unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert_ne!(
        vm.host_id.as_ref(),
        Some(&first_host),
        "migrated to another host"
    );

    // Migrate back to a named host.
    let m = w.migrate_vm(&id, Some(first_host.as_str())).unwrap();
    finish(&w, &m);
    assert_eq!(w.peek_vm(&id).unwrap().host_id.as_ref(), Some(&first_host));

    let vm = step(
        &w,
        &id,
        PowerAction::Stop,
        VmState::Stopping,
        VmState::Stopped,
    );
    assert!(vm.host_id.is_none(), "stopped VM has no host");
    step(
        &w,
        &id,
        PowerAction::Start,
        VmState::Starting,
        VmState::Running,
    );
    let vm = step(
        &w,
        &id,
        PowerAction::ForceStop,
        VmState::Stopping,
        VmState::Stopped,
    );
    assert!(vm.host_id.is_none());
    // Force stop also works from suspended.
    step(
        &w,
        &id,
        PowerAction::Start,
        VmState::Starting,
        VmState::Running,
    );
    step(
        &w,
        &id,
        PowerAction::Suspend,
        VmState::Suspending,
        VmState::Suspended,
    );
    step(
        &w,
        &id,
        PowerAction::ForceStop,
        VmState::Stopping,
        VmState::Stopped,
    );

    let d = w.delete_vm(&id).unwrap();
    assert_eq!(state(&w, &id), VmState::Deleting);
    finish(&w, &d);
    assert_eq!(w.get_vm(&id).unwrap_err().kind(), ErrorKind::NotFound);
    assert!(w.find_vm_by_name("web-1").is_none());
    // The name is free again.
    new_stopped_vm(&w, "web-1");
}

#[test]
fn invalid_vm_moves_are_typed() {
    let w = empty_world();
    let id = new_stopped_vm(&w, "web-1");

    let kind = |r: Result<Submission, omnivirt_sim::SimError>| r.unwrap_err().kind();
    // Stopped VM.
    for a in [
        PowerAction::Stop,
        PowerAction::ForceStop,
        PowerAction::Reboot,
        PowerAction::Suspend,
        PowerAction::Resume,
    ] {
        assert_eq!(kind(w.power_vm(&id, a)), ErrorKind::InvalidState, "{a:?}");
    }
    assert_eq!(kind(w.migrate_vm(&id, None)), ErrorKind::InvalidState);
    let e = w.power_vm(&id, PowerAction::Stop).unwrap_err();
    assert_eq!(e.message(), "cannot stop VM web-1: it is stopped");
    assert!(!e.is_locked());

    // Running VM.
    let s = w.power_vm(&id, PowerAction::Start).unwrap();
    // While its task runs, the VM is locked.
    let e = w.power_vm(&id, PowerAction::Stop).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert!(e.is_locked(), "{e}");
    finish(&w, &s);
    let e = w.power_vm(&id, PowerAction::Start).unwrap_err();
    assert_eq!(e.message(), "cannot start VM web-1: it is running");
    assert_eq!(
        kind(w.power_vm(&id, PowerAction::Resume)),
        ErrorKind::InvalidState
    );
    let e = w.delete_vm(&id).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert!(e.message().contains("stop it first"), "{e}");
    let here = w.peek_vm(&id).unwrap().host_id.unwrap();
    assert_eq!(
        kind(w.migrate_vm(&id, Some(here.as_str()))),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(w.migrate_vm(&id, Some("no-such-host"))),
        ErrorKind::NotFound
    );

    // Suspended VM: start is refused with a hint.
    let s = w.power_vm(&id, PowerAction::Suspend).unwrap();
    finish(&w, &s);
    let e = w.power_vm(&id, PowerAction::Start).unwrap_err();
    assert!(e.message().contains("resume it instead"), "{e}");

    // Missing VM, bad input, duplicates.
    assert_eq!(
        kind(w.power_vm("nope", PowerAction::Start)),
        ErrorKind::NotFound
    );
    assert_eq!(kind(w.delete_vm("nope")), ErrorKind::NotFound);
    let c = cluster(&w);
    assert_eq!(
        kind(w.create_vm(NewVm::new("web-1", c.clone()))),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(w.create_vm(NewVm::new(" ", c.clone()))),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(w.create_vm(NewVm::new("x", c.clone()).vcpus(0))),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(w.create_vm(NewVm::new("x", "no-cluster"))),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(w.create_vm(NewVm::new("x", c).template("no-template"))),
        ErrorKind::NotFound
    );
}

#[test]
fn migrate_needs_another_host_and_start_needs_one() {
    let w = World::new(WorldConfig::empty());
    let c = w.add_cluster("solo").unwrap();
    let h = w.add_host(c.id.as_str(), "only").unwrap();
    let id = new_stopped_vm(&w, "a");
    let s = w.start_vm_on(&id, Some(h.id.as_str())).unwrap();
    finish(&w, &s);
    let e = w.migrate_vm(&id, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert!(e.message().contains("no other host"), "{e}");

    let b = new_stopped_vm(&w, "b");
    w.update_host(h.id.as_str(), |h| {
        h.state = omnivirt_core::HostState::Maintenance
    })
    .unwrap();
    let e = w.power_vm(&b, PowerAction::Start).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    let e = w.start_vm_on(&b, Some(h.id.as_str())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
}

#[test]
fn create_from_template_with_disks_and_power_on() {
    let w = empty_world();
    let t = w.add_template("tpl", 4, 8 << 30).unwrap();
    let s = w
        .create_vm(
            NewVm::new("db", cluster(&w))
                .template(t.id.clone())
                .disk(NewDisk::new("db-root", 10 << 30))
                .power_on(None),
        )
        .unwrap();
    let vm = w.peek_vm(s.target_id()).unwrap();
    assert_eq!(vm.disk_ids.len(), 1);
    assert_eq!(
        w.peek_disk(vm.disk_ids[0].as_str()).unwrap().state,
        DiskState::Creating
    );
    finish(&w, &s);
    let vm = w.peek_vm(s.target_id()).unwrap();
    assert_eq!((vm.vcpus, vm.memory_bytes), (4, 8 << 30));
    assert_eq!(vm.state, VmState::Running);
    assert!(vm.host_id.is_some());
    assert_eq!(vm.template_id.as_deref(), Some(t.id.as_str()));
    let disk = w.peek_disk(vm.disk_ids[0].as_str()).unwrap();
    assert_eq!(disk.state, DiskState::Ready);
    assert_eq!(disk.vm_id.as_ref(), Some(&vm.id));
}

#[test]
fn disk_rules() {
    let w = empty_world();
    let vm = new_stopped_vm(&w, "web-1");
    let other = new_stopped_vm(&w, "web-2");

    let s = w.create_disk(NewDisk::new("data", 1 << 30)).unwrap();
    let disk = s.target_id().to_owned();
    assert_eq!(w.peek_disk(&disk).unwrap().state, DiskState::Creating);
    // Not ready yet: cannot attach.
    assert_eq!(
        w.attach_disk(&disk, &vm).unwrap_err().kind(),
        ErrorKind::InvalidState
    );
    finish(&w, &s);
    assert_eq!(w.peek_disk(&disk).unwrap().state, DiskState::Ready);

    assert_eq!(
        w.attach_disk(&disk, "missing-vm").unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        w.attach_disk("missing-disk", &vm).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let a = w.attach_disk(&disk, &vm).unwrap();
    let d = w.peek_disk(&disk).unwrap();
    assert_eq!(d.state, DiskState::Locked);
    assert!(d.vm_id.is_none(), "attached only at completion");
    assert!(w.delete_disk(&disk).unwrap_err().is_locked());
    finish(&w, &a);
    let d = w.peek_disk(&disk).unwrap();
    assert_eq!(
        (d.state, d.vm_id.as_ref().map(|v| v.as_str())),
        (DiskState::Ready, Some(vm.as_str()))
    );
    assert!(
        w.peek_vm(&vm)
            .unwrap()
            .disk_ids
            .iter()
            .any(|x| x.as_str() == disk)
    );

    // Attached elsewhere, attached twice, delete while attached, detach from the wrong VM.
    assert_eq!(
        w.attach_disk(&disk, &other).unwrap_err().kind(),
        ErrorKind::InvalidState
    );
    assert_eq!(
        w.attach_disk(&disk, &vm).unwrap_err().kind(),
        ErrorKind::InvalidState
    );
    let e = w.delete_disk(&disk).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert!(e.message().contains("detach it first"), "{e}");
    assert_eq!(
        w.detach_disk(&disk, &other).unwrap_err().kind(),
        ErrorKind::InvalidState
    );

    let dt = w.detach_disk(&disk, &vm).unwrap();
    finish(&w, &dt);
    assert!(w.peek_disk(&disk).unwrap().vm_id.is_none());
    assert!(
        w.peek_vm(&vm)
            .unwrap()
            .disk_ids
            .iter()
            .all(|x| x.as_str() != disk)
    );
    assert_eq!(
        w.detach_disk(&disk, &vm).unwrap_err().kind(),
        ErrorKind::InvalidState
    );

    let del = w.delete_disk(&disk).unwrap();
    finish(&w, &del);
    assert_eq!(w.get_disk(&disk).unwrap_err().kind(), ErrorKind::NotFound);

    // Bad input.
    assert_eq!(
        w.create_disk(NewDisk::new("z", 0)).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        w.create_disk(NewDisk::new("z", 1).cluster("nope"))
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );

    // Deleting a VM deletes the disks attached to it.
    let s = w.create_disk(NewDisk::new("root", 1 << 30)).unwrap();
    finish(&w, &s);
    let root = s.target_id().to_owned();
    let a = w.attach_disk(&root, &other).unwrap();
    finish(&w, &a);
    let d = w.delete_vm(&other).unwrap();
    finish(&w, &d);
    assert_eq!(w.peek_disk(&root).unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn disks_created_attached() {
    let w = empty_world();
    let vm = new_stopped_vm(&w, "web-1");
    let s = w
        .create_disk(NewDisk::new("data", 1 << 30).attach_to(vm.clone()))
        .unwrap();
    let d = w.peek_disk(s.target_id()).unwrap();
    assert_eq!(d.state, DiskState::Creating);
    assert_eq!(d.vm_id.as_ref().map(|v| v.as_str()), Some(vm.as_str()));
    assert_eq!(w.peek_task(s.task.as_str()).unwrap().vm_id, d.vm_id);
    assert_eq!(w.peek_vm(&vm).unwrap().disk_ids, vec![d.id.clone()]);
    finish(&w, &s);
    assert_eq!(w.peek_disk(s.target_id()).unwrap().state, DiskState::Ready);

    // A failed attached create leaves neither the disk nor the reference behind.
    w.faults().fail_next_task("NO_SPACE", "storage full");
    let s = w
        .create_disk(NewDisk::new("more", 1 << 30).attach_to(vm.clone()))
        .unwrap();
    assert_eq!(w.peek_vm(&vm).unwrap().disk_ids.len(), 2);
    finish(&w, &s);
    assert_eq!(w.peek_vm(&vm).unwrap().disk_ids, vec![d.id]);
    assert_eq!(
        w.peek_disk(s.target_id()).unwrap_err().kind(),
        ErrorKind::NotFound
    );

    assert_eq!(
        w.create_disk(NewDisk::new("x", 1).attach_to("missing"))
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn per_poll_progress_is_the_same_whether_task_or_object_is_polled() {
    for steps in [1u32, 2, 3, 5] {
        let w = World::new(WorldConfig::builder().tick(Tick::PerPoll { steps }).build());
        let id = w
            .list_vms(
                &Filter::new().vm_state(VmState::Stopped),
                &Paging::new(0, 1),
            )
            .items[0]
            .id
            .to_string();

        // Poll the task.
        let s = w.power_vm(&id, PowerAction::Start).unwrap();
        let t0 = w.peek_task(s.task.as_str()).unwrap();
        assert_eq!((t0.state, t0.progress), (TaskState::Pending, 0));
        for k in 1..steps {
            let t = w.get_task(s.task.as_str()).unwrap();
            assert_eq!(t.state, TaskState::Running, "steps {steps}, poll {k}");
            assert_eq!(u32::from(t.progress), k * 100 / steps);
            assert_eq!(state(&w, &id), VmState::Starting);
        }
        let t = w.get_task(s.task.as_str()).unwrap();
        assert_eq!((t.state, t.progress), (TaskState::Succeeded, 100));
        assert!(t.finished_at.is_some());
        assert_eq!(state(&w, &id), VmState::Running);
        // Further polls change nothing.
        assert_eq!(
            w.get_task(s.task.as_str()).unwrap().state,
            TaskState::Succeeded
        );

        // Poll the object instead.
        let s = w.power_vm(&id, PowerAction::Stop).unwrap();
        for _ in 1..steps {
            assert_eq!(w.get_vm(&id).unwrap().state, VmState::Stopping);
        }
        assert_eq!(w.get_vm(&id).unwrap().state, VmState::Stopped);
        assert_eq!(
            w.peek_task(s.task.as_str()).unwrap().state,
            TaskState::Succeeded
        );

        // Listing the object counts as an observation too.
        let s = w.power_vm(&id, PowerAction::Start).unwrap();
        let by_id = Filter::new().ids([id.clone()]);
        for _ in 1..steps {
            assert_eq!(
                w.list_vms(&by_id, &Paging::all()).items[0].state,
                VmState::Starting
            );
        }
        assert_eq!(
            w.list_vms(&by_id, &Paging::all()).items[0].state,
            VmState::Running
        );
        assert!(w.peek_task(s.task.as_str()).unwrap().is_done());
    }
}

#[test]
fn zero_steps_complete_at_submission_and_settle_completes_everything() {
    let w = World::new(
        WorldConfig::builder()
            .tick(Tick::PerPoll { steps: 0 })
            .build(),
    );
    let id = new_stopped_vm(&w, "instant");
    let s = w.power_vm(&id, PowerAction::Start).unwrap();
    assert_eq!(
        w.peek_task(s.task.as_str()).unwrap().state,
        TaskState::Succeeded
    );
    assert_eq!(state(&w, &id), VmState::Running);

    let w = World::new(WorldConfig::default());
    let a = new_stopped_vm(&w, "a");
    let b = new_stopped_vm(&w, "b");
    w.power_vm(&a, PowerAction::Start).unwrap();
    w.power_vm(&b, PowerAction::Start).unwrap();
    assert_eq!(w.open_tasks(), 2);
    assert_eq!(w.settle(), 2);
    assert_eq!(w.open_tasks(), 0);
    assert_eq!(
        (state(&w, &a), state(&w, &b)),
        (VmState::Running, VmState::Running)
    );
}

#[tokio::test(start_paused = true)]
async fn wall_clock_tasks_complete_after_their_duration() {
    let w = World::new(
        WorldConfig::builder()
            .tick(Tick::Wall(Duration::from_secs(10)))
            .build(),
    );
    let id = new_stopped_vm_wall(&w, "wall").await;
    let s = w.power_vm(&id, PowerAction::Start).unwrap();
    // Polling many times does not finish it early.
    for _ in 0..5 {
        assert_eq!(
            w.get_task(s.task.as_str()).unwrap().state,
            TaskState::Running
        );
    }
    tokio::time::sleep(Duration::from_secs(4)).await;
    let t = w.get_task(s.task.as_str()).unwrap();
    assert_eq!(t.state, TaskState::Running);
    assert!((35..=45).contains(&t.progress), "progress {}", t.progress);
    assert_eq!(w.get_vm(&id).unwrap().state, VmState::Starting);
    tokio::time::sleep(Duration::from_secs(6)).await;
    // Reading the object applies the completion.
    assert_eq!(w.get_vm(&id).unwrap().state, VmState::Running);
    assert_eq!(
        w.peek_task(s.task.as_str()).unwrap().state,
        TaskState::Succeeded
    );
}

async fn new_stopped_vm_wall(w: &World, name: &str) -> String {
    let c = cluster(w);
    let s = w.create_vm(NewVm::new(name, c)).unwrap();
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(
        w.get_task(s.task.as_str()).unwrap().state,
        TaskState::Succeeded
    );
    s.target_id().to_owned()
}

#[test]
fn fail_next_task_rolls_back() {
    let w = empty_world();
    let id = new_stopped_vm(&w, "web-1");
    w.faults()
        .fail_next_task("VM_START_FAILED", "not enough memory on any host");
    let s = w.power_vm(&id, PowerAction::Start).unwrap();
    assert_eq!(state(&w, &id), VmState::Starting);
    finish(&w, &s);
    let t = w.peek_task(s.task.as_str()).unwrap();
    assert_eq!(t.state, TaskState::Failed);
    let e = t.error.unwrap();
    assert_eq!(e.code.as_deref(), Some("VM_START_FAILED"));
    assert_eq!(e.message, "not enough memory on any host");
    let vm = w.peek_vm(&id).unwrap();
    assert_eq!(vm.state, VmState::Stopped);
    assert!(vm.host_id.is_none() && vm.task_id.is_none());

    // Only the next one failed.
    let s = w.power_vm(&id, PowerAction::Start).unwrap();
    finish(&w, &s);
    assert_eq!(state(&w, &id), VmState::Running);

    // A failed create leaves nothing behind.
    w.faults().fail_next_task("CREATE_FAILED", "no space");
    let s = w
        .create_vm(NewVm::new("ghost", cluster(&w)).disk(NewDisk::new("g", 1)))
        .unwrap();
    let disk = w.peek_vm(s.target_id()).unwrap().disk_ids[0].clone();
    finish(&w, &s);
    assert_eq!(
        w.peek_vm(s.target_id()).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        w.peek_disk(disk.as_str()).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert!(w.find_vm_by_name("ghost").is_none());

    // A failed disk attach leaves the disk detached and ready.
    let s = w.create_disk(NewDisk::new("d", 1)).unwrap();
    finish(&w, &s);
    w.faults().fail_next_task("ATTACH_FAILED", "bus full");
    let a = w.attach_disk(s.target_id(), &id).unwrap();
    finish(&w, &a);
    let d = w.peek_disk(s.target_id()).unwrap();
    assert_eq!((d.state, d.vm_id.is_none()), (DiskState::Ready, true));
}

#[test]
fn sessions() {
    let w = World::new(WorldConfig::builder().user("ops", "s3cret").build());
    assert_eq!(
        w.login("admin", "wrong").unwrap_err().kind(),
        ErrorKind::Unauthenticated
    );
    assert_eq!(
        w.login("nobody", "admin").unwrap_err().kind(),
        ErrorKind::Unauthenticated
    );
    let t1 = w.login("admin", "admin").unwrap();
    let t2 = w.login("ops", "s3cret").unwrap();
    assert_ne!(t1.expose(), t2.expose());
    assert_eq!(format!("{t1:?}"), "***");
    assert!(w.session_valid(t1.expose()));
    assert_eq!(w.session_user(t2.expose()).as_deref(), Some("ops"));
    assert!(w.logout(t1.expose()));
    assert!(!w.logout(t1.expose()));
    assert!(!w.session_valid(t1.expose()));
    assert!(w.session_valid(t2.expose()));
    w.faults().expire_sessions();
    assert!(!w.session_valid(t2.expose()));
    assert_eq!(w.session_count(), 0);

    // Debug output never contains tokens or passwords.
    let t3 = w.login("ops", "s3cret").unwrap();
    let dbg = format!(
        "{w:?} {:?}",
        WorldConfig::builder().user("x", "hunter2").build()
    );
    assert!(!dbg.contains(t3.expose()), "{dbg}");
    assert!(!dbg.contains("hunter2") && !dbg.contains("s3cret"), "{dbg}");
}

#[test]
fn same_seed_same_world() {
    let build = |seed| {
        let w = World::new(WorldConfig::builder().seed(seed).vms(50).build());
        let vms: Vec<(String, String, VmState, Option<String>)> = w
            .list_vms(&Filter::new(), &Paging::all())
            .items
            .into_iter()
            .map(|v| {
                (
                    v.id.to_string(),
                    v.name,
                    v.state,
                    v.host_id.map(|h| h.to_string()),
                )
            })
            .collect();
        let extra = (w.new_uuid(), w.new_hex32(), w.new_cuid());
        let token = w.login("admin", "admin").unwrap().expose().to_owned();
        (vms, extra, token)
    };
    let a = build(9);
    assert_eq!(a, build(9));
    let b = build(10);
    assert_ne!(a.0[0].0, b.0[0].0);
    assert_ne!(a.2, b.2);

    // A mix of running (placed on a host) and stopped (no host) VMs.
    let running = a.0.iter().filter(|v| v.2 == VmState::Running).count();
    assert!(running > 10 && running < 45, "running {running}");
    for v in &a.0 {
        assert_eq!(v.2 == VmState::Running, v.3.is_some(), "{v:?}");
    }
    assert_eq!(a.0[41].1, "vm-00042");
}

#[test]
fn id_styles() {
    let w = World::new(
        WorldConfig::builder()
            .id_style(IdStyle::Cuid)
            .vms(3)
            .build(),
    );
    for v in w.list_vms(&Filter::new(), &Paging::all()).items {
        assert_eq!(v.id.as_str().len(), 25);
        assert!(v.id.as_str().starts_with('c'));
    }
    let w = World::new(
        WorldConfig::builder()
            .id_style(IdStyle::Hex32)
            .vms(3)
            .build(),
    );
    let s = w.create_vm(NewVm::new("x", cluster(&w))).unwrap();
    assert_eq!(s.task.as_str().len(), 32);
    assert!(!s.target_id().contains('-'));
}

#[test]
fn seeded_inventory_names_and_listing_helpers() {
    let w = World::new(
        WorldConfig::builder()
            .clusters(3)
            .hosts_per_cluster(4)
            .vms(120)
            .disks_per_vm(2)
            .templates(3)
            .build(),
    );
    let clusters = w.list_clusters(&Filter::new(), &Paging::all()).items;
    assert_eq!(
        clusters.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["cluster-01", "cluster-02", "cluster-03"]
    );
    assert_eq!(w.count_hosts(&Filter::new()), 12);
    assert_eq!(
        w.list_hosts(
            &Filter::new().cluster(clusters[1].id.clone()),
            &Paging::all()
        )
        .items[0]
            .name,
        "host-02-01"
    );
    assert_eq!(w.count_vms(&Filter::new()), 120);
    assert_eq!(w.count_disks(&Filter::new()), 240);
    assert_eq!(w.list_templates(&Filter::new(), &Paging::all()).total, 3);
    let sum = w.summary();
    assert_eq!(
        (
            sum.clusters,
            sum.hosts,
            sum.templates,
            sum.vms,
            sum.disks,
            sum.tasks
        ),
        (3, 12, 3, 120, 240, 0)
    );
    assert_eq!(
        sum.running_vms,
        w.count_vms(&Filter::new().vm_state(VmState::Running))
    );

    // Name filters.
    let names = |f: Filter| -> Vec<String> {
        w.list_vms(&f, &Paging::all())
            .items
            .into_iter()
            .map(|v| v.name)
            .collect()
    };
    assert_eq!(
        names(Filter::new().name(NameMatch::Equals("vm-00007".into()))),
        ["vm-00007"]
    );
    assert_eq!(
        names(Filter::new().name(NameMatch::Prefix("vm-0011".into()))).len(),
        10
    );
    assert_eq!(
        names(Filter::new().name(NameMatch::Contains("0012".into()))),
        ["vm-00012", "vm-00120"]
    );
    assert_eq!(
        names(
            Filter::new()
                .name(NameMatch::Glob("VM-*99".into()))
                .ignore_case(true)
        ),
        ["vm-00099"]
    );

    // State, cluster and host filters agree with the objects.
    let running = w.list_vms(&Filter::new().vm_state(VmState::Running), &Paging::all());
    assert!(running.items.iter().all(|v| v.state == VmState::Running));
    let stopped = w.count_vms(&Filter::new().vm_state(VmState::Stopped));
    assert_eq!(running.total + stopped, 120);
    let c2 = w.list_vms(
        &Filter::new().cluster(clusters[1].id.clone()),
        &Paging::all(),
    );
    assert_eq!(c2.total, 40);
    let host = running.items[0].host_id.clone().unwrap();
    let on_host = w.list_vms(&Filter::new().host(host.clone()), &Paging::all());
    assert!(
        on_host.total >= 1
            && on_host
                .items
                .iter()
                .all(|v| v.host_id.as_ref() == Some(&host))
    );
    let vm = &running.items[0];
    let disks = w.list_disks(&Filter::new().vm(vm.id.clone()), &Paging::all());
    assert_eq!(
        disks
            .items
            .iter()
            .map(|d| d.name.clone())
            .collect::<Vec<_>>(),
        [format!("{}-disk-1", vm.name), format!("{}-disk-2", vm.name)]
    );

    // Paging: offset/limit, next_offset, after-cursor, sort, ids.
    let p1 = w.list_vms(&Filter::new(), &Paging::new(0, 50));
    let p3 = w.list_vms(&Filter::new(), &Paging::new(100, 50));
    assert_eq!(
        (p1.items.len(), p1.next_offset, p1.total),
        (50, Some(50), 120)
    );
    assert_eq!((p3.items.len(), p3.next_offset), (20, None));
    assert_eq!(p3.items[0].name, "vm-00101");
    let after = w.list_vms(
        &Filter::new(),
        &Paging::new(0, 2).after(p1.items[9].id.to_string()),
    );
    assert_eq!(after.items[0].name, "vm-00011");
    let desc = w.list_vms(&Filter::new(), &Paging::new(0, 1).sort(SortBy::Name, true));
    assert_eq!(desc.items[0].name, "vm-00120");
    let picked = w.list_vms(
        &Filter::new().ids([
            p1.items[3].id.to_string(),
            p1.items[1].id.to_string(),
            "nope".into(),
        ]),
        &Paging::all(),
    );
    assert_eq!(
        picked
            .items
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        ["vm-00002", "vm-00004"]
    );
    let unknown_after = w.list_vms(
        &Filter::new().vm_state(VmState::Running),
        &Paging::all().after("nope"),
    );
    assert!(unknown_after.items.is_empty());
}

#[test]
fn tasks_are_listed_and_filtered() {
    let w = empty_world();
    let a = new_stopped_vm(&w, "a");
    let s = w.power_vm(&a, PowerAction::Start).unwrap();
    let all = w.list_tasks(&Filter::new(), &Paging::all());
    assert_eq!(all.total, 2);
    assert_eq!(all.items[0].op, Op::VmCreate);
    let of_a = w.list_tasks(
        &Filter::new()
            .target(a.clone())
            .task_state(TaskState::Succeeded),
        &Paging::all(),
    );
    // The start task was observed once by the first listing and is still running, so only the
    // create task has succeeded.
    assert_eq!(of_a.total, 1);
    assert_eq!(of_a.items[0].op, Op::VmCreate);
    let got = w.get_tasks(&[s.task.as_str(), "missing"]);
    assert_eq!(got.len(), 1);
    assert!(got[0].is_done());
    assert_eq!(got[0].description, "Starting VM a");
    assert_eq!(
        w.get_task("missing").unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn updates_keep_state_machine_fields() {
    let w = empty_world();
    let id = new_stopped_vm(&w, "a");
    new_stopped_vm(&w, "b");
    w.update_vm(&id, |vm| {
        vm.description = "hello".into();
        vm.state = VmState::Running; // ignored
        vm.extra.insert("ha".into(), serde_json::json!(true));
    })
    .unwrap();
    let vm = w.peek_vm(&id).unwrap();
    assert_eq!(
        (vm.description.as_str(), vm.state),
        ("hello", VmState::Stopped)
    );
    assert_eq!(vm.extra["ha"], serde_json::json!(true));
    assert_eq!(
        w.update_vm(&id, |vm| vm.name = "b".into())
            .unwrap_err()
            .kind(),
        ErrorKind::AlreadyExists
    );
    w.update_vm(&id, |vm| vm.name = "renamed".into()).unwrap();
    assert!(w.find_vm_by_name("renamed").is_some() && w.find_vm_by_name("a").is_none());
    assert!(w.now() > omnivirt_sim::EPOCH);
}

#[test]
fn a_hundred_thousand_vms_build_and_page() {
    let w = World::new(
        WorldConfig::builder()
            .clusters(10)
            .hosts_per_cluster(10)
            .vms(100_000)
            .disks_per_vm(1)
            .build(),
    );
    assert_eq!(w.count_vms(&Filter::new()), 100_000);
    let last = w.list_vms(&Filter::new(), &Paging::new(99_990, 100));
    assert_eq!(last.items.len(), 10);
    assert_eq!(last.items[9].name, "vm-100000");
    assert_eq!(last.next_offset, None);
}

/// Random operations from a seed; after each one the World's invariants must hold.
#[test]
fn random_operations_keep_invariants() {
    let w = World::new(WorldConfig::builder().vms(30).disks_per_vm(1).build());
    let mut rng = omnivirt_sim::IdGen::new(2024);
    let actions = [
        PowerAction::Start,
        PowerAction::Stop,
        PowerAction::ForceStop,
        PowerAction::Reboot,
        PowerAction::Suspend,
        PowerAction::Resume,
    ];
    let mut ok = 0;
    for round in 0..3000 {
        let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
        let disks = w.list_disks(&Filter::new(), &Paging::all()).items;
        let vm = &vms[rng.below(vms.len() as u64) as usize];
        let result = match rng.below(10) {
            0..=4 => w.power_vm(vm.id.as_str(), actions[rng.below(6) as usize]),
            5 => w.migrate_vm(vm.id.as_str(), None),
            6 if vms.len() > 5 => w.delete_vm(vm.id.as_str()),
            6 => w.create_vm(NewVm::new(format!("new-{round}"), vm.cluster_id.clone())),
            7 => w.create_disk(NewDisk::new(format!("d-{round}"), 1 << 20)),
            8 if !disks.is_empty() => {
                let d = &disks[rng.below(disks.len() as u64) as usize];
                match &d.vm_id {
                    Some(v) => w.detach_disk(d.id.as_str(), v.as_str()),
                    None => w.attach_disk(d.id.as_str(), vm.id.as_str()),
                }
            }
            _ if !disks.is_empty() => {
                let d = &disks[rng.below(disks.len() as u64) as usize];
                w.delete_disk(d.id.as_str())
            }
            _ => continue,
        };
        if result.is_ok() {
            ok += 1;
        }
        if rng.below(4) == 0 {
            w.faults().fail_next_task("RANDOM", "chaos");
        }
        // Observe a few tasks so some finish and some stay open.
        for t in w
            .list_tasks(
                &Filter::new().task_state(TaskState::Running),
                &Paging::new(0, 3),
            )
            .items
        {
            w.get_task(t.id.as_str()).unwrap();
        }
        check_invariants(&w);
    }
    assert!(ok > 500, "only {ok} operations were accepted");
    w.settle();
    check_invariants(&w);
    assert_eq!(w.open_tasks(), 0);
    for v in w.list_vms(&Filter::new(), &Paging::all()).items {
        assert!(!v.state.is_transitional(), "{v:?}");
        assert!(v.task_id.is_none());
    }
}

fn check_invariants(w: &World) {
    let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
    let disks = w.list_disks(&Filter::new(), &Paging::all()).items;
    for v in &vms {
        match v.state {
            VmState::Stopped | VmState::Creating => assert!(v.host_id.is_none(), "{v:?}"),
            VmState::Deleting => {}
            _ => assert!(v.host_id.is_some(), "{v:?}"),
        }
        if v.state.is_transitional() {
            assert!(v.task_id.is_some(), "{v:?}");
        }
        if let Some(t) = &v.task_id {
            assert!(!w.peek_task(t.as_str()).unwrap().is_done(), "{v:?}");
        }
        for d in &v.disk_ids {
            let disk = w.peek_disk(d.as_str()).unwrap();
            assert_eq!(disk.vm_id.as_ref(), Some(&v.id));
        }
        assert_eq!(w.find_vm_by_name(&v.name).unwrap().id, v.id);
    }
    for d in &disks {
        if let Some(v) = &d.vm_id {
            let vm = w.peek_vm(v.as_str()).unwrap();
            assert!(vm.disk_ids.contains(&d.id), "{d:?}");
        }
        if d.state == DiskState::Locked {
            assert!(d.task_id.is_some(), "{d:?}");
        }
        if d.task_id.is_some() {
            assert!(
                matches!(d.state, DiskState::Locked | DiskState::Creating),
                "{d:?}"
            );
        }
    }
}

/// With a wall clock, a mutation settles tasks whose time is up even if nobody read the object,
/// so a finished attach does not block the detach that follows it.
#[tokio::test(start_paused = true)]
async fn wall_clock_mutations_settle_expired_tasks_first() {
    let world = World::new(
        WorldConfig::builder()
            .seed(3)
            .vms(2)
            .disks_per_vm(0)
            .tick(Tick::Wall(Duration::from_millis(300)))
            .build(),
    );
    let vm = world.list_vms(&Filter::new(), &Paging::all()).items[0]
        .id
        .as_str()
        .to_owned();
    let sub = world.create_disk(NewDisk::new("d", 1 << 30)).unwrap();
    let disk = sub.target_id().to_owned();
    tokio::time::advance(Duration::from_millis(301)).await;
    world.attach_disk(&disk, &vm).unwrap();
    // Too early: the attach is still running, so a detach is refused as locked.
    tokio::time::advance(Duration::from_millis(100)).await;
    let err = world.detach_disk(&disk, &vm).unwrap_err();
    assert!(err.is_locked(), "{err:?}");
    // Its time is up; nobody has read the disk, yet the detach goes through.
    tokio::time::advance(Duration::from_millis(250)).await;
    world.detach_disk(&disk, &vm).unwrap();
}
