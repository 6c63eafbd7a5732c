//! Project automation: `cargo xtask <command>`.
//!
//! - `ci`: what CI checks — fmt, clippy (warnings denied), tests, docs (warnings denied), the
//!   fixtures audit and check, and the capability matrix being up to date.
//! - `codegen [VENDOR...] [--check]`: the vendor SDKs from their models (see `omnivirt-codegen`).
//! - `fuzz [TARGET...] [--seconds N]`: mutation fuzzing of every decoder (see `fuzz`).
//! - `load --vendor V [...]`: a load test against the vendor's simulator skin (see `load`).
//! - `bench e2e --vendor V [...]`: the CLI against the official Python SDK (see `bench_e2e`).
//! - `matrix [--check]`: `docs/capabilities.md` from each backend's declared capabilities.
//! - `fixtures audit|check [DIR]`: see `docs/fixtures.md`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench_e2e;
mod fixtures;
mod fuzz;
mod load;
mod matrix;
mod peers_cloudtower;
mod peers_ovirt;
mod python;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("codegen") => omnivirt_codegen::run(&args[1..], &root()),
        Some("fuzz") => fuzz::run(&args[1..], &root()),
        Some("fixtures") => fixtures::run(&args[1..]),
        Some("load") => load::run(&args[1..]),
        Some("bench") => match args.get(1).map(String::as_str) {
            Some("e2e") => bench_e2e::run(&args[2..]),
            _ => Err(format!("usage: cargo xtask bench e2e [OPTIONS]\n\n{USAGE}")),
        },
        Some("matrix") => matrix::run(&args[1..], &root()),
        Some("peers") => match args.get(1).map(String::as_str) {
            Some("ovirt") => peers_ovirt::run(&args[2..]),
            Some("cloudtower") => peers_cloudtower::run(&args[2..]),
            _ => Err(format!(
                "usage: cargo xtask peers ovirt|cloudtower [OPTIONS]\n\n{USAGE}"
            )),
        },
        Some("help") | Some("--help") | Some("-h") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown xtask command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <command>

commands:
  ci                      fmt check, clippy -D warnings, tests, docs -D warnings, fixtures audit,
                          capability matrix and generated code fresh, 5 s of fuzzing per target
  codegen [VENDOR] [--check]
                          write (or check) crates/*/src/generated from crates/*/model; when
                          xtask itself no longer builds: cargo run -p omnivirt-codegen
  fixtures audit [DIR]    fail on anything secret-looking in fixtures/ (default DIR: fixtures)
  fixtures check [DIR]    every cassette parses and carries its provenance
  fuzz [TARGET...] [--seconds N] [--seed S] [--list]
                          mutation-fuzz the decoders (default 10 s per target); a crash is
                          saved to fixtures/fuzz/TARGET/ and replayed by cargo test -p xtask
  load --vendor V [--concurrency N] [--requests N] [--vms N]
                          VM gets against the vendor's simulator skin on loopback: req/s,
                          p50/p99/max, errors (cargo run --release -p xtask -- load ...)
  bench e2e --vendor ovirt|cloudtower [--vms N] [--runs N] [--venv PATH]
                          the release CLI and the official Python SDK list the same served
                          world: wall time, peak memory, ratios (needs PyPI; not in CI)
  matrix [--check]        write docs/capabilities.md from each backend's Capabilities
  peers ovirt|cloudtower  run the vendor's official Python SDK against our simulator
                          (needs pip and, for oVirt, libxml2/libcurl/libssl dev headers)";

/// The workspace root (the parent of this crate's folder).
fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

fn cargo(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("xtask: cargo {}", args.join(" "));
    let status = Command::new(&cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"], &[])?;
    cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    cargo(&["test", "--workspace"], &[])?;
    cargo(
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    let fixtures_dir = root().join("fixtures");
    let dir = fixtures_dir.to_string_lossy().into_owned();
    fixtures::run(&["audit".to_owned(), dir.clone()])?;
    fixtures::run(&["check".to_owned(), dir])?;
    matrix::run(&["--check".to_owned()], &root())?;
    omnivirt_codegen::run(&["--check".to_owned()], &root())?;
    fuzz::run(
        &[
            "--seconds".to_owned(),
            "5".to_owned(),
            "--seed".to_owned(),
            "1".to_owned(),
        ],
        &root(),
    )?;
    Ok(())
}
