//! Events and the console.
//!
//! Events page like the other collections (`search=<criteria> page N` + `max`), newest first;
//! `since` and the VM are criteria of the search (`time>=<RFC 3339>`, `vm.id=<id>`) and are
//! checked again here. The console is a VM's graphics console (VNC preferred) with a ticket
//! from its `ticket` action; the ticket becomes a [`Secret`] at once.

use omnivirt_core::{Cursor, Error, ErrorKind, Event, EventQuery, Op, Page, Result, time};

use super::{OvirtBackend, convert_kept, next_cursor, page_of, search_value, wrap};
use crate::convert;
use crate::error::VENDOR;
use crate::native::typed::Query;

const DEFAULT_EVENT_PAGE: u32 = 100;

/// The search of one page of events.
fn event_search(q: &EventQuery, page: u64) -> Result<String> {
    let mut parts = Vec::new();
    if let Some(since) = &q.since {
        let t = time::normalize(since).ok_or_else(|| {
            Error::invalid_input(format!("`{since}` is not an RFC 3339 time"))
                .with_vendor(VENDOR)
                .with_op(Op::EventList)
        })?;
        parts.push(format!("time>={t}"));
    }
    if let Some(vm) = &q.vm {
        parts.push(format!("vm.id={}", search_value(vm.as_str())));
    }
    Ok(format!("{} page {page}", parts.join(" and "))
        .trim()
        .to_owned())
}

impl OvirtBackend {
    pub(super) async fn events_page(
        &self,
        q: &EventQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Event>> {
        let page = page_of(cursor)?;
        let size = q.page_size.unwrap_or(DEFAULT_EVENT_PAGE).clamp(1, 1000);
        let query = Query::new()
            .set("search", event_search(q, page)?)
            .set("max", size);
        let raw = self
            .conn
            .ops()
            .events_list(&query)
            .await
            .map_err(wrap(Op::EventList))?;
        let next = next_cursor(raw.len(), size, page);
        let items = convert_kept(&raw, convert::event, |e| q.matches(e))?;
        let dropped = items.len() < raw.len();
        Ok(super::numbered_page(items, next).filtered_client_side(dropped))
    }

    pub(super) async fn console_of(
        &self,
        id: &omnivirt_core::VmId,
    ) -> Result<omnivirt_core::Console> {
        use crate::generated::types as g;
        use omnivirt_core::{Console, ConsoleProtocol};

        /// Seconds a ticket stays valid (the engine's default is 120).
        const TICKET_SECS: i64 = 120;

        let ops = self.conn.ops();
        let consoles = ops
            .vms_vm_graphicsconsoles_list(id.as_str(), &Query::new().set("current", true))
            .await
            .map_err(wrap(Op::VmConsole))?;
        let pick = consoles
            .iter()
            .find(|c| matches!(c.protocol, Some(g::GraphicsType::Vnc)))
            .or_else(|| consoles.first())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidState,
                    format!("VM {id} has no graphics console"),
                )
                .with_vendor(VENDOR)
                .with_op(Op::VmConsole)
            })?;
        let cid = pick.id.clone().ok_or_else(|| {
            Error::protocol("the engine listed a graphics console without an id")
                .with_vendor(VENDOR)
                .with_op(Op::VmConsole)
        })?;
        let ask = g::Action {
            ticket: Some(Box::new(g::Ticket {
                expiry: Some(TICKET_SECS),
                ..g::Ticket::default()
            })),
            ..g::Action::default()
        };
        let answer = ops
            .vms_vm_graphicsconsoles_console_ticket(id.as_str(), &cid, &ask, &Query::new())
            .await
            .map_err(wrap(Op::VmConsole))?;
        let ticket = answer.ticket.map(|t| *t).unwrap_or_default();
        let mut out = Console::new(match pick.protocol {
            Some(g::GraphicsType::Vnc) => ConsoleProtocol::Vnc,
            Some(g::GraphicsType::Spice) => ConsoleProtocol::Spice,
            _ => ConsoleProtocol::Unknown,
        });
        out.host = pick.address.clone();
        out.port = pick.port.and_then(|p| u16::try_from(p).ok());
        out.tls_port = pick.tls_port.and_then(|p| u16::try_from(p).ok());
        out.ticket = ticket.value;
        let expiry = ticket.expiry.unwrap_or(TICKET_SECS);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        out.expires_at = Some(time::format_utc(now.saturating_add(expiry)));
        out.extra
            .insert("console_id".into(), serde_json::Value::String(cid));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_search_names_time_and_vm() {
        let q = EventQuery::new()
            .since("2026-01-02T04:04:05+01:00")
            .vm("v-1");
        assert_eq!(
            event_search(&q, 2).unwrap(),
            "time>=2026-01-02T03:04:05Z and vm.id=v-1 page 2"
        );
        assert_eq!(event_search(&EventQuery::new(), 1).unwrap(), "page 1");
        let bad = event_search(&EventQuery::new().since("yesterday"), 1).unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    }
}
