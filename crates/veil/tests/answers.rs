//! How the client reads answers that are not the everyday ones: a refused token, and the
//! documented quirks of action answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use http::{HeaderMap, StatusCode};
use omnivirt_core::{ErrorKind, Result};
use omnivirt_http::{Request, Response, Transport};
use omnivirt_veil::{Credentials, VeilClient};

const D: &str = "11111111-2222-4333-8444-555555555555";

/// Answers every request with one fixed status and body, and counts the requests.
#[derive(Debug)]
struct Fixed {
    status: u16,
    body: &'static str,
    seen: Mutex<usize>,
}

#[async_trait]
impl Transport for Fixed {
    async fn send(&self, _req: Request) -> Result<Response> {
        *self.seen.lock().unwrap() += 1;
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        Ok(Response::new(
            StatusCode::from_u16(self.status).unwrap(),
            headers,
            self.body.as_bytes().to_vec(),
        ))
    }
}

fn client(status: u16, body: &'static str) -> (Arc<Fixed>, VeilClient) {
    let t = Arc::new(Fixed {
        status,
        body,
        seen: Mutex::new(0),
    });
    let c = VeilClient::new("https://veil.test", t.clone(), Credentials::token("TOKEN")).unwrap();
    (t, c)
}

#[tokio::test]
async fn a_refused_token_keeps_the_servers_reason_status_and_code() {
    let (t, c) = client(
        401,
        r#"{"errors":[{"detail":"Signature has expired.","code":"token_not_valid"}]}"#,
    );
    let e = c.domains().get(D).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert!(e.to_string().contains("Signature has expired."), "{e}");
    let d = e.detail().unwrap();
    assert_eq!(d.http_status, Some(401));
    assert_eq!(d.code.as_deref(), Some("token_not_valid"));
    assert_eq!(*t.seen.lock().unwrap(), 1, "a token is not retried");
}

/// Quirk: VeiL may answer an action `202 {}`; the vendor's client takes it as success without
/// a task to follow.
#[tokio::test]
async fn quirk_202_empty_object_is_accepted_without_a_task() {
    let (_, c) = client(202, "{}");
    let a = c.domains().start(D).await.unwrap();
    assert!(a.task.is_none());
}

/// Quirk: VeiL may answer an action `204` with no body; success without a task as well.
#[tokio::test]
async fn quirk_204_without_a_body_is_accepted_without_a_task() {
    let (_, c) = client(204, "");
    let a = c.domains().shutdown(D, false).await.unwrap();
    assert!(a.task.is_none());
}

/// Not a quirk: any other answer missing `_task` is a broken server, not a success.
#[tokio::test]
async fn other_answers_without_a_task_are_protocol_errors() {
    for (status, body) in [
        (202, r#"{"ok": true}"#),
        (202, "[]"),
        (200, "{}"),
        (202, r#"{"_task": null}"#),
    ] {
        let (_, c) = client(status, body);
        let e = c.domains().start(D).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{status} {body}: {e}");
    }
}

/// A list answer without the DRF envelope (`{}`, `[]`) is a broken server, not an empty list.
#[tokio::test]
async fn a_list_without_its_envelope_is_a_protocol_error() {
    use omnivirt_veil::native::{DomainFilter, Paginator};
    for body in ["{}", "[]"] {
        let (_, c) = client(200, body);
        let e = c
            .domains()
            .list(&DomainFilter::new(), &Paginator::new())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{body}: {e}");
    }
    let (_, c) = client(
        200,
        r#"{"count":0,"next":null,"previous":null,"results":[]}"#,
    );
    let page = c
        .domains()
        .list(&DomainFilter::new(), &Paginator::new())
        .await
        .unwrap();
    assert!(page.results.is_empty());
}
