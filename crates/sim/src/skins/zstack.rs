//! The ZStack skin: the World as a ZStack management node's REST API v1 (`/zstack/v1`).
//!
//! What it serves, in the wire shapes of ZStack 4.x/5.x:
//!
//! - sessions: `PUT /accounts/login` with `{"logInByAccount": {"accountName", "password"}}`
//!   where the password is the SHA-512 hex of the plain one (-> `{"inventory": SessionInventory}`),
//!   `DELETE /accounts/sessions/{uuid}` (logout, `{}`), `GET /accounts/sessions/{uuid}/valid`;
//!   every other call needs `Authorization: OAuth <session>` (400 plain text when missing or of
//!   another scheme; 503 `ID.1001` when the session is unknown or expired);
//! - queries: `GET /vm-instances`, `/hosts`, `/clusters`, `/zones`, `/volumes` (and
//!   `/<res>/{uuid}`) with repeated `q=<field><op><value>` conditions (every operator, the
//!   server's operator search order, case-insensitive string comparison, dotted fields through
//!   nested lists such as `allVolumes.uuid`), `limit` (default 1000), `start`, `count`,
//!   `replyWithCount`, `sort=+f/-f`, `fields=a,b`; answers `{"inventories": [...], "total"?}`;
//! - asynchronous actions answering `202 {"location": ".../api-jobs/<uuid>", "apiTimeout"}`:
//!   `POST /vm-instances` (`params`: name, clusterUuid, cpuNum, memorySize, imageUuid,
//!   description, hostUuid, strategy), `PUT /vm-instances/{uuid}/actions` with
//!   `startVmInstance`, `stopVmInstance` (`type` grace/cold), `rebootVmInstance`,
//!   `pauseVmInstance`, `resumeVmInstance`, `migrateVm`; `DELETE /vm-instances/{uuid}`;
//!   `POST /volumes/data`, `POST /volumes/{volume}/vm-instances/{vm}`,
//!   `DELETE /volumes/{uuid}/vm-instances`, `DELETE /volumes/{uuid}`;
//! - `GET /api-jobs/{uuid}`: `202 {}` while the World's task runs, `200` + the API's result
//!   (`{"inventory": ...}` or `{}`) once it succeeded, `503 {"error": ErrorCode}` once it failed,
//!   `404` plain text for an unknown job. Like the real REST layer it needs no session.
//!
//! Simplifications, on purpose: a request the World refuses at once (wrong state, missing
//! object, bad input) is answered `503 {"error": ...}` synchronously, where a real management
//! node queues the API and reports the interceptor's refusal through the job; a destroyed VM or
//! deleted volume disappears at once (the `Direct` deletion policy), where the default `Delay`
//! policy keeps it `Destroyed`/`Deleted` until expunged. Job uuids are the World's task ids and
//! object uuids its ids, both without dashes (a World with `IdStyle::Uuid` is mapped both ways).
//! There is one zone, one primary storage per cluster and no networks, images or offerings;
//! `instanceOfferingUuid` is refused.
//!
//! Passwords: the management node compares SHA-512 digests, the World keeps plain passwords.
//! The skin hashes the passwords it knows ([`ZStackSkin::with_password`]; `admin` and
//! `password` by default) to find the plain one, then logs in to the World with it; a World user
//! configured with the digest itself as password also works.

use std::cmp::Ordering;

use http::{Method, StatusCode};
use omnivirt_core::{
    ClusterState, DiskState, ErrorKind, HostState, Op, PowerAction, ResourceRef, TaskState, VmState,
};
use omnivirt_http::{Request, Response};
use serde_json::{Map, Value, json};

use crate::error::SimError;
use crate::ids::{IdStyle, uuid_from};
use crate::model::{SimCluster, SimDisk, SimHost, SimTask, SimVm, rfc3339};
use crate::query::{Filter, Paging};
use crate::skin::{self, Skin};
use crate::world::{NewDisk, NewVm, World};

/// Where the API lives (servlet context `zstack`, API version `v1`).
pub const MOUNT: &str = "/zstack/v1";
/// Rows a query returns without `limit` (the server's `APIQueryMessage` default).
pub const DEFAULT_LIMIT: usize = 1000;
/// The `apiTimeout` a 202 reports, in milliseconds (the server's 30 min default).
pub const API_TIMEOUT_MS: u64 = 1_800_000;
/// Marks a volume made by `CreateDataVolume` (never a root volume) in the disk's `extra`.
const DATA_KEY: &str = "zstack_data_volume";

/// The ZStack skin. See the module documentation for what it serves.
#[derive(Debug, Clone)]
pub struct ZStackSkin {
    passwords: Vec<String>,
}

impl Default for ZStackSkin {
    fn default() -> Self {
        Self::new()
    }
}

impl ZStackSkin {
    /// A skin that recognises the digests of `admin` and `password`.
    pub fn new() -> Self {
        ZStackSkin {
            passwords: vec!["admin".into(), "password".into()],
        }
    }

    /// Also recognises the SHA-512 digest of `password` (for a World with other users).
    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        self.passwords.push(password.into());
        self
    }
}

// ------------------------------------------------------------------ failures

enum FailBody {
    Text(String),
    Code {
        code: &'static str,
        description: &'static str,
        details: String,
    },
}

struct Fail {
    status: u16,
    body: FailBody,
}

/// A REST-layer failure: plain text.
fn text(status: u16, msg: impl Into<String>) -> Fail {
    Fail {
        status,
        body: FailBody::Text(msg.into()),
    }
}

/// An API failure: 503 with an `ErrorCode`.
fn code(code: &'static str, description: &'static str, details: impl Into<String>) -> Fail {
    Fail {
        status: 503,
        body: FailBody::Code {
            code,
            description,
            details: details.into(),
        },
    }
}

fn invalid_arg(details: impl Into<String>) -> Fail {
    code("SYS.1007", "One or more API argument is invalid", details)
}

fn respond(f: Fail) -> Response {
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match f.body {
        FailBody::Text(t) => skin::text_response(status, t),
        FailBody::Code {
            code,
            description,
            details,
        } => skin::json_response(
            status,
            &json!({"error": {"code": code, "description": description, "details": details}}),
        ),
    }
}

/// What the API interceptor would say about a refusal of the World.
fn refused(e: &SimError, vm_op: bool) -> Fail {
    let msg = e.message().to_owned();
    match e.kind() {
        ErrorKind::NotFound => code("SYS.1003", "Resource not found", msg),
        ErrorKind::InvalidState if vm_op => code(
            "VM.1010",
            "The VM is not in a correct state for the operation",
            msg,
        ),
        ErrorKind::InvalidState => code("SYS.1006", "An operation failed", msg),
        ErrorKind::InvalidInput | ErrorKind::AlreadyExists => invalid_arg(msg),
        ErrorKind::Unauthenticated => code("ID.1000", "Authentication error", msg),
        _ => code("SYS.1000", "An internal error happened in system", msg),
    }
}

// ------------------------------------------------------------------ ids and dates

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A World id as ZStack writes it: a dashed UUID loses its dashes.
fn ext(id: &str) -> String {
    let b = id.as_bytes();
    if b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && is_hex(&id.replace('-', ""))
    {
        id.replace('-', "")
    } else {
        id.to_owned()
    }
}

/// A ZStack uuid as the World knows it.
fn int(world: &World, s: &str) -> String {
    if world.id_style() == IdStyle::Uuid && s.len() == 32 && is_hex(s) {
        format!(
            "{}-{}-{}-{}-{}",
            &s[..8],
            &s[8..12],
            &s[12..16],
            &s[16..20],
            &s[20..]
        )
    } else {
        s.to_owned()
    }
}

/// Gson's default `java.sql.Timestamp` text, e.g. `Jan 1, 2026 9:31:07 AM`.
fn gson_date(secs: u64) -> String {
    let t = rfc3339(secs); // YYYY-MM-DDTHH:MM:SSZ
    let num = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    let (y, mo, d, h, mi, s) = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    );
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS
        .get(mo.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("Jan");
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{month} {d}, {y} {h12}:{mi:02}:{s:02} {ampm}")
}

// ------------------------------------------------------------------ state words

fn vm_word(s: VmState) -> &'static str {
    match s {
        VmState::Creating => "Created",
        VmState::Stopped => "Stopped",
        VmState::Starting => "Starting",
        VmState::Running => "Running",
        VmState::Stopping => "Stopping",
        VmState::Rebooting => "Rebooting",
        VmState::Suspending => "Pausing",
        VmState::Suspended => "Paused",
        VmState::Resuming => "Resuming",
        VmState::Migrating => "Migrating",
        VmState::Deleting => "Destroying",
        VmState::Deleted => "Destroyed",
        VmState::Error => "Error",
        _ => "Unknown",
    }
}

/// Host (admin `state`, connection `status`).
fn host_words(s: HostState) -> (&'static str, &'static str) {
    match s {
        HostState::Up => ("Enabled", "Connected"),
        HostState::Maintenance => ("Maintenance", "Connected"),
        HostState::Connecting => ("Enabled", "Connecting"),
        _ => ("Enabled", "Disconnected"),
    }
}

fn volume_status(s: DiskState) -> &'static str {
    match s {
        DiskState::Creating => "Creating",
        DiskState::Deleted => "Deleted",
        // ZStack has no lock status: a volume being attached or detached stays Ready.
        _ => "Ready",
    }
}

// ------------------------------------------------------------------ rendering

fn zone_uuid() -> String {
    ext(&uuid_from("zstack-sim-zone"))
}

fn ps_uuid(cluster: &str) -> String {
    ext(&uuid_from(&format!("zstack-sim-ps-{cluster}")))
}

fn render_zone() -> Value {
    json!({
        "uuid": zone_uuid(),
        "name": "ZONE-1",
        "description": "simulated zone",
        "state": "Enabled",
        "type": "zstack",
        "isDefault": true,
        "createDate": gson_date(crate::EPOCH),
        "lastOpDate": gson_date(crate::EPOCH),
    })
}

fn render_cluster(c: &SimCluster) -> Value {
    let state = if c.state == ClusterState::Ok {
        "Enabled"
    } else {
        "Disabled"
    };
    json!({
        "uuid": ext(c.id.as_str()),
        "name": c.name,
        "description": c.description,
        "state": state,
        "hypervisorType": "KVM",
        "zoneUuid": zone_uuid(),
        "type": "zstack",
        "architecture": "x86_64",
        "createDate": gson_date(c.created_at),
        "lastOpDate": gson_date(c.created_at),
    })
}

fn render_host(h: &SimHost) -> Value {
    let (state, status) = host_words(h.state);
    json!({
        "uuid": ext(h.id.as_str()),
        "name": h.name,
        "description": "",
        "zoneUuid": zone_uuid(),
        "clusterUuid": ext(h.cluster_id.as_str()),
        "managementIp": h.address,
        "hypervisorType": "KVM",
        "state": state,
        "status": status,
        "cpuNum": h.cpu_threads,
        "cpuSockets": 2,
        "totalCpuCapacity": h.cpu_threads,
        "availableCpuCapacity": h.cpu_threads,
        "totalMemoryCapacity": h.memory_bytes,
        "availableMemoryCapacity": h.memory_bytes,
        "architecture": "x86_64",
        "username": "root",
        "sshPort": 22,
        "createDate": gson_date(h.created_at),
        "lastOpDate": gson_date(h.created_at),
    })
}

fn render_volume(d: &SimDisk, vm: Option<&SimVm>) -> Value {
    let index = vm.and_then(|v| v.disk_ids.iter().position(|x| *x == d.id));
    let is_data = d.extra.contains_key(DATA_KEY);
    let kind = if index == Some(0) && !is_data {
        "Root"
    } else {
        "Data"
    };
    let cluster = d
        .cluster_id
        .as_ref()
        .map(|c| c.as_str().to_owned())
        .or_else(|| vm.map(|v| v.cluster_id.as_str().to_owned()))
        .unwrap_or_default();
    let ps = d.storage.clone().unwrap_or_else(|| ps_uuid(&cluster));
    let uuid = ext(d.id.as_str());
    json!({
        "uuid": uuid,
        "name": d.name,
        "description": "",
        "primaryStorageUuid": ps,
        "vmInstanceUuid": d.vm_id.as_ref().map(|v| ext(v.as_str())),
        "diskOfferingUuid": null,
        "installPath": format!("/zstack_ps/dataVolumes/vol-{uuid}/{uuid}.qcow2"),
        "type": kind,
        "format": "qcow2",
        "size": d.size_bytes,
        "actualSize": d.size_bytes / 4,
        "deviceId": index,
        "state": "Enabled",
        "status": volume_status(d.state),
        "isShareable": false,
        "createDate": gson_date(d.created_at),
        "lastOpDate": gson_date(d.created_at),
    })
}

fn render_vm(world: &World, v: &SimVm) -> Value {
    let volumes: Vec<Value> = v
        .disk_ids
        .iter()
        .filter_map(|id| world.peek_disk(id.as_str()).ok())
        .map(|d| render_volume(&d, Some(v)))
        .collect();
    let root = volumes
        .iter()
        .find(|x| x["type"] == "Root")
        .map(|x| x["uuid"].clone())
        .unwrap_or(Value::Null);
    let host = v.host_id.as_ref().map(|h| ext(h.as_str()));
    let last_host = v
        .extra
        .get("zstack_last_host")
        .cloned()
        .unwrap_or_else(|| json!(host));
    json!({
        "uuid": ext(v.id.as_str()),
        "name": v.name,
        "description": v.description,
        "zoneUuid": zone_uuid(),
        "clusterUuid": ext(v.cluster_id.as_str()),
        "imageUuid": v.template_id.as_ref().map(|t| ext(t)),
        "hostUuid": host,
        "lastHostUuid": last_host,
        "instanceOfferingUuid": null,
        "rootVolumeUuid": root,
        "platform": "Linux",
        "architecture": "x86_64",
        "defaultL3NetworkUuid": null,
        "type": "UserVm",
        "hypervisorType": "KVM",
        "memorySize": v.memory_bytes,
        "reservedMemorySize": 0,
        "cpuNum": v.vcpus,
        "cpuSpeed": 0,
        "allocatorStrategy": "LastHostPreferredAllocatorStrategy",
        "createDate": gson_date(v.created_at),
        "lastOpDate": gson_date(v.updated_at),
        "state": vm_word(v.state),
        "vmNics": [],
        "allVolumes": volumes,
        "vmCdRoms": [],
        "guestOsType": "Linux",
    })
}

fn render_volume_of(world: &World, d: &SimDisk) -> Value {
    let vm = d
        .vm_id
        .as_ref()
        .and_then(|v| world.peek_vm(v.as_str()).ok());
    render_volume(d, vm.as_ref())
}

// ------------------------------------------------------------------ query conditions

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum COp {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    In,
    NotIn,
    Like,
    NotLike,
    IsNull,
    NotNull,
}

/// The server's operator search order: the first operator text found anywhere wins.
const DETECTION: &[(&str, COp)] = &[
    ("!=", COp::Ne),
    (">=", COp::Ge),
    ("<=", COp::Le),
    ("!?=", COp::NotIn),
    ("!~=", COp::NotLike),
    ("~=", COp::Like),
    ("?=", COp::In),
    ("=", COp::Eq),
    (">", COp::Gt),
    ("<", COp::Lt),
    (" is null", COp::IsNull),
    (" not null", COp::NotNull),
];

#[derive(Debug, Clone)]
struct Cond {
    field: String,
    op: COp,
    value: String,
}

fn parse_cond(text: &str) -> Option<Cond> {
    DETECTION.iter().find_map(|(needle, op)| {
        let at = text.find(needle)?;
        let field = text[..at].trim().to_owned();
        let value = match op {
            COp::IsNull | COp::NotNull => String::new(),
            _ => text[at + needle.len()..].to_owned(),
        };
        (!field.is_empty()).then_some(Cond {
            field,
            op: *op,
            value,
        })
    })
}

/// Every value at a dotted path, through nested lists (`allVolumes.uuid`).
fn resolve<'a>(v: &'a Value, path: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => {
            for i in items {
                resolve(i, path, out);
            }
        }
        _ => match path.split_once('.') {
            None => {
                if let Some(x) = v.get(path) {
                    match x {
                        Value::Array(items) => out.extend(items.iter()),
                        _ => out.push(x),
                    }
                }
            }
            Some((head, rest)) => {
                if let Some(x) = v.get(head) {
                    resolve(x, rest, out);
                }
            }
        },
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// SQL LIKE, case-insensitive: `%` any run, `_` one character.
fn like(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('%', rest)) => (0..=text.len()).any(|i| like(rest, &text[i..])),
        Some(('_', rest)) => !text.is_empty() && like(rest, &text[1..]),
        Some((c, rest)) => text
            .split_first()
            .is_some_and(|(t, tail)| t == c && like(rest, tail)),
    }
}

fn compare(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

fn value_matches(have: &str, op: COp, want: &str) -> bool {
    let eq = |a: &str, b: &str| compare(a, b) == Ordering::Equal;
    match op {
        COp::Eq => eq(have, want),
        COp::Ne => !eq(have, want),
        COp::Gt => compare(have, want) == Ordering::Greater,
        COp::Lt => compare(have, want) == Ordering::Less,
        COp::Ge => compare(have, want) != Ordering::Less,
        COp::Le => compare(have, want) != Ordering::Greater,
        COp::In => want.split(',').any(|w| eq(have, w)),
        COp::NotIn => !want.split(',').any(|w| eq(have, w)),
        COp::Like | COp::NotLike => {
            let p: Vec<char> = want.to_lowercase().chars().collect();
            let t: Vec<char> = have.to_lowercase().chars().collect();
            like(&p, &t) == (op == COp::Like)
        }
        COp::IsNull | COp::NotNull => false,
    }
}

fn matches(obj: &Value, c: &Cond) -> bool {
    let mut found = Vec::new();
    resolve(obj, &c.field, &mut found);
    let values: Vec<String> = found.iter().filter_map(|v| scalar(v)).collect();
    match c.op {
        COp::IsNull => values.is_empty(),
        COp::NotNull => !values.is_empty(),
        // SQL: a comparison with NULL is never true.
        op => values.iter().any(|v| value_matches(v, op, &c.value)),
    }
}

// ------------------------------------------------------------------ queries

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Res {
    Vm,
    Host,
    Cluster,
    Zone,
    Volume,
}

impl Res {
    fn from_path(s: &str) -> Option<Res> {
        Some(match s {
            "vm-instances" => Res::Vm,
            "hosts" => Res::Host,
            "clusters" => Res::Cluster,
            "zones" => Res::Zone,
            "volumes" => Res::Volume,
            _ => return None,
        })
    }
}

fn flag(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

/// Narrows the World listing with what the conditions say about ids and placement (so only
/// those objects are observed); the conditions are still evaluated on every rendered object.
fn narrow(world: &World, conds: &[Cond], res: Res) -> Filter {
    let mut f = Filter::new();
    for c in conds {
        let ids = || -> Vec<String> { c.value.split(',').map(|v| int(world, v)).collect() };
        match (c.field.as_str(), c.op) {
            ("uuid", COp::Eq | COp::In) => f = f.ids(ids()),
            ("clusterUuid", COp::Eq) if res != Res::Volume => f = f.cluster(int(world, &c.value)),
            ("hostUuid", COp::Eq) if res == Res::Vm => f = f.host(int(world, &c.value)),
            ("vmInstanceUuid", COp::Eq) if res == Res::Volume => f = f.vm(int(world, &c.value)),
            _ => {}
        }
    }
    f
}

fn query(world: &World, req: &Request, res: Res, uuid: Option<&str>) -> Result<Value, Fail> {
    let mut conds = Vec::new();
    let mut limit = DEFAULT_LIMIT;
    let mut start = 0usize;
    let (mut count, mut with_count) = (false, false);
    let mut sort: Option<(String, bool)> = None;
    let mut fields: Option<Vec<String>> = None;
    for (k, v) in skin::query_pairs(req) {
        match k.as_str() {
            "q" => conds.push(
                parse_cond(&v).ok_or_else(|| text(400, format!("invalid query condition[{v}]")))?,
            ),
            "limit" => {
                limit = v
                    .parse()
                    .map_err(|_| text(400, format!("invalid value[{v}] of field[limit]")))?;
            }
            "start" => {
                start = v
                    .parse()
                    .map_err(|_| text(400, format!("invalid value[{v}] of field[start]")))?;
            }
            "count" => count = flag(&v),
            "replyWithCount" => with_count = flag(&v),
            "sort" => {
                let (desc, f) = match v.strip_prefix('-') {
                    Some(f) => (true, f),
                    None => (false, v.strip_prefix('+').unwrap_or(&v)),
                };
                sort = Some((f.to_owned(), desc));
            }
            // The server reads only the first `fields`.
            "fields" if fields.is_none() => {
                fields = Some(v.split(',').map(|s| s.trim().to_owned()).collect());
            }
            _ => {}
        }
    }
    if let Some(u) = uuid {
        conds.push(Cond {
            field: "uuid".into(),
            op: COp::Eq,
            value: u.to_owned(),
        });
    }
    let filter = narrow(world, &conds, res);
    let all = Paging::all();
    let rendered: Vec<Value> = match res {
        Res::Vm => world
            .list_vms(&filter, &all)
            .items
            .iter()
            .map(|v| render_vm(world, v))
            .collect(),
        Res::Host => world
            .list_hosts(&filter, &all)
            .items
            .iter()
            .map(render_host)
            .collect(),
        Res::Cluster => world
            .list_clusters(&filter, &all)
            .items
            .iter()
            .map(render_cluster)
            .collect(),
        Res::Zone => vec![render_zone()],
        Res::Volume => world
            .list_disks(&filter, &all)
            .items
            .iter()
            .map(|d| render_volume_of(world, d))
            .collect(),
    };
    let mut hits: Vec<Value> = rendered
        .into_iter()
        .filter(|o| conds.iter().all(|c| matches(o, c)))
        .collect();
    if let Some((field, desc)) = &sort {
        hits.sort_by(|a, b| {
            let ka = a.get(field).and_then(scalar).unwrap_or_default();
            let kb = b.get(field).and_then(scalar).unwrap_or_default();
            let o = compare(&ka, &kb);
            if *desc { o.reverse() } else { o }
        });
    }
    let total = hits.len();
    if count {
        return Ok(json!({"total": total}));
    }
    let mut page: Vec<Value> = hits.into_iter().skip(start).take(limit).collect();
    if let Some(keep) = &fields {
        for o in &mut page {
            if let Value::Object(m) = o {
                m.retain(|k, _| keep.iter().any(|f| f == k));
            }
        }
    }
    // Query replies carry `schema`: the Java class of each inventory, for polymorphic decoding.
    let schema: Map<String, Value> = (0..page.len())
        .map(|i| (format!("inventories[{i}]"), json!(schema_class(res))))
        .collect();
    let mut out = json!({"inventories": page, "schema": schema});
    if with_count {
        out["total"] = json!(total);
    }
    Ok(out)
}

// ------------------------------------------------------------------ sessions

/// SHA-512 (FIPS 180-4) of `data` as lower-case hex. The simulator has no crypto dependency;
/// the digest only has to match what clients send.
fn sha512_hex(data: &[u8]) -> String {
    const K: [u64; 80] = [
        0x428a2f98d728ae22,
        0x7137449123ef65cd,
        0xb5c0fbcfec4d3b2f,
        0xe9b5dba58189dbbc,
        0x3956c25bf348b538,
        0x59f111f1b605d019,
        0x923f82a4af194f9b,
        0xab1c5ed5da6d8118,
        0xd807aa98a3030242,
        0x12835b0145706fbe,
        0x243185be4ee4b28c,
        0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f,
        0x80deb1fe3b1696b1,
        0x9bdc06a725c71235,
        0xc19bf174cf692694,
        0xe49b69c19ef14ad2,
        0xefbe4786384f25e3,
        0x0fc19dc68b8cd5b5,
        0x240ca1cc77ac9c65,
        0x2de92c6f592b0275,
        0x4a7484aa6ea6e483,
        0x5cb0a9dcbd41fbd4,
        0x76f988da831153b5,
        0x983e5152ee66dfab,
        0xa831c66d2db43210,
        0xb00327c898fb213f,
        0xbf597fc7beef0ee4,
        0xc6e00bf33da88fc2,
        0xd5a79147930aa725,
        0x06ca6351e003826f,
        0x142929670a0e6e70,
        0x27b70a8546d22ffc,
        0x2e1b21385c26c926,
        0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df,
        0x650a73548baf63de,
        0x766a0abb3c77b2a8,
        0x81c2c92e47edaee6,
        0x92722c851482353b,
        0xa2bfe8a14cf10364,
        0xa81a664bbc423001,
        0xc24b8b70d0f89791,
        0xc76c51a30654be30,
        0xd192e819d6ef5218,
        0xd69906245565a910,
        0xf40e35855771202a,
        0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8,
        0x1e376c085141ab53,
        0x2748774cdf8eeb99,
        0x34b0bcb5e19b48a8,
        0x391c0cb3c5c95a63,
        0x4ed8aa4ae3418acb,
        0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3,
        0x748f82ee5defb2fc,
        0x78a5636f43172f60,
        0x84c87814a1f0ab72,
        0x8cc702081a6439ec,
        0x90befffa23631e28,
        0xa4506cebde82bde9,
        0xbef9a3f7b2c67915,
        0xc67178f2e372532b,
        0xca273eceea26619c,
        0xd186b8c721c0c207,
        0xeada7dd6cde0eb1e,
        0xf57d4f7fee6ed178,
        0x06f067aa72176fba,
        0x0a637dc5a2c898a6,
        0x113f9804bef90dae,
        0x1b710b35131c471b,
        0x28db77f523047d84,
        0x32caab7b40c72493,
        0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c,
        0x4cc5d4becb3e42b6,
        0x597f299cfc657e2a,
        0x5fcb6fab3ad6faec,
        0x6c44198c4a475817,
    ];
    let mut h: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u128).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 128 != 112 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(128) {
        let mut w = [0u64; 80];
        for (i, word) in block.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(word);
            w[i] = u64::from_be_bytes(b);
        }
        for i in 16..80 {
            let s0 = w[i - 15].rotate_right(1) ^ w[i - 15].rotate_right(8) ^ (w[i - 15] >> 7);
            let s1 = w[i - 2].rotate_right(19) ^ w[i - 2].rotate_right(61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..80 {
            let s1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:016x}")).collect()
}

impl ZStackSkin {
    fn login(&self, world: &World, body: &Value) -> Result<Value, Fail> {
        let Some(args) = body.get("logInByAccount") else {
            return Err(text(
                400,
                "the body of PUT /v1/accounts/login must be {\"logInByAccount\": {...}}",
            ));
        };
        let name = args
            .get("accountName")
            .and_then(Value::as_str)
            .unwrap_or("");
        let digest = args.get("password").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() || digest.is_empty() {
            return Err(invalid_arg(
                "field[accountName] and field[password] are mandatory",
            ));
        }
        let digest = digest.to_ascii_lowercase();
        let plain = self
            .passwords
            .iter()
            .find(|p| sha512_hex(p.as_bytes()) == digest)
            .cloned();
        let session = plain
            .and_then(|p| world.login(name, &p).ok())
            .or_else(|| world.login(name, &digest).ok());
        match session {
            Some(token) => {
                let now = world.now();
                Ok(json!({"inventory": {
                    "uuid": token.expose(),
                    "accountUuid": ext(&uuid_from(&format!("zstack-account-{name}"))),
                    "userUuid": ext(&uuid_from(&format!("zstack-account-{name}"))),
                    "userType": "AccountVO",
                    "expiredDate": gson_date(now + 7200),
                    "createDate": gson_date(now),
                }}))
            }
            None => Err(code(
                "ID.1000",
                "Authentication error",
                "wrong account name or password",
            )),
        }
    }
}

/// `None` when the request carries a live session; the REST layer's or the interceptor's
/// answer otherwise.
fn check_session(world: &World, req: &Request) -> Option<Fail> {
    let Some(h) = skin::header(req, "authorization") else {
        return Some(text(400, "missing header 'Authorization'"));
    };
    let h = h.trim();
    let token = match h.split_once(' ') {
        Some(("OAuth", t)) => t.trim(),
        _ => return Some(text(400, "Authorization type must be 'OAuth'")),
    };
    (!world.session_valid(token)).then(|| code("ID.1001", "invalid session", "Session expired"))
}

// ------------------------------------------------------------------ actions and jobs

/// `202` with the job location on the host the client called.
fn accepted(req: &Request, task: &str) -> Response {
    let origin = req
        .url
        .split_once("://")
        .map(|(scheme, rest)| {
            let host = rest.split('/').next().unwrap_or(rest);
            format!("{scheme}://{host}")
        })
        .unwrap_or_default();
    skin::json_response(
        StatusCode::ACCEPTED,
        &json!({
            "location": format!("{origin}{MOUNT}/api-jobs/{}", ext(task)),
            "apiTimeout": API_TIMEOUT_MS,
        }),
    )
}

fn job_result(world: &World, t: &SimTask) -> Value {
    if matches!(t.op, Op::VmDelete | Op::DiskDelete) {
        return json!({});
    }
    match &t.target {
        ResourceRef::Vm(id) => world
            .peek_vm(id.as_str())
            .map(|v| json!({"inventory": render_vm(world, &v)}))
            .unwrap_or_else(|_| json!({})),
        ResourceRef::Disk(id) => world
            .peek_disk(id.as_str())
            .map(|d| json!({"inventory": render_volume_of(world, &d)}))
            .unwrap_or_else(|_| json!({})),
        _ => json!({}),
    }
}

fn job(world: &World, uuid: &str) -> Response {
    let Ok(t) = world.get_task(&int(world, uuid)) else {
        return skin::text_response(StatusCode::NOT_FOUND, "the job has been expired");
    };
    match t.state {
        TaskState::Succeeded => skin::json_response(StatusCode::OK, &job_result(world, &t)),
        TaskState::Failed | TaskState::Cancelled => {
            let (c, msg) = match &t.error {
                Some(e) => (
                    e.code.clone().unwrap_or_else(|| "SYS.1006".into()),
                    e.message.clone(),
                ),
                None => ("SYS.1017".into(), "the job was cancelled".into()),
            };
            skin::json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                &json!({"error": {
                    "code": c,
                    "description": "An operation failed",
                    "details": msg,
                    "location": t.description,
                }}),
            )
        }
        _ => skin::json_response(StatusCode::ACCEPTED, &json!({})),
    }
}

fn body_of(req: &Request) -> Result<Value, Fail> {
    if req.body.is_empty() {
        return Err(text(400, "the request body is empty"));
    }
    skin::json_body::<Value>(req).map_err(|e| text(400, e))
}

fn str_param<'a>(p: &'a Value, key: &str) -> Option<&'a str> {
    p.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn u64_param(p: &Value, key: &str) -> Result<Option<u64>, Fail> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| invalid_arg(format!("field[{key}] must be a positive number, not {v}"))),
    }
}

fn create_vm(world: &World, req: &Request) -> Result<Response, Fail> {
    let body = body_of(req)?;
    let Some(p) = body.get("params").filter(|p| p.is_object()) else {
        return Err(text(400, "the body must be {\"params\": {...}}"));
    };
    let name = str_param(p, "name").ok_or_else(|| invalid_arg("field[name] is mandatory"))?;
    if str_param(p, "instanceOfferingUuid").is_some() {
        return Err(invalid_arg(
            "the simulator has no instance offerings; give cpuNum and memorySize",
        ));
    }
    let cluster = match str_param(p, "clusterUuid") {
        Some(c) => int(world, c),
        None => world
            .list_clusters(&Filter::new(), &Paging::new(0, 1))
            .items
            .first()
            .map(|c| c.id.as_str().to_owned())
            .ok_or_else(|| {
                code(
                    "HOST.1000",
                    "No host available",
                    "no cluster to place the VM in",
                )
            })?,
    };
    let mut spec = NewVm::new(name, cluster);
    if let Some(n) = u64_param(p, "cpuNum")? {
        spec = spec.vcpus(u32::try_from(n).map_err(|_| invalid_arg("field[cpuNum] is too big"))?);
    }
    if let Some(m) = u64_param(p, "memorySize")? {
        spec = spec.memory_bytes(m);
    }
    if let Some(d) = str_param(p, "description") {
        spec = spec.description(d);
    }
    if let Some(i) = str_param(p, "imageUuid") {
        spec = spec.template(int(world, i));
    }
    if let Some(sizes) = p.get("dataDiskSizes").and_then(Value::as_array) {
        for (i, s) in sizes.iter().enumerate() {
            let size = s
                .as_u64()
                .ok_or_else(|| invalid_arg("field[dataDiskSizes] must hold sizes in bytes"))?;
            spec = spec.disk(NewDisk::new(format!("{name}-data-{}", i + 1), size));
        }
    }
    match str_param(p, "strategy").unwrap_or("InstantStart") {
        "InstantStart" => {
            let host = str_param(p, "hostUuid").map(|h| int(world, h).into());
            spec = spec.power_on(host);
        }
        "CreateStopped" | "JustCreate" => {}
        other => {
            return Err(invalid_arg(format!(
                "field[strategy] must be InstantStart, JustCreate or CreateStopped, not {other}"
            )));
        }
    }
    let sub = world.create_vm(spec).map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

fn vm_action(world: &World, req: &Request, uuid: &str) -> Result<Response, Fail> {
    let body = body_of(req)?;
    let Some((action, p)) = body.as_object().and_then(|m| {
        m.iter()
            .find(|(k, _)| !matches!(k.as_str(), "systemTags" | "userTags"))
    }) else {
        return Err(text(400, "the body names no action"));
    };
    let id = int(world, uuid);
    let host = str_param(p, "hostUuid").map(|h| int(world, h));
    let sub = match action.as_str() {
        "startVmInstance" => world.start_vm_on(&id, host.as_deref()),
        "stopVmInstance" => {
            let how = match str_param(p, "type").unwrap_or("grace") {
                "grace" => PowerAction::Stop,
                "cold" => PowerAction::ForceStop,
                other => {
                    return Err(invalid_arg(format!(
                        "field[type] must be grace or cold, not {other}"
                    )));
                }
            };
            world.power_vm(&id, how)
        }
        "rebootVmInstance" => world.power_vm(&id, PowerAction::Reboot),
        "pauseVmInstance" => world.power_vm(&id, PowerAction::Suspend),
        "resumeVmInstance" => world.power_vm(&id, PowerAction::Resume),
        "migrateVm" => {
            let before = world.peek_vm(&id).ok().and_then(|v| v.host_id);
            let sub = world.migrate_vm(&id, host.as_deref());
            if sub.is_ok()
                && let Some(h) = before
            {
                let last = json!(ext(h.as_str()));
                let _ = world.update_vm(&id, |v| {
                    v.extra.insert("zstack_last_host".into(), last);
                });
            }
            sub
        }
        other => {
            return Err(text(
                400,
                format!("the simulator does not serve action [{other}] on /vm-instances/{{uuid}}/actions"),
            ));
        }
    }
    .map_err(|e| refused(&e, true))?;
    Ok(accepted(req, sub.task.as_str()))
}

fn create_volume(world: &World, req: &Request) -> Result<Response, Fail> {
    let body = body_of(req)?;
    let Some(p) = body.get("params").filter(|p| p.is_object()) else {
        return Err(text(400, "the body must be {\"params\": {...}}"));
    };
    let name = str_param(p, "name").ok_or_else(|| invalid_arg("field[name] is mandatory"))?;
    if str_param(p, "diskOfferingUuid").is_some() {
        return Err(invalid_arg(
            "the simulator has no disk offerings; give diskSize",
        ));
    }
    let size = u64_param(p, "diskSize")?
        .filter(|s| *s > 0)
        .ok_or_else(|| invalid_arg("field[diskSize] or field[diskOfferingUuid] is mandatory"))?;
    let mut spec = NewDisk::new(name, size);
    if let Some(ps) = str_param(p, "primaryStorageUuid") {
        spec = spec.storage(ps);
    }
    let sub = world.create_disk(spec).map_err(|e| refused(&e, false))?;
    let _ = world.update_disk(sub.target_id(), |d| {
        d.extra.insert(DATA_KEY.into(), Value::Bool(true));
    });
    Ok(accepted(req, sub.task.as_str()))
}

fn detach_volume(world: &World, req: &Request, uuid: &str) -> Result<Response, Fail> {
    let id = int(world, uuid);
    let vm = match skin::query_param(req, "vmUuid").filter(|v| !v.is_empty()) {
        Some(v) => int(world, &v),
        None => world
            .peek_disk(&id)
            .map_err(|e| refused(&e, false))?
            .vm_id
            .map(|v| v.as_str().to_owned())
            .ok_or_else(|| {
                code(
                    "SYS.1006",
                    "An operation failed",
                    format!("volume[uuid:{uuid}] is not attached to any VM"),
                )
            })?,
    };
    let sub = world
        .detach_disk(&id, &vm)
        .map_err(|e| refused(&e, false))?;
    Ok(accepted(req, sub.task.as_str()))
}

fn check_delete_mode(req: &Request) -> Result<(), Fail> {
    match skin::query_param(req, "deleteMode").as_deref() {
        None | Some("Permissive" | "Enforcing") => Ok(()),
        Some(other) => Err(invalid_arg(format!(
            "field[deleteMode] must be Permissive or Enforcing, not {other}"
        ))),
    }
}

fn route(world: &World, req: &Request, rest: &str) -> Result<Response, Fail> {
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let m = &req.method;
    let ok = |v: Value| Ok(skin::json_response(StatusCode::OK, &v));
    match (segs.as_slice(), m) {
        ([res], &Method::GET) if Res::from_path(res).is_some() => ok(query(
            world,
            req,
            Res::from_path(res).unwrap_or(Res::Zone),
            None,
        )?),
        ([res, uuid], &Method::GET) if Res::from_path(res).is_some() => ok(query(
            world,
            req,
            Res::from_path(res).unwrap_or(Res::Zone),
            Some(uuid),
        )?),
        (["vm-instances"], &Method::POST) => create_vm(world, req),
        (["vm-instances", uuid, "actions"], &Method::PUT) => vm_action(world, req, uuid),
        (["vm-instances", uuid], &Method::DELETE) => {
            check_delete_mode(req)?;
            let sub = world
                .delete_vm(&int(world, uuid))
                .map_err(|e| refused(&e, true))?;
            Ok(accepted(req, sub.task.as_str()))
        }
        (["volumes", "data"], &Method::POST) => create_volume(world, req),
        (["volumes", vol, "vm-instances", vm], &Method::POST) => {
            let sub = world
                .attach_disk(&int(world, vol), &int(world, vm))
                .map_err(|e| refused(&e, false))?;
            Ok(accepted(req, sub.task.as_str()))
        }
        (["volumes", vol, "vm-instances"], &Method::DELETE) => detach_volume(world, req, vol),
        (["volumes", uuid], &Method::DELETE) => {
            check_delete_mode(req)?;
            let sub = world
                .delete_disk(&int(world, uuid))
                .map_err(|e| refused(&e, false))?;
            Ok(accepted(req, sub.task.as_str()))
        }
        _ => Err(text(404, format!("no api mapping to {MOUNT}/{rest}"))),
    }
}

fn schema_class(res: Res) -> &'static str {
    match res {
        Res::Vm => "org.zstack.header.vm.VmInstanceInventory",
        Res::Host => "org.zstack.kvm.KVMHostInventory",
        Res::Cluster => "org.zstack.header.cluster.ClusterInventory",
        Res::Zone => "org.zstack.header.zone.ZoneInventory",
        Res::Volume => "org.zstack.header.volume.VolumeInventory",
    }
}

impl Skin for ZStackSkin {
    fn vendor(&self) -> &'static str {
        "zstack"
    }

    fn mount(&self) -> &'static str {
        MOUNT
    }

    fn credentials_hint(&self) -> String {
        "account admin, password admin (PUT /zstack/v1/accounts/login with the SHA-512 hex)".into()
    }

    fn error_response(&self, status: StatusCode, message: &str) -> Response {
        // Injected faults stand for the REST layer or a proxy failing: plain text.
        skin::text_response(status, message.to_owned())
    }

    fn handle(&self, world: &World, req: Request) -> Response {
        let rest = skin::rest_of_path(&req, MOUNT).to_owned();
        let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        let m = req.method.clone();
        let answer = match (segs.as_slice(), &m) {
            (["accounts", "login"], &Method::PUT) => body_of(&req)
                .and_then(|b| self.login(world, &b))
                .map(|v| skin::json_response(StatusCode::OK, &v)),
            (["accounts", "sessions", uuid], &Method::DELETE) => {
                world.logout(uuid);
                Ok(skin::json_response(StatusCode::OK, &json!({})))
            }
            (["accounts", "sessions", uuid, "valid"], &Method::GET) => Ok(skin::json_response(
                StatusCode::OK,
                &json!({"valid": world.session_valid(uuid)}),
            )),
            (["api-jobs", uuid], &Method::GET) => Ok(job(world, uuid)),
            (["api-jobs", _], _) => Err(text(405, "only GET is allowed on api-jobs")),
            _ => match check_session(world, &req) {
                Some(f) => Err(f),
                None => route(world, &req, &rest),
            },
        };
        answer.unwrap_or_else(respond)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha512_matches_the_known_digests() {
        assert_eq!(
            sha512_hex(b"password"),
            "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86"
        );
        assert_eq!(
            sha512_hex(b""),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
        );
        // Two blocks of padding.
        assert_eq!(&sha512_hex(&[b'a'; 200])[..16], "4b11459c33f52a22");
    }

    #[test]
    fn conditions_parse_like_the_server() {
        let c = parse_cond("name~=web-%").unwrap();
        assert_eq!(
            (c.field.as_str(), c.op, c.value.as_str()),
            ("name", COp::Like, "web-%")
        );
        let c = parse_cond("name=a!=b").unwrap();
        assert_eq!((c.field.as_str(), c.op), ("name=a", COp::Ne));
        assert_eq!(parse_cond("hostUuid not null").unwrap().op, COp::NotNull);
        assert!(parse_cond("nothing").is_none());
        let vm = json!({"name": "Web-01", "cpuNum": 4, "hostUuid": null,
            "allVolumes": [{"uuid": "a"}, {"uuid": "b"}]});
        let m = |t: &str| matches(&vm, &parse_cond(t).unwrap());
        assert!(m("name=web-01"));
        assert!(m("name~=w_b%"));
        assert!(!m("name!~=%eb%"));
        assert!(m("cpuNum>=4") && !m("cpuNum>4") && m("cpuNum<10"));
        assert!(m("hostUuid is null") && !m("hostUuid not null"));
        assert!(m("allVolumes.uuid=b") && !m("allVolumes.uuid=c"));
        assert!(m("name?=x,WEB-01") && m("name!?=x,y"));
    }

    #[test]
    fn ids_and_dates() {
        assert_eq!(
            ext("0a1b2c3d-0000-4000-8000-00000000abcd"),
            "0a1b2c3d00004000800000000000abcd"
        );
        assert_eq!(ext("c1234"), "c1234");
        assert_eq!(gson_date(crate::EPOCH), "Jan 1, 2026 12:00:00 AM");
        assert_eq!(
            gson_date(crate::EPOCH + 13 * 3600 + 61),
            "Jan 1, 2026 1:01:01 PM"
        );
        let world = World::default();
        let id = world.new_uuid();
        assert_eq!(int(&world, &ext(&id)), id);
    }
}
