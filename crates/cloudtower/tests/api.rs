//! `api::call` / `api::call_on` on the wire (wiremock on loopback): method, path, query and body
//! for operations across resource groups, refusals before any request, tasks followed to their
//! end, and the session closed afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_cloudtower::api::{self, OPERATIONS};
use omnivirt_cloudtower::tasks::WaitTasks;
use omnivirt_cloudtower::{CloudTowerClient, CloudTowerConfig, Credentials};
use omnivirt_core::ErrorKind;
use omnivirt_core::api::CallArgs;
use omnivirt_http::{HyperTransport, SharedTransport, TlsOptions};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn hyper() -> SharedTransport {
    Arc::new(HyperTransport::new(TlsOptions::default()).unwrap())
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn server_with_login(logins: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/api/login"))
        .and(body_json(
            json!({"username": "admin", "password": "pw", "source": "LOCAL"}),
        ))
        .respond_with(ok(json!({"task_id": null, "data": {"token": "tok"}})))
        .expect(logins)
        .mount(&server)
        .await;
    server
}

fn tower(server: &MockServer) -> CloudTowerClient {
    CloudTowerClient::new(
        format!("{}/v2/api", server.uri()),
        hyper(),
        Credentials::password("admin", "pw"),
    )
}

fn args(words: &[&str]) -> CallArgs {
    CallArgs::parse(words).unwrap()
}

fn quick() -> Option<WaitTasks> {
    Some(WaitTasks::default().interval(Duration::from_millis(5)))
}

#[tokio::test]
async fn queries_send_their_fields_as_the_body() {
    let server = server_with_login(1).await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-vms"))
        .and(header("authorization", "tok"))
        .and(body_json(
            json!({"where": {"name_starts_with": "web-"}, "first": 2, "orderBy": "name_ASC"}),
        ))
        .respond_with(ok(
            json!([{"id": "vm1", "name": "web-1", "entityAsyncStatus": null}]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-clusters-connection"))
        .and(body_json(json!({"where": {"type": "SMTX_OS"}})))
        .respond_with(ok(json!({"aggregate": {"count": 3}})))
        .expect(1)
        .mount(&server)
        .await;
    let t = tower(&server);
    let a = args(&[
        r#"where={"name_starts_with":"web-"}"#,
        "first=2",
        "orderBy=name_ASC",
    ]);
    let vms = api::call_on(&t, "get-vms", &a, None).await.unwrap();
    // The model's own field names come back, camelCase exceptions included.
    assert_eq!(vms[0]["name"], "web-1");
    assert!(vms[0].get("entityAsyncStatus").is_some());
    let n = api::call_on(
        &t,
        "get-clusters-connection",
        &args(&[r#"where={"type":"SMTX_OS"}"#]),
        None,
    )
    .await
    .unwrap();
    assert_eq!(n["aggregate"]["count"], 3);
}

#[tokio::test]
async fn mutations_across_groups_have_their_documented_shapes() {
    let server = server_with_login(1).await;
    let cases = [
        (
            "update-vm-basic-info",
            vec![r#"where={"id":"vm1"}"#, r#"data={"name":"db","vcpu":4}"#],
            json!({"where": {"id": "vm1"}, "data": {"name": "db", "vcpu": 4}}),
        ),
        (
            "create-vm-snapshot",
            vec![r#"data=[{"vm_id":"vm1","name":"s1"}]"#],
            json!({"data": [{"vm_id": "vm1", "name": "s1"}]}),
        ),
        (
            // An array body: the pairs are one element.
            "create-label",
            vec!["key=env", "value=prod"],
            json!([{"key": "env", "value": "prod"}]),
        ),
        (
            "delete-vm",
            vec![
                r#"where={"id_in":["a","b"]}"#,
                r#"effect={"include_snapshots":true}"#,
            ],
            json!({"where": {"id_in": ["a", "b"]}, "effect": {"include_snapshots": true}}),
        ),
        (
            "enter-maintance-mode",
            vec![r#"where={"host_id":"h1"}"#, r#"data={"shutdown_vms":[]}"#],
            json!({"where": {"host_id": "h1"}, "data": {"shutdown_vms": []}}),
        ),
    ];
    for (name, _, body) in &cases {
        Mock::given(method("POST"))
            .and(path(format!("/v2/api/{name}")))
            .and(body_json(body.clone()))
            .respond_with(ok(json!([{"task_id": null, "data": {"id": "x"}}])))
            .expect(1)
            .mount(&server)
            .await;
    }
    let t = tower(&server);
    for (name, words, _) in &cases {
        let out = api::call_on(&t, name, &args(words), quick()).await;
        let out = out.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(out[0]["data"]["id"], "x", "{name}");
    }
}

#[tokio::test]
async fn the_whole_body_and_an_array_of_several() {
    let server = server_with_login(1).await;
    let body = json!([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]);
    Mock::given(method("POST"))
        .and(path("/v2/api/create-label"))
        .and(body_json(body.clone()))
        .respond_with(ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let t = tower(&server);
    let a = CallArgs::default().with_body(body);
    api::call_on(&t, "create-label", &a, None).await.unwrap();
}

#[tokio::test]
async fn get_operations_use_the_query_and_get_version_needs_no_login() {
    let server = server_with_login(1).await;
    Mock::given(method("GET"))
        .and(path("/v2/api/get-version"))
        .respond_with(ok(json!("4.6.0")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/api/resource-changes"))
        .and(query_param("resource_type", "vm x"))
        .and(query_param("limit", "10"))
        .respond_with(ok(json!({"events": [], "currentRevision": "7"})))
        .expect(1)
        .mount(&server)
        .await;
    let t = tower(&server);
    let v = api::call_on(&t, "get-version", &CallArgs::default(), None)
        .await
        .unwrap();
    assert_eq!(v, json!("4.6.0"));
    // Only the version call so far: it went without a login.
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1);
    let a = args(&["resource_type=vm x", "limit=10"]);
    let v = api::call_on(&t, "resource-changes", &a, None)
        .await
        .unwrap();
    assert_eq!(v["currentRevision"], "7");
}

#[tokio::test]
async fn missing_and_unknown_parameters_send_nothing() {
    let server = MockServer::start().await;
    let t = tower(&server);
    // create-vm needs name, cluster_id, cpu...: refused before login or request.
    let err = api::call_on(&t, "create-vm", &args(&["name=web"]), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("missing required"), "{err}");
    let err = api::call_on(&t, "start-vm", &args(&[r#"wher={"id":"a"}"#]), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("did you mean where?"), "{err}");
    let err = api::call_on(&t, "start-vms", &CallArgs::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("start-vm"), "{err}");
    let err = api::call_on(&t, "upload-elf-image", &CallArgs::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_task_is_followed_to_its_end() {
    let server = server_with_login(1).await;
    Mock::given(method("POST"))
        .and(path("/v2/api/start-vm"))
        .and(body_json(json!({"where": {"id": "vm1"}})))
        .respond_with(ok(
            json!([{"task_id": "t1", "data": {"id": "vm1", "status": "STOPPED"}}]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-tasks"))
        .and(body_json(json!({"where": {"id_in": ["t1"]}})))
        .respond_with(ok(
            json!([{"id": "t1", "status": "EXECUTING", "progress": 0.5}]),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-tasks"))
        .respond_with(ok(
            json!([{"id": "t1", "status": "SUCCESSED", "progress": 1.0, "new_in_5_0": 7}]),
        ))
        // The poll that sees it done, then one read of the finished task as the tower wrote
        // it (the typed model decodes only, and would drop what it does not know).
        .expect(2)
        .mount(&server)
        .await;
    let t = tower(&server);
    let out = api::call_on(&t, "start-vm", &args(&[r#"where={"id":"vm1"}"#]), quick())
        .await
        .unwrap();
    assert_eq!(out[0]["data"]["id"], "vm1");
    assert_eq!(out[0]["task"]["status"], "SUCCESSED");
    assert_eq!(
        out[0]["task"]["new_in_5_0"], 7,
        "every field the tower sent"
    );
    assert_eq!(out[0]["task_id"], "t1");
}

#[tokio::test]
async fn a_failed_task_is_a_task_failed_error() {
    let server = server_with_login(1).await;
    Mock::given(method("POST"))
        .and(path("/v2/api/poweroff-vm"))
        .respond_with(ok(json!([{"task_id": "t9", "data": {"id": "vm1"}}])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-tasks"))
        .respond_with(ok(
            json!([{"id": "t9", "status": "FAILED", "error_code": "E", "error_message": "no"}]),
        ))
        .mount(&server)
        .await;
    let t = tower(&server);
    let err = api::call_on(
        &t,
        "poweroff-vm",
        &args(&[r#"where={"id":"vm1"}"#]),
        quick(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    // Without follow the answer comes back as sent, task ids included.
    let out = api::call_on(&t, "poweroff-vm", &args(&[r#"where={"id":"vm1"}"#]), None)
        .await
        .unwrap();
    assert_eq!(out[0]["task_id"], "t9");
}

#[tokio::test]
async fn the_session_is_closed_after_success_and_after_an_error() {
    // Three logins: each call after a close logs in again.
    let server = server_with_login(3).await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-hosts"))
        .respond_with(ok(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-zones"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"message": "Cannot POST /v2/api/get-zones", "status": 404, "path": "/get-zones"}),
        ))
        .mount(&server)
        .await;
    let t = tower(&server);
    api::call_on_and_close(&t, "get-hosts", &CallArgs::default(), None)
        .await
        .unwrap();
    let err = api::call_on_and_close(&t, "get-zones", &CallArgs::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    api::call_on(&t, "get-hosts", &CallArgs::default(), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn call_connects_from_a_config() {
    let server = server_with_login(1).await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-datacenters"))
        .and(body_json(json!({"first": 1})))
        .respond_with(ok(json!([{"id": "dc", "name": "main"}])))
        .expect(1)
        .mount(&server)
        .await;
    let config = CloudTowerConfig::new(server.uri()).user("admin", "pw");
    let v = api::call(&config, "get-datacenters", &args(&["first=1"]), true)
        .await
        .unwrap();
    assert_eq!(v[0]["name"], "main");
    assert!(OPERATIONS.iter().any(|o| o.name == "get-datacenters"));
}

#[tokio::test]
async fn over_the_simulator_an_unsimulated_operation_is_a_typed_one_line_error() {
    use omnivirt_sim::skins::cloudtower::CloudTowerSkin;
    use omnivirt_sim::{SimTransport, World};
    let t = Arc::new(SimTransport::new(
        Arc::new(World::default()),
        Arc::new(CloudTowerSkin::new()),
    ));
    let tower = CloudTowerClient::new(
        format!("{}/v2/api", SimTransport::BASE_URL),
        t,
        Credentials::password("admin", "admin"),
    );
    let a = args(&["name=dc2", "organization_id=o"]);
    let err = api::call_on(&tower, "create-datacenter", &a, quick())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let text = err.to_string();
    assert!(
        text.contains("/create-datacenter: Cannot POST /v2/api/create-datacenter"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");
    // A simulated operation, followed: the VM ends running.
    let vms = api::call_on(
        &tower,
        "get-vms",
        &args(&[r#"where={"status":"STOPPED"}"#, "first=1"]),
        None,
    )
    .await
    .unwrap();
    let id = vms[0]["id"].as_str().unwrap().to_owned();
    let w = format!(r#"where={{"id":"{id}"}}"#);
    let out = api::call_on(&tower, "start-vm", &args(&[w.as_str()]), quick())
        .await
        .unwrap();
    assert_eq!(out[0]["task"]["status"], "SUCCESSED");
}

#[tokio::test]
async fn tokens_and_console_secrets_are_never_returned() {
    let server = server_with_login(2).await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-vm-vnc-info"))
        .respond_with(ok(json!({
            "vm": {"id": "vm1"},
            "cluster_ip": "10.0.0.5",
            "terminal": "https://tower/terminal?vm=vm1&token=vnc-secret-1",
            "redirect": "wss://10.0.0.5/websockify/?token=vnc-secret-2",
            "direct": "wss://10.0.0.9/websockify/?token=vnc-secret-3&x=1",
        })))
        .mount(&server)
        .await;
    let t = tower(&server);
    let out = api::call_on(&t, "get-vm-vnc-info", &args(&[r#"vm={"id":"vm1"}"#]), None)
        .await
        .unwrap();
    let text = out.to_string();
    assert!(!text.contains("vnc-secret"), "{text}");
    assert_eq!(out["cluster_ip"], "10.0.0.5");
    assert_eq!(out["direct"], "wss://10.0.0.9/websockify/?token=***&x=1");
    let login = args(&["username=admin", "password=pw", "source=LOCAL"]);
    let out = api::call_on(&t, "login", &login, None).await.unwrap();
    assert_eq!(out["data"]["token"], "***", "{out}");
}
