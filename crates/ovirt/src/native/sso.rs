//! Signing in to an engine: the SSO token service (4.x) or HTTP Basic (3.x), the bearer header
//! on every request, and revoking the token when the connection closes.

use async_trait::async_trait;
use base64::Engine as _;
use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{AuthHook, Request, Secret, Session, Transport};

use super::connection::ApiVersion;
use crate::error::VENDOR;

/// SSO login (4.x) or HTTP Basic (3.x), bearer header, revoke on close.
#[derive(Debug)]
pub(super) struct OvirtAuth {
    pub(super) token_url: String,
    pub(super) revoke_url: String,
    pub(super) credentials: Option<(String, Secret)>,
    pub(super) revoke: bool,
    pub(super) version: ApiVersion,
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// The first object of an SSO answer, which may be `{...}` or `[{...}]`.
fn sso_object(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Array(mut a) if !a.is_empty() => a.swap_remove(0),
        other => other,
    }
}

fn sso_error(v: &serde_json::Value) -> Option<String> {
    // OpenID style: error + error_description; oVirt style: error_code + error.
    let code = v
        .get("error_code")
        .or_else(|| v.get("error"))
        .and_then(|c| {
            c.as_str()
                .map(str::to_owned)
                .or_else(|| Some(c.to_string()))
        })?;
    let msg = v
        .get("error_description")
        .or_else(|| {
            if v.get("error_code").is_some() {
                v.get("error")
            } else {
                None
            }
        })
        .and_then(|m| m.as_str())
        .unwrap_or("");
    Some(if msg.is_empty() || msg == code {
        code
    } else {
        format!("{code}: {msg}")
    })
}

#[async_trait]
impl AuthHook for OvirtAuth {
    async fn login(&self, inner: &dyn Transport) -> Result<Session> {
        let Some((user, password)) = &self.credentials else {
            return Err(Error::new(
                ErrorKind::Unauthenticated,
                "the oVirt token was rejected and no username/password is configured to get a new one",
            )
            .with_vendor(VENDOR));
        };
        if self.version == ApiVersion::V3 {
            let raw = format!("{user}:{}", password.expose());
            return Ok(Session::new(
                base64::engine::general_purpose::STANDARD.encode(raw),
            ));
        }
        let body = form(&[
            ("grant_type", "password"),
            ("scope", "ovirt-app-api"),
            ("username", user),
            ("password", password.expose()),
        ]);
        let req = Request::post(self.token_url.clone())
            .vendor(VENDOR)
            .skip_auth()
            .header("Content-Type", "application/x-www-form-urlencoded")?
            .header("Accept", "application/json")?
            .body(body);
        let resp = inner.send(req).await?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await?;
        let unauth = |m: String| Error::new(ErrorKind::Unauthenticated, m).with_vendor(VENDOR);
        let v: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(v) => sso_object(v),
            Err(_) => {
                return Err(if (200..300).contains(&status) {
                    Error::protocol(format!(
                        "the SSO service answered HTTP {status} with a body that is not JSON"
                    ))
                    .with_vendor(VENDOR)
                } else {
                    unauth(format!("SSO authentication failed with HTTP {status}"))
                });
            }
        };
        if let Some(msg) = sso_error(&v) {
            return Err(unauth(format!("error during SSO authentication: {msg}")));
        }
        match v.get("access_token").and_then(|t| t.as_str()) {
            Some(t) if !t.is_empty() => Ok(Session::new(t)),
            _ => Err(Error::protocol(format!(
                "the SSO service answered HTTP {status} without an access_token"
            ))
            .with_vendor(VENDOR)),
        }
    }

    fn apply(&self, session: &Session, req: &mut Request) -> Result<()> {
        let value = match self.version {
            ApiVersion::V4 => format!("Bearer {}", session.token.expose()),
            ApiVersion::V3 => format!("Basic {}", session.token.expose()),
        };
        *req = req.clone().secret_header("Authorization", &value)?;
        Ok(())
    }

    async fn logout(&self, inner: &dyn Transport, session: &Session) -> Result<()> {
        if !self.revoke || self.version == ApiVersion::V3 {
            return Ok(());
        }
        let req = Request::post(self.revoke_url.clone())
            .vendor(VENDOR)
            .skip_auth()
            .header("Content-Type", "application/x-www-form-urlencoded")?
            .header("Accept", "application/json")?
            .body(form(&[
                ("scope", "ovirt-app-api"),
                ("token", session.token.expose()),
            ]));
        let resp = inner.send(req).await?;
        let bytes = resp.bytes().await?;
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(msg) = sso_error(&sso_object(v))
        {
            return Err(Error::new(
                ErrorKind::Backend,
                format!("error during SSO revoke: {msg}"),
            )
            .with_vendor(VENDOR));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sso_error_shapes() {
        let a = serde_json::json!({"error": "access_denied", "error_description": "Cannot authenticate user"});
        assert_eq!(
            sso_error(&a).unwrap(),
            "access_denied: Cannot authenticate user"
        );
        let b = serde_json::json!({"error_code": "invalid_grant", "error": "The provided authorization grant is invalid"});
        assert_eq!(
            sso_error(&b).unwrap(),
            "invalid_grant: The provided authorization grant is invalid"
        );
        assert!(sso_error(&serde_json::json!({"access_token": "x"})).is_none());
        let arr = sso_object(serde_json::json!([{"access_token": "t"}]));
        assert_eq!(arr["access_token"], "t");
    }
}
