//! The infrastructure: hosts, clusters, datacenters, physical disks, alerts.

use serde::{Deserialize, Serialize};

use super::enums::{
    ClusterType, ConnectState, DiskHealthStatus, DiskType, DiskUsageStatus, EntityAsyncStatus,
    HostStatus, Hypervisor, MaintenanceMode,
};
use super::{NestedHost, NestedLabel, NestedRef};

/// A host (`Host`); the fields a client usually needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Host {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// UUID on the cluster.
    #[serde(default)]
    pub local_id: String,
    /// Health and connection.
    #[serde(default)]
    pub status: Option<HostStatus>,
    /// `IDLE`, `IN_USE` or `REMOVING`.
    #[serde(default)]
    pub state: Option<String>,
    /// Maintenance state.
    #[serde(default)]
    pub host_state: Option<HostMaintenance>,
    /// Busy marker.
    #[serde(default, rename = "entityAsyncStatus")]
    pub entity_async_status: Option<EntityAsyncStatus>,
    /// Cluster.
    #[serde(default)]
    pub cluster: Option<NestedRef>,
    /// Management IP.
    #[serde(default)]
    pub management_ip: Option<String>,
    /// Data IP.
    #[serde(default)]
    pub data_ip: Option<String>,
    /// CPU model.
    #[serde(default)]
    pub cpu_model: Option<String>,
    /// Physical cores.
    #[serde(default)]
    pub total_cpu_cores: Option<u32>,
    /// Sockets.
    #[serde(default)]
    pub total_cpu_sockets: Option<u32>,
    /// Total CPU Hz.
    #[serde(default)]
    pub total_cpu_hz: Option<i64>,
    /// Used CPU Hz.
    #[serde(default)]
    pub used_cpu_hz: Option<f64>,
    /// Memory in bytes.
    #[serde(default)]
    pub total_memory_bytes: Option<i64>,
    /// Used memory in bytes.
    #[serde(default)]
    pub used_memory_bytes: Option<f64>,
    /// Memory used by the host OS.
    #[serde(default)]
    pub os_memory_bytes: Option<i64>,
    /// Memory of running and paused VMs.
    #[serde(default)]
    pub running_pause_vm_memory_bytes: Option<i64>,
    /// Memory still allocatable.
    #[serde(default)]
    pub allocatable_memory_bytes: Option<i64>,
    /// Provisioned vCPUs.
    #[serde(default)]
    pub provisioned_cpu_cores: Option<u32>,
    /// Provisioned memory.
    #[serde(default)]
    pub provisioned_memory_bytes: Option<i64>,
    /// Data capacity.
    #[serde(default)]
    pub total_data_capacity: Option<i64>,
    /// Used data space.
    #[serde(default)]
    pub used_data_space: Option<i64>,
    /// Failed data space.
    #[serde(default)]
    pub failure_data_space: Option<i64>,
    /// VMs.
    #[serde(default)]
    pub vm_num: Option<u32>,
    /// Running VMs.
    #[serde(default)]
    pub running_vm_num: Option<u32>,
    /// Stopped VMs.
    #[serde(default)]
    pub stopped_vm_num: Option<u32>,
    /// Suspended VMs.
    #[serde(default)]
    pub suspended_vm_num: Option<u32>,
    /// Labels.
    #[serde(default)]
    pub labels: Option<Vec<NestedLabel>>,
}

/// Maintenance state of a host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HostMaintenance {
    /// The mode.
    #[serde(default)]
    pub state: Option<MaintenanceMode>,
}

/// A cluster (`Cluster`); dashboard and identity fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cluster {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// UUID on the cluster.
    #[serde(default)]
    pub local_id: Option<String>,
    /// Product type.
    #[serde(default, rename = "type")]
    pub cluster_type: Option<ClusterType>,
    /// Hypervisor.
    #[serde(default)]
    pub hypervisor: Option<Hypervisor>,
    /// `X86_64` or `AARCH64`.
    #[serde(default)]
    pub architecture: Option<String>,
    /// Connection state.
    #[serde(default)]
    pub connect_state: Option<ConnectState>,
    /// Busy marker.
    #[serde(default, rename = "entityAsyncStatus")]
    pub entity_async_status: Option<EntityAsyncStatus>,
    /// Software version.
    #[serde(default)]
    pub version: Option<String>,
    /// Cluster IP.
    #[serde(default)]
    pub ip: Option<String>,
    /// Management VIP.
    #[serde(default)]
    pub management_vip: Option<String>,
    /// Physical cores.
    #[serde(default)]
    pub total_cpu_cores: Option<u32>,
    /// Total CPU Hz.
    #[serde(default)]
    pub total_cpu_hz: Option<i64>,
    /// Used CPU Hz.
    #[serde(default)]
    pub used_cpu_hz: Option<f64>,
    /// Memory in bytes.
    #[serde(default)]
    pub total_memory_bytes: Option<i64>,
    /// Used memory in bytes.
    #[serde(default)]
    pub used_memory_bytes: Option<f64>,
    /// Provisioned vCPUs.
    #[serde(default)]
    pub provisioned_cpu_cores: Option<u32>,
    /// Provisioned memory.
    #[serde(default)]
    pub provisioned_memory_bytes: Option<i64>,
    /// Provisioning ratio.
    #[serde(default)]
    pub provisioned_ratio: Option<f64>,
    /// Data capacity.
    #[serde(default)]
    pub total_data_capacity: Option<i64>,
    /// Used data space.
    #[serde(default)]
    pub used_data_space: Option<i64>,
    /// Failed data space.
    #[serde(default)]
    pub failure_data_space: Option<i64>,
    /// Valid data space.
    #[serde(default)]
    pub valid_data_space: Option<i64>,
    /// Hosts.
    #[serde(default)]
    pub host_num: Option<u32>,
    /// VMs.
    #[serde(default)]
    pub vm_num: Option<u32>,
    /// Running VMs.
    #[serde(default)]
    pub running_vm_num: Option<u32>,
    /// Stopped VMs.
    #[serde(default)]
    pub stopped_vm_num: Option<u32>,
    /// Suspended VMs.
    #[serde(default)]
    pub suspended_vm_num: Option<u32>,
    /// Hosts (stubs).
    #[serde(default)]
    pub hosts: Option<Vec<NestedHost>>,
    /// Datacenters (stubs).
    #[serde(default)]
    pub datacenters: Option<Vec<NestedRef>>,
    /// Labels.
    #[serde(default)]
    pub labels: Option<Vec<NestedLabel>>,
}

/// A datacenter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Datacenter {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Organisation.
    #[serde(default)]
    pub organization: Option<NestedRef>,
    /// Clusters.
    #[serde(default)]
    pub clusters: Option<Vec<NestedRef>>,
    /// Clusters.
    #[serde(default)]
    pub cluster_num: Option<u32>,
    /// Hosts.
    #[serde(default)]
    pub host_num: Option<u32>,
    /// VMs.
    #[serde(default)]
    pub vm_num: Option<u32>,
    /// Total CPU Hz.
    #[serde(default)]
    pub total_cpu_hz: Option<i64>,
    /// Used CPU Hz.
    #[serde(default)]
    pub used_cpu_hz: Option<f64>,
    /// Memory in bytes.
    #[serde(default)]
    pub total_memory_bytes: Option<i64>,
    /// Used memory.
    #[serde(default)]
    pub used_memory_bytes: Option<f64>,
    /// Data capacity.
    #[serde(default)]
    pub total_data_capacity: Option<i64>,
    /// Used data space.
    #[serde(default)]
    pub used_data_space: Option<i64>,
    /// Failed data space.
    #[serde(default)]
    pub failure_data_space: Option<i64>,
}

/// A physical disk of a host (`Disk`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhysicalDisk {
    /// CloudTower id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Device path.
    #[serde(default)]
    pub path: Option<String>,
    /// Model.
    #[serde(default)]
    pub model: Option<String>,
    /// Serial.
    #[serde(default)]
    pub serial: Option<String>,
    /// Size in bytes.
    #[serde(default)]
    pub size: Option<i64>,
    /// Type.
    #[serde(default, rename = "type")]
    pub disk_type: Option<DiskType>,
    /// Usage.
    #[serde(default)]
    pub usage: Option<String>,
    /// Health.
    #[serde(default)]
    pub health_status: Option<DiskHealthStatus>,
    /// Mount state.
    #[serde(default)]
    pub usage_status: Option<DiskUsageStatus>,
    /// Healthy flag.
    #[serde(default)]
    pub healthy: Option<bool>,
    /// Mounted flag.
    #[serde(default)]
    pub mounted: Option<bool>,
    /// Offline flag.
    #[serde(default)]
    pub offline: Option<bool>,
    /// Remaining life.
    #[serde(default)]
    pub remaining_life_percent: Option<u32>,
    /// Host.
    #[serde(default)]
    pub host: Option<NestedHost>,
}

/// An alert.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Alert {
    /// CloudTower id.
    pub id: String,
    /// Message (localised by `content-language`).
    #[serde(default)]
    pub message: String,
    /// Suggested solution.
    #[serde(default)]
    pub solution: Option<String>,
    /// Cause.
    #[serde(default)]
    pub cause: Option<String>,
    /// Impact.
    #[serde(default)]
    pub impact: Option<String>,
    /// `CRITICAL`, `NOTICE`, `INFO` (a plain string in the spec).
    #[serde(default)]
    pub severity: String,
    /// Resolved.
    #[serde(default)]
    pub ended: bool,
    /// Threshold.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Value.
    #[serde(default)]
    pub value: Option<f64>,
    /// Start time.
    #[serde(default)]
    pub local_start_time: Option<String>,
    /// Cluster.
    #[serde(default)]
    pub cluster: Option<NestedRef>,
    /// Host.
    #[serde(default)]
    pub host: Option<NestedHost>,
    /// VMs.
    #[serde(default)]
    pub vms: Option<Vec<NestedRef>>,
}
