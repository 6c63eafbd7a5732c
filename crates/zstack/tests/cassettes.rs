//! The fixtures in `fixtures/zstack/` replayed through the native face and the uniform backend
//! (the cassette layer sits below auth, so login and logout are replayed too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use omnivirt_core::{Client, ErrorKind, VmId, VmState, WaitOptions};
use omnivirt_replay::CassetteLayer;
use omnivirt_zstack::query::{Condition, Query};
use omnivirt_zstack::{Credentials, StopType, ZStackBackend, ZStackClient};
use serde_json::json;

const BASE: &str = "http://mn.test:8080/zstack/v1";
const VM: &str = "94d991c631674b16be65bfdf28b9e84a";

fn cassette(name: &str) -> Arc<CassetteLayer> {
    let p = format!(
        "{}/../../fixtures/zstack/{name}.cassette.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Arc::new(CassetteLayer::replay_file(p).unwrap())
}

/// The sample's account; its digest is scrubbed to `***` in the cassettes, and so is the live
/// one before matching.
fn creds() -> Credentials {
    Credentials::account("admin", "password")
}

fn fast() -> WaitOptions {
    ZStackClient::default_wait().timeout(Duration::from_secs(30))
}

#[tokio::test]
async fn login_query_logout() {
    let layer = cassette("login-query-logout");
    let zs = ZStackClient::new(BASE, layer.clone(), creds());
    let page = zs
        .query_vms(
            &Query::new()
                .filter(Condition::eq("state", "Running"))
                .limit(10)
                .reply_with_count(true),
        )
        .await
        .unwrap();
    assert_eq!(page.total, Some(1));
    assert_eq!(page.items[0].uuid.as_deref(), Some(VM));
    assert_eq!(page.items[0].name.as_deref(), Some("TestVm"));
    zs.close().await.unwrap();
    layer.finish().unwrap();
}

#[tokio::test(start_paused = true)]
async fn generic_call_follows_the_job() {
    let layer = cassette("create-zone-job");
    let zs = ZStackClient::new(BASE, layer.clone(), creds());
    let body = json!({"params": {"name": "Zone1", "description": "Test"}});
    let v = zs
        .call(Method::POST, "zones", &[], Some(&body), fast())
        .await
        .unwrap();
    assert_eq!(v["inventory"]["name"], "Zone1");
    assert_eq!(v["inventory"]["uuid"], "f52fe55b64094ceb99b3893a238c4931");
    layer.finish().unwrap();
}

#[tokio::test(start_paused = true)]
async fn backend_start_and_wait() {
    let layer = cassette("backend-start");
    let backend = ZStackBackend::with_transport(BASE, layer.clone(), creds());
    let client = Client::new(Arc::new(backend));
    let id = VmId::new(VM);
    let vm = client.vms().get(&id).await.unwrap();
    assert_eq!(vm.state, VmState::Stopped);
    assert!(vm.host_id.is_none());
    let vm = client
        .vms()
        .start(&id)
        .await
        .unwrap()
        .with_options(WaitOptions::default())
        .wait()
        .await
        .unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(
        vm.host_id.as_ref().map(|h| h.as_str()),
        Some("908131845d284d7f821a74362fff3d19")
    );
    layer.finish().unwrap();
}

#[tokio::test(start_paused = true)]
async fn documented_errors() {
    let layer = cassette("errors");
    let zs = ZStackClient::new(BASE, layer.clone(), creds());
    let e = zs.stop_vm(VM, StopType::Grace).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.is_retryable());
    assert_eq!(e.detail().unwrap().code.as_deref(), Some("SYS.1001"));
    assert!(e.message().contains("Create VM on KVM timeout after 300s"));

    let e = zs.get_vm(VM).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);

    let reply = zs.reboot_vm(VM).await.unwrap();
    let e = zs.wait(&reply, fast()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed);
    assert_eq!(e.detail().unwrap().code.as_deref(), Some("SYS.1000"));
    assert!(e.message().contains("on purpose"), "{}", e.message());

    let e = zs
        .request(
            Method::GET,
            "hosts",
            &[("limit".to_owned(), "abc".to_owned())],
            None,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.detail().unwrap().http_status, Some(400));
    layer.finish().unwrap();
}
