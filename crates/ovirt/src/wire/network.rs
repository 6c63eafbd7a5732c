//! Logical networks.

use omnivirt_core::{Error, Result};
use quick_xml::events::BytesStart;

use super::parts::read_ref;
use super::reader::{XmlIn, each_attr, id_href, parse_i64, push_link};
use super::writer::XmlOut;
use crate::native::types::{Ip, Network, ReportedDevice, VnicProfile};

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

pub(crate) fn read_vnic_profile<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<VnicProfile> {
    let mut p = VnicProfile::default();
    (p.id, p.href) = id_href(e)?;
    if empty {
        return Ok(p);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => p.name = Some(x.text(ce)?),
            b"description" => p.description = Some(x.text(ce)?),
            b"comment" => p.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut p.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => p.action_links = x.actions(ce)?,
            b"port_mirroring" => p.port_mirroring = x.bool("port_mirroring", ce)?,
            b"network" => p.network = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(p)
}

pub(crate) fn write_vnic_profile(w: &mut XmlOut, tag: &str, p: &VnicProfile) {
    w.open(tag, p.id.as_deref());
    w.common(&p.name, &p.description, &p.comment);
    w.bool("port_mirroring", p.port_mirroring);
    w.reference("network", &p.network);
    w.close(tag);
}

/// `<mac><address>..</address></mac>` (4.x) or `<mac address=".."/>` (3.x).
fn read_mac<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Option<String>> {
    let mut mac = None;
    each_attr(e, |k, v| {
        if k == b"address" {
            mac = Some(v);
        }
        Ok(())
    })?;
    if !empty {
        while let Some((g, ge)) = x.child()? {
            if g.local_name().as_ref() == b"address" {
                mac = Some(x.text(ge)?);
            } else {
                x.skip(&g, ge)?;
            }
        }
    }
    Ok(mac)
}

fn read_ip<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Ip> {
    let mut ip = Ip::default();
    // 3.x wrote the address and version as attributes.
    each_attr(e, |k, v| {
        match k {
            b"address" => ip.address = Some(v),
            b"version" => ip.version = Some(v),
            _ => {}
        }
        Ok(())
    })?;
    if !empty {
        while let Some((c, ce)) = x.child()? {
            match c.local_name().as_ref() {
                b"address" => ip.address = Some(x.text(ce)?),
                b"version" => ip.version = Some(x.text(ce)?),
                _ => x.skip(&c, ce)?,
            }
        }
    }
    Ok(ip)
}

pub(crate) fn read_reported_device<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<ReportedDevice> {
    let mut d = ReportedDevice::default();
    (d.id, d.href) = id_href(e)?;
    if empty {
        return Ok(d);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => d.name = Some(x.text(ce)?),
            b"description" => d.description = Some(x.text(ce)?),
            b"comment" => d.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut d.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => d.action_links = x.actions(ce)?,
            b"type" => d.device_type = Some(x.text(ce)?),
            b"mac" => d.mac = read_mac(x, &c, ce)?,
            b"ips" => d.ips = x.list(ce, b"ip", read_ip)?,
            b"vm" => d.vm = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(d)
}

pub(crate) fn write_reported_device(w: &mut XmlOut, tag: &str, d: &ReportedDevice) {
    w.open(tag, d.id.as_deref());
    w.common(&d.name, &d.description, &d.comment);
    if !d.ips.is_empty() {
        w.open("ips", None);
        for ip in &d.ips {
            w.open("ip", None);
            if let Some(a) = &ip.address {
                w.leaf("address", a);
            }
            if let Some(v) = &ip.version {
                w.leaf("version", v);
            }
            w.close("ip");
        }
        w.close("ips");
    }
    if let Some(m) = &d.mac {
        w.open("mac", None);
        w.leaf("address", m);
        w.close("mac");
    }
    if let Some(t) = &d.device_type {
        w.leaf("type", t);
    }
    w.close(tag);
}
