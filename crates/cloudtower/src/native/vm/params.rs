//! The parts of a VM: cloud-init, NICs, CD-ROMs, disks and volumes.

use omnivirt_http::Secret;
use serde::{Serialize, Serializer};

use crate::wire::{Bus, ByteUnit, StoragePolicy, VmNicModel};

use super::Nullable;

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
    /// Adds a route.
    pub fn route(mut self, r: CloudInitRoute) -> Self {
        self.routes.push(r);
        self
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
    /// Raw user data (often with passwords or keys: a secret, `***` in `Debug`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "expose_secret"
    )]
    pub user_data: Option<Secret>,
    /// NIC settings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<CloudInitNetwork>,
}

impl CloudInit {
    /// Nothing set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Host name.
    pub fn hostname(mut self, h: impl Into<String>) -> Self {
        self.hostname = Some(h.into());
        self
    }
    /// Default user's password.
    pub fn password(mut self, p: impl Into<Secret>) -> Self {
        self.default_user_password = Some(p.into());
        self
    }
    /// A DNS server.
    pub fn nameserver(mut self, ns: impl Into<String>) -> Self {
        self.nameservers.push(ns.into());
        self
    }
    /// An SSH public key.
    pub fn public_key(mut self, k: impl Into<String>) -> Self {
        self.public_keys.push(k.into());
        self
    }
    /// Raw user data.
    pub fn user_data(mut self, d: impl Into<Secret>) -> Self {
        self.user_data = Some(d.into());
        self
    }
    /// A NIC setting.
    pub fn network(mut self, n: CloudInitNetwork) -> Self {
        self.networks.push(n);
        self
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
    /// Sets the model.
    pub fn model(mut self, m: VmNicModel) -> Self {
        self.model = Some(m);
        self
    }
    /// Link up or down.
    pub fn enabled(mut self, yes: bool) -> Self {
        self.enabled = Some(yes);
        self
    }
    /// Mirror mode.
    pub fn mirror(mut self, yes: bool) -> Self {
        self.mirror = Some(yes);
        self
    }
    /// MAC address.
    pub fn mac(mut self, mac: impl Into<String>) -> Self {
        self.mac_address = Some(mac.into());
        self
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
    /// Slot index.
    pub fn index(mut self, i: i32) -> Self {
        self.index = Some(i);
        self
    }
    /// Mounts an ELF image.
    pub fn elf_image(mut self, id: impl Into<String>) -> Self {
        self.elf_image_id = Some(id.into());
        self
    }
    /// Mounts a content-library image.
    pub fn content_library_image(mut self, id: impl Into<String>) -> Self {
        self.content_library_image_id = Some(id.into());
        self
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
    /// Slot index.
    pub fn index(mut self, i: i32) -> Self {
        self.index = Some(i);
        self
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
    /// Slot index.
    pub fn index(mut self, i: i32) -> Self {
        self.index = Some(i);
        self
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
    /// Adds a CD-ROM.
    pub fn cd_rom(mut self, c: CdRom) -> Self {
        self.mount_cd_roms.push(c);
        self
    }
    /// Mounts an existing volume.
    pub fn mount(mut self, d: MountDisk) -> Self {
        self.mount_disks.push(d);
        self
    }
    /// Creates and mounts a new volume.
    pub fn create(mut self, d: NewDisk) -> Self {
        self.mount_new_create_disks.push(d);
        self
    }
}
