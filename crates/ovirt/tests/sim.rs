//! The native face and the uniform backend against the oVirt skin of the simulator, in
//! process (`SimTransport`) and over loopback HTTP (`SimServer`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use omnivirt_core::{
    Backend, Client, DiskSpec, ErrorKind, FromTarget, ListQuery, Operation, PowerAction, VmSpec,
    VmState,
};
use omnivirt_http::{RetryPolicy, SharedTransport};
use omnivirt_ovirt::types::{DiskInterface, Linked, Object, Vm, VmStatus};
use omnivirt_ovirt::{Connection, Credentials, Filter, OvirtBackend};
use omnivirt_sim::skins::ovirt::OvirtSkin;
use omnivirt_sim::{SimServer, SimTransport, World, WorldConfig};

const URL: &str = "http://engine.sim/ovirt-engine/api";

fn world(vms: u32) -> Arc<World> {
    Arc::new(World::new(WorldConfig::builder().vms(vms).build()))
}

fn transport(world: &Arc<World>) -> SharedTransport {
    Arc::new(SimTransport::new(world.clone(), Arc::new(OvirtSkin::new())))
}

fn conn(world: &Arc<World>) -> Connection {
    Connection::builder(URL)
        .username("admin@internal")
        .password("admin")
        .retry(RetryPolicy::never())
        .wait_backoff(Duration::from_millis(100), Duration::from_secs(1))
        .transport(transport(world))
        .build()
        .unwrap()
}

/// Submits an operation and waits for it; both steps must succeed.
async fn done<T: FromTarget>(
    submit: impl std::future::Future<Output = omnivirt_core::Result<Operation<T>>>,
) -> T {
    submit.await.unwrap().wait().await.unwrap()
}

#[tokio::test]
async fn list_search_max_and_root() {
    let w = world(20);
    let conn = conn(&w);
    let api = conn.system().get().await.unwrap();
    assert_eq!(api.summary_of("vms").unwrap().total, Some(20));
    assert_eq!(
        api.blank_template_id(),
        Some(omnivirt_ovirt::BLANK_TEMPLATE_ID)
    );

    let vms = conn.system().vms().list().max(5).send().await.unwrap();
    assert_eq!(vms.len(), 5);
    for vm in &vms {
        match vm.status {
            Some(VmStatus::Up) => assert!(vm.has_action("shutdown") && !vm.has_action("start")),
            Some(VmStatus::Down) => assert!(vm.has_action("start") && !vm.has_action("shutdown")),
            _ => {}
        }
    }
    assert!(vms[0].link("diskattachments").is_some());

    let up = conn
        .system()
        .vms()
        .list()
        .search("status=up")
        .send()
        .await
        .unwrap();
    assert!(!up.is_empty());
    assert!(up.iter().all(|v| v.status == Some(VmStatus::Up)));

    let one = conn
        .system()
        .vms()
        .list()
        .search("name=VM-0000*")
        .case_sensitive(false)
        .send()
        .await
        .unwrap();
    assert_eq!(one.len(), 9, "vm-00001..vm-00009");
}

#[tokio::test]
async fn paging_stream_walks_everything_once() {
    let w = world(45);
    let conn = conn(&w);
    let all: Vec<Vm> = conn
        .system()
        .vms()
        .list()
        .search("sortby name asc")
        .pages(10)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 45);
    let mut names: Vec<_> = all.iter().map(|v| v.name.clone().unwrap()).collect();
    let before = names.clone();
    names.sort();
    names.dedup();
    assert_eq!(names, before, "sorted, no duplicates");
}

#[tokio::test(start_paused = true)]
async fn sdk_scenario_add_start_stop_remove() {
    let w = world(2);
    let conn = conn(&w);
    let vms = conn.system().vms();
    let cluster = conn
        .system()
        .clusters()
        .list()
        .send()
        .await
        .unwrap()
        .remove(0);
    let vm = vms
        .add(Vm {
            name: Some("scenario-1".into()),
            cluster: Some(Linked::by_name(cluster.name.as_deref().unwrap())),
            template: Some(Linked::by_name("Blank")),
            memory: Some(2 << 30),
            ..Vm::default()
        })
        .correlation_id("add-scenario-1")
        .send()
        .await
        .unwrap();
    assert_eq!(vm.status, Some(VmStatus::ImageLocked));
    let svc = vms.vm(vm.id.as_deref().unwrap());
    svc.wait_for_status(&[VmStatus::Down], Duration::from_secs(60))
        .await
        .unwrap();
    let jobs = conn
        .system()
        .jobs()
        .find_by_correlation_id("add-scenario-1")
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);

    let answer = svc.start().send().await.unwrap();
    let job = answer.job.clone().unwrap();
    let up = svc
        .wait_for_status(&[VmStatus::Up], Duration::from_secs(60))
        .await
        .unwrap();
    assert!(up.host.is_some());
    conn.system()
        .jobs()
        .job(job.id().unwrap())
        .wait_done(Duration::from_secs(10))
        .await
        .unwrap();

    // Update only what changed.
    let updated = svc
        .update(Vm {
            description: Some("changed".into()),
            ..Vm::default()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(updated.description.as_deref(), Some("changed"));
    assert_eq!(updated.memory, Some(2 << 30));

    // Starting a running VM is a fault with the engine's status.
    let e = svc.start().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert_eq!(e.detail().unwrap().http_status, Some(409));

    svc.stop().send().await.unwrap();
    svc.wait_for_status(&[VmStatus::Down], Duration::from_secs(60))
        .await
        .unwrap();
    svc.remove().detach_only(true).send().await.unwrap();
    svc.wait_for_removal(Duration::from_secs(60)).await.unwrap();
    conn.close().await.unwrap();
    assert_eq!(w.session_count(), 0, "token revoked on close");
}

#[tokio::test(start_paused = true)]
async fn wait_times_out_with_timeout_kind() {
    let w = world(10);
    let conn = conn(&w);
    let vm = conn
        .system()
        .vms()
        .list()
        .search("status=down")
        .send()
        .await
        .unwrap()
        .remove(0);
    let svc = conn.system().vms().vm(vm.id.as_deref().unwrap());
    let e = svc
        .wait_for_status(&[VmStatus::Up], Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
}

#[tokio::test]
async fn follow_attachments_and_attach_detach_natively() {
    let w = world(10);
    let conn = conn(&w);
    let vm = conn
        .system()
        .vms()
        .list()
        .search("status=down")
        .follow("disk_attachments.disk")
        .send()
        .await
        .unwrap()
        .remove(0);
    let atts = vm.disk_attachments.as_deref().unwrap_or_default();
    assert_eq!(atts.len(), 1);
    let linked = atts[0].disk.as_ref().unwrap();
    assert!(linked.is_inlined(), "followed disk is inlined");
    let disk = linked.object().unwrap();
    assert!(disk.provisioned_size.unwrap() > 0, "followed disk is full");

    let svc = conn.system().vms().vm(vm.id.as_deref().unwrap());
    let atts = svc.disk_attachments();
    atts.attachment(disk.id.as_deref().unwrap())
        .remove()
        .send()
        .await
        .unwrap();
    assert!(atts.list().send().await.unwrap().is_empty());
    let a = atts
        .attach(disk.id.as_deref().unwrap(), DiskInterface::Virtio)
        .send()
        .await
        .unwrap();
    assert_eq!(a.interface, Some(DiskInterface::Virtio));
    let href = svc.get().send().await.unwrap();
    let linked: Vec<omnivirt_ovirt::types::DiskAttachment> = conn
        .follow_link_list(href.link("diskattachments").unwrap())
        .await
        .unwrap();
    assert_eq!(linked.len(), 1);
}

#[tokio::test]
async fn client_side_glob_filter_over_hosts() {
    let w = world(0);
    let conn = conn(&w);
    let hosts = conn.system().hosts().list().send().await.unwrap();
    let cluster_id = hosts[0].cluster.as_ref().unwrap().id().unwrap().to_owned();
    let f = Filter::new()
        .eq("name", "host-01-*")
        .eq("cluster.id", cluster_id);
    let mine = f.apply(hosts);
    assert_eq!(mine.len(), 3);
}

#[tokio::test]
async fn expired_token_is_fetched_again_once() {
    let w = world(2);
    let conn = conn(&w);
    conn.system().vms().list().send().await.unwrap();
    w.faults().expire_sessions();
    let vms = conn.system().vms().list().send().await.unwrap();
    assert_eq!(vms.len(), 2);
}

#[tokio::test]
async fn wrong_password_is_unauthenticated() {
    let w = world(0);
    let conn = Connection::builder(URL)
        .username("admin@internal")
        .password("wrong")
        .transport(transport(&w))
        .build()
        .unwrap();
    let e = conn.test().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert!(!format!("{e:?}").contains("wrong"));
}

#[tokio::test(start_paused = true)]
async fn retries_transient_errors_on_reads() {
    let w = world(2);
    let conn = Connection::builder(URL)
        .username("admin@internal")
        .password("admin")
        .retry(RetryPolicy::builder().max_attempts(3).jitter(false).build())
        .transport(transport(&w))
        .build()
        .unwrap();
    conn.test().await.unwrap();
    w.faults().fail_next_requests_matching(2, 503, "/api/vms");
    assert_eq!(conn.system().vms().list().send().await.unwrap().len(), 2);
}

fn backend(w: &Arc<World>) -> OvirtBackend {
    OvirtBackend::with_transport(
        URL,
        transport(w),
        Credentials::Password {
            username: "admin@internal".into(),
            password: "admin".into(),
        },
    )
    .unwrap()
}

// The uniform behaviour of the backend (lifecycle, power, migration, disks, filters, hosts,
// closing) is tested once for every backend by the conformance suite (`tests/`); what follows
// is oVirt's own.

#[tokio::test(start_paused = true)]
async fn backend_keeps_the_engine_words_and_adds_floating_disks() {
    let w = world(4);
    let client = Client::new(Arc::new(backend(&w)));
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
    let vm = done(client.vms().suspend(&running.id)).await;
    assert_eq!(vm.state, VmState::Suspended);
    assert_eq!(vm.raw_state.as_deref(), Some("suspended"));
    // Without a cluster or storage the disk is a floating disk on the first data domain.
    let disk = done(
        client
            .disks()
            .create(&DiskSpec::new("floating-data", 1 << 30)),
    )
    .await;
    assert_eq!(disk.size_bytes, Some(1 << 30));
}

#[tokio::test]
async fn backend_errors_and_tasks() {
    let w = world(4);
    let b = backend(&w);
    let running = b
        .list_vms(&ListQuery::new().vm_state(VmState::Running), None)
        .await
        .unwrap();
    let vm = &running.items[0];
    let e = b.power(&vm.id, PowerAction::Start).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert_eq!(e.op(), Some(omnivirt_core::Op::VmStart));
    let e = b.delete_vm(&vm.id).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);

    let answer = b
        .connection()
        .system()
        .vms()
        .vm(vm.id.as_str())
        .shutdown()
        .send()
        .await
        .unwrap();
    let job = answer.job.unwrap();
    let task = b.get_task(&job.id().unwrap().into()).await.unwrap();
    assert!(!task.state.is_terminal() || task.state == omnivirt_core::TaskState::Succeeded);

    let e = b.get_vm(&"no-such-vm".into()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let dup = VmSpec::new(
        running.items[1].name.clone(),
        vm.cluster_id.clone().unwrap(),
    );
    let e = b.create_vm(&dup).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
}

async fn first_cluster(client: &Client) -> omnivirt_core::ClusterId {
    client
        .clusters()
        .list(ListQuery::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0)
        .id
}

#[tokio::test(start_paused = true)]
async fn a_failed_start_is_task_failed_with_the_engine_reason() {
    let w = world(2);
    let b = Arc::new(backend(&w));
    let client = Client::new(b.clone());
    let spec = VmSpec::new("doomed-1", first_cluster(&client).await);
    let vm = done(client.vms().create(&spec)).await;
    w.faults()
        .fail_next_task("SIM_HOST_OOM", "host has not enough free memory");
    let op = client.vms().start(&vm.id).await.unwrap();
    // Until the engine gives up, the VM is held by the start.
    let again = b.power(&vm.id, PowerAction::Start).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::InvalidState);
    let e = op.wait().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed, "{e}");
    assert!(
        e.message().contains("host has not enough free memory"),
        "the engine's reason is missing: {e}"
    );
    assert!(e.message().contains("is down with error"), "{e}");
    let detail = e.detail().unwrap();
    assert_eq!(detail.code.as_deref(), Some("119"), "{detail:?}");
    // The VM fell back to down.
    let again = client.vms().get(&vm.id).await.unwrap();
    assert_eq!(again.state, VmState::Stopped);
}

#[tokio::test(start_paused = true)]
async fn actions_name_their_job_and_succeed_through_it() {
    let w = world(2);
    let b = Arc::new(backend(&w));
    let client = Client::new(b.clone());
    let spec = VmSpec::new("job-1", first_cluster(&client).await);
    let created = b.create_vm(&spec).await.unwrap();
    let job = created
        .task
        .clone()
        .expect("the add's job, found by correlation id");
    assert_eq!(
        created.expect,
        Some(omnivirt_core::Expect::VmState(vec![VmState::Stopped]))
    );
    let vm_id = match created.target.clone() {
        Some(omnivirt_core::ResourceRef::Vm(id)) => id,
        other => panic!("target {other:?}"),
    };
    // The job is the World's task, tagged with the correlation id the backend sent.
    let corr = w
        .peek_task(job.as_str())
        .unwrap()
        .extra
        .get("correlation_id")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap();
    assert!(corr.starts_with("omnivirt-add-job-1-"), "{corr}");
    w.settle();

    let started = b.power(&vm_id, PowerAction::Start).await.unwrap();
    let job = started
        .task
        .clone()
        .expect("the start's job from the action answer");
    assert!(w.peek_task(job.as_str()).is_ok(), "a World task id");
    assert_eq!(
        started.expect,
        Some(omnivirt_core::Expect::VmState(vec![VmState::Running]))
    );
    let task = b.get_task(&job).await.unwrap();
    assert_eq!(task.state, omnivirt_core::TaskState::Running);
    let busy = client.vms().start(&vm_id).await.map(|_| ()).unwrap_err();
    assert_eq!(busy.kind(), ErrorKind::InvalidState);
    w.settle();
    let task = b.get_task(&job).await.unwrap();
    assert_eq!(task.state, omnivirt_core::TaskState::Succeeded);
    assert!(task.error.is_none());

    // Through the client: the job is followed, then the status converges.
    let vm = done(client.vms().reboot(&vm_id)).await;
    assert_eq!(vm.state, VmState::Running);
    // Commands that succeeded logged only `normal` events, none carrying an error.
    let events = b
        .connection()
        .system()
        .events()
        .list()
        .send()
        .await
        .unwrap();
    assert!(!events.is_empty());
    assert!(
        events
            .iter()
            .all(|e| e.severity == Some(omnivirt_ovirt::types::LogSeverity::Normal)),
        "{events:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn without_job_following_nothing_is_tagged() {
    let w = world(2);
    let b = Arc::new(backend(&w).follow_jobs(false));
    let client = Client::new(b.clone());
    let spec = VmSpec::new("plain-1", first_cluster(&client).await);
    let created = b.create_vm(&spec).await.unwrap();
    assert!(created.task.is_none());
    w.settle();
    let vm_id = match created.target {
        Some(omnivirt_core::ResourceRef::Vm(id)) => id,
        other => panic!("target {other:?}"),
    };
    let started = b.power(&vm_id, PowerAction::Start).await.unwrap();
    assert!(started.task.is_none());
    let tagged = w
        .list_tasks(&omnivirt_sim::Filter::new(), &omnivirt_sim::Paging::all())
        .items
        .iter()
        .filter(|t| t.extra.contains_key("correlation_id"))
        .count();
    assert_eq!(tagged, 0);
    // The status-only wait still converges.
    let vm = client.vms().start(&vm_id).await.map(|_| ()).unwrap_err();
    assert_eq!(vm.kind(), ErrorKind::InvalidState, "still starting");
    w.settle();
    let vm = done(client.vms().stop(&vm_id)).await;
    assert_eq!(vm.state, VmState::Stopped);
}

/// An engine that names no job in its action answers and finds none by correlation id.
#[derive(Debug)]
struct JoblessEngine {
    inner: SharedTransport,
    job_reads: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl omnivirt_http::Transport for JoblessEngine {
    async fn send(
        &self,
        req: omnivirt_http::Request,
    ) -> omnivirt_core::Result<omnivirt_http::Response> {
        let path = req.path().to_owned();
        if req.method == http::Method::GET && path.contains("/api/jobs") {
            self.job_reads
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut headers = http::HeaderMap::new();
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/xml"),
            );
            return Ok(omnivirt_http::Response::new(
                http::StatusCode::OK,
                headers,
                "<jobs/>",
            ));
        }
        let is_action =
            req.method == http::Method::POST && path.starts_with("/ovirt-engine/api/vms/");
        let resp = self.inner.send(req).await?;
        if !is_action {
            return Ok(resp);
        }
        let body = String::from_utf8(resp.body.collect().await?.to_vec()).unwrap();
        let stripped = match (body.find("<job "), body.find("<status>")) {
            (Some(a), Some(b)) if a < b => format!("{}{}", &body[..a], &body[b..]),
            _ => body,
        };
        assert!(!stripped.contains("<job"), "{stripped}");
        Ok(omnivirt_http::Response::new(
            resp.status,
            resp.headers,
            stripped,
        ))
    }
}

#[tokio::test(start_paused = true)]
async fn an_engine_without_jobs_still_converges_on_the_status() {
    let w = world(2);
    let engine = Arc::new(JoblessEngine {
        inner: transport(&w),
        job_reads: std::sync::atomic::AtomicUsize::new(0),
    });
    let b = Arc::new(
        OvirtBackend::with_transport(
            URL,
            engine.clone(),
            Credentials::Password {
                username: "admin@internal".into(),
                password: "admin".into(),
            },
        )
        .unwrap(),
    );
    let client = Client::new(b.clone());
    let spec = VmSpec::new("jobless-1", first_cluster(&client).await);
    let created = b.create_vm(&spec).await.unwrap();
    assert!(created.task.is_none(), "no job was found");
    assert_eq!(
        engine.job_reads.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one search by correlation id"
    );
    w.settle();
    let vm_id = match created.target {
        Some(omnivirt_core::ResourceRef::Vm(id)) => id,
        other => panic!("target {other:?}"),
    };
    let vm = done(client.vms().start(&vm_id)).await;
    assert_eq!(vm.state, VmState::Running);
    // The start's answer named no job: one more search, and no job was ever read by id.
    assert_eq!(
        engine.job_reads.load(std::sync::atomic::Ordering::SeqCst),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_loopback_http() {
    let w = world(5);
    let server = SimServer::start(
        w.clone(),
        vec![Arc::new(OvirtSkin::new())],
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let url = format!("{}/ovirt-engine/api", server.url());
    let conn = Connection::builder(url)
        .username("admin@internal")
        .password("admin")
        .build()
        .unwrap();
    let vms = conn.system().vms().list().send().await.unwrap();
    assert_eq!(vms.len(), 5);
    let b = OvirtBackend::new(conn.clone());
    let page = b.list_hosts(&ListQuery::new(), None).await.unwrap();
    assert_eq!(page.items.len(), 6);
    conn.close().await.unwrap();
}
