//! No vendor's config, credentials or client prints a secret in its Debug output.
#![cfg(all(
    feature = "ovirt",
    feature = "cloudtower",
    feature = "zstack",
    feature = "veil"
))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

const PW: &str = "hunter2-pw-7731";
const TOKEN: &str = "tok-0d6c1e99ab";

fn assert_clean(what: &str, debug: String) {
    assert!(!debug.contains(PW), "{what} leaks the password: {debug}");
    assert!(!debug.contains(TOKEN), "{what} leaks the token: {debug}");
}

#[test]
fn vendor_configs_hide_secrets() {
    let ovirt = omnivirt::ovirt::OvirtConfig::new("https://e/ovirt-engine/api")
        .user("admin@internal", PW)
        .token(TOKEN);
    assert_clean("OvirtConfig", format!("{ovirt:?}"));
    let tower = omnivirt::cloudtower::CloudTowerConfig::new("https://t/v2/api")
        .user("admin", PW)
        .token(TOKEN);
    assert_clean("CloudTowerConfig", format!("{tower:?}"));
    let zstack = omnivirt::zstack::ZStackConfig::new("https://z:8080")
        .user("admin", PW)
        .token(TOKEN);
    assert_clean("ZStackConfig", format!("{zstack:?}"));
    let veil = omnivirt::veil::VeilConfig::new("https://v")
        .user("admin", PW)
        .token(TOKEN);
    assert_clean("VeilConfig", format!("{veil:?}"));
}

#[test]
fn vendor_credentials_hide_secrets() {
    assert_clean(
        "ovirt Credentials",
        format!(
            "{:?}",
            omnivirt::ovirt::Credentials::Password {
                username: "u".into(),
                password: PW.into()
            }
        ),
    );
    assert_clean(
        "cloudtower Credentials",
        format!("{:?}", omnivirt::cloudtower::Credentials::password("u", PW)),
    );
    assert_clean(
        "zstack Credentials",
        format!("{:?}", omnivirt::zstack::Credentials::account("u", PW)),
    );
    assert_clean(
        "veil Credentials",
        format!("{:?}", omnivirt::veil::Credentials::password("u", PW)),
    );
    assert_clean(
        "veil token Credentials",
        format!("{:?}", omnivirt::veil::Credentials::token(TOKEN)),
    );
}

#[tokio::test]
async fn connected_clients_hide_secrets() {
    use omnivirt::{Context, Credentials, Vendor};
    for (vendor, url) in [
        (Vendor::Ovirt, "http://127.0.0.1:9/ovirt-engine/api"),
        (Vendor::CloudTower, "http://127.0.0.1:9/v2/api"),
        (Vendor::Zstack, "http://127.0.0.1:9"),
        (Vendor::Veil, "http://127.0.0.1:9"),
    ] {
        let client = omnivirt::connect_with_credentials(
            &Context::new(vendor, url).user("admin"),
            Credentials::password("admin", PW),
        )
        .await
        .unwrap();
        assert_clean(vendor.as_str(), format!("{client:?}"));
        // A failed call's error does not carry the password either.
        let err = client
            .vms()
            .get(&omnivirt::VmId::new("x"))
            .await
            .unwrap_err();
        assert_clean(vendor.as_str(), format!("{err:?} {err}"));
    }
}
