//! Typed configuration, as read from a context file, with a builder.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{ConnectionSettings, Secret, VendorConfig};
use serde::{Deserialize, Serialize};

use crate::native::connection::{ApiVersion, Connection, ConnectionBuilder};

/// How to reach one oVirt engine: the shared [`ConnectionSettings`] (`url`, `ca-file`,
/// `insecure`, `request-timeout`, ...) plus the engine's own options. Keys are kebab-case.
///
/// ```
/// use omnivirt_ovirt::OvirtConfig;
///
/// let cfg: OvirtConfig = serde_json::from_value(serde_json::json!({
///     "url": "https://engine.example/ovirt-engine/api",
///     "user": "admin@internal",
///     "password": "secret",
///     "request-timeout": 30,
///     "follow-jobs": false
/// })).unwrap();
/// assert_eq!(cfg.user.as_deref(), Some("admin@internal"));
/// assert_eq!(cfg.follow_jobs, Some(false));
/// assert!(!format!("{cfg:?}").contains("secret"));
/// ```
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct OvirtConfig {
    /// URL (`https://engine/ovirt-engine/api`), TLS, timeouts, retry, user agent.
    #[serde(flatten)]
    pub connection: ConnectionSettings,
    /// User with profile, `admin@internal`.
    pub user: Option<String>,
    /// Password.
    pub password: Option<Secret>,
    /// An SSO token instead of user and password.
    pub token: Option<Secret>,
    /// Extra headers on every request.
    pub headers: BTreeMap<String, String>,
    /// API dialect: `v4` (default) or `v3`.
    pub api_version: ApiVersion,
    /// Ask for gzip (default true).
    pub compress: Option<bool>,
    /// Revoke the SSO token on close (default true).
    pub revoke_on_close: Option<bool>,
    /// Follow the engine's job of each VM action (default true); `false` for accounts that
    /// may not read `/jobs` (see [`OvirtBackend::follow_jobs`](crate::OvirtBackend::follow_jobs)).
    pub follow_jobs: Option<bool>,
}

impl VendorConfig for OvirtConfig {
    const VENDOR: &'static str = crate::error::VENDOR;

    fn connection(&self) -> &ConnectionSettings {
        &self.connection
    }

    fn connection_mut(&mut self) -> &mut ConnectionSettings {
        &mut self.connection
    }

    fn set_login(&mut self, user: Option<String>, password: Option<Secret>, token: Option<Secret>) {
        self.user = user.or(self.user.take());
        self.password = password.or(self.password.take());
        self.token = token.or(self.token.take());
    }
}

impl OvirtConfig {
    /// A config for `url`; add credentials with the builder methods.
    pub fn new(url: impl Into<String>) -> Self {
        OvirtConfig {
            connection: ConnectionSettings::new(url),
            ..Self::default()
        }
    }

    /// User and password.
    pub fn user(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.user = Some(user.into());
        self.password = Some(password.into());
        self
    }

    /// A ready SSO token.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// All connection settings at once; the URL is theirs.
    pub fn connection(mut self, settings: ConnectionSettings) -> Self {
        self.connection = settings;
        self
    }

    /// CA bundle.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.connection = self.connection.ca_file(path);
        self
    }

    /// TLS verification off.
    pub fn insecure(mut self, yes: bool) -> Self {
        self.connection = self.connection.insecure(yes);
        self
    }

    /// Per-request (per-attempt) timeout.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.connection = self.connection.timeout(d);
        self
    }

    /// API dialect.
    pub fn api_version(mut self, v: ApiVersion) -> Self {
        self.api_version = v;
        self
    }

    /// A connection builder with these settings (add `.transport(..)` for tests).
    pub fn connection_builder(&self) -> Result<ConnectionBuilder> {
        if self.connection.url.trim().is_empty() {
            return Err(Error::new(ErrorKind::Config, "the oVirt config has no url")
                .with_vendor(crate::error::VENDOR));
        }
        let mut b = Connection::builder(self.connection.url.clone())
            .connection(self.connection.clone())
            .version(self.api_version)
            .compress(self.compress.unwrap_or(true))
            .revoke_on_close(self.revoke_on_close.unwrap_or(true));
        if let Some(u) = &self.user {
            b = b.username(u.clone());
        }
        if let Some(p) = &self.password {
            b = b.password(p.clone());
        }
        if let Some(t) = &self.token {
            b = b.token(t.clone());
        }
        for (k, v) in &self.headers {
            b = b.header(k.clone(), v.clone());
        }
        Ok(b)
    }
}
