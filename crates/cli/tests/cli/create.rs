//! `vm create` with the whole spec: template (or `--image`), networks, storage, user data, tags.

use super::{json, sim, stderr_of};

#[test]
fn vm_create_takes_networks_storage_user_data_and_tags_by_name() {
    let dir = std::env::temp_dir().join(format!("omnivirt-cli-create-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let user_data = dir.join("user-data.yaml");
    std::fs::write(&user_data, "#cloud-config\npassword: cli-secret-91c2\n").unwrap();
    let at_file = format!("@{}", user_data.display());
    let out = sim()
        .args([
            "vm",
            "create",
            "--name",
            "web-9",
            "--cluster",
            "cluster-01",
            "--image",
            "template-01",
            "--network",
            "vlan-101",
            "--network",
            "vlan-101",
            "--storage",
            "pool-01",
            "--tag",
            "web",
            "--tag",
            "prod",
            "--user-data",
            &at_file,
            "--wait",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let vm = json(&out.stdout);
    assert_eq!(vm["name"], "web-9");
    assert_eq!(vm["tags"], serde_json::json!(["web", "prod"]));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr_of(&out)
    );
    assert!(!all.contains("cli-secret-91c2"), "user data leaked: {all}");

    // A network of another cluster is refused by the platform, one line.
    let out = sim()
        .args([
            "vm",
            "create",
            "--name",
            "web-10",
            "--cluster",
            "cluster-01",
            "--network",
            "vlan-102",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("not available in cluster"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn inline_user_data_and_unreadable_files_are_usage_errors() {
    for (arg, want) in [
        ("password: x", "not inline text"),
        ("@/nonexistent/user-data", "cannot read --user-data file"),
    ] {
        let out = sim()
            .args([
                "vm",
                "create",
                "--name",
                "w",
                "--cluster",
                "cluster-01",
                "--user-data",
                arg,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{arg}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert!(err.contains(want), "{arg}: {err}");
        assert!(!err.contains("password: x"), "{err}");
    }
}
