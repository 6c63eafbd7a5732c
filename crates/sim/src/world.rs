//! The neutral World: inventory, the VM and disk state machines, tasks, sessions and faults.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use omnivirt_core::{
    ClusterId, ClusterState, DiskId, DiskState, Extra, HostId, HostState, Op, PowerAction,
    ResourceRef, TaskError, TaskId, TaskState, VmId, VmState,
};
use omnivirt_http::Secret;
use tokio::time::Instant;

use crate::config::{SimUser, Tick, WorldConfig};
use crate::error::{SimError, SimResult};
use crate::ids::{IdGen, IdStyle};
use crate::model::{SimCluster, SimDisk, SimHost, SimTask, SimTemplate, SimVm, Submission};
use crate::query::{Filter, Listing, Paging, SortBy};

/// Logical clock origin: 2026-01-01T00:00:00Z.
pub const EPOCH: u64 = 1_767_225_600;

const GIB: u64 = 1 << 30;

/// What to create with [`World::create_vm`].
///
/// ```
/// use omnivirt_sim::NewVm;
///
/// let spec = NewVm::new("web-1", "cluster-id").vcpus(2).memory_bytes(4 << 30);
/// assert_eq!(spec.vcpus, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewVm {
    /// Name; must be unique in the World.
    pub name: String,
    /// Cluster id; must exist.
    pub cluster_id: ClusterId,
    /// Virtual CPUs (default: the template's, else 1).
    pub vcpus: Option<u32>,
    /// Memory (default: the template's, else 1 GiB).
    pub memory_bytes: Option<u64>,
    /// Free text.
    pub description: String,
    /// Template id; must exist when set.
    pub template_id: Option<String>,
    /// New disks created with the VM and attached to it.
    pub disks: Vec<NewDisk>,
    /// Power on once created (the create task then ends with the VM running).
    pub power_on: bool,
    /// Host to power on on (with `power_on`); must be `Up` and in the cluster.
    pub host_id: Option<HostId>,
}

impl NewVm {
    /// A VM named `name` in `cluster_id`.
    pub fn new(name: impl Into<String>, cluster_id: impl Into<ClusterId>) -> Self {
        NewVm {
            name: name.into(),
            cluster_id: cluster_id.into(),
            vcpus: None,
            memory_bytes: None,
            description: String::new(),
            template_id: None,
            disks: Vec::new(),
            power_on: false,
            host_id: None,
        }
    }

    /// Virtual CPUs.
    pub fn vcpus(mut self, n: u32) -> Self {
        self.vcpus = Some(n);
        self
    }

    /// Memory.
    pub fn memory_bytes(mut self, n: u64) -> Self {
        self.memory_bytes = Some(n);
        self
    }

    /// Description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// From template.
    pub fn template(mut self, id: impl Into<String>) -> Self {
        self.template_id = Some(id.into());
        self
    }

    /// Adds a new disk.
    pub fn disk(mut self, d: NewDisk) -> Self {
        self.disks.push(d);
        self
    }

    /// Power on after creation, optionally on `host`.
    pub fn power_on(mut self, host: Option<HostId>) -> Self {
        self.power_on = true;
        self.host_id = host;
        self
    }
}

/// What to create with [`World::create_disk`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewDisk {
    /// Name.
    pub name: String,
    /// Size in bytes (more than 0).
    pub size_bytes: u64,
    /// Cluster scope; must exist when set.
    pub cluster_id: Option<ClusterId>,
    /// Vendor storage location, free text.
    pub storage: Option<String>,
    /// Create it already attached to this VM (oVirt `POST /vms/{id}/diskattachments` with a
    /// new disk, CloudTower `mount_new_create_disks`). Ignored inside [`NewVm::disks`].
    pub vm_id: Option<VmId>,
}

impl NewDisk {
    /// A disk.
    pub fn new(name: impl Into<String>, size_bytes: u64) -> Self {
        NewDisk {
            name: name.into(),
            size_bytes,
            cluster_id: None,
            storage: None,
            vm_id: None,
        }
    }

    /// Create it attached to VM `id`.
    pub fn attach_to(mut self, id: impl Into<VmId>) -> Self {
        self.vm_id = Some(id.into());
        self
    }

    /// Cluster scope.
    pub fn cluster(mut self, id: impl Into<ClusterId>) -> Self {
        self.cluster_id = Some(id.into());
        self
    }

    /// Storage location.
    pub fn storage(mut self, s: impl Into<String>) -> Self {
        self.storage = Some(s.into());
        self
    }
}

/// Counts returned by [`World::summary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WorldSummary {
    /// Clusters.
    pub clusters: usize,
    /// Hosts.
    pub hosts: usize,
    /// Templates.
    pub templates: usize,
    /// VMs.
    pub vms: usize,
    /// VMs in state `Running`.
    pub running_vms: usize,
    /// Disks.
    pub disks: usize,
    /// Tasks ever submitted.
    pub tasks: usize,
    /// Tasks not finished yet.
    pub open_tasks: usize,
    /// Live sessions.
    pub sessions: usize,
}

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
struct RequestRule {
    remaining: u32,
    status: u16,
    path_contains: Option<String>,
}

#[derive(Debug, Default)]
struct FaultState {
    requests: Vec<RequestRule>,
    delay: Option<Duration>,
    task_failures: VecDeque<TaskError>,
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

struct Table<T> {
    rows: BTreeMap<u64, T>,
    index: HashMap<String, u64>,
    next: u64,
}

impl<T> Table<T> {
    fn new() -> Self {
        Table {
            rows: BTreeMap::new(),
            index: HashMap::new(),
            next: 0,
        }
    }

    fn insert(&mut self, id: &str, row: T) {
        let key = self.next;
        self.next += 1;
        self.rows.insert(key, row);
        self.index.insert(id.to_owned(), key);
    }

    fn get(&self, id: &str) -> Option<&T> {
        self.index.get(id).and_then(|k| self.rows.get(k))
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        let k = *self.index.get(id)?;
        self.rows.get_mut(&k)
    }

    fn remove(&mut self, id: &str) -> Option<T> {
        let k = self.index.remove(id)?;
        self.rows.remove(&k)
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn values(&self) -> impl Iterator<Item = &T> {
        self.rows.values()
    }

    /// Matching rows with their keys, honouring an id list when given.
    fn matching<'a>(
        &'a self,
        ids: Option<&'a [String]>,
        pred: impl Fn(&T) -> bool + 'a,
    ) -> Vec<(u64, &'a T)> {
        match ids {
            Some(ids) => {
                let mut keys: Vec<u64> = ids
                    .iter()
                    .filter_map(|id| self.index.get(id))
                    .copied()
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                keys.into_iter()
                    .filter_map(|k| self.rows.get(&k).map(|r| (k, r)))
                    .filter(|(_, r)| pred(r))
                    .collect()
            }
            None => self
                .rows
                .iter()
                .filter(|(_, r)| pred(r))
                .map(|(k, r)| (*k, r))
                .collect(),
        }
    }
}

trait Row: Clone {
    fn row_id(&self) -> &str;
    fn row_name(&self) -> &str;
}

macro_rules! row {
    ($t:ty, $name:ident) => {
        impl Row for $t {
            fn row_id(&self) -> &str {
                self.id.as_ref()
            }
            fn row_name(&self) -> &str {
                &self.$name
            }
        }
    };
}
row!(SimVm, name);
row!(SimHost, name);
row!(SimCluster, name);
row!(SimDisk, name);
row!(SimTemplate, name);
row!(SimTask, description);

fn page<T: Row>(
    table: &Table<T>,
    filter: &Filter,
    paging: &Paging,
    pred: impl Fn(&T) -> bool,
) -> Listing<T> {
    // Fast path for the benchmark case: no filter, natural order.
    if filter.is_unfiltered() && paging.is_plain() {
        let total = table.len();
        let limit = paging.limit.unwrap_or(usize::MAX);
        let items: Vec<T> = table
            .values()
            .skip(paging.offset)
            .take(limit)
            .cloned()
            .collect();
        let end = paging.offset.saturating_add(items.len());
        let next_offset = (end < total && paging.limit.is_some()).then_some(end);
        return Listing {
            items,
            total,
            next_offset,
        };
    }
    let mut rows = table.matching(filter.ids.as_deref(), |r| {
        filter.name_ok(r.row_name()) && pred(r)
    });
    let total = rows.len();
    match paging.sort {
        SortBy::Created => {}
        SortBy::Name => rows.sort_by(|a, b| a.1.row_name().cmp(b.1.row_name()).then(a.0.cmp(&b.0))),
        SortBy::Id => rows.sort_by(|a, b| a.1.row_id().cmp(b.1.row_id())),
    }
    if paging.descending {
        rows.reverse();
    }
    let start = match &paging.after {
        None => 0,
        Some(after) => match rows.iter().position(|(_, r)| r.row_id() == after) {
            Some(p) => p + 1,
            None => rows.len(),
        },
    };
    let from = start.saturating_add(paging.offset).min(rows.len());
    let limit = paging.limit.unwrap_or(usize::MAX);
    let to = from.saturating_add(limit).min(rows.len());
    let items: Vec<T> = rows[from..to].iter().map(|(_, r)| (*r).clone()).collect();
    let next_offset = (to < rows.len() && paging.limit.is_some()).then_some(to - start);
    Listing {
        items,
        total,
        next_offset,
    }
}

#[derive(Debug, Clone)]
enum Effect {
    VmCreate {
        power_on: bool,
        host: Option<HostId>,
        disks: Vec<DiskId>,
    },
    VmPower(PowerAction),
    VmMigrate {
        to: HostId,
    },
    VmDelete,
    DiskCreate,
    DiskAttach {
        vm: VmId,
    },
    DiskDetach {
        vm: VmId,
    },
    DiskDelete,
}

#[derive(Debug)]
struct TaskRec {
    task: SimTask,
    effect: Effect,
    prev_vm: Option<(VmState, Option<HostId>)>,
    prev_disk: Option<DiskState>,
    observed: u32,
    started: Instant,
    fail: Option<TaskError>,
}

impl Row for TaskRec {
    fn row_id(&self) -> &str {
        self.task.id.as_str()
    }
    fn row_name(&self) -> &str {
        &self.task.description
    }
}

impl Clone for TaskRec {
    fn clone(&self) -> Self {
        TaskRec {
            task: self.task.clone(),
            effect: self.effect.clone(),
            prev_vm: self.prev_vm.clone(),
            prev_disk: self.prev_disk,
            observed: self.observed,
            started: self.started,
            fail: self.fail.clone(),
        }
    }
}

struct SessionRec {
    user: String,
}

struct Inner {
    tick: Tick,
    style: IdStyle,
    ids: IdGen,
    tokens: IdGen,
    clock: u64,
    clusters: Table<SimCluster>,
    hosts: Table<SimHost>,
    templates: Table<SimTemplate>,
    vms: Table<SimVm>,
    disks: Table<SimDisk>,
    tasks: Table<TaskRec>,
    vm_names: HashMap<String, VmId>,
    placement: HashMap<ClusterId, usize>,
    users: Vec<SimUser>,
    sessions: HashMap<String, SessionRec>,
    faults: FaultState,
    requests: u64,
}

/// The simulated platform: one neutral inventory every skin reads and changes.
///
/// `World` is `Send + Sync`; share it as `Arc<World>`. Every method locks one internal mutex
/// for a short time and returns owned copies, so a skin never holds a lock. See the crate
/// documentation and `SKINS.md` for how tasks advance.
pub struct World {
    inner: Mutex<Inner>,
}

impl fmt::Debug for World {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Counts only: tokens and passwords never print.
        let g = self.lock();
        f.debug_struct("World")
            .field("clusters", &g.clusters.len())
            .field("hosts", &g.hosts.len())
            .field("vms", &g.vms.len())
            .field("disks", &g.disks.len())
            .field("templates", &g.templates.len())
            .field("tasks", &g.tasks.len())
            .field("sessions", &g.sessions.len())
            .field("tick", &g.tick)
            .finish()
    }
}

impl Default for World {
    fn default() -> Self {
        World::new(WorldConfig::default())
    }
}

impl World {
    /// Builds a World and seeds its inventory from `cfg`. VMs need a cluster: with
    /// `clusters == 0` no VMs are seeded.
    pub fn new(cfg: WorldConfig) -> Self {
        let mut inner = Inner {
            tick: cfg.tick,
            style: cfg.id_style,
            ids: IdGen::new(cfg.seed),
            tokens: IdGen::new(cfg.seed ^ 0x5EED_70C3_5EED_70C3),
            clock: EPOCH,
            clusters: Table::new(),
            hosts: Table::new(),
            templates: Table::new(),
            vms: Table::new(),
            disks: Table::new(),
            tasks: Table::new(),
            vm_names: HashMap::new(),
            placement: HashMap::new(),
            users: cfg.users.clone(),
            sessions: HashMap::new(),
            faults: FaultState::default(),
            requests: 0,
        };
        inner.seed(&cfg);
        World {
            inner: Mutex::new(inner),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the simulator down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ---------------------------------------------------------------- ids, clock, stats

    /// A new UUID (`8-4-4-4-12` hex) from the World's seeded generator.
    pub fn new_uuid(&self) -> String {
        self.lock().ids.uuid()
    }

    /// 32 hex digits from the seeded generator.
    pub fn new_hex32(&self) -> String {
        self.lock().ids.hex32()
    }

    /// A CloudTower-like cuid (25 lowercase alphanumerics starting with `c`).
    pub fn new_cuid(&self) -> String {
        self.lock().ids.cuid()
    }

    /// The style of the World's object ids.
    pub fn id_style(&self) -> IdStyle {
        self.lock().style
    }

    /// The task clock.
    pub fn tick(&self) -> Tick {
        self.lock().tick
    }

    /// Changes the task clock (affects tasks already running too).
    pub fn set_tick(&self, tick: Tick) {
        self.lock().tick = tick;
    }

    /// Logical time in Unix seconds: starts at [`EPOCH`] and moves one second per mutation
    /// and per task completion. Format with [`rfc3339`](crate::rfc3339).
    pub fn now(&self) -> u64 {
        self.lock().clock
    }

    /// Counts of everything in the World (for banners and logs).
    pub fn summary(&self) -> WorldSummary {
        let g = self.lock();
        WorldSummary {
            clusters: g.clusters.len(),
            hosts: g.hosts.len(),
            templates: g.templates.len(),
            vms: g.vms.len(),
            running_vms: g
                .vms
                .values()
                .filter(|v| v.state == VmState::Running)
                .count(),
            disks: g.disks.len(),
            tasks: g.tasks.len(),
            open_tasks: g.tasks.values().filter(|r| !r.task.is_done()).count(),
            sessions: g.sessions.len(),
        }
    }

    /// Requests the serving layer has seen (faulted and unrouted ones included).
    pub fn requests_seen(&self) -> u64 {
        self.lock().requests
    }

    pub(crate) fn note_request(&self) {
        self.lock().requests += 1;
    }

    // ---------------------------------------------------------------- faults

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

    // ---------------------------------------------------------------- sessions

    /// Logs `user` in; `Unauthenticated` on an unknown user or a wrong password. The token is
    /// random-looking, deterministic from the seed, and valid until [`logout`](Self::logout) or
    /// [`Faults::expire_sessions`].
    pub fn login(&self, user: &str, password: &str) -> SimResult<Secret> {
        let mut g = self.lock();
        let ok = g
            .users
            .iter()
            .any(|u| u.name == user && u.password.expose() == password);
        if !ok {
            return Err(SimError::unauthenticated(format!(
                "login failed for user `{user}`: wrong user name or password"
            )));
        }
        let token = g.tokens.hex32();
        g.sessions.insert(
            token.clone(),
            SessionRec {
                user: user.to_owned(),
            },
        );
        Ok(Secret::new(token))
    }

    /// True if `token` is a live session.
    pub fn session_valid(&self, token: &str) -> bool {
        self.lock().sessions.contains_key(token)
    }

    /// The user of a live session.
    pub fn session_user(&self, token: &str) -> Option<String> {
        self.lock().sessions.get(token).map(|s| s.user.clone())
    }

    /// Ends a session; false if it was not live.
    pub fn logout(&self, token: &str) -> bool {
        self.lock().sessions.remove(token).is_some()
    }

    /// Number of live sessions.
    pub fn session_count(&self) -> usize {
        self.lock().sessions.len()
    }

    /// The configured user names (never passwords).
    pub fn user_names(&self) -> Vec<String> {
        self.lock().users.iter().map(|u| u.name.clone()).collect()
    }

    // ---------------------------------------------------------------- inventory: clusters, hosts, templates

    /// One cluster (no task involved).
    pub fn get_cluster(&self, id: &str) -> SimResult<SimCluster> {
        self.lock()
            .clusters
            .get(id)
            .cloned()
            .ok_or_else(|| SimError::not_found(format!("cluster {id} not found")))
    }

    /// Clusters matching `filter` (name, ids).
    pub fn list_clusters(&self, filter: &Filter, paging: &Paging) -> Listing<SimCluster> {
        page(&self.lock().clusters, filter, paging, |_| true)
    }

    /// Number of clusters matching `filter`.
    pub fn count_clusters(&self, filter: &Filter) -> usize {
        self.list_clusters(filter, &Paging::new(0, 0)).total
    }

    /// Adds a cluster at once (no task); `AlreadyExists` on a duplicate name.
    pub fn add_cluster(&self, name: &str) -> SimResult<SimCluster> {
        let mut g = self.lock();
        if g.clusters.values().any(|c| c.name == name) {
            return Err(SimError::already_exists(format!(
                "cluster {name} already exists"
            )));
        }
        let c = g.new_cluster(name);
        Ok(c)
    }

    /// Changes a cluster's name, description, state or extra in place.
    ///
    /// The closure runs under the World's lock: do not call the World from inside it.
    pub fn update_cluster<R>(
        &self,
        id: &str,
        f: impl FnOnce(&mut SimCluster) -> R,
    ) -> SimResult<R> {
        let mut g = self.lock();
        let c = g
            .clusters
            .get_mut(id)
            .ok_or_else(|| SimError::not_found(format!("cluster {id} not found")))?;
        let keep = c.id.clone();
        let r = f(c);
        c.id = keep;
        Ok(r)
    }

    /// One host (no task involved).
    pub fn get_host(&self, id: &str) -> SimResult<SimHost> {
        self.lock()
            .hosts
            .get(id)
            .cloned()
            .ok_or_else(|| SimError::not_found(format!("host {id} not found")))
    }

    /// Hosts matching `filter` (name, ids, host states, cluster).
    pub fn list_hosts(&self, filter: &Filter, paging: &Paging) -> Listing<SimHost> {
        page(&self.lock().hosts, filter, paging, |h| {
            (filter.host_states.is_empty() || filter.host_states.contains(&h.state))
                && filter.cluster.as_ref().is_none_or(|c| *c == h.cluster_id)
        })
    }

    /// Number of hosts matching `filter`.
    pub fn count_hosts(&self, filter: &Filter) -> usize {
        self.list_hosts(filter, &Paging::new(0, 0)).total
    }

    /// Adds an `Up` host to a cluster at once (no task).
    pub fn add_host(&self, cluster_id: &str, name: &str) -> SimResult<SimHost> {
        let mut g = self.lock();
        let cluster = g
            .clusters
            .get(cluster_id)
            .map(|c| c.id.clone())
            .ok_or_else(|| SimError::not_found(format!("cluster {cluster_id} not found")))?;
        if g.hosts.values().any(|h| h.name == name) {
            return Err(SimError::already_exists(format!(
                "host {name} already exists"
            )));
        }
        let n = g.hosts.len() as u32 + 1;
        Ok(g.new_host(&cluster, name, format!("10.0.255.{}", n % 250 + 1)))
    }

    /// Changes a host in place (e.g. `state` to `Maintenance` so nothing is placed on it).
    ///
    /// The closure runs under the World's lock: do not call the World from inside it.
    pub fn update_host<R>(&self, id: &str, f: impl FnOnce(&mut SimHost) -> R) -> SimResult<R> {
        let mut g = self.lock();
        let h = g
            .hosts
            .get_mut(id)
            .ok_or_else(|| SimError::not_found(format!("host {id} not found")))?;
        let (keep_id, keep_cluster) = (h.id.clone(), h.cluster_id.clone());
        let r = f(h);
        h.id = keep_id;
        h.cluster_id = keep_cluster;
        Ok(r)
    }

    /// One template.
    pub fn get_template(&self, id: &str) -> SimResult<SimTemplate> {
        self.lock()
            .templates
            .get(id)
            .cloned()
            .ok_or_else(|| SimError::not_found(format!("template {id} not found")))
    }

    /// Templates matching `filter` (name, ids).
    pub fn list_templates(&self, filter: &Filter, paging: &Paging) -> Listing<SimTemplate> {
        page(&self.lock().templates, filter, paging, |_| true)
    }

    /// Adds a template at once (no task).
    pub fn add_template(
        &self,
        name: &str,
        vcpus: u32,
        memory_bytes: u64,
    ) -> SimResult<SimTemplate> {
        if vcpus == 0 || memory_bytes == 0 {
            return Err(SimError::invalid_input(
                "template vcpus and memory must be more than 0",
            ));
        }
        let mut g = self.lock();
        if g.templates.values().any(|t| t.name == name) {
            return Err(SimError::already_exists(format!(
                "template {name} already exists"
            )));
        }
        Ok(g.new_template(name, vcpus, memory_bytes))
    }

    // ---------------------------------------------------------------- VMs

    /// One VM. **Observes** the VM's running task (advances it one step in per-poll mode,
    /// checks the clock in wall mode) before reading, so polling the object converges.
    /// `NotFound` once deleted.
    pub fn get_vm(&self, id: &str) -> SimResult<SimVm> {
        let mut g = self.lock();
        if let Some(t) = g.vms.get(id).and_then(|v| v.task_id.clone()) {
            g.observe(t.as_str());
        }
        g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))
    }

    /// One VM without observing its task (use it to build a mutation's response).
    pub fn peek_vm(&self, id: &str) -> SimResult<SimVm> {
        self.lock()
            .vms
            .get(id)
            .cloned()
            .ok_or_else(|| vm_not_found(id))
    }

    /// The VM named `name`, without observing.
    pub fn find_vm_by_name(&self, name: &str) -> Option<SimVm> {
        let g = self.lock();
        let id = g.vm_names.get(name)?;
        g.vms.get(id.as_str()).cloned()
    }

    /// VMs matching `filter` (ids, name, VM states, cluster, host), in `paging` order.
    /// **Observes** the running task of every VM returned, then re-checks the filter against
    /// the new state (a VM that no longer matches is left out of this page).
    pub fn list_vms(&self, filter: &Filter, paging: &Paging) -> Listing<SimVm> {
        let mut g = self.lock();
        let mut listing = page(&g.vms, filter, paging, |v| vm_pred(filter, v));
        let busy: Vec<TaskId> = listing
            .items
            .iter()
            .filter_map(|v| v.task_id.clone())
            .collect();
        if !busy.is_empty() {
            for t in &busy {
                g.observe(t.as_str());
            }
            listing.items = listing
                .items
                .iter()
                .filter_map(|v| g.vms.get(v.id.as_str()).cloned())
                .filter(|v| vm_pred(filter, v) && filter.name_ok(&v.name))
                .collect();
        }
        listing
    }

    /// Number of VMs matching `filter` (does not observe).
    pub fn count_vms(&self, filter: &Filter) -> usize {
        let g = self.lock();
        if filter.is_unfiltered() {
            return g.vms.len();
        }
        page(&g.vms, filter, &Paging::new(0, 0), |v| vm_pred(filter, v)).total
    }

    /// Creates a VM: it appears at once in state `Creating` (its new disks `Creating` too) and
    /// becomes `Stopped` (or `Running`, with `power_on`) when the task completes.
    ///
    /// Errors: `InvalidInput` (empty name, zero vcpus/memory, zero-size disk), `NotFound`
    /// (cluster, template, host), `AlreadyExists` (name taken), `InvalidState` (power-on host
    /// not up or not in the cluster).
    pub fn create_vm(&self, spec: NewVm) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let name = spec.name.trim().to_owned();
        if name.is_empty() {
            return Err(SimError::invalid_input("VM name must not be empty"));
        }
        if spec.vcpus == Some(0) {
            return Err(SimError::invalid_input(format!(
                "VM {name}: vcpus must be at least 1"
            )));
        }
        if spec.memory_bytes == Some(0) {
            return Err(SimError::invalid_input(format!(
                "VM {name}: memory must be more than 0 bytes"
            )));
        }
        if let Some(d) = spec.disks.iter().find(|d| d.size_bytes == 0) {
            return Err(SimError::invalid_input(format!(
                "disk {}: size must be more than 0 bytes",
                d.name
            )));
        }
        let cluster = g
            .clusters
            .get(spec.cluster_id.as_str())
            .map(|c| c.id.clone())
            .ok_or_else(|| SimError::not_found(format!("cluster {} not found", spec.cluster_id)))?;
        let template = match &spec.template_id {
            Some(t) => Some(
                g.templates
                    .get(t)
                    .cloned()
                    .ok_or_else(|| SimError::not_found(format!("template {t} not found")))?,
            ),
            None => None,
        };
        if g.vm_names.contains_key(&name) {
            return Err(SimError::already_exists(format!(
                "a VM named {name} already exists"
            )));
        }
        if let Some(h) = &spec.host_id {
            g.check_host_for(h.as_str(), &cluster, &name)?;
        }
        g.clock += 1;
        let now = g.clock;
        let id = VmId::new(g.new_id());
        let mut disk_ids = Vec::new();
        for d in &spec.disks {
            let did = DiskId::new(g.new_id());
            g.disks.insert(
                did.as_str(),
                SimDisk {
                    id: did.clone(),
                    name: d.name.clone(),
                    state: DiskState::Creating,
                    size_bytes: d.size_bytes,
                    vm_id: Some(id.clone()),
                    cluster_id: Some(d.cluster_id.clone().unwrap_or_else(|| cluster.clone())),
                    storage: d.storage.clone(),
                    task_id: None,
                    created_at: now,
                    extra: Extra::new(),
                },
            );
            disk_ids.push(did);
        }
        let vm = SimVm {
            id: id.clone(),
            name: name.clone(),
            state: VmState::Creating,
            vcpus: spec
                .vcpus
                .or(template.as_ref().map(|t| t.vcpus))
                .unwrap_or(1),
            memory_bytes: spec
                .memory_bytes
                .or(template.as_ref().map(|t| t.memory_bytes))
                .unwrap_or(GIB),
            cluster_id: cluster,
            host_id: None,
            description: spec.description.clone(),
            template_id: template.map(|t| t.id),
            disk_ids: disk_ids.clone(),
            task_id: None,
            created_at: now,
            updated_at: now,
            extra: Extra::new(),
        };
        g.vm_names.insert(name.clone(), id.clone());
        g.vms.insert(id.as_str(), vm);
        let effect = Effect::VmCreate {
            power_on: spec.power_on,
            host: spec.host_id.clone(),
            disks: disk_ids,
        };
        Ok(g.submit(
            Op::VmCreate,
            ResourceRef::Vm(id),
            &name,
            None,
            effect,
            None,
            None,
            format!("Creating VM {name}"),
        ))
    }

    /// Runs a power action. Valid moves (anything else is `InvalidState`, naming the current
    /// state; a VM with a running task is `InvalidState` + [`SimError::is_locked`]):
    ///
    /// | action | from | while the task runs | at completion |
    /// |---|---|---|---|
    /// | Start | stopped | starting (host chosen) | running |
    /// | Stop | running | stopping | stopped, no host |
    /// | ForceStop | running, suspended | stopping | stopped, no host |
    /// | Reboot | running | rebooting | running |
    /// | Suspend | running | suspending | suspended (host kept) |
    /// | Resume | suspended | resuming | running |
    pub fn power_vm(&self, id: &str, action: PowerAction) -> SimResult<Submission> {
        self.power(id, action, None)
    }

    /// Starts a stopped VM on `host` (must be `Up` and in the VM's cluster), or on a host the
    /// World picks (round-robin over the cluster's `Up` hosts) when `None`.
    pub fn start_vm_on(&self, id: &str, host: Option<&str>) -> SimResult<Submission> {
        self.power(id, PowerAction::Start, host)
    }

    fn power(&self, id: &str, action: PowerAction, host: Option<&str>) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let vm = g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))?;
        let verb = verb(action);
        check_unlocked(&vm, verb)?;
        let (allowed, transitional): (&[VmState], VmState) = match action {
            PowerAction::Start => (&[VmState::Stopped], VmState::Starting),
            PowerAction::Stop => (&[VmState::Running], VmState::Stopping),
            PowerAction::ForceStop => (&[VmState::Running, VmState::Suspended], VmState::Stopping),
            PowerAction::Reboot => (&[VmState::Running], VmState::Rebooting),
            PowerAction::Suspend => (&[VmState::Running], VmState::Suspending),
            PowerAction::Resume => (&[VmState::Suspended], VmState::Resuming),
            _ => {
                return Err(SimError::invalid_input(format!(
                    "power action {action:?} is not simulated"
                )));
            }
        };
        if !allowed.contains(&vm.state) {
            let hint = match (action, vm.state) {
                (PowerAction::Start, VmState::Suspended) => " (resume it instead)",
                (PowerAction::Resume, VmState::Stopped) => " (start it instead)",
                _ => "",
            };
            return Err(SimError::invalid_state(format!(
                "cannot {verb} VM {}: it is {}{hint}",
                vm.name, vm.state
            )));
        }
        let new_host = if action == PowerAction::Start {
            Some(match host {
                Some(h) => g.check_host_for(h, &vm.cluster_id, &vm.name)?,
                None => g.pick_host(&vm.cluster_id, None).ok_or_else(|| {
                    SimError::invalid_state(format!(
                        "cannot start VM {}: no host is up in its cluster",
                        vm.name
                    ))
                })?,
            })
        } else {
            vm.host_id.clone()
        };
        g.clock += 1;
        let now = g.clock;
        let prev = (vm.state, vm.host_id.clone());
        if let Some(v) = g.vms.get_mut(id) {
            v.state = transitional;
            v.host_id = new_host;
            v.updated_at = now;
        }
        let desc = format!("{} VM {}", capitalize(gerund(action)), vm.name);
        Ok(g.submit(
            action.op(),
            ResourceRef::Vm(vm.id.clone()),
            &vm.name,
            None,
            Effect::VmPower(action),
            Some(prev),
            None,
            desc,
        ))
    }

    /// Live-migrates a running VM to `host` (must be `Up`, in the same cluster, and not the
    /// current host) or to a host the World picks. While the task runs the VM is `Migrating` on
    /// its source host; at completion it is `Running` on the destination.
    pub fn migrate_vm(&self, id: &str, host: Option<&str>) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let vm = g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))?;
        check_unlocked(&vm, "migrate")?;
        if vm.state != VmState::Running {
            return Err(SimError::invalid_state(format!(
                "cannot migrate VM {}: it is {} (only running VMs migrate)",
                vm.name, vm.state
            )));
        }
        let to = match host {
            Some(h) => {
                let to = g.check_host_for(h, &vm.cluster_id, &vm.name)?;
                if vm.host_id.as_ref() == Some(&to) {
                    return Err(SimError::invalid_input(format!(
                        "cannot migrate VM {}: it already runs on host {h}",
                        vm.name
                    )));
                }
                to
            }
            None => g
                .pick_host(&vm.cluster_id, vm.host_id.as_ref())
                .ok_or_else(|| {
                    SimError::invalid_state(format!(
                        "cannot migrate VM {}: no other host is up in its cluster",
                        vm.name
                    ))
                })?,
        };
        g.clock += 1;
        let now = g.clock;
        let prev = (vm.state, vm.host_id.clone());
        if let Some(v) = g.vms.get_mut(id) {
            v.state = VmState::Migrating;
            v.updated_at = now;
        }
        let desc = format!("Migrating VM {}", vm.name);
        Ok(g.submit(
            Op::VmMigrate,
            ResourceRef::Vm(vm.id.clone()),
            &vm.name,
            None,
            Effect::VmMigrate { to },
            Some(prev),
            None,
            desc,
        ))
    }

    /// Deletes a stopped VM: `Deleting` while the task runs, then gone (`get_vm` answers
    /// `NotFound`) together with the disks attached to it.
    pub fn delete_vm(&self, id: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let vm = g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))?;
        check_unlocked(&vm, "delete")?;
        if vm.state != VmState::Stopped {
            return Err(SimError::invalid_state(format!(
                "cannot delete VM {}: it is {} (stop it first)",
                vm.name, vm.state
            )));
        }
        g.clock += 1;
        let now = g.clock;
        if let Some(v) = g.vms.get_mut(id) {
            v.state = VmState::Deleting;
            v.updated_at = now;
        }
        let prev = (vm.state, vm.host_id.clone());
        let desc = format!("Deleting VM {}", vm.name);
        Ok(g.submit(
            Op::VmDelete,
            ResourceRef::Vm(vm.id.clone()),
            &vm.name,
            None,
            Effect::VmDelete,
            Some(prev),
            None,
            desc,
        ))
    }

    /// Changes a VM's name, description, vcpus, memory or extra in place, at once (no task).
    /// `id`, `state`, `cluster_id`, `host_id`, `disk_ids` and `task_id` are owned by the World: changes
    /// to them are undone. A new name must be unique (`AlreadyExists`).
    ///
    /// The closure runs under the World's lock: do not call the World from inside it.
    pub fn update_vm<R>(&self, id: &str, f: impl FnOnce(&mut SimVm) -> R) -> SimResult<R> {
        let mut g = self.lock();
        let before = g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))?;
        let mut after = before.clone();
        let r = f(&mut after);
        after.id = before.id.clone();
        after.state = before.state;
        after.host_id = before.host_id.clone();
        after.disk_ids = before.disk_ids.clone();
        after.task_id = before.task_id.clone();
        after.cluster_id = before.cluster_id.clone();
        if after.name != before.name {
            if after.name.trim().is_empty() {
                return Err(SimError::invalid_input("VM name must not be empty"));
            }
            if g.vm_names.contains_key(&after.name) {
                return Err(SimError::already_exists(format!(
                    "a VM named {} already exists",
                    after.name
                )));
            }
            g.vm_names.remove(&before.name);
            g.vm_names.insert(after.name.clone(), after.id.clone());
        }
        if after.vcpus == 0 || after.memory_bytes == 0 {
            return Err(SimError::invalid_input(
                "vcpus and memory must be more than 0",
            ));
        }
        g.clock += 1;
        after.updated_at = g.clock;
        if let Some(v) = g.vms.get_mut(id) {
            *v = after;
        }
        Ok(r)
    }

    // ---------------------------------------------------------------- disks

    /// One disk. **Observes** its running task first.
    pub fn get_disk(&self, id: &str) -> SimResult<SimDisk> {
        let mut g = self.lock();
        if let Some(t) = g.disks.get(id).and_then(|d| d.task_id.clone()) {
            g.observe(t.as_str());
        }
        g.disks.get(id).cloned().ok_or_else(|| disk_not_found(id))
    }

    /// One disk without observing.
    pub fn peek_disk(&self, id: &str) -> SimResult<SimDisk> {
        self.lock()
            .disks
            .get(id)
            .cloned()
            .ok_or_else(|| disk_not_found(id))
    }

    /// Disks matching `filter` (ids, name, disk states, cluster, vm, attached). **Observes**
    /// the running task of every disk returned.
    pub fn list_disks(&self, filter: &Filter, paging: &Paging) -> Listing<SimDisk> {
        let mut g = self.lock();
        let mut listing = page(&g.disks, filter, paging, |d| disk_pred(filter, d));
        let busy: Vec<TaskId> = listing
            .items
            .iter()
            .filter_map(|d| d.task_id.clone())
            .collect();
        if !busy.is_empty() {
            for t in &busy {
                g.observe(t.as_str());
            }
            listing.items = listing
                .items
                .iter()
                .filter_map(|d| g.disks.get(d.id.as_str()).cloned())
                .filter(|d| disk_pred(filter, d))
                .collect();
        }
        listing
    }

    /// Number of disks matching `filter`.
    pub fn count_disks(&self, filter: &Filter) -> usize {
        let g = self.lock();
        page(&g.disks, filter, &Paging::new(0, 0), |d| {
            disk_pred(filter, d)
        })
        .total
    }

    /// Creates a disk: `Creating`, then `Ready`. With [`NewDisk::vm_id`] the disk is attached
    /// to that VM from the start (`vm_id` set and listed in the VM's `disk_ids` at once); the VM
    /// must exist and not be being deleted (`NotFound` / `InvalidState`). A failed create
    /// removes the disk again.
    pub fn create_disk(&self, spec: NewDisk) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let name = spec.name.trim().to_owned();
        if name.is_empty() {
            return Err(SimError::invalid_input("disk name must not be empty"));
        }
        if spec.size_bytes == 0 {
            return Err(SimError::invalid_input(format!(
                "disk {name}: size must be more than 0 bytes"
            )));
        }
        if let Some(c) = &spec.cluster_id
            && g.clusters.get(c.as_str()).is_none()
        {
            return Err(SimError::not_found(format!("cluster {c} not found")));
        }
        let owner = match &spec.vm_id {
            None => None,
            Some(v) => {
                let vm = g
                    .vms
                    .get(v.as_str())
                    .ok_or_else(|| vm_not_found(v.as_str()))?;
                if matches!(vm.state, VmState::Deleting | VmState::Deleted) {
                    return Err(SimError::invalid_state(format!(
                        "cannot add disk {name} to VM {}: the VM is being deleted",
                        vm.name
                    )));
                }
                Some(vm.id.clone())
            }
        };
        g.clock += 1;
        let now = g.clock;
        let id = DiskId::new(g.new_id());
        if let Some(v) = &owner
            && let Some(vm) = g.vms.get_mut(v.as_str())
        {
            vm.disk_ids.push(id.clone());
        }
        g.disks.insert(
            id.as_str(),
            SimDisk {
                id: id.clone(),
                name: name.clone(),
                state: DiskState::Creating,
                size_bytes: spec.size_bytes,
                vm_id: owner.clone(),
                cluster_id: spec.cluster_id,
                storage: spec.storage,
                task_id: None,
                created_at: now,
                extra: Extra::new(),
            },
        );
        Ok(g.submit(
            Op::DiskCreate,
            ResourceRef::Disk(id),
            &name,
            owner,
            Effect::DiskCreate,
            None,
            Some(DiskState::Creating),
            format!("Creating disk {name}"),
        ))
    }

    /// Attaches a ready, detached disk to a VM that exists and is not being deleted. The disk
    /// is `Locked` while the task runs; `vm_id` is set at completion.
    pub fn attach_disk(&self, disk_id: &str, vm_id: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let disk = g
            .disks
            .get(disk_id)
            .cloned()
            .ok_or_else(|| disk_not_found(disk_id))?;
        let vm = g
            .vms
            .get(vm_id)
            .cloned()
            .ok_or_else(|| vm_not_found(vm_id))?;
        if disk.task_id.is_some() {
            return Err(SimError::locked(format!(
                "cannot attach disk {}: another operation on it is in progress",
                disk.name
            )));
        }
        if matches!(vm.state, VmState::Deleting | VmState::Deleted) {
            return Err(SimError::invalid_state(format!(
                "cannot attach disk {} to VM {}: the VM is being deleted",
                disk.name, vm.name
            )));
        }
        if let Some(other) = &disk.vm_id {
            let msg = if other == &vm.id {
                format!(
                    "cannot attach disk {}: it is already attached to VM {}",
                    disk.name, vm.name
                )
            } else {
                format!(
                    "cannot attach disk {}: it is attached to another VM ({other})",
                    disk.name
                )
            };
            return Err(SimError::invalid_state(msg));
        }
        if disk.state != DiskState::Ready {
            return Err(SimError::invalid_state(format!(
                "cannot attach disk {}: it is {}",
                disk.name, disk.state
            )));
        }
        g.clock += 1;
        if let Some(d) = g.disks.get_mut(disk_id) {
            d.state = DiskState::Locked;
        }
        let desc = format!("Attaching disk {} to VM {}", disk.name, vm.name);
        Ok(g.submit(
            Op::DiskAttach,
            ResourceRef::Disk(disk.id.clone()),
            &disk.name,
            Some(vm.id.clone()),
            Effect::DiskAttach { vm: vm.id },
            None,
            Some(disk.state),
            desc,
        ))
    }

    /// Detaches a disk from the VM it is attached to (`InvalidState` if it is not attached to
    /// that VM). `Locked` while the task runs; `vm_id` cleared at completion.
    pub fn detach_disk(&self, disk_id: &str, vm_id: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let disk = g
            .disks
            .get(disk_id)
            .cloned()
            .ok_or_else(|| disk_not_found(disk_id))?;
        if disk.task_id.is_some() {
            return Err(SimError::locked(format!(
                "cannot detach disk {}: another operation on it is in progress",
                disk.name
            )));
        }
        if disk.vm_id.as_ref().map(VmId::as_str) != Some(vm_id) {
            let msg = match &disk.vm_id {
                None => format!("cannot detach disk {}: it is not attached", disk.name),
                Some(other) => format!(
                    "cannot detach disk {} from VM {vm_id}: it is attached to VM {other}",
                    disk.name
                ),
            };
            return Err(SimError::invalid_state(msg));
        }
        g.clock += 1;
        if let Some(d) = g.disks.get_mut(disk_id) {
            d.state = DiskState::Locked;
        }
        let vm = VmId::new(vm_id);
        let vm_name = g
            .vms
            .get(vm_id)
            .map(|v| v.name.clone())
            .unwrap_or_else(|| vm_id.to_owned());
        let desc = format!("Detaching disk {} from VM {vm_name}", disk.name);
        Ok(g.submit(
            Op::DiskDetach,
            ResourceRef::Disk(disk.id.clone()),
            &disk.name,
            Some(vm.clone()),
            Effect::DiskDetach { vm },
            None,
            Some(disk.state),
            desc,
        ))
    }

    /// Deletes a detached disk (`InvalidState` while attached): `Locked`, then gone.
    pub fn delete_disk(&self, disk_id: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let disk = g
            .disks
            .get(disk_id)
            .cloned()
            .ok_or_else(|| disk_not_found(disk_id))?;
        if disk.task_id.is_some() {
            return Err(SimError::locked(format!(
                "cannot delete disk {}: another operation on it is in progress",
                disk.name
            )));
        }
        if let Some(vm) = &disk.vm_id {
            return Err(SimError::invalid_state(format!(
                "cannot delete disk {}: it is attached to VM {vm} (detach it first)",
                disk.name
            )));
        }
        g.clock += 1;
        if let Some(d) = g.disks.get_mut(disk_id) {
            d.state = DiskState::Locked;
        }
        let desc = format!("Deleting disk {}", disk.name);
        Ok(g.submit(
            Op::DiskDelete,
            ResourceRef::Disk(disk.id.clone()),
            &disk.name,
            None,
            Effect::DiskDelete,
            None,
            Some(disk.state),
            desc,
        ))
    }

    /// Changes a disk's name, size, storage or extra in place (no task). `id`, `state`,
    /// `vm_id` and `task_id` changes are undone.
    ///
    /// The closure runs under the World's lock: do not call the World from inside it.
    pub fn update_disk<R>(&self, id: &str, f: impl FnOnce(&mut SimDisk) -> R) -> SimResult<R> {
        let mut g = self.lock();
        let d = g.disks.get_mut(id).ok_or_else(|| disk_not_found(id))?;
        let keep = (d.id.clone(), d.state, d.vm_id.clone(), d.task_id.clone());
        let r = f(d);
        (d.id, d.state, d.vm_id, d.task_id) = keep;
        Ok(r)
    }

    // ---------------------------------------------------------------- tasks

    /// One task. **Observes** it (one step in per-poll mode; a clock check in wall mode).
    pub fn get_task(&self, id: &str) -> SimResult<SimTask> {
        let mut g = self.lock();
        g.observe(id);
        g.tasks
            .get(id)
            .map(|r| r.task.clone())
            .ok_or_else(|| SimError::not_found(format!("task {id} not found")))
    }

    /// Many tasks, in the order asked; unknown ids are left out. Observes each once.
    pub fn get_tasks(&self, ids: &[&str]) -> Vec<SimTask> {
        let mut g = self.lock();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            g.observe(id);
            if let Some(r) = g.tasks.get(id) {
                out.push(r.task.clone());
            }
        }
        out
    }

    /// One task without observing it.
    pub fn peek_task(&self, id: &str) -> SimResult<SimTask> {
        self.lock()
            .tasks
            .get(id)
            .map(|r| r.task.clone())
            .ok_or_else(|| SimError::not_found(format!("task {id} not found")))
    }

    /// Tasks matching `filter` (ids, task states, target), oldest first. **Observes** every
    /// unfinished task returned, then re-checks the filter.
    pub fn list_tasks(&self, filter: &Filter, paging: &Paging) -> Listing<SimTask> {
        let mut g = self.lock();
        let pred = |r: &TaskRec| task_pred(filter, &r.task);
        let listing = page(&g.tasks, filter, paging, pred);
        let mut items = Vec::with_capacity(listing.items.len());
        for r in &listing.items {
            if !r.task.is_done() {
                g.observe(r.task.id.as_str());
            }
            if let Some(now) = g.tasks.get(r.task.id.as_str())
                && task_pred(filter, &now.task)
            {
                items.push(now.task.clone());
            }
        }
        Listing {
            items,
            total: listing.total,
            next_offset: listing.next_offset,
        }
    }

    /// Changes a task's description or extra in place (other fields are owned by the World).
    ///
    /// The closure runs under the World's lock: do not call the World from inside it.
    pub fn update_task<R>(&self, id: &str, f: impl FnOnce(&mut SimTask) -> R) -> SimResult<R> {
        let mut g = self.lock();
        let rec = g
            .tasks
            .get_mut(id)
            .ok_or_else(|| SimError::not_found(format!("task {id} not found")))?;
        let mut t = rec.task.clone();
        let r = f(&mut t);
        rec.task.description = t.description;
        rec.task.extra = t.extra;
        Ok(r)
    }

    /// Completes every unfinished task now (handy in tests and demos). Returns how many.
    pub fn settle(&self) -> usize {
        let mut g = self.lock();
        let open: Vec<String> = g
            .tasks
            .values()
            .filter(|r| !r.task.is_done())
            .map(|r| r.task.id.as_str().to_owned())
            .collect();
        for id in &open {
            g.complete(id);
        }
        open.len()
    }

    /// Number of unfinished tasks.
    pub fn open_tasks(&self) -> usize {
        self.lock()
            .tasks
            .values()
            .filter(|r| !r.task.is_done())
            .count()
    }
}

fn vm_not_found(id: &str) -> SimError {
    SimError::not_found(format!("VM {id} not found"))
}

fn disk_not_found(id: &str) -> SimError {
    SimError::not_found(format!("disk {id} not found"))
}

fn check_unlocked(vm: &SimVm, verb: &str) -> SimResult<()> {
    if vm.task_id.is_some() {
        return Err(SimError::locked(format!(
            "cannot {verb} VM {}: it is {} and another operation on it is in progress",
            vm.name, vm.state
        )));
    }
    Ok(())
}

fn vm_pred(f: &Filter, v: &SimVm) -> bool {
    (f.vm_states.is_empty() || f.vm_states.contains(&v.state))
        && f.cluster.as_ref().is_none_or(|c| *c == v.cluster_id)
        && f.host
            .as_ref()
            .is_none_or(|h| v.host_id.as_ref() == Some(h))
}

fn disk_pred(f: &Filter, d: &SimDisk) -> bool {
    (f.disk_states.is_empty() || f.disk_states.contains(&d.state))
        && f.cluster
            .as_ref()
            .is_none_or(|c| d.cluster_id.as_ref() == Some(c))
        && f.vm.as_ref().is_none_or(|v| d.vm_id.as_ref() == Some(v))
        && f.attached.is_none_or(|a| a == d.vm_id.is_some())
        && f.name_ok(&d.name)
}

fn task_pred(f: &Filter, t: &SimTask) -> bool {
    (f.task_states.is_empty() || f.task_states.contains(&t.state))
        && f.target
            .as_deref()
            .is_none_or(|id| crate::model::ref_id(&t.target) == id)
}

fn verb(a: PowerAction) -> &'static str {
    match a {
        PowerAction::Start => "start",
        PowerAction::Stop => "stop",
        PowerAction::ForceStop => "force-stop",
        PowerAction::Reboot => "reboot",
        PowerAction::Suspend => "suspend",
        PowerAction::Resume => "resume",
        _ => "change the power of",
    }
}

fn gerund(a: PowerAction) -> &'static str {
    match a {
        PowerAction::Start => "starting",
        PowerAction::Stop => "stopping",
        PowerAction::ForceStop => "powering off",
        PowerAction::Reboot => "rebooting",
        PowerAction::Suspend => "suspending",
        PowerAction::Resume => "resuming",
        _ => "changing the power of",
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Inner {
    fn new_id(&mut self) -> String {
        let style = self.style;
        self.ids.id(style)
    }

    fn new_cluster(&mut self, name: &str) -> SimCluster {
        let id = ClusterId::new(self.new_id());
        let c = SimCluster {
            id: id.clone(),
            name: name.to_owned(),
            state: ClusterState::Ok,
            description: String::new(),
            created_at: self.clock,
            extra: Extra::new(),
        };
        self.clusters.insert(id.as_str(), c.clone());
        c
    }

    fn new_host(&mut self, cluster: &ClusterId, name: &str, address: String) -> SimHost {
        let id = HostId::new(self.new_id());
        let h = SimHost {
            id: id.clone(),
            name: name.to_owned(),
            state: HostState::Up,
            cluster_id: cluster.clone(),
            address,
            cpu_threads: 64,
            memory_bytes: 512 * GIB,
            created_at: self.clock,
            extra: Extra::new(),
        };
        self.hosts.insert(id.as_str(), h.clone());
        h
    }

    fn new_template(&mut self, name: &str, vcpus: u32, memory_bytes: u64) -> SimTemplate {
        let id = self.new_id();
        let t = SimTemplate {
            id: id.clone(),
            name: name.to_owned(),
            vcpus,
            memory_bytes,
            description: String::new(),
            created_at: self.clock,
            extra: Extra::new(),
        };
        self.templates.insert(&id, t.clone());
        t
    }

    fn seed(&mut self, cfg: &WorldConfig) {
        let mut cluster_hosts: Vec<(ClusterId, Vec<HostId>)> = Vec::new();
        for c in 1..=cfg.clusters {
            let cluster = self.new_cluster(&format!("cluster-{c:02}")).id;
            let mut hosts = Vec::new();
            for h in 1..=cfg.hosts_per_cluster {
                let addr = format!("10.{}.{}.{}", c / 250, c % 250, h % 250 + 1);
                hosts.push(
                    self.new_host(&cluster, &format!("host-{c:02}-{h:02}"), addr)
                        .id,
                );
            }
            cluster_hosts.push((cluster, hosts));
        }
        for t in 1..=cfg.templates {
            let vcpus = 1 << (t % 3);
            self.new_template(
                &format!("template-{t:02}"),
                vcpus,
                u64::from(vcpus) * 2 * GIB,
            );
        }
        if cluster_hosts.is_empty() {
            return;
        }
        let width = cfg.vms.to_string().len().max(5);
        let mut choice = IdGen::new(cfg.seed.rotate_left(17) ^ 0xA5A5);
        let mut next_host = vec![0usize; cluster_hosts.len()];
        let now = self.clock;
        self.vm_names.reserve(cfg.vms as usize);
        for i in 1..=cfg.vms as usize {
            let ci = (i - 1) % cluster_hosts.len();
            let (cluster, hosts) = &cluster_hosts[ci];
            let roll = choice.next_u64();
            let running = !hosts.is_empty() && roll % 10 < 6;
            let host = if running {
                let h = hosts[next_host[ci] % hosts.len()].clone();
                next_host[ci] += 1;
                Some(h)
            } else {
                None
            };
            let vcpus = [1u32, 2, 4, 8][((roll >> 8) % 4) as usize];
            let memory_bytes = [1u64, 2, 4, 8, 16][((roll >> 16) % 5) as usize] * GIB;
            let name = format!("vm-{i:0width$}");
            let id = VmId::new(self.new_id());
            let mut disk_ids = Vec::with_capacity(cfg.disks_per_vm as usize);
            for d in 1..=cfg.disks_per_vm {
                let did = DiskId::new(self.new_id());
                self.disks.insert(
                    did.as_str(),
                    SimDisk {
                        id: did.clone(),
                        name: format!("{name}-disk-{d}"),
                        state: DiskState::Ready,
                        size_bytes: if d == 1 { 20 * GIB } else { 100 * GIB },
                        vm_id: Some(id.clone()),
                        cluster_id: Some(cluster.clone()),
                        storage: None,
                        task_id: None,
                        created_at: now,
                        extra: Extra::new(),
                    },
                );
                disk_ids.push(did);
            }
            self.vm_names.insert(name.clone(), id.clone());
            self.vms.insert(
                id.as_str(),
                SimVm {
                    id: id.clone(),
                    name,
                    state: if running {
                        VmState::Running
                    } else {
                        VmState::Stopped
                    },
                    vcpus,
                    memory_bytes,
                    cluster_id: cluster.clone(),
                    host_id: host,
                    description: String::new(),
                    template_id: None,
                    disk_ids,
                    task_id: None,
                    created_at: now,
                    updated_at: now,
                    extra: Extra::new(),
                },
            );
        }
        for (i, n) in next_host.into_iter().enumerate() {
            self.placement.insert(cluster_hosts[i].0.clone(), n);
        }
    }

    /// Validates a host for a VM of `cluster`; returns its id.
    fn check_host_for(&self, host: &str, cluster: &ClusterId, vm_name: &str) -> SimResult<HostId> {
        let h = self
            .hosts
            .get(host)
            .ok_or_else(|| SimError::not_found(format!("host {host} not found")))?;
        if h.cluster_id != *cluster {
            return Err(SimError::invalid_input(format!(
                "host {} is not in the cluster of VM {vm_name}",
                h.name
            )));
        }
        if h.state != HostState::Up {
            return Err(SimError::invalid_state(format!(
                "host {} is {} and cannot run VM {vm_name}",
                h.name, h.state
            )));
        }
        Ok(h.id.clone())
    }

    /// Round-robin over the cluster's `Up` hosts, skipping `not`.
    fn pick_host(&mut self, cluster: &ClusterId, not: Option<&HostId>) -> Option<HostId> {
        let candidates: Vec<HostId> = self
            .hosts
            .values()
            .filter(|h| h.cluster_id == *cluster && h.state == HostState::Up && Some(&h.id) != not)
            .map(|h| h.id.clone())
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let n = self.placement.entry(cluster.clone()).or_insert(0);
        let pick = candidates[*n % candidates.len()].clone();
        *n += 1;
        Some(pick)
    }

    #[allow(clippy::too_many_arguments)]
    fn submit(
        &mut self,
        op: Op,
        target: ResourceRef,
        target_name: &str,
        vm_id: Option<VmId>,
        effect: Effect,
        prev_vm: Option<(VmState, Option<HostId>)>,
        prev_disk: Option<DiskState>,
        description: String,
    ) -> Submission {
        let id = TaskId::new(self.new_id());
        let fail = self.faults.task_failures.pop_front();
        let task = SimTask {
            id: id.clone(),
            op,
            target: target.clone(),
            target_name: target_name.to_owned(),
            vm_id,
            state: TaskState::Pending,
            progress: 0,
            error: None,
            description,
            created_at: self.clock,
            started_at: None,
            finished_at: None,
            extra: Extra::new(),
        };
        match &target {
            ResourceRef::Vm(v) => {
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.task_id = Some(id.clone());
                }
            }
            ResourceRef::Disk(d) => {
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.task_id = Some(id.clone());
                }
            }
            _ => {}
        }
        self.tasks.insert(
            id.as_str(),
            TaskRec {
                task,
                effect,
                prev_vm,
                prev_disk,
                observed: 0,
                started: Instant::now(),
                fail,
            },
        );
        let immediate = match self.tick {
            Tick::PerPoll { steps } => steps == 0,
            Tick::Wall(d) => d.is_zero(),
        };
        if immediate {
            self.complete(id.as_str());
        }
        Submission { task: id, target }
    }

    /// With a wall clock, completes every task whose time is up, so that a mutation never sees a
    /// lock that has already expired merely because nobody read the object since. Per-poll
    /// worlds stay untouched: only observations advance them.
    fn settle_due(&mut self) {
        let Tick::Wall(d) = self.tick else {
            return;
        };
        let now = Instant::now();
        let due: Vec<String> = self
            .tasks
            .values()
            .filter(|r| !r.task.is_done() && now.saturating_duration_since(r.started) >= d)
            .map(|r| r.task.id.as_str().to_owned())
            .collect();
        for id in &due {
            self.complete(id);
        }
    }

    /// One observation of task `id`.
    fn observe(&mut self, id: &str) {
        let tick = self.tick;
        let clock = self.clock;
        let Some(rec) = self.tasks.get_mut(id) else {
            return;
        };
        if rec.task.is_done() {
            return;
        }
        let done = match tick {
            Tick::PerPoll { steps } => {
                rec.observed += 1;
                if rec.observed >= steps {
                    true
                } else {
                    rec.task.progress =
                        ((u64::from(rec.observed) * 100) / u64::from(steps.max(1))) as u8;
                    false
                }
            }
            Tick::Wall(d) => {
                let elapsed = Instant::now().saturating_duration_since(rec.started);
                if elapsed >= d {
                    true
                } else {
                    rec.task.progress =
                        ((elapsed.as_millis() * 100) / d.as_millis().max(1)).min(99) as u8;
                    false
                }
            }
        };
        if done {
            self.complete(id);
        } else {
            rec.task.state = TaskState::Running;
            rec.task.started_at.get_or_insert(clock);
        }
    }

    /// Ends task `id`: applies its effect, or its planned failure.
    fn complete(&mut self, id: &str) {
        self.clock += 1;
        let now = self.clock;
        let Some(rec) = self.tasks.get_mut(id) else {
            return;
        };
        if rec.task.is_done() {
            return;
        }
        rec.task.started_at.get_or_insert(now);
        rec.task.finished_at = Some(now);
        let rec = rec.clone();
        let outcome = match &rec.fail {
            Some(err) => {
                self.roll_back(&rec);
                Err(err.clone())
            }
            None => self.apply(&rec, now),
        };
        if let Some(r) = self.tasks.get_mut(id) {
            match outcome {
                Ok(()) => {
                    r.task.state = TaskState::Succeeded;
                    r.task.progress = 100;
                }
                Err(e) => {
                    r.task.state = TaskState::Failed;
                    r.task.error = Some(e);
                }
            }
        }
    }

    fn release(&mut self, target: &ResourceRef) {
        match target {
            ResourceRef::Vm(v) => {
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.task_id = None;
                }
            }
            ResourceRef::Disk(d) => {
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.task_id = None;
                }
            }
            _ => {}
        }
    }

    fn remove_vm(&mut self, id: &str) {
        if let Some(vm) = self.vms.remove(id) {
            self.vm_names.remove(&vm.name);
            for d in &vm.disk_ids {
                self.disks.remove(d.as_str());
            }
        }
    }

    fn roll_back(&mut self, rec: &TaskRec) {
        self.release(&rec.task.target);
        let now = self.clock;
        match (&rec.effect, &rec.task.target) {
            (Effect::VmCreate { .. }, ResourceRef::Vm(v)) => self.remove_vm(v.as_str()),
            (Effect::DiskCreate, ResourceRef::Disk(d)) => {
                if let Some(disk) = self.disks.remove(d.as_str())
                    && let Some(v) = disk.vm_id
                    && let Some(vm) = self.vms.get_mut(v.as_str())
                {
                    vm.disk_ids.retain(|x| x != d);
                }
            }
            (_, ResourceRef::Vm(v)) => {
                if let (Some(vm), Some((st, host))) = (self.vms.get_mut(v.as_str()), &rec.prev_vm) {
                    vm.state = *st;
                    vm.host_id = host.clone();
                    vm.updated_at = now;
                }
            }
            (_, ResourceRef::Disk(d)) => {
                if let (Some(disk), Some(st)) = (self.disks.get_mut(d.as_str()), rec.prev_disk) {
                    disk.state = st;
                }
            }
            _ => {}
        }
    }

    fn apply(&mut self, rec: &TaskRec, now: u64) -> Result<(), TaskError> {
        self.release(&rec.task.target);
        let target = rec.task.target.clone();
        match (&rec.effect, &target) {
            (
                Effect::VmCreate {
                    power_on,
                    host,
                    disks,
                },
                ResourceRef::Vm(v),
            ) => {
                let cluster = self.vms.get(v.as_str()).map(|vm| vm.cluster_id.clone());
                let host = match (power_on, host, cluster) {
                    (true, Some(h), _) => Some(h.clone()),
                    (true, None, Some(c)) => self.pick_host(&c, None),
                    _ => None,
                };
                for d in disks {
                    if let Some(disk) = self.disks.get_mut(d.as_str()) {
                        disk.state = DiskState::Ready;
                    }
                }
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.state = if host.is_some() {
                        VmState::Running
                    } else {
                        VmState::Stopped
                    };
                    vm.host_id = host;
                    vm.updated_at = now;
                }
                Ok(())
            }
            (Effect::VmPower(action), ResourceRef::Vm(v)) => {
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.state = action.target_state();
                    if vm.state == VmState::Stopped {
                        vm.host_id = None;
                    }
                    vm.updated_at = now;
                }
                Ok(())
            }
            (Effect::VmMigrate { to }, ResourceRef::Vm(v)) => {
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.state = VmState::Running;
                    vm.host_id = Some(to.clone());
                    vm.updated_at = now;
                }
                Ok(())
            }
            (Effect::VmDelete, ResourceRef::Vm(v)) => {
                self.remove_vm(v.as_str());
                Ok(())
            }
            (Effect::DiskCreate, ResourceRef::Disk(d)) => {
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.state = DiskState::Ready;
                }
                Ok(())
            }
            (Effect::DiskAttach { vm }, ResourceRef::Disk(d)) => {
                let prev = rec.prev_disk.unwrap_or(DiskState::Ready);
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.state = prev;
                }
                match self.vms.get_mut(vm.as_str()) {
                    Some(v) => {
                        v.disk_ids.push(d.clone());
                        if let Some(disk) = self.disks.get_mut(d.as_str()) {
                            disk.vm_id = Some(vm.clone());
                        }
                        Ok(())
                    }
                    None => Err(TaskError::new(
                        Some("VM_NOT_FOUND".to_owned()),
                        format!(
                            "VM {vm} disappeared before disk {} could be attached",
                            rec.task.target_name
                        ),
                    )),
                }
            }
            (Effect::DiskDetach { vm }, ResourceRef::Disk(d)) => {
                let prev = rec.prev_disk.unwrap_or(DiskState::Ready);
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.state = prev;
                    disk.vm_id = None;
                }
                if let Some(v) = self.vms.get_mut(vm.as_str()) {
                    v.disk_ids.retain(|x| x != d);
                }
                Ok(())
            }
            (Effect::DiskDelete, ResourceRef::Disk(d)) => {
                self.disks.remove(d.as_str());
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
