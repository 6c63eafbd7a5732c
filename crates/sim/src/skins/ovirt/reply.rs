//! The engine's answers: faults (with its codes and wording), action results, list documents.

use http::StatusCode;
use omnivirt_core::ErrorKind;
use omnivirt_http::Response;

use super::API;
use super::xml::X;
use crate::error::SimError;
use crate::skin;

pub(super) fn fault(status: StatusCode, reason: &str, detail: &str) -> Response {
    let mut x = X::new(false);
    x.open("fault");
    x.leaf("reason", reason);
    x.leaf("detail", detail);
    x.close("fault");
    skin::xml_response(status, x.doc())
}

/// What the engine answers for a path below the API it has no resource for (an operation the
/// simulator does not implement, or a misspelt one): the JAX-RS layer's `404 Not Found` with an
/// empty body, the same as for a missing object, so clients report it as `NotFound`.
pub(super) fn unknown_path() -> Response {
    not_found_empty()
}

pub(super) fn unauthorized() -> Response {
    let mut r = skin::text_response(
        StatusCode::UNAUTHORIZED,
        "<html><head><title>Error</title></head><body>Unauthorized</body></html>",
    );
    r.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/html;charset=UTF-8"),
    );
    r
}

/// A World error as the engine would answer it for `verb` (`run`, `stop`, `add`...).
pub(super) fn sim_fault(e: &SimError, what: &str) -> Response {
    let (status, detail) = match e.kind() {
        ErrorKind::NotFound => (
            StatusCode::NOT_FOUND,
            format!("Entity not found: {}", e.message()),
        ),
        ErrorKind::AlreadyExists => (
            StatusCode::CONFLICT,
            format!(
                "[Cannot {what}. The VM name is already in use, please choose a unique name and try again. ({})]",
                e.message()
            ),
        ),
        ErrorKind::InvalidState if e.is_locked() => (
            StatusCode::CONFLICT,
            format!(
                "[Cannot {what}. Related operation is currently in progress. Please try again later. ({})]",
                e.message()
            ),
        ),
        ErrorKind::InvalidState => (
            StatusCode::CONFLICT,
            format!("[Cannot {what}. {}]", e.message()),
        ),
        ErrorKind::Unauthenticated => return unauthorized(),
        _ => (
            StatusCode::BAD_REQUEST,
            format!("[Cannot {what}. {}]", e.message()),
        ),
    };
    fault(status, "Operation Failed", &detail)
}

pub(super) fn bad_request(detail: &str) -> Response {
    fault(StatusCode::BAD_REQUEST, "Incomplete parameters", detail)
}

pub(super) fn action_ok(job: Option<&str>) -> Response {
    let mut x = X::new(false);
    x.open("action");
    if let Some(j) = job {
        x.reference("job", &format!("{API}/jobs/{j}"), j);
    }
    x.leaf("status", "complete");
    x.close("action");
    skin::xml_response(StatusCode::OK, x.doc())
}

pub(super) fn not_found_empty() -> Response {
    skin::empty_response(StatusCode::NOT_FOUND)
}

pub(super) fn list_doc(tag: &str, inner: String) -> Response {
    let mut x = X::list(false, tag, inner.len());
    x.s.push_str(&inner);
    list_response(x, tag)
}

/// The list document begun with [`X::list`], as the answer.
pub(super) fn list_response(x: X, tag: &str) -> Response {
    skin::xml_response(StatusCode::OK, x.end_list(tag))
}
