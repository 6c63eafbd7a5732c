//! The services tree: `system().vms().vm(id).start()`, like the official SDKs, as cheap path
//! holders. No I/O happens until a request's `send()`.

mod objects;
mod requests;
mod wait;

use std::fmt;
use std::marker::PhantomData;

use omnivirt_core::{Op, Result};

use crate::native::connection::Connection;
use crate::native::types::{
    Action, Api, Cluster, DataCenter, Disk, DiskAttachment, Event, Host, Job, Network, Nic,
    ReportedDevice, Snapshot, StorageDomain, Template, Vm, VnicProfile,
};
use crate::wire::Resource;

pub use requests::{
    ActionRequest, AddRequest, GetRequest, ListRequest, RemoveRequest, UpdateRequest,
};
pub use wait::HasStatus;

type Params = Vec<(String, String)>;

fn set(params: &mut Params, k: &str, v: String) {
    params.retain(|(key, _)| key != k);
    params.push((k.to_owned(), v));
}

/// The root of the tree.
#[derive(Debug, Clone)]
pub struct SystemService {
    conn: Connection,
}

impl SystemService {
    pub(crate) fn new(conn: Connection) -> Self {
        SystemService { conn }
    }

    /// The API root: product info, summary, special objects, links.
    pub async fn get(&self) -> Result<Api> {
        self.conn.get("", &[], &[], None).await
    }

    fn coll<T: Resource>(&self, path: &str) -> CollectionService<T> {
        CollectionService::new(self.conn.clone(), path.to_owned())
    }

    /// `/vms`.
    pub fn vms(&self) -> VmsService {
        self.coll("vms")
    }

    /// `/hosts`.
    pub fn hosts(&self) -> HostsService {
        self.coll("hosts")
    }

    /// `/clusters`.
    pub fn clusters(&self) -> ClustersService {
        self.coll("clusters")
    }

    /// `/datacenters`.
    pub fn data_centers(&self) -> DataCentersService {
        self.coll("datacenters")
    }

    /// `/disks`.
    pub fn disks(&self) -> DisksService {
        self.coll("disks")
    }

    /// `/storagedomains`.
    pub fn storage_domains(&self) -> StorageDomainsService {
        self.coll("storagedomains")
    }

    /// `/templates`.
    pub fn templates(&self) -> TemplatesService {
        self.coll("templates")
    }

    /// `/networks`.
    pub fn networks(&self) -> NetworksService {
        self.coll("networks")
    }

    /// `/vnicprofiles`.
    pub fn vnic_profiles(&self) -> VnicProfilesService {
        self.coll("vnicprofiles")
    }

    /// `/jobs`.
    pub fn jobs(&self) -> JobsService {
        self.coll("jobs")
    }

    /// `/events`.
    pub fn events(&self) -> EventsService {
        self.coll("events")
    }
}

/// A collection of `T` (`/vms`, `/vms/{id}/diskattachments`...).
pub struct CollectionService<T> {
    conn: Connection,
    path: String,
    _t: PhantomData<fn() -> T>,
}

// Derived `Clone` and `Debug` would require `T: Clone + Debug`; the service never holds a `T`.
impl<T> Clone for CollectionService<T> {
    fn clone(&self) -> Self {
        CollectionService {
            conn: self.conn.clone(),
            path: self.path.clone(),
            _t: PhantomData,
        }
    }
}

impl<T> fmt::Debug for CollectionService<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CollectionService")
            .field("path", &self.path)
            .finish()
    }
}

/// One object (`/vms/{id}`).
pub struct ObjectService<T> {
    conn: Connection,
    path: String,
    _t: PhantomData<fn() -> T>,
}

// Derived `Clone` and `Debug` would require `T: Clone + Debug`; the service never holds a `T`.
impl<T> Clone for ObjectService<T> {
    fn clone(&self) -> Self {
        ObjectService {
            conn: self.conn.clone(),
            path: self.path.clone(),
            _t: PhantomData,
        }
    }
}

impl<T> fmt::Debug for ObjectService<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectService")
            .field("path", &self.path)
            .finish()
    }
}

/// `/vms`.
pub type VmsService = CollectionService<Vm>;

/// `/vms/{id}`.
pub type VmService = ObjectService<Vm>;

/// `/hosts`.
pub type HostsService = CollectionService<Host>;

/// `/hosts/{id}`.
pub type HostService = ObjectService<Host>;

/// `/clusters`.
pub type ClustersService = CollectionService<Cluster>;

/// `/clusters/{id}`.
pub type ClusterService = ObjectService<Cluster>;

/// `/datacenters`.
pub type DataCentersService = CollectionService<DataCenter>;

/// `/datacenters/{id}`.
pub type DataCenterService = ObjectService<DataCenter>;

/// `/disks`.
pub type DisksService = CollectionService<Disk>;

/// `/disks/{id}`.
pub type DiskService = ObjectService<Disk>;

/// `/vms/{id}/diskattachments`.
pub type DiskAttachmentsService = CollectionService<DiskAttachment>;

/// `/vms/{id}/diskattachments/{disk}`.
pub type DiskAttachmentService = ObjectService<DiskAttachment>;

/// `/storagedomains`.
pub type StorageDomainsService = CollectionService<StorageDomain>;

/// `/storagedomains/{id}`.
pub type StorageDomainService = ObjectService<StorageDomain>;

/// `/templates`.
pub type TemplatesService = CollectionService<Template>;

/// `/templates/{id}`.
pub type TemplateService = ObjectService<Template>;

/// `/networks`.
pub type NetworksService = CollectionService<Network>;

/// `/networks/{id}`.
pub type NetworkService = ObjectService<Network>;

/// `/jobs`.
pub type JobsService = CollectionService<Job>;

/// `/jobs/{id}`.
pub type JobService = ObjectService<Job>;

/// `/events`.
pub type EventsService = CollectionService<Event>;

/// `/events/{id}`.
pub type EventService = ObjectService<Event>;

/// `/vms/{id}/nics`.
pub type NicsService = CollectionService<Nic>;

/// `/vms/{id}/nics/{nic}`.
pub type NicService = ObjectService<Nic>;

/// `/vnicprofiles` (or a network's `/networks/{id}/vnicprofiles`).
pub type VnicProfilesService = CollectionService<VnicProfile>;

/// `/vms/{id}/reporteddevices` (or a NIC's `.../nics/{nic}/reporteddevices`).
pub type ReportedDevicesService = CollectionService<ReportedDevice>;

/// `/vms/{id}/snapshots`.
pub type SnapshotsService = CollectionService<Snapshot>;

fn op_list<T: Resource>() -> Option<Op> {
    match T::TAG {
        "vm" => Some(Op::VmList),
        "host" => Some(Op::HostList),
        "cluster" => Some(Op::ClusterList),
        "disk" | "disk_attachment" => Some(Op::DiskList),
        "template" => Some(Op::TemplateList),
        "network" => Some(Op::NetworkList),
        "storage_domain" => Some(Op::StorageList),
        "job" => Some(Op::TaskGet),
        _ => None,
    }
}

fn op_get<T: Resource>() -> Option<Op> {
    match T::TAG {
        "vm" => Some(Op::VmGet),
        "host" => Some(Op::HostGet),
        "cluster" => Some(Op::ClusterGet),
        "disk" => Some(Op::DiskGet),
        "template" => Some(Op::TemplateGet),
        "network" => Some(Op::NetworkGet),
        "storage_domain" => Some(Op::StorageGet),
        "job" => Some(Op::TaskGet),
        _ => None,
    }
}

impl<T: Resource> CollectionService<T> {
    pub(crate) fn new(conn: Connection, path: String) -> Self {
        CollectionService {
            conn,
            path,
            _t: PhantomData,
        }
    }

    /// The path relative to the API root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Lists the collection (add `search`, `max`, `follow`... before `send`).
    pub fn list(&self) -> ListRequest<T> {
        ListRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            query: Vec::new(),
            headers: Vec::new(),
            only: None,
            next_if_full: None,
            _t: PhantomData,
        }
    }

    /// Adds an object (`POST`); the engine answers with the full new object.
    pub fn add(&self, obj: T) -> AddRequest<T> {
        AddRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            obj,
            query: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// The service of the member `id`.
    pub fn item(&self, id: &str) -> ObjectService<T> {
        ObjectService {
            conn: self.conn.clone(),
            path: format!("{}/{}", self.path, id),
            _t: PhantomData,
        }
    }
}

impl<T: Resource> ObjectService<T> {
    /// The path relative to the API root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Fetches the object.
    pub fn get(&self) -> GetRequest<T> {
        GetRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            query: Vec::new(),
            headers: Vec::new(),
            _t: PhantomData,
        }
    }

    /// Updates the object with the attributes set in `obj` (only those are sent).
    pub fn update(&self, obj: T) -> UpdateRequest<T> {
        UpdateRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            obj,
            query: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// Removes the object (`DELETE`).
    pub fn remove(&self) -> RemoveRequest {
        RemoveRequest {
            conn: self.conn.clone(),
            path: self.path.clone(),
            query: Vec::new(),
            headers: Vec::new(),
            op: match T::TAG {
                "vm" => Some(Op::VmDelete),
                "disk" => Some(Op::DiskDelete),
                "disk_attachment" => Some(Op::DiskDetach),
                _ => None,
            },
        }
    }

    /// Any action by name (`POST <object>/<name>`), for actions without a typed method.
    pub fn action(&self, name: &str) -> ActionRequest {
        ActionRequest {
            conn: self.conn.clone(),
            path: format!("{}/{}", self.path, name),
            action: Action::default(),
            vm: None,
            query: Vec::new(),
            headers: Vec::new(),
            op: None,
        }
    }

    fn sub<U: Resource>(&self, rel: &str) -> CollectionService<U> {
        CollectionService::new(self.conn.clone(), format!("{}/{}", self.path, rel))
    }
}

impl VmsService {
    /// The service of VM `id`.
    pub fn vm(&self, id: &str) -> VmService {
        self.item(id)
    }
}

impl HostsService {
    /// The service of host `id`.
    pub fn host(&self, id: &str) -> HostService {
        self.item(id)
    }
}

impl ClustersService {
    /// The service of cluster `id`.
    pub fn cluster(&self, id: &str) -> ClusterService {
        self.item(id)
    }
}

impl DataCentersService {
    /// The service of data center `id`.
    pub fn data_center(&self, id: &str) -> DataCenterService {
        self.item(id)
    }
}

impl DisksService {
    /// The service of disk `id`.
    pub fn disk(&self, id: &str) -> DiskService {
        self.item(id)
    }
}

impl StorageDomainsService {
    /// The service of storage domain `id`.
    pub fn storage_domain(&self, id: &str) -> StorageDomainService {
        self.item(id)
    }
}

impl TemplatesService {
    /// The service of template `id`.
    pub fn template(&self, id: &str) -> TemplateService {
        self.item(id)
    }
}

impl NetworksService {
    /// The service of network `id`.
    pub fn network(&self, id: &str) -> NetworkService {
        self.item(id)
    }
}

impl JobsService {
    /// The service of job `id`.
    pub fn job(&self, id: &str) -> JobService {
        self.item(id)
    }
}

impl EventsService {
    /// The service of event `id`.
    pub fn event(&self, id: &str) -> EventService {
        self.item(id)
    }
}
