//! Changes: domain actions, creation, multi-manager, updates; vdisk creation and removal.

use http::StatusCode;
use omnivirt_core::PowerAction;
use omnivirt_http::{Request, Response};
use serde_json::{Map, Value};

use super::filter::{body_object, str_field};
use super::render::{cluster_of_pool, domain_json, resource_pool_id};
use super::reply::{accepted, bad, errors, fault};
use super::{GIB, MIB};
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::{NewDisk, NewNic, NewVm, World};

pub(super) fn domain_action(
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
        _ => return super::router::unknown_url(),
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
    accepted(world, user, sub.task.as_str(), None, &[])
}

pub(super) fn create_domain(world: &World, req: &Request, user: &str) -> Response {
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
    if let Some(refused) = spec_parts(world, &body, &mut spec) {
        return refused;
    }
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
        Ok(sub) => accepted(world, user, sub.task.as_str(), Some(sub.target_id()), &[]),
        Err(e) => fault(&e),
    }
}

/// The Go client's full form: `vmachine_infs` (NICs), `datapool` (with a `node` placement),
/// `cloud_init` + `cloud_init_config.user_data`; the refusal, if any.
fn spec_parts(world: &World, body: &Map<String, Value>, spec: &mut NewVm) -> Option<Response> {
    if let Some(p) = str_field(body, "datapool") {
        if cluster_of_pool(world, p).is_none() {
            return Some(errors(
                StatusCode::NOT_FOUND,
                "404",
                "the data pool does not exist",
            ));
        }
        spec.storage = Some(p.to_owned());
    }
    if let Some(infs) = body.get("vmachine_infs") {
        let Some(infs) = infs.as_array() else {
            return Some(bad("vmachine_infs must be a list"));
        };
        for inf in infs {
            let Some(net) = inf.get("vnetwork").and_then(Value::as_str) else {
                return Some(bad("vmachine_infs: each needs a vnetwork"));
            };
            let mut nic = NewNic::new(net);
            nic.mac = inf
                .get("mac_address")
                .and_then(Value::as_str)
                .map(str::to_owned);
            nic.model = inf
                .get("nic_driver")
                .and_then(Value::as_str)
                .map(str::to_owned);
            spec.nics.push(nic);
        }
    }
    if body.get("cloud_init").and_then(Value::as_bool) == Some(true) {
        let data = body
            .get("cloud_init_config")
            .and_then(|c| c.get("user_data"))
            .and_then(Value::as_str);
        let Some(data) = data else {
            return Some(bad("cloud_init_config.user_data: required with cloud_init"));
        };
        spec.user_data = Some(data.to_owned());
    }
    None
}

pub(super) fn multi_manager(world: &World, req: &Request, user: &str) -> Response {
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
    accepted(world, user, task.as_str(), None, &extra)
}

pub(super) fn update_domain(world: &World, req: &Request, id: &str) -> Response {
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

pub(super) fn create_vdisk(world: &World, req: &Request, user: &str) -> Response {
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
        Ok(sub) => accepted(world, user, sub.task.as_str(), Some(sub.target_id()), &[]),
        Err(e) => fault(&e),
    }
}

pub(super) fn remove_vdisk(world: &World, user: &str, id: &str) -> Response {
    match world.delete_disk(id) {
        Ok(sub) => accepted(world, user, sub.task.as_str(), None, &[]),
        Err(e) => fault(&e),
    }
}
