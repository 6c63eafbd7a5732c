//! Creating a VM from a full spec: a template, NICs on networks of its cluster, storage, user
//! data and tags, each part used where the backend declares it.

use futures::TryStreamExt;
use omnivirt_core::{ErrorKind, ListQuery, Network, NicSpec, Op, VmSource};

use crate::support::{at, ensure, first_cluster, needs, new_vm_spec, wait};
use crate::{CaseResult, Target};

/// The user data the case sends; it must never show in the spec's Debug output.
const USER_DATA: &str = "#cloud-config\npassword: conformance-secret-7f3a\n";

/// A VM created with NICs and tags comes up with exactly those NICs, in order, and those tags;
/// storage, user data and a template are added where the backend supports them.
pub async fn create_from_spec(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::VmCreate,
            Op::VmCreateNics,
            Op::VmCreateTags,
            Op::NetworkList,
            Op::NicList,
            Op::VmGet,
            Op::VmDelete,
        ],
    )?;
    let caps = t.client.capabilities();
    let cluster = first_cluster(t).await?;
    let in_cluster = ListQuery::new().cluster(cluster.clone());
    let networks: Vec<_> = match t
        .client
        .networks()
        .list(in_cluster.clone())
        .try_collect()
        .await
    {
        Ok(n) => n,
        // Controller-wide networks (VeiL) take no cluster filter: use those a VM of the
        // cluster is plugged into.
        Err(e) if e.kind() == ErrorKind::InvalidInput => networks_in_use(t, &in_cluster).await?,
        Err(e) => return Err(at("network list")(e).into()),
    };
    let net = networks
        .iter()
        .find(|n| n.cluster_id.as_ref().is_none_or(|c| c == &cluster))
        .ok_or_else(|| format!("no network in cluster {cluster}"))?;
    let mut spec = new_vm_spec(cluster.clone(), "conf-spec")
        .network(NicSpec::new(net.id.clone()))
        .network(NicSpec::new(net.id.clone()))
        .tag("conformance")
        .tag("spec");
    if caps.supports(Op::VmCreateStorage) && caps.supports(Op::StorageList) {
        let pools: Vec<_> = t
            .client
            .storage_pools()
            .list(in_cluster.clone())
            .try_collect()
            .await
            .map_err(at("storage list"))?;
        if let Some(p) = pools.first() {
            spec = spec.storage(p.id.clone());
        }
    }
    if caps.supports(Op::VmCreateUserData) {
        spec = spec.user_data(USER_DATA);
        ensure(!format!("{spec:?}").contains("conformance-secret"), || {
            "the spec's Debug shows its user data".into()
        })?;
    }
    // Up to two templates the cluster can use: a vendor's built-in one (oVirt's Blank) brings
    // no NIC, a real one may, and either way the VM must have exactly the spec's NICs.
    let mut sources = vec![None];
    if caps.supports(Op::TemplateList) {
        let templates: Vec<_> = t
            .client
            .templates()
            .list(ListQuery::new().limit(20))
            .try_collect()
            .await
            .map_err(at("template list"))?;
        let usable = templates
            .iter()
            .filter(|x| x.cluster_id.as_ref().is_none_or(|c| c == &cluster));
        let picked: Vec<_> = usable.take(2).map(|x| Some(x.id.clone())).collect();
        if !picked.is_empty() {
            sources = picked;
        }
    }
    let base = spec.name.clone();
    for (i, source) in sources.into_iter().enumerate() {
        let mut spec = spec.clone();
        spec.name = format!("{base}-{i}");
        if let Some(tpl) = &source {
            spec = spec.template(tpl.as_str());
        }
        let vm = wait(t.client.vms().create(&spec).await, "vm create").await?;
        let vm = t.client.vms().get(&vm.id).await.map_err(at("vm get"))?;
        let result = check(t, &vm, &spec, net).await;
        wait(t.client.vms().delete(&vm.id).await, "vm delete").await?;
        result?;
    }
    Ok(())
}

async fn check(
    t: &Target,
    vm: &omnivirt_core::Vm,
    spec: &omnivirt_core::VmSpec,
    net: &omnivirt_core::Network,
) -> CaseResult {
    for tag in &spec.tags {
        ensure(vm.tags.contains(tag), || {
            format!("VM tags are {:?}; {tag} is missing", vm.tags)
        })?;
    }
    let nics = t.client.vms().nics(&vm.id).await.map_err(at("nic list"))?;
    ensure(nics.len() == spec.networks.len(), || {
        format!(
            "asked for {} NICs, the VM has {}: {nics:?}",
            spec.networks.len(),
            nics.len()
        )
    })?;
    ensure(
        nics.iter().all(|n| n.network_id.as_ref() == Some(&net.id)),
        || format!("NICs are not all on {}: {nics:?}", net.id),
    )?;
    if let VmSource::Template(tpl) = &spec.source {
        ensure(vm.vcpus.is_some(), || {
            format!("VM from template {tpl} reports no vCPUs")
        })?;
    }
    Ok(())
}

/// The networks the NICs of a few VMs of the cluster are on.
async fn networks_in_use(t: &Target, in_cluster: &ListQuery) -> Result<Vec<Network>, String> {
    let vms: Vec<_> = t
        .client
        .vms()
        .list(in_cluster.clone().limit(5))
        .try_collect()
        .await
        .map_err(at("vm list"))?;
    let mut used = Vec::new();
    for vm in vms.iter().take(5) {
        for nic in t.client.vms().nics(&vm.id).await.map_err(at("nic list"))? {
            used.extend(nic.network_id);
        }
    }
    let all: Vec<Network> = t
        .client
        .networks()
        .list(ListQuery::new())
        .try_collect()
        .await
        .map_err(at("network list"))?;
    Ok(all.into_iter().filter(|n| used.contains(&n.id)).collect())
}
