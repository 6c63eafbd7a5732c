//! Generator tests: a small model in, expected snippets out; and the real model's counts.

use super::model::{Kind, Model};
use super::*;

const TYPES: &str = r#"{"enums": [{"name": "VmStatus", "values": ["up", "down"]}],
 "structs": [
  {"name": "Vm", "xml_element": "vm", "xml_collection": "vms", "attributes": [
    {"name": "id", "kind": "string", "xml_tag": "id", "xml_attribute": true, "link_rel": null},
    {"name": "name", "kind": "string", "xml_tag": "name", "xml_attribute": false, "link_rel": null},
    {"name": "status", "kind": "enum:VmStatus", "xml_tag": "status", "xml_attribute": false},
    {"name": "nics", "kind": "list:Nic", "item_kind": "struct:Nic", "item_xml_tag": "nic",
     "xml_tag": "nics", "xml_attribute": false, "link_rel": "nics"}]},
  {"name": "Nic", "xml_element": "nic", "xml_collection": "nics", "attributes": [
    {"name": "id", "kind": "string", "xml_tag": "id", "xml_attribute": true},
    {"name": "vm", "kind": "struct:Vm", "xml_tag": "vm", "xml_attribute": false}]},
  {"name": "Action", "xml_element": "action", "xml_collection": "actions", "attributes": [
    {"name": "async", "kind": "boolean", "xml_tag": "async", "xml_attribute": false},
    {"name": "vm", "kind": "struct:Vm", "xml_tag": "vm", "xml_attribute": false}]}]}"#;

const SERVICES: &str = r#"{"counts": {"methods": 7}, "root": {"path": "", "service": "SystemService"},
 "services": [
  {"name": "SystemService", "methods": [
     {"name": "get", "kind": "get", "http_method": "GET", "path": "", "params": [], "output": null}],
   "locators": [{"name": "nics", "parameter": null, "path": "nics", "service": "NicsService"},
                {"name": "vms", "parameter": null, "path": "vms", "service": "VmsService"}]},
  {"name": "VmsService", "methods": [
     {"name": "add", "kind": "add", "http_method": "POST", "path": "", "output": {"kind": "struct:Vm"},
      "params": [{"name": "vm", "kind": "struct:Vm", "location": "body", "required": true, "wire_name": null},
                 {"name": "clone", "kind": "boolean", "location": "query", "wire_name": "clone"}]},
     {"name": "list", "kind": "list", "http_method": "GET", "path": "", "output": {"kind": "list:Vm"},
      "params": [{"name": "max", "kind": "integer", "location": "query", "wire_name": "max"}]}],
   "locators": [{"name": "vm", "parameter": "id", "path": "{id}", "service": "VmService"}]},
  {"name": "VmService", "methods": [
     {"name": "start", "kind": "action", "http_method": "POST", "path": "start", "output": null,
      "params": [{"name": "async", "kind": "boolean", "location": "action", "wire_name": "async"},
                 {"name": "vm", "kind": "struct:Vm", "location": "action", "wire_name": "vm"}]},
     {"name": "remove", "kind": "remove", "http_method": "DELETE", "path": "", "output": null, "params": []}],
   "locators": [{"name": "nics", "parameter": null, "path": "nics", "service": "NicsService"}]},
  {"name": "NicsService", "methods": [], "locators": [
     {"name": "nic", "parameter": "id", "path": "{id}", "service": "NicService"}]},
  {"name": "NicService", "methods": [
     {"name": "get", "kind": "get", "http_method": "GET", "path": "", "output": {"kind": "struct:Nic"}, "params": []}],
   "locators": []},
  {"name": "MoveableService", "methods": [
     {"name": "move", "kind": "action", "http_method": "POST", "path": "move", "output": null, "params": []}],
   "locators": []}
 ]}"#;

fn small() -> Model {
    Model::parse(TYPES, SERVICES).unwrap()
}

#[test]
fn parses_the_small_model() {
    let m = small();
    assert_eq!(m.structs.len(), 3);
    assert_eq!(m.structs[0].name, "Action", "sorted by name");
    let vm = m.strukt("Vm").unwrap();
    let nics = vm.attrs.iter().find(|a| a.name == "nics").unwrap();
    assert_eq!(nics.kind, Kind::List(Box::new(Kind::Struct("Nic".into()))));
    assert_eq!(nics.item_tag.as_deref(), Some("nic"));
    assert_eq!(nics.link_rel.as_deref(), Some("nics"));
    assert!(vm.attrs.iter().any(|a| a.name == "id" && a.xml_attribute));
    assert_eq!(m.services.len(), 6);
}

#[test]
fn refuses_a_broken_model() {
    let bad = SERVICES.replace("\"methods\": 7", "\"methods\": 8");
    assert!(
        Model::parse(TYPES, &bad)
            .unwrap_err()
            .contains("7 methods read")
    );
    let bad = TYPES.replace(
        "struct:Nic\", \"item_xml_tag",
        "struct:Nope\", \"item_xml_tag",
    );
    assert!(
        Model::parse(&bad, SERVICES)
            .unwrap_err()
            .contains("unknown type")
    );
    let bad = SERVICES.replace("\"location\": \"query\"", "\"location\": \"header\"");
    assert!(Model::parse(TYPES, &bad).unwrap_err().contains("location"));
}

#[test]
fn names_paths_and_params() {
    let ops = ops::operations(&small()).unwrap();
    let names: Vec<&str> = ops.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "/:get",
            "/vms:add",
            "/vms:list",
            "/vms/{vm}:start",
            "/vms/{vm}:remove",
            "/nics/{nic}:get",
            "/vms/{vm}/nics/{nic}:get",
            "/{href}:move",
        ]
    );
    let start = &ops[3];
    assert_eq!(
        (start.http.as_str(), start.path.as_str()),
        ("POST", "/vms/{vm}/start")
    );
    assert!(start.is_async, "takes async");
    assert_eq!(
        start.params[0],
        ("vm".into(), "path", "String".into(), true)
    );
    assert_eq!(
        start.params[2],
        ("action.vm".into(), "action", "Vm".into(), false)
    );
    assert_eq!(start.body, "Action");
    assert_eq!(start.result, "Action");
    let add = &ops[1];
    assert_eq!(add.body, "Vm");
    assert_eq!(add.params[0], ("body".into(), "body", "Vm".into(), true));
    assert_eq!(
        add.params[1],
        ("clone".into(), "query", "Boolean".into(), false)
    );
    assert_eq!(ops[2].result, "Vm[]");
    // NicsService is reachable from the root and from a VM: its methods are listed under both.
    assert_eq!(ops[5].vars, ["nic"]);
    assert_eq!(ops[5].path, "/nics/{nic}");
    assert_eq!(ops[6].vars, ["vm", "nic"]);
    assert_eq!(ops[6].path, "/vms/{vm}/nics/{nic}");
    assert_eq!(
        (ops[5].service.as_str(), ops[5].method.as_str()),
        ("NicService", "get")
    );
    assert_eq!(
        (ops[6].service.as_str(), ops[6].method.as_str()),
        ("NicService", "get")
    );
    assert_eq!(ops[7].path, "/{href}/move");
    assert_eq!(ops[0].path, "/");
}

#[test]
fn emits_the_table() {
    let files = generate_from(&small()).unwrap();
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert!(paths.contains(&"crates/ovirt/src/generated/api/mod.rs".to_string()));
    assert!(paths.contains(&"crates/ovirt/src/generated/api/g_vms.rs".to_string()));
    let table = &files
        .iter()
        .find(|f| f.path.ends_with("api/mod.rs"))
        .unwrap()
        .text;
    assert!(table.starts_with(crate::HEADER));
    assert!(table.contains(
        "ApiOperation::new(\"/vms/{vm}:start\", \"POST\", \"/vms/{vm}/start\").params(g_vms::VMS_VM_START_PARAMS).result(\"Action\").body(\"Action\").asynchronous()"
    ), "{table}");
    let vms = &files
        .iter()
        .find(|f| f.path.ends_with("g_vms.rs"))
        .unwrap()
        .text;
    assert!(
        vms.contains("ApiParam::new(\"body\", ParamIn::Body, \"Vm\").required()"),
        "{vms}"
    );
    assert!(vms.contains("ApiParam::new(\"vm\", ParamIn::Path, \"String\").required()"));
    assert!(vms.contains("ApiParam::new(\"async\", ParamIn::Action, \"Boolean\")"));
    for f in &files {
        crate::rustfmt(&f.text).unwrap();
    }
}

#[test]
fn const_names_stay_unique() {
    let mut ops = ops::operations(&small()).unwrap();
    ops[1].name = "/vms:list".into();
    let names = api::const_names(&ops);
    assert_eq!(names[1], "VMS_LIST_PARAMS");
    assert_eq!(names[2], "VMS_LIST_2_PARAMS");
    assert_eq!(names[0], "GET_PARAMS");
}

#[test]
fn the_real_model_gives_706_methods_on_1189_path_operations() {
    let files = generate(&crate::workspace_root()).unwrap();
    let root = crate::workspace_root();
    let model = Model::parse(
        &std::fs::read_to_string(root.join(super::TYPES)).unwrap(),
        &std::fs::read_to_string(root.join(super::SERVICES)).unwrap(),
    )
    .unwrap();
    let ops = ops::operations(&model).unwrap();
    assert_eq!(ops.len(), 1189, "every method once per path of its service");
    let methods: std::collections::BTreeSet<(&str, &str)> = ops
        .iter()
        .map(|o| (o.service.as_str(), o.method.as_str()))
        .collect();
    assert_eq!(methods.len(), 706, "every method of the model");
    for path in [
        "/vms/{vm}/tags:list",
        "/hosts/{host}/tags:list",
        "/groups/{group}/tags:list",
        "/vms/{vm}/tags:add",
        "/vms/{vm}/tags/{tag}:remove",
        "/hosts/{host}/permissions:list",
        "/vms/{vm}/permissions:add",
    ] {
        assert!(ops.iter().any(|o| o.name == path), "{path}");
    }
    let tags = ops
        .iter()
        .find(|o| o.name == "/hosts/{host}/tags:list")
        .unwrap();
    assert_eq!(tags.service, "AssignedTagsService");
    assert_eq!(tags.vars, ["host"]);
    assert_eq!(model.structs.len(), 220);
    assert_eq!(model.enums.len(), 115);
    let start = ops.iter().find(|o| o.name == "/vms/{vm}:start").unwrap();
    assert_eq!(start.path, "/vms/{vm}/start");
    let add = ops.iter().find(|o| o.name == "/vms/{vm}/nics:add").unwrap();
    assert_eq!(
        (add.http.as_str(), add.path.as_str()),
        ("POST", "/vms/{vm}/nics")
    );
    assert!(
        ops.iter().any(|o| o.name == "/vms/{vm}/disks/{disk}:get"),
        "a mount"
    );
    let methods = files
        .iter()
        .filter(|f| f.path.to_string_lossy().contains("/methods/"))
        .map(|f| f.text.matches("pub async fn ").count())
        .sum::<usize>();
    assert_eq!(methods, 1189, "one typed method per operation");
    let structs = files
        .iter()
        .filter(|f| f.path.to_string_lossy().contains("/types/"))
        .map(|f| f.text.matches("\npub struct ").count())
        .sum::<usize>();
    assert_eq!(
        structs, 220,
        "every struct (links are the runtime's packed Links)"
    );
    for f in &files {
        let lines = f.text.lines().count();
        assert!(lines < 8000, "{} has {lines} lines", f.path.display());
    }
}

#[test]
fn emits_the_schema() {
    let files = generate_from(&small()).unwrap();
    let table = &files
        .iter()
        .find(|f| f.path.ends_with("schema/mod.rs"))
        .unwrap()
        .text;
    assert!(
        table.contains("TypeInfo::new(\"Vm\", \"vm\", \"vms\", t_v::VM_FIELDS),"),
        "{table}"
    );
    let v = &files
        .iter()
        .find(|f| f.path.ends_with("schema/t_v.rs"))
        .unwrap()
        .text;
    assert!(v.contains("F::new(\"id\", S::String).attr(),"), "{v}");
    assert!(
        v.contains("F::new(\"nics\", S::Struct).of(\"Nic\").list(\"nic\").rel(\"nics\"),"),
        "{v}"
    );
    assert!(
        v.contains("F::new(\"status\", S::Enum).of(\"VmStatus\"),"),
        "{v}"
    );
}

#[test]
fn emits_typed_methods_and_types() {
    let files = generate_from(&small()).unwrap();
    let vms = &files
        .iter()
        .find(|f| f.path.ends_with("methods/g_vms.rs"))
        .unwrap()
        .text;
    assert!(vms.contains("pub async fn vms_vm_start(&self, vm: &str, action: &Action, query: &Query) -> Result<Action>"), "{vms}");
    assert!(
        vms.contains("let path = format!(\"/vms/{}/start\", g::segment(vm));"),
        "{vms}"
    );
    assert!(
        vms.contains("pub async fn vms_add(&self, body: &Vm, query: &Query) -> Result<Vm>"),
        "{vms}"
    );
    assert!(
        vms.contains("Vm::list_from_xml(&self.xml(Method::GET, path, query, None).await?)"),
        "{vms}"
    );
    let any = &files
        .iter()
        .find(|f| f.path.ends_with("methods/g_any.rs"))
        .unwrap()
        .text;
    assert!(any.contains("g::href_path(href)?"), "{any}");
    let v = &files
        .iter()
        .find(|f| f.path.ends_with("types/t_v.rs"))
        .unwrap()
        .text;
    assert!(v.contains("pub struct Vm {"), "{v}");
    assert!(v.contains("pub status: Option<VmStatus>,"), "{v}");
    assert!(v.contains("pub nics: Option<Vec<Nic>>,"), "{v}");
    assert!(
        v.contains("b\"nics\" => g::set_list(x, empty, &mut v.nics, Nic::read)?,"),
        "{v}"
    );
    assert!(v.contains("\"up\" => Self::Up,"), "{v}");
    assert!(v.contains("Other(String),"), "{v}");
    let n = &files
        .iter()
        .find(|f| f.path.ends_with("types/t_n.rs"))
        .unwrap()
        .text;
    // A reference to another object is a `Linked`, not a boxed copy of it.
    assert!(n.contains("pub vm: Option<Linked<Vm>>,"), "{n}");
    for f in &files {
        crate::rustfmt(&f.text).unwrap();
    }
}

#[test]
fn names_of_methods_and_types() {
    let ops = ops::operations(&small()).unwrap();
    let names = methods::method_names(&ops);
    assert_eq!(names[0], "get");
    assert_eq!(names[3], "vms_vm_start");
    assert_eq!(names[5], "nics_nic_get");
    assert_eq!(names[6], "vms_vm_nics_nic_get");
    assert_eq!(names[7], "href_move");
    assert_eq!(types::rust_type("Option"), "OptionEntry");
    let e = model::Enum {
        name: "E".into(),
        values: vec!["x86_64".into(), "other".into(), "x8_664".into()],
    };
    let v = types::variants(&e);
    assert_eq!(v[0].0, "X8664");
    assert_eq!(v[1].0, "OtherValue");
    assert_eq!(v[2].0, "X86642", "made unique");
}
