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
