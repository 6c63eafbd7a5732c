//! What the engine records about its work: jobs and events.

use serde::Serialize;

use super::{JobStatus, Links, LogSeverity, Object, Ref};

/// A job: the engine's record of a command and its steps.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Job {
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
    pub status: Option<JobStatus>,
    /// Start time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// End time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Last update as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    /// Created by an external system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<bool>,
    /// Cleared automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_cleared: Option<bool>,
    /// Owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Job {
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

/// An audit-log event.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Event {
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
    /// Event type code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Severity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<LogSeverity>,
    /// Time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Correlation id of the command that logged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Custom id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_id: Option<i64>,
    /// Flood rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flood_rate: Option<i64>,
    /// Origin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// User.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Ref>,
    /// VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// Host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Ref>,
    /// Cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Ref>,
    /// Data center.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_center: Option<Ref>,
    /// Storage domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_domain: Option<Ref>,
    /// Template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Event {
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
