//! The infrastructure: hosts, clusters, datacenters, physical disks, alerts.

use serde::{Deserialize, Serialize};

use super::NestedHost;
use super::enums::{DiskHealthStatus, DiskType, DiskUsageStatus, MaintenanceMode};

/// `Host`: the generated model type.
pub use crate::generated::types::Host;

/// Maintenance state of a host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HostMaintenance {
    /// The mode.
    #[serde(default)]
    pub state: Option<MaintenanceMode>,
}

/// `Cluster`: the generated model type.
pub use crate::generated::types::Cluster;

/// `Datacenter`: the generated model type.
pub use crate::generated::types::Datacenter;

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

/// `Alert`: the generated model type.
pub use crate::generated::types::Alert;
