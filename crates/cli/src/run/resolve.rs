//! Names as well as ids: every object argument of a command (`vm get web-01`, `--cluster prod`,
//! `--template centos-9`, `--network vlan-100`, a snapshot or NIC of a VM) is resolved to an id
//! before the command runs.
//!
//! An argument shaped like an id of the vendors (a UUID, 32 hex digits, a CloudTower cuid) is
//! taken as an id without asking the server. Anything else is looked up by exact name: one
//! match gives its id, several are a usage error listing them, none leaves the argument as it
//! was, so the operation itself answers `not_found` naming it.

use futures::{Stream, TryStreamExt};
use omnivirt::{Client, ErrorKind, ListQuery, VmId};

use super::{CliError, CliResult, Kind};
use crate::args::{
    Command, DiskCmd, EventCmd, HostCmd, InventoryCmd, ListArgs, MaintenanceCmd, NicCmd,
    SnapshotCmd, VmCmd,
};

/// How many matches an ambiguity error lists before it says "and N more".
const SHOWN_MATCHES: usize = 5;

/// Whether `s` has the shape of an id some vendor hands out: `8-4-4-4-12` hex (oVirt, ZStack,
/// VeiL), 32 hex digits (ZStack) or a cuid (CloudTower: `c` and 24 lowercase alphanumerics).
pub fn looks_like_id(s: &str) -> bool {
    let hex = |b: &u8| b.is_ascii_hexdigit();
    let b = s.as_bytes();
    let uuid = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => hex(c),
        });
    let hex32 = b.len() == 32 && b.iter().all(hex);
    let cuid = b.len() == 25
        && b[0] == b'c'
        && b.iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase());
    uuid || hex32 || cuid
}

/// The one match among `(id, name)` pairs named `name`, `None` when there is none, a usage
/// error listing them when there are several.
fn pick(kind: &str, name: &str, found: Vec<(String, String)>) -> CliResult<Option<String>> {
    let mut ids: Vec<String> = found
        .into_iter()
        .filter(|(_, n)| n == name)
        .map(|(id, _)| id)
        .collect();
    match ids.len() {
        0 => Ok(None),
        1 => Ok(ids.pop()),
        n => {
            let more = n.saturating_sub(SHOWN_MATCHES);
            ids.truncate(SHOWN_MATCHES);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            Err(CliError::usage(format!(
                "{kind} name `{name}` is ambiguous: {n} objects have it ({}{tail}); give an id",
                ids.join(", ")
            )))
        }
    }
}

/// The `(id, name)` pairs of a listing whose names contain `name`.
async fn pairs<T, S>(
    items: S,
    key: fn(&T) -> (String, String),
) -> omnivirt::Result<Vec<(String, String)>>
where
    S: Stream<Item = omnivirt::Result<T>>,
{
    items.map_ok(|t| key(&t)).try_collect().await
}

/// Resolves one argument of `kind` in place.
async fn one(c: &Client, kind: Kind, arg: &mut String) -> CliResult {
    if looks_like_id(arg) || arg.is_empty() {
        return Ok(());
    }
    let q = ListQuery::new().name_contains(arg.as_str());
    let found = match kind {
        Kind::Vm => pairs(c.vms().list(q), |v| (v.id.to_string(), v.name.clone())).await,
        Kind::Host => pairs(c.hosts().list(q), |h| (h.id.to_string(), h.name.clone())).await,
        Kind::Cluster => pairs(c.clusters().list(q), |x| (x.id.to_string(), x.name.clone())).await,
        Kind::Disk => pairs(c.disks().list(q), |d| (d.id.to_string(), d.name.clone())).await,
        Kind::Template => {
            pairs(c.templates().list(q), |t| {
                (t.id.to_string(), t.name.clone())
            })
            .await
        }
        Kind::Network => pairs(c.networks().list(q), |n| (n.id.to_string(), n.name.clone())).await,
        Kind::Storage => {
            pairs(c.storage_pools().list(q), |s| {
                (s.id.to_string(), s.name.clone())
            })
            .await
        }
    };
    // A vendor that cannot list this kind (or filter it) leaves the argument to the operation.
    let found = match found {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::Unsupported => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if let Some(id) = pick(kind.noun(), arg, found)? {
        *arg = id;
    }
    Ok(())
}

async fn opt(c: &Client, kind: Kind, arg: &mut Option<String>) -> CliResult {
    match arg {
        Some(a) => one(c, kind, a).await,
        None => Ok(()),
    }
}

async fn list_args(c: &Client, a: &mut ListArgs) -> CliResult {
    opt(c, Kind::Cluster, &mut a.cluster).await?;
    opt(c, Kind::Host, &mut a.host).await
}

/// Resolves a listing's filters in place: `--cluster`, `--host` and `disk list --vm`.
pub(super) async fn list_filters(
    c: &Client,
    a: &mut ListArgs,
    vm: &mut Option<String>,
) -> CliResult {
    list_args(c, a).await?;
    opt(c, Kind::Vm, vm).await
}

/// Resolves a snapshot of `vm` (already resolved) in place.
async fn snapshot(c: &Client, vm: &str, arg: &mut String) -> CliResult {
    if looks_like_id(arg) {
        return Ok(());
    }
    let Ok(list) = c.vms().snapshots(&VmId::new(vm)).await else {
        return Ok(());
    };
    let found = list
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    if let Some(id) = pick("snapshot", arg, found)? {
        *arg = id;
    }
    Ok(())
}

/// Resolves a NIC of `vm` (already resolved) in place.
async fn nic(c: &Client, vm: &str, arg: &mut String) -> CliResult {
    if looks_like_id(arg) {
        return Ok(());
    }
    let Ok(list) = c.vms().nics(&VmId::new(vm)).await else {
        return Ok(());
    };
    let found = list
        .into_iter()
        .map(|n| (n.id.to_string(), n.name))
        .collect();
    if let Some(id) = pick("nic", arg, found)? {
        *arg = id;
    }
    Ok(())
}

async fn vm_cmd(c: &Client, cmd: &mut VmCmd) -> CliResult {
    match cmd {
        VmCmd::List(a) => list_args(c, a).await,
        VmCmd::Get { id } | VmCmd::Update { id, .. } | VmCmd::Console { id, .. } => {
            one(c, Kind::Vm, id).await
        }
        VmCmd::Create {
            cluster,
            template,
            networks,
            storage,
            ..
        } => {
            one(c, Kind::Cluster, cluster).await?;
            opt(c, Kind::Template, template).await?;
            for n in networks {
                one(c, Kind::Network, n).await?;
            }
            opt(c, Kind::Storage, storage).await
        }
        VmCmd::Start(a)
        | VmCmd::Stop(a)
        | VmCmd::Reboot(a)
        | VmCmd::Suspend(a)
        | VmCmd::Resume(a)
        | VmCmd::Delete(a) => {
            for id in &mut a.ids {
                one(c, Kind::Vm, id).await?;
            }
            Ok(())
        }
        VmCmd::Migrate { id, host, .. } => {
            one(c, Kind::Vm, id).await?;
            opt(c, Kind::Host, host).await
        }
        VmCmd::Clone {
            id,
            cluster,
            storage,
            ..
        } => {
            one(c, Kind::Vm, id).await?;
            opt(c, Kind::Cluster, cluster).await?;
            opt(c, Kind::Storage, storage).await
        }
        VmCmd::Nic(NicCmd::List { vm }) => one(c, Kind::Vm, vm).await,
        VmCmd::Nic(NicCmd::Add { vm, network, .. }) => {
            one(c, Kind::Vm, vm).await?;
            one(c, Kind::Network, network).await
        }
        VmCmd::Nic(NicCmd::Remove { vm, nic: n, .. }) => {
            one(c, Kind::Vm, vm).await?;
            nic(c, vm, n).await
        }
        VmCmd::Snapshot(SnapshotCmd::List { vm } | SnapshotCmd::Create { vm, .. }) => {
            one(c, Kind::Vm, vm).await
        }
        VmCmd::Snapshot(
            SnapshotCmd::Revert {
                vm, snapshot: s, ..
            }
            | SnapshotCmd::Delete {
                vm, snapshot: s, ..
            },
        ) => {
            one(c, Kind::Vm, vm).await?;
            snapshot(c, vm, s).await
        }
    }
}

async fn disk_cmd(c: &Client, cmd: &mut DiskCmd) -> CliResult {
    match cmd {
        DiskCmd::Get { id } | DiskCmd::Delete { disk: id, .. } => one(c, Kind::Disk, id).await,
        DiskCmd::List { list, vm } => {
            list_args(c, list).await?;
            opt(c, Kind::Vm, vm).await
        }
        DiskCmd::Create {
            cluster, storage, ..
        } => {
            opt(c, Kind::Cluster, cluster).await?;
            opt(c, Kind::Storage, storage).await
        }
        DiskCmd::Attach { disk, vm, .. } | DiskCmd::Detach { disk, vm, .. } => {
            one(c, Kind::Disk, disk).await?;
            one(c, Kind::Vm, vm).await
        }
    }
}

async fn inventory_cmd(c: &Client, kind: Kind, cmd: &mut InventoryCmd) -> CliResult {
    match cmd {
        InventoryCmd::List(a) => list_args(c, a).await,
        InventoryCmd::Get { id } => one(c, kind, id).await,
    }
}

/// Replaces every name in `cmd` by the id it names (see the module docs).
pub async fn names(c: &Client, cmd: &mut Command) -> CliResult {
    match cmd {
        Command::Vm(v) => vm_cmd(c, v).await,
        Command::Host(HostCmd::List(a)) => list_args(c, a).await,
        Command::Host(
            HostCmd::Get { id }
            | HostCmd::Maintenance(
                MaintenanceCmd::Enter { id, .. } | MaintenanceCmd::Exit { id, .. },
            ),
        ) => one(c, Kind::Host, id).await,
        Command::Cluster(crate::args::ClusterCmd::Get { id }) => one(c, Kind::Cluster, id).await,
        Command::Cluster(crate::args::ClusterCmd::List(a)) => list_args(c, a).await,
        Command::Disk(d) => disk_cmd(c, d).await,
        Command::Template(i) => inventory_cmd(c, Kind::Template, i).await,
        Command::Network(i) => inventory_cmd(c, Kind::Network, i).await,
        Command::Storage(i) => inventory_cmd(c, Kind::Storage, i).await,
        Command::Event(EventCmd::List { vm, .. } | EventCmd::Watch { vm, .. }) => {
            opt(c, Kind::Vm, vm).await
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shapes_are_recognised_and_names_are_not() {
        for id in [
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "4d5f6a8c0b1e2d3f4a5b6c7d8e9f0a1b",
            "ckx2y8z3d000001l5h2f9g3k7",
        ] {
            assert!(looks_like_id(id), "{id}");
        }
        for name in [
            "web-01",
            "prod",
            "centos-9",
            "0f8fad5b-d9cb-469f-a165-70867728950",
            "Ckx2y8z3d000001l5h2f9g3k7",
            "ckx2y8z3d000001l5h2f9g3k-",
        ] {
            assert!(!looks_like_id(name), "{name}");
        }
    }

    #[test]
    fn a_name_picks_its_one_match_or_lists_the_ambiguity() {
        let found = vec![
            ("a".to_owned(), "web-01".to_owned()),
            ("b".to_owned(), "web-010".to_owned()),
        ];
        assert_eq!(pick("vm", "web-01", found).unwrap().as_deref(), Some("a"));
        assert_eq!(pick("vm", "db", vec![]).unwrap(), None);
        let many = (0..7)
            .map(|i| (format!("id{i}"), "web".to_owned()))
            .collect();
        let err = pick("vm", "web", many).unwrap_err();
        assert_eq!(err.code, 2);
        assert!(err.message.contains("7 objects"), "{}", err.message);
        assert!(err.message.contains("id0, id1, id2, id3, id4 and 2 more"));
    }
}
