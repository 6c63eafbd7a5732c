//! Day-two operations through the uniform backend against the oVirt skin of the simulator,
//! with every request counted: batched VM reads, and what each operation puts on the wire.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use omnivirt_core::{Client, ListQuery, Op, PowerAction, VmId, VmState, WaitOptions};
use omnivirt_http::{Request, Response, SharedTransport, Transport};
use omnivirt_ovirt::{Credentials, OvirtBackend};
use omnivirt_sim::skins::ovirt::OvirtSkin;
use omnivirt_sim::{Filter, Paging, SimTransport, World, WorldConfig};

const URL: &str = "http://engine.sim/ovirt-engine/api";

/// The simulator behind a recorder of every request (method, path, decoded query).
#[derive(Debug)]
struct Counting {
    inner: SharedTransport,
    seen: Mutex<Vec<(String, String, String)>>,
}

#[async_trait]
impl Transport for Counting {
    async fn send(&self, req: Request) -> omnivirt_core::Result<Response> {
        let query: String = url::form_urlencoded::parse(req.query().unwrap_or("").as_bytes())
            .map(|(k, v)| format!("{k}={v}&"))
            .collect();
        self.seen
            .lock()
            .unwrap()
            .push((req.method.to_string(), req.path().to_owned(), query));
        self.inner.send(req).await
    }
}

impl Counting {
    fn take(&self) -> Vec<(String, String, String)> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

fn setup(vms: u32) -> (Arc<World>, Arc<Counting>, Client) {
    let w = Arc::new(World::new(WorldConfig::builder().vms(vms).build()));
    let counting = Arc::new(Counting {
        inner: Arc::new(SimTransport::new(w.clone(), Arc::new(OvirtSkin::new()))),
        seen: Mutex::new(Vec::new()),
    });
    let b = OvirtBackend::with_transport(
        URL,
        counting.clone(),
        Credentials::Password {
            username: "admin@internal".into(),
            password: "admin".into(),
        },
    )
    .unwrap();
    let opts = WaitOptions::default()
        .timeout(Duration::from_secs(600))
        .interval(Duration::from_millis(10), Duration::from_millis(10));
    let client = Client::new(Arc::new(b)).with_wait_options(opts);
    (w, counting, client)
}

fn is_batch(path: &str, query: &str) -> bool {
    path.ends_with("/api/vms") && query.contains(" or id=")
}

#[tokio::test]
async fn wait_all_of_50_starts_reads_the_vms_in_batches() {
    let (w, counting, client) = setup(120);
    // Every VM down first, so that 50 of them can be started.
    for vm in w.list_vms(&Filter::new(), &Paging::all()).items {
        if vm.state == VmState::Running {
            let _ = w.power_vm(vm.id.as_str(), PowerAction::ForceStop);
        }
    }
    w.settle();
    let ids: Vec<VmId> = w
        .list_vms(&Default::default(), &Default::default())
        .items
        .into_iter()
        .filter(|v| v.state == VmState::Stopped)
        .map(|v| v.id)
        .take(50)
        .collect();
    assert_eq!(ids.len(), 50);
    let mut ops = Vec::new();
    for id in &ids {
        ops.push(client.vms().start(id).await.unwrap());
    }
    counting.take();
    let results = client.wait_all(ops).await;
    for r in &results {
        assert_eq!(r.as_ref().unwrap().state, VmState::Running);
    }
    let seen = counting.take();
    let batches = seen.iter().filter(|(_, p, q)| is_batch(p, q)).count();
    let singles: Vec<_> = seen
        .iter()
        .filter(|(_, p, q)| !is_batch(p, q))
        .filter(|(_, p, _)| p.contains("/api/vms/") || p.contains("/api/jobs"))
        .collect();
    assert!(singles.is_empty(), "per-VM or per-job reads: {singles:?}");
    assert!(
        (1..=10).contains(&batches),
        "{batches} batched reads for 50 VMs: {seen:?}"
    );
    // One batch holds all 50: the page size is 100.
    let (_, _, q) = seen.iter().find(|(_, p, q)| is_batch(p, q)).unwrap();
    assert_eq!(q.matches("id=").count(), 50, "{q}");
    assert!(q.contains("max=50&"), "{q}");
}

#[tokio::test]
async fn get_vms_chunks_by_the_page_size_and_skips_ids_that_cannot_exist() {
    let (_w, counting, client) = setup(250);
    let all: Vec<VmId> = {
        use futures::TryStreamExt;
        client
            .vms()
            .list(ListQuery::new())
            .map_ok(|v| v.id)
            .try_collect()
            .await
            .unwrap()
    };
    assert_eq!(all.len(), 250);
    let mut ids = all.clone();
    ids.push(VmId::new("x or name=*"));
    ids.push(VmId::new(format!("{}0", all[0])));
    counting.take();
    let got = client.vms().get_many(&ids).await.unwrap();
    assert_eq!(got.len(), 250);
    let seen = counting.take();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen.iter()
            .all(|(m, p, _)| m == "GET" && p.ends_with("/vms"))
    );
    assert!(!seen.iter().any(|(_, _, q)| q.contains("name=")));
    assert!(client.capabilities().supports(Op::VmGetBatch));
}

async fn stopped_vm(w: &Arc<World>) -> VmId {
    w.list_vms(&Filter::new(), &Paging::all())
        .items
        .into_iter()
        .find(|v| v.state == VmState::Stopped && v.task_id.is_none())
        .map(|v| v.id)
        .expect("a stopped VM")
}

#[tokio::test]
async fn snapshot_resize_revert_and_delete_each_end_with_their_job() {
    use omnivirt_core::{ErrorKind, SnapshotSpec, SnapshotState, VmUpdate};
    let (w, counting, client) = setup(8);
    let id = stopped_vm(&w).await;
    let before = client.vms().get(&id).await.unwrap();
    let vcpus = before.vcpus.unwrap();
    let snap = client
        .vms()
        .create_snapshot(&id, &SnapshotSpec::new("before-resize"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(snap.name, "before-resize");
    assert_eq!(snap.state, SnapshotState::Ready);
    assert_eq!(snap.raw_state.as_deref(), Some("ok"));
    // The engine's `active` snapshot is not listed.
    let listed = client.vms().snapshots(&id).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    counting.take();
    let op = client
        .vms()
        .update(&id, &VmUpdate::new().vcpus(vcpus * 2))
        .await
        .unwrap();
    assert!(!op.submitted().restart_required);
    assert!(
        op.submitted().task.is_some(),
        "the update's job is followed"
    );
    let resized = op.wait().await.unwrap();
    assert_eq!(resized.vcpus, Some(vcpus * 2));
    let seen = counting.take();
    let put = seen.iter().find(|(m, _, _)| m == "PUT").unwrap();
    assert!(put.2.contains("correlation_id=omnivirt-update-"), "{put:?}");
    assert!(!put.2.contains("next_run"), "{put:?}");
    // Right after the resize: the revert finds the VM unlocked.
    let reverted = client
        .vms()
        .revert_snapshot(&id, &snap.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(reverted.vcpus, Some(vcpus));
    client
        .vms()
        .delete_snapshot(&id, &snap.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert!(client.vms().snapshots(&id).await.unwrap().is_empty());
    let gone = client
        .vms()
        .revert_snapshot(&id, &snap.id)
        .await
        .unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound, "{gone}");
    // A separate description is refused before any request.
    counting.take();
    let e = client
        .vms()
        .create_snapshot(&id, &SnapshotSpec::new("s").description("d"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(e.to_string().contains("description"), "{e}");
    assert!(counting.take().is_empty());
}

#[tokio::test]
async fn a_running_vm_stages_cpu_and_memory_for_its_next_run() {
    use omnivirt_core::VmUpdate;
    let (w, counting, client) = setup(8);
    let id = w
        .list_vms(&Filter::new(), &Paging::all())
        .items
        .into_iter()
        .find(|v| v.state == VmState::Running)
        .map(|v| v.id)
        .unwrap();
    counting.take();
    let op = client
        .vms()
        .update(&id, &VmUpdate::new().memory_bytes(8 << 30))
        .await
        .unwrap();
    assert!(op.submitted().restart_required);
    op.wait().await.unwrap();
    let seen = counting.take();
    let put = seen.iter().find(|(m, _, _)| m == "PUT").unwrap();
    assert!(put.2.contains("next_run=true"), "{put:?}");
    // A rename alone needs no restart and reads nothing first.
    let op = client
        .vms()
        .update(&id, &VmUpdate::new().name("renamed-1"))
        .await
        .unwrap();
    assert!(!op.submitted().restart_required);
    assert_eq!(op.wait().await.unwrap().name, "renamed-1");
}

#[tokio::test]
async fn a_clone_into_another_cluster_is_refused_before_any_request() {
    use omnivirt_core::{CloneSpec, ErrorKind};
    let (w, counting, client) = setup(8);
    let id = stopped_vm(&w).await;
    counting.take();
    let e = client
        .vms()
        .clone_vm(&id, &CloneSpec::new("copy").cluster("elsewhere"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(e.to_string().contains("cluster"), "{e}");
    assert!(counting.take().is_empty());
    let copy = client
        .vms()
        .clone_vm(&id, &CloneSpec::new("copy"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(copy.name, "copy");
    assert_eq!(copy.state, VmState::Stopped);
}
