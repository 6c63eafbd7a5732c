//! XML out (a small writer that knows the engine's element shapes) and XML in (just enough
//! of a tree to read what clients send).

use quick_xml::Reader;
use quick_xml::events::Event;

/// The first line of every document.
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

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
}

impl X {
    pub(super) fn new(v3: bool) -> Self {
        X {
            s: String::with_capacity(4096),
            v3,
        }
    }
    /// A list document begun: the XML declaration and `<tag>`, with room for `capacity`
    /// bytes of items. [`X::end_list`] ends it.
    pub(super) fn list(v3: bool, tag: &str, capacity: usize) -> Self {
        let mut x = X {
            s: String::with_capacity(capacity + DECLARATION.len() + 2 * tag.len() + 8),
            v3,
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
        let mut rest = v;
        while let Some(i) = rest.bytes().position(|b| ESCAPED[usize::from(b)]) {
            self.s.push_str(&rest[..i]);
            self.s.push_str(match rest.as_bytes()[i] {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'&' => "&amp;",
                b'"' => "&quot;",
                _ => "&apos;",
            });
            rest = &rest[i + 1..];
        }
        self.s.push_str(rest);
    }
    pub(super) fn open_obj(&mut self, tag: &str, href: &str, id: &str) {
        self.s.push('<');
        self.s.push_str(tag);
        self.s.push_str(" href=\"");
        self.esc(href);
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
    /// A number needs no escaping: written straight into the document.
    pub(super) fn num(&mut self, tag: &str, v: impl std::fmt::Display) {
        use std::fmt::Write;
        self.open(tag);
        let _ = write!(self.s, "{v}");
        self.close(tag);
    }
    pub(super) fn reference(&mut self, tag: &str, href: &str, id: &str) {
        self.s.push('<');
        self.s.push_str(tag);
        self.s.push_str(" href=\"");
        self.esc(href);
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
        for part in href {
            self.esc(part);
        }
        self.s.push_str("\" rel=\"");
        self.esc(rel);
        self.s.push_str("\"/>");
    }
    /// `<link href="base/rel" rel="rel"/>` for each of `rels`; `base` is escaped once.
    pub(super) fn links(&mut self, base: &str, rels: &[&str]) {
        let start = self.s.len();
        self.esc(base);
        let escaped = self.s[start..].to_owned();
        self.s.truncate(start);
        for r in rels {
            self.s.push_str("<link href=\"");
            self.s.push_str(&escaped);
            self.s.push('/');
            self.esc(r);
            self.s.push_str("\" rel=\"");
            self.esc(r);
            self.s.push_str("\"/>");
        }
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
    use super::{DECLARATION, X};

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
}
