//! The endpoints beyond VMs and their placement: controllers, events, the library, ISO images,
//! data centers, users, virtual networks and NICs, the swagger document, and the smaller
//! endpoints of nodes, clusters, disks, tasks and tags. Every method goes through
//! [`VeilClient::call`] (the shared, non-generic request path).

use std::marker::PhantomData;

use http::Method;
use omnivirt_core::{Error, Op, Result};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::Paginator;
use super::client::{VeilClient, typed};
use super::domains::check_id;
use super::extras::Tags;
use super::resources::{Clusters, Nodes, VDisks};
use super::tasks::Tasks;
use crate::VENDOR;
use crate::wire::{
    Accepted, Controller, Datacenter, EntityRef, Event, Iso, LibraryFile, Paginated, Tag, User,
    VDisk, VNetwork, VmachineInf,
};

fn query(pairs: &[(&str, Option<&str>)], page: &Paginator) -> Result<Vec<(String, String)>> {
    page.validate()?;
    let mut q: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), v.to_owned())))
        .collect();
    q.extend(page.query());
    Ok(q)
}

impl VeilClient {
    /// `GET <path>` through [`VeilClient::call`], typed.
    async fn fetch<T: DeserializeOwned>(&self, path: &str, q: &[(String, String)]) -> Result<T> {
        let v = self.call(Method::GET, path, q, None, None).await?;
        typed(path, v)
    }

    /// An action that answers 202 with a task, through [`VeilClient::post_action`].
    async fn act(&self, path: &str, body: Option<&Value>) -> Result<Accepted> {
        self.post_action(path, body, None).await
    }

    /// Controllers (`/api/controllers/`).
    pub fn controllers(&self) -> Controllers {
        Controllers {
            client: self.clone(),
        }
    }
    /// The event journal (`/api/events/`).
    pub fn events(&self) -> Events {
        Events {
            client: self.clone(),
        }
    }
    /// Library files: backups and images (`/api/library/`).
    pub fn library(&self) -> Library {
        Library {
            client: self.clone(),
        }
    }
    /// ISO images (`/api/iso/`).
    pub fn isos(&self) -> Isos {
        Isos {
            client: self.clone(),
        }
    }
    /// Data centers (`/api/datacenters/`).
    pub fn datacenters(&self) -> Catalog<Datacenter> {
        Catalog::new(self.clone(), "datacenters/")
    }
    /// Controller users (`/api/users/`; integer ids).
    pub fn users(&self) -> Catalog<User> {
        Catalog::new(self.clone(), "users/")
    }
    /// Virtual networks (`/api/vnetworks/`).
    pub fn vnetworks(&self) -> Catalog<VNetwork> {
        Catalog::new(self.clone(), "vnetworks/")
    }
    /// VM network interfaces (`/api/vmachine-infs/`).
    pub fn vmachine_infs(&self) -> Catalog<VmachineInf> {
        Catalog::new(self.clone(), "vmachine-infs/")
    }
    /// The controller's own OpenAPI (swagger 2) document, `GET swagger/?format=openapi`.
    pub async fn swagger(&self) -> Result<Value> {
        let q = [("format".to_owned(), "openapi".to_owned())];
        self.call(Method::GET, "swagger/", &q, None, None).await
    }
}

/// A collection the API only reads: one page, or one object by id.
#[derive(Debug, Clone)]
pub struct Catalog<T> {
    client: VeilClient,
    prefix: &'static str,
    item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Catalog<T> {
    fn new(client: VeilClient, prefix: &'static str) -> Self {
        Catalog {
            client,
            prefix,
            item: PhantomData,
        }
    }
    /// One page.
    pub async fn list(&self, page: &Paginator) -> Result<Paginated<T>> {
        self.client.fetch(self.prefix, &query(&[], page)?).await
    }
    /// One object (user ids are integers: pass their text).
    pub async fn get(&self, id: &str) -> Result<T> {
        let id = check_id(id)?;
        self.client
            .fetch(&format!("{}{id}/", self.prefix), &[])
            .await
    }
    /// One page narrowed by query filters, e.g. `domain=<uuid>` on `vmachine-infs/` (a filter
    /// the server does not know is ignored by it: check the results).
    pub async fn list_where(
        &self,
        filters: &[(&str, Option<&str>)],
        page: &Paginator,
        op: Option<Op>,
    ) -> Result<Paginated<T>> {
        let v = self
            .client
            .call(Method::GET, self.prefix, &query(filters, page)?, None, op)
            .await?;
        typed(self.prefix, v)
    }
    /// One page, errors naming `op` (the uniform backend's reads).
    pub(crate) async fn list_for(&self, page: &Paginator, op: Op) -> Result<Paginated<T>> {
        let v = self
            .client
            .call(Method::GET, self.prefix, &query(&[], page)?, None, Some(op))
            .await?;
        typed(self.prefix, v)
    }
    /// One object, errors naming `op`.
    pub(crate) async fn get_for(&self, id: &str, op: Op) -> Result<T> {
        let path = format!("{}{}/", self.prefix, check_id(id)?);
        let v = self
            .client
            .call(Method::GET, &path, &[], None, Some(op))
            .await?;
        typed(&path, v)
    }
}

/// The controller service.
#[derive(Debug, Clone)]
pub struct Controllers {
    client: VeilClient,
}

impl Controllers {
    /// One page of controllers.
    pub async fn list(&self, page: &Paginator) -> Result<Paginated<Controller>> {
        self.client.fetch("controllers/", &query(&[], page)?).await
    }
    /// One controller.
    pub async fn get(&self, id: &str) -> Result<Controller> {
        let id = check_id(id)?;
        self.client.fetch(&format!("controllers/{id}/"), &[]).await
    }
    /// `system-time/`: the controller's clock and time zone settings.
    pub async fn system_time(&self) -> Result<Value> {
        self.client.fetch("controllers/system-time/", &[]).await
    }
}

/// The event journal.
#[derive(Debug, Clone)]
pub struct Events {
    client: VeilClient,
}

impl Events {
    /// One page of events; `user` and `event_type` (`info`, `warning`, `error`) filter.
    pub async fn list(
        &self,
        user: Option<&str>,
        event_type: Option<&str>,
        page: &Paginator,
    ) -> Result<Paginated<Event>> {
        let q = query(&[("user", user), ("type", event_type)], page)?;
        self.client.fetch("events/", &q).await
    }
    /// One page of events, errors naming `op`.
    pub(crate) async fn list_for(&self, page: &Paginator, op: Op) -> Result<Paginated<Event>> {
        let v = self
            .client
            .call(Method::GET, "events/", &query(&[], page)?, None, Some(op))
            .await?;
        typed("events/", v)
    }
    /// One event.
    pub async fn get(&self, id: &str) -> Result<Event> {
        let id = check_id(id)?;
        self.client.fetch(&format!("events/{id}/"), &[]).await
    }
}

/// Where the content of a new library file or ISO image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileSource {
    /// The controller downloads it from this URL.
    Url(String),
    /// The caller uploads it later to the answer's `upload_url`, under this file name.
    Upload(String),
}

fn file_body(datapool: &str, source: &FileSource) -> Result<Value> {
    let datapool = check_id(datapool)?;
    Ok(match source {
        FileSource::Url(u) => json!({"datapool": datapool, "url": u}),
        FileSource::Upload(f) => json!({"datapool": datapool, "filename": f}),
    })
}

/// `PUT <path>` through [`VeilClient::call`], typed.
async fn put_typed<T: DeserializeOwned>(
    client: &VeilClient,
    path: &str,
    body: &Value,
) -> Result<T> {
    let v = client
        .call(Method::PUT, path, &[], Some(body), None)
        .await?;
    typed(path, v)
}

/// The library: backups and images in data pools.
#[derive(Debug, Clone)]
pub struct Library {
    client: VeilClient,
}

/// `{id}/import-file/`: a library file into a virtual disk.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportFile {
    /// Name of the new disk.
    pub verbose_name: String,
    /// Delete the file afterwards.
    pub with_deletion: Option<bool>,
    /// Preallocate the disk.
    pub preallocate: Option<bool>,
    /// Data pool of the disk (the file's own by default).
    pub datapool: Option<String>,
}

impl ImportFile {
    /// A disk named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        ImportFile {
            verbose_name: name.into(),
            with_deletion: None,
            preallocate: None,
            datapool: None,
        }
    }
    /// Into this data pool.
    pub fn datapool(mut self, id: impl Into<String>) -> Self {
        self.datapool = Some(id.into());
        self
    }
    /// Delete the file once imported.
    pub fn with_deletion(mut self, yes: bool) -> Self {
        self.with_deletion = Some(yes);
        self
    }
    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut b = Map::new();
        b.insert("verbose_name".into(), json!(self.verbose_name));
        if let Some(v) = self.with_deletion {
            b.insert("with_deletion".into(), json!(v));
        }
        if let Some(v) = self.preallocate {
            b.insert("preallocate".into(), json!(v));
        }
        if let Some(v) = &self.datapool {
            b.insert("datapool".into(), json!(v));
        }
        Value::Object(b)
    }
}

impl Library {
    /// One page of files; `domain` = that VM's backups, `datapool` = that pool's files.
    pub async fn list(
        &self,
        domain: Option<&str>,
        datapool: Option<&str>,
        page: &Paginator,
    ) -> Result<Paginated<LibraryFile>> {
        let q = query(&[("domain", domain), ("datapool", datapool)], page)?;
        self.client.fetch("library/", &q).await
    }
    /// One file.
    pub async fn get(&self, id: &str) -> Result<LibraryFile> {
        let id = check_id(id)?;
        self.client.fetch(&format!("library/{id}/"), &[]).await
    }
    /// `PUT library/`: registers a file in a data pool (its `upload_url` takes an upload).
    pub async fn create(&self, datapool: &str, source: &FileSource) -> Result<LibraryFile> {
        put_typed(&self.client, "library/", &file_body(datapool, source)?).await
    }
    /// `{id}/import-file/`: the file into a new virtual disk (read it from the task's response).
    pub async fn import_file(&self, id: &str, spec: &ImportFile) -> Result<Accepted> {
        let id = check_id(id)?;
        if spec.verbose_name.trim().is_empty() {
            return Err(Error::invalid_input("an imported disk needs a name").with_vendor(VENDOR));
        }
        self.client
            .act(&format!("library/{id}/import-file/"), Some(&spec.body()))
            .await
    }
    /// `PUT {id}/download/`: an answer carrying its `download_url`.
    pub async fn download(&self, id: &str) -> Result<Value> {
        let id = check_id(id)?;
        let path = format!("library/{id}/download/");
        self.client.call(Method::PUT, &path, &[], None, None).await
    }
    /// `{id}/remove/`.
    pub async fn remove(&self, id: &str) -> Result<Value> {
        let id = check_id(id)?;
        let path = format!("library/{id}/remove/");
        self.client.call(Method::POST, &path, &[], None, None).await
    }
}

/// ISO images.
#[derive(Debug, Clone)]
pub struct Isos {
    client: VeilClient,
}

impl Isos {
    /// One page of images; `datapool` filters.
    pub async fn list(&self, datapool: Option<&str>, page: &Paginator) -> Result<Paginated<Iso>> {
        let q = query(&[("datapool", datapool)], page)?;
        self.client.fetch("iso/", &q).await
    }
    /// One image, with its upload and download URLs.
    pub async fn get(&self, id: &str) -> Result<Iso> {
        let id = check_id(id)?;
        self.client.fetch(&format!("iso/{id}/"), &[]).await
    }
    /// `PUT iso/`: registers an image; from a URL, poll [`Isos::get`] until it is ACTIVE.
    pub async fn create(&self, datapool: &str, source: &FileSource) -> Result<Iso> {
        put_typed(&self.client, "iso/", &file_body(datapool, source)?).await
    }
    /// `PUT {id}/download/`: an answer carrying its `download_url`.
    pub async fn download(&self, id: &str) -> Result<Value> {
        let id = check_id(id)?;
        let path = format!("iso/{id}/download/");
        self.client.call(Method::PUT, &path, &[], None, None).await
    }
    /// `{id}/remove/`.
    pub async fn remove(&self, id: &str) -> Result<Value> {
        let id = check_id(id)?;
        let path = format!("iso/{id}/remove/");
        self.client.call(Method::POST, &path, &[], None, None).await
    }
}

impl Nodes {
    /// `{id}/usage/`: CPU, memory and storage use.
    pub async fn usage(&self, id: &str) -> Result<Value> {
        let id = check_id(id)?;
        self.client.fetch(&format!("nodes/{id}/usage/"), &[]).await
    }
    /// `{id}/usb-devices/`: the USB devices plugged into the node.
    pub async fn usb_devices(&self, id: &str) -> Result<Value> {
        let id = check_id(id)?;
        self.client
            .fetch(&format!("nodes/{id}/usb-devices/"), &[])
            .await
    }
}

impl Clusters {
    /// `{id}/usage/`: CPU, memory and storage use.
    pub async fn usage(&self, id: &str) -> Result<Value> {
        let id = check_id(id)?;
        self.client
            .fetch(&format!("clusters/{id}/usage/"), &[])
            .await
    }
}

impl VDisks {
    /// `PUT {id}/` `{description}`; answers the disk.
    pub async fn update(&self, id: &str, description: &str) -> Result<VDisk> {
        let id = check_id(id)?;
        put_typed(
            &self.client,
            &format!("vdisks/{id}/"),
            &json!({"description": description}),
        )
        .await
    }
    /// `{id}/extend/` `{size}`: grows the disk to `size_gib`; answers the disk.
    pub async fn extend(&self, id: &str, size_gib: f64) -> Result<VDisk> {
        let id = check_id(id)?;
        if !(size_gib.is_finite() && size_gib > 0.0) {
            return Err(Error::invalid_input(format!(
                "a VeiL vdisk size must be a positive number of GiB, not {size_gib}"
            ))
            .with_vendor(VENDOR));
        }
        let path = format!("vdisks/{id}/extend/");
        let v = self
            .client
            .call(
                Method::POST,
                &path,
                &[],
                Some(&json!({"size": size_gib})),
                None,
            )
            .await?;
        typed(&path, v)
    }
}

impl Tasks {
    /// `PUT check/`: asks the controller to re-check every task's completion.
    pub async fn check_all(&self) -> Result<Value> {
        self.client
            .call(Method::PUT, "tasks/check/", &[], None, None)
            .await
    }
    /// `{id}/jid/`: the node job ids behind a task.
    pub async fn jid(&self, id: &str) -> Result<Value> {
        let id = check_id(id)?;
        self.client.fetch(&format!("tasks/{id}/jid/"), &[]).await
    }
}

impl Tags {
    /// One tag with the objects it marks.
    pub async fn get(&self, id: &str) -> Result<Tag> {
        let id = check_id(id)?;
        self.client.fetch(&format!("tags/{id}/"), &[]).await
    }
    /// One page of the tags on one object (`entity_class`: `domain`, `node`, `datapool`, ...).
    pub async fn of_entity(
        &self,
        entity_uuid: &str,
        entity_class: &str,
        page: &Paginator,
    ) -> Result<Paginated<Tag>> {
        let q = query(
            &[
                ("entity_uuid", Some(entity_uuid)),
                ("entity_class", Some(entity_class)),
            ],
            page,
        )?;
        self.client.fetch("tags/", &q).await
    }
    /// `{id}/add-entity/` or `remove-entity/` for one object; the server's answer as sent
    /// (whether it is a task is not confirmed).
    pub async fn tag_entity(&self, id: &str, entity: &EntityRef, add: bool) -> Result<Value> {
        let id = check_id(id)?;
        let action = if add { "add-entity" } else { "remove-entity" };
        let body = serde_json::to_value(entity).map_err(|e| {
            Error::invalid_input(format!("cannot encode the entity: {e}")).with_vendor(VENDOR)
        })?;
        let path = format!("tags/{id}/{action}/");
        self.client
            .call(Method::POST, &path, &[], Some(&body), None)
            .await
    }
}
