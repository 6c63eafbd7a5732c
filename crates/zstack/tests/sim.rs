//! The native client and the backend against the ZStack skin of the simulator: in process
//! (SimTransport) and over loopback HTTP (SimServer).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use omnivirt_core::{
    Backend, Client, DiskSpec, ErrorKind, ListQuery, Op, TaskState, VmState, WaitOptions,
};
use omnivirt_http::{HttpStack, Request, SharedTransport, TlsOptions, Transport};
use omnivirt_sim::skins::zstack::ZStackSkin;
use omnivirt_sim::{SimServer, SimTransport, Tick, World, WorldConfig};
use omnivirt_zstack::query::{Condition, Direction, Query};
use omnivirt_zstack::{
    Credentials, JobStatus, Reply, StopType, ZStackBackend, ZStackClient, password_hash,
};
use serde_json::json;

const BASE: &str = "http://sim.invalid/zstack/v1";

fn world() -> Arc<World> {
    Arc::new(World::new(
        WorldConfig::builder()
            .seed(7)
            .vms(30)
            .tick(Tick::PerPoll { steps: 2 })
            .build(),
    ))
}

fn transport(world: &Arc<World>) -> SharedTransport {
    Arc::new(SimTransport::new(
        world.clone(),
        Arc::new(ZStackSkin::new()),
    ))
}

fn client(world: &Arc<World>) -> ZStackClient {
    ZStackClient::new(
        BASE,
        transport(world),
        Credentials::account("admin", "admin"),
    )
}

fn fast() -> WaitOptions {
    let every = Duration::from_millis(10);
    ZStackClient::default_wait()
        .interval(every, every)
        .timeout(Duration::from_secs(30))
}

#[tokio::test]
async fn login_query_and_logout() {
    let world = world();
    let zs = client(&world);
    let page = zs
        .query_vms(
            &Query::new()
                .filter(Condition::eq("state", "Running"))
                .limit(3)
                .reply_with_count(true)
                .sort("name", Direction::Desc),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);
    assert!(
        page.items
            .iter()
            .all(|v| v.state.as_deref() == Some("Running"))
    );
    assert!(page.items[0].name > page.items[1].name, "sorted descending");
    let running = world
        .list_vms(
            &omnivirt_sim::Filter::new().vm_state(VmState::Running),
            &omnivirt_sim::Paging::all(),
        )
        .total as u64;
    assert_eq!(page.total, Some(running));
    // uuids on the wire are 32 hex digits, like ZStack's.
    assert_eq!(page.items[0].uuid.as_deref().map(str::len), Some(32));
    assert_eq!(world.session_count(), 1);
    zs.close().await.unwrap();
    assert_eq!(world.session_count(), 0, "close logs out");
}

#[tokio::test]
async fn wrong_password_and_missing_session() {
    let world = world();
    let zs = ZStackClient::new(
        BASE,
        transport(&world),
        Credentials::account("admin", "nope"),
    );
    let e = zs.query_hosts(&Query::new()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert_eq!(e.detail().unwrap().code.as_deref(), Some("ID.1000"));

    let raw = transport(&world);
    let resp = raw
        .send(Request::get(format!("{BASE}/vm-instances")))
        .await
        .unwrap();
    assert_eq!(resp.status.as_u16(), 400);
    assert_eq!(
        resp.bytes().await.unwrap(),
        "missing header 'Authorization'"
    );
    // The login body the skin accepts is the SHA-512 hex, under logInByAccount.
    let login = Request::put(format!("{BASE}/accounts/login"))
        .json(&json!({"logInByAccount": {"accountName": "admin", "password": password_hash("admin")}}))
        .unwrap();
    let resp = raw.send(login).await.unwrap();
    assert_eq!(resp.status.as_u16(), 200);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["inventory"]["uuid"].as_str().unwrap().len(), 32);
}

#[tokio::test]
async fn expired_sessions_log_in_again() {
    let world = world();
    let zs = client(&world);
    zs.query_clusters(&Query::new()).await.unwrap();
    world.faults().expire_sessions();
    let page = zs.query_clusters(&Query::new()).await.unwrap();
    assert!(!page.items.is_empty());
}

#[tokio::test]
async fn actions_answer_202_and_jobs_progress() {
    let world = world();
    let zs = client(&world);
    let vm = zs
        .query_vms(
            &Query::new()
                .filter(Condition::eq("state", "Running"))
                .limit(1),
        )
        .await
        .unwrap()
        .items
        .remove(0);
    let reply = zs
        .stop_vm(vm.uuid.as_deref().unwrap(), StopType::Cold)
        .await
        .unwrap();
    let Reply::Accepted(job) = &reply else {
        panic!("stop answered {reply:?}");
    };
    assert_eq!(zs.job_status(&job.uuid).await.unwrap(), JobStatus::Running);
    let done = zs.wait(&reply, fast()).await.unwrap();
    assert_eq!(done["inventory"]["uuid"], vm.uuid.as_deref().unwrap());
    assert_eq!(done["inventory"]["state"], "Stopped");
    assert!(done["inventory"]["hostUuid"].is_null());
    // Stopping it again is refused by the API: VM.1010, invalid state.
    let e = zs
        .stop_vm(vm.uuid.as_deref().unwrap(), StopType::Grace)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert_eq!(e.detail().unwrap().code.as_deref(), Some("VM.1010"));
    // An unknown job.
    let e = zs
        .job_status("00000000000000000000000000000000")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn failed_jobs_carry_the_error_code() {
    let world = world();
    let zs = client(&world);
    let vm = zs
        .query_vms(
            &Query::new()
                .filter(Condition::eq("state", "Stopped"))
                .limit(1),
        )
        .await
        .unwrap()
        .items
        .remove(0);
    world
        .faults()
        .fail_next_task("VM.1001", "no host has enough memory");
    let reply = zs
        .start_vm(vm.uuid.as_deref().unwrap(), None)
        .await
        .unwrap();
    let e = zs.wait(&reply, fast()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed);
    assert!(e.message().contains("no host has enough memory"));
}

// The uniform behaviour of the backend (lifecycle, power, disks, filters, hosts, missing tasks,
// logging out on close) is tested once for every backend by the conformance suite (`tests/`);
// what follows is ZStack's own.

#[tokio::test(start_paused = true)]
async fn backend_keeps_zstack_words_and_creates_disks_without_a_cluster() {
    let world = world();
    let backend = ZStackBackend::with_transport(
        BASE,
        transport(&world),
        Credentials::account("admin", "admin"),
    );
    assert_eq!(backend.vendor(), "zstack");
    assert!(!backend.capabilities().supports(Op::TaskGetBatch));
    let client = Client::new(Arc::new(backend));
    let running = client
        .vms()
        .page(
            &ListQuery::new().vm_state(VmState::Running).page_size(1),
            None,
        )
        .await
        .unwrap()
        .items
        .remove(0);
    let vm = client
        .vms()
        .suspend(&running.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(vm.state, VmState::Suspended);
    assert_eq!(vm.raw_state.as_deref(), Some("Paused"));
    // A data volume needs no cluster: it is created on the zone's primary storage.
    let disk = client
        .disks()
        .create(&DiskSpec::new("zs-data", 2 << 30))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(disk.size_bytes, Some(2 << 30));
}

#[tokio::test]
async fn task_states_follow_the_job() {
    let world = world();
    let backend = ZStackBackend::with_transport(
        BASE,
        transport(&world),
        Credentials::account("admin", "admin"),
    );
    let stopped = backend
        .list_vms(&ListQuery::new().vm_state(VmState::Stopped), None)
        .await
        .unwrap();
    let vm = &stopped.items[0];
    let sub = backend
        .power(&vm.id, omnivirt_core::PowerAction::Start)
        .await
        .unwrap();
    let task = sub.task.unwrap();
    let t = backend.get_task(&task).await.unwrap();
    assert_eq!(t.state, TaskState::Running);
    let t = backend.get_task(&task).await.unwrap();
    assert_eq!(t.state, TaskState::Succeeded);
    assert_eq!(
        t.target,
        Some(omnivirt_core::ResourceRef::Vm(vm.id.clone()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_loopback_http() {
    let world = world();
    let server = SimServer::start(
        world.clone(),
        vec![Arc::new(ZStackSkin::new())],
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .unwrap();
    let http = HttpStack::default_for(TlsOptions::default())
        .unwrap()
        .build();
    let zs = ZStackClient::new(
        format!("{}/zstack/v1", server.url()),
        http,
        Credentials::account("admin", "admin"),
    );
    let zones = zs.query_zones(&Query::new()).await.unwrap();
    assert_eq!(zones.items.len(), 1);
    let vm = zs
        .query_vms(
            &Query::new()
                .filter(Condition::eq("state", "Stopped"))
                .limit(1),
        )
        .await
        .unwrap()
        .items
        .remove(0);
    let reply = zs
        .start_vm(vm.uuid.as_deref().unwrap(), None)
        .await
        .unwrap();
    let v = zs.wait(&reply, fast()).await.unwrap();
    assert_eq!(v["inventory"]["state"], "Running");
    zs.close().await.unwrap();
}

#[tokio::test]
async fn skin_answers_malformed_input_in_kind() {
    let world = world();
    let raw = transport(&world);
    let zs = client(&world);
    zs.query_zones(&Query::new()).await.unwrap(); // logs in
    let token = {
        // A fresh session for raw requests.
        let login = Request::put(format!("{BASE}/accounts/login"))
            .json(&json!({"logInByAccount": {"accountName": "admin", "password": password_hash("admin")}}))
            .unwrap();
        let v: serde_json::Value = raw.send(login).await.unwrap().json().await.unwrap();
        v["inventory"]["uuid"].as_str().unwrap().to_owned()
    };
    let auth = |r: Request| {
        r.header("Authorization", &format!("OAuth {token}"))
            .unwrap()
    };
    let cases: Vec<(Request, u16, &str)> = vec![
        (
            auth(Request::put(format!("{BASE}/vm-instances/x/actions")).body("not json")),
            400,
            "not the JSON expected",
        ),
        (
            auth(Request::put(format!("{BASE}/vm-instances/x/actions")))
                .json(&json!({"fooVmInstance": {}}))
                .unwrap(),
            400,
            "doesn't contain action mapping",
        ),
        (
            auth(Request::get(format!("{BASE}/nothing-here"))),
            404,
            "no api mapping",
        ),
        (
            auth(Request::get(format!("{BASE}/hosts?q=nonsense"))),
            400,
            "invalid query condition",
        ),
        (
            auth(Request::get(format!("{BASE}/hosts?limit=-1"))),
            400,
            "field[limit]",
        ),
        (
            Request::delete(format!("{BASE}/api-jobs/abc")),
            405,
            "only GET",
        ),
        (
            Request::get(format!("{BASE}/hosts"))
                .header("Authorization", "Bearer x")
                .unwrap(),
            400,
            "must be 'OAuth'",
        ),
        (
            Request::get(format!("{BASE}/hosts"))
                .header("Authorization", "OAuth 00000000000000000000000000000000")
                .unwrap(),
            503,
            "ID.1001",
        ),
        (
            auth(Request::post(format!("{BASE}/vm-instances")))
                .json(&json!({"params": {"name": "x", "instanceOfferingUuid": "o"}}))
                .unwrap(),
            503,
            "SYS.1007",
        ),
        (
            auth(Request::post(format!("{BASE}/volumes/data")))
                .json(&json!({"params": {"name": "d", "diskSize": "big"}}))
                .unwrap(),
            503,
            "diskSize",
        ),
    ];
    for (req, status, needle) in cases {
        let what = format!("{} {}", req.method, req.url);
        let resp = raw.send(req).await.unwrap();
        assert_eq!(resp.status.as_u16(), status, "{what}");
        let body = String::from_utf8(resp.bytes().await.unwrap().to_vec()).unwrap();
        assert!(body.contains(needle), "{what}: {body}");
    }
    // count=true and fields=: only the total, or only the named fields.
    let v: serde_json::Value = raw
        .send(auth(Request::get(format!(
            "{BASE}/vm-instances?count=true"
        ))))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v, json!({"total": 30}));
    let v: serde_json::Value = raw
        .send(auth(Request::get(format!(
            "{BASE}/hosts?fields=uuid,name&limit=1"
        ))))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut keys: Vec<&String> = v["inventories"][0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["name", "uuid"]);
    assert_eq!(
        v["schema"]["inventories[0]"],
        "org.zstack.kvm.KVMHostInventory"
    );
}

#[tokio::test(start_paused = true)]
async fn tags_beyond_one_page_are_all_read() {
    let world = world();
    let backend = ZStackBackend::with_transport(
        BASE,
        transport(&world),
        Credentials::account("admin", "admin"),
    );
    let client = Client::new(Arc::new(backend));
    let clusters: Vec<omnivirt_core::Cluster> = client
        .clusters()
        .list(ListQuery::new())
        .try_collect()
        .await
        .unwrap();
    let cluster = clusters[0].id.clone();
    // 1,234 user tags: more than the 1,000 a QueryUserTag page holds.
    let mut spec = omnivirt_core::VmSpec::new("many-tags", cluster)
        .vcpus(1)
        .memory_bytes(1 << 30);
    for i in 0..1234 {
        spec = spec.tag(format!("t{i:04}"));
    }
    let vm = client
        .vms()
        .create(&spec)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let before = world.requests_seen();
    let got = client.vms().get(&vm.id).await.unwrap();
    let mut tags = got.tags.clone();
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), 1234, "every tag once");
    assert_eq!(tags[0], "t0000");
    assert_eq!(tags[1233], "t1233");
    // The VM, the full first page, then the two sorted pages.
    assert_eq!(world.requests_seen() - before, 4);

    // A VM with a few tags still costs one tag query.
    let other = &client
        .vms()
        .page(&ListQuery::new().page_size(1), None)
        .await
        .unwrap()
        .items[0];
    let before = world.requests_seen();
    client.vms().get(&other.id).await.unwrap();
    assert_eq!(world.requests_seen() - before, 2);
}
