//! # omnivirt-cloudtower
//!
//! A SmartX CloudTower SDK for Rust, and the CloudTower backend of omnivirt.
//!
//! The native face talks the `/v2/api` as it is: typed objects ([`model`]), typed `where`
//! filters with every operator suffix, relation filters and `AND`/`OR`/`NOT` ([`filter`]),
//! paging with `first`/`skip`/`after`/`orderBy` and streams ([`query`]), every VM lifecycle
//! mutation with its real endpoint name ([`vm`]), and task waiting with one batched `get-tasks`
//! per poll ([`tasks`]). [`CloudTowerBackend`] implements [`omnivirt_core::Backend`] on top of it.
//!
//! ```no_run
//! # async fn demo() -> omnivirt_core::Result<()> {
//! use omnivirt_cloudtower::filter::VmWhere;
//! use omnivirt_cloudtower::model::VmStatus;
//! use omnivirt_cloudtower::query::Query;
//! use omnivirt_cloudtower::tasks::{task_ids, WaitTasks};
//! use omnivirt_cloudtower::{CloudTowerClient, Credentials};
//!
//! let tower = CloudTowerClient::builder("https://tower.example/v2/api")
//!     .credentials(Credentials::password("admin", "secret"))
//!     .build()?;
//! let stopped = VmWhere::new().name().starts_with("web-").status().eq(VmStatus::Stopped);
//! let started = tower.vm().start(&stopped, None).await?; // one task per VM
//! tower.wait_tasks(&task_ids(&started), WaitTasks::default()).await?;
//! let running = tower.vms().count(VmWhere::new().status().eq(VmStatus::Running)).await?;
//! println!("{running} VMs running");
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod api;
mod backend;
pub mod config;
pub mod convert;
pub mod error;
pub mod generated;
pub mod json;
pub mod native;
mod wire;

/// The typed CloudTower objects (`Vm`, `Host`, `Task`, ...) and their enums.
pub mod model {
    pub use crate::wire::{
        Alert, Bus, ByteUnit, Cluster, ClusterType, ConnectState, ConsistentType,
        ContentLibraryVmTemplate, Datacenter, Deleted, DiskHealthStatus, DiskType, DiskUsageStatus,
        EntityAsyncStatus, FrozenDisk, Host, HostMaintenance, HostStatus, Hypervisor,
        IscsiLunSnapshot, MaintenanceMode, NestedCpu, NestedHost, NestedLabel, NestedRef,
        PhysicalDisk, StoragePolicy, Task, TaskStatus, TaskStep, UserSource, Vm, VmDisk,
        VmDiskType, VmFirmware, VmNic, VmNicModel, VmSnapshot, VmStatus, VmToolsStatus, VmVolume,
        WithTask,
    };
}

pub use backend::{CloudTowerBackend, connect};
pub use config::CloudTowerConfig;
pub use native::{
    ApiKey, ClientBuilder, CloudTowerClient, Credentials, Language, LockRetry, filter, query,
    tasks, vm,
};

/// The vendor name used in errors, spans and `Backend::vendor()`.
pub const VENDOR: &str = "cloudtower";
