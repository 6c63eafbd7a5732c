//! Every mutation body, validated; `null` and secrets.

use super::common::schema::Spec;
use omnivirt_cloudtower::filter::{VmSnapshotWhere, VmVolumeWhere, VmWhere};
use omnivirt_cloudtower::model::{Bus, StoragePolicy, VmNicModel, VmStatus};
use omnivirt_cloudtower::query::{Direction, Query};
use omnivirt_cloudtower::vm::{
    BasicInfo, Bodies, CdRom, CloudInit, CloudInitNetwork, CloudInitRoute, DiskOperate, DiskParams,
    DiskUpdate, ModifyDisk, MountDisk, Mutation, NewDisk, NicParams, NicUpdate, SnapshotCreate,
    VmCreate, VmFromTemplate, VolumeCreate,
};
use serde_json::json;

fn every_mutation() -> Vec<Mutation> {
    let w = VmWhere::new().id().in_(["a", "b"]);
    let full_vm = VmCreate::new("c", "n")
        .cpu(2, 2)
        .memory_bytes(8 << 30)
        .ha(true)
        .firmware(omnivirt_cloudtower::model::VmFirmware::Uefi)
        .status(VmStatus::Running)
        .host("h")
        .description("d")
        .nic(
            NicParams::vlan("v")
                .model(VmNicModel::E1000)
                .mac("52:54:00:00:00:01")
                .ipv4("10.0.0.2", "255.255.255.0", "10.0.0.1"),
        )
        .disks(
            DiskParams::new()
                .cd_rom(CdRom::empty(0).content_library_image("img"))
                .mount(MountDisk::new("vol", Bus::Scsi, 1))
                .create(
                    NewDisk::new(
                        "new",
                        10 << 30,
                        StoragePolicy::Replica3Thick,
                        Bus::Virtio,
                        2,
                    )
                    .index(2),
                ),
        );
    let tpl = VmFromTemplate::new("t", "c", "n")
        .full_copy(true)
        .cpu(1, 2)
        .memory_bytes(1 << 30)
        .status(VmStatus::Stopped)
        .description("d")
        .nics(vec![NicParams::vlan("v")])
        .cloud_init(
            CloudInit::new()
                .hostname("web-1")
                .password("s3cret-pw")
                .nameserver("10.0.0.53")
                .public_key("ssh-ed25519 AAAA test")
                .user_data("#cloud-config\n")
                .network(
                    CloudInitNetwork::static_ipv4(0, "10.0.0.10", "255.255.255.0")
                        .route(CloudInitRoute::new("0.0.0.0", "0.0.0.0", "10.0.0.1")),
                )
                .network(CloudInitNetwork::dhcp(1)),
        )
        .disk_operate(
            DiskOperate::new()
                .remove([1])
                .modify(ModifyDisk::new(0).bus(Bus::Scsi))
                .add_disks(DiskParams::new().create(NewDisk::new(
                    "x",
                    1 << 30,
                    StoragePolicy::Replica2Thin,
                    Bus::Virtio,
                    3,
                ))),
        );
    let mut v = vec![
        Bodies::create_vm(&[full_vm, VmCreate::new("c", "blank")]),
        Bodies::create_vm_from_template(&[tpl]),
        Bodies::update_basic_info(&w, &BasicInfo::new().name("x")),
        Bodies::add_cd_rom(&w, &[CdRom::empty(1)]),
        Bodies::remove_cd_rom(&w, &["d".into()]),
        Bodies::add_disk(
            &w,
            &DiskParams::new().mount(MountDisk::new("vol", Bus::Virtio, 1)),
        ),
        Bodies::remove_disk(&w, &["d".into()]),
        Bodies::update_disk(&w, &DiskUpdate::eject("cd")),
        Bodies::update_disk(&w, &DiskUpdate::insert_elf_image("cd", "img")),
        Bodies::update_disk(&w, &DiskUpdate::bus("d", Bus::Scsi)),
        Bodies::add_nic(&w, &[NicParams::vlan("v")]),
        Bodies::update_nic(
            &w,
            &NicUpdate::new(1, NicParams::default().model(VmNicModel::Virtio)),
        ),
        Bodies::remove_nic(&w, &[1]),
        Bodies::migrate(&w, None),
        Bodies::start(&w, Some("h")),
        Bodies::delete(&w, Some(true)),
        Bodies::delete(&w, None),
        Bodies::create_snapshot(&[SnapshotCreate::new("vm", "s")]),
        Bodies::delete_snapshot(&VmSnapshotWhere::new().id().eq("s")),
        Bodies::rollback(&w, "s"),
        Bodies::create_volume(&[VolumeCreate::new("c", "v", 1 << 30).policy(StoragePolicy::Ec)]),
        Bodies::delete_volume(&VmVolumeWhere::new().id().eq("v")),
    ];
    for p in [
        "shutdown-vm",
        "poweroff-vm",
        "restart-vm",
        "force-restart-vm",
        "suspend-vm",
        "resume-vm",
        "move-vm-to-recycle",
        "recover-vm-from-recycle",
    ] {
        v.push(Bodies::operate(p, &w));
    }
    v
}

#[test]
fn every_mutation_body_validates() {
    // Every endpoint here exists in the 4.6.0 spec. Fields only the 2.23 SDK knows
    // (`ha_priority` on VmCreationParams and VmUpdateParams.data) are not sent by any builder,
    // so nothing here needs a newer spec.
    let spec = Spec::load();
    let all = every_mutation();
    assert_eq!(all.len(), 30);
    for m in all {
        let path = format!("/{}", m.path);
        assert!(spec.has_path(&path), "{path} not in the 4.6.0 spec");
        let errs = spec.validate(&path, &m.body);
        assert!(errs.is_empty(), "{path}: {errs:?}\n{}", m.body);
    }
}

#[test]
fn order_by_rejects_unknown_fields() {
    let e = Query::new(VmWhere::new())
        .order_by("colour", Direction::Asc)
        .to_body()
        .unwrap_err();
    assert_eq!(e.kind(), omnivirt_core::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("colour"));
}

#[test]
fn null_is_sent_only_when_asked_and_passwords_do_not_print() {
    let eject = Bodies::update_disk(&VmWhere::new().id().eq("v"), &DiskUpdate::eject("cd")).body;
    assert_eq!(
        eject["data"],
        json!({"vm_disk_id": "cd", "elf_image_id": null})
    );
    let bus = Bodies::update_disk(
        &VmWhere::new().id().eq("v"),
        &DiskUpdate::bus("d", Bus::Ide),
    )
    .body;
    assert_eq!(bus["data"], json!({"vm_disk_id": "d", "bus": "IDE"}));
    let ci = CloudInit::new().password("s3cret-pw");
    assert!(!format!("{ci:?}").contains("s3cret"));
    let body = serde_json::to_value(&ci).unwrap();
    assert_eq!(
        body["default_user_password"], "s3cret-pw",
        "the wire gets the value"
    );
}
