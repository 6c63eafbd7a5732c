//! The shared VeiL samples (fixtures/veil/samples) decode into the typed objects and convert to
//! the neutral model.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use omnivirt_core::{ClusterState, HostState, ResourceRef, TaskState, VmState};
use omnivirt_veil::convert;
use omnivirt_veil::model::{
    Accepted, Cluster, DataPool, Domain, Node, Paginated, ResourcePool, Task,
};
use serde::de::DeserializeOwned;

fn sample<T: DeserializeOwned>(name: &str) -> T {
    let path = format!(
        "{}/../../fixtures/veil/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn domains() {
    let d: Domain = sample("domain_info.json");
    let vm = convert::vm(&d);
    assert_eq!(vm.id.as_str(), "e00219af-f99a-4615-bd3c-85646be3e1d5");
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(vm.raw_state.as_deref(), Some("ACTIVE/3"));
    assert_eq!(vm.memory_bytes, Some(2000 << 20));
    assert_eq!(
        vm.cluster_id.as_ref().unwrap().as_str(),
        "6dd44376-0bf5-46b8-8a23-5a1e6fcfe376"
    );
    assert_eq!(
        vm.host_id.as_ref().unwrap().as_str(),
        "236d318f-d57e-4f1b-9097-93d69f8782dd"
    );
    // Nothing is dropped: fields the model does not name stay in `extra`.
    assert!(vm.extra.contains_key("graphics_password") || vm.extra.contains_key("guest_utils"));
    assert_eq!(vm.extra["template"], true);

    let list: Paginated<Domain> = sample("domains_list.json");
    assert_eq!(list.count, 2);
    assert_eq!(list.results.len(), 2);
    assert!(
        list.results
            .iter()
            .all(|d| convert::vm(d).state == VmState::Running)
    );
    assert_eq!(
        list.results[0]
            .parent
            .as_ref()
            .unwrap()
            .verbose_name
            .as_deref(),
        Some("19_10")
    );

    // The sync 200 answer is a domain whose `permissions` is a list, not an object.
    let sync: Domain = sample("domain_start_sync_200.json");
    assert!(sync.extra["permissions"].is_array());
}

#[test]
fn accepted_tasks() {
    for name in [
        "domain_start_async_202.json",
        "domain_shutdown_async_202.json",
        "domain_vdi_prepare_202.json",
        "domains_multi_manager_delete_202.json",
        "domain_remote_access_202.json",
    ] {
        let a: Accepted = sample(name);
        let t = convert::task(a.task.as_ref().unwrap());
        assert_eq!(t.state, TaskState::Running, "{name}");
        assert!(t.error.is_none(), "{name}");
    }
    let a: Accepted = sample("domain_start_async_202.json");
    assert_eq!(
        convert::task(a.task.as_ref().unwrap()).target,
        Some(ResourceRef::Vm(
            "e00219af-f99a-4615-bd3c-85646be3e1d5".into()
        ))
    );
    let created: Accepted = sample("domains_multi_create_domain_202.json");
    assert_eq!(
        created.entity.as_deref(),
        Some("27f35d49-3e1c-4248-b37c-8f2ed4ec80d4")
    );
}

#[test]
fn finished_task() {
    let t: Task = sample("task_info_success.json");
    let n = convert::task(&t);
    assert_eq!(n.state, TaskState::Succeeded);
    assert_eq!(n.progress, Some(100));
    assert_eq!(t.executed.as_ref().unwrap().seconds(), Some(2.492376));
    assert_eq!(
        t.first_entity(),
        Some(("cdf10fc6-57f8-436c-a031-78ba3ba1ae40", "node"))
    );
    // The domain, not the first entity, is the target.
    assert_eq!(
        n.target,
        Some(ResourceRef::Vm(
            "e1e1324d-993d-408e-a0aa-7259d18df3ff".into()
        ))
    );
}

#[test]
fn infrastructure() {
    let c: Paginated<Cluster> = sample("clusters_list.json");
    assert_eq!(convert::cluster(&c.results[0]).state, ClusterState::Ok);
    let c: Cluster = sample("cluster_info.json");
    assert_eq!(convert::cluster(&c).name, "cluster_115");

    let n: Paginated<Node> = sample("nodes_list.json");
    let h = convert::host(&n.results[0]);
    assert_eq!(h.state, HostState::Up);
    assert_eq!(h.address.as_deref(), Some("192.168.11.111"));
    assert_eq!(
        h.cluster_id.as_ref().unwrap().as_str(),
        "22411c11-38f4-484b-b9a6-99eef7a04776"
    );
    // The node detail sends its cluster as a bare id.
    let n: Node = sample("node_info.json");
    assert_eq!(
        convert::host(&n).cluster_id.unwrap().as_str(),
        "22411c11-38f4-484b-b9a6-99eef7a04776"
    );

    let p: Paginated<DataPool> = sample("data_pools_list.json");
    assert_eq!(p.results[0].kind.as_deref(), Some("nfs"));
    let _: DataPool = sample("data_pool_info.json");
    let r: Paginated<ResourcePool> = sample("resource_pools_list.json");
    assert_eq!(r.results[0].domains_count, Some(27));
    let _: ResourcePool = sample("resource_pool_info.json");
}
