//! Decoding a 10,000-VM `QueryVmInstance` answer built from the shared sample inventory (four
//! NICs and the volumes each): the generated `VmInstanceInventory` (what the uniform backend
//! reads) against the derived-serde `model::VmInstance` it replaced and `serde_json::Value`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use omnivirt_zstack::generated::types::VmInstanceInventory;
use omnivirt_zstack::model::VmInstance;
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
    g.bench_function("derived model::VmInstance", |b| {
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
