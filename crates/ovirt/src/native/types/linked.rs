//! [`Linked`]: one object's reference to another, as the generated types hold it.

use std::fmt;
use std::marker::PhantomData;

use omnivirt_core::Result;

use super::Object;
use crate::wire::Resource;

/// A reference from one object to another identified object: `<cluster href=".." id=".."/>` in
/// a VM, `<vm id=".."/>` in an event. It holds the identity and, when the engine inlined the
/// object (`follow=cluster`) or you give one to send, that object's XML content as it came;
/// [`Linked::object`] reads it as the full typed `T` when you ask for it.
///
/// Holding the reference rather than a boxed `T` keeps decoding cheap (a VM refers to seven or
/// more objects, each usually just an `id`) and keeps the generated types' graph shallow, so
/// `Send` and `Sync` are proven in your crate without raising its recursion limit.
///
/// ```
/// use omnivirt_ovirt::generated::types::{Cluster, Vm};
/// use omnivirt_ovirt::types::Linked;
///
/// let vm = Vm { cluster: Some(Linked::by_name("Default")), ..Vm::default() };
/// assert_eq!(vm.to_xml(), "<vm><cluster><name>Default</name></cluster></vm>");
///
/// let vm = Vm::from_xml(br#"<vm><cluster id="c1"><name>prod</name><ballooning_enabled>true</ballooning_enabled></cluster></vm>"#).unwrap();
/// let cluster = vm.cluster.unwrap();
/// assert_eq!(cluster.id(), Some("c1"));
/// assert_eq!(cluster.name(), Some("prod"));
/// let full: Cluster = cluster.object().unwrap();
/// assert_eq!(full.ballooning_enabled, Some(true));
/// ```
pub struct Linked<T> {
    /// The id, href, name and content, one after the other in one allocation.
    buf: Box<str>,
    /// Where the id, href and name end in `buf` (the content runs to its end); `u32` keeps
    /// a reference at 32 bytes, and the body limit keeps documents far below 4 GiB.
    ends: [u32; 3],
    /// Which parts are present (bit `i` for part `i`).
    present: u8,
    _t: PhantomData<fn() -> T>,
}

const ID: usize = 0;
const HREF: usize = 1;
const NAME: usize = 2;
const CONTENT: usize = 3;

impl<T> Linked<T> {
    /// A reference by id.
    pub fn by_id(id: &str) -> Self {
        Self::from_parts([Some(id), None, None, None])
    }

    /// A reference by name (the engine accepts a name instead of an id on input).
    pub fn by_name(name: &str) -> Self {
        Self::from_parts([None, None, Some(name), None])
    }

    /// A reference by id and `href`.
    pub fn by_id_and_href(id: &str, href: &str) -> Self {
        Self::from_parts([Some(id), Some(href), None, None])
    }

    /// Identifier (an attribute on the wire).
    pub fn id(&self) -> Option<&str> {
        self.part(ID)
    }

    /// Path of the object (an attribute on the wire).
    pub fn href(&self) -> Option<&str> {
        self.part(HREF)
    }

    /// Name: sent as `<name>` when there is no content; read from the content.
    pub fn name(&self) -> Option<&str> {
        self.part(NAME)
    }

    /// The object's XML content (its child elements), when inlined or given.
    pub fn content(&self) -> Option<&str> {
        self.part(CONTENT)
    }

    /// True when the element carried more than a reference (`follow=`, or a given object).
    pub fn is_inlined(&self) -> bool {
        self.present & (1 << CONTENT) != 0
    }

    fn part(&self, i: usize) -> Option<&str> {
        if self.present & (1 << i) == 0 {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends.get(i).map_or(self.buf.len(), |&e| e as usize);
        self.buf.get(start..end)
    }

    /// A reference from its parts: id, href, name and content.
    pub(crate) fn from_parts(parts: [Option<&str>; 4]) -> Self {
        let len = parts.iter().flatten().map(|p| p.len()).sum();
        let mut buf = String::with_capacity(len);
        let mut ends = [0; 3];
        let mut present = 0;
        for (i, p) in parts.iter().enumerate() {
            if let Some(p) = p {
                buf.push_str(p);
                present |= 1 << i;
            }
            if let Some(end) = ends.get_mut(i) {
                // Past 4 GiB (never a real document) the part reads as absent, not wrapped.
                *end = u32::try_from(buf.len()).unwrap_or(u32::MAX);
            }
        }
        Linked {
            buf: buf.into_boxed_str(),
            ends,
            present,
            _t: PhantomData,
        }
    }
}

impl<T: Resource> Linked<T> {
    /// The referenced object as far as this document tells: its id, href and name, and every
    /// field of the inlined content.
    pub fn object(&self) -> Result<T> {
        let mut doc = String::with_capacity(64 + self.buf.len());
        crate::wire::gen_support::write_linked(&mut doc, T::TAG, self);
        T::from_xml(doc.as_bytes())
    }

    /// A reference that sends the whole of `obj` (a new disk in a disk attachment, run-once
    /// overrides in a start action).
    pub fn of(obj: &T) -> Result<Self>
    where
        T: Object,
    {
        let xml = obj.to_xml();
        let content = crate::wire::gen_support::element_content(xml.as_bytes())?;
        Ok(Self::from_parts([
            obj.id(),
            obj.href(),
            obj.name(),
            content,
        ]))
    }
}

impl<T> Linked<T> {
    /// Writes the children: the content as it is, else `<name>`.
    pub(crate) fn write_content(&self, w: &mut String) {
        match (self.content(), self.name()) {
            (Some(c), _) => w.push_str(c),
            (None, Some(name)) => crate::wire::gen_support::leaf(w, "name", name),
            (None, None) => {}
        }
    }
}

impl<T> Default for Linked<T> {
    fn default() -> Self {
        Self::from_parts([None; 4])
    }
}

impl<T> Clone for Linked<T> {
    fn clone(&self) -> Self {
        Linked {
            buf: self.buf.clone(),
            ends: self.ends,
            present: self.present,
            _t: PhantomData,
        }
    }
}

impl<T> PartialEq for Linked<T> {
    fn eq(&self, other: &Self) -> bool {
        (0..4).all(|i| self.part(i) == other.part(i))
    }
}

impl<T> fmt::Debug for Linked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Linked");
        d.field("id", &self.id()).field("href", &self.href());
        d.field("name", &self.name());
        if let Some(c) = self.content() {
            d.field("content_bytes", &c.len());
        }
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native::types::{Cluster, Vm};

    #[test]
    fn a_reference_is_small_and_keeps_its_parts() {
        // A VM holds about twenty of these; each used to take 56 bytes.
        assert_eq!(std::mem::size_of::<Option<Linked<Cluster>>>(), 32);
        let l: Linked<Vm> = Linked::from_parts([Some("i"), None, Some("web"), Some("<x/>")]);
        assert_eq!(l.id(), Some("i"));
        assert_eq!(l.href(), None);
        assert_eq!(l.name(), Some("web"));
        assert!(l.is_inlined());
        assert_eq!(l.part(CONTENT), Some("<x/>"));
        let empty: Linked<Vm> = Linked::from_parts([None, None, None, None]);
        assert_eq!(
            (empty.id(), empty.name(), empty.is_inlined()),
            (None, None, false)
        );
    }
}
