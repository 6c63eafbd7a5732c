//! `VmSpec::storage` on oVirt: the template's disks go to the storage domain through the
//! `<disk_attachments>` of `POST /vms`, and a wrong domain fails before anything is created.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures::TryStreamExt;
use http::{HeaderMap, Method, StatusCode};
use omnivirt_core::{Backend, Client, ErrorKind, ListQuery, VmSpec};
use omnivirt_http::{Request, Response, RetryPolicy, Transport};
use omnivirt_ovirt::{Connection, OvirtBackend};
use omnivirt_sim::skins::ovirt::OvirtSkin;
use omnivirt_sim::{SimTransport, World, WorldConfig};

/// A fake engine: a template `t-1` with two disks, a storage domain `sd-1`, and a `POST /vms`
/// that answers a new VM; every request is kept with its body.
#[derive(Debug, Default)]
struct Engine {
    seen: Mutex<Vec<(Method, String, String)>>,
}

const TEMPLATE_DISKS: &str = r#"<disk_attachments>
  <disk_attachment href="/ovirt-engine/api/templates/t-1/diskattachments/d-1" id="d-1">
    <bootable>true</bootable><interface>virtio_scsi</interface><disk id="d-1"/>
  </disk_attachment>
  <disk_attachment id="d-2"><interface>virtio</interface><disk id="d-2"/></disk_attachment>
</disk_attachments>"#;

fn xml(status: StatusCode, body: &str) -> Response {
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/xml".parse().unwrap());
    Response::new(status, h, body.to_owned())
}

#[async_trait]
impl Transport for Engine {
    async fn send(&self, req: Request) -> omnivirt_core::Result<Response> {
        let path = req.path().trim_end_matches('/').to_owned();
        let body = String::from_utf8_lossy(&req.body).into_owned();
        self.seen
            .lock()
            .unwrap()
            .push((req.method.clone(), path.clone(), body));
        let resp = match (req.method.clone(), path.as_str()) {
            (Method::GET, p) if p.ends_with("/templates/t-1/diskattachments") => {
                xml(StatusCode::OK, TEMPLATE_DISKS)
            }
            (Method::GET, p) if p.ends_with("/templates/t-0/diskattachments") => {
                xml(StatusCode::OK, "<disk_attachments/>")
            }
            (Method::GET, p) if p.ends_with("/storagedomains/sd-1") => xml(
                StatusCode::OK,
                r#"<storage_domain id="sd-1"><name>data</name></storage_domain>"#,
            ),
            (Method::POST, p) if p.ends_with("/vms") => xml(
                StatusCode::CREATED,
                r#"<vm id="vm-1"><name>web</name><status>down</status></vm>"#,
            ),
            (Method::GET, p) if p.ends_with("/jobs") => xml(StatusCode::OK, "<jobs/>"),
            _ => Response::new(StatusCode::NOT_FOUND, HeaderMap::new(), String::new()),
        };
        Ok(resp)
    }
}

fn backend(engine: Arc<Engine>) -> OvirtBackend {
    let conn = Connection::builder("https://engine.test/ovirt-engine/api")
        .token("tok")
        .retry(RetryPolicy::never())
        .transport(engine)
        .build()
        .unwrap();
    OvirtBackend::new(conn)
}

#[tokio::test]
async fn each_template_disk_is_copied_onto_the_named_storage_domain() {
    let engine = Arc::new(Engine::default());
    let b = backend(engine.clone());
    let spec = VmSpec::new("web", "c-1").template("t-1").storage("sd-1");
    b.create_vm(&spec).await.unwrap();
    let seen = engine.seen.lock().unwrap().clone();
    let posts: Vec<_> = seen.iter().filter(|(m, _, _)| m == Method::POST).collect();
    assert_eq!(posts.len(), 1, "{seen:?}");
    let body = &posts[0].2;
    for disk in ["d-1", "d-2"] {
        let attachment = format!(
            r#"<disk_attachment><disk id="{disk}"><storage_domains><storage_domain id="sd-1"></storage_domain></storage_domains></disk></disk_attachment>"#
        );
        assert!(body.contains(&attachment), "{disk} not placed: {body}");
    }
    assert!(body.contains(r#"<template id="t-1"></template>"#), "{body}");
    // The template's disks were read before the VM was posted.
    let first_post = seen.iter().position(|(m, _, _)| m == Method::POST).unwrap();
    assert!(
        seen[..first_post]
            .iter()
            .any(|(_, p, _)| p.ends_with("/templates/t-1/diskattachments")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_template_without_disks_checks_the_domain_and_places_nothing() {
    let engine = Arc::new(Engine::default());
    let b = backend(engine.clone());
    b.create_vm(&VmSpec::new("web", "c-1").template("t-0").storage("sd-1"))
        .await
        .unwrap();
    let seen = engine.seen.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|(_, p, _)| p.ends_with("/storagedomains/sd-1"))
    );
    let post = seen.iter().find(|(m, _, _)| m == Method::POST).unwrap();
    assert!(!post.2.contains("disk_attachments"), "{}", post.2);

    // A domain the engine does not know: NotFound, and no VM posted.
    let engine = Arc::new(Engine::default());
    let b = backend(engine.clone());
    let e = b
        .create_vm(&VmSpec::new("web", "c-1").storage("sd-404"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    let seen = engine.seen.lock().unwrap().clone();
    assert!(seen.iter().all(|(m, _, _)| m != Method::POST), "{seen:?}");
}

#[tokio::test]
async fn over_the_simulator_a_storage_domain_is_accepted_and_a_wrong_one_refused() {
    let w = Arc::new(World::new(WorldConfig::builder().vms(1).build()));
    let t = SimTransport::new(w.clone(), Arc::new(OvirtSkin::new()));
    let conn = Connection::builder("http://engine.sim/ovirt-engine/api")
        .username("admin@internal")
        .password("admin")
        .retry(RetryPolicy::never())
        .transport(Arc::new(t))
        .build()
        .unwrap();
    let c = Client::new(Arc::new(OvirtBackend::new(conn)));
    let cluster = all(c.clusters().list(ListQuery::new())).await[0].id.clone();
    let pool = all(c.storage_pools().list(ListQuery::new())).await[0]
        .id
        .clone();
    let tpl = all(c.templates().list(ListQuery::new()))
        .await
        .into_iter()
        .find(|t| t.name != "Blank")
        .unwrap()
        .id;
    let spec = VmSpec::new("placed", cluster.clone())
        .template(tpl.as_str())
        .storage(pool.clone());
    c.vms().create(&spec).await.unwrap().wait().await.unwrap();
    let before = w.summary().vms;
    let e = c
        .vms()
        .create(&VmSpec::new("misplaced", cluster).storage("sd-unknown"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert_eq!(w.summary().vms, before);
}

/// Every item of a listing.
async fn all<T>(items: impl futures::Stream<Item = omnivirt_core::Result<T>>) -> Vec<T> {
    items.try_collect().await.unwrap()
}
