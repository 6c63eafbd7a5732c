//! The API root, and the fault of an error answer (actions and faults are the generated types).

use omnivirt_core::Result;
use quick_xml::events::BytesStart;

use super::parts::read_ref;
use super::reader::{XmlIn, link, push_link};
use super::writer::XmlOut;
use crate::native::types::{Action, Api, Fault, Ref, SummaryItem, Version};

pub(super) fn read_summary_item<'a>(x: &mut XmlIn<'a>, empty: bool) -> Result<SummaryItem> {
    let mut s = SummaryItem::default();
    if !empty {
        while let Some((c, ce)) = x.child()? {
            match c.local_name().as_ref() {
                b"active" => s.active = x.i64("active", ce)?,
                b"total" => s.total = x.i64("total", ce)?,
                _ => x.skip(&c, ce)?,
            }
        }
    }
    Ok(s)
}

pub(crate) fn read_api<'a>(x: &mut XmlIn<'a>, _e: &BytesStart<'a>, empty: bool) -> Result<Api> {
    let mut api = Api::default();
    if empty {
        return Ok(api);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"link" => {
                push_link(&c, &mut api.links)?;
                x.skip(&c, ce)?;
            }
            b"product_info" => {
                if !ce {
                    let mut full = None;
                    while let Some((g, ge)) = x.child()? {
                        match g.local_name().as_ref() {
                            b"name" => api.product_name = Some(x.text(ge)?),
                            b"vendor" => api.product_vendor = Some(x.text(ge)?),
                            b"version" => api.product_version = Some(Version::read(x, &g, ge)?),
                            // 3.x put full_version beside <version>.
                            b"full_version" => full = Some(x.text(ge)?),
                            _ => x.skip(&g, ge)?,
                        }
                    }
                    if let (Some(f), Some(v)) = (full, api.product_version.as_mut())
                        && v.full_version.is_none()
                    {
                        v.full_version = Some(f);
                    }
                }
            }
            b"special_objects" => {
                if !ce {
                    while let Some((g, ge)) = x.child()? {
                        match g.local_name().as_ref() {
                            b"blank_template" => api.blank_template = Some(read_ref(x, &g, ge)?),
                            b"root_tag" => api.root_tag = Some(read_ref(x, &g, ge)?),
                            // 3.x: <link rel="templates/blank" href=".../templates/ID"/>
                            b"link" => {
                                let l = link(&g)?;
                                let id = l.href.rsplit('/').next().map(str::to_owned);
                                let r = Some(Ref {
                                    id,
                                    href: Some(l.href.clone()),
                                    name: None,
                                });
                                match l.rel.as_str() {
                                    "templates/blank" => api.blank_template = r,
                                    "tags/root" => api.root_tag = r,
                                    _ => {}
                                }
                                x.skip(&g, ge)?;
                            }
                            _ => x.skip(&g, ge)?,
                        }
                    }
                }
            }
            b"summary" => {
                if !ce {
                    while let Some((g, ge)) = x.child()? {
                        match g.local_name().as_ref() {
                            b"vms" => api.vms = Some(read_summary_item(x, ge)?),
                            b"hosts" => api.hosts = Some(read_summary_item(x, ge)?),
                            b"users" => api.users = Some(read_summary_item(x, ge)?),
                            b"storage_domains" => {
                                api.storage_domains = Some(read_summary_item(x, ge)?)
                            }
                            _ => x.skip(&g, ge)?,
                        }
                    }
                }
            }
            b"time" => api.time = Some(x.text(ce)?),
            b"authenticated_user" => api.authenticated_user = Some(read_ref(x, &c, ce)?),
            b"effective_user" => api.effective_user = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(api)
}

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

pub(super) fn write_api(w: &mut XmlOut, tag: &str, _a: &Api) {
    w.open(tag, None);
    w.close(tag);
}
