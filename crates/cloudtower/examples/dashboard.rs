//! A CloudTower dashboard: alerts by severity, physical-disk health, and cluster CPU, memory
//! and storage with human units. Runs against the in-process simulator with no arguments.
//!
//! ```text
//! cargo run -p omnivirt-cloudtower --example dashboard
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use omnivirt_cloudtower::filter::{AlertWhere, DiskWhere};
use omnivirt_cloudtower::model::{
    ClusterType, DiskHealthStatus, DiskType, DiskUsageStatus, Hypervisor,
};
use omnivirt_cloudtower::query::Query;
use omnivirt_cloudtower::{CloudTowerClient, Credentials};
use omnivirt_sim::skins::cloudtower::CloudTowerSkin;
use omnivirt_sim::{SimTransport, World};

fn bytes(n: f64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.2} {}", units[i])
}

fn hz(n: f64) -> String {
    let units = ["Hz", "KHz", "MHz", "GHz", "THz"];
    let mut v = n;
    let mut i = 0;
    while v >= 1000.0 && i + 1 < units.len() {
        v /= 1000.0;
        i += 1;
    }
    format!("{v:.2} {}", units[i])
}

fn pct(used: f64, total: f64) -> String {
    if total <= 0.0 {
        "-".into()
    } else {
        format!("{:.1}%", used * 100.0 / total)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> omnivirt_core::Result<()> {
    let world = Arc::new(World::default());
    let transport = Arc::new(SimTransport::new(world, Arc::new(CloudTowerSkin::new())));
    let tower = CloudTowerClient::new(
        format!("{}/v2/api", SimTransport::BASE_URL),
        transport,
        Credentials::password("admin", "admin"),
    );

    // Alerts: open ones, counted by severity.
    let alerts = tower
        .alerts()
        .list_where(AlertWhere::new().ended().eq(false))
        .await?;
    let mut by_sev: BTreeMap<String, usize> = BTreeMap::new();
    for a in &alerts {
        *by_sev
            .entry(a.severity.clone().unwrap_or_default())
            .or_default() += 1;
    }
    println!("Alerts (open): {}", alerts.len());
    for sev in ["CRITICAL", "NOTICE", "INFO"] {
        println!("  {sev:<9} {}", by_sev.get(sev).copied().unwrap_or(0));
    }

    // HDD health, with the official SDK dashboard's rule: error if unhealthy, sub-healthy or
    // SMART failed; warning if unmounted or partly mounted; healthy otherwise.
    let hdds = tower
        .disks()
        .list_where(DiskWhere::new().disk_type().eq(DiskType::Hdd))
        .await?;
    let (mut error, mut warning, mut healthy) = (0, 0, 0);
    for d in &hdds {
        let bad = matches!(
            d.health_status,
            Some(
                DiskHealthStatus::Unhealthy
                    | DiskHealthStatus::Subhealthy
                    | DiskHealthStatus::SmartFailed
            )
        );
        let warn = matches!(
            d.usage_status,
            Some(DiskUsageStatus::Unmounted | DiskUsageStatus::PartialMounted)
        );
        if bad {
            error += 1;
        } else if warn {
            warning += 1;
        } else {
            healthy += 1;
        }
    }
    println!(
        "HDDs: {} (healthy {healthy}, warning {warning}, error {error})",
        hdds.len()
    );

    // Clusters: CPU of SMTX OS clusters, memory (ELF: VM + OS memory of the hosts), storage.
    let clusters = tower.clusters().list(Query::all()).await?;
    let hosts = tower.hosts().list(Query::all()).await?;
    for c in &clusters {
        let os = c.r#type == Some(ClusterType::SmtxOs);
        let cpu_total = c.total_cpu_hz.unwrap_or(0) as f64;
        let cpu_used = c.used_cpu_hz.unwrap_or(0.0);
        let (mem_used, mem_total) = if c.hypervisor == Some(Hypervisor::Vmware) {
            (
                c.used_memory_bytes.unwrap_or(0.0),
                c.total_memory_bytes.unwrap_or(0) as f64,
            )
        } else {
            let mine = hosts
                .iter()
                .filter(|h| h.cluster.as_ref().is_some_and(|hc| hc.id == c.id));
            let (mut used, mut total) = (0f64, 0f64);
            for h in mine {
                used += (h.running_pause_vm_memory_bytes.unwrap_or(0)
                    + h.os_memory_bytes.unwrap_or(0)) as f64;
                total += h.total_memory_bytes.unwrap_or(0) as f64;
            }
            (used, total)
        };
        let total = c.total_data_capacity.unwrap_or(0) as f64;
        let used = c.used_data_space.unwrap_or(0) as f64;
        let failed = c.failure_data_space.unwrap_or(0) as f64;
        println!(
            "Cluster {} ({} hosts, {} VMs)",
            c.name.as_deref().unwrap_or(""),
            c.host_num.unwrap_or(0),
            c.vm_num.unwrap_or(0)
        );
        if os {
            println!(
                "  CPU     {} / {} ({})",
                hz(cpu_used),
                hz(cpu_total),
                pct(cpu_used, cpu_total)
            );
        }
        println!(
            "  memory  {} / {} ({})",
            bytes(mem_used),
            bytes(mem_total),
            pct(mem_used, mem_total)
        );
        println!(
            "  storage {} used, {} available of {}",
            bytes(used),
            bytes(total - used - failed),
            bytes(total)
        );
    }
    tower.close().await
}
