//! A domain as the skin answers it: borrowed from the World's VM and serialized straight to
//! text, so a `GET domains/{id}/` builds no `serde_json::Value` (one map and one string per
//! field). The list forms are this document made a `Value` (see `domain_json`), which `fields=`
//! then picks from. `tests/page_snapshot.rs` keeps the bytes what they were.

use std::borrow::Cow;

use serde::Serialize;

use super::MIB;
use super::render::resource_pool_id;
use super::status::vm_words;
use super::tags::{COLOUR, tag_id};
use crate::model::{SimVm, rfc3339};
use crate::world::World;

/// One domain, in the field order VeiL answers with.
#[derive(Serialize)]
pub(super) struct DomainDoc<'a> {
    id: &'a str,
    verbose_name: &'a str,
    status: &'static str,
    user_power_state: u8,
    cpu_count: u32,
    memory_count: u64,
    vdisks_count: usize,
    vmachine_infs_count: u8,
    memory_pool: (),
    node: Option<Named<'a>>,
    template: bool,
    tags: Vec<Tag<'a>>,
    hints: u8,
    resource_pool: Named<'a>,
    parent: Option<Named<'a>>,
    locked_by: Option<&'a str>,
    /// What the detail form adds (and `all_content=1`, and `fields=`).
    #[serde(flatten)]
    detail: Option<Detail<'a>>,
}

/// `{id, verbose_name}` of a related object.
#[derive(Serialize)]
struct Named<'a> {
    id: Cow<'a, str>,
    verbose_name: String,
}

/// A tag as a domain lists it.
#[derive(Serialize)]
struct Tag<'a> {
    id: String,
    verbose_name: &'a str,
    colour: &'static str,
}

/// The fields of the detail form.
#[derive(Serialize)]
struct Detail<'a> {
    cluster: Named<'a>,
    description: &'a str,
    os_type: &'static str,
    created: String,
    modified: String,
    remote_access: bool,
    start_on_boot: bool,
    permissions: Permissions,
    guest_utils: GuestUtils<'a>,
    /// A running VM's console port, in a `GET domains/{id}/` answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_access_port: Option<u16>,
    /// Its one-time console password.
    #[serde(skip_serializing_if = "Option::is_none")]
    graphics_password: Option<String>,
}

#[derive(Serialize)]
struct Permissions {
    start: bool,
    shutdown: bool,
    remove: bool,
}

/// What the guest agent reports: the addresses of a running VM's NICs, one interface each.
#[derive(Serialize)]
struct GuestUtils<'a> {
    veil_state: bool,
    qemu_state: bool,
    version: Option<&'static str>,
    hostname: Option<&'a str>,
    ipv4: Vec<&'a str>,
    interfaces: Vec<&'a str>,
}

impl<'a> DomainDoc<'a> {
    /// The list form of `vm`, or with `detail` the detail form (without the console fields).
    pub(super) fn new(world: &World, vm: &'a SimVm, detail: bool) -> Self {
        let (status, power) = vm_words(vm.state);
        let cluster = vm.cluster_id.as_str();
        let cluster_name = world
            .get_cluster(cluster)
            .map(|c| c.name)
            .unwrap_or_default();
        let node = vm.host_id.as_ref().map(|h| Named {
            id: h.as_str().into(),
            verbose_name: world
                .get_host(h.as_str())
                .map(|h| h.name)
                .unwrap_or_default(),
        });
        let parent = vm.template_id.as_ref().map(|t| Named {
            id: t.as_str().into(),
            verbose_name: world.get_template(t).map(|t| t.name).unwrap_or_default(),
        });
        let resource_pool = Named {
            id: resource_pool_id(cluster).into(),
            verbose_name: format!("{cluster_name} resource pool"),
        };
        let detail = detail.then(|| Detail::new(vm, cluster, cluster_name));
        DomainDoc {
            id: vm.id.as_str(),
            verbose_name: &vm.name,
            status,
            user_power_state: power,
            cpu_count: vm.vcpus,
            memory_count: vm.memory_bytes / MIB,
            vdisks_count: vm.disk_ids.len(),
            vmachine_infs_count: 0,
            memory_pool: (),
            node,
            template: false,
            tags: vm
                .tags
                .iter()
                .map(|t| Tag {
                    id: tag_id(t),
                    verbose_name: t,
                    colour: COLOUR,
                })
                .collect(),
            hints: 0,
            resource_pool,
            parent,
            locked_by: vm.task_id.as_ref().map(|t| t.as_str()),
            detail,
        }
    }

    /// Adds a running VM's console: its port and one-time password (detail form only).
    pub(super) fn with_console(mut self, port: u16, ticket: String) -> Self {
        if let Some(d) = &mut self.detail {
            d.remote_access = true;
            d.remote_access_port = Some(port);
            d.graphics_password = Some(ticket);
        }
        self
    }
}

impl<'a> Detail<'a> {
    fn new(vm: &'a SimVm, cluster: &'a str, cluster_name: String) -> Self {
        let ipv4: Vec<&str> = if vm.state == omnivirt_core::VmState::Running {
            vm.nics.iter().map(|n| n.ip.as_str()).collect()
        } else {
            Vec::new()
        };
        let running = !ipv4.is_empty();
        let interfaces = vm
            .nics
            .iter()
            .filter(|_| running)
            .map(|n| n.name.as_str())
            .collect();
        Detail {
            cluster: Named {
                id: cluster.into(),
                verbose_name: cluster_name,
            },
            description: &vm.description,
            os_type: "Other",
            created: rfc3339(vm.created_at),
            modified: rfc3339(vm.updated_at),
            remote_access: false,
            start_on_boot: false,
            permissions: Permissions {
                start: true,
                shutdown: true,
                remove: true,
            },
            guest_utils: GuestUtils {
                veil_state: running,
                qemu_state: running,
                version: running.then_some("101.1.0"),
                hostname: running.then_some(vm.name.as_str()),
                ipv4,
                interfaces,
            },
            remote_access_port: None,
            graphics_password: None,
        }
    }
}
