//! The generated typed methods (`conn.ops()`) against a wiremock engine: each builds its path,
//! query and typed XML body and decodes the answer into the generated type.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use omnivirt_core::ErrorKind;
use omnivirt_ovirt::Connection;
use omnivirt_ovirt::generated::types::{Action, Linked, Nic, NicInterface, Vm, VmStatus};
use omnivirt_ovirt::native::typed::Query;
use wiremock::matchers::{body_string, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API: &str = "/ovirt-engine/api";

fn xml(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/xml")
}

async fn setup() -> (MockServer, Connection) {
    let server = MockServer::start().await;
    let conn = Connection::builder(format!("{}{API}", server.uri()))
        .token("tok")
        .build()
        .unwrap();
    (server, conn)
}

#[tokio::test]
async fn list_get_add_remove_and_actions_are_typed() {
    let (server, conn) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/vms")))
        .and(query_param("search", "name=a*"))
        .respond_with(xml(
            200,
            r#"<vms><vm id="1"><status>up</status></vm></vms>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/v%2F1/nics")))
        .and(body_string(
            "<nic><interface>virtio</interface><name>n</name><vnic_profile id=\"p\"></vnic_profile></nic>",
        ))
        .respond_with(xml(201, r#"<nic id="n1"><interface>virtio</interface></nic>"#))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{API}/vms/v1")))
        .and(query_param("detach_only", "true"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/v1/start")))
        .and(body_string(
            "<action><use_cloud_init>true</use_cloud_init></action>",
        ))
        .respond_with(xml(
            200,
            "<action><status>complete</status><job id=\"j\"/></action>",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/disks/d1/move")))
        .respond_with(xml(200, "<action><status>complete</status></action>"))
        .mount(&server)
        .await;
    let ops = conn.ops();
    let vms: Vec<Vm> = ops
        .vms_list(&Query::new().set("search", "name=a*"))
        .await
        .unwrap();
    assert_eq!(vms[0].status, Some(VmStatus::Up));
    let nic = Nic {
        name: Some("n".into()),
        interface: Some(NicInterface::Virtio),
        vnic_profile: Some(Linked::by_id("p")),
        ..Nic::default()
    };
    let added = ops
        .vms_vm_nics_add("v/1", &nic, &Query::new())
        .await
        .unwrap();
    assert_eq!(added.id.as_deref(), Some("n1"));
    ops.vms_vm_remove("v1", &Query::new().set("detach_only", true))
        .await
        .unwrap();
    let start = Action {
        use_cloud_init: Some(true),
        ..Action::default()
    };
    let answer = ops.vms_vm_start("v1", &start, &Query::new()).await.unwrap();
    assert_eq!(answer.status.as_deref(), Some("complete"));
    assert_eq!(answer.job.unwrap().id(), Some("j"));
    let moved = ops
        .href_move(
            "/ovirt-engine/api/disks/d1",
            &Action::default(),
            &Query::new(),
        )
        .await
        .unwrap();
    assert_eq!(moved.status.as_deref(), Some("complete"));
    assert!(
        ops.href_move("../etc", &Action::default(), &Query::new())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn faults_are_typed_errors() {
    let (server, conn) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/v1/stop")))
        .respond_with(xml(
            200,
            "<action><status>failed</status><fault><reason>Operation Failed</reason><detail>[VM is locked]</detail></fault></action>",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/hosts/h9")))
        .respond_with(xml(
            404,
            "<fault><reason>Not Found</reason><detail>Entity not found: h9</detail></fault>",
        ))
        .mount(&server)
        .await;
    let ops = conn.ops();
    let e = ops
        .vms_vm_stop("v1", &Action::default(), &Query::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState, "{e}");
    let e = ops.hosts_host_get("h9", &Query::new()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
}

#[tokio::test]
async fn a_list_body_is_sent_as_its_collection() {
    use omnivirt_ovirt::generated::types::GlusterBrick;
    let (server, conn) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/clusters/c/glustervolumes/v/glusterbricks")))
        .and(body_string(
            "<bricks><brick><brick_dir>/a</brick_dir></brick><brick><brick_dir>/b</brick_dir></brick></bricks>",
        ))
        .respond_with(xml(200, "<bricks><brick id=\"b1\"/><brick id=\"b2\"/></bricks>"))
        .mount(&server)
        .await;
    let bricks: Vec<GlusterBrick> = ["/a", "/b"]
        .iter()
        .map(|d| GlusterBrick {
            brick_dir: Some((*d).into()),
            ..GlusterBrick::default()
        })
        .collect();
    let added = conn
        .ops()
        .clusters_cluster_glustervolumes_volume_glusterbricks_add("c", "v", &bricks, &Query::new())
        .await
        .unwrap();
    assert_eq!(added.len(), 2);
    assert_eq!(added[1].id.as_deref(), Some("b2"));
}
