//! The engine's XML for each object: VMs, hosts, clusters, the data center, disks, disk
//! attachments and the API root (templates, networks and storage domains are in `fabric`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::API;

use omnivirt_core::{HostState, VmState};

use super::fabric::{count_domains, disk_domain};
use super::status::{disk_status, host_status, time, vm_status};
use super::xml::{LinkRun, X};
use super::{ADMIN_USER, BLANK, DC_NAME, ROOT_TAG, api, dc_id};
use crate::model::{SimCluster, SimDisk, SimHost, SimVm};
use crate::query::Filter;
use crate::world::World;

pub(super) const VM_ACTIONS: &[&str] = &[
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

/// The lists of actions the engine offers a VM, sorted as its `<actions>` lists them; which
/// one a VM gets depends on its state ([`action_set`]).
const VM_ACTION_SETS: [&[&str]; 5] = [
    // Stopped.
    &[
        "clone",
        "commitsnapshot",
        "detach",
        "export",
        "maintenance",
        "previewsnapshot",
        "reordermacaddresses",
        "start",
        "undosnapshot",
    ],
    // Running.
    &[
        "cancelmigration",
        "detach",
        "freezefilesystems",
        "logon",
        "maintenance",
        "migrate",
        "reboot",
        "reordermacaddresses",
        "shutdown",
        "stop",
        "suspend",
        "thawfilesystems",
        "ticket",
    ],
    // Suspended.
    &[
        "detach",
        "maintenance",
        "reordermacaddresses",
        "start",
        "stop",
    ],
    // On the way somewhere (starting, stopping, rebooting, migrating).
    &[
        "cancelmigration",
        "detach",
        "maintenance",
        "reordermacaddresses",
        "stop",
    ],
    // Anything else.
    &["detach", "maintenance", "reordermacaddresses"],
];

/// The index in [`VM_ACTION_SETS`] of the actions of a VM in `state`.
fn action_set(state: VmState) -> usize {
    match state {
        VmState::Stopped => 0,
        VmState::Running => 1,
        VmState::Suspended => 2,
        VmState::Starting | VmState::Stopping | VmState::Rebooting | VmState::Migrating => 3,
        _ => 4,
    }
}

/// The actions the engine offers for a VM in `state`, as its `<actions>` lists them (sorted).
#[cfg(test)]
pub(super) fn vm_actions(state: VmState) -> &'static [&'static str] {
    VM_ACTION_SETS
        .get(action_set(state))
        .copied()
        .unwrap_or_default()
}

/// A VM's `<actions>` (one run per entry of [`VM_ACTION_SETS`]) and sub-collection links, made
/// once.
struct VmRuns {
    actions: Vec<LinkRun>,
    links: LinkRun,
}

fn vm_runs() -> &'static VmRuns {
    static RUNS: OnceLock<VmRuns> = OnceLock::new();
    RUNS.get_or_init(|| VmRuns {
        actions: VM_ACTION_SETS
            .iter()
            .map(|set| LinkRun::new("<actions>", set, "</actions>"))
            .collect(),
        links: LinkRun::new("", VM_LINKS, ""),
    })
}

pub(super) const VM_LINKS: &[&str] = &[
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
pub(super) struct Follow {
    pub(super) attachments: bool,
    pub(super) attachment_disks: bool,
    pub(super) reported_devices: bool,
    pub(super) tags: bool,
}

/// One `<vm>`. The hot path of every VM listing: the fixed parts between the VM's values
/// are written as whole literals, the links as precomputed runs, numbers and times in place.
pub(super) fn write_vm(x: &mut X, world: &World, vm: &SimVm, follow: Follow) {
    let id = vm.id.as_str();
    let runs = vm_runs();
    x.set_base(&[API, "/vms/", id]);
    x.open_at_base("vm", id);
    if let Some(actions) = runs.actions.get(action_set(vm.state)) {
        x.run(actions);
    }
    x.leaf("name", &vm.name);
    x.leaf("description", &vm.description);
    x.s.push_str("<comment></comment>");
    x.run(&runs.links);
    x.s.push_str(concat!(
        "<cpu><architecture>x86_64</architecture>",
        "<topology><cores>1</cores><sockets>"
    ));
    x.int(vm.vcpus);
    x.s.push_str("</sockets><threads>1</threads></topology></cpu>");
    x.time("creation_time", vm.created_at);
    x.s.push_str(concat!(
        "<delete_protected>false</delete_protected>",
        "<high_availability><enabled>false</enabled><priority>0</priority></high_availability>",
        "<memory>"
    ));
    x.int(vm.memory_bytes);
    x.s.push_str("</memory><memory_policy><guaranteed>");
    x.int(vm.memory_bytes);
    x.s.push_str("</guaranteed><max>");
    x.int(vm.memory_bytes.saturating_mul(4));
    x.s.push_str(concat!(
        "</max></memory_policy><origin>ovirt</origin>",
        "<os><boot><devices><device>hd</device></devices></boot><type>other</type></os>",
        "<stateless>false</stateless><type>server</type>"
    ));
    x.status(vm_status(vm.state));
    if vm.host_id.is_some() {
        x.time("start_time", vm.updated_at);
    }
    if follow.attachments {
        x.open("disk_attachments");
        for d in &vm.disk_ids {
            if let Ok(disk) = world.peek_disk(d.as_str()) {
                write_attachment(x, world, &disk, id, follow.attachment_disks);
            }
        }
        x.close("disk_attachments");
    }
    if follow.reported_devices {
        x.open("reported_devices");
        for (i, n) in vm.nics.iter().enumerate() {
            super::nics::write_reported(x, vm, i, n);
        }
        x.close("reported_devices");
    }
    if follow.tags {
        x.open("tags");
        for t in &vm.tags {
            super::tags::write_tag(x, id, t);
        }
        x.close("tags");
    }
    x.reference_to(
        concat!("<cluster href=\"", api!(), "/clusters/"),
        vm.cluster_id.as_str(),
    );
    if let Some(h) = &vm.host_id {
        x.reference_to(concat!("<host href=\"", api!(), "/hosts/"), h.as_str());
    }
    let tpl = vm.template_id.as_deref().unwrap_or(BLANK);
    x.reference_to(
        concat!("<original_template href=\"", api!(), "/templates/"),
        tpl,
    );
    x.reference_to(concat!("<template href=\"", api!(), "/templates/"), tpl);
    x.s.push_str("</vm>");
}

pub(super) fn write_host(x: &mut X, world: &World, h: &SimHost) {
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

pub(super) fn write_cluster(x: &mut X, c: &SimCluster) {
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

pub(super) fn write_data_center(x: &mut X) {
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

pub(super) fn write_disk(x: &mut X, world: &World, d: &SimDisk) {
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
    let sd = disk_domain(world, d);
    x.reference("storage_domain", &format!("{API}/storagedomains/{sd}"), &sd);
    x.close("storage_domains");
    x.close("disk");
}

pub(super) fn extra_str<'a>(
    extra: &'a BTreeMap<String, serde_json::Value>,
    k: &str,
) -> Option<&'a str> {
    extra.get(k).and_then(|v| v.as_str())
}

pub(super) fn write_attachment(
    x: &mut X,
    world: &World,
    d: &SimDisk,
    vm_id: &str,
    full_disk: bool,
) {
    let did = d.id.as_str();
    x.open_obj_at(
        "disk_attachment",
        &[API, "/vms/", vm_id, "/diskattachments/", did],
        did,
    );
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
        write_disk(x, world, d);
    } else {
        x.reference_at("disk", &[API, "/disks/", did], did);
    }
    x.reference_at("vm", &[API, "/vms/", vm_id], vm_id);
    x.close("disk_attachment");
}

pub(super) fn write_api(x: &mut X, world: &World) {
    x.open("api");
    for rel in [
        "clusters",
        "datacenters",
        "disks",
        "events",
        "hosts",
        "jobs",
        "networks",
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
                | "networks"
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
    let (domains, domains_active) = count_domains(world);
    x.open("summary");
    for (tag, active, total) in [
        ("hosts", hosts_up, hosts_total),
        ("storage_domains", domains_active, domains),
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
