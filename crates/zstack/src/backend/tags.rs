//! User tags read back with VMs, through `QueryUserTag` (`resourceUuid?=` the VMs).
//!
//! - A page or batch of VMs: one tag query per 100 VMs, none per VM.
//! - A single VM get: concurrent gets share tag queries (see [`Coalescer`]); a get alone sends
//!   the same one-VM query as before.
//! - More than one page of tags for a batch (1,000): the whole set again, sorted by uuid, page
//!   by page.

use std::collections::HashMap;

use omnivirt_core::{Error, ErrorKind, Op, Result, Vm};

use super::ZStackBackend;
use super::coalesce::Coalescer;
use crate::VENDOR;
use crate::generated::types::UserTagInventory;
use crate::native::query::{Condition, Direction, Query};

/// VM uuids per `QueryUserTag` (as for a batched VM read: the URL stays near 3.3 KB).
const TAG_BATCH: usize = 100;

/// User tags per `QueryUserTag` page: the server's own maximum.
const TAG_PAGE: u32 = 1000;

/// Pages of user tags read for one batch of VMs before the listing is taken for endless.
const TAG_PAGES_MAX: usize = 100;

/// Tag reads of concurrent VM gets, by VM uuid.
pub(super) type TagReads = Coalescer<String, Vec<String>>;

impl ZStackBackend {
    /// Fills `tags` of each VM with its user tags, in one `QueryUserTag` per 100 VMs (more
    /// only when their tags fill a page).
    pub(super) async fn fill_tags(&self, vms: &mut [Vm], op: Op) -> Result<()> {
        for chunk in vms.chunks_mut(TAG_BATCH) {
            let mut by_vm = self
                .tags_by_vm(chunk.iter().map(|v| v.id.as_str()), op)
                .await?;
            for vm in chunk.iter_mut() {
                vm.tags = by_vm.remove(vm.id.as_str()).unwrap_or_default();
            }
        }
        Ok(())
    }

    /// The user tags of one VM got by itself (`key` is its uuid), in a tag query shared with
    /// the gets waiting beside it.
    pub(super) async fn tags_of_one(&self, key: &str) -> Result<Vec<String>> {
        self.tag_reads
            .load(key.to_owned(), TAG_BATCH, |ids| async move {
                self.tags_by_vm(ids.iter().map(String::as_str), Op::VmGet)
                    .await
            })
            .await
    }

    /// The user tags of the VMs `ids` (at most [`TAG_BATCH`]), by VM uuid; VMs without tags
    /// are absent.
    async fn tags_by_vm<'a>(
        &self,
        ids: impl Iterator<Item = &'a str>,
        op: Op,
    ) -> Result<HashMap<String, Vec<String>>> {
        let q = Query::new()
            .filter(Condition::eq("resourceType", "VmInstanceVO"))
            .filter(Condition::is_in("resourceUuid", ids));
        let mut tags = self
            .client
            .query::<UserTagInventory>("user-tags", &q.clone().limit(TAG_PAGE), Some(op))
            .await?
            .items;
        if tags.len() >= TAG_PAGE as usize {
            // A full page may not be all of them: read them again page by page, in an order
            // that stays put between pages.
            tags = self.all_tags(q, op).await?;
        }
        let mut by_vm: HashMap<String, Vec<String>> = HashMap::new();
        for t in tags {
            if let (Some(vm), Some(tag)) = (t.resource_uuid, t.tag) {
                by_vm.entry(vm).or_default().push(tag);
            }
        }
        Ok(by_vm)
    }

    /// Every user tag `q` selects, by pages of [`TAG_PAGE`] sorted by uuid; a `Protocol` error
    /// past [`TAG_PAGES_MAX`] full pages (a server that never ends a listing).
    async fn all_tags(&self, q: Query, op: Op) -> Result<Vec<UserTagInventory>> {
        let q = q.sort("uuid", Direction::Asc).limit(TAG_PAGE);
        let mut out: Vec<UserTagInventory> = Vec::new();
        for _ in 0..TAG_PAGES_MAX {
            let page = self
                .client
                .query::<UserTagInventory>(
                    "user-tags",
                    &q.clone().start(out.len() as u64),
                    Some(op),
                )
                .await?
                .items;
            let full = page.len() >= TAG_PAGE as usize;
            out.extend(page);
            if !full {
                return Ok(out);
            }
        }
        Err(Error::new(
            ErrorKind::Protocol,
            format!(
                "QueryUserTag kept answering full pages: more than {} user tags for {TAG_BATCH} VMs",
                TAG_PAGES_MAX * TAG_PAGE as usize
            ),
        )
        .with_vendor(VENDOR)
        .with_op(op))
    }
}
