//! ZStack inventories -> the neutral model. The state maps are plain data.

use omnivirt_core::{Cluster, ClusterState, Disk, DiskState, Host, HostState, Vm, VmState};
use serde_json::Value;

use crate::wire;

/// `VmInstanceState` -> [`VmState`]. `VolumeRecovering`, `NoState` and `Unknown` have no
/// neutral counterpart and map to `Unknown` (the word stays in `raw_state`).
pub const VM_STATES: &[(&str, VmState)] = &[
    ("Created", VmState::Creating),
    ("Starting", VmState::Starting),
    ("Running", VmState::Running),
    ("Stopping", VmState::Stopping),
    ("Stopped", VmState::Stopped),
    ("Rebooting", VmState::Rebooting),
    ("Destroying", VmState::Deleting),
    ("Destroyed", VmState::Deleted),
    ("Expunging", VmState::Deleting),
    ("Migrating", VmState::Migrating),
    ("VolumeMigrating", VmState::Migrating),
    ("Pausing", VmState::Suspending),
    ("Paused", VmState::Suspended),
    ("Resuming", VmState::Resuming),
    ("Error", VmState::Error),
    ("Crashed", VmState::Error),
    ("VolumeRecovering", VmState::Unknown),
    ("NoState", VmState::Unknown),
    ("Unknown", VmState::Unknown),
];

/// Host connection `status` -> [`HostState`] (when the admin state is not maintenance).
pub const HOST_STATUSES: &[(&str, HostState)] = &[
    ("Connected", HostState::Up),
    ("Connecting", HostState::Connecting),
    ("Disconnected", HostState::Down),
];

/// Host admin `state` values that override the connection status.
pub const HOST_ADMIN_OVERRIDES: &[(&str, HostState)] = &[
    ("Maintenance", HostState::Maintenance),
    ("PreMaintenance", HostState::Maintenance),
];

/// Cluster `state` -> [`ClusterState`]. A disabled cluster keeps running its VMs but takes no
/// new ones, hence `Degraded`.
pub const CLUSTER_STATES: &[(&str, ClusterState)] = &[
    ("Enabled", ClusterState::Ok),
    ("Disabled", ClusterState::Degraded),
];

/// Volume `status` -> [`DiskState`]. `NotInstantiated` is a data volume created without
/// storage yet; it is usable (attaching it allocates it).
pub const VOLUME_STATUSES: &[(&str, DiskState)] = &[
    ("Creating", DiskState::Creating),
    ("Ready", DiskState::Ready),
    ("NotInstantiated", DiskState::Ready),
    ("Migrating", DiskState::Locked),
    ("Deleted", DiskState::Deleted),
];

fn lookup<T: Copy>(table: &[(&str, T)], word: &str, default: T) -> T {
    table
        .iter()
        .find(|(w, _)| *w == word)
        .map_or(default, |(_, s)| *s)
}

/// The neutral VM state of a ZStack state word.
pub fn vm_state(word: &str) -> VmState {
    lookup(VM_STATES, word, VmState::Unknown)
}

/// The neutral host state of an admin `state` and a connection `status`.
pub fn host_state(state: Option<&str>, status: Option<&str>) -> HostState {
    if let Some(s) = state
        && let Some((_, h)) = HOST_ADMIN_OVERRIDES.iter().find(|(w, _)| *w == s)
    {
        return *h;
    }
    status.map_or(HostState::Unknown, |s| {
        lookup(HOST_STATUSES, s, HostState::Unknown)
    })
}

/// The neutral disk state of a volume `status`.
pub fn volume_state(status: &str) -> DiskState {
    lookup(VOLUME_STATUSES, status, DiskState::Unknown)
}

/// The neutral cluster state of a cluster `state`.
pub fn cluster_state(state: &str) -> ClusterState {
    lookup(CLUSTER_STATES, state, ClusterState::Unknown)
}

fn put(extra: &mut omnivirt_core::Extra, key: &str, v: Option<&String>) {
    if let Some(v) = v {
        extra.insert(key.to_owned(), Value::String(v.clone()));
    }
}

/// ZStack's rule for secrets: only named fields reach `extra`, and any whose name has one of
/// these words (a console password set as `consolePassword`, a `vncPassword`, a session token)
/// is replaced with `"***"` should one ever be added.
pub const SECRET_WORDS: &[&str] = &["password", "passwd", "ticket", "token", "secret", "key"];

/// A VM.
pub fn vm(w: &wire::VmInstance) -> Vm {
    let raw = w.state.clone().unwrap_or_default();
    let mut v = Vm::new(w.uuid.as_str(), w.name.as_str(), vm_state(&raw));
    v.raw_state = w.state.clone();
    v.vcpus = w.cpu_num;
    v.memory_bytes = w.memory_size;
    v.cluster_id = w.cluster_uuid.as_deref().map(Into::into);
    v.host_id = w.host_uuid.as_deref().map(Into::into);
    v.description = w.description.clone().filter(|d| !d.is_empty());
    put(&mut v.extra, "zone_uuid", w.zone_uuid.as_ref());
    put(&mut v.extra, "image_uuid", w.image_uuid.as_ref());
    put(
        &mut v.extra,
        "root_volume_uuid",
        w.root_volume_uuid.as_ref(),
    );
    put(&mut v.extra, "last_host_uuid", w.last_host_uuid.as_ref());
    put(&mut v.extra, "hypervisor_type", w.hypervisor_type.as_ref());
    put(&mut v.extra, "platform", w.platform.as_ref());
    put(&mut v.extra, "type", w.kind.as_ref());
    let ips: Vec<Value> = w
        .vm_nics
        .iter()
        .filter_map(|n| n.ip.clone().map(Value::String))
        .collect();
    if !ips.is_empty() {
        v.extra.insert("ips".into(), Value::Array(ips));
    }
    omnivirt_http::redact_secrets(&mut v.extra, SECRET_WORDS);
    v
}

/// A host.
pub fn host(w: &wire::Host) -> Host {
    let mut h = Host::new(
        w.uuid.as_str(),
        w.name.as_str(),
        host_state(w.state.as_deref(), w.status.as_deref()),
    );
    h.raw_state = match (&w.state, &w.status) {
        (Some(a), Some(c)) => Some(format!("{a}/{c}")),
        (a, c) => a.clone().or_else(|| c.clone()),
    };
    h.cluster_id = w.cluster_uuid.as_deref().map(Into::into);
    h.address = w.management_ip.clone();
    h.cpu_threads = w.cpu_num;
    h.memory_bytes = w.total_memory_capacity;
    put(&mut h.extra, "zone_uuid", w.zone_uuid.as_ref());
    put(&mut h.extra, "hypervisor_type", w.hypervisor_type.as_ref());
    h
}

/// A cluster.
pub fn cluster(w: &wire::Cluster) -> Cluster {
    let mut c = Cluster::new(w.uuid.as_str(), w.name.as_str());
    let raw = w.state.clone().unwrap_or_default();
    c.state = cluster_state(&raw);
    c.raw_state = w.state.clone();
    c.description = w.description.clone().filter(|d| !d.is_empty());
    put(&mut c.extra, "zone_uuid", w.zone_uuid.as_ref());
    put(&mut c.extra, "hypervisor_type", w.hypervisor_type.as_ref());
    c
}

/// A volume as a disk.
pub fn disk(w: &wire::Volume) -> Disk {
    let raw = w.status.clone().unwrap_or_default();
    let mut d = Disk::new(w.uuid.as_str(), w.name.as_str(), volume_state(&raw));
    d.raw_state = w.status.clone();
    d.size_bytes = w.size;
    d.vm_id = w.vm_instance_uuid.as_deref().map(Into::into);
    put(&mut d.extra, "type", w.kind.as_ref());
    put(&mut d.extra, "state", w.state.as_ref());
    put(&mut d.extra, "format", w.format.as_ref());
    put(
        &mut d.extra,
        "primary_storage_uuid",
        w.primary_storage_uuid.as_ref(),
    );
    if let Some(a) = w.actual_size {
        d.extra.insert("actual_size".into(), Value::from(a));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_password_never_reaches_the_neutral_vm() {
        let raw = include_str!("../../../fixtures/zstack/samples/inventories/vm_instance.json");
        let mut v: Value = serde_json::from_str(raw).unwrap();
        let inv = &mut v["inventory"];
        inv["consolePassword"] = Value::from("s3cr3t-console");
        inv["vncPassword"] = Value::from("s3cr3t-vnc");
        inv["systemTags"] = serde_json::json!(["consolePassword::s3cr3t-tag"]);
        let w: wire::VmInstance = serde_json::from_value(inv.clone()).unwrap();
        let out = serde_json::to_string(&vm(&w)).unwrap();
        assert!(!out.contains("s3cr3t"), "{out}");
    }

    #[test]
    fn every_vm_state_word_is_mapped_once() {
        let mut words: Vec<&str> = VM_STATES.iter().map(|(w, _)| *w).collect();
        assert_eq!(words.len(), 19, "VmInstanceState has 19 values");
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), 19);
        assert_eq!(vm_state("Paused"), VmState::Suspended);
        assert_eq!(vm_state("Destroyed"), VmState::Deleted);
        assert_eq!(
            vm_state("running"),
            VmState::Unknown,
            "words are case-sensitive"
        );
    }

    #[test]
    fn host_admin_state_wins() {
        assert_eq!(
            host_state(Some("Enabled"), Some("Connected")),
            HostState::Up
        );
        assert_eq!(
            host_state(Some("Maintenance"), Some("Connected")),
            HostState::Maintenance
        );
        assert_eq!(
            host_state(Some("Disabled"), Some("Disconnected")),
            HostState::Down
        );
        assert_eq!(host_state(None, None), HostState::Unknown);
    }

    #[test]
    fn volume_and_cluster_tables() {
        assert_eq!(volume_state("NotInstantiated"), DiskState::Ready);
        assert_eq!(volume_state("Migrating"), DiskState::Locked);
        assert_eq!(volume_state("Weird"), DiskState::Unknown);
        assert_eq!(cluster_state("Disabled"), ClusterState::Degraded);
    }
}
