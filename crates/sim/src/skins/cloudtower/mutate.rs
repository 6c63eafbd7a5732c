//! VM mutations: create (also from a template), power, migrate, delete, recycle.

use serde_json::{Value, json};

use super::CD_ROMS_KEY;
use super::ctx::{Ctx, Kind};
use super::devices::world_model;
use super::reply::{Fail, bad, sim_fail};
use crate::model::rfc3339;
use crate::world::{NewDisk, NewNic, NewVm};

pub(super) fn data_str(body: &Value, key: &str) -> Option<String> {
    body.get("data")
        .and_then(|d| d.get(key))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

pub(super) fn target_vms(ctx: &Ctx<'_>, body: &Value) -> Result<Vec<String>, Fail> {
    if body.get("where").is_none() {
        return Err(bad("`where` is required"));
    }
    Ok(ctx
        .select(Kind::Vm, &json!({"where": body["where"]}))?
        .iter()
        .filter_map(|v| v["id"].as_str().map(str::to_owned))
        .collect())
}

pub(super) fn each_vm(
    ctx: &Ctx<'_>,
    body: &Value,
    f: impl Fn(&str) -> crate::error::SimResult<crate::model::Submission>,
) -> Result<Value, Fail> {
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        let sub = f(&id).map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

pub(super) fn unit_bytes(v: &Value, unit: Option<&Value>) -> Result<u64, Fail> {
    let n = v
        .as_u64()
        .ok_or_else(|| bad(format!("size must be a non-negative integer, got {v}")))?;
    let shift = match unit.and_then(Value::as_str).unwrap_or("B") {
        "B" => 0,
        "KB" => 10,
        "MB" => 20,
        "GB" => 30,
        "TB" => 40,
        "PB" => 50,
        other => return Err(bad(format!("unknown ByteUnit `{other}`"))),
    };
    n.checked_shl(shift)
        .filter(|b| b >> shift == n)
        .ok_or_else(|| bad("size overflows"))
}

pub(super) fn new_disks(params: &Value, cluster: &str) -> Result<Vec<NewDisk>, Fail> {
    let mut out = Vec::new();
    for d in params
        .get("mount_new_create_disks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let vol = &d["vm_volume"];
        let name = vol["name"]
            .as_str()
            .ok_or_else(|| bad("vm_volume.name is required"))?;
        let size = unit_bytes(&vol["size"], vol.get("size_unit"))?;
        let mut nd = NewDisk::new(name, size).cluster(cluster);
        if let Some(p) = vol["elf_storage_policy"].as_str() {
            nd = nd.storage(p);
        }
        out.push(nd);
    }
    Ok(out)
}

pub(super) fn create_vms(ctx: &Ctx<'_>, body: &Value, from_template: bool) -> Result<Value, Fail> {
    let list = body
        .as_array()
        .ok_or_else(|| bad("the body must be an array of creation params"))?;
    let mut out = Vec::new();
    for p in list {
        let name = p["name"]
            .as_str()
            .ok_or_else(|| bad("`name` is required"))?;
        let cluster = p["cluster_id"]
            .as_str()
            .ok_or_else(|| bad("`cluster_id` is required"))?;
        let mut spec = NewVm::new(name, cluster);
        if from_template {
            let t = p["template_id"]
                .as_str()
                .ok_or_else(|| bad("`template_id` is required"))?;
            spec = spec.template(t);
        }
        let vcpu = p["vcpu"].as_u64().or_else(|| {
            p["cpu_sockets"]
                .as_u64()?
                .checked_mul(p["cpu_cores"].as_u64()?)
        });
        if let Some(n) = vcpu {
            spec = spec.vcpus(u32::try_from(n).map_err(|_| bad("vcpu too large"))?);
        }
        if !p["memory"].is_null() {
            spec = spec.memory_bytes(unit_bytes(&p["memory"], p.get("memory_unit"))?);
        }
        if let Some(d) = p["description"].as_str() {
            spec = spec.description(d);
        }
        // Cloud-init user data, kept for the guest and never rendered back.
        spec.user_data = p["cloud_init"]["user_data"].as_str().map(str::to_owned);
        let disks_params = if from_template {
            p.get("disk_operate").and_then(|d| d.get("new_disks"))
        } else {
            p.get("vm_disks")
        };
        if let Some(dp) = disks_params {
            if dp
                .get("mount_disks")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                return Err(bad(
                    "mounting existing volumes at creation is not simulated; use add-vm-disk after the VM exists",
                ));
            }
            for d in new_disks(dp, cluster)? {
                spec = spec.disk(d);
            }
        }
        // `vm_nics` (required on create-vm, an override on a template): the World's NICs;
        // an empty list is a VM without NICs.
        let nics = match p.get("vm_nics") {
            None | Some(Value::Null) => None,
            Some(Value::Array(list)) => Some(list),
            Some(_) => return Err(bad("`vm_nics` must be an array")),
        };
        for n in nics.into_iter().flatten() {
            let vlan = n["connect_vlan_id"]
                .as_str()
                .ok_or_else(|| bad("`connect_vlan_id` is required for a VLAN NIC"))?;
            let mut nic = NewNic::new(vlan);
            nic.model = world_model(n)?;
            nic.mac = n["mac_address"].as_str().map(str::to_owned);
            spec.nics.push(nic);
        }
        let no_nics = nics.is_some_and(Vec::is_empty);
        if p["status"].as_str() == Some("RUNNING") {
            spec = spec.power_on(p["host_id"].as_str().map(Into::into));
        }
        let sub = ctx.world.create_vm(spec).map_err(|e| sim_fail(&e, None))?;
        let id = sub.target_id().to_owned();
        let cds: Vec<Value> = disks_params
            .and_then(|d| d.get("mount_cd_roms"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(n, c)| {
                json!({
                    "n": n, "boot": c.get("boot").cloned().unwrap_or(json!(0)),
                    "elf_image_id": c.get("elf_image_id").cloned().unwrap_or(Value::Null),
                    "content_library_image_id": c.get("content_library_image_id").cloned().unwrap_or(Value::Null),
                })
            })
            .collect();
        if !cds.is_empty() || no_nics {
            let _ = ctx.world.update_vm(&id, |v| {
                if !cds.is_empty() {
                    v.extra.insert(CD_ROMS_KEY.into(), Value::Array(cds));
                }
                if no_nics {
                    v.nics.clear();
                }
            });
        }
        if let Some(fw) = p["firmware"].as_str() {
            let fw = fw.to_owned();
            let ha = p["ha"].as_bool();
            let _ = ctx.world.update_vm(&id, |v| {
                v.extra.insert("firmware".into(), json!(fw));
                if let Some(ha) = ha {
                    v.extra.insert("ha".into(), json!(ha));
                }
            });
        }
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

pub(super) fn delete_vms(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        let sub = ctx
            .world
            .delete_vm(&id)
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": {"id": id}}));
    }
    Ok(Value::Array(out))
}

pub(super) fn recycle(ctx: &Ctx<'_>, body: &Value, into_bin: bool) -> Result<Value, Fail> {
    let now = rfc3339(ctx.world.now());
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        ctx.world
            .update_vm(&id, |v| {
                if into_bin {
                    v.extra.insert("in_recycle_bin".into(), json!(true));
                    v.extra.insert("deleted_at".into(), json!(now.clone()));
                } else {
                    v.extra.remove("in_recycle_bin");
                    v.extra.remove("deleted_at");
                }
            })
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        out.push(json!({"task_id": null, "data": {"id": id}}));
    }
    Ok(Value::Array(out))
}
