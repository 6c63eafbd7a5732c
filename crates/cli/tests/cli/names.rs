//! Names as well as ids (docs/cli.md, "Names"), against every vendor's served simulator.

use super::new_user::against;
use super::{json, serve, stderr_of};

/// Runs `args` against `url` and returns the JSON it printed, failing on a non-zero exit.
fn ok(vendor: &str, url: &str, args: &[&str]) -> serde_json::Value {
    let out = against(vendor, url).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{vendor} {args:?}: {}",
        stderr_of(&out)
    );
    json(&out.stdout)
}

#[test]
fn every_vendor_resolves_names_and_reports_ambiguity() {
    for vendor in ["ovirt", "cloudtower", "zstack", "veil"] {
        let (_server, url) = serve(vendor);
        let vms = ok(vendor, &url, &["vm", "list", "--limit", "2", "-o", "json"]);
        let (id, name) = (
            vms[0]["id"].as_str().unwrap().to_owned(),
            vms[0]["name"].as_str().unwrap().to_owned(),
        );
        let by_name = ok(vendor, &url, &["vm", "get", &name, "-o", "json"]);
        assert_eq!(by_name["id"], id.as_str(), "{vendor}: `vm get {name}`");

        // A cluster filter by name lists the same VMs as by id.
        let cluster = ok(vendor, &url, &["cluster", "list", "-o", "json"])[0].clone();
        let cid = cluster["id"].as_str().unwrap();
        let cname = cluster["name"].as_str().unwrap();
        let ids = |arg: &str| -> Vec<String> {
            let v = ok(
                vendor,
                &url,
                &["vm", "list", "--cluster", arg, "-o", "json"],
            );
            v.as_array()
                .unwrap()
                .iter()
                .map(|v| v["id"].as_str().unwrap().to_owned())
                .collect()
        };
        let by_id = ids(cid);
        assert!(!by_id.is_empty(), "{vendor}: cluster {cid} has VMs");
        assert_eq!(ids(cname), by_id, "{vendor}: --cluster {cname}");

        // An unknown name is the operation's own not_found, one line, naming it.
        let out = against(vendor, &url)
            .args(["vm", "get", "no-such-vm-name"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{vendor}");
        let err = stderr_of(&out);
        assert!(err.starts_with("error: not_found"), "{vendor}: {err}");
        assert!(err.contains("no-such-vm-name"), "{vendor}: {err}");

        // The World keeps VM names unique (oVirt does too); disks may share a name. A second
        // disk named like an existing one makes the name ambiguous: a usage error listing both.
        let disk = ok(
            vendor,
            &url,
            &["disk", "list", "--limit", "1", "-o", "json"],
        )[0]
        .clone();
        let (did, dname) = (disk["id"].as_str().unwrap(), disk["name"].as_str().unwrap());
        let pool = ok(vendor, &url, &["storage", "list", "-o", "json"])[0]["name"]
            .as_str()
            .unwrap()
            .to_owned();
        let twin = ok(
            vendor,
            &url,
            &[
                "disk",
                "create",
                "--name",
                dname,
                "--size",
                "1GiB",
                "--cluster",
                cname,
                "--storage",
                &pool,
                "--wait",
                "-o",
                "json",
            ],
        );
        let twin = twin["id"].as_str().unwrap();
        let out = against(vendor, &url)
            .args(["disk", "get", dname])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{vendor}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("ambiguous"), "{vendor}: {err}");
        assert!(err.contains(did) && err.contains(twin), "{vendor}: {err}");
    }
}
