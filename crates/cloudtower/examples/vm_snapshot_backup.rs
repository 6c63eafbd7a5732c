//! Back up a VM with a snapshot, then find the iSCSI LUN snapshots behind it by
//! `snapshot_local_id`. Runs against the in-process simulator with no arguments.
//!
//! ```text
//! cargo run -p omnivirt-cloudtower --example vm_snapshot_backup
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_cloudtower::filter::{IscsiLunSnapshotWhere, VmWhere};
use omnivirt_cloudtower::model::{ConsistentType, VmStatus, VmToolsStatus};
use omnivirt_cloudtower::query::Query;
use omnivirt_cloudtower::tasks::{WaitTasks, task_ids};
use omnivirt_cloudtower::vm::SnapshotCreate;
use omnivirt_cloudtower::{CloudTowerClient, Credentials};
use omnivirt_sim::skins::cloudtower::CloudTowerSkin;
use omnivirt_sim::{SimTransport, World};

#[tokio::main(flavor = "current_thread")]
async fn main() -> omnivirt_core::Result<()> {
    let world = Arc::new(World::default());
    let transport = Arc::new(SimTransport::new(world, Arc::new(CloudTowerSkin::new())));
    let tower = CloudTowerClient::new(
        format!("{}/v2/api", SimTransport::BASE_URL),
        transport,
        Credentials::password("admin", "admin"),
    );

    let vm = tower
        .vms()
        .list(Query::new(VmWhere::new().status().eq(VmStatus::Running)).first(1))
        .await?
        .into_iter()
        .next()
        .expect("a running VM");
    // File-system consistency needs VMTools running in the guest; otherwise crash-consistent.
    let consistency = if vm.vm_tools_status == Some(VmToolsStatus::Running) {
        ConsistentType::FileSystemConsistent
    } else {
        ConsistentType::CrashConsistent
    };
    // Generated model types keep every field optional, as the spec allows a server to omit it.
    let (id, name) = (vm.id.unwrap_or_default(), vm.name.unwrap_or_default());
    println!("VM {name} ({id}), snapshot {consistency}");

    let created = tower
        .vm()
        .create_snapshot(&[
            SnapshotCreate::new(id, format!("{name}-backup")).consistency(consistency)
        ])
        .await?;
    let wait = WaitTasks::default().interval(Duration::from_millis(200));
    tower.wait_tasks(&task_ids(&created), wait).await?;
    let snapshot = tower
        .vm_snapshots()
        .get(created[0].data.id.as_deref().unwrap_or_default())
        .await?;
    println!(
        "snapshot {} ({}) at {}",
        snapshot.name.as_deref().unwrap_or(""),
        snapshot.id.as_deref().unwrap_or(""),
        snapshot.local_created_at.as_deref().unwrap_or("-")
    );

    let names: Vec<String> = snapshot
        .vm_disks
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| d.snapshot_local_id)
        .collect();
    let luns = tower
        .iscsi_lun_snapshots()
        .list_where(IscsiLunSnapshotWhere::new().name().in_(names.clone()))
        .await?;
    println!("{} disk(s), {} LUN snapshot(s):", names.len(), luns.len());
    for l in &luns {
        println!(
            "  {}  target {}  unique {} bytes",
            l.name.as_deref().unwrap_or(""),
            l.iscsi_target
                .as_ref()
                .and_then(|t| t.name.clone())
                .unwrap_or_default(),
            l.unique_size.unwrap_or(0)
        );
    }
    tower.close().await
}
