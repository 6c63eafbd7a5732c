//! Hosts, clusters and data centers.

use omnivirt_core::Result;
use quick_xml::events::BytesStart;

use super::parts::{read_cpu, read_os, read_ref, read_version};
use super::reader::{XmlIn, id_href, push_link};
use super::writer::XmlOut;
use crate::native::types::{Cluster, Host, HostStatus};

pub(crate) fn read_host<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Host> {
    let mut h = Host::default();
    (h.id, h.href) = id_href(e)?;
    if empty {
        return Ok(h);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => h.name = Some(x.text(ce)?),
            b"description" => h.description = Some(x.text(ce)?),
            b"comment" => h.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut h.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => h.action_links = x.actions(ce)?,
            b"status" => {
                let (s, d) = x.status(ce)?;
                h.status = s.map(|s| HostStatus::parse(&s));
                if d.is_some() {
                    h.status_detail = d;
                }
            }
            b"status_detail" => h.status_detail = Some(x.text(ce)?),
            b"address" => h.address = Some(x.text(ce)?),
            b"port" => h.port = x.i64("port", ce)?,
            b"memory" => h.memory = x.i64("memory", ce)?,
            b"max_scheduling_memory" => {
                h.max_scheduling_memory = x.i64("max_scheduling_memory", ce)?
            }
            b"cpu" => h.cpu = Some(read_cpu(x, &c, ce)?),
            b"os" => h.os = Some(read_os(x, &c, ce)?),
            b"version" => h.version = Some(read_version(x, &c, ce)?),
            b"type" => h.host_type = Some(x.text(ce)?),
            b"spm" => {
                if !ce {
                    while let Some((s, se)) = x.child()? {
                        if s.local_name().as_ref() == b"status" {
                            h.spm_status = x.status(se)?.0;
                        } else {
                            x.skip(&s, se)?;
                        }
                    }
                }
            }
            b"summary" => {
                if !ce {
                    while let Some((s, se)) = x.child()? {
                        match s.local_name().as_ref() {
                            b"active" => h.summary_active = x.i64("active", se)?,
                            b"migrating" => h.summary_migrating = x.i64("migrating", se)?,
                            b"total" => h.summary_total = x.i64("total", se)?,
                            _ => x.skip(&s, se)?,
                        }
                    }
                }
            }
            b"cluster" => h.cluster = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(h)
}

pub(crate) fn read_cluster<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<Cluster> {
    let mut k = Cluster::default();
    (k.id, k.href) = id_href(e)?;
    if empty {
        return Ok(k);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => k.name = Some(x.text(ce)?),
            b"description" => k.description = Some(x.text(ce)?),
            b"comment" => k.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut k.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => k.action_links = x.actions(ce)?,
            b"cpu" => k.cpu = Some(read_cpu(x, &c, ce)?),
            b"version" => k.version = Some(read_version(x, &c, ce)?),
            b"data_center" => k.data_center = Some(read_ref(x, &c, ce)?),
            b"scheduling_policy" => k.scheduling_policy = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(k)
}

pub(crate) fn write_host(w: &mut XmlOut, tag: &str, h: &Host) {
    w.open(tag, h.id.as_deref());
    w.common(&h.name, &h.description, &h.comment);
    w.str("address", &h.address);
    w.i64("port", h.port);
    w.reference("cluster", &h.cluster);
    w.close(tag);
}

pub(crate) fn write_cluster(w: &mut XmlOut, tag: &str, k: &Cluster) {
    w.open(tag, k.id.as_deref());
    w.common(&k.name, &k.description, &k.comment);
    w.cpu(&k.cpu);
    w.version(&k.version);
    w.reference("data_center", &k.data_center);
    w.close(tag);
}
