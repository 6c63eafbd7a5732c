//! Day-two operations over the native face: batched VM reads, reconfigure, clone, VM snapshots
//! (snapshot groups), NICs, console, the event log and host maintenance.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use omnivirt_core::{
    CloneSpec, Console, ConsoleProtocol, Cursor, Error, ErrorKind, Event, EventQuery,
    EventSeverity, Expect, HostId, HostState, Nic, NicId, NicSpec, Op, Page, ResourceRef, Result,
    Secret, Snapshot, SnapshotId, SnapshotSpec, SnapshotState, Submitted, Vm, VmId, VmUpdate, time,
};
use serde_json::Value;

use super::{ZStackBackend, submitted};
use crate::VENDOR;
use crate::convert::{self, ListedVm, gson_to_rfc3339};
use crate::generated::types::{EventLogInventory, VolumeSnapshotGroupInventory};
use crate::generated::types::{VmInstanceInventory as VmInstance, VmNicInventory as VmNic};
use crate::native::query::{Condition, Direction, Op as QOp, Query};
use crate::native::{AttachNic, CloneVm, UpdateVm, ZStackClient};

/// VM uuids per `QueryVmInstance` of a batched read: 100 dash-less uuids keep the URL near
/// 3.3 KB, well under the 8 KB request line common servlet containers accept.
pub(super) const VM_BATCH: usize = 100;

/// Event log entries per page when the query does not say (the server's default is 1,000).
const EVENT_PAGE: u32 = 100;

/// NIC attachments whose job is not read yet, remembered so that the finished job can name
/// the NIC it made (`AttachL3NetworkToVm` answers with the whole VM).
#[derive(Debug, Clone, Default)]
pub(super) struct PendingNics(Arc<Mutex<VecDeque<PendingNic>>>);

#[derive(Debug, Clone)]
struct PendingNic {
    job: String,
    l3: String,
    before: Vec<String>,
}

/// Attachments remembered at most; the oldest are forgotten first (their NIC is still listed,
/// only the wait cannot name it).
const PENDING_CAP: usize = 256;

impl PendingNics {
    fn push(&self, p: PendingNic) {
        let mut q = self.0.lock().unwrap_or_else(|e| e.into_inner());
        q.push_back(p);
        while q.len() > PENDING_CAP {
            q.pop_front();
        }
    }

    /// The NIC a finished attachment made, from the VM inventory the job answered.
    pub(super) fn take(&self, job: &str, result: &Value) -> Option<NicId> {
        let p = {
            let mut q = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let at = q.iter().position(|p| p.job == job)?;
            q.remove(at)?
        };
        let nics = result.get("inventory")?.get("vmNics")?.as_array()?;
        nics.iter()
            .filter(|n| n.get("l3NetworkUuid").and_then(Value::as_str) == Some(p.l3.as_str()))
            .filter_map(|n| n.get("uuid").and_then(Value::as_str))
            .find(|u| !p.before.iter().any(|b| b == u))
            .map(NicId::new)
    }
}

fn tagged(op: Op) -> impl Fn(Error) -> Error {
    move |e| e.with_vendor(VENDOR).with_op(op)
}

fn not_found(op: Op, msg: String) -> Error {
    Error::not_found(msg).with_vendor(VENDOR).with_op(op)
}

/// A snapshot group as a VM snapshot. A group is written when all its volume snapshots are
/// taken, and has no status of its own: a listed group is ready.
pub(super) fn snapshot(g: &VolumeSnapshotGroupInventory, vm: &VmId) -> Snapshot {
    let id = g.uuid.clone().unwrap_or_default();
    let name = g.name.clone().unwrap_or_default();
    let mut s = Snapshot::new(id, vm.clone(), name, SnapshotState::Ready);
    s.description = g.description.clone().filter(|d| !d.is_empty());
    s.created_at = g.create_date.as_deref().and_then(gson_to_rfc3339);
    let refs = g.volume_snapshot_refs.as_deref().unwrap_or_default();
    s.includes_memory = Some(
        refs.iter()
            .any(|r| r.volume_type.as_deref() == Some("Memory")),
    );
    if let Some(n) = g.snapshot_count {
        s.extra.insert("snapshot_count".into(), Value::from(n));
    }
    if let Some(d) = &g.create_date {
        s.extra
            .insert("create_date".into(), Value::String(d.clone()));
    }
    s
}

/// A VM NIC. Its addresses are those the L3 network's IPAM gave it (ZStack reports them
/// whether the guest runs or not).
pub(super) fn nic(n: &VmNic, vm: &VmId) -> Nic {
    let name = n
        .internal_name
        .clone()
        .or_else(|| n.device_id.map(|d| format!("nic{d}")))
        .unwrap_or_default();
    let mut out = Nic::new(crate::convert::text(&n.uuid), vm.clone(), name);
    out.mac = n.mac.as_ref().map(|m| m.to_ascii_lowercase());
    out.network_id = n.l3_network_uuid.as_deref().map(Into::into);
    out.ips = n.ip.iter().filter(|i| !i.is_empty()).cloned().collect();
    out.model = n.driver_type.clone();
    for (k, key) in [("netmask", &n.netmask), ("gateway", &n.gateway)] {
        if let Some(v) = key {
            out.extra.insert(k.into(), Value::String(v.clone()));
        }
    }
    out
}

/// Event log `type` -> [`EventSeverity`].
pub const EVENT_TYPES: &[(&str, EventSeverity)] = &[
    ("Info", EventSeverity::Info),
    ("Warning", EventSeverity::Warning),
    ("Error", EventSeverity::Error),
];

/// Event log `resourceType` (the VO class) -> the neutral reference.
fn resource_ref(kind: &str, uuid: &str) -> Option<ResourceRef> {
    Some(match kind {
        "VmInstanceVO" => ResourceRef::Vm(uuid.into()),
        "HostVO" => ResourceRef::Host(uuid.into()),
        "ClusterVO" => ResourceRef::Cluster(uuid.into()),
        "VolumeVO" => ResourceRef::Disk(uuid.into()),
        "VmNicVO" => ResourceRef::Nic(uuid.into()),
        "VolumeSnapshotGroupVO" => ResourceRef::Snapshot(uuid.into()),
        _ => return None,
    })
}

/// An event log entry. `time` is epoch milliseconds.
pub(super) fn event(e: &EventLogInventory) -> Event {
    let secs = e.time.unwrap_or(0).div_euclid(1000);
    let severity = e
        .r#type
        .as_deref()
        .and_then(|t| EVENT_TYPES.iter().find(|(w, _)| *w == t))
        .map_or(EventSeverity::Unknown, |(_, s)| *s);
    let id = e.id.map(|i| i.to_string()).unwrap_or_default();
    let mut out = Event::new(
        id,
        time::format_utc(secs),
        severity,
        e.content.clone().unwrap_or_default(),
    );
    if let (Some(kind), Some(uuid)) = (&e.resource_type, &e.resource_uuid)
        && let Some(r) = resource_ref(kind, uuid)
    {
        out.refs.push(r);
    }
    out.code = e.category.clone();
    for (k, v) in [
        ("resource_type", &e.resource_type),
        ("tracking_id", &e.tracking_id),
        ("type", &e.r#type),
    ] {
        if let Some(v) = v {
            out.extra.insert(k.into(), Value::String(v.clone()));
        }
    }
    out
}

/// A console answer (`ConsoleInventory`): the console proxy's address and its one-time token.
pub(super) fn console(result: &Value) -> Result<Console> {
    let inv = result.get("inventory").ok_or_else(|| {
        Error::protocol("RequestConsoleAccess answered without an inventory")
            .with_vendor(VENDOR)
            .with_op(Op::VmConsole)
    })?;
    let text = |k: &str| inv.get(k).and_then(Value::as_str).map(str::to_owned);
    let scheme = text("scheme").unwrap_or_default();
    let protocol = match scheme.to_ascii_lowercase().as_str() {
        "spice" => ConsoleProtocol::Spice,
        "vnc" => ConsoleProtocol::Vnc,
        _ => ConsoleProtocol::Unknown,
    };
    let mut c = Console::new(protocol);
    c.host = text("hostname");
    c.port = inv
        .get("port")
        .and_then(Value::as_u64)
        .and_then(|p| u16::try_from(p).ok());
    c.ticket = text("token").filter(|t| !t.is_empty()).map(Secret::new);
    c.expires_at = text("expiredDate").as_deref().and_then(gson_to_rfc3339);
    for k in ["scheme", "targetScheme", "version"] {
        if let Some(v) = text(k) {
            c.extra.insert(k.into(), Value::String(v));
        }
    }
    Ok(c)
}

/// The VM a job made, from a `CloneVmInstance` result (`result.inventories[].inventory`), or
/// the error of its one clone.
pub(super) fn clone_outcome(result: &Value) -> Option<std::result::Result<String, Value>> {
    let first = result
        .get("result")?
        .get("inventories")?
        .as_array()?
        .first()?;
    match first.get("inventory").and_then(|i| i.get("uuid")) {
        Some(Value::String(u)) => Some(Ok(u.clone())),
        _ => Some(Err(first.get("error").cloned().unwrap_or(Value::Null))),
    }
}

impl ZStackBackend {
    pub(super) async fn d2_get_vms(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(VM_BATCH) {
            let uuids: Vec<&str> = chunk.iter().map(VmId::as_str).collect();
            let vms = self
                .client
                .get_vms_as::<ListedVm>(&uuids, Op::VmGetBatch)
                .await?;
            out.extend(vms.into_iter().map(|v| convert::vm(v.0)));
        }
        self.fill_tags(&mut out, Op::VmGetBatch).await?;
        Ok(out)
    }

    pub(super) async fn d2_update_vm(&self, id: &VmId, u: &VmUpdate) -> Result<Submitted> {
        u.validate().map_err(tagged(Op::VmUpdate))?;
        // Without CPU/memory hot-plug a running VM takes new sizes at its next power cycle; the
        // API does not say whether hot-plug is on, so a running VM whose size changes is
        // reported as needing a restart.
        let restart = if u.touches_hardware() {
            let vm = self.client.get_vm(id.as_str()).await?;
            vm.state.as_deref() == Some("Running")
                && (u.vcpus.is_some_and(|c| Some(i64::from(c)) != vm.cpu_num)
                    || u.memory_bytes
                        .is_some_and(|m| i64::try_from(m).ok() != vm.memory_size))
        } else {
            false
        };
        let change = UpdateVm {
            name: u.name.clone(),
            description: u.description.clone(),
            cpu_num: u.vcpus,
            memory_size: u.memory_bytes,
        };
        let reply = self.client.update_vm(id.as_str(), &change).await?;
        Ok(
            submitted(Op::VmUpdate, reply, Some(ResourceRef::Vm(id.clone())), None)?
                .restart_required(restart),
        )
    }

    pub(super) async fn d2_clone_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        spec.validate().map_err(tagged(Op::VmClone))?;
        let c = CloneVm {
            name: spec.name.clone(),
            cluster: spec.cluster.as_ref().map(|c| c.as_str().to_owned()),
            primary_storage: spec.storage.as_ref().map(|s| s.as_str().to_owned()),
        };
        let reply = self.client.clone_vm(id.as_str(), &c).await?;
        // The copy is the target: the job's result names it.
        submitted(Op::VmClone, reply, None, None)
    }

    async fn groups_of(&self, vm: &VmId, op: Op) -> Result<Vec<VolumeSnapshotGroupInventory>> {
        let q = Query::new()
            .filter(Condition::eq("vmInstanceUuid", vm.as_str()))
            .limit(crate::backend::MAX_PAGE);
        let page = self
            .client
            .query_snapshot_groups(&q)
            .await
            .map_err(|e| e.with_op(op))?;
        Ok(page.items)
    }

    pub(super) async fn d2_list_snapshots(&self, vm: &VmId) -> Result<Vec<Snapshot>> {
        let groups = self.groups_of(vm, Op::SnapshotList).await?;
        Ok(groups.iter().map(|g| snapshot(g, vm)).collect())
    }

    pub(super) async fn d2_create_snapshot(
        &self,
        vm: &VmId,
        spec: &SnapshotSpec,
    ) -> Result<Submitted> {
        spec.validate().map_err(tagged(Op::SnapshotCreate))?;
        let inv = self
            .client
            .get_vm(vm.as_str())
            .await
            .map_err(|e| e.with_op(Op::SnapshotCreate))?;
        let root = inv.root_volume_uuid.as_deref().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidState,
                format!("VM {vm} has no root volume to snapshot"),
            )
            .with_vendor(VENDOR)
            .with_op(Op::SnapshotCreate)
        })?;
        let reply = self
            .client
            .create_snapshot_group(
                root,
                &spec.name,
                spec.description.as_deref(),
                spec.include_memory,
            )
            .await?;
        // The job's result (the group) names the snapshot.
        submitted(
            Op::SnapshotCreate,
            reply,
            Some(ResourceRef::Vm(vm.clone())),
            None,
        )
    }

    /// Checks that group `snap` belongs to `vm`: the API acts on a group by its uuid alone.
    async fn own_group(&self, vm: &VmId, snap: &SnapshotId, op: Op) -> Result<()> {
        let q = Query::new()
            .filter(Condition::eq("uuid", snap.as_str()))
            .limit(1);
        let page = self
            .client
            .query_snapshot_groups(&q)
            .await
            .map_err(|e| e.with_op(op))?;
        match page.items.first() {
            Some(g) if g.vm_instance_uuid.as_deref() == Some(vm.as_str()) => Ok(()),
            _ => Err(not_found(
                op,
                format!("snapshot {snap} of VM {vm} not found"),
            )),
        }
    }

    pub(super) async fn d2_snapshot_action(
        &self,
        vm: &VmId,
        snap: &SnapshotId,
        revert: bool,
    ) -> Result<Submitted> {
        let op = if revert {
            Op::SnapshotRevert
        } else {
            Op::SnapshotDelete
        };
        crate::native::check_uuid("snapshot group", snap.as_str(), op)?;
        self.own_group(vm, snap, op).await?;
        let reply = if revert {
            self.client.revert_snapshot_group(snap.as_str()).await?
        } else {
            self.client.delete_snapshot_group(snap.as_str()).await?
        };
        let expect = (!revert).then(|| Expect::SnapshotGone(snap.clone()));
        submitted(op, reply, Some(ResourceRef::Vm(vm.clone())), expect)
    }

    async fn vm_for(&self, vm: &VmId, op: Op) -> Result<VmInstance> {
        self.client
            .get_vm(vm.as_str())
            .await
            .map_err(|e| e.with_op(op))
    }

    pub(super) async fn d2_list_nics(&self, vm: &VmId) -> Result<Vec<Nic>> {
        let inv = self.vm_for(vm, Op::NicList).await?;
        Ok(inv.vm_nics.iter().flatten().map(|n| nic(n, vm)).collect())
    }

    pub(super) async fn d2_add_nic(&self, vm: &VmId, spec: &NicSpec) -> Result<Submitted> {
        spec.validate().map_err(tagged(Op::NicAdd))?;
        // ZStack names NICs itself (`internalName`): a requested name is not kept.
        let inv = self.vm_for(vm, Op::NicAdd).await?;
        let before = inv
            .vm_nics
            .iter()
            .flatten()
            .filter_map(|n| n.uuid.clone())
            .collect();
        let a = AttachNic {
            driver_type: spec.model.clone(),
            custom_mac: spec
                .mac
                .as_ref()
                .map(|m| m.to_ascii_lowercase().replace('-', ":")),
        };
        let reply = self
            .client
            .attach_l3_network(vm.as_str(), spec.network.as_str(), &a)
            .await?;
        if let Some(job) = reply.job() {
            self.pending_nics.push(PendingNic {
                job: job.uuid.clone(),
                l3: spec.network.as_str().to_owned(),
                before,
            });
        }
        submitted(Op::NicAdd, reply, Some(ResourceRef::Vm(vm.clone())), None)
    }

    pub(super) async fn d2_remove_nic(&self, vm: &VmId, id: &NicId) -> Result<Submitted> {
        crate::native::check_uuid("NIC", id.as_str(), Op::NicRemove)?;
        // The API detaches a NIC by its uuid alone: check that it is this VM's.
        let inv = self.vm_for(vm, Op::NicRemove).await?;
        if !inv
            .vm_nics
            .iter()
            .flatten()
            .any(|n| n.uuid.as_deref() == Some(id.as_str()))
        {
            return Err(not_found(
                Op::NicRemove,
                format!("NIC {id} of VM {vm} not found"),
            ));
        }
        let reply = self.client.detach_l3_network(id.as_str()).await?;
        submitted(
            Op::NicRemove,
            reply,
            Some(ResourceRef::Vm(vm.clone())),
            None,
        )
    }

    pub(super) async fn d2_console(&self, vm: &VmId) -> Result<Console> {
        let reply = self.client.request_console(vm.as_str()).await?;
        let result = self
            .client
            .wait(&reply, ZStackClient::default_wait())
            .await
            .map_err(|e| e.with_op(Op::VmConsole))?;
        console(&result)
    }

    pub(super) async fn d2_list_events(
        &self,
        query: &EventQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        let start = super::offset_of(cursor)?;
        let size = query
            .page_size
            .unwrap_or(EVENT_PAGE)
            .clamp(1, super::MAX_PAGE);
        let mut q = Query::new()
            .limit(size)
            .start(start)
            .reply_with_count(true)
            .sort("time", Direction::Desc);
        if let Some(since) = &query.since {
            let secs = time::parse_rfc3339(since).ok_or_else(|| {
                Error::invalid_input(format!("`{since}` is not an RFC 3339 time"))
                    .with_vendor(VENDOR)
                    .with_op(Op::EventList)
            })?;
            q = q.filter(Condition::new(
                "time",
                QOp::Ge,
                secs.saturating_mul(1000).to_string(),
            ));
        }
        if let Some(vm) = &query.vm {
            q = q
                .filter(Condition::eq("resourceUuid", vm.as_str()))
                .filter(Condition::eq("resourceType", "VmInstanceVO"));
        }
        let page = self.client.query_event_logs(&q).await?;
        let got = page.items.len();
        let items: Vec<Event> = page.items.iter().map(event).collect();
        let next = super::next_cursor(start, got, size, page.total);
        let mut out = Page::new(items, next);
        if let Some(t) = page.total {
            out = out.with_total(t);
        }
        Ok(out)
    }

    pub(super) async fn d2_host_maintenance(&self, id: &HostId, enter: bool) -> Result<Submitted> {
        let (op, state) = if enter {
            (Op::HostMaintenanceEnter, HostState::Maintenance)
        } else {
            (Op::HostMaintenanceExit, HostState::Up)
        };
        let reply = self.client.change_host_state(id.as_str(), enter).await?;
        submitted(
            op,
            reply,
            Some(ResourceRef::Host(id.clone())),
            Some(Expect::HostState(vec![state])),
        )
    }
}
