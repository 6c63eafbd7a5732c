//! `SimBackend`: an `omnivirt_core::Backend` straight over the World (no HTTP).

use std::sync::Arc;

use async_trait::async_trait;
use omnivirt_core::{
    Backend, Capabilities, CloneSpec, Cluster, ClusterId, Console, ConsoleProtocol, Cursor, Disk,
    DiskId, DiskSpec, Error, Event, EventQuery, Expect, Host, HostId, HostState, ListQuery,
    Network, NetworkId, Nic, NicId, NicSpec, Op, Page, PowerAction, ResourceRef, Result, Secret,
    Snapshot, SnapshotId, SnapshotSpec, StoragePool, StoragePoolId, Submitted, Task, TaskId,
    Template, TemplateId, Vm, VmId, VmSource, VmSpec, VmUpdate, time,
};

use crate::error::SimError;
use crate::model::{SimEvent, SimNic, SimSnapshot, Submission, rfc3339};
use crate::query::{Filter, Listing, Paging};
use crate::world::{NewDisk, NewNic, NewVm, VmChange, World};

/// Default items per page when the query does not say.
const DEFAULT_PAGE: usize = 100;
/// Largest page served.
const MAX_PAGE: usize = 1000;

/// The neutral `sim` backend: every call goes straight to the [`World`], with full
/// [`Capabilities`] (including `TaskGetBatch`). Mutations return the World's task; the
/// `Client` follows it with `get_task`/`get_tasks`. Cursors are offsets.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> omnivirt_core::Result<()> {
/// use std::sync::Arc;
/// use futures::TryStreamExt;
/// use omnivirt_core::{Client, ListQuery, VmState};
/// use omnivirt_sim::{SimBackend, World};
///
/// let client = Client::new(Arc::new(SimBackend::new(Arc::new(World::default()))));
/// let running: Vec<_> = client.vms().list(ListQuery::new().vm_state(VmState::Running)).try_collect().await?;
/// assert!(!running.is_empty());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct SimBackend {
    world: Arc<World>,
    caps: Capabilities,
}

impl SimBackend {
    /// A backend over `world`.
    pub fn new(world: Arc<World>) -> Self {
        SimBackend {
            world,
            caps: Capabilities::all()
                .with_max_task_batch(MAX_PAGE)
                .with_note(Op::VmList, "server-side filters, offset cursor")
                .with_note(Op::TaskGetBatch, "one World call"),
        }
    }

    /// The World behind it.
    pub fn world(&self) -> &Arc<World> {
        &self.world
    }
}

fn err(op: Op) -> impl Fn(SimError) -> Error {
    move |e| Error::from(e).with_op(op)
}

fn paging(query: &ListQuery, cursor: Option<&Cursor>) -> Result<Paging> {
    let offset = match cursor {
        None => 0,
        Some(c) => c.as_str().parse::<usize>().map_err(|_| {
            Error::invalid_input(format!("sim cursor `{}` is not an offset", c.as_str()))
        })?,
    };
    // The World applies every filter, so a limited listing asks for no more than its limit.
    let default = u32::try_from(DEFAULT_PAGE).unwrap_or(u32::MAX);
    let size = usize::try_from(query.request_size(default, false))
        .unwrap_or(MAX_PAGE)
        .clamp(1, MAX_PAGE);
    let mut p = Paging::from_query(query);
    p.offset = offset;
    p.limit = Some(size);
    Ok(p)
}

fn to_page<S, T>(l: Listing<S>, offset: usize, f: impl Fn(&S) -> T) -> Page<T> {
    // `next_offset` is relative to the start of the matching set, which here is `offset`.
    let next = l
        .next_offset
        .map(|n| Cursor::new(n.max(offset).to_string()));
    Page::new(l.items.iter().map(f).collect(), next).with_total(l.total as u64)
}

fn submitted(op: Op, r: std::result::Result<Submission, SimError>) -> Result<Submitted> {
    let s = r.map_err(err(op))?;
    Ok(Submitted::done(op).task(s.task).target(s.target))
}

#[async_trait]
impl Backend for SimBackend {
    fn vendor(&self) -> &'static str {
        "sim"
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn list_vms(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Vm>> {
        let p = paging(query, cursor)?;
        let l = self.world.list_vms(&Filter::from_query(query), &p);
        Ok(to_page(l, p.offset, |v| Vm::from(v)))
    }

    async fn get_vm(&self, id: &VmId) -> Result<Vm> {
        self.world
            .get_vm(id.as_str())
            .map(|v| Vm::from(&v))
            .map_err(err(Op::VmGet))
    }

    async fn create_vm(&self, spec: &VmSpec) -> Result<Submitted> {
        spec.validate()?;
        let mut n = NewVm::new(spec.name.clone(), spec.cluster.clone());
        n.vcpus = spec.vcpus;
        n.memory_bytes = spec.memory_bytes;
        n.description = spec.description.clone().unwrap_or_default();
        if let VmSource::Template(t) = &spec.source {
            n.template_id = Some(t.clone());
        }
        n.nics = spec
            .networks
            .iter()
            .map(|s| {
                let mut nic = NewNic::new(s.network.as_str());
                nic.name = s.name.clone();
                nic.model = s.model.clone();
                nic.mac = s.mac.clone();
                nic
            })
            .collect();
        n.storage = spec.storage.as_ref().map(|p| p.as_str().to_owned());
        n.user_data = spec.user_data.as_ref().map(|u| u.expose().to_owned());
        n.tags = spec.tags.clone();
        submitted(Op::VmCreate, self.world.create_vm(n))
    }

    async fn power(&self, id: &VmId, action: PowerAction) -> Result<Submitted> {
        submitted(action.op(), self.world.power_vm(id.as_str(), action))
    }

    async fn delete_vm(&self, id: &VmId) -> Result<Submitted> {
        submitted(Op::VmDelete, self.world.delete_vm(id.as_str()))
    }

    async fn migrate_vm(&self, id: &VmId, host: Option<&HostId>) -> Result<Submitted> {
        submitted(
            Op::VmMigrate,
            self.world.migrate_vm(id.as_str(), host.map(HostId::as_str)),
        )
    }

    async fn list_hosts(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Host>> {
        let p = paging(query, cursor)?;
        let l = self.world.list_hosts(&Filter::from_query(query), &p);
        Ok(to_page(l, p.offset, |h| Host::from(h)))
    }

    async fn get_host(&self, id: &HostId) -> Result<Host> {
        self.world
            .get_host(id.as_str())
            .map(|h| Host::from(&h))
            .map_err(err(Op::HostGet))
    }

    async fn list_clusters(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Cluster>> {
        let p = paging(query, cursor)?;
        let l = self.world.list_clusters(&Filter::from_query(query), &p);
        Ok(to_page(l, p.offset, |c| Cluster::from(c)))
    }

    async fn get_cluster(&self, id: &ClusterId) -> Result<Cluster> {
        self.world
            .get_cluster(id.as_str())
            .map(|c| Cluster::from(&c))
            .map_err(err(Op::ClusterGet))
    }

    async fn list_disks(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Disk>> {
        let p = paging(query, cursor)?;
        let mut f = Filter::from_query(query);
        // A ListQuery's cluster filter means VMs and hosts; disks without a cluster still show.
        f.cluster = None;
        let l = self.world.list_disks(&f, &p);
        Ok(to_page(l, p.offset, |d| Disk::from(d)))
    }

    async fn get_disk(&self, id: &DiskId) -> Result<Disk> {
        self.world
            .get_disk(id.as_str())
            .map(|d| Disk::from(&d))
            .map_err(err(Op::DiskGet))
    }

    async fn create_disk(&self, spec: &DiskSpec) -> Result<Submitted> {
        spec.validate()?;
        let mut n = NewDisk::new(spec.name.clone(), spec.size_bytes);
        n.cluster_id = spec.cluster.clone();
        n.storage = spec.storage.clone();
        submitted(Op::DiskCreate, self.world.create_disk(n))
    }

    async fn attach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        submitted(
            Op::DiskAttach,
            self.world.attach_disk(disk.as_str(), vm.as_str()),
        )
    }

    async fn detach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        submitted(
            Op::DiskDetach,
            self.world.detach_disk(disk.as_str(), vm.as_str()),
        )
    }

    async fn delete_disk(&self, disk: &DiskId) -> Result<Submitted> {
        submitted(Op::DiskDelete, self.world.delete_disk(disk.as_str()))
    }

    async fn list_templates(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Template>> {
        let p = paging(query, cursor)?;
        let l = self.world.list_templates(&Filter::from_query(query), &p);
        Ok(to_page(l, p.offset, |t| Template::from(t)))
    }

    async fn get_template(&self, id: &TemplateId) -> Result<Template> {
        self.world
            .get_template(id.as_str())
            .map(|t| Template::from(&t))
            .map_err(err(Op::TemplateGet))
    }

    async fn list_networks(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Network>> {
        let p = paging(query, cursor)?;
        let l = self.world.list_networks(&Filter::from_query(query), &p);
        Ok(to_page(l, p.offset, |n| Network::from(n)))
    }

    async fn get_network(&self, id: &NetworkId) -> Result<Network> {
        self.world
            .get_network(id.as_str())
            .map(|n| Network::from(&n))
            .map_err(err(Op::NetworkGet))
    }

    async fn list_storage_pools(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<StoragePool>> {
        let p = paging(query, cursor)?;
        let l = self
            .world
            .list_storage_pools(&Filter::from_query(query), &p);
        Ok(to_page(l, p.offset, |x| StoragePool::from(x)))
    }

    async fn get_storage_pool(&self, id: &StoragePoolId) -> Result<StoragePool> {
        self.world
            .get_storage_pool(id.as_str())
            .map(|x| StoragePool::from(&x))
            .map_err(err(Op::StorageGet))
    }

    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        self.world
            .get_task(id.as_str())
            .map(|t| Task::from(&t))
            .map_err(err(Op::TaskGet))
    }

    async fn get_tasks(&self, ids: &[TaskId]) -> Result<Vec<Task>> {
        let ids: Vec<&str> = ids.iter().map(TaskId::as_str).collect();
        Ok(self.world.get_tasks(&ids).iter().map(Task::from).collect())
    }
    async fn get_vms(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        let f = Filter {
            ids: Some(ids.iter().map(|i| i.to_string()).collect()),
            ..Filter::default()
        };
        let l = self.world.list_vms(&f, &Paging::new(0, ids.len().max(1)));
        Ok(l.items.iter().map(Vm::from).collect())
    }

    async fn update_vm(&self, id: &VmId, update: &VmUpdate) -> Result<Submitted> {
        let mut c = VmChange::new();
        c.name = update.name.clone();
        c.description = update.description.clone();
        c.vcpus = update.vcpus;
        c.memory_bytes = update.memory_bytes;
        let (s, restart) = self
            .world
            .reconfigure_vm(id.as_str(), c)
            .map_err(err(Op::VmUpdate))?;
        Ok(Submitted::done(Op::VmUpdate)
            .task(s.task)
            .target(s.target)
            .restart_required(restart))
    }

    async fn clone_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        submitted(
            Op::VmClone,
            self.world.clone_vm(
                id.as_str(),
                &spec.name,
                spec.cluster.as_ref().map(ClusterId::as_str),
                spec.storage.as_ref().map(StoragePoolId::as_str),
            ),
        )
    }

    async fn console(&self, id: &VmId) -> Result<Console> {
        let c = self
            .world
            .console(id.as_str())
            .map_err(err(Op::VmConsole))?;
        let mut out = Console::new(ConsoleProtocol::Vnc);
        out.host = Some(c.host);
        out.port = Some(c.port);
        out.ticket = Some(Secret::new(c.ticket));
        out.expires_at = Some(rfc3339(c.expires_at));
        Ok(out)
    }

    async fn list_nics(&self, vm: &VmId) -> Result<Vec<Nic>> {
        let v = self.world.get_vm(vm.as_str()).map_err(err(Op::NicList))?;
        let ips = v.ips();
        Ok(v.nics.iter().map(|n| nic(vm, n, &ips)).collect())
    }

    async fn add_nic(&self, vm: &VmId, spec: &NicSpec) -> Result<Submitted> {
        spec.validate()?;
        let (s, id) = self
            .world
            .add_nic(
                vm.as_str(),
                spec.network.as_str(),
                spec.name.as_deref(),
                spec.model.as_deref(),
                spec.mac.as_deref(),
            )
            .map_err(err(Op::NicAdd))?;
        Ok(Submitted::done(Op::NicAdd)
            .task(s.task)
            .target(ResourceRef::Vm(vm.clone()))
            .expect(Expect::NicPresent(id)))
    }

    async fn remove_nic(&self, vm: &VmId, nic: &NicId) -> Result<Submitted> {
        submitted(
            Op::NicRemove,
            self.world.remove_nic(vm.as_str(), nic.as_str()),
        )
    }

    async fn list_snapshots(&self, vm: &VmId) -> Result<Vec<Snapshot>> {
        let v = self
            .world
            .get_vm(vm.as_str())
            .map_err(err(Op::SnapshotList))?;
        Ok(v.snapshots.iter().map(|s| snapshot(vm, s)).collect())
    }

    async fn create_snapshot(&self, vm: &VmId, spec: &SnapshotSpec) -> Result<Submitted> {
        spec.validate()?;
        let (s, id) = self
            .world
            .create_snapshot(
                vm.as_str(),
                &spec.name,
                spec.description.as_deref().unwrap_or(""),
                spec.include_memory,
            )
            .map_err(err(Op::SnapshotCreate))?;
        Ok(Submitted::done(Op::SnapshotCreate)
            .task(s.task)
            .target(s.target)
            .expect(Expect::SnapshotReady(id)))
    }

    async fn revert_snapshot(&self, vm: &VmId, snap: &SnapshotId) -> Result<Submitted> {
        submitted(
            Op::SnapshotRevert,
            self.world.revert_snapshot(vm.as_str(), snap.as_str()),
        )
    }

    async fn delete_snapshot(&self, vm: &VmId, snap: &SnapshotId) -> Result<Submitted> {
        submitted(
            Op::SnapshotDelete,
            self.world.delete_snapshot(vm.as_str(), snap.as_str()),
        )
    }

    async fn list_events(
        &self,
        query: &EventQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        let offset = match cursor {
            None => 0,
            Some(c) => c.as_str().parse::<usize>().map_err(|_| {
                Error::invalid_input(format!("sim cursor `{}` is not an offset", c.as_str()))
            })?,
        };
        let since =
            match &query.since {
                None => None,
                Some(t) => Some(time::parse_rfc3339(t).ok_or_else(|| {
                    Error::invalid_input(format!("`{t}` is not an RFC 3339 time"))
                })?),
            };
        let size = query
            .page_size
            .map_or(DEFAULT_PAGE, |n| (n as usize).clamp(1, MAX_PAGE));
        let l = self.world.list_events(
            since.map(|s| u64::try_from(s).unwrap_or(0)),
            query.vm.as_ref().map(VmId::as_str),
            offset,
            size,
        );
        let next = l.next_offset.map(|n| Cursor::new(n.to_string()));
        Ok(Page::new(l.items.iter().map(event).collect(), next).with_total(l.total as u64))
    }

    async fn host_maintenance(&self, id: &HostId, enter: bool) -> Result<Submitted> {
        let (op, state) = if enter {
            (Op::HostMaintenanceEnter, HostState::Maintenance)
        } else {
            (Op::HostMaintenanceExit, HostState::Up)
        };
        Ok(
            submitted(op, self.world.host_maintenance(id.as_str(), enter))?
                .expect(Expect::HostState(vec![state])),
        )
    }
}

fn nic(vm: &VmId, n: &SimNic, reported: &[String]) -> Nic {
    let mut out = Nic::new(n.id.clone(), vm.clone(), n.name.clone());
    out.mac = Some(n.mac.clone());
    out.network_id = Some(n.network_id.clone());
    out.model = Some(n.model.clone());
    if reported.contains(&n.ip) {
        out.ips = vec![n.ip.clone()];
    }
    out
}

fn snapshot(vm: &VmId, s: &SimSnapshot) -> Snapshot {
    let mut out = Snapshot::new(s.id.clone(), vm.clone(), s.name.clone(), s.state);
    out.description = (!s.description.is_empty()).then(|| s.description.clone());
    out.created_at = Some(rfc3339(s.created_at));
    out.raw_state = Some(s.state.as_str().to_owned());
    out.includes_memory = Some(s.includes_memory);
    out
}

fn event(e: &SimEvent) -> Event {
    let mut out = Event::new(e.id.clone(), rfc3339(e.time), e.severity, e.message.clone());
    out.refs = e.refs.clone();
    out.code = Some(e.code.clone());
    out
}
