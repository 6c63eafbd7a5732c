//! CloudTower objects -> the neutral model. The state maps are plain data.

use omnivirt_core::{
    Cluster, ClusterState, Disk, DiskState, Extra, Host, HostState, ResourceRef, Task, TaskError,
    TaskState, Vm, VmState,
};
use serde_json::Value;

use crate::generated::types::NestedLabel;
use crate::wire;

mod inventory;
mod listed;

pub use inventory::{STORAGE_BUSY, STORAGE_CONNECT, cidr, network, storage_pool, template};
pub use listed::{ListedVm, VM_FIELDS};

/// `VmStatus` -> neutral state.
pub const VM_STATUS: &[(&str, VmState)] = &[
    ("RUNNING", VmState::Running),
    ("STOPPED", VmState::Stopped),
    ("SUSPENDED", VmState::Suspended),
    ("DELETED", VmState::Deleted),
    ("UNKNOWN", VmState::Unknown),
];

/// `entityAsyncStatus` of a VM that overrides its power state while set.
/// (`UPDATING` does only where [`VM_UPDATING`] says so.)
pub const VM_BUSY: &[(&str, VmState)] = &[
    ("CREATING", VmState::Creating),
    ("DELETING", VmState::Deleting),
];

/// `status` of a VM whose `entityAsyncStatus` is `UPDATING` -> the transition it is in. A tower
/// keeps a VM being powered on at its old status (STOPPED, SUSPENDED) and marks it UPDATING
/// until the task ends; reading that as a settled Stopped would make a waiter think the start
/// had stalled. A RUNNING VM that is UPDATING may be stopping, rebooting, suspending, migrating
/// or being reconfigured: no one transition fits, so it stays Running.
pub const VM_UPDATING: &[(&str, VmState)] = &[
    ("STOPPED", VmState::Starting),
    ("SUSPENDED", VmState::Resuming),
];

/// `HostStatus` -> neutral state (maintenance mode overrides it).
pub const HOST_STATUS: &[(&str, HostState)] = &[
    ("CONNECTED_HEALTHY", HostState::Up),
    ("CONNECTED_WARNING", HostState::Up),
    ("CONNECTED_ERROR", HostState::Error),
    ("CONNECTING", HostState::Connecting),
    ("INITIALIZING", HostState::Connecting),
    ("SESSION_EXPIRED", HostState::Down),
];

/// `MaintenanceModeEnum` values that mean "in maintenance".
pub const HOST_MAINTENANCE: &[&str] = &["ENTERING_MAINTENANCE_MODE", "MAINTENANCE_MODE"];

/// `ConnectState` -> neutral cluster state.
pub const CLUSTER_CONNECT: &[(&str, ClusterState)] = &[
    ("CONNECTED", ClusterState::Ok),
    ("DISCONNECTED", ClusterState::Error),
    ("INITIALIZING", ClusterState::Degraded),
    ("REMOVING", ClusterState::Degraded),
];

/// `entityAsyncStatus` of a volume -> neutral disk state (none set: `Ready`).
pub const VOLUME_BUSY: &[(&str, DiskState)] = &[
    ("CREATING", DiskState::Creating),
    ("UPDATING", DiskState::Locked),
    ("DELETING", DiskState::Locked),
];

/// `TaskStatus` -> neutral state (`SUCCESSED` is the server's spelling).
pub const TASK_STATUS: &[(&str, TaskState)] = &[
    ("PENDING", TaskState::Pending),
    ("EXECUTING", TaskState::Running),
    ("PAUSED", TaskState::Pending),
    ("SUCCESSED", TaskState::Succeeded),
    ("FAILED", TaskState::Failed),
];

/// The state of a VM in the recycle bin, whatever its `status` says.
pub const VM_RECYCLED: VmState = VmState::Deleted;

fn lookup<T: Copy>(table: &[(&str, T)], key: &str) -> Option<T> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The one key of `table` that maps to `state`; `None` when none or several do (a single
/// equality filter could not select them all).
fn only_key<T: Copy + PartialEq>(table: &[(&'static str, T)], state: T) -> Option<&'static str> {
    let mut keys = table.iter().filter(|(_, s)| *s == state).map(|(k, _)| *k);
    match (keys.next(), keys.next()) {
        (Some(k), None) => Some(k),
        _ => None,
    }
}

/// The server-side condition that selects VMs in one neutral state (see [`vm_filter_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmStateFilter {
    /// `entityAsyncStatus` equals this [`VM_BUSY`] key.
    Busy(&'static str),
    /// The VM is in the recycle bin ([`VM_RECYCLED`]).
    RecycleBin,
    /// `status` equals this [`VM_UPDATING`] key and `entityAsyncStatus` is `UPDATING`.
    Updating(&'static str),
    /// `status` equals this [`VM_STATUS`] key.
    Status(&'static str),
}

/// The filter for VMs in `state`, derived from the tables [`vm_state`] reads, in the order it
/// reads them, so the filter and the decoding cannot disagree. `None`: filter client-side.
pub fn vm_filter_for(state: VmState) -> Option<VmStateFilter> {
    // Unknown is also the fallback for statuses no table names, which no filter can select.
    if state == VmState::Unknown {
        return None;
    }
    if let Some(k) = only_key(VM_BUSY, state) {
        return Some(VmStateFilter::Busy(k));
    }
    if let Some(k) = only_key(VM_UPDATING, state) {
        return Some(VmStateFilter::Updating(k));
    }
    if state == VM_RECYCLED {
        return Some(VmStateFilter::RecycleBin);
    }
    only_key(VM_STATUS, state).map(VmStateFilter::Status)
}

/// The neutral state of a VM.
pub fn vm_state(vm: &wire::Vm) -> VmState {
    if let Some(busy) = &vm.entity_async_status
        && let Some(s) = lookup(VM_BUSY, busy.as_str())
    {
        return s;
    }
    if vm
        .entity_async_status
        .as_ref()
        .is_some_and(|b| b.as_str() == "UPDATING")
        && let Some(s) = vm
            .status
            .as_ref()
            .and_then(|s| lookup(VM_UPDATING, s.as_str()))
    {
        return s;
    }
    if vm.in_recycle_bin == Some(true) {
        return VM_RECYCLED;
    }
    vm.status
        .as_ref()
        .and_then(|s| lookup(VM_STATUS, s.as_str()))
        .unwrap_or(VmState::Unknown)
}

/// The neutral state of a task.
pub fn task_state(status: Option<&wire::TaskStatus>) -> TaskState {
    status
        .and_then(|s| lookup(TASK_STATUS, s.as_str()))
        .unwrap_or(TaskState::Unknown)
}

fn put(extra: &mut Extra, k: &str, v: impl Into<Value>) {
    extra.insert(k.to_owned(), v.into());
}

/// The text of an optional field of a generated model type, empty when the server left it out.
pub(crate) fn text(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|s| !s.is_empty()).cloned()
}

/// CloudTower's rule for secrets: only named fields reach `extra`, and any whose name has one
/// of these words (a VNC/console `token`, a `password`, a `ticket`) is replaced with `"***"`.
pub const SECRET_WORDS: &[&str] = &["password", "passwd", "ticket", "token", "secret", "key"];

/// A CloudTower VM as a neutral [`Vm`].
pub fn vm(v: wire::Vm) -> Vm {
    // Taken apart, not copied: a listing converts every VM it reads once.
    let state = vm_state(&v);
    let mut out = Vm::new(v.id.unwrap_or_default(), v.name.unwrap_or_default(), state);
    out.raw_state = v.status.as_ref().map(|s| s.as_str().to_owned());
    out.vcpus = v.vcpu.and_then(|n| u32::try_from(n).ok());
    out.memory_bytes = v.memory.and_then(|m| u64::try_from(m).ok());
    out.cluster_id = v.cluster.and_then(|c| c.id).map(Into::into);
    out.host_id = v.host.and_then(|h| h.id).map(Into::into);
    out.description = v.description.filter(|s| !s.is_empty());
    out.ips = match v.ips {
        // One address, as most VMs have: its decoded text is kept, not copied.
        Some(one) if !one.is_empty() && !one.contains(',') && one.trim().len() == one.len() => {
            vec![one]
        }
        ips => vm_ips(ips.as_deref()),
    };
    out.tags = v.labels.iter().flatten().map(label_tag).collect();
    out.created_at = v.local_created_at.filter(|s| !s.is_empty());
    // Gathered in key order and built in one go: `BTreeMap::from_iter` sorts (nothing to
    // move here) and fills one leaf, where six `insert`s searched and shifted it six times.
    let mut x: Vec<(String, Value)> = Vec::with_capacity(6);
    if let Some(b) = &v.entity_async_status {
        x.push(("entity_async_status".into(), b.as_str().into()));
    }
    if let Some(f) = &v.firmware {
        x.push(("firmware".into(), f.as_str().into()));
    }
    if let Some(ha) = v.ha {
        x.push(("ha".into(), ha.into()));
    }
    if let Some(r) = v.in_recycle_bin {
        x.push(("in_recycle_bin".into(), r.into()));
    }
    if let Some(id) = v.local_id.filter(|s| !s.is_empty()) {
        x.push(("local_id".into(), id.into()));
    }
    if let Some(t) = &v.vm_tools_status {
        x.push(("vm_tools_status".into(), t.as_str().into()));
    }
    out.extra = x.into_iter().collect();
    // No redaction pass: every key above is a literal of this function, none of them a secret
    // by `SECRET_WORDS`, and every value a scalar (test `vm_extra_holds_no_secret_field`).
    // Names the server chose never reach `extra` here, so a pass would check these same six
    // names for every VM listed (4% of a 10,000-VM listing).
    out
}

/// The addresses of a VM's `ips`, which the server sends as one comma-joined string.
pub fn vm_ips(ips: Option<&str>) -> Vec<String> {
    ips.into_iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A label as a tag: `key=value`, or the bare `key` when the value is empty.
pub fn label_tag(l: &NestedLabel) -> String {
    let key = text(&l.key);
    match l.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("{key}={v}"),
        None => key.to_owned(),
    }
}

/// A CloudTower host as a neutral [`Host`].
pub fn host(h: &wire::Host) -> Host {
    let maintenance = h
        .host_state
        .as_ref()
        .and_then(|s| s.state.as_ref())
        .is_some_and(|m| HOST_MAINTENANCE.contains(&m.as_str()));
    let state = if maintenance {
        HostState::Maintenance
    } else {
        h.status
            .as_ref()
            .and_then(|s| lookup(HOST_STATUS, s.as_str()))
            .unwrap_or(HostState::Unknown)
    };
    let mut out = Host::new(text(&h.id), text(&h.name), state);
    out.raw_state = h.status.as_ref().map(|s| s.as_str().to_owned());
    out.cluster_id = h.cluster.as_ref().map(|c| text(&c.id).into());
    out.address = non_empty(&h.management_ip);
    out.cpu_threads = h.total_cpu_cores.and_then(|n| u32::try_from(n).ok());
    out.memory_bytes = h.total_memory_bytes.and_then(|m| u64::try_from(m).ok());
    if let Some(id) = h.local_id.as_deref().filter(|s| !s.is_empty()) {
        put(&mut out.extra, "local_id", id);
    }
    if let Some(n) = h.vm_num {
        put(&mut out.extra, "vm_num", n);
    }
    out
}

/// A CloudTower cluster as a neutral [`Cluster`].
pub fn cluster(c: &wire::Cluster) -> Cluster {
    let mut out = Cluster::new(text(&c.id), text(&c.name));
    out.state = c
        .connect_state
        .as_ref()
        .and_then(|s| lookup(CLUSTER_CONNECT, s.as_str()))
        .unwrap_or(ClusterState::Unknown);
    out.raw_state = c.connect_state.as_ref().map(|s| s.as_str().to_owned());
    let x = &mut out.extra;
    if let Some(t) = &c.r#type {
        put(x, "type", t.as_str());
    }
    if let Some(h) = &c.hypervisor {
        put(x, "hypervisor", h.as_str());
    }
    if let Some(v) = c.version.as_ref() {
        put(x, "version", v.as_str());
    }
    out
}

/// A VM volume as a neutral [`Disk`]; `vm_id` is filled in by the caller (it needs a second
/// query of the VM's disk slots).
pub fn volume(v: &wire::VmVolume) -> Disk {
    let busy = v
        .entity_async_status
        .as_ref()
        .map(|b| b.as_str().to_owned());
    let state = busy
        .as_deref()
        .and_then(|b| lookup(VOLUME_BUSY, b))
        .unwrap_or(DiskState::Ready);
    let mut out = Disk::new(text(&v.id), text(&v.name), state);
    out.raw_state = busy;
    out.size_bytes = v.size.and_then(|s| u64::try_from(s).ok());
    if let Some(p) = &v.elf_storage_policy {
        put(&mut out.extra, "elf_storage_policy", p.as_str());
    }
    if let Some(c) = &v.cluster {
        put(&mut out.extra, "cluster_id", text(&c.id));
    }
    if let Some(s) = v.sharing {
        put(&mut out.extra, "sharing", s);
    }
    out
}

/// A CloudTower task as a neutral [`Task`].
pub fn task(t: &wire::Task) -> Task {
    let state = task_state(t.status.as_ref());
    let mut out = Task::new(text(&t.id), state);
    out.name = non_empty(&t.description);
    out.raw_state = t.status.as_ref().map(|s| s.as_str().to_owned());
    // Towers report 0..=1; some report percent. Either way this yields 0..=100.
    out.progress = t.progress.map(|p| {
        let pct = if p <= 1.0 { p * 100.0 } else { p };
        pct.clamp(0.0, 100.0).round() as u8
    });
    if state == TaskState::Failed {
        out.error = Some(TaskError::new(
            t.error_code.clone(),
            t.error_message
                .clone()
                .unwrap_or_else(|| "task failed".into()),
        ));
    }
    out.target = match (t.resource_type.as_deref(), t.resource_id.as_deref()) {
        (Some(ty), Some(id)) if ty.eq_ignore_ascii_case("vm") => Some(ResourceRef::Vm(id.into())),
        (Some(ty), Some(id)) if ty.eq_ignore_ascii_case("vmvolume") || ty == "VM_VOLUME" => {
            Some(ResourceRef::Disk(id.into()))
        }
        (Some(ty), Some(id)) if ty.eq_ignore_ascii_case("host") => {
            Some(ResourceRef::Host(id.into()))
        }
        _ => None,
    };
    if let Some(m) = &t.resource_mutation {
        put(&mut out.extra, "resource_mutation", m.as_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{EntityAsyncStatus, TaskStatus, VmStatus};

    #[test]
    fn secret_rule_covers_console_tokens_and_passwords() {
        for f in [
            "token",
            "vnc_token",
            "vncToken",
            "password",
            "terminal_ticket",
        ] {
            assert!(omnivirt_http::is_secret_field(f, SECRET_WORDS), "{f}");
        }
        let mut x = omnivirt_core::Extra::new();
        put(&mut x, "vnc_token", "s3cr3t");
        put(&mut x, "local_id", "l1");
        omnivirt_http::redact_secrets(&mut x, SECRET_WORDS);
        assert_eq!(x["vnc_token"], "***");
        assert_eq!(x["local_id"], "l1");
    }

    #[test]
    fn a_vm_s_addresses_are_split_and_trimmed_one_or_many() {
        for (ips, want) in [
            (None, vec![]),
            (Some(""), vec![]),
            (Some("10.0.0.5"), vec!["10.0.0.5"]),
            (Some(" 10.0.0.5 "), vec!["10.0.0.5"]),
            (Some("10.0.0.5,"), vec!["10.0.0.5"]),
            (Some("10.0.0.5, 10.0.0.6"), vec!["10.0.0.5", "10.0.0.6"]),
        ] {
            let v = wire::Vm {
                ips: ips.map(str::to_owned),
                ..wire::Vm::default()
            };
            assert_eq!(vm(v).ips, want, "{ips:?}");
        }
    }

    #[test]
    fn vm_extra_holds_no_secret_field() {
        // Every field `vm` copies into `extra`, set; the redaction pass `vm` does not run
        // must find nothing to change.
        let v = wire::Vm {
            id: Some("c1".into()),
            local_id: Some("l1".into()),
            entity_async_status: Some(EntityAsyncStatus::from_wire("UPDATING")),
            ha: Some(true),
            in_recycle_bin: Some(false),
            firmware: Some(crate::generated::types::VmFirmware::from_wire("UEFI")),
            vm_tools_status: Some(crate::generated::types::VmToolsStatus::from_wire("RUNNING")),
            ..Default::default()
        };
        let extra = vm(v).extra;
        assert_eq!(extra.len(), 6, "{extra:?}");
        let mut redacted = extra.clone();
        omnivirt_http::redact_secrets(&mut redacted, SECRET_WORDS);
        assert_eq!(redacted, extra);
        assert!(extra.values().all(|v| !v.is_object() && !v.is_array()));
    }

    #[test]
    fn vm_state_table() {
        // (status, entityAsyncStatus, in_recycle_bin) -> neutral
        let cases: &[(&str, Option<&str>, bool, VmState)] = &[
            ("RUNNING", None, false, VmState::Running),
            ("STOPPED", None, false, VmState::Stopped),
            ("SUSPENDED", None, false, VmState::Suspended),
            ("DELETED", None, false, VmState::Deleted),
            ("UNKNOWN", None, false, VmState::Unknown),
            ("HIBERNATING", None, false, VmState::Unknown),
            ("STOPPED", Some("CREATING"), false, VmState::Creating),
            ("RUNNING", Some("DELETING"), false, VmState::Deleting),
            ("RUNNING", Some("UPDATING"), false, VmState::Running),
            ("STOPPED", Some("UPDATING"), false, VmState::Starting),
            ("SUSPENDED", Some("UPDATING"), false, VmState::Resuming),
            ("STOPPED", None, true, VmState::Deleted),
        ];
        for (status, busy, recycled, want) in cases {
            let mut v = wire::Vm {
                id: Some("c1".into()),
                status: Some(VmStatus::from_wire(status)),
                in_recycle_bin: Some(*recycled),
                ..Default::default()
            };
            v.entity_async_status = busy.map(EntityAsyncStatus::from_wire);
            assert_eq!(vm_state(&v), *want, "{status} {busy:?} {recycled}");
            assert_eq!(vm(v).raw_state.as_deref(), Some(*status));
        }
    }

    /// A VM that matches `f` on the server, and nothing else.
    fn vm_matching(f: VmStateFilter) -> wire::Vm {
        let mut v = wire::Vm {
            id: Some("c1".into()),
            in_recycle_bin: Some(false),
            ..Default::default()
        };
        match f {
            VmStateFilter::Busy(b) => {
                v.status = Some(VmStatus::Running);
                v.entity_async_status = Some(EntityAsyncStatus::from_wire(b));
            }
            VmStateFilter::Updating(s) => {
                v.status = Some(VmStatus::from_wire(s));
                v.entity_async_status = Some(EntityAsyncStatus::from_wire("UPDATING"));
            }
            VmStateFilter::RecycleBin => {
                v.status = Some(VmStatus::Stopped);
                v.in_recycle_bin = Some(true);
            }
            VmStateFilter::Status(s) => v.status = Some(VmStatus::from_wire(s)),
        }
        v
    }

    #[test]
    fn every_vm_state_round_trips_through_the_table() {
        let decodable: Vec<VmState> = VM_STATUS
            .iter()
            .chain(VM_BUSY)
            .chain(VM_UPDATING)
            .map(|(_, s)| *s)
            .chain([VM_RECYCLED])
            .collect();
        for &st in VmState::ALL {
            match vm_filter_for(st) {
                Some(f) => assert_eq!(vm_state(&vm_matching(f)), st, "{st:?} via {f:?}"),
                None => assert!(
                    st == VmState::Unknown || !decodable.contains(&st),
                    "{st:?} is decoded from the table but has no server-side filter"
                ),
            }
        }
        // The mutation issue 8 names: a hand-written map once could send STOPPED for Suspended.
        assert_eq!(
            vm_filter_for(VmState::Suspended),
            Some(VmStateFilter::Status("SUSPENDED"))
        );
    }

    #[test]
    fn task_state_table() {
        let cases = [
            ("PENDING", TaskState::Pending),
            ("EXECUTING", TaskState::Running),
            ("PAUSED", TaskState::Pending),
            ("SUCCESSED", TaskState::Succeeded),
            ("FAILED", TaskState::Failed),
            ("EXPLODED", TaskState::Unknown),
        ];
        for (s, want) in cases {
            assert_eq!(task_state(Some(&TaskStatus::from_wire(s))), want, "{s}");
        }
        assert_eq!(task_state(None), TaskState::Unknown);
    }

    #[test]
    fn host_and_cluster_tables_cover_every_spec_value() {
        for s in crate::wire::HostStatus::KNOWN {
            assert!(lookup(HOST_STATUS, s.as_str()).is_some(), "{s}");
        }
        for s in crate::wire::ConnectState::KNOWN {
            assert!(lookup(CLUSTER_CONNECT, s.as_str()).is_some(), "{s}");
        }
        for s in crate::wire::VmStatus::KNOWN {
            assert!(lookup(VM_STATUS, s.as_str()).is_some(), "{s}");
        }
        for s in crate::wire::TaskStatus::KNOWN {
            assert!(lookup(TASK_STATUS, s.as_str()).is_some(), "{s}");
        }
    }

    #[test]
    fn failed_task_carries_code_and_message() {
        let t = wire::Task {
            id: Some("t1".into()),
            status: Some(TaskStatus::Failed),
            progress: Some(0.5),
            error_code: Some("CREATE_VM_FORM_TEMPLATE_FAILED".into()),
            error_message: Some("gateway unreachable".into()),
            resource_type: Some("Vm".into()),
            resource_id: Some("c9".into()),
            ..Default::default()
        };
        let n = task(&t);
        assert_eq!(n.state, TaskState::Failed);
        assert_eq!(n.progress, Some(50));
        let e = n.error.unwrap();
        assert_eq!(e.code.as_deref(), Some("CREATE_VM_FORM_TEMPLATE_FAILED"));
        assert_eq!(n.target, Some(ResourceRef::Vm("c9".into())));
    }
}
