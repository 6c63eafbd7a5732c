//! Typed connection settings, as read from an omnivirt context.

use std::path::PathBuf;
use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{ConnectionSettings, Secret, VendorConfig};
use serde::{Deserialize, Serialize};

use crate::VENDOR;
use crate::native::{ClientBuilder, CloudTowerClient, Credentials, Language};
use crate::wire::UserSource;

/// How to reach and log in to a CloudTower: the shared [`ConnectionSettings`] (`url`,
/// `ca-file`, `insecure`, `request-timeout`, ...) plus the tower's own options. Keys are
/// kebab-case.
///
/// ```
/// use omnivirt_cloudtower::CloudTowerConfig;
///
/// let c: CloudTowerConfig = serde_json::from_str(
///     r#"{"url": "https://tower.example", "user": "admin", "password": "pw"}"#,
/// ).unwrap();
/// assert_eq!(c.api_base().unwrap(), "https://tower.example/v2/api");
/// assert!(!format!("{c:?}").contains("pw"));
/// ```
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct CloudTowerConfig {
    /// URL (`https://tower` or the full API base `https://tower/v2/api`), TLS, timeouts, retry.
    #[serde(flatten)]
    pub connection: ConnectionSettings,
    /// User name.
    pub user: Option<String>,
    /// Password.
    pub password: Option<Secret>,
    /// A token or API key (instead of user/password).
    pub token: Option<Secret>,
    /// `LOCAL` (default), `LDAP`, `AUTHN`, `SSO`.
    pub source: Option<String>,
    /// Authn strategy id, with `source: AUTHN`.
    pub auth_config_id: Option<String>,
    /// `en-US`, `zh-CN` or `*`.
    pub language: Option<String>,
    /// The other nodes of an active-passive pair (CloudTower 4.9+), e.g. `https://tower-b`.
    pub peers: Vec<String>,
}

impl VendorConfig for CloudTowerConfig {
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

impl CloudTowerConfig {
    /// Settings for `url`; add credentials with the builder methods.
    pub fn new(url: impl Into<String>) -> Self {
        CloudTowerConfig {
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

    /// A token or API key.
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

    /// The API base URL: `url` with `/v2/api` appended when it has no path.
    pub fn api_base(&self) -> Result<String> {
        let url = self.connection.url.trim().trim_end_matches('/');
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(Self::config_err(format!(
                "CloudTower url `{url}` needs a scheme (https://...)"
            )));
        };
        if !matches!(scheme, "http" | "https") || rest.is_empty() {
            return Err(Self::config_err(format!(
                "CloudTower url `{url}` must be http(s)://host[/v2/api]"
            )));
        }
        if rest.contains('/') {
            Ok(url.to_owned())
        } else {
            Ok(format!("{url}/v2/api"))
        }
    }

    /// The credentials; `Config` error if neither a token nor user and password are set.
    /// With both, the user and password win (and the token starts the session, see
    /// [`CloudTowerConfig::session_token`]), so an expired token can be replaced.
    pub fn credentials(&self) -> Result<Credentials> {
        let has_password =
            self.user.as_ref().is_some_and(|u| !u.is_empty()) && self.password.is_some();
        if let Some(t) = self.token.as_ref().filter(|t| !t.is_empty())
            && !has_password
        {
            return Ok(Credentials::token(t.clone()));
        }
        match (&self.user, &self.password) {
            (Some(u), Some(p)) if !u.is_empty() => {
                let source = self
                    .source
                    .as_deref()
                    .map_or(UserSource::Local, UserSource::from_wire);
                Ok(Credentials::password(u.clone(), p.clone())
                    .with_source(source, self.auth_config_id.clone()))
            }
            _ => Err(Self::config_err(
                "CloudTower needs `token`, or `user` and `password`",
            )),
        }
    }

    /// A token to start the session with when user and password are also set.
    pub fn session_token(&self) -> Option<Secret> {
        self.token.clone().filter(|t| !t.is_empty())
    }

    /// The `content-language`, if set.
    pub fn language(&self) -> Result<Option<Language>> {
        match self.language.as_deref() {
            None => Ok(None),
            Some("en-US") => Ok(Some(Language::EnUs)),
            Some("zh-CN") => Ok(Some(Language::ZhCn)),
            Some("*") => Ok(Some(Language::All)),
            Some(other) => Err(Self::config_err(format!(
                "unknown language `{other}`; expected en-US, zh-CN or *"
            ))),
        }
    }

    /// A client builder with these settings (add `.transport(..)` for tests).
    pub fn client_builder(&self) -> Result<ClientBuilder> {
        let mut b = CloudTowerClient::builder(self.api_base()?)
            .connection(self.connection.clone())
            .credentials(self.credentials()?);
        if let Some(l) = self.language()? {
            b = b.language(l);
        }
        if let Some(t) = self.session_token() {
            b = b.session_token(t);
        }
        if !self.peers.is_empty() {
            b = b.active_passive_peers(self.peers.clone());
        }
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates() {
        assert!(CloudTowerConfig::new("tower").api_base().is_err());
        assert_eq!(
            CloudTowerConfig::new("https://t/v2/api/")
                .api_base()
                .unwrap(),
            "https://t/v2/api"
        );
        let e = CloudTowerConfig::new("https://t")
            .credentials()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        let c = CloudTowerConfig::new("https://t").token("tok");
        assert!(matches!(c.credentials().unwrap(), Credentials::Token(_)));
        assert!(!format!("{:?}", c.credentials().unwrap()).contains("tok"));
        let mut c = CloudTowerConfig::new("https://t");
        c.language = Some("fr".into());
        assert!(c.language().is_err());
    }
}
