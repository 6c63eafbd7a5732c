//! VMs with their NICs and snapshots, hosts, clusters and data centers.

use serde::Serialize;

use super::{
    Cpu, DiskAttachment, Links, NicInterface, Object, OperatingSystem, Ref, VmStatus, VmType,
};

/// A virtual machine.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Vm {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<VmStatus>,
    /// Status detail (`eio` when paused on an I/O error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<String>,
    /// Memory in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Cpu>,
    /// Operating system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<OperatingSystem>,
    /// Optimisation type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub vm_type: Option<VmType>,
    /// Stateless.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stateless: Option<bool>,
    /// Delete protection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_protected: Option<bool>,
    /// Fully qualified domain name reported by the guest agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn: Option<String>,
    /// Origin (`ovirt`, `vmware`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Creation time as sent (`2018-01-11T07:26:49.704+02:00`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<String>,
    /// Last start time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Last stop time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_time: Option<String>,
    /// Cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Ref>,
    /// Host it runs on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Ref>,
    /// Template it was created from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<Ref>,
    /// Original template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_template: Option<Ref>,
    /// Disk attachments, when fetched with `follow=disk_attachments`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disk_attachments: Vec<DiskAttachment>,
    /// NICs, when fetched with `follow=nics`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nics: Vec<Nic>,
    /// Tags, when fetched with `follow=tags` (otherwise only the `tags` link is sent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Ref>,
    /// Devices the guest reports (`follow=reported_devices`), with its addresses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reported_devices: Vec<super::ReportedDevice>,
    /// First-boot configuration sent with a new VM (`<initialization>`); written, not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initialization: Option<Initialization>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

/// A VM's first-boot configuration (`<initialization>`): here its cloud-init script.
///
/// ```
/// use omnivirt_ovirt::native::types::Initialization;
///
/// let init = Initialization::cloud_init("#cloud-config\npassword: s3cret\n");
/// assert!(!format!("{init:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Initialization {
    /// `custom_script`: cloud-init user data. A secret: `Debug` and JSON show `***`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_script: Option<omnivirt_core::Secret>,
}

impl Initialization {
    /// Cloud-init user data as the `custom_script`.
    pub fn cloud_init(user_data: impl Into<String>) -> Self {
        Initialization {
            custom_script: Some(omnivirt_core::Secret::new(user_data)),
        }
    }
}

impl Object for Vm {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A virtual NIC.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Nic {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<NicInterface>,
    /// MAC address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// Link state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked: Option<bool>,
    /// Plugged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugged: Option<bool>,
    /// vNIC profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vnic_profile: Option<Ref>,
    /// The VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Nic {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}
