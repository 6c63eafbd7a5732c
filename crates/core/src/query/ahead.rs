//! Pages fetched ahead of the walk: the next page, a page started before the walk knew it
//! would need it, and the announcement by which a page names its successor before it is done.

use std::cell::Cell;
use std::future::Future;

use futures::future::{Either, select};
use tokio::sync::oneshot;

use super::{Cursor, Page};
use crate::error::{Error, Result};

tokio::task_local! {
    /// Where a page fetched ahead by a listing sends its successor's cursor, once known.
    static NEXT_PAGE: Cell<Option<oneshot::Sender<Cursor>>>;
}

/// Tells the listing that is fetching this page where the next page starts, before the page
/// is decoded, so the listing can ask for it while this one is still being read.
///
/// For backends that page by a cursor found in the page itself (the id of its last item) and
/// can find it cheaply in the raw answer. `cursor` is called only when a listing listens (a
/// page fetched ahead by an unlimited listing); it may return `None` when the answer gives no
/// cursor. An announcement is a guess the page can still contradict: when the decoded page
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
        if let Some(tx) = slot.take() {
            match cursor() {
                Some(c) => {
                    // The listing may have moved on; nothing to do then.
                    let _ = tx.send(c);
                }
                None => slot.set(Some(tx)),
            }
        }
    });
}

/// The next page: a cursor to fetch it with, or a fetch already running (with the channel on
/// which it may announce its successor). Dropping it stops a running fetch.
pub(super) enum NextPage<T> {
    Cursor(Option<Cursor>),
    Running {
        /// `None` once detached or awaited.
        handle: Option<tokio::task::JoinHandle<Result<Page<T>>>>,
        announced: Option<oneshot::Receiver<Cursor>>,
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
    /// The page. When `early` is empty and the page announces its successor before it is
    /// done, that successor is started right away and put in `early`.
    pub(super) async fn get<F, Fut>(
        mut self,
        fetch: &mut F,
        early: &mut Early<T>,
    ) -> Result<Page<T>>
    where
        F: FnMut(Option<Cursor>) -> Fut,
        Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    {
        let (handle, announced) = match &mut self {
            NextPage::Cursor(c) => return fetch(c.take()).await,
            NextPage::Running { handle, announced } => (handle.take(), announced.take()),
        };
        let Some(mut handle) = handle else {
            return Err(Error::protocol("the next page was fetched already"));
        };
        let joined = match announced {
            Some(rx) if early.0.is_none() => match select(rx, &mut handle).await {
                Either::Left((Ok(c), _)) => {
                    let started = NextPage::start(c.clone(), fetch, true);
                    early.0 = Some((c, started));
                    handle.await
                }
                // Done without announcing: nothing to start.
                Either::Left((Err(_), _)) => handle.await,
                Either::Right((joined, _)) => joined,
            },
            _ => handle.await,
        };
        joined.unwrap_or_else(|e| {
            Err(Error::protocol(format!(
                "fetching the next page stopped: {e}"
            )))
        })
    }

    /// Starts fetching `cursor` now when a runtime is there, else leaves it for later. With
    /// `listen`, the page may announce its successor (see [`announce_next_page`]).
    pub(super) fn start<F, Fut>(cursor: Cursor, fetch: &mut F, listen: bool) -> Self
    where
        F: FnMut(Option<Cursor>) -> Fut,
        Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return NextPage::Cursor(Some(cursor));
        };
        let fut = fetch(Some(cursor));
        if !listen {
            return NextPage::Running {
                handle: Some(rt.spawn(fut)),
                announced: None,
            };
        }
        let (tx, rx) = oneshot::channel();
        NextPage::Running {
            handle: Some(rt.spawn(NEXT_PAGE.scope(Cell::new(Some(tx)), fut))),
            announced: Some(rx),
        }
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
