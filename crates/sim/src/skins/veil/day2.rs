//! Day-two endpoints: `clone/`, the `spice/` and `vnc/` console URLs, the event journal
//! (`events/`) and the network interfaces (`vmachine-infs/`).

use http::StatusCode;
use omnivirt_core::{EventSeverity, ResourceRef};
use omnivirt_http::{Request, Response};
use serde_json::{Value, json};

use super::filter::{body_object, envelope, page_of, str_field, uuid_param};
use super::render::{cluster_of_pool, resource_pool_id};
use super::reply::{accepted, bad, errors, fault};
use crate::error::SimError;
use crate::model::{SimEvent, SimNic, SimVm, ref_id, rfc3339};
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::World;

/// `POST domains/{id}/clone/`: one copy, placed by `resource_pool`, or `node` (+ `datapool`).
/// The World picks the new id, so `domains_ids` is not honoured; the answer names the copy in
/// `entity`, as `multi-create-domain/` does.
pub(super) fn clone_domain(world: &World, req: &Request, user: &str, id: &str) -> Response {
    let body = match body_object(req) {
        Ok(b) => b,
        Err(m) => return bad(&m),
    };
    let Some(name) = str_field(&body, "verbose_name") else {
        return bad("verbose_name: this field is required");
    };
    if body.get("count").and_then(Value::as_u64).unwrap_or(1) != 1 {
        return bad("the simulator clones one domain per request (count must be 1)");
    }
    if body.get("snapshot").is_some_and(|s| !s.is_null()) {
        return bad("snapshot: the simulator clones the current state only");
    }
    let datapool = str_field(&body, "datapool");
    let cluster = if let Some(rp) = str_field(&body, "resource_pool") {
        match cluster_of_resource_pool(world, rp) {
            Some(c) => Some(c),
            None => {
                return errors(
                    StatusCode::NOT_FOUND,
                    "404",
                    "the resource pool does not exist",
                );
            }
        }
    } else if let Some(node) = str_field(&body, "node") {
        match world.get_host(node) {
            Ok(h) => Some(h.cluster_id.to_string()),
            Err(e) => return fault(&e),
        }
    } else {
        None
    };
    if let Some(p) = datapool
        && cluster_of_pool(world, p).is_none()
    {
        return errors(StatusCode::NOT_FOUND, "404", "the data pool does not exist");
    }
    match world.clone_vm(id, name, cluster.as_deref(), datapool) {
        Ok(sub) => accepted(world, user, sub.task.as_str(), Some(sub.target_id()), &[]),
        Err(e) => fault(&e),
    }
}

fn cluster_of_resource_pool(world: &World, rp: &str) -> Option<String> {
    world
        .list_clusters(&Filter::new(), &Paging::all())
        .items
        .into_iter()
        .find(|c| resource_pool_id(c.id.as_str()) == rp)
        .map(|c| c.id.to_string())
}

/// `GET domains/{id}/spice/` or `vnc/`: the web client's URL, carrying the one-time password
/// and the websocket token (both the World's ticket).
pub(super) fn console(world: &World, id: &str, kind: &str) -> Response {
    let c = match world.console(id) {
        Ok(c) => c,
        Err(e) => return fault(&e),
    };
    let (page, key) = match kind {
        "spice" => ("/spice-html5/spice_auto.html", "spice_url"),
        _ => ("/no-vnc/vnc.html", "vnc_url"),
    };
    let url = format!(
        "{page}?host={}&password={}&path=websockify?token={}",
        c.host, c.ticket, c.ticket
    );
    skin::json_response(StatusCode::OK, &json!({ key: url }))
}

fn entity_class(r: &ResourceRef) -> &'static str {
    match r {
        ResourceRef::Vm(_) => "domain",
        ResourceRef::Host(_) => "node",
        ResourceRef::Cluster(_) => "cluster",
        ResourceRef::Disk(_) => "vdisk",
        ResourceRef::Network(_) => "vnetwork",
        ResourceRef::StoragePool(_) => "datapool",
        ResourceRef::Template(_) => "domain",
        ResourceRef::Nic(_) => "vmachineinf",
        _ => "snapshot",
    }
}

fn event_json(e: &SimEvent, user: &str) -> Value {
    let kind = match e.severity {
        EventSeverity::Error => "error",
        EventSeverity::Warning => "warning",
        _ => "info",
    };
    let entities: Vec<Value> = e
        .refs
        .iter()
        .map(|r| json!({"entity_uuid": ref_id(r), "entity_class": entity_class(r)}))
        .collect();
    json!({
        "id": e.id.as_str(),
        "message": e.message,
        "detail_message": e.message,
        "user": user,
        "type": kind,
        "created": rfc3339(e.time),
        "task": null,
        "readed": [],
        "entities": entities,
    })
}

fn all_events(world: &World) -> Vec<SimEvent> {
    world.list_events(None, None, 0, usize::MAX).items
}

/// `GET events/` (`type`, `user`, `limit`/`offset`), newest first like `ordering=-created`.
pub(super) fn list_events(world: &World, req: &Request, user: &str) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let kind = skin::query_param(req, "type");
    let who = skin::query_param(req, "user");
    if who.as_deref().is_some_and(|w| w != user) {
        return envelope(req, &page, 0, Vec::new());
    }
    let mut items: Vec<Value> = all_events(world)
        .iter()
        .map(|e| event_json(e, user))
        .filter(|e| kind.as_deref().is_none_or(|k| e["type"] == k))
        .collect();
    if skin::query_param(req, "ordering").as_deref() == Some("created") {
        items.reverse();
    }
    let total = items.len();
    let results = items
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .collect();
    envelope(req, &page, total, results)
}

/// `GET events/{id}/`.
pub(super) fn get_event(world: &World, user: &str, id: &str) -> Response {
    match all_events(world).iter().find(|e| e.id.as_str() == id) {
        Some(e) => skin::json_response(StatusCode::OK, &event_json(e, user)),
        None => errors(StatusCode::NOT_FOUND, "404", "the event does not exist"),
    }
}

fn nic_json(vm: &SimVm, n: &SimNic) -> Value {
    json!({
        "id": n.id.as_str(),
        "verbose_name": n.name,
        "mac_address": n.mac,
        "nic_driver": n.model,
        "link_state": "up",
        "vnetwork": {"id": n.network_id.as_str()},
        "domain": {"id": vm.id.as_str(), "verbose_name": vm.name},
        "ipv4": if vm.state == omnivirt_core::VmState::Running { json!([n.ip]) } else { json!([]) },
    })
}

fn all_nics(world: &World, domain: Option<&str>) -> Result<Vec<Value>, SimError> {
    let vms = match domain {
        Some(d) => vec![world.get_vm(d)?],
        None => world.list_vms(&Filter::new(), &Paging::all()).items,
    };
    Ok(vms
        .iter()
        .flat_map(|vm| vm.nics.iter().map(move |n| nic_json(vm, n)))
        .collect())
}

/// `GET vmachine-infs/` (`domain` filter, `limit`/`offset`).
pub(super) fn list_vmachine_infs(world: &World, req: &Request) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let domain = uuid_param(req, "domain");
    let items = match all_nics(world, domain.as_deref()) {
        Ok(i) => i,
        Err(e) => return fault(&e),
    };
    let total = items.len();
    let results = items
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .collect();
    envelope(req, &page, total, results)
}

/// `GET vmachine-infs/{id}/`.
pub(super) fn get_vmachine_inf(world: &World, id: &str) -> Response {
    let items = match all_nics(world, None) {
        Ok(i) => i,
        Err(e) => return fault(&e),
    };
    match items.into_iter().find(|n| n["id"] == id) {
        Some(n) => skin::json_response(StatusCode::OK, &n),
        None => errors(StatusCode::NOT_FOUND, "404", "the interface does not exist"),
    }
}
