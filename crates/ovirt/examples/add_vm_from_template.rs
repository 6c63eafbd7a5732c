//! Add a VM from a template, wait until it is down, start it, wait until it is up.
//!
//! `cargo run -p omnivirt-ovirt --example add_vm_from_template`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use omnivirt_ovirt::types::{Linked, Vm, VmStatus};

#[tokio::main]
async fn main() -> omnivirt_core::Result<()> {
    let conn = common::connect()?;
    let system = conn.system();
    let cluster = system.clusters().list().max(1).send().await?.remove(0);
    // The first template that is not Blank, or Blank when there is none.
    let template = system
        .templates()
        .list()
        .send()
        .await?
        .into_iter()
        .find(|t| t.name.as_deref() != Some("Blank"))
        .and_then(|t| t.name)
        .unwrap_or_else(|| "Blank".into());

    let vms = system.vms();
    let vm = vms
        .add(Vm {
            name: Some("example-from-template".into()),
            cluster: Some(Linked::by_name(cluster.name.as_deref().unwrap_or_default())),
            template: Some(Linked::by_name(&template)),
            ..Vm::default()
        })
        .send()
        .await?;
    println!(
        "added {} from {template}: {}",
        vm.id.as_deref().unwrap_or("?"),
        vm.status.as_ref().map_or("?", |s| s.as_str())
    );
    let svc = vms.vm(vm.id.as_deref().unwrap_or_default());
    svc.wait_for_status(&[VmStatus::Down], Duration::from_secs(300))
        .await?;
    println!("down");
    svc.start().send().await?;
    let vm = svc
        .wait_for_status(&[VmStatus::Up], Duration::from_secs(300))
        .await?;
    println!(
        "up on host {}",
        vm.host.as_ref().and_then(|h| h.id()).unwrap_or_default()
    );
    conn.close().await
}
