//! XML on the wire: a pull reader over quick-xml events into the typed objects of
//! [`crate::native::types`], and a writer for what we send.
//!
//! The reader reads both dialects: 4.x (`<status>up</status>`, values in child elements) and 3.x
//! (`<status><state>up</state></status>`, `<topology sockets=".."/>`, `<os type=".."><boot dev=".."/>`,
//! `<version major=".."/>`). Unknown elements are skipped; unknown enum values are kept raw.

use std::borrow::Cow;

use omnivirt_core::{Error, Result};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event as XmlEvent};

use crate::native::types::{
    Action, Api, Architecture, Cluster, Cpu, CpuTopology, CreationStatus, DataCenter,
    DataCenterStatus, Disk, DiskAttachment, DiskFormat, DiskInterface, DiskStatus, Event, Fault,
    Host, HostStatus, Job, JobStatus, Link, Links, LogSeverity, Nic, NicInterface, OperatingSystem,
    Ref, Snapshot, SnapshotStatus, StorageDomain, StorageDomainStatus, StorageDomainType,
    SummaryItem, Template, TemplateStatus, Version, Vm, VmStatus, VmType,
};

type Node<'a> = (BytesStart<'a>, bool);

/// A pull reader over one XML document held in memory.
pub(crate) struct XmlIn<'a> {
    r: Reader<&'a [u8]>,
}

fn xml_err(pos: u64, msg: impl std::fmt::Display) -> Error {
    Error::protocol(format!("invalid oVirt XML near byte {pos}: {msg}"))
}

impl<'a> XmlIn<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        XmlIn {
            r: Reader::from_reader(bytes),
        }
    }

    fn err(&self, msg: impl std::fmt::Display) -> Error {
        xml_err(self.r.buffer_position(), msg)
    }

    #[inline]
    fn event(&mut self) -> Result<XmlEvent<'a>> {
        self.r
            .read_event()
            .map_err(|e| xml_err(self.r.buffer_position(), e))
    }

    /// The document element.
    pub(crate) fn root(&mut self) -> Result<Node<'a>> {
        loop {
            match self.event()? {
                XmlEvent::Start(e) => return Ok((e, false)),
                XmlEvent::Empty(e) => return Ok((e, true)),
                XmlEvent::Eof => return Err(self.err("the document has no element")),
                XmlEvent::Text(t) if !t.iter().all(u8::is_ascii_whitespace) => {
                    return Err(self.err("text before the document element (not XML?)"));
                }
                _ => {}
            }
        }
    }

    /// The next child element of the current element, or `None` at its end.
    pub(crate) fn child(&mut self) -> Result<Option<Node<'a>>> {
        loop {
            match self.event()? {
                XmlEvent::Start(e) => return Ok(Some((e, false))),
                XmlEvent::Empty(e) => return Ok(Some((e, true))),
                XmlEvent::End(_) => return Ok(None),
                XmlEvent::Eof => return Err(self.err("unexpected end of document")),
                _ => {}
            }
        }
    }

    /// Skips the rest of an element.
    pub(crate) fn skip(&mut self, e: &BytesStart<'a>, empty: bool) -> Result<()> {
        if !empty {
            self.r
                .read_to_end(e.name())
                .map_err(|err| xml_err(self.r.buffer_position(), err))?;
        }
        Ok(())
    }

    /// The text content of an element (nested elements are skipped).
    pub(crate) fn text(&mut self, empty: bool) -> Result<String> {
        Ok(self.text_cow(empty)?.into_owned())
    }

    /// The text content, borrowed from the input in the usual case of one plain text node.
    fn text_cow(&mut self, empty: bool) -> Result<Cow<'a, str>> {
        if empty {
            return Ok(Cow::Borrowed(""));
        }
        let first = self.event()?;
        match first {
            XmlEvent::End(_) => Ok(Cow::Borrowed("")),
            XmlEvent::Text(t) => {
                let s = t.decode().map_err(|e| self.err(e))?;
                match self.event()? {
                    XmlEvent::End(_) => Ok(s),
                    next => {
                        let mut out = s.into_owned();
                        self.text_rest(next, &mut out)?;
                        Ok(Cow::Owned(out))
                    }
                }
            }
            other => {
                let mut out = String::new();
                self.text_rest(other, &mut out)?;
                Ok(Cow::Owned(out))
            }
        }
    }

    /// Appends the text of `ev` and of the events up to the element's end.
    fn text_rest(&mut self, mut ev: XmlEvent<'a>, out: &mut String) -> Result<()> {
        loop {
            match ev {
                XmlEvent::Text(t) => {
                    let s = t.decode().map_err(|e| self.err(e))?;
                    out.push_str(&s);
                }
                XmlEvent::CData(c) => {
                    let s = c.decode().map_err(|e| self.err(e))?;
                    out.push_str(&s);
                }
                XmlEvent::GeneralRef(r) => {
                    if let Some(ch) = r.resolve_char_ref().map_err(|e| self.err(e))? {
                        out.push(ch);
                    } else {
                        let name = r.decode().map_err(|e| self.err(e))?;
                        match name.as_ref() {
                            "amp" => out.push('&'),
                            "lt" => out.push('<'),
                            "gt" => out.push('>'),
                            "quot" => out.push('"'),
                            "apos" => out.push('\''),
                            other => return Err(self.err(format!("unknown entity &{other};"))),
                        }
                    }
                }
                XmlEvent::Start(e) => self.skip(&e, false)?,
                XmlEvent::End(_) => return Ok(()),
                XmlEvent::Eof => return Err(self.err("unexpected end of document")),
                _ => {}
            }
            ev = self.event()?;
        }
    }

    fn i64(&mut self, tag: &str, empty: bool) -> Result<Option<i64>> {
        let t = self.text_cow(empty)?;
        parse_i64(&t, tag).map_err(|m| self.err(m))
    }

    fn f64(&mut self, tag: &str, empty: bool) -> Result<Option<f64>> {
        let t = self.text_cow(empty)?;
        let t = t.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse()
            .map(Some)
            .map_err(|_| self.err(format!("<{tag}> is not a number: `{t}`")))
    }

    fn bool(&mut self, tag: &str, empty: bool) -> Result<Option<bool>> {
        let t = self.text_cow(empty)?;
        parse_bool(&t, tag).map_err(|m| self.err(m))
    }

    /// `<status>x</status>` (4.x) or `<status><state>x</state><detail>d</detail></status>` (3.x).
    fn status(&mut self, empty: bool) -> Result<(Option<String>, Option<String>)> {
        if empty {
            return Ok((None, None));
        }
        let mut text = String::new();
        let mut state = None;
        let mut detail = None;
        loop {
            match self.event()? {
                XmlEvent::Text(t) => {
                    let s = t.decode().map_err(|e| self.err(e))?;
                    text.push_str(&s);
                }
                XmlEvent::Start(e) => match e.local_name().as_ref() {
                    b"state" => state = Some(self.text(false)?),
                    b"detail" => detail = Some(self.text(false)?),
                    _ => self.skip(&e, false)?,
                },
                XmlEvent::End(_) => break,
                XmlEvent::Eof => return Err(self.err("unexpected end of document")),
                _ => {}
            }
        }
        let state = state.or_else(|| {
            let t = text.trim();
            (!t.is_empty()).then(|| t.to_owned())
        });
        Ok((state, detail))
    }

    /// `<actions><link rel href/>...</actions>`.
    fn actions(&mut self, empty: bool) -> Result<Links> {
        let mut out = Links::new();
        if empty {
            return Ok(out);
        }
        while let Some((c, ce)) = self.child()? {
            if c.local_name().as_ref() == b"link" {
                push_link(&c, &mut out)?;
            }
            self.skip(&c, ce)?;
        }
        Ok(out)
    }

    fn list<T>(
        &mut self,
        empty: bool,
        item: &[u8],
        f: impl FnMut(&mut Self, &BytesStart<'a>, bool) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.list_into(empty, item, f, &mut out)?;
        Ok(out)
    }

    fn list_into<T>(
        &mut self,
        empty: bool,
        item: &[u8],
        mut f: impl FnMut(&mut Self, &BytesStart<'a>, bool) -> Result<T>,
        out: &mut Vec<T>,
    ) -> Result<()> {
        if empty {
            return Ok(());
        }
        while let Some((c, ce)) = self.child()? {
            if c.local_name().as_ref() == item {
                out.push(f(self, &c, ce)?);
            } else {
                self.skip(&c, ce)?;
            }
        }
        Ok(())
    }

    fn texts(&mut self, empty: bool, item: &[u8]) -> Result<Vec<String>> {
        self.list(empty, item, |x, _, ce| x.text(ce))
    }
}

fn parse_i64(t: &str, tag: &str) -> std::result::Result<Option<i64>, String> {
    let t = t.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| format!("<{tag}> is not an integer: `{t}`"))
}

fn parse_bool(t: &str, tag: &str) -> std::result::Result<Option<bool>, String> {
    let t = t.trim();
    if t.is_empty() {
        Ok(None)
    } else if t.eq_ignore_ascii_case("true") || t == "1" {
        Ok(Some(true))
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Ok(Some(false))
    } else {
        Err(format!("<{tag}> is not a boolean: `{t}`"))
    }
}

fn attr_err(e: impl std::fmt::Display) -> Error {
    Error::protocol(format!("invalid oVirt XML attribute: {e}"))
}

/// Calls `f(name, value)` for every attribute.
fn each_attr(e: &BytesStart<'_>, mut f: impl FnMut(&[u8], String) -> Result<()>) -> Result<()> {
    scan_attrs(e, |k, v| f(k, v.into_owned()))
}

fn id_href(e: &BytesStart<'_>) -> Result<(Option<String>, Option<String>)> {
    let mut id = None;
    let mut href = None;
    each_attr(e, |k, v| {
        match k {
            b"id" => id = Some(v),
            b"href" => href = Some(v),
            _ => {}
        }
        Ok(())
    })?;
    Ok((id, href))
}

fn link(e: &BytesStart<'_>) -> Result<Link> {
    let mut rel = String::new();
    let mut href = String::new();
    each_attr(e, |k, v| {
        match k {
            b"rel" => rel = v,
            b"href" => href = v,
            _ => {}
        }
        Ok(())
    })?;
    Ok(Link { rel, href })
}

/// Walks `key="value"` pairs of a start tag, fast: engine documents only ever carry `id`,
/// `href` and `rel` (and 3.x's plain attributes), always quoted, so a byte scan beats the general
/// attribute iterator. Values are unescaped only when they contain `&`.
fn scan_attrs<'e>(
    e: &'e BytesStart<'_>,
    mut f: impl FnMut(&[u8], std::borrow::Cow<'e, str>) -> Result<()>,
) -> Result<()> {
    let raw = e.attributes_raw();
    let bad = || Error::protocol("invalid oVirt XML attribute syntax");
    let mut i = 0;
    while i < raw.len() {
        while i < raw.len() && raw[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= raw.len() || raw[i] == b'/' {
            break;
        }
        let key_start = i;
        while i < raw.len() && raw[i] != b'=' && !raw[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &raw[key_start..i];
        while i < raw.len() && raw[i].is_ascii_whitespace() {
            i += 1;
        }
        if raw.get(i) != Some(&b'=') {
            return Err(bad());
        }
        i += 1;
        while i < raw.len() && raw[i].is_ascii_whitespace() {
            i += 1;
        }
        let quote = *raw.get(i).ok_or_else(bad)?;
        if quote != b'"' && quote != b'\'' {
            return Err(bad());
        }
        i += 1;
        // One pass finds the closing quote and notes whether an entity needs unescaping.
        let mut end = i;
        let mut amp = false;
        loop {
            let at = memchr::memchr2(quote, b'&', &raw[end..]).ok_or_else(bad)?;
            end += at;
            if raw[end] == quote {
                break;
            }
            amp = true;
            end += 1;
        }
        let value = &raw[i..end];
        i = end + 1;
        let text = std::str::from_utf8(value).map_err(|_| bad())?;
        let text = if amp {
            std::borrow::Cow::Owned(
                quick_xml::escape::unescape(text)
                    .map_err(attr_err)?
                    .into_owned(),
            )
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        let local = key.rsplit(|b| *b == b':').next().unwrap_or(key);
        f(local, text)?;
    }
    Ok(())
}

/// Adds `<link rel href>` to `links` without allocating per attribute.
fn push_link(e: &BytesStart<'_>, links: &mut Links) -> Result<()> {
    let mut rel = std::borrow::Cow::Borrowed("");
    let mut href = std::borrow::Cow::Borrowed("");
    scan_attrs(e, |k, v| {
        match k {
            b"rel" => rel = v,
            b"href" => href = v,
            _ => {}
        }
        Ok(())
    })?;
    links.push(&rel, &href);
    Ok(())
}

fn read_ref<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Ref> {
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

fn read_refs<'a>(x: &mut XmlIn<'a>, empty: bool, item: &[u8]) -> Result<Vec<Ref>> {
    x.list(empty, item, read_ref)
}

fn read_topology<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<CpuTopology> {
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

fn read_cpu<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Cpu> {
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

fn read_version<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Version> {
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

fn read_os<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<OperatingSystem> {
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

fn read_fault<'a>(x: &mut XmlIn<'a>, empty: bool) -> Result<Fault> {
    let mut f = Fault::default();
    if !empty {
        while let Some((c, ce)) = x.child()? {
            match c.local_name().as_ref() {
                b"reason" => f.reason = Some(x.text(ce)?),
                b"detail" => f.detail = Some(x.text(ce)?),
                _ => x.skip(&c, ce)?,
            }
        }
    }
    Ok(f)
}

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
                v.disk_attachments = x.list(ce, b"disk_attachment", read_disk_attachment)?
            }
            b"nics" => v.nics = x.list(ce, b"nic", read_nic)?,
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(v)
}

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

pub(crate) fn read_data_center<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<DataCenter> {
    let mut d = DataCenter::default();
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
            b"status" => d.status = x.status(ce)?.0.map(|s| DataCenterStatus::parse(&s)),
            b"local" => d.local = x.bool("local", ce)?,
            b"storage_format" => d.storage_format = Some(x.text(ce)?),
            b"quota_mode" => d.quota_mode = Some(x.text(ce)?),
            b"version" => d.version = Some(read_version(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(d)
}

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

pub(crate) fn read_storage_domain<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<StorageDomain> {
    let mut s = StorageDomain::default();
    (s.id, s.href) = id_href(e)?;
    if empty {
        return Ok(s);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => s.name = Some(x.text(ce)?),
            b"description" => s.description = Some(x.text(ce)?),
            b"comment" => s.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut s.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => s.action_links = x.actions(ce)?,
            b"status" => s.status = x.status(ce)?.0.map(|v| StorageDomainStatus::parse(&v)),
            b"external_status" => s.external_status = x.status(ce)?.0,
            b"type" => s.domain_type = Some(StorageDomainType::parse(&x.text_cow(ce)?)),
            b"available" => s.available = x.i64("available", ce)?,
            b"used" => s.used = x.i64("used", ce)?,
            b"committed" => s.committed = x.i64("committed", ce)?,
            b"master" => s.master = x.bool("master", ce)?,
            b"storage_format" => s.storage_format = Some(x.text(ce)?),
            b"storage" => {
                if !ce {
                    while let Some((g, ge)) = x.child()? {
                        match g.local_name().as_ref() {
                            b"type" => s.storage_type = Some(x.text(ge)?),
                            b"address" => s.storage_address = Some(x.text(ge)?),
                            b"path" => s.storage_path = Some(x.text(ge)?),
                            _ => x.skip(&g, ge)?,
                        }
                    }
                }
            }
            b"data_centers" => s.data_centers = read_refs(x, ce, b"data_center")?,
            b"data_center" => s.data_centers.push(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(s)
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

pub(crate) fn read_snapshot<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
) -> Result<Snapshot> {
    let mut s = Snapshot::default();
    (s.id, s.href) = id_href(e)?;
    if empty {
        return Ok(s);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => s.name = Some(x.text(ce)?),
            b"description" => s.description = Some(x.text(ce)?),
            b"comment" => s.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut s.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => s.action_links = x.actions(ce)?,
            b"snapshot_status" => s.snapshot_status = Some(SnapshotStatus::parse(&x.text_cow(ce)?)),
            b"snapshot_type" => s.snapshot_type = Some(x.text(ce)?),
            b"date" => s.date = Some(x.text(ce)?),
            b"persist_memorystate" => s.persist_memorystate = x.bool("persist_memorystate", ce)?,
            b"vm" => s.vm = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(s)
}

pub(crate) fn read_job<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Job> {
    let mut j = Job::default();
    (j.id, j.href) = id_href(e)?;
    if empty {
        return Ok(j);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"name" => j.name = Some(x.text(ce)?),
            b"description" => j.description = Some(x.text(ce)?),
            b"comment" => j.comment = Some(x.text(ce)?),
            b"link" => {
                push_link(&c, &mut j.links)?;
                x.skip(&c, ce)?;
            }
            b"actions" => j.action_links = x.actions(ce)?,
            b"status" => j.status = x.status(ce)?.0.map(|s| JobStatus::parse(&s)),
            b"start_time" => j.start_time = Some(x.text(ce)?),
            b"end_time" => j.end_time = Some(x.text(ce)?),
            b"last_updated" => j.last_updated = Some(x.text(ce)?),
            b"external" => j.external = x.bool("external", ce)?,
            b"auto_cleared" => j.auto_cleared = x.bool("auto_cleared", ce)?,
            b"owner" => j.owner = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(j)
}

pub(crate) fn read_event<'a>(x: &mut XmlIn<'a>, e: &BytesStart<'a>, empty: bool) -> Result<Event> {
    let mut v = Event::default();
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
            b"code" => v.code = x.i64("code", ce)?,
            b"severity" => v.severity = Some(LogSeverity::parse(&x.text_cow(ce)?)),
            b"time" => v.time = Some(x.text(ce)?),
            b"correlation_id" => v.correlation_id = Some(x.text(ce)?),
            b"custom_id" => v.custom_id = x.i64("custom_id", ce)?,
            b"flood_rate" => v.flood_rate = x.i64("flood_rate", ce)?,
            b"origin" => v.origin = Some(x.text(ce)?),
            b"user" => v.user = Some(read_ref(x, &c, ce)?),
            b"vm" => v.vm = Some(read_ref(x, &c, ce)?),
            b"host" => v.host = Some(read_ref(x, &c, ce)?),
            b"cluster" => v.cluster = Some(read_ref(x, &c, ce)?),
            b"data_center" => v.data_center = Some(read_ref(x, &c, ce)?),
            b"storage_domain" => v.storage_domain = Some(read_ref(x, &c, ce)?),
            b"template" => v.template = Some(read_ref(x, &c, ce)?),
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(v)
}

pub(crate) fn read_action<'a>(
    x: &mut XmlIn<'a>,
    _e: &BytesStart<'a>,
    empty: bool,
) -> Result<Action> {
    let mut a = Action::default();
    if empty {
        return Ok(a);
    }
    while let Some((c, ce)) = x.child()? {
        match c.local_name().as_ref() {
            b"status" => a.status = x.status(ce)?.0.map(|s| CreationStatus::parse(&s)),
            b"fault" => a.fault = Some(read_fault(x, ce)?),
            b"job" => a.job = Some(read_ref(x, &c, ce)?),
            b"async" => a.async_ = x.bool("async", ce)?,
            b"force" => a.force = x.bool("force", ce)?,
            b"pause" => a.pause = x.bool("pause", ce)?,
            b"reason" => a.reason = Some(x.text(ce)?),
            b"host" => a.host = Some(read_ref(x, &c, ce)?),
            b"cluster" => a.cluster = Some(read_ref(x, &c, ce)?),
            b"storage_domain" => a.storage_domain = Some(read_ref(x, &c, ce)?),
            b"vm" => a.vm = Some(Box::new(read_vm(x, &c, ce)?)),
            b"use_cloud_init" => a.use_cloud_init = x.bool("use_cloud_init", ce)?,
            b"volatile" => a.volatile = x.bool("volatile", ce)?,
            b"is_attached" => a.is_attached = x.bool("is_attached", ce)?,
            _ => x.skip(&c, ce)?,
        }
    }
    Ok(a)
}

fn read_summary_item<'a>(x: &mut XmlIn<'a>, empty: bool) -> Result<SummaryItem> {
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
                            b"version" => api.product_version = Some(read_version(x, &g, ge)?),
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

/// Reads a standalone `<fault>` document, if `bytes` is one.
pub(crate) fn read_fault_doc(bytes: &[u8]) -> Option<Fault> {
    let mut x = XmlIn::new(bytes);
    let (root, empty) = x.root().ok()?;
    match root.local_name().as_ref() {
        b"fault" => read_fault(&mut x, empty).ok(),
        b"action" => read_action(&mut x, &root, empty).ok()?.fault,
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Builds an XML document as a string.
#[derive(Debug, Default)]
pub(crate) struct XmlOut {
    s: String,
}

impl XmlOut {
    pub(crate) fn new() -> Self {
        XmlOut { s: String::new() }
    }

    pub(crate) fn finish(self) -> String {
        self.s
    }

    fn esc(&mut self, v: &str) {
        self.s.push_str(&quick_xml::escape::escape(v));
    }

    pub(crate) fn open(&mut self, tag: &str, id: Option<&str>) {
        self.s.push('<');
        self.s.push_str(tag);
        if let Some(id) = id {
            self.s.push_str(" id=\"");
            self.esc(id);
            self.s.push('"');
        }
        self.s.push('>');
    }

    pub(crate) fn close(&mut self, tag: &str) {
        self.s.push_str("</");
        self.s.push_str(tag);
        self.s.push('>');
    }

    pub(crate) fn leaf(&mut self, tag: &str, v: &str) {
        self.open(tag, None);
        self.esc(v);
        self.close(tag);
    }

    fn str(&mut self, tag: &str, v: &Option<String>) {
        if let Some(v) = v {
            self.leaf(tag, v);
        }
    }

    fn i64(&mut self, tag: &str, v: Option<i64>) {
        if let Some(v) = v {
            self.leaf(tag, &v.to_string());
        }
    }

    fn bool(&mut self, tag: &str, v: Option<bool>) {
        if let Some(v) = v {
            self.leaf(tag, if v { "true" } else { "false" });
        }
    }

    fn en<T: std::fmt::Display>(&mut self, tag: &str, v: &Option<T>) {
        if let Some(v) = v {
            self.leaf(tag, &v.to_string());
        }
    }

    fn reference(&mut self, tag: &str, r: &Option<Ref>) {
        if let Some(r) = r {
            self.open(tag, r.id.as_deref());
            self.str("name", &r.name);
            self.close(tag);
        }
    }

    fn refs(&mut self, plural: &str, tag: &str, rs: &[Ref]) {
        if !rs.is_empty() {
            self.open(plural, None);
            for r in rs {
                self.reference(tag, &Some(r.clone()));
            }
            self.close(plural);
        }
    }

    fn common(&mut self, name: &Option<String>, desc: &Option<String>, comment: &Option<String>) {
        self.str("name", name);
        self.str("description", desc);
        self.str("comment", comment);
    }

    fn cpu(&mut self, cpu: &Option<Cpu>) {
        let Some(cpu) = cpu else { return };
        self.open("cpu", None);
        self.en("architecture", &cpu.architecture);
        self.str("name", &cpu.name);
        if let Some(t) = &cpu.topology {
            self.open("topology", None);
            self.i64("cores", t.cores);
            self.i64("sockets", t.sockets);
            self.i64("threads", t.threads);
            self.close("topology");
        }
        self.str("type", &cpu.cpu_type);
        self.close("cpu");
    }

    fn version(&mut self, v: &Option<Version>) {
        let Some(v) = v else { return };
        self.open("version", None);
        self.i64("build", v.build);
        self.str("full_version", &v.full_version);
        self.i64("major", v.major);
        self.i64("minor", v.minor);
        self.i64("revision", v.revision);
        self.close("version");
    }

    fn os(&mut self, os: &Option<OperatingSystem>) {
        let Some(os) = os else { return };
        self.open("os", None);
        if !os.boot_devices.is_empty() {
            self.open("boot", None);
            self.open("devices", None);
            for d in &os.boot_devices {
                self.leaf("device", d);
            }
            self.close("devices");
            self.close("boot");
        }
        self.str("type", &os.os_type);
        self.version(&os.version);
        self.close("os");
    }
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
            write_disk_attachment(w, "disk_attachment", a);
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
    w.close(tag);
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

pub(crate) fn write_data_center(w: &mut XmlOut, tag: &str, d: &DataCenter) {
    w.open(tag, d.id.as_deref());
    w.common(&d.name, &d.description, &d.comment);
    w.bool("local", d.local);
    w.version(&d.version);
    w.close(tag);
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

pub(crate) fn write_storage_domain(w: &mut XmlOut, tag: &str, s: &StorageDomain) {
    w.open(tag, s.id.as_deref());
    w.common(&s.name, &s.description, &s.comment);
    w.en("type", &s.domain_type);
    if s.storage_type.is_some() || s.storage_address.is_some() || s.storage_path.is_some() {
        w.open("storage", None);
        w.str("address", &s.storage_address);
        w.str("path", &s.storage_path);
        w.str("type", &s.storage_type);
        w.close("storage");
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

pub(crate) fn write_snapshot(w: &mut XmlOut, tag: &str, s: &Snapshot) {
    w.open(tag, s.id.as_deref());
    w.common(&None, &s.description, &s.comment);
    w.bool("persist_memorystate", s.persist_memorystate);
    w.close(tag);
}

pub(crate) fn write_job(w: &mut XmlOut, tag: &str, j: &Job) {
    w.open(tag, j.id.as_deref());
    w.common(&None, &j.description, &j.comment);
    w.bool("auto_cleared", j.auto_cleared);
    w.en("status", &j.status);
    w.close(tag);
}

pub(crate) fn write_event(w: &mut XmlOut, tag: &str, e: &Event) {
    w.open(tag, e.id.as_deref());
    w.common(&None, &e.description, &e.comment);
    w.i64("custom_id", e.custom_id);
    w.str("origin", &e.origin);
    w.en("severity", &e.severity);
    w.reference("vm", &e.vm);
    w.reference("host", &e.host);
    w.close(tag);
}

pub(crate) fn write_action(w: &mut XmlOut, a: &Action) {
    w.open("action", None);
    w.bool("async", a.async_);
    w.bool("force", a.force);
    w.bool("pause", a.pause);
    w.str("reason", &a.reason);
    w.bool("use_cloud_init", a.use_cloud_init);
    w.bool("volatile", a.volatile);
    w.reference("host", &a.host);
    w.reference("cluster", &a.cluster);
    w.reference("storage_domain", &a.storage_domain);
    if let Some(vm) = &a.vm {
        write_vm(w, "vm", vm);
    }
    w.close("action");
}

/// An object with an XML form: its element names and how to read and write it.
pub trait Resource: Sized + Send + Sync + 'static {
    /// Element name of one object (`vm`).
    const TAG: &'static str;
    /// Element name of a collection (`vms`).
    const PLURAL: &'static str;

    /// Reads one object from a document whose root is [`Resource::TAG`].
    fn from_xml(bytes: &[u8]) -> Result<Self>;

    /// Reads a collection document (root [`Resource::PLURAL`]).
    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>>;

    /// Writes the object as a document (only the fields that are set).
    fn to_xml(&self) -> String;
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
fn one_from_xml<'a, T>(
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
fn many_from_xml<'a, T>(
    bytes: &'a [u8],
    plural: &str,
    tag: &str,
    read: impl FnMut(&mut XmlIn<'a>, &BytesStart<'a>, bool) -> Result<T>,
) -> Result<Vec<T>> {
    let mut x = XmlIn::new(bytes);
    let (root, empty) = x.root()?;
    expect_root(root.local_name().as_ref(), plural)?;
    let mut out = Vec::new();
    x.list_into(empty, tag.as_bytes(), read, &mut out)?;
    Ok(out)
}

/// Writes `obj` as a document whose root is `tag`.
fn write_doc<T>(obj: &T, tag: &str, write: impl FnOnce(&mut XmlOut, &str, &T)) -> String {
    let mut w = XmlOut::new();
    write(&mut w, tag, obj);
    w.finish()
}

impl Resource for Vm {
    const TAG: &'static str = "vm";
    const PLURAL: &'static str = "vms";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_vm)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_vm)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_vm)
    }
}
impl Resource for Host {
    const TAG: &'static str = "host";
    const PLURAL: &'static str = "hosts";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_host)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_host)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_host)
    }
}
impl Resource for Cluster {
    const TAG: &'static str = "cluster";
    const PLURAL: &'static str = "clusters";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_cluster)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_cluster)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_cluster)
    }
}
impl Resource for DataCenter {
    const TAG: &'static str = "data_center";
    const PLURAL: &'static str = "data_centers";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_data_center)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_data_center)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_data_center)
    }
}
impl Resource for Disk {
    const TAG: &'static str = "disk";
    const PLURAL: &'static str = "disks";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_disk)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_disk)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_disk)
    }
}
impl Resource for DiskAttachment {
    const TAG: &'static str = "disk_attachment";
    const PLURAL: &'static str = "disk_attachments";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_disk_attachment)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_disk_attachment)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_disk_attachment)
    }
}
impl Resource for StorageDomain {
    const TAG: &'static str = "storage_domain";
    const PLURAL: &'static str = "storage_domains";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_storage_domain)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_storage_domain)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_storage_domain)
    }
}
impl Resource for Template {
    const TAG: &'static str = "template";
    const PLURAL: &'static str = "templates";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_template)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_template)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_template)
    }
}
impl Resource for Nic {
    const TAG: &'static str = "nic";
    const PLURAL: &'static str = "nics";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_nic)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_nic)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_nic)
    }
}
impl Resource for Snapshot {
    const TAG: &'static str = "snapshot";
    const PLURAL: &'static str = "snapshots";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_snapshot)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_snapshot)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_snapshot)
    }
}
impl Resource for Job {
    const TAG: &'static str = "job";
    const PLURAL: &'static str = "jobs";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_job)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_job)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_job)
    }
}
impl Resource for Event {
    const TAG: &'static str = "event";
    const PLURAL: &'static str = "events";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_event)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_event)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_event)
    }
}

fn write_action_tag(w: &mut XmlOut, _tag: &str, a: &Action) {
    write_action(w, a);
}

fn write_api(w: &mut XmlOut, tag: &str, _a: &Api) {
    w.open(tag, None);
    w.close(tag);
}

impl Resource for Action {
    const TAG: &'static str = "action";
    const PLURAL: &'static str = "actions";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_action)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_action)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_action_tag)
    }
}
impl Resource for Api {
    const TAG: &'static str = "api";
    const PLURAL: &'static str = "apis";

    fn from_xml(bytes: &[u8]) -> Result<Self> {
        one_from_xml(bytes, Self::TAG, read_api)
    }

    fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {
        many_from_xml(bytes, Self::PLURAL, Self::TAG, read_api)
    }

    fn to_xml(&self) -> String {
        write_doc(self, Self::TAG, write_api)
    }
}

/// Reads a `<fault>` document.
pub fn fault_from_xml(bytes: &[u8]) -> Result<Fault> {
    let mut x = XmlIn::new(bytes);
    let (root, empty) = x.root()?;
    expect_root(root.local_name().as_ref(), "fault")?;
    read_fault(&mut x, empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_and_v4_status_read_the_same() {
        let v4 = Vm::from_xml(b"<vm id=\"1\"><status>up</status></vm>").unwrap();
        let v3 =
            Vm::from_xml(b"<vm id=\"1\"><status><state>UP</state><detail>x</detail></status></vm>")
                .unwrap();
        assert_eq!(v4.status, Some(VmStatus::Up));
        assert_eq!(v3.status, Some(VmStatus::Up));
        assert_eq!(v3.status_detail.as_deref(), Some("x"));
    }

    #[test]
    fn unknown_enum_values_are_kept_raw() {
        let vm = Vm::from_xml(
            b"<vm><status>teleporting</status><cpu><architecture>riscv64</architecture></cpu></vm>",
        )
        .unwrap();
        assert_eq!(vm.status, Some(VmStatus::Other("teleporting".into())));
        assert_eq!(vm.cpu.unwrap().architecture.unwrap().as_str(), "riscv64");
    }

    #[test]
    fn entities_and_unknown_elements() {
        let vm = Vm::from_xml(
            b"<vm><future><deep>1</deep></future><name>a &amp; b &#65;</name><description/></vm>",
        )
        .unwrap();
        assert_eq!(vm.name.as_deref(), Some("a & b A"));
        assert_eq!(vm.description.as_deref(), Some(""));
    }

    #[test]
    fn bad_numbers_and_roots_are_protocol_errors() {
        let e = Vm::from_xml(b"<vm><memory>lots</memory></vm>").unwrap_err();
        assert_eq!(e.kind(), omnivirt_core::ErrorKind::Protocol);
        assert!(e.to_string().contains("memory"), "{e}");
        let e = Vm::from_xml(b"<host/>").unwrap_err();
        assert!(e.to_string().contains("<vm>"), "{e}");
        let e = Vm::from_xml(b"<html><body>Unauthorized</body>").unwrap_err();
        assert_eq!(e.kind(), omnivirt_core::ErrorKind::Protocol);
        assert!(Vm::from_xml(b"").is_err());
    }

    #[test]
    fn writer_emits_only_set_fields_and_escapes() {
        let vm = Vm {
            name: Some("a<b".into()),
            memory: Some(1024),
            cluster: Some(Ref::name("Default")),
            ..Vm::default()
        };
        assert_eq!(
            vm.to_xml(),
            "<vm><name>a&lt;b</name><memory>1024</memory><cluster><name>Default</name></cluster></vm>"
        );
        let back = Vm::from_xml(vm.to_xml().as_bytes()).unwrap();
        assert_eq!(back.name.as_deref(), Some("a<b"));
        assert_eq!(back.cluster.unwrap().name.as_deref(), Some("Default"));
    }

    #[test]
    fn attributes_scan_quotes_entities_and_garbage() {
        let vm = Vm::from_xml(
            b"<vm id='a&amp;b' href = \"/x\"><link rel=\"r\" href='/h?x=1&amp;y=2'/></vm>",
        )
        .unwrap();
        assert_eq!(vm.id.as_deref(), Some("a&b"));
        assert_eq!(vm.href.as_deref(), Some("/x"));
        assert_eq!(vm.links.get("r"), Some("/h?x=1&y=2"));
        assert!(Vm::from_xml(b"<vm id=noquote/>").is_err());
        assert!(Vm::from_xml(b"<vm id=\"open/>").is_err());
    }

    #[test]
    fn booleans_accept_legacy_forms() {
        let d =
            Disk::from_xml(b"<disk><sparse>TRUE</sparse><shareable>0</shareable></disk>").unwrap();
        assert_eq!(d.sparse, Some(true));
        assert_eq!(d.shareable, Some(false));
    }
}
