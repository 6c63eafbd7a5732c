//! The native client and the uniform backend against the simulator's VeiL skin: in process
//! (SimTransport) and over loopback HTTP (SimServer).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use omnivirt_core::{Client, ErrorKind, ListQuery, Op, Result, WaitOptions as CoreWait};
use omnivirt_http::{HttpStack, Request, Response, SharedTransport, TlsOptions, Transport};
use omnivirt_sim::skins::veil::VeilSkin;
use omnivirt_sim::{SimServer, SimTransport, World};
use omnivirt_veil::error::error_body;
use omnivirt_veil::native::{
    DomainCreate, DomainFilter, MultiAction, Paginator, Placement, Tasks, VDiskCreate, next_offset,
};
use omnivirt_veil::{Credentials, VeilBackend, VeilClient};

/// Records every request (URL, headers, body) on its way to the simulator.
#[derive(Debug)]
struct Recorder {
    inner: SharedTransport,
    seen: std::sync::Mutex<Vec<Request>>,
    count: AtomicUsize,
}

#[async_trait]
impl Transport for Recorder {
    async fn send(&self, req: Request) -> Result<Response> {
        self.count.fetch_add(1, Ordering::SeqCst);
        self.seen.lock().unwrap().push(req.clone());
        self.inner.send(req).await
    }
}

fn sim() -> (Arc<World>, Arc<Recorder>, VeilClient) {
    let world = Arc::new(World::default());
    let rec = Arc::new(Recorder {
        inner: Arc::new(SimTransport::new(world.clone(), Arc::new(VeilSkin::new()))),
        seen: std::sync::Mutex::new(Vec::new()),
        count: AtomicUsize::new(0),
    });
    let url = format!("{}/veil", SimTransport::BASE_URL);
    let client =
        VeilClient::new(&url, rec.clone(), Credentials::password("admin", "admin")).unwrap();
    (world, rec, client)
}

fn fast() -> CoreWait {
    let every = Duration::from_millis(10);
    Tasks::default_wait()
        .interval(every, every)
        .timeout(Duration::from_secs(5))
}

async fn first_pool(client: &VeilClient) -> (String, String) {
    let c = client.clusters().list(&Paginator::new()).await.unwrap();
    let cluster = c.results[0].id.clone();
    let rp = client
        .resource_pools()
        .list(None, Some(&cluster), &Paginator::new())
        .await
        .unwrap();
    (cluster, rp.results[0].id.clone())
}

#[tokio::test(start_paused = true)]
async fn login_headers_async_and_idempotency_key() {
    let (_w, rec, client) = sim();
    let page = client
        .domains()
        .list(&DomainFilter::new(), &Paginator::new().limit(3))
        .await
        .unwrap();
    assert_eq!(page.results.len(), 3);
    let (_, rp) = first_pool(&client).await;
    let a = client
        .domains()
        .create(
            &DomainCreate::new("hdr-vm", Placement::ResourcePool(rp))
                .cpu_count(1)
                .memory_mib(512),
        )
        .await
        .unwrap();
    assert!(a.entity.is_some());
    let seen = rec.seen.lock().unwrap().clone();
    // First the login, outside /api/, then the list with a JWT and async=1.
    assert!(seen[0].url.ends_with("/veil/auth/"));
    let login: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(login["username"], "admin");
    assert_eq!(login["ldap"], false);
    let list = &seen[1];
    let auth = list.headers.get("authorization").unwrap().to_str().unwrap();
    assert!(auth.starts_with("jwt "), "{auth}");
    assert!(
        list.url.contains("async=1") && list.url.contains("limit=3"),
        "{}",
        list.url
    );
    assert_eq!(list.headers.get("accept").unwrap(), "application/json");
    let post = seen.last().unwrap();
    let body: serde_json::Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(body["idempotency_key"].as_str().unwrap().len(), 36);
    assert_eq!(body["domains_ids"].as_array().unwrap().len(), 1);
    // Secrets stay out of Debug output.
    assert!(!format!("{post:?}").contains(auth.trim_start_matches("jwt ")));
}

#[tokio::test(start_paused = true)]
async fn paginator_walks_pages_with_next_urls() {
    let (world, _rec, client) = sim();
    let total = world.summary().vms;
    let first = client
        .domains()
        .list(
            &DomainFilter::new(),
            &Paginator::new().limit(7).ordering("verbose_name"),
        )
        .await
        .unwrap();
    assert_eq!(first.count as usize, total);
    assert_eq!(next_offset(first.next.as_deref()), Some(7));
    assert!(first.previous.is_none());
    let names: Vec<&str> = first
        .results
        .iter()
        .map(|d| d.verbose_name.as_str())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    let all = client
        .domains()
        .list_all(&DomainFilter::new(), 7)
        .await
        .unwrap();
    assert_eq!(all.len(), total);
    let streamed: Vec<_> = client
        .domains()
        .stream(DomainFilter::new(), 6)
        .collect()
        .await;
    assert_eq!(streamed.len(), total);
    assert!(streamed.iter().all(|r| r.is_ok()));
    // `fields` narrows to the listed keys (and adds `cluster`, which the list omits).
    let narrow = client
        .domains()
        .list(
            &DomainFilter::new().fields(["id", "cluster"]),
            &Paginator::new().limit(1),
        )
        .await
        .unwrap();
    let d = &narrow.results[0];
    assert!(d.cluster.is_some() && d.verbose_name.is_empty() && d.status.is_none());
    // A zero page size is refused before any request.
    let e = client
        .domains()
        .list(&DomainFilter::new(), &Paginator::new().limit(0))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test(start_paused = true)]
async fn power_actions_answer_tasks_and_converge() {
    let (_w, _rec, client) = sim();
    let (_, rp) = first_pool(&client).await;
    let a = client
        .domains()
        .create(
            &DomainCreate::new("power-vm", Placement::ResourcePool(rp))
                .cpu_count(2)
                .memory_mib(1024),
        )
        .await
        .unwrap();
    assert_eq!(a.task.as_ref().unwrap().status, "IN_PROGRESS");
    let id = a.entity.clone().unwrap();
    let t = client
        .tasks()
        .wait(&a.task.as_ref().unwrap().id, fast())
        .await
        .unwrap();
    assert_eq!(t.status, "SUCCESS");
    assert_eq!(t.entity_of("domain"), Some(id.as_str()));
    let d = client.domains().get(&id).await.unwrap();
    assert_eq!(d.user_power_state, Some(1));
    assert_eq!(d.memory_count, Some(1024));

    let a = client.domains().start(&id).await.unwrap();
    let locked = client.domains().get(&id).await.unwrap();
    assert_eq!(
        locked.locked_by.as_deref(),
        Some(a.task.as_ref().unwrap().id.as_str())
    );
    client
        .tasks()
        .wait(&a.task.as_ref().unwrap().id, fast())
        .await
        .unwrap();
    let d = client.domains().get(&id).await.unwrap();
    assert_eq!(d.user_power_state, Some(3));
    assert!(d.node.is_some() && d.locked_by.is_none());

    // Starting again is refused with the vendor's error envelope.
    let e = client.domains().start(&id).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert_eq!(e.op(), Some(Op::VmStart));
    let body = error_body(&e).unwrap();
    assert!(body.detail().unwrap().contains("running"), "{body:?}");

    let a = client.domains().shutdown(&id, true).await.unwrap();
    client
        .tasks()
        .wait(&a.task.as_ref().unwrap().id, fast())
        .await
        .unwrap();
    let a = client.domains().remove(&id, true, false).await.unwrap();
    client
        .tasks()
        .wait(&a.task.as_ref().unwrap().id, fast())
        .await
        .unwrap();
    let e = client.domains().get(&id).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test(start_paused = true)]
async fn failed_task_is_task_failed_with_the_message() {
    let (world, _rec, client) = sim();
    let stopped = client
        .domains()
        .list_all(&DomainFilter::new(), 100)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.user_power_state == Some(1))
        .unwrap();
    world
        .faults()
        .fail_next_task("NO_MEMORY", "node has not enough free memory");
    let a = client.domains().start(&stopped.id).await.unwrap();
    let e = client
        .tasks()
        .wait(&a.task.as_ref().unwrap().id, fast())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed);
    assert!(e.to_string().contains("not enough free memory"), "{e}");
    let t = client
        .tasks()
        .get(&a.task.as_ref().unwrap().id)
        .await
        .unwrap();
    assert_eq!(t.status, "FAILED");
}

#[tokio::test(start_paused = true)]
async fn expired_session_logs_in_again_and_bad_token_is_unauthenticated() {
    let (world, rec, client) = sim();
    client.check().await.unwrap();
    world.faults().expire_sessions();
    assert_eq!(client.base_version().await.unwrap(), "4.6.0");
    let logins = rec
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.url.ends_with("/auth/"))
        .count();
    assert_eq!(logins, 2);

    let t = Arc::new(SimTransport::new(world.clone(), Arc::new(VeilSkin::new())));
    let url = format!("{}/veil/api", SimTransport::BASE_URL);
    let bad = VeilClient::new(&url, t.clone(), Credentials::token("not-a-session")).unwrap();
    let e = bad.check().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert!(!e.to_string().contains("not-a-session"));
    let wrong = VeilClient::new(&url, t, Credentials::password("admin", "nope")).unwrap();
    assert_eq!(
        wrong.check().await.unwrap_err().kind(),
        ErrorKind::Unauthenticated
    );
}

#[tokio::test(start_paused = true)]
async fn vdisks_and_multi_manager() {
    let (_w, _rec, client) = sim();
    let (cluster, _) = first_pool(&client).await;
    let pools = client
        .data_pools()
        .list(None, Some(&cluster), None, &Paginator::new())
        .await
        .unwrap();
    let pool = pools.results[0].id.clone();
    let a = client
        .vdisks()
        .create(&VDiskCreate::new("data-1", pool.clone(), 2.0))
        .await
        .unwrap();
    let disk = a.entity.clone().unwrap();
    client
        .tasks()
        .wait(&a.task.as_ref().unwrap().id, fast())
        .await
        .unwrap();
    let d = client.vdisks().get(&disk).await.unwrap();
    assert_eq!(d.size, Some(2.0));
    assert_eq!(d.datapool.as_ref().unwrap().id, pool);
    let in_pool = client
        .vdisks()
        .list(None, Some(&pool), &Paginator::new().limit(500))
        .await
        .unwrap();
    assert!(in_pool.results.iter().any(|x| x.id == disk));
    let bad = client
        .vdisks()
        .create(&VDiskCreate::new("x", pool, f64::NAN))
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);

    let running: Vec<String> = client
        .domains()
        .list_all(&DomainFilter::new(), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.user_power_state == Some(3))
        .map(|d| d.id)
        .take(2)
        .collect();
    let ids: Vec<&str> = running.iter().map(String::as_str).collect();
    let a = client
        .domains()
        .multi(&ids, MultiAction::Suspend, false)
        .await
        .unwrap();
    assert_eq!(a.task.as_ref().unwrap().entities.len(), 2);
    client
        .tasks()
        .wait(&a.task.as_ref().unwrap().id, fast())
        .await
        .unwrap();
    let d = client.domains().get(ids[0]).await.unwrap();
    assert_eq!(d.user_power_state, Some(2));
}

#[tokio::test(start_paused = true)]
async fn ids_that_would_change_the_path_are_refused() {
    let (_w, rec, client) = sim();
    let e = client.domains().get("../tasks").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(rec.count.load(Ordering::SeqCst), 0);
}

fn backend(world: &Arc<World>) -> (Client, Arc<Recorder>) {
    let rec = Arc::new(Recorder {
        inner: Arc::new(SimTransport::new(world.clone(), Arc::new(VeilSkin::new()))),
        seen: std::sync::Mutex::new(Vec::new()),
        count: AtomicUsize::new(0),
    });
    let url = format!("{}/veil", SimTransport::BASE_URL);
    let b = VeilBackend::with_transport(&url, rec.clone(), Credentials::password("admin", "admin"))
        .unwrap();
    let wait = CoreWait::new()
        .interval(Duration::from_millis(10), Duration::from_millis(50))
        .timeout(Duration::from_secs(10));
    (Client::new(Arc::new(b)).with_wait_options(wait), rec)
}

// The uniform behaviour of the backend (lifecycle, power, migration, disks, filters, paging,
// order, hosts, task failure, unsupported ops) is tested once for every backend by the
// conformance suite (`tests/`); what follows is VeiL's own.

#[tokio::test(start_paused = true)]
async fn backend_declares_veil_and_filters_name_equals_client_side() {
    let world = Arc::new(World::default());
    let (client, _rec) = backend(&world);
    assert_eq!(client.vendor(), "veil");
    assert!(!client.capabilities().supports(Op::TaskGetBatch));
    let sample = client
        .vms()
        .page(&ListQuery::new().page_size(1), None)
        .await
        .unwrap()
        .items
        .remove(0);
    // The domain list filters names by substring only: an exact name is checked client-side.
    let by_name = client
        .vms()
        .page(&ListQuery::new().name_equals(sample.name.clone()), None)
        .await
        .unwrap();
    assert_eq!(by_name.items.len(), 1);
    assert!(by_name.filtered_client_side);
}

#[tokio::test(start_paused = true)]
async fn task_reads_without_a_batch_validate_ids_before_sending() {
    let world = Arc::new(World::default());
    let (client, rec) = backend(&world);
    let e = client.check(Op::TaskGetBatch).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    // Without a batched read the client reads tasks one by one.
    let e = client
        .tasks()
        .get_many(&["../x".into(), "t2".into()])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput); // `../x` is not a VeiL id: no request
    assert_eq!(rec.count.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_loopback_http() {
    let world = Arc::new(World::default());
    let server = SimServer::start(
        world.clone(),
        vec![Arc::new(VeilSkin::new())],
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let transport = HttpStack::default_for(TlsOptions::default())
        .unwrap()
        .build();
    let url = format!("{}/veil", server.url());
    let client = VeilClient::new(
        &url,
        transport.clone(),
        Credentials::password("admin", "admin"),
    )
    .unwrap();
    let page = client
        .domains()
        .list(&DomainFilter::new(), &Paginator::new().limit(5))
        .await
        .unwrap();
    assert_eq!(page.results.len(), 5);
    // `next` is an absolute URL on the server's own address.
    assert!(page.next.as_deref().unwrap().starts_with(&server.url()));
}

#[tokio::test(start_paused = true)]
async fn reads_are_retried_and_actions_are_not() {
    let world = Arc::new(World::default());
    let t: SharedTransport = Arc::new(SimTransport::new(world.clone(), Arc::new(VeilSkin::new())));
    let client = VeilClient::builder(format!("{}/veil", SimTransport::BASE_URL))
        .transport(t)
        .credentials(Credentials::password("admin", "admin"))
        .retry(
            omnivirt_http::RetryPolicy::builder()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(10))
                .build(),
        )
        .build()
        .unwrap();
    client.check().await.unwrap();
    world
        .faults()
        .fail_next_requests_matching(2, 503, "/domains/");
    let page = client
        .domains()
        .list(&DomainFilter::new(), &Paginator::new().limit(2))
        .await
        .unwrap();
    assert_eq!(page.results.len(), 2);
    let id = page.results[0].id.clone();
    world
        .faults()
        .fail_next_requests_matching(1, 503, "/domains/");
    let e = client.domains().reboot(&id, false).await.unwrap_err();
    // The fault answers in the vendor's envelope; the POST is not repeated.
    assert_eq!(e.kind(), ErrorKind::Backend);
    assert!(e.is_retryable());
    assert_eq!(e.detail().unwrap().http_status, Some(503));
    assert!(error_body(&e).is_some());
}
