//! Command-line arguments. This is the contract scripts rely on: keep it stable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

/// Context names from the config file, for shell completion. Never fails: a missing or broken
/// config file completes nothing.
fn context_names() -> Vec<CompletionCandidate> {
    omnivirt::Config::load_located(None)
        .map(|c| {
            c.contexts
                .iter()
                .map(|(name, ctx)| {
                    CompletionCandidate::new(name).help(Some(ctx.vendor.to_string().into()))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Parser)]
#[command(
    name = "omnivirt",
    version,
    about = "Drive oVirt, SmartX CloudTower, ZStack and VeiL (and the embedded simulators) from one CLI",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub conn: ConnArgs,

    /// Output format (default: table on a terminal, json otherwise).
    #[arg(short = 'o', long = "output", global = true, value_enum)]
    pub output: Option<OutputFormat>,

    /// More logging on stderr (-v info, -vv debug).
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args, Default)]
pub struct ConnArgs {
    /// Context from the config file (default: $OMNIVIRT_CONTEXT, then the current context).
    /// List commands take several, comma-separated (`--context lab,prod`), and add a `context`
    /// field to each object.
    #[arg(long, global = true, conflicts_with = "vendor", add = ArgValueCandidates::new(context_names))]
    pub context: Option<String>,

    /// List commands: every context in the config file, as one listing (adds a `context` field).
    #[arg(long, global = true, conflicts_with_all = ["vendor", "context"])]
    pub all_contexts: bool,

    /// Ad hoc connection: the vendor (ovirt, cloudtower, zstack, veil, sim). With `sim serve`:
    /// the vendor skin to serve.
    #[arg(long, global = true, value_parser = ["ovirt", "cloudtower", "zstack", "veil", "sim"])]
    pub vendor: Option<String>,

    /// Ad hoc connection: API URL (plain http:// works for simulators and test servers).
    #[arg(long, global = true)]
    pub url: Option<String>,

    /// Ad hoc connection: user name.
    #[arg(long, global = true)]
    pub user: Option<String>,

    /// Ad hoc connection: environment variable holding the password.
    #[arg(long, global = true, value_name = "VAR")]
    pub password_env: Option<String>,

    /// Ad hoc connection: environment variable holding a token.
    #[arg(long, global = true, value_name = "VAR")]
    pub token_env: Option<String>,

    /// Extra CA bundle (PEM) to trust.
    #[arg(long, global = true, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,

    /// Skip TLS certificate verification (prints a one-line warning on stderr).
    #[arg(long, global = true)]
    pub insecure: bool,

    /// Limit for one HTTP request attempt, e.g. 30s or 2m (overrides the context's
    /// `request-timeout`; default 60s).
    #[arg(long, global = true, value_name = "DUR", value_parser = humantime::parse_duration)]
    pub request_timeout: Option<std::time::Duration>,

    /// Config file (default: $OMNIVIRT_CONFIG, then $XDG_CONFIG_HOME/omnivirt/config.toml, then
    /// ~/.config/omnivirt/config.toml). A file named here or in $OMNIVIRT_CONFIG must exist.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Virtual machines.
    #[command(subcommand)]
    Vm(VmCmd),
    /// Hypervisor hosts.
    #[command(subcommand)]
    Host(HostCmd),
    /// Clusters.
    #[command(subcommand)]
    Cluster(ClusterCmd),
    /// Virtual disks.
    #[command(subcommand)]
    Disk(DiskCmd),
    /// Asynchronous tasks.
    #[command(subcommand)]
    Task(TaskCmd),
    /// The platform's event log: list it, or watch it as events happen.
    #[command(subcommand)]
    Event(EventCmd),
    /// Templates, images and ISOs that VMs are created from.
    #[command(subcommand)]
    Template(InventoryCmd),
    /// Networks VMs connect to.
    #[command(subcommand)]
    Network(InventoryCmd),
    /// Storage pools (storage domains, datastores, primary storage, data pools).
    #[command(subcommand)]
    Storage(InventoryCmd),
    /// What the connected backend can do.
    Capabilities,
    /// Every operation of the vendor's own API, from its model (`api list`, `api describe NAME`,
    /// `api call NAME [NAME=VALUE ...]`).
    #[command(subcommand)]
    Api(ApiCmd),
    /// Named connections in the config file.
    #[command(subcommand)]
    Context(ContextCmd),
    /// Print shell completions.
    Completions {
        /// Shell (bash, zsh, fish, powershell, elvish).
        shell: clap_complete::Shell,
    },
    /// The embedded vendor simulators.
    #[command(subcommand)]
    Sim(SimCmd),
    /// Start every compiled-in simulator and run one scenario against each, side by side.
    Demo(DemoArgs),
}

#[derive(Debug, Subcommand)]
pub enum ApiCmd {
    /// One entry per operation (name, method, path); needs only --vendor or a context and sends
    /// no request.
    List {
        /// Only operations whose name or path contains this text (case-insensitive).
        filter: Option<String>,
    },
    /// The parameters (name, in, type, required) and result type of one operation; sends no
    /// request.
    Describe {
        /// Operation name, as `api list` prints it.
        name: String,
    },
    /// Run one operation and print its result as JSON with the vendor's own field names.
    Call {
        /// Operation name, as `api list` prints it.
        name: String,
        /// NAME=VALUE: a path variable, query parameter or top-level body field (VALUE is JSON
        /// when it parses as JSON, else a string).
        #[arg(value_name = "NAME=VALUE")]
        args: Vec<String>,
        /// The whole request body as JSON, or @FILE to read it from a file (`@-`: stdin).
        #[arg(long, value_name = "JSON|@FILE")]
        body: Option<String>,
        /// Return as soon as the server accepts an asynchronous operation (do not follow its
        /// task or job).
        #[arg(long)]
        no_wait: bool,
    },
}

#[derive(Debug, Clone, Args, Default)]
pub struct ListArgs {
    /// Only names containing this text.
    #[arg(long)]
    pub name_contains: Option<String>,
    /// Only objects in this neutral state (e.g. running, stopped, up).
    #[arg(long)]
    pub state: Option<String>,
    /// Only objects in this cluster.
    #[arg(long)]
    pub cluster: Option<String>,
    /// Only objects on this host.
    #[arg(long)]
    pub host: Option<String>,
    /// Stop after this many objects (also the page size asked for, when smaller than the
    /// vendor's and the server applies every filter).
    #[arg(long)]
    pub limit: Option<u64>,
    /// Objects per request (1-1000; the default is the vendor's, see docs/cli.md).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Wait until the operation is done.
    #[arg(long)]
    pub wait: bool,
    /// How long to wait (e.g. 30s, 5m).
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration)]
    pub timeout: std::time::Duration,
}

#[derive(Debug, Subcommand)]
pub enum VmCmd {
    /// List VMs.
    List(ListArgs),
    /// Show one VM.
    Get { id: String },
    /// Create a VM.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        cluster: String,
        /// Clone from this template or image (id or name).
        #[arg(long, visible_alias = "image")]
        template: Option<String>,
        /// Virtual CPUs (at least 1).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        vcpus: Option<u32>,
        /// Memory in binary units: 4G = 4GiB = 4 x 1024^3 bytes; also M/MiB, K/KiB, T/TiB, or
        /// plain bytes.
        #[arg(long)]
        memory: Option<String>,
        /// A NIC on this network (id or name); repeat for more, in order. Without it the
        /// vendor's default applies.
        #[arg(long = "network", value_name = "NET")]
        networks: Vec<String>,
        /// Storage pool for its disks (id or name).
        #[arg(long, value_name = "POOL")]
        storage: Option<String>,
        /// Cloud-init user data from a file (`@FILE`, or `@-` for stdin); never printed.
        #[arg(long, value_name = "@FILE")]
        user_data: Option<String>,
        /// A tag to put on the VM; repeat for more.
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Power on.
    Start(PowerArgs),
    /// Shut down (with --force: power off).
    Stop(PowerArgs),
    /// Restart.
    Reboot(PowerArgs),
    /// Suspend.
    Suspend(PowerArgs),
    /// Resume.
    Resume(PowerArgs),
    /// Delete.
    Delete(PowerArgs),
    /// Live-migrate.
    Migrate {
        id: String,
        /// Target host (default: the scheduler decides).
        #[arg(long)]
        host: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Change name, description, CPUs or memory (CPU/memory of a running VM may apply only at
    /// its next power cycle).
    Update {
        id: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New number of virtual CPUs (at least 1).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        vcpus: Option<u32>,
        /// New memory in binary units, like `vm create --memory` (4G = 4GiB).
        #[arg(long)]
        memory: Option<String>,
        /// New description.
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Copy a VM into a new one.
    Clone {
        id: String,
        /// Name of the copy.
        #[arg(long)]
        name: String,
        /// Cluster for the copy (default: the source's).
        #[arg(long)]
        cluster: Option<String>,
        /// Storage pool for the copy's disks (default: where the source's are).
        #[arg(long)]
        storage: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// How to reach the VM's screen (protocol, host, ports, URL); the ticket shows as ***.
    Console {
        id: String,
        /// Print the one-time ticket itself (anyone who sees it can open the console).
        #[arg(long)]
        show_ticket: bool,
    },
    /// Network interfaces.
    #[command(subcommand)]
    Nic(NicCmd),
    /// Snapshots.
    #[command(subcommand)]
    Snapshot(SnapshotCmd),
}

#[derive(Debug, Subcommand)]
pub enum NicCmd {
    /// A VM's network interfaces.
    List { vm: String },
    /// Plug a new interface into a network.
    Add {
        vm: String,
        /// The network to plug it into.
        #[arg(long)]
        network: String,
        /// Interface name, where the vendor takes one.
        #[arg(long)]
        name: Option<String>,
        /// Device model (virtio, e1000...), where the vendor takes one.
        #[arg(long)]
        model: Option<String>,
        /// A fixed MAC address (default: the platform picks one).
        #[arg(long)]
        mac: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Remove an interface.
    Remove {
        vm: String,
        nic: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCmd {
    /// A VM's snapshots.
    List { vm: String },
    /// Take a snapshot.
    Create {
        vm: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        /// Save the memory of the running VM too.
        #[arg(long)]
        memory: bool,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Revert the VM to a snapshot.
    Revert {
        vm: String,
        snapshot: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Delete a snapshot.
    Delete {
        vm: String,
        snapshot: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum EventCmd {
    /// Events, newest first.
    List {
        /// Only events since then: a duration before now (10m, 2h, 1d) or an RFC 3339 time.
        #[arg(long, value_name = "DUR|TIME")]
        since: Option<String>,
        /// Stop after this many events.
        #[arg(long)]
        limit: Option<u64>,
        /// Only events about this VM.
        #[arg(long)]
        vm: Option<String>,
    },
    /// Print new events as they happen, oldest first, until Ctrl-C.
    Watch {
        /// Start with the events since then (10m, 2h, 1d or an RFC 3339 time); default: only
        /// what happens from now on.
        #[arg(long, value_name = "DUR|TIME")]
        since: Option<String>,
        /// Only events about this VM.
        #[arg(long)]
        vm: Option<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct PowerArgs {
    /// VM ids.
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Hard power off (`vm stop` only; a usage error elsewhere).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Subcommand)]
pub enum HostCmd {
    /// List hosts.
    List(ListArgs),
    /// One host.
    Get { id: String },
    /// Maintenance mode (entering moves the host's VMs away where the vendor does that).
    #[command(subcommand)]
    Maintenance(MaintenanceCmd),
}

#[derive(Debug, Subcommand)]
pub enum MaintenanceCmd {
    /// Put the host into maintenance.
    Enter {
        id: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Bring the host back from maintenance.
    Exit {
        id: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClusterCmd {
    /// List clusters.
    List(ListArgs),
    /// One cluster.
    Get { id: String },
}

/// `template`, `network` and `storage`: list and get.
#[derive(Debug, Subcommand)]
pub enum InventoryCmd {
    /// List them (--name-contains, --name and, for networks and storage, --cluster apply).
    List(ListArgs),
    /// One, by id.
    Get { id: String },
}

#[derive(Debug, Subcommand)]
pub enum DiskCmd {
    /// One disk.
    Get { id: String },
    /// List disks.
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only disks attached to this VM.
        #[arg(long)]
        vm: Option<String>,
    },
    /// Create a disk.
    Create {
        #[arg(long)]
        name: String,
        /// Size in binary units: 10G = 10GiB = 10 x 1024^3 bytes; also M/MiB, K/KiB, T/TiB,
        /// or plain bytes.
        #[arg(long)]
        size: String,
        #[arg(long)]
        cluster: Option<String>,
        /// Vendor storage location (storage domain, pool...).
        #[arg(long)]
        storage: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Attach a disk to a VM.
    Attach {
        disk: String,
        vm: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Detach a disk from a VM.
    Detach {
        disk: String,
        vm: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Delete a disk.
    Delete {
        disk: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum TaskCmd {
    /// Show one task.
    Get { id: String },
    /// Wait for tasks to finish.
    Wait {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long, default_value = "10m", value_parser = humantime::parse_duration)]
        timeout: std::time::Duration,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContextCmd {
    /// List contexts.
    List,
    /// Make a context current.
    Use {
        #[arg(add = ArgValueCandidates::new(context_names))]
        name: String,
    },
    /// Show a context (default: the current one). Secrets are shown only by where they come from.
    Show {
        #[arg(add = ArgValueCandidates::new(context_names))]
        name: Option<String>,
    },
    /// Add a context from the connection flags (--vendor, --url, --user, --password-env,
    /// --token-env, --ca-file, --insecure, --request-timeout).
    Add {
        name: String,
        /// Replace a context of the same name.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TickArg {
    PerPoll,
    Wall,
}

#[derive(Debug, Subcommand)]
pub enum SimCmd {
    /// Serve a vendor skin over HTTP for any client (pick it with the global --vendor; default
    /// sim).
    Serve {
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Port (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// How many VMs to seed.
        #[arg(long, default_value_t = 24)]
        vms: usize,
        /// How tasks advance: per poll (deterministic) or by wall clock.
        #[arg(long, value_enum, default_value = "wall")]
        tick: TickArg,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Seed of the simulated inventories.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// VMs per simulated inventory.
    #[arg(long, default_value_t = 40)]
    pub vms: usize,
}
