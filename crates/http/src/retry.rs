//! [`RetryLayer`]: repeats what is safe to repeat, with backoff.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use http::StatusCode;
use omnivirt_core::{ErrorKind, Result};
use tokio::time::Instant;

use crate::transport::{Request, Response, Transport};

/// When and how often [`RetryLayer`] repeats a request.
///
/// - No response at all and the error is [`ErrorKind::Transport`] + retryable (the
///   connection could not be made, so the server saw nothing): always retried.
/// - A retryable status (default 429, 500, 502, 503, 504), a retryable
///   [`ErrorKind::Timeout`], or any other retryable error: retried only when
///   [`Request::is_idempotent`] — a vendor action POST that got a 503 comes back as is — and
///   never when the request names that status final ([`Request::final_status`]: a ZStack job
///   poll's 503 is the job's failure, fetched once).
/// - Delays grow exponentially from `initial_backoff` to `max_backoff`, with jitter (each delay
///   is drawn between half and all of the nominal value). A `Retry-After` on 429/503
///   (seconds or an HTTP date, see [`parse_retry_after`]) replaces the computed delay.
/// - It stops after `max_attempts` attempts in all, or when the next wait would go past the
///   `budget` counted from the first attempt; the last response or error is returned.
///
/// ```
/// use std::time::Duration;
/// use omnivirt_http::RetryPolicy;
///
/// let p = RetryPolicy::builder()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(100))
///     .budget(Duration::from_secs(20))
///     .build();
/// assert_eq!(p.max_attempts(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    budget: Duration,
    jitter: bool,
    retry_statuses: Vec<StatusCode>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            budget: Duration::from_secs(60),
            jitter: true,
            retry_statuses: vec![
                StatusCode::TOO_MANY_REQUESTS,
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::BAD_GATEWAY,
                StatusCode::SERVICE_UNAVAILABLE,
                StatusCode::GATEWAY_TIMEOUT,
            ],
        }
    }
}

impl RetryPolicy {
    /// A builder from the defaults: 4 attempts, 200 ms doubling up to 10 s, 60 s budget,
    /// jitter on.
    pub fn builder() -> RetryPolicyBuilder {
        RetryPolicyBuilder {
            inner: RetryPolicy::default(),
        }
    }

    /// A policy that never repeats anything.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The total time allowed for all attempts and waits.
    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// True if a response with `status` may be worth repeating (for idempotent requests).
    pub fn is_retryable_status(&self, status: StatusCode) -> bool {
        self.retry_statuses.contains(&status)
    }

    /// The nominal delay before attempt `retry` (1 for the first repeat), without jitter.
    pub fn nominal_backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    fn backoff(&self, retry: u32) -> Duration {
        let nominal = self.nominal_backoff(retry);
        if !self.jitter || nominal.is_zero() {
            return nominal;
        }
        let half = nominal / 2;
        let spread = u64::try_from((nominal - half).as_micros()).unwrap_or(u64::MAX);
        half + Duration::from_micros(fastrand::u64(0..=spread))
    }
}

/// Builder for [`RetryPolicy`].
#[derive(Debug, Clone)]
#[must_use]
pub struct RetryPolicyBuilder {
    inner: RetryPolicy,
}

impl RetryPolicyBuilder {
    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.inner.max_attempts = n.max(1);
        self
    }

    /// The first delay; later ones double.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.inner.initial_backoff = d;
        self
    }

    /// The longest computed delay.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.inner.max_backoff = d;
        self
    }

    /// The total time for all attempts and waits, counted from the first attempt.
    pub fn budget(mut self, d: Duration) -> Self {
        self.inner.budget = d;
        self
    }

    /// Randomises each delay between half and all of its nominal value (default on).
    pub fn jitter(mut self, yes: bool) -> Self {
        self.inner.jitter = yes;
        self
    }

    /// The statuses worth repeating for idempotent requests.
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.inner.retry_statuses = statuses.into_iter().collect();
        self
    }

    /// The policy.
    pub fn build(self) -> RetryPolicy {
        self.inner
    }
}

/// Parses `Retry-After`: delay-seconds (`120`) or an IMF-fixdate
/// (`Wed, 21 Oct 2026 07:28:00 GMT`, counted from the system clock; a past date means no
/// wait). The obsolete RFC 850 and asctime date forms are treated as absent, and the computed
/// backoff applies then.
pub fn parse_retry_after(resp: &Response) -> Option<Duration> {
    retry_after_at(resp.header("retry-after")?, std::time::SystemTime::now())
}

fn retry_after_at(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // A date past what SystemTime can hold is absurd: treat it as absent, like any other
    // unusable value, rather than overflow.
    let at = std::time::UNIX_EPOCH.checked_add(Duration::from_secs(parse_imf_fixdate(v)?))?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Seconds since the Unix epoch of `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_imf_fixdate(v: &str) -> Option<u64> {
    let parts: Vec<&str> = v.split_ascii_whitespace().collect();
    let [_dow, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = u32::try_from(MONTHS.iter().position(|m| m == month)? + 1).ok()?;
    let day: u32 = day.parse().ok()?;
    // IMF-fixdate years have four digits; bounding them keeps the arithmetic below in range.
    let year: i64 = year.parse().ok().filter(|y| (1..=9999).contains(y))?;
    let hms: Vec<u64> = time
        .split(':')
        .map(str::parse)
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    // Days from the civil date (proleptic Gregorian), after H. Hinnant.
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let days = u64::try_from(days).ok()?;
    days.checked_mul(86_400)?.checked_add(h * 3600 + m * 60 + s)
}

/// Repeats requests per a [`RetryPolicy`]. Sits below the trace layer and above the
/// per-attempt timeout and auth layers.
#[derive(Debug)]
pub struct RetryLayer {
    inner: Arc<dyn Transport>,
    policy: RetryPolicy,
}

impl RetryLayer {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Transport>, policy: RetryPolicy) -> Self {
        RetryLayer { inner, policy }
    }

    /// The policy in force.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }
}

enum Verdict {
    Done,
    RetryAfter(Option<Duration>),
}

impl RetryLayer {
    fn judge(&self, req: &Request, outcome: &Result<Response>) -> Verdict {
        let idempotent = req.is_idempotent();
        match outcome {
            Ok(resp) => {
                if idempotent
                    && self.policy.is_retryable_status(resp.status)
                    && !req.is_final_status(resp.status)
                {
                    let hint = matches!(
                        resp.status,
                        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
                    )
                    .then(|| parse_retry_after(resp))
                    .flatten();
                    Verdict::RetryAfter(hint)
                } else {
                    Verdict::Done
                }
            }
            Err(e) if !e.is_retryable() => Verdict::Done,
            // No response and nothing reached the server: safe whatever the method.
            Err(e) if e.kind() == ErrorKind::Transport => Verdict::RetryAfter(e.retry_after()),
            Err(e) if idempotent => Verdict::RetryAfter(e.retry_after()),
            Err(_) => Verdict::Done,
        }
    }
}

#[async_trait]
impl Transport for RetryLayer {
    async fn send(&self, req: Request) -> Result<Response> {
        let start = Instant::now();
        let mut attempt = 1u32;
        // Tells the enclosing `http.request` span (TraceLayer) how many attempts it took.
        let done = |attempt: u32, outcome: Result<Response>| {
            tracing::Span::current().record("attempts", attempt);
            outcome
        };
        loop {
            let outcome = self.inner.send(req.clone()).await;
            let hint = match self.judge(&req, &outcome) {
                Verdict::Done => return done(attempt, outcome),
                Verdict::RetryAfter(hint) => hint,
            };
            if attempt >= self.policy.max_attempts {
                return done(attempt, outcome);
            }
            let delay = hint.unwrap_or_else(|| self.policy.backoff(attempt));
            // A hostile `Retry-After` can name any delay: one past the budget ends the retries.
            if start.elapsed().saturating_add(delay) > self.policy.budget {
                tracing::debug!(
                    attempt,
                    delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    "retry budget spent; returning the last outcome"
                );
                return done(attempt, outcome);
            }
            tracing::debug!(
                attempt,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                status = outcome.as_ref().ok().map(|r| r.status.as_u16()),
                error = outcome.as_ref().err().map(|e| e.kind().as_str()),
                "retrying"
            );
            drop(outcome);
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn close(&self) -> Result<()> {
        self.inner.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy::builder()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350))
            .build();
        assert_eq!(p.nominal_backoff(1), Duration::from_millis(100));
        assert_eq!(p.nominal_backoff(2), Duration::from_millis(200));
        assert_eq!(p.nominal_backoff(3), Duration::from_millis(350));
        assert_eq!(p.nominal_backoff(40), Duration::from_millis(350));
        for _ in 0..100 {
            let d = p.backoff(2);
            assert!(
                d >= Duration::from_millis(100) && d <= Duration::from_millis(200),
                "{d:?}"
            );
        }
    }

    #[test]
    fn retry_after_seconds_form() {
        let mut h = http::HeaderMap::new();
        h.insert("retry-after", http::HeaderValue::from_static(" 7 "));
        let r = Response::new(StatusCode::SERVICE_UNAVAILABLE, h, "");
        assert_eq!(parse_retry_after(&r), Some(Duration::from_secs(7)));
        let mut h = http::HeaderMap::new();
        h.insert(
            "retry-after",
            http::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        let r = Response::new(StatusCode::SERVICE_UNAVAILABLE, h, "");
        // A date long past: retry at once.
        assert_eq!(parse_retry_after(&r), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_http_date_form() {
        assert_eq!(parse_imf_fixdate("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_imf_fixdate("Tue, 29 Feb 2028 23:59:59 GMT"),
            Some(1_835_481_599)
        );
        let now = std::time::UNIX_EPOCH + Duration::from_secs(784_111_700);
        assert_eq!(
            retry_after_at("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(77))
        );
        for bad in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 CET",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "soon",
            "-5",
            "Sun, 06 Nov 300000000000 08:49:37 GMT",
            "Sun, 06 Nov 0 08:49:37 GMT",
            "Sun, 06 Nov -400 08:49:37 GMT",
        ] {
            assert_eq!(retry_after_at(bad, now), None, "{bad}");
        }
    }
}
