//! # omnivirt-zstack
//!
//! A ZStack SDK for Rust, and the ZStack backend of omnivirt.
//!
//! The native face talks the management node's REST API v1 (`/zstack/v1`) as it is: sessions
//! from `LogInByAccount` with the SHA-512 password and `Authorization: OAuth <session>`
//! ([`Credentials`]), every asynchronous API answered `202` + `location` and followed on
//! `/api-jobs/{uuid}` ([`Reply`], [`JobStatus`], [`ZStackClient::wait`], on core's
//! [`Waiter`](omnivirt_core::Waiter) with core's [`WaitOptions`](omnivirt_core::WaitOptions)),
//! query APIs with typed `q=` conditions, paging, sorting and projection ([`query`]), typed
//! inventories ([`model`]), and the VM and volume actions with their real wrapper keys. [`ZStackBackend`] implements
//! [`omnivirt_core::Backend`] on top of it.
//!
//! ```no_run
//! # async fn demo() -> omnivirt_core::Result<()> {
//! use omnivirt_zstack::query::{Condition, Query};
//! use omnivirt_zstack::{Credentials, ZStackClient};
//!
//! let zs = ZStackClient::builder("http://mn.example:8080/zstack/v1")
//!     .credentials(Credentials::account("admin", "password"))
//!     .build()?;
//! let stopped = zs
//!     .query_vms(&Query::new().filter(Condition::eq("state", "Stopped")).limit(10))
//!     .await?;
//! for uuid in stopped.items.iter().filter_map(|vm| vm.uuid.as_deref()) {
//!     let job = zs.start_vm(uuid, None).await?;
//!     zs.wait(&job, ZStackClient::default_wait()).await?;
//! }
//! zs.close().await?; // DELETE /accounts/sessions/{uuid}
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod api;
mod backend;
pub mod config;
pub mod convert;
pub mod error;
pub mod generated;
pub mod native;
mod wire;

/// The ZStack inventories the uniform backend reads (the generated types of
/// [`generated::types`], every field optional, the rest in `extra`), the session and the error
/// code.
pub mod model {
    pub use crate::generated::types::{
        ClusterInventory, HostInventory, VmInstanceInventory, VmNicInventory, VolumeInventory,
        ZoneInventory,
    };
    pub use crate::wire::{ErrorCode, Extra, SessionInventory};
}

pub use backend::{ZStackBackend, connect};
pub use config::ZStackConfig;
pub use native::{
    Actions, ClientBuilder, CreateDataVolume, CreateVm, Credentials, DeleteMode, Job, JobStatus,
    QueryPage, Reply, StopType, ZStackClient, password_hash, query,
};

/// The vendor name used in errors, spans and `Backend::vendor()`.
pub const VENDOR: &str = "zstack";
