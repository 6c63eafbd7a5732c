//! `Tasks::wait` on core's waiter, against a scripted transport: a timeout names the op, the
//! polls and the status last seen; a transient error does not end the wait; a failed task does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use http::{HeaderMap, StatusCode};
use omnivirt_core::{Error, ErrorKind, Op, Result, WaitOptions};
use omnivirt_http::{Request, Response, Transport};
use omnivirt_veil::native::Tasks;
use omnivirt_veil::{Credentials, VeilClient};
use serde_json::{Value, json};

const T: &str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

/// Plays scripted answers in order (`Err` for a connection that broke) and counts requests.
#[derive(Debug)]
struct Script {
    answers: Mutex<VecDeque<Result<Value>>>,
    seen: Mutex<Vec<Request>>,
}

impl Script {
    fn new(answers: Vec<Result<Value>>) -> Arc<Self> {
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
        let next = self.answers.lock().unwrap().pop_front();
        let body = next.expect("more requests than scripted answers")?;
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        Ok(Response::new(
            StatusCode::OK,
            headers,
            serde_json::to_vec(&body).unwrap(),
        ))
    }
}

fn task(status: &str, progress: f64) -> Result<Value> {
    Ok(json!({"id": T, "status": status, "progress": progress, "entities": {}}))
}

fn client(script: &Arc<Script>) -> VeilClient {
    VeilClient::new(
        "https://veil.test",
        script.clone(),
        Credentials::token("TOKEN"),
    )
    .unwrap()
}

fn every(d: Duration) -> WaitOptions {
    Tasks::default_wait().interval(d, d)
}

#[tokio::test(start_paused = true)]
async fn wait_timeout_names_the_op_the_polls_and_the_status() {
    let script = Script::new((0..10).map(|_| task("IN_PROGRESS", 40.0)).collect());
    let veil = client(&script);
    let e = veil
        .tasks()
        .wait(
            T,
            every(Duration::from_secs(1)).timeout(Duration::from_secs(3)),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(e.op(), Some(Op::TaskGet));
    assert_eq!(e.vendor(), Some("veil"));
    assert!(!e.is_retryable());
    let msg = e.to_string();
    // Polled at 0, 1, 2 and 3 s.
    assert!(msg.contains("task.get did not finish"), "{msg}");
    assert!(msg.contains("over 4 polls"), "{msg}");
    assert!(
        msg.contains(&format!("last seen: task {T} IN_PROGRESS (40%)")),
        "{msg}"
    );
    assert_eq!(script.seen().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn wait_polls_through_a_transient_error() {
    let script = Script::new(vec![
        task("IN_PROGRESS", 10.0),
        Err(Error::new(ErrorKind::Transport, "connection reset")),
        task("SUCCESS", 100.0),
    ]);
    let veil = client(&script);
    let (opts, mut progress) = every(Duration::from_secs(1)).progress_channel();
    let t = veil.tasks().wait(T, opts).await.unwrap();
    assert_eq!(t.status, "SUCCESS");
    let seen = script.seen();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| r.path() == format!("/api/tasks/{T}/")));
    let first = progress.recv().await.unwrap();
    assert_eq!(first.polls, 1);
    assert_eq!(first.percent, Some(10));
    let mut last = first;
    while let Ok(p) = progress.try_recv() {
        last = p;
    }
    assert!(last.done);
    assert_eq!(last.polls, 3);
}

#[tokio::test(start_paused = true)]
async fn a_failed_task_ends_the_wait_with_its_message() {
    let script = Script::new(vec![
        task("IN_PROGRESS", 10.0),
        Ok(json!({"id": T, "status": "FAILED", "error_message": "no free memory", "entities": {}})),
    ]);
    let veil = client(&script);
    let e = veil
        .tasks()
        .wait(T, every(Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed);
    assert!(e.to_string().contains("no free memory"), "{e}");
    assert_eq!(script.seen().len(), 2);
}
