//! A client-side filter with dotted paths and globs, for what the engine's search cannot say.
//!
//! `cargo run -p omnivirt-ovirt --example filter_hosts`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use omnivirt_ovirt::Filter;

#[tokio::main]
async fn main() -> omnivirt_core::Result<()> {
    let conn = common::connect()?;
    let hosts = conn.system().hosts().list().send().await?;
    let cluster = hosts
        .first()
        .and_then(|h| h.cluster.as_ref())
        .and_then(|c| c.id().map(str::to_owned))
        .unwrap_or_default();
    let filter = Filter::from_pairs([
        ("name", "host-0?-0*"),
        ("cluster.id", cluster.as_str()),
        ("status", "up"),
    ]);
    for h in filter.apply(hosts) {
        println!(
            "{} {} {}",
            h.name.as_deref().unwrap_or("?"),
            h.address.as_deref().unwrap_or("?"),
            h.status.as_ref().map_or("?", |s| s.as_str())
        );
    }
    conn.close().await
}
