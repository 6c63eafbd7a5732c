//! Disks, disk attachments, storage domains and templates.

use omnivirt_core::Result;
use quick_xml::events::BytesStart;

use super::parts::{read_cpu, read_os, read_ref, read_refs};
use super::reader::{XmlIn, id_href, push_link};
use super::writer::XmlOut;
use crate::native::types::{
    Disk, DiskAttachment, DiskFormat, DiskInterface, DiskStatus, Template, TemplateStatus, VmType,
};

pub(crate) fn read_disk<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Disk> {
    let mut d = Disk::default();
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
            b"status" => d.status = x.status(ce)?.0.map(|s| DiskStatus::parse(&s)),
            b"alias" => d.alias = Some(x.text(ce)?),
            b"provisioned_size" => d.provisioned_size = x.i64("provisioned_size", ce)?,
            // 3.x spelled the virtual size `size`.
            b"size" => {
                let n = x.i64("size", ce)?;
                if d.provisioned_size.is_none() {
                    d.provisioned_size = n;
                }
            }
            b"actual_size" => d.actual_size = x.i64("actual_size", ce)?,
            b"total_size" => d.total_size = x.i64("total_size", ce)?,
            b"format" => d.format = Some(DiskFormat::parse(&x.text_cow(ce)?)),
            b"sparse" => d.sparse = x.bool("sparse", ce)?,
            b"shareable" => d.shareable = x.bool("shareable", ce)?,
            b"bootable" => d.bootable = x.bool("bootable", ce)?,
            b"interface" => d.interface = Some(DiskInterface::parse(&x.text_cow(ce)?)),
            b"storage_type" => d.storage_type = Some(x.text(ce)?),
            b"content_type" => d.content_type = Some(x.text(ce)?),
            b"image_id" => d.image_id = Some(x.text(ce)?),
            b"storage_domains" => d.storage_domains = read_refs(x, ce, b"storage_domain")?,
            b"vm" => d.vm = Some(read_ref(x, &c, ce)?),
            b"vms" => d.vms = read_refs(x, ce, b"vm")?,
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(d)
}

pub(crate) fn read_disk_attachment<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<DiskAttachment> {
    let mut a = DiskAttachment::default();
    (a.id, a.href) = id_href(e)?;
    if empty {
        return Ok(a);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => a.name = Some(x.text(ce)?),
            b"description" => a.description = Some(x.text(ce)?),
            b"comment" => a.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut a.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => a.action_links = x.actions(ce)?,
            b"active" => a.active = x.bool("active", ce)?,
            b"bootable" => a.bootable = x.bool("bootable", ce)?,
            b"interface" => a.interface = Some(DiskInterface::parse(&x.text_cow(ce)?)),
            b"pass_discard" => a.pass_discard = x.bool("pass_discard", ce)?,
            b"read_only" => a.read_only = x.bool("read_only", ce)?,
            b"logical_name" => a.logical_name = Some(x.text(ce)?),
            b"disk" => a.disk = Some(Box::new(read_disk(x, &c, ce)?)),
            b"vm" => a.vm = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(a)
}

pub(crate) fn read_template<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<Template> {
    let mut t = Template::default();
    (t.id, t.href) = id_href(e)?;
    if empty {
        return Ok(t);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => t.name = Some(x.text(ce)?),
            b"description" => t.description = Some(x.text(ce)?),
            b"comment" => t.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut t.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => t.action_links = x.actions(ce)?,
            b"status" => t.status = x.status(ce)?.0.map(|s| TemplateStatus::parse(&s)),
            b"memory" => t.memory = x.i64("memory", ce)?,
            b"cpu" => t.cpu = Some(read_cpu(x, &c, ce)?),
            b"os" => t.os = Some(read_os(x, &c, ce)?),
            b"type" => t.vm_type = Some(VmType::parse(&x.text_cow(ce)?)),
            b"creation_time" => t.creation_time = Some(x.text(ce)?),
            b"version" => {
                if !ce {
                    while let Some((g, ge)) = x.child()? {
                        match g.local_name().as_ref() {
                            b"version_name" => t.version_name = Some(x.text(ge)?),
                            b"version_number" => t.version_number = x.i64("version_number", ge)?,
                            _ => x.skip(&g, ge)?,
                        }
                    }
                }
            }
            b"cluster" => t.cluster = Some(read_ref(x, &c, ce)?),
            b"vm" => t.vm = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(t)
}

pub(crate) fn write_disk(w: &mut XmlOut, tag: &str, d: &Disk) {
    w.open(tag, d.id.as_deref());
    w.common(&d.name, &d.description, &d.comment);
    w.str("alias", &d.alias);
    w.en("format", &d.format);
    w.i64("provisioned_size", d.provisioned_size);
    w.bool("shareable", d.shareable);
    w.bool("sparse", d.sparse);
    w.str("content_type", &d.content_type);
    w.refs("storage_domains", "storage_domain", &d.storage_domains);
    w.close(tag);
}

pub(crate) fn write_disk_attachment(w: &mut XmlOut, tag: &str, a: &DiskAttachment) {
    w.open(tag, a.id.as_deref());
    w.bool("active", a.active);
    w.bool("bootable", a.bootable);
    w.en("interface", &a.interface);
    w.bool("pass_discard", a.pass_discard);
    w.bool("read_only", a.read_only);
    if let Some(d) = &a.disk {
        write_disk(w, "disk", d);
    }
    w.close(tag);
}

pub(crate) fn write_template(w: &mut XmlOut, tag: &str, t: &Template) {
    w.open(tag, t.id.as_deref());
    w.common(&t.name, &t.description, &t.comment);
    w.cpu(&t.cpu);
    w.i64("memory", t.memory);
    w.os(&t.os);
    w.en("type", &t.vm_type);
    if t.version_name.is_some() {
        w.open("version", None);
        w.str("version_name", &t.version_name);
        w.close("version");
    }
    w.reference("cluster", &t.cluster);
    w.reference("vm", &t.vm);
    w.close(tag);
}
