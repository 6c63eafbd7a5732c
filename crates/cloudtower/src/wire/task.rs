//! Tasks and their steps.

use serde::{Deserialize, Serialize};

use super::NestedRef;
use super::enums::TaskStatus;

/// One step of a task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskStep {
    /// Step key.
    #[serde(default)]
    pub key: Option<String>,
    /// Current count.
    #[serde(default)]
    pub current: Option<f64>,
    /// Total count.
    #[serde(default)]
    pub total: Option<f64>,
    /// Finished.
    #[serde(default)]
    pub finished: Option<bool>,
    /// Unit.
    #[serde(default)]
    pub unit: Option<String>,
}

/// A task (`Task`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Task {
    /// CloudTower id.
    pub id: String,
    /// State.
    #[serde(default)]
    pub status: Option<TaskStatus>,
    /// Progress (0..=1 on real towers, sometimes 0..=100).
    #[serde(default)]
    pub progress: Option<f64>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Error code once failed.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Error message once failed (may embed JSON).
    #[serde(default)]
    pub error_message: Option<String>,
    /// Id of the resource acted on.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Type of that resource.
    #[serde(default)]
    pub resource_type: Option<String>,
    /// Mutation name.
    #[serde(default)]
    pub resource_mutation: Option<String>,
    /// Started at.
    #[serde(default)]
    pub started_at: Option<String>,
    /// Finished at.
    #[serde(default)]
    pub finished_at: Option<String>,
    /// Created at.
    #[serde(default)]
    pub local_created_at: Option<String>,
    /// Steps.
    #[serde(default)]
    pub steps: Option<Vec<TaskStep>>,
    /// Cluster.
    #[serde(default)]
    pub cluster: Option<NestedRef>,
    /// Internal task.
    #[serde(default)]
    pub internal: Option<bool>,
}
