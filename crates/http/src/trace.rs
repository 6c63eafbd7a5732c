//! [`TraceLayer`]: one `tracing` span per request.

use std::sync::Arc;

use async_trait::async_trait;
use omnivirt_core::{Op, Result};
use tracing::Instrument;
use tracing::field::Empty;

use crate::transport::{Request, Response, Transport, redact_url};

/// Opens one `http.request` span (level INFO) per request, with the fields `method`, `path`,
/// `vendor`, `op` (the op the [`Client`](omnivirt_core::Client) is running, see
/// [`Op::scope`]; else the request's own [`RequestMeta::op`](crate::RequestMeta); else `-`),
/// and once it is over `status`, `duration_ms`, `attempts` (filled in by a
/// [`RetryLayer`](crate::RetryLayer) below) and `error` (the
/// [`ErrorKind`](omnivirt_core::ErrorKind), when no response came), then logs one DEBUG event
/// `http request finished` inside it.
///
/// `path` is the path and the query with secret-looking values masked ([`redact_url`]);
/// scheme and host are left out. No header value and no body is ever recorded.
///
/// Put it outermost: one span then covers the retries, whose DEBUG events nest inside it.
#[derive(Debug)]
pub struct TraceLayer {
    inner: Arc<dyn Transport>,
}

impl TraceLayer {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Transport>) -> Self {
        TraceLayer { inner }
    }
}

/// Path and query of a URL with secret query values masked; no scheme, no host.
fn loggable_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |x| x.1);
    let rest = match after_scheme.find(['/', '?']) {
        Some(i) => &after_scheme[i..],
        None => "/",
    };
    let rest = rest.split('#').next().unwrap_or("/");
    redact_url(rest)
}

#[async_trait]
impl Transport for TraceLayer {
    async fn send(&self, req: Request) -> Result<Response> {
        let span = tracing::info_span!(
            "http.request",
            method = %req.method,
            path = %loggable_path(&req.url),
            vendor = req.meta.vendor,
            op = Op::current().or(req.meta.op).map_or("-", |o| o.as_str()),
            status = Empty,
            attempts = Empty,
            duration_ms = Empty,
            error = Empty,
        );
        let start = tokio::time::Instant::now();
        let out = self.inner.send(req).instrument(span.clone()).await;
        let ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("duration_ms", ms);
        match &out {
            Ok(resp) => {
                span.record("status", resp.status.as_u16());
            }
            Err(e) => {
                span.record("error", e.kind().as_str());
            }
        }
        span.in_scope(|| tracing::debug!("http request finished"));
        out
    }

    async fn close(&self) -> Result<()> {
        self.inner.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_keeps_harmless_query_and_masks_secrets() {
        assert_eq!(
            loggable_path("https://u:p@h:8443/api/vms?max=2&access_token=abc#x"),
            "/api/vms?max=2&access_token=***"
        );
        assert_eq!(loggable_path("http://h"), "/");
        assert_eq!(loggable_path("http://h?token=a"), "?token=***");
    }
}
