#![allow(clippy::unwrap_used, clippy::expect_used)]
//! SimBackend driven through omnivirt_core::Client.

use std::sync::Arc;

use futures::TryStreamExt;
use omnivirt_core::{
    Client, DiskSpec, DiskState, ErrorKind, ListQuery, Op, TaskState, VmSpec, VmState,
};
use omnivirt_sim::{SimBackend, World, WorldConfig};

fn client(cfg: WorldConfig) -> (Arc<World>, Client) {
    let world = Arc::new(World::new(cfg));
    let backend = SimBackend::new(world.clone());
    (world, Client::new(Arc::new(backend)))
}

#[tokio::test(start_paused = true)]
async fn create_start_stop_delete_through_the_client() {
    let (world, c) = client(WorldConfig::default());
    assert_eq!(c.vendor(), "sim");
    for op in Op::ALL {
        assert!(c.capabilities().supports(*op), "{op}");
    }
    let clusters: Vec<_> = c
        .clusters()
        .list(ListQuery::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(clusters.len(), 2);

    let vm = c
        .vms()
        .create(
            &VmSpec::new("app-1", clusters[0].id.clone())
                .vcpus(2)
                .memory_bytes(2 << 30),
        )
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!((vm.name.as_str(), vm.state), ("app-1", VmState::Stopped));
    assert_eq!(vm.vcpus, Some(2));

    let running = c.vms().start(&vm.id).await.unwrap().wait().await.unwrap();
    assert_eq!(running.state, VmState::Running);
    assert!(running.host_id.is_some());

    let err = c.vms().delete(&vm.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
    assert_eq!(err.vendor(), Some("sim"));
    assert_eq!(err.op(), Some(Op::VmDelete));

    let stopped = c.vms().stop(&vm.id).await.unwrap().wait().await.unwrap();
    assert_eq!((stopped.state, stopped.host_id), (VmState::Stopped, None));
    c.vms().delete(&vm.id).await.unwrap().wait().await.unwrap();
    assert_eq!(
        c.vms().get(&vm.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(world.open_tasks(), 0);
}

#[tokio::test(start_paused = true)]
async fn failed_tasks_surface_as_task_failed() {
    let (world, c) = client(WorldConfig::default());
    let stopped: Vec<_> = c
        .vms()
        .list(ListQuery::new().vm_state(VmState::Stopped).limit(1))
        .try_collect()
        .await
        .unwrap();
    world
        .faults()
        .fail_next_task("HOST_BUSY", "the host refused the VM");
    let err = c
        .vms()
        .start(&stopped[0].id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert_eq!(err.detail().unwrap().code.as_deref(), Some("HOST_BUSY"));
    assert_eq!(
        c.vms().get(&stopped[0].id).await.unwrap().state,
        VmState::Stopped
    );
}

#[tokio::test(start_paused = true)]
async fn listing_pages_filters_and_batches() {
    let (_world, c) = client(WorldConfig::builder().vms(250).build());
    let all: Vec<_> = c
        .vms()
        .list(ListQuery::new().page_size(40))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    assert_eq!(all[249].name, "vm-00250");
    let page = c
        .vms()
        .page(&ListQuery::new().page_size(40), None)
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total), (40, Some(250)));
    assert_eq!(page.next.as_ref().map(|n| n.as_str()), Some("40"));
    assert!(!page.filtered_client_side);

    let q = ListQuery::new()
        .name_contains("vm-001")
        .vm_state(VmState::Running);
    let some: Vec<_> = c.vms().list(q.clone()).try_collect().await.unwrap();
    assert!(!some.is_empty());
    assert!(some.iter().all(|v| q.matches_vm(v)));

    let host = some[0].host_id.clone().unwrap();
    let on_host: Vec<_> = c
        .vms()
        .list(ListQuery::new().host(host.clone()))
        .try_collect()
        .await
        .unwrap();
    assert!(on_host.iter().all(|v| v.host_id.as_ref() == Some(&host)));
    let hosts: Vec<_> = c
        .hosts()
        .list(ListQuery::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(hosts.len(), 6);

    // Stop ten running VMs at once; wait_all batches the task polls.
    let mut ops = Vec::new();
    for vm in some.iter().take(10) {
        ops.push(c.vms().stop(&vm.id).await.unwrap());
    }
    let n = ops.len();
    let done = c.wait_all(ops).await;
    assert_eq!(done.len(), n);
    for r in done {
        assert_eq!(r.unwrap().state, VmState::Stopped);
    }

    // A bad cursor is a typed error, not a panic.
    let err = c
        .backend()
        .list_vms(&ListQuery::new(), Some(&omnivirt_core::Cursor::new("x")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[tokio::test(start_paused = true)]
async fn disks_and_migration_through_the_client() {
    let (_world, c) = client(WorldConfig::default());
    let running: Vec<_> = c
        .vms()
        .list(ListQuery::new().vm_state(VmState::Running).limit(1))
        .try_collect()
        .await
        .unwrap();
    let vm = &running[0];
    let moved = c
        .vms()
        .migrate(&vm.id, None)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(moved.state, VmState::Running);
    assert_ne!(moved.host_id, vm.host_id);

    let disk = c
        .disks()
        .create(&DiskSpec::new("scratch", 5 << 30))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(disk.state, DiskState::Ready);
    let attached = c
        .disks()
        .attach(&disk.id, &vm.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(attached.vm_id.as_ref(), Some(&vm.id));
    let of_vm: Vec<_> = c
        .disks()
        .list(ListQuery::new().vm(vm.id.clone()))
        .try_collect()
        .await
        .unwrap();
    assert!(of_vm.iter().any(|d| d.id == disk.id));
    assert_eq!(
        c.disks().delete(&disk.id).await.unwrap_err().kind(),
        ErrorKind::InvalidState
    );
    let detached = c
        .disks()
        .detach(&disk.id, &vm.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(detached.vm_id, None);
    c.disks()
        .delete(&disk.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(
        c.disks().get(&disk.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    // Tasks are visible through the task API too.
    let op = c.vms().reboot(&vm.id).await.unwrap();
    let task = op.submitted().task.clone().unwrap();
    let t = c.tasks().get(&task).await.unwrap();
    assert_eq!(t.state, TaskState::Running);
    let many = c
        .tasks()
        .get_many(std::slice::from_ref(&task))
        .await
        .unwrap();
    assert_eq!(many[0].state, TaskState::Succeeded);
}

#[tokio::test(start_paused = true)]
async fn bad_input_is_rejected_before_the_world() {
    let (world, c) = client(WorldConfig::default());
    let before = world.now();
    let err = c.vms().create(&VmSpec::new("", "x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = c
        .vms()
        .create(&VmSpec::new("x", "no-such-cluster"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(world.now(), before);
}

#[tokio::test(start_paused = true)]
async fn wall_clock_world_waits_through_the_client() {
    let (world, c) = client(
        WorldConfig::builder()
            .tick(omnivirt_sim::Tick::Wall(std::time::Duration::from_secs(5)))
            .build(),
    );
    let stopped: Vec<_> = c
        .vms()
        .list(ListQuery::new().vm_state(VmState::Stopped).limit(1))
        .try_collect()
        .await
        .unwrap();
    let start = tokio::time::Instant::now();
    let op = c.vms().start(&stopped[0].id).await.unwrap();
    assert_eq!(
        c.vms().get(&stopped[0].id).await.unwrap().state,
        VmState::Starting
    );
    let vm = op.wait().await.unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert!(start.elapsed() >= std::time::Duration::from_secs(5));
    assert_eq!(world.open_tasks(), 0);
}
