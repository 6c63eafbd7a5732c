//! Day-two endpoints: VM update, snapshots, clone, graphics consoles and tickets, host
//! maintenance. Each drives the World's own day-two call, so every change is a World task
//! (an engine job, found by `correlation_id`) and writes the World's event log.

use http::StatusCode;
use omnivirt_core::{SnapshotState, VmState};
use omnivirt_http::{Request, Response};

use super::API;
use super::mutate::{drive_task, tag_correlation};
use super::render::{Follow, write_vm};
use super::reply::{bad_request, not_found_empty, sim_fault};
use super::status::time;
use super::xml::{El, X, parse_xml};
use crate::model::{SimSnapshot, SimVm};
use crate::skin;
use crate::world::{VmChange, World};

/// The request's XML, or the engine's complaint about it.
fn body_of(req: &Request) -> Result<El, String> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(El::default());
    }
    parse_xml(&req.body)
}

/// `PUT /vms/{id}`: name, description, memory and CPU topology. The engine edits a VM
/// synchronously and answers with it, so the skin drives the World's task to its end before
/// answering (with a wall clock the VM may stay locked a moment longer: clients follow the
/// job). `next_run=true` is accepted; the World applies the change at once either way.
pub(super) fn update_vm(world: &World, req: &Request, id: &str, v3: bool) -> Response {
    let body = match body_of(req) {
        Ok(b) => b,
        Err(e) => return bad_request(&e),
    };
    if world.peek_vm(id).is_err() {
        return not_found_empty();
    }
    let mut change = VmChange::new();
    change.name = body.text_at(&["name"]);
    change.description = body.path(&["description"]).map(|d| d.text.clone());
    match body.num_at(&["memory"]) {
        Ok(m) => change.memory_bytes = m,
        Err(e) => return bad_request(&e),
    }
    let topo = ["sockets", "cores", "threads"].map(|k| body.num_at(&["cpu", "topology", k]));
    if let Some(e) = topo.iter().find_map(|t| t.as_ref().err()) {
        return bad_request(e);
    }
    let vals: Vec<Option<u64>> = topo.into_iter().map(|t| t.unwrap_or(None)).collect();
    if vals.iter().any(Option::is_some) {
        let n: u64 = vals.iter().map(|v| v.unwrap_or(1)).product();
        change.vcpus = Some(u32::try_from(n).unwrap_or(u32::MAX));
    }
    if change == VmChange::new() {
        // Nothing the simulator keeps was sent: the engine answers with the VM unchanged.
        return match world.peek_vm(id) {
            Ok(vm) => vm_doc(world, &vm, v3),
            Err(e) => sim_fault(&e, "edit VM"),
        };
    }
    match world.reconfigure_vm(id, change) {
        Ok((sub, _)) => {
            tag_correlation(world, req, sub.task.as_str());
            drive_task(world, sub.task.as_str());
            match world.peek_vm(id) {
                Ok(vm) => vm_doc(world, &vm, v3),
                Err(e) => sim_fault(&e, "edit VM"),
            }
        }
        Err(e) => sim_fault(&e, "edit VM"),
    }
}

fn vm_doc(world: &World, vm: &SimVm, v3: bool) -> Response {
    let mut x = X::new(v3);
    write_vm(&mut x, world, vm, Follow::default());
    skin::xml_response(StatusCode::OK, x.doc())
}

fn snapshot_status(s: SnapshotState) -> &'static str {
    match s {
        SnapshotState::Ready => "ok",
        _ => "locked",
    }
}

/// The `active` snapshot every engine VM has: its current configuration.
fn active_snapshot_id(vm: &str) -> String {
    crate::uuid_from(&format!("omnivirt-sim/ovirt/vm/{vm}/active-snapshot"))
}

fn write_snapshot(x: &mut X, vm: &SimVm, s: &SimSnapshot) {
    let vid = vm.id.as_str();
    let base = format!("{API}/vms/{vid}/snapshots/{}", s.id.as_str());
    x.open_obj("snapshot", &base, s.id.as_str());
    x.actions(&base, &["restore"]);
    x.leaf("description", &s.name);
    x.links(&base, &["disks", "nics"]);
    x.leaf("date", &time(s.created_at));
    x.leaf(
        "persist_memorystate",
        if s.includes_memory { "true" } else { "false" },
    );
    x.leaf("snapshot_status", snapshot_status(s.state));
    x.leaf("snapshot_type", "regular");
    x.reference("vm", &format!("{API}/vms/{vid}"), vid);
    x.close("snapshot");
}

fn write_active_snapshot(x: &mut X, vm: &SimVm) {
    let vid = vm.id.as_str();
    let id = active_snapshot_id(vid);
    x.open_obj("snapshot", &format!("{API}/vms/{vid}/snapshots/{id}"), &id);
    x.leaf("description", "Active VM");
    x.leaf("date", &time(vm.updated_at));
    x.leaf("persist_memorystate", "false");
    x.leaf("snapshot_status", "ok");
    x.leaf("snapshot_type", "active");
    x.reference("vm", &format!("{API}/vms/{vid}"), vid);
    x.close("snapshot");
}

/// `GET /vms/{id}/snapshots`: the `active` snapshot, then the World's, oldest first.
pub(super) fn list_snapshots(world: &World, id: &str, v3: bool) -> Response {
    let vm = match world.get_vm(id) {
        Ok(vm) => vm,
        Err(_) => return not_found_empty(),
    };
    let mut x = X::new(v3);
    write_active_snapshot(&mut x, &vm);
    for s in &vm.snapshots {
        write_snapshot(&mut x, &vm, s);
    }
    super::reply::list_doc("snapshots", x.s)
}

pub(super) fn get_snapshot(world: &World, id: &str, sid: &str, v3: bool) -> Response {
    let vm = match world.get_vm(id) {
        Ok(vm) => vm,
        Err(_) => return not_found_empty(),
    };
    let mut x = X::new(v3);
    if sid == active_snapshot_id(id) {
        write_active_snapshot(&mut x, &vm);
    } else if let Some(s) = vm.snapshots.iter().find(|s| s.id.as_str() == sid) {
        write_snapshot(&mut x, &vm, s);
    } else {
        return not_found_empty();
    }
    skin::xml_response(StatusCode::OK, x.doc())
}

/// `POST /vms/{id}/snapshots` with `<snapshot><description>`: answered with the new
/// snapshot (`locked`) at once; its job runs on.
pub(super) fn add_snapshot(world: &World, req: &Request, id: &str, v3: bool) -> Response {
    let body = match body_of(req) {
        Ok(b) if b.name == "snapshot" => b,
        Ok(b) => return bad_request(&format!("Expected a <snapshot>, got <{}>", b.name)),
        Err(e) => return bad_request(&e),
    };
    let Some(desc) = body.text_at(&["description"]) else {
        return bad_request("Snapshot [description] required for add");
    };
    let memory = body
        .text_at(&["persist_memorystate"])
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    match world.create_snapshot(id, &desc, "", memory) {
        Ok((sub, sid)) => {
            tag_correlation(world, req, sub.task.as_str());
            let vm = match world.peek_vm(id) {
                Ok(vm) => vm,
                Err(e) => return sim_fault(&e, "create Snapshot"),
            };
            match vm.snapshots.iter().find(|s| s.id == sid) {
                Some(s) => {
                    let mut x = X::new(v3);
                    write_snapshot(&mut x, &vm, s);
                    skin::xml_response(StatusCode::CREATED, x.doc())
                }
                None => not_found_empty(),
            }
        }
        Err(e) => sim_fault(&e, "create Snapshot"),
    }
}

/// `POST /vms/{id}/snapshots/{s}/restore`: the World's revert; answered with its job.
pub(super) fn restore_snapshot(world: &World, req: &Request, id: &str, sid: &str) -> Response {
    if let Err(e) = body_of(req) {
        return bad_request(&e);
    }
    match world.revert_snapshot(id, sid) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            super::reply::action_ok(Some(sub.task.as_str()))
        }
        Err(e) => sim_fault(&e, "revert to Snapshot"),
    }
}

/// `DELETE /vms/{id}/snapshots/{s}`.
pub(super) fn remove_snapshot(world: &World, req: &Request, id: &str, sid: &str) -> Response {
    match world.delete_snapshot(id, sid) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            skin::empty_response(StatusCode::OK)
        }
        Err(e) => sim_fault(&e, "remove Snapshot"),
    }
}

/// `POST /vms/{id}/clone` with `<action><vm><name>` (and `<storage_domain id>`): answered
/// with the job and the new VM's reference.
pub(super) fn clone_vm(world: &World, req: &Request, id: &str) -> Response {
    let body = match body_of(req) {
        Ok(b) => b,
        Err(e) => return bad_request(&e),
    };
    let Some(name) = body.text_at(&["vm", "name"]) else {
        return bad_request("Action [vm.name] required for clone");
    };
    let sd = body
        .child("storage_domain")
        .and_then(|e| e.attr("id").map(str::to_owned));
    match world.clone_vm(id, &name, None, sd.as_deref()) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            let job = sub.task.as_str();
            let new = sub.target_id();
            let mut x = X::new(false);
            x.open("action");
            x.reference("job", &format!("{API}/jobs/{job}"), job);
            x.reference("vm", &format!("{API}/vms/{new}"), new);
            x.leaf("status", "complete");
            x.close("action");
            skin::xml_response(StatusCode::OK, x.doc())
        }
        Err(e) => sim_fault(&e, "clone VM"),
    }
}

fn console_id(vm: &str) -> String {
    crate::uuid_from(&format!("omnivirt-sim/ovirt/vm/{vm}/graphics-console/vnc"))
}

/// `GET /vms/{id}/graphicsconsoles`: one VNC console; with `current=true` and a running VM,
/// its address and port.
pub(super) fn list_consoles(world: &World, req: &Request, id: &str, v3: bool) -> Response {
    let vm = match world.peek_vm(id) {
        Ok(vm) => vm,
        Err(_) => return not_found_empty(),
    };
    let current = skin::query_param(req, "current").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let cid = console_id(id);
    let base = format!("{API}/vms/{id}/graphicsconsoles/{cid}");
    let mut x = X::new(v3);
    x.open_obj("graphics_console", &base, &cid);
    x.actions(&base, &["remoteviewerconnectionfile", "ticket"]);
    if current && vm.state == VmState::Running {
        if let Ok(c) = world.console(id) {
            x.leaf("address", &c.host);
            x.num("port", c.port);
        }
    }
    x.leaf("protocol", "vnc");
    x.reference("vm", &format!("{API}/vms/{id}"), id);
    x.close("graphics_console");
    super::reply::list_doc("graphics_consoles", x.s)
}

/// `POST /vms/{id}/graphicsconsoles/{c}/ticket`: a one-time password for the console.
pub(super) fn console_ticket(world: &World, req: &Request, id: &str, cid: &str) -> Response {
    let body = match body_of(req) {
        Ok(b) => b,
        Err(e) => return bad_request(&e),
    };
    if world.peek_vm(id).is_err() || cid != console_id(id) {
        return not_found_empty();
    }
    let expiry = match body.num_at(&["ticket", "expiry"]) {
        Ok(e) => e.unwrap_or(120),
        Err(e) => return bad_request(&e),
    };
    match world.console(id) {
        Ok(c) => {
            let mut x = X::new(false);
            x.open("action");
            x.leaf("status", "complete");
            x.open("ticket");
            x.num("expiry", expiry);
            x.leaf("value", &c.ticket);
            x.close("ticket");
            x.close("action");
            skin::xml_response(StatusCode::OK, x.doc())
        }
        Err(e) => sim_fault(&e, "set VM Ticket"),
    }
}

/// `POST /hosts/{id}/deactivate` (to maintenance) and `activate`: the World's host
/// maintenance, answered with its job.
pub(super) fn host_action(world: &World, req: &Request, id: &str, action: &str) -> Response {
    if let Err(e) = body_of(req) {
        return bad_request(&e);
    }
    if world.get_host(id).is_err() {
        return not_found_empty();
    }
    let (enter, what) = match action {
        "deactivate" => (true, "switch Host to Maintenance mode"),
        "activate" => (false, "activate Host"),
        _ => return super::reply::unknown_path(),
    };
    match world.host_maintenance(id, enter) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            super::reply::action_ok(Some(sub.task.as_str()))
        }
        Err(e) => sim_fault(&e, what),
    }
}
