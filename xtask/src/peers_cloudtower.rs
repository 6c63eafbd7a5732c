//! `cargo xtask peers cloudtower`: SmartX's official Python SDK (`cloudtower-sdk` 2.23.0 from
//! PyPI) against the simulator's CloudTower skin on loopback.
//!
//! The work is done by `crates/cloudtower/peers/run_official_sdk_check.sh` (a venv under /tmp,
//! `pip install cloudtower-sdk==2.23.0`, the `sim_server` example on 127.0.0.1, then
//! `official_sdk_check.py`); this wrapper runs it from the workspace root and reports its exit.
//! Needs `python3` with `venv` and access to PyPI on the first run.

use std::path::PathBuf;
use std::process::Command;

/// Runs the check. `args` are passed to the script's environment as `CT_VENV=<path>` when given
/// as `--venv <path>`.
pub fn run(args: &[String]) -> Result<(), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .ok_or("xtask has no parent directory")?;
    let script = root.join("crates/cloudtower/peers/run_official_sdk_check.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(&script).current_dir(&root);
    if let Some(i) = args.iter().position(|a| a == "--venv") {
        let path = args
            .get(i + 1)
            .ok_or("--venv needs a path (for example /tmp/ct-venv)")?;
        cmd.env("CT_VENV", path);
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the official CloudTower SDK check failed ({status})"
        ))
    }
}
