//! Decoding a 10,000-VM `get-vms` answer (~22 MB, every spec field): the generated `Vec<Vm>`
//! (which `model::Vm` is) through the crate's reader (`json::from_slice`, what the client uses)
//! and through `serde_json`, against `serde_json::Value`. Peak memory and the Python SDK
//! comparison: `benches/compare.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use omnivirt_cloudtower::model::Vm;

#[path = "vm_body.rs"]
mod vm_body;

const N: usize = 10_000;

fn decode(c: &mut Criterion) {
    let body = vm_body::body(N);
    let mut g = c.benchmark_group("get_vms_10k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("typed Vec<Vm>", |b| {
        b.iter(|| {
            let vms: Vec<Vm> = omnivirt_cloudtower::json::from_slice(&body).unwrap();
            assert_eq!(vms.len(), N);
            vms
        })
    });
    g.bench_function("typed Vec<Vm> through serde_json", |b| {
        b.iter(|| {
            let vms: Vec<Vm> = serde_json::from_slice(&body).unwrap();
            assert_eq!(vms.len(), N);
            vms
        })
    });
    g.bench_function("serde_json::Value", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v.as_array().map(Vec::len), Some(N));
            v
        })
    });
    g.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
