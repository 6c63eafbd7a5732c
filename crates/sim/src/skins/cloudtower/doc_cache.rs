//! The `get-vms` documents already written, kept by VM so that a VM listed again is copied,
//! not written again: writing a VM's 1.8 KB took about 10,000 instructions, most of the
//! simulator's time in a listing, which shares the machine with the client being measured.
//!
//! A kept document is used only while it is provably current:
//!
//! - it holds the very row it was written from (an `Arc` clone), and the World changes a row
//!   only through `Arc::make_mut`, which copies a row someone else holds: so while a document
//!   is kept, any change to its VM puts the VM in a new row and `Arc::ptr_eq` fails;
//! - and everything the document reads from outside the row ([`Around`]: the cluster's name,
//!   the host's name and address, the disks' size) is found again and compared.
//!
//! Documents are found by the address of their row, not by VM id: a lookup then compares one
//! word instead of an id kept elsewhere in memory (a cache miss per VM, a quarter of a cached
//! listing's time). A changed VM is a new row, so its old document is never found again; it
//! stays until the cache fills. The cache is bounded ([`CAP`] bytes of text); when full it is
//! emptied and fills again.

use std::sync::{Arc, Mutex, MutexGuard};

use super::ctx::Ctx;
use super::vm_doc::Around;
use crate::model::SimVm;

/// The most document text kept: 32 MiB (a listing of 10,000 VMs is 17.8 MB).
const CAP: usize = 32 << 20;

/// Kept `get-vms` documents (one per VM), shared by every request of a skin.
#[derive(Default)]
pub(crate) struct DocCache {
    inner: Mutex<Kept>,
}

impl std::fmt::Debug for DocCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let g = self.lock();
        f.debug_struct("DocCache")
            .field("docs", &g.docs.len())
            .field("bytes", &g.bytes)
            .field("copied", &g.copied)
            .finish()
    }
}

struct Kept {
    /// By the address of the row each was written from (held in the `Doc`, so never reused).
    docs: foldhash::HashMap<usize, Doc>,
    /// The most text held ([`CAP`] but in tests).
    cap: usize,
    /// Text held, in bytes.
    bytes: usize,
    /// Documents copied instead of written (for tests and `Debug`).
    copied: u64,
}

impl Default for Kept {
    fn default() -> Self {
        Kept {
            docs: foldhash::HashMap::default(),
            cap: CAP,
            bytes: 0,
            copied: 0,
        }
    }
}

/// One VM's document and what it was written from.
struct Doc {
    row: Arc<SimVm>,
    /// What the document read beside the row ([`beside`]), then the document: one allocation,
    /// so checking the first costs no cache miss that copying the second does not pay anyway.
    text: Box<[u8]>,
    /// Where the document starts in `text`.
    json_at: usize,
}

/// Ends each text part of [`beside`] (a byte no UTF-8 text holds).
const END: u8 = 0xff;

/// What a document reads beside its row, as bytes: the cluster's name, whether there is a
/// host, its name and address, and the disks' size. Equal bytes, equal [`Around`].
fn beside(around: &Around<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(around.cluster.name.as_bytes());
    out.push(END);
    if let Some(h) = &around.host {
        out.push(1);
        out.extend_from_slice(h.name.as_bytes());
        out.push(END);
        out.extend_from_slice(h.management_ip.as_bytes());
        out.push(END);
    } else {
        out.push(0);
    }
    out.extend_from_slice(&around.size.to_le_bytes());
}

impl Doc {
    /// Whether this document is the one `row` would be written as now, `now` being the bytes
    /// [`beside`] makes of what it would read beside the row.
    fn current(&self, row: &Arc<SimVm>, now: &[u8]) -> bool {
        Arc::ptr_eq(&self.row, row) && self.text.get(..self.json_at) == Some(now)
    }

    fn json(&self) -> &[u8] {
        self.text.get(self.json_at..).unwrap_or_default()
    }
}

/// Where a row lives: its key in the cache.
fn row_key(row: &Arc<SimVm>) -> usize {
    Arc::as_ptr(row).addr()
}

impl DocCache {
    fn lock(&self) -> MutexGuard<'_, Kept> {
        // A panic while held leaves at worst a document missing: the map stays whole.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends the document of `row` to `out`: the kept one when it is current, else one
    /// written now (and kept).
    pub(super) fn write(&self, ctx: &Ctx<'_>, row: &Arc<SimVm>, out: &mut Vec<u8>) {
        let around = ctx.around(row);
        let mut text = Vec::with_capacity(64);
        beside(&around, &mut text);
        let json_at = text.len();
        {
            let mut g = self.lock();
            if let Some(doc) = g.docs.get(&row_key(row))
                && doc.current(row, &text)
            {
                out.extend_from_slice(doc.json());
                g.copied += 1;
                return;
            }
        }
        text.reserve(2048);
        ctx.vm_doc_around(row, around).write_json(&mut text);
        let doc = Doc {
            row: Arc::clone(row),
            text: text.into_boxed_slice(),
            json_at,
        };
        out.extend_from_slice(doc.json());
        let mut g = self.lock();
        if g.bytes + doc.text.len() > g.cap {
            g.docs.clear();
            g.bytes = 0;
        }
        g.bytes += doc.text.len();
        if let Some(old) = g.docs.insert(row_key(row), doc) {
            g.bytes -= old.text.len();
        }
    }

    /// How many documents were copied instead of written so far.
    #[cfg(test)]
    pub(super) fn copied(&self) -> u64 {
        self.lock().copied
    }

    /// A cache that holds at most `cap` bytes of text.
    #[cfg(test)]
    pub(super) fn with_cap(cap: usize) -> Self {
        let docs = DocCache::default();
        docs.lock().cap = cap;
        docs
    }

    /// The text held, in bytes.
    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        self.lock().bytes
    }
}
