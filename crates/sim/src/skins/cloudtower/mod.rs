//! The CloudTower skin: the World as SmartX CloudTower's `/v2/api`.
//!
//! Every operation is `POST /v2/api/<op>` with a JSON body and a raw token in `Authorization`
//! (`GET /v2/api/get-version` needs none). What it serves:
//!
//! - `login` (`{username, password, source}` -> `{task_id: null, data: {token}}`), and the
//!   GraphQL `authnStrategies` discovery on `POST /api`;
//! - `get-<x>` and `get-<x>-connection` for vms, hosts, clusters, datacenters, disks (physical),
//!   alerts, tasks, vm-snapshots, iscsi-lun-snapshots, vm-disks, vm-nics, vm-volumes,
//!   content-library-vm-templates, vlans, vdses and elf-storage-policies (the World's templates,
//!   networks and storage pools; templates, VLANs and policies paged by the World), and
//!   user-audit-logs (the World's event log), with `where` evaluated against the rendered objects: every
//!   operator suffix, `AND`/`OR`/`NOT`, to-one relations and `_some`/`_every`/`_none` (related
//!   objects are expanded to their full form before matching), `orderBy`, `first`/`skip`/`after`/
//!   `last`/`before`;
//! - mutations returning `[{task_id, data}]`, one item per matching object: create-vm,
//!   create-vm-from-content-library-template, start/shutdown/poweroff/restart/force-restart/
//!   suspend/resume-vm, migrate-vm, delete-vm, create-vm-volume, delete-vm-volume, add-vm-disk
//!   (existing volumes and new ones), remove-vm-disk, and the day-two ones over the World's
//!   own state (`day2.rs`): update-vm-basic-info, clone-vm, create-vm-snapshot,
//!   delete-vm-snapshot, rollback-vm (CPU and memory from the snapshot), and
//!   enter/exit-maintance-mode (one `{task_id, data}`); synchronously (`task_id: null`):
//!   move-vm-to-recycle, recover-vm-from-recycle, add/update/remove-vm-nic, add/remove-vm-cd-rom
//!   and update-vm-disk for CD-ROM images (NICs and CD-ROMs kept in the VM's `extra`);
//! - error bodies `{message, status, path, code?, props?}`; a locked object is HTTP 400
//!   `code: ResourceLocked` with `props.locked_resources`.
//!
//! Physical disks, alerts and the single datacenter are derived from the World (deterministic),
//! since the World has no such objects. Any other operation answers what a real tower answers
//! for a path it has no route for: HTTP 404 with the ErrorBody `{message: "Cannot POST
//! /v2/api/<op>", status: 404, path}`.
//!
//! Tasks advance as the World's listings observe them: a `get-vms` narrowed by `id`/`id_in`/
//! `name` observes only those VMs; any other VM query (and host, cluster or alert listings,
//! which count VMs) observes every busy VM once per request. `get-tasks` by `id`/`id_in`
//! observes just those tasks.

use http::StatusCode;
use omnivirt_http::{Request, Response};
use reply::{error_body, fail};

use crate::skin::Skin;
use crate::world::World;

mod auth;
mod ctx;
mod day2;
mod derived;
mod devices;
mod disks;
mod doc_cache;
mod filter;
mod inventory;
mod labels;
mod mutate;
mod render;
mod reply;
mod router;
mod select;
mod status;
mod vm_doc;
mod vm_json;
mod vm_page;

/// Where the API lives.
pub const MOUNT: &str = "/v2/api";
/// The GraphQL root (LDAP discovery, API keys).
pub const GRAPHQL: &str = "/api";
/// The version `get-version` reports.
pub const API_VERSION: &str = "4.6.0";

const NICS_KEY: &str = "cloudtower_nics";
const CD_ROMS_KEY: &str = "cloudtower_cd_roms";

/// The CloudTower skin.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct CloudTowerSkin {
    /// The `get-vms` documents written so far, copied while current (see `doc_cache`).
    docs: doc_cache::DocCache,
}

impl CloudTowerSkin {
    /// The skin.
    pub fn new() -> Self {
        CloudTowerSkin::default()
    }
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
        router::handle(world, &self.docs, &req)
    }
}
