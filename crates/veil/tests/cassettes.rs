//! The fixtures in `fixtures/veil/` replayed through the native face and the uniform backend (the
//! cassette layer sits below auth, so login and logout are replayed too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_core::{
    Client, ErrorKind, HostState, ResourceRef, TaskState, VmId, VmState, WaitOptions,
};
use omnivirt_replay::CassetteLayer;
use omnivirt_veil::error::error_body;
use omnivirt_veil::native::{DomainCreate, DomainFilter, IdempotencyKeys, Paginator, Placement};
use omnivirt_veil::{Credentials, VeilBackend, VeilClient};

const URL: &str = "https://veil.test";
const DOMAIN: &str = "e00219af-f99a-4615-bd3c-85646be3e1d5";
const TASK: &str = "0daf02eb-3172-48a8-b50c-a38b751f9b0b";

fn cassette(name: &str) -> Arc<CassetteLayer> {
    let p = format!(
        "{}/../../fixtures/veil/{name}.cassette.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Arc::new(CassetteLayer::replay_file(p).unwrap())
}

fn client(layer: &Arc<CassetteLayer>, creds: Credentials) -> VeilClient {
    VeilClient::builder(URL)
        .transport(layer.clone())
        .credentials(creds)
        .idempotency_keys(IdempotencyKeys::Off)
        .retry(omnivirt_http::RetryPolicy::never())
        .build()
        .unwrap()
}

#[tokio::test]
async fn login_list_and_logout() {
    let layer = cassette("login-and-list");
    // The cassette's password is scrubbed to `***`.
    let veil = client(&layer, Credentials::password("admin", "***"));
    assert_eq!(veil.base_version().await.unwrap(), "4.6.0");
    let page = veil
        .domains()
        .list(
            &DomainFilter::new()
                .template(false)
                .ids([DOMAIN, "4b2b0e7e-6b7d-4b0c-9a7b-2f4f3a1c9d10"]),
            &Paginator::new(),
        )
        .await
        .unwrap();
    assert_eq!(page.count, 2);
    assert!(page.next.is_none());
    let clusters = veil.clusters().list(&Paginator::new()).await.unwrap();
    assert_eq!(clusters.results[0].verbose_name, "cluster_115");
    let nodes = veil
        .nodes()
        .list(
            Some("22411c11-38f4-484b-b9a6-99eef7a04776"),
            None,
            &Paginator::new(),
        )
        .await
        .unwrap();
    let node = veil.nodes().get(&nodes.results[0].id).await.unwrap();
    assert_eq!(omnivirt_veil::convert::host(&node).state, HostState::Up);
    let pools = veil
        .data_pools()
        .list(None, None, None, &Paginator::new())
        .await
        .unwrap();
    assert_eq!(pools.results[0].free_space, Some(3_402_402));
    let rps = veil
        .resource_pools()
        .list(None, None, &Paginator::new())
        .await
        .unwrap();
    assert_eq!(rps.count, 1);
    veil.close().await.unwrap();
    layer.finish().unwrap();
}

#[tokio::test(start_paused = true)]
async fn start_and_wait_native() {
    let layer = cassette("start-and-wait");
    let veil = client(&layer, Credentials::token("***"));
    let d = veil.domains().get(DOMAIN).await.unwrap();
    assert_eq!(d.verbose_name, "alt_linux");
    let a = veil.domains().start(DOMAIN).await.unwrap();
    assert_eq!(a.task.as_ref().unwrap().id, TASK);
    let t = veil
        .tasks()
        .wait(
            &a.task.as_ref().unwrap().id,
            omnivirt_veil::native::Tasks::default_wait(),
        )
        .await
        .unwrap();
    assert_eq!(t.status, "SUCCESS");
    assert_eq!(
        t.entity_of("domain"),
        Some("e1e1324d-993d-408e-a0aa-7259d18df3ff")
    );
    let d = veil.domains().get(DOMAIN).await.unwrap();
    assert_eq!(d.user_power_state, Some(3));
    // The backend test below plays the last read; this one stops one short.
    assert_eq!(layer.misses().len(), 0);
}

#[tokio::test(start_paused = true)]
async fn start_and_wait_backend() {
    let layer = cassette("start-and-wait");
    let b = VeilBackend::new(client(&layer, Credentials::token("***")));
    let c = Client::new(Arc::new(b)).with_wait_options(
        WaitOptions::new()
            .interval(Duration::from_secs(1), Duration::from_secs(2))
            .timeout(Duration::from_secs(60)),
    );
    let id = VmId::new(DOMAIN);
    let vm = c.vms().get(&id).await.unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(vm.raw_state.as_deref(), Some("ACTIVE/3"));
    let op = c.vms().start(&id).await.unwrap();
    assert_eq!(op.submitted().task.as_ref().unwrap().as_str(), TASK);
    let vm = op.wait().await.unwrap();
    assert_eq!(vm.state, VmState::Running);
    layer.finish().unwrap();
}

#[tokio::test]
async fn create_with_proposed_id_and_remote_access() {
    let layer = cassette("create-domain");
    let veil = client(&layer, Credentials::token("***"));
    let spec = DomainCreate::new(
        "alt_linux-clone",
        Placement::ResourcePool("5a55eee9-4687-48b4-9002-b218eefe29e3".into()),
    )
    .parent(DOMAIN)
    .domains_ids(vec!["27f35d49-3e1c-4248-b37c-8f2ed4ec80d4".into()]);
    let a = veil.domains().create(&spec).await.unwrap();
    assert_eq!(
        a.entity.as_deref(),
        Some("27f35d49-3e1c-4248-b37c-8f2ed4ec80d4")
    );
    let t = omnivirt_veil::convert::task(a.task.as_ref().unwrap());
    assert_eq!(t.state, TaskState::Running);
    let a = veil.domains().remote_access(DOMAIN, true).await.unwrap();
    assert!(matches!(
        omnivirt_veil::convert::task(a.task.as_ref().unwrap()).target,
        Some(ResourceRef::Vm(_))
    ));
    layer.finish().unwrap();
}

#[tokio::test]
async fn documented_errors() {
    let layer = cassette("errors");
    let veil = client(&layer, Credentials::token("***"));
    // An expired integration token cannot be renewed: Unauthenticated, with the server's text.
    let e = veil.domains().get(DOMAIN).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert!(e.to_string().contains("Signature has expired."), "{e}");
    assert_eq!(e.detail().unwrap().http_status, Some(401));
    let e = veil.tasks().get(TASK).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(error_body(&e).unwrap().error_code(), 50004);
    let e = veil.check().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Backend);
    assert!(e.is_retryable());
    layer.finish().unwrap();
}
