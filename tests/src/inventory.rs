//! Templates, networks and storage pools: what VMs are made from and placed on.

use futures::TryStreamExt;
use omnivirt_core::{ListQuery, Op};

use crate::support::{ensure, needs};
use crate::{CaseResult, Target};

/// Each kind lists (non-empty: every platform has at least one of each), every listed object
/// reads back by id with the same name, a name filter finds it, and a storage pool's free space
/// is within its capacity.
pub async fn inventory(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::TemplateList,
            Op::TemplateGet,
            Op::NetworkList,
            Op::NetworkGet,
            Op::StorageList,
            Op::StorageGet,
        ],
    )?;
    let c = &t.client;

    let templates: Vec<_> = c.templates().list(ListQuery::new()).try_collect().await?;
    ensure(!templates.is_empty(), || "no templates listed".into())?;
    for tpl in templates.iter().take(3) {
        let got = c.templates().get(&tpl.id).await?;
        ensure(got.id == tpl.id && got.name == tpl.name, || {
            format!("template {} read back as {got:?}", tpl.id)
        })?;
    }
    let named: Vec<_> = c
        .templates()
        .list(ListQuery::new().name_equals(&templates[0].name))
        .try_collect()
        .await?;
    ensure(named.iter().any(|x| x.id == templates[0].id), || {
        format!("name filter missed template {}", templates[0].name)
    })?;

    let networks: Vec<_> = c.networks().list(ListQuery::new()).try_collect().await?;
    ensure(!networks.is_empty(), || "no networks listed".into())?;
    for net in networks.iter().take(3) {
        let got = c.networks().get(&net.id).await?;
        ensure(got.id == net.id && got.name == net.name, || {
            format!("network {} read back as {got:?}", net.id)
        })?;
    }

    let pools: Vec<_> = c
        .storage_pools()
        .list(ListQuery::new())
        .try_collect()
        .await?;
    ensure(!pools.is_empty(), || "no storage pools listed".into())?;
    for pool in &pools {
        if let (Some(cap), Some(free)) = (pool.capacity_bytes, pool.free_bytes) {
            ensure(free <= cap, || {
                format!("pool {} has {free} free of {cap}", pool.id)
            })?;
        }
    }
    let got = c.storage_pools().get(&pools[0].id).await?;
    ensure(got.id == pools[0].id && got.name == pools[0].name, || {
        format!("storage pool {} read back as {got:?}", pools[0].id)
    })?;
    Ok(())
}
