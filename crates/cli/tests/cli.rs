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

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("omnivirt-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_named_config_file_that_is_missing_is_an_error() {
    let out = omnivirt()
        .env("OMNIVIRT_CONFIG", "/nonexistent.toml")
        .args(["context", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("/nonexistent.toml"),
        "{}",
        stderr_of(&out)
    );
    assert!(
        stderr_of(&out).contains("does not exist"),
        "{}",
        stderr_of(&out)
    );
    let out = omnivirt()
        .args(["--config", "/nonexistent.toml", "vm", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("does not exist"),
        "{}",
        stderr_of(&out)
    );
    // The default path missing is an empty config.
    let out = omnivirt()
        .args(["context", "list", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json(&out.stdout), serde_json::json!([]));
}

#[test]
fn context_use_changes_only_current_context() {
    let dir = temp_dir("use");
    let cfg = dir.join("config.toml");
    let text = "# lab machines\ncurrent-context = \"a\"  # default\n\n\
                [contexts.b]   # the engine\nvendor = \"ovirt\"\nurl = \"https://e/ovirt-engine/api\"\n\n\
                [contexts.a]\nvendor = \"sim\"\n";
    std::fs::write(&cfg, text).unwrap();
    let out = omnivirt()
        .args(["--config", cfg.to_str().unwrap(), "context", "use", "b"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let after = std::fs::read_to_string(&cfg).unwrap();
    assert_eq!(after, text.replace("\"a\"  #", "\"b\"  #"));
}

#[test]
fn context_add_writes_a_context_and_refuses_to_overwrite() {
    let dir = temp_dir("add");
    let cfg = dir.join("config.toml");
    std::fs::write(&cfg, "# mine\n[contexts.s]\nvendor = \"sim\"\n").unwrap();
    let add = |extra: &[&str]| {
        let mut c = omnivirt();
        c.env("OMNIVIRT_CONFIG", &cfg).args([
            "context",
            "add",
            "lab",
            "--vendor",
            "ovirt",
            "--url",
            "https://engine/ovirt-engine/api",
            "--user",
            "admin@internal",
            "--password-env",
            "OVIRT_PW",
            "--ca-file",
            "/etc/pki/ca.pem",
            "--insecure",
            "--request-timeout",
            "30s",
        ]);
        c.args(extra).output().unwrap()
    };
    let out = add(&[]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let out = omnivirt()
        .env("OMNIVIRT_CONFIG", &cfg)
        .args(["context", "show", "lab", "-o", "json"])
        .output()
        .unwrap();
    let v = json(&out.stdout);
    assert_eq!(v["vendor"], "ovirt");
    assert_eq!(v["url"], "https://engine/ovirt-engine/api");
    assert_eq!(v["user"], "admin@internal");
    assert_eq!(v["password-env"], "OVIRT_PW");
    assert_eq!(v["ca-file"], "/etc/pki/ca.pem");
    assert_eq!(v["insecure"], true);
    assert_eq!(v["request-timeout"], "30s");
    let out = add(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--force"), "{}", stderr_of(&out));
    let out = add(&["--force"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        std::fs::read_to_string(&cfg)
            .unwrap()
            .starts_with("# mine\n")
    );
}

#[test]
fn request_timeout_flag_bounds_a_hung_request() {
    // A server that accepts and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let started = std::time::Instant::now();
    let out = omnivirt()
        .env("OMNIVIRT_TEST_PW", "pw")
        .args([
            "--vendor",
            "zstack",
            "--url",
            &format!("http://127.0.0.1:{port}"),
            "--user",
            "admin",
            "--password-env",
            "OMNIVIRT_TEST_PW",
            "--request-timeout",
            "300ms",
            "vm",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("timeout"), "{err}");
    assert!(err.contains("300ms"), "{err}");
    // The login hung, and the error says so.
    assert!(err.contains("accounts/login"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

/// The user a served skin accepts (password `admin`).
fn sim_user(vendor: &str) -> &'static str {
    if vendor == "ovirt" {
        "admin@internal"
    } else {
        "admin"
    }
}

/// `omnivirt` connected to a served skin.
fn against(vendor: &str, url: &str) -> Command {
    let mut c = omnivirt();
    c.env("PW", "admin").args([
        "--vendor",
        vendor,
        "--url",
        url,
        "--user",
        sim_user(vendor),
        "--password-env",
        "PW",
    ]);
    c
}

/// Stops a served simulator with Ctrl-C (SIGINT) and returns what it printed on the way out.
fn stop_served(served: Served, mut rest: BufReader<std::process::ChildStdout>) -> String {
    let pid = served.0.id().to_string();
    let status = StdCommand::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut rest, &mut text).unwrap();
    text
}

// Issue 11 item 1: every command logs out, on success and on error. (CloudTower's API has no
// logout: its client's close() only forgets the token, so its simulator is not asked.)
#[test]
fn every_command_logs_out_of_the_server() {
    for vendor in ["ovirt", "zstack", "veil"] {
        let (served, url, rest) = serve_ticking(vendor, "per-poll");
        let out = against(vendor, &url)
            .args(["vm", "list", "-o", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{vendor}: {}", stderr_of(&out));
        let out = against(vendor, &url)
            .args(["vm", "get", "00000000-0000-4000-8000-00000000dead"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{vendor}: {}", stderr_of(&out));
        let text = stop_served(served, rest);
        assert!(
            text.contains("live sessions: 0"),
            "{vendor} kept sessions: {text}"
        );
    }
}

fn first_vm(state: &str) -> String {
    let out = sim()
        .args(["vm", "list", "--state", state, "--limit", "1", "-o", "json"])
        .output()
        .unwrap();
    json(&out.stdout)[0]["id"].as_str().unwrap().to_owned()
}

// Issue 11 item 5: a failed wait prints its error once and nothing on stdout.
#[test]
fn a_wait_that_times_out_prints_one_error_and_no_output() {
    let (_served, url, _rest) = serve_ticking("ovirt", "wall");
    let out = against("ovirt", &url)
        .args([
            "vm", "list", "--state", "stopped", "--limit", "1", "-o", "json",
        ])
        .output()
        .unwrap();
    let id = json(&out.stdout)[0]["id"].as_str().unwrap().to_owned();
    let out = against("ovirt", &url)
        .args([
            "vm",
            "start",
            &id,
            "--wait",
            "--timeout",
            "300ms",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = stderr_of(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].starts_with("error: timeout:"), "{err}");
}

// Issue 11 item 8: several ids, one refused: every id is reported, the others still waited for.
#[test]
fn many_ids_say_what_happened_to_each() {
    let ok = first_vm("stopped");
    let dead = "00000000-0000-4000-8000-00000000dead";
    let out = sim()
        .args(["vm", "start", &ok, dead, "--wait", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let v = json(&out.stdout);
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 2, "{v}");
    assert_eq!(items[0]["id"], ok.as_str());
    assert_eq!(items[0]["ok"], true);
    assert_eq!(items[0]["vm"]["state"], "running");
    assert_eq!(items[1]["id"], dead);
    assert_eq!(items[1]["ok"], false);
    assert!(
        items[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("not_found:")
    );
    let err = stderr_of(&out);
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert!(err.contains("1 of 2"), "{err}");

    let running = first_vm("running");
    let out = sim()
        .args(["vm", "stop", &running, dead, "-o", "table"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains(&running) && table.contains(dead), "{table}");
    assert!(
        table.contains("failed") && table.contains("submitted"),
        "{table}"
    );
}

// Issue 11 item 10: power commands honour -o table; delete --wait says what was deleted.
#[test]
fn power_commands_honour_table_and_delete_says_deleted() {
    let id = first_vm("running");
    let out = sim()
        .args(["vm", "stop", &id, "-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains('│') && !table.contains('{'), "{table}");
    assert!(table.contains("vm.stop"), "{table}");

    let out = sim()
        .args(["vm", "stop", &id, "--wait", "-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains('│') && table.contains("stopped"), "{table}");

    // Each invocation gets a fresh in-process world: delete one that is stopped there.
    let id = first_vm("stopped");
    let out = sim()
        .args(["vm", "delete", &id, "--wait", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v = json(&out.stdout);
    assert_eq!(v, serde_json::json!({"id": id, "deleted": true}));
}

// Issue 11 item 11: no ANSI codes on a redirected stderr.
#[test]
fn no_colour_on_a_redirected_stderr() {
    let (_served, url, _rest) = serve_ticking("ovirt", "per-poll");
    for no_color in [false, true] {
        let mut c = against("ovirt", &url);
        if no_color {
            c.env("NO_COLOR", "1");
        }
        let out = c
            .args(["-vv", "vm", "list", "-o", "json"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let err = stderr_of(&out);
        assert!(!err.is_empty(), "-vv logs something");
        assert!(!err.contains('\u{1b}'), "ANSI on a pipe: {err:?}");
    }
}

fn assert_usage(out: &std::process::Output, what: &str) {
    let err = stderr_of(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert!(err.starts_with("error: invalid_input:"), "{what}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{what}: {err}");
}

// Issue 11 item 12: flags that do not apply are usage errors.
#[test]
fn flags_that_do_not_apply_are_usage_errors() {
    let id = first_vm("stopped");
    for args in [
        vec!["cluster", "list", "--host", "h"],
        vec!["disk", "list", "--host", "h"],
        vec!["vm", "delete", id.as_str(), "--force"],
        vec!["vm", "start", id.as_str(), "--force"],
    ] {
        let out = sim().args(&args).output().unwrap();
        assert_usage(&out, &args.join(" "));
    }
}

// Issue 11 item 13: invalid input of any flag exits 2 with the kind.
#[test]
fn invalid_flag_values_exit_2_with_the_kind() {
    let create = |extra: &[&str]| {
        let mut c = sim();
        c.args(["vm", "create", "--name", "x", "--cluster", "c"])
            .args(extra);
        c.output().unwrap()
    };
    assert_usage(&create(&["--vcpus", "0"]), "--vcpus 0");
    assert_usage(&create(&["--memory", "0"]), "--memory 0");
    let out = omnivirt()
        .args(["--vendor", "vmware", "--url", "http://x", "vm", "list"])
        .output()
        .unwrap();
    assert_usage(&out, "unknown vendor");
    let out = sim()
        .args(["vm", "list", "--state", "flying"])
        .output()
        .unwrap();
    assert_usage(&out, "--state flying");
}

// Issue 11 item 14: sizes are binary.
#[test]
fn sizes_are_binary_and_help_says_so() {
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
            "b",
            "--cluster",
            &cluster,
            "--memory",
            "4gb",
            "--wait",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json(&out.stdout)["memory_bytes"], 4u64 << 30);
    let out = omnivirt()
        .args(["vm", "create", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("4G = 4GiB"), "{help}");
}

// Issue 12 item 6: the --insecure warning is one line on stderr whatever the log level.
#[test]
fn insecure_warning_is_always_one_line() {
    for log in [None, Some("error")] {
        let mut c = omnivirt();
        if let Some(l) = log {
            c.env("OMNIVIRT_LOG", l);
        }
        let out = c
            .env("PW", "x")
            .args([
                "--vendor",
                "ovirt",
                "--url",
                "https://127.0.0.1:9/ovirt-engine/api",
                "--user",
                "admin@internal",
                "--password-env",
                "PW",
                "--insecure",
                "--request-timeout",
                "2s",
                "vm",
                "list",
            ])
            .output()
            .unwrap();
        let err = stderr_of(&out);
        let warnings = err
            .lines()
            .filter(|l| l.to_ascii_lowercase().contains("verification is disabled"))
            .count();
        assert_eq!(warnings, 1, "OMNIVIRT_LOG={log:?}: {err}");
    }
}

// Issue 11 item 23: the front door names every vendor.
#[test]
fn help_and_completions_name_every_vendor() {
    let out = omnivirt().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for v in ["oVirt", "CloudTower", "ZStack", "VeiL"] {
        assert!(help.contains(v), "{v} missing from --help: {help}");
    }
    let out = omnivirt().args(["completions", "bash"]).output().unwrap();
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(
        script.contains("ovirt cloudtower zstack veil sim"),
        "vendor names are not completed"
    );
}

/// The cells of a box-drawn table, with timings made neutral (`N ms`).
fn table_cells(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| {
            l.split(['│', '┆'])
                .map(|c| {
                    let c = c.trim();
                    let words: Vec<String> = c
                        .split(' ')
                        .map(|w| {
                            let w2 = w.trim_start_matches('(');
                            if !w2.is_empty() && w2.chars().all(|ch| ch.is_ascii_digit()) {
                                "N".to_owned()
                            } else {
                                w.to_owned()
                            }
                        })
                        .collect();
                    words.join(" ")
                })
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect()
}

// Issue 11 item 23: the demo fits 120 columns and the README shows its real output.
#[test]
fn demo_fits_120_columns_and_matches_the_readme() {
    let out = omnivirt().arg("demo").output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for line in text.lines() {
        assert!(line.chars().count() <= 120, "too wide: {line}");
    }
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let start = readme
        .find("```text\n┌")
        .expect("README shows the demo output");
    let block = &readme[start + 8..];
    let block = &block[..block.find("```").unwrap()];
    assert_eq!(table_cells(block), table_cells(&text), "README differs");
}

// Issue 11 item 1: Ctrl-C during a wait still logs out, and exits 130.
#[test]
fn ctrl_c_during_a_wait_logs_out() {
    let (served, url, rest) = serve_ticking("zstack", "wall");
    let out = against("zstack", &url)
        .args([
            "vm", "list", "--state", "stopped", "--limit", "1", "-o", "json",
        ])
        .output()
        .unwrap();
    let id = json(&out.stdout)[0]["id"].as_str().unwrap().to_owned();
    let bin = assert_cmd::cargo::cargo_bin("omnivirt");
    let cli = StdCommand::new(bin)
        .env("PW", "admin")
        .env("XDG_CONFIG_HOME", "/nonexistent/omnivirt-xdg")
        .env_remove("OMNIVIRT_CONFIG")
        .env_remove("OMNIVIRT_CONTEXT")
        .args([
            "--vendor",
            "zstack",
            "--url",
            &url,
            "--user",
            "admin",
            "--password-env",
            "PW",
            "vm",
            "start",
            &id,
            "--wait",
            "--timeout",
            "60s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let it log in and start waiting (a wall-clock task takes seconds).
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let status = StdCommand::new("kill")
        .args(["-INT", &cli.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = cli.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr_of(&out));
    let text = stop_served(served, rest);
    assert!(text.contains("live sessions: 0"), "{text}");
}
