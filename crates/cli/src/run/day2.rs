//! Day-two VM and host operations: update, clone, console, NICs, snapshots, host maintenance.

use omnivirt::{Client, ClusterId, HostId, VmId};
use omnivirt_core::{
    CloneSpec, Console, NetworkId, NicId, NicSpec, SnapshotId, SnapshotSpec, StoragePoolId,
    VmUpdate,
};
use serde::Serialize;

use super::finish::{finish_ids, finish_one};
use super::{CliError, CliResult};
use crate::args::{MaintenanceCmd, NicCmd, OutputFormat, SnapshotCmd, WaitArgs};
use crate::output;
use crate::size::parse_size;

/// The change `vm update` asks for, checked before connecting: nothing to change, a bad size
/// or an empty name is a usage error.
pub fn vm_update(
    name: Option<&str>,
    vcpus: Option<u32>,
    memory: Option<&str>,
    description: Option<&str>,
) -> CliResult<VmUpdate> {
    let mut u = VmUpdate::new();
    if let Some(n) = name {
        u = u.name(n);
    }
    if let Some(n) = vcpus {
        u = u.vcpus(n);
    }
    if let Some(m) = memory {
        u = u.memory_bytes(parse_size(m).map_err(CliError::usage)?);
    }
    if let Some(d) = description {
        u = u.description(d);
    }
    if u == VmUpdate::new() {
        return Err(CliError::usage(
            "nothing to update: give --name, --vcpus, --memory or --description",
        ));
    }
    u.validate().map_err(|e| CliError::usage(e.message()))?;
    Ok(u)
}

pub async fn update(
    c: &Client,
    id: String,
    u: &VmUpdate,
    wait: &WaitArgs,
    fmt: OutputFormat,
) -> CliResult {
    let op = c.vms().update(&VmId::new(id.as_str()), u).await?;
    if op.submitted().restart_required {
        eprintln!(
            "note: the CPU/memory change to VM {id} applies at its next power cycle (stop and \
             start it)"
        );
    }
    finish_one(op, wait, fmt, "vm update").await
}

/// Where `vm clone` puts the copy; an empty name is a usage error.
pub fn clone_spec(
    name: String,
    cluster: Option<String>,
    storage: Option<String>,
) -> CliResult<CloneSpec> {
    let mut spec = CloneSpec::new(name);
    if let Some(cl) = cluster {
        spec = spec.cluster(ClusterId::new(cl));
    }
    if let Some(s) = storage {
        spec = spec.storage(StoragePoolId::new(s));
    }
    spec.validate().map_err(|e| CliError::usage(e.message()))?;
    Ok(spec)
}

pub async fn clone(
    c: &Client,
    id: String,
    spec: &CloneSpec,
    wait: &WaitArgs,
    fmt: OutputFormat,
) -> CliResult {
    let op = c.vms().clone_vm(&VmId::new(id), spec).await?;
    finish_one(op, wait, fmt, "vm clone").await
}

/// A console as printed: the ticket is `***` unless it was asked for, null when there is none.
#[derive(Serialize)]
struct ConsoleView<'a> {
    protocol: String,
    host: Option<&'a str>,
    port: Option<u16>,
    tls_port: Option<u16>,
    url: Option<&'a str>,
    ticket: Option<&'a str>,
    expires_at: Option<&'a str>,
}

impl<'a> ConsoleView<'a> {
    fn new(c: &'a Console, show_ticket: bool) -> Self {
        ConsoleView {
            protocol: c.protocol.to_string(),
            host: c.host.as_deref(),
            port: c.port,
            tls_port: c.tls_port,
            url: c.url.as_deref(),
            ticket: c
                .ticket
                .as_ref()
                .map(|t| if show_ticket { t.expose() } else { "***" }),
            expires_at: c.expires_at.as_deref(),
        }
    }
}

pub async fn console(c: &Client, id: String, show_ticket: bool, fmt: OutputFormat) -> CliResult {
    let con = c.vms().console(&VmId::new(id)).await?;
    let view = ConsoleView::new(&con, show_ticket);
    if fmt != OutputFormat::Table {
        return Ok(output::value(fmt, &view)?);
    }
    let dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let rows = vec![
        ("PROTOCOL".to_owned(), view.protocol.clone()),
        ("HOST".into(), dash(view.host.map(str::to_owned))),
        ("PORT".into(), dash(view.port.map(|p| p.to_string()))),
        (
            "TLS_PORT".into(),
            dash(view.tls_port.map(|p| p.to_string())),
        ),
        ("URL".into(), dash(view.url.map(str::to_owned))),
        ("TICKET".into(), dash(view.ticket.map(str::to_owned))),
        (
            "EXPIRES_AT".into(),
            dash(view.expires_at.map(str::to_owned)),
        ),
    ];
    Ok(output::pairs(&rows)?)
}

pub async fn nic(c: &Client, cmd: NicCmd, fmt: OutputFormat) -> CliResult {
    match cmd {
        NicCmd::List { vm } => Ok(output::list(fmt, &c.vms().nics(&VmId::new(vm)).await?)?),
        NicCmd::Add {
            vm,
            network,
            name,
            model,
            mac,
            wait,
        } => {
            let mut spec = NicSpec::new(NetworkId::new(network));
            if let Some(n) = name {
                spec = spec.name(n);
            }
            if let Some(m) = model {
                spec = spec.model(m);
            }
            if let Some(m) = mac {
                spec = spec.mac(m);
            }
            spec.validate().map_err(|e| CliError::usage(e.message()))?;
            let op = c.vms().add_nic(&VmId::new(vm), &spec).await?;
            finish_one(op, &wait, fmt, "vm nic add").await
        }
        NicCmd::Remove { vm, nic, wait } => {
            let r = c
                .vms()
                .remove_nic(&VmId::new(vm), &NicId::new(nic.as_str()))
                .await;
            finish_ids(c, vec![(nic, r)], &wait, fmt, "vm nic remove").await
        }
    }
}

pub async fn snapshot(c: &Client, cmd: SnapshotCmd, fmt: OutputFormat) -> CliResult {
    match cmd {
        SnapshotCmd::List { vm } => Ok(output::list(
            fmt,
            &c.vms().snapshots(&VmId::new(vm)).await?,
        )?),
        SnapshotCmd::Create {
            vm,
            name,
            description,
            memory,
            wait,
        } => {
            let mut spec = SnapshotSpec::new(name).include_memory(memory);
            if let Some(d) = description {
                spec = spec.description(d);
            }
            spec.validate().map_err(|e| CliError::usage(e.message()))?;
            let op = c.vms().create_snapshot(&VmId::new(vm), &spec).await?;
            finish_one(op, &wait, fmt, "vm snapshot create").await
        }
        SnapshotCmd::Revert { vm, snapshot, wait } => {
            let op = c
                .vms()
                .revert_snapshot(&VmId::new(vm), &SnapshotId::new(snapshot))
                .await?;
            finish_one(op, &wait, fmt, "vm snapshot revert").await
        }
        SnapshotCmd::Delete { vm, snapshot, wait } => {
            let r = c
                .vms()
                .delete_snapshot(&VmId::new(vm), &SnapshotId::new(snapshot.as_str()))
                .await;
            finish_ids(c, vec![(snapshot, r)], &wait, fmt, "vm snapshot delete").await
        }
    }
}

pub async fn maintenance(c: &Client, cmd: MaintenanceCmd, fmt: OutputFormat) -> CliResult {
    match cmd {
        MaintenanceCmd::Enter { id, wait } => {
            let op = c.hosts().enter_maintenance(&HostId::new(id)).await?;
            finish_one(op, &wait, fmt, "host maintenance enter").await
        }
        MaintenanceCmd::Exit { id, wait } => {
            let op = c.hosts().exit_maintenance(&HostId::new(id)).await?;
            finish_one(op, &wait, fmt, "host maintenance exit").await
        }
    }
}
