//! The CloudTower skin: the World as SmartX CloudTower's `/v2/api`.
//!
//! Every operation is `POST /v2/api/<op>` with a JSON body and a raw token in `Authorization`
//! (`GET /v2/api/get-version` needs none). What it serves:
//!
//! - `login` (`{username, password, source}` -> `{task_id: null, data: {token}}`), and the
//!   GraphQL `authnStrategies` discovery on `POST /api`;
//! - `get-<x>` and `get-<x>-connection` for vms, hosts, clusters, datacenters, disks (physical),
//!   alerts, tasks, vm-snapshots, iscsi-lun-snapshots, vm-disks, vm-nics, vm-volumes and
//!   content-library-vm-templates, with `where` evaluated against the rendered objects: every
//!   operator suffix, `AND`/`OR`/`NOT`, to-one relations and `_some`/`_every`/`_none` (related
//!   objects are expanded to their full form before matching), `orderBy`, `first`/`skip`/`after`/
//!   `last`/`before`;
//! - mutations returning `[{task_id, data}]`, one item per matching object: create-vm,
//!   create-vm-from-content-library-template, start/shutdown/poweroff/restart/force-restart/
//!   suspend/resume-vm, migrate-vm, delete-vm, create-vm-volume, delete-vm-volume, add-vm-disk
//!   (existing volumes and new ones), remove-vm-disk; and, synchronously (`task_id: null`),
//!   update-vm-basic-info, move-vm-to-recycle, recover-vm-from-recycle, create-vm-snapshot,
//!   delete-vm-snapshot (snapshots live in the cluster's `extra`), add/update/remove-vm-nic,
//!   add/remove-vm-cd-rom and update-vm-disk for CD-ROM images (kept in the VM's `extra`),
//!   rollback-vm (CPU and memory from the snapshot);
//! - error bodies `{message, status, path, code?, props?}`; a locked object is HTTP 400
//!   `code: ResourceLocked` with `props.locked_resources`.
//!
//! Physical disks, alerts and the single datacenter are derived from the World (deterministic),
//! since the World has no such objects. Other operations answer HTTP 400 "not simulated".
//!
//! Tasks advance as the World's listings observe them: a `get-vms` narrowed by `id`/`id_in`/
//! `name` observes only those VMs; any other VM query (and host, cluster or alert listings,
//! which count VMs) observes every busy VM once per request. `get-tasks` by `id`/`id_in`
//! observes just those tasks.

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use http::{Method, StatusCode};
use omnivirt_core::{DiskState, HostState, Op, PowerAction, ResourceRef, TaskState, VmState};
use omnivirt_http::{Request, Response};
use serde_json::{Map, Value, json};

use crate::error::SimError;
use crate::ids::uuid_from;
use crate::model::{SimCluster, SimDisk, SimHost, SimTask, SimTemplate, SimVm, rfc3339};
use crate::query::{Filter, NameMatch, Paging};
use crate::skin::{self, Skin};
use crate::world::{NewDisk, NewVm, World};

/// Where the API lives.
pub const MOUNT: &str = "/v2/api";
/// The GraphQL root (LDAP discovery, API keys).
pub const GRAPHQL: &str = "/api";
/// The version `get-version` reports.
pub const API_VERSION: &str = "4.6.0";

const SNAPSHOTS_KEY: &str = "cloudtower_vm_snapshots";
const NICS_KEY: &str = "cloudtower_nics";
const CD_ROMS_KEY: &str = "cloudtower_cd_roms";

/// The NICs of a VM as the skin keeps them (one VIRTIO NIC on the default VLAN until edited).
fn nics_of(vm: &SimVm) -> Vec<Value> {
    match vm.extra.get(NICS_KEY).and_then(Value::as_array) {
        Some(list) => list.clone(),
        None => {
            let id = vm.id.as_str();
            vec![json!({
                "connect_vlan_id": "sim-vlan-default",
                "model": "VIRTIO",
                "enabled": true,
                "mirror": false,
                "mac_address": format!("52:54:00:{:02x}:{:02x}:{:02x}", octet(id, 1), octet(id, 2), octet(id, 3)),
            })]
        }
    }
}

/// The CD-ROM drives of a VM (`{n, boot, elf_image_id, content_library_image_id}`).
fn cd_roms_of(vm: &SimVm) -> Vec<Value> {
    vm.extra
        .get(CD_ROMS_KEY)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn cd_rom_id(vm: &str, n: u64) -> String {
    format!("vc.{vm}.{n}")
}

/// The CloudTower skin.
#[derive(Debug, Default, Clone, Copy)]
#[non_exhaustive]
pub struct CloudTowerSkin;

impl CloudTowerSkin {
    /// The skin.
    pub fn new() -> Self {
        CloudTowerSkin
    }
}

/// An error answer: becomes an `ErrorBody`.
struct Fail {
    status: u16,
    message: String,
    code: Option<&'static str>,
    props: Option<Value>,
}

fn fail(status: u16, message: impl Into<String>) -> Fail {
    Fail {
        status,
        message: message.into(),
        code: None,
        props: None,
    }
}

fn bad(message: impl Into<String>) -> Fail {
    fail(400, message)
}

fn sim_fail(e: &SimError, locked: Option<(&str, &str)>) -> Fail {
    if e.is_locked() {
        let (id, ty) = locked.unwrap_or(("", "VM"));
        return Fail {
            status: 400,
            message: format!("Resource [{ty}-{id}] locked"),
            code: Some("ResourceLocked"),
            props: Some(json!({"locked_resources": [{"id": id, "type": ty}]})),
        };
    }
    let status = match e.kind() {
        omnivirt_core::ErrorKind::NotFound => 404,
        omnivirt_core::ErrorKind::Unauthenticated => 401,
        _ => 400,
    };
    fail(status, e.message())
}

fn error_body(path: &str, f: Fail) -> Response {
    let mut body = json!({"message": f.message, "status": f.status, "path": path});
    if let Some(c) = f.code {
        body["code"] = json!(c);
    }
    if let Some(p) = f.props {
        body["props"] = p;
    }
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST);
    with_request_id(skin::json_response(status, &body))
}

fn with_request_id(mut resp: Response) -> Response {
    resp.headers.insert(
        "x-tower-request-id",
        http::HeaderValue::from_static("sim-request"),
    );
    resp
}

impl Skin for CloudTowerSkin {
    fn vendor(&self) -> &'static str {
        "cloudtower"
    }

    fn mount(&self) -> &'static str {
        MOUNT
    }

    fn mounts(&self) -> Vec<&'static str> {
        vec![MOUNT, GRAPHQL]
    }

    fn credentials_hint(&self) -> String {
        "user admin, password admin, source LOCAL (POST /v2/api/login)".into()
    }

    fn error_response(&self, status: StatusCode, message: &str) -> Response {
        error_body("", fail(status.as_u16(), message))
    }

    fn handle(&self, world: &World, req: Request) -> Response {
        let path = req.path().to_owned();
        if !skin::path_under(&path, MOUNT) {
            return graphql(world, &req);
        }
        let op = skin::rest_of_path(&req, MOUNT).to_owned();
        let api_path = format!("/{op}");
        if req.method == Method::GET && op == "get-version" {
            return with_request_id(skin::json_response(StatusCode::OK, &json!(API_VERSION)));
        }
        if req.method != Method::POST {
            return error_body(
                &api_path,
                fail(404, format!("Cannot {} {path}", req.method)),
            );
        }
        let body: Value = if req.body.is_empty() {
            json!({})
        } else {
            match skin::json_body(&req) {
                Ok(v) => v,
                Err(e) => return error_body(&api_path, bad(e)),
            }
        };
        if op == "login" {
            return match login(world, &body) {
                Ok(v) => with_request_id(skin::json_response(StatusCode::OK, &v)),
                Err(f) => error_body(&api_path, f),
            };
        }
        let authorized = skin::auth_token(&req).is_some_and(|t| world.session_valid(t));
        if !authorized {
            return error_body(&api_path, fail(401, "Unauthorized"));
        }
        let ctx = Ctx::new(world);
        match dispatch(&ctx, &op, &body) {
            Ok(v) => with_request_id(skin::json_response(StatusCode::OK, &v)),
            Err(f) => error_body(&api_path, f),
        }
    }
}

fn graphql(world: &World, req: &Request) -> Response {
    let body: Value = skin::json_body(req).unwrap_or(Value::Null);
    let query = body.get("query").and_then(Value::as_str).unwrap_or("");
    if query.contains("authnStrategies") {
        let _ = world;
        return skin::json_response(
            StatusCode::OK,
            &json!({"data": {"authnStrategies": [
                {"id": "sim-local", "type": "LOCAL"},
                {"id": "sim-ldap", "type": "LDAP"}
            ]}}),
        );
    }
    skin::json_response(
        StatusCode::OK,
        &json!({"errors": [{"message": "the simulator answers only authnStrategies on /api"}]}),
    )
}

fn login(world: &World, body: &Value) -> Result<Value, Fail> {
    let user = body.get("username").and_then(Value::as_str).unwrap_or("");
    let password = body.get("password").and_then(Value::as_str).unwrap_or("");
    if user.is_empty() || password.is_empty() {
        return Err(bad("username and password are required"));
    }
    match body
        .get("source")
        .and_then(Value::as_str)
        .unwrap_or("LOCAL")
    {
        "LOCAL" | "LDAP" | "SSO" => {}
        "AUTHN" => {
            let id = body.get("auth_config_id").and_then(Value::as_str);
            if !matches!(id, Some("sim-local" | "sim-ldap")) {
                return Err(bad(
                    "source AUTHN needs the auth_config_id of an authn strategy",
                ));
            }
        }
        other => return Err(bad(format!("unknown UserSource `{other}`"))),
    }
    match world.login(user, password) {
        Ok(token) => Ok(json!({"task_id": null, "data": {"token": token.expose()}})),
        Err(_) => Err(fail(400, "Login failed: wrong username or password")),
    }
}

// ------------------------------------------------------------------ kinds and rendering

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Vm,
    Host,
    Cluster,
    Datacenter,
    Disk,
    Alert,
    Task,
    VmSnapshot,
    IscsiLunSnapshot,
    VmDisk,
    VmNic,
    VmVolume,
    Template,
}

impl Kind {
    fn from_plural(s: &str) -> Option<Kind> {
        Some(match s {
            "vms" => Kind::Vm,
            "hosts" => Kind::Host,
            "clusters" => Kind::Cluster,
            "datacenters" => Kind::Datacenter,
            "disks" => Kind::Disk,
            "alerts" => Kind::Alert,
            "tasks" => Kind::Task,
            "vm-snapshots" => Kind::VmSnapshot,
            "iscsi-lun-snapshots" => Kind::IscsiLunSnapshot,
            "vm-disks" => Kind::VmDisk,
            "vm-nics" => Kind::VmNic,
            "vm-volumes" => Kind::VmVolume,
            "content-library-vm-templates" => Kind::Template,
            _ => return None,
        })
    }

    /// The kind a relation key of a where input points to.
    fn of_relation(key: &str) -> Option<Kind> {
        Some(match key {
            "cluster" | "clusters" => Kind::Cluster,
            "host" | "hosts" => Kind::Host,
            "vm" | "vms" => Kind::Vm,
            "vm_disks" => Kind::VmDisk,
            "vm_nics" => Kind::VmNic,
            "vm_volume" => Kind::VmVolume,
            "snapshots" => Kind::VmSnapshot,
            "disk" | "disks" => Kind::Disk,
            "datacenters" => Kind::Datacenter,
            _ => return None,
        })
    }
}

/// One request's view of the World: inventory read once, VMs listed at most once.
struct Ctx<'a> {
    world: &'a World,
    clusters: Vec<SimCluster>,
    hosts: Vec<SimHost>,
    vms: OnceCell<Vec<SimVm>>,
    disks: OnceCell<Vec<SimDisk>>,
}

impl<'a> Ctx<'a> {
    fn new(world: &'a World) -> Self {
        Ctx {
            world,
            clusters: world.list_clusters(&Filter::new(), &Paging::all()).items,
            hosts: world.list_hosts(&Filter::new(), &Paging::all()).items,
            vms: OnceCell::new(),
            disks: OnceCell::new(),
        }
    }

    /// Every VM (observes busy ones once per request, as the World's listing does).
    fn all_vms(&self) -> &[SimVm] {
        self.vms
            .get_or_init(|| self.world.list_vms(&Filter::new(), &Paging::all()).items)
    }

    fn all_disks(&self) -> &[SimDisk] {
        self.disks
            .get_or_init(|| self.world.list_disks(&Filter::new(), &Paging::all()).items)
    }

    fn cluster(&self, id: &str) -> Option<&SimCluster> {
        self.clusters.iter().find(|c| c.id.as_str() == id)
    }

    fn host(&self, id: &str) -> Option<&SimHost> {
        self.hosts.iter().find(|h| h.id.as_str() == id)
    }

    fn cluster_stub(&self, id: &str) -> Value {
        let name = self.cluster(id).map_or("", |c| c.name.as_str());
        json!({"id": id, "name": name})
    }

    fn host_stub(&self, id: &str) -> Value {
        match self.host(id) {
            Some(h) => json!({"id": id, "name": h.name, "management_ip": h.address}),
            None => json!({"id": id, "name": "", "management_ip": ""}),
        }
    }

    fn snapshots(&self) -> Vec<Value> {
        self.clusters
            .iter()
            .filter_map(|c| c.extra.get(SNAPSHOTS_KEY).and_then(Value::as_array))
            .flatten()
            .cloned()
            .collect()
    }

    /// The full object a stub of `kind` stands for.
    fn expand(&self, kind: Kind, stub: &Value) -> Option<Value> {
        let id = stub.get("id").and_then(Value::as_str)?;
        match kind {
            Kind::Cluster => self.cluster(id).map(|c| self.render_cluster(c)),
            Kind::Host => self.host(id).map(|h| self.render_host(h)),
            Kind::Vm => self.world.peek_vm(id).ok().map(|v| self.render_vm(&v)),
            Kind::VmVolume => self
                .world
                .peek_disk(id)
                .ok()
                .map(|d| self.render_volume(&d)),
            Kind::VmDisk if id.starts_with("vc.") => {
                let (vm, _) = id.strip_prefix("vc.")?.rsplit_once('.')?;
                let vm = self.world.peek_vm(vm).ok()?;
                self.render_cd_roms(&vm)
                    .into_iter()
                    .find(|c| c["id"].as_str() == Some(id))
            }
            Kind::VmDisk => {
                let (vm, disk) = split_slot(id)?;
                let vm = self.world.peek_vm(vm).ok()?;
                let idx = vm.disk_ids.iter().position(|d| d.as_str() == disk)?;
                let d = self.world.peek_disk(disk).ok()?;
                Some(self.render_vm_disk(&vm, &d, idx))
            }
            Kind::VmNic => {
                let (vm_id, _) = id.strip_prefix("vn.")?.rsplit_once('.')?;
                let vm = self.world.peek_vm(vm_id).ok()?;
                self.render_nics(&vm)
                    .into_iter()
                    .find(|n| n["id"].as_str() == Some(id))
            }
            Kind::VmSnapshot => self
                .snapshots()
                .into_iter()
                .find(|s| s.get("id").and_then(Value::as_str) == Some(id)),
            Kind::Disk => self
                .physical_disks()
                .into_iter()
                .find(|d| d.get("id").and_then(Value::as_str) == Some(id)),
            Kind::Datacenter => Some(self.render_datacenter()),
            _ => Some(stub.clone()),
        }
    }

    // --------------------------------------------------------------- renderers

    fn render_vm(&self, v: &SimVm) -> Value {
        let (status, busy) = vm_words(v.state, v.task_id.is_some());
        let recycled = v
            .extra
            .get("in_recycle_bin")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let host = v.host_id.as_ref().map(|h| self.host_stub(h.as_str()));
        let node_ip = v
            .host_id
            .as_ref()
            .and_then(|h| self.host(h.as_str()))
            .map_or("", |h| h.address.as_str());
        let size: u64 = v
            .disk_ids
            .iter()
            .filter_map(|d| self.world.peek_disk(d.as_str()).ok())
            .map(|d| d.size_bytes)
            .fold(0, u64::saturating_add);
        let mut slots: Vec<Value> = v
            .disk_ids
            .iter()
            .map(|d| json!({"id": slot_id(v.id.as_str(), d.as_str())}))
            .collect();
        slots.extend(
            self.render_cd_roms(v)
                .into_iter()
                .map(|c| json!({"id": c["id"]})),
        );
        let nic_stubs: Vec<Value> = (0..nics_of(v).len())
            .map(|i| json!({"id": format!("vn.{}.{i}", v.id.as_str())}))
            .collect();
        let snaps: Vec<Value> = self
            .snapshots()
            .into_iter()
            .filter(|s| s["vm"]["id"].as_str() == Some(v.id.as_str()))
            .map(|s| json!({"id": s["id"], "name": s["name"]}))
            .collect();
        let running = matches!(status, "RUNNING");
        let ha = v.extra.get("ha").and_then(Value::as_bool).unwrap_or(true);
        merge([
            json!({
                "id": v.id.as_str(),
                "name": v.name,
                "local_id": uuid_from(v.id.as_str()),
                "status": status,
                "entityAsyncStatus": busy,
                "description": v.description,
                "cpu": {"cores": v.vcpus, "sockets": 1},
                "vcpu": v.vcpus,
                "memory": v.memory_bytes,
                "cpu_model": "cluster_default",
                "clock_offset": "UTC",
                "firmware": v.extra.get("firmware").cloned().unwrap_or(json!("BIOS")),
                "ha": ha,
                "in_recycle_bin": recycled,
                "internal": false,
                "ips": if running { format!("192.168.{}.{}", octet(v.id.as_str(), 1), octet(v.id.as_str(), 2)) } else { String::new() },
                "nested_virtualization": false,
                "node_ip": node_ip,
                "out_uninstall_usb": [],
                "protected": false,
                "vm_tools_status": if running { "RUNNING" } else { "NOT_RUNNING" },
                "vm_tools_version": "3.1.0",
                "win_opt": false,
            }),
            json!({
                "cluster": self.cluster_stub(v.cluster_id.as_str()),
                "host": host,
                "folder": null,
                "vm_disks": slots,
                "vm_nics": nic_stubs,
                "labels": [],
                "snapshots": snaps,
                "gpu_devices": [],
                "usb_devices": [],
                "pci_nics": [],
                "vm_placement_group": [],
                "backup_plans": [],
                "entity_filter_results": [],
                "snapshot_plan": null,
                "isolation_policy": null,
            }),
            json!({
                "cpu_usage": if running { 12.5 } else { 0.0 },
                "memory_usage": if running { 35.0 } else { 0.0 },
                "size": size,
                "provisioned_size": size,
                "unique_size": size / 4,
                "logical_size_bytes": size,
                "used_size": size / 4,
                "guest_used_size": if running { size / 8 } else { 0 },
                "unique_logical_size": 0.25,
                "used_size_usage": 25.0,
                "guest_size_usage": if running { 12.5 } else { 0.0 },
                "guest_os_type": "LINUX",
                "os": "Linux",
                "hostname": v.name,
                "dns_servers": "",
                "kernel_info": "",
                "deleted_at": v.extra.get("deleted_at").cloned().unwrap_or(Value::Null),
                "original_name": null,
                "last_shutdown_time": null,
                "local_created_at": rfc3339(v.created_at),
                "max_iops": null,
                "max_iops_policy": null,
                "max_bandwidth": null,
                "max_bandwidth_policy": null,
                "io_policy": null,
                "video_type": "VGA",
                "vm_usage": null,
                "bios_uuid": uuid_from(&format!("bios-{}", v.id.as_str())),
                "cloud_init_supported": v.template_id.is_some(),
                "guest_cpu_model": null,
            }),
        ])
    }

    fn vms_on_host(&self, host: &str) -> Vec<&SimVm> {
        self.all_vms()
            .iter()
            .filter(|v| v.host_id.as_ref().is_some_and(|h| h.as_str() == host))
            .collect()
    }

    fn render_host(&self, h: &SimHost) -> Value {
        let vms = self.vms_on_host(h.id.as_str());
        let running: Vec<&&SimVm> = vms
            .iter()
            .filter(|v| !matches!(v.state, VmState::Suspended))
            .collect();
        let vm_mem: u64 = vms
            .iter()
            .map(|v| v.memory_bytes)
            .fold(0, u64::saturating_add);
        let os_mem: u64 = 8 << 30;
        let cores = h.cpu_threads;
        let hz_per_core: u64 = 2_400_000_000;
        let (status, state_word) = host_words(h.state);
        let maintenance = matches!(h.state, HostState::Maintenance);
        let data: u64 = 4 * (4 << 40);
        let used_data: u64 = data / 5;
        merge([
            json!({
                "id": h.id.as_str(),
                "name": h.name,
                "local_id": uuid_from(h.id.as_str()),
                "status": status,
                "state": state_word,
                "host_state": if maintenance { json!({"enter_maintenance_time": rfc3339(h.created_at), "maintenance_job_id": "sim", "state": "MAINTENANCE_MODE"}) } else { Value::Null },
                "entityAsyncStatus": null,
                "cluster": self.cluster_stub(h.cluster_id.as_str()),
                "management_ip": h.address,
                "data_ip": h.address.replacen("10.", "172.", 1),
                "access_ip": h.address,
            }),
            json!({
                "allocatable_memory_bytes": h.memory_bytes.saturating_sub(vm_mem.saturating_add(os_mem)),
                "chunk_id": format!("{}", octet(h.id.as_str(), 1)),
                "compatible_cpu_models": ["cluster_default"],
                "cpu_brand": "Intel(R) Xeon(R) Silver 4214",
                "cpu_fan_speed": [],
                "cpu_hz_per_core": hz_per_core,
                "cpu_model": "Intel Xeon Processor (Cascadelake)",
                "cpu_temperature_celsius": [],
                "failure_data_space": 0,
                "hdd_data_capacity": data,
                "hdd_disk_count": 2,
                "lsm_cap_disk_safe_umount": true,
                "model": "SMTX-SIM",
                "nested_virtualization": false,
                "nic_count": 4,
                "os_memory_bytes": os_mem,
                "pmem_dimm_capacity": 0,
                "pmem_dimm_count": 0,
                "pmem_disk_count": 0,
            }),
            json!({
                "provisioned_cpu_cores": vms.iter().map(|v| v.vcpus).fold(0u32, u32::saturating_add),
                "provisioned_memory_bytes": vm_mem,
                "running_pause_vm_memory_bytes": vm_mem,
                "ssd_data_capacity": 2u64 << 40,
                "ssd_disk_count": 2,
                "total_cpu_cores": cores,
                "total_cpu_sockets": 2,
                "total_cpu_hz": u64::from(cores) * hz_per_core,
                "used_cpu_hz": (running.len() as f64) * 0.2 * hz_per_core as f64,
                "total_data_capacity": data,
                "used_data_space": used_data,
                "total_memory_bytes": h.memory_bytes,
                "used_memory_bytes": vm_mem.saturating_add(os_mem) as f64,
                "vm_num": vms.len(),
                "running_vm_num": vms.iter().filter(|v| matches!(v.state, VmState::Running)).count(),
                "stopped_vm_num": 0,
                "suspended_vm_num": vms.iter().filter(|v| matches!(v.state, VmState::Suspended)).count(),
                "vms": vms.iter().map(|v| json!({"id": v.id.as_str(), "name": v.name})).collect::<Vec<_>>(),
                "disks": (0..4).map(|i| json!({"id": format!("pd.{}.{i}", h.id.as_str())})).collect::<Vec<_>>(),
                "labels": [],
            }),
        ])
    }

    fn render_cluster(&self, c: &SimCluster) -> Value {
        let hosts: Vec<&SimHost> = self.hosts.iter().filter(|h| h.cluster_id == c.id).collect();
        let vms: Vec<&SimVm> = self
            .all_vms()
            .iter()
            .filter(|v| v.cluster_id == c.id)
            .collect();
        let hz_per_core: u64 = 2_400_000_000;
        let cores: u32 = hosts
            .iter()
            .map(|h| h.cpu_threads)
            .fold(0, u32::saturating_add);
        let mem: u64 = hosts
            .iter()
            .map(|h| h.memory_bytes)
            .fold(0, u64::saturating_add);
        let running = vms
            .iter()
            .filter(|v| matches!(v.state, VmState::Running))
            .count();
        let used_mem: u64 = vms
            .iter()
            .filter(|v| v.host_id.is_some())
            .map(|v| v.memory_bytes)
            .fold(0u64, u64::saturating_add)
            .saturating_add(hosts.len() as u64 * (8 << 30));
        let data: u64 = hosts.len() as u64 * 4 * (4 << 40);
        let connect = match c.state {
            omnivirt_core::ClusterState::Ok => "CONNECTED",
            omnivirt_core::ClusterState::Degraded => "INITIALIZING",
            _ => "DISCONNECTED",
        };
        merge([
            json!({
                "id": c.id.as_str(),
                "name": c.name,
                "local_id": uuid_from(c.id.as_str()),
                "type": "SMTX_OS",
                "hypervisor": "ELF",
                "architecture": "X86_64",
                "connect_state": connect,
                "entityAsyncStatus": null,
                "version": "5.1.2",
                "ip": format!("10.0.{}.1", octet(c.id.as_str(), 1)),
                "management_vip": null,
                "dns": ["10.0.0.53"],
                "ntp_servers": ["10.0.0.123"],
                "recommended_cpu_models": ["cluster_default"],
                "total_cpu_models": ["cluster_default"],
            }),
            json!({
                "total_cpu_cores": cores,
                "total_cpu_hz": u64::from(cores) * hz_per_core,
                "used_cpu_hz": running as f64 * 0.2 * hz_per_core as f64,
                "total_memory_bytes": mem,
                "used_memory_bytes": used_mem as f64,
                "provisioned_cpu_cores": vms.iter().map(|v| v.vcpus).fold(0u32, u32::saturating_add),
                "provisioned_memory_bytes": vms.iter().map(|v| v.memory_bytes).fold(0u64, u64::saturating_add),
                "provisioned_ratio": 0.5,
                "total_data_capacity": data,
                "used_data_space": data / 5,
                "failure_data_space": 0,
                "valid_data_space": data,
                "total_cache_capacity": hosts.len() as u64 * (2u64 << 40),
                "host_num": hosts.len(),
                "vm_num": vms.len(),
                "running_vm_num": running,
                "stopped_vm_num": vms.iter().filter(|v| matches!(v.state, VmState::Stopped)).count(),
                "suspended_vm_num": vms.iter().filter(|v| matches!(v.state, VmState::Suspended)).count(),
                "hosts": hosts.iter().map(|h| json!({"id": h.id.as_str(), "name": h.name, "management_ip": h.address})).collect::<Vec<_>>(),
                "vms": vms.iter().map(|v| json!({"id": v.id.as_str(), "name": v.name})).collect::<Vec<_>>(),
                "datacenters": [{"id": "sim-datacenter", "name": "datacenter-01"}],
                "labels": [],
                "stretch": false,
            }),
        ])
    }

    fn render_datacenter(&self) -> Value {
        let clusters: Vec<Value> = self
            .clusters
            .iter()
            .map(|c| json!({"id": c.id.as_str(), "name": c.name}))
            .collect();
        json!({
            "id": "sim-datacenter",
            "name": "datacenter-01",
            "organization": {"id": "sim-organization", "name": "organization"},
            "clusters": clusters,
            "cluster_num": self.clusters.len(),
            "host_num": self.hosts.len(),
            "vm_num": self.all_vms().len(),
            "labels": [],
        })
    }

    fn render_volume(&self, d: &SimDisk) -> Value {
        let busy = match d.state {
            DiskState::Creating => json!("CREATING"),
            DiskState::Locked => json!("UPDATING"),
            _ => Value::Null,
        };
        let cluster = d
            .cluster_id
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .or_else(|| {
                d.vm_id
                    .as_ref()
                    .and_then(|v| self.world.peek_vm(v.as_str()).ok())
                    .map(|v| v.cluster_id.as_str().to_owned())
            })
            .or_else(|| self.clusters.first().map(|c| c.id.as_str().to_owned()))
            .unwrap_or_default();
        let slots: Vec<Value> = d
            .vm_id
            .iter()
            .map(|v| json!({"id": slot_id(v.as_str(), d.id.as_str())}))
            .collect();
        let policy = d
            .storage
            .as_deref()
            .filter(|s| s.contains("PROVISION") || *s == "EC")
            .unwrap_or("REPLICA_2_THIN_PROVISION");
        json!({
            "id": d.id.as_str(),
            "name": d.name,
            "local_id": uuid_from(d.id.as_str()),
            "size": d.size_bytes,
            "elf_storage_policy": policy,
            "mounting": d.vm_id.is_some(),
            "sharing": false,
            "path": format!("iscsi://iqn.2016-02.com.smartx:system:zbs-iscsi-datastore/{}", uuid_from(d.id.as_str())),
            "description": null,
            "cluster": self.cluster_stub(&cluster),
            "vm_disks": slots,
            "labels": [],
            "lun": null,
            "entityAsyncStatus": busy,
            "local_created_at": rfc3339(d.created_at),
            "unique_size": d.size_bytes / 4,
            "used_size": d.size_bytes / 4,
            "used_size_usage": 25.0,
        })
    }

    fn render_vm_disk(&self, vm: &SimVm, d: &SimDisk, index: usize) -> Value {
        json!({
            "id": slot_id(vm.id.as_str(), d.id.as_str()),
            "boot": index,
            "bus": "VIRTIO",
            "type": "DISK",
            "device": format!("vd{}", char::from(b'a' + (index % 26) as u8)),
            "disabled": false,
            "key": index,
            "vm": {"id": vm.id.as_str(), "name": vm.name},
            "vm_volume": {"id": d.id.as_str(), "name": d.name},
            "elf_image": null,
        })
    }

    fn render_nics(&self, vm: &SimVm) -> Vec<Value> {
        let id = vm.id.as_str();
        nics_of(vm)
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let vlan = n["connect_vlan_id"].as_str().unwrap_or("sim-vlan-default");
                json!({
                    "id": format!("vn.{id}.{i}"),
                    "local_id": uuid_from(&format!("nic-{id}-{i}")),
                    "mac_address": n["mac_address"].as_str().map_or_else(
                        || format!("52:54:00:{:02x}:{:02x}:{:02x}", octet(id, 1), octet(id, 2), (i % 250) as u8),
                        str::to_owned,
                    ),
                    "ip_address": n.get("ip_address").cloned().unwrap_or(Value::Null),
                    "gateway": n.get("gateway").cloned().unwrap_or(Value::Null),
                    "subnet_mask": n.get("subnet_mask").cloned().unwrap_or(Value::Null),
                    "model": n.get("model").cloned().unwrap_or(json!("VIRTIO")),
                    "enabled": n.get("enabled").cloned().unwrap_or(json!(true)),
                    "mirror": n.get("mirror").cloned().unwrap_or(json!(false)),
                    "order": i,
                    "vlan": {"id": vlan, "name": if vlan == "sim-vlan-default" { "default" } else { vlan }},
                    "vm": {"id": id, "name": vm.name},
                })
            })
            .collect()
    }

    fn render_cd_roms(&self, vm: &SimVm) -> Vec<Value> {
        let id = vm.id.as_str();
        cd_roms_of(vm)
            .iter()
            .map(|c| {
                let n = c["n"].as_u64().unwrap_or(0);
                let image = c["elf_image_id"]
                    .as_str()
                    .or_else(|| c["content_library_image_id"].as_str())
                    .map_or(Value::Null, |img| json!({"id": img, "name": img}));
                json!({
                    "id": cd_rom_id(id, n),
                    "boot": c["boot"],
                    "bus": "IDE",
                    "type": "CD_ROM",
                    "device": format!("hd{}", char::from(b'a' + (n % 26) as u8)),
                    "disabled": false,
                    "key": n,
                    "vm": {"id": id, "name": vm.name},
                    "vm_volume": null,
                    "elf_image": image,
                })
            })
            .collect()
    }

    fn render_task(&self, t: &SimTask) -> Value {
        let (resource_type, resource_id) = match &t.target {
            ResourceRef::Vm(id) => ("Vm", id.as_str()),
            ResourceRef::Disk(id) => ("VmVolume", id.as_str()),
            ResourceRef::Host(id) => ("Host", id.as_str()),
            ResourceRef::Cluster(id) => ("Cluster", id.as_str()),
            _ => ("", ""),
        };
        let cluster = match &t.target {
            ResourceRef::Vm(id) => self
                .world
                .peek_vm(id.as_str())
                .ok()
                .map(|v| self.cluster_stub(v.cluster_id.as_str())),
            _ => None,
        };
        json!({
            "id": t.id.as_str(),
            "status": task_word(t.state),
            "progress": f64::from(t.progress) / 100.0,
            "description": t.description,
            "error_code": t.error.as_ref().and_then(|e| e.code.clone()),
            "error_message": t.error.as_ref().map(|e| e.message.clone()),
            "args": {},
            "steps": [],
            "resource_id": resource_id,
            "resource_type": resource_type,
            "resource_mutation": mutation_name(t.op),
            "resource_rollbacked": null,
            "resource_rollback_error": null,
            "resource_rollback_retry_count": null,
            "started_at": t.started_at.map(rfc3339),
            "finished_at": t.finished_at.map(rfc3339),
            "local_created_at": rfc3339(t.created_at),
            "internal": false,
            "snapshot": "{}",
            "cluster": cluster,
            "user": {"id": "sim-user-admin", "name": "admin"},
            "key": null,
            "type": null,
        })
    }

    fn render_template(&self, t: &SimTemplate) -> Value {
        let clusters: Vec<Value> = self
            .clusters
            .iter()
            .map(|c| json!({"id": c.id.as_str(), "name": c.name}))
            .collect();
        json!({
            "id": t.id,
            "name": t.name,
            "description": t.description,
            "vcpu": t.vcpus,
            "cpu": {"cores": t.vcpus, "sockets": 1},
            "memory": t.memory_bytes,
            "size": 40u64 << 30,
            "cloud_init_supported": true,
            "architecture": "X86_64",
            "clusters": clusters,
            "createdAt": rfc3339(t.created_at),
            "vm_template_uuids": [uuid_from(&t.id)],
            "entityAsyncStatus": null,
            "labels": [],
        })
    }

    /// Four physical disks per host: two SSD cache disks and two HDD data disks. The second
    /// HDD of every third host is unhealthy and the first HDD of every fifth host unmounted, so
    /// a dashboard has something to count.
    fn physical_disks(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for (n, h) in self.hosts.iter().enumerate() {
            for i in 0..4u32 {
                let ssd = i < 2;
                let unhealthy = !ssd && i == 3 && n % 3 == 2;
                let unmounted = !ssd && i == 2 && n % 5 == 4;
                out.push(json!({
                    "id": format!("pd.{}.{i}", h.id.as_str()),
                    "local_id": uuid_from(&format!("pd-{}-{i}", h.id.as_str())),
                    "name": format!("sd{}", char::from(b'a' + i as u8)),
                    "path": format!("/dev/sd{}", char::from(b'a' + i as u8)),
                    "model": if ssd { "INTEL SSDSC2KG960G8" } else { "ST4000NM0035" },
                    "serial": format!("SIM{:04}{i}", n),
                    "firmware": "1.0",
                    "size": if ssd { 960_197_124_096u64 } else { 4_000_787_030_016u64 },
                    "type": if ssd { "SSD" } else { "HDD" },
                    "usage": if ssd { "CACHE" } else { "DATA" },
                    "function": if ssd { "CACHE" } else { "DATA" },
                    "health_status": if unhealthy { "UNHEALTHY" } else { "HEALTHY" },
                    "usage_status": if unmounted { "UNMOUNTED" } else { "MOUNTED" },
                    "healthy": !unhealthy,
                    "mounted": !unmounted,
                    "offline": false,
                    "remaining_life_percent": 97,
                    "partitions": [],
                    "host": {"id": h.id.as_str(), "name": h.name, "management_ip": h.address},
                    "labels": [],
                    "entityAsyncStatus": null,
                }));
            }
        }
        out
    }

    /// Alerts derived from the World: a critical one per host that is not up, a notice per
    /// cluster with stopped VMs, and an info per cluster (always open) about its license.
    fn alerts(&self) -> Vec<Value> {
        let mut out = Vec::new();
        let alert = |id: String, sev: &str, msg: String, cluster: Value, host: Value| {
            json!({
                "id": id.clone(),
                "local_id": uuid_from(&id),
                "message": msg,
                "solution": "Check the object in the simulator.",
                "cause": "Simulated condition.",
                "impact": "None; this is a simulator.",
                "severity": sev,
                "ended": false,
                "threshold": 0.0,
                "value": 1.0,
                "labels": {},
                "local_start_time": rfc3339(crate::world::EPOCH),
                "local_end_time": rfc3339(crate::world::EPOCH),
                "local_update_time": rfc3339(crate::world::EPOCH),
                "local_create_time": rfc3339(crate::world::EPOCH),
                "create_time": rfc3339(crate::world::EPOCH),
                "cluster": cluster,
                "host": host,
                "disk": null,
                "vms": [],
                "alert_rule": null,
            })
        };
        for c in &self.clusters {
            let stub = self.cluster_stub(c.id.as_str());
            out.push(alert(
                format!("al.lic.{}", c.id.as_str()),
                "INFO",
                format!("The license of cluster {} expires in 300 days.", c.name),
                stub.clone(),
                Value::Null,
            ));
            let stopped = self
                .all_vms()
                .iter()
                .filter(|v| v.cluster_id == c.id && matches!(v.state, VmState::Stopped))
                .count();
            if stopped > 0 {
                out.push(alert(
                    format!("al.stopped.{}", c.id.as_str()),
                    "NOTICE",
                    format!("{stopped} VMs of cluster {} are powered off.", c.name),
                    stub,
                    Value::Null,
                ));
            }
        }
        for h in &self.hosts {
            if !matches!(h.state, HostState::Up) {
                out.push(alert(
                    format!("al.host.{}", h.id.as_str()),
                    "CRITICAL",
                    format!("Host {} is {}.", h.name, h.state),
                    self.cluster_stub(h.cluster_id.as_str()),
                    self.host_stub(h.id.as_str()),
                ));
            }
        }
        out
    }

    fn lun_snapshots(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for s in self.snapshots() {
            for d in s["vm_disks"].as_array().into_iter().flatten() {
                let Some(name) = d["snapshot_local_id"].as_str() else {
                    continue;
                };
                out.push(json!({
                    "id": format!("ls.{name}"),
                    "name": name,
                    "local_id": uuid_from(&format!("lun-{name}")),
                    "local_created_at": s["local_created_at"],
                    "unique_size": d["size"].as_u64().unwrap_or(0) / 10,
                    "iscsi_lun": {"id": format!("lun.{}", d["vm_volume_local_id"].as_str().unwrap_or("")), "name": d["disk_name"]},
                    "iscsi_target": {"id": "sim-iscsi-target", "name": "zbs-iscsi-datastore"},
                    "consistency_group_snapshot": null,
                    "labels": [],
                    "entityAsyncStatus": null,
                }));
            }
        }
        out
    }

    // --------------------------------------------------------------- candidates

    /// Every object of `kind`, rendered; narrowed first by the simple keys of `where` so that
    /// only the objects a query can return are observed.
    fn candidates(&self, kind: Kind, w: &Map<String, Value>) -> Vec<Value> {
        match kind {
            Kind::Vm => {
                let mut f = Filter::new();
                if let Some(ids) = simple_ids(w) {
                    f = f.ids(ids);
                }
                if let Some(n) = w.get("name").and_then(Value::as_str) {
                    f = f.name(NameMatch::Equals(n.to_owned()));
                }
                let vms = if f == Filter::new() {
                    self.all_vms().to_vec()
                } else {
                    self.world.list_vms(&f, &Paging::all()).items
                };
                vms.iter().map(|v| self.render_vm(v)).collect()
            }
            Kind::Host => self.hosts.iter().map(|h| self.render_host(h)).collect(),
            Kind::Cluster => self
                .clusters
                .iter()
                .map(|c| self.render_cluster(c))
                .collect(),
            Kind::Datacenter => vec![self.render_datacenter()],
            Kind::Disk => self.physical_disks(),
            Kind::Alert => self.alerts(),
            Kind::Task => {
                let tasks = match simple_ids(w) {
                    Some(ids) => {
                        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                        self.world.get_tasks(&refs)
                    }
                    None => self.world.list_tasks(&Filter::new(), &Paging::all()).items,
                };
                tasks.iter().map(|t| self.render_task(t)).collect()
            }
            Kind::VmSnapshot => self.snapshots(),
            Kind::IscsiLunSnapshot => self.lun_snapshots(),
            Kind::VmDisk => {
                let mut out = Vec::new();
                for vm in self.vms_for_children(w) {
                    for (i, d) in vm.disk_ids.iter().enumerate() {
                        if let Ok(disk) = self.world.peek_disk(d.as_str()) {
                            out.push(self.render_vm_disk(&vm, &disk, i));
                        }
                    }
                    out.extend(self.render_cd_roms(&vm));
                }
                out
            }
            Kind::VmNic => self
                .vms_for_children(w)
                .iter()
                .flat_map(|v| self.render_nics(v))
                .collect(),
            Kind::VmVolume => {
                let disks = match simple_ids(w) {
                    Some(ids) => {
                        self.world
                            .list_disks(&Filter::new().ids(ids), &Paging::all())
                            .items
                    }
                    None => self.all_disks().to_vec(),
                };
                disks.iter().map(|d| self.render_volume(d)).collect()
            }
            Kind::Template => self
                .world
                .list_templates(&Filter::new(), &Paging::all())
                .items
                .iter()
                .map(|t| self.render_template(t))
                .collect(),
        }
    }

    /// The VMs whose disk slots or NICs a query may return (`where.vm.id` narrows it).
    fn vms_for_children(&self, w: &Map<String, Value>) -> Vec<SimVm> {
        if let Some(id) = w
            .get("vm")
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
        {
            return self.world.peek_vm(id).into_iter().collect();
        }
        self.all_vms().to_vec()
    }
}

/// Joins JSON objects (split so each `json!` stays under the macro recursion limit).
fn merge<const N: usize>(parts: [Value; N]) -> Value {
    let mut out = Map::new();
    for p in parts {
        if let Value::Object(m) = p {
            out.extend(m);
        }
    }
    Value::Object(out)
}

fn simple_ids(w: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(id) = w.get("id").and_then(Value::as_str) {
        return Some(vec![id.to_owned()]);
    }
    w.get("id_in").and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

fn slot_id(vm: &str, disk: &str) -> String {
    format!("vd.{vm}.{disk}")
}

fn split_slot(id: &str) -> Option<(&str, &str)> {
    id.strip_prefix("vd.")?.split_once('.')
}

/// A stable small number from an id, for addresses and MACs.
fn octet(id: &str, salt: u8) -> u8 {
    let mut h: u32 = 2166136261 ^ u32::from(salt);
    for b in id.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(16777619);
    }
    (h % 250) as u8 + 1
}

/// Neutral VM state -> (`status`, `entityAsyncStatus`).
fn vm_words(s: VmState, locked: bool) -> (&'static str, Value) {
    let (status, busy) = match s {
        VmState::Creating => ("STOPPED", Some("CREATING")),
        VmState::Stopped => ("STOPPED", None),
        VmState::Starting => ("STOPPED", Some("UPDATING")),
        VmState::Running => ("RUNNING", None),
        VmState::Stopping | VmState::Rebooting | VmState::Suspending | VmState::Migrating => {
            ("RUNNING", Some("UPDATING"))
        }
        VmState::Suspended => ("SUSPENDED", None),
        VmState::Resuming => ("SUSPENDED", Some("UPDATING")),
        VmState::Deleting => ("STOPPED", Some("DELETING")),
        VmState::Deleted => ("DELETED", None),
        _ => ("UNKNOWN", None),
    };
    let busy = match busy {
        Some(b) => json!(b),
        None if locked => json!("UPDATING"),
        None => Value::Null,
    };
    (status, busy)
}

fn host_words(s: HostState) -> (&'static str, &'static str) {
    match s {
        HostState::Up | HostState::Maintenance => ("CONNECTED_HEALTHY", "IN_USE"),
        HostState::Connecting => ("CONNECTING", "IN_USE"),
        HostState::Error => ("CONNECTED_ERROR", "IN_USE"),
        HostState::Down => ("SESSION_EXPIRED", "IN_USE"),
        _ => ("INITIALIZING", "IDLE"),
    }
}

fn task_word(s: TaskState) -> &'static str {
    match s {
        TaskState::Pending => "PENDING",
        TaskState::Running => "EXECUTING",
        TaskState::Succeeded => "SUCCESSED",
        TaskState::Failed | TaskState::Cancelled => "FAILED",
        _ => "PENDING",
    }
}

fn mutation_name(op: Op) -> &'static str {
    match op {
        Op::VmCreate => "createVm",
        Op::VmStart => "startVm",
        Op::VmStop => "shutDownVm",
        Op::VmForceStop => "poweroffVm",
        Op::VmReboot => "restartVm",
        Op::VmSuspend => "suspendVm",
        Op::VmResume => "resumeVm",
        Op::VmDelete => "deleteVm",
        Op::VmMigrate => "migrateVm",
        Op::DiskCreate => "createVmVolume",
        Op::DiskAttach => "addVmDisk",
        Op::DiskDetach => "removeVmDisk",
        Op::DiskDelete => "deleteVmVolume",
        _ => "updateVm",
    }
}

// ------------------------------------------------------------------ where evaluation

const SUFFIXES: &[&str] = &[
    "not_starts_with",
    "not_ends_with",
    "not_contains",
    "starts_with",
    "ends_with",
    "contains",
    "not_in",
    "in",
    "not",
    "lte",
    "gte",
    "lt",
    "gt",
    "some",
    "every",
    "none",
];

fn cmp_values(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => cmp_values(a, b) == Some(Ordering::Equal),
        _ => a == b,
    }
}

impl Ctx<'_> {
    /// True if `obj` matches the where input `w`. Unknown fields are a 400, as on a real tower.
    fn matches(&self, w: &Map<String, Value>, obj: &Value) -> Result<bool, Fail> {
        for (key, want) in w {
            if !self.matches_key(key, want, obj)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn sub_wheres<'v>(key: &str, want: &'v Value) -> Result<Vec<&'v Map<String, Value>>, Fail> {
        match want {
            Value::Array(a) => a
                .iter()
                .map(|x| {
                    x.as_object()
                        .ok_or_else(|| bad(format!("`{key}` takes an array of where inputs")))
                })
                .collect(),
            Value::Object(m) => Ok(vec![m]),
            Value::Null => Ok(vec![]),
            _ => Err(bad(format!("`{key}` takes an array of where inputs"))),
        }
    }

    fn matches_key(&self, key: &str, want: &Value, obj: &Value) -> Result<bool, Fail> {
        match key {
            "AND" => {
                for w in Self::sub_wheres(key, want)? {
                    if !self.matches(w, obj)? {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            "OR" => {
                let subs = Self::sub_wheres(key, want)?;
                for w in &subs {
                    if self.matches(w, obj)? {
                        return Ok(true);
                    }
                }
                return Ok(subs.is_empty());
            }
            "NOT" => {
                for w in Self::sub_wheres(key, want)? {
                    if self.matches(w, obj)? {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            _ => {}
        }
        let Some(fields) = obj.as_object() else {
            return Ok(false);
        };
        if let Some(have) = fields.get(key) {
            return self.compare_eq_or_relation(key, have, want);
        }
        for suffix in SUFFIXES {
            let Some(field) = key.strip_suffix(suffix).and_then(|f| f.strip_suffix('_')) else {
                continue;
            };
            let Some(have) = fields.get(field) else {
                continue;
            };
            return self.compare(field, suffix, have, want);
        }
        Err(bad(format!(
            "Field \"{key}\" is not defined by this where input"
        )))
    }

    fn compare_eq_or_relation(&self, key: &str, have: &Value, want: &Value) -> Result<bool, Fail> {
        if let (Some(w), Some(kind)) = (want.as_object(), Kind::of_relation(key)) {
            // A to-one relation: match against the related object in full.
            if have.is_null() {
                return Ok(false);
            }
            let full = self.expand(kind, have).unwrap_or_else(|| have.clone());
            return self.matches(w, &full);
        }
        if let Some(w) = want.as_object() {
            if have.is_null() {
                return Ok(false);
            }
            return self.matches(w, have);
        }
        Ok(same(have, want))
    }

    fn compare(&self, field: &str, op: &str, have: &Value, want: &Value) -> Result<bool, Fail> {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let list = || -> Result<&Vec<Value>, Fail> {
            want.as_array()
                .ok_or_else(|| bad(format!("`{field}_{op}` takes an array")))
        };
        Ok(match op {
            "not" => !same(have, want),
            "in" => list()?.iter().any(|x| same(have, x)),
            "not_in" => !list()?.iter().any(|x| same(have, x)),
            "lt" | "lte" | "gt" | "gte" => {
                if want.is_string() && have.is_number() || want.is_number() && have.is_string() {
                    return Err(bad(format!(
                        "Variable \"where.{field}_{op}\": expected a value of the field's type, got {want}"
                    )));
                }
                match cmp_values(have, want) {
                    None => false,
                    Some(o) => match op {
                        "lt" => o == Ordering::Less,
                        "lte" => o != Ordering::Greater,
                        "gt" => o == Ordering::Greater,
                        _ => o != Ordering::Less,
                    },
                }
            }
            "contains" | "not_contains" | "starts_with" | "not_starts_with" | "ends_with"
            | "not_ends_with" => {
                let (Some(h), Some(w)) = (text(have), text(want)) else {
                    return Ok(false);
                };
                let hit = match op.trim_start_matches("not_") {
                    "contains" => h.contains(&w),
                    "starts_with" => h.starts_with(&w),
                    _ => h.ends_with(&w),
                };
                if op.starts_with("not_") { !hit } else { hit }
            }
            "some" | "every" | "none" => {
                let Some(w) = want.as_object() else {
                    return Err(bad(format!("`{field}_{op}` takes a where input")));
                };
                let items = have.as_array().cloned().unwrap_or_default();
                let kind = Kind::of_relation(field);
                let mut hits = 0usize;
                for item in &items {
                    let full = kind
                        .and_then(|k| self.expand(k, item))
                        .unwrap_or_else(|| item.clone());
                    if self.matches(w, &full)? {
                        hits += 1;
                    }
                }
                match op {
                    "some" => hits > 0,
                    "every" => hits == items.len(),
                    _ => hits == 0,
                }
            }
            _ => false,
        })
    }
}

// ------------------------------------------------------------------ queries

fn where_of(body: &Value) -> Result<Map<String, Value>, Fail> {
    match body.get("where") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(other) => Err(bad(format!("`where` must be an object, got {other}"))),
    }
}

fn int_arg(body: &Value, key: &str) -> Result<Option<usize>, Fail> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(|n| Some(n as usize))
            .ok_or_else(|| bad(format!("`{key}` must be a non-negative integer, got {v}"))),
    }
}

impl Ctx<'_> {
    fn select(&self, kind: Kind, body: &Value) -> Result<Vec<Value>, Fail> {
        let w = where_of(body)?;
        let mut items = Vec::new();
        for obj in self.candidates(kind, &w) {
            if self.matches(&w, &obj)? {
                items.push(obj);
            }
        }
        if let Some(order) = body.get("orderBy").and_then(Value::as_str) {
            let (field, desc) = if let Some(f) = order.strip_suffix("_DESC") {
                (f, true)
            } else if let Some(f) = order.strip_suffix("_ASC") {
                (f, false)
            } else {
                return Err(bad(format!("orderBy `{order}` must end in _ASC or _DESC")));
            };
            if let Some(first) = items.first()
                && first.get(field).is_none()
            {
                return Err(bad(format!("cannot order by `{field}`")));
            }
            items.sort_by(|a, b| {
                let o = cmp_values(&a[field], &b[field]).unwrap_or(Ordering::Equal);
                if desc { o.reverse() } else { o }
            });
        }
        if let Some(after) = body.get("after").and_then(Value::as_str) {
            items = match items.iter().position(|v| v["id"].as_str() == Some(after)) {
                Some(i) => items.split_off(i + 1),
                None => Vec::new(),
            };
        }
        if let Some(before) = body.get("before").and_then(Value::as_str) {
            if let Some(i) = items.iter().position(|v| v["id"].as_str() == Some(before)) {
                items.truncate(i);
            } else {
                items.clear();
            }
        }
        let skip = int_arg(body, "skip")?.unwrap_or(0);
        if let Some(last) = int_arg(body, "last")? {
            let end = items.len().saturating_sub(skip);
            let start = end.saturating_sub(last);
            return Ok(items[start..end].to_vec());
        }
        let mut items: Vec<Value> = items.into_iter().skip(skip).collect();
        if let Some(first) = int_arg(body, "first")? {
            items.truncate(first);
        }
        Ok(items)
    }
}

// ------------------------------------------------------------------ dispatch

fn dispatch(ctx: &Ctx<'_>, op: &str, body: &Value) -> Result<Value, Fail> {
    if let Some(rest) = op.strip_prefix("get-") {
        if let Some(plural) = rest.strip_suffix("-connection")
            && let Some(kind) = Kind::from_plural(plural)
        {
            let n = ctx.select(kind, body)?.len();
            return Ok(json!({"aggregate": {"count": n}}));
        }
        if let Some(kind) = Kind::from_plural(rest) {
            return Ok(Value::Array(ctx.select(kind, body)?));
        }
    }
    match op {
        "create-vm" => create_vms(ctx, body, false),
        "create-vm-from-content-library-template" => create_vms(ctx, body, true),
        "start-vm" => {
            let host = data_str(body, "host_id");
            each_vm(ctx, body, |id| ctx.world.start_vm_on(id, host.as_deref()))
        }
        "shutdown-vm" => each_vm(ctx, body, |id| ctx.world.power_vm(id, PowerAction::Stop)),
        "poweroff-vm" => each_vm(ctx, body, |id| {
            ctx.world.power_vm(id, PowerAction::ForceStop)
        }),
        "restart-vm" | "force-restart-vm" => {
            each_vm(ctx, body, |id| ctx.world.power_vm(id, PowerAction::Reboot))
        }
        "suspend-vm" => each_vm(ctx, body, |id| ctx.world.power_vm(id, PowerAction::Suspend)),
        "resume-vm" => each_vm(ctx, body, |id| ctx.world.power_vm(id, PowerAction::Resume)),
        "migrate-vm" => {
            let host = data_str(body, "host_id");
            each_vm(ctx, body, |id| ctx.world.migrate_vm(id, host.as_deref()))
        }
        "delete-vm" => delete_vms(ctx, body),
        "move-vm-to-recycle" => recycle(ctx, body, true),
        "recover-vm-from-recycle" => recycle(ctx, body, false),
        "update-vm-basic-info" => update_basic(ctx, body),
        "create-vm-volume" => create_volumes(ctx, body),
        "delete-vm-volume" => {
            let vols = ctx.select(Kind::VmVolume, &json!({"where": body.get("where")}))?;
            let mut out = Vec::new();
            for v in vols {
                let id = v["id"].as_str().unwrap_or_default().to_owned();
                let sub = ctx
                    .world
                    .delete_disk(&id)
                    .map_err(|e| sim_fail(&e, Some((&id, "VM_VOLUME"))))?;
                out.push(json!({"task_id": sub.task.as_str(), "data": {"id": id}}));
            }
            Ok(Value::Array(out))
        }
        "add-vm-disk" => add_disks(ctx, body),
        "add-vm-nic" | "update-vm-nic" | "remove-vm-nic" | "add-vm-cd-rom" | "remove-vm-cd-rom"
        | "update-vm-disk" => edit_devices(ctx, op, body),
        "remove-vm-disk" => remove_disks(ctx, body),
        "create-vm-snapshot" => create_snapshots(ctx, body),
        "delete-vm-snapshot" => delete_snapshots(ctx, body),
        "rollback-vm" => rollback(ctx, body),
        _ => Err(bad(format!(
            "/{op} is not simulated by omnivirt-sim's CloudTower skin"
        ))),
    }
}

fn data_str(body: &Value, key: &str) -> Option<String> {
    body.get("data")
        .and_then(|d| d.get(key))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn target_vms(ctx: &Ctx<'_>, body: &Value) -> Result<Vec<String>, Fail> {
    if body.get("where").is_none() {
        return Err(bad("`where` is required"));
    }
    Ok(ctx
        .select(Kind::Vm, &json!({"where": body["where"]}))?
        .iter()
        .filter_map(|v| v["id"].as_str().map(str::to_owned))
        .collect())
}

fn each_vm(
    ctx: &Ctx<'_>,
    body: &Value,
    f: impl Fn(&str) -> crate::error::SimResult<crate::model::Submission>,
) -> Result<Value, Fail> {
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        let sub = f(&id).map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

fn unit_bytes(v: &Value, unit: Option<&Value>) -> Result<u64, Fail> {
    let n = v
        .as_u64()
        .ok_or_else(|| bad(format!("size must be a non-negative integer, got {v}")))?;
    let shift = match unit.and_then(Value::as_str).unwrap_or("B") {
        "B" => 0,
        "KB" => 10,
        "MB" => 20,
        "GB" => 30,
        "TB" => 40,
        "PB" => 50,
        other => return Err(bad(format!("unknown ByteUnit `{other}`"))),
    };
    n.checked_shl(shift)
        .filter(|b| b >> shift == n)
        .ok_or_else(|| bad("size overflows"))
}

fn new_disks(params: &Value, cluster: &str) -> Result<Vec<NewDisk>, Fail> {
    let mut out = Vec::new();
    for d in params
        .get("mount_new_create_disks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let vol = &d["vm_volume"];
        let name = vol["name"]
            .as_str()
            .ok_or_else(|| bad("vm_volume.name is required"))?;
        let size = unit_bytes(&vol["size"], vol.get("size_unit"))?;
        let mut nd = NewDisk::new(name, size).cluster(cluster);
        if let Some(p) = vol["elf_storage_policy"].as_str() {
            nd = nd.storage(p);
        }
        out.push(nd);
    }
    Ok(out)
}

fn create_vms(ctx: &Ctx<'_>, body: &Value, from_template: bool) -> Result<Value, Fail> {
    let list = body
        .as_array()
        .ok_or_else(|| bad("the body must be an array of creation params"))?;
    let mut out = Vec::new();
    for p in list {
        let name = p["name"]
            .as_str()
            .ok_or_else(|| bad("`name` is required"))?;
        let cluster = p["cluster_id"]
            .as_str()
            .ok_or_else(|| bad("`cluster_id` is required"))?;
        let mut spec = NewVm::new(name, cluster);
        if from_template {
            let t = p["template_id"]
                .as_str()
                .ok_or_else(|| bad("`template_id` is required"))?;
            spec = spec.template(t);
        }
        let vcpu = p["vcpu"].as_u64().or_else(|| {
            p["cpu_sockets"]
                .as_u64()?
                .checked_mul(p["cpu_cores"].as_u64()?)
        });
        if let Some(n) = vcpu {
            spec = spec.vcpus(u32::try_from(n).map_err(|_| bad("vcpu too large"))?);
        }
        if !p["memory"].is_null() {
            spec = spec.memory_bytes(unit_bytes(&p["memory"], p.get("memory_unit"))?);
        }
        if let Some(d) = p["description"].as_str() {
            spec = spec.description(d);
        }
        let disks_params = if from_template {
            p.get("disk_operate").and_then(|d| d.get("new_disks"))
        } else {
            p.get("vm_disks")
        };
        if let Some(dp) = disks_params {
            if dp
                .get("mount_disks")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                return Err(bad(
                    "mounting existing volumes at creation is not simulated; use add-vm-disk after the VM exists",
                ));
            }
            for d in new_disks(dp, cluster)? {
                spec = spec.disk(d);
            }
        }
        if p["status"].as_str() == Some("RUNNING") {
            spec = spec.power_on(p["host_id"].as_str().map(Into::into));
        }
        let sub = ctx.world.create_vm(spec).map_err(|e| sim_fail(&e, None))?;
        let id = sub.target_id().to_owned();
        let cds: Vec<Value> = disks_params
            .and_then(|d| d.get("mount_cd_roms"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(n, c)| {
                json!({
                    "n": n, "boot": c.get("boot").cloned().unwrap_or(json!(0)),
                    "elf_image_id": c.get("elf_image_id").cloned().unwrap_or(Value::Null),
                    "content_library_image_id": c.get("content_library_image_id").cloned().unwrap_or(Value::Null),
                })
            })
            .collect();
        let nics = p.get("vm_nics").and_then(Value::as_array).cloned();
        if !cds.is_empty() || nics.is_some() {
            let _ = ctx.world.update_vm(&id, |v| {
                if !cds.is_empty() {
                    v.extra.insert(CD_ROMS_KEY.into(), Value::Array(cds));
                }
                if let Some(n) = nics {
                    v.extra.insert(NICS_KEY.into(), Value::Array(n));
                }
            });
        }
        if let Some(fw) = p["firmware"].as_str() {
            let fw = fw.to_owned();
            let ha = p["ha"].as_bool();
            let _ = ctx.world.update_vm(&id, |v| {
                v.extra.insert("firmware".into(), json!(fw));
                if let Some(ha) = ha {
                    v.extra.insert("ha".into(), json!(ha));
                }
            });
        }
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

fn delete_vms(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        let sub = ctx
            .world
            .delete_vm(&id)
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": {"id": id}}));
    }
    Ok(Value::Array(out))
}

fn recycle(ctx: &Ctx<'_>, body: &Value, into_bin: bool) -> Result<Value, Fail> {
    let now = rfc3339(ctx.world.now());
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        ctx.world
            .update_vm(&id, |v| {
                if into_bin {
                    v.extra.insert("in_recycle_bin".into(), json!(true));
                    v.extra.insert("deleted_at".into(), json!(now.clone()));
                } else {
                    v.extra.remove("in_recycle_bin");
                    v.extra.remove("deleted_at");
                }
            })
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        out.push(json!({"task_id": null, "data": {"id": id}}));
    }
    Ok(Value::Array(out))
}

fn update_basic(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let data = body
        .get("data")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| bad("`data` is required"))?;
    let memory = match data.get("memory") {
        Some(m) => Some(unit_bytes(m, data.get("memory_unit"))?),
        None => None,
    };
    let vcpu = data.get("vcpu").and_then(Value::as_u64).or_else(|| {
        data.get("cpu_sockets")?
            .as_u64()?
            .checked_mul(data.get("cpu_cores")?.as_u64()?)
    });
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        ctx.world
            .update_vm(&id, |v| {
                if let Some(n) = data.get("name").and_then(Value::as_str) {
                    v.name = n.to_owned();
                }
                if let Some(d) = data.get("description").and_then(Value::as_str) {
                    v.description = d.to_owned();
                }
                if let Some(n) = vcpu.and_then(|n| u32::try_from(n).ok()) {
                    v.vcpus = n;
                }
                if let Some(m) = memory {
                    v.memory_bytes = m;
                }
                if let Some(ha) = data.get("ha").and_then(Value::as_bool) {
                    v.extra.insert("ha".into(), json!(ha));
                }
            })
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": null, "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

fn create_volumes(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let list = body
        .as_array()
        .ok_or_else(|| bad("the body must be an array of VmVolumeCreationParams"))?;
    let mut out = Vec::new();
    for p in list {
        let name = p["name"]
            .as_str()
            .ok_or_else(|| bad("`name` is required"))?;
        let cluster = p["cluster_id"]
            .as_str()
            .ok_or_else(|| bad("`cluster_id` is required"))?;
        let size = unit_bytes(&p["size"], p.get("size_unit"))?;
        let mut nd = NewDisk::new(name, size).cluster(cluster);
        if let Some(s) = p["elf_storage_policy"].as_str() {
            nd = nd.storage(s);
        }
        let sub = ctx.world.create_disk(nd).map_err(|e| sim_fail(&e, None))?;
        let d = ctx
            .world
            .peek_disk(sub.target_id())
            .map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_volume(&d)}));
    }
    Ok(Value::Array(out))
}

fn add_disks(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let disks = body
        .get("data")
        .and_then(|d| d.get("vm_disks"))
        .cloned()
        .ok_or_else(|| bad("`data.vm_disks` is required"))?;
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        let mut last = None;
        for m in disks
            .get("mount_disks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let vol = m["vm_volume_id"]
                .as_str()
                .ok_or_else(|| bad("`vm_volume_id` is required"))?;
            last = Some(
                ctx.world
                    .attach_disk(vol, &id)
                    .map_err(|e| sim_fail(&e, Some((vol, "VM_VOLUME"))))?,
            );
        }
        // A new volume is created, then attached once it is ready; the answer names the
        // attach task. The create is driven to its end here (per-poll clock), so the client
        // only follows one task per VM, as on a real tower.
        for nd in new_disks(&disks, vm.cluster_id.as_str())? {
            let sub = ctx.world.create_disk(nd).map_err(|e| sim_fail(&e, None))?;
            let mut ready = false;
            for _ in 0..16 {
                match ctx.world.get_task(sub.task.as_str()) {
                    Ok(t) if t.state == TaskState::Succeeded => {
                        ready = true;
                        break;
                    }
                    Ok(t) if t.is_done() => {
                        return Err(fail(
                            500,
                            format!(
                                "creating the volume failed: {}",
                                t.error.map(|e| e.message).unwrap_or_default()
                            ),
                        ));
                    }
                    Ok(_) => {}
                    Err(e) => return Err(sim_fail(&e, None)),
                }
            }
            if !ready {
                return Err(bad(
                    "the new volume is still being created; add it again once it is ready",
                ));
            }
            let att = ctx
                .world
                .attach_disk(sub.target_id(), &id)
                .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
            last = Some(att);
        }
        let Some(sub) = last else {
            return Err(bad("`vm_disks` names no disk to add"));
        };
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

fn remove_disks(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let ids: Vec<String> = body
        .get("data")
        .and_then(|d| d.get("disk_ids"))
        .and_then(Value::as_array)
        .ok_or_else(|| bad("`data.disk_ids` is required"))?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let mut out = Vec::new();
    for vm_id in target_vms(ctx, body)? {
        let mut last = None;
        for slot in &ids {
            let Some((owner, disk)) = split_slot(slot) else {
                return Err(fail(404, format!("VmDisk {slot} not found")));
            };
            if owner != vm_id {
                continue;
            }
            last = Some(
                ctx.world
                    .detach_disk(disk, &vm_id)
                    .map_err(|e| sim_fail(&e, Some((&vm_id, "VM"))))?,
            );
        }
        if let Some(sub) = last {
            let vm = ctx.world.peek_vm(&vm_id).map_err(|e| sim_fail(&e, None))?;
            out.push(json!({"task_id": sub.task.as_str(), "data": ctx.render_vm(&vm)}));
        }
    }
    Ok(Value::Array(out))
}

fn create_snapshots(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let list = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("`data` must be an array"))?;
    let mut out = Vec::new();
    for p in list {
        let vm_id = p["vm_id"]
            .as_str()
            .ok_or_else(|| bad("`vm_id` is required"))?;
        let name = p["name"]
            .as_str()
            .ok_or_else(|| bad("`name` is required"))?;
        let vm = ctx.world.peek_vm(vm_id).map_err(|e| sim_fail(&e, None))?;
        let id = ctx.world.new_cuid();
        let consistent = p["consistent_type"].as_str().unwrap_or("CRASH_CONSISTENT");
        if consistent == "FILE_SYSTEM_CONSISTENT" && vm.state != VmState::Running {
            return Err(bad(
                "a file-system consistent snapshot needs VMTools running in the guest",
            ));
        }
        let disks: Vec<Value> = vm
            .disk_ids
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let d = ctx.world.peek_disk(d.as_str()).ok()?;
                Some(json!({
                    "type": "DISK", "index": i, "bus": "VIRTIO", "boot": i,
                    "path": format!("/sim/{}", uuid_from(d.id.as_str())),
                    "size": d.size_bytes, "disk_name": d.name,
                    "vm_volume_local_id": uuid_from(d.id.as_str()),
                    "snapshot_local_id": uuid_from(&format!("{id}-{}", d.id.as_str())),
                    "elf_image_local_id": "", "svt_image_local_id": "", "storage_policy_uuid": "",
                }))
            })
            .collect();
        let snap = json!({
            "id": id,
            "name": name,
            "local_id": uuid_from(&id),
            "description": "",
            "vm": {"id": vm.id.as_str(), "name": vm.name},
            "cluster": ctx.cluster_stub(vm.cluster_id.as_str()),
            "consistent_type": consistent,
            "clock_offset": "UTC",
            "cpu": {"cores": vm.vcpus, "sockets": 1},
            "cpu_model": "cluster_default",
            "firmware": "BIOS",
            "ha": true,
            "win_opt": false,
            "vcpu": vm.vcpus,
            "memory": vm.memory_bytes,
            "size": disks.iter().filter_map(|d| d["size"].as_u64()).fold(0u64, u64::saturating_add),
            "vm_disks": disks,
            "vm_nics": [],
            "labels": [],
            "local_created_at": rfc3339(ctx.world.now()),
            "entityAsyncStatus": null,
        });
        let stored = snap.clone();
        ctx.world
            .update_cluster(vm.cluster_id.as_str(), move |c| {
                let list = c
                    .extra
                    .entry(SNAPSHOTS_KEY.to_owned())
                    .or_insert_with(|| json!([]));
                if let Some(a) = list.as_array_mut() {
                    a.push(stored);
                }
            })
            .map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": null, "data": snap}));
    }
    Ok(Value::Array(out))
}

fn delete_snapshots(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let doomed: Vec<String> = ctx
        .select(Kind::VmSnapshot, &json!({"where": body.get("where")}))?
        .iter()
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect();
    let mut by_cluster: BTreeMap<String, ()> = BTreeMap::new();
    for c in &ctx.clusters {
        by_cluster.insert(c.id.as_str().to_owned(), ());
    }
    for cid in by_cluster.keys() {
        let doomed = doomed.clone();
        ctx.world
            .update_cluster(cid, move |c| {
                if let Some(a) = c.extra.get_mut(SNAPSHOTS_KEY).and_then(Value::as_array_mut) {
                    a.retain(|s| {
                        !s["id"]
                            .as_str()
                            .is_some_and(|id| doomed.iter().any(|d| d == id))
                    });
                }
            })
            .map_err(|e| sim_fail(&e, None))?;
    }
    Ok(Value::Array(
        doomed
            .into_iter()
            .map(|id| json!({"task_id": null, "data": {"id": id}}))
            .collect(),
    ))
}

/// NIC and CD-ROM edits: kept in the VM's `extra`, done at once (`task_id: null`), refused with
/// `ResourceLocked` while a task holds the VM, as a tower does.
fn edit_devices(ctx: &Ctx<'_>, op: &str, body: &Value) -> Result<Value, Fail> {
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        if vm.task_id.is_some() {
            return Err(sim_fail(
                &SimError::locked(format!("VM {} is busy", vm.name)),
                Some((&id, "VM")),
            ));
        }
        let mut nics = nics_of(&vm);
        let mut cds = cd_roms_of(&vm);
        match op {
            "add-vm-nic" => {
                let list = data["vm_nics"]
                    .as_array()
                    .ok_or_else(|| bad("`data.vm_nics` must be an array"))?;
                nics.extend(list.iter().cloned());
            }
            "update-vm-nic" => {
                let idx = data["nic_index"]
                    .as_u64()
                    .ok_or_else(|| bad("`data.nic_index` is required"))?
                    as usize;
                let nic = nics
                    .get_mut(idx)
                    .and_then(Value::as_object_mut)
                    .ok_or_else(|| fail(404, format!("VM {} has no NIC {idx}", vm.name)))?;
                for (k, v) in data.as_object().into_iter().flatten() {
                    if k != "nic_index" {
                        nic.insert(k.clone(), v.clone());
                    }
                }
            }
            "remove-vm-nic" => {
                let idx: Vec<usize> = data["nic_index"]
                    .as_array()
                    .ok_or_else(|| bad("`data.nic_index` must be an array"))?
                    .iter()
                    .filter_map(Value::as_u64)
                    .map(|n| n as usize)
                    .collect();
                if let Some(missing) = idx.iter().find(|i| **i >= nics.len()) {
                    return Err(fail(404, format!("VM {} has no NIC {missing}", vm.name)));
                }
                nics = nics
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| !idx.contains(i))
                    .map(|(_, n)| n)
                    .collect();
            }
            "add-vm-cd-rom" => {
                let list = data["vm_cd_roms"]
                    .as_array()
                    .ok_or_else(|| bad("`data.vm_cd_roms` must be an array"))?;
                let first = cds
                    .iter()
                    .filter_map(|c| c["n"].as_u64())
                    .max()
                    .map_or(0, |n| n + 1);
                for (next, c) in (first..).zip(list) {
                    let boot = c["boot"]
                        .as_i64()
                        .ok_or_else(|| bad("`boot` is required"))?;
                    cds.push(json!({
                        "n": next, "boot": boot,
                        "elf_image_id": c.get("elf_image_id").cloned().unwrap_or(Value::Null),
                        "content_library_image_id": c.get("content_library_image_id").cloned().unwrap_or(Value::Null),
                    }));
                }
            }
            "remove-vm-cd-rom" => {
                let ids: Vec<&str> = data["cd_rom_ids"]
                    .as_array()
                    .ok_or_else(|| bad("`data.cd_rom_ids` must be an array"))?
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                cds.retain(|c| {
                    let own = cd_rom_id(&id, c["n"].as_u64().unwrap_or(0));
                    !ids.contains(&own.as_str())
                });
            }
            _ => {
                // update-vm-disk: only the image of a CD-ROM is simulated.
                let slot = data["vm_disk_id"]
                    .as_str()
                    .ok_or_else(|| bad("`data.vm_disk_id` is required"))?;
                let Some(cd) = cds
                    .iter_mut()
                    .find(|c| cd_rom_id(&id, c["n"].as_u64().unwrap_or(0)) == slot)
                else {
                    return Err(bad(format!(
                        "update-vm-disk is simulated for CD-ROM drives only; {slot} is not one of VM {}",
                        vm.name
                    )));
                };
                for key in ["elf_image_id", "content_library_image_id"] {
                    if let Some(v) = data.get(key) {
                        cd[key] = v.clone();
                    }
                }
            }
        }
        ctx.world
            .update_vm(&id, |v| {
                v.extra.insert(NICS_KEY.into(), Value::Array(nics));
                v.extra.insert(CD_ROMS_KEY.into(), Value::Array(cds));
            })
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": null, "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}

/// `rollback-vm`: the VM takes the CPU and memory its snapshot recorded (the World keeps no disk
/// contents). Synchronous; refused with `ResourceLocked` while a task holds the VM.
fn rollback(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let snap_id =
        data_str(body, "snapshot_id").ok_or_else(|| bad("`data.snapshot_id` is required"))?;
    let snap = ctx
        .snapshots()
        .into_iter()
        .find(|s| s["id"].as_str() == Some(snap_id.as_str()))
        .ok_or_else(|| fail(404, format!("VmSnapshot {snap_id} not found")))?;
    let mut out = Vec::new();
    for id in target_vms(ctx, body)? {
        if snap["vm"]["id"].as_str() != Some(id.as_str()) {
            return Err(bad(format!(
                "snapshot {snap_id} does not belong to VM {id}"
            )));
        }
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        if vm.task_id.is_some() {
            return Err(sim_fail(
                &SimError::locked(format!("VM {} is busy", vm.name)),
                Some((&id, "VM")),
            ));
        }
        let vcpu = snap["vcpu"].as_u64().and_then(|n| u32::try_from(n).ok());
        let memory = snap["memory"].as_u64();
        ctx.world
            .update_vm(&id, |v| {
                if let Some(n) = vcpu {
                    v.vcpus = n;
                }
                if let Some(m) = memory {
                    v.memory_bytes = m;
                }
            })
            .map_err(|e| sim_fail(&e, Some((&id, "VM"))))?;
        let vm = ctx.world.peek_vm(&id).map_err(|e| sim_fail(&e, None))?;
        out.push(json!({"task_id": null, "data": ctx.render_vm(&vm)}));
    }
    Ok(Value::Array(out))
}
