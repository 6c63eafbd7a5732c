//! What the skin keeps in `extra` (NICs, CD-ROMs) and the mutations that edit it.

use serde_json::{Value, json};

use super::ctx::Ctx;
use super::mutate::target_vms;
use super::render::octet;
use super::reply::{Fail, bad, fail, sim_fail};
use super::{CD_ROMS_KEY, NICS_KEY};
use crate::error::SimError;
use crate::model::SimVm;

/// The NICs of a VM as the skin keeps them (one VIRTIO NIC on the default VLAN until edited).
pub(super) fn nics_of(vm: &SimVm) -> Vec<Value> {
    match vm.extra.get(NICS_KEY).and_then(Value::as_array) {
        Some(list) => list.clone(),
        None => {
            let id = vm.id.as_str();
            vec![json!({
                "connect_vlan_id": "sim-vlan-default",
                "model": "VIRTIO",
                "enabled": true,
                "mirror": false,
                "mac_address": format!("52:54:00:{:02x}:{:02x}:{:02x}", octet(id, 1), octet(id, 2), octet(id, 3)),
            })]
        }
    }
}

/// The CD-ROM drives of a VM (`{n, boot, elf_image_id, content_library_image_id}`).
pub(super) fn cd_roms_of(vm: &SimVm) -> Vec<Value> {
    vm.extra
        .get(CD_ROMS_KEY)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

pub(super) fn cd_rom_id(vm: &str, n: u64) -> String {
    format!("vc.{vm}.{n}")
}

/// NIC and CD-ROM edits: kept in the VM's `extra`, done at once (`task_id: null`), refused with
/// `ResourceLocked` while a task holds the VM, as a tower does.
pub(super) fn edit_devices(ctx: &Ctx<'_>, op: &str, body: &Value) -> Result<Value, Fail> {
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        if vm.task_id.is_some() {
            return Err(sim_fail(
                &SimError::locked(format!("VM {} is busy", vm.name)),
                Some((&id, "VM")),
            ));
        }
        let mut nics = nics_of(&vm);
        let mut cds = cd_roms_of(&vm);
        match op {
            "add-vm-nic" => {
                let list = data["vm_nics"]
                    .as_array()
                    .ok_or_else(|| bad("`data.vm_nics` must be an array"))?;
                nics.extend(list.iter().cloned());
            }
            "update-vm-nic" => {
                let idx = data["nic_index"]
                    .as_u64()
                    .ok_or_else(|| bad("`data.nic_index` is required"))?
                    as usize;
                let nic = nics
                    .get_mut(idx)
                    .and_then(Value::as_object_mut)
                    .ok_or_else(|| fail(404, format!("VM {} has no NIC {idx}", vm.name)))?;
                for (k, v) in data.as_object().into_iter().flatten() {
                    if k != "nic_index" {
                        nic.insert(k.clone(), v.clone());
                    }
                }
            }
            "remove-vm-nic" => {
                let idx: Vec<usize> = data["nic_index"]
                    .as_array()
                    .ok_or_else(|| bad("`data.nic_index` must be an array"))?
                    .iter()
                    .filter_map(Value::as_u64)
                    .map(|n| n as usize)
                    .collect();
                if let Some(missing) = idx.iter().find(|i| **i >= nics.len()) {
                    return Err(fail(404, format!("VM {} has no NIC {missing}", vm.name)));
                }
                nics = nics
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| !idx.contains(i))
                    .map(|(_, n)| n)
                    .collect();
            }
            "add-vm-cd-rom" => {
                let list = data["vm_cd_roms"]
                    .as_array()
                    .ok_or_else(|| bad("`data.vm_cd_roms` must be an array"))?;
                let first = cds
                    .iter()
                    .filter_map(|c| c["n"].as_u64())
                    .max()
                    .map_or(0, |n| n + 1);
                for (next, c) in (first..).zip(list) {
                    let boot = c["boot"]
                        .as_i64()
                        .ok_or_else(|| bad("`boot` is required"))?;
                    cds.push(json!({
                        "n": next, "boot": boot,
                        "elf_image_id": c.get("elf_image_id").cloned().unwrap_or(Value::Null),
                        "content_library_image_id": c.get("content_library_image_id").cloned().unwrap_or(Value::Null),
                    }));
                }
            }
            "remove-vm-cd-rom" => {
                let ids: Vec<&str> = data["cd_rom_ids"]
                    .as_array()
                    .ok_or_else(|| bad("`data.cd_rom_ids` must be an array"))?
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                cds.retain(|c| {
                    let own = cd_rom_id(&id, c["n"].as_u64().unwrap_or(0));
                    !ids.contains(&own.as_str())
                });
            }
            _ => {
                // update-vm-disk: only the image of a CD-ROM is simulated.
                let slot = data["vm_disk_id"]
                    .as_str()
                    .ok_or_else(|| bad("`data.vm_disk_id` is required"))?;
                let Some(cd) = cds
                    .iter_mut()
                    .find(|c| cd_rom_id(&id, c["n"].as_u64().unwrap_or(0)) == slot)
                else {
                    return Err(bad(format!(
                        "update-vm-disk is simulated for CD-ROM drives only; {slot} is not one of VM {}",
                        vm.name
                    )));
                };
                for key in ["elf_image_id", "content_library_image_id"] {
                    if let Some(v) = data.get(key) {
                        cd[key] = v.clone();
                    }
                }
            }
        }
        ctx.world
            .update_vm(&id, |v| {
                v.extra.insert(NICS_KEY.into(), Value::Array(nics));
                v.extra.insert(CD_ROMS_KEY.into(), Value::Array(cds));
            })
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": null, "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}
