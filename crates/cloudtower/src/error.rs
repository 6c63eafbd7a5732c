//! CloudTower error bodies -> [`omnivirt_core::Error`].

use std::fmt;

use omnivirt_core::{Error, ErrorKind, VendorDetail};
use serde::{Deserialize, Serialize};

use crate::VENDOR;

/// The `ErrorBody` the API answers with on 400, 404 and 500:
/// `{message, status, path, code?, props?}`.
///
/// It travels as the [`source`](std::error::Error::source) of the returned error; read it back
/// with [`error_body`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// Human-readable message (localised by `content-language`).
    #[serde(default)]
    pub message: String,
    /// HTTP status the server meant.
    #[serde(default)]
    pub status: Option<u16>,
    /// The API path, e.g. `/remove-vm-disk`.
    #[serde(default)]
    pub path: Option<String>,
    /// Error code; the 4.6.0 spec knows only `ResourceLocked`.
    #[serde(default)]
    pub code: Option<String>,
    /// Free-form details, e.g. `{"locked_resources": [{"id", "type"}]}`.
    #[serde(default)]
    pub props: Option<serde_json::Value>,
    /// GraphQL operation name, when set.
    #[serde(default, rename = "operationName")]
    pub operation_name: Option<String>,
}

impl ErrorBody {
    /// The resources a `ResourceLocked` error names, as `(id, type)` pairs.
    pub fn locked_resources(&self) -> Vec<(String, String)> {
        let Some(list) = self
            .props
            .as_ref()
            .and_then(|p| p.get("locked_resources"))
            .and_then(|l| l.as_array())
        else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|r| {
                let id = r.get("id")?.as_str()?.to_owned();
                let ty = r.get("type").and_then(|t| t.as_str()).unwrap_or("");
                Some((id, ty.to_owned()))
            })
            .collect()
    }

    /// True for `code: ResourceLocked`.
    pub fn is_resource_locked(&self) -> bool {
        self.code.as_deref() == Some("ResourceLocked")
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ErrorBody {}

/// The CloudTower error body behind `err`, if the server sent one.
pub fn error_body(err: &Error) -> Option<&ErrorBody> {
    std::error::Error::source(err).and_then(|s| s.downcast_ref::<ErrorBody>())
}

/// Turns a non-2xx answer into an [`Error`].
///
/// `ResourceLocked` (HTTP 400) is `InvalidState` and retryable: the same call succeeds once the
/// lock holder's task ends.
pub fn parse_error(status: u16, body: &[u8], path: &str) -> Error {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let locked = parsed.as_ref().is_some_and(ErrorBody::is_resource_locked);
    let kind = if locked {
        ErrorKind::InvalidState
    } else {
        match status {
            400 => classify_400(parsed.as_ref().map_or("", |b| b.message.as_str())),
            401 => ErrorKind::Unauthenticated,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            408 => ErrorKind::Timeout,
            409 => ErrorKind::AlreadyExists,
            429 => ErrorKind::RateLimited,
            _ => ErrorKind::Backend,
        }
    };
    let vendor_msg = parsed
        .as_ref()
        .map(|b| b.message.clone())
        .filter(|m| !m.is_empty());
    let message = match (&vendor_msg, status) {
        (Some(m), _) => format!("{path}: {m}"),
        (None, 307) => {
            format!("{path}: HTTP 307: this CloudTower node is passive; connect to the active node")
        }
        (None, _) => match omnivirt_http::one_line(body) {
            Some(line) => format!("{path}: HTTP {status}: {line}"),
            None => format!("{path}: HTTP {status} with an empty body"),
        },
    };
    let mut detail = VendorDetail::new().status(status);
    if let Some(c) = parsed.as_ref().and_then(|b| b.code.clone()) {
        detail = detail.code(c);
    }
    if let Some(m) = vendor_msg {
        detail = detail.message(m);
    }
    let retryable = locked || matches!(status, 429 | 502 | 503 | 504);
    let mut err = Error::new(kind, message)
        .with_vendor(VENDOR)
        .with_detail(detail)
        .with_retryable(retryable);
    if let Some(b) = parsed {
        err = err.with_source(b);
    }
    err
}

/// How a plain HTTP 400 is classified by its message: the API has one error code
/// (`ResourceLocked`), so "wrong state" and "bad input" differ only in words. First match wins;
/// anything else is `InvalidInput`.
pub const MESSAGE_KINDS: &[(&str, ErrorKind)] = &[
    ("not found", ErrorKind::NotFound),
    ("not exist", ErrorKind::NotFound),
    ("already exist", ErrorKind::AlreadyExists),
    ("duplicate", ErrorKind::AlreadyExists),
    ("is running", ErrorKind::InvalidState),
    ("is stopped", ErrorKind::InvalidState),
    ("is suspended", ErrorKind::InvalidState),
    ("is not running", ErrorKind::InvalidState),
    ("is powered off", ErrorKind::InvalidState),
    ("is powered on", ErrorKind::InvalidState),
    ("in use", ErrorKind::InvalidState),
    ("is attached", ErrorKind::InvalidState),
    ("is not attached", ErrorKind::InvalidState),
    ("maintenance", ErrorKind::InvalidState),
    ("vm status", ErrorKind::InvalidState),
    ("invalid state", ErrorKind::InvalidState),
    (": it is ", ErrorKind::InvalidState),
];

fn classify_400(message: &str) -> ErrorKind {
    let m = message.to_ascii_lowercase();
    MESSAGE_KINDS
        .iter()
        .find(|(needle, _)| m.contains(needle))
        .map_or(ErrorKind::InvalidInput, |(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_error_pages_are_one_line_with_the_status() {
        let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                     <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                     </body>\r\n</html>\r\n";
        let e = parse_error(502, nginx.as_bytes(), "/v2/api/get-vms");
        assert!(!e.to_string().contains('\n'), "{e}");
        assert!(e.to_string().contains("HTTP 502: 502 Bad Gateway"), "{e}");
        assert_eq!(e.detail().unwrap().http_status, Some(502));
        let py = "<!DOCTYPE HTML>\n<html>\n<head>\n<title>Error response</title>\n</head>\n\
                  <body>\n<h1>Error response</h1>\n<p>Error code: 404</p>\n</body>\n</html>\n";
        let e = parse_error(404, py.as_bytes(), "/v2/api/get-vms");
        assert!(!e.to_string().contains('\n'), "{e}");
        assert!(e.to_string().contains("HTTP 404: Error response"), "{e}");
    }

    #[test]
    fn resource_locked_is_retryable_invalid_state() {
        let body = br#"{"path":"/remove-vm-disk","status":400,"message":"Resource [VM-c1] locked","props":{"locked_resources":[{"id":"c1","type":"VM"}]},"code":"ResourceLocked"}"#;
        let e = parse_error(400, body, "/remove-vm-disk");
        assert_eq!(e.kind(), ErrorKind::InvalidState);
        assert!(e.is_retryable());
        assert_eq!(e.detail().unwrap().code.as_deref(), Some("ResourceLocked"));
        let b = error_body(&e).unwrap();
        assert_eq!(b.locked_resources(), vec![("c1".into(), "VM".into())]);
    }

    #[test]
    fn status_table() {
        let cases: &[(u16, &str, ErrorKind)] = &[
            (
                400,
                r#"{"message":"bad where","status":400,"path":"/x"}"#,
                ErrorKind::InvalidInput,
            ),
            (
                400,
                r#"{"message":"vm name already exists","status":400,"path":"/x"}"#,
                ErrorKind::AlreadyExists,
            ),
            (401, "", ErrorKind::Unauthenticated),
            (403, "", ErrorKind::PermissionDenied),
            (
                404,
                r#"{"message":"no such vm","status":404,"path":"/x"}"#,
                ErrorKind::NotFound,
            ),
            (500, "<html>oops</html>", ErrorKind::Backend),
            (307, "", ErrorKind::Backend),
        ];
        for (status, body, kind) in cases {
            let e = parse_error(*status, body.as_bytes(), "/x");
            assert_eq!(e.kind(), *kind, "{status} {body}");
            assert_eq!(e.detail().unwrap().http_status, Some(*status));
        }
        assert!(parse_error(307, b"", "/x").to_string().contains("passive"));
    }
}
