//! Pages fetched ahead of the walk: the next page, a page started before the walk knew it
//! would need it, and the announcement by which a page names its successor before it is done.

use std::cell::Cell;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use super::{Cursor, Page};
use crate::error::{Error, Result};

/// What a page fetched ahead calls with its successor's cursor.
type Tell = Box<dyn FnOnce(Cursor) + Send>;

tokio::task_local! {
    /// Where a page fetched ahead by a listing tells its successor's cursor, once known.
    static NEXT_PAGE: Cell<Option<Tell>>;
}
/// Tells the listing that is fetching this page where the next page starts, before the page
/// is decoded, so the listing can ask for it while this one is still being read.
///
/// For backends that page by a cursor found in the page itself (the id of its last item) and
/// can find it cheaply in the raw answer, or that can tell from the raw answer that a page is
/// full. `cursor` is called only when a listing listens (any page of an unlimited listing, the
/// first included); it may return `None` when the answer gives no cursor. An announcement is a guess the page can still contradict: when the decoded page
/// names another cursor (or none), the page started on the guess is left to finish and its
/// answer never used. Outside such a listing, or once announced, it does nothing.
///
/// ```
/// use omnivirt_core::{Cursor, announce_next_page};
///
/// // Not inside a listing: nobody listens, the closure is not even called.
/// announce_next_page(|| -> Option<Cursor> { unreachable!() });
/// ```
pub fn announce_next_page(cursor: impl FnOnce() -> Option<Cursor>) {
    let _ = NEXT_PAGE.try_with(|slot| {
        if let Some(tell) = slot.take() {
            match cursor() {
                Some(c) => tell(c),
                None => slot.set(Some(tell)),
            }
        }
    });
}

/// The next page: a cursor to fetch it with, or a fetch already running (numbered, so an
/// announcement can tell whether it comes from the page the walk reads next). Dropping it
/// stops a running fetch.
pub(super) enum NextPage<T> {
    Cursor(Option<Cursor>),
    Running {
        /// `None` once detached or awaited.
        handle: Option<tokio::task::JoinHandle<Result<Page<T>>>>,
        id: u64,
    },
}

impl<T> Drop for NextPage<T> {
    fn drop(&mut self) {
        if let NextPage::Running {
            handle: Some(h), ..
        } = self
        {
            h.abort();
        }
    }
}

impl<T> NextPage<T> {
    /// Lets a running fetch finish on its own, its answer unused (a page started early that
    /// turned out not to be the next one). Not stopped: a request cut off mid-way would cost
    /// its pooled connection, and the request goes out either way, so the server sees the
    /// same requests however fast the client is.
    pub(super) fn detach(mut self) {
        if let NextPage::Running { handle, .. } = &mut self {
            // A dropped handle lets its task run on.
            drop(handle.take());
        }
    }

    /// True when the page is being fetched already.
    pub(super) fn is_running(&self) -> bool {
        matches!(self, NextPage::Running { .. })
    }
}

impl<T: Send + 'static> NextPage<T> {
    /// The page.
    pub(super) async fn get<F, Fut>(mut self, pager: &Pager<T, F>) -> Result<Page<T>>
    where
        F: FnMut(Option<Cursor>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    {
        let handle = match &mut self {
            NextPage::Cursor(c) => return pager.fetch_now(c.take()).await,
            NextPage::Running { handle, .. } => handle.take(),
        };
        let Some(handle) = handle else {
            return Err(Error::protocol("the next page was fetched already"));
        };
        handle.await.unwrap_or_else(|e| {
            Err(Error::protocol(format!(
                "fetching the next page stopped: {e}"
            )))
        })
    }
}

/// A page started before the walk knew it would need it, with its cursor. Dropped (not the
/// next page after all, the walk ended, or the caller stopped listing), it is left to finish
/// rather than cut off, so the requests a server sees do not depend on timing.
pub(super) struct Early<T>(pub(super) Option<(Cursor, NextPage<T>)>);

impl<T> Drop for Early<T> {
    fn drop(&mut self) {
        if let Some((_, running)) = self.0.take() {
            running.detach();
        }
    }
}

/// The fetcher of a walk and the pages it started ahead, shared with those pages so that one
/// announcing its successor starts it at once, whether or not the caller is reading from the
/// walk at that moment. At most one page is started early: the successor of the page the walk
/// reads next. A page further ahead that announces is remembered until it is the next one.
pub(super) struct Pager<T, F>(Arc<Mutex<Shared<T, F>>>);

struct Shared<T, F> {
    fetch: F,
    /// The number of the running page the walk reads next.
    next: u64,
    /// Numbers handed out.
    count: u64,
    early: Early<T>,
    /// A successor announced by a page before it was the next one: (its number, the cursor).
    pending: Option<(u64, Cursor)>,
}

impl<T, F, Fut> Pager<T, F>
where
    T: Send + 'static,
    F: FnMut(Option<Cursor>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    pub(super) fn new(fetch: F) -> Self {
        Pager(Arc::new(Mutex::new(Shared {
            fetch,
            next: 0,
            count: 0,
            early: Early(None),
            pending: None,
        })))
    }

    /// The fetch of `cursor`, to await here.
    pub(super) fn fetch_now(&self, cursor: Option<Cursor>) -> Fut {
        (lock(&self.0).fetch)(cursor)
    }

    /// Starts fetching `cursor` now when a runtime is there, else leaves it for later. With
    /// `listen`, the page may announce its successor (see [`announce_next_page`]).
    pub(super) fn start(&self, cursor: Cursor, listen: bool) -> NextPage<T> {
        start(&self.0, &mut lock(&self.0), Some(cursor), listen)
    }

    /// Starts the first page as the page the walk reads next, so that it, too, can announce
    /// its successor while it is read (see [`announce_next_page`]); left for later without a
    /// runtime.
    pub(super) fn start_first(&self) -> NextPage<T> {
        let first = start(&self.0, &mut lock(&self.0), None, true);
        self.promote(&first);
        first
    }

    /// The page started early, if any, leaving none.
    pub(super) fn take_early(&self) -> Early<T> {
        Early(lock(&self.0).early.0.take())
    }

    /// Starts `cursor` as the page after next (paging by position), unless one is started.
    pub(super) fn start_early(&self, cursor: Cursor) {
        let mut s = lock(&self.0);
        if s.early.0.is_none() {
            let page = start(&self.0, &mut s, Some(cursor.clone()), true);
            s.early = Early(Some((cursor, page)));
        }
    }

    /// `next` is now the page the walk reads next: a successor it announced already starts.
    pub(super) fn promote(&self, next: &NextPage<T>) {
        let NextPage::Running { id, .. } = next else {
            return;
        };
        let mut s = lock(&self.0);
        s.next = *id;
        match s.pending.take() {
            Some((from, cursor)) if from == *id && s.early.0.is_none() => {
                let page = start(&self.0, &mut s, Some(cursor.clone()), true);
                s.early = Early(Some((cursor, page)));
            }
            other => s.pending = other,
        }
    }
}

fn lock<T, F>(shared: &Mutex<Shared<T, F>>) -> MutexGuard<'_, Shared<T, F>> {
    // Nothing panics while holding it but a caller's fetcher; what it guards stays whole.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn start<T, F, Fut>(
    shared: &Arc<Mutex<Shared<T, F>>>,
    s: &mut Shared<T, F>,
    cursor: Option<Cursor>,
    listen: bool,
) -> NextPage<T>
where
    T: Send + 'static,
    F: FnMut(Option<Cursor>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return NextPage::Cursor(cursor);
    };
    s.count += 1;
    let id = s.count;
    let fut = (s.fetch)(cursor);
    let handle = if listen {
        let weak = Arc::downgrade(shared);
        let tell: Tell = Box::new(move |c| announced(&weak, id, c));
        rt.spawn(NEXT_PAGE.scope(Cell::new(Some(tell)), fut))
    } else {
        rt.spawn(fut)
    };
    NextPage::Running {
        handle: Some(handle),
        id,
    }
}

/// Page `id` announced that `cursor` follows it: started now if `id` is the page the walk reads
/// next, else kept until it is. A walk that has ended hears nothing.
fn announced<T, F, Fut>(shared: &Weak<Mutex<Shared<T, F>>>, id: u64, cursor: Cursor)
where
    T: Send + 'static,
    F: FnMut(Option<Cursor>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    let Some(shared) = shared.upgrade() else {
        return;
    };
    let mut s = lock(&shared);
    if s.next != id {
        s.pending = Some((id, cursor));
    } else if s.early.0.is_none() {
        let page = start(&shared, &mut s, Some(cursor.clone()), true);
        s.early = Early(Some((cursor, page)));
    }
}
