//! Typed actions: queries of the inventories and the VM and volume lifecycle.

use http::Method;
use omnivirt_core::{Error, Op, Result};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::client::{RawReply, Reply, ZStackClient, decode_json};
use super::query::{Condition, Query};
use crate::VENDOR;
use crate::generated::ops;
use crate::generated::types::{
    ClusterInventory as Cluster, HostInventory as Host, VmInstanceInventory as VmInstance,
    VolumeInventory as Volume, ZoneInventory as Zone,
};
use crate::generated::types::{
    ImageInventory, L2NetworkInventory, L3NetworkInventory, PrimaryStorageInventory,
};
use crate::wire::QueryReply;

/// One page of a query.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct QueryPage<T> {
    /// The inventories.
    pub items: Vec<T>,
    /// Every match, ignoring `limit`/`start` (only with `reply_with_count`/`count_only`).
    pub total: Option<u64>,
}

/// How `StopVmInstance` stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StopType {
    /// ACPI shutdown (the server's default).
    #[default]
    Grace,
    /// Power off.
    Cold,
}

/// How a delete treats the resource's dependants (`deleteMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DeleteMode {
    /// Refuse when something depends on it (the server's default).
    #[default]
    Permissive,
    /// Delete regardless.
    Enforcing,
}

impl DeleteMode {
    fn as_str(self) -> &'static str {
        match self {
            DeleteMode::Permissive => "Permissive",
            DeleteMode::Enforcing => "Enforcing",
        }
    }
}

/// `CreateVmInstance` parameters (the `params` of `POST /vm-instances`).
///
/// ```
/// use omnivirt_zstack::CreateVm;
/// let body = CreateVm::new("web-01")
///     .instance_offering("offering-uuid")
///     .image("image-uuid")
///     .l3_networks(["l3-uuid"])
///     .body();
/// assert_eq!(body["params"]["name"], "web-01");
/// assert_eq!(body["params"]["defaultL3NetworkUuid"], "l3-uuid");
/// ```
#[derive(Clone, PartialEq, Default)]
#[must_use]
pub struct CreateVm {
    params: Map<String, Value>,
    system_tags: Vec<String>,
}

impl std::fmt::Debug for CreateVm {
    /// The parameters as they are, the `userdata::` system tag (cloud-init, often with
    /// passwords) masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tags: Vec<&str> = self
            .system_tags
            .iter()
            .map(|t| {
                if t.starts_with(crate::backend::USERDATA_TAG) {
                    "userdata::***"
                } else {
                    t.as_str()
                }
            })
            .collect();
        f.debug_struct("CreateVm")
            .field("params", &self.params)
            .field("system_tags", &tags)
            .finish()
    }
}

impl CreateVm {
    /// A VM named `name`; add an offering or CPU/memory, an image and networks.
    pub fn new(name: impl Into<String>) -> Self {
        let mut params = Map::new();
        params.insert("name".into(), Value::String(name.into()));
        CreateVm {
            params,
            system_tags: Vec::new(),
        }
    }
    fn set(mut self, key: &str, v: impl Into<Value>) -> Self {
        self.params.insert(key.to_owned(), v.into());
        self
    }
    /// `instanceOfferingUuid`.
    pub fn instance_offering(self, uuid: impl Into<String>) -> Self {
        self.set("instanceOfferingUuid", uuid.into())
    }
    /// `cpuNum` (instead of an offering).
    pub fn cpu_num(self, n: u32) -> Self {
        self.set("cpuNum", n)
    }
    /// `memorySize` in bytes (instead of an offering).
    pub fn memory_size(self, bytes: u64) -> Self {
        self.set("memorySize", bytes)
    }
    /// `imageUuid`.
    pub fn image(self, uuid: impl Into<String>) -> Self {
        self.set("imageUuid", uuid.into())
    }
    /// `l3NetworkUuids`; the first becomes `defaultL3NetworkUuid` unless one is set.
    pub fn l3_networks<I, S>(mut self, uuids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let list: Vec<Value> = uuids.into_iter().map(|s| Value::String(s.into())).collect();
        if let Some(first) = list.first()
            && !self.params.contains_key("defaultL3NetworkUuid")
        {
            self.params
                .insert("defaultL3NetworkUuid".into(), first.clone());
        }
        self.set("l3NetworkUuids", list)
    }
    /// `zoneUuid`.
    pub fn zone(self, uuid: impl Into<String>) -> Self {
        self.set("zoneUuid", uuid.into())
    }
    /// `clusterUuid`.
    pub fn cluster(self, uuid: impl Into<String>) -> Self {
        self.set("clusterUuid", uuid.into())
    }
    /// `hostUuid`.
    pub fn host(self, uuid: impl Into<String>) -> Self {
        self.set("hostUuid", uuid.into())
    }
    /// `rootDiskSize` in bytes.
    pub fn root_disk_size(self, bytes: u64) -> Self {
        self.set("rootDiskSize", bytes)
    }
    /// `description`.
    pub fn description(self, d: impl Into<String>) -> Self {
        self.set("description", d.into())
    }
    /// `strategy`: `InstantStart` (default), `JustCreate` or `CreateStopped`.
    pub fn strategy(self, s: impl Into<String>) -> Self {
        self.set("strategy", s.into())
    }
    /// `resourceUuid`: choose the new VM's uuid (32 hex digits).
    pub fn resource_uuid(self, uuid: impl Into<String>) -> Self {
        self.set("resourceUuid", uuid.into())
    }
    /// Any other parameter of the API.
    pub fn param(self, key: &str, v: impl Into<Value>) -> Self {
        self.set(key, v)
    }
    /// A system tag.
    pub fn system_tag(mut self, tag: impl Into<String>) -> Self {
        self.system_tags.push(tag.into());
        self
    }
    /// The request body.
    pub fn body(&self) -> Value {
        let mut params = self.params.clone();
        if !self.system_tags.is_empty() {
            params.insert("systemTags".into(), json!(self.system_tags));
        }
        json!({ "params": params })
    }
}

/// `CreateDataVolume` parameters (the `params` of `POST /volumes/data`).
///
/// ```
/// use omnivirt_zstack::CreateDataVolume;
/// let body = CreateDataVolume::new("data-1").disk_size(10 << 30).body();
/// assert_eq!(body["params"]["diskSize"], 10u64 << 30);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[must_use]
pub struct CreateDataVolume {
    params: Map<String, Value>,
}

impl CreateDataVolume {
    /// A data volume named `name`; add a size or a disk offering.
    pub fn new(name: impl Into<String>) -> Self {
        let mut params = Map::new();
        params.insert("name".into(), Value::String(name.into()));
        CreateDataVolume { params }
    }
    fn set(mut self, key: &str, v: impl Into<Value>) -> Self {
        self.params.insert(key.to_owned(), v.into());
        self
    }
    /// `diskSize` in bytes.
    pub fn disk_size(self, bytes: u64) -> Self {
        self.set("diskSize", bytes)
    }
    /// `diskOfferingUuid`.
    pub fn disk_offering(self, uuid: impl Into<String>) -> Self {
        self.set("diskOfferingUuid", uuid.into())
    }
    /// `primaryStorageUuid`: without it the volume stays `NotInstantiated` until attached.
    pub fn primary_storage(self, uuid: impl Into<String>) -> Self {
        self.set("primaryStorageUuid", uuid.into())
    }
    /// `description`.
    pub fn description(self, d: impl Into<String>) -> Self {
        self.set("description", d.into())
    }
    /// `resourceUuid`: choose the new volume's uuid.
    pub fn resource_uuid(self, uuid: impl Into<String>) -> Self {
        self.set("resourceUuid", uuid.into())
    }
    /// Any other parameter of the API.
    pub fn param(self, key: &str, v: impl Into<Value>) -> Self {
        self.set(key, v)
    }
    /// The request body.
    pub fn body(&self) -> Value {
        json!({ "params": self.params })
    }
}

/// `NotFound` for a `what` (`VM`, `host`...) the engine has no `uuid` of.
pub(crate) fn no_such(what: &str, uuid: &str, op: Op) -> Error {
    Error::not_found(format!("no {what} with uuid {uuid}"))
        .with_vendor(VENDOR)
        .with_op(op)
}

pub(crate) fn check_uuid(what: &str, uuid: &str, op: impl Into<Option<Op>>) -> Result<()> {
    let ok = !uuid.is_empty()
        && uuid.len() <= 64
        && uuid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        let e = Error::invalid_input(format!("`{uuid}` is not a valid {what} uuid"))
            .with_vendor(VENDOR);
        Err(match op.into() {
            Some(op) => e.with_op(op),
            None => e,
        })
    }
}

fn not_described(path: &str, e: &serde_json::Error) -> Error {
    Error::protocol(format!(
        "{path}: the answer is not what the API describes: {e}"
    ))
    .with_vendor(VENDOR)
}

impl ZStackClient {
    /// Runs a query API on `resource` (`vm-instances`, `hosts`, `volumes`, ...).
    pub async fn query<T: DeserializeOwned>(
        &self,
        resource: &str,
        q: &Query,
        op: Option<Op>,
    ) -> Result<QueryPage<T>> {
        let pairs = q.to_pairs()?;
        let reply = self
            .send_raw(Method::GET, resource, &pairs, None, op, true)
            .await?;
        let RawReply::Done(body) = reply else {
            return Err(Error::protocol(format!(
                "/{resource}: a query answered 202 instead of a result"
            ))
            .with_vendor(VENDOR));
        };
        // Straight from the bytes into the page type: no `Value` tree in between.
        let page: QueryReply<T> = decode_json(&body).map_err(|e| not_described(resource, &e))?;
        let count_only = pairs.iter().any(|(k, v)| k == "count" && v == "true");
        let items = match page.inventories {
            Some(items) => items,
            None if count_only => Vec::new(),
            None => {
                return Err(Error::protocol(format!(
                    "/{resource}: the query answer has no `inventories` (a ZStack query always \
                     sends them, empty or not)"
                ))
                .with_vendor(VENDOR));
            }
        };
        Ok(QueryPage {
            items,
            total: page.total,
        })
    }

    async fn get_one<T: DeserializeOwned>(
        &self,
        resource: &str,
        what: &str,
        uuid: &str,
        op: Op,
    ) -> Result<T> {
        check_uuid(what, uuid, op)?;
        let q = Query::new().filter(Condition::eq("uuid", uuid));
        let page: QueryPage<T> = self.query(resource, &q, Some(op)).await?;
        page.items
            .into_iter()
            .next()
            .ok_or_else(|| no_such(what, uuid, op))
    }

    /// `QueryVmInstance`.
    pub async fn query_vms(&self, q: &Query) -> Result<QueryPage<VmInstance>> {
        self.query_vms_as(q).await
    }
    /// [`query_vms`](Self::query_vms) decoded as `T` (the backend's `convert::ListedVm`).
    pub(crate) async fn query_vms_as<T: DeserializeOwned>(
        &self,
        q: &Query,
    ) -> Result<QueryPage<T>> {
        self.query("vm-instances", q, Some(Op::VmList)).await
    }
    /// One VM by uuid; `NotFound` when the query is empty.
    pub async fn get_vm(&self, uuid: &str) -> Result<VmInstance> {
        self.get_vm_as(uuid).await
    }
    /// [`get_vm`](Self::get_vm) decoded as `T` (the backend's `convert::ListedVm`).
    pub(crate) async fn get_vm_as<T: DeserializeOwned>(&self, uuid: &str) -> Result<T> {
        self.get_one("vm-instances", "VM", uuid, Op::VmGet).await
    }
    /// `QueryHost`.
    pub async fn query_hosts(&self, q: &Query) -> Result<QueryPage<Host>> {
        self.query("hosts", q, Some(Op::HostList)).await
    }
    /// One host by uuid.
    pub async fn get_host(&self, uuid: &str) -> Result<Host> {
        self.get_one("hosts", "host", uuid, Op::HostGet).await
    }
    /// `QueryCluster`.
    pub async fn query_clusters(&self, q: &Query) -> Result<QueryPage<Cluster>> {
        self.query("clusters", q, Some(Op::ClusterList)).await
    }
    /// One cluster by uuid.
    pub async fn get_cluster(&self, uuid: &str) -> Result<Cluster> {
        self.get_one("clusters", "cluster", uuid, Op::ClusterGet)
            .await
    }
    /// `QueryVolume`.
    pub async fn query_volumes(&self, q: &Query) -> Result<QueryPage<Volume>> {
        self.query("volumes", q, Some(Op::DiskList)).await
    }
    /// One volume by uuid.
    pub async fn get_volume(&self, uuid: &str) -> Result<Volume> {
        self.get_one("volumes", "volume", uuid, Op::DiskGet).await
    }
    /// `QueryZone`.
    pub async fn query_zones(&self, q: &Query) -> Result<QueryPage<Zone>> {
        self.query("zones", q, None).await
    }
    /// `QueryImage` (`GET /images`): templates, data volume templates and ISOs.
    pub async fn query_images(&self, q: &Query) -> Result<QueryPage<ImageInventory>> {
        self.query("images", q, Some(Op::TemplateList)).await
    }
    /// One image by uuid; `NotFound` when the query is empty.
    pub async fn get_image(&self, uuid: &str) -> Result<ImageInventory> {
        self.get_one("images", "image", uuid, Op::TemplateGet).await
    }
    /// `QueryL3Network` (`GET /l3-networks`).
    pub async fn query_l3_networks(&self, q: &Query) -> Result<QueryPage<L3NetworkInventory>> {
        self.query("l3-networks", q, Some(Op::NetworkList)).await
    }
    /// One L3 network by uuid; `NotFound` when the query is empty.
    pub async fn get_l3_network(&self, uuid: &str) -> Result<L3NetworkInventory> {
        self.get_one("l3-networks", "L3 network", uuid, Op::NetworkGet)
            .await
    }
    /// `QueryL2Network` (`GET /l2-networks`): every L2 type, with `virtualNetworkId` (the VLAN
    /// of an `L2VlanNetwork`) and `attachedClusterUuids`. `op` names the neutral operation the
    /// lookup serves, for errors.
    pub async fn query_l2_networks(
        &self,
        q: &Query,
        op: Option<Op>,
    ) -> Result<QueryPage<L2NetworkInventory>> {
        self.query("l2-networks", q, op).await
    }
    /// `QueryPrimaryStorage` (`GET /primary-storage`).
    pub async fn query_primary_storage(
        &self,
        q: &Query,
    ) -> Result<QueryPage<PrimaryStorageInventory>> {
        self.query("primary-storage", q, Some(Op::StorageList))
            .await
    }
    /// One primary storage by uuid (a `uuid=` condition: the API has no `/primary-storage/{uuid}`
    /// path); `NotFound` when the query is empty.
    pub async fn get_primary_storage(&self, uuid: &str) -> Result<PrimaryStorageInventory> {
        self.get_one("primary-storage", "primary storage", uuid, Op::StorageGet)
            .await
    }

    /// `PUT /<resource>/{uuid}/actions` with `{action: params}`.
    pub async fn action(
        &self,
        resource: &str,
        uuid: &str,
        action: &str,
        params: Value,
        op: Option<Op>,
    ) -> Result<Reply> {
        check_uuid(resource, uuid, op)?;
        let body = json!({ action: params });
        self.request(
            Method::PUT,
            &format!("{resource}/{uuid}/actions"),
            &[],
            Some(&body),
            op,
        )
        .await
    }

    /// `CreateVmInstance`.
    pub async fn create_vm(&self, spec: &CreateVm) -> Result<Reply> {
        self.request(
            Method::POST,
            "vm-instances",
            &[],
            Some(&spec.body()),
            Some(Op::VmCreate),
        )
        .await
    }
    /// `StartVmInstance`, on `host` when given.
    pub async fn start_vm(&self, uuid: &str, host: Option<&str>) -> Result<Reply> {
        check_uuid("vm-instances", uuid, Op::VmStart)?;
        let mut p = ops::StartVmInstance::new(uuid);
        p.host_uuid = host.map(str::to_owned);
        self.actions()
            .for_op(Op::VmStart)
            .start_vm_instance(&p)
            .await
    }
    /// `StopVmInstance` (`grace` or `cold`).
    pub async fn stop_vm(&self, uuid: &str, how: StopType) -> Result<Reply> {
        let (ty, op) = match how {
            StopType::Grace => (ops::StopVmInstanceType::Grace, Op::VmStop),
            StopType::Cold => (ops::StopVmInstanceType::Cold, Op::VmForceStop),
        };
        check_uuid("vm-instances", uuid, op)?;
        let mut p = ops::StopVmInstance::new(uuid);
        p.r#type = Some(ty);
        self.actions().for_op(op).stop_vm_instance(&p).await
    }
    /// `RebootVmInstance`.
    pub async fn reboot_vm(&self, uuid: &str) -> Result<Reply> {
        check_uuid("vm-instances", uuid, Op::VmReboot)?;
        self.actions()
            .for_op(Op::VmReboot)
            .reboot_vm_instance(&ops::RebootVmInstance::new(uuid))
            .await
    }
    /// `PauseVmInstance` (the VM keeps its memory on the host).
    pub async fn pause_vm(&self, uuid: &str) -> Result<Reply> {
        check_uuid("vm-instances", uuid, Op::VmSuspend)?;
        self.actions()
            .for_op(Op::VmSuspend)
            .pause_vm_instance(&ops::PauseVmInstance::new(uuid))
            .await
    }
    /// `ResumeVmInstance`.
    pub async fn resume_vm(&self, uuid: &str) -> Result<Reply> {
        check_uuid("vm-instances", uuid, Op::VmResume)?;
        self.actions()
            .for_op(Op::VmResume)
            .resume_vm_instance(&ops::ResumeVmInstance::new(uuid))
            .await
    }
    /// `MigrateVm`, to `host` or one the server picks.
    pub async fn migrate_vm(&self, uuid: &str, host: Option<&str>) -> Result<Reply> {
        check_uuid("vm-instances", uuid, Op::VmMigrate)?;
        let mut p = ops::MigrateVm::new(uuid);
        p.host_uuid = host.map(str::to_owned);
        self.actions().for_op(Op::VmMigrate).migrate_vm(&p).await
    }
    /// `DestroyVmInstance` (`DELETE /vm-instances/{uuid}`). With the default deletion policy
    /// the VM goes to `Destroyed` and can be recovered until it is expunged.
    pub async fn destroy_vm(&self, uuid: &str, mode: DeleteMode) -> Result<Reply> {
        check_uuid("VM", uuid, Op::VmDelete)?;
        let mut p = ops::DestroyVmInstance::new(uuid);
        p.delete_mode = Some(mode.as_str().to_owned());
        self.actions()
            .for_op(Op::VmDelete)
            .destroy_vm_instance(&p)
            .await
    }
    /// `ExpungeVmInstance`: remove a destroyed VM now.
    pub async fn expunge_vm(&self, uuid: &str) -> Result<Reply> {
        check_uuid("vm-instances", uuid, None)?;
        self.actions()
            .expunge_vm_instance(&ops::ExpungeVmInstance::new(uuid))
            .await
    }
    /// `RecoverVmInstance`: bring a destroyed VM back (stopped).
    pub async fn recover_vm(&self, uuid: &str) -> Result<Reply> {
        check_uuid("vm-instances", uuid, None)?;
        self.actions()
            .recover_vm_instance(&ops::RecoverVmInstance::new(uuid))
            .await
    }
    /// `CreateDataVolume`.
    pub async fn create_data_volume(&self, spec: &CreateDataVolume) -> Result<Reply> {
        self.request(
            Method::POST,
            "volumes/data",
            &[],
            Some(&spec.body()),
            Some(Op::DiskCreate),
        )
        .await
    }
    /// `AttachDataVolumeToVm` (`POST /volumes/{volume}/vm-instances/{vm}`).
    pub async fn attach_data_volume(&self, volume: &str, vm: &str) -> Result<Reply> {
        check_uuid("volume", volume, Op::DiskAttach)?;
        check_uuid("VM", vm, Op::DiskAttach)?;
        self.actions()
            .for_op(Op::DiskAttach)
            .attach_data_volume_to_vm(&ops::AttachDataVolumeToVm::new(vm, volume))
            .await
    }
    /// `DetachDataVolumeFromVm` (`DELETE /volumes/{uuid}/vm-instances?vmUuid=`).
    pub async fn detach_data_volume(&self, volume: &str, vm: Option<&str>) -> Result<Reply> {
        check_uuid("volume", volume, Op::DiskDetach)?;
        let mut p = ops::DetachDataVolumeFromVm::new(volume);
        p.vm_uuid = vm.map(str::to_owned);
        self.actions()
            .for_op(Op::DiskDetach)
            .detach_data_volume_from_vm(&p)
            .await
    }
    /// `DeleteDataVolume` (`DELETE /volumes/{uuid}`); recoverable until expunged under the
    /// default deletion policy.
    pub async fn delete_data_volume(&self, uuid: &str, mode: DeleteMode) -> Result<Reply> {
        check_uuid("volume", uuid, Op::DiskDelete)?;
        let mut p = ops::DeleteDataVolume::new(uuid);
        p.delete_mode = Some(mode.as_str().to_owned());
        self.actions()
            .for_op(Op::DiskDelete)
            .delete_data_volume(&p)
            .await
    }
    /// `ExpungeDataVolume`.
    pub async fn expunge_data_volume(&self, uuid: &str) -> Result<Reply> {
        check_uuid("volumes", uuid, None)?;
        self.actions()
            .expunge_data_volume(&ops::ExpungeDataVolume::new(uuid))
            .await
    }
}
