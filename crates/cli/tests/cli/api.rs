//! `omnivirt api` (issue 9): every operation of each vendor's model from the command line,
//! against each vendor's simulator.

use super::new_user::against;
use super::*;

fn api_json(args: &[&str]) -> Value {
    let out = omnivirt().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    json(&out.stdout)
}

#[test]
fn api_list_covers_every_operation_of_each_model_without_a_server() {
    for (vendor, count, sample, method, path) in [
        ("ovirt", 1189, "/vms/{vm}:start", "POST", "/vms/{vm}/start"),
        (
            "ovirt",
            1189,
            "/hosts/{host}/tags:list",
            "GET",
            "/hosts/{host}/tags",
        ),
        ("cloudtower", 554, "get-vms", "POST", "/get-vms"),
        ("zstack", 1905, "QueryVmInstance", "GET", "/v1/vm-instances"),
        ("veil", 122, "domain.start", "POST", "/domains/{id}/start/"),
    ] {
        let ops = api_json(&["--vendor", vendor, "api", "list", "-o", "json"]);
        let ops = ops.as_array().unwrap();
        assert_eq!(ops.len(), count, "{vendor}");
        let mut names: Vec<&str> = ops.iter().map(|o| o["name"].as_str().unwrap()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "{vendor}: names are not unique");
        let d = api_json(&["--vendor", vendor, "api", "describe", sample, "-o", "json"]);
        assert_eq!(d["method"], method, "{vendor} {sample}");
        assert_eq!(d["path"], path, "{vendor} {sample}");
        assert!(d["params"].is_array());
    }
    let out = omnivirt()
        .args(["--vendor", "zstack", "api", "describe", "QueryVmInstanse"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("did you mean QueryVmInstance"),
        "{}",
        stderr_of(&out)
    );
    let out = omnivirt()
        .args(["--vendor", "sim", "api", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A stopped VM's id on the served simulator, through the uniform CLI.
fn stopped_vm(vendor: &str, url: &str) -> String {
    let out = against(vendor, url)
        .args(["vm", "list", "--state", "stopped", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    json(&out.stdout)[0]["id"].as_str().unwrap().to_owned()
}

/// One read, one action that runs as a task or job (followed to its end), one missing
/// parameter (exit 2), one operation the simulator does not serve (the vendor's own error).
fn api_call_round(vendor: &str, read: &[&str], action: &[&str], missing: &str, unserved: &[&str]) {
    let (_server, url) = serve(vendor);
    let vm = stopped_vm(vendor, &url);
    let fill =
        |words: &[&str]| -> Vec<String> { words.iter().map(|w| w.replace("{VM}", &vm)).collect() };
    let out = against(vendor, &url)
        .args(["api", "call"])
        .args(fill(read))
        .output()
        .unwrap();
    assert!(out.status.success(), "{vendor} read: {}", stderr_of(&out));
    let v = json(&out.stdout);
    assert!(v.is_object() || v.is_array(), "{vendor} read: {v}");

    let out = against(vendor, &url)
        .args(["api", "call"])
        .args(fill(action))
        .output()
        .unwrap();
    assert!(out.status.success(), "{vendor} action: {}", stderr_of(&out));
    // The action was followed to its end: the VM is running now.
    let out = against(vendor, &url)
        .args(["vm", "get", &vm, "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&out.stdout)["state"], "running", "{vendor}");

    let out = against(vendor, &url)
        .args(["api", "call", missing])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{vendor} missing parameter");
    let err = stderr_of(&out);
    assert!(
        err.starts_with("error: invalid_input: missing required"),
        "{vendor}: {err}"
    );

    let out = against(vendor, &url)
        .args(["api", "call"])
        .args(unserved)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{vendor} unserved: {}",
        stderr_of(&out)
    );
    let err = stderr_of(&out);
    assert_eq!(err.lines().count(), 1, "{vendor}: {err}");
    assert!(!err.contains("panicked"), "{vendor}: {err}");
}

#[test]
fn api_call_ovirt() {
    api_call_round(
        "ovirt",
        &["/vms/{vm}:get", "vm={VM}"],
        &["/vms/{vm}:start", "vm={VM}"],
        "/vms/{vm}:get",
        &["/openstackimageproviders:list"],
    );
}

#[test]
fn api_call_cloudtower() {
    api_call_round(
        "cloudtower",
        &["get-vms", "first=2"],
        &["start-vm", "--body", "{\"where\":{\"id\":\"{VM}\"}}"],
        "start-vm",
        &["get-everoute-clusters"],
    );
}

#[test]
fn api_call_zstack() {
    api_call_round(
        "zstack",
        &["QueryVmInstance", "limit=2"],
        &["StartVmInstance", "uuid={VM}"],
        "StartVmInstance",
        &["QueryInstanceOffering"],
    );
}

#[test]
fn api_call_veil() {
    api_call_round(
        "veil",
        &["domain.list", "limit=2"],
        &["domain.start", "id={VM}"],
        "domain.info",
        &["iso.list"],
    );
}
