//! Templates, networks and storage pools through the uniform backend: the requests it sends
//! (method, path, query), how the vendor's payloads convert, and the simulator's VeiL skin
//! answering the same calls.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures::TryStreamExt;
use http::{HeaderMap, StatusCode};
use omnivirt_core::{
    Backend, Client, ErrorKind, ListQuery, NetworkId, Op, Result, StoragePoolId, StorageState,
    TemplateId, TemplateKind,
};
use omnivirt_http::{Request, Response, Transport};
use omnivirt_sim::skins::veil::VeilSkin;
use omnivirt_sim::{SimTransport, World};
use omnivirt_veil::model::{DataPool, Domain, Paginated, VNetwork};
use omnivirt_veil::{Credentials, VeilBackend, convert};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const POOL: &str = "ba13e5a5-d405-4ea3-bb74-82c139a0638a";
const TEMPLATE: &str = "e00219af-f99a-4615-bd3c-85646be3e1d5";
const NET: &str = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
const CLUSTER: &str = "6dd44376-0bf5-46b8-8a23-5a1e6fcfe376";

fn sample_text(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/veil/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn sample<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&sample_text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A virtual network in the field names of the vendor's Go client (`vnetwork.go`): no recorded
/// vnetwork payload exists in the vendor samples, so this one is written by hand.
fn vnetwork(id: &str, name: &str, vlan: i64) -> Value {
    json!({
        "id": id,
        "verbose_name": name,
        "status": "ACTIVE",
        "management": false,
        "tags": [{"verbose_name": "prod", "colour": "#c0ffee"}],
        "data_subnet": "10.20.0.0/24",
        "data_vlan": vlan,
        "data_use_nat": false,
    })
}

fn envelope(results: Vec<Value>) -> Value {
    json!({"count": results.len(), "next": null, "previous": null, "results": results})
}

/// Answers by path with the vendor samples (or a 404 envelope), and keeps every request.
#[derive(Debug, Default)]
struct Canned {
    seen: Mutex<Vec<Request>>,
}

#[async_trait]
impl Transport for Canned {
    async fn send(&self, req: Request) -> Result<Response> {
        let path = url::Url::parse(&req.url).unwrap().path().to_owned();
        self.seen.lock().unwrap().push(req);
        let (status, body) = match path.as_str() {
            "/api/domains/" => {
                let mut d: Value = sample("domain_info.json");
                d["cluster"] = json!(CLUSTER);
                (StatusCode::OK, envelope(vec![d]))
            }
            "/api/domains/e00219af-f99a-4615-bd3c-85646be3e1d5/" => {
                (StatusCode::OK, sample("domain_info.json"))
            }
            // A VM, not a template.
            "/api/domains/4b2b0e7e-6b7d-4b0c-9a7b-2f4f3a1c9d10/" => {
                let list: Value = sample("domains_list.json");
                (StatusCode::OK, list["results"][1].clone())
            }
            "/api/vnetworks/" => (StatusCode::OK, envelope(vec![vnetwork(NET, "lan-20", 20)])),
            "/api/vnetworks/3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b/" => {
                (StatusCode::OK, vnetwork(NET, "lan-20", 20))
            }
            "/api/data-pools/" => (StatusCode::OK, sample("data_pools_list.json")),
            "/api/data-pools/ba13e5a5-d405-4ea3-bb74-82c139a0638a/" => {
                (StatusCode::OK, sample("data_pool_info.json"))
            }
            _ => (
                StatusCode::NOT_FOUND,
                json!({"errors": [{"code": "404", "detail": "Not found."}]}),
            ),
        };
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        Ok(Response::new(
            status,
            headers,
            serde_json::to_vec(&body).unwrap(),
        ))
    }
}

fn canned() -> (Arc<Canned>, Client, Arc<VeilBackend>) {
    let cap = Arc::new(Canned::default());
    let b = VeilBackend::with_transport("https://veil.test", cap.clone(), Credentials::token("T"))
        .unwrap();
    let b = Arc::new(b);
    (cap, Client::new(b.clone()), b)
}

/// The method, path and sorted query of the one request sent since the last call.
fn last(cap: &Canned) -> (String, String, Vec<(String, String)>) {
    let seen = std::mem::take(&mut *cap.seen.lock().unwrap());
    assert_eq!(seen.len(), 1, "one request expected, got {seen:?}");
    let u = url::Url::parse(&seen[0].url).unwrap();
    let mut q: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    q.sort();
    (seen[0].method.to_string(), u.path().to_owned(), q)
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = p
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn template_requests_and_conversion() {
    let (cap, c, b) = canned();
    let page = b
        .list_templates(
            &ListQuery::new()
                .name_contains("alt")
                .cluster(CLUSTER)
                .page_size(5),
            None,
        )
        .await
        .unwrap();
    let (m, path, q) = last(&cap);
    assert_eq!((m.as_str(), path.as_str()), ("GET", "/api/domains/"));
    let fields = "id,verbose_name,status,description,os_type,os_version,cluster,cpu_count,\
                  memory_count,template,created";
    assert_eq!(
        q,
        pairs(&[
            ("async", "1"),
            ("template", "1"),
            ("cluster", CLUSTER),
            ("fields", fields),
            ("name", "alt"),
            ("limit", "5"),
            ("offset", "0"),
        ])
    );
    assert_eq!(page.total, Some(1));
    let t = &page.items[0];
    assert_eq!(t.id.as_str(), TEMPLATE);
    assert_eq!(t.name, "alt_linux");
    assert_eq!(t.kind, TemplateKind::Template);
    assert_eq!(t.os.as_deref(), Some("Alt Linux 9 (64-bit)"));
    assert_eq!(t.cluster_id.as_ref().unwrap().as_str(), CLUSTER);
    assert_eq!(t.extra["memory_bytes"], json!(2000u64 << 20));
    assert_eq!(t.extra["cpu_count"], json!(2));
    // The console password of the detail never reaches `extra` in clear.
    assert_eq!(t.extra["graphics_password"], json!("***"));

    let got = c.templates().get(&TemplateId::new(TEMPLATE)).await.unwrap();
    let (m, path, q) = last(&cap);
    assert_eq!(m, "GET");
    assert_eq!(path, format!("/api/domains/{TEMPLATE}/"));
    assert_eq!(q, pairs(&[("async", "1")]));
    assert_eq!(got.name, "alt_linux");
}

#[tokio::test]
async fn a_vm_or_a_missing_id_is_not_a_template() {
    let (_cap, c, _b) = canned();
    let e = c
        .templates()
        .get(&TemplateId::new("4b2b0e7e-6b7d-4b0c-9a7b-2f4f3a1c9d10"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    let e = c
        .templates()
        .get(&TemplateId::new("00000000-0000-4000-8000-000000000000"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert_eq!(e.op(), Some(Op::TemplateGet));
}

#[tokio::test]
async fn network_requests_and_conversion() {
    let (cap, c, b) = canned();
    let page = b
        .list_networks(&ListQuery::new().name_equals("lan-20"), None)
        .await
        .unwrap();
    let (m, path, q) = last(&cap);
    assert_eq!((m.as_str(), path.as_str()), ("GET", "/api/vnetworks/"));
    assert_eq!(
        q,
        pairs(&[
            ("async", "1"),
            ("name", "lan-20"),
            ("limit", "500"),
            ("offset", "0"),
        ])
    );
    // `name=` matches substrings on the server; the exact name is checked here.
    assert!(page.filtered_client_side);
    let n = &page.items[0];
    assert_eq!(n.vlan, Some(20));
    assert_eq!(n.cidr.as_deref(), Some("10.20.0.0/24"));
    assert_eq!(n.cluster_id, None);

    let got = c.networks().get(&NetworkId::new(NET)).await.unwrap();
    let (_, path, _) = last(&cap);
    assert_eq!(path, format!("/api/vnetworks/{NET}/"));
    assert_eq!(got.name, "lan-20");

    // Networks are controller-wide: a cluster filter is refused before any request.
    let e = b
        .list_networks(&ListQuery::new().cluster(CLUSTER), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(cap.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn storage_requests_and_conversion() {
    let (cap, c, b) = canned();
    let page = b
        .list_storage_pools(&ListQuery::new().cluster(CLUSTER).page_size(10), None)
        .await
        .unwrap();
    let (m, path, q) = last(&cap);
    assert_eq!((m.as_str(), path.as_str()), ("GET", "/api/data-pools/"));
    assert_eq!(
        q,
        pairs(&[
            ("async", "1"),
            ("cluster", CLUSTER),
            ("limit", "10"),
            ("offset", "0"),
        ])
    );
    let p = &page.items[0];
    assert_eq!(p.id.as_str(), POOL);
    assert_eq!(p.state, StorageState::Ok);
    // Sizes are MiB on the wire.
    assert_eq!(p.capacity_bytes, Some(3_603_492 << 20));
    assert_eq!(p.free_bytes, Some(3_402_402 << 20));
    assert_eq!(p.used_bytes(), Some(201_090 << 20));
    assert_eq!(p.extra["type"], json!("nfs"));

    let got = c
        .storage_pools()
        .get(&StoragePoolId::new(POOL))
        .await
        .unwrap();
    let (_, path, _) = last(&cap);
    assert_eq!(path, format!("/api/data-pools/{POOL}/"));
    assert_eq!(got.extra["type"], json!("local"));
    assert_eq!(got.extra["description"], json!("description"));
    let e = c
        .storage_pools()
        .get(&StoragePoolId::new("00000000-0000-4000-8000-000000000000"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn samples_convert() {
    let pools: Paginated<DataPool> = sample("data_pools_list.json");
    assert_eq!(pools.results[0].used_space, Some(201_090));
    let d: Domain = sample("domain_info.json");
    let vm = convert::vm(&d);
    // The guest agent's addresses, the creation time; the sample has no tags.
    assert_eq!(vm.ips, vec!["192.168.6.0".to_owned()]);
    assert_eq!(
        vm.created_at.as_deref(),
        Some("2020-10-13T05:05:27.373701Z")
    );
    assert!(vm.tags.is_empty());
    let tags =
        json!([{"verbose_name": "prod", "colour": "#c0ffee"}, "legacy", {"colour": "#000000"}]);
    assert_eq!(convert::tag_names(Some(&tags)), vec!["prod", "legacy"]);
    let n: VNetwork = serde_json::from_value(vnetwork(NET, "x", 0)).unwrap();
    assert_eq!(convert::network(&n).vlan, None, "VLAN 0 is untagged");
    assert_eq!(convert::vlan(Some(4095)), None);
    assert_eq!(convert::vlan(Some(4094)), Some(4094));
    for (word, _) in convert::DATAPOOL_STATES {
        let mut p = pools.results[0].clone();
        p.status = Some((*word).to_owned());
        assert_ne!(convert::storage_pool(&p).state, StorageState::Unknown);
    }
}

fn sim_client(world: &Arc<World>) -> (Client, Arc<VeilBackend>) {
    let t = Arc::new(SimTransport::new(world.clone(), Arc::new(VeilSkin::new())));
    let url = format!("{}/veil", SimTransport::BASE_URL);
    let b = VeilBackend::with_transport(&url, t, Credentials::password("admin", "admin")).unwrap();
    let b = Arc::new(b);
    (Client::new(b.clone()), b)
}

#[tokio::test]
async fn the_skin_serves_the_world_inventory_page_by_page() {
    let world = Arc::new(World::default());
    let (c, b) = sim_client(&world);
    let want = world.list_networks(&Default::default(), &omnivirt_sim::Paging::all());
    let nets: Vec<_> = c
        .networks()
        .list(ListQuery::new().page_size(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(nets.len(), want.total);
    assert_eq!(nets[0].vlan, want.items[0].vlan);
    assert_eq!(nets[0].cidr.as_deref(), Some(want.items[0].cidr.as_str()));

    let pools: Vec<_> = c
        .storage_pools()
        .list(ListQuery::new().page_size(1))
        .try_collect()
        .await
        .unwrap();
    let first = world.get_storage_pool(pools[0].id.as_str()).unwrap();
    assert_eq!(pools[0].capacity_bytes, Some(first.capacity_bytes));
    assert_eq!(pools[0].free_bytes, Some(first.free_bytes));
    assert_eq!(
        pools[0].cluster_id.as_ref().unwrap().as_str(),
        first.cluster_id.as_str()
    );
    let by_cluster = b
        .list_storage_pools(&ListQuery::new().cluster(first.cluster_id.clone()), None)
        .await
        .unwrap();
    assert_eq!(by_cluster.items.len(), 1);

    let templates: Vec<_> = c
        .templates()
        .list(ListQuery::new())
        .try_collect()
        .await
        .unwrap();
    let named = b
        .list_templates(
            &ListQuery::new().name_equals(templates[1].name.clone()),
            None,
        )
        .await
        .unwrap();
    assert_eq!(named.items.len(), 1);
    assert_eq!(named.items[0].id, templates[1].id);

    // A VM id is not a template; an unknown network or pool is the vendor's 404.
    let vm = b
        .list_vms(&ListQuery::new().page_size(1), None)
        .await
        .unwrap();
    let vm = &vm.items[0];
    assert!(vm.created_at.is_some(), "the list asks for `created`");
    let e = c
        .templates()
        .get(&TemplateId::new(vm.id.as_str()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = c
        .networks()
        .get(&NetworkId::new("00000000-0000-4000-8000-000000000000"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = c
        .storage_pools()
        .get(&StoragePoolId::new("00000000-0000-4000-8000-000000000000"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}
