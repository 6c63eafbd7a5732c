//! The conformance suite against every backend: the neutral simulator in process, and each vendor
//! adapter over its simulator skin both in process and on loopback HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;

use omnivirt_conformance::{Counting, Target, assert_suite};
use omnivirt_core::Client;
use omnivirt_http::{HttpStack, SharedTransport, TlsOptions};
use omnivirt_sim::{SimBackend, SimServer, SimTransport, Skin, Tick, World, WorldConfig};

/// A world big enough to page through and to start 100 stopped VMs in.
fn world() -> Arc<World> {
    Arc::new(World::new(
        WorldConfig::builder()
            .seed(11)
            .vms(260)
            .tick(Tick::PerPoll { steps: 2 })
            .build(),
    ))
}

#[derive(Clone, Copy)]
enum Wire {
    InProcess,
    Loopback,
}

struct Served {
    transport: SharedTransport,
    base: String,
    _server: Option<SimServer>,
}

async fn serve(world: &Arc<World>, skin: Arc<dyn Skin>, wire: Wire) -> Served {
    match wire {
        Wire::InProcess => Served {
            transport: Arc::new(SimTransport::new(world.clone(), skin)),
            base: "http://sim.invalid".into(),
            _server: None,
        },
        Wire::Loopback => {
            let server = SimServer::start(
                world.clone(),
                vec![skin],
                SocketAddr::from(([127, 0, 0, 1], 0)),
            )
            .await
            .unwrap();
            let transport = HttpStack::default_for(TlsOptions::default())
                .unwrap()
                .build();
            Served {
                transport,
                base: server.url(),
                _server: Some(server),
            }
        }
    }
}

async fn ovirt(wire: Wire, label: &str) {
    let world = world();
    let served = serve(
        &world,
        Arc::new(omnivirt_sim::skins::ovirt::OvirtSkin::new()),
        wire,
    )
    .await;
    let (counting, requests) = Counting::wrap(served.transport);
    let backend = omnivirt_ovirt::OvirtBackend::with_transport(
        format!("{}/ovirt-engine/api", served.base),
        counting,
        omnivirt_ovirt::Credentials::Password {
            username: "admin@internal".into(),
            password: "admin".into(),
        },
    )
    .unwrap();
    let mut target = Target::new(format!("ovirt/{label}"), Client::new(Arc::new(backend)));
    target.world = Some(world);
    target.requests = Some(requests);

    assert_suite(&target).await;
}

async fn cloudtower(wire: Wire, label: &str) {
    let world = world();
    let served = serve(
        &world,
        Arc::new(omnivirt_sim::skins::cloudtower::CloudTowerSkin::new()),
        wire,
    )
    .await;
    let (counting, requests) = Counting::wrap(served.transport);
    let backend = omnivirt_cloudtower::CloudTowerBackend::with_transport(
        format!("{}/v2/api", served.base),
        counting,
        omnivirt_cloudtower::Credentials::password("admin", "admin"),
    );
    let mut target = Target::new(
        format!("cloudtower/{label}"),
        Client::new(Arc::new(backend)),
    );
    target.world = Some(world);
    target.requests = Some(requests);

    assert_suite(&target).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_in_process() {
    let world = world();
    let mut target = Target::new(
        "sim/in-process",
        Client::new(Arc::new(SimBackend::new(world.clone()))),
    );
    target.world = Some(world);

    assert_suite(&target).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ovirt_in_process() {
    ovirt(Wire::InProcess, "in-process").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ovirt_loopback_http() {
    ovirt(Wire::Loopback, "http").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtower_in_process() {
    cloudtower(Wire::InProcess, "in-process").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtower_loopback_http() {
    cloudtower(Wire::Loopback, "http").await;
}

async fn veil(wire: Wire, label: &str) {
    let world = world();
    let served = serve(
        &world,
        Arc::new(omnivirt_sim::skins::veil::VeilSkin::new()),
        wire,
    )
    .await;
    let (counting, requests) = Counting::wrap(served.transport);
    let backend = omnivirt_veil::VeilBackend::with_transport(
        &format!("{}/veil", served.base),
        counting,
        omnivirt_veil::Credentials::password("admin", "admin"),
    )
    .unwrap();
    let mut target = Target::new(format!("veil/{label}"), Client::new(Arc::new(backend)));
    target.world = Some(world);
    target.requests = Some(requests);

    assert_suite(&target).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn veil_in_process() {
    veil(Wire::InProcess, "in-process").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn veil_loopback_http() {
    veil(Wire::Loopback, "http").await;
}

async fn zstack(wire: Wire, label: &str) {
    let world = world();
    let served = serve(
        &world,
        Arc::new(omnivirt_sim::skins::zstack::ZStackSkin::new()),
        wire,
    )
    .await;
    let (counting, requests) = Counting::wrap(served.transport);
    let backend = omnivirt_zstack::ZStackBackend::with_transport(
        format!("{}/zstack/v1", served.base),
        counting,
        omnivirt_zstack::Credentials::account("admin", "admin"),
    );
    let mut target = Target::new(format!("zstack/{label}"), Client::new(Arc::new(backend)));
    target.world = Some(world);
    target.requests = Some(requests);

    assert_suite(&target).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zstack_in_process() {
    zstack(Wire::InProcess, "in-process").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zstack_loopback_http() {
    zstack(Wire::Loopback, "http").await;
}
