//! [`HttpStack`]: the layers composed in the one right order.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use omnivirt_core::Result;

use crate::auth::{AuthHook, AuthLayer, Session};
use crate::client::HyperTransport;
use crate::retry::{RetryLayer, RetryPolicy};
use crate::timeout::{TimeoutLayer, Timeouts};
use crate::tls::TlsOptions;
use crate::trace::TraceLayer;
use crate::transport::SharedTransport;

/// Composes the standard layers over a base transport.
///
/// The order, outermost first:
///
/// ```text
/// trace -> deadline (Timeouts::overall) -> retry -> auth -> per-attempt timeout -> base
/// ```
///
/// - trace outermost: one span per call, retries nested inside it;
/// - the overall deadline above retry, so it bounds every attempt and wait;
/// - auth below retry, so each attempt carries the current session and a re-login happens
///   inside one attempt;
/// - the per-attempt timeout below auth, so it bounds each HTTP exchange, the login included,
///   and a timeout names the exchange that hung (`PUT .../accounts/login`, not the request
///   that triggered the login); below retry, so a hung attempt can be repeated (idempotent
///   only);
/// - `base` at the bottom: a [`HyperTransport`], a cassette layer wrapping one, or a
///   simulator's in-process transport — replays and simulations still go through retry and auth.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use omnivirt_http::{HttpStack, HyperTransport, RetryPolicy, SharedTransport, Timeouts, TlsOptions};
///
/// # fn main() -> omnivirt_core::Result<()> {
/// # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # let _guard = rt.enter();
/// let base: SharedTransport = Arc::new(HyperTransport::new(TlsOptions::default())?);
/// let http: SharedTransport = HttpStack::builder(base)
///     .retry(RetryPolicy::builder().max_attempts(3).build())
///     .timeouts(Timeouts::new().per_attempt(Duration::from_secs(20)))
///     .build();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct HttpStack;

impl HttpStack {
    /// Starts a stack over `base`, with the default retry policy and timeouts, tracing on and
    /// no auth.
    pub fn builder(base: SharedTransport) -> HttpStackBuilder {
        HttpStackBuilder {
            base,
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            auth: None,
            session: None,
            trace: true,
        }
    }

    /// Starts a stack over a fresh [`HyperTransport`] with `tls` and the defaults. Add
    /// `.auth(..)` and build.
    pub fn default_for(tls: TlsOptions) -> Result<HttpStackBuilder> {
        let base: SharedTransport = Arc::new(HyperTransport::new(tls)?);
        Ok(Self::builder(base))
    }

    /// Starts a stack over `transport` when the caller has one (a cassette, the simulator, a
    /// test double), else over a fresh [`HyperTransport`] with `tls`; then applies `retry` and
    /// `timeouts`. Vendor client builders use this so they all assemble the stack the same way.
    pub fn over(
        transport: Option<SharedTransport>,
        tls: TlsOptions,
        retry: RetryPolicy,
        timeouts: Timeouts,
    ) -> Result<HttpStackBuilder> {
        let base: SharedTransport = match transport {
            Some(t) => t,
            None => Arc::new(HyperTransport::new(tls)?),
        };
        Ok(Self::builder(base).retry(retry).timeouts(timeouts))
    }

    /// Starts a stack over a [`HyperTransport`] configured by `opts`, with its retry policy
    /// and timeouts. Add `.auth(..)` and build.
    pub fn from_options(opts: &HttpOptions) -> Result<HttpStackBuilder> {
        let base: SharedTransport = Arc::new(opts.transport()?);
        Ok(Self::builder(base)
            .retry(opts.retry_policy())
            .timeouts(opts.timeouts))
    }
}

/// Transport settings as a config file holds them; every key is optional.
///
/// ```
/// use std::time::Duration;
/// use omnivirt_http::{HttpOptions, HttpStack};
///
/// let opts: HttpOptions = serde_json::from_value(serde_json::json!({
///     "tls": {"ca_file": "/etc/pki/ovirt-engine/ca.pem"},
///     "timeouts": {"per_attempt_ms": 20000},
///     "connect_timeout_ms": 3000,
///     "max_attempts": 2
/// })).unwrap();
/// assert_eq!(opts.timeouts.per_attempt, Some(Duration::from_secs(20)));
/// assert_eq!(opts.retry_policy().max_attempts(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct HttpOptions {
    /// Which certificates to trust.
    pub tls: TlsOptions,
    /// Per-attempt and overall limits (`per_attempt_ms`, `overall_ms`; 0 = none).
    pub timeouts: Timeouts,
    /// TCP connect timeout in milliseconds (default 10 000).
    pub connect_timeout_ms: Option<u64>,
    /// Attempts in all for retryable failures (default 4; 1 turns retries off).
    pub max_attempts: Option<u32>,
    /// Ask for gzip bodies (default true).
    pub gzip: Option<bool>,
}

impl HttpOptions {
    /// The retry policy these options describe (the default one, with `max_attempts`).
    pub fn retry_policy(&self) -> RetryPolicy {
        match self.max_attempts {
            Some(n) => RetryPolicy::builder().max_attempts(n).build(),
            None => RetryPolicy::default(),
        }
    }

    /// A [`HyperTransport`] built from these options.
    pub fn transport(&self) -> Result<HyperTransport> {
        let mut b = HyperTransport::builder().tls(self.tls.clone());
        if let Some(ms) = self.connect_timeout_ms {
            b = b.connect_timeout(Duration::from_millis(ms));
        }
        if let Some(g) = self.gzip {
            b = b.gzip(g);
        }
        b.build()
    }
}

/// Builder for a layered transport; see [`HttpStack`] for the order.
#[must_use]
pub struct HttpStackBuilder {
    base: SharedTransport,
    retry: RetryPolicy,
    timeouts: Timeouts,
    auth: Option<Arc<dyn AuthHook>>,
    session: Option<Session>,
    trace: bool,
}

impl fmt::Debug for HttpStackBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpStackBuilder")
            .field("base", &self.base)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("auth", &self.auth)
            .field("trace", &self.trace)
            .finish_non_exhaustive()
    }
}

impl HttpStackBuilder {
    /// Wraps the base transport, e.g. with a failover layer that must sit below auth and retry.
    pub fn map_base(
        mut self,
        wrap: impl FnOnce(SharedTransport) -> Result<SharedTransport>,
    ) -> Result<Self> {
        self.base = wrap(self.base)?;
        Ok(self)
    }

    /// The retry policy ([`RetryPolicy::never`] to turn retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The per-attempt and overall limits.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Adds the auth layer with a vendor's hook.
    pub fn auth(mut self, hook: Arc<dyn AuthHook>) -> Self {
        self.auth = Some(hook);
        self
    }

    /// Starts the auth layer with a session the caller already has (no login until it expires).
    /// Has effect only together with [`HttpStackBuilder::auth`].
    pub fn session(mut self, session: Session) -> Self {
        self.session = Some(session);
        self
    }

    /// Turns the trace layer on or off (default on).
    pub fn trace(mut self, yes: bool) -> Self {
        self.trace = yes;
        self
    }

    /// The composed transport. `close()` on it logs out and closes every layer.
    pub fn build(self) -> SharedTransport {
        let mut t = self.base;
        if let Some(d) = self.timeouts.per_attempt {
            t = Arc::new(TimeoutLayer::per_attempt(t, d));
        }
        if let Some(hook) = self.auth {
            let mut layer = AuthLayer::new(t, hook);
            if let Some(s) = self.session {
                layer = layer.with_session(s);
            }
            t = Arc::new(layer);
        }
        if self.retry.max_attempts() > 1 {
            t = Arc::new(RetryLayer::new(t, self.retry));
        }
        if let Some(d) = self.timeouts.overall {
            t = Arc::new(TimeoutLayer::deadline(t, d));
        }
        if self.trace {
            t = Arc::new(TraceLayer::new(t));
        }
        t
    }
}
