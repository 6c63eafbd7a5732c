//! Templates, networks and storage domains: what VMs are made from and placed on.
//!
//! Each kind pages like VMs and hosts (`search=name=.. sortby name asc page N` + `max`); the
//! name filter is also applied here, as for clusters, since the engine's search is
//! case-insensitive by default. A cluster filter has no search word on these collections, so
//! it reads the cluster's own view instead: `/clusters/{id}/networks` for networks (which
//! carries the cluster), the storage domains attached to the cluster's data center for
//! storage, and the template's `cluster` reference for templates.

use omnivirt_core::{
    ClusterId, Cursor, ListQuery, Network, NetworkId, Op, Page, Result, StoragePool, StoragePoolId,
    Template, TemplateId,
};

use super::{
    OvirtBackend, convert_kept, fetch_page, get_converted, numbered_page, page_of, page_size,
    simple_search, wrap,
};
use crate::convert;

fn name_ok(query: &ListQuery, name: &str) -> bool {
    query.name.as_ref().is_none_or(|f| f.matches(name))
}

/// A network as the cluster `c` sees it.
fn in_cluster(mut n: Network, c: &ClusterId) -> Network {
    n.cluster_id = Some(c.clone());
    n
}

impl OvirtBackend {
    pub(super) async fn templates_page(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Template>> {
        let page = page_of(cursor)?;
        let size = page_size(query, query.cluster.is_some());
        let list = self.conn.system().templates().list();
        let search = simple_search(query, page);
        let (raw, next) = fetch_page(list, search, size, page, Op::TemplateList).await?;
        let items = convert_kept(&raw, convert::template, |t| {
            name_ok(query, &t.name)
                && query
                    .cluster
                    .as_ref()
                    .is_none_or(|c| t.cluster_id.as_ref() == Some(c))
        })?;
        Ok(numbered_page(items, next).filtered_client_side(query.cluster.is_some()))
    }

    pub(super) async fn template(&self, id: &TemplateId) -> Result<Template> {
        let svc = self.conn.system().templates().template(id.as_str());
        get_converted(svc, Op::TemplateGet, convert::template).await
    }

    pub(super) async fn networks_page(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Network>> {
        if let Some(c) = &query.cluster {
            // A cluster's networks are few and its collection takes no search: one page.
            let raw = self
                .conn
                .system()
                .clusters()
                .cluster(c.as_str())
                .networks()
                .list()
                .send()
                .await
                .map_err(wrap(Op::NetworkList))?;
            let of_cluster = |n: &_| convert::network(n).map(|n| in_cluster(n, c));
            let items = convert_kept(&raw, of_cluster, |n| name_ok(query, &n.name))?;
            return Ok(Page::new(items, None).filtered_client_side(true));
        }
        let page = page_of(cursor)?;
        let size = page_size(query, false);
        let list = self.conn.system().networks().list();
        let search = simple_search(query, page);
        let (raw, next) = fetch_page(list, search, size, page, Op::NetworkList).await?;
        let items = convert_kept(&raw, convert::network, |n| name_ok(query, &n.name))?;
        Ok(numbered_page(items, next))
    }

    pub(super) async fn network(&self, id: &NetworkId) -> Result<Network> {
        let svc = self.conn.system().networks().network(id.as_str());
        get_converted(svc, Op::NetworkGet, convert::network).await
    }

    pub(super) async fn storage_page(
        &self,
        query: &ListQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<StoragePool>> {
        if let Some(c) = &query.cluster {
            return self.storage_of_cluster(query, c).await;
        }
        let page = page_of(cursor)?;
        let size = page_size(query, false);
        let list = self.conn.system().storage_domains().list();
        let search = simple_search(query, page);
        let (raw, next) = fetch_page(list, search, size, page, Op::StorageList).await?;
        let items = convert_kept(&raw, convert::storage_pool, |p| name_ok(query, &p.name))?;
        Ok(numbered_page(items, next))
    }

    /// The storage domains a cluster's VMs can use: those attached to its data center (that
    /// view also carries each domain's status in the data center).
    async fn storage_of_cluster(
        &self,
        query: &ListQuery,
        c: &ClusterId,
    ) -> Result<Page<StoragePool>> {
        let system = self.conn.system();
        let cluster = system
            .clusters()
            .cluster(c.as_str())
            .get()
            .send()
            .await
            .map_err(wrap(Op::StorageList))?;
        let Some(dc) = cluster.data_center.as_ref().and_then(|r| r.id()) else {
            return Ok(Page::new(Vec::new(), None).filtered_client_side(true));
        };
        let raw = system
            .data_centers()
            .data_center(dc)
            .storage_domains()
            .list()
            .send()
            .await
            .map_err(wrap(Op::StorageList))?;
        let items = convert_kept(&raw, convert::storage_pool, |p| name_ok(query, &p.name))?;
        Ok(Page::new(items, None).filtered_client_side(true))
    }

    pub(super) async fn storage_pool(&self, id: &StoragePoolId) -> Result<StoragePool> {
        let svc = self
            .conn
            .system()
            .storage_domains()
            .storage_domain(id.as_str());
        get_converted(svc, Op::StorageGet, convert::storage_pool).await
    }
}
