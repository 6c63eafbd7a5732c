//! The pull reader: quick-xml events, text and numbers, attributes and links.

use std::borrow::Cow;

use omnivirt_core::{Error, Result};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event as XmlEvent};

pub(super) type Node<'a> = (BytesStart<'a>, bool);

/// A pull reader over one XML document held in memory.
pub(crate) struct XmlIn<'a> {
    r: Reader<&'a [u8]>,
    src: &'a [u8],
    /// The whole input as text when it is valid UTF-8 (checked once, in one pass): text and
    /// attribute values are then slices of it, not checked again one by one.
    text: Option<&'a str>,
}

pub(super) fn xml_err(pos: u64, msg: impl std::fmt::Display) -> Error {
    Error::protocol(format!("invalid oVirt XML near byte {pos}: {msg}"))
}

impl<'a> XmlIn<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        XmlIn {
            r: Reader::from_reader(bytes),
            src: bytes,
            text: std::str::from_utf8(bytes).ok(),
        }
    }

    /// `part` (a slice of the input) as text: sliced from the checked input, else checked.
    #[inline]
    pub(crate) fn str_of(&self, part: &'a [u8]) -> Result<&'a str> {
        match slice_in(self.text, part) {
            Some(s) => Ok(s),
            None => std::str::from_utf8(part).map_err(|e| self.err(e)),
        }
    }

    /// The whole input as text, when it is valid UTF-8.
    pub(crate) fn input_text(&self) -> Option<&'a str> {
        self.text
    }

    /// The text of a text event, borrowed from the input.
    #[inline]
    fn decode(&self, t: quick_xml::events::BytesText<'a>) -> Result<Cow<'a, str>> {
        match t.into_inner() {
            Cow::Borrowed(b) => self.str_of(b).map(Cow::Borrowed),
            Cow::Owned(b) => String::from_utf8(b)
                .map(Cow::Owned)
                .map_err(|e| self.err(e)),
        }
    }

    pub(super) fn err(&self, msg: impl std::fmt::Display) -> Error {
        xml_err(self.r.buffer_position(), msg)
    }

    #[inline]
    pub(super) fn event(&mut self) -> Result<XmlEvent<'a>> {
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

    /// The next top-level element of a fragment of children (no enclosing element), or `None`
    /// at its end.
    pub(crate) fn fragment_child(&mut self) -> Result<Option<Node<'a>>> {
        loop {
            match self.event()? {
                XmlEvent::Start(e) => return Ok(Some((e, false))),
                XmlEvent::Empty(e) => return Ok(Some((e, true))),
                XmlEvent::End(_) => return Err(self.err("unbalanced end tag")),
                XmlEvent::Eof => return Ok(None),
                _ => {}
            }
        }
    }

    /// Skips the rest of an element.
    pub(crate) fn skip(&mut self, e: &BytesStart<'a>, empty: bool) -> Result<()> {
        if !empty && self.content_fast(e.name().as_ref())?.is_none() {
            self.r
                .read_to_end(e.name())
                .map_err(|err| xml_err(self.r.buffer_position(), err))?;
        }
        Ok(())
    }

    /// The raw content of an element (everything between its start and end tags, as it is in
    /// the input); empty for an empty element.
    pub(crate) fn raw_content(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<&'a str> {
        if empty {
            return Ok("");
        }
        if let Some(content) = self.content_fast(e.name().as_ref())? {
            return self.str_of(content);
        }
        let span = self
            .r
            .read_to_end(e.name())
            .map_err(|err| xml_err(self.r.buffer_position(), err))?;
        let bytes = match (usize::try_from(span.start), usize::try_from(span.end)) {
            (Ok(a), Ok(b)) => self.src.get(a..b),
            _ => None,
        }
        .ok_or_else(|| self.err("element content out of range"))?;
        self.str_of(bytes)
    }

    /// The content of the element whose start tag was just read, found without reading it
    /// event by event: the first `</name` after it, when the content before it holds no
    /// comment, CDATA section or processing instruction (`<!`, `<?`) and no element of the same
    /// name (so that `</name` cannot be anything but this element's end tag; `<` never appears
    /// unescaped in attribute values). The reader then reads the end tag itself, which keeps
    /// its check of end-tag names. `None` (nothing consumed) when the shortcut does not apply;
    /// the caller then reads the element's events as before. What lies in between is not read
    /// as XML, so it is not checked either: its callers skip it or keep it as text (links and
    /// actions read from that text later leave out what is malformed).
    ///
    /// An `<actions>` block is a quarter of a VM's bytes and is kept as text, so tokenising it
    /// only to find its end was the larger part of its cost.
    fn content_fast(&mut self, name: &[u8]) -> Result<Option<&'a [u8]>> {
        let rest: &'a [u8] = self.r.get_ref();
        let Some(end) = content_end(rest, name) else {
            return Ok(None);
        };
        let content = &rest[..end];
        std::io::BufRead::consume(&mut self.r.stream(), end);
        match self.event()? {
            XmlEvent::End(_) => Ok(Some(content)),
            _ => Err(self.err("expected an end tag")),
        }
    }

    /// The run of `<link .../>` elements that starts with `e` (just read, empty), as the text
    /// the input holds: `e` and the empty `<link>` siblings right after it (whitespace
    /// between), which the reader then passes over without reading them as events. A VM
    /// carries about fifteen such links beside its `<actions>`, and most readers never look
    /// at them ([`crate::native::types::Links`] reads them on first use). `None` (nothing
    /// consumed) when the input was not checked UTF-8 or `e` is not a slice of it.
    pub(crate) fn link_run(&mut self, e: &BytesStart<'a>) -> Option<&'a str> {
        let text = self.text?;
        let rest: &'a [u8] = self.r.get_ref();
        let pos = self.src.len().checked_sub(rest.len())?;
        let tag: &[u8] = e;
        let start = (tag.as_ptr() as usize)
            .checked_sub(self.src.as_ptr() as usize)?
            .checked_sub(1)?;
        if start >= pos || self.src.get(start) != Some(&b'<') || e.name().as_ref() != b"link" {
            return None;
        }
        let mut end = pos;
        loop {
            let after = &self.src[end..];
            let ws = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let Some(len) = empty_link_len(&after[ws..]) else {
                break;
            };
            end += ws + len;
        }
        let run = text.get(start..end)?;
        std::io::BufRead::consume(&mut self.r.stream(), end - pos);
        Some(run)
    }

    /// The text content of an element (nested elements are skipped).
    pub(crate) fn text(&mut self, empty: bool) -> Result<String> {
        Ok(self.text_cow(empty)?.into_owned())
    }

    /// The text content, borrowed from the input in the usual case of one plain text node.
    pub(crate) fn text_cow(&mut self, empty: bool) -> Result<Cow<'a, str>> {
        if empty {
            return Ok(Cow::Borrowed(""));
        }
        let first = self.event()?;
        match first {
            XmlEvent::End(_) => Ok(Cow::Borrowed("")),
            XmlEvent::Text(t) => {
                let s = self.decode(t)?;
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

    /// The value of an enum element, borrowed from the input in the usual case: the text of
    /// `<status>up</status>` (4.x), or of its `<state>` child in the 3.x form
    /// `<status><state>up</state><detail>..</detail></status>` (other children are skipped).
    pub(crate) fn enum_text(&mut self, empty: bool) -> Result<Cow<'a, str>> {
        if empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        let mut state = None;
        loop {
            match self.event()? {
                XmlEvent::Text(t) => {
                    let s = self.decode(t)?;
                    if text.is_empty() {
                        text = s;
                    } else {
                        text.to_mut().push_str(&s);
                    }
                }
                ev @ (XmlEvent::CData(_) | XmlEvent::GeneralRef(_)) => {
                    let mut out = text.into_owned();
                    self.text_rest(ev, &mut out)?;
                    return Ok(Cow::Owned(out));
                }
                XmlEvent::Start(e) if e.local_name().as_ref() == b"state" => {
                    state = Some(self.text_cow(false)?);
                }
                XmlEvent::Start(e) => self.skip(&e, false)?,
                XmlEvent::Empty(_) => {}
                XmlEvent::End(_) => break,
                XmlEvent::Eof => return Err(self.err("unexpected end of document")),
                _ => {}
            }
        }
        Ok(match state {
            Some(s) => s,
            None if trim(&text).len() != text.len() => Cow::Owned(trim(&text).to_owned()),
            None => text,
        })
    }

    /// Appends the text of `ev` and of the events up to the element's end.
    pub(super) fn text_rest(&mut self, mut ev: XmlEvent<'a>, out: &mut String) -> Result<()> {
        loop {
            match ev {
                XmlEvent::Start(e) => self.skip(&e, false)?,
                XmlEvent::End(_) => return Ok(()),
                XmlEvent::Eof => return Err(self.err("unexpected end of document")),
                other => self.text_piece(&other, out)?,
            }
            ev = self.event()?;
        }
    }

    /// Appends what a text event stands for (text, CDATA, an entity or character reference).
    fn text_piece(&self, ev: &XmlEvent<'a>, out: &mut String) -> Result<()> {
        match ev {
            XmlEvent::Text(t) => out.push_str(&t.decode().map_err(|e| self.err(e))?),
            XmlEvent::CData(c) => out.push_str(&c.decode().map_err(|e| self.err(e))?),
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
            _ => {}
        }
        Ok(())
    }

    /// `<status>x</status>` (4.x) or `<status><state>x</state><detail>d</detail></status>` (3.x):
    /// the state (trimmed; `None` when empty), borrowed from the input in the 4.x case, and the
    /// detail.
    pub(crate) fn status(&mut self, empty: bool) -> Result<(Option<Cow<'a, str>>, Option<String>)> {
        if empty {
            return Ok((None, None));
        }
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        let mut state = None;
        let mut detail = None;
        loop {
            match self.event()? {
                XmlEvent::Text(t) if text.is_empty() => {
                    text = self.decode(t)?;
                }
                XmlEvent::Start(e) => match e.local_name().as_ref() {
                    b"state" => state = Some(self.text_cow(false)?),
                    b"detail" => detail = Some(self.text(false)?),
                    _ => self.skip(&e, false)?,
                },
                XmlEvent::End(_) => break,
                XmlEvent::Eof => return Err(self.err("unexpected end of document")),
                other => self.text_piece(&other, text.to_mut())?,
            }
        }
        let state = state.or(Some(text)).and_then(|t| match t {
            Cow::Borrowed(b) => Some(Cow::Borrowed(trim(b))).filter(|t| !t.is_empty()),
            Cow::Owned(o) => {
                Some(Cow::<'a, str>::Owned(o.trim().to_owned())).filter(|t| !t.is_empty())
            }
        });
        Ok((state, detail))
    }

    /// The child elements named `item` (any name when `None`; others are skipped), each read
    /// with `f`.
    pub(super) fn items_named<T>(
        &mut self,
        empty: bool,
        item: Option<&[u8]>,
        mut f: impl FnMut(&mut Self, &BytesStart<'a>, bool) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        if empty {
            return Ok(out);
        }
        loop {
            let start = self.r.buffer_position();
            let Some((c, ce)) = self.child()? else {
                return Ok(out);
            };
            if item.is_some_and(|name| c.local_name().as_ref() != name) {
                self.skip(&c, ce)?;
                continue;
            }
            out.push(f(self, &c, ce)?);
            if out.len() == 1 {
                self.reserve_like_first(&mut out, start);
            }
        }
    }

    /// Every child element of the current one read with `f`, whatever its name.
    pub(crate) fn items<T>(
        &mut self,
        empty: bool,
        f: impl FnMut(&mut Self, &BytesStart<'a>, bool) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.items_named(empty, None, f)
    }

    /// Reserves room in `out`, which holds the first item of a list read from `start`, for
    /// as many more items as the rest of the input holds at the first one's size (plus a
    /// sixteenth): a 10,000-VM page fills one allocation instead of growing (and copying)
    /// fourteen times. The reservation never exceeds four times the rest of the input in
    /// bytes, so a tiny first item cannot make a large one (the list then grows as usual).
    fn reserve_like_first<T>(&self, out: &mut Vec<T>, start: u64) {
        let pos = self.r.buffer_position();
        let per = usize::try_from(pos.saturating_sub(start))
            .unwrap_or(usize::MAX)
            .max(1);
        let rest = self
            .src
            .len()
            .saturating_sub(usize::try_from(pos).unwrap_or(usize::MAX));
        let guess = rest / per;
        let bound = rest.saturating_mul(4) / std::mem::size_of::<T>().max(1);
        out.reserve((guess + guess / 16).min(bound));
    }
}

/// `t` without leading and trailing white space, as [`str::trim`]: checked byte-wise first,
/// since values with a plain ASCII letter or digit at both ends (nearly all) need no trim.
#[inline]
pub(crate) fn trim(t: &str) -> &str {
    let plain = |b: &u8| b.is_ascii_graphic();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(a), Some(z)) if plain(a) && plain(z) => t,
        _ => t.trim(),
    }
}

/// The length of the empty `<link .../>` element at the start of `el`, if there is one: its
/// tag ends at the first `>` outside quoted attribute values, and must end in `/>`.
fn empty_link_len(el: &[u8]) -> Option<usize> {
    let name_ends = |b: &u8| b.is_ascii_whitespace() || *b == b'/';
    if !el.starts_with(b"<link") || !el.get(5).is_some_and(name_ends) {
        return None;
    }
    let mut i = 5;
    loop {
        i += memchr::memchr3(b'>', b'"', b'\'', el.get(i..)?)?;
        match el[i] {
            b'>' => return (el[i - 1] == b'/').then_some(i + 1),
            quote => i += 1 + memchr::memchr(quote, el.get(i + 1..)?)? + 1,
        }
    }
}

/// Where the content of an element named `name` ends in `rest` (the input after its start
/// tag): the offset of its `</name>` end tag, when nothing in between could make a textual
/// search wrong (see [`XmlIn::content_fast`]).
fn content_end(rest: &[u8], name: &[u8]) -> Option<usize> {
    // The bytes after `name` at `tail` end a tag name (`<name>`, `<name a=..`, `</name >`).
    let ends_name = |tail: &[u8]| {
        tail.get(name.len())
            .is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
    };
    for at in memchr::memchr_iter(b'<', rest) {
        let tail = &rest[at + 1..];
        match tail.first() {
            Some(b'!' | b'?') | None => return None,
            Some(b'/') if tail[1..].starts_with(name) => {
                let after = &tail[1 + name.len()..];
                match after.iter().find(|b| !b.is_ascii_whitespace()) {
                    Some(b'>') => return Some(at),
                    // `</namex>` is another element's end; a truncated tag is left to events.
                    Some(_) if !ends_name(&tail[1..]) => {}
                    _ => return None,
                }
            }
            _ if tail.starts_with(name) && ends_name(tail) => return None,
            _ => {}
        }
    }
    None
}

pub(super) fn attr_err(e: impl std::fmt::Display) -> Error {
    Error::protocol(format!("invalid oVirt XML attribute: {e}"))
}

/// Calls `f(name, value)` for every attribute.
pub(super) fn each_attr(
    e: &BytesStart<'_>,
    f: impl FnMut(&[u8], String) -> Result<()>,
) -> Result<()> {
    each_attr_in(None, e, f)
}

/// [`each_attr`] over a start tag of `text` (the checked input; see [`scan_attrs_in`]).
pub(super) fn each_attr_in(
    text: Option<&str>,
    e: &BytesStart<'_>,
    mut f: impl FnMut(&[u8], String) -> Result<()>,
) -> Result<()> {
    scan_attrs_in(text, e, |k, v| f(k, v.into_owned()))
}

/// `part` as a slice of `text` when it lies inside it (its bytes are then checked UTF-8):
/// found by address, so no byte is looked at again.
#[inline]
fn slice_in<'s>(text: Option<&'s str>, part: &[u8]) -> Option<&'s str> {
    let text = text?;
    let off = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    text.get(off..off.checked_add(part.len())?)
}

/// Walks `key="value"` pairs of a start tag, fast: engine documents only ever carry `id`,
/// `href` and `rel` (and 3.x's plain attributes), always quoted, so a byte scan beats the general
/// attribute iterator. Values are unescaped only when they contain `&`.
pub(crate) fn scan_attrs<'e>(
    e: &'e BytesStart<'_>,
    f: impl FnMut(&[u8], std::borrow::Cow<'e, str>) -> Result<()>,
) -> Result<()> {
    scan_attrs_in(None, e, f)
}

/// [`scan_attrs`] over a start tag of `text`, the checked input: values are slices of it,
/// not checked again (a tag from elsewhere is checked as usual).
pub(crate) fn scan_attrs_in<'e>(
    text: Option<&'e str>,
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
        let text = match slice_in(text, value) {
            Some(s) => s,
            None => std::str::from_utf8(value).map_err(|_| bad())?,
        };
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

/// The `rel` and `href` of a `<link rel href/>` start tag (empty when absent), borrowed
/// unless they hold an entity.
pub(super) fn link_attrs<'e>(
    text: Option<&'e str>,
    e: &'e BytesStart<'_>,
) -> Result<(Cow<'e, str>, Cow<'e, str>)> {
    let (mut rel, mut href) = (Cow::Borrowed(""), Cow::Borrowed(""));
    scan_attrs_in(text, e, |k, v| {
        match k {
            b"rel" => rel = v,
            b"href" => href = v,
            _ => {}
        }
        Ok(())
    })?;
    Ok((rel, href))
}

#[cfg(test)]
mod tests {
    use super::content_end;

    #[test]
    fn content_ends_only_where_no_markup_could_fool_a_search() {
        let end = |rest: &str| content_end(rest.as_bytes(), b"actions");
        assert_eq!(end("<link/></actions>"), Some(7));
        assert_eq!(end("<a>x</a>\n</actions  >"), Some(9));
        assert_eq!(end("<link/></actionsx></actions>"), Some(18));
        // Comments, CDATA, instructions and same-named children: the caller reads events.
        assert_eq!(end("<!-- </actions> --></actions>"), None);
        assert_eq!(end("<![CDATA[</actions>]]></actions>"), None);
        assert_eq!(end("<?pi x?></actions>"), None);
        assert_eq!(end("<actions></actions></actions>"), None);
        assert_eq!(end("<link/>"), None);
        assert_eq!(end("</actions"), None);
    }
}
