//! `RecordingProxy`: a loopback HTTP server that forwards to a real endpoint and records.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{Request, SharedTransport};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::cassette::{Cassette, Provenance};
use crate::record::{Recording, origin_of};
use crate::scrub::Scrubber;

/// Headers that belong to one hop and are not forwarded.
const HOP_BY_HOP: &[&str] = &[
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
];

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for h in HOP_BY_HOP {
        headers.remove(*h);
    }
}

struct Shared {
    upstream: String,
    upstream_authority: String,
    own_authority: String,
    inner: SharedTransport,
    recording: Mutex<Recording>,
}

/// A recording proxy on `127.0.0.1`: point any client (in any language) at
/// [`RecordingProxy::uri`] instead of the real endpoint; every exchange is forwarded through
/// the inner transport and recorded, scrubbed, into a cassette.
///
/// Absolute URLs to the upstream in response bodies are rewritten to the proxy, so a client
/// that follows links keeps going through it; the cassette stores them as `{{host}}`.
pub struct RecordingProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl fmt::Debug for RecordingProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingProxy")
            .field("address", &self.addr)
            .finish()
    }
}

impl RecordingProxy {
    /// Starts a proxy in front of `upstream` (`https://engine.lab:8443`), recording for
    /// `vendor` with default provenance and scrubbing rules.
    pub async fn start(upstream: &str, inner: SharedTransport, vendor: &str) -> Result<Self> {
        Self::start_with(
            upstream,
            inner,
            Cassette::new(vendor, Provenance::recorded_now()),
            Scrubber::new(),
        )
        .await
    }

    /// Starts a proxy that appends to `cassette` (its vendor and provenance are kept) and
    /// scrubs with `scrubber`.
    pub async fn start_with(
        upstream: &str,
        inner: SharedTransport,
        cassette: Cassette,
        scrubber: Scrubber,
    ) -> Result<Self> {
        let (scheme, upstream_authority) = origin_of(upstream)?;
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("recording proxy cannot listen: {e}"),
            )
        })?;
        let addr = listener.local_addr().map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("recording proxy has no address: {e}"),
            )
        })?;
        let shared = Arc::new(Shared {
            upstream: format!("{scheme}://{upstream_authority}"),
            upstream_authority,
            own_authority: addr.to_string(),
            inner,
            recording: Mutex::new(Recording::new(cassette, scrubber)),
        });
        let (stop, mut stopped) = watch::channel(false);
        let accept_shared = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let shared = accept_shared.clone();
                        tokio::spawn(async move {
                            let svc = service_fn(move |req| {
                                let shared = shared.clone();
                                async move { Ok::<_, std::convert::Infallible>(forward(&shared, req).await) }
                            });
                            // A client hanging up mid-request is its own business.
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), svc)
                                .await;
                        });
                    }
                    _ = stopped.changed() => break,
                }
            }
        });
        Ok(RecordingProxy {
            addr,
            shared,
            stop,
            task,
        })
    }

    /// The proxy's base URL, such as `http://127.0.0.1:41234`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address listened on.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// What has been recorded so far.
    pub fn cassette(&self) -> Cassette {
        lock(&self.shared.recording).cassette()
    }

    /// Stops listening, writes the cassette to `path` (if given) and returns it.
    pub async fn finish(self, path: Option<&Path>) -> Result<Cassette> {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        let cassette = lock(&self.shared.recording).cassette();
        if let Some(p) = path {
            cassette.save(p)?;
        }
        Ok(cassette)
    }
}

fn text_response(status: StatusCode, text: String) -> hyper::Response<Full<Bytes>> {
    let mut resp = hyper::Response::new(Full::new(Bytes::from(text)));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

async fn forward(
    shared: &Shared,
    req: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            return text_response(
                StatusCode::BAD_REQUEST,
                format!("recording proxy: cannot read request body: {e}"),
            );
        }
    };
    let pq = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let url = format!("{}{pq}", shared.upstream);
    let mut headers = parts.headers;
    strip_hop_by_hop(&mut headers);
    // Let the inner transport negotiate an encoding it can decode: the cassette stores
    // decoded bodies, and a brotli answer stored as bytes would replay undecodable.
    headers.remove(http::header::ACCEPT_ENCODING);
    let mut out = Request::new(parts.method.clone(), url.clone());
    out.headers = headers.clone();
    out.body = body.clone();
    let resp = match shared.inner.send(out).await {
        Ok(r) => r,
        Err(e) => {
            return text_response(
                StatusCode::BAD_GATEWAY,
                format!("recording proxy: upstream request failed: {e}"),
            );
        }
    };
    let status = resp.status;
    let mut resp_headers = resp.headers.clone();
    let resp_body = match resp.bytes().await {
        Ok(b) => b,
        Err(e) => {
            return text_response(
                StatusCode::BAD_GATEWAY,
                format!("recording proxy: upstream body failed: {e}"),
            );
        }
    };
    let recorded = lock(&shared.recording).record(
        parts.method.as_str(),
        &url,
        &headers,
        &body,
        status,
        &resp_headers,
        &resp_body,
        &[shared.own_authority.as_str()],
    );
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "recording proxy could not record an exchange");
    }
    strip_hop_by_hop(&mut resp_headers);
    let encoded = resp_headers.contains_key(http::header::CONTENT_ENCODING);
    let body = match std::str::from_utf8(&resp_body) {
        Ok(text) if !encoded && text.contains(&shared.upstream_authority) => {
            Bytes::from(text.replace(
                &shared.upstream,
                &format!("http://{}", shared.own_authority),
            ))
        }
        _ => resp_body,
    };
    let mut out = hyper::Response::new(Full::new(body));
    *out.status_mut() = status;
    *out.headers_mut() = resp_headers;
    out
}
