//! Typed configuration, as read from a context file, with a builder.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::Secret;
use serde::Deserialize;

use crate::native::connection::{ApiVersion, Connection, ConnectionBuilder};

/// How to reach one oVirt engine.
///
/// ```
/// use omnivirt_ovirt::OvirtConfig;
///
/// let cfg: OvirtConfig = serde_json::from_value(serde_json::json!({
///     "url": "https://engine.example/ovirt-engine/api",
///     "user": "admin@internal",
///     "password": "secret",
///     "timeout_secs": 30
/// })).unwrap();
/// assert_eq!(cfg.user.as_deref(), Some("admin@internal"));
/// assert!(!format!("{cfg:?}").contains("secret"));
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct OvirtConfig {
    /// API URL, `https://engine/ovirt-engine/api`.
    pub url: String,
    /// User with profile, `admin@internal`.
    #[serde(default, alias = "username")]
    pub user: Option<String>,
    /// Password.
    #[serde(default)]
    pub password: Option<Secret>,
    /// An SSO token instead of user and password.
    #[serde(default)]
    pub token: Option<Secret>,
    /// PEM bundle of CAs to trust.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Turn TLS verification off (explicit opt-in).
    #[serde(default)]
    pub insecure: bool,
    /// Per-request timeout in seconds.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// Connect timeout in seconds.
    #[serde(default)]
    pub connect_timeout_secs: Option<u64>,
    /// Extra headers on every request.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// API dialect: `v4` (default) or `v3`.
    #[serde(default)]
    pub api_version: ApiVersion,
    /// Ask for gzip (default true).
    #[serde(default)]
    pub compress: Option<bool>,
    /// Revoke the SSO token on close (default true).
    #[serde(default)]
    pub revoke_on_close: Option<bool>,
    /// Follow the engine's job of each VM action (default true); `false` for accounts that
    /// may not read `/jobs` (see [`OvirtBackend::follow_jobs`](crate::OvirtBackend::follow_jobs)).
    #[serde(default)]
    pub follow_jobs: Option<bool>,
}

impl OvirtConfig {
    /// A config for `url`; add credentials with the builder methods.
    pub fn new(url: impl Into<String>) -> Self {
        OvirtConfig {
            url: url.into(),
            ..Self::default()
        }
    }

    /// User and password.
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.user = Some(user.into());
        self.password = Some(password.into());
        self
    }

    /// A ready SSO token.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// CA bundle.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// TLS verification off.
    pub fn insecure(mut self, yes: bool) -> Self {
        self.insecure = yes;
        self
    }

    /// Per-request timeout.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout_secs = Some(d.as_secs().max(1));
        self
    }

    /// API dialect.
    pub fn api_version(mut self, v: ApiVersion) -> Self {
        self.api_version = v;
        self
    }

    /// A connection builder with these settings (add `.transport(..)` for tests).
    pub fn connection_builder(&self) -> Result<ConnectionBuilder> {
        if self.url.trim().is_empty() {
            return Err(Error::new(ErrorKind::Config, "the oVirt config has no url")
                .with_vendor(crate::error::VENDOR));
        }
        let mut b = Connection::builder(self.url.clone())
            .insecure(self.insecure)
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
        if let Some(ca) = &self.ca_file {
            b = b.ca_file(ca.clone());
        }
        if let Some(t) = self.timeout_secs {
            b = b.timeout(Duration::from_secs(t));
        }
        if let Some(t) = self.connect_timeout_secs {
            b = b.connect_timeout(Duration::from_secs(t));
        }
        for (k, v) in &self.headers {
            b = b.header(k.clone(), v.clone());
        }
        Ok(b)
    }
}
