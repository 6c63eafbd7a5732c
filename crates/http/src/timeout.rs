//! [`TimeoutLayer`]: per-attempt timeouts and overall deadlines.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::stream::StreamExt;
use omnivirt_core::{Error, ErrorKind, Result};

use crate::transport::{Body, Request, Response, Transport};

/// The two time limits of a stack.
///
/// `per_attempt` bounds one try (below the retry layer, so a hung try can be repeated when
/// the request is idempotent); `overall` bounds the whole call, retries and waits included
/// (above the retry layer). `None` means no limit.
///
/// ```
/// use std::time::Duration;
/// use omnivirt_http::Timeouts;
///
/// let t: Timeouts = serde_json::from_str(r#"{"per_attempt_ms": 5000}"#).unwrap();
/// assert_eq!(t.per_attempt, Some(Duration::from_secs(5)));
/// assert_eq!(Timeouts::new().overall(None).overall, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(from = "TimeoutsConfig")]
#[non_exhaustive]
pub struct Timeouts {
    /// The limit for one attempt (default 60 s).
    pub per_attempt: Option<Duration>,
    /// The limit for the whole call, retries included (default 180 s).
    pub overall: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            per_attempt: Some(Duration::from_secs(60)),
            overall: Some(Duration::from_secs(180)),
        }
    }
}

impl Timeouts {
    /// The defaults: 60 s per attempt, 180 s overall.
    pub fn new() -> Self {
        Self::default()
    }

    /// No limits at all.
    pub fn none() -> Self {
        Timeouts {
            per_attempt: None,
            overall: None,
        }
    }

    /// Sets the per-attempt limit.
    #[must_use]
    pub fn per_attempt(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.per_attempt = d.into();
        self
    }

    /// Sets the overall limit.
    #[must_use]
    pub fn overall(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.overall = d.into();
        self
    }
}

/// The config-file form: milliseconds; an absent key keeps the default, `0` means no limit.
#[derive(Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct TimeoutsConfig {
    per_attempt_ms: Option<u64>,
    overall_ms: Option<u64>,
}

impl From<TimeoutsConfig> for Timeouts {
    fn from(c: TimeoutsConfig) -> Self {
        let conv = |ms: Option<u64>, default: Option<Duration>| match ms {
            None => default,
            Some(0) => None,
            Some(ms) => Some(Duration::from_millis(ms)),
        };
        let d = Timeouts::default();
        Timeouts {
            per_attempt: conv(c.per_attempt_ms, d.per_attempt),
            overall: conv(c.overall_ms, d.overall),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Attempt,
    Deadline,
}

/// Fails a request with [`ErrorKind::Timeout`] when it takes too long.
///
/// - [`TimeoutLayer::per_attempt`] (below retry): the error is retryable, so the retry layer
///   repeats an idempotent request. When the response body is a stream, each chunk must
///   also arrive within the limit (a stalled download fails instead of hanging).
/// - [`TimeoutLayer::deadline`] (above retry): the error is final.
#[derive(Debug)]
pub struct TimeoutLayer {
    inner: Arc<dyn Transport>,
    limit: Duration,
    scope: Scope,
}

impl TimeoutLayer {
    /// A per-attempt limit; its timeouts are retryable.
    pub fn per_attempt(inner: Arc<dyn Transport>, limit: Duration) -> Self {
        TimeoutLayer {
            inner,
            limit,
            scope: Scope::Attempt,
        }
    }

    /// An overall deadline; its timeouts are final.
    pub fn deadline(inner: Arc<dyn Transport>, limit: Duration) -> Self {
        TimeoutLayer {
            inner,
            limit,
            scope: Scope::Deadline,
        }
    }

    /// The limit.
    pub fn limit(&self) -> Duration {
        self.limit
    }
}

/// `host:port/path` of a URL: enough to say what hung, nothing secret (no query, fragment or
/// `user:password@`).
fn target(url: &str) -> String {
    let no_query = url.split(['?', '#']).next().unwrap_or("");
    let rest = no_query.split_once("://").map_or(no_query, |x| x.1);
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit_once('@').map_or(authority, |x| x.1);
    let mut out = String::with_capacity(host.len() + path.len());
    out.push_str(host);
    out.push_str(path);
    out
}

/// What a timeout message names: the method and [`target`] of the request, written out only
/// when a timeout fires (most requests never need the text). No `Debug`: the URL may carry a
/// query with secrets, which [`target`] drops.
struct What {
    method: http::Method,
    url: String,
    suffix: &'static str,
}

impl fmt::Display for What {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}{}", self.method, target(&self.url), self.suffix)
    }
}

fn timeout_error(
    scope: Scope,
    limit: Duration,
    what: &dyn fmt::Display,
    vendor: &'static str,
) -> Error {
    let err = match scope {
        Scope::Attempt => Error::new(
            ErrorKind::Timeout,
            format!("{what} did not answer within {limit:?} (per-attempt timeout)"),
        )
        .with_retryable(true),
        Scope::Deadline => Error::new(
            ErrorKind::Timeout,
            format!("{what} did not complete within the overall deadline of {limit:?}"),
        )
        .with_retryable(false),
    };
    if vendor.is_empty() {
        err
    } else {
        err.with_vendor(vendor)
    }
}

#[async_trait]
impl Transport for TimeoutLayer {
    async fn send(&self, req: Request) -> Result<Response> {
        // Kept as parts and written out only if a timeout fires.
        let mut what = What {
            method: req.method.clone(),
            url: req.url.clone(),
            suffix: "",
        };
        let vendor = req.meta.vendor;
        let op = req.meta.op;
        let with_op = move |e: Error| match op {
            Some(op) => e.with_op(op),
            None => e,
        };
        let resp = match tokio::time::timeout(self.limit, self.inner.send(req)).await {
            Ok(r) => r?,
            Err(_) => {
                return Err(with_op(timeout_error(
                    self.scope, self.limit, &what, vendor,
                )));
            }
        };
        if self.scope == Scope::Deadline {
            return Ok(resp);
        }
        let Response {
            status,
            headers,
            body,
        } = resp;
        let body = match body {
            Body::Full(b) => Body::Full(b),
            Body::Stream(s) => {
                let limit = self.limit;
                what.suffix = " (response body)";
                let stream = futures::stream::unfold(Some((s, what)), move |state| async move {
                    let (mut s, what) = state?;
                    match tokio::time::timeout(limit, s.next()).await {
                        Ok(Some(item)) => Some((item, Some((s, what)))),
                        Ok(None) => None,
                        Err(_) => {
                            let e = timeout_error(Scope::Attempt, limit, &what, vendor);
                            Some((Err(with_op(e)), None))
                        }
                    }
                });
                Body::Stream(stream.boxed())
            }
        };
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    async fn close(&self) -> Result<()> {
        self.inner.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_drops_query_and_scheme() {
        assert_eq!(target("https://h:1/a/b?token=x#f"), "h:1/a/b");
        assert_eq!(target("https://u:s3cret@h:1/a@b"), "h:1/a@b");
        assert_eq!(target("http://h"), "h");
    }

    #[test]
    fn config_form_in_milliseconds() {
        let t: Timeouts = serde_json::from_str(r#"{"overall_ms": 0}"#).unwrap();
        assert_eq!(t.overall, None);
        assert_eq!(t.per_attempt, Timeouts::default().per_attempt);
    }
}
