//! The oVirt skin: the World as an oVirt engine's REST API (XML, version 4) under
//! `/ovirt-engine`.
//!
//! - `POST /ovirt-engine/sso/oauth/token` (form, `grant_type=password`) answers the SSO JSON;
//!   `POST /ovirt-engine/services/sso-logout` revokes. API calls need `Authorization: Bearer`
//!   (or HTTP Basic, as 3.x clients sent); a bad or expired token gets the engine's HTML 401.
//! - `GET /ovirt-engine/api` is the API root. Collections: `vms` (with `search` by name, status,
//!   cluster and host, `sortby`, `page N` + `max`, `follow=disk_attachments[.disk]`), `hosts`,
//!   `clusters`, `datacenters`, `storagedomains`, `templates`, `disks`, `jobs` (search by
//!   `correlation_id`), `jobs/{id}/steps`, `events` (search by `correlation_id`, `max`);
//!   `vms/{id}/diskattachments` (attach, detach), `vms/{id}/disks` (3.x), `vms/{id}/nics` and
//!   `snapshots` (empty). VM actions `start`, `stop`, `shutdown`, `reboot`, `suspend`,
//!   `migrate` answer `<action><job href id/><status>complete</status></action>` at once,
//!   like the engine; the client then polls the job or the VM, whose status moves through the
//!   World's task (`wait_for_launch`/`powering_up` -> `up`...).
//! - Every World task is an engine job (`/jobs/{id}`, same id): `started` while the task
//!   runs, then `finished` or `failed`, with two steps (`Validating`, `Executing`). Adds and
//!   removes answer with the object (or nothing), as the engine does; their job is found with
//!   `jobs?search=correlation_id=..` when the request carried `correlation_id`.
//! - A failed World task is logged like the engine logs a failed command: one `error` event
//!   carrying the command's correlation id (the caller's, or 8 made-up hex digits) and the
//!   task's message and code — `VM_DOWN_ERROR` (119) `"VM x is down with error. Exit message:
//!   <message> (<code>)."` for a start or resume, code 10802 `"<description> failed: <message>
//!   (<code>)."` otherwise. `/events` holds only these (the engine logs much more).
//! - Searching jobs by correlation id lists every World task, which counts as an observation
//!   of the unfinished ones (the World cannot search by correlation id).
//! - The World has one implicit data center (`Default`) and one data storage domain (`data`);
//!   the `Blank` template (all-zero id) means "no template".
//! - Disk attachment and detachment are synchronous on the engine's wire, so the skin drives
//!   their World task to completion before answering (with the per-poll clock; with a wall
//!   clock the disk may still be locked for a moment).
//! - Invalid moves are faults with the engine's codes: 409 for a wrong state or a lock, 400 for
//!   bad input, 404 (empty body for a `GET`) for a missing object.
//! - A request with `Version: 3` gets 3.x status elements (`<status><state>..</state></status>`).

use std::collections::BTreeMap;

use http::{Method, StatusCode};
use omnivirt_core::{
    DiskState, ErrorKind, HostState, Op, PowerAction, ResourceRef, TaskState, VmState,
};
use omnivirt_http::{Request, Response};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::json;

use crate::error::SimError;
use crate::model::{SimCluster, SimDisk, SimHost, SimTask, SimTemplate, SimVm, rfc3339};
use crate::query::{Filter, NameMatch, Paging, SortBy};
use crate::skin::{self, Skin};
use crate::world::{NewDisk, NewVm, World};

const MOUNT: &str = "/ovirt-engine";
const API: &str = "/ovirt-engine/api";
const BLANK: &str = "00000000-0000-0000-0000-000000000000";
const ROOT_TAG: &str = "00000000-0000-0000-0000-000000000001";
const ADMIN_USER: &str = "58ca604b-017d-0374-0220-000000000001";
const DC_NAME: &str = "Default";
const SD_NAME: &str = "data";
const SD_SIZE: u64 = 4 << 40;

fn dc_id() -> String {
    crate::uuid_from("omnivirt-sim/ovirt/data-center/Default")
}

fn sd_id() -> String {
    crate::uuid_from("omnivirt-sim/ovirt/storage-domain/data")
}

/// The oVirt engine skin.
#[derive(Debug, Default, Clone, Copy)]
#[non_exhaustive]
pub struct OvirtSkin;

impl OvirtSkin {
    /// The skin.
    pub fn new() -> Self {
        OvirtSkin
    }
}

/// Neutral VM state -> oVirt status.
const VM_STATUS: &[(VmState, &str)] = &[
    (VmState::Creating, "image_locked"),
    (VmState::Stopped, "down"),
    (VmState::Starting, "powering_up"),
    (VmState::Running, "up"),
    (VmState::Stopping, "powering_down"),
    (VmState::Rebooting, "reboot_in_progress"),
    (VmState::Suspending, "saving_state"),
    (VmState::Suspended, "suspended"),
    (VmState::Resuming, "restoring_state"),
    (VmState::Migrating, "migrating"),
    (VmState::Deleting, "image_locked"),
    (VmState::Error, "not_responding"),
    (VmState::Unknown, "unknown"),
];

fn vm_status(s: VmState) -> &'static str {
    VM_STATUS
        .iter()
        .find(|(n, _)| *n == s)
        .map_or("unknown", |(_, w)| w)
}

/// oVirt status words in a search -> the neutral states they stand for.
fn vm_states_for(word: &str) -> Vec<VmState> {
    let w = word.to_ascii_lowercase();
    let mut out: Vec<VmState> = VM_STATUS
        .iter()
        .filter(|(_, s)| *s == w)
        .map(|(n, _)| *n)
        .collect();
    if w == "wait_for_launch" {
        out.push(VmState::Starting);
    }
    out
}

fn host_status(s: HostState) -> &'static str {
    match s {
        HostState::Up => "up",
        HostState::Down => "down",
        HostState::Maintenance => "maintenance",
        HostState::Connecting => "connecting",
        HostState::Error => "non_responsive",
        _ => "unassigned",
    }
}

fn disk_status(s: DiskState) -> &'static str {
    match s {
        DiskState::Ready => "ok",
        DiskState::Error => "illegal",
        _ => "locked",
    }
}

fn job_status(s: TaskState) -> &'static str {
    match s {
        TaskState::Pending | TaskState::Running => "started",
        TaskState::Succeeded => "finished",
        TaskState::Failed => "failed",
        TaskState::Cancelled => "aborted",
        _ => "unknown",
    }
}

/// The engine's timestamps: local time with milliseconds and an offset.
fn time(secs: u64) -> String {
    let t = rfc3339(secs);
    format!("{}.000+00:00", t.trim_end_matches('Z'))
}

// ------------------------------------------------------------------------------------ XML out

struct X {
    s: String,
    v3: bool,
}

impl X {
    fn new(v3: bool) -> Self {
        X {
            s: String::with_capacity(4096),
            v3,
        }
    }
    fn esc(&mut self, v: &str) {
        self.s.push_str(&quick_xml::escape::escape(v));
    }
    fn open_obj(&mut self, tag: &str, href: &str, id: &str) {
        self.s.push('<');
        self.s.push_str(tag);
        self.s.push_str(" href=\"");
        self.esc(href);
        self.s.push_str("\" id=\"");
        self.esc(id);
        self.s.push_str("\">");
    }
    fn open(&mut self, tag: &str) {
        self.s.push('<');
        self.s.push_str(tag);
        self.s.push('>');
    }
    fn close(&mut self, tag: &str) {
        self.s.push_str("</");
        self.s.push_str(tag);
        self.s.push('>');
    }
    fn leaf(&mut self, tag: &str, v: &str) {
        self.open(tag);
        self.esc(v);
        self.close(tag);
    }
    fn num(&mut self, tag: &str, v: impl std::fmt::Display) {
        self.leaf(tag, &v.to_string());
    }
    fn reference(&mut self, tag: &str, href: &str, id: &str) {
        self.s.push('<');
        self.s.push_str(tag);
        self.s.push_str(" href=\"");
        self.esc(href);
        self.s.push_str("\" id=\"");
        self.esc(id);
        self.s.push_str("\"/>");
    }
    fn link(&mut self, href: &str, rel: &str) {
        self.s.push_str("<link href=\"");
        self.esc(href);
        self.s.push_str("\" rel=\"");
        self.esc(rel);
        self.s.push_str("\"/>");
    }
    fn links(&mut self, base: &str, rels: &[&str]) {
        for r in rels {
            self.link(&format!("{base}/{r}"), r);
        }
    }
    fn actions(&mut self, base: &str, names: &[&str]) {
        self.open("actions");
        self.links(base, names);
        self.close("actions");
    }
    fn status(&mut self, word: &str) {
        if self.v3 {
            self.open("status");
            self.leaf("state", word);
            self.close("status");
        } else {
            self.leaf("status", word);
        }
    }
    fn doc(self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n{}\n",
            self.s
        )
    }
}

const VM_ACTIONS: &[&str] = &[
    "cancelmigration",
    "clone",
    "commitsnapshot",
    "detach",
    "export",
    "freezefilesystems",
    "logon",
    "maintenance",
    "migrate",
    "previewsnapshot",
    "reboot",
    "reordermacaddresses",
    "shutdown",
    "start",
    "stop",
    "suspend",
    "thawfilesystems",
    "ticket",
    "undosnapshot",
];

/// The actions the engine offers for a VM in `state`, as its `<actions>` lists them.
fn vm_actions(state: VmState) -> Vec<&'static str> {
    let power: &[&str] = match state {
        VmState::Stopped => &[
            "start",
            "clone",
            "export",
            "previewsnapshot",
            "commitsnapshot",
            "undosnapshot",
        ],
        VmState::Running => &[
            "cancelmigration",
            "freezefilesystems",
            "logon",
            "migrate",
            "reboot",
            "shutdown",
            "stop",
            "suspend",
            "thawfilesystems",
            "ticket",
        ],
        VmState::Suspended => &["start", "stop"],
        VmState::Starting | VmState::Stopping | VmState::Rebooting | VmState::Migrating => {
            &["stop", "cancelmigration"]
        }
        _ => &[],
    };
    let mut out: Vec<&'static str> = vec!["detach", "maintenance", "reordermacaddresses"];
    out.extend_from_slice(power);
    out.sort_unstable();
    out
}

const VM_LINKS: &[&str] = &[
    "affinitylabels",
    "applications",
    "cdroms",
    "diskattachments",
    "graphicsconsoles",
    "hostdevices",
    "katelloerrata",
    "nics",
    "numanodes",
    "permissions",
    "reporteddevices",
    "sessions",
    "snapshots",
    "statistics",
    "tags",
    "watchdogs",
];

#[derive(Debug, Clone, Copy, Default)]
struct Follow {
    attachments: bool,
    attachment_disks: bool,
}

fn write_vm(x: &mut X, world: &World, vm: &SimVm, follow: Follow) {
    let base = format!("{API}/vms/{}", vm.id.as_str());
    x.open_obj("vm", &base, vm.id.as_str());
    x.actions(&base, &vm_actions(vm.state));
    x.leaf("name", &vm.name);
    x.leaf("description", &vm.description);
    x.leaf("comment", "");
    x.links(&base, VM_LINKS);
    x.open("cpu");
    x.leaf("architecture", "x86_64");
    x.open("topology");
    x.num("cores", 1);
    x.num("sockets", vm.vcpus);
    x.num("threads", 1);
    x.close("topology");
    x.close("cpu");
    x.leaf("creation_time", &time(vm.created_at));
    x.leaf("delete_protected", "false");
    x.open("high_availability");
    x.leaf("enabled", "false");
    x.num("priority", 0);
    x.close("high_availability");
    x.num("memory", vm.memory_bytes);
    x.open("memory_policy");
    x.num("guaranteed", vm.memory_bytes);
    x.num("max", vm.memory_bytes.saturating_mul(4));
    x.close("memory_policy");
    x.leaf("origin", "ovirt");
    x.open("os");
    x.open("boot");
    x.open("devices");
    x.leaf("device", "hd");
    x.close("devices");
    x.close("boot");
    x.leaf("type", "other");
    x.close("os");
    x.leaf("stateless", "false");
    x.leaf("type", "server");
    x.status(vm_status(vm.state));
    if vm.host_id.is_some() {
        x.leaf("start_time", &time(vm.updated_at));
    }
    if follow.attachments {
        x.open("disk_attachments");
        for d in &vm.disk_ids {
            if let Ok(disk) = world.peek_disk(d.as_str()) {
                write_attachment(x, &disk, vm.id.as_str(), follow.attachment_disks);
            }
        }
        x.close("disk_attachments");
    }
    x.reference(
        "cluster",
        &format!("{API}/clusters/{}", vm.cluster_id.as_str()),
        vm.cluster_id.as_str(),
    );
    if let Some(h) = &vm.host_id {
        x.reference("host", &format!("{API}/hosts/{}", h.as_str()), h.as_str());
    }
    let tpl = vm.template_id.as_deref().unwrap_or(BLANK);
    x.reference("original_template", &format!("{API}/templates/{tpl}"), tpl);
    x.reference("template", &format!("{API}/templates/{tpl}"), tpl);
    x.close("vm");
}

fn write_host(x: &mut X, world: &World, h: &SimHost) {
    let base = format!("{API}/hosts/{}", h.id.as_str());
    x.open_obj("host", &base, h.id.as_str());
    x.actions(
        &base,
        &[
            "activate",
            "deactivate",
            "fence",
            "install",
            "refresh",
            "upgrade",
        ],
    );
    x.leaf("name", &h.name);
    x.leaf("comment", "");
    x.links(
        &base,
        &[
            "affinitylabels",
            "devices",
            "hooks",
            "nics",
            "numanodes",
            "permissions",
            "statistics",
            "storage",
            "tags",
        ],
    );
    x.leaf("address", &h.address);
    x.open("cpu");
    x.leaf("name", "Intel Xeon Processor (Skylake)");
    x.num("speed", 2100);
    x.open("topology");
    x.num("cores", 1);
    x.num("sockets", h.cpu_threads);
    x.num("threads", 1);
    x.close("topology");
    x.leaf("type", "Intel Skylake Server IBRS SSBD Family");
    x.close("cpu");
    x.num("max_scheduling_memory", h.memory_bytes / 10 * 9);
    x.num("memory", h.memory_bytes);
    x.open("os");
    x.leaf("type", "RHEL");
    x.open("version");
    x.leaf("full_version", "8.6 - 1.el8");
    x.num("major", 8);
    x.num("minor", 6);
    x.close("version");
    x.close("os");
    x.num("port", 54321);
    x.leaf("protocol", "stomp");
    x.open("spm");
    x.num("priority", 5);
    x.leaf("status", "none");
    x.close("spm");
    x.status(host_status(h.state));
    let on_host = Filter::new().host(h.id.clone());
    let total = world.count_vms(&on_host);
    let migrating = world.count_vms(&on_host.clone().vm_state(VmState::Migrating));
    x.open("summary");
    x.num("active", total);
    x.num("migrating", migrating);
    x.num("total", total);
    x.close("summary");
    x.leaf("type", "rhel");
    x.open("version");
    x.num("build", 4);
    x.leaf("full_version", "vdsm-4.50.3.4-1.el8");
    x.num("major", 4);
    x.num("minor", 50);
    x.num("revision", 0);
    x.close("version");
    x.reference(
        "cluster",
        &format!("{API}/clusters/{}", h.cluster_id.as_str()),
        h.cluster_id.as_str(),
    );
    x.close("host");
}

fn write_cluster(x: &mut X, c: &SimCluster) {
    let base = format!("{API}/clusters/{}", c.id.as_str());
    x.open_obj("cluster", &base, c.id.as_str());
    x.actions(&base, &["resetemulatedmachine", "syncallnetworks"]);
    x.leaf("name", &c.name);
    x.leaf("description", &c.description);
    x.leaf("comment", "");
    x.links(
        &base,
        &[
            "affinitygroups",
            "cpuprofiles",
            "enabledfeatures",
            "glustervolumes",
            "networks",
            "permissions",
        ],
    );
    x.leaf("ballooning_enabled", "false");
    x.open("cpu");
    x.leaf("architecture", "x86_64");
    x.leaf("type", "Intel Skylake Server IBRS SSBD Family");
    x.close("cpu");
    x.open("version");
    x.num("major", 4);
    x.num("minor", 7);
    x.close("version");
    let dc = dc_id();
    x.reference("data_center", &format!("{API}/datacenters/{dc}"), &dc);
    x.close("cluster");
}

fn write_data_center(x: &mut X) {
    let id = dc_id();
    let base = format!("{API}/datacenters/{id}");
    x.open_obj("data_center", &base, &id);
    x.actions(&base, &["cleanfinishedtasks", "setmaster"]);
    x.leaf("name", DC_NAME);
    x.leaf("description", "The default Data Center");
    x.links(
        &base,
        &[
            "clusters",
            "iscsibonds",
            "networks",
            "permissions",
            "qoss",
            "quotas",
            "storagedomains",
        ],
    );
    x.leaf("local", "false");
    x.leaf("quota_mode", "disabled");
    x.status("up");
    x.leaf("storage_format", "v5");
    x.open("version");
    x.num("major", 4);
    x.num("minor", 7);
    x.close("version");
    x.close("data_center");
}

fn write_storage_domain(x: &mut X, world: &World) {
    let id = sd_id();
    let base = format!("{API}/storagedomains/{id}");
    let used: u64 = world
        .list_disks(&Filter::new(), &Paging::all())
        .items
        .iter()
        .map(|d| d.size_bytes)
        .sum();
    x.open_obj("storage_domain", &base, &id);
    x.actions(&base, &["isattached", "refreshluns", "updateovfstore"]);
    x.leaf("name", SD_NAME);
    x.links(
        &base,
        &["diskprofiles", "disks", "permissions", "templates", "vms"],
    );
    x.num("available", SD_SIZE.saturating_sub(used));
    x.num("committed", used);
    x.leaf("external_status", "ok");
    x.leaf("master", "true");
    x.open("storage");
    x.leaf("address", "nfs.sim.invalid");
    x.leaf("path", "/exports/data");
    x.leaf("type", "nfs");
    x.close("storage");
    x.leaf("storage_format", "v5");
    x.leaf("type", "data");
    x.num("used", used);
    x.open("data_centers");
    let dc = dc_id();
    x.reference("data_center", &format!("{API}/datacenters/{dc}"), &dc);
    x.close("data_centers");
    x.close("storage_domain");
}

fn write_template_blank(x: &mut X) {
    let base = format!("{API}/templates/{BLANK}");
    x.open_obj("template", &base, BLANK);
    x.actions(&base, &["export"]);
    x.leaf("name", "Blank");
    x.leaf("description", "Blank template");
    x.links(&base, &["diskattachments", "nics", "permissions", "tags"]);
    x.open("cpu");
    x.leaf("architecture", "undefined");
    x.open("topology");
    x.num("cores", 1);
    x.num("sockets", 1);
    x.num("threads", 1);
    x.close("topology");
    x.close("cpu");
    x.leaf("creation_time", "2008-04-01T00:00:00.000+00:00");
    x.num("memory", 1u64 << 30);
    x.status("ok");
    x.open("version");
    x.leaf("version_name", "base version");
    x.num("version_number", 1);
    x.close("version");
    x.close("template");
}

fn write_template(x: &mut X, t: &SimTemplate) {
    let base = format!("{API}/templates/{}", t.id);
    x.open_obj("template", &base, &t.id);
    x.actions(&base, &["export"]);
    x.leaf("name", &t.name);
    x.leaf("description", &t.description);
    x.links(&base, &["diskattachments", "nics", "permissions", "tags"]);
    x.open("cpu");
    x.leaf("architecture", "x86_64");
    x.open("topology");
    x.num("cores", 1);
    x.num("sockets", t.vcpus);
    x.num("threads", 1);
    x.close("topology");
    x.close("cpu");
    x.leaf("creation_time", &time(t.created_at));
    x.num("memory", t.memory_bytes);
    x.status("ok");
    x.open("version");
    x.leaf("version_name", "base version");
    x.num("version_number", 1);
    x.close("version");
    x.close("template");
}

fn write_disk(x: &mut X, d: &SimDisk) {
    let base = format!("{API}/disks/{}", d.id.as_str());
    x.open_obj("disk", &base, d.id.as_str());
    x.actions(&base, &["copy", "export", "move", "refreshlun", "sparsify"]);
    x.leaf("name", &d.name);
    x.leaf("description", "");
    x.links(&base, &["disksnapshots", "permissions", "statistics"]);
    x.num("actual_size", d.size_bytes / 8);
    x.leaf("alias", &d.name);
    x.leaf("content_type", "data");
    x.leaf("format", "cow");
    x.leaf("propagate_errors", "false");
    x.num("provisioned_size", d.size_bytes);
    x.leaf("qcow_version", "qcow2_v3");
    x.leaf("shareable", "false");
    x.leaf("sparse", "true");
    x.status(disk_status(d.state));
    x.leaf("storage_type", "image");
    x.num("total_size", d.size_bytes / 8);
    x.leaf("wipe_after_delete", "false");
    x.open("storage_domains");
    let sd = d
        .storage
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(sd_id);
    x.reference("storage_domain", &format!("{API}/storagedomains/{sd}"), &sd);
    x.close("storage_domains");
    x.close("disk");
}

fn extra_str<'a>(extra: &'a BTreeMap<String, serde_json::Value>, k: &str) -> Option<&'a str> {
    extra.get(k).and_then(|v| v.as_str())
}

fn write_attachment(x: &mut X, d: &SimDisk, vm_id: &str, full_disk: bool) {
    let href = format!("{API}/vms/{vm_id}/diskattachments/{}", d.id.as_str());
    x.open_obj("disk_attachment", &href, d.id.as_str());
    x.leaf("active", "true");
    x.leaf(
        "bootable",
        extra_str(&d.extra, "ovirt_bootable").unwrap_or("false"),
    );
    x.leaf(
        "interface",
        extra_str(&d.extra, "ovirt_interface").unwrap_or("virtio_scsi"),
    );
    x.leaf("pass_discard", "false");
    x.leaf("read_only", "false");
    x.leaf("uses_scsi_reservation", "false");
    if full_disk {
        write_disk(x, d);
    } else {
        x.reference(
            "disk",
            &format!("{API}/disks/{}", d.id.as_str()),
            d.id.as_str(),
        );
    }
    x.reference("vm", &format!("{API}/vms/{vm_id}"), vm_id);
    x.close("disk_attachment");
}

fn write_job(x: &mut X, t: &SimTask) {
    let base = format!("{API}/jobs/{}", t.id.as_str());
    x.open_obj("job", &base, t.id.as_str());
    x.actions(&base, &["clear", "end"]);
    x.leaf("description", &t.description);
    x.link(&format!("{base}/steps"), "steps");
    x.leaf("auto_cleared", "true");
    if let Some(end) = t.finished_at {
        x.leaf("end_time", &time(end));
    }
    x.leaf("external", "false");
    x.leaf(
        "last_updated",
        &time(t.finished_at.or(t.started_at).unwrap_or(t.created_at)),
    );
    x.leaf("start_time", &time(t.started_at.unwrap_or(t.created_at)));
    x.status(job_status(t.state));
    x.reference("owner", &format!("{API}/users/{ADMIN_USER}"), ADMIN_USER);
    x.close("job");
}

/// The two steps the engine records for a command: validation (done once the command was
/// accepted) and execution (following the World task).
fn write_steps(x: &mut X, t: &SimTask) {
    let job = t.id.as_str();
    let job_href = format!("{API}/jobs/{job}");
    for (n, (desc, kind)) in [("Validating", "validating"), ("Executing", "executing")]
        .into_iter()
        .enumerate()
    {
        let number = n + 1;
        let id = crate::uuid_from(&format!("omnivirt-sim/ovirt/job/{job}/step/{number}"));
        x.open_obj("step", &format!("{job_href}/steps/{id}"), &id);
        x.actions(&format!("{job_href}/steps/{id}"), &["end"]);
        x.leaf("description", desc);
        x.link(&format!("{job_href}/steps/{id}/statistics"), "statistics");
        let (status, end) = if number == 1 {
            ("finished", Some(t.started_at.unwrap_or(t.created_at)))
        } else {
            (job_status(t.state), t.finished_at)
        };
        if let Some(end) = end {
            x.leaf("end_time", &time(end));
        }
        x.leaf("external", "false");
        x.num("number", number);
        x.leaf("start_time", &time(t.started_at.unwrap_or(t.created_at)));
        x.status(status);
        x.leaf("type", kind);
        x.reference("job", &job_href, job);
        x.close("step");
    }
}

/// The correlation id of the command behind a task: the caller's `correlation_id`, or one the
/// engine made up (8 hex digits, as engines do when the caller sent none).
fn correlation_of(t: &SimTask) -> String {
    extra_str(&t.extra, "correlation_id")
        .map(str::to_owned)
        .unwrap_or_else(|| {
            crate::uuid_from(&format!("omnivirt-sim/ovirt/correlation/{}", t.id.as_str()))
                .chars()
                .take(8)
                .collect()
        })
}

/// The audit-log event id of a failed task: a stable integer derived from the task id.
fn event_id(t: &SimTask) -> u64 {
    let u = crate::uuid_from(&format!("omnivirt-sim/ovirt/event/{}", t.id.as_str()));
    let hex: String = u.chars().filter(char::is_ascii_hexdigit).take(8).collect();
    u64::from_str_radix(&hex, 16).unwrap_or(0) % 1_000_000 + 1
}

/// The event code and text the engine logs when the command behind `t` fails: a VM that
/// cannot be launched is reported as `VM_DOWN_ERROR` (119) with the exit message; any other
/// failure as a failed host command (`VDS_BROKER_COMMAND_FAILURE`, 10802).
fn failure_event(t: &SimTask) -> (u32, String) {
    let (code, message) = t
        .error
        .as_ref()
        .map(|e| (e.code.clone(), e.message.clone()))
        .unwrap_or((None, "unknown error".into()));
    let reason = match code {
        Some(c) => format!("{message} ({c})"),
        None => message,
    };
    match t.op {
        Op::VmStart | Op::VmResume => (
            119,
            format!(
                "VM {} is down with error. Exit message: {reason}.",
                t.target_name
            ),
        ),
        _ => (10802, format!("{} failed: {reason}.", t.description)),
    }
}

fn write_event(x: &mut X, t: &SimTask) {
    let id = event_id(t).to_string();
    let (code, text) = failure_event(t);
    x.open_obj("event", &format!("{API}/events/{id}"), &id);
    x.leaf("description", &text);
    x.num("code", code);
    x.leaf("correlation_id", &correlation_of(t));
    x.num("custom_id", -1);
    x.num("flood_rate", 30);
    x.leaf("origin", "oVirt");
    x.leaf("severity", "error");
    x.leaf("time", &time(t.finished_at.unwrap_or(t.created_at)));
    x.reference("user", &format!("{API}/users/{ADMIN_USER}"), ADMIN_USER);
    let vm = match &t.target {
        ResourceRef::Vm(v) => Some(v.as_str()),
        _ => t.vm_id.as_ref().map(|v| v.as_str()),
    };
    if let Some(v) = vm {
        x.reference("vm", &format!("{API}/vms/{v}"), v);
    }
    x.close("event");
}

fn write_api(x: &mut X, world: &World) {
    x.open("api");
    for rel in [
        "clusters",
        "datacenters",
        "disks",
        "events",
        "hosts",
        "jobs",
        "storagedomains",
        "tags",
        "templates",
        "users",
        "vms",
    ] {
        x.link(&format!("{API}/{rel}"), rel);
        if matches!(
            rel,
            "clusters"
                | "datacenters"
                | "disks"
                | "events"
                | "hosts"
                | "storagedomains"
                | "templates"
                | "vms"
        ) {
            x.link(
                &format!("{API}/{rel}?search={{query}}"),
                &format!("{rel}/search"),
            );
        }
    }
    x.open("product_info");
    x.leaf(
        "instance_id",
        &crate::uuid_from("omnivirt-sim/ovirt/instance"),
    );
    x.leaf("name", "oVirt Engine");
    x.leaf("vendor", "ovirt.org");
    x.open("version");
    x.num("build", 2);
    x.leaf("full_version", "4.5.4-1.el8 (omnivirt-sim)");
    x.num("major", 4);
    x.num("minor", 5);
    x.num("revision", 0);
    x.close("version");
    x.close("product_info");
    x.open("special_objects");
    x.reference("blank_template", &format!("{API}/templates/{BLANK}"), BLANK);
    x.reference("root_tag", &format!("{API}/tags/{ROOT_TAG}"), ROOT_TAG);
    x.close("special_objects");
    let all = Filter::new();
    let vms_total = world.count_vms(&all);
    let vms_up = world.count_vms(&Filter::new().vm_state(VmState::Running));
    let hosts_total = world.count_hosts(&all);
    let hosts_up = world.count_hosts(&Filter::new().host_state(HostState::Up));
    x.open("summary");
    for (tag, active, total) in [
        ("hosts", hosts_up, hosts_total),
        ("storage_domains", 1, 1),
        ("users", 1, world.user_names().len()),
        ("vms", vms_up, vms_total),
    ] {
        x.open(tag);
        x.num("active", active);
        x.num("total", total);
        x.close(tag);
    }
    x.close("summary");
    x.leaf("time", &time(world.now()));
    x.reference(
        "authenticated_user",
        &format!("{API}/users/{ADMIN_USER}"),
        ADMIN_USER,
    );
    x.reference(
        "effective_user",
        &format!("{API}/users/{ADMIN_USER}"),
        ADMIN_USER,
    );
    x.close("api");
}

// ------------------------------------------------------------------------------------- XML in

/// A parsed request body: just enough of a tree to read what clients send.
#[derive(Debug, Default, Clone)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }
    fn path(&self, path: &[&str]) -> Option<&El> {
        let mut cur = self;
        for p in path {
            cur = cur.child(p)?;
        }
        Some(cur)
    }
    fn text_at(&self, path: &[&str]) -> Option<String> {
        self.path(path)
            .map(|e| e.text.trim().to_owned())
            .filter(|t| !t.is_empty())
    }
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn num_at(&self, path: &[&str]) -> Result<Option<u64>, String> {
        match self.text_at(path) {
            None => Ok(None),
            Some(t) => t
                .parse()
                .map(Some)
                .map_err(|_| format!("Value `{t}` of <{}> is not a number", path.join("/"))),
        }
    }
    /// `<tag id=".."/>` or `<tag><name>..</name></tag>`.
    fn reference(&self, name: &str) -> Option<(Option<String>, Option<String>)> {
        let e = self.child(name)?;
        let id = e
            .attr("id")
            .map(str::to_owned)
            .or_else(|| e.text_at(&["id"]));
        Some((id, e.text_at(&["name"])))
    }
}

fn parse_xml(body: &[u8]) -> Result<El, String> {
    let mut r = Reader::from_reader(body);
    let mut stack: Vec<El> = Vec::new();
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("Failed to parse the request body: {e}"))?;
        let (start, is_empty) = match &ev {
            Event::Start(s) => (Some(s.clone()), false),
            Event::Empty(s) => (Some(s.clone()), true),
            _ => (None, false),
        };
        if let Some(s) = start {
            let mut el = El {
                name: String::from_utf8_lossy(s.local_name().as_ref()).into_owned(),
                ..El::default()
            };
            for a in s.attributes().flatten() {
                let v = a
                    .unescape_value()
                    .map(|c| c.into_owned())
                    .unwrap_or_default();
                el.attrs
                    .push((String::from_utf8_lossy(a.key.as_ref()).into_owned(), v));
            }
            if !is_empty {
                stack.push(el);
                continue;
            }
            match stack.last_mut() {
                Some(p) => p.children.push(el),
                None => return Ok(el),
            }
            continue;
        }
        match ev {
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::GeneralRef(g) => {
                if let Some(top) = stack.last_mut() {
                    if let Ok(Some(c)) = g.resolve_char_ref() {
                        top.text.push(c);
                    } else {
                        let n = g.decode().unwrap_or_default();
                        let c = match n.as_ref() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            _ => '\'',
                        };
                        top.text.push(c);
                    }
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err("Failed to parse the request body: unbalanced".into());
                };
                match stack.last_mut() {
                    Some(p) => p.children.push(done),
                    None => return Ok(done),
                }
            }
            Event::Eof => return Err("Request body is empty or incomplete".into()),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------- responses

fn fault(status: StatusCode, reason: &str, detail: &str) -> Response {
    let mut x = X::new(false);
    x.open("fault");
    x.leaf("reason", reason);
    x.leaf("detail", detail);
    x.close("fault");
    skin::xml_response(status, x.doc())
}

fn unauthorized() -> Response {
    let mut r = skin::text_response(
        StatusCode::UNAUTHORIZED,
        "<html><head><title>Error</title></head><body>Unauthorized</body></html>",
    );
    r.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/html;charset=UTF-8"),
    );
    r
}

/// A World error as the engine would answer it for `verb` (`run`, `stop`, `add`...).
fn sim_fault(e: &SimError, what: &str) -> Response {
    let (status, detail) = match e.kind() {
        ErrorKind::NotFound => (
            StatusCode::NOT_FOUND,
            format!("Entity not found: {}", e.message()),
        ),
        ErrorKind::AlreadyExists => (
            StatusCode::CONFLICT,
            format!(
                "[Cannot {what}. The VM name is already in use, please choose a unique name and try again. ({})]",
                e.message()
            ),
        ),
        ErrorKind::InvalidState if e.is_locked() => (
            StatusCode::CONFLICT,
            format!(
                "[Cannot {what}. Related operation is currently in progress. Please try again later. ({})]",
                e.message()
            ),
        ),
        ErrorKind::InvalidState => (
            StatusCode::CONFLICT,
            format!("[Cannot {what}. {}]", e.message()),
        ),
        ErrorKind::Unauthenticated => return unauthorized(),
        _ => (
            StatusCode::BAD_REQUEST,
            format!("[Cannot {what}. {}]", e.message()),
        ),
    };
    fault(status, "Operation Failed", &detail)
}

fn bad_request(detail: &str) -> Response {
    fault(StatusCode::BAD_REQUEST, "Incomplete parameters", detail)
}

fn action_ok(job: Option<&str>) -> Response {
    let mut x = X::new(false);
    x.open("action");
    if let Some(j) = job {
        x.reference("job", &format!("{API}/jobs/{j}"), j);
    }
    x.leaf("status", "complete");
    x.close("action");
    skin::xml_response(StatusCode::OK, x.doc())
}

fn not_found_empty() -> Response {
    skin::empty_response(StatusCode::NOT_FOUND)
}

fn sso_error(status: StatusCode, code: &str, message: &str) -> Response {
    skin::json_response(status, &json!({"error_code": code, "error": message}))
}

fn form(body: &[u8]) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `admin@internal` -> `admin`; `internal\admin` style profiles are not used by oVirt.
fn plain_user(u: &str) -> &str {
    u.split('@').next().unwrap_or(u)
}

// ------------------------------------------------------------------------------------- search

#[derive(Debug, Default)]
struct Search {
    conds: Vec<(String, String)>,
    sort: Option<(String, bool)>,
    page: Option<usize>,
}

fn tokenize(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn parse_search(s: &str) -> Result<Search, String> {
    let toks = tokenize(s);
    let mut out = Search::default();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let lower = t.to_ascii_lowercase();
        if lower == "and" {
            i += 1;
            continue;
        }
        if lower == "or" {
            return Err("the simulator's search supports `and` only".into());
        }
        if lower == "sortby" {
            let field = toks
                .get(i + 1)
                .ok_or("sortby needs a field")?
                .to_ascii_lowercase();
            let mut desc = false;
            i += 2;
            if let Some(dir) = toks.get(i).map(|d| d.to_ascii_lowercase()) {
                if dir == "desc" || dir == "asc" {
                    desc = dir == "desc";
                    i += 1;
                }
            }
            out.sort = Some((field, desc));
            continue;
        }
        if lower == "page" {
            let n: usize = toks
                .get(i + 1)
                .and_then(|n| n.parse().ok())
                .ok_or("page needs a number")?;
            out.page = Some(n.max(1));
            i += 2;
            continue;
        }
        match t.split_once('=') {
            Some((k, v)) => {
                let k = k.trim_end_matches('!').to_ascii_lowercase();
                out.conds.push((k, v.to_owned()));
            }
            None => return Err(format!("cannot understand `{t}` in the search")),
        }
        i += 1;
    }
    Ok(out)
}

fn name_match(pattern: &str) -> NameMatch {
    if pattern.contains('*') {
        NameMatch::Glob(pattern.to_owned())
    } else {
        NameMatch::Equals(pattern.to_owned())
    }
}

fn paging_of(req: &Request, search: &Search) -> Result<Paging, String> {
    let max: Option<usize> = match skin::query_param(req, "max") {
        Some(m) => Some(
            m.parse::<i64>()
                .map_err(|_| format!("Value `{m}` of max is not a number"))?
                .max(0) as usize,
        ),
        None => None,
    };
    let mut p = match (max, search.page) {
        (Some(m), Some(page)) => Paging::new((page - 1) * m, m),
        (Some(m), None) => Paging::new(0, m),
        (None, Some(page)) => {
            // The engine pages by its SearchResultsLimit (100) when max is absent.
            Paging::new((page - 1) * 100, 100)
        }
        (None, None) => Paging::all(),
    };
    if let Some((field, desc)) = &search.sort {
        let by = match field.as_str() {
            "name" => SortBy::Name,
            "id" => SortBy::Id,
            _ => SortBy::Created,
        };
        p = p.sort(by, *desc);
    }
    Ok(p)
}

fn case_insensitive(req: &Request) -> bool {
    !skin::query_param(req, "case_sensitive").is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

// -------------------------------------------------------------------------------------- skin

fn drive_task(world: &World, id: &str) {
    for _ in 0..16 {
        match world.get_task(id) {
            Ok(t) if t.state.is_terminal() => return,
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

fn tag_correlation(world: &World, req: &Request, task: &str) {
    if let Some(c) = skin::query_param(req, "correlation_id") {
        let _ = world.update_task(task, |t| {
            t.extra
                .insert("correlation_id".into(), serde_json::Value::String(c));
        });
    }
}

fn find_cluster(world: &World, id: Option<&str>, name: Option<&str>) -> Option<SimCluster> {
    if let Some(id) = id
        && let Ok(c) = world.get_cluster(id)
    {
        return Some(c);
    }
    let name = name?;
    world
        .list_clusters(&Filter::new(), &Paging::all())
        .items
        .into_iter()
        .find(|c| c.name == name)
}

fn find_host(world: &World, id: Option<&str>, name: Option<&str>) -> Option<SimHost> {
    if let Some(id) = id
        && let Ok(h) = world.get_host(id)
    {
        return Some(h);
    }
    let name = name?;
    world
        .list_hosts(&Filter::new(), &Paging::all())
        .items
        .into_iter()
        .find(|h| h.name == name)
}

impl OvirtSkin {
    fn sso_token(&self, world: &World, req: &Request) -> Response {
        let f = form(&req.body);
        if f.get("grant_type").map(String::as_str) != Some("password") {
            return sso_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The authorization grant type is not supported",
            );
        }
        if f.get("scope").is_none_or(|s| !s.contains("ovirt-app-api")) {
            return sso_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "The requested scope is invalid",
            );
        }
        let user = f.get("username").map(String::as_str).unwrap_or("");
        let password = f.get("password").map(String::as_str).unwrap_or("");
        match world.login(plain_user(user), password) {
            Ok(token) => skin::json_response(
                StatusCode::OK,
                &json!({
                    "access_token": token.expose(),
                    "scope": "ovirt-app-api ovirt-ext=token-info:authz-search",
                    "exp": "9223372036854775807",
                    "token_type": "bearer"
                }),
            ),
            Err(_) => sso_error(
                StatusCode::UNAUTHORIZED,
                "access_denied",
                &format!(
                    "Cannot authenticate user '{user}': The username or password is incorrect.."
                ),
            ),
        }
    }

    fn api(&self, world: &World, req: &Request, rest: &str) -> Response {
        let v3 = skin::header(req, "version").is_some_and(|v| v.trim() == "3");
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        let m = &req.method;
        let get = *m == Method::GET;
        match parts.as_slice() {
            [] if get => {
                let mut x = X::new(v3);
                write_api(&mut x, world);
                skin::xml_response(StatusCode::OK, x.doc())
            }
            ["vms"] if get => self.list_vms(world, req, v3),
            ["vms"] if *m == Method::POST => self.add_vm(world, req, v3),
            ["vms", id] if get => match world.get_vm(id) {
                Ok(vm) => {
                    let mut x = X::new(v3);
                    write_vm(&mut x, world, &vm, follow_of(req));
                    skin::xml_response(StatusCode::OK, x.doc())
                }
                Err(_) => not_found_empty(),
            },
            ["vms", id] if *m == Method::PUT => self.update_vm(world, req, id, v3),
            ["vms", id] if *m == Method::DELETE => self.remove_vm(world, req, id),
            ["vms", id, "diskattachments"] if get => self.list_attachments(world, req, id, v3),
            ["vms", id, "disks"] if get => self.list_vm_disks_v3(world, id, v3),
            ["vms", id, "diskattachments"] if *m == Method::POST => self.attach(world, req, id, v3),
            ["vms", id, "diskattachments", d] if get => match world.peek_vm(id) {
                Ok(vm) if vm.disk_ids.iter().any(|x| x.as_str() == *d) => match world.get_disk(d) {
                    Ok(disk) => {
                        let mut x = X::new(v3);
                        let full = skin::query_param(req, "follow")
                            .is_some_and(|f| f.split(',').any(|p| p.trim() == "disk"));
                        write_attachment(&mut x, &disk, id, full);
                        skin::xml_response(StatusCode::OK, x.doc())
                    }
                    Err(_) => not_found_empty(),
                },
                _ => not_found_empty(),
            },
            ["vms", id, "diskattachments", d] if *m == Method::DELETE => {
                self.detach(world, req, id, d)
            }
            ["vms", id, sub]
                if get
                    && matches!(
                        *sub,
                        "nics" | "snapshots" | "cdroms" | "tags" | "permissions" | "statistics"
                    ) =>
            {
                if world.peek_vm(id).is_err() {
                    return not_found_empty();
                }
                let tag = *sub;
                skin::xml_response(StatusCode::OK, format!("<{tag}/>\n"))
            }
            ["vms", id, action] if *m == Method::POST => self.vm_action(world, req, id, action),
            ["hosts"] if get => {
                let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
                    Ok(s) => s,
                    Err(e) => return bad_request(&e),
                };
                let mut f = Filter::new().ignore_case(case_insensitive(req));
                for (k, v) in &s.conds {
                    match k.as_str() {
                        "name" => f = f.name(name_match(v)),
                        "status" => {
                            let st = match v.to_ascii_lowercase().as_str() {
                                "up" => HostState::Up,
                                "down" => HostState::Down,
                                "maintenance" => HostState::Maintenance,
                                "connecting" => HostState::Connecting,
                                _ => HostState::Error,
                            };
                            f = f.host_state(st);
                        }
                        "cluster" => match find_cluster(world, None, Some(v)) {
                            Some(c) => f = f.cluster(c.id),
                            None => return list_doc("hosts", String::new()),
                        },
                        _ => {}
                    }
                }
                let p = match paging_of(req, &s) {
                    Ok(p) => p,
                    Err(e) => return bad_request(&e),
                };
                let mut x = X::new(v3);
                for h in world.list_hosts(&f, &p).items {
                    write_host(&mut x, world, &h);
                }
                list_doc("hosts", x.s)
            }
            ["hosts", id] if get => match world.get_host(id) {
                Ok(h) => {
                    let mut x = X::new(v3);
                    write_host(&mut x, world, &h);
                    skin::xml_response(StatusCode::OK, x.doc())
                }
                Err(_) => not_found_empty(),
            },
            ["clusters"] if get => {
                let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
                    Ok(s) => s,
                    Err(e) => return bad_request(&e),
                };
                let mut f = Filter::new().ignore_case(case_insensitive(req));
                if let Some((_, v)) = s.conds.iter().find(|(k, _)| k == "name") {
                    f = f.name(name_match(v));
                }
                let p = match paging_of(req, &s) {
                    Ok(p) => p,
                    Err(e) => return bad_request(&e),
                };
                let mut x = X::new(v3);
                for c in world.list_clusters(&f, &p).items {
                    write_cluster(&mut x, &c);
                }
                list_doc("clusters", x.s)
            }
            ["clusters", id] if get => match world.get_cluster(id) {
                Ok(c) => {
                    let mut x = X::new(v3);
                    write_cluster(&mut x, &c);
                    skin::xml_response(StatusCode::OK, x.doc())
                }
                Err(_) => not_found_empty(),
            },
            ["datacenters"] if get => {
                let mut x = X::new(v3);
                write_data_center(&mut x);
                list_doc("data_centers", x.s)
            }
            ["datacenters", id] if get && *id == dc_id() => {
                let mut x = X::new(v3);
                write_data_center(&mut x);
                skin::xml_response(StatusCode::OK, x.doc())
            }
            ["datacenters", id, "clusters"] if get && *id == dc_id() => {
                let mut x = X::new(v3);
                for c in world.list_clusters(&Filter::new(), &Paging::all()).items {
                    write_cluster(&mut x, &c);
                }
                list_doc("clusters", x.s)
            }
            ["storagedomains"] if get => {
                let mut x = X::new(v3);
                write_storage_domain(&mut x, world);
                list_doc("storage_domains", x.s)
            }
            ["storagedomains", id] if get && *id == sd_id() => {
                let mut x = X::new(v3);
                write_storage_domain(&mut x, world);
                skin::xml_response(StatusCode::OK, x.doc())
            }
            ["datacenters", id, "storagedomains"] if get && *id == dc_id() => {
                let mut x = X::new(v3);
                write_storage_domain(&mut x, world);
                list_doc("storage_domains", x.s)
            }
            ["templates"] if get => {
                let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
                    Ok(s) => s,
                    Err(e) => return bad_request(&e),
                };
                let name = s
                    .conds
                    .iter()
                    .find(|(k, _)| k == "name")
                    .map(|(_, v)| name_match(v));
                let ic = case_insensitive(req);
                let mut x = X::new(v3);
                if name.as_ref().is_none_or(|n| n.matches("Blank", ic)) {
                    write_template_blank(&mut x);
                }
                for t in world.list_templates(&Filter::new(), &Paging::all()).items {
                    if name.as_ref().is_none_or(|n| n.matches(&t.name, ic)) {
                        write_template(&mut x, &t);
                    }
                }
                list_doc("templates", x.s)
            }
            ["templates", id] if get => {
                let mut x = X::new(v3);
                if *id == BLANK {
                    write_template_blank(&mut x);
                } else {
                    match world.get_template(id) {
                        Ok(t) => write_template(&mut x, &t),
                        Err(_) => return not_found_empty(),
                    }
                }
                skin::xml_response(StatusCode::OK, x.doc())
            }
            ["disks"] if get => {
                let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
                    Ok(s) => s,
                    Err(e) => return bad_request(&e),
                };
                let mut f = Filter::new().ignore_case(case_insensitive(req));
                for (k, v) in &s.conds {
                    match k.as_str() {
                        "name" | "alias" => f = f.name(name_match(v)),
                        "status" => {
                            let st = match v.to_ascii_lowercase().as_str() {
                                "ok" => DiskState::Ready,
                                "illegal" => DiskState::Error,
                                _ => DiskState::Locked,
                            };
                            f = f.disk_state(st);
                        }
                        _ => {}
                    }
                }
                let p = match paging_of(req, &s) {
                    Ok(p) => p,
                    Err(e) => return bad_request(&e),
                };
                let mut x = X::new(v3);
                for d in world.list_disks(&f, &p).items {
                    write_disk(&mut x, &d);
                }
                list_doc("disks", x.s)
            }
            ["disks"] if *m == Method::POST => self.add_disk(world, req, v3),
            ["disks", id] if get => match world.get_disk(id) {
                Ok(d) => {
                    let mut x = X::new(v3);
                    write_disk(&mut x, &d);
                    skin::xml_response(StatusCode::OK, x.doc())
                }
                Err(_) => not_found_empty(),
            },
            ["disks", id] if *m == Method::DELETE => match world.delete_disk(id) {
                Ok(sub) => {
                    tag_correlation(world, req, sub.task.as_str());
                    skin::empty_response(StatusCode::OK)
                }
                Err(e) => sim_fault(&e, "remove Disk"),
            },
            ["jobs"] if get => self.list_jobs(world, req, v3),
            ["jobs", id] if get => match world.get_task(id) {
                Ok(t) => {
                    let mut x = X::new(v3);
                    write_job(&mut x, &t);
                    skin::xml_response(StatusCode::OK, x.doc())
                }
                Err(_) => not_found_empty(),
            },
            // The steps show the job as last observed; reading them does not move it on.
            ["jobs", id, "steps"] if get => match world.peek_task(id) {
                Ok(t) => {
                    let mut x = X::new(v3);
                    write_steps(&mut x, &t);
                    list_doc("steps", x.s)
                }
                Err(_) => not_found_empty(),
            },
            ["events"] if get => self.list_events(world, req, v3),
            _ => skin::no_route(m, req.path()),
        }
    }

    fn list_jobs(&self, world: &World, req: &Request, v3: bool) -> Response {
        let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
            Ok(s) => s,
            Err(e) => return bad_request(&e),
        };
        let mut corr = None;
        for (k, v) in &s.conds {
            match k.as_str() {
                "correlation_id" => corr = Some(v.clone()),
                other => {
                    return bad_request(&format!("the simulator cannot search jobs by `{other}`"));
                }
            }
        }
        let p = match paging_of(req, &s) {
            Ok(p) => p,
            Err(e) => return bad_request(&e),
        };
        let mut x = X::new(v3);
        match corr {
            None => {
                for t in world.list_tasks(&Filter::new(), &p).items {
                    write_job(&mut x, &t);
                }
            }
            Some(want) => {
                // Filter first, then page: the World cannot search by correlation id.
                let all = world.list_tasks(&Filter::new(), &Paging::all()).items;
                let hits: Vec<SimTask> = all
                    .into_iter()
                    .filter(|t| extra_str(&t.extra, "correlation_id") == Some(want.as_str()))
                    .collect();
                for t in hits
                    .iter()
                    .skip(p.offset)
                    .take(p.limit.unwrap_or(usize::MAX))
                {
                    write_job(&mut x, t);
                }
            }
        }
        list_doc("jobs", x.s)
    }

    /// The audit log: one `error` event per failed World task, newest first, searchable by
    /// `correlation_id` (the engine logs other events too; the simulator keeps only these).
    fn list_events(&self, world: &World, req: &Request, v3: bool) -> Response {
        let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
            Ok(s) => s,
            Err(e) => return bad_request(&e),
        };
        let mut corr = None;
        for (k, v) in &s.conds {
            match k.as_str() {
                "correlation_id" => corr = Some(v.clone()),
                other => {
                    return bad_request(&format!(
                        "the simulator cannot search events by `{other}`"
                    ));
                }
            }
        }
        let max = match skin::query_param(req, "max") {
            Some(m) => match m.parse::<i64>() {
                Ok(n) => usize::try_from(n.max(0)).unwrap_or(0),
                Err(_) => return bad_request(&format!("Value `{m}` of max is not a number")),
            },
            None => usize::MAX,
        };
        let mut failed: Vec<SimTask> = world
            .list_tasks(&Filter::new().task_state(TaskState::Failed), &Paging::all())
            .items
            .into_iter()
            .filter(|t| corr.as_deref().is_none_or(|c| correlation_of(t) == c))
            .collect();
        failed.sort_by_key(|t| std::cmp::Reverse((t.finished_at, event_id(t))));
        let mut x = X::new(v3);
        for t in failed.iter().take(max) {
            write_event(&mut x, t);
        }
        list_doc("events", x.s)
    }

    fn list_vms(&self, world: &World, req: &Request, v3: bool) -> Response {
        let search = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
            Ok(s) => s,
            Err(e) => return bad_request(&e),
        };
        let mut f = Filter::new().ignore_case(case_insensitive(req));
        for (k, v) in &search.conds {
            match k.as_str() {
                "name" => f = f.name(name_match(v)),
                "id" => f = f.ids([v.clone()]),
                "status" => {
                    let states = vm_states_for(v);
                    if states.is_empty() {
                        return list_doc("vms", String::new());
                    }
                    for s in states {
                        f = f.vm_state(s);
                    }
                }
                "cluster" => match find_cluster(world, None, Some(v)) {
                    Some(c) => f = f.cluster(c.id),
                    None => return list_doc("vms", String::new()),
                },
                "host" => match find_host(world, None, Some(v)) {
                    Some(h) => f = f.host(h.id),
                    None => return list_doc("vms", String::new()),
                },
                other => {
                    return bad_request(&format!("the simulator cannot search VMs by `{other}`"));
                }
            }
        }
        let p = match paging_of(req, &search) {
            Ok(p) => p,
            Err(e) => return bad_request(&e),
        };
        let follow = follow_of(req);
        let mut x = X::new(v3);
        for vm in world.list_vms(&f, &p).items {
            write_vm(&mut x, world, &vm, follow);
        }
        list_doc("vms", x.s)
    }

    fn add_vm(&self, world: &World, req: &Request, v3: bool) -> Response {
        let body = match parse_xml(&req.body) {
            Ok(b) if b.name == "vm" => b,
            Ok(b) => return bad_request(&format!("Expected a <vm>, got <{}>", b.name)),
            Err(e) => return bad_request(&e),
        };
        let Some(name) = body.text_at(&["name"]) else {
            return bad_request("Vm [name] required for add");
        };
        let Some((cid, cname)) = body.reference("cluster") else {
            return bad_request("Vm [cluster.id|name] required for add");
        };
        let Some(cluster) = find_cluster(world, cid.as_deref(), cname.as_deref()) else {
            return fault(
                StatusCode::NOT_FOUND,
                "Operation Failed",
                &format!(
                    "Entity not found: Cluster: {}",
                    cid.or(cname).unwrap_or_default()
                ),
            );
        };
        let mut spec = NewVm::new(name, cluster.id.clone());
        if let Some((tid, tname)) = body.reference("template") {
            let blank = tid.as_deref() == Some(BLANK)
                || (tid.is_none() && tname.as_deref() == Some("Blank"));
            if !blank {
                let found = world
                    .list_templates(&Filter::new(), &Paging::all())
                    .items
                    .into_iter()
                    .find(|t| Some(&t.id) == tid.as_ref() || Some(&t.name) == tname.as_ref());
                match found {
                    Some(t) => spec = spec.template(t.id),
                    None => {
                        return fault(
                            StatusCode::NOT_FOUND,
                            "Operation Failed",
                            &format!(
                                "Entity not found: Template: {}",
                                tid.or(tname).unwrap_or_default()
                            ),
                        );
                    }
                }
            }
        } else {
            return bad_request("Vm [template.id|name] required for add");
        }
        match body.num_at(&["memory"]) {
            Ok(Some(m)) => spec = spec.memory_bytes(m),
            Ok(None) => {}
            Err(e) => return bad_request(&e),
        }
        let topo = ["sockets", "cores", "threads"].map(|k| body.num_at(&["cpu", "topology", k]));
        if let Some(e) = topo.iter().find_map(|t| t.as_ref().err()) {
            return bad_request(e);
        }
        let vals: Vec<Option<u64>> = topo.into_iter().map(|t| t.unwrap_or(None)).collect();
        if vals.iter().any(Option::is_some) {
            let n: u64 = vals.iter().map(|v| v.unwrap_or(1)).product();
            spec = spec.vcpus(u32::try_from(n).unwrap_or(u32::MAX));
        }
        if let Some(d) = body.text_at(&["description"]) {
            spec = spec.description(d);
        }
        match world.create_vm(spec) {
            Ok(sub) => {
                tag_correlation(world, req, sub.task.as_str());
                match world.peek_vm(sub.target_id()) {
                    Ok(vm) => {
                        let mut x = X::new(v3);
                        write_vm(&mut x, world, &vm, Follow::default());
                        skin::xml_response(StatusCode::CREATED, x.doc())
                    }
                    Err(e) => sim_fault(&e, "add VM"),
                }
            }
            Err(e) => sim_fault(&e, "add VM"),
        }
    }

    fn update_vm(&self, world: &World, req: &Request, id: &str, v3: bool) -> Response {
        let body = match parse_xml(&req.body) {
            Ok(b) => b,
            Err(e) => return bad_request(&e),
        };
        let memory = match body.num_at(&["memory"]) {
            Ok(m) => m,
            Err(e) => return bad_request(&e),
        };
        let sockets = match body.num_at(&["cpu", "topology", "sockets"]) {
            Ok(s) => s,
            Err(e) => return bad_request(&e),
        };
        let name = body.text_at(&["name"]);
        let desc = body.path(&["description"]).map(|d| d.text.clone());
        let r = world.update_vm(id, |vm| {
            if let Some(n) = name {
                vm.name = n;
            }
            if let Some(d) = desc {
                vm.description = d;
            }
            if let Some(m) = memory {
                vm.memory_bytes = m;
            }
            if let Some(s) = sockets {
                vm.vcpus = u32::try_from(s).unwrap_or(u32::MAX);
            }
        });
        match r.and_then(|()| world.peek_vm(id)) {
            Ok(vm) => {
                let mut x = X::new(v3);
                write_vm(&mut x, world, &vm, Follow::default());
                skin::xml_response(StatusCode::OK, x.doc())
            }
            Err(e) => sim_fault(&e, "edit VM"),
        }
    }

    fn remove_vm(&self, world: &World, req: &Request, id: &str) -> Response {
        let detach_only =
            skin::query_param(req, "detach_only").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let vm = match world.peek_vm(id) {
            Ok(vm) => vm,
            Err(_) => return not_found_empty(),
        };
        if vm.state != VmState::Stopped || vm.task_id.is_some() {
            let e = if vm.task_id.is_some() {
                SimError::locked(format!("VM {} is locked", vm.name))
            } else {
                SimError::invalid_state(format!("VM is running (status {})", vm_status(vm.state)))
            };
            return sim_fault(&e, "remove VM");
        }
        if detach_only {
            for d in &vm.disk_ids {
                match world.detach_disk(d.as_str(), id) {
                    Ok(sub) => drive_task(world, sub.task.as_str()),
                    Err(e) => return sim_fault(&e, "remove VM"),
                }
            }
        }
        match world.delete_vm(id) {
            Ok(sub) => {
                tag_correlation(world, req, sub.task.as_str());
                skin::empty_response(StatusCode::OK)
            }
            Err(e) => sim_fault(&e, "remove VM"),
        }
    }

    fn vm_action(&self, world: &World, req: &Request, id: &str, action: &str) -> Response {
        let body = if req.body.iter().all(u8::is_ascii_whitespace) {
            El::default()
        } else {
            match parse_xml(&req.body) {
                Ok(b) => b,
                Err(e) => return bad_request(&e),
            }
        };
        let vm = match world.peek_vm(id) {
            Ok(vm) => vm,
            Err(e) => return sim_fault(&e, "run action"),
        };
        let result = match action {
            "start" if vm.state == VmState::Suspended => world
                .power_vm(id, PowerAction::Resume)
                .map(|s| (s, "run VM")),
            "start" => world
                .power_vm(id, PowerAction::Start)
                .map(|s| (s, "run VM")),
            "stop" => world
                .power_vm(id, PowerAction::ForceStop)
                .map(|s| (s, "stop VM")),
            "shutdown" => world
                .power_vm(id, PowerAction::Stop)
                .map(|s| (s, "shut down VM")),
            "reboot" => world
                .power_vm(id, PowerAction::Reboot)
                .map(|s| (s, "reboot VM")),
            "suspend" => world
                .power_vm(id, PowerAction::Suspend)
                .map(|s| (s, "hibernate VM")),
            "migrate" => {
                let host = match body.reference("host") {
                    Some((hid, hname)) => {
                        match find_host(world, hid.as_deref(), hname.as_deref()) {
                            Some(h) => Some(h.id.as_str().to_owned()),
                            None => {
                                return fault(
                                    StatusCode::NOT_FOUND,
                                    "Operation Failed",
                                    "Entity not found: Host",
                                );
                            }
                        }
                    }
                    None => None,
                };
                world
                    .migrate_vm(id, host.as_deref())
                    .map(|s| (s, "migrate VM"))
            }
            other if VM_ACTIONS.contains(&other) => {
                return fault(
                    StatusCode::BAD_REQUEST,
                    "Operation Failed",
                    &format!("the simulator does not implement the `{other}` action"),
                );
            }
            _ => return skin::no_route(&req.method, req.path()),
        };
        match result {
            Ok((sub, _)) => {
                tag_correlation(world, req, sub.task.as_str());
                action_ok(Some(sub.task.as_str()))
            }
            Err(e) => {
                let what = match action {
                    "start" => "run VM",
                    "stop" => "stop VM",
                    "shutdown" => "shut down VM",
                    "reboot" => "reboot VM",
                    "suspend" => "hibernate VM",
                    _ => "migrate VM",
                };
                sim_fault(&e, what)
            }
        }
    }

    fn list_attachments(&self, world: &World, req: &Request, id: &str, v3: bool) -> Response {
        let vm = match world.peek_vm(id) {
            Ok(vm) => vm,
            Err(_) => return not_found_empty(),
        };
        let full = skin::query_param(req, "follow")
            .is_some_and(|f| f.split(',').any(|p| p.trim() == "disk"));
        let mut x = X::new(v3);
        for d in world
            .list_disks(&Filter::new().vm(vm.id.clone()), &Paging::all())
            .items
        {
            write_attachment(&mut x, &d, id, full);
        }
        list_doc("disk_attachments", x.s)
    }

    fn list_vm_disks_v3(&self, world: &World, id: &str, v3: bool) -> Response {
        let vm = match world.peek_vm(id) {
            Ok(vm) => vm,
            Err(_) => return not_found_empty(),
        };
        let mut x = X::new(v3);
        for d in world
            .list_disks(&Filter::new().vm(vm.id.clone()), &Paging::all())
            .items
        {
            write_disk(&mut x, &d);
        }
        list_doc("disks", x.s)
    }

    fn new_disk_from(body: &El) -> Result<NewDisk, String> {
        let name = body
            .text_at(&["name"])
            .or_else(|| body.text_at(&["alias"]))
            .ok_or("Disk [name|alias] required for add")?;
        let size = body
            .num_at(&["provisioned_size"])?
            .ok_or("Disk [provisioned_size] required for add")?;
        let mut spec = NewDisk::new(name, size);
        if let Some(sd) = body
            .path(&["storage_domains", "storage_domain"])
            .and_then(|e| e.attr("id").map(str::to_owned))
        {
            if sd != sd_id() {
                return Err(format!("Entity not found: Storage domain {sd}"));
            }
            spec = spec.storage(sd);
        }
        Ok(spec)
    }

    fn add_disk(&self, world: &World, req: &Request, v3: bool) -> Response {
        let body = match parse_xml(&req.body) {
            Ok(b) if b.name == "disk" => b,
            Ok(b) => return bad_request(&format!("Expected a <disk>, got <{}>", b.name)),
            Err(e) => return bad_request(&e),
        };
        if body.path(&["storage_domains", "storage_domain"]).is_none() {
            return bad_request("Disk [storage_domains] required for add");
        }
        let spec = match Self::new_disk_from(&body) {
            Ok(s) => s,
            Err(e) => return bad_request(&e),
        };
        match world.create_disk(spec) {
            Ok(sub) => {
                tag_correlation(world, req, sub.task.as_str());
                match world.peek_disk(sub.target_id()) {
                    Ok(d) => {
                        let mut x = X::new(v3);
                        write_disk(&mut x, &d);
                        skin::xml_response(StatusCode::CREATED, x.doc())
                    }
                    Err(e) => sim_fault(&e, "add Disk"),
                }
            }
            Err(e) => sim_fault(&e, "add Disk"),
        }
    }

    fn attach(&self, world: &World, req: &Request, vm_id: &str, v3: bool) -> Response {
        let body = match parse_xml(&req.body) {
            Ok(b) if b.name == "disk_attachment" => b,
            Ok(b) => {
                return bad_request(&format!("Expected a <disk_attachment>, got <{}>", b.name));
            }
            Err(e) => return bad_request(&e),
        };
        if world.peek_vm(vm_id).is_err() {
            return not_found_empty();
        }
        let Some(disk_el) = body.child("disk") else {
            return bad_request("DiskAttachment [disk] required for add");
        };
        let disk_id = match disk_el.attr("id") {
            Some(id) => id.to_owned(),
            None => {
                // Create and attach in one call.
                let spec = match Self::new_disk_from(disk_el) {
                    Ok(s) => s,
                    Err(e) => return bad_request(&e),
                };
                match world.create_disk(spec) {
                    Ok(sub) => {
                        drive_task(world, sub.task.as_str());
                        sub.target_id().to_owned()
                    }
                    Err(e) => return sim_fault(&e, "add Disk"),
                }
            }
        };
        let interface = body
            .text_at(&["interface"])
            .unwrap_or_else(|| "virtio_scsi".into());
        let bootable = body
            .text_at(&["bootable"])
            .unwrap_or_else(|| "false".into());
        match world.attach_disk(&disk_id, vm_id) {
            Ok(sub) => {
                tag_correlation(world, req, sub.task.as_str());
                drive_task(world, sub.task.as_str());
                let _ = world.update_disk(&disk_id, |d| {
                    d.extra.insert(
                        "ovirt_interface".into(),
                        serde_json::Value::String(interface),
                    );
                    d.extra
                        .insert("ovirt_bootable".into(), serde_json::Value::String(bootable));
                });
                match world.peek_disk(&disk_id) {
                    Ok(d) => {
                        let mut x = X::new(v3);
                        write_attachment(&mut x, &d, vm_id, false);
                        skin::xml_response(StatusCode::CREATED, x.doc())
                    }
                    Err(e) => sim_fault(&e, "attach Virtual Disk"),
                }
            }
            Err(e) => sim_fault(&e, "attach Virtual Disk"),
        }
    }

    fn detach(&self, world: &World, req: &Request, vm_id: &str, disk_id: &str) -> Response {
        let detach_only =
            !skin::query_param(req, "detach_only").is_some_and(|v| v.eq_ignore_ascii_case("false"));
        match world.detach_disk(disk_id, vm_id) {
            Ok(sub) => {
                tag_correlation(world, req, sub.task.as_str());
                drive_task(world, sub.task.as_str());
                if !detach_only && let Err(e) = world.delete_disk(disk_id) {
                    return sim_fault(&e, "remove Disk");
                }
                skin::empty_response(StatusCode::OK)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => not_found_empty(),
            Err(e) => sim_fault(&e, "detach Virtual Disk"),
        }
    }
}

fn follow_of(req: &Request) -> Follow {
    let mut f = Follow::default();
    if let Some(v) = skin::query_param(req, "follow") {
        for part in v.split(',').map(str::trim) {
            if part == "disk_attachments" {
                f.attachments = true;
            } else if part == "disk_attachments.disk" {
                f.attachments = true;
                f.attachment_disks = true;
            }
        }
    }
    f
}

fn list_doc(tag: &str, inner: String) -> Response {
    let body = if inner.is_empty() {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<{tag}/>\n")
    } else {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<{tag}>{inner}</{tag}>\n"
        )
    };
    skin::xml_response(StatusCode::OK, body)
}

fn session_ok(world: &World, req: &Request) -> bool {
    let Some(raw) = skin::header(req, "authorization") else {
        return false;
    };
    let raw = raw.trim();
    if let Some(basic) = raw
        .strip_prefix("Basic ")
        .or_else(|| raw.strip_prefix("basic "))
    {
        let Some(decoded) = decode_base64(basic.trim()) else {
            return false;
        };
        let Some((user, password)) = decoded.split_once(':') else {
            return false;
        };
        return match world.login(plain_user(user), password) {
            Ok(t) => {
                world.logout(t.expose());
                true
            }
            Err(_) => false,
        };
    }
    skin::auth_token(req).is_some_and(|t| world.session_valid(t))
}

fn decode_base64(s: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Skin for OvirtSkin {
    fn vendor(&self) -> &'static str {
        "ovirt"
    }

    fn mount(&self) -> &'static str {
        MOUNT
    }

    fn credentials_hint(&self) -> String {
        "URL <base>/ovirt-engine/api, user admin@internal, password admin".into()
    }

    fn error_response(&self, status: StatusCode, message: &str) -> Response {
        if status == StatusCode::UNAUTHORIZED {
            return unauthorized();
        }
        fault(status, "Operation Failed", message)
    }

    fn handle(&self, world: &World, req: Request) -> Response {
        let rest = skin::rest_of_path(&req, MOUNT).trim_matches('/').to_owned();
        match (req.method.clone(), rest.as_str()) {
            (Method::POST, "sso/oauth/token") => self.sso_token(world, &req),
            (Method::POST, "services/sso-logout") => {
                let f = form(&req.body);
                if let Some(t) = f.get("token") {
                    world.logout(t);
                }
                skin::json_response(StatusCode::OK, &json!({}))
            }
            (_, r) if r == "api" || r.starts_with("api/") => {
                if !session_ok(world, &req) {
                    return unauthorized();
                }
                let api_rest = r.strip_prefix("api").unwrap_or("").trim_start_matches('/');
                // Version 4 may also be chosen with a `/v4` path prefix.
                let api_rest = api_rest
                    .strip_prefix("v4")
                    .map(|s| s.trim_start_matches('/'))
                    .unwrap_or(api_rest);
                self.api(world, &req, api_rest)
            }
            _ => skin::no_route(&req.method, req.path()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_grammar() {
        let s = parse_search("name=web* and status=up sortby name desc page 3").unwrap();
        assert_eq!(
            s.conds,
            vec![
                ("name".into(), "web*".into()),
                ("status".into(), "up".into())
            ]
        );
        assert_eq!(s.sort, Some(("name".into(), true)));
        assert_eq!(s.page, Some(3));
        let s = parse_search("name=\"my vm\"").unwrap();
        assert_eq!(s.conds[0].1, "my vm");
        assert!(parse_search("name=a or name=b").is_err());
        assert!(parse_search("gibberish").is_err());
    }

    #[test]
    fn status_table_round_trips_for_the_stable_states() {
        for s in [VmState::Stopped, VmState::Running, VmState::Suspended] {
            assert!(vm_states_for(vm_status(s)).contains(&s));
        }
        assert_eq!(vm_states_for("wait_for_launch"), vec![VmState::Starting]);
    }

    #[test]
    fn actions_follow_the_state() {
        assert!(vm_actions(VmState::Stopped).contains(&"start"));
        assert!(!vm_actions(VmState::Stopped).contains(&"shutdown"));
        assert!(vm_actions(VmState::Running).contains(&"migrate"));
        assert!(!vm_actions(VmState::Running).contains(&"start"));
        assert!(VM_ACTIONS.iter().all(|a| {
            [VmState::Stopped, VmState::Running, VmState::Suspended]
                .iter()
                .any(|s| vm_actions(*s).contains(a))
                || ["cancelmigration"].contains(a)
        }));
    }

    fn failed_task(op: Op, corr: Option<&str>) -> SimTask {
        let mut extra = omnivirt_core::Extra::new();
        if let Some(c) = corr {
            extra.insert("correlation_id".into(), serde_json::Value::String(c.into()));
        }
        SimTask {
            id: "t-1".into(),
            op,
            target: ResourceRef::Vm("vm-1".into()),
            target_name: "web-1".into(),
            vm_id: None,
            state: TaskState::Failed,
            progress: 100,
            error: Some(omnivirt_core::TaskError::new(
                Some("SIM_HOST_OOM".into()),
                "host has not enough free memory",
            )),
            description: "Stopping VM web-1".into(),
            created_at: 10,
            started_at: Some(11),
            finished_at: Some(12),
            extra,
        }
    }

    #[test]
    fn failed_tasks_are_logged_as_engine_events() {
        let t = failed_task(Op::VmStart, Some("omnivirt-start-1"));
        let (code, text) = failure_event(&t);
        assert_eq!(code, 119);
        assert_eq!(
            text,
            "VM web-1 is down with error. Exit message: host has not enough free memory \
             (SIM_HOST_OOM)."
        );
        let mut x = X::new(false);
        write_event(&mut x, &t);
        assert!(x.s.contains("<correlation_id>omnivirt-start-1</correlation_id>"));
        assert!(x.s.contains("<severity>error</severity>"));
        assert!(x.s.contains("<vm href=\"/ovirt-engine/api/vms/vm-1\" id=\"vm-1\"/>"));
        let other = failed_task(Op::VmForceStop, None);
        assert_eq!(failure_event(&other).0, 10802);
        let made_up = correlation_of(&other);
        assert_eq!(made_up.len(), 8);
        assert!(made_up.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(made_up, correlation_of(&other), "stable");
        assert_eq!(event_id(&other), event_id(&t), "ids follow the task id");
        let mut x = X::new(false);
        write_steps(&mut x, &other);
        assert_eq!(x.s.matches("<step ").count(), 2);
        assert!(x.s.contains("<status>failed</status><type>executing</type>"));
    }

    #[test]
    fn base64_and_xml_bodies() {
        assert_eq!(
            decode_base64("YWRtaW46YWRtaW4=").as_deref(),
            Some("admin:admin")
        );
        let el = parse_xml(b"<vm><name>a &amp; b</name><cluster id=\"c1\"/><cpu><topology><sockets>2</sockets></topology></cpu></vm>").unwrap();
        assert_eq!(el.text_at(&["name"]).as_deref(), Some("a & b"));
        assert_eq!(el.reference("cluster"), Some((Some("c1".into()), None)));
        assert_eq!(el.num_at(&["cpu", "topology", "sockets"]), Ok(Some(2)));
        assert!(parse_xml(b"<vm>").is_err());
    }
}
