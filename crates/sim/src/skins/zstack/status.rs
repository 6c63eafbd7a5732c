//! ZStack's words for the neutral states, and the inventory class of each resource.

use omnivirt_core::{DiskState, HostState, VmState};

use super::query::Res;

pub(super) fn vm_word(s: VmState) -> &'static str {
    match s {
        VmState::Creating => "Created",
        VmState::Stopped => "Stopped",
        VmState::Starting => "Starting",
        VmState::Running => "Running",
        VmState::Stopping => "Stopping",
        VmState::Rebooting => "Rebooting",
        VmState::Suspending => "Pausing",
        VmState::Suspended => "Paused",
        VmState::Resuming => "Resuming",
        VmState::Migrating => "Migrating",
        VmState::Deleting => "Destroying",
        VmState::Deleted => "Destroyed",
        VmState::Error => "Error",
        _ => "Unknown",
    }
}

/// Host (admin `state`, connection `status`).
pub(super) fn host_words(s: HostState) -> (&'static str, &'static str) {
    match s {
        HostState::Up => ("Enabled", "Connected"),
        HostState::Maintenance => ("Maintenance", "Connected"),
        HostState::Connecting => ("Enabled", "Connecting"),
        _ => ("Enabled", "Disconnected"),
    }
}

pub(super) fn volume_status(s: DiskState) -> &'static str {
    match s {
        DiskState::Creating => "Creating",
        DiskState::Deleted => "Deleted",
        // ZStack has no lock status: a volume being attached or detached stays Ready.
        _ => "Ready",
    }
}

/// The Java class of one inventory of `res` (an L2 network's depends on its `type`).
pub(super) fn schema_class(res: Res, inv: &serde_json::Value) -> &'static str {
    match res {
        Res::Vm => "org.zstack.header.vm.VmInstanceInventory",
        Res::Host => "org.zstack.kvm.KVMHostInventory",
        Res::Cluster => "org.zstack.header.cluster.ClusterInventory",
        Res::Zone => "org.zstack.header.zone.ZoneInventory",
        Res::Volume => "org.zstack.header.volume.VolumeInventory",
        Res::Image => "org.zstack.header.image.ImageInventory",
        Res::L3Network => "org.zstack.header.network.l3.L3NetworkInventory",
        Res::L2Network if inv["type"] == "L2VlanNetwork" => {
            "org.zstack.header.network.l2.L2VlanNetworkInventory"
        }
        Res::L2Network => "org.zstack.header.network.l2.L2NetworkInventory",
        Res::PrimaryStorage => "org.zstack.header.storage.primary.PrimaryStorageInventory",
        Res::SnapshotGroup => {
            "org.zstack.header.storage.snapshot.group.VolumeSnapshotGroupInventory"
        }
        Res::EventLog => "org.zstack.core.eventlog.EventLogInventory",
        Res::UserTag => "org.zstack.header.tag.UserTagInventory",
    }
}
