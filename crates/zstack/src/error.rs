//! ZStack error answers -> [`omnivirt_core::Error`].
//!
//! The REST layer answers its own problems (bad parameters, missing headers, unknown paths) in
//! plain text with 400/403/404/405/500; an API that ran and failed answers 503 with
//! `{"error": ErrorCode}`, and so does a failed job poll. The code (`SYS.1003`, `ID.1001`,
//! `VM.1010`) decides the kind.

use omnivirt_core::{Error, ErrorKind, VendorDetail};

use crate::VENDOR;
use crate::wire::{ErrorCode, ErrorEnvelope};

/// The error code table: code -> (kind, retryable). Codes not listed fall back by prefix in
/// [`kind_of_code`].
pub const ERROR_CODES: &[(&str, ErrorKind, bool)] = &[
    ("ID.1000", ErrorKind::Unauthenticated, false),
    ("ID.1001", ErrorKind::Unauthenticated, false),
    ("ID.1002", ErrorKind::PermissionDenied, false),
    ("ID.1003", ErrorKind::PermissionDenied, false),
    ("ID.1005", ErrorKind::Unauthenticated, false),
    ("ID.1006", ErrorKind::RateLimited, false),
    ("SYS.1000", ErrorKind::Backend, false),
    ("SYS.1001", ErrorKind::Timeout, true),
    ("SYS.1003", ErrorKind::NotFound, false),
    ("SYS.1005", ErrorKind::InvalidState, false),
    // OPERATION_ERROR (`operr`): what the server answers when an object's state or its
    // relations forbid the operation now.
    ("SYS.1006", ErrorKind::InvalidState, false),
    ("SYS.1007", ErrorKind::InvalidInput, false),
    ("SYS.1008", ErrorKind::Unsupported, false),
    ("SYS.1009", ErrorKind::Backend, true),
    ("SYS.1010", ErrorKind::Backend, true),
    ("SYS.1011", ErrorKind::Backend, true),
    ("SYS.1012", ErrorKind::Backend, true),
    ("SYS.1013", ErrorKind::Unsupported, false),
    ("SYS.1014", ErrorKind::Unsupported, false),
    ("SYS.1017", ErrorKind::TaskFailed, false),
    ("VM.1010", ErrorKind::InvalidState, false),
];

/// The kind and retryability of an `ErrorCode`, from [`ERROR_CODES`], then from its text:
/// an argument error that names a missing resource is `NotFound`.
pub fn kind_of_code(code: Option<&str>, text: &str) -> (ErrorKind, bool) {
    let lower = text.to_ascii_lowercase();
    let not_found = lower.contains("not found") || lower.contains("cannot find");
    match code {
        Some("SYS.1007") if not_found => (ErrorKind::NotFound, false),
        Some(c) => {
            if let Some((_, k, r)) = ERROR_CODES.iter().find(|(known, _, _)| *known == c) {
                (*k, *r)
            } else if not_found {
                (ErrorKind::NotFound, false)
            } else {
                (ErrorKind::Backend, false)
            }
        }
        None if not_found => (ErrorKind::NotFound, false),
        None => (ErrorKind::Backend, false),
    }
}

/// An `ErrorCode` as an omnivirt error (used for 503 bodies and failed jobs).
pub fn from_error_code(status: u16, ec: &ErrorCode) -> Error {
    let message = ec.message();
    let code = ec.effective_code();
    let (kind, retryable) = kind_of_code(code, &message);
    let mut detail = VendorDetail::new().status(status).message(message.clone());
    if let Some(c) = code {
        detail = detail.code(c);
    }
    Error::new(kind, message)
        .with_vendor(VENDOR)
        .with_retryable(retryable)
        .with_detail(detail)
}

/// Turns any non-success answer into an error.
///
/// ```
/// use omnivirt_core::ErrorKind;
/// let e = omnivirt_zstack::error::parse_error(
///     503,
///     br#"{"error": {"code": "SYS.1003", "details": "no VM[uuid:42]"}}"#,
/// );
/// assert_eq!(e.kind(), ErrorKind::NotFound);
/// let e = omnivirt_zstack::error::parse_error(400, b"missing header 'Authorization'");
/// assert_eq!(e.kind(), ErrorKind::Unauthenticated);
/// ```
pub fn parse_error(status: u16, body: &[u8]) -> Error {
    if let Ok(env) = serde_json::from_slice::<ErrorEnvelope>(body) {
        return from_error_code(status, &env.error);
    }
    let text = String::from_utf8_lossy(body).trim().to_owned();
    let lower = text.to_ascii_lowercase();
    let (kind, retryable) = match status {
        400 if lower.contains("authorization") => (ErrorKind::Unauthenticated, false),
        400 => (ErrorKind::InvalidInput, false),
        401 => (ErrorKind::Unauthenticated, false),
        403 => (ErrorKind::PermissionDenied, false),
        404 if lower.contains("no api mapping") => (ErrorKind::Unsupported, false),
        404 => (ErrorKind::NotFound, false),
        405 => (ErrorKind::Protocol, false),
        429 => (ErrorKind::RateLimited, true),
        500..=599 => (ErrorKind::Backend, true),
        _ => (ErrorKind::Protocol, false),
    };
    // Plain-text bodies are short REST-layer messages, but a proxy in front may send an HTML
    // page: one line either way (the page's title), with the status.
    let message = match omnivirt_http::one_line(body) {
        Some(line) => format!("HTTP {status}: {line}"),
        None => format!("HTTP {status} with an empty body"),
    };
    Error::new(kind, message.clone())
        .with_vendor(VENDOR)
        .with_retryable(retryable)
        .with_detail(VendorDetail::new().status(status).message(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_code_with_newlines_is_one_line() {
        let body = br#"{"error": {"code": "SYS.1001", "details": "Create VM o\ntimed  out",
                        "cause": {"code": "SYS.1000", "details": "a\r\nb"}}}"#;
        let e = parse_error(503, body);
        assert_eq!(e.to_string().lines().count(), 1, "{e}");
        assert!(
            e.to_string()
                .contains("Create VM o timed out; caused by: a b"),
            "{e}"
        );
    }

    #[test]
    fn html_error_pages_are_one_line_with_the_status() {
        let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                     <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                     </body>\r\n</html>\r\n";
        let e = parse_error(502, nginx.as_bytes());
        assert!(!e.to_string().contains('\n'), "{e}");
        assert!(e.to_string().contains("HTTP 502: 502 Bad Gateway"), "{e}");
        assert!(!e.to_string().contains("<center>"), "{e}");
        assert_eq!(e.detail().unwrap().http_status, Some(502));
        let py = "<!DOCTYPE HTML>\n<html>\n<head>\n<title>Error response</title>\n</head>\n\
                  <body>\n<h1>Error response</h1>\n<p>Error code: 404</p>\n</body>\n</html>\n";
        let e = parse_error(404, py.as_bytes());
        assert!(!e.to_string().contains('\n'), "{e}");
        assert!(e.to_string().contains("HTTP 404: Error response"), "{e}");
    }

    #[test]
    fn code_table() {
        let cases: &[(&str, &str, ErrorKind)] = &[
            ("ID.1001", "Session expired", ErrorKind::Unauthenticated),
            ("ID.1002", "permission denied", ErrorKind::PermissionDenied),
            ("SYS.1003", "gone", ErrorKind::NotFound),
            (
                "SYS.1007",
                "invalid field[uuid], resource[uuid:1, type:VmInstanceVO] not found",
                ErrorKind::NotFound,
            ),
            ("SYS.1007", "name is empty", ErrorKind::InvalidInput),
            (
                "SYS.1006",
                "volume is attached to a VM",
                ErrorKind::InvalidState,
            ),
            ("SYS.9999", "something else", ErrorKind::Backend),
            ("VM.1010", "wrong state", ErrorKind::InvalidState),
            ("VM.1001", "start failed", ErrorKind::Backend),
            ("SYS.1014", "unimplemented", ErrorKind::Unsupported),
        ];
        for (code, text, want) in cases {
            assert_eq!(kind_of_code(Some(code), text).0, *want, "{code} {text}");
        }
        assert!(kind_of_code(Some("SYS.1001"), "").1);
    }

    #[test]
    fn plain_text_statuses() {
        assert_eq!(
            parse_error(400, b"invalid parameter").kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            parse_error(400, b"Authorization type must be 'OAuth'").kind(),
            ErrorKind::Unauthenticated
        );
        let e = parse_error(404, b"the job has been expired");
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(
            parse_error(404, b"no api mapping to /v1/nope").kind(),
            ErrorKind::Unsupported
        );
        let e = parse_error(500, b"");
        assert!(e.is_retryable());
        assert!(e.message().contains("empty body"));
    }

    #[test]
    fn nested_causes() {
        let body = br#"{"error": {"causes": [{"code": "SYS.1000", "details": "on purpose"}],
            "location": "VmInstanceBase.java"}}"#;
        let e = parse_error(503, body);
        assert_eq!(e.kind(), ErrorKind::Backend);
        assert_eq!(e.detail().and_then(|d| d.code.as_deref()), Some("SYS.1000"));
        assert!(e.message().contains("on purpose"));
    }
}
