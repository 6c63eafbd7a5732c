//! VeiL wire objects. Every struct tolerates unknown fields and keeps them in `extra`, and every
//! field the samples show as nullable or absent is an `Option`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod de;
mod more;

pub use more::*;

/// Fields a struct does not name, kept as JSON.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// A reference to another object: the server sends either a bare id (`"cluster": "<uuid>"` in a
/// node detail) or `{id, verbose_name}` (the same field in the node list); either decodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Ref {
    /// The object's id.
    pub id: String,
    /// Its display name, when the server included it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verbose_name: Option<String>,
}

impl Ref {
    /// A reference to `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Ref {
            id: id.into(),
            verbose_name: None,
        }
    }
}

/// One page of a collection: the DRF limit/offset envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Paginated<T> {
    /// Objects matching the filters, over all pages.
    #[serde(default)]
    pub count: u64,
    /// URL of the next page, if any.
    #[serde(default)]
    pub next: Option<String>,
    /// URL of the previous page, if any.
    #[serde(default)]
    pub previous: Option<String>,
    /// This page. Required: the envelope is what VeiL always sends, so `{}` or `[]` is a broken
    /// server (a `Protocol` error), not an empty list.
    pub results: Vec<T>,
}

/// `user_power_state`: 0 undefined, 1 off, 2 suspended, 3 on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PowerState {
    /// 0.
    Undefined,
    /// 1.
    Off,
    /// 2.
    Suspended,
    /// 3.
    On,
    /// Any other number.
    Other(i64),
}

impl PowerState {
    /// From the wire number.
    pub fn from_wire(n: i64) -> Self {
        match n {
            0 => PowerState::Undefined,
            1 => PowerState::Off,
            2 => PowerState::Suspended,
            3 => PowerState::On,
            n => PowerState::Other(n),
        }
    }

    /// The wire number.
    pub fn to_wire(self) -> i64 {
        match self {
            PowerState::Undefined => 0,
            PowerState::Off => 1,
            PowerState::Suspended => 2,
            PowerState::On => 3,
            PowerState::Other(n) => n,
        }
    }
}

/// A VM (`/api/domains/`). The list answers a reduced field set; the detail, `fields=` or
/// `all_content=1` answer more. Decoded in one pass by a hand-written `Deserialize`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Domain {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: String,
    /// Entity status: CREATING, ACTIVE, FAILED, DELETING, SERVICE, PARTIAL.
    #[serde(default)]
    pub status: Option<String>,
    /// Power state number (see [`PowerState`]).
    #[serde(default)]
    pub user_power_state: Option<i64>,
    /// Virtual CPUs.
    #[serde(default)]
    pub cpu_count: Option<u32>,
    /// Memory in MiB.
    #[serde(default)]
    pub memory_count: Option<u64>,
    /// The node it runs on (or last ran on).
    #[serde(default)]
    pub node: Option<Ref>,
    /// Its cluster (detail, or `fields=cluster`).
    #[serde(default)]
    pub cluster: Option<Ref>,
    /// Its resource pool.
    #[serde(default)]
    pub resource_pool: Option<Ref>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// True for a template.
    #[serde(default)]
    pub template: Option<bool>,
    /// The task holding the VM, if any.
    #[serde(default)]
    pub locked_by: Option<String>,
    /// The template of a thin clone.
    #[serde(default)]
    pub parent: Option<Ref>,
    /// Windows, Linux, Other.
    #[serde(default)]
    pub os_type: Option<String>,
    /// Number of virtual disks (list).
    #[serde(default)]
    pub vdisks_count: Option<u32>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Domain {
    /// The power state, if the server sent one.
    pub fn power_state(&self) -> Option<PowerState> {
        self.user_power_state.map(PowerState::from_wire)
    }
}

/// A node (hypervisor host, `/api/nodes/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Node {
    /// UUID.
    pub id: String,
    /// Name (often the address).
    #[serde(default)]
    pub verbose_name: String,
    /// Entity status.
    #[serde(default)]
    pub status: Option<String>,
    /// Management address.
    #[serde(default)]
    pub management_ip: Option<String>,
    /// CPU threads.
    #[serde(default)]
    pub cpu_count: Option<u32>,
    /// Memory in MiB.
    #[serde(default)]
    pub memory_count: Option<u64>,
    /// Its cluster (an object in lists, a bare id in the detail).
    #[serde(default)]
    pub cluster: Option<Ref>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A cluster (`/api/clusters/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cluster {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: String,
    /// Entity status.
    #[serde(default)]
    pub status: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// CPU threads over all nodes.
    #[serde(default)]
    pub cpu_count: Option<u32>,
    /// Memory in MiB over all nodes.
    #[serde(default)]
    pub memory_count: Option<u64>,
    /// Number of nodes.
    #[serde(default)]
    pub nodes_count: Option<u32>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A resource pool (`/api/resource-pools/`): where new VMs are placed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResourcePool {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: String,
    /// Its cluster, when the server says.
    #[serde(default)]
    pub cluster: Option<Ref>,
    /// VMs in the pool.
    #[serde(default)]
    pub domains_count: Option<u64>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A data pool (storage, `/api/data-pools/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DataPool {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: String,
    /// Entity status.
    #[serde(default)]
    pub status: Option<String>,
    /// nfs, local, zfs, ...
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Size in MiB.
    #[serde(default)]
    pub size: Option<u64>,
    /// Free space in MiB.
    #[serde(default)]
    pub free_space: Option<u64>,
    /// Used space in MiB.
    #[serde(default)]
    pub used_space: Option<u64>,
    /// Its cluster, when the server names one (the vendor samples do not; the `cluster=`
    /// filter exists).
    #[serde(default)]
    pub cluster: Option<Ref>,
    /// Description (detail).
    #[serde(default)]
    pub description: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A virtual disk (`/api/vdisks/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VDisk {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub verbose_name: String,
    /// Entity status.
    #[serde(default)]
    pub status: Option<String>,
    /// Size in GiB (a float on the wire).
    #[serde(default)]
    pub size: Option<f64>,
    /// Its data pool.
    #[serde(default)]
    pub datapool: Option<Ref>,
    /// The VM it is attached to, if any.
    #[serde(default)]
    pub domain: Option<Ref>,
    /// Shared between VMs.
    #[serde(default)]
    pub shareable: Option<bool>,
    /// The task holding the disk, if any.
    #[serde(default)]
    pub locked_by: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `executed`: an integer in fresh tasks, a string of seconds in finished ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Executed {
    /// A number.
    Number(f64),
    /// A string as sent.
    Text(String),
}

impl Executed {
    /// Seconds, when it parses.
    pub fn seconds(&self) -> Option<f64> {
        match self {
            Executed::Number(n) => Some(*n),
            Executed::Text(s) => s.trim().parse().ok(),
        }
    }
}

/// The user who started a task (integer id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskUser {
    /// User id (an integer, unlike every other id).
    #[serde(default)]
    pub id: Option<i64>,
    /// User name.
    #[serde(default)]
    pub username: Option<String>,
}

/// A task (`/api/tasks/{id}/`, or `_task` of a 202 answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Task {
    /// UUID.
    pub id: String,
    /// Human-readable name ("Starting the virtual machine win_test.").
    #[serde(default)]
    pub name: Option<String>,
    /// Display name.
    #[serde(default)]
    pub verbose_name: Option<String>,
    /// IN_PROGRESS, SUCCESS, FAILED, CANCELED, LOST, PARTIAL.
    #[serde(default)]
    pub status: String,
    /// 0..=100.
    #[serde(default)]
    pub progress: Option<f64>,
    /// Creation time (RFC 3339).
    #[serde(default)]
    pub created: Option<String>,
    /// Run time.
    #[serde(default)]
    pub executed: Option<Executed>,
    /// End time (RFC 3339), null while running.
    #[serde(default)]
    pub finished_time: Option<String>,
    /// Why it failed; empty otherwise.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Can it be cancelled.
    #[serde(default)]
    pub is_cancellable: Option<bool>,
    /// A task with subtasks (`GET tasks/?parent=`).
    #[serde(default)]
    pub is_multitask: Option<bool>,
    /// Parent task id.
    #[serde(default)]
    pub parent: Option<String>,
    /// Who started it.
    #[serde(default)]
    pub user: Option<TaskUser>,
    /// `{uuid: class}`; the first key is the primary entity.
    #[serde(default)]
    pub entities: serde_json::Map<String, serde_json::Value>,
    /// Everything else (events, nodes_user_responses, permissions...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl Task {
    /// The first entity `(uuid, class)`, the object the task acts on (for a create: the new
    /// object). The server keeps insertion order; so does this map.
    pub fn first_entity(&self) -> Option<(&str, &str)> {
        self.entities
            .iter()
            .next()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")))
    }

    /// The first entity of class `class` (`domain`, `vdisk`, `node`, ...).
    pub fn entity_of(&self, class: &str) -> Option<&str> {
        self.entities
            .iter()
            .find(|(_, v)| v.as_str() == Some(class))
            .map(|(k, _)| k.as_str())
    }
}

/// A 202 answer: `{"_task": {...}}`, plus `entity` (the new id) for creates.
///
/// `task` is `None` only for the two quirks the vendor's own client accepts as success without a
/// task: `202 {}` and `204` with no body (see [`VeilClient::post_action`](crate::VeilClient)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Accepted {
    /// The task to follow; `None` for the documented no-task quirks.
    #[serde(rename = "_task", default)]
    pub task: Option<Task>,
    /// The new object's id, for creates.
    #[serde(default)]
    pub entity: Option<String>,
}

/// `{"version": "4.6.0"}` of `controllers/base-version/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BaseVersion {
    /// Version text.
    pub version: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TokenAnswer {
    pub(crate) token: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_takes_id_or_object() {
        let a: Ref = serde_json::from_str(r#""abc""#).unwrap();
        let b: Ref = serde_json::from_str(r#"{"id":"abc","verbose_name":"n"}"#).unwrap();
        assert_eq!(a.id, "abc");
        assert_eq!(b.verbose_name.as_deref(), Some("n"));
    }

    #[test]
    fn executed_number_or_string() {
        let t: Task =
            serde_json::from_str(r#"{"id":"t","status":"SUCCESS","executed":"2.5"}"#).unwrap();
        assert_eq!(t.executed.unwrap().seconds(), Some(2.5));
        let t: Task =
            serde_json::from_str(r#"{"id":"t","status":"IN_PROGRESS","executed":0}"#).unwrap();
        assert_eq!(t.executed.unwrap().seconds(), Some(0.0));
    }

    #[test]
    fn power_state_round_trips() {
        for n in 0..5 {
            assert_eq!(PowerState::from_wire(n).to_wire(), n);
        }
    }
}
