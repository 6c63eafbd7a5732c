//! [`Resource`]: the element names of each object and how to read and write its documents.

use omnivirt_core::{Error, Result};
use quick_xml::events::BytesStart;

use super::reader::XmlIn;
use crate::native::types::Fault;

/// An object with an XML form: its element names and how to read and write it.
pub trait Resource: Sized + Send + Sync + 'static {
    /// Element name of one object (`vm`).
    const TAG: &'static str;
    /// Element name of a collection (`vms`).
    const PLURAL: &'static str;
    /// The model's name of the type (`Vm`): the key of its JSON form in [`super::schema`].
    const MODEL: &'static str;

    /// Reads one object from a document whose root is [`Resource::TAG`].
    fn from_xml(bytes: &[u8]) -> Result<Self>;

    /// Reads a collection document (root [`Resource::PLURAL`]).
    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>>;

    /// Reads a collection document, reading of each object only the child elements `keep`
    /// accepts (by element name): the others are passed over unread and their fields stay
    /// unset; attributes are always read. A listing that needs a few fields decodes about half
    /// as much of a VM. Types that cannot read in part read everything.
    fn list_from_xml_only(bytes: &[u8], keep: fn(&[u8]) -> bool) -> Result<Vec<Self>> {
        let _ = keep;
        Self::list_from_xml(bytes)
    }

    /// Writes the object as a document (only the fields that are set).
    fn to_xml(&self) -> String;

    /// The object's JSON form, keyed by the model's names as `omnivirt api call` prints it
    /// (read back from [`Resource::to_xml`], so only what the writer sends).
    fn to_json(&self) -> Result<serde_json::Value> {
        let ty = super::schema::type_info(Self::MODEL).ok_or_else(|| {
            Error::invalid_input(format!("`{}` is not a type of the model", Self::MODEL))
        })?;
        super::bridge::read(ty, self.to_xml().as_bytes())
    }
}

fn expect_root(found: &[u8], wanted: &str) -> Result<()> {
    if found == wanted.as_bytes() {
        Ok(())
    } else {
        Err(Error::protocol(format!(
            "expected an oVirt <{wanted}> document, got <{}>",
            String::from_utf8_lossy(found)
        )))
    }
}

/// Reads one object from a document whose root is `tag`.
pub(crate) fn one_from_xml<'a, T>(
    bytes: &'a [u8],
    tag: &str,
    read: impl FnOnce(&mut XmlIn<'a>, &BytesStart<'a>, bool) -> Result<T>,
) -> Result<T> {
    let mut x = XmlIn::new(bytes);
    let (root, empty) = x.root()?;
    expect_root(root.local_name().as_ref(), tag)?;
    read(&mut x, &root, empty)
}

/// Reads the `tag` children of a collection document whose root is `plural`.
pub(crate) fn many_from_xml<'a, T>(
    bytes: &'a [u8],
    plural: &str,
    tag: &str,
    read: impl FnMut(&mut XmlIn<'a>, &BytesStart<'a>, bool) -> Result<T>,
) -> Result<Vec<T>> {
    let mut x = XmlIn::new(bytes);
    let (root, empty) = x.root()?;
    expect_root(root.local_name().as_ref(), plural)?;
    x.items_named(empty, Some(tag.as_bytes()), read)
}

/// Reads a `<fault>` document.
pub fn fault_from_xml(bytes: &[u8]) -> Result<Fault> {
    let mut x = XmlIn::new(bytes);
    let (root, empty) = x.root()?;
    expect_root(root.local_name().as_ref(), "fault")?;
    Fault::read(&mut x, &root, empty)
}
