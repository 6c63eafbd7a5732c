//! [`HyperTransport`]: the bottom transport that talks to the network.

use std::fmt;
use std::io::Write;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::StreamExt;
use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use omnivirt_core::{Error, ErrorKind, Result};

use crate::limit::{DEFAULT_MAX_BODY_SIZE, GZIP_STEP, body_too_large};
use crate::tls::TlsOptions;
use crate::transport::{Body, Request, Response, Transport};

const DEFAULT_USER_AGENT: &str = concat!("omnivirt/", env!("CARGO_PKG_VERSION"));

/// A [`Transport`] on hyper 1 and rustls (ring): pooled keep-alive connections, HTTP/1.1 and
/// HTTP/2 (chosen by ALPN on `https://`; plain `http://` speaks HTTP/1.1), and gzip.
///
/// - Sends `Accept-Encoding: gzip` unless the request sets its own, and decodes
///   `Content-Encoding: gzip` answers as they stream in (the `Content-Encoding` and
///   `Content-Length` headers are then removed, as they describe the wire form).
/// - Bodies up to [`HyperTransportBuilder::collect_limit`] arrive as [`Body::Full`]; larger
///   ones as [`Body::Stream`], so a huge listing is decoded at bounded memory.
/// - No body may pass [`HyperTransportBuilder::max_body_size`] (default
///   [`DEFAULT_MAX_BODY_SIZE`], 256 MiB), counted after gzip decoding as the bytes arrive: a
///   larger body, or a small gzip body that expands past it, fails with
///   [`body_too_large`](crate::body_too_large) ([`ErrorKind::Protocol`]) without being held whole;
///   a `Content-Length` over the limit fails before the body is read.
/// - Errors: no response at all is [`ErrorKind::Transport`] naming `host:port` (never the
///   path, query or headers). Failures to connect are retryable (the server saw nothing);
///   failures after the request went out are retryable only for idempotent requests. An
///   untrusted server certificate says so and points at `ca_file` / `insecure`.
///
/// ```no_run
/// # async fn demo() -> omnivirt_core::Result<()> {
/// use std::time::Duration;
/// use omnivirt_http::{HyperTransport, Request, TlsOptions, Transport};
///
/// let http = HyperTransport::builder()
///     .tls(TlsOptions::builder().ca_file("/etc/pki/ovirt-engine/ca.pem").build())
///     .connect_timeout(Duration::from_secs(5))
///     .build()?;
/// let resp = http.send(Request::get("https://engine.example/ovirt-engine/api")).await?;
/// println!("{}", resp.status);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    gzip: bool,
    collect_limit: usize,
    max_body_size: Option<u64>,
    user_agent: HeaderValue,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("gzip", &self.gzip)
            .field("collect_limit", &self.collect_limit)
            .field("max_body_size", &self.max_body_size)
            .finish_non_exhaustive()
    }
}

impl HyperTransport {
    /// A builder with the defaults: built-in roots, 10 s connect timeout, 90 s idle pool
    /// timeout, HTTP/2 allowed, gzip on, bodies above 4 MiB streamed, bodies above 256 MiB
    /// refused.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    /// A transport with the defaults and the given TLS options.
    pub fn new(tls: TlsOptions) -> Result<Self> {
        Self::builder().tls(tls).build()
    }
}

/// Builder for [`HyperTransport`].
#[derive(Debug, Clone)]
#[must_use]
pub struct HyperTransportBuilder {
    tls: TlsOptions,
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    http2: bool,
    gzip: bool,
    collect_limit: usize,
    max_body_size: Option<u64>,
    user_agent: Option<String>,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        HyperTransportBuilder {
            tls: TlsOptions::default(),
            connect_timeout: Some(Duration::from_secs(10)),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            pool_max_idle_per_host: 16,
            http2: true,
            gzip: true,
            collect_limit: 4 * 1024 * 1024,
            max_body_size: Some(DEFAULT_MAX_BODY_SIZE),
            user_agent: None,
        }
    }
}

impl HyperTransportBuilder {
    /// Which certificates to trust.
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.tls = tls;
        self
    }

    /// How long to wait for a TCP connection (`None`: the OS default).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// How long an idle pooled connection is kept (`None`: until the server closes it).
    pub fn pool_idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.pool_idle_timeout = timeout.into();
        self
    }

    /// How many idle connections per host the pool keeps (0 turns keep-alive reuse off).
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// Offers HTTP/2 in ALPN (default true). With false only HTTP/1.1 is spoken.
    pub fn http2(mut self, yes: bool) -> Self {
        self.http2 = yes;
        self
    }

    /// Asks for and decodes gzip bodies (default true).
    pub fn gzip(mut self, yes: bool) -> Self {
        self.gzip = yes;
        self
    }

    /// Bodies (after decoding) up to this many bytes are collected into [`Body::Full`];
    /// longer ones are handed over as [`Body::Stream`]. Default 4 MiB.
    pub fn collect_limit(mut self, bytes: usize) -> Self {
        self.collect_limit = bytes;
        self
    }

    /// The largest body accepted, in bytes after decoding (default
    /// [`DEFAULT_MAX_BODY_SIZE`], 256 MiB; `None`: no limit). A longer body fails with
    /// [`body_too_large`](crate::body_too_large) as soon as the limit is passed.
    pub fn max_body_size(mut self, bytes: impl Into<Option<u64>>) -> Self {
        self.max_body_size = bytes.into();
        self
    }

    /// The `User-Agent` sent when a request has none (default `omnivirt/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Builds the transport. Fails with [`ErrorKind::Config`] on a bad `ca_file` or
    /// user agent.
    pub fn build(self) -> Result<HyperTransport> {
        let tls = self.tls.client_config()?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(self.connect_timeout);
        http.set_nodelay(true);
        http.set_keepalive(Some(Duration::from_secs(60)));
        let https = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http();
        let connector = if self.http2 {
            https.enable_all_versions().wrap_connector(http)
        } else {
            https.enable_http1().wrap_connector(http)
        };
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(connector);
        let user_agent = match self.user_agent {
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
            Some(ua) => HeaderValue::from_str(&ua).map_err(|_| {
                Error::new(
                    ErrorKind::Config,
                    "the user agent is not a valid header value",
                )
            })?,
        };
        Ok(HyperTransport {
            client,
            gzip: self.gzip,
            collect_limit: self.collect_limit,
            max_body_size: self.max_body_size,
            user_agent,
        })
    }
}

/// `host:port` of a URI, with the scheme's default port filled in.
fn authority_of(uri: &Uri) -> String {
    let host = uri.host().unwrap_or("?");
    let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
        Some("https") => 443,
        _ => 80,
    });
    format!("{host}:{port}")
}

#[async_trait]
impl Transport for HyperTransport {
    async fn send(&self, req: Request) -> Result<Response> {
        let uri: Uri = req.url.parse().map_err(|_| {
            Error::invalid_input(format!(
                "invalid URL `{}`",
                crate::transport::redact_url(&req.url)
            ))
        })?;
        match uri.scheme_str() {
            Some("http" | "https") if uri.host().is_some() => {}
            _ => {
                return Err(Error::invalid_input(format!(
                    "URL `{}` must be absolute http:// or https://",
                    crate::transport::redact_url(&req.url)
                )));
            }
        }
        // For error messages only: written out when one is made (`authority_of`).
        let target = uri.clone();
        let idempotent = req.is_idempotent();
        let method = req.method.clone();
        let mut headers = req.headers;
        if self.gzip && !headers.contains_key(ACCEPT_ENCODING) {
            headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        }
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, self.user_agent.clone());
        }
        let mut builder = http::Request::builder().method(req.method).uri(uri);
        if let Some(h) = builder.headers_mut() {
            *h = headers;
        }
        let hreq = builder
            .body(Full::new(req.body))
            .map_err(|e| Error::invalid_input(format!("cannot build the HTTP request: {e}")))?;

        let resp = self
            .client
            .request(hreq)
            .await
            .map_err(|e| map_client_error(&e, &authority_of(&target), idempotent))?;
        let (parts, incoming) = resp.into_parts();
        let mut headers = parts.headers;
        let decoder = if self.gzip && is_gzip(&headers) {
            headers.remove(CONTENT_ENCODING);
            headers.remove(CONTENT_LENGTH);
            Some(GzipDecoder::new())
        } else {
            None
        };
        if let Some(max) = self.max_body_size
            && decoder.is_none()
            && content_length(&headers).is_some_and(|n| n > max)
        {
            return Err(body_too_large(max, &method, &req.url));
        }
        let reader = BodyReader {
            incoming,
            decoder,
            pending: Bytes::new(),
            target,
            idempotent,
            done: false,
            seen: 0,
            max: self.max_body_size,
            method,
            url: req.url,
        };
        // Sized once from the declared length (capped, as a server may declare anything), so a
        // large body is not copied again each time the buffer grows.
        let expected = match content_length(&headers) {
            Some(n) => usize::try_from(n)
                .unwrap_or(usize::MAX)
                .min(self.collect_limit.saturating_add(1)),
            None => 0,
        };
        let body = reader.read_up_to(self.collect_limit, expected).await?;
        Ok(Response {
            status: parts.status,
            headers,
            body,
        })
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

fn is_gzip(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("gzip") || v.eq_ignore_ascii_case("x-gzip")
        })
}

/// Reads an incoming body, decoding gzip on the fly and counting the decoded bytes against
/// the limit.
struct BodyReader {
    incoming: Incoming,
    decoder: Option<GzipDecoder>,
    /// Compressed bytes received but not yet fed to the decoder (fed [`GZIP_STEP`] at a time).
    pending: Bytes,
    /// The request's URI, for the `host:port` of error messages.
    target: Uri,
    idempotent: bool,
    done: bool,
    /// Decoded bytes handed out so far.
    seen: u64,
    max: Option<u64>,
    method: Method,
    url: String,
}

impl BodyReader {
    /// The next decoded chunk (possibly empty), or `None` at the end; once the decoded bytes
    /// pass the limit, the limit error and then the end.
    async fn next_chunk(&mut self) -> Option<Result<Bytes>> {
        let chunk = match self.next_decoded().await? {
            Ok(chunk) => chunk,
            Err(e) => return Some(Err(e)),
        };
        self.seen = self.seen.saturating_add(chunk.len() as u64);
        if let Some(max) = self.max
            && self.seen > max
        {
            self.done = true;
            self.pending = Bytes::new();
            self.decoder = None;
            return Some(Err(body_too_large(max, &self.method, &self.url)));
        }
        Some(Ok(chunk))
    }

    /// The next decoded chunk, unchecked.
    async fn next_decoded(&mut self) -> Option<Result<Bytes>> {
        loop {
            if self.done {
                return None;
            }
            if !self.pending.is_empty() {
                let step = self.pending.split_to(self.pending.len().min(GZIP_STEP));
                let out = match &mut self.decoder {
                    None => Ok(step),
                    Some(dec) => dec.push(&step),
                };
                return Some(out.map_err(|e| {
                    self.done = true;
                    self.gzip_error(&e)
                }));
            }
            match self.incoming.frame().await {
                None => {
                    self.done = true;
                    let dec = self.decoder.take()?;
                    return Some(dec.finish().map_err(|e| self.gzip_error(&e)));
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(body_error(
                        &e,
                        &authority_of(&self.target),
                        self.idempotent,
                    )));
                }
                Some(Ok(frame)) => {
                    // Trailers carry nothing we use.
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    if self.decoder.is_none() {
                        return Some(Ok(data));
                    }
                    // Decoded a step at a time, so a gzip bomb in one frame is stopped
                    // within a few MiB of the limit.
                    self.pending = data;
                }
            }
        }
    }

    fn gzip_error(&self, e: &std::io::Error) -> Error {
        Error::new(
            ErrorKind::Protocol,
            format!(
                "the gzip response body from {} could not be decoded: {e}",
                authority_of(&self.target)
            ),
        )
    }

    /// Collects up to `limit` bytes; if the body is longer, hands the rest over as a stream.
    async fn read_up_to(mut self, limit: usize, expected: usize) -> Result<Body> {
        // A large body goes into a buffer a decoder gave back (`recycle`) when there is one.
        let mut buf = crate::pool::take(expected);
        while let Some(chunk) = self.next_chunk().await {
            let chunk = chunk?;
            buf.extend_from_slice(&chunk);
            if buf.len() > limit {
                let first = buf.freeze();
                let rest = futures::stream::unfold(self, |mut r| async move {
                    r.next_chunk().await.map(|c| (c, r))
                })
                .filter(|c| futures::future::ready(!matches!(c, Ok(b) if b.is_empty())));
                let stream = futures::stream::iter([Ok(first)]).chain(rest).boxed();
                return Ok(Body::Stream(stream));
            }
        }
        Ok(Body::Full(buf.freeze()))
    }
}

/// A streaming gzip decoder: compressed chunks in, decompressed chunks out.
pub(crate) struct GzipDecoder {
    inner: flate2::write::MultiGzDecoder<Vec<u8>>,
    seen_input: bool,
}

impl GzipDecoder {
    pub(crate) fn new() -> Self {
        GzipDecoder {
            inner: flate2::write::MultiGzDecoder::new(Vec::new()),
            seen_input: false,
        }
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) -> std::io::Result<Bytes> {
        if !chunk.is_empty() {
            self.seen_input = true;
        }
        self.inner.write_all(chunk)?;
        Ok(Bytes::from(std::mem::take(self.inner.get_mut())))
    }

    pub(crate) fn finish(self) -> std::io::Result<Bytes> {
        if !self.seen_input {
            // An empty body (HEAD, 204) says gzip but carries nothing.
            return Ok(Bytes::new());
        }
        let out = self.inner.finish()?;
        Ok(Bytes::from(out))
    }
}

/// Walks an error's sources, looking inside `io::Error`s too (their `source()` skips the
/// wrapped error itself).
fn chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut cur = Some(err);
    while let Some(e) = cur {
        out.push(e);
        if out.len() > 16 {
            break;
        }
        cur = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    out
}

fn describe(errs: &[&(dyn std::error::Error + 'static)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in errs {
        let s = e.to_string();
        if !s.is_empty() && !parts.iter().any(|p| p == &s) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

fn find<'a, T: std::error::Error + 'static>(
    errs: &[&'a (dyn std::error::Error + 'static)],
) -> Option<&'a T> {
    errs.iter().find_map(|e| e.downcast_ref::<T>())
}

/// Maps a hyper client error to an omnivirt error naming `authority` only.
pub(crate) fn map_client_error(
    err: &hyper_util::client::legacy::Error,
    authority: &str,
    idempotent: bool,
) -> Error {
    let errs = chain(err);
    let cause = describe(&errs[1..]);
    if let Some(tls) = find::<rustls::Error>(&errs) {
        return tls_error(tls, authority);
    }
    if err.is_connect() {
        let io_kind = find::<std::io::Error>(&errs).map(std::io::Error::kind);
        let dns = errs.iter().any(|e| e.to_string() == "dns error");
        let (msg, retryable) = match io_kind {
            _ if dns => (
                format!("cannot resolve the host of {authority}: {cause}"),
                false,
            ),
            Some(std::io::ErrorKind::ConnectionRefused) => {
                (format!("connection to {authority} refused"), true)
            }
            Some(std::io::ErrorKind::TimedOut) => {
                (format!("connecting to {authority} timed out"), true)
            }
            _ => (format!("cannot connect to {authority}: {cause}"), true),
        };
        return Error::new(ErrorKind::Transport, msg).with_retryable(retryable);
    }
    Error::new(
        ErrorKind::Transport,
        format!("the connection to {authority} failed after the request was sent: {cause}"),
    )
    .with_retryable(idempotent)
}

fn tls_error(tls: &rustls::Error, authority: &str) -> Error {
    let why = match tls {
        rustls::Error::InvalidCertificate(cert) => certificate_problem(cert, authority),
        other => other.to_string(),
    };
    Error::new(
        ErrorKind::Transport,
        format!("TLS handshake with {authority} failed: {why}"),
    )
    .with_retryable(false)
}

/// One readable sentence per certificate problem, with a hint that fits that problem (a name
/// mismatch is not cured by another CA bundle).
fn certificate_problem(cert: &rustls::CertificateError, authority: &str) -> String {
    use rustls::CertificateError as C;
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    match cert {
        C::NotValidForName | C::NotValidForNameContext { .. } => format!(
            "the server certificate is not valid for the name `{host}`; use a URL with a host \
             name the certificate lists"
        ),
        C::Expired | C::ExpiredContext { .. } => "the server certificate has expired".to_owned(),
        C::NotValidYet | C::NotValidYetContext { .. } => {
            "the server certificate is not valid yet (check the clocks)".to_owned()
        }
        C::Revoked => "the server certificate has been revoked".to_owned(),
        C::UnknownIssuer | C::BadSignature => "the server certificate is not trusted: name the CA \
             that signed it with `ca_file` (`--ca-file`; if you did, that file does not hold its \
             issuer), or set `insecure` only for a lab"
            .to_owned(),
        C::Other(other) if other.to_string().contains("CaUsedAsEndEntity") => {
            "the server certificate is not trusted: it is a CA certificate used as the \
             server's own (a self-signed certificate made as a CA); name that very certificate \
             with `ca_file` (`--ca-file`) to trust it, or set `insecure` only for a lab"
                .to_owned()
        }
        other => format!("the server certificate was not accepted ({other})"),
    }
}

fn body_error(err: &hyper::Error, authority: &str, idempotent: bool) -> Error {
    let errs = chain(err);
    Error::new(
        ErrorKind::Transport,
        format!(
            "reading the response body from {authority} failed: {}",
            describe(&errs)
        ),
    )
    .with_retryable(idempotent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_decodes_byte_by_byte() {
        let plain: Vec<u8> = (0..20_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let packed = gzip(&plain);
        let mut dec = GzipDecoder::new();
        let mut out = Vec::new();
        for b in packed.chunks(7) {
            out.extend_from_slice(&dec.push(b).unwrap());
        }
        out.extend_from_slice(&dec.finish().unwrap());
        assert_eq!(out, plain);
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        let packed = gzip(b"hello hello hello hello");
        let mut dec = GzipDecoder::new();
        let cut = &packed[..packed.len() - 6];
        let _ = dec.push(cut);
        assert!(dec.finish().is_err());
    }

    #[test]
    fn garbage_gzip_is_an_error() {
        let mut dec = GzipDecoder::new();
        let r = dec
            .push(b"this is not gzip at all, not even close")
            .and_then(|_| dec.finish());
        assert!(r.is_err());
    }

    #[test]
    fn authority_defaults_port_by_scheme() {
        assert_eq!(
            authority_of(&"https://e.example/x?token=1".parse().unwrap()),
            "e.example:443"
        );
        assert_eq!(
            authority_of(&"http://10.0.0.1:8080/".parse().unwrap()),
            "10.0.0.1:8080"
        );
    }
}
