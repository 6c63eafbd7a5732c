//! Waiting for an object to reach a status, or to be gone, on core's one poll loop
//! ([`omnivirt_core::wait::Waiter`]) with the connection's [`WaitOptions`](omnivirt_core::WaitOptions).

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use omnivirt_core::wait::{Probe, poll_until};
use omnivirt_core::{ErrorKind, Op, Result};

use super::{ObjectService, op_get};
use crate::error::VENDOR;
use crate::wire::Resource;

/// The op a wait reports in progress and in its `Timeout`; objects without a neutral read op
/// (templates) fall back to `TaskGet`, and the path in the last observation says what it was.
fn wait_op<T: Resource>() -> Op {
    op_get::<T>().unwrap_or(Op::TaskGet)
}

impl<T: Resource> ObjectService<T> {
    /// Polls the object until `check` hands it back as `Ready`; every poll is one `GET`.
    async fn poll_object(&self, timeout: Duration, check: impl FnMut(T) -> Probe<T>) -> Result<T> {
        let opts = self.conn.wait_options().clone().timeout(timeout);
        // Each poll's future must call `check` after its await; a mutex lends it to one poll at a
        // time and keeps the wait `Send` when `check` is.
        let check = Mutex::new(check);
        let check = &check;
        poll_until(&opts, wait_op::<T>(), VENDOR, || {
            let req = self.get();
            async move {
                let obj = req.send().await?;
                let mut check = check.lock().unwrap_or_else(PoisonError::into_inner);
                Ok(check(obj))
            }
        })
        .await
    }

    /// Polls the object until `done` says so, with the connection's wait options (see
    /// [`ConnectionBuilder::wait_backoff`](crate::ConnectionBuilder::wait_backoff)), and returns
    /// it. Fails with `Timeout` after `timeout`.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        what: &str,
        mut done: impl FnMut(&T) -> bool,
    ) -> Result<T> {
        self.poll_object(timeout, |obj| {
            if done(&obj) {
                Probe::Ready(obj)
            } else {
                Probe::pending(format!("{} not yet {what}", self.path))
            }
        })
        .await
    }

    /// Waits until the object is gone: a `GET` answering 404 counts as done.
    pub async fn wait_for_removal(&self, timeout: Duration) -> Result<()> {
        let opts = self.conn.wait_options().clone().timeout(timeout);
        let op = if T::TAG == "vm" {
            Op::VmDelete
        } else {
            wait_op::<T>()
        };
        poll_until(&opts, op, VENDOR, || {
            let req = self.get();
            let path = &self.path;
            async move {
                match req.send().await {
                    Err(e) if e.kind() == ErrorKind::NotFound => Ok(Probe::Ready(())),
                    Err(e) => Err(e),
                    Ok(_) => Ok(Probe::pending(format!("{path} still exists"))),
                }
            }
        })
        .await
    }
}

/// Objects with a status a waiter can converge on.
pub trait HasStatus {
    /// The status type.
    type Status: PartialEq + fmt::Debug + Clone + Send + Sync;
    /// The current status, if the engine sent one.
    fn current_status(&self) -> Option<&Self::Status>;
}

impl<T: Resource + HasStatus> ObjectService<T> {
    /// Polls until the status is one of `statuses` (the connection's wait options: exponential
    /// backoff, progress reports), and returns the object. Fails with `Timeout` after `timeout`,
    /// naming the last status seen.
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
        self.poll_object(timeout, |obj| match obj.current_status() {
            Some(s) if statuses.contains(s) => Probe::Ready(obj),
            seen => Probe::pending(format!(
                "{} is {}, waiting for {statuses:?}",
                self.path,
                seen.map_or_else(|| "without status".to_owned(), |s| format!("{s:?}"))
            )),
        })
        .await
    }
}
