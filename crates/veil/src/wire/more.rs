//! The rest of the VeiL objects: statuses as tolerant enums, controllers, events, tags, library
//! files, ISO images, data centers, users, virtual networks and NICs, and the answers of the
//! smaller endpoints. Unknown enum values are kept (`Other`), absent fields are `None`, and fields a
//! struct does not name stay in its `extra` map.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Extra, Ref, Task};

/// Declares a string enum whose unknown values are kept as `Other(text)`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, as sent.
            Other(String),
        }

        impl $name {
            /// From the wire text (unknown values kept).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }

            /// The wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from_wire(&s))
            }
        }
    };
}

open_enum!(
    /// The `status` of every VeiL entity.
    EntityStatus {
        /// Being created.
        Creating = "CREATING",
        /// In service.
        Active = "ACTIVE",
        /// Broken.
        Failed = "FAILED",
        /// Being deleted.
        Deleting = "DELETING",
        /// In maintenance.
        Service = "SERVICE",
        /// Partly working.
        Partial = "PARTIAL",
    }
);

open_enum!(
    /// The `status` of a task.
    TaskStatus {
        /// Running.
        InProgress = "IN_PROGRESS",
        /// Done.
        Success = "SUCCESS",
        /// Failed.
        Failed = "FAILED",
        /// Cancelled.
        Canceled = "CANCELED",
        /// Lost (its node went away).
        Lost = "LOST",
        /// Some subtasks failed.
        Partial = "PARTIAL",
    }
);

impl TaskStatus {
    /// True once the task will not change any more.
    pub fn is_terminal(&self) -> bool {
        !matches!(self, TaskStatus::InProgress | TaskStatus::Other(_))
    }
}

impl Task {
    /// The status as an enum (unknown values kept).
    pub fn status_kind(&self) -> TaskStatus {
        TaskStatus::from_wire(&self.status)
    }
}

open_enum!(
    /// A NIC model (`nic_driver`).
    NicDriver {
        /// virtio-net.
        Virtio = "virtio",
        /// Intel e1000.
        E1000 = "e1000",
        /// Realtek 8139.
        Rtl8139 = "rtl8139",
        /// VMware vmxnet3.
        Vmxnet3 = "vmxnet3",
    }
);

open_enum!(
    /// A NIC's link (`link_state`).
    LinkState {
        /// Connected.
        Up = "up",
        /// Disconnected.
        Down = "down",
    }
);

open_enum!(
    /// The kind of an event (`type`).
    EventType {
        /// Information.
        Info = "info",
        /// Warning.
        Warning = "warning",
        /// Error.
        Error = "error",
    }
);

/// A controller of the VeiL cluster (`/api/controllers/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Controller {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: Option<String>,
    /// Address.
    #[serde(default)]
    pub address: Option<String>,
    /// Entity status.
    #[serde(default)]
    pub status: Option<EntityStatus>,
    /// Software version.
    #[serde(default)]
    pub version: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One object an event or a tag names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EntityRef {
    /// Its id.
    pub entity_uuid: String,
    /// Its class (`domain`, `node`, `datapool`, ...).
    pub entity_class: String,
    /// Its name, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<String>,
}

/// An entry of the event journal (`/api/events/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// UUID.
    pub id: String,
    /// Short text (in the request's `Accept-Language`).
    #[serde(default)]
    pub message: Option<String>,
    /// Long text.
    #[serde(default)]
    pub detail_message: Option<String>,
    /// info, warning, error, ...
    #[serde(default, rename = "type")]
    pub event_type: Option<EventType>,
    /// Who caused it.
    #[serde(default)]
    pub user: Option<String>,
    /// When (RFC 3339).
    #[serde(default)]
    pub created: Option<String>,
    /// The task behind it, if any.
    #[serde(default)]
    pub task: Option<String>,
    /// The objects it is about.
    #[serde(default)]
    pub entities: Vec<EntityRef>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A tag (`/api/tags/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tag {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: String,
    /// `#rrggbb`.
    #[serde(default)]
    pub colour: Option<String>,
    /// The objects it marks.
    #[serde(default)]
    pub ui_entities: Vec<EntityRef>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A file of a data pool's library: a backup, an image (`/api/library/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LibraryFile {
    /// UUID.
    pub id: String,
    /// File name.
    #[serde(default)]
    pub filename: Option<String>,
    /// Display name.
    #[serde(default)]
    pub verbose_name: Option<String>,
    /// Entity status (ACTIVE once uploaded).
    #[serde(default)]
    pub status: Option<EntityStatus>,
    /// Size as sent.
    #[serde(default)]
    pub size: Option<f64>,
    /// Its data pool.
    #[serde(default)]
    pub datapool: Option<Ref>,
    /// Where to upload the content (relative to the controller).
    #[serde(default)]
    pub upload_url: Option<String>,
    /// Where to download it from.
    #[serde(default)]
    pub download_url: Option<String>,
    /// When it was made.
    #[serde(default)]
    pub created: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An ISO image (`/api/iso/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Iso {
    /// UUID.
    pub id: String,
    /// File name.
    #[serde(default)]
    pub filename: Option<String>,
    /// Entity status (ACTIVE once uploaded).
    #[serde(default)]
    pub status: Option<EntityStatus>,
    /// Size as sent.
    #[serde(default)]
    pub size: Option<f64>,
    /// Its data pool.
    #[serde(default)]
    pub datapool: Option<Ref>,
    /// The domains it is inserted in.
    #[serde(default)]
    pub domains: Vec<serde_json::Value>,
    /// Where to upload the content.
    #[serde(default)]
    pub upload_url: Option<String>,
    /// Where to download it from.
    #[serde(default)]
    pub download_url: Option<String>,
    /// When it was made.
    #[serde(default)]
    pub created: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A data center (`/api/datacenters/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Datacenter {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: String,
    /// Entity status.
    #[serde(default)]
    pub status: Option<EntityStatus>,
    /// Clusters in it.
    #[serde(default)]
    pub clusters_count: Option<u64>,
    /// CPU threads over all nodes.
    #[serde(default)]
    pub cpu_count: Option<u64>,
    /// Memory in MiB over all nodes.
    #[serde(default)]
    pub memory_count: Option<u64>,
    /// The data center the controller made itself.
    #[serde(default)]
    pub built_in: Option<bool>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A user id: an integer on the wire, unlike every other id; text is kept too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum UserId {
    /// The usual integer.
    Number(i64),
    /// Anything else, as sent.
    Text(String),
}

/// A controller user (`/api/users/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// Id (an integer).
    pub id: UserId,
    /// Login.
    #[serde(default)]
    pub username: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Can log in.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Administrator.
    #[serde(default)]
    pub is_superuser: Option<bool>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A virtual network (`/api/vnetworks/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VNetwork {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: String,
    /// Entity status.
    #[serde(default)]
    pub status: Option<EntityStatus>,
    /// VLAN tag under the name omnivirt first assumed; the vendor's Go client reads
    /// `data_vlan` (kept for payloads that send this one).
    #[serde(default)]
    pub vlan_id: Option<i64>,
    /// VLAN tag of the network's data traffic (0 or absent: untagged).
    #[serde(default)]
    pub data_vlan: Option<i64>,
    /// Address range of the data traffic, e.g. `10.0.0.0/24`.
    #[serde(default)]
    pub data_subnet: Option<String>,
    /// Description (detail).
    #[serde(default)]
    pub description: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A VM's network interface (`/api/vmachine-infs/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VmachineInf {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: Option<String>,
    /// MAC address.
    #[serde(default)]
    pub mac_address: Option<String>,
    /// NIC model.
    #[serde(default)]
    pub nic_driver: Option<NicDriver>,
    /// Link up or down.
    #[serde(default)]
    pub link_state: Option<LinkState>,
    /// Its virtual network.
    #[serde(default)]
    pub vnetwork: Option<Ref>,
    /// Its domain.
    #[serde(default)]
    pub domain: Option<Ref>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A TCP-redirected USB device attached to a domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TcpUsbDevice {
    /// The USB server's host.
    #[serde(default)]
    pub host: Option<String>,
    /// Its port.
    #[serde(default)]
    pub service: Option<i64>,
    /// The device's id on the domain.
    #[serde(default)]
    pub uuid: Option<String>,
}

/// The synchronous (`async=0`) answer of `attach-usb/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UsbAttached {
    /// The TCP USB devices now attached.
    #[serde(default)]
    pub tcp_usb_devices: Vec<TcpUsbDevice>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What an action answered when the controller may run it as a task or at once: the task (202),
/// the new object's id, and the body without them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Outcome {
    /// The task to follow, when there is one.
    #[serde(rename = "_task", default)]
    pub task: Option<Task>,
    /// The new object's id, for creates.
    #[serde(default)]
    pub entity: Option<String>,
    /// The rest of the answer (the object, for synchronous answers).
    #[serde(flatten)]
    pub body: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enum_values_are_kept() {
        let s: EntityStatus = serde_json::from_str(r#""ACTIVE""#).unwrap();
        assert_eq!(s, EntityStatus::Active);
        let s: EntityStatus = serde_json::from_str(r#""HIBERNATING""#).unwrap();
        assert_eq!(s, EntityStatus::Other("HIBERNATING".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""HIBERNATING""#);
        assert!(TaskStatus::from_wire("LOST").is_terminal());
        assert!(!TaskStatus::from_wire("QUEUED").is_terminal());
        assert_eq!(NicDriver::from_wire("ne2k").as_str(), "ne2k");
    }

    #[test]
    fn users_have_integer_ids() {
        let u: User = serde_json::from_str(r#"{"id": 7, "username": "admin"}"#).unwrap();
        assert_eq!(u.id, UserId::Number(7));
        let u: User = serde_json::from_str(r#"{"id": "x"}"#).unwrap();
        assert_eq!(u.id, UserId::Text("x".into()));
    }
}
