//! The cassettes in `fixtures/ovirt/cassettes` (built from the recorded engine samples) replayed
//! through the native face and the uniform backend, below the real retry and auth layers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use omnivirt_core::{Backend, Client, ErrorKind, ListQuery, TaskState, VmId, VmState};
use omnivirt_http::{RetryPolicy, SharedTransport};
use omnivirt_ovirt::types::{DiskAttachment, Object, VmStatus};
use omnivirt_ovirt::{Connection, Credentials, OvirtBackend};
use omnivirt_replay::CassetteLayer;

const URL: &str = "https://engine.test/ovirt-engine/api";
const VM_ON: &str = "0d37ca3b-cdbc-4b78-b0b9-7cd71ddc7e35";

fn layer(name: &str) -> Arc<CassetteLayer> {
    let path = format!(
        "{}/../../fixtures/ovirt/cassettes/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Arc::new(CassetteLayer::replay_file(&path).unwrap())
}

fn conn_with_token(layer: &Arc<CassetteLayer>) -> Connection {
    Connection::builder(URL)
        .token("recorded-token")
        .retry(RetryPolicy::never())
        .transport(layer.clone() as SharedTransport)
        .build()
        .unwrap()
}

#[tokio::test]
async fn list_vms_through_sso_login_and_revoke() {
    let l = layer("list_vms");
    let backend = OvirtBackend::with_transport(
        URL,
        l.clone(),
        Credentials::Password {
            username: "admin@internal".into(),
            password: "not-recorded".into(),
        },
    )
    .unwrap();
    let page = backend.list_vms(&ListQuery::new(), None).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].name, "vm_off");
    assert_eq!(page.items[0].state, VmState::Stopped);
    assert_eq!(page.items[1].state, VmState::Running);
    assert_eq!(page.items[1].raw_state.as_deref(), Some("up"));
    assert!(page.next.is_none(), "2 < 100: last page");
    backend.close().await.unwrap();
    l.finish().unwrap();
}

#[tokio::test]
async fn get_vm_and_follow_its_link_natively() {
    let l = layer("get_vm");
    let conn = conn_with_token(&l);
    let vm = conn.system().vms().vm(VM_ON).get().send().await.unwrap();
    assert_eq!(vm.status, Some(VmStatus::Up));
    assert!(vm.has_action("migrate"));
    let href = vm.link("diskattachments").unwrap();
    let atts: Vec<DiskAttachment> = conn.follow_link_list(href).await.unwrap();
    assert_eq!(atts.len(), 3);
    l.finish().unwrap();
}

#[tokio::test(start_paused = true)]
async fn start_then_wait_through_the_client() {
    // The cassette holds the engine's answers to an untagged start (no `correlation_id`) and
    // the VM polls that follow, so it drives the status-only path (`follow_jobs(false)`);
    // following the job is tested against the simulator in `tests/sim.rs`.
    let l = layer("vm_start");
    let backend = OvirtBackend::new(conn_with_token(&l)).follow_jobs(false);
    let client = Client::new(Arc::new(backend));
    let vm = client
        .vms()
        .start(&VmId::from(VM_ON))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(vm.state, VmState::Running);
    l.finish().unwrap();
}

#[tokio::test]
async fn faults_become_typed_errors() {
    let l = layer("faults");
    let conn = conn_with_token(&l);
    let vm = conn.system().vms().vm(VM_ON);

    let e = vm.start().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert!(e.message().contains("VM is locked"), "{e}");
    assert_eq!(e.detail().unwrap().http_status, Some(409));

    // A 200 whose <action> carries a <fault> is still an error.
    let e = vm.stop().send().await.unwrap_err();
    assert_eq!(e.message(), "myreason: mydetail");

    let e = conn
        .system()
        .vms()
        .add(omnivirt_ovirt::types::Vm {
            cluster: Some(omnivirt_ovirt::types::Linked::by_name("Default")),
            ..Default::default()
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("Vm [name] required for add"), "{e}");

    let e = conn
        .system()
        .vms()
        .vm("00000000-dead-beef-0000-000000000000")
        .get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    l.finish().unwrap();
}

#[tokio::test]
async fn auth_failures_are_unauthenticated_and_leak_nothing() {
    let l = layer("auth_failure");
    let conn = Connection::builder(URL)
        .username("admin@internal")
        .password("hunter2")
        .retry(RetryPolicy::never())
        .transport(l.clone() as SharedTransport)
        .build()
        .unwrap();
    let e = conn.system().vms().list().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert!(e.message().contains("access_denied"), "{e}");
    assert!(!format!("{e} {e:?}").contains("hunter2"));

    // A token that expired, and no credentials to get a new one.
    let backend = OvirtBackend::new(conn_with_token(&l));
    let e = backend.list_vms(&ListQuery::new(), None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert!(!format!("{e:?}").contains("recorded-token"));
    l.finish().unwrap();
}

#[tokio::test]
async fn inventory_through_the_backend() {
    let l = layer("inventory");
    let backend = OvirtBackend::new(conn_with_token(&l));
    let hosts = backend.list_hosts(&ListQuery::new(), None).await.unwrap();
    assert_eq!(hosts.items.len(), 2);
    assert!(
        hosts
            .items
            .iter()
            .all(|h| h.state == omnivirt_core::HostState::Up)
    );
    let clusters = backend
        .list_clusters(&ListQuery::new(), None)
        .await
        .unwrap();
    assert_eq!(clusters.items.len(), 1);
    let disks = backend.list_disks(&ListQuery::new(), None).await.unwrap();
    assert_eq!(disks.items.len(), 9);
    let task = backend.get_task(&"123".into()).await.unwrap();
    assert_eq!(task.state, TaskState::Failed);
    let sds = backend
        .connection()
        .system()
        .storage_domains()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(sds[0].name.as_deref(), Some("master-data1"));
    l.finish().unwrap();
}

#[tokio::test]
async fn a_36_engine_in_the_3x_dialect() {
    let l = layer("v36_engine");
    let conn = Connection::builder(URL)
        .username("admin@internal")
        .password("not-recorded")
        .version(omnivirt_ovirt::ApiVersion::V3)
        .retry(RetryPolicy::never())
        .transport(l.clone() as SharedTransport)
        .build()
        .unwrap();
    let api = conn.system().get().await.unwrap();
    assert_eq!(
        api.product_version().unwrap().full_version.as_deref(),
        Some("3.6.7_master")
    );
    let backend = OvirtBackend::new(conn);
    let vm = backend
        .get_vm(&VmId::from("4f6dd4c3-5241-494f-8afc-f1c67254bf77"))
        .await
        .unwrap();
    assert_eq!(vm.state, VmState::Stopped);
    assert_eq!(vm.raw_state.as_deref(), Some("down"));
    assert_eq!(vm.vcpus, Some(1));
    l.finish().unwrap();
}
