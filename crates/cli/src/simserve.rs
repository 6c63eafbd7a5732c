//! `omnivirt sim serve`: a vendor skin on loopback for any client.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use omnivirt_sim::{SimServer, Skin, Tick, World, WorldConfig};

use crate::args::TickArg;
use crate::run::{CliError, CliResult};

/// A compiled-in simulator skin and how a client reaches it.
pub struct SkinInfo {
    pub skin: Arc<dyn Skin>,
    /// The API path under the server URL (what a client's `--url` ends with).
    pub api_path: &'static str,
    /// The user the skin accepts (password `admin`).
    pub user: &'static str,
}

/// The skin for `vendor`.
pub fn skin_for(vendor: &str) -> CliResult<SkinInfo> {
    match vendor {
        "sim" => Ok(SkinInfo {
            skin: Arc::new(omnivirt_sim::SimSkin::new()),
            api_path: "/sim/v1",
            user: "admin",
        }),
        "ovirt" => Ok(SkinInfo {
            skin: Arc::new(omnivirt_sim::skins::ovirt::OvirtSkin::new()),
            api_path: "/ovirt-engine/api",
            user: "admin@internal",
        }),
        "cloudtower" => Ok(SkinInfo {
            skin: Arc::new(omnivirt_sim::skins::cloudtower::CloudTowerSkin::new()),
            api_path: "/v2/api",
            user: "admin",
        }),
        "zstack" => Ok(SkinInfo {
            skin: Arc::new(omnivirt_sim::skins::zstack::ZStackSkin::new()),
            api_path: "/zstack/v1",
            user: "admin",
        }),
        "veil" => Ok(SkinInfo {
            skin: Arc::new(omnivirt_sim::skins::veil::VeilSkin::new()),
            api_path: "/veil",
            user: "admin",
        }),
        other => Err(CliError::usage(format!(
            "no simulator skin for vendor `{other}`; expected one of: sim, ovirt, cloudtower, \
             zstack, veil"
        ))),
    }
}

/// The world a served or demo simulator runs.
pub fn world(seed: u64, vms: usize, tick: Tick) -> Arc<World> {
    let vms = u32::try_from(vms).unwrap_or(u32::MAX);
    Arc::new(World::new(
        WorldConfig::builder()
            .seed(seed)
            .vms(vms)
            .tick(tick)
            .build(),
    ))
}

pub async fn serve(
    vendor: &str,
    host: &str,
    port: u16,
    seed: u64,
    vms: usize,
    tick: TickArg,
) -> CliResult {
    let info = skin_for(vendor)?;
    let ip: std::net::IpAddr = host
        .parse()
        .map_err(|_| CliError::usage(format!("--host `{host}` is not an IP address")))?;
    if !ip.is_loopback() {
        eprintln!("warning: serving the simulator on a non-loopback address ({ip})");
    }
    let tick = match tick {
        TickArg::PerPoll => Tick::PerPoll { steps: 2 },
        TickArg::Wall => Tick::Wall(Duration::from_millis(1500)),
    };
    let hint = info.skin.credentials_hint();
    let server = SimServer::start(
        world(seed, vms, tick),
        vec![info.skin],
        SocketAddr::new(ip, port),
    )
    .await?;
    say(format_args!(
        "omnivirt simulator ({vendor}) serving at {}{}",
        server.url(),
        info.api_path
    ));
    say(format_args!("credentials: {hint}"));
    if vendor != "sim" {
        say(format_args!(
            "try: PW=admin omnivirt --vendor {vendor} --url {}{} --user {} --password-env PW vm list",
            server.url(),
            info.api_path,
            info.user
        ));
    }
    say(format_args!("press Ctrl-C to stop"));
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::op(format!("cannot wait for Ctrl-C: {e}")))?;
    // What clients left behind: a client that logs out leaves no live session.
    say(format_args!(
        "stopped; live sessions: {}",
        server.world().session_count()
    ));
    server.shutdown().await;
    Ok(())
}

/// Prints one line on stdout, ignoring a closed stdout: whoever started the simulator may read
/// only its first line (the URL) and close the pipe, and that must not stop the server.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
