//! `impl omnivirt_core::Backend` over the native face.

use async_trait::async_trait;
use omnivirt_core::{
    Backend, Capabilities, CloneSpec, Cluster, ClusterId, Console, Cursor, Disk, DiskId, DiskSpec,
    Error, Event, EventQuery, Expect, Host, HostId, HostState, ListQuery, NameFilter, Network,
    NetworkId, Nic, NicId, NicSpec, Op, OrderField, Page, PowerAction, ResourceRef, Result,
    Snapshot, SnapshotId, SnapshotSpec, StoragePool, StoragePoolId, Submitted, Task, TaskError,
    TaskId, TaskState, Template, TemplateId, Vm, VmId, VmSource, VmSpec, VmState, VmUpdate,
};
use omnivirt_http::SharedTransport;
use serde_json::Value;
use std::collections::HashMap;

use crate::VENDOR;
use crate::config::ZStackConfig;
use crate::convert::{self, ListedVm};
use crate::generated::types::{L2NetworkInventory, L3NetworkInventory};
use crate::native::jobs::job_error;
use crate::native::query::{Condition, Direction, Query};
use crate::native::{
    CreateDataVolume, CreateVm, Credentials, DeleteMode, JobStatus, Reply, StopType, ZStackClient,
};

mod coalesce;
mod day2;
mod spec;
mod tags;
mod vm_reads;

pub(crate) use spec::USERDATA_TAG;

/// Rows a query asks for per request (`limit`) unless the query says: 500 VM inventories (with NICs
/// and volumes) keep a 10,000-VM listing near 33 MiB peak (docs/performance.md).
const DEFAULT_PAGE: u32 = 500;
const MAX_PAGE: u32 = 1000;

/// The ZStack backend: a thin layer over [`ZStackClient`].
#[derive(Debug, Clone)]
pub struct ZStackBackend {
    client: ZStackClient,
    caps: Capabilities,
    pending_nics: day2::PendingNics,
    tag_reads: std::sync::Arc<tags::TagReads>,
    vm_reads: std::sync::Arc<vm_reads::VmReads>,
}

/// Connects from a neutral config: HTTP(S) with the standard stack (retry, timeouts, auth).
pub async fn connect(config: &ZStackConfig) -> Result<ZStackBackend> {
    Ok(ZStackBackend::new(config.client_builder()?.build()?))
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
        Op::TemplateList,
        Op::TemplateGet,
        Op::NetworkList,
        Op::NetworkGet,
        Op::StorageList,
        Op::StorageGet,
        Op::VmGetBatch,
        Op::VmCreateNics,
        Op::VmCreateStorage,
        Op::VmCreateUserData,
        Op::VmCreateTags,
        Op::VmUpdate,
        Op::VmClone,
        Op::VmConsole,
        Op::NicList,
        Op::NicAdd,
        Op::NicRemove,
        Op::SnapshotList,
        Op::SnapshotCreate,
        Op::SnapshotRevert,
        Op::SnapshotDelete,
        Op::EventList,
        Op::HostMaintenanceEnter,
        Op::HostMaintenanceExit,
    ])
    .with_max_task_batch(day2::VM_BATCH)
    .with_note(
        Op::VmList,
        "QueryVmInstance with q= conditions; cursor = start offset",
    )
    .with_note(
        Op::VmCreate,
        "CreateVmInstance (strategy CreateStopped); template = imageUuid",
    )
    .with_note(Op::VmStop, "StopVmInstance type=grace")
    .with_note(Op::VmForceStop, "StopVmInstance type=cold")
    .with_note(Op::VmSuspend, "PauseVmInstance")
    .with_note(Op::VmResume, "ResumeVmInstance")
    .with_note(
        Op::VmDelete,
        "DestroyVmInstance; with the Delay policy the VM stays Destroyed (= deleted) until expunged",
    )
    .with_note(Op::DiskList, "QueryVolume (root and data volumes)")
    .with_note(
        Op::DiskCreate,
        "CreateDataVolume; storage = primaryStorageUuid",
    )
    .with_note(
        Op::TaskGet,
        "GET /api-jobs/{uuid}; there is no batched job query",
    )
    .with_note(
        Op::TemplateList,
        "QueryImage: RootVolumeTemplate = template, ISO = iso, DataVolumeTemplate = image",
    )
    .with_note(
        Op::NetworkList,
        "QueryL3Network, plus one QueryL2Network per page for the VLAN and clusters",
    )
    .with_note(
        Op::StorageList,
        "QueryPrimaryStorage; capacity = totalCapacity, free = availableCapacity",
    )
    .with_note(
        Op::VmGetBatch,
        "QueryVmInstance q=uuid?=a,b,... (100 uuids per request)",
    )
    .with_note(
        Op::VmUpdate,
        "UpdateVmInstance; a running VM's new CPU/memory is reported as restart_required",
    )
    .with_note(Op::VmClone, "CloneVmInstance (one name, strategy CreateStopped)")
    .with_note(
        Op::VmConsole,
        "RequestConsoleAccess: console proxy host/port and token",
    )
    .with_note(Op::NicList, "vmNics of the VM inventory")
    .with_note(
        Op::NicAdd,
        "AttachL3NetworkToVm (model = driverType, mac = customMac; ZStack names NICs itself)",
    )
    .with_note(Op::NicRemove, "DetachL3NetworkFromVm")
    .with_note(Op::SnapshotList, "QueryVolumeSnapshotGroup vmInstanceUuid=")
    .with_note(
        Op::SnapshotCreate,
        "CreateVolumeSnapshotGroup of the root volume (every volume; withMemory)",
    )
    .with_note(Op::SnapshotRevert, "RevertVmFromSnapshotGroup")
    .with_note(Op::SnapshotDelete, "DeleteVolumeSnapshotGroup")
    .with_note(Op::EventList, "QueryEventLog, sort=-time, time>= for since")
    .with_note(
        Op::HostMaintenanceEnter,
        "ChangeHostState stateEvent=maintain",
    )
    .with_note(Op::HostMaintenanceExit, "ChangeHostState stateEvent=enable")
    .with_note(
        Op::VmCreateNics,
        "CreateVmInstance l3NetworkUuids (the first is the default); no MAC or model at create",
    )
    .with_note(
        Op::VmCreateStorage,
        "CreateVmInstance primaryStorageUuidForRootVolume",
    )
    .with_note(
        Op::VmCreateUserData,
        "CreateVmInstance system tag userdata::<base64>",
    )
    .with_note(
        Op::VmCreateTags,
        "CreateVmInstance userTags; read back with one QueryUserTag per page",
    )
}

impl ZStackBackend {
    /// Wraps a native client.
    pub fn new(client: ZStackClient) -> Self {
        ZStackBackend {
            client,
            caps: capabilities(),
            pending_nics: day2::PendingNics::default(),
            tag_reads: std::sync::Arc::default(),
            vm_reads: std::sync::Arc::default(),
        }
    }

    /// A backend over a ready transport (tests, cassettes, the simulator); `url` is the API
    /// base (`http://mn:8080/zstack/v1`).
    pub fn with_transport(
        url: impl Into<String>,
        transport: SharedTransport,
        credentials: Credentials,
    ) -> Self {
        Self::new(ZStackClient::new(url, transport, credentials))
    }

    /// The native client, for everything the neutral API does not cover.
    pub fn client(&self) -> &ZStackClient {
        &self.client
    }
}

/// The ZStack words of a neutral VM state.
fn vm_words(st: VmState) -> Vec<&'static str> {
    convert::VM_STATES
        .iter()
        .filter(|(_, s)| *s == st)
        .map(|(w, _)| *w)
        .collect()
}

fn offset_of(cursor: Option<&Cursor>) -> Result<u64> {
    match cursor {
        None => Ok(0),
        Some(c) => c.as_str().parse::<u64>().map_err(|_| {
            Error::invalid_input(format!("`{}` is not a ZStack page cursor", c.as_str()))
                .with_vendor(VENDOR)
        }),
    }
}

/// Where `q` cannot go to the server as is; returns the conditions and whether the page
/// must be checked client-side (LIKE wildcards in a name, states without a ZStack word).
fn name_condition(name: &Option<NameFilter>) -> (Option<Condition>, bool) {
    match name {
        Some(NameFilter::Equals(s)) => match Condition::eq("name", s.clone()).render() {
            Ok(_) => (Some(Condition::eq("name", s.clone())), false),
            Err(_) => (None, true),
        },
        Some(NameFilter::Contains(s)) => {
            if s.contains(['%', '_']) {
                (None, true)
            } else {
                let c = Condition::like("name", format!("%{s}%"));
                match c.render() {
                    Ok(_) => (Some(c), false),
                    Err(_) => (None, true),
                }
            }
        }
        Some(_) => (None, true),
        None => (None, false),
    }
}

/// `q` paged as `query` asks from `cursor` on; `client_side` says some filter of `query` is not
/// in `q` (see [`ListQuery::request_size`]).
fn paged(
    q: Query,
    query: &ListQuery,
    client_side: bool,
    cursor: Option<&Cursor>,
) -> Result<(Query, u64, u32)> {
    let start = offset_of(cursor)?;
    let size = query
        .request_size(DEFAULT_PAGE, client_side)
        .clamp(1, MAX_PAGE);
    let mut q = q.limit(size).start(start).reply_with_count(true);
    if let Some(o) = query.order {
        let field = match o.field {
            OrderField::Id => "uuid",
            _ => "name",
        };
        let dir = if o.descending {
            Direction::Desc
        } else {
            Direction::Asc
        };
        q = q.sort(field, dir);
    }
    Ok((q, start, size))
}

fn next_cursor(start: u64, got: usize, size: u32, total: Option<u64>) -> Option<Cursor> {
    let next = start + got as u64;
    let more = match total {
        Some(t) => next < t,
        None => got as u64 >= u64::from(size),
    };
    (more && got > 0).then(|| Cursor::new(next.to_string()))
}

/// A page, re-checked client-side: ZStack compares strings case-insensitively, the neutral
/// filter does not.
fn finish<T>(
    items: Vec<T>,
    start: u64,
    size: u32,
    total: Option<u64>,
    keep: impl Fn(&T) -> bool,
    client_side: bool,
) -> Page<T> {
    let got = items.len();
    let kept: Vec<T> = items.into_iter().filter(|i| keep(i)).collect();
    let dropped = kept.len() != got;
    let mut page = Page::new(kept, next_cursor(start, got, size, total));
    if let Some(t) = total
        && !client_side
        && !dropped
    {
        page = page.with_total(t);
    }
    page.filtered_client_side(client_side || dropped)
}

/// The resource a job result is about, from the shape of its `inventory`.
fn target_of(result: &Value) -> Option<ResourceRef> {
    if let Some(Ok(vm)) = day2::clone_outcome(result) {
        return Some(ResourceRef::Vm(VmId::new(vm)));
    }
    let inv = result.get("inventory")?;
    let uuid = inv.get("uuid")?.as_str()?.to_owned();
    let has = |k: &str| inv.get(k).is_some();
    if has("vmNics") || has("allVolumes") || has("rootVolumeUuid") || has("instanceOfferingUuid") {
        Some(ResourceRef::Vm(VmId::new(uuid)))
    } else if has("volumeSnapshotRefs") || has("snapshotCount") {
        Some(ResourceRef::Snapshot(SnapshotId::new(uuid)))
    } else if has("primaryStorageUuid") || has("installPath") || has("actualSize") || has("size") {
        Some(ResourceRef::Disk(DiskId::new(uuid)))
    } else {
        None
    }
}

/// What a mutation's answer promises. ZStack runs every mutation as a job (202 and its
/// location) or, when it finished at once, answers with the changed `inventory`; an answer with
/// neither (`{}`, an empty 200 or 204) says nothing about what happened and is a protocol error.
fn submitted(
    op: Op,
    reply: Reply,
    target: Option<ResourceRef>,
    expect: Option<Expect>,
) -> Result<Submitted> {
    let mut s = Submitted::done(op);
    match reply {
        Reply::Accepted(job) => s = s.task(job.uuid),
        Reply::Done(v) => {
            if v.get("inventory").is_none_or(Value::is_null) {
                return Err(Error::protocol(format!(
                    "{op}: the server answered without a job location or an inventory"
                ))
                .with_vendor(VENDOR)
                .with_op(op));
            }
            if let Some(t) = target_of(&v) {
                s = s.target(t);
            }
        }
    }
    if let Some(t) = target {
        s = s.target(t);
    }
    if let Some(e) = expect {
        s = s.expect(e);
    }
    Ok(s)
}

/// The L2 networks behind a page of L3 networks, in one query (`uuid?=a,b,...`).
async fn l2_of(
    client: &ZStackClient,
    l3: &[L3NetworkInventory],
    op: Op,
) -> Result<HashMap<String, L2NetworkInventory>> {
    let mut uuids: Vec<&str> = l3
        .iter()
        .filter_map(|n| n.l2_network_uuid.as_deref())
        .filter(|u| !u.is_empty())
        .collect();
    uuids.sort_unstable();
    uuids.dedup();
    if uuids.is_empty() {
        return Ok(HashMap::new());
    }
    let n = u32::try_from(uuids.len()).unwrap_or(MAX_PAGE);
    let q = Query::new()
        .filter(Condition::is_in("uuid", uuids))
        .limit(n);
    let page = client.query_l2_networks(&q, Some(op)).await?;
    Ok(page
        .items
        .into_iter()
        .filter_map(|l2| l2.uuid.clone().map(|u| (u, l2)))
        .collect())
}

fn networks(
    l3: &[L3NetworkInventory],
    l2: &HashMap<String, L2NetworkInventory>,
) -> Result<Vec<Network>> {
    l3.iter()
        .map(|n| {
            let l2 = n.l2_network_uuid.as_deref().and_then(|u| l2.get(u));
            convert::network(n, l2)
        })
        .collect()
}

/// A network is in a cluster when its L2 is attached to it (any of them, not only the first).
fn network_in(n: &Network, cluster: &ClusterId) -> bool {
    n.cluster_id.as_ref() == Some(cluster)
        || n.extra
            .get("attached_cluster_uuids")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|c| c.as_str() == Some(cluster.as_str())))
}

/// Whether a name filter alone holds for `name` (the inventory kinds without other filters).
fn name_ok(query: &ListQuery, name: &str) -> bool {
    query.name.as_ref().is_none_or(|n| n.matches(name))
}

#[async_trait]
impl Backend for ZStackBackend {
    fn vendor(&self) -> &'static str {
        VENDOR
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn list_vms(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Vm>> {
        let (name, mut client_side) = name_condition(&query.name);
        let mut q = Query::new();
        if let Some(c) = name {
            q = q.filter(c);
        }
        if let Some(st) = query.vm_state {
            let words = vm_words(st);
            if words.is_empty() {
                client_side = true;
            } else {
                q = q.filter(Condition::is_in("state", words));
            }
        }
        if let Some(c) = &query.cluster {
            q = q.filter(Condition::eq("clusterUuid", c.as_str()));
        }
        if let Some(h) = &query.host {
            q = q.filter(Condition::eq("hostUuid", h.as_str()));
        }
        let (q, start, size) = paged(q, query, client_side, cursor)?;
        // Only the fields the conversion reads are decoded (`convert::ListedVm`).
        let page = self.client.query_vms_as::<ListedVm>(&q).await?;
        let mut items: Vec<Vm> = page.items.into_iter().map(|v| convert::vm(v.0)).collect();
        self.fill_tags(&mut items, Op::VmList).await?;
        Ok(finish(
            items,
            start,
            size,
            page.total,
            |v| query.matches_vm(v),
            client_side,
        ))
    }

    async fn get_vm(&self, id: &VmId) -> Result<Vm> {
        let key = id.as_str();
        // The VM and its tags are read at once: a get waits one round trip, not two. Both
        // requests go out after the get began, so a change made before it is seen; under load
        // each joins the next read shared with the gets beside it (`vm_of_one`,
        // `tags_of_one`).
        let (listed, tags) =
            futures::future::try_join(self.vm_of_one(key), self.tags_of_one(key)).await?;
        let mut vm = convert::vm(listed.0);
        vm.tags = if vm.id.as_str() == key {
            tags
        } else {
            // The engine matched the uuid as asked in another spelling (its match ignores
            // case): read the tags of the uuid it sent.
            self.tags_of_one(vm.id.as_str()).await?
        };
        Ok(vm)
    }

    async fn create_vm(&self, spec: &VmSpec) -> Result<Submitted> {
        spec.validate()
            .map_err(|e| e.with_vendor(VENDOR).with_op(Op::VmCreate))?;
        let mut c = CreateVm::new(spec.name.clone())
            .cluster(spec.cluster.as_str())
            .strategy("CreateStopped");
        if let Some(n) = spec.vcpus {
            c = c.cpu_num(n);
        }
        if let Some(m) = spec.memory_bytes {
            c = c.memory_size(m);
        }
        if let Some(d) = &spec.description {
            c = c.description(d.clone());
        }
        if let VmSource::Template(t) = &spec.source {
            c = c.image(t.clone());
        }
        let c = spec::create_parts(spec, c)?;
        let reply = self.client.create_vm(&c).await?;
        submitted(Op::VmCreate, reply, None, None)
    }

    async fn power(&self, id: &VmId, action: PowerAction) -> Result<Submitted> {
        let uuid = id.as_str();
        let reply = match action {
            PowerAction::Start => self.client.start_vm(uuid, None).await?,
            PowerAction::Stop => self.client.stop_vm(uuid, StopType::Grace).await?,
            PowerAction::ForceStop => self.client.stop_vm(uuid, StopType::Cold).await?,
            PowerAction::Reboot => self.client.reboot_vm(uuid).await?,
            PowerAction::Suspend => self.client.pause_vm(uuid).await?,
            PowerAction::Resume => self.client.resume_vm(uuid).await?,
            other => return Err(Error::unsupported(VENDOR, other.op())),
        };
        submitted(
            action.op(),
            reply,
            Some(ResourceRef::Vm(id.clone())),
            Some(Expect::VmState(vec![action.target_state()])),
        )
    }

    async fn delete_vm(&self, id: &VmId) -> Result<Submitted> {
        let reply = self
            .client
            .destroy_vm(id.as_str(), DeleteMode::Permissive)
            .await?;
        submitted(
            Op::VmDelete,
            reply,
            Some(ResourceRef::Vm(id.clone())),
            Some(Expect::VmGone),
        )
    }

    async fn migrate_vm(&self, id: &VmId, host: Option<&HostId>) -> Result<Submitted> {
        let reply = self
            .client
            .migrate_vm(id.as_str(), host.map(HostId::as_str))
            .await?;
        submitted(
            Op::VmMigrate,
            reply,
            Some(ResourceRef::Vm(id.clone())),
            Some(Expect::VmState(vec![VmState::Running])),
        )
    }

    async fn list_hosts(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Host>> {
        let (name, mut client_side) = name_condition(&query.name);
        let mut q = Query::new();
        if let Some(c) = name {
            q = q.filter(c);
        }
        if let Some(c) = &query.cluster {
            q = q.filter(Condition::eq("clusterUuid", c.as_str()));
        }
        match query.host_state {
            Some(HostState::Maintenance) => {
                q = q.filter(Condition::is_in("state", ["Maintenance", "PreMaintenance"]));
            }
            Some(HostState::Up) => q = q.filter(Condition::eq("status", "Connected")),
            Some(HostState::Down) => q = q.filter(Condition::eq("status", "Disconnected")),
            Some(HostState::Connecting) => q = q.filter(Condition::eq("status", "Connecting")),
            Some(_) => client_side = true,
            None => {}
        }
        let (q, start, size) = paged(q, query, client_side, cursor)?;
        let page = self.client.query_hosts(&q).await?;
        let items: Vec<Host> = page.items.iter().map(convert::host).collect();
        Ok(finish(
            items,
            start,
            size,
            page.total,
            |h| query.matches_host(h),
            client_side,
        ))
    }

    async fn get_host(&self, id: &HostId) -> Result<Host> {
        self.client
            .get_host(id.as_str())
            .await
            .map(|h| convert::host(&h))
    }

    async fn list_clusters(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Cluster>> {
        let (name, client_side) = name_condition(&query.name);
        let mut q = Query::new();
        if let Some(c) = name {
            q = q.filter(c);
        }
        let (q, start, size) = paged(q, query, client_side, cursor)?;
        let page = self.client.query_clusters(&q).await?;
        let items: Vec<Cluster> = page.items.iter().map(convert::cluster).collect();
        Ok(finish(
            items,
            start,
            size,
            page.total,
            |c| query.name.as_ref().is_none_or(|n| n.matches(&c.name)),
            client_side,
        ))
    }

    async fn get_cluster(&self, id: &ClusterId) -> Result<Cluster> {
        self.client
            .get_cluster(id.as_str())
            .await
            .map(|c| convert::cluster(&c))
    }

    async fn list_disks(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Disk>> {
        let (name, mut client_side) = name_condition(&query.name);
        let mut q = Query::new();
        if let Some(c) = name {
            q = q.filter(c);
        }
        if let Some(vm) = &query.vm {
            q = q.filter(Condition::eq("vmInstanceUuid", vm.as_str()));
        }
        if let Some(st) = query.disk_state {
            let words: Vec<&str> = convert::VOLUME_STATUSES
                .iter()
                .filter(|(_, s)| *s == st)
                .map(|(w, _)| *w)
                .collect();
            if words.is_empty() {
                client_side = true;
            } else {
                q = q.filter(Condition::is_in("status", words));
            }
        }
        if query.cluster.is_some() || query.host.is_some() {
            // Volumes live on primary storage, not in a cluster or on a host.
            client_side = true;
        }
        let (q, start, size) = paged(q, query, client_side, cursor)?;
        let page = self.client.query_volumes(&q).await?;
        let items: Vec<Disk> = page.items.iter().map(convert::disk).collect();
        Ok(finish(
            items,
            start,
            size,
            page.total,
            |d| query.matches_disk(d),
            client_side,
        ))
    }

    async fn get_disk(&self, id: &DiskId) -> Result<Disk> {
        self.client
            .get_volume(id.as_str())
            .await
            .map(|v| convert::disk(&v))
    }

    async fn create_disk(&self, spec: &DiskSpec) -> Result<Submitted> {
        spec.validate()
            .map_err(|e| e.with_vendor(VENDOR).with_op(Op::DiskCreate))?;
        let mut c = CreateDataVolume::new(spec.name.clone()).disk_size(spec.size_bytes);
        if let Some(s) = &spec.storage {
            c = c.primary_storage(s.clone());
        }
        let reply = self.client.create_data_volume(&c).await?;
        submitted(Op::DiskCreate, reply, None, None)
    }

    async fn attach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        let reply = self
            .client
            .attach_data_volume(disk.as_str(), vm.as_str())
            .await?;
        submitted(
            Op::DiskAttach,
            reply,
            Some(ResourceRef::Disk(disk.clone())),
            Some(Expect::DiskAttached(vm.clone())),
        )
    }

    async fn detach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        let reply = self
            .client
            .detach_data_volume(disk.as_str(), Some(vm.as_str()))
            .await?;
        submitted(
            Op::DiskDetach,
            reply,
            Some(ResourceRef::Disk(disk.clone())),
            Some(Expect::DiskDetached),
        )
    }

    async fn delete_disk(&self, disk: &DiskId) -> Result<Submitted> {
        let reply = self
            .client
            .delete_data_volume(disk.as_str(), DeleteMode::Permissive)
            .await?;
        submitted(
            Op::DiskDelete,
            reply,
            Some(ResourceRef::Disk(disk.clone())),
            Some(Expect::DiskGone),
        )
    }

    async fn list_templates(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Template>> {
        // Images are zone-wide (they live on backup storage): a cluster filter does not apply.
        let (name, client_side) = name_condition(&query.name);
        let mut q = Query::new();
        if let Some(c) = name {
            q = q.filter(c);
        }
        let (q, start, size) = paged(q, query, client_side, cursor)?;
        let page = self.client.query_images(&q).await?;
        let items = page
            .items
            .iter()
            .map(convert::template)
            .collect::<Result<Vec<_>>>()
            .map_err(|e| e.with_op(Op::TemplateList))?;
        Ok(finish(
            items,
            start,
            size,
            page.total,
            |t| name_ok(query, &t.name),
            client_side,
        ))
    }

    async fn get_template(&self, id: &TemplateId) -> Result<Template> {
        let image = self.client.get_image(id.as_str()).await?;
        convert::template(&image).map_err(|e| e.with_op(Op::TemplateGet))
    }

    async fn list_networks(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Network>> {
        let (name, mut client_side) = name_condition(&query.name);
        let mut q = Query::new();
        if let Some(c) = name {
            q = q.filter(c);
        }
        if query.cluster.is_some() {
            // An L3 network reaches clusters through its L2's attachments, known only after
            // the L2 lookup below.
            client_side = true;
        }
        let (q, start, size) = paged(q, query, client_side, cursor)?;
        let page = self.client.query_l3_networks(&q).await?;
        let l2 = l2_of(&self.client, &page.items, Op::NetworkList).await?;
        let items = networks(&page.items, &l2).map_err(|e| e.with_op(Op::NetworkList))?;
        Ok(finish(
            items,
            start,
            size,
            page.total,
            |n| name_ok(query, &n.name) && query.cluster.as_ref().is_none_or(|c| network_in(n, c)),
            client_side,
        ))
    }

    async fn get_network(&self, id: &NetworkId) -> Result<Network> {
        let l3 = self.client.get_l3_network(id.as_str()).await?;
        let one = std::slice::from_ref(&l3);
        let l2 = l2_of(&self.client, one, Op::NetworkGet).await?;
        let mut found = networks(one, &l2).map_err(|e| e.with_op(Op::NetworkGet))?;
        found.pop().ok_or_else(|| {
            Error::protocol("the L3 network vanished while converting")
                .with_vendor(VENDOR)
                .with_op(Op::NetworkGet)
        })
    }

    async fn list_storage_pools(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<StoragePool>> {
        let (name, client_side) = name_condition(&query.name);
        let mut q = Query::new();
        if let Some(c) = name {
            q = q.filter(c);
        }
        if let Some(c) = &query.cluster {
            q = q.filter(Condition::eq("attachedClusterUuids", c.as_str()));
        }
        let (q, start, size) = paged(q, query, client_side, cursor)?;
        let page = self.client.query_primary_storage(&q).await?;
        let items = page
            .items
            .iter()
            .map(convert::storage_pool)
            .collect::<Result<Vec<_>>>()
            .map_err(|e| e.with_op(Op::StorageList))?;
        Ok(finish(
            items,
            start,
            size,
            page.total,
            |p| name_ok(query, &p.name),
            client_side,
        ))
    }

    async fn get_storage_pool(&self, id: &StoragePoolId) -> Result<StoragePool> {
        let ps = self.client.get_primary_storage(id.as_str()).await?;
        convert::storage_pool(&ps).map_err(|e| e.with_op(Op::StorageGet))
    }

    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        match self.client.job_status(id.as_str()).await? {
            JobStatus::Running => {
                let mut t = Task::new(id.clone(), TaskState::Running);
                t.raw_state = Some("202 Accepted".into());
                Ok(t)
            }
            JobStatus::Succeeded(v) => {
                if let Some(Err(e)) = day2::clone_outcome(&v) {
                    // CloneVmInstance reports each copy's failure inside a successful job.
                    let mut t = Task::new(id.clone(), TaskState::Failed);
                    t.raw_state = Some("200 OK".into());
                    let msg = e
                        .get("details")
                        .or_else(|| e.get("description"))
                        .and_then(Value::as_str)
                        .unwrap_or("the clone failed");
                    let code = e.get("code").and_then(Value::as_str).map(str::to_owned);
                    t.error = Some(TaskError::new(code, msg));
                    return Ok(t);
                }
                let mut t = Task::new(id.clone(), TaskState::Succeeded);
                t.raw_state = Some("200 OK".into());
                t.progress = Some(100);
                t.target = match self.pending_nics.take(id.as_str(), &v) {
                    Some(nic) => Some(ResourceRef::Nic(nic)),
                    None => target_of(&v),
                };
                Ok(t)
            }
            JobStatus::Failed(ec) => {
                let e = job_error(&ec);
                if e.kind() != omnivirt_core::ErrorKind::TaskFailed {
                    // The API refused the request (wrong state, missing object, bad input):
                    // report it as what it is, not as a task that ran and failed.
                    return Err(e.with_op(Op::TaskGet));
                }
                let mut t = Task::new(id.clone(), TaskState::Failed);
                t.raw_state = Some("503 Service Unavailable".into());
                t.error = Some(TaskError::new(
                    ec.effective_code().map(str::to_owned),
                    ec.message(),
                ));
                Ok(t)
            }
        }
    }

    async fn get_vms(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        self.d2_get_vms(ids).await
    }

    async fn update_vm(&self, id: &VmId, update: &VmUpdate) -> Result<Submitted> {
        self.d2_update_vm(id, update).await
    }

    async fn clone_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        self.d2_clone_vm(id, spec).await
    }

    async fn console(&self, id: &VmId) -> Result<Console> {
        self.d2_console(id).await
    }

    async fn list_nics(&self, vm: &VmId) -> Result<Vec<Nic>> {
        self.d2_list_nics(vm).await
    }

    async fn add_nic(&self, vm: &VmId, spec: &NicSpec) -> Result<Submitted> {
        self.d2_add_nic(vm, spec).await
    }

    async fn remove_nic(&self, vm: &VmId, nic: &NicId) -> Result<Submitted> {
        self.d2_remove_nic(vm, nic).await
    }

    async fn list_snapshots(&self, vm: &VmId) -> Result<Vec<Snapshot>> {
        self.d2_list_snapshots(vm).await
    }

    async fn create_snapshot(&self, vm: &VmId, spec: &SnapshotSpec) -> Result<Submitted> {
        self.d2_create_snapshot(vm, spec).await
    }

    async fn revert_snapshot(&self, vm: &VmId, snapshot: &SnapshotId) -> Result<Submitted> {
        self.d2_snapshot_action(vm, snapshot, true).await
    }

    async fn delete_snapshot(&self, vm: &VmId, snapshot: &SnapshotId) -> Result<Submitted> {
        self.d2_snapshot_action(vm, snapshot, false).await
    }

    async fn list_events(
        &self,
        query: &EventQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        self.d2_list_events(query, cursor).await
    }

    async fn host_maintenance(&self, id: &HostId, enter: bool) -> Result<Submitted> {
        self.d2_host_maintenance(id, enter).await
    }

    async fn close(&self) -> Result<()> {
        self.client.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn job_results_name_their_object() {
        let vm = json!({"inventory": {"uuid": "v1", "rootVolumeUuid": "r", "vmNics": []}});
        assert_eq!(target_of(&vm), Some(ResourceRef::Vm(VmId::new("v1"))));
        let vol = json!({"inventory": {"uuid": "d1", "size": 1, "primaryStorageUuid": null}});
        assert_eq!(target_of(&vol), Some(ResourceRef::Disk(DiskId::new("d1"))));
        assert_eq!(
            target_of(&json!({"inventory": {"uuid": "z", "type": "zstack"}})),
            None
        );
        assert_eq!(target_of(&json!({})), None);
    }

    #[test]
    fn cursors_are_offsets() {
        assert_eq!(next_cursor(0, 5, 5, Some(12)), Some(Cursor::new("5")));
        assert_eq!(next_cursor(10, 2, 5, Some(12)), None);
        assert_eq!(next_cursor(0, 5, 5, None), Some(Cursor::new("5")));
        assert_eq!(next_cursor(0, 3, 5, None), None);
        assert!(offset_of(Some(&Cursor::new("x"))).is_err());
    }

    #[test]
    fn names_with_wildcards_filter_client_side() {
        let (c, cs) = name_condition(&Some(NameFilter::Contains("a_b".into())));
        assert!(c.is_none() && cs);
        let (c, cs) = name_condition(&Some(NameFilter::Contains("web".into())));
        assert_eq!(c.unwrap().render().unwrap(), "name~=%web%");
        assert!(!cs);
        assert_eq!(vm_words(VmState::Deleting), vec!["Destroying", "Expunging"]);
    }
}
