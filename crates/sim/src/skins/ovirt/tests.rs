//! Unit tests of the oVirt skin's pure parts: search grammar, status table, actions, events.

use omnivirt_core::{Op, ResourceRef, TaskState, VmState};

use super::auth::decode_base64;
use super::filter::parse_search;
use super::jobs::{correlation_of, event_id, failure_event, write_event, write_steps};
use super::render::{VM_ACTIONS, vm_actions};
use super::status::{vm_states_for, vm_status};
use super::xml::{X, parse_xml};
use crate::model::SimTask;

#[test]
fn search_grammar() {
    let s = parse_search("name=web* and status=up sortby name desc page 3").unwrap();
    assert_eq!(
        s.conds,
        vec![
            ("name".into(), "web*".into()),
            ("status".into(), "up".into())
        ]
    );
    assert_eq!(s.sort, Some(("name".into(), true)));
    assert_eq!(s.page, Some(3));
    let s = parse_search("name=\"my vm\"").unwrap();
    assert_eq!(s.conds[0].1, "my vm");
    assert!(parse_search("name=a or name=b").is_err());
    assert!(parse_search("gibberish").is_err());
}

#[test]
fn status_table_round_trips_for_the_stable_states() {
    for s in [VmState::Stopped, VmState::Running, VmState::Suspended] {
        assert!(vm_states_for(vm_status(s)).contains(&s));
    }
    assert_eq!(vm_states_for("wait_for_launch"), vec![VmState::Starting]);
}

#[test]
fn actions_follow_the_state() {
    assert!(vm_actions(VmState::Stopped).contains(&"start"));
    assert!(!vm_actions(VmState::Stopped).contains(&"shutdown"));
    assert!(vm_actions(VmState::Running).contains(&"migrate"));
    assert!(!vm_actions(VmState::Running).contains(&"start"));
    assert!(VM_ACTIONS.iter().all(|a| {
        [VmState::Stopped, VmState::Running, VmState::Suspended]
            .iter()
            .any(|s| vm_actions(*s).contains(a))
            || ["cancelmigration"].contains(a)
    }));
}

fn failed_task(op: Op, corr: Option<&str>) -> SimTask {
    let mut extra = omnivirt_core::Extra::new();
    if let Some(c) = corr {
        extra.insert("correlation_id".into(), serde_json::Value::String(c.into()));
    }
    SimTask {
        id: "t-1".into(),
        op,
        target: ResourceRef::Vm("vm-1".into()),
        target_name: "web-1".into(),
        vm_id: None,
        state: TaskState::Failed,
        progress: 100,
        error: Some(omnivirt_core::TaskError::new(
            Some("SIM_HOST_OOM".into()),
            "host has not enough free memory",
        )),
        description: "Stopping VM web-1".into(),
        created_at: 10,
        started_at: Some(11),
        finished_at: Some(12),
        extra,
    }
}

#[test]
fn failed_tasks_are_logged_as_engine_events() {
    let t = failed_task(Op::VmStart, Some("omnivirt-start-1"));
    let (code, text) = failure_event(&t);
    assert_eq!(code, 119);
    assert_eq!(
        text,
        "VM web-1 is down with error. Exit message: host has not enough free memory \
         (SIM_HOST_OOM)."
    );
    let mut x = X::new(false);
    write_event(&mut x, &t);
    assert!(x.s.contains("<correlation_id>omnivirt-start-1</correlation_id>"));
    assert!(x.s.contains("<severity>error</severity>"));
    assert!(x.s.contains("<vm href=\"/ovirt-engine/api/vms/vm-1\" id=\"vm-1\"/>"));
    let other = failed_task(Op::VmForceStop, None);
    assert_eq!(failure_event(&other).0, 10802);
    let made_up = correlation_of(&other);
    assert_eq!(made_up.len(), 8);
    assert!(made_up.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(made_up, correlation_of(&other), "stable");
    assert_eq!(event_id(&other), event_id(&t), "ids follow the task id");
    let mut x = X::new(false);
    write_steps(&mut x, &other);
    assert_eq!(x.s.matches("<step ").count(), 2);
    assert!(x.s.contains("<status>failed</status><type>executing</type>"));
}

#[test]
fn base64_and_xml_bodies() {
    assert_eq!(
        decode_base64("YWRtaW46YWRtaW4=").as_deref(),
        Some("admin:admin")
    );
    let el = parse_xml(b"<vm><name>a &amp; b</name><cluster id=\"c1\"/><cpu><topology><sockets>2</sockets></topology></cpu></vm>").unwrap();
    assert_eq!(el.text_at(&["name"]).as_deref(), Some("a & b"));
    assert_eq!(el.reference("cluster"), Some((Some("c1".into()), None)));
    assert_eq!(el.num_at(&["cpu", "topology", "sockets"]), Ok(Some(2)));
    assert!(parse_xml(b"<vm>").is_err());
}

#[tokio::test]
async fn an_unknown_api_path_or_action_answers_like_the_engine() {
    use std::sync::Arc;

    use omnivirt_http::Request;

    use crate::WorldConfig;
    use crate::skin::Skin;
    use crate::world::World;

    let world = Arc::new(World::new(WorldConfig::builder().vms(1).build()));
    let skin = super::OvirtSkin::new();
    let vms = world.list_vms(
        &crate::query::Filter::default(),
        &crate::query::Paging::default(),
    );
    let vm = vms.items[0].id.as_str().to_owned();
    for (method, path) in [
        (http::Method::GET, "/ovirt-engine/api/networks".to_string()),
        (
            http::Method::POST,
            format!("/ovirt-engine/api/vms/{vm}/nosuchaction"),
        ),
        (http::Method::GET, "/ovirt-engine/api/vms/x/y/z".to_string()),
    ] {
        let req = Request::new(method, format!("http://engine{path}"))
            // admin@internal:admin
            .header("Authorization", "Basic YWRtaW5AaW50ZXJuYWw6YWRtaW4=")
            .unwrap();
        let resp = skin.handle(&world, req);
        assert_eq!(resp.status, http::StatusCode::NOT_FOUND, "{path}");
        let empty = matches!(&resp.body, omnivirt_http::Body::Full(b) if b.is_empty());
        assert!(empty, "{path}: the engine sends no body");
    }
}
