//! List queries, pages and pagination.

use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt};
use serde::{Deserialize, Serialize};

use crate::error::Result;

mod ahead;
mod seen;

use crate::model::{ClusterId, Disk, DiskState, Host, HostId, HostState, Vm, VmId, VmState};
pub use ahead::announce_next_page;
use ahead::{Early, NextPage, Pager};
use seen::{KeyFn, Seen, hash_of};

/// How to match names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum NameFilter {
    /// The name contains this text (case-sensitive).
    Contains(String),
    /// The name is exactly this text.
    Equals(String),
}

impl NameFilter {
    /// True if `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            NameFilter::Contains(s) => name.contains(s.as_str()),
            NameFilter::Equals(s) => name == s,
        }
    }
}

/// Field to order a listing by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum OrderField {
    /// By name.
    Name,
    /// By identifier.
    Id,
}

/// Ordering of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Order {
    /// The field.
    pub field: OrderField,
    /// True for descending.
    pub descending: bool,
}

/// A filter for listings, translated by each backend to its native filter. What a vendor cannot
/// filter on the server is filtered client-side, and the [`Page`] says so.
///
/// ```
/// use omnivirt_core::{ListQuery, Vm, VmState};
///
/// let q = ListQuery::new().name_contains("db").vm_state(VmState::Running);
/// let vm = Vm::new("1", "db-01", VmState::Running);
/// assert!(q.matches_vm(&vm));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListQuery {
    /// Name filter.
    pub name: Option<NameFilter>,
    /// VM state filter (VM listings).
    pub vm_state: Option<VmState>,
    /// Host state filter (host listings).
    pub host_state: Option<HostState>,
    /// Disk state filter (disk listings).
    pub disk_state: Option<DiskState>,
    /// Only objects in this cluster.
    pub cluster: Option<ClusterId>,
    /// Only objects on this host.
    pub host: Option<HostId>,
    /// Only disks attached to this VM.
    pub vm: Option<VmId>,
    /// Items per page requested from the server (the backend may cap it).
    pub page_size: Option<u32>,
    /// Stop after this many items in total (applied by the client stream).
    pub limit: Option<u64>,
    /// Ordering.
    pub order: Option<Order>,
}

impl ListQuery {
    /// An empty query: everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names containing `s`.
    pub fn name_contains(mut self, s: impl Into<String>) -> Self {
        self.name = Some(NameFilter::Contains(s.into()));
        self
    }

    /// Names equal to `s`.
    pub fn name_equals(mut self, s: impl Into<String>) -> Self {
        self.name = Some(NameFilter::Equals(s.into()));
        self
    }

    /// VMs in state `st`.
    pub fn vm_state(mut self, st: VmState) -> Self {
        self.vm_state = Some(st);
        self
    }

    /// Hosts in state `st`.
    pub fn host_state(mut self, st: HostState) -> Self {
        self.host_state = Some(st);
        self
    }

    /// Disks in state `st`.
    pub fn disk_state(mut self, st: DiskState) -> Self {
        self.disk_state = Some(st);
        self
    }

    /// Objects in cluster `id`.
    pub fn cluster(mut self, id: impl Into<ClusterId>) -> Self {
        self.cluster = Some(id.into());
        self
    }

    /// Objects on host `id`.
    pub fn host(mut self, id: impl Into<HostId>) -> Self {
        self.host = Some(id.into());
        self
    }

    /// Disks of VM `id`.
    pub fn vm(mut self, id: impl Into<VmId>) -> Self {
        self.vm = Some(id.into());
        self
    }

    /// Page size to request.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
        self
    }

    /// Total item limit.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// The page size a backend asks its server for: [`page_size`](Self::page_size) when the
    /// caller gave one; else the backend's `default`, or the [`limit`](Self::limit) when that
    /// is smaller and the server applies every filter (`client_side` false), so a listing of
    /// the first 5 VMs asks for 5, not for a default page of hundreds. When some filter runs on
    /// the client, a page of `limit` items may hold fewer matches, so the default is kept.
    /// Backends clamp the answer to what their server accepts.
    ///
    /// ```
    /// use omnivirt_core::ListQuery;
    ///
    /// assert_eq!(ListQuery::new().request_size(500, false), 500);
    /// assert_eq!(ListQuery::new().limit(5).request_size(500, false), 5);
    /// assert_eq!(ListQuery::new().limit(5).request_size(500, true), 500);
    /// assert_eq!(ListQuery::new().limit(5000).request_size(500, false), 500);
    /// assert_eq!(ListQuery::new().limit(5).page_size(50).request_size(500, false), 50);
    /// ```
    pub fn request_size(&self, default: u32, client_side: bool) -> u32 {
        match (self.page_size, self.limit) {
            (Some(n), _) => n,
            (None, Some(limit)) if !client_side => u32::try_from(limit)
                .unwrap_or(u32::MAX)
                .clamp(1, default.max(1)),
            _ => default,
        }
    }

    /// Ordering.
    pub fn order_by(mut self, field: OrderField, descending: bool) -> Self {
        self.order = Some(Order { field, descending });
        self
    }

    fn name_ok(&self, name: &str) -> bool {
        self.name.as_ref().is_none_or(|f| f.matches(name))
    }

    /// True if `vm` passes every filter of this query (for client-side filtering).
    pub fn matches_vm(&self, vm: &Vm) -> bool {
        self.name_ok(&vm.name)
            && self.vm_state.is_none_or(|s| s == vm.state)
            && self
                .cluster
                .as_ref()
                .is_none_or(|c| vm.cluster_id.as_ref() == Some(c))
            && self
                .host
                .as_ref()
                .is_none_or(|h| vm.host_id.as_ref() == Some(h))
    }

    /// True if `host` passes every filter of this query.
    pub fn matches_host(&self, host: &Host) -> bool {
        self.name_ok(&host.name)
            && self.host_state.is_none_or(|s| s == host.state)
            && self
                .cluster
                .as_ref()
                .is_none_or(|c| host.cluster_id.as_ref() == Some(c))
    }

    /// True if `disk` passes every filter of this query.
    pub fn matches_disk(&self, disk: &Disk) -> bool {
        self.name_ok(&disk.name)
            && self.disk_state.is_none_or(|s| s == disk.state)
            && self
                .vm
                .as_ref()
                .is_none_or(|v| disk.vm_id.as_ref() == Some(v))
    }
}

/// An opaque position in a listing, produced by a backend and handed back to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(String);

impl Cursor {
    /// Wraps a backend-specific position (a page number, an id, an offset...).
    pub fn new(s: impl Into<String>) -> Self {
        Cursor(s.into())
    }

    /// The raw position.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
    /// Total matching items, when the server reports it.
    pub total: Option<u64>,
    /// True if some filters of the query were applied client-side.
    pub filtered_client_side: bool,
    /// Where the page after `next` starts, when the backend can tell without seeing the next
    /// page (paging by position; a backend paging by a cursor found in the page itself can
    /// announce it instead, see [`announce_next_page`]). A listing that fetches ahead starts that page as well, so
    /// the server works on it while the next one is decoded; if the next page then names a
    /// different cursor, the early fetch is left to finish and its answer never used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<Cursor>,
}

impl<T> Page<T> {
    /// A page with the given items and continuation.
    pub fn new(items: Vec<T>, next: Option<Cursor>) -> Self {
        Page {
            items,
            next,
            total: None,
            filtered_client_side: false,
            following: None,
        }
    }

    /// Sets the cursor of the page after `next` (see [`Page::following`]); for paging by
    /// position only, where it is known before the next page arrives.
    ///
    /// ```
    /// use omnivirt_core::{Cursor, Page};
    ///
    /// let p = Page::new(vec![1, 2], Some(Cursor::new("2"))).with_following(Cursor::new("3"));
    /// assert_eq!(p.following.as_ref().map(Cursor::as_str), Some("3"));
    /// ```
    pub fn with_following(mut self, cursor: Cursor) -> Self {
        self.following = Some(cursor);
        self
    }

    /// Sets the total.
    pub fn with_total(mut self, total: u64) -> Self {
        self.total = Some(total);
        self
    }

    /// Marks the page as filtered client-side.
    pub fn filtered_client_side(mut self, yes: bool) -> Self {
        self.filtered_client_side = yes;
        self
    }
}

/// Turns a page fetcher into a stream of items.
///
/// `fetch` is called with `None` first, then with each page's `next` cursor. The stream ends when
/// a page has no `next` cursor, or when a page is empty (a guard against servers that keep handing
/// out cursors) unless that page says it was filtered client-side, or after the first error.
///
/// ```
/// # tokio_test_block_on(async {
/// use futures::StreamExt;
/// use omnivirt_core::{Cursor, Page, paginate};
///
/// let s = paginate(|cursor: Option<Cursor>| async move {
///     let start: u32 = cursor.map(|c| c.as_str().parse().unwrap()).unwrap_or(0);
///     let items: Vec<u32> = (start..(start + 2).min(5)).collect();
///     let next = (start + 2 < 5).then(|| Cursor::new((start + 2).to_string()));
///     Ok(Page::new(items, next))
/// });
/// let all: Vec<u32> = s.map(|r| r.unwrap()).collect().await;
/// assert_eq!(all, vec![0, 1, 2, 3, 4]);
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output { futures::executor::block_on(f) }
/// ```
pub fn paginate<T, F, Fut>(fetch: F) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(Option<Cursor>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    walk(fetch, None, None)
}

/// [`paginate`] for items with an identity: also fails with a `Protocol` error when a page
/// holds only items already listed, the sign of a server that repeats the same page whatever
/// the cursor says.
///
/// Both paginators fail with a `Protocol` error when the server hands out a cursor it handed
/// out before, instead of asking for the same page forever.
///
/// ```
/// # futures::executor::block_on(async {
/// use futures::StreamExt;
/// use omnivirt_core::{Cursor, ErrorKind, Page, paginate_keyed};
///
/// // A broken server: every cursor brings back the same full page.
/// let s = paginate_keyed(
///     |cursor: Option<Cursor>| async move {
///         let n = cursor.map(|c| c.as_str().parse::<u32>().unwrap()).unwrap_or(0);
///         Ok(Page::new(vec!["a".to_string(), "b".to_string()], Some(Cursor::new((n + 1).to_string()))))
///     },
///     |item: &String| item.as_str(),
/// );
/// let got: Vec<_> = s.collect().await;
/// assert_eq!(got.len(), 3);
/// assert_eq!(got[2].as_ref().err().map(|e| e.kind()), Some(ErrorKind::Protocol));
/// # });
/// ```
pub fn paginate_keyed<T, F, Fut>(fetch: F, key: fn(&T) -> &str) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(Option<Cursor>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    let key: KeyFn<T> = Box::new(move |item| hash_of(key(item)));
    walk(fetch, Some(key), None)
}

/// [`paginate_keyed`] that asks for the next page as soon as a page arrives, so the network
/// works while the caller handles the items: at most one page ahead, so memory stays bounded
/// by two pages. With `limit`, no page is fetched ahead once the items seen reach it, so a
/// limited listing sends no request more than it needs. Outside a Tokio runtime it fetches one
/// page at a time, like [`paginate_keyed`].
pub(crate) fn paginate_ahead<T, F, Fut>(
    fetch: F,
    key: fn(&T) -> &str,
    limit: Option<u64>,
) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(Option<Cursor>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    let key: KeyFn<T> = Box::new(move |item| hash_of(key(item)));
    walk(fetch, Some(key), Some(Ahead { limit }))
}

/// Fetching one page ahead, up to a limit of items.
#[derive(Clone, Copy)]
struct Ahead {
    limit: Option<u64>,
}

/// A page's items as the walk hands them on, then its error if any.
type Emitted<T> = stream::Iter<
    std::iter::Chain<
        std::iter::Map<std::vec::IntoIter<T>, fn(T) -> Result<T>>,
        std::option::IntoIter<Result<T>>,
    >,
>;

/// The items of a page, moved straight from the page (not copied into a list of results first),
/// then `tail`.
fn emit<T>(items: Vec<T>, tail: Option<Result<T>>) -> Emitted<T> {
    let ok: fn(T) -> Result<T> = Ok;
    stream::iter(items.into_iter().map(ok).chain(tail))
}

fn walk<T, F, Fut>(
    fetch: F,
    key: Option<KeyFn<T>>,
    ahead: Option<Ahead>,
) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(Option<Cursor>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    /// A walk under way: the fetcher (with the page started early, if any), the next page,
    /// what was seen, and how many items were listed.
    struct Walk<F, T> {
        pager: Pager<T, F>,
        next: NextPage<T>,
        seen: Seen<T>,
        listed: u64,
    }
    let seen = Seen::new(key);
    let start = Walk {
        pager: Pager::new(fetch),
        next: NextPage::Cursor(None),
        seen,
        listed: 0,
    };
    stream::unfold(Some(start), move |st| async move {
        let Walk {
            pager,
            next,
            mut seen,
            listed,
        } = st?;
        let next = match next {
            // The first page of an unlimited listing is fetched like the ones after it, so it
            // can announce its successor while it is decoded.
            NextPage::Cursor(None)
                if listed == 0 && matches!(ahead, Some(Ahead { limit: None })) =>
            {
                pager.start_first()
            }
            other => other,
        };
        let page = match next.get(&pager).await {
            Ok(page) => page,
            Err(e) => return Some((emit(Vec::new(), Some(Err(e))), None)),
        };
        if let Err(e) = seen.check_items(&page) {
            return Some((emit(Vec::new(), Some(Err(e))), None));
        }
        // An empty page ends the walk (a guard against servers that hand out cursors forever),
        // unless the backend emptied it itself by filtering client-side: the server's page had
        // items, and later pages may match.
        let mut tail = None;
        let listed = listed + page.items.len() as u64;
        let go_on = match page.next {
            Some(c) if !page.items.is_empty() || page.filtered_client_side => {
                match seen.check_cursor(&c) {
                    Ok(()) => Some(c),
                    Err(e) => {
                        tail = Some(Err(e));
                        None
                    }
                }
            }
            _ => None,
        };
        let state = go_on.map(|c| {
            let ahead_now = ahead.is_some_and(|a| a.limit.is_none_or(|n| listed < n));
            // Two pages ahead (a page named by `following` or announced while it is fetched)
            // only for an unlimited listing: a limited one sends no request beyond what it
            // needs.
            let listen = matches!(ahead, Some(Ahead { limit: None }));
            let next = match pager.take_early().0.take() {
                Some((e, running)) if e == c => running,
                other => {
                    // Not the next page: dropped, so left to finish.
                    drop(Early(other));
                    if ahead_now {
                        pager.start(c, listen)
                    } else {
                        NextPage::Cursor(Some(c))
                    }
                }
            };
            pager.promote(&next);
            if let Some(f) = page.following
                && listen
                && next.is_running()
            {
                pager.start_early(f);
            }
            Walk {
                pager,
                next,
                seen,
                listed,
            }
        });
        Some((emit(page.items, tail), state))
    })
    .flatten()
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn stops_on_none_cursor() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let s = paginate(move |cur: Option<Cursor>| {
            let c = c.clone();
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                Ok(match cur {
                    None => Page::new(vec![1, 2], Some(Cursor::new("p2"))),
                    Some(_) => Page::new(vec![3], None),
                })
            }
        });
        let v: Vec<i32> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(v, vec![1, 2, 3]);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn stops_on_empty_page_even_with_cursor() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let s = paginate(move |cur: Option<Cursor>| {
            let c = c.clone();
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                Ok(match cur {
                    None => Page::new(vec![1], Some(Cursor::new("p2"))),
                    Some(_) => Page::<i32>::new(vec![], Some(Cursor::new("p3"))),
                })
            }
        });
        let v: Vec<i32> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(v, vec![1]);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_page_emptied_by_client_side_filtering_does_not_end_the_walk() {
        let s = paginate(move |cur: Option<Cursor>| async move {
            Ok(match cur.as_ref().map(Cursor::as_str) {
                None => Page::new(vec![1], Some(Cursor::new("p2"))).filtered_client_side(true),
                Some("p2") => {
                    Page::<i32>::new(vec![], Some(Cursor::new("p3"))).filtered_client_side(true)
                }
                Some(_) => Page::new(vec![3], None).filtered_client_side(true),
            })
        });
        let v: Vec<i32> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(v, vec![1, 3]);
    }

    #[tokio::test]
    async fn error_ends_the_stream() {
        let s = paginate(|_cur: Option<Cursor>| async move {
            Err::<Page<i32>, _>(crate::Error::protocol("bad page"))
        });
        let v: Vec<Result<i32>> = s.collect().await;
        assert_eq!(v.len(), 1);
        assert!(v[0].is_err());
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[tokio::test]
    async fn a_repeated_full_page_is_a_protocol_error_not_an_endless_walk() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let s = paginate_keyed(
            move |_cur: Option<Cursor>| {
                let n = c.fetch_add(1, Ordering::SeqCst);
                // The cursor advances, but the items never do.
                async move {
                    Ok(Page::new(
                        names(&["a", "b"]),
                        Some(Cursor::new(n.to_string())),
                    ))
                }
            },
            |x: &String| x.as_str(),
        );
        let got: Vec<Result<String>> = s.collect().await;
        assert_eq!(got.len(), 3);
        let err = got[2].as_ref().err().map(|e| e.kind());
        assert_eq!(err, Some(crate::ErrorKind::Protocol));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_cursor_handed_out_twice_is_a_protocol_error() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let s = paginate(move |cur: Option<Cursor>| {
            c.fetch_add(1, Ordering::SeqCst);
            // Fresh items each time, but page 2 points back at page 2.
            let items = match &cur {
                None => vec![1, 2],
                Some(_) => vec![3, 4],
            };
            async move { Ok(Page::new(items, Some(Cursor::new("p2")))) }
        });
        let got: Vec<Result<i32>> = s.collect().await;
        let ok: Vec<i32> = got
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        assert_eq!(ok, vec![1, 2, 3, 4]);
        let err = got.last().and_then(|r| r.as_ref().err()).map(|e| e.kind());
        assert_eq!(err, Some(crate::ErrorKind::Protocol));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn pages_that_overlap_in_part_still_list() {
        let s = paginate_keyed(
            |cur: Option<Cursor>| async move {
                Ok(match cur {
                    None => Page::new(names(&["a", "b"]), Some(Cursor::new("2"))),
                    Some(_) => Page::new(names(&["b", "c"]), None),
                })
            },
            |x: &String| x.as_str(),
        );
        let got: Vec<String> = s.map(|r| r.unwrap_or_default()).collect().await;
        assert_eq!(got, names(&["a", "b", "b", "c"]));
    }

    /// A positional source of `pages` pages of two items each that names the page after the
    /// next one, counting the requests per cursor.
    fn positional(
        pages: u32,
        asked: Arc<std::sync::Mutex<Vec<String>>>,
    ) -> impl FnMut(Option<Cursor>) -> futures::future::Ready<Result<Page<String>>> {
        move |cur: Option<Cursor>| {
            let n: u32 = cur.as_ref().map_or(0, |c| c.as_str().parse().unwrap_or(99));
            asked.lock().unwrap().push(n.to_string());
            let items = if n < pages {
                names(&[&format!("{n}a"), &format!("{n}b")])
            } else {
                Vec::new()
            };
            let next = (n + 1 < pages).then(|| Cursor::new((n + 1).to_string()));
            let mut page = Page::new(items, next);
            if n + 1 < pages {
                page = page.with_following(Cursor::new((n + 2).to_string()));
            }
            futures::future::ready(Ok(page))
        }
    }

    #[tokio::test]
    async fn a_positional_listing_starts_the_page_after_next_and_uses_its_answer() {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut s = paginate_ahead(positional(4, asked.clone()), |x: &String| x.as_str(), None);
        assert_eq!(s.next().await.unwrap().unwrap(), "0a");
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(*asked.lock().unwrap(), ["0", "1", "2"], "two pages ahead");
        let rest: Vec<String> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(rest, names(&["0b", "1a", "1b", "2a", "2b", "3a", "3b"]));
        // Every page asked for once; the one past the end, started early, is the only extra.
        assert_eq!(*asked.lock().unwrap(), ["0", "1", "2", "3", "4"]);
    }

    #[tokio::test]
    async fn a_page_after_next_that_the_next_page_does_not_name_is_left_unused() {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let finished = Arc::new(AtomicUsize::new(0));
        let (a, f) = (asked.clone(), finished.clone());
        let fetch = move |cur: Option<Cursor>| {
            let c = cur.map(|c| c.0).unwrap_or_default();
            a.lock().unwrap().push(c.clone());
            let f = f.clone();
            async move {
                Ok(match c.as_str() {
                    // The first page guesses that "2" follows "1"; "1" then names "x".
                    "" => Page::new(names(&["a"]), Some(Cursor::new("1")))
                        .with_following(Cursor::new("2")),
                    "1" => Page::new(names(&["b"]), Some(Cursor::new("x"))),
                    "x" => Page::new(names(&["c"]), None),
                    _ => {
                        // Slower than the rest: still under way when it is found unneeded.
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        f.fetch_add(1, Ordering::SeqCst);
                        Page::new(names(&["never"]), None)
                    }
                })
            }
        };
        let s = paginate_ahead(fetch, |x: &String| x.as_str(), None);
        let got: Vec<String> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(
            got,
            names(&["a", "b", "c"]),
            "the unneeded answer is not used"
        );
        let asked = asked.lock().unwrap().clone();
        assert_eq!(asked.len(), 4, "{asked:?}");
        assert!(asked.contains(&"2".to_string()) && asked.ends_with(&["x".to_string()]));
        // Left to finish, not cut off (which would cost its connection).
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(finished.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_limited_listing_starts_no_page_after_next() {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut s = paginate_ahead(
            positional(4, asked.clone()),
            |x: &String| x.as_str(),
            Some(5),
        );
        s.next().await.unwrap().unwrap();
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(*asked.lock().unwrap(), ["0", "1"], "one page ahead only");
    }

    /// A source paged by the last item, like CloudTower: `pages` pages of two items, each page
    /// announcing its successor (`announce(n)` says which cursor) before it takes 5 ms to
    /// "decode". `log` records `ask n`, `call n` (the announcement closure ran) and `done n`.
    fn by_last_item(
        pages: u32,
        announce: fn(u32) -> Option<String>,
        log: Arc<std::sync::Mutex<Vec<String>>>,
    ) -> impl FnMut(Option<Cursor>) -> BoxFuture<Result<Page<String>>> {
        move |cur: Option<Cursor>| {
            let n: u32 = cur.as_ref().map_or(0, |c| c.as_str().parse().unwrap_or(99));
            let log = log.clone();
            log.lock().unwrap().push(format!("ask {n}"));
            Box::pin(async move {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                announce_next_page(|| {
                    log.lock().unwrap().push(format!("call {n}"));
                    announce(n).map(Cursor::new)
                });
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                log.lock().unwrap().push(format!("done {n}"));
                let items = if n < pages {
                    names(&[&format!("{n}a"), &format!("{n}b")])
                } else {
                    Vec::new()
                };
                let next = (n + 1 < pages).then(|| Cursor::new((n + 1).to_string()));
                Ok(Page::new(items, next))
            })
        }
    }

    type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T> + Send>>;

    fn position(log: &[String], entry: &str) -> usize {
        log.iter()
            .position(|e| e == entry)
            .unwrap_or_else(|| panic!("no `{entry}` in {log:?}"))
    }

    #[tokio::test(start_paused = true)]
    async fn a_page_that_announces_its_successor_has_it_started_before_it_is_done() {
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let fetch = by_last_item(4, |n| Some((n + 1).to_string()), log.clone());
        let s = paginate_ahead(fetch, |x: &String| x.as_str(), None);
        let got: Vec<String> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(got.len(), 8);
        assert_eq!(got.first().map(String::as_str), Some("0a"));
        assert_eq!(got.last().map(String::as_str), Some("3b"));
        let log = log.lock().unwrap().clone();
        // The first page, too, names its successor before it is done.
        assert!(
            position(&log, "ask 1") < position(&log, "done 0"),
            "{log:?}"
        );
        assert!(
            position(&log, "ask 2") < position(&log, "done 1"),
            "{log:?}"
        );
        assert!(
            position(&log, "ask 3") < position(&log, "done 2"),
            "{log:?}"
        );
        // Every page asked for once, plus the one past the end announced by the last page.
        let asks: Vec<&String> = log.iter().filter(|e| e.starts_with("ask")).collect();
        assert_eq!(
            asks,
            ["ask 0", "ask 1", "ask 2", "ask 3", "ask 4"],
            "{log:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_announced_page_starts_while_the_caller_is_busy_and_no_page_beyond_it() {
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let fetch = by_last_item(6, |n| Some((n + 1).to_string()), log.clone());
        let mut s = paginate_ahead(fetch, |x: &String| x.as_str(), None);
        assert_eq!(s.next().await.unwrap().unwrap(), "0a");
        // The caller is busy with the first page and does not read from the walk meanwhile.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let seen = log.lock().unwrap().clone();
        let asks: Vec<&String> = seen.iter().filter(|e| e.starts_with("ask")).collect();
        // Page 1 announced 2, which started at once; page 2 announced 3 too, but 3 waits until
        // 2 is the next page: never more than one page beyond the next.
        assert_eq!(asks, ["ask 0", "ask 1", "ask 2"], "{seen:?}");
        assert!(seen.contains(&"call 2".to_string()), "{seen:?}");
        let rest: Vec<String> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(rest.len(), 11);
        let seen = log.lock().unwrap().clone();
        let asks: Vec<&String> = seen.iter().filter(|e| e.starts_with("ask")).collect();
        assert_eq!(
            asks,
            [
                "ask 0", "ask 1", "ask 2", "ask 3", "ask 4", "ask 5", "ask 6"
            ],
            "{seen:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_wrong_announcement_costs_one_request_and_never_its_answer() {
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        // Page 1 guesses 7, a page that does not exist in the listing.
        let fetch = by_last_item(
            3,
            |n| Some(if n == 1 { 7 } else { n + 1 }.to_string()),
            log.clone(),
        );
        let s = paginate_ahead(fetch, |x: &String| x.as_str(), None);
        let got: Vec<String> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(got, names(&["0a", "0b", "1a", "1b", "2a", "2b"]));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let log = log.lock().unwrap().clone();
        // Asked, left to finish (not cut off), not used; page 2 asked once, after page 1.
        assert!(
            position(&log, "ask 7") < position(&log, "done 1"),
            "{log:?}"
        );
        assert!(log.contains(&"done 7".to_string()), "{log:?}");
        assert!(
            position(&log, "done 1") < position(&log, "ask 2"),
            "{log:?}"
        );
        assert_eq!(log.iter().filter(|e| *e == "ask 2").count(), 1, "{log:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_limited_listing_does_not_listen_to_announcements() {
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let fetch = by_last_item(4, |n| Some((n + 1).to_string()), log.clone());
        let s = paginate_ahead(fetch, |x: &String| x.as_str(), Some(5));
        let got: Vec<String> = s.take(5).map(|r| r.unwrap()).collect().await;
        assert_eq!(got.len(), 5);
        let log = log.lock().unwrap().clone();
        assert!(!log.iter().any(|e| e.starts_with("call")), "{log:?}");
        let asks = log.iter().filter(|e| e.starts_with("ask")).count();
        assert_eq!(asks, 3, "{log:?}");
    }
}
