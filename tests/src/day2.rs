//! Day-two cases: reconfigure, snapshots, clone, NICs and IPs, console, events, host
//! maintenance, and reading many VMs at once.

use futures::TryStreamExt;
use omnivirt_core::{
    CloneSpec, EventQuery, HostState, ListQuery, NicSpec, Op, SnapshotSpec, SnapshotState, VmId,
    VmState, VmUpdate,
};

use crate::support::{NEW_VM_MEMORY, NEW_VM_VCPUS, at, ensure, needs, new_vm, wait};
use crate::{CaseResult, Target};

async fn delete(t: &Target, id: &VmId) -> Result<(), String> {
    wait(t.client.vms().delete(id).await, "vm delete").await
}

/// Rename, describe and resize a stopped VM; every change reads back.
pub async fn reconfigure(t: &Target) -> CaseResult {
    needs(t, &[Op::VmCreate, Op::VmUpdate, Op::VmGet, Op::VmDelete])?;
    let vm = new_vm(t, "conf-update").await.map_err(at("create"))?;
    let update = VmUpdate::new()
        .name("conf-updated")
        .description("resized by the suite")
        .vcpus(NEW_VM_VCPUS * 2)
        .memory_bytes(NEW_VM_MEMORY * 2);
    let op = t.client.vms().update(&vm.id, &update).await;
    let restart = op.as_ref().is_ok_and(|o| o.submitted().restart_required);
    ensure(!restart, || {
        "a stopped VM's update asked for a restart".into()
    })?;
    let got = wait(op, "vm update").await?;
    let again = t.client.vms().get(&vm.id).await.map_err(at("get"))?;
    for v in [&got, &again] {
        ensure(v.name == "conf-updated", || format!("name is {}", v.name))?;
        ensure(v.vcpus == Some(NEW_VM_VCPUS * 2), || {
            format!("vcpus are {:?}", v.vcpus)
        })?;
        ensure(v.memory_bytes == Some(NEW_VM_MEMORY * 2), || {
            format!("memory is {:?}", v.memory_bytes)
        })?;
        ensure(
            v.description.as_deref() == Some("resized by the suite"),
            || format!("description is {:?}", v.description),
        )?;
    }
    let empty = t.client.vms().update(&vm.id, &VmUpdate::new()).await;
    ensure(
        matches!(&empty, Err(e) if e.kind() == omnivirt_core::ErrorKind::InvalidInput),
        || format!("an empty update gave {:?}", empty.map(|_| ())),
    )?;
    delete(t, &vm.id).await?;
    Ok(())
}

/// Snapshot a VM, change it, revert (the change is undone), delete the snapshot.
pub async fn snapshots(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::VmCreate,
            Op::SnapshotList,
            Op::SnapshotCreate,
            Op::SnapshotRevert,
            Op::SnapshotDelete,
            Op::VmUpdate,
            Op::VmDelete,
        ],
    )?;
    let vm = new_vm(t, "conf-snap").await.map_err(at("create"))?;
    // Name only: oVirt and CloudTower snapshots carry one text, and refuse a description.
    let spec = SnapshotSpec::new("before-resize");
    let snap = wait(
        t.client.vms().create_snapshot(&vm.id, &spec).await,
        "snapshot create",
    )
    .await?;
    ensure(
        snap.name == "before-resize" && snap.vm_id == vm.id && snap.state == SnapshotState::Ready,
        || format!("snapshot came back as {snap:?}"),
    )?;
    let listed = t.client.vms().snapshots(&vm.id).await.map_err(at("list"))?;
    ensure(listed.iter().any(|s| s.id == snap.id), || {
        format!("snapshot {} not listed: {listed:?}", snap.id)
    })?;
    wait(
        t.client
            .vms()
            .update(&vm.id, &VmUpdate::new().vcpus(NEW_VM_VCPUS * 2))
            .await,
        "vm update",
    )
    .await?;
    let reverted = wait(
        t.client.vms().revert_snapshot(&vm.id, &snap.id).await,
        "snapshot revert",
    )
    .await?;
    ensure(reverted.vcpus == Some(NEW_VM_VCPUS), || {
        format!(
            "after the revert the VM has {:?} vCPUs, the snapshot had {NEW_VM_VCPUS}",
            reverted.vcpus
        )
    })?;
    wait(
        t.client.vms().delete_snapshot(&vm.id, &snap.id).await,
        "snapshot delete",
    )
    .await?;
    let left = t.client.vms().snapshots(&vm.id).await.map_err(at("list"))?;
    ensure(!left.iter().any(|s| s.id == snap.id), || {
        format!("snapshot {} still listed after delete", snap.id)
    })?;
    let missing = t
        .client
        .vms()
        .revert_snapshot(&vm.id, &snap.id)
        .await
        .map(|_| ());
    ensure(
        matches!(&missing, Err(e) if e.kind() == omnivirt_core::ErrorKind::NotFound),
        || format!("reverting to a deleted snapshot gave {missing:?}"),
    )?;
    delete(t, &vm.id).await?;
    Ok(())
}

/// Clone a VM: the copy is a new stopped VM with the source's size.
pub async fn clone(t: &Target) -> CaseResult {
    needs(t, &[Op::VmCreate, Op::VmClone, Op::VmDelete])?;
    let vm = new_vm(t, "conf-clone-src").await.map_err(at("create"))?;
    let copy = wait(
        t.client
            .vms()
            .clone_vm(&vm.id, &CloneSpec::new("conf-clone"))
            .await,
        "vm clone",
    )
    .await?;
    ensure(copy.id != vm.id && copy.name == "conf-clone", || {
        format!("the clone came back as {} {}", copy.id, copy.name)
    })?;
    ensure(
        copy.vcpus == vm.vcpus && copy.memory_bytes == vm.memory_bytes,
        || {
            format!(
                "the clone has {:?} vCPUs / {:?} bytes, the source {:?} / {:?}",
                copy.vcpus, copy.memory_bytes, vm.vcpus, vm.memory_bytes
            )
        },
    )?;
    ensure(copy.state == VmState::Stopped, || {
        format!("the clone is {}", copy.state)
    })?;
    delete(t, &copy.id).await?;
    delete(t, &vm.id).await?;
    Ok(())
}

/// Plug a NIC into a network, start the VM, see its address on the VM and on the NIC; unplug.
pub async fn nics_and_ips(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::VmCreate,
            Op::NicList,
            Op::NicAdd,
            Op::NicRemove,
            Op::NetworkList,
            Op::VmStart,
            Op::VmForceStop,
            Op::VmDelete,
        ],
    )?;
    let net = t
        .client
        .networks()
        .list(ListQuery::new().limit(1))
        .try_collect::<Vec<_>>()
        .await
        .map_err(at("network list"))?
        .pop()
        .ok_or_else(|| "no network to plug into".to_owned())?;
    let vm = new_vm(t, "conf-nic").await.map_err(at("create"))?;
    let before = t.client.vms().nics(&vm.id).await.map_err(at("nic list"))?;
    let nic = wait(
        t.client
            .vms()
            // No name: CloudTower NICs have none, ZStack names them itself.
            .add_nic(&vm.id, &NicSpec::new(net.id.clone()))
            .await,
        "nic add",
    )
    .await?;
    ensure(nic.network_id.as_ref() == Some(&net.id), || {
        format!("NIC is on {:?}, asked for {}", nic.network_id, net.id)
    })?;
    ensure(nic.mac.as_deref().is_some_and(|m| m.len() == 17), || {
        format!("NIC MAC is {:?}", nic.mac)
    })?;
    let after = t.client.vms().nics(&vm.id).await.map_err(at("nic list"))?;
    ensure(after.len() == before.len() + 1, || {
        format!(
            "{} NICs before the add, {} after",
            before.len(),
            after.len()
        )
    })?;
    let running = wait(t.client.vms().start(&vm.id).await, "vm start").await?;
    ensure(!running.ips.is_empty(), || {
        "a running VM with a NIC reports no IP".into()
    })?;
    let nics = t.client.vms().nics(&vm.id).await.map_err(at("nic list"))?;
    let on_nics: Vec<&String> = nics.iter().flat_map(|n| &n.ips).collect();
    ensure(running.ips.iter().all(|ip| on_nics.contains(&ip)), || {
        format!("VM IPs {:?}, NIC IPs {on_nics:?}", running.ips)
    })?;
    wait(t.client.vms().force_stop(&vm.id).await, "vm force stop").await?;
    wait(
        t.client.vms().remove_nic(&vm.id, &nic.id).await,
        "nic remove",
    )
    .await?;
    let last = t.client.vms().nics(&vm.id).await.map_err(at("nic list"))?;
    ensure(!last.iter().any(|n| n.id == nic.id), || {
        format!("NIC {} still listed after remove", nic.id)
    })?;
    delete(t, &vm.id).await?;
    Ok(())
}

/// A running VM has a console; its ticket never prints.
pub async fn console(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::VmCreate,
            Op::VmStart,
            Op::VmConsole,
            Op::VmForceStop,
            Op::VmDelete,
        ],
    )?;
    let vm = new_vm(t, "conf-console").await.map_err(at("create"))?;
    wait(t.client.vms().start(&vm.id).await, "vm start").await?;
    let c = t
        .client
        .vms()
        .console(&vm.id)
        .await
        .map_err(at("console"))?;
    ensure(
        c.url.is_some() || (c.host.is_some() && c.port.is_some()),
        || format!("console has neither a URL nor host and port: {c:?}"),
    )?;
    if let Some(ticket) = &c.ticket {
        let shown = format!("{c:?}");
        ensure(!ticket.expose().is_empty(), || "empty ticket".into())?;
        // A replayed cassette holds the ticket already scrubbed to the redaction mark, which
        // Debug prints too; only a real ticket can leak.
        let scrubbed = ticket.expose() == "***";
        ensure(scrubbed || !shown.contains(ticket.expose()), || {
            "the console's Debug shows its ticket".into()
        })?;
    }
    wait(t.client.vms().force_stop(&vm.id).await, "vm force stop").await?;
    delete(t, &vm.id).await?;
    Ok(())
}

/// What the suite does shows up as events naming the VM, newest first; `since` and `limit`
/// narrow the listing.
pub async fn events(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::VmCreate,
            Op::VmStart,
            Op::VmForceStop,
            Op::VmDelete,
            Op::EventList,
        ],
    )?;
    let vm = new_vm(t, "conf-events").await.map_err(at("create"))?;
    wait(t.client.vms().start(&vm.id).await, "vm start").await?;
    let about: Vec<_> = t
        .client
        .events()
        .list(EventQuery::new().vm(vm.id.clone()))
        .try_collect()
        .await
        .map_err(at("event list"))?;
    ensure(about.len() >= 2, || {
        format!(
            "{} events name VM {} after create and start",
            about.len(),
            vm.id
        )
    })?;
    ensure(about.iter().all(|e| e.names_vm(&vm.id)), || {
        "the VM filter let through an event about another object".into()
    })?;
    ensure(about.windows(2).all(|w| w[0].time >= w[1].time), || {
        "events are not newest first".into()
    })?;
    let newest = about[0].time.clone();
    let since: Vec<_> = t
        .client
        .events()
        .list(EventQuery::new().since(newest.clone()))
        .try_collect()
        .await
        .map_err(at("event list since"))?;
    ensure(
        !since.is_empty() && since.iter().all(|e| e.time >= newest),
        || format!("since {newest} listed {since:?}"),
    )?;
    let one: Vec<_> = t
        .client
        .events()
        .list(EventQuery::new().limit(1))
        .try_collect()
        .await
        .map_err(at("event list limit"))?;
    ensure(one.len() == 1, || format!("limit 1 listed {}", one.len()))?;
    wait(t.client.vms().force_stop(&vm.id).await, "vm force stop").await?;
    delete(t, &vm.id).await?;
    Ok(())
}

/// A host with a peer goes into maintenance (its VMs leave it) and comes back up.
pub async fn host_maintenance(t: &Target) -> CaseResult {
    needs(
        t,
        &[
            Op::HostList,
            Op::HostGet,
            Op::HostMaintenanceEnter,
            Op::HostMaintenanceExit,
            Op::VmList,
        ],
    )?;
    let hosts: Vec<_> = t
        .client
        .hosts()
        .list(ListQuery::new())
        .try_collect()
        .await
        .map_err(at("host list"))?;
    let host = hosts
        .iter()
        .find(|h| {
            h.state == HostState::Up
                && hosts.iter().any(|o| {
                    o.id != h.id && o.state == HostState::Up && o.cluster_id == h.cluster_id
                })
        })
        .ok_or_else(|| "no up host with an up peer in its cluster".to_owned())?;
    let entered = wait(
        t.client.hosts().enter_maintenance(&host.id).await,
        "maintenance enter",
    )
    .await?;
    ensure(entered.state == HostState::Maintenance, || {
        format!("host is {} after entering maintenance", entered.state)
    })?;
    let left_on: Vec<_> = t
        .client
        .vms()
        .list(
            ListQuery::new()
                .host(host.id.clone())
                .vm_state(VmState::Running),
        )
        .try_collect()
        .await
        .map_err(at("vm list"))?;
    ensure(left_on.is_empty(), || {
        format!("{} VMs still run on a host in maintenance", left_on.len())
    })?;
    let again = t
        .client
        .hosts()
        .enter_maintenance(&host.id)
        .await
        .map(|_| ());
    ensure(again.is_err(), || {
        "entering maintenance twice was accepted".into()
    })?;
    let back = wait(
        t.client.hosts().exit_maintenance(&host.id).await,
        "maintenance exit",
    )
    .await?;
    ensure(back.state == HostState::Up, || {
        format!("host is {} after leaving maintenance", back.state)
    })?;
    Ok(())
}

/// Many VMs read at once: the known ones come back, an unknown id is left out.
pub async fn vm_get_many(t: &Target) -> CaseResult {
    needs(t, &[Op::VmList, Op::VmGet])?;
    let some: Vec<_> = t
        .client
        .vms()
        .list(ListQuery::new().limit(3))
        .try_collect()
        .await
        .map_err(at("vm list"))?;
    let mut ids: Vec<VmId> = some.iter().map(|v| v.id.clone()).collect();
    let unknown = match some.first() {
        Some(v) => VmId::new(format!("{}0", v.id)),
        None => VmId::new("no-such-vm"),
    };
    ids.push(unknown.clone());
    let got = t
        .client
        .vms()
        .get_many(&ids)
        .await
        .map_err(at("get_many"))?;
    ensure(got.len() == some.len(), || {
        format!(
            "asked for {} known VMs and one unknown, got {}",
            some.len(),
            got.len()
        )
    })?;
    ensure(
        some.iter().all(|v| got.iter().any(|g| g.id == v.id))
            && !got.iter().any(|g| g.id == unknown),
        || "get_many returned the wrong VMs".into(),
    )?;
    Ok(())
}
