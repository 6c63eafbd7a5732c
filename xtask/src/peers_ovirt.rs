//! `cargo xtask peers ovirt`: the official ovirt-engine-sdk-python against the simulator.
//!
//! Creates (once) a Python venv with `ovirt-engine-sdk-python` 4.6.x, starts the oVirt skin of
//! the simulator on loopback (`crates/ovirt/examples/serve_sim.rs`), runs
//! `crates/ovirt/peers/python_sdk_check.py` against it and stops the server. The SDK builds a C
//! extension and pycurl: it needs a C compiler, `libxml2-dev`, `libcurl4-openssl-dev` and
//! `libssl-dev` (Debian names), which is why this check is not part of `.ci/run`.
//!
//! Options: `--venv PATH` (default `$OVIRT_SDK_VENV` or `/tmp/omnivirt-ovirt-sdk-venv`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SDK: &str = "ovirt-engine-sdk-python>=4.6,<4.7";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs the check; `args` are what follows `peers ovirt`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut venv = std::env::var_os("OVIRT_SDK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/omnivirt-ovirt-sdk-venv"));
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--venv" => venv = PathBuf::from(it.next().ok_or("--venv needs a path")?),
            other => return Err(format!("unknown option `{other}` (known: --venv PATH)")),
        }
    }
    let python = crate::python::ensure_venv(
        &venv,
        "ovirtsdk4",
        SDK,
        "needs gcc, libxml2-dev, libcurl4-openssl-dev, libssl-dev",
    )?;
    let root = root();
    crate::python::status(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&root)
            .args([
                "build",
                "-q",
                "-p",
                "omnivirt-ovirt",
                "--example",
                "serve_sim",
            ]),
        "cargo build --example serve_sim",
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let server_bin = target.join("debug").join("examples").join("serve_sim");
    let mut server = Command::new(&server_bin)
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", server_bin.display()))?;
    let url = {
        let out = server.stdout.take().ok_or("no stdout from serve_sim")?;
        let mut line = String::new();
        BufReader::new(out)
            .read_line(&mut line)
            .map_err(|e| format!("reading serve_sim: {e}"))?;
        line.trim()
            .strip_prefix("listening on ")
            .map(str::to_owned)
            .ok_or_else(|| format!("unexpected first line from serve_sim: `{}`", line.trim()))
    };
    let result = url.and_then(|url| {
        crate::python::status(
            Command::new(&python)
                .arg(root.join("crates/ovirt/peers/python_sdk_check.py"))
                .arg(&url),
            "python_sdk_check.py",
        )
    });
    let _ = server.kill();
    let _ = server.wait();
    result
}
