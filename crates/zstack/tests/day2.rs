//! Day-two behaviour against the ZStack skin: batched VM reads while waiting, and the wire
//! shapes of the day-two actions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use omnivirt_core::{
    Backend, Client, ClusterId, ErrorKind, NicSpec, SnapshotSpec, VmId, VmState, VmUpdate,
    WaitOptions,
};
use omnivirt_http::{Request, Response, SharedTransport, Transport};
use omnivirt_sim::skins::zstack::ZStackSkin;
use omnivirt_sim::{NewVm, SimTransport, Tick, World, WorldConfig};
use omnivirt_zstack::{Credentials, ZStackBackend};

const BASE: &str = "http://sim.invalid/zstack/v1";

/// Records `METHOD path?query` of every request.
#[derive(Debug)]
struct Recording {
    inner: SharedTransport,
    seen: Arc<Mutex<Vec<String>>>,
}

#[async_trait::async_trait]
impl Transport for Recording {
    async fn send(&self, req: Request) -> omnivirt_core::Result<Response> {
        let path = req.url.split_once("/zstack/v1").map_or("", |(_, p)| p);
        self.seen
            .lock()
            .unwrap()
            .push(format!("{} {path}", req.method));
        // One turn away, as a network is: concurrent callers interleave.
        tokio::task::yield_now().await;
        self.inner.send(req).await
    }

    async fn close(&self) -> omnivirt_core::Result<()> {
        self.inner.close().await
    }
}

fn setup(world: &Arc<World>) -> (Client, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let inner: SharedTransport = Arc::new(SimTransport::new(
        world.clone(),
        Arc::new(ZStackSkin::new()),
    ));
    let t: SharedTransport = Arc::new(Recording {
        inner,
        seen: seen.clone(),
    });
    let backend = ZStackBackend::with_transport(BASE, t, Credentials::account("admin", "admin"));
    let every = Duration::from_millis(5);
    let client = Client::new(Arc::new(backend)).with_wait_options(
        WaitOptions::default()
            .interval(every, every)
            .timeout(Duration::from_secs(60)),
    );
    (client, seen)
}

fn world() -> Arc<World> {
    Arc::new(World::new(
        WorldConfig::builder()
            .seed(11)
            .vms(4)
            .tick(Tick::PerPoll { steps: 2 })
            .build(),
    ))
}

/// Fifty VMs made by `spec` in the World's first cluster, settled; their ids as ZStack writes
/// them.
fn fifty_vms(world: &World, spec: impl Fn(usize, ClusterId) -> NewVm) -> Vec<VmId> {
    let cluster = world
        .list_clusters(&omnivirt_sim::Filter::new(), &omnivirt_sim::Paging::all())
        .items[0]
        .id
        .clone();
    let ids = (0..50)
        .map(|i| {
            let sub = world.create_vm(spec(i, cluster.clone())).unwrap();
            VmId::new(sub.target_id().replace('-', ""))
        })
        .collect();
    world.settle();
    ids
}

#[tokio::test]
async fn waiting_on_fifty_starts_reads_the_vms_in_batches() {
    let world = world();
    let ids = fifty_vms(&world, |i, cluster| {
        NewVm::new(format!("batch-{i:02}"), cluster)
    });
    let (client, seen) = setup(&world);
    let mut ops = Vec::new();
    for id in &ids {
        ops.push(client.vms().start(id).await.unwrap());
    }
    seen.lock().unwrap().clear();
    let results = client.wait_all(ops).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().is_ok_and(|v| v.state == VmState::Running))
    );
    let seen = seen.lock().unwrap();
    let batched = seen
        .iter()
        .filter(|r| r.starts_with("GET /vm-instances?") && r.contains("q=uuid%3F%3D"))
        .count();
    // Each batched VM read is followed by one batched read of their user tags.
    let tags = seen
        .iter()
        .filter(|r| r.starts_with("GET /user-tags?") && r.contains("q=resourceUuid%3F%3D"))
        .count();
    assert_eq!(tags, batched, "one tag query per VM batch: {seen:#?}");
    assert_eq!(batched + tags, seen.len(), "only batched reads: {seen:#?}");
    assert!((1..=10).contains(&batched), "{batched} batched reads");
    assert!(!seen.iter().any(|r| r.contains("/api-jobs/")), "{seen:#?}");
}

#[tokio::test]
async fn concurrent_gets_share_their_vm_and_tag_reads() {
    let world = world();
    let ids = fifty_vms(&world, |i, cluster| {
        let mut vm = NewVm::new(format!("tagged-{i:02}"), cluster);
        vm.tags = vec![format!("n{i:02}"), "all".to_owned()];
        vm
    });
    let (client, seen) = setup(&world);
    let vms = client.vms();
    let got = futures::future::join_all(ids.iter().map(|id| vms.get(id))).await;
    for (i, vm) in got.into_iter().enumerate() {
        let mut tags = vm.unwrap().tags;
        tags.sort();
        assert_eq!(tags, vec!["all".to_owned(), format!("n{i:02}")]);
    }
    let seen = seen.lock().unwrap().clone();
    let vm_reads: Vec<&String> = seen
        .iter()
        .filter(|r| r.starts_with("GET /vm-instances?"))
        .collect();
    let tag_reads: Vec<&String> = seen
        .iter()
        .filter(|r| r.starts_with("GET /user-tags?"))
        .collect();
    // The first get reads its VM and its tags alone; the 49 that arrived meanwhile share the
    // next read of each.
    assert_eq!(vm_reads.len(), 2, "{vm_reads:#?}");
    assert!(vm_reads[0].contains("q=uuid%3D"), "{vm_reads:#?}");
    assert!(vm_reads[1].contains("q=uuid%3F%3D"), "{vm_reads:#?}");
    assert_eq!(tag_reads.len(), 2, "{tag_reads:#?}");
    for reads in [&vm_reads, &tag_reads] {
        let keys: usize = reads.iter().map(|r| r.matches("%2C").count() + 1).sum();
        assert_eq!(keys, 50, "each VM read once: {reads:#?}");
    }
    // And the session's login.
    assert_eq!(
        vm_reads.len() + tag_reads.len() + 1,
        seen.len(),
        "{seen:#?}"
    );

    // A get by itself still sends the one-VM queries a recorded cassette holds.
    let (client, seen) = setup(&world);
    client.vms().get(&ids[0]).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3, "login, VM, tags: {seen:#?}");
    assert!(
        seen[1].contains(&format!("q=uuid%3D{}", ids[0].as_str())),
        "{seen:#?}"
    );
    assert!(
        seen[2].contains(&format!("resourceUuid%3F%3D{}", ids[0].as_str())),
        "{seen:#?}"
    );
}

/// Holds back every VM read until a user-tag read has gone out: a get that reads the VM and
/// then its tags, one after the other, never finishes.
#[derive(Debug)]
struct TagsBeforeVm {
    inner: SharedTransport,
    tags_sent: AtomicBool,
    wake: tokio::sync::Notify,
}

#[async_trait::async_trait]
impl Transport for TagsBeforeVm {
    async fn send(&self, req: Request) -> omnivirt_core::Result<Response> {
        let path = req.url.split_once("/zstack/v1").map_or("", |(_, p)| p);
        if path.starts_with("/user-tags") {
            self.tags_sent.store(true, Ordering::SeqCst);
            self.wake.notify_waiters();
        } else if path.starts_with("/vm-instances") {
            loop {
                // Registered before the flag is read, so a wake in between is not lost.
                let woken = self.wake.notified();
                if self.tags_sent.load(Ordering::SeqCst) {
                    break;
                }
                woken.await;
            }
        }
        self.inner.send(req).await
    }
}

#[tokio::test]
async fn a_get_reads_the_vm_and_its_tags_at_once() {
    let world = world();
    let ids = fifty_vms(&world, |i, cluster| {
        let mut vm = NewVm::new(format!("both-{i:02}"), cluster);
        vm.tags = vec![format!("n{i:02}")];
        vm
    });
    let t: SharedTransport = Arc::new(TagsBeforeVm {
        inner: Arc::new(SimTransport::new(
            world.clone(),
            Arc::new(ZStackSkin::new()),
        )),
        tags_sent: AtomicBool::new(false),
        wake: tokio::sync::Notify::new(),
    });
    let backend = ZStackBackend::with_transport(BASE, t, Credentials::account("admin", "admin"));
    let got = tokio::time::timeout(Duration::from_secs(20), backend.get_vm(&ids[3]))
        .await
        .expect("the tag read did not go out while the VM read was pending")
        .unwrap();
    assert_eq!(got.tags, vec!["n03".to_owned()]);
    assert_eq!(got.id, ids[3]);
}

#[tokio::test]
async fn get_many_skips_unknown_and_rejects_bad_ids() {
    let world = world();
    let (client, seen) = setup(&world);
    let vms = world
        .list_vms(&omnivirt_sim::Filter::new(), &omnivirt_sim::Paging::all())
        .items;
    let mut ids: Vec<VmId> = vms
        .iter()
        .map(|v| VmId::new(v.id.as_str().replace('-', "")))
        .collect();
    ids.push(VmId::new("0123456789abcdef0123456789abcdef"));
    let got = client.vms().get_many(&ids).await.unwrap();
    assert_eq!(got.len(), vms.len());
    assert_eq!(
        seen.lock()
            .unwrap()
            .iter()
            .filter(|r| r.starts_with("GET /vm-instances"))
            .count(),
        1
    );
    let bad = client
        .vms()
        .get_many(&[VmId::new("a b")])
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn day_two_actions_use_the_zstack_paths() {
    let world = world();
    let (client, seen) = setup(&world);
    let cluster = world
        .list_clusters(&omnivirt_sim::Filter::new(), &omnivirt_sim::Paging::all())
        .items[0]
        .id
        .clone();
    let sub = world
        .create_vm(NewVm::new("paths", cluster.clone()))
        .unwrap();
    world.settle();
    let vm = VmId::new(sub.target_id().replace('-', ""));
    let snap = client
        .vms()
        .create_snapshot(&vm, &SnapshotSpec::new("s1"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    client
        .vms()
        .update(&vm, &VmUpdate::new().vcpus(3))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let back = client
        .vms()
        .revert_snapshot(&vm, &snap.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_ne!(back.vcpus, Some(3));
    let net = world
        .list_networks(&omnivirt_sim::Filter::new(), &omnivirt_sim::Paging::all())
        .items[0]
        .id
        .replace('-', "");
    let nic = client
        .vms()
        .add_nic(&vm, &NicSpec::new(net.as_str()).model("e1000"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(nic.model.as_deref(), Some("e1000"));
    client
        .vms()
        .remove_nic(&vm, &nic.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let other = omnivirt_core::SnapshotId::new("0123456789abcdef0123456789abcdef");
    let missing = client.vms().revert_snapshot(&vm, &other).await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    let seen = seen.lock().unwrap();
    for want in [
        "POST /volume-snapshots/group",
        &format!("PUT /vm-instances/{vm}/actions"),
        &format!("PUT /volume-snapshots/group/{}/actions", snap.id),
        &format!("POST /vm-instances/{vm}/l3-networks/{net}"),
        &format!("DELETE /vm-instances/nics/{}", nic.id),
    ] {
        assert!(seen.iter().any(|r| r == want), "no {want} in {seen:#?}");
    }
}

#[tokio::test]
async fn a_console_ticket_stays_secret() {
    let world = world();
    let (client, _) = setup(&world);
    let running = world
        .list_vms(
            &omnivirt_sim::Filter::new().vm_state(VmState::Running),
            &omnivirt_sim::Paging::all(),
        )
        .items[0]
        .id
        .as_str()
        .replace('-', "");
    let c = client.vms().console(&VmId::new(running)).await.unwrap();
    let ticket = c.ticket.as_ref().unwrap().expose().to_owned();
    assert!(!ticket.is_empty());
    assert!(c.host.is_some() && c.port.is_some());
    assert!(!format!("{c:?}").contains(&ticket));
    let backend = ZStackBackend::with_transport(
        BASE,
        Arc::new(SimTransport::new(
            world.clone(),
            Arc::new(ZStackSkin::new()),
        )),
        Credentials::account("admin", "admin"),
    );
    let stopped = world
        .list_vms(
            &omnivirt_sim::Filter::new().vm_state(VmState::Stopped),
            &omnivirt_sim::Paging::all(),
        )
        .items
        .first()
        .map(|v| v.id.as_str().replace('-', ""));
    if let Some(s) = stopped {
        let e = backend.console(&VmId::new(s)).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidState, "{e}");
        assert!(!e.to_string().contains(&ticket));
    }
}
