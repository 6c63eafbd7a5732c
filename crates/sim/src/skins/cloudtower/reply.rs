//! CloudTower's error bodies (`{message, status, path, code?, props?}`) and request ids.

use http::StatusCode;
use omnivirt_http::Response;
use serde_json::{Value, json};

use crate::error::SimError;
use crate::skin;

pub(super) struct Fail {
    pub(super) status: u16,
    pub(super) message: String,
    pub(super) code: Option<&'static str>,
    pub(super) props: Option<Value>,
}

pub(super) fn fail(status: u16, message: impl Into<String>) -> Fail {
    Fail {
        status,
        message: message.into(),
        code: None,
        props: None,
    }
}

pub(super) fn bad(message: impl Into<String>) -> Fail {
    fail(400, message)
}

pub(super) fn sim_fail(e: &SimError, locked: Option<(&str, &str)>) -> Fail {
    if e.is_locked() {
        let (id, ty) = locked.unwrap_or(("", "VM"));
        return Fail {
            status: 400,
            message: format!("Resource [{ty}-{id}] locked"),
            code: Some("ResourceLocked"),
            props: Some(json!({"locked_resources": [{"id": id, "type": ty}]})),
        };
    }
    let status = match e.kind() {
        omnivirt_core::ErrorKind::NotFound => 404,
        omnivirt_core::ErrorKind::Unauthenticated => 401,
        _ => 400,
    };
    fail(status, e.message())
}

pub(super) fn error_body(path: &str, f: Fail) -> Response {
    let mut body = json!({"message": f.message, "status": f.status, "path": path});
    if let Some(c) = f.code {
        body["code"] = json!(c);
    }
    if let Some(p) = f.props {
        body["props"] = p;
    }
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST);
    with_request_id(skin::json_response(status, &body))
}

pub(super) fn with_request_id(mut resp: Response) -> Response {
    resp.headers.insert(
        "x-tower-request-id",
        http::HeaderValue::from_static("sim-request"),
    );
    resp
}
