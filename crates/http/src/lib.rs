//! # omnivirt-http
//!
//! The HTTP layer every omnivirt vendor crate sends its requests through: a small
//! [`Transport`] trait (request in, response out), a network transport on hyper and rustls
//! ([`HyperTransport`]), and layers that wrap any transport:
//!
//! - [`TraceLayer`]: one `tracing` span per request, nothing secret in it;
//! - [`RetryLayer`]: backoff with jitter, a budget, `Retry-After`; repeats only what is safe;
//! - [`TimeoutLayer`]: per-attempt timeouts and overall deadlines;
//! - [`AuthLayer`]: lazy login, one re-login on expiry, logout on close;
//! - [`BodyLimitLayer`]: the maximum body size over a transport that does not enforce it
//!   itself ([`HyperTransport`] does, after gzip decoding; default [`DEFAULT_MAX_BODY_SIZE`]).
//!
//! [`ConnectionSettings`] is what every vendor connection shares (URL, TLS, timeouts, retry,
//! maximum body size, user agent, a transport override); each vendor config embeds it and implements
//! [`VendorConfig`], so one context file format and one set of builder setters serve all vendors.
//!
//! [`HttpStack`] composes them in the right order (trace -> deadline -> retry -> auth ->
//! per-attempt timeout -> base):
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//! use async_trait::async_trait;
//! use omnivirt_http::{
//!     AuthHook, HttpStack, Request, RetryPolicy, Session, Timeouts, TlsOptions, Transport,
//! };
//!
//! #[derive(Debug)]
//! struct TokenLogin;
//!
//! #[async_trait]
//! impl AuthHook for TokenLogin {
//!     async fn login(&self, inner: &dyn Transport) -> omnivirt_core::Result<Session> {
//!         let resp = inner
//!             .send(Request::post("https://cloud.example/v2/api/login").skip_auth())
//!             .await?;
//!         let v: serde_json::Value = resp.json().await?;
//!         Ok(Session::new(v["token"].as_str().unwrap_or_default()))
//!     }
//!     fn apply(&self, s: &Session, req: &mut Request) -> omnivirt_core::Result<()> {
//!         *req = req.clone().secret_header("Authorization", s.token.expose())?;
//!         Ok(())
//!     }
//! }
//!
//! # async fn demo() -> omnivirt_core::Result<()> {
//! let tls = TlsOptions::builder().ca_file("/etc/pki/cloud/ca.pem").build();
//! let http = HttpStack::default_for(tls)?
//!     .retry(RetryPolicy::builder().max_attempts(3).build())
//!     .timeouts(Timeouts::new().per_attempt(Duration::from_secs(20)))
//!     .auth(Arc::new(TokenLogin))
//!     .build();
//! let vms = http.send(Request::get("https://cloud.example/v2/api/get-vms")).await?;
//! println!("{}", vms.status);
//! http.close().await?; // logs out
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod auth;
mod client;
mod decode;
mod json_key;
mod json_text;
mod limit;
mod pool;
mod query;
mod retry;
mod secret;
mod settings;
mod stack;
mod text;
mod timeout;
mod tls;
mod trace;
mod transport;

pub use auth::{AuthHook, AuthLayer, Session};
pub use client::{HyperTransport, HyperTransportBuilder};
pub use decode::{DECODE_OFF_RUNTIME, DecodeStopped, decode_large, json_from_bytes};
pub use json_key::JsonKey;
pub use json_text::{escape_json_str_body, push_json_str};
pub use limit::{BodyLimitLayer, DEFAULT_MAX_BODY_SIZE, body_too_large, gunzip_limited};
pub use pool::recycle;
pub use query::{Space, push_form_encoded, push_query};
pub use retry::{RetryLayer, RetryPolicy, RetryPolicyBuilder, parse_retry_after};
pub use secret::Secret;
pub use settings::{ConnectionSettings, VendorConfig, check_keys, keys_of, nearest_key};
pub use stack::{HttpOptions, HttpStack, HttpStackBuilder};
pub use text::{
    ANSWER_SECRET_WORDS, ONE_LINE_MAX, REDACTED, first_occurrences, is_secret_field, one_line,
    redact_answer, redact_secrets, redact_where, single_line,
};
pub use timeout::{TimeoutLayer, Timeouts};
pub use tls::{TlsOptions, TlsOptionsBuilder};
pub use trace::TraceLayer;
pub use transport::{Body, Request, RequestMeta, Response, SharedTransport, Transport, redact_url};
