//! Runs a parsed command.

mod day2;
mod events;
mod finish;
mod fleet;
mod inventory;
mod resolve;

use std::time::Duration;

use omnivirt::{
    Client, ClusterId, Config, Context, DiskId, DiskSpec, ErrorKind, HostId, ListQuery, NicSpec,
    PowerAction, TaskId, Vendor, VmId, VmSpec,
};
use omnivirt_core::{DiskState, HostState, VmState};

use crate::args::{
    ClusterCmd, Command, ConnArgs, ContextCmd, DiskCmd, EventCmd, HostCmd, ListArgs, OutputFormat,
    PowerArgs, TaskCmd, VmCmd, WaitArgs,
};
use crate::output;
use crate::size::parse_size;
pub use finish::Reporter;
use finish::{finish_ids, finish_one};

/// How long closing the client (logging out) may take before the CLI exits anyway.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// An error the CLI reports: one line, and an exit code (1 operation, 2 usage).
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl CliError {
    /// Bad input on the command line: exit 2, kind `invalid_input`.
    pub fn usage(msg: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: format!("invalid_input: {}", msg.into()),
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
    Ok((name, with_overrides(ctx.clone(), conn)))
}

/// A context from the config file with the flags that override it (`--insecure`, `--ca-file`,
/// `--request-timeout`) applied.
fn with_overrides(mut ctx: Context, conn: &ConnArgs) -> Context {
    if conn.insecure {
        ctx = ctx.insecure(true);
    }
    if let Some(ca) = &conn.ca_file {
        ctx = ctx.ca_file(ca);
    }
    if let Some(d) = conn.request_timeout {
        ctx = ctx.request_timeout(d);
    }
    ctx
}

async fn client(conn: &ConnArgs) -> CliResult<Client> {
    let (_, ctx) = resolve_context(conn)?;
    if ctx.is_insecure() {
        eprintln!("{}", insecure_warning());
    }
    Ok(omnivirt::connect(&ctx).await?)
}

/// The one line printed whenever TLS certificates are not checked.
pub fn insecure_warning() -> &'static str {
    "warning: TLS certificate verification is disabled (insecure); anyone on the network path \
     can read and change this traffic"
}

fn query(args: &ListArgs, kind: Kind) -> CliResult<ListQuery> {
    let mut q = ListQuery::new();
    if let Some(n) = args.page_size {
        q = q.page_size(n);
    }
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
            Kind::Template | Kind::Network | Kind::Storage => {
                return Err(CliError::usage(format!(
                    "--state does not apply to `{} list`",
                    kind.noun()
                )));
            }
        };
    }
    if let Some(c) = &args.cluster {
        if matches!(kind, Kind::Cluster | Kind::Template) {
            return Err(CliError::usage(format!(
                "--cluster does not apply to `{} list`",
                kind.noun()
            )));
        }
        q = q.cluster(c.as_str());
    }
    if let Some(h) = &args.host {
        match kind {
            Kind::Vm => {}
            Kind::Host => return Err(CliError::usage("--host does not apply to `host list`")),
            Kind::Cluster => {
                return Err(CliError::usage("--host does not apply to `cluster list`"));
            }
            Kind::Disk => return Err(CliError::usage("--host does not apply to `disk list`")),
            Kind::Template | Kind::Network | Kind::Storage => {
                return Err(CliError::usage(format!(
                    "--host does not apply to `{} list`",
                    kind.noun()
                )));
            }
        }
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
    Template,
    Network,
    Storage,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Vm => "vm",
            Kind::Host => "host",
            Kind::Cluster => "cluster",
            Kind::Disk => "disk",
            Kind::Template => "template",
            Kind::Network => "network",
            Kind::Storage => "storage",
        }
    }
}

/// Runs every command that talks to a backend or the config file. A client is closed (its
/// server session ended) however the command ends: success, error or Ctrl-C.
pub async fn run(command: Command, conn: ConnArgs, fmt: OutputFormat) -> CliResult {
    let command = match command {
        Command::Context(cmd) => return context(cmd, &conn, fmt),
        Command::Completions { .. } | Command::Sim(_) | Command::Demo(_) | Command::Api(_) => {
            return Err(CliError::usage(
                "internal: this command is handled before connecting",
            ));
        }
        other => other,
    };
    check_flags(&command)?;
    if let Some(names) = fleet::selected(&conn)? {
        return fleet::run(names, &command, &conn, fmt).await;
    }
    // `event watch` runs until stopped: Ctrl-C is how it ends, not an interruption.
    let endless = matches!(command, Command::Event(EventCmd::Watch { .. }));
    let c = client(&conn).await?;
    let result = tokio::select! {
        r = with_client(&c, command, fmt) => r,
        _ = tokio::signal::ctrl_c() => if endless {
            Ok(())
        } else {
            Err(CliError { code: 130, message: "interrupted".into() })
        },
    };
    match tokio::time::timeout(CLOSE_TIMEOUT, c.close()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!("could not log out: {e}"),
        Err(_) => tracing::warn!("logging out took longer than {CLOSE_TIMEOUT:?}; gave up"),
    }
    result
}

/// Flags that parse but do not apply to the command, and values that cannot work: usage errors
/// before connecting.
fn check_flags(command: &Command) -> CliResult {
    match command {
        Command::Vm(VmCmd::Update {
            name,
            vcpus,
            memory,
            description,
            ..
        }) => {
            day2::vm_update(
                name.as_deref(),
                *vcpus,
                memory.as_deref(),
                description.as_deref(),
            )?;
        }
        Command::Vm(VmCmd::Clone {
            name,
            cluster,
            storage,
            ..
        }) => {
            day2::clone_spec(name.clone(), cluster.clone(), storage.clone())?;
        }
        Command::Event(cmd) => {
            events::query(cmd)?;
        }
        Command::Vm(VmCmd::Create {
            user_data: Some(u), ..
        }) if !u.starts_with('@') => {
            user_data_from(u)?;
        }
        _ => {}
    }
    if let Command::Vm(cmd) = command {
        let forced = match cmd {
            VmCmd::Start(a)
            | VmCmd::Reboot(a)
            | VmCmd::Suspend(a)
            | VmCmd::Resume(a)
            | VmCmd::Delete(a) => a.force.then_some(cmd),
            _ => None,
        };
        if forced.is_some() {
            return Err(CliError::usage(
                "--force applies only to `vm stop` (no vendor has a forced start, reboot, \
                 suspend, resume or delete)",
            ));
        }
    }
    Ok(())
}

async fn with_client(c: &Client, mut command: Command, fmt: OutputFormat) -> CliResult {
    resolve::names(c, &mut command).await?;
    match command {
        Command::Vm(cmd) => vm(c, cmd, fmt).await,
        Command::Host(HostCmd::Get { id }) => {
            Ok(output::one(fmt, &c.hosts().get(&HostId::new(id)).await?)?)
        }
        Command::Host(HostCmd::Maintenance(cmd)) => day2::maintenance(c, cmd, fmt).await,
        Command::Event(cmd) => events::run(c, cmd, fmt).await,
        Command::Cluster(ClusterCmd::Get { id }) => Ok(output::one(
            fmt,
            &c.clusters().get(&ClusterId::new(id)).await?,
        )?),
        Command::Template(cmd) => inventory::templates(c, cmd, fmt).await,
        Command::Network(cmd) => inventory::networks(c, cmd, fmt).await,
        Command::Storage(cmd) => inventory::storage(c, cmd, fmt).await,
        Command::Host(HostCmd::List(a)) => {
            let q = query(&a, Kind::Host)?;
            Ok(output::stream(fmt, c.hosts().list(q)).await?)
        }
        Command::Cluster(ClusterCmd::List(a)) => {
            let q = query(&a, Kind::Cluster)?;
            Ok(output::stream(fmt, c.clusters().list(q)).await?)
        }
        Command::Disk(cmd) => disk(c, cmd, fmt).await,
        Command::Task(cmd) => task(c, cmd, fmt).await,
        Command::Capabilities => Ok(output::capabilities(fmt, c.vendor(), c.capabilities())?),
        Command::Context(_)
        | Command::Completions { .. }
        | Command::Sim(_)
        | Command::Demo(_)
        | Command::Api(_) => Err(CliError::usage(
            "internal: this command is handled before connecting",
        )),
    }
}

async fn vm(c: &Client, cmd: VmCmd, fmt: OutputFormat) -> CliResult {
    match cmd {
        VmCmd::List(a) => Ok(output::stream(fmt, c.vms().list(query(&a, Kind::Vm)?)).await?),
        VmCmd::Get { id } => Ok(output::one(fmt, &c.vms().get(&VmId::new(id)).await?)?),
        VmCmd::Create {
            name,
            cluster,
            template,
            vcpus,
            memory,
            networks,
            storage,
            user_data,
            tags,
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
            for n in networks {
                spec = spec.network(NicSpec::new(n));
            }
            if let Some(s) = storage {
                spec = spec.storage(s);
            }
            if let Some(u) = user_data {
                spec = spec.user_data(user_data_from(&u)?);
            }
            for t in tags {
                spec = spec.tag(t);
            }
            let op = c.vms().create(&spec).await?;
            finish_one(op, &wait, fmt, "vm create").await
        }
        VmCmd::Start(a) => power(c, a, PowerAction::Start, fmt).await,
        VmCmd::Stop(a) => {
            let action = if a.force {
                PowerAction::ForceStop
            } else {
                PowerAction::Stop
            };
            power(c, a, action, fmt).await
        }
        VmCmd::Reboot(a) => power(c, a, PowerAction::Reboot, fmt).await,
        VmCmd::Suspend(a) => power(c, a, PowerAction::Suspend, fmt).await,
        VmCmd::Resume(a) => power(c, a, PowerAction::Resume, fmt).await,
        VmCmd::Delete(a) => {
            let mut subs = Vec::new();
            for id in a.ids {
                let r = c.vms().delete(&VmId::new(id.as_str())).await;
                subs.push((id, r));
            }
            finish_ids(c, subs, &a.wait, fmt, "vm delete").await
        }
        VmCmd::Migrate { id, host, wait } => {
            let host = host.map(HostId::new);
            let op = c.vms().migrate(&VmId::new(id), host.as_ref()).await?;
            finish_one(op, &wait, fmt, "vm migrate").await
        }
        VmCmd::Update {
            id,
            name,
            vcpus,
            memory,
            description,
            wait,
        } => {
            let u = day2::vm_update(
                name.as_deref(),
                vcpus,
                memory.as_deref(),
                description.as_deref(),
            )?;
            day2::update(c, id, &u, &wait, fmt).await
        }
        VmCmd::Clone {
            id,
            name,
            cluster,
            storage,
            wait,
        } => {
            let spec = day2::clone_spec(name, cluster, storage)?;
            day2::clone(c, id, &spec, &wait, fmt).await
        }
        VmCmd::Console { id, show_ticket } => day2::console(c, id, show_ticket, fmt).await,
        VmCmd::Nic(cmd) => day2::nic(c, cmd, fmt).await,
        VmCmd::Snapshot(cmd) => day2::snapshot(c, cmd, fmt).await,
    }
}

/// `--user-data @FILE` (or `@-`): the text, read once. Inline text is refused: user data holds
/// passwords and keys, which do not belong in the shell history or the process list.
fn user_data_from(arg: &str) -> CliResult<String> {
    let Some(at) = arg.strip_prefix('@') else {
        return Err(CliError::usage(
            "--user-data takes @FILE or @- (stdin), not inline text, to keep it out of the \
             shell history and the process list",
        ));
    };
    Ok(crate::api::read_at("--user-data", at)?.1)
}

async fn power(c: &Client, a: PowerArgs, action: PowerAction, fmt: OutputFormat) -> CliResult {
    let mut subs = Vec::new();
    for id in a.ids {
        let r = c.vms().power(&VmId::new(id.as_str()), action).await;
        subs.push((id, r));
    }
    finish_ids(c, subs, &a.wait, fmt, action.op().as_str()).await
}

async fn disk(c: &Client, cmd: DiskCmd, fmt: OutputFormat) -> CliResult {
    match cmd {
        DiskCmd::Get { id } => Ok(output::one(fmt, &c.disks().get(&DiskId::new(id)).await?)?),
        DiskCmd::List { list, vm } => {
            let mut q = query(&list, Kind::Disk)?;
            if let Some(v) = vm {
                q = q.vm(v);
            }
            Ok(output::stream(fmt, c.disks().list(q)).await?)
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
            let r = c.disks().delete(&DiskId::new(disk.as_str())).await;
            finish_ids(c, vec![(disk, r)], &wait, fmt, "disk delete").await
        }
    }
}

async fn task(c: &Client, cmd: TaskCmd, fmt: OutputFormat) -> CliResult {
    match cmd {
        TaskCmd::Get { id } => Ok(output::one(fmt, &c.tasks().get(&TaskId::new(id)).await?)?),
        TaskCmd::Wait { ids, timeout } => {
            let subs: Vec<_> = ids
                .into_iter()
                .map(|id| {
                    let op = c.tasks().follow(id.as_str());
                    (id, Ok(op))
                })
                .collect();
            let wait = WaitArgs {
                wait: true,
                timeout,
            };
            finish_ids(c, subs, &wait, fmt, "task wait").await
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
