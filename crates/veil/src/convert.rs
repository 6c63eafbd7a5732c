//! VeiL objects -> the neutral model. The state maps are plain data, so the docs and the tests
//! read the same table.
//!
//! A VeiL VM has two state fields: the entity `status` (CREATING, ACTIVE, FAILED, DELETING,
//! SERVICE, PARTIAL) and the number `user_power_state` (0 undefined, 1 off, 2 suspended, 3 on).
//! The entity status wins while it says something about the VM's life (creating, deleting,
//! failed); otherwise the power state decides. `raw_state` keeps both, e.g. `ACTIVE/3`.

use omnivirt_core::{
    Cluster, ClusterState, Disk, DiskState, Event, EventSeverity, Host, HostState, Network, Nic,
    ResourceRef, StoragePool, StorageState, Task, TaskError, TaskState, Template, TemplateKind, Vm,
    VmState,
};

use crate::wire::{self, PowerState};

/// Entity `status` words that decide a VM's neutral state on their own.
pub const DOMAIN_STATUS: &[(&str, VmState)] = &[
    ("CREATING", VmState::Creating),
    ("DELETING", VmState::Deleting),
    ("FAILED", VmState::Error),
];

/// `user_power_state` -> neutral state, when the entity status is ACTIVE (or SERVICE/PARTIAL).
pub const POWER_STATES: &[(PowerState, VmState)] = &[
    (PowerState::Off, VmState::Stopped),
    (PowerState::Suspended, VmState::Suspended),
    (PowerState::On, VmState::Running),
    (PowerState::Undefined, VmState::Unknown),
];

/// A domain held by a task (`locked_by` set) is on its way somewhere; the power state it still
/// shows says where it comes from, not where it goes. VeiL does not name the change, so an
/// off domain reads as starting, a running one as stopping and a suspended one as resuming:
/// transitional, which is what a waiter needs to keep polling the VM and not its task.
pub const LOCKED_STATES: &[(VmState, VmState)] = &[
    (VmState::Stopped, VmState::Starting),
    (VmState::Running, VmState::Stopping),
    (VmState::Suspended, VmState::Resuming),
];

/// Task `status` -> neutral task state (statuses from the Go client; Python knows fewer).
/// LOST and PARTIAL are failures: the work did not (fully) happen.
pub const TASK_STATES: &[(&str, TaskState)] = &[
    ("IN_PROGRESS", TaskState::Running),
    ("SUCCESS", TaskState::Succeeded),
    ("FAILED", TaskState::Failed),
    ("CANCELED", TaskState::Cancelled),
    ("LOST", TaskState::Failed),
    ("PARTIAL", TaskState::Failed),
];

/// Node entity `status` -> host state. SERVICE is VeiL's maintenance mode.
pub const NODE_STATES: &[(&str, HostState)] = &[
    ("ACTIVE", HostState::Up),
    ("SERVICE", HostState::Maintenance),
    ("CREATING", HostState::Connecting),
    ("FAILED", HostState::Error),
    ("PARTIAL", HostState::Error),
    ("DELETING", HostState::Down),
];

/// Cluster entity `status` -> cluster state.
pub const CLUSTER_STATES: &[(&str, ClusterState)] = &[
    ("ACTIVE", ClusterState::Ok),
    ("PARTIAL", ClusterState::Degraded),
    ("SERVICE", ClusterState::Degraded),
    ("FAILED", ClusterState::Error),
];

/// Virtual disk entity `status` -> disk state (a disk held by a task is `Locked`, see
/// [`disk_state`]).
pub const VDISK_STATES: &[(&str, DiskState)] = &[
    ("ACTIVE", DiskState::Ready),
    ("CREATING", DiskState::Creating),
    ("DELETING", DiskState::Locked),
    ("FAILED", DiskState::Error),
    ("PARTIAL", DiskState::Error),
    ("SERVICE", DiskState::Locked),
];

/// Data pool entity `status` -> storage state. SERVICE is maintenance; PARTIAL (some nodes lost
/// the pool) still serves the nodes that see it.
pub const DATAPOOL_STATES: &[(&str, StorageState)] = &[
    ("ACTIVE", StorageState::Ok),
    ("PARTIAL", StorageState::Ok),
    ("SERVICE", StorageState::Maintenance),
    ("CREATING", StorageState::Maintenance),
    ("DELETING", StorageState::Unavailable),
    ("FAILED", StorageState::Unavailable),
];

/// VeiL's rule for secrets in `extra`: a field whose name has one of these words (e.g. the
/// console's `graphics_password`) is replaced with `"***"`; the console commands fetch
/// credentials on request instead.
pub const SECRET_WORDS: &[&str] = &["password", "passwd", "ticket", "token", "secret", "key"];

const MIB: u64 = 1 << 20;
const GIB: f64 = (1u64 << 30) as f64;

fn lookup<T: Copy>(table: &[(&str, T)], word: &str) -> Option<T> {
    table.iter().find(|(w, _)| *w == word).map(|(_, s)| *s)
}

/// The neutral state of a VM from its two wire fields.
pub fn domain_state(status: Option<&str>, power: Option<PowerState>) -> VmState {
    if let Some(s) = status.and_then(|s| lookup(DOMAIN_STATUS, s)) {
        return s;
    }
    power
        .and_then(|p| POWER_STATES.iter().find(|(w, _)| *w == p).map(|(_, s)| *s))
        .unwrap_or(VmState::Unknown)
}

/// The neutral state of a domain, `locked_by` included (see [`LOCKED_STATES`]).
pub fn domain_state_locked(
    status: Option<&str>,
    power: Option<PowerState>,
    locked_by: Option<&str>,
) -> VmState {
    let base = domain_state(status, power);
    if locked_by.is_none_or(str::is_empty) {
        return base;
    }
    LOCKED_STATES
        .iter()
        .find(|(from, _)| *from == base)
        .map_or(base, |(_, to)| *to)
}

/// `status/power`, e.g. `ACTIVE/3`.
fn raw_domain_state(d: &wire::Domain) -> String {
    let status = d.status.as_deref().unwrap_or("?");
    match d.user_power_state {
        Some(p) => format!("{status}/{p}"),
        None => status.to_owned(),
    }
}

/// A domain -> a VM. [`into_vm`] does the same without copying the domain.
pub fn vm(d: &wire::Domain) -> Vm {
    into_vm(d.clone())
}

/// A domain -> a VM, the domain's fields moved into the VM: its name, description and the
/// fields the model does not name (`extra`) are not copied.
pub fn into_vm(d: wire::Domain) -> Vm {
    let state = domain_state_locked(d.status.as_deref(), d.power_state(), d.locked_by.as_deref());
    let raw_state = raw_domain_state(&d);
    let wire::Domain {
        id,
        verbose_name,
        cpu_count,
        memory_count,
        node,
        cluster,
        resource_pool,
        description,
        template,
        locked_by,
        parent,
        mut extra,
        ..
    } = d;
    let mut v = Vm::new(id, verbose_name, state);
    v.raw_state = Some(raw_state);
    // The list shape has `cpu_count` at the top; the detail shape only in `cpu_topology`.
    v.vcpus = cpu_count.or_else(|| {
        extra
            .get("cpu_topology")
            .and_then(|t| t.get("cpu_count"))
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    });
    v.memory_bytes = memory_count.and_then(|m| m.checked_mul(MIB));
    v.cluster_id = cluster.map(|c| c.id.into());
    // A stopped VM keeps its last node on VeiL; the neutral model places only live VMs.
    if matches!(
        state,
        VmState::Running | VmState::Suspended | VmState::Migrating
    ) {
        v.host_id = node.as_ref().map(|n| n.id.as_str().into());
    }
    v.description = description.filter(|s| !s.is_empty());
    v.ips = guest_ips(&extra);
    v.tags = tag_names(extra.get("tags"));
    v.created_at = extra
        .get("created")
        .and_then(serde_json::Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if let Some(n) = node {
        extra.insert("node".into(), n.id.into());
    }
    if let Some(rp) = resource_pool {
        extra.insert("resource_pool".into(), rp.id.into());
    }
    if let Some(t) = locked_by {
        extra.insert("locked_by".into(), t.into());
    }
    if let Some(p) = parent {
        extra.insert("parent".into(), p.id.into());
    }
    if let Some(t) = template {
        extra.insert("template".into(), t.into());
    }
    omnivirt_http::redact_secrets(&mut extra, SECRET_WORDS);
    v.extra = extra;
    v
}

/// The addresses the guest agent reports (`guest_utils.ipv4`); empty without a running agent.
pub fn guest_ips(extra: &wire::Extra) -> Vec<String> {
    extra
        .get("guest_utils")
        .and_then(|g| g.get("ipv4"))
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(serde_json::Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Tag names of an entity's `tags`: objects `{verbose_name, colour}` (a bare string is taken as
/// the name).
pub fn tag_names(tags: Option<&serde_json::Value>) -> Vec<String> {
    let Some(list) = tags.and_then(serde_json::Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|t| match t {
            serde_json::Value::String(s) => Some(s.as_str()),
            other => other
                .get("verbose_name")
                .and_then(serde_json::Value::as_str),
        })
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A template domain -> a template. VeiL keeps no size on a domain (its disks are separate
/// vdisks), so `size_bytes` stays empty; vCPUs and memory go to `extra`.
pub fn template(d: &wire::Domain) -> Template {
    let mut t = Template::new(
        d.id.as_str(),
        d.verbose_name.clone(),
        TemplateKind::Template,
    );
    let os_version = d
        .extra
        .get("os_version")
        .and_then(serde_json::Value::as_str)
        .filter(|s| !s.is_empty());
    t.os = os_version
        .map(str::to_owned)
        .or_else(|| d.os_type.clone().filter(|s| !s.is_empty()));
    t.cluster_id = d.cluster.as_ref().map(|c| c.id.as_str().into());
    t.description = d.description.clone().filter(|s| !s.is_empty());
    t.extra = d.extra.clone();
    if let Some(s) = &d.status {
        t.extra.insert("status".into(), serde_json::json!(s));
    }
    if let Some(os) = &d.os_type {
        t.extra.insert("os_type".into(), serde_json::json!(os));
    }
    let vcpus = d.cpu_count.map(u64::from).or_else(|| {
        d.extra
            .get("cpu_topology")
            .and_then(|t| t.get("cpu_count"))
            .and_then(serde_json::Value::as_u64)
    });
    if let Some(n) = vcpus {
        t.extra.insert("cpu_count".into(), serde_json::json!(n));
    }
    if let Some(m) = d.memory_count.and_then(|m| m.checked_mul(MIB)) {
        t.extra.insert("memory_bytes".into(), serde_json::json!(m));
    }
    if let Some(n) = &d.node {
        t.extra.insert("node".into(), serde_json::json!(n.id));
    }
    if let Some(rp) = &d.resource_pool {
        t.extra
            .insert("resource_pool".into(), serde_json::json!(rp.id));
    }
    if let Some(p) = &d.parent {
        t.extra.insert("parent".into(), serde_json::json!(p.id));
    }
    omnivirt_http::redact_secrets(&mut t.extra, SECRET_WORDS);
    t
}

/// A VLAN number as the neutral model keeps it: 1..=4094; 0 (untagged) and nonsense are `None`.
pub fn vlan(n: Option<i64>) -> Option<u16> {
    n.and_then(|n| u16::try_from(n).ok())
        .filter(|n| (1..=4094).contains(n))
}

/// A virtual network -> a network. VeiL networks belong to the controller, not to a cluster.
pub fn network(n: &wire::VNetwork) -> Network {
    let mut out = Network::new(n.id.as_str(), n.verbose_name.clone());
    out.vlan = vlan(n.data_vlan.or(n.vlan_id));
    out.cidr = n.data_subnet.clone().filter(|s| !s.trim().is_empty());
    out.description = n.description.clone().filter(|s| !s.is_empty());
    out.extra = n.extra.clone();
    if let Some(s) = &n.status {
        out.extra
            .insert("status".into(), serde_json::json!(s.as_str()));
    }
    omnivirt_http::redact_secrets(&mut out.extra, SECRET_WORDS);
    out
}

/// MiB (data pool sizes) -> bytes; `None` on overflow.
pub fn mib_to_bytes(mib: u64) -> Option<u64> {
    mib.checked_mul(MIB)
}

/// A data pool -> a storage pool. `size` and `free_space` are MiB on the wire.
pub fn storage_pool(p: &wire::DataPool) -> StoragePool {
    let state = p
        .status
        .as_deref()
        .and_then(|s| lookup(DATAPOOL_STATES, s))
        .unwrap_or(StorageState::Unknown);
    let mut out = StoragePool::new(p.id.as_str(), p.verbose_name.clone(), state);
    out.raw_state = p.status.clone();
    out.cluster_id = p.cluster.as_ref().map(|c| c.id.as_str().into());
    out.capacity_bytes = p.size.and_then(mib_to_bytes);
    out.free_bytes = p.free_space.and_then(mib_to_bytes);
    out.extra = p.extra.clone();
    if let Some(k) = &p.kind {
        out.extra.insert("type".into(), serde_json::json!(k));
    }
    if let Some(u) = p.used_space {
        out.extra.insert("used_space".into(), serde_json::json!(u));
    }
    if let Some(d) = p.description.as_deref().filter(|s| !s.is_empty()) {
        out.extra.insert("description".into(), serde_json::json!(d));
    }
    omnivirt_http::redact_secrets(&mut out.extra, SECRET_WORDS);
    out
}

/// A node -> a host.
pub fn host(n: &wire::Node) -> Host {
    let raw = n.status.clone().unwrap_or_default();
    let state = lookup(NODE_STATES, &raw).unwrap_or(HostState::Unknown);
    let mut h = Host::new(n.id.as_str(), n.verbose_name.clone(), state);
    h.raw_state = n.status.clone();
    h.cluster_id = n.cluster.as_ref().map(|c| c.id.as_str().into());
    h.address = n.management_ip.clone();
    h.cpu_threads = n.cpu_count;
    h.memory_bytes = n.memory_count.and_then(|m| m.checked_mul(MIB));
    h.extra = n.extra.clone();
    omnivirt_http::redact_secrets(&mut h.extra, SECRET_WORDS);
    h
}

/// A cluster -> a cluster.
pub fn cluster(c: &wire::Cluster) -> Cluster {
    let mut out = Cluster::new(c.id.as_str(), c.verbose_name.clone());
    out.state = c
        .status
        .as_deref()
        .and_then(|s| lookup(CLUSTER_STATES, s))
        .unwrap_or(ClusterState::Unknown);
    out.raw_state = c.status.clone();
    out.description = c.description.clone().filter(|s| !s.is_empty());
    out.extra = c.extra.clone();
    if let Some(n) = c.nodes_count {
        out.extra.insert("nodes_count".into(), serde_json::json!(n));
    }
    omnivirt_http::redact_secrets(&mut out.extra, SECRET_WORDS);
    out
}

/// The neutral state of a virtual disk.
pub fn disk_state(status: Option<&str>, locked_by: Option<&str>) -> DiskState {
    let base = status
        .and_then(|s| lookup(VDISK_STATES, s))
        .unwrap_or(DiskState::Unknown);
    if base == DiskState::Ready && locked_by.is_some() {
        DiskState::Locked
    } else {
        base
    }
}

/// Disk size in bytes from GiB (a float on the wire); `None` for negative or absurd values.
pub fn gib_to_bytes(gib: f64) -> Option<u64> {
    let bytes = (gib * GIB).round();
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// A virtual disk -> a disk.
pub fn disk(d: &wire::VDisk) -> Disk {
    let state = disk_state(d.status.as_deref(), d.locked_by.as_deref());
    let mut out = Disk::new(d.id.as_str(), d.verbose_name.clone(), state);
    out.raw_state = d.status.clone();
    out.size_bytes = d.size.and_then(gib_to_bytes);
    out.vm_id = d.domain.as_ref().map(|v| v.id.as_str().into());
    out.extra = d.extra.clone();
    if let Some(p) = &d.datapool {
        out.extra.insert("datapool".into(), serde_json::json!(p.id));
    }
    omnivirt_http::redact_secrets(&mut out.extra, SECRET_WORDS);
    out
}

/// The neutral state of a task status word.
pub fn task_state(status: &str) -> TaskState {
    lookup(TASK_STATES, status).unwrap_or(TaskState::Unknown)
}

/// A task -> a task. The first entity is the target; `error_message` is the failure text.
pub fn task(t: &wire::Task) -> Task {
    let state = task_state(&t.status);
    let mut out = Task::new(t.id.as_str(), state);
    out.raw_state = Some(t.status.clone());
    out.name = t
        .name
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| t.verbose_name.clone());
    out.progress = t.progress.map(|p| p.clamp(0.0, 100.0) as u8);
    if state == TaskState::Failed || state == TaskState::Cancelled {
        let msg = t
            .error_message
            .clone()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("task ended {}", t.status));
        out.error = Some(TaskError::new(Some(t.status.clone()), msg));
    }
    out.target = task_target(t);
    out.extra = t.extra.clone();
    omnivirt_http::redact_secrets(&mut out.extra, SECRET_WORDS);
    out
}

/// The object a task acts on: its first domain, else its first vdisk, node or cluster.
pub fn task_target(t: &wire::Task) -> Option<ResourceRef> {
    if let Some(id) = t.entity_of("domain") {
        return Some(ResourceRef::Vm(id.into()));
    }
    if let Some(id) = t.entity_of("vdisk") {
        return Some(ResourceRef::Disk(id.into()));
    }
    if let Some(id) = t.entity_of("node") {
        return Some(ResourceRef::Host(id.into()));
    }
    t.entity_of("cluster")
        .map(|id| ResourceRef::Cluster(id.into()))
}

/// An event's `entities` entry -> a neutral reference, for the classes the model names.
pub fn entity_ref(e: &wire::EntityRef) -> Option<ResourceRef> {
    let id = e.entity_uuid.as_str();
    Some(match e.entity_class.as_str() {
        "domain" => ResourceRef::Vm(id.into()),
        "node" => ResourceRef::Host(id.into()),
        "cluster" => ResourceRef::Cluster(id.into()),
        "vdisk" => ResourceRef::Disk(id.into()),
        "vnetwork" => ResourceRef::Network(id.into()),
        "datapool" => ResourceRef::StoragePool(id.into()),
        "vmachineinf" => ResourceRef::Nic(id.into()),
        _ => return None,
    })
}

/// Event `type` -> severity.
pub fn event_severity(t: Option<&wire::EventType>) -> EventSeverity {
    match t {
        Some(wire::EventType::Info) => EventSeverity::Info,
        Some(wire::EventType::Warning) => EventSeverity::Warning,
        Some(wire::EventType::Error) => EventSeverity::Error,
        _ => EventSeverity::Unknown,
    }
}

/// An event of the journal -> an event. `None` when its `created` is not RFC 3339 (the
/// neutral model orders and filters events by time).
pub fn event(e: &wire::Event) -> Option<Event> {
    let time = omnivirt_core::time::normalize(e.created.as_deref()?)?;
    let message = e
        .message
        .clone()
        .or_else(|| e.detail_message.clone())
        .unwrap_or_default();
    let mut out = Event::new(
        e.id.as_str(),
        time,
        event_severity(e.event_type.as_ref()),
        message,
    );
    out.refs = e.entities.iter().filter_map(entity_ref).collect();
    out.code = e.event_type.as_ref().map(|t| t.as_str().to_owned());
    out.extra = e.extra.clone();
    if let Some(u) = &e.user {
        out.extra.insert("user".into(), serde_json::json!(u));
    }
    if let Some(t) = &e.task {
        out.extra.insert("task".into(), serde_json::json!(t));
    }
    omnivirt_http::redact_secrets(&mut out.extra, SECRET_WORDS);
    Some(out)
}

/// A network interface of `vm` -> a NIC. Its addresses are the `ipv4` it reports, if any.
pub fn nic(vm: &str, n: &wire::VmachineInf) -> Nic {
    let name = n.verbose_name.clone().unwrap_or_else(|| n.id.clone());
    let mut out = Nic::new(n.id.as_str(), vm, name);
    out.mac = n.mac_address.as_ref().map(|m| m.to_ascii_lowercase());
    out.network_id = n.vnetwork.as_ref().map(|r| r.id.as_str().into());
    out.model = n.nic_driver.as_ref().map(|d| d.as_str().to_owned());
    out.ips = n
        .extra
        .get("ipv4")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(serde_json::Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    out.extra = n.extra.clone();
    out.extra.remove("ipv4");
    if let Some(l) = &n.link_state {
        out.extra
            .insert("link_state".into(), serde_json::json!(l.as_str()));
    }
    omnivirt_http::redact_secrets(&mut out.extra, SECRET_WORDS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail() -> wire::Domain {
        let raw = include_str!("../../../fixtures/veil/samples/domain_info.json");
        let mut v: serde_json::Value = serde_json::from_str(raw).unwrap();
        // The sample is scrubbed; put a real-looking password back.
        v["graphics_password"] = serde_json::json!("s3cr3t-console");
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_domain_held_by_a_task_is_on_its_way() {
        let on = Some(PowerState::On);
        let off = Some(PowerState::Off);
        let held = Some("task-1");
        assert_eq!(
            domain_state_locked(Some("ACTIVE"), off, held),
            VmState::Starting
        );
        assert_eq!(
            domain_state_locked(Some("ACTIVE"), on, held),
            VmState::Stopping
        );
        assert_eq!(
            domain_state_locked(Some("ACTIVE"), Some(PowerState::Suspended), held),
            VmState::Resuming
        );
        assert_eq!(
            domain_state_locked(Some("DELETING"), off, held),
            VmState::Deleting
        );
        assert_eq!(
            domain_state_locked(Some("ACTIVE"), on, None),
            VmState::Running
        );
        assert_eq!(
            domain_state_locked(Some("ACTIVE"), on, Some("")),
            VmState::Running
        );
    }

    #[test]
    fn an_event_of_the_vendor_sample_names_its_domain() {
        let raw = include_str!("../../../fixtures/veil/samples/events_list.json");
        let page: wire::Paginated<wire::Event> = serde_json::from_str(raw).unwrap();
        let e = event(&page.results[0]).unwrap();
        assert_eq!(e.time, "2021-08-20T10:08:09Z");
        assert_eq!(e.severity, EventSeverity::Info);
        assert_eq!(
            e.refs,
            vec![ResourceRef::Vm(
                "391bf28f-1757-467a-8c64-589ad9f135a0".into()
            )]
        );
        assert_eq!(e.extra["user"], "vdi_emil");
    }

    #[test]
    fn console_password_never_reaches_extra() {
        let v = vm(&detail());
        let out = serde_json::to_string(&v).unwrap();
        assert!(!out.contains("s3cr3t-console"), "{out}");
        assert_eq!(v.extra["graphics_password"], "***");
    }

    #[test]
    fn detail_shape_vcpus_come_from_cpu_topology() {
        let d = detail();
        assert_eq!(
            d.cpu_count, None,
            "the detail shape has no top-level cpu_count"
        );
        assert_eq!(vm(&d).vcpus, Some(2));
    }

    #[test]
    fn domain_state_table() {
        let cases: &[(Option<&str>, Option<i64>, VmState)] = &[
            (Some("ACTIVE"), Some(3), VmState::Running),
            (Some("ACTIVE"), Some(1), VmState::Stopped),
            (Some("ACTIVE"), Some(2), VmState::Suspended),
            (Some("ACTIVE"), Some(0), VmState::Unknown),
            (Some("ACTIVE"), Some(9), VmState::Unknown),
            (Some("ACTIVE"), None, VmState::Unknown),
            (Some("CREATING"), Some(1), VmState::Creating),
            (Some("DELETING"), Some(1), VmState::Deleting),
            (Some("FAILED"), Some(3), VmState::Error),
            (Some("SERVICE"), Some(3), VmState::Running),
            (None, Some(1), VmState::Stopped),
        ];
        for (status, power, want) in cases {
            assert_eq!(
                domain_state(*status, power.map(PowerState::from_wire)),
                *want,
                "{status:?} {power:?}"
            );
        }
    }

    #[test]
    fn task_table() {
        for (word, want) in TASK_STATES {
            assert_eq!(task_state(word), *want);
        }
        assert_eq!(task_state("SOMETHING_NEW"), TaskState::Unknown);
        // Every terminal VeiL status is terminal in the neutral model, so no wait spins forever.
        for word in ["SUCCESS", "FAILED", "CANCELED", "LOST", "PARTIAL"] {
            assert!(task_state(word).is_terminal(), "{word}");
        }
    }

    #[test]
    fn disk_sizes_and_locks() {
        assert_eq!(gib_to_bytes(1.0), Some(1 << 30));
        assert_eq!(gib_to_bytes(0.5), Some(1 << 29));
        assert_eq!(gib_to_bytes(-1.0), None);
        assert_eq!(gib_to_bytes(f64::INFINITY), None);
        assert_eq!(disk_state(Some("ACTIVE"), Some("t")), DiskState::Locked);
        assert_eq!(disk_state(Some("ACTIVE"), None), DiskState::Ready);
        assert_eq!(disk_state(Some("NEW"), None), DiskState::Unknown);
    }

    #[test]
    fn node_and_cluster_tables_cover_every_entity_status() {
        for w in [
            "ACTIVE", "SERVICE", "CREATING", "FAILED", "PARTIAL", "DELETING",
        ] {
            assert!(lookup(NODE_STATES, w).is_some(), "{w}");
            assert!(lookup(VDISK_STATES, w).is_some(), "{w}");
        }
    }
}
