//! The oVirt SDK face: connection, services tree, typed objects, waiting, filtering.

pub mod connection;
pub mod filter;
pub mod services;
mod sso;
pub mod typed;
pub mod types;
