//! Day-two operations over the native services: batched VM reads.
//!
//! Many VMs are read with one search, `GET /vms?search=id=A or id=B ...&max=N`, in chunks of
//! [`VM_BATCH`] ids so the query stays well under the request-line limits of the engine's
//! front end (an id is a 36-character UUID; 100 of them encode to about 5 kB).

use omnivirt_core::{Op, Result, Vm, VmId};

use super::{OvirtBackend, convert_kept, wrap};
use crate::convert;

/// Ids per batched read: the default page size of the VM listing.
pub(super) const VM_BATCH: usize = 100;

/// True for text that can be an engine id: an id with anything else cannot exist, and must
/// not reach the search, where a space or `or` would change its meaning.
fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `id=A or id=B ...` for one chunk.
fn ids_search(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("id={id}"))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl OvirtBackend {
    pub(super) async fn vms_by_id(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        let mut wanted: Vec<&str> = ids
            .iter()
            .map(VmId::as_str)
            .filter(|i| plausible_id(i))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut out = Vec::with_capacity(wanted.len());
        for chunk in wanted.chunks(VM_BATCH) {
            let raw = self
                .conn
                .system()
                .vms()
                .list()
                .search(ids_search(chunk))
                .max(u32::try_from(chunk.len()).unwrap_or(u32::MAX))
                .send()
                .await
                .map_err(wrap(Op::VmGetBatch))?;
            out.extend(convert_kept(&raw, convert::vm, |vm| {
                chunk.contains(&vm.id.as_str())
            })?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_of_ids_joins_them_with_or() {
        assert_eq!(ids_search(&["a-1", "b-2"]), "id=a-1 or id=b-2");
        assert_eq!(ids_search(&["a"]), "id=a");
    }

    #[test]
    fn only_plausible_ids_reach_the_search() {
        assert!(plausible_id("5a7b6c1e-0000-4000-8000-000000000001"));
        assert!(!plausible_id("x or name=*"));
        assert!(!plausible_id(""));
    }
}
