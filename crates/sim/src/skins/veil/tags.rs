//! Tags: `tags/` (list with `name`, `entity_uuid`/`entity_class`; create), `tags/{id}/` and
//! `tags/{id}/add-entity/` / `remove-entity/` for domains, over the World's VM tags (names).
//!
//! A tag's id is derived from its name, so the World's tag names are the tags. A tag created
//! and not yet put on any VM lives in a small name table of the skin (shared by every World,
//! harmless because the id is a function of the name); its colour is always `#c0ffee`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{LazyLock, Mutex};

use http::StatusCode;
use omnivirt_http::{Request, Response};
use serde_json::{Value, json};

use super::filter::{body_object, envelope, page_of, str_field, uuid_param};
use super::reply::{bad, errors, fault};
use crate::ids::uuid_from;
use crate::model::rfc3339;
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::World;

/// Tags created through the skin, by id (the id is derived from the name).
static CREATED: LazyLock<Mutex<BTreeMap<String, String>>> =
    LazyLock::new(|| Mutex::new(BTreeMap::new()));

pub(super) const COLOUR: &str = "#c0ffee";

pub(super) fn tag_id(name: &str) -> String {
    uuid_from(&format!("veil-tag:{name}"))
}

/// Every tag: id -> (name, the VMs (id, name) it marks), ordered by name.
/// A tag: id, name, the VMs (id, name) it marks.
type TagRow = (String, String, Vec<(String, String)>);

fn all_tags(world: &World) -> Vec<TagRow> {
    let mut by_name: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    if let Ok(created) = CREATED.lock() {
        for name in created.values() {
            by_name.entry(name.clone()).or_default();
        }
    }
    for vm in world.list_vms(&Filter::new(), &Paging::all()).items {
        for t in &vm.tags {
            by_name
                .entry(t.clone())
                .or_default()
                .insert((vm.id.as_str().to_owned(), vm.name.clone()));
        }
    }
    by_name
        .into_iter()
        .map(|(name, vms)| (tag_id(&name), name, vms.into_iter().collect()))
        .collect()
}

fn tag_json(id: &str, name: &str, vms: &[(String, String)]) -> Value {
    let ui: Vec<Value> = vms
        .iter()
        .map(|(vid, vname)| {
            json!({"entity_uuid": vid, "entity_class": "domain", "entity_name": vname})
        })
        .collect();
    json!({"id": id, "verbose_name": name, "colour": COLOUR, "ui_entities": ui})
}

/// `GET tags/`: `name` (contains, any case), `entity_uuid` (+ `entity_class`), limit/offset.
pub(super) fn list_tags(world: &World, req: &Request) -> Response {
    let page = match page_of(req) {
        Ok(p) => p,
        Err(m) => return bad(&m),
    };
    let name = skin::query_param(req, "name").map(|n| n.to_lowercase());
    let entity = uuid_param(req, "entity_uuid");
    let class = uuid_param(req, "entity_class");
    let matching: Vec<Value> = all_tags(world)
        .into_iter()
        .filter(|(_, n, _)| name.as_ref().is_none_or(|q| n.to_lowercase().contains(q)))
        .filter(|(_, _, vms)| {
            entity.as_ref().is_none_or(|e| {
                class.as_deref().is_none_or(|c| c == "domain") && vms.iter().any(|(v, _)| v == e)
            })
        })
        .map(|(id, n, vms)| tag_json(&id, &n, &vms))
        .collect();
    let total = matching.len();
    let results = matching
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .collect();
    envelope(req, &page, total, results)
}

fn find(world: &World, id: &str) -> Option<(String, Vec<(String, String)>)> {
    all_tags(world)
        .into_iter()
        .find(|(tid, _, _)| tid == id)
        .map(|(_, n, vms)| (n, vms))
}

fn no_tag(id: &str) -> Response {
    errors(
        StatusCode::NOT_FOUND,
        "404",
        &format!("tag {id} does not exist"),
    )
}

/// `GET tags/{id}/`.
pub(super) fn get_tag(world: &World, id: &str) -> Response {
    match find(world, id) {
        Some((n, vms)) => skin::json_response(StatusCode::OK, &tag_json(id, &n, &vms)),
        None => no_tag(id),
    }
}

/// `POST tags/` `{verbose_name, colour}`: 202 with an ended task whose first entity is the tag.
pub(super) fn create_tag(world: &World, req: &Request, user: &str) -> Response {
    let body = match body_object(req) {
        Ok(b) => b,
        Err(m) => return bad(&m),
    };
    let Some(name) = str_field(&body, "verbose_name") else {
        return bad("verbose_name: this field is required");
    };
    let id = tag_id(name);
    if find(world, &id).is_some() {
        return bad(&format!("tag {name} already exists"));
    }
    if let Ok(mut created) = CREATED.lock() {
        created.insert(id.clone(), name.to_owned());
    }
    let now = rfc3339(world.now());
    let task = json!({
        "id": world.new_uuid(),
        "verbose_name": "Task",
        "name": format!("Creating tag {name}."),
        "progress": 100,
        "status": "SUCCESS",
        "created": now,
        "executed": "0.000000",
        "finished_time": now,
        "nodes_user_responses": [],
        "events": [],
        "nodes_list": [],
        "user": {"id": 1, "username": user},
        "error_message": "",
        "is_cancellable": false,
        "permissions": {},
        "is_multitask": false,
        "parent": null,
        "entities": {id: "tag"},
    });
    skin::json_response(StatusCode::ACCEPTED, &json!({"_task": task}))
}

/// `POST tags/{id}/add-entity/` or `remove-entity/` `{entity_uuid, entity_class}`: domains
/// only; the answer is the tag.
pub(super) fn tag_entity(world: &World, req: &Request, id: &str, add: bool) -> Response {
    let body = match body_object(req) {
        Ok(b) => b,
        Err(m) => return bad(&m),
    };
    let Some(vm) = str_field(&body, "entity_uuid") else {
        return bad("entity_uuid: this field is required");
    };
    if str_field(&body, "entity_class") != Some("domain") {
        return bad("entity_class: the simulator tags domains only");
    }
    let Some((name, _)) = find(world, id) else {
        return no_tag(id);
    };
    let result = world.update_vm(vm, |v| {
        if add {
            if !v.tags.contains(&name) {
                v.tags.push(name.clone());
            }
        } else {
            v.tags.retain(|t| t != &name);
        }
    });
    if let Err(e) = result {
        return fault(&e);
    }
    get_tag(world, id)
}
