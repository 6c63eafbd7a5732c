//! Follow a VM's disk attachments to its disks: with `follow=` in one request, or link by link.
//!
//! `cargo run -p omnivirt-ovirt --example follow_disks`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use omnivirt_ovirt::types::{DiskAttachment, Object};

#[tokio::main]
async fn main() -> omnivirt_core::Result<()> {
    let conn = common::connect()?;
    // One request: the engine inlines attachments and their disks.
    let vms = conn
        .system()
        .vms()
        .list()
        .max(3)
        .follow("disk_attachments.disk")
        .send()
        .await?;
    for vm in &vms {
        for a in vm.disk_attachments.iter().flatten() {
            // The followed disk came inlined: read it whole.
            let d = a.disk.as_ref().map(|d| d.object()).transpose()?;
            let d = d.as_ref();
            println!(
                "{} -> {} ({} bytes, bootable {:?})",
                vm.name.as_deref().unwrap_or("?"),
                d.and_then(|d| d.name.as_deref()).unwrap_or("?"),
                d.and_then(|d| d.provisioned_size).unwrap_or(0),
                a.bootable
            );
        }
    }
    // Link by link, as `connection.follow_link` does in the Python SDK.
    let vm = &vms[0];
    let href = vm.link("diskattachments").unwrap_or_default();
    let atts: Vec<DiskAttachment> = conn.follow_link_list(href).await?;
    for a in atts {
        let disk_href = a.disk.as_ref().and_then(|d| d.href()).unwrap_or_default();
        let disk: omnivirt_ovirt::types::Disk = conn.follow_link(disk_href).await?;
        println!("followed {disk_href}: status {:?}", disk.status);
    }
    conn.close().await
}
