//! One 100-VM list page from the middle of a 1k / 10k / 100k-VM World, per vendor skin, through
//! the in-process transport: the time a skin needs to answer one page of a large listing (it
//! should grow with the page, not with the World).
//!
//! `cargo bench -p omnivirt-sim --bench page` (add `-- 100000` to run only one size).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use omnivirt_http::{Request, Transport};
use omnivirt_sim::{Filter, Paging, SimTransport, World, WorldConfig, skins};

const PAGE: usize = 100;
const BASE: &str = SimTransport::BASE_URL;

/// The request each vendor's client sends for 100 VMs starting at `offset` (`after` is the id of
/// the VM just before it, for the cursor-paged CloudTower).
fn page_request(vendor: &str, token: &str, offset: usize, after: &str) -> Request {
    match vendor {
        "sim" => Request::get(format!("{BASE}/sim/v1/vms?offset={offset}&limit={PAGE}"))
            .header("Authorization", &format!("Bearer {token}")),
        // What `OvirtBackend::list_vms` sends: name order, with addresses and tags inline.
        "ovirt" => Request::get(format!(
            "{BASE}/ovirt-engine/api/vms?search=sortby%20name%20asc%20page%20{}&max={PAGE}\
             &follow=reported_devices%2Ctags",
            offset / PAGE + 1
        ))
        .header("Authorization", &format!("Bearer {token}")),
        "cloudtower" => Request::post(format!("{BASE}/v2/api/get-vms"))
            .json(&serde_json::json!({"where": {}, "first": PAGE, "after": after}))
            .unwrap()
            .header("Authorization", token),
        "zstack" => Request::get(format!(
            "{BASE}/zstack/v1/vm-instances?limit={PAGE}&start={offset}&replyWithCount=true"
        ))
        .header("Authorization", &format!("OAuth {token}")),
        "veil" => Request::get(format!(
            "{BASE}/veil/api/domains/?limit={PAGE}&offset={offset}"
        ))
        .header("Authorization", &format!("jwt {token}")),
        other => panic!("no page request for {other}"),
    }
    .unwrap()
}

fn pages(c: &mut Criterion) {
    let only: Option<usize> = std::env::args().skip(1).find_map(|a| a.parse().ok());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for n in [1_000usize, 10_000, 100_000] {
        if only.is_some_and(|o| o != n) {
            continue;
        }
        let world = Arc::new(World::new(WorldConfig::builder().vms(n as u32).build()));
        let token = world.login("admin", "admin").unwrap().expose().to_owned();
        let offset = n / 2;
        let after = world
            .list_vms(&Filter::new(), &Paging::new(offset - 1, 1))
            .items[0]
            .id
            .to_string();
        let mut g = c.benchmark_group(format!("page_of_100/{n}_vms"));
        g.sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        for skin in skins::all() {
            let vendor = skin.vendor();
            let t = SimTransport::new(world.clone(), skin);
            let req = page_request(vendor, &token, offset, &after);
            let first = rt.block_on(t.send(req.clone())).unwrap();
            assert_eq!(first.status, 200, "{vendor}: {:?}", first.body);
            g.bench_function(BenchmarkId::from_parameter(vendor), |b| {
                b.iter(|| rt.block_on(t.send(req.clone())).unwrap())
            });
        }
        g.finish();
    }
}

criterion_group!(benches, pages);
criterion_main!(benches);
