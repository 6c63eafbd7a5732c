//! ZStack's failures: plain-text REST-layer errors and `{"error": ErrorCode}` bodies.

use http::StatusCode;
use omnivirt_core::ErrorKind;
use omnivirt_http::Response;
use serde_json::json;

use crate::error::SimError;
use crate::skin;

pub(super) enum FailBody {
    Text(String),
    Code {
        code: &'static str,
        description: &'static str,
        details: String,
    },
}

pub(super) struct Fail {
    pub(super) status: u16,
    pub(super) body: FailBody,
}

/// A REST-layer failure: plain text.
pub(super) fn text(status: u16, msg: impl Into<String>) -> Fail {
    Fail {
        status,
        body: FailBody::Text(msg.into()),
    }
}

/// An API failure: 503 with an `ErrorCode`.
pub(super) fn code(
    code: &'static str,
    description: &'static str,
    details: impl Into<String>,
) -> Fail {
    Fail {
        status: 503,
        body: FailBody::Code {
            code,
            description,
            details: details.into(),
        },
    }
}

pub(super) fn invalid_arg(details: impl Into<String>) -> Fail {
    code("SYS.1007", "One or more API argument is invalid", details)
}

pub(super) fn respond(f: Fail) -> Response {
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match f.body {
        FailBody::Text(t) => skin::text_response(status, t),
        FailBody::Code {
            code,
            description,
            details,
        } => skin::json_response(
            status,
            &json!({"error": {"code": code, "description": description, "details": details}}),
        ),
    }
}

/// What the API interceptor would say about a refusal of the World.
pub(super) fn refused(e: &SimError, vm_op: bool) -> Fail {
    let msg = e.message().to_owned();
    match e.kind() {
        ErrorKind::NotFound => code("SYS.1003", "Resource not found", msg),
        ErrorKind::InvalidState if vm_op => code(
            "VM.1010",
            "The VM is not in a correct state for the operation",
            msg,
        ),
        ErrorKind::InvalidState => code("SYS.1006", "An operation failed", msg),
        ErrorKind::InvalidInput | ErrorKind::AlreadyExists => invalid_arg(msg),
        ErrorKind::Unauthenticated => code("ID.1000", "Authentication error", msg),
        _ => code("SYS.1000", "An internal error happened in system", msg),
    }
}
