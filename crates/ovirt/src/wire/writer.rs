//! The writer: only the fields that are set, escaped.

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
}
