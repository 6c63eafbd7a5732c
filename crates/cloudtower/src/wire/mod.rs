//! Typed CloudTower objects as the `/v2/api` sends them.
//!
//! Every struct is lenient on purpose: the server adds fields with every release (they are
//! ignored), fields the spec calls required are sometimes `null` (they decode to their default),
//! and enums accept values this crate does not know (`Other`). Field names follow the wire,
//! except `entityAsyncStatus`, which is `entity_async_status` here.

mod enums;
mod infra;
mod task;
mod vm;

use serde::{Deserialize, Serialize};

pub use enums::{
    Bus, ByteUnit, ClusterType, ConnectState, ConsistentType, DiskHealthStatus, DiskType,
    DiskUsageStatus, EntityAsyncStatus, HostStatus, Hypervisor, MaintenanceMode, StoragePolicy,
    TaskStatus, UserSource, VmDiskType, VmFirmware, VmNicModel, VmStatus, VmToolsStatus,
};
pub use infra::{Alert, Cluster, Datacenter, Host, HostMaintenance, PhysicalDisk};
pub use task::{Task, TaskStep};
pub use vm::{
    ContentLibraryVmTemplate, FrozenDisk, IscsiLunSnapshot, Vm, VmDisk, VmNic, VmSnapshot, VmVolume,
};

/// A related object as the server embeds it: `{id, name?}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NestedRef {
    /// CloudTower id.
    pub id: String,
    /// Name, when the server sends one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A host as embedded in other objects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NestedHost {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Management IP.
    #[serde(default)]
    pub management_ip: Option<String>,
}

/// A label `{id, key, value}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NestedLabel {
    /// CloudTower id.
    pub id: String,
    /// Key.
    #[serde(default)]
    pub key: String,
    /// Value.
    #[serde(default)]
    pub value: Option<String>,
}

/// CPU topology: the generated `NestedCpu`.
pub use crate::generated::types::NestedCpu;

/// What every mutation returns per affected object: `{task_id, data}`.
///
/// Kept by hand on purpose: the spec spells one `WithTask<X>` struct per object (`WithTaskVm`,
/// `WithTaskCluster`, ...); the native face returns every mutation's answer through this one
/// generic envelope, and `Serialize` keeps the `api` output of a mutation as the tower sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WithTask<T> {
    /// The task to follow; `None` when the operation finished at once.
    #[serde(default)]
    pub task_id: Option<String>,
    /// The object (a placeholder until the task ends; only its `id` is stable).
    pub data: T,
}

/// `data` of a delete: `{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Deleted {
    /// Id of the deleted object.
    pub id: String,
}

/// `{token}` inside the login answer.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LoginData {
    pub(crate) token: String,
}

/// `{aggregate: {count}}` of the `*-connection` queries.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Connection {
    pub(crate) aggregate: Aggregate,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Aggregate {
    pub(crate) count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_keep_unknown_values() {
        let s: VmStatus = serde_json::from_str("\"RUNNING\"").unwrap();
        assert_eq!(s, VmStatus::Running);
        let s: VmStatus = serde_json::from_str("\"HIBERNATING\"").unwrap();
        assert_eq!(s, VmStatus::Other("HIBERNATING".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"HIBERNATING\"");
        assert_eq!(DiskType::from_wire("NVMe_SSD"), DiskType::NvmeSsd);
    }

    #[test]
    fn vm_tolerates_nulls_and_unknown_fields() {
        let vm: Vm = serde_json::from_str(
            r#"{"id":"c1","name":"a","status":"STOPPED","vcpu":null,"anti_malware_enabled":true,
               "entityAsyncStatus":"CREATING","cluster":{"id":"k","name":"K"}}"#,
        )
        .unwrap();
        assert_eq!(vm.vcpu, None);
        assert_eq!(vm.entity_async_status, Some(EntityAsyncStatus::Creating));
        assert_eq!(vm.cluster.unwrap().name.as_deref(), Some("K"));
    }
}
