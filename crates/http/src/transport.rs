//! The `Transport` trait and its request/response types.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use futures::stream::{BoxStream, StreamExt};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use omnivirt_core::{Error, ErrorKind, Op, Result};

/// What a request is for, carried beside it through every layer (tracing, retry, errors).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestMeta {
    /// Vendor name, for spans and errors.
    pub vendor: &'static str,
    /// The operation the request belongs to.
    pub op: Option<Op>,
    /// Overrides the method's idempotency: `Some(true)` lets the retry layer repeat a POST
    /// that is known to be safe (a query); `Some(false)` forbids repeating even a GET.
    pub idempotent: Option<bool>,
    /// When true, the auth layer does not touch this request (login calls themselves).
    pub skip_auth: bool,
    /// Statuses that are this request's final answer, never repeated by the retry layer even
    /// where its policy would: a ZStack job poll answered 503 is the job's failure ("the API ran
    /// and failed"), not a busy server.
    pub final_statuses: Vec<StatusCode>,
}

/// An HTTP request: absolute URL, headers and a complete body.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Request {
    /// Method.
    pub method: Method,
    /// Absolute URL, with query.
    pub url: String,
    /// Headers.
    pub headers: HeaderMap,
    /// Body (empty for none).
    pub body: Bytes,
    /// What the request is for.
    pub meta: RequestMeta,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Headers are left out on purpose: they carry credentials.
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &crate::transport::redact_url(&self.url))
            .field("body_len", &self.body.len())
            .field("meta", &self.meta)
            .finish()
    }
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Request {
            method,
            url: url.into(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            meta: RequestMeta::default(),
        }
    }

    /// `GET url`.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new(Method::GET, url)
    }

    /// `POST url`.
    pub fn post(url: impl Into<String>) -> Self {
        Self::new(Method::POST, url)
    }

    /// `PUT url`.
    pub fn put(url: impl Into<String>) -> Self {
        Self::new(Method::PUT, url)
    }

    /// `DELETE url`.
    pub fn delete(url: impl Into<String>) -> Self {
        Self::new(Method::DELETE, url)
    }

    /// Adds a header. Invalid names or values are an `InvalidInput` error.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_input(format!("invalid header name `{name}`")))?;
        let v = HeaderValue::from_str(value)
            .map_err(|_| Error::invalid_input(format!("invalid value for header `{name}`")))?;
        self.headers.insert(n, v);
        Ok(self)
    }

    /// Adds a header whose value is a secret: marked sensitive so it is never logged.
    pub fn secret_header(mut self, name: &str, value: &str) -> Result<Self> {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_input(format!("invalid header name `{name}`")))?;
        let mut v = HeaderValue::from_str(value)
            .map_err(|_| Error::invalid_input(format!("invalid value for header `{name}`")))?;
        v.set_sensitive(true);
        self.headers.insert(n, v);
        Ok(self)
    }

    /// Sets a raw body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Serialises `value` as the JSON body and sets `Content-Type: application/json`.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Result<Self> {
        let bytes = serde_json::to_vec(value).map_err(|e| {
            Error::invalid_input(format!("cannot encode request body as JSON: {e}"))
        })?;
        self.body = Bytes::from(bytes);
        self.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Ok(self)
    }

    /// Sets an XML body and `Content-Type: application/xml`.
    pub fn xml(mut self, xml: impl Into<Bytes>) -> Self {
        self.body = xml.into();
        self.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml"),
        );
        self
    }

    /// Sets the vendor name.
    pub fn vendor(mut self, vendor: &'static str) -> Self {
        self.meta.vendor = vendor;
        self
    }

    /// Sets the operation.
    pub fn op(mut self, op: Op) -> Self {
        self.meta.op = Some(op);
        self
    }

    /// Marks the request safe (or unsafe) to repeat, whatever its method.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.meta.idempotent = Some(yes);
        self
    }

    /// Keeps the auth layer away from this request (for login calls).
    pub fn skip_auth(mut self) -> Self {
        self.meta.skip_auth = true;
        self
    }

    /// Marks `status` as this request's final answer: the retry layer hands it back at once,
    /// whatever its policy says about that status (see [`RequestMeta::final_statuses`]).
    pub fn final_status(mut self, status: StatusCode) -> Self {
        if !self.meta.final_statuses.contains(&status) {
            self.meta.final_statuses.push(status);
        }
        self
    }

    /// True if `status` is this request's final answer (see [`Request::final_status`]).
    pub fn is_final_status(&self, status: StatusCode) -> bool {
        self.meta.final_statuses.contains(&status)
    }

    /// True if the retry layer may repeat this request: GET, HEAD, PUT, DELETE, OPTIONS, or
    /// explicitly marked.
    pub fn is_idempotent(&self) -> bool {
        self.meta.idempotent.unwrap_or(matches!(
            self.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        ))
    }

    /// The path part of the URL (no scheme, host or query).
    pub fn path(&self) -> &str {
        let url = self.url.as_str();
        // A scheme is a run of letters, digits, `+`, `-` and `.` before `://`.
        let scheme = url
            .bytes()
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
            .unwrap_or(url.len());
        let rest = url[scheme..].strip_prefix("://").unwrap_or(url);
        // The authority ends at the first `/`, `?` or `#`; only a `/` starts a path.
        let path = match rest.bytes().position(|c| matches!(c, b'/' | b'?' | b'#')) {
            Some(i) if rest.as_bytes()[i] == b'/' => &rest[i..],
            _ => return "/",
        };
        let end = path
            .bytes()
            .position(|c| matches!(c, b'?' | b'#'))
            .unwrap_or(path.len());
        &path[..end]
    }

    /// The raw query string, if any.
    pub fn query(&self) -> Option<&str> {
        self.url
            .split_once('?')
            .map(|(_, q)| q.split('#').next().unwrap_or(""))
    }
}

/// Query parameter names whose values are never logged.
pub(crate) const SECRET_QUERY_KEYS: &[&str] = &[
    "password",
    "passwd",
    "token",
    "access_token",
    "session",
    "sessionid",
    "session_id",
    "jwt",
    "secret",
    "key",
    "apikey",
    "api_key",
];

/// The URL with secret-looking query values, and the password of a `user:password@`
/// authority, replaced by `***`.
///
/// ```
/// use omnivirt_http::redact_url;
///
/// assert_eq!(
///     redact_url("https://admin:hunter2@h/api?max=1&token=abc"),
///     "https://admin:***@h/api?max=1&token=***"
/// );
/// ```
pub fn redact_url(url: &str) -> String {
    let url = redact_userinfo(url);
    let Some((base, query)) = url.split_once('?') else {
        return url;
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if SECRET_QUERY_KEYS.contains(&k.to_ascii_lowercase().as_str()) => {
                format!("{k}=***")
            }
            _ => kv.to_owned(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

/// `scheme://user:***@host...` when the authority carries a password.
fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
    if user.len() == userinfo.len() {
        return url.to_owned();
    }
    format!("{scheme}://{user}:***{}", &rest[at..])
}

/// A response body: complete, or a stream of chunks for large answers.
pub enum Body {
    /// The whole body.
    Full(Bytes),
    /// Chunks as they arrive.
    Stream(BoxStream<'static, Result<Bytes>>),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Full(b) => write!(f, "Body::Full({} bytes)", b.len()),
            Body::Stream(_) => f.write_str("Body::Stream"),
        }
    }
}

impl Body {
    /// Collects the whole body.
    pub async fn collect(self) -> Result<Bytes> {
        match self {
            Body::Full(b) => Ok(b),
            Body::Stream(mut s) => {
                let mut buf = BytesMut::new();
                while let Some(chunk) = s.next().await {
                    buf.extend_from_slice(&chunk?);
                }
                Ok(buf.freeze())
            }
        }
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> BoxStream<'static, Result<Bytes>> {
        match self {
            Body::Full(b) => futures::stream::iter([Ok(b)]).boxed(),
            Body::Stream(s) => s,
        }
    }
}

/// An HTTP response.
#[derive(Debug)]
#[non_exhaustive]
pub struct Response {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Body,
}

impl Response {
    /// A response with a complete body.
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Response {
            status,
            headers,
            body: Body::Full(body.into()),
        }
    }

    /// A header as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Content-Type` without parameters, lower-cased.
    pub fn content_type(&self) -> Option<String> {
        self.header("content-type").map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// Collects the body.
    pub async fn bytes(self) -> Result<Bytes> {
        self.body.collect().await
    }

    /// Collects the body and decodes it as JSON.
    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        let status = self.status;
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::new(
                ErrorKind::Protocol,
                format!("HTTP {status}: response is not the JSON expected: {e}"),
            )
        })
    }
}

/// Sends one request and returns the response. Layers implement it by wrapping another
/// `Transport`; the bottom one talks to the network, a cassette or the simulator.
///
/// Non-2xx statuses are not errors at this level: vendors parse their own error bodies.
/// Errors are for when no response arrived (`Transport`, `Timeout`).
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends a request.
    async fn send(&self, req: Request) -> Result<Response>;

    /// Releases sessions and connections (log out). Called once by the owner; idempotent.
    async fn close(&self) -> Result<()> {
        Ok(())
    }
}

/// A transport shared between clients.
pub type SharedTransport = Arc<dyn Transport>;

#[async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, req: Request) -> Result<Response> {
        (**self).send(req).await
    }

    async fn close(&self) -> Result<()> {
        (**self).close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_query() {
        let r = Request::get("https://h:8443/ovirt-engine/api/vms?search=name%3Dx&max=2");
        assert_eq!(r.path(), "/ovirt-engine/api/vms");
        assert_eq!(r.query(), Some("search=name%3Dx&max=2"));
        assert_eq!(Request::get("http://h").path(), "/");
        // A `/` or `://` in the query is not the path's.
        assert_eq!(Request::get("http://h?next=/a").path(), "/");
        assert_eq!(Request::get("http://h/p#x/y").path(), "/p");
        assert_eq!(Request::get("/api/vms?u=http://x/y").path(), "/api/vms");
    }

    #[test]
    fn idempotency_follows_method_unless_marked() {
        assert!(Request::get("http://h/").is_idempotent());
        assert!(!Request::post("http://h/").is_idempotent());
        assert!(Request::post("http://h/").idempotent(true).is_idempotent());
    }

    #[test]
    fn debug_hides_headers_and_secret_query_values() {
        let r = Request::get("http://h/x?token=abc&page=2")
            .secret_header("Authorization", "Bearer abc")
            .unwrap();
        let d = format!("{r:?}");
        assert!(!d.contains("abc"), "{d}");
        assert!(d.contains("page=2"), "{d}");
    }

    #[test]
    fn redact_url_masks_userinfo_passwords_only() {
        assert_eq!(redact_url("http://u@h/x"), "http://u@h/x");
        assert_eq!(redact_url("http://h/x?a=b@c"), "http://h/x?a=b@c");
        assert_eq!(redact_url("http://u:p@h"), "http://u:***@h");
        assert_eq!(
            redact_url("https://h/x?Password=1&PASSWD=2&q=3"),
            "https://h/x?Password=***&PASSWD=***&q=3"
        );
    }
}
