//! The generated typed actions (`ZStackClient::actions()`): the requests they make over real
//! HTTP against wiremock are the same as `omnivirt api`'s, required parameters are constructor
//! arguments, valid values are enums that still accept other values, and queries take the
//! `Query` builder. Also against the simulator: a typed start followed to its end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_sim::skins::zstack::ZStackSkin;
use omnivirt_sim::{SimTransport, Tick, World, WorldConfig};
use omnivirt_zstack::generated::ops::{
    ChangeZoneState, ChangeZoneStateStateEvent, CreateZone, DestroyVmInstance, GetVersion,
    StartVmInstance, StopVmInstance, StopVmInstanceType,
};
use omnivirt_zstack::generated::results;
use omnivirt_zstack::query::{Condition, Direction, Query};
use omnivirt_zstack::{Credentials, Reply, ZStackClient};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[tokio::test]
async fn typed_actions_make_the_wire_requests() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/zstack/v1/accounts/login"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"inventory": {"uuid": "s1"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"inventories": []})))
        .mount(&server)
        .await;
    for m in ["PUT", "POST", "DELETE"] {
        Mock::given(method(m))
            .respond_with(
                ResponseTemplate::new(202)
                    .set_body_json(json!({"location": "http://mn:8080/zstack/v1/api-jobs/j1"})),
            )
            .mount(&server)
            .await;
    }
    let zs = ZStackClient::builder(format!("{}/zstack/v1", server.uri()))
        .credentials(Credentials::account("admin", "password"))
        .build()
        .unwrap();
    let ops = zs.actions();

    let mut stop = StopVmInstance::new("vm1");
    stop.r#type = Some(StopVmInstanceType::Cold);
    stop.system_tags = Some(vec!["x::y".into()]);
    let reply = assert_send(ops.stop_vm_instance(&stop)).await.unwrap();
    assert_eq!(reply.job().unwrap().uuid, "j1");

    let mut zone = CreateZone::new("z-1");
    zone.is_default = Some(true);
    ops.create_zone(&zone).await.unwrap();

    // A value the model does not list is still sent.
    let change = ChangeZoneState::new(
        "z1",
        ChangeZoneStateStateEvent::Unrecognized("maintain".into()),
    );
    ops.change_zone_state(&change).await.unwrap();

    let mut destroy = DestroyVmInstance::new("vm2");
    destroy.delete_mode = Some("Enforcing".into());
    ops.destroy_vm_instance(&destroy).await.unwrap();

    let q = Query::new()
        .filter(Condition::eq("state", "Running"))
        .limit(2)
        .sort("name", Direction::Desc);
    let reply = ops.query_vm_instance(&q).await.unwrap();
    assert!(matches!(reply, Reply::Done(ref v) if v["inventories"] == json!([])));
    ops.query_vm_nic_in_security_group(&Query::new())
        .await
        .unwrap();

    let got: Vec<(String, String, String, Value)> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| !r.url.path().ends_with("/login"))
        .map(|r| {
            (
                r.method.to_string(),
                r.url.path().to_string(),
                r.url.query().unwrap_or("").to_string(),
                serde_json::from_slice(&r.body).unwrap_or(Value::Null),
            )
        })
        .collect();
    let want = vec![
        (
            "PUT",
            "/zstack/v1/vm-instances/vm1/actions",
            "",
            json!({"stopVmInstance": {"type": "cold", "systemTags": ["x::y"]}}),
        ),
        (
            "POST",
            "/zstack/v1/zones",
            "",
            json!({"params": {"name": "z-1", "isDefault": true}}),
        ),
        (
            "PUT",
            "/zstack/v1/zones/z1/actions",
            "",
            json!({"changeZoneState": {"stateEvent": "maintain"}}),
        ),
        (
            "DELETE",
            "/zstack/v1/vm-instances/vm2",
            "deleteMode=Enforcing",
            Value::Null,
        ),
        (
            "GET",
            "/zstack/v1/vm-instances",
            "q=state%3DRunning&limit=2&sort=-name",
            Value::Null,
        ),
        (
            "GET",
            "/zstack/v1/security-groups/vm-instances/nics",
            "",
            Value::Null,
        ),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(
            (g.0.as_str(), g.1.as_str(), g.2.as_str(), &g.3),
            (w.0, w.1, w.2, &w.3)
        );
    }
}

#[test]
fn pairs_carry_model_names_and_leave_unset_ones_out() {
    let mut start = StartVmInstance::new("u1");
    start.host_uuid = Some("h1".into());
    assert_eq!(
        start.pairs(),
        vec![
            ("uuid".to_string(), json!("u1")),
            ("hostUuid".to_string(), json!("h1")),
        ]
    );
    assert!(GetVersion::default().pairs().is_empty());
    assert_eq!(StopVmInstanceType::Grace.as_str(), "grace");
}

#[tokio::test]
async fn a_typed_start_against_the_simulator() {
    let world = Arc::new(World::new(
        WorldConfig::builder()
            .seed(3)
            .vms(6)
            .tick(Tick::PerPoll { steps: 2 })
            .build(),
    ));
    let zs = ZStackClient::new(
        "http://sim.invalid/zstack/v1",
        Arc::new(SimTransport::new(world, Arc::new(ZStackSkin::new()))),
        Credentials::account("admin", "admin"),
    );
    let Reply::Done(page) = zs
        .actions()
        .query_vm_instance(
            &Query::new()
                .filter(Condition::eq("state", "Stopped"))
                .limit(1),
        )
        .await
        .unwrap()
    else {
        panic!("a query answers at once")
    };
    let uuid = page["inventories"][0]["uuid"].as_str().unwrap();
    let reply = zs
        .actions()
        .start_vm_instance(&StartVmInstance::new(uuid))
        .await
        .unwrap();
    let every = Duration::from_millis(5);
    let done = zs
        .wait(
            &reply,
            ZStackClient::default_wait()
                .interval(every, every)
                .timeout(Duration::from_secs(30)),
        )
        .await
        .unwrap();
    assert_eq!(done["inventory"]["state"], "Running");
    // The result classes of the common shapes are types.
    let typed: results::StartVmInstanceResult = serde_json::from_value(done).unwrap();
    let vm = typed.inventory.unwrap();
    assert_eq!(vm.uuid.as_deref(), Some(uuid));
    assert_eq!(vm.state.as_deref(), Some("Running"));
    let typed: results::QueryVmInstanceResult = serde_json::from_value(page.clone()).unwrap();
    assert_eq!(typed.inventories.len(), 1);
    zs.close().await.unwrap();
}
