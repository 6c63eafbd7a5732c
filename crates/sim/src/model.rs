//! The World's objects: neutral, vendor-free, cloned out of the World on every read.
//!
//! Ids reuse the typed ids of `omnivirt_core` (`VmId`, `HostId`, ...; `.as_str()` gives the
//! text) and states reuse its neutral enums (`VmState`, `DiskState`, ...), so a skin maps one
//! neutral vocabulary to its vendor's words. Timestamps are logical Unix seconds (see
//! [`World::now`](crate::World::now) and [`rfc3339`]). Every object has an `extra` map where a
//! skin may keep vendor fields the neutral model does not name.

use omnivirt_core::{
    Cluster, ClusterId, ClusterState, Disk, DiskId, DiskState, EventId, EventSeverity, Extra, Host,
    HostId, HostState, Network, NetworkId, NicId, Op, ResourceRef, SnapshotId, SnapshotState,
    StoragePool, StorageState, Task, TaskError, TaskId, TaskState, Template, TemplateKind, Vm,
    VmId, VmState,
};

/// A cluster of hosts.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimCluster {
    /// Id (in the World's [`IdStyle`](crate::IdStyle)).
    pub id: ClusterId,
    /// Name, e.g. `cluster-01`.
    pub name: String,
    /// Always `Ok` unless a test changes it.
    pub state: ClusterState,
    /// Free text.
    pub description: String,
    /// Logical creation time (Unix seconds).
    pub created_at: u64,
    /// Vendor fields a skin keeps.
    pub extra: Extra,
}

/// A hypervisor host.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimHost {
    /// Id.
    pub id: HostId,
    /// Name, e.g. `host-01-02` (cluster 01, host 02).
    pub name: String,
    /// `Up` unless a test changes it; only `Up` hosts receive VMs.
    pub state: HostState,
    /// The cluster.
    pub cluster_id: ClusterId,
    /// Management IPv4 address, e.g. `10.0.1.2`.
    pub address: String,
    /// Logical CPU threads.
    pub cpu_threads: u32,
    /// Physical memory in bytes.
    pub memory_bytes: u64,
    /// Logical creation time.
    pub created_at: u64,
    /// Vendor fields a skin keeps.
    pub extra: Extra,
}

/// A VM template.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimTemplate {
    /// Id.
    pub id: String,
    /// Name, e.g. `template-01`.
    pub name: String,
    /// Virtual CPUs a VM created from it gets by default.
    pub vcpus: u32,
    /// Memory a VM created from it gets by default.
    pub memory_bytes: u64,
    /// Free text.
    pub description: String,
    /// Logical creation time.
    pub created_at: u64,
    /// Vendor fields a skin keeps.
    pub extra: Extra,
}

/// A network VMs connect to.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimNetwork {
    /// Id.
    pub id: String,
    /// Name, e.g. `vlan-101`.
    pub name: String,
    /// VLAN tag.
    pub vlan: Option<u16>,
    /// The cluster it is scoped to.
    pub cluster_id: ClusterId,
    /// Address range, e.g. `10.101.0.0/16`.
    pub cidr: String,
    /// Free text.
    pub description: String,
    /// Vendor fields a skin keeps.
    pub extra: Extra,
}

/// A storage pool disks live in.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimStoragePool {
    /// Id.
    pub id: String,
    /// Name, e.g. `pool-01`.
    pub name: String,
    /// Neutral state.
    pub state: StorageState,
    /// The cluster it serves.
    pub cluster_id: ClusterId,
    /// Total capacity.
    pub capacity_bytes: u64,
    /// Free space.
    pub free_bytes: u64,
    /// Vendor fields a skin keeps.
    pub extra: Extra,
}

/// A virtual machine.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimVm {
    /// Id.
    pub id: VmId,
    /// Name (unique in the World), e.g. `vm-00042`.
    pub name: String,
    /// Neutral state. Transitional states (`Starting`, ...) last while the VM's task runs.
    pub state: VmState,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Memory in bytes.
    pub memory_bytes: u64,
    /// The cluster.
    pub cluster_id: ClusterId,
    /// The host: set while running, starting, stopping, rebooting, migrating (the source host),
    /// suspending, suspended and resuming; `None` while stopped or creating.
    pub host_id: Option<HostId>,
    /// Free text.
    pub description: String,
    /// The template it was created from, if any.
    pub template_id: Option<String>,
    /// Attached disks, in attach order.
    pub disk_ids: Vec<DiskId>,
    /// Network interfaces, in plug order.
    pub nics: Vec<SimNic>,
    /// Snapshots, oldest first.
    pub snapshots: Vec<SimSnapshot>,
    /// The task holding this VM right now, if any (the VM is "locked" while it is set).
    pub task_id: Option<TaskId>,
    /// Logical creation time.
    pub created_at: u64,
    /// Logical time of the last state change.
    pub updated_at: u64,
    /// Tags, in the order given.
    pub tags: Vec<String>,
    /// Cloud-init user data it was created with (kept, never rendered).
    pub user_data: Option<String>,
    /// Vendor fields a skin keeps.
    pub extra: Extra,
}

impl SimVm {
    /// The addresses the guest reports: its NICs' addresses while it runs, none otherwise
    /// (no guest agent answers from a stopped VM).
    pub fn ips(&self) -> Vec<String> {
        if self.state == VmState::Running {
            self.nics.iter().map(|n| n.ip.clone()).collect()
        } else {
            Vec::new()
        }
    }
}

/// A VM's network interface.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimNic {
    /// Id.
    pub id: NicId,
    /// Name, e.g. `nic1`.
    pub name: String,
    /// MAC address, `52:54:00:..`.
    pub mac: String,
    /// The network it is plugged into.
    pub network_id: NetworkId,
    /// The address the network gave it.
    pub ip: String,
    /// Device model, e.g. `virtio`.
    pub model: String,
}

/// A VM snapshot: the VM's configuration at the time, so a revert restores it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimSnapshot {
    /// Id.
    pub id: SnapshotId,
    /// Name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// `Creating` -> `Ready`; `Reverting`/`Deleting` while such a task runs.
    pub state: SnapshotState,
    /// Taken with memory.
    pub includes_memory: bool,
    /// Logical creation time.
    pub created_at: u64,
    /// The VM's virtual CPUs when taken.
    pub vcpus: u32,
    /// The VM's memory when taken.
    pub memory_bytes: u64,
}

/// One entry of the World's event log: written when a task ends.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimEvent {
    /// Id.
    pub id: EventId,
    /// Logical time.
    pub time: u64,
    /// `Info` for a task that succeeded, `Error` for one that failed.
    pub severity: EventSeverity,
    /// What happened, e.g. `Starting VM vm-00001: done`.
    pub message: String,
    /// The objects it is about.
    pub refs: Vec<ResourceRef>,
    /// The op of the task, e.g. `vm.start`.
    pub code: String,
}

/// How to reach a running VM's screen.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimConsole {
    /// The host's address.
    pub host: String,
    /// VNC port.
    pub port: u16,
    /// One-time ticket.
    pub ticket: String,
    /// Logical expiry time.
    pub expires_at: u64,
}

/// A virtual disk (volume).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimDisk {
    /// Id.
    pub id: DiskId,
    /// Name (not unique).
    pub name: String,
    /// `Creating` -> `Ready`; `Locked` while an attach, detach or delete runs.
    pub state: DiskState,
    /// Provisioned size in bytes.
    pub size_bytes: u64,
    /// The VM it is attached to.
    pub vm_id: Option<VmId>,
    /// Cluster scope, if given at creation (seeded disks: their VM's cluster).
    pub cluster_id: Option<ClusterId>,
    /// Vendor storage location (storage domain, pool...), free text.
    pub storage: Option<String>,
    /// The task holding this disk right now, if any.
    pub task_id: Option<TaskId>,
    /// Logical creation time.
    pub created_at: u64,
    /// Vendor fields a skin keeps.
    pub extra: Extra,
}

/// An asynchronous task: every World mutation creates one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimTask {
    /// Id.
    pub id: TaskId,
    /// The operation (`Op::VmStart`, `Op::DiskAttach`, ...).
    pub op: Op,
    /// The object acted on (for a create: the new object).
    pub target: ResourceRef,
    /// The target's name at submission, for descriptions.
    pub target_name: String,
    /// For disk attach/detach, and a disk created attached: the VM involved.
    pub vm_id: Option<VmId>,
    /// `Pending` until first observed, then `Running`, then `Succeeded` or `Failed`.
    pub state: TaskState,
    /// 0..=100.
    pub progress: u8,
    /// Set when failed.
    pub error: Option<TaskError>,
    /// A human description, e.g. `Starting VM vm-00001`.
    pub description: String,
    /// Logical submission time.
    pub created_at: u64,
    /// Logical time it first ran (was first observed, or wall-clock started).
    pub started_at: Option<u64>,
    /// Logical time it ended.
    pub finished_at: Option<u64>,
    /// Vendor fields a skin keeps.
    pub extra: Extra,
}

impl SimTask {
    /// True once succeeded or failed.
    pub fn is_done(&self) -> bool {
        self.state.is_terminal()
    }
}

/// What a mutation returns: the task to follow and the object acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Submission {
    /// The World task.
    pub task: TaskId,
    /// The object acted on (for a create: the new object's id).
    pub target: ResourceRef,
}

impl Submission {
    /// The target's id as text.
    pub fn target_id(&self) -> &str {
        ref_id(&self.target)
    }
}

/// The id inside a `ResourceRef`, as text.
pub fn ref_id(r: &ResourceRef) -> &str {
    match r {
        ResourceRef::Vm(id) => id.as_str(),
        ResourceRef::Host(id) => id.as_str(),
        ResourceRef::Cluster(id) => id.as_str(),
        ResourceRef::Disk(id) => id.as_str(),
        ResourceRef::Snapshot(id) => id.as_str(),
        ResourceRef::Nic(id) => id.as_str(),
        ResourceRef::Template(id) => id.as_str(),
        ResourceRef::Network(id) => id.as_str(),
        ResourceRef::StoragePool(id) => id.as_str(),
        _ => "",
    }
}

impl From<&SimVm> for Vm {
    fn from(v: &SimVm) -> Self {
        let mut vm = Vm::new(v.id.clone(), v.name.clone(), v.state);
        vm.raw_state = Some(v.state.as_str().to_owned());
        vm.vcpus = Some(v.vcpus);
        vm.memory_bytes = Some(v.memory_bytes);
        vm.cluster_id = Some(v.cluster_id.clone());
        vm.host_id = v.host_id.clone();
        vm.description = (!v.description.is_empty()).then(|| v.description.clone());
        vm.ips = v.ips();
        vm.created_at = Some(rfc3339(v.created_at));
        vm.tags = v.tags.clone();
        vm.extra = v.extra.clone();
        vm
    }
}

impl From<&SimHost> for Host {
    fn from(h: &SimHost) -> Self {
        let mut host = Host::new(h.id.clone(), h.name.clone(), h.state);
        host.raw_state = Some(h.state.as_str().to_owned());
        host.cluster_id = Some(h.cluster_id.clone());
        host.address = Some(h.address.clone());
        host.cpu_threads = Some(h.cpu_threads);
        host.memory_bytes = Some(h.memory_bytes);
        host.extra = h.extra.clone();
        host
    }
}

impl From<&SimCluster> for Cluster {
    fn from(c: &SimCluster) -> Self {
        let mut cluster = Cluster::new(c.id.clone(), c.name.clone());
        cluster.state = c.state;
        cluster.raw_state = Some(c.state.as_str().to_owned());
        cluster.description = (!c.description.is_empty()).then(|| c.description.clone());
        cluster.extra = c.extra.clone();
        cluster
    }
}

impl From<&SimDisk> for Disk {
    fn from(d: &SimDisk) -> Self {
        let mut disk = Disk::new(d.id.clone(), d.name.clone(), d.state);
        disk.raw_state = Some(d.state.as_str().to_owned());
        disk.size_bytes = Some(d.size_bytes);
        disk.vm_id = d.vm_id.clone();
        disk.extra = d.extra.clone();
        disk
    }
}

impl From<&SimTemplate> for Template {
    fn from(t: &SimTemplate) -> Self {
        let mut template = Template::new(t.id.clone(), t.name.clone(), TemplateKind::Template);
        template.description = (!t.description.is_empty()).then(|| t.description.clone());
        template.extra = t.extra.clone();
        template
    }
}

impl From<&SimNetwork> for Network {
    fn from(n: &SimNetwork) -> Self {
        let mut net = Network::new(n.id.clone(), n.name.clone());
        net.vlan = n.vlan;
        net.cluster_id = Some(n.cluster_id.clone());
        net.cidr = (!n.cidr.is_empty()).then(|| n.cidr.clone());
        net.description = (!n.description.is_empty()).then(|| n.description.clone());
        net.extra = n.extra.clone();
        net
    }
}

impl From<&SimStoragePool> for StoragePool {
    fn from(p: &SimStoragePool) -> Self {
        let mut pool = StoragePool::new(p.id.clone(), p.name.clone(), p.state);
        pool.raw_state = Some(p.state.as_str().to_owned());
        pool.cluster_id = Some(p.cluster_id.clone());
        pool.capacity_bytes = Some(p.capacity_bytes);
        pool.free_bytes = Some(p.free_bytes);
        pool.extra = p.extra.clone();
        pool
    }
}

impl From<&SimTask> for Task {
    fn from(t: &SimTask) -> Self {
        let mut task = Task::new(t.id.clone(), t.state);
        task.name = Some(t.description.clone());
        task.raw_state = Some(t.state.as_str().to_owned());
        task.progress = Some(t.progress);
        task.error = t.error.clone();
        task.target = Some(t.target.clone());
        task.extra = t.extra.clone();
        task
    }
}

/// Formats Unix seconds as RFC 3339 UTC, e.g. `2026-01-01T00:00:00Z`.
///
/// ```
/// assert_eq!(omnivirt_sim::rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
/// ```
pub fn rfc3339(secs: u64) -> String {
    crate::text::DateTime::of(secs).with_z().as_str().to_owned()
}

// Howard Hinnant's days-to-civil algorithm.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600 + 3_661), "2026-01-01T01:01:01Z");
    }
}
