//! The VeiL ECP REST API (JSON, JWT, tasks) skin.
//!
//! Mounted at `/veil`: the controller's `/api/...`, `/auth/` and `/logout/` appear under
//! `/veil/api/...`, `/veil/auth/` and `/veil/logout/`, because CloudTower's skin already owns
//! `/api`. VeiL allows a path in the controller address, so clients take
//! `http://127.0.0.1:PORT/veil` as the controller (the Python client: server address
//! `127.0.0.1:PORT/veil`).
//!
//! What it serves, with the wire shapes of the vendor samples:
//!
//! - `POST /auth/` `{username, password, ldap}` -> `{token}`; `POST /logout/`. Every `/api/`
//!   request needs `Authorization: jwt <token>`; a bad or expired token is 401
//!   `{"errors":[{"detail":"Signature has expired.","code":"invalid"}]}`.
//! - `GET domains/` (`template=0|1`, `cluster`, `node`, `resource_pool`, `ids`, `name`
//!   (contains, any case), `ordering`, `limit`/`offset` (default 100), `fields`, `all_content`)
//!   and `GET domains/{id}/`; DRF envelope `{count, next, previous, results}` with absolute
//!   `next`/`previous` URLs. Without `template` only VMs are listed (a real controller lists
//!   templates too).
//! - `POST domains/{id}/start|shutdown|reboot|suspend|resume|reset/` `{force}`, `remove/`,
//!   `multi-create-domain/` (one domain per request; `entity` is the World's id, `domains_ids`
//!   is not honoured), `multi-manager/` (each VM is acted on; the answer is the first VM's task
//!   with every VM in `entities`), `attach-vdisk/` / `detach-vdisk/` `{vdisk}` (paths not
//!   confirmed on a real controller), `PUT domains/{id}/` (name, description): 202 with
//!   `{"_task": ...}`; `async=0` on a power action answers 200 with the domain instead.
//! - `GET nodes/`, `clusters/`, `resource-pools/` (also `resource_pools/`), `data-pools/`
//!   (`cluster`, `node`, `resource_pool`, `name`), `vnetworks/` (`name`), `vdisks/` (`domain`,
//!   `datapool` filters) and their details; `POST vdisks/` `{verbose_name, datapool, size
//!   (GiB)}`, `POST vdisks/{id}/remove/`. Templates are `domains/?template=1` and
//!   `domains/{id}/` (`template: true`).
//! - Day two: `POST domains/{id}/clone/` (one copy; `entity` names it), `GET domains/{id}/spice/`
//!   and `vnc/` (`{spice_url}` / `{vnc_url}` with `host`, `password` and the websocket token;
//!   the VM must run), `GET events/` (`type`, `user`; newest first) and `events/{id}/`, `GET
//!   vmachine-infs/` (`domain` filter) and `vmachine-infs/{id}/` (the World's NICs). VeiL has
//!   no snapshot, NIC attach or node maintenance endpoint that any client confirms, so none is
//!   served.
//! - `GET tasks/{id}/`, `GET tasks/` (`status`); `GET controllers/check/`,
//!   `controllers/base-version/`.
//!
//! Each cluster has one resource pool, with an id derived from the cluster id. Data pools are
//! the World's storage pools (sizes in MiB) and virtual networks the World's networks
//! (`data_vlan`, `data_subnet`), each page read from the World. A domain detail carries
//! `created`, `tags` and `guest_utils` (`ipv4`: the addresses of a running VM's NICs, as its agent reports them).
//! Errors are `{"errors":[{"code", "detail"}]}`: 404 for a missing object, 400 otherwise (a
//! refused state change says `cannot start VM ...: it is running`).

use http::StatusCode;
use omnivirt_http::{Request, Response};
use reply::errors;

use crate::skin::Skin;
use crate::world::World;

mod day2;
mod domain_doc;
mod filter;
mod mutate;
mod read;
mod render;
mod reply;
mod router;
mod status;
mod tags;

/// Where the skin is mounted.
pub const MOUNT: &str = "/veil";

const DEFAULT_LIMIT: usize = 100;
const MIB: u64 = 1 << 20;
const GIB: f64 = (1u64 << 30) as f64;

/// The VeiL skin.
#[derive(Debug, Default, Clone, Copy)]
#[non_exhaustive]
pub struct VeilSkin;

impl VeilSkin {
    /// The skin.
    pub fn new() -> Self {
        VeilSkin
    }
}

impl Skin for VeilSkin {
    fn vendor(&self) -> &'static str {
        "veil"
    }

    fn mount(&self) -> &'static str {
        MOUNT
    }

    fn credentials_hint(&self) -> String {
        "controller <url>/veil; POST /veil/auth/ with user admin, password admin, then \
         Authorization: jwt <token>"
            .into()
    }

    fn error_response(&self, status: StatusCode, message: &str) -> Response {
        errors(status, &status.as_u16().to_string(), message)
    }

    fn handle(&self, world: &World, req: Request) -> Response {
        router::handle(world, &req)
    }
}
