//! `cargo xtask bench e2e`: the `omnivirt` CLI against the vendor's official Python SDK, listing
//! the same simulated world, in one run.
//!
//! Builds the CLI in release mode, serves the vendor's skin (`omnivirt sim serve --vms N`) on
//! loopback, then alternates, `--runs` times each: `omnivirt vm list -o json` (output read and
//! thrown away) and the SDK's own listing call (`xtask/bench/sdk_list.py`). Each is a whole
//! process, measured for wall time and peak resident memory (`VmHWM`); the first run of each is
//! checked to see every VM. Prints the medians and the ratios.
//!
//! ```text
//! cargo xtask bench e2e --vendor ovirt [--vms 10000] [--runs 5] [--venv PATH]
//! ```
//!
//! The SDKs come from PyPI into a venv under /tmp (never committed), so this stays out of CI.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::python::{ensure_venv, status};

/// The usage line of `bench e2e`.
const USAGE: &str = "usage: cargo xtask bench e2e --vendor ovirt|cloudtower [--vms N (10000)] \
                     [--runs N (5)] [--venv PATH]";

/// One vendor's SDK: the module to import, the pip requirement, its sim user and default venv.
struct Sdk {
    module: &'static str,
    requirement: &'static str,
    hint: &'static str,
    user: &'static str,
    venv: &'static str,
}

fn sdk(vendor: &str) -> Result<Sdk, String> {
    match vendor {
        "ovirt" => Ok(Sdk {
            module: "ovirtsdk4",
            requirement: "ovirt-engine-sdk-python>=4.6,<4.7",
            hint: "needs gcc, libxml2-dev, libcurl4-openssl-dev, libssl-dev",
            user: "admin@internal",
            venv: "/tmp/omnivirt-ovirt-sdk-venv",
        }),
        "cloudtower" => Ok(Sdk {
            module: "cloudtower",
            requirement: "cloudtower-sdk==2.23.0",
            hint: "needs PyPI",
            user: "admin",
            venv: "/tmp/omnivirt-cloudtower-sdk-venv",
        }),
        other => Err(format!("unknown vendor `{other}`\n{USAGE}")),
    }
}

/// One whole-process measurement.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: Duration,
    peak_rss_kib: u64,
}

/// The peak resident set of a running process so far (`VmHWM`, KiB), `None` once it is gone.
fn high_water_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Samples the child's high-water mark every few milliseconds until it exits (the workspace
/// forbids `unsafe`, so no `wait4`); the last sample before exit is the peak to within what
/// the last few milliseconds allocated.
fn watch_peak(pid: u32) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut peak = 0;
        while let Some(kib) = high_water_kib(pid) {
            peak = peak.max(kib);
            std::thread::sleep(Duration::from_millis(2));
        }
        peak
    })
}

/// Runs `cmd` to the end, measured; returns its stdout when `keep` (else reads and drops it).
fn measure(cmd: &mut Command, keep: bool, what: &str) -> Result<(Sample, String), String> {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    // A zombie keeps its /proc entry until it is reaped, so the watcher sees the whole run.
    let peak = watch_peak(child.id());
    let mut out = child.stdout.take().ok_or("no stdout")?;
    let mut kept = String::new();
    if keep {
        out.read_to_string(&mut kept)
            .map_err(|e| format!("{what}: reading stdout: {e}"))?;
    } else {
        std::io::copy(&mut out, &mut std::io::sink())
            .map_err(|e| format!("{what}: reading stdout: {e}"))?;
    }
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let st = child.wait().map_err(|e| format!("{what}: wait: {e}"))?;
    let wall = started.elapsed();
    let peak_rss_kib = peak.join().unwrap_or(0);
    if !st.success() {
        return Err(format!("{what}: {st}: {}", err.trim()));
    }
    Ok((Sample { wall, peak_rss_kib }, kept))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The served simulator, stopped on drop.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(cli: &Path, vendor: &str, vms: u32) -> Result<(Served, String), String> {
    let mut child = Command::new(cli)
        .args(["sim", "serve", "--vendor", vendor, "--port", "0", "--vms"])
        .arg(vms.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", cli.display()))?;
    let out = child.stdout.take().ok_or("no stdout from sim serve")?;
    let served = Served(child);
    let mut line = String::new();
    BufReader::new(out)
        .read_line(&mut line)
        .map_err(|e| format!("reading sim serve: {e}"))?;
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .ok_or_else(|| format!("no URL in `{}`", line.trim()))?
        .to_owned();
    Ok((served, url))
}

/// Runs the benchmark; `args` are what follows `bench e2e`.
pub fn run(args: &[String]) -> Result<(), String> {
    let (mut vendor, mut vms, mut runs, mut venv) = (String::new(), 10_000u32, 5usize, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or(format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--vendor" => vendor = value()?,
            "--vms" => vms = value()?.parse().map_err(|e| format!("--vms: {e}"))?,
            "--runs" => runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--venv" => venv = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if runs == 0 {
        return Err(format!("--runs must be at least 1\n{USAGE}"));
    }
    let sdk = sdk(&vendor)?;
    let venv = venv.unwrap_or_else(|| PathBuf::from(sdk.venv));
    let python = ensure_venv(&venv, sdk.module, sdk.requirement, sdk.hint)?;
    let root = crate::root();
    status(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&root)
            .args(["build", "-q", "--release", "-p", "omnivirt-cli"]),
        "cargo build --release -p omnivirt-cli",
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let cli = target.join("release").join("omnivirt");
    let (_served, url) = serve(&cli, &vendor, vms)?;
    let script = root.join("xtask").join("bench").join("sdk_list.py");
    let ours = || {
        let mut c = Command::new(&cli);
        c.env("PW", "admin")
            .args(["--vendor", &vendor, "--url", &url, "--user", sdk.user])
            .args(["--password-env", "PW", "vm", "list", "-o", "json"]);
        c
    };
    let theirs = || {
        let mut c = Command::new(&python);
        c.arg(&script).args([&vendor, &url, sdk.user, "admin"]);
        c
    };
    // First runs check that both see the whole world (and warm the server up).
    let (_, listed) = measure(&mut ours(), true, "omnivirt vm list")?;
    let n_ours = serde_json::from_str::<serde_json::Value>(&listed)
        .map_err(|e| format!("omnivirt printed no JSON: {e}"))?
        .as_array()
        .map_or(0, Vec::len);
    let (_, counted) = measure(&mut theirs(), true, "sdk_list.py")?;
    let n_theirs: usize = counted.trim().parse().unwrap_or(0);
    if n_ours != vms as usize || n_theirs != vms as usize {
        return Err(format!(
            "expected {vms} VMs: omnivirt listed {n_ours}, the SDK {n_theirs}"
        ));
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        a.push(measure(&mut ours(), false, "omnivirt vm list")?.0);
        b.push(measure(&mut theirs(), false, "sdk_list.py")?.0);
    }
    let secs = |v: &[Sample]| median(v.iter().map(|s| s.wall.as_secs_f64()).collect());
    let mib = |v: &[Sample]| median(v.iter().map(|s| s.peak_rss_kib as f64 / 1024.0).collect());
    let (ta, tb, ma, mb) = (secs(&a), secs(&b), mib(&a), mib(&b));
    println!("bench e2e: list {vms} VMs from the {vendor} simulator, {runs} runs each, medians");
    println!("{:<28} {:>10} {:>14}", "", "wall (s)", "peak RSS (MiB)");
    println!("{:<28} {ta:>10.3} {ma:>14.1}", "omnivirt vm list -o json");
    println!(
        "{:<28} {tb:>10.3} {mb:>14.1}",
        format!("{} list", sdk.module)
    );
    println!(
        "omnivirt is {:.1}x faster and uses {:.1}x less memory",
        tb / ta.max(1e-9),
        mb / ma.max(1e-9)
    );
    Ok(())
}
