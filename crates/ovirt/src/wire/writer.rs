//! The writer: only the fields that are set, escaped.

use crate::native::types::{Cpu, OperatingSystem, Ref, Version};

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

    pub(super) fn i64(&mut self, tag: &str, v: Option<i64>) {
        if let Some(v) = v {
            self.leaf(tag, &v.to_string());
        }
    }

    pub(super) fn bool(&mut self, tag: &str, v: Option<bool>) {
        if let Some(v) = v {
            self.leaf(tag, if v { "true" } else { "false" });
        }
    }

    pub(super) fn en<T: std::fmt::Display>(&mut self, tag: &str, v: &Option<T>) {
        if let Some(v) = v {
            self.leaf(tag, &v.to_string());
        }
    }

    pub(super) fn reference(&mut self, tag: &str, r: &Option<Ref>) {
        if let Some(r) = r {
            self.open(tag, r.id.as_deref());
            self.str("name", &r.name);
            self.close(tag);
        }
    }

    pub(super) fn common(
        &mut self,
        name: &Option<String>,
        desc: &Option<String>,
        comment: &Option<String>,
    ) {
        self.str("name", name);
        self.str("description", desc);
        self.str("comment", comment);
    }

    pub(super) fn cpu(&mut self, cpu: &Option<Cpu>) {
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

    pub(super) fn version(&mut self, v: &Option<Version>) {
        let Some(v) = v else { return };
        self.open("version", None);
        self.i64("build", v.build);
        self.str("full_version", &v.full_version);
        self.i64("major", v.major);
        self.i64("minor", v.minor);
        self.i64("revision", v.revision);
        self.close("version");
    }

    pub(super) fn os(&mut self, os: &Option<OperatingSystem>) {
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
