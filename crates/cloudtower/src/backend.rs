//! `impl omnivirt_core::Backend` over the native face.

use async_trait::async_trait;
use omnivirt_core::{
    Backend, Capabilities, CloneSpec, Cluster, ClusterId, Console, Cursor, Disk, DiskId, DiskSpec,
    Error, Event, EventQuery, Expect, Host, HostId, ListQuery, NameFilter, Network, NetworkId, Nic,
    NicId, NicSpec, Op, OrderField, Page, PowerAction, ResourceRef, Result, Snapshot, SnapshotId,
    SnapshotSpec, StoragePool, StoragePoolId, Submitted, Task, TaskId, Template, TemplateId, Vm,
    VmId, VmSource, VmSpec, VmUpdate,
};
use omnivirt_http::SharedTransport;

use crate::VENDOR;
use crate::config::CloudTowerConfig;
use crate::convert::{self, VmStateFilter};
use crate::generated::types::{ElfStoragePolicy, FromMap, NetworkType, Vds, Vlan};
use crate::native::filter::{
    ClusterWhere, ContentLibraryVmTemplateWhere, ElfStoragePolicyWhere, HostWhere, StrField,
    VdsWhere, VlanWhere, VmDiskWhere, VmVolumeWhere, VmWhere, WhereInput, some,
};
use crate::native::query::{Api, Direction, Query, Resource};
use crate::native::vm::{CloudInit, DiskParams, MountDisk, VmCreate, VmFromTemplate, VolumeCreate};
use crate::native::{CloudTowerClient, Credentials};
use crate::wire::{self, Bus, EntityAsyncStatus, StoragePolicy, VmStatus, WithTask};

mod day2;
mod guest;
mod labels;

/// Rows a listing asks for per request (`first`) unless the query says: 500 VMs are about 1.5 MB
/// of JSON, and a 10,000-VM listing then takes 20 requests at about 21 MiB peak (docs/performance.md).
const DEFAULT_PAGE: u32 = 500;

/// The CloudTower backend: a thin layer over [`CloudTowerClient`].
#[derive(Debug, Clone)]
pub struct CloudTowerBackend {
    client: CloudTowerClient,
    caps: Capabilities,
}

/// Connects from a neutral config: HTTPS with the standard stack (retry, timeouts, auth).
pub async fn connect(config: &CloudTowerConfig) -> Result<CloudTowerBackend> {
    Ok(CloudTowerBackend::new(config.client_builder()?.build()?))
}

fn capabilities() -> Capabilities {
    Capabilities::new([
        Op::VmList,
        Op::VmGet,
        Op::VmCreate,
        Op::VmStart,
        Op::VmStop,
        Op::VmForceStop,
        Op::VmReboot,
        Op::VmSuspend,
        Op::VmResume,
        Op::VmDelete,
        Op::VmMigrate,
        Op::HostList,
        Op::HostGet,
        Op::ClusterList,
        Op::ClusterGet,
        Op::DiskList,
        Op::DiskGet,
        Op::DiskCreate,
        Op::DiskAttach,
        Op::DiskDetach,
        Op::DiskDelete,
        Op::TaskGet,
        Op::TaskGetBatch,
        Op::TemplateList,
        Op::TemplateGet,
        Op::NetworkList,
        Op::NetworkGet,
        Op::StorageList,
        Op::StorageGet,
        Op::VmGetBatch,
        Op::VmUpdate,
        Op::VmClone,
        Op::SnapshotList,
        Op::SnapshotCreate,
        Op::SnapshotRevert,
        Op::SnapshotDelete,
        Op::HostMaintenanceEnter,
        Op::HostMaintenanceExit,
        Op::EventList,
        Op::NicList,
        Op::NicAdd,
        Op::NicRemove,
        Op::VmConsole,
        Op::VmCreateNics,
        Op::VmCreateTags,
        Op::VmCreateUserData,
    ])
    .with_max_task_batch(100)
    .with_note(
        Op::VmList,
        "get-vms with a typed where; cursor = after <id>",
    )
    .with_note(Op::VmStop, "shutdown-vm (graceful)")
    .with_note(Op::VmForceStop, "poweroff-vm")
    .with_note(Op::VmReboot, "restart-vm")
    .with_note(
        Op::VmDelete,
        "delete-vm (permanent); the native face also has move-vm-to-recycle",
    )
    .with_note(
        Op::DiskList,
        "VM volumes (get-vm-volumes + get-vm-disks for the VM)",
    )
    .with_note(
        Op::DiskCreate,
        "create-vm-volume; needs a cluster; storage = elf_storage_policy",
    )
    .with_note(Op::TaskGetBatch, "get-tasks with id_in")
    .with_note(Op::VmGetBatch, "get-vms with id_in, 100 ids a request")
    .with_note(
        Op::VmUpdate,
        "update-vm-basic-info; CPU/memory of a running VM at its next power cycle",
    )
    .with_note(Op::VmClone, "clone-vm (no storage choice)")
    .with_note(
        Op::SnapshotCreate,
        "create-vm-snapshot, crash-consistent; no description, no memory",
    )
    .with_note(Op::SnapshotRevert, "rollback-vm")
    .with_note(Op::HostMaintenanceEnter, "enter-maintance-mode (sic)")
    .with_note(Op::HostMaintenanceExit, "exit-maintance-mode (sic)")
    .with_note(
        Op::EventList,
        "get-user-audit-logs, newest first; the VM is the log's resource_id",
    )
    .with_note(
        Op::NicList,
        "get-vm-nics; the NIC id is its MAC (VmNic ids change on every sync)",
    )
    .with_note(
        Op::NicAdd,
        "add-vm-nic with a MAC (the given one or one picked in 52:54:00); NICs have no name",
    )
    .with_note(Op::NicRemove, "remove-vm-nic by the NIC's index")
    .with_note(
        Op::VmConsole,
        "get-vm-vnc-info: the websocket URL, its token as the ticket",
    )
    .with_note(
        Op::VmCreateNics,
        "vm_nics of create-vm / create-vm-from-content-library-template (VLAN ids); no NIC names",
    )
    .with_note(
        Op::VmCreateStorage,
        "not offered: create-vm-from-content-library-template copies the template's disks \
         under the template's own storage policy (disk_operate.modify_disks takes no policy), \
         and a policy is chosen only for new volumes, which a VmSpec does not create",
    )
    .with_note(
        Op::VmCreateUserData,
        "cloud_init.user_data of create-vm-from-content-library-template; a VM without a \
         template cannot take it (unsupported, before any request)",
    )
    .with_note(
        Op::VmCreateTags,
        "labels (tag = key or key=value): get-labels key_in, create-label for new ones, \
         add-labels-to-resources on the VM",
    )
    .with_note(
        Op::TemplateList,
        "get-content-library-vm-templates (the ids create-vm-from-content-library-template takes)",
    )
    .with_note(
        Op::NetworkList,
        "get-vlans of type VM; cluster from the VLAN's VDS (one get-vdses per page)",
    )
    .with_note(
        Op::StorageList,
        "get-elf-storage-policies; capacity is the cluster's (one get-clusters per page)",
    )
}

impl CloudTowerBackend {
    /// Wraps a native client.
    pub fn new(client: CloudTowerClient) -> Self {
        CloudTowerBackend {
            client,
            caps: capabilities(),
        }
    }

    /// A backend over a ready transport (tests, cassettes, the simulator).
    pub fn with_transport(
        url: impl Into<String>,
        transport: SharedTransport,
        credentials: Credentials,
    ) -> Self {
        Self::new(CloudTowerClient::new(url, transport, credentials))
    }

    /// The native client, for everything the neutral API does not cover.
    pub fn client(&self) -> &CloudTowerClient {
        &self.client
    }
}

fn order<W: WhereInput>(q: Query<W>, query: &ListQuery) -> Query<W> {
    match query.order {
        Some(o) => {
            let field = match o.field {
                OrderField::Id => "id",
                _ => "name",
            };
            let dir = if o.descending {
                Direction::Desc
            } else {
                Direction::Asc
            };
            q.order_by(field, dir)
        }
        None => q,
    }
}

/// `page` with only the objects whose name passes `query`'s name filter, marked as filtered
/// on this side when `client_side` (the filter was not in the request).
fn keep_named<T>(
    mut page: Page<T>,
    query: &ListQuery,
    name: fn(&T) -> &str,
    client_side: bool,
) -> Page<T> {
    page.items
        .retain(|t| query.name.as_ref().is_none_or(|n| n.matches(name(t))));
    page.filtered_client_side(client_side)
}

/// The name filter of `q` on `w`'s `name` field; true when it must be checked client-side.
fn by_name<W: WhereInput>(w: W, q: &ListQuery, name: fn(W) -> StrField<W>) -> (W, bool) {
    match &q.name {
        Some(NameFilter::Contains(s)) => (name(w).contains(s.clone()), false),
        Some(NameFilter::Equals(s)) => (name(w).eq(s.clone()), false),
        Some(_) => (w, true),
        None => (w, false),
    }
}

/// `ListQuery` -> `VmWhere`; returns whether some part must be filtered client-side.
fn vm_where(q: &ListQuery) -> (VmWhere, bool) {
    let (mut w, mut client_side) = by_name(VmWhere::new(), q, VmWhere::name);
    if let Some(st) = q.vm_state {
        w = match convert::vm_filter_for(st) {
            Some(VmStateFilter::Status(s)) => w.status().eq(VmStatus::from_wire(s)),
            Some(VmStateFilter::Busy(b)) => {
                w.entity_async_status().eq(EntityAsyncStatus::from_wire(b))
            }
            Some(VmStateFilter::Updating(s)) => w
                .status()
                .eq(VmStatus::from_wire(s))
                .entity_async_status()
                .eq(EntityAsyncStatus::from_wire("UPDATING")),
            Some(VmStateFilter::RecycleBin) => w.in_recycle_bin().eq(true),
            None => {
                client_side = true;
                w
            }
        };
    }
    if let Some(c) = &q.cluster {
        w = w.cluster(ClusterWhere::new().id().eq(c.as_str()));
    }
    if let Some(h) = &q.host {
        w = w.host(HostWhere::new().id().eq(h.as_str()));
    }
    (w, client_side)
}

/// [`submitted`] for a mutation addressed to VM `vm`, about `target`.
fn submitted_on_vm<T>(
    op: Op,
    items: Vec<WithTask<T>>,
    vm: &VmId,
    target: ResourceRef,
) -> Result<Submitted> {
    submitted(op, items, &format!("VM with id {vm}"), Some(target))
}

fn submitted<T>(
    op: Op,
    items: Vec<WithTask<T>>,
    what: &str,
    target: Option<ResourceRef>,
) -> Result<Submitted> {
    let Some(first) = items.into_iter().next() else {
        return Err(Error::not_found(format!("no {what} matched"))
            .with_vendor(VENDOR)
            .with_op(op));
    };
    let mut s = Submitted::done(op);
    if let Some(t) = first.task_id {
        s = s.task(t);
    }
    if let Some(r) = target {
        s = s.target(r);
    }
    Ok(s)
}

/// The distinct non-empty ids `of` picks from `items`, in first-seen order.
fn distinct_ids<T>(items: &[T], of: impl Fn(&T) -> Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in items.iter().filter_map(of).filter(|s| !s.is_empty()) {
        if !out.iter().any(|x| x == id) {
            out.push(id.to_owned());
        }
    }
    out
}

fn vlan_vds(v: &Vlan) -> Option<&str> {
    v.vds.as_ref().and_then(|d| d.id.as_deref())
}

fn policy_cluster(p: &ElfStoragePolicy) -> Option<&str> {
    p.cluster.as_ref().and_then(|c| c.id.as_deref())
}

impl CloudTowerBackend {
    fn by_id(id: &VmId) -> VmWhere {
        VmWhere::new().id().eq(id.as_str())
    }

    /// One page of the objects matching `w`, ordered and sized as `query` asks;
    /// `client_side` says some filter of `query` is not in `w` (see
    /// [`ListQuery::request_size`]).
    async fn page<T: Resource + FromMap>(
        &self,
        (w, client_side): (T::Where, bool),
        query: &ListQuery,
        cursor: Option<&Cursor>,
        op: Op,
    ) -> Result<Page<T>> {
        self.page_into((w, client_side), query, cursor, op, |t| t, T::id)
            .await
    }

    /// [`page`](Self::page), each object converted with `convert` as it is decoded; `id` is the
    /// id of the object a converted one came from.
    async fn page_into<T: Resource + FromMap, U: Send + 'static>(
        &self,
        (w, client_side): (T::Where, bool),
        query: &ListQuery,
        cursor: Option<&Cursor>,
        op: Op,
        convert: impl FnMut(T) -> U + Clone + Send + 'static,
        id: fn(&U) -> &str,
    ) -> Result<Page<U>> {
        let size = query.request_size(DEFAULT_PAGE, client_side);
        Api::<T>::new(self.client.clone())
            .page_into(order(Query::new(w), query), size, cursor, op, convert, id)
            .await
    }

    /// The object with this id, errors tagged with `op`.
    async fn get<T: Resource>(&self, id: &str, op: Op) -> Result<T> {
        Api::<T>::new(self.client.clone())
            .get(id)
            .await
            .map_err(|e| e.with_op(op))
    }

    /// The objects with these ids, in one `get-<x>` with `id_in` (none asked: no request).
    async fn by_ids<T: Resource>(&self, ids: Vec<String>, op: Op) -> Result<Vec<T>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let n = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        let w = T::Where::default().raw("id_in", serde_json::json!(ids));
        Api::<T>::new(self.client.clone())
            .list(Query::new(w).first(n))
            .await
            .map_err(|e| e.with_op(op))
    }

    /// VLANs as networks, with the cluster of each one's VDS.
    async fn networks(&self, vlans: &[Vlan], op: Op) -> Result<Vec<Network>> {
        let vdses: Vec<Vds> = self.by_ids(distinct_ids(vlans, vlan_vds), op).await?;
        Ok(vlans
            .iter()
            .map(|v| {
                let cluster = vlan_vds(v)
                    .and_then(|id| vdses.iter().find(|d| d.id.as_deref() == Some(id)))
                    .and_then(|d| d.cluster.as_ref())
                    .and_then(|c| c.id.as_deref());
                convert::network(v, cluster)
            })
            .collect())
    }

    /// Storage policies as pools, sized by their clusters.
    async fn pools(&self, policies: &[ElfStoragePolicy], op: Op) -> Result<Vec<StoragePool>> {
        let clusters: Vec<wire::Cluster> = self
            .by_ids(distinct_ids(policies, policy_cluster), op)
            .await?;
        Ok(policies
            .iter()
            .map(|p| {
                let c = policy_cluster(p)
                    .and_then(|id| clusters.iter().find(|c| c.id.as_deref() == Some(id)));
                convert::storage_pool(p, c)
            })
            .collect())
    }

    async fn volume_owners(&self, disks: &mut [Disk]) -> Result<()> {
        if disks.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = disks.iter().map(|d| d.id.as_str().to_owned()).collect();
        let slots = self
            .client
            .vm_disks()
            .list_where(VmDiskWhere::new().vm_volume(VmVolumeWhere::new().id().in_(ids)))
            .await?;
        for d in disks.iter_mut() {
            d.vm_id = slots
                .iter()
                .find(|s| {
                    s.vm_volume
                        .as_ref()
                        .is_some_and(|v| v.id.as_deref() == Some(d.id.as_str()))
                })
                .and_then(|s| s.vm.as_ref())
                .map(|v| VmId::new(crate::convert::text(&v.id)));
        }
        Ok(())
    }
}

#[async_trait]
impl Backend for CloudTowerBackend {
    fn vendor(&self) -> &'static str {
        VENDOR
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn list_vms(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Vm>> {
        let (w, client_side) = vm_where(query);
        // Only the fields the conversion reads are decoded (`convert::ListedVm`).
        let listed = |v: convert::ListedVm| convert::vm(v.0);
        let mut page = self
            .page_into(
                (w, client_side),
                query,
                cursor,
                Op::VmList,
                listed,
                |v: &Vm| v.id.as_str(),
            )
            .await?;
        page.items.retain(|v| query.matches_vm(v));
        Ok(page.filtered_client_side(client_side))
    }

    async fn get_vm(&self, id: &VmId) -> Result<Vm> {
        let v: wire::Vm = self.get(id.as_str(), Op::VmGet).await?;
        Ok(convert::vm(v))
    }

    async fn create_vm(&self, spec: &VmSpec) -> Result<Submitted> {
        spec.validate()?;
        let nics = guest::create_nics(spec)?;
        labels::check_tags(&spec.tags)?;
        if spec.user_data.is_some() && !matches!(spec.source, VmSource::Template(_)) {
            return Err(Error::new(
                omnivirt_core::ErrorKind::Unsupported,
                "user_data: CloudTower takes cloud-init only when a VM is created from a \
                 content-library template (create-vm-from-content-library-template); give a \
                 template",
            )
            .with_vendor(VENDOR)
            .with_op(Op::VmCreateUserData));
        }
        let vcpus = spec.vcpus.unwrap_or(1);
        let mem = i64::try_from(spec.memory_bytes.unwrap_or(1 << 30))
            .map_err(|_| Error::invalid_input("memory does not fit in an i64"))?;
        let items = match &spec.source {
            VmSource::Template(t) => {
                let mut p =
                    VmFromTemplate::new(t.clone(), spec.cluster.as_str(), spec.name.clone());
                if spec.vcpus.is_some() {
                    p = p.cpu(1, vcpus);
                }
                if spec.memory_bytes.is_some() {
                    p = p.memory_bytes(mem);
                }
                if let Some(d) = &spec.description {
                    p = p.description(d.clone());
                }
                if let Some(n) = nics {
                    p = p.nics(n);
                }
                if let Some(u) = &spec.user_data {
                    p = p.cloud_init(CloudInit::new().user_data(u.clone()));
                }
                self.client.vm().create_from_template(&[p]).await?
            }
            _ => {
                let mut p = VmCreate::new(spec.cluster.as_str(), spec.name.clone())
                    .cpu(1, vcpus)
                    .memory_bytes(mem);
                if let Some(d) = &spec.description {
                    p = p.description(d.clone());
                }
                for n in nics.into_iter().flatten() {
                    p = p.nic(n);
                }
                self.client.vm().create(&[p]).await?
            }
        };
        let target = items
            .first()
            .and_then(|w| w.data.id.as_deref())
            .map(|id| ResourceRef::Vm(VmId::new(id)));
        if let Some(id) = items
            .first()
            .filter(|_| !spec.tags.is_empty())
            .and_then(|w| w.data.id.as_deref())
        {
            if let Err(e) = self.label_vm(id, &spec.tags).await {
                return Err(Error::new(
                    e.kind(),
                    format!(
                        "VM {id} ({}) was created, but labelling it failed: {e}; it is left as \
                         it is, to keep or delete",
                        spec.name
                    ),
                )
                .with_vendor(VENDOR)
                .with_op(Op::VmCreate));
            }
        }
        submitted(Op::VmCreate, items, "VM", target)
    }

    async fn power(&self, id: &VmId, action: PowerAction) -> Result<Submitted> {
        let w = Self::by_id(id);
        let vm = self.client.vm();
        let items = match action {
            PowerAction::Start => vm.start(&w, None).await?,
            PowerAction::Stop => vm.shutdown(&w).await?,
            PowerAction::ForceStop => vm.poweroff(&w).await?,
            PowerAction::Reboot => vm.restart(&w).await?,
            PowerAction::Suspend => vm.suspend(&w).await?,
            PowerAction::Resume => vm.resume(&w).await?,
            _ => return Err(Error::unsupported(VENDOR, action.op())),
        };
        let s = submitted_on_vm(action.op(), items, id, ResourceRef::Vm(id.clone()))?;
        Ok(s.expect(Expect::VmState(vec![action.target_state()])))
    }

    async fn delete_vm(&self, id: &VmId) -> Result<Submitted> {
        let items = self.client.vm().delete(&Self::by_id(id), None).await?;
        let s = submitted_on_vm(Op::VmDelete, items, id, ResourceRef::Vm(id.clone()))?;
        Ok(s.expect(Expect::VmGone))
    }

    async fn migrate_vm(&self, id: &VmId, host: Option<&HostId>) -> Result<Submitted> {
        let items = self
            .client
            .vm()
            .migrate(&Self::by_id(id), host.map(|h| h.as_str()))
            .await?;
        submitted_on_vm(Op::VmMigrate, items, id, ResourceRef::Vm(id.clone()))
    }

    async fn list_hosts(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Host>> {
        let (mut w, by_client) = by_name(HostWhere::new(), query, HostWhere::name);
        if let Some(c) = &query.cluster {
            w = w.cluster(ClusterWhere::new().id().eq(c.as_str()));
        }
        let client_side = by_client || query.host_state.is_some();
        let host = |h: wire::Host| convert::host(&h);
        let mut page = self
            .page_into(
                (w, client_side),
                query,
                cursor,
                Op::HostList,
                host,
                |h: &Host| h.id.as_str(),
            )
            .await?;
        page.items.retain(|h| query.matches_host(h));
        Ok(page.filtered_client_side(client_side))
    }

    async fn get_host(&self, id: &HostId) -> Result<Host> {
        let h: wire::Host = self.get(id.as_str(), Op::HostGet).await?;
        Ok(convert::host(&h))
    }

    async fn list_clusters(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Cluster>> {
        let (w, client_side) = by_name(ClusterWhere::new(), query, ClusterWhere::name);
        let cluster = |c: wire::Cluster| convert::cluster(&c);
        let page = self
            .page_into(
                (w, client_side),
                query,
                cursor,
                Op::ClusterList,
                cluster,
                |c: &Cluster| c.id.as_str(),
            )
            .await?;
        Ok(keep_named(page, query, |c| &c.name, client_side))
    }

    async fn get_cluster(&self, id: &ClusterId) -> Result<Cluster> {
        let c: wire::Cluster = self.get(id.as_str(), Op::ClusterGet).await?;
        Ok(convert::cluster(&c))
    }

    async fn list_disks(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Disk>> {
        let (mut w, by_client) = by_name(VmVolumeWhere::new(), query, VmVolumeWhere::name);
        if let Some(c) = &query.cluster {
            w = w.cluster(ClusterWhere::new().id().eq(c.as_str()));
        }
        if let Some(v) = &query.vm {
            w = w.vm_disks(some(
                VmDiskWhere::new().vm(VmWhere::new().id().eq(v.as_str())),
            ));
        }
        let client_side = by_client || query.disk_state.is_some();
        let volume = |v: wire::VmVolume| convert::volume(&v);
        let mut page = self
            .page_into(
                (w, client_side),
                query,
                cursor,
                Op::DiskList,
                volume,
                |d: &Disk| d.id.as_str(),
            )
            .await?;
        self.volume_owners(&mut page.items)
            .await
            .map_err(|e| e.with_op(Op::DiskList))?;
        page.items.retain(|d| query.matches_disk(d));
        Ok(page.filtered_client_side(client_side))
    }

    async fn get_disk(&self, id: &DiskId) -> Result<Disk> {
        let v: wire::VmVolume = self.get(id.as_str(), Op::DiskGet).await?;
        let mut d = [convert::volume(&v)];
        self.volume_owners(&mut d).await?;
        let [d] = d;
        Ok(d)
    }

    async fn create_disk(&self, spec: &DiskSpec) -> Result<Submitted> {
        spec.validate()?;
        let cluster = spec.cluster.as_ref().ok_or_else(|| {
            Error::invalid_input("a CloudTower volume needs a cluster (DiskSpec::cluster)")
                .with_vendor(VENDOR)
                .with_op(Op::DiskCreate)
        })?;
        let size = i64::try_from(spec.size_bytes)
            .map_err(|_| Error::invalid_input("disk size does not fit in an i64"))?;
        let mut p = VolumeCreate::new(cluster.as_str(), spec.name.clone(), size);
        if let Some(s) = &spec.storage {
            p = p.policy(StoragePolicy::from_wire(s));
        }
        let items = self.client.vm().create_volume(&[p]).await?;
        let target = items
            .first()
            .map(|w| ResourceRef::Disk(DiskId::new(crate::convert::text(&w.data.id))));
        let s = submitted(Op::DiskCreate, items, "volume", target)?;
        Ok(s.expect(Expect::DiskReady))
    }

    async fn attach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        let slots = self
            .client
            .vm_disks()
            .count(VmDiskWhere::new().vm(Self::by_id(vm)))
            .await
            .map_err(|e| e.with_op(Op::DiskAttach))?;
        let boot = i32::try_from(slots).unwrap_or(i32::MAX);
        let disks = DiskParams::new().mount(MountDisk::new(disk.as_str(), Bus::Virtio, boot));
        let items = self.client.vm().add_disk(&Self::by_id(vm), &disks).await?;
        let s = submitted_on_vm(Op::DiskAttach, items, vm, ResourceRef::Disk(disk.clone()))?;
        Ok(s.expect(Expect::DiskAttached(vm.clone())))
    }

    async fn detach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        let slots = self
            .client
            .vm_disks()
            .list_where(
                VmDiskWhere::new()
                    .vm(Self::by_id(vm))
                    .vm_volume(VmVolumeWhere::new().id().eq(disk.as_str())),
            )
            .await
            .map_err(|e| e.with_op(Op::DiskDetach))?;
        if slots.is_empty() {
            return Err(
                Error::not_found(format!("volume {disk} is not attached to VM {vm}"))
                    .with_vendor(VENDOR)
                    .with_op(Op::DiskDetach),
            );
        }
        let ids: Vec<String> = slots.into_iter().filter_map(|s| s.id).collect();
        let items = self.client.vm().remove_disk(&Self::by_id(vm), &ids).await?;
        let s = submitted_on_vm(Op::DiskDetach, items, vm, ResourceRef::Disk(disk.clone()))?;
        Ok(s.expect(Expect::DiskDetached))
    }

    async fn delete_disk(&self, disk: &DiskId) -> Result<Submitted> {
        let items = self
            .client
            .vm()
            .delete_volume(&VmVolumeWhere::new().id().eq(disk.as_str()))
            .await?;
        let s = submitted(
            Op::DiskDelete,
            items,
            &format!("volume with id {disk}"),
            Some(ResourceRef::Disk(disk.clone())),
        )?;
        Ok(s.expect(Expect::DiskGone))
    }

    async fn list_templates(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Template>> {
        let (mut w, client_side) = by_name(
            ContentLibraryVmTemplateWhere::new(),
            query,
            ContentLibraryVmTemplateWhere::name,
        );
        if let Some(c) = &query.cluster {
            w = w.clusters(some(ClusterWhere::new().id().eq(c.as_str())));
        }
        let template = |t: wire::ContentLibraryVmTemplate| convert::template(&t);
        let page = self
            .page_into(
                (w, client_side),
                query,
                cursor,
                Op::TemplateList,
                template,
                |t: &Template| t.id.as_str(),
            )
            .await?;
        Ok(keep_named(page, query, |t| &t.name, client_side))
    }

    async fn get_template(&self, id: &TemplateId) -> Result<Template> {
        let t: wire::ContentLibraryVmTemplate = self.get(id.as_str(), Op::TemplateGet).await?;
        Ok(convert::template(&t))
    }

    async fn list_networks(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Network>> {
        let (mut w, client_side) = by_name(VlanWhere::new(), query, VlanWhere::name);
        w = w.r#type().eq(NetworkType::Vm);
        if let Some(c) = &query.cluster {
            w = w.vds(VdsWhere::new().cluster(ClusterWhere::new().id().eq(c.as_str())));
        }
        let page = self
            .page::<Vlan>((w, client_side), query, cursor, Op::NetworkList)
            .await?;
        let items = self
            .networks(&page.items, Op::NetworkList)
            .await?
            .into_iter()
            .filter(|n| query.name.as_ref().is_none_or(|f| f.matches(&n.name)))
            .collect();
        Ok(Page::new(items, page.next).filtered_client_side(client_side))
    }

    async fn get_network(&self, id: &NetworkId) -> Result<Network> {
        let v: Vlan = self.get(id.as_str(), Op::NetworkGet).await?;
        let mut n = self.networks(&[v], Op::NetworkGet).await?;
        n.pop().ok_or_else(|| {
            Error::protocol("get-vlans: a VLAN was lost in conversion")
                .with_vendor(VENDOR)
                .with_op(Op::NetworkGet)
        })
    }

    async fn list_storage_pools(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<StoragePool>> {
        let (mut w, client_side) = by_name(
            ElfStoragePolicyWhere::new(),
            query,
            ElfStoragePolicyWhere::name,
        );
        if let Some(c) = &query.cluster {
            w = w.cluster(ClusterWhere::new().id().eq(c.as_str()));
        }
        let page = self
            .page::<ElfStoragePolicy>((w, client_side), query, cursor, Op::StorageList)
            .await?;
        let items = self
            .pools(&page.items, Op::StorageList)
            .await?
            .into_iter()
            .filter(|p| query.name.as_ref().is_none_or(|f| f.matches(&p.name)))
            .collect();
        Ok(Page::new(items, page.next).filtered_client_side(client_side))
    }

    async fn get_storage_pool(&self, id: &StoragePoolId) -> Result<StoragePool> {
        let p: ElfStoragePolicy = self.get(id.as_str(), Op::StorageGet).await?;
        let mut pools = self.pools(&[p], Op::StorageGet).await?;
        pools.pop().ok_or_else(|| {
            Error::protocol("get-elf-storage-policies: a policy was lost in conversion")
                .with_vendor(VENDOR)
                .with_op(Op::StorageGet)
        })
    }

    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        let t: wire::Task = self.get(id.as_str(), Op::TaskGet).await?;
        Ok(convert::task(&t))
    }

    async fn get_tasks(&self, ids: &[TaskId]) -> Result<Vec<Task>> {
        let ids: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
        let tasks: Vec<wire::Task> = self.client.get_tasks(&ids).await?;
        Ok(tasks.iter().map(convert::task).collect())
    }

    async fn get_vms(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        self.vms_by_ids(ids).await
    }

    async fn update_vm(&self, id: &VmId, update: &VmUpdate) -> Result<Submitted> {
        self.update(id, update).await
    }

    async fn clone_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        self.clone(id, spec).await
    }

    async fn list_snapshots(&self, vm: &VmId) -> Result<Vec<Snapshot>> {
        self.snapshots_of(vm).await
    }

    async fn create_snapshot(&self, vm: &VmId, spec: &SnapshotSpec) -> Result<Submitted> {
        self.snapshot_create(vm, spec).await
    }

    async fn revert_snapshot(&self, vm: &VmId, snap: &SnapshotId) -> Result<Submitted> {
        self.snapshot_revert(vm, snap).await
    }

    async fn delete_snapshot(&self, vm: &VmId, snap: &SnapshotId) -> Result<Submitted> {
        self.snapshot_delete(vm, snap).await
    }

    async fn console(&self, id: &VmId) -> Result<Console> {
        self.vnc(id).await
    }

    async fn list_nics(&self, vm: &VmId) -> Result<Vec<Nic>> {
        self.nics_of(vm).await
    }

    async fn add_nic(&self, vm: &VmId, spec: &NicSpec) -> Result<Submitted> {
        self.nic_add(vm, spec).await
    }

    async fn remove_nic(&self, vm: &VmId, nic: &NicId) -> Result<Submitted> {
        self.nic_remove(vm, nic).await
    }

    async fn host_maintenance(&self, id: &HostId, enter: bool) -> Result<Submitted> {
        self.maintenance(id, enter).await
    }

    async fn list_events(
        &self,
        query: &EventQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        self.events(query, cursor).await
    }

    async fn close(&self) -> Result<()> {
        self.client.close().await
    }
}
