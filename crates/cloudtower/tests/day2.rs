//! Day-two operations of the uniform backend against the simulator's CloudTower skin: batched
//! VM reads under `wait_all`, reconfigure, snapshots, clone, host maintenance, and the parts
//! the API lacks refused before any request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::TryStreamExt;
use omnivirt_cloudtower::{CloudTowerBackend, Credentials};
use omnivirt_core::{
    Client, CloneSpec, ErrorKind, HostState, ListQuery, NicSpec, SnapshotSpec, SnapshotState,
    VmState, VmUpdate, WaitOptions,
};
use omnivirt_http::{Request, Response, Transport};
use omnivirt_sim::skins::cloudtower::CloudTowerSkin;
use omnivirt_sim::{SimTransport, World, WorldConfig};

/// Records `(op, body)` of every request on its way to the simulator.
#[derive(Debug)]
struct Recording {
    inner: SimTransport,
    seen: Mutex<Vec<(String, serde_json::Value)>>,
}

#[async_trait]
impl Transport for Recording {
    async fn send(&self, req: Request) -> omnivirt_core::Result<Response> {
        let op = req.path().rsplit('/').next().unwrap_or_default().to_owned();
        let body = serde_json::from_slice(&req.body).unwrap_or(serde_json::Value::Null);
        self.seen.lock().unwrap().push((op, body));
        self.inner.send(req).await
    }
}

impl Recording {
    fn ops(&self) -> Vec<(String, serde_json::Value)> {
        self.seen.lock().unwrap().clone()
    }
    fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

fn fast() -> WaitOptions {
    WaitOptions::new()
        .timeout(Duration::from_secs(60))
        .interval(Duration::from_millis(50), Duration::from_millis(200))
}

fn client_on(world: Arc<World>) -> (Client, Arc<Recording>) {
    let rec = Arc::new(Recording {
        inner: SimTransport::new(world, Arc::new(CloudTowerSkin::new())),
        seen: Mutex::new(Vec::new()),
    });
    let backend = CloudTowerBackend::with_transport(
        format!("{}/v2/api", SimTransport::BASE_URL),
        rec.clone(),
        Credentials::password("admin", "admin"),
    );
    (
        Client::new(Arc::new(backend)).with_wait_options(fast()),
        rec,
    )
}

#[tokio::test(start_paused = true)]
async fn wait_all_of_50_starts_reads_the_vms_in_batches() {
    let world = Arc::new(World::new(WorldConfig::builder().vms(150).build()));
    let (client, rec) = client_on(world);
    let stopped: Vec<_> = client
        .vms()
        .list(ListQuery::new().vm_state(VmState::Stopped).limit(50))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(stopped.len(), 50, "the World seeds enough stopped VMs");
    let mut ops = Vec::new();
    for v in &stopped {
        ops.push(client.vms().start(&v.id).await.unwrap());
    }
    rec.clear();
    let results = client.wait_all(ops).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().is_ok_and(|v| v.state == VmState::Running)),
        "{results:?}"
    );
    let seen = rec.ops();
    let reads: Vec<_> = seen.iter().filter(|(op, _)| op == "get-vms").collect();
    assert!(
        !reads.is_empty() && reads.len() <= 10,
        "{} get-vms for 50 VMs",
        reads.len()
    );
    for (_, body) in &reads {
        let ids = body["where"]["id_in"].as_array().expect("a batched read");
        assert!(ids.len() <= 50 && body["first"].as_u64() == Some(ids.len() as u64));
    }
    assert!(
        seen.iter().all(|(op, _)| op == "get-vms"),
        "only batched VM reads, no task or single-VM reads: {:?}",
        seen.iter().map(|(op, _)| op).collect::<Vec<_>>()
    );
}

#[tokio::test(start_paused = true)]
async fn a_vm_being_started_reads_as_starting() {
    let world = Arc::new(World::default());
    let (client, _rec) = client_on(world);
    let vm = client
        .vms()
        .list(ListQuery::new().vm_state(VmState::Stopped).limit(1))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0);
    let op = client.vms().start(&vm.id).await.unwrap();
    let starting: Vec<_> = client
        .vms()
        .list(ListQuery::new().vm_state(VmState::Starting))
        .try_collect()
        .await
        .unwrap();
    assert!(starting.iter().any(|v| v.id == vm.id), "{starting:?}");
    assert_eq!(op.wait().await.unwrap().state, VmState::Running);
}

#[tokio::test(start_paused = true)]
async fn reconfigure_snapshot_revert_and_clone() {
    let world = Arc::new(World::default());
    let (client, rec) = client_on(world);
    let vm = client
        .vms()
        .list(ListQuery::new().vm_state(VmState::Stopped).limit(1))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0);
    let vcpus = vm.vcpus.unwrap();

    let snap = client
        .vms()
        .create_snapshot(&vm.id, &SnapshotSpec::new("before"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(snap.state, SnapshotState::Ready);
    assert_eq!(snap.includes_memory, Some(false));
    let op = client
        .vms()
        .update(
            &vm.id,
            &VmUpdate::new().vcpus(vcpus * 2).description("bigger"),
        )
        .await
        .unwrap();
    assert!(!op.submitted().restart_required, "the VM is stopped");
    let got = op.wait().await.unwrap();
    assert_eq!(got.vcpus, Some(vcpus * 2));
    assert_eq!(got.description.as_deref(), Some("bigger"));
    // Right after: the update's task is over, so the VM is not locked.
    let back = client
        .vms()
        .revert_snapshot(&vm.id, &snap.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(back.vcpus, Some(vcpus));
    client
        .vms()
        .delete_snapshot(&vm.id, &snap.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert!(client.vms().snapshots(&vm.id).await.unwrap().is_empty());
    let gone = client.vms().revert_snapshot(&vm.id, &snap.id).await;
    assert_eq!(gone.unwrap_err().kind(), ErrorKind::NotFound);

    let copy = client
        .vms()
        .clone_vm(&vm.id, &CloneSpec::new("copy-of-it"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(copy.name, "copy-of-it");
    assert_eq!(copy.state, VmState::Stopped);
    assert_eq!(copy.vcpus, Some(vcpus));

    // What the API lacks is refused before any request.
    rec.clear();
    for err in [
        client
            .vms()
            .create_snapshot(&vm.id, &SnapshotSpec::new("s").description("d"))
            .await
            .unwrap_err(),
        client
            .vms()
            .create_snapshot(&vm.id, &SnapshotSpec::new("s").include_memory(true))
            .await
            .unwrap_err(),
        client
            .vms()
            .clone_vm(&vm.id, &CloneSpec::new("c").storage("p"))
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
        assert!(!err.to_string().contains('\n'), "{err}");
    }
    assert!(rec.ops().is_empty(), "{:?}", rec.ops());
}

#[tokio::test(start_paused = true)]
async fn a_running_vm_resized_says_restart_required() {
    let world = Arc::new(World::default());
    let (client, _rec) = client_on(world);
    let vm = client
        .vms()
        .list(ListQuery::new().vm_state(VmState::Running).limit(1))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0);
    let op = client
        .vms()
        .update(&vm.id, &VmUpdate::new().memory_bytes(8 << 30))
        .await
        .unwrap();
    assert!(op.submitted().restart_required);
    op.wait().await.unwrap();
    let renamed = client
        .vms()
        .update(&vm.id, &VmUpdate::new().name("renamed"))
        .await
        .unwrap();
    assert!(!renamed.submitted().restart_required);
    assert_eq!(renamed.wait().await.unwrap().name, "renamed");
}

#[tokio::test(start_paused = true)]
async fn host_maintenance_moves_vms_and_comes_back() {
    let world = Arc::new(World::default());
    let (client, _rec) = client_on(world);
    let hosts: Vec<_> = client
        .hosts()
        .list(ListQuery::new())
        .try_collect()
        .await
        .unwrap();
    let host = hosts
        .iter()
        .find(|h| {
            hosts
                .iter()
                .any(|o| o.id != h.id && o.cluster_id == h.cluster_id)
        })
        .unwrap();
    let h = client
        .hosts()
        .enter_maintenance(&host.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(h.state, HostState::Maintenance);
    let again = client.hosts().enter_maintenance(&host.id).await;
    assert_eq!(again.unwrap_err().kind(), ErrorKind::InvalidState);
    let h = client
        .hosts()
        .exit_maintenance(&host.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(h.state, HostState::Up);
}

#[tokio::test(start_paused = true)]
async fn events_are_user_audit_logs_newest_first() {
    use omnivirt_core::{EventQuery, EventSeverity};
    let world = Arc::new(World::default());
    let (client, rec) = client_on(world);
    let vm = client
        .vms()
        .list(ListQuery::new().vm_state(VmState::Stopped).limit(1))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0);
    client
        .vms()
        .start(&vm.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    client
        .vms()
        .force_stop(&vm.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    rec.clear();
    let about: Vec<_> = client
        .events()
        .list(EventQuery::new().vm(vm.id.clone()).page_size(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(about.len(), 2, "{about:?}");
    assert!(
        about
            .iter()
            .all(|e| e.names_vm(&vm.id) && e.severity == EventSeverity::Info)
    );
    assert!(about[0].time >= about[1].time);
    let seen = rec.ops();
    assert!(seen.iter().all(|(op, _)| op == "get-user-audit-logs"));
    assert_eq!(seen[0].1["orderBy"], "createdAt_DESC");
    assert_eq!(seen[0].1["where"]["resource_id"], vm.id.as_str());
    assert_eq!(seen[1].1["after"], about[0].id.as_str(), "paged by cursor");
    let bad = client
        .events()
        .list(EventQuery::new().since("yesterday"))
        .try_collect::<Vec<_>>()
        .await;
    assert_eq!(bad.unwrap_err().kind(), ErrorKind::InvalidInput);
}

#[tokio::test(start_paused = true)]
async fn nics_are_known_by_mac_and_ips_show_while_running() {
    let world = Arc::new(World::default());
    let (client, rec) = client_on(world);
    let vm = client
        .vms()
        .list(ListQuery::new().vm_state(VmState::Stopped).limit(1))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0);
    let net = client
        .networks()
        .list(
            ListQuery::new()
                .cluster(vm.cluster_id.clone().unwrap())
                .limit(1),
        )
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0);
    let before = client.vms().nics(&vm.id).await.unwrap();
    assert!(
        before
            .iter()
            .all(|n| n.mac.as_ref() == Some(&n.id.to_string()))
    );

    // A name is refused before any request.
    rec.clear();
    let err = client
        .vms()
        .add_nic(&vm.id, &NicSpec::new(net.id.clone()).name("eth1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(rec.ops().is_empty(), "{:?}", rec.ops());

    let nic = client
        .vms()
        .add_nic(&vm.id, &NicSpec::new(net.id.clone()).model("e1000"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(nic.network_id.as_ref(), Some(&net.id));
    assert_eq!(nic.model.as_deref(), Some("e1000"));
    assert_eq!(nic.mac.as_deref(), Some(nic.id.as_str()));
    let added: Vec<_> = rec
        .ops()
        .into_iter()
        .filter(|(op, _)| op == "add-vm-nic")
        .collect();
    assert_eq!(added.len(), 1);
    assert_eq!(
        added[0].1["data"]["vm_nics"][0]["mac_address"],
        nic.id.as_str()
    );
    assert_eq!(
        client.vms().nics(&vm.id).await.unwrap().len(),
        before.len() + 1
    );

    let running = client
        .vms()
        .start(&vm.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert!(!running.ips.is_empty());
    let nics = client.vms().nics(&vm.id).await.unwrap();
    let on_nics: Vec<&String> = nics.iter().flat_map(|n| &n.ips).collect();
    assert!(
        running.ips.iter().all(|ip| on_nics.contains(&ip)),
        "{:?} {on_nics:?}",
        running.ips
    );

    let console = client.vms().console(&vm.id).await.unwrap();
    let url = console.url.clone().unwrap();
    let ticket = console.ticket.clone().unwrap();
    assert!(
        url.contains("/websockify/") && !url.contains("token="),
        "{url}"
    );
    assert!(!format!("{console:?}").contains(ticket.expose()));

    client
        .vms()
        .force_stop(&vm.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    client
        .vms()
        .remove_nic(&vm.id, &nic.id)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let after = client.vms().nics(&vm.id).await.unwrap();
    assert!(!after.iter().any(|n| n.id == nic.id));
    assert_eq!(after.len(), before.len());
    let err = client.vms().remove_nic(&vm.id, &nic.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test(start_paused = true)]
async fn a_vm_is_created_with_its_nics_in_one_request() {
    let world = Arc::new(World::default());
    let (client, rec) = client_on(world);
    let net = client
        .networks()
        .list(ListQuery::new().limit(1))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .remove(0);
    let cluster = net.cluster_id.clone().unwrap();
    let named = omnivirt_core::VmSpec::new("spec-named", cluster.clone())
        .network(NicSpec::new(net.id.clone()).name("eth0"));
    rec.clear();
    let err = client.vms().create(&named).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(rec.ops().is_empty());

    let spec = omnivirt_core::VmSpec::new("spec-nics", cluster)
        .network(NicSpec::new(net.id.clone()))
        .network(NicSpec::new(net.id.clone()).model("e1000"));
    let vm = client
        .vms()
        .create(&spec)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let creates: Vec<_> = rec
        .ops()
        .into_iter()
        .filter(|(op, _)| op == "create-vm")
        .collect();
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0].1[0]["vm_nics"][1]["model"], "E1000");
    let nics = client.vms().nics(&vm.id).await.unwrap();
    assert_eq!(nics.len(), 2);
    assert!(nics.iter().all(|n| n.network_id.as_ref() == Some(&net.id)));
    assert_eq!(nics[1].model.as_deref(), Some("e1000"));
}

#[tokio::test(start_paused = true)]
async fn a_spec_with_tags_and_user_data_is_labelled_and_initialised() {
    let world = Arc::new(World::new(WorldConfig::builder().vms(4).build()));
    let (client, rec) = client_on(world.clone());
    let cluster = client
        .clusters()
        .list(ListQuery::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()[0]
        .id
        .clone();
    let tpl = client
        .templates()
        .list(ListQuery::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()[0]
        .id
        .clone();
    // Without a template, user data has nowhere to go: refused before any request.
    rec.clear();
    let blank = omnivirt_core::VmSpec::new("blank", cluster.clone()).user_data("#cloud-config\n");
    let e = client.vms().create(&blank).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
    assert!(e.to_string().contains("user_data"), "{e}");
    assert!(
        rec.ops().iter().all(|(op, _)| op == "login"),
        "{:?}",
        rec.ops()
    );

    let spec = omnivirt_core::VmSpec::new("labelled", cluster)
        .template(tpl.as_str())
        .user_data("#cloud-config\npassword: s3cret\n")
        .tag("web")
        .tag("env=prod");
    let vm = client
        .vms()
        .create(&spec)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let got = client.vms().get(&vm.id).await.unwrap();
    // Labels are a set: the tower lists them in its own order.
    let mut tags = got.tags.clone();
    tags.sort();
    assert_eq!(tags, vec!["env=prod".to_owned(), "web".to_owned()]);
    let stored = world.peek_vm(vm.id.as_str()).unwrap();
    assert_eq!(
        stored.user_data.as_deref(),
        Some("#cloud-config\npassword: s3cret\n")
    );
    let ops: Vec<String> = rec.ops().into_iter().map(|(op, _)| op).collect();
    for op in ["get-labels", "create-label", "add-labels-to-resources"] {
        assert_eq!(
            ops.iter().filter(|o| *o == op).count(),
            1,
            "{op} in {ops:?}"
        );
    }
    // The same tags again: both labels exist now, nothing is created.
    rec.clear();
    let again = omnivirt_core::VmSpec::new("labelled-2", got.cluster_id.clone().unwrap())
        .tag("web")
        .tag("env=prod");
    let vm2 = client
        .vms()
        .create(&again)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(client.vms().get(&vm2.id).await.unwrap().tags, got.tags);
    assert!(
        !rec.ops().iter().any(|(op, _)| op == "create-label"),
        "{:?}",
        rec.ops()
    );
}
