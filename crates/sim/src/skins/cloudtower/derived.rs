//! Objects the World has no table for, derived from it deterministically: NICs, CD-ROMs,
//! physical disks, alerts, LUN snapshots; plus tasks and templates.

use omnivirt_core::{HostState, ResourceRef, VmState};
use serde_json::{Value, json};

use super::ctx::Ctx;
use super::devices::{cd_rom_id, cd_rom_n, cd_roms_of, nic_flags, nic_id};
use super::status::{mutation_name, task_word};
use crate::ids::uuid_from;
use crate::model::{SimTask, SimTemplate, SimVm, rfc3339};

impl Ctx<'_> {
    /// The World's NICs of `vm` as `VmNic`s, in order (`order` is the `nic_index`). The
    /// address is reported (VMTools) only while the VM runs.
    pub(super) fn render_nics(&self, vm: &SimVm) -> Vec<Value> {
        let id = vm.id.as_str();
        let running = vm.state == VmState::Running;
        vm.nics
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let flags = nic_flags(vm, n.id.as_str());
                let vlan = self
                    .world
                    .get_network(n.network_id.as_str())
                    .map_or_else(|_| n.network_id.to_string(), |net| net.name);
                json!({
                    "id": nic_id(id, n.id.as_str()),
                    "local_id": uuid_from(&format!("nic-{id}-{}", n.id)),
                    "mac_address": n.mac,
                    "ip_address": if running { json!(n.ip) } else { Value::Null },
                    "gateway": null,
                    "subnet_mask": if running { json!("255.255.255.0") } else { Value::Null },
                    "model": n.model.to_ascii_uppercase(),
                    "enabled": flags.get("enabled").cloned().unwrap_or(json!(true)),
                    "mirror": flags.get("mirror").cloned().unwrap_or(json!(false)),
                    "order": i,
                    "type": "VLAN",
                    "vlan": {"id": n.network_id.as_str(), "name": vlan},
                    "vm": {"id": id, "name": vm.name},
                })
            })
            .collect()
    }

    pub(super) fn render_cd_roms(&self, vm: &SimVm) -> Vec<Value> {
        let id = vm.id.as_str();
        cd_roms_of(vm)
            .iter()
            .map(|c| {
                let n = cd_rom_n(c);
                let image = c["elf_image_id"]
                    .as_str()
                    .or_else(|| c["content_library_image_id"].as_str())
                    .map_or(Value::Null, |img| json!({"id": img, "name": img}));
                json!({
                    "id": cd_rom_id(id, n),
                    "boot": c["boot"],
                    "bus": "IDE",
                    "type": "CD_ROM",
                    "device": format!("hd{}", char::from(b'a' + (n % 26) as u8)),
                    "disabled": false,
                    "key": n,
                    "vm": {"id": id, "name": vm.name},
                    "vm_volume": null,
                    "elf_image": image,
                })
            })
            .collect()
    }

    pub(super) fn render_task(&self, t: &SimTask) -> Value {
        let (resource_type, resource_id) = match &t.target {
            ResourceRef::Vm(id) => ("Vm", id.as_str()),
            ResourceRef::Disk(id) => ("VmVolume", id.as_str()),
            ResourceRef::Host(id) => ("Host", id.as_str()),
            ResourceRef::Cluster(id) => ("Cluster", id.as_str()),
            _ => ("", ""),
        };
        let cluster = match &t.target {
            ResourceRef::Vm(id) => self
                .world
                .peek_vm(id.as_str())
                .ok()
                .map(|v| self.cluster_stub(v.cluster_id.as_str())),
            _ => None,
        };
        json!({
            "id": t.id.as_str(),
            "status": task_word(t.state),
            "progress": f64::from(t.progress) / 100.0,
            "description": t.description,
            "error_code": t.error.as_ref().and_then(|e| e.code.clone()),
            "error_message": t.error.as_ref().map(|e| e.message.clone()),
            "args": {},
            "steps": [],
            "resource_id": resource_id,
            "resource_type": resource_type,
            "resource_mutation": mutation_name(t.op),
            "resource_rollbacked": null,
            "resource_rollback_error": null,
            "resource_rollback_retry_count": null,
            "started_at": t.started_at.map(rfc3339),
            "finished_at": t.finished_at.map(rfc3339),
            "local_created_at": rfc3339(t.created_at),
            "internal": false,
            "snapshot": "{}",
            "cluster": cluster,
            "user": {"id": "sim-user-admin", "name": "admin"},
            "key": null,
            "type": null,
        })
    }

    pub(super) fn render_template(&self, t: &SimTemplate) -> Value {
        let clusters: Vec<Value> = self
            .clusters
            .iter()
            .map(|c| json!({"id": c.id.as_str(), "name": c.name}))
            .collect();
        json!({
            "id": t.id,
            "name": t.name,
            "description": t.description,
            "vcpu": t.vcpus,
            "cpu": {"cores": t.vcpus, "sockets": 1},
            "memory": t.memory_bytes,
            "size": 40u64 << 30,
            "cloud_init_supported": true,
            "architecture": "X86_64",
            "clusters": clusters,
            "createdAt": rfc3339(t.created_at),
            "vm_template_uuids": [uuid_from(&t.id)],
            "entityAsyncStatus": null,
            "labels": [],
        })
    }

    /// Four physical disks per host: two SSD cache disks and two HDD data disks. The second
    /// HDD of every third host is unhealthy and the first HDD of every fifth host unmounted, so
    /// a dashboard has something to count.
    pub(super) fn physical_disks(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for (n, h) in self.hosts.iter().enumerate() {
            for i in 0..4u32 {
                let ssd = i < 2;
                let unhealthy = !ssd && i == 3 && n % 3 == 2;
                let unmounted = !ssd && i == 2 && n % 5 == 4;
                out.push(json!({
                    "id": format!("pd.{}.{i}", h.id.as_str()),
                    "local_id": uuid_from(&format!("pd-{}-{i}", h.id.as_str())),
                    "name": format!("sd{}", char::from(b'a' + i as u8)),
                    "path": format!("/dev/sd{}", char::from(b'a' + i as u8)),
                    "model": if ssd { "INTEL SSDSC2KG960G8" } else { "ST4000NM0035" },
                    "serial": format!("SIM{:04}{i}", n),
                    "firmware": "1.0",
                    "size": if ssd { 960_197_124_096u64 } else { 4_000_787_030_016u64 },
                    "type": if ssd { "SSD" } else { "HDD" },
                    "usage": if ssd { "CACHE" } else { "DATA" },
                    "function": if ssd { "CACHE" } else { "DATA" },
                    "health_status": if unhealthy { "UNHEALTHY" } else { "HEALTHY" },
                    "usage_status": if unmounted { "UNMOUNTED" } else { "MOUNTED" },
                    "healthy": !unhealthy,
                    "mounted": !unmounted,
                    "offline": false,
                    "remaining_life_percent": 97,
                    "partitions": [],
                    "host": {"id": h.id.as_str(), "name": h.name, "management_ip": h.address},
                    "labels": [],
                    "entityAsyncStatus": null,
                }));
            }
        }
        out
    }

    /// Alerts derived from the World: a critical one per host that is not up, a notice per
    /// cluster with stopped VMs, and an info per cluster (always open) about its license.
    pub(super) fn alerts(&self) -> Vec<Value> {
        let mut out = Vec::new();
        let alert = |id: String, sev: &str, msg: String, cluster: Value, host: Value| {
            json!({
                "id": id.clone(),
                "local_id": uuid_from(&id),
                "message": msg,
                "solution": "Check the object in the simulator.",
                "cause": "Simulated condition.",
                "impact": "None; this is a simulator.",
                "severity": sev,
                "ended": false,
                "threshold": 0.0,
                "value": 1.0,
                "labels": {},
                "local_start_time": rfc3339(crate::world::EPOCH),
                "local_end_time": rfc3339(crate::world::EPOCH),
                "local_update_time": rfc3339(crate::world::EPOCH),
                "local_create_time": rfc3339(crate::world::EPOCH),
                "create_time": rfc3339(crate::world::EPOCH),
                "cluster": cluster,
                "host": host,
                "disk": null,
                "vms": [],
                "alert_rule": null,
            })
        };
        for c in &self.clusters {
            let stub = self.cluster_stub(c.id.as_str());
            out.push(alert(
                format!("al.lic.{}", c.id.as_str()),
                "INFO",
                format!("The license of cluster {} expires in 300 days.", c.name),
                stub.clone(),
                Value::Null,
            ));
            let stopped = self
                .all_vms()
                .iter()
                .filter(|v| v.cluster_id == c.id && matches!(v.state, VmState::Stopped))
                .count();
            if stopped > 0 {
                out.push(alert(
                    format!("al.stopped.{}", c.id.as_str()),
                    "NOTICE",
                    format!("{stopped} VMs of cluster {} are powered off.", c.name),
                    stub,
                    Value::Null,
                ));
            }
        }
        for h in &self.hosts {
            if !matches!(h.state, HostState::Up) {
                out.push(alert(
                    format!("al.host.{}", h.id.as_str()),
                    "CRITICAL",
                    format!("Host {} is {}.", h.name, h.state),
                    self.cluster_stub(h.cluster_id.as_str()),
                    self.host_stub(h.id.as_str()),
                ));
            }
        }
        out
    }

    pub(super) fn lun_snapshots(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for s in self.snapshots() {
            for d in s["vm_disks"].as_array().into_iter().flatten() {
                let Some(name) = d["snapshot_local_id"].as_str() else {
                    continue;
                };
                out.push(json!({
                    "id": format!("ls.{name}"),
                    "name": name,
                    "local_id": uuid_from(&format!("lun-{name}")),
                    "local_created_at": s["local_created_at"],
                    "unique_size": d["size"].as_u64().unwrap_or(0) / 10,
                    "iscsi_lun": {"id": format!("lun.{}", d["vm_volume_local_id"].as_str().unwrap_or("")), "name": d["disk_name"]},
                    "iscsi_target": {"id": "sim-iscsi-target", "name": "zbs-iscsi-datastore"},
                    "consistency_group_snapshot": null,
                    "labels": [],
                    "entityAsyncStatus": null,
                }));
            }
        }
        out
    }
}
