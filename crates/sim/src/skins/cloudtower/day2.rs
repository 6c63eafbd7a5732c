//! Day-two endpoints over the World's own day-two state: the console (`get-vm-vnc-info`),
//! snapshots (`create-vm-snapshot`,
//! `get-vm-snapshots`, `rollback-vm`, `delete-vm-snapshot`), `update-vm-basic-info`,
//! `clone-vm` and host maintenance (`enter-maintance-mode` / `exit-maintance-mode`, the
//! tower's own spelling). Each one submits a World task and answers `{task_id, data}`, as a
//! tower does.

use omnivirt_core::{EventSeverity, ResourceRef, SnapshotState, VmState};
use serde_json::{Value, json};

use super::ctx::{Ctx, Kind};
use super::mutate::{data_str, target_vms, unit_bytes};
use super::reply::{Fail, bad, fail, sim_fail};
use crate::ids::uuid_from;
use crate::model::{SimEvent, SimSnapshot, SimVm, ref_id, rfc3339};
use crate::world::VmChange;

/// `get-vm-vnc-info` (`{vm: {id}}`): noVNC websocket URLs for a running VM, relayed by the
/// tower (`redirect`, a base64 token) or straight to the cluster (`direct`, the raw token);
/// `terminal` is the tower's console page. `tower` is the scheme and authority the request
/// came to.
pub(super) fn vnc_info(ctx: &Ctx<'_>, body: &Value, tower: &str) -> Result<Value, Fail> {
    let id = body["vm"]["id"]
        .as_str()
        .ok_or_else(|| bad("`vm.id` is required"))?;
    let vm = ctx.world.peek_vm(id).map_err(|e| sim_fail(&e, None))?;
    let c = ctx.world.console(id).map_err(|e| sim_fail(&e, None))?;
    let cluster_ip = ctx
        .cluster(vm.cluster_id.as_str())
        .map(|c| ctx.render_cluster(c)["ip"].clone())
        .unwrap_or(Value::Null);
    let uuid = uuid_from(id);
    let relayed = b64(&c.ticket);
    let ws = tower
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1);
    let cip = cluster_ip.as_str().unwrap_or_default();
    Ok(json!({
        "vm": ctx.render_vm(&vm),
        "redirect": format!("{ws}/websockify/?token={relayed}&host={}&uuid={uuid}", c.host),
        "direct": format!("wss://{cip}/websockify/?uuid={uuid}&token={}&host={}", c.ticket, c.host),
        "terminal": format!("{tower}/vm/{id}/vnc?token={relayed}"),
        "cluster_ip": cluster_ip,
    }))
}

/// Base64 (standard alphabet) with `+`, `/` and `=` escaped for a URL, as the tower does.
fn b64(s: &str) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                let c = ABC[((n >> (18 - 6 * i)) & 63) as usize];
                match c {
                    b'+' => out.push_str("%2B"),
                    b'/' => out.push_str("%2F"),
                    _ => out.push(char::from(c)),
                }
            } else {
                out.push_str("%3D");
            }
        }
    }
    out
}

impl Ctx<'_> {
    /// The World's event log as user audit logs (`get-user-audit-logs`), newest first: one
    /// per finished task, about the VM it touched when there is one.
    pub(super) fn audit_logs(&self) -> Vec<Value> {
        self.world
            .list_events(None, None, 0, usize::MAX)
            .items
            .iter()
            .map(render_audit_log)
            .collect()
    }

    /// Every VM snapshot in the World, rendered (observes busy VMs once, as listings do).
    pub(super) fn snapshots(&self) -> Vec<Value> {
        self.all_vms()
            .iter()
            .flat_map(|vm| {
                vm.snapshots
                    .iter()
                    .map(move |s| self.render_snapshot(vm, s))
            })
            .collect()
    }

    pub(super) fn render_snapshot(&self, vm: &SimVm, s: &SimSnapshot) -> Value {
        let id = s.id.as_str();
        let disks: Vec<Value> = vm
            .disk_ids
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let d = self.world.peek_disk(d.as_str()).ok()?;
                Some(json!({
                    "type": "DISK", "index": i, "bus": "VIRTIO", "boot": i,
                    "path": format!("/sim/{}", uuid_from(d.id.as_str())),
                    "size": d.size_bytes, "disk_name": d.name,
                    "vm_volume_local_id": uuid_from(d.id.as_str()),
                    "snapshot_local_id": uuid_from(&format!("{id}-{}", d.id.as_str())),
                    "elf_image_local_id": "", "svt_image_local_id": "", "storage_policy_uuid": "",
                }))
            })
            .collect();
        let busy = match s.state {
            SnapshotState::Creating => json!("CREATING"),
            SnapshotState::Reverting => json!("UPDATING"),
            SnapshotState::Deleting => json!("DELETING"),
            _ => Value::Null,
        };
        json!({
            "id": id,
            "name": s.name,
            "local_id": uuid_from(id),
            "description": s.description,
            "vm": {"id": vm.id.as_str(), "name": vm.name},
            "cluster": self.cluster_stub(vm.cluster_id.as_str()),
            "consistent_type": "CRASH_CONSISTENT",
            "clock_offset": "UTC",
            "cpu": {"cores": s.vcpus, "sockets": 1},
            "cpu_model": "cluster_default",
            "firmware": "BIOS",
            "ha": true,
            "win_opt": false,
            "vcpu": s.vcpus,
            "memory": s.memory_bytes,
            "size": disks.iter().filter_map(|d| d["size"].as_u64()).fold(0u64, u64::saturating_add),
            "vm_disks": disks,
            "vm_nics": [],
            "labels": [],
            "local_created_at": rfc3339(s.created_at),
            "entityAsyncStatus": busy,
        })
    }
}

/// `create-vm-snapshot`: `{data: [{vm_id, name, consistent_type?}]}`. A file-system consistent
/// snapshot needs VMTools answering in the guest, so a VM that is not running refuses it.
pub(super) fn create_snapshots(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let list = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("`data` must be an array"))?;
    let mut out = Vec::new();
    for p in list {
        let vm_id = p["vm_id"]
            .as_str()
            .ok_or_else(|| bad("`vm_id` is required"))?;
        let name = p["name"]
            .as_str()
            .ok_or_else(|| bad("`name` is required"))?;
        let vm = ctx.world.peek_vm(vm_id).map_err(|e| sim_fail(&e, None))?;
        if p["consistent_type"].as_str() == Some("FILE_SYSTEM_CONSISTENT")
            && vm.state != VmState::Running
        {
            return Err(bad(
                "a file-system consistent snapshot needs VMTools running in the guest",
            ));
        }
        let (sub, sid) = ctx
            .world
            .create_snapshot(vm_id, name, "", false)
            .map_err(|e| sim_fail(&e, Some((vm_id, "VM"))))?;
        let vm = ctx.world.peek_vm(vm_id).map_err(|e| sim_fail(&e, None))?;
        let data = vm
            .snapshots
            .iter()
            .find(|s| s.id == sid)
            .map_or(Value::Null, |s| ctx.render_snapshot(&vm, s));
        out.push(json!({"task_id": sub.task.as_str(), "data": data}));
    }
    Ok(Value::Array(out))
}

/// `delete-vm-snapshot`: `{where: VmSnapshotWhereInput}`, one task per matching snapshot.
pub(super) fn delete_snapshots(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    if body.get("where").is_none() {
        return Err(bad("`where` is required"));
    }
    let doomed = ctx.select(Kind::VmSnapshot, &json!({"where": body["where"]}))?;
    let mut out = Vec::new();
    for s in doomed {
        let (Some(id), Some(vm)) = (s["id"].as_str(), s["vm"]["id"].as_str()) else {
            continue;
        };
        let sub = ctx
            .world
            .delete_snapshot(vm, id)
            .map_err(|e| sim_fail(&e, Some((vm, "VM"))))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": {"id": id}}));
    }
    Ok(Value::Array(out))
}

/// `rollback-vm`: `{where, data: {snapshot_id}}`; the World restores the CPUs and memory the
/// snapshot recorded (it keeps no disk contents). The VM must be stopped.
pub(super) fn rollback(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let snap_id =
        data_str(body, "snapshot_id").ok_or_else(|| bad("`data.snapshot_id` is required"))?;
    let owner = ctx
        .snapshots()
        .into_iter()
        .find(|s| s["id"].as_str() == Some(snap_id.as_str()))
        .and_then(|s| s["vm"]["id"].as_str().map(str::to_owned))
        .ok_or_else(|| fail(404, format!("VmSnapshot {snap_id} not found")))?;
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        if owner != id {
            return Err(bad(format!(
                "snapshot {snap_id} does not belong to VM {id}"
            )));
        }
        let sub = ctx
            .world
            .revert_snapshot(&id, &snap_id)
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

/// `update-vm-basic-info`: name, description, CPUs and memory through a World task; `ha`
/// alone (which the World does not model) is kept in the VM's `extra` at once.
pub(super) fn update_basic(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let data = body
        .get("data")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| bad("`data` is required"))?;
    let memory = match data.get("memory") {
        Some(m) => Some(unit_bytes(m, data.get("memory_unit"))?),
        None => None,
    };
    let vcpu = match data.get("vcpu").and_then(Value::as_u64).or_else(|| {
        data.get("cpu_sockets")?
            .as_u64()?
            .checked_mul(data.get("cpu_cores")?.as_u64()?)
    }) {
        Some(n) => Some(u32::try_from(n).map_err(|_| bad("vcpu too large"))?),
        None => None,
    };
    let mut change = VmChange::new();
    change.name = data.get("name").and_then(Value::as_str).map(str::to_owned);
    change.description = data
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    change.vcpus = vcpu;
    change.memory_bytes = memory;
    let ha = data.get("ha").and_then(Value::as_bool);
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        if let Some(ha) = ha {
            ctx.world
                .update_vm(&id, |v| {
                    v.extra.insert("ha".into(), json!(ha));
                })
                .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        }
        let task = if change == VmChange::new() {
            Value::Null
        } else {
            let (sub, _) = ctx
                .world
                .reconfigure_vm(&id, change.clone())
                .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
            json!(sub.task.as_str())
        };
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": task, "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

/// `clone-vm`: `[{src_vm_id, name, cluster_id?, ...}]`; the copy is a new stopped VM.
pub(super) fn clone_vms(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let list = body
        .as_array()
        .ok_or_else(|| bad("the body must be an array of clone params"))?;
    let mut out = Vec::new();
    for p in list {
        let src = p["src_vm_id"]
            .as_str()
            .ok_or_else(|| bad("`src_vm_id` is required"))?;
        let name = p["name"]
            .as_str()
            .ok_or_else(|| bad("`name` is required"))?;
        let sub = ctx
            .world
            .clone_vm(src, name, p["cluster_id"].as_str(), None)
            .map_err(|e| sim_fail(&e, Some((src, "VM"))))?;
        let vm = ctx
            .world
            .peek_vm(sub.target_id())
            .map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

/// `enter-maintance-mode` / `exit-maintance-mode`: `{where: {host_id}, data: {...}}`, one
/// `{task_id, data: Host}` (not a list). Entering moves the host's running VMs to its peers.
pub(super) fn maintenance(ctx: &Ctx<'_>, body: &Value, enter: bool) -> Result<Value, Fail> {
    let host = body
        .get("where")
        .and_then(|w| w.get("host_id"))
        .and_then(Value::as_str)
        .ok_or_else(|| bad("`where.host_id` is required"))?;
    if body.get("data").is_none_or(|d| !d.is_object()) {
        return Err(bad("`data` is required"));
    }
    let sub = ctx
        .world
        .host_maintenance(host, enter)
        .map_err(|e| sim_fail(&e, None))?;
    let h = ctx.world.get_host(host).map_err(|e| sim_fail(&e, None))?;
    Ok(json!({"task_id": sub.task.as_str(), "data": ctx.render_host(&h)}))
}

fn render_audit_log(e: &SimEvent) -> Value {
    let about = e
        .refs
        .iter()
        .find(|r| matches!(r, ResourceRef::Vm(_)))
        .or_else(|| e.refs.first());
    let resource_type = match about {
        Some(ResourceRef::Vm(_)) => "Vm",
        Some(ResourceRef::Host(_)) => "Host",
        Some(ResourceRef::Disk(_)) => "VmVolume",
        Some(ResourceRef::Cluster(_)) => "Cluster",
        _ => "",
    };
    let at = rfc3339(e.time);
    json!({
        "id": e.id.as_str(),
        "action": e.code,
        "message": e.message,
        "status": if e.severity == EventSeverity::Error { "FAILED" } else { "SUCCESSED" },
        "createdAt": at,
        "started_at": at,
        "finished_at": at,
        "resource_id": about.map(ref_id),
        "resource_type": resource_type,
        "auth_type": "LOCAL",
        "ip_address": "127.0.0.1",
        "username": "admin",
        "user": {"id": "sim-user-admin", "name": "admin"},
        "cluster": null,
    })
}
