//! Volume and disk-slot mutations: create and delete volumes, add and remove VM disks.

use omnivirt_core::TaskState;
use serde_json::{Value, json};

use super::ctx::{Ctx, Kind, split_slot};
use super::mutate::{new_disks, target_vms, unit_bytes};
use super::reply::{Fail, bad, fail, sim_fail};
use crate::world::NewDisk;

pub(super) fn create_volumes(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let list = body
        .as_array()
        .ok_or_else(|| bad("the body must be an array of VmVolumeCreationParams"))?;
    let mut out = Vec::new();
    for p in list {
        let name = p["name"]
            .as_str()
            .ok_or_else(|| bad("`name` is required"))?;
        let cluster = p["cluster_id"]
            .as_str()
            .ok_or_else(|| bad("`cluster_id` is required"))?;
        let size = unit_bytes(&p["size"], p.get("size_unit"))?;
        let mut nd = NewDisk::new(name, size).cluster(cluster);
        if let Some(s) = p["elf_storage_policy"].as_str() {
            nd = nd.storage(s);
        }
        let sub = ctx.world.create_disk(nd).map_err(|e| sim_fail(&e, None))?;
        let d = ctx
            .world
            .peek_disk(sub.target_id())
            .map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_volume(&d)}));
    }
    Ok(Value::Array(out))
}

pub(super) fn add_disks(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let disks = body
        .get("data")
        .and_then(|d| d.get("vm_disks"))
        .cloned()
        .ok_or_else(|| bad("`data.vm_disks` is required"))?;
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        let mut last = None;
        for m in disks
            .get("mount_disks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let vol = m["vm_volume_id"]
                .as_str()
                .ok_or_else(|| bad("`vm_volume_id` is required"))?;
            last = Some(
                ctx.world
                    .attach_disk(vol, &id)
                    .map_err(|e| sim_fail(&e, Some((vol, "VM_VOLUME"))))?,
            );
        }
        // A new volume is created, then attached once it is ready; the answer names the
        // attach task. The create is driven to its end here (per-poll clock), so the client
        // only follows one task per VM, as on a real tower.
        for nd in new_disks(&disks, vm.cluster_id.as_str())? {
            let sub = ctx.world.create_disk(nd).map_err(|e| sim_fail(&e, None))?;
            let mut ready = false;
            for _ in 0..16 {
                match ctx.world.get_task(sub.task.as_str()) {
                    Ok(t) if t.state == TaskState::Succeeded => {
                        ready = true;
                        break;
                    }
                    Ok(t) if t.is_done() => {
                        return Err(fail(
                            500,
                            format!(
                                "creating the volume failed: {}",
                                t.error.map(|e| e.message).unwrap_or_default()
                            ),
                        ));
                    }
                    Ok(_) => {}
                    Err(e) => return Err(sim_fail(&e, None)),
                }
            }
            if !ready {
                return Err(bad(
                    "the new volume is still being created; add it again once it is ready",
                ));
            }
            let att = ctx
                .world
                .attach_disk(sub.target_id(), &id)
                .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
            last = Some(att);
        }
        let Some(sub) = last else {
            return Err(bad("`vm_disks` names no disk to add"));
        };
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

pub(super) fn remove_disks(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let ids: Vec<String> = body
        .get("data")
        .and_then(|d| d.get("disk_ids"))
        .and_then(Value::as_array)
        .ok_or_else(|| bad("`data.disk_ids` is required"))?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let mut out = Vec::new();
    for vm_id in target_vms(ctx, body)? {
        let mut last = None;
        for slot in &ids {
            let Some((owner, disk)) = split_slot(slot) else {
                return Err(fail(404, format!("VmDisk {slot} not found")));
            };
            if owner != vm_id {
                continue;
            }
            last = Some(
                ctx.world
                    .detach_disk(disk, &vm_id)
                    .map_err(|e| sim_fail(&e, Some((&vm_id, "VM"))))?,
            );
        }
        if let Some(sub) = last {
            let vm = ctx.world.peek_vm(&vm_id).map_err(|e| sim_fail(&e, None))?;
            out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
        }
    }
    Ok(Value::Array(out))
}

pub(super) fn delete_volumes(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let vols = ctx.select(Kind::VmVolume, &json!({"where": body.get("where")}))?;
    let mut out = Vec::new();
    for v in vols {
        let id = v["id"].as_str().unwrap_or_default().to_owned();
        let sub = ctx
            .world
            .delete_disk(&id)
            .map_err(|e| sim_fail(&e, Some((&id, "VM_VOLUME"))))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": {"id": id}}));
    }
    Ok(Value::Array(out))
}
