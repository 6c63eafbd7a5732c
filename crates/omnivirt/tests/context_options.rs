//! A context file can set every option of every vendor config, and the documented context
//! keys are exactly the ones the code reads.
#![cfg(all(
    feature = "ovirt",
    feature = "cloudtower",
    feature = "zstack",
    feature = "veil"
))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use omnivirt::http::VendorConfig;
use omnivirt::{Config, Vendor, context_keys};

/// Every key `C` reads, set by a context (secrets through files), arrives non-default.
fn every_option_arrives<C: VendorConfig>(vendor: &str, keys: &str) {
    let dir = std::env::temp_dir().join(format!(
        "omnivirt-ctx-{vendor}-{}-{}",
        std::process::id(),
        fastrand_like()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let (pw, tok) = (dir.join("pw"), dir.join("tok"));
    std::fs::write(&pw, "pw\n").unwrap();
    std::fs::write(&tok, "tok\n").unwrap();
    let text = format!(
        "[contexts.x]\nvendor = \"{vendor}\"\npassword-file = {pw:?}\ntoken-file = {tok:?}\n\
         ca-file = \"/etc/pki/ca.pem\"\ninsecure = true\nrequest-timeout = \"7s\"\n\
         connect-timeout = 3\ntotal-timeout = \"9m\"\nmax-attempts = 2\nuser-agent = \"me/1\"\n\
         max-body-size = \"1MiB\"\n\
         {keys}"
    );
    let config = Config::parse(&text).unwrap();
    let (_, ctx) = config.context(Some("x")).unwrap();
    let built: C = ctx.vendor_config().unwrap();
    let got = serde_json::to_value(&built).unwrap();
    let default = serde_json::to_value(C::default()).unwrap();
    for key in C::keys() {
        assert_ne!(
            got[&key], default[&key],
            "{vendor}: `{key}` set in the context did not arrive in the config"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn fastrand_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

#[test]
fn a_context_sets_every_ovirt_option() {
    every_option_arrives::<omnivirt::ovirt::OvirtConfig>(
        "ovirt",
        "url = \"https://engine/ovirt-engine/api\"\nuser = \"admin@internal\"\n\
         headers = { X-Team = \"infra\" }\napi-version = \"v3\"\ncompress = false\n\
         revoke-on-close = false\nfollow-jobs = false\n",
    );
}

#[test]
fn a_context_sets_every_cloudtower_option() {
    every_option_arrives::<omnivirt::cloudtower::CloudTowerConfig>(
        "cloudtower",
        "url = \"https://tower\"\nuser = \"admin\"\nsource = \"LDAP\"\n\
         auth-config-id = \"ldap-1\"\nlanguage = \"zh-CN\"\npeers = [\"https://tower-b\"]\n",
    );
}

#[test]
fn a_context_sets_every_zstack_option() {
    every_option_arrives::<omnivirt::zstack::ZStackConfig>(
        "zstack",
        "url = \"http://mn:8080\"\nuser = \"admin\"\n",
    );
}

#[test]
fn a_context_sets_every_veil_option() {
    every_option_arrives::<omnivirt::veil::VeilConfig>(
        "veil",
        "url = \"https://veil\"\nuser = \"admin\"\nldap = true\nlanguage = \"ru\"\n",
    );
}

fn doc(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of the `## Context keys` table of docs/cli.md: key -> vendors (`all` or a list).
fn documented_keys(vendor: Vendor) -> BTreeSet<String> {
    let cli = doc("cli.md");
    let section = cli
        .split("\n## Context keys")
        .nth(1)
        .expect("docs/cli.md has a `## Context keys` section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut keys = BTreeSet::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, key, vendors, ..] = cells.as_slice() else {
            continue;
        };
        let Some(key) = key.strip_prefix('`').and_then(|k| k.strip_suffix('`')) else {
            continue;
        };
        if *vendors == "all"
            || vendors
                .split(',')
                .any(|v| v.trim().trim_matches('`') == vendor.as_str())
        {
            keys.insert(key.to_owned());
        }
    }
    keys
}

#[test]
fn the_documented_context_keys_are_the_ones_the_code_reads() {
    for &vendor in Vendor::ALL {
        let code = context_keys(vendor).unwrap();
        assert_eq!(
            documented_keys(vendor),
            code,
            "docs/cli.md `## Context keys` disagrees with the code for {vendor}"
        );
    }
    // Each vendor page lists its context keys in a `Context keys:` paragraph, before any `(`.
    for (vendor, page) in [
        (Vendor::Ovirt, "ovirt.md"),
        (Vendor::CloudTower, "cloudtower.md"),
        (Vendor::Zstack, "zstack.md"),
        (Vendor::Veil, "veil.md"),
    ] {
        let text = doc(page);
        let start = text
            .find("\nContext keys:")
            .unwrap_or_else(|| panic!("docs/{page} has no `Context keys:` paragraph"));
        let para = &text[start..];
        let para = &para[..para.find('(').unwrap_or(para.len())];
        let listed: BTreeSet<String> = para
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        assert_eq!(
            listed,
            context_keys(vendor).unwrap(),
            "docs/{page} disagrees with the code"
        );
    }
}
