//! The hostile proxy: a loopback HTTP/1.1 server (hyper) in front of a simulator skin that lets
//! everything through except the requests of one kind, which it answers with a [`Fault`].
//!
//! It counts, per [`Kind`], the requests it saw since it was last armed, so a cell can assert
//! how often the request under test was sent and how many logins happened.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::Fault;

/// What a request is, as far as the proxy cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A login, session or token request: always let through, counted.
    Login,
    /// The read under test: one page of the VM listing.
    List,
    /// The mutation under test: starting one VM.
    Start,
    /// Anything else: let through.
    Other,
}

/// Tells the kind of a request from its method, path (no query) and body.
pub type Classifier = fn(&Method, &str, &[u8]) -> Kind;

/// Requests seen since the proxy was last armed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Login, session and token requests.
    pub logins: usize,
    /// VM list pages.
    pub lists: usize,
    /// VM start requests.
    pub starts: usize,
    /// Requests of the armed kind passed on to the simulator and answered with a 2xx.
    pub delivered: usize,
}

impl Counts {
    /// The count of `kind` (`Other` is not counted: 0).
    pub fn of(&self, kind: Kind) -> usize {
        match kind {
            Kind::Login => self.logins,
            Kind::List => self.lists,
            Kind::Start => self.starts,
            Kind::Other => 0,
        }
    }
}

#[derive(Default)]
struct Armed {
    fault: Option<(Fault, Kind)>,
    counts: Counts,
    /// For `Unauthorized`: the one 401 was sent.
    fired: bool,
    /// For `SamePageForever`: the first page, answered again to every later list request.
    page: Option<(StatusCode, HeaderMap, Bytes)>,
}

struct Shared {
    upstream: SocketAddr,
    addr: SocketAddr,
    classify: Classifier,
    /// The content type of the vendor's API bodies (garbage is sent under it).
    content_type: &'static str,
    client: HyperClient<HttpConnector, Full<Bytes>>,
    armed: Mutex<Armed>,
}

/// The proxy; stops when dropped.
pub struct Proxy {
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("addr", &self.shared.addr)
            .field("upstream", &self.shared.upstream)
            .finish_non_exhaustive()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

type ProxyBody = BoxBody<Bytes, io::Error>;

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub async fn start(
        upstream: SocketAddr,
        classify: Classifier,
        content_type: &'static str,
    ) -> io::Result<Proxy> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream,
            addr,
            classify,
            content_type,
            client: HyperClient::builder(TokioExecutor::new()).build_http(),
            armed: Mutex::new(Armed::default()),
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(Proxy { shared, accept })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// From now on answers requests of `kind` with `fault`; resets the counts.
    pub fn arm(&self, fault: Fault, kind: Kind) {
        let mut a = lock(&self.shared.armed);
        *a = Armed {
            fault: Some((fault, kind)),
            ..Armed::default()
        };
    }

    /// Lets everything through again; keeps the counts.
    pub fn disarm(&self) {
        lock(&self.shared.armed).fault = None;
    }

    /// The counts since the last [`arm`](Self::arm) (or since the start).
    pub fn counts(&self) -> Counts {
        lock(&self.shared.armed).counts
    }

    /// The counts once no request has arrived for 50 ms (at most ~2 s): a page a client
    /// started early and left to finish may still be on its way when the listing ends.
    pub async fn settled_counts(&self) -> Counts {
        let mut last = self.counts();
        for _ in 0..40 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let now = self.counts();
            if now == last {
                break;
            }
            last = now;
        }
        last
    }
}

fn lock(m: &Mutex<Armed>) -> std::sync::MutexGuard<'_, Armed> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A TCP stream that, when its connection is torn down after [`Conn::reset`] was flagged,
/// closes with an RST (`SO_LINGER` 0) instead of a FIN.
struct Conn {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let reset = Arc::new(AtomicBool::new(false));
        let conn = Conn {
            stream,
            reset: reset.clone(),
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let shared = shared.clone();
                let reset = reset.clone();
                async move { Ok::<_, Infallible>(handle(&shared, req, &reset).await) }
            });
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(conn), service)
                .await;
        });
    }
}

fn full(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
) -> hyper::Response<ProxyBody> {
    let mut resp = hyper::Response::new(
        Full::new(body.into())
            .map_err(|never: Infallible| match never {})
            .boxed(),
    );
    *resp.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    resp
}

async fn handle(
    shared: &Shared,
    req: hyper::Request<Incoming>,
    reset: &Arc<AtomicBool>,
) -> hyper::Response<ProxyBody> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return full(StatusCode::BAD_REQUEST, "text/plain", e.to_string()),
    };
    let kind = (shared.classify)(&parts.method, parts.uri.path(), &body);
    let action = {
        let mut a = lock(&shared.armed);
        match kind {
            Kind::Login => a.counts.logins += 1,
            Kind::List => a.counts.lists += 1,
            Kind::Start => a.counts.starts += 1,
            Kind::Other => {}
        }
        match a.fault {
            Some((fault, target)) if target == kind => match fault {
                Fault::Unauthorized if a.fired => Action::Forward,
                Fault::Unauthorized => {
                    a.fired = true;
                    Action::Answer(fault)
                }
                Fault::SamePageForever => match &a.page {
                    Some((s, h, b)) => Action::Replay(*s, h.clone(), b.clone()),
                    None => Action::Record,
                },
                _ => Action::Answer(fault),
            },
            _ => Action::Forward,
        }
    };
    match action {
        Action::Answer(fault) => answer(shared, fault, &parts, reset).await,
        Action::Replay(status, headers, bytes) => {
            let mut resp = full(status, "", bytes);
            *resp.headers_mut() = headers;
            resp
        }
        Action::Forward | Action::Record => match forward(shared, &parts, body).await {
            Ok((status, headers, bytes)) => {
                let mut a = lock(&shared.armed);
                if status.is_success() && a.fault.is_some_and(|(_, k)| k == kind) {
                    a.counts.delivered += 1;
                }
                if matches!(action, Action::Record) {
                    a.page = Some((status, headers.clone(), bytes.clone()));
                }
                drop(a);
                let mut resp = full(status, "", bytes);
                *resp.headers_mut() = headers;
                resp
            }
            Err(e) => full(
                StatusCode::BAD_GATEWAY,
                "text/plain",
                format!("proxy: upstream failed: {e}"),
            ),
        },
    }
}

enum Action {
    Forward,
    Record,
    Replay(StatusCode, HeaderMap, Bytes),
    Answer(Fault),
}

async fn forward(
    shared: &Shared,
    parts: &http::request::Parts,
    body: Bytes,
) -> Result<(StatusCode, HeaderMap, Bytes), String> {
    let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut req = hyper::Request::new(Full::new(body));
    *req.method_mut() = parts.method.clone();
    *req.uri_mut() = format!("http://{}{pq}", shared.upstream)
        .parse()
        .map_err(|e| format!("{e}"))?;
    *req.headers_mut() = parts.headers.clone();
    let resp = shared
        .client
        .request(req)
        .await
        .map_err(|e| e.to_string())?;
    let (p, b) = resp.into_parts();
    let bytes = b.collect().await.map_err(|e| e.to_string())?.to_bytes();
    let mut headers = p.headers;
    // The body is re-framed by this server.
    headers.remove(http::header::CONTENT_LENGTH);
    headers.remove(http::header::TRANSFER_ENCODING);
    Ok((p.status, headers, bytes))
}

/// A body that sends `first`, waits a moment (so it reaches the client), then fails, which makes
/// hyper drop the connection mid-body; with `reset` flagged, the drop is an RST.
fn broken_body(first: Bytes, reset: Option<Arc<AtomicBool>>) -> ProxyBody {
    let stream = futures::stream::iter([Ok::<_, io::Error>(Frame::data(first))]).chain(
        futures::stream::once(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if let Some(r) = reset {
                r.store(true, Ordering::SeqCst);
            }
            Err(io::Error::other(
                "hostile proxy: connection dropped mid-body",
            ))
        }),
    );
    BodyExt::boxed(StreamBody::new(stream))
}

/// Bytes a gzip bomb expands to: 48 MiB of zeros.
pub const BOMB: usize = 48 << 20;

/// [`BOMB`] zeros, gzip'd as 48 members of 1 MiB each: about 50 KiB on the wire, under the
/// 64 KiB limit, so only the decoded size can trip it.
fn gzip_bomb() -> Bytes {
    static GZ: OnceLock<Bytes> = OnceLock::new();
    GZ.get_or_init(|| {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = enc.write_all(&vec![0u8; 1 << 20]);
        let member = enc.finish().unwrap_or_default();
        Bytes::from(member.repeat(BOMB >> 20))
    })
    .clone()
}

/// Bytes of an oversized body: 1 MiB.
pub const OVERSIZED: usize = 1 << 20;

const HTML: &str = "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n\
                    <body>\n<center><h1>Welcome to nginx!</h1></center>\n<hr>\n</body>\n</html>\n";

async fn answer(
    shared: &Shared,
    fault: Fault,
    parts: &http::request::Parts,
    reset: &Arc<AtomicBool>,
) -> hyper::Response<ProxyBody> {
    let status = |code: u16| StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT);
    let injected = "hostile proxy: injected fault\n(second line)";
    match fault {
        Fault::Status500 => full(status(500), "text/plain", injected),
        Fault::Status502 => full(status(502), "text/plain", injected),
        Fault::Status429 => full(status(429), "text/plain", injected),
        Fault::Unavailable(retry_after) => {
            let mut r = full(status(503), "text/plain", injected);
            if let Some(v) = retry_after.header()
                && let Ok(v) = HeaderValue::from_str(v)
            {
                r.headers_mut().insert(http::header::RETRY_AFTER, v);
            }
            r
        }
        Fault::ResetMidBody | Fault::Truncated => {
            let mut r = hyper::Response::new(broken_body(
                Bytes::from(vec![b' '; 512]),
                matches!(fault, Fault::ResetMidBody).then(|| reset.clone()),
            ));
            r.headers_mut().insert(
                http::header::CONTENT_LENGTH,
                HeaderValue::from_static("4096"),
            );
            if let Ok(v) = HeaderValue::from_str(shared.content_type) {
                r.headers_mut().insert(http::header::CONTENT_TYPE, v);
            }
            r
        }
        Fault::Garbage200 => full(
            status(200),
            shared.content_type,
            &b"\x00\xff{\"vms\": [<<garbage\n\x7f\x1b[31m }}} ]"[..],
        ),
        Fault::Html200 => full(status(200), "text/html", HTML),
        Fault::Html500 => full(status(500), "text/html", HTML),
        Fault::Delay => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            full(status(504), "text/plain", injected)
        }
        Fault::OversizedLength => full(status(200), shared.content_type, vec![b' '; OVERSIZED]),
        Fault::OversizedChunked => {
            let chunk = Bytes::from(vec![b' '; 32 * 1024]);
            let chunks = OVERSIZED / chunk.len();
            let stream = futures::stream::iter(
                (0..chunks).map(move |_| Ok::<_, io::Error>(Frame::data(chunk.clone()))),
            );
            let mut r = hyper::Response::new(BodyExt::boxed(StreamBody::new(stream)));
            if let Ok(v) = HeaderValue::from_str(shared.content_type) {
                r.headers_mut().insert(http::header::CONTENT_TYPE, v);
            }
            r
        }
        Fault::GzipBomb => {
            let mut r = full(status(200), shared.content_type, gzip_bomb());
            r.headers_mut().insert(
                http::header::CONTENT_ENCODING,
                HeaderValue::from_static("gzip"),
            );
            r
        }
        Fault::Unauthorized | Fault::UnauthorizedAlways => full(
            status(401),
            "application/json",
            r#"{"error": "session expired"}"#,
        ),
        Fault::RedirectLoop => {
            let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let mut r = full(status(302), "text/plain", "");
            if let Ok(v) = HeaderValue::from_str(&format!("http://{}{pq}", shared.addr)) {
                r.headers_mut().insert(http::header::LOCATION, v);
            }
            r
        }
        // Answered in `handle` (record, then replay).
        Fault::SamePageForever => full(status(500), "text/plain", "unreachable"),
    }
}
