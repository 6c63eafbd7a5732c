//! `cargo xtask load`: a load test of one vendor's client against its simulator skin.
//!
//! Starts the vendor's skin on loopback in this process, connects one uniform [`Client`] to it
//! over real HTTP (the vendor's config and `connect`, so the whole stack: trace, deadline,
//! retry, auth, timeout, hyper), lists the world's VMs once, then runs `--requests` VM gets by
//! id, round robin over those VMs, `--concurrency` at a time, and prints the throughput, the
//! p50/p99/max latency and the errors.
//!
//! ```text
//! cargo run --release -p xtask -- load --vendor ovirt --concurrency 256 --requests 10000
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use omnivirt_core::{Backend, Client, ListQuery, VmId};
use omnivirt_http::ConnectionSettings;
use omnivirt_sim::{SimServer, Skin, World, WorldConfig};

/// The vendors `load` knows.
pub const VENDORS: [&str; 4] = ["ovirt", "cloudtower", "zstack", "veil"];

/// What `cargo xtask load` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// `ovirt`, `cloudtower`, `zstack` or `veil`.
    pub vendor: String,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// VM gets in all.
    pub requests: usize,
    /// VMs in the simulated world.
    pub vms: u32,
}

/// The usage lines of `load`.
pub const USAGE: &str = "usage: cargo xtask load --vendor ovirt|cloudtower|zstack|veil [--concurrency N (64)] \
     [--requests N (10000)] [--vms N (1000)]";

impl Args {
    /// Reads the arguments after `load`.
    pub fn parse(args: &[String]) -> Result<Args, String> {
        let mut out = Args {
            vendor: String::new(),
            concurrency: 64,
            requests: 10_000,
            vms: 1_000,
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (flag.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| it.next().cloned())
                    .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
            };
            match name {
                "--vendor" => out.vendor = value()?,
                "--concurrency" => out.concurrency = number(name, &value()?)?,
                "--requests" => out.requests = number(name, &value()?)?,
                "--vms" => out.vms = number(name, &value()?)?,
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        if out.vendor.is_empty() {
            return Err(format!("--vendor is required\n{USAGE}"));
        }
        if !VENDORS.contains(&out.vendor.as_str()) {
            return Err(format!(
                "unknown vendor `{}`; one of {}",
                out.vendor,
                VENDORS.join(", ")
            ));
        }
        if out.concurrency == 0 || out.vms == 0 {
            return Err("--concurrency and --vms must be at least 1".to_owned());
        }
        Ok(out)
    }
}

fn number<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("{name} `{v}` is not a number"))
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The vendor.
    pub vendor: String,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests sent.
    pub requests: usize,
    /// Wall time of the gets.
    pub elapsed: Duration,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Slowest request.
    pub max: Duration,
    /// Failed requests.
    pub errors: usize,
    /// The first error, if any.
    pub first_error: Option<String>,
}

impl Summary {
    /// Requests per second.
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The table header [`Summary::row`] fits under.
    pub const HEADER: &'static str = "| vendor | concurrency | requests | req/s | p50 | p99 | max | errors |\n|---|---|---|---|---|---|---|---|";

    /// One markdown table row.
    pub fn row(&self) -> String {
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        format!(
            "| {} | {} | {} | {:.0} | {} | {} | {} | {} |",
            self.vendor,
            self.concurrency,
            self.requests,
            self.throughput(),
            ms(self.p50),
            ms(self.p99),
            ms(self.max),
            self.errors
        )
    }
}

/// `cargo xtask load ...`.
pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start tokio: {e}"))?;
    let s = rt.block_on(measure(&args))?;
    println!("{}\n{}", Summary::HEADER, s.row());
    if let Some(e) = &s.first_error {
        println!("first error: {e}");
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build; `cargo run --release -p xtask -- load ...` measures the real thing"
        );
    }
    Ok(())
}

fn skin(vendor: &str) -> Result<(Arc<dyn Skin>, &'static str), String> {
    use omnivirt_sim::skins;
    Ok(match vendor {
        "ovirt" => (
            Arc::new(skins::ovirt::OvirtSkin::new()),
            "/ovirt-engine/api",
        ),
        "cloudtower" => (
            Arc::new(skins::cloudtower::CloudTowerSkin::new()),
            "/v2/api",
        ),
        "zstack" => (Arc::new(skins::zstack::ZStackSkin::new()), "/zstack/v1"),
        "veil" => (Arc::new(skins::veil::VeilSkin::new()), "/veil"),
        other => return Err(format!("unknown vendor `{other}`")),
    })
}

async fn connect(vendor: &str, url: String) -> Result<Client, String> {
    let settings = ConnectionSettings::new(url.clone());
    let backend: Arc<dyn Backend> = match vendor {
        "ovirt" => Arc::new(
            omnivirt_ovirt::connect(
                &omnivirt_ovirt::OvirtConfig::new(url)
                    .connection(settings)
                    .user("admin@internal", "admin"),
            )
            .await
            .map_err(|e| e.to_string())?,
        ),
        "cloudtower" => Arc::new(
            omnivirt_cloudtower::connect(
                &omnivirt_cloudtower::CloudTowerConfig::new(url)
                    .connection(settings)
                    .user("admin", "admin"),
            )
            .await
            .map_err(|e| e.to_string())?,
        ),
        "zstack" => Arc::new(
            omnivirt_zstack::connect(
                &omnivirt_zstack::ZStackConfig::new(url)
                    .connection(settings)
                    .user("admin", "admin"),
            )
            .await
            .map_err(|e| e.to_string())?,
        ),
        "veil" => Arc::new(
            omnivirt_veil::connect(
                &omnivirt_veil::VeilConfig::new(url)
                    .connection(settings)
                    .user("admin", "admin"),
            )
            .await
            .map_err(|e| e.to_string())?,
        ),
        other => return Err(format!("unknown vendor `{other}`")),
    };
    Ok(Client::new(backend))
}

/// Serves the vendor's skin, connects, lists the VMs and runs the gets.
pub async fn measure(args: &Args) -> Result<Summary, String> {
    let (skin, api_path) = skin(&args.vendor)?;
    let world = Arc::new(World::new(
        WorldConfig::builder().seed(1).vms(args.vms).build(),
    ));
    let server = SimServer::start(world, vec![skin], SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("simulator: {e}"))?;
    let client = connect(&args.vendor, format!("{}{api_path}", server.url())).await?;
    let ids: Vec<VmId> = client
        .vms()
        .list(ListQuery::new().page_size(100))
        .map_ok(|vm| vm.id)
        .try_collect()
        .await
        .map_err(|e| format!("vm list: {e}"))?;
    if ids.is_empty() {
        return Err("the world has no VMs".to_owned());
    }
    let ids = Arc::new(ids);
    let client = Arc::new(client);
    // `concurrency` workers, each taking the next request number until all are taken.
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.min(args.requests.max(1)) {
        let (client, ids, next) = (client.clone(), ids.clone(), next.clone());
        let total = args.requests;
        workers.spawn(async move {
            let mut seen = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break seen;
                }
                let t = Instant::now();
                let r = client.vms().get(&ids[i % ids.len()]).await;
                seen.push((t.elapsed(), r.err().map(|e| e.to_string())));
            }
        });
    }
    let mut latencies = Vec::with_capacity(args.requests);
    let mut errors = 0;
    let mut first_error = None;
    while let Some(done) = workers.join_next().await {
        for (latency, err) in done.map_err(|e| format!("a worker failed: {e}"))? {
            latencies.push(latency);
            if let Some(e) = err {
                errors += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    let elapsed = start.elapsed();
    let _ = client.close().await;
    server.shutdown().await;
    latencies.sort_unstable();
    let at = |q: f64| -> Duration {
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i]
    };
    Ok(Summary {
        vendor: args.vendor.clone(),
        concurrency: args.concurrency,
        requests: latencies.len(),
        elapsed,
        p50: at(0.50),
        p99: at(0.99),
        max: latencies.last().copied().unwrap_or_default(),
        errors,
        first_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        Args::parse(&args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn defaults_and_every_flag() {
        let a = parse(&["--vendor", "zstack"]).unwrap();
        assert_eq!(
            a,
            Args {
                vendor: "zstack".into(),
                concurrency: 64,
                requests: 10_000,
                vms: 1_000
            }
        );
        let a = parse(&[
            "--vendor=veil",
            "--concurrency",
            "256",
            "--requests=1_000",
            "--vms",
            "50",
        ])
        .unwrap();
        assert_eq!(
            (a.vendor.as_str(), a.concurrency, a.requests, a.vms),
            ("veil", 256, 1000, 50)
        );
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert!(parse(&[]).unwrap_err().contains("--vendor is required"));
        assert!(
            parse(&["--vendor", "vmware"])
                .unwrap_err()
                .contains("unknown vendor `vmware`")
        );
        assert!(
            parse(&["--vendor", "ovirt", "--requests", "many"])
                .unwrap_err()
                .contains("not a number")
        );
        assert!(
            parse(&["--vendor", "ovirt", "--concurrency"])
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(parse(&["--vendor", "ovirt", "--concurrency", "0"]).is_err());
        assert!(
            parse(&["--vendor", "ovirt", "--fast"])
                .unwrap_err()
                .contains("unknown argument `--fast`")
        );
    }

    #[test]
    fn smoke_run_every_vendor() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        for vendor in VENDORS {
            let args = Args {
                vendor: vendor.to_owned(),
                concurrency: 4,
                requests: 20,
                vms: 10,
            };
            let s = rt
                .block_on(async {
                    tokio::time::timeout(Duration::from_secs(60), measure(&args)).await
                })
                .unwrap()
                .unwrap();
            assert_eq!(s.requests, 20, "{vendor}");
            assert_eq!(s.errors, 0, "{vendor}: {:?}", s.first_error);
            assert!(s.p50 <= s.p99 && s.p99 <= s.max, "{vendor}: {s:?}");
            assert!(
                s.row().starts_with(&format!("| {vendor} | 4 | 20 |")),
                "{}",
                s.row()
            );
        }
    }
}
