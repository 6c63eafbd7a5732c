//! Retry, timeout, auth and trace layers over in-process transports (no sockets), with
//! tokio's paused clock so every wait is instant and exact.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use http::{HeaderMap, HeaderValue, StatusCode};
use omnivirt_core::{Error, ErrorKind, Op, Result};
use omnivirt_http::{
    AuthHook, AuthLayer, Body, HttpStack, Request, Response, RetryLayer, RetryPolicy, Secret,
    Session, SharedTransport, TimeoutLayer, Timeouts, TraceLayer, Transport,
};
use tokio::time::Instant;

const PASSWORD: &str = "pa55-w0rd-SECRET";

// ---------------------------------------------------------------------------------------------
// Scripted transport: answers from a queue, records what it was sent.

enum Step {
    Respond(
        StatusCode,
        &'static [(&'static str, &'static str)],
        &'static str,
    ),
    Fail(ErrorKind, bool),
    Hang,
}

#[derive(Default)]
struct Scripted {
    steps: Mutex<VecDeque<Step>>,
    seen: Mutex<Vec<Request>>,
    closed: AtomicUsize,
}

impl std::fmt::Debug for Scripted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scripted")
    }
}

impl Scripted {
    fn new(steps: impl IntoIterator<Item = Step>) -> Arc<Self> {
        Arc::new(Scripted {
            steps: Mutex::new(steps.into_iter().collect()),
            ..Default::default()
        })
    }

    fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

fn response(status: StatusCode, headers: &[(&str, &str)], body: &'static str) -> Response {
    let mut h = HeaderMap::new();
    for (k, v) in headers {
        h.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    Response::new(status, h, body)
}

#[async_trait]
impl Transport for Scripted {
    async fn send(&self, req: Request) -> Result<Response> {
        self.seen.lock().unwrap().push(req);
        let step = self.steps.lock().unwrap().pop_front();
        match step {
            Some(Step::Respond(status, headers, body)) => Ok(response(status, headers, body)),
            Some(Step::Fail(kind, retryable)) => {
                Err(Error::new(kind, "scripted failure").with_retryable(retryable))
            }
            Some(Step::Hang) => futures::future::pending().await,
            None => Ok(response(StatusCode::OK, &[], "default")),
        }
    }

    async fn close(&self) -> Result<()> {
        self.closed.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn policy(attempts: u32) -> RetryPolicy {
    RetryPolicy::builder()
        .max_attempts(attempts)
        .initial_backoff(Duration::from_millis(100))
        .max_backoff(Duration::from_secs(1))
        .budget(Duration::from_secs(30))
        .build()
}

fn retry(inner: &Arc<Scripted>, attempts: u32) -> RetryLayer {
    RetryLayer::new(inner.clone(), policy(attempts))
}

use Step::*;

// ---------------------------------------------------------------------------------------------
// Retry

#[tokio::test(start_paused = true)]
async fn get_retried_on_503_then_succeeds() {
    let s = Scripted::new([
        Respond(StatusCode::SERVICE_UNAVAILABLE, &[], "busy"),
        Respond(StatusCode::BAD_GATEWAY, &[], "busy"),
        Respond(StatusCode::OK, &[], "fine"),
    ]);
    let resp = retry(&s, 4).send(Request::get("http://h/x")).await.unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap(), "fine");
    assert_eq!(s.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn post_not_retried_on_503() {
    let s = Scripted::new([Respond(StatusCode::SERVICE_UNAVAILABLE, &[], "busy")]);
    let resp = retry(&s, 4)
        .send(Request::post("http://h/vms/1/start").body("{}"))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.bytes().await.unwrap(), "busy");
    assert_eq!(s.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn post_marked_idempotent_is_retried() {
    let s = Scripted::new([Respond(StatusCode::SERVICE_UNAVAILABLE, &[], "busy")]);
    let resp = retry(&s, 4)
        .send(Request::post("http://h/query").idempotent(true))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(s.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn get_marked_not_idempotent_is_not_retried() {
    let s = Scripted::new([Respond(StatusCode::SERVICE_UNAVAILABLE, &[], "busy")]);
    let resp = retry(&s, 4)
        .send(Request::get("http://h/x").idempotent(false))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(s.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_status_the_request_names_final_is_not_retried() {
    let s = Scripted::new([Respond(StatusCode::SERVICE_UNAVAILABLE, &[], "job failed")]);
    let resp = retry(&s, 4)
        .send(Request::get("http://h/api-jobs/1").final_status(StatusCode::SERVICE_UNAVAILABLE))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.bytes().await.unwrap(), "job failed");
    assert_eq!(s.count(), 1);
    // Other retryable statuses of the same request are still repeated.
    let s = Scripted::new([Respond(StatusCode::BAD_GATEWAY, &[], "gateway")]);
    let resp = retry(&s, 4)
        .send(Request::get("http://h/api-jobs/1").final_status(StatusCode::SERVICE_UNAVAILABLE))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(s.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_honoured_exactly() {
    let s = Scripted::new([
        Respond(StatusCode::SERVICE_UNAVAILABLE, &[("retry-after", "3")], ""),
        Respond(StatusCode::TOO_MANY_REQUESTS, &[("retry-after", "2")], ""),
    ]);
    let start = Instant::now();
    let resp = retry(&s, 4).send(Request::get("http://h/x")).await.unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    assert_eq!(s.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn backoff_grows_with_jitter_within_bounds() {
    let s = Scripted::new([
        Respond(StatusCode::SERVICE_UNAVAILABLE, &[], ""),
        Respond(StatusCode::SERVICE_UNAVAILABLE, &[], ""),
        Respond(StatusCode::SERVICE_UNAVAILABLE, &[], ""),
    ]);
    let start = Instant::now();
    retry(&s, 4).send(Request::get("http://h/x")).await.unwrap();
    // Nominal 100 + 200 + 400 ms; each draw lies in [half, full].
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(350), "{waited:?}");
    assert!(waited <= Duration::from_millis(700), "{waited:?}");
    assert_eq!(s.count(), 4);
}

#[tokio::test(start_paused = true)]
async fn retry_after_beyond_budget_returns_at_once() {
    let s = Scripted::new([Respond(
        StatusCode::SERVICE_UNAVAILABLE,
        &[("retry-after", "3600")],
        "later",
    )]);
    let start = Instant::now();
    let resp = retry(&s, 4).send(Request::get("http://h/x")).await.unwrap();
    assert_eq!(resp.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.header("retry-after"), Some("3600"));
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert_eq!(s.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn absurd_retry_after_values_end_the_retries_without_a_panic() {
    const ABSURD: [&[(&str, &str)]; 3] = [
        &[("retry-after", "Sun, 06 Nov 300000000000 08:49:37 GMT")],
        &[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")],
        &[("retry-after", "18446744073709551615")],
    ];
    for headers in ABSURD {
        let absurd = headers[0].1;
        let s = Scripted::new([Respond(StatusCode::SERVICE_UNAVAILABLE, headers, "later")]);
        let start = Instant::now();
        let resp = retry(&s, 4).send(Request::get("http://h/x")).await.unwrap();
        // Either the value is unusable (ordinary backoff, then success) or it is beyond the
        // budget (the 503 comes back at once); never a panic, never a long sleep.
        assert!(start.elapsed() < Duration::from_secs(2), "{absurd}");
        assert!(s.count() <= 2, "{absurd}");
        assert!(
            resp.status == StatusCode::OK || resp.status == StatusCode::SERVICE_UNAVAILABLE,
            "{absurd}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn gives_up_after_max_attempts_keeping_last_response() {
    let s = Scripted::new([
        Respond(StatusCode::SERVICE_UNAVAILABLE, &[], "one"),
        Respond(StatusCode::SERVICE_UNAVAILABLE, &[], "two"),
        Respond(StatusCode::GATEWAY_TIMEOUT, &[], "three"),
    ]);
    let resp = retry(&s, 3).send(Request::get("http://h/x")).await.unwrap();
    assert_eq!(resp.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(resp.bytes().await.unwrap(), "three");
    assert_eq!(s.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn connect_errors_are_retried_even_for_post() {
    let s = Scripted::new([
        Fail(ErrorKind::Transport, true),
        Fail(ErrorKind::Transport, true),
    ]);
    let resp = retry(&s, 4)
        .send(Request::post("http://h/action"))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(s.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn final_error_after_retries_is_the_last_one() {
    let s = Scripted::new([
        Fail(ErrorKind::Transport, true),
        Fail(ErrorKind::Transport, true),
    ]);
    let err = retry(&s, 2)
        .send(Request::get("http://h/x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.is_retryable());
    assert_eq!(s.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn non_retryable_errors_are_returned_at_once() {
    let s = Scripted::new([Fail(ErrorKind::Transport, false)]);
    let err = retry(&s, 4)
        .send(Request::get("http://h/x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(s.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn timeouts_are_retried_only_for_idempotent_requests() {
    let s = Scripted::new([Fail(ErrorKind::Timeout, true)]);
    let resp = retry(&s, 4).send(Request::get("http://h/x")).await.unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(s.count(), 2);

    let s = Scripted::new([Fail(ErrorKind::Timeout, true)]);
    let err = retry(&s, 4)
        .send(Request::post("http://h/x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(s.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Timeouts

#[tokio::test(start_paused = true)]
async fn per_attempt_timeout_is_retryable_and_retry_repeats_a_get() {
    let s = Scripted::new([Hang]);
    let stack = RetryLayer::new(
        Arc::new(TimeoutLayer::per_attempt(s.clone(), Duration::from_secs(2))),
        policy(3),
    );
    let start = Instant::now();
    let resp = stack.send(Request::get("http://h/x")).await.unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(s.count(), 2);
    assert!(start.elapsed() >= Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn hung_post_times_out_once() {
    let s = Scripted::new([Hang]);
    let stack = RetryLayer::new(
        Arc::new(TimeoutLayer::per_attempt(s.clone(), Duration::from_secs(2))),
        policy(3),
    );
    let err = stack
        .send(
            Request::post("http://h/x?token=abc")
                .vendor("zstack")
                .op(Op::VmStart),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_retryable());
    assert_eq!(err.vendor(), Some("zstack"));
    assert_eq!(err.op(), Some(Op::VmStart));
    assert!(err.message().contains("h/x"), "{err}");
    assert!(!err.to_string().contains("abc"), "{err}");
    assert_eq!(s.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn overall_deadline_bounds_all_attempts_and_is_final() {
    let s = Scripted::new([Hang, Hang, Hang, Hang, Hang]);
    let stack = HttpStack::builder(s.clone())
        .retry(
            RetryPolicy::builder()
                .max_attempts(10)
                .initial_backoff(Duration::from_millis(10))
                .budget(Duration::from_secs(600))
                .build(),
        )
        .timeouts(
            Timeouts::new()
                .per_attempt(Duration::from_secs(3))
                .overall(Duration::from_secs(7)),
        )
        .build();
    let start = Instant::now();
    let err = stack.send(Request::get("http://h/x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(!err.is_retryable());
    assert!(err.message().contains("overall deadline"), "{err}");
    assert_eq!(start.elapsed(), Duration::from_secs(7));
    assert!(s.count() >= 2 && s.count() <= 3, "{}", s.count());
}

#[derive(Debug)]
struct SlowStream;

#[async_trait]
impl Transport for SlowStream {
    async fn send(&self, _req: Request) -> Result<Response> {
        let first = futures::stream::iter([Ok(bytes::Bytes::from_static(b"first"))]);
        let stall = futures::stream::once(async {
            futures::future::pending::<()>().await;
            Ok(bytes::Bytes::new())
        });
        use futures::StreamExt;
        let mut resp = Response::new(StatusCode::OK, HeaderMap::new(), "");
        resp.body = Body::Stream(first.chain(stall).boxed());
        Ok(resp)
    }
}

#[tokio::test(start_paused = true)]
async fn stalled_streaming_body_times_out() {
    let t = TimeoutLayer::per_attempt(Arc::new(SlowStream), Duration::from_secs(5));
    let resp = t.send(Request::get("http://h/big")).await.unwrap();
    let err = resp.bytes().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(
        err.message()
            .starts_with("GET h/big (response body) did not answer within 5s"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Auth: a fake server with login/logout and expiring tokens.

#[derive(Debug, Default)]
struct FakeServer {
    issued: AtomicUsize,
    valid: Mutex<Option<String>>,
    log: Mutex<Vec<String>>,
}

impl FakeServer {
    fn expire(&self) {
        *self.valid.lock().unwrap() = None;
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

#[async_trait]
impl Transport for FakeServer {
    async fn send(&self, req: Request) -> Result<Response> {
        let auth = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let path = req.path().to_owned();
        self.log.lock().unwrap().push(format!(
            "{} {path} {}",
            req.method,
            auth.as_deref().unwrap_or("-")
        ));
        // Yield so concurrent callers really interleave.
        tokio::task::yield_now().await;
        match path.as_str() {
            "/login" => {
                let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
                if body["password"] != PASSWORD {
                    return Ok(response(StatusCode::UNAUTHORIZED, &[], "bad password"));
                }
                let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
                let token = format!("tok-{n}-SECRET");
                *self.valid.lock().unwrap() = Some(token.clone());
                let mut r = Response::new(StatusCode::OK, HeaderMap::new(), "");
                r.body = Body::Full(
                    serde_json::to_vec(&serde_json::json!({ "token": token }))
                        .unwrap()
                        .into(),
                );
                Ok(r)
            }
            "/logout" => Ok(response(StatusCode::NO_CONTENT, &[], "")),
            _ => {
                let valid = self.valid.lock().unwrap().clone();
                if valid.is_some() && auth == valid {
                    Ok(response(StatusCode::OK, &[], "data"))
                } else {
                    Ok(response(StatusCode::UNAUTHORIZED, &[], "expired"))
                }
            }
        }
    }
}

#[derive(Debug)]
struct PasswordLogin {
    user: String,
    password: Secret,
    logins: AtomicUsize,
    logouts: Mutex<Vec<String>>,
}

impl PasswordLogin {
    fn new(password: &str) -> Arc<Self> {
        Arc::new(PasswordLogin {
            user: "admin@internal".into(),
            password: Secret::new(password),
            logins: AtomicUsize::new(0),
            logouts: Mutex::new(Vec::new()),
        })
    }
}

#[async_trait]
impl AuthHook for PasswordLogin {
    async fn login(&self, inner: &dyn Transport) -> Result<Session> {
        self.logins.fetch_add(1, Ordering::SeqCst);
        let req = Request::post("http://h/login")
            .json(&serde_json::json!({"user": self.user, "password": self.password.expose()}))?
            .skip_auth()
            .vendor("fake");
        let resp = inner.send(req).await?;
        if resp.status != StatusCode::OK {
            return Err(Error::new(
                ErrorKind::Unauthenticated,
                format!("login as {} refused", self.user),
            ));
        }
        let v: serde_json::Value = resp.json().await?;
        Ok(Session::new(v["token"].as_str().unwrap_or_default()))
    }

    fn apply(&self, session: &Session, req: &mut Request) -> Result<()> {
        *req = req
            .clone()
            .secret_header("Authorization", session.token.expose())?;
        Ok(())
    }

    async fn logout(&self, inner: &dyn Transport, session: &Session) -> Result<()> {
        self.logouts
            .lock()
            .unwrap()
            .push(session.token.expose().to_owned());
        let req = Request::post("http://h/logout")
            .skip_auth()
            .secret_header("Authorization", session.token.expose())?;
        inner.send(req).await.map(|_| ())
    }
}

#[tokio::test]
async fn auth_logs_in_lazily_once_for_many_requests() {
    let server = Arc::new(FakeServer::default());
    let hook = PasswordLogin::new(PASSWORD);
    let layer = Arc::new(AuthLayer::new(server.clone(), hook.clone()));
    assert_eq!(hook.logins.load(Ordering::SeqCst), 0, "login must be lazy");
    assert!(server.log().is_empty());

    let mut tasks = Vec::new();
    for i in 0..8 {
        let l = layer.clone();
        tasks.push(tokio::spawn(async move {
            l.send(Request::get(format!("http://h/vms/{i}"))).await
        }));
    }
    for t in tasks {
        let resp = t.await.unwrap().unwrap();
        assert_eq!(resp.status, StatusCode::OK);
    }
    assert_eq!(hook.logins.load(Ordering::SeqCst), 1);
    let log = server.log();
    assert_eq!(log.iter().filter(|l| l.contains("/login")).count(), 1);
    assert_eq!(
        log.iter().filter(|l| l.ends_with("tok-1-SECRET")).count(),
        8,
        "{log:?}"
    );
}

#[tokio::test]
async fn auth_relogs_in_once_on_401_and_resends() {
    let server = Arc::new(FakeServer::default());
    let hook = PasswordLogin::new(PASSWORD);
    let layer = AuthLayer::new(server.clone(), hook.clone());
    layer.send(Request::get("http://h/a")).await.unwrap();
    server.expire();
    // A POST too: the server refused the stale session without acting.
    let resp = layer.send(Request::post("http://h/b")).await.unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(hook.logins.load(Ordering::SeqCst), 2);
    assert_eq!(
        server.log(),
        vec![
            "POST /login -",
            "GET /a tok-1-SECRET",
            "POST /b tok-1-SECRET",
            "POST /login -",
            "POST /b tok-2-SECRET",
        ]
    );
}

#[tokio::test]
async fn auth_gives_up_when_a_fresh_session_is_refused_too() {
    #[derive(Debug)]
    struct AlwaysExpired;
    #[async_trait]
    impl AuthHook for AlwaysExpired {
        async fn login(&self, _inner: &dyn Transport) -> Result<Session> {
            Ok(Session::new("tok-SECRET"))
        }
        fn apply(&self, _s: &Session, _req: &mut Request) -> Result<()> {
            Ok(())
        }
    }
    let s = Scripted::new([
        Respond(StatusCode::UNAUTHORIZED, &[], ""),
        Respond(StatusCode::UNAUTHORIZED, &[], ""),
        Respond(StatusCode::UNAUTHORIZED, &[], ""),
    ]);
    let layer = AuthLayer::new(s.clone(), Arc::new(AlwaysExpired));
    let err = layer
        .send(Request::get("http://h/x").vendor("fake"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(err.vendor(), Some("fake"));
    assert_eq!(s.count(), 2, "exactly one resend");
}

#[tokio::test]
async fn auth_login_failure_is_an_error_without_secrets() {
    let server = Arc::new(FakeServer::default());
    let hook = PasswordLogin::new("wrong-SECRET-password");
    let layer = AuthLayer::new(server.clone(), hook.clone());
    let err = layer.send(Request::get("http://h/a")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    for s in [format!("{err}"), format!("{err:?}")] {
        assert!(!s.contains("SECRET"), "{s}");
    }
    // Nothing but the login went out.
    assert_eq!(server.log(), vec!["POST /login -"]);
}

#[tokio::test]
async fn auth_logs_out_on_close_once() {
    let server = Arc::new(FakeServer::default());
    let hook = PasswordLogin::new(PASSWORD);
    let layer = AuthLayer::new(server.clone(), hook.clone());
    layer.send(Request::get("http://h/a")).await.unwrap();
    layer.close().await.unwrap();
    layer.close().await.unwrap();
    assert_eq!(
        *hook.logouts.lock().unwrap(),
        vec!["tok-1-SECRET".to_owned()]
    );
    assert_eq!(server.log().last().unwrap(), "POST /logout tok-1-SECRET");
}

#[tokio::test]
async fn auth_close_without_login_does_not_log_in() {
    let server = Arc::new(FakeServer::default());
    let hook = PasswordLogin::new(PASSWORD);
    let layer = AuthLayer::new(server.clone(), hook.clone());
    layer.close().await.unwrap();
    assert!(server.log().is_empty());
    assert!(hook.logouts.lock().unwrap().is_empty());
}

#[tokio::test]
async fn auth_skips_marked_requests_and_uses_a_given_session() {
    let s = Scripted::new([]);
    let hook = PasswordLogin::new(PASSWORD);
    let layer = AuthLayer::new(s.clone(), hook.clone()).with_session(Session::new("given-SECRET"));
    layer.send(Request::get("http://h/a")).await.unwrap();
    layer
        .send(Request::get("http://h/public").skip_auth())
        .await
        .unwrap();
    assert_eq!(hook.logins.load(Ordering::SeqCst), 0);
    let seen = s.seen.lock().unwrap();
    assert_eq!(
        seen[0].headers.get("authorization").unwrap(),
        "given-SECRET"
    );
    assert!(seen[0].headers.get("authorization").unwrap().is_sensitive());
    assert!(seen[1].headers.get("authorization").is_none());
}

#[tokio::test]
async fn stack_close_reaches_every_layer() {
    let server = Arc::new(FakeServer::default());
    let hook = PasswordLogin::new(PASSWORD);
    let stack = HttpStack::builder(server.clone())
        .auth(hook.clone())
        .retry(policy(2))
        .build();
    stack.send(Request::get("http://h/a")).await.unwrap();
    stack.close().await.unwrap();
    assert_eq!(hook.logouts.lock().unwrap().len(), 1);

    let s = Scripted::new([]);
    let stack = HttpStack::builder(s.clone()).build();
    stack.close().await.unwrap();
    assert_eq!(s.closed.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn over_uses_the_given_transport_and_map_base_wraps_it_below_auth() {
    let server = Arc::new(FakeServer::default());
    let hook = PasswordLogin::new(PASSWORD);
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let stack = HttpStack::over(
        Some(server.clone()),
        omnivirt_http::TlsOptions::default(),
        policy(1),
        Timeouts::none(),
    )
    .unwrap()
    .map_base(move |base| {
        Ok(Arc::new(CountingBase {
            inner: base,
            seen: counter,
        }) as SharedTransport)
    })
    .unwrap()
    .auth(hook)
    .build();
    stack.send(Request::get("http://h/a")).await.unwrap();
    // The login and the request both pass through the wrapped base.
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    assert_eq!(server.log().len(), 2);
}

#[derive(Debug)]
struct CountingBase {
    inner: SharedTransport,
    seen: Arc<AtomicUsize>,
}

#[async_trait]
impl Transport for CountingBase {
    async fn send(&self, req: Request) -> Result<Response> {
        self.seen.fetch_add(1, Ordering::SeqCst);
        self.inner.send(req).await
    }
}

// ---------------------------------------------------------------------------------------------
// Tracing and Debug: no secret anywhere.

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

fn assert_no_secret(what: &str, s: &str) {
    for needle in [PASSWORD, "SECRET", "tok-1", "sessionvalue"] {
        assert!(!s.contains(needle), "{what} leaks `{needle}`:\n{s}");
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn trace_output_has_one_span_per_request_and_no_secret() {
    let buf = Captured::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = Arc::new(FakeServer::default());
    let hook = PasswordLogin::new(PASSWORD);
    let stack = HttpStack::builder(server.clone())
        .auth(hook.clone())
        .retry(policy(3))
        .build();
    let resp = stack
        .send(
            Request::get("http://h/api/vms?max=5&access_token=sessionvalue")
                .vendor("fake")
                .op(Op::VmList),
        )
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    server.expire();
    stack
        .send(
            Request::get("http://h/api/hosts")
                .vendor("fake")
                .op(Op::HostList),
        )
        .await
        .unwrap();
    let err = HttpStack::builder(Scripted::new([Fail(ErrorKind::Transport, false)]))
        .build()
        .send(Request::get("http://h/x?password=sessionvalue"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    let flaky = Scripted::new([Respond(StatusCode::SERVICE_UNAVAILABLE, &[], "")]);
    HttpStack::builder(flaky)
        .retry(policy(3))
        .build()
        .send(Request::get("http://h/flaky"))
        .await
        .unwrap();
    stack.close().await.unwrap();

    let out = buf.text();
    eprintln!("{out}");
    assert_no_secret("trace output", &out);
    assert!(out.contains("http.request"), "{out}");
    assert!(out.contains("method=GET"), "{out}");
    assert!(
        out.contains("path=/api/vms?max=5&access_token=***"),
        "{out}"
    );
    assert!(out.contains("vendor=\"fake\""), "{out}");
    assert!(out.contains("op=\"vm.list\""), "{out}");
    assert!(out.contains("status=200"), "{out}");
    assert!(out.contains("attempts=1"), "{out}");
    let flaky_line = out
        .lines()
        .find(|l| l.contains("path=/flaky") && l.contains("http request finished"))
        .expect("a finished event for /flaky");
    assert!(flaky_line.contains("attempts=2"), "{flaky_line}");
    assert!(flaky_line.contains("status=200"), "{flaky_line}");
    assert!(out.contains("duration_ms="), "{out}");
    assert!(out.contains("error=\"transport\""), "{out}");
    assert!(out.contains("session expired"), "{out}");
    assert_eq!(
        out.matches("http request finished").count(),
        4,
        "one finished event per call:\n{out}"
    );
}

#[tokio::test]
async fn debug_strings_hold_no_secret() {
    let server = Arc::new(FakeServer::default());
    let hook = PasswordLogin::new(PASSWORD);
    let layer =
        AuthLayer::new(server.clone(), hook.clone()).with_session(Session::new("tok-1-SECRET"));
    let stack: SharedTransport = Arc::new(TraceLayer::new(Arc::new(AuthLayer::new(
        server.clone(),
        hook.clone(),
    ))));
    let req = Request::post("http://h/login?token=sessionvalue")
        .json(&serde_json::json!({"password": PASSWORD}))
        .unwrap()
        .secret_header("Authorization", "Bearer tok-1-SECRET")
        .unwrap();
    let session = Session::new("tok-1-SECRET");
    let secret = Secret::new(PASSWORD);
    let err = AuthLayer::new(server.clone(), PasswordLogin::new("bad-SECRET"))
        .send(Request::get("http://h/x?token=sessionvalue"))
        .await
        .unwrap_err();
    let builder = HttpStack::builder(server.clone()).auth(hook.clone());
    for (what, s) in [
        ("Request", format!("{req:?}")),
        ("Request alt", format!("{req:#?}")),
        ("Secret", format!("{secret:?} {secret}")),
        ("Session", format!("{session:?}")),
        ("AuthLayer", format!("{layer:?}")),
        ("hook", format!("{hook:?}")),
        ("stack", format!("{stack:?}")),
        ("builder", format!("{builder:?}")),
        ("error", format!("{err:?} {err}")),
    ] {
        assert_no_secret(what, &s);
    }
    assert!(format!("{req:?}").contains("token=***"));
    assert_eq!(format!("{secret}"), "***");
}
