//! `omnivirt_cloudtower::json::from_slice` against `serde_json::from_slice`: the same value for
//! every input, or both fail. Inputs: every response recorded in `fixtures/cloudtower/`, every
//! sample, the model's example of every schema, the 2 kB-per-VM `get-vms` page compact and
//! pretty, and thousands of mutations of them (flipped, inserted, deleted and repeated bytes,
//! truncations). Typed values are compared through `Debug` (the generated types have no
//! `PartialEq`; `Debug` of a `f64` tells every bit pattern apart but NaN, which JSON has not).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
mod common;
#[path = "../benches/vm_body.rs"]
mod vm_body;

use std::fmt::Debug;
use std::path::Path;

use common::example::{Examples, model};
use omnivirt_cloudtower::convert::{self, ListedVm};
use omnivirt_cloudtower::generated::types::{
    Alert, Cluster, ContentLibraryVmTemplate, Datacenter, Disk, Host, Task, Vm, VmDisk, VmNic,
    VmSnapshot, VmVolume,
};
use omnivirt_cloudtower::json::from_slice;
use omnivirt_cloudtower::model::{Deleted, WithTask};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The outcome of one reader, as text.
fn outcome<T: Debug>(r: Result<T, impl std::fmt::Display>) -> Result<String, String> {
    r.map(|v| format!("{v:?}")).map_err(|e| e.to_string())
}

/// `true` when both decoded (to the same value); panics when they disagree.
#[track_caller]
fn same<T: DeserializeOwned + Debug>(input: &[u8], what: &str) -> bool {
    let theirs = outcome(serde_json::from_slice::<T>(input));
    let ours = outcome(from_slice::<T>(input));
    match (theirs, ours) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "{what} as {}", std::any::type_name::<T>());
            true
        }
        (Err(_), Err(e)) => {
            assert!(!e.contains('\n'), "{what}: the error is not one line: {e}");
            false
        }
        (a, b) => panic!(
            "{what} as {}: serde_json {a:?}, ours {b:?}\ninput: {}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(input)
        ),
    }
}

/// Every type of interest, on one input; how many decoded.
fn all_types(input: &[u8], what: &str) -> usize {
    [
        same::<Value>(input, what),
        same::<Vec<Vm>>(input, what),
        same::<Vm>(input, what),
        same::<Vec<Host>>(input, what),
        same::<Vec<Cluster>>(input, what),
        same::<Vec<Task>>(input, what),
        same::<Vec<Alert>>(input, what),
        same::<Vec<Disk>>(input, what),
        same::<Vec<Datacenter>>(input, what),
        same::<Vec<VmDisk>>(input, what),
        same::<Vec<VmNic>>(input, what),
        same::<Vec<VmSnapshot>>(input, what),
        same::<Vec<VmVolume>>(input, what),
        same::<Vec<ContentLibraryVmTemplate>>(input, what),
        same::<Vec<WithTask<Vm>>>(input, what),
        same::<Vec<WithTask<Deleted>>>(input, what),
        same::<String>(input, what),
        same::<Option<u32>>(input, what),
    ]
    .iter()
    .filter(|&&ok| ok)
    .count()
}

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Every response body and every sample, each compact and pretty.
fn recorded() -> Vec<(String, Vec<u8>)> {
    let dir = repo().join("fixtures/cloudtower");
    let mut out = Vec::new();
    let mut push = |name: String, v: &Value| {
        out.push((format!("{name} (compact)"), serde_json::to_vec(v).unwrap()));
        out.push((
            format!("{name} (pretty)"),
            serde_json::to_vec_pretty(v).unwrap(),
        ));
    };
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if !p.to_string_lossy().ends_with(".cassette.json") {
            continue;
        }
        let c: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        for (i, it) in c["interactions"].as_array().unwrap().iter().enumerate() {
            if let Some(body) = it["response"]["body"].get("json") {
                let name = format!("{}#{i} {}", p.display(), it["request"]["path"]);
                push(name, body);
            }
        }
    }
    for sub in ["samples", "openapi"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json") {
                let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                push(p.display().to_string(), &v);
            }
        }
    }
    out
}

#[test]
fn recorded_responses_and_samples_decode_the_same() {
    let bodies = recorded();
    assert!(bodies.len() > 100, "{} bodies", bodies.len());
    let decoded: usize = bodies.iter().map(|(n, b)| all_types(b, n)).sum();
    // Each body decodes as a `Value` at least, most as some typed answer too.
    assert!(decoded > 2 * bodies.len(), "{decoded}");
}

#[test]
fn the_model_example_of_every_schema_decodes_the_same() {
    let m = model();
    let ex = Examples::new(&m);
    let names: Vec<String> = m["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(names.len() > 1000);
    for name in &names {
        let v = ex.of(ex.schema(name), 0);
        let body = serde_json::to_vec(&v).unwrap();
        assert!(same::<Value>(&body, name));
        let list = serde_json::to_vec(&Value::Array(vec![v])).unwrap();
        all_types(&list, name);
    }
    // The main objects decode, typed, field by field.
    let list = |name: &str| serde_json::to_vec(&Value::Array(vec![ex.of(ex.schema(name), 0)]));
    assert!(same::<Vec<Vm>>(&list("Vm").unwrap(), "Vm"));
    assert!(same::<Vec<Host>>(&list("Host").unwrap(), "Host"));
    assert!(same::<Vec<Task>>(&list("Task").unwrap(), "Task"));
    assert!(same::<Vec<Cluster>>(&list("Cluster").unwrap(), "Cluster"));
}

#[test]
fn a_vm_page_decodes_the_same_compact_and_pretty() {
    let body = vm_body::body(50);
    assert!(same::<Vec<Vm>>(&body, "50 VMs"));
    assert!(same::<Value>(&body, "50 VMs"));
    let v: Value = serde_json::from_slice(&body).unwrap();
    let pretty = serde_json::to_vec_pretty(&v).unwrap();
    assert!(same::<Vec<Vm>>(&pretty, "50 VMs, pretty"));
    // Whitespace of every kind between every token.
    let spaced: Vec<u8> = String::from_utf8(pretty)
        .unwrap()
        .replace("\n", "\r\n\t")
        .replace(": ", " :  ")
        .into_bytes();
    assert!(same::<Vec<Vm>>(&spaced, "50 VMs, spaced"));
}

#[test]
fn hand_written_edges_decode_the_same() {
    let cases: &[&str] = &[
        r#"[{"id":"caf\u00e9","name":"\ud83d\ude00 \u4e2d\u6587","description":"tab\tquote\"slash\/back\\"}]"#,
        r#"[{"name":"\ud83d"}]"#,
        r#"[{"name":"\ude00"}]"#,
        r#"[{"status":"\ud83d"}]"#,
        r#"[{"status":"\ud83d\u0041"}]"#,
        r#"[{"status":"\ud83d\n"}]"#,
        r#"[{"\ud83d":1,"\ud83dx":2,"\ud83d\ud83d":3,"id":"ok"}]"#,
        r#"[{"vcpu":2147483647,"memory":9223372036854775807,"max_iops":-2147483648}]"#,
        r#"[{"vcpu":2147483648}]"#,
        r#"[{"memory":9223372036854775808}]"#,
        r#"[{"memory":-9223372036854775808}]"#,
        r#"[{"memory":-9223372036854775809}]"#,
        r#"[{"memory":1e3}]"#,
        r#"[{"memory":1.0}]"#,
        r#"[{"memory":-0}]"#,
        r#"[{"cpu_usage":-0}]"#,
        r#"[{"cpu_usage":-0.0,"memory_usage":1e-320,"guest_size_usage":1.7976931348623157e308}]"#,
        r#"[{"cpu_usage":1e309}]"#,
        r#"[{"cpu_usage":0.30000000000000004,"memory_usage":123456789012345678901234567890}]"#,
        r#"[{"cpu_usage":9007199254740993,"memory_usage":0.1234567890123456789}]"#,
        r#"[{"cpu_usage":1234567890123456789.5,"memory_usage":0.00000000000000000000001}]"#,
        r#"[{"cpu_usage":"12.5"}]"#,
        r#"[{"ha":null,"id":null,"labels":null,"cpu":null,"status":null,"out_uninstall_usb":null}]"#,
        r#"[{"labels":[null]}]"#,
        r#"[{"out_uninstall_usb":[null]}]"#,
        r#"[{"id":"a","id":"b","id":null}]"#,
        r#"[{"status":"RUNNING","status":"NEW_STATE"}]"#,
        r#"[{"extra":{"a":[1,2,{"b":null,"c":[true,false,-1.5E+2]}],"d":"\u0000"},"id":"x"}]"#,
        r#"[{"extra":[1,2,],"id":"x"}]"#,
        r#"[{"extra":{"a":1,},"id":"x"}]"#,
        r#"[{"extra":{"a" 1},"id":"x"}]"#,
        r#"[{"extra":{1:1},"id":"x"}]"#,
        r#"[{"extra":[01],"id":"x"}]"#,
        r#"[{"extra":[1.],"id":"x"}]"#,
        r#"[{"extra":[-],"id":"x"}]"#,
        r#"[{"extra":[1e],"id":"x"}]"#,
        r#"[{"extra":"\x","id":"x"}]"#,
        r#"[{"extra":"\u00g0","id":"x"}]"#,
        r#"[{"extra":nul,"id":"x"}]"#,
        r#"[{"extra":tru}]"#,
        r#"[{"id":"x"},]"#,
        r#"[{"id":"x"} {"id":"y"}]"#,
        r#"[{"id":"x",}]"#,
        r#"[{"id" "x"}]"#,
        r#"[{"id":"x"}]]"#,
        r#"[{"id":"x"}] trailing"#,
        "[{\"id\":\"a\u{7f}\u{1}\"}]",
        "[{\"status\":\"a\u{1}\"}]",
        "[{\"id\u{1}\":\"a\"}]",
        "[{\"extra\":\"a\u{1}\"}]",
        "\u{feff}[]",
        "[]",
        "",
        "null",
        "[{}]",
        "[[]]",
        r#"{"task_id":"t","data":{"id":"v"}}"#,
        r#"[{"task_id":"t","data":{"id":"v"}},{"data":null}]"#,
        r#"[{"task_id":"t"}]"#,
        r#""RUNNING""#,
        r#""\ud83d\ude00""#,
        "4294967295",
        "4294967296",
    ];
    for c in cases {
        all_types(c.as_bytes(), c);
    }
    // Bodies that are not UTF-8 are read by serde_json itself.
    for c in [
        &b"[{\"extra\":\"\xff\",\"id\":\"x\"}]"[..],
        b"[{\"\xff\":1}]",
        b"[{\"id\":\"\xff\"}]",
        b"[{\"status\":\"\xc3\xa9\xff\"}]",
    ] {
        all_types(c, &String::from_utf8_lossy(c));
    }
}

#[test]
fn nesting_is_bounded_and_skipping_is_not() {
    for n in [1, 100, 126, 127, 128, 129, 300, 20_000] {
        let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
        all_types(deep.as_bytes(), &format!("{n} arrays"));
        let objs = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        all_types(objs.as_bytes(), &format!("{n} objects"));
        let skipped = format!("[{{\"zzz\":{deep},\"id\":\"x\"}}]");
        all_types(skipped.as_bytes(), &format!("{n} arrays skipped"));
        // A known field nested too deep through the types themselves: `Vm.cpu` holds no Vm,
        // but `Value` fields and `Vec` do.
        let labels = format!("[{{\"labels\":{}]}}]", "[".repeat(n));
        all_types(labels.as_bytes(), &format!("{n} open lists"));
    }
}

/// A tiny deterministic generator (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"\\u",
    b"\\ud83d",
    b"\\ude00",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"-",
    b"0",
    b"1e",
    b".",
    b"E+",
    b"9999999999999999999999",
    b"-0",
    b" ",
    b"\n",
    b"\x01",
    b"\xff",
    b"\xc3\xa9",
    b"\"id\":",
    b"\"status\":",
    b"\"vcpu\":",
    b"\"labels\":[",
];

fn mutate(rng: &mut Lcg, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if at < v.len() => v[at] ^= 1 << rng.below(8),
            1 if at < v.len() => {
                let n = rng.below(8).min(v.len() - at);
                v.drain(at..at + n);
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            3 if at < v.len() => {
                let end = (at + rng.below(32)).min(v.len());
                let part = v[at..end].to_vec();
                v.splice(at..at, part);
            }
            4 => v.truncate(at),
            _ => {
                let b = [b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'-'];
                if at < v.len() {
                    v[at] = b[rng.below(b.len())];
                }
            }
        }
    }
    v
}

#[test]
fn mutations_decode_the_same_or_fail_on_both() {
    let mut seeds: Vec<Vec<u8>> = vec![vm_body::body(2)];
    let v: Value = serde_json::from_slice(&seeds[0]).unwrap();
    seeds.push(serde_json::to_vec_pretty(&v).unwrap());
    seeds.extend(
        recorded()
            .into_iter()
            .filter(|(_, b)| b.len() < 16 * 1024)
            .map(|(_, b)| b),
    );
    let mut rng = Lcg(0x5eed_c10d_70e4);
    let mut decoded = 0usize;
    for round in 0..6000 {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed);
        let what = format!("mutation {round}");
        decoded += usize::from(same::<Vec<Vm>>(&input, &what));
        decoded += usize::from(same::<Value>(&input, &what));
        decoded += usize::from(same::<Vec<WithTask<Vm>>>(&input, &what));
        decoded += usize::from(same::<Vec<Task>>(&input, &what));
        listed_converts_as_whole(&input, &what);
    }
    // Many mutations still decode (a changed value, an unknown key), so values are compared
    // too, not only failures.
    assert!(decoded > 2000, "{decoded}");
}

/// When the page decodes whole, it decodes in part (`ListedVm`, what the uniform listing reads)
/// and every VM converts to the same neutral VM. Returns how many VMs were compared.
#[track_caller]
fn listed_converts_as_whole(input: &[u8], what: &str) -> usize {
    let Ok(whole) = from_slice::<Vec<Vm>>(input) else {
        return 0;
    };
    let part = match from_slice::<Vec<ListedVm>>(input) {
        Ok(p) => p,
        // Skipping checks keys as strings, decoding reads them as bytes: a raw control
        // character in a key (which JSON forbids) fails only the read in part.
        Err(_) if serde_json::from_slice::<Value>(input).is_err() => return 0,
        Err(e) => panic!("{what}: decodes whole but not in part: {e}"),
    };
    assert_eq!(whole.len(), part.len(), "{what}");
    let n = whole.len();
    for (w, p) in whole.into_iter().zip(part) {
        assert_eq!(convert::vm(w), convert::vm(p.0), "{what}");
    }
    n
}

#[test]
fn a_vm_page_read_in_part_converts_as_read_whole() {
    let body = vm_body::body(300);
    assert_eq!(listed_converts_as_whole(&body, "300 VMs"), 300);
    // Every state the conversion tells apart, labels with and without values, duplicates,
    // nulls, and the model's example (every field).
    let mut vms: Vec<Value> = Vec::new();
    for (i, status) in [
        "RUNNING",
        "STOPPED",
        "SUSPENDED",
        "UNKNOWN",
        "DELETED",
        "NEW",
    ]
    .iter()
    .enumerate()
    {
        for busy in [
            Value::Null,
            "CREATING".into(),
            "UPDATING".into(),
            "DELETING".into(),
            "ODD".into(),
        ] {
            let mut v = vm_body::vm(i);
            v["status"] = (*status).into();
            v["entityAsyncStatus"] = busy;
            v["in_recycle_bin"] = (i % 2 == 0).into();
            v["labels"] = serde_json::json!([
                {"id": "l1", "key": "env", "value": ""},
                {"id": "l2", "key": "team", "value": null},
                {"id": "l3", "key": "k", "value": "v"}
            ]);
            vms.push(v);
        }
    }
    let mut nulls = vm_body::vm(7);
    for k in convert::VM_FIELDS {
        nulls[*k] = Value::Null;
    }
    vms.push(nulls);
    let mut empty = vm_body::vm(8);
    for k in convert::VM_FIELDS {
        empty.as_object_mut().unwrap().remove(*k);
    }
    vms.push(empty);
    let m = model();
    let ex = Examples::new(&m);
    vms.push(ex.of(ex.schema("Vm"), 0));
    let n = vms.len();
    let body = serde_json::to_vec(&Value::Array(vms)).unwrap();
    assert_eq!(listed_converts_as_whole(&body, "varied VMs"), n);
    let dup =
        br#"[{"id":"a","status":"RUNNING","vm_disks":[{"id":"d"}],"id":"b","status":"STOPPED"}]"#;
    assert_eq!(listed_converts_as_whole(dup, "duplicates"), 1);
    // Found by the fuzz target: a raw control character in a key of a skipped object.
    let ctrl = b"[{\"name\":\"a\",\"vm_nics\":[{\"con\x14ect\":\"v\"}]}]";
    assert!(from_slice::<Vec<Vm>>(ctrl).is_ok());
    assert!(from_slice::<Vec<ListedVm>>(ctrl).is_err());
    assert_eq!(
        listed_converts_as_whole(ctrl, "control character in a skipped key"),
        0
    );
}
