//! `omnivirt_zstack::api` over real HTTP against wiremock: the request each generated operation
//! makes (method, path, query, body, session header), a missing parameter that sends nothing,
//! an asynchronous action followed through `api-jobs`, session-less actions, and the session
//! closed after `api::call`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use omnivirt_core::ErrorKind;
use omnivirt_core::api::CallArgs;
use omnivirt_zstack::api::{self, OPERATIONS};
use omnivirt_zstack::{Credentials, ZStackClient, ZStackConfig};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SESSION: &str = "5b1c1e0a3c7d4f2e9a8b7c6d5e4f3a2b";

async fn server_with_login() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/zstack/v1/accounts/login"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"inventory": {"uuid": SESSION}})),
        )
        .mount(&server)
        .await;
    server
}

async fn expect_logout(server: &MockServer) {
    Mock::given(method("DELETE"))
        .and(path(format!("/zstack/v1/accounts/sessions/{SESSION}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(server)
        .await;
}

fn client(server: &MockServer) -> ZStackClient {
    ZStackClient::builder(format!("{}/zstack/v1", server.uri()))
        .credentials(Credentials::account("admin", "password"))
        .build()
        .unwrap()
}

fn args(words: &[&str]) -> CallArgs {
    CallArgs::parse(words).unwrap()
}

/// The requests the server saw after login: (method, path, query, body, authorization).
async fn seen(server: &MockServer) -> Vec<(String, String, String, Value, String)> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| !r.url.path().ends_with("/accounts/login"))
        .map(|r| {
            let body = if r.body.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&r.body).unwrap()
            };
            let auth = r
                .headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            (
                r.method.to_string(),
                r.url.path().to_string(),
                r.url.query().unwrap_or("").to_string(),
                body,
                auth,
            )
        })
        .collect()
}

#[tokio::test]
async fn operations_across_groups_make_the_wire_requests() {
    let server = server_with_login().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"inventories": []})))
        .mount(&server)
        .await;
    for m in ["PUT", "POST", "DELETE"] {
        Mock::given(method(m))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"inventory": {}})))
            .mount(&server)
            .await;
    }
    let zs = client(&server);
    let calls: &[(&str, &[&str])] = &[
        (
            "QueryVmInstance",
            &[
                r#"q=["state=Running","name~=web%"]"#,
                "limit=10",
                "replyWithCount=true",
                "sort=-createDate",
                "fields=uuid,name",
            ],
        ),
        (
            "StopVmInstance",
            &["uuid=vm 1", "type=cold", r#"systemTags=["a::b"]"#],
        ),
        ("CreateZone", &["name=zone-1", "isDefault=true"]),
        ("DestroyVmInstance", &["uuid=vm2", "deleteMode=Enforcing"]),
        (
            "AttachDataVolumeToVm",
            &["volumeUuid=vol1", "vmInstanceUuid=vm3"],
        ),
        (
            "GetCpuMemoryCapacity",
            &[r#"zoneUuids=["z1","z2"]"#, "all=false"],
        ),
        (
            "AddIpRange",
            &[
                "l3NetworkUuid=l3",
                "name=r",
                "startIp=10.0.0.2",
                "endIp=10.0.0.9",
                "netmask=255.255.255.0",
            ],
        ),
        ("QueryIAM2VirtualID", &["q=name=alice"]),
    ];
    for (name, words) in calls {
        api::call_on(&zs, name, &args(words), false)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let got = seen(&server).await;
    let oauth = format!("OAuth {SESSION}");
    let want: Vec<(&str, &str, &str, Value)> = vec![
        (
            "GET",
            "/zstack/v1/vm-instances",
            "q=state%3DRunning&q=name%7E%3Dweb%25&limit=10&replyWithCount=true&sort=-createDate&fields=uuid%2Cname",
            Value::Null,
        ),
        (
            "PUT",
            "/zstack/v1/vm-instances/vm%201/actions",
            "",
            json!({"stopVmInstance": {"type": "cold", "systemTags": ["a::b"]}}),
        ),
        (
            "POST",
            "/zstack/v1/zones",
            "",
            json!({"params": {"name": "zone-1", "isDefault": true}}),
        ),
        (
            "DELETE",
            "/zstack/v1/vm-instances/vm2",
            "deleteMode=Enforcing",
            Value::Null,
        ),
        (
            "POST",
            "/zstack/v1/volumes/vol1/vm-instances/vm3",
            "",
            json!({"params": {}}),
        ),
        (
            "GET",
            "/zstack/v1/hosts/capacities/cpu-memory",
            "zoneUuids=z1&zoneUuids=z2&all=false",
            Value::Null,
        ),
        (
            "POST",
            "/zstack/v1/l3-networks/l3/ip-ranges",
            "",
            json!({"params": {"name": "r", "startIp": "10.0.0.2", "endIp": "10.0.0.9",
                "netmask": "255.255.255.0"}}),
        ),
        (
            "GET",
            "/zstack/v1/iam2/virtual-ids",
            "q=name%3Dalice",
            Value::Null,
        ),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(
            (g.0.as_str(), g.1.as_str(), g.2.as_str(), &g.3),
            (w.0, w.1, w.2, &w.3)
        );
        assert_eq!(g.4, oauth, "{}", g.1);
    }
}

#[tokio::test]
async fn a_missing_or_unknown_parameter_sends_nothing() {
    let server = MockServer::start().await;
    let config = ZStackConfig::new(server.uri()).user("admin", "password");
    let err = api::call(&config, "StartVmInstance", &args(&["hostUuid=h"]), true)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("`uuid`"), "{err}");
    let err = api::call(&config, "QueryZone", &args(&["colour=red"]), true)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = api::call(&config, "QueryZones", &CallArgs::default(), true)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("QueryZone"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_async_action_is_followed_to_its_end_and_the_session_closed() {
    let server = server_with_login().await;
    expect_logout(&server).await;
    Mock::given(method("PUT"))
        .and(path("/zstack/v1/vm-instances/vm1/actions"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({
            // The management node's own address: only the job uuid is used.
            "location": "http://10.9.9.9:8080/zstack/v1/api-jobs/0f3c5a9e2b7d4c1a8e6f0b3d5c7a9e1f",
            "apiTimeout": 1_800_000,
        })))
        .expect(1)
        .mount(&server)
        .await;
    let job = "/zstack/v1/api-jobs/0f3c5a9e2b7d4c1a8e6f0b3d5c7a9e1f";
    Mock::given(method("GET"))
        .and(path(job))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(job))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "inventory": {"uuid": "vm1", "state": "Running"}
        })))
        .mount(&server)
        .await;
    let config = ZStackConfig::new(server.uri()).user("admin", "password");
    let out = api::call(&config, "StartVmInstance", &args(&["uuid=vm1"]), true)
        .await
        .unwrap();
    assert_eq!(out["inventory"]["state"], "Running");
    let got = seen(&server).await;
    let paths: Vec<(&str, &str)> = got.iter().map(|g| (g.0.as_str(), g.1.as_str())).collect();
    assert_eq!(
        paths,
        [
            ("PUT", "/zstack/v1/vm-instances/vm1/actions"),
            ("GET", job),
            ("GET", job),
            (
                "DELETE",
                "/zstack/v1/accounts/sessions/5b1c1e0a3c7d4f2e9a8b7c6d5e4f3a2b"
            ),
        ]
    );
    assert_eq!(got[0].3, json!({"startVmInstance": {}}));
    server.verify().await;
}

#[tokio::test]
async fn without_follow_the_job_location_comes_back_on_the_configured_base() {
    let server = server_with_login().await;
    expect_logout(&server).await;
    Mock::given(method("DELETE"))
        .and(path("/zstack/v1/zones/z1"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({
            "location": "http://10.9.9.9:8080/zstack/v1/api-jobs/abc123",
        })))
        .mount(&server)
        .await;
    let config = ZStackConfig::new(server.uri()).user("admin", "password");
    let out = api::call(&config, "DeleteZone", &args(&["uuid=z1"]), false)
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({"location": format!("{}/zstack/v1/api-jobs/abc123", server.uri())})
    );
    server.verify().await;
}

#[tokio::test]
async fn a_failed_call_still_closes_the_session() {
    let server = server_with_login().await;
    expect_logout(&server).await;
    Mock::given(method("GET"))
        .and(path("/zstack/v1/vm-instances/vm9/console-addresses"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "error": {"code": "SYS.1003", "description": "Resource not found",
                "details": "no VmInstance[uuid:vm9]"}
        })))
        .mount(&server)
        .await;
    let config = ZStackConfig::new(server.uri()).user("admin", "password");
    let err = api::call(&config, "GetVmConsoleAddress", &args(&["uuid=vm9"]), true)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!err.to_string().contains('\n'));
    server.verify().await;
}

#[tokio::test]
async fn session_less_actions_send_no_authorization_and_log_nobody_in() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/zstack/v1/management-nodes/actions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"version": "5.2.1"})))
        .mount(&server)
        .await;
    let zs = client(&server);
    let out = api::call_on(&zs, "GetVersion", &CallArgs::default(), true)
        .await
        .unwrap();
    assert_eq!(out["version"], "5.2.1");
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1, "no login before a session-less action");
    assert!(reqs[0].headers.get("authorization").is_none());
    assert_eq!(
        serde_json::from_slice::<Value>(&reqs[0].body).unwrap(),
        json!({"getVersion": {}})
    );
    assert!(OPERATIONS.iter().any(|o| o.name == "LogInByAccount"));
}

#[tokio::test]
async fn actions_are_not_retried() {
    let server = server_with_login().await;
    Mock::given(method("PUT"))
        .and(path("/zstack/v1/vm-instances/vm1/actions"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .mount(&server)
        .await;
    let zs = client(&server);
    let err = api::call_on(&zs, "RebootVmInstance", &args(&["uuid=vm1"]), true)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Backend);
    let puts = seen(&server)
        .await
        .into_iter()
        .filter(|g| g.0 == "PUT")
        .count();
    assert_eq!(puts, 1, "a PUT action is sent once");
}

#[tokio::test]
async fn console_secrets_and_a_new_session_id_are_never_returned() {
    let server = server_with_login().await;
    Mock::given(method("GET"))
        .and(path("/zstack/v1/vm-instances/vm1/console-passwords"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"consolePassword": "pw-c"})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/zstack/v1/accounts/users/login"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"inventory": {"uuid": "sess-2", "accountUuid": "acc-1"}})),
        )
        .mount(&server)
        .await;
    let zs = client(&server);
    let out = api::call_on(&zs, "GetVmConsolePassword", &args(&["uuid=vm1"]), true)
        .await
        .unwrap();
    assert_eq!(out, json!({"consolePassword": "***"}));
    let login = args(&["accountName=a", "userName=u", "password=p"]);
    let out = api::call_on(&zs, "LogInByUser", &login, true)
        .await
        .unwrap();
    assert_eq!(out["inventory"]["uuid"], "***", "{out}");
    assert_eq!(out["inventory"]["accountUuid"], "acc-1");
}
