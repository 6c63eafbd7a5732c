//! The generated types: the shared verbatim samples (fixtures/zstack/samples, from
//! zstackio/zstack) decode into them; a sample built from the model for every one of the
//! model's classes decodes with nothing left over and encodes back to itself; unknown fields
//! and enum values are kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use omnivirt_zstack::generated::types::{
    self, ErrorCode, ErrorCodeList, HostInventory, HwMonitorStatus, L3NetworkInventory,
    VmInstanceInventory,
};
use serde_json::{Map, Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample(rel: &str) -> Value {
    let p = root().join("../../fixtures/zstack/samples").join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

#[test]
fn the_shared_samples_decode_and_round_trip() {
    let vm: VmInstanceInventory =
        serde_json::from_value(sample("inventories/vm_instance.json")["inventory"].clone())
            .unwrap();
    assert_eq!(vm.uuid.as_deref(), Some("94d991c631674b16be65bfdf28b9e84a"));
    assert_eq!(vm.vm_nics.as_ref().unwrap().len(), 4);
    assert_eq!(vm.create_date.as_deref(), Some("Apr 30, 2014 6:11:47 PM"));
    let nic = &vm.vm_nics.as_ref().unwrap()[0];
    assert!(nic.mac.is_some() && nic.l3_network_uuid.is_some());
    // `internalId` is not in the SDK class: kept, not dropped.
    assert_eq!(vm.extra.get("internalId"), Some(&json!(1)));

    let l3: L3NetworkInventory =
        serde_json::from_value(sample("inventories/l3_network.json")["inventory"].clone()).unwrap();
    let ranges = l3.ip_ranges.as_ref().unwrap();
    assert!(!ranges.is_empty() && ranges[0].start_ip.is_some());

    for (file, class) in [
        ("inventories/vm_instance.json", "VmInstanceInventory"),
        ("inventories/host.json", "HostInventory"),
        ("inventories/cluster.json", "ClusterInventory"),
        ("inventories/zone.json", "ZoneInventory"),
        ("inventories/volume.json", "VolumeInventory"),
        (
            "inventories/volume_snapshot.json",
            "VolumeSnapshotInventory",
        ),
        (
            "inventories/primary_storage.json",
            "PrimaryStorageInventory",
        ),
        ("inventories/l3_network.json", "L3NetworkInventory"),
        ("rest/get_zone_by_uuid_200.json", "ZoneInventory"),
    ] {
        let whole = sample(file);
        // zone.json is the bare inventory; the others wrap it.
        let inv = whole.get("inventory").cloned().unwrap_or(whole);
        let Value::Object(inv) = inv else {
            panic!("{file}: no inventory object")
        };
        let (back, _) = types::reencode(class, inv.clone()).unwrap();
        assert_eq!(
            without_nulls(&Value::Object(back)),
            without_nulls(&Value::Object(inv)),
            "{file}"
        );
    }

    // The error code list: `causes` is not a field of the SDK's ErrorCode (a subclass has
    // it), so it is kept in `extra`.
    let err: ErrorCode =
        serde_json::from_value(sample("errors/api_event_error_codelist.json")["error"].clone())
            .unwrap();
    assert_eq!(
        err.location.as_deref(),
        Some("VmInstanceBase.java: call-pre-vm-migration-extension (location:1/2)")
    );
    assert_eq!(err.extra.get("causes").unwrap()[0]["code"], "SYS.1000");
    // ErrorCodeList (ErrorCode + causes) reads them as typed errors.
    let list: ErrorCodeList =
        serde_json::from_value(sample("errors/api_event_error_codelist.json")["error"].clone())
            .unwrap();
    let causes = list.causes.unwrap();
    assert_eq!(causes[0].code.as_deref(), Some("SYS.1000"));
    assert_eq!(causes[0].details.as_deref(), Some("on purpose"));
    assert!(list.extra.is_empty());
}

#[test]
fn enums_keep_unknown_values_and_bad_fields_land_in_extra() {
    let host: HostInventory = serde_json::from_value(json!({
        "uuid": "h1",
        "cpuStatus": "Normal",
        "memoryStatus": "Smoking",
        "cpuNum": "eight",
        "premiumOnly": {"a": 1},
        "totalCpuCapacity": null,
    }))
    .unwrap();
    assert_eq!(host.cpu_status, Some(HwMonitorStatus::Normal));
    assert_eq!(
        host.memory_status,
        Some(HwMonitorStatus::Unrecognized("Smoking".into()))
    );
    assert_eq!(host.memory_status.as_ref().unwrap().as_str(), "Smoking");
    assert_eq!(host.cpu_num, None);
    assert_eq!(host.extra.get("cpuNum"), Some(&json!("eight")));
    assert_eq!(host.extra.get("premiumOnly"), Some(&json!({"a": 1})));
    let back = serde_json::to_value(&host).unwrap();
    assert_eq!(
        back,
        json!({"uuid": "h1", "cpuStatus": "Normal", "memoryStatus": "Smoking",
            "cpuNum": "eight", "premiumOnly": {"a": 1}})
    );
    // null and missing are both fine.
    let empty: HostInventory = serde_json::from_value(Value::Null).unwrap();
    assert!(empty.uuid.is_none() && empty.extra.is_empty());
    assert!(serde_json::from_value::<HostInventory>(json!([1])).is_err());
}

struct Row {
    kind: String,
    extends: Option<String>,
    fields: Vec<(String, String)>,
    values: Vec<String>,
}

fn model() -> BTreeMap<String, Row> {
    let text = std::fs::read_to_string(root().join("model/inventories.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (c_class, c_kind, c_ext, c_values, c_fields) = (
        col("class"),
        col("kind"),
        col("extends"),
        col("enum_values"),
        col("fields_typed"),
    );
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let fields = c[c_fields]
                .split(';')
                .filter(|f| *f != "-" && !f.is_empty())
                .map(|f| {
                    let (n, t) = f.split_once(':').unwrap();
                    (n.to_string(), t.to_string())
                })
                .collect();
            (
                c[c_class].to_string(),
                Row {
                    kind: c[c_kind].to_string(),
                    extends: (c[c_ext] != "-").then(|| c[c_ext].to_string()),
                    fields,
                    values: c[c_values].split('|').map(str::to_string).collect(),
                },
            )
        })
        .collect()
}

/// A value of model type `ty`, as the server would send it.
fn value_of(ty: &str, model: &BTreeMap<String, Row>) -> Value {
    let outer = ty.split('<').next().unwrap();
    match outer {
        "String" | "java.sql.Timestamp" => json!("text"),
        "Integer" | "int" | "Long" | "long" => json!(42),
        "Boolean" | "boolean" => json!(true),
        "Double" | "double" | "Float" => json!(1.5),
        "List" | "Set" => json!([]),
        "Map" | "LinkedHashMap" => json!({"k": "v"}),
        "Object" => json!({"any": [1]}),
        name => match model.get(name) {
            Some(r) if r.kind == "enum" => json!(r.values[0]),
            Some(_) => json!({}),
            None => json!("opaque"),
        },
    }
}

#[test]
fn a_sample_of_every_model_class_decodes_with_nothing_left_over() {
    let model = model();
    let mut structs = 0;
    for (name, row) in &model {
        if row.kind == "enum" {
            continue;
        }
        let mut chain = vec![row];
        let mut cur = row;
        while let Some(p) = cur.extends.as_ref().and_then(|p| model.get(p)) {
            chain.push(p);
            cur = p;
        }
        let mut sample = Map::new();
        for r in chain.iter().rev() {
            for (f, ty) in &r.fields {
                sample.insert(f.clone(), value_of(ty, &model));
            }
        }
        let (back, extra) = types::reencode(name, sample.clone())
            .unwrap_or_else(|| panic!("{name} has no generated type"));
        assert!(extra.is_empty(), "{name}: {extra:?} did not decode");
        assert_eq!(back, sample, "{name}");
        structs += 1;
    }
    assert_eq!(structs, 645);
    assert!(types::reencode("HwMonitorStatus", Map::new()).is_none());
}

#[test]
fn every_result_class_of_its_own_decodes_a_sample() {
    use omnivirt_zstack::generated::results;
    let model = model();
    let text = std::fs::read_to_string(root().join("model/actions.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (c_class, c_fields) = (col("result_class"), col("result_fields_typed"));
    let mut seen = std::collections::BTreeSet::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let c: Vec<&str> = line.split('\t').collect();
        let fields: Vec<(&str, &str)> = c[c_fields]
            .split(';')
            .filter(|f| *f != "-" && !f.is_empty())
            .map(|f| f.split_once(':').unwrap())
            .collect();
        let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
        let common = matches!(
            names.as_slice(),
            ["inventory"] | ["inventories"] | ["inventories", "total"]
        );
        let class = c[c_class];
        if common || fields.is_empty() || class == "-" || !seen.insert(class.to_string()) {
            continue;
        }
        let sample: Map<String, Value> = fields
            .iter()
            .map(|(f, ty)| (f.to_string(), value_of(ty, &model)))
            .collect();
        let (back, extra) = results::reencode(class, sample.clone())
            .unwrap_or_else(|| panic!("{class} has no generated result type"));
        assert!(extra.is_empty(), "{class}: {extra:?} did not decode");
        assert_eq!(back, sample, "{class}");
    }
    assert_eq!(seen.len(), 231, "result classes with a shape of their own");
    // And one decodes from the text of a reply, typed.
    let v: results::GetVersionResult =
        serde_json::from_str(r#"{"version": "5.2.1", "success": true}"#).unwrap();
    assert_eq!(v.version.as_deref(), Some("5.2.1"));
    assert_eq!(v.extra.get("success"), Some(&json!(true)));
}
