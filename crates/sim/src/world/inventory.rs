//! Clusters, hosts and templates, the seeded inventory, and host placement.

use omnivirt_core::{
    ClusterId, ClusterState, DiskId, DiskState, Extra, HostId, HostState, VmId, VmState,
};

use super::table::page;
use super::{GIB, Inner, World};
use crate::config::WorldConfig;
use crate::error::{SimError, SimResult};
use crate::ids::IdGen;
use crate::model::{SimCluster, SimDisk, SimHost, SimTemplate, SimVm};
use crate::query::{Filter, Listing, Paging};

impl World {
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
}

impl Inner {
    pub(super) fn new_cluster(&mut self, name: &str) -> SimCluster {
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

    pub(super) fn new_host(&mut self, cluster: &ClusterId, name: &str, address: String) -> SimHost {
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

    pub(super) fn new_template(
        &mut self,
        name: &str,
        vcpus: u32,
        memory_bytes: u64,
    ) -> SimTemplate {
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

    pub(super) fn seed(&mut self, cfg: &WorldConfig) {
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
        let clusters: Vec<ClusterId> = cluster_hosts.iter().map(|(c, _)| c.clone()).collect();
        self.seed_fabric(&clusters);
        if cluster_hosts.is_empty() {
            return;
        }
        let width = cfg.vms.to_string().len().max(5);
        let mut choice = IdGen::new(cfg.seed.rotate_left(17) ^ 0xA5A5);
        let mut next_host = vec![0usize; cluster_hosts.len()];
        let now = self.clock;
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
            let nics = self.default_nics(cluster);
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
                    nics,
                    snapshots: Vec::new(),
                    task_id: None,
                    created_at: now,
                    updated_at: now,
                    tags: Vec::new(),
                    user_data: None,
                    extra: Extra::new(),
                },
            );
        }
        for (i, n) in next_host.into_iter().enumerate() {
            self.placement.insert(cluster_hosts[i].0.clone(), n);
        }
    }

    /// Validates a host for a VM of `cluster`; returns its id.
    pub(super) fn check_host_for(
        &self,
        host: &str,
        cluster: &ClusterId,
        vm_name: &str,
    ) -> SimResult<HostId> {
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
    pub(super) fn pick_host(
        &mut self,
        cluster: &ClusterId,
        not: Option<&HostId>,
    ) -> Option<HostId> {
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
}
