//! Contexts: the config file, `context use/add`, and the request timeout.

use super::*;
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
