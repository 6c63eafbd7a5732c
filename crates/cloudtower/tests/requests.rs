//! Every request body the crate builds: equal to the vendor's documented samples where one
//! exists, and valid against the 4.6.0 OpenAPI request schema of its endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::schema::Spec;
use omnivirt_cloudtower::filter::{
    AlertWhere, ClusterWhere, ContentLibraryVmTemplateWhere, DatacenterWhere, DiskWhere, HostWhere,
    IscsiLunSnapshotWhere, LabelWhere, TaskWhere, VmDiskWhere, VmNicWhere, VmSnapshotWhere,
    VmVolumeWhere, VmWhere, WhereInput, every, none, some,
};
use omnivirt_cloudtower::model::{
    Bus, ConsistentType, DiskHealthStatus, StoragePolicy, TaskStatus, VmNicModel, VmStatus,
};
use omnivirt_cloudtower::query::{Direction, Query};
use omnivirt_cloudtower::vm::{
    BasicInfo, Bodies, CdRom, CloudInit, CloudInitNetwork, CloudInitRoute, DiskOperate, DiskParams,
    DiskUpdate, ModifyDisk, MountDisk, Mutation, NewDisk, NicParams, NicUpdate, SnapshotCreate,
    VmCreate, VmFromTemplate, VolumeCreate,
};
use serde_json::{Value, json};

fn sample(name: &str) -> Value {
    let p = format!(
        "{}/../../fixtures/cloudtower/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// The HA, 4x4-CPU, 4 GiB VM of the `create-vm` samples.
fn sample_vm(name: &str) -> VmCreate {
    VmCreate::new("cluster_id", name)
        .ha(true)
        .cpu(4, 4)
        .memory_bytes(4294967296)
}

fn q<W: WhereInput>(q: Query<W>) -> Value {
    q.to_body().unwrap()
}

fn vm_id() -> VmWhere {
    VmWhere::new().id().eq("vm_id")
}

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

/// Every operator on every field of every filter, in one body per filter type.
fn every_operator<W: WhereInput>(w: W) -> W {
    w
}

fn all_vm_ops() -> VmWhere {
    VmWhere::new()
        .id()
        .in_(["a"])
        .name()
        .not_in(["b"])
        .name()
        .contains("c")
        .name()
        .not_contains("d")
        .description()
        .starts_with("e")
        .description()
        .not_starts_with("f")
        .ips()
        .ends_with("g")
        .ips()
        .not_ends_with("h")
        .node_ip()
        .lt("i")
        .node_ip()
        .lte("j")
        .local_id()
        .gt("k")
        .local_id()
        .gte("l")
        .cpu_model()
        .not("m")
        .os()
        .is_null()
        .hostname()
        .eq("n")
        .kernel_info()
        .eq("o")
        .bios_uuid()
        .eq("p")
        .original_name()
        .eq("q")
        .local_created_at()
        .gt("2024-01-01T00:00:00Z")
        .deleted_at()
        .is_null()
        .last_shutdown_time()
        .lte("2024-01-01T00:00:00Z")
        .vcpu()
        .gte(1)
        .vcpu()
        .lt(64)
        .memory()
        .in_([1i64 << 30])
        .memory()
        .not_in([0i64])
        .size()
        .gt(0)
        .provisioned_size()
        .lte(1 << 40)
        .max_iops()
        .not(0)
        .max_bandwidth()
        .eq(0)
        .guest_used_size()
        .gte(0)
        .cpu_usage()
        .lt(99.5)
        .memory_usage()
        .gte(0.0)
        .status()
        .in_([VmStatus::Running])
        .status()
        .not_in([VmStatus::Deleted])
        .entity_async_status()
        .is_null()
        .firmware()
        .not(omnivirt_cloudtower::model::VmFirmware::Uefi)
        .vm_tools_status()
        .eq(omnivirt_cloudtower::model::VmToolsStatus::Running)
        .ha()
        .eq(true)
        .in_recycle_bin()
        .not(true)
        .internal()
        .eq(false)
        .protected()
        .eq(false)
        .nested_virtualization()
        .eq(false)
        .win_opt()
        .eq(false)
        .cloud_init_supported()
        .eq(true)
        .cluster(ClusterWhere::new().name().eq("c"))
        .host(HostWhere::new().management_ip().eq("10.0.0.1"))
        .vm_disks(some(VmDiskWhere::new().bus().eq(Bus::Virtio)))
        .vm_nics(every(VmNicWhere::new().enabled().eq(true)))
        .labels(none(LabelWhere::new().key().eq("x").value().eq("y")))
        .snapshots(some(VmSnapshotWhere::new().name().contains("nightly")))
        .and([VmWhere::new().name().contains("a")])
        .or([
            VmWhere::new().name().contains("b"),
            VmWhere::new().vcpu().eq(2),
        ])
        .not([VmWhere::new().name().contains("c")])
}

#[test]
fn every_filter_field_and_operator_validates() {
    let spec = Spec::load();
    let bodies: Vec<(&str, Value)> = vec![
        (
            "/get-vms",
            q(Query::new(all_vm_ops())
                .first(10)
                .skip(1)
                .last(3)
                .after("x")
                .before("y")
                .order_by("local_created_at", Direction::Asc)),
        ),
        ("/get-vms-connection", json!({"where": all_vm_ops()})),
        (
            "/get-hosts",
            q(Query::new(every_operator(
                HostWhere::new()
                    .name()
                    .eq("h")
                    .local_id()
                    .eq("l")
                    .data_ip()
                    .eq("d")
                    .cpu_model()
                    .eq("c")
                    .model()
                    .eq("m")
                    .serial()
                    .eq("s")
                    .total_cpu_cores()
                    .gt(1)
                    .total_memory_bytes()
                    .gt(1)
                    .running_vm_num()
                    .gt(0)
                    .vm_num()
                    .lte(10)
                    .provisioned_cpu_cores()
                    .gt(1)
                    .used_cpu_hz()
                    .gt(0.5)
                    .used_memory_bytes()
                    .lt(1.0)
                    .status()
                    .eq(omnivirt_cloudtower::model::HostStatus::ConnectedHealthy)
                    .entity_async_status()
                    .is_null()
                    .nested_virtualization()
                    .eq(true)
                    .cluster(ClusterWhere::new().id().eq("c"))
                    .vms(some(VmWhere::new()))
                    .labels(none(LabelWhere::new()))
                    .disks(some(DiskWhere::new())),
            ))
            .order_by("name", Direction::Desc)),
        ),
        (
            "/get-clusters",
            q(Query::new(
                ClusterWhere::new()
                    .local_id()
                    .eq("l")
                    .ip()
                    .eq("i")
                    .version()
                    .starts_with("5")
                    .management_vip()
                    .eq("v")
                    .total_cpu_cores()
                    .gt(1)
                    .total_memory_bytes()
                    .gt(1)
                    .host_num()
                    .gt(1)
                    .vm_num()
                    .gt(1)
                    .total_data_capacity()
                    .gt(1)
                    .used_cpu_hz()
                    .gt(1.0)
                    .used_memory_bytes()
                    .gt(1.0)
                    .cluster_type()
                    .eq(omnivirt_cloudtower::model::ClusterType::SmtxOs)
                    .hypervisor()
                    .eq(omnivirt_cloudtower::model::Hypervisor::Elf)
                    .connect_state()
                    .eq(omnivirt_cloudtower::model::ConnectState::Connected)
                    .entity_async_status()
                    .is_null()
                    .stretch()
                    .eq(false)
                    .hosts(some(HostWhere::new()))
                    .datacenters(some(DatacenterWhere::new().name().eq("dc")))
                    .labels(some(LabelWhere::new())),
            )
            .order_by("type", Direction::Asc)),
        ),
        (
            "/get-datacenters",
            q(Query::new(
                DatacenterWhere::new()
                    .cluster_num()
                    .gt(0)
                    .host_num()
                    .gt(0)
                    .vm_num()
                    .gt(0)
                    .clusters(some(ClusterWhere::new()))
                    .labels(some(LabelWhere::new())),
            )),
        ),
        (
            "/get-disks",
            q(Query::new(
                DiskWhere::new()
                    .name()
                    .eq("sda")
                    .local_id()
                    .eq("l")
                    .path()
                    .eq("/dev/sda")
                    .model()
                    .eq("m")
                    .serial()
                    .eq("s")
                    .firmware()
                    .eq("f")
                    .size()
                    .gt(1)
                    .remaining_life_percent()
                    .lt(10)
                    .disk_type()
                    .eq(omnivirt_cloudtower::model::DiskType::Hdd)
                    .health_status()
                    .in_([
                        DiskHealthStatus::Unhealthy,
                        DiskHealthStatus::Subhealthy,
                        DiskHealthStatus::SmartFailed,
                    ])
                    .usage_status()
                    .eq(omnivirt_cloudtower::model::DiskUsageStatus::Unmounted)
                    .healthy()
                    .eq(true)
                    .mounted()
                    .eq(true)
                    .offline()
                    .eq(false)
                    .host(HostWhere::new().cluster(ClusterWhere::new().id().in_(["c"])))
                    .labels(some(LabelWhere::new())),
            )),
        ),
        (
            "/get-alerts",
            q(Query::new(
                AlertWhere::new()
                    .local_id()
                    .eq("l")
                    .message()
                    .contains("m")
                    .severity()
                    .eq("CRITICAL")
                    .cause()
                    .eq("c")
                    .impact()
                    .eq("i")
                    .solution()
                    .eq("s")
                    .local_start_time()
                    .gt("t")
                    .local_end_time()
                    .lt("t")
                    .local_create_time()
                    .gte("t")
                    .threshold()
                    .gt(1.0)
                    .value()
                    .gt(1.0)
                    .host(HostWhere::new())
                    .disk(DiskWhere::new())
                    .vms(some(VmWhere::new())),
            )),
        ),
        (
            "/get-tasks",
            q(Query::new(
                TaskWhere::new()
                    .id()
                    .in_(["t1", "t2"])
                    .description()
                    .contains("d")
                    .error_code()
                    .eq("e")
                    .error_message()
                    .contains("m")
                    .resource_id()
                    .eq("r")
                    .resource_type()
                    .eq("Vm")
                    .resource_mutation()
                    .eq("startVm")
                    .key()
                    .eq("k")
                    .local_created_at()
                    .gt("t")
                    .started_at()
                    .gt("t")
                    .finished_at()
                    .lt("t")
                    .progress()
                    .gte(0.5)
                    .status()
                    .in_([TaskStatus::Failed, TaskStatus::Succeeded])
                    .internal()
                    .eq(false)
                    .cluster(ClusterWhere::new()),
            )
            .order_by("local_created_at", Direction::Desc)
            .first(1)),
        ),
        (
            "/get-vm-snapshots",
            q(Query::new(
                VmSnapshotWhere::new()
                    .local_id()
                    .eq("l")
                    .description()
                    .eq("d")
                    .local_created_at()
                    .gt("t")
                    .vcpu()
                    .gt(1)
                    .memory()
                    .gt(1)
                    .size()
                    .gt(1)
                    .consistent_type()
                    .eq(ConsistentType::CrashConsistent)
                    .entity_async_status()
                    .is_null()
                    .vm(vm_id())
                    .cluster(ClusterWhere::new())
                    .labels(some(LabelWhere::new())),
            )),
        ),
        (
            "/get-iscsi-lun-snapshots",
            q(Query::new(
                IscsiLunSnapshotWhere::new()
                    .name()
                    .in_(["snap-local-1"])
                    .local_id()
                    .eq("l")
                    .local_created_at()
                    .gt("t")
                    .unique_size()
                    .gt(0)
                    .entity_async_status()
                    .is_null()
                    .labels(some(LabelWhere::new())),
            )),
        ),
        (
            "/get-vm-disks",
            q(Query::new(
                VmDiskWhere::new()
                    .device()
                    .eq("vda")
                    .serial()
                    .eq("s")
                    .boot()
                    .eq(0)
                    .key()
                    .eq(1)
                    .max_iops()
                    .gt(0)
                    .disk_type()
                    .eq(omnivirt_cloudtower::model::VmDiskType::CdRom)
                    .disabled()
                    .eq(false),
            )),
        ),
        (
            "/get-vm-nics",
            q(Query::new(
                VmNicWhere::new()
                    .local_id()
                    .eq("l")
                    .ip_address()
                    .eq("i")
                    .gateway()
                    .eq("g")
                    .subnet_mask()
                    .eq("s")
                    .order()
                    .eq(0)
                    .model()
                    .eq(VmNicModel::Virtio)
                    .mirror()
                    .eq(false),
            )),
        ),
        (
            "/get-vm-volumes",
            q(Query::new(
                VmVolumeWhere::new()
                    .name()
                    .eq("n")
                    .local_id()
                    .eq("l")
                    .path()
                    .eq("p")
                    .description()
                    .eq("d")
                    .local_created_at()
                    .gt("t")
                    .size()
                    .gt(1)
                    .elf_storage_policy()
                    .eq(StoragePolicy::Replica2Thin)
                    .entity_async_status()
                    .is_null()
                    .mounting()
                    .eq(true)
                    .sharing()
                    .eq(false)
                    .cluster(ClusterWhere::new())
                    .vm_disks(some(VmDiskWhere::new().vm(vm_id())))
                    .labels(some(LabelWhere::new())),
            )),
        ),
        (
            "/get-content-library-vm-templates",
            q(Query::new(
                ContentLibraryVmTemplateWhere::new()
                    .name()
                    .contains("centos")
                    .description()
                    .eq("d")
                    .architecture()
                    .eq("X86_64")
                    .vcpu()
                    .gt(1)
                    .memory()
                    .gt(1)
                    .size()
                    .gt(1)
                    .cloud_init_supported()
                    .eq(true)
                    .clusters(some(ClusterWhere::new().id().eq("c")))
                    .labels(some(LabelWhere::new())),
            )),
        ),
    ];
    for (path, body) in &bodies {
        let errs = spec.validate(path, body);
        assert!(errs.is_empty(), "{path}: {errs:?}");
    }
}

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
