//! The generated operation table against the model it came from.
#![allow(clippy::unwrap_used)] // a test helper outside #[test] may unwrap too

use std::collections::BTreeSet;

use omnivirt_core::api::ParamIn;
use omnivirt_ovirt::api::OPERATIONS;

fn model_methods() -> usize {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/model/services.json"))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let counted: usize = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["methods"].as_array().unwrap().len())
        .sum();
    assert_eq!(v["counts"]["methods"].as_u64().unwrap() as usize, counted);
    counted
}

/// The model method an operation runs: its summary ends in `(Service.method).`.
fn service_method(op: &omnivirt_core::api::ApiOperation) -> &str {
    let start = op.summary.rfind('(').unwrap();
    &op.summary[start..]
}

#[test]
fn every_model_method_is_an_operation_on_every_path_of_its_service_with_a_unique_name() {
    let methods: BTreeSet<&str> = OPERATIONS.iter().map(service_method).collect();
    assert_eq!(methods.len(), model_methods());
    assert_eq!(methods.len(), 706);
    assert_eq!(OPERATIONS.len(), 1189);
    let names: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.name).collect();
    assert_eq!(names.len(), OPERATIONS.len(), "names are unique");
    // A service with several parents is reachable under each of them.
    for parent in [
        "/vms/{vm}",
        "/hosts/{host}",
        "/templates/{template}",
        "/groups/{group}",
    ] {
        let name = format!("{parent}/tags:list");
        let op = OPERATIONS.iter().find(|o| o.name == name).unwrap();
        assert_eq!(service_method(op), "(AssignedTagsService.list).", "{name}");
        assert_eq!(op.path, format!("{parent}/tags"));
    }
}

#[test]
fn names_paths_and_parameters_follow_the_scheme() {
    for op in OPERATIONS {
        let (template, method) = op.name.rsplit_once(':').unwrap();
        assert!(!method.is_empty(), "{}", op.name);
        assert!(op.path.starts_with('/'), "{}", op.name);
        assert!(op.path.starts_with(template), "{} vs {}", op.name, op.path);
        assert!(
            matches!(op.method, "GET" | "POST" | "PUT" | "DELETE"),
            "{}",
            op.name
        );
        // Every {variable} has a required path parameter, and nothing else is a path parameter.
        let vars: Vec<&str> = op
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let path_params: Vec<&str> = op
            .params
            .iter()
            .filter(|p| p.location == ParamIn::Path)
            .map(|p| p.name)
            .collect();
        assert_eq!(vars, path_params, "{}", op.name);
        if op.method == "POST" && op.params.iter().any(|p| p.location == ParamIn::Action) {
            assert_eq!(op.body, "Action", "{}", op.name);
        }
    }
    let op = |n: &str| omnivirt_core::api::find(OPERATIONS, n).unwrap();
    let start = op("/vms/{vm}:start");
    assert_eq!((start.method, start.path), ("POST", "/vms/{vm}/start"));
    assert!(start.is_async);
    assert_eq!(start.param("action.vm").unwrap().location, ParamIn::Action);
    assert_eq!(start.param("use_cloud_init").unwrap().ty, "Boolean");
    let add = op("/vms/{vm}/nics:add");
    assert_eq!(
        (add.method, add.path, add.body),
        ("POST", "/vms/{vm}/nics", "Nic")
    );
    assert!(add.param("body").unwrap().required);
    let list = op("/vms:list");
    assert_eq!(list.result, "Vm[]");
    assert_eq!(list.param("search").unwrap().location, ParamIn::Query);
    let remove = op("/disks/{disk}:remove");
    assert_eq!(remove.method, "DELETE");
    assert_eq!(op("/:get").path, "/");
}
