//! `omnivirt`: one command line for every supported virtualization platform.
//!
//! Exit codes: 0 success, 1 an operation failed, 2 usage or configuration error.

mod api;
mod args;
mod demo;
mod output;
mod run;
mod simserve;
mod size;

use std::io::IsTerminal;

use clap::{CommandFactory, Parser};

use args::{Cli, Command};
use run::CliError;

/// The environment variable through which the shell asks `omnivirt` for completions.
const COMPLETE_ENV: &str = "OMNIVIRT_COMPLETE";

fn main() {
    // A completion request from the shell script `omnivirt completions SHELL` installed: answer
    // (subcommands, flags, vendor names, context names from the config file) and exit.
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_ENV)
        .complete();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => usage_exit(e),
    };
    init_tracing(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = match runtime.block_on(dispatch(cli)) {
        Ok(()) => 0,
        Err(CliError { code, message }) => {
            eprintln!("error: {message}");
            code
        }
    };
    std::process::exit(code);
}

async fn dispatch(cli: Cli) -> Result<(), CliError> {
    let fmt = output::resolve(cli.output);
    match cli.command {
        Command::Completions { shell } => completions(shell),
        Command::Sim(args::SimCmd::Serve {
            host,
            port,
            seed,
            vms,
            tick,
        }) => {
            let vendor = cli.conn.vendor.as_deref().unwrap_or("sim");
            simserve::serve(vendor, &host, port, seed, vms, tick).await
        }
        Command::Demo(a) => demo::run(a).await,
        Command::Api(cmd) => api::run(cmd, &cli.conn, fmt).await,
        other => run::run(other, cli.conn, fmt).await,
    }
}

/// Prints the shell's registration script. The script calls `omnivirt` back on each TAB (with
/// `OMNIVIRT_COMPLETE` set), so completions know the config file's context names.
fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let name = shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(&name)
        .ok_or_else(|| CliError::usage(format!("no completion support for {name}")))?;
    let mut out = Vec::new();
    completer
        .write_registration(COMPLETE_ENV, "omnivirt", "omnivirt", "omnivirt", &mut out)
        .map_err(|e| CliError::op(format!("cannot write the completion script: {e}")))?;
    use std::io::Write;
    std::io::stdout()
        .write_all(&out)
        .map_err(|e| CliError::op(format!("cannot write the completion script: {e}")))
}

/// A command line clap refused: help and version as clap prints them, anything else as one
/// `error: invalid_input: ...` line and exit 2.
fn usage_exit(e: clap::Error) -> ! {
    use clap::error::ErrorKind as K;
    if matches!(
        e.kind(),
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit()
    }
    let text = e.render().to_string();
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid command line");
    let first = first.strip_prefix("error:").unwrap_or(first).trim();
    eprintln!("error: invalid_input: {first} (see --help)");
    std::process::exit(2)
}

/// Colour on stderr only on a terminal, and never when `NO_COLOR` is set (to anything but "").
fn stderr_colour() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stderr().is_terminal()
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let env = std::env::var("OMNIVIRT_LOG").unwrap_or_default();
    let mut filter = tracing_subscriber::EnvFilter::try_new(&env)
        .ok()
        .filter(|_| !env.is_empty())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new(default));
    // The CLI prints its own one-line `--insecure` warning whatever the log level; the
    // library's log line would repeat it.
    if !env.contains("omnivirt_http::tls")
        && let Ok(d) = "omnivirt_http::tls=error".parse()
    {
        filter = filter.add_directive(d);
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(stderr_colour())
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
