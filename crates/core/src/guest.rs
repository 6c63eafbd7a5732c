//! What hangs off a VM: network interfaces, snapshots and the console.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{ConsoleProtocol, Extra, NetworkId, NicId, SnapshotId, SnapshotState, VmId};
use crate::secret::Secret;

/// A VM's network interface.
///
/// ```
/// use omnivirt_core::Nic;
///
/// let mut nic = Nic::new("nic-1", "vm-1", "eth0");
/// nic.ips.push("10.0.0.5".into());
/// assert_eq!(nic.vm_id.as_str(), "vm-1");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Nic {
    /// Vendor identifier.
    pub id: NicId,
    /// The VM it belongs to.
    pub vm_id: VmId,
    /// Display name (`nic1`, `eth0`), when the vendor names interfaces.
    pub name: String,
    /// MAC address, lower case with colons.
    pub mac: Option<String>,
    /// The network it is plugged into.
    pub network_id: Option<NetworkId>,
    /// Addresses reported on it (guest agent or DHCP).
    #[serde(default)]
    pub ips: Vec<String>,
    /// Device model (`virtio`, `e1000`...), as the vendor names it.
    pub model: Option<String>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Nic {
    /// A NIC with the given identity; other fields empty.
    pub fn new(id: impl Into<NicId>, vm: impl Into<VmId>, name: impl Into<String>) -> Self {
        Nic {
            id: id.into(),
            vm_id: vm.into(),
            name: name.into(),
            mac: None,
            network_id: None,
            ips: Vec::new(),
            model: None,
            extra: Extra::new(),
        }
    }
}

/// A new network interface for a VM.
///
/// ```
/// use omnivirt_core::NicSpec;
///
/// let spec = NicSpec::new("net-1").model("virtio");
/// assert_eq!(spec.network.as_str(), "net-1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NicSpec {
    /// The network to plug it into.
    pub network: NetworkId,
    /// Interface name, where the vendor takes one.
    pub name: Option<String>,
    /// Device model, where the vendor takes one.
    pub model: Option<String>,
    /// A fixed MAC address; the platform picks one when empty.
    pub mac: Option<String>,
}

impl NicSpec {
    /// A NIC on `network`.
    pub fn new(network: impl Into<NetworkId>) -> Self {
        NicSpec {
            network: network.into(),
            name: None,
            model: None,
            mac: None,
        }
    }

    /// Interface name.
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }

    /// Device model.
    pub fn model(mut self, m: impl Into<String>) -> Self {
        self.model = Some(m.into());
        self
    }

    /// A fixed MAC address.
    pub fn mac(mut self, m: impl Into<String>) -> Self {
        self.mac = Some(m.into());
        self
    }

    /// Checks what every backend needs, before any I/O.
    pub fn validate(&self) -> Result<()> {
        if self.network.as_str().trim().is_empty() {
            return Err(Error::invalid_input("NIC network must not be empty"));
        }
        if let Some(mac) = &self.mac {
            if !is_mac(mac) {
                return Err(Error::invalid_input(format!(
                    "`{mac}` is not a MAC address (expected six hex pairs like 52:54:00:12:34:56)"
                )));
            }
        }
        Ok(())
    }
}

fn is_mac(s: &str) -> bool {
    let parts: Vec<&str> = s.split([':', '-']).collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A point-in-time copy of a VM that it can be reverted to.
///
/// ```
/// use omnivirt_core::{Snapshot, SnapshotState};
///
/// let s = Snapshot::new("snap-1", "vm-1", "before-upgrade", SnapshotState::Ready);
/// assert_eq!(s.state.as_str(), "ready");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Snapshot {
    /// Vendor identifier.
    pub id: SnapshotId,
    /// The VM it belongs to.
    pub vm_id: VmId,
    /// Display name.
    pub name: String,
    /// Free-text description.
    pub description: Option<String>,
    /// When it was taken (RFC 3339).
    pub created_at: Option<String>,
    /// Neutral state.
    pub state: SnapshotState,
    /// The vendor's own status word, unchanged.
    pub raw_state: Option<String>,
    /// True when it holds the VM's memory as well as its disks.
    pub includes_memory: Option<bool>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Snapshot {
    /// A snapshot with the given identity and state; other fields empty.
    pub fn new(
        id: impl Into<SnapshotId>,
        vm: impl Into<VmId>,
        name: impl Into<String>,
        state: SnapshotState,
    ) -> Self {
        Snapshot {
            id: id.into(),
            vm_id: vm.into(),
            name: name.into(),
            description: None,
            created_at: None,
            state,
            raw_state: None,
            includes_memory: None,
            extra: Extra::new(),
        }
    }
}

/// What snapshot to take.
///
/// ```
/// use omnivirt_core::SnapshotSpec;
///
/// let spec = SnapshotSpec::new("before-upgrade").include_memory(true);
/// assert!(spec.include_memory);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SnapshotSpec {
    /// Name of the snapshot.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Save the memory of a running VM too.
    pub include_memory: bool,
}

impl SnapshotSpec {
    /// A disk-only snapshot named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        SnapshotSpec {
            name: name.into(),
            description: None,
            include_memory: false,
        }
    }

    /// Description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Save the memory too.
    pub fn include_memory(mut self, yes: bool) -> Self {
        self.include_memory = yes;
        self
    }

    /// Checks what every backend needs, before any I/O.
    pub fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid_input("snapshot name must not be empty"));
        }
        Ok(())
    }
}

/// How to reach a VM's screen. The ticket is a [`Secret`]: it never prints.
///
/// ```
/// use omnivirt_core::{Console, ConsoleProtocol, Secret};
///
/// let mut c = Console::new(ConsoleProtocol::Vnc);
/// c.host = Some("node-1".into());
/// c.port = Some(5901);
/// c.ticket = Some(Secret::new("s3cr3t"));
/// assert!(!format!("{c:?}").contains("s3cr3t"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Console {
    /// Display protocol.
    pub protocol: ConsoleProtocol,
    /// Host to connect to.
    pub host: Option<String>,
    /// Plain port.
    pub port: Option<u16>,
    /// TLS port, when the display listens on one.
    pub tls_port: Option<u16>,
    /// A URL (web console or websocket proxy), when the vendor gives one.
    pub url: Option<String>,
    /// One-time password or ticket.
    pub ticket: Option<Secret>,
    /// When the ticket stops working (RFC 3339).
    pub expires_at: Option<String>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Console {
    /// A console of `protocol`; other fields empty.
    pub fn new(protocol: ConsoleProtocol) -> Self {
        Console {
            protocol,
            host: None,
            port: None,
            tls_port: None,
            url: None,
            ticket: None,
            expires_at: None,
            extra: Extra::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nic_spec_checks_its_mac() {
        assert!(
            NicSpec::new("n")
                .mac("52:54:00:AB:cd:01")
                .validate()
                .is_ok()
        );
        let err = NicSpec::new("n").mac("52:54:00").validate().unwrap_err();
        assert!(err.to_string().contains("not a MAC"), "{err}");
        assert!(NicSpec::new(" ").validate().is_err());
    }

    #[test]
    fn a_console_never_shows_its_ticket() {
        let mut c = Console::new(ConsoleProtocol::Spice);
        c.ticket = Some(Secret::new("tkt-123"));
        let json = serde_json::to_string(&c).unwrap();
        assert!(!json.contains("tkt-123") && !format!("{c:?}").contains("tkt-123"));
        assert!(json.contains("\"protocol\":\"spice\""), "{json}");
    }

    #[test]
    fn a_snapshot_needs_a_name() {
        assert!(SnapshotSpec::new("").validate().is_err());
        assert!(SnapshotSpec::new("s").validate().is_ok());
    }
}
