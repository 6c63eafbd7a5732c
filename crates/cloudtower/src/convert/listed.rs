//! A `get-vms` item read for the neutral conversion only: the fields [`vm`](super::vm) uses are
//! decoded, every other one is skipped (checked as JSON, not built), so a listing page
//! allocates no disk, NIC, snapshot or placement lists and none of the strings nobody prints.

use serde::de::MapAccess;

use crate::generated::types::{FromMap, NestedCluster, NestedHost, OptStr, from_map, skip};
use crate::wire;

/// The wire names of the `Vm` fields [`vm`](super::vm) reads (its state, ids, sizes, labels and
/// the few it keeps in `extra`); [`ListedVm`] decodes these and skips the rest.
pub const VM_FIELDS: &[&str] = &[
    "id",
    "name",
    "status",
    "entityAsyncStatus",
    "in_recycle_bin",
    "vcpu",
    "memory",
    "cluster",
    "host",
    "description",
    "ips",
    "labels",
    "local_created_at",
    "local_id",
    "ha",
    "firmware",
    "vm_tools_status",
];

/// A VM of a `get-vms` answer with only [`VM_FIELDS`] read: what the uniform backend's VM
/// listing decodes, since it converts each VM with [`vm`](super::vm) and drops it. Converting
/// it gives the neutral VM that converting the whole VM gives (`tests/json_reader.rs`, and the
/// `cloudtower_vms` fuzz target). It is laxer than the whole `Vm` in one way: a skipped field
/// of the wrong type is not an error; and stricter in one, on bodies that are not JSON: a raw
/// control character in a key inside a skipped value is an error (skipping checks keys as
/// strings, as `serde_json` does; decoding reads keys as bytes, and ignores unknown ones).
#[derive(Debug, Clone, Default)]
pub struct ListedVm(pub wire::Vm);

impl FromMap for ListedVm {
    const NAME: &'static str = "Vm";
    #[inline(always)]
    fn field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &[u8],
        m: &mut A,
    ) -> ::core::result::Result<(), A::Error> {
        // The generated `Vm` decodes a field of the list; everything else is skipped.
        match key {
            b"id" | b"name" | b"status" | b"entityAsyncStatus" | b"in_recycle_bin" | b"vcpu"
            | b"memory" | b"cluster" | b"host" | b"description" | b"ips" | b"labels"
            | b"local_created_at" | b"local_id" | b"ha" | b"firmware" | b"vm_tools_status" => {
                match key {
                    // The conversion keeps only the ids of the cluster and host.
                    b"cluster" => {
                        self.0.cluster = m.next_value::<Option<IdOnly>>()?.map(IdOnly::cluster)
                    }
                    b"host" => self.0.host = m.next_value::<Option<IdOnly>>()?.map(IdOnly::host),
                    _ => self.0.field(key, m)?,
                }
            }
            _ => skip(m)?,
        }
        Ok(())
    }
}

/// A nested reference of which only `id` is read, its other fields skipped: a listed VM's
/// cluster and host, whose names and addresses the conversion does not keep.
#[derive(Debug, Default)]
struct IdOnly(Option<String>);

impl IdOnly {
    fn cluster(self) -> NestedCluster {
        NestedCluster {
            id: self.0,
            ..NestedCluster::default()
        }
    }

    fn host(self) -> NestedHost {
        NestedHost {
            id: self.0,
            ..NestedHost::default()
        }
    }
}

impl FromMap for IdOnly {
    const NAME: &'static str = "reference";
    #[inline(always)]
    fn field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &[u8],
        m: &mut A,
    ) -> ::core::result::Result<(), A::Error> {
        match key {
            b"id" => self.0 = m.next_value::<OptStr>()?.0,
            _ => skip(m)?,
        }
        Ok(())
    }
}

impl<'de> serde::Deserialize<'de> for IdOnly {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
        from_map(d)
    }
}

impl<'de> serde::Deserialize<'de> for ListedVm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
        from_map(d)
    }
}

impl crate::query::Resource for ListedVm {
    type Where = crate::filter::VmWhere;
    const LIST: &'static str = "get-vms";
    const COUNT: &'static str = "get-vms-connection";
    fn id(&self) -> &str {
        super::text(&self.0.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the match hands to the generated `Vm` are the list, in its order.
    #[test]
    fn the_list_names_the_fields_read() {
        let src = include_str!("listed.rs");
        let start = src.find("match key {").unwrap();
        let end = start + src[start..].find("=>").unwrap();
        let arms: Vec<&str> = src[start..end]
            .split("b\"")
            .skip(1)
            .filter_map(|l| l.split('"').next())
            .collect();
        assert_eq!(arms, VM_FIELDS);
    }
}
