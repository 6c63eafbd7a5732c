//! XML on the wire: a pull reader over quick-xml events into the typed objects of
//! [`crate::native::types`], and a writer for what we send.
//!
//! The reader reads both dialects: 4.x (`<status>up</status>`, values in child elements) and 3.x
//! (`<status><state>up</state></status>`, `<topology sockets=".."/>`, `<os type=".."><boot dev=".."/>`,
//! `<version major=".."/>`). Unknown elements are skipped; unknown enum values are kept raw.

mod api;
pub(crate) mod bridge;
pub(crate) mod gen_support;
mod reader;
mod resource;
pub mod schema;

pub(crate) use api::read_fault_doc;
pub use resource::{Resource, fault_from_xml};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native::types::{Disk, Linked, Vm, VmStatus};

    /// A VM document through the services tree's reader (root element checked).
    fn vm(bytes: &[u8]) -> omnivirt_core::Result<Vm> {
        <Vm as Resource>::from_xml(bytes)
    }

    #[test]
    fn a_list_is_sized_from_its_first_item_within_the_input() {
        let sample = include_str!("../../../../fixtures/ovirt/samples/vm-v4.xml");
        let item = &sample[sample.find("<vm ").unwrap()..];
        let doc = format!(
            "<vms>\n{}</vms>",
            format!("{}\n", item.trim_end()).repeat(100)
        );
        let vms = Vm::list_from_xml(doc.as_bytes()).unwrap();
        assert_eq!(vms.len(), 100);
        // One reservation after the first item, not doublings up to 128.
        assert!(vms.capacity() <= 100 + 100 / 16 + 1, "{}", vms.capacity());
        let many = <Vm as Resource>::list_from_xml(doc.as_bytes()).unwrap();
        assert!(many.capacity() <= 100 + 100 / 16 + 1, "{}", many.capacity());
        // A tiny first item before a large rest reserves no more than four times the rest
        // of the input in bytes (each `Vm` is far larger than its smallest XML).
        let doc = format!("<vms><vm/>{}</vms>", " ".repeat(100_000));
        let vms = Vm::list_from_xml(doc.as_bytes()).unwrap();
        assert_eq!(vms.len(), 1);
        assert!(vms.capacity() <= 1 + 4 * 100_006 / std::mem::size_of::<Vm>());
    }

    #[test]
    fn an_action_answer_reads_its_status_in_both_dialects() {
        use crate::native::types::{Action, CreationStatus};
        let v4 =
            <Action as Resource>::from_xml(b"<action><status>failed</status></action>").unwrap();
        let v3 = <Action as Resource>::from_xml(
            b"<action><status><state>failed</state></status><job id=\"j1\"/></action>",
        )
        .unwrap();
        assert_eq!(v4.creation_status(), Some(CreationStatus::Failed));
        assert_eq!(v3.creation_status(), Some(CreationStatus::Failed));
        assert_eq!(v3.job_id(), Some("j1"));
        let e = crate::error::action_outcome(200, &v3).unwrap_err();
        assert_eq!(e.kind(), omnivirt_core::ErrorKind::Backend);
        let ok =
            <Action as Resource>::from_xml(b"<action><status>complete</status></action>").unwrap();
        assert!(crate::error::action_outcome(200, &ok).is_ok());
        let fault = <Action as Resource>::from_xml(
            b"<action><fault><reason>Operation Failed</reason><detail>[locked]</detail></fault></action>",
        )
        .unwrap();
        let e = crate::error::action_outcome(409, &fault).unwrap_err();
        assert!(e.to_string().contains("Operation Failed: locked"), "{e}");
    }

    #[test]
    fn text_and_attributes_are_slices_of_the_checked_input() {
        let doc = "<vms><vm href=\"/vms/\u{432}1\" id=\"\u{432}1\"><name>\u{432}\u{43c}-1 &amp; co</name>\
                   <cluster id=\"c\u{444}\"><name>\u{43a}</name></cluster>\
                   <link rel=\"nics\" href=\"/vms/\u{432}1/nics?x=1&amp;y=2\"/></vm></vms>";
        let vms = Vm::list_from_xml(doc.as_bytes()).unwrap();
        let vm = &vms[0];
        assert_eq!(vm.id.as_deref(), Some("\u{432}1"));
        assert_eq!(vm.name.as_deref(), Some("\u{432}\u{43c}-1 & co"));
        let cluster = vm.cluster.as_ref().unwrap();
        assert_eq!(
            (cluster.id(), cluster.name()),
            (Some("c\u{444}"), Some("\u{43a}"))
        );
        assert_eq!(vm.links.get("nics"), Some("/vms/\u{432}1/nics?x=1&y=2"));
        // Not UTF-8: still a typed error wherever the bad byte is.
        for bad in [&b"<vm><name>\xff</name></vm>"[..], b"<vm id=\"\xff\"/>"] {
            let e = <Vm as Resource>::from_xml(bad).unwrap_err();
            assert_eq!(e.kind(), omnivirt_core::ErrorKind::Protocol, "{e}");
        }
    }

    #[test]
    fn v3_and_v4_status_read_the_same() {
        let v4 = vm(b"<vm id=\"1\"><status>up</status></vm>").unwrap();
        let v3 =
            vm(b"<vm id=\"1\"><status><state>UP</state><detail>x</detail></status></vm>").unwrap();
        assert_eq!(v4.status, Some(VmStatus::Up));
        assert_eq!(v3.status, Some(VmStatus::Up));
        assert_eq!(v3.status_detail.as_deref(), Some("x"));
    }

    #[test]
    fn unknown_enum_values_are_kept_raw() {
        let vm = vm(
            b"<vm><status>teleporting</status><cpu><architecture>riscv64</architecture></cpu></vm>",
        )
        .unwrap();
        assert_eq!(vm.status, Some(VmStatus::Other("teleporting".into())));
        assert_eq!(vm.cpu.unwrap().architecture.unwrap().as_str(), "riscv64");
    }

    #[test]
    fn entities_and_unknown_elements() {
        let vm = vm(
            b"<vm><future><deep>1</deep></future><name>a &amp; b &#65;</name><description/></vm>",
        )
        .unwrap();
        assert_eq!(vm.name.as_deref(), Some("a & b A"));
        assert_eq!(vm.description.as_deref(), Some(""));
    }

    #[test]
    fn bad_numbers_and_roots_are_protocol_errors() {
        let e = vm(b"<vm><memory>lots</memory></vm>").unwrap_err();
        assert_eq!(e.kind(), omnivirt_core::ErrorKind::Protocol);
        assert!(e.to_string().contains("memory"), "{e}");
        let e = vm(b"<host/>").unwrap_err();
        assert!(e.to_string().contains("<vm>"), "{e}");
        let e = vm(b"<html><body>Unauthorized</body>").unwrap_err();
        assert_eq!(e.kind(), omnivirt_core::ErrorKind::Protocol);
        assert!(vm(b"").is_err());
    }

    #[test]
    fn writer_emits_only_set_fields_and_escapes() {
        let v = Vm {
            name: Some("a<b".into()),
            memory: Some(1024),
            cluster: Some(Linked::by_name("Default")),
            ..Vm::default()
        };
        assert_eq!(
            v.to_xml(),
            "<vm><memory>1024</memory><name>a&lt;b</name><cluster><name>Default</name></cluster></vm>"
        );
        let back = vm(v.to_xml().as_bytes()).unwrap();
        assert_eq!(back.name.as_deref(), Some("a<b"));
        assert_eq!(back.cluster.unwrap().name(), Some("Default"));
    }

    #[test]
    fn attributes_scan_quotes_entities_and_garbage() {
        let v = vm(b"<vm id='a&amp;b' href = \"/x\"><link rel=\"r\" href='/h?x=1&amp;y=2'/></vm>")
            .unwrap();
        assert_eq!(v.id.as_deref(), Some("a&b"));
        assert_eq!(v.href.as_deref(), Some("/x"));
        assert_eq!(v.links.get("r"), Some("/h?x=1&y=2"));
        assert!(vm(b"<vm id=noquote/>").is_err());
        assert!(vm(b"<vm id=\"open/>").is_err());
    }

    #[test]
    fn link_runs_and_actions_read_as_their_elements_do() {
        // A run with whitespace, a `>` and an entity inside values; a link with content (ends
        // the run); a second run after another child; actions with a comment that holds
        // `</actions>` (no shortcut) and actions with a comment-free body (shortcut).
        let doc = "<vm id=\"1\"><actions><link href=\"/a/start\" rel=\"start\"/>\n\
                   <!-- </actions> --><link href=\"/a/stop\" rel=\"stop\"/></actions>\n  \
                   <link href=\"/l/1\" rel=\"nics\"/>\n\t<link rel='tags' href=\"/x?a=1&amp;b=>2\"/>\
                   <link href=\"/l/3\" rel=\"disks\">x/></link><name>n</name>\
                   <link href=\"/l/4\" rel=\"cdroms\"/> <link href=\"/l/5\" rel=\"snapshots\" />\
                   <future><actions/><x>1</x></future><description>d</description></vm>";
        let v = vm(doc.as_bytes()).unwrap();
        let expected: crate::native::types::Links = [
            ("nics", "/l/1"),
            ("tags", "/x?a=1&b=>2"),
            ("disks", "/l/3"),
            ("cdroms", "/l/4"),
            ("snapshots", "/l/5"),
        ]
        .into_iter()
        .collect();
        assert_eq!(v.links, expected);
        assert_eq!(v.links.len(), 5);
        assert_eq!(v.links.get("tags"), Some("/x?a=1&b=>2"));
        assert_eq!(
            (v.name.as_deref(), v.description.as_deref()),
            (Some("n"), Some("d"))
        );
        let rels: Vec<String> = v.actions.links().iter().map(|l| l.rel.to_owned()).collect();
        assert_eq!(rels, ["start", "stop"]);
        let plain =
            vm(b"<vm><actions>\n<link href=\"/a/b\" rel=\"b\"/></actions><name>m</name></vm>")
                .unwrap();
        assert_eq!(plain.actions.links().get("b"), Some("/a/b"));
        assert_eq!(plain.name.as_deref(), Some("m"));
        // Runs kept compact and runs that cannot be (an `href` without a `/`, a control
        // character the compact form uses as a marker) read the same.
        let odd = vm(b"<vm><actions><link href=\"go\" rel=\"g\"/></actions>\
                       <link href=\"nics\" rel=\"nics\"/><link href=\"/t\x02/u\" rel=\"u\"/>\
                       <name>o</name><link href=\"/v/w\" rel=\"w\"/></vm>")
        .unwrap();
        assert_eq!(odd.actions.links().get("g"), Some("go"));
        let rels: Vec<(&str, &str)> = odd.links.iter().map(|l| (l.rel, l.href)).collect();
        assert_eq!(rels, [("nics", "nics"), ("u", "/t\u{2}/u"), ("w", "/v/w")]);
        // A wrong end tag after a run is still an error.
        assert!(vm(b"<vm><link href=\"/l\" rel=\"r\"/></vn>").is_err());
    }

    #[test]
    fn booleans_accept_legacy_forms() {
        let d = <Disk as Resource>::from_xml(
            b"<disk><sparse>TRUE</sparse><shareable>0</shareable></disk>",
        )
        .unwrap();
        assert_eq!(d.sparse, Some(true));
        assert_eq!(d.shareable, Some(false));
    }
}
