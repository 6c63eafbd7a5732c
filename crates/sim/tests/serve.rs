#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Serving the World: SimTransport in process and SimServer on loopback, with the fault plan.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use omnivirt_http::{Request, Response, Transport};
use omnivirt_sim::skin::{self, Skin};
use omnivirt_sim::{SimServer, SimSkin, SimTransport, World, WorldConfig};
use serde_json::{Value, json};

const BASE: &str = "http://sim.invalid/sim/v1";

fn transport(world: &Arc<World>) -> SimTransport {
    SimTransport::new(world.clone(), Arc::new(SimSkin::new()))
}

async fn call(t: &SimTransport, req: Request) -> (StatusCode, Value) {
    let resp = t.send(req).await.unwrap();
    let status = resp.status;
    let bytes = resp.bytes().await.unwrap();
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, v)
}

async fn login(t: &SimTransport) -> String {
    let (s, v) = call(
        t,
        Request::post(format!("{BASE}/login"))
            .json(&json!({"user": "admin", "password": "admin"}))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["token"].as_str().unwrap().to_owned()
}

fn authed(req: Request, token: &str) -> Request {
    req.secret_header("Authorization", &format!("Bearer {token}"))
        .unwrap()
}

#[tokio::test]
async fn sim_skin_round_trip_in_process() {
    let world = Arc::new(World::default());
    let t = transport(&world);
    let token = login(&t).await;

    let (s, v) = call(&t, authed(Request::get(format!("{BASE}/clusters")), &token)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 2);
    let cluster = v["items"][0]["id"].as_str().unwrap().to_owned();

    let (s, v) = call(
        &t,
        authed(
            Request::get(format!("{BASE}/vms?state=running&limit=3&name_prefix=vm-")),
            &token,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["items"].as_array().unwrap().len(), 3);
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|vm| vm["state"] == "running")
    );
    assert_eq!(v["next_offset"], 3);

    let (s, v) = call(
        &t,
        authed(Request::post(format!("{BASE}/vms")), &token)
            .json(&json!({"name": "web-1", "cluster_id": cluster, "vcpus": 2}))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let task = v["task"].as_str().unwrap().to_owned();
    let vm = v["target"]["id"].as_str().unwrap().to_owned();
    assert_eq!(v["target"]["kind"], "vm");

    let mut states = Vec::new();
    loop {
        let (s, v) = call(
            &t,
            authed(Request::get(format!("{BASE}/tasks/{task}")), &token),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        states.push(v["state"].as_str().unwrap().to_owned());
        if v["state"] == "succeeded" {
            break;
        }
    }
    assert_eq!(states, ["running", "succeeded"]);
    let (_, v) = call(&t, authed(Request::get(format!("{BASE}/vms/{vm}")), &token)).await;
    assert_eq!(
        (v["name"].as_str(), v["state"].as_str()),
        (Some("web-1"), Some("stopped"))
    );

    // A wrong move is a 409 with the World's message.
    let (s, v) = call(
        &t,
        authed(Request::post(format!("{BASE}/vms/{vm}/stop")), &token),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["error"]["kind"], "invalid_state");
    assert_eq!(v["error"]["message"], "cannot stop VM web-1: it is stopped");

    // Bad JSON is a 400, a missing object a 404.
    let (s, _) = call(
        &t,
        authed(Request::post(format!("{BASE}/vms")), &token).body("{nope"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = call(
        &t,
        authed(Request::get(format!("{BASE}/vms/missing")), &token),
    )
    .await;
    assert_eq!(
        (s, v["error"]["kind"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );

    // Logout ends the session.
    let (s, _) = call(&t, authed(Request::post(format!("{BASE}/logout")), &token)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = call(&t, authed(Request::get(format!("{BASE}/vms")), &token)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn auth_is_required_and_expiry_is_a_401() {
    let world = Arc::new(World::default());
    let t = transport(&world);
    let (s, _) = call(&t, Request::get(format!("{BASE}/vms"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = call(
        &t,
        Request::post(format!("{BASE}/login"))
            .json(&json!({"user": "admin", "password": "nope"}))
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["error"]["kind"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );

    let token = login(&t).await;
    let (s, _) = call(&t, authed(Request::get(format!("{BASE}/vms")), &token)).await;
    assert_eq!(s, StatusCode::OK);
    world.faults().expire_sessions();
    let (s, _) = call(&t, authed(Request::get(format!("{BASE}/vms")), &token)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let token = login(&t).await;
    let (s, _) = call(&t, authed(Request::get(format!("{BASE}/vms")), &token)).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn fail_next_requests_through_the_transport() {
    let world = Arc::new(World::default());
    let t = transport(&world);
    let token = login(&t).await;
    world.faults().fail_next_requests(2, 503);
    for _ in 0..2 {
        let (s, v) = call(&t, authed(Request::get(format!("{BASE}/vms")), &token)).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("simulated fault")
        );
    }
    let (s, _) = call(&t, authed(Request::get(format!("{BASE}/vms")), &token)).await;
    assert_eq!(s, StatusCode::OK);

    // Only matching paths fail, and only as often as planned.
    world.faults().fail_next_requests_matching(1, 500, "/hosts");
    let (s, _) = call(&t, authed(Request::get(format!("{BASE}/vms")), &token)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(&t, authed(Request::get(format!("{BASE}/hosts")), &token)).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    let (s, _) = call(&t, authed(Request::get(format!("{BASE}/hosts")), &token)).await;
    assert_eq!(s, StatusCode::OK);

    // Unknown paths are 404 and never reach a skin.
    let (s, _) = call(&t, Request::get("http://sim.invalid/elsewhere")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(world.requests_seen(), 8);

    world.faults().fail_next_requests(1, 502);
    world.faults().clear();
    let (s, _) = call(&t, authed(Request::get(format!("{BASE}/vms")), &token)).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn delays_use_the_tokio_clock() {
    let world = Arc::new(World::default());
    let t = transport(&world);
    world.faults().delay_responses(Duration::from_secs(3));
    let start = tokio::time::Instant::now();
    let (s, _) = call(&t, Request::get(format!("{BASE}/vms"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(start.elapsed() >= Duration::from_secs(3));
    world.faults().clear_delay();
    let start = tokio::time::Instant::now();
    call(&t, Request::get(format!("{BASE}/vms"))).await;
    assert!(start.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn fail_next_task_is_seen_over_the_wire() {
    let world = Arc::new(World::default());
    let t = transport(&world);
    let token = login(&t).await;
    let (_, v) = call(
        &t,
        authed(
            Request::get(format!("{BASE}/vms?state=stopped&limit=1")),
            &token,
        ),
    )
    .await;
    let vm = v["items"][0]["id"].as_str().unwrap().to_owned();
    world
        .faults()
        .fail_next_task("NO_MEMORY", "host out of memory");
    let (s, v) = call(
        &t,
        authed(Request::post(format!("{BASE}/vms/{vm}/start")), &token),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let task = v["task"].as_str().unwrap().to_owned();
    let (_, v) = call(
        &t,
        authed(Request::get(format!("{BASE}/tasks?ids={task}")), &token),
    )
    .await;
    assert_eq!(v["items"][0]["state"], "running");
    let (_, v) = call(
        &t,
        authed(Request::get(format!("{BASE}/tasks/{task}")), &token),
    )
    .await;
    assert_eq!(v["state"], "failed");
    assert_eq!(v["error"]["code"], "NO_MEMORY");
    let (_, v) = call(&t, authed(Request::get(format!("{BASE}/vms/{vm}")), &token)).await;
    assert_eq!(v["state"], "stopped");
}

/// A skin used to check routing by longest mount.
#[derive(Debug)]
struct Echo(&'static str);

impl Skin for Echo {
    fn vendor(&self) -> &'static str {
        "echo"
    }
    fn mount(&self) -> &'static str {
        self.0
    }
    fn handle(&self, _world: &World, req: Request) -> Response {
        skin::text_response(StatusCode::OK, format!("{} {}", self.0, req.path()))
    }
    fn credentials_hint(&self) -> String {
        "none".into()
    }
}

#[tokio::test]
async fn longest_mount_wins() {
    let world = Arc::new(World::new(WorldConfig::empty()));
    let t = SimTransport::new(world, Arc::new(Echo("/api"))).with_skin(Arc::new(Echo("/api/v2")));
    let text =
        |r: Response| async move { String::from_utf8(r.bytes().await.unwrap().to_vec()).unwrap() };
    assert_eq!(
        text(t.send(Request::get("http://x/api/v2/a")).await.unwrap()).await,
        "/api/v2 /api/v2/a"
    );
    assert_eq!(
        text(t.send(Request::get("http://x/api/v21")).await.unwrap()).await,
        "/api /api/v21"
    );
    assert_eq!(
        text(t.send(Request::get("http://x/api")).await.unwrap()).await,
        "/api /api"
    );
    assert_eq!(
        t.send(Request::get("http://x/apix")).await.unwrap().status,
        StatusCode::NOT_FOUND
    );
}

type Hyper = HyperClient<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

async fn hyper_call(
    c: &Hyper,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, http::HeaderMap, Bytes) {
    let mut b = hyper::Request::builder().method(method).uri(url);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(v) => {
            b = b.header("content-type", "application/json");
            Full::new(Bytes::from(serde_json::to_vec(&v).unwrap()))
        }
        None => Full::new(Bytes::new()),
    };
    let resp = c.request(b.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, bytes)
}

#[tokio::test]
async fn sim_server_over_real_loopback_http() {
    let world = Arc::new(World::default());
    let server = SimServer::start(
        world.clone(),
        vec![Arc::new(SimSkin::new()), Arc::new(Echo("/echo"))],
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let base = server.url();
    assert!(base.starts_with("http://127.0.0.1:"));
    assert_ne!(server.addr().port(), 0);
    let c: Hyper = HyperClient::builder(TokioExecutor::new()).build_http();

    let (s, _, body) = hyper_call(&c, "GET", &format!("{base}/nothing/here"), None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&body).contains("no route"));
    let (s, _, body) = hyper_call(&c, "HEAD", &format!("{base}/nothing"), None, None).await;
    assert_eq!((s, body.len()), (StatusCode::NOT_FOUND, 0));
    let (s, _, body) = hyper_call(&c, "HEAD", &format!("{base}/echo/x"), None, None).await;
    assert_eq!((s, body.len()), (StatusCode::OK, 0));

    let (s, h, body) = hyper_call(
        &c,
        "POST",
        &format!("{base}/sim/v1/login"),
        None,
        Some(json!({"user": "admin", "password": "admin"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["content-type"], "application/json");
    let token: Value = serde_json::from_slice(&body).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();

    // Many requests over the pooled keep-alive connection.
    for i in 0..20 {
        let (s, _, body) = hyper_call(
            &c,
            "GET",
            &format!("{base}/sim/v1/vms?offset={i}&limit=1"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["items"][0]["name"], format!("vm-{:05}", i + 1));
    }

    // Faults apply over HTTP too.
    world.faults().fail_next_requests(1, 503);
    let (s, _, _) = hyper_call(&c, "GET", &format!("{base}/sim/v1/vms"), Some(&token), None).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    let (s, _, _) = hyper_call(&c, "GET", &format!("{base}/sim/v1/vms"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);

    // Delays too (a short real one: the assertion only bounds it from below).
    world.faults().delay_responses(Duration::from_millis(150));
    let t0 = std::time::Instant::now();
    let (s, _, _) = hyper_call(&c, "GET", &format!("{base}/sim/v1/vms"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(t0.elapsed() >= Duration::from_millis(150));
    world.faults().clear_delay();

    // Expired sessions are refused over HTTP as well.
    world.faults().expire_sessions();
    let (s, _, _) = hyper_call(&c, "GET", &format!("{base}/sim/v1/vms"), Some(&token), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Paths reach the skin exactly as sent (still percent-encoded).
    let (_, _, body) = hyper_call(&c, "GET", &format!("{base}/echo/a%20b?q=1"), None, None).await;
    assert_eq!(body, Bytes::from_static(b"/echo /echo/a%20b"));

    let addr = server.addr();
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[cfg(all(feature = "ovirt", feature = "cloudtower"))]
#[tokio::test]
async fn every_compiled_skin_on_one_server() {
    let skins = omnivirt_sim::skins::all();
    let vendors: Vec<&str> = skins.iter().map(|s| s.vendor()).collect();
    let mut expected = vec!["sim", "ovirt", "cloudtower"];
    let mut paths = vec![
        ("/sim/v1/vms", "sim"),
        ("/ovirt-engine/api/vms", "ovirt"),
        ("/v2/api/get-vms", "cloudtower"),
    ];
    if cfg!(feature = "zstack") {
        expected.push("zstack");
        paths.push(("/zstack/v1/vm-instances", "zstack"));
    }
    if cfg!(feature = "veil") {
        expected.push("veil");
        paths.push(("/veil/api/domains/", "veil"));
    }
    assert_eq!(
        vendors, expected,
        "every compiled skin, mounts not overlapping"
    );
    for (path, vendor) in paths {
        assert_eq!(
            skin::find_skin(&skins, path).map(|s| s.vendor()),
            Some(vendor),
            "{path}"
        );
    }
    let world = Arc::new(World::default());
    let server = SimServer::start(world, skins, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let c: Hyper = HyperClient::builder(TokioExecutor::new()).build_http();
    let base = server.url();
    // Without credentials every vendor refuses, each in its own way, but none is a 404.
    for path in ["/sim/v1/vms", "/ovirt-engine/api/vms"] {
        let (s, _, _) = hyper_call(&c, "GET", &format!("{base}{path}"), None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}");
    }
    let (s, _, _) = hyper_call(
        &c,
        "POST",
        &format!("{base}/v2/api/get-vms"),
        None,
        Some(json!({})),
    )
    .await;
    assert_ne!(s, StatusCode::NOT_FOUND);
    assert!(s.is_client_error(), "{s}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_clients() {
    let world = Arc::new(World::new(WorldConfig::builder().vms(200).build()));
    let server = SimServer::start(
        world.clone(),
        vec![Arc::new(SimSkin::new())],
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let base = server.url();
    let token = world.login("admin", "admin").unwrap().expose().to_owned();
    let mut set = tokio::task::JoinSet::new();
    for client in 0..16 {
        let base = base.clone();
        let token = token.clone();
        set.spawn(async move {
            // One client (and so one pool of connections) per task.
            let c: Hyper = HyperClient::builder(TokioExecutor::new()).build_http();
            let mut started = 0;
            for i in 0..10 {
                let offset = (client * 10 + i) % 200;
                let (s, _, body) = hyper_call(
                    &c,
                    "GET",
                    &format!("{base}/sim/v1/vms?offset={offset}&limit=1"),
                    Some(&token),
                    None,
                )
                .await;
                assert_eq!(s, StatusCode::OK);
                let v: Value = serde_json::from_slice(&body).unwrap();
                let id = v["items"][0]["id"].as_str().unwrap().to_owned();
                let (s, _, _) = hyper_call(
                    &c,
                    "POST",
                    &format!("{base}/sim/v1/vms/{id}/reboot"),
                    Some(&token),
                    None,
                )
                .await;
                // Stopped VMs refuse, busy ones are locked; either way the World answers.
                assert!(
                    s == StatusCode::ACCEPTED || s == StatusCode::CONFLICT,
                    "{s}"
                );
                if s == StatusCode::ACCEPTED {
                    started += 1;
                }
            }
            started
        });
    }
    let mut accepted = 0;
    while let Some(r) = set.join_next().await {
        accepted += r.unwrap();
    }
    assert!(accepted > 0);
    assert_eq!(world.requests_seen(), 16 * 10 * 2);
    let open = world.open_tasks();
    assert!(open <= accepted);
    assert_eq!(world.settle(), open);
    assert_eq!(world.open_tasks(), 0);
    server.shutdown().await;
}
