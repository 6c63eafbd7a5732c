//! The maximum body size (issue 12 item 2): a body or a gzip bomb past the limit fails with a
//! `Protocol` error naming the limit and the request, without being read whole; a body under
//! the limit passes; the limit set in `ConnectionSettings` reaches the transport.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use http::{HeaderMap, StatusCode};
use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{
    Body, ConnectionSettings, DEFAULT_MAX_BODY_SIZE, HyperTransport, Request, Response,
    SharedTransport, Transport,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const MIB: u64 = 1 << 20;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn limited(max: u64) -> HyperTransport {
    HyperTransport::builder()
        .connect_timeout(Duration::from_secs(2))
        .max_body_size(max)
        .build()
        .unwrap()
}

/// A loopback HTTP/1.1 server answering every request with a chunked body that never ends:
/// `chunk` repeated forever, behind `headers`. Counts the body bytes it managed to write.
async fn endless(chunk: Vec<u8>, headers: &'static str) -> (SocketAddr, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let written = Arc::new(AtomicU64::new(0));
    let count = written.clone();
    let chunk = Arc::new(chunk);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let count = count.clone();
            let chunk = chunk.clone();
            tokio::spawn(async move {
                let mut req = [0u8; 4096];
                let _ = sock.read(&mut req).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{headers}\
                     Transfer-Encoding: chunked\r\n\r\n"
                );
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let frame = [
                    format!("{:x}\r\n", chunk.len()).into_bytes(),
                    chunk.to_vec(),
                    b"\r\n".to_vec(),
                ]
                .concat();
                while sock.write_all(&frame).await.is_ok() {
                    count.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                }
            });
        }
    });
    (addr, written)
}

/// Within 30 s, or the body was being read whole.
async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("the limit did not stop the body")
}

fn assert_limit_error(e: &Error, limit: &str, request: &str) {
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e}");
    assert!(!e.is_retryable(), "{e}");
    let m = e.message();
    assert!(!m.contains('\n'), "{m}");
    assert!(m.contains(&format!("{limit} limit (max-body-size)")), "{m}");
    assert!(m.contains(request), "{m}");
}

#[tokio::test]
async fn an_endless_body_fails_at_the_limit_without_being_read_whole() {
    let (addr, written) = endless(vec![b'x'; 64 * 1024], "").await;
    let http = limited(MIB);
    let err = bounded(http.send(Request::get(format!("http://{addr}/api/vms?token=t"))))
        .await
        .unwrap_err();
    assert_limit_error(&err, "1 MiB", &format!("GET {addr}/api/vms"));
    assert!(!err.message().contains("token"), "{err}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    // What the server got out is the limit plus socket buffers, not an ever-growing body.
    let sent = written.load(Ordering::Relaxed);
    assert!(sent < 64 * MIB, "server wrote {sent} bytes");
}

#[tokio::test]
async fn a_streamed_body_fails_at_the_limit_while_it_is_read() {
    let (addr, _) = endless(vec![b'x'; 64 * 1024], "").await;
    let http = HyperTransport::builder()
        .collect_limit(128 * 1024)
        .max_body_size(MIB)
        .build()
        .unwrap();
    let resp = bounded(http.send(Request::get(format!("http://{addr}/big"))))
        .await
        .unwrap();
    assert!(matches!(resp.body, Body::Stream(_)));
    let err = bounded(resp.bytes()).await.unwrap_err();
    assert_limit_error(&err, "1 MiB", &format!("GET {addr}/big"));
}

#[tokio::test]
async fn an_endless_gzip_bomb_fails_on_its_decoded_size() {
    // One gzip member of 1 MiB of zeros is ~1 KiB; repeated forever it is a bomb that never
    // ends, so only a limit on the decoded bytes stops it.
    let member = gzip(&vec![0u8; MIB as usize]);
    assert!(member.len() < 16 * 1024);
    let (addr, written) = endless(member.repeat(8), "Content-Encoding: gzip\r\n").await;
    let http = limited(4 * MIB);
    let err = bounded(http.send(Request::get(format!("http://{addr}/bomb"))))
        .await
        .unwrap_err();
    assert_limit_error(&err, "4 MiB", &format!("GET {addr}/bomb"));
    let sent = written.load(Ordering::Relaxed);
    assert!(sent < 64 * MIB, "server wrote {sent} compressed bytes");
}

#[tokio::test]
async fn a_gzip_bomb_in_one_small_body_fails_the_same_way() {
    let server = MockServer::start().await;
    // 32 MiB of zeros in ~32 KiB, all of it in one response (likely one frame).
    let bomb = gzip(&vec![0u8; MIB as usize]).repeat(32);
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Content-Encoding", "gzip")
                .set_body_bytes(bomb),
        )
        .mount(&server)
        .await;
    let err = limited(MIB)
        .send(Request::get(format!("{}/api/bomb", server.uri())))
        .await
        .unwrap_err();
    let host = server.uri().trim_start_matches("http://").to_owned();
    assert_limit_error(&err, "1 MiB", &format!("GET {host}/api/bomb"));
}

#[tokio::test]
async fn a_declared_length_over_the_limit_fails_before_the_body_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 2048]))
        .mount(&server)
        .await;
    let err = limited(1024)
        .send(Request::get(format!("{}/x", server.uri())))
        .await
        .unwrap_err();
    assert_limit_error(&err, "1 KiB", "/x");
}

#[tokio::test]
async fn bodies_under_the_limit_pass_plain_and_gzip() {
    let server = MockServer::start().await;
    let plain: Vec<u8> = (0..MIB as usize).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/plain"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(plain.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/gz"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Content-Encoding", "gzip")
                .set_body_bytes(gzip(&plain)),
        )
        .mount(&server)
        .await;
    // Exactly at the limit is still accepted; streamed and collected alike.
    for collect in [64 * 1024, 8 << 20] {
        let http = HyperTransport::builder()
            .collect_limit(collect)
            .max_body_size(MIB)
            .build()
            .unwrap();
        for p in ["/plain", "/gz"] {
            let resp = http
                .send(Request::get(format!("{}{p}", server.uri())))
                .await
                .unwrap();
            assert_eq!(resp.status, StatusCode::OK);
            assert_eq!(resp.bytes().await.unwrap(), plain, "{p} collect {collect}");
        }
    }
}

#[test]
fn the_default_limit_is_256_mib() {
    assert_eq!(DEFAULT_MAX_BODY_SIZE, 256 * MIB);
    assert_eq!(
        ConnectionSettings::default().max_body_size,
        Some(DEFAULT_MAX_BODY_SIZE)
    );
}

/// A transport override that streams 64 KiB chunks forever, counting the chunks pulled.
#[derive(Debug, Default)]
struct Endless {
    pulled: Arc<AtomicUsize>,
}

#[async_trait]
impl Transport for Endless {
    async fn send(&self, _req: Request) -> Result<Response> {
        let pulled = self.pulled.clone();
        let chunks = futures::stream::repeat_with(move || {
            pulled.fetch_add(1, Ordering::Relaxed);
            Ok(Bytes::from(vec![b'y'; 64 * 1024]))
        });
        let mut resp = Response::new(StatusCode::OK, HeaderMap::new(), Bytes::new());
        resp.body = Body::Stream(chunks.boxed());
        Ok(resp)
    }
}

#[tokio::test]
async fn the_limit_in_the_settings_bounds_a_transport_override() {
    let endless = Arc::new(Endless::default());
    let pulled = endless.pulled.clone();
    let settings: ConnectionSettings =
        serde_json::from_value(serde_json::json!({"max-body-size": "1MiB"})).unwrap();
    let http: SharedTransport = settings.transport(endless).stack().unwrap().build();
    let resp = http.send(Request::get("http://sim/api/vms")).await.unwrap();
    let err = bounded(resp.bytes()).await.unwrap_err();
    assert_limit_error(&err, "1 MiB", "GET sim/api/vms");
    // 16 chunks make the limit; the 17th passes it; nothing more is read.
    assert_eq!(pulled.load(Ordering::Relaxed), 17);
}

#[tokio::test]
async fn the_limit_in_the_settings_reaches_the_network_transport() {
    let (addr, _) = endless(vec![b'x'; 16 * 1024], "").await;
    let settings: ConnectionSettings =
        serde_json::from_value(serde_json::json!({"max-body-size": 65536})).unwrap();
    let http = settings.stack().unwrap().build();
    let err = bounded(http.send(Request::get(format!("http://{addr}/v"))))
        .await
        .unwrap_err();
    assert_limit_error(&err, "64 KiB", &format!("GET {addr}/v"));
}
