//! Typed oVirt objects, as the engine sends them.
//!
//! Every field is an `Option` (or an empty `Vec`): the engine omits what it does not know, and an
//! object you send for `add`/`update` carries only what you set, so an update changes exactly
//! those attributes. Enum fields keep values this crate does not know as `Other(raw)`.
//!
//! The structs are open on purpose so you can write them as literals; always end a literal with
//! `..Default::default()`, as new engine attributes will be added as new fields.

mod enums;
mod linked;
mod parts;

use serde::Serialize;

/// An action (the parameters you send to `POST <object>/<name>`, and the engine's answer) and
/// the engine's error document are the model's generated types.
pub use crate::generated::types::{Action, Fault};
/// VMs, their NICs and their parts are the model's generated types.
pub use crate::generated::types::{
    Architecture, Boot, BootDevice, Cpu, CpuTopology, Initialization, Nic, NicInterface,
    OperatingSystem, Version, Vm, VmStatus, VmType,
};
/// Hosts and clusters are the model's generated types.
pub use crate::generated::types::{
    Cluster, Host, HostStatus, HostType, SchedulingPolicy, Spm, SpmStatus, VmSummary,
};
/// Data centers, storage domains, disks and templates are the model's generated types.
pub use crate::generated::types::{
    DataCenter, Disk, DiskAttachment, DiskContentType, DiskFormat, DiskInterface, DiskStatus,
    DiskStorageType, ExternalStatus, HostStorage, StorageDomain, StorageDomainStatus,
    StorageDomainType, StorageFormat, StorageType, Template, TemplateVersion,
};
/// Events are the model's generated type (read by the generated reader).
pub use crate::generated::types::{Event, LogSeverity};
/// Networks, vNIC profiles and what the guest reports are the model's generated types.
pub use crate::generated::types::{
    Ip, IpVersion, Mac, Network, NetworkStatus, NetworkUsage, ReportedDevice, ReportedDeviceType,
    Vlan, VnicProfile,
};
/// Jobs are the model's generated type (read by the generated reader).
pub use crate::generated::types::{Job, JobStatus};
/// Snapshots are the model's generated type (read by the generated reader).
pub use crate::generated::types::{Snapshot, SnapshotStatus, SnapshotType};
pub use enums::CreationStatus;
pub use linked::Linked;
pub use parts::{ActionLinks, Link, LinkRef, Links, Ref};

/// Introspection shared by every identified object: identity, links and available actions.
pub trait Object {
    /// Identifier.
    fn id(&self) -> Option<&str>;
    /// Path of the object.
    fn href(&self) -> Option<&str>;
    /// Name.
    fn name(&self) -> Option<&str>;
    /// Links to sub-collections.
    fn links(&self) -> &Links;
    /// The actions the engine offers on this object now (`<actions>`), as it sent them.
    fn action_links(&self) -> &ActionLinks;

    /// The `href` of the link with relation `rel`.
    fn link(&self, rel: &str) -> Option<&str> {
        self.links().get(rel)
    }

    /// Names of the actions the engine offers on this object now.
    fn actions(&self) -> Vec<String> {
        self.action_links()
            .links()
            .iter()
            .map(|l| l.rel.to_owned())
            .collect()
    }

    /// True if the engine offers action `name` on this object.
    fn has_action(&self, name: &str) -> bool {
        self.action_links().links().iter().any(|l| l.rel == name)
    }
}

impl Action {
    /// The engine's verdict in an action's answer (`<status>complete</status>`; the 3.x
    /// `<status><state>` form reads the same), as a typed value.
    pub fn creation_status(&self) -> Option<CreationStatus> {
        self.status.as_deref().map(CreationStatus::parse)
    }

    /// The id of the job the engine created for the command, when the answer names one.
    pub fn job_id(&self) -> Option<&str> {
        self.job.as_ref().and_then(Linked::id)
    }
}

/// Counts of active and total objects in the API summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SummaryItem {
    /// Active.
    pub active: Option<i64>,
    /// Total.
    pub total: Option<i64>,
}

/// The API root (`GET /ovirt-engine/api`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Api {
    /// Product name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// Product vendor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_vendor: Option<String>,
    /// Engine version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_version: Option<Version>,
    /// Blank template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blank_template: Option<Ref>,
    /// Root tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_tag: Option<Ref>,
    /// VMs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vms: Option<SummaryItem>,
    /// Hosts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosts: Option<SummaryItem>,
    /// Users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<SummaryItem>,
    /// Storage domains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_domains: Option<SummaryItem>,
    /// Engine time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Authenticated user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticated_user: Option<Ref>,
    /// Effective user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_user: Option<Ref>,
    /// Links to the top-level collections.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
}

impl Api {
    /// The `href` of the top-level link with relation `rel`.
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.links.get(rel)
    }
}
