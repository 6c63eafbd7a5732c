//! `omnivirt demo`: every compiled-in simulator, one scenario each, side by side.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use futures::TryStreamExt;
use omnivirt::{
    Client, CloneSpec, Context, Credentials, DiskSpec, EventQuery, ListQuery, NicSpec, Op,
    Operation, SnapshotSpec, Vendor, VmSpec, VmUpdate, WaitOptions,
};
use omnivirt_sim::{SimServer, Tick};

use crate::args::DemoArgs;
use crate::run::{CliError, CliResult, Reporter};
use crate::simserve::{skin_for, world};

const STEPS: [&str; 14] = [
    "connect",
    "inventory",
    "create from template",
    "start (wait running)",
    "ip reported",
    "console",
    "attach disk",
    "stop (wait stopped)",
    "snapshot",
    "resize",
    "revert to snapshot",
    "clone",
    "events about the vm",
    "delete vms + disk",
];

struct Column {
    name: String,
    cells: Vec<String>,
    total: Duration,
}

pub async fn run(args: DemoArgs) -> CliResult {
    let tick = Tick::Wall(Duration::from_millis(300));
    let mut columns = Vec::new();
    let mut servers = Vec::new();
    for vendor in ["ovirt", "cloudtower", "zstack", "veil"] {
        let info = skin_for(vendor)?;
        let server = SimServer::start(
            world(args.seed, args.vms, tick),
            vec![info.skin.clone()],
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .await?;
        let url = format!("{}{}", server.url(), info.api_path);
        eprintln!("== {vendor}: simulator at {url}");
        let v: Vendor = vendor.parse()?;
        let ctx = Context::new(v, url).user(info.user);
        let creds = Credentials::password(info.user, "admin");
        let started = Instant::now();
        let connect = omnivirt::connect_with_credentials(&ctx, creds).await;
        let column = scenario(format!("{vendor} (HTTP)"), connect, started).await;
        columns.push(column);
        servers.push(server);
    }
    eprintln!("== sim: neutral world, in process");
    let started = Instant::now();
    let backend = omnivirt_sim::SimBackend::new(world(args.seed, args.vms, tick));
    let client = Ok(Client::new(Arc::new(backend)));
    columns.push(scenario("sim (in-process)".into(), client, started).await);
    for s in servers {
        s.shutdown().await;
    }

    // One block per backend, so the output fits 120 columns whatever the cells hold.
    let blocks: Vec<String> = columns.iter().map(block).collect();
    println!("{}", blocks.join("\n"));
    for c in &columns {
        for (step, cell) in STEPS.iter().zip(&c.cells) {
            if let Some(err) = cell.strip_prefix("FAILED: ") {
                eprintln!("error: {} / {step}: {err}", c.name);
            }
        }
    }
    let failed: Vec<&str> = columns
        .iter()
        .filter(|c| c.cells.iter().any(|cell| cell.starts_with("FAILED")))
        .map(|c| c.name.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::op(format!(
            "the scenario failed on: {}",
            failed.join(", ")
        )))
    }
}

/// One backend's results: a two-column table, step and what happened.
fn block(c: &Column) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(vec!["step".to_owned(), c.name.clone()]);
    for (i, step) in STEPS.iter().enumerate() {
        let cell = match c.cells.get(i) {
            Some(cell) if cell.starts_with("FAILED") => {
                let kind = cell
                    .trim_start_matches("FAILED: ")
                    .split(':')
                    .next()
                    .unwrap_or("error");
                format!("FAILED ({kind}, see below)")
            }
            Some(cell) => cell.clone(),
            None => "-".into(),
        };
        t.add_row(vec![(*step).to_owned(), cell]);
    }
    t.add_row(vec![
        "total".to_owned(),
        format!("{} ms", c.total.as_millis()),
    ]);
    t.to_string()
}

async fn scenario(name: String, client: omnivirt::Result<Client>, started: Instant) -> Column {
    let mut col = Column {
        name: name.clone(),
        cells: Vec::new(),
        total: Duration::ZERO,
    };
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            col.cells.push(format!("FAILED: {e}"));
            col.total = started.elapsed();
            return col;
        }
    };
    col.cells
        .push(format!("ok ({} ms)", started.elapsed().as_millis()));
    if let Err(e) = steps(&name, &client, &mut col.cells).await {
        col.cells.push(format!("FAILED: {e}"));
    }
    let _ = client.close().await;
    col.total = started.elapsed();
    col
}

/// Wait options for one step; only the start step reports its progress, to keep the output short.
fn wait_opts(label: &str) -> (WaitOptions, Option<Arc<Reporter>>) {
    let opts = WaitOptions::new()
        .timeout(Duration::from_secs(60))
        .interval(Duration::from_millis(100), Duration::from_millis(500));
    if !label.ends_with(": start") {
        return (opts, None);
    }
    let reporter = Reporter::new(label);
    let r = reporter.clone();
    (opts.on_progress(move |p| r.update(p)), Some(reporter))
}

fn done(rep: Option<Arc<Reporter>>) {
    if let Some(r) = rep {
        r.finish();
    }
}

/// Waits for a submitted operation with the wait options of the step named `label` (and its
/// progress line, for the start step).
async fn finish<T: omnivirt::core::FromTarget>(
    label: &str,
    op: omnivirt::Result<Operation<T>>,
) -> omnivirt::Result<T> {
    let (opts, rep) = wait_opts(label);
    let out = op?.with_options(opts).wait().await;
    done(rep);
    out
}

async fn steps(name: &str, c: &Client, cells: &mut Vec<String>) -> omnivirt::Result<()> {
    let t = Instant::now();
    let vms: Vec<_> = c.vms().list(ListQuery::new()).try_collect().await?;
    let hosts: Vec<_> = c.hosts().list(ListQuery::new()).try_collect().await?;
    let clusters: Vec<_> = c.clusters().list(ListQuery::new()).try_collect().await?;
    let running = vms
        .iter()
        .filter(|v| v.state == omnivirt::VmState::Running)
        .count();
    let fabric = if c.capabilities().supports(Op::TemplateList)
        && c.capabilities().supports(Op::NetworkList)
        && c.capabilities().supports(Op::StorageList)
    {
        let templates: Vec<_> = c.templates().list(ListQuery::new()).try_collect().await?;
        let networks: Vec<_> = c.networks().list(ListQuery::new()).try_collect().await?;
        let pools: Vec<_> = c
            .storage_pools()
            .list(ListQuery::new())
            .try_collect()
            .await?;
        format!(
            ", {} templates, {} networks, {} pools",
            templates.len(),
            networks.len(),
            pools.len()
        )
    } else {
        String::new()
    };
    cells.push(format!(
        "{} vms ({running} running), {} hosts, {} clusters{fabric} ({} ms)",
        vms.len(),
        hosts.len(),
        clusters.len(),
        t.elapsed().as_millis()
    ));
    let cluster = clusters
        .first()
        .ok_or_else(|| omnivirt::Error::not_found("the simulator has no cluster"))?;

    let t = Instant::now();
    let mut spec = VmSpec::new("demo-vm", cluster.id.clone())
        .vcpus(2)
        .memory_bytes(4 << 30);
    // On the cluster's first network where the vendor takes NICs at create, so the guest has an
    // address to report; elsewhere the vendor's default NIC.
    if supports(c, &[Op::VmCreateNics, Op::NetworkList]) {
        let q = ListQuery::new().cluster(cluster.id.clone()).limit(1);
        if let Ok(nets) = c.networks().list(q).try_collect::<Vec<_>>().await {
            if let Some(n) = nets.first() {
                spec = spec.network(NicSpec::new(n.id.clone()));
            }
        }
    }
    // From the first template the cluster can use, where the vendor lists them.
    let mut from = String::new();
    if supports(c, &[Op::TemplateList]) {
        let templates: Vec<_> = c
            .templates()
            .list(ListQuery::new().limit(20))
            .try_collect()
            .await?;
        let usable =
            |x: &&omnivirt::Template| x.cluster_id.as_ref().is_none_or(|id| id == &cluster.id);
        // oVirt's built-in `Blank` is an empty VM: a real template says more, when there is one.
        let usable = templates
            .iter()
            .filter(usable)
            .find(|x| x.name != "Blank")
            .or_else(|| templates.iter().find(usable));
        if let Some(tpl) = usable {
            spec = spec.template(tpl.id.as_str());
            from = format!(" from {}", tpl.name);
        }
    }
    let vm = finish(&format!("{name}: create"), c.vms().create(&spec).await).await?;
    cells.push(format!(
        "{} -> {}{from} ({} ms)",
        short(vm.id.as_str()),
        vm.state,
        t.elapsed().as_millis()
    ));

    let t = Instant::now();
    let vm = finish(&format!("{name}: start"), c.vms().start(&vm.id).await).await?;
    cells.push(format!(
        "{} on {} ({} ms)",
        vm.state,
        vm.host_id
            .as_ref()
            .map(|h| short(h.as_str()))
            .unwrap_or("?"),
        t.elapsed().as_millis()
    ));

    let t = Instant::now();
    cells.push(if vm.ips.is_empty() {
        "none reported".to_owned()
    } else {
        format!("{} ({} ms)", vm.ips.join(", "), t.elapsed().as_millis())
    });

    let t = Instant::now();
    cells.push(if supports(c, &[Op::VmConsole]) {
        let console = c.vms().console(&vm.id).await?;
        let place = match (&console.url, &console.host, console.port) {
            // The path only: the query (VM and host of a websocket console) would not fit the
            // column, and a loopback simulator's port changes from run to run.
            (Some(url), _, _) => {
                let no_query = url.split('?').next().unwrap_or(url);
                match no_query.split_once("://") {
                    Some((_, rest)) => rest.find('/').map_or(rest, |i| &rest[i..]).to_owned(),
                    None => no_query.to_owned(),
                }
            }
            (None, Some(h), Some(p)) => format!("{h}:{p}"),
            _ => "?".to_owned(),
        };
        let ticket = if console.ticket.is_some() {
            ", ticket ***"
        } else {
            ""
        };
        format!(
            "{} {place}{ticket} ({} ms)",
            console.protocol,
            t.elapsed().as_millis()
        )
    } else {
        missing(c, &[Op::VmConsole])
    });

    let t = Instant::now();
    let mut dspec = DiskSpec::new("demo-disk", 10 << 30).cluster(cluster.id.clone());
    if let Some(storage) = first_storage(c).await {
        dspec = dspec.storage(storage);
    }
    let disk = finish(&format!("{name}: disk"), c.disks().create(&dspec).await).await?;
    let attach = c.disks().attach(&disk.id, &vm.id).await;
    let disk = finish(&format!("{name}: attach"), attach).await?;
    // Asked through the VM's disk listing, which every vendor can answer (oVirt disks do not
    // name their VM themselves).
    let on_vm: Vec<_> = c
        .disks()
        .list(ListQuery::new().vm(vm.id.clone()))
        .try_collect()
        .await?;
    let seen = on_vm
        .iter()
        .any(|d| d.id == disk.id && d.vm_id.as_ref() == Some(&vm.id));
    if !seen {
        return Err(omnivirt::Error::protocol(format!(
            "disk {} is not listed among the disks of VM {}",
            disk.id, vm.id
        )));
    }
    cells.push(format!(
        "10 GiB, VM now has {} disk(s) ({} ms)",
        on_vm.len(),
        t.elapsed().as_millis()
    ));

    let t = Instant::now();
    let vm = finish(&format!("{name}: stop"), c.vms().stop(&vm.id).await).await?;
    cells.push(format!("{} ({} ms)", vm.state, t.elapsed().as_millis()));

    let clone = day_two(name, c, &vm, cells).await?;

    let t = Instant::now();
    let label = format!("{name}: delete");
    if let Some(copy) = &clone {
        finish(&label, c.vms().delete(copy).await).await?;
    }
    finish(&label, c.disks().detach(&disk.id, &vm.id).await).await?;
    finish(&label, c.disks().delete(&disk.id).await).await?;
    finish(&label, c.vms().delete(&vm.id).await).await?;
    cells.push(format!("gone ({} ms)", t.elapsed().as_millis()));
    Ok(())
}

/// The first 8 characters of an id, enough to tell objects apart in a narrow table.
fn short(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(i, _)| &id[..i])
}

/// Disks on some vendors need a storage location; the first existing disk's is a good guess.
async fn first_storage(c: &Client) -> Option<String> {
    let disks: Vec<_> = c
        .disks()
        .list(ListQuery::new().limit(1))
        .try_collect()
        .await
        .ok()?;
    disks.first().and_then(|d| {
        d.extra
            .get("storage_domain_id")
            .or_else(|| d.extra.get("storage"))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    })
}

/// What a cell says for a step the backend does not map yet.
const NOT_YET: &str = "not mapped for this vendor yet";
/// What a cell says when the vendor's API itself has no way to do the step.
const NOT_OFFERED: &str = "not offered by this vendor's API";

fn supports(c: &Client, ops: &[Op]) -> bool {
    ops.iter().all(|o| c.capabilities().supports(*o))
}

/// The cell for a step whose ops are not all declared: "not offered" when the backend notes why
/// an op it lacks is missing (the vendor's API has no way to do it), else "not mapped yet".
fn missing(c: &Client, ops: &[Op]) -> String {
    let caps = c.capabilities();
    let offered_nowhere = ops
        .iter()
        .any(|o| !caps.supports(*o) && caps.note(*o).is_some());
    if offered_nowhere {
        NOT_OFFERED.to_owned()
    } else {
        NOT_YET.to_owned()
    }
}

/// Snapshot, resize, revert, clone and events on the stopped VM, each where the backend maps
/// it. Returns the clone, for the clean-up step.
async fn day_two(
    name: &str,
    c: &Client,
    vm: &omnivirt::Vm,
    cells: &mut Vec<String>,
) -> omnivirt::Result<Option<omnivirt::VmId>> {
    let label = format!("{name}: day two");
    let snapshot_ops = [Op::SnapshotCreate, Op::SnapshotRevert, Op::SnapshotDelete];
    let t = Instant::now();
    let snap = if supports(c, &snapshot_ops) {
        let spec = SnapshotSpec::new("demo-before-resize");
        let s = finish(&label, c.vms().create_snapshot(&vm.id, &spec).await).await?;
        cells.push(format!(
            "{} {} ({} ms)",
            s.name,
            s.state,
            t.elapsed().as_millis()
        ));
        Some(s)
    } else {
        cells.push(missing(c, &snapshot_ops));
        None
    };

    let t = Instant::now();
    if supports(c, &[Op::VmUpdate]) {
        let before = vm.vcpus.unwrap_or(1);
        // A vendor that maps reconfigure but not every field of it says so per request.
        match c
            .vms()
            .update(&vm.id, &VmUpdate::new().vcpus(before * 2))
            .await
        {
            Ok(op) => {
                let restart = op.submitted().restart_required;
                let after = finish(&label, Ok(op)).await?;
                let note = if restart { ", at next power cycle" } else { "" };
                cells.push(format!(
                    "{before} -> {} vCPUs{note} ({} ms)",
                    after.vcpus.map_or("?".to_owned(), |n| n.to_string()),
                    t.elapsed().as_millis()
                ));
            }
            Err(e) if e.kind() == omnivirt::ErrorKind::Unsupported => {
                cells.push(NOT_OFFERED.to_owned());
            }
            Err(e) => return Err(e),
        }
    } else {
        cells.push(missing(c, &[Op::VmUpdate]));
    }

    let t = Instant::now();
    match &snap {
        Some(s) => {
            let back = finish(&label, c.vms().revert_snapshot(&vm.id, &s.id).await).await?;
            finish(&label, c.vms().delete_snapshot(&vm.id, &s.id).await).await?;
            cells.push(format!(
                "{} vCPUs again, snapshot deleted ({} ms)",
                back.vcpus.map_or("?".to_owned(), |n| n.to_string()),
                t.elapsed().as_millis()
            ));
        }
        None => cells.push(missing(c, &snapshot_ops)),
    }

    let t = Instant::now();
    let clone = if supports(c, &[Op::VmClone]) {
        let spec = CloneSpec::new("demo-vm-clone");
        let copy = finish(&label, c.vms().clone_vm(&vm.id, &spec).await).await?;
        cells.push(format!(
            "{} {} ({} ms)",
            copy.name,
            copy.state,
            t.elapsed().as_millis()
        ));
        Some(copy.id)
    } else {
        cells.push(missing(c, &[Op::VmClone]));
        None
    };

    let t = Instant::now();
    if supports(c, &[Op::EventList]) {
        let events: Vec<_> = c
            .events()
            .list(EventQuery::new().vm(vm.id.clone()).limit(50))
            .try_collect()
            .await?;
        let last = events
            .first()
            .map(|e| format!(", newest: {}", e.message))
            .unwrap_or_default();
        cells.push(format!(
            "{}{last} ({} ms)",
            events.len(),
            t.elapsed().as_millis()
        ));
    } else {
        cells.push(missing(c, &[Op::EventList]));
    }
    Ok(clone)
}
