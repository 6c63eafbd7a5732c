#![allow(clippy::unwrap_used, clippy::expect_used)]
//! How tasks advance (per poll, zero steps, wall clock), planned failures and task listings.

mod common;

use std::time::Duration;

use omnivirt_core::{DiskState, ErrorKind, Op, PowerAction, TaskState, VmState};
use omnivirt_sim::{Filter, NewDisk, NewVm, Paging, Tick, World, WorldConfig};

use common::*;

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
