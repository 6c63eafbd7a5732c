//! What each backend declares to the suite, by vendor: the VM states it reports (and how it
//! filters them), and where its answers may differ from the strictest one.
//!
//! These are facts about a backend, the same over every wire (in process, loopback HTTP,
//! cassette), so [`Target::new`](crate::Target::new) fills them in from the client's vendor.

use omnivirt_core::VmState;

/// How a backend answers `ListQuery::vm_state` for one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// The vendor's own filter: pages are not marked `filtered_client_side`.
    Native,
    /// Filtered by the backend after reading: pages are marked `filtered_client_side`.
    ClientSide,
}

/// The states a backend reports for the VMs `vm_state_filters` drives (stopped, running,
/// suspended, and each change held half-way), with how it filters each.
pub fn vm_states(vendor: &str) -> Vec<(VmState, StateFilter)> {
    use StateFilter::{ClientSide, Native};
    use VmState::*;
    let native = |states: &[VmState]| states.iter().map(|s| (*s, Native)).collect();
    match vendor {
        // The World's own states, all filtered by the World.
        "sim" | "zstack" => native(&[
            Creating, Stopped, Starting, Running, Stopping, Rebooting, Suspending, Suspended,
            Resuming, Migrating, Deleting,
        ]),
        // A VM being deleted is `image_locked`, as one being created; `status=` takes one word,
        // so the states with two words (powering_up/wait_for_launch, paused/suspended) are
        // filtered client-side.
        "ovirt" => vec![
            (Creating, Native),
            (Stopped, Native),
            (Starting, ClientSide),
            (Running, Native),
            (Stopping, Native),
            (Rebooting, Native),
            (Suspending, Native),
            (Suspended, ClientSide),
            (Resuming, Native),
            (Migrating, Native),
        ],
        // A VM being powered on keeps its status (STOPPED, SUSPENDED) and is marked UPDATING:
        // read as Starting/Resuming. Other changes are not states of their own: a RUNNING VM
        // keeps its status until the change is done.
        "cloudtower" => native(&[
            Creating, Stopped, Starting, Running, Suspended, Resuming, Deleting,
        ]),
        // The domain list has no state filter. A domain held by a task (`locked_by`) reads as
        // starting, stopping or resuming, from the power state it is leaving.
        "veil" => vec![
            (Creating, ClientSide),
            (Stopped, ClientSide),
            (Starting, ClientSide),
            (Running, ClientSide),
            (Stopping, ClientSide),
            (Suspended, ClientSide),
            (Resuming, ClientSide),
            (Deleting, ClientSide),
        ],
        _ => vec![],
    }
}

/// Deviation: a disk, once attached, need not name its VM (the VM's disk listing still must).
pub const ATTACHED_DISK_SILENT: &str = "attached_disk_silent";

/// Deviation: a migration cannot name its target host (the vendor always picks it).
pub const MIGRATION_HOST_UNNAMED: &str = "migration_host_unnamed";
/// Deviation: closing the client leaves the server-side session open (nothing to revoke).
pub const SESSION_OUTLIVES_CLOSE: &str = "session_outlives_close";

/// Where a backend's answers may differ from the strictest one, with the reason.
pub fn deviations(vendor: &str) -> Vec<(&'static str, &'static str)> {
    match vendor {
        "ovirt" => vec![(
            ATTACHED_DISK_SILENT,
            "oVirt 4 disks do not say which VM uses them; the VM's disk attachments do",
        )],
        "cloudtower" => vec![(
            SESSION_OUTLIVES_CLOSE,
            "CloudTower tokens do not expire and have no logout, so close has nothing to revoke",
        )],
        "veil" => vec![(
            MIGRATION_HOST_UNNAMED,
            "VeiL migrates through multi-manager/, where the controller picks the node",
        )],
        _ => vec![],
    }
}

/// Cases a vendor's backend cannot run yet, with the reason. One arm per vendor, one line per
/// case, so that mapping an op removes one line.
pub fn skips(vendor: &str) -> Vec<(&'static str, &'static str)> {
    match vendor {
        "ovirt" => vec![],
        "cloudtower" => vec![],
        "zstack" => vec![],
        "veil" => vec![
            (
                "reconfigure",
                "VeiL's domain update (PUT domains/{id}/) takes name and description, no CPU or \
                 memory count: a resize is Unsupported",
            ),
            (
                "snapshots",
                "no client of the VeiL API calls a snapshot endpoint (only the permission name \
                 snapshots_tree hints at one)",
            ),
            (
                "nics_and_ips",
                "VeiL plugs NICs only when a domain is created; no NIC attach or detach endpoint \
                 is known",
            ),
            (
                "host_maintenance",
                "no client of the VeiL API can put a node into SERVICE (maintenance) or take it \
                 out",
            ),
        ],
        _ => vec![],
    }
}
