//! Connect and list VMs with a server-side `search` and `max`, then walk every VM page by page.
//!
//! `cargo run -p omnivirt-ovirt --example list_vms`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use futures::TryStreamExt;
use omnivirt_ovirt::types::Object;

#[tokio::main]
async fn main() -> omnivirt_core::Result<()> {
    let conn = common::connect()?;
    let api = conn.system().get().await?;
    println!(
        "{} {}",
        api.product_name().unwrap_or("?"),
        api.product_version()
            .and_then(|v| v.full_version.as_deref())
            .unwrap_or("?")
    );

    let vms = conn
        .system()
        .vms()
        .list()
        .search("status=up sortby name asc")
        .max(5)
        .send()
        .await?;
    for vm in &vms {
        println!(
            "{:<12} {:<8} actions: {}",
            vm.name.as_deref().unwrap_or("?"),
            vm.status.as_ref().map_or("?", |s| s.as_str()),
            vm.actions().join(",")
        );
    }

    // Every VM, 5 per request, one page in memory at a time.
    let mut n = 0;
    let mut pages = conn
        .system()
        .vms()
        .list()
        .search("sortby name asc")
        .pages(5);
    while let Some(_vm) = pages.try_next().await? {
        n += 1;
    }
    println!("{n} VMs in total");
    conn.close().await
}
