//! Typed oVirt objects, as the engine sends them.
//!
//! Every field is an `Option` (or an empty `Vec`): the engine omits what it does not know, and an
//! object you send for `add`/`update` carries only what you set, so an update changes exactly
//! those attributes. Enum fields keep values this crate does not know as `Other(raw)`.
//!
//! The structs are open on purpose so you can write them as literals; always end a literal with
//! `..Default::default()`, as new engine attributes will be added as new fields.

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
    /// Status of a host (`HostStatus`).
    pub enum HostStatus {
        /// Connecting.
        Connecting => "connecting",
        /// Down.
        Down => "down",
        /// Error.
        Error => "error",
        /// Initializing.
        Initializing => "initializing",
        /// Installation failed.
        InstallFailed => "install_failed",
        /// Installing.
        Installing => "installing",
        /// Installing the OS.
        InstallingOs => "installing_os",
        /// Kernel dump in progress.
        Kdumping => "kdumping",
        /// Maintenance mode.
        Maintenance => "maintenance",
        /// Not operational.
        NonOperational => "non_operational",
        /// Not responding.
        NonResponsive => "non_responsive",
        /// Waiting for approval.
        PendingApproval => "pending_approval",
        /// Moving into maintenance.
        PreparingForMaintenance => "preparing_for_maintenance",
        /// Rebooting.
        Reboot => "reboot",
        /// Unassigned.
        Unassigned => "unassigned",
        /// Up.
        Up => "up",
    }
);

ovirt_enum!(
    /// Status of a disk (`DiskStatus`).
    pub enum DiskStatus {
        /// Illegal (broken image chain).
        Illegal => "illegal",
        /// Locked by an operation in progress.
        Locked => "locked",
        /// Usable.
        Ok => "ok",
    }
);

ovirt_enum!(
    /// Status of a data center.
    pub enum DataCenterStatus {
        /// Contending for SPM.
        Contend => "contend",
        /// Maintenance.
        Maintenance => "maintenance",
        /// Not operational.
        NotOperational => "not_operational",
        /// Problematic.
        Problematic => "problematic",
        /// No storage yet.
        Uninitialized => "uninitialized",
        /// Up.
        Up => "up",
    }
);

ovirt_enum!(
    /// Status of a storage domain.
    pub enum StorageDomainStatus {
        /// Activating.
        Activating => "activating",
        /// Active.
        Active => "active",
        /// Detaching.
        Detaching => "detaching",
        /// Inactive.
        Inactive => "inactive",
        /// Locked.
        Locked => "locked",
        /// Maintenance.
        Maintenance => "maintenance",
        /// Mixed.
        Mixed => "mixed",
        /// Moving into maintenance.
        PreparingForMaintenance => "preparing_for_maintenance",
        /// Not attached to a data center.
        Unattached => "unattached",
        /// Unknown.
        Unknown => "unknown",
    }
);

ovirt_enum!(
    /// Type of a storage domain.
    pub enum StorageDomainType {
        /// VM disks.
        Data => "data",
        /// Export domain.
        Export => "export",
        /// Image provider (Glance).
        Image => "image",
        /// ISO domain.
        Iso => "iso",
        /// Managed block storage.
        ManagedBlockStorage => "managed_block_storage",
        /// Volume provider.
        Volume => "volume",
    }
);

ovirt_enum!(
    /// Status of a template.
    pub enum TemplateStatus {
        /// Illegal.
        Illegal => "illegal",
        /// Locked.
        Locked => "locked",
        /// Usable.
        Ok => "ok",
    }
);

ovirt_enum!(
    /// Status of a job or step.
    pub enum JobStatus {
        /// Aborted.
        Aborted => "aborted",
        /// Failed.
        Failed => "failed",
        /// Finished successfully.
        Finished => "finished",
        /// Running.
        Started => "started",
        /// Unknown.
        Unknown => "unknown",
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
    /// Severity of an event.
    pub enum LogSeverity {
        /// Alert.
        Alert => "alert",
        /// Error.
        Error => "error",
        /// Normal.
        Normal => "normal",
        /// Warning.
        Warning => "warning",
    }
);

ovirt_enum!(
    /// Disk image format.
    pub enum DiskFormat {
        /// QCOW2, copy on write.
        Cow => "cow",
        /// Raw.
        Raw => "raw",
    }
);

ovirt_enum!(
    /// Disk interface of an attachment.
    pub enum DiskInterface {
        /// IDE.
        Ide => "ide",
        /// SATA.
        Sata => "sata",
        /// sPAPR VSCSI.
        SpaprVscsi => "spapr_vscsi",
        /// virtio-blk.
        Virtio => "virtio",
        /// virtio-scsi.
        VirtioScsi => "virtio_scsi",
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
    /// Status of a snapshot.
    pub enum SnapshotStatus {
        /// Being previewed.
        InPreview => "in_preview",
        /// Locked.
        Locked => "locked",
        /// Usable.
        Ok => "ok",
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

/// A `<link rel href>` to a sub-collection or an action, owned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The relation (`nics`, `diskattachments`, `start`...).
    pub rel: String,
    /// Absolute path on the engine.
    pub href: String,
}

impl Link {
    /// A link.
    pub fn new(rel: impl Into<String>, href: impl Into<String>) -> Self {
        Link {
            rel: rel.into(),
            href: href.into(),
        }
    }
}

/// A borrowed `<link rel href>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LinkRef<'a> {
    /// The relation.
    pub rel: &'a str,
    /// Absolute path on the engine.
    pub href: &'a str,
}

/// The links of one object, packed in one buffer: an engine sends about 35 per VM, and one
/// allocation for all of them instead of 70 is most of what makes decoding fast.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Links {
    buf: String,
    // (start, end of rel = start of href, end of href) in `buf`.
    idx: Vec<(u32, u32, u32)>,
}

impl Links {
    /// No links.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a link.
    pub fn push(&mut self, rel: &str, href: &str) {
        if self.idx.is_empty() {
            self.buf.reserve(64 * 20);
            self.idx.reserve(20);
        }
        let start = self.buf.len();
        self.buf.push_str(rel);
        let mid = self.buf.len();
        self.buf.push_str(href);
        let end = self.buf.len();
        // Offsets past 4 GiB of link text are not a real document; saturate rather than wrap.
        let c = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.idx.push((c(start), c(mid), c(end)));
    }

    /// Number of links.
    pub fn len(&self) -> usize {
        self.idx.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.idx.is_empty()
    }

    /// The links in document order.
    pub fn iter(&self) -> impl Iterator<Item = LinkRef<'_>> + '_ {
        self.idx.iter().map(|&(s, m, e)| LinkRef {
            rel: self.buf.get(s as usize..m as usize).unwrap_or(""),
            href: self.buf.get(m as usize..e as usize).unwrap_or(""),
        })
    }

    /// The `href` of the first link with relation `rel`.
    pub fn get(&self, rel: &str) -> Option<&str> {
        self.iter().find(|l| l.rel == rel).map(|l| l.href)
    }

    /// Owned copies.
    pub fn to_vec(&self) -> Vec<Link> {
        self.iter().map(|l| Link::new(l.rel, l.href)).collect()
    }
}

impl fmt::Debug for Links {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Links {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for Links {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(iter: I) -> Self {
        let mut l = Links::new();
        for (rel, href) in iter {
            l.push(rel, href);
        }
        l
    }
}

/// A reference to another object: `<cluster id=".." href=".."/>`, or by name on input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ref {
    /// Identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name (the engine accepts a name instead of an id on input; `follow` fills it on output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Ref {
    /// A reference by id.
    pub fn id(id: impl Into<String>) -> Self {
        Ref {
            id: Some(id.into()),
            ..Ref::default()
        }
    }

    /// A reference by name.
    pub fn name(name: impl Into<String>) -> Self {
        Ref {
            name: Some(name.into()),
            ..Ref::default()
        }
    }
}

/// CPU topology.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CpuTopology {
    /// Sockets.
    pub sockets: Option<i64>,
    /// Cores per socket.
    pub cores: Option<i64>,
    /// Threads per core.
    pub threads: Option<i64>,
}

impl CpuTopology {
    /// A topology.
    pub fn new(sockets: i64, cores: i64, threads: i64) -> Self {
        CpuTopology {
            sockets: Some(sockets),
            cores: Some(cores),
            threads: Some(threads),
        }
    }

    /// sockets x cores x threads, counting absent values as 1.
    pub fn vcpus(&self) -> i64 {
        self.sockets.unwrap_or(1) * self.cores.unwrap_or(1) * self.threads.unwrap_or(1)
    }
}

/// A CPU (of a VM, template, host or cluster).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cpu {
    /// Architecture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// Topology.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topology: Option<CpuTopology>,
    /// CPU model name (hosts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Speed in MHz (hosts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// CPU type (clusters, hosts; the 3.x `id` attribute).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub cpu_type: Option<String>,
}

/// A version (`<version><major/>...` in 4.x, attributes in 3.x).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Version {
    /// Major.
    pub major: Option<i64>,
    /// Minor.
    pub minor: Option<i64>,
    /// Build.
    pub build: Option<i64>,
    /// Revision.
    pub revision: Option<i64>,
    /// Full version string.
    pub full_version: Option<String>,
}

/// An operating system (of a VM, template or host).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OperatingSystem {
    /// OS type (`other`, `rhel_8x64`, host `RHEL`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub os_type: Option<String>,
    /// Boot devices in order (`hd`, `cdrom`, `network`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub boot_devices: Vec<String>,
    /// Version (hosts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
}

/// The engine's error document, alone or inside an `<action>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Fault {
    /// Short reason (`Operation Failed`).
    pub reason: Option<String>,
    /// Detail (`[Cannot run VM. VM is locked...]`).
    pub detail: Option<String>,
}

/// Introspection shared by every identified object: identity, links and available actions.
pub trait Object {
    /// Identifier.
    fn id(&self) -> Option<&str>;
    /// Path of the object.
    fn href(&self) -> Option<&str>;
    /// Name.
    fn name(&self) -> Option<&str>;
    /// Links to sub-collections.
    fn links(&self) -> &Links;
    /// Action links.
    fn action_links(&self) -> &Links;

    /// The `href` of the link with relation `rel`.
    fn link(&self, rel: &str) -> Option<&str> {
        self.links().get(rel)
    }

    /// Names of the actions the engine offers on this object now.
    fn actions(&self) -> Vec<&str> {
        self.action_links().iter().map(|l| l.rel).collect()
    }

    /// True if the engine offers action `name` on this object.
    fn has_action(&self, name: &str) -> bool {
        self.action_links().iter().any(|l| l.rel == name)
    }
}

/// A virtual machine.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Vm {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<VmStatus>,
    /// Status detail (`eio` when paused on an I/O error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<String>,
    /// Memory in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Cpu>,
    /// Operating system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<OperatingSystem>,
    /// Optimisation type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub vm_type: Option<VmType>,
    /// Stateless.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stateless: Option<bool>,
    /// Delete protection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_protected: Option<bool>,
    /// Fully qualified domain name reported by the guest agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn: Option<String>,
    /// Origin (`ovirt`, `vmware`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Creation time as sent (`2018-01-11T07:26:49.704+02:00`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<String>,
    /// Last start time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Last stop time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_time: Option<String>,
    /// Cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Ref>,
    /// Host it runs on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Ref>,
    /// Template it was created from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<Ref>,
    /// Original template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_template: Option<Ref>,
    /// Disk attachments, when fetched with `follow=disk_attachments`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disk_attachments: Vec<DiskAttachment>,
    /// NICs, when fetched with `follow=nics`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nics: Vec<Nic>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Vm {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A hypervisor host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Host {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<HostStatus>,
    /// Status detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<String>,
    /// Management address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// VDSM port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// Physical memory in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// Memory available for scheduling, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_scheduling_memory: Option<i64>,
    /// CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Cpu>,
    /// Operating system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<OperatingSystem>,
    /// VDSM version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    /// Host type (`rhel`, `ovirt_node`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub host_type: Option<String>,
    /// SPM status (`spm`, `none`, `contending`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spm_status: Option<String>,
    /// VMs on the host: active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_active: Option<i64>,
    /// VMs on the host: migrating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_migrating: Option<i64>,
    /// VMs on the host: total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_total: Option<i64>,
    /// Cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Host {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cluster {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// CPU (type and architecture).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Cpu>,
    /// Compatibility version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    /// Data center.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_center: Option<Ref>,
    /// Scheduling policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduling_policy: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Cluster {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A data center.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DataCenter {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<DataCenterStatus>,
    /// Local storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<bool>,
    /// Storage format (`v4`, `v5`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_format: Option<String>,
    /// Quota mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota_mode: Option<String>,
    /// Compatibility version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for DataCenter {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A virtual disk.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Disk {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<DiskStatus>,
    /// Alias (the 4.x name of a disk is its alias too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Virtual size in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_size: Option<i64>,
    /// Space used on storage, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_size: Option<i64>,
    /// Space used including snapshots, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_size: Option<i64>,
    /// Image format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<DiskFormat>,
    /// Thin provisioned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sparse: Option<bool>,
    /// Shareable between VMs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shareable: Option<bool>,
    /// Bootable (3.x disks carried this; 4.x has it on the attachment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootable: Option<bool>,
    /// Interface (3.x disks carried this; 4.x has it on the attachment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<DiskInterface>,
    /// Storage type (`image`, `lun`, `cinder`, `managed_block_storage`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<String>,
    /// Content type (`data`, `iso`, `ovf_store`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Image id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    /// Storage domains holding the disk.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storage_domains: Vec<Ref>,
    /// The VM using the disk (3.x `vms/{id}/disks`, or when the engine reports it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// VMs using the disk, when the engine reports them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vms: Vec<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Disk {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// The attachment of a disk to a VM (its id is the disk's id).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DiskAttachment {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Plugged (active) in the VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Bootable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootable: Option<bool>,
    /// Interface.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<DiskInterface>,
    /// Pass discard requests to storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass_discard: Option<bool>,
    /// Read only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Device name in the guest, when reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logical_name: Option<String>,
    /// The disk: only `id`/`href` unless fetched with `follow=disk`, or a full disk to create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<Box<Disk>>,
    /// The VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for DiskAttachment {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A storage domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StorageDomain {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Status (absent for domains attached to a data center; read it there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StorageDomainStatus>,
    /// External status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_status: Option<String>,
    /// Domain type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<StorageDomainType>,
    /// Free bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<i64>,
    /// Used bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used: Option<i64>,
    /// Committed bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub committed: Option<i64>,
    /// Master domain of its data center.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master: Option<bool>,
    /// Storage format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_format: Option<String>,
    /// Storage type (`nfs`, `iscsi`, `fcp`, `glance`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<String>,
    /// Storage server address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_address: Option<String>,
    /// Storage path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_path: Option<String>,
    /// Data centers it is attached to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data_centers: Vec<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for StorageDomain {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A VM template.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Template {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TemplateStatus>,
    /// Memory in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Cpu>,
    /// Operating system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<OperatingSystem>,
    /// Optimisation type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub vm_type: Option<VmType>,
    /// Creation time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<String>,
    /// Version name (sub-versions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_name: Option<String>,
    /// Version number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_number: Option<i64>,
    /// Cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Ref>,
    /// The VM to create a template from (input).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Template {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A virtual NIC.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Nic {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<NicInterface>,
    /// MAC address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// Link state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked: Option<bool>,
    /// Plugged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugged: Option<bool>,
    /// vNIC profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vnic_profile: Option<Ref>,
    /// The VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Nic {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A VM snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_status: Option<SnapshotStatus>,
    /// Type (`regular`, `active`, `preview`, `stateless`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_type: Option<String>,
    /// Time taken, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Includes memory state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persist_memorystate: Option<bool>,
    /// The VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Snapshot {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// A job: the engine's record of a command and its steps.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Job {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<JobStatus>,
    /// Start time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// End time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Last update as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    /// Created by an external system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<bool>,
    /// Cleared automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_cleared: Option<bool>,
    /// Owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Job {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// An audit-log event.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Event {
    /// Identifier (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the object (an attribute on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Event type code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Severity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<LogSeverity>,
    /// Time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Correlation id of the command that logged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Custom id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_id: Option<i64>,
    /// Flood rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flood_rate: Option<i64>,
    /// Origin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// User.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Ref>,
    /// VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Ref>,
    /// Host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Ref>,
    /// Cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Ref>,
    /// Data center.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_center: Option<Ref>,
    /// Storage domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_domain: Option<Ref>,
    /// Template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<Ref>,
    /// Links to sub-collections (`<link rel href>`), for `follow_link`.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// Actions available on the object (`<actions><link rel href>`).
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub action_links: Links,
}

impl Object for Event {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        &self.action_links
    }
}

/// An action: the parameters you send to `POST <object>/<name>`, and the engine's answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Action {
    /// Answer: status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<CreationStatus>,
    /// Answer: a fault (the action failed, whatever the HTTP status).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
    /// Answer: the job the engine created for the command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<Ref>,
    /// Run asynchronously.
    #[serde(rename = "async", skip_serializing_if = "Option::is_none")]
    pub async_: Option<bool>,
    /// Force (stop/shutdown/migrate/remove).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
    /// Start paused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pause: Option<bool>,
    /// Reason (stop/shutdown; 4.4+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Target host (migrate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Ref>,
    /// Target cluster (migrate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Ref>,
    /// Target storage domain (disk move/copy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_domain: Option<Ref>,
    /// Run-once overrides (start) or the resulting VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Box<Vm>>,
    /// Use cloud-init (start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_cloud_init: Option<bool>,
    /// Volatile run-once (start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volatile: Option<bool>,
    /// Answer of `isattached`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_attached: Option<bool>,
}

/// Counts of active and total objects in the API summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SummaryItem {
    /// Active.
    pub active: Option<i64>,
    /// Total.
    pub total: Option<i64>,
}

/// The API root (`GET /ovirt-engine/api`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Api {
    /// Product name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// Product vendor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_vendor: Option<String>,
    /// Engine version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_version: Option<Version>,
    /// Blank template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blank_template: Option<Ref>,
    /// Root tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_tag: Option<Ref>,
    /// VMs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vms: Option<SummaryItem>,
    /// Hosts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosts: Option<SummaryItem>,
    /// Users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<SummaryItem>,
    /// Storage domains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_domains: Option<SummaryItem>,
    /// Engine time as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Authenticated user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticated_user: Option<Ref>,
    /// Effective user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_user: Option<Ref>,
    /// Links to the top-level collections.
    #[serde(skip_serializing_if = "Links::is_empty")]
    pub links: Links,
}

impl Api {
    /// The `href` of the top-level link with relation `rel`.
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.links.get(rel)
    }
}
