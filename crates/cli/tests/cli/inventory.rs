//! `template`, `network`, `storage` and the `get ID` commands (issue 10), against the embedded
//! simulator.

use super::*;

fn list(kind: &str) -> Vec<Value> {
    let out = sim().args([kind, "list", "-o", "json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out.stdout).as_array().unwrap().clone()
}

#[test]
fn template_network_and_storage_list_and_get() {
    for kind in ["template", "network", "storage"] {
        let items = list(kind);
        assert!(!items.is_empty(), "{kind} list is empty");
        let first = &items[0];
        let id = first["id"].as_str().unwrap();
        let out = sim()
            .args([kind, "get", id, "-o", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{kind} get");
        let got = json(&out.stdout);
        assert_eq!(got["id"], first["id"]);
        assert_eq!(got["name"], first["name"]);
        let out = sim().args([kind, "get", "no-such-id"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{kind} get of a missing id");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: not_found:"), "{err}");
    }
    let pools = list("storage");
    for p in &pools {
        let (cap, free) = (p["capacity_bytes"].as_u64(), p["free_bytes"].as_u64());
        assert!(
            cap.is_some() && free.is_some(),
            "storage JSON lacks sizes: {p}"
        );
        assert!(free <= cap);
    }
    let nets = list("network");
    assert!(nets.iter().all(|n| n["vlan"].is_u64()), "{nets:?}");
    assert_eq!(list("template")[0]["kind"], "template");
}

#[test]
fn host_cluster_and_disk_get() {
    for kind in ["host", "cluster", "disk"] {
        let first = list(kind)[0].clone();
        let out = sim()
            .args([kind, "get", first["id"].as_str().unwrap(), "-o", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{kind} get");
        assert_eq!(json(&out.stdout)["name"], first["name"], "{kind}");
    }
}

#[test]
fn vm_json_always_has_ips_and_tags() {
    let vms = list("vm");
    for key in ["ips", "tags"] {
        assert!(vms[0][key].is_array(), "vm JSON lacks `{key}`: {}", vms[0]);
    }
}

#[test]
fn filters_that_do_not_apply_are_usage_errors() {
    for args in [
        ["storage", "list", "--state", "ok"],
        ["template", "list", "--cluster", "c"],
        ["network", "list", "--host", "h"],
    ] {
        let out = sim().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: invalid_input:"), "{args:?}: {err}");
    }
}
