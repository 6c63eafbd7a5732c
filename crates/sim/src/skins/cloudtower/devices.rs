//! NIC and CD-ROM mutations. NICs are the World's (`SimVm.nics`, in order: a NIC's index is
//! its `nic_index`); the skin keeps only their `enabled`/`mirror` flags and the CD-ROMs in
//! `extra`.

use serde_json::{Value, json};

use super::ctx::Ctx;
use super::mutate::target_vms;
use super::reply::{Fail, bad, fail, sim_fail};
use super::{CD_ROMS_KEY, NICS_KEY};
use crate::error::SimError;
use crate::model::{SimNic, SimVm};
use omnivirt_core::NetworkId;

/// The CloudTower id of World NIC `nic` of VM `vm`.
pub(super) fn nic_id(vm: &str, nic: &str) -> String {
    format!("vn.{vm}.{nic}")
}

/// The per-NIC flags the World does not keep (`enabled`, `mirror`), by World NIC id.
pub(super) fn nic_flags(vm: &SimVm, nic: &str) -> Value {
    vm.extra
        .get(NICS_KEY)
        .and_then(|f| f.get(nic))
        .cloned()
        .unwrap_or_else(|| json!({}))
}

/// The World NIC at `index` (the VM's NIC order), or a 404 naming the index.
fn nic_at<'v>(vm: &'v SimVm, index: &Value) -> Result<&'v SimNic, Fail> {
    let idx = index.as_u64().ok_or_else(|| {
        bad(format!(
            "a nic_index must be a non-negative integer, got {index}"
        ))
    })?;
    usize::try_from(idx)
        .ok()
        .and_then(|i| vm.nics.get(i))
        .ok_or_else(|| fail(404, format!("VM {} has no NIC {idx}", vm.name)))
}

/// The World's name for a CloudTower NIC model (`VIRTIO` -> `virtio`).
pub(super) fn world_model(p: &Value) -> Result<Option<String>, Fail> {
    match p.get("model") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(m)) if ["VIRTIO", "E1000", "SRIOV"].contains(&m.as_str()) => {
            Ok(Some(m.to_ascii_lowercase()))
        }
        Some(m) => Err(bad(format!("unknown VmNicModel {m}"))),
    }
}

/// `add-vm-nic`: each NIC is a World task plugging it into its VLAN (a World network); the
/// answer carries the last one's task.
fn add_nics(ctx: &Ctx<'_>, vm: &SimVm, data: &Value) -> Result<Option<String>, Fail> {
    let list = data["vm_nics"]
        .as_array()
        .ok_or_else(|| bad("`data.vm_nics` must be an array"))?;
    let mut task = None;
    for p in list {
        let vlan = p["connect_vlan_id"]
            .as_str()
            .ok_or_else(|| bad("`connect_vlan_id` is required for a VLAN NIC"))?;
        let model = world_model(p)?;
        // CloudTower NICs have no name; the World wants a unique one.
        let name = (1..)
            .map(|k| format!("nic{k}"))
            .find(|n| !vm.nics.iter().any(|x| &x.name == n))
            .unwrap_or_default();
        let (sub, nic) = ctx
            .world
            .add_nic(
                vm.id.as_str(),
                vlan,
                Some(&name),
                model.as_deref(),
                p["mac_address"].as_str(),
            )
            .map_err(|e| sim_fail(&e, Some((vm.id.as_str(), "VM"))))?;
        let flags = json!({
            "enabled": p.get("enabled").cloned().unwrap_or(json!(true)),
            "mirror": p.get("mirror").cloned().unwrap_or(json!(false)),
        });
        ctx.world
            .update_vm(vm.id.as_str(), |v| set_flags(v, nic.as_str(), flags))
            .map_err(|e| sim_fail(&e, None))?;
        task = Some(sub.task.as_str().to_owned());
    }
    Ok(task)
}

fn set_flags(v: &mut SimVm, nic: &str, flags: Value) {
    let all = v
        .extra
        .entry(NICS_KEY.to_owned())
        .or_insert_with(|| json!({}));
    if !all.is_object() {
        *all = json!({});
    }
    all[nic] = flags;
}

/// `remove-vm-nic`: the NICs at these indexes, one World task each (the last one answers).
fn remove_nics(ctx: &Ctx<'_>, vm: &SimVm, data: &Value) -> Result<Option<String>, Fail> {
    let idx = data["nic_index"]
        .as_array()
        .ok_or_else(|| bad("`data.nic_index` must be an array"))?;
    let ids: Vec<String> = idx
        .iter()
        .map(|i| nic_at(vm, i).map(|n| n.id.as_str().to_owned()))
        .collect::<Result<_, _>>()?;
    let mut task = None;
    for id in ids {
        let sub = ctx
            .world
            .remove_nic(vm.id.as_str(), &id)
            .map_err(|e| sim_fail(&e, Some((vm.id.as_str(), "VM"))))?;
        task = Some(sub.task.as_str().to_owned());
    }
    Ok(task)
}

/// `update-vm-nic`: model, MAC, VLAN and the flags of the NIC at `nic_index`, at once.
fn update_nic(ctx: &Ctx<'_>, vm: &SimVm, data: &Value) -> Result<(), Fail> {
    let nic = nic_at(vm, &data["nic_index"])?.id.as_str().to_owned();
    let model = world_model(data)?;
    let vlan = match data["connect_vlan_id"].as_str() {
        Some(v) => {
            let net = ctx.world.get_network(v).map_err(|e| sim_fail(&e, None))?;
            if net.cluster_id != vm.cluster_id {
                return Err(bad(format!(
                    "VLAN {v} is not available in the cluster of VM {}",
                    vm.name
                )));
            }
            Some(net.id.clone())
        }
        None => None,
    };
    let mac = data["mac_address"].as_str().map(str::to_ascii_lowercase);
    let mut flags = nic_flags(vm, &nic);
    for k in ["enabled", "mirror"] {
        if let Some(b) = data.get(k).filter(|b| b.is_boolean()) {
            flags[k] = b.clone();
        }
    }
    ctx.world
        .update_vm(vm.id.as_str(), |v| {
            if let Some(n) = v.nics.iter_mut().find(|n| n.id.as_str() == nic) {
                if let Some(m) = model {
                    n.model = m;
                }
                if let Some(net) = vlan {
                    n.network_id = NetworkId::new(net);
                }
                if let Some(m) = mac {
                    n.mac = m;
                }
            }
            set_flags(v, &nic, flags);
        })
        .map_err(|e| sim_fail(&e, None))
}

/// The CD-ROM drives of a VM (`{n, boot, elf_image_id, content_library_image_id}`).
pub(super) fn cd_roms_of(vm: &SimVm) -> Vec<Value> {
    vm.extra
        .get(CD_ROMS_KEY)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The slot number `n` of a kept CD-ROM.
pub(super) fn cd_rom_n(c: &Value) -> u64 {
    c["n"].as_u64().unwrap_or(0)
}

pub(super) fn cd_rom_id(vm: &str, n: u64) -> String {
    format!("vc.{vm}.{n}")
}

/// NIC and CD-ROM edits, refused with `ResourceLocked` while a task holds the VM, as a tower
/// does. Adding or removing a NIC is a task; the other edits are done at once (`task_id: null`).
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
        let mut cds = cd_roms_of(&vm);
        let mut task = None;
        match op {
            "add-vm-nic" => task = add_nics(ctx, &vm, &data)?,
            "update-vm-nic" => update_nic(ctx, &vm, &data)?,
            "remove-vm-nic" => task = remove_nics(ctx, &vm, &data)?,
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
                v.extra.insert(CD_ROMS_KEY.into(), Value::Array(cds));
            })
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": task, "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}
