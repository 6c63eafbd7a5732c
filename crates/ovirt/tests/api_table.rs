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

#[test]
fn every_model_method_is_one_operation_per_path_with_a_unique_name() {
    // The summary names the model method: `Lists the collection (AssignedTagsService.list).`
    let method = |summary: &str| {
        let (_, m) = summary.rsplit_once('(').unwrap();
        m.trim_end_matches(").").to_owned()
    };
    let methods: BTreeSet<String> = OPERATIONS.iter().map(|o| method(o.summary)).collect();
    assert_eq!(methods.len(), model_methods());
    assert_eq!(methods.len(), 706);
    assert_eq!(
        OPERATIONS.len(),
        1189,
        "a method once per path of its service"
    );
    let names: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.name).collect();
    assert_eq!(names.len(), OPERATIONS.len(), "names are unique");
}

#[test]
fn a_service_reachable_from_two_parents_is_listed_under_both() {
    let op = |n: &str| omnivirt_core::api::find(OPERATIONS, n).unwrap();
    for (name, path) in [
        ("/vms/{vm}/tags:list", "/vms/{vm}/tags"),
        ("/hosts/{host}/tags:list", "/hosts/{host}/tags"),
        ("/groups/{group}/tags:list", "/groups/{group}/tags"),
    ] {
        let o = op(name);
        assert_eq!((o.method, o.path), ("GET", path), "{name}");
        assert!(o.summary.contains("(AssignedTagsService.list)"), "{name}");
    }
    assert_eq!(op("/vms/{vm}/tags:add").method, "POST");
    assert_eq!(
        op("/hosts/{host}/tags/{tag}:remove").path,
        "/hosts/{host}/tags/{tag}"
    );
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
