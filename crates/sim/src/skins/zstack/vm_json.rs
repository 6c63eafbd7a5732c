//! A [`VmDoc`] and a `QueryVmInstance` page written as JSON text by hand: the hot path of a VM
//! get and listing. The text is byte for byte what `serde_json::to_writer` makes of the same
//! documents (the test below holds the two together over VMs in several shapes), at a fraction
//! of the cost: the fixed keys between the values are copied as whole runs.

use serde_json::Value;

use super::ids::ExtId;
use super::query::Res;
use super::status::schema_class;
use super::vm_doc::{LastHost, NicDoc, UsedIpDoc, VmDoc, VolumeDoc};
use crate::skins::json_out::{boolean, str, uint, value};

/// The query reply around a page of VM documents: `inventories`, the `schema` entry of each,
/// then `total` when asked for.
pub(super) fn vm_page_json(docs: &[VmDoc<'_>], total: usize, with_count: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + docs.len() * 4096);
    out.extend_from_slice(b"{\"inventories\":[");
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        d.write_json(&mut out);
    }
    out.extend_from_slice(b"],\"schema\":{");
    let class = schema_class(Res::Vm, &Value::Null);
    for i in 0..docs.len() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"\"inventories[");
        uint(&mut out, i as u64);
        out.extend_from_slice(b"]\":");
        str(&mut out, class);
    }
    out.push(b'}');
    if with_count {
        out.extend_from_slice(b",\"total\":");
        uint(&mut out, total as u64);
    }
    out.push(b'}');
    out
}

fn ext(out: &mut Vec<u8>, v: &ExtId) {
    str(out, v.as_str());
}

fn opt_ext(out: &mut Vec<u8>, v: Option<&ExtId>) {
    match v {
        Some(v) => ext(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

impl VmDoc<'_> {
    /// Appends this VM as one JSON object.
    pub(super) fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"uuid\":");
        ext(out, &self.uuid);
        out.extend_from_slice(b",\"name\":");
        str(out, self.name);
        out.extend_from_slice(b",\"description\":");
        str(out, self.description);
        out.extend_from_slice(b",\"zoneUuid\":");
        str(out, self.zone_uuid);
        out.extend_from_slice(b",\"clusterUuid\":");
        ext(out, &self.cluster_uuid);
        out.extend_from_slice(b",\"imageUuid\":");
        opt_ext(out, self.image_uuid.as_ref());
        out.extend_from_slice(b",\"hostUuid\":");
        opt_ext(out, self.host_uuid.as_ref());
        out.extend_from_slice(b",\"lastHostUuid\":");
        match &self.last_host_uuid {
            LastHost::Given(v) => value(out, v),
            LastHost::Current(h) => opt_ext(out, h.as_ref()),
        }
        // `instanceOfferingUuid` is always null.
        out.extend_from_slice(b",\"instanceOfferingUuid\":null,\"rootVolumeUuid\":");
        str(out, &self.root_volume_uuid);
        out.extend_from_slice(b",\"platform\":");
        str(out, self.platform);
        out.extend_from_slice(b",\"architecture\":");
        str(out, self.architecture);
        out.extend_from_slice(b",\"defaultL3NetworkUuid\":");
        opt_ext(out, self.default_l3_network_uuid.as_ref());
        out.extend_from_slice(b",\"type\":");
        str(out, self.kind);
        out.extend_from_slice(b",\"hypervisorType\":");
        str(out, self.hypervisor_type);
        out.extend_from_slice(b",\"memorySize\":");
        uint(out, self.memory_size);
        out.extend_from_slice(b",\"reservedMemorySize\":");
        uint(out, u64::from(self.reserved_memory_size));
        out.extend_from_slice(b",\"cpuNum\":");
        uint(out, u64::from(self.cpu_num));
        out.extend_from_slice(b",\"cpuSpeed\":");
        uint(out, u64::from(self.cpu_speed));
        out.extend_from_slice(b",\"allocatorStrategy\":");
        str(out, self.allocator_strategy);
        out.extend_from_slice(b",\"createDate\":");
        str(out, self.create_date.as_str());
        out.extend_from_slice(b",\"lastOpDate\":");
        str(out, self.last_op_date.as_str());
        out.extend_from_slice(b",\"state\":");
        str(out, self.state);
        out.extend_from_slice(b",\"vmNics\":[");
        for (i, n) in self.vm_nics.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            n.write_json(out);
        }
        out.extend_from_slice(b"],\"allVolumes\":[");
        for (i, v) in self.all_volumes.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            v.write_json(out);
        }
        out.extend_from_slice(b"],\"vmCdRoms\":[");
        for (i, c) in self.vm_cd_roms.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            uint(out, u64::from(*c));
        }
        out.extend_from_slice(b"],\"guestOsType\":");
        str(out, self.guest_os_type);
        out.push(b'}');
    }
}

impl NicDoc<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"uuid\":");
        ext(out, &self.uuid);
        out.extend_from_slice(b",\"vmInstanceUuid\":");
        ext(out, &self.vm_instance_uuid);
        out.extend_from_slice(b",\"l3NetworkUuid\":");
        ext(out, &self.l3_network_uuid);
        out.extend_from_slice(b",\"ip\":");
        str(out, self.ip);
        out.extend_from_slice(b",\"mac\":");
        str(out, self.mac);
        out.extend_from_slice(b",\"hypervisorType\":");
        str(out, self.hypervisor_type);
        out.extend_from_slice(b",\"netmask\":");
        str(out, &self.netmask);
        out.extend_from_slice(b",\"gateway\":");
        str(out, &self.gateway);
        out.extend_from_slice(b",\"ipVersion\":");
        uint(out, u64::from(self.ip_version));
        out.extend_from_slice(b",\"driverType\":");
        str(out, self.driver_type);
        out.extend_from_slice(b",\"internalName\":");
        str(out, self.internal_name);
        out.extend_from_slice(b",\"deviceId\":");
        uint(out, self.device_id as u64);
        out.extend_from_slice(b",\"type\":");
        str(out, self.kind);
        out.extend_from_slice(b",\"state\":");
        str(out, self.state);
        out.extend_from_slice(b",\"usedIps\":[");
        for (i, u) in self.used_ips.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            u.write_json(out);
        }
        out.extend_from_slice(b"],\"createDate\":");
        str(out, self.create_date.as_str());
        out.extend_from_slice(b",\"lastOpDate\":");
        str(out, self.last_op_date.as_str());
        out.push(b'}');
    }
}

impl UsedIpDoc<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"uuid\":");
        ext(out, &self.uuid);
        out.extend_from_slice(b",\"l3NetworkUuid\":");
        ext(out, &self.l3_network_uuid);
        out.extend_from_slice(b",\"ipVersion\":");
        uint(out, u64::from(self.ip_version));
        out.extend_from_slice(b",\"ip\":");
        str(out, self.ip);
        out.extend_from_slice(b",\"netmask\":");
        str(out, &self.netmask);
        out.extend_from_slice(b",\"gateway\":");
        str(out, &self.gateway);
        out.extend_from_slice(b",\"vmNicUuid\":");
        ext(out, &self.vm_nic_uuid);
        out.push(b'}');
    }
}

impl VolumeDoc {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"uuid\":");
        ext(out, &self.uuid);
        out.extend_from_slice(b",\"name\":");
        str(out, &self.name);
        out.extend_from_slice(b",\"description\":");
        str(out, self.description);
        out.extend_from_slice(b",\"primaryStorageUuid\":");
        str(out, &self.primary_storage_uuid);
        out.extend_from_slice(b",\"vmInstanceUuid\":");
        opt_ext(out, self.vm_instance_uuid.as_ref());
        // `diskOfferingUuid` is always null.
        out.extend_from_slice(b",\"diskOfferingUuid\":null,\"installPath\":");
        str(out, &self.install_path);
        out.extend_from_slice(b",\"type\":");
        str(out, self.kind);
        out.extend_from_slice(b",\"format\":");
        str(out, self.format);
        out.extend_from_slice(b",\"size\":");
        uint(out, self.size);
        out.extend_from_slice(b",\"actualSize\":");
        uint(out, self.actual_size);
        out.extend_from_slice(b",\"deviceId\":");
        match self.device_id {
            Some(i) => uint(out, i as u64),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"state\":");
        str(out, self.state);
        out.extend_from_slice(b",\"status\":");
        str(out, self.status);
        out.extend_from_slice(b",\"isShareable\":");
        boolean(out, self.is_shareable);
        out.extend_from_slice(b",\"createDate\":");
        str(out, self.create_date.as_str());
        out.extend_from_slice(b",\"lastOpDate\":");
        str(out, self.last_op_date.as_str());
        out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::json;

    use super::*;
    use crate::query::{Filter, Paging};
    use crate::world::World;
    use crate::{NewDisk, NewVm, WorldConfig};
    use omnivirt_core::PowerAction;

    /// What `serde_json` writes for the same page: the reference the hand-written text must
    /// equal.
    fn serde_page(docs: &[VmDoc<'_>], total: usize, with_count: bool) -> Vec<u8> {
        #[derive(Serialize)]
        struct Page<'p, 'a> {
            inventories: &'p [VmDoc<'a>],
            schema: serde_json::Map<String, Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            total: Option<usize>,
        }
        let schema = (0..docs.len())
            .map(|i| {
                (
                    format!("inventories[{i}]"),
                    json!(schema_class(Res::Vm, &Value::Null)),
                )
            })
            .collect();
        serde_json::to_vec(&Page {
            inventories: docs,
            schema,
            total: with_count.then_some(total),
        })
        .unwrap()
    }

    /// VMs in every shape a VM inventory takes: markup and control bytes in names, a migrated
    /// VM's last host, two NICs, a data volume, stopped and running VMs, no template.
    fn awkward_world() -> World {
        let w = World::new(WorldConfig::builder().seed(5).vms(8).build());
        let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
        let net = w.list_networks(&Filter::new(), &Paging::all()).items[0]
            .id
            .clone();
        w.update_vm(vms[0].id.as_str(), |v| {
            v.name = "q\"uote\\ <tag> & \u{1}\t\n é 日本".into();
            v.description = "ctl \u{0}\u{1f}\u{7f} \"x\"".into();
            v.template_id = None;
            v.extra
                .insert("zstack_last_host".into(), json!("0123456789abcdef"));
        })
        .unwrap();
        w.add_nic(vms[1].id.as_str(), &net, Some("second \"nic\""), None, None)
            .unwrap();
        let mut disk = NewDisk::new("data \u{2}", 1 << 30);
        disk.vm_id = Some(vms[2].id.clone());
        w.create_disk(disk).unwrap();
        w.update_vm(vms[3].id.as_str(), |v| v.disk_ids.clear())
            .unwrap();
        for vm in &vms[4..6] {
            let _ = w.power_vm(vm.id.as_str(), PowerAction::Stop);
        }
        let _ = w.create_vm(NewVm::new("being-made", vms[0].cluster_id.clone()));
        w.settle();
        w
    }

    #[test]
    fn the_hand_written_page_is_what_serde_json_writes() {
        let w = awkward_world();
        let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
        assert!(vms.len() > 8);
        let docs: Vec<VmDoc<'_>> =
            w.with_lookup(|l| vms.iter().map(|v| VmDoc::new(l, v)).collect());
        for d in &docs {
            let mut got = Vec::new();
            d.write_json(&mut got);
            assert_eq!(
                String::from_utf8(got).unwrap(),
                serde_json::to_string(d).unwrap(),
                "{}",
                d.name
            );
        }
        for (page, with_count) in [(&docs[..], true), (&docs[..], false), (&docs[..0], true)] {
            assert_eq!(
                String::from_utf8(vm_page_json(page, 42, with_count)).unwrap(),
                String::from_utf8(serde_page(page, 42, with_count)).unwrap()
            );
        }
        // The awkward parts did reach the documents.
        let text = String::from_utf8(vm_page_json(&docs, 0, false)).unwrap();
        for part in [
            "0123456789abcdef",
            "second \\\"nic\\\"",
            "\"Data\"",
            "\"Stopped\"",
            "\"Running\"",
            "\"imageUuid\":null",
            "\"hostUuid\":null",
            "\\u0001",
        ] {
            assert!(text.contains(part), "{part}");
        }
    }
}
