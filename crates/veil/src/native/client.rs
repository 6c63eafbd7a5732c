//! The VeiL client: JWT auth, default headers and query, request helpers.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use omnivirt_core::{Error, ErrorKind, Op, Result};
use omnivirt_http::{
    AuthHook, ConnectionSettings, HttpStack, HttpStackBuilder, Request, Response, RetryPolicy,
    Secret, Session, SharedTransport, Timeouts, TlsOptions, Transport,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::VENDOR;
use crate::error::parse_error;
use crate::wire::{Accepted, TokenAnswer};

/// How the client authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// An integration token made in the VeiL UI, bare (`eyJ...`) or with its `jwt ` prefix.
    Token(Secret),
    /// Interactive login: `POST /auth/` with these, `POST /logout/` on close; logs in again
    /// once when a token is refused.
    Password {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
        /// Log in through the controller's LDAP.
        ldap: bool,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Token(_) => f.write_str("Token(***)"),
            Credentials::Password { username, ldap, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"***")
                .field("ldap", ldap)
                .finish(),
        }
    }
}

impl Credentials {
    /// An integration token.
    pub fn token(t: impl Into<Secret>) -> Self {
        Credentials::Token(t.into())
    }

    /// A local user.
    pub fn password(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::Password {
            username: username.into(),
            password: password.into(),
            ldap: false,
        }
    }

    /// An LDAP user.
    pub fn ldap(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::Password {
            username: username.into(),
            password: password.into(),
            ldap: true,
        }
    }
}

/// The `Authorization` value for a token: `jwt <token>`, keeping a prefix the caller already
/// wrote (any case, as the Python client accepts).
pub fn authorization_value(token: &str) -> String {
    let t = token.trim();
    if t.len() > 4 && t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("jwt ")) {
        t.to_owned()
    } else {
        format!("jwt {t}")
    }
}

#[derive(Serialize)]
struct LoginBody<'a> {
    username: &'a str,
    password: &'a str,
    ldap: bool,
}

/// Logs in with `POST <root>/auth/` and puts `jwt <token>` in `Authorization`.
#[derive(Debug)]
struct VeilAuth {
    root: String,
    credentials: Credentials,
}

#[async_trait]
impl AuthHook for VeilAuth {
    async fn login(&self, inner: &dyn Transport) -> Result<Session> {
        let Credentials::Password {
            username,
            password,
            ldap,
        } = &self.credentials
        else {
            return Err(Error::new(
                ErrorKind::Unauthenticated,
                "the VeiL token was refused (expired or revoked) and no username/password is \
                 configured to log in again",
            )
            .with_vendor(VENDOR));
        };
        let body = LoginBody {
            username,
            password: password.expose(),
            ldap: *ldap,
        };
        let req = Request::post(format!("{}/auth/", self.root))
            .json(&body)?
            .vendor(VENDOR)
            .skip_auth();
        let resp = inner.send(req).await?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await?;
        if !(200..300).contains(&status) {
            let e = parse_error(status, &bytes, "/auth/");
            return Err(if matches!(status, 400 | 401 | 403) {
                e.with_kind(ErrorKind::Unauthenticated)
            } else {
                e
            });
        }
        let t: TokenAnswer = serde_json::from_slice(&bytes).map_err(|e| {
            Error::protocol(format!("/auth/: the answer has no token: {e}")).with_vendor(VENDOR)
        })?;
        Ok(Session::new(t.token))
    }

    fn apply(&self, session: &Session, req: &mut Request) -> Result<()> {
        let value = authorization_value(session.token.expose());
        *req = req.clone().secret_header("Authorization", &value)?;
        Ok(())
    }

    fn is_expired(&self, resp: &Response) -> bool {
        // VeiL answers an expired signature with 401 or 403 ("Signature has expired.").
        // Re-logging in on a 403 is one wasted login at most when the user truly lacks rights.
        // A token cannot log in again: its refusal goes back to the caller as the server wrote
        // it (detail, status, code), not as a login that could not happen.
        matches!(self.credentials, Credentials::Password { .. })
            && matches!(
                resp.status,
                http::StatusCode::UNAUTHORIZED | http::StatusCode::FORBIDDEN
            )
    }

    async fn logout(&self, inner: &dyn Transport, session: &Session) -> Result<()> {
        if !matches!(self.credentials, Credentials::Password { .. }) {
            // An integration token is not ours to revoke.
            return Ok(());
        }
        let req = Request::post(format!("{}/logout/", self.root))
            .vendor(VENDOR)
            .skip_auth()
            .secret_header(
                "Authorization",
                &authorization_value(session.token.expose()),
            )?;
        let resp = inner.send(req).await?;
        if !resp.status.is_success() {
            tracing::debug!(vendor = VENDOR, status = %resp.status, "logout refused");
        }
        Ok(())
    }
}

/// Whether POSTs carry an `idempotency_key` (the Python client always adds a fresh UUID4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum IdempotencyKeys {
    /// A fresh random UUID4 per request (the default, like the Python client).
    #[default]
    Random,
    /// No key (for replaying recorded cassettes, whose bodies must match exactly).
    Off,
}

/// A random UUID4 text (the client needs them for `idempotency_key` and `domains_ids`).
pub fn new_uuid4() -> String {
    let mut b = [0u8; 16];
    for x in &mut b {
        *x = fastrand::u8(..);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub(crate) struct Inner {
    pub(crate) api: String,
    pub(crate) transport: SharedTransport,
    pub(crate) keys: IdempotencyKeys,
    pub(crate) language: Option<String>,
}

/// A VeiL ECP client. Cheap to clone; clones share the session.
///
/// Every request carries the vendor's default headers and `async=1`, so actions answer 202 with
/// a task ([`Accepted`]); follow it with [`Tasks::wait`](super::Tasks::wait).
#[derive(Clone)]
pub struct VeilClient {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for VeilClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VeilClient")
            .field("api", &self.inner.api)
            .field("idempotency_keys", &self.inner.keys)
            .finish_non_exhaustive()
    }
}

/// The API base for a controller URL: `https://ctrl` -> `https://ctrl/api`; a URL already ending
/// in `/api` is kept. Returns `(root, api)`.
pub fn split_base(url: &str) -> Result<(String, String)> {
    let url = url.trim().trim_end_matches('/');
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(Error::new(
            ErrorKind::Config,
            format!("VeiL url `{url}` needs a scheme (https://controller)"),
        )
        .with_vendor(VENDOR));
    };
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.starts_with('/') {
        return Err(Error::new(
            ErrorKind::Config,
            format!("VeiL url `{url}` must be https://host[:port][/path]"),
        )
        .with_vendor(VENDOR));
    }
    match url.strip_suffix("/api") {
        Some(root) => Ok((root.to_owned(), url.to_owned())),
        None => Ok((url.to_owned(), format!("{url}/api"))),
    }
}

impl VeilClient {
    /// A client for the controller at `url` (`https://ctrl`, or the API base
    /// `https://ctrl/api`) over `transport` (the network, a cassette or the simulator). No retry
    /// and no timeout layers are added; use [`VeilClient::builder`] for those.
    pub fn new(url: &str, transport: SharedTransport, credentials: Credentials) -> Result<Self> {
        let stack = HttpStack::builder(transport)
            .retry(RetryPolicy::never())
            .timeouts(Timeouts::none());
        Self::assemble(url, stack, credentials, IdempotencyKeys::Random, None)
    }

    /// A builder for real use: TLS, retry, timeouts.
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            url: url.into(),
            credentials: None,
            settings: ConnectionSettings::default(),
            keys: IdempotencyKeys::Random,
            language: None,
        }
    }

    fn assemble(
        url: &str,
        stack: HttpStackBuilder,
        credentials: Credentials,
        keys: IdempotencyKeys,
        language: Option<String>,
    ) -> Result<Self> {
        let (root, api) = split_base(url)?;
        // Held as a URL parser writes it (host lower-cased, default port dropped), so a path
        // appended to it needs no second parse per request (see `request_url`).
        let api = url::Url::parse(&api)
            .map(|u| u.as_str().trim_end_matches('/').to_owned())
            .map_err(|e| {
                Error::new(
                    ErrorKind::Config,
                    format!("bad VeiL URL {}: {e}", omnivirt_http::redact_url(&api)),
                )
                .with_vendor(VENDOR)
            })?;
        let token = match &credentials {
            Credentials::Token(t) => Some(t.clone()),
            Credentials::Password { .. } => None,
        };
        let hook = Arc::new(VeilAuth { root, credentials });
        let mut stack = stack.auth(hook);
        if let Some(t) = token {
            stack = stack.session(Session::new(t));
        }
        Ok(VeilClient {
            inner: Arc::new(Inner {
                api,
                transport: stack.build(),
                keys,
                language,
            }),
        })
    }

    /// This client without idempotency keys in POST bodies (shares the session).
    pub fn without_idempotency_keys(&self) -> Self {
        VeilClient {
            inner: Arc::new(Inner {
                api: self.inner.api.clone(),
                transport: self.inner.transport.clone(),
                keys: IdempotencyKeys::Off,
                language: self.inner.language.clone(),
            }),
        }
    }

    /// True if both handles share one session (clones of one client).
    pub fn same_session(&self, other: &VeilClient) -> bool {
        Arc::ptr_eq(&self.inner.transport, &other.inner.transport)
    }

    /// The API base, e.g. `https://ctrl/api`.
    pub fn api_url(&self) -> &str {
        &self.inner.api
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.inner.api, path.trim_start_matches('/'))
    }

    /// `<api>/<path>?async=1&<query>`: later pairs win over earlier ones of the same key, as
    /// in the Python client (`async=0` turns tasks off), and a trailing comma is dropped from
    /// each value (the server rejects it). A path of URL-safe characters without dot segments
    /// (ids, collection names) is appended as it is; anything else goes through a URL parser,
    /// which percent-encodes it and resolves dot segments.
    fn request_url(&self, path: &str, query: &[(String, String)]) -> Result<String> {
        let mut pairs: Vec<(&str, &str)> = vec![("async", "1")];
        for (k, v) in query {
            pairs.retain(|(pk, _)| pk != k);
            pairs.push((k, v.trim_end_matches(',')));
        }
        let path = path.trim_start_matches('/');
        let plain = path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_~/".contains(&b) || b == b'.')
            && !path.starts_with('.')
            && !path.contains("/.");
        if plain {
            let mut url = String::with_capacity(self.inner.api.len() + path.len() + 32);
            url.push_str(&self.inner.api);
            url.push('/');
            url.push_str(path);
            omnivirt_http::push_query(&mut url, pairs, omnivirt_http::Space::Plus);
            return Ok(url);
        }
        let raw = self.url(path);
        let mut u = url::Url::parse(&raw).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("bad VeiL URL {}: {e}", omnivirt_http::redact_url(&raw)),
            )
            .with_vendor(VENDOR)
        })?;
        u.query_pairs_mut().extend_pairs(pairs);
        Ok(u.into())
    }

    fn decorate(&self, req: Request) -> Result<Request> {
        req.vendor(VENDOR)
            .header("Accept", "application/json")?
            .header("Accept-Charset", "utf-8")?
            .header(
                "Accept-Language",
                self.inner.language.as_deref().unwrap_or("en"),
            )
    }

    /// Sends one request to `path` (relative to `/api/`, ending in `/`) and returns the raw
    /// response when it is a success (200, 201, 202, 204); anything else is a typed error.
    pub async fn send(
        &self,
        method: http::Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&serde_json::Value>,
        op: Option<Op>,
    ) -> Result<Response> {
        let mut req = Request::new(method.clone(), self.request_url(path, query)?);
        if let Some(b) = body {
            let mut b = b.clone();
            if method == http::Method::POST
                && self.inner.keys == IdempotencyKeys::Random
                && let Some(obj) = b.as_object_mut()
            {
                obj.insert("idempotency_key".into(), new_uuid4().into());
            }
            req = req.json(&b)?;
        } else {
            req = req.header("Content-Type", "application/json")?;
        }
        let idempotent = matches!(method, http::Method::GET | http::Method::PUT);
        let mut req = self.decorate(req)?.idempotent(idempotent);
        if let Some(op) = op {
            req = req.op(op);
        }
        let resp = self.inner.transport.send(req).await?;
        let status = resp.status.as_u16();
        if matches!(status, 200 | 201 | 202 | 204) {
            return Ok(resp);
        }
        let bytes = resp.bytes().await?;
        let mut err = parse_error(status, &bytes, &format!("/api/{}", path));
        if let Some(op) = op {
            err = err.with_op(op);
        }
        Err(err)
    }

    /// Sends one request and decodes the success body as JSON (`null` when empty). The one
    /// non-generic path the typed methods share; [`typed`] turns its answer into a typed object.
    pub async fn call(
        &self,
        method: http::Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&serde_json::Value>,
        op: Option<Op>,
    ) -> Result<serde_json::Value> {
        let resp = self.send(method, path, query, body, op).await?;
        decode(path, resp).await
    }

    /// `GET <path>` decoded as `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
        op: Option<Op>,
    ) -> Result<T> {
        let resp = self.send(http::Method::GET, path, query, None, op).await?;
        decode(path, resp).await
    }

    /// `POST <path>` with `body`, expecting a 202 with a task.
    ///
    /// Two documented quirks are success without a task, as the vendor's own client takes them:
    /// `202 {}` and `204` with no body ([`Accepted::task`] is `None`; the caller converges on the
    /// expected state instead). Any other answer without `_task` is a `Protocol` error.
    pub async fn post_action(
        &self,
        path: &str,
        body: Option<&serde_json::Value>,
        op: Option<Op>,
    ) -> Result<Accepted> {
        let resp = self.send(http::Method::POST, path, &[], body, op).await?;
        let status = resp.status.as_u16();
        let v: serde_json::Value = decode(path, resp).await?;
        if no_task_quirk(status, &v) {
            tracing::debug!(
                vendor = VENDOR,
                status,
                path,
                "action accepted without a task"
            );
            return Ok(Accepted {
                task: None,
                entity: None,
            });
        }
        if v.get("_task").is_none_or(serde_json::Value::is_null) {
            return Err(Error::protocol(format!(
                "/api/{path}: HTTP {status} without the `_task` an asynchronous action answers"
            ))
            .with_vendor(VENDOR));
        }
        serde_json::from_value(v).map_err(|e| {
            Error::protocol(format!("/api/{path}: a malformed task: {e}")).with_vendor(VENDOR)
        })
    }

    /// `PUT <path>` with `body`, decoded as JSON (`null` when the body is empty).
    pub async fn put(
        &self,
        path: &str,
        body: Option<&serde_json::Value>,
        op: Option<Op>,
    ) -> Result<serde_json::Value> {
        let resp = self.send(http::Method::PUT, path, &[], body, op).await?;
        decode(path, resp).await
    }

    /// Checks the token now (otherwise the first call does): `GET controllers/check/`.
    pub async fn check(&self) -> Result<()> {
        self.send(http::Method::GET, "controllers/check/", &[], None, None)
            .await
            .map(|_| ())
    }

    /// The controller version, `GET controllers/base-version/`.
    pub async fn base_version(&self) -> Result<String> {
        let v: crate::wire::BaseVersion = self.get("controllers/base-version/", &[], None).await?;
        Ok(v.version)
    }

    /// Logs out (password sessions) and releases the transport.
    pub async fn close(&self) -> Result<()> {
        self.inner.transport.close().await
    }
}

/// The documented answers to an action that mean "done, no task to follow": `202 {}` and `204`
/// with no body (decoded as `null`).
pub(crate) fn no_task_quirk(status: u16, v: &serde_json::Value) -> bool {
    match status {
        202 => v.as_object().is_some_and(serde_json::Map::is_empty),
        204 => v.is_null(),
        _ => false,
    }
}

/// Decodes an answer of `path` as `T`; a mismatch is a `Protocol` error naming the path.
pub fn typed<T: DeserializeOwned>(path: &str, v: serde_json::Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| {
        Error::protocol(format!(
            "/api/{path}: the answer is not the expected object: {e}"
        ))
        .with_vendor(VENDOR)
    })
}

/// Decodes a success body; an empty body (204) decodes as JSON `null`, and a non-JSON body
/// (HTML while the controller starts) is a `Protocol` error naming the path.
pub(crate) async fn decode<T: DeserializeOwned>(path: &str, resp: Response) -> Result<T> {
    let bytes = resp.bytes().await?;
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &bytes
    };
    omnivirt_http::json_from_bytes(bytes).map_err(|e| {
        Error::protocol(format!(
            "/api/{path}: the answer is not the expected JSON: {e}"
        ))
        .with_vendor(VENDOR)
    })
}

/// Builds a [`VeilClient`] with the standard HTTP stack
/// (trace -> deadline -> retry -> auth -> per-attempt timeout -> transport). Retry repeats only
/// GET and PUT; action POSTs are never silently repeated.
#[must_use]
pub struct ClientBuilder {
    url: String,
    credentials: Option<Credentials>,
    settings: ConnectionSettings,
    keys: IdempotencyKeys,
    language: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &self.url)
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
    /// stays the one given to [`VeilClient::builder`].
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
    /// Retry policy (GET and PUT are retried; action POSTs never are).
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
    /// Idempotency keys in POST bodies.
    pub fn idempotency_keys(mut self, k: IdempotencyKeys) -> Self {
        self.keys = k;
        self
    }
    /// `Accept-Language` (`en` by default; `ru` for Russian messages).
    pub fn language(mut self, l: impl Into<String>) -> Self {
        self.language = Some(l.into());
        self
    }
    /// The client; `Config` error without credentials or with a bad URL.
    pub fn build(self) -> Result<VeilClient> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                "VeiL needs a token, or a username and password",
            )
            .with_vendor(VENDOR)
        })?;
        let stack = self.settings.stack()?;
        VeilClient::assemble(&self.url, stack, credentials, self.keys, self.language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_prefix() {
        assert_eq!(authorization_value("abc"), "jwt abc");
        assert_eq!(authorization_value("JWT abc"), "JWT abc");
        assert_eq!(authorization_value("jwt abc"), "jwt abc");
        // Not a char boundary at byte 4: no panic, just a prefix.
        assert_eq!(authorization_value("aéé"), "jwt aéé");
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            split_base("https://c/").unwrap(),
            ("https://c".into(), "https://c/api".into())
        );
        assert_eq!(
            split_base("https://c/veil/api").unwrap(),
            ("https://c/veil".into(), "https://c/veil/api".into())
        );
        assert_eq!(split_base("c").unwrap_err().kind(), ErrorKind::Config);
        assert_eq!(split_base("ftp://c").unwrap_err().kind(), ErrorKind::Config);
    }

    #[derive(Debug)]
    struct Unused;

    #[async_trait::async_trait]
    impl omnivirt_http::Transport for Unused {
        async fn send(&self, _req: Request) -> Result<Response> {
            Err(Error::new(ErrorKind::Transport, "not for sending"))
        }
    }

    fn client(url: &str) -> VeilClient {
        VeilClient::new(url, Arc::new(Unused), Credentials::token("t")).unwrap()
    }

    #[test]
    fn request_urls_are_what_a_url_parser_writes() {
        let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect()
        };
        for base in [
            "https://ctrl",
            "https://CTRL:443/veil/",
            "http://127.0.0.1:8080",
        ] {
            let c = client(base);
            for (path, query) in [
                ("domains/", q(&[])),
                (
                    "/domains/0b5c-9a/",
                    q(&[("fields", "id,verbose_name,"), ("async", "0")]),
                ),
                (
                    "domains/",
                    q(&[("name", "web 1 ü&x=y"), ("ordering", "-created")]),
                ),
                ("domains/a b/", q(&[])),
                ("domains/../users/", q(&[])),
                ("domains/./x/", q(&[("limit", "2")])),
                (".hidden/", q(&[])),
                ("domains/%2e%2e/", q(&[])),
            ] {
                let mut want = url::Url::parse(&c.url(path)).unwrap();
                {
                    let mut pairs = vec![("async".to_owned(), "1".to_owned())];
                    for (k, v) in &query {
                        pairs.retain(|(pk, _)| pk != k);
                        pairs.push((k.clone(), v.trim_end_matches(',').to_owned()));
                    }
                    want.query_pairs_mut().extend_pairs(pairs);
                }
                assert_eq!(
                    c.request_url(path, &query).unwrap(),
                    want.as_str(),
                    "{base} {path}"
                );
            }
        }
        assert_eq!(
            client("https://CTRL:443/")
                .request_url("domains/", &[])
                .unwrap(),
            "https://ctrl/api/domains/?async=1"
        );
    }

    #[test]
    fn uuid4_shape() {
        let u = new_uuid4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(new_uuid4(), u);
    }

    #[test]
    fn credentials_never_print() {
        let c = Credentials::password("u", "hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(!format!("{:?}", Credentials::token("tok")).contains("tok"));
    }
}
