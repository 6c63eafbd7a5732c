//! Mutation bodies ([`Bodies`]) and the client methods that send them ([`VmActions`]).

use omnivirt_core::{Op, Result};
use serde::Serialize;
use serde_json::{Value, json};

use crate::native::client::{CloudTowerClient, decode};
use crate::native::filter::{VmSnapshotWhere, VmVolumeWhere, VmWhere, WhereInput};
use crate::wire::Vm;
use crate::wire::{Deleted, VmSnapshot, VmVolume, WithTask};

use super::create::{BasicInfo, NicUpdate, SnapshotCreate, VmCreate, VmFromTemplate, VolumeCreate};
use super::params::{CdRom, DiskParams, DiskUpdate, NicParams};

/// The request body of a VM mutation: which endpoint and what JSON.
///
/// Every method of [`VmActions`] builds one of these and sends it; tests and tools can build
/// them without a client (see [`VmActions::body`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Mutation {
    /// Endpoint, e.g. `start-vm`.
    pub path: &'static str,
    /// Body.
    pub body: Value,
}

fn wd<W: WhereInput>(w: &W, data: Option<Value>) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("where".into(), Value::Object(w.as_map().clone()));
    if let Some(d) = data {
        m.insert("data".into(), d);
    }
    Value::Object(m)
}

fn to_json<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

/// Builders of every mutation body this crate sends.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Bodies;

fn on<W: WhereInput>(path: &'static str, w: &W, data: Option<Value>) -> Mutation {
    Mutation {
        path,
        body: wd(w, data),
    }
}

impl Bodies {
    /// `create-vm`.
    pub fn create_vm(vms: &[VmCreate]) -> Mutation {
        Mutation {
            path: "create-vm",
            body: to_json(&vms),
        }
    }
    /// `create-vm-from-content-library-template`.
    pub fn create_vm_from_template(vms: &[VmFromTemplate]) -> Mutation {
        Mutation {
            path: "create-vm-from-content-library-template",
            body: to_json(&vms),
        }
    }
    /// `update-vm-basic-info`.
    pub fn update_basic_info(w: &VmWhere, data: &BasicInfo) -> Mutation {
        on("update-vm-basic-info", w, Some(to_json(data)))
    }
    /// `add-vm-cd-rom`.
    pub fn add_cd_rom(w: &VmWhere, cd_roms: &[CdRom]) -> Mutation {
        on("add-vm-cd-rom", w, Some(json!({ "vm_cd_roms": cd_roms })))
    }
    /// `remove-vm-cd-rom` (ids are VmDisk ids of the drives).
    pub fn remove_cd_rom(w: &VmWhere, cd_rom_ids: &[String]) -> Mutation {
        on(
            "remove-vm-cd-rom",
            w,
            Some(json!({ "cd_rom_ids": cd_rom_ids })),
        )
    }
    /// `add-vm-disk`.
    pub fn add_disk(w: &VmWhere, disks: &DiskParams) -> Mutation {
        on("add-vm-disk", w, Some(json!({ "vm_disks": disks })))
    }
    /// `update-vm-disk`: change or eject a CD-ROM's image, a slot's volume or bus.
    pub fn update_disk(w: &VmWhere, data: &DiskUpdate) -> Mutation {
        on("update-vm-disk", w, Some(to_json(data)))
    }
    /// `remove-vm-disk` (ids are VmDisk ids).
    pub fn remove_disk(w: &VmWhere, disk_ids: &[String]) -> Mutation {
        on("remove-vm-disk", w, Some(json!({ "disk_ids": disk_ids })))
    }
    /// `add-vm-nic`.
    pub fn add_nic(w: &VmWhere, nics: &[NicParams]) -> Mutation {
        on("add-vm-nic", w, Some(json!({ "vm_nics": nics })))
    }
    /// `update-vm-nic`.
    pub fn update_nic(w: &VmWhere, data: &NicUpdate) -> Mutation {
        on("update-vm-nic", w, Some(to_json(data)))
    }
    /// `remove-vm-nic`.
    pub fn remove_nic(w: &VmWhere, nic_indexes: &[i32]) -> Mutation {
        on(
            "remove-vm-nic",
            w,
            Some(json!({ "nic_index": nic_indexes })),
        )
    }
    /// `migrate-vm`: to `host`, or to a host the scheduler picks.
    pub fn migrate(w: &VmWhere, host: Option<&str>) -> Mutation {
        on("migrate-vm", w, host.map(|h| json!({ "host_id": h })))
    }
    /// `start-vm`, optionally on `host`.
    pub fn start(w: &VmWhere, host: Option<&str>) -> Mutation {
        on("start-vm", w, host.map(|h| json!({ "host_id": h })))
    }
    /// A `{where}`-only VM operation: `shutdown-vm`, `poweroff-vm`, `restart-vm`,
    /// `force-restart-vm`, `suspend-vm`, `resume-vm`, `move-vm-to-recycle`,
    /// `recover-vm-from-recycle`.
    pub fn operate(path: &'static str, w: &VmWhere) -> Mutation {
        on(path, w, None)
    }
    /// `delete-vm`.
    pub fn delete(w: &VmWhere, include_snapshots: Option<bool>) -> Mutation {
        let mut m = on("delete-vm", w, None);
        if let (Some(inc), Some(b)) = (include_snapshots, m.body.as_object_mut()) {
            b.insert("effect".into(), json!({ "include_snapshots": inc }));
        }
        m
    }
    /// `create-vm-snapshot`.
    pub fn create_snapshot(snaps: &[SnapshotCreate]) -> Mutation {
        Mutation {
            path: "create-vm-snapshot",
            body: json!({ "data": snaps }),
        }
    }
    /// `delete-vm-snapshot`.
    pub fn delete_snapshot(w: &VmSnapshotWhere) -> Mutation {
        on("delete-vm-snapshot", w, None)
    }
    /// `rollback-vm`.
    pub fn rollback(w: &VmWhere, snapshot_id: &str) -> Mutation {
        on(
            "rollback-vm",
            w,
            Some(json!({ "snapshot_id": snapshot_id })),
        )
    }
    /// `create-vm-volume`.
    pub fn create_volume(vols: &[VolumeCreate]) -> Mutation {
        Mutation {
            path: "create-vm-volume",
            body: to_json(&vols),
        }
    }
    /// `delete-vm-volume`.
    pub fn delete_volume(w: &VmVolumeWhere) -> Mutation {
        on("delete-vm-volume", w, None)
    }
}

/// VM mutations; get one with [`CloudTowerClient::vm`].
#[derive(Debug, Clone)]
pub struct VmActions {
    client: CloudTowerClient,
}

impl CloudTowerClient {
    /// VM, snapshot and volume mutations.
    pub fn vm(&self) -> VmActions {
        VmActions {
            client: self.clone(),
        }
    }

    pub(crate) async fn mutate<T: serde::de::DeserializeOwned>(
        &self,
        m: Mutation,
        op: Option<Op>,
    ) -> Result<Vec<WithTask<T>>> {
        // Mutations are never marked idempotent: a lost answer must not start a second task.
        // A ResourceLocked refusal is different: nothing was done, so it may be sent again.
        let mut left = self.lock_retry.map_or(0, |r| r.attempts);
        let resp = loop {
            match self.send(m.path, &m.body, op, false).await {
                Ok(r) => break r,
                Err(e)
                    if left > 0
                        && crate::error::error_body(&e).is_some_and(|b| b.is_resource_locked()) =>
                {
                    left -= 1;
                    let delay = self.lock_retry.map(|r| r.delay).unwrap_or_default();
                    tracing::debug!(
                        vendor = crate::VENDOR,
                        path = m.path,
                        "resource locked; sending again"
                    );
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(e),
            }
        };
        decode(m.path, resp).await.map_err(|e| match op {
            Some(op) => e.with_op(op),
            None => e,
        })
    }
}

/// Declares [`VmActions`] methods that send one [`Bodies`] mutation, tagged with an [`Op`] where
/// the neutral API has one, and decode one [`WithTask`] per object.
macro_rules! actions {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($arg:ident: $ty:ty),*) -> $out:ty = $body:expr, $op:expr;
    )*) => {$(
        $(#[$doc])*
        pub async fn $name(&self, $($arg: $ty),*) -> Result<Vec<WithTask<$out>>> {
            self.client.mutate($body, $op).await
        }
    )*};
}

impl VmActions {
    /// The body a call would send, without sending it.
    pub fn body(m: Mutation) -> Value {
        m.body
    }

    actions! {
        /// `create-vm`: blank VMs.
        fn create(vms: &[VmCreate]) -> Vm = Bodies::create_vm(vms), Some(Op::VmCreate);
        /// `create-vm-from-content-library-template`.
        fn create_from_template(vms: &[VmFromTemplate]) -> Vm =
            Bodies::create_vm_from_template(vms), Some(Op::VmCreate);
        /// `update-vm-basic-info`: name, description, CPU, memory, HA.
        fn update_basic_info(w: &VmWhere, data: &BasicInfo) -> Vm =
            Bodies::update_basic_info(w, data), None;
        /// `add-vm-cd-rom`.
        fn add_cd_rom(w: &VmWhere, cd_roms: &[CdRom]) -> Vm = Bodies::add_cd_rom(w, cd_roms), None;
        /// `remove-vm-cd-rom`.
        fn remove_cd_rom(w: &VmWhere, ids: &[String]) -> Vm = Bodies::remove_cd_rom(w, ids), None;
        /// `add-vm-disk`: new or existing volumes.
        fn add_disk(w: &VmWhere, disks: &DiskParams) -> Vm =
            Bodies::add_disk(w, disks), Some(Op::DiskAttach);
        /// `update-vm-disk` (e.g. [`DiskUpdate::eject`]).
        fn update_disk(w: &VmWhere, data: &DiskUpdate) -> Vm = Bodies::update_disk(w, data), None;
        /// `remove-vm-disk`.
        fn remove_disk(w: &VmWhere, ids: &[String]) -> Vm =
            Bodies::remove_disk(w, ids), Some(Op::DiskDetach);
        /// `add-vm-nic`.
        fn add_nic(w: &VmWhere, nics: &[NicParams]) -> Vm = Bodies::add_nic(w, nics), None;
        /// `update-vm-nic`.
        fn update_nic(w: &VmWhere, data: &NicUpdate) -> Vm = Bodies::update_nic(w, data), None;
        /// `remove-vm-nic`.
        fn remove_nic(w: &VmWhere, indexes: &[i32]) -> Vm = Bodies::remove_nic(w, indexes), None;
        /// `migrate-vm`.
        fn migrate(w: &VmWhere, host: Option<&str>) -> Vm =
            Bodies::migrate(w, host), Some(Op::VmMigrate);
        /// `start-vm`.
        fn start(w: &VmWhere, host: Option<&str>) -> Vm = Bodies::start(w, host), Some(Op::VmStart);
        /// `shutdown-vm` (graceful).
        fn shutdown(w: &VmWhere) -> Vm = Bodies::operate("shutdown-vm", w), Some(Op::VmStop);
        /// `poweroff-vm` (hard).
        fn poweroff(w: &VmWhere) -> Vm = Bodies::operate("poweroff-vm", w), Some(Op::VmForceStop);
        /// `restart-vm`.
        fn restart(w: &VmWhere) -> Vm = Bodies::operate("restart-vm", w), Some(Op::VmReboot);
        /// `force-restart-vm`.
        fn force_restart(w: &VmWhere) -> Vm =
            Bodies::operate("force-restart-vm", w), Some(Op::VmReboot);
        /// `suspend-vm`.
        fn suspend(w: &VmWhere) -> Vm = Bodies::operate("suspend-vm", w), Some(Op::VmSuspend);
        /// `resume-vm`.
        fn resume(w: &VmWhere) -> Vm = Bodies::operate("resume-vm", w), Some(Op::VmResume);
        /// `move-vm-to-recycle`.
        fn move_to_recycle(w: &VmWhere) -> Deleted =
            Bodies::operate("move-vm-to-recycle", w), Some(Op::VmDelete);
        /// `recover-vm-from-recycle`.
        fn recover(w: &VmWhere) -> Deleted = Bodies::operate("recover-vm-from-recycle", w), None;
        /// `delete-vm` (permanent).
        fn delete(w: &VmWhere, include_snapshots: Option<bool>) -> Deleted =
            Bodies::delete(w, include_snapshots), Some(Op::VmDelete);
        /// `create-vm-snapshot`.
        fn create_snapshot(snaps: &[SnapshotCreate]) -> VmSnapshot =
            Bodies::create_snapshot(snaps), None;
        /// `delete-vm-snapshot`.
        fn delete_snapshot(w: &VmSnapshotWhere) -> Deleted = Bodies::delete_snapshot(w), None;
        /// `rollback-vm` to a snapshot.
        fn rollback(w: &VmWhere, snapshot_id: &str) -> Vm = Bodies::rollback(w, snapshot_id), None;
        /// `create-vm-volume`.
        fn create_volume(vols: &[VolumeCreate]) -> VmVolume =
            Bodies::create_volume(vols), Some(Op::DiskCreate);
        /// `delete-vm-volume`.
        fn delete_volume(w: &VmVolumeWhere) -> Deleted =
            Bodies::delete_volume(w), Some(Op::DiskDelete);
    }
}
