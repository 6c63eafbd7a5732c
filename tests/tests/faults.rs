//! The fault matrix: every vendor × every row of `faults::TABLE`, through a hostile proxy in
//! front of the vendor's simulator skin. `OMNIVIRT_FAULTS_DOC=1` rewrites `docs/faults.md`;
//! otherwise the page must match the run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use omnivirt_conformance::faults::{self, Connect, Fault, Report, Row, TABLE, VENDORS, Vendor};
use omnivirt_core::Client;
use omnivirt_http::ConnectionSettings;

fn connector(vendor: Vendor) -> Connect {
    Arc::new(move |settings: ConnectionSettings| {
        Box::pin(async move {
            let url = settings.url.clone();
            let backend: Arc<dyn omnivirt_core::Backend> = match vendor {
                Vendor::Ovirt => Arc::new(
                    omnivirt_ovirt::connect(
                        &omnivirt_ovirt::OvirtConfig::new(url)
                            .connection(settings)
                            .user("admin@internal", "admin"),
                    )
                    .await?,
                ),
                Vendor::CloudTower => Arc::new(
                    omnivirt_cloudtower::connect(
                        &omnivirt_cloudtower::CloudTowerConfig::new(url)
                            .connection(settings)
                            .user("admin", "admin"),
                    )
                    .await?,
                ),
                Vendor::Zstack => Arc::new(
                    omnivirt_zstack::connect(
                        &omnivirt_zstack::ZStackConfig::new(url)
                            .connection(settings)
                            .user("admin", "admin"),
                    )
                    .await?,
                ),
                Vendor::Veil => Arc::new(
                    omnivirt_veil::connect(
                        &omnivirt_veil::VeilConfig::new(url)
                            .connection(settings)
                            .user("admin", "admin"),
                    )
                    .await?,
                ),
            };
            Ok(Client::new(backend))
        })
    })
}

/// The rows `pick` selects for one vendor, one after the other.
async fn vendor_cells(vendor: Vendor, pick: fn(&Row) -> bool) -> Vec<Result<Report, String>> {
    let connect = connector(vendor);
    let mut out = Vec::new();
    for row in TABLE.iter().filter(|r| pick(r)) {
        out.push(
            faults::run_cell(vendor, *row, &connect)
                .await
                .map_err(|e| format!("{} / {} / {}: {e}", vendor.name(), row.fault, row.op.name())),
        );
    }
    out
}

/// The process's peak resident memory (`VmHWM`), where Linux reports it.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    // The gzip bombs first, one at a time, so the rise of the peak resident memory is theirs;
    // after the chunked oversized bodies, which touch the same code and buffers first.
    let mut runs = Vec::new();
    for v in VENDORS {
        runs.push(vendor_cells(v, |r| r.fault == Fault::OversizedChunked).await);
    }
    let rss_before = peak_rss();
    for v in VENDORS {
        runs.push(vendor_cells(v, |r| r.fault == Fault::GzipBomb).await);
    }
    let rss_after = peak_rss();
    let rest = futures::future::join_all(VENDORS.map(|v| {
        tokio::spawn(vendor_cells(v, |r| {
            !matches!(r.fault, Fault::GzipBomb | Fault::OversizedChunked)
        }))
    }))
    .await;
    runs.extend(
        rest.into_iter()
            .map(|r| r.expect("a vendor's cells panicked")),
    );
    let mut reports = Vec::new();
    let mut problems = Vec::new();
    for run in runs {
        for cell in run {
            match cell {
                Ok(r) => {
                    let what = match &r.result {
                        Ok(()) => "ok".to_owned(),
                        Err(e) => e.to_string(),
                    };
                    eprintln!(
                        "{} / {} / {} ({} ms): {what}",
                        r.vendor.name(),
                        r.row.fault,
                        r.row.op.name(),
                        r.elapsed.as_millis()
                    );
                    for p in faults::check(&r) {
                        problems.push(format!(
                            "{} / {} / {}: {p}",
                            r.vendor.name(),
                            r.row.fault,
                            r.row.op.name()
                        ));
                    }
                    reports.push(r);
                }
                Err(e) => problems.push(e),
            }
        }
    }
    let doc = faults::markdown(&reports);
    eprintln!("{doc}");
    // The page is generated from this run; it is rewritten on request and otherwise must match,
    // so a change in behaviour shows in the docs (like `cargo xtask matrix --check`).
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/faults.md");
    if std::env::var_os("OMNIVIRT_FAULTS_DOC").is_some_and(|v| v == "1") {
        std::fs::write(&path, &doc).unwrap();
    } else if std::fs::read_to_string(&path).ok().as_deref() != Some(doc.as_str()) {
        problems.push(
            "docs/faults.md does not match this run; regenerate it with \
             OMNIVIRT_FAULTS_DOC=1 cargo test -p omnivirt-conformance --test faults"
                .to_owned(),
        );
    }
    // Memory bounded by the limit: had any client held a gzip bomb whole, the peak would have
    // risen by the bomb's 48 MiB at least (a bounded decoder holds ~4 MiB: 4 KiB of input).
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        let rise = after.saturating_sub(before);
        eprintln!(
            "peak resident memory rose by {} KiB during the gzip bombs",
            rise / 1024
        );
        if rise >= (faults::BOMB / 2) as u64 {
            problems.push(format!(
                "peak resident memory rose by {} MiB during the gzip bombs: a body was held whole",
                rise >> 20
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) in the fault matrix:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
