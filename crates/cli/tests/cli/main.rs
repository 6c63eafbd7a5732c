//! The CLI contract (docs/cli.md), tested through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command as StdCommand, Stdio};

use assert_cmd::Command;
use serde_json::Value;

fn omnivirt() -> Command {
    let mut c = Command::cargo_bin("omnivirt").unwrap();
    // Never read the developer's own config or context: the default path points nowhere.
    c.env_remove("OMNIVIRT_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent/omnivirt-xdg")
        .env_remove("OMNIVIRT_CONTEXT")
        .env_remove("RUST_BACKTRACE");
    c
}

fn sim() -> Command {
    let mut c = omnivirt();
    c.args(["--vendor", "sim"]);
    c
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}", String::from_utf8_lossy(out));
    })
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn vm_list_json_has_every_contract_field_and_nulls() {
    let out = sim().args(["vm", "list", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v = json(&out.stdout);
    let vms = v.as_array().unwrap();
    assert_eq!(vms.len(), 20, "the default simulated world has 20 VMs");
    for vm in vms {
        for key in [
            "id",
            "name",
            "state",
            "raw_state",
            "vcpus",
            "memory_bytes",
            "cluster_id",
            "host_id",
        ] {
            assert!(vm.get(key).is_some(), "missing {key} in {vm}");
        }
    }
    let stopped = vms.iter().find(|v| v["state"] == "stopped").unwrap();
    assert!(stopped["host_id"].is_null(), "absent values are null");
}

#[test]
fn page_size_changes_the_requests_not_the_listing() {
    let ids = |extra: &[&str]| -> Vec<Value> {
        let out = sim()
            .args(["vm", "list", "-o", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        json(&out.stdout)
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].clone())
            .collect()
    };
    let all = ids(&[]);
    assert_eq!(all.len(), 20);
    assert_eq!(
        ids(&["--page-size", "3"]),
        all,
        "pages of 3 lose or reorder VMs"
    );
    assert_eq!(
        ids(&["--page-size", "3", "--limit", "7"]),
        all[..7].to_vec()
    );
    for bad in ["0", "1001", "many"] {
        let out = sim()
            .args(["vm", "list", "--page-size", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--page-size {bad}");
        assert!(
            stderr_of(&out).contains("--page-size"),
            "{}",
            stderr_of(&out)
        );
    }
}

#[test]
fn filters_and_limit() {
    let out = sim()
        .args([
            "vm", "list", "--state", "running", "--limit", "3", "-o", "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v = json(&out.stdout);
    let vms = v.as_array().unwrap();
    assert_eq!(vms.len(), 3);
    assert!(vms.iter().all(|v| v["state"] == "running"));

    let out = sim()
        .args(["vm", "list", "--name-contains", "vm-0001", "-o", "json"])
        .output()
        .unwrap();
    let v = json(&out.stdout);
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.contains("vm-0001")), "{names:?}");
}

#[test]
fn hosts_clusters_disks_carry_their_fields() {
    let out = sim().args(["host", "list", "-o", "json"]).output().unwrap();
    let v = json(&out.stdout);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|h| h.get("cluster_id").is_some())
    );

    let out = sim()
        .args(["cluster", "list", "-o", "json"])
        .output()
        .unwrap();
    let v = json(&out.stdout);
    assert_eq!(v.as_array().unwrap().len(), 2);

    let out = sim().args(["disk", "list", "-o", "json"]).output().unwrap();
    let v = json(&out.stdout);
    let disks = v.as_array().unwrap();
    assert!(!disks.is_empty());
    assert!(
        disks
            .iter()
            .all(|d| d.get("size_bytes").is_some() && d.get("vm_id").is_some())
    );
}

#[test]
fn yaml_output_parses() {
    let out = sim()
        .args(["cluster", "list", "-o", "yaml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_yaml::Value = serde_yaml::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_sequence().unwrap().len(), 2);
}

#[test]
fn create_and_power_with_wait() {
    let out = sim()
        .args(["cluster", "list", "-o", "json"])
        .output()
        .unwrap();
    let cluster = json(&out.stdout)[0]["id"].as_str().unwrap().to_owned();
    let out = sim()
        .args([
            "vm",
            "create",
            "--name",
            "cli-vm",
            "--cluster",
            &cluster,
            "--vcpus",
            "2",
            "--memory",
            "2GiB",
            "--wait",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let vm = json(&out.stdout);
    assert_eq!(vm["name"], "cli-vm");
    assert_eq!(vm["state"], "stopped");
    assert_eq!(vm["memory_bytes"], 2u64 << 30);
    // Waiting without a terminal prints plain progress lines, not a bar.
    assert!(stderr_of(&out).contains("vm create"), "{}", stderr_of(&out));

    let out = sim()
        .args([
            "vm", "list", "--state", "stopped", "--limit", "2", "-o", "json",
        ])
        .output()
        .unwrap();
    let ids: Vec<String> = json(&out.stdout)
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    let mut args = vec!["vm", "start"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--wait", "-o", "json"]);
    let out = sim().args(&args).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let started = json(&out.stdout);
    assert_eq!(started.as_array().unwrap().len(), 2);
    assert!(
        started
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["ok"] == true && v["vm"]["state"] == "running")
    );
}

#[test]
fn submit_without_wait_prints_the_submission() {
    let out = sim()
        .args([
            "vm", "list", "--state", "running", "--limit", "1", "-o", "json",
        ])
        .output()
        .unwrap();
    let id = json(&out.stdout)[0]["id"].as_str().unwrap().to_owned();
    let out = sim()
        .args(["vm", "stop", &id, "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v = json(&out.stdout);
    // One id: one object, not an array.
    assert_eq!(v["op"], "vm.stop");
    assert!(v["task_id"].is_string());
}

#[test]
fn not_found_is_one_line_and_exit_1() {
    let out = sim()
        .args(["vm", "get", "00000000-0000-4000-8000-00000000dead"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.starts_with("error: not_found:"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn invalid_state_names_the_kind() {
    let out = sim()
        .args([
            "vm", "list", "--state", "running", "--limit", "1", "-o", "json",
        ])
        .output()
        .unwrap();
    let id = json(&out.stdout)[0]["id"].as_str().unwrap().to_owned();
    let out = sim().args(["vm", "start", &id, "--wait"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("invalid_state"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = sim()
        .args(["vm", "list", "--state", "flying"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("expected one of"),
        "{}",
        stderr_of(&out)
    );

    let out = omnivirt().args(["vm", "frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = sim()
        .args([
            "vm",
            "create",
            "--name",
            "x",
            "--cluster",
            "c",
            "--memory",
            "lots",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("invalid size"));

    // No context configured at all.
    let out = omnivirt().args(["vm", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("no context selected"),
        "{}",
        stderr_of(&out)
    );

    let out = omnivirt()
        .args(["--vendor", "vmware", "--url", "http://x", "vm", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unreachable_server_is_a_transport_error_not_a_panic() {
    let out = omnivirt()
        .env("PW", "admin")
        .args([
            "--vendor",
            "ovirt",
            "--url",
            "http://127.0.0.1:9/ovirt-engine/api",
            "--user",
            "admin@internal",
            "--password-env",
            "PW",
            "vm",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.starts_with("error: transport"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("admin\n"),
        "{err}"
    );
}

#[test]
fn contexts_list_use_show() {
    let dir = std::env::temp_dir().join(format!("omnivirt-cli-ctx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("config.toml");
    std::fs::write(
        &cfg,
        r#"current-context = "a"

[contexts.a]
vendor = "sim"

[contexts.b]
vendor = "ovirt"
url = "https://engine/ovirt-engine/api"
user = "admin@internal"
password-env = "OVIRT_PW"
"#,
    )
    .unwrap();
    let with_cfg = || {
        let mut c = omnivirt();
        c.env("OMNIVIRT_CONFIG", &cfg);
        c
    };
    let out = with_cfg()
        .args(["context", "list", "-o", "json"])
        .output()
        .unwrap();
    let v = json(&out.stdout);
    assert_eq!(v[0]["name"], "a");
    assert_eq!(v[0]["current"], true);

    let out = with_cfg()
        .args(["vm", "list", "--limit", "1", "-o", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the current context (sim) is used: {}",
        stderr_of(&out)
    );

    let out = with_cfg().args(["context", "use", "b"]).output().unwrap();
    assert!(out.status.success());
    let out = with_cfg()
        .args(["context", "show", "-o", "json"])
        .output()
        .unwrap();
    let v = json(&out.stdout);
    assert_eq!(v["vendor"], "ovirt");
    assert_eq!(v["password-env"], "OVIRT_PW");

    // The password variable is not set: a clear configuration error.
    let out = with_cfg().args(["vm", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("OVIRT_PW"), "{}", stderr_of(&out));

    let out = with_cfg().args(["context", "use", "zzz"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_and_capabilities() {
    let out = omnivirt().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("omnivirt"));

    let out = sim().args(["capabilities", "-o", "json"]).output().unwrap();
    let v = json(&out.stdout);
    let start = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["op"] == "vm.start")
        .unwrap();
    assert_eq!(start["supported"], true);
}

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `omnivirt sim serve` and returns the API URL it prints.
fn serve(vendor: &str) -> (Served, String) {
    let (served, url, _) = serve_ticking(vendor, "per-poll");
    (served, url)
}

/// Starts `omnivirt sim serve` with the given `--tick`; returns the URL and the rest of its
/// stdout.
fn serve_ticking(
    vendor: &str,
    tick: &str,
) -> (Served, String, BufReader<std::process::ChildStdout>) {
    let bin = assert_cmd::cargo::cargo_bin("omnivirt");
    let mut child = StdCommand::new(bin)
        .args([
            "sim", "serve", "--vendor", vendor, "--port", "0", "--tick", tick,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let served = Served(child);
    let mut line = String::new();
    let mut reader = BufReader::new(stdout);
    reader.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    (served, url, reader)
}

#[test]
fn sim_serve_speaks_ovirt_to_the_real_adapter() {
    let (_server, url) = serve("ovirt");
    assert!(url.ends_with("/ovirt-engine/api"), "{url}");
    let out = omnivirt()
        .env("PW", "admin")
        .args([
            "--vendor",
            "ovirt",
            "--url",
            &url,
            "--user",
            "admin@internal",
            "--password-env",
            "PW",
            "vm",
            "list",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 24);
}

#[test]
fn sim_serve_speaks_cloudtower_to_the_real_adapter() {
    let (_server, url) = serve("cloudtower");
    let out = omnivirt()
        .env("PW", "admin")
        .args([
            "--vendor",
            "cloudtower",
            "--url",
            &url,
            "--user",
            "admin",
            "--password-env",
            "PW",
            "host",
            "list",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 6);

    // A wrong password is an authentication error, and the password is not echoed.
    let out = omnivirt()
        .env("PW", "wrong-pass-123")
        .args([
            "--vendor",
            "cloudtower",
            "--url",
            &url,
            "--user",
            "admin",
            "--password-env",
            "PW",
            "host",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.contains("unauthenticated"), "{err}");
    assert!(!err.contains("wrong-pass-123"), "{err}");
}

#[test]
fn sim_serve_speaks_zstack_and_veil_to_their_adapters() {
    for vendor in ["zstack", "veil"] {
        let (_server, url) = serve(vendor);
        let out = omnivirt()
            .env("PW", "admin")
            .args([
                "--vendor",
                vendor,
                "--url",
                &url,
                "--user",
                "admin",
                "--password-env",
                "PW",
                "cluster",
                "list",
                "-o",
                "json",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{vendor}: {}", stderr_of(&out));
        assert_eq!(json(&out.stdout).as_array().unwrap().len(), 2, "{vendor}");
    }
}

mod api;
mod contexts;
mod create;
mod day2;
mod day2_vendors;
mod fleet;
mod inventory;
mod names;
mod new_user;
