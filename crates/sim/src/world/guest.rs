//! Day-two VM changes in the World: NICs, snapshots, reconfigure, clone, console, host
//! maintenance, and the event log every finished task writes to.
//!
//! Ids of NICs, snapshots and events come from a stream of their own (`guest_ids`), so adding
//! them left every other id, and every recorded cassette, as it was.

use std::collections::VecDeque;

use omnivirt_core::{
    ClusterId, EventId, EventSeverity, HostId, HostState, NetworkId, NicId, Op, ResourceRef,
    SnapshotId, SnapshotState, TaskError, VmId, VmState,
};

use super::tasks::{Effect, TaskRec};
use super::vms::{check_unlocked, vm_not_found};
use super::{Inner, NewNic, NewVm, World};
use crate::error::{SimError, SimResult};
use crate::model::{SimConsole, SimEvent, SimNic, SimSnapshot, Submission};
use crate::query::Listing;

/// The event log keeps this many entries; older ones fall off.
pub const EVENT_LOG_CAP: usize = 10_000;

/// Console tickets last this long (logical seconds).
const TICKET_SECS: u64 = 120;

/// What [`World::reconfigure_vm`] changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VmChange {
    /// New name (unique in the World).
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New virtual CPUs.
    pub vcpus: Option<u32>,
    /// New memory.
    pub memory_bytes: Option<u64>,
}

impl VmChange {
    /// A change of nothing yet.
    pub fn new() -> Self {
        VmChange::default()
    }
}

impl World {
    /// The VM's NICs. **Observes** the VM's task first, like [`get_vm`](Self::get_vm).
    pub fn list_nics(&self, vm: &str) -> SimResult<Vec<SimNic>> {
        self.get_vm(vm).map(|v| v.nics)
    }

    /// The VM's snapshots. **Observes** the VM's task first.
    pub fn list_snapshots(&self, vm: &str) -> SimResult<Vec<SimSnapshot>> {
        self.get_vm(vm).map(|v| v.snapshots)
    }

    /// Plugs a new NIC into `network` (which must exist); it appears when the task ends.
    /// Returns the submission and the new NIC's id.
    pub fn add_nic(
        &self,
        vm: &str,
        network: &str,
        name: Option<&str>,
        model: Option<&str>,
        mac: Option<&str>,
    ) -> SimResult<(Submission, NicId)> {
        let mut g = self.lock();
        g.settle_due();
        let v = g.vms.get(vm).cloned().ok_or_else(|| vm_not_found(vm))?;
        check_unlocked(&v, "add a NIC to")?;
        let net = g
            .networks
            .get(network)
            .map(|n| NetworkId::new(n.id.clone()))
            .ok_or_else(|| SimError::not_found(format!("network {network} not found")))?;
        let name = name.map_or_else(|| format!("nic{}", v.nics.len() + 1), str::to_owned);
        if v.nics.iter().any(|n| n.name == name) {
            return Err(SimError::already_exists(format!(
                "VM {} already has a NIC named {name}",
                v.name
            )));
        }
        let mut nic = g.new_nic(&net, &name);
        if let Some(m) = model {
            nic.model = m.to_owned();
        }
        if let Some(m) = mac {
            nic.mac = m.to_ascii_lowercase().replace('-', ":");
        }
        let id = nic.id.clone();
        g.clock += 1;
        let sub = g.submit(
            Op::NicAdd,
            ResourceRef::Vm(v.id.clone()),
            &v.name,
            None,
            Effect::NicAdd(Box::new(nic)),
            None,
            None,
            format!("Adding NIC {name} to VM {}", v.name),
        );
        Ok((sub, id))
    }

    /// Unplugs and removes a NIC.
    pub fn remove_nic(&self, vm: &str, nic: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let v = g.vms.get(vm).cloned().ok_or_else(|| vm_not_found(vm))?;
        check_unlocked(&v, "remove a NIC from")?;
        let n = v
            .nics
            .iter()
            .find(|n| n.id.as_str() == nic)
            .ok_or_else(|| SimError::not_found(format!("NIC {nic} of VM {} not found", v.name)))?;
        let description = format!("Removing NIC {} from VM {}", n.name, v.name);
        g.clock += 1;
        Ok(g.submit(
            Op::NicRemove,
            ResourceRef::Vm(v.id.clone()),
            &v.name,
            None,
            Effect::NicRemove(n.id.clone()),
            None,
            None,
            description,
        ))
    }

    /// Takes a snapshot: it is listed at once as `Creating`, and `Ready` when the task ends.
    /// Memory can be included only while the VM runs. Returns the submission and its id.
    pub fn create_snapshot(
        &self,
        vm: &str,
        name: &str,
        description: &str,
        include_memory: bool,
    ) -> SimResult<(Submission, SnapshotId)> {
        let mut g = self.lock();
        g.settle_due();
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(SimError::invalid_input("snapshot name must not be empty"));
        }
        let v = g.vms.get(vm).cloned().ok_or_else(|| vm_not_found(vm))?;
        check_unlocked(&v, "snapshot")?;
        if include_memory && v.state != VmState::Running {
            return Err(SimError::invalid_state(format!(
                "VM {} is {}: only a running VM has memory to save",
                v.name, v.state
            )));
        }
        g.clock += 1;
        let style = g.style;
        let id = SnapshotId::new(g.guest_ids.id(style));
        let snap = SimSnapshot {
            id: id.clone(),
            name: name.clone(),
            description: description.to_owned(),
            state: SnapshotState::Creating,
            includes_memory: include_memory,
            created_at: g.clock,
            vcpus: v.vcpus,
            memory_bytes: v.memory_bytes,
        };
        if let Some(vm) = g.vms.get_mut(vm) {
            vm.snapshots.push(snap);
        }
        let sub = g.submit(
            Op::SnapshotCreate,
            ResourceRef::Vm(v.id.clone()),
            &v.name,
            None,
            Effect::Snapshot(Op::SnapshotCreate, id.clone()),
            None,
            None,
            format!("Taking snapshot {name} of VM {}", v.name),
        );
        Ok((sub, id))
    }

    /// Reverts a stopped VM to a ready snapshot: its CPUs and memory become the snapshot's.
    pub fn revert_snapshot(&self, vm: &str, snapshot: &str) -> SimResult<Submission> {
        self.snapshot_task(vm, snapshot, Op::SnapshotRevert)
    }

    /// Deletes a ready snapshot.
    pub fn delete_snapshot(&self, vm: &str, snapshot: &str) -> SimResult<Submission> {
        self.snapshot_task(vm, snapshot, Op::SnapshotDelete)
    }

    fn snapshot_task(&self, vm: &str, snapshot: &str, op: Op) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let v = g.vms.get(vm).cloned().ok_or_else(|| vm_not_found(vm))?;
        let (verb, state) = if op == Op::SnapshotRevert {
            ("revert", SnapshotState::Reverting)
        } else {
            ("delete a snapshot of", SnapshotState::Deleting)
        };
        check_unlocked(&v, verb)?;
        let s = v
            .snapshots
            .iter()
            .find(|s| s.id.as_str() == snapshot)
            .ok_or_else(|| {
                SimError::not_found(format!("snapshot {snapshot} of VM {} not found", v.name))
            })?;
        if s.state != SnapshotState::Ready {
            return Err(SimError::invalid_state(format!(
                "snapshot {} is {}",
                s.name, s.state
            )));
        }
        if op == Op::SnapshotRevert && v.state != VmState::Stopped {
            return Err(SimError::invalid_state(format!(
                "VM {} is {}: stop it before reverting to a snapshot",
                v.name, v.state
            )));
        }
        let description = if op == Op::SnapshotRevert {
            format!("Reverting VM {} to snapshot {}", v.name, s.name)
        } else {
            format!("Deleting snapshot {} of VM {}", s.name, v.name)
        };
        let sid = s.id.clone();
        if let Some(vm) = g.vms.get_mut(vm)
            && let Some(s) = vm.snapshots.iter_mut().find(|s| s.id == sid)
        {
            s.state = state;
        }
        g.clock += 1;
        Ok(g.submit(
            op,
            ResourceRef::Vm(v.id.clone()),
            &v.name,
            None,
            Effect::Snapshot(op, sid),
            None,
            None,
            description,
        ))
    }

    /// Changes a VM's name, description, CPUs or memory when the task ends. The second value
    /// is true when the VM runs and CPUs or memory change: the World applies them at once, a
    /// real platform at the next power cycle, and says so.
    pub fn reconfigure_vm(&self, vm: &str, change: VmChange) -> SimResult<(Submission, bool)> {
        let mut g = self.lock();
        g.settle_due();
        let v = g.vms.get(vm).cloned().ok_or_else(|| vm_not_found(vm))?;
        check_unlocked(&v, "update")?;
        if change == VmChange::default() {
            return Err(SimError::invalid_input("nothing to update"));
        }
        if let Some(n) = &change.name {
            let n = n.trim();
            if n.is_empty() {
                return Err(SimError::invalid_input("VM name must not be empty"));
            }
            if n != v.name && g.vm_names.contains_key(n) {
                return Err(SimError::already_exists(format!(
                    "a VM named {n} already exists"
                )));
            }
        }
        if change.vcpus == Some(0) || change.memory_bytes == Some(0) {
            return Err(SimError::invalid_input(
                "vcpus and memory must be more than 0",
            ));
        }
        let restart = v.state == VmState::Running
            && (change.vcpus.is_some_and(|n| n != v.vcpus)
                || change.memory_bytes.is_some_and(|n| n != v.memory_bytes));
        g.clock += 1;
        let sub = g.submit(
            Op::VmUpdate,
            ResourceRef::Vm(v.id.clone()),
            &v.name,
            None,
            Effect::VmReconfigure(Box::new(change)),
            None,
            None,
            format!("Updating VM {}", v.name),
        );
        Ok((sub, restart))
    }

    /// Copies a VM that is not busy into a new stopped one named `name` (in `cluster`, default
    /// the source's), with the same CPUs, memory and template, a copy of each disk (on
    /// `storage` when given) and a NIC on the new cluster's network.
    pub fn clone_vm(
        &self,
        vm: &str,
        name: &str,
        cluster: Option<&str>,
        storage: Option<&str>,
    ) -> SimResult<Submission> {
        let (src, disks) = {
            let g = self.lock();
            let v = g.vms.get(vm).cloned().ok_or_else(|| vm_not_found(vm))?;
            check_unlocked(&v, "clone")?;
            if let Some(p) = storage
                && g.pools.get(p).is_none()
            {
                return Err(SimError::not_found(format!("storage pool {p} not found")));
            }
            let disks: Vec<_> = v
                .disk_ids
                .iter()
                .filter_map(|d| g.disks.get(d.as_str()).cloned())
                .collect();
            (v, disks)
        };
        let mut spec = NewVm::new(
            name,
            cluster.map_or_else(|| src.cluster_id.clone(), ClusterId::from),
        )
        .vcpus(src.vcpus)
        .memory_bytes(src.memory_bytes);
        spec.description = src.description.clone();
        spec.template_id = src.template_id.clone();
        spec.disks = disks
            .iter()
            .map(|d| {
                let mut nd = super::NewDisk::new(format!("{name}-{}", d.name), d.size_bytes);
                nd.storage = storage.map(str::to_owned).or_else(|| d.storage.clone());
                nd
            })
            .collect();
        self.create_vm_as(spec, Op::VmClone, &format!("Cloning VM {} to", src.name))
    }

    /// The VM's console: VNC on its host, with a one-time ticket. The VM must be running.
    pub fn console(&self, vm: &str) -> SimResult<SimConsole> {
        let mut g = self.lock();
        let v = g.vms.get(vm).ok_or_else(|| vm_not_found(vm))?;
        let host = match (&v.state, &v.host_id) {
            (VmState::Running, Some(h)) => g.hosts.get(h.as_str()).map(|h| h.address.clone()),
            _ => None,
        };
        let Some(host) = host else {
            return Err(SimError::invalid_state(format!(
                "VM {} is {}: only a running VM has a console",
                v.name, v.state
            )));
        };
        let port = 5900 + (g.vms.keyed(vm).map_or(0, |(k, _)| k) % 1000) as u16;
        let ticket = g.tokens.hex32();
        Ok(SimConsole {
            host,
            port,
            ticket,
            expires_at: g.clock + TICKET_SECS,
        })
    }

    /// Puts an `Up` host into maintenance (`enter`), or brings one in maintenance back `Up`,
    /// when the task ends. Entering moves the host's running VMs to the other `Up` hosts of
    /// its cluster; with none left the task fails and the host stays `Up`.
    pub fn host_maintenance(&self, host: &str, enter: bool) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let h = g
            .hosts
            .get(host)
            .cloned()
            .ok_or_else(|| SimError::not_found(format!("host {host} not found")))?;
        let (from, op, verb) = if enter {
            (HostState::Up, Op::HostMaintenanceEnter, "Entering")
        } else {
            (HostState::Maintenance, Op::HostMaintenanceExit, "Leaving")
        };
        if h.state != from {
            return Err(SimError::invalid_state(format!(
                "host {} is {}, not {from}",
                h.name, h.state
            )));
        }
        if g.open.iter().any(|t| {
            g.tasks
                .get(t)
                .is_some_and(|r| r.task.target == ResourceRef::Host(h.id.clone()))
        }) {
            return Err(SimError::locked(format!("host {} is busy", h.name)));
        }
        g.clock += 1;
        Ok(g.submit(
            op,
            ResourceRef::Host(h.id.clone()),
            &h.name,
            None,
            Effect::HostMaintenance(enter),
            None,
            None,
            format!("{verb} maintenance on host {}", h.name),
        ))
    }

    /// Events, newest first: only those at or after `since` (logical seconds) and about `vm`
    /// when given; `offset`/`limit` page through the matches.
    pub fn list_events(
        &self,
        since: Option<u64>,
        vm: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Listing<SimEvent> {
        let g = self.lock();
        let about = |e: &SimEvent| {
            vm.is_none_or(|v| {
                e.refs
                    .iter()
                    .any(|r| matches!(r, ResourceRef::Vm(id) if id.as_str() == v))
            })
        };
        let matching = g
            .events
            .iter()
            .rev()
            .take_while(|e| since.is_none_or(|s| e.time >= s))
            .filter(|e| about(e));
        let mut total = 0;
        let mut items = Vec::new();
        for e in matching {
            if total >= offset && items.len() < limit {
                items.push(e.clone());
            }
            total += 1;
        }
        let next_offset = (offset + items.len() < total).then_some(offset + items.len());
        Listing {
            items,
            total,
            next_offset,
        }
    }
}

impl Inner {
    /// A NIC on `network` with the next address of that network and the next MAC.
    pub(super) fn new_nic(&mut self, network: &NetworkId, name: &str) -> SimNic {
        let style = self.style;
        let id = NicId::new(self.guest_ids.id(style));
        self.nic_seq += 1;
        let seq = self.nic_seq;
        let n = self.ip_next.entry(network.to_string()).or_insert(0);
        *n += 1;
        let k = *n;
        let prefix = self
            .networks
            .get(network.as_str())
            .and_then(|net| {
                let mut it = net.cidr.split('.');
                Some(format!("{}.{}", it.next()?, it.next()?))
            })
            .unwrap_or_else(|| "10.0".to_owned());
        SimNic {
            id,
            name: name.to_owned(),
            mac: format!(
                "52:54:00:{:02x}:{:02x}:{:02x}",
                (seq >> 16) & 0xff,
                (seq >> 8) & 0xff,
                seq & 0xff
            ),
            network_id: network.clone(),
            ip: format!("{prefix}.{}.{}", (k / 250) % 256, k % 250 + 2),
            model: "virtio".to_owned(),
        }
    }

    /// The network VMs of `cluster` are plugged into by default: the cluster's first.
    pub(super) fn default_network(&self, cluster: &ClusterId) -> Option<NetworkId> {
        self.networks
            .values()
            .find(|n| &n.cluster_id == cluster)
            .map(|n| NetworkId::new(n.id.clone()))
    }

    /// One NIC (`nic1`) on the cluster's default network, or none without a network.
    /// The NICs a new VM named `vm` asks for; every network must exist in the VM's cluster, and
    /// names be unique.
    pub(super) fn nics_for(
        &mut self,
        specs: &[NewNic],
        vm: &str,
        cluster: &ClusterId,
    ) -> SimResult<Vec<SimNic>> {
        let mut nics: Vec<SimNic> = Vec::with_capacity(specs.len());
        for (i, spec) in specs.iter().enumerate() {
            let n = self.networks.get(&spec.network_id).ok_or_else(|| {
                SimError::not_found(format!("network {} not found", spec.network_id))
            })?;
            if &n.cluster_id != cluster {
                return Err(SimError::invalid_input(format!(
                    "VM {vm}: network {} is not available in cluster {cluster}",
                    n.name
                )));
            }
            let net = NetworkId::new(n.id.clone());
            let name = spec.name.clone().unwrap_or_else(|| format!("nic{}", i + 1));
            if nics.iter().any(|n| n.name == name) {
                return Err(SimError::invalid_input(format!(
                    "VM {vm}: two NICs named {name}"
                )));
            }
            let mut nic = self.new_nic(&net, &name);
            if let Some(m) = &spec.model {
                nic.model = m.clone();
            }
            if let Some(m) = &spec.mac {
                nic.mac = m.to_ascii_lowercase().replace('-', ":");
            }
            nics.push(nic);
        }
        Ok(nics)
    }

    pub(super) fn default_nics(&mut self, cluster: &ClusterId) -> Vec<SimNic> {
        match self.default_network(cluster) {
            Some(net) => vec![self.new_nic(&net, "nic1")],
            None => Vec::new(),
        }
    }

    /// Writes the event for a task that just ended.
    pub(super) fn record_event(&mut self, rec: &TaskRec, outcome: &Result<(), TaskError>) {
        let style = self.style;
        let id = EventId::new(self.guest_ids.id(style));
        let (severity, message) = match outcome {
            Ok(()) => (
                EventSeverity::Info,
                format!("{}: done", rec.task.description),
            ),
            Err(e) => (
                EventSeverity::Error,
                format!("{}: failed: {}", rec.task.description, e.message),
            ),
        };
        let mut refs = vec![rec.task.target.clone()];
        if let Some(v) = &rec.task.vm_id {
            refs.push(ResourceRef::Vm(v.clone()));
        }
        self.events.push_back(SimEvent {
            id,
            time: self.clock,
            severity,
            message,
            refs,
            code: rec.task.op.as_str().to_owned(),
        });
        while self.events.len() > EVENT_LOG_CAP {
            self.events.pop_front();
        }
    }

    /// Applies the day-two effects; `None` for effects this file does not own.
    pub(super) fn apply_guest(
        &mut self,
        effect: &Effect,
        target: &ResourceRef,
        now: u64,
    ) -> Option<Result<(), TaskError>> {
        let vm_of = |t: &ResourceRef| match t {
            ResourceRef::Vm(v) => Some(v.clone()),
            _ => None,
        };
        let out = match effect {
            Effect::NicAdd(nic) => {
                if let Some(vm) = vm_of(target).and_then(|v| self.vms.get_mut(v.as_str())) {
                    vm.nics.push((**nic).clone());
                    vm.updated_at = now;
                }
                Ok(())
            }
            Effect::NicRemove(id) => {
                if let Some(vm) = vm_of(target).and_then(|v| self.vms.get_mut(v.as_str())) {
                    vm.nics.retain(|n| &n.id != id);
                    vm.updated_at = now;
                }
                Ok(())
            }
            Effect::Snapshot(op, id) => {
                let Some(vm) = vm_of(target).and_then(|v| self.vms.get_mut(v.as_str())) else {
                    return Some(Ok(()));
                };
                match *op {
                    Op::SnapshotDelete => vm.snapshots.retain(|s| &s.id != id),
                    _ => {
                        let mut restore = None;
                        if let Some(s) = vm.snapshots.iter_mut().find(|s| &s.id == id) {
                            if *op == Op::SnapshotRevert {
                                restore = Some((s.vcpus, s.memory_bytes));
                            }
                            s.state = SnapshotState::Ready;
                        }
                        if let Some((c, m)) = restore {
                            vm.vcpus = c;
                            vm.memory_bytes = m;
                            vm.updated_at = now;
                        }
                    }
                }
                Ok(())
            }
            Effect::VmReconfigure(change) => {
                let Some(v) = vm_of(target) else {
                    return Some(Ok(()));
                };
                self.reconfigure(&v, change, now);
                Ok(())
            }
            Effect::HostMaintenance(enter) => match target {
                ResourceRef::Host(h) => self.maintain(h, *enter, now),
                _ => Ok(()),
            },
            _ => return None,
        };
        Some(out)
    }

    /// Undoes what a failed day-two task marked at submission; `false` for other effects.
    pub(super) fn roll_back_guest(&mut self, effect: &Effect, target: &ResourceRef) -> bool {
        let Effect::Snapshot(op, id) = effect else {
            return matches!(
                effect,
                Effect::NicAdd(_)
                    | Effect::NicRemove(_)
                    | Effect::VmReconfigure(_)
                    | Effect::HostMaintenance(_)
            );
        };
        if let ResourceRef::Vm(v) = target
            && let Some(vm) = self.vms.get_mut(v.as_str())
        {
            if *op == Op::SnapshotCreate {
                vm.snapshots.retain(|s| &s.id != id);
            } else if let Some(s) = vm.snapshots.iter_mut().find(|s| &s.id == id) {
                s.state = SnapshotState::Ready;
            }
        }
        true
    }

    fn reconfigure(&mut self, v: &VmId, change: &VmChange, now: u64) {
        let Some(vm) = self.vms.get_mut(v.as_str()) else {
            return;
        };
        let renamed = change
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| *n != vm.name)
            .map(|n| (std::mem::replace(&mut vm.name, n.to_owned()), n.to_owned()));
        if let Some(d) = &change.description {
            vm.description = d.clone();
        }
        if let Some(c) = change.vcpus {
            vm.vcpus = c;
        }
        if let Some(m) = change.memory_bytes {
            vm.memory_bytes = m;
        }
        vm.updated_at = now;
        if let Some((old, new)) = renamed {
            self.vm_names.remove(&old);
            self.vm_names.insert(new, v.clone());
        }
    }

    fn maintain(&mut self, h: &HostId, enter: bool, now: u64) -> Result<(), TaskError> {
        let Some(host) = self.hosts.get(h.as_str()).cloned() else {
            return Err(TaskError::new(None, format!("host {h} disappeared")));
        };
        if !enter {
            if let Some(x) = self.hosts.get_mut(h.as_str()) {
                x.state = HostState::Up;
            }
            return Ok(());
        }
        let others: Vec<HostId> = self
            .hosts
            .values()
            .filter(|o| o.cluster_id == host.cluster_id && o.id != *h && o.state == HostState::Up)
            .map(|o| o.id.clone())
            .collect();
        let residents: Vec<VmId> = self
            .vms
            .values()
            .filter(|v| v.host_id.as_ref() == Some(h))
            .map(|v| v.id.clone())
            .collect();
        if !residents.is_empty() && others.is_empty() {
            return Err(TaskError::new(
                Some("NO_HOST_TO_MIGRATE_TO".to_owned()),
                format!(
                    "host {} runs {} VMs and its cluster has no other host up",
                    host.name,
                    residents.len()
                ),
            ));
        }
        for (i, v) in residents.iter().enumerate() {
            if let Some(vm) = self.vms.get_mut(v.as_str()) {
                vm.host_id = Some(others[i % others.len()].clone());
                vm.updated_at = now;
            }
        }
        if let Some(x) = self.hosts.get_mut(h.as_str()) {
            x.state = HostState::Maintenance;
        }
        Ok(())
    }
}

/// The event log: a bounded queue, oldest first.
pub(super) type EventLog = VecDeque<SimEvent>;
