//! The engine's enumerations, open: a value this crate does not know is kept as `Other(raw)`.

use std::fmt;

use serde::{Serialize, Serializer};

// The one table macro left in this crate: sixteen open enums would otherwise repeat the same
// `as_str`/`parse`/`Display`/`From`/`Serialize` forty lines each, and the call sites still show
// `pub enum Name` and every variant with its engine spelling.
macro_rules! ovirt_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this crate does not know, exactly as the engine sent it.
            Other(String),
        }

        impl $name {
            /// Every known value, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The engine's spelling of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }

            /// Parses an engine value (case-insensitively: 3.x engines sent upper case);
            /// unknown values become `Other`, never an error.
            pub fn parse(s: &str) -> Self {
                $(if s.eq_ignore_ascii_case($text) {
                    return $name::$variant;
                })+
                $name::Other(s.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

ovirt_enum!(
    /// Status of a virtual machine (`VmStatus`).
    pub enum VmStatus {
        /// Powered off.
        Down => "down",
        /// A disk operation is in progress; the VM cannot start.
        ImageLocked => "image_locked",
        /// Live-migrating.
        Migrating => "migrating",
        /// The hypervisor says the VM does not respond.
        NotResponding => "not_responding",
        /// Paused (started paused, or paused on an I/O error).
        Paused => "paused",
        /// Shutting down.
        PoweringDown => "powering_down",
        /// Guest booting.
        PoweringUp => "powering_up",
        /// Rebooting.
        RebootInProgress => "reboot_in_progress",
        /// Resuming from suspension.
        RestoringState => "restoring_state",
        /// Being suspended.
        SavingState => "saving_state",
        /// Suspended (memory saved to disk).
        Suspended => "suspended",
        /// The engine received an invalid status.
        Unassigned => "unassigned",
        /// The host is unreachable.
        Unknown => "unknown",
        /// Running, guest loaded.
        Up => "up",
        /// Run request sent to the host.
        WaitForLaunch => "wait_for_launch",
    }
);

ovirt_enum!(
    /// Status of an action (`CreationStatus`).
    pub enum CreationStatus {
        /// Done (for VM power actions: accepted, not yet converged).
        Complete => "complete",
        /// Failed.
        Failed => "failed",
        /// Running.
        InProgress => "in_progress",
        /// Queued.
        Pending => "pending",
    }
);

ovirt_enum!(
    /// VM optimisation type.
    pub enum VmType {
        /// Desktop.
        Desktop => "desktop",
        /// High performance.
        HighPerformance => "high_performance",
        /// Server.
        Server => "server",
    }
);

ovirt_enum!(
    /// CPU architecture.
    pub enum Architecture {
        /// ARM 64.
        Aarch64 => "aarch64",
        /// LoongArch 64.
        Loongarch64 => "loongarch64",
        /// POWER.
        Ppc64 => "ppc64",
        /// IBM Z.
        S390x => "s390x",
        /// Not set.
        Undefined => "undefined",
        /// x86-64.
        X86_64 => "x86_64",
    }
);

ovirt_enum!(
    /// Model of a virtual NIC.
    pub enum NicInterface {
        /// e1000.
        E1000 => "e1000",
        /// e1000e.
        E1000e => "e1000e",
        /// PCI passthrough.
        PciPassthrough => "pci_passthrough",
        /// rtl8139.
        Rtl8139 => "rtl8139",
        /// rtl8139 + virtio.
        Rtl8139Virtio => "rtl8139_virtio",
        /// sPAPR VLAN.
        SpaprVlan => "spapr_vlan",
        /// virtio.
        Virtio => "virtio",
    }
);
