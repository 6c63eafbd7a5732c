//! The connection: URL, authentication, headers, and the typed request helpers every service uses.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use omnivirt_core::{Cursor, Error, ErrorKind, Op, Result, WaitOptions, announce_next_page};
use omnivirt_http::{
    ConnectionSettings, Request, Response, RetryPolicy, Secret, Session, SharedTransport, Timeouts,
    TlsOptions, Transport,
};

use crate::error::{VENDOR, action_outcome, fault_error, not_xml, parse_error};
use crate::native::services::SystemService;
use crate::native::sso::OvirtAuth;
use crate::native::types::Action;
use crate::wire::Resource;

/// Which dialect of the REST API to speak.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ApiVersion {
    /// Version 4 (`Version: 4`, SSO bearer tokens). The default.
    #[default]
    #[serde(alias = "4")]
    V4,
    /// Version 3 of RHEV/oVirt 3.x engines (`Version: 3`, HTTP Basic auth, `vms/{id}/disks`).
    #[serde(alias = "3")]
    V3,
}

impl ApiVersion {
    /// The value of the `Version` header.
    pub fn header(self) -> &'static str {
        match self {
            ApiVersion::V4 => "4",
            ApiVersion::V3 => "3",
        }
    }
}

/// A connection to one engine. Cheap to clone; every clone shares the session.
///
/// ```no_run
/// # async fn demo() -> omnivirt_core::Result<()> {
/// use omnivirt_ovirt::Connection;
///
/// let conn = Connection::builder("https://engine.example/ovirt-engine/api")
///     .username("admin@internal")
///     .password("secret")
///     .ca_file("/etc/pki/ovirt-engine/ca.pem")
///     .build()?;
/// let vms = conn.system().vms().list().search("name=web*").max(10).send().await?;
/// for vm in &vms {
///     println!("{} {:?}", vm.name.as_deref().unwrap_or("?"), vm.status);
/// }
/// conn.close().await?; // revokes the SSO token
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Connection {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// `https://engine/ovirt-engine/api`, no trailing slash.
    pub(crate) url: String,
    /// `https://engine`.
    pub(crate) origin: String,
    /// `/ovirt-engine/api`.
    pub(crate) api_path: String,
    pub(crate) transport: SharedTransport,
    pub(crate) version: ApiVersion,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) wait: WaitOptions,
    /// The `max-body-size` limit, for gzip bodies the transport left encoded.
    pub(crate) max_body_size: Option<u64>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("url", &self.inner.url)
            .field("version", &self.inner.version)
            .finish_non_exhaustive()
    }
}

/// A raw answer: status, content type and the (decompressed) body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` without parameters.
    pub content_type: Option<String>,
    /// `Correlation-Id` header, when the engine sent one.
    pub correlation_id: Option<String>,
    /// Body.
    pub body: Bytes,
}

impl Connection {
    /// Starts a builder for the API at `url` (`https://engine/ovirt-engine/api`).
    pub fn builder(url: impl Into<String>) -> ConnectionBuilder {
        ConnectionBuilder::new(url)
    }

    /// The root service: `system().vms()`, `system().hosts()`...
    pub fn system(&self) -> SystemService {
        SystemService::new(self.clone())
    }

    /// The API URL.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The dialect spoken.
    pub fn version(&self) -> ApiVersion {
        self.inner.version
    }

    /// Checks that the engine answers and the credentials work (`GET` of the API root).
    pub async fn test(&self) -> Result<()> {
        self.system().get().await.map(|_| ())
    }

    /// Fetches the object a link points at (`href` as found in `<link>` or an object's `href`).
    pub async fn follow_link<T: Resource>(&self, href: &str) -> Result<T> {
        self.check_href(href)?;
        self.get(href, &[], &[], None).await
    }

    /// Fetches the collection a `<link rel href>` points at.
    pub async fn follow_link_list<T: Resource>(&self, href: &str) -> Result<Vec<T>> {
        self.check_href(href)?;
        self.list(href, &[], &[], None, None, None).await
    }

    fn check_href(&self, href: &str) -> Result<()> {
        if href.starts_with(&self.inner.api_path) {
            Ok(())
        } else {
            Err(Error::invalid_input(format!(
                "link `{href}` is not under this connection's API path `{}`",
                self.inner.api_path
            )))
        }
    }

    /// Closes the connection: revokes the SSO token unless the builder said
    /// `revoke_on_close(false)`. Idempotent.
    pub async fn close(&self) -> Result<()> {
        self.inner.transport.close().await
    }

    /// How the waiters (`wait_for_status`, `wait_until`, `wait_for_removal`) poll: backoff and
    /// progress reports; each wait brings its own timeout.
    pub fn wait_options(&self) -> &WaitOptions {
        &self.inner.wait
    }

    fn url_for(&self, path: &str, query: &[(String, String)]) -> String {
        let mut url = if path.starts_with('/') {
            format!("{}{}", self.inner.origin, path)
        } else if path.is_empty() {
            self.inner.url.clone()
        } else {
            format!("{}/{}", self.inner.url, path)
        };
        if !query.is_empty() {
            let mut q: Vec<&(String, String)> = query.iter().collect();
            q.sort();
            let pairs = q.into_iter().map(|(k, v)| (k.as_str(), v.as_str()));
            // The engine reads `%20` and `+` alike; `%20` is what the SDKs send.
            omnivirt_http::push_query(&mut url, pairs, omnivirt_http::Space::Percent20);
        }
        url
    }

    /// Sends one request and returns the raw answer (any status).
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        body: Option<String>,
        op: Option<Op>,
    ) -> Result<RawResponse> {
        let url = self.url_for(path, query);
        let named = (method.clone(), url.clone());
        let mut req = Request::new(method, url).vendor(VENDOR);
        if let Some(op) = op {
            req = req.op(op);
        }
        req = req
            .header("Version", self.inner.version.header())?
            .header("Accept", "application/xml")?;
        for (k, v) in self.inner.headers.iter().chain(headers) {
            req = req.header(k, v)?;
        }
        if let Some(b) = body {
            req = req.xml(b);
        }
        let resp = self.inner.transport.send(req).await?;
        read_raw(resp, self.inner.max_body_size, &named.0, &named.1).await
    }

    /// [`send_raw`](Self::send_raw), with any status outside 2xx read as the engine's error.
    pub(crate) async fn send_ok(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        body: Option<String>,
        op: Option<Op>,
    ) -> Result<RawResponse> {
        let raw = self
            .send_raw(method, path, query, headers, body, op)
            .await
            .map_err(|e| with_op(e, op))?;
        if !(200..300).contains(&raw.status) {
            return Err(with_op(
                parse_error(raw.status, raw.content_type.as_deref(), &raw.body, path),
                op,
            ));
        }
        Ok(raw)
    }

    /// [`send_ok`](Self::send_ok), whose answer must also be XML.
    async fn expect_xml(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        body: Option<String>,
        op: Option<Op>,
    ) -> Result<RawResponse> {
        let raw = self.send_ok(method, path, query, headers, body, op).await?;
        let ct = raw.content_type.as_deref().unwrap_or("");
        if !(ct.ends_with("/xml") || ct.ends_with("+xml")) {
            return Err(with_op(
                not_xml(
                    raw.status,
                    raw.content_type.as_deref(),
                    &self.inner.api_path,
                ),
                op,
            ));
        }
        Ok(raw)
    }

    /// [`expect_xml`](Self::expect_xml), and the body decoded by `decode`.
    #[allow(clippy::too_many_arguments)]
    async fn read<R>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        body: Option<String>,
        op: Option<Op>,
        decode: impl FnOnce(&[u8]) -> Result<R> + Send,
    ) -> Result<R> {
        let raw = self
            .expect_xml(method, path, query, headers, body, op)
            .await?;
        let decoded = decode(&raw.body).map_err(|e| with_op(e.with_vendor(VENDOR), op));
        // Read into again by a later answer (a listing's next page).
        omnivirt_http::recycle(raw.body);
        decoded
    }

    pub(crate) async fn get<T: Resource>(
        &self,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        op: Option<Op>,
    ) -> Result<T> {
        self.read(Method::GET, path, query, headers, None, op, T::from_xml)
            .await
    }

    /// `GET` of a collection; with `only`, each object is read in part (see
    /// [`Resource::list_from_xml_only`]).
    pub(crate) async fn list<T: Resource>(
        &self,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        op: Option<Op>,
        only: Option<fn(&[u8]) -> bool>,
        next_if_full: Option<(u32, Cursor)>,
    ) -> Result<Vec<T>> {
        self.read(
            Method::GET,
            path,
            query,
            headers,
            None,
            op,
            |body: &[u8]| {
                if let Some((size, next)) = next_if_full {
                    announce_next_page(|| looks_full(body, T::TAG, size).then_some(next));
                }
                match only {
                    Some(keep) => T::list_from_xml_only(body, keep),
                    None => T::list_from_xml(body),
                }
            },
        )
        .await
    }

    pub(crate) async fn add<T: Resource>(
        &self,
        path: &str,
        obj: &T,
        query: &[(String, String)],
        headers: &[(String, String)],
        op: Option<Op>,
    ) -> Result<T> {
        self.read(
            Method::POST,
            path,
            query,
            headers,
            Some(obj.to_xml()),
            op,
            T::from_xml,
        )
        .await
    }

    pub(crate) async fn update<T: Resource>(
        &self,
        path: &str,
        obj: &T,
        query: &[(String, String)],
        headers: &[(String, String)],
        op: Option<Op>,
    ) -> Result<T> {
        self.read(
            Method::PUT,
            path,
            query,
            headers,
            Some(obj.to_xml()),
            op,
            T::from_xml,
        )
        .await
    }

    pub(crate) async fn remove(
        &self,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        op: Option<Op>,
    ) -> Result<()> {
        let raw = self
            .send_ok(Method::DELETE, path, query, headers, None, op)
            .await?;
        // A DELETE may still answer with an <action> carrying a fault.
        if let Some(f) = crate::wire::read_fault_doc(&raw.body) {
            return Err(with_op(fault_error(raw.status, &f), op));
        }
        Ok(())
    }

    pub(crate) async fn action(
        &self,
        path: &str,
        action: &Action,
        query: &[(String, String)],
        headers: &[(String, String)],
        op: Option<Op>,
    ) -> Result<Action> {
        let raw = self
            .send_ok(
                Method::POST,
                path,
                query,
                headers,
                Some(action.to_xml()),
                op,
            )
            .await?;
        // The engine answers every action with `<action>` and its `<status>` (`complete`,
        // `pending` ...; 3.6: `<status><state>`): an answer without one says nothing about what
        // happened, so it is a protocol error rather than a success.
        let no_status = || {
            with_op(
                Error::protocol(format!(
                    "{path}: the engine answered the action without a status (HTTP {})",
                    raw.status
                ))
                .with_vendor(VENDOR),
                op,
            )
        };
        if raw.body.trim_ascii().is_empty() {
            return Err(no_status());
        }
        let ct = raw.content_type.as_deref().unwrap_or("");
        if !ct.ends_with("xml") {
            return Err(with_op(
                not_xml(
                    raw.status,
                    raw.content_type.as_deref(),
                    &self.inner.api_path,
                ),
                op,
            ));
        }
        let answer = Action::from_xml(&raw.body).map_err(|e| with_op(e.with_vendor(VENDOR), op))?;
        action_outcome(raw.status, &answer).map_err(|e| with_op(e, op))?;
        if answer.status.is_none() {
            return Err(no_status());
        }
        Ok(answer)
    }
}

fn with_op(e: Error, op: Option<Op>) -> Error {
    match op {
        Some(op) => e.with_op(op),
        None => e,
    }
}

/// True when the collection document `body` holds at least `size` start tags `<tag `: a
/// guess at whether a page is full, made before it is decoded. It counts nested references
/// with the same name too (a reported device names its VM), so it may call a short page full
/// (a listing then asks for one page past its end, whose answer is empty); an object written
/// without attributes is not counted, but an engine writes every listed one with its `href`.
fn looks_full(body: &[u8], tag: &str, size: u32) -> bool {
    let needle = format!("<{tag} ");
    let Some(last) = (size as usize).checked_sub(1) else {
        return false;
    };
    // The `size`-th start tag, if there is one (the search stops there).
    memchr::memmem::find_iter(body, needle.as_bytes())
        .nth(last)
        .is_some()
}

async fn read_raw(
    resp: Response,
    max_body_size: Option<u64>,
    method: &Method,
    url: &str,
) -> Result<RawResponse> {
    let status = resp.status.as_u16();
    let content_type = resp.content_type();
    let correlation_id = resp.header("correlation-id").map(str::to_owned);
    let gz = resp
        .header("content-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let mut body = resp.bytes().await?;
    if gz {
        body = omnivirt_http::gunzip_limited(&body, max_body_size, method, url)
            .map_err(|e| e.with_vendor(VENDOR))?;
    }
    Ok(RawResponse {
        status,
        content_type,
        correlation_id,
        body,
    })
}

/// Builds a [`Connection`].
#[must_use]
pub struct ConnectionBuilder {
    url: String,
    username: Option<String>,
    password: Option<Secret>,
    token: Option<Secret>,
    settings: ConnectionSettings,
    headers: Vec<(String, String)>,
    version: ApiVersion,
    compress: bool,
    revoke_on_close: bool,
    sso_url: Option<String>,
    sso_revoke_url: Option<String>,
    wait: WaitOptions,
}

impl fmt::Debug for ConnectionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionBuilder")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("token", &self.token)
            .field("settings", &self.settings)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl ConnectionBuilder {
    fn new(url: impl Into<String>) -> Self {
        ConnectionBuilder {
            url: url.into(),
            username: None,
            password: None,
            token: None,
            settings: ConnectionSettings::default(),
            headers: Vec::new(),
            version: ApiVersion::V4,
            compress: true,
            revoke_on_close: true,
            sso_url: None,
            sso_revoke_url: None,
            // 1 s doubling to 10 s without jitter: one engine, few waiters at a time.
            wait: WaitOptions::new()
                .interval(Duration::from_secs(1), Duration::from_secs(10))
                .multiplier(2.0)
                .jitter(0.0),
        }
    }

    /// User name with its profile (`admin@internal`).
    pub fn username(mut self, u: impl Into<String>) -> Self {
        self.username = Some(u.into());
        self
    }

    /// Password.
    pub fn password(mut self, p: impl Into<Secret>) -> Self {
        self.password = Some(p.into());
        self
    }

    /// An SSO token obtained elsewhere; no login happens until it expires.
    pub fn token(mut self, t: impl Into<Secret>) -> Self {
        self.token = Some(t.into());
        self
    }

    /// All connection settings at once (TLS, timeouts, retry, user agent, transport); the URL
    /// stays the one given to [`Connection::builder`].
    pub fn connection(mut self, settings: ConnectionSettings) -> Self {
        self.settings = settings;
        self
    }

    /// PEM bundle of CAs to trust (added to the built-in roots).
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings = self.settings.ca_file(path);
        self
    }

    /// Turns TLS verification off. Logs a warning; never use it in production.
    pub fn insecure(mut self, yes: bool) -> Self {
        self.settings = self.settings.insecure(yes);
        self
    }

    /// TLS options (CA file, insecure opt-in).
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.settings = self.settings.tls(tls);
        self
    }

    /// Limit for one request attempt (default 60 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.settings = self.settings.timeout(d);
        self
    }

    /// Per-attempt and overall limits.
    pub fn timeouts(mut self, t: Timeouts) -> Self {
        self.settings = self.settings.timeouts(t);
        self
    }

    /// Limit for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.settings = self.settings.connect_timeout(d);
        self
    }

    /// The retry policy for idempotent requests (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings = self.settings.retry(policy);
        self
    }

    /// Sends through `transport` instead of the network (a cassette, the simulator, a custom
    /// stack). Retry and auth layers are still added on top.
    pub fn transport(mut self, transport: SharedTransport) -> Self {
        self.settings = self.settings.transport(transport);
        self
    }

    /// A header sent on every request (per-request headers override it).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The dialect (default [`ApiVersion::V4`]).
    pub fn version(mut self, v: ApiVersion) -> Self {
        self.version = v;
        self
    }

    /// Asks for gzip bodies (default on).
    pub fn compress(mut self, yes: bool) -> Self {
        self.compress = yes;
        self
    }

    /// Revoke the SSO token in [`Connection::close`] (default on). Turn it off to hand the token
    /// to another process.
    pub fn revoke_on_close(mut self, yes: bool) -> Self {
        self.revoke_on_close = yes;
        self
    }

    /// Overrides the SSO token URL (default `<scheme>://<host>/ovirt-engine/sso/oauth/token`).
    pub fn sso_url(mut self, url: impl Into<String>) -> Self {
        self.sso_url = Some(url.into());
        self
    }

    /// Overrides the SSO revoke URL (default `<scheme>://<host>/ovirt-engine/services/sso-logout`).
    pub fn sso_revoke_url(mut self, url: impl Into<String>) -> Self {
        self.sso_revoke_url = Some(url.into());
        self
    }

    /// Poll spacing of the waiters (default 1 s doubling up to 10 s).
    pub fn wait_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.wait = self.wait.interval(initial, max);
        self
    }

    /// All the waiters' options at once (backoff, jitter, progress callback); the timeout is
    /// each wait's own.
    pub fn wait_options(mut self, opts: WaitOptions) -> Self {
        self.wait = opts;
        self
    }

    /// Checks the settings and builds the connection. No request is sent yet: the login
    /// happens on the first call.
    pub fn build(self) -> Result<Connection> {
        let cfg = |m: String| Error::new(ErrorKind::Config, m).with_vendor(VENDOR);
        let url = self.url.trim().trim_end_matches('/').to_owned();
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| cfg(format!("the oVirt URL `{url}` has no scheme (https://...)")))?;
        if scheme != "https" && scheme != "http" {
            return Err(cfg(format!(
                "the oVirt URL must be http:// or https://, not `{scheme}://`"
            )));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if host.is_empty() {
            return Err(cfg(format!("the oVirt URL `{url}` has no host")));
        }
        if path.contains('?') {
            return Err(cfg("the oVirt URL must not have a query".into()));
        }
        let origin = format!("{scheme}://{host}");
        let api_path = if path.is_empty() {
            "/ovirt-engine/api".to_owned()
        } else {
            path.to_owned()
        };
        let full = format!("{origin}{api_path}");
        let credentials = match (&self.username, &self.password) {
            (Some(u), Some(p)) if !u.is_empty() => Some((u.clone(), p.clone())),
            (Some(_), None) => return Err(cfg("an oVirt username needs a password".into())),
            (None, Some(_)) => return Err(cfg("an oVirt password needs a username".into())),
            _ => None,
        };
        if credentials.is_none() && self.token.is_none() {
            return Err(cfg("oVirt needs a username and password, or a token".into()));
        }
        let mut settings = self.settings;
        if settings.transport.is_none() {
            if let Some(ca) = &settings.tls.ca_file
                && !ca.exists()
            {
                return Err(cfg(format!("the CA file {} does not exist", ca.display())));
            }
            if settings.tls.insecure {
                tracing::warn!(url = %full, "TLS verification is off for this oVirt connection");
            }
        }
        if settings.user_agent.is_none() {
            settings.user_agent =
                Some(concat!("omnivirt-ovirt/", env!("CARGO_PKG_VERSION")).into());
        }
        let compress = self.compress;
        let stack = settings.stack_with(|b| b.gzip(compress))?;
        let sso_url = self
            .sso_url
            .unwrap_or_else(|| format!("{origin}/ovirt-engine/sso/oauth/token"));
        let revoke_url = self
            .sso_revoke_url
            .unwrap_or_else(|| format!("{origin}/ovirt-engine/services/sso-logout"));
        let hook = Arc::new(OvirtAuth {
            token_url: sso_url,
            revoke_url,
            credentials,
            revoke: self.revoke_on_close,
            version: self.version,
        });
        let mut stack = stack.auth(hook);
        if let Some(t) = self.token {
            stack = stack.session(Session::new(t));
        }
        let mut headers = self.headers;
        if self.compress
            && !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("accept-encoding"))
        {
            headers.insert(0, ("Accept-Encoding".to_owned(), "gzip".to_owned()));
        }
        Ok(Connection {
            inner: Arc::new(Inner {
                url: full,
                origin,
                api_path,
                transport: stack.build(),
                version: self.version,
                headers,
                wait: self.wait,
                max_body_size: settings.max_body_size,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_looks_full_from_its_start_tags() {
        let page = |n: usize| {
            let vms: String = (0..n)
                .map(|i| format!(r#"<vm href="/vms/{i}" id="{i}"><name>v{i}</name></vm>"#))
                .collect();
            format!("<vms>{vms}</vms>").into_bytes()
        };
        assert!(looks_full(&page(3), "vm", 3));
        assert!(looks_full(&page(4), "vm", 3));
        assert!(!looks_full(&page(2), "vm", 3));
        assert!(!looks_full(&page(0), "vm", 1));
        assert!(!looks_full(&page(5), "vm", 0), "no page size, no guess");
        // `<vms>` and `<vm_pool ` are other elements.
        assert!(!looks_full(b"<vms><vm_pool id=\"p\"/></vms>", "vm", 1));
        // A nested reference of the same name counts: a guess on the side of asking once more.
        let nested = br#"<vms><vm href="/vms/1" id="1"><reported_devices><reported_device><vm href="/vms/1" id="1"/></reported_device></reported_devices></vm></vms>"#;
        assert!(looks_full(nested, "vm", 2));
    }

    #[test]
    fn builder_validates() {
        let e = Connection::builder("engine.example/ovirt-engine/api")
            .token("t")
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        let e = Connection::builder("https://engine.example/ovirt-engine/api")
            .build()
            .unwrap_err();
        assert!(e.message().contains("username"), "{e}");
        let e = Connection::builder("https://engine.example/ovirt-engine/api")
            .username("admin@internal")
            .build()
            .unwrap_err();
        assert!(e.message().contains("password"), "{e}");
        let dbg = format!(
            "{:?}",
            Connection::builder("https://e/ovirt-engine/api")
                .username("u")
                .password("hunter2")
                .token("tok-123")
        );
        assert!(
            !dbg.contains("hunter2") && !dbg.contains("tok-123"),
            "{dbg}"
        );
    }

    #[test]
    fn urls_and_query_encoding() {
        let conn = Connection::builder("https://engine.example/ovirt-engine/api/")
            .token("t")
            .build()
            .unwrap();
        assert_eq!(conn.url(), "https://engine.example/ovirt-engine/api");
        let q = vec![
            ("search".to_owned(), "name=web* page 2".to_owned()),
            ("max".to_owned(), "10".to_owned()),
        ];
        assert_eq!(
            conn.url_for("vms", &q),
            "https://engine.example/ovirt-engine/api/vms?max=10&search=name%3Dweb*%20page%202"
        );
        assert_eq!(
            conn.url_for("/ovirt-engine/api/vms/1/nics", &[]),
            "https://engine.example/ovirt-engine/api/vms/1/nics"
        );
        let bare = Connection::builder("https://engine.example")
            .token("t")
            .build()
            .unwrap();
        assert_eq!(bare.url(), "https://engine.example/ovirt-engine/api");
    }
}
