//! Filters of the infrastructure: hosts, clusters, datacenters, physical disks.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    BoolField, EnumField, Many, NumField, StrField, WhereInput, combine, related, related_many,
};
use super::{LabelWhere, VmWhere};
use crate::wire::{
    ClusterType, ConnectState, DiskHealthStatus, DiskType, DiskUsageStatus, EntityAsyncStatus,
    HostStatus, Hypervisor,
};

/// Filter for hosts (`HostWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct HostWhere(Map<String, Value>);

impl WhereInput for HostWhere {
    const SCHEMA: &'static str = "HostWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "local_id",
        "management_ip",
        "data_ip",
        "cpu_model",
        "model",
        "serial",
        "total_cpu_cores",
        "total_memory_bytes",
        "running_vm_num",
        "vm_num",
        "provisioned_cpu_cores",
        "used_cpu_hz",
        "used_memory_bytes",
        "status",
        "entityAsyncStatus",
        "nested_virtualization",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl HostWhere {
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
    /// The `management_ip` field.
    pub fn management_ip(self) -> StrField<Self> {
        StrField::new(self, "management_ip")
    }
    /// The `data_ip` field.
    pub fn data_ip(self) -> StrField<Self> {
        StrField::new(self, "data_ip")
    }
    /// The `cpu_model` field.
    pub fn cpu_model(self) -> StrField<Self> {
        StrField::new(self, "cpu_model")
    }
    /// The `model` field.
    pub fn model(self) -> StrField<Self> {
        StrField::new(self, "model")
    }
    /// The `serial` field.
    pub fn serial(self) -> StrField<Self> {
        StrField::new(self, "serial")
    }
    /// The `total_cpu_cores` number.
    pub fn total_cpu_cores(self) -> NumField<Self, i32> {
        NumField::new(self, "total_cpu_cores")
    }
    /// The `total_memory_bytes` number.
    pub fn total_memory_bytes(self) -> NumField<Self, i64> {
        NumField::new(self, "total_memory_bytes")
    }
    /// The `running_vm_num` number.
    pub fn running_vm_num(self) -> NumField<Self, i32> {
        NumField::new(self, "running_vm_num")
    }
    /// The `vm_num` number.
    pub fn vm_num(self) -> NumField<Self, i32> {
        NumField::new(self, "vm_num")
    }
    /// The `provisioned_cpu_cores` number.
    pub fn provisioned_cpu_cores(self) -> NumField<Self, i32> {
        NumField::new(self, "provisioned_cpu_cores")
    }
    /// The `used_cpu_hz` number.
    pub fn used_cpu_hz(self) -> NumField<Self, f64> {
        NumField::new(self, "used_cpu_hz")
    }
    /// The `used_memory_bytes` number.
    pub fn used_memory_bytes(self) -> NumField<Self, f64> {
        NumField::new(self, "used_memory_bytes")
    }
    /// The `status` enum.
    pub fn status(self) -> EnumField<Self, HostStatus> {
        EnumField::new(self, "status")
    }
    /// The `entityAsyncStatus` enum.
    pub fn entity_async_status(self) -> EnumField<Self, EntityAsyncStatus> {
        EnumField::new(self, "entityAsyncStatus")
    }
    /// The `nested_virtualization` flag.
    pub fn nested_virtualization(self) -> BoolField<Self> {
        BoolField::new(self, "nested_virtualization")
    }
    /// The related `cluster` matches.
    pub fn cluster(self, w: ClusterWhere) -> Self {
        related(self, "cluster", w)
    }
    /// Filter on the related `vms` (`_some`/`_every`/`_none`).
    pub fn vms(self, m: Many<VmWhere>) -> Self {
        related_many(self, "vms", m)
    }
    /// Filter on the related `labels` (`_some`/`_every`/`_none`).
    pub fn labels(self, m: Many<LabelWhere>) -> Self {
        related_many(self, "labels", m)
    }
    /// Filter on the related `disks` (`_some`/`_every`/`_none`).
    pub fn disks(self, m: Many<DiskWhere>) -> Self {
        related_many(self, "disks", m)
    }
}

/// Filter for clusters (`ClusterWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ClusterWhere(Map<String, Value>);

impl WhereInput for ClusterWhere {
    const SCHEMA: &'static str = "ClusterWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "local_id",
        "ip",
        "version",
        "management_vip",
        "total_cpu_cores",
        "total_memory_bytes",
        "host_num",
        "vm_num",
        "total_data_capacity",
        "used_cpu_hz",
        "used_memory_bytes",
        "type",
        "hypervisor",
        "connect_state",
        "entityAsyncStatus",
        "stretch",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl ClusterWhere {
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
    /// The `ip` field.
    pub fn ip(self) -> StrField<Self> {
        StrField::new(self, "ip")
    }
    /// The `version` field.
    pub fn version(self) -> StrField<Self> {
        StrField::new(self, "version")
    }
    /// The `management_vip` field.
    pub fn management_vip(self) -> StrField<Self> {
        StrField::new(self, "management_vip")
    }
    /// The `total_cpu_cores` number.
    pub fn total_cpu_cores(self) -> NumField<Self, i32> {
        NumField::new(self, "total_cpu_cores")
    }
    /// The `total_memory_bytes` number.
    pub fn total_memory_bytes(self) -> NumField<Self, i64> {
        NumField::new(self, "total_memory_bytes")
    }
    /// The `host_num` number.
    pub fn host_num(self) -> NumField<Self, i32> {
        NumField::new(self, "host_num")
    }
    /// The `vm_num` number.
    pub fn vm_num(self) -> NumField<Self, i32> {
        NumField::new(self, "vm_num")
    }
    /// The `total_data_capacity` number.
    pub fn total_data_capacity(self) -> NumField<Self, i64> {
        NumField::new(self, "total_data_capacity")
    }
    /// The `used_cpu_hz` number.
    pub fn used_cpu_hz(self) -> NumField<Self, f64> {
        NumField::new(self, "used_cpu_hz")
    }
    /// The `used_memory_bytes` number.
    pub fn used_memory_bytes(self) -> NumField<Self, f64> {
        NumField::new(self, "used_memory_bytes")
    }
    /// The `type` enum.
    pub fn cluster_type(self) -> EnumField<Self, ClusterType> {
        EnumField::new(self, "type")
    }
    /// The `hypervisor` enum.
    pub fn hypervisor(self) -> EnumField<Self, Hypervisor> {
        EnumField::new(self, "hypervisor")
    }
    /// The `connect_state` enum.
    pub fn connect_state(self) -> EnumField<Self, ConnectState> {
        EnumField::new(self, "connect_state")
    }
    /// The `entityAsyncStatus` enum.
    pub fn entity_async_status(self) -> EnumField<Self, EntityAsyncStatus> {
        EnumField::new(self, "entityAsyncStatus")
    }
    /// The `stretch` flag.
    pub fn stretch(self) -> BoolField<Self> {
        BoolField::new(self, "stretch")
    }
    /// Filter on the related `vms` (`_some`/`_every`/`_none`).
    pub fn vms(self, m: Many<VmWhere>) -> Self {
        related_many(self, "vms", m)
    }
    /// Filter on the related `hosts` (`_some`/`_every`/`_none`).
    pub fn hosts(self, m: Many<HostWhere>) -> Self {
        related_many(self, "hosts", m)
    }
    /// Filter on the related `datacenters` (`_some`/`_every`/`_none`).
    pub fn datacenters(self, m: Many<DatacenterWhere>) -> Self {
        related_many(self, "datacenters", m)
    }
    /// Filter on the related `labels` (`_some`/`_every`/`_none`).
    pub fn labels(self, m: Many<LabelWhere>) -> Self {
        related_many(self, "labels", m)
    }
}

/// Filter for datacenters (`DatacenterWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct DatacenterWhere(Map<String, Value>);

impl WhereInput for DatacenterWhere {
    const SCHEMA: &'static str = "DatacenterWhereInput";
    const FIELDS: &'static [&'static str] = &["id", "name", "cluster_num", "host_num", "vm_num"];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl DatacenterWhere {
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
    /// The `cluster_num` number.
    pub fn cluster_num(self) -> NumField<Self, i32> {
        NumField::new(self, "cluster_num")
    }
    /// The `host_num` number.
    pub fn host_num(self) -> NumField<Self, i32> {
        NumField::new(self, "host_num")
    }
    /// The `vm_num` number.
    pub fn vm_num(self) -> NumField<Self, i32> {
        NumField::new(self, "vm_num")
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

/// Filter for physical disks (`DiskWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct DiskWhere(Map<String, Value>);

impl WhereInput for DiskWhere {
    const SCHEMA: &'static str = "DiskWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "local_id",
        "path",
        "model",
        "serial",
        "firmware",
        "size",
        "remaining_life_percent",
        "type",
        "health_status",
        "usage_status",
        "healthy",
        "mounted",
        "offline",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl DiskWhere {
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
    /// The `path` field.
    pub fn path(self) -> StrField<Self> {
        StrField::new(self, "path")
    }
    /// The `model` field.
    pub fn model(self) -> StrField<Self> {
        StrField::new(self, "model")
    }
    /// The `serial` field.
    pub fn serial(self) -> StrField<Self> {
        StrField::new(self, "serial")
    }
    /// The `firmware` field.
    pub fn firmware(self) -> StrField<Self> {
        StrField::new(self, "firmware")
    }
    /// The `size` number.
    pub fn size(self) -> NumField<Self, i64> {
        NumField::new(self, "size")
    }
    /// The `remaining_life_percent` number.
    pub fn remaining_life_percent(self) -> NumField<Self, i32> {
        NumField::new(self, "remaining_life_percent")
    }
    /// The `type` enum.
    pub fn disk_type(self) -> EnumField<Self, DiskType> {
        EnumField::new(self, "type")
    }
    /// The `health_status` enum.
    pub fn health_status(self) -> EnumField<Self, DiskHealthStatus> {
        EnumField::new(self, "health_status")
    }
    /// The `usage_status` enum.
    pub fn usage_status(self) -> EnumField<Self, DiskUsageStatus> {
        EnumField::new(self, "usage_status")
    }
    /// The `healthy` flag.
    pub fn healthy(self) -> BoolField<Self> {
        BoolField::new(self, "healthy")
    }
    /// The `mounted` flag.
    pub fn mounted(self) -> BoolField<Self> {
        BoolField::new(self, "mounted")
    }
    /// The `offline` flag.
    pub fn offline(self) -> BoolField<Self> {
        BoolField::new(self, "offline")
    }
    /// The related `host` matches.
    pub fn host(self, w: HostWhere) -> Self {
        related(self, "host", w)
    }
    /// Filter on the related `labels` (`_some`/`_every`/`_none`).
    pub fn labels(self, m: Many<LabelWhere>) -> Self {
        related_many(self, "labels", m)
    }
}
