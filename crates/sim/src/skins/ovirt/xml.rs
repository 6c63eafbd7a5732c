//! XML out (a small writer that knows the engine's element shapes) and XML in (just enough
//! of a tree to read what clients send).

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::text::{DateTime, Int};

/// The first line of every document.
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// What follows the date and time in the engine's timestamps.
pub(super) const TIME_SUFFIX: &str = ".000+00:00";

/// Whether `v` has none of the bytes [`X::esc`] replaces.
fn plain(v: &str) -> bool {
    first_markup(v.as_bytes()) == v.len()
}

/// The index of the first byte of `b` that [`X::esc`] replaces (`b.len()` if none). Eight
/// bytes are looked at a time (a word holds one of the five when, XORed with it repeated, it
/// has a zero byte), then the table finds which.
fn first_markup(b: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has = |w: u64, c: u8| {
        let x = w ^ (ONES * u64::from(c));
        x.wrapping_sub(ONES) & !x & HIGH
    };
    let mut i = 0;
    for chunk in b.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        if has(w, b'<') | has(w, b'>') | has(w, b'&') | has(w, b'"') | has(w, b'\'') != 0 {
            break;
        }
        i += 8;
    }
    i + b[i..]
        .iter()
        .position(|&c| ESCAPED[usize::from(c)])
        .unwrap_or(b.len() - i)
}

/// The bytes [`X::esc`] replaces, as a table: one lookup a byte instead of five comparisons.
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t
};

pub(super) struct X {
    pub(super) s: String,
    pub(super) v3: bool,
    /// The escaped base href of the object being written (see [`X::set_base`]); kept between
    /// objects so a page allocates it once.
    base: String,
}

impl X {
    pub(super) fn new(v3: bool) -> Self {
        X {
            s: String::with_capacity(4096),
            v3,
            base: String::new(),
        }
    }
    /// A list document begun: the XML declaration and `<tag>`, with room for `capacity`
    /// bytes of items. [`X::end_list`] ends it.
    pub(super) fn list(v3: bool, tag: &str, capacity: usize) -> Self {
        let mut x = X {
            s: String::with_capacity(capacity + DECLARATION.len() + 2 * tag.len() + 8),
            v3,
            base: String::new(),
        };
        x.s.push_str(DECLARATION);
        x.open(tag);
        x
    }
    /// The list document begun by [`X::list`]: `<tag/>` when no item was written.
    pub(super) fn end_list(mut self, tag: &str) -> String {
        if self.s.len() == DECLARATION.len() + tag.len() + 2 {
            self.s.truncate(self.s.len() - 1);
            self.s.push_str("/>");
        } else {
            self.close(tag);
        }
        self.s.push('\n');
        self.s
    }
    /// Appends `v` escaped for XML text and attributes. Most values (ids, hrefs, names) have
    /// nothing to escape and are copied in one go.
    pub(super) fn esc(&mut self, v: &str) {
        esc_into(&mut self.s, v);
    }
    /// Appends the concatenation of `parts`, escaped.
    fn esc_all(&mut self, parts: &[&str]) {
        for p in parts {
            self.esc(p);
        }
    }
    pub(super) fn open_obj(&mut self, tag: &str, href: &str, id: &str) {
        self.open_obj_at(tag, &[href], id);
    }
    /// `<tag href="..." id="...">` with the href written from `href` parts, so it needs no
    /// string of its own.
    pub(super) fn open_obj_at(&mut self, tag: &str, href: &[&str], id: &str) {
        self.s.push('<');
        self.s.push_str(tag);
        self.s.push_str(" href=\"");
        self.esc_all(href);
        self.s.push_str("\" id=\"");
        self.esc(id);
        self.s.push_str("\">");
    }
    pub(super) fn open(&mut self, tag: &str) {
        self.s.push('<');
        self.s.push_str(tag);
        self.s.push('>');
    }
    pub(super) fn close(&mut self, tag: &str) {
        self.s.push_str("</");
        self.s.push_str(tag);
        self.s.push('>');
    }
    pub(super) fn leaf(&mut self, tag: &str, v: &str) {
        self.open(tag);
        self.esc(v);
        self.close(tag);
    }
    /// A number needs no escaping: written straight into the document, digit by digit.
    pub(super) fn num(&mut self, tag: &str, v: impl Int) {
        self.open(tag);
        v.push_to(&mut self.s);
        self.close(tag);
    }
    /// `<tag>` and the engine's timestamp of `secs` (see [`super::status::time`]).
    pub(super) fn time(&mut self, tag: &str, secs: u64) {
        self.open(tag);
        self.s.push_str(DateTime::of(secs).as_str());
        self.s.push_str(TIME_SUFFIX);
        self.close(tag);
    }
    pub(super) fn reference(&mut self, tag: &str, href: &str, id: &str) {
        self.reference_at(tag, &[href], id);
    }
    /// `<tag href="..." id="..."/>` with the href written from `href` parts.
    pub(super) fn reference_at(&mut self, tag: &str, href: &[&str], id: &str) {
        self.s.push('<');
        self.s.push_str(tag);
        self.s.push_str(" href=\"");
        self.esc_all(href);
        self.s.push_str("\" id=\"");
        self.esc(id);
        self.s.push_str("\"/>");
    }
    pub(super) fn link(&mut self, href: &str, rel: &str) {
        self.link_of(&[href], rel);
    }
    /// `<link href="..." rel="rel"/>` with the href written from `href` parts, so a sub-link
    /// needs no string of its own.
    fn link_of(&mut self, href: &[&str], rel: &str) {
        self.s.push_str("<link href=\"");
        self.esc_all(href);
        self.s.push_str("\" rel=\"");
        self.esc(rel);
        self.s.push_str("\"/>");
    }
    /// `<link href="base/rel" rel="rel"/>` for each of `rels`.
    pub(super) fn links(&mut self, base: &str, rels: &[&str]) {
        self.links_at(&[base], rels);
    }
    /// `<link href="base/rel" rel="rel"/>` for each of `rels`, `base` given in parts. Parts
    /// and rels are looked at once: what has nothing to escape (ids, paths, rel words: all
    /// of them in practice) is copied as it is.
    pub(super) fn links_at(&mut self, base: &[&str], rels: &[&str]) {
        let plain_base = base.iter().all(|p| plain(p));
        for r in rels {
            self.s.push_str("<link href=\"");
            if plain_base {
                for p in base {
                    self.s.push_str(p);
                }
            } else {
                self.esc_all(base);
            }
            self.s.push('/');
            if plain(r) {
                self.s.push_str(r);
                self.s.push_str("\" rel=\"");
                self.s.push_str(r);
            } else {
                self.esc(r);
                self.s.push_str("\" rel=\"");
                self.esc(r);
            }
            self.s.push_str("\"/>");
        }
    }
    /// Sets the base href the next [`X::run`]s and [`X::open_at_base`] use: `parts`
    /// concatenated and escaped.
    pub(super) fn set_base(&mut self, parts: &[&str]) {
        self.base.clear();
        for p in parts {
            esc_into(&mut self.base, p);
        }
    }
    /// `<tag href="BASE" id="id">` with the base of [`X::set_base`].
    pub(super) fn open_at_base(&mut self, tag: &str, id: &str) {
        self.s.push('<');
        self.s.push_str(tag);
        self.s.push_str(" href=\"");
        self.s.push_str(&self.base);
        self.s.push_str("\" id=\"");
        self.esc(id);
        self.s.push_str("\">");
    }
    /// `run` below the base of [`X::set_base`].
    pub(super) fn run(&mut self, run: &LinkRun) {
        self.s.push_str(&run.head);
        for seg in &run.segs {
            self.s.push_str(&self.base);
            self.s.push_str(seg);
        }
    }
    /// `{open}{id}" id="{id}"/>`: a reference whose start, up to the id in its href, is the
    /// fixed `open` (e.g. `<cluster href="/ovirt-engine/api/clusters/`).
    pub(super) fn reference_to(&mut self, open: &str, id: &str) {
        self.s.push_str(open);
        if plain(id) {
            self.s.push_str(id);
            self.s.push_str("\" id=\"");
            self.s.push_str(id);
        } else {
            self.esc(id);
            self.s.push_str("\" id=\"");
            self.esc(id);
        }
        self.s.push_str("\"/>");
    }
    /// A number, written in place (no element around it).
    pub(super) fn int(&mut self, v: impl Int) {
        v.push_to(&mut self.s);
    }
    pub(super) fn actions(&mut self, base: &str, names: &[&str]) {
        self.open("actions");
        self.links(base, names);
        self.close("actions");
    }
    pub(super) fn status(&mut self, word: &str) {
        if self.v3 {
            self.open("status");
            self.leaf("state", word);
            self.close("status");
        } else {
            self.leaf("status", word);
        }
    }
    pub(super) fn doc(self) -> String {
        format!("{DECLARATION}{}\n", self.s)
    }
}

/// Appends `v` to `out` escaped for XML text and attributes. Most values (ids, hrefs, names)
/// have nothing to escape and are copied in one go.
fn esc_into(out: &mut String, v: &str) {
    let mut rest = v;
    loop {
        let i = first_markup(rest.as_bytes());
        if i == rest.len() {
            break;
        }
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            _ => "&apos;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// A run of `<link href="BASE/rel" rel="rel"/>` for fixed rels, kept as the text between the
/// bases: writing one for an object is two copies a link (the object's base, then the
/// segment), whatever the rels are.
#[derive(Debug)]
pub(super) struct LinkRun {
    /// `open` and the first `<link href="` (or `open` and `close` when there is no rel).
    head: String,
    /// For each rel, what follows the base: `/rel" rel="rel"/>`, then the next
    /// `<link href="` or, after the last, `close`.
    segs: Vec<String>,
}

impl LinkRun {
    /// The run of `rels` between `open` and `close` (either may be empty).
    pub(super) fn new(open: &str, rels: &[&str], close: &str) -> Self {
        let mut head = open.to_owned();
        if rels.is_empty() {
            head.push_str(close);
        } else {
            head.push_str("<link href=\"");
        }
        let segs = rels
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut seg = String::from("/");
                esc_into(&mut seg, r);
                seg.push_str("\" rel=\"");
                esc_into(&mut seg, r);
                seg.push_str("\"/>");
                seg.push_str(if i + 1 == rels.len() {
                    close
                } else {
                    "<link href=\""
                });
                seg
            })
            .collect();
        LinkRun { head, segs }
    }
}

/// A parsed request body: just enough of a tree to read what clients send.
#[derive(Debug, Default, Clone)]
pub(super) struct El {
    pub(super) name: String,
    pub(super) attrs: Vec<(String, String)>,
    pub(super) children: Vec<El>,
    pub(super) text: String,
}

impl El {
    pub(super) fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }
    pub(super) fn path(&self, path: &[&str]) -> Option<&El> {
        let mut cur = self;
        for p in path {
            cur = cur.child(p)?;
        }
        Some(cur)
    }
    pub(super) fn text_at(&self, path: &[&str]) -> Option<String> {
        self.path(path)
            .map(|e| e.text.trim().to_owned())
            .filter(|t| !t.is_empty())
    }
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub(super) fn num_at(&self, path: &[&str]) -> Result<Option<u64>, String> {
        match self.text_at(path) {
            None => Ok(None),
            Some(t) => t
                .parse()
                .map(Some)
                .map_err(|_| format!("Value `{t}` of <{}> is not a number", path.join("/"))),
        }
    }
    /// `<tag id=".."/>` or `<tag><name>..</name></tag>`.
    pub(super) fn reference(&self, name: &str) -> Option<(Option<String>, Option<String>)> {
        let e = self.child(name)?;
        let id = e
            .attr("id")
            .map(str::to_owned)
            .or_else(|| e.text_at(&["id"]));
        Some((id, e.text_at(&["name"])))
    }
}

pub(super) fn parse_xml(body: &[u8]) -> Result<El, String> {
    let mut r = Reader::from_reader(body);
    let mut stack: Vec<El> = Vec::new();
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("Failed to parse the request body: {e}"))?;
        let (start, is_empty) = match &ev {
            Event::Start(s) => (Some(s.clone()), false),
            Event::Empty(s) => (Some(s.clone()), true),
            _ => (None, false),
        };
        if let Some(s) = start {
            let mut el = El {
                name: String::from_utf8_lossy(s.local_name().as_ref()).into_owned(),
                ..El::default()
            };
            for a in s.attributes().flatten() {
                let v = a
                    .unescape_value()
                    .map(|c| c.into_owned())
                    .unwrap_or_default();
                el.attrs
                    .push((String::from_utf8_lossy(a.key.as_ref()).into_owned(), v));
            }
            if !is_empty {
                stack.push(el);
                continue;
            }
            match stack.last_mut() {
                Some(p) => p.children.push(el),
                None => return Ok(el),
            }
            continue;
        }
        match ev {
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::GeneralRef(g) => {
                if let Some(top) = stack.last_mut() {
                    if let Ok(Some(c)) = g.resolve_char_ref() {
                        top.text.push(c);
                    } else {
                        let n = g.decode().unwrap_or_default();
                        let c = match n.as_ref() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            _ => '\'',
                        };
                        top.text.push(c);
                    }
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err("Failed to parse the request body: unbalanced".into());
                };
                match stack.last_mut() {
                    Some(p) => p.children.push(done),
                    None => return Ok(done),
                }
            }
            Event::Eof => return Err("Request body is empty or incomplete".into()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod writer_tests {
    use super::{DECLARATION, LinkRun, X, first_markup};

    #[test]
    fn an_empty_list_is_one_empty_element_and_a_full_one_wraps_its_items() {
        let empty = X::list(false, "vms", 0).end_list("vms");
        assert_eq!(empty, format!("{DECLARATION}<vms/>\n"));
        let mut x = X::list(false, "vms", 16);
        x.leaf("vm", "a");
        assert_eq!(
            x.end_list("vms"),
            format!("{DECLARATION}<vms><vm>a</vm></vms>\n")
        );
    }

    #[test]
    fn escaping_replaces_the_five_markup_bytes_and_keeps_the_rest() {
        let mut x = X::new(false);
        x.esc("a<b>c&d\"e'f é");
        assert_eq!(x.s, "a&lt;b&gt;c&amp;d&quot;e&apos;f é");
        let mut x = X::new(false);
        x.links("/api/vms/1&2", &["nics"]);
        assert_eq!(x.s, "<link href=\"/api/vms/1&amp;2/nics\" rel=\"nics\"/>");
    }

    #[test]
    fn the_word_scan_finds_the_first_markup_byte() {
        for s in [
            "",
            "plain",
            "exactly8",
            "exactly8<",
            "0123456789abcdef'0123",
            "é ü — 日本 and then & late",
            "\"first",
            "ids-like-3f2a9c1e-0b7d-4e55-9a1c-2d3e4f5a6b7c",
        ] {
            let want = s.bytes().position(|b| b"<>&\"'".contains(&b));
            assert_eq!(first_markup(s.as_bytes()), want.unwrap_or(s.len()), "{s:?}");
        }
    }

    #[test]
    fn a_link_run_writes_what_links_and_actions_write() {
        let base: &[&str] = &["/api/vms/", "1&2"];
        for rels in [&[][..], &["nics"][..], &["a", "b'c", "tags"][..]] {
            let mut want = X::new(false);
            want.links(&base.concat(), rels);
            want.actions(&base.concat(), rels);
            let mut got = X::new(false);
            got.set_base(base);
            got.run(&LinkRun::new("", rels, ""));
            got.run(&LinkRun::new("<actions>", rels, "</actions>"));
            assert_eq!(got.s, want.s, "{rels:?}");
        }
    }

    #[test]
    fn a_reference_to_a_fixed_start_is_the_reference() {
        for id in ["plain-id", "a<b"] {
            let mut want = X::new(false);
            want.reference("vm", &format!("/api/vms/{id}"), id);
            let mut got = X::new(false);
            got.reference_to("<vm href=\"/api/vms/", id);
            assert_eq!(got.s, want.s);
        }
    }
}
