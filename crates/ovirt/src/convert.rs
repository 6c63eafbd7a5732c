//! oVirt objects -> the neutral model. The state maps are plain data, tested as tables.

use omnivirt_core::{
    Cluster as NCluster, ClusterState, Disk as NDisk, DiskState, Error, Extra, Host as NHost,
    HostState, ResourceRef, Result, Task, TaskError, TaskState, Vm as NVm, VmState,
};
use serde_json::Value;

use crate::error::VENDOR;
use crate::native::types::{Cluster, Disk, Host, Job, Vm};

/// oVirt VM status -> neutral state. Anything not listed is `Unknown`.
pub const VM_STATES: &[(&str, VmState)] = &[
    ("down", VmState::Stopped),
    ("image_locked", VmState::Creating),
    ("migrating", VmState::Migrating),
    ("not_responding", VmState::Unknown),
    ("paused", VmState::Suspended),
    ("powering_down", VmState::Stopping),
    ("powering_up", VmState::Starting),
    ("reboot_in_progress", VmState::Rebooting),
    ("restoring_state", VmState::Resuming),
    ("saving_state", VmState::Suspending),
    ("suspended", VmState::Suspended),
    ("unassigned", VmState::Unknown),
    ("unknown", VmState::Unknown),
    ("up", VmState::Running),
    ("wait_for_launch", VmState::Starting),
];

/// oVirt host status -> neutral state.
pub const HOST_STATES: &[(&str, HostState)] = &[
    ("connecting", HostState::Connecting),
    ("down", HostState::Down),
    ("error", HostState::Error),
    ("initializing", HostState::Connecting),
    ("install_failed", HostState::Error),
    ("installing", HostState::Connecting),
    ("installing_os", HostState::Connecting),
    ("kdumping", HostState::Error),
    ("maintenance", HostState::Maintenance),
    ("non_operational", HostState::Error),
    ("non_responsive", HostState::Error),
    ("pending_approval", HostState::Connecting),
    ("preparing_for_maintenance", HostState::Maintenance),
    ("reboot", HostState::Connecting),
    ("unassigned", HostState::Unknown),
    ("up", HostState::Up),
];

/// oVirt disk status -> neutral state.
pub const DISK_STATES: &[(&str, DiskState)] = &[
    ("illegal", DiskState::Error),
    ("locked", DiskState::Locked),
    ("ok", DiskState::Ready),
];

/// oVirt job status -> neutral task state.
pub const JOB_STATES: &[(&str, TaskState)] = &[
    ("aborted", TaskState::Cancelled),
    ("failed", TaskState::Failed),
    ("finished", TaskState::Succeeded),
    ("started", TaskState::Running),
    ("unknown", TaskState::Unknown),
];

/// The oVirt statuses a neutral VM state stands for (for server-side search).
pub fn vm_statuses_for(state: VmState) -> Vec<&'static str> {
    VM_STATES
        .iter()
        .filter(|(_, s)| *s == state)
        .map(|(raw, _)| *raw)
        .collect()
}

fn lookup<S: Copy>(table: &[(&str, S)], raw: Option<&str>, unknown: S) -> S {
    raw.and_then(|r| {
        table
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(r))
            .map(|(_, s)| *s)
    })
    .unwrap_or(unknown)
}

/// Neutral state of an oVirt VM status.
pub fn vm_state(raw: Option<&str>) -> VmState {
    lookup(VM_STATES, raw, VmState::Unknown)
}

/// Neutral state of an oVirt host status.
pub fn host_state(raw: Option<&str>) -> HostState {
    lookup(HOST_STATES, raw, HostState::Unknown)
}

/// Neutral state of an oVirt disk status.
pub fn disk_state(raw: Option<&str>) -> DiskState {
    lookup(DISK_STATES, raw, DiskState::Unknown)
}

/// Neutral state of an oVirt job status.
pub fn task_state(raw: Option<&str>) -> TaskState {
    lookup(JOB_STATES, raw, TaskState::Unknown)
}

fn need_id(id: &Option<String>, what: &str) -> Result<String> {
    id.clone().ok_or_else(|| {
        Error::protocol(format!("the engine sent a {what} without an id")).with_vendor(VENDOR)
    })
}

fn put(extra: &mut Extra, k: &str, v: Option<impl Into<Value>>) {
    if let Some(v) = v {
        extra.insert(k.to_owned(), v.into());
    }
}

/// oVirt VM -> neutral VM.
pub fn vm(v: &Vm) -> Result<NVm> {
    let raw = v.status.as_ref().map(|s| s.as_str().to_owned());
    let mut out = NVm::new(
        need_id(&v.id, "VM")?,
        v.name.clone().unwrap_or_default(),
        vm_state(raw.as_deref()),
    );
    out.raw_state = raw;
    out.vcpus = v
        .cpu
        .as_ref()
        .and_then(|c| c.topology.as_ref())
        .and_then(|t| u32::try_from(t.vcpus()).ok());
    out.memory_bytes = v.memory.and_then(|m| u64::try_from(m).ok());
    out.cluster_id = v
        .cluster
        .as_ref()
        .and_then(|r| r.id.clone())
        .map(Into::into);
    out.host_id = v.host.as_ref().and_then(|r| r.id.clone()).map(Into::into);
    out.description = v.description.clone().filter(|d| !d.is_empty());
    let e = &mut out.extra;
    put(e, "status_detail", v.status_detail.clone());
    put(e, "type", v.vm_type.as_ref().map(|t| t.as_str().to_owned()));
    put(e, "os_type", v.os.as_ref().and_then(|o| o.os_type.clone()));
    put(
        e,
        "template_id",
        v.template.as_ref().and_then(|r| r.id.clone()),
    );
    put(e, "creation_time", v.creation_time.clone());
    put(e, "fqdn", v.fqdn.clone());
    put(e, "stateless", v.stateless);
    omnivirt_http::redact_secrets(&mut out.extra, SECRET_WORDS);
    Ok(out)
}

/// oVirt's rule for secrets: only named fields reach `extra`, and any whose name has one of
/// these words (a console `ticket`, `authorized_ssh_keys`, a root `password`, an SSO `token`) is
/// replaced with `"***"`.
pub const SECRET_WORDS: &[&str] = &[
    "password", "passwd", "ticket", "token", "secret", "key", "keys",
];

/// oVirt host -> neutral host.
pub fn host(h: &Host) -> Result<NHost> {
    let raw = h.status.as_ref().map(|s| s.as_str().to_owned());
    let mut out = NHost::new(
        need_id(&h.id, "host")?,
        h.name.clone().unwrap_or_default(),
        host_state(raw.as_deref()),
    );
    out.raw_state = raw;
    out.cluster_id = h
        .cluster
        .as_ref()
        .and_then(|r| r.id.clone())
        .map(Into::into);
    out.address = h.address.clone();
    out.cpu_threads = h
        .cpu
        .as_ref()
        .and_then(|c| c.topology.as_ref())
        .and_then(|t| u32::try_from(t.vcpus()).ok());
    out.memory_bytes = h.memory.and_then(|m| u64::try_from(m).ok());
    let e = &mut out.extra;
    put(e, "status_detail", h.status_detail.clone());
    put(e, "cpu_name", h.cpu.as_ref().and_then(|c| c.name.clone()));
    put(e, "type", h.host_type.clone());
    put(e, "vms_total", h.summary_total);
    put(e, "spm_status", h.spm_status.clone());
    put(
        e,
        "version",
        h.version.as_ref().and_then(|v| v.full_version.clone()),
    );
    Ok(out)
}

/// oVirt cluster -> neutral cluster (oVirt clusters have no status: `Ok`).
pub fn cluster(c: &Cluster) -> Result<NCluster> {
    let mut out = NCluster::new(
        need_id(&c.id, "cluster")?,
        c.name.clone().unwrap_or_default(),
    );
    out.state = ClusterState::Ok;
    out.description = c.description.clone().filter(|d| !d.is_empty());
    let e = &mut out.extra;
    put(
        e,
        "data_center_id",
        c.data_center.as_ref().and_then(|r| r.id.clone()),
    );
    put(
        e,
        "cpu_type",
        c.cpu.as_ref().and_then(|x| x.cpu_type.clone()),
    );
    if let Some(v) = &c.version
        && let (Some(ma), Some(mi)) = (v.major, v.minor)
    {
        e.insert("version".into(), Value::String(format!("{ma}.{mi}")));
    }
    Ok(out)
}

/// oVirt disk -> neutral disk.
pub fn disk(d: &Disk) -> Result<NDisk> {
    let raw = d.status.as_ref().map(|s| s.as_str().to_owned());
    let name = d
        .name
        .clone()
        .or_else(|| d.alias.clone())
        .unwrap_or_default();
    let mut out = NDisk::new(need_id(&d.id, "disk")?, name, disk_state(raw.as_deref()));
    out.raw_state = raw;
    out.size_bytes = d.provisioned_size.and_then(|s| u64::try_from(s).ok());
    out.vm_id =
        d.vm.as_ref()
            .or_else(|| d.vms.first())
            .and_then(|r| r.id.clone())
            .map(Into::into);
    let e = &mut out.extra;
    put(e, "actual_size", d.actual_size);
    put(
        e,
        "format",
        d.format.as_ref().map(|f| f.as_str().to_owned()),
    );
    put(e, "content_type", d.content_type.clone());
    put(e, "sparse", d.sparse);
    put(
        e,
        "storage_domain_id",
        d.storage_domains.first().and_then(|r| r.id.clone()),
    );
    Ok(out)
}

/// oVirt job -> neutral task.
pub fn task(j: &Job) -> Result<Task> {
    let raw = j.status.as_ref().map(|s| s.as_str().to_owned());
    let state = task_state(raw.as_deref());
    let mut out = Task::new(need_id(&j.id, "job")?, state);
    out.raw_state = raw;
    out.name = j.description.clone();
    if state == TaskState::Succeeded {
        out.progress = Some(100);
    }
    if matches!(state, TaskState::Failed | TaskState::Cancelled) {
        out.error = Some(TaskError::new(
            j.status.as_ref().map(|s| s.as_str().to_owned()),
            format!(
                "job `{}` ended {}",
                j.description.as_deref().unwrap_or(""),
                j.status.as_ref().map_or("?", |s| s.as_str())
            ),
        ));
    }
    let e = &mut out.extra;
    put(e, "start_time", j.start_time.clone());
    put(e, "end_time", j.end_time.clone());
    Ok(out)
}

/// The neutral reference of a VM id.
pub(crate) fn vm_ref(id: &str) -> ResourceRef {
    ResourceRef::Vm(id.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native::types::{HostStatus, JobStatus, VmStatus};

    #[test]
    fn secret_rule_covers_tickets_keys_and_passwords() {
        for f in [
            "ticket",
            "authorized_ssh_keys",
            "root_password",
            "token",
            "value",
        ] {
            assert_eq!(
                omnivirt_http::is_secret_field(f, SECRET_WORDS),
                f != "value",
                "{f}"
            );
        }
        let mut x = Extra::new();
        put(&mut x, "ticket", Some("s3cr3t"));
        put(&mut x, "fqdn", Some("vm.example"));
        omnivirt_http::redact_secrets(&mut x, SECRET_WORDS);
        assert_eq!(x["ticket"], "***");
        assert_eq!(x["fqdn"], "vm.example");
    }

    #[test]
    fn every_known_vm_status_is_mapped() {
        for s in VmStatus::KNOWN {
            assert!(
                VM_STATES.iter().any(|(k, _)| *k == s.as_str()),
                "{s} has no row in VM_STATES"
            );
        }
        for s in HostStatus::KNOWN {
            assert!(HOST_STATES.iter().any(|(k, _)| *k == s.as_str()), "{s}");
        }
        for s in JobStatus::KNOWN {
            assert!(JOB_STATES.iter().any(|(k, _)| *k == s.as_str()), "{s}");
        }
    }

    #[test]
    fn vm_state_table() {
        let table = [
            ("up", VmState::Running),
            ("down", VmState::Stopped),
            ("UP", VmState::Running),
            ("powering_up", VmState::Starting),
            ("wait_for_launch", VmState::Starting),
            ("powering_down", VmState::Stopping),
            ("suspended", VmState::Suspended),
            ("paused", VmState::Suspended),
            ("saving_state", VmState::Suspending),
            ("restoring_state", VmState::Resuming),
            ("migrating", VmState::Migrating),
            ("reboot_in_progress", VmState::Rebooting),
            ("image_locked", VmState::Creating),
            ("teleporting", VmState::Unknown),
        ];
        for (raw, want) in table {
            assert_eq!(vm_state(Some(raw)), want, "{raw}");
        }
        assert_eq!(vm_state(None), VmState::Unknown);
        assert_eq!(
            vm_statuses_for(VmState::Starting),
            ["powering_up", "wait_for_launch"]
        );
    }

    #[test]
    fn other_state_tables() {
        assert_eq!(host_state(Some("non_responsive")), HostState::Error);
        assert_eq!(
            host_state(Some("preparing_for_maintenance")),
            HostState::Maintenance
        );
        assert_eq!(disk_state(Some("ok")), DiskState::Ready);
        assert_eq!(disk_state(Some("locked")), DiskState::Locked);
        assert_eq!(task_state(Some("finished")), TaskState::Succeeded);
        assert_eq!(task_state(Some("aborted")), TaskState::Cancelled);
    }

    #[test]
    fn objects_without_id_are_protocol_errors() {
        let e = vm(&Vm::default()).unwrap_err();
        assert_eq!(e.kind(), omnivirt_core::ErrorKind::Protocol);
    }
}
