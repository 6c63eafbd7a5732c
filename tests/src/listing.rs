//! Listing cases: paging, ordering, every `ListQuery` filter, and the state filter for every
//! state the backend reports.

use std::collections::{BTreeMap, BTreeSet};

use omnivirt_core::{ListQuery, Op, Operation, OrderField, Vm, VmState};
use omnivirt_sim::Tick;

use crate::declared::StateFilter;
use crate::support::{at, ensure, first_cluster, needs, new_vm, new_vm_spec, vms_in, wait};
use crate::{CaseResult, Stop, Target};

/// A listing with a small page size walks every page; every VM has a cluster; the order by
/// name, descending, is honoured.
pub async fn listing_paginates(t: &Target) -> CaseResult {
    needs(t, &[Op::VmList])?;
    let page = t
        .client
        .vms()
        .page(&ListQuery::new().page_size(5), None)
        .await
        .map_err(at("first page"))?;
    ensure(page.items.len() <= 5, || {
        format!("page of {} items for page_size 5", page.items.len())
    })?;
    ensure(page.next.is_some(), || {
        "inventory has more than 5 VMs but no next cursor".into()
    })?;
    // A limit with no page size asks the server for that many (`ListQuery::request_size`), not
    // for a default page of hundreds.
    let limited = t
        .client
        .vms()
        .page(&ListQuery::new().limit(2), None)
        .await
        .map_err(at("page for limit 2"))?;
    ensure(limited.items.len() <= 2 && limited.next.is_some(), || {
        format!(
            "the page for limit 2 held {} VMs (next cursor: {})",
            limited.items.len(),
            limited.next.is_some()
        )
    })?;
    let all = vms_in(t, ListQuery::new().page_size(5))
        .await
        .map_err(at("paged list"))?;
    ensure(all.len() > 5, || format!("walked only {} VMs", all.len()))?;
    let ids: BTreeSet<&str> = all.iter().map(|v| v.id.as_str()).collect();
    ensure(ids.len() == all.len(), || {
        "a VM appeared twice while paging".into()
    })?;
    let big = vms_in(t, ListQuery::new().page_size(500))
        .await
        .map_err(at("unpaged list"))?;
    ensure(big.len() == all.len(), || {
        format!(
            "page size 5 gave {} VMs, page size 500 gave {}",
            all.len(),
            big.len()
        )
    })?;
    if let Some(world) = &t.world {
        let there = world.summary().vms;
        ensure(all.len() == there, || {
            format!("listed {} VMs, the simulator holds {there}", all.len())
        })?;
    }
    let homeless: Vec<&str> = all
        .iter()
        .filter(|v| v.cluster_id.is_none())
        .map(|v| v.name.as_str())
        .collect();
    ensure(homeless.is_empty(), || {
        format!("VMs without a cluster: {homeless:?}")
    })?;
    let desc = t
        .client
        .vms()
        .page(
            &ListQuery::new()
                .order_by(OrderField::Name, true)
                .page_size(3),
            None,
        )
        .await
        .map_err(at("list by name, descending"))?;
    let names: Vec<&str> = desc.items.iter().map(|v| v.name.as_str()).collect();
    ensure(names.len() > 1 && names.is_sorted_by(|a, b| a >= b), || {
        format!("by name, descending, the first page is {names:?}")
    })?;
    Ok(())
}

/// Each `ListQuery` filter returns exactly the VMs the filter selects from the whole listing.
pub async fn list_filters(t: &Target) -> CaseResult {
    needs(t, &[Op::VmList])?;
    let all = vms_in(t, ListQuery::new()).await.map_err(at("list all"))?;
    let Some(sample) = all
        .iter()
        .find(|v| v.state == VmState::Running && v.host_id.is_some() && v.cluster_id.is_some())
    else {
        return Err("inventory has no running VM placed on a host"
            .to_owned()
            .into());
    };
    let fragment: String = sample.name.chars().skip(1).take(4).collect();
    let queries = [
        ("name_contains", ListQuery::new().name_contains(fragment)),
        (
            "name_equals",
            ListQuery::new().name_equals(sample.name.clone()),
        ),
        ("state running", ListQuery::new().vm_state(VmState::Running)),
        ("state stopped", ListQuery::new().vm_state(VmState::Stopped)),
        (
            "cluster",
            ListQuery::new().cluster(sample.cluster_id.clone().unwrap()),
        ),
        (
            "host",
            ListQuery::new().host(sample.host_id.clone().unwrap()),
        ),
        (
            "combined",
            ListQuery::new()
                .vm_state(VmState::Running)
                .cluster(sample.cluster_id.clone().unwrap()),
        ),
    ];
    for (label, q) in queries {
        // Small pages, so that a backend filtering client-side meets pages with no match.
        let got = vms_in(t, q.clone().page_size(7)).await.map_err(at(label))?;
        let want: Vec<&str> = all
            .iter()
            .filter(|v| q.matches_vm(v))
            .map(|v| v.id.as_str())
            .collect();
        ensure(!want.is_empty(), || {
            format!("{label}: the sample should match something")
        })?;
        same_ids(label, &got, want)?;
    }
    Ok(())
}

fn same_ids(label: &str, got: &[Vm], mut want: Vec<&str>) -> Result<(), String> {
    let mut have: Vec<&str> = got.iter().map(|v| v.id.as_str()).collect();
    want.sort_unstable();
    have.sort_unstable();
    ensure(have == want, || {
        let extra: Vec<_> = have.iter().filter(|i| !want.contains(i)).collect();
        let missing: Vec<_> = want.iter().filter(|i| !have.contains(i)).collect();
        format!(
            "{label}: got {} VMs, expected {}; unexpected {extra:?}, missing {missing:?}",
            have.len(),
            want.len()
        )
    })
}

/// Every page of `q`, and whether any page says it was filtered client-side.
async fn walk(t: &Target, q: &ListQuery) -> omnivirt_core::Result<(Vec<Vm>, bool)> {
    let (mut items, mut client_side, mut cursor) = (Vec::new(), false, None);
    loop {
        let page = t.client.vms().page(q, cursor.as_ref()).await?;
        client_side |= page.filtered_client_side;
        items.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok((items, client_side)),
        }
    }
}

/// Keeps every task of the world open until [`thaw`], so that VMs stay mid-change while the
/// suite lists them.
fn freeze(t: &Target) -> Option<Tick> {
    let world = t.world.as_ref()?;
    let before = world.tick();
    world.set_tick(Tick::PerPoll { steps: u32::MAX });
    Some(before)
}

fn thaw(t: &Target, tick: Option<Tick>) {
    if let (Some(world), Some(tick)) = (&t.world, tick) {
        world.set_tick(tick);
    }
}

/// VMs driven into every state the uniform API can put them in (stopped, running, suspended,
/// and each change held half-way); then, for every `VmState`, `ListQuery::vm_state` returns
/// exactly the VMs the whole listing shows in that state, the states the target declares are
/// all seen, and the filter runs natively or client-side as declared.
pub async fn vm_state_filters(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::VmList,
            Op::VmCreate,
            Op::VmStart,
            Op::VmStop,
            Op::VmReboot,
            Op::VmSuspend,
            Op::VmResume,
            Op::VmMigrate,
            Op::VmDelete,
            Op::ClusterList,
        ],
    )?;
    if t.world.is_none() && !t.faults_recorded {
        return Err(Stop::Skip(
            "no simulator world to hold VMs mid-change in".into(),
        ));
    }
    let mut vms = Vec::new();
    for i in 0..8 {
        let name = format!("conf-state-{i}");
        vms.push(new_vm(t, &name).await.map_err(at(&name))?);
    }
    for vm in &vms[2..] {
        wait(t.client.vms().start(&vm.id).await, "start").await?;
    }
    for vm in &vms[6..] {
        wait(t.client.vms().suspend(&vm.id).await, "suspend").await?;
    }
    let cluster = first_cluster(t).await?;
    let tick = freeze(t);
    let held = hold_mid_change(t, &vms, cluster).await;
    let checked = match &held {
        Ok(_) => check_state_filters(t).await,
        Err(_) => Ok(()),
    };
    thaw(t, tick);
    let (creating, deleting, changes) = held?;
    wait(Ok(creating), "create").await?;
    wait(Ok(deleting), "delete").await?;
    for (what, op) in changes {
        wait(Ok(op), what).await?;
    }
    checked
}

type Held = (
    Operation<Vm>,
    Operation<()>,
    Vec<(&'static str, Operation<Vm>)>,
);

/// Submits one change per VM without waiting: create, start, delete, stop, reboot, suspend,
/// migrate, resume; the eighth VM stays suspended.
async fn hold_mid_change(
    t: &Target,
    vms: &[Vm],
    cluster: omnivirt_core::ClusterId,
) -> Result<Held, String> {
    let api = t.client.vms();
    let creating = api
        .create(&new_vm_spec(cluster, "conf-state-8"))
        .await
        .map_err(at("create"))?;
    let deleting = api.delete(&vms[1].id).await.map_err(at("delete"))?;
    let mut changes = Vec::new();
    changes.push(("start", api.start(&vms[0].id).await));
    changes.push(("stop", api.stop(&vms[2].id).await));
    changes.push(("reboot", api.reboot(&vms[3].id).await));
    changes.push(("suspend", api.suspend(&vms[4].id).await));
    changes.push(("migrate", api.migrate(&vms[5].id, None).await));
    changes.push(("resume", api.resume(&vms[6].id).await));
    let mut ops = Vec::new();
    for (what, op) in changes {
        ops.push((what, op.map_err(at(what))?));
    }
    Ok((creating, deleting, ops))
}

async fn check_state_filters(t: &Target) -> CaseResult {
    let all = vms_in(t, ListQuery::new().page_size(500))
        .await
        .map_err(at("list all"))?;
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for v in &all {
        *seen.entry(v.state.as_str()).or_default() += 1;
    }
    let missing: Vec<&str> = t
        .vm_states
        .iter()
        .filter(|(s, _)| !seen.contains_key(s.as_str()))
        .map(|(s, _)| s.as_str())
        .collect();
    ensure(missing.is_empty(), || {
        format!("declared states not reported: {missing:?}; the listing shows {seen:?}")
    })?;
    let undeclared: Vec<&str> = seen
        .keys()
        .filter(|s| !t.vm_states.iter().any(|(d, _)| d.as_str() == **s))
        .copied()
        .collect();
    ensure(undeclared.is_empty(), || {
        format!("reported states the target does not declare: {undeclared:?}; {seen:?}")
    })?;
    for state in VmState::ALL.iter().copied() {
        let label = format!("state {state}");
        let q = ListQuery::new().vm_state(state);
        let (got, client_side) = walk(t, &q.page_size(25)).await.map_err(at(&label))?;
        let wrong: Vec<String> = got
            .iter()
            .filter(|v| v.state != state)
            .map(|v| format!("{} ({})", v.name, v.state))
            .collect();
        ensure(wrong.is_empty(), || {
            format!("{label}: returned VMs in other states: {wrong:?}")
        })?;
        let want = all
            .iter()
            .filter(|v| v.state == state)
            .map(|v| v.id.as_str())
            .collect();
        same_ids(&label, &got, want)?;
        if let Some((_, how)) = t.vm_states.iter().find(|(s, _)| *s == state) {
            ensure(client_side == (*how == StateFilter::ClientSide), || {
                format!(
                    "{label}: declared {how:?}, but the pages say filtered_client_side = {client_side}"
                )
            })?;
        }
    }
    Ok(())
}
