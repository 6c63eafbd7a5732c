//! Serves the simulator's oVirt skin on loopback HTTP, so any client (the official Python SDK,
//! curl, this crate) can talk to it.
//!
//! ```text
//! cargo run -p omnivirt-ovirt --example serve_sim            # 127.0.0.1:0, until Ctrl-C
//! cargo run -p omnivirt-ovirt --example serve_sim -- 127.0.0.1:8080 --vms 50
//! ```
//!
//! The first line printed is `listening on http://127.0.0.1:PORT/ovirt-engine/api`; log in as
//! `admin@internal` / `admin`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use omnivirt_sim::skins::ovirt::OvirtSkin;
use omnivirt_sim::{SimServer, World, WorldConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut addr = "127.0.0.1:0".to_owned();
    let mut vms = 20;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--vms" => vms = args.next().ok_or("--vms needs a number")?.parse()?,
            other => addr = other.to_owned(),
        }
    }
    let world = Arc::new(World::new(WorldConfig::builder().vms(vms).build()));
    let server = SimServer::start(world, vec![Arc::new(OvirtSkin::new())], addr.parse()?).await?;
    println!("listening on {}/ovirt-engine/api", server.url());
    eprintln!("user admin@internal, password admin; Ctrl-C to stop");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
