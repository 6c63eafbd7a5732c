//! The writer: only the fields that are set, escaped.

use crate::native::types::Ref;

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

    /// The text written so far, for the generated writers.
    pub(crate) fn buf(&mut self) -> &mut String {
        &mut self.s
    }

    pub(super) fn esc(&mut self, v: &str) {
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

    pub(super) fn str(&mut self, tag: &str, v: &Option<String>) {
        if let Some(v) = v {
            self.leaf(tag, v);
        }
    }

    pub(super) fn bool(&mut self, tag: &str, v: Option<bool>) {
        if let Some(v) = v {
            self.leaf(tag, if v { "true" } else { "false" });
        }
    }

    pub(super) fn reference(&mut self, tag: &str, r: &Option<Ref>) {
        if let Some(r) = r {
            self.open(tag, r.id.as_deref());
            self.str("name", &r.name);
            self.close(tag);
        }
    }
}
