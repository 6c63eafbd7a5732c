//! One error type for every backend.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::op::Op;

/// `Result` with omnivirt's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in a small set callers can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The object does not exist.
    NotFound,
    /// An object with that name or id exists already.
    AlreadyExists,
    /// The object is in a state that does not allow the operation (locked, running, ...).
    InvalidState,
    /// The caller passed something invalid.
    InvalidInput,
    /// The backend does not support the operation.
    Unsupported,
    /// Credentials missing, wrong or expired.
    Unauthenticated,
    /// Authenticated but not allowed.
    PermissionDenied,
    /// The server asks us to slow down.
    RateLimited,
    /// A deadline passed.
    Timeout,
    /// An asynchronous task ended in failure.
    TaskFailed,
    /// The network or TLS failed.
    Transport,
    /// The server answered something we could not understand.
    Protocol,
    /// The configuration is incomplete or contradictory.
    Config,
    /// Any other error the backend reported.
    Backend,
}

impl ErrorKind {
    /// The snake_case name, as printed by the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::AlreadyExists => "already_exists",
            ErrorKind::InvalidState => "invalid_state",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Unauthenticated => "unauthenticated",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Timeout => "timeout",
            ErrorKind::TaskFailed => "task_failed",
            ErrorKind::Transport => "transport",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Config => "config",
            ErrorKind::Backend => "backend",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the vendor said, scrubbed of secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VendorDetail {
    /// HTTP status code of the response.
    pub http_status: Option<u16>,
    /// The vendor's own error code.
    pub code: Option<String>,
    /// The vendor's own message.
    pub message: Option<String>,
}

impl VendorDetail {
    /// An empty detail.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the HTTP status.
    pub fn status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Sets the vendor code (whitespace runs become one space: an error prints on one line).
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(one_line(code.into()));
        self
    }

    /// Sets the vendor message (whitespace runs become one space: an error prints on one line).
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(one_line(message.into()));
        self
    }
}

/// The error of every omnivirt operation.
///
/// Match on [`Error::kind`]; read [`Error::detail`] for what the vendor said.
///
/// ```
/// use omnivirt_core::{Error, ErrorKind, Op, VendorDetail};
///
/// let err = Error::new(ErrorKind::InvalidState, "VM is locked")
///     .with_vendor("ovirt")
///     .with_op(Op::VmStart)
///     .with_detail(VendorDetail::new().status(409).code("LOCKED"));
/// assert_eq!(err.kind(), ErrorKind::InvalidState);
/// assert_eq!(
///     err.to_string(),
///     "invalid_state: VM is locked (vendor ovirt, op vm.start, HTTP 409, code LOCKED)"
/// );
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    retryable: bool,
    vendor: Option<&'static str>,
    op: Option<Op>,
    detail: Option<VendorDetail>,
    retry_after: Option<Duration>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind`. Transport, timeout and rate-limit errors start retryable.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                retryable: matches!(
                    kind,
                    ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::RateLimited
                ),
                vendor: None,
                op: None,
                detail: None,
                retry_after: None,
                source: None,
            }),
        }
    }

    /// `Unsupported` for `op` on `vendor`.
    pub fn unsupported(vendor: &'static str, op: Op) -> Self {
        Error::new(
            ErrorKind::Unsupported,
            format!("{op} is not supported by the {vendor} backend"),
        )
        .with_vendor(vendor)
        .with_op(op)
    }

    /// `NotFound` with a message.
    pub fn not_found(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::NotFound, message)
    }

    /// `InvalidInput` with a message.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    /// `Protocol` with a message: the server said something we could not understand.
    pub fn protocol(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Protocol, message)
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Our message (the vendor's is in [`Error::detail`]).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// True if repeating the same request may succeed.
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }

    /// The vendor, when known.
    pub fn vendor(&self) -> Option<&'static str> {
        self.inner.vendor
    }

    /// The operation, when known.
    pub fn op(&self) -> Option<Op> {
        self.inner.op
    }

    /// What the vendor said.
    pub fn detail(&self) -> Option<&VendorDetail> {
        self.inner.detail.as_ref()
    }

    /// The delay the server asked for (`Retry-After`), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Sets the retryable flag.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.inner.retryable = retryable;
        self
    }

    /// Sets the vendor.
    pub fn with_vendor(mut self, vendor: &'static str) -> Self {
        self.inner.vendor = Some(vendor);
        self
    }

    /// Sets the operation, unless one is set already.
    pub fn with_op(mut self, op: Op) -> Self {
        if self.inner.op.is_none() {
            self.inner.op = Some(op);
        }
        self
    }

    /// Sets the vendor detail.
    pub fn with_detail(mut self, detail: VendorDetail) -> Self {
        self.inner.detail = Some(detail);
        self
    }

    /// Sets the server's requested delay.
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.inner.retry_after = Some(delay);
        self
    }

    /// Sets the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Replaces the kind, keeping everything else.
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.inner.kind = kind;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.inner.kind, self.inner.message)?;
        let mut parts: Vec<String> = Vec::new();
        if let Some(v) = self.inner.vendor {
            parts.push(format!("vendor {v}"));
        }
        if let Some(op) = self.inner.op {
            parts.push(format!("op {op}"));
        }
        if let Some(d) = &self.inner.detail {
            if let Some(s) = d.http_status {
                parts.push(format!("HTTP {s}"));
            }
            if let Some(c) = &d.code {
                parts.push(format!("code {c}"));
            }
            if let Some(m) = &d.message
                && !self.inner.message.contains(m.as_str())
            {
                parts.push(format!("vendor message: {m}"));
            }
        }
        if !parts.is_empty() {
            write!(f, " ({})", parts.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("message", &self.inner.message)
            .field("retryable", &self.inner.retryable);
        if let Some(v) = self.inner.vendor {
            d.field("vendor", &v);
        }
        if let Some(op) = self.inner.op {
            d.field("op", &op);
        }
        if let Some(det) = &self.inner.detail {
            d.field("detail", det);
        }
        if let Some(s) = &self.inner.source {
            d.field("source", &s.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// `text` with every run of whitespace (newlines included) as one space.
fn one_line(text: String) -> String {
    if text.contains(|c: char| c.is_whitespace() && c != ' ') || text.contains("  ") {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_prints_on_one_line_whatever_the_server_sent() {
        // The vendor's code and message are the server's words; ours never hold a newline.
        let e = Error::new(ErrorKind::Backend, "Create VM timed out")
            .with_vendor("zstack")
            .with_detail(
                VendorDetail::new()
                    .status(503)
                    .code("SY\nS.1")
                    .message("a\r\nb"),
            );
        assert_eq!(e.to_string().lines().count(), 1, "{e}");
        assert!(e.to_string().contains("Create VM timed out"), "{e}");
        let d = e.detail().unwrap();
        assert_eq!(d.code.as_deref(), Some("SY S.1"));
        assert_eq!(d.message.as_deref(), Some("a b"));
    }

    #[test]
    fn transport_errors_start_retryable_and_others_do_not() {
        assert!(Error::new(ErrorKind::Transport, "x").is_retryable());
        assert!(!Error::new(ErrorKind::NotFound, "x").is_retryable());
    }

    #[test]
    fn display_does_not_repeat_vendor_message() {
        let e =
            Error::new(ErrorKind::Backend, "boom").with_detail(VendorDetail::new().message("boom"));
        assert_eq!(e.to_string(), "backend: boom");
    }
}
