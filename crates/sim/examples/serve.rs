#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Serves a seeded World on loopback through every compiled-in skin until Ctrl-C.
//!
//! ```text
//! cargo run -p omnivirt-sim --example serve -- [PORT] [VMS]
//! curl -s -XPOST localhost:PORT/sim/v1/login -d '{"user":"admin","password":"admin"}'
//! ```

use std::sync::Arc;
use std::time::Instant;

use omnivirt_sim::{SimServer, World, WorldConfig, skins};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().map(|p| p.parse()).transpose()?.unwrap_or(0);
    let vms: u32 = args.next().map(|p| p.parse()).transpose()?.unwrap_or(1000);

    let started = Instant::now();
    let world = Arc::new(World::new(WorldConfig::builder().vms(vms).build()));
    eprintln!("built a world of {vms} VMs in {:?}", started.elapsed());

    let server = SimServer::start(world, skins::all(), ([127, 0, 0, 1], port).into()).await?;
    println!("{}", server.url());
    for skin in server.skins() {
        eprintln!(
            "{:<11} {}{}  {}",
            skin.vendor(),
            server.url(),
            skin.mount(),
            skin.credentials_hint()
        );
    }
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
