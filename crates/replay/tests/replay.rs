#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Record against a loopback wiremock server, replay in-process and over HTTP.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use omnivirt_core::ErrorKind;
use omnivirt_http::{
    AuthHook, AuthLayer, HyperTransport, Request, RetryLayer, RetryPolicy, Session,
    SharedTransport, Transport,
};
use omnivirt_replay::{
    Cassette, CassetteLayer, Interaction, MISS_HEADER, MISS_STATUS, Mode, Provenance, RecordedBody,
    RecordedRequest, RecordedResponse, RecordingProxy, ReplayServer, STATUS_PATH, Source,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn hyper() -> SharedTransport {
    Arc::new(HyperTransport::builder().build().unwrap())
}

/// A login hook of the kind vendor crates write: POST credentials, keep the token.
#[derive(Debug)]
struct TokenLogin {
    base: String,
}

#[async_trait]
impl AuthHook for TokenLogin {
    async fn login(&self, inner: &dyn Transport) -> omnivirt_core::Result<Session> {
        let req = Request::post(format!("{}/api/login", self.base))
            .json(&json!({"auth": {"username": "admin", "password": "hunter2"}}))?
            .skip_auth();
        let v: Value = inner.send(req).await?.json().await?;
        Ok(Session::new(v["token"].as_str().unwrap_or_default()))
    }

    fn apply(&self, s: &Session, req: &mut Request) -> omnivirt_core::Result<()> {
        *req = req
            .clone()
            .secret_header("Authorization", &format!("Bearer {}", s.token.expose()))?;
        Ok(())
    }
}

async fn mount_api(server: &MockServer) {
    let uri = server.uri();
    Mock::given(method("POST"))
        .and(path("/api/login"))
        .and(body_json(
            json!({"auth": {"username": "admin", "password": "hunter2"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "tok-9f8e7d6c5b4a39281706",
            "expires_in": 3600
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/vms"))
        .and(header("authorization", "Bearer tok-9f8e7d6c5b4a39281706"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "vms": [
                {"id": "vm-1", "name": "web", "href": format!("{uri}/api/vms/vm-1")},
                {"id": "vm-2", "name": "db", "href": format!("{uri}/api/vms/vm-2")}
            ]
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/vms/vm-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("set-cookie", "JSESSIONID=abcdef0123456789")
                .insert_header("location", format!("{uri}/api/vms/vm-1").as_str())
                .set_body_raw(
                    format!(
                        "<vm href=\"{uri}/api/vms/vm-1\">\n  <name>web</name>\n  <console>\n    <token>c0ns0le-t0ken</token>\n  </console>\n</vm>"
                    ),
                    "application/xml",
                ),
        )
        .mount(server)
        .await;
}

/// What a client built on the stack does: list, then fetch the first VM.
async fn client_run(stack: &dyn Transport, base: &str) -> (Value, u16, String, Option<String>) {
    let list: Value = stack
        .send(Request::get(format!("{base}/api/vms")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let one = stack
        .send(Request::get(format!("{base}/api/vms/vm-1")))
        .await
        .unwrap();
    let status = one.status.as_u16();
    let location = one.header("location").map(str::to_owned);
    let body = String::from_utf8(one.bytes().await.unwrap().to_vec()).unwrap();
    (list, status, body, location)
}

#[tokio::test]
async fn record_through_auth_then_replay_gives_identical_results() {
    let server = MockServer::start().await;
    mount_api(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ovirt/list.json");

    // Record: auth -> cassette(record) -> hyper.
    let recorder = Arc::new(
        CassetteLayer::builder(&file)
            .vendor("test")
            .mode(Mode::Record)
            .inner(hyper())
            .provenance(
                Provenance::default()
                    .product("wiremock")
                    .product_version("0.6"),
            )
            .build()
            .unwrap(),
    );
    assert_eq!(recorder.mode(), Mode::Record);
    let live = AuthLayer::new(
        recorder.clone(),
        Arc::new(TokenLogin { base: server.uri() }),
    );
    let recorded = client_run(&live, &server.uri()).await;
    recorder.finish().unwrap();

    // The file holds no secret and no real address.
    let text = std::fs::read_to_string(&file).unwrap();
    let port = server.address().port().to_string();
    for secret in [
        "hunter2",
        "tok-9f8e7d6c5b4a39281706",
        "c0ns0le-t0ken",
        "abcdef0123456789",
        port.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} leaked into\n{text}");
    }
    assert!(
        text.contains("\"href\": \"http://{{host}}/api/vms/vm-1\""),
        "{text}"
    );
    assert!(text.contains("<token>***</token>"), "{text}");
    assert!(text.contains("\"xml\": \"<vm href="), "{text}");
    assert!(text.contains("\"authorization\": \"***\""), "{text}");
    let cassette = Cassette::load(&file).unwrap();
    assert_eq!(cassette.interactions.len(), 3);
    assert_eq!(cassette.provenance.source, Source::Recorded);
    assert!(
        cassette.provenance.missing().is_empty(),
        "{:?}",
        cassette.provenance
    );
    assert!(matches!(
        cassette.interactions[0].request.body,
        Some(RecordedBody::Json(ref v)) if v["auth"]["password"] == "***"
    ));

    // Replay from a different address: the same client code sees the same data, with the
    // host placeholder restored to where it now talks.
    drop(server);
    let replay = Arc::new(CassetteLayer::replay_file(&file).unwrap());
    let base = "https://replayed.test:9443";
    let stack = AuthLayer::new(replay.clone(), Arc::new(TokenLogin { base: base.into() }));
    let replayed = client_run(&stack, base).await;

    let rebase = |s: &str| s.replace(&format!("http://127.0.0.1:{port}"), base);
    assert_eq!(
        replayed.0,
        serde_json::from_str::<Value>(&rebase(&recorded.0.to_string())).unwrap()
    );
    assert_eq!(replayed.1, recorded.1);
    assert_eq!(
        replayed.2,
        rebase(&recorded.2).replace("c0ns0le-t0ken", "***")
    );
    assert_eq!(
        replayed.3.as_deref(),
        Some("https://replayed.test:9443/api/vms/vm-1")
    );
    replay.finish().unwrap();
}

#[tokio::test]
async fn polling_progression_replays_in_order() {
    let server = MockServer::start().await;
    for state in ["queued", "running", "finished"] {
        Mock::given(method("GET"))
            .and(path("/api/tasks/t-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"state": state})))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("poll.json");
    let rec = CassetteLayer::builder(&file)
        .vendor("test")
        .mode(Mode::New)
        .inner(hyper())
        .provenance(Provenance::default().product("wiremock"))
        .build()
        .unwrap();
    assert_eq!(
        rec.mode(),
        Mode::Record,
        "new records when the file is absent"
    );
    let url = format!("{}/api/tasks/t-1", server.uri());
    for _ in 0..3 {
        rec.send(Request::get(&url)).await.unwrap();
    }
    // A copy can be written anywhere at any time; finish() writes the cassette's own file.
    let copy = dir.path().join("copy.json");
    rec.save(&copy).unwrap();
    assert_eq!(Cassette::load(&copy).unwrap().interactions.len(), 3);
    rec.finish().unwrap();

    let replay = CassetteLayer::builder(&file)
        .mode(Mode::New)
        .build()
        .unwrap();
    assert_eq!(
        replay.mode(),
        Mode::Replay,
        "new replays when the file exists"
    );
    let mut seen = Vec::new();
    for _ in 0..3 {
        let v: Value = replay
            .send(Request::get(&url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.push(v["state"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen, ["queued", "running", "finished"]);

    let err = replay.send(Request::get(&url)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.message().contains("already played"), "{err}");
    assert!(replay.finish().is_err(), "a miss fails finish()");
}

fn create_vm_cassette() -> Cassette {
    Cassette::new(
        "veil",
        Provenance::from_samples(["vendor/veil/domain_create.json"]),
    )
    .interaction(Interaction::new(
        RecordedRequest::new("POST", "/api/domains/").body(RecordedBody::Json(
            json!({"verbose_name": "web", "memory_count": 1024, "cpu_count": 2}),
        )),
        RecordedResponse::new(202).body(RecordedBody::Json(json!({"_task": {"id": "t1"}}))),
    ))
    .interaction(Interaction::new(
        RecordedRequest::new("GET", "/api/tasks/t1/"),
        RecordedResponse::new(200).body(RecordedBody::Json(json!({"status": "SUCCESS"}))),
    ))
}

#[tokio::test]
async fn a_miss_names_the_cassette_and_diffs_the_nearest_request() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("veil/create.json");
    create_vm_cassette().save(&file).unwrap();
    let layer = CassetteLayer::replay_file(&file).unwrap();

    let req = Request::post("https://veil.test/api/domains/")
        .json(&json!({"cpu_count": 2, "verbose_name": "web", "memory_count": 2048}))
        .unwrap();
    let err = layer.send(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    let msg = err.message();
    assert!(msg.contains(&file.display().to_string()), "{msg}");
    assert!(msg.contains("nearest recorded request is #0"), "{msg}");
    assert!(msg.contains("-  \"memory_count\": 1024"), "{msg}");
    assert!(msg.contains("+  \"memory_count\": 2048"), "{msg}");
    assert_eq!(layer.misses().len(), 1);

    // Key order does not matter; JSON is compared by value.
    let req = Request::post("https://veil.test/api/domains/")
        .json(&json!({"cpu_count": 2, "memory_count": 1024, "verbose_name": "web"}))
        .unwrap();
    assert_eq!(layer.send(req).await.unwrap().status.as_u16(), 202);
}

#[tokio::test]
async fn finish_lists_unplayed_interactions_unless_allowed() {
    let layer = CassetteLayer::replay("create", create_vm_cassette());
    let req = Request::post("https://veil.test/api/domains/")
        .json(&json!({"verbose_name": "web", "memory_count": 1024, "cpu_count": 2}))
        .unwrap();
    layer.send(req).await.unwrap();
    let err = layer.finish().unwrap_err();
    assert!(err.message().contains("#1 GET /api/tasks/t1/"), "{err}");
    assert!(err.message().contains("create"), "{err}");
    let layer = layer.allow_unplayed(true);
    layer.finish().unwrap();
}

#[tokio::test(start_paused = true)]
async fn replay_sits_below_retry_so_retries_are_exercised() {
    let cassette = Cassette::new("test", Provenance::default().source(Source::Handwritten))
        .interaction(Interaction::new(
            RecordedRequest::new("GET", "/api/vms"),
            RecordedResponse::new(503).header("retry-after", "2"),
        ))
        .interaction(Interaction::new(
            RecordedRequest::new("GET", "/api/vms"),
            RecordedResponse::new(200).body(RecordedBody::Json(json!([]))),
        ));
    let layer = Arc::new(CassetteLayer::replay("retry", cassette));
    let policy = RetryPolicy::builder()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(100))
        .jitter(false)
        .build();
    let stack = RetryLayer::new(layer.clone(), policy);
    let resp = stack
        .send(Request::get("http://h.test/api/vms"))
        .await
        .unwrap();
    assert_eq!(resp.status.as_u16(), 200);
    layer.finish().unwrap();
}

#[tokio::test]
async fn replay_server_serves_over_real_http() {
    let cassette = Cassette::new("test", Provenance::default().source(Source::Handwritten))
        .interaction(Interaction::new(
            RecordedRequest::new("GET", "/api/tasks/t1?fields=state"),
            RecordedResponse::new(200).body(RecordedBody::Json(json!({"state": "running"}))),
        ))
        .interaction(Interaction::new(
            RecordedRequest::new("GET", "/api/tasks/t1?fields=state"),
            RecordedResponse::new(200)
                .header("location", "https://{{host}}/api/vms/v1")
                .body(RecordedBody::Json(json!({
                    "state": "done", "vm": "https://{{host}}/api/vms/v1"
                }))),
        ))
        .interaction(Interaction::new(
            RecordedRequest::new("POST", "/api/vms/v1/start"),
            RecordedResponse::new(200).body(RecordedBody::Xml(
                "<action><status>complete</status></action>".into(),
            )),
        ));
    let server = ReplayServer::start("tasks", cassette).await;
    let http = hyper();
    let url = format!("{}/api/tasks/t1?fields=state", server.uri());

    let first: Value = http
        .send(Request::get(&url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["state"], "running");
    let second = http.send(Request::get(&url)).await.unwrap();
    assert_eq!(
        second.header("location").unwrap(),
        format!("{}/api/vms/v1", server.uri())
    );
    let second: Value = second.json().await.unwrap();
    assert_eq!(second["state"], "done");
    assert_eq!(second["vm"], format!("{}/api/vms/v1", server.uri()));

    // A recorded XML answer keeps its content type.
    let start = http
        .send(Request::post(format!("{}/api/vms/v1/start", server.uri())))
        .await
        .unwrap();
    assert_eq!(start.content_type().as_deref(), Some("application/xml"));
    assert!(
        String::from_utf8(start.bytes().await.unwrap().to_vec())
            .unwrap()
            .contains("complete")
    );

    // A third poll was never recorded: 599 with the explanation in the body.
    let miss = http.send(Request::get(&url)).await.unwrap();
    assert_eq!(miss.status.as_u16(), MISS_STATUS);
    assert_eq!(miss.header(MISS_HEADER), Some("miss"));
    let text = String::from_utf8(miss.bytes().await.unwrap().to_vec()).unwrap();
    assert!(text.contains("cassette tasks"), "{text}");
    assert!(text.contains("already played"), "{text}");
    assert_eq!(server.misses().len(), 1);
    assert!(server.unplayed().is_empty());
    assert!(server.finish(false).is_err());

    // The same, over HTTP, for harnesses in other languages.
    let status: Value = http
        .send(Request::get(format!("{}{STATUS_PATH}", server.uri())))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["cassette"], "tasks");
    assert_eq!(status["interactions"], 3);
    assert_eq!(status["misses"][0]["path"], "/api/tasks/t1?fields=state");
    assert_eq!(status["unplayed"], json!([]));
}

#[tokio::test]
async fn replay_server_matches_xml_bodies_canonically() {
    let cassette = Cassette::new("ovirt", Provenance::default().source(Source::Handwritten))
        .interaction(Interaction::new(
            RecordedRequest::new("POST", "/ovirt-engine/api/vms").body(RecordedBody::Xml(
                "<vm>\n  <name>web</name>\n  <cluster id=\"c1\" name=\"Default\"/>\n</vm>".into(),
            )),
            RecordedResponse::new(201).body(RecordedBody::Xml("<vm id=\"v1\"/>".into())),
        ));
    let server = ReplayServer::start("xml", cassette).await;
    let resp = hyper()
        .send(
            Request::post(format!("{}/ovirt-engine/api/vms", server.uri()))
                .xml("<vm><name>web</name><cluster name=\"Default\" id=\"c1\"></cluster></vm>"),
        )
        .await
        .unwrap();
    assert_eq!(resp.status.as_u16(), 201);
    server.finish(false).unwrap();
}

#[tokio::test]
async fn recording_proxy_records_any_client() {
    let upstream = MockServer::start().await;
    let up = upstream.uri();
    Mock::given(method("POST"))
        .and(path("/v2/api/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZw"}
        })))
        .mount(&upstream)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/api/get-vms"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "v1", "name": "web", "link": format!("{up}/v2/api/vms/v1")}
        ])))
        .mount(&upstream)
        .await;

    let proxy = RecordingProxy::start(&up, hyper(), "cloudtower")
        .await
        .unwrap();
    let client = hyper();
    let login = client
        .send(
            Request::post(format!("{}/v2/api/login", proxy.uri()))
                .json(&json!({"username": "admin", "password": "pw-123", "source": "LOCAL"}))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(login.status.as_u16(), 200);
    let vms: Value = client
        .send(
            Request::post(format!("{}/v2/api/get-vms", proxy.uri()))
                .header(
                    "authorization",
                    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZw",
                )
                .unwrap()
                .json(&json!({"where": {"name": "web"}}))
                .unwrap(),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Links that pointed at the upstream now point at the proxy.
    assert_eq!(vms[0]["link"], format!("{}/v2/api/vms/v1", proxy.uri()));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ct.json");
    let cassette = proxy.finish(Some(&file)).await.unwrap();
    assert_eq!(cassette.interactions.len(), 2);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("pw-123"), "{text}");
    assert!(!text.contains("eyJ"), "{text}");
    assert!(
        !text.contains(&upstream.address().port().to_string()),
        "{text}"
    );
    assert!(text.contains("http://{{host}}/v2/api/vms/v1"), "{text}");

    // And it replays.
    let server = ReplayServer::start_file(&file).await.unwrap();
    let again: Value = hyper()
        .send(
            Request::post(format!("{}/v2/api/login", server.uri()))
                .json(&json!({"username": "admin", "password": "another", "source": "LOCAL"}))
                .unwrap(),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["data"]["token"], "***");
}

#[tokio::test]
async fn mode_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.json");
    let err = CassetteLayer::builder(&missing)
        .mode(Mode::Replay)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("OMNIVIRT_CASSETTE=record"), "{err}");

    let err = CassetteLayer::builder(&missing)
        .mode(Mode::Record)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("no inner transport"), "{err}");

    std::fs::write(&missing, "{\"format\": 7, \"vendor\": \"x\"}").unwrap();
    let err = CassetteLayer::replay_file(&missing).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("format version 7"), "{err}");
}

#[tokio::test]
async fn headers_match_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("versioned.json");
    Cassette::new("test", Provenance::default().source(Source::Handwritten))
        .interaction(Interaction::new(
            RecordedRequest::new("GET", "/api/vms").header("X-Api-Version", "2"),
            RecordedResponse::new(200),
        ))
        .save(&file)
        .unwrap();
    let get = |v: &str| {
        Request::get("http://h.test/api/vms")
            .header("x-api-version", v)
            .unwrap()
    };

    let lax = CassetteLayer::replay_file(&file).unwrap();
    assert_eq!(lax.send(get("1")).await.unwrap().status.as_u16(), 200);

    let strict = CassetteLayer::builder(&file)
        .mode(Mode::Replay)
        .match_header("X-Api-Version")
        .build()
        .unwrap();
    let err = strict.send(get("1")).await.unwrap_err();
    assert!(err.message().contains("-header x-api-version: 2"), "{err}");
    assert!(err.message().contains("+header x-api-version: 1"), "{err}");
    assert_eq!(strict.send(get("2")).await.unwrap().status.as_u16(), 200);
}

#[tokio::test]
async fn live_mode_passes_through_and_records_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.json");
    let layer = CassetteLayer::builder(&file)
        .mode(Mode::Live)
        .inner(hyper())
        .build()
        .unwrap();
    let resp = layer
        .send(Request::get(format!("{}/ping", server.uri())))
        .await
        .unwrap();
    assert_eq!(resp.status.as_u16(), 204);
    layer.finish().unwrap();
    assert!(layer.cassette().is_none());
    assert!(layer.save(dir.path().join("x.json")).is_err());
    assert!(!file.exists(), "live mode must not write a cassette");
}

#[tokio::test]
async fn replay_sits_below_auth_so_expired_sessions_log_in_again() {
    let login = || {
        Interaction::new(
            RecordedRequest::new("POST", "/api/login").body(RecordedBody::Json(
                json!({"auth": {"username": "admin", "password": "***"}}),
            )),
            RecordedResponse::new(200).body(RecordedBody::Json(json!({"token": "***"}))),
        )
    };
    let list = |status: u16| {
        Interaction::new(
            RecordedRequest::new("GET", "/api/vms"),
            RecordedResponse::new(status).body(RecordedBody::Json(json!({"vms": []}))),
        )
    };
    let cassette = Cassette::new("test", Provenance::default().source(Source::Handwritten))
        .interaction(login())
        .interaction(list(401))
        .interaction(login())
        .interaction(list(200));
    let layer = Arc::new(CassetteLayer::replay("expiry", cassette));
    let base = "https://api.test";
    let stack = AuthLayer::new(layer.clone(), Arc::new(TokenLogin { base: base.into() }));
    let resp = stack
        .send(Request::get(format!("{base}/api/vms")))
        .await
        .unwrap();
    assert_eq!(resp.status.as_u16(), 200);
    // Both logins and both listings were played, in order.
    layer.finish().unwrap();
}
