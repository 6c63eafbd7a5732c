//! Tasks and their steps.

use serde::{Deserialize, Serialize};

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

/// `Task`: the generated model type.
pub use crate::generated::types::Task;
