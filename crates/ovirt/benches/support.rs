//! Builds realistic `<vms>` documents for the benchmarks: the recorded engine VM
//! (`fixtures/ovirt/samples/vm-v4.xml`, 7.9 KB with 35 links and actions) repeated with fresh
//! ids and names.

/// The recorded VM element, without the XML declaration.
pub fn vm_template() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/ovirt/samples/vm-v4.xml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let start = text.find("<vm ").unwrap_or(0);
    text[start..].trim_end().to_owned()
}

const ID: &str = "0d37ca3b-cdbc-4b78-b0b9-7cd71ddc7e35";

/// VM number `i` of a generated inventory.
pub fn vm_xml(template: &str, i: usize) -> String {
    let id = format!("0d37ca3b-cdbc-4b78-b0b9-{i:012x}");
    template.replace(ID, &id).replace(
        "<name>my-cirros-vm</name>",
        &format!("<name>vm-{i:06}</name>"),
    )
}

/// A `<vms>` document of VMs `from..from+n`.
pub fn vms_doc(template: &str, from: usize, n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(n * (template.len() + 64) + 128);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<vms>\n");
    for i in from..from + n {
        s.push_str(&vm_xml(template, i));
        s.push('\n');
    }
    s.push_str("</vms>\n");
    s.into_bytes()
}

/// The ceiling: quick-xml's event loop over the same bytes, touching every element.
pub fn raw_event_loop(bytes: &[u8]) -> usize {
    let mut r = quick_xml::Reader::from_reader(bytes);
    let mut n = 0usize;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Start(_) | quick_xml::events::Event::Empty(_)) => n += 1,
            Ok(quick_xml::events::Event::Eof) => return n,
            Ok(_) => {}
            Err(e) => panic!("invalid XML: {e}"),
        }
    }
}
