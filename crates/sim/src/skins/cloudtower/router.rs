//! Where each request goes: version, login, GraphQL, then one `<op>` to one handler.

use http::{Method, StatusCode};
use omnivirt_core::PowerAction;
use omnivirt_http::{Request, Response};
use serde_json::{Value, json};

use super::auth::{graphql, login};
use super::ctx::{Ctx, Kind};
use super::day2::{
    clone_vms, create_snapshots, delete_snapshots, maintenance, rollback, update_basic, vnc_info,
};
use super::devices::edit_devices;
use super::disks::{add_disks, create_volumes, delete_volumes, remove_disks};
use super::doc_cache::DocCache;
use super::mutate::{create_vms, data_str, delete_vms, each_vm, recycle};
use super::reply::{Fail, bad, error_body, fail, with_request_id};
use super::{API_VERSION, MOUNT};
use crate::skin;
use crate::world::World;

/// The whole skin: `get-version`, `login` and GraphQL need no session; every other `<op>`
/// does.
pub(super) fn handle(world: &World, docs: &DocCache, req: &Request) -> Response {
    let path = req.path().to_owned();
    if !skin::path_under(&path, MOUNT) {
        return graphql(world, req);
    }
    let op = skin::rest_of_path(req, MOUNT).to_owned();
    let api_path = format!("/{op}");
    if req.method == Method::GET && op == "get-version" {
        return with_request_id(skin::json_response(StatusCode::OK, &json!(API_VERSION)));
    }
    if req.method != Method::POST {
        return error_body(
            &api_path,
            fail(404, format!("Cannot {} {path}", req.method)),
        );
    }
    let body: Value = if req.body.is_empty() {
        json!({})
    } else {
        match skin::json_body(req) {
            Ok(v) => v,
            Err(e) => return error_body(&api_path, bad(e)),
        }
    };
    if op == "login" {
        return match login(world, &body) {
            Ok(v) => with_request_id(skin::json_response(StatusCode::OK, &v)),
            Err(f) => error_body(&api_path, f),
        };
    }
    let authorized = skin::auth_token(req).is_some_and(|t| world.session_valid(t));
    if !authorized {
        return error_body(&api_path, fail(401, "Unauthorized"));
    }
    let ctx = Ctx::new(world);
    if op == "get-vms" {
        match ctx.vm_page_json(&body, docs) {
            Ok(Some(text)) => {
                return with_request_id(skin::json_text_response(StatusCode::OK, text));
            }
            Ok(None) => {}
            Err(f) => return error_body(&api_path, f),
        }
    }
    let answer = if op == "get-vm-vnc-info" {
        vnc_info(&ctx, &body, tower_of(&req.url))
    } else {
        dispatch(&ctx, &op, &body)
    };
    match answer {
        Ok(v) => with_request_id(skin::json_response(StatusCode::OK, &v)),
        Err(f) => error_body(&api_path, f),
    }
}

/// `scheme://authority` of a request URL.
fn tower_of(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].find('/') {
        Some(i) => &url[..start + i],
        None => url,
    }
}

/// One `<op>` to its handler: `get-<x>[-connection]` queries, then the mutations.
fn dispatch(ctx: &Ctx<'_>, op: &str, body: &Value) -> Result<Value, Fail> {
    if let Some(rest) = op.strip_prefix("get-") {
        if let Some(plural) = rest.strip_suffix("-connection")
            && let Some(kind) = Kind::from_plural(plural)
        {
            let n = ctx.count(kind, body)?;
            return Ok(json!({"aggregate": {"count": n}}));
        }
        if let Some(kind) = Kind::from_plural(rest) {
            return Ok(Value::Array(ctx.select(kind, body)?));
        }
    }
    match op {
        "create-vm" => create_vms(ctx, body, false),
        "create-vm-from-content-library-template" => create_vms(ctx, body, true),
        "start-vm" => {
            let host = data_str(body, "host_id");
            each_vm(ctx, body, |id| ctx.world.start_vm_on(id, host.as_deref()))
        }
        "shutdown-vm" => each_vm(ctx, body, |id| ctx.world.power_vm(id, PowerAction::Stop)),
        "poweroff-vm" => each_vm(ctx, body, |id| {
            ctx.world.power_vm(id, PowerAction::ForceStop)
        }),
        "restart-vm" | "force-restart-vm" => {
            each_vm(ctx, body, |id| ctx.world.power_vm(id, PowerAction::Reboot))
        }
        "suspend-vm" => each_vm(ctx, body, |id| ctx.world.power_vm(id, PowerAction::Suspend)),
        "resume-vm" => each_vm(ctx, body, |id| ctx.world.power_vm(id, PowerAction::Resume)),
        "migrate-vm" => {
            let host = data_str(body, "host_id");
            each_vm(ctx, body, |id| ctx.world.migrate_vm(id, host.as_deref()))
        }
        "delete-vm" => delete_vms(ctx, body),
        "move-vm-to-recycle" => recycle(ctx, body, true),
        "recover-vm-from-recycle" => recycle(ctx, body, false),
        "update-vm-basic-info" => update_basic(ctx, body),
        "create-vm-volume" => create_volumes(ctx, body),
        "delete-vm-volume" => delete_volumes(ctx, body),
        "add-vm-disk" => add_disks(ctx, body),
        "add-vm-nic" | "update-vm-nic" | "remove-vm-nic" | "add-vm-cd-rom" | "remove-vm-cd-rom"
        | "update-vm-disk" => edit_devices(ctx, op, body),
        "remove-vm-disk" => remove_disks(ctx, body),
        "create-vm-snapshot" => create_snapshots(ctx, body),
        "delete-vm-snapshot" => delete_snapshots(ctx, body),
        "rollback-vm" => rollback(ctx, body),
        "clone-vm" => clone_vms(ctx, body),
        "create-label" => super::labels::create_labels(ctx, body),
        "add-labels-to-resources" => super::labels::add_labels(ctx, body),
        // The tower's own spelling.
        "enter-maintance-mode" => maintenance(ctx, body, true),
        "exit-maintance-mode" => maintenance(ctx, body, false),
        // What a real tower answers for a path it has no route for: 404 with its ErrorBody.
        _ => Err(fail(404, format!("Cannot POST {MOUNT}/{op}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(op: &str, token: Option<&str>, body: &Value) -> Request {
        let mut req = Request::post(format!("http://sim{MOUNT}/{op}"))
            .json(body)
            .unwrap();
        if let Some(t) = token {
            req = req.header("authorization", t).unwrap();
        }
        req
    }

    fn json_of(resp: &Response) -> Value {
        match &resp.body {
            omnivirt_http::Body::Full(b) => serde_json::from_slice(b).unwrap(),
            _ => panic!("streamed body"),
        }
    }

    #[test]
    fn an_operation_the_skin_lacks_is_a_404_error_body() {
        let world = World::default();
        let docs = DocCache::default();
        let login = handle(
            &world,
            &docs,
            &post(
                "login",
                None,
                &json!({"username": "admin", "password": "admin"}),
            ),
        );
        let token = json_of(&login)["data"]["token"]
            .as_str()
            .unwrap()
            .to_owned();
        for op in ["create-datacenter", "no-such-op"] {
            let resp = handle(&world, &docs, &post(op, Some(&token), &json!({})));
            assert_eq!(resp.status, StatusCode::NOT_FOUND, "{op}");
            let body = json_of(&resp);
            assert_eq!(body["status"], 404);
            assert_eq!(body["path"], format!("/{op}"));
            assert_eq!(body["message"], format!("Cannot POST /v2/api/{op}"));
            assert!(resp.headers.contains_key("x-tower-request-id"));
        }
        // A simulated one still answers.
        let resp = handle(
            &world,
            &docs,
            &post("get-vms", Some(&token), &json!({"first": 1})),
        );
        assert_eq!(resp.status, StatusCode::OK);
    }
}
