//! Disks: reads, creation, attach, detach, deletion and updates.

use omnivirt_core::{DiskId, DiskState, Extra, Op, ResourceRef, TaskId, VmId, VmState};

use super::table::page;
use super::tasks::Effect;
use super::vms::vm_not_found;
use super::{NewDisk, World};
use crate::error::{SimError, SimResult};
use crate::model::{SimDisk, Submission};
use crate::query::{Filter, Listing, Paging};

impl World {
    /// One disk. **Observes** its running task first.
    pub fn get_disk(&self, id: &str) -> SimResult<SimDisk> {
        let mut g = self.lock();
        if let Some(t) = g.disks.get(id).and_then(|d| d.task_id.clone()) {
            g.observe(t.as_str());
        }
        g.disks.get(id).cloned().ok_or_else(|| disk_not_found(id))
    }

    /// One disk without observing.
    pub fn peek_disk(&self, id: &str) -> SimResult<SimDisk> {
        self.lock()
            .disks
            .get(id)
            .cloned()
            .ok_or_else(|| disk_not_found(id))
    }

    /// The summed size of the disks `ids` that exist, read under one lock.
    pub fn disk_bytes(&self, ids: &[DiskId]) -> u64 {
        let g = self.lock();
        ids.iter()
            .filter_map(|id| g.disks.get(id.as_str()))
            .map(|d| d.size_bytes)
            .fold(0, u64::saturating_add)
    }

    /// Disks matching `filter` (ids, name, disk states, cluster, vm, attached). **Observes**
    /// the running task of every disk returned.
    pub fn list_disks(&self, filter: &Filter, paging: &Paging) -> Listing<SimDisk> {
        let mut g = self.lock();
        let mut listing = page(&g.disks, filter, paging, |d| disk_pred(filter, d));
        let busy: Vec<TaskId> = listing
            .items
            .iter()
            .filter_map(|d| d.task_id.clone())
            .collect();
        if !busy.is_empty() {
            for t in &busy {
                g.observe(t.as_str());
            }
            listing.items = listing
                .items
                .iter()
                .filter_map(|d| g.disks.get(d.id.as_str()).cloned())
                .filter(|d| disk_pred(filter, d))
                .collect();
        }
        listing
    }

    /// Number of disks matching `filter`.
    pub fn count_disks(&self, filter: &Filter) -> usize {
        let g = self.lock();
        page(&g.disks, filter, &Paging::new(0, 0), |d| {
            disk_pred(filter, d)
        })
        .total
    }

    /// Creates a disk: `Creating`, then `Ready`. With [`NewDisk::vm_id`] the disk is attached
    /// to that VM from the start (`vm_id` set and listed in the VM's `disk_ids` at once); the VM
    /// must exist and not be being deleted (`NotFound` / `InvalidState`). A failed create
    /// removes the disk again.
    pub fn create_disk(&self, spec: NewDisk) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let name = spec.name.trim().to_owned();
        if name.is_empty() {
            return Err(SimError::invalid_input("disk name must not be empty"));
        }
        if spec.size_bytes == 0 {
            return Err(SimError::invalid_input(format!(
                "disk {name}: size must be more than 0 bytes"
            )));
        }
        if let Some(c) = &spec.cluster_id
            && g.clusters.get(c.as_str()).is_none()
        {
            return Err(SimError::not_found(format!("cluster {c} not found")));
        }
        let owner = match &spec.vm_id {
            None => None,
            Some(v) => {
                let vm = g
                    .vms
                    .get(v.as_str())
                    .ok_or_else(|| vm_not_found(v.as_str()))?;
                if matches!(vm.state, VmState::Deleting | VmState::Deleted) {
                    return Err(SimError::invalid_state(format!(
                        "cannot add disk {name} to VM {}: the VM is being deleted",
                        vm.name
                    )));
                }
                Some(vm.id.clone())
            }
        };
        g.clock += 1;
        let now = g.clock;
        let id = DiskId::new(g.new_id());
        if let Some(v) = &owner
            && let Some(vm) = g.vms.get_mut(v.as_str())
        {
            vm.disk_ids.push(id.clone());
        }
        g.disks.insert(
            id.as_str(),
            SimDisk {
                id: id.clone(),
                name: name.clone(),
                state: DiskState::Creating,
                size_bytes: spec.size_bytes,
                vm_id: owner.clone(),
                cluster_id: spec.cluster_id,
                storage: spec.storage,
                task_id: None,
                created_at: now,
                extra: Extra::new(),
            },
        );
        Ok(g.submit(
            Op::DiskCreate,
            ResourceRef::Disk(id),
            &name,
            owner,
            Effect::DiskCreate,
            None,
            Some(DiskState::Creating),
            format!("Creating disk {name}"),
        ))
    }

    /// Attaches a ready, detached disk to a VM that exists and is not being deleted. The disk
    /// is `Locked` while the task runs; `vm_id` is set at completion.
    pub fn attach_disk(&self, disk_id: &str, vm_id: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let disk = g
            .disks
            .get(disk_id)
            .cloned()
            .ok_or_else(|| disk_not_found(disk_id))?;
        let vm = g
            .vms
            .get(vm_id)
            .cloned()
            .ok_or_else(|| vm_not_found(vm_id))?;
        if disk.task_id.is_some() {
            return Err(SimError::locked(format!(
                "cannot attach disk {}: another operation on it is in progress",
                disk.name
            )));
        }
        if matches!(vm.state, VmState::Deleting | VmState::Deleted) {
            return Err(SimError::invalid_state(format!(
                "cannot attach disk {} to VM {}: the VM is being deleted",
                disk.name, vm.name
            )));
        }
        if let Some(other) = &disk.vm_id {
            let msg = if other == &vm.id {
                format!(
                    "cannot attach disk {}: it is already attached to VM {}",
                    disk.name, vm.name
                )
            } else {
                format!(
                    "cannot attach disk {}: it is attached to another VM ({other})",
                    disk.name
                )
            };
            return Err(SimError::invalid_state(msg));
        }
        if disk.state != DiskState::Ready {
            return Err(SimError::invalid_state(format!(
                "cannot attach disk {}: it is {}",
                disk.name, disk.state
            )));
        }
        g.clock += 1;
        if let Some(d) = g.disks.get_mut(disk_id) {
            d.state = DiskState::Locked;
        }
        let desc = format!("Attaching disk {} to VM {}", disk.name, vm.name);
        Ok(g.submit(
            Op::DiskAttach,
            ResourceRef::Disk(disk.id.clone()),
            &disk.name,
            Some(vm.id.clone()),
            Effect::DiskAttach { vm: vm.id },
            None,
            Some(disk.state),
            desc,
        ))
    }

    /// Detaches a disk from the VM it is attached to (`InvalidState` if it is not attached to
    /// that VM). `Locked` while the task runs; `vm_id` cleared at completion.
    pub fn detach_disk(&self, disk_id: &str, vm_id: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let disk = g
            .disks
            .get(disk_id)
            .cloned()
            .ok_or_else(|| disk_not_found(disk_id))?;
        if disk.task_id.is_some() {
            return Err(SimError::locked(format!(
                "cannot detach disk {}: another operation on it is in progress",
                disk.name
            )));
        }
        if disk.vm_id.as_ref().map(VmId::as_str) != Some(vm_id) {
            let msg = match &disk.vm_id {
                None => format!("cannot detach disk {}: it is not attached", disk.name),
                Some(other) => format!(
                    "cannot detach disk {} from VM {vm_id}: it is attached to VM {other}",
                    disk.name
                ),
            };
            return Err(SimError::invalid_state(msg));
        }
        g.clock += 1;
        if let Some(d) = g.disks.get_mut(disk_id) {
            d.state = DiskState::Locked;
        }
        let vm = VmId::new(vm_id);
        let vm_name = g
            .vms
            .get(vm_id)
            .map(|v| v.name.clone())
            .unwrap_or_else(|| vm_id.to_owned());
        let desc = format!("Detaching disk {} from VM {vm_name}", disk.name);
        Ok(g.submit(
            Op::DiskDetach,
            ResourceRef::Disk(disk.id.clone()),
            &disk.name,
            Some(vm.clone()),
            Effect::DiskDetach { vm },
            None,
            Some(disk.state),
            desc,
        ))
    }

    /// Deletes a detached disk (`InvalidState` while attached): `Locked`, then gone.
    pub fn delete_disk(&self, disk_id: &str) -> SimResult<Submission> {
        let mut g = self.lock();
        g.settle_due();
        let disk = g
            .disks
            .get(disk_id)
            .cloned()
            .ok_or_else(|| disk_not_found(disk_id))?;
        if disk.task_id.is_some() {
            return Err(SimError::locked(format!(
                "cannot delete disk {}: another operation on it is in progress",
                disk.name
            )));
        }
        if let Some(vm) = &disk.vm_id {
            return Err(SimError::invalid_state(format!(
                "cannot delete disk {}: it is attached to VM {vm} (detach it first)",
                disk.name
            )));
        }
        g.clock += 1;
        if let Some(d) = g.disks.get_mut(disk_id) {
            d.state = DiskState::Locked;
        }
        let desc = format!("Deleting disk {}", disk.name);
        Ok(g.submit(
            Op::DiskDelete,
            ResourceRef::Disk(disk.id.clone()),
            &disk.name,
            None,
            Effect::DiskDelete,
            None,
            Some(disk.state),
            desc,
        ))
    }

    /// Changes a disk's name, size, storage or extra in place (no task). `id`, `state`,
    /// `vm_id` and `task_id` changes are undone.
    ///
    /// The closure runs under the World's lock: do not call the World from inside it.
    pub fn update_disk<R>(&self, id: &str, f: impl FnOnce(&mut SimDisk) -> R) -> SimResult<R> {
        let mut g = self.lock();
        let d = g.disks.get_mut(id).ok_or_else(|| disk_not_found(id))?;
        let keep = (d.id.clone(), d.state, d.vm_id.clone(), d.task_id.clone());
        let r = f(d);
        (d.id, d.state, d.vm_id, d.task_id) = keep;
        Ok(r)
    }
}

pub(super) fn disk_not_found(id: &str) -> SimError {
    SimError::not_found(format!("disk {id} not found"))
}

pub(super) fn disk_pred(f: &Filter, d: &SimDisk) -> bool {
    (f.disk_states.is_empty() || f.disk_states.contains(&d.state))
        && f.cluster
            .as_ref()
            .is_none_or(|c| d.cluster_id.as_ref() == Some(c))
        && f.vm.as_ref().is_none_or(|v| d.vm_id.as_ref() == Some(v))
        && f.attached.is_none_or(|a| a == d.vm_id.is_some())
        && f.name_ok(&d.name)
}
