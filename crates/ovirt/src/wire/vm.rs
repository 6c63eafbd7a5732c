//! VMs and their NICs (snapshots are the generated `Snapshot`).

use omnivirt_core::Result;
use quick_xml::events::BytesStart;

use super::parts::{read_cpu, read_os, read_ref, read_refs};
use super::reader::{XmlIn, each_attr, id_href, push_link};
use super::writer::XmlOut;
use crate::native::types::{
    DiskAttachment, Nic, NicInterface, ReportedDevice, Vm, VmStatus, VmType,
};

pub(crate) fn read_vm<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Vm> {
    let mut v = Vm::default();
    (v.id, v.href) = id_href(e)?;
    if empty {
        return Ok(v);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => v.name = Some(x.text(ce)?),
            b"description" => v.description = Some(x.text(ce)?),
            b"comment" => v.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut v.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => v.action_links = x.actions(ce)?,
            b"status" => {
                let (s, d) = x.status(ce)?;
                v.status = s.map(|s| VmStatus::parse(&s));
                if d.is_some() {
                    v.status_detail = d;
                }
            }
            b"status_detail" => v.status_detail = Some(x.text(ce)?),
            b"memory" => v.memory = x.i64("memory", ce)?,
            b"cpu" => v.cpu = Some(read_cpu(x, &c, ce)?),
            b"os" => v.os = Some(read_os(x, &c, ce)?),
            b"type" => v.vm_type = Some(VmType::parse(&x.text_cow(ce)?)),
            b"stateless" => v.stateless = x.bool("stateless", ce)?,
            b"delete_protected" => v.delete_protected = x.bool("delete_protected", ce)?,
            b"fqdn" => v.fqdn = Some(x.text(ce)?),
            b"origin" => v.origin = Some(x.text(ce)?),
            b"creation_time" => v.creation_time = Some(x.text(ce)?),
            b"start_time" => v.start_time = Some(x.text(ce)?),
            b"stop_time" => v.stop_time = Some(x.text(ce)?),
            b"cluster" => v.cluster = Some(read_ref(x, &c, ce)?),
            b"host" => v.host = Some(read_ref(x, &c, ce)?),
            b"template" => v.template = Some(read_ref(x, &c, ce)?),
            b"original_template" => v.original_template = Some(read_ref(x, &c, ce)?),
            b"disk_attachments" => {
                v.disk_attachments = x.list(ce, b"disk_attachment", DiskAttachment::read)?
            }
            b"nics" => v.nics = x.list(ce, b"nic", read_nic)?,
            b"tags" => v.tags = read_refs(x, ce, b"tag")?,
            b"reported_devices" => {
                v.reported_devices = x.list(ce, b"reported_device", ReportedDevice::read)?
            }
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(v)
}

pub(crate) fn read_nic<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Nic> {
    let mut n = Nic::default();
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
            b"interface" => n.interface = Some(NicInterface::parse(&x.text_cow(ce)?)),
            b"mac" => {
                // 4.x: <mac><address>..</address></mac>; 3.x: <mac address=".."/>
                each_attr(&c, |k, v| {
                    if k == b"address" {
                        n.mac = Some(v);
                    }
                    Ok(())
                })?;
                if !ce {
                    while let Some((g, ge)) = x.child()? {
                        if g.local_name().as_ref() == b"address" {
                            n.mac = Some(x.text(ge)?);
                        } else {
                            x.skip(&g, ge)?;
                        }
                    }
                }
            }
            b"linked" => n.linked = x.bool("linked", ce)?,
            b"plugged" => n.plugged = x.bool("plugged", ce)?,
            b"vnic_profile" => n.vnic_profile = Some(read_ref(x, &c, ce)?),
            b"vm" => n.vm = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(n)
}

pub(crate) fn write_vm(w: &mut XmlOut, tag: &str, v: &Vm) {
    w.open(tag, v.id.as_deref());
    w.common(&v.name, &v.description, &v.comment);
    w.cpu(&v.cpu);
    w.bool("delete_protected", v.delete_protected);
    w.i64("memory", v.memory);
    w.os(&v.os);
    w.bool("stateless", v.stateless);
    w.en("type", &v.vm_type);
    w.en("status", &v.status);
    w.reference("cluster", &v.cluster);
    w.reference("host", &v.host);
    w.reference("template", &v.template);
    if !v.disk_attachments.is_empty() {
        w.open("disk_attachments", None);
        for a in &v.disk_attachments {
            a.write(w.buf(), "disk_attachment");
        }
        w.close("disk_attachments");
    }
    if !v.nics.is_empty() {
        w.open("nics", None);
        for n in &v.nics {
            write_nic(w, "nic", n);
        }
        w.close("nics");
    }
    if let Some(script) = v
        .initialization
        .as_ref()
        .and_then(|i| i.custom_script.as_ref())
    {
        w.open("initialization", None);
        w.leaf("custom_script", script.expose());
        w.close("initialization");
    }
    w.close(tag);
}

pub(crate) fn write_nic(w: &mut XmlOut, tag: &str, n: &Nic) {
    w.open(tag, n.id.as_deref());
    w.common(&n.name, &n.description, &n.comment);
    w.en("interface", &n.interface);
    w.bool("linked", n.linked);
    if let Some(m) = &n.mac {
        w.open("mac", None);
        w.leaf("address", m);
        w.close("mac");
    }
    w.bool("plugged", n.plugged);
    w.reference("vnic_profile", &n.vnic_profile);
    w.close(tag);
}
