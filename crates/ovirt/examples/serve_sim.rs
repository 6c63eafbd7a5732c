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
//!
//! Before serving, one stopped VM is started with an injected failure, so the engine's record
//! of a failed command is there to read: a `failed` job and an `error` event, both found with
//! `search=correlation_id=serve-sim-failed-start` (the VM is down again). `--no-failed-start`
//! leaves the world untouched.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use omnivirt_core::{PowerAction, VmState};
use omnivirt_sim::skins::ovirt::OvirtSkin;
use omnivirt_sim::{Filter, Paging, SimServer, World, WorldConfig};

/// The correlation id of the failed start recorded before serving.
const FAILED_START: &str = "serve-sim-failed-start";

/// Starts one stopped VM with an injected failure and lets the World finish it.
fn record_failed_start(world: &World) -> Result<String, Box<dyn std::error::Error>> {
    let stopped = world.list_vms(
        &Filter::new().vm_state(VmState::Stopped),
        &Paging::new(0, 1),
    );
    let vm = stopped.items.first().ok_or("the world has no stopped VM")?;
    world
        .faults()
        .fail_next_task("SIM_HOST_OOM", "host has not enough free memory");
    let sub = world.power_vm(vm.id.as_str(), PowerAction::Start)?;
    world.update_task(sub.task.as_str(), |t| {
        t.extra.insert(
            "correlation_id".into(),
            serde_json::Value::String(FAILED_START.into()),
        );
    })?;
    world.settle();
    Ok(vm.name.clone())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut addr = "127.0.0.1:0".to_owned();
    let mut vms = 20;
    let mut failed_start = true;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--vms" => vms = args.next().ok_or("--vms needs a number")?.parse()?,
            "--no-failed-start" => failed_start = false,
            other => addr = other.to_owned(),
        }
    }
    let world = Arc::new(World::new(WorldConfig::builder().vms(vms).build()));
    if failed_start {
        let name = record_failed_start(&world)?;
        eprintln!("a failed start of {name} is recorded under correlation id {FAILED_START}");
    }
    let server = SimServer::start(world, vec![Arc::new(OvirtSkin::new())], addr.parse()?).await?;
    println!("listening on {}/ovirt-engine/api", server.url());
    eprintln!("user admin@internal, password admin; Ctrl-C to stop");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
