//! The CloudTower SDK face: client, typed filters, queries, mutations and tasks.

mod client;
pub mod failover;
pub mod filter;
pub(crate) mod ops;
pub mod query;
pub mod tasks;
pub mod vm;

pub(crate) use client::Call;
pub use client::{ApiKey, ClientBuilder, CloudTowerClient, Credentials, Language, LockRetry};
pub use ops::Ops;
