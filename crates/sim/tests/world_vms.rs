#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The World's state machines: every VM move, invalid moves, placement, templates, disks.

mod common;

use omnivirt_core::{DiskState, ErrorKind, PowerAction, VmState};
use omnivirt_sim::{NewDisk, NewVm, Submission, World, WorldConfig};

use common::*;

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
