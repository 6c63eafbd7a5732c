//! The oVirt skin: the World as an oVirt engine's REST API (XML, version 4) under
//! `/ovirt-engine`.
//!
//! - `POST /ovirt-engine/sso/oauth/token` (form, `grant_type=password`) answers the SSO JSON;
//!   `POST /ovirt-engine/services/sso-logout` revokes. API calls need `Authorization: Bearer`
//!   (or HTTP Basic, as 3.x clients sent); a bad or expired token gets the engine's HTML 401.
//! - `GET /ovirt-engine/api` is the API root. Collections: `vms` (with `search` by name, status,
//!   cluster and host, `sortby`, `page N` + `max`, `follow=disk_attachments[.disk]`), `hosts`,
//!   `clusters`, `datacenters`, `storagedomains`, `templates`, `networks` (search by name and
//!   id, `page N` + `max`; see the `fabric` module), `clusters/{id}/networks`,
//!   `datacenters/{id}/storagedomains`, `disks`, `jobs` (search by `correlation_id`),
//!   `jobs/{id}/steps`, `events` (search by `correlation_id`, `max`);
//!   `vms/{id}/diskattachments` (attach, detach), `vms/{id}/disks` (3.x); `vms/{id}/nics`
//!   (list, add, remove), `vms/{id}/reporteddevices` (also `follow=reported_devices` on VMs),
//!   `vms/{id}/tags` (list, assign by name, unassign; also `follow=tags`; see `tags`),
//!   `vnicprofiles` and `networks/{id}/vnicprofiles` (see `nics`); the day-two endpoints of the `day2` module (VM `PUT`, snapshots, `clone`,
//!   graphics consoles and tickets, host `deactivate`/`activate`). VM actions `start`, `stop`, `shutdown`, `reboot`, `suspend`,
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
//! - The World has one implicit data center (`Default`) holding every cluster, network and
//!   storage pool; each storage pool is an NFS data domain. The `Blank` template (all-zero id)
//!   means "no template".
//! - Disk attachment and detachment are synchronous on the engine's wire, so the skin drives
//!   their World task to completion before answering (with the per-poll clock; with a wall
//!   clock the disk may still be locked for a moment).
//! - Invalid moves are faults with the engine's codes: 409 for a wrong state or a lock, 400 for
//!   bad input, 404 (empty body for a `GET`) for a missing object.
//! - A request with `Version: 3` gets 3.x status elements (`<status><state>..</state></status>`).

use http::StatusCode;
use omnivirt_http::{Request, Response};
use reply::{fault, unauthorized};

use crate::skin::Skin;
use crate::world::World;

mod auth;
mod day2;
mod fabric;
mod filter;
mod jobs;
mod mutate;
mod nics;
mod read;
mod render;
mod reply;
mod router;
mod status;
mod tags;
#[cfg(test)]
mod tests;
mod xml;

const MOUNT: &str = "/ovirt-engine";
/// [`API`] as a literal, for `concat!` of the fixed parts of hrefs.
macro_rules! api {
    () => {
        "/ovirt-engine/api"
    };
}
use api;
const API: &str = api!();
const BLANK: &str = "00000000-0000-0000-0000-000000000000";
const ROOT_TAG: &str = "00000000-0000-0000-0000-000000000001";
const ADMIN_USER: &str = "58ca604b-017d-0374-0220-000000000001";
const DC_NAME: &str = "Default";

fn dc_id() -> String {
    crate::uuid_from("omnivirt-sim/ovirt/data-center/Default")
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
        router::handle(world, &req)
    }
}
