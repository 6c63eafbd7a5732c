//! The native client on the wire (wiremock on loopback): headers, login variants, re-login,
//! retries of queries but never of mutations, 304 answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_cloudtower::filter::VmWhere;
use omnivirt_cloudtower::model::UserSource;
use omnivirt_cloudtower::query::Query;
use omnivirt_cloudtower::vm::CdRom;
use omnivirt_cloudtower::{CloudTowerClient, CloudTowerConfig, Credentials, Language};
use omnivirt_core::ErrorKind;
use omnivirt_http::{HyperTransport, RetryPolicy, SharedTransport, Timeouts, TlsOptions};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

fn hyper() -> SharedTransport {
    Arc::new(HyperTransport::new(TlsOptions::default()).unwrap())
}

fn login_ok(token: &str) -> ResponseTemplate {
    json_ok(json!({"task_id": null, "data": {"token": token}}))
}

/// Expects exactly one local login of `user` with password `pw`, answered with `token`.
async fn expect_local_login(server: &MockServer, user: &str, token: &str) {
    post("/v2/api/login")
        .and(body_json(
            json!({"username": user, "password": "pw", "source": "LOCAL"}),
        ))
        .respond_with(login_ok(token))
        .expect(1)
        .mount(server)
        .await;
}

fn json_ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn post(p: &str) -> MockBuilder {
    Mock::given(method("POST")).and(path(p))
}

fn healthz() -> MockBuilder {
    Mock::given(method("GET")).and(path("/api/healthz"))
}

fn tower(server: &MockServer, credentials: Credentials) -> CloudTowerClient {
    CloudTowerClient::new(format!("{}/v2/api", server.uri()), hyper(), credentials)
}

#[tokio::test]
async fn raw_token_and_content_language_headers() {
    let server = MockServer::start().await;
    expect_local_login(&server, "admin", "tok-123").await;
    post("/v2/api/get-vms")
        .and(header("authorization", "tok-123"))
        .and(header("content-language", "zh-CN"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"where": {"name_contains": "web"}, "first": 5}),
        ))
        .respond_with(json_ok(json!([{"id": "c1", "name": "web-1"}])))
        .expect(1)
        .mount(&server)
        .await;
    let tower = tower(&server, Credentials::password("admin", "pw")).with_language(Language::ZhCn);
    let vms = tower
        .vms()
        .list(Query::new(VmWhere::new().name().contains("web")).first(5))
        .await
        .unwrap();
    assert_eq!(vms[0].name.as_deref(), Some("web-1"));
    assert!(!format!("{tower:?}").contains("pw"));
}

/// Logs `jdoe` in as an LDAP user against `server`, whose login mock checks the body.
async fn ldap_user_logs_in(server: &MockServer) {
    post("/v2/api/get-tasks-connection")
        .respond_with(json_ok(json!({"aggregate": {"count": 0}})))
        .mount(server)
        .await;
    let tower = tower(
        server,
        Credentials::password("jdoe", "pw").with_source(UserSource::Ldap, None),
    );
    tower.login().await.unwrap();
}

#[tokio::test]
async fn ldap_users_log_in_through_the_discovered_authn_strategy() {
    let server = MockServer::start().await;
    post("/api")
        .respond_with(json_ok(json!({"data": {"authnStrategies": [
            {"id": "local-1", "type": "LOCAL"}, {"id": "ldap-7", "type": "LDAP"}
        ]}})))
        .expect(1)
        .mount(&server)
        .await;
    post("/v2/api/login")
        .and(body_json(json!({"username": "jdoe", "password": "pw", "source": "AUTHN", "auth_config_id": "ldap-7"})))
        .respond_with(login_ok("tok"))
        .expect(1)
        .mount(&server)
        .await;
    ldap_user_logs_in(&server).await;
}

#[tokio::test]
async fn older_towers_without_authn_strategies_get_source_ldap() {
    let server = MockServer::start().await;
    post("/api")
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    post("/v2/api/login")
        .and(body_json(
            json!({"username": "jdoe", "password": "pw", "source": "LDAP"}),
        ))
        .respond_with(login_ok("tok"))
        .expect(1)
        .mount(&server)
        .await;
    ldap_user_logs_in(&server).await;
}

#[tokio::test]
async fn a_refused_token_without_password_is_unauthenticated() {
    let server = MockServer::start().await;
    post("/v2/api/get-vms")
        .and(header("authorization", "stale"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"message": "Unauthorized", "status": 401, "path": "/get-vms"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let tower = tower(&server, Credentials::token("stale"));
    let err = tower.vms().list(Query::all()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert!(!format!("{err:?} {err}").contains("stale"));
}

#[tokio::test]
async fn an_expired_token_is_replaced_once() {
    let server = MockServer::start().await;
    post("/v2/api/login")
        .respond_with(login_ok("fresh"))
        .expect(1)
        .mount(&server)
        .await;
    post("/v2/api/get-vms")
        .and(header("authorization", "old"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    post("/v2/api/get-vms")
        .and(header("authorization", "fresh"))
        .respond_with(json_ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let cfg = CloudTowerConfig::new(server.uri())
        .user("admin", "pw")
        .token("old");
    assert!(matches!(
        cfg.credentials().unwrap(),
        Credentials::Password { .. }
    ));
    let tower = CloudTowerClient::builder(cfg.api_base().unwrap())
        .transport(hyper())
        .credentials(cfg.credentials().unwrap())
        .session_token(cfg.session_token().unwrap())
        .build()
        .unwrap();
    assert!(tower.vms().list(Query::all()).await.unwrap().is_empty());
}

#[tokio::test]
async fn queries_are_retried_but_mutations_never() {
    let server = MockServer::start().await;
    post("/v2/api/get-vms")
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    post("/v2/api/get-vms")
        .respond_with(json_ok(json!([{"id": "c1"}])))
        .expect(1)
        .mount(&server)
        .await;
    post("/v2/api/start-vm")
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let tower = CloudTowerClient::builder(format!("{}/v2/api", server.uri()))
        .transport(hyper())
        .credentials(Credentials::token("t"))
        .retry(
            RetryPolicy::builder()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(10))
                .build(),
        )
        .timeouts(Timeouts::none())
        .build()
        .unwrap();
    assert_eq!(tower.vms().list(Query::all()).await.unwrap().len(), 1);
    let err = tower
        .vm()
        .start(&VmWhere::new().id().eq("c1"), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Backend);
    assert_eq!(err.detail().unwrap().http_status, Some(503));
}

#[tokio::test]
async fn not_modified_is_success_with_nothing_to_follow() {
    let server = MockServer::start().await;
    post("/v2/api/add-vm-cd-rom")
        .respond_with(ResponseTemplate::new(304))
        .expect(1)
        .mount(&server)
        .await;
    let tower = tower(&server, Credentials::token("t"));
    let out = tower
        .vm()
        .add_cd_rom(&VmWhere::new().id().eq("c1"), &[CdRom::empty(0)])
        .await
        .unwrap();
    assert!(out.is_empty());
}

#[tokio::test]
async fn garbage_answers_are_protocol_errors() {
    let server = MockServer::start().await;
    post("/v2/api/get-vms")
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy</html>"))
        .mount(&server)
        .await;
    let tower = tower(&server, Credentials::token("t"));
    let err = tower.vms().list(Query::all()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.to_string().contains("get-vms"), "{err}");
}

#[tokio::test]
async fn a_login_answer_without_a_token_is_a_protocol_error() {
    for data in [json!({}), json!({"token": null}), json!(null)] {
        let server = MockServer::start().await;
        post("/v2/api/login")
            .respond_with(json_ok(json!({"task_id": null, "data": data})))
            .mount(&server)
            .await;
        let tower = tower(&server, Credentials::password("admin", "pw"));
        let err = tower.login().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol, "{data}: {err}");
        assert!(err.to_string().contains("no data.token"), "{data}: {err}");
    }
}

#[tokio::test]
async fn api_keys_through_graphql() {
    let server = MockServer::start().await;
    post("/api")
        .and(header("authorization", "tok"))
        .and(body_json(json!({
            "query": "mutation createApiKey($name: String!) { createApiKey(data: { name: $name }) { id key } }",
            "variables": {"name": "ci"}
        })))
        .respond_with(json_ok(json!({"data": {"createApiKey": {"id": "k1", "key": "sk-secret-1"}}})))
        .expect(1)
        .mount(&server)
        .await;
    post("/api")
        .and(body_json(json!({
            "query": "mutation deleteApiKey($key: String!) { deleteApiKey(where: { key: $key }) { id } }",
            "variables": {"key": "sk-secret-1"}
        })))
        .respond_with(json_ok(json!({"errors": [{"message": "no such key"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let tower = tower(&server, Credentials::token("tok"));
    let key = tower.create_api_key("ci").await.unwrap();
    assert_eq!(key.id, "k1");
    assert!(!format!("{key:?}").contains("sk-secret"));
    let err = tower.delete_api_key(&key.key).await.unwrap_err();
    assert!(err.to_string().contains("no such key"), "{err}");
}

#[tokio::test]
async fn connect_from_a_neutral_config() {
    let server = MockServer::start().await;
    expect_local_login(&server, "ops", "tok").await;
    post("/v2/api/get-vms")
        .and(header("authorization", "tok"))
        .and(header("content-language", "en-US"))
        .and(body_json(json!({"where": {"status": "RUNNING"}, "first": 500})))
        .respond_with(json_ok(json!([
            {"id": "c1", "name": "web-1", "status": "RUNNING", "vcpu": 2, "memory": 1073741824,
             "cluster": {"id": "k1", "name": "K"}, "host": {"id": "h1", "name": "H", "management_ip": "10.0.0.1"}}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let cfg: CloudTowerConfig = serde_json::from_value(json!({
        "url": server.uri(), "user": "ops", "password": "pw", "language": "en-US",
        "request-timeout": "5s"
    }))
    .unwrap();
    let backend = omnivirt_cloudtower::connect(&cfg).await.unwrap();
    let client = omnivirt_core::Client::new(Arc::new(backend));
    let page = client
        .vms()
        .page(
            &omnivirt_core::ListQuery::new().vm_state(omnivirt_core::VmState::Running),
            None,
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let vm = &page.items[0];
    assert_eq!(vm.state, omnivirt_core::VmState::Running);
    assert_eq!(vm.memory_bytes, Some(1 << 30));
    assert_eq!(vm.host_id.as_ref().map(|h| h.as_str()), Some("h1"));
    assert!(page.next.is_none(), "a short page is the last one");
}

#[tokio::test]
async fn active_passive_pairs_follow_the_active_node() {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    // A is passive, B active.
    healthz()
        .respond_with(ResponseTemplate::new(307))
        .mount(&a)
        .await;
    healthz()
        .respond_with(ResponseTemplate::new(200))
        .mount(&b)
        .await;
    post("/v2/api/get-vms")
        .respond_with(json_ok(json!([{"id": "from-b"}])))
        .expect(1)
        .mount(&b)
        .await;
    let tower = CloudTowerClient::builder(format!("{}/v2/api", a.uri()))
        .transport(hyper())
        .credentials(Credentials::token("t"))
        .active_passive_peers([b.uri()])
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    assert_eq!(
        tower.vms().list(Query::all()).await.unwrap()[0]
            .id
            .as_deref(),
        Some("from-b")
    );

    // The pair switches: B now answers 307, A is active.
    b.reset().await;
    a.reset().await;
    healthz()
        .respond_with(ResponseTemplate::new(307))
        .mount(&b)
        .await;
    post("/v2/api/get-vms")
        .respond_with(ResponseTemplate::new(307))
        .expect(1)
        .mount(&b)
        .await;
    healthz()
        .respond_with(ResponseTemplate::new(200))
        .mount(&a)
        .await;
    post("/v2/api/get-vms")
        .respond_with(json_ok(json!([{"id": "from-a"}])))
        .expect(1)
        .mount(&a)
        .await;
    assert_eq!(
        tower.vms().list(Query::all()).await.unwrap()[0]
            .id
            .as_deref(),
        Some("from-a")
    );

    // Both active: refuse to guess.
    b.reset().await;
    healthz()
        .respond_with(ResponseTemplate::new(200))
        .mount(&b)
        .await;
    let both = CloudTowerClient::builder(format!("{}/v2/api", a.uri()))
        .transport(hyper())
        .credentials(Credentials::token("t"))
        .active_passive_peers([b.uri()])
        .build()
        .unwrap();
    let err = both.vms().list(Query::all()).await.unwrap_err();
    assert!(err.to_string().contains("claim to be active"), "{err}");
}

#[tokio::test]
async fn the_max_body_size_of_the_config_reaches_the_network_transport() {
    use omnivirt_http::VendorConfig;
    let server = MockServer::start().await;
    let big: Vec<serde_json::Value> = (0..64)
        .map(|i| json!({"id": format!("c{i}"), "name": "x".repeat(64)}))
        .collect();
    post("/v2/api/get-vms")
        .respond_with(json_ok(json!(big)))
        .expect(1)
        .mount(&server)
        .await;
    let cfg = CloudTowerConfig::from_value(json!({
        "url": server.uri(),
        "token": "tok",
        "max-body-size": "1KiB",
    }))
    .unwrap();
    let tower = cfg.client_builder().unwrap().build().unwrap();
    let err = tower.vms().list(Query::all()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    let host = server.uri().trim_start_matches("http://").to_owned();
    assert!(
        err.message().contains(&format!(
            "POST {host}/v2/api/get-vms is larger than the 1 KiB limit (max-body-size)"
        )),
        "{err}"
    );
}
