//! Where each request goes: login and logout, then one `/api/` path to one handler.

use http::{Method, StatusCode};
use omnivirt_http::{Request, Response};
use serde_json::{Value, json};

use super::MOUNT;
use super::day2::{
    clone_domain, console, get_event, get_vmachine_inf, list_events, list_vmachine_infs,
};
use super::filter::{body_object, str_field};
use super::mutate::{
    create_domain, create_vdisk, domain_action, multi_manager, remove_vdisk, update_domain,
};
use super::read::{
    get_cluster, get_data_pool, get_domain, get_node, get_resource_pool, get_task, get_vdisk,
    get_vnetwork, list_clusters, list_data_pools, list_domains, list_nodes, list_resource_pools,
    list_tasks, list_vdisks, list_vnetworks,
};
use super::reply::{bad, errors};
use crate::skin;
use crate::world::World;

/// The whole skin: `auth/` and `logout/`, then `/api/` behind the JWT check.
pub(super) fn handle(world: &World, req: &Request) -> Response {
    let rest = skin::rest_of_path(req, MOUNT).to_owned();
    let rest = rest.trim_start_matches('/');
    if req.method == Method::POST && rest.trim_end_matches('/') == "auth" {
        let body = match body_object(req) {
            Ok(b) => b,
            Err(m) => return bad(&m),
        };
        let user = str_field(&body, "username").unwrap_or("");
        let password = body.get("password").and_then(Value::as_str).unwrap_or("");
        return match world.login(user, password) {
            Ok(t) => skin::json_response(StatusCode::OK, &json!({"token": t.expose()})),
            Err(_) => errors(
                StatusCode::BAD_REQUEST,
                "invalid",
                "Unable to log in with provided credentials.",
            ),
        };
    }
    let token = skin::auth_token(req).map(str::to_owned);
    if req.method == Method::POST && rest.trim_end_matches('/') == "logout" {
        if let Some(t) = &token {
            world.logout(t);
        }
        return skin::json_response(StatusCode::OK, &json!({}));
    }
    let Some(api_rest) = rest.strip_prefix("api/") else {
        return skin::no_route(&req.method, req.path());
    };
    let user = match token.as_deref().and_then(|t| world.session_user(t)) {
        Some(u) => u,
        None => {
            return errors(
                StatusCode::UNAUTHORIZED,
                "invalid",
                "Signature has expired.",
            );
        }
    };
    let api_rest = api_rest.to_owned();
    api(world, req, &user, &api_rest)
}

/// The resource pool collection, under both spellings seen (client and vendor mock).
fn is_resource_pools(s: &str) -> bool {
    matches!(s, "resource-pools" | "resource_pools")
}

/// One `/api/` path to its handler.
fn api(world: &World, req: &Request, user: &str, rest: &str) -> Response {
    let segs: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let m = &req.method;
    match (m, segs.as_slice()) {
        (&Method::GET, ["controllers", "check"]) => skin::json_response(StatusCode::OK, &json!({})),
        (&Method::GET, ["controllers", "base-version"]) => {
            skin::json_response(StatusCode::OK, &json!({"version": "4.6.0"}))
        }
        (&Method::GET, ["domains"]) => list_domains(world, req),
        (&Method::POST, ["domains", "multi-create-domain"]) => create_domain(world, req, user),
        (&Method::POST, ["domains", "multi-manager"]) => multi_manager(world, req, user),
        (&Method::GET, ["domains", id]) => get_domain(world, id),
        (&Method::PUT, ["domains", id]) => update_domain(world, req, id),
        (&Method::POST, ["domains", id, "clone"]) => clone_domain(world, req, user, id),
        (&Method::GET, ["domains", id, kind @ ("spice" | "vnc")]) => console(world, id, kind),
        (&Method::POST, ["domains", id, action]) => domain_action(world, req, user, id, action),
        (&Method::GET, ["nodes"]) => list_nodes(world, req),
        (&Method::GET, ["nodes", id]) => get_node(world, id),
        (&Method::GET, ["clusters"]) => list_clusters(world, req),
        (&Method::GET, ["clusters", id]) => get_cluster(world, id),
        (&Method::GET, [pools]) if is_resource_pools(pools) => list_resource_pools(world, req),
        (&Method::GET, [pools, id]) if is_resource_pools(pools) => get_resource_pool(world, id),
        (&Method::GET, ["data-pools"]) => list_data_pools(world, req),
        (&Method::GET, ["data-pools", id]) => get_data_pool(world, id),
        (&Method::GET, ["vnetworks"]) => list_vnetworks(world, req),
        (&Method::GET, ["vnetworks", id]) => get_vnetwork(world, id),
        (&Method::GET, ["vdisks"]) => list_vdisks(world, req),
        (&Method::POST, ["vdisks"]) => create_vdisk(world, req, user),
        (&Method::GET, ["vdisks", id]) => get_vdisk(world, id),
        (&Method::POST, ["vdisks", id, "remove"]) => remove_vdisk(world, user, id),
        (&Method::GET, ["tasks"]) => list_tasks(world, req, user),
        (&Method::GET, ["events"]) => list_events(world, req, user),
        (&Method::GET, ["events", id]) => get_event(world, user, id),
        (&Method::GET, ["vmachine-infs"]) => list_vmachine_infs(world, req),
        (&Method::GET, ["vmachine-infs", id]) => get_vmachine_inf(world, id),
        (&Method::GET, ["tasks", id]) => get_task(world, id, user),
        (&Method::GET, ["tags"]) => super::tags::list_tags(world, req),
        (&Method::POST, ["tags"]) => super::tags::create_tag(world, req, user),
        (&Method::GET, ["tags", id]) => super::tags::get_tag(world, id),
        (&Method::POST, ["tags", id, "add-entity"]) => {
            super::tags::tag_entity(world, req, id, true)
        }
        (&Method::POST, ["tags", id, "remove-entity"]) => {
            super::tags::tag_entity(world, req, id, false)
        }
        _ => unknown_url(),
    }
}

/// What the controller answers for an `/api/` path (or method) it does not serve: its own
/// error envelope with code 50004, so a client shows a typed one-line error.
pub(super) fn unknown_url() -> Response {
    errors(StatusCode::NOT_FOUND, "50004", "URL is not found.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unknown_api_path_is_the_vendor_error() {
        let r = unknown_url();
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let body: Value = r.json().await.unwrap();
        assert_eq!(
            body,
            json!({"errors": [{"code": "50004", "detail": "URL is not found."}]})
        );
    }
}
