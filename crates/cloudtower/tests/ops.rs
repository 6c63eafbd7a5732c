//! The generated typed operations (`client.ops()`) on the wire: typed bodies in, typed answers
//! out, through the one send path (login, retry policy, error parsing).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_cloudtower::error::error_body;
use omnivirt_cloudtower::generated::types::*;
use omnivirt_cloudtower::tasks::WaitTasks;
use omnivirt_cloudtower::{CloudTowerClient, Credentials};
use omnivirt_core::ErrorKind;
use omnivirt_http::{HyperTransport, TlsOptions};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn setup() -> (MockServer, CloudTowerClient) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/api/login"))
        .respond_with(ok(json!({"task_id": null, "data": {"token": "tok"}})))
        .mount(&server)
        .await;
    let tower = CloudTowerClient::new(
        format!("{}/v2/api", server.uri()),
        Arc::new(HyperTransport::new(TlsOptions::default()).unwrap()),
        Credentials::password("admin", "pw"),
    );
    (server, tower)
}

#[tokio::test]
async fn a_typed_query_and_a_typed_creation_followed_by_its_task() {
    let (server, tower) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-vms"))
        .and(header("authorization", "tok"))
        .and(body_json(json!({"where": {"name_starts_with": "web-"}, "first": 1})))
        .respond_with(ok(json!([{"id": "vm1", "name": "web-1", "status": "RUNNING", "cpu": {"cores": 2, "sockets": 1}}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/create-vm"))
        .and(body_json(
            json!([{"cluster_id": "c1", "name": "db", "memory": 1024, "memory_unit": "MB"}]),
        ))
        .respond_with(ok(
            json!([{"task_id": "t1", "data": {"id": "vm2", "name": "db"}}]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-tasks"))
        .respond_with(ok(json!([{"id": "t1", "status": "SUCCESSED"}])))
        .expect(1)
        .mount(&server)
        .await;
    let ops = tower.ops();
    let vms = ops
        .get_vms(&GetVmsRequestBody {
            r#where: Some(VmWhereInput::new().name().starts_with("web-")),
            first: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(vms[0].status, Some(VmStatus::Running));
    assert_eq!(vms[0].cpu.as_ref().unwrap().cores, Some(2));
    let created = ops
        .create_vm(&[VmCreationParams {
            cluster_id: Some("c1".into()),
            name: Some("db".into()),
            memory: Some(1024),
            memory_unit: Some(ByteUnit::Mb),
            ..Default::default()
        }])
        .await
        .unwrap();
    let ids: Vec<String> = created.iter().filter_map(|w| w.task_id.clone()).collect();
    assert_eq!(created[0].data.as_ref().unwrap().id.as_deref(), Some("vm2"));
    let tasks = tower
        .wait_tasks(
            &ids,
            WaitTasks::default().interval(Duration::from_millis(5)),
        )
        .await
        .unwrap();
    assert_eq!(tasks[0].id.as_deref(), Some("t1"));
}

#[tokio::test]
async fn gets_not_modified_no_body_and_errors() {
    let (server, tower) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v2/api/get-version"))
        .respond_with(ok(json!("4.6.0")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/api/resource-changes"))
        .and(query_param("limit", "5"))
        .respond_with(ok(json!({"currentRevision": "9", "events": []})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-my-info"))
        .and(body_json(json!({})))
        .respond_with(ok(json!({"id": "u1", "username": "admin"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/add-vm-cd-rom"))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/start-vm"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "path": "/start-vm", "status": 400, "message": "Resource [VM-vm1] locked",
            "props": {"locked_resources": [{"id": "vm1", "type": "VM"}]}, "code": "ResourceLocked"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let ops = tower.ops();
    assert_eq!(ops.get_version().await.unwrap(), "4.6.0");
    let changes = ops
        .resource_changes(&[("limit".into(), "5".into())])
        .await
        .unwrap();
    assert_eq!(changes.current_revision.as_deref(), Some("9"));
    assert_eq!(
        ops.get_my_info().await.unwrap().username.as_deref(),
        Some("admin")
    );
    let none = ops
        .add_vm_cd_rom(&VmAddCdRomParams {
            r#where: Some(VmWhereInput::new().id().eq("vm1")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.is_empty());
    let err = ops
        .start_vm(&VmStartParams {
            r#where: Some(VmWhereInput::new().id().eq("vm1")),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
    assert!(error_body(&err).unwrap().is_resource_locked());
}
