#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Sessions, determinism, id styles, the seeded inventory and listing helpers, scale, and
//! invariants under random operations.

mod common;

use omnivirt_core::{DiskState, ErrorKind, PowerAction, TaskState, VmState};
use omnivirt_sim::{
    Filter, IdStyle, NameMatch, NewDisk, NewVm, Paging, SortBy, World, WorldConfig,
};

use common::*;

#[test]
fn sessions() {
    let w = World::new(WorldConfig::builder().user("ops", "s3cret").build());
    assert_eq!(
        w.login("admin", "wrong").unwrap_err().kind(),
        ErrorKind::Unauthenticated
    );
    assert_eq!(
        w.login("nobody", "admin").unwrap_err().kind(),
        ErrorKind::Unauthenticated
    );
    let t1 = w.login("admin", "admin").unwrap();
    let t2 = w.login("ops", "s3cret").unwrap();
    assert_ne!(t1.expose(), t2.expose());
    assert_eq!(format!("{t1:?}"), "***");
    assert!(w.session_valid(t1.expose()));
    assert_eq!(w.session_user(t2.expose()).as_deref(), Some("ops"));
    assert!(w.logout(t1.expose()));
    assert!(!w.logout(t1.expose()));
    assert!(!w.session_valid(t1.expose()));
    assert!(w.session_valid(t2.expose()));
    w.faults().expire_sessions();
    assert!(!w.session_valid(t2.expose()));
    assert_eq!(w.session_count(), 0);

    // Debug output never contains tokens or passwords.
    let t3 = w.login("ops", "s3cret").unwrap();
    let dbg = format!(
        "{w:?} {:?}",
        WorldConfig::builder().user("x", "hunter2").build()
    );
    assert!(!dbg.contains(t3.expose()), "{dbg}");
    assert!(!dbg.contains("hunter2") && !dbg.contains("s3cret"), "{dbg}");
}

#[test]
fn same_seed_same_world() {
    let build = |seed| {
        let w = World::new(WorldConfig::builder().seed(seed).vms(50).build());
        let vms: Vec<(String, String, VmState, Option<String>)> = w
            .list_vms(&Filter::new(), &Paging::all())
            .items
            .into_iter()
            .map(|v| {
                (
                    v.id.to_string(),
                    v.name,
                    v.state,
                    v.host_id.map(|h| h.to_string()),
                )
            })
            .collect();
        let extra = (w.new_uuid(), w.new_hex32(), w.new_cuid());
        let token = w.login("admin", "admin").unwrap().expose().to_owned();
        (vms, extra, token)
    };
    let a = build(9);
    assert_eq!(a, build(9));
    let b = build(10);
    assert_ne!(a.0[0].0, b.0[0].0);
    assert_ne!(a.2, b.2);

    // A mix of running (placed on a host) and stopped (no host) VMs.
    let running = a.0.iter().filter(|v| v.2 == VmState::Running).count();
    assert!(running > 10 && running < 45, "running {running}");
    for v in &a.0 {
        assert_eq!(v.2 == VmState::Running, v.3.is_some(), "{v:?}");
    }
    assert_eq!(a.0[41].1, "vm-00042");
}

#[test]
fn id_styles() {
    let w = World::new(
        WorldConfig::builder()
            .id_style(IdStyle::Cuid)
            .vms(3)
            .build(),
    );
    for v in w.list_vms(&Filter::new(), &Paging::all()).items {
        assert_eq!(v.id.as_str().len(), 25);
        assert!(v.id.as_str().starts_with('c'));
    }
    let w = World::new(
        WorldConfig::builder()
            .id_style(IdStyle::Hex32)
            .vms(3)
            .build(),
    );
    let s = w.create_vm(NewVm::new("x", cluster(&w))).unwrap();
    assert_eq!(s.task.as_str().len(), 32);
    assert!(!s.target_id().contains('-'));
}

#[test]
fn seeded_inventory_names_and_listing_helpers() {
    let w = World::new(
        WorldConfig::builder()
            .clusters(3)
            .hosts_per_cluster(4)
            .vms(120)
            .disks_per_vm(2)
            .templates(3)
            .build(),
    );
    let clusters = w.list_clusters(&Filter::new(), &Paging::all()).items;
    assert_eq!(
        clusters.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["cluster-01", "cluster-02", "cluster-03"]
    );
    assert_eq!(w.count_hosts(&Filter::new()), 12);
    assert_eq!(
        w.list_hosts(
            &Filter::new().cluster(clusters[1].id.clone()),
            &Paging::all()
        )
        .items[0]
            .name,
        "host-02-01"
    );
    assert_eq!(w.count_vms(&Filter::new()), 120);
    assert_eq!(w.count_disks(&Filter::new()), 240);
    assert_eq!(w.list_templates(&Filter::new(), &Paging::all()).total, 3);
    let sum = w.summary();
    assert_eq!(
        (
            sum.clusters,
            sum.hosts,
            sum.templates,
            sum.vms,
            sum.disks,
            sum.tasks
        ),
        (3, 12, 3, 120, 240, 0)
    );
    assert_eq!(
        sum.running_vms,
        w.count_vms(&Filter::new().vm_state(VmState::Running))
    );

    // Name filters.
    let names = |f: Filter| -> Vec<String> {
        w.list_vms(&f, &Paging::all())
            .items
            .into_iter()
            .map(|v| v.name)
            .collect()
    };
    assert_eq!(
        names(Filter::new().name(NameMatch::Equals("vm-00007".into()))),
        ["vm-00007"]
    );
    assert_eq!(
        names(Filter::new().name(NameMatch::Prefix("vm-0011".into()))).len(),
        10
    );
    assert_eq!(
        names(Filter::new().name(NameMatch::Contains("0012".into()))),
        ["vm-00012", "vm-00120"]
    );
    assert_eq!(
        names(
            Filter::new()
                .name(NameMatch::Glob("VM-*99".into()))
                .ignore_case(true)
        ),
        ["vm-00099"]
    );

    // State, cluster and host filters agree with the objects.
    let running = w.list_vms(&Filter::new().vm_state(VmState::Running), &Paging::all());
    assert!(running.items.iter().all(|v| v.state == VmState::Running));
    let stopped = w.count_vms(&Filter::new().vm_state(VmState::Stopped));
    assert_eq!(running.total + stopped, 120);
    let c2 = w.list_vms(
        &Filter::new().cluster(clusters[1].id.clone()),
        &Paging::all(),
    );
    assert_eq!(c2.total, 40);
    let host = running.items[0].host_id.clone().unwrap();
    let on_host = w.list_vms(&Filter::new().host(host.clone()), &Paging::all());
    assert!(
        on_host.total >= 1
            && on_host
                .items
                .iter()
                .all(|v| v.host_id.as_ref() == Some(&host))
    );
    let vm = &running.items[0];
    let disks = w.list_disks(&Filter::new().vm(vm.id.clone()), &Paging::all());
    assert_eq!(
        disks
            .items
            .iter()
            .map(|d| d.name.clone())
            .collect::<Vec<_>>(),
        [format!("{}-disk-1", vm.name), format!("{}-disk-2", vm.name)]
    );

    // Paging: offset/limit, next_offset, after-cursor, sort, ids.
    let p1 = w.list_vms(&Filter::new(), &Paging::new(0, 50));
    let p3 = w.list_vms(&Filter::new(), &Paging::new(100, 50));
    assert_eq!(
        (p1.items.len(), p1.next_offset, p1.total),
        (50, Some(50), 120)
    );
    assert_eq!((p3.items.len(), p3.next_offset), (20, None));
    assert_eq!(p3.items[0].name, "vm-00101");
    let after = w.list_vms(
        &Filter::new(),
        &Paging::new(0, 2).after(p1.items[9].id.to_string()),
    );
    assert_eq!(after.items[0].name, "vm-00011");
    let desc = w.list_vms(&Filter::new(), &Paging::new(0, 1).sort(SortBy::Name, true));
    assert_eq!(desc.items[0].name, "vm-00120");
    let picked = w.list_vms(
        &Filter::new().ids([
            p1.items[3].id.to_string(),
            p1.items[1].id.to_string(),
            "nope".into(),
        ]),
        &Paging::all(),
    );
    assert_eq!(
        picked
            .items
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        ["vm-00002", "vm-00004"]
    );
    let unknown_after = w.list_vms(
        &Filter::new().vm_state(VmState::Running),
        &Paging::all().after("nope"),
    );
    assert!(unknown_after.items.is_empty());
}

#[test]
fn a_hundred_thousand_vms_build_and_page() {
    let w = World::new(
        WorldConfig::builder()
            .clusters(10)
            .hosts_per_cluster(10)
            .vms(100_000)
            .disks_per_vm(1)
            .build(),
    );
    assert_eq!(w.count_vms(&Filter::new()), 100_000);
    let last = w.list_vms(&Filter::new(), &Paging::new(99_990, 100));
    assert_eq!(last.items.len(), 10);
    assert_eq!(last.items[9].name, "vm-100000");
    assert_eq!(last.next_offset, None);
}

/// Random operations from a seed; after each one the World's invariants must hold.
#[test]
fn random_operations_keep_invariants() {
    let w = World::new(WorldConfig::builder().vms(30).disks_per_vm(1).build());
    let mut rng = omnivirt_sim::IdGen::new(2024);
    let actions = [
        PowerAction::Start,
        PowerAction::Stop,
        PowerAction::ForceStop,
        PowerAction::Reboot,
        PowerAction::Suspend,
        PowerAction::Resume,
    ];
    let mut ok = 0;
    for round in 0..3000 {
        let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
        let disks = w.list_disks(&Filter::new(), &Paging::all()).items;
        let vm = &vms[rng.below(vms.len() as u64) as usize];
        let result = match rng.below(10) {
            0..=4 => w.power_vm(vm.id.as_str(), actions[rng.below(6) as usize]),
            5 => w.migrate_vm(vm.id.as_str(), None),
            6 if vms.len() > 5 => w.delete_vm(vm.id.as_str()),
            6 => w.create_vm(NewVm::new(format!("new-{round}"), vm.cluster_id.clone())),
            7 => w.create_disk(NewDisk::new(format!("d-{round}"), 1 << 20)),
            8 if !disks.is_empty() => {
                let d = &disks[rng.below(disks.len() as u64) as usize];
                match &d.vm_id {
                    Some(v) => w.detach_disk(d.id.as_str(), v.as_str()),
                    None => w.attach_disk(d.id.as_str(), vm.id.as_str()),
                }
            }
            _ if !disks.is_empty() => {
                let d = &disks[rng.below(disks.len() as u64) as usize];
                w.delete_disk(d.id.as_str())
            }
            _ => continue,
        };
        if result.is_ok() {
            ok += 1;
        }
        if rng.below(4) == 0 {
            w.faults().fail_next_task("RANDOM", "chaos");
        }
        // Observe a few tasks so some finish and some stay open.
        for t in w
            .list_tasks(
                &Filter::new().task_state(TaskState::Running),
                &Paging::new(0, 3),
            )
            .items
        {
            w.get_task(t.id.as_str()).unwrap();
        }
        check_invariants(&w);
    }
    assert!(ok > 500, "only {ok} operations were accepted");
    w.settle();
    check_invariants(&w);
    assert_eq!(w.open_tasks(), 0);
    for v in w.list_vms(&Filter::new(), &Paging::all()).items {
        assert!(!v.state.is_transitional(), "{v:?}");
        assert!(v.task_id.is_none());
    }
}

fn check_invariants(w: &World) {
    let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
    let disks = w.list_disks(&Filter::new(), &Paging::all()).items;
    for v in &vms {
        match v.state {
            VmState::Stopped | VmState::Creating => assert!(v.host_id.is_none(), "{v:?}"),
            VmState::Deleting => {}
            _ => assert!(v.host_id.is_some(), "{v:?}"),
        }
        if v.state.is_transitional() {
            assert!(v.task_id.is_some(), "{v:?}");
        }
        if let Some(t) = &v.task_id {
            assert!(!w.peek_task(t.as_str()).unwrap().is_done(), "{v:?}");
        }
        for d in &v.disk_ids {
            let disk = w.peek_disk(d.as_str()).unwrap();
            assert_eq!(disk.vm_id.as_ref(), Some(&v.id));
        }
        assert_eq!(w.find_vm_by_name(&v.name).unwrap().id, v.id);
    }
    for d in &disks {
        if let Some(v) = &d.vm_id {
            let vm = w.peek_vm(v.as_str()).unwrap();
            assert!(vm.disk_ids.contains(&d.id), "{d:?}");
        }
        if d.state == DiskState::Locked {
            assert!(d.task_id.is_some(), "{d:?}");
        }
        if d.task_id.is_some() {
            assert!(
                matches!(d.state, DiskState::Locked | DiskState::Creating),
                "{d:?}"
            );
        }
    }
}
