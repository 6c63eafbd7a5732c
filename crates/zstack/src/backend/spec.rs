//! The parts of a [`VmSpec`] beyond sizes and image, as `CreateVmInstance` takes them, and the
//! user tags read back with VMs.
//!
//! | spec part | `CreateVmInstance` |
//! |---|---|
//! | `networks` | `l3NetworkUuids` in order, the first as `defaultL3NetworkUuid` |
//! | `storage` | `primaryStorageUuidForRootVolume` |
//! | `user_data` | system tag `userdata::<base64>` |
//! | `tags` | `userTags` (user tags on the new VM, in the same message) |
//!
//! Tags come back through `QueryUserTag` (`resourceUuid?=` the VMs of a page or batch): one
//! request more per page, none per VM.

use std::collections::HashMap;

use base64::Engine;
use omnivirt_core::{Error, ErrorKind, Op, Result, Vm, VmSpec};
use serde_json::json;

use super::ZStackBackend;
use crate::VENDOR;
use crate::generated::types::UserTagInventory;
use crate::native::query::{Condition, Direction, Query};
use crate::native::{CreateVm, check_uuid};

/// The system tag prefix that carries cloud-init user data.
pub(crate) const USERDATA_TAG: &str = "userdata::";

/// VM uuids per `QueryUserTag` (as for a batched VM read: the URL stays near 3.3 KB).
const TAG_BATCH: usize = 100;

/// User tags per `QueryUserTag` page: the server's own maximum.
const TAG_PAGE: u32 = 1000;

/// Pages of user tags read for one batch of VMs before the listing is taken for endless.
const TAG_PAGES_MAX: usize = 100;

/// Adds the networks, storage, user data and tags of `spec` to the create message; refuses
/// before any request what the message cannot carry.
pub(super) fn create_parts(spec: &VmSpec, mut c: CreateVm) -> Result<CreateVm> {
    let refuse = |msg: String| {
        Error::new(ErrorKind::Unsupported, msg)
            .with_vendor(VENDOR)
            .with_op(Op::VmCreateNics)
    };
    for (i, n) in spec.networks.iter().enumerate() {
        n.validate()
            .map_err(|e| e.with_vendor(VENDOR).with_op(Op::VmCreateNics))?;
        check_uuid("L3 network", n.network.as_str(), Op::VmCreateNics)?;
        if n.mac.is_some() || n.model.is_some() {
            return Err(refuse(format!(
                "networks[{i}]: ZStack's create takes L3 networks only (l3NetworkUuids); give \
                 a MAC or model with `vm nic add` after the create"
            )));
        }
    }
    if !spec.networks.is_empty() {
        c = c.l3_networks(spec.networks.iter().map(|n| n.network.as_str().to_owned()));
    }
    if let Some(pool) = &spec.storage {
        check_uuid("primary storage", pool.as_str(), Op::VmCreateStorage)?;
        c = c.param("primaryStorageUuidForRootVolume", pool.as_str());
    }
    if let Some(data) = &spec.user_data {
        let encoded = base64::engine::general_purpose::STANDARD.encode(data.expose());
        c = c.system_tag(format!("{USERDATA_TAG}{encoded}"));
    }
    if !spec.tags.is_empty() {
        c = c.param("userTags", json!(spec.tags));
    }
    Ok(c)
}

impl ZStackBackend {
    /// Fills `tags` of each VM with its user tags, in one `QueryUserTag` per 100 VMs (more
    /// only when their tags fill a page).
    pub(super) async fn fill_tags(&self, vms: &mut [Vm], op: Op) -> Result<()> {
        for chunk in vms.chunks_mut(TAG_BATCH) {
            if chunk.is_empty() {
                continue;
            }
            let q = Query::new()
                .filter(Condition::eq("resourceType", "VmInstanceVO"))
                .filter(Condition::is_in(
                    "resourceUuid",
                    chunk.iter().map(|v| v.id.as_str()),
                ));
            let mut tags = self
                .client
                .query::<UserTagInventory>("user-tags", &q.clone().limit(TAG_PAGE), Some(op))
                .await?
                .items;
            if tags.len() >= TAG_PAGE as usize {
                // A full page may not be all of them: read them again page by page, in an
                // order that stays put between pages.
                tags = self.all_tags(q, op).await?;
            }
            let mut by_vm: HashMap<String, Vec<String>> = HashMap::new();
            for t in tags {
                if let (Some(vm), Some(tag)) = (t.resource_uuid, t.tag) {
                    by_vm.entry(vm).or_default().push(tag);
                }
            }
            for vm in chunk.iter_mut() {
                vm.tags = by_vm.remove(vm.id.as_str()).unwrap_or_default();
            }
        }
        Ok(())
    }

    /// Every user tag `q` selects, by pages of [`TAG_PAGE`] sorted by uuid; a `Protocol` error
    /// past [`TAG_PAGES_MAX`] full pages (a server that never ends a listing).
    async fn all_tags(&self, q: Query, op: Op) -> Result<Vec<UserTagInventory>> {
        let q = q.sort("uuid", Direction::Asc).limit(TAG_PAGE);
        let mut out: Vec<UserTagInventory> = Vec::new();
        for _ in 0..TAG_PAGES_MAX {
            let page = self
                .client
                .query::<UserTagInventory>(
                    "user-tags",
                    &q.clone().start(out.len() as u64),
                    Some(op),
                )
                .await?
                .items;
            let full = page.len() >= TAG_PAGE as usize;
            out.extend(page);
            if !full {
                return Ok(out);
            }
        }
        Err(Error::new(
            ErrorKind::Protocol,
            format!(
                "QueryUserTag kept answering full pages: more than {} user tags for {TAG_BATCH} VMs",
                TAG_PAGES_MAX * TAG_PAGE as usize
            ),
        )
        .with_vendor(VENDOR)
        .with_op(op))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use omnivirt_core::NicSpec;

    use super::*;

    const L3: &str = "0123456789abcdef0123456789abcdef";
    const PS: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn every_part_goes_into_the_one_create_message() {
        let spec = VmSpec::new("web", "c")
            .network(NicSpec::new(L3))
            .network(NicSpec::new(PS))
            .storage(PS)
            .user_data("#cloud-config\npassword: s3cret\n")
            .tag("prod")
            .tag("web");
        let c = create_parts(&spec, CreateVm::new("web")).unwrap();
        let p = &c.body()["params"];
        assert_eq!(p["l3NetworkUuids"], json!([L3, PS]));
        assert_eq!(p["defaultL3NetworkUuid"], L3);
        assert_eq!(p["primaryStorageUuidForRootVolume"], PS);
        assert_eq!(p["userTags"], json!(["prod", "web"]));
        let tag = p["systemTags"][0].as_str().unwrap();
        let data = tag.strip_prefix(USERDATA_TAG).unwrap();
        let plain = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap();
        assert_eq!(plain, b"#cloud-config\npassword: s3cret\n");
        let debug = format!("{c:?}");
        assert!(debug.contains("userdata::***"), "{debug}");
        assert!(
            !debug.contains(data),
            "the Debug output shows the user data: {debug}"
        );
    }

    #[test]
    fn what_the_message_cannot_carry_is_refused_before_any_request() {
        let with_mac = VmSpec::new("web", "c").network(NicSpec::new(L3).mac("52:54:00:12:34:56"));
        let e = create_parts(&with_mac, CreateVm::new("web")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        assert!(e.to_string().contains("networks[0]"), "{e}");
        let bad_net = VmSpec::new("web", "c").network(NicSpec::new("not a uuid"));
        let e = create_parts(&bad_net, CreateVm::new("web")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    }
}
