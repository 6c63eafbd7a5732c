//! Typed connection settings, as read from an omnivirt context.

use std::path::PathBuf;

use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{Secret, Timeouts, TlsOptions};
use serde::Deserialize;

use crate::VENDOR;
use crate::native::{Credentials, split_base};

/// How to reach and authenticate to a VeiL ECP controller.
///
/// ```
/// use omnivirt_veil::VeilConfig;
///
/// let c: VeilConfig = serde_json::from_str(
///     r#"{"url": "https://veil.example", "token": "eyJhbGciOi"}"#,
/// ).unwrap();
/// assert_eq!(c.api_base().unwrap(), "https://veil.example/api");
/// assert!(!format!("{c:?}").contains("eyJhbGciOi"));
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct VeilConfig {
    /// `https://controller[:port][/path]` or the API base ending in `/api`.
    pub url: String,
    /// User name (interactive login through `POST /auth/`).
    #[serde(default, alias = "username")]
    pub user: Option<String>,
    /// Password.
    #[serde(default)]
    pub password: Option<Secret>,
    /// An integration token (bare or with its `jwt ` prefix); preferred over user/password.
    #[serde(default)]
    pub token: Option<Secret>,
    /// Log in through LDAP.
    #[serde(default)]
    pub ldap: bool,
    /// CA bundle for the controller's certificate.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Skip certificate verification (explicit opt-in; logs a warning).
    #[serde(default)]
    pub insecure: bool,
    /// Request timeouts.
    #[serde(default)]
    pub timeouts: Option<Timeouts>,
    /// `Accept-Language` (`en` by default, `ru`).
    #[serde(default)]
    pub language: Option<String>,
}

impl VeilConfig {
    /// Settings for `url`; add credentials with the builder methods.
    pub fn new(url: impl Into<String>) -> Self {
        VeilConfig {
            url: url.into(),
            ..Self::default()
        }
    }

    /// User and password.
    pub fn user(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.user = Some(user.into());
        self.password = Some(password.into());
        self
    }

    /// An integration token.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// LDAP login.
    pub fn ldap(mut self, yes: bool) -> Self {
        self.ldap = yes;
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

    /// `Accept-Language`.
    pub fn language(mut self, l: impl Into<String>) -> Self {
        self.language = Some(l.into());
        self
    }

    /// The API base URL (`.../api`); `Config` error for a URL without http(s).
    pub fn api_base(&self) -> Result<String> {
        split_base(&self.url).map(|(_, api)| api)
    }

    /// The credentials: the token if set, else user and password; `Config` error with neither.
    pub fn credentials(&self) -> Result<Credentials> {
        if let Some(t) = self.token.as_ref().filter(|t| !t.is_empty()) {
            return Ok(Credentials::token(t.clone()));
        }
        match (&self.user, &self.password) {
            (Some(u), Some(p)) if !u.is_empty() => Ok(if self.ldap {
                Credentials::ldap(u.clone(), p.clone())
            } else {
                Credentials::password(u.clone(), p.clone())
            }),
            _ => Err(Error::new(
                ErrorKind::Config,
                "VeiL needs `token`, or `user` and `password`",
            )
            .with_vendor(VENDOR)),
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
    fn validates() {
        assert_eq!(
            VeilConfig::new("veil").api_base().unwrap_err().kind(),
            ErrorKind::Config
        );
        assert_eq!(
            VeilConfig::new("https://v/api/").api_base().unwrap(),
            "https://v/api"
        );
        let e = VeilConfig::new("https://v").credentials().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        let c = VeilConfig::new("https://v")
            .user("admin", "pw")
            .token("tok");
        assert!(matches!(c.credentials().unwrap(), Credentials::Token(_)));
        let c = VeilConfig::new("https://v").user("admin", "pw").ldap(true);
        assert!(matches!(
            c.credentials().unwrap(),
            Credentials::Password { ldap: true, .. }
        ));
        assert!(!format!("{c:?}").contains("pw\""));
    }
}
