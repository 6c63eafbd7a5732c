//! Update only the attributes that change: the request carries nothing else.
//!
//! `cargo run -p omnivirt-ovirt --example update_vm`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use omnivirt_ovirt::types::Vm;

#[tokio::main]
async fn main() -> omnivirt_core::Result<()> {
    let conn = common::connect()?;
    let vm = conn.system().vms().list().max(1).send().await?.remove(0);
    let change = Vm {
        description: Some("owner: team-a".into()),
        memory: Some(4 << 30),
        ..Vm::default()
    };
    println!("PUT body: {}", change.to_xml());
    let svc = conn.system().vms().vm(vm.id.as_deref().unwrap_or_default());
    let after = svc.update(change).send().await?;
    println!(
        "{}: description {:?}, memory {:?} (was {:?}), name kept: {:?}",
        after.id.as_deref().unwrap_or("?"),
        after.description,
        after.memory,
        vm.memory,
        after.name
    );
    conn.close().await
}
