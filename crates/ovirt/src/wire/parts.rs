//! Readers of the parts objects share: references, CPU, version, operating system.

use omnivirt_core::{Error, Result};
use quick_xml::events::BytesStart;

use super::reader::{XmlIn, each_attr, id_href, parse_i64};
use crate::native::types::{Architecture, Cpu, CpuTopology, OperatingSystem, Ref, Version};

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

pub(super) fn read_refs<'a>(x: &mut XmlIn<'a>, empty: bool, item: &[u8]) -> Result<Vec<Ref>> {
    x.list(empty, item, read_ref)
}

pub(super) fn read_topology<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<CpuTopology> {
    let mut t = CpuTopology::default();
    each_attr(e, |k, v| {
        let n = parse_i64(&v, "topology").map_err(Error::protocol)?;
        match k {
            b"sockets" => t.sockets = n,
            b"cores" => t.cores = n,
            b"threads" => t.threads = n,
            _ => {}
        }
        Ok(())
    })?;
    if !empty {
        while let Some((c, ce)) = x.child()? {
            match c.local_name().as_ref() {
                b"sockets" => t.sockets = x.i64("sockets", ce)?,
                b"cores" => t.cores = x.i64("cores", ce)?,
                b"threads" => t.threads = x.i64("threads", ce)?,
                _ => x.skip(&c, ce)?,
            }
        }
    }
    Ok(t)
}

pub(super) fn read_cpu<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Cpu> {
    let mut cpu = Cpu::default();
    each_attr(e, |k, v| {
        if k == b"id" {
            cpu.cpu_type = Some(v);
        }
        Ok(())
    })?;
    if !empty {
        while let Some((c, ce)) = x.child()? {
            match c.local_name().as_ref() {
                b"architecture" => cpu.architecture = Some(Architecture::parse(&x.text_cow(ce)?)),
                b"topology" => cpu.topology = Some(read_topology(x, &c, ce)?),
                b"name" => cpu.name = Some(x.text(ce)?),
                b"speed" => cpu.speed = x.f64("speed", ce)?,
                b"type" => cpu.cpu_type = Some(x.text(ce)?),
                _ => x.skip(&c, ce)?,
            }
        }
    }
    Ok(cpu)
}

pub(super) fn read_version<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<Version> {
    let mut v = Version::default();
    each_attr(e, |k, val| {
        match k {
            b"full_version" => v.full_version = Some(val),
            b"major" | b"minor" | b"build" | b"revision" => {
                let n = parse_i64(&val, "version").map_err(Error::protocol)?;
                match k {
                    b"major" => v.major = n,
                    b"minor" => v.minor = n,
                    b"build" => v.build = n,
                    _ => v.revision = n,
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    if !empty {
        while let Some((c, ce)) = x.child()? {
            match c.local_name().as_ref() {
                b"major" => v.major = x.i64("major", ce)?,
                b"minor" => v.minor = x.i64("minor", ce)?,
                b"build" => v.build = x.i64("build", ce)?,
                b"revision" => v.revision = x.i64("revision", ce)?,
                b"full_version" => v.full_version = Some(x.text(ce)?),
                _ => x.skip(&c, ce)?,
            }
        }
    }
    Ok(v)
}

pub(super) fn read_os<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<OperatingSystem> {
    let mut os = OperatingSystem::default();
    each_attr(e, |k, v| {
        if k == b"type" {
            os.os_type = Some(v);
        }
        Ok(())
    })?;
    if !empty {
        while let Some((c, ce)) = x.child()? {
            match c.local_name().as_ref() {
                b"type" => os.os_type = Some(x.text(ce)?),
                b"version" => os.version = Some(read_version(x, &c, ce)?),
                b"boot" => {
                    // 3.x: <boot dev="hd"/> repeated; 4.x: <boot><devices><device>hd</device>...
                    each_attr(&c, |k, v| {
                        if k == b"dev" {
                            os.boot_devices.push(v);
                        }
                        Ok(())
                    })?;
                    if !ce {
                        while let Some((d, de)) = x.child()? {
                            if d.local_name().as_ref() == b"devices" {
                                os.boot_devices.extend(x.texts(de, b"device")?);
                            } else {
                                x.skip(&d, de)?;
                            }
                        }
                    }
                }
                _ => x.skip(&c, ce)?,
            }
        }
    }
    Ok(os)
}
