//! The fault plan: failed requests, response delays, failed tasks, expired sessions.

use std::collections::VecDeque;
use std::time::Duration;

use omnivirt_core::TaskError;

use super::World;

/// A request the fault plan says to fail, handed to the serving layer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestFault {
    /// HTTP status to answer with.
    pub status: u16,
    /// A message for the error body.
    pub message: String,
}

#[derive(Debug, Clone)]
pub(super) struct RequestRule {
    pub(super) remaining: u32,
    pub(super) status: u16,
    pub(super) path_contains: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct FaultState {
    pub(super) requests: Vec<RequestRule>,
    pub(super) delay: Option<Duration>,
    pub(super) task_failures: VecDeque<TaskError>,
}

/// The fault plan of a World; get it with [`World::faults`].
///
/// Request faults and delays are applied by the serving layer ([`SimTransport`](crate::SimTransport),
/// [`SimServer`](crate::SimServer)) before a skin sees the request; task failures and session
/// expiry act inside the World.
#[derive(Debug, Clone, Copy)]
pub struct Faults<'a> {
    world: &'a World,
}

impl Faults<'_> {
    /// The next `n` requests are answered with `status` (through the skin's
    /// [`error_response`](crate::Skin::error_response)) without reaching the skin.
    pub fn fail_next_requests(&self, n: u32, status: u16) {
        self.push(n, status, None);
    }

    /// Like [`fail_next_requests`](Self::fail_next_requests), but only requests whose path
    /// contains `path_contains` count and fail.
    pub fn fail_next_requests_matching(&self, n: u32, status: u16, path_contains: &str) {
        self.push(n, status, Some(path_contains.to_owned()));
    }

    fn push(&self, n: u32, status: u16, path_contains: Option<String>) {
        if n == 0 {
            return;
        }
        self.world.lock().faults.requests.push(RequestRule {
            remaining: n,
            status,
            path_contains,
        });
    }

    /// Delays every response by `d` until [`clear_delay`](Self::clear_delay).
    pub fn delay_responses(&self, d: Duration) {
        self.world.lock().faults.delay = Some(d);
    }

    /// Stops delaying responses.
    pub fn clear_delay(&self) {
        self.world.lock().faults.delay = None;
    }

    /// The next submitted task ends `Failed` with this code and message (when it would have
    /// completed), and its object returns to its previous state (a created object disappears).
    /// Calls queue up: two calls fail the next two tasks.
    pub fn fail_next_task(&self, code: &str, message: &str) {
        self.world
            .lock()
            .faults
            .task_failures
            .push_back(TaskError::new(Some(code.to_owned()), message));
    }

    /// Ends every session now; their tokens stop being valid.
    pub fn expire_sessions(&self) {
        self.world.lock().sessions.clear();
    }

    /// Removes every pending request fault, delay and task failure.
    pub fn clear(&self) {
        self.world.lock().faults = FaultState::default();
    }
}

impl World {
    /// The fault plan.
    pub fn faults(&self) -> Faults<'_> {
        Faults { world: self }
    }

    /// For serving layers: counts the request and returns the fault to answer it with, if the
    /// plan has one for `path`. Consumes one use of the matching rule.
    pub fn take_request_fault(&self, path: &str) -> Option<RequestFault> {
        let mut g = self.lock();
        g.requests += 1;
        let rules = &mut g.faults.requests;
        let pos = rules
            .iter()
            .position(|r| r.path_contains.as_deref().is_none_or(|p| path.contains(p)))?;
        let rule = &mut rules[pos];
        rule.remaining -= 1;
        let status = rule.status;
        if rule.remaining == 0 {
            rules.remove(pos);
        }
        Some(RequestFault {
            status,
            message: format!("simulated fault: HTTP {status} injected by the fault plan"),
        })
    }

    /// For serving layers: how long to hold each response, if at all.
    pub fn response_delay(&self) -> Option<Duration> {
        self.lock().faults.delay
    }
}
