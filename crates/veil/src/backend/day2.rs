//! Day-two operations of the uniform backend: batched VM reads, rename/describe, clone, the
//! console, the event journal and the NIC listing. What VeiL's API does not offer (CPU and
//! memory changes, snapshots, NIC plug/unplug, node maintenance) stays `Unsupported`, with the
//! reason in [`UNSUPPORTED`].

use std::collections::HashSet;

use omnivirt_core::{
    CloneSpec, Console, ConsoleProtocol, Cursor, Error, ErrorKind, Event, EventQuery, Nic, Op,
    Page, ResourceRef, Result, Submitted, Vm, VmId, VmUpdate,
};
use omnivirt_http::Secret;
use serde_json::{Map, json};

use super::{LIST_FIELDS, VeilBackend, accepted, offset_of};
use crate::VENDOR;
use crate::convert;
use crate::native::{
    ConsoleKind, DomainClone, DomainFilter, Paginator, Placement, check_id, next_offset,
};
use crate::wire::Accepted;

/// Ids per batched read: the server's default page, and ~3,700 characters of `ids=`, under
/// the URL length the vendor's broker keeps to.
pub const GET_BATCH: usize = 100;

/// Events per page when the query names none.
const EVENT_PAGE: u32 = 100;

/// Why each op VeiL's API lacks is `Unsupported` (shown by the docs and the capability matrix).
pub const UNSUPPORTED: &[(Op, &str)] = &[
    (
        Op::SnapshotList,
        "no client of the VeiL API (Python, Go, VDI broker) calls a snapshot endpoint; only \
         permission names (snapshots_tree) hint that one exists",
    ),
    (
        Op::SnapshotCreate,
        "no confirmed snapshot endpoint in the VeiL API",
    ),
    (
        Op::SnapshotRevert,
        "no confirmed snapshot endpoint in the VeiL API",
    ),
    (
        Op::SnapshotDelete,
        "no confirmed snapshot endpoint in the VeiL API",
    ),
    (
        Op::NicAdd,
        "VeiL plugs NICs only when a domain is created (multi-create vmachine_infs); no \
         attach endpoint is known",
    ),
    (
        Op::NicRemove,
        "no NIC detach endpoint is known in the VeiL API",
    ),
    (
        Op::HostMaintenanceEnter,
        "a node in SERVICE is read as maintenance, but no client of the VeiL API can put it \
         there",
    ),
    (
        Op::HostMaintenanceExit,
        "no client of the VeiL API can take a node out of SERVICE",
    ),
];

/// An op outside VeiL's API, or a field of one: `Unsupported`, before any request.
fn unsupported(op: Op, why: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("{op} is not supported by the {VENDOR} backend: {why}"),
    )
    .with_vendor(VENDOR)
    .with_op(op)
}

/// The page after one that started at `offset` with `n` results, when the server says there is
/// one.
fn next_of(next: Option<&str>, offset: u64, n: usize) -> Option<u64> {
    next?;
    Some(next_offset(next).unwrap_or(offset.saturating_add(n as u64))).filter(|o| *o > offset)
}

impl VeilBackend {
    /// `GET domains/?ids=a,b,...&template=0`, [`GET_BATCH`] ids per request. The answer is
    /// checked against the ids asked for, so a server that ignored `ids` cannot slip other VMs
    /// in.
    pub(super) async fn day2_get_vms(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        for id in ids {
            check_id(id.as_str()).map_err(|e| e.with_op(Op::VmGetBatch))?;
        }
        let mut out = Vec::with_capacity(ids.len());
        let domains = self.client.domains();
        for chunk in ids.chunks(GET_BATCH) {
            let mut wanted: HashSet<&str> = HashSet::new();
            // In the caller's order, once each: the request is the same on every run.
            let asked: Vec<&str> = chunk
                .iter()
                .map(VmId::as_str)
                .filter(|id| wanted.insert(id))
                .collect();
            let filter = DomainFilter::new()
                .template(false)
                .ids(asked)
                .fields(LIST_FIELDS.iter().copied());
            let page = Paginator::new().limit(GET_BATCH as u32);
            let got = domains.list_for(&filter, &page, Op::VmGetBatch).await?;
            out.extend(
                got.results
                    .into_iter()
                    .filter(|d| wanted.contains(d.id.as_str()))
                    .map(convert::into_vm),
            );
        }
        Ok(out)
    }

    /// `PUT domains/{id}/` with `verbose_name` and `description`. VeiL's update takes no CPU or
    /// memory count, so an update naming either is refused before any request.
    pub(super) async fn day2_update_vm(&self, id: &VmId, u: &VmUpdate) -> Result<Submitted> {
        if u.vcpus.is_some() {
            return Err(unsupported(
                Op::VmUpdate,
                "the domain update (PUT domains/{id}/) cannot change vcpus",
            ));
        }
        if u.memory_bytes.is_some() {
            return Err(unsupported(
                Op::VmUpdate,
                "the domain update (PUT domains/{id}/) cannot change memory_bytes",
            ));
        }
        let mut fields = Map::new();
        if let Some(n) = &u.name {
            if n.trim().is_empty() {
                return Err(Error::invalid_input("a VM name must not be empty")
                    .with_vendor(VENDOR)
                    .with_op(Op::VmUpdate));
            }
            fields.insert("verbose_name".into(), json!(n));
        }
        if let Some(d) = &u.description {
            fields.insert("description".into(), json!(d));
        }
        if fields.is_empty() {
            return Err(Error::invalid_input("the update changes nothing")
                .with_vendor(VENDOR)
                .with_op(Op::VmUpdate));
        }
        let answer = self
            .client
            .domains()
            .update(id.as_str(), &fields)
            .await
            .map_err(|e| e.with_op(Op::VmUpdate))?;
        // The Go client reads the domain back at once; under `async=1` a controller may answer
        // a task instead, which is then followed.
        let target = ResourceRef::Vm(id.clone());
        match answer.get("_task") {
            Some(t) if !t.is_null() => {
                let a: Accepted = serde_json::from_value(answer).map_err(|e| {
                    Error::protocol(format!("PUT domains/{id}/: unreadable task: {e}"))
                        .with_vendor(VENDOR)
                        .with_op(Op::VmUpdate)
                })?;
                Ok(accepted(Op::VmUpdate, &a, target))
            }
            _ => Ok(Submitted::done(Op::VmUpdate).target(target)),
        }
    }

    /// `POST domains/{id}/clone/`: one copy, in the resource pool of `spec.cluster` (default:
    /// the source's), or on the source's node and `spec.storage` data pool.
    pub(super) async fn day2_clone_vm(&self, id: &VmId, spec: &CloneSpec) -> Result<Submitted> {
        spec.validate()?;
        let op = Op::VmClone;
        let placement = match (&spec.cluster, &spec.storage) {
            (Some(c), None) => {
                Placement::ResourcePool(self.resource_pool_of(c).await.map_err(|e| e.with_op(op))?)
            }
            (None, None) | (None, Some(_)) => {
                let src = self.client.domains().get_for(id.as_str(), op).await?;
                match &spec.storage {
                    Some(pool) => {
                        let node = src.node.as_ref().map(|n| n.id.clone()).ok_or_else(|| {
                            Error::invalid_input(format!(
                                "VM {id} has no node, so its clone cannot be placed on a data \
                                 pool; name a cluster instead"
                            ))
                            .with_vendor(VENDOR)
                            .with_op(op)
                        })?;
                        Placement::Node {
                            node,
                            datapool: pool.as_str().to_owned(),
                        }
                    }
                    None => match (&src.resource_pool, &src.cluster) {
                        (Some(rp), _) => Placement::ResourcePool(rp.id.clone()),
                        (None, Some(c)) => Placement::ResourcePool(
                            self.resource_pool_of(&c.id.as_str().into())
                                .await
                                .map_err(|e| e.with_op(op))?,
                        ),
                        (None, None) => {
                            return Err(Error::protocol(format!(
                                "domains/{id}/ names neither a resource pool nor a cluster"
                            ))
                            .with_vendor(VENDOR)
                            .with_op(op));
                        }
                    },
                }
            }
            (Some(_), Some(_)) => {
                return Err(Error::invalid_input(
                    "a VeiL clone goes to a resource pool (cluster) or to a data pool on the \
                     source's node, not both: set CloneSpec::cluster or CloneSpec::storage",
                )
                .with_vendor(VENDOR)
                .with_op(op));
            }
        };
        let proposed = (self.new_id)();
        let c = DomainClone::new(spec.name.clone(), placement).domains_ids(vec![proposed.clone()]);
        let a = self
            .client
            .domains()
            .clone_domain(id.as_str(), &c)
            .await
            .map_err(|e| e.with_op(op))?;
        // The copy gets the id the client proposed in `domains_ids`; a server that answers
        // `entity` (as create does) names it itself.
        let new_id = a.entity.clone().unwrap_or(proposed);
        Ok(accepted(op, &a, ResourceRef::Vm(VmId::new(new_id))))
    }

    /// `GET domains/{id}/spice/`: the HTML5 client's page (a path on the controller). The
    /// password becomes the ticket; the URL is given without its query (host, password,
    /// websocket token), which the native [`Domains::console`](crate::native::Domains::console)
    /// keeps whole, as a secret. Then `GET domains/{id}/` for the port a SPICE client uses
    /// (`remote_access_port`; `graphics_password` is the ticket when the URL carries none).
    pub(super) async fn day2_console(&self, id: &VmId) -> Result<Console> {
        let native = self
            .client
            .domains()
            .console(id.as_str(), ConsoleKind::Spice)
            .await
            .map_err(|e| e.with_op(Op::VmConsole))?;
        let mut c = Console::new(ConsoleProtocol::Spice);
        c.host = native.host.clone();
        c.ticket = native.password.as_ref().map(|p| Secret::new(p.expose()));
        let page = native
            .url
            .expose()
            .split_once('?')
            .map_or(native.url.expose(), |(p, _)| p)
            .to_owned();
        // As the controller answers it: a path on the controller. The page reads `host`,
        // `password` and the token from its query; `host` is a field of its own here and the
        // other two are secrets, so the URL carries none of them.
        c.url = Some(page);
        if native.token.is_some() {
            c.extra
                .insert("websocket_token".into(), json!(omnivirt_http::REDACTED));
        }
        // What VeiL's thin client connects to: the domain detail's `remote_access_port` (on
        // the controller, whose address the URL's `host` names) and `graphics_password`.
        let d = self
            .client
            .domains()
            .get(id.as_str())
            .await
            .map_err(|e| e.with_op(Op::VmConsole))?;
        let port_of = |key: &str| {
            d.extra
                .get(key)
                .and_then(serde_json::Value::as_u64)
                .and_then(|p| u16::try_from(p).ok())
                .filter(|p| *p > 0)
        };
        c.port = port_of("remote_access_port");
        if let Some(p) = port_of("real_remote_access_port") {
            // The node's own port, for a client that bypasses the controller.
            c.extra.insert("direct_port".into(), json!(p));
        }
        if c.ticket.is_none() {
            c.ticket = d
                .extra
                .get("graphics_password")
                .and_then(serde_json::Value::as_str)
                .filter(|p| !p.is_empty())
                .map(Secret::new);
        }
        Ok(c)
    }

    /// `GET vmachine-infs/?domain={id}`, every page; interfaces of other domains (a server
    /// that ignores the filter) are dropped here.
    pub(super) async fn day2_list_nics(&self, vm: &VmId) -> Result<Vec<Nic>> {
        let id = check_id(vm.as_str()).map_err(|e| e.with_op(Op::NicList))?;
        let infs = self.client.vmachine_infs();
        let mut out = Vec::new();
        let mut offset = 0u64;
        loop {
            let p = Paginator::new().limit(EVENT_PAGE).offset(offset);
            let page = infs
                .list_where(&[("domain", Some(id))], &p, Some(Op::NicList))
                .await?;
            out.extend(
                page.results
                    .iter()
                    .filter(|n| n.domain.as_ref().is_none_or(|d| d.id == id))
                    .map(|n| convert::nic(id, n)),
            );
            match next_of(page.next.as_deref(), offset, page.results.len()) {
                Some(o) if !page.results.is_empty() => offset = o,
                _ => return Ok(out),
            }
        }
    }

    /// `GET events/?ordering=-created` with limit/offset. The journal filters by user and type
    /// only, so `vm` and `since` are applied here; `since` ends the listing at the first older
    /// event.
    pub(super) async fn day2_list_events(
        &self,
        query: &EventQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        let op = Op::EventList;
        let since = match &query.since {
            None => None,
            Some(t) => Some(omnivirt_core::time::parse_rfc3339(t).ok_or_else(|| {
                Error::invalid_input(format!("`{t}` is not an RFC 3339 time"))
                    .with_vendor(VENDOR)
                    .with_op(op)
            })?),
        };
        let vm = query.vm.as_ref();
        let size = query.page_size.unwrap_or(EVENT_PAGE).max(1);
        let mut offset = offset_of(cursor)?;
        let events = self.client.events();
        loop {
            let p = Paginator::new()
                .ordering("-created")
                .limit(size)
                .offset(offset);
            let page = events.list_for(&p, op).await?;
            let mut items = Vec::new();
            let mut older = false;
            for e in page.results.iter().filter_map(convert::event) {
                let t = omnivirt_core::time::parse_rfc3339(&e.time).unwrap_or(i64::MIN);
                if since.is_some_and(|s| t < s) {
                    older = true;
                    break;
                }
                if vm.is_none_or(|v| e.names_vm(v)) {
                    items.push(e);
                }
            }
            let next = if older {
                None
            } else {
                next_of(page.next.as_deref(), offset, page.results.len())
            };
            let client_side = vm.is_some() || since.is_some();
            if !items.is_empty() || next.is_none() {
                let out = Page::new(items, next.map(|n| Cursor::new(n.to_string())));
                return Ok(if client_side {
                    out.filtered_client_side(true)
                } else {
                    out.with_total(page.count)
                });
            }
            if let Some(n) = next {
                offset = n;
            }
        }
    }
}

/// `Unsupported` for an op VeiL's API lacks, with the reason from [`UNSUPPORTED`].
pub(super) fn lacking(op: Op) -> Error {
    match UNSUPPORTED.iter().find(|(o, _)| *o == op) {
        Some((_, why)) => unsupported(op, why),
        None => Error::unsupported(VENDOR, op),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_veil_lacks_is_not_declared_and_says_why() {
        let caps = super::super::capabilities();
        for (op, why) in UNSUPPORTED {
            assert!(
                !caps.supports(*op),
                "{op} is declared but listed as lacking"
            );
            assert_eq!(caps.note(*op), Some(*why), "{op} has no note");
            let e = lacking(*op);
            assert_eq!(e.kind(), ErrorKind::Unsupported);
            assert!(e.to_string().contains(why), "{e}");
        }
    }

    #[test]
    fn next_page_needs_a_next_link_and_progress() {
        assert_eq!(next_of(None, 0, 10), None);
        assert_eq!(
            next_of(Some("https://c/api/events/?limit=10&offset=10"), 0, 10),
            Some(10)
        );
        assert_eq!(next_of(Some("garbage"), 20, 5), Some(25));
    }
}
