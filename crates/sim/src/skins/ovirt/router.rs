//! Where each request goes: SSO, then the API paths, each to one small handler.

use http::{Method, StatusCode};
use omnivirt_http::{Request, Response};
use serde_json::json;

use super::auth::{form, session_ok, sso_token};
use super::day2::{
    add_snapshot, clone_vm, console_ticket, get_snapshot, host_action, list_consoles,
    list_snapshots, remove_snapshot, restore_snapshot, update_vm,
};
use super::fabric::{
    get_network, get_storage_domain, get_template, list_cluster_networks, list_networks,
    list_storage_domains, list_template_disks, list_templates,
};
use super::jobs::{get_job, list_events, list_jobs, list_steps};
use super::mutate::{add_disk, add_vm, attach, delete_disk, detach, remove_vm, vm_action};
use super::nics::{
    add_nic, get_nic, get_profile, list_network_profiles, list_nics, list_profiles, list_reported,
    remove_nic,
};
use super::read::{
    api_root, empty_vm_collection, get_attachment, get_cluster, get_data_center, get_disk,
    get_host, get_vm, list_attachments, list_clusters, list_data_center_clusters,
    list_data_centers, list_disks, list_hosts, list_vm_disks_v3, list_vms,
};
use super::reply::{unauthorized, unknown_path};
use super::{MOUNT, dc_id};
use crate::skin;
use crate::world::World;

/// The VM sub-collections the simulator answers, always empty.
const EMPTY_VM_COLLECTIONS: &[&str] = &["cdroms", "permissions", "statistics"];

/// The whole skin: SSO login and logout, then the API behind a session check.
pub(super) fn handle(world: &World, req: &Request) -> Response {
    let rest = skin::rest_of_path(req, MOUNT).trim_matches('/');
    match (req.method.clone(), rest) {
        (Method::POST, "sso/oauth/token") => sso_token(world, req),
        (Method::POST, "services/sso-logout") => {
            let f = form(&req.body);
            if let Some(t) = f.get("token") {
                world.logout(t);
            }
            skin::json_response(StatusCode::OK, &json!({}))
        }
        (_, r) if r == "api" || r.starts_with("api/") => {
            if !session_ok(world, req) {
                return unauthorized();
            }
            let api_rest = r.strip_prefix("api").unwrap_or("").trim_start_matches('/');
            // Version 4 may also be chosen with a `/v4` path prefix.
            let api_rest = api_rest
                .strip_prefix("v4")
                .map(|s| s.trim_start_matches('/'))
                .unwrap_or(api_rest);
            api(world, req, api_rest)
        }
        _ => skin::no_route(&req.method, req.path()),
    }
}

/// One API path (below `/ovirt-engine/api`) to its handler.
fn api(world: &World, req: &Request, rest: &str) -> Response {
    let v3 = skin::header(req, "version").is_some_and(|v| v.trim() == "3");
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    let m = &req.method;
    let get = *m == Method::GET;
    let post = *m == Method::POST;
    let delete = *m == Method::DELETE;
    match parts.as_slice() {
        [] if get => api_root(world, v3),
        ["vms"] if get => list_vms(world, req, v3),
        ["vms"] if post => add_vm(world, req, v3),
        ["vms", id] if get => get_vm(world, req, id, v3),
        ["vms", id] if *m == Method::PUT => update_vm(world, req, id, v3),
        ["vms", id] if delete => remove_vm(world, req, id),
        ["vms", id, "diskattachments"] if get => list_attachments(world, req, id, v3),
        ["vms", id, "disks"] if get => list_vm_disks_v3(world, id, v3),
        ["vms", id, "diskattachments"] if post => attach(world, req, id, v3),
        ["vms", id, "diskattachments", d] if get => get_attachment(world, req, id, d, v3),
        ["vms", id, "diskattachments", d] if delete => detach(world, req, id, d),
        ["vms", id, "snapshots"] if get => list_snapshots(world, id, v3),
        ["vms", id, "snapshots"] if post => add_snapshot(world, req, id, v3),
        ["vms", id, "snapshots", s] if get => get_snapshot(world, id, s, v3),
        ["vms", id, "snapshots", s] if delete => remove_snapshot(world, req, id, s),
        ["vms", id, "snapshots", s, "restore"] if post => restore_snapshot(world, req, id, s),
        ["vms", id, "graphicsconsoles"] if get => list_consoles(world, req, id, v3),
        ["vms", id, "graphicsconsoles", c, "ticket"] if post => console_ticket(world, req, id, c),
        ["vms", id, "clone"] if post => clone_vm(world, req, id),
        ["vms", id, "nics"] if get => list_nics(world, id, v3),
        ["vms", id, "nics"] if post => add_nic(world, req, id, v3),
        ["vms", id, "nics", n] if get => get_nic(world, id, n, v3),
        ["vms", id, "nics", n] if delete => remove_nic(world, req, id, n),
        ["vms", id, "nics", n, "reporteddevices"] if get => list_reported(world, id, Some(n), v3),
        ["vms", id, "reporteddevices"] if get => list_reported(world, id, None, v3),
        ["vms", id, "tags"] if get => super::tags::list_tags(world, id, v3),
        ["vms", id, "tags"] if post => super::tags::add_tag(world, req, id, v3),
        ["vms", id, "tags", t] if delete => super::tags::remove_tag(world, id, t),
        ["vms", id, sub] if get && EMPTY_VM_COLLECTIONS.contains(sub) => {
            empty_vm_collection(world, id, sub)
        }
        ["vms", id, action] if post => vm_action(world, req, id, action),
        ["hosts"] if get => list_hosts(world, req, v3),
        ["hosts", id] if get => get_host(world, id, v3),
        ["hosts", id, action] if post => host_action(world, req, id, action),
        ["clusters"] if get => list_clusters(world, req, v3),
        ["clusters", id] if get => get_cluster(world, id, v3),
        ["clusters", id, "networks"] if get => list_cluster_networks(world, req, id, v3),
        ["datacenters"] if get => list_data_centers(v3),
        ["datacenters", id] if get && *id == dc_id() => get_data_center(v3),
        ["datacenters", id, "clusters"] if get && *id == dc_id() => {
            list_data_center_clusters(world, v3)
        }
        ["storagedomains"] if get => list_storage_domains(world, req, false, v3),
        ["storagedomains", id] if get => get_storage_domain(world, id, false, v3),
        ["datacenters", dc, "storagedomains"] if get && *dc == dc_id() => {
            list_storage_domains(world, req, true, v3)
        }
        ["datacenters", dc, "storagedomains", id] if get && *dc == dc_id() => {
            get_storage_domain(world, id, true, v3)
        }
        ["templates"] if get => list_templates(world, req, v3),
        ["templates", id] if get => get_template(world, id, v3),
        ["templates", id, "diskattachments"] if get => list_template_disks(world, id),
        ["networks"] if get => list_networks(world, req, v3),
        ["networks", id] if get => get_network(world, id, v3),
        ["networks", id, "vnicprofiles"] if get => list_network_profiles(world, id, v3),
        ["vnicprofiles"] if get => list_profiles(world, v3),
        ["vnicprofiles", id] if get => get_profile(world, id, v3),
        ["disks"] if get => list_disks(world, req, v3),
        ["disks"] if post => add_disk(world, req, v3),
        ["disks", id] if get => get_disk(world, id, v3),
        ["disks", id] if delete => delete_disk(world, req, id),
        ["jobs"] if get => list_jobs(world, req, v3),
        ["jobs", id] if get => get_job(world, id, v3),
        ["jobs", id, "steps"] if get => list_steps(world, id, v3),
        ["events"] if get => list_events(world, req, v3),
        _ => unknown_path(),
    }
}
