//! Readers of references (`<job id href/>`) in the hand-written action and API root.

use omnivirt_core::Result;
use quick_xml::events::BytesStart;

use super::reader::{XmlIn, id_href};
use crate::native::types::Ref;

pub(super) fn read_ref<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Ref> {
    let (id, href) = id_href(e)?;
    let mut r = Ref {
        id,
        href,
        name: None,
    };
    if !empty {
        while let Some((c, ce)) = x.child()? {
            if c.local_name().as_ref() == b"name" {
                r.name = Some(x.text(ce)?);
            } else {
                x.skip(&c, ce)?;
            }
        }
    }
    Ok(r)
}
