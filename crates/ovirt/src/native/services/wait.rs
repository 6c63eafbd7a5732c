//! Waiting for an object to reach a status, or to be gone.

use std::fmt;
use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Result};
use tokio::time::Instant;

use super::ObjectService;
use crate::error::VENDOR;
use crate::native::types::{
    Disk, DiskStatus, Host, HostStatus, Job, JobStatus, Template, TemplateStatus, Vm, VmStatus,
};
use crate::wire::Resource;

impl<T: Resource> ObjectService<T> {
    /// Polls the object until `done` says so, with exponential backoff (the connection's
    /// [`Backoff`](crate::Backoff)), and returns it. Fails with `Timeout` after `timeout`.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        what: &str,
        mut done: impl FnMut(&T) -> bool,
    ) -> Result<T> {
        let mut poll = Poller::new(self.conn.backoff(), timeout);
        loop {
            let obj = self.get().send().await?;
            if done(&obj) {
                return Ok(obj);
            }
            if !poll.pause().await {
                return Err(timed_out(format!(
                    "{} did not become {what} within {timeout:?}",
                    self.path
                )));
            }
        }
    }

    /// Waits until the object is gone: a `GET` answering 404 counts as done.
    pub async fn wait_for_removal(&self, timeout: Duration) -> Result<()> {
        let mut poll = Poller::new(self.conn.backoff(), timeout);
        loop {
            match self.get().send().await {
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(e),
                Ok(_) => {}
            }
            if !poll.pause().await {
                return Err(timed_out(format!(
                    "{} still exists after {timeout:?}",
                    self.path
                )));
            }
        }
    }
}

/// The spacing of a waiter's polls: exponential backoff until a deadline.
struct Poller {
    deadline: Instant,
    delay: Duration,
    max: Duration,
}

impl Poller {
    fn new(backoff: crate::Backoff, timeout: Duration) -> Self {
        Poller {
            deadline: Instant::now() + timeout,
            delay: backoff.initial,
            max: backoff.max,
        }
    }

    /// Sleeps until the next poll (never past the deadline); `false` once the deadline passed.
    async fn pause(&mut self) -> bool {
        let now = Instant::now();
        if now >= self.deadline {
            return false;
        }
        tokio::time::sleep(self.delay.min(self.deadline - now)).await;
        self.delay = (self.delay * 2).min(self.max);
        true
    }
}

fn timed_out(message: String) -> Error {
    Error::new(ErrorKind::Timeout, message).with_vendor(VENDOR)
}

/// Objects with a status a waiter can converge on.
pub trait HasStatus {
    /// The status type.
    type Status: PartialEq + fmt::Debug + Clone + Send + Sync;
    /// The current status, if the engine sent one.
    fn current_status(&self) -> Option<&Self::Status>;
}

impl HasStatus for Vm {
    type Status = VmStatus;
    fn current_status(&self) -> Option<&VmStatus> {
        self.status.as_ref()
    }
}

impl HasStatus for Host {
    type Status = HostStatus;
    fn current_status(&self) -> Option<&HostStatus> {
        self.status.as_ref()
    }
}

impl HasStatus for Disk {
    type Status = DiskStatus;
    fn current_status(&self) -> Option<&DiskStatus> {
        self.status.as_ref()
    }
}

impl HasStatus for Template {
    type Status = TemplateStatus;
    fn current_status(&self) -> Option<&TemplateStatus> {
        self.status.as_ref()
    }
}

impl HasStatus for Job {
    type Status = JobStatus;
    fn current_status(&self) -> Option<&JobStatus> {
        self.status.as_ref()
    }
}

impl<T: Resource + HasStatus> ObjectService<T> {
    /// Polls until the status is one of `statuses` (exponential backoff), and returns the object.
    ///
    /// ```no_run
    /// # async fn demo(conn: omnivirt_ovirt::Connection) -> omnivirt_core::Result<()> {
    /// use std::time::Duration;
    /// use omnivirt_ovirt::types::VmStatus;
    ///
    /// let vm = conn.system().vms().vm("123");
    /// vm.start().send().await?;
    /// vm.wait_for_status(&[VmStatus::Up], Duration::from_secs(300)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_status(&self, statuses: &[T::Status], timeout: Duration) -> Result<T> {
        let what = format!("{statuses:?}");
        self.wait_until(timeout, &what, |o| {
            o.current_status().is_some_and(|s| statuses.contains(s))
        })
        .await
    }
}
