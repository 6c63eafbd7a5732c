//! The JSON of VMs, hosts, clusters, the datacenter, volumes and VM disk slots.

use omnivirt_core::{DiskState, HostState, VmState};
use serde_json::{Map, Value, json};

use super::ctx::{Ctx, slot_id};
use super::status::host_words;
use crate::ids::uuid_from;
use crate::model::{SimCluster, SimDisk, SimHost, SimVm, rfc3339};

impl Ctx<'_> {
    pub(super) fn vms_on_host(&self, host: &str) -> Vec<&SimVm> {
        self.all_vms()
            .iter()
            .filter(|v| v.host_id.as_ref().is_some_and(|h| h.as_str() == host))
            .collect()
    }

    pub(super) fn render_host(&self, h: &SimHost) -> Value {
        let vms = self.vms_on_host(h.id.as_str());
        let running: Vec<&&SimVm> = vms
            .iter()
            .filter(|v| !matches!(v.state, VmState::Suspended))
            .collect();
        let vm_mem: u64 = vms
            .iter()
            .map(|v| v.memory_bytes)
            .fold(0, u64::saturating_add);
        let os_mem: u64 = 8 << 30;
        let cores = h.cpu_threads;
        let hz_per_core: u64 = 2_400_000_000;
        let (status, state_word) = host_words(h.state);
        let maintenance = matches!(h.state, HostState::Maintenance);
        let data: u64 = 4 * (4 << 40);
        let used_data: u64 = data / 5;
        merge([
            json!({
                "id": h.id.as_str(),
                "name": h.name,
                "local_id": uuid_from(h.id.as_str()),
                "status": status,
                "state": state_word,
                "host_state": if maintenance { json!({"enter_maintenance_time": rfc3339(h.created_at), "maintenance_job_id": "sim", "state": "MAINTENANCE_MODE"}) } else { Value::Null },
                "entityAsyncStatus": null,
                "cluster": self.cluster_stub(h.cluster_id.as_str()),
                "management_ip": h.address,
                "data_ip": h.address.replacen("10.", "172.", 1),
                "access_ip": h.address,
            }),
            json!({
                "allocatable_memory_bytes": h.memory_bytes.saturating_sub(vm_mem.saturating_add(os_mem)),
                "chunk_id": format!("{}", octet(h.id.as_str(), 1)),
                "compatible_cpu_models": ["cluster_default"],
                "cpu_brand": "Intel(R) Xeon(R) Silver 4214",
                "cpu_fan_speed": [],
                "cpu_hz_per_core": hz_per_core,
                "cpu_model": "Intel Xeon Processor (Cascadelake)",
                "cpu_temperature_celsius": [],
                "failure_data_space": 0,
                "hdd_data_capacity": data,
                "hdd_disk_count": 2,
                "lsm_cap_disk_safe_umount": true,
                "model": "SMTX-SIM",
                "nested_virtualization": false,
                "nic_count": 4,
                "os_memory_bytes": os_mem,
                "pmem_dimm_capacity": 0,
                "pmem_dimm_count": 0,
                "pmem_disk_count": 0,
            }),
            json!({
                "provisioned_cpu_cores": vms.iter().map(|v| v.vcpus).fold(0u32, u32::saturating_add),
                "provisioned_memory_bytes": vm_mem,
                "running_pause_vm_memory_bytes": vm_mem,
                "ssd_data_capacity": 2u64 << 40,
                "ssd_disk_count": 2,
                "total_cpu_cores": cores,
                "total_cpu_sockets": 2,
                "total_cpu_hz": u64::from(cores) * hz_per_core,
                "used_cpu_hz": (running.len() as f64) * 0.2 * hz_per_core as f64,
                "total_data_capacity": data,
                "used_data_space": used_data,
                "total_memory_bytes": h.memory_bytes,
                "used_memory_bytes": vm_mem.saturating_add(os_mem) as f64,
                "vm_num": vms.len(),
                "running_vm_num": vms.iter().filter(|v| matches!(v.state, VmState::Running)).count(),
                "stopped_vm_num": 0,
                "suspended_vm_num": vms.iter().filter(|v| matches!(v.state, VmState::Suspended)).count(),
                "vms": vms.iter().map(|v| json!({"id": v.id.as_str(), "name": v.name})).collect::<Vec<_>>(),
                "disks": (0..4).map(|i| json!({"id": format!("pd.{}.{i}", h.id.as_str())})).collect::<Vec<_>>(),
                "labels": [],
            }),
        ])
    }

    pub(super) fn render_cluster(&self, c: &SimCluster) -> Value {
        let hosts: Vec<&SimHost> = self.hosts.iter().filter(|h| h.cluster_id == c.id).collect();
        let vms: Vec<&SimVm> = self
            .all_vms()
            .iter()
            .filter(|v| v.cluster_id == c.id)
            .collect();
        let hz_per_core: u64 = 2_400_000_000;
        let cores: u32 = hosts
            .iter()
            .map(|h| h.cpu_threads)
            .fold(0, u32::saturating_add);
        let mem: u64 = hosts
            .iter()
            .map(|h| h.memory_bytes)
            .fold(0, u64::saturating_add);
        let running = vms
            .iter()
            .filter(|v| matches!(v.state, VmState::Running))
            .count();
        let used_mem: u64 = vms
            .iter()
            .filter(|v| v.host_id.is_some())
            .map(|v| v.memory_bytes)
            .fold(0u64, u64::saturating_add)
            .saturating_add(hosts.len() as u64 * (8 << 30));
        // The World's storage pools of the cluster when it has some (a storage policy has no
        // size of its own on a real tower), else what its hosts' disks would give.
        let (data, used_data) = self.cluster_storage(c.id.as_str()).unwrap_or_else(|| {
            let d = hosts.len() as u64 * 4 * (4 << 40);
            (d, d / 5)
        });
        let connect = match c.state {
            omnivirt_core::ClusterState::Ok => "CONNECTED",
            omnivirt_core::ClusterState::Degraded => "INITIALIZING",
            _ => "DISCONNECTED",
        };
        merge([
            json!({
                "id": c.id.as_str(),
                "name": c.name,
                "local_id": uuid_from(c.id.as_str()),
                "type": "SMTX_OS",
                "hypervisor": "ELF",
                "architecture": "X86_64",
                "connect_state": connect,
                "entityAsyncStatus": null,
                "version": "5.1.2",
                "ip": format!("10.0.{}.1", octet(c.id.as_str(), 1)),
                "management_vip": null,
                "dns": ["10.0.0.53"],
                "ntp_servers": ["10.0.0.123"],
                "recommended_cpu_models": ["cluster_default"],
                "total_cpu_models": ["cluster_default"],
            }),
            json!({
                "total_cpu_cores": cores,
                "total_cpu_hz": u64::from(cores) * hz_per_core,
                "used_cpu_hz": running as f64 * 0.2 * hz_per_core as f64,
                "total_memory_bytes": mem,
                "used_memory_bytes": used_mem as f64,
                "provisioned_cpu_cores": vms.iter().map(|v| v.vcpus).fold(0u32, u32::saturating_add),
                "provisioned_memory_bytes": vms.iter().map(|v| v.memory_bytes).fold(0u64, u64::saturating_add),
                "provisioned_ratio": 0.5,
                "total_data_capacity": data,
                "used_data_space": used_data,
                "failure_data_space": 0,
                "valid_data_space": data,
                "total_cache_capacity": hosts.len() as u64 * (2u64 << 40),
                "host_num": hosts.len(),
                "vm_num": vms.len(),
                "running_vm_num": running,
                "stopped_vm_num": vms.iter().filter(|v| matches!(v.state, VmState::Stopped)).count(),
                "suspended_vm_num": vms.iter().filter(|v| matches!(v.state, VmState::Suspended)).count(),
                "hosts": hosts.iter().map(|h| json!({"id": h.id.as_str(), "name": h.name, "management_ip": h.address})).collect::<Vec<_>>(),
                "vms": vms.iter().map(|v| json!({"id": v.id.as_str(), "name": v.name})).collect::<Vec<_>>(),
                "datacenters": [{"id": "sim-datacenter", "name": "datacenter-01"}],
                "labels": [],
                "stretch": false,
            }),
        ])
    }

    pub(super) fn render_datacenter(&self) -> Value {
        let clusters: Vec<Value> = self
            .clusters
            .iter()
            .map(|c| json!({"id": c.id.as_str(), "name": c.name}))
            .collect();
        json!({
            "id": "sim-datacenter",
            "name": "datacenter-01",
            "organization": {"id": "sim-organization", "name": "organization"},
            "clusters": clusters,
            "cluster_num": self.clusters.len(),
            "host_num": self.hosts.len(),
            "vm_num": self.all_vms().len(),
            "labels": [],
        })
    }

    pub(super) fn render_volume(&self, d: &SimDisk) -> Value {
        let busy = match d.state {
            DiskState::Creating => json!("CREATING"),
            DiskState::Locked => json!("UPDATING"),
            _ => Value::Null,
        };
        let cluster = d
            .cluster_id
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .or_else(|| {
                d.vm_id
                    .as_ref()
                    .and_then(|v| self.world.peek_vm(v.as_str()).ok())
                    .map(|v| v.cluster_id.as_str().to_owned())
            })
            .or_else(|| self.clusters.first().map(|c| c.id.as_str().to_owned()))
            .unwrap_or_default();
        let slots: Vec<Value> = d
            .vm_id
            .iter()
            .map(|v| json!({"id": slot_id(v.as_str(), d.id.as_str())}))
            .collect();
        let policy = d
            .storage
            .as_deref()
            .filter(|s| s.contains("PROVISION") || *s == "EC")
            .unwrap_or("REPLICA_2_THIN_PROVISION");
        json!({
            "id": d.id.as_str(),
            "name": d.name,
            "local_id": uuid_from(d.id.as_str()),
            "size": d.size_bytes,
            "elf_storage_policy": policy,
            "mounting": d.vm_id.is_some(),
            "sharing": false,
            "path": format!("iscsi://iqn.2016-02.com.smartx:system:zbs-iscsi-datastore/{}", uuid_from(d.id.as_str())),
            "description": null,
            "cluster": self.cluster_stub(&cluster),
            "vm_disks": slots,
            "labels": [],
            "lun": null,
            "entityAsyncStatus": busy,
            "local_created_at": rfc3339(d.created_at),
            "unique_size": d.size_bytes / 4,
            "used_size": d.size_bytes / 4,
            "used_size_usage": 25.0,
        })
    }

    pub(super) fn render_vm_disk(&self, vm: &SimVm, d: &SimDisk, index: usize) -> Value {
        json!({
            "id": slot_id(vm.id.as_str(), d.id.as_str()),
            "boot": index,
            "bus": "VIRTIO",
            "type": "DISK",
            "device": format!("vd{}", char::from(b'a' + (index % 26) as u8)),
            "disabled": false,
            "key": index,
            "vm": {"id": vm.id.as_str(), "name": vm.name},
            "vm_volume": {"id": d.id.as_str(), "name": d.name},
            "elf_image": null,
        })
    }
}

/// Joins JSON objects (split so each `json!` stays under the macro recursion limit).
pub(super) fn merge<const N: usize>(parts: [Value; N]) -> Value {
    let len = parts
        .iter()
        .map(|p| p.as_object().map_or(0, Map::len))
        .sum();
    let mut out = Map::with_capacity(len);
    for p in parts {
        if let Value::Object(m) = p {
            out.extend(m);
        }
    }
    Value::Object(out)
}

/// A stable small number from an id, for addresses and MACs.
pub(super) fn octet(id: &str, salt: u8) -> u8 {
    let mut h: u32 = 2166136261 ^ u32::from(salt);
    for b in id.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(16777619);
    }
    (h % 250) as u8 + 1
}
