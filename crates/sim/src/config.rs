//! How a World is built: seed, inventory size, task clock, users.

use std::fmt;
use std::time::Duration;

use omnivirt_http::Secret;

use crate::ids::IdStyle;

/// How tasks advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tick {
    /// Deterministic: every *observation* moves a running task one step; after `steps`
    /// observations it completes. An observation is a `World::get_task`/`get_tasks` of the task,
    /// or a read of its target through `World::get_vm`/`get_disk` or a listing that returns the
    /// target. `steps: 0` completes every task at submission.
    PerPoll {
        /// Observations until completion (default 2).
        steps: u32,
    },
    /// Wall clock (tokio's clock, so a paused test clock works): a task completes once this
    /// much time has passed since submission. Completion is noticed lazily on the next read.
    Wall(Duration),
}

impl Default for Tick {
    fn default() -> Self {
        Tick::PerPoll { steps: 2 }
    }
}

/// A user who can log in.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimUser {
    /// User name, without any vendor domain (`admin`, not `admin@internal`).
    pub name: String,
    /// Password.
    pub password: Secret,
}

impl SimUser {
    /// A user.
    pub fn new(name: impl Into<String>, password: impl Into<Secret>) -> Self {
        SimUser {
            name: name.into(),
            password: password.into(),
        }
    }
}

impl fmt::Debug for SimUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimUser")
            .field("name", &self.name)
            .field("password", &self.password)
            .finish()
    }
}

/// The shape of a new World. Build with [`WorldConfig::builder`] or start from
/// [`WorldConfig::default`] (seed 42, 2 clusters x 3 hosts, 20 VMs with 1 disk each,
/// 2 templates, per-poll ticks of 2 steps, user `admin`/`admin`, UUID ids).
///
/// ```
/// use omnivirt_sim::{Tick, WorldConfig};
///
/// let cfg = WorldConfig::builder().seed(7).vms(100).tick(Tick::PerPoll { steps: 3 }).build();
/// assert_eq!(cfg.vms, 100);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WorldConfig {
    /// Seed of every id, token and seeded choice.
    pub seed: u64,
    /// Number of clusters (`cluster-01`...).
    pub clusters: u32,
    /// Hosts in each cluster (`host-01-01`...).
    pub hosts_per_cluster: u32,
    /// Number of seeded VMs (`vm-00001`...), spread round-robin over clusters and hosts; about
    /// 60 % running, the rest stopped.
    pub vms: u32,
    /// Disks attached to each seeded VM (`vm-00001-disk-1`...).
    pub disks_per_vm: u32,
    /// Number of templates (`template-01`...).
    pub templates: u32,
    /// Task clock.
    pub tick: Tick,
    /// Users who can log in.
    pub users: Vec<SimUser>,
    /// Shape of object and task ids.
    pub id_style: IdStyle,
}

impl Default for WorldConfig {
    fn default() -> Self {
        WorldConfig {
            seed: 42,
            clusters: 2,
            hosts_per_cluster: 3,
            vms: 20,
            disks_per_vm: 1,
            templates: 2,
            tick: Tick::default(),
            users: vec![SimUser::new("admin", "admin")],
            id_style: IdStyle::Uuid,
        }
    }
}

impl WorldConfig {
    /// A builder starting from the defaults.
    pub fn builder() -> WorldConfigBuilder {
        WorldConfigBuilder {
            cfg: WorldConfig::default(),
        }
    }

    /// An empty world (no clusters, hosts, VMs, disks or templates), otherwise default.
    pub fn empty() -> Self {
        WorldConfig {
            clusters: 0,
            hosts_per_cluster: 0,
            vms: 0,
            disks_per_vm: 0,
            templates: 0,
            ..WorldConfig::default()
        }
    }
}

/// Builder of [`WorldConfig`].
#[derive(Debug, Clone)]
pub struct WorldConfigBuilder {
    cfg: WorldConfig,
}

impl WorldConfigBuilder {
    /// Seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.cfg.seed = seed;
        self
    }

    /// Number of clusters.
    pub fn clusters(mut self, n: u32) -> Self {
        self.cfg.clusters = n;
        self
    }

    /// Hosts per cluster.
    pub fn hosts_per_cluster(mut self, n: u32) -> Self {
        self.cfg.hosts_per_cluster = n;
        self
    }

    /// Number of seeded VMs.
    pub fn vms(mut self, n: u32) -> Self {
        self.cfg.vms = n;
        self
    }

    /// Disks per seeded VM.
    pub fn disks_per_vm(mut self, n: u32) -> Self {
        self.cfg.disks_per_vm = n;
        self
    }

    /// Number of templates.
    pub fn templates(mut self, n: u32) -> Self {
        self.cfg.templates = n;
        self
    }

    /// Task clock.
    pub fn tick(mut self, tick: Tick) -> Self {
        self.cfg.tick = tick;
        self
    }

    /// Replaces the users.
    pub fn users(mut self, users: Vec<SimUser>) -> Self {
        self.cfg.users = users;
        self
    }

    /// Adds a user.
    pub fn user(mut self, name: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.cfg.users.push(SimUser::new(name, password));
        self
    }

    /// Shape of ids.
    pub fn id_style(mut self, style: IdStyle) -> Self {
        self.cfg.id_style = style;
        self
    }

    /// The config.
    pub fn build(self) -> WorldConfig {
        self.cfg
    }
}
