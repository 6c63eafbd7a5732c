//! `omnivirt_zstack::api` against the simulator's ZStack skin: generated operations it serves
//! work end to end (a query, an action followed through its job), and one it does not serve
//! comes back as the REST layer's own error, typed and on one line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_core::api::{CallArgs, find};
use omnivirt_core::{ErrorKind, WaitOptions};
use omnivirt_sim::skins::zstack::ZStackSkin;
use omnivirt_sim::{SimTransport, Tick, World, WorldConfig};
use omnivirt_zstack::api::{self, OPERATIONS};
use omnivirt_zstack::{Credentials, ZStackClient};

fn client() -> ZStackClient {
    let world = Arc::new(World::new(
        WorldConfig::builder()
            .seed(11)
            .vms(12)
            .tick(Tick::PerPoll { steps: 2 })
            .build(),
    ));
    ZStackClient::new(
        "http://sim.invalid/zstack/v1",
        Arc::new(SimTransport::new(world, Arc::new(ZStackSkin::new()))),
        Credentials::account("admin", "admin"),
    )
}

fn args(words: &[&str]) -> CallArgs {
    CallArgs::parse(words).unwrap()
}

fn fast() -> WaitOptions {
    let every = Duration::from_millis(5);
    ZStackClient::default_wait()
        .interval(every, every)
        .timeout(Duration::from_secs(30))
}

#[tokio::test]
async fn a_query_and_a_followed_action() {
    let zs = client();
    let stopped = api::call_on(
        &zs,
        "QueryVmInstance",
        &args(&["q=state=Stopped", "limit=1", "replyWithCount=true"]),
        true,
    )
    .await
    .unwrap();
    let vm = stopped["inventories"][0]["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(stopped["total"].as_u64().unwrap() >= 1);
    let start = find(OPERATIONS, "StartVmInstance").unwrap();
    let out = api::call_op(&zs, start, &args(&[&format!("uuid={vm}")]), Some(fast()))
        .await
        .unwrap();
    assert_eq!(out["inventory"]["state"], "Running", "{out}");
    let got = api::call_on(
        &zs,
        "QueryVmInstance",
        &args(&[&format!("q=uuid={vm}"), r#"fields=["uuid","state"]"#]),
        false,
    )
    .await
    .unwrap();
    assert_eq!(got["inventories"][0]["state"], "Running");
    zs.close().await.unwrap();
}

#[tokio::test]
async fn operations_the_simulator_does_not_serve_are_typed_one_line_errors() {
    let zs = client();
    let err = api::call_on(&zs, "QueryInstanceOffering", &args(&["q=name=x"]), true)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(err.to_string().contains("no api mapping"), "{err}");
    assert!(!err.to_string().contains('\n'));
    let err = api::call_on(
        &zs,
        "ChangeVmPassword",
        &args(&["uuid=abc", "password=x", "account=root"]),
        true,
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("action mapping"), "{err}");
    assert!(!err.to_string().contains('\n'));
    zs.close().await.unwrap();
}
