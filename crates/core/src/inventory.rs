//! What VMs are made from and placed on: templates and images, networks, storage pools.

use serde::{Deserialize, Serialize};

use crate::model::{
    ClusterId, Extra, NetworkId, StoragePoolId, StorageState, TemplateId, TemplateKind,
};

/// A template, disk image or ISO that VMs are created from.
///
/// ```
/// use omnivirt_core::{Template, TemplateKind};
///
/// let t = Template::new("t-1", "centos-9", TemplateKind::Template);
/// assert_eq!(t.kind.as_str(), "template");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Template {
    /// Vendor identifier.
    pub id: TemplateId,
    /// Display name.
    pub name: String,
    /// Template, image or ISO.
    pub kind: TemplateKind,
    /// Guest operating system, as the vendor names it.
    pub os: Option<String>,
    /// Size in bytes (image size, or the template's disks together).
    pub size_bytes: Option<u64>,
    /// The cluster it is scoped to, when the vendor scopes templates.
    pub cluster_id: Option<ClusterId>,
    /// Free-text description.
    pub description: Option<String>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Template {
    /// A template with the given identity and kind; other fields empty.
    pub fn new(id: impl Into<TemplateId>, name: impl Into<String>, kind: TemplateKind) -> Self {
        Template {
            id: id.into(),
            name: name.into(),
            kind,
            os: None,
            size_bytes: None,
            cluster_id: None,
            description: None,
            extra: Extra::new(),
        }
    }
}

/// A network VMs connect to (logical network, VLAN, L3 network, vnet).
///
/// ```
/// use omnivirt_core::Network;
///
/// let mut n = Network::new("n-1", "vlan-100");
/// n.vlan = Some(100);
/// assert_eq!(n.vlan, Some(100));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Network {
    /// Vendor identifier.
    pub id: NetworkId,
    /// Display name.
    pub name: String,
    /// VLAN tag, if tagged.
    pub vlan: Option<u16>,
    /// The cluster (or data center, zone) it belongs to, when the vendor scopes networks.
    pub cluster_id: Option<ClusterId>,
    /// Address range in CIDR form, when the platform manages addresses.
    pub cidr: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Network {
    /// A network with the given identity; other fields empty.
    pub fn new(id: impl Into<NetworkId>, name: impl Into<String>) -> Self {
        Network {
            id: id.into(),
            name: name.into(),
            vlan: None,
            cluster_id: None,
            cidr: None,
            description: None,
            extra: Extra::new(),
        }
    }
}

/// Where disks live: a storage domain, datastore, primary storage or data pool.
///
/// ```
/// use omnivirt_core::{StoragePool, StorageState};
///
/// let mut p = StoragePool::new("s-1", "nfs-01", StorageState::Ok);
/// p.capacity_bytes = Some(1 << 40);
/// p.free_bytes = Some(1 << 39);
/// assert_eq!(p.used_bytes(), Some(1 << 39));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoragePool {
    /// Vendor identifier.
    pub id: StoragePoolId,
    /// Display name.
    pub name: String,
    /// Neutral state.
    pub state: StorageState,
    /// The vendor's own status word, unchanged.
    pub raw_state: Option<String>,
    /// The cluster it serves, when the vendor scopes storage.
    pub cluster_id: Option<ClusterId>,
    /// Total capacity in bytes.
    pub capacity_bytes: Option<u64>,
    /// Free space in bytes.
    pub free_bytes: Option<u64>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl StoragePool {
    /// A pool with the given identity and state; other fields empty.
    pub fn new(id: impl Into<StoragePoolId>, name: impl Into<String>, state: StorageState) -> Self {
        StoragePool {
            id: id.into(),
            name: name.into(),
            state,
            raw_state: None,
            cluster_id: None,
            capacity_bytes: None,
            free_bytes: None,
            extra: Extra::new(),
        }
    }

    /// Capacity minus free space, when both are known.
    pub fn used_bytes(&self) -> Option<u64> {
        Some(self.capacity_bytes?.saturating_sub(self.free_bytes?))
    }
}
