//! Filters of point-in-time copies: VM and iSCSI LUN snapshots, content-library templates.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    BoolField, EnumField, Many, NumField, StrField, TimeField, WhereInput, combine, related,
    related_many,
};
use super::{ClusterWhere, LabelWhere, VmWhere};
use crate::wire::{ConsistentType, EntityAsyncStatus};

/// Filter for VM snapshots (`VmSnapshotWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct VmSnapshotWhere(Map<String, Value>);

impl WhereInput for VmSnapshotWhere {
    const SCHEMA: &'static str = "VmSnapshotWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "local_id",
        "description",
        "local_created_at",
        "vcpu",
        "memory",
        "size",
        "consistent_type",
        "entityAsyncStatus",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl VmSnapshotWhere {
    /// An empty filter: matches everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// All of these match (`AND`).
    pub fn and(self, ws: impl IntoIterator<Item = Self>) -> Self {
        combine(self, "AND", ws)
    }

    /// At least one of these matches (`OR`).
    pub fn or(self, ws: impl IntoIterator<Item = Self>) -> Self {
        combine(self, "OR", ws)
    }

    /// None of these matches (`NOT`).
    pub fn not(self, ws: impl IntoIterator<Item = Self>) -> Self {
        combine(self, "NOT", ws)
    }

    /// The object, as sent.
    pub fn into_json(self) -> Value {
        Value::Object(self.0)
    }

    /// The `id` field.
    pub fn id(self) -> StrField<Self> {
        StrField::new(self, "id")
    }
    /// The `name` field.
    pub fn name(self) -> StrField<Self> {
        StrField::new(self, "name")
    }
    /// The `local_id` field.
    pub fn local_id(self) -> StrField<Self> {
        StrField::new(self, "local_id")
    }
    /// The `description` field.
    pub fn description(self) -> StrField<Self> {
        StrField::new(self, "description")
    }
    /// The `local_created_at` timestamp.
    pub fn local_created_at(self) -> TimeField<Self> {
        TimeField::new(self, "local_created_at")
    }
    /// The `vcpu` number.
    pub fn vcpu(self) -> NumField<Self, i32> {
        NumField::new(self, "vcpu")
    }
    /// The `memory` number.
    pub fn memory(self) -> NumField<Self, i64> {
        NumField::new(self, "memory")
    }
    /// The `size` number.
    pub fn size(self) -> NumField<Self, i64> {
        NumField::new(self, "size")
    }
    /// The `consistent_type` enum.
    pub fn consistent_type(self) -> EnumField<Self, ConsistentType> {
        EnumField::new(self, "consistent_type")
    }
    /// The `entityAsyncStatus` enum.
    pub fn entity_async_status(self) -> EnumField<Self, EntityAsyncStatus> {
        EnumField::new(self, "entityAsyncStatus")
    }
    /// The related `vm` matches.
    pub fn vm(self, w: VmWhere) -> Self {
        related(self, "vm", w)
    }
    /// The related `cluster` matches.
    pub fn cluster(self, w: ClusterWhere) -> Self {
        related(self, "cluster", w)
    }
    /// Filter on the related `labels` (`_some`/`_every`/`_none`).
    pub fn labels(self, m: Many<LabelWhere>) -> Self {
        related_many(self, "labels", m)
    }
}

/// Filter for iSCSI LUN snapshots (`IscsiLunSnapshotWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct IscsiLunSnapshotWhere(Map<String, Value>);

impl WhereInput for IscsiLunSnapshotWhere {
    const SCHEMA: &'static str = "IscsiLunSnapshotWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "local_id",
        "local_created_at",
        "unique_size",
        "entityAsyncStatus",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl IscsiLunSnapshotWhere {
    /// An empty filter: matches everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// All of these match (`AND`).
    pub fn and(self, ws: impl IntoIterator<Item = Self>) -> Self {
        combine(self, "AND", ws)
    }

    /// At least one of these matches (`OR`).
    pub fn or(self, ws: impl IntoIterator<Item = Self>) -> Self {
        combine(self, "OR", ws)
    }

    /// None of these matches (`NOT`).
    pub fn not(self, ws: impl IntoIterator<Item = Self>) -> Self {
        combine(self, "NOT", ws)
    }

    /// The object, as sent.
    pub fn into_json(self) -> Value {
        Value::Object(self.0)
    }

    /// The `id` field.
    pub fn id(self) -> StrField<Self> {
        StrField::new(self, "id")
    }
    /// The `name` field.
    pub fn name(self) -> StrField<Self> {
        StrField::new(self, "name")
    }
    /// The `local_id` field.
    pub fn local_id(self) -> StrField<Self> {
        StrField::new(self, "local_id")
    }
    /// The `local_created_at` timestamp.
    pub fn local_created_at(self) -> TimeField<Self> {
        TimeField::new(self, "local_created_at")
    }
    /// The `unique_size` number.
    pub fn unique_size(self) -> NumField<Self, i64> {
        NumField::new(self, "unique_size")
    }
    /// The `entityAsyncStatus` enum.
    pub fn entity_async_status(self) -> EnumField<Self, EntityAsyncStatus> {
        EnumField::new(self, "entityAsyncStatus")
    }
    /// Filter on the related `labels` (`_some`/`_every`/`_none`).
    pub fn labels(self, m: Many<LabelWhere>) -> Self {
        related_many(self, "labels", m)
    }
}

/// Filter for content-library VM templates (`ContentLibraryVmTemplateWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ContentLibraryVmTemplateWhere(Map<String, Value>);

impl WhereInput for ContentLibraryVmTemplateWhere {
    const SCHEMA: &'static str = "ContentLibraryVmTemplateWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "description",
        "architecture",
        "vcpu",
        "memory",
        "size",
        "cloud_init_supported",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl ContentLibraryVmTemplateWhere {
    /// An empty filter: matches everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// All of these match (`AND`).
    pub fn and(self, ws: impl IntoIterator<Item = Self>) -> Self {
        combine(self, "AND", ws)
    }

    /// At least one of these matches (`OR`).
    pub fn or(self, ws: impl IntoIterator<Item = Self>) -> Self {
        combine(self, "OR", ws)
    }

    /// None of these matches (`NOT`).
    pub fn not(self, ws: impl IntoIterator<Item = Self>) -> Self {
        combine(self, "NOT", ws)
    }

    /// The object, as sent.
    pub fn into_json(self) -> Value {
        Value::Object(self.0)
    }

    /// The `id` field.
    pub fn id(self) -> StrField<Self> {
        StrField::new(self, "id")
    }
    /// The `name` field.
    pub fn name(self) -> StrField<Self> {
        StrField::new(self, "name")
    }
    /// The `description` field.
    pub fn description(self) -> StrField<Self> {
        StrField::new(self, "description")
    }
    /// The `architecture` field.
    pub fn architecture(self) -> StrField<Self> {
        StrField::new(self, "architecture")
    }
    /// The `vcpu` number.
    pub fn vcpu(self) -> NumField<Self, i32> {
        NumField::new(self, "vcpu")
    }
    /// The `memory` number.
    pub fn memory(self) -> NumField<Self, i64> {
        NumField::new(self, "memory")
    }
    /// The `size` number.
    pub fn size(self) -> NumField<Self, i64> {
        NumField::new(self, "size")
    }
    /// The `cloud_init_supported` flag.
    pub fn cloud_init_supported(self) -> BoolField<Self> {
        BoolField::new(self, "cloud_init_supported")
    }
    /// Filter on the related `clusters` (`_some`/`_every`/`_none`).
    pub fn clusters(self, m: Many<ClusterWhere>) -> Self {
        related_many(self, "clusters", m)
    }
    /// Filter on the related `labels` (`_some`/`_every`/`_none`).
    pub fn labels(self, m: Many<LabelWhere>) -> Self {
        related_many(self, "labels", m)
    }
}
