//! Templates, networks and storage pools through the [`Client`].

use futures::stream::BoxStream;

use super::Client;
use crate::error::Result;
use crate::inventory::{Network, StoragePool, Template};
use crate::model::{NetworkId, StoragePoolId, TemplateId};
use crate::op::Op;
use crate::query::ListQuery;

impl Client {
    /// Template, image and ISO operations.
    pub fn templates(&self) -> TemplateApi<'_> {
        TemplateApi { c: self }
    }

    /// Network operations.
    pub fn networks(&self) -> NetworkApi<'_> {
        NetworkApi { c: self }
    }

    /// Storage pool operations.
    pub fn storage_pools(&self) -> StorageApi<'_> {
        StorageApi { c: self }
    }
}

/// Template operations. Get it from [`Client::templates`].
#[derive(Debug, Clone, Copy)]
pub struct TemplateApi<'a> {
    c: &'a Client,
}

impl TemplateApi<'_> {
    /// Every template, image and ISO matching `query` (name filters apply).
    pub fn list(&self, query: ListQuery) -> BoxStream<'static, Result<Template>> {
        self.c.stream(
            Op::TemplateList,
            query,
            |x: &Template| x.id.as_str(),
            |b, q, cur| Box::pin(async move { b.list_templates(&q, cur.as_ref()).await }),
        )
    }

    /// One template, image or ISO.
    pub async fn get(&self, id: &TemplateId) -> Result<Template> {
        self.c
            .call(Op::TemplateGet, self.c.backend.get_template(id))
            .await
    }
}

/// Network operations. Get it from [`Client::networks`].
#[derive(Debug, Clone, Copy)]
pub struct NetworkApi<'a> {
    c: &'a Client,
}

impl NetworkApi<'_> {
    /// Every network matching `query` (name and cluster filters apply).
    pub fn list(&self, query: ListQuery) -> BoxStream<'static, Result<Network>> {
        self.c.stream(
            Op::NetworkList,
            query,
            |x: &Network| x.id.as_str(),
            |b, q, cur| Box::pin(async move { b.list_networks(&q, cur.as_ref()).await }),
        )
    }

    /// One network.
    pub async fn get(&self, id: &NetworkId) -> Result<Network> {
        self.c
            .call(Op::NetworkGet, self.c.backend.get_network(id))
            .await
    }
}

/// Storage pool operations. Get it from [`Client::storage_pools`].
#[derive(Debug, Clone, Copy)]
pub struct StorageApi<'a> {
    c: &'a Client,
}

impl StorageApi<'_> {
    /// Every storage pool matching `query` (name and cluster filters apply).
    pub fn list(&self, query: ListQuery) -> BoxStream<'static, Result<StoragePool>> {
        self.c.stream(
            Op::StorageList,
            query,
            |x: &StoragePool| x.id.as_str(),
            |b, q, cur| Box::pin(async move { b.list_storage_pools(&q, cur.as_ref()).await }),
        )
    }

    /// One storage pool.
    pub async fn get(&self, id: &StoragePoolId) -> Result<StoragePool> {
        self.c
            .call(Op::StorageGet, self.c.backend.get_storage_pool(id))
            .await
    }
}
