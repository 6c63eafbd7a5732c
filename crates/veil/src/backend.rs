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
use crate::config::VeilConfig;
use crate::convert;
use crate::native::{
    Credentials, DomainCreate, DomainFilter, MultiAction, Paginator, VDiskCreate, VeilClient,
    next_offset,
};
use crate::wire::{Accepted, Paginated};

mod day2;
mod spec;
use day2::GET_BATCH;

/// Rows a listing asks for per request (`limit`) unless the query says; the paginator follows the
/// controller's `next`, so a controller that serves fewer per page still lists everything.
/// 500 keeps a 10,000-VM listing near 23 MiB peak (docs/performance.md).
const DEFAULT_PAGE: u32 = 500;

/// Fields the VM listing asks for: the list's default set lacks `cluster` and `description`.
pub const LIST_FIELDS: &[&str] = &[
    "id",
    "verbose_name",
    "status",
    "user_power_state",
    "cpu_count",
    "memory_count",
    "node",
    "cluster",
    "resource_pool",
    "description",
    "locked_by",
    "template",
    "parent",
    "tags",
    "created",
    "guest_utils",
];

/// Fields the template listing asks for (templates are domains with `template=1`).
pub const TEMPLATE_FIELDS: &[&str] = &[
    "id",
    "verbose_name",
    "status",
    "description",
    "os_type",
    "os_version",
    "cluster",
    "cpu_count",
    "memory_count",
    "template",
    "created",
];

/// The VeiL backend: a thin layer over [`VeilClient`].
#[derive(Clone)]
pub struct VeilBackend {
    client: VeilClient,
    caps: Capabilities,
    new_id: IdSource,
}

/// Makes the ids a VeiL client proposes for new domains.
type IdSource = std::sync::Arc<dyn Fn() -> String + Send + Sync>;

impl std::fmt::Debug for VeilBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VeilBackend")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// Connects from a neutral config: HTTPS with the standard stack (retry, timeouts, auth).
pub async fn connect(config: &VeilConfig) -> Result<VeilBackend> {
    Ok(VeilBackend::new(config.client_builder()?.build()?))
}

fn capabilities() -> Capabilities {
    // What VeiL's API lacks carries its reason as a note too (matrix, demo, docs).
    day2::UNSUPPORTED
        .iter()
        .fold(declared(), |caps, (op, why)| caps.with_note(*op, *why))
}

fn declared() -> Capabilities {
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
        Op::VmUpdate,
        Op::VmClone,
        Op::VmConsole,
        Op::NicList,
        Op::EventList,
        Op::VmCreateNics,
        Op::VmCreateStorage,
        Op::VmCreateUserData,
        Op::VmCreateTags,
    ])
    .with_max_task_batch(GET_BATCH)
    .with_note(
        Op::VmGetBatch,
        "domains/?ids=a,b,... (100 per request); no batched task read",
    )
    .with_note(
        Op::VmUpdate,
        "PUT domains/{id}/: name and description only; vcpus or memory is Unsupported",
    )
    .with_note(
        Op::VmClone,
        "domains/{id}/clone/ into the source's resource pool (or the cluster's)",
    )
    .with_note(
        Op::VmConsole,
        "domains/{id}/spice/: HTML5 client URL; the password is the ticket",
    )
    .with_note(
        Op::NicList,
        "vmachine-infs/?domain={id}; no NIC add/remove endpoint",
    )
    .with_note(
        Op::EventList,
        "events/?ordering=-created; VM and since filtered client-side",
    )
    .with_note(
        Op::VmList,
        "domains/?template=0 with limit/offset; name and cluster/node filters on the server, \
         state client-side",
    )
    .with_note(
        Op::VmCreate,
        "multi-create-domain/ in the cluster's first resource pool (blank, or `parent` template)",
    )
    .with_note(
        Op::VmCreateNics,
        "multi-create-domain/ vmachine_infs [{vnetwork, mac_address, nic_driver}]; no NIC name",
    )
    .with_note(
        Op::VmCreateStorage,
        "multi-create-domain/ placed by node (the cluster's first) + datapool",
    )
    .with_note(
        Op::VmCreateUserData,
        "multi-create-domain/ cloud_init: true, cloud_init_config.user_data",
    )
    .with_note(
        Op::VmCreateTags,
        "after the create task: tags/?name= (or POST tags/), then tags/{id}/add-entity/",
    )
    .with_note(Op::VmStop, "shutdown/ {force: false}")
    .with_note(Op::VmForceStop, "shutdown/ {force: true}")
    .with_note(Op::VmDelete, "remove/ {full: true}: the VM's disks go too")
    .with_note(
        Op::VmMigrate,
        "multi-manager/ action migrate; the controller picks the node (a named host is refused)",
    )
    .with_note(
        Op::DiskCreate,
        "vdisks/ in DiskSpec::storage (a data pool id) or the cluster's first data pool",
    )
    .with_note(
        Op::DiskAttach,
        "domains/{id}/attach-vdisk/: path not confirmed on a live controller",
    )
    .with_note(
        Op::DiskDetach,
        "domains/{id}/detach-vdisk/: path not confirmed on a live controller",
    )
    .with_note(Op::TaskGet, "tasks/{id}/; no batched task read")
    .with_note(
        Op::TemplateList,
        "domains/?template=1 with limit/offset; ISO images (iso/) are not listed",
    )
    .with_note(
        Op::TemplateGet,
        "domains/{id}/; a domain that is not a template is NotFound",
    )
    .with_note(
        Op::NetworkList,
        "vnetworks/ with limit/offset; controller-wide, so a cluster filter is refused",
    )
    .with_note(Op::NetworkGet, "vnetworks/{id}/")
    .with_note(
        Op::StorageList,
        "data-pools/ with limit/offset and cluster filter; sizes are MiB on the wire",
    )
    .with_note(Op::StorageGet, "data-pools/{id}/")
}

impl VeilBackend {
    /// Wraps a native client.
    pub fn new(client: VeilClient) -> Self {
        VeilBackend {
            client,
            caps: capabilities(),
            new_id: std::sync::Arc::new(crate::native::new_uuid4),
        }
    }

    /// Replaces the random UUIDs proposed for new domains (VeiL lets the client pick them) with
    /// `ids`, e.g. a counter, so that a recorded conversation can be replayed exactly.
    pub fn with_id_source(mut self, ids: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.new_id = std::sync::Arc::new(ids);
        self
    }

    /// A backend over a ready transport (tests, cassettes, the simulator). `url` is the
    /// controller (`https://ctrl`) or its API base (`https://ctrl/api`).
    pub fn with_transport(
        url: &str,
        transport: SharedTransport,
        credentials: Credentials,
    ) -> Result<Self> {
        Ok(Self::new(VeilClient::new(url, transport, credentials)?))
    }

    /// The native client, for everything the neutral API does not cover.
    pub fn client(&self) -> &VeilClient {
        &self.client
    }
}

fn offset_of(cursor: Option<&Cursor>) -> Result<u64> {
    match cursor {
        None => Ok(0),
        Some(c) => c.as_str().parse().map_err(|_| {
            Error::invalid_input(format!("`{}` is not a VeiL page cursor", c.as_str()))
                .with_vendor(VENDOR)
        }),
    }
}

/// The page at `offset` of what `query` asks, its name filter sent to the server (which
/// matches substrings); `client_side` says some filter is checked here (see
/// [`ListQuery::request_size`]).
fn paginator(query: &ListQuery, offset: u64, client_side: bool) -> Paginator {
    let mut p = Paginator::new()
        .limit(query.request_size(DEFAULT_PAGE, client_side).max(1))
        .offset(offset);
    match &query.name {
        Some(NameFilter::Contains(s)) | Some(NameFilter::Equals(s)) => p = p.name(s.clone()),
        _ => {}
    }
    if let Some(o) = query.order {
        let field = match o.field {
            OrderField::Name => "verbose_name",
            _ => "id",
        };
        p = p.ordering(if o.descending {
            format!("-{field}")
        } else {
            field.to_owned()
        });
    }
    p
}

/// The offset of the page after one that started at `offset` and held `n` items.
fn next_cursor<T>(page: &Paginated<T>, offset: u64) -> Option<u64> {
    page.next.as_ref()?;
    Some(
        next_offset(page.next.as_deref())
            .unwrap_or(offset.saturating_add(page.results.len() as u64)),
    )
    .filter(|o| *o > offset)
}

/// Pages through server pages until one yields an item after client-side filtering, so a
/// filtered-empty page does not end the caller's stream early.
async fn filtered_page<W, T, F, Fut>(
    offset: u64,
    fetch: F,
    keep: impl Fn(W) -> Option<T>,
) -> Result<(Vec<T>, Option<u64>, u64)>
where
    F: Fn(u64) -> Fut,
    Fut: std::future::Future<Output = Result<Paginated<W>>>,
{
    let mut offset = offset;
    loop {
        let page = fetch(offset).await?;
        let next = next_cursor(&page, offset);
        let items: Vec<T> = page.results.into_iter().filter_map(&keep).collect();
        if !items.is_empty() || next.is_none() {
            return Ok((items, next, page.count));
        }
        if let Some(n) = next {
            offset = n;
        }
    }
}

/// The query's name filter on one name (the server's `name=` matches substrings).
fn name_ok(query: &ListQuery, name: &str) -> bool {
    query.name.as_ref().is_none_or(|f| f.matches(name))
}

/// True when only the exact-name check ran on this side (the server filters substrings).
fn name_client_side(query: &ListQuery) -> bool {
    matches!(query.name, Some(NameFilter::Equals(_)))
}

/// A page from [`filtered_page`]'s answer: the server's total unless items were dropped here.
fn finish<T>(items: Vec<T>, next: Option<u64>, total: u64, client_side: bool) -> Page<T> {
    let page = Page::new(items, next.map(|n| Cursor::new(n.to_string())));
    if client_side {
        page.filtered_client_side(true)
    } else {
        page.with_total(total)
    }
}

fn accepted(op: Op, a: &Accepted, target: ResourceRef) -> Submitted {
    let s = Submitted::done(op).target(target);
    match &a.task {
        Some(t) => s.task(t.id.as_str()),
        // A documented no-task answer (`202 {}`, `204`): the wait converges on the expectation.
        None => s,
    }
}

impl VeilBackend {
    async fn resource_pool_of(&self, cluster: &ClusterId) -> Result<String> {
        let pools = self
            .client
            .resource_pools()
            .list(None, Some(cluster.as_str()), &Paginator::new().limit(1))
            .await?;
        pools
            .results
            .into_iter()
            .next()
            .map(|p| p.id)
            .ok_or_else(|| {
                Error::not_found(format!(
                    "cluster {cluster} has no resource pool to place a VM in"
                ))
                .with_vendor(VENDOR)
            })
    }

    async fn data_pool_of(&self, cluster: &ClusterId) -> Result<String> {
        let pools = self
            .client
            .data_pools()
            .list(
                None,
                Some(cluster.as_str()),
                None,
                &Paginator::new().limit(1),
            )
            .await?;
        pools
            .results
            .into_iter()
            .next()
            .map(|p| p.id)
            .ok_or_else(|| {
                Error::not_found(format!("cluster {cluster} has no data pool for a disk"))
                    .with_vendor(VENDOR)
            })
    }
}

#[async_trait]
impl Backend for VeilBackend {
    fn vendor(&self) -> &'static str {
        VENDOR
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn list_vms(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Vm>> {
        let mut filter = DomainFilter::new()
            .template(false)
            .fields(LIST_FIELDS.iter().copied());
        if let Some(c) = &query.cluster {
            filter = filter.cluster(c.as_str());
        }
        if let Some(h) = &query.host {
            filter = filter.node(h.as_str());
        }
        let client_side =
            query.vm_state.is_some() || query.host.is_some() || name_client_side(query);
        let domains = self.client.domains();
        let (items, next, total) = filtered_page(
            offset_of(cursor)?,
            |off| {
                let p = paginator(query, off, client_side);
                let (domains, filter) = (&domains, &filter);
                async move { domains.list(filter, &p).await }
            },
            |d| Some(convert::into_vm(d)).filter(|v| query.matches_vm(v)),
        )
        .await?;
        Ok(finish(items, next, total, client_side))
    }

    async fn get_vm(&self, id: &VmId) -> Result<Vm> {
        let d = self.client.domains().get(id.as_str()).await?;
        Ok(convert::into_vm(d))
    }

    async fn create_vm(&self, spec: &VmSpec) -> Result<Submitted> {
        spec.validate()?;
        spec::check(spec)?;
        let placement = self
            .placement_for(spec)
            .await
            .map_err(|e| e.with_op(Op::VmCreate))?;
        let mut c = spec::body_parts(spec, DomainCreate::new(spec.name.clone(), placement));
        if let VmSource::Template(t) = &spec.source {
            c = c.parent(t.clone());
        }
        if let Some(n) = spec.vcpus {
            c = c.cpu_count(n);
        }
        if let Some(m) = spec.memory_bytes {
            c = c.memory_mib(m.div_ceil(1 << 20));
        } else if matches!(spec.source, VmSource::Blank) {
            c = c.memory_mib(1024);
        }
        if matches!(spec.source, VmSource::Blank) && spec.vcpus.is_none() {
            c = c.cpu_count(1);
        }
        if let Some(d) = &spec.description {
            c = c.description(d.clone());
        }
        let ids = vec![(self.new_id)()];
        c = c.domains_ids(ids.clone());
        let a = self.client.domains().create(&c).await?;
        // The server answers the new id in `entity`; the id we proposed is the fallback.
        let id = a
            .entity
            .clone()
            .or_else(|| {
                a.task
                    .as_ref()
                    .and_then(|t| t.entity_of("domain").map(str::to_owned))
            })
            .unwrap_or_else(|| ids[0].clone());
        let vm = VmId::new(id);
        self.tag_new_domain(&a, &vm, &spec.name, &spec.tags)
            .await
            .map_err(|e| e.with_op(Op::VmCreateTags))?;
        Ok(accepted(Op::VmCreate, &a, ResourceRef::Vm(vm)))
    }

    async fn power(&self, id: &VmId, action: PowerAction) -> Result<Submitted> {
        let d = self.client.domains();
        let a = match action {
            PowerAction::Start => d.start(id.as_str()).await?,
            PowerAction::Stop => d.shutdown(id.as_str(), false).await?,
            PowerAction::ForceStop => d.shutdown(id.as_str(), true).await?,
            PowerAction::Reboot => d.reboot(id.as_str(), false).await?,
            PowerAction::Suspend => d.suspend(id.as_str()).await?,
            PowerAction::Resume => d.resume(id.as_str()).await?,
            _ => return Err(Error::unsupported(VENDOR, action.op())),
        };
        Ok(accepted(action.op(), &a, ResourceRef::Vm(id.clone()))
            .expect(Expect::VmState(vec![action.target_state()])))
    }

    async fn delete_vm(&self, id: &VmId) -> Result<Submitted> {
        let a = self
            .client
            .domains()
            .remove(id.as_str(), true, false)
            .await?;
        Ok(accepted(Op::VmDelete, &a, ResourceRef::Vm(id.clone())).expect(Expect::VmGone))
    }

    async fn migrate_vm(&self, id: &VmId, host: Option<&HostId>) -> Result<Submitted> {
        if let Some(h) = host {
            return Err(Error::invalid_input(format!(
                "VeiL migrates through multi-manager/, where the controller picks the node; \
                 a target host ({h}) cannot be named"
            ))
            .with_vendor(VENDOR)
            .with_op(Op::VmMigrate));
        }
        let a = self
            .client
            .domains()
            .multi(&[id.as_str()], MultiAction::Migrate, false)
            .await
            .map_err(|e| e.with_op(Op::VmMigrate))?;
        Ok(accepted(Op::VmMigrate, &a, ResourceRef::Vm(id.clone())))
    }

    async fn list_hosts(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Host>> {
        let nodes = self.client.nodes();
        let cluster = query.cluster.as_ref().map(|c| c.as_str().to_owned());
        let client_side = query.host_state.is_some() || name_client_side(query);
        let (items, next, total) = filtered_page(
            offset_of(cursor)?,
            |off| {
                let p = paginator(query, off, client_side);
                let (nodes, cluster) = (&nodes, &cluster);
                async move { nodes.list(cluster.as_deref(), None, &p).await }
            },
            |n| Some(convert::host(&n)).filter(|h| query.matches_host(h)),
        )
        .await?;
        Ok(finish(items, next, total, client_side))
    }

    async fn get_host(&self, id: &HostId) -> Result<Host> {
        let n = self.client.nodes().get(id.as_str()).await?;
        Ok(convert::host(&n))
    }

    async fn list_clusters(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Cluster>> {
        let clusters = self.client.clusters();
        let client_side = name_client_side(query);
        let (items, next, total) = filtered_page(
            offset_of(cursor)?,
            |off| {
                let p = paginator(query, off, client_side);
                let clusters = &clusters;
                async move { clusters.list(&p).await }
            },
            |c| {
                Some(convert::cluster(&c)).filter(|c| match &query.name {
                    Some(n) => n.matches(&c.name),
                    None => true,
                })
            },
        )
        .await?;
        Ok(Page::new(items, next.map(|n| Cursor::new(n.to_string())))
            .with_total(total)
            .filtered_client_side(client_side))
    }

    async fn get_cluster(&self, id: &ClusterId) -> Result<Cluster> {
        let c = self.client.clusters().get(id.as_str()).await?;
        Ok(convert::cluster(&c))
    }

    async fn list_disks(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Disk>> {
        let vdisks = self.client.vdisks();
        let vm = query.vm.as_ref().map(|v| v.as_str().to_owned());
        let client_side = query.disk_state.is_some() || name_client_side(query);
        let (items, next, total) = filtered_page(
            offset_of(cursor)?,
            |off| {
                let p = paginator(query, off, client_side);
                let (vdisks, vm) = (&vdisks, &vm);
                async move { vdisks.list(vm.as_deref(), None, &p).await }
            },
            |d| Some(convert::disk(&d)).filter(|d| query.matches_disk(d)),
        )
        .await?;
        Ok(finish(items, next, total, client_side))
    }

    async fn get_disk(&self, id: &DiskId) -> Result<Disk> {
        let d = self.client.vdisks().get(id.as_str()).await?;
        Ok(convert::disk(&d))
    }

    async fn create_disk(&self, spec: &DiskSpec) -> Result<Submitted> {
        spec.validate()?;
        let pool = match (&spec.storage, &spec.cluster) {
            (Some(s), _) => s.clone(),
            (None, Some(c)) => self
                .data_pool_of(c)
                .await
                .map_err(|e| e.with_op(Op::DiskCreate))?,
            (None, None) => {
                return Err(Error::invalid_input(
                    "a VeiL vdisk needs a data pool: set DiskSpec::storage or DiskSpec::cluster",
                )
                .with_vendor(VENDOR)
                .with_op(Op::DiskCreate));
            }
        };
        let gib = spec.size_bytes as f64 / (1u64 << 30) as f64;
        let a = self
            .client
            .vdisks()
            .create(&VDiskCreate::new(spec.name.clone(), pool, gib))
            .await?;
        let id = a
            .entity
            .clone()
            .or_else(|| {
                a.task
                    .as_ref()
                    .and_then(|t| t.entity_of("vdisk").map(str::to_owned))
            })
            .ok_or_else(|| {
                Error::protocol("vdisks/: the 202 answer names no new disk (no `entity`)")
                    .with_vendor(VENDOR)
                    .with_op(Op::DiskCreate)
            })?;
        Ok(
            accepted(Op::DiskCreate, &a, ResourceRef::Disk(DiskId::new(id)))
                .expect(Expect::DiskReady),
        )
    }

    async fn attach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        let a = self
            .client
            .domains()
            .attach_vdisk(vm.as_str(), disk.as_str())
            .await?;
        Ok(
            accepted(Op::DiskAttach, &a, ResourceRef::Disk(disk.clone()))
                .expect(Expect::DiskAttached(vm.clone())),
        )
    }

    async fn detach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        let a = self
            .client
            .domains()
            .detach_vdisk(vm.as_str(), disk.as_str())
            .await?;
        Ok(
            accepted(Op::DiskDetach, &a, ResourceRef::Disk(disk.clone()))
                .expect(Expect::DiskDetached),
        )
    }

    async fn delete_disk(&self, disk: &DiskId) -> Result<Submitted> {
        let a = self.client.vdisks().remove(disk.as_str()).await?;
        Ok(accepted(Op::DiskDelete, &a, ResourceRef::Disk(disk.clone())).expect(Expect::DiskGone))
    }

    async fn list_templates(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Template>> {
        let mut filter = DomainFilter::new()
            .template(true)
            .fields(TEMPLATE_FIELDS.iter().copied());
        if let Some(c) = &query.cluster {
            filter = filter.cluster(c.as_str());
        }
        let domains = self.client.domains();
        let (items, next, total) = filtered_page(
            offset_of(cursor)?,
            |off| {
                let p = paginator(query, off, name_client_side(query));
                let (domains, filter) = (&domains, &filter);
                async move { domains.list_for(filter, &p, Op::TemplateList).await }
            },
            |d| {
                // The server's `template=1` decides; a domain saying otherwise is skipped.
                (d.template != Some(false))
                    .then(|| convert::template(&d))
                    .filter(|t| name_ok(query, &t.name))
            },
        )
        .await?;
        Ok(finish(items, next, total, name_client_side(query)))
    }

    async fn get_template(&self, id: &TemplateId) -> Result<Template> {
        let d = self
            .client
            .domains()
            .get_for(id.as_str(), Op::TemplateGet)
            .await?;
        if d.template == Some(false) {
            return Err(Error::not_found(format!("{id} is a VM, not a template"))
                .with_vendor(VENDOR)
                .with_op(Op::TemplateGet));
        }
        Ok(convert::template(&d))
    }

    async fn list_networks(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Network>> {
        if let Some(c) = &query.cluster {
            return Err(Error::invalid_input(format!(
                "VeiL virtual networks belong to the controller, not to a cluster: \
                 cannot list the networks of cluster {c}"
            ))
            .with_vendor(VENDOR)
            .with_op(Op::NetworkList));
        }
        let vnets = self.client.vnetworks();
        let (items, next, total) = filtered_page(
            offset_of(cursor)?,
            |off| {
                let p = paginator(query, off, name_client_side(query));
                let vnets = &vnets;
                async move { vnets.list_for(&p, Op::NetworkList).await }
            },
            |n| Some(convert::network(&n)).filter(|n| name_ok(query, &n.name)),
        )
        .await?;
        Ok(finish(items, next, total, name_client_side(query)))
    }

    async fn get_network(&self, id: &NetworkId) -> Result<Network> {
        let n = self
            .client
            .vnetworks()
            .get_for(id.as_str(), Op::NetworkGet)
            .await?;
        Ok(convert::network(&n))
    }

    async fn list_storage_pools(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<StoragePool>> {
        let pools = self.client.data_pools();
        let cluster = query.cluster.as_ref().map(|c| c.as_str().to_owned());
        let (items, next, total) = filtered_page(
            offset_of(cursor)?,
            |off| {
                let p = paginator(query, off, name_client_side(query));
                let (pools, cluster) = (&pools, &cluster);
                async move { pools.list(None, cluster.as_deref(), None, &p).await }
            },
            |p| Some(convert::storage_pool(&p)).filter(|p| name_ok(query, &p.name)),
        )
        .await?;
        Ok(finish(items, next, total, name_client_side(query)))
    }

    async fn get_storage_pool(&self, id: &StoragePoolId) -> Result<StoragePool> {
        let p = self.client.data_pools().get(id.as_str()).await?;
        Ok(convert::storage_pool(&p))
    }

    async fn get_vms(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        self.day2_get_vms(ids).await
    }

    async fn update_vm(&self, id: &VmId, update: &VmUpdate) -> Result<Submitted> {
        self.day2_update_vm(id, update).await
    }

    async fn clone_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        self.day2_clone_vm(id, spec).await
    }

    async fn console(&self, id: &VmId) -> Result<Console> {
        self.day2_console(id).await
    }

    async fn list_nics(&self, vm: &VmId) -> Result<Vec<Nic>> {
        self.day2_list_nics(vm).await
    }

    async fn add_nic(&self, _vm: &VmId, _spec: &NicSpec) -> Result<Submitted> {
        Err(day2::lacking(Op::NicAdd))
    }

    async fn remove_nic(&self, _vm: &VmId, _nic: &NicId) -> Result<Submitted> {
        Err(day2::lacking(Op::NicRemove))
    }

    async fn list_snapshots(&self, _vm: &VmId) -> Result<Vec<Snapshot>> {
        Err(day2::lacking(Op::SnapshotList))
    }

    async fn create_snapshot(&self, _vm: &VmId, _spec: &SnapshotSpec) -> Result<Submitted> {
        Err(day2::lacking(Op::SnapshotCreate))
    }

    async fn revert_snapshot(&self, _vm: &VmId, _s: &SnapshotId) -> Result<Submitted> {
        Err(day2::lacking(Op::SnapshotRevert))
    }

    async fn delete_snapshot(&self, _vm: &VmId, _s: &SnapshotId) -> Result<Submitted> {
        Err(day2::lacking(Op::SnapshotDelete))
    }

    async fn list_events(
        &self,
        query: &EventQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        self.day2_list_events(query, cursor).await
    }

    async fn host_maintenance(&self, _id: &HostId, enter: bool) -> Result<Submitted> {
        Err(day2::lacking(if enter {
            Op::HostMaintenanceEnter
        } else {
            Op::HostMaintenanceExit
        }))
    }

    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        let t = self.client.tasks().get(id.as_str()).await?;
        Ok(convert::task(&t))
    }

    async fn close(&self) -> Result<()> {
        self.client.close().await
    }
}
