//! Typed day-two actions: reconfigure, clone, VM snapshot groups, NICs, console, event log and
//! host maintenance, over the generated operations.

use omnivirt_core::{Op, Result};
use serde::de::DeserializeOwned;

use super::api::{QueryPage, check_uuid};
use super::client::{Reply, ZStackClient};
use super::query::Query;
use crate::generated::ops;
use crate::generated::types::VmInstanceInventory as VmInstance;
use crate::generated::types::{EventLogInventory, VolumeSnapshotGroupInventory};

/// What `UpdateVmInstance` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateVm {
    /// `name`.
    pub name: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `cpuNum`.
    pub cpu_num: Option<u32>,
    /// `memorySize` in bytes.
    pub memory_size: Option<u64>,
}

/// Where `CloneVmInstance` puts its one copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CloneVm {
    /// The copy's name (`names: [name]`).
    pub name: String,
    /// `clusterUuid`.
    pub cluster: Option<String>,
    /// `primaryStorageUuidForRootVolume` and `...ForDataVolume`.
    pub primary_storage: Option<String>,
}

/// `AttachL3NetworkToVm` parameters besides the VM and the network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttachNic {
    /// `driverType` (`virtio`, `e1000`, `rtl8139`).
    pub driver_type: Option<String>,
    /// `customMac`.
    pub custom_mac: Option<String>,
}

fn int(n: u64, what: &str, op: Op) -> Result<i64> {
    i64::try_from(n).map_err(|_| {
        omnivirt_core::Error::invalid_input(format!("{what} {n} is out of range"))
            .with_vendor(crate::VENDOR)
            .with_op(op)
    })
}

impl ZStackClient {
    /// Many VMs by uuid in one `QueryVmInstance` (`q=uuid?=a,b,c`); unknown uuids are left out.
    pub async fn get_vms(&self, uuids: &[&str]) -> Result<Vec<VmInstance>> {
        self.get_vms_as(uuids, Op::VmGetBatch).await
    }

    /// [`get_vms`](Self::get_vms) decoded as `T` (the backend's `convert::ListedVm`), errors
    /// tagged with `op` (a batched get, or single gets read together).
    pub(crate) async fn get_vms_as<T: DeserializeOwned>(
        &self,
        uuids: &[&str],
        op: Op,
    ) -> Result<Vec<T>> {
        for u in uuids {
            check_uuid("VM", u, op)?;
        }
        if uuids.is_empty() {
            return Ok(Vec::new());
        }
        let n = u32::try_from(uuids.len()).unwrap_or(u32::MAX);
        let q = Query::new()
            .filter(super::query::Condition::is_in(
                "uuid",
                uuids.iter().copied(),
            ))
            .limit(n);
        let page: QueryPage<T> = self.query("vm-instances", &q, Some(op)).await?;
        Ok(page.items)
    }

    /// `UpdateVmInstance` (`PUT /vm-instances/{uuid}/actions`).
    pub async fn update_vm(&self, uuid: &str, change: &UpdateVm) -> Result<Reply> {
        check_uuid("VM", uuid, Op::VmUpdate)?;
        let mut p = ops::UpdateVmInstance::new(uuid);
        p.name = change.name.clone();
        p.description = change.description.clone();
        p.cpu_num = change.cpu_num.map(i64::from);
        p.memory_size = match change.memory_size {
            Some(m) => Some(int(m, "memorySize", Op::VmUpdate)?),
            None => None,
        };
        self.actions()
            .for_op(Op::VmUpdate)
            .update_vm_instance(&p)
            .await
    }

    /// `CloneVmInstance` of one copy, created stopped (`strategy=CreateStopped`).
    pub async fn clone_vm(&self, uuid: &str, spec: &CloneVm) -> Result<Reply> {
        check_uuid("VM", uuid, Op::VmClone)?;
        let mut p = ops::CloneVmInstance::new(uuid, vec![spec.name.clone().into()]);
        p.strategy = Some(ops::CloneVmInstanceStrategy::CreateStopped);
        p.cluster_uuid = spec.cluster.clone();
        p.primary_storage_uuid_for_root_volume = spec.primary_storage.clone();
        p.primary_storage_uuid_for_data_volume = spec.primary_storage.clone();
        self.actions()
            .for_op(Op::VmClone)
            .clone_vm_instance(&p)
            .await
    }

    /// `QueryVolumeSnapshotGroup` (`GET /volume-snapshots/group`): VM snapshots.
    pub async fn query_snapshot_groups(
        &self,
        q: &Query,
    ) -> Result<QueryPage<VolumeSnapshotGroupInventory>> {
        self.query("volume-snapshots/group", q, Some(Op::SnapshotList))
            .await
    }

    /// `CreateVolumeSnapshotGroup`: a snapshot of every volume of the VM whose root volume is
    /// `root_volume`, with its memory when `with_memory`.
    pub async fn create_snapshot_group(
        &self,
        root_volume: &str,
        name: &str,
        description: Option<&str>,
        with_memory: bool,
    ) -> Result<Reply> {
        check_uuid("volume", root_volume, Op::SnapshotCreate)?;
        let mut p = ops::CreateVolumeSnapshotGroup::new(root_volume, name);
        p.description = description.map(str::to_owned);
        p.with_memory = with_memory.then_some(true);
        self.actions()
            .for_op(Op::SnapshotCreate)
            .create_volume_snapshot_group(&p)
            .await
    }

    /// `RevertVmFromSnapshotGroup`.
    pub async fn revert_snapshot_group(&self, uuid: &str) -> Result<Reply> {
        check_uuid("snapshot group", uuid, Op::SnapshotRevert)?;
        self.actions()
            .for_op(Op::SnapshotRevert)
            .revert_vm_from_snapshot_group(&ops::RevertVmFromSnapshotGroup::new(uuid))
            .await
    }

    /// `DeleteVolumeSnapshotGroup`.
    pub async fn delete_snapshot_group(&self, uuid: &str) -> Result<Reply> {
        check_uuid("snapshot group", uuid, Op::SnapshotDelete)?;
        self.actions()
            .for_op(Op::SnapshotDelete)
            .delete_volume_snapshot_group(&ops::DeleteVolumeSnapshotGroup::new(uuid))
            .await
    }

    /// `AttachL3NetworkToVm`: a new NIC on `l3` (`POST /vm-instances/{vm}/l3-networks/{l3}`).
    pub async fn attach_l3_network(&self, vm: &str, l3: &str, nic: &AttachNic) -> Result<Reply> {
        check_uuid("VM", vm, Op::NicAdd)?;
        check_uuid("L3 network", l3, Op::NicAdd)?;
        let mut p = ops::AttachL3NetworkToVm::new(vm, l3);
        p.driver_type = nic.driver_type.clone();
        p.custom_mac = nic.custom_mac.clone();
        self.actions()
            .for_op(Op::NicAdd)
            .attach_l3_network_to_vm(&p)
            .await
    }

    /// `DetachL3NetworkFromVm`: unplugs and removes a NIC (`DELETE /vm-instances/nics/{nic}`).
    pub async fn detach_l3_network(&self, nic: &str) -> Result<Reply> {
        check_uuid("NIC", nic, Op::NicRemove)?;
        self.actions()
            .for_op(Op::NicRemove)
            .detach_l3_network_from_vm(&ops::DetachL3NetworkFromVm::new(nic))
            .await
    }

    /// `RequestConsoleAccess` (`POST /consoles`): the console proxy's address and a token.
    pub async fn request_console(&self, vm: &str) -> Result<Reply> {
        check_uuid("VM", vm, Op::VmConsole)?;
        self.actions()
            .for_op(Op::VmConsole)
            .request_console_access(&ops::RequestConsoleAccess::new(vm))
            .await
    }

    /// `QueryEventLog` (`GET /eventlogs`).
    pub async fn query_event_logs(&self, q: &Query) -> Result<QueryPage<EventLogInventory>> {
        self.query("eventlogs", q, Some(Op::EventList)).await
    }

    /// `ChangeHostState` with `stateEvent=maintain` (`enter`) or `enable`.
    pub async fn change_host_state(&self, host: &str, enter: bool) -> Result<Reply> {
        let (event, op) = if enter {
            (
                ops::ChangeHostStateStateEvent::Maintain,
                Op::HostMaintenanceEnter,
            )
        } else {
            (
                ops::ChangeHostStateStateEvent::Enable,
                Op::HostMaintenanceExit,
            )
        };
        check_uuid("host", host, op)?;
        self.actions()
            .for_op(op)
            .change_host_state(&ops::ChangeHostState::new(host, event))
            .await
    }
}
