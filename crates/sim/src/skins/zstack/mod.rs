//! The ZStack skin: the World as a ZStack management node's REST API v1 (`/zstack/v1`).
//!
//! What it serves, in the wire shapes of ZStack 4.x/5.x:
//!
//! - sessions: `PUT /accounts/login` with `{"logInByAccount": {"accountName", "password"}}`
//!   where the password is the SHA-512 hex of the plain one (-> `{"inventory": SessionInventory}`),
//!   `DELETE /accounts/sessions/{uuid}` (logout, `{}`), `GET /accounts/sessions/{uuid}/valid`;
//!   every other call needs `Authorization: OAuth <session>` (400 plain text when missing or of
//!   another scheme; 503 `ID.1001` when the session is unknown or expired);
//! - queries: `GET /vm-instances`, `/hosts`, `/clusters`, `/zones`, `/volumes`, `/images`,
//!   `/l3-networks`, `/l2-networks`, `/primary-storage` (and `/<res>/{uuid}`, except
//!   `/primary-storage/{uuid}` which the API does not map) with repeated `q=<field><op><value>` conditions (every operator, the
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
//! There is one zone; the World's templates are root volume templates (`QueryImage`), each of
//! its networks an L3 network on an L2 network of its own (VLAN when the World gives one, one
//! IP range over its CIDR), each of its storage pools an NFS primary storage attached to its
//! cluster (where that cluster's volumes live). Images, networks and primary storage are paged
//! by the World when the conditions are on uuid, name or attached cluster. There are no
//! offerings (`instanceOfferingUuid` is refused) and no tags.
//!
//! Day two (`day2.rs`): `updateVmInstance` and `cloneVmInstance` (one name, stopped) on
//! `/vm-instances/{uuid}/actions`; snapshot groups at `/volume-snapshots/group` (query, create
//! from the root volume, revert, delete); NICs as the VM's `vmNics`, added with `POST
//! /vm-instances/{vm}/l3-networks/{l3}` and removed with `DELETE /vm-instances/nics/{nic}`;
//! `changeHostState` (`maintain`/`enable`) on `/hosts/{uuid}/actions`; `GET /eventlogs`; and
//! `POST /consoles`, answered `200` at once (the World hands out consoles without a task) where a
//! management node answers with a job.
//!
//! Passwords: the management node compares SHA-512 digests, the World keeps plain passwords.
//! The skin hashes the passwords it knows ([`ZStackSkin::with_password`]; `admin` and
//! `password` by default) to find the plain one, then logs in to the World with it; a World user
//! configured with the digest itself as password also works.

use http::StatusCode;
use omnivirt_http::{Request, Response};

use crate::skin;
use crate::skin::Skin;
use crate::world::World;

mod auth;
mod day2;
mod filter;
mod ids;
mod inventory;
mod jobs;
mod mutate;
mod query;
mod render;
mod reply;
mod router;
mod status;
mod tags;
#[cfg(test)]
mod tests;
mod vm_doc;
mod vm_json;

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
        router::handle(self, world, &req)
    }
}
