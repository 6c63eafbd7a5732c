//! Typed connection settings, as read from an omnivirt context.

use std::path::PathBuf;

use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{Secret, Timeouts, TlsOptions};
use serde::Deserialize;

use crate::VENDOR;
use crate::native::{Credentials, Language};
use crate::wire::UserSource;

/// How to reach and log in to a CloudTower.
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
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct CloudTowerConfig {
    /// `https://tower` or the full API base `https://tower/v2/api`.
    pub url: String,
    /// User name.
    #[serde(default, alias = "username")]
    pub user: Option<String>,
    /// Password.
    #[serde(default)]
    pub password: Option<Secret>,
    /// A token or API key (instead of user/password).
    #[serde(default)]
    pub token: Option<Secret>,
    /// `LOCAL` (default), `LDAP`, `AUTHN`, `SSO`.
    #[serde(default)]
    pub source: Option<String>,
    /// Authn strategy id, with `source: AUTHN`.
    #[serde(default)]
    pub auth_config_id: Option<String>,
    /// CA bundle for the tower's certificate.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Skip certificate verification (explicit opt-in; logs a warning).
    #[serde(default)]
    pub insecure: bool,
    /// Request timeouts.
    #[serde(default)]
    pub timeouts: Option<Timeouts>,
    /// `en-US`, `zh-CN` or `*`.
    #[serde(default)]
    pub language: Option<String>,
    /// The other nodes of an active-passive pair (CloudTower 4.9+), e.g. `https://tower-b`.
    #[serde(default)]
    pub peers: Vec<String>,
}

impl CloudTowerConfig {
    /// Settings for `url`; add credentials with the builder methods.
    pub fn new(url: impl Into<String>) -> Self {
        CloudTowerConfig {
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

    /// A token or API key.
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

    /// The API base URL: `url` with `/v2/api` appended when it has no path.
    pub fn api_base(&self) -> Result<String> {
        let url = self.url.trim().trim_end_matches('/');
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
