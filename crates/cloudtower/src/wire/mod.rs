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

/// A related object as the server embeds it, `{id, name}`: the generated `NestedCluster`, the
/// one shape every `Nested<X>` reference with an id and a name shares (`Vm::cluster`, for one).
pub use crate::generated::types::NestedCluster as NestedRef;

/// A host as embedded in other objects, `{id, name, management_ip}`: the generated `NestedHost`.
pub use crate::generated::types::NestedHost;

/// A label `{id, key, value}`: the generated `NestedLabel`.
pub use crate::generated::types::NestedLabel;

/// CPU topology: the generated `NestedCpu`.
pub use crate::generated::types::NestedCpu;

/// What every mutation returns per affected object: `{task_id, data}`.
///
/// Kept by hand on purpose: the spec spells one `WithTask_<X>_` struct per answer type
/// (`WithTaskVm`, `WithTaskDeleteVm`, ...), each with an optional `data`; the native face
/// returns every mutation's answer through this one generic envelope (so [`task_ids`] and the
/// waiters take any of them), and `data` is required here: an answer item without its object
/// fails to decode instead of reading as an empty placeholder.
///
/// [`task_ids`]: crate::tasks::task_ids
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WithTask<T> {
    /// The task to follow; `None` when the operation finished at once.
    #[serde(default)]
    pub task_id: Option<String>,
    /// The object (a placeholder until the task ends; only its `id` is stable).
    pub data: T,
}

/// `data` of a delete, `{id}`: the generated `DeleteVm` (the VM, snapshot and volume deletes
/// and all but two other `Delete<X>` of the model share this one shape).
pub use crate::generated::types::DeleteVm as Deleted;

/// `{aggregate: {count}}` of the `*-connection` queries.
///
/// Kept by hand, like [`WithTask`]: the spec spells one `<X>Connection` with its own
/// `NestedAggregate<X>` per object type, and [`Api::count`](crate::query::Api::count) reads
/// them all through this one type; `count` is required (an answer without it is an error).
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
    fn renamed_enums_keep_their_former_names_and_unknown_values() {
        assert_eq!(
            StoragePolicy::Replica2Thin.as_str(),
            "REPLICA_2_THIN_PROVISION"
        );
        assert_eq!(
            StoragePolicy::from_wire("ELF_CP_REPLICA_3_THICK_PROVISION"),
            StoragePolicy::ElfCpReplica3Thick
        );
        assert_eq!(StoragePolicy::Ec.as_str(), "EC");
        let p: StoragePolicy = serde_json::from_str("\"REPLICA_4_THIN\"").unwrap();
        assert_eq!(p, StoragePolicy::Other("REPLICA_4_THIN".into()));
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"REPLICA_4_THIN\"");
        assert_eq!(
            MaintenanceMode::from_wire("ENTERING_MAINTENANCE_MODE"),
            MaintenanceMode::Entering
        );
        assert_eq!(MaintenanceMode::Maintenance.as_str(), "MAINTENANCE_MODE");
    }

    #[test]
    fn infra_and_nested_objects_tolerate_nulls_and_unknown_values() {
        let d: PhysicalDisk = serde_json::from_str(
            r#"{"id":"d1","name":null,"type":"NVMe_SSD","usage":"TIERING","health_status":"GLOWING",
               "remaining_life_percent":97,"host":{"id":"h","name":"H","management_ip":null},
               "new_field":[1]}"#,
        )
        .unwrap();
        assert_eq!(d.id.as_deref(), Some("d1"));
        assert_eq!(d.name, None);
        assert_eq!(d.r#type, Some(DiskType::NvmeSsd));
        assert_eq!(
            d.health_status,
            Some(DiskHealthStatus::Other("GLOWING".into()))
        );
        assert_eq!(d.remaining_life_percent, Some(97));
        let h = d.host.unwrap();
        assert_eq!((h.id.as_deref(), h.management_ip), (Some("h"), None));

        let m: HostMaintenance = serde_json::from_str(r#"{"state":"SLEEPING"}"#).unwrap();
        assert_eq!(m.state, Some(MaintenanceMode::Other("SLEEPING".into())));
        let l: NestedLabel = serde_json::from_str(r#"{"id":"l","key":"k","value":null}"#).unwrap();
        assert_eq!((l.key.as_deref(), l.value), (Some("k"), None));
        let r: NestedRef = serde_json::from_str(r#"{"id":"c"}"#).unwrap();
        assert_eq!((r.id.as_deref(), r.name), (Some("c"), None));

        let w: Vec<WithTask<Deleted>> =
            serde_json::from_str(r#"[{"task_id":null,"data":{"id":"v"}},{"data":{}}]"#).unwrap();
        assert_eq!(w[0].task_id, None);
        assert_eq!(w[0].data.id.as_deref(), Some("v"));
        assert_eq!(w[1].data.id, None);
        assert!(serde_json::from_str::<WithTask<Deleted>>(r#"{"task_id":"t"}"#).is_err());
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
