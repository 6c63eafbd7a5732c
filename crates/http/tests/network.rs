//! HyperTransport against real loopback servers: wiremock for HTTP behaviour, and a small
//! hyper + tokio-rustls server with an rcgen CA for TLS, ALPN and pooling.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use omnivirt_core::ErrorKind;
use omnivirt_http::{
    Body, HttpStack, HyperTransport, Request, RetryPolicy, SharedTransport, TimeoutLayer, Timeouts,
    TlsOptions, Transport,
};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn plain() -> HyperTransport {
    HyperTransport::builder()
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

fn fast_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy::builder()
        .max_attempts(attempts)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .build()
}

fn stack(base: HyperTransport, attempts: u32) -> SharedTransport {
    HttpStack::builder(Arc::new(base))
        .retry(fast_retry(attempts))
        .timeouts(Timeouts::new().per_attempt(Duration::from_secs(5)))
        .build()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Retry over the network

#[tokio::test]
async fn get_is_retried_on_503_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/vms"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/vms"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .with_priority(2)
        .mount(&server)
        .await;
    let http = stack(plain(), 4);
    let resp = http
        .send(Request::get(format!("{}/api/vms", server.uri())))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap(), "[]");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn post_is_not_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/vms/1/start"))
        .respond_with(ResponseTemplate::new(503).set_body_string("engine busy"))
        .expect(1)
        .mount(&server)
        .await;
    let http = stack(plain(), 4);
    let resp = http
        .send(Request::post(format!("{}/api/vms/1/start", server.uri())).body("<action/>"))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.bytes().await.unwrap(), "engine busy");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_over_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&server)
        .await;
    let http = stack(plain(), 3);
    let start = Instant::now();
    let resp = http
        .send(Request::get(format!("{}/x", server.uri())))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    // The computed backoff would be under 20 ms; Retry-After asked for a second.
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Connection failures

async fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
    // dropped here: nothing listens on the port any more
}

#[tokio::test]
async fn refused_connection_is_a_retryable_transport_error() {
    let port = closed_port().await;
    let url = format!("http://127.0.0.1:{port}/api?password=hunter2");
    let err = plain()
        .send(
            Request::get(&url)
                .secret_header("Authorization", "Bearer tok3n")
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.is_retryable());
    let text = format!("{err} {err:?}");
    eprintln!("refused: {text}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(text.contains("refused"), "{text}");
    for secret in ["hunter2", "tok3n", "password"] {
        assert!(!text.contains(secret), "{text}");
    }
}

#[tokio::test]
async fn refused_post_is_retried_because_nothing_was_sent() {
    // Retry a connect failure for a POST, and still fail in the end: the attempts are
    // counted through a wrapper below retry.
    #[derive(Debug)]
    struct Counting(HyperTransport, AtomicUsize);
    #[async_trait::async_trait]
    impl Transport for Counting {
        async fn send(&self, req: Request) -> omnivirt_core::Result<omnivirt_http::Response> {
            self.1.fetch_add(1, Ordering::SeqCst);
            self.0.send(req).await
        }
    }
    let port = closed_port().await;
    let counting = Arc::new(Counting(plain(), AtomicUsize::new(0)));
    let http = HttpStack::builder(counting.clone())
        .retry(fast_retry(3))
        .build();
    let err = http
        .send(Request::post(format!("http://127.0.0.1:{port}/action")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(counting.1.load(Ordering::SeqCst), 3);
}

/// Accepts connections and never answers; counts them.
async fn hung_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = l.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(sock);
        }
    });
    (addr, accepted)
}

#[tokio::test]
async fn hung_server_gives_timeout() {
    let (addr, _) = hung_server().await;
    let t = TimeoutLayer::per_attempt(Arc::new(plain()), Duration::from_millis(300));
    let start = Instant::now();
    let err = t
        .send(Request::get(format!("http://{addr}/slow?token=abc")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_retryable());
    assert!(!err.to_string().contains("abc"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn hung_server_get_retried_post_not() {
    let (addr, accepted) = hung_server().await;
    let http = HttpStack::builder(Arc::new(plain()))
        .retry(fast_retry(2))
        .timeouts(Timeouts::new().per_attempt(Duration::from_millis(200)))
        .build();
    let err = http
        .send(Request::get(format!("http://{addr}/x")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    // The timed-out connection is dropped, so the second attempt opens a new one.
    assert_eq!(accepted.load(Ordering::SeqCst), 2);

    let err = http
        .send(Request::post(format!("http://{addr}/x")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

// ---------------------------------------------------------------------------------------------
// Bodies

#[tokio::test]
async fn gzip_body_is_requested_and_decoded() {
    let server = MockServer::start().await;
    let xml = "<vms>".to_owned() + &"<vm id=\"1\"/>".repeat(500) + "</vms>";
    Mock::given(method("GET"))
        .and(header("accept-encoding", "gzip"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .insert_header("content-type", "application/xml")
                .set_body_bytes(gzip(xml.as_bytes())),
        )
        .expect(1)
        .mount(&server)
        .await;
    let resp = plain()
        .send(Request::get(format!(
            "{}/ovirt-engine/api/vms",
            server.uri()
        )))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert!(resp.header("content-encoding").is_none());
    assert_eq!(resp.content_type().as_deref(), Some("application/xml"));
    assert!(matches!(resp.body, Body::Full(_)));
    assert_eq!(resp.bytes().await.unwrap(), xml.as_bytes());
}

#[tokio::test]
async fn caller_accept_encoding_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("accept-encoding", "identity"))
        .respond_with(ResponseTemplate::new(200).set_body_string("raw"))
        .expect(1)
        .mount(&server)
        .await;
    let resp = plain()
        .send(
            Request::get(format!("{}/x", server.uri()))
                .header("Accept-Encoding", "identity")
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap(), "raw");
}

#[tokio::test]
async fn corrupt_gzip_is_a_protocol_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_bytes(b"definitely not gzip".to_vec()),
        )
        .mount(&server)
        .await;
    let err = plain()
        .send(Request::get(format!("{}/x", server.uri())))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.message().contains("gzip"), "{err}");
}

#[tokio::test]
async fn large_bodies_stream_and_small_ones_are_collected() {
    let server = MockServer::start().await;
    let big: Vec<u8> = (0..400_000u32)
        .flat_map(|i| (i % 251).to_le_bytes())
        .collect();
    Mock::given(path("/big.gz"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_bytes(gzip(&big)),
        )
        .mount(&server)
        .await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(big.clone()))
        .mount(&server)
        .await;
    Mock::given(path("/small"))
        .respond_with(ResponseTemplate::new(200).set_body_string("tiny"))
        .mount(&server)
        .await;
    let http = HyperTransport::builder()
        .collect_limit(64 * 1024)
        .build()
        .unwrap();
    for p in ["/big.gz", "/big"] {
        let resp = http
            .send(Request::get(format!("{}{p}", server.uri())))
            .await
            .unwrap();
        assert!(matches!(resp.body, Body::Stream(_)), "{p}: {:?}", resp.body);
        let mut chunks = 0;
        let mut got = Vec::new();
        let mut s = resp.body.into_stream();
        while let Some(c) = futures::StreamExt::next(&mut s).await {
            got.extend_from_slice(&c.unwrap());
            chunks += 1;
        }
        assert!(chunks > 1, "{p}");
        assert_eq!(got.len(), big.len(), "{p}");
        assert!(got == big, "{p}: body differs");
    }
    let resp = http
        .send(Request::get(format!("{}/small", server.uri())))
        .await
        .unwrap();
    assert!(matches!(resp.body, Body::Full(ref b) if b.as_ref() == b"tiny"));
}

#[tokio::test]
async fn body_cut_short_is_a_transport_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = l.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = sock.read(&mut buf).await;
        let _ = sock
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b")
            .await;
        // Closing here leaves 90 promised bytes unsent.
    });
    let err = plain()
        .send(Request::get(format!("http://{addr}/x?token=abc")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.message().contains("response body"), "{err}");
    assert!(err.message().contains(&addr.to_string()), "{err}");
    assert!(!err.to_string().contains("abc"), "{err}");
    // A GET may be repeated; the retry layer can act on it.
    assert!(err.is_retryable());
}

#[tokio::test]
async fn options_from_config_build_a_working_stack() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(&server)
        .await;
    let opts: omnivirt_http::HttpOptions = serde_json::from_value(serde_json::json!({
        "timeouts": {"per_attempt_ms": 2000, "overall_ms": 0},
        "connect_timeout_ms": 500,
        "max_attempts": 1,
        "gzip": false
    }))
    .unwrap();
    assert_eq!(opts.timeouts.overall, None);
    let http = HttpStack::from_options(&opts).unwrap().build();
    let resp = http
        .send(Request::get(format!("{}/x", server.uri())))
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap(), "ok");
    let req = &server.received_requests().await.unwrap()[0];
    assert!(req.headers.get("accept-encoding").is_none());
}

#[tokio::test]
async fn invalid_url_is_invalid_input() {
    for url in ["not a url", "ftp://h/x", "/relative?token=abc"] {
        let err = plain().send(Request::get(url)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{url}");
        assert!(!err.to_string().contains("abc"), "{err}");
    }
}

// ---------------------------------------------------------------------------------------------
// A hyper server (optionally TLS) that reports the HTTP version and counts connections.

struct Pki {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key_der: Vec<u8>,
}

fn make_pki() -> Pki {
    make_pki_for(&["localhost", "127.0.0.1"])
}

fn make_pki_for(names: &[&str]) -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "omnivirt test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &ca).unwrap();
    Pki {
        ca_pem: ca.pem(),
        chain: vec![leaf.der().clone(), ca.der().clone()],
        key_der: leaf_key.serialize_der(),
    }
}

/// A self-signed certificate marked as a CA and used as the server's own, the way
/// `openssl req -x509` makes one.
fn make_self_signed_ca_as_server(names: &[&str]) -> Pki {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "engine.example.com");
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Pki {
        ca_pem: cert.pem(),
        chain: vec![cert.der().clone()],
        key_der: key.serialize_der(),
    }
}

struct TestServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

async fn serve(pki: Option<&Pki>) -> TestServer {
    let acceptor = pki.map(|pki| {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                pki.chain.clone(),
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key_der.clone())),
            )
            .unwrap();
        cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        tokio_rustls::TlsAcceptor::from(Arc::new(cfg))
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let svc = service_fn(|req: http::Request<hyper::body::Incoming>| async move {
                    let body = format!("{:?}", req.version());
                    Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from(body))))
                });
                let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                match acceptor {
                    Some(a) => {
                        // A failed handshake (the client rejected us) just ends the task.
                        if let Ok(tls) = a.accept(sock).await {
                            let _ = builder.serve_connection(TokioIo::new(tls), svc).await;
                        }
                    }
                    None => {
                        let _ = builder.serve_connection(TokioIo::new(sock), svc).await;
                    }
                }
            });
        }
    });
    TestServer { addr, connections }
}

fn temp_pem(pem: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!(
        "omnivirt-http-ca-{}-{}.pem",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::write(&p, pem).unwrap();
    p
}

#[tokio::test]
async fn plain_http_pools_one_connection_for_sequential_requests() {
    let srv = serve(None).await;
    let http = plain();
    for _ in 0..5 {
        let resp = http
            .send(Request::get(format!("http://{}/x", srv.addr)))
            .await
            .unwrap();
        assert_eq!(resp.bytes().await.unwrap(), "HTTP/1.1");
        // Let the connection task hand the connection back to the pool, so the next
        // checkout finds it idle instead of racing a fresh connect.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(srv.connections.load(Ordering::SeqCst), 1);

    let no_pool = HyperTransport::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    for _ in 0..2 {
        no_pool
            .send(Request::get(format!("http://{}/x", srv.addr)))
            .await
            .unwrap();
    }
    assert_eq!(srv.connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn tls_with_custom_ca_succeeds_and_negotiates_h2() {
    let pki = make_pki();
    let srv = serve(Some(&pki)).await;
    let ca = temp_pem(&pki.ca_pem);
    let tls = TlsOptions::builder().ca_file(&ca).build();
    let http = HyperTransport::new(tls.clone()).unwrap();
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("https://{host}:{}/ovirt-engine/api", srv.addr.port());
        let resp = http.send(Request::get(url)).await.unwrap();
        assert_eq!(resp.status, StatusCode::OK);
        assert_eq!(resp.bytes().await.unwrap(), "HTTP/2.0", "{host}");
    }
    assert_eq!(srv.connections.load(Ordering::SeqCst), 2);
    // HTTP/2 multiplexes: concurrent requests share the pooled connection.
    let url = format!("https://127.0.0.1:{}/many", srv.addr.port());
    let all = futures::future::join_all((0..8).map(|_| http.send(Request::get(&url)))).await;
    for r in all {
        assert_eq!(r.unwrap().status, StatusCode::OK);
    }
    assert_eq!(srv.connections.load(Ordering::SeqCst), 2);

    let h1 = HyperTransport::builder()
        .tls(tls)
        .http2(false)
        .build()
        .unwrap();
    let resp = h1
        .send(Request::get(format!(
            "https://127.0.0.1:{}/",
            srv.addr.port()
        )))
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap(), "HTTP/1.1");
    let _ = std::fs::remove_file(ca);
}

#[tokio::test]
async fn tls_without_the_ca_fails_saying_the_certificate_was_not_trusted() {
    let pki = make_pki();
    let srv = serve(Some(&pki)).await;
    let http = stack(HyperTransport::new(TlsOptions::default()).unwrap(), 3);
    let url = format!("https://127.0.0.1:{}/api?token=abc", srv.addr.port());
    let err = http.send(Request::get(url)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(!err.is_retryable());
    let msg = err.to_string();
    eprintln!("untrusted: {msg}");
    assert!(msg.contains("not trusted"), "{msg}");
    assert!(msg.contains("ca_file"), "{msg}");
    assert!(msg.contains("insecure"), "{msg}");
    assert!(
        msg.contains(&format!("127.0.0.1:{}", srv.addr.port())),
        "{msg}"
    );
    assert!(!msg.contains("abc"), "{msg}");
    // Not retried: a certificate does not become trusted by asking again.
    assert_eq!(srv.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn tls_name_mismatch_says_the_name_did_not_match_not_to_add_a_ca() {
    let pki = make_pki_for(&["engine.example.com"]);
    let srv = serve(Some(&pki)).await;
    let ca = temp_pem(&pki.ca_pem);
    let http = HyperTransport::new(TlsOptions::builder().ca_file(&ca).build()).unwrap();
    let err = http
        .send(Request::get(format!(
            "https://127.0.0.1:{}/",
            srv.addr.port()
        )))
        .await
        .unwrap_err();
    let _ = std::fs::remove_file(ca);
    let msg = err.to_string();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(msg.contains("not valid for the name `127.0.0.1`"), "{msg}");
    assert!(!msg.contains("ca_file"), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");
}

#[tokio::test]
async fn a_self_signed_ca_certificate_named_with_ca_file_is_trusted_as_the_server() {
    let pki = make_self_signed_ca_as_server(&["localhost", "127.0.0.1"]);
    let srv = serve(Some(&pki)).await;
    let ca = temp_pem(&pki.ca_pem);
    let http = HyperTransport::new(TlsOptions::builder().ca_file(&ca).build()).unwrap();
    let ok = http
        .send(Request::get(format!(
            "https://127.0.0.1:{}/",
            srv.addr.port()
        )))
        .await;
    // Pinned, but the host name is still checked.
    let wrong_name = make_self_signed_ca_as_server(&["engine.example.com"]);
    let srv2 = serve(Some(&wrong_name)).await;
    let ca2 = temp_pem(&wrong_name.ca_pem);
    let http2 = HyperTransport::new(TlsOptions::builder().ca_file(&ca2).build()).unwrap();
    let mismatch = http2
        .send(Request::get(format!(
            "https://127.0.0.1:{}/",
            srv2.addr.port()
        )))
        .await;
    // Not named: still refused, with one readable line.
    let other = make_self_signed_ca_as_server(&["localhost", "127.0.0.1"]);
    let http3 = HyperTransport::new(
        TlsOptions::builder()
            .ca_file(temp_pem(&other.ca_pem))
            .build(),
    )
    .unwrap();
    let refused = http3
        .send(Request::get(format!(
            "https://127.0.0.1:{}/",
            srv.addr.port()
        )))
        .await;
    let _ = std::fs::remove_file(ca);
    let _ = std::fs::remove_file(ca2);
    assert_eq!(ok.unwrap().status, StatusCode::OK);
    let msg = mismatch.unwrap_err().to_string();
    assert!(msg.contains("not valid for the name"), "{msg}");
    let msg = refused.unwrap_err().to_string();
    assert!(msg.contains("not trusted"), "{msg}");
    assert!(!msg.contains("OtherError"), "{msg}");
}

#[tokio::test]
async fn tls_insecure_opt_in_succeeds() {
    let pki = make_pki();
    let srv = serve(Some(&pki)).await;
    let http = HyperTransport::new(TlsOptions::builder().insecure(true).build()).unwrap();
    let resp = http
        .send(Request::get(format!(
            "https://127.0.0.1:{}/",
            srv.addr.port()
        )))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
}

#[tokio::test]
async fn tls_with_a_different_ca_is_still_not_trusted() {
    let pki = make_pki();
    let other = make_pki();
    let srv = serve(Some(&pki)).await;
    let ca = temp_pem(&other.ca_pem);
    let http = HyperTransport::new(TlsOptions::builder().ca_file(&ca).build()).unwrap();
    let err = http
        .send(Request::get(format!(
            "https://127.0.0.1:{}/",
            srv.addr.port()
        )))
        .await
        .unwrap_err();
    let _ = std::fs::remove_file(ca);
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.message().contains("not trusted"), "{err}");
}

#[tokio::test]
async fn bad_ca_file_is_a_config_error_naming_the_path() {
    let err = HyperTransport::new(
        TlsOptions::builder()
            .ca_file("/no/such/dir/engine-ca.pem")
            .build(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string().contains("/no/such/dir/engine-ca.pem"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// The whole stack over the network, with a captured trace: no secret anywhere.

#[derive(Debug)]
struct JsonLogin {
    base: String,
    password: omnivirt_http::Secret,
}

#[async_trait::async_trait]
impl omnivirt_http::AuthHook for JsonLogin {
    async fn login(&self, inner: &dyn Transport) -> omnivirt_core::Result<omnivirt_http::Session> {
        let req = Request::post(format!("{}/login", self.base))
            .json(&serde_json::json!({"username": "admin", "password": self.password.expose()}))?
            .skip_auth();
        let v: serde_json::Value = inner.send(req).await?.json().await?;
        Ok(omnivirt_http::Session::new(
            v["token"].as_str().unwrap_or_default(),
        ))
    }

    fn apply(
        &self,
        session: &omnivirt_http::Session,
        req: &mut Request,
    ) -> omnivirt_core::Result<()> {
        *req = req
            .clone()
            .secret_header("Authorization", session.token.expose())?;
        Ok(())
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn full_stack_over_the_wire_logs_no_secret() {
    const PASSWORD: &str = "wire-PASSWORD-42";
    const TOKEN: &str = "wire-TOKEN-SECRET-99";
    let buf = Captured::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"password": PASSWORD}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": TOKEN})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/vms"))
        .and(header("authorization", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(2)
        .mount(&server)
        .await;
    let hook = Arc::new(JsonLogin {
        base: server.uri(),
        password: PASSWORD.into(),
    });
    let http = HttpStack::builder(Arc::new(plain()))
        .auth(hook.clone())
        .retry(fast_retry(2))
        .build();
    for _ in 0..2 {
        let resp = http
            .send(
                Request::get(format!("{}/api/vms?max=1&token={TOKEN}", server.uri()))
                    .vendor("test")
                    .op(omnivirt_core::Op::VmList),
            )
            .await
            .unwrap();
        assert_eq!(resp.status, StatusCode::OK);
    }
    let debug = format!("{http:?} {hook:?}");
    drop(_guard);
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("path=/api/vms?max=1&token=***"), "{out}");
    assert!(out.contains("status=200"), "{out}");
    for (what, text) in [("trace", &out), ("debug", &debug)] {
        for secret in [PASSWORD, TOKEN] {
            assert!(!text.contains(secret), "{what} leaks {secret}:\n{text}");
        }
    }
}
