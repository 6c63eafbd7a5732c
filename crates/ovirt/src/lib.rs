//! # omnivirt-ovirt
//!
//! A Rust SDK for the oVirt / RHV engine REST API (XML, version 4, and the 3.x dialect), and the
//! oVirt backend of omnivirt.
//!
//! The native face mirrors the official SDKs: a [`Connection`] (SSO login, bearer token,
//! one re-login on 401, token revoked on close), a services tree
//! (`system().vms().vm(id).start()`), typed objects in [`types`] that keep unknown enum values,
//! links and available actions, paging as a `Stream`, waiters with exponential backoff, a
//! client-side [`Filter`] with dotted paths and globs, and one error taxonomy
//! ([`omnivirt_core::Error`]).
//!
//! ```no_run
//! # async fn demo() -> omnivirt_core::Result<()> {
//! use std::time::Duration;
//! use omnivirt_ovirt::Connection;
//! use omnivirt_ovirt::types::{Linked, Vm, VmStatus};
//!
//! let conn = Connection::builder("https://engine.example/ovirt-engine/api")
//!     .username("admin@internal")
//!     .password("secret")
//!     .build()?;
//! let vms = conn.system().vms();
//! let vm = vms
//!     .add(Vm {
//!         name: Some("web-01".into()),
//!         cluster: Some(Linked::by_name("Default")),
//!         template: Some(Linked::by_name("Blank")),
//!         ..Vm::default()
//!     })
//!     .send()
//!     .await?;
//! let svc = vms.vm(vm.id.as_deref().unwrap_or_default());
//! svc.wait_for_status(&[VmStatus::Down], Duration::from_secs(300)).await?;
//! svc.start().send().await?;
//! svc.wait_for_status(&[VmStatus::Up], Duration::from_secs(300)).await?;
//! conn.close().await?;
//! # Ok(()) }
//! ```
//!
//! The uniform backend is [`OvirtBackend`]; build it with [`connect`] from an [`OvirtConfig`],
//! or with [`OvirtBackend::with_transport`] over a cassette or the simulator.
#![deny(missing_docs)]

pub mod api;
mod backend;
mod config;
pub mod convert;
mod error;
pub mod generated;
pub mod native;
pub mod wire;

pub use backend::{BLANK_TEMPLATE_ID, Credentials, OvirtBackend, connect};
pub use config::OvirtConfig;
pub use error::{VENDOR, fault_error, parse_error};
pub use native::connection::{ApiVersion, Connection, ConnectionBuilder, RawResponse};
pub use native::filter::{Filter, glob};
pub use native::services;
pub use native::types;
pub use wire::{Resource, fault_from_xml};

/// `Result` with omnivirt's error.
pub type Result<T, E = omnivirt_core::Error> = std::result::Result<T, E>;
