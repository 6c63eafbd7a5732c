//! `SimSkin`: the simulator's own neutral JSON REST API under `/sim/v1`.
//!
//! | method | path | body / query | answer |
//! |---|---|---|---|
//! | POST | `/sim/v1/login` | `{"user", "password"}` | 200 `{"token"}` |
//! | POST | `/sim/v1/logout` | | 204 |
//! | GET | `/sim/v1/{vms,hosts,clusters,disks,templates,tasks}` | `name`, `name_contains`, `name_prefix`, `state`, `cluster`, `host`, `vm`, `ids` (comma list), `offset`, `limit` | 200 `{"items", "total", "next_offset"}` |
//! | GET | `/sim/v1/<kind>/{id}` | | 200 the object |
//! | POST | `/sim/v1/vms` | `{"name", "cluster_id", "vcpus"?, "memory_bytes"?, "description"?, "template_id"?, "power_on"?, "host_id"?}` | 202 `{"task", "target"}` |
//! | POST | `/sim/v1/vms/{id}/{start,stop,force_stop,reboot,suspend,resume}` | | 202 |
//! | POST | `/sim/v1/vms/{id}/migrate` | `{"host_id"?}` | 202 |
//! | DELETE | `/sim/v1/vms/{id}` | | 202 |
//! | POST | `/sim/v1/disks` | `{"name", "size_bytes", "cluster_id"?, "storage"?, "vm_id"?}` | 202 |
//! | POST | `/sim/v1/disks/{id}/{attach,detach}` | `{"vm_id"}` | 202 |
//! | DELETE | `/sim/v1/disks/{id}` | | 202 |
//!
//! Every path but `login` needs `Authorization: Bearer <token>`. Objects are the JSON of the
//! `omnivirt_core` model (`Vm`, `Host`, ...; tasks as `Task`). Errors are
//! `{"error": {"kind", "message", "locked"}}` with 400/401/404/409.

use http::{Method, StatusCode};
use omnivirt_core::{
    Cluster, Disk, DiskState, ErrorKind, Host, HostState, PowerAction, Task, TaskState, Vm, VmState,
};
use omnivirt_http::{Request, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::SimError;
use crate::model::{SimTemplate, Submission};
use crate::query::{Filter, Listing, NameMatch, Paging};
use crate::skin::{
    Skin, auth_token, empty_response, json_body, json_response, json_response_of, query_pairs,
    rest_of_path,
};
use crate::world::{NewDisk, NewVm, World};

/// The neutral skin (`sim` vendor) mounted at `/sim/v1`.
#[derive(Debug, Clone, Default)]
pub struct SimSkin {
    _private: (),
}

impl SimSkin {
    /// The mount path.
    pub const MOUNT: &'static str = "/sim/v1";

    /// A new skin.
    pub fn new() -> Self {
        Self::default()
    }
}

#[derive(Deserialize)]
struct LoginBody {
    user: String,
    password: String,
}

#[derive(Deserialize)]
struct CreateVmBody {
    name: String,
    cluster_id: String,
    vcpus: Option<u32>,
    memory_bytes: Option<u64>,
    description: Option<String>,
    template_id: Option<String>,
    #[serde(default)]
    power_on: bool,
    host_id: Option<String>,
}

#[derive(Deserialize)]
struct CreateDiskBody {
    name: String,
    size_bytes: u64,
    cluster_id: Option<String>,
    storage: Option<String>,
    vm_id: Option<String>,
}

#[derive(Deserialize)]
struct VmRef {
    vm_id: String,
}

#[derive(Deserialize, Default)]
struct MigrateBody {
    host_id: Option<String>,
}

fn error(status: StatusCode, kind: ErrorKind, message: &str, locked: bool) -> Response {
    json_response(
        status,
        &json!({"error": {"kind": kind.as_str(), "message": message, "locked": locked}}),
    )
}

fn sim_error(e: &SimError) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    error(status, e.kind(), e.message(), e.is_locked())
}

fn bad_input(message: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        ErrorKind::InvalidInput,
        message,
        false,
    )
}

fn submitted(r: Result<Submission, SimError>) -> Response {
    match r {
        Ok(s) => json_response(
            StatusCode::ACCEPTED,
            &json!({"task": s.task.as_str(), "target": s.target}),
        ),
        Err(e) => sim_error(&e),
    }
}

fn listing<S, T: serde::Serialize>(l: Listing<S>, f: impl Fn(&S) -> T) -> Response {
    let items: Vec<T> = l.items.iter().map(f).collect();
    json_response(
        StatusCode::OK,
        &json!({"items": items, "total": l.total, "next_offset": l.next_offset}),
    )
}

fn one<S, T: serde::Serialize>(r: Result<S, SimError>, f: impl Fn(&S) -> T) -> Response {
    match r {
        Ok(x) => json_response_of(StatusCode::OK, &f(&x)),
        Err(e) => sim_error(&e),
    }
}

fn template_json(t: &SimTemplate) -> serde_json::Value {
    json!({"id": t.id, "name": t.name, "vcpus": t.vcpus, "memory_bytes": t.memory_bytes,
           "description": t.description})
}

fn parse_query(req: &Request) -> Result<(Filter, Paging), String> {
    let mut f = Filter::new();
    let mut p = Paging::all();
    for (k, v) in query_pairs(req) {
        match k.as_str() {
            "name" => f.name = Some(NameMatch::Equals(v)),
            "name_contains" => f.name = Some(NameMatch::Contains(v)),
            "name_prefix" => f.name = Some(NameMatch::Prefix(v)),
            "cluster" => f.cluster = Some(v.into()),
            "host" => f.host = Some(v.into()),
            "vm" => f.vm = Some(v.into()),
            "ids" => {
                f.ids = Some(
                    v.split(',')
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect(),
                )
            }
            "state" => {
                // The same parameter filters whichever kind is listed; unknown words are an error
                // only if no kind knows them.
                let vm = v.parse::<VmState>().ok();
                let host = v.parse::<HostState>().ok();
                let disk = v.parse::<DiskState>().ok();
                let task = v.parse::<TaskState>().ok();
                if vm.is_none() && host.is_none() && disk.is_none() && task.is_none() {
                    return Err(format!("unknown state `{v}`"));
                }
                f.vm_states.extend(vm);
                f.host_states.extend(host);
                f.disk_states.extend(disk);
                f.task_states.extend(task);
            }
            "offset" => {
                p.offset = v
                    .parse()
                    .map_err(|_| format!("offset `{v}` is not a number"))?
            }
            "limit" => {
                p.limit = Some(
                    v.parse()
                        .map_err(|_| format!("limit `{v}` is not a number"))?,
                )
            }
            _ => {}
        }
    }
    Ok((f, p))
}

/// A state filter only applies to its own kind of object.
fn only_states_of(mut f: Filter, kind: &str) -> Filter {
    if kind != "vms" {
        f.vm_states.clear();
    }
    if kind != "hosts" {
        f.host_states.clear();
    }
    if kind != "disks" {
        f.disk_states.clear();
    }
    if kind != "tasks" {
        f.task_states.clear();
    }
    f
}

impl Skin for SimSkin {
    fn vendor(&self) -> &'static str {
        "sim"
    }

    fn mount(&self) -> &'static str {
        Self::MOUNT
    }

    fn credentials_hint(&self) -> String {
        "POST /sim/v1/login {\"user\":\"admin\",\"password\":\"admin\"}, then Authorization: Bearer <token>".to_owned()
    }

    fn error_response(&self, status: StatusCode, message: &str) -> Response {
        error(status, ErrorKind::Backend, message, false)
    }

    fn handle(&self, world: &World, req: Request) -> Response {
        let rest = rest_of_path(&req, Self::MOUNT).to_owned();
        let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        let method = req.method.clone();

        if method == Method::POST && parts == ["login"] {
            let body: LoginBody = match json_body(&req) {
                Ok(b) => b,
                Err(e) => return bad_input(&e),
            };
            return match world.login(&body.user, &body.password) {
                Ok(token) => json_response(StatusCode::OK, &json!({"token": token.expose()})),
                Err(e) => sim_error(&e),
            };
        }
        let token = match auth_token(&req) {
            Some(t) if world.session_valid(t) => t.to_owned(),
            Some(_) => {
                return error(
                    StatusCode::UNAUTHORIZED,
                    ErrorKind::Unauthenticated,
                    "session expired or unknown; log in again",
                    false,
                );
            }
            None => {
                return error(
                    StatusCode::UNAUTHORIZED,
                    ErrorKind::Unauthenticated,
                    "missing Authorization header",
                    false,
                );
            }
        };
        if method == Method::POST && parts == ["logout"] {
            world.logout(&token);
            return empty_response(StatusCode::NO_CONTENT);
        }

        match (method, parts.as_slice()) {
            (Method::GET, [kind]) => {
                let (f, p) = match parse_query(&req) {
                    Ok(x) => x,
                    Err(e) => return bad_input(&e),
                };
                let f = only_states_of(f, kind);
                match *kind {
                    "vms" => listing(world.list_vms(&f, &p), |x| Vm::from(x)),
                    "hosts" => listing(world.list_hosts(&f, &p), |x| Host::from(x)),
                    "clusters" => listing(world.list_clusters(&f, &p), |x| Cluster::from(x)),
                    "disks" => listing(world.list_disks(&f, &p), |x| Disk::from(x)),
                    "templates" => listing(world.list_templates(&f, &p), template_json),
                    "tasks" => listing(world.list_tasks(&f, &p), |x| Task::from(x)),
                    _ => not_here(&rest),
                }
            }
            (Method::GET, [kind, id]) => match *kind {
                "vms" => one(world.get_vm(id), |x| Vm::from(x)),
                "hosts" => one(world.get_host(id), |x| Host::from(x)),
                "clusters" => one(world.get_cluster(id), |x| Cluster::from(x)),
                "disks" => one(world.get_disk(id), |x| Disk::from(x)),
                "templates" => one(world.get_template(id), template_json),
                "tasks" => one(world.get_task(id), |x| Task::from(x)),
                _ => not_here(&rest),
            },
            (Method::POST, ["vms"]) => {
                let b: CreateVmBody = match json_body(&req) {
                    Ok(b) => b,
                    Err(e) => return bad_input(&e),
                };
                let mut spec = NewVm::new(b.name, b.cluster_id);
                spec.vcpus = b.vcpus;
                spec.memory_bytes = b.memory_bytes;
                spec.description = b.description.unwrap_or_default();
                spec.template_id = b.template_id;
                spec.power_on = b.power_on;
                spec.host_id = b.host_id.map(Into::into);
                submitted(world.create_vm(spec))
            }
            (Method::POST, ["vms", id, action]) => {
                let act = match *action {
                    "start" => PowerAction::Start,
                    "stop" => PowerAction::Stop,
                    "force_stop" => PowerAction::ForceStop,
                    "reboot" => PowerAction::Reboot,
                    "suspend" => PowerAction::Suspend,
                    "resume" => PowerAction::Resume,
                    "migrate" => {
                        let b: MigrateBody = if req.body.is_empty() {
                            MigrateBody::default()
                        } else {
                            match json_body(&req) {
                                Ok(b) => b,
                                Err(e) => return bad_input(&e),
                            }
                        };
                        return submitted(world.migrate_vm(id, b.host_id.as_deref()));
                    }
                    _ => return not_here(&rest),
                };
                submitted(world.power_vm(id, act))
            }
            (Method::DELETE, ["vms", id]) => submitted(world.delete_vm(id)),
            (Method::POST, ["disks"]) => {
                let b: CreateDiskBody = match json_body(&req) {
                    Ok(b) => b,
                    Err(e) => return bad_input(&e),
                };
                let mut spec = NewDisk::new(b.name, b.size_bytes);
                spec.cluster_id = b.cluster_id.map(Into::into);
                spec.storage = b.storage;
                spec.vm_id = b.vm_id.map(Into::into);
                submitted(world.create_disk(spec))
            }
            (Method::POST, ["disks", id, action @ ("attach" | "detach")]) => {
                let b: VmRef = match json_body(&req) {
                    Ok(b) => b,
                    Err(e) => return bad_input(&e),
                };
                if *action == "attach" {
                    submitted(world.attach_disk(id, &b.vm_id))
                } else {
                    submitted(world.detach_disk(id, &b.vm_id))
                }
            }
            (Method::DELETE, ["disks", id]) => submitted(world.delete_disk(id)),
            _ => not_here(&rest),
        }
    }
}

fn not_here(rest: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        ErrorKind::NotFound,
        &format!("no such resource: /sim/v1/{rest}"),
        false,
    )
}
