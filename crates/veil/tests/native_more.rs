//! The native face beyond VMs: every new typed method sends the request of its table row, and the
//! new typed objects decode the vendor's samples, keep unknown values and round-trip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use omnivirt_core::ErrorKind;
use omnivirt_veil::model::{
    EntityRef, EntityStatus, Event, EventType, Iso, LibraryFile, NicDriver, Paginated, Tag, Task,
    TaskStatus, UsbAttached, User, UserId, VmachineInf,
};
use omnivirt_veil::native::{
    AdJoin, DomainBackup, FileSource, GuessAction, GuessView, IdempotencyKeys, ImportFile,
    Paginator, UsbAttach, VdiPrepare,
};
use omnivirt_veil::{Credentials, VeilClient};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const D: &str = "11111111-2222-4333-8444-555555555555";
const O: &str = "66666666-7777-4888-9999-000000000000";
const T: &str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

fn sample<T: DeserializeOwned>(name: &str) -> T {
    let p = format!(
        "{}/../../fixtures/veil/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(v: &T) {
    let text = serde_json::to_string(v).unwrap();
    let back: T = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, v);
}

async fn server(answer: Value, status: u16) -> (MockServer, VeilClient) {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(answer))
        .mount(&s)
        .await;
    let c = VeilClient::builder(s.uri())
        .credentials(Credentials::token("tok"))
        .idempotency_keys(IdempotencyKeys::Off)
        .build()
        .unwrap();
    (s, c)
}

/// The last request: method, path, query without `async=1`, body.
async fn last(s: &MockServer) -> (String, String, Vec<(String, String)>, Option<Value>) {
    let reqs = s.received_requests().await.unwrap();
    let r = reqs.last().unwrap();
    let q = r
        .url
        .query_pairs()
        .into_owned()
        .filter(|(k, v)| !(k == "async" && v == "1"))
        .collect();
    let body = (!r.body.is_empty()).then(|| serde_json::from_slice(&r.body).unwrap());
    (r.method.to_string(), r.url.path().to_owned(), q, body)
}

fn task_answer() -> Value {
    json!({"_task": {"id": T, "status": "IN_PROGRESS", "entities": {D: "domain"}}})
}

#[test]
fn samples_decode_into_the_new_types() {
    let events: Paginated<Event> = sample("events_list.json");
    let e = &events.results[0];
    assert_eq!(e.event_type, Some(EventType::Info));
    assert_eq!(e.user.as_deref(), Some("vdi_emil"));
    assert_eq!(e.entities[0].entity_class, "domain");
    assert!(e.extra.contains_key("readed"), "unknown fields are kept");
    round_trip(&events);

    let tags: Paginated<Tag> = sample("tags_list.json");
    assert_eq!(tags.count, 2);
    assert_eq!(tags.results[0].colour.as_deref(), Some("#c0ffee"));
    round_trip(&tags);

    let usb: UsbAttached = sample("domain_attach_usb_200.json");
    assert_eq!(usb.tcp_usb_devices[0].service, Some(4000));
    round_trip(&usb);

    let t: Task = sample("task_info_success.json");
    assert_eq!(t.status_kind(), TaskStatus::Success);
    assert!(t.status_kind().is_terminal());
}

#[test]
fn model_shaped_objects_tolerate_unknowns_and_gaps() {
    // Built from the Go client's field lists (no recorded sample exists for these).
    let nic: VmachineInf = serde_json::from_value(json!({
        "id": O, "mac_address": "52:54:00:00:00:01", "nic_driver": "ne2k_pci",
        "link_state": "up", "vnetwork": {"id": D, "verbose_name": "lan"}, "queues": 4
    }))
    .unwrap();
    assert_eq!(nic.nic_driver, Some(NicDriver::Other("ne2k_pci".into())));
    assert_eq!(nic.extra["queues"], 4);
    round_trip(&nic);
    let iso: Iso = serde_json::from_value(json!({
        "id": O, "status": "UPLOADING", "filename": "a.iso", "size": 1.5,
        "datapool": {"id": D, "verbose_name": "p", "type": "local"}, "domains": [], "created": "x"
    }))
    .unwrap();
    assert_eq!(iso.status, Some(EntityStatus::Other("UPLOADING".into())));
    round_trip(&iso);
    let f: LibraryFile = serde_json::from_value(json!({"id": O})).unwrap();
    assert!(f.filename.is_none() && f.datapool.is_none());
    let u: User = serde_json::from_value(json!({"id": 3, "username": "u"})).unwrap();
    assert_eq!(u.id, UserId::Number(3));
    round_trip(&u);
}

#[tokio::test]
async fn domain_actions_send_their_rows() {
    let (s, veil) = server(task_answer(), 202).await;
    let d = veil.domains();

    let a = d
        .add_to_ad(D, &AdJoin::new("ad.local", "admin", "pw").oupath("OU=x"))
        .await
        .unwrap();
    assert_eq!(a.task.unwrap().id, T);
    let (m, p, _, b) = last(&s).await;
    assert_eq!(
        (m.as_str(), p),
        ("POST", format!("/api/domains/{D}/add-to-ad/"))
    );
    assert_eq!(
        b.unwrap(),
        json!({"domainname": "ad.local", "login": "admin", "password": "pw", "restart": 1, "oupath": "OU=x"})
    );

    d.rm_from_ad(D, "admin", &"pw".into(), false).await.unwrap();
    let (_, p, _, b) = last(&s).await;
    assert_eq!(p, format!("/api/domains/{D}/rm-from-ad/"));
    assert_eq!(b.unwrap(), json!({"login": "admin", "password": "pw"}));

    d.prepare(D, &VdiPrepare::new().set_hostname(true))
        .await
        .unwrap();
    let (_, p, _, b) = last(&s).await;
    assert_eq!(p, format!("/api/domains/{D}/vdi-prepare/"));
    assert_eq!(
        b.unwrap(),
        json!({"remote_access": true, "set_hostname": true})
    );

    d.attach_usb(
        D,
        &UsbAttach::Tcp {
            host: "10.0.0.1".into(),
            service: 4000,
        },
    )
    .await
    .unwrap();
    let (_, p, _, b) = last(&s).await;
    assert_eq!(p, format!("/api/domains/{D}/attach-usb/"));
    assert_eq!(
        b.unwrap(),
        json!({"action_type": "tcp_usb_device", "tcp_usb": {"host": "10.0.0.1", "service": 4000}})
    );

    d.backup(&DomainBackup::new(D).datapool(O)).await.unwrap();
    let (_, p, _, b) = last(&s).await;
    assert_eq!(p, "/api/domains/backup/");
    assert_eq!(
        b.unwrap()["datapool"],
        O,
        "the datapool the Python client drops is sent"
    );

    d.automated_restore(O, D, None).await.unwrap();
    let (_, p, _, b) = last(&s).await;
    assert_eq!(p, "/api/domains/automated-restore/");
    assert_eq!(b.unwrap(), json!({"file": O, "node": D}));

    d.attach_veil_utils_iso(D).await.unwrap();
    let (_, p, _, b) = last(&s).await;
    assert_eq!(p, format!("/api/domains/{D}/attach-veil-utils-iso/"));
    assert!(b.is_none());

    let o = d.migrate(D, O).await.unwrap();
    assert_eq!(o.task.unwrap().id, T);
    let (_, p, _, b) = last(&s).await;
    assert_eq!(p, format!("/api/domains/{D}/migrate/"));
    assert_eq!(b.unwrap(), json!({"node": O}));

    d.guess_action(D, GuessAction::Safety, Some(&json!({"safety": true})))
        .await
        .unwrap();
    let (_, p, _, _) = last(&s).await;
    assert_eq!(p, format!("/api/domains/{D}/safety/"));

    // attach-iso: the body a public SpaceVM client sends, `{iso, cdrom}`; without a drive, `{iso}`.
    let o = d.attach_iso_to(D, O, Some(T)).await.unwrap();
    assert_eq!(o.task.unwrap().id, T);
    let (m, p, _, b) = last(&s).await;
    assert_eq!(m, "POST");
    assert_eq!(p, format!("/api/domains/{D}/attach-iso/"));
    assert_eq!(b.unwrap(), json!({"iso": O, "cdrom": T}));
    d.attach_iso(D, O).await.unwrap();
    let (_, _, _, b) = last(&s).await;
    assert_eq!(b.unwrap(), json!({"iso": O}));
    let bad = d.attach_iso_to(D, O, Some("../x")).await.unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn synchronous_answers_are_typed() {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/domains/{D}/attach-usb/")))
        .and(query_param("async", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "tcp_usb_devices": [{"host": "h", "service": 1, "uuid": O}]
        })))
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/domains/{D}/guest-command/")))
        .and(body_json(json!({
            "qemu_cmd": "guest-exec",
            "fargs": {"path": "powershell.exe", "arg": ["(Get-WmiObject Win32_ComputerSystem).PartOfDomain"]},
            "timeout": 5
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"guest-exec": {"out-data": "True\r\n"}})),
        )
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/vdisks/{O}/extend/")))
        .and(body_json(json!({"size": 20.0})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": O, "size": 20.0})))
        .mount(&s)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/iso/"))
        .and(body_json(json!({"datapool": D, "url": "http://x/a.iso"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": O, "status": "CREATING", "upload_url": "/upload/x/"})),
        )
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/users/7/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": 7, "username": "admin"})),
        )
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/tags/{O}/")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": O, "verbose_name": "t", "colour": "#ffffff",
            "ui_entities": [{"entity_uuid": D, "entity_class": "domain", "entity_name": "web"}]
        })))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/events/"))
        .and(query_param("type", "error"))
        .and(query_param("limit", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "next": null, "previous": null,
            "results": [{"id": O, "type": "critical", "message": "m"}]
        })))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/swagger/"))
        .and(query_param("format", "openapi"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"swagger": "2.0"})))
        .mount(&s)
        .await;
    let veil = VeilClient::builder(s.uri())
        .credentials(Credentials::token("tok"))
        .idempotency_keys(IdempotencyKeys::Off)
        .build()
        .unwrap();

    let usb = veil
        .domains()
        .attach_usb_now(
            D,
            &UsbAttach::Tcp {
                host: "h".into(),
                service: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(usb.tcp_usb_devices[0].uuid.as_deref(), Some(O));
    assert!(veil.domains().is_in_ad(D).await.unwrap());
    assert_eq!(
        veil.vdisks().extend(O, 20.0).await.unwrap().size,
        Some(20.0)
    );
    let iso = veil
        .isos()
        .create(D, &FileSource::Url("http://x/a.iso".into()))
        .await
        .unwrap();
    assert_eq!(iso.upload_url.as_deref(), Some("/upload/x/"));
    assert_eq!(veil.users().get("7").await.unwrap().id, UserId::Number(7));
    let tag = veil.tags().get(O).await.unwrap();
    assert_eq!(
        tag.ui_entities[0],
        serde_json::from_value::<EntityRef>(
            json!({"entity_uuid": D, "entity_class": "domain", "entity_name": "web"})
        )
        .unwrap()
    );
    let page = veil
        .events()
        .list(None, Some("error"), &Paginator::new().limit(5))
        .await
        .unwrap();
    assert_eq!(
        page.results[0].event_type,
        Some(EventType::Other("critical".into()))
    );
    assert_eq!(veil.swagger().await.unwrap()["swagger"], "2.0");
    // Bad input is refused before sending.
    let before = s.received_requests().await.unwrap().len();
    assert_eq!(
        veil.vdisks().extend(O, -1.0).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        veil.library()
            .import_file(O, &ImportFile::new(" "))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        veil.domains()
            .guess_view("../x", GuessView::Consoles)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(s.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn catalog_reads_send_their_rows() {
    let page = json!({"count": 0, "next": null, "previous": null, "results": []});
    let (s, veil) = server(page.clone(), 200).await;
    let p = Paginator::new().limit(2);
    veil.controllers().list(&p).await.unwrap();
    assert_eq!(last(&s).await.1, "/api/controllers/");
    veil.library().list(Some(D), None, &p).await.unwrap();
    let (_, path, q, _) = last(&s).await;
    assert_eq!(path, "/api/library/");
    assert!(q.contains(&("domain".into(), D.into())));
    veil.domains().backup_list(D, &p).await.unwrap();
    assert_eq!(last(&s).await.1, "/api/library/");
    veil.tags().of_entity(D, "domain", &p).await.unwrap();
    let (_, path, q, _) = last(&s).await;
    assert_eq!(path, "/api/tags/");
    assert!(q.contains(&("entity_class".into(), "domain".into())));
    veil.datacenters().list(&p).await.unwrap();
    assert_eq!(last(&s).await.1, "/api/datacenters/");
    veil.vnetworks().list(&p).await.unwrap();
    assert_eq!(last(&s).await.1, "/api/vnetworks/");
    veil.vmachine_infs().list(&p).await.unwrap();
    assert_eq!(last(&s).await.1, "/api/vmachine-infs/");
    veil.isos().list(Some(D), &p).await.unwrap();
    assert_eq!(last(&s).await.1, "/api/iso/");

    // Plain-JSON answers.
    let (s, veil) = server(json!({"ok": 1}), 200).await;
    veil.nodes().usage(D).await.unwrap();
    assert_eq!(last(&s).await.1, format!("/api/nodes/{D}/usage/"));
    veil.nodes().usb_devices(D).await.unwrap();
    assert_eq!(last(&s).await.1, format!("/api/nodes/{D}/usb-devices/"));
    veil.clusters().usage(D).await.unwrap();
    assert_eq!(last(&s).await.1, format!("/api/clusters/{D}/usage/"));
    veil.controllers().system_time().await.unwrap();
    assert_eq!(last(&s).await.1, "/api/controllers/system-time/");
    veil.tasks().check_all().await.unwrap();
    assert_eq!(last(&s).await.0, "PUT");
    veil.tasks().jid(T).await.unwrap();
    assert_eq!(last(&s).await.1, format!("/api/tasks/{T}/jid/"));
    veil.library().download(O).await.unwrap();
    assert_eq!(
        (last(&s).await.0, last(&s).await.1),
        ("PUT".into(), format!("/api/library/{O}/download/"))
    );
    veil.isos().remove(O).await.unwrap();
    assert_eq!(
        (last(&s).await.0, last(&s).await.1),
        ("POST".into(), format!("/api/iso/{O}/remove/"))
    );
    veil.domains().show_backup(O).await.unwrap();
    assert_eq!(last(&s).await.3.unwrap(), json!({"file": O}));
    veil.domains()
        .cloud_init(D, true, Some("#cloud-config"), None)
        .await
        .unwrap();
    let (m, path, _, b) = last(&s).await;
    assert_eq!(
        (m.as_str(), path),
        ("PUT", format!("/api/domains/{D}/cloud-init/"))
    );
    assert_eq!(
        b.unwrap(),
        json!({"cloud_init": true, "cloud_init_config": {"user_data": "#cloud-config", "meta_data": ""}})
    );
    veil.tags()
        .tag_entity(
            O,
            &serde_json::from_value(json!({"entity_uuid": D, "entity_class": "domain"})).unwrap(),
            false,
        )
        .await
        .unwrap();
    let (_, path, _, b) = last(&s).await;
    assert_eq!(path, format!("/api/tags/{O}/remove-entity/"));
    assert_eq!(
        b.unwrap(),
        json!({"entity_uuid": D, "entity_class": "domain"})
    );
    veil.library()
        .create(D, &FileSource::Upload("b.qcow2".into()))
        .await
        .unwrap_err(); // {"ok": 1} is not a library file: a Protocol error
    let mut create = serde_json::Map::new();
    create.insert("verbose_name".into(), json!("v"));
    let err = veil.domains().create_now(&create).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn the_skin_answers_endpoints_it_lacks_with_the_vendor_error() {
    use std::sync::Arc;

    use omnivirt_sim::skins::veil::VeilSkin;
    use omnivirt_sim::{SimTransport, World};

    let world = Arc::new(World::default());
    let transport = Arc::new(SimTransport::new(world, Arc::new(VeilSkin::new())));
    let url = format!("{}/veil", SimTransport::BASE_URL);
    let veil = VeilClient::new(&url, transport, Credentials::password("admin", "admin")).unwrap();
    let err = veil.isos().list(None, &Paginator::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("URL is not found"), "{err}");
    // What it serves works through the same typed path.
    let clusters = veil.clusters().list(&Paginator::new()).await.unwrap();
    assert!(!clusters.results.is_empty());
    assert_eq!(veil.base_version().await.unwrap(), "4.6.0");
}
