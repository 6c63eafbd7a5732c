//! # omnivirt-http
//!
//! The HTTP layer every omnivirt vendor crate sends its requests through: a small
//! [`Transport`] trait (request in, response out), with layers that wrap it.
#![deny(missing_docs)]

mod auth;
mod secret;
mod transport;

pub use auth::{AuthHook, AuthLayer, Session};
pub use secret::Secret;
pub use transport::{Body, Request, RequestMeta, Response, SharedTransport, Transport, redact_url};
