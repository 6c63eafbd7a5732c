//! The shared ZStack samples (fixtures/zstack/samples, verbatim from zstackio/zstack) decode into
//! the typed inventories, map to the neutral model, and the request builders produce them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use omnivirt_core::{ClusterState, DiskState, ErrorKind, HostState, VmState};
use omnivirt_zstack::model::{
    ClusterInventory as Cluster, HostInventory as Host, SessionInventory,
    VmInstanceInventory as VmInstance, VolumeInventory as Volume, ZoneInventory as Zone,
};
use omnivirt_zstack::{CreateVm, convert, error::parse_error, password_hash};
use serde_json::Value;

fn sample(rel: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/zstack/samples")
        .join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

fn inventory<T: serde::de::DeserializeOwned>(rel: &str) -> T {
    serde_json::from_value(sample(rel)["inventory"].clone()).unwrap()
}

#[test]
fn vm_instance_sample() {
    let w: VmInstance = inventory("inventories/vm_instance.json");
    assert_eq!(w.uuid.as_deref(), Some("94d991c631674b16be65bfdf28b9e84a"));
    assert_eq!(w.vm_nics.as_ref().map(Vec::len), Some(4));
    // `internalId` is not a named field: kept in extra, not dropped.
    assert_eq!(w.extra.get("internalId"), Some(&Value::from(1)));
    let vm = convert::vm(w.clone());
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(vm.raw_state.as_deref(), Some("Running"));
    assert_eq!(
        vm.host_id.as_ref().map(|h| h.as_str()),
        Some("908131845d284d7f821a74362fff3d19")
    );
    assert_eq!(
        vm.cluster_id.as_ref().map(|c| c.as_str()),
        Some("f6cd5db05a0d49d8b12721e0bf721b4c")
    );
    assert_eq!(vm.ips.len(), 4);
    assert_eq!(vm.ips[0], "10.12.140.148");
    assert!(vm.tags.is_empty(), "tags are not in the VM inventory");
    assert_eq!(vm.created_at.as_deref(), Some("2014-04-30T18:11:47Z"));
    insta::assert_json_snapshot!("vm_instance_sample_neutral", vm);
}

#[test]
fn host_cluster_zone_volume_samples() {
    let h = convert::host(&inventory::<Host>("inventories/host.json"));
    assert_eq!(h.state, HostState::Up);
    assert_eq!(h.raw_state.as_deref(), Some("Enabled/Connected"));
    assert_eq!(h.address.as_deref(), Some("192.168.0.203"));

    let c = convert::cluster(&inventory::<Cluster>("inventories/cluster.json"));
    assert_eq!(c.state, ClusterState::Ok);
    assert_eq!(c.name, "cluster1");

    // The zone javadoc example is the bare inventory, without the `inventory` wrapper.
    let z: Zone = serde_json::from_value(sample("inventories/zone.json")).unwrap();
    assert!(z.uuid.as_deref().is_some_and(|u| !u.is_empty()));

    let v: Volume = inventory("inventories/volume.json");
    let d = convert::disk(&v);
    assert_eq!(d.state, DiskState::Ready);
    assert_eq!(d.size_bytes, Some(32_212_254_720));
    assert_eq!(
        d.vm_id.as_ref().map(|v| v.as_str()),
        Some("0135cb45094f4f6fb84375e13d4a1cb8")
    );
    assert_eq!(d.extra["type"], "Data");
    assert!(v.extra.contains_key("backupStorageRefs"));
    insta::assert_json_snapshot!("host_cluster_volume_neutral", (h, c, d));
}

#[test]
fn l3_network_and_primary_storage_samples() {
    use omnivirt_core::StorageState;
    use omnivirt_zstack::generated::types::{L3NetworkInventory, PrimaryStorageInventory};

    let l3: L3NetworkInventory = inventory("inventories/l3_network.json");
    let n = convert::network(&l3, None).unwrap();
    assert_eq!(n.id.as_str(), "f73926eb4f234f8195c61c33d8db419d");
    assert_eq!(n.name, "GuestNetwork");
    // The 2014 range has no `networkCidr`: derived from startIp and netmask.
    assert_eq!(n.cidr.as_deref(), Some("10.0.0.0/8"));
    assert_eq!(n.vlan, None, "the VLAN is on the L2, not looked up here");
    assert_eq!(
        n.extra["l2_network_uuid"],
        "f1a092c6914840c9895c564abbc55375"
    );

    let ps: PrimaryStorageInventory = inventory("inventories/primary_storage.json");
    let p = convert::storage_pool(&ps).unwrap();
    assert_eq!(p.state, StorageState::Ok);
    assert_eq!(p.capacity_bytes, Some(10_995_116_277_760));
    assert_eq!(p.free_bytes, Some(10_995_116_277_760));
    assert_eq!(
        p.cluster_id.as_ref().map(|c| c.as_str()),
        Some("f23e402bc53b4b5abae87273b6004016")
    );
    assert_eq!(
        p.extra["attached_cluster_uuids"].as_array().unwrap().len(),
        4
    );
    let out = serde_json::to_string(&p).unwrap();
    assert!(!out.contains("nfs://"), "the URL stays out: {out}");
}

#[test]
fn session_sample_never_prints_its_id() {
    let s: SessionInventory = inventory("rest/login_response_200.json");
    assert_eq!(s.uuid, "00d038b699b74e76a01705918d48d939");
    assert!(!format!("{s:?}").contains("00d038b6"));
}

#[test]
fn login_sample_shape() {
    // The copy in fixtures has its digest (that of `password`, the default admin password)
    // replaced by `***`; the digest itself is checked in the crate's unit tests.
    let body = sample("rest/login_request_body.json");
    assert_eq!(body["logIn"]["accountName"], "admin");
    assert_eq!(body["logIn"]["password"], "***");
    assert_eq!(password_hash("password").len(), 128);
}

#[test]
fn create_vm_sample_body() {
    let want = sample("rest/create_vm_request_body.json");
    let got = CreateVm::new("TestVm")
        .l3_networks(["37a701c7fe4a40758da15593aedd8aff"])
        .param("dataDiskOfferingUuids", Value::Array(vec![]))
        .description("Test")
        .param("systemTags", Value::Array(vec![]))
        .instance_offering("dd53f94b58924510b0122e40799a4114")
        .param("type", "UserVm")
        .image("cc7b56780879409f98c1f992b75a12b0")
        .body();
    assert_eq!(got, want);
}

#[test]
fn error_samples() {
    let body = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/zstack/samples/rest/error_response_body.json"),
    )
    .unwrap();
    let e = parse_error(503, &body);
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.is_retryable());
    assert_eq!(e.detail().unwrap().code.as_deref(), Some("SYS.1001"));
    assert!(e.message().contains("Create VM on KVM timeout after 300s"));

    let list = sample("errors/api_event_error_codelist.json");
    let body = serde_json::to_vec(&serde_json::json!({"error": list["error"]})).unwrap();
    let e = parse_error(503, &body);
    assert_eq!(e.detail().unwrap().code.as_deref(), Some("SYS.1000"));
    assert!(e.message().contains("on purpose"), "{}", e.message());
}
