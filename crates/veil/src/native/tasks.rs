//! `/api/tasks/`: info, list, cancel, and the wait the vendor client lacks, on core's one poll
//! loop ([`omnivirt_core::wait::Waiter`]) with core's [`WaitOptions`].

use std::time::Duration;

use omnivirt_core::wait::{Observation, Probe, Waiter};
use omnivirt_core::{Error, ErrorKind, Op, Result, TaskError, WaitOptions};
use serde_json::json;

use super::Paginator;
use super::client::VeilClient;
use super::domains::check_id as valid_id;
use crate::VENDOR;
use crate::convert;
use crate::wire::{Paginated, Task};

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

    /// The Go client's schedule: every second (no backoff, no jitter) for at most 300 s. Pass
    /// it, or any other [`WaitOptions`], to [`Tasks::wait`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use omnivirt_veil::native::Tasks;
    ///
    /// let opts = Tasks::default_wait();
    /// assert_eq!(opts.initial_interval, Duration::from_secs(1));
    /// assert_eq!(opts.max_interval, Duration::from_secs(1));
    /// assert_eq!(opts.timeout, Duration::from_secs(300));
    /// ```
    pub fn default_wait() -> WaitOptions {
        let every = Duration::from_secs(1);
        WaitOptions::new()
            .timeout(Duration::from_secs(300))
            .interval(every, every)
            .multiplier(1.0)
            .jitter(0.0)
    }

    /// Polls until the task ends. SUCCESS returns the task; FAILED, CANCELED, LOST and PARTIAL
    /// are `TaskFailed` with the server's `error_message` (unlike the Python client, whose
    /// `is_finished` never counts the last three and spins forever).
    ///
    /// The polls run on core's [`Waiter`]: `opts` brings the timeout, the backoff and the
    /// progress reports ([`Tasks::default_wait`] is the Go client's schedule); a poll that fails
    /// with a retryable error is noted and polling goes on; past the timeout the wait fails with
    /// `Timeout`, naming the op, the polls and the task's status last seen.
    ///
    /// ```no_run
    /// # async fn demo(veil: omnivirt_veil::VeilClient) -> omnivirt_core::Result<()> {
    /// use std::time::Duration;
    /// use omnivirt_veil::native::Tasks;
    ///
    /// let accepted = veil.domains().start("domain-id").await?;
    /// let opts = Tasks::default_wait().timeout(Duration::from_secs(60));
    /// if let Some(t) = &accepted.task {
    ///     let task = veil.tasks().wait(&t.id, opts).await?;
    ///     assert_eq!(task.status, "SUCCESS");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn wait(&self, id: &str, opts: impl Into<WaitOptions>) -> Result<Task> {
        let opts = opts.into();
        let mut waiter = Waiter::new(&opts, Op::TaskGet, VENDOR);
        // A task that ended is the wait's answer, a failed one included: its error travels
        // inside `Ready` so that nothing about it is taken for a reason to poll again.
        let outcome = waiter
            .until(|| async move {
                let t = self.get(id).await?;
                let neutral = convert::task(&t);
                if !neutral.state.is_terminal() {
                    let seen = match neutral.progress {
                        Some(p) => format!("task {id} {} ({p}%)", t.status),
                        None => format!("task {id} {}", t.status),
                    };
                    return Ok(Probe::Pending(
                        Observation::new(seen).task(neutral.state, neutral.progress),
                    ));
                }
                Ok(Probe::Ready(match neutral.error {
                    Some(TaskError { message, code, .. }) => {
                        let code = code.unwrap_or_default();
                        Err(Error::new(
                            ErrorKind::TaskFailed,
                            format!("task {id} ended {code}: {message}"),
                        )
                        .with_vendor(VENDOR))
                    }
                    None => Ok(t),
                }))
            })
            .await?;
        if outcome.is_ok() {
            waiter.report_done();
        }
        outcome
    }
}
