//! Where each request goes: sessions and jobs need no session, everything else does.

use http::{Method, StatusCode};
use omnivirt_http::{Request, Response};
use serde_json::json;

use super::auth::check_session;
use super::day2;
use super::jobs::job;
use super::mutate::{
    attach_volume, body_of, create_vm, create_volume, delete_vm, delete_volume, detach_volume,
    vm_action,
};
use super::query::{Res, query};
use super::reply::{Fail, respond, text};
use super::{MOUNT, ZStackSkin};
use crate::skin;
use crate::world::World;

/// One call below `/zstack/v1` that needs a session, to its handler.
fn route(world: &World, req: &Request, rest: &str) -> Result<Response, Fail> {
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let m = &req.method;
    match (segs.as_slice(), m) {
        (["volume-snapshots", "group"], &Method::GET) => {
            Ok(query(world, req, Res::SnapshotGroup, None)?.response())
        }
        (["volume-snapshots", "group", uuid], &Method::GET) => {
            Ok(query(world, req, Res::SnapshotGroup, Some(uuid))?.response())
        }
        (["volume-snapshots", "group"], &Method::POST) => day2::create_group(world, req),
        (["volume-snapshots", "group", uuid, "actions"], &Method::PUT) => {
            day2::group_task(world, req, uuid, true)
        }
        (["volume-snapshots", "group", uuid], &Method::DELETE) => {
            day2::group_task(world, req, uuid, false)
        }
        (["eventlogs"], &Method::GET) => Ok(query(world, req, Res::EventLog, None)?.response()),
        (["vm-instances", vm, "l3-networks", l3], &Method::POST) => {
            day2::attach_l3(world, req, vm, l3)
        }
        (["vm-instances", "nics", nic], &Method::DELETE) => day2::detach_nic(world, req, nic),
        (["consoles"], &Method::POST) => day2::console(world, req),
        (["hosts", uuid, "actions"], &Method::PUT) => day2::host_action(world, req, uuid),
        ([res], &Method::GET) if Res::from_path(res).is_some() => {
            Ok(query(world, req, Res::from_path(res).unwrap_or(Res::Zone), None)?.response())
        }
        ([res, uuid], &Method::GET) if Res::from_path(res).is_some_and(Res::has_uuid_path) => {
            Ok(query(
                world,
                req,
                Res::from_path(res).unwrap_or(Res::Zone),
                Some(uuid),
            )?
            .response())
        }
        (["vm-instances"], &Method::POST) => create_vm(world, req),
        (["vm-instances", uuid, "actions"], &Method::PUT) => vm_action(world, req, uuid),
        (["vm-instances", uuid], &Method::DELETE) => delete_vm(world, req, uuid),
        (["volumes", "data"], &Method::POST) => create_volume(world, req),
        (["volumes", vol, "vm-instances", vm], &Method::POST) => attach_volume(world, req, vol, vm),
        (["volumes", vol, "vm-instances"], &Method::DELETE) => detach_volume(world, req, vol),
        (["volumes", uuid], &Method::DELETE) => delete_volume(world, req, uuid),
        _ => Err(text(404, format!("no api mapping to {MOUNT}/{rest}"))),
    }
}

/// The whole skin: login, logout, session checks and jobs need no session; every other
/// call does.
pub(super) fn handle(zstack: &ZStackSkin, world: &World, req: &Request) -> Response {
    let rest = skin::rest_of_path(req, MOUNT).to_owned();
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let m = req.method.clone();
    let answer = match (segs.as_slice(), &m) {
        (["accounts", "login"], &Method::PUT) => body_of(req)
            .and_then(|b| zstack.login(world, &b))
            .map(|v| skin::json_response(StatusCode::OK, &v)),
        (["accounts", "sessions", uuid], &Method::DELETE) => {
            world.logout(uuid);
            Ok(skin::json_response(StatusCode::OK, &json!({})))
        }
        (["accounts", "sessions", uuid, "valid"], &Method::GET) => Ok(skin::json_response(
            StatusCode::OK,
            &json!({"valid": world.session_valid(uuid)}),
        )),
        (["api-jobs", uuid], &Method::GET) => Ok(job(world, uuid)),
        (["api-jobs", _], _) => Err(text(405, "only GET is allowed on api-jobs")),
        _ => match check_session(world, req) {
            Some(f) => Err(f),
            None => route(world, req, &rest),
        },
    };
    answer.unwrap_or_else(respond)
}
