//! The vendor's documented samples, rebuilt by the builders and validated.

use super::common::schema::Spec;
use super::{q, sample, sample_vm, vm_id};
use omnivirt_cloudtower::filter::{
    AlertWhere, ClusterWhere, TaskWhere, VmDiskWhere, VmNicWhere, VmSnapshotWhere, VmVolumeWhere,
    VmWhere, some,
};
use omnivirt_cloudtower::model::{Bus, ConsistentType, StoragePolicy, VmNicModel, VmStatus};
use omnivirt_cloudtower::query::{Direction, Query};
use omnivirt_cloudtower::vm::{
    BasicInfo, Bodies, CdRom, DiskParams, MountDisk, NewDisk, NicParams, NicUpdate, SnapshotCreate,
    VmFromTemplate,
};
use serde_json::{Value, json};

/// (sample file, endpoint, what the crate builds)
fn documented() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "get-vms.request.where-name.json",
            "/get-vms",
            q(Query::new(VmWhere::new().name().eq("YOUR_VM_NAME"))),
        ),
        (
            "get-vms.request.empty-where.json",
            "/get-vms",
            q(Query::new(VmWhere::new())),
        ),
        (
            "get-vms.request.where-id-first.json",
            "/get-vms",
            q(Query::new(vm_id()).first(1)),
        ),
        (
            "get-vms.request.name-not.json",
            "/get-vms",
            q(Query::new(VmWhere::new().name().not("demo"))),
        ),
        (
            "get-vms.request.name-in.json",
            "/get-vms",
            q(Query::new(VmWhere::new().name().in_(["demo", "demo2"]))),
        ),
        (
            "get-vms.request.vcpu-gt-int.json",
            "/get-vms",
            q(Query::new(VmWhere::new().vcpu().gt(4))),
        ),
        (
            "get-vms.request.status-running.json",
            "/get-vms",
            q(Query::new(VmWhere::new().status().eq(VmStatus::Running))),
        ),
        (
            "get-vms.request.cluster-nested.json",
            "/get-vms",
            q(Query::new(
                VmWhere::new().cluster(ClusterWhere::new().name().eq("clusterA")),
            )),
        ),
        (
            "get-vms.request.orderby.json",
            "/get-vms",
            q(Query::<VmWhere>::all().order_by("vcpu", Direction::Desc)),
        ),
        (
            "get-vms.request.after-first.json",
            "/get-vms",
            q(Query::<VmWhere>::all()
                .after("cixnen24p33lo0143bexvr52n")
                .first(3)),
        ),
        (
            "get-vms.request.first-skip.json",
            "/get-vms",
            q(Query::<VmWhere>::all().first(50).skip(50)),
        ),
        (
            "get-clusters.request.vms-some.json",
            "/get-clusters",
            q(Query::new(
                ClusterWhere::new().vms(some(VmWhere::new().name().eq("demo"))),
            )),
        ),
        (
            "get-tasks.request.where-id.json",
            "/get-tasks",
            q(Query::new(TaskWhere::new().id().eq("STEP_2_TASK_ID"))),
        ),
        (
            "get-vm-snapshots.request.where-id.json",
            "/get-vm-snapshots",
            q(Query::new(
                VmSnapshotWhere::new().id().eq("STEP_2_SNAPSHOT_ID"),
            )),
        ),
        (
            "get-alerts.request.open-by-cluster.json",
            "/get-alerts",
            q(Query::new(
                AlertWhere::new()
                    .ended()
                    .eq(false)
                    .cluster(ClusterWhere::new().id().in_(["cluster_id"])),
            )),
        ),
        (
            "get-alerts.request.first-100.json",
            "/get-alerts",
            q(
                Query::new(AlertWhere::new().cluster(ClusterWhere::new().id().eq("cluster_id")))
                    .first(100),
            ),
        ),
        (
            "get-vm-disks.request.stable-where.json",
            "/get-vm-disks",
            q(Query::new(
                VmDiskWhere::new()
                    .vm(vm_id())
                    .vm_volume(VmVolumeWhere::new().id().eq("volume_id")),
            )),
        ),
        (
            "get-vm-nics.request.by-mac.json",
            "/get-vm-nics",
            q(Query::new(
                VmNicWhere::new()
                    .vm(vm_id())
                    .mac_address()
                    .eq("aa:bb:cc:dd:ee:ff"),
            )),
        ),
        (
            "create-vm.request.simple.json",
            "/create-vm",
            Bodies::create_vm(&[sample_vm("vm_name")
                .nic(NicParams::vlan("vlan_id"))
                .disks(DiskParams::new().cd_rom(CdRom::empty(0).index(0)))])
            .body,
        ),
        (
            "create-vm.request.with-cdrom.json",
            "/create-vm",
            Bodies::create_vm(
                &[sample_vm("vm_name").nic(NicParams::vlan("vlan_id")).disks(
                    DiskParams::new().cd_rom(CdRom::empty(0).index(0).elf_image("elf_image_id")),
                )],
            )
            .body,
        ),
        (
            "create-vm.request.with-nic.json",
            "/create-vm",
            Bodies::create_vm(&[sample_vm("vm_name1")
                .nic(
                    NicParams::vlan("vlan_id")
                        .mirror(true)
                        .model(VmNicModel::Virtio),
                )
                .disks(DiskParams::new().cd_rom(CdRom::empty(0).index(0)))])
            .body,
        ),
        (
            "create-vm.request.with-volume.json",
            "/create-vm",
            Bodies::create_vm(
                &[sample_vm("vm_name").nic(NicParams::vlan("vlan_id")).disks(
                    DiskParams::new()
                        .mount(MountDisk::new("vm_volume_id", Bus::Virtio, 0).index(0)),
                )],
            )
            .body,
        ),
        (
            "create-vm-from-content-library-template.request.modify-nic.json",
            "/create-vm-from-content-library-template",
            Bodies::create_vm_from_template(&[VmFromTemplate::new(
                "template_id",
                "cluster_id",
                "vm_name",
            )
            .nics(vec![
                NicParams::vlan("vlan_id")
                    .enabled(true)
                    .model(VmNicModel::Virtio),
            ])])
            .body,
        ),
        (
            "update-vm-basic-info.request.json",
            "/update-vm-basic-info",
            Bodies::update_basic_info(
                &vm_id(),
                &BasicInfo::new()
                    .name("new_name")
                    .description("new_description")
                    .ha(false)
                    .cpu(2, 2)
                    .memory_bytes(1073741824),
            )
            .body,
        ),
        (
            "add-vm-cd-rom.request.json",
            "/add-vm-cd-rom",
            Bodies::add_cd_rom(
                &vm_id(),
                &[CdRom::empty(0).index(0).elf_image("elf_image_id")],
            )
            .body,
        ),
        (
            "remove-vm-cd-rom.request.json",
            "/remove-vm-cd-rom",
            Bodies::remove_cd_rom(&vm_id(), &["cd_rom_id_1".into(), "cd_rom_id_2".into()]).body,
        ),
        (
            "add-vm-disk.request.existing-volume.json",
            "/add-vm-disk",
            Bodies::add_disk(
                &vm_id(),
                &DiskParams::new().mount(MountDisk::new("vm_volume_id", Bus::Virtio, 1).index(0)),
            )
            .body,
        ),
        (
            "add-vm-disk.request.new-volume.json",
            "/add-vm-disk",
            Bodies::add_disk(
                &vm_id(),
                &DiskParams::new().create(NewDisk::new(
                    "new_volume_name",
                    5368709120,
                    StoragePolicy::Replica2Thin,
                    Bus::Virtio,
                    1,
                )),
            )
            .body,
        ),
        (
            "remove-vm-disk.request.json",
            "/remove-vm-disk",
            Bodies::remove_disk(&vm_id(), &["vm_disk_id_1".into(), "vm_disk_id_2".into()]).body,
        ),
        (
            "add-vm-nic.request.json",
            "/add-vm-nic",
            Bodies::add_nic(
                &vm_id(),
                &[
                    NicParams::vlan("vlan_id")
                        .enabled(false)
                        .model(VmNicModel::Virtio),
                    NicParams::vlan("vlan_id_2")
                        .enabled(true)
                        .mirror(true)
                        .model(VmNicModel::Virtio),
                ],
            )
            .body,
        ),
        (
            "update-vm-nic.request.json",
            "/update-vm-nic",
            Bodies::update_nic(
                &vm_id(),
                &NicUpdate::new(0, NicParams::vlan("vlan_id").enabled(false).mirror(false)),
            )
            .body,
        ),
        (
            "remove-vm-nic.request.json",
            "/remove-vm-nic",
            Bodies::remove_nic(&vm_id(), &[0, 1]).body,
        ),
        (
            "migrate-vm.request.to-host.json",
            "/migrate-vm",
            Bodies::migrate(&vm_id(), Some("host_id")).body,
        ),
        (
            "migrate-vm.request.auto.json",
            "/migrate-vm",
            Bodies::migrate(&vm_id(), None).body,
        ),
        (
            "start-vm.request.to-host.json",
            "/start-vm",
            Bodies::start(&vm_id(), Some("host_id")).body,
        ),
        (
            "start-vm.request.batch.json",
            "/start-vm",
            Bodies::start(&VmWhere::new().id().in_(["vm_id_1", "vm_id_2"]), None).body,
        ),
        (
            "poweroff-vm.request.json",
            "/poweroff-vm",
            Bodies::operate("poweroff-vm", &vm_id()).body,
        ),
        (
            "move-vm-to-recycle.request.batch.json",
            "/move-vm-to-recycle",
            Bodies::operate(
                "move-vm-to-recycle",
                &VmWhere::new().id().in_(["vm_id_1", "vm_id_2"]),
            )
            .body,
        ),
        (
            "create-vm-snapshot.request.json",
            "/create-vm-snapshot",
            Bodies::create_snapshot(&[SnapshotCreate::new("vm.id", "target_snapshot_name")
                .consistency(ConsistentType::FileSystemConsistent)])
            .body,
        ),
    ]
}

#[test]
fn builders_reproduce_every_documented_sample_and_validate() {
    let spec = Spec::load();
    let cases = documented();
    assert!(cases.len() >= 38, "{}", cases.len());
    for (file, path, built) in cases {
        let want = sample(file);
        assert_eq!(
            built, want,
            "{file}: built body differs from the documented sample"
        );
        let errs = spec.validate(path, &built);
        assert!(
            errs.is_empty(),
            "{file} does not validate against {path}: {errs:?}"
        );
    }
}

#[test]
fn the_docs_string_number_sample_is_invalid_and_the_builder_sends_a_number() {
    let spec = Spec::load();
    let doc = sample("get-vms.request.vcpu-gt-string.json");
    let errs = spec.validate("/get-vms", &doc);
    assert!(
        errs.iter().any(|e| e.contains("vcpu_gt")),
        "the string sample should fail: {errs:?}"
    );
    let combined = sample("get-vms.request.combined.json");
    assert!(!spec.validate("/get-vms", &combined).is_empty());
    let ours = q(Query::new(
        VmWhere::new()
            .cluster(ClusterWhere::new().name().eq("clusterA"))
            .vcpu()
            .gt(2),
    ));
    assert_eq!(ours["where"]["vcpu_gt"], json!(2));
    assert!(spec.validate("/get-vms", &ours).is_empty());
}

#[test]
fn login_sample_validates() {
    let spec = Spec::load();
    assert!(
        spec.validate("/login", &sample("login.request.json"))
            .is_empty()
    );
    // A wrong key is caught: the validator is not a rubber stamp.
    let errs = spec.validate("/get-vms", &json!({"where": {"name_like": "x"}}));
    assert!(errs.iter().any(|e| e.contains("name_like")), "{errs:?}");
}
