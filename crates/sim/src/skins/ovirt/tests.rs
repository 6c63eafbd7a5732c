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
    let s = parse_search("id=a or id=b").unwrap();
    assert!(s.any && s.conds.len() == 2);
    assert!(parse_search("id=a or name=b").is_err());
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

#[test]
fn the_actions_table_is_the_common_actions_and_the_power_ones_sorted() {
    for (state, _) in super::status::VM_STATUS {
        let power: &[&str] = match state {
            VmState::Stopped => &[
                "start",
                "clone",
                "export",
                "previewsnapshot",
                "commitsnapshot",
                "undosnapshot",
            ],
            VmState::Running => &[
                "cancelmigration",
                "freezefilesystems",
                "logon",
                "migrate",
                "reboot",
                "shutdown",
                "stop",
                "suspend",
                "thawfilesystems",
                "ticket",
            ],
            VmState::Suspended => &["start", "stop"],
            VmState::Starting | VmState::Stopping | VmState::Rebooting | VmState::Migrating => {
                &["stop", "cancelmigration"]
            }
            _ => &[],
        };
        let mut want = vec!["detach", "maintenance", "reordermacaddresses"];
        want.extend_from_slice(power);
        want.sort_unstable();
        assert_eq!(vm_actions(*state), want.as_slice(), "{state:?}");
    }
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

#[test]
fn text_attributes_numbers_and_links_are_written_escaped() {
    let mut x = X::new(false);
    x.leaf("name", "a<b & \"c\" 'd'>");
    x.num("memory", 1u64 << 30);
    x.links("/api/vms/v&1", &["nics", "tags"]);
    x.link("/api/x?a=1&b=2", "x");
    assert_eq!(
        x.s,
        "<name>a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;</name><memory>1073741824</memory>\
         <link href=\"/api/vms/v&amp;1/nics\" rel=\"nics\"/>\
         <link href=\"/api/vms/v&amp;1/tags\" rel=\"tags\"/>\
         <link href=\"/api/x?a=1&amp;b=2\" rel=\"x\"/>"
    );
    let plain = "no-escapes-here";
    let mut x = X::new(false);
    x.esc(plain);
    assert_eq!(x.s, plain);
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
        (http::Method::GET, "/ovirt-engine/api/macpools".to_string()),
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

mod fabric {
    use std::sync::Arc;

    use omnivirt_http::{Body, Request};

    use crate::WorldConfig;
    use crate::query::{Filter, Paging};
    use crate::skin::Skin;
    use crate::world::World;

    fn world(clusters: u32, templates: u32) -> Arc<World> {
        Arc::new(World::new(
            WorldConfig::builder()
                .clusters(clusters)
                .templates(templates)
                .vms(1)
                .build(),
        ))
    }

    /// `GET` of an API path (below `/ovirt-engine/api`): status and body.
    fn get(world: &World, path: &str) -> (u16, String) {
        let req = Request::new(
            http::Method::GET,
            format!("http://engine/ovirt-engine/api/{path}"),
        )
        .header("Authorization", "Basic YWRtaW5AaW50ZXJuYWw6YWRtaW4=")
        .unwrap();
        let resp = super::super::OvirtSkin::new().handle(world, req);
        let body = match &resp.body {
            Body::Full(b) => String::from_utf8_lossy(b).into_owned(),
            _ => String::new(),
        };
        (resp.status.as_u16(), body)
    }

    /// The `<name>` of every top-level object of a collection document.
    fn names(doc: &str, tag: &str) -> Vec<String> {
        let el = super::parse_xml(doc.as_bytes()).unwrap();
        el.children
            .iter()
            .filter(|c| c.name == tag)
            .filter_map(|c| c.text_at(&["name"]))
            .collect()
    }

    fn walk(world: &World, search: &str, max: usize) -> Vec<String> {
        let mut all = Vec::new();
        for page in 1.. {
            let q = format!("{search} page {page}").replace(' ', "%20");
            let (status, doc) = get(world, &format!("templates?search={q}&max={max}"));
            assert_eq!(status, 200, "{doc}");
            let got = names(&doc, "template");
            assert!(got.len() <= max);
            let last = got.len() < max;
            all.extend(got);
            if last {
                break;
            }
        }
        all
    }

    #[test]
    fn templates_page_with_blank_counted_once() {
        let w = world(2, 5);
        let in_world = w.list_templates(&Filter::new(), &Paging::all()).total;
        for max in [1, 2, 3, 10] {
            let asc = walk(&w, "sortby name asc", max);
            assert_eq!(asc.len(), in_world + 1, "max {max}: {asc:?}");
            assert_eq!(asc[0], "Blank");
            assert_eq!(asc.iter().filter(|n| *n == "Blank").count(), 1);
            let desc = walk(&w, "sortby name desc", max);
            assert_eq!(desc.len(), in_world + 1, "max {max}: {desc:?}");
            assert_eq!(desc.last().map(String::as_str), Some("Blank"));
            let mut back = desc.clone();
            back.reverse();
            assert_eq!(back, asc, "max {max}");
        }
        let first = walk(&w, "sortby name asc", 10)[1].clone();
        let (_, doc) = get(&w, &format!("templates?search=name%3D{first}"));
        assert_eq!(names(&doc, "template"), vec![first]);
        let (_, doc) = get(&w, "templates?search=name%3Dblank");
        assert_eq!(names(&doc, "template"), vec!["Blank".to_owned()]);
        assert!(get(&w, "templates?search=status%3Dok").0 == 400);
        assert_eq!(get(&w, "templates/nope"), (404, String::new()));
    }

    #[test]
    fn networks_in_the_data_center_and_in_a_cluster() {
        let w = world(2, 1);
        let (status, doc) = get(&w, "networks?search=sortby%20name%20asc&max=10");
        assert_eq!(status, 200);
        assert_eq!(names(&doc, "network"), vec!["vlan-101", "vlan-102"]);
        assert!(doc.contains("<vlan id=\"101\"/>"), "{doc}");
        assert!(doc.contains("<usage>vm</usage>"), "{doc}");
        assert!(
            !doc.contains("<cluster "),
            "data-center networks name no cluster"
        );
        let net = w.list_networks(&Filter::new(), &Paging::all()).items[1].clone();
        let (status, one) = get(&w, &format!("networks/{}", net.id));
        assert_eq!(status, 200);
        assert!(one.contains("<name>vlan-102</name>"), "{one}");
        let (status, doc) = get(
            &w,
            &format!("clusters/{}/networks", net.cluster_id.as_str()),
        );
        assert_eq!(status, 200);
        assert_eq!(names(&doc, "network"), vec!["vlan-102"]);
        assert!(doc.contains("<status>operational</status>"), "{doc}");
        assert!(doc.contains(&format!(
            "<cluster href=\"/ovirt-engine/api/clusters/{}\"",
            net.cluster_id.as_str()
        )));
        assert_eq!(get(&w, "networks/nope"), (404, String::new()));
        assert_eq!(get(&w, "clusters/nope/networks"), (404, String::new()));
    }

    #[test]
    fn storage_domains_are_the_worlds_pools() {
        let w = world(3, 1);
        let pools = w.list_storage_pools(&Filter::new(), &Paging::all()).items;
        let (status, doc) = get(&w, "storagedomains?search=name%3Dpool-02");
        assert_eq!(status, 200);
        assert_eq!(names(&doc, "storage_domain"), vec!["pool-02"]);
        let el = super::parse_xml(doc.as_bytes()).unwrap();
        let sd = &el.children[0];
        let pool = pools.iter().find(|p| p.name == "pool-02").unwrap();
        let available = sd.num_at(&["available"]).unwrap().unwrap();
        let used = sd.num_at(&["used"]).unwrap().unwrap();
        assert_eq!(available, pool.free_bytes);
        assert_eq!(available + used, pool.capacity_bytes);
        // As on the engine: attached domains have no status at the top level...
        assert!(sd.child("status").is_none());
        assert_eq!(sd.text_at(&["external_status"]).as_deref(), Some("ok"));
        // ...but do in their data center's view.
        let dc = crate::uuid_from("omnivirt-sim/ovirt/data-center/Default");
        let (status, doc) = get(&w, &format!("datacenters/{dc}/storagedomains"));
        assert_eq!(status, 200);
        assert_eq!(names(&doc, "storage_domain").len(), pools.len());
        assert!(doc.contains("<status>active</status>"));
        let (status, one) = get(&w, &format!("storagedomains/{}", pool.id));
        assert_eq!(status, 200);
        assert!(one.contains("<name>pool-02</name>"));
        assert_eq!(get(&w, "storagedomains/nope"), (404, String::new()));
        let (_, root) = get(&w, "");
        assert!(
            root.contains("<storage_domains><active>3</active><total>3</total>"),
            "{root}"
        );
    }
}
