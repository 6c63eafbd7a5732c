//! Reads: the collections and their details.

use http::StatusCode;
use omnivirt_core::{ErrorKind, TaskState};
use omnivirt_http::{Request, Response};

use super::domain_doc::DomainDoc;
use super::filter::{envelope, name_filter, page_of, shape, uuid_param};
use super::render::{
    cluster_json, cluster_of_pool, data_pool_json, domain_json, node_json, resource_pool_id,
    resource_pool_json, task_json, template_json, vdisk_json, vnetwork_json,
};
use super::reply::{bad, errors, fault, one};
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::World;

pub(super) fn list_domains(world: &World, req: &Request) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let template = skin::query_param(req, "template");
    if template.as_deref() == Some("1") || template.as_deref() == Some("true") {
        let mut f = Filter::new().ignore_case(true);
        if let Some(n) = name_filter(req) {
            f = f.name(n);
        }
        let l = world.list_templates(&f, &page.paging);
        let results = l.items.iter().map(template_json).collect();
        return envelope(req, &page, l.total, results);
    }
    let mut f = Filter::new().ignore_case(true);
    if let Some(n) = name_filter(req) {
        f = f.name(n);
    }
    if let Some(c) = uuid_param(req, "cluster") {
        f = f.cluster(c);
    }
    if let Some(rp) = uuid_param(req, "resource_pool") {
        let cluster = world
            .list_clusters(&Filter::new(), &Paging::all())
            .items
            .into_iter()
            .find(|c| resource_pool_id(c.id.as_str()) == rp);
        match cluster {
            Some(c) => f = f.cluster(c.id),
            None => return envelope(req, &page, 0, Vec::new()),
        }
    }
    if let Some(n) = uuid_param(req, "node") {
        f = f.host(n);
    }
    if let Some(ids) = uuid_param(req, "ids") {
        f = f.ids(ids.split(',').map(str::trim).filter(|s| !s.is_empty()));
    }
    let l = world.list_vms(&f, &page.paging);
    let results = l
        .items
        .iter()
        .map(|vm| {
            shape(req, domain_json(world, vm, false), || {
                domain_json(world, vm, true)
            })
        })
        .collect();
    envelope(req, &page, l.total, results)
}

pub(super) fn get_domain(world: &World, id: &str) -> Response {
    match world.get_vm(id) {
        Ok(vm) => {
            let mut doc = DomainDoc::new(world, &vm, true);
            // What a thin client connects to: a running VM's console port and password (the
            // World's one-time ticket), as the detail's `remote_access_port` and
            // `graphics_password`.
            if let Ok(c) = world.console(id) {
                doc = doc.with_console(c.port, c.ticket);
            }
            skin::json_response_of(StatusCode::OK, &doc)
        }
        Err(e) if e.kind() == ErrorKind::NotFound => one(world
            .get_template(id)
            .map(|t| template_json(&t))
            .map_err(|_| e)),
        Err(e) => fault(&e),
    }
}

pub(super) fn list_nodes(world: &World, req: &Request) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let mut f = Filter::new().ignore_case(true);
    if let Some(n) = name_filter(req) {
        f = f.name(n);
    }
    if let Some(c) = uuid_param(req, "cluster") {
        f = f.cluster(c);
    }
    let l = world.list_hosts(&f, &page.paging);
    let results = l.items.iter().map(|h| node_json(world, h, false)).collect();
    envelope(req, &page, l.total, results)
}

pub(super) fn get_node(world: &World, id: &str) -> Response {
    one(world.get_host(id).map(|h| node_json(world, &h, true)))
}

pub(super) fn list_clusters(world: &World, req: &Request) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let mut f = Filter::new().ignore_case(true);
    if let Some(n) = name_filter(req) {
        f = f.name(n);
    }
    let l = world.list_clusters(&f, &page.paging);
    let results = l.items.iter().map(|c| cluster_json(world, c)).collect();
    envelope(req, &page, l.total, results)
}

pub(super) fn get_cluster(world: &World, id: &str) -> Response {
    one(world.get_cluster(id).map(|c| cluster_json(world, &c)))
}

/// Resource pools: one per cluster, listed in cluster order.
pub(super) fn list_resource_pools(world: &World, req: &Request) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let mut clusters = world.list_clusters(&Filter::new(), &Paging::all()).items;
    if let Some(c) = uuid_param(req, "cluster") {
        clusters.retain(|x| x.id.as_str() == c);
    }
    if let Some(n) = uuid_param(req, "node") {
        match world.get_host(&n) {
            Ok(h) => clusters.retain(|x| x.id == h.cluster_id),
            Err(_) => clusters.clear(),
        }
    }
    let total = clusters.len();
    let results = clusters
        .iter()
        .skip(page.offset)
        .take(page.limit)
        .map(|c| resource_pool_json(world, c))
        .collect();
    envelope(req, &page, total, results)
}

pub(super) fn get_resource_pool(world: &World, id: &str) -> Response {
    let found = world
        .list_clusters(&Filter::new(), &Paging::all())
        .items
        .into_iter()
        .find(|c| resource_pool_id(c.id.as_str()) == id);
    match found {
        Some(c) => skin::json_response(StatusCode::OK, &resource_pool_json(world, &c)),
        None => errors(StatusCode::NOT_FOUND, "404", "Not found."),
    }
}

/// Data pools: the World's storage pools, one page read from the World (`name`, `cluster`,
/// `node` and `resource_pool` narrow to one cluster's pools).
pub(super) fn list_data_pools(world: &World, req: &Request) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let mut f = Filter::new().ignore_case(true);
    if let Some(n) = name_filter(req) {
        f = f.name(n);
    }
    let mut cluster = uuid_param(req, "cluster");
    if let Some(n) = uuid_param(req, "node") {
        match world.get_host(&n) {
            Ok(h) if cluster.as_ref().is_none_or(|c| *c == h.cluster_id.as_str()) => {
                cluster = Some(h.cluster_id.as_str().to_owned());
            }
            _ => return envelope(req, &page, 0, Vec::new()),
        }
    }
    if let Some(rp) = uuid_param(req, "resource_pool") {
        let owner = world
            .list_clusters(&Filter::new(), &Paging::all())
            .items
            .into_iter()
            .find(|c| resource_pool_id(c.id.as_str()) == rp);
        match owner {
            Some(c) if cluster.as_ref().is_none_or(|x| *x == c.id.as_str()) => {
                cluster = Some(c.id.as_str().to_owned());
            }
            _ => return envelope(req, &page, 0, Vec::new()),
        }
    }
    if let Some(c) = cluster {
        f = f.cluster(c);
    }
    let l = world.list_storage_pools(&f, &page.paging);
    let results = l
        .items
        .iter()
        .map(|p| data_pool_json(world, p, false))
        .collect();
    envelope(req, &page, l.total, results)
}

pub(super) fn get_data_pool(world: &World, id: &str) -> Response {
    one(world
        .get_storage_pool(id)
        .map(|p| data_pool_json(world, &p, true)))
}

/// Virtual networks: the World's networks (controller-wide; `name` filters).
pub(super) fn list_vnetworks(world: &World, req: &Request) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let mut f = Filter::new().ignore_case(true);
    if let Some(n) = name_filter(req) {
        f = f.name(n);
    }
    let l = world.list_networks(&f, &page.paging);
    let results = l.items.iter().map(|n| vnetwork_json(n, false)).collect();
    envelope(req, &page, l.total, results)
}

pub(super) fn get_vnetwork(world: &World, id: &str) -> Response {
    one(world.get_network(id).map(|n| vnetwork_json(&n, true)))
}

pub(super) fn list_vdisks(world: &World, req: &Request) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let mut f = Filter::new().ignore_case(true);
    if let Some(n) = name_filter(req) {
        f = f.name(n);
    }
    if let Some(v) = uuid_param(req, "domain") {
        f = f.vm(v);
    }
    if let Some(p) = uuid_param(req, "datapool") {
        match cluster_of_pool(world, &p) {
            Some(c) => f = f.cluster(c.id),
            None => return envelope(req, &page, 0, Vec::new()),
        }
    }
    let l = world.list_disks(&f, &page.paging);
    let results = l.items.iter().map(|d| vdisk_json(world, d)).collect();
    envelope(req, &page, l.total, results)
}

pub(super) fn get_vdisk(world: &World, id: &str) -> Response {
    one(world.get_disk(id).map(|d| vdisk_json(world, &d)))
}

pub(super) fn list_tasks(world: &World, req: &Request, user: &str) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let mut f = Filter::new();
    match skin::query_param(req, "status").as_deref() {
        None | Some("") => {}
        Some("IN_PROGRESS") => f = f.task_state(TaskState::Running),
        Some("SUCCESS") => f = f.task_state(TaskState::Succeeded),
        Some("FAILED") => f = f.task_state(TaskState::Failed),
        Some("CANCELED") => f = f.task_state(TaskState::Cancelled),
        Some(other) => return bad(&format!("status: `{other}` is not a valid choice")),
    }
    let l = world.list_tasks(&f, &page.paging);
    let results = l.items.iter().map(|t| task_json(t, user, &[])).collect();
    envelope(req, &page, l.total, results)
}

pub(super) fn get_task(world: &World, id: &str, user: &str) -> Response {
    one(world.get_task(id).map(|t| task_json(&t, user, &[])))
}
