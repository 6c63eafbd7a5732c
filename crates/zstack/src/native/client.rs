//! The ZStack client: sessions, one call per API, the api-jobs polling protocol.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use http::Method;
use omnivirt_core::{Error, ErrorKind, Op, Result};
use omnivirt_http::{
    AuthHook, Body, ConnectionSettings, HttpStack, HttpStackBuilder, Request, Response,
    RetryPolicy, Secret, Session, SharedTransport, Timeouts, TlsOptions, Transport,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use crate::VENDOR;
use crate::error::parse_error;
use crate::wire::{Accepted, ErrorCode, ErrorEnvelope, InventoryReply, SessionInventory};

/// Lower-case hex SHA-512 of `password`: what `LogInByAccount` expects instead of the password.
///
/// ```
/// let h = omnivirt_zstack::password_hash("password");
/// assert!(h.starts_with("b109f3bb") && h.ends_with("cacbc86") && h.len() == 128);
/// ```
pub fn password_hash(password: &str) -> String {
    let digest = Sha512::digest(password.as_bytes());
    let mut out = String::with_capacity(128);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// How the client authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// `LogInByAccount` with this account name and password (hashed before it is sent); logs in
    /// again once when the session is reported invalid.
    Account {
        /// Account name (`admin`).
        name: String,
        /// The plain password.
        password: Secret,
    },
    /// A session id from an earlier login, sent as is; no re-login possible.
    Session(Secret),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Account { name, .. } => f
                .debug_struct("Account")
                .field("name", name)
                .field("password", &"***")
                .finish(),
            Credentials::Session(_) => f.write_str("Session(***)"),
        }
    }
}

impl Credentials {
    /// An account and its plain password.
    pub fn account(name: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::Account {
            name: name.into(),
            password: password.into(),
        }
    }

    /// An existing session id.
    pub fn session(id: impl Into<Secret>) -> Self {
        Credentials::Session(id.into())
    }
}

/// Logs in with `PUT /accounts/login`, marks requests `Authorization: OAuth <session>`, logs
/// out with `DELETE /accounts/sessions/{uuid}`.
#[derive(Debug)]
struct ZStackAuth {
    base: String,
    credentials: Credentials,
}

/// True for a 503 whose error is `ID.1001` (invalid or expired session).
fn is_invalid_session(resp: &Response) -> bool {
    if resp.status.as_u16() != 503 {
        return false;
    }
    let Body::Full(bytes) = &resp.body else {
        return false;
    };
    serde_json::from_slice::<ErrorEnvelope>(bytes)
        .ok()
        .and_then(|e| e.error.effective_code().map(|c| c == "ID.1001"))
        .unwrap_or(false)
}

#[async_trait]
impl AuthHook for ZStackAuth {
    async fn login(&self, inner: &dyn Transport) -> Result<Session> {
        let Credentials::Account { name, password } = &self.credentials else {
            return Err(Error::new(
                ErrorKind::Unauthenticated,
                "the ZStack session is no longer valid and no account/password is configured to log in again",
            )
            .with_vendor(VENDOR));
        };
        let body = json!({"logInByAccount": {
            "accountName": name,
            "password": password_hash(password.expose()),
        }});
        let req = Request::put(format!("{}/accounts/login", self.base))
            .json(&body)?
            .vendor(VENDOR)
            .skip_auth();
        let resp = inner.send(req).await?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await?;
        if !(200..300).contains(&status) {
            let e = parse_error(status, &bytes);
            return Err(match e.kind() {
                ErrorKind::Backend | ErrorKind::InvalidInput | ErrorKind::NotFound
                    if status == 503 =>
                {
                    e.with_kind(ErrorKind::Unauthenticated)
                }
                _ => e,
            });
        }
        let reply: InventoryReply<SessionInventory> =
            serde_json::from_slice(&bytes).map_err(|e| {
                Error::protocol(format!(
                    "/accounts/login: the answer has no inventory.uuid: {e}"
                ))
                .with_vendor(VENDOR)
            })?;
        if reply.inventory.uuid.is_empty() {
            return Err(Error::protocol("/accounts/login: empty session uuid").with_vendor(VENDOR));
        }
        Ok(Session::new(reply.inventory.uuid))
    }

    fn apply(&self, session: &Session, req: &mut Request) -> Result<()> {
        let value = format!("OAuth {}", session.token.expose());
        let mut value = http::HeaderValue::from_str(&value).map_err(|_| {
            Error::new(
                ErrorKind::Unauthenticated,
                "the session id is not a valid header value",
            )
            .with_vendor(VENDOR)
        })?;
        value.set_sensitive(true);
        req.headers.insert(http::header::AUTHORIZATION, value);
        Ok(())
    }

    fn is_expired(&self, resp: &Response) -> bool {
        resp.status == http::StatusCode::UNAUTHORIZED || is_invalid_session(resp)
    }

    async fn logout(&self, inner: &dyn Transport, session: &Session) -> Result<()> {
        if matches!(self.credentials, Credentials::Session(_)) {
            // A session the caller brought is the caller's to end.
            return Ok(());
        }
        let url = format!("{}/accounts/sessions/{}", self.base, session.token.expose());
        let req = Request::delete(url).vendor(VENDOR).skip_auth();
        let resp = inner.send(req).await?;
        let status = resp.status.as_u16();
        if (200..300).contains(&status) || status == 404 {
            return Ok(());
        }
        let bytes = resp.bytes().await?;
        Err(parse_error(status, &bytes))
    }
}

/// A submitted asynchronous API: its job, to poll at `GET /api-jobs/{uuid}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Job {
    /// The job uuid (the last segment of the 202 `location`).
    pub uuid: String,
    /// The server-side timeout of the API in milliseconds, when the server says.
    pub api_timeout_ms: Option<u64>,
}

/// What an API call answered.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reply {
    /// 200/204: finished; the result body (`{}` when there is none).
    Done(Value),
    /// 202: accepted; poll the job.
    Accepted(Job),
}

/// A finished answer's body as JSON text: an empty (or blank) body, which some calls answer
/// with, reads as `{}`.
pub(crate) fn json_or_empty(body: &[u8]) -> &[u8] {
    if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    }
}

/// Decodes a finished answer's body ([`json_or_empty`] of it), its UTF-8 checked once
/// ([`omnivirt_http::json_from_bytes`]).
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    omnivirt_http::json_from_bytes(json_or_empty(body))
}

/// What [`ZStackClient::send_raw`] got: a finished answer's body, undecoded, or a job.
pub(crate) enum RawReply {
    /// 200/204: the body as it came (maybe empty).
    Done(bytes::Bytes),
    /// 202: accepted; poll the job.
    Accepted(Job),
}

impl Reply {
    /// The job, when the call was accepted for later.
    pub fn job(&self) -> Option<&Job> {
        match self {
            Reply::Accepted(j) => Some(j),
            Reply::Done(_) => None,
        }
    }
}

/// The state of a job.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum JobStatus {
    /// 202: still running.
    Running,
    /// 200: finished; the API's result body.
    Succeeded(Value),
    /// 503: the API ran and failed.
    Failed(ErrorCode),
}

pub(crate) struct Inner {
    pub(crate) base: String,
    pub(crate) transport: SharedTransport,
}

/// A ZStack REST v1 client. Cheap to clone; clones share the session.
///
/// ```no_run
/// # async fn demo(transport: omnivirt_http::SharedTransport) -> omnivirt_core::Result<()> {
/// use omnivirt_zstack::query::{Condition, Query};
/// use omnivirt_zstack::{Credentials, ZStackClient};
///
/// let zs = ZStackClient::new(
///     "http://mn.example:8080/zstack/v1",
///     transport,
///     Credentials::account("admin", "password"),
/// );
/// let running = zs.query_vms(&Query::new().filter(Condition::eq("state", "Running"))).await?;
/// for uuid in running.items.iter().filter_map(|vm| vm.uuid.as_deref()) {
///     let job = zs.stop_vm(uuid, omnivirt_zstack::StopType::Grace).await?;
///     zs.wait(&job, ZStackClient::default_wait()).await?;
/// }
/// zs.close().await?; // logs out
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ZStackClient {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for ZStackClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZStackClient")
            .field("base", &self.inner.base)
            .finish_non_exhaustive()
    }
}

impl ZStackClient {
    /// A client for `base_url` (`http://mn:8080/zstack/v1`) over `transport` (the network, a
    /// cassette or the simulator), logging in with `credentials` on first use. No retry and no
    /// timeout layers are added; use [`ZStackClient::builder`] for those.
    pub fn new(
        base_url: impl Into<String>,
        transport: SharedTransport,
        credentials: Credentials,
    ) -> Self {
        let base = base_url.into().trim_end_matches('/').to_owned();
        let stack = HttpStack::builder(transport)
            .retry(RetryPolicy::never())
            .timeouts(Timeouts::none());
        Self::assemble(base, stack, credentials)
    }

    /// A builder for real use: TLS, retry, timeouts.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base: base_url.into().trim_end_matches('/').to_owned(),
            credentials: None,
            settings: ConnectionSettings::default(),
        }
    }

    fn assemble(base: String, stack: HttpStackBuilder, credentials: Credentials) -> Self {
        let mut stack = stack.auth(Arc::new(ZStackAuth {
            base: base.clone(),
            credentials: credentials.clone(),
        }));
        if let Credentials::Session(s) = &credentials {
            stack = stack.session(Session::new(s.clone()));
        }
        ZStackClient {
            inner: Arc::new(Inner {
                base,
                transport: stack.build(),
            }),
        }
    }

    /// The API base URL (`.../zstack/v1`).
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    fn url(&self, path: &str, query: &[(String, String)]) -> String {
        let path = path.trim_start_matches('/');
        let mut url = String::with_capacity(self.inner.base.len() + path.len() + 64);
        url.push_str(&self.inner.base);
        url.push('/');
        url.push_str(path);
        let pairs = query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        omnivirt_http::push_query(&mut url, pairs, omnivirt_http::Space::Plus);
        url
    }

    /// Sends one API request: `method` on `<base>/<path>` with `query` (GET/DELETE parameters)
    /// and `body` (the POST/PUT body with its wrapper key, e.g.
    /// `{"startVmInstance": {...}}`). 200/204 give [`Reply::Done`], 202 gives
    /// [`Reply::Accepted`]; anything else is an error.
    ///
    /// The escape hatch for any of the API's actions this crate has no method for.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        op: Option<Op>,
    ) -> Result<Reply> {
        self.send(method, path, query, body, op, true).await
    }

    /// The one send path behind [`ZStackClient::request`], the typed actions and
    /// [`crate::api`]: `with_session` false sends no `Authorization` and logs nobody in (the
    /// 30 session-less APIs: logins, logout, version...). Only GETs are marked idempotent, so
    /// the retry layer never repeats an action.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        op: Option<Op>,
        with_session: bool,
    ) -> Result<Reply> {
        match self
            .send_raw(method, path, query, body, op, with_session)
            .await?
        {
            RawReply::Accepted(job) => Ok(Reply::Accepted(job)),
            RawReply::Done(bytes) => decode_json(&bytes).map(Reply::Done).map_err(|e| {
                let e = Error::protocol(format!(
                    "/{}: the answer is not JSON: {e}",
                    path.trim_start_matches('/')
                ))
                .with_vendor(VENDOR);
                match op {
                    Some(op) => e.with_op(op),
                    None => e,
                }
            }),
        }
    }

    /// [`ZStackClient::send`] without decoding a finished answer: its body as it came, for a
    /// caller that decodes it straight into its own type (a query page), not through a `Value`.
    pub(crate) async fn send_raw(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        op: Option<Op>,
        with_session: bool,
    ) -> Result<RawReply> {
        let idempotent = method == Method::GET;
        let mut req = Request::new(method, self.url(path, query))
            .vendor(VENDOR)
            .idempotent(idempotent);
        if !with_session {
            req = req.skip_auth();
        }
        if let Some(b) = body {
            req = req.json(b)?;
        }
        if let Some(op) = op {
            req = req.op(op);
        }
        let shown = format!("/{}", path.trim_start_matches('/'));
        tracing::debug!(vendor = VENDOR, path = %shown, "zstack call");
        let resp = self.inner.transport.send(req).await?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await?;
        let with_op = |e: Error| match op {
            Some(op) => e.with_op(op),
            None => e,
        };
        match status {
            202 => {
                let acc: Accepted = serde_json::from_slice(&bytes).map_err(|e| {
                    with_op(
                        Error::protocol(format!("{shown}: a 202 without a job location: {e}"))
                            .with_vendor(VENDOR),
                    )
                })?;
                let uuid = job_uuid_of(&acc.location).ok_or_else(|| {
                    with_op(
                        Error::protocol(format!(
                            "{shown}: the job location `{}` names no api-job",
                            omnivirt_http::redact_url(&acc.location)
                        ))
                        .with_vendor(VENDOR),
                    )
                })?;
                Ok(RawReply::Accepted(Job {
                    uuid,
                    api_timeout_ms: acc.api_timeout,
                }))
            }
            200..=299 => Ok(RawReply::Done(bytes)),
            _ => Err(with_op(parse_error(status, &bytes))),
        }
    }

    /// `GET /accounts/sessions/{uuid}/valid` for the current session (logging in first if
    /// needed): `true` while it is alive.
    pub async fn session_valid(&self, session_uuid: &Secret) -> Result<bool> {
        let req = Request::get(format!(
            "{}/accounts/sessions/{}/valid",
            self.inner.base,
            session_uuid.expose()
        ))
        .vendor(VENDOR)
        .idempotent(true)
        .skip_auth();
        let resp = self.inner.transport.send(req).await?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await?;
        if !(200..300).contains(&status) {
            return Err(parse_error(status, &bytes));
        }
        let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
            Error::protocol(format!("/accounts/sessions/.../valid: {e}")).with_vendor(VENDOR)
        })?;
        Ok(v["valid"].as_bool().unwrap_or(false))
    }

    /// Logs out (`DELETE /accounts/sessions/{uuid}`) if this client logged in. Idempotent.
    pub async fn close(&self) -> Result<()> {
        self.inner.transport.close().await
    }
}

/// The job uuid in a 202 `location` (`http://<mn>/zstack/v1/api-jobs/<uuid>`). The host part
/// may be the management node's internal address, so only the uuid is kept and the job is
/// polled on the configured base URL, as the Java and Go SDKs do.
pub(crate) fn job_uuid_of(location: &str) -> Option<String> {
    let (_, rest) = location.split_once("/api-jobs/")?;
    let uuid = rest.split(['?', '#', '/']).next()?.trim();
    (!uuid.is_empty()).then(|| uuid.to_owned())
}

/// Builds a [`ZStackClient`] with the standard HTTP stack
/// (trace -> deadline -> retry -> auth -> per-attempt timeout -> transport).
#[must_use]
pub struct ClientBuilder {
    base: String,
    credentials: Option<Credentials>,
    settings: ConnectionSettings,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base", &self.base)
            .field("credentials", &self.credentials)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// How to authenticate.
    pub fn credentials(mut self, c: Credentials) -> Self {
        self.credentials = Some(c);
        self
    }
    /// All connection settings at once (TLS, timeouts, retry, user agent, transport); the URL
    /// stays the one given to [`ZStackClient::builder`].
    pub fn connection(mut self, settings: ConnectionSettings) -> Self {
        self.settings = settings;
        self
    }
    /// Sends through this transport instead of a new HTTPS client (a cassette, the simulator).
    pub fn transport(mut self, t: SharedTransport) -> Self {
        self.settings = self.settings.transport(t);
        self
    }
    /// CA bundle (PEM) trusted beside the built-in roots.
    pub fn ca_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.settings = self.settings.ca_file(path);
        self
    }
    /// Turns TLS verification off (logs a warning). Only for labs.
    pub fn insecure(mut self, yes: bool) -> Self {
        self.settings = self.settings.insecure(yes);
        self
    }
    /// TLS options (CA file, insecure opt-in).
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.settings = self.settings.tls(tls);
        self
    }
    /// Retry policy (queries and job polls are retried; actions never are).
    pub fn retry(mut self, p: RetryPolicy) -> Self {
        self.settings = self.settings.retry(p);
        self
    }
    /// Limit for one request attempt (default 60 s).
    pub fn timeout(mut self, d: std::time::Duration) -> Self {
        self.settings = self.settings.timeout(d);
        self
    }
    /// Limit for opening a connection (default 10 s).
    pub fn connect_timeout(mut self, d: std::time::Duration) -> Self {
        self.settings = self.settings.connect_timeout(d);
        self
    }
    /// Per-attempt and overall limits.
    pub fn timeouts(mut self, t: Timeouts) -> Self {
        self.settings = self.settings.timeouts(t);
        self
    }
    /// The client; `Config` error without credentials, TLS errors from the HTTP layer.
    pub fn build(self) -> Result<ZStackClient> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                "ZStack needs an account name and password, or a session id",
            )
            .with_vendor(VENDOR)
        })?;
        let stack = self.settings.stack()?;
        Ok(ZStackClient::assemble(self.base, stack, credentials))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha512_of_the_default_password() {
        // AccountConstant.INITIAL_SYSTEM_ADMIN_PASSWORD, as in the shared login sample.
        assert_eq!(
            password_hash("password"),
            "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86"
        );
    }

    #[test]
    fn job_locations() {
        assert_eq!(
            job_uuid_of("http://localhost:8989/v1/api-jobs/d0345d3ddcae485f8170572b15a2b581")
                .as_deref(),
            Some("d0345d3ddcae485f8170572b15a2b581")
        );
        assert_eq!(
            job_uuid_of("http://10.0.0.1:8080/zstack/v1/api-jobs/abc?x=1").as_deref(),
            Some("abc")
        );
        assert_eq!(job_uuid_of("http://h/zstack/v1/zones/1"), None);
        assert_eq!(job_uuid_of("http://h/zstack/v1/api-jobs/"), None);
    }

    #[test]
    fn credentials_never_print() {
        let c = Credentials::account("admin", "hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(!format!("{:?}", Credentials::session("s3cr3t")).contains("s3cr3t"));
    }
}
