//! What the engine records about its work: jobs, and events (the generated `Event`).

use serde::Serialize;

use super::{Event, JobStatus, Links, Object, Ref};

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

/// The generated audit-log event: identity and links for the services tree (it has no
/// `<actions>`).
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
        static NONE: Links = Links::new();
        &NONE
    }
}
