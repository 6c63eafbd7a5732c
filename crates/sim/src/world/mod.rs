//! The neutral World: inventory, the VM and disk state machines, tasks, sessions and faults.

mod disks;
mod effects;
mod fabric;
mod faults;
mod guest;
mod inventory;
mod lookup;
mod sessions;
mod specs;
mod table;
mod tags;
mod tasks;
mod vms;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use omnivirt_core::{ClusterId, VmId, VmState};

use crate::config::{SimUser, Tick, WorldConfig};
use crate::ids::{IdGen, IdStyle};
use crate::model::{SimCluster, SimDisk, SimHost, SimNetwork, SimStoragePool, SimTemplate, SimVm};
use faults::FaultState;
use sessions::SessionRec;
use table::Table;
use tasks::TaskRec;

pub use faults::{Faults, RequestFault};
pub use guest::{EVENT_LOG_CAP, VmChange};
pub use lookup::Lookup;
pub use specs::{NewDisk, NewNic, NewVm, WorldSummary};

/// Logical clock origin: 2026-01-01T00:00:00Z.
pub const EPOCH: u64 = 1_767_225_600;

const GIB: u64 = 1 << 30;

struct Inner {
    tick: Tick,
    style: IdStyle,
    ids: IdGen,
    tokens: IdGen,
    clock: u64,
    clusters: Table<SimCluster>,
    hosts: Table<SimHost>,
    templates: Table<SimTemplate>,
    networks: Table<SimNetwork>,
    pools: Table<SimStoragePool>,
    /// Ids for networks and pools: a stream of its own, so adding them left every other id
    /// (and every recorded cassette) as it was.
    fabric_ids: IdGen,
    /// Ids for NICs, snapshots and events: a stream of their own, for the same reason.
    guest_ids: IdGen,
    nic_seq: u64,
    /// The last host number handed out per network (addresses are `a.b.(n/250).(n%250+2)`).
    ip_next: HashMap<String, u32>,
    events: guest::EventLog,
    vms: Table<SimVm>,
    disks: Table<SimDisk>,
    tasks: Table<TaskRec>,
    /// Ids of the unfinished tasks, so finding the busy objects never scans the inventory.
    open: BTreeSet<String>,
    /// VM ids by name, in name order: a name-sorted VM page walks it instead of sorting.
    vm_names: BTreeMap<String, VmId>,
    placement: HashMap<ClusterId, usize>,
    users: Vec<SimUser>,
    sessions: HashMap<String, SessionRec>,
    faults: FaultState,
    /// Tags defined on the platform without being assigned (see `tags`).
    defined_tags: BTreeSet<String>,
    requests: u64,
}

/// The simulated platform: one neutral inventory every skin reads and changes.
///
/// `World` is `Send + Sync`; share it as `Arc<World>`. Every method locks one internal mutex
/// for a short time and returns owned copies (or shared snapshots), so a skin never holds a
/// lock; the exceptions are the closures of [`World::with_lookup`] and the `update_*` methods,
/// which run under it and must not call the World. See the crate documentation and `SKINS.md`
/// for how tasks advance.
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
            .field("networks", &g.networks.len())
            .field("storage_pools", &g.pools.len())
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
            networks: Table::new(),
            pools: Table::new(),
            fabric_ids: IdGen::new(cfg.seed ^ 0xFAB_41C5_0000_0001),
            guest_ids: IdGen::new(cfg.seed ^ 0x6E57_0000_0000_0002),
            nic_seq: 0,
            ip_next: HashMap::new(),
            events: guest::EventLog::new(),
            vms: Table::new(),
            disks: Table::new(),
            tasks: Table::new(),
            open: BTreeSet::new(),
            vm_names: BTreeMap::new(),
            placement: HashMap::new(),
            users: cfg.users.clone(),
            sessions: HashMap::new(),
            faults: FaultState::default(),
            requests: 0,
            defined_tags: BTreeSet::new(),
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
}

impl Inner {
    fn new_id(&mut self) -> String {
        let style = self.style;
        self.ids.id(style)
    }
}
