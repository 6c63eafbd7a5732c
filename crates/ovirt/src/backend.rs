//! `impl omnivirt_core::Backend` for oVirt: a thin layer over the native services.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use omnivirt_core::{
    Backend, Capabilities, Cluster, ClusterId, Cursor, Disk, DiskId, DiskSpec, Error, ErrorKind,
    Expect, Host, HostId, ListQuery, NameFilter, Network, NetworkId, Op, OrderField, Page,
    PowerAction, ResourceRef, Result, StoragePool, StoragePoolId, Submitted, Task, TaskError,
    TaskId, TaskState, Template, TemplateId, Vm, VmId, VmSpec, VmState,
};
use omnivirt_core::{
    CloneSpec, Console, Event, EventQuery, Snapshot, SnapshotId, SnapshotSpec, VmUpdate,
};
use omnivirt_http::{Secret, SharedTransport};

use crate::config::OvirtConfig;
use crate::convert;
use crate::error::VENDOR;
use crate::generated::types as g;
use crate::native::connection::Connection;
use crate::native::services::{ListRequest, ObjectService, RemoveRequest};
use crate::native::typed::Query;
use crate::native::types as t;
use crate::wire::Resource;

mod activity;
mod create;
mod day2;
mod inventory;
mod nics;

/// The id of the `Blank` template every engine has.
pub const BLANK_TEMPLATE_ID: &str = "00000000-0000-0000-0000-000000000000";

/// Rows a listing asks for per request (`max`, with `page N`) unless the query says: the engine
/// re-runs the search for each page, so fewer pages cost it less; 500 VMs (with reported devices and
/// tags) are about 2.5 MB of XML, and a 10,000-VM listing peaks near 31 MiB (docs/performance.md).
const DEFAULT_PAGE: u32 = 500;

/// What reads of VMs inline (4.x): the guest's reported devices, which carry its addresses,
/// and the VM's tags.
const VM_FOLLOW: &str = "reported_devices,tags";

/// How the backend logs in.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// User (`admin@internal`) and password, through SSO.
    Password {
        /// User with profile.
        username: String,
        /// Password.
        password: Secret,
    },
    /// A ready SSO token.
    Token(Secret),
}

/// The oVirt backend of omnivirt.
#[derive(Debug, Clone)]
pub struct OvirtBackend {
    conn: Connection,
    caps: Capabilities,
    follow_jobs: bool,
    jobs: Arc<JobBook>,
    profiles: Arc<nics::ProfileBook>,
}

/// How many job -> correlation id pairs a backend remembers (oldest forgotten first).
const JOB_BOOK_SIZE: usize = 4096;

/// The correlation ids this backend sent, and the jobs they led to, so that the reason of a
/// failed job can be looked up in the events logged under the same correlation id (an engine's
/// `<job>` does not carry its correlation id).
#[derive(Debug, Default)]
struct JobBook {
    sent: AtomicU64,
    by_job: Mutex<VecDeque<(String, String)>>,
}

impl JobBook {
    fn remember(&self, job: &str, correlation: &str) {
        let Ok(mut book) = self.by_job.lock() else {
            return;
        };
        if book.iter().any(|(j, _)| j == job) {
            return;
        }
        if book.len() >= JOB_BOOK_SIZE {
            book.pop_front();
        }
        book.push_back((job.to_owned(), correlation.to_owned()));
    }

    fn correlation_of(&self, job: &str) -> Option<String> {
        let book = self.by_job.lock().ok()?;
        book.iter().find(|(j, _)| j == job).map(|(_, c)| c.clone())
    }
}

/// A correlation id for one command: `omnivirt-<verb>-<key>-<n>`, where `key` is the first
/// 8 characters of the target's id (or of the new object's name) and `n` counts this
/// backend's commands. Only `[a-z0-9-]`, at most 50 characters. It is deterministic for a
/// given sequence of calls, so a recorded conversation replays; the key and the time check
/// on events keep two processes that reuse a counter value apart in practice.
fn correlation_id(verb: &str, key: &str, n: u64) -> String {
    let key: String = key
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else if matches!(c, '-' | '_' | ' ' | '.') {
                Some('-')
            } else {
                None
            }
        })
        .take(8)
        .collect();
    let key = key.trim_matches('-');
    let key = if key.is_empty() { "x" } else { key };
    format!("omnivirt-{verb}-{key}-{n}")
}

/// Builds the backend from a config. No request is sent: the login happens on first use.
pub async fn connect(config: &OvirtConfig) -> Result<OvirtBackend> {
    Ok(OvirtBackend::new(config.connection_builder()?.build()?)
        .follow_jobs(config.follow_jobs.unwrap_or(true)))
}

fn capabilities() -> Capabilities {
    let caps = Capabilities::all();
    caps.without(Op::TaskGetBatch)
        .with_note(
            Op::VmCreateStorage,
            "<disk_attachments> of POST /vms: each template disk with <storage_domains>; a \
             template without disks (Blank) only checks the domain exists",
        )
        .with_note(
            Op::VmCreateNics,
            "POST /vms/{id}/nics per NIC once the VM is not image_locked (default vNIC profile)",
        )
        .with_note(
            Op::VmCreateUserData,
            "<initialization><custom_script> (cloud-init) in the POST /vms body",
        )
        .with_note(
            Op::VmCreateTags,
            "POST /vms/{id}/tags <tag><name> per tag; read back with follow=tags on get",
        )
        .with_max_task_batch(day2::VM_BATCH)
        .with_note(
            Op::VmGetBatch,
            "GET /vms?search=id=A or id=B ..&max=N, 100 ids per request",
        )
        .with_note(
            Op::VmUpdate,
            "PUT /vms/{id} (next_run=true for CPUs/memory of a VM that is not down: \
             restart_required); follows the job found by correlation_id",
        )
        .with_note(
            Op::VmClone,
            "clone action with <vm><name>; the source's cluster only; follows the job",
        )
        .with_note(
            Op::SnapshotCreate,
            "POST /vms/{id}/snapshots (the name is the snapshot's description; no separate \
             description); follows the job",
        )
        .with_note(
            Op::SnapshotRevert,
            "POST /vms/{id}/snapshots/{s}/restore on a down VM; follows the job",
        )
        .with_note(
            Op::NicList,
            "GET /vms/{id}/nics + reporteddevices (addresses by MAC); network from the vNIC profile",
        )
        .with_note(
            Op::NicAdd,
            "POST /vms/{id}/nics on the network's default vNIC profile; follows the job",
        )
        .with_note(
            Op::EventList,
            "GET /events?search=time>=.. and vm.id=.. page N&max=..; newest first",
        )
        .with_note(
            Op::VmConsole,
            "GET /vms/{id}/graphicsconsoles?current=true + the console's ticket action",
        )
        .with_note(
            Op::HostMaintenanceEnter,
            "deactivate action; follows the job, then converges on maintenance",
        )
        .with_note(
            Op::VmList,
            "search=`name=.. sortby name asc page N` + max; cluster/host filters client-side",
        )
        .with_note(
            Op::VmStart,
            "start action; follows the returned job, then converges on up",
        )
        .with_note(
            Op::VmStop,
            "shutdown action (ACPI / guest agent); follows the job, then converges on down",
        )
        .with_note(
            Op::VmForceStop,
            "stop action (power off); follows the job, then converges on down",
        )
        .with_note(
            Op::VmResume,
            "start action on a suspended VM; follows the job",
        )
        .with_note(
            Op::VmCreate,
            "POST /vms from a template (Blank by default); follows the job found by \
             correlation_id, converges on down",
        )
        .with_note(
            Op::DiskCreate,
            "floating disk on the given (or first active data) storage domain",
        )
        .with_note(
            Op::DiskAttach,
            "POST vms/{id}/diskattachments; waits until the disk is unlocked",
        )
        .with_note(
            Op::DiskDetach,
            "DELETE vms/{id}/diskattachments/{disk}; disk kept; waits until it is unlocked",
        )
        .with_note(
            Op::TaskGet,
            "GET /jobs/{id}; a failed job's reason from the events of its correlation_id",
        )
        .with_note(
            Op::TemplateList,
            "GET /templates (search name/sortby/page + max; Blank included); cluster client-side",
        )
        .with_note(
            Op::NetworkList,
            "GET /networks (search + max); with a cluster GET /clusters/{id}/networks",
        )
        .with_note(
            Op::StorageList,
            "GET /storagedomains (search + max); capacity = available + used; with a cluster \
             the domains of its data center",
        )
}

impl OvirtBackend {
    /// A backend over a ready connection.
    pub fn new(conn: Connection) -> Self {
        OvirtBackend {
            conn,
            caps: capabilities(),
            follow_jobs: true,
            jobs: Arc::new(JobBook::default()),
            profiles: Arc::new(nics::ProfileBook::default()),
        }
    }

    /// Whether VM actions and adds are tagged with a `correlation_id` and their engine job is
    /// followed before converging on the VM's status (default `true`). With `false` the
    /// backend only converges on the status, so an asynchronous failure surfaces as a
    /// timeout; use it for accounts that may not read `/jobs` (user roles with `filter=true`).
    pub fn follow_jobs(mut self, yes: bool) -> Self {
        self.follow_jobs = yes;
        self
    }

    /// A backend sending through `transport` (a cassette, the simulator) to `url`.
    pub fn with_transport(
        url: impl Into<String>,
        transport: SharedTransport,
        credentials: Credentials,
    ) -> Result<Self> {
        let b = Connection::builder(url).transport(transport);
        let b = match credentials {
            Credentials::Password { username, password } => b.username(username).password(password),
            Credentials::Token(t) => b.token(t),
        };
        Ok(Self::new(b.build()?))
    }

    /// The native connection, for everything the neutral API does not cover.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn page_of(cursor: Option<&Cursor>) -> Result<u64> {
    match cursor {
        None => Ok(1),
        Some(c) => c
            .as_str()
            .parse::<u64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                Error::invalid_input(format!("`{}` is not an oVirt page cursor", c.as_str()))
                    .with_vendor(VENDOR)
            }),
    }
}

/// Quotes a search value when it holds characters the engine's grammar would split on.
fn search_value(v: &str) -> String {
    if v.chars()
        .any(|c| c.is_whitespace() || matches!(c, '"' | '=' | '<' | '>' | '!' | '(' | ')'))
    {
        format!("\"{}\"", v.replace('"', ""))
    } else {
        v.to_owned()
    }
}

struct Search {
    text: String,
    client_side: bool,
}

fn name_criteria(query: &ListQuery, parts: &mut Vec<String>) {
    match &query.name {
        Some(NameFilter::Equals(n)) => parts.push(format!("name={}", search_value(n))),
        Some(NameFilter::Contains(n)) => parts.push(format!("name=*{}*", search_value(n))),
        _ => {}
    }
}

fn order(query: &ListQuery) -> &'static str {
    match query.order {
        Some(o) if o.field == OrderField::Name && o.descending => "sortby name desc",
        _ => "sortby name asc",
    }
}

fn vm_search(query: &ListQuery, page: u64) -> Search {
    let mut parts = Vec::new();
    name_criteria(query, &mut parts);
    let mut client_side = query.cluster.is_some() || query.host.is_some();
    if let Some(st) = query.vm_state {
        match convert::vm_statuses_for(st).as_slice() {
            [one] => parts.push(format!("status={one}")),
            _ => client_side = true,
        }
    }
    if matches!(query.order, Some(o) if o.field == OrderField::Id) {
        client_side = true;
    }
    Search {
        text: format!("{} {} page {page}", parts.join(" and "), order(query))
            .trim()
            .to_owned(),
        client_side,
    }
}

fn simple_search(query: &ListQuery, page: u64) -> String {
    let mut parts = Vec::new();
    name_criteria(query, &mut parts);
    format!("{} {} page {page}", parts.join(" and "), order(query))
        .trim()
        .to_owned()
}

/// The page size to ask for (see [`ListQuery::request_size`]); `client_side` says some filter
/// of `query` is not in the search.
fn page_size(query: &ListQuery, client_side: bool) -> u32 {
    query.request_size(DEFAULT_PAGE, client_side).clamp(1, 1000)
}

fn next_cursor(raw_len: usize, size: u32, page: u64) -> Option<Cursor> {
    (raw_len as u64 >= u64::from(size)).then(|| Cursor::new((page + 1).to_string()))
}

/// A page of a listing paged by number: when there is a next page, the one after it is known
/// too, so a listing can start it early (see [`Page::following`]).
pub(crate) fn numbered_page<N>(items: Vec<N>, next: Option<Cursor>) -> Page<N> {
    let following = next
        .as_ref()
        .and_then(|c| c.as_str().parse::<u64>().ok())
        .and_then(|n| n.checked_add(1));
    let page = Page::new(items, next);
    match following {
        Some(n) => page.with_following(Cursor::new(n.to_string())),
        None => page,
    }
}

fn wrap(op: Op) -> impl Fn(Error) -> Error {
    move |e| e.with_vendor(VENDOR).with_op(op)
}

/// One page of `list` (the engine's search and `max`), and the cursor of the page after it.
async fn fetch_page<T: Resource>(
    list: ListRequest<T>,
    search: String,
    size: u32,
    page: u64,
    op: Op,
) -> Result<(Vec<T>, Option<Cursor>)> {
    let mut list = list.search(search).max(size);
    if let Some(next) = page.checked_add(1) {
        list = list.announce_if_full(size, Cursor::new(next.to_string()));
    }
    let raw = list.send().await.map_err(wrap(op))?;
    let next = next_cursor(raw.len(), size, page);
    Ok((raw, next))
}

/// Converts every native object in order and keeps those `keep` accepts; the first object
/// that does not convert is the error.
fn convert_kept<I: IntoIterator, N>(
    raw: I,
    convert: impl Fn(I::Item) -> Result<N>,
    keep: impl Fn(&N) -> bool,
) -> Result<Vec<N>> {
    let raw = raw.into_iter();
    let mut items = Vec::with_capacity(raw.size_hint().0);
    for native in raw {
        let item = convert(native)?;
        if keep(&item) {
            items.push(item);
        }
    }
    Ok(items)
}

/// A neutral disk listed under `vm`.
fn on_vm(mut disk: Disk, vm: &VmId) -> Disk {
    disk.vm_id = Some(vm.clone());
    disk
}

/// `GET` of one object, converted.
async fn get_converted<T: Resource, N>(
    svc: ObjectService<T>,
    op: Op,
    convert: fn(&T) -> Result<N>,
) -> Result<N> {
    let native = svc.get().send().await.map_err(wrap(op))?;
    convert(&native)
}

/// Sends a `DELETE` and describes what the caller then waits for.
async fn removed(
    req: RemoveRequest,
    op: Op,
    target: ResourceRef,
    expect: Expect,
) -> Result<Submitted> {
    req.send().await.map_err(wrap(op))?;
    Ok(Submitted::done(op).target(target).expect(expect))
}

fn expect_id(obj: &impl t::Object, what: &str) -> Result<String> {
    obj.id()
        .map(str::to_owned)
        .ok_or_else(|| new_without_id(what))
}

/// The engine answered a new object without an id.
fn new_without_id(what: &str) -> Error {
    Error::protocol(format!("the engine answered a new {what} without an id")).with_vendor(VENDOR)
}

#[async_trait]
impl Backend for OvirtBackend {
    fn vendor(&self) -> &'static str {
        VENDOR
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn list_vms(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Vm>> {
        let page = page_of(cursor)?;
        let search = vm_search(query, page);
        let size = page_size(query, search.client_side);
        // Only what the neutral VM shows is decoded.
        let mut list = self.conn.system().vms().list().only(convert::vm_fields);
        // Addresses and tags inline: one query per page still, so a listing shows what a get
        // shows. 3.x engines know no `follow`.
        if self.conn.version() == crate::native::connection::ApiVersion::V4 {
            list = list.follow(VM_FOLLOW);
        }
        let (raw, next) = fetch_page(list, search.text, size, page, Op::VmList).await?;
        let mut items = convert_kept(raw, convert::vm, |vm| query.matches_vm(vm))?;
        if matches!(query.order, Some(o) if o.field == OrderField::Id) {
            items.sort_by(|a, b| a.id.cmp(&b.id));
            if query.order.is_some_and(|o| o.descending) {
                items.reverse();
            }
        }
        Ok(numbered_page(items, next).filtered_client_side(search.client_side))
    }

    async fn get_vm(&self, id: &VmId) -> Result<Vm> {
        let svc = self.conn.system().vms().vm(id.as_str());
        let mut req = svc.get();
        // 3.x engines carried addresses in `guest_info` and know no `follow`.
        if self.conn.version() == crate::native::connection::ApiVersion::V4 {
            req = req.follow(VM_FOLLOW);
        }
        let native = req.send().await.map_err(wrap(Op::VmGet))?;
        convert::vm(native)
    }

    async fn create_vm(&self, spec: &VmSpec) -> Result<Submitted> {
        self.create_from_spec(spec).await
    }

    async fn power(&self, id: &VmId, action: PowerAction) -> Result<Submitted> {
        let svc = self.conn.system().vms().vm(id.as_str());
        let req = match action {
            PowerAction::Start | PowerAction::Resume => svc.start(),
            PowerAction::Stop => svc.shutdown(),
            PowerAction::ForceStop => svc.stop(),
            PowerAction::Reboot => svc.reboot(),
            PowerAction::Suspend => svc.suspend(),
            _ => return Err(Error::unsupported(VENDOR, action.op())),
        };
        let verb = match action {
            PowerAction::Start | PowerAction::Resume => "start",
            PowerAction::Stop => "shutdown",
            PowerAction::ForceStop => "stop",
            PowerAction::Reboot => "reboot",
            _ => "suspend",
        };
        let job = self.send_action(req, verb, id, action.op()).await?;
        Ok(with_job(Submitted::done(action.op()), job)
            .target(ResourceRef::Vm(id.clone()))
            .expect(Expect::VmState(vec![action.target_state()])))
    }

    async fn delete_vm(&self, id: &VmId) -> Result<Submitted> {
        let req = self.conn.system().vms().vm(id.as_str()).remove();
        removed(
            req,
            Op::VmDelete,
            ResourceRef::Vm(id.clone()),
            Expect::VmGone,
        )
        .await
    }

    async fn migrate_vm(&self, id: &VmId, host: Option<&HostId>) -> Result<Submitted> {
        let mut req = self.conn.system().vms().vm(id.as_str()).migrate();
        if let Some(h) = host {
            req = req.host(h.as_str());
        }
        let job = self.send_action(req, "migrate", id, Op::VmMigrate).await?;
        Ok(with_job(Submitted::done(Op::VmMigrate), job)
            .target(ResourceRef::Vm(id.clone()))
            .expect(Expect::VmState(vec![VmState::Running])))
    }

    async fn list_hosts(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Host>> {
        let page = page_of(cursor)?;
        let cs = query.cluster.is_some() || query.host_state.is_some();
        let size = page_size(query, cs);
        let list = self.conn.system().hosts().list();
        let search = simple_search(query, page);
        let (raw, next) = fetch_page(list, search, size, page, Op::HostList).await?;
        let items = convert_kept(&raw, convert::host, |h| query.matches_host(h))?;
        Ok(numbered_page(items, next).filtered_client_side(cs))
    }

    async fn get_host(&self, id: &HostId) -> Result<Host> {
        let svc = self.conn.system().hosts().host(id.as_str());
        get_converted(svc, Op::HostGet, convert::host).await
    }

    async fn list_clusters(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Cluster>> {
        let page = page_of(cursor)?;
        let size = page_size(query, false);
        let list = self.conn.system().clusters().list();
        let search = simple_search(query, page);
        let (raw, next) = fetch_page(list, search, size, page, Op::ClusterList).await?;
        let items = convert_kept(&raw, convert::cluster, |c| {
            query.name.as_ref().is_none_or(|f| f.matches(&c.name))
        })?;
        Ok(numbered_page(items, next))
    }

    async fn get_cluster(&self, id: &ClusterId) -> Result<Cluster> {
        let svc = self.conn.system().clusters().cluster(id.as_str());
        get_converted(svc, Op::ClusterGet, convert::cluster).await
    }

    async fn list_disks(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Disk>> {
        if let Some(vm) = &query.vm
            && self.conn.version() == crate::ApiVersion::V3
        {
            // 3.x lists a VM's disks directly.
            let disks = self
                .conn
                .system()
                .vms()
                .vm(vm.as_str())
                .disks_v3()
                .list()
                .send()
                .await
                .map_err(wrap(Op::DiskList))?;
            let of_vm = |d: &t::Disk| convert::disk(d).map(|disk| on_vm(disk, vm));
            let items = convert_kept(&disks, of_vm, |d| query.matches_disk(d))?;
            return Ok(Page::new(items, None).filtered_client_side(true));
        }
        if let Some(vm) = &query.vm {
            // A VM's disks come from its attachments; one page holds them all.
            let atts = self
                .conn
                .system()
                .vms()
                .vm(vm.as_str())
                .disk_attachments()
                .list()
                .follow("disk")
                .send()
                .await
                .map_err(wrap(Op::DiskList))?;
            let disks = atts
                .iter()
                .filter_map(|a| a.disk.as_ref().map(t::Linked::object))
                .collect::<Result<Vec<t::Disk>>>()
                .map_err(wrap(Op::DiskList))?;
            let of_vm = |d: &t::Disk| convert::disk(d).map(|disk| on_vm(disk, vm));
            let items = convert_kept(&disks, of_vm, |d| query.matches_disk(d))?;
            return Ok(Page::new(items, None).filtered_client_side(true));
        }
        let page = page_of(cursor)?;
        let size = page_size(query, query.disk_state.is_some());
        let list = self.conn.system().disks().list();
        let search = simple_search(query, page);
        let (raw, next) = fetch_page(list, search, size, page, Op::DiskList).await?;
        let items = convert_kept(&raw, convert::disk, |d| query.matches_disk(d))?;
        Ok(numbered_page(items, next).filtered_client_side(query.disk_state.is_some()))
    }

    async fn get_disk(&self, id: &DiskId) -> Result<Disk> {
        let svc = self.conn.system().disks().disk(id.as_str());
        get_converted(svc, Op::DiskGet, convert::disk).await
    }

    async fn create_disk(&self, spec: &DiskSpec) -> Result<Submitted> {
        spec.validate()?;
        let sd = match &spec.storage {
            Some(s) => s.clone(),
            None => self.default_storage_domain().await?,
        };
        let disk = t::Disk {
            name: Some(spec.name.clone()),
            provisioned_size: Some(i64::try_from(spec.size_bytes).map_err(|_| {
                Error::invalid_input("disk size is too large for oVirt").with_vendor(VENDOR)
            })?),
            format: Some(t::DiskFormat::Cow),
            sparse: Some(true),
            storage_domains: Some(vec![t::StorageDomain {
                id: Some(sd),
                ..t::StorageDomain::default()
            }]),
            ..t::Disk::default()
        };
        let created = self
            .conn
            .system()
            .disks()
            .add(disk)
            .send()
            .await
            .map_err(wrap(Op::DiskCreate))?;
        let id = expect_id(&created, "disk")?;
        Ok(Submitted::done(Op::DiskCreate)
            .target(ResourceRef::Disk(id.into()))
            .expect(Expect::DiskReady))
    }

    async fn attach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        self.conn
            .system()
            .vms()
            .vm(vm.as_str())
            .disk_attachments()
            .attach(disk.as_str(), t::DiskInterface::VirtioScsi)
            .send()
            .await
            .map_err(wrap(Op::DiskAttach))?;
        // The engine locks the disk while it plugs it in; waiting for it to be unlocked again
        // keeps a following detach or delete from meeting "related operation in progress".
        Ok(Submitted::done(Op::DiskAttach)
            .target(ResourceRef::Disk(disk.clone()))
            .expect(Expect::DiskReady))
    }

    async fn detach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        let req = self
            .conn
            .system()
            .vms()
            .vm(vm.as_str())
            .disk_attachments()
            .attachment(disk.as_str())
            .remove()
            .detach_only(true);
        let target = ResourceRef::Disk(disk.clone());
        removed(req, Op::DiskDetach, target, Expect::DiskReady).await
    }

    async fn delete_disk(&self, disk: &DiskId) -> Result<Submitted> {
        let req = self.conn.system().disks().disk(disk.as_str()).remove();
        let target = ResourceRef::Disk(disk.clone());
        removed(req, Op::DiskDelete, target, Expect::DiskGone).await
    }

    async fn list_templates(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Template>> {
        self.templates_page(query, cursor).await
    }

    async fn get_template(&self, id: &TemplateId) -> Result<Template> {
        self.template(id).await
    }

    async fn list_networks(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Network>> {
        self.networks_page(query, cursor).await
    }

    async fn get_network(&self, id: &NetworkId) -> Result<Network> {
        self.network(id).await
    }

    async fn list_storage_pools(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<StoragePool>> {
        self.storage_page(query, cursor).await
    }

    async fn get_storage_pool(&self, id: &StoragePoolId) -> Result<StoragePool> {
        self.storage_pool(id).await
    }

    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        let j = self
            .conn
            .ops()
            .jobs_job_get(id.as_str(), &Query::new())
            .await
            .map_err(wrap(Op::TaskGet))?;
        let mut task = convert::task(&j)?;
        if matches!(task.state, TaskState::Failed | TaskState::Cancelled)
            && let Some(corr) = self.jobs.correlation_of(id.as_str())
            && let Some(reason) = self.failure_reason(&corr, j.start_time.as_deref()).await
        {
            task.error = Some(reason);
        }
        Ok(task)
    }

    async fn get_vms(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        self.vms_by_id(ids).await
    }

    async fn update_vm(&self, id: &VmId, update: &VmUpdate) -> Result<Submitted> {
        self.reconfigure(id, update).await
    }

    async fn clone_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        self.copy_vm(id, spec).await
    }

    async fn console(&self, id: &VmId) -> Result<Console> {
        self.console_of(id).await
    }

    async fn list_nics(&self, vm: &VmId) -> Result<Vec<omnivirt_core::Nic>> {
        self.nics_of(vm).await
    }

    async fn add_nic(&self, vm: &VmId, spec: &omnivirt_core::NicSpec) -> Result<Submitted> {
        self.plug_nic(vm, spec).await
    }

    async fn remove_nic(&self, vm: &VmId, nic: &omnivirt_core::NicId) -> Result<Submitted> {
        self.unplug_nic(vm, nic).await
    }

    async fn list_snapshots(&self, vm: &VmId) -> Result<Vec<Snapshot>> {
        self.snapshots_of(vm).await
    }

    async fn create_snapshot(&self, vm: &VmId, spec: &SnapshotSpec) -> Result<Submitted> {
        self.take_snapshot(vm, spec).await
    }

    async fn revert_snapshot(&self, vm: &VmId, snapshot: &SnapshotId) -> Result<Submitted> {
        self.restore_snapshot(vm, snapshot).await
    }

    async fn delete_snapshot(&self, vm: &VmId, snapshot: &SnapshotId) -> Result<Submitted> {
        self.remove_snapshot(vm, snapshot).await
    }

    async fn list_events(
        &self,
        query: &EventQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        self.events_page(query, cursor).await
    }

    async fn host_maintenance(&self, id: &HostId, enter: bool) -> Result<Submitted> {
        self.maintenance(id, enter).await
    }

    async fn close(&self) -> Result<()> {
        self.conn.close().await
    }
}

/// `submitted` following `job` when there is one.
fn with_job(submitted: Submitted, job: Option<String>) -> Submitted {
    match job {
        Some(j) => submitted.task(j),
        None => submitted,
    }
}

/// The events that explain a failure: those of severity `error`/`alert` (all of them if
/// none is), logged no earlier than the job started (when both times are comparable),
/// oldest first.
fn failure_events(mut events: Vec<g::Event>, job_start: Option<&str>) -> Vec<g::Event> {
    if let Some(start) = job_start {
        events.retain(|e| match e.time.as_deref() {
            Some(time) if time.len() == start.len() => time >= start,
            _ => true,
        });
    }
    let serious = |e: &g::Event| {
        matches!(
            e.severity,
            Some(g::LogSeverity::Error) | Some(g::LogSeverity::Alert)
        )
    };
    if events.iter().any(serious) {
        events.retain(serious);
    }
    events.sort_by(|a, b| {
        (a.time.as_deref(), numeric_id(a)).cmp(&(b.time.as_deref(), numeric_id(b)))
    });
    events
}

fn numeric_id(e: &g::Event) -> Option<u64> {
    e.id.as_deref().and_then(|i| i.parse().ok())
}

/// A task error from the events of a failed command: the first event's code, every event's
/// text.
fn reason_from_events(events: &[g::Event]) -> Option<TaskError> {
    let texts: Vec<&str> = events
        .iter()
        .filter_map(|e| e.description.as_deref())
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    if texts.is_empty() {
        return None;
    }
    let code = events.iter().find_map(|e| e.code).map(|c| c.to_string());
    Some(TaskError::new(code, texts.join(" ")))
}

impl OvirtBackend {
    /// The next correlation id, when jobs are followed.
    fn next_correlation(&self, verb: &str, key: &str) -> Option<String> {
        self.follow_jobs.then(|| {
            let n = self.jobs.sent.fetch_add(1, Ordering::Relaxed) + 1;
            correlation_id(verb, key, n)
        })
    }

    /// Sends a VM action tagged with a correlation id and returns the job to follow.
    async fn send_action(
        &self,
        mut req: crate::services::ActionRequest,
        verb: &str,
        vm: &VmId,
        op: Op,
    ) -> Result<Option<String>> {
        let corr = self.next_correlation(verb, vm.as_str());
        if let Some(c) = &corr {
            req = req.correlation_id(c.clone());
        }
        let answer = req.send().await.map_err(wrap(op))?;
        let from_answer = answer.job_id().map(str::to_owned);
        Ok(self.job_of(from_answer, corr.as_deref()).await)
    }

    /// The job of a command: the one the engine named in its answer, else the one found by
    /// the command's correlation id. The command was accepted already, so a failed lookup is
    /// not an error: the wait then converges on the object's state alone.
    async fn job_of(&self, from_answer: Option<String>, corr: Option<&str>) -> Option<String> {
        let corr = corr?;
        let job = match from_answer {
            Some(j) => Some(j),
            None => match self
                .conn
                .ops()
                .jobs_list(&Query::new().set("search", format!("correlation_id={corr}")))
                .await
            {
                Ok(jobs) => jobs.into_iter().find_map(|j| j.id),
                Err(e) => {
                    tracing::debug!(
                        correlation_id = corr,
                        error = %e,
                        "no job found for the command; converging on the object's state"
                    );
                    None
                }
            },
        };
        if let Some(j) = &job {
            self.jobs.remember(j, corr);
        }
        job
    }

    /// Why the command tagged `corr` failed, from the engine's events.
    async fn failure_reason(&self, corr: &str, job_start: Option<&str>) -> Option<TaskError> {
        let events = self
            .conn
            .ops()
            .events_list(&Query::new().set("search", format!("correlation_id={corr}")))
            .await;
        match events {
            Ok(ev) => reason_from_events(&failure_events(ev, job_start)),
            Err(e) => {
                tracing::debug!(
                    correlation_id = corr,
                    error = %e,
                    "could not read the events of a failed job"
                );
                None
            }
        }
    }

    async fn default_storage_domain(&self) -> Result<String> {
        let sds = self
            .conn
            .system()
            .storage_domains()
            .list()
            .send()
            .await
            .map_err(wrap(Op::DiskCreate))?;
        sds.iter()
            .filter(|s| s.r#type == Some(t::StorageDomainType::Data))
            .filter(|s| s.status.is_none() || s.status == Some(t::StorageDomainStatus::Active))
            .max_by_key(|s| s.available.unwrap_or(0))
            .and_then(|s| s.id.clone())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidInput,
                    "no active data storage domain found; pass one in DiskSpec::storage",
                )
                .with_vendor(VENDOR)
                .with_op(Op::DiskCreate)
            })
    }
}

#[cfg(test)]
mod tests;
