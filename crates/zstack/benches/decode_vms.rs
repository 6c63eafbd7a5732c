//! Decoding a 10,000-VM `QueryVmInstance` answer built from the shared sample inventory (four
//! NICs and the volumes each): the generated `VmInstanceInventory` (what the uniform backend
//! reads) against a derived-serde struct of the shape the hand-written inventory had before it
//! (named fields plus a flattened `extra`) and `serde_json::Value`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::collections::BTreeMap;

use omnivirt_zstack::generated::types::VmInstanceInventory;
use omnivirt_zstack::native::results::Inventories;
use serde::Deserialize;
use serde_json::Value;

const N: usize = 10_000;

/// The query reply with `N` copies of the sample VM, each with its own uuid and name.
fn body() -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/zstack/samples/inventories/vm_instance.json");
    let sample: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    let vm = &sample["inventory"];
    let vms: Vec<Value> = (0..N)
        .map(|i| {
            let mut v = vm.clone();
            v["uuid"] = Value::from(format!("{i:032x}"));
            v["name"] = Value::from(format!("vm-{i:05}"));
            v
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"inventories": vms, "total": N})).unwrap()
}

#[derive(Deserialize)]
struct Reply<T> {
    inventories: Vec<T>,
}

/// The derived reference: the fields the uniform backend reads, the rest flattened.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
#[allow(dead_code)]
struct VmInstance {
    uuid: String,
    name: String,
    description: Option<String>,
    zone_uuid: Option<String>,
    cluster_uuid: Option<String>,
    host_uuid: Option<String>,
    image_uuid: Option<String>,
    root_volume_uuid: Option<String>,
    platform: Option<String>,
    memory_size: Option<u64>,
    cpu_num: Option<u32>,
    state: Option<String>,
    create_date: Option<String>,
    vm_nics: Vec<Nic>,
    all_volumes: Vec<BTreeMap<String, Value>>,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
#[allow(dead_code)]
struct Nic {
    uuid: String,
    l3_network_uuid: Option<String>,
    ip: Option<String>,
    mac: Option<String>,
    device_id: Option<i64>,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

fn decode(c: &mut Criterion) {
    let body = body();
    let mut g = c.benchmark_group("query_vms_10k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("generated VmInstanceInventory", |b| {
        b.iter(|| {
            let r: Inventories<VmInstanceInventory> = serde_json::from_slice(&body).unwrap();
            assert_eq!(r.inventories.len(), N);
            r
        })
    });
    g.bench_function("derived struct", |b| {
        b.iter(|| {
            let r: Reply<VmInstance> = serde_json::from_slice(&body).unwrap();
            assert_eq!(r.inventories.len(), N);
            r.inventories
        })
    });
    g.bench_function("serde_json::Value", |b| {
        b.iter(|| {
            let v: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v["inventories"].as_array().map(Vec::len), Some(N));
            v
        })
    });
    g.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
