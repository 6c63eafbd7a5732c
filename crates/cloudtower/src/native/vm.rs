//! VM, snapshot and volume mutations, with their real endpoint names and bodies.
//!
//! Every mutation takes a `where` and acts on **every** matching object, returning one
//! [`WithTask`] per object: pass `VmWhere::new().id().in_([..])` to act on a batch.

use omnivirt_core::{Op, Result};
use omnivirt_http::Secret;
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::client::{CloudTowerClient, decode};
use super::filter::{VmSnapshotWhere, VmVolumeWhere, VmWhere, WhereInput};
use crate::wire::Vm;
use crate::wire::{
    Bus, ByteUnit, ConsistentType, Deleted, StoragePolicy, VmFirmware, VmNicModel, VmSnapshot,
    VmStatus, VmVolume, WithTask,
};

/// Declares builder setters, one line each: `name(arg: Type): field = value;` sets a field,
/// `name(arg: Type): field += value;` pushes onto a list field.
macro_rules! setters {
    () => {};
    ($(#[$doc:meta])* $name:ident($arg:ident: $ty:ty): $field:ident = $val:expr; $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, $arg: $ty) -> Self {
            self.$field = $val;
            self
        }
        setters!($($rest)*);
    };
    ($(#[$doc:meta])* $name:ident($arg:ident: $ty:ty): $field:ident += $val:expr; $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, $arg: $ty) -> Self {
            self.$field.push($val);
            self
        }
        setters!($($rest)*);
    };
}

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

/// `data` of `update-vm-disk`: change the image in a CD-ROM (or eject it), the volume or the
/// bus of one disk slot.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DiskUpdate {
    /// The disk slot (a `VmDisk` id).
    pub vm_disk_id: String,
    /// ISO from the ELF image store; `Null` ejects.
    #[serde(skip_serializing_if = "Nullable::is_absent")]
    pub elf_image_id: Nullable<String>,
    /// ISO from the content library; `Null` ejects.
    #[serde(skip_serializing_if = "Nullable::is_absent")]
    pub content_library_image_id: Nullable<String>,
    /// Another volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_volume_id: Option<String>,
    /// Another bus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bus: Option<Bus>,
}

impl DiskUpdate {
    /// Ejects the ISO in CD-ROM slot `vm_disk_id` (sends `elf_image_id: null`).
    pub fn eject(vm_disk_id: impl Into<String>) -> Self {
        DiskUpdate {
            vm_disk_id: vm_disk_id.into(),
            elf_image_id: Nullable::Null,
            content_library_image_id: Nullable::Absent,
            vm_volume_id: None,
            bus: None,
        }
    }
    /// Puts ELF image `image_id` in CD-ROM slot `vm_disk_id`.
    pub fn insert_elf_image(vm_disk_id: impl Into<String>, image_id: impl Into<String>) -> Self {
        DiskUpdate {
            elf_image_id: Nullable::Value(image_id.into()),
            ..Self::eject(vm_disk_id)
        }
    }
    /// Moves slot `vm_disk_id` to another bus.
    pub fn bus(vm_disk_id: impl Into<String>, bus: Bus) -> Self {
        DiskUpdate {
            elf_image_id: Nullable::Absent,
            bus: Some(bus),
            ..Self::eject(vm_disk_id)
        }
    }
}

/// How cloud-init configures one NIC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum CloudInitNetworkType {
    /// Static IPv4.
    #[serde(rename = "IPV4")]
    Ipv4,
    /// DHCP.
    #[serde(rename = "IPV4_DHCP")]
    Ipv4Dhcp,
}

/// A static route for cloud-init.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CloudInitRoute {
    /// Destination network.
    pub network: String,
    /// Its netmask.
    pub netmask: String,
    /// Gateway.
    pub gateway: String,
}

impl CloudInitRoute {
    /// A route.
    pub fn new(
        network: impl Into<String>,
        netmask: impl Into<String>,
        gateway: impl Into<String>,
    ) -> Self {
        CloudInitRoute {
            network: network.into(),
            netmask: netmask.into(),
            gateway: gateway.into(),
        }
    }
}

/// One NIC's cloud-init network (`CloudInitNetWork`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CloudInitNetwork {
    /// Index of the VM NIC.
    pub nic_index: i32,
    /// Static or DHCP.
    #[serde(rename = "type")]
    pub network_type: CloudInitNetworkType,
    /// Static address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Static netmask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub netmask: Option<String>,
    /// Routes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<CloudInitRoute>,
}

impl CloudInitNetwork {
    /// DHCP on NIC `index`.
    pub fn dhcp(index: i32) -> Self {
        CloudInitNetwork {
            nic_index: index,
            network_type: CloudInitNetworkType::Ipv4Dhcp,
            ip_address: None,
            netmask: None,
            routes: Vec::new(),
        }
    }
    /// A static address on NIC `index`.
    pub fn static_ipv4(index: i32, ip: impl Into<String>, netmask: impl Into<String>) -> Self {
        CloudInitNetwork {
            nic_index: index,
            network_type: CloudInitNetworkType::Ipv4,
            ip_address: Some(ip.into()),
            netmask: Some(netmask.into()),
            routes: Vec::new(),
        }
    }
    setters! {
        /// Adds a route.
        route(r: CloudInitRoute): routes += r;
    }
}

fn expose_secret<S: Serializer>(v: &Option<Secret>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(p) => s.serialize_str(p.expose()),
        None => s.serialize_none(),
    }
}

/// Guest setup through cloud-init (`TemplateCloudInit`); needs a template with cloud-init.
/// Static IPs at creation time work only this way. The password never prints.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CloudInit {
    /// Host name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Password of the default user.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "expose_secret"
    )]
    pub default_user_password: Option<Secret>,
    /// DNS servers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nameservers: Vec<String>,
    /// SSH public keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub public_keys: Vec<String>,
    /// Raw user data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// NIC settings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<CloudInitNetwork>,
}

impl CloudInit {
    /// Nothing set.
    pub fn new() -> Self {
        Self::default()
    }
    setters! {
        /// Host name.
        hostname(h: impl Into<String>): hostname = Some(h.into());
        /// Default user's password.
        password(p: impl Into<Secret>): default_user_password = Some(p.into());
        /// A DNS server.
        nameserver(ns: impl Into<String>): nameservers += ns.into();
        /// An SSH public key.
        public_key(k: impl Into<String>): public_keys += k.into();
        /// Raw user data.
        user_data(d: impl Into<String>): user_data = Some(d.into());
        /// A NIC setting.
        network(n: CloudInitNetwork): networks += n;
    }
}

/// A NIC to add or create (`VmNicParams`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NicParams {
    /// CloudTower id of the VLAN (not an 802.1Q tag).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_vlan_id: Option<String>,
    /// Model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<VmNicModel>,
    /// Link up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Mirror mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<bool>,
    /// MAC address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac_address: Option<String>,
    /// Static IP (needs VMTools).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Gateway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Subnet mask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_mask: Option<String>,
}

impl NicParams {
    /// A NIC on VLAN `vlan_id`.
    pub fn vlan(vlan_id: impl Into<String>) -> Self {
        NicParams {
            connect_vlan_id: Some(vlan_id.into()),
            ..Self::default()
        }
    }
    setters! {
        /// Sets the model.
        model(m: VmNicModel): model = Some(m);
        /// Link up or down.
        enabled(yes: bool): enabled = Some(yes);
        /// Mirror mode.
        mirror(yes: bool): mirror = Some(yes);
        /// MAC address.
        mac(mac: impl Into<String>): mac_address = Some(mac.into());
    }
    /// Static IPv4 settings.
    pub fn ipv4(
        mut self,
        ip: impl Into<String>,
        mask: impl Into<String>,
        gateway: impl Into<String>,
    ) -> Self {
        self.ip_address = Some(ip.into());
        self.subnet_mask = Some(mask.into());
        self.gateway = Some(gateway.into());
        self
    }
}

/// A CD-ROM slot (`VmCdRomParams`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CdRom {
    /// Boot order.
    pub boot: i32,
    /// Slot index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<i32>,
    /// ISO from the ELF image store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elf_image_id: Option<String>,
    /// ISO from the content library.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_library_image_id: Option<String>,
}

impl CdRom {
    /// An empty drive with boot order `boot`.
    pub fn empty(boot: i32) -> Self {
        CdRom {
            boot,
            index: None,
            elf_image_id: None,
            content_library_image_id: None,
        }
    }
    setters! {
        /// Slot index.
        index(i: i32): index = Some(i);
        /// Mounts an ELF image.
        elf_image(id: impl Into<String>): elf_image_id = Some(id.into());
        /// Mounts a content-library image.
        content_library_image(id: impl Into<String>): content_library_image_id = Some(id.into());
    }
}

/// Mounts an existing volume (`MountDisksParams`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MountDisk {
    /// The volume.
    pub vm_volume_id: String,
    /// Bus.
    pub bus: Bus,
    /// Boot order.
    pub boot: i32,
    /// Slot index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<i32>,
}

impl MountDisk {
    /// Volume `id` on `bus` with boot order `boot`.
    pub fn new(vm_volume_id: impl Into<String>, bus: Bus, boot: i32) -> Self {
        MountDisk {
            vm_volume_id: vm_volume_id.into(),
            bus,
            boot,
            index: None,
        }
    }
    setters! {
        /// Slot index.
        index(i: i32): index = Some(i);
    }
}

/// A volume to create for a new disk.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewVolume {
    /// Name.
    pub name: String,
    /// Size (bytes unless `size_unit`).
    pub size: i64,
    /// Unit of `size`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_unit: Option<ByteUnit>,
    /// Storage policy.
    pub elf_storage_policy: StoragePolicy,
}

/// Creates and mounts a new volume (`MountNewCreateDisksParams`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewDisk {
    /// The volume to create.
    pub vm_volume: NewVolume,
    /// Bus.
    pub bus: Bus,
    /// Boot order.
    pub boot: i32,
    /// Slot index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<i32>,
}

impl NewDisk {
    /// A new volume `name` of `size_bytes` with `policy`, on `bus`, boot order `boot`.
    pub fn new(
        name: impl Into<String>,
        size_bytes: i64,
        policy: StoragePolicy,
        bus: Bus,
        boot: i32,
    ) -> Self {
        NewDisk {
            vm_volume: NewVolume {
                name: name.into(),
                size: size_bytes,
                size_unit: None,
                elf_storage_policy: policy,
            },
            bus,
            boot,
            index: None,
        }
    }
    setters! {
        /// Slot index.
        index(i: i32): index = Some(i);
    }
}

/// Disks of a new VM, or disks to add (`VmDiskParams`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DiskParams {
    /// CD-ROM drives.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mount_cd_roms: Vec<CdRom>,
    /// Existing volumes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mount_disks: Vec<MountDisk>,
    /// New volumes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mount_new_create_disks: Vec<NewDisk>,
}

impl DiskParams {
    /// No disks.
    pub fn new() -> Self {
        Self::default()
    }
    setters! {
        /// Adds a CD-ROM.
        cd_rom(c: CdRom): mount_cd_roms += c;
        /// Mounts an existing volume.
        mount(d: MountDisk): mount_disks += d;
        /// Creates and mounts a new volume.
        create(d: NewDisk): mount_new_create_disks += d;
    }
}

/// A blank VM (`VmCreationParams`).
///
/// ```
/// use omnivirt_cloudtower::vm::{CdRom, DiskParams, NicParams, VmCreate};
///
/// let p = VmCreate::new("cluster_id", "vm_name")
///     .cpu(4, 4)
///     .memory_bytes(4 << 30)
///     .ha(true)
///     .nic(NicParams::vlan("vlan_id"))
///     .disks(DiskParams::new().cd_rom(CdRom::empty(0).index(0)));
/// assert_eq!(p.vcpu, Some(16));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VmCreate {
    /// Cluster.
    pub cluster_id: String,
    /// Name.
    pub name: String,
    /// Sockets.
    pub cpu_sockets: u32,
    /// Cores per socket.
    pub cpu_cores: u32,
    /// vCPUs (sockets x cores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcpu: Option<u32>,
    /// Memory in bytes.
    pub memory: i64,
    /// High availability.
    pub ha: bool,
    /// Firmware.
    pub firmware: VmFirmware,
    /// Power state after creation.
    pub status: VmStatus,
    /// NICs.
    pub vm_nics: Vec<NicParams>,
    /// Disks.
    pub vm_disks: DiskParams,
    /// Host to place it on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_id: Option<String>,
    /// Folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl VmCreate {
    /// A stopped BIOS VM with 1 vCPU and 1 GiB, no NIC, no disk.
    pub fn new(cluster_id: impl Into<String>, name: impl Into<String>) -> Self {
        VmCreate {
            cluster_id: cluster_id.into(),
            name: name.into(),
            cpu_sockets: 1,
            cpu_cores: 1,
            vcpu: Some(1),
            memory: 1 << 30,
            ha: false,
            firmware: VmFirmware::Bios,
            status: VmStatus::Stopped,
            vm_nics: Vec::new(),
            vm_disks: DiskParams::default(),
            host_id: None,
            folder_id: None,
            description: None,
        }
    }
    /// CPU topology; vcpu becomes sockets x cores.
    pub fn cpu(mut self, sockets: u32, cores: u32) -> Self {
        self.cpu_sockets = sockets;
        self.cpu_cores = cores;
        self.vcpu = Some(sockets.saturating_mul(cores));
        self
    }
    setters! {
        /// Memory in bytes.
        memory_bytes(n: i64): memory = n;
        /// High availability.
        ha(yes: bool): ha = yes;
        /// Firmware.
        firmware(f: VmFirmware): firmware = f;
        /// Power state after creation (`RUNNING` starts it).
        status(s: VmStatus): status = s;
        /// Adds a NIC.
        nic(n: NicParams): vm_nics += n;
        /// Sets the disks.
        disks(d: DiskParams): vm_disks = d;
        /// Places it on a host.
        host(id: impl Into<String>): host_id = Some(id.into());
        /// Description.
        description(d: impl Into<String>): description = Some(d.into());
    }
}

/// Changes one disk of a template (`DiskOperateModifyDisk`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ModifyDisk {
    /// Index of the template disk.
    pub disk_index: i32,
    /// Use this volume instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_volume_id: Option<String>,
    /// Change the bus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bus: Option<Bus>,
}

impl ModifyDisk {
    /// Changes template disk `index`.
    pub fn new(index: i32) -> Self {
        ModifyDisk {
            disk_index: index,
            vm_volume_id: None,
            bus: None,
        }
    }
    setters! {
        /// New bus.
        bus(b: Bus): bus = Some(b);
    }
}

/// Disk changes applied to a template (`VmDiskOperate`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DiskOperate {
    /// Template disks to drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_disks: Option<RemoveDisks>,
    /// Template disks to change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modify_disks: Vec<ModifyDisk>,
    /// Disks to add.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_disks: Option<DiskParams>,
}

/// `{disk_index: [..]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RemoveDisks {
    /// Indexes of template disks to drop.
    pub disk_index: Vec<i32>,
}

impl DiskOperate {
    /// No changes.
    pub fn new() -> Self {
        Self::default()
    }
    /// Drops template disks by index.
    pub fn remove(mut self, indexes: impl IntoIterator<Item = i32>) -> Self {
        self.remove_disks = Some(RemoveDisks {
            disk_index: indexes.into_iter().collect(),
        });
        self
    }
    setters! {
        /// Changes a template disk.
        modify(m: ModifyDisk): modify_disks += m;
        /// Adds disks.
        add_disks(d: DiskParams): new_disks = Some(d);
    }
}

/// A VM from a content-library template
/// (`VmCreateVmFromContentLibraryTemplateParams`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VmFromTemplate {
    /// Template.
    pub template_id: String,
    /// Cluster.
    pub cluster_id: String,
    /// Name.
    pub name: String,
    /// Full copy (otherwise linked clone).
    pub is_full_copy: bool,
    /// Override: vCPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcpu: Option<u32>,
    /// Override: sockets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_sockets: Option<u32>,
    /// Override: cores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_cores: Option<u32>,
    /// Override: memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// Override: HA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ha: Option<bool>,
    /// Power state after creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<VmStatus>,
    /// Host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_id: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Replaces the template's NICs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_nics: Option<Vec<NicParams>>,
    /// Disk changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_operate: Option<DiskOperate>,
    /// Guest setup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_init: Option<CloudInit>,
}

impl VmFromTemplate {
    /// A linked clone of `template_id` named `name` in `cluster_id`.
    pub fn new(
        template_id: impl Into<String>,
        cluster_id: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        VmFromTemplate {
            template_id: template_id.into(),
            cluster_id: cluster_id.into(),
            name: name.into(),
            is_full_copy: false,
            vcpu: None,
            cpu_sockets: None,
            cpu_cores: None,
            memory: None,
            ha: None,
            status: None,
            host_id: None,
            description: None,
            vm_nics: None,
            disk_operate: None,
            cloud_init: None,
        }
    }
    setters! {
        /// Guest setup through cloud-init.
        cloud_init(c: CloudInit): cloud_init = Some(c);
        /// Full copy instead of a linked clone.
        full_copy(yes: bool): is_full_copy = yes;
    }
    /// CPU topology.
    pub fn cpu(mut self, sockets: u32, cores: u32) -> Self {
        self.cpu_sockets = Some(sockets);
        self.cpu_cores = Some(cores);
        self.vcpu = Some(sockets.saturating_mul(cores));
        self
    }
    setters! {
        /// Memory in bytes.
        memory_bytes(n: i64): memory = Some(n);
        /// Power state after creation.
        status(s: VmStatus): status = Some(s);
        /// Description.
        description(d: impl Into<String>): description = Some(d.into());
        /// Replaces the template's NICs.
        nics(nics: Vec<NicParams>): vm_nics = Some(nics);
        /// Disk changes.
        disk_operate(d: DiskOperate): disk_operate = Some(d);
    }
}

/// `data` of `update-vm-basic-info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BasicInfo {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// vCPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcpu: Option<u32>,
    /// Cores per socket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_cores: Option<u32>,
    /// Sockets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_sockets: Option<u32>,
    /// Memory in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// HA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ha: Option<bool>,
}

impl BasicInfo {
    /// No change.
    pub fn new() -> Self {
        Self::default()
    }
    setters! {
        /// Rename.
        name(n: impl Into<String>): name = Some(n.into());
        /// Describe.
        description(d: impl Into<String>): description = Some(d.into());
    }
    /// CPU topology.
    pub fn cpu(mut self, sockets: u32, cores: u32) -> Self {
        self.cpu_sockets = Some(sockets);
        self.cpu_cores = Some(cores);
        self.vcpu = Some(sockets.saturating_mul(cores));
        self
    }
    setters! {
        /// Memory in bytes.
        memory_bytes(n: i64): memory = Some(n);
        /// HA.
        ha(yes: bool): ha = Some(yes);
    }
}

/// `data` of `update-vm-nic`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NicUpdate {
    /// Which NIC (by order).
    pub nic_index: i32,
    /// The rest, as for a new NIC.
    #[serde(flatten)]
    pub nic: NicParams,
}

impl NicUpdate {
    /// Changes NIC `index` to `nic`'s set fields.
    pub fn new(index: i32, nic: NicParams) -> Self {
        NicUpdate {
            nic_index: index,
            nic,
        }
    }
}

/// One VM snapshot to take.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SnapshotCreate {
    /// The VM.
    pub vm_id: String,
    /// Snapshot name.
    pub name: String,
    /// Consistency (file-system consistent needs VMTools running).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_type: Option<ConsistentType>,
}

impl SnapshotCreate {
    /// A crash-consistent snapshot `name` of `vm_id`.
    pub fn new(vm_id: impl Into<String>, name: impl Into<String>) -> Self {
        SnapshotCreate {
            vm_id: vm_id.into(),
            name: name.into(),
            consistent_type: None,
        }
    }
    setters! {
        /// Consistency.
        consistency(c: ConsistentType): consistent_type = Some(c);
    }
}

/// A volume to create (`VmVolumeCreationParams`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VolumeCreate {
    /// Cluster.
    pub cluster_id: String,
    /// Name.
    pub name: String,
    /// Size in bytes (unless `size_unit`).
    pub size: i64,
    /// Unit of `size`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_unit: Option<ByteUnit>,
    /// Storage policy.
    pub elf_storage_policy: StoragePolicy,
    /// Shareable between VMs.
    pub sharing: bool,
}

impl VolumeCreate {
    /// A thin, 2-replica, unshared volume.
    pub fn new(cluster_id: impl Into<String>, name: impl Into<String>, size_bytes: i64) -> Self {
        VolumeCreate {
            cluster_id: cluster_id.into(),
            name: name.into(),
            size: size_bytes,
            size_unit: None,
            elf_storage_policy: StoragePolicy::Replica2Thin,
            sharing: false,
        }
    }
    setters! {
        /// Storage policy.
        policy(p: StoragePolicy): elf_storage_policy = p;
    }
}

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
