//! Sessions: login with the SHA-512 digest of the password, and the session check.

use omnivirt_http::Request;
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use super::ZStackSkin;
use super::ids::{ext, gson_date};
use super::reply::{Fail, code, invalid_arg, text};
use crate::ids::uuid_from;
use crate::skin;
use crate::world::World;

/// SHA-512 of `data` as lower-case hex: the digest ZStack clients send instead of the password.
pub(super) fn sha512_hex(data: &[u8]) -> String {
    Sha512::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ZStackSkin {
    pub(super) fn login(&self, world: &World, body: &Value) -> Result<Value, Fail> {
        let Some(args) = body.get("logInByAccount") else {
            return Err(text(
                400,
                "the body of PUT /v1/accounts/login must be {\"logInByAccount\": {...}}",
            ));
        };
        let name = args
            .get("accountName")
            .and_then(Value::as_str)
            .unwrap_or("");
        let digest = args.get("password").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() || digest.is_empty() {
            return Err(invalid_arg(
                "field[accountName] and field[password] are mandatory",
            ));
        }
        let digest = digest.to_ascii_lowercase();
        let plain = self
            .passwords
            .iter()
            .find(|p| sha512_hex(p.as_bytes()) == digest)
            .cloned();
        let session = plain
            .and_then(|p| world.login(name, &p).ok())
            .or_else(|| world.login(name, &digest).ok());
        match session {
            Some(token) => {
                let now = world.now();
                Ok(json!({"inventory": {
                    "uuid": token.expose(),
                    "accountUuid": ext(&uuid_from(&format!("zstack-account-{name}"))),
                    "userUuid": ext(&uuid_from(&format!("zstack-account-{name}"))),
                    "userType": "AccountVO",
                    "expiredDate": gson_date(now + 7200),
                    "createDate": gson_date(now),
                }}))
            }
            None => Err(code(
                "ID.1000",
                "Authentication error",
                "wrong account name or password",
            )),
        }
    }
}

/// `None` when the request carries a live session; the REST layer's or the interceptor's
/// answer otherwise.
pub(super) fn check_session(world: &World, req: &Request) -> Option<Fail> {
    let Some(h) = skin::header(req, "authorization") else {
        return Some(text(400, "missing header 'Authorization'"));
    };
    let h = h.trim();
    let token = match h.split_once(' ') {
        Some(("OAuth", t)) => t.trim(),
        _ => return Some(text(400, "Authorization type must be 'OAuth'")),
    };
    (!world.session_valid(token)).then(|| code("ID.1001", "invalid session", "Session expired"))
}
