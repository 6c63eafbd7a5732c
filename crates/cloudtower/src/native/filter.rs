//! Typed `where` filters.
//!
//! Each `<X>Where` builds the `<X>WhereInput` of the API one field at a time. A field method
//! returns a handle whose methods are exactly the operator suffixes the API accepts for that
//! field type (`name().contains(..)` sends `name_contains`, `vcpu().gt(2)` sends `vcpu_gt: 2` as a
//! number), so a filter the server would reject does not compile.
//!
//! ```
//! use omnivirt_cloudtower::filter::{some, ClusterWhere, LabelWhere, VmWhere};
//! use omnivirt_cloudtower::model::VmStatus;
//!
//! let w = VmWhere::new()
//!     .name().starts_with("web-")
//!     .vcpu().gte(2)
//!     .status().in_([VmStatus::Running, VmStatus::Suspended])
//!     .cluster(ClusterWhere::new().name().eq("clusterA"))
//!     .labels(some(LabelWhere::new().key().eq("env")))
//!     .or([VmWhere::new().ha().eq(true), VmWhere::new().memory().gt(1i64 << 32)]);
//! let json = serde_json::to_value(&w).unwrap();
//! assert_eq!(json["vcpu_gte"], 2);
//! assert_eq!(json["cluster"]["name"], "clusterA");
//! assert_eq!(json["labels_some"]["key"], "env");
//! ```

use std::marker::PhantomData;

use serde::Serialize;
use serde_json::{Map, Value};

/// Something that is a `<X>WhereInput`.
pub trait WhereInput:
    Clone + Default + Serialize + Send + Sync + std::fmt::Debug + 'static
{
    /// The spec's schema name, e.g. `VmWhereInput`.
    const SCHEMA: &'static str;
    /// Scalar fields this filter knows; `orderBy` accepts `<field>_ASC|_DESC` of these.
    const FIELDS: &'static [&'static str];

    /// The JSON object built so far.
    fn as_map(&self) -> &Map<String, Value>;

    /// The JSON object, mutable.
    fn map_mut(&mut self) -> &mut Map<String, Value>;

    /// Sets a raw key: the escape hatch for fields or operators this crate does not name yet.
    fn raw(mut self, key: impl Into<String>, value: Value) -> Self {
        self.map_mut().insert(key.into(), value);
        self
    }

    /// True if nothing is set (matches everything).
    fn is_empty(&self) -> bool {
        self.as_map().is_empty()
    }
}

fn put<W: WhereInput>(mut w: W, key: &'static str, suffix: &str, v: Value) -> W {
    let k = if suffix.is_empty() {
        key.to_owned()
    } else {
        format!("{key}_{suffix}")
    };
    w.map_mut().insert(k, v);
    w
}

fn strings<I, S>(vs: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Value::Array(vs.into_iter().map(|s| Value::String(s.into())).collect())
}

/// Declares the operator methods of a field handle, one line each: `<kind> <method> "<suffix>";`
/// where the kind names the value the method takes and how it is sent.
macro_rules! field_ops {
    ($($(#[$doc:meta])* $kind:ident $name:ident $suffix:literal;)*) => {
        $(field_ops!(@op $kind $(#[$doc])* $name $suffix);)*
    };
    (@op null $(#[$doc:meta])* $name:ident $suffix:literal) => {
        $(#[$doc])*
        pub fn $name(self) -> W {
            put(self.w, self.key, $suffix, Value::Null)
        }
    };
    (@op str $(#[$doc:meta])* $name:ident $suffix:literal) => {
        $(#[$doc])*
        pub fn $name(self, v: impl Into<String>) -> W {
            put(self.w, self.key, $suffix, Value::String(v.into()))
        }
    };
    (@op strs $(#[$doc:meta])* $name:ident $suffix:literal) => {
        $(#[$doc])*
        pub fn $name<I: IntoIterator<Item = S>, S: Into<String>>(self, vs: I) -> W {
            put(self.w, self.key, $suffix, strings(vs))
        }
    };
    (@op num $(#[$doc:meta])* $name:ident $suffix:literal) => {
        $(#[$doc])*
        pub fn $name(self, v: N) -> W {
            put(self.w, self.key, $suffix, v.to_json())
        }
    };
    (@op nums $(#[$doc:meta])* $name:ident $suffix:literal) => {
        $(#[$doc])*
        pub fn $name<I: IntoIterator<Item = N>>(self, vs: I) -> W {
            let a = vs.into_iter().map(WhereNumber::to_json).collect();
            put(self.w, self.key, $suffix, Value::Array(a))
        }
    };
    (@op enum $(#[$doc:meta])* $name:ident $suffix:literal) => {
        $(#[$doc])*
        pub fn $name(self, v: E) -> W {
            put(self.w, self.key, $suffix, enum_json(&v))
        }
    };
    (@op enums $(#[$doc:meta])* $name:ident $suffix:literal) => {
        $(#[$doc])*
        pub fn $name<I: IntoIterator<Item = E>>(self, vs: I) -> W {
            let a = vs.into_iter().map(|e| enum_json(&e)).collect();
            put(self.w, self.key, $suffix, Value::Array(a))
        }
    };
    (@op bool $(#[$doc:meta])* $name:ident $suffix:literal) => {
        $(#[$doc])*
        pub fn $name(self, v: bool) -> W {
            put(self.w, self.key, $suffix, Value::Bool(v))
        }
    };
}

/// A string field: every operator.
#[derive(Debug)]
#[must_use]
pub struct StrField<W> {
    w: W,
    key: &'static str,
}

impl<W: WhereInput> StrField<W> {
    field_ops! {
        /// Equals.
        str eq "";
        /// Is explicitly `null` (sends `"field": null`).
        null is_null "";
        /// Differs (`_not`).
        str not "not";
        /// One of (`_in`).
        strs in_ "in";
        /// None of (`_not_in`).
        strs not_in "not_in";
        /// Contains (`_contains`).
        str contains "contains";
        /// Does not contain (`_not_contains`).
        str not_contains "not_contains";
        /// Starts with (`_starts_with`).
        str starts_with "starts_with";
        /// Does not start with (`_not_starts_with`).
        str not_starts_with "not_starts_with";
        /// Ends with (`_ends_with`).
        str ends_with "ends_with";
        /// Does not end with (`_not_ends_with`).
        str not_ends_with "not_ends_with";
        /// Sorts before (`_lt`).
        str lt "lt";
        /// Sorts before or equal (`_lte`).
        str lte "lte";
        /// Sorts after (`_gt`).
        str gt "gt";
        /// Sorts after or equal (`_gte`).
        str gte "gte";
    }
}

/// A timestamp field (ISO-8601 strings): comparisons, no substring operators.
#[derive(Debug)]
#[must_use]
pub struct TimeField<W> {
    w: W,
    key: &'static str,
}

impl<W: WhereInput> TimeField<W> {
    field_ops! {
        /// Equals.
        str eq "";
        /// Is explicitly `null`.
        null is_null "";
        /// Differs.
        str not "not";
        /// One of.
        strs in_ "in";
        /// None of.
        strs not_in "not_in";
        /// Before.
        str lt "lt";
        /// At or before.
        str lte "lte";
        /// After.
        str gt "gt";
        /// At or after.
        str gte "gte";
    }
}

/// A number the API compares: sent as a JSON number, never a string.
pub trait WhereNumber: Copy {
    /// As JSON.
    fn to_json(self) -> Value;
}

macro_rules! where_number {
    ($($t:ty),*) => {$(
        impl WhereNumber for $t {
            fn to_json(self) -> Value {
                Value::from(self)
            }
        }
    )*};
}
where_number!(i32, i64, u32, u64);

impl WhereNumber for f64 {
    fn to_json(self) -> Value {
        serde_json::Number::from_f64(self).map_or(Value::Null, Value::Number)
    }
}

/// A numeric field: equality, sets and comparisons.
#[derive(Debug)]
#[must_use]
pub struct NumField<W, N> {
    w: W,
    key: &'static str,
    _n: PhantomData<N>,
}

impl<W: WhereInput, N: WhereNumber> NumField<W, N> {
    field_ops! {
        /// Equals.
        num eq "";
        /// Is explicitly `null`.
        null is_null "";
        /// Differs.
        num not "not";
        /// One of.
        nums in_ "in";
        /// None of.
        nums not_in "not_in";
        /// Less than.
        num lt "lt";
        /// Less than or equal.
        num lte "lte";
        /// Greater than.
        num gt "gt";
        /// Greater than or equal.
        num gte "gte";
    }
}

/// An enum field: equality and sets.
#[derive(Debug)]
#[must_use]
pub struct EnumField<W, E> {
    w: W,
    key: &'static str,
    _e: PhantomData<E>,
}

fn enum_json<E: Serialize>(e: &E) -> Value {
    serde_json::to_value(e).unwrap_or(Value::Null)
}

impl<W: WhereInput, E: Serialize> EnumField<W, E> {
    field_ops! {
        /// Equals.
        enum eq "";
        /// Is explicitly `null`.
        null is_null "";
        /// Differs.
        enum not "not";
        /// One of.
        enums in_ "in";
        /// None of.
        enums not_in "not_in";
    }
}

/// A boolean field.
#[derive(Debug)]
#[must_use]
pub struct BoolField<W> {
    w: W,
    key: &'static str,
}

impl<W: WhereInput> BoolField<W> {
    field_ops! {
        /// Equals.
        bool eq "";
        /// Is explicitly `null`.
        null is_null "";
        /// Differs.
        bool not "not";
    }
}

/// A to-many relation filter: some, every or none of the related objects match.
#[derive(Debug, Clone)]
#[must_use]
pub struct Many<W> {
    suffix: &'static str,
    w: W,
}

/// At least one related object matches (`<rel>_some`).
pub fn some<W: WhereInput>(w: W) -> Many<W> {
    Many { suffix: "some", w }
}

/// Every related object matches (`<rel>_every`).
pub fn every<W: WhereInput>(w: W) -> Many<W> {
    Many { suffix: "every", w }
}

/// No related object matches (`<rel>_none`).
pub fn none<W: WhereInput>(w: W) -> Many<W> {
    Many { suffix: "none", w }
}

macro_rules! key {
    ($f:ident) => {
        stringify!($f)
    };
    ($f:ident $k:literal) => {
        $k
    };
}

macro_rules! where_input {
    (
        $(#[$m:meta])* $name:ident = $schema:literal {
            str: [$($s:ident $(= $sk:literal)?),* $(,)?],
            time: [$($t:ident),* $(,)?],
            int: [$($i:ident: $it:ty),* $(,)?],
            float: [$($fl:ident),* $(,)?],
            enums: [$($e:ident $(= $ek:literal)?: $et:ty),* $(,)?],
            bool: [$($b:ident),* $(,)?],
            one: [$($o:ident: $ot:ident),* $(,)?],
            many: [$($mn:ident: $mt:ident),* $(,)?],
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize)]
        #[serde(transparent)]
        pub struct $name(Map<String, Value>);

        impl WhereInput for $name {
            const SCHEMA: &'static str = $schema;
            const FIELDS: &'static [&'static str] = &[
                $(key!($s $($sk)?),)* $(stringify!($t),)* $(stringify!($i),)* $(stringify!($fl),)*
                $(key!($e $($ek)?),)* $(stringify!($b),)*
            ];
            fn as_map(&self) -> &Map<String, Value> {
                &self.0
            }
            fn map_mut(&mut self) -> &mut Map<String, Value> {
                &mut self.0
            }
        }

        impl $name {
            /// An empty filter: matches everything.
            pub fn new() -> Self {
                Self::default()
            }

            /// All of these match (`AND`).
            pub fn and(mut self, ws: impl IntoIterator<Item = $name>) -> Self {
                let a = ws.into_iter().map(|w| Value::Object(w.0)).collect();
                self.0.insert("AND".into(), Value::Array(a));
                self
            }

            /// At least one of these matches (`OR`).
            pub fn or(mut self, ws: impl IntoIterator<Item = $name>) -> Self {
                let a = ws.into_iter().map(|w| Value::Object(w.0)).collect();
                self.0.insert("OR".into(), Value::Array(a));
                self
            }

            /// None of these matches (`NOT`).
            pub fn not(mut self, ws: impl IntoIterator<Item = $name>) -> Self {
                let a = ws.into_iter().map(|w| Value::Object(w.0)).collect();
                self.0.insert("NOT".into(), Value::Array(a));
                self
            }

            /// The object, as sent.
            pub fn into_json(self) -> Value {
                Value::Object(self.0)
            }

            $(
                #[doc = concat!("The `", key!($s $($sk)?), "` field.")]
                pub fn $s(self) -> StrField<Self> {
                    StrField { w: self, key: key!($s $($sk)?) }
                }
            )*
            $(
                #[doc = concat!("The `", stringify!($t), "` timestamp.")]
                pub fn $t(self) -> TimeField<Self> {
                    TimeField { w: self, key: stringify!($t) }
                }
            )*
            $(
                #[doc = concat!("The `", stringify!($i), "` number.")]
                pub fn $i(self) -> NumField<Self, $it> {
                    NumField { w: self, key: stringify!($i), _n: PhantomData }
                }
            )*
            $(
                #[doc = concat!("The `", stringify!($fl), "` number.")]
                pub fn $fl(self) -> NumField<Self, f64> {
                    NumField { w: self, key: stringify!($fl), _n: PhantomData }
                }
            )*
            $(
                #[doc = concat!("The `", key!($e $($ek)?), "` enum.")]
                pub fn $e(self) -> EnumField<Self, $et> {
                    EnumField { w: self, key: key!($e $($ek)?), _e: PhantomData }
                }
            )*
            $(
                #[doc = concat!("The `", stringify!($b), "` flag.")]
                pub fn $b(self) -> BoolField<Self> {
                    BoolField { w: self, key: stringify!($b) }
                }
            )*
            $(
                #[doc = concat!("The related `", stringify!($o), "` matches.")]
                pub fn $o(mut self, w: $ot) -> Self {
                    self.0.insert(stringify!($o).into(), Value::Object(w.0));
                    self
                }
            )*
            $(
                #[doc = concat!("Filter on the related `", stringify!($mn), "` (`_some`/`_every`/`_none`).")]
                pub fn $mn(mut self, m: Many<$mt>) -> Self {
                    self.0.insert(format!("{}_{}", stringify!($mn), m.suffix), Value::Object(m.w.0));
                    self
                }
            )*
        }
    };
}

use crate::wire::{
    Bus, ClusterType, ConnectState, ConsistentType, DiskHealthStatus, DiskType, DiskUsageStatus,
    EntityAsyncStatus, HostStatus, Hypervisor, StoragePolicy, TaskStatus, VmDiskType, VmFirmware,
    VmNicModel, VmStatus, VmToolsStatus,
};

where_input! {
    /// Filter for VMs (`VmWhereInput`).
    VmWhere = "VmWhereInput" {
        str: [id, name, local_id, description, ips, node_ip, cpu_model, os, hostname, kernel_info, bios_uuid, original_name],
        time: [local_created_at, deleted_at, last_shutdown_time],
        int: [vcpu: i32, memory: i64, size: i64, provisioned_size: i64, max_iops: i32, max_bandwidth: i64, guest_used_size: i64],
        float: [cpu_usage, memory_usage],
        enums: [status: VmStatus, entity_async_status = "entityAsyncStatus": EntityAsyncStatus, firmware: VmFirmware, vm_tools_status: VmToolsStatus],
        bool: [ha, in_recycle_bin, internal, protected, nested_virtualization, win_opt, cloud_init_supported],
        one: [cluster: ClusterWhere, host: HostWhere],
        many: [vm_disks: VmDiskWhere, vm_nics: VmNicWhere, labels: LabelWhere, snapshots: VmSnapshotWhere],
    }
}

where_input! {
    /// Filter for hosts (`HostWhereInput`).
    HostWhere = "HostWhereInput" {
        str: [id, name, local_id, management_ip, data_ip, cpu_model, model, serial],
        time: [],
        int: [total_cpu_cores: i32, total_memory_bytes: i64, running_vm_num: i32, vm_num: i32, provisioned_cpu_cores: i32],
        float: [used_cpu_hz, used_memory_bytes],
        enums: [status: HostStatus, entity_async_status = "entityAsyncStatus": EntityAsyncStatus],
        bool: [nested_virtualization],
        one: [cluster: ClusterWhere],
        many: [vms: VmWhere, labels: LabelWhere, disks: DiskWhere],
    }
}

where_input! {
    /// Filter for clusters (`ClusterWhereInput`).
    ClusterWhere = "ClusterWhereInput" {
        str: [id, name, local_id, ip, version, management_vip],
        time: [],
        int: [total_cpu_cores: i32, total_memory_bytes: i64, host_num: i32, vm_num: i32, total_data_capacity: i64],
        float: [used_cpu_hz, used_memory_bytes],
        enums: [cluster_type = "type": ClusterType, hypervisor: Hypervisor, connect_state: ConnectState, entity_async_status = "entityAsyncStatus": EntityAsyncStatus],
        bool: [stretch],
        one: [],
        many: [vms: VmWhere, hosts: HostWhere, datacenters: DatacenterWhere, labels: LabelWhere],
    }
}

where_input! {
    /// Filter for datacenters (`DatacenterWhereInput`).
    DatacenterWhere = "DatacenterWhereInput" {
        str: [id, name],
        time: [],
        int: [cluster_num: i32, host_num: i32, vm_num: i32],
        float: [],
        enums: [],
        bool: [],
        one: [],
        many: [clusters: ClusterWhere, labels: LabelWhere],
    }
}

where_input! {
    /// Filter for physical disks (`DiskWhereInput`).
    DiskWhere = "DiskWhereInput" {
        str: [id, name, local_id, path, model, serial, firmware],
        time: [],
        int: [size: i64, remaining_life_percent: i32],
        float: [],
        enums: [disk_type = "type": DiskType, health_status: DiskHealthStatus, usage_status: DiskUsageStatus],
        bool: [healthy, mounted, offline],
        one: [host: HostWhere],
        many: [labels: LabelWhere],
    }
}

where_input! {
    /// Filter for alerts (`AlertWhereInput`).
    AlertWhere = "AlertWhereInput" {
        str: [id, local_id, message, severity, cause, impact, solution],
        time: [local_start_time, local_end_time, local_create_time],
        int: [],
        float: [threshold, value],
        enums: [],
        bool: [ended],
        one: [cluster: ClusterWhere, host: HostWhere, disk: DiskWhere],
        many: [vms: VmWhere],
    }
}

where_input! {
    /// Filter for tasks (`TaskWhereInput`).
    TaskWhere = "TaskWhereInput" {
        str: [id, description, error_code, error_message, resource_id, resource_type, resource_mutation, key],
        time: [local_created_at, started_at, finished_at],
        int: [],
        float: [progress],
        enums: [status: TaskStatus],
        bool: [internal],
        one: [cluster: ClusterWhere],
        many: [],
    }
}

where_input! {
    /// Filter for VM snapshots (`VmSnapshotWhereInput`).
    VmSnapshotWhere = "VmSnapshotWhereInput" {
        str: [id, name, local_id, description],
        time: [local_created_at],
        int: [vcpu: i32, memory: i64, size: i64],
        float: [],
        enums: [consistent_type: ConsistentType, entity_async_status = "entityAsyncStatus": EntityAsyncStatus],
        bool: [],
        one: [vm: VmWhere, cluster: ClusterWhere],
        many: [labels: LabelWhere],
    }
}

where_input! {
    /// Filter for iSCSI LUN snapshots (`IscsiLunSnapshotWhereInput`).
    IscsiLunSnapshotWhere = "IscsiLunSnapshotWhereInput" {
        str: [id, name, local_id],
        time: [local_created_at],
        int: [unique_size: i64],
        float: [],
        enums: [entity_async_status = "entityAsyncStatus": EntityAsyncStatus],
        bool: [],
        one: [],
        many: [labels: LabelWhere],
    }
}

where_input! {
    /// Filter for VM disk slots (`VmDiskWhereInput`).
    VmDiskWhere = "VmDiskWhereInput" {
        str: [id, device, serial],
        time: [],
        int: [boot: i32, key: i32, max_iops: i32],
        float: [],
        enums: [bus: Bus, disk_type = "type": VmDiskType],
        bool: [disabled],
        one: [vm: VmWhere, vm_volume: VmVolumeWhere],
        many: [],
    }
}

where_input! {
    /// Filter for VM NICs (`VmNicWhereInput`).
    VmNicWhere = "VmNicWhereInput" {
        str: [id, local_id, mac_address, ip_address, gateway, subnet_mask],
        time: [],
        int: [order: i32],
        float: [],
        enums: [model: VmNicModel],
        bool: [enabled, mirror],
        one: [vm: VmWhere],
        many: [],
    }
}

where_input! {
    /// Filter for VM volumes (`VmVolumeWhereInput`).
    VmVolumeWhere = "VmVolumeWhereInput" {
        str: [id, name, local_id, path, description],
        time: [local_created_at],
        int: [size: i64],
        float: [],
        enums: [elf_storage_policy: StoragePolicy, entity_async_status = "entityAsyncStatus": EntityAsyncStatus],
        bool: [mounting, sharing],
        one: [cluster: ClusterWhere],
        many: [vm_disks: VmDiskWhere, labels: LabelWhere],
    }
}

where_input! {
    /// Filter for content-library VM templates (`ContentLibraryVmTemplateWhereInput`).
    ContentLibraryVmTemplateWhere = "ContentLibraryVmTemplateWhereInput" {
        str: [id, name, description, architecture],
        time: [],
        int: [vcpu: i32, memory: i64, size: i64],
        float: [],
        enums: [],
        bool: [cloud_init_supported],
        one: [],
        many: [clusters: ClusterWhere, labels: LabelWhere],
    }
}

where_input! {
    /// Filter for labels (`LabelWhereInput`).
    LabelWhere = "LabelWhereInput" {
        str: [id, key, value],
        time: [],
        int: [],
        float: [],
        enums: [],
        bool: [],
        one: [],
        many: [],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_the_samples_of_the_docs() {
        let w = VmWhere::new().name().in_(["demo", "demo2"]);
        assert_eq!(
            serde_json::to_value(&w).unwrap(),
            json!({"name_in": ["demo", "demo2"]})
        );
        let w = VmWhere::new()
            .cluster(ClusterWhere::new().name().eq("clusterA"))
            .vcpu()
            .gt(2);
        assert_eq!(
            serde_json::to_value(&w).unwrap(),
            json!({"cluster": {"name": "clusterA"}, "vcpu_gt": 2})
        );
        let w = ClusterWhere::new().vms(some(VmWhere::new().name().eq("demo")));
        assert_eq!(
            serde_json::to_value(&w).unwrap(),
            json!({"vms_some": {"name": "demo"}})
        );
    }

    #[test]
    fn combinators_null_and_renamed_keys() {
        let w = VmWhere::new()
            .not([VmWhere::new().status().eq(VmStatus::Running)])
            .entity_async_status()
            .is_null();
        assert_eq!(
            serde_json::to_value(&w).unwrap(),
            json!({"NOT": [{"status": "RUNNING"}], "entityAsyncStatus": null})
        );
        assert!(VmWhere::FIELDS.contains(&"entityAsyncStatus"));
        assert!(ClusterWhere::FIELDS.contains(&"type"));
    }

    #[test]
    fn every_operator_kind_sends_its_key_and_value() {
        let w = VmWhere::new()
            .name()
            .not_ends_with("x")
            .os()
            .not_in(["a", "b"])
            .deleted_at()
            .gte("2024-01-01T00:00:00Z")
            .vcpu()
            .not_in([1, 2])
            .memory()
            .lte(5)
            .cpu_usage()
            .gt(0.5)
            .status()
            .not(VmStatus::Stopped)
            .firmware()
            .in_([VmFirmware::Uefi])
            .ha()
            .not(true)
            .hostname()
            .is_null();
        assert_eq!(
            serde_json::to_value(&w).unwrap(),
            json!({
                "name_not_ends_with": "x",
                "os_not_in": ["a", "b"],
                "deleted_at_gte": "2024-01-01T00:00:00Z",
                "vcpu_not_in": [1, 2],
                "memory_lte": 5,
                "cpu_usage_gt": 0.5,
                "status_not": "STOPPED",
                "firmware_in": ["UEFI"],
                "ha_not": true,
                "hostname": null,
            })
        );
    }
}
