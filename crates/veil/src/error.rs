//! VeiL error bodies -> [`omnivirt_core::Error`].

use std::fmt;

use omnivirt_core::{Error, ErrorKind, VendorDetail};
use serde::{Deserialize, Serialize};

use crate::VENDOR;

/// One entry of the error envelope `{"errors": [{code, detail, msg_key?}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorItem {
    /// The code: a string, numeric (`"50004"`) or not (`"invalid"`).
    #[serde(default, deserialize_with = "string_or_number")]
    pub code: Option<String>,
    /// Human-readable text (language from `Accept-Language`).
    #[serde(default)]
    pub detail: Option<String>,
    /// Message key, when sent.
    #[serde(default)]
    pub msg_key: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// The error envelope. It travels as the [`source`](std::error::Error::source) of the returned
/// error; read it back with [`error_body`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The errors; the first one is the one that counts.
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

impl ErrorBody {
    /// The first error's code as a number, like the Python client's `error_code`: 50000 when
    /// missing or not numeric.
    pub fn error_code(&self) -> u32 {
        self.errors
            .first()
            .and_then(|e| e.code.as_deref())
            .and_then(|c| c.parse().ok())
            .unwrap_or(50000)
    }

    /// The first error's detail.
    pub fn detail(&self) -> Option<&str> {
        self.errors.first().and_then(|e| e.detail.as_deref())
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.detail().unwrap_or("VeiL error"))
    }
}

impl std::error::Error for ErrorBody {}

/// The VeiL error body behind `err`, if the server sent one.
pub fn error_body(err: &Error) -> Option<&ErrorBody> {
    std::error::Error::source(err).and_then(|s| s.downcast_ref::<ErrorBody>())
}

/// Error codes with a known meaning, whatever the HTTP status.
pub const CODE_KINDS: &[(&str, ErrorKind)] = &[("50004", ErrorKind::NotFound)];

/// How a 400 (or 409) is classified by its text: VeiL's codes do not separate "wrong state" from
/// "bad input". First match wins; anything else is `InvalidInput`.
pub const MESSAGE_KINDS: &[(&str, ErrorKind)] = &[
    ("not found", ErrorKind::NotFound),
    ("does not exist", ErrorKind::NotFound),
    ("already exists", ErrorKind::AlreadyExists),
    ("is locked", ErrorKind::InvalidState),
    ("locked by", ErrorKind::InvalidState),
    ("is running", ErrorKind::InvalidState),
    ("is powered", ErrorKind::InvalidState),
    ("is not running", ErrorKind::InvalidState),
    ("is suspended", ErrorKind::InvalidState),
    ("is stopped", ErrorKind::InvalidState),
    ("is attached", ErrorKind::InvalidState),
    ("is not attached", ErrorKind::InvalidState),
    ("wrong state", ErrorKind::InvalidState),
    (": it is ", ErrorKind::InvalidState),
];

/// Words in a 403 that mean "your token is bad", not "you may not".
const AUTH_WORDS: &[&str] = &["signature", "token", "credentials", "authenticat"];

fn classify_text(text: &str) -> Option<ErrorKind> {
    let t = text.to_ascii_lowercase();
    MESSAGE_KINDS
        .iter()
        .find(|(needle, _)| t.contains(needle))
        .map(|(_, k)| *k)
}

/// Turns a non-2xx answer into an [`Error`].
///
/// 401 is `Unauthenticated`; 403 too when the text is about the token ("Signature has
/// expired."), else `PermissionDenied`; 404 `NotFound`; 400/409 by text (see
/// [`MESSAGE_KINDS`]); 418 (controller being upgraded) and 502-504 are retryable `Backend`.
pub fn parse_error(status: u16, body: &[u8], path: &str) -> Error {
    let parsed: Option<ErrorBody> = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .filter(|b| !b.errors.is_empty());
    // The server's words, on one line whatever it put in them (found by `cargo xtask fuzz`).
    let detail_text = parsed
        .as_ref()
        .and_then(|b| b.detail())
        .map(omnivirt_http::single_line)
        .filter(|d| !d.is_empty());
    let code = parsed
        .as_ref()
        .and_then(|b| b.errors.first())
        .and_then(|e| e.code.clone());
    let text = detail_text.as_deref().unwrap_or("");
    let by_code = code
        .as_deref()
        .and_then(|c| CODE_KINDS.iter().find(|(k, _)| *k == c).map(|(_, v)| *v));
    let kind = match status {
        401 => ErrorKind::Unauthenticated,
        403 => {
            let t = text.to_ascii_lowercase();
            if AUTH_WORDS.iter().any(|w| t.contains(w)) {
                ErrorKind::Unauthenticated
            } else {
                ErrorKind::PermissionDenied
            }
        }
        404 => ErrorKind::NotFound,
        408 => ErrorKind::Timeout,
        429 => ErrorKind::RateLimited,
        400 | 409 | 422 => by_code
            .or_else(|| classify_text(text))
            .unwrap_or(if status == 409 {
                ErrorKind::InvalidState
            } else {
                ErrorKind::InvalidInput
            }),
        _ => by_code.unwrap_or(ErrorKind::Backend),
    };
    let message = match &detail_text {
        Some(d) => format!("{path}: {d}"),
        None if status == 418 => {
            format!("{path}: HTTP 418: the controller is being upgraded; try again later")
        }
        None => match omnivirt_http::one_line(body) {
            Some(line) => format!("{path}: HTTP {status}: {line}"),
            None => format!("{path}: HTTP {status} with an empty body"),
        },
    };
    let mut vd = VendorDetail::new().status(status);
    if let Some(c) = code {
        vd = vd.code(c);
    }
    if let Some(d) = detail_text {
        vd = vd.message(d);
    }
    let retryable = matches!(status, 418 | 429 | 502 | 503 | 504);
    let mut err = Error::new(kind, message)
        .with_vendor(VENDOR)
        .with_detail(vd)
        .with_retryable(retryable);
    if let Some(b) = parsed {
        err = err.with_source(b);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_error_examples() {
        let raw = include_str!("../../../fixtures/veil/samples/error_examples.json");
        let examples: Vec<serde_json::Value> = serde_json::from_str(raw).unwrap();
        let mut seen = 0;
        for ex in &examples {
            let Some(status) = ex["http_status_in_source"].as_u64() else {
                continue;
            };
            let body = serde_json::to_vec(&ex["body"]).unwrap();
            let e = parse_error(status as u16, &body, "/api/x/");
            // Both non-auth examples say "URL is not found." (code 50004 on a 500, a
            // non-numeric code on a 400).
            let want = match status {
                401 => ErrorKind::Unauthenticated,
                _ => ErrorKind::NotFound,
            };
            assert_eq!(e.kind(), want, "{ex}");
            assert!(error_body(&e).is_some());
            seen += 1;
        }
        assert_eq!(seen, 3);
    }

    #[test]
    fn a_detail_with_newlines_is_one_line() {
        let e = parse_error(
            401,
            br#"{"errors":[{"detail":"Sig\nnature has\r\n expired.","code":"401"}]}"#,
            "/api/domains/",
        );
        assert_eq!(e.to_string().lines().count(), 1, "{e}");
        assert!(e.to_string().contains("Sig nature has expired."), "{e}");
    }

    #[test]
    fn html_error_pages_are_one_line_with_the_status() {
        let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                     <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                     </body>\r\n</html>\r\n";
        let e = parse_error(502, nginx.as_bytes(), "/api/domains/");
        assert_eq!(e.to_string().lines().count(), 1, "{e}");
        assert!(e.to_string().contains("HTTP 502: 502 Bad Gateway"), "{e}");
        assert_eq!(e.detail().unwrap().http_status, Some(502));
        let py = "<!DOCTYPE HTML>\n<html>\n<head>\n<title>Error response</title>\n</head>\n\
                  <body>\n<h1>Error response</h1>\n<p>Error code: 404</p>\n</body>\n</html>\n";
        let e = parse_error(404, py.as_bytes(), "/api/domains/");
        assert!(!e.to_string().contains('\n'), "{e}");
        assert!(e.to_string().contains("HTTP 404: Error response"), "{e}");
    }

    #[test]
    fn status_table() {
        let cases: &[(u16, &str, ErrorKind, bool)] = &[
            (
                400,
                r#"{"errors":[{"code":"400","detail":"bad colour"}]}"#,
                ErrorKind::InvalidInput,
                false,
            ),
            (
                400,
                r#"{"errors":[{"code":"400","detail":"cannot start VM a: it is running"}]}"#,
                ErrorKind::InvalidState,
                false,
            ),
            (
                403,
                r#"{"errors":[{"detail":"Signature has expired.","code":"invalid"}]}"#,
                ErrorKind::Unauthenticated,
                false,
            ),
            (
                403,
                r#"{"errors":[{"detail":"You do not have permission","code":"permission_denied"}]}"#,
                ErrorKind::PermissionDenied,
                false,
            ),
            (
                404,
                r#"{"errors":[{"detail":"Not found.","code":"not_found"}]}"#,
                ErrorKind::NotFound,
                false,
            ),
            (
                409,
                r#"{"errors":[{"detail":"busy","code":"409"}]}"#,
                ErrorKind::InvalidState,
                false,
            ),
            (418, "", ErrorKind::Backend, true),
            (503, "<html>starting</html>", ErrorKind::Backend, true),
        ];
        for (status, body, kind, retry) in cases {
            let e = parse_error(*status, body.as_bytes(), "/api/domains/");
            assert_eq!(e.kind(), *kind, "{status} {body}");
            assert_eq!(e.is_retryable(), *retry, "{status} {body}");
            assert_eq!(e.detail().unwrap().http_status, Some(*status));
        }
        assert!(parse_error(418, b"", "/x").to_string().contains("upgraded"));
        let b: ErrorBody = serde_json::from_str(r#"{"errors":[{"code":50004}]}"#).unwrap();
        assert_eq!(b.error_code(), 50004);
        let b: ErrorBody = serde_json::from_str(r#"{"errors":[{"code":"invalid"}]}"#).unwrap();
        assert_eq!(b.error_code(), 50000);
    }
}
