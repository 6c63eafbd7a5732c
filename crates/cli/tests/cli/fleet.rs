//! Several contexts as one listing (`--context A,B`, `--all-contexts`), against served vendor
//! simulators and one unreachable controller.

use super::new_user::sim_user;
use super::{json, omnivirt, serve, stderr_of};

/// A config file with one context per served vendor and one that cannot connect.
fn config(served: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("omnivirt-cli-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::new();
    for (vendor, url) in served {
        text += &format!(
            "[contexts.{vendor}]\nvendor = \"{vendor}\"\nurl = \"{url}\"\nuser = \"{}\"\n\
             password-env = \"PW\"\n\n",
            sim_user(vendor)
        );
    }
    text += "[contexts.dead]\nvendor = \"ovirt\"\nurl = \"http://127.0.0.1:9/ovirt-engine/api\"\n\
             user = \"admin@internal\"\npassword-env = \"PW\"\n";
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn several_contexts_list_as_one_and_a_failing_one_hides_nothing() {
    let (_a, ovirt) = serve("ovirt");
    let (_b, zstack) = serve("zstack");
    let cfg = config(&[("ovirt", &ovirt), ("zstack", &zstack)]);
    let run = |args: &[&str]| {
        omnivirt()
            .env("PW", "admin")
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .output()
            .unwrap()
    };
    let count = |ctx: &str| {
        let out = run(&["--context", ctx, "vm", "list", "-o", "json"]);
        assert!(out.status.success(), "{ctx}: {}", stderr_of(&out));
        json(&out.stdout).as_array().unwrap().len()
    };
    let (n_ovirt, n_zstack) = (count("ovirt"), count("zstack"));

    let out = run(&["--context", "ovirt,zstack", "vm", "list", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let vms = json(&out.stdout);
    let vms = vms.as_array().unwrap();
    assert_eq!(vms.len(), n_ovirt + n_zstack);
    for ctx in ["ovirt", "zstack"] {
        let n = vms.iter().filter(|v| v["context"] == ctx).count();
        assert_eq!(n, if ctx == "ovirt" { n_ovirt } else { n_zstack }, "{ctx}");
    }
    assert!(
        vms.iter()
            .all(|v| v["id"].is_string() && v["name"].is_string())
    );

    // A cluster named in each context resolves in each (the ids differ by vendor).
    let out = run(&[
        "--context",
        "ovirt,zstack",
        "vm",
        "list",
        "--cluster",
        "cluster-01",
        "-o",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let some = json(&out.stdout);
    let some = some.as_array().unwrap();
    assert!(some.iter().any(|v| v["context"] == "ovirt"), "{some:?}");
    assert!(some.iter().any(|v| v["context"] == "zstack"), "{some:?}");
    assert!(some.len() < vms.len());

    // Every context, one of them unreachable: the others are listed, the failure is one line
    // naming its context, and the exit code is 1.
    let out = run(&["--all-contexts", "cluster", "list", "-o", "table"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("CONTEXT"), "{table}");
    assert_eq!(table.matches("ovirt").count(), 2, "{table}");
    assert_eq!(table.matches("zstack").count(), 2, "{table}");
    let err = stderr_of(&out);
    let about_dead: Vec<_> = err.lines().filter(|l| l.contains("context dead")).collect();
    assert_eq!(about_dead.len(), 1, "{err}");
    assert!(about_dead[0].contains("transport"), "{err}");
    assert!(
        !err.contains("ovirt:") && !err.contains("context zstack"),
        "{err}"
    );

    // Several contexts are for listings only.
    let out = run(&["--context", "ovirt,zstack", "vm", "get", "vm-00001"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("only to list commands"));
}
