//! The bytes of a VM list page, per skin, against a snapshot kept in `tests/snapshots/`: the
//! oVirt and CloudTower list renderers are written for speed, and this is what keeps their
//! output byte for byte what it was.
//!
//! The World is seeded (ids, clock and choices all come from the seed) and then given what the
//! fast paths must not get wrong: markup and non-ASCII text to escape, tags, a busy VM, a
//! suspended one. To accept a deliberate change of the output, run the test with
//! `UPDATE_SNAPSHOTS=1` and review the diff of the snapshot files.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;
use std::sync::Arc;

use omnivirt_core::PowerAction;
use omnivirt_http::{Request, Transport};
use omnivirt_sim::{Filter, Paging, SimTransport, World, WorldConfig, skins};

const BASE: &str = SimTransport::BASE_URL;

/// 30 seeded VMs, a few of them made awkward.
fn world() -> Arc<World> {
    let w = World::new(WorldConfig::builder().seed(7).vms(30).build());
    let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
    w.update_vm(vms[1].id.as_str(), |v| {
        v.name = "web <01> & \"db\" 'x'".into();
        v.description = "a&b <c> \"q\" 'a' é ü — 日本".into();
        v.tags = vec!["prod".into(), "a&b".into()];
    })
    .unwrap();
    w.update_vm(vms[2].id.as_str(), |v| {
        v.description = "plain".into();
        v.tags = vec!["prod".into()];
    })
    .unwrap();
    for vm in &vms[3..6] {
        let _ = w.power_vm(vm.id.as_str(), PowerAction::Suspend);
    }
    for vm in &vms[6..9] {
        let _ = w.power_vm(vm.id.as_str(), PowerAction::Start);
    }
    Arc::new(w)
}

fn send(world: &Arc<World>, vendor: &str, req: Request) -> String {
    let skin = skins::all()
        .into_iter()
        .find(|s| s.vendor() == vendor)
        .unwrap();
    let t = SimTransport::new(world.clone(), skin);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let resp = rt.block_on(t.send(req)).unwrap();
    assert_eq!(resp.status, 200, "{vendor}: {:?}", resp.body);
    let body = rt.block_on(resp.body.collect()).unwrap();
    String::from_utf8(body.to_vec()).unwrap()
}

/// Compares `got` with `tests/snapshots/<name>`, or writes it there with `UPDATE_SNAPSHOTS=1`.
fn check(name: &str, got: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let at = got
            .bytes()
            .zip(want.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(want.len()));
        panic!(
            "{name} differs from its snapshot at byte {at} (line {}): got {:?}, want {:?}",
            line + 1,
            &got[at.saturating_sub(40).min(got.len())..(at + 80).min(got.len())],
            &want[at.saturating_sub(40).min(want.len())..(at + 80).min(want.len())],
        );
    }
}

fn ovirt_page(world: &Arc<World>, query: &str) -> String {
    let token = world.login("admin", "admin").unwrap().expose().to_owned();
    let req = Request::get(format!("{BASE}/ovirt-engine/api/vms?{query}"))
        .header("Authorization", &format!("Bearer {token}"))
        .unwrap();
    send(world, "ovirt", req)
}

fn cloudtower_page(world: &Arc<World>, body: serde_json::Value) -> String {
    let token = world.login("admin", "admin").unwrap().expose().to_owned();
    let req = Request::post(format!("{BASE}/v2/api/get-vms"))
        .json(&body)
        .unwrap()
        .header("Authorization", &token)
        .unwrap();
    send(world, "cloudtower", req)
}

#[test]
fn ovirt_vm_list_page_is_byte_identical_to_its_snapshot() {
    let w = world();
    // What `OvirtBackend::list_vms` sends: name order, addresses and tags inline.
    let page = ovirt_page(
        &w,
        "search=sortby%20name%20asc%20page%201&max=30&follow=reported_devices%2Ctags",
    );
    check("ovirt_vms_page.xml", &page);
    // The plain listing (creation order, nothing followed), and the v3 shape with attachments.
    check("ovirt_vms_plain.xml", &ovirt_page(&w, "max=12"));
    check(
        "ovirt_vms_disks.xml",
        &ovirt_page(&w, "max=6&follow=disk_attachments.disk"),
    );
}

#[test]
fn cloudtower_vm_list_page_is_byte_identical_to_its_snapshot() {
    let w = world();
    let page = cloudtower_page(&w, serde_json::json!({"where": {}, "first": 20}));
    check("cloudtower_vms_page.json", &page);
    let by_name = cloudtower_page(
        &w,
        serde_json::json!({"where": {}, "first": 12, "orderBy": "name_ASC"}),
    );
    check("cloudtower_vms_by_name.json", &by_name);
}

const TICKET: &str = "\"graphics_password\":\"";

/// `detail` with the console ticket (a running VM's one-time password) replaced by `***`: the
/// snapshot holds its place, not a secret-shaped value.
fn without_ticket(detail: &str) -> String {
    let Some(at) = detail.find(TICKET).map(|i| i + TICKET.len()) else {
        return detail.to_owned();
    };
    let end = at + detail[at..].find('"').unwrap();
    assert!(detail[at..end].len() >= 16, "{detail}");
    format!("{}***{}", &detail[..at], &detail[end..])
}

fn veil_get(world: &Arc<World>, path_and_query: &str) -> String {
    let token = world.login("admin", "admin").unwrap().expose().to_owned();
    let req = Request::get(format!("{BASE}/veil/api/{path_and_query}"))
        .header("Authorization", &format!("jwt {token}"))
        .unwrap();
    send(world, "veil", req)
}

#[test]
fn veil_domains_are_byte_identical_to_their_snapshot() {
    let w = world();
    // The details of a stopped, an awkward, a suspended and a running VM (console fields).
    let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
    let details: Vec<String> = [0, 1, 3, 6]
        .iter()
        .map(|&i| veil_get(&w, &format!("domains/{}/", vms[i].id.as_str())))
        .map(|d| without_ticket(&d))
        .collect();
    assert_eq!(details.iter().filter(|d| d.contains(TICKET)).count(), 2);
    check("veil_domain_details.json", &details.join("\n"));
    // The plain list, the list the uniform backend asks for, and the whole-content list.
    check(
        "veil_domains_page.json",
        &veil_get(&w, "domains/?template=0&limit=12"),
    );
    check(
        "veil_domains_fields.json",
        &veil_get(
            &w,
            "domains/?template=0&limit=12&offset=3&fields=id,verbose_name,status,\
             user_power_state,cpu_count,memory_count,node,cluster,resource_pool,description,\
             locked_by,template,parent,tags,created,guest_utils",
        ),
    );
    check(
        "veil_domains_all_content.json",
        &veil_get(&w, "domains/?template=0&limit=5&all_content=1"),
    );
}
