//! `Operation`: following a submission to its end, one at a time or many at once.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, StreamExt};

use crate::backend::{Backend, Expect, Submitted};
use crate::error::{Error, ErrorKind, Result, VendorDetail};
use crate::model::{Disk, DiskState, ResourceRef, Task, TaskId, TaskState, Vm, VmState};
use crate::op::Op;
use crate::wait::{Observation, Probe as WaitProbe, Progress, WaitOptions, Waiter};

mod converge;
mod guest;

/// The object a wait last read, in the state it waited for: handed to the result so that the
/// object is not read a second time.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Observed {
    /// A VM.
    Vm(Vm),
    /// A disk.
    Disk(Disk),
    /// A host.
    Host(crate::model::Host),
    /// A snapshot.
    Snapshot(crate::guest::Snapshot),
}

/// What a finished wait knows, handed to [`FromTarget::from_target`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Finished {
    /// The object acted on: the submission's target, or else the one its task names.
    pub target: Option<ResourceRef>,
    /// The last task seen, when the operation had one.
    pub task: Option<Task>,
    /// The object as the converge step last read it, when there was a converge step.
    pub observed: Option<Observed>,
}

/// What [`Operation::wait`] returns once the operation is done.
#[async_trait]
pub trait FromTarget: Sized + Send + 'static {
    /// Builds the result from the finished submission and what the wait saw; reads the
    /// backend only for what the wait did not already observe.
    async fn from_target(
        backend: &dyn Backend,
        submitted: &Submitted,
        finished: Finished,
    ) -> Result<Self>;
}

#[async_trait]
impl FromTarget for () {
    async fn from_target(_: &dyn Backend, _: &Submitted, _: Finished) -> Result<Self> {
        Ok(())
    }
}

#[async_trait]
impl FromTarget for Vm {
    async fn from_target(backend: &dyn Backend, s: &Submitted, f: Finished) -> Result<Self> {
        match (f.observed, f.target) {
            (Some(Observed::Vm(vm)), _) => Ok(vm),
            (_, Some(ResourceRef::Vm(id))) => backend.get_vm(&id).await,
            _ => Err(missing_target(backend, s, "VM")),
        }
    }
}

#[async_trait]
impl FromTarget for Disk {
    async fn from_target(backend: &dyn Backend, s: &Submitted, f: Finished) -> Result<Self> {
        match (f.observed, f.target) {
            (Some(Observed::Disk(disk)), _) => Ok(disk),
            (_, Some(ResourceRef::Disk(id))) => backend.get_disk(&id).await,
            _ => Err(missing_target(backend, s, "disk")),
        }
    }
}

#[async_trait]
impl FromTarget for Task {
    async fn from_target(backend: &dyn Backend, s: &Submitted, f: Finished) -> Result<Self> {
        f.task.ok_or_else(|| {
            Error::protocol(format!("{} finished without a task to report", s.op))
                .with_vendor(backend.vendor())
                .with_op(s.op)
        })
    }
}

fn missing_target(backend: &dyn Backend, s: &Submitted, what: &str) -> Error {
    Error::protocol(format!(
        "{} finished but the backend did not say which {what} it acted on",
        s.op
    ))
    .with_vendor(backend.vendor())
    .with_op(s.op)
}

/// A submitted operation. Call [`Operation::wait`] to follow it to completion, or drop it to
/// fire and forget.
pub struct Operation<T> {
    backend: Arc<dyn Backend>,
    submitted: Submitted,
    opts: WaitOptions,
    _t: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Operation<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("vendor", &self.backend.vendor())
            .field("submitted", &self.submitted)
            .finish()
    }
}

impl<T: FromTarget> Operation<T> {
    pub(crate) fn new(backend: Arc<dyn Backend>, submitted: Submitted, opts: WaitOptions) -> Self {
        Operation {
            backend,
            submitted,
            opts,
            _t: PhantomData,
        }
    }

    /// What the backend answered when the operation was submitted.
    pub fn submitted(&self) -> &Submitted {
        &self.submitted
    }

    /// Replaces the wait options.
    pub fn with_options(mut self, opts: WaitOptions) -> Self {
        self.opts = opts;
        self
    }

    /// Sets the overall timeout.
    pub fn timeout(mut self, d: std::time::Duration) -> Self {
        self.opts.timeout = d;
        self
    }

    /// Calls `f` after every poll.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.opts = self.opts.on_progress(f);
        self
    }

    /// Follows the task (if any), then the expected state (if any), then returns the result.
    ///
    /// Errors: `TaskFailed` with the vendor's message when the task fails; `Timeout` naming the
    /// operation, the time waited and the number of polls; any non-retryable error of a poll.
    pub async fn wait(self) -> Result<T> {
        let op = self.submitted.op;
        op.scope(async move {
            let mut w = Waiter::new(&self.opts, op, self.backend.vendor());
            let task = match &self.submitted.task {
                Some(id) => Some(follow_task(&mut w, self.backend.as_ref(), id).await?),
                None => None,
            };
            finish(self.backend.as_ref(), &self.submitted, &mut w, task).await
        })
        .await
    }
}

/// Converges on the expectation and builds the result, after any task succeeded.
async fn finish<T: FromTarget>(
    backend: &dyn Backend,
    submitted: &Submitted,
    w: &mut Waiter<'_>,
    task: Option<Task>,
) -> Result<T> {
    let target = submitted
        .target
        .clone()
        .or_else(|| task.as_ref().and_then(|t| t.target.clone()));
    let observed = match &submitted.expect {
        Some(expect) => converge(w, backend, expect, target.as_ref()).await?,
        None => None,
    };
    w.report_done();
    finish_observed(backend, submitted, task, observed).await
}

/// Follows a task to its end with `w`.
async fn follow_task(w: &mut Waiter<'_>, backend: &dyn Backend, id: &TaskId) -> Result<Task> {
    if !backend.capabilities().supports(Op::TaskGet) {
        return Err(Error::unsupported(backend.vendor(), Op::TaskGet).with_op(w.op()));
    }
    let task = w
        .until(|| async move {
            let task = backend.get_task(id).await?;
            if task.state.is_terminal() {
                Ok(WaitProbe::Ready(task))
            } else {
                Ok(WaitProbe::Pending(task_seen(&task)))
            }
        })
        .await?;
    w.observe(task_seen(&task));
    task_outcome(backend.vendor(), w.op(), task)
}

fn task_seen(task: &Task) -> Observation {
    Observation::new(format!("task {}", task.state)).task(task.state, task.progress)
}

/// Polls until the expectation holds; the object as the last poll saw it, if it still exists.
async fn converge(
    w: &mut Waiter<'_>,
    backend: &dyn Backend,
    expect: &Expect,
    target: Option<&ResourceRef>,
) -> Result<Option<Observed>> {
    w.until(|| probe(backend, expect, target)).await
}

fn task_outcome(vendor: &'static str, op: Op, task: Task) -> Result<Task> {
    match task.state {
        TaskState::Succeeded => Ok(task),
        TaskState::Failed | TaskState::Cancelled => {
            let (code, msg) = match &task.error {
                Some(e) => (e.code.clone(), e.message.clone()),
                None => (None, format!("task ended {}", task.state)),
            };
            let mut detail = VendorDetail::new().message(msg.clone());
            if let Some(c) = code {
                detail = detail.code(c);
            }
            Err(Error::new(
                ErrorKind::TaskFailed,
                format!("task {} failed: {msg}", task.id),
            )
            .with_op(op)
            .with_vendor(vendor)
            .with_detail(detail))
        }
        _ => Ok(task),
    }
}

async fn probe(
    backend: &dyn Backend,
    expect: &Expect,
    target: Option<&ResourceRef>,
) -> Result<WaitProbe<Option<Observed>>> {
    let no_target = || {
        Error::protocol(format!(
            "cannot wait for {expect:?}: the backend did not say which object to watch"
        ))
    };
    match expect {
        Expect::VmState(states) => {
            let Some(ResourceRef::Vm(id)) = target else {
                return Err(no_target());
            };
            let vm = backend.get_vm(id).await?;
            if states.contains(&vm.state) {
                Ok(WaitProbe::Ready(Some(Observed::Vm(vm))))
            } else if vm.state == VmState::Error {
                Err(Error::new(
                    ErrorKind::InvalidState,
                    format!(
                        "VM {id} entered an error state ({}) while waiting for {}",
                        vm.raw_state.as_deref().unwrap_or("error"),
                        join_states(states)
                    ),
                ))
            } else {
                Ok(WaitProbe::pending(vm_seen(&vm)))
            }
        }
        Expect::VmGone => {
            let Some(ResourceRef::Vm(id)) = target else {
                return Err(no_target());
            };
            match backend.get_vm(id).await {
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(WaitProbe::Ready(None)),
                Err(e) => Err(e),
                Ok(vm) if vm.state == VmState::Deleted => Ok(WaitProbe::Ready(None)),
                Ok(vm) => Ok(WaitProbe::pending(vm_seen(&vm))),
            }
        }
        Expect::HostState(states) => {
            let Some(ResourceRef::Host(id)) = target else {
                return Err(no_target());
            };
            guest::probe_host(backend, id, states).await
        }
        Expect::SnapshotReady(snap) | Expect::SnapshotGone(snap) => {
            let Some(ResourceRef::Vm(vm)) = target else {
                return Err(no_target());
            };
            let gone = matches!(expect, Expect::SnapshotGone(_));
            guest::probe_snapshot(backend, vm, snap, gone).await
        }
        Expect::NicPresent(nic) => {
            let Some(ResourceRef::Vm(vm)) = target else {
                return Err(no_target());
            };
            guest::probe_nic(backend, vm, nic).await
        }
        Expect::DiskReady | Expect::DiskAttached(_) | Expect::DiskDetached | Expect::DiskGone => {
            let Some(ResourceRef::Disk(id)) = target else {
                return Err(no_target());
            };
            let disk = match backend.get_disk(id).await {
                Err(e) if e.kind() == ErrorKind::NotFound && *expect == Expect::DiskGone => {
                    return Ok(WaitProbe::Ready(None));
                }
                other => other?,
            };
            let done = match expect {
                Expect::DiskReady => disk.state == DiskState::Ready,
                Expect::DiskAttached(vm) => disk.vm_id.as_ref() == Some(vm),
                Expect::DiskDetached => disk.vm_id.is_none(),
                _ => disk.state == DiskState::Deleted,
            };
            if done {
                Ok(WaitProbe::Ready(Some(Observed::Disk(disk))))
            } else if disk.state == DiskState::Error {
                Err(Error::new(
                    ErrorKind::InvalidState,
                    format!("disk {id} entered an error state"),
                ))
            } else {
                let vm = disk
                    .vm_id
                    .as_ref()
                    .map(|v| format!(", attached to {v}"))
                    .unwrap_or_default();
                Ok(WaitProbe::pending(format!("disk {}{vm}", disk.state)))
            }
        }
    }
}

fn vm_seen(vm: &Vm) -> String {
    match &vm.raw_state {
        Some(raw) => format!("vm {} ({raw})", vm.state),
        None => format!("vm {}", vm.state),
    }
}

fn join_states(states: &[VmState]) -> String {
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

pub(crate) async fn wait_all_inner<T: FromTarget>(
    backend: Arc<dyn Backend>,
    defaults: &WaitOptions,
    ops: Vec<Operation<T>>,
) -> Vec<Result<T>> {
    let caps = backend.capabilities();
    if converge::qualifies(caps, &ops) {
        let opts = ops.first().map(|o| o.opts.clone()).unwrap_or_default();
        return converge::wait_vms(backend.as_ref(), &opts, ops).await;
    }
    let concurrency = ops
        .first()
        .map(|o| o.opts.concurrency)
        .unwrap_or(defaults.concurrency);
    if !caps.supports(Op::TaskGetBatch) || ops.iter().all(|o| o.submitted.task.is_none()) {
        return stream::iter(ops.into_iter().map(|o| o.wait()))
            .buffered(concurrency)
            .collect()
            .await;
    }

    // Batched: poll every pending task in as few requests as the backend allows per round.
    let opts = ops.first().map(|o| o.opts.clone()).unwrap_or_default();
    let batch = caps.max_task_batch.max(1);
    let vendor = backend.vendor();
    let mut tasks: Vec<Slot> = ops
        .iter()
        .map(|o| match o.submitted.task {
            Some(_) => Slot::Pending,
            None => Slot::NoTask,
        })
        .collect();
    // Progress and timeouts name the user's op (`vm.start`), not the batched poll behind it.
    let user_op = ops.first().map_or(Op::TaskGetBatch, |o| o.submitted.op);
    let mut w = Waiter::new(&opts, user_op, vendor);
    loop {
        let pending: Vec<(usize, TaskId)> = ops
            .iter()
            .enumerate()
            .filter(|(i, _)| matches!(tasks[*i], Slot::Pending))
            .filter_map(|(i, o)| o.submitted.task.clone().map(|t| (i, t)))
            .collect();
        if pending.is_empty() {
            break;
        }
        w.count_poll();
        for chunk in pending.chunks(batch) {
            let ids: Vec<TaskId> = chunk.iter().map(|(_, t)| t.clone()).collect();
            // The round polls for the user's ops; its request is traced under the first.
            let round_op = chunk
                .first()
                .map_or(Op::TaskGetBatch, |(i, _)| ops[*i].submitted.op);
            match round_op.scope(backend.get_tasks(&ids)).await {
                Ok(found) => {
                    let by_id: HashMap<&TaskId, &Task> = found.iter().map(|t| (&t.id, t)).collect();
                    for (i, id) in chunk {
                        let op = ops[*i].submitted.op;
                        match by_id.get(id) {
                            None => {
                                tasks[*i] = Slot::Done(Err(Error::not_found(format!(
                                    "the server does not know task {id}"
                                ))
                                .with_op(op)
                                .with_vendor(vendor)));
                            }
                            Some(t) if t.state.is_terminal() => {
                                tasks[*i] = Slot::Done(task_outcome(vendor, op, (*t).clone()));
                            }
                            Some(_) => {}
                        }
                    }
                }
                // A transient failure: the chunk stays pending for the next round.
                Err(e) if e.is_retryable() => {}
                Err(e) => {
                    let msg = e.to_string();
                    for (i, _) in chunk {
                        tasks[*i] = Slot::Done(Err(Error::new(e.kind(), msg.clone())
                            .with_op(ops[*i].submitted.op)
                            .with_vendor(vendor)));
                    }
                }
            }
        }
        let left = tasks.iter().filter(|t| matches!(t, Slot::Pending)).count();
        w.observe(Observation::new(format!(
            "{left} of {} tasks still running",
            ops.len()
        )));
        if left == 0 {
            break;
        }
        if w.pause().await.is_err() {
            for (i, t) in tasks.iter_mut().enumerate() {
                if matches!(t, Slot::Pending) {
                    *t = Slot::Done(Err(w.for_op(ops[i].submitted.op).timeout_error()));
                }
            }
            break;
        }
    }

    let rounds = &w;
    let jobs = ops.into_iter().zip(tasks).map(|(op, task)| async move {
        let task = match task {
            Slot::Done(Ok(t)) => Some(t),
            Slot::Done(Err(e)) => return Err(e),
            Slot::NoTask | Slot::Pending => None,
        };
        // Goes on from the batched rounds: its progress and timeout count from the start.
        let mut w = rounds.for_op(op.submitted.op);
        let finishing = finish(op.backend.as_ref(), &op.submitted, &mut w, task);
        op.submitted.op.scope(finishing).await
    });
    stream::iter(jobs).buffered(concurrency).collect().await
}

enum Slot<T = Task> {
    Pending,
    NoTask,
    Done(Result<T>),
}

/// Builds the result of an operation whose wait is over: `observed` is what the converge step
/// last read, `task` the last task seen.
async fn finish_observed<T: FromTarget>(
    backend: &dyn Backend,
    submitted: &Submitted,
    task: Option<Task>,
    observed: Option<Observed>,
) -> Result<T> {
    let target = submitted
        .target
        .clone()
        .or_else(|| task.as_ref().and_then(|t| t.target.clone()));
    let finished = Finished {
        target,
        task,
        observed,
    };
    T::from_target(backend, submitted, finished)
        .await
        .map_err(|e| e.with_op(submitted.op).with_vendor(backend.vendor()))
}
