//! Changes: VM add/update/remove and actions, disk add/remove, attach and detach.

use http::StatusCode;
use omnivirt_core::{ErrorKind, PowerAction, VmState};
use omnivirt_http::{Request, Response};

use super::BLANK;
use super::filter::{find_cluster, find_host};
use super::render::{Follow, VM_ACTIONS, write_attachment, write_disk, write_vm};
use super::reply::{action_ok, bad_request, fault, not_found_empty, sim_fault, unknown_path};
use super::status::vm_status;
use super::xml::{El, X, parse_xml};
use crate::error::SimError;
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::{NewDisk, NewVm, World};

pub(super) fn drive_task(world: &World, id: &str) {
    // Observed a few times, as a client polling would (per-poll ticks progress it), then
    // finished: the engine answers these calls once the change is made, whatever the clock.
    for _ in 0..16 {
        match world.get_task(id) {
            Ok(t) if t.state.is_terminal() => return,
            Ok(_) => {}
            Err(_) => return,
        }
    }
    world.settle_task(id);
}

pub(super) fn tag_correlation(world: &World, req: &Request, task: &str) {
    if let Some(c) = skin::query_param(req, "correlation_id") {
        let _ = world.update_task(task, |t| {
            t.extra
                .insert("correlation_id".into(), serde_json::Value::String(c));
        });
    }
}

pub(super) fn add_vm(world: &World, req: &Request, v3: bool) -> Response {
    let body = match parse_xml(&req.body) {
        Ok(b) if b.name == "vm" => b,
        Ok(b) => return bad_request(&format!("Expected a <vm>, got <{}>", b.name)),
        Err(e) => return bad_request(&e),
    };
    let Some(name) = body.text_at(&["name"]) else {
        return bad_request("Vm [name] required for add");
    };
    let Some((cid, cname)) = body.reference("cluster") else {
        return bad_request("Vm [cluster.id|name] required for add");
    };
    let Some(cluster) = find_cluster(world, cid.as_deref(), cname.as_deref()) else {
        return fault(
            StatusCode::NOT_FOUND,
            "Operation Failed",
            &format!(
                "Entity not found: Cluster: {}",
                cid.or(cname).unwrap_or_default()
            ),
        );
    };
    let mut spec = NewVm::new(name, cluster.id.clone());
    if let Some((tid, tname)) = body.reference("template") {
        let blank =
            tid.as_deref() == Some(BLANK) || (tid.is_none() && tname.as_deref() == Some("Blank"));
        // The Blank template has no NIC; the World's templates stand for ones with one NIC on
        // the cluster's default network.
        spec.default_nic = !blank;
        if !blank {
            let found = world
                .list_templates(&Filter::new(), &Paging::all())
                .items
                .into_iter()
                .find(|t| Some(&t.id) == tid.as_ref() || Some(&t.name) == tname.as_ref());
            match found {
                Some(t) => spec = spec.template(t.id),
                None => {
                    return fault(
                        StatusCode::NOT_FOUND,
                        "Operation Failed",
                        &format!(
                            "Entity not found: Template: {}",
                            tid.or(tname).unwrap_or_default()
                        ),
                    );
                }
            }
        }
    } else {
        return bad_request("Vm [template.id|name] required for add");
    }
    match body.num_at(&["memory"]) {
        Ok(Some(m)) => spec = spec.memory_bytes(m),
        Ok(None) => {}
        Err(e) => return bad_request(&e),
    }
    let topo = ["sockets", "cores", "threads"].map(|k| body.num_at(&["cpu", "topology", k]));
    if let Some(e) = topo.iter().find_map(|t| t.as_ref().err()) {
        return bad_request(e);
    }
    let vals: Vec<Option<u64>> = topo.into_iter().map(|t| t.unwrap_or(None)).collect();
    if vals.iter().any(Option::is_some) {
        let n: u64 = vals.iter().map(|v| v.unwrap_or(1)).product();
        spec = spec.vcpus(u32::try_from(n).unwrap_or(u32::MAX));
    }
    if let Some(d) = body.text_at(&["description"]) {
        spec = spec.description(d);
    }
    match placement(world, &body) {
        Ok(sd) => spec.storage = sd,
        Err(r) => return *r,
    }
    // Cloud-init user data, kept for the guest and never rendered back.
    spec.user_data = body.text_at(&["initialization", "custom_script"]);
    match world.create_vm(spec) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            match world.peek_vm(sub.target_id()) {
                Ok(vm) => {
                    let mut x = X::new(v3);
                    write_vm(&mut x, world, &vm, Follow::default());
                    skin::xml_response(StatusCode::CREATED, x.doc())
                }
                Err(e) => sim_fault(&e, "add VM"),
            }
        }
        Err(e) => sim_fault(&e, "add VM"),
    }
}

pub(super) fn remove_vm(world: &World, req: &Request, id: &str) -> Response {
    let detach_only =
        skin::query_param(req, "detach_only").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let vm = match world.peek_vm(id) {
        Ok(vm) => vm,
        Err(_) => return not_found_empty(),
    };
    if vm.state != VmState::Stopped || vm.task_id.is_some() {
        let e = if vm.task_id.is_some() {
            SimError::locked(format!("VM {} is locked", vm.name))
        } else {
            SimError::invalid_state(format!("VM is running (status {})", vm_status(vm.state)))
        };
        return sim_fault(&e, "remove VM");
    }
    if detach_only {
        for d in &vm.disk_ids {
            match world.detach_disk(d.as_str(), id) {
                Ok(sub) => drive_task(world, sub.task.as_str()),
                Err(e) => return sim_fault(&e, "remove VM"),
            }
        }
    }
    match world.delete_vm(id) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            skin::empty_response(StatusCode::OK)
        }
        Err(e) => sim_fault(&e, "remove VM"),
    }
}

pub(super) fn vm_action(world: &World, req: &Request, id: &str, action: &str) -> Response {
    let body = if req.body.iter().all(u8::is_ascii_whitespace) {
        El::default()
    } else {
        match parse_xml(&req.body) {
            Ok(b) => b,
            Err(e) => return bad_request(&e),
        }
    };
    let vm = match world.peek_vm(id) {
        Ok(vm) => vm,
        Err(e) => return sim_fault(&e, "run action"),
    };
    let result = match action {
        "start" if vm.state == VmState::Suspended => world
            .power_vm(id, PowerAction::Resume)
            .map(|s| (s, "run VM")),
        "start" => world
            .power_vm(id, PowerAction::Start)
            .map(|s| (s, "run VM")),
        "stop" => world
            .power_vm(id, PowerAction::ForceStop)
            .map(|s| (s, "stop VM")),
        "shutdown" => world
            .power_vm(id, PowerAction::Stop)
            .map(|s| (s, "shut down VM")),
        "reboot" => world
            .power_vm(id, PowerAction::Reboot)
            .map(|s| (s, "reboot VM")),
        "suspend" => world
            .power_vm(id, PowerAction::Suspend)
            .map(|s| (s, "hibernate VM")),
        "migrate" => {
            let host = match body.reference("host") {
                Some((hid, hname)) => match find_host(world, hid.as_deref(), hname.as_deref()) {
                    Some(h) => Some(h.id.as_str().to_owned()),
                    None => {
                        return fault(
                            StatusCode::NOT_FOUND,
                            "Operation Failed",
                            "Entity not found: Host",
                        );
                    }
                },
                None => None,
            };
            world
                .migrate_vm(id, host.as_deref())
                .map(|s| (s, "migrate VM"))
        }
        other if VM_ACTIONS.contains(&other) => {
            return fault(
                StatusCode::BAD_REQUEST,
                "Operation Failed",
                &format!("the simulator does not implement the `{other}` action"),
            );
        }
        _ => return unknown_path(),
    };
    match result {
        Ok((sub, _)) => {
            tag_correlation(world, req, sub.task.as_str());
            action_ok(Some(sub.task.as_str()))
        }
        Err(e) => {
            let what = match action {
                "start" => "run VM",
                "stop" => "stop VM",
                "shutdown" => "shut down VM",
                "reboot" => "reboot VM",
                "suspend" => "hibernate VM",
                _ => "migrate VM",
            };
            sim_fault(&e, what)
        }
    }
}

/// The storage domain `<disk_attachments>` of a new VM copy its template's disks to. The
/// World's templates have no disks, so any `<disk id>` there is not one of the template's (the
/// engine's answer for that); a `<storage_domains>` naming an unknown domain is 404.
fn placement(world: &World, body: &El) -> Result<Option<String>, Box<Response>> {
    let Some(list) = body.child("disk_attachments") else {
        return Ok(None);
    };
    let mut chosen = None;
    for a in list.children.iter().filter(|c| c.name == "disk_attachment") {
        let Some(disk) = a.child("disk") else {
            return Err(Box::new(bad_request(
                "DiskAttachment [disk] required for add",
            )));
        };
        if let Some(id) = disk.attr("id") {
            return Err(Box::new(fault(
                StatusCode::BAD_REQUEST,
                "Operation Failed",
                &format!("[Cannot add VM. The given disk {id} does not belong to the template.]"),
            )));
        }
        if let Some(sd) = disk
            .path(&["storage_domains", "storage_domain"])
            .and_then(|e| e.attr("id"))
        {
            if world.get_storage_pool(sd).is_err() {
                return Err(Box::new(fault(
                    StatusCode::NOT_FOUND,
                    "Operation Failed",
                    &format!("Entity not found: Storage domain {sd}"),
                )));
            }
            chosen = Some(sd.to_owned());
        }
    }
    Ok(chosen)
}

pub(super) fn new_disk_from(world: &World, body: &El) -> Result<NewDisk, String> {
    let name = body
        .text_at(&["name"])
        .or_else(|| body.text_at(&["alias"]))
        .ok_or("Disk [name|alias] required for add")?;
    let size = body
        .num_at(&["provisioned_size"])?
        .ok_or("Disk [provisioned_size] required for add")?;
    let mut spec = NewDisk::new(name, size);
    if let Some(sd) = body
        .path(&["storage_domains", "storage_domain"])
        .and_then(|e| e.attr("id").map(str::to_owned))
    {
        if world.get_storage_pool(&sd).is_err() {
            return Err(format!("Entity not found: Storage domain {sd}"));
        }
        spec = spec.storage(sd);
    }
    Ok(spec)
}

pub(super) fn add_disk(world: &World, req: &Request, v3: bool) -> Response {
    let body = match parse_xml(&req.body) {
        Ok(b) if b.name == "disk" => b,
        Ok(b) => return bad_request(&format!("Expected a <disk>, got <{}>", b.name)),
        Err(e) => return bad_request(&e),
    };
    if body.path(&["storage_domains", "storage_domain"]).is_none() {
        return bad_request("Disk [storage_domains] required for add");
    }
    let spec = match new_disk_from(world, &body) {
        Ok(s) => s,
        Err(e) => return bad_request(&e),
    };
    match world.create_disk(spec) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            match world.peek_disk(sub.target_id()) {
                Ok(d) => {
                    let mut x = X::new(v3);
                    write_disk(&mut x, world, &d);
                    skin::xml_response(StatusCode::CREATED, x.doc())
                }
                Err(e) => sim_fault(&e, "add Disk"),
            }
        }
        Err(e) => sim_fault(&e, "add Disk"),
    }
}

pub(super) fn attach(world: &World, req: &Request, vm_id: &str, v3: bool) -> Response {
    let body = match parse_xml(&req.body) {
        Ok(b) if b.name == "disk_attachment" => b,
        Ok(b) => {
            return bad_request(&format!("Expected a <disk_attachment>, got <{}>", b.name));
        }
        Err(e) => return bad_request(&e),
    };
    if world.peek_vm(vm_id).is_err() {
        return not_found_empty();
    }
    let Some(disk_el) = body.child("disk") else {
        return bad_request("DiskAttachment [disk] required for add");
    };
    let disk_id = match disk_el.attr("id") {
        Some(id) => id.to_owned(),
        None => {
            // Create and attach in one call.
            let spec = match new_disk_from(world, disk_el) {
                Ok(s) => s,
                Err(e) => return bad_request(&e),
            };
            match world.create_disk(spec) {
                Ok(sub) => {
                    drive_task(world, sub.task.as_str());
                    sub.target_id().to_owned()
                }
                Err(e) => return sim_fault(&e, "add Disk"),
            }
        }
    };
    let interface = body
        .text_at(&["interface"])
        .unwrap_or_else(|| "virtio_scsi".into());
    let bootable = body
        .text_at(&["bootable"])
        .unwrap_or_else(|| "false".into());
    match world.attach_disk(&disk_id, vm_id) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            drive_task(world, sub.task.as_str());
            let _ = world.update_disk(&disk_id, |d| {
                d.extra.insert(
                    "ovirt_interface".into(),
                    serde_json::Value::String(interface),
                );
                d.extra
                    .insert("ovirt_bootable".into(), serde_json::Value::String(bootable));
            });
            match world.peek_disk(&disk_id) {
                Ok(d) => {
                    let mut x = X::new(v3);
                    write_attachment(&mut x, world, &d, vm_id, false);
                    skin::xml_response(StatusCode::CREATED, x.doc())
                }
                Err(e) => sim_fault(&e, "attach Virtual Disk"),
            }
        }
        Err(e) => sim_fault(&e, "attach Virtual Disk"),
    }
}

pub(super) fn detach(world: &World, req: &Request, vm_id: &str, disk_id: &str) -> Response {
    let detach_only =
        !skin::query_param(req, "detach_only").is_some_and(|v| v.eq_ignore_ascii_case("false"));
    match world.detach_disk(disk_id, vm_id) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            drive_task(world, sub.task.as_str());
            if !detach_only && let Err(e) = world.delete_disk(disk_id) {
                return sim_fault(&e, "remove Disk");
            }
            skin::empty_response(StatusCode::OK)
        }
        Err(e) if e.kind() == ErrorKind::NotFound => not_found_empty(),
        Err(e) => sim_fault(&e, "detach Virtual Disk"),
    }
}

pub(super) fn delete_disk(world: &World, req: &Request, id: &str) -> Response {
    match world.delete_disk(id) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            skin::empty_response(StatusCode::OK)
        }
        Err(e) => sim_fault(&e, "remove Disk"),
    }
}
