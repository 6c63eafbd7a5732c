//! The parts of `CreateVmInstance` beyond sizes and image: L3 networks, the root volume's
//! primary storage, the `userdata::` system tag and user tags; and `QueryUserTag`, which
//! reads the user tags back.

use base64::Engine;
use serde_json::{Value, json};

use super::filter::{COp, Cond};
use super::ids::{ext, gson_date, int};
use super::mutate::str_param;
use super::reply::{Fail, invalid_arg};
use crate::model::SimVm;
use crate::query::{Filter, Paging};
use crate::text::UuidText;
use crate::world::{NewNic, NewVm, World};

/// The system tag that carries cloud-init user data (base64 after the prefix).
const USERDATA: &str = "userdata::";

/// A list parameter of strings, inside `params` or beside it (both are accepted).
fn strings<'a>(body: &'a Value, p: &'a Value, key: &str) -> Result<Vec<&'a str>, Fail> {
    let Some(v) = p.get(key).or_else(|| body.get(key)) else {
        return Ok(Vec::new());
    };
    v.as_array()
        .ok_or_else(|| invalid_arg(format!("field[{key}] must be a list")))?
        .iter()
        .map(|s| {
            s.as_str()
                .ok_or_else(|| invalid_arg(format!("field[{key}] must hold strings")))
        })
        .collect()
}

/// Adds the networks, storage, user data and user tags of a create message to `spec`.
pub(super) fn create_parts(
    world: &World,
    body: &Value,
    p: &Value,
    mut spec: NewVm,
) -> Result<NewVm, Fail> {
    for l3 in strings(body, p, "l3NetworkUuids")? {
        spec.nics.push(NewNic::new(int(world, l3)));
    }
    if let Some(ps) = str_param(p, "primaryStorageUuidForRootVolume") {
        spec.storage = Some(int(world, ps));
    }
    for tag in strings(body, p, "systemTags")? {
        if let Some(data) = tag.strip_prefix(USERDATA) {
            // The server encodes plain text itself; the simulator keeps what the guest gets.
            let plain = base64::engine::general_purpose::STANDARD
                .decode(data)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_else(|| data.to_owned());
            spec.user_data = Some(plain);
        }
    }
    spec.tags = strings(body, p, "userTags")?
        .into_iter()
        .map(str::to_owned)
        .collect();
    Ok(spec)
}

/// A stable 32-hex-digit uuid for the tag `tag` of the VM `vm` (the World keeps tags as names).
fn tag_uuid(vm: &str, tag: &str) -> String {
    let hash = |seed: u64| {
        vm.bytes().chain([0]).chain(tag.bytes()).fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    // `{:016x}{:016x}` of the two hashes: the dashed form without its dashes.
    ext(UuidText::of(hash(0xcbf2_9ce4_8422_2325), hash(0x8422_2325_cbf2_9ce4)).as_str())
}

/// `UserTagInventory`s of the VMs the conditions name by `resourceUuid` (`=` or `?=`), or of
/// every VM; the query's conditions are applied to them afterwards like to any inventory.
pub(super) fn user_tags(world: &World, conds: &[Cond]) -> Vec<Value> {
    let named: Option<Vec<String>> = conds
        .iter()
        .find(|c| c.field == "resourceUuid" && matches!(c.op, COp::Eq | COp::In))
        .map(|c| c.value.split(',').map(|v| int(world, v)).collect());
    match named {
        // The named VMs read in place, under one lock, in the order named.
        Some(ids) => world.with_lookup(|l| {
            ids.iter()
                .filter_map(|id| l.vm(id))
                .flat_map(tag_docs)
                .collect()
        }),
        None => world
            .list_vms(&Filter::new(), &Paging::all())
            .items
            .iter()
            .flat_map(tag_docs)
            .collect(),
    }
}

/// The `UserTagInventory` of each tag of `vm`.
fn tag_docs(vm: &SimVm) -> impl Iterator<Item = Value> + '_ {
    vm.tags.iter().map(move |tag| {
        json!({
            "uuid": tag_uuid(vm.id.as_str(), tag),
            "resourceUuid": ext(vm.id.as_str()),
            "resourceType": "VmInstanceVO",
            "tag": tag,
            "type": "User",
            "createDate": gson_date(vm.created_at),
            "lastOpDate": gson_date(vm.created_at),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_uuid_is_both_hashes_in_hex() {
        let u = tag_uuid("8f14e45f-ceea-467f-a0f6-2c3b1d6e9a10", "env:prod");
        assert_eq!(u.len(), 32);
        assert!(
            u.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        let hash = |seed: u64| {
            "vm\0t".bytes().fold(seed, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
        };
        assert_eq!(
            tag_uuid("vm", "t"),
            format!(
                "{:016x}{:016x}",
                hash(0xcbf2_9ce4_8422_2325),
                hash(0x8422_2325_cbf2_9ce4)
            )
        );
        assert_ne!(tag_uuid("vm", "t"), tag_uuid("vm", "u"));
    }
}
