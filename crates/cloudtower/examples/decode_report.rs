//! One-shot decode measurements for `benches/compare.sh`: time and peak memory of decoding a
//! `get-vms` answer into typed VMs or into `serde_json::Value`, one mode per process so peak
//! memory is not shared.
//!
//! ```text
//! decode_report write PATH [N]   # writes the N-VM body (default 10000) to PATH
//! decode_report typed PATH       # prints one JSON line: vms, seconds, vms_per_s, peak_rss_mib
//! decode_report value PATH
//! decode_report serde-typed PATH
//! decode_report listed PATH
//! ```
//! `typed` decodes as the crate does (`omnivirt_cloudtower::json::from_slice`), `serde-typed`
//! decodes the same types through `serde_json::from_slice`, `value` decodes into
//! `serde_json::Value` with `serde_json`, `listed` reads each VM in part as the uniform backend's
//! VM listing does (`convert::ListedVm`).
//! With no arguments it measures a 1,000-VM body in memory, both ways.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use omnivirt_cloudtower::model::Vm;

#[path = "../benches/vm_body.rs"]
mod vm_body;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn measure(mode: &str, body: &[u8]) {
    let before = peak_rss_mib();
    let t = Instant::now();
    let n = if mode == "typed" {
        let vms: Vec<Vm> = omnivirt_cloudtower::json::from_slice(body).expect("typed decode");
        let n = vms.len();
        std::hint::black_box(&vms);
        n
    } else if mode == "listed" {
        let vms: Vec<omnivirt_cloudtower::convert::ListedVm> =
            omnivirt_cloudtower::json::from_slice(body).expect("listed decode");
        let n = vms.len();
        std::hint::black_box(&vms);
        n
    } else if mode == "serde-typed" {
        let vms: Vec<Vm> = serde_json::from_slice(body).expect("typed decode");
        let n = vms.len();
        std::hint::black_box(&vms);
        n
    } else {
        let v: serde_json::Value = serde_json::from_slice(body).expect("value decode");
        let n = v.as_array().map_or(0, Vec::len);
        std::hint::black_box(&v);
        n
    };
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{{\"mode\": \"{mode}\", \"vms\": {n}, \"bytes\": {}, \"seconds\": {secs:.4}, \"vms_per_s\": {:.0}, \"peak_rss_mib\": {:.1}, \"rss_before_mib\": {before:.1}}}",
        body.len(),
        n as f64 / secs,
        peak_rss_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("write") => {
            let path = args.get(1).expect("write PATH [N]");
            let n = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
            let body = vm_body::body(n);
            std::fs::write(path, &body).expect("write the body");
            println!("wrote {n} VMs, {} bytes, to {path}", body.len());
        }
        Some(mode @ ("typed" | "value" | "serde-typed" | "listed")) => {
            let path = args.get(1).expect("typed|value|serde-typed|listed PATH");
            let body = std::fs::read(path).expect("read the body");
            measure(mode, &body);
        }
        _ => {
            let body = vm_body::body(1_000);
            measure("typed", &body);
            measure("value", &body);
        }
    }
}
