//! Logical networks.

use serde::Serialize;

use super::{Links, Object, Ref};

/// A logical network (`/networks/{id}`, or a cluster's view of it under
/// `/clusters/{id}/networks`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Network {
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
    /// VLAN tag (`<vlan id="101"/>`); absent for an untagged network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vlan: Option<i64>,
    /// MTU (`0`: the engine's default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtu: Option<i64>,
    /// Spanning tree protocol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stp: Option<bool>,
    /// What the network carries (`vm`, `management`, `display`, `migration`...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub usages: Vec<String>,
    /// Status in a cluster (`operational`, `non_operational`); only in a cluster's view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Required by every host of the cluster; only in a cluster's view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Name of the bridge on the hosts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vdsm_name: Option<String>,
    /// The data center it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_center: Option<Ref>,
    /// The cluster, in a cluster's view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Network {
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

/// A vNIC profile (`/vnicprofiles/{id}`): what a VM NIC plugs into. Each profile belongs to one
/// network; the engine makes a default profile, named after the network, with every VM network.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VnicProfile {
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
    /// Port mirroring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_mirroring: Option<bool>,
    /// The network the profile belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for VnicProfile {
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

/// An address a guest reports (`<ip><address/><version/></ip>`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Ip {
    /// The address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `v4` or `v6`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A device the guest agent reports (`/vms/{id}/reporteddevices`): for a network interface,
/// its MAC and the addresses the guest sees on it. Only a running VM with an agent has any.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportedDevice {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name in the guest (`eth0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Device type (`network`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_type: Option<String>,
    /// MAC address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// Addresses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ips: Vec<Ip>,
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

impl Object for ReportedDevice {
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
