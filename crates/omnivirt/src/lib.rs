//! # omnivirt
//!
//! One typed, async API over on-premises virtualization platforms — oVirt/RHV, SmartX
//! CloudTower, ZStack and VeiL ECP — plus an embedded simulator.
//!
//! This facade re-exports the neutral core ([`Client`], the model, [`ListQuery`], errors), the
//! vendor crates behind features of the same name, and adds kubeconfig-like [`Config`] contexts,
//! [`connect`] for any vendor, and a [`Fleet`] that lists across many connections at once.
//!
//! ```no_run
//! # async fn demo() -> omnivirt::Result<()> {
//! use futures::TryStreamExt;
//! use omnivirt::{Config, ListQuery, VmState};
//!
//! let config = Config::load()?;
//! let (_, ctx) = config.context(None)?;
//! let client = omnivirt::connect(ctx).await?;
//! let running: Vec<_> = client
//!     .vms()
//!     .list(ListQuery::new().vm_state(VmState::Running))
//!     .try_collect()
//!     .await?;
//! println!("{} running VMs on {}", running.len(), client.vendor());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod api;
mod config;
mod connect;
mod fleet;

pub use config::{
    CONFIG_ENV, CONTEXT_ENV, Config, Context, Credentials, SecretSources, Vendor, context_keys,
};
pub use connect::{connect, connect_with_credentials};
pub use fleet::{Fleet, FleetItem, Tagged};

#[cfg(feature = "cloudtower")]
pub use omnivirt_cloudtower as cloudtower;
pub use omnivirt_core as core;
pub use omnivirt_core::{
    Backend, Capabilities, Client, CloneSpec, Cluster, ClusterId, Console, ConsoleProtocol, Disk,
    DiskId, DiskSpec, DiskState, Error, ErrorKind, Event, EventQuery, EventSeverity, Host, HostId,
    HostState, ListQuery, Network, NetworkId, Nic, NicId, NicSpec, Op, Operation, Page,
    PowerAction, Result, Secret, Snapshot, SnapshotId, SnapshotSpec, SnapshotState, StoragePool,
    StoragePoolId, Task, TaskId, TaskState, Template, TemplateId, Vm, VmId, VmSpec, VmState,
    VmUpdate, WaitOptions,
};
pub use omnivirt_http as http;
#[cfg(feature = "ovirt")]
pub use omnivirt_ovirt as ovirt;
#[cfg(feature = "sim")]
pub use omnivirt_sim as sim;
#[cfg(feature = "veil")]
pub use omnivirt_veil as veil;
#[cfg(feature = "zstack")]
pub use omnivirt_zstack as zstack;
