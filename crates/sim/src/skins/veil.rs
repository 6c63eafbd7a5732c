//! The VeiL ECP REST API (JSON, JWT, tasks) skin.
//!
//! Mounted at `/veil`: the controller's `/api/...`, `/auth/` and `/logout/` appear under
//! `/veil/api/...`, `/veil/auth/` and `/veil/logout/`, because CloudTower's skin already owns
//! `/api`. VeiL allows a path in the controller address, so clients take
//! `http://127.0.0.1:PORT/veil` as the controller (the Python client: server address
//! `127.0.0.1:PORT/veil`).
//!
//! What it serves, with the wire shapes of the vendor samples:
//!
//! - `POST /auth/` `{username, password, ldap}` -> `{token}`; `POST /logout/`. Every `/api/`
//!   request needs `Authorization: jwt <token>`; a bad or expired token is 401
//!   `{"errors":[{"detail":"Signature has expired.","code":"invalid"}]}`.
//! - `GET domains/` (`template=0|1`, `cluster`, `node`, `resource_pool`, `ids`, `name`
//!   (contains, any case), `ordering`, `limit`/`offset` (default 100), `fields`, `all_content`)
//!   and `GET domains/{id}/`; DRF envelope `{count, next, previous, results}` with absolute
//!   `next`/`previous` URLs. Without `template` only VMs are listed (a real controller lists
//!   templates too).
//! - `POST domains/{id}/start|shutdown|reboot|suspend|resume|reset/` `{force}`, `remove/`,
//!   `multi-create-domain/` (one domain per request; `entity` is the World's id, `domains_ids`
//!   is not honoured), `multi-manager/` (each VM is acted on; the answer is the first VM's task
//!   with every VM in `entities`), `attach-vdisk/` / `detach-vdisk/` `{vdisk}` (paths not
//!   confirmed on a real controller), `PUT domains/{id}/` (name, description): 202 with
//!   `{"_task": ...}`; `async=0` on a power action answers 200 with the domain instead.
//! - `GET nodes/`, `clusters/`, `resource-pools/` (also `resource_pools/`), `data-pools/`,
//!   `vdisks/` (`domain`, `datapool` filters) and their details; `POST vdisks/`
//!   `{verbose_name, datapool, size (GiB)}`, `POST vdisks/{id}/remove/`.
//! - `GET tasks/{id}/`, `GET tasks/` (`status`); `GET controllers/check/`,
//!   `controllers/base-version/`.
//!
//! Each cluster has one resource pool and one data pool, with ids derived from the cluster id.
//! Errors are `{"errors":[{"code", "detail"}]}`: 404 for a missing object, 400 otherwise (a
//! refused state change says `cannot start VM ...: it is running`).

use http::{Method, StatusCode};
use omnivirt_core::{DiskState, ErrorKind, HostState, PowerAction, TaskState, VmState};
use omnivirt_http::{Request, Response};
use serde_json::{Map, Value, json};

use crate::model::{SimCluster, SimDisk, SimHost, SimTask, SimTemplate, SimVm, ref_id, rfc3339};
use crate::query::{Filter, NameMatch, Paging, SortBy};
use crate::skin::{self, Skin};
use crate::world::{NewDisk, NewVm, World};
use crate::{SimError, uuid_from};

/// Where the skin is mounted.
pub const MOUNT: &str = "/veil";

const DEFAULT_LIMIT: usize = 100;
const MIB: u64 = 1 << 20;
const GIB: f64 = (1u64 << 30) as f64;

/// The VeiL skin.
#[derive(Debug, Default, Clone, Copy)]
#[non_exhaustive]
pub struct VeilSkin;

impl VeilSkin {
    /// The skin.
    pub fn new() -> Self {
        VeilSkin
    }
}

fn errors(status: StatusCode, code: &str, detail: &str) -> Response {
    skin::json_response(
        status,
        &json!({"errors": [{"code": code, "detail": detail}]}),
    )
}

fn bad(detail: &str) -> Response {
    errors(StatusCode::BAD_REQUEST, "400", detail)
}

fn fault(e: &SimError) -> Response {
    match e.kind() {
        ErrorKind::NotFound => errors(StatusCode::NOT_FOUND, "404", e.message()),
        ErrorKind::Unauthenticated => errors(StatusCode::UNAUTHORIZED, "invalid", e.message()),
        _ if e.is_locked() => errors(
            StatusCode::BAD_REQUEST,
            "locked",
            &format!("{} (is locked by a running task)", e.message()),
        ),
        _ => errors(StatusCode::BAD_REQUEST, "400", e.message()),
    }
}

/// Neutral VM state -> (entity status, user_power_state).
fn vm_words(s: VmState) -> (&'static str, u8) {
    match s {
        VmState::Creating => ("CREATING", 1),
        VmState::Deleting | VmState::Deleted => ("DELETING", 1),
        VmState::Error => ("FAILED", 0),
        VmState::Unknown => ("ACTIVE", 0),
        VmState::Running
        | VmState::Stopping
        | VmState::Rebooting
        | VmState::Suspending
        | VmState::Migrating => ("ACTIVE", 3),
        VmState::Suspended | VmState::Resuming => ("ACTIVE", 2),
        _ => ("ACTIVE", 1),
    }
}

fn host_word(s: HostState) -> &'static str {
    match s {
        HostState::Up => "ACTIVE",
        HostState::Maintenance => "SERVICE",
        HostState::Connecting => "CREATING",
        _ => "FAILED",
    }
}

fn disk_word(s: DiskState) -> &'static str {
    match s {
        DiskState::Creating => "CREATING",
        DiskState::Error => "FAILED",
        DiskState::Deleted => "DELETING",
        _ => "ACTIVE",
    }
}

fn task_word(s: TaskState) -> &'static str {
    match s {
        TaskState::Succeeded => "SUCCESS",
        TaskState::Failed => "FAILED",
        TaskState::Cancelled => "CANCELED",
        _ => "IN_PROGRESS",
    }
}

fn resource_pool_id(cluster: &str) -> String {
    uuid_from(&format!("veil-resource-pool:{cluster}"))
}

fn data_pool_id(cluster: &str) -> String {
    uuid_from(&format!("veil-data-pool:{cluster}"))
}

fn named(world: &World, cluster: &str) -> Value {
    let name = world
        .get_cluster(cluster)
        .map(|c| c.name)
        .unwrap_or_default();
    json!({"id": cluster, "verbose_name": name})
}

fn domain_json(world: &World, vm: &SimVm, detail: bool) -> Value {
    let (status, power) = vm_words(vm.state);
    let node = vm.host_id.as_ref().map(|h| {
        let name = world
            .get_host(h.as_str())
            .map(|h| h.name)
            .unwrap_or_default();
        json!({"id": h.as_str(), "verbose_name": name})
    });
    let cluster = vm.cluster_id.as_str();
    let cluster_name = world
        .get_cluster(cluster)
        .map(|c| c.name)
        .unwrap_or_default();
    let mut d = json!({
        "id": vm.id.as_str(),
        "verbose_name": vm.name,
        "status": status,
        "user_power_state": power,
        "cpu_count": vm.vcpus,
        "memory_count": vm.memory_bytes / MIB,
        "vdisks_count": vm.disk_ids.len(),
        "vmachine_infs_count": 0,
        "memory_pool": null,
        "node": node,
        "template": false,
        "tags": [],
        "hints": 0,
        "resource_pool": {
            "id": resource_pool_id(cluster),
            "verbose_name": format!("{cluster_name} resource pool"),
        },
        "parent": vm.template_id.as_ref().map(|t| {
            let name = world.get_template(t).map(|t| t.name).unwrap_or_default();
            json!({"id": t, "verbose_name": name})
        }),
        "locked_by": vm.task_id.as_ref().map(|t| t.as_str()),
    });
    if detail {
        d["cluster"] = json!({"id": cluster, "verbose_name": cluster_name});
        d["description"] = json!(vm.description);
        d["os_type"] = json!("Other");
        d["created"] = json!(rfc3339(vm.created_at));
        d["modified"] = json!(rfc3339(vm.updated_at));
        d["remote_access"] = json!(false);
        d["start_on_boot"] = json!(false);
        d["permissions"] = json!({"start": true, "shutdown": true, "remove": true});
    }
    d
}

fn template_json(t: &SimTemplate) -> Value {
    json!({
        "id": t.id,
        "verbose_name": t.name,
        "status": "ACTIVE",
        "user_power_state": 1,
        "cpu_count": t.vcpus,
        "memory_count": t.memory_bytes / MIB,
        "template": true,
        "node": null,
        "parent": null,
        "locked_by": null,
        "description": t.description,
        "created": rfc3339(t.created_at),
    })
}

fn node_json(world: &World, h: &SimHost, detail: bool) -> Value {
    let c = h.cluster_id.as_str();
    let on = world.count_vms(&Filter::new().host(h.id.clone()));
    let mut n = json!({
        "id": h.id.as_str(),
        "verbose_name": h.name,
        "status": host_word(h.state),
        "management_ip": h.address,
        "cpu_count": h.cpu_threads,
        "memory_count": h.memory_bytes / MIB,
        "domains_on_count": on,
        "built_in": false,
        "hints": 0,
    });
    // The list nests the cluster; the detail sends its bare id (as in the vendor samples).
    if detail {
        n["cluster"] = json!(c);
        n["description"] = json!("");
    } else {
        n["cluster"] = named(world, c);
    }
    n
}

fn cluster_json(world: &World, c: &SimCluster) -> Value {
    let hosts = world.list_hosts(&Filter::new().cluster(c.id.clone()), &Paging::all());
    let cpus: u64 = hosts.items.iter().map(|h| u64::from(h.cpu_threads)).sum();
    let mem: u64 = hosts.items.iter().map(|h| h.memory_bytes / MIB).sum();
    json!({
        "id": c.id.as_str(),
        "verbose_name": c.name,
        "status": "ACTIVE",
        "description": c.description,
        "cpu_count": cpus,
        "memory_count": mem,
        "nodes_count": hosts.total,
        "built_in": false,
        "hints": 0,
    })
}

fn resource_pool_json(world: &World, c: &SimCluster) -> Value {
    json!({
        "id": resource_pool_id(c.id.as_str()),
        "verbose_name": format!("{} resource pool", c.name),
        "cluster": named(world, c.id.as_str()),
        "domains_count": world.count_vms(&Filter::new().cluster(c.id.clone())),
        "cpu_limit": 0,
        "memory_limit": 0,
        "hints": 0,
        "organization": null,
    })
}

fn data_pool_json(c: &SimCluster) -> Value {
    json!({
        "id": data_pool_id(c.id.as_str()),
        "verbose_name": format!("{} storage", c.name),
        "status": "ACTIVE",
        "type": "local",
        "built_in": false,
        "size": 4_194_304,
        "free_space": 3_145_728,
        "used_space": 1_048_576,
        "cluster": {"id": c.id.as_str(), "verbose_name": c.name},
        "hints": 0,
    })
}

/// The cluster whose data pool is `pool`, if any.
fn cluster_of_pool(world: &World, pool: &str) -> Option<SimCluster> {
    world
        .list_clusters(&Filter::new(), &Paging::all())
        .items
        .into_iter()
        .find(|c| data_pool_id(c.id.as_str()) == pool)
}

fn vdisk_json(world: &World, d: &SimDisk) -> Value {
    let pool = d
        .storage
        .clone()
        .or_else(|| d.cluster_id.as_ref().map(|c| data_pool_id(c.as_str())));
    let domain = d.vm_id.as_ref().map(|v| {
        let name = world
            .peek_vm(v.as_str())
            .map(|v| v.name)
            .unwrap_or_default();
        json!({"id": v.as_str(), "verbose_name": name})
    });
    json!({
        "id": d.id.as_str(),
        "verbose_name": d.name,
        "status": disk_word(d.state),
        "size": d.size_bytes as f64 / GIB,
        "datapool": pool.map(|p| json!({"id": p, "verbose_name": "", "type": "local"})),
        "domain": domain,
        "shareable": false,
        "hints": 0,
        "locked_by": d.task_id.as_ref().map(|t| t.as_str()),
    })
}

fn entity_class(target: &omnivirt_core::ResourceRef) -> &'static str {
    match target {
        omnivirt_core::ResourceRef::Vm(_) => "domain",
        omnivirt_core::ResourceRef::Disk(_) => "vdisk",
        omnivirt_core::ResourceRef::Host(_) => "node",
        omnivirt_core::ResourceRef::Cluster(_) => "cluster",
        _ => "unknown",
    }
}

fn task_json(t: &SimTask, user: &str, extra_entities: &[(String, &'static str)]) -> Value {
    let mut entities = Map::new();
    entities.insert(ref_id(&t.target).to_owned(), json!(entity_class(&t.target)));
    if let Some(vm) = &t.vm_id {
        entities.insert(vm.as_str().to_owned(), json!("domain"));
    }
    for (id, class) in extra_entities {
        entities.insert(id.clone(), json!(class));
    }
    let done = t.is_done();
    let executed = match (t.started_at, t.finished_at) {
        (Some(s), Some(f)) => json!(format!("{}.000000", f.saturating_sub(s))),
        _ => json!(0),
    };
    json!({
        "id": t.id.as_str(),
        "verbose_name": "Task",
        "name": t.description,
        "progress": t.progress,
        "status": task_word(t.state),
        "created": rfc3339(t.created_at),
        "executed": executed,
        "finished_time": t.finished_at.map(rfc3339),
        "nodes_user_responses": [],
        "events": [],
        "nodes_list": [],
        "user": {"id": 1, "username": user},
        "error_message": t.error.as_ref().map(|e| e.message.clone()).unwrap_or_default(),
        "is_cancellable": !done,
        "permissions": {"cancel": true, "release_locks": true, "check": true, "run": true},
        "is_multitask": !extra_entities.is_empty(),
        "parent": null,
        "entities": entities,
    })
}

/// One page's worth of request parameters.
struct Page {
    offset: usize,
    limit: usize,
    paging: Paging,
}

fn page_of(req: &Request) -> Result<Page, String> {
    let num = |name: &str, default: usize| -> Result<usize, String> {
        match skin::query_param(req, name) {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| format!("{name} must be a non-negative integer, not `{v}`")),
        }
    };
    let offset = num("offset", 0)?;
    let limit = num("limit", DEFAULT_LIMIT)?;
    if limit == 0 {
        return Err("limit must be at least 1".into());
    }
    let mut paging = Paging::new(offset, limit);
    if let Some(o) = skin::query_param(req, "ordering") {
        let (field, desc) = match o.strip_prefix('-') {
            Some(f) => (f.to_owned(), true),
            None => (o.clone(), false),
        };
        // DRF ignores an ordering field it does not know; so does the skin.
        let by = match field.as_str() {
            "verbose_name" | "name" => Some(SortBy::Name),
            "id" => Some(SortBy::Id),
            "created" => Some(SortBy::Created),
            _ => None,
        };
        if let Some(by) = by {
            paging = paging.sort(by, desc);
        }
    }
    Ok(Page {
        offset,
        limit,
        paging,
    })
}

/// The request URL with another offset (absolute, as DRF answers `next`/`previous`).
fn page_url(req: &Request, offset: usize, limit: usize) -> Value {
    let Ok(mut u) = url::Url::parse(&req.url) else {
        return Value::Null;
    };
    let keep: Vec<(String, String)> = skin::query_pairs(req)
        .into_iter()
        .filter(|(k, _)| k != "offset" && k != "limit")
        .collect();
    {
        let mut q = u.query_pairs_mut();
        q.clear();
        for (k, v) in &keep {
            q.append_pair(k, v);
        }
        q.append_pair("limit", &limit.to_string());
        q.append_pair("offset", &offset.to_string());
    }
    json!(u.to_string())
}

fn envelope(req: &Request, page: &Page, total: usize, results: Vec<Value>) -> Response {
    let end = page.offset + results.len();
    let next = if end < total {
        page_url(req, end, page.limit)
    } else {
        Value::Null
    };
    let previous = if page.offset > 0 {
        page_url(req, page.offset.saturating_sub(page.limit), page.limit)
    } else {
        Value::Null
    };
    skin::json_response(
        StatusCode::OK,
        &json!({"count": total, "next": next, "previous": previous, "results": results}),
    )
}

/// `fields=a,b` keeps those keys of the detail form; `all_content=1` keeps everything.
fn shape(req: &Request, list_form: Value, detail_form: impl FnOnce() -> Value) -> Value {
    if skin::query_param(req, "all_content").is_some_and(|v| v == "1") {
        return detail_form();
    }
    match skin::query_param(req, "fields") {
        Some(f) if !f.is_empty() => {
            let wanted: Vec<&str> = f.split(',').map(str::trim).collect();
            if wanted.contains(&"__all__") {
                return detail_form();
            }
            let full = detail_form();
            let mut out = Map::new();
            if let Value::Object(m) = full {
                for (k, v) in m {
                    if wanted.contains(&k.as_str()) {
                        out.insert(k, v);
                    }
                }
            }
            Value::Object(out)
        }
        _ => list_form,
    }
}

fn name_filter(req: &Request) -> Option<NameMatch> {
    skin::query_param(req, "name")
        .filter(|n| !n.is_empty())
        .map(NameMatch::Contains)
}

fn uuid_param(req: &Request, name: &str) -> Option<String> {
    skin::query_param(req, name).filter(|v| !v.is_empty())
}

fn body_object(req: &Request) -> Result<Map<String, Value>, String> {
    if req.body.is_empty() {
        return Ok(Map::new());
    }
    match skin::json_body::<Value>(req) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("the request body must be a JSON object".into()),
        Err(e) => Err(e),
    }
}

fn str_field<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

impl VeilSkin {
    fn accepted(
        &self,
        world: &World,
        user: &str,
        task: &str,
        entity: Option<&str>,
        extra: &[(String, &'static str)],
    ) -> Response {
        let t = match world.peek_task(task) {
            Ok(t) => t,
            Err(e) => return fault(&e),
        };
        let mut body = json!({"_task": task_json(&t, user, extra)});
        if let Some(e) = entity {
            body["entity"] = json!(e);
        }
        skin::json_response(StatusCode::ACCEPTED, &body)
    }

    fn list_domains(&self, world: &World, req: &Request) -> Response {
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

    fn domain_action(
        &self,
        world: &World,
        req: &Request,
        user: &str,
        id: &str,
        action: &str,
    ) -> Response {
        let body = match body_object(req) {
            Ok(b) => b,
            Err(m) => return bad(&m),
        };
        let force = body.get("force").and_then(Value::as_bool).unwrap_or(false);
        let result = match action {
            "start" => world.power_vm(id, PowerAction::Start),
            "shutdown" if force => world.power_vm(id, PowerAction::ForceStop),
            "shutdown" => world.power_vm(id, PowerAction::Stop),
            "reboot" | "reset" => world.power_vm(id, PowerAction::Reboot),
            "suspend" => world.power_vm(id, PowerAction::Suspend),
            "resume" => world.power_vm(id, PowerAction::Resume),
            "remove" => world.delete_vm(id),
            "attach-vdisk" | "detach-vdisk" => {
                let Some(disk) = str_field(&body, "vdisk") else {
                    return bad("vdisk: this field is required");
                };
                if action == "attach-vdisk" {
                    world.attach_disk(disk, id)
                } else {
                    world.detach_disk(disk, id)
                }
            }
            _ => return skin::no_route(&req.method, req.path()),
        };
        let sub = match result {
            Ok(s) => s,
            Err(e) => return fault(&e),
        };
        let is_power = !matches!(action, "remove" | "attach-vdisk" | "detach-vdisk");
        if is_power && skin::query_param(req, "async").as_deref() == Some("0") {
            // Without async the controller answers the domain itself.
            return match world.peek_vm(id) {
                Ok(vm) => skin::json_response(StatusCode::OK, &domain_json(world, &vm, true)),
                Err(e) => fault(&e),
            };
        }
        self.accepted(world, user, sub.task.as_str(), None, &[])
    }

    fn create_domain(&self, world: &World, req: &Request, user: &str) -> Response {
        let body = match body_object(req) {
            Ok(b) => b,
            Err(m) => return bad(&m),
        };
        let Some(name) = str_field(&body, "verbose_name") else {
            return bad("verbose_name: this field is required");
        };
        let count = body.get("count").and_then(Value::as_u64).unwrap_or(1);
        if count != 1 {
            return bad("the simulator creates one domain per request (count must be 1)");
        }
        let cluster = if let Some(rp) = str_field(&body, "resource_pool") {
            world
                .list_clusters(&Filter::new(), &Paging::all())
                .items
                .into_iter()
                .find(|c| resource_pool_id(c.id.as_str()) == rp)
                .map(|c| c.id)
        } else if let Some(node) = str_field(&body, "node") {
            world.get_host(node).ok().map(|h| h.cluster_id)
        } else {
            return bad("resource_pool or node and datapool: one placement is required");
        };
        let Some(cluster) = cluster else {
            return errors(
                StatusCode::NOT_FOUND,
                "404",
                "the resource pool or node does not exist",
            );
        };
        let mut spec = NewVm::new(name, cluster);
        if let Some(p) = str_field(&body, "parent") {
            spec = spec.template(p);
        }
        if let Some(c) = body.get("cpu_count") {
            match c.as_u64().and_then(|c| u32::try_from(c).ok()) {
                Some(c) if c > 0 => spec = spec.vcpus(c),
                _ => return bad("cpu_count must be a positive integer"),
            }
        }
        if let Some(m) = body.get("memory_count") {
            match m.as_u64().and_then(|m| m.checked_mul(MIB)) {
                Some(b) if b > 0 => spec = spec.memory_bytes(b),
                _ => return bad("memory_count must be a positive number of MiB"),
            }
        }
        if let Some(d) = str_field(&body, "description") {
            spec = spec.description(d);
        }
        if body.get("start_on").and_then(Value::as_bool) == Some(true) {
            spec = spec.power_on(None);
        }
        match world.create_vm(spec) {
            Ok(sub) => self.accepted(world, user, sub.task.as_str(), Some(sub.target_id()), &[]),
            Err(e) => fault(&e),
        }
    }

    fn multi_manager(&self, world: &World, req: &Request, user: &str) -> Response {
        let body = match body_object(req) {
            Ok(b) => b,
            Err(m) => return bad(&m),
        };
        let ids: Vec<String> = body
            .get("entity_ids")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if ids.is_empty() {
            return bad("entity_ids: at least one domain is required");
        }
        let force = body
            .get("options")
            .and_then(|o| o.get("force"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let action = str_field(&body, "action").unwrap_or("");
        let mut first = None;
        for id in &ids {
            let r = match action {
                "start" => world.power_vm(id, PowerAction::Start),
                "shutdown" if force => world.power_vm(id, PowerAction::ForceStop),
                "shutdown" => world.power_vm(id, PowerAction::Stop),
                "suspend" => world.power_vm(id, PowerAction::Suspend),
                "reboot" => world.power_vm(id, PowerAction::Reboot),
                "resume" => world.power_vm(id, PowerAction::Resume),
                "delete" => world.delete_vm(id),
                "migrate" => world.migrate_vm(id, None),
                other => return bad(&format!("action: `{other}` is not a valid choice")),
            };
            match r {
                Ok(s) => {
                    if first.is_none() {
                        first = Some(s.task);
                    }
                }
                Err(e) if first.is_none() => return fault(&e),
                Err(e) => {
                    tracing::debug!(vm = %id, error = %e.message(), "multi-manager item refused")
                }
            }
        }
        let Some(task) = first else {
            return bad("no domain was acted on");
        };
        let extra: Vec<(String, &'static str)> =
            ids.iter().skip(1).map(|i| (i.clone(), "domain")).collect();
        self.accepted(world, user, task.as_str(), None, &extra)
    }

    fn update_domain(&self, world: &World, req: &Request, id: &str) -> Response {
        let body = match body_object(req) {
            Ok(b) => b,
            Err(m) => return bad(&m),
        };
        let name = str_field(&body, "verbose_name").map(str::to_owned);
        let desc = body
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if name.is_none() && desc.is_none() {
            return bad("at least one field to update is required");
        }
        if let Some(n) = &name
            && world
                .find_vm_by_name(n)
                .is_some_and(|v| v.id.as_str() != id)
        {
            return bad(&format!("a domain named {n} already exists"));
        }
        let r = world.update_vm(id, |vm| {
            if let Some(n) = name {
                vm.name = n;
            }
            if let Some(d) = desc {
                vm.description = d;
            }
        });
        if let Err(e) = r {
            return fault(&e);
        }
        match world.peek_vm(id) {
            Ok(vm) => skin::json_response(StatusCode::OK, &domain_json(world, &vm, true)),
            Err(e) => fault(&e),
        }
    }

    fn create_vdisk(&self, world: &World, req: &Request, user: &str) -> Response {
        let body = match body_object(req) {
            Ok(b) => b,
            Err(m) => return bad(&m),
        };
        let Some(name) = str_field(&body, "verbose_name") else {
            return bad("verbose_name: this field is required");
        };
        let Some(pool) = str_field(&body, "datapool") else {
            return bad("datapool: this field is required");
        };
        let Some(size) = body.get("size").and_then(Value::as_f64) else {
            return bad("size: a number of GiB is required");
        };
        let bytes = (size * GIB).round();
        if !(bytes.is_finite() && (1.0..1e18).contains(&bytes)) {
            return bad("size must be a positive number of GiB");
        }
        let Some(cluster) = cluster_of_pool(world, pool) else {
            return errors(StatusCode::NOT_FOUND, "404", "the data pool does not exist");
        };
        let spec = NewDisk::new(name, bytes as u64)
            .cluster(cluster.id)
            .storage(pool);
        match world.create_disk(spec) {
            Ok(sub) => self.accepted(world, user, sub.task.as_str(), Some(sub.target_id()), &[]),
            Err(e) => fault(&e),
        }
    }

    fn api(&self, world: &World, req: &Request, user: &str, rest: &str) -> Response {
        let segs: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
        let m = &req.method;
        let one = |r: Result<Value, SimError>| match r {
            Ok(v) => skin::json_response(StatusCode::OK, &v),
            Err(e) => fault(&e),
        };
        match (m, segs.as_slice()) {
            (&Method::GET, ["controllers", "check"]) => {
                skin::json_response(StatusCode::OK, &json!({}))
            }
            (&Method::GET, ["controllers", "base-version"]) => {
                skin::json_response(StatusCode::OK, &json!({"version": "4.6.0"}))
            }
            (&Method::GET, ["domains"]) => self.list_domains(world, req),
            (&Method::POST, ["domains", "multi-create-domain"]) => {
                self.create_domain(world, req, user)
            }
            (&Method::POST, ["domains", "multi-manager"]) => self.multi_manager(world, req, user),
            (&Method::GET, ["domains", id]) => one(match world.get_vm(id) {
                Ok(vm) => Ok(domain_json(world, &vm, true)),
                Err(e) if e.kind() == ErrorKind::NotFound => world
                    .get_template(id)
                    .map(|t| template_json(&t))
                    .map_err(|_| e),
                Err(e) => Err(e),
            }),
            (&Method::PUT, ["domains", id]) => self.update_domain(world, req, id),
            (&Method::POST, ["domains", id, action]) => {
                self.domain_action(world, req, user, id, action)
            }
            (&Method::GET, ["nodes"]) => {
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
            (&Method::GET, ["nodes", id]) => {
                one(world.get_host(id).map(|h| node_json(world, &h, true)))
            }
            (&Method::GET, ["clusters"]) => {
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
            (&Method::GET, ["clusters", id]) => {
                one(world.get_cluster(id).map(|c| cluster_json(world, &c)))
            }
            (&Method::GET, [pools])
                if matches!(*pools, "resource-pools" | "resource_pools" | "data-pools") =>
            {
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
                    .map(|c| {
                        if *pools == "data-pools" {
                            data_pool_json(c)
                        } else {
                            resource_pool_json(world, c)
                        }
                    })
                    .collect();
                envelope(req, &page, total, results)
            }
            (&Method::GET, [pools, id])
                if matches!(*pools, "resource-pools" | "resource_pools" | "data-pools") =>
            {
                let found = world
                    .list_clusters(&Filter::new(), &Paging::all())
                    .items
                    .into_iter()
                    .find(|c| {
                        if *pools == "data-pools" {
                            data_pool_id(c.id.as_str()) == *id
                        } else {
                            resource_pool_id(c.id.as_str()) == *id
                        }
                    });
                match found {
                    Some(c) if *pools == "data-pools" => {
                        skin::json_response(StatusCode::OK, &data_pool_json(&c))
                    }
                    Some(c) => skin::json_response(StatusCode::OK, &resource_pool_json(world, &c)),
                    None => errors(StatusCode::NOT_FOUND, "404", "Not found."),
                }
            }
            (&Method::GET, ["vdisks"]) => {
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
            (&Method::POST, ["vdisks"]) => self.create_vdisk(world, req, user),
            (&Method::GET, ["vdisks", id]) => {
                one(world.get_disk(id).map(|d| vdisk_json(world, &d)))
            }
            (&Method::POST, ["vdisks", id, "remove"]) => match world.delete_disk(id) {
                Ok(sub) => self.accepted(world, user, sub.task.as_str(), None, &[]),
                Err(e) => fault(&e),
            },
            (&Method::GET, ["tasks"]) => {
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
            (&Method::GET, ["tasks", id]) => {
                one(world.get_task(id).map(|t| task_json(&t, user, &[])))
            }
            _ => skin::no_route(m, req.path()),
        }
    }
}

impl Skin for VeilSkin {
    fn vendor(&self) -> &'static str {
        "veil"
    }

    fn mount(&self) -> &'static str {
        MOUNT
    }

    fn credentials_hint(&self) -> String {
        "controller <url>/veil; POST /veil/auth/ with user admin, password admin, then \
         Authorization: jwt <token>"
            .into()
    }

    fn error_response(&self, status: StatusCode, message: &str) -> Response {
        errors(status, &status.as_u16().to_string(), message)
    }

    fn handle(&self, world: &World, req: Request) -> Response {
        let rest = skin::rest_of_path(&req, MOUNT).to_owned();
        let rest = rest.trim_start_matches('/');
        if req.method == Method::POST && rest.trim_end_matches('/') == "auth" {
            let body = match body_object(&req) {
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
        let token = skin::auth_token(&req).map(str::to_owned);
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
        self.api(world, &req, &user, &api_rest)
    }
}
