//! Typed connection settings, as read from an omnivirt context.

use std::path::PathBuf;
use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{ConnectionSettings, Secret, VendorConfig};
use serde::{Deserialize, Serialize};

use crate::VENDOR;
use crate::native::{ClientBuilder, Credentials, ZStackClient};

/// How to reach and log in to a ZStack management node: the shared [`ConnectionSettings`]
/// (`url`, `ca-file`, `insecure`, `request-timeout`, ...) plus the account. Keys are kebab-case.
///
/// ```
/// use omnivirt_zstack::ZStackConfig;
///
/// let c: ZStackConfig = serde_json::from_str(
///     r#"{"url": "http://mn.example:8080", "user": "admin", "password": "pw"}"#,
/// ).unwrap();
/// assert_eq!(c.api_base().unwrap(), "http://mn.example:8080/zstack/v1");
/// assert!(!format!("{c:?}").contains("pw"));
/// ```
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct ZStackConfig {
    /// URL (`http://mn:8080`, or the full API base `http://mn:8080/zstack/v1`), TLS, timeouts,
    /// retry.
    #[serde(flatten)]
    pub connection: ConnectionSettings,
    /// Account name.
    pub user: Option<String>,
    /// Plain password (hashed with SHA-512 before it is sent).
    pub password: Option<Secret>,
    /// An existing session id (instead of, or to start before, account and password).
    pub token: Option<Secret>,
}

impl VendorConfig for ZStackConfig {
    const VENDOR: &'static str = VENDOR;

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

impl ZStackConfig {
    /// Settings for `url`; add credentials with the builder methods.
    pub fn new(url: impl Into<String>) -> Self {
        ZStackConfig {
            connection: ConnectionSettings::new(url),
            ..Self::default()
        }
    }

    /// Account name and password.
    pub fn user(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.user = Some(user.into());
        self.password = Some(password.into());
        self
    }

    /// An existing session id.
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
    pub fn ca_file(mut self, p: impl Into<PathBuf>) -> Self {
        self.connection = self.connection.ca_file(p);
        self
    }

    /// Skip TLS verification.
    pub fn insecure(mut self, yes: bool) -> Self {
        self.connection = self.connection.insecure(yes);
        self
    }

    /// Per-request (per-attempt) timeout.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.connection = self.connection.timeout(d);
        self
    }

    fn config_err(msg: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, msg).with_vendor(VENDOR)
    }

    /// The API base URL: `url` with `/zstack/v1` appended when it has no path (the servlet
    /// context is `zstack`; the port, usually 8080, is the caller's).
    pub fn api_base(&self) -> Result<String> {
        let url = self.connection.url.trim().trim_end_matches('/');
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(Self::config_err(format!(
                "ZStack url `{url}` needs a scheme (http://...)"
            )));
        };
        if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.starts_with('/') {
            return Err(Self::config_err(format!(
                "ZStack url `{url}` must be http(s)://host[:port][/zstack/v1]"
            )));
        }
        match rest.split_once('/') {
            None => Ok(format!("{url}/zstack/v1")),
            Some((_, "zstack")) => Ok(format!("{url}/v1")),
            Some(_) => Ok(url.to_owned()),
        }
    }

    /// The credentials: account and password when both are set, else the session id;
    /// `Config` error with neither.
    pub fn credentials(&self) -> Result<Credentials> {
        match (&self.user, &self.password) {
            (Some(u), Some(p)) if !u.is_empty() => Ok(Credentials::account(u.clone(), p.clone())),
            _ => match self.token.as_ref().filter(|t| !t.is_empty()) {
                Some(t) => Ok(Credentials::session(t.clone())),
                None => Err(Self::config_err(
                    "ZStack needs `user` and `password`, or a session `token`",
                )),
            },
        }
    }

    /// A client builder with these settings (add `.transport(..)` for tests).
    pub fn client_builder(&self) -> Result<ClientBuilder> {
        Ok(ZStackClient::builder(self.api_base()?)
            .connection(self.connection.clone())
            .credentials(self.credentials()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases() {
        let base = |u: &str| ZStackConfig::new(u).api_base();
        assert_eq!(base("http://mn:8080").unwrap(), "http://mn:8080/zstack/v1");
        assert_eq!(
            base("http://mn:8080/zstack").unwrap(),
            "http://mn:8080/zstack/v1"
        );
        assert_eq!(
            base("https://mn/zstack/v1/").unwrap(),
            "https://mn/zstack/v1"
        );
        assert!(base("mn:8080").is_err());
        assert!(base("ftp://mn").is_err());
        assert!(base("http://").is_err());
    }

    #[test]
    fn credentials() {
        let e = ZStackConfig::new("http://mn").credentials().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        let c = ZStackConfig::new("http://mn").token("sess");
        assert!(matches!(c.credentials().unwrap(), Credentials::Session(_)));
        let c = c.user("admin", "pw");
        assert!(matches!(
            c.credentials().unwrap(),
            Credentials::Account { .. }
        ));
        assert!(!format!("{c:?}").contains("sess"));
    }
}
