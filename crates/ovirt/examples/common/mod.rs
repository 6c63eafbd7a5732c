//! The in-process simulator every example runs against when no engine is given.
//!
//! Set `OVIRT_URL`, `OVIRT_USER` and `OVIRT_PASSWORD` (and `OVIRT_CA_FILE`) to run an example
//! against a real engine instead.

use std::sync::Arc;
use std::time::Duration;

use omnivirt_ovirt::Connection;
use omnivirt_sim::skins::ovirt::OvirtSkin;
use omnivirt_sim::{SimTransport, World, WorldConfig};

/// A connection to `OVIRT_URL` if set, else to a fresh simulated engine with 12 VMs.
pub fn connect() -> omnivirt_core::Result<Connection> {
    if let Ok(url) = std::env::var("OVIRT_URL") {
        let mut b = Connection::builder(url)
            .username(std::env::var("OVIRT_USER").unwrap_or_else(|_| "admin@internal".into()))
            .password(std::env::var("OVIRT_PASSWORD").unwrap_or_default());
        if let Ok(ca) = std::env::var("OVIRT_CA_FILE") {
            b = b.ca_file(ca);
        }
        return b.build();
    }
    let world = Arc::new(World::new(WorldConfig::builder().vms(12).build()));
    Connection::builder("https://engine.sim/ovirt-engine/api")
        .username("admin@internal")
        .password("admin")
        .transport(Arc::new(SimTransport::new(
            world,
            Arc::new(OvirtSkin::new()),
        )))
        // The simulator moves one step per poll; poll quickly.
        .wait_backoff(Duration::from_millis(50), Duration::from_millis(500))
        .build()
}
