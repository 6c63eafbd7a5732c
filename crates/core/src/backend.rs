//! The `Backend` trait every vendor adapter implements.

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::change::{CloneSpec, VmUpdate};
use crate::error::{Error, Result};
use crate::event::{Event, EventQuery};
use crate::guest::{Console, Nic, NicSpec, Snapshot, SnapshotSpec};
use crate::inventory::{Network, StoragePool, Template};
use crate::model::{
    Cluster, ClusterId, Disk, DiskId, Host, HostId, HostState, NetworkId, NicId, ResourceRef,
    SnapshotId, StoragePoolId, Task, TaskId, TemplateId, Vm, VmId, VmState,
};
use crate::op::{Capabilities, Op};
use crate::query::{Cursor, ListQuery, Page};
use crate::secret::Secret;

/// A power operation on a VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PowerAction {
    /// Power on.
    Start,
    /// Graceful shutdown.
    Stop,
    /// Hard power off.
    ForceStop,
    /// Restart.
    Reboot,
    /// Suspend.
    Suspend,
    /// Resume from suspension.
    Resume,
}

impl PowerAction {
    /// The operation this action is.
    pub fn op(self) -> Op {
        match self {
            PowerAction::Start => Op::VmStart,
            PowerAction::Stop => Op::VmStop,
            PowerAction::ForceStop => Op::VmForceStop,
            PowerAction::Reboot => Op::VmReboot,
            PowerAction::Suspend => Op::VmSuspend,
            PowerAction::Resume => Op::VmResume,
        }
    }

    /// The VM state this action converges on.
    pub fn target_state(self) -> VmState {
        match self {
            PowerAction::Start | PowerAction::Reboot | PowerAction::Resume => VmState::Running,
            PowerAction::Stop | PowerAction::ForceStop => VmState::Stopped,
            PowerAction::Suspend => VmState::Suspended,
        }
    }
}

/// Where a new VM comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum VmSource {
    /// An empty VM.
    Blank,
    /// A clone of a template (vendor template id).
    Template(String),
}

/// What to create.
///
/// ```
/// use omnivirt_core::VmSpec;
///
/// let spec = VmSpec::new("web-01", "cluster-1").vcpus(2).memory_bytes(4 << 30);
/// assert_eq!(spec.vcpus, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VmSpec {
    /// Name of the new VM.
    pub name: String,
    /// Cluster to create it in.
    pub cluster: ClusterId,
    /// Blank or from a template.
    pub source: VmSource,
    /// Virtual CPUs.
    pub vcpus: Option<u32>,
    /// Memory in bytes.
    pub memory_bytes: Option<u64>,
    /// Description.
    pub description: Option<String>,
    /// Network interfaces to create it with, in order; empty means the vendor's default
    /// (usually one NIC on the cluster's default network, or none).
    pub networks: Vec<NicSpec>,
    /// Where its disks go (storage domain, ELF policy, primary storage, data pool); `None`
    /// leaves the choice to the vendor.
    pub storage: Option<StoragePoolId>,
    /// Cloud-init (or vendor equivalent) user data. It often holds passwords or keys, so it is a
    /// [`Secret`]: never printed by `Debug`, serialized as `***`.
    pub user_data: Option<Secret>,
    /// Tags (labels) to put on it.
    pub tags: Vec<String>,
}

impl VmSpec {
    /// A blank VM named `name` in `cluster`.
    pub fn new(name: impl Into<String>, cluster: impl Into<ClusterId>) -> Self {
        VmSpec {
            name: name.into(),
            cluster: cluster.into(),
            source: VmSource::Blank,
            vcpus: None,
            memory_bytes: None,
            description: None,
            networks: Vec::new(),
            storage: None,
            user_data: None,
            tags: Vec::new(),
        }
    }

    /// Adds a network interface (call once per NIC, in order).
    pub fn network(mut self, nic: NicSpec) -> Self {
        self.networks.push(nic);
        self
    }

    /// Where its disks go.
    pub fn storage(mut self, pool: impl Into<StoragePoolId>) -> Self {
        self.storage = Some(pool.into());
        self
    }

    /// Cloud-init user data (a `#cloud-config` document, a script...).
    pub fn user_data(mut self, data: impl Into<Secret>) -> Self {
        self.user_data = Some(data.into());
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// The operations beyond [`Op::VmCreate`] that this spec needs the backend to support:
    /// one per optional part it uses (NICs, storage, user data, tags).
    pub fn needs(&self) -> Vec<Op> {
        let mut ops = Vec::new();
        if !self.networks.is_empty() {
            ops.push(Op::VmCreateNics);
        }
        if self.storage.is_some() {
            ops.push(Op::VmCreateStorage);
        }
        if self.user_data.is_some() {
            ops.push(Op::VmCreateUserData);
        }
        if !self.tags.is_empty() {
            ops.push(Op::VmCreateTags);
        }
        ops
    }

    /// Clone from template `id`.
    pub fn template(mut self, id: impl Into<String>) -> Self {
        self.source = VmSource::Template(id.into());
        self
    }

    /// Virtual CPUs.
    pub fn vcpus(mut self, n: u32) -> Self {
        self.vcpus = Some(n);
        self
    }

    /// Memory in bytes.
    pub fn memory_bytes(mut self, n: u64) -> Self {
        self.memory_bytes = Some(n);
        self
    }

    /// Description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Checks what every backend needs, before any I/O.
    pub fn validate(&self) -> Result<()> {
        crate::change::check_vm_fields(Some(&self.name), self.vcpus, self.memory_bytes)?;
        if self.cluster.as_str().trim().is_empty() {
            return Err(Error::invalid_input("VM cluster must not be empty"));
        }
        for nic in &self.networks {
            nic.validate()?;
        }
        if self
            .storage
            .as_ref()
            .is_some_and(|p| p.as_str().trim().is_empty())
        {
            return Err(Error::invalid_input("VM storage must not be empty"));
        }
        if let Some(t) = self.tags.iter().find(|t| t.trim().is_empty()) {
            return Err(Error::invalid_input(format!("tag {t:?} is empty")));
        }
        if self
            .user_data
            .as_ref()
            .is_some_and(|u| u.expose().len() > MAX_USER_DATA)
        {
            return Err(Error::invalid_input(format!(
                "user data is over {} KiB, more than any vendor takes",
                MAX_USER_DATA / 1024
            )));
        }
        Ok(())
    }
}

/// The most user data a spec may carry: cloud-init's own limit on most platforms is 64 KiB.
const MAX_USER_DATA: usize = 64 * 1024;

/// A new disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DiskSpec {
    /// Name of the disk.
    pub name: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Cluster (or storage scope) to create it in, when the vendor needs one.
    pub cluster: Option<ClusterId>,
    /// Vendor storage location (storage domain, pool...), when the vendor needs one.
    pub storage: Option<String>,
}

impl DiskSpec {
    /// A disk named `name` of `size_bytes`.
    pub fn new(name: impl Into<String>, size_bytes: u64) -> Self {
        DiskSpec {
            name: name.into(),
            size_bytes,
            cluster: None,
            storage: None,
        }
    }

    /// Cluster scope.
    pub fn cluster(mut self, id: impl Into<ClusterId>) -> Self {
        self.cluster = Some(id.into());
        self
    }

    /// Vendor storage location.
    pub fn storage(mut self, s: impl Into<String>) -> Self {
        self.storage = Some(s.into());
        self
    }

    /// Checks what every backend needs, before any I/O.
    pub fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid_input("disk name must not be empty"));
        }
        if self.size_bytes == 0 {
            return Err(Error::invalid_input("disk size must be more than 0 bytes"));
        }
        Ok(())
    }
}

/// What "done" looks like for an operation without (or beyond) a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Expect {
    /// The VM reaches one of these states.
    VmState(Vec<VmState>),
    /// The VM is gone (its get answers `NotFound`, or reports `Deleted`).
    VmGone,
    /// The disk is usable.
    DiskReady,
    /// The disk is attached to this VM.
    DiskAttached(VmId),
    /// The disk is attached to no VM.
    DiskDetached,
    /// The disk is gone.
    DiskGone,
    /// The host (the target) reaches one of these states.
    HostState(Vec<HostState>),
    /// The snapshot is ready, on the VM that is the target.
    SnapshotReady(SnapshotId),
    /// The snapshot is gone from the VM that is the target.
    SnapshotGone(SnapshotId),
    /// The NIC is plugged into the VM that is the target.
    NicPresent(NicId),
}

/// What a mutation returns at once: how to follow it to completion.
///
/// A backend fills in a task (ZStack job, CloudTower task...), an expectation on object state
/// (oVirt actions), or both. [`Operation::wait`](crate::Operation::wait) follows the task first,
/// then the expectation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Submitted {
    /// The operation.
    pub op: Op,
    /// The vendor task to follow, if any.
    pub task: Option<TaskId>,
    /// The object acted on (for a create: the new object, when known).
    pub target: Option<ResourceRef>,
    /// State to converge on, if any.
    pub expect: Option<Expect>,
    /// True when part of the change takes effect only at the VM's next power cycle (a CPU or
    /// memory change some vendors cannot apply to a running VM).
    #[serde(default)]
    pub restart_required: bool,
}

impl Submitted {
    /// A submission of `op` with nothing to follow: done at once.
    pub fn done(op: Op) -> Self {
        Submitted {
            op,
            task: None,
            target: None,
            expect: None,
            restart_required: false,
        }
    }

    /// Follow task `id`.
    pub fn task(mut self, id: impl Into<TaskId>) -> Self {
        self.task = Some(id.into());
        self
    }

    /// The object acted on.
    pub fn target(mut self, r: ResourceRef) -> Self {
        self.target = Some(r);
        self
    }

    /// Converge on `e`.
    pub fn expect(mut self, e: Expect) -> Self {
        self.expect = Some(e);
        self
    }

    /// Part of the change waits for the VM's next power cycle.
    pub fn restart_required(mut self, yes: bool) -> Self {
        self.restart_required = yes;
        self
    }
}

/// One vendor, behind one object-safe trait.
///
/// List methods return a single page; a page may be empty only if it is the last one, or if the
/// backend emptied it by filtering client-side and says so with
/// [`Page::filtered_client_side`](crate::Page::filtered_client_side). The
/// [`Client`](crate::Client) turns pages into streams and
/// checks [`Backend::capabilities`] before it calls any method, so an implementation may assume
/// that it is only asked for what it declared. Every optional operation defaults to
/// `Unsupported`.
#[async_trait]
pub trait Backend: Send + Sync + fmt::Debug {
    /// Short vendor name (`ovirt`, `cloudtower`, `zstack`, `veil`, `sim`).
    fn vendor(&self) -> &'static str;

    /// What this backend can do.
    fn capabilities(&self) -> &Capabilities;

    /// One page of VMs.
    async fn list_vms(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Vm>>;

    /// One VM; `NotFound` if it does not exist.
    async fn get_vm(&self, id: &VmId) -> Result<Vm>;

    /// Creates a VM.
    async fn create_vm(&self, _spec: &VmSpec) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::VmCreate))
    }

    /// Runs a power action on a VM.
    async fn power(&self, _id: &VmId, action: PowerAction) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), action.op()))
    }

    /// Deletes a VM.
    async fn delete_vm(&self, _id: &VmId) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::VmDelete))
    }

    /// Live-migrates a VM to `host`, or to a host the scheduler picks.
    async fn migrate_vm(&self, _id: &VmId, _host: Option<&HostId>) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::VmMigrate))
    }

    /// One page of hosts.
    async fn list_hosts(&self, _query: &ListQuery, _cursor: Option<&Cursor>) -> Result<Page<Host>> {
        Err(Error::unsupported(self.vendor(), Op::HostList))
    }

    /// One host.
    async fn get_host(&self, _id: &HostId) -> Result<Host> {
        Err(Error::unsupported(self.vendor(), Op::HostGet))
    }

    /// One page of clusters.
    async fn list_clusters(
        &self,
        _query: &ListQuery,
        _cursor: Option<&Cursor>,
    ) -> Result<Page<Cluster>> {
        Err(Error::unsupported(self.vendor(), Op::ClusterList))
    }

    /// One cluster.
    async fn get_cluster(&self, _id: &ClusterId) -> Result<Cluster> {
        Err(Error::unsupported(self.vendor(), Op::ClusterGet))
    }

    /// One page of disks.
    async fn list_disks(&self, _query: &ListQuery, _cursor: Option<&Cursor>) -> Result<Page<Disk>> {
        Err(Error::unsupported(self.vendor(), Op::DiskList))
    }

    /// One disk.
    async fn get_disk(&self, _id: &DiskId) -> Result<Disk> {
        Err(Error::unsupported(self.vendor(), Op::DiskGet))
    }

    /// One page of templates, images and ISOs.
    async fn list_templates(
        &self,
        _query: &ListQuery,
        _cursor: Option<&Cursor>,
    ) -> Result<Page<Template>> {
        Err(Error::unsupported(self.vendor(), Op::TemplateList))
    }

    /// One template, image or ISO.
    async fn get_template(&self, _id: &TemplateId) -> Result<Template> {
        Err(Error::unsupported(self.vendor(), Op::TemplateGet))
    }

    /// One page of networks.
    async fn list_networks(
        &self,
        _query: &ListQuery,
        _cursor: Option<&Cursor>,
    ) -> Result<Page<Network>> {
        Err(Error::unsupported(self.vendor(), Op::NetworkList))
    }

    /// One network.
    async fn get_network(&self, _id: &NetworkId) -> Result<Network> {
        Err(Error::unsupported(self.vendor(), Op::NetworkGet))
    }

    /// One page of storage pools.
    async fn list_storage_pools(
        &self,
        _query: &ListQuery,
        _cursor: Option<&Cursor>,
    ) -> Result<Page<StoragePool>> {
        Err(Error::unsupported(self.vendor(), Op::StorageList))
    }

    /// One storage pool.
    async fn get_storage_pool(&self, _id: &StoragePoolId) -> Result<StoragePool> {
        Err(Error::unsupported(self.vendor(), Op::StorageGet))
    }

    /// Creates a disk.
    async fn create_disk(&self, _spec: &DiskSpec) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::DiskCreate))
    }

    /// Attaches a disk to a VM.
    async fn attach_disk(&self, _disk: &DiskId, _vm: &VmId) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::DiskAttach))
    }

    /// Detaches a disk from a VM.
    async fn detach_disk(&self, _disk: &DiskId, _vm: &VmId) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::DiskDetach))
    }

    /// Deletes a disk.
    async fn delete_disk(&self, _disk: &DiskId) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::DiskDelete))
    }

    /// One task.
    async fn get_task(&self, _id: &TaskId) -> Result<Task> {
        Err(Error::unsupported(self.vendor(), Op::TaskGet))
    }

    /// Many tasks in one request (declare [`Op::TaskGetBatch`] to have the client use it).
    ///
    /// Returns the tasks the server knows; an id missing from the answer is treated as
    /// `NotFound` by the waiter.
    async fn get_tasks(&self, _ids: &[TaskId]) -> Result<Vec<Task>> {
        Err(Error::unsupported(self.vendor(), Op::TaskGetBatch))
    }

    /// Many VMs in one request (declare [`Op::VmGetBatch`] to have the client use it). Returns
    /// the VMs the server knows; an id missing from the answer is one that does not exist.
    async fn get_vms(&self, _ids: &[VmId]) -> Result<Vec<Vm>> {
        Err(Error::unsupported(self.vendor(), Op::VmGetBatch))
    }

    /// Changes a VM's name, description, CPUs or memory.
    async fn update_vm(&self, _id: &VmId, _update: &VmUpdate) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::VmUpdate))
    }

    /// Copies a VM into a new one.
    async fn clone_vm(&self, _id: &VmId, _spec: &CloneSpec) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::VmClone))
    }

    /// How to reach the VM's screen; issues a ticket where the vendor uses them.
    async fn console(&self, _id: &VmId) -> Result<Console> {
        Err(Error::unsupported(self.vendor(), Op::VmConsole))
    }

    /// The VM's network interfaces (a VM has few: no paging).
    async fn list_nics(&self, _vm: &VmId) -> Result<Vec<Nic>> {
        Err(Error::unsupported(self.vendor(), Op::NicList))
    }

    /// Adds a network interface to a VM.
    async fn add_nic(&self, _vm: &VmId, _spec: &NicSpec) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::NicAdd))
    }

    /// Removes a network interface from a VM.
    async fn remove_nic(&self, _vm: &VmId, _nic: &NicId) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::NicRemove))
    }

    /// The VM's snapshots (a VM has few: no paging).
    async fn list_snapshots(&self, _vm: &VmId) -> Result<Vec<Snapshot>> {
        Err(Error::unsupported(self.vendor(), Op::SnapshotList))
    }

    /// Takes a snapshot of a VM.
    async fn create_snapshot(&self, _vm: &VmId, _spec: &SnapshotSpec) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::SnapshotCreate))
    }

    /// Reverts a VM to one of its snapshots.
    async fn revert_snapshot(&self, _vm: &VmId, _snapshot: &SnapshotId) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::SnapshotRevert))
    }

    /// Deletes one of a VM's snapshots.
    async fn delete_snapshot(&self, _vm: &VmId, _snapshot: &SnapshotId) -> Result<Submitted> {
        Err(Error::unsupported(self.vendor(), Op::SnapshotDelete))
    }

    /// One page of events, newest first.
    async fn list_events(
        &self,
        _query: &EventQuery,
        _cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        Err(Error::unsupported(self.vendor(), Op::EventList))
    }

    /// Puts a host into maintenance (`enter`) or brings it back.
    async fn host_maintenance(&self, _id: &HostId, enter: bool) -> Result<Submitted> {
        let op = if enter {
            Op::HostMaintenanceEnter
        } else {
            Op::HostMaintenanceExit
        };
        Err(Error::unsupported(self.vendor(), op))
    }

    /// Releases server-side sessions (log out). Idempotent.
    async fn close(&self) -> Result<()> {
        Ok(())
    }
}
