//! The `Client`: drives any backend the same way.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};

use crate::backend::{Backend, DiskSpec, Expect, PowerAction, Submitted, VmSpec};
use crate::error::{Error, ErrorKind, Result, VendorDetail};
use crate::model::{
    Cluster, ClusterId, Disk, DiskId, DiskState, Host, HostId, ResourceRef, Task, TaskId,
    TaskState, Vm, VmId, VmState,
};
use crate::op::{Capabilities, Op};
use crate::query::{Cursor, ListQuery, Page, paginate_keyed};
use crate::wait::{Observation, Probe as WaitProbe, Progress, WaitOptions, Waiter};

/// Drives one backend: checks capabilities before any I/O, streams listings, waits.
///
/// `Client` is cheap to clone.
///
/// ```no_run
/// # async fn demo(backend: std::sync::Arc<dyn omnivirt_core::Backend>) -> omnivirt_core::Result<()> {
/// use futures::TryStreamExt;
/// use omnivirt_core::{Client, ListQuery, VmState};
///
/// let client = Client::new(backend);
/// let running: Vec<_> = client
///     .vms()
///     .list(ListQuery::new().vm_state(VmState::Running))
///     .try_collect()
///     .await?;
/// for vm in &running {
///     client.vms().stop(&vm.id).await?.wait().await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    backend: Arc<dyn Backend>,
    wait: WaitOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Client {
    /// A client over `backend`.
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Client {
            backend,
            wait: WaitOptions::default(),
        }
    }

    /// Default wait options for the operations this client returns.
    pub fn with_wait_options(mut self, opts: WaitOptions) -> Self {
        self.wait = opts;
        self
    }

    /// The backend.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// The backend's vendor name.
    pub fn vendor(&self) -> &'static str {
        self.backend.vendor()
    }

    /// What the backend can do.
    pub fn capabilities(&self) -> &Capabilities {
        self.backend.capabilities()
    }

    /// Fails with `Unsupported` unless the backend declared `op`.
    pub fn check(&self, op: Op) -> Result<()> {
        if self.backend.capabilities().supports(op) {
            Ok(())
        } else {
            Err(Error::unsupported(self.backend.vendor(), op))
        }
    }

    /// VM operations.
    pub fn vms(&self) -> VmApi<'_> {
        VmApi { c: self }
    }

    /// Host operations.
    pub fn hosts(&self) -> HostApi<'_> {
        HostApi { c: self }
    }

    /// Cluster operations.
    pub fn clusters(&self) -> ClusterApi<'_> {
        ClusterApi { c: self }
    }

    /// Disk operations.
    pub fn disks(&self) -> DiskApi<'_> {
        DiskApi { c: self }
    }

    /// Task operations.
    pub fn tasks(&self) -> TaskApi<'_> {
        TaskApi { c: self }
    }

    /// Releases server-side sessions.
    pub async fn close(&self) -> Result<()> {
        self.backend.close().await
    }

    fn operation<T: FromTarget>(&self, submitted: Submitted) -> Operation<T> {
        Operation {
            backend: self.backend.clone(),
            submitted,
            opts: self.wait.clone(),
            _t: PhantomData,
        }
    }

    /// Checks `op`, runs `fut`, and names the op and vendor on any error it returns.
    async fn call<T>(&self, op: Op, fut: impl Future<Output = Result<T>>) -> Result<T> {
        self.check(op)?;
        fut.await
            .map_err(|e| e.with_op(op).with_vendor(self.vendor()))
    }

    async fn submit<T: FromTarget>(
        &self,
        op: Op,
        fut: impl Future<Output = Result<Submitted>>,
    ) -> Result<Operation<T>> {
        self.check(op)?;
        let s = fut
            .await
            .map_err(|e| e.with_op(op).with_vendor(self.vendor()))?;
        Ok(self.operation(s))
    }

    fn stream<T, F>(
        &self,
        op: Op,
        query: ListQuery,
        key: fn(&T) -> &str,
        fetch: F,
    ) -> BoxStream<'static, Result<T>>
    where
        T: Send + 'static,
        F: Fn(Arc<dyn Backend>, ListQuery, Option<Cursor>) -> BoxFut<Page<T>>
            + Send
            + Sync
            + 'static,
    {
        if let Err(e) = self.check(op) {
            return stream::iter(vec![Err(e)]).boxed();
        }
        let limit = query.limit;
        let backend = self.backend.clone();
        let vendor = backend.vendor();
        let s = paginate_keyed(
            move |cursor| {
                let fut = fetch(backend.clone(), query.clone(), cursor);
                async move { fut.await.map_err(|e| e.with_op(op).with_vendor(vendor)) }
            },
            key,
        )
        .map(move |r| r.map_err(|e| e.with_op(op).with_vendor(vendor)))
        .boxed();
        match limit {
            Some(n) => s.take(usize::try_from(n).unwrap_or(usize::MAX)).boxed(),
            None => s,
        }
    }

    /// Waits for many operations at once, returning their results in order.
    ///
    /// When the backend declares [`Op::TaskGetBatch`], tasks are polled with one batched
    /// `get_tasks` call per round (chunked by [`Capabilities::max_task_batch`]) instead of one
    /// call per operation; the rest of each wait runs with bounded concurrency.
    pub async fn wait_all<T: FromTarget>(&self, ops: Vec<Operation<T>>) -> Vec<Result<T>> {
        wait_all_inner(self.backend.clone(), &self.wait, ops).await
    }
}

type BoxFut<T> = futures::future::BoxFuture<'static, Result<T>>;

/// VM operations. Get it from [`Client::vms`].
#[derive(Debug, Clone, Copy)]
pub struct VmApi<'a> {
    c: &'a Client,
}

impl VmApi<'_> {
    /// Every VM matching `query`, as a stream that fetches pages as it goes.
    pub fn list(&self, query: ListQuery) -> BoxStream<'static, Result<Vm>> {
        self.c.stream(
            Op::VmList,
            query,
            |x: &Vm| x.id.as_str(),
            |b, q, cur| Box::pin(async move { b.list_vms(&q, cur.as_ref()).await }),
        )
    }

    /// One page of VMs.
    pub async fn page(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Vm>> {
        self.c
            .call(Op::VmList, self.c.backend.list_vms(query, cursor))
            .await
    }

    /// One VM.
    pub async fn get(&self, id: &VmId) -> Result<Vm> {
        self.c.call(Op::VmGet, self.c.backend.get_vm(id)).await
    }

    /// Creates a VM; wait on the result to get the VM once it exists.
    pub async fn create(&self, spec: &VmSpec) -> Result<Operation<Vm>> {
        self.c.check(Op::VmCreate)?;
        spec.validate().map_err(|e| e.with_op(Op::VmCreate))?;
        self.c
            .submit(Op::VmCreate, self.c.backend.create_vm(spec))
            .await
    }

    /// Runs a power action.
    pub async fn power(&self, id: &VmId, action: PowerAction) -> Result<Operation<Vm>> {
        self.c
            .submit(action.op(), self.c.backend.power(id, action))
            .await
    }

    /// Powers on.
    pub async fn start(&self, id: &VmId) -> Result<Operation<Vm>> {
        self.power(id, PowerAction::Start).await
    }

    /// Shuts down gracefully.
    pub async fn stop(&self, id: &VmId) -> Result<Operation<Vm>> {
        self.power(id, PowerAction::Stop).await
    }

    /// Powers off.
    pub async fn force_stop(&self, id: &VmId) -> Result<Operation<Vm>> {
        self.power(id, PowerAction::ForceStop).await
    }

    /// Restarts.
    pub async fn reboot(&self, id: &VmId) -> Result<Operation<Vm>> {
        self.power(id, PowerAction::Reboot).await
    }

    /// Suspends.
    pub async fn suspend(&self, id: &VmId) -> Result<Operation<Vm>> {
        self.power(id, PowerAction::Suspend).await
    }

    /// Resumes.
    pub async fn resume(&self, id: &VmId) -> Result<Operation<Vm>> {
        self.power(id, PowerAction::Resume).await
    }

    /// Deletes.
    pub async fn delete(&self, id: &VmId) -> Result<Operation<()>> {
        self.c
            .submit(Op::VmDelete, self.c.backend.delete_vm(id))
            .await
    }

    /// Live-migrates to `host`, or where the scheduler decides.
    pub async fn migrate(&self, id: &VmId, host: Option<&HostId>) -> Result<Operation<Vm>> {
        self.c
            .submit(Op::VmMigrate, self.c.backend.migrate_vm(id, host))
            .await
    }
}

/// Host operations. Get it from [`Client::hosts`].
#[derive(Debug, Clone, Copy)]
pub struct HostApi<'a> {
    c: &'a Client,
}

impl HostApi<'_> {
    /// Every host matching `query`.
    pub fn list(&self, query: ListQuery) -> BoxStream<'static, Result<Host>> {
        self.c.stream(
            Op::HostList,
            query,
            |x: &Host| x.id.as_str(),
            |b, q, cur| Box::pin(async move { b.list_hosts(&q, cur.as_ref()).await }),
        )
    }

    /// One host.
    pub async fn get(&self, id: &HostId) -> Result<Host> {
        self.c.call(Op::HostGet, self.c.backend.get_host(id)).await
    }
}

/// Cluster operations. Get it from [`Client::clusters`].
#[derive(Debug, Clone, Copy)]
pub struct ClusterApi<'a> {
    c: &'a Client,
}

impl ClusterApi<'_> {
    /// Every cluster matching `query`.
    pub fn list(&self, query: ListQuery) -> BoxStream<'static, Result<Cluster>> {
        self.c.stream(
            Op::ClusterList,
            query,
            |x: &Cluster| x.id.as_str(),
            |b, q, cur| Box::pin(async move { b.list_clusters(&q, cur.as_ref()).await }),
        )
    }

    /// One cluster.
    pub async fn get(&self, id: &ClusterId) -> Result<Cluster> {
        self.c
            .call(Op::ClusterGet, self.c.backend.get_cluster(id))
            .await
    }
}

/// Disk operations. Get it from [`Client::disks`].
#[derive(Debug, Clone, Copy)]
pub struct DiskApi<'a> {
    c: &'a Client,
}

impl DiskApi<'_> {
    /// Every disk matching `query`.
    pub fn list(&self, query: ListQuery) -> BoxStream<'static, Result<Disk>> {
        self.c.stream(
            Op::DiskList,
            query,
            |x: &Disk| x.id.as_str(),
            |b, q, cur| Box::pin(async move { b.list_disks(&q, cur.as_ref()).await }),
        )
    }

    /// One disk.
    pub async fn get(&self, id: &DiskId) -> Result<Disk> {
        self.c.call(Op::DiskGet, self.c.backend.get_disk(id)).await
    }

    /// Creates a disk.
    pub async fn create(&self, spec: &DiskSpec) -> Result<Operation<Disk>> {
        self.c.check(Op::DiskCreate)?;
        spec.validate().map_err(|e| e.with_op(Op::DiskCreate))?;
        self.c
            .submit(Op::DiskCreate, self.c.backend.create_disk(spec))
            .await
    }

    /// Attaches `disk` to `vm`.
    pub async fn attach(&self, disk: &DiskId, vm: &VmId) -> Result<Operation<Disk>> {
        self.c
            .submit(Op::DiskAttach, self.c.backend.attach_disk(disk, vm))
            .await
    }

    /// Detaches `disk` from `vm`.
    pub async fn detach(&self, disk: &DiskId, vm: &VmId) -> Result<Operation<Disk>> {
        self.c
            .submit(Op::DiskDetach, self.c.backend.detach_disk(disk, vm))
            .await
    }

    /// Deletes a disk.
    pub async fn delete(&self, disk: &DiskId) -> Result<Operation<()>> {
        self.c
            .submit(Op::DiskDelete, self.c.backend.delete_disk(disk))
            .await
    }
}

/// Task operations. Get it from [`Client::tasks`].
#[derive(Debug, Clone, Copy)]
pub struct TaskApi<'a> {
    c: &'a Client,
}

impl TaskApi<'_> {
    /// One task.
    pub async fn get(&self, id: &TaskId) -> Result<Task> {
        self.c.call(Op::TaskGet, self.c.backend.get_task(id)).await
    }

    /// Many tasks; batched when the backend can, one by one otherwise.
    pub async fn get_many(&self, ids: &[TaskId]) -> Result<Vec<Task>> {
        if self.c.capabilities().supports(Op::TaskGetBatch) {
            return self.c.backend.get_tasks(ids).await;
        }
        self.c.check(Op::TaskGet)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.c.backend.get_task(id).await?);
        }
        Ok(out)
    }

    /// An operation that follows an existing task.
    pub fn follow(&self, id: impl Into<TaskId>) -> Operation<Task> {
        self.c.operation(Submitted::done(Op::TaskGet).task(id))
    }
}

/// What [`Operation::wait`] returns once the operation is done.
#[async_trait]
pub trait FromTarget: Sized + Send + 'static {
    /// Builds the result from the finished submission and the last task seen (if any).
    async fn from_target(
        backend: &dyn Backend,
        submitted: &Submitted,
        target: Option<&ResourceRef>,
        last_task: Option<Task>,
    ) -> Result<Self>;
}

#[async_trait]
impl FromTarget for () {
    async fn from_target(
        _: &dyn Backend,
        _: &Submitted,
        _: Option<&ResourceRef>,
        _: Option<Task>,
    ) -> Result<Self> {
        Ok(())
    }
}

#[async_trait]
impl FromTarget for Vm {
    async fn from_target(
        backend: &dyn Backend,
        s: &Submitted,
        target: Option<&ResourceRef>,
        _: Option<Task>,
    ) -> Result<Self> {
        match target {
            Some(ResourceRef::Vm(id)) => backend.get_vm(id).await,
            _ => Err(missing_target(backend, s, "VM")),
        }
    }
}

#[async_trait]
impl FromTarget for Disk {
    async fn from_target(
        backend: &dyn Backend,
        s: &Submitted,
        target: Option<&ResourceRef>,
        _: Option<Task>,
    ) -> Result<Self> {
        match target {
            Some(ResourceRef::Disk(id)) => backend.get_disk(id).await,
            _ => Err(missing_target(backend, s, "disk")),
        }
    }
}

#[async_trait]
impl FromTarget for Task {
    async fn from_target(
        backend: &dyn Backend,
        s: &Submitted,
        _: Option<&ResourceRef>,
        last_task: Option<Task>,
    ) -> Result<Self> {
        last_task.ok_or_else(|| {
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
        let mut w = Waiter::new(&self.opts, self.submitted.op, self.backend.vendor());
        let task = match &self.submitted.task {
            Some(id) => Some(follow_task(&mut w, self.backend.as_ref(), id).await?),
            None => None,
        };
        finish(self.backend.as_ref(), &self.submitted, &mut w, task).await
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
    if let Some(expect) = &submitted.expect {
        converge(w, backend, expect, target.as_ref()).await?;
    }
    w.report_done();
    T::from_target(backend, submitted, target.as_ref(), task)
        .await
        .map_err(|e| e.with_op(submitted.op).with_vendor(backend.vendor()))
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

/// Polls until the expectation holds.
async fn converge(
    w: &mut Waiter<'_>,
    backend: &dyn Backend,
    expect: &Expect,
    target: Option<&ResourceRef>,
) -> Result<()> {
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
) -> Result<WaitProbe<()>> {
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
                Ok(WaitProbe::Ready(()))
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
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(WaitProbe::Ready(())),
                Err(e) => Err(e),
                Ok(vm) if vm.state == VmState::Deleted => Ok(WaitProbe::Ready(())),
                Ok(vm) => Ok(WaitProbe::pending(vm_seen(&vm))),
            }
        }
        Expect::DiskReady | Expect::DiskAttached(_) | Expect::DiskDetached | Expect::DiskGone => {
            let Some(ResourceRef::Disk(id)) = target else {
                return Err(no_target());
            };
            let disk = match backend.get_disk(id).await {
                Err(e) if e.kind() == ErrorKind::NotFound && *expect == Expect::DiskGone => {
                    return Ok(WaitProbe::Ready(()));
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
                Ok(WaitProbe::Ready(()))
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

async fn wait_all_inner<T: FromTarget>(
    backend: Arc<dyn Backend>,
    defaults: &WaitOptions,
    ops: Vec<Operation<T>>,
) -> Vec<Result<T>> {
    let caps = backend.capabilities();
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
    let mut w = Waiter::new(&opts, Op::TaskGetBatch, vendor);
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
            match backend.get_tasks(&ids).await {
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
        if let Err(e) = w.pause().await {
            for t in tasks.iter_mut().filter(|t| matches!(t, Slot::Pending)) {
                *t = Slot::Done(Err(Error::new(e.kind(), e.message().to_owned())
                    .with_vendor(vendor)
                    .with_retryable(false)));
            }
            break;
        }
    }

    let jobs = ops.into_iter().zip(tasks).map(|(op, task)| async move {
        let task = match task {
            Slot::Done(Ok(t)) => Some(t),
            Slot::Done(Err(e)) => return Err(e),
            Slot::NoTask | Slot::Pending => None,
        };
        let mut w = Waiter::new(&op.opts, op.submitted.op, op.backend.vendor());
        finish(op.backend.as_ref(), &op.submitted, &mut w, task).await
    });
    stream::iter(jobs).buffered(concurrency).collect().await
}

enum Slot {
    Pending,
    NoTask,
    Done(Result<Task>),
}
