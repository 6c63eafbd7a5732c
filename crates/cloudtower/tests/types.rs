//! The generated model types: decoding samples built from the model (every field), the real
//! login answer and a 2 kB-per-VM `get-vms` page; tolerance (unknown enum values, unknown,
//! missing and null fields); writers produce the documented request samples and valid bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
mod common;
#[path = "../benches/vm_body.rs"]
mod vm_body;

use common::example::{Examples, model};
use common::schema::Spec;
use omnivirt_cloudtower::filter::WhereInput;
use omnivirt_cloudtower::generated::types::*;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn sample(name: &str) -> Value {
    let p = format!(
        "{}/../../fixtures/cloudtower/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// The model's example of `name` (every field two levels deep), decoded as `T`.
fn decode_example<T: DeserializeOwned>(ex: &Examples<'_>, name: &str) -> (Value, T) {
    let v = ex.of(ex.schema(name), 0);
    let text = serde_json::to_string(&v).unwrap();
    let t = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    (v, t)
}

#[test]
fn model_examples_of_the_main_objects_decode_field_by_field() {
    let m = model();
    let ex = Examples::new(&m);
    let (v, vm): (_, Vm) = decode_example(&ex, "Vm");
    assert_eq!(vm.id.as_deref(), Some("x"));
    assert_eq!(
        vm.status,
        Some(VmStatus::from_wire(v["status"].as_str().unwrap()))
    );
    assert_eq!(vm.cpu.as_ref().unwrap().cores, Some(1));
    assert_eq!(vm.cluster.as_ref().unwrap().id.as_deref(), Some("x"));
    assert_eq!(vm.vm_disks.as_ref().unwrap().len(), 1);
    assert_eq!(vm.memory, Some(1));
    assert_eq!(vm.cpu_usage, Some(1.5));
    assert!(vm.entity_async_status.is_some());
    let (_, host): (_, Host) = decode_example(&ex, "Host");
    assert_eq!(host.management_ip.as_deref(), Some("x"));
    assert!(host.status.is_some());
    let (_, cluster): (_, Cluster) = decode_example(&ex, "Cluster");
    assert!(cluster.r#type.is_some() && cluster.connect_state.is_some());
    let (_, task): (_, Task) = decode_example(&ex, "Task");
    assert_eq!(task.steps.as_ref().unwrap().len(), 1);
    assert!(task.status.is_some());
    let (_, alert): (_, Alert) = decode_example(&ex, "Alert");
    assert_eq!(alert.value, Some(1.5));
    let (_, disk): (_, Disk) = decode_example(&ex, "Disk");
    assert!(disk.r#type.is_some() && disk.host.is_some());
    let (_, snap): (_, VmSnapshot) = decode_example(&ex, "VmSnapshot");
    assert_eq!(snap.vm_disks.as_ref().unwrap().len(), 1);
    let (_, w): (_, WithTaskVm) = decode_example(&ex, "WithTask_Vm_");
    assert_eq!(w.data.unwrap().name.as_deref(), Some("x"));
    for name in [
        "Datacenter",
        "VmDisk",
        "VmNic",
        "VmVolume",
        "Label",
        "ElfImage",
        "ContentLibraryVmTemplate",
        "IscsiLunSnapshot",
        "ErrorBody",
    ] {
        let v = ex.of(ex.schema(name), 0);
        let text = serde_json::to_string(&v).unwrap();
        let ok = match name {
            "Datacenter" => serde_json::from_str::<Datacenter>(&text).map(|d| d.id.is_some()),
            "VmDisk" => serde_json::from_str::<VmDisk>(&text).map(|d| d.bus.is_some()),
            "VmNic" => serde_json::from_str::<VmNic>(&text).map(|d| d.model.is_some()),
            "VmVolume" => {
                serde_json::from_str::<VmVolume>(&text).map(|d| d.elf_storage_policy.is_some())
            }
            "Label" => serde_json::from_str::<Label>(&text).map(|d| d.key.is_some()),
            "ElfImage" => serde_json::from_str::<ElfImage>(&text).map(|d| d.size.is_some()),
            "ContentLibraryVmTemplate" => serde_json::from_str::<ContentLibraryVmTemplate>(&text)
                .map(|d| d.created_at.is_some()),
            "IscsiLunSnapshot" => {
                serde_json::from_str::<IscsiLunSnapshot>(&text).map(|d| d.unique_size.is_some())
            }
            _ => serde_json::from_str::<ErrorBody>(&text).map(|d| d.operation_name.is_some()),
        };
        assert!(ok.unwrap_or_else(|e| panic!("{name}: {e}")), "{name}");
    }
}

#[test]
fn the_real_login_answer_and_a_full_vm_page_decode() {
    let login: WithTaskLoginResponse =
        serde_json::from_value(sample("login.response.json")).unwrap();
    assert_eq!(login.data.unwrap().token.as_deref(), Some("string"));
    let body = vm_body::body(50);
    let vms: Vec<Vm> = serde_json::from_slice(&body).unwrap();
    let raw: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(vms.len(), 50);
    for (vm, v) in vms.iter().zip(raw.as_array().unwrap()) {
        assert_eq!(vm.id.as_deref(), v["id"].as_str());
        assert_eq!(vm.memory, v["memory"].as_i64());
        assert_eq!(
            vm.status.as_ref().map(VmStatus::as_str),
            v["status"].as_str()
        );
        assert_eq!(
            vm.vm_disks.as_ref().map(Vec::len),
            v["vm_disks"].as_array().map(Vec::len)
        );
        assert_eq!(
            vm.host.as_ref().and_then(|h| h.management_ip.as_deref()),
            v["host"]["management_ip"].as_str()
        );
    }
}

#[test]
fn decoding_is_tolerant() {
    let vm: Vm = serde_json::from_value(json!({
        "id": "a",
        "status": "HIBERNATING",
        "firmware": null,
        "brand_new_field": {"deep": [1, 2]},
        "entityAsyncStatus": "CREATING",
        "cluster": {"id": "c", "extra": true}
    }))
    .unwrap();
    assert_eq!(vm.status, Some(VmStatus::Other("HIBERNATING".into())));
    assert_eq!(vm.status.as_ref().unwrap().as_str(), "HIBERNATING");
    assert!(vm.firmware.is_none() && vm.name.is_none());
    assert_eq!(vm.entity_async_status, Some(EntityAsyncStatus::Creating));
    assert_eq!(vm.cluster.unwrap().id.as_deref(), Some("c"));
    // Keys with escapes decode too; an empty object is all defaults.
    let t: Task = serde_json::from_str(r#"{"i\u0064": "t", "status": "SUCCESSED"}"#).unwrap();
    assert_eq!(t.id.as_deref(), Some("t"));
    assert_eq!(t.status, Some(TaskStatus::Succeeded));
    // Keys are matched as bytes: a non-ASCII or escaped unknown key is skipped like any other,
    // and a key that only shares a known key's length is not mistaken for it.
    let vm: Vm =
        serde_json::from_str(r#"{"nämé": 1, "\u00fcx": [2], "ix": "no", "os": "linux"}"#).unwrap();
    assert_eq!(vm.os.as_deref(), Some("linux"));
    assert!(vm.id.is_none());
    let empty: Host = serde_json::from_str("{}").unwrap();
    assert!(empty.id.is_none());
    // A wrong type is still an error, naming the model's type.
    let err = serde_json::from_str::<Vm>(r#"{"memory": "lots"}"#).unwrap_err();
    assert!(err.to_string().contains("i64"), "{err}");
    let err = serde_json::from_str::<Vm>("[1]").unwrap_err();
    assert!(err.to_string().contains("a Vm object"), "{err}");
    // Lists: null is None, [] is empty, short lists are sized exactly, long ones keep all.
    let vm: Vm = serde_json::from_value(json!({
        "vm_disks": null, "vm_nics": [], "labels": [{"id": "l1"}],
        "snapshots": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}, {"id": "s4"}, {"id": "s5"}]
    }))
    .unwrap();
    assert!(vm.vm_disks.is_none());
    assert_eq!(vm.vm_nics.as_ref().map(Vec::len), Some(0));
    let labels = vm.labels.unwrap();
    assert_eq!((labels.len(), labels.capacity()), (1, 1));
    let ids: Vec<_> = vm
        .snapshots
        .unwrap()
        .into_iter()
        .filter_map(|s| s.id)
        .collect();
    assert_eq!(ids, ["s1", "s2", "s3", "s4", "s5"]);
    let err = serde_json::from_str::<Vm>(r#"{"labels": "x"}"#).unwrap_err();
    assert!(err.to_string().contains("a sequence"), "{err}");
    // Enums: known values round-trip; unknown ones are kept.
    for s in ["RUNNING", "STOPPED", "FUTURE_STATE"] {
        let e: VmStatus = serde_json::from_value(json!(s)).unwrap();
        assert_eq!(serde_json::to_value(&e).unwrap(), json!(s));
    }
    assert_eq!(DiskType::from_wire("NVMe_SSD"), DiskType::NvmeSsd);
    // Known values are matched as bytes; an unknown one must still be UTF-8.
    let e: VmStatus = serde_json::from_slice(b"\"RUNNING\"").unwrap();
    assert_eq!(e, VmStatus::Running);
    assert!(serde_json::from_slice::<VmStatus>(b"\"RUN\xffNING\"").is_err());
    assert!(serde_json::from_str::<VmStatus>("1").is_err());
}

/// The error text without its position (a one-step decode may report the column one further).
fn what(e: &serde_json::Error) -> String {
    let s = e.to_string();
    s.split(" at line ").next().unwrap_or(&s).to_owned()
}

#[test]
fn scalar_and_list_fields_decode_like_option_of_their_type() {
    // Strings, numbers, booleans and lists are read in one step (null or the value); each input
    // must give what `Option<T>` gives: the same value, or an error with the same text.
    let inputs = [
        "null",
        "0",
        "-5",
        "17179869184",
        "2147483648",
        "9223372036854775808",
        "1.5",
        "-0.0",
        "1e3",
        "true",
        "false",
        r#""x""#,
        r#""a\"b\u00e9\n""#,
        r#""""#,
        "[]",
        r#"["a", "b", "c", "d"]"#,
        "[1]",
        "{}",
    ];
    fn check<T>(field: &str, input: &str, get: impl Fn(&Vm) -> Option<T>)
    where
        T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let vm = serde_json::from_str::<Vm>(&format!(r#"{{"{field}": {input}}}"#));
        let plain = serde_json::from_str::<Option<T>>(input);
        match (&vm, &plain) {
            (Ok(vm), Ok(v)) => assert_eq!(&get(vm), v, "{field} = {input}"),
            (Err(a), Err(b)) => assert_eq!(what(a), what(b), "{field} = {input}"),
            _ => panic!(
                "{field} = {input}: {:?} against {plain:?}",
                vm.as_ref().map(get)
            ),
        }
    }
    for input in inputs {
        check("name", input, |vm| vm.name.clone());
        check("memory", input, |vm| vm.memory);
        check("vcpu", input, |vm| vm.vcpu);
        check("cpu_usage", input, |vm| vm.cpu_usage);
        check("ha", input, |vm| vm.ha);
        check("out_uninstall_usb", input, |vm| {
            vm.out_uninstall_usb.clone()
        });
    }
    // The same through a `Value` (the deserializer hands over owned strings).
    let vm: Vm = serde_json::from_value(json!({"name": "n", "memory": null, "ha": false})).unwrap();
    assert_eq!(
        (vm.name.as_deref(), vm.memory, vm.ha),
        (Some("n"), None, Some(false))
    );
}

#[test]
fn writers_produce_the_documented_samples() {
    let spec = Spec::from_model(&model());
    let create = vec![VmCreationParams {
        cluster_id: Some("cluster_id".into()),
        name: Some("vm_name".into()),
        ha: Some(true),
        cpu_cores: Some(4),
        cpu_sockets: Some(4),
        memory: Some(4294967296),
        vcpu: Some(16),
        status: Some(VmStatus::Stopped),
        firmware: Some(VmFirmware::Bios),
        vm_nics: Some(vec![VmNicParams {
            connect_vlan_id: Some("vlan_id".into()),
            ..Default::default()
        }]),
        vm_disks: Some(VmDiskParams {
            mount_cd_roms: Some(vec![VmCdRomParams {
                boot: Some(0),
                index: Some(0),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }];
    let body = serde_json::to_value(&create).unwrap();
    assert_eq!(body, sample("create-vm.request.simple.json"));
    assert!(spec.validate("/create-vm", &body).is_empty());

    // Filters: the generated builder gives the documented `where` (with vcpu_gt as a number,
    // which the spec wants), and decodes back to the same object.
    let w = VmWhereInput::new()
        .cluster(ClusterWhereInput::new().name().eq("clusterA"))
        .vcpu()
        .gt(2);
    let q = GetVmsRequestBody {
        r#where: Some(w.clone()),
        first: Some(10),
        order_by: Some(VmOrderByInput::NameAsc),
        ..Default::default()
    };
    let body = serde_json::to_value(&q).unwrap();
    assert_eq!(
        body,
        json!({"where": {"cluster": {"name": "clusterA"}, "vcpu_gt": 2}, "first": 10, "orderBy": "name_ASC"})
    );
    assert!(spec.validate("/get-vms", &body).is_empty());
    let back: VmWhereInput = serde_json::from_value(body["where"].clone()).unwrap();
    assert_eq!(back, w);
    assert_eq!(VmWhereInput::SCHEMA, "VmWhereInput");
    assert!(VmWhereInput::FIELDS.contains(&"entityAsyncStatus"));
    let w = VmWhereInput::new()
        .status()
        .in_([VmStatus::Running, VmStatus::Suspended])
        .vm_disks(omnivirt_cloudtower::filter::some(
            VmDiskWhereInput::new().boot().gte(0),
        ))
        .or([VmWhereInput::new().ha().eq(true)]);
    let body = json!({"where": w.into_json()});
    assert_eq!(body["where"]["status_in"], json!(["RUNNING", "SUSPENDED"]));
    assert_eq!(body["where"]["vm_disks_some"]["boot_gte"], 0);
    assert!(spec.validate("/get-vms", &body).is_empty(), "{body}");
}

#[test]
fn every_schema_has_a_type() {
    let m = model();
    let n = m["components"]["schemas"].as_object().unwrap().len();
    assert_eq!(n, 1813);
    // Components plus the inline objects and enums inside them.
    assert_eq!(TYPE_COUNT, 1936);
}
