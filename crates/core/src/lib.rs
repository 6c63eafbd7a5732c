//! # omnivirt-core
//!
//! The backend-neutral heart of omnivirt: the model (`Vm`, `Host`, `Cluster`, `Disk`, `Task`),
//! operations ([`Op`]) and [`Capabilities`], the error taxonomy ([`Error`], [`ErrorKind`]),
//! list queries and pagination, the object-safe [`Backend`] trait that every vendor adapter
//! implements, and the [`Client`] that drives any backend the same way: it checks capabilities
//! before any I/O, turns pages into streams and waits for operations to finish.
//!
//! This crate performs no I/O of its own: no sockets, no TLS, no files. Its only runtime needs are
//! a timer (`tokio::time`) for waiting and a task-local ([`Op::scope`]) that tells the HTTP layer
//! beneath which op a request belongs to.
//!
//! ```
//! use omnivirt_core::{ListQuery, VmState};
//!
//! let q = ListQuery::new().name_contains("web").vm_state(VmState::Running).page_size(50);
//! assert_eq!(q.page_size, Some(50));
//! ```
#![deny(missing_docs)]

pub mod api;
mod backend;
mod change;
mod client;
mod error;
mod event;
mod guest;
mod inventory;
mod model;
mod op;
mod operation;
mod query;
mod secret;
pub mod time;
pub mod wait;

pub use backend::{Backend, DiskSpec, Expect, PowerAction, Submitted, VmSource, VmSpec};
pub use change::{CloneSpec, VmUpdate};
pub use client::{
    Client, ClusterApi, DiskApi, EventApi, HostApi, NetworkApi, StorageApi, TaskApi, TemplateApi,
    VmApi,
};
pub use error::{Error, ErrorKind, Result, VendorDetail};
pub use event::{Event, EventQuery};
pub use guest::{Console, Nic, NicSpec, Snapshot, SnapshotSpec};
pub use inventory::{Network, StoragePool, Template};
pub use model::{
    Cluster, ClusterId, ClusterState, ConsoleProtocol, Disk, DiskId, DiskState, EventId,
    EventSeverity, Extra, Host, HostId, HostState, NetworkId, NicId, ResourceRef, SnapshotId,
    SnapshotState, StoragePoolId, StorageState, Task, TaskError, TaskId, TaskState, TemplateId,
    TemplateKind, Vm, VmId, VmState,
};
pub use op::{Capabilities, Op};
pub use operation::{Finished, FromTarget, Observed, Operation};
pub use query::{
    Cursor, ListQuery, NameFilter, Order, OrderField, Page, announce_next_page, paginate,
    paginate_keyed,
};
pub use secret::Secret;
pub use wait::{Observation, Probe, Progress, WaitOptions, Waiter, poll_until};
