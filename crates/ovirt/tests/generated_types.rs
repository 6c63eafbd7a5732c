//! The generated types over the recorded engine payloads in `fixtures/ovirt/samples/` (see its
//! PROVENANCE.md): every sample decodes, known fields land typed, unknown enum values are kept,
//! and writing then reading again gives the same document.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use omnivirt_ovirt::generated::types::{
    Action, Cluster, DataCenter, Disk, DiskAttachment, Event, Fault, Host, Job, Linked, SsoMethod,
    StorageDomain, Template, Vm, VmStatus, VmType,
};

fn sample(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../fixtures/ovirt/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_recorded_vm_decodes_typed() {
    let vm = Vm::from_xml(&sample("vm-v4.xml")).unwrap();
    assert_eq!(
        vm.id.as_deref(),
        Some("0d37ca3b-cdbc-4b78-b0b9-7cd71ddc7e35")
    );
    assert_eq!(
        vm.href.as_deref(),
        Some("/ovirt-engine/api/vms/0d37ca3b-cdbc-4b78-b0b9-7cd71ddc7e35")
    );
    assert_eq!(vm.name.as_deref(), Some("my-cirros-vm"));
    assert_eq!(vm.status, Some(VmStatus::Up));
    assert_eq!(vm.r#type, Some(VmType::Desktop));
    assert_eq!(vm.memory, Some(1_073_741_824));
    assert_eq!(vm.migration_downtime, Some(-1));
    let cpu = vm.cpu.as_ref().unwrap();
    assert_eq!(cpu.topology.as_ref().unwrap().sockets, Some(2));
    assert_eq!(cpu.architecture.as_ref().unwrap().as_str(), "x86_64");
    let boot = vm.os.as_ref().unwrap().boot.as_ref().unwrap();
    assert_eq!(boot.devices.as_ref().unwrap().len(), 1);
    let methods = vm.sso.as_ref().unwrap().methods.as_ref().unwrap();
    assert_eq!(
        methods[0].id,
        Some(SsoMethod::GuestAgent),
        "an enum XML attribute"
    );
    assert_eq!(
        vm.custom_properties.as_ref().unwrap()[0].name.as_deref(),
        Some("sap_agent")
    );
    assert!(vm.cluster.as_ref().unwrap().id().is_some());
    assert_eq!(
        vm.initialization
            .as_ref()
            .unwrap()
            .nic_configurations
            .as_ref()
            .unwrap()
            .len(),
        0
    );
    // Sub-collections not followed stay links.
    assert!(vm.nics.is_none());
    assert!(
        vm.links
            .iter()
            .any(|l| l.rel == "nics" && l.href.ends_with("/nics"))
    );
}

#[test]
fn identified_objects_keep_the_actions_the_engine_offers() {
    use omnivirt_ovirt::types::Object;
    let vm = Vm::from_xml(&sample("vm-v4.xml")).unwrap();
    assert_eq!(vm.actions().len(), 19);
    assert!(vm.has_action("start") && !vm.has_action("teleport"));
    // Read only: not sent back.
    assert!(!vm.to_xml().contains("<actions>"));
}

#[test]
fn every_recorded_sample_decodes() {
    let vms = Vm::list_from_xml(&sample("vms-list-v4.xml")).unwrap();
    assert_eq!(vms.len(), 2);
    assert!(vms.iter().all(|v| v.id.is_some() && v.name.is_some()));
    let full = Vm::from_xml(&sample("vm-all-content-v4.xml")).unwrap();
    assert!(full.name.is_some());
    let host = Host::from_xml(&sample("host-v4.xml")).unwrap();
    assert!(host.address.is_some() && host.status.is_some());
    assert!(
        !Host::list_from_xml(&sample("hosts-list-v4.xml"))
            .unwrap()
            .is_empty()
    );
    let cluster = Cluster::from_xml(&sample("cluster-v4.xml")).unwrap();
    assert!(cluster.name.is_some());
    assert!(
        !Cluster::list_from_xml(&sample("clusters-list-v4.xml"))
            .unwrap()
            .is_empty()
    );
    assert!(
        !DataCenter::list_from_xml(&sample("datacenters-list-v4.xml"))
            .unwrap()
            .is_empty()
    );
    let disks = Disk::list_from_xml(&sample("disks-list-v4.xml")).unwrap();
    assert!(disks.iter().any(|d| d.provisioned_size.is_some()));
    assert!(
        !StorageDomain::list_from_xml(&sample("storagedomains-list-v4.xml"))
            .unwrap()
            .is_empty()
    );
    assert!(
        !Template::list_from_xml(&sample("templates-list-v4.xml"))
            .unwrap()
            .is_empty()
    );
    let atts = DiskAttachment::list_from_xml(&sample("vm-diskattachments-v4.xml")).unwrap();
    assert!(atts.iter().all(|a| a.disk.is_some()));
    assert!(DiskAttachment::from_xml(&sample("diskattachment-doc-example.xml")).is_ok());
    let job = Job::from_xml(&sample("job-doc-example.xml")).unwrap();
    assert!(job.status.is_some());
    assert!(
        !Event::list_from_xml(&sample("events-list-doc-example.xml"))
            .unwrap()
            .is_empty()
    );
    let fault = Fault::from_xml(&sample("fault-doc-example.xml")).unwrap();
    assert!(fault.reason.is_some());
    let action = Action::from_xml(&sample("action-fault-sdk-test.xml")).unwrap();
    assert!(action.fault.is_some());
    let start = Action::from_xml(&sample("action-start-request-doc-example.xml")).unwrap();
    assert!(start.vm.is_some() || start.r#async.is_some() || start.use_cloud_init.is_some());
}

#[test]
fn unknown_values_and_elements_are_tolerated_and_bad_numbers_are_not() {
    let vm = Vm::from_xml(
        b"<vm><status>TELEPORTING</status><future><x/></future><type>DESKTOP</type></vm>",
    )
    .unwrap();
    assert_eq!(vm.status, Some(VmStatus::Other("TELEPORTING".into())));
    assert_eq!(vm.status.as_ref().unwrap().as_str(), "TELEPORTING");
    assert_eq!(vm.r#type, Some(VmType::Desktop), "legacy upper case");
    let e = Vm::from_xml(b"<vm><memory>lots</memory></vm>").unwrap_err();
    assert_eq!(e.kind(), omnivirt_core::ErrorKind::Protocol);
    assert!(e.to_string().contains("memory"), "{e}");
    assert!(Vm::from_xml(b"<html><body>Unauthorized</body>").is_err());
    assert!(Vm::from_xml(b"").is_err());
}

#[test]
fn writers_round_trip_every_sample() {
    for name in ["vm-v4.xml", "vm-all-content-v4.xml"] {
        let vm = Vm::from_xml(&sample(name)).unwrap();
        let xml = vm.to_xml();
        assert!(
            xml.starts_with("<vm href=") && xml.contains("<name>"),
            "{name}"
        );
        assert_eq!(
            Vm::from_xml(xml.as_bytes()).unwrap().to_xml(),
            xml,
            "{name}"
        );
    }
    let host = Host::from_xml(&sample("host-v4.xml")).unwrap();
    let xml = host.to_xml();
    assert_eq!(Host::from_xml(xml.as_bytes()).unwrap().to_xml(), xml);
    for d in Disk::list_from_xml(&sample("disks-list-v4.xml")).unwrap() {
        let xml = d.to_xml();
        assert_eq!(Disk::from_xml(xml.as_bytes()).unwrap().to_xml(), xml);
    }
    let vm = Vm {
        name: Some("a<b".into()),
        memory: Some(1024),
        cluster: Some(Linked::by_name("Default")),
        ..Vm::default()
    };
    assert_eq!(
        vm.to_xml(),
        "<vm><memory>1024</memory><name>a&lt;b</name><cluster><name>Default</name></cluster></vm>",
        "scalars first, then objects, in the write order of the official SDKs"
    );
}

#[test]
fn enums_read_both_dialects_and_unknown_values() {
    use omnivirt_ovirt::generated::types::{Job, JobStatus, Vm, VmStatus};
    let v4 = Vm::from_xml(b"<vm id=\"1\"><status>up</status></vm>").unwrap();
    let v3 = Vm::from_xml(
        b"<vm id=\"1\"><status>\n <state>UP</state><detail>x</detail>\n</status></vm>",
    )
    .unwrap();
    assert_eq!(v4.status, Some(VmStatus::Up));
    assert_eq!(v3.status, Some(VmStatus::Up));
    let j = Job::from_xml(b"<job><status><state>FINISHED</state></status></job>").unwrap();
    assert_eq!(j.status, Some(JobStatus::Finished));
    let odd = Vm::from_xml(b"<vm><status> teleporting </status></vm>").unwrap();
    assert_eq!(odd.status, Some(VmStatus::Other("teleporting".into())));
    let amp = Vm::from_xml(b"<vm><status>a&amp;b</status></vm>").unwrap();
    assert_eq!(amp.status, Some(VmStatus::Other("a&b".into())));
}

#[test]
fn the_3x_attribute_forms_read_as_the_4x_elements() {
    use omnivirt_ovirt::generated::types::{IpVersion, ReportedDevice, Version};
    // The recorded 3.6 VM: `<topology sockets=".." .../>` and `<os type="..">`.
    let vm = Vm::from_xml(&sample("vm-v3.6.xml")).unwrap();
    let topology = vm.cpu.as_ref().and_then(|c| c.topology.as_ref()).unwrap();
    assert_eq!(
        (topology.sockets, topology.cores, topology.threads),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(
        vm.os.as_ref().and_then(|o| o.r#type.as_deref()),
        Some("other")
    );
    assert_eq!(vm.status, Some(VmStatus::Down));
    // `<boot dev="hd"/>` repeated (3.x) and `<boot><devices>` (4.x) give the same devices.
    use omnivirt_ovirt::generated::types::{BootDevice, Cluster};
    let boot = |vm: &Vm| {
        vm.os
            .as_ref()
            .and_then(|o| o.boot.as_ref())
            .and_then(|b| b.devices.clone())
    };
    assert_eq!(boot(&vm), Some(vec![BootDevice::Hd]));
    let v3 = Vm::from_xml(b"<vm><os><boot dev=\"network\"/><boot dev=\"hd\"/></os></vm>").unwrap();
    let v4 = Vm::from_xml(
        b"<vm><os><boot><devices><device>network</device><device>hd</device></devices></boot></os></vm>",
    )
    .unwrap();
    assert_eq!(boot(&v3), Some(vec![BootDevice::Network, BootDevice::Hd]));
    assert_eq!(boot(&v3), boot(&v4));
    // The 3.x status detail, and a 3.x cluster's CPU type in `<cpu id>`.
    let v3 = Vm::from_xml(b"<vm><status><state>up</state><detail>migrating</detail></status></vm>")
        .unwrap();
    assert_eq!(v3.status, Some(VmStatus::Up));
    assert_eq!(v3.status_detail.as_deref(), Some("migrating"));
    let c = Cluster::from_xml(b"<cluster><cpu id=\"Intel Conroe Family\"/></cluster>").unwrap();
    assert_eq!(
        c.cpu.and_then(|c| c.r#type).as_deref(),
        Some("Intel Conroe Family")
    );
    // A guest's device as 3.x wrote it, and as 4.x does.
    let v3 = ReportedDevice::from_xml(
        b"<reported_device id=\"d\"><mac address=\"00:1a:4a:16:01:51\"/>\
          <ips><ip address=\"10.0.0.5\" version=\"v4\"/></ips></reported_device>",
    )
    .unwrap();
    let v4 = ReportedDevice::from_xml(
        b"<reported_device id=\"d\"><mac><address>00:1a:4a:16:01:51</address></mac>\
          <ips><ip><address>10.0.0.5</address><version>v4</version></ip></ips></reported_device>",
    )
    .unwrap();
    for d in [&v3, &v4] {
        let mac = d.mac.as_ref().and_then(|m| m.address.as_deref());
        assert_eq!(mac, Some("00:1a:4a:16:01:51"));
        let ip = &d.ips.as_ref().unwrap()[0];
        assert_eq!(ip.address.as_deref(), Some("10.0.0.5"));
        assert_eq!(ip.version, Some(IpVersion::V4));
    }
    let version = Version::from_xml(b"<version major=\"3\" minor=\"6\" build=\"7\"/>").unwrap();
    assert_eq!(
        (version.major, version.minor, version.build),
        (Some(3), Some(6), Some(7))
    );
    // A bad number in an attribute is the same protocol error as in an element.
    let e = Version::from_xml(b"<version major=\"three\"/>").unwrap_err();
    assert!(e.to_string().contains("major"), "{e}");
}

#[test]
fn every_generated_struct_is_a_resource_of_the_services_tree() {
    use omnivirt_ovirt::Resource;
    use omnivirt_ovirt::generated::types::{Bookmark, MacPool};
    use omnivirt_ovirt::types::Object;
    // The trait view checks the root element; the inherent reader takes any root.
    let pool = <MacPool as Resource>::from_xml(
        br#"<mac_pool id="p1"><name>default</name><link rel="permissions" href="/p"/></mac_pool>"#,
    )
    .unwrap();
    assert_eq!(Object::name(&pool), Some("default"));
    assert_eq!(pool.link("permissions"), Some("/p"));
    let wrong = <MacPool as Resource>::from_xml(br#"<bookmark id="b"/>"#).unwrap_err();
    assert!(wrong.to_string().contains("<mac_pool>"), "{wrong}");
    let marks = <Bookmark as Resource>::list_from_xml(
        br#"<bookmarks><bookmark id="b1"><value>vms: up</value></bookmark></bookmarks>"#,
    )
    .unwrap();
    assert_eq!(marks[0].value.as_deref(), Some("vms: up"));
    assert_eq!(<Bookmark as Resource>::MODEL, "Bookmark");
    assert_eq!(
        Resource::to_xml(&marks[0]),
        r#"<bookmark id="b1"><value>vms: up</value></bookmark>"#
    );
}

/// A compile-time check: the generated types are `Send + Sync` in a crate at rustc's default
/// recursion limit (references are `Linked`, so the proof does not walk the whole model).
#[test]
fn generated_types_are_send_and_sync_at_the_default_recursion_limit() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let vm = Vm::default();
    send_sync(&vm);
    send_sync(&Host::default());
    send_sync(&omnivirt_ovirt::generated::types::MacPool::default());
    assert!(vm.cluster.is_none());
}

#[test]
fn references_keep_identity_and_inlined_content() {
    use omnivirt_ovirt::Resource;
    // A plain reference: identity only.
    let vm = Vm::from_xml(br#"<vm id="v"><cluster href="/c/1" id="1"/></vm>"#).unwrap();
    let c = vm.cluster.as_ref().unwrap();
    assert_eq!((c.id(), c.href()), (Some("1"), Some("/c/1")));
    assert!(!c.is_inlined());
    assert_eq!(c.object().unwrap().id.as_deref(), Some("1"));
    // Inlined (`follow=`): the name is read from the content, the rest on request.
    let vm = Vm::from_xml(
        br#"<vm><template id="t"><name>base &amp; co</name><memory>2048</memory><cluster id="c"/></template></vm>"#,
    )
    .unwrap();
    let t = vm.template.as_ref().unwrap();
    assert_eq!(t.name(), Some("base & co"));
    let full: Template = t.object().unwrap();
    assert_eq!(full.memory, Some(2048));
    assert_eq!(full.cluster.unwrap().id(), Some("c"));
    // Written back as it came.
    assert_eq!(
        vm.to_xml(),
        r#"<vm><template id="t"><name>base &amp; co</name><memory>2048</memory><cluster id="c"/></template></vm>"#
    );
    // A whole object given to send.
    let disk = Disk {
        name: Some("d".into()),
        provisioned_size: Some(1 << 30),
        ..Disk::default()
    };
    let att = DiskAttachment {
        disk: Some(Linked::of(&disk).unwrap()),
        ..DiskAttachment::default()
    };
    assert_eq!(
        Resource::to_xml(&att),
        "<disk_attachment><disk><name>d</name><provisioned_size>1073741824</provisioned_size></disk></disk_attachment>"
    );
    // Broken XML inside a reference is an error, not a panic.
    assert!(Vm::from_xml(br#"<vm><cluster id="c"><name>x</cluster></vm>"#).is_err());
}

#[test]
fn secrets_are_sent_but_never_shown() {
    use omnivirt_ovirt::generated::types::{Initialization, Ticket};
    let vm = Vm {
        name: Some("web".into()),
        initialization: Some(Box::new(Initialization {
            root_password: Some("hunter2".into()),
            custom_script: Some("#cloud-config\npassword: s3cret".into()),
            ..Initialization::default()
        })),
        ..Vm::default()
    };
    // Sent to the engine as given.
    let xml = vm.to_xml();
    assert!(
        xml.contains("<root_password>hunter2</root_password>"),
        "{xml}"
    );
    assert!(xml.contains("s3cret"), "{xml}");
    // Never in Debug or in the JSON form.
    let debug = format!("{vm:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("s3cret"),
        "{debug}"
    );
    let json = serde_json::to_string(&vm).unwrap();
    assert!(
        !json.contains("hunter2") && !json.contains("s3cret"),
        "{json}"
    );
    assert!(json.contains("\"root_password\":\"***\""), "{json}");
    // A console ticket read from the engine is kept, and hidden the same way.
    let t = Ticket::from_xml(b"<ticket><value>tkt-9</value><expiry>120</expiry></ticket>").unwrap();
    assert_eq!(t.value.as_ref().map(|v| v.expose()), Some("tkt-9"));
    assert!(!format!("{t:?}").contains("tkt-9"));
    assert!(!serde_json::to_string(&t).unwrap().contains("tkt-9"));
}
