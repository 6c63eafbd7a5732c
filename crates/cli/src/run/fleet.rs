//! `--context A,B` and `--all-contexts`: one listing across several contexts, each object tagged
//! with the context it came from. A context that fails (to connect, to resolve a name, or mid-
//! listing) is reported on stderr, one line, and does not hide the others; the command then
//! exits 1.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::stream::{self, BoxStream, StreamExt};
use omnivirt::{Client, Config, Fleet, ListQuery, Tagged, VmId};

use super::{CliError, CliResult, Kind, insecure_warning, query, with_overrides};
use crate::args::{
    ClusterCmd, Command, ConnArgs, DiskCmd, HostCmd, InventoryCmd, ListArgs, OutputFormat, VmCmd,
};
use crate::output::{self, Row};

/// The contexts a command names when it names several (`--context a,b`, `--all-contexts`);
/// `None` for the usual one context.
pub fn selected(conn: &ConnArgs) -> CliResult<Option<Vec<String>>> {
    if conn.all_contexts {
        let config = Config::load_located(conn.config.as_deref())?;
        let names: Vec<String> = config.contexts.keys().cloned().collect();
        if names.is_empty() {
            return Err(CliError::usage(
                "--all-contexts: the config file has no contexts",
            ));
        }
        return Ok(Some(names));
    }
    let Some(list) = conn.context.as_deref().filter(|c| c.contains(',')) else {
        return Ok(None);
    };
    let mut names: Vec<String> = Vec::new();
    for n in list.split(',').map(str::trim) {
        if n.is_empty() {
            return Err(CliError::usage(format!(
                "--context {list:?}: an empty context name"
            )));
        }
        if !names.iter().any(|x| x == n) {
            names.push(n.to_owned());
        }
    }
    Ok(Some(names))
}

/// What a fleet listing lists: the kind, its filters, and `disk list --vm`.
fn listing(command: &Command) -> Option<(Kind, &ListArgs, Option<&String>)> {
    Some(match command {
        Command::Vm(VmCmd::List(a)) => (Kind::Vm, a, None),
        Command::Host(HostCmd::List(a)) => (Kind::Host, a, None),
        Command::Cluster(ClusterCmd::List(a)) => (Kind::Cluster, a, None),
        Command::Disk(DiskCmd::List { list, vm }) => (Kind::Disk, list, vm.as_ref()),
        Command::Template(InventoryCmd::List(a)) => (Kind::Template, a, None),
        Command::Network(InventoryCmd::List(a)) => (Kind::Network, a, None),
        Command::Storage(InventoryCmd::List(a)) => (Kind::Storage, a, None),
        _ => return None,
    })
}

/// Runs a list command over the contexts `names`.
pub async fn run(
    names: Vec<String>,
    command: &Command,
    conn: &ConnArgs,
    fmt: OutputFormat,
) -> CliResult {
    let Some((kind, args, vm)) = listing(command) else {
        return Err(CliError::usage(
            "several contexts (--context A,B or --all-contexts) apply only to list commands",
        ));
    };
    // Flags are checked once, before connecting anywhere.
    query(args, kind)?;
    let config = Config::load_located(conn.config.as_deref())?;
    let failed = Arc::new(AtomicBool::new(false));
    let report = |name: &str, e: &dyn std::fmt::Display| {
        eprintln!("error: context {name}: {e}");
        failed.store(true, Ordering::SeqCst);
    };
    let mut contexts = Vec::new();
    for name in &names {
        let (_, ctx) = config.context(Some(name))?;
        contexts.push((name.clone(), with_overrides(ctx.clone(), conn)));
    }
    if contexts.iter().any(|(_, c)| c.is_insecure()) {
        eprintln!("{}", insecure_warning());
    }
    let connected = futures::future::join_all(
        contexts
            .into_iter()
            .map(|(name, ctx)| async move { (name, omnivirt::connect(&ctx).await) }),
    )
    .await;
    let mut fleet = Fleet::new();
    for (name, r) in connected {
        match r {
            Ok(c) => fleet.push(name, c),
            Err(e) => report(&name, &e),
        }
    }
    // Names resolve in each context on its own (`--cluster prod` is a different id in each).
    let mut queries = Vec::new();
    for (name, c) in fleet.members() {
        let mut a = args.clone();
        let mut v = vm.cloned();
        if let Err(e) = super::resolve::list_filters(c, &mut a, &mut v).await {
            report(name, &e.message);
            continue;
        }
        let mut q = query(&a, kind)?;
        if let Some(v) = v {
            q = q.vm(VmId::new(v));
        }
        queries.push((name.clone(), c.clone(), q));
    }
    let printed = match kind {
        Kind::Vm => print(fmt, tagged(queries, &failed, |c, q| c.vms().list(q))).await,
        Kind::Host => print(fmt, tagged(queries, &failed, |c, q| c.hosts().list(q))).await,
        Kind::Cluster => print(fmt, tagged(queries, &failed, |c, q| c.clusters().list(q))).await,
        Kind::Disk => print(fmt, tagged(queries, &failed, |c, q| c.disks().list(q))).await,
        Kind::Template => print(fmt, tagged(queries, &failed, |c, q| c.templates().list(q))).await,
        Kind::Network => print(fmt, tagged(queries, &failed, |c, q| c.networks().list(q))).await,
        Kind::Storage => {
            print(
                fmt,
                tagged(queries, &failed, |c, q| c.storage_pools().list(q)),
            )
            .await
        }
    };
    for (name, e) in fleet.close().await {
        tracing::warn!("context {name}: could not log out: {e}");
    }
    printed?;
    if failed.load(Ordering::SeqCst) {
        return Err(CliError::op(
            "some contexts failed (see above); the listing holds the others",
        ));
    }
    Ok(())
}

async fn print<T: Row>(
    fmt: OutputFormat,
    items: BoxStream<'static, omnivirt::Result<Tagged<T>>>,
) -> CliResult {
    Ok(output::stream(fmt, items).await?)
}

/// Every member's listing, interleaved as pages arrive, each item tagged with its context. A
/// member's error is reported on stderr and ends that member's listing only.
fn tagged<T: Send + 'static>(
    queries: Vec<(String, Client, ListQuery)>,
    failed: &Arc<AtomicBool>,
    list: fn(&Client, ListQuery) -> BoxStream<'static, omnivirt::Result<T>>,
) -> BoxStream<'static, omnivirt::Result<Tagged<T>>> {
    let streams = queries.into_iter().map(|(name, c, q)| {
        let failed = failed.clone();
        list(&c, q)
            .map(move |r| match r {
                Ok(item) => Some(Tagged::new(name.clone(), item)),
                Err(e) => {
                    eprintln!("error: context {name}: {e}");
                    failed.store(true, Ordering::SeqCst);
                    None
                }
            })
            .take_while(|r| futures::future::ready(r.is_some()))
            .filter_map(|r| futures::future::ready(r.map(Ok)))
            .boxed()
    });
    stream::select_all(streams).boxed()
}
