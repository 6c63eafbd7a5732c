//! Filters of VMs and what hangs off them: disk slots, NICs, volumes.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    BoolField, EnumField, Many, NumField, StrField, TimeField, WhereInput, combine, related,
    related_many,
};
use super::{ClusterWhere, HostWhere, LabelWhere, VmSnapshotWhere};
use crate::wire::{
    Bus, EntityAsyncStatus, StoragePolicy, VmDiskType, VmFirmware, VmNicModel, VmStatus,
    VmToolsStatus,
};

/// Filter for VMs (`VmWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct VmWhere(Map<String, Value>);

impl WhereInput for VmWhere {
    const SCHEMA: &'static str = "VmWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "local_id",
        "description",
        "ips",
        "node_ip",
        "cpu_model",
        "os",
        "hostname",
        "kernel_info",
        "bios_uuid",
        "original_name",
        "local_created_at",
        "deleted_at",
        "last_shutdown_time",
        "vcpu",
        "memory",
        "size",
        "provisioned_size",
        "max_iops",
        "max_bandwidth",
        "guest_used_size",
        "cpu_usage",
        "memory_usage",
        "status",
        "entityAsyncStatus",
        "firmware",
        "vm_tools_status",
        "ha",
        "in_recycle_bin",
        "internal",
        "protected",
        "nested_virtualization",
        "win_opt",
        "cloud_init_supported",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl VmWhere {
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
    /// The `ips` field.
    pub fn ips(self) -> StrField<Self> {
        StrField::new(self, "ips")
    }
    /// The `node_ip` field.
    pub fn node_ip(self) -> StrField<Self> {
        StrField::new(self, "node_ip")
    }
    /// The `cpu_model` field.
    pub fn cpu_model(self) -> StrField<Self> {
        StrField::new(self, "cpu_model")
    }
    /// The `os` field.
    pub fn os(self) -> StrField<Self> {
        StrField::new(self, "os")
    }
    /// The `hostname` field.
    pub fn hostname(self) -> StrField<Self> {
        StrField::new(self, "hostname")
    }
    /// The `kernel_info` field.
    pub fn kernel_info(self) -> StrField<Self> {
        StrField::new(self, "kernel_info")
    }
    /// The `bios_uuid` field.
    pub fn bios_uuid(self) -> StrField<Self> {
        StrField::new(self, "bios_uuid")
    }
    /// The `original_name` field.
    pub fn original_name(self) -> StrField<Self> {
        StrField::new(self, "original_name")
    }
    /// The `local_created_at` timestamp.
    pub fn local_created_at(self) -> TimeField<Self> {
        TimeField::new(self, "local_created_at")
    }
    /// The `deleted_at` timestamp.
    pub fn deleted_at(self) -> TimeField<Self> {
        TimeField::new(self, "deleted_at")
    }
    /// The `last_shutdown_time` timestamp.
    pub fn last_shutdown_time(self) -> TimeField<Self> {
        TimeField::new(self, "last_shutdown_time")
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
    /// The `provisioned_size` number.
    pub fn provisioned_size(self) -> NumField<Self, i64> {
        NumField::new(self, "provisioned_size")
    }
    /// The `max_iops` number.
    pub fn max_iops(self) -> NumField<Self, i32> {
        NumField::new(self, "max_iops")
    }
    /// The `max_bandwidth` number.
    pub fn max_bandwidth(self) -> NumField<Self, i64> {
        NumField::new(self, "max_bandwidth")
    }
    /// The `guest_used_size` number.
    pub fn guest_used_size(self) -> NumField<Self, i64> {
        NumField::new(self, "guest_used_size")
    }
    /// The `cpu_usage` number.
    pub fn cpu_usage(self) -> NumField<Self, f64> {
        NumField::new(self, "cpu_usage")
    }
    /// The `memory_usage` number.
    pub fn memory_usage(self) -> NumField<Self, f64> {
        NumField::new(self, "memory_usage")
    }
    /// The `status` enum.
    pub fn status(self) -> EnumField<Self, VmStatus> {
        EnumField::new(self, "status")
    }
    /// The `entityAsyncStatus` enum.
    pub fn entity_async_status(self) -> EnumField<Self, EntityAsyncStatus> {
        EnumField::new(self, "entityAsyncStatus")
    }
    /// The `firmware` enum.
    pub fn firmware(self) -> EnumField<Self, VmFirmware> {
        EnumField::new(self, "firmware")
    }
    /// The `vm_tools_status` enum.
    pub fn vm_tools_status(self) -> EnumField<Self, VmToolsStatus> {
        EnumField::new(self, "vm_tools_status")
    }
    /// The `ha` flag.
    pub fn ha(self) -> BoolField<Self> {
        BoolField::new(self, "ha")
    }
    /// The `in_recycle_bin` flag.
    pub fn in_recycle_bin(self) -> BoolField<Self> {
        BoolField::new(self, "in_recycle_bin")
    }
    /// The `internal` flag.
    pub fn internal(self) -> BoolField<Self> {
        BoolField::new(self, "internal")
    }
    /// The `protected` flag.
    pub fn protected(self) -> BoolField<Self> {
        BoolField::new(self, "protected")
    }
    /// The `nested_virtualization` flag.
    pub fn nested_virtualization(self) -> BoolField<Self> {
        BoolField::new(self, "nested_virtualization")
    }
    /// The `win_opt` flag.
    pub fn win_opt(self) -> BoolField<Self> {
        BoolField::new(self, "win_opt")
    }
    /// The `cloud_init_supported` flag.
    pub fn cloud_init_supported(self) -> BoolField<Self> {
        BoolField::new(self, "cloud_init_supported")
    }
    /// The related `cluster` matches.
    pub fn cluster(self, w: ClusterWhere) -> Self {
        related(self, "cluster", w)
    }
    /// The related `host` matches.
    pub fn host(self, w: HostWhere) -> Self {
        related(self, "host", w)
    }
    /// Filter on the related `vm_disks` (`_some`/`_every`/`_none`).
    pub fn vm_disks(self, m: Many<VmDiskWhere>) -> Self {
        related_many(self, "vm_disks", m)
    }
    /// Filter on the related `vm_nics` (`_some`/`_every`/`_none`).
    pub fn vm_nics(self, m: Many<VmNicWhere>) -> Self {
        related_many(self, "vm_nics", m)
    }
    /// Filter on the related `labels` (`_some`/`_every`/`_none`).
    pub fn labels(self, m: Many<LabelWhere>) -> Self {
        related_many(self, "labels", m)
    }
    /// Filter on the related `snapshots` (`_some`/`_every`/`_none`).
    pub fn snapshots(self, m: Many<VmSnapshotWhere>) -> Self {
        related_many(self, "snapshots", m)
    }
}

/// Filter for VM disk slots (`VmDiskWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct VmDiskWhere(Map<String, Value>);

impl WhereInput for VmDiskWhere {
    const SCHEMA: &'static str = "VmDiskWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id", "device", "serial", "boot", "key", "max_iops", "bus", "type", "disabled",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl VmDiskWhere {
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
    /// The `device` field.
    pub fn device(self) -> StrField<Self> {
        StrField::new(self, "device")
    }
    /// The `serial` field.
    pub fn serial(self) -> StrField<Self> {
        StrField::new(self, "serial")
    }
    /// The `boot` number.
    pub fn boot(self) -> NumField<Self, i32> {
        NumField::new(self, "boot")
    }
    /// The `key` number.
    pub fn key(self) -> NumField<Self, i32> {
        NumField::new(self, "key")
    }
    /// The `max_iops` number.
    pub fn max_iops(self) -> NumField<Self, i32> {
        NumField::new(self, "max_iops")
    }
    /// The `bus` enum.
    pub fn bus(self) -> EnumField<Self, Bus> {
        EnumField::new(self, "bus")
    }
    /// The `type` enum.
    pub fn disk_type(self) -> EnumField<Self, VmDiskType> {
        EnumField::new(self, "type")
    }
    /// The `disabled` flag.
    pub fn disabled(self) -> BoolField<Self> {
        BoolField::new(self, "disabled")
    }
    /// The related `vm` matches.
    pub fn vm(self, w: VmWhere) -> Self {
        related(self, "vm", w)
    }
    /// The related `vm_volume` matches.
    pub fn vm_volume(self, w: VmVolumeWhere) -> Self {
        related(self, "vm_volume", w)
    }
}

/// Filter for VM NICs (`VmNicWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct VmNicWhere(Map<String, Value>);

impl WhereInput for VmNicWhere {
    const SCHEMA: &'static str = "VmNicWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "local_id",
        "mac_address",
        "ip_address",
        "gateway",
        "subnet_mask",
        "order",
        "model",
        "enabled",
        "mirror",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl VmNicWhere {
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
    /// The `mac_address` field.
    pub fn mac_address(self) -> StrField<Self> {
        StrField::new(self, "mac_address")
    }
    /// The `ip_address` field.
    pub fn ip_address(self) -> StrField<Self> {
        StrField::new(self, "ip_address")
    }
    /// The `gateway` field.
    pub fn gateway(self) -> StrField<Self> {
        StrField::new(self, "gateway")
    }
    /// The `subnet_mask` field.
    pub fn subnet_mask(self) -> StrField<Self> {
        StrField::new(self, "subnet_mask")
    }
    /// The `order` number.
    pub fn order(self) -> NumField<Self, i32> {
        NumField::new(self, "order")
    }
    /// The `model` enum.
    pub fn model(self) -> EnumField<Self, VmNicModel> {
        EnumField::new(self, "model")
    }
    /// The `enabled` flag.
    pub fn enabled(self) -> BoolField<Self> {
        BoolField::new(self, "enabled")
    }
    /// The `mirror` flag.
    pub fn mirror(self) -> BoolField<Self> {
        BoolField::new(self, "mirror")
    }
    /// The related `vm` matches.
    pub fn vm(self, w: VmWhere) -> Self {
        related(self, "vm", w)
    }
}

/// Filter for VM volumes (`VmVolumeWhereInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct VmVolumeWhere(Map<String, Value>);

impl WhereInput for VmVolumeWhere {
    const SCHEMA: &'static str = "VmVolumeWhereInput";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "local_id",
        "path",
        "description",
        "local_created_at",
        "size",
        "elf_storage_policy",
        "entityAsyncStatus",
        "mounting",
        "sharing",
    ];
    fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
    fn map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl VmVolumeWhere {
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
    /// The `description` field.
    pub fn description(self) -> StrField<Self> {
        StrField::new(self, "description")
    }
    /// The `local_created_at` timestamp.
    pub fn local_created_at(self) -> TimeField<Self> {
        TimeField::new(self, "local_created_at")
    }
    /// The `size` number.
    pub fn size(self) -> NumField<Self, i64> {
        NumField::new(self, "size")
    }
    /// The `elf_storage_policy` enum.
    pub fn elf_storage_policy(self) -> EnumField<Self, StoragePolicy> {
        EnumField::new(self, "elf_storage_policy")
    }
    /// The `entityAsyncStatus` enum.
    pub fn entity_async_status(self) -> EnumField<Self, EntityAsyncStatus> {
        EnumField::new(self, "entityAsyncStatus")
    }
    /// The `mounting` flag.
    pub fn mounting(self) -> BoolField<Self> {
        BoolField::new(self, "mounting")
    }
    /// The `sharing` flag.
    pub fn sharing(self) -> BoolField<Self> {
        BoolField::new(self, "sharing")
    }
    /// The related `cluster` matches.
    pub fn cluster(self, w: ClusterWhere) -> Self {
        related(self, "cluster", w)
    }
    /// Filter on the related `vm_disks` (`_some`/`_every`/`_none`).
    pub fn vm_disks(self, m: Many<VmDiskWhere>) -> Self {
        related_many(self, "vm_disks", m)
    }
    /// Filter on the related `labels` (`_some`/`_every`/`_none`).
    pub fn labels(self, m: Many<LabelWhere>) -> Self {
        related_many(self, "labels", m)
    }
}
