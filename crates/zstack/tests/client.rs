//! The native client against a scripted transport: login body and header, the 202 + api-jobs
//! protocol with the location rewritten to the configured base, errors, re-login on ID.1001,
//! logout on close.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use http::{HeaderMap, Method, StatusCode};
use omnivirt_core::{ErrorKind, Result, WaitOptions};
use omnivirt_http::{Request, Response, Transport};
use omnivirt_zstack::query::{Condition, Query};
use omnivirt_zstack::{Credentials, JobStatus, Reply, ZStackClient, password_hash};
use serde_json::{Value, json};

#[derive(Debug, Default)]
struct Script {
    answers: Mutex<VecDeque<(u16, Value)>>,
    seen: Mutex<Vec<Request>>,
}

impl Script {
    fn new(answers: Vec<(u16, Value)>) -> Arc<Self> {
        Arc::new(Script {
            answers: Mutex::new(answers.into()),
            seen: Mutex::new(Vec::new()),
        })
    }
    fn seen(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }
}

#[async_trait]
impl Transport for Script {
    async fn send(&self, req: Request) -> Result<Response> {
        self.seen.lock().unwrap().push(req);
        let (status, body) = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("more requests than scripted answers");
        let bytes = if body.is_string() {
            body.as_str().unwrap().as_bytes().to_vec()
        } else {
            serde_json::to_vec(&body).unwrap()
        };
        Ok(Response::new(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            bytes,
        ))
    }
}

const BASE: &str = "http://mn.example:8080/zstack/v1";

fn login_ok(uuid: &str) -> (u16, Value) {
    (
        200,
        json!({"inventory": {"uuid": uuid, "accountUuid": "a"}}),
    )
}

fn client(script: &Arc<Script>) -> ZStackClient {
    ZStackClient::new(
        BASE,
        script.clone(),
        Credentials::account("admin", "password"),
    )
}

fn body(req: &Request) -> Value {
    serde_json::from_slice(&req.body).unwrap()
}

#[tokio::test(start_paused = true)]
async fn login_action_and_job_polling() {
    let script = Script::new(vec![
        login_ok("sess-1"),
        (
            202,
            json!({"location": "http://10.0.0.9:8080/zstack/v1/api-jobs/job1", "apiTimeout": 1800000}),
        ),
        (202, json!({})),
        (
            200,
            json!({"inventory": {"uuid": "vm1", "state": "Running"}}),
        ),
        (200, json!({})),
    ]);
    let zs = client(&script);
    let reply = zs.start_vm("vm1", Some("host9")).await.unwrap();
    let job = reply.job().unwrap().clone();
    assert_eq!(job.uuid, "job1");
    assert_eq!(job.api_timeout_ms, Some(1_800_000));
    let v = zs
        .wait(
            &reply,
            ZStackClient::default_wait().timeout(Duration::from_secs(60)),
        )
        .await
        .unwrap();
    assert_eq!(v["inventory"]["uuid"], "vm1");
    zs.close().await.unwrap();

    let seen = script.seen();
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[0].method, Method::PUT);
    assert_eq!(seen[0].url, format!("{BASE}/accounts/login"));
    assert_eq!(
        body(&seen[0]),
        json!({"logInByAccount": {"accountName": "admin", "password": password_hash("password")}})
    );
    assert!(seen[0].headers.get("authorization").is_none());
    assert_eq!(seen[1].method, Method::PUT);
    assert_eq!(seen[1].url, format!("{BASE}/vm-instances/vm1/actions"));
    assert_eq!(seen[1].headers["authorization"], "OAuth sess-1");
    assert_eq!(
        body(&seen[1]),
        json!({"startVmInstance": {"hostUuid": "host9"}})
    );
    // The job is polled on the configured base, not on the MN's internal address.
    assert_eq!(seen[2].url, format!("{BASE}/api-jobs/job1"));
    assert_eq!(seen[2].method, Method::GET);
    assert_eq!(seen[4].method, Method::DELETE);
    assert_eq!(seen[4].url, format!("{BASE}/accounts/sessions/sess-1"));
}

#[tokio::test]
async fn query_parameters_and_errors() {
    let script = Script::new(vec![
        login_ok("s"),
        (
            200,
            json!({"inventories": [{"uuid": "v1", "name": "web-1", "state": "Stopped"}], "total": 7, "schema": {}}),
        ),
        (
            503,
            json!({"error": {"code": "SYS.1007", "details": "resource[uuid:nope, type:VmInstanceVO] not found"}}),
        ),
        (400, json!("invalid value[abc] of field[limit]")),
    ]);
    let zs = client(&script);
    let page = zs
        .query_vms(
            &Query::new()
                .filter(Condition::eq("state", "Stopped"))
                .filter(Condition::like("name", "web%"))
                .limit(5)
                .reply_with_count(true),
        )
        .await
        .unwrap();
    assert_eq!(page.items[0].name.as_deref(), Some("web-1"));
    assert_eq!(page.total, Some(7));
    let e = zs.reboot_vm("nope").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.detail().unwrap().http_status, Some(503));
    let e = zs.query_hosts(&Query::new()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);

    let seen = script.seen();
    let q = seen[1].query().unwrap();
    assert!(q.contains("q=state%3DStopped"), "{q}");
    assert!(q.contains("q=name%7E%3Dweb%25"), "{q}");
    assert!(
        q.contains("limit=5") && q.contains("replyWithCount=true"),
        "{q}"
    );
    // Nothing misreadable is ever sent.
    let e = zs
        .query_vms(&Query::new().filter(Condition::eq("name", "a!=b")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(script.seen().len(), 4);
}

#[tokio::test]
async fn invalid_session_logs_in_again_once() {
    let expired = (
        503,
        json!({"error": {"code": "ID.1001", "description": "invalid session", "details": "Session expired"}}),
    );
    let script = Script::new(vec![
        login_ok("old"),
        expired,
        login_ok("new"),
        (200, json!({"inventories": []})),
    ]);
    let zs = client(&script);
    let page = zs.query_clusters(&Query::new()).await.unwrap();
    assert!(page.items.is_empty());
    let seen = script.seen();
    assert_eq!(seen[1].headers["authorization"], "OAuth old");
    assert_eq!(seen[3].headers["authorization"], "OAuth new");
}

#[tokio::test]
async fn failed_jobs_and_refused_logins() {
    let script = Script::new(vec![
        login_ok("s"),
        (
            503,
            json!({"error": {"code": "VM.1001", "details": "libvirt said no"}}),
        ),
        (404, json!("the job has been expired")),
    ]);
    let zs = client(&script);
    match zs.job_status("j1").await.unwrap() {
        JobStatus::Failed(ec) => assert_eq!(ec.code.as_deref(), Some("VM.1001")),
        other => panic!("{other:?}"),
    }
    let e = zs.job_status("j2").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = zs
        .wait(&Reply::Done(json!({"x": 1})), ZStackClient::default_wait())
        .await
        .unwrap();
    assert_eq!(e["x"], 1);

    let script = Script::new(vec![(
        503,
        json!({"error": {"code": "ID.1000", "details": "wrong account name or password"}}),
    )]);
    let e = client(&script).query_vms(&Query::new()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert!(!e.to_string().contains(&password_hash("password")));
}

#[tokio::test(start_paused = true)]
async fn wait_times_out() {
    let mut answers = vec![
        login_ok("s"),
        (
            202,
            json!({"location": "http://mn/zstack/v1/api-jobs/slow"}),
        ),
    ];
    answers.extend((0..10).map(|_| (202, json!({}))));
    let script = Script::new(answers);
    let zs = client(&script);
    let reply = zs.pause_vm("vm1").await.unwrap();
    let e = zs
        .wait(
            &reply,
            every(Duration::from_secs(2)).timeout(Duration::from_secs(4)),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    // Polled at 0 s, 2 s and 4 s (the deadline: core's waiter looks once more at the end of
    // its budget instead of giving up before it), then gave up before 6 s.
    assert_eq!(script.seen().len(), 2 + 3);
    assert_eq!(body(&script.seen()[1]), json!({"pauseVmInstance": {}}));
}

/// A fixed schedule without jitter, as the Java SDK polls.
fn every(d: Duration) -> WaitOptions {
    ZStackClient::default_wait().interval(d, d)
}

#[tokio::test(start_paused = true)]
async fn wait_timeout_names_the_op_the_polls_and_the_job() {
    let mut answers = vec![
        login_ok("s"),
        (
            202,
            json!({"location": "http://mn/zstack/v1/api-jobs/slow"}),
        ),
    ];
    answers.extend((0..10).map(|_| (202, json!({}))));
    let script = Script::new(answers);
    let zs = client(&script);
    let reply = zs.pause_vm("vm1").await.unwrap();
    let e = zs
        .wait(
            &reply,
            every(Duration::from_secs(1)).timeout(Duration::from_secs(3)),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(e.op(), Some(omnivirt_core::Op::TaskGet));
    assert_eq!(e.vendor(), Some("zstack"));
    assert!(!e.is_retryable());
    let msg = e.to_string();
    // Polled at 0, 1, 2 and 3 s.
    assert!(msg.contains("task.get did not finish"), "{msg}");
    assert!(msg.contains("over 4 polls"), "{msg}");
    assert!(msg.contains("last seen: job slow running"), "{msg}");
    assert_eq!(script.seen().len(), 2 + 4);
}

#[tokio::test(start_paused = true)]
async fn wait_polls_through_a_transient_error() {
    let script = Script::new(vec![
        login_ok("s"),
        (202, json!({"location": "http://mn/zstack/v1/api-jobs/j1"})),
        (202, json!({})),
        // A gateway in front of the node hiccups: retryable, so the wait goes on.
        (502, json!("Bad Gateway")),
        (
            200,
            json!({"inventory": {"uuid": "vm1", "state": "Paused"}}),
        ),
    ]);
    let zs = client(&script);
    let reply = zs.pause_vm("vm1").await.unwrap();
    let (opts, mut progress) = every(Duration::from_secs(1)).progress_channel();
    let v = zs.wait(&reply, opts).await.unwrap();
    assert_eq!(v["inventory"]["state"], "Paused");
    let seen = script.seen();
    assert_eq!(seen.len(), 2 + 3);
    assert!(
        seen[2..]
            .iter()
            .all(|r| r.url == format!("{BASE}/api-jobs/j1"))
    );
    // Progress: the running job, then the done report after the third poll.
    let first = progress.recv().await.unwrap();
    assert_eq!(first.polls, 1);
    assert_eq!(first.observed.as_deref(), Some("job j1 running"));
    let mut last = first;
    while let Ok(p) = progress.try_recv() {
        last = p;
    }
    assert!(last.done);
    assert_eq!(last.polls, 3);
}

#[tokio::test(start_paused = true)]
async fn a_failed_job_ends_the_wait_even_with_a_retryable_code() {
    let script = Script::new(vec![
        login_ok("s"),
        (202, json!({"location": "http://mn/zstack/v1/api-jobs/j1"})),
        (
            503,
            json!({"error": {"code": "SYS.1001", "details": "Create VM on KVM timeout after 300s"}}),
        ),
    ]);
    let zs = client(&script);
    let reply = zs.pause_vm("vm1").await.unwrap();
    let e = zs
        .wait(&reply, every(Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed);
    assert_eq!(e.detail().unwrap().code.as_deref(), Some("SYS.1001"));
    assert_eq!(script.seen().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_failed_job_is_fetched_once_even_with_retries_on() {
    let failed = (
        503,
        json!({"error": {"code": "VM.1001", "description": "start failed", "details": "libvirt said no"}}),
    );
    let script = Script::new(vec![
        login_ok("s"),
        (202, json!({"location": "http://mn/zstack/v1/api-jobs/j1"})),
        // What a retry would fetch again: the same final answer.
        failed.clone(),
        failed.clone(),
        failed.clone(),
        failed,
    ]);
    // The builder's stack retries idempotent GETs answered 503 (the default policy).
    let zs = ZStackClient::builder(BASE)
        .credentials(Credentials::account("admin", "password"))
        .transport(script.clone())
        .build()
        .unwrap();
    let reply = zs.start_vm("vm1", None).await.unwrap();
    let e = zs
        .wait(&reply, every(Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed);
    assert_eq!(e.detail().unwrap().code.as_deref(), Some("VM.1001"));
    assert!(e.message().contains("libvirt said no"), "{}", e.message());
    let seen = script.seen();
    assert_eq!(seen.len(), 3, "login, start, one job poll");
    assert_eq!(seen[2].url, format!("{BASE}/api-jobs/j1"));
}

// Issue 12 item 5: an answer missing what ZStack always sends is a protocol error, not an empty
// page or a success.
#[tokio::test(start_paused = true)]
async fn a_query_answer_without_inventories_is_a_protocol_error() {
    let script = Script::new(vec![login_ok("s"), (200, json!({}))]);
    let err = client(&script).query_vms(&Query::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    assert!(err.to_string().contains("inventories"), "{err}");

    let script = Script::new(vec![login_ok("s"), (200, json!([]))]);
    let err = client(&script).query_vms(&Query::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");

    // A count-only query is answered with `total` alone, as ZStack does.
    let script = Script::new(vec![login_ok("s"), (200, json!({"total": 3}))]);
    let page = client(&script)
        .query_vms(&Query::new().count_only(true))
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total), (0, Some(3)));

    // An empty listing is still an empty page.
    let script = Script::new(vec![login_ok("s"), (200, json!({"inventories": []}))]);
    let page = client(&script).query_vms(&Query::new()).await.unwrap();
    assert!(page.items.is_empty());
}

#[tokio::test(start_paused = true)]
async fn an_action_answered_with_neither_job_nor_inventory_is_a_protocol_error() {
    use omnivirt_core::{Backend, VmId};
    use omnivirt_zstack::ZStackBackend;
    for answer in [json!({}), json!("")] {
        let script = Script::new(vec![login_ok("s"), (200, answer.clone())]);
        let backend = ZStackBackend::new(client(&script));
        let err = backend
            .power(
                &VmId::new("0a1b2c3d4e5f40718293a4b5c6d7e8f9"),
                omnivirt_core::PowerAction::Stop,
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol, "{answer}: {err}");
        assert!(err.to_string().contains("job location"), "{err}");
    }
}
