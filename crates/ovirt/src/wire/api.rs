//! The fault of an error answer (the API root, actions and faults are the generated types).

use super::reader::XmlIn;
use crate::native::types::{Action, Fault};

/// Reads a standalone `<fault>` document, or the fault inside an `<action>` answer, if `bytes`
/// is one.
pub(crate) fn read_fault_doc(bytes: &[u8]) -> Option<Fault> {
    let mut x = XmlIn::new(bytes);
    let (root, empty) = x.root().ok()?;
    match root.local_name().as_ref() {
        b"fault" => Fault::read(&mut x, &root, empty).ok(),
        b"action" => Action::read(&mut x, &root, empty).ok()?.fault.map(|f| *f),
        _ => None,
    }
}
