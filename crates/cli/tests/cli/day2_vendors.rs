//! The day-two commands through the real binary against every vendor's served simulator, as
//! one multi-step session per vendor: what the vendor's backend declares works end to end, what
//! it does not is one `error: unsupported` line and exit 1, before anything changes.

use std::collections::HashSet;

use serde_json::Value;

use super::new_user::against;
use super::{json, serve, stderr_of};

/// One vendor's served simulator and what its backend declares.
struct Session {
    vendor: &'static str,
    url: String,
    supported: HashSet<String>,
}

impl Session {
    fn new(vendor: &'static str, url: String) -> Self {
        let mut s = Session {
            vendor,
            url,
            supported: HashSet::new(),
        };
        let caps = s.ok(&["capabilities", "-o", "json"]);
        s.supported = caps
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["supported"] == true)
            .map(|r| r["op"].as_str().unwrap().to_owned())
            .collect();
        s
    }

    fn ok(&self, args: &[&str]) -> Value {
        let out = against(self.vendor, &self.url).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            self.vendor,
            stderr_of(&out)
        );
        json(&out.stdout)
    }

    /// Runs `args` when the backend supports `op` (returning its JSON), else checks the one-line
    /// `unsupported` refusal and returns `None`.
    fn op(&self, op: &str, args: &[&str]) -> Option<Value> {
        if self.supported.contains(op) {
            return Some(self.ok(args));
        }
        let out = against(self.vendor, &self.url).args(args).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{} {args:?}: {err}",
            self.vendor
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{}: {err}", self.vendor);
        assert!(
            err.starts_with("error: unsupported"),
            "{}: {err}",
            self.vendor
        );
        assert!(out.stdout.is_empty());
        None
    }
}

fn day_two(vendor: &'static str) {
    let (_server, url) = serve(vendor);
    let s = Session::new(vendor, url);
    let vm = s.ok(&[
        "vm", "list", "--state", "stopped", "--limit", "1", "-o", "json",
    ])[0]
        .clone();
    let (id, name) = (vm["id"].as_str().unwrap(), vm["name"].as_str().unwrap());

    // Rename by name, and back: the name resolves to the id each time.
    let renamed = format!("{name}-cli");
    if let Some(v) = s.op(
        "vm.update",
        &[
            "vm", "update", name, "--name", &renamed, "--wait", "-o", "json",
        ],
    ) {
        assert_eq!(v["id"], id, "{vendor}");
        assert_eq!(v["name"], renamed.as_str(), "{vendor}");
        let back = s.ok(&[
            "vm", "update", &renamed, "--name", name, "--wait", "-o", "json",
        ]);
        assert_eq!(back["name"], name, "{vendor}");
    }

    // Snapshot, list it by name, revert to it and delete it, all by names.
    if let Some(snap) = s.op(
        "vm.snapshot.create",
        &[
            "vm", "snapshot", "create", name, "--name", "cli-snap", "--wait", "-o", "json",
        ],
    ) {
        assert_eq!(snap["name"], "cli-snap", "{vendor}");
        let list = s.ok(&["vm", "snapshot", "list", name, "-o", "json"]);
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .any(|x| x["name"] == "cli-snap"),
            "{vendor}: {list}"
        );
        let back = s.ok(&[
            "vm", "snapshot", "revert", name, "cli-snap", "--wait", "-o", "json",
        ]);
        assert_eq!(back["id"], id, "{vendor}");
        s.ok(&[
            "vm", "snapshot", "delete", name, "cli-snap", "--wait", "-o", "json",
        ]);
        let list = s.ok(&["vm", "snapshot", "list", name, "-o", "json"]);
        assert!(
            !list
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["name"] == "cli-snap"),
            "{vendor}: {list}"
        );
    } else {
        s.op("vm.snapshot.list", &["vm", "snapshot", "list", name]);
    }

    // Clone, then delete the copy by its name.
    if let Some(copy) = s.op(
        "vm.clone",
        &[
            "vm", "clone", name, "--name", "cli-copy", "--wait", "-o", "json",
        ],
    ) {
        assert_eq!(copy["name"], "cli-copy", "{vendor}");
        assert_ne!(copy["id"], id, "{vendor}");
        s.ok(&["vm", "delete", "cli-copy", "--wait", "-o", "json"]);
    }

    // NICs of the VM; then start it for the console and its addresses.
    if let Some(nics) = s.op("vm.nic.list", &["vm", "nic", "list", name, "-o", "json"]) {
        assert!(nics.is_array(), "{vendor}: {nics}");
    }
    s.ok(&["vm", "start", name, "--wait", "-o", "json"]);
    if let Some(con) = s.op("vm.console", &["vm", "console", name, "-o", "json"]) {
        assert!(
            con["ticket"].is_null() || con["ticket"] == "***",
            "{vendor}: the ticket printed without --show-ticket: {con}"
        );
        let shown = s.ok(&["vm", "console", name, "--show-ticket", "-o", "json"]);
        if !con["ticket"].is_null() {
            assert_ne!(shown["ticket"], "***", "{vendor}: --show-ticket hid it");
        }
    }
    s.ok(&["vm", "stop", name, "--force", "--wait", "-o", "json"]);

    // What happened shows up as events about the VM.
    if let Some(events) = s.op(
        "event.list",
        &["event", "list", "--vm", name, "--limit", "20", "-o", "json"],
    ) {
        assert!(
            !events.as_array().unwrap().is_empty(),
            "{vendor}: no events about {name}"
        );
    }

    // A host into maintenance and back, by name.
    let host = s.ok(&[
        "host", "list", "--state", "up", "--limit", "1", "-o", "json",
    ])[0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    if let Some(h) = s.op(
        "host.maintenance.enter",
        &[
            "host",
            "maintenance",
            "enter",
            &host,
            "--wait",
            "-o",
            "json",
        ],
    ) {
        assert_eq!(h["state"], "maintenance", "{vendor}");
        let up = s.ok(&["host", "maintenance", "exit", &host, "--wait", "-o", "json"]);
        assert_eq!(up["state"], "up", "{vendor}");
    }

    // A new VM placed on a storage pool named by its name (CloudTower refuses, saying why).
    let cluster = s.ok(&["cluster", "list", "--limit", "1", "-o", "json"])[0].clone();
    let pools = s.ok(&["storage", "list", "-o", "json"]);
    let pool = pools
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["cluster_id"].is_null() || p["cluster_id"] == cluster["id"])
        .unwrap_or_else(|| panic!("{vendor}: no pool for {cluster}: {pools}"));
    let create = [
        "vm",
        "create",
        "--name",
        "cli-placed",
        "--cluster",
        cluster["name"].as_str().unwrap(),
        "--storage",
        pool["name"].as_str().unwrap(),
        "--wait",
        "-o",
        "json",
    ];
    if let Some(v) = s.op("vm.create.storage", &create) {
        assert_eq!(v["name"], "cli-placed", "{vendor}");
        s.ok(&["vm", "delete", "cli-placed", "--wait", "-o", "json"]);
    }
}

#[test]
fn day_two_on_ovirt() {
    day_two("ovirt");
}

#[test]
fn day_two_on_cloudtower() {
    day_two("cloudtower");
}

#[test]
fn day_two_on_zstack() {
    day_two("zstack");
}

#[test]
fn day_two_on_veil() {
    day_two("veil");
}
