//! The row store behind every kind of object, and the one paging routine they share.
//!
//! Rows are kept behind an `Arc`, so a page can hand out shared snapshots of its rows (an
//! `Arc` clone each) instead of deep copies; a change to a row that a reader still holds
//! copies it first ([`Arc::make_mut`]), so what the reader has never changes under it.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use crate::model::{SimCluster, SimDisk, SimHost, SimNetwork, SimStoragePool, SimTemplate, SimVm};
use crate::query::{Filter, Listing, Paging, SortBy};

pub(super) struct Table<T> {
    /// Rows by key (keys are handed out in order and never reused): a row is found by its key
    /// with one index, where a `BTreeMap` walked nodes spread over memory (a cache miss each;
    /// a page of 500 VMs looks 500 rows up). A removed row leaves `None`.
    rows: Vec<Option<Arc<T>>>,
    /// Id to key. foldhash, not SipHash: a page looks up several ids per row it renders
    /// (its cluster, host, disks, NICs), and SipHash was a tenth of a CloudTower page's cost.
    index: foldhash::HashMap<String, u64>,
    /// Every key, ascending (keys only grow): a page in creation order is a slice of it, so
    /// an offset or a cursor costs no walk over the rows before it.
    order: Vec<u64>,
    next: u64,
}

impl<T: Clone> Table<T> {
    pub(super) fn new() -> Self {
        Table {
            rows: Vec::new(),
            index: foldhash::HashMap::default(),
            order: Vec::new(),
            next: 0,
        }
    }

    pub(super) fn insert(&mut self, id: &str, row: T) {
        let key = self.next;
        self.next += 1;
        self.rows.push(Some(Arc::new(row)));
        self.index.insert(id.to_owned(), key);
        self.order.push(key);
    }

    pub(super) fn get(&self, id: &str) -> Option<&T> {
        self.shared(id).map(|r| &**r)
    }

    /// The row with id `id` as the shared snapshot a page hands out.
    pub(super) fn shared(&self, id: &str) -> Option<&Arc<T>> {
        self.index.get(id).and_then(|&k| self.row(k))
    }

    /// The row with key `k`, unless removed.
    fn row(&self, k: u64) -> Option<&Arc<T>> {
        self.rows.get(usize::try_from(k).ok()?)?.as_ref()
    }

    /// The place of the row with key `k` (`None` in it once removed).
    fn slot_mut(&mut self, k: u64) -> Option<&mut Option<Arc<T>>> {
        self.rows.get_mut(usize::try_from(k).ok()?)
    }

    /// The row to change (copied first if a reader still holds it).
    pub(super) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        let k = *self.index.get(id)?;
        self.slot_mut(k)?.as_mut().map(Arc::make_mut)
    }

    pub(super) fn remove(&mut self, id: &str) -> Option<T> {
        let k = self.index.remove(id)?;
        if let Ok(p) = self.order.binary_search(&k) {
            self.order.remove(p);
        }
        self.slot_mut(k)?.take().map(Arc::unwrap_or_clone)
    }

    /// The row with id `id` and its creation-order key.
    pub(super) fn keyed(&self, id: &str) -> Option<(u64, &T)> {
        let k = *self.index.get(id)?;
        self.row(k).map(|r| (k, &**r))
    }

    pub(super) fn len(&self) -> usize {
        self.order.len()
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &T> {
        self.rows.iter().flatten().map(|r| &**r)
    }

    /// Matching rows with their keys, honouring an id list when given.
    pub(super) fn matching<'a>(
        &'a self,
        ids: Option<&'a [String]>,
        pred: impl Fn(&T) -> bool + 'a,
    ) -> Vec<(u64, &'a Arc<T>)> {
        match ids {
            Some(ids) => {
                let mut keys: Vec<u64> = ids
                    .iter()
                    .filter_map(|id| self.index.get(id))
                    .copied()
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                keys.into_iter()
                    .filter_map(|k| self.row(k).map(|r| (k, r)))
                    .filter(|(_, r)| pred(r))
                    .collect()
            }
            None => self
                .order
                .iter()
                .filter_map(|&k| self.row(k).map(|r| (k, r)))
                .filter(|(_, r)| pred(r))
                .collect(),
        }
    }
}

/// What paging needs of a row: its id (for `after` and id order) and the text a name filter
/// and name order look at.
pub(super) trait Row: Clone {
    fn row_id(&self) -> &str;
    fn row_name(&self) -> &str;
}

impl Row for SimVm {
    fn row_id(&self) -> &str {
        self.id.as_ref()
    }
    fn row_name(&self) -> &str {
        &self.name
    }
}

impl Row for SimHost {
    fn row_id(&self) -> &str {
        self.id.as_ref()
    }
    fn row_name(&self) -> &str {
        &self.name
    }
}

impl Row for SimCluster {
    fn row_id(&self) -> &str {
        self.id.as_ref()
    }
    fn row_name(&self) -> &str {
        &self.name
    }
}

impl Row for SimDisk {
    fn row_id(&self) -> &str {
        self.id.as_ref()
    }
    fn row_name(&self) -> &str {
        &self.name
    }
}

impl Row for SimTemplate {
    fn row_id(&self) -> &str {
        self.id.as_ref()
    }
    fn row_name(&self) -> &str {
        &self.name
    }
}

impl Row for SimNetwork {
    fn row_id(&self) -> &str {
        &self.id
    }
    fn row_name(&self) -> &str {
        &self.name
    }
}

impl Row for SimStoragePool {
    fn row_id(&self) -> &str {
        &self.id
    }
    fn row_name(&self) -> &str {
        &self.name
    }
}

pub(super) fn page<T: Row>(
    table: &Table<T>,
    filter: &Filter,
    paging: &Paging,
    pred: impl Fn(&T) -> bool,
) -> Listing<T> {
    // An unfiltered listing takes every row: its total is the table's length, no scan needed.
    let every = filter.is_unfiltered();
    page_by(
        table,
        filter.ids.as_deref(),
        paging,
        |r| every || (filter.name_ok(r.row_name()) && pred(r)),
        every,
    )
}

/// One page of the rows `keep` accepts (`every`: it accepts them all), each row copied out.
/// See [`page_by_as`].
pub(super) fn page_by<T: Row>(
    table: &Table<T>,
    ids: Option<&[String]>,
    paging: &Paging,
    keep: impl Fn(&T) -> bool,
    every: bool,
) -> Listing<T> {
    page_by_as(table, ids, paging, keep, every, owned)
}

/// A row copied out of its table.
pub(super) fn owned<T: Clone>(r: &Arc<T>) -> T {
    T::clone(r)
}

/// A row as the shared snapshot its table holds.
pub(super) fn shared<T>(r: &Arc<T>) -> Arc<T> {
    Arc::clone(r)
}

/// One page of the rows `keep` accepts (`every`: it accepts them all), each returned as `out`
/// makes it ([`owned`] or [`shared`]). In creation order the page is found by walking from the
/// cursor and takes only what it returns, so its cost is the page plus the rows skipped (and
/// one predicate per row for a filtered total); an id list or a name/id order collects
/// references to the matching rows and sorts them.
pub(super) fn page_by_as<T: Row, O>(
    table: &Table<T>,
    ids: Option<&[String]>,
    paging: &Paging,
    keep: impl Fn(&T) -> bool,
    every: bool,
    out: impl Fn(&Arc<T>) -> O,
) -> Listing<O> {
    if ids.is_none() && paging.sort == SortBy::Created {
        return page_in_order(table, paging, keep, every, out);
    }
    let mut rows = table.matching(ids, keep);
    let total = rows.len();
    match paging.sort {
        SortBy::Created => {}
        SortBy::Name => rows.sort_by(|a, b| a.1.row_name().cmp(b.1.row_name()).then(a.0.cmp(&b.0))),
        SortBy::Id => rows.sort_by(|a, b| a.1.row_id().cmp(b.1.row_id())),
    }
    if paging.descending {
        rows.reverse();
    }
    let start = match &paging.after {
        None => 0,
        Some(after) => match rows.iter().position(|(_, r)| r.row_id() == after) {
            Some(p) => p + 1,
            None => rows.len(),
        },
    };
    let from = start.saturating_add(paging.offset).min(rows.len());
    let limit = paging.limit.unwrap_or(usize::MAX);
    let to = from.saturating_add(limit).min(rows.len());
    let items: Vec<O> = rows[from..to].iter().map(|(_, r)| out(r)).collect();
    let next_offset = (to < rows.len() && paging.limit.is_some()).then_some(to - start);
    Listing {
        items,
        total,
        next_offset,
    }
}

/// One page in name order of a table whose rows have unique names, walking `by_name` (row ids
/// by name, kept by the caller) instead of sorting every row: what [`page_by_as`] gives for
/// `SortBy::Name` without an id list, at the cost of the page (plus a count when filtered).
pub(super) fn page_named_as<T: Row, I: AsRef<str>, O>(
    table: &Table<T>,
    by_name: &BTreeMap<String, I>,
    paging: &Paging,
    keep: impl Fn(&T) -> bool,
    every: bool,
    out: impl Fn(&Arc<T>) -> O,
) -> Listing<O> {
    let total = if every {
        table.len()
    } else {
        table.values().filter(|r| keep(r)).count()
    };
    // The names after the cursor, in listing order; a cursor that is not among the matching
    // rows gives an empty page.
    let range = match &paging.after {
        None => (Bound::Unbounded, Bound::Unbounded),
        Some(after) => match table.get(after) {
            Some(r) if keep(r) => {
                let at = Bound::Excluded(r.row_name());
                if paging.descending {
                    (Bound::Unbounded, at)
                } else {
                    (at, Bound::Unbounded)
                }
            }
            _ => {
                return Listing {
                    items: Vec::new(),
                    total,
                    next_offset: None,
                };
            }
        },
    };
    let names = by_name.range::<str, _>(range).map(|(_, id)| id.as_ref());
    let names: Box<dyn Iterator<Item = &str>> = if paging.descending {
        Box::new(names.rev())
    } else {
        Box::new(names)
    };
    // Unfiltered, the offset skips names without looking their rows up.
    let rest: Box<dyn Iterator<Item = &Arc<T>>> = if every {
        Box::new(names.skip(paging.offset).filter_map(|id| table.shared(id)))
    } else {
        Box::new(
            names
                .filter_map(|id| table.shared(id))
                .filter(|r| keep(r))
                .skip(paging.offset),
        )
    };
    finish(rest, paging, total, out)
}

fn page_in_order<T: Row, O>(
    table: &Table<T>,
    paging: &Paging,
    keep: impl Fn(&T) -> bool,
    every: bool,
    out: impl Fn(&Arc<T>) -> O,
) -> Listing<O> {
    let total = if every {
        table.len()
    } else {
        table.values().filter(|r| keep(r)).count()
    };
    let order = &table.order;
    // The keys after the cursor, in listing order.
    let (from, to) = match &paging.after {
        None => (0, order.len()),
        // A cursor that is not among the matching rows gives an empty page.
        Some(after) => match table.keyed(after) {
            Some((k, r)) if keep(r) => match order.binary_search(&k) {
                Ok(p) if paging.descending => (0, p),
                Ok(p) => (p + 1, order.len()),
                Err(_) => (0, 0),
            },
            _ => (0, 0),
        },
    };
    let keys: Box<dyn Iterator<Item = &u64>> = if paging.descending {
        Box::new(order[from..to].iter().rev())
    } else {
        Box::new(order[from..to].iter())
    };
    // Unfiltered, the offset skips keys without looking their rows up (the key slice skips in
    // O(1)), so a page deep into a large table costs what the page costs.
    let rest: Box<dyn Iterator<Item = &Arc<T>>> = if every {
        Box::new(keys.skip(paging.offset).filter_map(|&k| table.row(k)))
    } else {
        Box::new(
            keys.filter_map(|&k| table.row(k))
                .filter(|r| keep(r))
                .skip(paging.offset),
        )
    };
    finish(rest, paging, total, out)
}

fn finish<'a, T: 'a, O>(
    mut rest: impl Iterator<Item = &'a Arc<T>>,
    paging: &Paging,
    total: usize,
    out: impl Fn(&Arc<T>) -> O,
) -> Listing<O> {
    let items: Vec<O> = rest
        .by_ref()
        .take(paging.limit.unwrap_or(usize::MAX))
        .map(out)
        .collect();
    let next_offset = (paging.limit.is_some() && rest.next().is_some())
        .then_some(paging.offset.saturating_add(items.len()));
    Listing {
        items,
        total,
        next_offset,
    }
}
