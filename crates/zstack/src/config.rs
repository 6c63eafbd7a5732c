//! Typed connection settings, as read from an omnivirt context.

use std::path::PathBuf;

use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{Secret, Timeouts, TlsOptions};
use serde::Deserialize;

use crate::VENDOR;
use crate::native::Credentials;

/// How to reach and log in to a ZStack management node.
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
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct ZStackConfig {
    /// `http://mn:8080`, or the full API base `http://mn:8080/zstack/v1`.
    pub url: String,
    /// Account name.
    #[serde(default, alias = "username", alias = "account")]
    pub user: Option<String>,
    /// Plain password (hashed with SHA-512 before it is sent).
    #[serde(default)]
    pub password: Option<Secret>,
    /// An existing session id (instead of, or to start before, account and password).
    #[serde(default, alias = "session")]
    pub token: Option<Secret>,
    /// CA bundle for an HTTPS front end.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Skip certificate verification (explicit opt-in; logs a warning).
    #[serde(default)]
    pub insecure: bool,
    /// Request timeouts.
    #[serde(default)]
    pub timeouts: Option<Timeouts>,
}

impl ZStackConfig {
    /// Settings for `url`; add credentials with the builder methods.
    pub fn new(url: impl Into<String>) -> Self {
        ZStackConfig {
            url: url.into(),
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

    /// CA bundle.
    pub fn ca_file(mut self, p: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(p.into());
        self
    }

    /// Skip TLS verification.
    pub fn insecure(mut self, yes: bool) -> Self {
        self.insecure = yes;
        self
    }

    /// Timeouts.
    pub fn timeouts(mut self, t: Timeouts) -> Self {
        self.timeouts = Some(t);
        self
    }

    fn config_err(msg: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, msg).with_vendor(VENDOR)
    }

    /// The API base URL: `url` with `/zstack/v1` appended when it has no path (the servlet
    /// context is `zstack`; the port, usually 8080, is the caller's).
    pub fn api_base(&self) -> Result<String> {
        let url = self.url.trim().trim_end_matches('/');
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

    /// TLS options.
    pub fn tls(&self) -> TlsOptions {
        let mut b = TlsOptions::builder().insecure(self.insecure);
        if let Some(ca) = &self.ca_file {
            b = b.ca_file(ca.clone());
        }
        b.build()
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
