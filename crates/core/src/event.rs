//! Events: what happened on the platform, newest first.

use serde::{Deserialize, Serialize};

use crate::model::{EventId, EventSeverity, Extra, ResourceRef, VmId};

/// One entry of the platform's event or audit log.
///
/// ```
/// use omnivirt_core::{Event, EventSeverity};
///
/// let e = Event::new("e-1", "2026-01-02T03:04:05Z", EventSeverity::Info, "VM web-01 started");
/// assert_eq!(e.severity.as_str(), "info");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// Vendor identifier.
    pub id: EventId,
    /// When it happened (RFC 3339, UTC).
    pub time: String,
    /// How serious it is.
    pub severity: EventSeverity,
    /// What happened, in the vendor's words.
    pub message: String,
    /// The objects it is about.
    #[serde(default)]
    pub refs: Vec<ResourceRef>,
    /// The vendor's event code or type, unchanged.
    pub code: Option<String>,
    /// Vendor fields the model does not name.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Event {
    /// An event with the given identity; no object refs.
    pub fn new(
        id: impl Into<EventId>,
        time: impl Into<String>,
        severity: EventSeverity,
        message: impl Into<String>,
    ) -> Self {
        Event {
            id: id.into(),
            time: time.into(),
            severity,
            message: message.into(),
            refs: Vec::new(),
            code: None,
            extra: Extra::new(),
        }
    }

    /// True when it names VM `id`.
    pub fn names_vm(&self, id: &VmId) -> bool {
        self.refs
            .iter()
            .any(|r| matches!(r, ResourceRef::Vm(v) if v == id))
    }
}

/// Which events to list. Events come newest first.
///
/// ```
/// use omnivirt_core::EventQuery;
///
/// let q = EventQuery::new().since("2026-01-01T00:00:00Z").vm("vm-1").limit(20);
/// assert_eq!(q.limit, Some(20));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventQuery {
    /// Only events at or after this time (RFC 3339, UTC: `YYYY-MM-DDTHH:MM:SSZ`).
    pub since: Option<String>,
    /// Only events about this VM.
    pub vm: Option<VmId>,
    /// Stop after this many events.
    pub limit: Option<u64>,
    /// Items per request, when the backend pages.
    pub page_size: Option<u32>,
}

impl EventQuery {
    /// Every event, newest first.
    pub fn new() -> Self {
        EventQuery::default()
    }

    /// Only events at or after `time` (RFC 3339, UTC).
    pub fn since(mut self, time: impl Into<String>) -> Self {
        self.since = Some(time.into());
        self
    }

    /// Only events about VM `id`.
    pub fn vm(mut self, id: impl Into<VmId>) -> Self {
        self.vm = Some(id.into());
        self
    }

    /// Stop after `n` events.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Items per request.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
        self
    }

    /// True when `e` passes the query's filters (for backends that filter client-side).
    ///
    /// Times compare as text, so both must be RFC 3339 in UTC with the same precision
    /// (`Z`, whole seconds): backends normalise the vendor's times before they build an `Event`.
    pub fn matches(&self, e: &Event) -> bool {
        self.since.as_deref().is_none_or(|s| e.time.as_str() >= s)
            && self.vm.as_ref().is_none_or(|v| e.names_vm(v))
    }
}
