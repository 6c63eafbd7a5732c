//! `/api/domains/`: list, info, power actions, create, remove, multi-manager, disks.

use omnivirt_core::{Error, Op, Result};
use serde_json::{Value, json};

use super::client::{VeilClient, new_uuid4};
use super::{Paginator, next_offset};
use crate::VENDOR;
use crate::wire::{Accepted, Domain, Paginated};

/// Filters of the domain list, beyond the [`Paginator`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DomainFilter {
    /// `cluster=<uuid>`.
    pub cluster: Option<String>,
    /// `node=<uuid>`.
    pub node: Option<String>,
    /// `resource_pool=<uuid>`.
    pub resource_pool: Option<String>,
    /// `datapool=<uuid>`.
    pub datapool: Option<String>,
    /// `template=0|1`.
    pub template: Option<bool>,
    /// `ids=a,b,c`.
    pub ids: Vec<String>,
    /// `fields=a,b` (narrow, or widen with fields the list omits).
    pub fields: Vec<String>,
    /// `all_content=1`: every field.
    pub all_content: bool,
    /// Any other query pairs, sent last.
    pub params: Vec<(String, String)>,
}

impl DomainFilter {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }
    /// VMs of a cluster.
    pub fn cluster(mut self, id: impl Into<String>) -> Self {
        self.cluster = Some(id.into());
        self
    }
    /// VMs on a node.
    pub fn node(mut self, id: impl Into<String>) -> Self {
        self.node = Some(id.into());
        self
    }
    /// VMs in a resource pool.
    pub fn resource_pool(mut self, id: impl Into<String>) -> Self {
        self.resource_pool = Some(id.into());
        self
    }
    /// VMs with disks in a data pool.
    pub fn datapool(mut self, id: impl Into<String>) -> Self {
        self.datapool = Some(id.into());
        self
    }
    /// Templates only (`true`) or VMs only (`false`).
    pub fn template(mut self, yes: bool) -> Self {
        self.template = Some(yes);
        self
    }
    /// These ids only.
    pub fn ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.ids = ids.into_iter().map(Into::into).collect();
        self
    }
    /// These fields.
    pub fn fields(mut self, f: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.fields = f.into_iter().map(Into::into).collect();
        self
    }
    /// Every field.
    pub fn all_content(mut self) -> Self {
        self.all_content = true;
        self
    }
    /// An extra query pair.
    pub fn param(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.params.push((k.into(), v.into()));
        self
    }

    fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        let mut put = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                q.push((k.to_owned(), v.clone()));
            }
        };
        put("cluster", &self.cluster);
        put("node", &self.node);
        put("resource_pool", &self.resource_pool);
        put("datapool", &self.datapool);
        if let Some(t) = self.template {
            q.push(("template".into(), u8::from(t).to_string()));
        }
        if !self.ids.is_empty() {
            q.push(("ids".into(), self.ids.join(",")));
        }
        if self.all_content {
            q.push(("all_content".into(), "1".into()));
        } else if !self.fields.is_empty() {
            q.push(("fields".into(), self.fields.join(",")));
        }
        q.extend(self.params.iter().cloned());
        q
    }
}

/// Where a new VM goes: a resource pool, or a node and a data pool (mutually exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Placement {
    /// A resource pool.
    ResourcePool(String),
    /// A node and a data pool.
    Node {
        /// Node id.
        node: String,
        /// Data pool id.
        datapool: String,
    },
}

/// `multi-create-domain/`: a blank VM (CPU and memory) or clones of a template (`parent`).
///
/// ```
/// use omnivirt_veil::native::{DomainCreate, Placement};
///
/// let c = DomainCreate::new("web-01", Placement::ResourcePool("rp".into()))
///     .cpu_count(2)
///     .memory_mib(2048);
/// let body = c.body();
/// assert_eq!(body["verbose_name"], "web-01");
/// assert_eq!(body["resource_pool"], "rp");
/// assert_eq!(body["domains_ids"].as_array().unwrap().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DomainCreate {
    /// Name.
    pub verbose_name: String,
    /// Placement.
    pub placement: Placement,
    /// Template to clone, if any.
    pub parent: Option<String>,
    /// Thin clone of the template (default true).
    pub thin: bool,
    /// How many VMs.
    pub count: u32,
    /// Virtual CPUs (blank VMs).
    pub cpu_count: Option<u32>,
    /// Memory in MiB (blank VMs).
    pub memory_count: Option<u64>,
    /// Description.
    pub description: Option<String>,
    /// Power on once created.
    pub start_on: bool,
    /// Enable SPICE/VNC access.
    pub remote_access: bool,
    /// Ids for the new VMs (`count` fresh UUID4s unless set).
    pub domains_ids: Vec<String>,
    /// Network interfaces to plug, in order (`vmachine_infs`, the Go client's full form).
    pub vmachine_infs: Vec<NicCreate>,
    /// Cloud-init user data (`cloud_init_config.user_data`); a [`Secret`](omnivirt_http::Secret),
    /// never printed.
    pub cloud_init_user_data: Option<omnivirt_http::Secret>,
}

/// One NIC of a new domain (`vmachine_infs` of `multi-create-domain/`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NicCreate {
    /// The virtual network (`vnetwork`).
    pub vnetwork: String,
    /// A fixed MAC address; the controller picks one when empty.
    pub mac_address: Option<String>,
    /// Device model (`nic_driver`: `virtio`, `e1000`, ...).
    pub nic_driver: Option<String>,
}

impl NicCreate {
    /// A NIC on `vnetwork`.
    pub fn new(vnetwork: impl Into<String>) -> Self {
        NicCreate {
            vnetwork: vnetwork.into(),
            mac_address: None,
            nic_driver: None,
        }
    }
    /// Fixed MAC address.
    pub fn mac_address(mut self, mac: impl Into<String>) -> Self {
        self.mac_address = Some(mac.into());
        self
    }
    /// Device model.
    pub fn nic_driver(mut self, driver: impl Into<String>) -> Self {
        self.nic_driver = Some(driver.into());
        self
    }
    fn body(&self) -> Value {
        let mut b = json!({"vnetwork": self.vnetwork});
        if let Some(m) = &self.mac_address {
            b["mac_address"] = json!(m);
        }
        if let Some(d) = &self.nic_driver {
            b["nic_driver"] = json!(d);
        }
        b
    }
}

impl DomainCreate {
    /// One VM named `name` at `placement`.
    pub fn new(name: impl Into<String>, placement: Placement) -> Self {
        DomainCreate {
            verbose_name: name.into(),
            placement,
            parent: None,
            thin: true,
            count: 1,
            cpu_count: None,
            memory_count: None,
            description: None,
            start_on: false,
            remote_access: false,
            domains_ids: Vec::new(),
            vmachine_infs: Vec::new(),
            cloud_init_user_data: None,
        }
    }
    /// Plugs a NIC (call once per NIC, in order).
    pub fn nic(mut self, nic: NicCreate) -> Self {
        self.vmachine_infs.push(nic);
        self
    }
    /// Cloud-init user data (sent with `cloud_init: true`).
    pub fn cloud_init(mut self, user_data: impl Into<omnivirt_http::Secret>) -> Self {
        self.cloud_init_user_data = Some(user_data.into());
        self
    }
    /// Clone template `id`.
    pub fn parent(mut self, id: impl Into<String>) -> Self {
        self.parent = Some(id.into());
        self
    }
    /// Full (not thin) clone.
    pub fn thin(mut self, yes: bool) -> Self {
        self.thin = yes;
        self
    }
    /// How many.
    pub fn count(mut self, n: u32) -> Self {
        self.count = n;
        self
    }
    /// Virtual CPUs.
    pub fn cpu_count(mut self, n: u32) -> Self {
        self.cpu_count = Some(n);
        self
    }
    /// Memory in MiB.
    pub fn memory_mib(mut self, n: u64) -> Self {
        self.memory_count = Some(n);
        self
    }
    /// Description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// Power on when created.
    pub fn start_on(mut self, yes: bool) -> Self {
        self.start_on = yes;
        self
    }
    /// Ids for the new VMs.
    pub fn domains_ids(mut self, ids: Vec<String>) -> Self {
        self.domains_ids = ids;
        self
    }

    /// Refuses what the server would: no name, zero count or CPUs, a mismatched id list.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::invalid_input(m.to_owned()).with_vendor(VENDOR));
        if self.verbose_name.trim().is_empty() {
            return bad("a VeiL domain needs a verbose_name");
        }
        if self.count == 0 {
            return bad("count must be at least 1");
        }
        if self.cpu_count == Some(0) {
            return bad("cpu_count must be at least 1");
        }
        if self.memory_count == Some(0) {
            return bad("memory_count must be at least 1 MiB");
        }
        if !self.domains_ids.is_empty() && self.domains_ids.len() != self.count as usize {
            return bad("domains_ids must hold exactly `count` ids");
        }
        Ok(())
    }

    /// The JSON body (fresh `domains_ids` when none were set).
    pub fn body(&self) -> Value {
        let ids = if self.domains_ids.is_empty() {
            (0..self.count).map(|_| new_uuid4()).collect()
        } else {
            self.domains_ids.clone()
        };
        let mut b = json!({
            "verbose_name": self.verbose_name,
            "thin": self.thin,
            "count": self.count,
            "template": false,
            "remote_access": self.remote_access,
            "start_on": self.start_on,
            "set_hostname": false,
            "domains_ids": ids,
        });
        match &self.placement {
            Placement::ResourcePool(rp) => b["resource_pool"] = json!(rp),
            Placement::Node { node, datapool } => {
                b["node"] = json!(node);
                b["datapool"] = json!(datapool);
            }
        }
        if let Some(p) = &self.parent {
            b["parent"] = json!(p);
        }
        if let Some(c) = self.cpu_count {
            b["cpu_count"] = json!(c);
        }
        if let Some(m) = self.memory_count {
            b["memory_count"] = json!(m);
        }
        if let Some(d) = &self.description {
            b["description"] = json!(d);
        }
        if !self.vmachine_infs.is_empty() {
            b["vmachine_infs"] = self.vmachine_infs.iter().map(NicCreate::body).collect();
        }
        if let Some(u) = &self.cloud_init_user_data {
            b["cloud_init"] = json!(true);
            b["cloud_init_config"] = json!({"user_data": u.expose(), "meta_data": ""});
        }
        b
    }
}

/// Actions of `multi-manager/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MultiAction {
    /// Power on.
    Start,
    /// Shut down.
    Shutdown,
    /// Suspend.
    Suspend,
    /// Reboot.
    Reboot,
    /// Resume.
    Resume,
    /// Delete.
    Delete,
    /// Migrate (the scheduler picks the node).
    Migrate,
}

impl MultiAction {
    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            MultiAction::Start => "start",
            MultiAction::Shutdown => "shutdown",
            MultiAction::Suspend => "suspend",
            MultiAction::Reboot => "reboot",
            MultiAction::Resume => "resume",
            MultiAction::Delete => "delete",
            MultiAction::Migrate => "migrate",
        }
    }
}

/// The domain service.
#[derive(Debug, Clone)]
pub struct Domains {
    pub(crate) client: VeilClient,
}

pub(crate) fn check_id(id: &str) -> Result<&str> {
    // An id ends up in a path: refuse anything that could change the path.
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::invalid_input(format!("`{id}` is not a VeiL id")).with_vendor(VENDOR));
    }
    Ok(id)
}

impl Domains {
    pub(crate) fn new(client: VeilClient) -> Self {
        Domains { client }
    }

    /// One page of domains.
    pub async fn list(&self, filter: &DomainFilter, page: &Paginator) -> Result<Paginated<Domain>> {
        self.list_for(filter, page, Op::VmList).await
    }

    /// One page of domains, errors naming `op` (templates are domains too).
    pub(crate) async fn list_for(
        &self,
        filter: &DomainFilter,
        page: &Paginator,
        op: Op,
    ) -> Result<Paginated<Domain>> {
        page.validate()?;
        let mut q = filter.query();
        q.extend(page.query());
        self.client.get("domains/", &q, Some(op)).await
    }

    /// Every domain matching `filter`, following pages of `page_size`.
    pub async fn list_all(&self, filter: &DomainFilter, page_size: u32) -> Result<Vec<Domain>> {
        let mut out = Vec::new();
        let mut offset = 0u64;
        loop {
            let p = self
                .list(filter, &Paginator::new().limit(page_size).offset(offset))
                .await?;
            let n = p.results.len() as u64;
            out.extend(p.results);
            match next_offset(p.next.as_deref()) {
                Some(o) if o > offset && n > 0 => offset = o,
                _ => return Ok(out),
            }
        }
    }

    /// Every domain matching `filter` as a stream, one page of `page_size` fetched at a time.
    pub fn stream(
        &self,
        filter: DomainFilter,
        page_size: u32,
    ) -> futures::stream::BoxStream<'static, Result<Domain>> {
        let domains = self.clone();
        omnivirt_core::paginate(move |cursor: Option<omnivirt_core::Cursor>| {
            let (domains, filter) = (domains.clone(), filter.clone());
            async move {
                let offset: u64 = match cursor {
                    Some(c) => c.as_str().parse().map_err(|_| {
                        Error::protocol(format!("bad page cursor {}", c.as_str()))
                            .with_vendor(VENDOR)
                    })?,
                    None => 0,
                };
                let p = domains
                    .list(&filter, &Paginator::new().limit(page_size).offset(offset))
                    .await?;
                let next = next_offset(p.next.as_deref())
                    .filter(|o| *o > offset)
                    .map(|o| omnivirt_core::Cursor::new(o.to_string()));
                Ok(omnivirt_core::Page::new(p.results, next))
            }
        })
    }

    /// One domain (every field).
    pub async fn get(&self, id: &str) -> Result<Domain> {
        self.get_for(id, Op::VmGet).await
    }

    /// One domain, errors naming `op`.
    pub(crate) async fn get_for(&self, id: &str, op: Op) -> Result<Domain> {
        let id = check_id(id)?;
        self.client
            .get(&format!("domains/{id}/"), &[], Some(op))
            .await
    }

    async fn power(&self, id: &str, action: &str, force: bool, op: Op) -> Result<Accepted> {
        let id = check_id(id)?;
        self.client
            .post_action(
                &format!("domains/{id}/{action}/"),
                Some(&json!({"force": force})),
                Some(op),
            )
            .await
    }

    /// `start/`.
    pub async fn start(&self, id: &str) -> Result<Accepted> {
        self.power(id, "start", false, Op::VmStart).await
    }
    /// `shutdown/`; `force` = hard power-off.
    pub async fn shutdown(&self, id: &str, force: bool) -> Result<Accepted> {
        let op = if force { Op::VmForceStop } else { Op::VmStop };
        self.power(id, "shutdown", force, op).await
    }
    /// `reboot/`; `force` = hard reset.
    pub async fn reboot(&self, id: &str, force: bool) -> Result<Accepted> {
        self.power(id, "reboot", force, Op::VmReboot).await
    }
    /// `suspend/`.
    pub async fn suspend(&self, id: &str) -> Result<Accepted> {
        self.power(id, "suspend", false, Op::VmSuspend).await
    }
    /// `resume/`.
    pub async fn resume(&self, id: &str) -> Result<Accepted> {
        self.power(id, "resume", false, Op::VmResume).await
    }
    /// `reset/` (hard reset; `force: false` as the Python client sends).
    pub async fn reset(&self, id: &str) -> Result<Accepted> {
        self.power(id, "reset", false, Op::VmReboot).await
    }

    /// `remove/`; `full` also deletes the VM's disks.
    pub async fn remove(&self, id: &str, full: bool, force: bool) -> Result<Accepted> {
        let id = check_id(id)?;
        self.client
            .post_action(
                &format!("domains/{id}/remove/"),
                Some(&json!({"full": full, "force": force})),
                Some(Op::VmDelete),
            )
            .await
    }

    /// `multi-create-domain/`; the answer's `entity` is the (first) new id.
    pub async fn create(&self, spec: &DomainCreate) -> Result<Accepted> {
        spec.validate()?;
        self.client
            .post_action(
                "domains/multi-create-domain/",
                Some(&spec.body()),
                Some(Op::VmCreate),
            )
            .await
    }

    /// `multi-manager/`: one action on many domains, one (multi)task.
    pub async fn multi(&self, ids: &[&str], action: MultiAction, force: bool) -> Result<Accepted> {
        for id in ids {
            check_id(id)?;
        }
        let body = json!({
            "entity_ids": ids,
            "action": action.as_str(),
            "options": {"full": true, "force": force},
        });
        self.client
            .post_action("domains/multi-manager/", Some(&body), None)
            .await
    }

    /// `PUT {id}/` with a non-empty subset of verbose_name, description, os_type, os_version,
    /// tablet, start_on_boot, spice_stream.
    pub async fn update(&self, id: &str, fields: &serde_json::Map<String, Value>) -> Result<Value> {
        let id = check_id(id)?;
        if fields.is_empty() {
            return Err(
                Error::invalid_input("a domain update needs at least one field")
                    .with_vendor(VENDOR),
            );
        }
        self.client
            .put(
                &format!("domains/{id}/"),
                Some(&Value::Object(fields.clone())),
                None,
            )
            .await
    }

    /// `attach-vdisk/` `{vdisk}`: a task. Path and task from the vendor broker's early code
    /// (`jsc-masshtab/vdi-server`, which also sent `target_bus`, `driver_cache`, `type_storage`
    /// and `storage`; only `vdisk` is sent here). Not tried on a live controller.
    pub async fn attach_vdisk(&self, id: &str, vdisk: &str) -> Result<Accepted> {
        let id = check_id(id)?;
        let vdisk = check_id(vdisk)?;
        self.client
            .post_action(
                &format!("domains/{id}/attach-vdisk/"),
                Some(&json!({"vdisk": vdisk})),
                Some(Op::DiskAttach),
            )
            .await
    }

    /// `detach-vdisk/` `{vdisk}`: a GUESS path mirroring [`Domains::attach_vdisk`]; no public
    /// code confirms it.
    pub async fn detach_vdisk(&self, id: &str, vdisk: &str) -> Result<Accepted> {
        let id = check_id(id)?;
        let vdisk = check_id(vdisk)?;
        self.client
            .post_action(
                &format!("domains/{id}/detach-vdisk/"),
                Some(&json!({"vdisk": vdisk})),
                Some(Op::DiskDetach),
            )
            .await
    }

    /// `remote-access/` `{remote_access}`.
    pub async fn remote_access(&self, id: &str, enable: bool) -> Result<Accepted> {
        let id = check_id(id)?;
        self.client
            .post_action(
                &format!("domains/{id}/remote-access/"),
                Some(&json!({"remote_access": enable})),
                None,
            )
            .await
    }
}
