//! A Fleet lists across several connections as one stream, each item tagged with its context.
#![cfg(all(feature = "sim", feature = "ovirt"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use futures::StreamExt;
use omnivirt::sim::{SimBackend, World, WorldConfig};
use omnivirt::{Client, Context, Credentials, Fleet, ListQuery, Vendor, VmState};

fn sim(seed: u64, vms: u32) -> Client {
    let world = Arc::new(World::new(
        WorldConfig::builder().seed(seed).vms(vms).build(),
    ));
    Client::new(Arc::new(SimBackend::new(world)))
}

#[tokio::test]
async fn lists_every_member_tagged() {
    let fleet = Fleet::new().with("lab", sim(1, 7)).with("prod", sim(2, 12));
    let items: Vec<_> = fleet.vms(ListQuery::new()).collect().await;
    assert_eq!(items.len(), 19);
    let lab = items
        .iter()
        .filter(|i| i.as_ref().unwrap().context == "lab")
        .count();
    assert_eq!(lab, 7);

    let running: Vec<_> = fleet
        .vms(ListQuery::new().vm_state(VmState::Running))
        .collect()
        .await;
    assert!(
        running
            .iter()
            .all(|i| i.as_ref().unwrap().item.state == VmState::Running)
    );

    // Tagged items serialise flat, with the context beside the object's own fields.
    let first = items[0].as_ref().unwrap();
    let v = serde_json::to_value(first).unwrap();
    assert!(v["context"].is_string() && v["id"].is_string());
}

#[tokio::test]
async fn a_failing_member_does_not_hide_the_others() {
    // An oVirt context pointing at a closed port: its error is reported with its name.
    let broken = omnivirt::connect_with_credentials(
        &Context::new(Vendor::Ovirt, "http://127.0.0.1:9/ovirt-engine/api").user("u"),
        Credentials::password("u", "p"),
    )
    .await
    .unwrap();
    let fleet = Fleet::new().with("ok", sim(3, 5)).with("down", broken);
    let items: Vec<_> = fleet.hosts(ListQuery::new()).collect().await;
    let oks = items.iter().filter(|i| i.is_ok()).count();
    assert_eq!(oks, 6, "the healthy member's hosts all arrive");
    let errs: Vec<_> = items.iter().filter_map(|i| i.as_ref().err()).collect();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, "down");
    assert_eq!(errs[0].1.kind(), omnivirt::ErrorKind::Transport);
}

#[tokio::test]
async fn a_context_without_secrets_is_a_config_error() {
    let err = omnivirt::connect_with_credentials(
        &Context::new(Vendor::Ovirt, "https://engine/ovirt-engine/api"),
        Credentials::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), omnivirt::ErrorKind::Config);
    assert!(err.to_string().contains("password-env"), "{err}");
}

#[tokio::test]
async fn close_releases_every_members_session() {
    use omnivirt::sim::{SimServer, skins::ovirt::OvirtSkin};
    let mut fleet = Fleet::new();
    let mut servers = Vec::new();
    for name in ["a", "b"] {
        let world = Arc::new(World::new(WorldConfig::builder().seed(5).vms(3).build()));
        let server = SimServer::start(
            world,
            vec![Arc::new(OvirtSkin::new())],
            "127.0.0.1:0".parse().unwrap(),
        )
        .await
        .unwrap();
        let ctx = Context::new(Vendor::Ovirt, format!("{}/ovirt-engine/api", server.url()))
            .user("admin@internal");
        let client = omnivirt::connect_with_credentials(
            &ctx,
            Credentials::password("admin@internal", "admin"),
        )
        .await
        .unwrap();
        fleet.push(name, client);
        servers.push(server);
    }
    let items: Vec<_> = fleet.vms(ListQuery::new()).collect().await;
    assert_eq!(items.len(), 6);
    let open: Vec<usize> = servers.iter().map(|s| s.world().session_count()).collect();
    assert_eq!(open, vec![1, 1], "each member logged in once");

    let failures = fleet.close().await;
    assert!(failures.is_empty(), "{failures:?}");
    let open: Vec<usize> = servers.iter().map(|s| s.world().session_count()).collect();
    assert_eq!(
        open,
        vec![0, 0],
        "closing the fleet logged every member out"
    );
}
