//! Remove a VM but keep its disks (`detach_only=true`), and wait until it is gone.
//!
//! `cargo run -p omnivirt-ovirt --example remove_vm_detach_only`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use omnivirt_ovirt::types::VmStatus;

#[tokio::main]
async fn main() -> omnivirt_core::Result<()> {
    let conn = common::connect()?;
    let vms = conn.system().vms();
    let vm = vms
        .list()
        .search("status=down")
        .max(1)
        .follow("disk_attachments")
        .send()
        .await?
        .remove(0);
    let disks: Vec<String> = vm
        .disk_attachments
        .iter()
        .flatten()
        .filter_map(|a| a.id.clone())
        .collect();
    let svc = vms.vm(vm.id.as_deref().unwrap_or_default());
    svc.wait_for_status(&[VmStatus::Down], Duration::from_secs(60))
        .await?;
    svc.remove().detach_only(true).send().await?;
    svc.wait_for_removal(Duration::from_secs(300)).await?;
    println!("removed {}", vm.name.as_deref().unwrap_or("?"));
    for id in disks {
        let d = conn.system().disks().disk(&id).get().send().await?;
        println!(
            "disk {} kept: {:?}",
            d.name.as_deref().unwrap_or("?"),
            d.status
        );
    }
    conn.close().await
}
