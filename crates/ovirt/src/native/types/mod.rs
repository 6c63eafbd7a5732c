//! Typed oVirt objects, as the engine sends them.
//!
//! Every field is an `Option` (or an empty `Vec`): the engine omits what it does not know, and an
//! object you send for `add`/`update` carries only what you set, so an update changes exactly
//! those attributes. Enum fields keep values this crate does not know as `Other(raw)`.
//!
//! The structs are open on purpose so you can write them as literals; always end a literal with
//! `..Default::default()`, as new engine attributes will be added as new fields.

mod enums;
mod link_text;
mod linked;
mod parts;

/// An action (the parameters you send to `POST <object>/<name>`, and the engine's answer) and
/// the engine's error document are the model's generated types.
pub use crate::generated::types::{Action, Fault};
/// The API root (`GET /ovirt-engine/api`) and its parts are the model's generated types.
pub use crate::generated::types::{Api, ApiSummary, ApiSummaryItem, ProductInfo, SpecialObjects};
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
pub use parts::{ActionLinks, Link, LinkRef, Links};

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

impl Api {
    /// The `href` of the top-level link with relation `rel`.
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.links.get(rel)
    }

    /// The product's name (`oVirt Engine`).
    pub fn product_name(&self) -> Option<&str> {
        self.product_info.as_ref()?.name.as_deref()
    }

    /// The engine's version (a 3.x `<full_version>` beside it is its `full_version`).
    pub fn product_version(&self) -> Option<&Version> {
        self.product_info.as_ref()?.version.as_deref()
    }

    /// The id of the blank template: `<special_objects><blank_template id>` (4.x), or the
    /// last segment of the 3.x `<link rel="templates/blank">` there.
    pub fn blank_template_id(&self) -> Option<&str> {
        self.special_object(|s| s.blank_template.as_ref()?.id(), "templates/blank")
    }

    /// The id of the root tag, read as [`Api::blank_template_id`] is (3.x rel `tags/root`).
    pub fn root_tag_id(&self) -> Option<&str> {
        self.special_object(|s| s.root_tag.as_ref()?.id(), "tags/root")
    }

    fn special_object<'a>(
        &'a self,
        v4: impl Fn(&'a SpecialObjects) -> Option<&'a str>,
        v3_rel: &str,
    ) -> Option<&'a str> {
        let special = self.special_objects.as_deref()?;
        v4(special).or_else(|| special.links.get(v3_rel)?.rsplit('/').next())
    }

    /// The summary's counts for `what` (`vms`, `hosts`, `users`, `storage_domains`).
    pub fn summary_of(&self, what: &str) -> Option<&ApiSummaryItem> {
        let s = self.summary.as_deref()?;
        match what {
            "vms" => s.vms.as_deref(),
            "hosts" => s.hosts.as_deref(),
            "users" => s.users.as_deref(),
            "storage_domains" => s.storage_domains.as_deref(),
            _ => None,
        }
    }
}
