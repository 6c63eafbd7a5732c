//! VM, snapshot and volume mutations, with their real endpoint names and bodies.
//!
//! Every mutation takes a `where` and acts on **every** matching object, returning one
//! [`WithTask`](crate::model::WithTask) per object: pass `VmWhere::new().id().in_([..])` to act on a batch.

mod actions;
mod create;
mod params;

use serde::{Serialize, Serializer};

pub use actions::{Bodies, Mutation, VmActions};
pub use create::{
    BasicInfo, DiskOperate, ModifyDisk, NicUpdate, RemoveDisks, SnapshotCreate, VmCreate,
    VmFromTemplate, VolumeCreate,
};
pub use params::{
    CdRom, CloudInit, CloudInitNetwork, CloudInitNetworkType, CloudInitRoute, DiskParams,
    DiskUpdate, MountDisk, NewDisk, NewVolume, NicParams,
};

/// A field that can be left out, sent as an explicit `null`, or set: the API gives `null` a
/// meaning of its own in some inputs (`elf_image_id: null` ejects a CD-ROM).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Nullable<T> {
    /// Not sent.
    #[default]
    Absent,
    /// Sent as `null`.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True when the field is not sent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }
}
