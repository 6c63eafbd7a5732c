//! Decoding figures: typed VMs vs the raw quick-xml event loop vs the official Python SDK's
//! reader on the same 10,000-VM document, and peak memory of a streaming walk of 100,000 VMs.
//!
//! ```text
//! cargo run --release -p omnivirt-ovirt --example bench_decode
//! OVIRT_SDK_PYTHON=/tmp/omnivirt-ovirt-sdk-venv/bin/python \
//!     cargo run --release -p omnivirt-ovirt --example bench_decode      # + Python side by side
//! cargo run --release -p omnivirt-ovirt --example bench_decode -- walk  # only the 100k walk
//! ```
//! Not a test: numbers depend on the machine. Linux only for the RSS figures (`/proc`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use async_trait::async_trait;
use futures::TryStreamExt;
use omnivirt_http::{Request, Response, Transport};
use omnivirt_ovirt::Connection;
use omnivirt_ovirt::types::Vm;

#[path = "../benches/support.rs"]
mod support;

fn rss_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Best time of `rounds` calls; freeing the result is not timed (as in the Python script).
fn best_of<T>(rounds: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            let out = std::hint::black_box(f());
            let dt = t.elapsed().as_secs_f64();
            drop(out);
            dt
        })
        .fold(f64::MAX, f64::min)
}

/// The VMs of `doc` read in part: the child elements the neutral VM needs, as `vm list` reads.
fn read_in_part(doc: &[u8]) -> Vec<Vm> {
    <Vm as omnivirt_ovirt::Resource>::list_from_xml_only(doc, omnivirt_ovirt::convert::vm_fields)
        .unwrap()
}

/// Answers `GET /vms?search=... page N&max=M` with M generated VMs, up to `total`.
#[derive(Debug)]
struct Inventory {
    template: String,
    total: usize,
    served: AtomicUsize,
}

#[async_trait]
impl Transport for Inventory {
    async fn send(&self, req: Request) -> omnivirt_core::Result<Response> {
        let q: Vec<(String, String)> =
            url::form_urlencoded::parse(req.query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let max: usize = q
            .iter()
            .find(|(k, _)| k == "max")
            .map_or(100, |(_, v)| v.parse().unwrap());
        let page: usize = q
            .iter()
            .find(|(k, _)| k == "search")
            .and_then(|(_, v)| v.rsplit(' ').next().and_then(|n| n.parse().ok()))
            .unwrap_or(1);
        let from = (page - 1) * max;
        let n = max.min(self.total.saturating_sub(from));
        self.served.fetch_add(n, Ordering::Relaxed);
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "content-type",
            "application/xml;charset=UTF-8".parse().unwrap(),
        );
        Ok(Response::new(
            http::StatusCode::OK,
            headers,
            support::vms_doc(&self.template, from, n),
        ))
    }
}

async fn walk(total: usize, page: u32) {
    let inv = Arc::new(Inventory {
        template: support::vm_template(),
        total,
        served: AtomicUsize::new(0),
    });
    let conn = Connection::builder("https://engine.bench/ovirt-engine/api")
        .token("bench")
        .transport(inv.clone())
        .build()
        .unwrap();
    let before = rss_kb("VmHWM:");
    let t = Instant::now();
    let mut n = 0usize;
    let mut mem = 0u64;
    let mut s = conn.system().vms().list().pages(page);
    while let Some(vm) = s.try_next().await.unwrap() {
        n += 1;
        mem += vm.memory.unwrap_or(0) as u64;
    }
    let dt = t.elapsed().as_secs_f64();
    assert_eq!(n, total);
    println!(
        "stream walk: {n} VMs in pages of {page}: {:.2} s ({:.0} VMs/s incl. generating the XML), \
         peak RSS {:.1} MB (before the walk {:.1} MB), checksum {mem}",
        dt,
        n as f64 / dt,
        rss_kb("VmHWM:") as f64 / 1024.0,
        before as f64 / 1024.0
    );
}

#[tokio::main]
async fn main() {
    let mode = std::env::args().nth(1);
    if let Some(m @ ("decode" | "generated" | "only" | "raw" | "gen")) = mode.as_deref() {
        // For profilers (`perf stat -e cycles:u`): build the document, then decode it ten
        // times typed (the hand-written or the generated `Vm`, or `only` the fields the neutral
        // VM needs), or run the raw loop ten times,
        // or nothing (the baseline).
        // An optional count of rounds (default 10): `generated 1` under callgrind counts one.
        let rounds: usize = match std::env::args().nth(2).map(|n| n.parse()) {
            None => 10,
            Some(Ok(n)) => n,
            Some(Err(_)) => {
                eprintln!("bench_decode: the round count must be a whole number");
                std::process::exit(2);
            }
        };
        let doc = support::vms_doc(&support::vm_template(), 0, 10_000);
        for _ in 0..rounds {
            match m {
                "decode" => drop(std::hint::black_box(Vm::list_from_xml(&doc).unwrap())),
                "generated" => drop(std::hint::black_box(
                    omnivirt_ovirt::generated::types::Vm::list_from_xml(&doc).unwrap(),
                )),
                "only" => drop(std::hint::black_box(read_in_part(&doc))),
                "raw" => {
                    std::hint::black_box(support::raw_event_loop(&doc));
                }
                _ => {}
            }
        }
        return;
    }
    let only_walk = mode.as_deref() == Some("walk");
    if only_walk {
        walk(100_000, 500).await;
        return;
    }
    let template = support::vm_template();
    let doc = support::vms_doc(&template, 0, 10_000);
    let mb = doc.len() as f64 / 1e6;
    println!(
        "document: 10,000 VMs, {mb:.1} MB ({} bytes per VM)",
        doc.len() / 10_000
    );
    // Interleaved, best of 10 each: on a shared machine the best round is the least disturbed.
    let (mut raw, mut typed, mut only) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..10 {
        raw = raw.min(best_of(1, || support::raw_event_loop(&doc)));
        typed = typed.min(best_of(1, || Vm::list_from_xml(&doc).unwrap()));
        only = only.min(best_of(1, || read_in_part(&doc)));
    }
    println!(
        "raw quick-xml event loop: {:.3} s, {:.0} VMs/s, {:.0} MB/s",
        raw,
        10_000.0 / raw,
        mb / raw
    );
    println!(
        "typed Vm::list_from_xml:  {:.3} s, {:.0} VMs/s, {:.0} MB/s ({:.0}% of the raw loop)",
        typed,
        10_000.0 / typed,
        mb / typed,
        raw / typed * 100.0
    );
    println!(
        "typed, neutral fields only: {:.3} s, {:.0} VMs/s ({:.0}% of the raw loop; what `vm list` reads)",
        only,
        10_000.0 / only,
        raw / only * 100.0
    );
    let vms = Vm::list_from_xml(&doc).unwrap();
    println!(
        "peak RSS with the document and 10,000 typed VMs held: {:.1} MB",
        rss_kb("VmHWM:") as f64 / 1024.0
    );
    drop(vms);
    if let Ok(py) = std::env::var("OVIRT_SDK_PYTHON") {
        let path = std::env::temp_dir().join("omnivirt-ovirt-bench-vms.xml");
        std::fs::write(&path, &doc).unwrap();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/python_reader_bench.py"
        );
        let out = std::process::Command::new(py)
            .arg(script)
            .arg(&path)
            .output()
            .unwrap();
        let line = String::from_utf8_lossy(&out.stdout);
        println!(
            "python ovirtsdk4 XmlReader + VmReader.read_many: {}",
            line.trim()
        );
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line.trim())
            && let Some(py_rate) = v["vms_per_s"].as_f64()
        {
            println!(
                "typed Rust / Python SDK: {:.1}x VMs/s",
                (10_000.0 / typed) / py_rate
            );
        }
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        }
        let _ = std::fs::remove_file(&path);
    }
    walk(100_000, 500).await;
}
