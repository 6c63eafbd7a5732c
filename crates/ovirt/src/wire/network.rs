//! Logical networks.

use omnivirt_core::{Error, Result};
use quick_xml::events::BytesStart;

use super::parts::read_ref;
use super::reader::{XmlIn, each_attr, id_href, parse_i64, push_link};
use super::writer::XmlOut;
use crate::native::types::Network;

/// The VLAN tag of `<vlan id="101"/>` (an attribute in both dialects; a child `<id>` is read too).
fn read_vlan<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Option<i64>> {
    let mut vlan = None;
    each_attr(e, |k, v| {
        if k == b"id" {
            vlan = parse_i64(&v, "vlan").map_err(Error::protocol)?;
        }
        Ok(())
    })?;
    if !empty {
        while let Some((c, ce)) = x.child()? {
            if c.local_name().as_ref() == b"id" {
                vlan = x.i64("vlan", ce)?;
            } else {
                x.skip(&c, ce)?;
            }
        }
    }
    Ok(vlan)
}

pub(crate) fn read_network<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<Network> {
    let mut n = Network::default();
    (n.id, n.href) = id_href(e)?;
    if empty {
        return Ok(n);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => n.name = Some(x.text(ce)?),
            b"description" => n.description = Some(x.text(ce)?),
            b"comment" => n.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut n.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => n.action_links = x.actions(ce)?,
            b"vlan" => n.vlan = read_vlan(x, &c, ce)?,
            b"mtu" => n.mtu = x.i64("mtu", ce)?,
            b"stp" => n.stp = x.bool("stp", ce)?,
            b"usages" => n.usages = x.texts(ce, b"usage")?,
            b"status" => n.status = x.status(ce)?.0,
            b"required" => n.required = x.bool("required", ce)?,
            b"vdsm_name" => n.vdsm_name = Some(x.text(ce)?),
            b"data_center" => n.data_center = Some(read_ref(x, &c, ce)?),
            b"cluster" => n.cluster = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(n)
}

pub(crate) fn write_network(w: &mut XmlOut, tag: &str, n: &Network) {
    w.open(tag, n.id.as_deref());
    w.common(&n.name, &n.description, &n.comment);
    w.i64("mtu", n.mtu);
    w.bool("stp", n.stp);
    if !n.usages.is_empty() {
        w.open("usages", None);
        for u in &n.usages {
            w.leaf("usage", u);
        }
        w.close("usages");
    }
    if let Some(v) = n.vlan {
        w.open("vlan", Some(&v.to_string()));
        w.close("vlan");
    }
    w.reference("data_center", &n.data_center);
    w.close(tag);
}
