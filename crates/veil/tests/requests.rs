//! Every native call sends the request the vendor's Python client (2.2.18) sends for the same
//! call, as captured in `fixtures/veil/client_requests.jsonl`: method, path, query and JSON body
//! (less the random `idempotency_key` and `domains_ids`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use http::{HeaderMap, StatusCode};
use omnivirt_core::Result;
use omnivirt_http::{Request, Response, Transport};
use omnivirt_veil::native::{
    ConsoleKind, DomainClone, DomainCreate, DomainFilter, GuestCommand, MultiAction, Paginator,
    Placement,
};
use omnivirt_veil::{Credentials, VeilClient};
use serde_json::{Value, json};

const D: &str = "11111111-2222-4333-8444-555555555555";
const O: &str = "66666666-7777-4888-9999-000000000000";
const T: &str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

/// Answers every request with a body every decoder accepts, and keeps the requests.
#[derive(Debug, Default)]
struct Capture {
    seen: Mutex<Vec<Request>>,
}

#[async_trait]
impl Transport for Capture {
    async fn send(&self, req: Request) -> Result<Response> {
        let post = req.method == http::Method::POST;
        self.seen.lock().unwrap().push(req);
        let body = json!({
            "id": D, "count": 0, "next": null, "previous": null, "results": [],
            "spice_url": "/s?host=h&password=p&path=websockify?token=t",
            "vnc_url": "/v?host=h&password=p&path=websockify?token=t",
            "version": "4.6.0",
            "_task": {"id": T, "status": "IN_PROGRESS", "entities": {}},
        });
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        let status = if post {
            StatusCode::ACCEPTED
        } else {
            StatusCode::OK
        };
        Ok(Response::new(
            status,
            headers,
            serde_json::to_vec(&body).unwrap(),
        ))
    }
}

/// What the Python client sent for `call` on `entity`.
fn recorded(entity: &str, call: &str) -> Vec<Value> {
    let raw = include_str!("../../../fixtures/veil/client_requests.jsonl");
    for line in raw.lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        if r["entity"] == entity && r["call"] == call {
            return r["requests"].as_array().unwrap().clone();
        }
    }
    panic!("no recorded call {entity}/{call}");
}

fn strip(body: &Value) -> Value {
    let mut b = body.clone();
    if let Some(o) = b.as_object_mut() {
        o.remove("idempotency_key");
        if let Some(ids) = o.get_mut("domains_ids") {
            *ids = json!(ids.as_array().map_or(0, Vec::len));
        }
    }
    b
}

fn compare(entity: &str, call: &str, got: &[Request]) {
    let want = recorded(entity, call);
    assert_eq!(got.len(), want.len(), "{entity}/{call}: request count");
    for (g, w) in got.iter().zip(&want) {
        let what = format!("{entity}/{call}");
        assert_eq!(g.method.as_str(), w["method"], "{what}: method");
        let url = url::Url::parse(&g.url).unwrap();
        assert_eq!(url.path(), w["path"], "{what}: path");
        let mut q: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        q.sort();
        let wq: Vec<(String, String)> = w["query"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_owned(),
                    p[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(q, wq, "{what}: query");
        let body: Option<Value> =
            (!g.body.is_empty()).then(|| serde_json::from_slice(&g.body).unwrap());
        match (&body, &w["body"]) {
            (None, Value::Null) => {}
            (Some(b), wb) if !wb.is_null() => {
                let mut b = strip(b);
                let wb = strip(wb);
                // The captured bodies scrub passwords; so does the comparison.
                if let Some(o) = b.as_object_mut()
                    && o.contains_key("password")
                {
                    o.insert("password".into(), json!("***"));
                }
                assert_eq!(b, wb, "{what}: body");
            }
            (b, wb) => panic!("{what}: body {b:?}, recorded {wb}"),
        }
        let auth = g.headers.get("authorization").unwrap().to_str().unwrap();
        assert!(auth.starts_with("jwt "), "{what}: {auth}");
    }
}

fn client() -> (Arc<Capture>, VeilClient) {
    let cap = Arc::new(Capture::default());
    let c = VeilClient::new(
        "https://veil.test",
        cap.clone(),
        Credentials::token("TOKEN"),
    )
    .unwrap();
    (cap, c)
}

macro_rules! check {
    ($entity:literal, $call:literal, |$c:ident| $body:expr) => {{
        let (cap, $c) = client();
        $body.await.unwrap();
        let got = std::mem::take(&mut *cap.seen.lock().unwrap());
        compare($entity, $call, &got);
    }};
}

#[tokio::test]
async fn domains_match_the_python_client() {
    check!("domain", "list()", |c| c
        .domains()
        .list(&DomainFilter::new(), &Paginator::new()));
    check!("domain", "list(paginator)", |c| c.domains().list(
        &DomainFilter::new(),
        &Paginator::new()
            .name("vm")
            .ordering("-verbose_name")
            .limit(10)
            .offset(20)
    ));
    check!(
        "domain",
        "list(filters via domain(resource_pool,cluster_id,node_id,data_pool_id,template=False), with_vdisks=1, fields=[...], params={ids})",
        |c| c.domains().list(
            &DomainFilter::new()
                .resource_pool(O)
                .cluster(O)
                .node(O)
                .datapool(O)
                .template(false)
                .fields(["id", "status"])
                .ids([D, O])
                .param("with_vdisks", "1"),
            &Paginator::new()
        )
    );
    check!("domain", "list(fields=['__all__'])", |c| c
        .domains()
        .list(&DomainFilter::new().all_content(), &Paginator::new()));
    check!("domain", "info", |c| c.domains().get(D));
    check!("domain", "start", |c| c.domains().start(D));
    check!("domain", "shutdown(force=True)", |c| c
        .domains()
        .shutdown(D, true));
    check!("domain", "reboot", |c| c.domains().reboot(D, false));
    check!("domain", "suspend", |c| c.domains().suspend(D));
    check!("domain", "resume", |c| c.domains().resume(D));
    check!("domain", "reset", |c| c.domains().reset(D));
    check!("domain", "remove", |c| c.domains().remove(D, true, false));
    check!("domain", "enable_remote_access", |c| c
        .domains()
        .remote_access(D, true));
    check!("domain", "disable_remote_access", |c| c
        .domains()
        .remote_access(D, false));
    check!("domain", "create(DomainConfiguration)", |c| c
        .domains()
        .create(
            &DomainCreate::new(
                "vm",
                Placement::Node {
                    node: D.into(),
                    datapool: D.into()
                }
            )
            .parent(O)
            .count(2)
        ));
    check!("domain", "clone(DomainCloneConfiguration)", |c| c
        .domains()
        .clone_domain(
            D,
            &DomainClone::new("vm", Placement::ResourcePool(O.into())).start_on(true)
        ));
    check!("domain", "update_verbose_name", |c| {
        let mut m = serde_json::Map::new();
        m.insert("verbose_name".into(), json!("renamed"));
        async move { c.domains().update(D, &m).await }
    });
    check!("domain", "multi_start", |c| c.domains().multi(
        &[D, O],
        MultiAction::Start,
        false
    ));
    check!("domain", "multi_shutdown(force=True)", |c| c
        .domains()
        .multi(&[D], MultiAction::Shutdown, true));
    check!("domain", "multi_remove", |c| c.domains().multi(
        &[D],
        MultiAction::Delete,
        false
    ));
    check!("domain", "multi_migrate", |c| c.domains().multi(
        &[D],
        MultiAction::Migrate,
        false
    ));
    check!("domain", "guest_command(veil_cmd)", |c| c
        .domains()
        .guest_command(D, &GuestCommand::Veil("lock_screen".into()), 5));
    check!("domain", "guest_command(qemu_cmd)", |c| c
        .domains()
        .guest_command(
            D,
            &GuestCommand::Qemu {
                cmd: "guest-exec".into(),
                fargs: Some(json!({"path": "cmd.exe", "arg": ["/c", "ver"]}))
            },
            5
        ));
    check!("domain", "set_hostname", |c| c
        .domains()
        .set_hostname(D, "host1"));
    check!("domain", "change_template", |c| c
        .domains()
        .change_template(D));
    check!("domain", "spice_conn", |c| c
        .domains()
        .console(D, ConsoleKind::Spice));
    check!("domain", "vnc_conn", |c| c
        .domains()
        .console(D, ConsoleKind::Vnc));
    check!("domain", "convert_to_template", |c| c
        .domains()
        .set_template(D, true));
    check!("domain", "convert_to_vm", |c| c
        .domains()
        .set_template(D, false));
}

#[tokio::test]
async fn other_entities_match_the_python_client() {
    check!("cluster", "list", |c| c
        .clusters()
        .list(&Paginator::new().limit(5)));
    check!("cluster", "info", |c| c.clusters().get(D));
    check!("controller", "base_version", |c| c.base_version());
    check!("controller", "check / is_ok", |c| c.check());
    check!(
        "data_pool",
        "list(node_id,cluster_id,resource_pool_id filters)",
        |c| c
            .data_pools()
            .list(Some(D), Some(O), Some(D), &Paginator::new().limit(5))
    );
    check!("data_pool", "info", |c| c.data_pools().get(D));
    check!("node", "list(cluster_id,resource_pool_id filters)", |c| c
        .nodes()
        .list(Some(D), Some(O), &Paginator::new()));
    check!("node", "info", |c| c.nodes().get(D));
    check!("resource_pool", "list(node_id,cluster_id filters)", |c| c
        .resource_pools()
        .list(Some(D), Some(O), &Paginator::new()));
    check!("resource_pool", "info", |c| c.resource_pools().get(D));
    check!("vdisk", "list", |c| c.vdisks().list(
        None,
        None,
        &Paginator::new().limit(5)
    ));
    check!("vdisk", "info", |c| c.vdisks().get(D));
    check!("task", "list(parent,status)", |c| c.tasks().list(
        Some(D),
        Some("FAILED"),
        &Paginator::new()
    ));
    check!("task", "info", |c| c.tasks().get(T));
    check!("task", "cancel", |c| c.tasks().cancel(T));
    check!("task", "release_locks", |c| c.tasks().release_locks(T));
    check!("task", "response", |c| c.tasks().response(T));
    check!("task", "count", |c| c.tasks().count());
    check!("tag", "list(entity_uuid,entity_class,name)", |c| c
        .tags()
        .list(Some((D, "domain")), &Paginator::new().name("t")));
    check!("tag", "create", |c| c.tags().create("t1", "#ff0000"));
    check!("tag", "update", |c| c.tags().update(
        D,
        Some("t2"),
        Some("#00ff00")
    ));
    check!("tag", "remove", |c| c.tags().remove(D));
    check!("tag", "add_entities", |c| c.tags().tag_entities(
        D,
        "domain",
        &[D, O, D],
        true
    ));
    check!("tag", "remove_entities", |c| c.tags().tag_entities(
        D,
        "domain",
        &[O],
        false
    ));
}
