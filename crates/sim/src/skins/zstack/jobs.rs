//! Asynchronous answers: the 202 with the job's location, and `GET /api-jobs/{uuid}`.

use http::StatusCode;
use omnivirt_core::{Op, ResourceRef, TaskState};
use omnivirt_http::{Request, Response};
use serde_json::{Value, json};

use super::day2::{GROUP_KEY, render_group};
use super::ids::{ext, int};
use super::render::{render_host, render_vm, render_volume_of};
use super::{API_TIMEOUT_MS, MOUNT};
use crate::model::SimTask;
use crate::skin;
use crate::world::World;

/// `202` with the job location on the host the client called.
pub(super) fn accepted(req: &Request, task: &str) -> Response {
    let origin = req
        .url
        .split_once("://")
        .map(|(scheme, rest)| {
            let host = rest.split('/').next().unwrap_or(rest);
            format!("{scheme}://{host}")
        })
        .unwrap_or_default();
    skin::json_response(
        StatusCode::ACCEPTED,
        &json!({
            "location": format!("{origin}{MOUNT}/api-jobs/{}", ext(task)),
            "apiTimeout": API_TIMEOUT_MS,
        }),
    )
}

pub(super) fn job_result(world: &World, t: &SimTask) -> Value {
    match t.op {
        // DetachL3NetworkFromVm answers with the VM (below); these with nothing.
        Op::VmDelete | Op::DiskDelete | Op::SnapshotDelete | Op::SnapshotRevert => {
            return json!({});
        }
        Op::SnapshotCreate => {
            let group = t.extra.get(GROUP_KEY).and_then(Value::as_str).unwrap_or("");
            let vm = match &t.target {
                ResourceRef::Vm(id) => world.peek_vm(id.as_str()).ok(),
                _ => None,
            };
            return vm
                .and_then(|v| {
                    let s = v
                        .snapshots
                        .iter()
                        .find(|s| ext(s.id.as_str()) == group)?
                        .clone();
                    Some(json!({"inventory": render_group(world, &v, &s)}))
                })
                .unwrap_or_else(|| json!({}));
        }
        Op::VmClone => {
            let inv = match &t.target {
                ResourceRef::Vm(id) => world
                    .peek_vm(id.as_str())
                    .map(|v| render_vm(world, &v))
                    .unwrap_or(Value::Null),
                _ => Value::Null,
            };
            return json!({"result": {
                "numberOfClonedVm": 1,
                "inventories": [{"inventory": inv}],
            }});
        }
        _ => {}
    }
    match &t.target {
        ResourceRef::Vm(id) => world
            .peek_vm(id.as_str())
            .map(|v| json!({"inventory": render_vm(world, &v)}))
            .unwrap_or_else(|_| json!({})),
        ResourceRef::Disk(id) => world
            .peek_disk(id.as_str())
            .map(|d| json!({"inventory": render_volume_of(world, &d)}))
            .unwrap_or_else(|_| json!({})),
        ResourceRef::Host(id) => world
            .get_host(id.as_str())
            .map(|h| json!({"inventory": render_host(&h)}))
            .unwrap_or_else(|_| json!({})),
        _ => json!({}),
    }
}

pub(super) fn job(world: &World, uuid: &str) -> Response {
    let Ok(t) = world.get_task(&int(world, uuid)) else {
        return skin::text_response(StatusCode::NOT_FOUND, "the job has been expired");
    };
    match t.state {
        TaskState::Succeeded => skin::json_response(StatusCode::OK, &job_result(world, &t)),
        TaskState::Failed | TaskState::Cancelled => {
            let (c, msg) = match &t.error {
                Some(e) => (
                    e.code.clone().unwrap_or_else(|| "SYS.1006".into()),
                    e.message.clone(),
                ),
                None => ("SYS.1017".into(), "the job was cancelled".into()),
            };
            skin::json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                &json!({"error": {
                    "code": c,
                    "description": "An operation failed",
                    "details": msg,
                    "location": t.description,
                }}),
            )
        }
        _ => skin::json_response(StatusCode::ACCEPTED, &json!({})),
    }
}
