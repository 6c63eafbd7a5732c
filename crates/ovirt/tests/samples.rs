//! Every shared engine sample decodes, and its conversion to the neutral model is pinned with an
//! insta snapshot (native object and neutral model side by side).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use omnivirt_ovirt::types::{
    Action, Api, BootDevice, Cluster, DataCenter, Disk, DiskAttachment, Event, Host, Job, Object,
    StorageDomain, Template, Vm, VmStatus,
};
use omnivirt_ovirt::{convert, fault_from_xml};
use serde_json::{Value, json};

fn sample(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../fixtures/ovirt/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn vms_list_v4() {
    let vms = Vm::list_from_xml(&sample("vms-list-v4.xml")).unwrap();
    assert_eq!(vms.len(), 2);
    let model: Vec<_> = vms
        .iter()
        .map(|v| convert::vm(v.clone()).unwrap())
        .collect();
    insta::assert_json_snapshot!(
        "vms_list_v4",
        json!({"native": to_json(&vms), "model": to_json(&model)})
    );
}

#[test]
fn vm_v4_links_actions_and_model() {
    let vm = Vm::from_xml(&sample("vm-v4.xml")).unwrap();
    assert_eq!(vm.status, Some(VmStatus::Up));
    assert_eq!(vm.actions().len(), 19);
    assert!(vm.has_action("start"));
    assert_eq!(
        vm.link("diskattachments"),
        Some("/ovirt-engine/api/vms/0d37ca3b-cdbc-4b78-b0b9-7cd71ddc7e35/diskattachments")
    );
    assert_eq!(vm.links.len(), 16);
    let model = convert::vm(vm.clone()).unwrap();
    assert_eq!(model.vcpus, Some(8));
    assert_eq!(model.memory_bytes, Some(1 << 30));
    insta::assert_json_snapshot!(
        "vm_v4",
        json!({"native": to_json(&vm), "model": to_json(&model)})
    );
}

#[test]
fn vm_all_content_v4() {
    let vm = Vm::from_xml(&sample("vm-all-content-v4.xml")).unwrap();
    let model = convert::vm(vm.clone()).unwrap();
    insta::assert_json_snapshot!(
        "vm_all_content_v4",
        json!({"native": to_json(&vm), "model": to_json(&model)})
    );
}

#[test]
fn vm_v36_reads_into_the_same_types() {
    let vm = Vm::from_xml(&sample("vm-v3.6.xml")).unwrap();
    assert_eq!(vm.status, Some(VmStatus::Down));
    let topo = vm.cpu.as_ref().unwrap().topology.as_ref().unwrap();
    assert_eq!(
        (topo.sockets, topo.cores, topo.threads),
        (Some(1), Some(1), Some(1))
    );
    let os = vm.os.as_ref().unwrap();
    assert_eq!(os.r#type.as_deref(), Some("other"));
    let boot = os.boot.as_ref().and_then(|b| b.devices.clone());
    assert_eq!(boot, Some(vec![BootDevice::Hd]));
    assert!(vm.link("disks").is_some(), "3.x VMs link `disks`");
    let model = convert::vm(vm.clone()).unwrap();
    assert_eq!(model.state, omnivirt_core::VmState::Stopped);
    insta::assert_json_snapshot!(
        "vm_v36",
        json!({"native": to_json(&vm), "model": to_json(&model)})
    );
}

#[test]
fn api_root_v36() {
    let api = Api::from_xml(&sample("api-root-v3.6.xml")).unwrap();
    let v = api.product_version().unwrap();
    assert_eq!((v.major, v.minor), (Some(3), Some(6)));
    assert_eq!(v.full_version.as_deref(), Some("3.6.7_master"));
    assert_eq!(api.summary_of("vms").unwrap().total, Some(4));
    assert!(api.link("vms").is_some());
    // 3.6 names its special objects by link; 4.x by element.
    assert_eq!(
        api.blank_template_id(),
        Some("00000000-0000-0000-0000-000000000000")
    );
    assert_eq!(
        api.root_tag_id(),
        Some("00000000-0000-0000-0000-000000000000")
    );
    let v4 = Api::from_xml(
        b"<api><special_objects><blank_template id=\"b4\"/><root_tag id=\"r4\"/></special_objects>\
          <product_info><name>oVirt Engine</name><version><full_version>4.5.6</full_version></version></product_info></api>",
    )
    .unwrap();
    assert_eq!(
        (v4.blank_template_id(), v4.root_tag_id()),
        (Some("b4"), Some("r4"))
    );
    assert_eq!(v4.product_name(), Some("oVirt Engine"));
    assert_eq!(
        v4.product_version().unwrap().full_version.as_deref(),
        Some("4.5.6")
    );
    insta::assert_json_snapshot!("api_root_v36", to_json(&api));
}

#[test]
fn hosts() {
    let hosts = Host::list_from_xml(&sample("hosts-list-v4.xml")).unwrap();
    let host = Host::from_xml(&sample("host-v4.xml")).unwrap();
    assert_eq!(host.memory, Some(16_654_532_608));
    assert_eq!(
        host.spm
            .as_ref()
            .and_then(|s| s.status.as_ref())
            .map(|s| s.as_str()),
        Some("spm")
    );
    let model: Vec<_> = hosts
        .iter()
        .chain([&host])
        .map(|h| convert::host(h).unwrap())
        .collect();
    assert_eq!(model[2].cpu_threads, Some(8));
    insta::assert_json_snapshot!(
        "hosts",
        json!({"list": to_json(&hosts), "one": to_json(&host), "model": to_json(&model)})
    );
}

#[test]
fn clusters_and_data_centers() {
    let list = Cluster::list_from_xml(&sample("clusters-list-v4.xml")).unwrap();
    let one = Cluster::from_xml(&sample("cluster-v4.xml")).unwrap();
    let dcs = DataCenter::list_from_xml(&sample("datacenters-list-v4.xml")).unwrap();
    assert_eq!(dcs.len(), 2);
    let model: Vec<_> = list
        .iter()
        .chain([&one])
        .map(|c| convert::cluster(c).unwrap())
        .collect();
    insta::assert_json_snapshot!(
        "clusters",
        json!({"list": to_json(&list), "one": to_json(&one), "data_centers": to_json(&dcs), "model": to_json(&model)})
    );
}

#[test]
fn disks_and_attachments() {
    let disks = Disk::list_from_xml(&sample("disks-list-v4.xml")).unwrap();
    assert_eq!(disks.len(), 9);
    let atts = DiskAttachment::list_from_xml(&sample("vm-diskattachments-v4.xml")).unwrap();
    assert_eq!(atts.len(), 3);
    assert_eq!(
        atts[0].id,
        atts[0].disk.as_ref().unwrap().id().map(str::to_owned),
        "attachment id is the disk id"
    );
    let doc = DiskAttachment::from_xml(&sample("diskattachment-doc-example.xml")).unwrap();
    assert_eq!(doc.bootable, Some(true));
    let model: Vec<_> = disks.iter().map(|d| convert::disk(d).unwrap()).collect();
    insta::assert_json_snapshot!(
        "disks",
        json!({"disks": to_json(&disks), "attachments": to_json(&atts), "doc_attachment": to_json(&doc), "model": to_json(&model)})
    );
}

#[test]
fn storage_domains_and_templates() {
    let sds = StorageDomain::list_from_xml(&sample("storagedomains-list-v4.xml")).unwrap();
    assert_eq!(sds[0].available, Some(187_904_819_200));
    let tpls = Template::list_from_xml(&sample("templates-list-v4.xml")).unwrap();
    assert_eq!(tpls[0].name.as_deref(), Some("Blank"));
    insta::assert_json_snapshot!(
        "storage_templates",
        json!({"storage_domains": to_json(&sds), "templates": to_json(&tpls)})
    );
}

#[test]
fn jobs_events_faults_actions() {
    let job = Job::from_xml(&sample("job-doc-example.xml")).unwrap();
    assert_eq!(job.status, Some(omnivirt_ovirt::types::JobStatus::Failed));
    assert_eq!(job.description.as_deref(), Some("Adding Disk"));
    // Jobs are the generated type (no serde): the snapshot holds their neutral form, the task.
    let task = convert::task(&job).unwrap();
    assert_eq!(task.state, omnivirt_core::TaskState::Failed);
    let events = Event::list_from_xml(&sample("events-list-doc-example.xml")).unwrap();
    assert_eq!(events[0].code, Some(31));
    assert_eq!(
        events[0].severity,
        Some(omnivirt_ovirt::types::LogSeverity::Normal)
    );
    assert_eq!(events[0].custom_id, Some(-1));
    assert_eq!(
        events[0].user.as_ref().and_then(|u| u.id()),
        Some("57d91d48-00da-0137-0138-000000000244")
    );
    // Events are the generated type (no serde): the snapshot holds their neutral form.
    let events: Vec<_> = events.iter().map(|e| convert::event(e).unwrap()).collect();
    let fault = fault_from_xml(&sample("fault-doc-example.xml")).unwrap();
    assert_eq!(fault.reason.as_deref(), Some("Incomplete parameters"));
    let action = Action::from_xml(&sample("action-fault-sdk-test.xml")).unwrap();
    assert_eq!(
        action.fault.as_ref().unwrap().detail.as_deref(),
        Some("mydetail")
    );
    let start = Action::from_xml(&sample("action-start-request-doc-example.xml")).unwrap();
    let vm = start.vm.as_ref().unwrap().object().unwrap();
    let os = vm.os.as_ref().unwrap();
    let boot = os.boot.as_ref().and_then(|b| b.devices.clone());
    assert_eq!(boot, Some(vec![BootDevice::Cdrom]));
    // What we write for that request reads back the same.
    assert_eq!(Action::from_xml(start.to_xml().as_bytes()).unwrap(), start);
    insta::assert_json_snapshot!(
        "jobs_events_faults",
        json!({
            "task": to_json(&task), "events": to_json(&events),
            "fault": to_json(&fault), "action_fault": to_json(&action), "start_request": to_json(&start)
        })
    );
}
