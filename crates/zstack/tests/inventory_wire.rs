//! The neutral inventory (templates, networks, storage pools) over real HTTP against wiremock:
//! the query each list and get sends (path, `q` conditions, paging), the L2 lookup that brings
//! a network its VLAN, the decoding of a full answer, and `NotFound` for an empty one; and a
//! VM get whose uuid the server matched in another case still gets the VM's tags.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use omnivirt_core::{
    Backend, ClusterId, Cursor, ErrorKind, ListQuery, NetworkId, StoragePoolId, StorageState,
    TemplateId, TemplateKind,
};
use omnivirt_zstack::{Credentials, ZStackBackend, ZStackClient};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SESSION: &str = "5b1c1e0a3c7d4f2e9a8b7c6d5e4f3a2b";
const IMAGE: &str = "a7c4f0e2b1d94c3e8f5a6b7c8d9e0f1a";
const L3: &str = "f73926eb4f234f8195c61c33d8db419d";
const L2: &str = "f1a092c6914840c9895c564abbc55375";
const PS: &str = "f4ac0a3119c94c6fae844c2298615d27";
const CLUSTER: &str = "f23e402bc53b4b5abae87273b6004016";

fn image() -> Value {
    // The fields of ImageInventory (sdk-model), as a 4.x server fills them.
    json!({
        "uuid": IMAGE, "name": "centos-9", "description": "base image", "state": "Enabled",
        "status": "Ready", "size": 10_737_418_240u64, "actualSize": 1_395_654_656u64,
        "md5Sum": "3f1b", "url": "http://user:secret@repo.example/centos-9.qcow2",
        "mediaType": "RootVolumeTemplate", "guestOsType": "CentOS 9", "type": "zstack",
        "platform": "Linux", "architecture": "x86_64", "format": "qcow2", "system": false,
        "virtio": true, "createDate": "Jan 2, 2026 3:04:05 PM", "lastOpDate": "Jan 2, 2026 3:04:05 PM",
        "backupStorageRefs": [{"imageUuid": IMAGE, "backupStorageUuid": "b1", "status": "Ready"}],
        "systemTags": []
    })
}

fn l3() -> Value {
    json!({
        "uuid": L3, "name": "GuestNetwork", "description": "", "type": "L3BasicNetwork",
        "zoneUuid": "z1", "l2NetworkUuid": L2, "state": "Enabled", "system": false,
        "category": "Private", "ipVersion": 4, "enableIPAM": true,
        "ipRanges": [{"uuid": "r1", "l3NetworkUuid": L3, "startIp": "192.168.10.2",
            "endIp": "192.168.10.254", "netmask": "255.255.255.0", "gateway": "192.168.10.1",
            "networkCidr": "192.168.10.0/24", "ipVersion": 4, "prefixLen": 24}]
    })
}

fn l2() -> Value {
    json!({
        "uuid": L2, "name": "l2-vlan-101", "zoneUuid": "z1", "physicalInterface": "eth0",
        "type": "L2VlanNetwork", "vSwitchType": "LinuxBridge", "virtualNetworkId": 101,
        "vlan": 101, "attachedClusterUuids": [CLUSTER]
    })
}

fn ps() -> Value {
    json!({
        "uuid": PS, "zoneUuid": "z1", "name": "nfs-01", "url": "nfs.example:/export/ps",
        "totalCapacity": 10_995_116_277_760u64, "availableCapacity": 4_398_046_511_104u64,
        "totalPhysicalCapacity": 10_995_116_277_760u64,
        "availablePhysicalCapacity": 5_000_000_000_000u64, "type": "NFS", "state": "Enabled",
        "status": "Connected", "attachedClusterUuids": [CLUSTER]
    })
}

async fn serve(res: &str, inventories: Vec<Value>, total: u64, server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(format!("/zstack/v1/{res}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"inventories": inventories, "total": total})),
        )
        .mount(server)
        .await;
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/zstack/v1/accounts/login"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"inventory": {"uuid": SESSION}})),
        )
        .mount(&server)
        .await;
    server
}

fn backend(server: &MockServer) -> ZStackBackend {
    ZStackBackend::new(
        ZStackClient::builder(format!("{}/zstack/v1", server.uri()))
            .credentials(Credentials::account("admin", "password"))
            .build()
            .unwrap(),
    )
}

/// The queries the server saw after login: (method, path, decoded query pairs).
async fn seen(server: &MockServer) -> Vec<(String, String, Vec<(String, String)>)> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| !r.url.path().ends_with("/accounts/login"))
        .map(|r| {
            let pairs = r
                .url
                .query_pairs()
                .map(|(k, v)| (k.into(), v.into()))
                .collect();
            (r.method.to_string(), r.url.path().to_string(), pairs)
        })
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn templates_list_and_get_query_images() {
    let server = server().await;
    serve("images", vec![image()], 3, &server).await;
    let b = backend(&server);

    let q = ListQuery::new().name_equals("centos-9").page_size(1);
    let page = b.list_templates(&q, Some(&Cursor::new("2"))).await.unwrap();
    assert_eq!(page.total, Some(3));
    assert_eq!(page.next, None, "start 2 + 1 item reaches the total");
    let t = &page.items[0];
    assert_eq!(t.id.as_str(), IMAGE);
    assert_eq!(t.kind, TemplateKind::Template);
    assert_eq!(t.os.as_deref(), Some("CentOS 9"));
    assert_eq!(t.size_bytes, Some(10_737_418_240));
    assert_eq!(t.description.as_deref(), Some("base image"));
    assert_eq!(t.extra["format"], "qcow2");
    let out = serde_json::to_string(&page).unwrap();
    assert!(!out.contains("secret"), "the image URL stays out: {out}");

    let got = b.get_template(&TemplateId::new(IMAGE)).await.unwrap();
    assert_eq!(got.name, "centos-9");

    assert_eq!(
        seen(&server).await,
        vec![
            (
                "GET".into(),
                "/zstack/v1/images".into(),
                pairs(&[
                    ("q", "name=centos-9"),
                    ("limit", "1"),
                    ("start", "2"),
                    ("replyWithCount", "true"),
                ])
            ),
            (
                "GET".into(),
                "/zstack/v1/images".into(),
                pairs(&[("q", &format!("uuid={IMAGE}"))])
            ),
        ]
    );
}

#[tokio::test]
async fn networks_come_with_their_l2_vlan() {
    let server = server().await;
    serve("l3-networks", vec![l3()], 1, &server).await;
    serve("l2-networks", vec![l2()], 1, &server).await;
    let b = backend(&server);

    let q = ListQuery::new().cluster(CLUSTER);
    let page = b.list_networks(&q, None).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(
        page.filtered_client_side,
        "the cluster is checked on the L2"
    );
    let n = &page.items[0];
    assert_eq!(n.vlan, Some(101));
    assert_eq!(n.cidr.as_deref(), Some("192.168.10.0/24"));
    assert_eq!(n.cluster_id, Some(ClusterId::new(CLUSTER)));

    let other = ListQuery::new().cluster("0000");
    assert!(
        b.list_networks(&other, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let got = b.get_network(&NetworkId::new(L3)).await.unwrap();
    assert_eq!((got.name.as_str(), got.vlan), ("GuestNetwork", Some(101)));

    let seen = seen(&server).await;
    assert_eq!(
        seen[0],
        (
            "GET".into(),
            "/zstack/v1/l3-networks".into(),
            pairs(&[("limit", "500"), ("start", "0"), ("replyWithCount", "true")])
        )
    );
    assert_eq!(
        seen[1],
        (
            "GET".into(),
            "/zstack/v1/l2-networks".into(),
            pairs(&[("q", &format!("uuid?={L2}")), ("limit", "1")])
        )
    );
    // The get: one L3 query by uuid, one L2 query.
    assert_eq!(seen[4].2, pairs(&[("q", &format!("uuid={L3}"))]));
    assert_eq!(seen[5].1, "/zstack/v1/l2-networks");
    assert_eq!(seen.len(), 6);
}

#[tokio::test]
async fn storage_pools_query_primary_storage() {
    let server = server().await;
    serve("primary-storage", vec![ps()], 1, &server).await;
    let b = backend(&server);

    let q = ListQuery::new().cluster(CLUSTER);
    let page = b.list_storage_pools(&q, None).await.unwrap();
    let p = &page.items[0];
    assert_eq!(p.state, StorageState::Ok);
    assert_eq!(p.raw_state.as_deref(), Some("Enabled/Connected"));
    assert_eq!(p.capacity_bytes, Some(10_995_116_277_760));
    assert_eq!(p.free_bytes, Some(4_398_046_511_104));
    assert_eq!(p.used_bytes(), Some(6_597_069_766_656));
    assert_eq!(p.extra["available_physical_capacity"], 5_000_000_000_000u64);
    assert!(!page.filtered_client_side);

    let got = b.get_storage_pool(&StoragePoolId::new(PS)).await.unwrap();
    assert_eq!(got.name, "nfs-01");

    let seen = seen(&server).await;
    assert_eq!(
        seen[0].2,
        pairs(&[
            ("q", &format!("attachedClusterUuids={CLUSTER}")),
            ("limit", "500"),
            ("start", "0"),
            ("replyWithCount", "true"),
        ])
    );
    // No `/primary-storage/{uuid}` path in the API: the get is a uuid condition.
    assert_eq!(seen[1].1, "/zstack/v1/primary-storage");
    assert_eq!(seen[1].2, pairs(&[("q", &format!("uuid={PS}"))]));
}

#[tokio::test]
async fn an_empty_answer_is_not_found() {
    let server = server().await;
    for res in ["images", "l3-networks", "primary-storage"] {
        serve(res, vec![], 0, &server).await;
    }
    let b = backend(&server);
    let missing = "0123456789abcdef0123456789abcdef";
    let e = b.get_template(&TemplateId::new(missing)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = b.get_network(&NetworkId::new(missing)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = b
        .get_storage_pool(&StoragePoolId::new(missing))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    // A uuid that cannot be one is refused before any request.
    let e = b.get_template(&TemplateId::new("a b")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(seen(&server).await.len(), 3);
}

#[tokio::test]
async fn an_inventory_without_uuid_is_a_protocol_error() {
    let server = server().await;
    serve(
        "primary-storage",
        vec![json!({"name": "nameless"})],
        1,
        &server,
    )
    .await;
    let e = backend(&server)
        .list_storage_pools(&ListQuery::new(), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
}

#[tokio::test]
async fn an_answer_that_is_not_utf8_or_not_whole_is_a_protocol_error() {
    let server = server().await;
    // A name with a byte that is not UTF-8, and a body cut off in the middle.
    let mut bad =
        br#"{"inventories":[{"uuid":"f4ac0a3119c94c6fae844c2298615d27","name":"p"#.to_vec();
    bad.extend_from_slice(b"\xff\"}],\"total\":1}");
    let cut = br#"{"inventories":[{"uuid":"f4ac0a3119c94c6fae"#.to_vec();
    for (body, says) in [(bad, "invalid unicode"), (cut, "EOF")] {
        server.reset().await;
        let server = &server;
        Mock::given(method("PUT"))
            .and(path("/zstack/v1/accounts/login"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"inventory": {"uuid": SESSION}})),
            )
            .mount(server)
            .await;
        Mock::given(method("GET"))
            .and(path("/zstack/v1/primary-storage"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(server)
            .await;
        let e = backend(server)
            .list_storage_pools(&ListQuery::new(), None)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{e}");
        let text = e.to_string();
        assert!(text.contains(says), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }
}

#[tokio::test]
async fn a_vm_got_by_its_uuid_in_capitals_still_gets_its_tags() {
    const VM: &str = "0b3c9a4e5f6d4e7f8a9b0c1d2e3f4a5b";
    let server = server().await;
    // The server's uuid match ignores case (as a MySQL column does) and answers in its own.
    serve(
        "vm-instances",
        vec![json!({"uuid": VM, "name": "web-1", "state": "Running", "clusterUuid": CLUSTER})],
        1,
        &server,
    )
    .await;
    let tag = json!({"uuid": "t1", "resourceUuid": VM, "resourceType": "VmInstanceVO",
        "tag": "env:prod", "type": "User"});
    for (asked, tags) in [(VM.to_owned(), vec![tag]), (VM.to_uppercase(), vec![])] {
        Mock::given(method("GET"))
            .and(path("/zstack/v1/user-tags"))
            .and(query_param("q", format!("resourceUuid?={asked}")))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"inventories": tags, "total": 0})),
            )
            .mount(&server)
            .await;
    }
    let b = backend(&server);
    let vm = b
        .get_vm(&omnivirt_core::VmId::new(VM.to_uppercase()))
        .await
        .unwrap();
    assert_eq!(vm.id.as_str(), VM);
    assert_eq!(vm.tags, vec!["env:prod".to_owned()]);
    let tag_reads = seen(&server)
        .await
        .into_iter()
        .filter(|(_, p, _)| p.ends_with("/user-tags"))
        .count();
    assert_eq!(tag_reads, 2, "the uuid as asked, then as answered");
}

#[tokio::test]
async fn gets_that_share_a_vm_read_each_get_their_own_vm() {
    const A: &str = "0b3c9a4e5f6d4e7f8a9b0c1d2e3f4a5b";
    const B: &str = "1c4d0b5f6a7e4f809b0c1d2e3f4a5b6c";
    const NONE: &str = "2d5e1c6a7b8f4a91ac1d2e3f4a5b6c7d";
    let server = server().await;
    // The engine answers the VMs it matched, ignoring case, in its own spelling.
    serve(
        "vm-instances",
        vec![
            json!({"uuid": A, "name": "a", "state": "Running", "clusterUuid": CLUSTER}),
            json!({"uuid": B, "name": "b", "state": "Stopped", "clusterUuid": CLUSTER}),
        ],
        2,
        &server,
    )
    .await;
    serve("user-tags", vec![], 0, &server).await;
    let b = backend(&server);
    let ids = [A.to_owned(), B.to_uppercase(), NONE.to_owned()].map(omnivirt_core::VmId::new);
    // The first get reads alone; the two that arrive while it waits share the next read.
    let got = futures::future::join_all(ids.iter().map(|id| b.get_vm(id))).await;
    let [a, upper, none] = got.try_into().unwrap();
    assert_eq!(a.unwrap().name, "a");
    let upper = upper.unwrap();
    assert_eq!((upper.id.as_str(), upper.name.as_str()), (B, "b"));
    let e = none.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains(NONE), "{e}");
    let vm_reads: Vec<Vec<(String, String)>> = seen(&server)
        .await
        .into_iter()
        .filter(|(_, p, _)| p.ends_with("/vm-instances"))
        .map(|(_, _, q)| q.into_iter().filter(|(k, _)| k == "q").collect())
        .collect();
    assert_eq!(
        vm_reads,
        vec![
            pairs(&[("q", &format!("uuid={A}"))]),
            pairs(&[("q", &format!("uuid?={},{NONE}", B.to_uppercase()))]),
        ]
    );
}
