//! VeiL's answers: `{"errors": [...]}` bodies, single objects and the 202 with a `_task`.

use http::StatusCode;
use omnivirt_core::ErrorKind;
use omnivirt_http::Response;
use serde_json::{Value, json};

use super::render::task_json;
use crate::error::SimError;
use crate::skin;
use crate::world::World;

pub(super) fn errors(status: StatusCode, code: &str, detail: &str) -> Response {
    skin::json_response(
        status,
        &json!({"errors": [{"code": code, "detail": detail}]}),
    )
}

pub(super) fn bad(detail: &str) -> Response {
    errors(StatusCode::BAD_REQUEST, "400", detail)
}

pub(super) fn fault(e: &SimError) -> Response {
    match e.kind() {
        ErrorKind::NotFound => errors(StatusCode::NOT_FOUND, "404", e.message()),
        ErrorKind::Unauthenticated => errors(StatusCode::UNAUTHORIZED, "invalid", e.message()),
        _ if e.is_locked() => errors(
            StatusCode::BAD_REQUEST,
            "locked",
            &format!("{} (is locked by a running task)", e.message()),
        ),
        _ => errors(StatusCode::BAD_REQUEST, "400", e.message()),
    }
}

/// A single object, or the World's refusal as VeiL's error body.
pub(super) fn one(r: Result<Value, SimError>) -> Response {
    match r {
        Ok(v) => skin::json_response(StatusCode::OK, &v),
        Err(e) => fault(&e),
    }
}

pub(super) fn accepted(
    world: &World,
    user: &str,
    task: &str,
    entity: Option<&str>,
    extra: &[(String, &'static str)],
) -> Response {
    let t = match world.peek_task(task) {
        Ok(t) => t,
        Err(e) => return fault(&e),
    };
    let mut body = json!({"_task": task_json(&t, user, extra)});
    if let Some(e) = entity {
        body["entity"] = json!(e);
    }
    skin::json_response(StatusCode::ACCEPTED, &body)
}
