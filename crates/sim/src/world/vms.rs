//! VMs: reads, creation, the power state machine, migration, deletion and updates.

use std::sync::Arc;

use omnivirt_core::{
    DiskId, DiskState, Extra, Op, PowerAction, ResourceRef, TaskId, VmId, VmState,
};

use super::table::{owned, page, page_by_as, page_named_as, shared};
use super::tasks::Effect;
use super::{GIB, Inner, NewVm, World};
use crate::error::{SimError, SimResult};
use crate::model::{SimDisk, SimVm, Submission};
use crate::query::{Filter, Listing, Paging, SortBy};

/// A page of VMs: a name-ordered page without an id list walks the World's name index (VM
/// names are unique), so it costs the page, not a sort of every VM; any other page is
/// [`page_by`]'s.
/// Each VM is returned as `out` makes it: a copy, or the World's shared snapshot.
fn vm_page<O>(
    g: &Inner,
    filter: &Filter,
    paging: &Paging,
    keep: impl Fn(&SimVm) -> bool,
    every: bool,
    out: impl Fn(&Arc<SimVm>) -> O,
) -> Listing<O> {
    if paging.sort == SortBy::Name && filter.ids.is_none() {
        page_named_as(&g.vms, &g.vm_names, paging, keep, every, out)
    } else {
        page_by_as(&g.vms, filter.ids.as_deref(), paging, keep, every, out)
    }
}

impl World {
    /// One VM. **Observes** the VM's running task (advances it one step in per-poll mode,
    /// checks the clock in wall mode) before reading, so polling the object converges.
    /// `NotFound` once deleted.
    pub fn get_vm(&self, id: &str) -> SimResult<SimVm> {
        let mut g = self.lock();
        if let Some(t) = g.vms.get(id).and_then(|v| v.task_id.clone()) {
            g.observe(t.as_str());
        }
        g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))
    }

    /// One VM without observing its task (use it to build a mutation's response).
    pub fn peek_vm(&self, id: &str) -> SimResult<SimVm> {
        self.lock()
            .vms
            .get(id)
            .cloned()
            .ok_or_else(|| vm_not_found(id))
    }

    /// The VM named `name`, without observing.
    pub fn find_vm_by_name(&self, name: &str) -> Option<SimVm> {
        let g = self.lock();
        let id = g.vm_names.get(name)?;
        g.vms.get(id.as_str()).cloned()
    }

    /// VMs matching `filter` (ids, name, VM states, cluster, host), in `paging` order.
    /// **Observes** the running task of every VM returned, then re-checks the filter against
    /// the new state (a VM that no longer matches is left out of this page).
    pub fn list_vms(&self, filter: &Filter, paging: &Paging) -> Listing<SimVm> {
        let l = self.list_vms_shared(filter, paging);
        Listing {
            items: l.items.iter().map(owned).collect(),
            total: l.total,
            next_offset: l.next_offset,
        }
    }

    /// [`list_vms`](Self::list_vms) as the World's shared snapshots of the VMs: what a skin
    /// that only renders the page takes, so no VM is copied. A snapshot never changes; the
    /// World copies a VM it changes while a snapshot of it is held.
    #[cfg_attr(not(feature = "ovirt"), allow(dead_code))]
    pub(crate) fn list_vms_shared(&self, filter: &Filter, paging: &Paging) -> Listing<Arc<SimVm>> {
        let mut g = self.lock();
        let every = filter.is_unfiltered();
        let mut listing = vm_page(
            &g,
            filter,
            paging,
            |v| every || (filter.name_ok(&v.name) && vm_pred(filter, v)),
            every,
            shared,
        );
        let busy: Vec<TaskId> = listing
            .items
            .iter()
            .filter_map(|v| v.task_id.clone())
            .collect();
        if !busy.is_empty() {
            // Let go of the page before observing, so a VM a task changes is changed in place
            // rather than copied away from the snapshot about to be dropped.
            let ids: Vec<VmId> = listing.items.drain(..).map(|v| v.id.clone()).collect();
            for t in &busy {
                g.observe(t.as_str());
            }
            listing.items = ids
                .iter()
                .filter_map(|id| g.vms.shared(id.as_str()).cloned())
                .filter(|v| vm_pred(filter, v) && filter.name_ok(&v.name))
                .collect();
        }
        listing
    }

    /// VMs matching `filter` and `keep`, in `paging` order, without observing any task: a
    /// skin that evaluates its own filter language on the VM calls
    /// [`observe_busy_vms`](Self::observe_busy_vms) first, then takes its page here, as the
    /// World's shared snapshots of the VMs (no VM is copied). `keep: None` keeps every VM the
    /// filter does.
    #[cfg_attr(not(any(feature = "cloudtower", feature = "zstack")), allow(dead_code))]
    pub(crate) fn peek_vms(
        &self,
        filter: &Filter,
        paging: &Paging,
        keep: Option<&dyn Fn(&SimVm) -> bool>,
    ) -> Listing<Arc<SimVm>> {
        let g = self.lock();
        let every = keep.is_none() && filter.is_unfiltered();
        vm_page(
            &g,
            filter,
            paging,
            |v| {
                every
                    || (filter.name_ok(&v.name) && vm_pred(filter, v) && keep.is_none_or(|k| k(v)))
            },
            every,
            shared,
        )
    }

    /// Observes, once and in the World's VM order, the running task of every VM matching
    /// `filter`: what [`list_vms`](Self::list_vms) of all of them would observe, found through
    /// the unfinished tasks instead of the whole inventory.
    #[cfg_attr(not(any(feature = "cloudtower", feature = "zstack")), allow(dead_code))]
    pub(crate) fn observe_busy_vms(&self, filter: &Filter) {
        let mut g = self.lock();
        let mut busy: Vec<(u64, TaskId)> = Vec::new();
        for t in &g.open {
            let Some(ResourceRef::Vm(vm)) = g.tasks.get(t).map(|r| &r.task.target) else {
                continue;
            };
            let Some((key, v)) = g.vms.keyed(vm.as_str()) else {
                continue;
            };
            if let Some(task) = &v.task_id
                && (filter.is_unfiltered() || (filter.name_ok(&v.name) && vm_pred(filter, v)))
                && filter
                    .ids
                    .as_ref()
                    .is_none_or(|ids| ids.iter().any(|i| i == v.id.as_str()))
            {
                busy.push((key, task.clone()));
            }
        }
        busy.sort_unstable_by_key(|(k, _)| *k);
        busy.dedup_by_key(|(k, _)| *k);
        for (_, t) in &busy {
            g.observe(t.as_str());
        }
    }

    /// Number of VMs matching `filter` (does not observe).
    pub fn count_vms(&self, filter: &Filter) -> usize {
        let g = self.lock();
        if filter.is_unfiltered() {
            return g.vms.len();
        }
        page(&g.vms, filter, &Paging::new(0, 0), |v| vm_pred(filter, v)).total
    }

    /// Creates a VM: it appears at once in state `Creating` (its new disks `Creating` too) and
    /// becomes `Stopped` (or `Running`, with `power_on`) when the task completes.
    ///
    /// Errors: `InvalidInput` (empty name, zero vcpus/memory, zero-size disk), `NotFound`
    /// (cluster, template, host), `AlreadyExists` (name taken), `InvalidState` (power-on host
    /// not up or not in the cluster).
    pub fn create_vm(&self, spec: NewVm) -> SimResult<Submission> {
        self.create_vm_as(spec, Op::VmCreate, "Creating VM")
    }

    /// [`create_vm`](Self::create_vm) as `op`, its task described as `{what} {name}`. The new
    /// VM gets one NIC on its cluster's network.
    pub(super) fn create_vm_as(&self, spec: NewVm, op: Op, what: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let name = spec.name.trim().to_owned();
        if name.is_empty() {
            return Err(SimError::invalid_input("VM name must not be empty"));
        }
        if spec.vcpus == Some(0) {
            return Err(SimError::invalid_input(format!(
                "VM {name}: vcpus must be at least 1"
            )));
        }
        if spec.memory_bytes == Some(0) {
            return Err(SimError::invalid_input(format!(
                "VM {name}: memory must be more than 0 bytes"
            )));
        }
        if let Some(d) = spec.disks.iter().find(|d| d.size_bytes == 0) {
            return Err(SimError::invalid_input(format!(
                "disk {}: size must be more than 0 bytes",
                d.name
            )));
        }
        let cluster = g
            .clusters
            .get(spec.cluster_id.as_str())
            .map(|c| c.id.clone())
            .ok_or_else(|| SimError::not_found(format!("cluster {} not found", spec.cluster_id)))?;
        let template = match &spec.template_id {
            Some(t) => Some(
                g.templates
                    .get(t)
                    .cloned()
                    .ok_or_else(|| SimError::not_found(format!("template {t} not found")))?,
            ),
            None => None,
        };
        if g.vm_names.contains_key(&name) {
            return Err(SimError::already_exists(format!(
                "a VM named {name} already exists"
            )));
        }
        if let Some(h) = &spec.host_id {
            g.check_host_for(h.as_str(), &cluster, &name)?;
        }
        if let Some(p) = &spec.storage {
            if g.pools.get(p).is_none() {
                return Err(SimError::not_found(format!("storage pool {p} not found")));
            }
        }
        g.clock += 1;
        let now = g.clock;
        let id = VmId::new(g.new_id());
        let mut disk_ids = Vec::new();
        for d in &spec.disks {
            let did = DiskId::new(g.new_id());
            g.disks.insert(
                did.as_str(),
                SimDisk {
                    id: did.clone(),
                    name: d.name.clone(),
                    state: DiskState::Creating,
                    size_bytes: d.size_bytes,
                    vm_id: Some(id.clone()),
                    cluster_id: Some(d.cluster_id.clone().unwrap_or_else(|| cluster.clone())),
                    storage: d.storage.clone().or_else(|| spec.storage.clone()),
                    task_id: None,
                    created_at: now,
                    extra: Extra::new(),
                },
            );
            disk_ids.push(did);
        }
        let nics = if spec.nics.is_empty() {
            if spec.default_nic {
                g.default_nics(&cluster)
            } else {
                Vec::new()
            }
        } else {
            g.nics_for(&spec.nics, &name, &cluster)?
        };
        let vm = SimVm {
            id: id.clone(),
            name: name.clone(),
            state: VmState::Creating,
            vcpus: spec
                .vcpus
                .or(template.as_ref().map(|t| t.vcpus))
                .unwrap_or(1),
            memory_bytes: spec
                .memory_bytes
                .or(template.as_ref().map(|t| t.memory_bytes))
                .unwrap_or(GIB),
            cluster_id: cluster,
            host_id: None,
            description: spec.description.clone(),
            template_id: template.map(|t| t.id),
            disk_ids: disk_ids.clone(),
            nics,
            snapshots: Vec::new(),
            task_id: None,
            created_at: now,
            updated_at: now,
            tags: spec.tags.clone(),
            user_data: spec.user_data.clone(),
            extra: Extra::new(),
        };
        g.vm_names.insert(name.clone(), id.clone());
        g.vms.insert(id.as_str(), vm);
        let effect = Effect::VmCreate {
            power_on: spec.power_on,
            host: spec.host_id.clone(),
            disks: disk_ids,
        };
        Ok(g.submit(
            op,
            ResourceRef::Vm(id),
            &name,
            None,
            effect,
            None,
            None,
            format!("{what} {name}"),
        ))
    }

    /// Runs a power action. Valid moves (anything else is `InvalidState`, naming the current
    /// state; a VM with a running task is `InvalidState` + [`SimError::is_locked`]):
    ///
    /// | action | from | while the task runs | at completion |
    /// |---|---|---|---|
    /// | Start | stopped | starting (host chosen) | running |
    /// | Stop | running | stopping | stopped, no host |
    /// | ForceStop | running, suspended | stopping | stopped, no host |
    /// | Reboot | running | rebooting | running |
    /// | Suspend | running | suspending | suspended (host kept) |
    /// | Resume | suspended | resuming | running |
    pub fn power_vm(&self, id: &str, action: PowerAction) -> SimResult<Submission> {
        self.power(id, action, None)
    }

    /// Starts a stopped VM on `host` (must be `Up` and in the VM's cluster), or on a host the
    /// World picks (round-robin over the cluster's `Up` hosts) when `None`.
    pub fn start_vm_on(&self, id: &str, host: Option<&str>) -> SimResult<Submission> {
        self.power(id, PowerAction::Start, host)
    }

    fn power(&self, id: &str, action: PowerAction, host: Option<&str>) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let vm = g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))?;
        let verb = verb(action);
        check_unlocked(&vm, verb)?;
        let (allowed, transitional): (&[VmState], VmState) = match action {
            PowerAction::Start => (&[VmState::Stopped], VmState::Starting),
            PowerAction::Stop => (&[VmState::Running], VmState::Stopping),
            PowerAction::ForceStop => (&[VmState::Running, VmState::Suspended], VmState::Stopping),
            PowerAction::Reboot => (&[VmState::Running], VmState::Rebooting),
            PowerAction::Suspend => (&[VmState::Running], VmState::Suspending),
            PowerAction::Resume => (&[VmState::Suspended], VmState::Resuming),
            _ => {
                return Err(SimError::invalid_input(format!(
                    "power action {action:?} is not simulated"
                )));
            }
        };
        if !allowed.contains(&vm.state) {
            let hint = match (action, vm.state) {
                (PowerAction::Start, VmState::Suspended) => " (resume it instead)",
                (PowerAction::Resume, VmState::Stopped) => " (start it instead)",
                _ => "",
            };
            return Err(SimError::invalid_state(format!(
                "cannot {verb} VM {}: it is {}{hint}",
                vm.name, vm.state
            )));
        }
        let new_host = if action == PowerAction::Start {
            Some(match host {
                Some(h) => g.check_host_for(h, &vm.cluster_id, &vm.name)?,
                None => g.pick_host(&vm.cluster_id, None).ok_or_else(|| {
                    SimError::invalid_state(format!(
                        "cannot start VM {}: no host is up in its cluster",
                        vm.name
                    ))
                })?,
            })
        } else {
            vm.host_id.clone()
        };
        g.clock += 1;
        let now = g.clock;
        let prev = (vm.state, vm.host_id.clone());
        if let Some(v) = g.vms.get_mut(id) {
            v.state = transitional;
            v.host_id = new_host;
            v.updated_at = now;
        }
        let desc = format!("{} VM {}", capitalize(gerund(action)), vm.name);
        Ok(g.submit(
            action.op(),
            ResourceRef::Vm(vm.id.clone()),
            &vm.name,
            None,
            Effect::VmPower(action),
            Some(prev),
            None,
            desc,
        ))
    }

    /// Live-migrates a running VM to `host` (must be `Up`, in the same cluster, and not the
    /// current host) or to a host the World picks. While the task runs the VM is `Migrating` on
    /// its source host; at completion it is `Running` on the destination.
    pub fn migrate_vm(&self, id: &str, host: Option<&str>) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let vm = g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))?;
        check_unlocked(&vm, "migrate")?;
        if vm.state != VmState::Running {
            return Err(SimError::invalid_state(format!(
                "cannot migrate VM {}: it is {} (only running VMs migrate)",
                vm.name, vm.state
            )));
        }
        let to = match host {
            Some(h) => {
                let to = g.check_host_for(h, &vm.cluster_id, &vm.name)?;
                if vm.host_id.as_ref() == Some(&to) {
                    return Err(SimError::invalid_input(format!(
                        "cannot migrate VM {}: it already runs on host {h}",
                        vm.name
                    )));
                }
                to
            }
            None => g
                .pick_host(&vm.cluster_id, vm.host_id.as_ref())
                .ok_or_else(|| {
                    SimError::invalid_state(format!(
                        "cannot migrate VM {}: no other host is up in its cluster",
                        vm.name
                    ))
                })?,
        };
        g.clock += 1;
        let now = g.clock;
        let prev = (vm.state, vm.host_id.clone());
        if let Some(v) = g.vms.get_mut(id) {
            v.state = VmState::Migrating;
            v.updated_at = now;
        }
        let desc = format!("Migrating VM {}", vm.name);
        Ok(g.submit(
            Op::VmMigrate,
            ResourceRef::Vm(vm.id.clone()),
            &vm.name,
            None,
            Effect::VmMigrate { to },
            Some(prev),
            None,
            desc,
        ))
    }

    /// Deletes a stopped VM: `Deleting` while the task runs, then gone (`get_vm` answers
    /// `NotFound`) together with the disks attached to it.
    pub fn delete_vm(&self, id: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let vm = g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))?;
        check_unlocked(&vm, "delete")?;
        if vm.state != VmState::Stopped {
            return Err(SimError::invalid_state(format!(
                "cannot delete VM {}: it is {} (stop it first)",
                vm.name, vm.state
            )));
        }
        g.clock += 1;
        let now = g.clock;
        if let Some(v) = g.vms.get_mut(id) {
            v.state = VmState::Deleting;
            v.updated_at = now;
        }
        let prev = (vm.state, vm.host_id.clone());
        let desc = format!("Deleting VM {}", vm.name);
        Ok(g.submit(
            Op::VmDelete,
            ResourceRef::Vm(vm.id.clone()),
            &vm.name,
            None,
            Effect::VmDelete,
            Some(prev),
            None,
            desc,
        ))
    }

    /// Changes a VM's name, description, vcpus, memory or extra in place, at once (no task).
    /// `id`, `state`, `cluster_id`, `host_id`, `disk_ids` and `task_id` are owned by the World: changes
    /// to them are undone. A new name must be unique (`AlreadyExists`).
    ///
    /// The closure runs under the World's lock: do not call the World from inside it.
    pub fn update_vm<R>(&self, id: &str, f: impl FnOnce(&mut SimVm) -> R) -> SimResult<R> {
        let mut g = self.lock();
        let before = g.vms.get(id).cloned().ok_or_else(|| vm_not_found(id))?;
        let mut after = before.clone();
        let r = f(&mut after);
        after.id = before.id.clone();
        after.state = before.state;
        after.host_id = before.host_id.clone();
        after.disk_ids = before.disk_ids.clone();
        after.task_id = before.task_id.clone();
        after.cluster_id = before.cluster_id.clone();
        if after.name != before.name {
            if after.name.trim().is_empty() {
                return Err(SimError::invalid_input("VM name must not be empty"));
            }
            if g.vm_names.contains_key(&after.name) {
                return Err(SimError::already_exists(format!(
                    "a VM named {} already exists",
                    after.name
                )));
            }
            g.vm_names.remove(&before.name);
            g.vm_names.insert(after.name.clone(), after.id.clone());
        }
        if after.vcpus == 0 || after.memory_bytes == 0 {
            return Err(SimError::invalid_input(
                "vcpus and memory must be more than 0",
            ));
        }
        g.clock += 1;
        after.updated_at = g.clock;
        if let Some(v) = g.vms.get_mut(id) {
            *v = after;
        }
        Ok(r)
    }
}

pub(super) fn vm_not_found(id: &str) -> SimError {
    SimError::not_found(format!("VM {id} not found"))
}

pub(super) fn check_unlocked(vm: &SimVm, verb: &str) -> SimResult<()> {
    if vm.task_id.is_some() {
        return Err(SimError::locked(format!(
            "cannot {verb} VM {}: it is {} and another operation on it is in progress",
            vm.name, vm.state
        )));
    }
    Ok(())
}

pub(super) fn vm_pred(f: &Filter, v: &SimVm) -> bool {
    (f.vm_states.is_empty() || f.vm_states.contains(&v.state))
        && f.cluster.as_ref().is_none_or(|c| *c == v.cluster_id)
        && f.host
            .as_ref()
            .is_none_or(|h| v.host_id.as_ref() == Some(h))
}

pub(super) fn verb(a: PowerAction) -> &'static str {
    match a {
        PowerAction::Start => "start",
        PowerAction::Stop => "stop",
        PowerAction::ForceStop => "force-stop",
        PowerAction::Reboot => "reboot",
        PowerAction::Suspend => "suspend",
        PowerAction::Resume => "resume",
        _ => "change the power of",
    }
}

pub(super) fn gerund(a: PowerAction) -> &'static str {
    match a {
        PowerAction::Start => "starting",
        PowerAction::Stop => "stopping",
        PowerAction::ForceStop => "powering off",
        PowerAction::Reboot => "rebooting",
        PowerAction::Suspend => "suspending",
        PowerAction::Resume => "resuming",
        _ => "changing the power of",
    }
}

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use omnivirt_core::VmState;

    use super::*;
    use crate::WorldConfig;
    use crate::query::NameMatch;
    use crate::world::table::page_by;

    /// The name index gives exactly the pages a sort of every VM gives: same rows, total and
    /// next offset, after renames, in both directions, with offsets, cursors and filters.
    #[test]
    fn name_ordered_pages_from_the_index_match_a_full_sort() {
        let w = World::new(WorldConfig::builder().vms(60).build());
        let all = w.list_vms(&Filter::new(), &Paging::all()).items;
        // Renames move VMs in name order; the index must follow.
        w.update_vm(all[3].id.as_str(), |v| v.name = "aaa-first".into())
            .unwrap();
        w.update_vm(all[40].id.as_str(), |v| v.name = "zzz-last".into())
            .unwrap();
        let filters = [
            Filter::new(),
            Filter::new().ignore_case(true),
            Filter::new().name(NameMatch::Contains("vm-000".into())),
            Filter::new().vm_state(VmState::Running),
        ];
        let mut pagings = Vec::new();
        for desc in [false, true] {
            for (offset, limit) in [(0, 10), (7, 10), (55, 10), (70, 10), (0, 1000)] {
                pagings.push(Paging::new(offset, limit).sort(SortBy::Name, desc));
            }
            for after in [&all[10].id, &all[3].id, &all[40].id] {
                pagings.push(
                    Paging::new(2, 5)
                        .after(after.as_str())
                        .sort(SortBy::Name, desc),
                );
            }
            pagings.push(Paging::new(0, 5).after("nope").sort(SortBy::Name, desc));
        }
        let g = w.lock();
        for f in &filters {
            let every = f.is_unfiltered();
            let keep = |v: &SimVm| every || (f.name_ok(&v.name) && vm_pred(f, v));
            for p in &pagings {
                let fast = vm_page(&g, f, p, keep, every, owned);
                let sorted = page_by(&g.vms, None, p, keep, every);
                let ids =
                    |l: &Listing<SimVm>| l.items.iter().map(|v| v.id.clone()).collect::<Vec<_>>();
                assert_eq!(ids(&fast), ids(&sorted), "{f:?} {p:?}");
                assert_eq!(fast.total, sorted.total, "{f:?} {p:?}");
                assert_eq!(fast.next_offset, sorted.next_offset, "{f:?} {p:?}");
            }
        }
    }

    /// A shared page is a snapshot: a change the World makes afterwards copies the VM, the
    /// page keeps what it saw, and the next page sees the change.
    #[test]
    fn a_shared_page_does_not_change_when_the_world_does() {
        let w = World::new(WorldConfig::builder().vms(3).build());
        let page = w.list_vms_shared(&Filter::new(), &Paging::all()).items;
        let id = page[0].id.clone();
        let before = page[0].description.clone();
        w.update_vm(id.as_str(), |v| v.description = "changed".into())
            .unwrap();
        assert_eq!(page[0].description, before);
        assert_eq!(w.peek_vm(id.as_str()).unwrap().description, "changed");
        let again = w.list_vms_shared(&Filter::new(), &Paging::all()).items;
        assert_eq!(again[0].description, "changed");
        assert_eq!(
            w.list_vms(&Filter::new(), &Paging::all()).items[0],
            *again[0]
        );
    }
}
