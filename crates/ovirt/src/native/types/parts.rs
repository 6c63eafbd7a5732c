//! The parts objects share: links, references, faults.

use std::fmt;
use std::sync::OnceLock;

use serde::{Serialize, Serializer};

use super::link_text;

/// A `<link rel href>` to a sub-collection or an action, owned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The relation (`nics`, `diskattachments`, `start`...).
    pub rel: String,
    /// Absolute path on the engine.
    pub href: String,
}

impl Link {
    /// A link.
    pub fn new(rel: impl Into<String>, href: impl Into<String>) -> Self {
        Link {
            rel: rel.into(),
            href: href.into(),
        }
    }
}

/// A borrowed `<link rel href>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LinkRef<'a> {
    /// The relation.
    pub rel: &'a str,
    /// Absolute path on the engine.
    pub href: &'a str,
}

/// The links of one object: an engine sends about 35 per VM. While decoding, a run of
/// `<link .../>` elements is kept in a compact form of the text the engine sent (see
/// `link_text`) and read into one packed buffer (one allocation for all links, not 70) the
/// first time you look; most listings never do.
///
/// An object without links costs one pointer.
#[derive(Clone, Default)]
pub struct Links(Option<Box<LinksInner>>);

#[derive(Clone, Default)]
struct LinksInner {
    /// The first links of the object, not read yet: `<link/>` elements as received, in
    /// `link_text`'s compact form.
    compact: String,
    /// `compact` read, on first use.
    read: OnceLock<Packed>,
    /// Links added one by one, after those of `compact`.
    packed: Packed,
}

/// No links, for objects without any.
static NO_LINKS: Packed = Packed {
    buf: String::new(),
    idx: Vec::new(),
};

/// Links packed in one buffer.
#[derive(Clone, Default)]
struct Packed {
    buf: String,
    // (start, end of rel = start of href, end of href) in `buf`.
    idx: Vec<(u32, u32, u32)>,
}

impl Packed {
    fn push(&mut self, rel: &str, href: &str) {
        if self.idx.is_empty() {
            self.buf.reserve(64 * 20);
            self.idx.reserve(20);
        }
        let start = self.buf.len();
        self.buf.push_str(rel);
        let mid = self.buf.len();
        self.buf.push_str(href);
        let end = self.buf.len();
        // Offsets past 4 GiB of link text are not a real document; saturate rather than wrap.
        let c = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.idx.push((c(start), c(mid), c(end)));
    }

    /// The `<link rel href/>` elements of `raw` (others skipped; reading stops at the first
    /// malformed element), added in order.
    fn read(&mut self, raw: &str) {
        crate::wire::gen_support::each_link_in(raw, |rel, href| self.push(rel, href));
    }

    /// The links of compact runs (see `link_text`), added in order.
    fn read_compact(&mut self, compact: &str) {
        link_text::expand(compact, |run| self.read(run));
    }

    fn iter(&self) -> impl Iterator<Item = LinkRef<'_>> + '_ {
        self.idx.iter().map(|&(s, m, e)| LinkRef {
            rel: self.buf.get(s as usize..m as usize).unwrap_or(""),
            href: self.buf.get(m as usize..e as usize).unwrap_or(""),
        })
    }
}

impl LinksInner {
    /// The links of `compact`, read on first use.
    fn read(&self) -> &Packed {
        self.read.get_or_init(|| {
            let mut p = Packed::default();
            p.read_compact(&self.compact);
            p
        })
    }
}

impl Links {
    /// No links.
    pub const fn new() -> Self {
        Self(None)
    }

    fn inner(&mut self) -> &mut LinksInner {
        self.0.get_or_insert_with(Box::default)
    }

    /// The links of the received text (read now if not yet) and those added one by one.
    fn parts(&self) -> (&Packed, &Packed) {
        match &self.0 {
            Some(inner) => (inner.read(), &inner.packed),
            None => (&NO_LINKS, &NO_LINKS),
        }
    }

    /// Adds a link.
    pub fn push(&mut self, rel: &str, href: &str) {
        self.inner().packed.push(rel, href);
    }

    /// Adds `<link .../>` elements as the engine wrote them, read on first use (or now, when
    /// links were added one by one before them, to keep the document's order, or when they
    /// are not in the form `link_text` keeps).
    pub(crate) fn push_raw(&mut self, elements: &str) {
        let inner = self.inner();
        if inner.packed.idx.is_empty() && link_text::encode_run(elements, &mut inner.compact) {
            inner.compact.shrink_to_fit();
            inner.read.take();
        } else {
            inner.packed.read(elements);
        }
    }

    /// The links of a compact run (see `link_text`).
    fn from_compact(compact: &str) -> Self {
        let mut l = Links::new();
        l.inner().packed.read_compact(compact);
        l
    }

    /// Number of links.
    pub fn len(&self) -> usize {
        let (read, packed) = self.parts();
        read.idx.len() + packed.idx.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The links in document order.
    pub fn iter(&self) -> impl Iterator<Item = LinkRef<'_>> + '_ {
        let (read, packed) = self.parts();
        read.iter().chain(packed.iter())
    }

    /// The `href` of the first link with relation `rel`.
    pub fn get(&self, rel: &str) -> Option<&str> {
        self.iter().find(|l| l.rel == rel).map(|l| l.href)
    }

    /// Owned copies.
    pub fn to_vec(&self) -> Vec<Link> {
        self.iter().map(|l| Link::new(l.rel, l.href)).collect()
    }
}

impl PartialEq for Links {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Links {}

impl fmt::Debug for Links {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Links {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for Links {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(iter: I) -> Self {
        let mut l = Links::new();
        for (rel, href) in iter {
            l.push(rel, href);
        }
        l
    }
}

/// The `<actions>` of an object as the engine sent them (a VM offers about twenty): kept as
/// text while decoding (compact when it is the usual run of links), read into [`Links`] when
/// you ask.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ActionLinks(Option<ActionText>);

/// The text of `<actions>`.
#[derive(Clone, PartialEq, Eq)]
enum ActionText {
    /// A run of links in `link_text`'s compact form.
    Compact(Box<str>),
    /// Anything else, as received.
    Raw(Box<str>),
}

impl ActionLinks {
    /// The `<actions>` content as received (`<link rel=".." href=".."/>...`).
    pub(crate) fn from_raw(raw: &str) -> Self {
        ActionLinks(crate::wire::gen_support::non_blank(raw).map(|raw| {
            let mut compact = String::new();
            if link_text::encode_run(raw, &mut compact) {
                ActionText::Compact(compact.into_boxed_str())
            } else {
                ActionText::Raw(Box::from(raw))
            }
        }))
    }

    /// True if the engine offered no action.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The action links (`rel` is the action's name, `href` where to post it). A link the
    /// engine wrote badly is left out.
    pub fn links(&self) -> Links {
        match &self.0 {
            Some(ActionText::Compact(c)) => Links::from_compact(c),
            Some(ActionText::Raw(raw)) => crate::wire::gen_support::links_in(raw),
            None => Links::new(),
        }
    }
}

impl fmt::Debug for ActionLinks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let links = self.links();
        f.debug_list().entries(links.iter().map(|l| l.rel)).finish()
    }
}
