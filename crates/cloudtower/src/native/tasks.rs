//! Waiting for tasks: one batched `get-tasks` (`id_in`) per poll, on core's [`Waiter`].

use std::collections::HashMap;
use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Observation, Op, Result, VendorDetail, WaitOptions, Waiter};
use serde_json::json;

use super::client::{CloudTowerClient, decode};
use crate::VENDOR;
use crate::convert;
use crate::wire::{Task, TaskStatus, WithTask};

/// How [`CloudTowerClient::wait_tasks`] waits: core's [`WaitOptions`] (timeout, backoff,
/// progress) plus the one choice only a batch of tasks has.
///
/// A plain `WaitOptions` converts into it, so both can be passed:
///
/// ```
/// use std::time::Duration;
/// use omnivirt_cloudtower::tasks::WaitTasks;
/// use omnivirt_core::WaitOptions;
///
/// let sdk_like = WaitTasks::default().interval(Duration::from_secs(1)).exit_on_error(true);
/// assert_eq!(sdk_like.wait.initial_interval, Duration::from_secs(1));
/// let core: WaitTasks = WaitOptions::new().timeout(Duration::from_secs(60)).into();
/// assert!(!core.exit_on_error);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WaitTasks {
    /// Timeout, polling backoff and progress reports.
    pub wait: WaitOptions,
    /// Stop at the first failed task instead of waiting for the others.
    pub exit_on_error: bool,
}

impl Default for WaitTasks {
    /// The official SDKs' defaults: every 5 s (no backoff, no jitter) for at most 300 s,
    /// waiting for all tasks.
    fn default() -> Self {
        let every = Duration::from_secs(5);
        WaitTasks {
            wait: WaitOptions::new()
                .timeout(Duration::from_secs(300))
                .interval(every, every)
                .multiplier(1.0)
                .jitter(0.0),
            exit_on_error: false,
        }
    }
}

impl From<WaitOptions> for WaitTasks {
    fn from(wait: WaitOptions) -> Self {
        WaitTasks {
            wait,
            exit_on_error: false,
        }
    }
}

impl WaitTasks {
    /// A fixed pause between polls (the official SDKs' `interval`).
    pub fn interval(mut self, d: Duration) -> Self {
        self.wait = self.wait.interval(d, d);
        self
    }
    /// Overall timeout.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.wait = self.wait.timeout(d);
        self
    }
    /// Stop at the first failure.
    pub fn exit_on_error(mut self, yes: bool) -> Self {
        self.exit_on_error = yes;
        self
    }
}

/// The task ids of a mutation's answer (operations that finished at once have none).
pub fn task_ids<T>(items: &[WithTask<T>]) -> Vec<String> {
    items.iter().filter_map(|w| w.task_id.clone()).collect()
}

/// The error for a failed task, carrying its `error_code` and `error_message`.
pub fn task_failed(task: &Task) -> Error {
    let msg = task.error_message.clone().unwrap_or_default();
    let mut detail = VendorDetail::new();
    if let Some(c) = &task.error_code {
        detail = detail.code(c.clone());
    }
    if !msg.is_empty() {
        detail = detail.message(msg.clone());
    }
    let text = if msg.is_empty() {
        format!("task {} failed", crate::convert::text(&task.id))
    } else {
        format!("task {} failed: {msg}", crate::convert::text(&task.id))
    };
    Error::new(ErrorKind::TaskFailed, text)
        .with_vendor(VENDOR)
        .with_detail(detail)
}

/// What a round saw of the tasks still running, for progress reports and the timeout message;
/// state and percent are the first running task's.
fn still_running(first: Option<&Task>, pending: &[String]) -> Observation {
    let seen = Observation::new(format!("tasks still running: {}", pending.join(", ")));
    match first.map(convert::task) {
        Some(t) => seen.task(t.state, t.progress),
        None => seen,
    }
}

impl CloudTowerClient {
    /// `get-tasks` for these ids, in one request.
    pub async fn get_tasks(&self, ids: &[String]) -> Result<Vec<Task>> {
        let body = json!({ "where": { "id_in": ids } });
        let resp = self
            .send("get-tasks", &body, Some(Op::TaskGetBatch), true)
            .await?;
        decode("get-tasks", resp).await
    }

    /// Waits until every task in `ids` has finished; returns them in the order given.
    ///
    /// `opts` is a [`WaitTasks`] or a plain [`WaitOptions`]: the rounds run on core's
    /// [`Waiter`], so backoff, progress reports and the `Timeout` error are those of every other
    /// wait. Each round is one `get-tasks` for all the tasks still running.
    ///
    /// Unlike the official SDKs it leaves `ids` alone, stops as soon as the last task ends,
    /// fails with `NotFound` on an id the server does not know (instead of waiting for the
    /// timeout), and reports a failure as `TaskFailed` carrying the task's `error_code` and
    /// `error_message` (the first failure's; the message lists all of them).
    pub async fn wait_tasks(
        &self,
        ids: &[String],
        opts: impl Into<WaitTasks>,
    ) -> Result<Vec<Task>> {
        let opts = opts.into();
        let mut pending: Vec<String> = Vec::new();
        for id in ids {
            if id.trim().is_empty() {
                return Err(
                    Error::invalid_input("an empty task id cannot be waited for")
                        .with_vendor(VENDOR),
                );
            }
            if !pending.contains(id) {
                pending.push(id.clone());
            }
        }
        let mut waiter = Waiter::new(&opts.wait, Op::TaskGetBatch, VENDOR);
        let mut done: HashMap<String, Task> = HashMap::new();
        let mut failed: Vec<Task> = Vec::new();
        while !pending.is_empty() {
            waiter.count_poll();
            let tasks = self.get_tasks(&pending).await?;
            let mut seen: HashMap<String, Task> = tasks
                .into_iter()
                .filter_map(|t| Some((t.id.clone()?, t)))
                .collect();
            if let Some(missing) = pending.iter().find(|id| !seen.contains_key(*id)) {
                return Err(Error::not_found(format!(
                    "task {missing} is unknown to the server; it will never finish"
                ))
                .with_vendor(VENDOR)
                .with_op(Op::TaskGet));
            }
            let mut still = Vec::new();
            let mut first_running = None;
            for id in pending.drain(..) {
                let Some(t) = seen.remove(&id) else { continue };
                match t.status {
                    Some(TaskStatus::Succeeded) => {
                        done.insert(id, t);
                    }
                    Some(TaskStatus::Failed) => {
                        if opts.exit_on_error {
                            return Err(task_failed(&t));
                        }
                        failed.push(t.clone());
                        done.insert(id, t);
                    }
                    _ => {
                        first_running.get_or_insert(t);
                        still.push(id);
                    }
                }
            }
            pending = still;
            if pending.is_empty() {
                break;
            }
            waiter.observe(still_running(first_running.as_ref(), &pending));
            waiter.pause().await?;
        }
        if let Some(first) = failed.first() {
            let mut err = task_failed(first);
            if failed.len() > 1 {
                let all: Vec<String> = failed
                    .iter()
                    .map(|t| {
                        let id = crate::convert::text(&t.id);
                        format!("{id}: {}", t.error_message.as_deref().unwrap_or(""))
                    })
                    .collect();
                let detail = err.detail().cloned().unwrap_or_default();
                err = Error::new(
                    ErrorKind::TaskFailed,
                    format!("{} tasks failed: {}", failed.len(), all.join("; ")),
                )
                .with_vendor(VENDOR)
                .with_detail(detail);
            }
            return Err(err);
        }
        waiter.report_done();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(t) = done.get(id) {
                out.push(t.clone());
            }
        }
        Ok(out)
    }

    /// Waits for one task.
    pub async fn wait_task(&self, id: &str, opts: impl Into<WaitTasks>) -> Result<Task> {
        let mut v = self.wait_tasks(&[id.to_owned()], opts).await?;
        v.pop()
            .ok_or_else(|| Error::not_found(format!("task {id} vanished")).with_vendor(VENDOR))
    }
}
