//! `omnivirt`: one command line for every supported virtualization platform.
//!
//! Exit codes: 0 success, 1 an operation failed, 2 usage or configuration error.

mod args;
mod demo;
mod output;
mod run;
mod simserve;
mod size;

use clap::{CommandFactory, Parser};

use args::{Cli, Command};
use run::CliError;

fn main() {
    let cli = Cli::parse();
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
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "omnivirt", &mut std::io::stdout());
            Ok(())
        }
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
        other => run::run(other, cli.conn, fmt).await,
    }
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("OMNIVIRT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
