//! The api-jobs protocol: one look at a job, and following a reply to its end on core's one
//! poll loop ([`omnivirt_core::wait::Waiter`]) with core's [`WaitOptions`].

use std::time::Duration;

use http::{Method, StatusCode};
use omnivirt_core::wait::{Observation, Probe, Waiter};
use omnivirt_core::{Error, ErrorKind, Op, Result, TaskState, WaitOptions};
use omnivirt_http::Request;
use serde_json::{Value, json};

use super::client::{JobStatus, Reply, ZStackClient};
use crate::VENDOR;
use crate::error::{from_error_code, parse_error};
use crate::wire::{ErrorCode, ErrorEnvelope};

impl ZStackClient {
    /// The Java SDK's job polling schedule: every second (no backoff, no jitter) for at most
    /// three hours. Pass it, or any other [`WaitOptions`], to [`ZStackClient::wait`] and
    /// [`ZStackClient::call`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use omnivirt_zstack::ZStackClient;
    ///
    /// let opts = ZStackClient::default_wait();
    /// assert_eq!(opts.initial_interval, Duration::from_secs(1));
    /// assert_eq!(opts.max_interval, Duration::from_secs(1));
    /// assert_eq!(opts.timeout, Duration::from_secs(3 * 3600));
    /// // A shorter budget keeps the schedule.
    /// let short = ZStackClient::default_wait().timeout(Duration::from_secs(60));
    /// assert_eq!(short.jitter, 0.0);
    /// ```
    pub fn default_wait() -> WaitOptions {
        let every = Duration::from_secs(1);
        WaitOptions::new()
            .timeout(Duration::from_secs(3 * 3600))
            .interval(every, every)
            .multiplier(1.0)
            .jitter(0.0)
    }

    /// One look at a job: `GET /api-jobs/{uuid}`. An unknown or expired job is `NotFound`.
    ///
    /// The poll may be retried (a gateway's 502, a reset connection), except for a `503`: that
    /// is the job's final answer ("the API ran and failed"), so a finished job is fetched once
    /// and its failure comes back without the retry policy's back-off.
    pub async fn job_status(&self, uuid: &str) -> Result<JobStatus> {
        if uuid.is_empty() || !uuid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(
                Error::invalid_input(format!("`{uuid}` is not a ZStack job uuid"))
                    .with_vendor(VENDOR)
                    .with_op(Op::TaskGet),
            );
        }
        let req = Request::get(format!("{}/api-jobs/{uuid}", self.inner.base))
            .vendor(VENDOR)
            .op(Op::TaskGet)
            .idempotent(true)
            .final_status(StatusCode::SERVICE_UNAVAILABLE);
        let resp = self.inner.transport.send(req).await?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await?;
        match status {
            202 => Ok(JobStatus::Running),
            200..=299 => {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    return Ok(JobStatus::Succeeded(json!({})));
                }
                serde_json::from_slice(&bytes)
                    .map(JobStatus::Succeeded)
                    .map_err(|e| {
                        Error::protocol(format!("/api-jobs/{uuid}: the result is not JSON: {e}"))
                            .with_vendor(VENDOR)
                    })
            }
            503 => match serde_json::from_slice::<ErrorEnvelope>(&bytes) {
                Ok(env) => Ok(JobStatus::Failed(env.error)),
                Err(_) => Err(parse_error(status, &bytes).with_op(Op::TaskGet)),
            },
            _ => Err(parse_error(status, &bytes).with_op(Op::TaskGet)),
        }
    }

    /// Follows a reply to its end: the result of a finished call at once, or the job polled
    /// until it succeeds (its result), fails (`TaskFailed`, or the kind of its error code when
    /// the API refused the request) or `opts.timeout` passes (`Timeout`, naming the op, the
    /// time waited, the number of polls and the job last seen running).
    ///
    /// The polls run on core's [`Waiter`]: `opts` brings the backoff and the progress reports
    /// ([`ZStackClient::default_wait`] is the Java SDK's schedule), and a poll that fails with a
    /// retryable error (a reset connection, a gateway's 502) is noted and polling goes on.
    ///
    /// ```no_run
    /// # async fn demo(zs: omnivirt_zstack::ZStackClient) -> omnivirt_core::Result<()> {
    /// use std::time::Duration;
    /// use omnivirt_zstack::ZStackClient;
    ///
    /// let reply = zs.start_vm("vm-uuid", None).await?;
    /// let result = zs
    ///     .wait(&reply, ZStackClient::default_wait().timeout(Duration::from_secs(600)))
    ///     .await?;
    /// println!("{}", result["inventory"]["state"]);
    /// # Ok(()) }
    /// ```
    pub async fn wait(&self, reply: &Reply, opts: impl Into<WaitOptions>) -> Result<Value> {
        let job = match reply {
            Reply::Done(v) => return Ok(v.clone()),
            Reply::Accepted(j) => j,
        };
        let opts = opts.into();
        let uuid = job.uuid.as_str();
        let mut waiter = Waiter::new(&opts, Op::TaskGet, VENDOR);
        // A finished job is the wait's answer, a failed one included: its error must end the
        // wait even when its code is retryable (`SYS.1001`), so it travels inside `Ready`.
        let outcome = waiter
            .until(|| async move {
                Ok(match self.job_status(uuid).await? {
                    JobStatus::Running => Probe::Pending(
                        Observation::new(format!("job {uuid} running"))
                            .task(TaskState::Running, None),
                    ),
                    JobStatus::Succeeded(v) => Probe::Ready(Ok(v)),
                    JobStatus::Failed(ec) => Probe::Ready(Err(job_error(&ec))),
                })
            })
            .await?;
        if outcome.is_ok() {
            waiter.report_done();
        }
        outcome
    }

    /// Sends and waits: [`ZStackClient::request`] then [`ZStackClient::wait`].
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        opts: impl Into<WaitOptions>,
    ) -> Result<Value> {
        let reply = self.request(method, path, query, body, None).await?;
        self.wait(&reply, opts).await
    }
}

/// The error of a failed job: the kind its code says when the API refused the request
/// (not found, wrong state, bad input, session); `TaskFailed` when it ran and failed.
pub(crate) fn job_error(ec: &ErrorCode) -> Error {
    let e = from_error_code(503, ec);
    match e.kind() {
        ErrorKind::Backend | ErrorKind::Timeout => e.with_kind(ErrorKind::TaskFailed),
        _ => e,
    }
}
