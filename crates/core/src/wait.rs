//! Waiting: options, backoff with jitter, progress reports.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

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
}
