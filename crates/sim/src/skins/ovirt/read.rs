//! Reads: the API root, collections and single objects.

use http::StatusCode;
use omnivirt_core::{DiskState, HostState};
use omnivirt_http::{Request, Response};

use super::filter::{
    case_insensitive, find_cluster, find_host, follow_of, name_match, paging_of, parse_search,
};
use super::render::{
    write_api, write_attachment, write_cluster, write_data_center, write_disk, write_host, write_vm,
};
use super::reply::{bad_request, list_doc, list_response, not_found_empty};
use super::status::vm_states_for;
use super::xml::X;
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::World;

pub(super) fn list_vms(world: &World, req: &Request, v3: bool) -> Response {
    let search = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => return bad_request(&e),
    };
    let mut f = Filter::new().ignore_case(case_insensitive(req));
    if search.any && search.conds.first().is_some_and(|(k, _)| k != "id") {
        return bad_request("the simulator joins VM conditions with `or` only on `id`");
    }
    let ids: Vec<String> = search
        .conds
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.clone())
        .collect();
    if !search.any && ids.len() > 1 {
        // `id=a and id=b` matches nothing unless a and b are the same VM.
        if ids.iter().any(|i| i != &ids[0]) {
            return list_doc("vms", String::new());
        }
    }
    if !ids.is_empty() {
        f = f.ids(ids);
    }
    for (k, v) in &search.conds {
        match k.as_str() {
            "name" => f = f.name(name_match(v)),
            "id" => {}
            "status" => {
                let states = vm_states_for(v);
                if states.is_empty() {
                    return list_doc("vms", String::new());
                }
                for s in states {
                    f = f.vm_state(s);
                }
            }
            "cluster" => match find_cluster(world, None, Some(v)) {
                Some(c) => f = f.cluster(c.id),
                None => return list_doc("vms", String::new()),
            },
            "host" => match find_host(world, None, Some(v)) {
                Some(h) => f = f.host(h.id),
                None => return list_doc("vms", String::new()),
            },
            other => {
                return bad_request(&format!("the simulator cannot search VMs by `{other}`"));
            }
        }
    }
    let p = match paging_of(req, &search) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let follow = follow_of(req);
    // The World's snapshots of the VMs: nothing is copied to render them.
    let vms = world.list_vms_shared(&f, &p).items;
    // About 5 kB of XML a VM with its links and followed parts: one allocation a page.
    let mut x = X::list(v3, "vms", vms.len() * 5120);
    for vm in &vms {
        write_vm(&mut x, world, vm, follow);
    }
    list_response(x, "vms")
}

pub(super) fn api_root(world: &World, v3: bool) -> Response {
    let mut x = X::new(v3);
    write_api(&mut x, world);
    skin::xml_response(StatusCode::OK, x.doc())
}

pub(super) fn get_vm(world: &World, req: &Request, id: &str, v3: bool) -> Response {
    match world.get_vm(id) {
        Ok(vm) => {
            let mut x = X::new(v3);
            write_vm(&mut x, world, &vm, follow_of(req));
            skin::xml_response(StatusCode::OK, x.doc())
        }
        Err(_) => not_found_empty(),
    }
}

pub(super) fn get_attachment(
    world: &World,
    req: &Request,
    id: &str,
    d: &str,
    v3: bool,
) -> Response {
    match world.peek_vm(id) {
        Ok(vm) if vm.disk_ids.iter().any(|x| x.as_str() == d) => match world.get_disk(d) {
            Ok(disk) => {
                let mut x = X::new(v3);
                let full = skin::query_param(req, "follow")
                    .is_some_and(|f| f.split(',').any(|p| p.trim() == "disk"));
                write_attachment(&mut x, world, &disk, id, full);
                skin::xml_response(StatusCode::OK, x.doc())
            }
            Err(_) => not_found_empty(),
        },
        _ => not_found_empty(),
    }
}

/// The VM sub-collections the simulator keeps empty (`nics`, `snapshots`...).
pub(super) fn empty_vm_collection(world: &World, id: &str, tag: &str) -> Response {
    if world.peek_vm(id).is_err() {
        return not_found_empty();
    }
    skin::xml_response(StatusCode::OK, format!("<{tag}/>\n"))
}

pub(super) fn list_hosts(world: &World, req: &Request, v3: bool) -> Response {
    let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => return bad_request(&e),
    };
    let mut f = Filter::new().ignore_case(case_insensitive(req));
    for (k, v) in &s.conds {
        match k.as_str() {
            "name" => f = f.name(name_match(v)),
            "status" => {
                let st = match v.to_ascii_lowercase().as_str() {
                    "up" => HostState::Up,
                    "down" => HostState::Down,
                    "maintenance" => HostState::Maintenance,
                    "connecting" => HostState::Connecting,
                    _ => HostState::Error,
                };
                f = f.host_state(st);
            }
            "cluster" => match find_cluster(world, None, Some(v)) {
                Some(c) => f = f.cluster(c.id),
                None => return list_doc("hosts", String::new()),
            },
            _ => {}
        }
    }
    let p = match paging_of(req, &s) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let mut x = X::new(v3);
    for h in world.list_hosts(&f, &p).items {
        write_host(&mut x, world, &h);
    }
    list_doc("hosts", x.s)
}

pub(super) fn get_host(world: &World, id: &str, v3: bool) -> Response {
    match world.get_host(id) {
        Ok(h) => {
            let mut x = X::new(v3);
            write_host(&mut x, world, &h);
            skin::xml_response(StatusCode::OK, x.doc())
        }
        Err(_) => not_found_empty(),
    }
}

pub(super) fn list_clusters(world: &World, req: &Request, v3: bool) -> Response {
    let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => return bad_request(&e),
    };
    let mut f = Filter::new().ignore_case(case_insensitive(req));
    if let Some((_, v)) = s.conds.iter().find(|(k, _)| k == "name") {
        f = f.name(name_match(v));
    }
    let p = match paging_of(req, &s) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let mut x = X::new(v3);
    for c in world.list_clusters(&f, &p).items {
        write_cluster(&mut x, &c);
    }
    list_doc("clusters", x.s)
}

pub(super) fn get_cluster(world: &World, id: &str, v3: bool) -> Response {
    match world.get_cluster(id) {
        Ok(c) => {
            let mut x = X::new(v3);
            write_cluster(&mut x, &c);
            skin::xml_response(StatusCode::OK, x.doc())
        }
        Err(_) => not_found_empty(),
    }
}

pub(super) fn list_data_centers(v3: bool) -> Response {
    let mut x = X::new(v3);
    write_data_center(&mut x);
    list_doc("data_centers", x.s)
}

pub(super) fn get_data_center(v3: bool) -> Response {
    let mut x = X::new(v3);
    write_data_center(&mut x);
    skin::xml_response(StatusCode::OK, x.doc())
}

/// Every cluster: the World's one implicit data center holds them all.
pub(super) fn list_data_center_clusters(world: &World, v3: bool) -> Response {
    let mut x = X::new(v3);
    for c in world.list_clusters(&Filter::new(), &Paging::all()).items {
        write_cluster(&mut x, &c);
    }
    list_doc("clusters", x.s)
}

pub(super) fn list_disks(world: &World, req: &Request, v3: bool) -> Response {
    let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => return bad_request(&e),
    };
    let mut f = Filter::new().ignore_case(case_insensitive(req));
    for (k, v) in &s.conds {
        match k.as_str() {
            "name" | "alias" => f = f.name(name_match(v)),
            "status" => {
                let st = match v.to_ascii_lowercase().as_str() {
                    "ok" => DiskState::Ready,
                    "illegal" => DiskState::Error,
                    _ => DiskState::Locked,
                };
                f = f.disk_state(st);
            }
            _ => {}
        }
    }
    let p = match paging_of(req, &s) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let mut x = X::new(v3);
    for d in world.list_disks(&f, &p).items {
        write_disk(&mut x, world, &d);
    }
    list_doc("disks", x.s)
}

pub(super) fn get_disk(world: &World, id: &str, v3: bool) -> Response {
    match world.get_disk(id) {
        Ok(d) => {
            let mut x = X::new(v3);
            write_disk(&mut x, world, &d);
            skin::xml_response(StatusCode::OK, x.doc())
        }
        Err(_) => not_found_empty(),
    }
}

pub(super) fn list_attachments(world: &World, req: &Request, id: &str, v3: bool) -> Response {
    let vm = match world.peek_vm(id) {
        Ok(vm) => vm,
        Err(_) => return not_found_empty(),
    };
    let full =
        skin::query_param(req, "follow").is_some_and(|f| f.split(',').any(|p| p.trim() == "disk"));
    let mut x = X::new(v3);
    for d in world
        .list_disks(&Filter::new().vm(vm.id.clone()), &Paging::all())
        .items
    {
        write_attachment(&mut x, world, &d, id, full);
    }
    list_doc("disk_attachments", x.s)
}

pub(super) fn list_vm_disks_v3(world: &World, id: &str, v3: bool) -> Response {
    let vm = match world.peek_vm(id) {
        Ok(vm) => vm,
        Err(_) => return not_found_empty(),
    };
    let mut x = X::new(v3);
    for d in world
        .list_disks(&Filter::new().vm(vm.id.clone()), &Paging::all())
        .items
    {
        write_disk(&mut x, world, &d);
    }
    list_doc("disks", x.s)
}
