//! A `QueryVmInstance` inventory read for the neutral conversion only: the fields
//! [`vm`](super::vm) uses are decoded, every other one is skipped (checked as JSON, not built),
//! so a VM get or a listing page allocates none of the volume and CD-ROM lists, none of the
//! NIC fields but the address, and none of the strings nobody prints.

use serde::de::{IgnoredAny, MapAccess};
use serde_json::{Map, Value};

use crate::generated::types::{VmInstanceInventory, VmNicInventory};
use crate::native::fields::{self, Fields, Lenient, Read};

/// The wire names of the `VmInstanceInventory` fields [`vm`](super::vm) reads; [`ListedVm`]
/// decodes these and skips the rest.
pub const VM_FIELDS: &[&str] = &[
    "uuid",
    "name",
    "state",
    "cpuNum",
    "memorySize",
    "clusterUuid",
    "hostUuid",
    "description",
    "vmNics",
    "createDate",
    "zoneUuid",
    "imageUuid",
    "rootVolumeUuid",
    "lastHostUuid",
    "hypervisorType",
    "platform",
    "type",
];

/// A VM inventory with only [`VM_FIELDS`] read (and of its NICs only `ip`): what the uniform
/// backend decodes for `vm get`, `vm list` and batched gets, since it converts each VM with
/// [`vm`](super::vm) and drops it. Converting it gives the neutral VM that converting the whole
/// inventory gives (`tests/samples.rs` and the unit tests below); a skipped field of an
/// unexpected type is not kept in `extra`, which the conversion does not read.
///
/// ```
/// use omnivirt_zstack::convert::{self, ListedVm};
///
/// let text = r#"{"uuid":"a1","name":"web","state":"Running","allVolumes":[{"uuid":"v"}],
///                "vmNics":[{"ip":"10.0.0.5","mac":"fa:16:3e:00:00:01"}]}"#;
/// let listed: ListedVm = serde_json::from_str(text).unwrap();
/// assert!(listed.0.all_volumes.is_none()); // skipped
/// let vm = convert::vm(listed.0);
/// assert_eq!(vm.ips, ["10.0.0.5"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ListedVm(pub VmInstanceInventory);

impl Fields for ListedVm {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "vmNics" => {
                let mut nics: Option<Vec<NicIp>> = None;
                fields::next(map, &mut nics, &mut self.0.extra, key)?;
                self.0.vm_nics = nics.map(|n| n.into_iter().map(|n| n.0).collect());
                Ok(true)
            }
            "uuid" | "name" | "state" | "cpuNum" | "memorySize" | "clusterUuid" | "hostUuid"
            | "description" | "createDate" | "zoneUuid" | "imageUuid" | "rootVolumeUuid"
            | "lastHostUuid" | "hypervisorType" | "platform" | "type" => self.0.field(key, map),
            _ => {
                map.next_value::<IgnoredAny>()?;
                Ok(true)
            }
        }
    }

    fn extra(&mut self) -> &mut Map<String, Value> {
        &mut self.0.extra
    }
}

impl<'de> serde::Deserialize<'de> for ListedVm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize_struct(d)
    }
}

impl Lenient for ListedVm {
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        fields::read_struct(d)
    }

    fn to_json(&self) -> Value {
        self.0.to_json()
    }
}

/// A NIC of which only `ip` is read, its other fields skipped.
#[derive(Debug, Default)]
struct NicIp(VmNicInventory);

impl Fields for NicIp {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "ip" => self.0.field(key, map),
            _ => {
                map.next_value::<IgnoredAny>()?;
                Ok(true)
            }
        }
    }

    fn extra(&mut self) -> &mut Map<String, Value> {
        &mut self.0.extra
    }
}

impl Lenient for NicIp {
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        fields::read_struct(d)
    }

    fn to_json(&self) -> Value {
        self.0.to_json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every field the conversion reads, awkward values included, and fields it skips.
    fn awkward() -> Vec<Value> {
        let full = json!({
            "uuid": "9a8b7c6d5e4f40312233445566778899", "name": "db \"primary\"\n",
            "description": "tier 1", "zoneUuid": "z1", "clusterUuid": "c1",
            "imageUuid": "i1", "hostUuid": "h1", "lastHostUuid": "h0",
            "instanceOfferingUuid": "o1", "rootVolumeUuid": "r1", "platform": "Linux",
            "architecture": "x86_64", "defaultL3NetworkUuid": "l3", "type": "UserVm",
            "hypervisorType": "KVM", "memorySize": 4_294_967_296_i64, "cpuNum": 4,
            "cpuSpeed": 0, "allocatorStrategy": "LastHostPreferredAllocatorStrategy",
            "createDate": "Dec 4, 2026 10:11:12 AM", "lastOpDate": "Dec 4, 2026 10:11:13 AM",
            "state": "Running", "guestOsType": "Linux",
            "vmNics": [
                {"uuid": "n1", "ip": "10.0.0.5", "mac": "fa:16:3e:00:00:01",
                 "usedIps": [{"ip": "10.0.0.5", "netmask": "255.255.255.0"}]},
                {"uuid": "n2", "ip": "192.168.1.9", "deviceId": 1}
            ],
            "allVolumes": [{"uuid": "r1", "type": "Root", "size": 10_737_418_240_i64}],
            "vmCdRoms": [], "internalId": 1, "premiumField": {"a": [1, 2]}
        });
        let mut cases = vec![full.clone()];
        // Mistyped values, in fields read and fields skipped.
        for (k, v) in [
            ("cpuNum", json!("four")),
            ("memorySize", json!(-1)),
            ("state", json!(7)),
            ("vmNics", json!({"ip": "1.2.3.4"})),
            ("vmNics", json!([{"ip": 5}, {"ip": "10.0.0.6"}])),
            ("vmNics", json!([null, {"ip": "10.0.0.6"}])),
            ("hostUuid", Value::Null),
            ("allVolumes", json!("none")),
            ("createDate", json!("not a date")),
            ("description", json!("")),
        ] {
            let mut c = full.clone();
            c[k] = v;
            cases.push(c);
        }
        let sample: Value = serde_json::from_str(include_str!(
            "../../../../fixtures/zstack/samples/inventories/vm_instance.json"
        ))
        .unwrap();
        cases.push(sample["inventory"].clone());
        cases.push(json!({}));
        cases.push(json!({"uuid": "u", "vmNics": []}));
        cases
    }

    #[test]
    fn a_listed_vm_converts_as_the_whole_inventory_does() {
        for case in awkward() {
            let text = case.to_string();
            let whole: VmInstanceInventory = serde_json::from_str(&text).unwrap();
            let listed: ListedVm = serde_json::from_str(&text).unwrap();
            assert_eq!(
                super::super::vm(listed.0),
                super::super::vm(whole),
                "{text}"
            );
        }
    }

    #[test]
    fn skipped_fields_are_not_built() {
        let text = awkward()[0].to_string();
        let listed: ListedVm = serde_json::from_str(&text).unwrap();
        assert!(listed.0.all_volumes.is_none());
        assert!(listed.0.architecture.is_none());
        assert!(listed.0.extra.is_empty());
        let nics = listed.0.vm_nics.unwrap();
        assert_eq!(nics.len(), 2);
        assert!(nics[0].mac.is_none() && nics[0].uuid.is_none());
        assert_eq!(nics[1].ip.as_deref(), Some("192.168.1.9"));
    }

    #[test]
    fn json_that_is_not_valid_fails_in_a_skipped_field_too() {
        let text = r#"{"uuid":"u","allVolumes":[{"uuid":"v",}]}"#;
        assert!(serde_json::from_str::<ListedVm>(text).is_err());
        assert!(serde_json::from_str::<ListedVm>(r#"{"uuid":"u","x":tru}"#).is_err());
    }

    #[test]
    fn the_field_list_names_what_the_reader_reads() {
        // Each named field is read: a value of it reaches the inventory (or its NICs).
        for f in VM_FIELDS {
            let v = if *f == "vmNics" {
                json!([{"ip": "1.1.1.1"}])
            } else if *f == "cpuNum" || *f == "memorySize" {
                json!(3)
            } else {
                json!("x")
            };
            let text = json!({ *f: v }).to_string();
            let listed: ListedVm = serde_json::from_str(&text).unwrap();
            let back = listed.0.to_map();
            assert!(back.contains_key(*f), "{f} was not read");
        }
    }
}
