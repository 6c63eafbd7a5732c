//! The requests: built with setters, sent with `send()`.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;

use futures::stream::{self, BoxStream, StreamExt};
use omnivirt_core::{Cursor, Op, Result};

use super::{Params, op_get, op_list, set};
use crate::native::connection::Connection;
use crate::native::types::{Action, Linked, Vm};
use crate::wire::Resource;

/// `GET` of a collection.
#[must_use]
pub struct ListRequest<T> {
    pub(super) conn: Connection,
    pub(super) path: String,
    pub(super) query: Params,
    pub(super) headers: Params,
    pub(super) only: Option<fn(&[u8]) -> bool>,
    /// The page size asked for and the next page's cursor, announced when the answer looks full.
    pub(super) next_if_full: Option<(u32, Cursor)>,
    pub(super) _t: PhantomData<fn() -> T>,
}

// Only the path and query: headers and body may carry secrets or whole objects.
impl<T> fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .finish()
    }
}

impl<T: Resource> ListRequest<T> {
    /// Server-side search in the engine's query language (`name=web* and status=up`).
    pub fn search(mut self, s: impl Into<String>) -> Self {
        set(&mut self.query, "search", s.into());
        self
    }
    /// At most `n` results.
    pub fn max(mut self, n: u32) -> Self {
        set(&mut self.query, "max", n.to_string());
        self
    }
    /// Case sensitivity of the search.
    pub fn case_sensitive(mut self, yes: bool) -> Self {
        set(&mut self.query, "case_sensitive", yes.to_string());
        self
    }
    /// Inline linked objects (`disk_attachments.disk,nics`).
    pub fn follow(mut self, links: impl Into<String>) -> Self {
        set(&mut self.query, "follow", links.into());
        self
    }
    /// Include expensive attributes (also sends the pre-4.1 `All-Content` header).
    pub fn all_content(mut self, yes: bool) -> Self {
        set(&mut self.query, "all_content", yes.to_string());
        set(&mut self.headers, "All-Content", yes.to_string());
        self
    }
    /// Restrict to what the user may see (needed for non-admin users).
    pub fn filter(mut self, yes: bool) -> Self {
        set(&mut self.query, "filter", yes.to_string());
        self
    }
    /// Any other query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }

    /// Reads of each object only the child elements `keep` accepts (by element name); the
    /// others are passed over unread and their fields stay `None`. Attributes (`id`, `href`)
    /// are always read. For a listing that needs a few fields of many objects: a VM decodes
    /// in about half the time. Types without an `id` read everything.
    ///
    /// ```no_run
    /// # async fn f(conn: omnivirt_ovirt::Connection) -> omnivirt_core::Result<()> {
    /// let vms = conn
    ///     .system()
    ///     .vms()
    ///     .list()
    ///     .only(|tag| matches!(tag, b"name" | b"status"))
    ///     .send()
    ///     .await?;
    /// # let _ = vms;
    /// # Ok(())
    /// # }
    /// ```
    pub fn only(mut self, keep: fn(&[u8]) -> bool) -> Self {
        self.only = Some(keep);
        self
    }

    /// For a listing walking pages (`omnivirt_core::announce_next_page`): when the answer
    /// holds at least `page_size` objects, judged from the raw text before it is decoded,
    /// `next` is announced as the page to fetch next, so it is asked for while this one decodes.
    pub(crate) fn announce_if_full(mut self, page_size: u32, next: Cursor) -> Self {
        self.next_if_full = Some((page_size, next));
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<Vec<T>> {
        self.conn
            .list(
                &self.path,
                &self.query,
                &self.headers,
                op_list::<T>(),
                self.only,
                self.next_if_full,
            )
            .await
    }

    /// Walks the whole collection page by page (`search=<criteria> page N`, `max=page_size`),
    /// holding one page in memory at a time.
    pub fn pages(self, page_size: u32) -> BoxStream<'static, Result<T>> {
        let page_size = page_size.max(1);
        let criteria = self
            .query
            .iter()
            .find(|(k, _)| k == "search")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        struct St<T> {
            req: ListRequest<T>,
            page: u64,
            buf: VecDeque<T>,
            done: bool,
        }
        let st = St {
            req: self.max(page_size),
            page: 1,
            buf: VecDeque::new(),
            done: false,
        };
        stream::unfold(st, move |mut st| {
            let criteria = criteria.clone();
            async move {
                loop {
                    if let Some(item) = st.buf.pop_front() {
                        return Some((Ok(item), st));
                    }
                    if st.done {
                        return None;
                    }
                    let search = format!("{criteria} page {}", st.page).trim().to_owned();
                    let mut q = st.req.query.clone();
                    set(&mut q, "search", search);
                    match st
                        .req
                        .conn
                        .list::<T>(
                            &st.req.path,
                            &q,
                            &st.req.headers,
                            op_list::<T>(),
                            st.req.only,
                            None,
                        )
                        .await
                    {
                        Ok(items) => {
                            st.done = (items.len() as u64) < u64::from(page_size);
                            st.page += 1;
                            st.buf = items.into();
                        }
                        Err(e) => {
                            st.done = true;
                            return Some((Err(e), st));
                        }
                    }
                }
            }
        })
        .boxed()
    }
}

/// `GET` of one object.
#[must_use]
pub struct GetRequest<T> {
    pub(super) conn: Connection,
    pub(super) path: String,
    pub(super) query: Params,
    pub(super) headers: Params,
    pub(super) _t: PhantomData<fn() -> T>,
}

// Only the path and query: headers and body may carry secrets or whole objects.
impl<T> fmt::Debug for GetRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .finish()
    }
}

impl<T: Resource> GetRequest<T> {
    /// Inline linked objects (`disk_attachments.disk`).
    pub fn follow(mut self, links: impl Into<String>) -> Self {
        set(&mut self.query, "follow", links.into());
        self
    }
    /// Include expensive attributes.
    pub fn all_content(mut self, yes: bool) -> Self {
        set(&mut self.query, "all_content", yes.to_string());
        set(&mut self.headers, "All-Content", yes.to_string());
        self
    }
    /// Restrict to what the user may see.
    pub fn filter(mut self, yes: bool) -> Self {
        set(&mut self.query, "filter", yes.to_string());
        self
    }
    /// Any other query parameter (`next_run`...).
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// Sends the request; a missing object is `NotFound`.
    pub async fn send(self) -> Result<T> {
        self.conn
            .get(&self.path, &self.query, &self.headers, op_get::<T>())
            .await
    }
}

/// `POST` of a new object to a collection.
#[must_use]
pub struct AddRequest<T> {
    pub(super) conn: Connection,
    pub(super) path: String,
    pub(super) obj: T,
    pub(super) query: Params,
    pub(super) headers: Params,
}

// Only the path and query: headers and body may carry secrets or whole objects.
impl<T> fmt::Debug for AddRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl<T: Resource> AddRequest<T> {
    /// Clone the template's disks instead of thin copies (`clone=true`, VMs).
    pub fn clone_disks(mut self, yes: bool) -> Self {
        set(&mut self.query, "clone", yes.to_string());
        self
    }
    /// Any other query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// Tags the command so its job can be found (`correlation_id`).
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        set(&mut self.query, "correlation_id", id.into());
        self
    }
    /// Sends the request and returns the new object as the engine describes it.
    pub async fn send(self) -> Result<T> {
        let op = match T::TAG {
            "vm" => Some(Op::VmCreate),
            "disk" => Some(Op::DiskCreate),
            "disk_attachment" => Some(Op::DiskAttach),
            _ => None,
        };
        self.conn
            .add(&self.path, &self.obj, &self.query, &self.headers, op)
            .await
    }
}

/// `PUT` of changed attributes.
#[must_use]
pub struct UpdateRequest<T> {
    pub(super) conn: Connection,
    pub(super) path: String,
    pub(super) obj: T,
    pub(super) query: Params,
    pub(super) headers: Params,
}

// Only the path and query: headers and body may carry secrets or whole objects.
impl<T> fmt::Debug for UpdateRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl<T: Resource> UpdateRequest<T> {
    /// Stage the change until the next restart (`next_run=true`, VMs).
    pub fn next_run(mut self, yes: bool) -> Self {
        set(&mut self.query, "next_run", yes.to_string());
        self
    }
    /// Do not wait for the engine to finish (`async=true`).
    pub fn async_(mut self, yes: bool) -> Self {
        set(&mut self.query, "async", yes.to_string());
        self
    }
    /// Any other query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// Sends the request and returns the updated object.
    pub async fn send(self) -> Result<T> {
        self.conn
            .update(&self.path, &self.obj, &self.query, &self.headers, None)
            .await
    }
}

/// `DELETE` of an object.
#[must_use]
#[derive(Debug)]
pub struct RemoveRequest {
    pub(super) conn: Connection,
    pub(super) path: String,
    pub(super) query: Params,
    pub(super) headers: Params,
    pub(super) op: Option<Op>,
}

impl RemoveRequest {
    /// Keep the disks (VMs: detached and floating; attachments: the default).
    pub fn detach_only(mut self, yes: bool) -> Self {
        set(&mut self.query, "detach_only", yes.to_string());
        self
    }
    /// Remove even if locked.
    pub fn force(mut self, yes: bool) -> Self {
        set(&mut self.query, "force", yes.to_string());
        self
    }
    /// Do not wait for the engine to finish.
    pub fn async_(mut self, yes: bool) -> Self {
        set(&mut self.query, "async", yes.to_string());
        self
    }
    /// Any other query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// Tags the command so its job can be found.
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        set(&mut self.query, "correlation_id", id.into());
        self
    }
    /// Sends the request.
    pub async fn send(self) -> Result<()> {
        self.conn
            .remove(&self.path, &self.query, &self.headers, self.op)
            .await
    }
}

/// `POST <object>/<action>` with an `<action>` body.
#[must_use]
#[derive(Debug)]
pub struct ActionRequest {
    pub(super) conn: Connection,
    pub(super) path: String,
    pub(super) action: Action,
    /// Run-once overrides, made a `<vm>` reference of the action when sent.
    pub(super) vm: Option<Vm>,
    pub(super) query: Params,
    pub(super) headers: Params,
    pub(super) op: Option<Op>,
}

impl ActionRequest {
    /// `<force>`.
    pub fn force(mut self, yes: bool) -> Self {
        self.action.force = Some(yes);
        self
    }
    /// `<async>`: `false` makes the engine wait for storage tasks.
    pub fn async_(mut self, yes: bool) -> Self {
        self.action.r#async = Some(yes);
        self
    }
    /// `<pause>` (start paused).
    pub fn pause(mut self, yes: bool) -> Self {
        self.action.pause = Some(yes);
        self
    }
    /// `<host id>` (migrate target).
    pub fn host(mut self, id: impl Into<String>) -> Self {
        self.action.host = Some(Linked::by_id(&id.into()));
        self
    }
    /// `<cluster id>`.
    pub fn cluster(mut self, id: impl Into<String>) -> Self {
        self.action.cluster = Some(Linked::by_id(&id.into()));
        self
    }
    /// `<storage_domain id>`.
    pub fn storage_domain(mut self, id: impl Into<String>) -> Self {
        self.action.storage_domain = Some(Linked::by_id(&id.into()));
        self
    }
    /// `<use_cloud_init>`.
    pub fn use_cloud_init(mut self, yes: bool) -> Self {
        self.action.use_cloud_init = Some(yes);
        self
    }
    /// `<volatile>`.
    pub fn volatile(mut self, yes: bool) -> Self {
        self.action.volatile = Some(yes);
        self
    }
    /// Tags the command (`correlation_id`) so its job and events can be found.
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        set(&mut self.query, "correlation_id", id.into());
        self
    }
    /// Any query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.query, k, v.into());
        self
    }
    /// A header for this request (`Expect: 202-accepted`...).
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        set(&mut self.headers, k, v.into());
        self
    }
    /// `<reason>`.
    pub fn reason(mut self, r: impl Into<String>) -> Self {
        self.action.reason = Some(r.into());
        self
    }
    /// `<host><name>` (migrate target by name).
    pub fn host_name(mut self, name: impl Into<String>) -> Self {
        self.action.host = Some(Linked::by_name(&name.into()));
        self
    }
    /// `<vm>` run-once overrides (start).
    pub fn vm(mut self, vm: Vm) -> Self {
        self.vm = Some(vm);
        self
    }
    /// Replaces the whole action body (run-once overrides given with [`ActionRequest::vm`]
    /// still apply).
    pub fn body(mut self, action: Action) -> Self {
        self.action = action;
        self
    }
    /// Sends the action. An answer carrying a `<fault>` is an error even on HTTP 2xx.
    pub async fn send(mut self) -> Result<Action> {
        if let Some(vm) = &self.vm {
            self.action.vm = Some(Linked::of(vm)?);
        }
        self.conn
            .action(
                &self.path,
                &self.action,
                &self.query,
                &self.headers,
                self.op,
            )
            .await
    }
}
