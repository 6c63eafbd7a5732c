//! The same engine through the neutral omnivirt API: create, start, stop, delete, and wait.
//!
//! `cargo run -p omnivirt-ovirt --example uniform_backend`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use futures::TryStreamExt;
use omnivirt_core::{Client, ListQuery, VmSpec, VmState};
use omnivirt_ovirt::OvirtBackend;

#[tokio::main]
async fn main() -> omnivirt_core::Result<()> {
    let client = Client::new(Arc::new(OvirtBackend::new(common::connect()?)));
    let running: Vec<_> = client
        .vms()
        .list(ListQuery::new().vm_state(VmState::Running))
        .try_collect()
        .await?;
    println!("{} running VMs", running.len());
    let cluster = client
        .clusters()
        .list(ListQuery::new())
        .try_next()
        .await?
        .expect("a cluster");
    let vm = client
        .vms()
        .create(
            &VmSpec::new("uniform-1", cluster.id)
                .vcpus(2)
                .memory_bytes(2 << 30),
        )
        .await?
        .wait()
        .await?;
    println!("created {} ({})", vm.name, vm.state);
    let vm = client.vms().start(&vm.id).await?.wait().await?;
    println!("{} is {}", vm.name, vm.state);
    let vm = client.vms().stop(&vm.id).await?.wait().await?;
    println!("{} is {}", vm.name, vm.state);
    client.vms().delete(&vm.id).await?.wait().await?;
    println!("deleted");
    client.close().await
}
