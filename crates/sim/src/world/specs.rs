//! What callers hand the World (`NewVm`, `NewDisk`) and what it reports back (`WorldSummary`).

use omnivirt_core::{ClusterId, HostId, VmId};

/// What to create with [`World::create_vm`](crate::World::create_vm).
///
/// ```
/// use omnivirt_sim::NewVm;
///
/// let spec = NewVm::new("web-1", "cluster-id").vcpus(2).memory_bytes(4 << 30);
/// assert_eq!(spec.vcpus, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewVm {
    /// Name; must be unique in the World.
    pub name: String,
    /// Cluster id; must exist.
    pub cluster_id: ClusterId,
    /// Virtual CPUs (default: the template's, else 1).
    pub vcpus: Option<u32>,
    /// Memory (default: the template's, else 1 GiB).
    pub memory_bytes: Option<u64>,
    /// Free text.
    pub description: String,
    /// Template id; must exist when set.
    pub template_id: Option<String>,
    /// New disks created with the VM and attached to it.
    pub disks: Vec<NewDisk>,
    /// Power on once created (the create task then ends with the VM running).
    pub power_on: bool,
    /// Host to power on on (with `power_on`); must be `Up` and in the cluster.
    pub host_id: Option<HostId>,
    /// NICs to create it with, in order; empty gives one on the cluster's default network
    /// unless `default_nic` is off.
    pub nics: Vec<NewNic>,
    /// Whether a VM created without `nics` gets one on the cluster's default network (on by
    /// default; off for an oVirt VM from the `Blank` template, which has no NIC).
    pub default_nic: bool,
    /// Storage pool for its new disks that name none; must exist when set.
    pub storage: Option<String>,
    /// Cloud-init user data, kept as given (never rendered by a skin).
    pub user_data: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
}

/// A NIC a new VM is created with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct NewNic {
    /// The network id; must exist.
    pub network_id: String,
    /// Interface name (default `nicN`).
    pub name: Option<String>,
    /// Device model (default `virtio`).
    pub model: Option<String>,
    /// MAC address (default: one the World makes up).
    pub mac: Option<String>,
}

impl NewNic {
    /// A NIC on network `id`.
    pub fn new(id: impl Into<String>) -> Self {
        NewNic {
            network_id: id.into(),
            ..NewNic::default()
        }
    }
}

impl NewVm {
    /// A VM named `name` in `cluster_id`.
    pub fn new(name: impl Into<String>, cluster_id: impl Into<ClusterId>) -> Self {
        NewVm {
            name: name.into(),
            cluster_id: cluster_id.into(),
            vcpus: None,
            memory_bytes: None,
            description: String::new(),
            template_id: None,
            disks: Vec::new(),
            power_on: false,
            host_id: None,
            nics: Vec::new(),
            default_nic: true,
            storage: None,
            user_data: None,
            tags: Vec::new(),
        }
    }

    /// Virtual CPUs.
    pub fn vcpus(mut self, n: u32) -> Self {
        self.vcpus = Some(n);
        self
    }

    /// Memory.
    pub fn memory_bytes(mut self, n: u64) -> Self {
        self.memory_bytes = Some(n);
        self
    }

    /// Description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// From template.
    pub fn template(mut self, id: impl Into<String>) -> Self {
        self.template_id = Some(id.into());
        self
    }

    /// Adds a new disk.
    pub fn disk(mut self, d: NewDisk) -> Self {
        self.disks.push(d);
        self
    }

    /// Power on after creation, optionally on `host`.
    pub fn power_on(mut self, host: Option<HostId>) -> Self {
        self.power_on = true;
        self.host_id = host;
        self
    }
}

/// What to create with [`World::create_disk`](crate::World::create_disk).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewDisk {
    /// Name.
    pub name: String,
    /// Size in bytes (more than 0).
    pub size_bytes: u64,
    /// Cluster scope; must exist when set.
    pub cluster_id: Option<ClusterId>,
    /// Vendor storage location, free text.
    pub storage: Option<String>,
    /// Create it already attached to this VM (oVirt `POST /vms/{id}/diskattachments` with a
    /// new disk, CloudTower `mount_new_create_disks`). Ignored inside [`NewVm::disks`].
    pub vm_id: Option<VmId>,
}

impl NewDisk {
    /// A disk.
    pub fn new(name: impl Into<String>, size_bytes: u64) -> Self {
        NewDisk {
            name: name.into(),
            size_bytes,
            cluster_id: None,
            storage: None,
            vm_id: None,
        }
    }

    /// Create it attached to VM `id`.
    pub fn attach_to(mut self, id: impl Into<VmId>) -> Self {
        self.vm_id = Some(id.into());
        self
    }

    /// Cluster scope.
    pub fn cluster(mut self, id: impl Into<ClusterId>) -> Self {
        self.cluster_id = Some(id.into());
        self
    }

    /// Storage location.
    pub fn storage(mut self, s: impl Into<String>) -> Self {
        self.storage = Some(s.into());
        self
    }
}

/// Counts returned by [`World::summary`](crate::World::summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WorldSummary {
    /// Clusters.
    pub clusters: usize,
    /// Hosts.
    pub hosts: usize,
    /// Templates.
    pub templates: usize,
    /// VMs.
    pub vms: usize,
    /// VMs in state `Running`.
    pub running_vms: usize,
    /// Disks.
    pub disks: usize,
    /// Tasks ever submitted.
    pub tasks: usize,
    /// Tasks not finished yet.
    pub open_tasks: usize,
    /// Live sessions.
    pub sessions: usize,
}
