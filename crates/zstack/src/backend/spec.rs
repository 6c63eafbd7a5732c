//! The parts of a [`VmSpec`] beyond sizes and image, as `CreateVmInstance` takes them.
//!
//! | spec part | `CreateVmInstance` |
//! |---|---|
//! | `networks` | `l3NetworkUuids` in order, the first as `defaultL3NetworkUuid` |
//! | `storage` | `primaryStorageUuidForRootVolume` |
//! | `user_data` | system tag `userdata::<base64>` |
//! | `tags` | `userTags` (user tags on the new VM, in the same message) |
//!
//! The tags come back with the VMs: see the `tags` module.

use base64::Engine;
use omnivirt_core::{Error, ErrorKind, Op, Result, VmSpec};
use serde_json::json;

use crate::VENDOR;
use crate::native::{CreateVm, check_uuid};

/// The system tag prefix that carries cloud-init user data.
pub(crate) const USERDATA_TAG: &str = "userdata::";

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
