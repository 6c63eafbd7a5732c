//! Serves the simulator's CloudTower skin over loopback HTTP, for clients in any language
//! (the official Python SDK check uses it).
//!
//! ```text
//! cargo run -p omnivirt-cloudtower --example sim_server -- [--port N] [--seconds N] [--vms N]
//! ```
//!
//! Prints `listening on http://127.0.0.1:PORT/v2/api` and serves for `--seconds` (default 600),
//! or until stdin closes when `--until-stdin-closes` is given. Login: admin / admin.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_sim::skins::cloudtower::CloudTowerSkin;
use omnivirt_sim::{SimServer, World, WorldConfig};
use tokio::io::AsyncReadExt;

fn arg(args: &[String], name: &str) -> Option<u64> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = arg(&args, "--port").unwrap_or(0) as u16;
    let seconds = arg(&args, "--seconds").unwrap_or(600);
    let vms = arg(&args, "--vms").unwrap_or(20) as u32;
    let world = Arc::new(World::new(WorldConfig::builder().vms(vms).build()));
    let addr = format!("127.0.0.1:{port}")
        .parse()
        .expect("loopback address");
    let server = SimServer::start(world, vec![Arc::new(CloudTowerSkin::new())], addr)
        .await
        .expect("start the simulator");
    println!("listening on {}/v2/api", server.url());
    if args.iter().any(|a| a == "--until-stdin-closes") {
        let mut sink = Vec::new();
        let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    } else {
        tokio::time::sleep(Duration::from_secs(seconds)).await;
    }
    server.shutdown().await;
}
