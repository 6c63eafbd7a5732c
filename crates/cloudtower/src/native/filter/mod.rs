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

use serde::Serialize;
use serde_json::{Map, Value};

mod fields;
mod named;

pub use fields::{BoolField, EnumField, NumField, StrField, TimeField, WhereNumber};
pub use named::{
    AlertWhere, ClusterWhere, ContentLibraryVmTemplateWhere, DatacenterWhere, DiskWhere,
    ElfStoragePolicyWhere, HostWhere, IscsiLunSnapshotWhere, LabelWhere, TaskWhere, VdsWhere,
    VlanWhere, VmDiskWhere, VmNicWhere, VmSnapshotWhere, VmVolumeWhere, VmWhere,
};

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

/// The fields of `w`, leaving it empty.
fn take<W: WhereInput>(mut w: W) -> Map<String, Value> {
    std::mem::take(w.map_mut())
}

/// Sets `op` (`AND`, `OR`, `NOT`) to the list of `ws`.
pub(crate) fn combine<W: WhereInput>(mut w: W, op: &str, ws: impl IntoIterator<Item = W>) -> W {
    let a = ws.into_iter().map(|x| Value::Object(take(x))).collect();
    w.map_mut().insert(op.into(), Value::Array(a));
    w
}

/// Filters on the to-one relation `key`.
pub(crate) fn related<W: WhereInput, R: WhereInput>(mut w: W, key: &str, r: R) -> W {
    w.map_mut().insert(key.into(), Value::Object(take(r)));
    w
}

/// Filters on the to-many relation `key` (`<key>_some`, `_every` or `_none`).
pub(crate) fn related_many<W: WhereInput, R: WhereInput>(mut w: W, key: &str, m: Many<R>) -> W {
    w.map_mut()
        .insert(format!("{key}_{}", m.suffix), Value::Object(take(m.w)));
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{VmFirmware, VmStatus};
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
