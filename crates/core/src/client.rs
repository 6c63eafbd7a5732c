//! The `Client`: drives any backend the same way.

use std::fmt;
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};

use crate::backend::{Backend, DiskSpec, PowerAction, Submitted, VmSpec};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Cluster, ClusterId, Disk, DiskId, Host, HostId, Task, TaskId, Vm, VmId};
use crate::op::{Capabilities, Op};
use crate::operation::{FromTarget, Operation, wait_all_inner};
use crate::query::{Cursor, ListQuery, Page, paginate_ahead};
use crate::wait::WaitOptions;

mod events;
mod guest;
mod inventory;
pub use events::EventApi;
pub use inventory::{NetworkApi, StorageApi, TemplateApi};

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
        let caps = self.backend.capabilities();
        if caps.supports(op) {
            return Ok(());
        }
        let vendor = self.backend.vendor();
        // An op a backend leaves out on purpose says why (its capability note).
        let Some(why) = caps.note(op) else {
            return Err(Error::unsupported(vendor, op));
        };
        Err(Error::new(
            ErrorKind::Unsupported,
            format!("{op} is not supported by the {vendor} backend: {why}"),
        )
        .with_vendor(vendor)
        .with_op(op))
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

    /// Releases server-side sessions (logs out, revokes the token).
    ///
    /// Call it when done: a session left open stays alive on the server until it expires, and
    /// vendors cap live sessions per user (ZStack allows a few hundred), so a program that connects
    /// often and never closes can lock its account out. Dropping a `Client` does not log out,
    /// because logging out needs a request and `Drop` cannot wait for one.
    pub async fn close(&self) -> Result<()> {
        self.backend.close().await
    }

    fn operation<T: FromTarget>(&self, submitted: Submitted) -> Operation<T> {
        Operation::new(self.backend.clone(), submitted, self.wait.clone())
    }

    /// Checks `op`, runs `fut` in the op's [`scope`](Op::scope), and names the op and vendor on
    /// any error it returns.
    async fn call<T>(&self, op: Op, fut: impl Future<Output = Result<T>>) -> Result<T> {
        self.check(op)?;
        op.scope(fut)
            .await
            .map_err(|e| e.with_op(op).with_vendor(self.vendor()))
    }

    async fn submit<T: FromTarget>(
        &self,
        op: Op,
        fut: impl Future<Output = Result<Submitted>>,
    ) -> Result<Operation<T>> {
        self.check(op)?;
        let s = op
            .scope(fut)
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
        let s = paginate_ahead(
            move |cursor| {
                let fut = fetch(backend.clone(), query.clone(), cursor);
                async move {
                    op.scope(fut)
                        .await
                        .map_err(|e| e.with_op(op).with_vendor(vendor))
                }
            },
            key,
            limit,
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
        for op in spec.needs() {
            self.c.check(op)?;
        }
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
            return Op::TaskGetBatch.scope(self.c.backend.get_tasks(ids)).await;
        }
        self.c.check(Op::TaskGet)?;
        Op::TaskGet
            .scope(async {
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    out.push(self.c.backend.get_task(id).await?);
                }
                Ok(out)
            })
            .await
    }

    /// An operation that follows an existing task.
    pub fn follow(&self, id: impl Into<TaskId>) -> Operation<Task> {
        self.c.operation(Submitted::done(Op::TaskGet).task(id))
    }
}
