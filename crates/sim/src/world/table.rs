//! The row store behind every kind of object, and the one paging routine they share.

use std::collections::{BTreeMap, HashMap};

use crate::model::{SimCluster, SimDisk, SimHost, SimTemplate, SimVm};
use crate::query::{Filter, Listing, Paging, SortBy};

pub(super) struct Table<T> {
    rows: BTreeMap<u64, T>,
    index: HashMap<String, u64>,
    next: u64,
}

impl<T> Table<T> {
    pub(super) fn new() -> Self {
        Table {
            rows: BTreeMap::new(),
            index: HashMap::new(),
            next: 0,
        }
    }

    pub(super) fn insert(&mut self, id: &str, row: T) {
        let key = self.next;
        self.next += 1;
        self.rows.insert(key, row);
        self.index.insert(id.to_owned(), key);
    }

    pub(super) fn get(&self, id: &str) -> Option<&T> {
        self.index.get(id).and_then(|k| self.rows.get(k))
    }

    pub(super) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        let k = *self.index.get(id)?;
        self.rows.get_mut(&k)
    }

    pub(super) fn remove(&mut self, id: &str) -> Option<T> {
        let k = self.index.remove(id)?;
        self.rows.remove(&k)
    }

    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &T> {
        self.rows.values()
    }

    /// Matching rows with their keys, honouring an id list when given.
    pub(super) fn matching<'a>(
        &'a self,
        ids: Option<&'a [String]>,
        pred: impl Fn(&T) -> bool + 'a,
    ) -> Vec<(u64, &'a T)> {
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
                    .filter_map(|k| self.rows.get(&k).map(|r| (k, r)))
                    .filter(|(_, r)| pred(r))
                    .collect()
            }
            None => self
                .rows
                .iter()
                .filter(|(_, r)| pred(r))
                .map(|(k, r)| (*k, r))
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

pub(super) fn page<T: Row>(
    table: &Table<T>,
    filter: &Filter,
    paging: &Paging,
    pred: impl Fn(&T) -> bool,
) -> Listing<T> {
    // Fast path for the benchmark case: no filter, natural order.
    if filter.is_unfiltered() && paging.is_plain() {
        let total = table.len();
        let limit = paging.limit.unwrap_or(usize::MAX);
        let items: Vec<T> = table
            .values()
            .skip(paging.offset)
            .take(limit)
            .cloned()
            .collect();
        let end = paging.offset.saturating_add(items.len());
        let next_offset = (end < total && paging.limit.is_some()).then_some(end);
        return Listing {
            items,
            total,
            next_offset,
        };
    }
    let mut rows = table.matching(filter.ids.as_deref(), |r| {
        filter.name_ok(r.row_name()) && pred(r)
    });
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
    let items: Vec<T> = rows[from..to].iter().map(|(_, r)| (*r).clone()).collect();
    let next_offset = (to < rows.len() && paging.limit.is_some()).then_some(to - start);
    Listing {
        items,
        total,
        next_offset,
    }
}
