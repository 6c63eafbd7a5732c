//! A [`VmDoc`] written as JSON text by hand: the hot path of `get-vms`. The text is byte for
//! byte what `serde_json::to_writer` makes of the same `VmDoc` (the test below holds the two
//! together over VMs in every shape the skin renders), at a fraction of the cost: the fixed
//! keys between the values are copied as whole runs.

use super::vm_doc::{IdRef, IdTail, OrWord, VmDoc};
use crate::skins::json_out::{boolean, float, opt_str, str, str_body, uint, value};

impl VmDoc<'_> {
    /// Appends this VM as one JSON object.
    pub(super) fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"id\":");
        str(out, self.id);
        out.extend_from_slice(b",\"name\":");
        str(out, self.name);
        out.extend_from_slice(b",\"local_id\":");
        str(out, self.local_id.as_str());
        out.extend_from_slice(b",\"status\":");
        str(out, self.status);
        out.extend_from_slice(b",\"entityAsyncStatus\":");
        value(out, &self.entity_async_status);
        out.extend_from_slice(b",\"description\":");
        str(out, self.description);
        out.extend_from_slice(b",\"cpu\":{\"cores\":");
        uint(out, u64::from(self.cpu.cores));
        out.extend_from_slice(b",\"sockets\":");
        uint(out, u64::from(self.cpu.sockets));
        out.extend_from_slice(b"},\"vcpu\":");
        uint(out, u64::from(self.vcpu));
        out.extend_from_slice(b",\"memory\":");
        uint(out, self.memory);
        out.extend_from_slice(b",\"cpu_model\":");
        str(out, self.cpu_model);
        out.extend_from_slice(b",\"clock_offset\":");
        str(out, self.clock_offset);
        out.extend_from_slice(b",\"firmware\":");
        match &self.firmware {
            OrWord::Given(v) => value(out, v),
            OrWord::Word(w) => str(out, w),
        }
        out.extend_from_slice(b",\"ha\":");
        boolean(out, self.ha);
        out.extend_from_slice(b",\"in_recycle_bin\":");
        boolean(out, self.in_recycle_bin);
        out.extend_from_slice(b",\"internal\":");
        boolean(out, self.internal);
        out.extend_from_slice(b",\"ips\":\"");
        if self.ips.0.state == omnivirt_core::VmState::Running {
            for (i, n) in self.ips.0.nics.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                str_body(out, &n.ip);
            }
        }
        out.extend_from_slice(b"\",\"nested_virtualization\":");
        boolean(out, self.nested_virtualization);
        out.extend_from_slice(b",\"node_ip\":");
        str(out, self.node_ip);
        out.extend_from_slice(b",\"out_uninstall_usb\":[],\"protected\":");
        boolean(out, self.protected);
        out.extend_from_slice(b",\"vm_tools_status\":");
        str(out, self.vm_tools_status);
        out.extend_from_slice(b",\"vm_tools_version\":");
        str(out, self.vm_tools_version);
        out.extend_from_slice(b",\"win_opt\":");
        boolean(out, self.win_opt);
        out.extend_from_slice(b",\"cluster\":{\"id\":");
        str(out, self.cluster.id);
        out.extend_from_slice(b",\"name\":");
        str(out, self.cluster.name);
        out.extend_from_slice(b"},\"host\":");
        match &self.host {
            Some(h) => {
                out.extend_from_slice(b"{\"id\":");
                str(out, h.id);
                out.extend_from_slice(b",\"name\":");
                str(out, h.name);
                out.extend_from_slice(b",\"management_ip\":");
                str(out, h.management_ip);
                out.push(b'}');
            }
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"folder\":null,\"vm_disks\":");
        id_refs(out, &self.vm_disks);
        out.extend_from_slice(b",\"vm_nics\":");
        id_refs(out, &self.vm_nics);
        out.extend_from_slice(b",\"labels\":[");
        for (i, l) in self.labels.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"id\":");
            str(out, &l.id);
            out.extend_from_slice(b",\"key\":");
            str(out, l.key);
            out.extend_from_slice(b",\"value\":");
            opt_str(out, l.value);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"snapshots\":[");
        for (i, s) in self.snapshots.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"id\":");
            str(out, s.id);
            out.extend_from_slice(b",\"name\":");
            str(out, s.name);
            out.push(b'}');
        }
        out.extend_from_slice(
            concat!(
                "],\"gpu_devices\":[],\"usb_devices\":[],\"pci_nics\":[],",
                "\"vm_placement_group\":[],\"backup_plans\":[],\"entity_filter_results\":[],",
                "\"snapshot_plan\":null,\"isolation_policy\":null,\"cpu_usage\":"
            )
            .as_bytes(),
        );
        float(out, self.cpu_usage);
        out.extend_from_slice(b",\"memory_usage\":");
        float(out, self.memory_usage);
        out.extend_from_slice(b",\"size\":");
        uint(out, self.size);
        out.extend_from_slice(b",\"provisioned_size\":");
        uint(out, self.provisioned_size);
        out.extend_from_slice(b",\"unique_size\":");
        uint(out, self.unique_size);
        out.extend_from_slice(b",\"logical_size_bytes\":");
        uint(out, self.logical_size_bytes);
        out.extend_from_slice(b",\"used_size\":");
        uint(out, self.used_size);
        out.extend_from_slice(b",\"guest_used_size\":");
        uint(out, self.guest_used_size);
        out.extend_from_slice(b",\"unique_logical_size\":");
        float(out, self.unique_logical_size);
        out.extend_from_slice(b",\"used_size_usage\":");
        float(out, self.used_size_usage);
        out.extend_from_slice(b",\"guest_size_usage\":");
        float(out, self.guest_size_usage);
        out.extend_from_slice(b",\"guest_os_type\":");
        str(out, self.guest_os_type);
        out.extend_from_slice(b",\"os\":");
        str(out, self.os);
        out.extend_from_slice(b",\"hostname\":");
        str(out, self.hostname);
        out.extend_from_slice(b",\"dns_servers\":");
        str(out, self.dns_servers);
        out.extend_from_slice(b",\"kernel_info\":");
        str(out, self.kernel_info);
        out.extend_from_slice(b",\"deleted_at\":");
        value(out, self.deleted_at);
        out.extend_from_slice(
            b",\"original_name\":null,\"last_shutdown_time\":null,\"local_created_at\":",
        );
        str(out, self.local_created_at.as_str());
        out.extend_from_slice(
            concat!(
                ",\"max_iops\":null,\"max_iops_policy\":null,\"max_bandwidth\":null,",
                "\"max_bandwidth_policy\":null,\"io_policy\":null,\"video_type\":"
            )
            .as_bytes(),
        );
        str(out, self.video_type);
        out.extend_from_slice(b",\"vm_usage\":null,\"bios_uuid\":");
        str(out, self.bios_uuid.as_str());
        out.extend_from_slice(b",\"cloud_init_supported\":");
        boolean(out, self.cloud_init_supported);
        out.extend_from_slice(b",\"guest_cpu_model\":null}");
    }
}

/// `[{"id": ..}, ..]`.
fn id_refs(out: &mut Vec<u8>, refs: &[IdRef<'_>]) {
    out.push(b'[');
    for (i, r) in refs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":\"");
        str_body(out, r.prefix);
        str_body(out, r.vm);
        out.push(b'.');
        match r.tail {
            IdTail::Id(t) => str_body(out, t),
            IdTail::N(n) => uint(out, n),
        }
        out.extend_from_slice(b"\"}");
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use omnivirt_core::PowerAction;
    use serde_json::{Value, json};

    use super::super::CD_ROMS_KEY;
    use super::super::ctx::Ctx;
    use super::super::doc_cache::DocCache;
    use crate::query::{Filter, Paging};
    use crate::world::World;
    use crate::{NewVm, WorldConfig};

    /// A World with VMs in every shape a VM document takes: markup and control bytes in
    /// names, labels with and without values, snapshots, CD-ROMs, several NICs, vendor extras,
    /// busy, running, suspended and stopped VMs, with and without a template.
    fn awkward_world() -> World {
        let w = World::new(WorldConfig::builder().seed(3).vms(12).build());
        let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
        let net = w.list_networks(&Filter::new(), &Paging::all()).items[0]
            .id
            .clone();
        w.update_vm(vms[0].id.as_str(), |v| {
            v.name = "q\"uote\\ <tag> & \u{1}\t\n é 日本".into();
            v.description = "ctl \u{0}\u{1f}\u{7f} \"x\"".into();
            v.tags = vec!["env=prod".into(), "plain".into(), "a=\"b\"".into()];
            v.extra.insert("firmware".into(), json!("UEFI"));
            v.extra.insert("ha".into(), json!(false));
            v.extra.insert("in_recycle_bin".into(), json!(true));
            v.extra
                .insert("deleted_at".into(), json!("2026-01-02T03:04:05Z"));
            v.extra
                .insert(CD_ROMS_KEY.into(), json!([{"n": 1, "iso": "a"}, {"n": 12}]));
        })
        .unwrap();
        w.update_vm(vms[1].id.as_str(), |v| {
            v.extra
                .insert("firmware".into(), json!({"odd": [1, 2.5, null]}));
        })
        .unwrap();
        let _ = w.add_nic(vms[2].id.as_str(), &net, Some("second"), None, None);
        let _ = w.create_snapshot(vms[3].id.as_str(), "snap \"1\"", "", false);
        let running: Vec<_> = vms[4..]
            .iter()
            .filter(|v| v.state == omnivirt_core::VmState::Running)
            .take(2)
            .collect();
        for vm in running {
            let _ = w.power_vm(vm.id.as_str(), PowerAction::Suspend);
            for _ in 0..20 {
                let _ = w.get_vm(vm.id.as_str());
            }
        }
        for vm in &vms[6..9] {
            let _ = w.power_vm(vm.id.as_str(), PowerAction::Start);
        }
        for vm in &vms[9..10] {
            let _ = w.power_vm(vm.id.as_str(), PowerAction::Stop);
        }
        let cluster = vms[0].cluster_id.clone();
        let _ = w.create_vm(NewVm::new("being-made", cluster));
        w
    }

    #[test]
    fn the_hand_written_vm_is_what_serde_json_writes() {
        let w = awkward_world();
        let ctx = Ctx::new(&w);
        let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
        assert!(vms.len() > 12);
        let mut page = Vec::new();
        for v in &vms {
            let doc = ctx.vm_doc(v);
            let mut got = Vec::new();
            doc.write_json(&mut got);
            let want = serde_json::to_vec(&doc).unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap(),
                "{}",
                v.name
            );
            page.push(doc);
        }
        // The awkward parts did reach the documents.
        let all: Value = serde_json::to_value(&page).unwrap();
        let text = all.to_string();
        for part in [
            "UEFI",
            "vc.",
            "env",
            "snap",
            "RUNNING",
            "SUSPENDED",
            "UPDATING",
        ] {
            assert!(text.contains(part), "{part}");
        }
    }

    /// Every VM of `w` through `docs` and written afresh, side by side.
    fn kept_and_fresh(docs: &DocCache, w: &World) -> (Vec<u8>, Vec<u8>, usize) {
        let ctx = Ctx::new(w);
        let rows = w.peek_vms(&Filter::new(), &Paging::all(), None).items;
        let (mut kept, mut fresh) = (Vec::new(), Vec::new());
        for r in &rows {
            docs.write(&ctx, r, &mut kept);
            kept.push(b'\n');
            ctx.vm_doc(r).write_json(&mut fresh);
            fresh.push(b'\n');
        }
        (kept, fresh, rows.len())
    }

    #[test]
    fn kept_documents_are_copied_only_while_current() {
        let w = awkward_world();
        let docs = DocCache::default();
        let (kept, fresh, n) = kept_and_fresh(&docs, &w);
        assert_eq!(kept, fresh);
        assert_eq!(docs.copied(), 0, "nothing kept yet");
        let (kept, fresh, _) = kept_and_fresh(&docs, &w);
        assert_eq!(kept, fresh);
        assert_eq!(
            docs.copied(),
            n as u64,
            "every document copied the second time"
        );

        let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
        let placed = vms.iter().find(|v| v.host_id.is_some()).unwrap();
        let host = placed.host_id.clone().unwrap();
        let cluster = placed.cluster_id.clone();
        let disk = vms.iter().find_map(|v| v.disk_ids.first()).unwrap().clone();
        let (a, b) = (vms[0].id.clone(), vms[5].id.clone());
        let running = vms
            .iter()
            .find(|v| v.state == omnivirt_core::VmState::Running && v.task_id.is_none())
            .unwrap()
            .id
            .clone();
        // Each a change to the VM's row or to what its document reads beside it.
        type Change<'a> = (&'a str, Box<dyn Fn(&World) + 'a>);
        let changes: Vec<Change<'_>> = vec![
            (
                "rename",
                Box::new(|w: &World| {
                    w.update_vm(a.as_str(), |v| v.name = "renamed \"vm\"".into())
                        .unwrap();
                }),
            ),
            (
                "tag",
                Box::new(|w: &World| {
                    w.update_vm(b.as_str(), |v| v.tags.push("k=v".into()))
                        .unwrap();
                }),
            ),
            (
                "power",
                Box::new(|w: &World| {
                    w.power_vm(running.as_str(), PowerAction::Stop).unwrap();
                }),
            ),
            (
                "host",
                Box::new(|w: &World| {
                    w.update_host(host.as_str(), |h| h.name = "host-renamed".into())
                        .unwrap();
                }),
            ),
            (
                "host address",
                Box::new(|w: &World| {
                    w.update_host(host.as_str(), |h| h.address = "10.9.9.9".into())
                        .unwrap();
                }),
            ),
            (
                "cluster",
                Box::new(|w: &World| {
                    w.update_cluster(cluster.as_str(), |c| c.name = "cl-renamed".into())
                        .unwrap();
                }),
            ),
            (
                "disk",
                Box::new(|w: &World| {
                    w.update_disk(disk.as_str(), |d| d.size_bytes += 1 << 30)
                        .unwrap();
                }),
            ),
        ];
        for (what, change) in changes {
            change(&w);
            let before = docs.copied();
            let (kept, fresh, n) = kept_and_fresh(&docs, &w);
            assert_eq!(
                String::from_utf8(kept).unwrap(),
                String::from_utf8(fresh).unwrap(),
                "after the {what} change"
            );
            let copied = docs.copied() - before;
            assert!(
                copied > 0 && copied < n as u64,
                "{what}: {copied} of {n} copied"
            );
        }
    }

    #[test]
    fn the_kept_text_stays_under_its_cap() {
        let w = awkward_world();
        let docs = DocCache::with_cap(5000);
        for _ in 0..3 {
            let (kept, fresh, _) = kept_and_fresh(&docs, &w);
            assert_eq!(kept, fresh);
            assert!(docs.bytes() <= 5000, "{} bytes kept", docs.bytes());
            assert!(docs.bytes() > 0);
        }
    }
}
