//! Read-only lookups under one lock, for a skin that renders many objects which refer to each
//! other (a VM page with each VM's disks, networks and storage pool).

use super::{Inner, World};
use crate::model::{SimDisk, SimNetwork, SimStoragePool, SimVm};

/// A read-only view of the World's inventory, valid inside [`World::with_lookup`].
///
/// Every read borrows the row the World holds: nothing is copied, no task is observed, and
/// the lock is taken once for all of them. The closure holding a `Lookup` must not call the
/// World itself (its lock is held and is not reentrant).
pub struct Lookup<'w> {
    g: &'w Inner,
}

impl std::fmt::Debug for Lookup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Counts only, as the World's own Debug: sessions and passwords never print.
        f.debug_struct("Lookup")
            .field("vms", &self.g.vms.len())
            .field("disks", &self.g.disks.len())
            .finish_non_exhaustive()
    }
}

impl World {
    /// Runs `f` with a [`Lookup`] over the inventory, under one lock. Keep `f` short: every
    /// other request waits for it.
    ///
    /// ```
    /// use omnivirt_sim::{Filter, Paging, World};
    ///
    /// let world = World::default();
    /// let vm = world.list_vms(&Filter::new(), &Paging::new(0, 1)).items.remove(0);
    /// let sizes: u64 = world.with_lookup(|l| {
    ///     vm.disk_ids.iter().filter_map(|d| l.disk(d.as_str())).map(|d| d.size_bytes).sum()
    /// });
    /// assert!(sizes > 0);
    /// ```
    pub fn with_lookup<R>(&self, f: impl FnOnce(&Lookup<'_>) -> R) -> R {
        let g = self.lock();
        f(&Lookup { g: &g })
    }
}

impl<'w> Lookup<'w> {
    /// The VM `id`, as [`World::peek_vm`] finds it.
    pub fn vm(&self, id: &str) -> Option<&'w SimVm> {
        self.g.vms.get(id)
    }

    /// The disk `id`, as [`World::peek_disk`] finds it.
    pub fn disk(&self, id: &str) -> Option<&'w SimDisk> {
        self.g.disks.get(id)
    }

    /// The network `id`, as [`World::get_network`] finds it.
    pub fn network(&self, id: &str) -> Option<&'w SimNetwork> {
        self.g.networks.get(id)
    }

    /// The first storage pool (in creation order) serving the cluster `cluster`: what
    /// [`World::list_storage_pools`] returns first for that cluster.
    pub fn first_pool_in(&self, cluster: &str) -> Option<&'w SimStoragePool> {
        self.g
            .pools
            .values()
            .find(|p| p.cluster_id.as_str() == cluster)
    }
}

#[cfg(test)]
mod tests {
    use crate::query::{Filter, Paging};
    use crate::world::World;

    #[test]
    fn a_lookup_finds_what_the_copying_reads_find() {
        let w = World::default();
        let vms = w.list_vms(&Filter::new(), &Paging::all()).items;
        assert!(!vms.is_empty());
        w.with_lookup(|l| {
            for v in &vms {
                assert_eq!(l.vm(v.id.as_str()), Some(v));
            }
            assert!(l.vm("no-such-vm").is_none());
            assert!(l.disk("no-such-disk").is_none());
            assert!(l.network("no-such-network").is_none());
            assert!(l.first_pool_in("no-such-cluster").is_none());
        });
        for v in &vms {
            for d in &v.disk_ids {
                let copied = w.peek_disk(d.as_str()).unwrap();
                assert_eq!(w.with_lookup(|l| l.disk(d.as_str()).cloned()), Some(copied));
            }
            for n in &v.nics {
                let copied = w.get_network(n.network_id.as_str()).unwrap();
                let found = w.with_lookup(|l| l.network(n.network_id.as_str()).cloned());
                assert_eq!(found, Some(copied));
            }
            let first = w
                .list_storage_pools(
                    &Filter::new().cluster(v.cluster_id.as_str()),
                    &Paging::new(0, 1),
                )
                .items
                .into_iter()
                .next();
            assert!(first.is_some());
            let found = w.with_lookup(|l| l.first_pool_in(v.cluster_id.as_str()).cloned());
            assert_eq!(found, first);
        }
    }
}
