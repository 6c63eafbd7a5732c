//! `omnivirt api` for VeiL: `api::call_on` / `api::call` send what the operation table says
//! (method, path, query, body), refuse bad arguments before sending, follow tasks, close the
//! session, and keep secrets out of the answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_core::ErrorKind;
use omnivirt_core::api::CallArgs;
use omnivirt_sim::skins::veil::VeilSkin;
use omnivirt_sim::{SimTransport, World};
use omnivirt_veil::api::{self, OPERATIONS};
use omnivirt_veil::native::{IdempotencyKeys, Tasks};
use omnivirt_veil::{Credentials, VeilClient, VeilConfig};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const D: &str = "11111111-2222-4333-8444-555555555555";
const O: &str = "66666666-7777-4888-9999-000000000000";
const T: &str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

fn client(server: &MockServer) -> VeilClient {
    VeilClient::builder(server.uri())
        .credentials(Credentials::token("tok"))
        .idempotency_keys(IdempotencyKeys::Off)
        .build()
        .unwrap()
}

fn args(words: &[&str]) -> CallArgs {
    CallArgs::parse(words).unwrap()
}

fn task(status: &str) -> Value {
    json!({"id": T, "status": status, "progress": 100, "entities": {D: "domain"}})
}

/// One operation, its arguments, and the request it must send: method, path, query pairs
/// (beyond `async=1`) and body (`None` = no body at all).
struct Case {
    op: &'static str,
    args: &'static [&'static str],
    method: &'static str,
    path: String,
    query: &'static [(&'static str, &'static str)],
    body: Option<Value>,
}

fn cases() -> Vec<Case> {
    let c = |op, args, method, path: String, query, body| Case {
        op,
        args,
        method,
        path,
        query,
        body,
    };
    vec![
        c(
            "domain.list",
            &["template=0", "limit=5", "cluster=c1"],
            "GET",
            "/api/domains/".into(),
            &[("template", "0"), ("limit", "5"), ("cluster", "c1")],
            None,
        ),
        c(
            "domain.start",
            &["id=11111111-2222-4333-8444-555555555555", "force=true"],
            "POST",
            format!("/api/domains/{D}/start/"),
            &[],
            Some(json!({"force": true})),
        ),
        c(
            "domain.multi_remove",
            &[
                r#"entity_ids=["11111111-2222-4333-8444-555555555555"]"#,
                r#"options={"full":true,"force":false}"#,
            ],
            "POST",
            "/api/domains/multi-manager/".into(),
            &[],
            Some(
                json!({"entity_ids": [D], "options": {"full": true, "force": false}, "action": "delete"}),
            ),
        ),
        c(
            "domain.convert_to_template",
            &["id=11111111-2222-4333-8444-555555555555"],
            "PUT",
            format!("/api/domains/{D}/template/"),
            &[],
            Some(json!({"template": true})),
        ),
        c(
            "domain.attach_usb",
            &[
                "id=11111111-2222-4333-8444-555555555555",
                "async=0",
                r#"tcp_usb={"host":"10.0.0.1","service":4000}"#,
            ],
            "POST",
            format!("/api/domains/{D}/attach-usb/"),
            &[("async", "0")],
            Some(json!({"tcp_usb": {"host": "10.0.0.1", "service": 4000}})),
        ),
        c(
            "domain.change_template",
            &["id=11111111-2222-4333-8444-555555555555"],
            "POST",
            format!("/api/domains/{D}/change-template/"),
            &[],
            None,
        ),
        c(
            "domain.backup_list",
            &["domain=11111111-2222-4333-8444-555555555555", "limit=10"],
            "GET",
            "/api/library/".into(),
            &[("domain", D), ("limit", "10")],
            None,
        ),
        c(
            "entity.tags_list",
            &[
                "entity_uuid=11111111-2222-4333-8444-555555555555",
                "entity_class=domain",
            ],
            "GET",
            "/api/tags/".into(),
            &[("entity_uuid", D), ("entity_class", "domain")],
            None,
        ),
        c(
            "node.usb_devices",
            &["id=66666666-7777-4888-9999-000000000000"],
            "GET",
            format!("/api/nodes/{O}/usb-devices/"),
            &[],
            None,
        ),
        c(
            "controller.base_version",
            &[],
            "GET",
            "/api/controllers/base-version/".into(),
            &[],
            None,
        ),
        c(
            "task.cancel",
            &["id=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "force=true"],
            "PUT",
            format!("/api/tasks/{T}/cancel/"),
            &[],
            Some(json!({"force": true})),
        ),
        c(
            "task.list",
            &["status=IN_PROGRESS", "parent=p"],
            "GET",
            "/api/tasks/".into(),
            &[("status", "IN_PROGRESS"), ("parent", "p")],
            None,
        ),
        c(
            "tag.update",
            &["id=66666666-7777-4888-9999-000000000000", "colour=#00ff00"],
            "PUT",
            format!("/api/tags/{O}/"),
            &[],
            Some(json!({"colour": "#00ff00"})),
        ),
        c(
            "tag.add_entities",
            &[
                "id=66666666-7777-4888-9999-000000000000",
                "entity_class=domain",
                r#"entity_uuids=["11111111-2222-4333-8444-555555555555"]"#,
            ],
            "POST",
            format!("/api/tags/{O}/add-entities/"),
            &[],
            Some(json!({"entity_class": "domain", "entity_uuids": [D]})),
        ),
        c(
            "vdisk.create",
            &["verbose_name=d1", "datapool=dp", "size=10.5"],
            "POST",
            "/api/vdisks/".into(),
            &[],
            Some(json!({"verbose_name": "d1", "datapool": "dp", "size": 10.5})),
        ),
        c(
            "iso.create",
            &["datapool=dp", "url=http://x/a.iso"],
            "PUT",
            "/api/iso/".into(),
            &[],
            Some(json!({"datapool": "dp", "url": "http://x/a.iso"})),
        ),
        c(
            "user.info",
            &["id=7"],
            "GET",
            "/api/users/7/".into(),
            &[],
            None,
        ),
        c(
            "swagger.get",
            &["format=openapi"],
            "GET",
            "/api/swagger/".into(),
            &[("format", "openapi")],
            None,
        ),
        c(
            "event.list",
            &["type=info", "ordering=-created"],
            "GET",
            "/api/events/".into(),
            &[("type", "info"), ("ordering", "-created")],
            None,
        ),
    ]
}

#[tokio::test]
async fn a_spread_of_operations_sends_what_the_table_says() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let veil = client(&server);
    let cases = cases();
    let groups: std::collections::BTreeSet<&str> = cases
        .iter()
        .map(|c| c.op.split('.').next().unwrap())
        .collect();
    assert!(groups.len() >= 10, "{groups:?}");
    for case in &cases {
        let out = api::call_on(&veil, case.op, &args(case.args), false)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.op));
        assert_eq!(out, json!({"ok": true}), "{}", case.op);
        let seen = server.received_requests().await.unwrap();
        let req = seen.last().unwrap();
        assert_eq!(req.method.as_str(), case.method, "{}", case.op);
        assert_eq!(req.url.path(), case.path, "{}", case.op);
        let query: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
        let mut want: Vec<(String, String)> = vec![];
        if !case.query.iter().any(|(k, _)| *k == "async") {
            want.push(("async".into(), "1".into()));
        }
        want.extend(
            case.query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let mut got = query.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{}", case.op);
        let body: Option<Value> = if req.body.is_empty() {
            None
        } else {
            Some(serde_json::from_slice(&req.body).unwrap())
        };
        assert_eq!(body, case.body, "{}", case.op);
        let auth = req.headers.get("authorization").unwrap();
        assert_eq!(auth, "jwt tok");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), cases.len());
}

#[tokio::test]
async fn posts_carry_an_idempotency_key_and_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"errors": [{"code": "50000", "detail": "busy"}]})),
        )
        .mount(&server)
        .await;
    let veil = VeilClient::builder(server.uri())
        .credentials(Credentials::token("tok"))
        .retry(omnivirt_http::RetryPolicy::default())
        .build()
        .unwrap();
    let err = api::call_on(
        &veil,
        "domain.reboot",
        &args(&["id=11111111-2222-4333-8444-555555555555"]),
        false,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("busy"), "{err}");
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1, "an action POST is never silently repeated");
    let body: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(body["idempotency_key"].as_str().unwrap().len(), 36);
}

#[tokio::test]
async fn bad_arguments_send_nothing() {
    let server = MockServer::start().await;
    let veil = client(&server);
    for (op, words) in [
        ("domain.info", &[][..]),
        ("domain.set_hostname", &["id=x"][..]),
        ("domain.start", &["id=x", "forse=true"][..]),
        ("tag.add_entity", &["id=x", "entity_class=domain"][..]),
        ("domain.strat", &[][..]),
    ] {
        let err = api::call_on(&veil, op, &args(words), false)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{op}: {err}");
    }
    let missing = api::call_on(&veil, "domain.set_hostname", &args(&["id=x"]), false)
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("hostname"), "{missing}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_async_operation_is_followed_to_its_end() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/domains/{D}/shutdown/")))
        .and(body_json(json!({"force": false})))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(json!({"_task": task("IN_PROGRESS")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/tasks/{T}/")))
        .respond_with(ResponseTemplate::new(200).set_body_json(task("IN_PROGRESS")))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/tasks/{T}/")))
        .and(query_param("async", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task("SUCCESS")))
        .with_priority(2)
        .mount(&server)
        .await;
    let veil = client(&server);
    let every = Duration::from_millis(5);
    let opts = Tasks::default_wait().interval(every, every);
    let a = args(&["id=11111111-2222-4333-8444-555555555555", "force=false"]);
    let unfollowed = api::call_on_with(&veil, "domain.shutdown", &a, None)
        .await
        .unwrap();
    assert_eq!(unfollowed["_task"]["status"], "IN_PROGRESS");
    server.reset().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/domains/{D}/shutdown/")))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(json!({"_task": task("IN_PROGRESS")})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/tasks/{T}/")))
        .respond_with(ResponseTemplate::new(200).set_body_json(task("IN_PROGRESS")))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/tasks/{T}/")))
        .respond_with(ResponseTemplate::new(200).set_body_json(task("SUCCESS")))
        .with_priority(2)
        .mount(&server)
        .await;
    let done = api::call_on_with(&veil, "domain.shutdown", &a, Some(opts.clone()))
        .await
        .unwrap();
    assert_eq!(done["_task"]["status"], "SUCCESS");
    assert_eq!(done["_task"]["id"], T);
    let polls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .count();
    assert_eq!(polls, 3, "two IN_PROGRESS polls, then SUCCESS");

    // A failed task is a TaskFailed error with the server's message.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(json!({"_task": task("IN_PROGRESS")})),
        )
        .mount(&server)
        .await;
    let mut failed = task("FAILED");
    failed["error_message"] = json!("no space left");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(failed))
        .mount(&server)
        .await;
    let err = api::call_on_with(&veil, "domain.shutdown", &a, Some(opts))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert!(err.to_string().contains("no space left"), "{err}");
}

async fn login_logout(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/auth/"))
        .and(body_json(
            json!({"username": "admin", "password": "pw", "ldap": false}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "session-tok"})))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/logout/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn call_closes_the_session_on_success_and_on_error() {
    let server = MockServer::start().await;
    login_logout(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("/api/domains/{D}/")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": D, "verbose_name": "win", "graphics_password": "s3cret",
            "spice_url": "/spice?host=h&password=s3cret2&path=websockify?token=tk9"
        })))
        .mount(&server)
        .await;
    let config = VeilConfig::new(server.uri()).user("admin", "pw");
    let out = api::call(&config, "domain.info", &args(&[&format!("id={D}")]), false)
        .await
        .unwrap();
    assert_eq!(out["verbose_name"], "win");
    let text = out.to_string();
    assert!(!text.contains("s3cret") && !text.contains("tk9"), "{text}");
    server.verify().await;

    // On error too: a 404 is NotFound, and the session is still closed.
    let server = MockServer::start().await;
    login_logout(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("/api/domains/{D}/")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"errors": [{"code": "404", "detail": "Domain not found."}]})),
        )
        .mount(&server)
        .await;
    let config = VeilConfig::new(server.uri()).user("admin", "pw");
    let err = api::call(&config, "domain.info", &args(&[&format!("id={D}")]), false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    server.verify().await;

    // Bad input is refused before logging in at all.
    let server = MockServer::start().await;
    let config = VeilConfig::new(server.uri()).user("admin", "pw");
    let err = api::call(&config, "domain.info", &CallArgs::default(), false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_operation_the_simulator_lacks_is_the_vendor_error() {
    let world = Arc::new(World::default());
    let transport = Arc::new(SimTransport::new(world, Arc::new(VeilSkin::new())));
    let url = format!("{}/veil", SimTransport::BASE_URL);
    let veil = VeilClient::new(&url, transport, Credentials::password("admin", "admin")).unwrap();
    let err = api::call_on(&veil, "iso.list", &CallArgs::default(), false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    let line = err.to_string();
    assert!(line.contains("URL is not found"), "{line}");
    assert!(!line.contains('\n'), "{line}");
    // The same for an action on an existing VM that the skin does not implement.
    let vms = api::call_on(&veil, "domain.list", &CallArgs::default(), false)
        .await
        .unwrap();
    let vm = vms["results"][0]["id"].as_str().unwrap().to_owned();
    let err = api::call_on(
        &veil,
        "domain.set_hostname",
        &args(&[&format!("id={vm}"), "hostname=h1"]),
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(err.to_string().contains("URL is not found"), "{err}");
    // An operation it serves works through the same path.
    let page = api::call_on(&veil, "cluster.list", &CallArgs::default(), false)
        .await
        .unwrap();
    assert!(page["count"].as_u64().unwrap() >= 1, "{page}");
    let id = page["results"][0]["id"].as_str().unwrap().to_owned();
    let one = api::call_on(&veil, "cluster.info", &args(&[&format!("id={id}")]), false)
        .await
        .unwrap();
    assert_eq!(one["id"], id.as_str());
}

#[test]
fn every_operation_binds_with_its_required_parameters() {
    // Each operation, given a value for each required parameter, binds to a path with no
    // `{variable}` left: the table is callable as a whole.
    for op in OPERATIONS {
        let words: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| {
                if p.ty.ends_with("[]") {
                    format!("{}=[\"x\"]", p.name)
                } else {
                    format!("{}=x", p.name)
                }
            })
            .collect();
        let call = CallArgs::parse(&words).unwrap().bind(op).unwrap();
        assert!(!call.path.contains('{'), "{}: {}", op.name, call.path);
    }
}

#[tokio::test]
async fn every_operation_against_the_simulator_answers_or_fails_typed() {
    // Each operation on a fresh World, its required parameters filled with real ids: the skin
    // serves it, or refuses it with VeiL's own error envelope. Nothing is a Protocol error (an
    // answer the client could not read), and every error is one line.
    let mut served = 0;
    for op in OPERATIONS {
        let world = Arc::new(World::default());
        let transport = Arc::new(SimTransport::new(world, Arc::new(VeilSkin::new())));
        let url = format!("{}/veil", SimTransport::BASE_URL);
        let veil =
            VeilClient::new(&url, transport, Credentials::password("admin", "admin")).unwrap();
        let vms = api::call_on(&veil, "domain.list", &CallArgs::default(), false)
            .await
            .unwrap();
        let vm = vms["results"][0]["id"].as_str().unwrap().to_owned();
        let words: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| match p.ty {
                "Uuid[]" => format!("{}=[\"{vm}\"]", p.name),
                "Number" | "Integer" => format!("{}=1", p.name),
                "Boolean" => format!("{}=true", p.name),
                _ => format!("{}={vm}", p.name),
            })
            .collect();
        let a = CallArgs::parse(&words).unwrap();
        match api::call_on(&veil, op.name, &a, false).await {
            Ok(_) => served += 1,
            Err(e) => {
                assert!(
                    matches!(
                        e.kind(),
                        ErrorKind::NotFound | ErrorKind::InvalidInput | ErrorKind::InvalidState
                    ),
                    "{}: {:?} {e}",
                    op.name,
                    e.kind()
                );
                assert!(!e.to_string().contains('\n'), "{}: {e}", op.name);
            }
        }
    }
    assert!(served >= 15, "{served}");
}
