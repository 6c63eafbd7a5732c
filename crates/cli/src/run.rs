//! Runs a parsed command.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::TryStreamExt;
use omnivirt::{
    Client, ClusterId, Config, Context, DiskId, DiskSpec, ErrorKind, HostId, ListQuery, Operation,
    PowerAction, TaskId, Vendor, VmId, VmSpec, WaitOptions,
};
use omnivirt_core::{DiskState, FromTarget, HostState, Progress, VmState};

use crate::args::{
    ClusterCmd, Command, ConnArgs, ContextCmd, DiskCmd, HostCmd, ListArgs, OutputFormat, PowerArgs,
    TaskCmd, VmCmd, WaitArgs,
};
use crate::output;
use crate::size::parse_size;

/// An error the CLI reports: one line, and an exit code (1 operation, 2 usage).
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl CliError {
    pub fn usage(msg: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: msg.into(),
        }
    }

    pub fn op(msg: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: msg.into(),
        }
    }
}

impl From<omnivirt::Error> for CliError {
    fn from(e: omnivirt::Error) -> Self {
        let code = if e.kind() == ErrorKind::Config { 2 } else { 1 };
        CliError {
            code,
            message: e.to_string(),
        }
    }
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError::op(message)
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// The ad hoc context the flags describe (`--vendor --url ...`), if `--vendor` is given.
fn ad_hoc_context(conn: &ConnArgs) -> CliResult<Option<Context>> {
    let Some(v) = &conn.vendor else {
        return Ok(None);
    };
    let vendor: Vendor = v
        .parse()
        .map_err(|e: omnivirt::Error| CliError::usage(e.message()))?;
    let url = match (&conn.url, vendor) {
        (Some(u), _) => u.clone(),
        (None, Vendor::Sim) => String::new(),
        (None, _) => return Err(CliError::usage("--vendor needs --url")),
    };
    let mut ctx = Context::new(vendor, url);
    if conn.insecure {
        ctx = ctx.insecure(true);
    }
    if let Some(u) = &conn.user {
        ctx = ctx.user(u);
    }
    if let Some(p) = &conn.password_env {
        ctx = ctx.password_env(p);
    }
    if let Some(t) = &conn.token_env {
        ctx = ctx.token_env(t);
    }
    if let Some(ca) = &conn.ca_file {
        ctx = ctx.ca_file(ca);
    }
    if let Some(d) = conn.request_timeout {
        ctx = ctx.request_timeout(d);
    }
    Ok(Some(ctx))
}

/// The context named by the flags: ad hoc (`--vendor --url ...`) or from the config file.
pub fn resolve_context(conn: &ConnArgs) -> CliResult<(String, Context)> {
    if let Some(ctx) = ad_hoc_context(conn)? {
        return Ok(("(ad hoc)".into(), ctx));
    }
    if conn.url.is_some() {
        return Err(CliError::usage("--url needs --vendor"));
    }
    let config = Config::load_located(conn.config.as_deref())?;
    let (name, ctx) = config.context(conn.context.as_deref())?;
    let mut ctx = ctx.clone();
    if conn.insecure {
        ctx = ctx.insecure(true);
    }
    if let Some(ca) = &conn.ca_file {
        ctx = ctx.ca_file(ca);
    }
    if let Some(d) = conn.request_timeout {
        ctx = ctx.request_timeout(d);
    }
    Ok((name, ctx))
}

async fn client(conn: &ConnArgs) -> CliResult<Client> {
    let (_, ctx) = resolve_context(conn)?;
    Ok(omnivirt::connect(&ctx).await?)
}

fn query(args: &ListArgs, kind: Kind) -> CliResult<ListQuery> {
    let mut q = ListQuery::new();
    if let Some(n) = &args.name_contains {
        q = q.name_contains(n);
    }
    if let Some(s) = &args.state {
        q = match kind {
            Kind::Vm => q.vm_state(
                s.parse::<VmState>()
                    .map_err(|e| CliError::usage(e.message()))?,
            ),
            Kind::Host => q.host_state(
                s.parse::<HostState>()
                    .map_err(|e| CliError::usage(e.message()))?,
            ),
            Kind::Disk => q.disk_state(
                s.parse::<DiskState>()
                    .map_err(|e| CliError::usage(e.message()))?,
            ),
            Kind::Cluster => return Err(CliError::usage("clusters cannot be filtered by state")),
        };
    }
    if let Some(c) = &args.cluster {
        q = q.cluster(c.as_str());
    }
    if let Some(h) = &args.host {
        q = q.host(h.as_str());
    }
    if let Some(l) = args.limit {
        q = q.limit(l);
    }
    Ok(q)
}

#[derive(Clone, Copy)]
enum Kind {
    Vm,
    Host,
    Cluster,
    Disk,
}

/// Runs every command that talks to a backend or the config file.
pub async fn run(command: Command, conn: ConnArgs, fmt: OutputFormat) -> CliResult {
    match command {
        Command::Vm(cmd) => vm(cmd, &conn, fmt).await,
        Command::Host(HostCmd::List(a)) => {
            let c = client(&conn).await?;
            let items: Vec<_> = c.hosts().list(query(&a, Kind::Host)?).try_collect().await?;
            Ok(output::list(fmt, &items)?)
        }
        Command::Cluster(ClusterCmd::List(a)) => {
            let c = client(&conn).await?;
            let items: Vec<_> = c
                .clusters()
                .list(query(&a, Kind::Cluster)?)
                .try_collect()
                .await?;
            Ok(output::list(fmt, &items)?)
        }
        Command::Disk(cmd) => disk(cmd, &conn, fmt).await,
        Command::Task(cmd) => task(cmd, &conn, fmt).await,
        Command::Capabilities => {
            let c = client(&conn).await?;
            Ok(output::capabilities(fmt, c.vendor(), c.capabilities())?)
        }
        Command::Context(cmd) => context(cmd, &conn, fmt),
        Command::Completions { .. } | Command::Sim(_) | Command::Demo(_) => Err(CliError::usage(
            "internal: this command is handled before connecting",
        )),
    }
}

async fn vm(cmd: VmCmd, conn: &ConnArgs, fmt: OutputFormat) -> CliResult {
    let c = client(conn).await?;
    match cmd {
        VmCmd::List(a) => {
            let items: Vec<_> = c.vms().list(query(&a, Kind::Vm)?).try_collect().await?;
            Ok(output::list(fmt, &items)?)
        }
        VmCmd::Get { id } => Ok(output::one(fmt, &c.vms().get(&VmId::new(id)).await?)?),
        VmCmd::Create {
            name,
            cluster,
            template,
            vcpus,
            memory,
            wait,
        } => {
            let mut spec = VmSpec::new(name, ClusterId::new(cluster));
            if let Some(t) = template {
                spec = spec.template(t);
            }
            if let Some(n) = vcpus {
                spec = spec.vcpus(n);
            }
            if let Some(m) = memory {
                spec = spec.memory_bytes(parse_size(&m).map_err(CliError::usage)?);
            }
            let op = c.vms().create(&spec).await?;
            finish_one(op, &wait, fmt, "vm create").await
        }
        VmCmd::Start(a) => power(&c, a, PowerAction::Start, fmt).await,
        VmCmd::Stop(a) => {
            let action = if a.force {
                PowerAction::ForceStop
            } else {
                PowerAction::Stop
            };
            power(&c, a, action, fmt).await
        }
        VmCmd::Reboot(a) => power(&c, a, PowerAction::Reboot, fmt).await,
        VmCmd::Suspend(a) => power(&c, a, PowerAction::Suspend, fmt).await,
        VmCmd::Resume(a) => power(&c, a, PowerAction::Resume, fmt).await,
        VmCmd::Delete(a) => {
            let mut ops = Vec::new();
            for id in &a.ids {
                ops.push(c.vms().delete(&VmId::new(id.as_str())).await?);
            }
            finish_many(&c, ops, &a.wait, fmt, "vm delete").await
        }
        VmCmd::Migrate { id, host, wait } => {
            let host = host.map(HostId::new);
            let op = c.vms().migrate(&VmId::new(id), host.as_ref()).await?;
            finish_one(op, &wait, fmt, "vm migrate").await
        }
    }
}

async fn power(c: &Client, a: PowerArgs, action: PowerAction, fmt: OutputFormat) -> CliResult {
    let mut ops = Vec::new();
    for id in &a.ids {
        ops.push(c.vms().power(&VmId::new(id.as_str()), action).await?);
    }
    finish_many(c, ops, &a.wait, fmt, action.op().as_str()).await
}

async fn disk(cmd: DiskCmd, conn: &ConnArgs, fmt: OutputFormat) -> CliResult {
    let c = client(conn).await?;
    match cmd {
        DiskCmd::List { list, vm } => {
            let mut q = query(&list, Kind::Disk)?;
            if let Some(v) = vm {
                q = q.vm(v);
            }
            let items: Vec<_> = c.disks().list(q).try_collect().await?;
            Ok(output::list(fmt, &items)?)
        }
        DiskCmd::Create {
            name,
            size,
            cluster,
            storage,
            wait,
        } => {
            let mut spec = DiskSpec::new(name, parse_size(&size).map_err(CliError::usage)?);
            if let Some(cl) = cluster {
                spec = spec.cluster(cl);
            }
            if let Some(s) = storage {
                spec = spec.storage(s);
            }
            let op = c.disks().create(&spec).await?;
            finish_one(op, &wait, fmt, "disk create").await
        }
        DiskCmd::Attach { disk, vm, wait } => {
            let op = c.disks().attach(&DiskId::new(disk), &VmId::new(vm)).await?;
            finish_one(op, &wait, fmt, "disk attach").await
        }
        DiskCmd::Detach { disk, vm, wait } => {
            let op = c.disks().detach(&DiskId::new(disk), &VmId::new(vm)).await?;
            finish_one(op, &wait, fmt, "disk detach").await
        }
        DiskCmd::Delete { disk, wait } => {
            let op = c.disks().delete(&DiskId::new(disk)).await?;
            finish_many(&c, vec![op], &wait, fmt, "disk delete").await
        }
    }
}

async fn task(cmd: TaskCmd, conn: &ConnArgs, fmt: OutputFormat) -> CliResult {
    let c = client(conn).await?;
    match cmd {
        TaskCmd::Get { id } => Ok(output::one(fmt, &c.tasks().get(&TaskId::new(id)).await?)?),
        TaskCmd::Wait { ids, timeout } => {
            let ops: Vec<_> = ids.into_iter().map(|id| c.tasks().follow(id)).collect();
            let wait = WaitArgs {
                wait: true,
                timeout,
            };
            let tasks = wait_many(&c, ops, &wait, "task wait").await;
            let total = tasks.len();
            let mut done = Vec::new();
            let mut errors = Vec::new();
            for r in tasks {
                match r {
                    Ok(t) => done.push(t),
                    Err(e) => {
                        eprintln!("error: {e}");
                        errors.push(e);
                    }
                }
            }
            output::list(fmt, &done)?;
            match errors.len() {
                0 => Ok(()),
                1 if total == 1 => Err(errors.remove(0).into()),
                n => Err(CliError::op(format!(
                    "{n} of {total} tasks failed; first: {}",
                    errors[0]
                ))),
            }
        }
    }
}

fn context(cmd: ContextCmd, conn: &ConnArgs, fmt: OutputFormat) -> CliResult {
    let (path, _) = Config::locate(conn.config.as_deref())?;
    if let ContextCmd::Add { name, force } = &cmd {
        let ctx = ad_hoc_context(conn)?
            .ok_or_else(|| CliError::usage("context add needs --vendor (and --url)"))?;
        Config::add_context_to(&path, name, &ctx, *force)?;
        eprintln!("added context {name} to {}", path.display());
        return Ok(());
    }
    let config = Config::load_located(conn.config.as_deref())?;
    match cmd {
        ContextCmd::List => {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                name: &'a str,
                current: bool,
                vendor: &'a str,
                url: &'a str,
            }
            let rows: Vec<Row<'_>> = config
                .contexts
                .iter()
                .map(|(n, c)| Row {
                    name: n,
                    current: config.current_context.as_deref() == Some(n.as_str()),
                    vendor: c.vendor.as_str(),
                    url: c.url(),
                })
                .collect();
            if fmt == OutputFormat::Table {
                for r in &rows {
                    println!(
                        "{} {:<20} {:<11} {}",
                        if r.current { "*" } else { " " },
                        r.name,
                        r.vendor,
                        r.url
                    );
                }
                Ok(())
            } else {
                Ok(output::value(fmt, &rows)?)
            }
        }
        ContextCmd::Use { name } => {
            Config::set_current_context_in(&path, &name)?;
            eprintln!("switched to context {name}");
            Ok(())
        }
        ContextCmd::Show { name } => {
            let (_, ctx) = config.context(name.as_deref())?;
            Ok(output::value(
                if fmt == OutputFormat::Table {
                    OutputFormat::Yaml
                } else {
                    fmt
                },
                ctx,
            )?)
        }
        // Handled above, before the file is loaded.
        ContextCmd::Add { .. } => Ok(()),
    }
}

/// A progress reporter: a bar on a terminal, plain lines otherwise.
pub struct Reporter {
    bar: Option<indicatif::ProgressBar>,
    last: Mutex<String>,
    label: String,
}

impl Reporter {
    pub fn new(label: &str) -> Arc<Self> {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {prefix} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            b.set_prefix(label.to_owned());
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Arc::new(Reporter {
            bar,
            last: Mutex::new(String::new()),
            label: label.to_owned(),
        })
    }

    pub fn update(&self, p: &Progress) {
        let mut msg = p.observed.clone().unwrap_or_else(|| "waiting".into());
        if let Some(pc) = p.percent {
            msg = format!("{msg} {pc}%");
        }
        if p.done {
            msg = "done".into();
        }
        match &self.bar {
            Some(b) => b.set_message(msg),
            None => {
                let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
                if *last != msg {
                    eprintln!(
                        "{}: {msg} (poll {}, {:.1}s)",
                        self.label,
                        p.polls,
                        p.elapsed.as_secs_f64()
                    );
                    *last = msg;
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

fn wait_options(wait: &WaitArgs, reporter: &Arc<Reporter>) -> WaitOptions {
    let r = reporter.clone();
    WaitOptions::new()
        .timeout(wait.timeout)
        .interval(Duration::from_millis(200), Duration::from_secs(5))
        .on_progress(move |p| r.update(p))
}

#[derive(serde::Serialize)]
struct SubmittedOut<'a> {
    op: &'a str,
    task_id: Option<&'a str>,
    target: Option<&'a omnivirt_core::ResourceRef>,
}

async fn finish_one<T>(
    op: Operation<T>,
    wait: &WaitArgs,
    fmt: OutputFormat,
    label: &str,
) -> CliResult
where
    T: FromTarget + output::Row,
{
    if !wait.wait {
        let s = op.submitted();
        return Ok(output::value(
            fmt,
            &SubmittedOut {
                op: s.op.as_str(),
                task_id: s.task.as_ref().map(|t| t.as_str()),
                target: s.target.as_ref(),
            },
        )?);
    }
    let reporter = Reporter::new(label);
    let result = op.with_options(wait_options(wait, &reporter)).wait().await;
    reporter.finish();
    Ok(output::one(fmt, &result?)?)
}

async fn wait_many<T: FromTarget>(
    c: &Client,
    ops: Vec<Operation<T>>,
    wait: &WaitArgs,
    label: &str,
) -> Vec<omnivirt::Result<T>> {
    let reporter = Reporter::new(label);
    let opts = wait_options(wait, &reporter);
    let ops: Vec<_> = ops
        .into_iter()
        .map(|o| o.with_options(opts.clone()))
        .collect();
    let out = c.wait_all(ops).await;
    reporter.finish();
    out
}

async fn finish_many<T>(
    c: &Client,
    ops: Vec<Operation<T>>,
    wait: &WaitArgs,
    fmt: OutputFormat,
    label: &str,
) -> CliResult
where
    T: FromTarget + serde::Serialize,
{
    if !wait.wait {
        let out: Vec<SubmittedOut<'_>> = ops
            .iter()
            .map(|o| {
                let s = o.submitted();
                SubmittedOut {
                    op: s.op.as_str(),
                    task_id: s.task.as_ref().map(|t| t.as_str()),
                    target: s.target.as_ref(),
                }
            })
            .collect();
        return Ok(output::value(fmt, &out)?);
    }
    let results = wait_many(c, ops, wait, label).await;
    let mut ok = Vec::new();
    let mut failures = 0usize;
    let mut first: Option<omnivirt::Error> = None;
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(e) => {
                failures += 1;
                eprintln!("error: {e}");
                first.get_or_insert(e);
            }
        }
    }
    output::value(fmt, &ok)?;
    match first {
        None => Ok(()),
        Some(e) if failures == 1 && ok.is_empty() => Err(e.into()),
        Some(e) => Err(CliError::op(format!(
            "{failures} of {} operations failed; first: {e}",
            failures + ok.len()
        ))),
    }
}
