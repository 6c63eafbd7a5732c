//! Tasks and their steps.

/// One step of a task: the generated `NestedStep`.
pub use crate::generated::types::NestedStep as TaskStep;

/// `Task`: the generated model type.
pub use crate::generated::types::Task;
