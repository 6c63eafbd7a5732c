//! Withdrawing an operation: the client refuses it before anything reaches the backend.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use futures::TryStreamExt;
use omnivirt_core::{
    Backend, Capabilities, Client, CloneSpec, Cluster, ClusterId, Console, Cursor, Disk, DiskId,
    DiskSpec, ErrorKind, Event, EventQuery, Host, HostId, ListQuery, Network, NetworkId, Nic,
    NicId, NicSpec, Op, Page, PowerAction, Result, Snapshot, SnapshotId, SnapshotSpec, StoragePool,
    StoragePoolId, Submitted, Task, TaskId, Template, TemplateId, Vm, VmId, VmSpec, VmUpdate,
};

use crate::support::ensure;
use crate::{CaseResult, Target};

/// A backend that delegates every call to `inner` and counts it, but declares the inner
/// backend's capabilities without one op.
#[derive(Debug)]
pub struct Withdrawn {
    inner: Arc<dyn Backend>,
    caps: Capabilities,
    calls: AtomicUsize,
}

impl Withdrawn {
    /// `inner` without `op`.
    pub fn new(inner: Arc<dyn Backend>, op: Op) -> Self {
        let caps = inner.capabilities().clone().without(op);
        Withdrawn {
            inner,
            caps,
            calls: AtomicUsize::new(0),
        }
    }

    /// Calls that reached the inner backend.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn inner(&self) -> &dyn Backend {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.as_ref()
    }
}

#[async_trait]
impl Backend for Withdrawn {
    fn vendor(&self) -> &'static str {
        self.inner.vendor()
    }
    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }
    async fn list_vms(&self, q: &ListQuery, c: Option<&Cursor>) -> Result<Page<Vm>> {
        self.inner().list_vms(q, c).await
    }
    async fn get_vm(&self, id: &VmId) -> Result<Vm> {
        self.inner().get_vm(id).await
    }
    async fn create_vm(&self, spec: &VmSpec) -> Result<Submitted> {
        self.inner().create_vm(spec).await
    }
    async fn power(&self, id: &VmId, action: PowerAction) -> Result<Submitted> {
        self.inner().power(id, action).await
    }
    async fn delete_vm(&self, id: &VmId) -> Result<Submitted> {
        self.inner().delete_vm(id).await
    }
    async fn migrate_vm(&self, id: &VmId, host: Option<&HostId>) -> Result<Submitted> {
        self.inner().migrate_vm(id, host).await
    }
    async fn list_hosts(&self, q: &ListQuery, c: Option<&Cursor>) -> Result<Page<Host>> {
        self.inner().list_hosts(q, c).await
    }
    async fn get_host(&self, id: &HostId) -> Result<Host> {
        self.inner().get_host(id).await
    }
    async fn list_clusters(&self, q: &ListQuery, c: Option<&Cursor>) -> Result<Page<Cluster>> {
        self.inner().list_clusters(q, c).await
    }
    async fn get_cluster(&self, id: &ClusterId) -> Result<Cluster> {
        self.inner().get_cluster(id).await
    }
    async fn list_disks(&self, q: &ListQuery, c: Option<&Cursor>) -> Result<Page<Disk>> {
        self.inner().list_disks(q, c).await
    }
    async fn get_disk(&self, id: &DiskId) -> Result<Disk> {
        self.inner().get_disk(id).await
    }
    async fn create_disk(&self, spec: &DiskSpec) -> Result<Submitted> {
        self.inner().create_disk(spec).await
    }
    async fn attach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        self.inner().attach_disk(disk, vm).await
    }
    async fn detach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        self.inner().detach_disk(disk, vm).await
    }
    async fn delete_disk(&self, disk: &DiskId) -> Result<Submitted> {
        self.inner().delete_disk(disk).await
    }
    async fn list_templates(&self, q: &ListQuery, c: Option<&Cursor>) -> Result<Page<Template>> {
        self.inner().list_templates(q, c).await
    }
    async fn get_template(&self, id: &TemplateId) -> Result<Template> {
        self.inner().get_template(id).await
    }
    async fn list_networks(&self, q: &ListQuery, c: Option<&Cursor>) -> Result<Page<Network>> {
        self.inner().list_networks(q, c).await
    }
    async fn get_network(&self, id: &NetworkId) -> Result<Network> {
        self.inner().get_network(id).await
    }
    async fn list_storage_pools(
        &self,
        q: &ListQuery,
        c: Option<&Cursor>,
    ) -> Result<Page<StoragePool>> {
        self.inner().list_storage_pools(q, c).await
    }
    async fn get_storage_pool(&self, id: &StoragePoolId) -> Result<StoragePool> {
        self.inner().get_storage_pool(id).await
    }
    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        self.inner().get_task(id).await
    }
    async fn get_tasks(&self, ids: &[TaskId]) -> Result<Vec<Task>> {
        self.inner().get_tasks(ids).await
    }
    async fn get_vms(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        self.inner().get_vms(ids).await
    }
    async fn update_vm(&self, id: &VmId, u: &VmUpdate) -> Result<Submitted> {
        self.inner().update_vm(id, u).await
    }
    async fn clone_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        self.inner().clone_vm(id, spec).await
    }
    async fn console(&self, id: &VmId) -> Result<Console> {
        self.inner().console(id).await
    }
    async fn list_nics(&self, vm: &VmId) -> Result<Vec<Nic>> {
        self.inner().list_nics(vm).await
    }
    async fn add_nic(&self, vm: &VmId, spec: &NicSpec) -> Result<Submitted> {
        self.inner().add_nic(vm, spec).await
    }
    async fn remove_nic(&self, vm: &VmId, nic: &NicId) -> Result<Submitted> {
        self.inner().remove_nic(vm, nic).await
    }
    async fn list_snapshots(&self, vm: &VmId) -> Result<Vec<Snapshot>> {
        self.inner().list_snapshots(vm).await
    }
    async fn create_snapshot(&self, vm: &VmId, spec: &SnapshotSpec) -> Result<Submitted> {
        self.inner().create_snapshot(vm, spec).await
    }
    async fn revert_snapshot(&self, vm: &VmId, s: &SnapshotId) -> Result<Submitted> {
        self.inner().revert_snapshot(vm, s).await
    }
    async fn delete_snapshot(&self, vm: &VmId, s: &SnapshotId) -> Result<Submitted> {
        self.inner().delete_snapshot(vm, s).await
    }
    async fn list_events(&self, q: &EventQuery, c: Option<&Cursor>) -> Result<Page<Event>> {
        self.inner().list_events(q, c).await
    }
    async fn host_maintenance(&self, id: &HostId, enter: bool) -> Result<Submitted> {
        self.inner().host_maintenance(id, enter).await
    }
    async fn close(&self) -> Result<()> {
        self.inner().close().await
    }
}

/// Calls `op` through `client` with placeholder arguments; `None` if the suite has no probe for
/// `op`.
async fn call(client: &Client, op: Op) -> Option<Result<()>> {
    let vm = VmId::new("00000000-0000-4000-8000-000000000001");
    let disk = DiskId::new("00000000-0000-4000-8000-000000000002");
    let (vms, disks) = (client.vms(), client.disks());
    let first = |q: ListQuery| q.limit(1);
    Some(match op {
        Op::VmList => vms.list(first(ListQuery::new())).try_next().await.map(drop),
        Op::VmGet => vms.get(&vm).await.map(drop),
        Op::VmCreate => vms.create(&VmSpec::new("x", "c").vcpus(1)).await.map(drop),
        // Each optional part of a spec is checked on its own, VmCreate itself still supported.
        Op::VmCreateNics => {
            let spec = VmSpec::new("x", "c").network(NicSpec::new("n"));
            vms.create(&spec).await.map(drop)
        }
        Op::VmCreateStorage => vms
            .create(&VmSpec::new("x", "c").storage("p"))
            .await
            .map(drop),
        Op::VmCreateUserData => {
            let spec = VmSpec::new("x", "c").user_data("#cloud-config\n");
            vms.create(&spec).await.map(drop)
        }
        Op::VmCreateTags => vms.create(&VmSpec::new("x", "c").tag("t")).await.map(drop),
        Op::VmStart => vms.start(&vm).await.map(drop),
        Op::VmStop => vms.stop(&vm).await.map(drop),
        Op::VmForceStop => vms.force_stop(&vm).await.map(drop),
        Op::VmReboot => vms.reboot(&vm).await.map(drop),
        Op::VmSuspend => vms.suspend(&vm).await.map(drop),
        Op::VmResume => vms.resume(&vm).await.map(drop),
        Op::VmDelete => vms.delete(&vm).await.map(drop),
        Op::VmMigrate => vms.migrate(&vm, None).await.map(drop),
        Op::HostList => client
            .hosts()
            .list(first(ListQuery::new()))
            .try_next()
            .await
            .map(drop),
        Op::HostGet => client.hosts().get(&HostId::new("h")).await.map(drop),
        Op::ClusterList => client
            .clusters()
            .list(first(ListQuery::new()))
            .try_next()
            .await
            .map(drop),
        Op::ClusterGet => client.clusters().get(&ClusterId::new("c")).await.map(drop),
        Op::DiskList => disks
            .list(first(ListQuery::new()))
            .try_next()
            .await
            .map(drop),
        Op::DiskGet => disks.get(&disk).await.map(drop),
        Op::DiskCreate => disks.create(&DiskSpec::new("x", 1 << 30)).await.map(drop),
        Op::DiskAttach => disks.attach(&disk, &vm).await.map(drop),
        Op::DiskDetach => disks.detach(&disk, &vm).await.map(drop),
        Op::DiskDelete => disks.delete(&disk).await.map(drop),
        Op::TemplateList => client
            .templates()
            .list(first(ListQuery::new()))
            .try_next()
            .await
            .map(drop),
        Op::TemplateGet => client
            .templates()
            .get(&TemplateId::new("t"))
            .await
            .map(drop),
        Op::NetworkList => client
            .networks()
            .list(first(ListQuery::new()))
            .try_next()
            .await
            .map(drop),
        Op::NetworkGet => client.networks().get(&NetworkId::new("n")).await.map(drop),
        Op::StorageList => client
            .storage_pools()
            .list(first(ListQuery::new()))
            .try_next()
            .await
            .map(drop),
        Op::StorageGet => client
            .storage_pools()
            .get(&StoragePoolId::new("s"))
            .await
            .map(drop),
        Op::TaskGet => client.tasks().get(&TaskId::new("t")).await.map(drop),
        Op::VmUpdate => vms.update(&vm, &VmUpdate::new().vcpus(1)).await.map(drop),
        Op::VmClone => vms.clone_vm(&vm, &CloneSpec::new("x")).await.map(drop),
        Op::VmConsole => vms.console(&vm).await.map(drop),
        Op::NicList => vms.nics(&vm).await.map(drop),
        Op::NicAdd => vms.add_nic(&vm, &NicSpec::new("n")).await.map(drop),
        Op::NicRemove => vms.remove_nic(&vm, &NicId::new("n")).await.map(drop),
        Op::SnapshotList => vms.snapshots(&vm).await.map(drop),
        Op::SnapshotCreate => vms
            .create_snapshot(&vm, &SnapshotSpec::new("s"))
            .await
            .map(drop),
        Op::SnapshotRevert => vms
            .revert_snapshot(&vm, &SnapshotId::new("s"))
            .await
            .map(drop),
        Op::SnapshotDelete => vms
            .delete_snapshot(&vm, &SnapshotId::new("s"))
            .await
            .map(drop),
        Op::EventList => client
            .events()
            .list(EventQuery::new())
            .try_next()
            .await
            .map(drop),
        Op::HostMaintenanceEnter => client
            .hosts()
            .enter_maintenance(&HostId::new("h"))
            .await
            .map(drop),
        Op::HostMaintenanceExit => client
            .hosts()
            .exit_maintenance(&HostId::new("h"))
            .await
            .map(drop),
        _ => return None,
    })
}

/// Every op the backend supports, withdrawn one at a time, fails `Unsupported` and reaches
/// neither the backend nor the wire.
///
/// `task.get_batch` and `vm.get_batch` are left out: without them the client reads one by one
/// with `task.get` / `vm.get`, by design, instead of failing.
pub async fn unsupported_sends_nothing(t: &Target) -> CaseResult {
    let probed: Vec<Op> = t
        .client
        .capabilities()
        .ops()
        .iter()
        .copied()
        .filter(|o| !matches!(o, Op::TaskGetBatch | Op::VmGetBatch))
        .collect();
    ensure(!probed.is_empty(), || "the backend supports no op".into())?;
    for op in probed {
        let backend = Arc::new(Withdrawn::new(t.client.backend().clone(), op));
        let client = Client::new(backend.clone());
        let wire_before = t.requests.as_ref().map(|c| c.load(Ordering::SeqCst));
        let Some(res) = call(&client, op).await else {
            return Err(format!("the suite has no probe for {op}").into());
        };
        ensure(
            matches!(&res, Err(e) if e.kind() == ErrorKind::Unsupported),
            || format!("{op} withdrawn: wanted unsupported, got {res:?}"),
        )?;
        ensure(backend.calls() == 0, || {
            format!(
                "{op} withdrawn: {} backend call(s) were made",
                backend.calls()
            )
        })?;
        if let (Some(counter), Some(before)) = (&t.requests, wire_before) {
            let sent = counter.load(Ordering::SeqCst) - before;
            ensure(sent == 0, || {
                format!("{op} withdrawn: {sent} request(s) were sent")
            })?;
        }
    }
    Ok(())
}
