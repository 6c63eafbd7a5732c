//! Day-two actions and inventories: reconfigure, clone, VM snapshot groups, NICs, console,
//! the event log and host maintenance.

use std::sync::Arc;

use http::StatusCode;
use omnivirt_core::{ResourceRef, SnapshotState};
use omnivirt_http::{Request, Response};
use serde_json::{Value, json};

use super::MOUNT;
use super::ids::{ext, gson_date, int};
use super::jobs::accepted;
use super::mutate::{body_of, str_param, u64_param};
use super::render::root_volume_of;
use super::reply::{Fail, code, invalid_arg, refused, text};
use crate::model::{SimEvent, SimSnapshot, SimVm};
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::{VmChange, World};

/// Where the skin keeps, on a snapshot task, the uuid of the group it makes.
pub(super) const GROUP_KEY: &str = "zstack_snapshot_group";

fn params(req: &Request) -> Result<Value, Fail> {
    let body = body_of(req)?;
    body.get("params")
        .filter(|p| p.is_object())
        .cloned()
        .ok_or_else(|| text(400, "the body must be {\"params\": {...}}"))
}

/// `updateVmInstance` and `cloneVmInstance` on `PUT /vm-instances/{uuid}/actions`; `None` for
/// other actions.
pub(super) fn vm_action(
    world: &World,
    req: &Request,
    id: &str,
    action: &str,
    p: &Value,
) -> Option<Result<Response, Fail>> {
    Some(match action {
        "updateVmInstance" => update_vm(world, req, id, p),
        "cloneVmInstance" => clone_vm(world, req, id, p),
        _ => return None,
    })
}

fn update_vm(world: &World, req: &Request, id: &str, p: &Value) -> Result<Response, Fail> {
    for unsupported in [
        "state",
        "defaultL3NetworkUuid",
        "platform",
        "reservedMemorySize",
    ] {
        if p.get(unsupported).is_some_and(|v| !v.is_null()) {
            return Err(invalid_arg(format!(
                "the simulator does not change field[{unsupported}]"
            )));
        }
    }
    let mut c = VmChange::new();
    c.name = p.get("name").and_then(Value::as_str).map(str::to_owned);
    c.description = p
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    c.vcpus = match u64_param(p, "cpuNum")? {
        Some(n) => Some(u32::try_from(n).map_err(|_| invalid_arg("field[cpuNum] is too big"))?),
        None => None,
    };
    c.memory_bytes = u64_param(p, "memorySize")?;
    let (sub, _) = world.reconfigure_vm(id, c).map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

fn clone_vm(world: &World, req: &Request, id: &str, p: &Value) -> Result<Response, Fail> {
    let names: Vec<&str> = p
        .get("names")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let [name] = names.as_slice() else {
        return Err(invalid_arg(
            "field[names] must hold one name: the simulator clones one VM per call",
        ));
    };
    match str_param(p, "strategy").unwrap_or("InstantStart") {
        "CreateStopped" | "JustCreate" => {}
        other => {
            return Err(invalid_arg(format!(
                "the simulator clones VMs stopped: strategy {other} is not served, \
                 give CreateStopped"
            )));
        }
    }
    let cluster = str_param(p, "clusterUuid").map(|c| int(world, c));
    let storage = str_param(p, "primaryStorageUuidForRootVolume").map(str::to_owned);
    let sub = world
        .clone_vm(id, name, cluster.as_deref(), storage.as_deref())
        .map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

/// The VM holding snapshot `snap` or NIC `nic`.
fn vm_holding(world: &World, snap: Option<&str>, nic: Option<&str>) -> Option<SimVm> {
    let keep = |v: &SimVm| {
        snap.is_some_and(|s| v.snapshots.iter().any(|x| x.id.as_str() == s))
            || nic.is_some_and(|n| v.nics.iter().any(|x| x.id.as_str() == n))
    };
    world
        .peek_vms(&Filter::new(), &Paging::all(), Some(&keep))
        .items
        .into_iter()
        .next()
        .map(Arc::unwrap_or_clone)
}

fn group_not_found(uuid: &str) -> Fail {
    code(
        "SYS.1003",
        "Resource not found",
        format!("volume snapshot group[uuid:{uuid}] is not found"),
    )
}

/// `POST /volume-snapshots/group`: a snapshot of the VM whose root volume is named.
pub(super) fn create_group(world: &World, req: &Request) -> Result<Response, Fail> {
    let p = params(req)?;
    let root = str_param(&p, "rootVolumeUuid")
        .ok_or_else(|| invalid_arg("field[rootVolumeUuid] is mandatory"))?;
    let name = str_param(&p, "name").ok_or_else(|| invalid_arg("field[name] is mandatory"))?;
    // A root volume the World knows names its VM; a derived one is found among the VMs.
    let owner = world
        .peek_disk(&int(world, root))
        .ok()
        .and_then(|d| d.vm_id);
    let is_root = |v: &SimVm| world.with_lookup(|l| root_volume_of(l, v)) == root;
    let vm = match owner {
        Some(v) => world.peek_vm(v.as_str()).ok().filter(|v| is_root(v)),
        // Checked outside the World's lock: `is_root` reads the World.
        None => world
            .peek_vms(&Filter::new(), &Paging::all(), None)
            .items
            .into_iter()
            .find(|v| is_root(v))
            .map(Arc::unwrap_or_clone),
    }
    .map(|v| v.id)
    .ok_or_else(|| invalid_arg(format!("volume[uuid:{root}] is not a VM's root volume")))?;
    let memory = p
        .get("withMemory")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let description = str_param(&p, "description").unwrap_or("");
    let (sub, id) = world
        .create_snapshot(vm.as_str(), name, description, memory)
        .map_err(|e| refused(&e, true))?;
    let group = json!(ext(id.as_str()));
    let _ = world.update_task(sub.task.as_str(), |t| {
        t.extra.insert(GROUP_KEY.into(), group);
    });
    Ok(accepted(req, sub.task.as_str()))
}

/// `PUT /volume-snapshots/group/{uuid}/actions` (`revertVmFromSnapshotGroup`) and
/// `DELETE /volume-snapshots/group/{uuid}`.
pub(super) fn group_task(
    world: &World,
    req: &Request,
    uuid: &str,
    revert: bool,
) -> Result<Response, Fail> {
    if revert {
        let body = body_of(req)?;
        if body.get("revertVmFromSnapshotGroup").is_none() {
            return Err(text(
                400,
                format!(
                    "the body doesn't contain action mapping to the \
                     URL[{MOUNT}/volume-snapshots/group/{uuid}/actions]"
                ),
            ));
        }
    }
    let snap = int(world, uuid);
    let vm = vm_holding(world, Some(&snap), None).ok_or_else(|| group_not_found(uuid))?;
    let sub = if revert {
        world.revert_snapshot(vm.id.as_str(), &snap)
    } else {
        world.delete_snapshot(vm.id.as_str(), &snap)
    }
    .map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

/// A World snapshot as a `VolumeSnapshotGroupInventory`: one volume snapshot per VM volume
/// (and one of the memory when taken with it).
pub(super) fn render_group(world: &World, vm: &SimVm, s: &SimSnapshot) -> Value {
    let uuid = ext(s.id.as_str());
    let mut refs: Vec<Value> = vm
        .disk_ids
        .iter()
        .enumerate()
        .filter_map(|(i, d)| world.peek_disk(d.as_str()).ok().map(|d| (i, d)))
        .map(|(i, d)| {
            json!({
                "volumeSnapshotUuid": ext(&crate::ids::uuid_from(&format!("{uuid}-{i}"))),
                "volumeSnapshotGroupUuid": uuid,
                "deviceId": i,
                "snapshotDeleted": false,
                "volumeUuid": ext(d.id.as_str()),
                "volumeName": d.name,
                "volumeType": if i == 0 { "Root" } else { "Data" },
                "volumeSnapshotName": s.name,
                "createDate": gson_date(s.created_at),
                "lastOpDate": gson_date(s.created_at),
            })
        })
        .collect();
    if s.includes_memory {
        refs.push(json!({
            "volumeSnapshotUuid": ext(&crate::ids::uuid_from(&format!("{uuid}-memory"))),
            "volumeSnapshotGroupUuid": uuid,
            "deviceId": refs.len(),
            "snapshotDeleted": false,
            "volumeType": "Memory",
            "volumeSnapshotName": s.name,
            "createDate": gson_date(s.created_at),
            "lastOpDate": gson_date(s.created_at),
        }));
    }
    json!({
        "uuid": uuid,
        "name": s.name,
        "description": s.description,
        "vmInstanceUuid": ext(vm.id.as_str()),
        "snapshotCount": refs.len(),
        "createDate": gson_date(s.created_at),
        "lastOpDate": gson_date(s.created_at),
        "volumeSnapshotRefs": refs,
    })
}

/// The snapshot groups of the VMs `filter` selects. A group is written once all its volume
/// snapshots are taken: a snapshot still being taken is not listed.
pub(super) fn groups(world: &World, vm: Option<&str>) -> Vec<Value> {
    let vms: Vec<SimVm> = match vm {
        // Reading one VM's groups observes it, as the World's own listing does.
        Some(v) => world.get_vm(v).map(|v| vec![v]).unwrap_or_default(),
        None => {
            let any = |v: &SimVm| !v.snapshots.is_empty();
            world
                .peek_vms(&Filter::new(), &Paging::all(), Some(&any))
                .items
                .into_iter()
                .map(Arc::unwrap_or_clone)
                .collect()
        }
    };
    vms.iter()
        .flat_map(|v| {
            v.snapshots
                .iter()
                .filter(|s| s.state != SnapshotState::Creating)
                .map(|s| render_group(world, v, s))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `POST /vm-instances/{vm}/l3-networks/{l3}` (`AttachL3NetworkToVm`).
pub(super) fn attach_l3(
    world: &World,
    req: &Request,
    vm: &str,
    l3: &str,
) -> Result<Response, Fail> {
    let p = if req.body.is_empty() {
        json!({})
    } else {
        params(req)?
    };
    if str_param(&p, "staticIp").is_some() {
        return Err(invalid_arg(
            "the simulator gives NICs the next free address",
        ));
    }
    let model = str_param(&p, "driverType");
    let mac = str_param(&p, "customMac");
    let (sub, _) = world
        .add_nic(&int(world, vm), &int(world, l3), None, model, mac)
        .map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

/// `DELETE /vm-instances/nics/{nic}` (`DetachL3NetworkFromVm`).
pub(super) fn detach_nic(world: &World, req: &Request, nic: &str) -> Result<Response, Fail> {
    let id = int(world, nic);
    let vm = vm_holding(world, None, Some(&id)).ok_or_else(|| {
        code(
            "SYS.1003",
            "Resource not found",
            format!("vm nic[uuid:{nic}] is not found"),
        )
    })?;
    let sub = world
        .remove_nic(vm.id.as_str(), &id)
        .map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

/// `POST /consoles` (`RequestConsoleAccess`). The World hands out a console at once, so the
/// skin answers with the result where a management node answers 202 and a job.
pub(super) fn console(world: &World, req: &Request) -> Result<Response, Fail> {
    let p = params(req)?;
    let vm = str_param(&p, "vmInstanceUuid")
        .ok_or_else(|| invalid_arg("field[vmInstanceUuid] is mandatory"))?;
    let c = world
        .console(&int(world, vm))
        .map_err(|e| refused(&e, true))?;
    Ok(skin::json_response(
        StatusCode::OK,
        &json!({"inventory": {
            "scheme": "vnc",
            "targetScheme": "vnc",
            "hostname": c.host,
            "port": c.port,
            "token": c.ticket,
            "version": "4.8.0",
            "expiredDate": gson_date(c.expires_at),
        }}),
    ))
}

/// A stable number for a World event id (`EventLogInventory.id` is a `long`): FNV-1a, kept
/// within JSON's exact integers.
fn event_number(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h & ((1 << 53) - 1)
}

/// A World event as an `EventLogInventory`: about its VM when it names one, else its target.
pub(super) fn render_event(e: &SimEvent) -> Value {
    let main = e
        .refs
        .iter()
        .find(|r| matches!(r, ResourceRef::Vm(_)))
        .or_else(|| e.refs.first());
    let (kind, uuid) = match main {
        Some(ResourceRef::Vm(v)) => ("VmInstanceVO", ext(v.as_str())),
        Some(ResourceRef::Host(h)) => ("HostVO", ext(h.as_str())),
        Some(ResourceRef::Disk(d)) => ("VolumeVO", ext(d.as_str())),
        Some(ResourceRef::Cluster(c)) => ("ClusterVO", ext(c.as_str())),
        Some(r) => ("ResourceVO", ext(crate::model::ref_id(r))),
        None => ("ResourceVO", String::new()),
    };
    let kind_word = match e.severity {
        omnivirt_core::EventSeverity::Error => "Error",
        omnivirt_core::EventSeverity::Warning => "Warning",
        _ => "Info",
    };
    json!({
        "id": event_number(e.id.as_str()),
        "content": e.message,
        "resourceUuid": uuid,
        "resourceType": kind,
        "category": e.code,
        "trackingId": ext(e.id.as_str()),
        "type": kind_word,
        "time": e.time.saturating_mul(1000),
        "createDate": gson_date(e.time),
    })
}

/// The events a query can be about: narrowed by the World on `resourceUuid=` and `time>=`
/// (every other condition is checked on the rendered entries).
pub(super) fn events(world: &World, vm: Option<&str>, since_ms: Option<u64>) -> Vec<Value> {
    let since = since_ms.map(|ms| ms / 1000);
    world
        .list_events(since, vm, 0, usize::MAX)
        .items
        .iter()
        .map(render_event)
        .collect()
}

/// `PUT /hosts/{uuid}/actions` with `changeHostState`.
pub(super) fn host_action(world: &World, req: &Request, uuid: &str) -> Result<Response, Fail> {
    let body = body_of(req)?;
    let Some(p) = body.get("changeHostState") else {
        return Err(text(
            400,
            format!(
                "the body doesn't contain action mapping to the URL[{MOUNT}/hosts/{uuid}/actions]"
            ),
        ));
    };
    let enter = match str_param(p, "stateEvent") {
        Some("maintain") => true,
        Some("enable") => false,
        Some("disable") => {
            return Err(invalid_arg("the simulator's hosts cannot be disabled"));
        }
        Some(other) => {
            return Err(invalid_arg(format!(
                "field[stateEvent] must be enable, disable or maintain, not {other}"
            )));
        }
        None => return Err(invalid_arg("field[stateEvent] is mandatory")),
    };
    let sub = world
        .host_maintenance(&int(world, uuid), enter)
        .map_err(|e| refused(&e, false))?;
    Ok(accepted(req, sub.task.as_str()))
}
