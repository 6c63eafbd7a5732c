//! Every request body the crate builds: equal to the vendor's documented samples where one
//! exists, and valid against the 4.6.0 OpenAPI request schema of its endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod filters;
mod mutations;
mod samples;

use omnivirt_cloudtower::filter::{VmWhere, WhereInput};
use omnivirt_cloudtower::query::Query;
use omnivirt_cloudtower::vm::VmCreate;
use serde_json::Value;

fn sample(name: &str) -> Value {
    let p = format!(
        "{}/../../fixtures/cloudtower/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// The HA, 4x4-CPU, 4 GiB VM of the `create-vm` samples.
fn sample_vm(name: &str) -> VmCreate {
    VmCreate::new("cluster_id", name)
        .ha(true)
        .cpu(4, 4)
        .memory_bytes(4294967296)
}

fn q<W: WhereInput>(q: Query<W>) -> Value {
    q.to_body().unwrap()
}

fn vm_id() -> VmWhere {
    VmWhere::new().id().eq("vm_id")
}
