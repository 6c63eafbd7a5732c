//! Typed connection settings, as read from an omnivirt context.

use std::path::PathBuf;
use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{ConnectionSettings, Secret, VendorConfig};
use serde::{Deserialize, Serialize};

use crate::VENDOR;
use crate::native::{ClientBuilder, Credentials, VeilClient, split_base};

/// How to reach and authenticate to a VeiL ECP controller: the shared [`ConnectionSettings`]
/// (`url`, `ca-file`, `insecure`, `request-timeout`, ...) plus the controller's own options.
/// Keys are kebab-case.
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct VeilConfig {
    /// URL (`https://controller[:port][/path]` or the API base ending in `/api`), TLS,
    /// timeouts, retry.
    #[serde(flatten)]
    pub connection: ConnectionSettings,
    /// User name (interactive login through `POST /auth/`).
    pub user: Option<String>,
    /// Password.
    pub password: Option<Secret>,
    /// An integration token (bare or with its `jwt ` prefix); preferred over user/password.
    pub token: Option<Secret>,
    /// Log in through LDAP.
    pub ldap: bool,
    /// `Accept-Language` (`en` by default, `ru`).
    pub language: Option<String>,
}

impl VendorConfig for VeilConfig {
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

impl VeilConfig {
    /// Settings for `url`; add credentials with the builder methods.
    pub fn new(url: impl Into<String>) -> Self {
        VeilConfig {
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

    /// `Accept-Language`.
    pub fn language(mut self, l: impl Into<String>) -> Self {
        self.language = Some(l.into());
        self
    }

    /// The API base URL (`.../api`); `Config` error for a URL without http(s).
    pub fn api_base(&self) -> Result<String> {
        split_base(&self.connection.url).map(|(_, api)| api)
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

    /// A client builder with these settings (add `.transport(..)` for tests).
    pub fn client_builder(&self) -> Result<ClientBuilder> {
        let mut b = VeilClient::builder(self.api_base()?)
            .connection(self.connection.clone())
            .credentials(self.credentials()?);
        if let Some(l) = &self.language {
            b = b.language(l.clone());
        }
        Ok(b)
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
