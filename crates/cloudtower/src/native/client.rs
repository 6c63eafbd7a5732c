//! The CloudTower client: login, headers, one POST per operation.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use omnivirt_core::{Error, ErrorKind, Op, Result};
use omnivirt_http::{
    AuthHook, ConnectionSettings, HttpStack, HttpStackBuilder, Request, Response, RetryPolicy,
    Secret, Session, SharedTransport, Timeouts, TlsOptions, Transport,
};
use serde::Serialize;
use serde::de::{DeserializeOwned, DeserializeSeed};

use crate::VENDOR;
use crate::error::parse_error;
use crate::generated::types::LoginResponse;
use crate::wire::{UserSource, WithTask};

/// The `content-language` header: which language human-readable text comes back in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Language {
    /// English (the server's default).
    #[default]
    EnUs,
    /// Simplified Chinese.
    ZhCn,
    /// Every language: localised fields become JSON strings of `{lang: text}`.
    All,
}

impl Language {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::EnUs => "en-US",
            Language::ZhCn => "zh-CN",
            Language::All => "*",
        }
    }
}

/// How the client authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// `POST /login` with these; logs in again once if a token is refused.
    Password {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
        /// Account source (`LOCAL` by default).
        source: UserSource,
        /// Authn strategy id, with `source: AUTHN`.
        auth_config_id: Option<String>,
    },
    /// A token from an earlier login, or an API key; sent as is.
    Token(Secret),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Password {
                username, source, ..
            } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"***")
                .field("source", source)
                .finish(),
            Credentials::Token(_) => f.write_str("Token(***)"),
        }
    }
}

impl Credentials {
    /// A local user.
    pub fn password(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::Password {
            username: username.into(),
            password: password.into(),
            source: UserSource::Local,
            auth_config_id: None,
        }
    }

    /// A user from another source (`LDAP`, `AUTHN` with a strategy id, ...).
    pub fn with_source(self, source: UserSource, auth_config_id: Option<String>) -> Self {
        match self {
            Credentials::Password {
                username, password, ..
            } => Credentials::Password {
                username,
                password,
                source,
                auth_config_id,
            },
            other => other,
        }
    }

    /// A token or API key.
    pub fn token(token: impl Into<Secret>) -> Self {
        Credentials::Token(token.into())
    }
}

#[derive(Serialize)]
struct LoginBody<'a> {
    username: &'a str,
    password: &'a str,
    source: &'a UserSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_config_id: Option<&'a str>,
}

/// Logs in with `POST /login` and puts the raw token in `Authorization`.
#[derive(Debug)]
struct TowerAuth {
    base: String,
    credentials: Credentials,
}

impl TowerAuth {
    /// The GraphQL root next to the API base (`https://tower/v2/api` -> `https://tower/api`),
    /// keeping the scheme the caller chose.
    fn graphql_url(&self) -> String {
        let root = self.base.strip_suffix("/v2/api").unwrap_or(&self.base);
        format!("{root}/api")
    }

    /// LDAP users log in through an authn strategy on current towers: ask the GraphQL endpoint
    /// for the LDAP strategy and log in with `source: AUTHN`. A tower that does not answer the
    /// query (older versions) gets the legacy `source: LDAP`. A network failure is an error, not
    /// a silent fallback.
    async fn discover_ldap(&self, inner: &dyn Transport) -> Result<(UserSource, Option<String>)> {
        let body = serde_json::json!({"query": "{authnStrategies{id type}}", "variables": {}});
        let req = Request::post(self.graphql_url())
            .json(&body)?
            .vendor(VENDOR)
            .idempotent(true)
            .skip_auth();
        let resp = inner.send(req).await?;
        let ok = resp.status.is_success();
        let bytes = resp.bytes().await?;
        let found = ok
            .then(|| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .flatten()
            .and_then(|v| {
                v["data"]["authnStrategies"].as_array().and_then(|list| {
                    list.iter()
                        .find(|s| s["type"].as_str() == Some("LDAP"))
                        .and_then(|s| s["id"].as_str().map(str::to_owned))
                })
            });
        Ok(match found {
            Some(id) => (UserSource::Authn, Some(id)),
            None => {
                tracing::debug!(vendor = VENDOR, "no LDAP authn strategy; using source LDAP");
                (UserSource::Ldap, None)
            }
        })
    }
}

#[async_trait]
impl AuthHook for TowerAuth {
    async fn login(&self, inner: &dyn Transport) -> Result<Session> {
        let Credentials::Password {
            username,
            password,
            source,
            auth_config_id,
        } = &self.credentials
        else {
            return Err(Error::new(
                ErrorKind::Unauthenticated,
                "the CloudTower token was refused and no username/password is configured to log in again",
            )
            .with_vendor(VENDOR));
        };
        let (source, auth_config_id) = match (source, auth_config_id) {
            (UserSource::Ldap, None) => self.discover_ldap(inner).await?,
            (s, id) => (s.clone(), id.clone()),
        };
        let body = LoginBody {
            username,
            password: password.expose(),
            source: &source,
            auth_config_id: auth_config_id.as_deref(),
        };
        let req = Request::post(format!("{}/login", self.base))
            .json(&body)?
            .vendor(VENDOR)
            .skip_auth();
        let resp = inner.send(req).await?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await?;
        if !(200..300).contains(&status) {
            let e = parse_error(status, &bytes, "/login");
            // A refused login is a credentials problem whatever status the server picked.
            return Err(if status == 400 || status == 401 || status == 403 {
                e.with_kind(ErrorKind::Unauthenticated)
            } else {
                e
            });
        }
        let no_token = |why: String| {
            Error::protocol(format!("/login: the answer has no data.token{why}"))
                .with_vendor(VENDOR)
        };
        let parsed: WithTask<LoginResponse> =
            serde_json::from_slice(&bytes).map_err(|e| no_token(format!(": {e}")))?;
        let token = parsed.data.token.ok_or_else(|| no_token(String::new()))?;
        Ok(Session::new(token))
    }

    fn apply(&self, session: &Session, req: &mut Request) -> Result<()> {
        let value = http::HeaderValue::from_str(session.token.expose()).map_err(|_| {
            Error::new(
                ErrorKind::Unauthenticated,
                "the token is not a valid header value",
            )
            .with_vendor(VENDOR)
        })?;
        let mut value = value;
        value.set_sensitive(true);
        req.headers.insert(http::header::AUTHORIZATION, value);
        Ok(())
    }
}

pub(crate) struct Inner {
    pub(crate) base: String,
    pub(crate) transport: SharedTransport,
}

/// A CloudTower API client. Cheap to clone; clones share the session.
///
/// ```no_run
/// # async fn demo(transport: omnivirt_http::SharedTransport) -> omnivirt_core::Result<()> {
/// use omnivirt_cloudtower::{CloudTowerClient, Credentials};
/// use omnivirt_cloudtower::filter::VmWhere;
/// use omnivirt_cloudtower::query::Query;
///
/// let tower = CloudTowerClient::new(
///     "https://tower.example/v2/api",
///     transport,
///     Credentials::password("admin", "secret"),
/// );
/// let running = tower.vms().list(Query::new(VmWhere::new().name().contains("web"))).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CloudTowerClient {
    pub(crate) inner: Arc<Inner>,
    pub(crate) language: Option<Language>,
    pub(crate) lock_retry: Option<LockRetry>,
}

/// An API key: `key` authenticates like a login token and never prints.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiKey {
    /// Its id.
    pub id: String,
    /// The key itself.
    pub key: Secret,
}

/// Resending a mutation the server refused with `ResourceLocked` (another task holds the VM or
/// volume). The refusal means nothing was done, so the resend is safe; off by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockRetry {
    /// Resends at most this many times.
    pub attempts: u32,
    /// Waits this long before each resend.
    pub delay: std::time::Duration,
}

impl LockRetry {
    /// `attempts` resends, `delay` apart.
    pub fn new(attempts: u32, delay: std::time::Duration) -> Self {
        LockRetry { attempts, delay }
    }
}

impl fmt::Debug for CloudTowerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudTowerClient")
            .field("base", &self.inner.base)
            .field("language", &self.language)
            .field("lock_retry", &self.lock_retry)
            .finish_non_exhaustive()
    }
}

impl CloudTowerClient {
    /// A client for `base_url` (`https://tower/v2/api`) over `transport` (the network, a
    /// cassette or the simulator), logging in with `credentials` on first use. No retry and no
    /// timeout layers are added; use [`CloudTowerClient::builder`] for those.
    pub fn new(
        base_url: impl Into<String>,
        transport: SharedTransport,
        credentials: Credentials,
    ) -> Self {
        let base = base_url.into().trim_end_matches('/').to_owned();
        let stack = HttpStack::builder(transport)
            .retry(RetryPolicy::never())
            .timeouts(Timeouts::none());
        Self::assemble(base, stack, credentials, None, None)
    }

    /// A builder for real use: TLS, retry, timeouts, language.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base: base_url.into().trim_end_matches('/').to_owned(),
            credentials: None,
            settings: ConnectionSettings::default(),
            language: None,
            session_token: None,
            peers: Vec::new(),
        }
    }

    fn assemble(
        base: String,
        stack: HttpStackBuilder,
        credentials: Credentials,
        language: Option<Language>,
        session_token: Option<Secret>,
    ) -> Self {
        let hook = Arc::new(TowerAuth {
            base: base.clone(),
            credentials: credentials.clone(),
        });
        let mut stack = stack.auth(hook);
        if let Credentials::Token(t) = &credentials {
            stack = stack.session(Session::new(t.clone()));
        } else if let Some(t) = session_token {
            stack = stack.session(Session::new(t));
        }
        CloudTowerClient {
            inner: Arc::new(Inner {
                base,
                transport: stack.build(),
            }),
            language,
            lock_retry: None,
        }
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// This client with a default `content-language` (shares the session).
    pub fn with_language(&self, lang: Language) -> Self {
        CloudTowerClient {
            language: Some(lang),
            ..self.clone()
        }
    }

    /// This client resending mutations refused with `ResourceLocked` (shares the session).
    pub fn with_lock_retry(&self, retry: LockRetry) -> Self {
        CloudTowerClient {
            lock_retry: Some(retry),
            ..self.clone()
        }
    }

    /// Sends `POST <base>/<path>` with `body` and decodes the answer.
    ///
    /// The escape hatch for any of the API's 550 operations this crate has no method for.
    pub async fn call<B, R>(&self, path: &str, body: &B) -> Result<R>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let resp = self.send(path, body, None, false).await?;
        decode(path, resp).await
    }

    pub(crate) async fn send<B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
        op: Option<Op>,
        idempotent: bool,
    ) -> Result<Response> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::invalid_input(format!("cannot encode request body as JSON: {e}"))
                .with_vendor(VENDOR)
        })?;
        self.send_raw(Call {
            method: http::Method::POST,
            path,
            query: &[],
            body: Some(bytes),
            op,
            idempotent,
            anonymous: false,
        })
        .await
    }

    /// The one request path every call takes (typed methods, `api::call`, the backend): builds
    /// the request, sends it through the stack (auth, retry policy, body limit) and turns a
    /// non-2xx answer other than 304 into the parsed CloudTower error.
    pub(crate) async fn send_raw(&self, call: Call<'_>) -> Result<Response> {
        let path = call.path.trim_start_matches('/');
        let mut url = format!("{}/{path}", self.inner.base);
        for (i, (k, v)) in call.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&encode_query(k));
            url.push('=');
            url.push_str(&encode_query(v));
        }
        let mut req = Request::new(call.method, url)
            .vendor(VENDOR)
            .idempotent(call.idempotent);
        if let Some(bytes) = call.body {
            req = req.body(bytes).header("content-type", "application/json")?;
        }
        if call.anonymous {
            req = req.skip_auth();
        }
        if let Some(op) = call.op {
            req = req.op(op);
        }
        if let Some(lang) = self.language {
            req = req.header("content-language", lang.as_str())?;
        }
        tracing::debug!(vendor = VENDOR, path, "cloudtower call");
        let resp = self.inner.transport.send(req).await?;
        let status = resp.status.as_u16();
        if (200..300).contains(&status) || status == 304 {
            return Ok(resp);
        }
        let bytes = resp.bytes().await?;
        let mut err = parse_error(status, &bytes, &format!("/{path}"));
        if let Some(op) = call.op {
            err = err.with_op(op);
        }
        Err(err)
    }

    /// `GET /get-version`: the API version, no login needed.
    pub async fn get_version(&self) -> Result<String> {
        let req = Request::get(format!("{}/get-version", self.inner.base))
            .vendor(VENDOR)
            .skip_auth();
        let resp = self.inner.transport.send(req).await?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await?;
        if !(200..300).contains(&status) {
            return Err(parse_error(status, &bytes, "/get-version"));
        }
        serde_json::from_slice::<String>(&bytes)
            .map_err(|e| Error::protocol(format!("/get-version: {e}")).with_vendor(VENDOR))
    }

    /// Creates an API key with the rights of the logged-in user (GraphQL `createApiKey` on
    /// `<tower>/api`). Users with two-factor authentication need one: send it as
    /// [`Credentials::token`].
    pub async fn create_api_key(&self, name: &str) -> Result<ApiKey> {
        let body = serde_json::json!({
            "query": "mutation createApiKey($name: String!) { createApiKey(data: { name: $name }) { id key } }",
            "variables": {"name": name},
        });
        let v = self.graphql(&body).await?;
        let k = &v["data"]["createApiKey"];
        match (k["id"].as_str(), k["key"].as_str()) {
            (Some(id), Some(key)) => Ok(ApiKey {
                id: id.to_owned(),
                key: Secret::new(key),
            }),
            _ => Err(
                Error::protocol("createApiKey: the answer has no id and key").with_vendor(VENDOR),
            ),
        }
    }

    /// Revokes an API key (GraphQL `deleteApiKey`).
    pub async fn delete_api_key(&self, key: &Secret) -> Result<()> {
        let body = serde_json::json!({
            "query": "mutation deleteApiKey($key: String!) { deleteApiKey(where: { key: $key }) { id } }",
            "variables": {"key": key.expose()},
        });
        self.graphql(&body).await.map(|_| ())
    }

    async fn graphql(&self, body: &serde_json::Value) -> Result<serde_json::Value> {
        let root = self
            .inner
            .base
            .strip_suffix("/v2/api")
            .unwrap_or(&self.inner.base);
        let req = Request::post(format!("{root}/api"))
            .json(body)?
            .vendor(VENDOR)
            .idempotent(false);
        let resp = self.inner.transport.send(req).await?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await?;
        if !(200..300).contains(&status) {
            return Err(parse_error(status, &bytes, "/api"));
        }
        let v: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::protocol(format!("/api: not JSON: {e}")).with_vendor(VENDOR))?;
        if let Some(msg) = v["errors"][0]["message"].as_str() {
            return Err(Error::new(ErrorKind::Backend, format!("/api: {msg}")).with_vendor(VENDOR));
        }
        Ok(v)
    }

    /// Logs in now (otherwise the first call does) to check the credentials early.
    pub async fn login(&self) -> Result<()> {
        // The cheapest authenticated call: count tasks matching an impossible id.
        let body = serde_json::json!({"where": {"id": ""}});
        self.send("get-tasks-connection", &body, None, true).await?;
        Ok(())
    }

    /// Releases the session. Tokens do not expire on CloudTower, so there is nothing to revoke.
    pub async fn close(&self) -> Result<()> {
        self.inner.transport.close().await
    }
}

pub(crate) async fn decode<R: DeserializeOwned>(path: &str, resp: Response) -> Result<R> {
    let status = resp.status.as_u16();
    let bytes = resp.bytes().await?;
    decode_body(path, status, &bytes)
}

/// [`decode`] of a body already collected, answered with HTTP `status`.
pub(crate) fn decode_body<R: DeserializeOwned>(path: &str, status: u16, bytes: &[u8]) -> Result<R> {
    decode_body_seed(path, status, bytes, PhantomData::<R>)
}

/// [`decode_body`] through a seed (see [`crate::json::from_slice_seed`]).
pub(crate) fn decode_body_seed<S, V>(path: &str, status: u16, bytes: &[u8], seed: S) -> Result<V>
where
    S: for<'de> DeserializeSeed<'de, Value = V> + Clone,
{
    if status == 304 || bytes.is_empty() {
        // "Not modified": nothing changed, nothing to decode; `null` decodes into Vec/Option.
        let empty = |doc: &'static [u8], seed: S| {
            seed.deserialize(&mut serde_json::Deserializer::from_slice(doc))
        };
        return empty(b"[]", seed.clone())
            .or_else(|_| empty(b"null", seed))
            .map_err(|_| {
                Error::protocol(format!("{path}: HTTP {status} with an empty body"))
                    .with_vendor(VENDOR)
            });
    }
    // `serde_json`'s values, faster (see `crate::json`).
    crate::json::from_slice_seed(bytes, seed).map_err(|e| {
        Error::protocol(format!(
            "{path}: the answer is not what the API describes: {e}"
        ))
        .with_vendor(VENDOR)
    })
}

/// One request for [`CloudTowerClient::send_raw`].
pub(crate) struct Call<'a> {
    pub(crate) method: http::Method,
    /// Path under the API base, with or without its leading slash.
    pub(crate) path: &'a str,
    pub(crate) query: &'a [(String, String)],
    /// A JSON body, already encoded.
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) op: Option<Op>,
    /// Queries may be retried; mutations never are.
    pub(crate) idempotent: bool,
    /// Sent without logging in (`get-version`, `login`).
    pub(crate) anonymous: bool,
}

/// Percent-encodes a query key or value (RFC 3986 unreserved characters stay).
fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Builds a [`CloudTowerClient`] with the standard HTTP stack
/// (trace -> deadline -> retry -> auth -> per-attempt timeout -> transport).
#[must_use]
pub struct ClientBuilder {
    base: String,
    credentials: Option<Credentials>,
    settings: ConnectionSettings,
    language: Option<Language>,
    session_token: Option<Secret>,
    peers: Vec<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base", &self.base)
            .field("credentials", &self.credentials)
            .field("settings", &self.settings)
            .field("language", &self.language)
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
    /// stays the one given to [`CloudTowerClient::builder`].
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
    /// Retry policy (queries are retried; mutations never are).
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
    /// Default `content-language`.
    pub fn language(mut self, l: Language) -> Self {
        self.language = Some(l);
        self
    }
    /// The other nodes of an active-passive pair (CloudTower 4.9+): requests go to whichever
    /// node answers `GET /api/healthz` with 200, and move when a node answers 307. See
    /// [`ActivePassive`](super::failover::ActivePassive).
    pub fn active_passive_peers(
        mut self,
        nodes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.peers = nodes.into_iter().map(Into::into).collect();
        self
    }
    /// Starts with a token from an earlier login; the password credentials are used only
    /// when the server refuses it.
    pub fn session_token(mut self, t: impl Into<Secret>) -> Self {
        self.session_token = Some(t.into());
        self
    }
    /// The client; `Config` error without credentials, TLS errors from the HTTP layer.
    pub fn build(self) -> Result<CloudTowerClient> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                "CloudTower needs a username and password, or a token",
            )
            .with_vendor(VENDOR)
        })?;
        let mut stack = self.settings.stack()?;
        if !self.peers.is_empty() {
            let mut nodes = vec![self.base.clone()];
            nodes.extend(self.peers);
            stack = stack.map_base(|base| {
                super::failover::ActivePassive::new(base, &nodes)
                    .map(|f| Arc::new(f) as SharedTransport)
            })?;
        }
        Ok(CloudTowerClient::assemble(
            self.base,
            stack,
            credentials,
            self.language,
            self.session_token,
        ))
    }
}
