//! Events through the [`Client`]: a listing, newest first, and a watch that polls.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::Client;
use crate::backend::Backend;
use crate::error::Result;
use crate::event::{Event, EventQuery};
use crate::op::Op;
use crate::query::paginate_keyed;

impl Client {
    /// Event operations.
    pub fn events(&self) -> EventApi<'_> {
        EventApi { c: self }
    }
}

/// Event operations. Get it from [`Client::events`].
#[derive(Debug, Clone, Copy)]
pub struct EventApi<'a> {
    c: &'a Client,
}

impl EventApi<'_> {
    /// Every event matching `query`, newest first.
    pub fn list(&self, query: EventQuery) -> BoxStream<'static, Result<Event>> {
        if let Err(e) = self.c.check(Op::EventList) {
            return stream::iter(vec![Err(e)]).boxed();
        }
        let limit = query.limit;
        let s = pages(self.c.backend.clone(), query);
        match limit {
            Some(n) => s.take(usize::try_from(n).unwrap_or(usize::MAX)).boxed(),
            None => s,
        }
    }

    /// New events as they happen, oldest first, forever (drop the stream to stop).
    ///
    /// With `query.since` the watch starts with the events since then; without it, it starts
    /// with what happens next. It polls with the client's wait backoff: the first interval
    /// after something new, growing to the longest while nothing happens. A failed poll ends
    /// the stream with the error.
    pub fn watch(&self, query: EventQuery) -> BoxStream<'static, Result<Event>> {
        if let Err(e) = self.c.check(Op::EventList) {
            return stream::iter(vec![Err(e)]).boxed();
        }
        let opts = &self.c.wait;
        let state = Watch {
            backend: self.c.backend.clone(),
            first: query.since.is_none(),
            query: EventQuery {
                limit: None,
                ..query
            },
            seen: HashSet::new(),
            ready: VecDeque::new(),
            delay: opts.initial_interval,
            min: opts.initial_interval,
            max: opts.max_interval.max(opts.initial_interval),
            multiplier: opts.multiplier.max(1.0),
            polled: false,
        };
        stream::unfold(Some(state), |st| async move {
            let mut st = st?;
            loop {
                if let Some(e) = st.ready.pop_front() {
                    return Some((Ok(e), Some(st)));
                }
                if st.polled {
                    tokio::time::sleep(st.delay).await;
                }
                st.polled = true;
                match st.poll().await {
                    Ok(()) => {}
                    Err(e) => return Some((Err(e), None)),
                }
            }
        })
        .boxed()
    }
}

fn pages(backend: Arc<dyn Backend>, query: EventQuery) -> BoxStream<'static, Result<Event>> {
    let vendor = backend.vendor();
    paginate_keyed(
        move |cursor| {
            let backend = backend.clone();
            let query = query.clone();
            async move {
                Op::EventList
                    .scope(backend.list_events(&query, cursor.as_ref()))
                    .await
                    .map_err(|e| e.with_op(Op::EventList).with_vendor(vendor))
            }
        },
        |e: &Event| e.id.as_str(),
    )
    .boxed()
}

struct Watch {
    backend: Arc<dyn Backend>,
    query: EventQuery,
    first: bool,
    /// Ids already yielded at the newest time seen (events at that second may still arrive).
    seen: HashSet<String>,
    ready: VecDeque<Event>,
    delay: Duration,
    min: Duration,
    max: Duration,
    multiplier: f64,
    polled: bool,
}

impl Watch {
    async fn poll(&mut self) -> Result<()> {
        let mut fresh: Vec<Event> = if self.first {
            // Without a start time, the newest event marks where "next" begins.
            let q = EventQuery {
                limit: Some(1),
                ..self.query.clone()
            };
            pages(self.backend.clone(), q).take(1).try_collect().await?
        } else {
            pages(self.backend.clone(), self.query.clone())
                .try_filter(|e| std::future::ready(!self.seen.contains(e.id.as_str())))
                .try_collect()
                .await?
        };
        fresh.reverse();
        let newest = fresh.iter().map(|e| e.time.clone()).max();
        if let Some(t) = newest {
            if self.query.since.as_deref() != Some(t.as_str()) {
                self.seen.clear();
            }
            self.seen.extend(
                fresh
                    .iter()
                    .filter(|e| e.time == t)
                    .map(|e| e.id.to_string()),
            );
            self.query.since = Some(t);
        }
        let found = !fresh.is_empty();
        if self.first {
            self.first = false;
        } else {
            self.ready.extend(fresh);
        }
        self.delay = if found && !self.ready.is_empty() {
            self.min
        } else {
            self.delay.mul_f64(self.multiplier).min(self.max)
        };
        Ok(())
    }
}
