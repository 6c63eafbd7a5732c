//! # omnivirt-sim
//!
//! A simulated virtualization platform for tests, examples, benchmarks and demos: one neutral
//! in-memory [`World`] (clusters, hosts, templates, VMs, disks, tasks, sessions, a fault plan and
//! deterministic ids) and per-vendor [`Skin`]s that only translate wire formats.
//!
//! The World is served three ways:
//! - [`SimTransport`]: an in-process `omnivirt_http::Transport` (no sockets);
//! - [`SimServer`]: a real HTTP/1.1 server on loopback that any client can use;
//! - [`SimBackend`]: an `omnivirt_core::Backend` straight over the World (no HTTP).
//!
//! Skins: [`SimSkin`] (the neutral JSON API under `/sim/v1`), `skins::ovirt::OvirtSkin` (feature
//! `ovirt`, under `/ovirt-engine`) and `skins::cloudtower::CloudTowerSkin` (feature
//! `cloudtower`, under `/v2/api`); [`skins::all`] lists those compiled in. `SKINS.md` explains
//! how to write one.
//!
//! ## How tasks advance
//!
//! Every mutation returns a [`Submission`] (task id + target). The target shows its
//! transitional state (`starting`, `stopping`, `creating`, disk `locked`...) at once, and the
//! final state when the task completes. With [`Tick::PerPoll`] (the default, 2 steps) each
//! *observation* moves the task one step: [`World::get_task`], [`World::get_tasks`],
//! [`World::list_tasks`] (its unfinished tasks), and reads of the target through
//! [`World::get_vm`], [`World::get_disk`], [`World::list_vms`] and [`World::list_disks`]
//! (the items returned). So a client converges whether it polls the task or the object.
//! `peek_*` reads never advance anything. With [`Tick::Wall`] a task completes once that much
//! (tokio) time has passed; completion is applied on the next read.
//!
//! ```
//! use omnivirt_core::{PowerAction, TaskState, VmState};
//! use omnivirt_sim::{Filter, NameMatch, NewVm, Paging, World, WorldConfig};
//!
//! let world = World::new(WorldConfig::default());
//! let cluster = world.list_clusters(&Filter::new(), &Paging::all()).items[0].id.clone();
//! let sub = world.create_vm(NewVm::new("web-1", cluster)).unwrap();
//! let vm_id = sub.target_id().to_owned();
//! assert_eq!(world.peek_vm(&vm_id).unwrap().state, VmState::Creating);
//! assert_eq!(world.get_task(sub.task.as_str()).unwrap().state, TaskState::Running);
//! assert_eq!(world.get_vm(&vm_id).unwrap().state, VmState::Stopped); // second observation
//!
//! let sub = world.power_vm(&vm_id, PowerAction::Start).unwrap();
//! assert_eq!(world.peek_vm(&vm_id).unwrap().state, VmState::Starting);
//! world.get_task(sub.task.as_str()).unwrap();
//! let vm = world.get_vm(&vm_id).unwrap();
//! assert_eq!(vm.state, VmState::Running);
//! assert!(vm.host_id.is_some());
//!
//! let err = world.delete_vm(&vm_id).unwrap_err();
//! assert_eq!(err.message(), "cannot delete VM web-1: it is running (stop it first)");
//!
//! let web = world.list_vms(&Filter::new().name(NameMatch::Prefix("web".into())), &Paging::all());
//! assert_eq!(web.total, 1);
//! ```
#![deny(missing_docs)]

mod backend;
mod config;
mod error;
mod ids;
mod model;
mod query;
mod server;
pub mod skin;
pub mod skins;
mod text;
mod transport;
mod world;

pub use backend::SimBackend;
pub use config::{SimUser, Tick, WorldConfig, WorldConfigBuilder};
pub use error::{SimError, SimResult};
pub use ids::{IdGen, IdStyle, uuid_from};
pub use model::{
    SimCluster, SimConsole, SimDisk, SimEvent, SimHost, SimNetwork, SimNic, SimSnapshot,
    SimStoragePool, SimTask, SimTemplate, SimVm, Submission, ref_id, rfc3339,
};
pub use query::{Filter, Listing, NameMatch, Paging, SortBy};
pub use server::SimServer;
pub use skin::Skin;
pub use skins::sim::SimSkin;
pub use transport::SimTransport;
pub use world::{
    EPOCH, EVENT_LOG_CAP, Faults, Lookup, NewDisk, NewNic, NewVm, RequestFault, VmChange, World,
    WorldSummary,
};

/// `SKINS.md`, compiled as a doctest so its examples stay true.
#[cfg(doctest)]
#[doc = include_str!("../SKINS.md")]
pub struct SkinsGuide;
