//! Create VMs from a content-library template, then power them on and off in batches: one
//! `where: {id_in: [...]}` per operation, one task per VM, one batched `get-tasks` per poll.
//! Runs against the in-process simulator with no arguments.
//!
//! ```text
//! cargo run -p omnivirt-cloudtower --example template_batch_power
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_cloudtower::filter::VmWhere;
use omnivirt_cloudtower::model::{Bus, StoragePolicy, VmNicModel};
use omnivirt_cloudtower::query::Query;
use omnivirt_cloudtower::tasks::{WaitTasks, task_ids};
use omnivirt_cloudtower::vm::{DiskOperate, DiskParams, NewDisk, NicParams, VmFromTemplate};
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
    let wait = WaitTasks::default().interval(Duration::from_millis(200));

    let template = tower
        .content_library_vm_templates()
        .list(Query::all())
        .await?
        .remove(0);
    let cluster = tower.clusters().list(Query::all()).await?.remove(0);
    // Generated model fields are Options (a tower may omit any); these two always come.
    let (template_id, template_name) = (
        template.id.unwrap_or_default(),
        template.name.unwrap_or_default(),
    );
    let (cluster_id, cluster_name) = (
        cluster.id.unwrap_or_default(),
        cluster.name.unwrap_or_default(),
    );
    println!("template {template_name} -> cluster {cluster_name}");

    let specs: Vec<VmFromTemplate> = (1..=3)
        .map(|i| {
            VmFromTemplate::new(
                template_id.clone(),
                cluster_id.clone(),
                format!("app-{i:02}"),
            )
            .cpu(1, 2)
            .memory_bytes(4 << 30)
            .nics(vec![
                NicParams::vlan("vlan-default").model(VmNicModel::Virtio),
            ])
            .disk_operate(
                DiskOperate::new().add_disks(DiskParams::new().create(NewDisk::new(
                    format!("app-{i:02}-data"),
                    20 << 30,
                    StoragePolicy::Replica2Thin,
                    Bus::Virtio,
                    1,
                ))),
            )
        })
        .collect();
    let created = tower.vm().create_from_template(&specs).await?;
    tower.wait_tasks(&task_ids(&created), wait.clone()).await?;
    let ids: Vec<String> = created.iter().filter_map(|w| w.data.id.clone()).collect();
    println!("created {} VMs", ids.len());

    let batch = VmWhere::new().id().in_(ids.clone());
    let started = tower.vm().start(&batch, None).await?;
    let tasks = tower.wait_tasks(&task_ids(&started), wait.clone()).await?;
    println!("start: {} tasks succeeded", tasks.len());
    let restarted = tower.vm().restart(&batch).await?;
    tower
        .wait_tasks(&task_ids(&restarted), wait.clone())
        .await?;
    println!("restart: {} tasks succeeded", restarted.len());
    let down = tower.vm().shutdown(&batch).await?;
    tower.wait_tasks(&task_ids(&down), wait.clone()).await?;
    println!("shutdown: {} tasks succeeded", down.len());
    for vm in tower.vms().list_where(batch.clone()).await? {
        println!(
            "  {} {}",
            vm.name.unwrap_or_default(),
            vm.status.map(|s| s.to_string()).unwrap_or_default()
        );
    }
    let gone = tower.vm().delete(&batch, Some(true)).await?;
    tower.wait_tasks(&task_ids(&gone), wait).await?;
    println!(
        "deleted {} VMs; {} left in the tower",
        gone.len(),
        tower.vms().count(VmWhere::new()).await?
    );
    tower.close().await
}
