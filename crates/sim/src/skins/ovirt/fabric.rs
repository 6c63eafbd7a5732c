//! Templates, logical networks and storage domains, served from the World's templates,
//! networks and storage pools, one page at a time (the World pages; nothing here walks a whole
//! collection).
//!
//! - `/templates` lists the engine's `Blank` template (all-zero id, not in the World) before the
//!   World's templates (after them with `sortby name desc`), so `page N` + `max` count it once.
//! - `/networks` are the World's networks as data-center networks (`<vlan id>`, `<usages>`,
//!   `<data_center>`); `/clusters/{id}/networks` is the cluster's view of its own networks
//!   (with `<cluster>`, `<status>`, `<required>`). The engine has no address range for a
//!   network, so the World's CIDR is not shown.
//! - `/storagedomains` are the World's pools as NFS data domains of the one data center:
//!   `available` = free bytes, `used` = capacity - free. As on the engine, a domain attached to
//!   a data center has no `<status>` there (only `<external_status>`); its status is in the data
//!   center's view, `/datacenters/{id}/storagedomains`.
//! - An unknown id is a 404 with an empty body, like every other `GET` of the skin.

use http::StatusCode;
use omnivirt_core::StorageState;
use omnivirt_http::{Request, Response};

use super::filter::{Search, case_insensitive, name_match, paging_of, parse_search};
use super::reply::{bad_request, list_doc, not_found_empty};
use super::status::time;
use super::xml::X;
use super::{API, BLANK, dc_id};
use crate::model::{SimDisk, SimNetwork, SimStoragePool, SimTemplate};
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::World;

/// The search of a request, and the filter its `name=` and `id=` conditions make; any other
/// condition is an error naming it (a 400).
fn filter_of(req: &Request, what: &str) -> Result<(Search, Filter), String> {
    let search = parse_search(&skin::query_param(req, "search").unwrap_or_default())?;
    let mut f = Filter::new().ignore_case(case_insensitive(req));
    for (k, v) in &search.conds {
        match k.as_str() {
            "name" => f = f.name(name_match(v)),
            "id" => f = f.ids([v.clone()]),
            other => {
                return Err(format!("the simulator cannot search {what} by `{other}`"));
            }
        }
    }
    Ok((search, f))
}

fn one(body: X) -> Response {
    skin::xml_response(StatusCode::OK, body.doc())
}

// ---------------------------------------------------------------------------------------------
// Templates

/// True if the `Blank` template passes the search's `name=` and `id=` conditions.
fn blank_matches(search: &Search, ignore_case: bool) -> bool {
    search.conds.iter().all(|(k, v)| match k.as_str() {
        "name" => name_match(v).matches("Blank", ignore_case),
        "id" => v == BLANK,
        _ => false,
    })
}

pub(super) fn list_templates(world: &World, req: &Request, v3: bool) -> Response {
    let (search, f) = match filter_of(req, "templates") {
        Ok(x) => x,
        Err(e) => return bad_request(&e),
    };
    let p = match paging_of(req, &search) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let mut x = X::new(v3);
    if !blank_matches(&search, case_insensitive(req)) {
        for t in world.list_templates(&f, &p).items {
            write_template(&mut x, &t);
        }
    } else if !p.descending {
        // Blank is row 0 of the listing, the World's templates rows 1...
        let mut rest = p.clone();
        if p.offset == 0 {
            write_template_blank(&mut x);
            rest.limit = p.limit.map(|l| l.saturating_sub(1));
        } else {
            rest.offset = p.offset - 1;
        }
        if rest.limit != Some(0) {
            for t in world.list_templates(&f, &rest).items {
                write_template(&mut x, &t);
            }
        }
    } else {
        // Descending: Blank is the last row, at index `total`.
        let l = world.list_templates(&f, &p);
        for t in &l.items {
            write_template(&mut x, t);
        }
        if p.offset <= l.total && p.limit.is_none_or(|lim| l.total < p.offset + lim) {
            write_template_blank(&mut x);
        }
    }
    list_doc("templates", x.s)
}

pub(super) fn get_template(world: &World, id: &str, v3: bool) -> Response {
    let mut x = X::new(v3);
    if id == BLANK {
        write_template_blank(&mut x);
    } else {
        match world.get_template(id) {
            Ok(t) => write_template(&mut x, &t),
            Err(_) => return not_found_empty(),
        }
    }
    one(x)
}

/// `GET /templates/{id}/diskattachments`: the World's templates, like Blank, have no disks (a
/// VM made from one gets none), so the list is empty; an unknown template is 404.
pub(super) fn list_template_disks(world: &World, id: &str) -> Response {
    if id != BLANK && world.get_template(id).is_err() {
        return not_found_empty();
    }
    list_doc("disk_attachments", String::new())
}

fn template_head(x: &mut X, id: &str, name: &str, description: &str) {
    let base = format!("{API}/templates/{id}");
    x.open_obj("template", &base, id);
    x.actions(&base, &["export"]);
    x.leaf("name", name);
    x.leaf("description", description);
    x.leaf("comment", "");
    x.links(
        &base,
        &[
            "cdroms",
            "diskattachments",
            "graphicsconsoles",
            "nics",
            "permissions",
            "tags",
            "watchdogs",
        ],
    );
}

fn cpu(x: &mut X, arch: &str, sockets: u32) {
    x.open("cpu");
    x.leaf("architecture", arch);
    x.open("topology");
    x.num("cores", 1);
    x.num("sockets", sockets);
    x.num("threads", 1);
    x.close("topology");
    x.close("cpu");
}

fn template_tail(x: &mut X, os: &str) {
    x.open("os");
    x.open("boot");
    x.open("devices");
    x.leaf("device", "hd");
    x.close("devices");
    x.close("boot");
    x.leaf("type", os);
    x.close("os");
    x.leaf("stateless", "false");
    x.status("ok");
    x.leaf("type", "server");
    x.open("version");
    x.leaf("version_name", "base version");
    x.num("version_number", 1);
    x.close("version");
}

pub(super) fn write_template_blank(x: &mut X) {
    template_head(x, BLANK, "Blank", "Blank template");
    cpu(x, "undefined", 1);
    x.leaf("creation_time", "2008-04-01T00:00:00.000+00:00");
    x.num("memory", 1u64 << 30);
    template_tail(x, "other");
    x.close("template");
}

pub(super) fn write_template(x: &mut X, t: &SimTemplate) {
    template_head(x, &t.id, &t.name, &t.description);
    cpu(x, "x86_64", t.vcpus);
    x.leaf("creation_time", &time(t.created_at));
    x.num("memory", t.memory_bytes);
    let os = t
        .extra
        .get("os_type")
        .and_then(|v| v.as_str())
        .unwrap_or("other");
    template_tail(x, os);
    // An engine template names the cluster it was made in; the World's templates belong to
    // none, so there is no `<cluster>`.
    x.close("template");
}

// ---------------------------------------------------------------------------------------------
// Networks

pub(super) fn list_networks(world: &World, req: &Request, v3: bool) -> Response {
    let (search, f) = match filter_of(req, "networks") {
        Ok(x) => x,
        Err(e) => return bad_request(&e),
    };
    let p = match paging_of(req, &search) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let mut x = X::new(v3);
    for n in world.list_networks(&f, &p).items {
        write_network(&mut x, &n, false);
    }
    list_doc("networks", x.s)
}

pub(super) fn get_network(world: &World, id: &str, v3: bool) -> Response {
    match world.get_network(id) {
        Ok(n) => {
            let mut x = X::new(v3);
            write_network(&mut x, &n, false);
            one(x)
        }
        Err(_) => not_found_empty(),
    }
}

/// `/clusters/{id}/networks` (takes `max`, no search).
pub(super) fn list_cluster_networks(world: &World, req: &Request, id: &str, v3: bool) -> Response {
    let Ok(c) = world.get_cluster(id) else {
        return not_found_empty();
    };
    let p = match paging_of(req, &Search::default()) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let mut x = X::new(v3);
    for n in world.list_networks(&Filter::new().cluster(c.id), &p).items {
        write_network(&mut x, &n, true);
    }
    list_doc("networks", x.s)
}

/// A network; `in_cluster`: the cluster's view of it.
fn write_network(x: &mut X, n: &SimNetwork, in_cluster: bool) {
    let cluster = n.cluster_id.as_str();
    let base = if in_cluster {
        format!("{API}/clusters/{cluster}/networks/{}", n.id)
    } else {
        format!("{API}/networks/{}", n.id)
    };
    x.open_obj("network", &base, &n.id);
    x.leaf("name", &n.name);
    x.leaf("description", &n.description);
    x.leaf("comment", "");
    x.links(&base, &["networklabels", "permissions", "vnicprofiles"]);
    if in_cluster {
        x.leaf("display", "false");
    }
    x.num("mtu", 0);
    x.leaf("port_isolation", "false");
    if in_cluster {
        x.leaf("required", "true");
        x.status("operational");
    }
    x.leaf("stp", "false");
    x.open("usages");
    x.leaf("usage", "vm");
    x.close("usages");
    x.leaf("vdsm_name", &n.name);
    if let Some(v) = n.vlan {
        x.s.push_str(&format!("<vlan id=\"{v}\"/>"));
    }
    if in_cluster {
        x.reference("cluster", &format!("{API}/clusters/{cluster}"), cluster);
    }
    let dc = dc_id();
    x.reference("data_center", &format!("{API}/datacenters/{dc}"), &dc);
    x.close("network");
}

// ---------------------------------------------------------------------------------------------
// Storage domains

/// `/storagedomains` (`attached`: false) or the data center's `/datacenters/{id}/storagedomains`.
pub(super) fn list_storage_domains(
    world: &World,
    req: &Request,
    attached: bool,
    v3: bool,
) -> Response {
    let (search, f) = if attached {
        // The data center's view takes `max` only.
        (Search::default(), Filter::new())
    } else {
        match filter_of(req, "storage domains") {
            Ok(x) => x,
            Err(e) => return bad_request(&e),
        }
    };
    let p = match paging_of(req, &search) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let master = master_id(world);
    let mut x = X::new(v3);
    for sd in world.list_storage_pools(&f, &p).items {
        write_storage_domain(&mut x, &sd, master.as_deref(), attached);
    }
    list_doc("storage_domains", x.s)
}

pub(super) fn get_storage_domain(world: &World, id: &str, attached: bool, v3: bool) -> Response {
    match world.get_storage_pool(id) {
        Ok(sd) => {
            let mut x = X::new(v3);
            write_storage_domain(&mut x, &sd, master_id(world).as_deref(), attached);
            one(x)
        }
        Err(_) => not_found_empty(),
    }
}

/// The master domain of the data center: the first pool the World made.
fn master_id(world: &World) -> Option<String> {
    world
        .list_storage_pools(&Filter::new(), &Paging::new(0, 1))
        .items
        .into_iter()
        .next()
        .map(|p| p.id)
}

/// How many storage domains there are, and how many are active (for the API root's summary).
pub(super) fn count_domains(world: &World) -> (usize, usize) {
    let all = world
        .list_storage_pools(&Filter::new(), &Paging::new(0, 0))
        .total;
    (all, all)
}

/// The storage domain a disk lives on: the one it was created on, else (seeded disks) the
/// pool of its cluster, else the master.
pub(super) fn disk_domain(world: &World, d: &SimDisk) -> String {
    if let Some(s) = d.storage.as_ref().filter(|s| !s.is_empty()) {
        return s.clone();
    }
    let of_cluster = d.cluster_id.as_ref().and_then(|c| {
        world
            .list_storage_pools(&Filter::new().cluster(c.clone()), &Paging::new(0, 1))
            .items
            .into_iter()
            .next()
            .map(|p| p.id)
    });
    of_cluster.or_else(|| master_id(world)).unwrap_or_default()
}

fn domain_status(s: StorageState) -> &'static str {
    match s {
        StorageState::Ok => "active",
        StorageState::Maintenance => "maintenance",
        StorageState::Unavailable => "inactive",
        _ => "unknown",
    }
}

fn write_storage_domain(x: &mut X, sd: &SimStoragePool, master: Option<&str>, attached: bool) {
    let dc = dc_id();
    let base = if attached {
        format!("{API}/datacenters/{dc}/storagedomains/{}", sd.id)
    } else {
        format!("{API}/storagedomains/{}", sd.id)
    };
    let used = sd.capacity_bytes.saturating_sub(sd.free_bytes);
    x.open_obj("storage_domain", &base, &sd.id);
    let actions: &[&str] = if attached {
        &["activate", "deactivate"]
    } else {
        &["isattached", "reduceluns", "refreshluns", "updateovfstore"]
    };
    x.actions(&base, actions);
    x.leaf("name", &sd.name);
    x.links(
        &base,
        &[
            "diskprofiles",
            "disks",
            "disksnapshots",
            "permissions",
            "storageconnections",
            "templates",
            "vms",
        ],
    );
    x.num("available", sd.free_bytes);
    x.leaf("backup", "false");
    x.num("committed", used);
    x.num("critical_space_action_blocker", 5);
    x.leaf("discard_after_delete", "false");
    let external = if sd.state == StorageState::Unavailable {
        "failure"
    } else {
        "ok"
    };
    x.leaf("external_status", external);
    x.leaf(
        "master",
        if master == Some(sd.id.as_str()) {
            "true"
        } else {
            "false"
        },
    );
    if attached {
        x.status(domain_status(sd.state));
    }
    x.open("storage");
    x.leaf("address", "nfs.sim.invalid");
    x.leaf("nfs_version", "auto");
    x.leaf("path", &format!("/exports/{}", sd.name));
    x.leaf("type", "nfs");
    x.close("storage");
    x.leaf("storage_format", "v5");
    x.leaf("supports_discard", "false");
    x.leaf("supports_discard_zeroes_data", "false");
    x.leaf("type", "data");
    x.num("used", used);
    x.num("warning_low_space_indicator", 10);
    x.leaf("wipe_after_delete", "false");
    if attached {
        x.reference("data_center", &format!("{API}/datacenters/{dc}"), &dc);
    } else {
        x.open("data_centers");
        x.reference("data_center", &format!("{API}/datacenters/{dc}"), &dc);
        x.close("data_centers");
    }
    x.close("storage_domain");
}
