//! The VeiL SDK face: the client, entity services, the paginator and task waiting.

mod catalog;
mod client;
mod domain_more;
mod domains;
mod extras;
mod registry;
mod resources;
mod tasks;

pub use catalog::{Catalog, Controllers, Events, FileSource, ImportFile, Isos, Library};
pub use client::{
    ClientBuilder, Credentials, IdempotencyKeys, VeilClient, authorization_value, new_uuid4,
    split_base, typed,
};
pub use domain_more::{AdJoin, DomainBackup, GuessAction, GuessView, UsbAttach, VdiPrepare};
pub use domains::{DomainCreate, DomainFilter, Domains, MultiAction, NicCreate, Placement};
pub use extras::{Console, ConsoleKind, DomainClone, GuestCommand, Tags};
pub use registry::Registry;
pub use resources::{Clusters, DataPools, Nodes, ResourcePools, VDiskCreate, VDisks};
pub use tasks::Tasks;

pub(crate) use client::decode as decode_answer;
pub(crate) use domains::check_id;

use omnivirt_core::{Error, Result};

use crate::VENDOR;

/// `VeilRestPaginator`: name filter, ordering, limit and offset; only the fields set are sent.
///
/// ```
/// use omnivirt_veil::native::Paginator;
///
/// let p = Paginator::new().name("web").ordering("-verbose_name").limit(10).offset(20);
/// assert_eq!(p.query().len(), 4);
/// assert!(Paginator::new().limit(0).validate().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Paginator {
    /// Name filter (`name=`).
    pub name: Option<String>,
    /// Field to order by; `-field` for descending.
    pub ordering: Option<String>,
    /// Page size (server default 100).
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
}

impl Paginator {
    /// No paging parameters: the server's first page of its default size.
    pub fn new() -> Self {
        Self::default()
    }
    /// Name filter.
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Ordering field (`verbose_name`, `-created`, ...).
    pub fn ordering(mut self, o: impl Into<String>) -> Self {
        self.ordering = Some(o.into());
        self
    }
    /// Page size.
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }
    /// Offset.
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }
    /// Refuses a zero page size (the Python client sends it; the server's answer is undefined).
    pub fn validate(&self) -> Result<()> {
        if self.limit == Some(0) {
            return Err(
                Error::invalid_input("a VeiL page size (limit) must be at least 1")
                    .with_vendor(VENDOR),
            );
        }
        Ok(())
    }
    /// The query pairs.
    pub fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        if let Some(n) = &self.name {
            q.push(("name".into(), n.clone()));
        }
        if let Some(o) = &self.ordering {
            q.push(("ordering".into(), o.clone()));
        }
        if let Some(l) = self.limit {
            q.push(("limit".into(), l.to_string()));
        }
        if let Some(o) = self.offset {
            q.push(("offset".into(), o.to_string()));
        }
        q
    }
}

/// The `offset` of a `next` page URL, when it has one.
pub fn next_offset(next: Option<&str>) -> Option<u64> {
    let u = url::Url::parse(next?).ok()?;
    u.query_pairs()
        .find(|(k, _)| k == "offset")
        .and_then(|(_, v)| v.parse().ok())
}

impl VeilClient {
    /// VMs and templates (`/api/domains/`).
    pub fn domains(&self) -> Domains {
        Domains::new(self.clone())
    }
    /// Tasks (`/api/tasks/`).
    pub fn tasks(&self) -> Tasks {
        Tasks::new(self.clone())
    }
    /// Nodes (`/api/nodes/`).
    pub fn nodes(&self) -> Nodes {
        Nodes::new(self.clone())
    }
    /// Clusters (`/api/clusters/`).
    pub fn clusters(&self) -> Clusters {
        Clusters::new(self.clone())
    }
    /// Resource pools (`/api/resource-pools/`).
    pub fn resource_pools(&self) -> ResourcePools {
        ResourcePools::new(self.clone())
    }
    /// Data pools (`/api/data-pools/`).
    pub fn data_pools(&self) -> DataPools {
        DataPools::new(self.clone())
    }
    /// Virtual disks (`/api/vdisks/`).
    pub fn vdisks(&self) -> VDisks {
        VDisks::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_offsets() {
        assert_eq!(
            next_offset(Some("https://c/api/domains/?limit=5&offset=10")),
            Some(10)
        );
        assert_eq!(next_offset(Some("https://c/api/domains/?limit=5")), None);
        assert_eq!(next_offset(None), None);
    }
}
