//! A Python venv holding a vendor's official SDK, made once under /tmp and never committed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs `cmd`, turning a failure to start or a non-zero exit into a message naming `what`.
pub fn status(cmd: &mut Command, what: &str) -> Result<(), String> {
    let st = cmd
        .status()
        .map_err(|e| format!("{what}: cannot run: {e}"))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("{what}: failed with {st}"))
    }
}

/// The venv's python, after creating the venv and installing `requirement` into it unless
/// `module` already imports there. `hint` says what the install needs when it fails.
pub fn ensure_venv(
    venv: &Path,
    module: &str,
    requirement: &str,
    hint: &str,
) -> Result<PathBuf, String> {
    let python = venv.join("bin").join("python");
    let ready = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ready {
        return Ok(python);
    }
    eprintln!("creating {} with {requirement}", venv.display());
    status(
        Command::new("python3").arg("-m").arg("venv").arg(venv),
        "python3 -m venv",
    )?;
    status(
        Command::new(&python).args(["-m", "pip", "install", "-q", requirement]),
        &format!("pip install {requirement} ({hint})"),
    )?;
    Ok(python)
}
