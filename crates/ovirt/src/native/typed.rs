//! The typed face of every operation: [`Ops`] has one generated `async fn` per operation of the
//! model (`conn.ops().vms_vm_start("123", &Action::default(), &Query::new())`), taking the path
//! variables, the typed body (`Vm`, `Nic`, ... or the `Action`) and a [`Query`], and returning the
//! generated type. Every one of them goes through the three non-generic send functions here, over
//! the connection's one HTTP path (auth, retry policy, error parsing, body limit).

use bytes::Bytes;
use http::Method;
use omnivirt_core::Result;

use crate::error::{VENDOR, action_outcome, fault_error, not_xml};
use crate::generated::types::Action;
use crate::native::connection::Connection;

/// Every operation of the model as a typed method (see the module docs).
#[derive(Debug, Clone)]
pub struct Ops {
    conn: Connection,
}

/// Query parameters of one call, in the order set (`search`, `max`, `follow`, `async` ...; each
/// method's docs list the ones its operation takes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name=value`.
    pub fn set(mut self, name: &str, value: impl ToString) -> Self {
        self.pairs.push((name.to_owned(), value.to_string()));
        self
    }

    /// The pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

impl Connection {
    /// Every operation of the model as a typed method.
    pub fn ops(&self) -> Ops {
        Ops { conn: self.clone() }
    }
}

impl Ops {
    /// The connection underneath.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn url_path(&self, path: &str) -> String {
        if path.is_empty() || path == "/" {
            self.conn.inner.api_path.clone()
        } else {
            format!("{}{path}", self.conn.inner.api_path)
        }
    }

    /// Sends and returns the XML body of a 2xx answer.
    pub(crate) async fn xml(
        &self,
        method: Method,
        path: String,
        query: &Query,
        body: Option<String>,
    ) -> Result<Bytes> {
        let raw = self
            .conn
            .send_ok(method, &self.url_path(&path), &query.pairs, &[], body, None)
            .await?;
        let ct = raw.content_type.as_deref().unwrap_or("");
        if !(ct.ends_with("/xml") || ct.ends_with("+xml")) {
            return Err(not_xml(
                raw.status,
                raw.content_type.as_deref(),
                &self.conn.inner.api_path,
            ));
        }
        Ok(raw.body)
    }

    /// Sends a call answered without a body (remove); a fault document is still an error.
    pub(crate) async fn empty(
        &self,
        method: Method,
        path: String,
        query: &Query,
        body: Option<String>,
    ) -> Result<()> {
        let raw = self
            .conn
            .send_ok(method, &self.url_path(&path), &query.pairs, &[], body, None)
            .await?;
        if let Some(f) = crate::wire::read_fault_doc(&raw.body) {
            return Err(fault_error(raw.status, &f));
        }
        Ok(())
    }

    /// Sends an action; a `<fault>` inside the answer or a `failed` status is an error even on
    /// 2xx. An empty answer is an empty `Action`.
    pub(crate) async fn action(
        &self,
        method: Method,
        path: String,
        query: &Query,
        body: Option<String>,
    ) -> Result<Action> {
        let raw = self
            .conn
            .send_ok(method, &self.url_path(&path), &query.pairs, &[], body, None)
            .await?;
        if raw.body.trim_ascii().is_empty() {
            return Ok(Action::default());
        }
        let action = Action::from_xml(&raw.body).map_err(|e| e.with_vendor(VENDOR))?;
        action_outcome(raw.status, &action)?;
        Ok(action)
    }
}
