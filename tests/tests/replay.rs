//! The conformance suite replaying cassettes in `fixtures/<vendor>/conformance.cassette.json`.
//!
//! The cassettes were recorded by running the same suite against each vendor's simulator skin with
//! `OMNIVIRT_CASSETTE=record cargo test -p omnivirt-conformance --test replay`; by default (and
//! always in CI) they are replayed, with no simulator behind them: every request must match one
//! recorded, and every recorded interaction must be played.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;

use omnivirt_conformance::{Counting, Target, assert_suite};
use omnivirt_core::{Backend, Client};
use omnivirt_http::SharedTransport;
use omnivirt_replay::{CassetteLayer, Mode, Provenance, Source};
use omnivirt_sim::{SimTransport, Skin, Tick, World, WorldConfig};

fn cassette(vendor: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fixtures")
        .join(vendor)
        .join("conformance.cassette.json")
}

const SKIPS: [(&str, &str); 1] = [(
    "wait_all_100",
    "kept out of the cassette to keep it small; run live by the in-process and HTTP targets",
)];

/// Runs the suite over a cassette: recording it from the simulator, or replaying it.
async fn suite(
    vendor: &'static str,
    skin: Arc<dyn Skin>,
    extra_skips: &[(&'static str, &'static str)],
    make: impl Fn(SharedTransport) -> Arc<dyn Backend>,
) {
    let path = cassette(vendor);
    let mode = Mode::from_env().unwrap();
    let mut skips = SKIPS.to_vec();
    skips.extend_from_slice(extra_skips);
    match mode {
        Mode::Record | Mode::New => {
            let world = Arc::new(World::new(
                WorldConfig::builder()
                    .seed(5)
                    .vms(30)
                    .tick(Tick::PerPoll { steps: 2 })
                    .build(),
            ));
            let sim: SharedTransport = Arc::new(SimTransport::new(world.clone(), skin));
            let layer = Arc::new(
                CassetteLayer::builder(&path)
                    .vendor(vendor)
                    .mode(Mode::Record)
                    .inner(sim)
                    .provenance(
                        Provenance::recorded_now()
                            .source(Source::Recorded)
                            .endpoint("omnivirt-sim, in process")
                            .product(format!("omnivirt simulator, {vendor} skin"))
                            .recorded_by("tests/tests/replay.rs (OMNIVIRT_CASSETTE=record)")
                            .notes(
                                "The conformance suite run against the simulator; replayed to \
                                 prove the adapter drives the same conversation without it.",
                            ),
                    )
                    .build()
                    .unwrap(),
            );
            let (counting, requests) = Counting::wrap(layer.clone());
            let mut target = Target::new(format!("{vendor}/record"), Client::new(make(counting)));
            target.world = Some(world);
            target.requests = Some(requests);
            target.skips.extend(skips.iter().copied());
            assert_suite(&target).await;
            layer.save(&path).unwrap();
        }
        _ => {
            let layer = Arc::new(CassetteLayer::replay_file(&path).unwrap());
            // Counted above the cassette: a request sent would also be a miss, which `finish`
            // reports, but the counter names the op that sent it.
            let (counting, requests) = Counting::wrap(layer.clone());
            let mut target = Target::new(format!("{vendor}/replay"), Client::new(make(counting)));
            target.requests = Some(requests);
            target.skips.extend(skips.iter().copied());
            target.faults_recorded = true;
            assert_suite(&target).await;
            layer.finish().unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ovirt_replay() {
    suite(
        "ovirt",
        Arc::new(omnivirt_sim::skins::ovirt::OvirtSkin::new()),
        &[],
        |t| {
            Arc::new(
                omnivirt_ovirt::OvirtBackend::with_transport(
                    "http://sim.invalid/ovirt-engine/api",
                    t,
                    omnivirt_ovirt::Credentials::Password {
                        username: "admin@internal".into(),
                        password: "admin".into(),
                    },
                )
                .unwrap(),
            )
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtower_replay() {
    suite(
        "cloudtower",
        Arc::new(omnivirt_sim::skins::cloudtower::CloudTowerSkin::new()),
        &[],
        |t| {
            Arc::new(omnivirt_cloudtower::CloudTowerBackend::with_transport(
                "http://sim.invalid/v2/api",
                t,
                omnivirt_cloudtower::Credentials::password("admin", "admin"),
            ))
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zstack_replay() {
    suite(
        "zstack",
        Arc::new(omnivirt_sim::skins::zstack::ZStackSkin::new()),
        &[],
        |t| {
            Arc::new(omnivirt_zstack::ZStackBackend::with_transport(
                "http://sim.invalid/zstack/v1",
                t,
                omnivirt_zstack::Credentials::account("admin", "admin"),
            ))
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn veil_replay() {
    suite(
        "veil",
        Arc::new(omnivirt_sim::skins::veil::VeilSkin::new()),
        &[],
        |t| {
            // Random idempotency keys would make every POST body unique; a replay needs the
            // same conversation twice.
            let client = omnivirt_veil::VeilClient::builder("http://sim.invalid/veil")
                .transport(t)
                .credentials(omnivirt_veil::Credentials::password("admin", "admin"))
                .retry(omnivirt_http::RetryPolicy::never())
                .idempotency_keys(omnivirt_veil::native::IdempotencyKeys::Off)
                .build()
                .unwrap();
            let n = std::sync::atomic::AtomicU64::new(0);
            Arc::new(
                omnivirt_veil::VeilBackend::new(client).with_id_source(move || {
                    let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    format!("00000000-0000-4000-8000-{i:012x}")
                }),
            )
        },
    )
    .await;
}
