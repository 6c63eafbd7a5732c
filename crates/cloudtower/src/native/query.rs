//! `get-<x>` queries: paging, ordering, counts, streams.

use std::marker::PhantomData;

use futures::stream::BoxStream;
use omnivirt_core::{Cursor, Error, ErrorKind, Op, Page, Result, announce_next_page, paginate};
use serde::de::{DeserializeOwned, DeserializeSeed, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::client::{CloudTowerClient, decode, decode_body_seed};
use super::filter::{
    AlertWhere, ClusterWhere, ContentLibraryVmTemplateWhere, DatacenterWhere, DiskWhere,
    ElfStoragePolicyWhere, HostWhere, IscsiLunSnapshotWhere, TaskWhere, VdsWhere, VlanWhere,
    VmDiskWhere, VmNicWhere, VmSnapshotWhere, VmVolumeWhere, VmWhere, WhereInput,
};
use crate::VENDOR;
use crate::generated::types::{ElfStoragePolicy, Vds, Vlan};
use crate::json::last_item;
use crate::wire::{
    Alert, Cluster, Connection, ContentLibraryVmTemplate, Datacenter, Host, IscsiLunSnapshot,
    PhysicalDisk, Task, Vm, VmDisk, VmNic, VmSnapshot, VmVolume,
};

/// Sort direction of `orderBy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// `<field>_ASC`.
    Asc,
    /// `<field>_DESC`.
    Desc,
}

/// The body of a `get-<x>` query: `{where, orderBy, first, skip, after, last, before}`.
///
/// ```
/// use omnivirt_cloudtower::filter::VmWhere;
/// use omnivirt_cloudtower::query::{Direction, Query};
///
/// let q = Query::new(VmWhere::new().vcpu().gt(4)).order_by("vcpu", Direction::Desc).first(50).skip(50);
/// let body = q.to_body().unwrap();
/// assert_eq!(body["orderBy"], "vcpu_DESC");
/// assert_eq!(body["where"]["vcpu_gt"], 4);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Query<W> {
    filter: Option<W>,
    order_by: Option<(String, Direction)>,
    first: Option<u32>,
    last: Option<u32>,
    skip: Option<u32>,
    after: Option<String>,
    before: Option<String>,
}

impl<W: WhereInput> Default for Query<W> {
    fn default() -> Self {
        Query {
            filter: None,
            order_by: None,
            first: None,
            last: None,
            skip: None,
            after: None,
            before: None,
        }
    }
}

impl<W: WhereInput> Query<W> {
    /// Objects matching `filter`.
    pub fn new(filter: W) -> Self {
        Query {
            filter: Some(filter),
            ..Self::default()
        }
    }

    /// Every object.
    pub fn all() -> Self {
        Self::default()
    }

    /// Orders by one scalar field (the API takes one sort column).
    pub fn order_by(mut self, field: impl Into<String>, dir: Direction) -> Self {
        self.order_by = Some((field.into(), dir));
        self
    }

    /// At most `n` objects.
    pub fn first(mut self, n: u32) -> Self {
        self.first = Some(n);
        self
    }

    /// The last `n` objects.
    pub fn last(mut self, n: u32) -> Self {
        self.last = Some(n);
        self
    }

    /// Skips `n` objects.
    pub fn skip(mut self, n: u32) -> Self {
        self.skip = Some(n);
        self
    }

    /// Starts after the object with this id (exclusive cursor).
    pub fn after(mut self, id: impl Into<String>) -> Self {
        self.after = Some(id.into());
        self
    }

    /// Ends before the object with this id.
    pub fn before(mut self, id: impl Into<String>) -> Self {
        self.before = Some(id.into());
        self
    }

    /// The filter, if any.
    pub fn filter(&self) -> Option<&W> {
        self.filter.as_ref()
    }

    /// The JSON body; `InvalidInput` if `orderBy` names a field this filter type does not know.
    pub fn to_body(&self) -> Result<Value> {
        let mut m = Map::new();
        if let Some(w) = &self.filter {
            m.insert("where".into(), Value::Object(w.as_map().clone()));
        }
        if let Some((field, dir)) = &self.order_by {
            if !W::FIELDS.contains(&field.as_str()) {
                return Err(Error::invalid_input(format!(
                    "cannot order {} by `{field}`; known fields: {}",
                    W::SCHEMA,
                    W::FIELDS.join(", ")
                ))
                .with_vendor(VENDOR));
            }
            let d = match dir {
                Direction::Asc => "ASC",
                Direction::Desc => "DESC",
            };
            m.insert("orderBy".into(), Value::String(format!("{field}_{d}")));
        }
        for (k, v) in [
            ("first", self.first),
            ("last", self.last),
            ("skip", self.skip),
        ] {
            if let Some(n) = v {
                m.insert(k.into(), Value::from(n));
            }
        }
        if let Some(a) = &self.after {
            m.insert("after".into(), Value::String(a.clone()));
        }
        if let Some(b) = &self.before {
            m.insert("before".into(), Value::String(b.clone()));
        }
        Ok(Value::Object(m))
    }
}

/// An object type the API lists with `get-<x>` and counts with `get-<x>-connection`.
pub trait Resource: DeserializeOwned + Send + Sync + 'static {
    /// Its filter.
    type Where: WhereInput;
    /// The list operation, e.g. `get-vms`.
    const LIST: &'static str;
    /// The count operation, e.g. `get-vms-connection`.
    const COUNT: &'static str;
    /// Its CloudTower id.
    fn id(&self) -> &str;
}

impl Resource for Vm {
    type Where = VmWhere;
    const LIST: &'static str = "get-vms";
    const COUNT: &'static str = "get-vms-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for Host {
    type Where = HostWhere;
    const LIST: &'static str = "get-hosts";
    const COUNT: &'static str = "get-hosts-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for Cluster {
    type Where = ClusterWhere;
    const LIST: &'static str = "get-clusters";
    const COUNT: &'static str = "get-clusters-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for Datacenter {
    type Where = DatacenterWhere;
    const LIST: &'static str = "get-datacenters";
    const COUNT: &'static str = "get-datacenters-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for PhysicalDisk {
    type Where = DiskWhere;
    const LIST: &'static str = "get-disks";
    const COUNT: &'static str = "get-disks-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for Alert {
    type Where = AlertWhere;
    const LIST: &'static str = "get-alerts";
    const COUNT: &'static str = "get-alerts-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for Task {
    type Where = TaskWhere;
    const LIST: &'static str = "get-tasks";
    const COUNT: &'static str = "get-tasks-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for VmSnapshot {
    type Where = VmSnapshotWhere;
    const LIST: &'static str = "get-vm-snapshots";
    const COUNT: &'static str = "get-vm-snapshots-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for IscsiLunSnapshot {
    type Where = IscsiLunSnapshotWhere;
    const LIST: &'static str = "get-iscsi-lun-snapshots";
    const COUNT: &'static str = "get-iscsi-lun-snapshots-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for VmDisk {
    type Where = VmDiskWhere;
    const LIST: &'static str = "get-vm-disks";
    const COUNT: &'static str = "get-vm-disks-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for VmNic {
    type Where = VmNicWhere;
    const LIST: &'static str = "get-vm-nics";
    const COUNT: &'static str = "get-vm-nics-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for VmVolume {
    type Where = VmVolumeWhere;
    const LIST: &'static str = "get-vm-volumes";
    const COUNT: &'static str = "get-vm-volumes-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

impl Resource for ContentLibraryVmTemplate {
    type Where = ContentLibraryVmTemplateWhere;
    const LIST: &'static str = "get-content-library-vm-templates";
    const COUNT: &'static str = "get-content-library-vm-templates-connection";
    fn id(&self) -> &str {
        crate::convert::text(&self.id)
    }
}

// The generated model types: every field optional, so a missing id reads as "".

impl Resource for Vlan {
    type Where = VlanWhere;
    const LIST: &'static str = "get-vlans";
    const COUNT: &'static str = "get-vlans-connection";
    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }
}

impl Resource for Vds {
    type Where = VdsWhere;
    const LIST: &'static str = "get-vdses";
    const COUNT: &'static str = "get-vdses-connection";
    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }
}

impl Resource for ElfStoragePolicy {
    type Where = ElfStoragePolicyWhere;
    const LIST: &'static str = "get-elf-storage-policies";
    const COUNT: &'static str = "get-elf-storage-policies-connection";
    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }
}

/// Queries of one object type.
#[derive(Debug)]
pub struct Api<T> {
    pub(crate) client: CloudTowerClient,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for Api<T> {
    fn clone(&self) -> Self {
        Api {
            client: self.client.clone(),
            _t: PhantomData,
        }
    }
}

impl<T: Resource> Api<T> {
    pub(crate) fn new(client: CloudTowerClient) -> Self {
        Api {
            client,
            _t: PhantomData,
        }
    }

    /// One `get-<x>` call.
    pub async fn list(&self, query: Query<T::Where>) -> Result<Vec<T>> {
        let body = query.to_body()?;
        let resp = self.client.send(T::LIST, &body, None, true).await?;
        decode(T::LIST, resp).await
    }

    /// Every object matching `filter` (one call, no paging).
    pub async fn list_where(&self, filter: T::Where) -> Result<Vec<T>> {
        self.list(Query::new(filter)).await
    }

    /// The object with this id; `NotFound` if there is none.
    pub async fn get(&self, id: &str) -> Result<T> {
        let w = T::Where::default().raw("id", Value::String(id.to_owned()));
        let mut found = self.list(Query::new(w).first(1)).await?;
        if found.is_empty() {
            return Err(
                Error::not_found(format!("{}: no object with id `{id}`", T::LIST))
                    .with_vendor(VENDOR),
            );
        }
        Ok(found.swap_remove(0))
    }

    /// How many objects match (`get-<x>-connection`).
    pub async fn count(&self, filter: T::Where) -> Result<u64> {
        let body = serde_json::json!({ "where": filter });
        let resp = self.client.send(T::COUNT, &body, None, true).await?;
        let c: Connection = decode(T::COUNT, resp).await?;
        Ok(c.aggregate.count)
    }

    /// One page of `page_size` objects after `cursor` (an object id), for the uniform backend,
    /// each object handed to `convert` as it is decoded (the page is never held as a `Vec<T>`:
    /// a listed VM is five times the size of the neutral one). `id` reads the cursor of the
    /// next page back from a converted object: the id of the object it was converted from.
    pub(crate) async fn page_into<U, F>(
        &self,
        query: Query<T::Where>,
        page_size: u32,
        cursor: Option<&Cursor>,
        op: Op,
        convert: F,
        id: fn(&U) -> &str,
    ) -> Result<Page<U>>
    where
        T: crate::generated::types::FromMap,
        U: Send + 'static,
        F: FnMut(T) -> U + Clone + Send + 'static,
    {
        let mut q = query.first(page_size);
        if let Some(c) = cursor {
            q = q.after(c.as_str());
        }
        let body = q.to_body()?;
        let resp = self
            .client
            .send(T::LIST, &body, Some(op), true)
            .await
            .map_err(|e| e.with_op(op))?;
        let status = resp.status.as_u16();
        let bytes = resp.bytes().await.map_err(|e| e.with_op(op))?;
        // The next page starts after this page's last id: a listing fetching ahead can ask
        // for it now, while this page is decoded (a guess the decoded page confirms).
        announce_next_page(|| announced_successor(&bytes, page_size));
        let seed = EachItem::new(convert, page_size);
        let items = omnivirt_http::decode_large(bytes.len(), move || {
            // The common shape read by the faster walk; anything else, the generic way.
            let items = match crate::json::each_object(&bytes, seed.room(), seed.convert.clone()) {
                Some(items) => Ok(items),
                None => decode_body_seed(T::LIST, status, &bytes, seed),
            };
            // Read into again by the next page (no fresh memory to fault in per page).
            omnivirt_http::recycle(bytes);
            items
        })
        .await
        .map_err(|e| Error::new(ErrorKind::Backend, e.to_string()).with_vendor(VENDOR))
        .and_then(|r| r)
        .map_err(|e| e.with_op(op))?;
        let next = (items.len() as u32 >= page_size && page_size > 0)
            .then(|| items.last().map(|i| Cursor::new(id(i))))
            .flatten();
        Ok(Page::new(items, next))
    }

    /// Every matching object as a stream, fetched `page_size` at a time with `first`/`after`.
    pub fn stream(&self, query: Query<T::Where>, page_size: u32) -> BoxStream<'static, Result<T>> {
        let api = self.clone();
        let page_size = page_size.max(1);
        paginate(move |cursor: Option<Cursor>| {
            let api = api.clone();
            let q = query.clone();
            async move {
                let mut q = q.first(page_size);
                if let Some(c) = &cursor {
                    // The skip of the first page is already behind the cursor.
                    q.skip = None;
                    q = q.after(c.as_str());
                }
                let items = api.list(q).await?;
                let next = (items.len() as u32 >= page_size)
                    .then(|| items.last().map(|i| Cursor::new(i.id())))
                    .flatten();
                Ok(Page::new(items, next))
            }
        })
    }
}

/// The cursor of the page after `body` (a page asked for `page_size` items), read from the
/// end of the text, when the page looks full. A page of fewer items is the last one, so a short
/// listing would only double its requests by asking past it; the size of the last item tells
/// roughly how many the page holds, and a page under half full announces nothing.
fn announced_successor(body: &[u8], page_size: u32) -> Option<Cursor> {
    let (id, at) = last_item(body).filter(|_| page_size > 0)?;
    let item = body.len() - at;
    let full_enough = body.len() >= item.saturating_mul(page_size as usize) / 2;
    full_enough.then(|| Cursor::new(id))
}

/// Decodes a JSON array of `T` into a `Vec<U>`, each item converted as soon as it is read.
struct EachItem<T, F> {
    convert: F,
    /// The most items the page can hold: room reserved up front, up to a bound.
    expected: u32,
    _t: PhantomData<fn() -> T>,
}

impl<T, F: Clone> Clone for EachItem<T, F> {
    fn clone(&self) -> Self {
        EachItem::new(self.convert.clone(), self.expected)
    }
}

impl<T, F> EachItem<T, F> {
    /// Room reserved up front is capped: `expected` comes from the caller, not the body.
    const MAX_RESERVED: u32 = 1024;

    fn new(convert: F, expected: u32) -> Self {
        EachItem {
            convert,
            expected,
            _t: PhantomData,
        }
    }

    /// The room reserved for the items.
    fn room(&self) -> usize {
        self.expected.min(Self::MAX_RESERVED) as usize
    }
}

impl<'de, T, U, F> DeserializeSeed<'de> for EachItem<T, F>
where
    T: serde::Deserialize<'de>,
    F: FnMut(T) -> U,
{
    type Value = Vec<U>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Vec<U>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T, U, F> Visitor<'de> for EachItem<T, F>
where
    T: serde::Deserialize<'de>,
    F: FnMut(T) -> U,
{
    type Value = Vec<U>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> std::result::Result<Vec<U>, A::Error> {
        let mut out = Vec::with_capacity(self.room());
        while let Some(item) = seq.next_element::<T>()? {
            out.push((self.convert)(item));
        }
        Ok(out)
    }
}

impl CloudTowerClient {
    /// VM queries; mutations are on [`CloudTowerClient::vm`].
    pub fn vms(&self) -> Api<Vm> {
        Api::new(self.clone())
    }
    /// Host queries.
    pub fn hosts(&self) -> Api<Host> {
        Api::new(self.clone())
    }
    /// Cluster queries.
    pub fn clusters(&self) -> Api<Cluster> {
        Api::new(self.clone())
    }
    /// Datacenter queries.
    pub fn datacenters(&self) -> Api<Datacenter> {
        Api::new(self.clone())
    }
    /// Physical disk queries.
    pub fn disks(&self) -> Api<PhysicalDisk> {
        Api::new(self.clone())
    }
    /// Alert queries.
    pub fn alerts(&self) -> Api<Alert> {
        Api::new(self.clone())
    }
    /// Task queries; waiting is [`CloudTowerClient::wait_tasks`].
    pub fn tasks(&self) -> Api<Task> {
        Api::new(self.clone())
    }
    /// VM snapshot queries.
    pub fn vm_snapshots(&self) -> Api<VmSnapshot> {
        Api::new(self.clone())
    }
    /// iSCSI LUN snapshot queries.
    pub fn iscsi_lun_snapshots(&self) -> Api<IscsiLunSnapshot> {
        Api::new(self.clone())
    }
    /// VM disk slot queries.
    pub fn vm_disks(&self) -> Api<VmDisk> {
        Api::new(self.clone())
    }
    /// VM NIC queries.
    pub fn vm_nics(&self) -> Api<VmNic> {
        Api::new(self.clone())
    }
    /// VM volume queries.
    pub fn vm_volumes(&self) -> Api<VmVolume> {
        Api::new(self.clone())
    }
    /// Content-library VM template queries.
    pub fn content_library_vm_templates(&self) -> Api<ContentLibraryVmTemplate> {
        Api::new(self.clone())
    }
    /// VLAN queries (the networks VM NICs connect to).
    pub fn vlans(&self) -> Api<Vlan> {
        Api::new(self.clone())
    }
    /// Virtual distributed switch queries (a VLAN's switch, and through it its cluster).
    pub fn vdses(&self) -> Api<Vds> {
        Api::new(self.clone())
    }
    /// ELF storage policy queries.
    pub fn elf_storage_policies(&self) -> Api<ElfStoragePolicy> {
        Api::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native::client::decode_body_seed;

    fn decode_each(body: &[u8], status: u16, expected: u32) -> Result<Vec<String>> {
        let seed = EachItem::new(|v: crate::wire::Vm| v.id.unwrap_or_default(), expected);
        decode_body_seed("get-vms", status, body, seed)
    }

    #[test]
    fn each_item_converts_in_order_with_bounded_room() {
        let got = decode_each(
            br#"[{"id": "a"}, {"id": "b", "vcpu": 2}, {}]"#,
            200,
            u32::MAX,
        );
        assert_eq!(got.unwrap(), ["a", "b", ""]);
        let seed = EachItem::new(|v: crate::wire::Vm| v, u32::MAX);
        let room = crate::json::from_slice_seed(b"[]", seed).unwrap();
        assert!(room.capacity() <= 1024, "{}", room.capacity());
    }

    #[test]
    fn each_item_reports_a_bad_item_and_empty_bodies() {
        let err = decode_each(br#"[{"id": "a"}, {"vcpu": "two"}]"#, 200, 10).unwrap_err();
        assert_eq!(err.kind(), omnivirt_core::ErrorKind::Protocol);
        assert!(err.to_string().contains("get-vms"), "{err}");
        assert!(decode_each(b"{}", 200, 10).is_err());
        assert_eq!(decode_each(b"", 304, 10).unwrap(), Vec::<String>::new());
        assert_eq!(decode_each(b"", 200, 10).unwrap(), Vec::<String>::new());
    }

    fn page(n: usize) -> Vec<u8> {
        let items: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"id":"vm-{i}","name":"a VM with a name","vcpu":{i}}}"#))
            .collect();
        format!("[{}]", items.join(",")).into_bytes()
    }

    fn next(n: usize, page_size: u32) -> Option<String> {
        announced_successor(&page(n), page_size).map(|c| c.as_str().to_owned())
    }

    #[test]
    fn a_page_at_least_half_full_names_its_last_id_as_the_next_cursor() {
        assert_eq!(next(500, 500).as_deref(), Some("vm-499"));
        assert_eq!(next(4, 4).as_deref(), Some("vm-3"));
        assert_eq!(next(1, 1).as_deref(), Some("vm-0"));
        assert_eq!(next(250, 500).as_deref(), Some("vm-249"));
    }

    #[test]
    fn a_short_page_is_taken_for_the_last_and_names_nothing() {
        assert_eq!(next(1, 4), None);
        assert_eq!(next(50, 500), None);
        assert_eq!(next(0, 500), None);
        // No page size asked for: nothing to tell.
        assert_eq!(next(3, 0), None);
    }
}
