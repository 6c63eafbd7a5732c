//! Templates, networks and storage domains through the uniform backend: what each list and
//! get puts on the wire (a recording fake engine), how recorded engine documents convert, and
//! the whole path against the oVirt skin of the simulator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures::TryStreamExt;
use http::{HeaderMap, StatusCode};
use omnivirt_core::{
    Backend, Client, ClusterId, ErrorKind, ListQuery, NetworkId, Op, StoragePoolId, StorageState,
    TemplateId, TemplateKind,
};
use omnivirt_http::{Request, Response, RetryPolicy, Transport};
use omnivirt_ovirt::types::{Network, StorageDomain, Template};
use omnivirt_ovirt::{Connection, OvirtBackend, convert};
use omnivirt_sim::skins::ovirt::OvirtSkin;
use omnivirt_sim::{SimTransport, World, WorldConfig};

type Answer = Box<dyn Fn(&Request) -> Response + Send + Sync>;

/// A fake engine that answers with `answer` and keeps every request.
struct Fake {
    seen: Mutex<Vec<Request>>,
    answer: Answer,
}

impl std::fmt::Debug for Fake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fake")
    }
}

#[async_trait]
impl Transport for Fake {
    async fn send(&self, req: Request) -> omnivirt_core::Result<Response> {
        let resp = (self.answer)(&req);
        self.seen.lock().unwrap().push(req);
        Ok(resp)
    }
}

fn xml(body: &str) -> Response {
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/xml".parse().unwrap());
    Response::new(StatusCode::OK, h, body.to_owned())
}

fn sample(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/ovirt/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A network as the engine writes one (shape from the v4 model's `Network` type: `vlan` is a
/// struct whose `id` is an attribute; there is no recorded sample of `/networks`).
const NETWORKS: &str = r#"<networks>
  <network href="/ovirt-engine/api/networks/n-1" id="n-1">
    <name>ovirtmgmt</name><description>Management Network</description><comment/>
    <link href="/ovirt-engine/api/networks/n-1/vnicprofiles" rel="vnicprofiles"/>
    <mtu>0</mtu><stp>false</stp>
    <usages><usage>vm</usage><usage>management</usage></usages>
    <data_center href="/ovirt-engine/api/datacenters/dc-1" id="dc-1"/>
  </network>
  <network href="/ovirt-engine/api/networks/n-2" id="n-2">
    <name>vlan-42</name><description/><vlan id="42"/>
    <data_center href="/ovirt-engine/api/datacenters/dc-1" id="dc-1"/>
  </network>
</networks>"#;

/// Answers every request from a fixed table of path suffix -> body; 404 with no body else.
fn engine(routes: &'static [(&'static str, &'static str)]) -> Arc<Fake> {
    Arc::new(Fake {
        seen: Mutex::new(Vec::new()),
        answer: Box::new(move |req| {
            let path = req.path().trim_end_matches('/');
            match routes.iter().find(|(suffix, _)| path.ends_with(suffix)) {
                Some((_, body)) => xml(body),
                None => Response::new(StatusCode::NOT_FOUND, HeaderMap::new(), String::new()),
            }
        }),
    })
}

fn backend(t: Arc<Fake>) -> OvirtBackend {
    let conn = Connection::builder("https://engine.test/ovirt-engine/api")
        .token("tok")
        .retry(RetryPolicy::never())
        .transport(t)
        .build()
        .unwrap();
    OvirtBackend::new(conn)
}

fn seen(t: &Fake) -> Vec<(String, String, String)> {
    t.seen
        .lock()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.path().to_owned(),
                r.query().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

const ROUTES: &[(&str, &str)] = &[
    ("/api/templates", "<templates/>"),
    (
        "/api/templates/t-1",
        r#"<template id="t-1"><name>centos</name><os><type>rhel_9x64</type></os></template>"#,
    ),
    ("/api/networks", NETWORKS),
    (
        "/api/networks/n-2",
        r#"<network id="n-2"><name>vlan-42</name><vlan id="42"/></network>"#,
    ),
    (
        "/api/clusters/c-1/networks",
        r#"<networks><network id="n-2"><name>vlan-42</name><vlan id="42"/><status>operational</status><required>true</required><cluster id="c-1"/></network></networks>"#,
    ),
    (
        "/api/clusters/c-1",
        r#"<cluster id="c-1"><name>Default</name><data_center id="dc-1"/></cluster>"#,
    ),
    ("/api/storagedomains", "<storage_domains/>"),
    (
        "/api/storagedomains/sd-1",
        r#"<storage_domain id="sd-1"><name>data</name><available>30</available><used>70</used><external_status>ok</external_status><data_centers><data_center id="dc-1"/></data_centers></storage_domain>"#,
    ),
    (
        "/api/datacenters/dc-1/storagedomains",
        r#"<storage_domains><storage_domain id="sd-1"><name>data</name><status>maintenance</status><available>30</available><used>70</used><data_center id="dc-1"/></storage_domain><storage_domain id="sd-2"><name>iso</name><status>active</status></storage_domain></storage_domains>"#,
    ),
];

const API: &str = "/ovirt-engine/api";

#[tokio::test]
async fn lists_search_by_name_and_page_with_max() {
    let t = engine(ROUTES);
    let b = backend(t.clone());
    let q = ListQuery::new().name_equals("my tpl").page_size(20);
    b.list_templates(&q, None).await.unwrap();
    b.list_networks(&q, Some(&omnivirt_core::Cursor::new("3")))
        .await
        .unwrap();
    b.list_storage_pools(&ListQuery::new(), None).await.unwrap();
    assert_eq!(
        seen(&t),
        vec![
            (
                "GET".into(),
                format!("{API}/templates"),
                "max=20&search=name%3D%22my%20tpl%22%20sortby%20name%20asc%20page%201".into()
            ),
            (
                "GET".into(),
                format!("{API}/networks"),
                "max=20&search=name%3D%22my%20tpl%22%20sortby%20name%20asc%20page%203".into()
            ),
            (
                "GET".into(),
                format!("{API}/storagedomains"),
                "max=500&search=sortby%20name%20asc%20page%201".into()
            ),
        ]
    );
}

#[tokio::test]
async fn gets_read_one_object_by_id() {
    let t = engine(ROUTES);
    let b = backend(t.clone());
    let tpl = b.get_template(&TemplateId::from("t-1")).await.unwrap();
    assert_eq!(
        (tpl.name.as_str(), tpl.os.as_deref()),
        ("centos", Some("rhel_9x64"))
    );
    assert_eq!(tpl.kind, TemplateKind::Template);
    let net = b.get_network(&NetworkId::from("n-2")).await.unwrap();
    assert_eq!(net.vlan, Some(42));
    let sd = b
        .get_storage_pool(&StoragePoolId::from("sd-1"))
        .await
        .unwrap();
    assert_eq!(
        (sd.capacity_bytes, sd.free_bytes, sd.state),
        (Some(100), Some(30), StorageState::Ok)
    );
    let paths: Vec<String> = seen(&t)
        .into_iter()
        .map(|(m, p, q)| format!("{m} {p}?{q}"))
        .collect();
    assert_eq!(
        paths,
        vec![
            format!("GET {API}/templates/t-1?"),
            format!("GET {API}/networks/n-2?"),
            format!("GET {API}/storagedomains/sd-1?"),
        ]
    );
}

#[tokio::test]
async fn a_missing_id_is_not_found_with_its_operation() {
    let b = backend(engine(&[]));
    let e = b.get_template(&TemplateId::from("nope")).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.op()),
        (ErrorKind::NotFound, Some(Op::TemplateGet))
    );
    assert!(e.to_string().contains("template nope not found"), "{e}");
    let e = b.get_network(&NetworkId::from("nope")).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.op()),
        (ErrorKind::NotFound, Some(Op::NetworkGet))
    );
    assert!(e.to_string().contains("network nope not found"), "{e}");
    let e = b
        .get_storage_pool(&StoragePoolId::from("nope"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.op()),
        (ErrorKind::NotFound, Some(Op::StorageGet))
    );
    assert!(
        e.to_string().contains("storage domain nope not found"),
        "{e}"
    );
}

#[tokio::test]
async fn a_cluster_filter_reads_the_clusters_own_views() {
    let t = engine(ROUTES);
    let b = backend(t.clone());
    let q = ListQuery::new().cluster("c-1");
    let nets = b.list_networks(&q, None).await.unwrap();
    assert_eq!(nets.items.len(), 1);
    assert_eq!(nets.items[0].cluster_id, Some(ClusterId::from("c-1")));
    assert_eq!(nets.items[0].extra["status"], "operational");
    assert!(nets.next.is_none());
    let pools = b.list_storage_pools(&q, None).await.unwrap();
    let states: Vec<_> = pools
        .items
        .iter()
        .map(|p| (p.name.as_str(), p.state))
        .collect();
    assert_eq!(
        states,
        vec![
            ("data", StorageState::Maintenance),
            ("iso", StorageState::Ok)
        ]
    );
    let paths: Vec<String> = seen(&t).into_iter().map(|(_, p, _)| p).collect();
    assert_eq!(
        paths,
        vec![
            format!("{API}/clusters/c-1/networks"),
            format!("{API}/clusters/c-1"),
            format!("{API}/datacenters/dc-1/storagedomains"),
        ]
    );
    // Templates name their cluster: the filter keeps only those of c-1.
    let t = engine(&[(
        "/api/templates",
        r#"<templates><template id="a"><name>a</name><cluster id="c-1"/></template><template id="b"><name>b</name><cluster id="c-2"/></template><template id="0"><name>Blank</name></template></templates>"#,
    )]);
    let page = backend(t).list_templates(&q, None).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, vec!["a"]);
}

#[test]
fn recorded_templates_convert() {
    let tpls = Template::list_from_xml(sample("templates-list-v4.xml").as_bytes()).unwrap();
    let model: Vec<_> = tpls.iter().map(|t| convert::template(t).unwrap()).collect();
    assert_eq!(model.len(), 5);
    assert_eq!(model[0].name, "Blank");
    assert_eq!(model[0].cluster_id, None, "Blank belongs to no cluster");
    assert_eq!(model[0].os.as_deref(), Some("other"));
    assert_eq!(
        model[1].cluster_id,
        Some(ClusterId::from("5a55d518-00c7-00ef-015b-000000000055"))
    );
    assert_eq!(
        model[1].extra["creation_time"],
        "2018-01-11T07:25:43.069+02:00"
    );
    assert_eq!(model[1].extra["memory"], 1_073_741_824);
    assert!(
        model
            .iter()
            .all(|t| t.kind == TemplateKind::Template && t.size_bytes.is_none())
    );
}

#[test]
fn recorded_storage_domains_convert() {
    let sds =
        StorageDomain::list_from_xml(sample("storagedomains-list-v4.xml").as_bytes()).unwrap();
    let model: Vec<_> = sds
        .iter()
        .map(|s| convert::storage_pool(s).unwrap())
        .collect();
    // An attached NFS data domain: no status in this view, monitoring says ok.
    let data = &model[0];
    assert_eq!(data.name, "master-data1");
    assert_eq!(data.state, StorageState::Ok);
    assert_eq!(data.raw_state.as_deref(), Some("ok"));
    assert_eq!(data.free_bytes, Some(187_904_819_200));
    assert_eq!(data.capacity_bytes, Some(187_904_819_200 + 19_327_352_832));
    assert_eq!(data.used_bytes(), Some(19_327_352_832));
    assert_eq!(data.extra["type"], "data");
    assert_eq!(
        data.extra["data_center_ids"][0],
        "5a55d518-028a-0113-02dd-00000000028a"
    );
    // A Glance image domain: unattached, no sizes.
    let glance = &model[1];
    assert_eq!(glance.state, StorageState::Unavailable);
    assert_eq!(glance.raw_state.as_deref(), Some("unattached"));
    assert_eq!((glance.capacity_bytes, glance.free_bytes), (None, None));
}

#[test]
fn networks_convert() {
    let nets = Network::list_from_xml(NETWORKS.as_bytes()).unwrap();
    let model: Vec<_> = nets.iter().map(|n| convert::network(n).unwrap()).collect();
    assert_eq!(model[0].vlan, None);
    assert_eq!(model[0].description.as_deref(), Some("Management Network"));
    assert_eq!(
        model[0].extra["usages"],
        serde_json::json!(["vm", "management"])
    );
    assert_eq!(model[0].extra["data_center_id"], "dc-1");
    assert_eq!(model[0].cluster_id, None);
    assert_eq!(model[1].vlan, Some(42));
    assert_eq!(model[1].description, None);
    // What we write reads back the same.
    assert_eq!(
        Network::from_xml(nets[1].to_xml().as_bytes()).unwrap(),
        nets[1]
    );
    let bad = Network::from_xml(br#"<network id="x"><vlan id="forty"/></network>"#).unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::Protocol);
    let none = convert::network(&Network::default()).unwrap_err();
    assert_eq!(none.kind(), ErrorKind::Protocol);
}

fn sim_client(world: &Arc<World>) -> Client {
    let t = Arc::new(SimTransport::new(world.clone(), Arc::new(OvirtSkin::new())));
    let conn = Connection::builder("http://engine.sim/ovirt-engine/api")
        .username("admin@internal")
        .password("admin")
        .retry(RetryPolicy::never())
        .transport(t)
        .build()
        .unwrap();
    Client::new(Arc::new(OvirtBackend::new(conn)))
}

#[tokio::test]
async fn over_the_simulator_every_kind_pages_filters_and_reads_back() {
    let w = Arc::new(World::new(
        WorldConfig::builder()
            .clusters(3)
            .templates(4)
            .vms(2)
            .build(),
    ));
    let c = sim_client(&w);
    let small = ListQuery::new().page_size(2);
    let tpls: Vec<_> = c
        .templates()
        .list(small.clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tpls.len(), 5, "Blank and the World's four");
    assert_eq!(tpls[0].id.as_str(), omnivirt_ovirt::BLANK_TEMPLATE_ID);
    let named: Vec<_> = c
        .templates()
        .list(ListQuery::new().name_equals(&tpls[2].name))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(named.len(), 1);
    assert_eq!(named[0].id, tpls[2].id);
    assert_eq!(
        c.templates().get(&tpls[2].id).await.unwrap().name,
        tpls[2].name
    );

    let nets: Vec<_> = c
        .networks()
        .list(small.clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(nets.len(), 3);
    assert!(nets.iter().all(|n| n.vlan.is_some()));
    let cluster = w
        .list_networks(&omnivirt_sim::Filter::new(), &omnivirt_sim::Paging::all())
        .items[1]
        .cluster_id
        .clone();
    let of_cluster: Vec<_> = c
        .networks()
        .list(ListQuery::new().cluster(cluster.clone()))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(of_cluster.len(), 1);
    assert_eq!(of_cluster[0].cluster_id.as_ref(), Some(&cluster));

    let pools: Vec<_> = c.storage_pools().list(small).try_collect().await.unwrap();
    assert_eq!(pools.len(), 3);
    for p in &pools {
        assert_eq!(p.state, StorageState::Ok);
        assert_eq!(p.capacity_bytes, Some(10 << 40));
        assert!(p.free_bytes.unwrap() <= p.capacity_bytes.unwrap());
    }
    let e = c
        .storage_pools()
        .get(&StoragePoolId::from("nope"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn vms_carry_their_creation_time() {
    let w = Arc::new(World::new(WorldConfig::builder().vms(1).build()));
    let c = sim_client(&w);
    let vms: Vec<_> = c.vms().list(ListQuery::new()).try_collect().await.unwrap();
    let at = vms[0].created_at.as_deref().unwrap();
    assert!(at.ends_with("+00:00") && at.contains('T'), "{at}");
    // A listing follows the same links as a get: the same addresses and tags.
    let one = c.vms().get(&vms[0].id).await.unwrap();
    assert_eq!(vms[0].ips, one.ips);
    assert_eq!(vms[0].tags, one.tags);
}

#[tokio::test]
async fn a_spec_with_a_network_of_no_profile_fails_before_any_vm_exists() {
    let w = Arc::new(World::new(WorldConfig::builder().vms(2).build()));
    let c = sim_client(&w);
    let cluster = c
        .clusters()
        .list(ListQuery::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()[0]
        .id
        .clone();
    let spec = omnivirt_core::VmSpec::new("no-profile", cluster)
        .network(omnivirt_core::NicSpec::new(
            "00000000-dead-beef-0000-000000000000",
        ))
        .tag("web");
    let before = w.summary().vms;
    let e = c.vms().create(&spec).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(!e.to_string().contains("was created"), "{e}");
    assert_eq!(
        w.summary().vms,
        before,
        "a VM was created before its NICs were checked"
    );
}
