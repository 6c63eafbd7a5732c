//! The services tree: `system().vms().vm(id).start()`, like the official SDKs, as cheap path
//! holders. No I/O happens until a request's `send()`.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt};
use omnivirt_core::{Error, ErrorKind, Op, Result};
use tokio::time::Instant;

use crate::error::VENDOR;
use crate::native::connection::Connection;
use crate::native::types::{
    Action, Api, Cluster, DataCenter, Disk, DiskAttachment, DiskStatus, Event, Host, HostStatus,
    Job, JobStatus, Nic, Ref, Snapshot, StorageDomain, Template, TemplateStatus, Vm, VmStatus,
};
use crate::wire::Resource;

type Params = Vec<(String, String)>;

fn set(params: &mut Params, k: &str, v: String) {
    params.retain(|(key, _)| key != k);
    params.push((k.to_owned(), v));
}

/// The root of the tree.
#[derive(Debug, Clone)]
pub struct SystemService {
    conn: Connection,
}

impl SystemService {
    pub(crate) fn new(conn: Connection) -> Self {
        SystemService { conn }
    }

    /// The API root: product info, summary, special objects, links.
    pub async fn get(&self) -> Result<Api> {
        self.conn.get("", &[], &[], None).await
    }

    fn coll<T: Resource>(&self, path: &str) -> CollectionService<T> {
        CollectionService::new(self.conn.clone(), path.to_owned())
    }

    /// `/vms`.
    pub fn vms(&self) -> VmsService {
        self.coll("vms")
    }

    /// `/hosts`.
    pub fn hosts(&self) -> HostsService {
        self.coll("hosts")
    }

    /// `/clusters`.
    pub fn clusters(&self) -> ClustersService {
        self.coll("clusters")
    }

    /// `/datacenters`.
    pub fn data_centers(&self) -> DataCentersService {
        self.coll("datacenters")
    }

    /// `/disks`.
    pub fn disks(&self) -> DisksService {
        self.coll("disks")
    }

    /// `/storagedomains`.
    pub fn storage_domains(&self) -> StorageDomainsService {
        self.coll("storagedomains")
    }

    /// `/templates`.
    pub fn templates(&self) -> TemplatesService {
        self.coll("templates")
    }

    /// `/jobs`.
    pub fn jobs(&self) -> JobsService {
        self.coll("jobs")
    }

    /// `/events`.
    pub fn events(&self) -> EventsService {
        self.coll("events")
    }
}

/// A collection of `T` (`/vms`, `/vms/{id}/diskattachments`...).
pub struct CollectionService<T> {
    conn: Connection,
    path: String,
    _t: PhantomData<fn() -> T>,
}

// Derived `Clone` and `Debug` would require `T: Clone + Debug`; the service never holds a `T`.
impl<T> Clone for CollectionService<T> {
    fn clone(&self) -> Self {
        CollectionService {
            conn: self.conn.clone(),
            path: self.path.clone(),
            _t: PhantomData,
        }
    }
}

impl<T> fmt::Debug for CollectionService<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CollectionService")
            .field("path", &self.path)
            .finish()
    }
}

/// One object (`/vms/{id}`).
pub struct ObjectService<T> {
    conn: Connection,
    path: String,
    _t: PhantomData<fn() -> T>,
}

// Derived `Clone` and `Debug` would require `T: Clone + Debug`; the service never holds a `T`.
impl<T> Clone for ObjectService<T> {
    fn clone(&self) -> Self {
        ObjectService {
            conn: self.conn.clone(),
            path: self.path.clone(),
            _t: PhantomData,
        }
    }
}

impl<T> fmt::Debug for ObjectService<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectService")
            .field("path", &self.path)
            .finish()
    }
}

/// `/vms`.
pub type VmsService = CollectionService<Vm>;
/// `/vms/{id}`.
pub type VmService = ObjectService<Vm>;
/// `/hosts`.
pub type HostsService = CollectionService<Host>;
/// `/hosts/{id}`.
pub type HostService = ObjectService<Host>;
/// `/clusters`.
pub type ClustersService = CollectionService<Cluster>;
/// `/clusters/{id}`.
pub type ClusterService = ObjectService<Cluster>;
/// `/datacenters`.
pub type DataCentersService = CollectionService<DataCenter>;
/// `/datacenters/{id}`.
pub type DataCenterService = ObjectService<DataCenter>;
/// `/disks`.
pub type DisksService = CollectionService<Disk>;
/// `/disks/{id}`.
pub type DiskService = ObjectService<Disk>;
/// `/vms/{id}/diskattachments`.
pub type DiskAttachmentsService = CollectionService<DiskAttachment>;
/// `/vms/{id}/diskattachments/{disk}`.
pub type DiskAttachmentService = ObjectService<DiskAttachment>;
/// `/storagedomains`.
pub type StorageDomainsService = CollectionService<StorageDomain>;
/// `/storagedomains/{id}`.
pub type StorageDomainService = ObjectService<StorageDomain>;
/// `/templates`.
pub type TemplatesService = CollectionService<Template>;
/// `/templates/{id}`.
pub type TemplateService = ObjectService<Template>;
/// `/jobs`.
pub type JobsService = CollectionService<Job>;
/// `/jobs/{id}`.
pub type JobService = ObjectService<Job>;
/// `/events`.
pub type EventsService = CollectionService<Event>;
/// `/events/{id}`.
pub type EventService = ObjectService<Event>;
/// `/vms/{id}/nics`.
pub type NicsService = CollectionService<Nic>;
/// `/vms/{id}/snapshots`.
pub type SnapshotsService = CollectionService<Snapshot>;

fn op_list<T: Resource>() -> Option<Op> {
    match T::TAG {
        "vm" => Some(Op::VmList),
        "host" => Some(Op::HostList),
        "cluster" => Some(Op::ClusterList),
        "disk" | "disk_attachment" => Some(Op::DiskList),
        "job" => Some(Op::TaskGet),
        _ => None,
    }
}

fn op_get<T: Resource>() -> Option<Op> {
    match T::TAG {
        "vm" => Some(Op::VmGet),
        "host" => Some(Op::HostGet),
        "cluster" => Some(Op::ClusterGet),
        "disk" => Some(Op::DiskGet),
        "job" => Some(Op::TaskGet),
        _ => None,
    }
}

impl<T: Resource> CollectionService<T> {
    pub(crate) fn new(conn: Connection, path: String) -> Self {
        CollectionService {
            conn,
            path,
            _t: PhantomData,
        }
    }

    /// The path relative to the API root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Lists the collection (add `search`, `max`, `follow`... before `send`).
    pub fn list(&self) -> ListRequest<T> {
        ListRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            query: Vec::new(),
            headers: Vec::new(),
            _t: PhantomData,
        }
    }

    /// Adds an object (`POST`); the engine answers with the full new object.
    pub fn add(&self, obj: T) -> AddRequest<T> {
        AddRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            obj,
            query: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// The service of the member `id`.
    pub fn item(&self, id: &str) -> ObjectService<T> {
        ObjectService {
            conn: self.conn.clone(),
            path: format!("{}/{}", self.path, id),
            _t: PhantomData,
        }
    }
}

impl<T: Resource> ObjectService<T> {
    /// The path relative to the API root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Fetches the object.
    pub fn get(&self) -> GetRequest<T> {
        GetRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            query: Vec::new(),
            headers: Vec::new(),
            _t: PhantomData,
        }
    }

    /// Updates the object with the attributes set in `obj` (only those are sent).
    pub fn update(&self, obj: T) -> UpdateRequest<T> {
        UpdateRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            obj,
            query: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// Removes the object (`DELETE`).
    pub fn remove(&self) -> RemoveRequest {
        RemoveRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            query: Vec::new(),
            headers: Vec::new(),
            op: match T::TAG {
                "vm" => Some(Op::VmDelete),
                "disk" => Some(Op::DiskDelete),
                "disk_attachment" => Some(Op::DiskDetach),
                _ => None,
            },
        }
    }

    /// Any action by name (`POST <object>/<name>`), for actions without a typed method.
    pub fn action(&self, name: &str) -> ActionRequest {
        ActionRequest {
            conn: self.conn.clone(),
            path: format!("{}/{}", self.path, name),
            action: Action::default(),
            query: Vec::new(),
            headers: Vec::new(),
            op: None,
        }
    }

    fn sub<U: Resource>(&self, rel: &str) -> CollectionService<U> {
        CollectionService::new(self.conn.clone(), format!("{}/{}", self.path, rel))
    }

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

impl VmsService {
    /// The service of VM `id`.
    pub fn vm(&self, id: &str) -> VmService {
        self.item(id)
    }
}

impl HostsService {
    /// The service of host `id`.
    pub fn host(&self, id: &str) -> HostService {
        self.item(id)
    }
}

impl ClustersService {
    /// The service of cluster `id`.
    pub fn cluster(&self, id: &str) -> ClusterService {
        self.item(id)
    }
}

impl DataCentersService {
    /// The service of data center `id`.
    pub fn data_center(&self, id: &str) -> DataCenterService {
        self.item(id)
    }
}

impl DisksService {
    /// The service of disk `id`.
    pub fn disk(&self, id: &str) -> DiskService {
        self.item(id)
    }
}

impl StorageDomainsService {
    /// The service of storage domain `id`.
    pub fn storage_domain(&self, id: &str) -> StorageDomainService {
        self.item(id)
    }
}

impl TemplatesService {
    /// The service of template `id`.
    pub fn template(&self, id: &str) -> TemplateService {
        self.item(id)
    }
}

impl JobsService {
    /// The service of job `id`.
    pub fn job(&self, id: &str) -> JobService {
        self.item(id)
    }
}

impl EventsService {
    /// The service of event `id`.
    pub fn event(&self, id: &str) -> EventService {
        self.item(id)
    }
}

impl VmService {
    fn act(&self, name: &str, op: Op) -> ActionRequest {
        let mut a = self.action(name);
        a.op = Some(op);
        a
    }

    /// Powers the VM on (also resumes a suspended VM).
    pub fn start(&self) -> ActionRequest {
        self.act("start", Op::VmStart)
    }
    /// Powers the VM off at once.
    pub fn stop(&self) -> ActionRequest {
        self.act("stop", Op::VmForceStop)
    }
    /// Asks the guest to shut down (ACPI / guest agent).
    pub fn shutdown(&self) -> ActionRequest {
        self.act("shutdown", Op::VmStop)
    }
    /// Reboots the VM.
    pub fn reboot(&self) -> ActionRequest {
        self.act("reboot", Op::VmReboot)
    }
    /// Suspends the VM (memory saved to storage).
    pub fn suspend(&self) -> ActionRequest {
        self.act("suspend", Op::VmSuspend)
    }
    /// Live-migrates the VM (to `.host(..)`, or where the scheduler picks).
    pub fn migrate(&self) -> ActionRequest {
        self.act("migrate", Op::VmMigrate)
    }
    /// Disk attachments (4.x).
    pub fn disk_attachments(&self) -> DiskAttachmentsService {
        self.sub("diskattachments")
    }
    /// Disks of the VM in the 3.x dialect (`vms/{id}/disks`).
    pub fn disks_v3(&self) -> DisksService {
        self.sub("disks")
    }
    /// NICs.
    pub fn nics(&self) -> NicsService {
        self.sub("nics")
    }
    /// Snapshots.
    pub fn snapshots(&self) -> SnapshotsService {
        self.sub("snapshots")
    }
}

impl DiskAttachmentsService {
    /// The attachment of disk `id`.
    pub fn attachment(&self, id: &str) -> DiskAttachmentService {
        self.item(id)
    }

    /// Attaches the existing disk `disk_id` (active, not bootable, on `interface`).
    pub fn attach(
        &self,
        disk_id: &str,
        interface: crate::types::DiskInterface,
    ) -> AddRequest<DiskAttachment> {
        let a = DiskAttachment {
            active: Some(true),
            bootable: Some(false),
            interface: Some(interface),
            disk: Some(Box::new(Disk {
                id: Some(disk_id.to_owned()),
                ..Disk::default()
            })),
            ..DiskAttachment::default()
        };
        self.add(a)
    }
}

impl HostService {
    /// Moves the host to maintenance.
    pub fn deactivate(&self) -> ActionRequest {
        self.action("deactivate")
    }
    /// Activates the host.
    pub fn activate(&self) -> ActionRequest {
        self.action("activate")
    }
}

impl DataCenterService {
    /// Clusters of the data center.
    pub fn clusters(&self) -> ClustersService {
        self.sub("clusters")
    }
    /// Storage domains attached to the data center.
    pub fn storage_domains(&self) -> StorageDomainsService {
        self.sub("storagedomains")
    }
}

impl StorageDomainService {
    /// Disks on the domain.
    pub fn disks(&self) -> DisksService {
        self.sub("disks")
    }
}

impl JobsService {
    /// Jobs of the commands tagged with `correlation_id` (see
    /// [`ActionRequest::correlation_id`]).
    pub async fn find_by_correlation_id(&self, correlation_id: &str) -> Result<Vec<Job>> {
        self.list()
            .search(format!("correlation_id={correlation_id}"))
            .send()
            .await
    }
}

impl JobService {
    /// Waits until the job ends; `finished` is success, `failed`/`aborted` a `TaskFailed` error.
    pub async fn wait_done(&self, timeout: Duration) -> Result<Job> {
        let job = self
            .wait_for_status(
                &[JobStatus::Finished, JobStatus::Failed, JobStatus::Aborted],
                timeout,
            )
            .await?;
        match job.status {
            Some(JobStatus::Finished) => Ok(job),
            _ => Err(Error::new(
                ErrorKind::TaskFailed,
                format!(
                    "job {} ({}) ended {}",
                    job.id.as_deref().unwrap_or("?"),
                    job.description.as_deref().unwrap_or(""),
                    job.status.as_ref().map_or("?", |s| s.as_str())
                ),
            )
            .with_vendor(VENDOR)),
        }
    }
}

/// `GET` of a collection.
#[must_use]
pub struct ListRequest<T> {
    conn: Connection,
    path: String,
    query: Params,
    headers: Params,
    _t: PhantomData<fn() -> T>,
}

// Only the path and query: headers and body may carry secrets or whole objects.
impl<T> fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .finish()
    }
}

impl<T: Resource> ListRequest<T> {
    /// Server-side search in the engine's query language (`name=web* and status=up`).
    pub fn search(mut self, s: impl Into<String>) -> Self {
        set(&mut self.query, "search", s.into());
        self
    }
    /// At most `n` results.
    pub fn max(mut self, n: u32) -> Self {
        set(&mut self.query, "max", n.to_string());
        self
    }
    /// Case sensitivity of the search.
    pub fn case_sensitive(mut self, yes: bool) -> Self {
        set(&mut self.query, "case_sensitive", yes.to_string());
        self
    }
    /// Inline linked objects (`disk_attachments.disk,nics`).
    pub fn follow(mut self, links: impl Into<String>) -> Self {
        set(&mut self.query, "follow", links.into());
        self
    }
    /// Include expensive attributes (also sends the pre-4.1 `All-Content` header).
    pub fn all_content(mut self, yes: bool) -> Self {
        set(&mut self.query, "all_content", yes.to_string());
        set(&mut self.headers, "All-Content", yes.to_string());
        self
    }
    /// Restrict to what the user may see (needed for non-admin users).
    pub fn filter(mut self, yes: bool) -> Self {
        set(&mut self.query, "filter", yes.to_string());
        self
    }
    /// Any other query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<Vec<T>> {
        self.conn
            .list(&self.path, &self.query, &self.headers, op_list::<T>())
            .await
    }

    /// Walks the whole collection page by page (`search=<criteria> page N`, `max=page_size`),
    /// holding one page in memory at a time.
    pub fn pages(self, page_size: u32) -> BoxStream<'static, Result<T>> {
        let page_size = page_size.max(1);
        let criteria = self
            .query
            .iter()
            .find(|(k, _)| k == "search")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        struct St<T> {
            req: ListRequest<T>,
            page: u64,
            buf: VecDeque<T>,
            done: bool,
        }
        let st = St {
            req: self.max(page_size),
            page: 1,
            buf: VecDeque::new(),
            done: false,
        };
        stream::unfold(st, move |mut st| {
            let criteria = criteria.clone();
            async move {
                loop {
                    if let Some(item) = st.buf.pop_front() {
                        return Some((Ok(item), st));
                    }
                    if st.done {
                        return None;
                    }
                    let search = format!("{criteria} page {}", st.page).trim().to_owned();
                    let mut q = st.req.query.clone();
                    set(&mut q, "search", search);
                    match st
                        .req
                        .conn
                        .list::<T>(&st.req.path, &q, &st.req.headers, op_list::<T>())
                        .await
                    {
                        Ok(items) => {
                            st.done = (items.len() as u64) < u64::from(page_size);
                            st.page += 1;
                            st.buf = items.into();
                        }
                        Err(e) => {
                            st.done = true;
                            return Some((Err(e), st));
                        }
                    }
                }
            }
        })
        .boxed()
    }
}

/// `GET` of one object.
#[must_use]
pub struct GetRequest<T> {
    conn: Connection,
    path: String,
    query: Params,
    headers: Params,
    _t: PhantomData<fn() -> T>,
}

// Only the path and query: headers and body may carry secrets or whole objects.
impl<T> fmt::Debug for GetRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .finish()
    }
}

impl<T: Resource> GetRequest<T> {
    /// Inline linked objects (`disk_attachments.disk`).
    pub fn follow(mut self, links: impl Into<String>) -> Self {
        set(&mut self.query, "follow", links.into());
        self
    }
    /// Include expensive attributes.
    pub fn all_content(mut self, yes: bool) -> Self {
        set(&mut self.query, "all_content", yes.to_string());
        set(&mut self.headers, "All-Content", yes.to_string());
        self
    }
    /// Restrict to what the user may see.
    pub fn filter(mut self, yes: bool) -> Self {
        set(&mut self.query, "filter", yes.to_string());
        self
    }
    /// Any other query parameter (`next_run`...).
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// Sends the request; a missing object is `NotFound`.
    pub async fn send(self) -> Result<T> {
        self.conn
            .get(&self.path, &self.query, &self.headers, op_get::<T>())
            .await
    }
}

/// `POST` of a new object to a collection.
#[must_use]
pub struct AddRequest<T> {
    conn: Connection,
    path: String,
    obj: T,
    query: Params,
    headers: Params,
}

// Only the path and query: headers and body may carry secrets or whole objects.
impl<T> fmt::Debug for AddRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl<T: Resource> AddRequest<T> {
    /// Clone the template's disks instead of thin copies (`clone=true`, VMs).
    pub fn clone_disks(mut self, yes: bool) -> Self {
        set(&mut self.query, "clone", yes.to_string());
        self
    }
    /// Any other query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// Tags the command so its job can be found (`correlation_id`).
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        set(&mut self.query, "correlation_id", id.into());
        self
    }
    /// Sends the request and returns the new object as the engine describes it.
    pub async fn send(self) -> Result<T> {
        let op = match T::TAG {
            "vm" => Some(Op::VmCreate),
            "disk" => Some(Op::DiskCreate),
            "disk_attachment" => Some(Op::DiskAttach),
            _ => None,
        };
        self.conn
            .add(&self.path, &self.obj, &self.query, &self.headers, op)
            .await
    }
}

/// `PUT` of changed attributes.
#[must_use]
pub struct UpdateRequest<T> {
    conn: Connection,
    path: String,
    obj: T,
    query: Params,
    headers: Params,
}

// Only the path and query: headers and body may carry secrets or whole objects.
impl<T> fmt::Debug for UpdateRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl<T: Resource> UpdateRequest<T> {
    /// Stage the change until the next restart (`next_run=true`, VMs).
    pub fn next_run(mut self, yes: bool) -> Self {
        set(&mut self.query, "next_run", yes.to_string());
        self
    }
    /// Do not wait for the engine to finish (`async=true`).
    pub fn async_(mut self, yes: bool) -> Self {
        set(&mut self.query, "async", yes.to_string());
        self
    }
    /// Any other query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// Sends the request and returns the updated object.
    pub async fn send(self) -> Result<T> {
        self.conn
            .update(&self.path, &self.obj, &self.query, &self.headers, None)
            .await
    }
}

/// `DELETE` of an object.
#[must_use]
#[derive(Debug)]
pub struct RemoveRequest {
    conn: Connection,
    path: String,
    query: Params,
    headers: Params,
    op: Option<Op>,
}

impl RemoveRequest {
    /// Keep the disks (VMs: detached and floating; attachments: the default).
    pub fn detach_only(mut self, yes: bool) -> Self {
        set(&mut self.query, "detach_only", yes.to_string());
        self
    }
    /// Remove even if locked.
    pub fn force(mut self, yes: bool) -> Self {
        set(&mut self.query, "force", yes.to_string());
        self
    }
    /// Do not wait for the engine to finish.
    pub fn async_(mut self, yes: bool) -> Self {
        set(&mut self.query, "async", yes.to_string());
        self
    }
    /// Any other query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// Tags the command so its job can be found.
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        set(&mut self.query, "correlation_id", id.into());
        self
    }
    /// Sends the request.
    pub async fn send(self) -> Result<()> {
        self.conn
            .remove(&self.path, &self.query, &self.headers, self.op)
            .await
    }
}

/// `POST <object>/<action>` with an `<action>` body.
#[must_use]
#[derive(Debug)]
pub struct ActionRequest {
    conn: Connection,
    path: String,
    action: Action,
    query: Params,
    headers: Params,
    op: Option<Op>,
}

impl ActionRequest {
    /// `<force>`.
    pub fn force(mut self, yes: bool) -> Self {
        self.action.force = Some(yes);
        self
    }
    /// `<async>`: `false` makes the engine wait for storage tasks.
    pub fn async_(mut self, yes: bool) -> Self {
        self.action.async_ = Some(yes);
        self
    }
    /// `<pause>` (start paused).
    pub fn pause(mut self, yes: bool) -> Self {
        self.action.pause = Some(yes);
        self
    }
    /// `<host id>` (migrate target).
    pub fn host(mut self, id: impl Into<String>) -> Self {
        self.action.host = Some(Ref::id(id));
        self
    }
    /// `<cluster id>`.
    pub fn cluster(mut self, id: impl Into<String>) -> Self {
        self.action.cluster = Some(Ref::id(id));
        self
    }
    /// `<storage_domain id>`.
    pub fn storage_domain(mut self, id: impl Into<String>) -> Self {
        self.action.storage_domain = Some(Ref::id(id));
        self
    }
    /// `<use_cloud_init>`.
    pub fn use_cloud_init(mut self, yes: bool) -> Self {
        self.action.use_cloud_init = Some(yes);
        self
    }
    /// `<volatile>`.
    pub fn volatile(mut self, yes: bool) -> Self {
        self.action.volatile = Some(yes);
        self
    }
    /// Tags the command (`correlation_id`) so its job and events can be found.
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        set(&mut self.query, "correlation_id", id.into());
        self
    }
    /// Any query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request (`Expect: 202-accepted`...).
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// `<reason>`.
    pub fn reason(mut self, r: impl Into<String>) -> Self {
        self.action.reason = Some(r.into());
        self
    }
    /// `<host><name>` (migrate target by name).
    pub fn host_name(mut self, name: impl Into<String>) -> Self {
        self.action.host = Some(Ref::name(name));
        self
    }
    /// `<vm>` run-once overrides (start).
    pub fn vm(mut self, vm: Vm) -> Self {
        self.action.vm = Some(Box::new(vm));
        self
    }
    /// Replaces the whole action body.
    pub fn body(mut self, action: Action) -> Self {
        self.action = action;
        self
    }
    /// Sends the action. An answer carrying a `<fault>` is an error even on HTTP 2xx.
    pub async fn send(self) -> Result<Action> {
        self.conn
            .action(
                &self.path,
                &self.action,
                &self.query,
                &self.headers,
                self.op,
            )
            .await
    }
}
