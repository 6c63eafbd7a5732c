//! `impl omnivirt_core::Backend` for oVirt: a thin layer over the native services.

use async_trait::async_trait;
use omnivirt_core::{
    Backend, Capabilities, Cluster, ClusterId, Cursor, Disk, DiskId, DiskSpec, Error, ErrorKind,
    Expect, Host, HostId, ListQuery, NameFilter, Op, OrderField, Page, PowerAction, ResourceRef,
    Result, Submitted, Task, TaskId, Vm, VmId, VmSource, VmSpec, VmState,
};
use omnivirt_http::{Secret, SharedTransport};

use crate::config::OvirtConfig;
use crate::convert;
use crate::error::VENDOR;
use crate::native::connection::Connection;
use crate::native::types as t;

/// The id of the `Blank` template every engine has.
pub const BLANK_TEMPLATE_ID: &str = "00000000-0000-0000-0000-000000000000";

const DEFAULT_PAGE: u32 = 100;

/// How the backend logs in.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// User (`admin@internal`) and password, through SSO.
    Password {
        /// User with profile.
        username: String,
        /// Password.
        password: Secret,
    },
    /// A ready SSO token.
    Token(Secret),
}

/// The oVirt backend of omnivirt.
#[derive(Debug, Clone)]
pub struct OvirtBackend {
    conn: Connection,
    caps: Capabilities,
}

/// Builds the backend from a config. No request is sent: the login happens on first use.
pub async fn connect(config: &OvirtConfig) -> Result<OvirtBackend> {
    Ok(OvirtBackend::new(config.connection_builder()?.build()?))
}

fn capabilities() -> Capabilities {
    Capabilities::all()
        .without(Op::TaskGetBatch)
        .with_note(
            Op::VmList,
            "search=`name=.. sortby name asc page N` + max; cluster/host filters client-side",
        )
        .with_note(Op::VmStop, "shutdown action (ACPI / guest agent)")
        .with_note(Op::VmForceStop, "stop action (power off)")
        .with_note(Op::VmResume, "start action on a suspended VM")
        .with_note(
            Op::VmCreate,
            "POST /vms from a template (Blank by default); converges on down",
        )
        .with_note(
            Op::DiskCreate,
            "floating disk on the given (or first active data) storage domain",
        )
        .with_note(Op::DiskAttach, "POST vms/{id}/diskattachments; synchronous")
        .with_note(
            Op::DiskDetach,
            "DELETE vms/{id}/diskattachments/{disk}; disk kept",
        )
        .with_note(Op::TaskGet, "GET /jobs/{id}")
}

impl OvirtBackend {
    /// A backend over a ready connection.
    pub fn new(conn: Connection) -> Self {
        OvirtBackend {
            conn,
            caps: capabilities(),
        }
    }

    /// A backend sending through `transport` (a cassette, the simulator) to `url`.
    pub fn with_transport(
        url: impl Into<String>,
        transport: SharedTransport,
        credentials: Credentials,
    ) -> Result<Self> {
        let b = Connection::builder(url).transport(transport);
        let b = match credentials {
            Credentials::Password { username, password } => b.username(username).password(password),
            Credentials::Token(t) => b.token(t),
        };
        Ok(Self::new(b.build()?))
    }

    /// The native connection, for everything the neutral API does not cover.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn page_of(cursor: Option<&Cursor>) -> Result<u64> {
    match cursor {
        None => Ok(1),
        Some(c) => c
            .as_str()
            .parse::<u64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                Error::invalid_input(format!("`{}` is not an oVirt page cursor", c.as_str()))
                    .with_vendor(VENDOR)
            }),
    }
}

/// Quotes a search value when it holds characters the engine's grammar would split on.
fn search_value(v: &str) -> String {
    if v.chars()
        .any(|c| c.is_whitespace() || matches!(c, '"' | '=' | '<' | '>' | '!' | '(' | ')'))
    {
        format!("\"{}\"", v.replace('"', ""))
    } else {
        v.to_owned()
    }
}

struct Search {
    text: String,
    client_side: bool,
}

fn name_criteria(query: &ListQuery, parts: &mut Vec<String>) {
    match &query.name {
        Some(NameFilter::Equals(n)) => parts.push(format!("name={}", search_value(n))),
        Some(NameFilter::Contains(n)) => parts.push(format!("name=*{}*", search_value(n))),
        _ => {}
    }
}

fn order(query: &ListQuery) -> &'static str {
    match query.order {
        Some(o) if o.field == OrderField::Name && o.descending => "sortby name desc",
        _ => "sortby name asc",
    }
}

fn vm_search(query: &ListQuery, page: u64) -> Search {
    let mut parts = Vec::new();
    name_criteria(query, &mut parts);
    let mut client_side = query.cluster.is_some() || query.host.is_some();
    if let Some(st) = query.vm_state {
        match convert::vm_statuses_for(st).as_slice() {
            [one] => parts.push(format!("status={one}")),
            _ => client_side = true,
        }
    }
    if matches!(query.order, Some(o) if o.field == OrderField::Id) {
        client_side = true;
    }
    Search {
        text: format!("{} {} page {page}", parts.join(" and "), order(query))
            .trim()
            .to_owned(),
        client_side,
    }
}

fn simple_search(query: &ListQuery, page: u64) -> String {
    let mut parts = Vec::new();
    name_criteria(query, &mut parts);
    format!("{} {} page {page}", parts.join(" and "), order(query))
        .trim()
        .to_owned()
}

fn page_size(query: &ListQuery) -> u32 {
    query.page_size.unwrap_or(DEFAULT_PAGE).clamp(1, 1000)
}

fn next_cursor(raw_len: usize, size: u32, page: u64) -> Option<Cursor> {
    (raw_len as u64 >= u64::from(size)).then(|| Cursor::new((page + 1).to_string()))
}

fn wrap(op: Op) -> impl Fn(Error) -> Error {
    move |e| e.with_vendor(VENDOR).with_op(op)
}

fn expect_id(obj: &impl t::Object, what: &str) -> Result<String> {
    obj.id().map(str::to_owned).ok_or_else(|| {
        Error::protocol(format!("the engine answered a new {what} without an id"))
            .with_vendor(VENDOR)
    })
}

#[async_trait]
impl Backend for OvirtBackend {
    fn vendor(&self) -> &'static str {
        VENDOR
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn list_vms(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Vm>> {
        let page = page_of(cursor)?;
        let size = page_size(query);
        let search = vm_search(query, page);
        let raw = self
            .conn
            .system()
            .vms()
            .list()
            .search(search.text)
            .max(size)
            .send()
            .await
            .map_err(wrap(Op::VmList))?;
        let next = next_cursor(raw.len(), size, page);
        let mut items = Vec::with_capacity(raw.len());
        for v in &raw {
            let vm = convert::vm(v)?;
            if query.matches_vm(&vm) {
                items.push(vm);
            }
        }
        if matches!(query.order, Some(o) if o.field == OrderField::Id) {
            items.sort_by(|a, b| a.id.cmp(&b.id));
            if query.order.is_some_and(|o| o.descending) {
                items.reverse();
            }
        }
        Ok(Page::new(items, next).filtered_client_side(search.client_side))
    }

    async fn get_vm(&self, id: &VmId) -> Result<Vm> {
        let v = self
            .conn
            .system()
            .vms()
            .vm(id.as_str())
            .get()
            .send()
            .await
            .map_err(wrap(Op::VmGet))?;
        convert::vm(&v)
    }

    async fn create_vm(&self, spec: &VmSpec) -> Result<Submitted> {
        spec.validate()?;
        let template = match &spec.source {
            VmSource::Template(id) => id.clone(),
            _ => BLANK_TEMPLATE_ID.to_owned(),
        };
        let vm = t::Vm {
            name: Some(spec.name.clone()),
            description: spec.description.clone(),
            cluster: Some(t::Ref::id(spec.cluster.as_str())),
            template: Some(t::Ref::id(template)),
            memory: spec.memory_bytes.and_then(|m| i64::try_from(m).ok()),
            cpu: spec.vcpus.map(|n| t::Cpu {
                topology: Some(t::CpuTopology::new(i64::from(n), 1, 1)),
                ..t::Cpu::default()
            }),
            ..t::Vm::default()
        };
        let created = self
            .conn
            .system()
            .vms()
            .add(vm)
            .send()
            .await
            .map_err(wrap(Op::VmCreate))?;
        let id = expect_id(&created, "VM")?;
        Ok(Submitted::done(Op::VmCreate)
            .target(convert::vm_ref(&id))
            .expect(Expect::VmState(vec![VmState::Stopped])))
    }

    async fn power(&self, id: &VmId, action: PowerAction) -> Result<Submitted> {
        let svc = self.conn.system().vms().vm(id.as_str());
        let req = match action {
            PowerAction::Start | PowerAction::Resume => svc.start(),
            PowerAction::Stop => svc.shutdown(),
            PowerAction::ForceStop => svc.stop(),
            PowerAction::Reboot => svc.reboot(),
            PowerAction::Suspend => svc.suspend(),
            _ => return Err(Error::unsupported(VENDOR, action.op())),
        };
        req.send().await.map_err(wrap(action.op()))?;
        Ok(Submitted::done(action.op())
            .target(ResourceRef::Vm(id.clone()))
            .expect(Expect::VmState(vec![action.target_state()])))
    }

    async fn delete_vm(&self, id: &VmId) -> Result<Submitted> {
        self.conn
            .system()
            .vms()
            .vm(id.as_str())
            .remove()
            .send()
            .await
            .map_err(wrap(Op::VmDelete))?;
        Ok(Submitted::done(Op::VmDelete)
            .target(ResourceRef::Vm(id.clone()))
            .expect(Expect::VmGone))
    }

    async fn migrate_vm(&self, id: &VmId, host: Option<&HostId>) -> Result<Submitted> {
        let mut req = self.conn.system().vms().vm(id.as_str()).migrate();
        if let Some(h) = host {
            req = req.host(h.as_str());
        }
        req.send().await.map_err(wrap(Op::VmMigrate))?;
        Ok(Submitted::done(Op::VmMigrate)
            .target(ResourceRef::Vm(id.clone()))
            .expect(Expect::VmState(vec![VmState::Running])))
    }

    async fn list_hosts(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Host>> {
        let page = page_of(cursor)?;
        let size = page_size(query);
        let raw = self
            .conn
            .system()
            .hosts()
            .list()
            .search(simple_search(query, page))
            .max(size)
            .send()
            .await
            .map_err(wrap(Op::HostList))?;
        let next = next_cursor(raw.len(), size, page);
        let mut items = Vec::new();
        for h in &raw {
            let h = convert::host(h)?;
            if query.matches_host(&h) {
                items.push(h);
            }
        }
        let cs = query.cluster.is_some() || query.host_state.is_some();
        Ok(Page::new(items, next).filtered_client_side(cs))
    }

    async fn get_host(&self, id: &HostId) -> Result<Host> {
        let h = self
            .conn
            .system()
            .hosts()
            .host(id.as_str())
            .get()
            .send()
            .await
            .map_err(wrap(Op::HostGet))?;
        convert::host(&h)
    }

    async fn list_clusters(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Cluster>> {
        let page = page_of(cursor)?;
        let size = page_size(query);
        let raw = self
            .conn
            .system()
            .clusters()
            .list()
            .search(simple_search(query, page))
            .max(size)
            .send()
            .await
            .map_err(wrap(Op::ClusterList))?;
        let next = next_cursor(raw.len(), size, page);
        let mut items = Vec::new();
        for c in &raw {
            let c = convert::cluster(c)?;
            if query.name.as_ref().is_none_or(|f| f.matches(&c.name)) {
                items.push(c);
            }
        }
        Ok(Page::new(items, next))
    }

    async fn get_cluster(&self, id: &ClusterId) -> Result<Cluster> {
        let c = self
            .conn
            .system()
            .clusters()
            .cluster(id.as_str())
            .get()
            .send()
            .await
            .map_err(wrap(Op::ClusterGet))?;
        convert::cluster(&c)
    }

    async fn list_disks(&self, query: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Disk>> {
        if let Some(vm) = &query.vm
            && self.conn.version() == crate::ApiVersion::V3
        {
            // 3.x lists a VM's disks directly.
            let disks = self
                .conn
                .system()
                .vms()
                .vm(vm.as_str())
                .disks_v3()
                .list()
                .send()
                .await
                .map_err(wrap(Op::DiskList))?;
            let mut items = Vec::new();
            for d in &disks {
                let mut disk = convert::disk(d)?;
                disk.vm_id = Some(vm.clone());
                if query.matches_disk(&disk) {
                    items.push(disk);
                }
            }
            return Ok(Page::new(items, None).filtered_client_side(true));
        }
        if let Some(vm) = &query.vm {
            // A VM's disks come from its attachments; one page holds them all.
            let atts = self
                .conn
                .system()
                .vms()
                .vm(vm.as_str())
                .disk_attachments()
                .list()
                .follow("disk")
                .send()
                .await
                .map_err(wrap(Op::DiskList))?;
            let mut items = Vec::new();
            for a in atts {
                let Some(d) = a.disk else { continue };
                let mut disk = convert::disk(&d)?;
                disk.vm_id = Some(vm.clone());
                if query.matches_disk(&disk) {
                    items.push(disk);
                }
            }
            return Ok(Page::new(items, None).filtered_client_side(true));
        }
        let page = page_of(cursor)?;
        let size = page_size(query);
        let raw = self
            .conn
            .system()
            .disks()
            .list()
            .search(simple_search(query, page))
            .max(size)
            .send()
            .await
            .map_err(wrap(Op::DiskList))?;
        let next = next_cursor(raw.len(), size, page);
        let mut items = Vec::new();
        for d in &raw {
            let d = convert::disk(d)?;
            if query.matches_disk(&d) {
                items.push(d);
            }
        }
        Ok(Page::new(items, next).filtered_client_side(query.disk_state.is_some()))
    }

    async fn get_disk(&self, id: &DiskId) -> Result<Disk> {
        let d = self
            .conn
            .system()
            .disks()
            .disk(id.as_str())
            .get()
            .send()
            .await
            .map_err(wrap(Op::DiskGet))?;
        convert::disk(&d)
    }

    async fn create_disk(&self, spec: &DiskSpec) -> Result<Submitted> {
        spec.validate()?;
        let sd = match &spec.storage {
            Some(s) => s.clone(),
            None => self.default_storage_domain().await?,
        };
        let disk = t::Disk {
            name: Some(spec.name.clone()),
            provisioned_size: Some(i64::try_from(spec.size_bytes).map_err(|_| {
                Error::invalid_input("disk size is too large for oVirt").with_vendor(VENDOR)
            })?),
            format: Some(t::DiskFormat::Cow),
            sparse: Some(true),
            storage_domains: vec![t::Ref::id(sd)],
            ..t::Disk::default()
        };
        let created = self
            .conn
            .system()
            .disks()
            .add(disk)
            .send()
            .await
            .map_err(wrap(Op::DiskCreate))?;
        let id = expect_id(&created, "disk")?;
        Ok(Submitted::done(Op::DiskCreate)
            .target(ResourceRef::Disk(id.into()))
            .expect(Expect::DiskReady))
    }

    async fn attach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        self.conn
            .system()
            .vms()
            .vm(vm.as_str())
            .disk_attachments()
            .attach(disk.as_str(), t::DiskInterface::VirtioScsi)
            .send()
            .await
            .map_err(wrap(Op::DiskAttach))?;
        Ok(Submitted::done(Op::DiskAttach).target(ResourceRef::Disk(disk.clone())))
    }

    async fn detach_disk(&self, disk: &DiskId, vm: &VmId) -> Result<Submitted> {
        self.conn
            .system()
            .vms()
            .vm(vm.as_str())
            .disk_attachments()
            .attachment(disk.as_str())
            .remove()
            .detach_only(true)
            .send()
            .await
            .map_err(wrap(Op::DiskDetach))?;
        Ok(Submitted::done(Op::DiskDetach).target(ResourceRef::Disk(disk.clone())))
    }

    async fn delete_disk(&self, disk: &DiskId) -> Result<Submitted> {
        self.conn
            .system()
            .disks()
            .disk(disk.as_str())
            .remove()
            .send()
            .await
            .map_err(wrap(Op::DiskDelete))?;
        Ok(Submitted::done(Op::DiskDelete)
            .target(ResourceRef::Disk(disk.clone()))
            .expect(Expect::DiskGone))
    }

    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        let j = self
            .conn
            .system()
            .jobs()
            .job(id.as_str())
            .get()
            .send()
            .await
            .map_err(wrap(Op::TaskGet))?;
        convert::task(&j)
    }

    async fn close(&self) -> Result<()> {
        self.conn.close().await
    }
}

impl OvirtBackend {
    async fn default_storage_domain(&self) -> Result<String> {
        let sds = self
            .conn
            .system()
            .storage_domains()
            .list()
            .send()
            .await
            .map_err(wrap(Op::DiskCreate))?;
        sds.iter()
            .filter(|s| s.domain_type == Some(t::StorageDomainType::Data))
            .filter(|s| s.status.is_none() || s.status == Some(t::StorageDomainStatus::Active))
            .max_by_key(|s| s.available.unwrap_or(0))
            .and_then(|s| s.id.clone())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidInput,
                    "no active data storage domain found; pass one in DiskSpec::storage",
                )
                .with_vendor(VENDOR)
                .with_op(Op::DiskCreate)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_search_translation() {
        let q = ListQuery::new()
            .name_contains("web")
            .vm_state(VmState::Running);
        let s = vm_search(&q, 2);
        assert_eq!(s.text, "name=*web* and status=up sortby name asc page 2");
        assert!(!s.client_side);
        let q = ListQuery::new().name_equals("my vm").cluster("c1");
        let s = vm_search(&q, 1);
        assert_eq!(s.text, "name=\"my vm\" sortby name asc page 1");
        assert!(s.client_side);
        let s = vm_search(&ListQuery::new().vm_state(VmState::Starting), 1);
        assert_eq!(s.text, "sortby name asc page 1");
        assert!(s.client_side);
    }

    #[test]
    fn cursors() {
        assert_eq!(page_of(None).unwrap(), 1);
        assert_eq!(page_of(Some(&Cursor::new("3"))).unwrap(), 3);
        assert_eq!(
            page_of(Some(&Cursor::new("x"))).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(next_cursor(10, 10, 1), Some(Cursor::new("2")));
        assert_eq!(next_cursor(9, 10, 1), None);
    }

    #[test]
    fn capabilities_are_honest() {
        let c = capabilities();
        assert!(c.supports(Op::VmMigrate));
        assert!(c.supports(Op::TaskGet));
        assert!(!c.supports(Op::TaskGetBatch));
    }
}
