//! Nodes, clusters, resource pools, data pools and virtual disks.

use omnivirt_core::{Error, Op, Result};
use serde_json::json;

use super::Paginator;
use super::client::VeilClient;
use super::domains::check_id as valid_id;
use crate::VENDOR;
use crate::wire::{Accepted, Cluster, DataPool, Node, Paginated, ResourcePool, VDisk};

fn filters(pairs: &[(&str, Option<&str>)], page: &Paginator) -> Result<Vec<(String, String)>> {
    page.validate()?;
    let mut q: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), v.to_owned())))
        .collect();
    q.extend(page.query());
    Ok(q)
}

macro_rules! service {
    ($name:ident, $item:ty, $prefix:literal, $list_op:expr, $get_op:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone)]
        pub struct $name {
            pub(crate) client: VeilClient,
        }

        impl $name {
            pub(crate) fn new(client: VeilClient) -> Self {
                $name { client }
            }

            /// One object.
            pub async fn get(&self, id: &str) -> Result<$item> {
                let id = valid_id(id)?;
                self.client
                    .get(&format!(concat!($prefix, "{}/"), id), &[], $get_op)
                    .await
            }

            async fn page(&self, q: Vec<(String, String)>) -> Result<Paginated<$item>> {
                self.client.get($prefix, &q, $list_op).await
            }
        }
    };
}

service!(
    Nodes,
    Node,
    "nodes/",
    Some(Op::HostList),
    Some(Op::HostGet),
    "The node service (`/api/nodes/`)."
);
service!(
    Clusters,
    Cluster,
    "clusters/",
    Some(Op::ClusterList),
    Some(Op::ClusterGet),
    "The cluster service (`/api/clusters/`)."
);
service!(
    ResourcePools,
    ResourcePool,
    "resource-pools/",
    None,
    None,
    "The resource pool service (`/api/resource-pools/`)."
);
service!(
    DataPools,
    DataPool,
    "data-pools/",
    Some(Op::StorageList),
    Some(Op::StorageGet),
    "The data pool service (`/api/data-pools/`)."
);
service!(
    VDisks,
    VDisk,
    "vdisks/",
    Some(Op::DiskList),
    Some(Op::DiskGet),
    "The virtual disk service (`/api/vdisks/`)."
);

impl Nodes {
    /// One page of nodes, optionally of one cluster or resource pool.
    pub async fn list(
        &self,
        cluster: Option<&str>,
        resource_pool: Option<&str>,
        page: &Paginator,
    ) -> Result<Paginated<Node>> {
        self.page(filters(
            &[("cluster", cluster), ("resource_pool", resource_pool)],
            page,
        )?)
        .await
    }
}

impl Clusters {
    /// One page of clusters.
    pub async fn list(&self, page: &Paginator) -> Result<Paginated<Cluster>> {
        self.page(filters(&[], page)?).await
    }
}

impl ResourcePools {
    /// One page of resource pools, optionally of one node or cluster.
    pub async fn list(
        &self,
        node: Option<&str>,
        cluster: Option<&str>,
        page: &Paginator,
    ) -> Result<Paginated<ResourcePool>> {
        self.page(filters(&[("node", node), ("cluster", cluster)], page)?)
            .await
    }
}

impl DataPools {
    /// One page of data pools, optionally of one node, cluster or resource pool.
    pub async fn list(
        &self,
        node: Option<&str>,
        cluster: Option<&str>,
        resource_pool: Option<&str>,
        page: &Paginator,
    ) -> Result<Paginated<DataPool>> {
        self.page(filters(
            &[
                ("node", node),
                ("cluster", cluster),
                ("resource_pool", resource_pool),
            ],
            page,
        )?)
        .await
    }
}

/// `POST vdisks/`: a new virtual disk in a data pool.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VDiskCreate {
    /// Name.
    pub verbose_name: String,
    /// Data pool id.
    pub datapool: String,
    /// Size in GiB.
    pub size_gib: f64,
    /// Allocate the space at once.
    pub preallocation: bool,
}

impl VDiskCreate {
    /// A thin disk of `size_gib` GiB in `datapool`.
    pub fn new(name: impl Into<String>, datapool: impl Into<String>, size_gib: f64) -> Self {
        VDiskCreate {
            verbose_name: name.into(),
            datapool: datapool.into(),
            size_gib,
            preallocation: false,
        }
    }
    /// Preallocate.
    pub fn preallocation(mut self, yes: bool) -> Self {
        self.preallocation = yes;
        self
    }
}

impl VDisks {
    /// One page of virtual disks; `domain` = disks of that VM, `datapool` = of that pool.
    pub async fn list(
        &self,
        domain: Option<&str>,
        datapool: Option<&str>,
        page: &Paginator,
    ) -> Result<Paginated<VDisk>> {
        self.page(filters(
            &[("domain", domain), ("datapool", datapool)],
            page,
        )?)
        .await
    }

    /// Creates a disk; the answer's `entity` is its id.
    pub async fn create(&self, spec: &VDiskCreate) -> Result<Accepted> {
        if spec.verbose_name.trim().is_empty() {
            return Err(Error::invalid_input("a VeiL vdisk needs a name").with_vendor(VENDOR));
        }
        if !(spec.size_gib.is_finite() && spec.size_gib > 0.0) {
            return Err(Error::invalid_input(format!(
                "a VeiL vdisk size must be a positive number of GiB, not {}",
                spec.size_gib
            ))
            .with_vendor(VENDOR));
        }
        valid_id(&spec.datapool)?;
        let body = json!({
            "verbose_name": spec.verbose_name,
            "datapool": spec.datapool,
            "size": spec.size_gib,
            "preallocation": spec.preallocation,
        });
        self.client
            .post_action("vdisks/", Some(&body), Some(Op::DiskCreate))
            .await
    }

    /// `remove/`.
    pub async fn remove(&self, id: &str) -> Result<Accepted> {
        let id = valid_id(id)?;
        self.client
            .post_action(&format!("vdisks/{id}/remove/"), None, Some(Op::DiskDelete))
            .await
    }
}
