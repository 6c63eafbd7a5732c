//! The native client and the uniform backend against the simulator's CloudTower skin: in
//! process (SimTransport) and over loopback HTTP (SimServer).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use omnivirt_cloudtower::error::error_body;
use omnivirt_cloudtower::filter::{
    ClusterWhere, HostWhere, TaskWhere, VmDiskWhere, VmVolumeWhere, VmWhere, WhereInput, every,
    none, some,
};
use omnivirt_cloudtower::model::{EntityAsyncStatus, TaskStatus, VmStatus};
use omnivirt_cloudtower::query::{Direction, Query};
use omnivirt_cloudtower::tasks::{WaitTasks, task_ids};
use omnivirt_cloudtower::vm::{
    BasicInfo, DiskParams, NewDisk, SnapshotCreate, VmCreate, VmFromTemplate, VolumeCreate,
};
use omnivirt_cloudtower::{CloudTowerBackend, CloudTowerClient, Credentials, Language};
use omnivirt_core::{Client, ErrorKind, Op, WaitOptions};
use omnivirt_sim::skins::cloudtower::CloudTowerSkin;
use omnivirt_sim::{SimServer, SimTransport, World};

/// The CloudTower API base of the in-process simulator.
fn base() -> String {
    format!("{}/v2/api", SimTransport::BASE_URL)
}

/// A native client on `world` through the in-process transport.
fn tower_on(world: Arc<World>, credentials: Credentials) -> CloudTowerClient {
    let t = Arc::new(SimTransport::new(world, Arc::new(CloudTowerSkin::new())));
    CloudTowerClient::new(base(), t, credentials)
}

fn sim() -> (Arc<World>, CloudTowerClient) {
    let world = Arc::new(World::default());
    let tower = tower_on(world.clone(), Credentials::password("admin", "admin"));
    (world, tower)
}

/// The first VM in `status`.
async fn first_vm(tower: &CloudTowerClient, status: VmStatus) -> omnivirt_cloudtower::model::Vm {
    tower
        .vms()
        .list(Query::new(VmWhere::new().status().eq(status)).first(1))
        .await
        .unwrap()
        .remove(0)
}

fn fast() -> WaitTasks {
    WaitTasks::default()
        .interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(5))
}

#[tokio::test]
async fn where_operators_and_relations_are_evaluated() {
    let (_w, tower) = sim();
    let all = tower.vms().list(Query::all()).await.unwrap();
    assert_eq!(all.len(), 20);
    let running = all
        .iter()
        .filter(|v| v.status == Some(VmStatus::Running))
        .count();
    assert!(running > 0 && running < 20);

    let n = tower
        .vms()
        .count(VmWhere::new().status().eq(VmStatus::Running))
        .await
        .unwrap();
    assert_eq!(n as usize, running);
    let n = tower
        .vms()
        .count(VmWhere::new().status().not_in([VmStatus::Running]))
        .await
        .unwrap();
    assert_eq!(n as usize, 20 - running);

    let first = &all[0];
    let by_cluster = tower
        .vms()
        .list_where(VmWhere::new().cluster(ClusterWhere::new().name().eq("cluster-01")))
        .await
        .unwrap();
    assert!(!by_cluster.is_empty());
    assert!(
        by_cluster
            .iter()
            .all(|v| v.cluster.as_ref().unwrap().name.as_deref() == Some("cluster-01"))
    );

    let starts = tower
        .vms()
        .list_where(VmWhere::new().name().starts_with("vm-0000"))
        .await
        .unwrap();
    assert_eq!(starts.len(), 9, "vm-00001 .. vm-00009");
    let or = tower
        .vms()
        .list_where(VmWhere::new().or([
            VmWhere::new().name().eq("vm-00001"),
            VmWhere::new().name().ends_with("02"),
        ]))
        .await
        .unwrap();
    assert_eq!(or.len(), 2);
    let not = tower
        .vms()
        .count(VmWhere::new().not([VmWhere::new().name().contains("0001")]))
        .await
        .unwrap();
    assert_eq!(not, 9, "vm-00001 and vm-00010 ..= vm-00019 excluded");

    // Nested to-many relation through the VM's disk slots to their volumes.
    let disk = tower
        .vm_disks()
        .list_where(VmDiskWhere::new().vm(VmWhere::new().id().eq(first.id.clone().unwrap())))
        .await
        .unwrap();
    let vol_name = disk[0].vm_volume.as_ref().unwrap().name.clone().unwrap();
    let via = tower
        .vms()
        .list_where(VmWhere::new().vm_disks(some(
            VmDiskWhere::new().vm_volume(VmVolumeWhere::new().name().eq(vol_name)),
        )))
        .await
        .unwrap();
    assert_eq!(via.len(), 1);
    assert_eq!(via[0].id, first.id);
    let no_disks = tower
        .vms()
        .count(VmWhere::new().vm_disks(none(VmDiskWhere::new())))
        .await
        .unwrap();
    assert_eq!(no_disks, 0);
    let every_virtio = tower
        .vms()
        .count(
            VmWhere::new().vm_disks(every(
                VmDiskWhere::new()
                    .bus()
                    .eq(omnivirt_cloudtower::model::Bus::Virtio),
            )),
        )
        .await
        .unwrap();
    assert_eq!(every_virtio, 20);

    // Numbers compare as numbers; hosts filter by their VMs.
    let big = tower
        .vms()
        .count(VmWhere::new().vcpu().gt(100))
        .await
        .unwrap();
    assert_eq!(big, 0);
    let busy_hosts = tower
        .hosts()
        .list_where(HostWhere::new().vms(some(VmWhere::new().status().eq(VmStatus::Running))))
        .await
        .unwrap();
    assert!(!busy_hosts.is_empty());
    let clusters = tower
        .clusters()
        .list_where(ClusterWhere::new().vms(some(VmWhere::new().name().eq("vm-00001"))))
        .await
        .unwrap();
    assert_eq!(clusters.len(), 1);

    // An unknown field is a 400 with the CloudTower error body.
    let err = tower
        .vms()
        .list_where(VmWhere::new().raw("colour", serde_json::json!("red")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(error_body(&err).unwrap().status, Some(400));
}

#[tokio::test]
async fn order_paging_and_streams() {
    let (_w, tower) = sim();
    let desc = tower
        .vms()
        .list(
            Query::<VmWhere>::all()
                .order_by("name", Direction::Desc)
                .first(3),
        )
        .await
        .unwrap();
    let names: Vec<&str> = desc.iter().map(|v| v.name.as_deref().unwrap()).collect();
    assert_eq!(names, ["vm-00020", "vm-00019", "vm-00018"]);
    let page2 = tower
        .vms()
        .list(
            Query::<VmWhere>::all()
                .order_by("name", Direction::Asc)
                .skip(5)
                .first(2),
        )
        .await
        .unwrap();
    assert_eq!(page2[0].name.as_deref(), Some("vm-00006"));
    let streamed: Vec<_> = tower
        .vms()
        .stream(Query::all(), 6)
        .map(|r| r.unwrap().id)
        .collect()
        .await;
    assert_eq!(streamed.len(), 20);
    let mut dedup = streamed.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 20, "no VM twice across pages");
    let last = tower
        .vms()
        .list(
            Query::<VmWhere>::all()
                .order_by("name", Direction::Asc)
                .last(2),
        )
        .await
        .unwrap();
    assert_eq!(last[1].name.as_deref(), Some("vm-00020"));
    let zh = tower.with_language(Language::ZhCn);
    assert!(!zh.alerts().list(Query::all()).await.unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn batch_power_with_one_task_per_vm_and_batched_waiting() {
    let (_w, tower) = sim();
    let stopped = tower
        .vms()
        .list(Query::new(VmWhere::new().status().eq(VmStatus::Stopped)).first(3))
        .await
        .unwrap();
    assert_eq!(stopped.len(), 3);
    let ids: Vec<String> = stopped.iter().map(|v| v.id.clone().unwrap()).collect();
    let started = tower
        .vm()
        .start(&VmWhere::new().id().in_(ids.clone()), None)
        .await
        .unwrap();
    assert_eq!(started.len(), 3, "one task per VM");
    assert!(
        started
            .iter()
            .all(|w| w.data.entity_async_status == Some(EntityAsyncStatus::Updating))
    );
    let tasks = tower.wait_tasks(&task_ids(&started), fast()).await.unwrap();
    assert!(
        tasks
            .iter()
            .all(|t| t.status == Some(TaskStatus::Succeeded))
    );
    let now = tower
        .vms()
        .list_where(VmWhere::new().id().in_(ids.clone()))
        .await
        .unwrap();
    assert!(
        now.iter()
            .all(|v| v.status == Some(VmStatus::Running) && v.host.is_some())
    );

    // While a shutdown runs, a second operation on the VM is refused as ResourceLocked.
    let one = VmWhere::new().id().eq(ids[0].clone());
    let down = tower.vm().shutdown(&one).await.unwrap();
    let err = tower.vm().poweroff(&one).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
    assert!(err.is_retryable());
    assert_eq!(
        err.detail().unwrap().code.as_deref(),
        Some("ResourceLocked")
    );
    assert_eq!(error_body(&err).unwrap().locked_resources()[0].0, ids[0]);
    tower.wait_tasks(&task_ids(&down), fast()).await.unwrap();
    let vm = tower.vms().get(&ids[0]).await.unwrap();
    assert_eq!(vm.status, Some(VmStatus::Stopped));

    // Tasks are queryable like everything else.
    let mine = tower
        .tasks()
        .list_where(TaskWhere::new().resource_id().eq(ids[0].clone()))
        .await
        .unwrap();
    assert_eq!(mine.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn failed_task_unknown_task_and_timeout() {
    let (world, tower) = sim();
    let vm = first_vm(&tower, VmStatus::Stopped).await;
    world
        .faults()
        .fail_next_task("VM_START_FAILED", "no memory on host");
    let started = tower
        .vm()
        .start(&VmWhere::new().id().eq(vm.id.clone().unwrap()), None)
        .await
        .unwrap();
    let err = tower
        .wait_tasks(&task_ids(&started), fast())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert_eq!(
        err.detail().unwrap().code.as_deref(),
        Some("VM_START_FAILED")
    );
    assert!(err.to_string().contains("no memory on host"), "{err}");

    // exit_on_error stops at the first failure without waiting for the others.
    let two = tower
        .vms()
        .list(Query::new(VmWhere::new().status().eq(VmStatus::Running)).first(2))
        .await
        .unwrap();
    world
        .faults()
        .fail_next_task("VM_SUSPEND_FAILED", "guest agent timeout");
    let first = tower
        .vm()
        .suspend(&VmWhere::new().id().eq(two[0].id.clone().unwrap()))
        .await
        .unwrap();
    let second = tower
        .vm()
        .suspend(&VmWhere::new().id().eq(two[1].id.clone().unwrap()))
        .await
        .unwrap();
    let mut ids = task_ids(&first);
    ids.extend(task_ids(&second));
    let err = tower
        .wait_tasks(&ids, fast().exit_on_error(true))
        .await
        .unwrap_err();
    assert_eq!(
        err.detail().unwrap().code.as_deref(),
        Some("VM_SUSPEND_FAILED")
    );

    let err = tower
        .wait_tasks(&["c-no-such-task".into()], fast())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    // A task that never ends (wall clock far away) times out with a typed error.
    world.set_tick(omnivirt_sim::Tick::Wall(Duration::from_secs(3600)));
    let started = tower
        .vm()
        .start(&VmWhere::new().id().eq(vm.id.clone().unwrap()), None)
        .await
        .unwrap();
    let err = tower
        .wait_tasks(&task_ids(&started), fast().timeout(Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[tokio::test(start_paused = true)]
async fn resource_locked_is_resent_when_asked() {
    let (world, tower) = sim();
    world.set_tick(omnivirt_sim::Tick::Wall(Duration::from_secs(3)));
    let vm = first_vm(&tower, VmStatus::Running).await;
    let w = VmWhere::new().id().eq(vm.id.clone().unwrap());
    tower.vm().suspend(&w).await.unwrap();
    // Without the option: refused at once.
    let err = tower.vm().resume(&w).await.unwrap_err();
    assert_eq!(
        err.detail().unwrap().code.as_deref(),
        Some("ResourceLocked")
    );
    // With it: sent again once the suspend's task has ended.
    let patient = tower.with_lock_retry(omnivirt_cloudtower::LockRetry::new(
        5,
        Duration::from_secs(1),
    ));
    let t0 = tokio::time::Instant::now();
    let resumed = patient.vm().resume(&w).await.unwrap();
    assert_eq!(resumed.len(), 1);
    assert!(t0.elapsed() >= Duration::from_secs(2), "{:?}", t0.elapsed());
}

#[tokio::test(start_paused = true)]
async fn create_update_snapshot_and_delete() {
    let (_w, tower) = sim();
    let cluster = tower.clusters().list(Query::all()).await.unwrap().remove(0);
    let created = tower
        .vm()
        .create(&[VmCreate::new(cluster.id.clone().unwrap(), "web-new")
            .cpu(2, 2)
            .memory_bytes(2 << 30)
            .disks(DiskParams::new().create(NewDisk::new(
                "web-new-root",
                20 << 30,
                omnivirt_cloudtower::model::StoragePolicy::Replica2Thin,
                omnivirt_cloudtower::model::Bus::Virtio,
                0,
            )))])
        .await
        .unwrap();
    assert_eq!(
        created[0].data.entity_async_status,
        Some(EntityAsyncStatus::Creating)
    );
    tower.wait_tasks(&task_ids(&created), fast()).await.unwrap();
    let id = created[0].data.id.clone().unwrap();
    let w = VmWhere::new().id().eq(id.clone());
    let vm = tower.vms().get(&id).await.unwrap();
    assert_eq!(vm.vcpu, Some(4));
    assert_eq!(vm.vm_disks.as_ref().map(Vec::len), Some(1));

    let updated = tower
        .vm()
        .update_basic_info(&w, &BasicInfo::new().description("front end"))
        .await
        .unwrap();
    tower.wait_tasks(&task_ids(&updated), fast()).await.unwrap();
    assert_eq!(
        tower.vms().get(&id).await.unwrap().description.as_deref(),
        Some("front end")
    );

    let snap = tower
        .vm()
        .create_snapshot(&[SnapshotCreate::new(id.clone(), "before-upgrade")])
        .await
        .unwrap();
    tower.wait_tasks(&task_ids(&snap), fast()).await.unwrap();
    let snap = tower
        .vm_snapshots()
        .get(snap[0].data.id.as_deref().unwrap())
        .await
        .unwrap();
    let lun_names: Vec<String> = snap
        .vm_disks
        .unwrap()
        .into_iter()
        .filter_map(|d| d.snapshot_local_id)
        .collect();
    assert_eq!(lun_names.len(), 1);
    let luns = tower
        .iscsi_lun_snapshots()
        .list_where(
            omnivirt_cloudtower::filter::IscsiLunSnapshotWhere::new()
                .name()
                .in_(lun_names),
        )
        .await
        .unwrap();
    assert_eq!(luns.len(), 1);

    let resized = tower
        .vm()
        .update_basic_info(&w, &BasicInfo::new().memory_bytes(8 << 30))
        .await
        .unwrap();
    tower.wait_tasks(&task_ids(&resized), fast()).await.unwrap();
    let rolled = tower
        .vm()
        .rollback(&w, snap.id.as_deref().unwrap())
        .await
        .unwrap();
    tower.wait_tasks(&task_ids(&rolled), fast()).await.unwrap();
    assert_eq!(tower.vms().get(&id).await.unwrap().memory, Some(2 << 30));
    let deleted = tower
        .vm()
        .delete_snapshot(
            &omnivirt_cloudtower::filter::VmSnapshotWhere::new()
                .id()
                .eq(snap.id.clone().unwrap()),
        )
        .await
        .unwrap();
    tower.wait_tasks(&task_ids(&deleted), fast()).await.unwrap();
    assert_eq!(
        tower
            .vm_snapshots()
            .count(omnivirt_cloudtower::filter::VmSnapshotWhere::new().vm(w.clone()))
            .await
            .unwrap(),
        0
    );

    let recycled = tower.vm().move_to_recycle(&w).await.unwrap();
    assert_eq!(recycled[0].task_id, None);
    assert_eq!(
        tower
            .vms()
            .count(VmWhere::new().in_recycle_bin().eq(true))
            .await
            .unwrap(),
        1
    );
    tower.vm().recover(&w).await.unwrap();
    let deleted = tower.vm().delete(&w, None).await.unwrap();
    tower.wait_tasks(&task_ids(&deleted), fast()).await.unwrap();
    let err = tower.vms().get(&id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let tpl = tower
        .content_library_vm_templates()
        .list(Query::all())
        .await
        .unwrap()
        .remove(0);
    let from_tpl = tower
        .vm()
        .create_from_template(&[VmFromTemplate::new(
            tpl.id.unwrap(),
            cluster.id.clone().unwrap(),
            "from-tpl",
        )])
        .await
        .unwrap();
    tower
        .wait_tasks(&task_ids(&from_tpl), fast())
        .await
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn expired_session_logs_in_again_once() {
    let (world, tower) = sim();
    tower.login().await.unwrap();
    world.faults().expire_sessions();
    assert_eq!(tower.vms().count(VmWhere::new()).await.unwrap(), 20);
    assert!(world.session_count() >= 1);

    let bad = tower_on(
        world.clone(),
        Credentials::password("admin", "hunter2-not-it"),
    );
    let err = bad.vms().count(VmWhere::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert!(!format!("{err:?} {err}").contains("hunter2"));
}

fn neutral(world: Arc<World>) -> Client {
    let t = Arc::new(SimTransport::new(world, Arc::new(CloudTowerSkin::new())));
    let backend =
        CloudTowerBackend::with_transport(base(), t, Credentials::password("admin", "admin"));
    Client::new(Arc::new(backend)).with_wait_options(
        WaitOptions::new()
            .timeout(Duration::from_secs(30))
            .interval(Duration::from_millis(10), Duration::from_millis(50)),
    )
}

// The uniform behaviour of the backend (lifecycle, power, migration, disks, filters, paging,
// hosts, batched task reads, errors) is tested once for every backend by the conformance suite
// (`tests/`); what follows is CloudTower's own.

#[tokio::test]
async fn uniform_backend_names_cloudtower_and_batches_task_reads() {
    let client = neutral(Arc::new(World::default()));
    assert_eq!(client.vendor(), "cloudtower");
    assert!(client.capabilities().supports(Op::TaskGetBatch));
}

#[tokio::test]
async fn ldap_login_through_the_graphql_discovery() {
    let world = Arc::new(World::default());
    let tower = tower_on(
        world,
        Credentials::password("admin", "admin")
            .with_source(omnivirt_cloudtower::model::UserSource::Ldap, None),
    );
    assert_eq!(tower.vms().count(VmWhere::new()).await.unwrap(), 20);
}

#[tokio::test]
async fn over_loopback_http() {
    let world = Arc::new(World::default());
    let server = SimServer::start(
        world,
        vec![Arc::new(CloudTowerSkin::new())],
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let tower = CloudTowerClient::builder(format!("{}/v2/api", server.url()))
        .credentials(Credentials::password("admin", "admin"))
        .build()
        .unwrap();
    assert_eq!(tower.get_version().await.unwrap(), "4.6.0");
    let stopped = tower
        .vms()
        .list(Query::new(VmWhere::new().status().eq(VmStatus::Stopped)).first(1))
        .await
        .unwrap();
    let started = tower
        .vm()
        .start(
            &VmWhere::new().id().eq(stopped[0].id.clone().unwrap()),
            None,
        )
        .await
        .unwrap();
    let done = tower.wait_tasks(&task_ids(&started), fast()).await.unwrap();
    assert_eq!(done[0].status, Some(TaskStatus::Succeeded));
    let vol = tower
        .vm()
        .create_volume(&[VolumeCreate::new(
            stopped[0].cluster.clone().unwrap().id.unwrap(),
            "v1",
            1 << 30,
        )])
        .await
        .unwrap();
    tower.wait_tasks(&task_ids(&vol), fast()).await.unwrap();
    tower.close().await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn the_skin_answers_bad_input_with_error_bodies_never_a_panic() {
    use omnivirt_http::{Request, Transport};
    let world = Arc::new(World::default());
    let t = SimTransport::new(world.clone(), Arc::new(CloudTowerSkin::new()));
    let token = world.login("admin", "admin").unwrap();
    let ops = [
        "get-vms",
        "get-vms-connection",
        "get-hosts",
        "get-clusters",
        "get-tasks",
        "get-vm-volumes",
        "get-vm-disks",
        "get-vm-snapshots",
        "create-vm",
        "create-vm-from-content-library-template",
        "start-vm",
        "shutdown-vm",
        "migrate-vm",
        "delete-vm",
        "update-vm-basic-info",
        "add-vm-disk",
        "remove-vm-disk",
        "create-vm-volume",
        "delete-vm-volume",
        "create-vm-snapshot",
        "delete-vm-snapshot",
        "add-vm-nic",
        "update-vm-nic",
        "remove-vm-nic",
        "add-vm-cd-rom",
        "remove-vm-cd-rom",
        "update-vm-disk",
        "move-vm-to-recycle",
        "rollback-vm",
        "no-such-op",
    ];
    let bodies = [
        "not json",
        "[]",
        "{}",
        r#"{"where": 5}"#,
        r#"{"where": {"vcpu_gt": "x"}}"#,
        r#"{"where": {"colour": 1}}"#,
        r#"{"where": {"AND": 3}}"#,
        r#"{"where": {"id_in": "x"}}"#,
        r#"{"first": -1}"#,
        r#"{"orderBy": "vcpu_SIDEWAYS"}"#,
        r#"[{"name": "x"}]"#,
        r#"[{"name": "x", "cluster_id": "nope", "memory": 1, "memory_unit": "ZB"}]"#,
        r#"{"where": {}, "data": {"vm_disks": {"mount_disks": [{"vm_volume_id": 1}]}}}"#,
        r#"{"data": [{"vm_id": "nope", "name": "s"}]}"#,
    ];
    for op in ops {
        for body in bodies {
            let req = Request::post(format!("{}/v2/api/{op}", SimTransport::BASE_URL))
                .secret_header("Authorization", token.expose())
                .unwrap()
                .body(body.to_owned());
            let resp = t.send(req).await.unwrap();
            let status = resp.status.as_u16();
            let bytes = resp.bytes().await.unwrap();
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            if status != 200 {
                assert!((400..500).contains(&status), "{op} {body}: {status}");
                assert!(
                    v["message"].is_string() && v["status"] == status,
                    "{op} {body}: {v}"
                );
            }
        }
    }
}

#[tokio::test]
async fn nic_and_cd_rom_edits() {
    use omnivirt_cloudtower::filter::VmNicWhere;
    use omnivirt_cloudtower::model::{VmDiskType, VmNicModel};
    use omnivirt_cloudtower::vm::{CdRom, DiskUpdate, NicParams, NicUpdate};
    let (_w, tower) = sim();
    let vm = tower
        .vms()
        .list(Query::all().first(1))
        .await
        .unwrap()
        .remove(0);
    let w = VmWhere::new().id().eq(vm.id.clone().unwrap());
    let of_vm = || VmNicWhere::new().vm(VmWhere::new().id().eq(vm.id.clone().unwrap()));

    // The World's NICs: a VLAN of the VM's cluster, added by a task.
    let cluster = vm.cluster.as_ref().unwrap().id.clone().unwrap();
    let vlans = tower
        .vlans()
        .list_where(
            omnivirt_cloudtower::filter::VlanWhere::new().vds(
                omnivirt_cloudtower::filter::VdsWhere::new().cluster(
                    omnivirt_cloudtower::filter::ClusterWhere::new()
                        .id()
                        .eq(cluster),
                ),
            ),
        )
        .await
        .unwrap();
    let vlan = vlans[0].id.clone().unwrap();
    let added = tower
        .vm()
        .add_nic(
            &w,
            &[NicParams::vlan(vlan.clone())
                .model(VmNicModel::E1000)
                .mac("52:54:00:aa:bb:cc")],
        )
        .await
        .unwrap();
    tower.wait_tasks(&task_ids(&added), fast()).await.unwrap();
    let nics = tower.vm_nics().list_where(of_vm()).await.unwrap();
    assert_eq!(nics.len(), 2);
    assert_eq!(nics[1].model, Some(VmNicModel::E1000));
    let by_mac = tower
        .vm_nics()
        .list_where(of_vm().mac_address().eq("52:54:00:aa:bb:cc"))
        .await
        .unwrap();
    assert_eq!(by_mac.len(), 1);
    tower
        .vm()
        .update_nic(&w, &NicUpdate::new(1, NicParams::default().enabled(false)))
        .await
        .unwrap();
    let nics = tower.vm_nics().list_where(of_vm()).await.unwrap();
    assert_eq!(nics[1].enabled, Some(false));
    let removed = tower.vm().remove_nic(&w, &[0]).await.unwrap();
    tower.wait_tasks(&task_ids(&removed), fast()).await.unwrap();
    let nics = tower.vm_nics().list_where(of_vm()).await.unwrap();
    assert_eq!(nics.len(), 1);
    assert_eq!(
        nics[0].vlan.as_ref().unwrap().id.as_deref(),
        Some(vlan.as_str())
    );
    assert_eq!(nics[0].mac_address.as_deref(), Some("52:54:00:aa:bb:cc"));
    assert_eq!(nics[0].enabled, Some(false), "the flags follow the NIC");
    let err = tower.vm().remove_nic(&w, &[5]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = tower
        .vm()
        .add_nic(&w, &[NicParams::vlan("no-such-vlan")])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let cd_roms = || {
        VmDiskWhere::new()
            .vm(w.clone())
            .disk_type()
            .eq(VmDiskType::CdRom)
    };
    tower
        .vm()
        .add_cd_rom(&w, &[CdRom::empty(2).elf_image("iso-1")])
        .await
        .unwrap();
    let cds = tower.vm_disks().list_where(cd_roms()).await.unwrap();
    assert_eq!(cds.len(), 1);
    assert_eq!(
        cds[0].elf_image.as_ref().unwrap().id.as_deref(),
        Some("iso-1")
    );
    tower
        .vm()
        .update_disk(&w, &DiskUpdate::eject(cds[0].id.clone().unwrap()))
        .await
        .unwrap();
    let cd = tower
        .vm_disks()
        .get(cds[0].id.as_deref().unwrap())
        .await
        .unwrap();
    assert!(cd.elf_image.is_none(), "null ejected the ISO");
    tower
        .vm()
        .remove_cd_rom(&w, &[cds[0].id.clone().unwrap()])
        .await
        .unwrap();
    let left = tower.vm_disks().count(cd_roms()).await.unwrap();
    assert_eq!(left, 0);

    // A busy VM refuses edits with ResourceLocked.
    let busy = first_vm(&tower, VmStatus::Running).await;
    let bw = VmWhere::new().id().eq(busy.id.clone().unwrap());
    tower.vm().shutdown(&bw).await.unwrap();
    let err = tower
        .vm()
        .add_nic(&bw, &[NicParams::vlan("v")])
        .await
        .unwrap_err();
    assert_eq!(
        err.detail().unwrap().code.as_deref(),
        Some("ResourceLocked")
    );
}
