//! The JSON of domains, templates, nodes, clusters, pools, vdisks and tasks.

use serde_json::{Map, Value, json};

use super::domain_doc::DomainDoc;
use super::status::{disk_word, host_word, pool_word, task_word};
use super::{GIB, MIB};
use crate::ids::uuid_from;
use crate::model::{
    SimCluster, SimDisk, SimHost, SimNetwork, SimStoragePool, SimTask, SimTemplate, SimVm, ref_id,
    rfc3339,
};
use crate::query::{Filter, Paging};
use crate::world::World;

pub(super) fn resource_pool_id(cluster: &str) -> String {
    uuid_from(&format!("veil-resource-pool:{cluster}"))
}

/// The first World storage pool of a cluster: the data pool its disks land on by default.
pub(super) fn data_pool_of(world: &World, cluster: &str) -> Option<SimStoragePool> {
    world
        .list_storage_pools(&Filter::new().cluster(cluster), &Paging::new(0, 1))
        .items
        .into_iter()
        .next()
}

pub(super) fn named(world: &World, cluster: &str) -> Value {
    let name = world
        .get_cluster(cluster)
        .map(|c| c.name)
        .unwrap_or_default();
    json!({"id": cluster, "verbose_name": name})
}

/// A domain as JSON: the list form, or with `detail` the detail form (see [`DomainDoc`]).
pub(super) fn domain_json(world: &World, vm: &SimVm, detail: bool) -> Value {
    serde_json::to_value(DomainDoc::new(world, vm, detail)).unwrap_or(Value::Null)
}

pub(super) fn template_json(t: &SimTemplate) -> Value {
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
        "os_type": "Other",
        "tags": [],
    })
}

/// A virtual network: the list fields the vendor's Go client reads; the detail adds the rest.
pub(super) fn vnetwork_json(n: &SimNetwork, detail: bool) -> Value {
    let mut v = json!({
        "id": n.id,
        "verbose_name": n.name,
        "status": "ACTIVE",
        "management": false,
        "tags": [],
        "data_subnet": n.cidr,
        "data_vlan": n.vlan.unwrap_or(0),
        "data_use_nat": false,
    });
    if detail {
        v["description"] = json!(n.description);
        v["locked_by"] = Value::Null;
        v["entity_type"] = json!("vnetwork");
        v["data_mtu"] = json!(1500);
        v["permissions"] = json!(["update", "remove"]);
    }
    v
}

pub(super) fn node_json(world: &World, h: &SimHost, detail: bool) -> Value {
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

pub(super) fn cluster_json(world: &World, c: &SimCluster) -> Value {
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

pub(super) fn resource_pool_json(world: &World, c: &SimCluster) -> Value {
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

/// A data pool from a World storage pool; sizes in MiB as the vendor samples carry them.
pub(super) fn data_pool_json(world: &World, p: &SimStoragePool, detail: bool) -> Value {
    let size = p.capacity_bytes / MIB;
    let free = p.free_bytes / MIB;
    let mut v = json!({
        "id": p.id,
        "verbose_name": p.name,
        "status": pool_word(p.state),
        "type": "local",
        "built_in": false,
        "size": size,
        "free_space": free,
        "used_space": size.saturating_sub(free),
        "cluster": named(world, p.cluster_id.as_str()),
        "shared_storage": null,
        "cluster_storage": null,
        "zfs_pool": null,
        "hints": 0,
        "tags": [],
    });
    if detail {
        v["description"] = json!("");
        v["entity_type"] = json!("datapool");
        v["locked_by"] = Value::Null;
        v["path"] = json!(format!("/storages/local/{}", p.name));
    }
    v
}

/// The cluster of the data pool `pool`, if it exists.
pub(super) fn cluster_of_pool(world: &World, pool: &str) -> Option<SimCluster> {
    let p = world.get_storage_pool(pool).ok()?;
    world.get_cluster(p.cluster_id.as_str()).ok()
}

pub(super) fn vdisk_json(world: &World, d: &SimDisk) -> Value {
    let pool = d.storage.clone().or_else(|| {
        d.cluster_id
            .as_ref()
            .and_then(|c| data_pool_of(world, c.as_str()))
            .map(|p| p.id)
    });
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

pub(super) fn entity_class(target: &omnivirt_core::ResourceRef) -> &'static str {
    match target {
        omnivirt_core::ResourceRef::Vm(_) => "domain",
        omnivirt_core::ResourceRef::Disk(_) => "vdisk",
        omnivirt_core::ResourceRef::Host(_) => "node",
        omnivirt_core::ResourceRef::Cluster(_) => "cluster",
        _ => "unknown",
    }
}

pub(super) fn task_json(
    t: &SimTask,
    user: &str,
    extra_entities: &[(String, &'static str)],
) -> Value {
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
