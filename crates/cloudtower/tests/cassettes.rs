//! The fixtures in `fixtures/cloudtower/` replayed through the native face and the uniform
//! backend (the cassette layer sits below auth, so login is replayed too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_cloudtower::error::error_body;
use omnivirt_cloudtower::filter::{ClusterWhere, VmWhere};
use omnivirt_cloudtower::model::{TaskStatus, VmStatus};
use omnivirt_cloudtower::query::Query;
use omnivirt_cloudtower::tasks::{WaitTasks, task_ids};
use omnivirt_cloudtower::vm::{NicParams, VmFromTemplate};
use omnivirt_cloudtower::{CloudTowerBackend, CloudTowerClient, Credentials};
use omnivirt_core::{Client, ErrorKind, VmId, VmState, WaitOptions};
use omnivirt_replay::CassetteLayer;

const BASE: &str = "https://tower.test/v2/api";

fn cassette(name: &str) -> Arc<CassetteLayer> {
    let p = format!(
        "{}/../../fixtures/cloudtower/{name}.cassette.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Arc::new(CassetteLayer::replay_file(p).unwrap())
}

/// The documented login sample's user; its password is scrubbed to `***` in the cassette.
fn creds() -> Credentials {
    Credentials::password("string", "***")
}

fn fast() -> WaitTasks {
    WaitTasks::default()
        .interval(Duration::from_secs(1))
        .timeout(Duration::from_secs(30))
}

#[tokio::test]
async fn login_then_query() {
    let layer = cassette("login");
    let tower = CloudTowerClient::new(BASE, layer.clone(), creds());
    let vms = tower
        .vms()
        .list(Query::new(VmWhere::new().name().eq("YOUR_VM_NAME")))
        .await
        .unwrap();
    assert_eq!(vms.len(), 1);
    assert_eq!(vms[0].status, Some(VmStatus::Running));
    layer.finish().unwrap();
}

#[tokio::test]
async fn nested_filter_and_count() {
    let layer = cassette("filtered-query");
    let tower = CloudTowerClient::new(BASE, layer.clone(), creds());
    let vms = tower
        .vms()
        .list_where(VmWhere::new().cluster(ClusterWhere::new().name().eq("clusterA")))
        .await
        .unwrap();
    let names: Vec<&str> = vms.iter().map(|v| v.name.as_deref().unwrap()).collect();
    assert_eq!(names, ["demo", "demo2"]);
    let neutral: Vec<omnivirt_core::Vm> = vms
        .iter()
        .cloned()
        .map(omnivirt_cloudtower::convert::vm)
        .collect();
    insta::assert_json_snapshot!("filtered_query_neutral_vms", neutral);
    // The generated model types decode only; the snapshot is their Debug form.
    insta::assert_debug_snapshot!("filtered_query_native_vm", vms[1]);
    let n = tower
        .vms()
        .count(VmWhere::new().name().in_(["demo", "demo2"]))
        .await
        .unwrap();
    assert_eq!(n, 2);
    layer.finish().unwrap();
}

#[tokio::test(start_paused = true)]
async fn batch_start_then_wait_with_one_get_tasks_per_poll() {
    let layer = cassette("start-and-wait");
    let tower = CloudTowerClient::new(BASE, layer.clone(), creds());
    let started = tower
        .vm()
        .start(&VmWhere::new().id().in_(["vm_id_1", "vm_id_2"]), None)
        .await
        .unwrap();
    let ids = task_ids(&started);
    assert_eq!(ids.len(), 2, "one task per VM");
    let before = ids.clone();
    let t0 = tokio::time::Instant::now();
    let tasks = tower.wait_tasks(&ids, fast()).await.unwrap();
    assert_eq!(ids, before, "the caller's list is left alone");
    assert!(
        tasks
            .iter()
            .all(|t| t.status == Some(TaskStatus::Succeeded))
    );
    assert_eq!(tasks[0].id.as_deref(), Some(ids[0].as_str()));
    // Three polls, two pauses in between, no pause after the last one.
    assert_eq!(t0.elapsed(), Duration::from_secs(2));
    layer.finish().unwrap();
}

#[tokio::test(start_paused = true)]
async fn failed_task_is_a_typed_error_with_code_and_message() {
    let layer = cassette("failed-task");
    let tower = CloudTowerClient::new(BASE, layer.clone(), creds());
    let p = VmFromTemplate::new("template_id", "cluster_id", "vm_name").nics(vec![
        NicParams::vlan("vlan_id")
            .enabled(true)
            .model(omnivirt_cloudtower::model::VmNicModel::Virtio),
    ]);
    let created = tower.vm().create_from_template(&[p]).await.unwrap();
    assert_eq!(
        created[0]
            .data
            .entity_async_status
            .as_ref()
            .map(|s| s.as_str()),
        Some("CREATING")
    );
    let err = tower
        .wait_tasks(&task_ids(&created), fast())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    let d = err.detail().unwrap();
    assert_eq!(d.code.as_deref(), Some("CREATE_VM_FORM_TEMPLATE_FAILED"));
    assert!(
        d.message
            .as_deref()
            .unwrap()
            .contains("gateway [192.168.31.215] is unreachable")
    );
    layer.finish().unwrap();
}

#[tokio::test]
async fn resource_locked_error_body() {
    let layer = cassette("error-resource-locked");
    let tower = CloudTowerClient::new(BASE, layer.clone(), creds());
    let err = tower
        .vm()
        .remove_disk(
            &VmWhere::new().id().eq("vm_id"),
            &["vm_disk_id_1".into(), "vm_disk_id_2".into()],
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
    assert!(
        err.is_retryable(),
        "ResourceLocked is safe to retry once the lock clears"
    );
    let body = error_body(&err).unwrap();
    assert_eq!(
        body.locked_resources(),
        vec![("cvm000000000000000000001".to_owned(), "VM".to_owned())]
    );
    assert!(err.to_string().contains("locked"), "{err}");
    layer.finish().unwrap();
}

fn neutral(layer: Arc<CassetteLayer>) -> Client {
    let backend = CloudTowerBackend::with_transport(BASE, layer, creds());
    Client::new(Arc::new(backend)).with_wait_options(
        WaitOptions::new()
            .timeout(Duration::from_secs(60))
            .interval(Duration::from_secs(1), Duration::from_secs(2)),
    )
}

#[tokio::test(start_paused = true)]
async fn uniform_backend_get_start_and_wait() {
    let layer = cassette("backend-start");
    let client = neutral(layer.clone());
    let id = VmId::new("cvm000000000000000000001");
    let vm = client.vms().get(&id).await.unwrap();
    assert_eq!(vm.state, VmState::Stopped);
    assert_eq!(vm.raw_state.as_deref(), Some("STOPPED"));
    let vm = client.vms().start(&id).await.unwrap().wait().await.unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(
        vm.host_id.as_ref().map(|h| h.as_str()),
        Some("ch0000000000000000000001")
    );
    layer.finish().unwrap();
}

#[tokio::test(start_paused = true)]
async fn uniform_backend_task_failure_and_lock() {
    let layer = cassette("backend-errors");
    let client = neutral(layer.clone());
    let id = VmId::new("cvm000000000000000000001");
    let err = client
        .vms()
        .force_stop(&id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert_eq!(
        err.detail().and_then(|d| d.code.as_deref()),
        Some("VM_POWEROFF_FAILED")
    );
    let err = client.vms().stop(&id).await.err().unwrap();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
    assert!(err.is_retryable());
    layer.finish().unwrap();
}
