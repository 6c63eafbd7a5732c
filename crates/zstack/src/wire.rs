//! ZStack REST v1 JSON shapes (inventories, envelopes, error codes).
//!
//! Every struct tolerates unknown fields (premium editions add many) and keeps them in `extra`,
//! so nothing the server sent is silently lost. Dates stay text: the server writes Gson's
//! locale-dependent `"Apr 30, 2014 6:11:47 PM"` without a time zone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Fields the typed view does not name.
pub type Extra = BTreeMap<String, Value>;

/// A login session (`SessionInventory`). Its `uuid` is the session id: a secret, never printed.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct SessionInventory {
    /// The session id (goes into `Authorization: OAuth <uuid>`).
    pub uuid: String,
    /// Account of the session.
    pub account_uuid: Option<String>,
    /// User of the session.
    pub user_uuid: Option<String>,
    /// When it expires (renewed by every authenticated call).
    pub expired_date: Option<String>,
    /// When it was created.
    pub create_date: Option<String>,
}

impl std::fmt::Debug for SessionInventory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionInventory")
            .field("uuid", &"***")
            .field("account_uuid", &self.account_uuid)
            .field("user_uuid", &self.user_uuid)
            .field("expired_date", &self.expired_date)
            .finish_non_exhaustive()
    }
}

/// An `ErrorCode` (or `ErrorCodeList`): what a 503 or a failed job carries under `error`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct ErrorCode {
    /// `SYS.1003`, `ID.1001`, `VM.1010`, ...
    pub code: Option<String>,
    /// Generic text of the code.
    pub description: Option<String>,
    /// The specific message.
    pub details: Option<String>,
    /// A human explanation and remedy, when the server has one.
    pub elaboration: Option<String>,
    /// Where in the server it happened.
    pub location: Option<String>,
    /// The error that caused this one.
    pub cause: Option<Box<ErrorCode>>,
    /// Several causes (`ErrorCodeList`).
    pub causes: Vec<ErrorCode>,
    /// Everything else (`cost`, `opaque`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl ErrorCode {
    /// The most useful text: the elaboration, else the details, else the description, followed
    /// by the causes; on one line whatever the server put in it.
    pub fn message(&self) -> String {
        omnivirt_http::single_line(&self.message_as_sent())
    }

    fn message_as_sent(&self) -> String {
        let own = self
            .elaboration
            .as_deref()
            .or(self.details.as_deref())
            .or(self.description.as_deref())
            .filter(|s| !s.is_empty());
        let mut parts: Vec<String> = own.map(str::to_owned).into_iter().collect();
        if let Some(c) = &self.cause {
            parts.push(format!("caused by: {}", c.message()));
        }
        for c in &self.causes {
            parts.push(format!("caused by: {}", c.message()));
        }
        if parts.is_empty() {
            return self
                .code
                .clone()
                .unwrap_or_else(|| "unknown error".to_owned());
        }
        parts.join("; ")
    }

    /// The first code in this error or its causes (an `ErrorCodeList` has none of its own).
    pub fn effective_code(&self) -> Option<&str> {
        if let Some(c) = self.code.as_deref() {
            return Some(c);
        }
        self.cause
            .as_deref()
            .and_then(ErrorCode::effective_code)
            .or_else(|| self.causes.iter().find_map(ErrorCode::effective_code))
    }
}

/// `{"error": ErrorCode}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ErrorEnvelope {
    pub(crate) error: ErrorCode,
}

/// `{"inventory": T}`: the answer of a create or an action.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct InventoryReply<T> {
    pub(crate) inventory: T,
}

/// `{"inventories": [T], "total": n}`: the answer of a query.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
pub(crate) struct QueryReply<T> {
    /// Absent only in a count-only answer (`count=true`); a listing without it is a broken
    /// server, not an empty page.
    #[serde(default = "Option::default")]
    pub(crate) inventories: Option<Vec<T>>,
    #[serde(default)]
    pub(crate) total: Option<u64>,
}

/// The 202 body: `{"location": ".../api-jobs/<uuid>", "apiTimeout": ms}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Accepted {
    pub(crate) location: String,
    #[serde(default)]
    pub(crate) api_timeout: Option<u64>,
}
