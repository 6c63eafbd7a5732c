//! Filters of alerts, tasks and labels.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    BoolField, EnumField, Many, NumField, StrField, TimeField, WhereInput, combine, related,
    related_many,
};
use super::{ClusterWhere, DiskWhere, HostWhere, VmWhere};
use crate::wire::TaskStatus;

/// Filter for alerts (`AlertWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct AlertWhere(Map<String, Value>);

impl WhereInput for AlertWhere {
    const SCHEMA: &'static str = "AlertWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "local_id",
        "message",
        "severity",
        "cause",
        "impact",
        "solution",
        "local_start_time",
        "local_end_time",
        "local_create_time",
        "threshold",
        "value",
        "ended",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl AlertWhere {
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
    /// The `local_id` field.
    pub fn local_id(self) -> StrField<Self> {
        StrField::new(self, "local_id")
    }
    /// The `message` field.
    pub fn message(self) -> StrField<Self> {
        StrField::new(self, "message")
    }
    /// The `severity` field.
    pub fn severity(self) -> StrField<Self> {
        StrField::new(self, "severity")
    }
    /// The `cause` field.
    pub fn cause(self) -> StrField<Self> {
        StrField::new(self, "cause")
    }
    /// The `impact` field.
    pub fn impact(self) -> StrField<Self> {
        StrField::new(self, "impact")
    }
    /// The `solution` field.
    pub fn solution(self) -> StrField<Self> {
        StrField::new(self, "solution")
    }
    /// The `local_start_time` timestamp.
    pub fn local_start_time(self) -> TimeField<Self> {
        TimeField::new(self, "local_start_time")
    }
    /// The `local_end_time` timestamp.
    pub fn local_end_time(self) -> TimeField<Self> {
        TimeField::new(self, "local_end_time")
    }
    /// The `local_create_time` timestamp.
    pub fn local_create_time(self) -> TimeField<Self> {
        TimeField::new(self, "local_create_time")
    }
    /// The `threshold` number.
    pub fn threshold(self) -> NumField<Self, f64> {
        NumField::new(self, "threshold")
    }
    /// The `value` number.
    pub fn value(self) -> NumField<Self, f64> {
        NumField::new(self, "value")
    }
    /// The `ended` flag.
    pub fn ended(self) -> BoolField<Self> {
        BoolField::new(self, "ended")
    }
    /// The related `cluster` matches.
    pub fn cluster(self, w: ClusterWhere) -> Self {
        related(self, "cluster", w)
    }
    /// The related `host` matches.
    pub fn host(self, w: HostWhere) -> Self {
        related(self, "host", w)
    }
    /// The related `disk` matches.
    pub fn disk(self, w: DiskWhere) -> Self {
        related(self, "disk", w)
    }
    /// Filter on the related `vms` (`_some`/`_every`/`_none`).
    pub fn vms(self, m: Many<VmWhere>) -> Self {
        related_many(self, "vms", m)
    }
}

/// Filter for tasks (`TaskWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct TaskWhere(Map<String, Value>);

impl WhereInput for TaskWhere {
    const SCHEMA: &'static str = "TaskWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "description",
        "error_code",
        "error_message",
        "resource_id",
        "resource_type",
        "resource_mutation",
        "key",
        "local_created_at",
        "started_at",
        "finished_at",
        "progress",
        "status",
        "internal",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl TaskWhere {
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
    /// The `description` field.
    pub fn description(self) -> StrField<Self> {
        StrField::new(self, "description")
    }
    /// The `error_code` field.
    pub fn error_code(self) -> StrField<Self> {
        StrField::new(self, "error_code")
    }
    /// The `error_message` field.
    pub fn error_message(self) -> StrField<Self> {
        StrField::new(self, "error_message")
    }
    /// The `resource_id` field.
    pub fn resource_id(self) -> StrField<Self> {
        StrField::new(self, "resource_id")
    }
    /// The `resource_type` field.
    pub fn resource_type(self) -> StrField<Self> {
        StrField::new(self, "resource_type")
    }
    /// The `resource_mutation` field.
    pub fn resource_mutation(self) -> StrField<Self> {
        StrField::new(self, "resource_mutation")
    }
    /// The `key` field.
    pub fn key(self) -> StrField<Self> {
        StrField::new(self, "key")
    }
    /// The `local_created_at` timestamp.
    pub fn local_created_at(self) -> TimeField<Self> {
        TimeField::new(self, "local_created_at")
    }
    /// The `started_at` timestamp.
    pub fn started_at(self) -> TimeField<Self> {
        TimeField::new(self, "started_at")
    }
    /// The `finished_at` timestamp.
    pub fn finished_at(self) -> TimeField<Self> {
        TimeField::new(self, "finished_at")
    }
    /// The `progress` number.
    pub fn progress(self) -> NumField<Self, f64> {
        NumField::new(self, "progress")
    }
    /// The `status` enum.
    pub fn status(self) -> EnumField<Self, TaskStatus> {
        EnumField::new(self, "status")
    }
    /// The `internal` flag.
    pub fn internal(self) -> BoolField<Self> {
        BoolField::new(self, "internal")
    }
    /// The related `cluster` matches.
    pub fn cluster(self, w: ClusterWhere) -> Self {
        related(self, "cluster", w)
    }
}

/// Filter for labels (`LabelWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct LabelWhere(Map<String, Value>);

impl WhereInput for LabelWhere {
    const SCHEMA: &'static str = "LabelWhereInput";
    const FIELDS: &'static [&'static str] = &["id", "key", "value"];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl LabelWhere {
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
    /// The `key` field.
    pub fn key(self) -> StrField<Self> {
        StrField::new(self, "key")
    }
    /// The `value` field.
    pub fn value(self) -> StrField<Self> {
        StrField::new(self, "value")
    }
}
