//! The filters this crate names: the generated `<X>WhereInput` builders (every field of the
//! model, each with exactly its operators), under the short names the SDK has always used,
//! plus the method names it used for `type` fields.

use super::EnumField;
use crate::generated::types as t;
use crate::wire::{ClusterType, DiskType, VmDiskType};

/// Filter for VMs (`VmWhereInput`).
pub type VmWhere = t::VmWhereInput;
/// Filter for a VM's disk slots (`VmDiskWhereInput`).
pub type VmDiskWhere = t::VmDiskWhereInput;
/// Filter for a VM's NICs (`VmNicWhereInput`).
pub type VmNicWhere = t::VmNicWhereInput;
/// Filter for volumes (`VmVolumeWhereInput`).
pub type VmVolumeWhere = t::VmVolumeWhereInput;
/// Filter for clusters (`ClusterWhereInput`).
pub type ClusterWhere = t::ClusterWhereInput;
/// Filter for datacenters (`DatacenterWhereInput`).
pub type DatacenterWhere = t::DatacenterWhereInput;
/// Filter for physical disks (`DiskWhereInput`).
pub type DiskWhere = t::DiskWhereInput;
/// Filter for hosts (`HostWhereInput`).
pub type HostWhere = t::HostWhereInput;
/// Filter for alerts (`AlertWhereInput`).
pub type AlertWhere = t::AlertWhereInput;
/// Filter for labels (`LabelWhereInput`).
pub type LabelWhere = t::LabelWhereInput;
/// Filter for tasks (`TaskWhereInput`).
pub type TaskWhere = t::TaskWhereInput;
/// Filter for VM snapshots (`VmSnapshotWhereInput`).
pub type VmSnapshotWhere = t::VmSnapshotWhereInput;
/// Filter for iSCSI LUN snapshots (`IscsiLunSnapshotWhereInput`).
pub type IscsiLunSnapshotWhere = t::IscsiLunSnapshotWhereInput;
/// Filter for content-library VM templates (`ContentLibraryVmTemplateWhereInput`).
pub type ContentLibraryVmTemplateWhere = t::ContentLibraryVmTemplateWhereInput;
/// Filter for VLANs, the networks VM NICs connect to (`VlanWhereInput`).
pub type VlanWhere = t::VlanWhereInput;
/// Filter for virtual distributed switches (`VdsWhereInput`).
pub type VdsWhere = t::VdsWhereInput;
/// Filter for ELF storage policies (`ElfStoragePolicyWhereInput`).
pub type ElfStoragePolicyWhere = t::ElfStoragePolicyWhereInput;

impl t::ClusterWhereInput {
    /// The `type` enum field (`r#type()`).
    pub fn cluster_type(self) -> EnumField<Self, ClusterType> {
        self.r#type()
    }
}

impl t::DiskWhereInput {
    /// The `type` enum field (`r#type()`).
    pub fn disk_type(self) -> EnumField<Self, DiskType> {
        self.r#type()
    }
}

impl t::VmDiskWhereInput {
    /// The `type` enum field (`r#type()`).
    pub fn disk_type(self) -> EnumField<Self, VmDiskType> {
        self.r#type()
    }
}
