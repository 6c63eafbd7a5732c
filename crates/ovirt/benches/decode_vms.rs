//! Decoding one `<vms>` document of 10,000 realistic VMs (~8 KB each, ~35 links) into typed VMs,
//! next to the raw quick-xml event loop over the same bytes.
//!
//! `cargo bench -p omnivirt-ovirt --bench decode_vms`; for VMs/s, peak memory and the Python
//! SDK side by side run `cargo run --release -p omnivirt-ovirt --example bench_decode`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use omnivirt_ovirt::types::Vm;

#[path = "support.rs"]
mod support;

fn bench(c: &mut Criterion) {
    let doc = support::vms_doc(&support::vm_template(), 0, 10_000);
    let mut g = c.benchmark_group("vms_10k");
    g.throughput(Throughput::Bytes(doc.len() as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    // Freeing the VMs is not timed (the Python figure does not time it either).
    g.bench_function("typed_vms", |b| {
        b.iter_with_large_drop(|| {
            let vms = Vm::list_from_xml(&doc).unwrap();
            assert_eq!(vms.len(), 10_000);
            vms
        })
    });
    // The generated type (every field of the model's Vm) over the same bytes.
    g.bench_function("raw_event_loop", |b| {
        b.iter(|| support::raw_event_loop(&doc))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
