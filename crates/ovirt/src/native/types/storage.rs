//! Disks, disk attachments, storage domains and templates.

use serde::Serialize;

use super::{
    Cpu, DiskFormat, DiskInterface, DiskStatus, Links, Object, OperatingSystem, Ref,
    TemplateStatus, VmType,
};

/// A virtual disk.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Disk {
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
    pub status: Option<DiskStatus>,
    /// Alias (the 4.x name of a disk is its alias too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Virtual size in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_size: Option<i64>,
    /// Space used on storage, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_size: Option<i64>,
    /// Space used including snapshots, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_size: Option<i64>,
    /// Image format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<DiskFormat>,
    /// Thin provisioned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sparse: Option<bool>,
    /// Shareable between VMs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shareable: Option<bool>,
    /// Bootable (3.x disks carried this; 4.x has it on the attachment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootable: Option<bool>,
    /// Interface (3.x disks carried this; 4.x has it on the attachment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<DiskInterface>,
    /// Storage type (`image`, `lun`, `cinder`, `managed_block_storage`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<String>,
    /// Content type (`data`, `iso`, `ovf_store`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Image id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    /// Storage domains holding the disk.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storage_domains: Vec<Ref>,
    /// The VM using the disk (3.x `vms/{id}/disks`, or when the engine reports it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// VMs using the disk, when the engine reports them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vms: Vec<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Disk {
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

/// The attachment of a disk to a VM (its id is the disk's id).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DiskAttachment {
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
    /// Plugged (active) in the VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Bootable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootable: Option<bool>,
    /// Interface.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<DiskInterface>,
    /// Pass discard requests to storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass_discard: Option<bool>,
    /// Read only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Device name in the guest, when reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logical_name: Option<String>,
    /// The disk: only `id`/`href` unless fetched with `follow=disk`, or a full disk to create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<Box<Disk>>,
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

impl Object for DiskAttachment {
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

/// A VM template.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Template {
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
    pub status: Option<TemplateStatus>,
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
    /// Creation time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<String>,
    /// Version name (sub-versions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_name: Option<String>,
    /// Version number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_number: Option<i64>,
    /// Cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Ref>,
    /// The VM to create a template from (input).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Template {
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
