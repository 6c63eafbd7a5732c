//! The VM read of a single VM get, shared with the gets waiting beside it.
//!
//! Under load many gets wait for their VM at once, and one `QueryVmInstance` (`uuid?=` all of
//! them, up to [`VM_BATCH`]) answers them, as their user tags are read (`tags.rs`). At most
//! one such read is in flight, so a read never starts before a get it answers began: a change
//! made before a get is always seen by it (see [`Coalescer`]). A get alone sends the one-VM
//! query (`uuid=`) that recorded cassettes hold.

use std::collections::HashMap;

use omnivirt_core::{Op, Result};

use super::ZStackBackend;
use super::coalesce::Coalescer;
use super::day2::VM_BATCH;
use crate::convert::ListedVm;
use crate::native::{check_uuid, no_such};

/// VM reads of concurrent gets, by the uuid as each get asked it.
pub(super) type VmReads = Coalescer<String, Option<ListedVm>>;

impl ZStackBackend {
    /// The VM `key` (its uuid, as asked) for a single get, in a VM query shared with the gets
    /// waiting beside it; `NotFound` when the engine has no such VM.
    pub(super) async fn vm_of_one(&self, key: &str) -> Result<ListedVm> {
        // Checked before it joins a batch: one bad uuid must not fail the others' read.
        check_uuid("VM", key, Op::VmGet)?;
        let vm = self
            .vm_reads
            .load(key.to_owned(), VM_BATCH, |ids| async move {
                self.vms_as_asked(ids).await
            })
            .await?;
        vm.ok_or_else(|| no_such("VM", key, Op::VmGet))
    }

    /// The VMs `ids` in one query, by the uuid as asked: the engine matches uuids ignoring
    /// case and answers with its own spelling. A uuid it does not know is absent.
    async fn vms_as_asked(&self, ids: Vec<String>) -> Result<HashMap<String, Option<ListedVm>>> {
        if let [one] = ids.as_slice() {
            let vm = self.client.get_vm_as::<ListedVm>(one).await?;
            return Ok(HashMap::from([(one.clone(), Some(vm))]));
        }
        let asked: Vec<&str> = ids.iter().map(String::as_str).collect();
        let vms = self
            .client
            .get_vms_as::<ListedVm>(&asked, Op::VmGet)
            .await?;
        let mut by_uuid: HashMap<String, Option<ListedVm>> = HashMap::with_capacity(ids.len());
        for vm in vms {
            if let Some(uuid) = vm.0.uuid.clone() {
                by_uuid.insert(uuid, Some(vm));
            }
        }
        for id in &ids {
            if by_uuid.contains_key(id) {
                continue;
            }
            let other = by_uuid
                .iter()
                .find(|(uuid, _)| uuid.eq_ignore_ascii_case(id))
                .map(|(_, vm)| vm.clone());
            if let Some(vm) = other {
                by_uuid.insert(id.clone(), vm);
            }
        }
        Ok(by_uuid)
    }
}
