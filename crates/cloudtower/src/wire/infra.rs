//! The infrastructure: hosts, clusters, datacenters, physical disks, alerts.

/// `Host`: the generated model type.
pub use crate::generated::types::Host;

/// Maintenance state of a host (`Host::host_state`): the generated `NestedMaintenanceHostState`.
pub use crate::generated::types::NestedMaintenanceHostState as HostMaintenance;

/// `Cluster`: the generated model type.
pub use crate::generated::types::Cluster;

/// `Datacenter`: the generated model type.
pub use crate::generated::types::Datacenter;

/// A physical disk of a host: the generated `Disk` (its kind is the field `r#type`).
pub use crate::generated::types::Disk as PhysicalDisk;

/// `Alert`: the generated model type.
pub use crate::generated::types::Alert;
