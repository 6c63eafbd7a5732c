//! SSO tokens, HTTP Basic (as 3.x clients sent) and the session check of every API call.

use std::collections::BTreeMap;

use http::StatusCode;
use omnivirt_http::{Request, Response};
use serde_json::json;

use crate::skin;
use crate::world::World;

pub(super) fn sso_token(world: &World, req: &Request) -> Response {
    let f = form(&req.body);
    if f.get("grant_type").map(String::as_str) != Some("password") {
        return sso_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported",
        );
    }
    if f.get("scope").is_none_or(|s| !s.contains("ovirt-app-api")) {
        return sso_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "The requested scope is invalid",
        );
    }
    let user = f.get("username").map(String::as_str).unwrap_or("");
    let password = f.get("password").map(String::as_str).unwrap_or("");
    match world.login(plain_user(user), password) {
        Ok(token) => skin::json_response(
            StatusCode::OK,
            &json!({
                "access_token": token.expose(),
                "scope": "ovirt-app-api ovirt-ext=token-info:authz-search",
                "exp": "9223372036854775807",
                "token_type": "bearer"
            }),
        ),
        Err(_) => sso_error(
            StatusCode::UNAUTHORIZED,
            "access_denied",
            &format!("Cannot authenticate user '{user}': The username or password is incorrect.."),
        ),
    }
}

pub(super) fn sso_error(status: StatusCode, code: &str, message: &str) -> Response {
    skin::json_response(status, &json!({"error_code": code, "error": message}))
}

pub(super) fn form(body: &[u8]) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `admin@internal` -> `admin`; `internal\admin` style profiles are not used by oVirt.
pub(super) fn plain_user(u: &str) -> &str {
    u.split('@').next().unwrap_or(u)
}

pub(super) fn session_ok(world: &World, req: &Request) -> bool {
    let Some(raw) = skin::header(req, "authorization") else {
        return false;
    };
    let raw = raw.trim();
    if let Some(basic) = raw
        .strip_prefix("Basic ")
        .or_else(|| raw.strip_prefix("basic "))
    {
        let Some(decoded) = decode_base64(basic.trim()) else {
            return false;
        };
        let Some((user, password)) = decoded.split_once(':') else {
            return false;
        };
        return match world.login(plain_user(user), password) {
            Ok(t) => {
                world.logout(t.expose());
                true
            }
            Err(_) => false,
        };
    }
    skin::auth_token(req).is_some_and(|t| world.session_valid(t))
}

pub(super) fn decode_base64(s: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}
