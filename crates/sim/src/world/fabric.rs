//! Networks and storage pools: one of each per cluster at seeding, read-only afterwards.

use omnivirt_core::{ClusterId, Extra, StorageState};

use super::table::page;
use super::{GIB, Inner, World};
use crate::error::{SimError, SimResult};
use crate::model::{SimNetwork, SimStoragePool};
use crate::query::{Filter, Listing, Paging};

impl World {
    /// One network.
    pub fn get_network(&self, id: &str) -> SimResult<SimNetwork> {
        self.lock()
            .networks
            .get(id)
            .cloned()
            .ok_or_else(|| SimError::not_found(format!("network {id} not found")))
    }

    /// Networks matching `filter` (name, ids, cluster).
    pub fn list_networks(&self, filter: &Filter, paging: &Paging) -> Listing<SimNetwork> {
        page(&self.lock().networks, filter, paging, |n| {
            filter.cluster_ok(&n.cluster_id)
        })
    }

    /// One storage pool.
    pub fn get_storage_pool(&self, id: &str) -> SimResult<SimStoragePool> {
        self.lock()
            .pools
            .get(id)
            .cloned()
            .ok_or_else(|| SimError::not_found(format!("storage pool {id} not found")))
    }

    /// Storage pools matching `filter` (name, ids, cluster).
    pub fn list_storage_pools(&self, filter: &Filter, paging: &Paging) -> Listing<SimStoragePool> {
        page(&self.lock().pools, filter, paging, |p| {
            filter.cluster_ok(&p.cluster_id)
        })
    }
}

impl Inner {
    /// One network (`vlan-1NN`, VLAN 1NN, `10.1NN.0.0/16`) and one 10 TiB storage pool per
    /// cluster.
    pub(super) fn seed_fabric(&mut self, clusters: &[ClusterId]) {
        for (i, cluster) in clusters.iter().enumerate() {
            let n = i + 1;
            let vlan = u16::try_from(100 + n).ok();
            let id = self.fabric_ids.id(self.style);
            self.networks.insert(
                &id,
                SimNetwork {
                    id: id.clone(),
                    name: format!("vlan-{}", 100 + n),
                    vlan,
                    cluster_id: cluster.clone(),
                    cidr: format!("10.{}.0.0/16", (100 + n) % 256),
                    description: String::new(),
                    extra: Extra::new(),
                },
            );
            let id = self.fabric_ids.id(self.style);
            let capacity = 10 * 1024 * GIB;
            self.pools.insert(
                &id,
                SimStoragePool {
                    id: id.clone(),
                    name: format!("pool-{n:02}"),
                    state: StorageState::Ok,
                    cluster_id: cluster.clone(),
                    capacity_bytes: capacity,
                    free_bytes: capacity - (n as u64 % 7) * 512 * GIB,
                    extra: Extra::new(),
                },
            );
        }
    }
}
