//! # omnivirt-veil
//!
//! A VeiL ECP (Bazalt) SDK for Rust, and the VeiL backend of omnivirt.
//!
//! The native face talks the controller's JSON REST API under `/api/` as it is: a JWT in
//! `Authorization: jwt <token>` (an integration token, or an interactive `POST /auth/` login),
//! `async=1` on every request so actions answer 202 with a task, task polling on
//! `/api/tasks/{id}/`, and DRF-style `limit`/`offset` pages. Entities: [`native::Domains`]
//! (VMs), [`native::Nodes`], [`native::Clusters`], [`native::ResourcePools`],
//! [`native::DataPools`], [`native::VDisks`], [`native::Tasks`]. [`VeilBackend`] implements
//! [`omnivirt_core::Backend`] on top of it.
//!
//! ```no_run
//! # async fn demo() -> omnivirt_core::Result<()> {
//! use omnivirt_veil::native::{DomainFilter, Paginator, Tasks};
//! use omnivirt_veil::{Credentials, VeilClient};
//!
//! let veil = VeilClient::builder("https://veil.example")
//!     .credentials(Credentials::token("eyJ..."))
//!     .build()?;
//! let page = veil
//!     .domains()
//!     .list(&DomainFilter::new().template(false), &Paginator::new().name("web").limit(50))
//!     .await?;
//! for d in &page.results {
//!     let accepted = veil.domains().start(&d.id).await?;
//!     // `None` only for the documented `202 {}` / `204` quirks: done, no task to follow.
//!     if let Some(task) = &accepted.task {
//!         veil.tasks().wait(&task.id, Tasks::default_wait()).await?;
//!     }
//! }
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

/// The typed VeiL objects.
pub mod model {
    pub use crate::wire::{
        Accepted, BaseVersion, Cluster, Controller, DataPool, Datacenter, Domain, EntityRef,
        EntityStatus, Event, EventType, Executed, Extra, Iso, LibraryFile, LinkState, NicDriver,
        Node, Outcome, Paginated, PowerState, Ref, ResourcePool, Tag, Task, TaskStatus, TaskUser,
        TcpUsbDevice, UsbAttached, User, UserId, VDisk, VNetwork, VmachineInf,
    };
}

pub use backend::{VeilBackend, connect};
pub use config::VeilConfig;
pub use native::{ClientBuilder, Credentials, VeilClient};

/// The vendor name used in errors, spans and `Backend::vendor()`.
pub const VENDOR: &str = "veil";
