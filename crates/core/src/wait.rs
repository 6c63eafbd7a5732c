//! Waiting: options, backoff with jitter, progress reports.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use std::future::Future;

use tokio::time::Instant;

use crate::error::{Error, ErrorKind, Result};
use crate::model::TaskState;
use crate::op::Op;

/// One observation made while waiting, handed to a progress callback.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// The operation being waited for.
    pub op: Op,
    /// How many polls so far (this one included).
    pub polls: u32,
    /// Time since the wait began.
    pub elapsed: Duration,
    /// Task state, while following a task.
    pub task_state: Option<TaskState>,
    /// Task progress in percent, when reported.
    pub percent: Option<u8>,
    /// The last state seen (task or object), as text.
    pub observed: Option<String>,
    /// True on the last report of a successful wait.
    pub done: bool,
}

type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// How to wait: overall timeout and the polling backoff.
///
/// ```
/// use std::time::Duration;
/// use omnivirt_core::WaitOptions;
///
/// let opts = WaitOptions::new()
///     .timeout(Duration::from_secs(60))
///     .interval(Duration::from_millis(200), Duration::from_secs(5));
/// assert_eq!(opts.timeout, Duration::from_secs(60));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long (`Timeout`).
    pub timeout: Duration,
    /// First delay between polls.
    pub initial_interval: Duration,
    /// Largest delay between polls.
    pub max_interval: Duration,
    /// Growth of the delay after each poll.
    pub multiplier: f64,
    /// Random spread of each delay, as a fraction (0.0 to 1.0).
    pub jitter: f64,
    /// How many operations `wait_all` follows at once when it cannot batch.
    pub concurrency: usize,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("initial_interval", &self.initial_interval)
            .field("max_interval", &self.max_interval)
            .field("multiplier", &self.multiplier)
            .field("jitter", &self.jitter)
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(600),
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(10),
            multiplier: 1.5,
            jitter: 0.2,
            concurrency: 16,
            progress: None,
        }
    }
}

impl WaitOptions {
    /// Defaults: 10 minutes, 0.5 s growing by 1.5x to 10 s, 20 % jitter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overall timeout.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// First and largest delay between polls.
    pub fn interval(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }

    /// Growth factor of the delay (at least 1.0).
    pub fn multiplier(mut self, m: f64) -> Self {
        self.multiplier = if m.is_finite() { m.max(1.0) } else { 1.0 };
        self
    }

    /// Jitter fraction, clamped to 0.0..=1.0.
    pub fn jitter(mut self, j: f64) -> Self {
        self.jitter = if j.is_finite() {
            j.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// Concurrency of `wait_all` when it cannot batch.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Calls `f` after every poll.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    /// Progress reports as a channel instead of a callback.
    pub fn progress_channel(self) -> (Self, tokio::sync::mpsc::UnboundedReceiver<Progress>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (
            self.on_progress(move |p| {
                let _ = tx.send(p.clone());
            }),
            rx,
        )
    }

    pub(crate) fn report(&self, p: &Progress) {
        if let Some(f) = &self.progress {
            f(p);
        }
    }

    pub(crate) fn backoff(&self) -> Backoff {
        Backoff {
            next: self.initial_interval,
            max: self.max_interval,
            multiplier: self.multiplier,
            jitter: self.jitter,
        }
    }
}

/// Exponential backoff with jitter.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    next: Duration,
    max: Duration,
    multiplier: f64,
    jitter: f64,
}

impl Backoff {
    /// The next delay (jittered), advancing the schedule.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let base = self.next;
        self.next = base.mul_f64(self.multiplier).min(self.max);
        if self.jitter > 0.0 {
            let spread = (fastrand::f64() * 2.0 - 1.0) * self.jitter;
            base.mul_f64((1.0 + spread).max(0.0))
        } else {
            base
        }
    }
}

/// What one poll of a [`Waiter`] saw: the awaited value, or a note on why it is not there yet.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe<T> {
    /// The condition holds; the wait ends with this value (for example the object observed).
    Ready(T),
    /// Not yet; the observation feeds progress reports and the timeout message.
    Pending(Observation),
}

/// What a poll observed while the condition did not hold yet.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Observation {
    /// The state seen, as text (`"vm starting (wait_for_launch)"`, `"task running"`).
    pub seen: String,
    /// Task state, when following a task.
    pub task_state: Option<TaskState>,
    /// Task progress in percent, when reported.
    pub percent: Option<u8>,
}

impl Observation {
    /// An observation described by `seen`.
    pub fn new(seen: impl Into<String>) -> Self {
        Observation {
            seen: seen.into(),
            ..Self::default()
        }
    }

    /// Adds a task's state and progress.
    pub fn task(mut self, state: TaskState, percent: Option<u8>) -> Self {
        self.task_state = Some(state);
        self.percent = percent;
        self
    }
}

impl<T> Probe<T> {
    /// `Pending` with a plain description of what was seen.
    pub fn pending(seen: impl Into<String>) -> Self {
        Probe::Pending(Observation::new(seen))
    }
}

/// The one poll loop behind every wait in omnivirt: the uniform `Operation::wait`, `wait_all`
/// and every vendor's native waits (oVirt `wait_for_status`, CloudTower `wait_tasks`, ZStack
/// job polling, VeiL task waiting).
///
/// It counts polls, sleeps with the options' backoff, reports [`Progress`], keeps polling through
/// retryable errors, and fails with `Timeout` naming the op, the time waited, the number of polls
/// and the last state seen.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> omnivirt_core::Result<()> {
/// use std::time::Duration;
/// use omnivirt_core::Op;
/// use omnivirt_core::wait::{Probe, WaitOptions, Waiter};
///
/// let opts = WaitOptions::new().interval(Duration::from_millis(1), Duration::from_millis(1));
/// let mut left = 3;
/// let got = Waiter::new(&opts, Op::VmStart, "example")
///     .until(|| {
///         left -= 1;
///         let answer = if left == 0 { Probe::Ready("running") } else { Probe::pending("starting") };
///         async move { Ok(answer) }
///     })
///     .await?;
/// assert_eq!(got, "running");
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Waiter<'a> {
    opts: &'a WaitOptions,
    op: Op,
    vendor: &'static str,
    start: Instant,
    polls: u32,
    backoff: Backoff,
    last: Observation,
}

impl<'a> Waiter<'a> {
    /// A waiter for `op` on `vendor`; the clock starts now.
    pub fn new(opts: &'a WaitOptions, op: Op, vendor: &'static str) -> Self {
        Waiter {
            opts,
            op,
            vendor,
            start: Instant::now(),
            polls: 0,
            backoff: opts.backoff(),
            last: Observation::default(),
        }
    }

    /// A waiter for `op` that goes on from this one: same options, same clock, same poll count
    /// and last observation. A batched wait uses it to finish each operation without starting
    /// its progress and timeout over.
    pub fn for_op(&self, op: Op) -> Waiter<'a> {
        Waiter {
            opts: self.opts,
            op,
            vendor: self.vendor,
            start: self.start,
            polls: self.polls,
            backoff: self.backoff.clone(),
            last: self.last.clone(),
        }
    }

    /// The operation waited for.
    pub fn op(&self) -> Op {
        self.op
    }

    /// Polls made so far.
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// Time since the wait began.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Polls `poll` until it is `Ready`, pausing between polls with backoff.
    ///
    /// A retryable error of a poll is noted and polling goes on; any other error ends the wait,
    /// tagged with the op and vendor. Past the timeout the wait fails with `Timeout`.
    pub async fn until<T, F, Fut>(&mut self, mut poll: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Probe<T>>>,
    {
        loop {
            self.polls += 1;
            match poll().await {
                Ok(Probe::Ready(v)) => return Ok(v),
                Ok(Probe::Pending(seen)) => self.observe(seen),
                Err(e) if e.is_retryable() => {
                    self.last = Observation::new(format!("error: {}", e.kind()));
                }
                Err(e) => return Err(e.with_op(self.op).with_vendor(self.vendor)),
            }
            self.pause().await?;
        }
    }

    /// Records a poll made outside [`until`](Self::until) (a batched round).
    pub fn count_poll(&mut self) {
        self.polls += 1;
    }

    /// Records what a poll saw and reports it as progress.
    pub fn observe(&mut self, seen: Observation) {
        self.last = seen;
        self.report(false);
    }

    /// Reports the successful end of the wait (a last `Progress` with `done` set).
    pub fn report_done(&self) {
        self.report(true);
    }

    fn report(&self, done: bool) {
        let observed = (!self.last.seen.is_empty()).then(|| self.last.seen.clone());
        self.opts.report(&Progress {
            op: self.op,
            polls: self.polls,
            elapsed: self.start.elapsed(),
            task_state: if done { None } else { self.last.task_state },
            percent: if done { None } else { self.last.percent },
            observed,
            done,
        });
    }

    /// The `Timeout` error this wait fails with.
    pub fn timeout_error(&self) -> Error {
        let seen = if self.last.seen.is_empty() {
            String::new()
        } else {
            format!("; last seen: {}", self.last.seen)
        };
        Error::new(
            ErrorKind::Timeout,
            format!(
                "{} did not finish within {:?} (waited {:.1}s over {} polls{seen})",
                self.op,
                self.opts.timeout,
                self.start.elapsed().as_secs_f64(),
                self.polls
            ),
        )
        .with_op(self.op)
        .with_vendor(self.vendor)
        // The operation may still finish on the server: repeating it blindly is not safe.
        .with_retryable(false)
    }

    /// Sleeps before the next poll, or fails with `Timeout` if the deadline has passed.
    pub async fn pause(&mut self) -> Result<()> {
        let elapsed = self.start.elapsed();
        if elapsed >= self.opts.timeout {
            return Err(self.timeout_error());
        }
        let remaining = self.opts.timeout - elapsed;
        tokio::time::sleep(self.backoff.next_delay().min(remaining)).await;
        Ok(())
    }
}

/// Polls `poll` with a fresh [`Waiter`] until it is `Ready`; see [`Waiter::until`].
pub async fn poll_until<T, F, Fut>(
    opts: &WaitOptions,
    op: Op,
    vendor: &'static str,
    poll: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Probe<T>>>,
{
    let mut w = Waiter::new(opts, op, vendor);
    let out = w.until(poll).await?;
    w.report_done();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_the_cap() {
        let mut b = WaitOptions::new()
            .interval(Duration::from_millis(100), Duration::from_millis(400))
            .multiplier(2.0)
            .jitter(0.0)
            .backoff();
        let d: Vec<u128> = (0..5).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(d, vec![100, 200, 400, 400, 400]);
    }

    #[test]
    fn jitter_stays_within_bounds() {
        let mut b = WaitOptions::new()
            .interval(Duration::from_millis(1000), Duration::from_millis(1000))
            .jitter(0.2)
            .backoff();
        for _ in 0..200 {
            let d = b.next_delay().as_millis();
            assert!((800..=1200).contains(&d), "{d}");
        }
    }

    fn quick() -> WaitOptions {
        WaitOptions::new()
            .timeout(Duration::from_secs(10))
            .interval(Duration::from_secs(1), Duration::from_secs(1))
            .jitter(0.0)
    }

    #[tokio::test(start_paused = true)]
    async fn waiter_polls_through_retryable_errors_until_ready() {
        let opts = quick();
        let mut n = 0;
        let mut w = Waiter::new(&opts, Op::VmStart, "test");
        let got = w
            .until(|| {
                n += 1;
                let answer = match n {
                    1 => Err(Error::new(ErrorKind::Transport, "reset")),
                    2 => Ok(Probe::pending("starting")),
                    _ => Ok(Probe::Ready(n)),
                };
                async move { answer }
            })
            .await;
        assert_eq!(got.ok(), Some(3));
        assert_eq!(w.polls(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn waiter_stops_on_a_permanent_error_with_the_op() {
        let opts = quick();
        let got: Result<()> = poll_until(&opts, Op::VmStop, "test", || async {
            Err(Error::new(ErrorKind::NotFound, "gone"))
        })
        .await;
        let e = got.err().map(|e| (e.kind(), e.op()));
        assert_eq!(e, Some((ErrorKind::NotFound, Some(Op::VmStop))));
    }

    #[tokio::test(start_paused = true)]
    async fn waiter_times_out_naming_polls_and_the_last_state() {
        let opts = quick();
        let got: Result<()> = poll_until(&opts, Op::VmStart, "test", || async {
            Ok(Probe::pending("vm starting"))
        })
        .await;
        let e = got
            .err()
            .map(|e| (e.kind(), e.to_string(), e.is_retryable()));
        let (kind, msg, retryable) = e.unwrap_or((ErrorKind::Backend, String::new(), true));
        assert_eq!(kind, ErrorKind::Timeout);
        assert!(msg.contains("11 polls"), "{msg}");
        assert!(msg.contains("last seen: vm starting"), "{msg}");
        assert!(!retryable);
    }
}
