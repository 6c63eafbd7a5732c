//! Day-two ops of the uniform backend against the simulator's VeiL skin: batched VM reads
//! while waiting, rename/describe, what is refused before any request, clone, console, NICs
//! and events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::TryStreamExt;
use omnivirt_core::{
    Client, CloneSpec, ErrorKind, EventQuery, ListQuery, NicSpec, Op, Result, SnapshotSpec, VmId,
    VmState, VmUpdate, WaitOptions,
};
use omnivirt_http::{Request, Response, SharedTransport, Transport};
use omnivirt_sim::skins::veil::VeilSkin;
use omnivirt_sim::{SimTransport, World, WorldConfig};
use omnivirt_veil::{Credentials, VeilBackend};

/// Keeps `METHOD path?query` of every request on its way to the simulator.
#[derive(Debug)]
struct Log {
    inner: SharedTransport,
    seen: Mutex<Vec<String>>,
}

impl Log {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

#[async_trait]
impl Transport for Log {
    async fn send(&self, req: Request) -> Result<Response> {
        let url = url::Url::parse(&req.url).unwrap();
        let line = match url.query() {
            Some(q) => format!("{} {}?{q}", req.method, url.path()),
            None => format!("{} {}", req.method, url.path()),
        };
        self.seen.lock().unwrap().push(line);
        self.inner.send(req).await
    }
}

fn client(world: Arc<World>) -> (Client, Arc<Log>) {
    let log = Arc::new(Log {
        inner: Arc::new(SimTransport::new(world, Arc::new(VeilSkin::new()))),
        seen: Mutex::new(Vec::new()),
    });
    let url = format!("{}/veil", SimTransport::BASE_URL);
    let b = VeilBackend::with_transport(&url, log.clone(), Credentials::password("admin", "admin"))
        .unwrap();
    let wait = WaitOptions::new()
        .interval(Duration::from_millis(10), Duration::from_millis(20))
        .timeout(Duration::from_secs(30));
    (Client::new(Arc::new(b)).with_wait_options(wait), log)
}

async fn stopped_vms(c: &Client, n: usize) -> Vec<VmId> {
    let vms: Vec<_> = c
        .vms()
        .list(ListQuery::new().vm_state(VmState::Stopped))
        .try_collect()
        .await
        .unwrap();
    assert!(vms.len() >= n, "only {} stopped VMs", vms.len());
    vms.into_iter().take(n).map(|v| v.id).collect()
}

#[tokio::test(start_paused = true)]
async fn waiting_for_fifty_starts_reads_the_vms_in_batches() {
    let world = Arc::new(World::new(WorldConfig::builder().vms(140).build()));
    let (c, log) = client(world);
    let ids = stopped_vms(&c, 50).await;
    log.take();
    let mut ops = Vec::new();
    for id in &ids {
        ops.push(c.vms().start(id).await.unwrap());
    }
    let starts = log.take();
    assert_eq!(starts.len(), 50, "{starts:?}");
    let done = c.wait_all(ops).await;
    assert!(
        done.iter()
            .all(|r| r.as_ref().is_ok_and(|v| v.state == VmState::Running))
    );
    let reads = log.take();
    let batched = reads
        .iter()
        .filter(|r| r.starts_with("GET /veil/api/domains/?") && r.contains("ids="))
        .count();
    assert_eq!(batched, reads.len(), "only batched reads: {reads:#?}");
    assert!(
        (1..=10).contains(&batched),
        "{batched} batched reads for 50 VMs"
    );
    assert!(!reads.iter().any(|r| r.contains("/tasks/")), "{reads:#?}");
}

#[tokio::test(start_paused = true)]
async fn a_batched_read_is_chunked_and_leaves_unknown_ids_out() {
    let world = Arc::new(World::new(WorldConfig::builder().vms(140).build()));
    let (c, log) = client(world);
    let vms: Vec<_> = c.vms().list(ListQuery::new()).try_collect().await.unwrap();
    log.take();
    let mut ids: Vec<VmId> = vms.iter().map(|v| v.id.clone()).collect();
    ids.push(VmId::new("00000000-0000-4000-8000-000000000000"));
    let got = c.vms().get_many(&ids).await.unwrap();
    assert_eq!(got.len(), 140);
    let reads = log.take();
    assert_eq!(reads.len(), 2, "141 ids in pages of 100: {reads:#?}");
    let bad = c
        .vms()
        .get_many(&[VmId::new("../tasks")])
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    assert!(log.take().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_rename_is_sent_and_a_resize_refused_before_any_request() {
    let world = Arc::new(World::default());
    let (c, log) = client(world);
    let id = stopped_vms(&c, 1).await.remove(0);
    log.take();
    for u in [
        VmUpdate::new().vcpus(4),
        VmUpdate::new().name("x").memory_bytes(1 << 30),
    ] {
        let e = c.vms().update(&id, &u).await.map(|_| ()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        let field = if u.vcpus.is_some() {
            "vcpus"
        } else {
            "memory_bytes"
        };
        assert!(e.to_string().contains(field), "{e}");
        assert!(!e.to_string().contains('\n'));
    }
    assert!(log.take().is_empty());
    let vm = c
        .vms()
        .update(
            &id,
            &VmUpdate::new().name("renamed").description("by the test"),
        )
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(vm.name, "renamed");
    assert_eq!(vm.description.as_deref(), Some("by the test"));
    let sent = log.take();
    assert!(sent[0].starts_with("PUT /veil/api/domains/"), "{sent:?}");
}

#[tokio::test(start_paused = true)]
async fn clone_console_nics_and_events() {
    let world = Arc::new(World::default());
    let (c, _log) = client(world);
    let id = stopped_vms(&c, 1).await.remove(0);
    let src = c.vms().get(&id).await.unwrap();
    let copy = c
        .vms()
        .clone_vm(&id, &CloneSpec::new("the-copy"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(copy.name, "the-copy");
    assert_ne!(copy.id, id);
    assert_eq!(copy.vcpus, src.vcpus);
    assert_eq!(copy.state, VmState::Stopped);

    c.vms().start(&id).await.unwrap().wait().await.unwrap();
    let con = c.vms().console(&id).await.unwrap();
    let ticket = con.ticket.as_ref().unwrap().expose().to_owned();
    assert!(!ticket.is_empty());
    let shown = format!("{con:?} {}", serde_json::to_string(&con).unwrap());
    assert!(!shown.contains(&ticket), "{shown}");
    assert!(con.url.as_deref().unwrap().contains("spice"), "{con:?}");
    // The thin client's view: the detail's remote_access_port, on the URL's host.
    assert!(con.port.is_some_and(|p| p >= 5900), "{con:?}");
    assert!(
        con.host.as_deref().is_some_and(|h| !h.is_empty()),
        "{con:?}"
    );

    let nics = c.vms().nics(&id).await.unwrap();
    assert!(!nics.is_empty());
    assert!(nics.iter().all(|n| n.vm_id == id && n.mac.is_some()));
    let e = c
        .vms()
        .add_nic(&id, &NicSpec::new("net"))
        .await
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);

    let about: Vec<_> = c
        .events()
        .list(EventQuery::new().vm(id.clone()))
        .try_collect()
        .await
        .unwrap();
    assert!(!about.is_empty() && about.iter().all(|e| e.names_vm(&id)));
    assert!(about.windows(2).all(|w| w[0].time >= w[1].time));
    let newest = about[0].time.clone();
    let since: Vec<_> = c
        .events()
        .list(EventQuery::new().since(newest.clone()))
        .try_collect()
        .await
        .unwrap();
    assert!(!since.is_empty() && since.iter().all(|e| e.time >= newest));

    let e = c
        .vms()
        .create_snapshot(&id, &SnapshotSpec::new("s"))
        .await
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(!c.capabilities().supports(Op::HostMaintenanceEnter));
}

#[tokio::test(start_paused = true)]
async fn create_from_a_full_spec_plugs_nics_places_storage_and_tags() {
    let world = Arc::new(World::default());
    let (c, log) = client(world.clone());
    let cluster = c
        .clusters()
        .list(ListQuery::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0)
        .id;
    let net = c
        .networks()
        .list(ListQuery::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0)
        .id;
    let pool = c
        .storage_pools()
        .list(ListQuery::new().cluster(cluster.clone()))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0)
        .id;
    let spec = omnivirt_core::VmSpec::new("full-spec", cluster)
        .network(NicSpec::new(net.clone()).model("e1000"))
        .network(NicSpec::new(net.clone()).mac("52:54:00:12:34:56"))
        .storage(pool.clone())
        .user_data("#cloud-config\npassword: s3cr3t-in-spec\n")
        .tag("web")
        .tag("prod");
    log.take();
    let vm = c.vms().create(&spec).await.unwrap().wait().await.unwrap();
    let sent = log.take();
    assert!(
        sent.iter()
            .any(|l| l.starts_with("POST /veil/api/domains/multi-create-domain/")),
        "{sent:?}"
    );
    assert!(
        sent.iter().any(|l| l.starts_with("POST /veil/api/tags/")),
        "{sent:?}"
    );
    assert_eq!(
        sent.iter().filter(|l| l.contains("/add-entity/")).count(),
        2,
        "{sent:?}"
    );
    let got = c.vms().get(&vm.id).await.unwrap();
    assert_eq!(got.tags, vec!["web".to_owned(), "prod".to_owned()]);
    let nics = c.vms().nics(&vm.id).await.unwrap();
    assert_eq!(nics.len(), 2, "{nics:?}");
    assert!(nics.iter().all(|n| n.network_id.as_ref() == Some(&net)));
    assert_eq!(nics[0].model.as_deref(), Some("e1000"));
    assert_eq!(nics[1].mac.as_deref(), Some("52:54:00:12:34:56"));
    let sim = world.peek_vm(vm.id.as_str()).unwrap();
    assert_eq!(
        sim.user_data.as_deref(),
        Some("#cloud-config\npassword: s3cr3t-in-spec\n")
    );

    // A second VM with a tag that exists is tagged without creating it again.
    let again =
        omnivirt_core::VmSpec::new("full-spec-2", got.cluster_id.clone().unwrap()).tag("web");
    c.vms().create(&again).await.unwrap().wait().await.unwrap();
    let sent = log.take();
    assert!(
        !sent.iter().any(|l| l == "POST /veil/api/tags/"),
        "{sent:?}"
    );

    // A NIC name is refused before any request.
    let named = omnivirt_core::VmSpec::new("named-nic", got.cluster_id.clone().unwrap())
        .network(NicSpec::new(net).name("eth0"));
    let e = c.vms().create(&named).await.map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(e.to_string().contains("networks[0].name"), "{e}");
    assert!(log.take().is_empty());
}
