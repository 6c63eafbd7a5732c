//! `/api/tasks/`: info, list, cancel, and a wait loop the vendor client lacks.

use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Op, Result, TaskError};
use serde_json::json;

use super::Paginator;
use super::client::VeilClient;
use super::domains::check_id as valid_id;
use crate::VENDOR;
use crate::convert;
use crate::wire::{Paginated, Task};

/// How [`Tasks::wait`] polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Pause between polls.
    pub interval: Duration,
    /// Give up after this long (`Timeout`).
    pub timeout: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        // The Go client polls every second for up to 300 s.
        WaitOptions {
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(300),
        }
    }
}

impl WaitOptions {
    /// Custom interval and timeout.
    pub fn new(interval: Duration, timeout: Duration) -> Self {
        WaitOptions { interval, timeout }
    }
}

/// The task service.
#[derive(Debug, Clone)]
pub struct Tasks {
    pub(crate) client: VeilClient,
}

impl Tasks {
    pub(crate) fn new(client: VeilClient) -> Self {
        Tasks { client }
    }

    /// One task.
    pub async fn get(&self, id: &str) -> Result<Task> {
        let id = valid_id(id)?;
        self.client
            .get(&format!("tasks/{id}/"), &[], Some(Op::TaskGet))
            .await
    }

    /// One page of tasks; `parent` = subtasks of a multitask, `status` = IN_PROGRESS, ...
    pub async fn list(
        &self,
        parent: Option<&str>,
        status: Option<&str>,
        page: &Paginator,
    ) -> Result<Paginated<Task>> {
        page.validate()?;
        let mut q = Vec::new();
        if let Some(p) = parent {
            q.push(("parent".to_owned(), p.to_owned()));
        }
        if let Some(s) = status {
            q.push(("status".to_owned(), s.to_owned()));
        }
        q.extend(page.query());
        self.client.get("tasks/", &q, None).await
    }

    /// `PUT {id}/cancel/` `{force: true}`.
    pub async fn cancel(&self, id: &str) -> Result<()> {
        let id = valid_id(id)?;
        self.client
            .put(
                &format!("tasks/{id}/cancel/"),
                Some(&json!({"force": true})),
                None,
            )
            .await
            .map(|_| ())
    }

    /// Polls until the task ends. SUCCESS returns the task; FAILED, CANCELED, LOST and PARTIAL
    /// are `TaskFailed` with the server's `error_message` (unlike the Python client, whose
    /// `is_finished` never counts the last three and spins forever).
    pub async fn wait(&self, id: &str, opts: WaitOptions) -> Result<Task> {
        let start = tokio::time::Instant::now();
        loop {
            let t = self.get(id).await?;
            let neutral = convert::task(&t);
            if neutral.state.is_terminal() {
                if let Some(TaskError { message, code, .. }) = neutral.error {
                    let code = code.unwrap_or_default();
                    return Err(Error::new(
                        ErrorKind::TaskFailed,
                        format!("task {id} ended {code}: {message}"),
                    )
                    .with_vendor(VENDOR));
                }
                return Ok(t);
            }
            if start.elapsed() >= opts.timeout {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!("task {id} still {} after {:?}", t.status, opts.timeout),
                )
                .with_vendor(VENDOR));
            }
            tokio::time::sleep(opts.interval).await;
        }
    }
}
