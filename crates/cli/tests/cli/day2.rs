//! Day-two commands (issue 10) through the real binary, against the embedded simulator.
//!
//! Every `--vendor sim` run builds the same seeded world afresh, so each test checks what one
//! command does (a `--wait` prints the object as the backend reads it back afterwards), and ids
//! found by one run are valid in the next.

use super::*;

fn ok(args: &[&str]) -> Value {
    let out = sim().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    json(&out.stdout)
}

fn first_vm(state: &str) -> String {
    ok(&["vm", "list", "--state", state, "--limit", "1", "-o", "json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Exit code and stderr of a command expected to fail.
fn fails(args: &[&str]) -> (Option<i32>, String) {
    let out = sim().args(args).output().unwrap();
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = stderr_of(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    (out.status.code(), err)
}

#[test]
fn vm_update_changes_cpus_and_says_when_a_power_cycle_is_needed() {
    let id = first_vm("running");
    let before = ok(&["vm", "get", &id, "-o", "json"]);
    assert_ne!(before["vcpus"], 7, "pick a value the seed does not have");
    let out = sim()
        .args([
            "vm",
            "update",
            &id,
            "--vcpus",
            "7",
            "--memory",
            "3GiB",
            "--description",
            "resized",
            "--wait",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let vm = json(&out.stdout);
    assert_eq!(vm["id"], id.as_str());
    assert_eq!(vm["vcpus"], 7);
    assert_eq!(vm["memory_bytes"], 3u64 << 30);
    assert_eq!(vm["description"], "resized");
    let err = stderr_of(&out);
    let notes: Vec<&str> = err.lines().filter(|l| l.contains("power cycle")).collect();
    assert_eq!(
        notes.len(),
        1,
        "a running VM's resize waits for a restart: {err}"
    );

    // A stopped VM takes the change at once: no note. A rename alone never needs one.
    let stopped = first_vm("stopped");
    let out = sim()
        .args([
            "vm", "update", &stopped, "--name", "renamed", "--wait", "-o", "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json(&out.stdout)["name"], "renamed");
    assert!(
        !stderr_of(&out).contains("power cycle"),
        "{}",
        stderr_of(&out)
    );

    // Without --wait: the submission.
    let v = ok(&["vm", "update", &id, "--vcpus", "4", "-o", "json"]);
    assert_eq!(v["op"], "vm.update");
    assert!(v["task_id"].is_string(), "{v}");
}

#[test]
fn vm_update_usage_errors_exit_2_before_connecting() {
    let id = first_vm("running");
    for (args, needle) in [
        (vec!["vm", "update", id.as_str()], "nothing to update"),
        (
            vec!["vm", "update", id.as_str(), "--memory", "lots"],
            "invalid size",
        ),
        (vec!["vm", "update", id.as_str(), "--vcpus", "0"], "vcpus"),
        (vec!["vm", "update", id.as_str(), "--name", " "], "name"),
    ] {
        let (code, err) = fails(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: invalid_input:"), "{err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn vm_clone_makes_a_new_vm_with_the_name() {
    let src = first_vm("stopped");
    let source = ok(&["vm", "get", &src, "-o", "json"]);
    let vm = ok(&[
        "vm", "clone", &src, "--name", "cli-copy", "--wait", "-o", "json",
    ]);
    assert_eq!(vm["name"], "cli-copy");
    assert_ne!(vm["id"], src.as_str(), "a new VM, not the source");
    assert_eq!(vm["vcpus"], source["vcpus"]);
    assert_eq!(vm["memory_bytes"], source["memory_bytes"]);
    assert_eq!(vm["cluster_id"], source["cluster_id"]);

    let (code, err) = fails(&["vm", "clone", &src, "--name", ""]);
    assert_eq!(code, Some(2), "{err}");
    let (code, err) = fails(&["vm", "clone", "no-such-vm", "--name", "x", "--wait"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.starts_with("error: not_found:"), "{err}");
}

#[test]
fn vm_console_hides_the_ticket_unless_asked() {
    let id = first_vm("running");
    let shown = ok(&["vm", "console", &id, "--show-ticket", "-o", "json"]);
    let ticket = shown["ticket"].as_str().unwrap().to_owned();
    assert!(ticket.len() >= 8 && ticket != "***", "{shown}");
    for key in ["protocol", "host", "port", "tls_port", "url", "expires_at"] {
        assert!(
            shown.get(key).is_some(),
            "console JSON lacks {key}: {shown}"
        );
    }
    assert_eq!(shown["protocol"], "vnc");
    assert!(
        shown["port"].is_u64() && shown["host"].is_string(),
        "{shown}"
    );

    // The seeded world hands out the same ticket on every run: it must not appear without
    // the flag, in any format, on stdout or stderr.
    for fmt in ["json", "yaml", "table"] {
        let out = sim()
            .args(["vm", "console", &id, "-o", fmt])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr_of(&out)
        );
        assert!(!all.contains(&ticket), "{fmt} shows the ticket: {all}");
        assert!(all.contains("***"), "{fmt}: {all}");
    }
    let hidden = ok(&["vm", "console", &id, "-o", "json"]);
    assert_eq!(hidden["ticket"], "***");
    assert_eq!(hidden["port"], shown["port"]);
    let out = sim()
        .args(["vm", "console", &id, "--show-ticket", "-o", "table"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&ticket));

    // A stopped VM has no console: one line, exit 1.
    let (code, err) = fails(&["vm", "console", &first_vm("stopped")]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("invalid_state"), "{err}");
}

#[test]
fn vm_nic_list_add_remove() {
    let id = first_vm("running");
    let nics = ok(&["vm", "nic", "list", &id, "-o", "json"]);
    let nics = nics.as_array().unwrap();
    assert!(!nics.is_empty(), "seeded VMs have a NIC");
    assert!(nics.iter().all(|n| n["vm_id"] == id.as_str()));
    let seeded = nics[0]["id"].as_str().unwrap().to_owned();
    let network = ok(&["network", "list", "-o", "json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let nic = ok(&[
        "vm",
        "nic",
        "add",
        &id,
        "--network",
        &network,
        "--name",
        "eth9",
        "--mac",
        "52:54:00:aa:bb:cc",
        "--wait",
        "-o",
        "json",
    ]);
    assert_eq!(nic["network_id"], network.as_str());
    assert_eq!(nic["name"], "eth9");
    assert_eq!(nic["mac"], "52:54:00:aa:bb:cc");
    assert_ne!(nic["id"], seeded.as_str());

    let gone = ok(&["vm", "nic", "remove", &id, &seeded, "--wait", "-o", "json"]);
    assert_eq!(gone["id"], seeded.as_str());
    assert_eq!(gone["deleted"], true);

    let out = sim()
        .args(["vm", "nic", "list", &id, "-o", "table"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("NETWORK") && text.contains(&seeded), "{text}");

    let (code, err) = fails(&[
        "vm",
        "nic",
        "add",
        &id,
        "--network",
        &network,
        "--mac",
        "zz",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a MAC"), "{err}");
}

#[test]
fn vm_snapshot_list_create_revert_delete() {
    let id = first_vm("running");
    assert_eq!(
        ok(&["vm", "snapshot", "list", &id, "-o", "json"]),
        serde_json::json!([])
    );
    let snap = ok(&[
        "vm",
        "snapshot",
        "create",
        &id,
        "--name",
        "before-upgrade",
        "--description",
        "cli test",
        "--memory",
        "--wait",
        "-o",
        "json",
    ]);
    assert_eq!(snap["name"], "before-upgrade");
    assert_eq!(snap["vm_id"], id.as_str());
    assert_eq!(snap["state"], "ready");
    assert_eq!(snap["description"], "cli test");
    assert_eq!(snap["includes_memory"], true);

    let sub = ok(&["vm", "snapshot", "create", &id, "--name", "s", "-o", "json"]);
    assert_eq!(sub["op"], "vm.snapshot.create", "{sub}");

    // A fresh world has no snapshot to revert to or delete: the backend's error, one line.
    for verb in ["revert", "delete"] {
        let (code, err) = fails(&["vm", "snapshot", verb, &id, "no-such-snap", "--wait"]);
        assert_eq!(code, Some(1), "{verb}: {err}");
        assert!(err.starts_with("error: not_found:"), "{verb}: {err}");
    }
    let (code, err) = fails(&["vm", "snapshot", "create", &id, "--name", " "]);
    assert_eq!(code, Some(2), "{err}");

    let out = sim()
        .args(["vm", "snapshot", "list", &id, "-o", "table"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("DESCRIPTION"));
}

#[test]
fn a_started_vm_reports_its_ips() {
    let id = first_vm("stopped");
    let vm = ok(&["vm", "get", &id, "-o", "json"]);
    assert_eq!(
        vm["ips"],
        serde_json::json!([]),
        "a stopped VM has no address"
    );
    for key in ["ips", "tags", "description", "created_at"] {
        assert!(vm.get(key).is_some(), "vm JSON lacks {key}: {vm}");
    }
    let vm = ok(&["vm", "start", &id, "--wait", "-o", "json"]);
    let ips = vm["ips"].as_array().unwrap();
    assert!(!ips.is_empty(), "{vm}");

    let running = first_vm("running");
    let got = ok(&["vm", "get", &running, "-o", "json"]);
    let ip = got["ips"][0].as_str().unwrap().to_owned();
    let out = sim()
        .args(["vm", "get", &running, "-o", "table"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("IPS") && text.contains(&ip), "{text}");
}

#[test]
fn event_list_filters_and_usage_errors() {
    // The seeded world has logged nothing yet.
    assert_eq!(ok(&["event", "list", "-o", "json"]), serde_json::json!([]));
    let id = first_vm("running");
    assert_eq!(
        ok(&[
            "event",
            "list",
            "--vm",
            &id,
            "--limit",
            "1",
            "--since",
            "2026-01-01T01:00:00+01:00",
            "-o",
            "json"
        ]),
        serde_json::json!([])
    );
    assert_eq!(
        ok(&["event", "list", "--since", "10m", "-o", "json"]),
        serde_json::json!([])
    );
    let out = sim()
        .args(["event", "list", "-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("SEVERITY"));

    for bad in ["yesterday", "10", "2026-13-01T00:00:00Z"] {
        for cmd in ["list", "watch"] {
            let (code, err) = fails(&["event", cmd, "--since", bad]);
            assert_eq!(code, Some(2), "{cmd} --since {bad}: {err}");
            assert!(err.contains(&format!("`{bad}`")), "names the value: {err}");
        }
    }
}

#[test]
fn event_watch_runs_until_ctrl_c_and_exits_0() {
    let bin = assert_cmd::cargo::cargo_bin("omnivirt");
    for fmt in ["json", "table"] {
        let child = StdCommand::new(&bin)
            .env("XDG_CONFIG_HOME", "/nonexistent/omnivirt-xdg")
            .env_remove("OMNIVIRT_CONFIG")
            .env_remove("OMNIVIRT_CONTEXT")
            .args([
                "--vendor", "sim", "event", "watch", "--since", "1h", "-o", fmt,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        assert!(
            StdCommand::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .unwrap()
                .success()
        );
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{fmt}: {}", stderr_of(&out));
        assert!(stderr_of(&out).is_empty(), "{fmt}: {}", stderr_of(&out));
        // Nothing happens in a world nobody changes: no event, and no table header either.
        assert!(
            out.stdout.is_empty(),
            "{fmt}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn host_maintenance_enter_and_exit() {
    let host = ok(&["host", "list", "-o", "json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let h = ok(&[
        "host",
        "maintenance",
        "enter",
        &host,
        "--wait",
        "-o",
        "json",
    ]);
    assert_eq!(h["id"], host.as_str());
    assert_eq!(h["state"], "maintenance");
    let sub = ok(&["host", "maintenance", "enter", &host, "-o", "json"]);
    assert_eq!(sub["op"], "host.maintenance.enter", "{sub}");
    // In a fresh world the host is up: leaving maintenance is refused, one line, exit 1.
    let (code, err) = fails(&["host", "maintenance", "exit", &host, "--wait"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("invalid_state") && err.contains("not maintenance"),
        "{err}"
    );
}

#[test]
fn a_vendor_without_snapshots_says_unsupported_in_one_line() {
    let (_server, url) = serve("veil");
    let id = super::new_user::against("veil", &url)
        .args(["vm", "list", "--limit", "1", "-o", "json"])
        .output()
        .unwrap();
    let id = json(&id.stdout)[0]["id"].as_str().unwrap().to_owned();
    // What VeiL's API lacks: snapshots, NIC plug/unplug, node maintenance, a resize.
    let host = super::new_user::against("veil", &url)
        .args(["host", "list", "-o", "json"])
        .output()
        .unwrap();
    let host = json(&host.stdout)[0]["id"].as_str().unwrap().to_owned();
    for args in [
        vec!["vm", "snapshot", "list", id.as_str()],
        vec!["vm", "nic", "add", id.as_str(), "--network", "any"],
        vec!["host", "maintenance", "enter", host.as_str()],
        vec!["vm", "update", id.as_str(), "--vcpus", "4"],
    ] {
        let out = super::new_user::against("veil", &url)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.starts_with("error: unsupported"), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn completions_offer_the_day_two_commands() {
    let ask = |words: &[&str]| {
        let out = omnivirt()
            .env("OMNIVIRT_COMPLETE", "fish")
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first_words = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.split('\t').next().unwrap_or("").to_owned())
            .collect()
    };
    let top = first_words(&ask(&["omnivirt", ""]));
    assert!(top.contains(&"event".to_owned()), "{top:?}");
    let vm = first_words(&ask(&["omnivirt", "vm", ""]));
    for cmd in ["update", "clone", "console", "nic", "snapshot"] {
        assert!(
            vm.contains(&cmd.to_owned()),
            "vm {cmd} not completed: {vm:?}"
        );
    }
    for (words, want) in [
        (
            vec!["omnivirt", "vm", "nic", ""],
            vec!["list", "add", "remove"],
        ),
        (
            vec!["omnivirt", "vm", "snapshot", ""],
            vec!["list", "create", "revert", "delete"],
        ),
        (vec!["omnivirt", "event", ""], vec!["list", "watch"]),
        (
            vec!["omnivirt", "host", "maintenance", ""],
            vec!["enter", "exit"],
        ),
    ] {
        let got = first_words(&ask(&words));
        for w in want {
            assert!(
                got.contains(&w.to_owned()),
                "{words:?}: {w} missing in {got:?}"
            );
        }
    }
    let flags = ask(&["omnivirt", "vm", "console", "x", "--"]);
    assert!(flags.contains("--show-ticket"), "{flags}");
}
