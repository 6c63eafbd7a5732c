//! Actions: create, change and delete VM instances and volumes.

use omnivirt_core::PowerAction;
use omnivirt_http::{Request, Response};
use serde_json::{Value, json};

use super::ids::{ext, int};
use super::jobs::accepted;
use super::reply::{Fail, code, invalid_arg, refused, text};
use super::{DATA_KEY, MOUNT};
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::{NewDisk, NewVm, World};

pub(super) fn body_of(req: &Request) -> Result<Value, Fail> {
    if req.body.is_empty() {
        return Err(text(400, "the request body is empty"));
    }
    skin::json_body::<Value>(req).map_err(|e| text(400, e))
}

pub(super) fn str_param<'a>(p: &'a Value, key: &str) -> Option<&'a str> {
    p.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

pub(super) fn u64_param(p: &Value, key: &str) -> Result<Option<u64>, Fail> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| invalid_arg(format!("field[{key}] must be a positive number, not {v}"))),
    }
}

pub(super) fn create_vm(world: &World, req: &Request) -> Result<Response, Fail> {
    let body = body_of(req)?;
    let Some(p) = body.get("params").filter(|p| p.is_object()) else {
        return Err(text(400, "the body must be {\"params\": {...}}"));
    };
    let name = str_param(p, "name").ok_or_else(|| invalid_arg("field[name] is mandatory"))?;
    if str_param(p, "instanceOfferingUuid").is_some() {
        return Err(invalid_arg(
            "the simulator has no instance offerings; give cpuNum and memorySize",
        ));
    }
    let cluster = match str_param(p, "clusterUuid") {
        Some(c) => int(world, c),
        None => world
            .list_clusters(&Filter::new(), &Paging::new(0, 1))
            .items
            .first()
            .map(|c| c.id.as_str().to_owned())
            .ok_or_else(|| {
                code(
                    "HOST.1000",
                    "No host available",
                    "no cluster to place the VM in",
                )
            })?,
    };
    let mut spec = NewVm::new(name, cluster);
    if let Some(n) = u64_param(p, "cpuNum")? {
        spec = spec.vcpus(u32::try_from(n).map_err(|_| invalid_arg("field[cpuNum] is too big"))?);
    }
    if let Some(m) = u64_param(p, "memorySize")? {
        spec = spec.memory_bytes(m);
    }
    if let Some(d) = str_param(p, "description") {
        spec = spec.description(d);
    }
    if let Some(i) = str_param(p, "imageUuid") {
        spec = spec.template(int(world, i));
    }
    if let Some(sizes) = p.get("dataDiskSizes").and_then(Value::as_array) {
        for (i, s) in sizes.iter().enumerate() {
            let size = s
                .as_u64()
                .ok_or_else(|| invalid_arg("field[dataDiskSizes] must hold sizes in bytes"))?;
            spec = spec.disk(NewDisk::new(format!("{name}-data-{}", i + 1), size));
        }
    }
    spec = super::tags::create_parts(world, &body, p, spec)?;
    match str_param(p, "strategy").unwrap_or("InstantStart") {
        "InstantStart" => {
            let host = str_param(p, "hostUuid").map(|h| int(world, h).into());
            spec = spec.power_on(host);
        }
        "CreateStopped" | "JustCreate" => {}
        other => {
            return Err(invalid_arg(format!(
                "field[strategy] must be InstantStart, JustCreate or CreateStopped, not {other}"
            )));
        }
    }
    let sub = world.create_vm(spec).map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

pub(super) fn vm_action(world: &World, req: &Request, uuid: &str) -> Result<Response, Fail> {
    let body = body_of(req)?;
    let Some((action, p)) = body.as_object().and_then(|m| {
        m.iter()
            .find(|(k, _)| !matches!(k.as_str(), "systemTags" | "userTags"))
    }) else {
        return Err(text(400, "the body names no action"));
    };
    let id = int(world, uuid);
    if let Some(answer) = super::day2::vm_action(world, req, &id, action, p) {
        return answer;
    }
    let host = str_param(p, "hostUuid").map(|h| int(world, h));
    let sub = match action.as_str() {
        "startVmInstance" => world.start_vm_on(&id, host.as_deref()),
        "stopVmInstance" => {
            let how = match str_param(p, "type").unwrap_or("grace") {
                "grace" => PowerAction::Stop,
                "cold" => PowerAction::ForceStop,
                other => {
                    return Err(invalid_arg(format!(
                        "field[type] must be grace or cold, not {other}"
                    )));
                }
            };
            world.power_vm(&id, how)
        }
        "rebootVmInstance" => world.power_vm(&id, PowerAction::Reboot),
        "pauseVmInstance" => world.power_vm(&id, PowerAction::Suspend),
        "resumeVmInstance" => world.power_vm(&id, PowerAction::Resume),
        "migrateVm" => {
            let before = world.peek_vm(&id).ok().and_then(|v| v.host_id);
            let sub = world.migrate_vm(&id, host.as_deref());
            if sub.is_ok()
                && let Some(h) = before
            {
                let last = json!(ext(h.as_str()));
                let _ = world.update_vm(&id, |v| {
                    v.extra.insert("zstack_last_host".into(), last);
                });
            }
            sub
        }
        // An action the simulator does not implement is answered as the REST layer answers
        // a body naming no action of the URL (RestServer.handleNonUniqueApi).
        _ => {
            return Err(text(
                400,
                format!("the body doesn't contain action mapping to the URL[{MOUNT}/vm-instances/{uuid}/actions]"),
            ));
        }
    }
    .map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

pub(super) fn create_volume(world: &World, req: &Request) -> Result<Response, Fail> {
    let body = body_of(req)?;
    let Some(p) = body.get("params").filter(|p| p.is_object()) else {
        return Err(text(400, "the body must be {\"params\": {...}}"));
    };
    let name = str_param(p, "name").ok_or_else(|| invalid_arg("field[name] is mandatory"))?;
    if str_param(p, "diskOfferingUuid").is_some() {
        return Err(invalid_arg(
            "the simulator has no disk offerings; give diskSize",
        ));
    }
    let size = u64_param(p, "diskSize")?
        .filter(|s| *s > 0)
        .ok_or_else(|| invalid_arg("field[diskSize] or field[diskOfferingUuid] is mandatory"))?;
    let mut spec = NewDisk::new(name, size);
    if let Some(ps) = str_param(p, "primaryStorageUuid") {
        spec = spec.storage(ps);
    }
    let sub = world.create_disk(spec).map_err(|e| refused(&e, false))?;
    let _ = world.update_disk(sub.target_id(), |d| {
        d.extra.insert(DATA_KEY.into(), Value::Bool(true));
    });
    Ok(accepted(req, sub.task.as_str()))
}

pub(super) fn detach_volume(world: &World, req: &Request, uuid: &str) -> Result<Response, Fail> {
    let id = int(world, uuid);
    let vm = match skin::query_param(req, "vmUuid").filter(|v| !v.is_empty()) {
        Some(v) => int(world, &v),
        None => world
            .peek_disk(&id)
            .map_err(|e| refused(&e, false))?
            .vm_id
            .map(|v| v.as_str().to_owned())
            .ok_or_else(|| {
                code(
                    "SYS.1006",
                    "An operation failed",
                    format!("volume[uuid:{uuid}] is not attached to any VM"),
                )
            })?,
    };
    let sub = world
        .detach_disk(&id, &vm)
        .map_err(|e| refused(&e, false))?;
    Ok(accepted(req, sub.task.as_str()))
}

pub(super) fn check_delete_mode(req: &Request) -> Result<(), Fail> {
    match skin::query_param(req, "deleteMode").as_deref() {
        None | Some("Permissive" | "Enforcing") => Ok(()),
        Some(other) => Err(invalid_arg(format!(
            "field[deleteMode] must be Permissive or Enforcing, not {other}"
        ))),
    }
}

pub(super) fn delete_vm(world: &World, req: &Request, uuid: &str) -> Result<Response, Fail> {
    check_delete_mode(req)?;
    let sub = world
        .delete_vm(&int(world, uuid))
        .map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

pub(super) fn attach_volume(
    world: &World,
    req: &Request,
    vol: &str,
    vm: &str,
) -> Result<Response, Fail> {
    let sub = world
        .attach_disk(&int(world, vol), &int(world, vm))
        .map_err(|e| refused(&e, false))?;
    Ok(accepted(req, sub.task.as_str()))
}

pub(super) fn delete_volume(world: &World, req: &Request, uuid: &str) -> Result<Response, Fail> {
    check_delete_mode(req)?;
    let sub = world
        .delete_disk(&int(world, uuid))
        .map_err(|e| refused(&e, false))?;
    Ok(accepted(req, sub.task.as_str()))
}
