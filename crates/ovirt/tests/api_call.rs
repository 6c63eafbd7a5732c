//! `omnivirt api` for oVirt against a wiremock engine: what each generated operation puts on the
//! wire (method, path, query, XML body), what comes back as JSON, jobs followed, sessions closed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use omnivirt_core::ErrorKind;
use omnivirt_core::api::CallArgs;
use omnivirt_ovirt::api::{call, call_on};
use omnivirt_ovirt::{Connection, OvirtConfig};
use serde_json::json;
use wiremock::matchers::{body_string, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API: &str = "/ovirt-engine/api";

fn xml(body: &str) -> ResponseTemplate {
    xml_status(200, body)
}

fn xml_status(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/xml;charset=UTF-8")
}

fn conn(server: &MockServer) -> Connection {
    Connection::builder(format!("{}{API}", server.uri()))
        .token("tok")
        .wait_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap()
}

fn args(words: &[&str]) -> CallArgs {
    CallArgs::parse(words).unwrap()
}

async fn only_request(server: &MockServer) -> Request {
    let mut seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    seen.remove(0)
}

fn body_text(r: &Request) -> String {
    String::from_utf8(r.body.clone()).unwrap()
}

#[tokio::test]
async fn list_sends_the_query_and_reads_a_collection() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/vms")))
        .and(query_param("search", "name=web*"))
        .and(query_param("max", "2"))
        .respond_with(xml(
            r#"<vms><vm href="/ovirt-engine/api/vms/1" id="1"><name>web-1</name><memory>1073741824</memory>
               <status>up</status><link href="/ovirt-engine/api/vms/1/nics" rel="nics"/></vm><vm id="2"/></vms>"#,
        ))
        .mount(&server)
        .await;
    let out = call_on(
        &conn(&server),
        "/vms:list",
        &args(&["search=name=web*", "max=2"]),
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        json!([
            {"href": "/ovirt-engine/api/vms/1", "id": "1", "name": "web-1", "memory": 1073741824,
             "status": "up", "nics": {"href": "/ovirt-engine/api/vms/1/nics"}},
            {"id": "2"}
        ])
    );
    let r = only_request(&server).await;
    assert_eq!(r.headers["authorization"], "Bearer tok");
    assert_eq!(r.headers["version"], "4");
}

#[tokio::test]
async fn add_posts_the_body_type_as_xml() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/123/nics")))
        .and(body_string(
            "<nic><name>nic1</name><interface>virtio</interface><vnic_profile id=\"p1\"/></nic>",
        ))
        .respond_with(xml_status(
            201,
            r#"<nic id="n1"><name>nic1</name><linked>true</linked></nic>"#,
        ))
        .mount(&server)
        .await;
    let a = args(&["vm=123"])
        .with_body(json!({"name": "nic1", "interface": "virtio", "vnic_profile": {"id": "p1"}}));
    let out = call_on(&conn(&server), "/vms/{vm}/nics:add", &a, false)
        .await
        .unwrap();
    assert_eq!(out, json!({"id": "n1", "name": "nic1", "linked": true}));
    let r = only_request(&server).await;
    assert_eq!(r.headers["content-type"], "application/xml");
    assert!(body_text(&r).starts_with("<nic>"));
    // The body may also come as the `body` parameter.
    let a = args(&[
        "vm=123",
        r#"body={"name":"nic1","interface":"virtio","vnic_profile":{"id":"p1"}}"#,
    ]);
    call_on(&conn(&server), "/vms/{vm}/nics:add", &a, false)
        .await
        .unwrap();
}

#[tokio::test]
async fn update_puts_with_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(format!("{API}/clusters/c1/affinitygroups/g1")))
        .and(query_param("async", "true"))
        .and(body_string(
            "<affinity_group><enforcing>true</enforcing></affinity_group>",
        ))
        .respond_with(xml(
            r#"<affinity_group id="g1"><enforcing>true</enforcing></affinity_group>"#,
        ))
        .mount(&server)
        .await;
    let a = args(&["cluster=c1", "group=g1", "async=true"]).with_body(json!({"enforcing": true}));
    let out = call_on(
        &conn(&server),
        "/clusters/{cluster}/affinitygroups/{group}:update",
        &a,
        false,
    )
    .await
    .unwrap();
    assert_eq!(out["enforcing"], true);
}

#[tokio::test]
async fn remove_deletes_and_returns_null() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{API}/storagedomains/sd%201")))
        .and(query_param("format", "true"))
        .and(query_param("host", "h1"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let a = args(&["storage_domain=sd 1", "format=true", "host=h1"]);
    let out = call_on(
        &conn(&server),
        "/storagedomains/{storage_domain}:remove",
        &a,
        false,
    )
    .await
    .unwrap();
    assert_eq!(out, serde_json::Value::Null);
}

#[tokio::test]
async fn action_posts_an_action_and_prefixed_parameters_lose_their_prefix() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/v1/start")))
        .and(body_string(
            "<action><use_cloud_init>true</use_cloud_init><vm><name>x</name></vm></action>",
        ))
        .respond_with(xml("<action><status>complete</status></action>"))
        .mount(&server)
        .await;
    let a = args(&["vm=v1", "use_cloud_init=true", r#"action.vm={"name":"x"}"#]);
    let out = call_on(&conn(&server), "/vms/{vm}:start", &a, false)
        .await
        .unwrap();
    assert_eq!(out, json!({"status": "complete"}));
}

#[tokio::test]
async fn action_results_are_the_declared_member() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/hosts/h1/fence")))
        .and(body_string("<action><fence_type>status</fence_type></action>"))
        .respond_with(xml(
            "<action><status>complete</status><power_management><status>on</status></power_management></action>",
        ))
        .mount(&server)
        .await;
    let out = call_on(
        &conn(&server),
        "/hosts/{host}:fence",
        &args(&["host=h1", "fence_type=status"]),
        false,
    )
    .await
    .unwrap();
    assert_eq!(out, json!({"status": "on"}));
}

#[tokio::test]
async fn a_console_ticket_is_never_printed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/v1/graphicsconsoles/g1/ticket")))
        .respond_with(xml(
            "<action><status>complete</status><ticket><value>tkt-secret</value><expiry>120</expiry></ticket></action>",
        ))
        .mount(&server)
        .await;
    let out = call_on(
        &conn(&server),
        "/vms/{vm}/graphicsconsoles/{console}:ticket",
        &args(&["vm=v1", "console=g1"]),
        false,
    )
    .await
    .unwrap();
    assert_eq!(out, json!("***"));
    assert!(!out.to_string().contains("tkt-secret"));
}

#[tokio::test]
async fn root_and_href_paths() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(API))
        .respond_with(xml(
            r#"<api><product_info><name>oVirt Engine</name></product_info></api>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/disks/d1/copy")))
        .and(body_string("<action/>"))
        .respond_with(xml("<action><status>complete</status></action>"))
        .mount(&server)
        .await;
    let c = conn(&server);
    let out = call_on(&c, "/:get", &CallArgs::default(), false)
        .await
        .unwrap();
    assert_eq!(out["product_info"]["name"], "oVirt Engine");
    // `href` as the engine writes it, or relative to the API root.
    for href in ["/ovirt-engine/api/disks/d1", "disks/d1"] {
        let out = call_on(&c, "/{href}:copy", &args(&[&format!("href={href}")]), false)
            .await
            .unwrap();
        assert_eq!(out["status"], "complete");
    }
    let e = call_on(&c, "/{href}:copy", &args(&["href=../x"]), false)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let c = conn(&server);
    for (name, words, body) in [
        ("/vms/{vm}:start", vec![], None),          // missing path variable
        ("/vms/{vm}/nics:add", vec!["vm=1"], None), // missing body
        ("/vms:list", vec!["serach=x"], None),      // unknown parameter
        ("/vms:list", vec![], Some(json!({"a": 1}))), // a GET takes no body
        (
            "/vms/{vm}/nics:add",
            vec!["vm=1"],
            Some(json!({"nmae": "x"})),
        ), // not a Nic field
        ("/vms:lsit", vec![], None),                // unknown operation
    ] {
        let mut a = args(&words);
        if let Some(b) = body {
            a = a.with_body(b);
        }
        let e = call_on(&c, name, &a, false).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{name}: {e}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_action_job_is_followed_to_its_end() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/v1/shutdown")))
        .respond_with(xml(
            r#"<action><status>complete</status><job href="/ovirt-engine/api/jobs/j1" id="j1"/></action>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/jobs/j1")))
        .respond_with(xml(r#"<job id="j1"><status>started</status></job>"#))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/jobs/j1")))
        .respond_with(xml(
            r#"<job id="j1"><status>finished</status><description>Stopping VM</description></job>"#,
        ))
        .with_priority(2)
        .mount(&server)
        .await;
    let c = conn(&server);
    let out = call_on(&c, "/vms/{vm}:shutdown", &args(&["vm=v1"]), true)
        .await
        .unwrap();
    assert_eq!(out["job"]["status"], "finished");
    let polls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("/jobs/j1"))
        .count();
    assert_eq!(polls, 3);
    // Without follow the job is only named.
    let out = call_on(&c, "/vms/{vm}:shutdown", &args(&["vm=v1"]), false)
        .await
        .unwrap();
    assert_eq!(
        out["job"],
        json!({"href": "/ovirt-engine/api/jobs/j1", "id": "j1"})
    );
}

#[tokio::test]
async fn a_failed_job_and_a_fault_inside_an_action_are_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/v1/stop")))
        .respond_with(xml(
            r#"<action><status>complete</status><job id="j2"/></action>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/jobs/j2")))
        .respond_with(xml(
            r#"<job id="j2"><status>failed</status><description>Stopping VM</description></job>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/v1/reboot")))
        .respond_with(xml(
            "<action><status>failed</status><fault><reason>Operation Failed</reason><detail>[VM is locked]</detail></fault></action>",
        ))
        .mount(&server)
        .await;
    let c = conn(&server);
    let e = call_on(&c, "/vms/{vm}:stop", &args(&["vm=v1"]), true)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed, "{e}");
    let e = call_on(&c, "/vms/{vm}:reboot", &args(&["vm=v1"]), false)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState, "{e}");
    assert!(e.to_string().contains("VM is locked"), "{e}");
}

async fn sso(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/ovirt-engine/sso/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "tok", "token_type": "bearer", "expires_in": 3600
        })))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/ovirt-engine/services/sso-logout"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(server)
        .await;
}

fn config(server: &MockServer) -> OvirtConfig {
    OvirtConfig::new(format!("{}{API}", server.uri())).user("admin@internal", "pw")
}

async fn paths_seen(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

#[tokio::test]
async fn call_logs_in_runs_and_closes_the_session_on_success_and_on_error() {
    let server = MockServer::start().await;
    sso(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/hosts/h1")))
        .respond_with(xml(
            r#"<host id="h1"><name>h</name><memory>8589934592</memory></host>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/hosts/gone")))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let cfg = config(&server);
    let out = call(&cfg, "/hosts/{host}:get", &args(&["host=h1"]), false)
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({"id": "h1", "name": "h", "memory": 8589934592_i64})
    );
    assert_eq!(
        paths_seen(&server).await,
        [
            "POST /ovirt-engine/sso/oauth/token",
            "GET /ovirt-engine/api/hosts/h1",
            "POST /ovirt-engine/services/sso-logout"
        ]
    );
    server.reset().await;
    sso(&server).await;
    let e = call(&cfg, "/hosts/{host}:get", &args(&["host=gone"]), false)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(
        paths_seen(&server).await.last().map(String::as_str),
        Some("POST /ovirt-engine/services/sso-logout")
    );
    // Bad input never even logs in.
    server.reset().await;
    let e = call(&cfg, "/hosts/{host}:get", &CallArgs::default(), false)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(paths_seen(&server).await.is_empty());
}

#[tokio::test]
async fn an_action_is_not_retried_on_a_server_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/v1/start")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/vms/v1")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let c = conn(&server);
    assert!(
        call_on(&c, "/vms/{vm}:start", &args(&["vm=v1"]), false)
            .await
            .is_err()
    );
    assert_eq!(
        paths_seen(&server).await.len(),
        1,
        "a POST action is sent once"
    );
}

mod over_the_simulator {
    use std::sync::Arc;

    use super::*;
    use omnivirt_http::RetryPolicy;
    use omnivirt_sim::skins::ovirt::OvirtSkin;
    use omnivirt_sim::{SimTransport, World, WorldConfig};

    fn sim_conn(world: &Arc<World>) -> Connection {
        Connection::builder("http://engine.sim/ovirt-engine/api")
            .username("admin@internal")
            .password("admin")
            .retry(RetryPolicy::never())
            .wait_backoff(Duration::from_millis(10), Duration::from_millis(50))
            .transport(Arc::new(SimTransport::new(
                world.clone(),
                Arc::new(OvirtSkin::new()),
            )))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn implemented_operations_work_and_the_rest_is_a_typed_not_found() {
        let world = Arc::new(World::new(WorldConfig::builder().vms(3).build()));
        let c = sim_conn(&world);
        let vms = call_on(&c, "/vms:list", &args(&["max=2"]), false)
            .await
            .unwrap();
        let vms = vms.as_array().unwrap();
        assert_eq!(vms.len(), 2);
        let id = vms[0]["id"].as_str().unwrap().to_owned();
        let vm = call_on(&c, "/vms/{vm}:get", &args(&[&format!("vm={id}")]), false)
            .await
            .unwrap();
        assert_eq!(vm["id"], id.as_str());
        assert!(vm["name"].is_string());
        // The skin's networks read with the model's own types: the VLAN is `<vlan id>`.
        let nets = call_on(&c, "/networks:list", &args(&[]), false)
            .await
            .unwrap();
        let nets = nets.as_array().unwrap();
        assert!(!nets.is_empty());
        assert_eq!(nets[0]["vlan"]["id"], 101, "{}", nets[0]);
        assert_eq!(nets[0]["usages"][0], "vm");
        // Not implemented by the simulator: the engine's 404, read as a one-line NotFound.
        for (name, words) in [
            ("/macpools:list", vec![]),
            (
                "/vms/{vm}/nics/{nic}:get",
                vec![format!("vm={id}"), "nic=n".to_string()],
            ),
        ] {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let e = call_on(&c, name, &args(&words), false).await.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::NotFound, "{name}: {e}");
            assert!(!e.to_string().contains('\n'), "{e}");
        }
    }
}

/// Every operation of the table, called with its path variables and an empty body: the request
/// has the table's method and path, the body is the right XML root, and an empty 200 answer
/// reads as `null` (or the empty action).
#[tokio::test]
async fn every_operation_of_the_table_goes_out_as_described() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let c = conn(&server);
    for op in omnivirt_ovirt::api::OPERATIONS {
        let mut words = Vec::new();
        let mut want = op.path.to_string();
        for p in op
            .params
            .iter()
            .filter(|p| p.location == omnivirt_core::api::ParamIn::Path)
        {
            let value = if p.name == "href" { "disks/x1" } else { "x1" };
            words.push(format!("{}={value}", p.name));
            want = want.replace(&format!("{{{}}}", p.name), value);
        }
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut a = args(&words);
        if op.params.iter().any(|p| p.name == "body") {
            let empty = if op.body.ends_with("[]") {
                json!([])
            } else {
                json!({})
            };
            a = a.with_body(empty);
        }
        let out = call_on(&c, op.name, &a, false).await;
        let out = out.unwrap_or_else(|e| panic!("{}: {e}", op.name));
        let seen = server.received_requests().await.unwrap();
        let r = seen.last().unwrap();
        let want = if want == "/" {
            API.to_string()
        } else {
            format!("{API}{want}")
        };
        assert_eq!(r.method.as_str(), op.method, "{}", op.name);
        assert_eq!(r.url.path(), want, "{}", op.name);
        let body = String::from_utf8(r.body.clone()).unwrap();
        match op.body {
            "" => assert!(body.is_empty(), "{}", op.name),
            "Action" => assert_eq!(body, "<action/>", "{}", op.name),
            "GlusterBrick[]" => assert_eq!(body, "<bricks></bricks>", "{}", op.name),
            ty => {
                let tag = body.trim_start_matches('<').trim_end_matches("/>");
                assert!(
                    !tag.is_empty() && body.ends_with("/>"),
                    "{}: {body} for {ty}",
                    op.name
                );
            }
        }
        if op.body == "Action" {
            assert!(out.is_object() || out.is_null(), "{}", op.name);
        } else {
            assert!(out.is_null(), "{}: {out}", op.name);
        }
        server.reset().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
    }
}
