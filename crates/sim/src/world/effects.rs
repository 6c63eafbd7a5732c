//! What a finished task does to its object, and how a failed one is undone.

use omnivirt_core::{DiskState, ResourceRef, TaskError, VmState};

use super::Inner;
use super::tasks::{Effect, TaskRec};

impl Inner {
    pub(super) fn release(&mut self, target: &ResourceRef) {
        match target {
            ResourceRef::Vm(v) => {
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.task_id = None;
                }
            }
            ResourceRef::Disk(d) => {
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.task_id = None;
                }
            }
            _ => {}
        }
    }

    pub(super) fn remove_vm(&mut self, id: &str) {
        if let Some(vm) = self.vms.remove(id) {
            self.vm_names.remove(&vm.name);
            for d in &vm.disk_ids {
                self.disks.remove(d.as_str());
            }
        }
    }

    pub(super) fn roll_back(&mut self, rec: &TaskRec) {
        self.release(&rec.task.target);
        if self.roll_back_guest(&rec.effect, &rec.task.target) {
            return;
        }
        let now = self.clock;
        match (&rec.effect, &rec.task.target) {
            (Effect::VmCreate { .. }, ResourceRef::Vm(v)) => self.remove_vm(v.as_str()),
            (Effect::DiskCreate, ResourceRef::Disk(d)) => {
                if let Some(disk) = self.disks.remove(d.as_str())
                    && let Some(v) = disk.vm_id
                    && let Some(vm) = self.vms.get_mut(v.as_str())
                {
                    vm.disk_ids.retain(|x| x != d);
                }
            }
            (_, ResourceRef::Vm(v)) => {
                if let (Some(vm), Some((st, host))) = (self.vms.get_mut(v.as_str()), &rec.prev_vm) {
                    vm.state = *st;
                    vm.host_id = host.clone();
                    vm.updated_at = now;
                }
            }
            (_, ResourceRef::Disk(d)) => {
                if let (Some(disk), Some(st)) = (self.disks.get_mut(d.as_str()), rec.prev_disk) {
                    disk.state = st;
                }
            }
            _ => {}
        }
    }

    pub(super) fn apply(&mut self, rec: &TaskRec, now: u64) -> Result<(), TaskError> {
        self.release(&rec.task.target);
        let target = rec.task.target.clone();
        if let Some(outcome) = self.apply_guest(&rec.effect, &target, now) {
            return outcome;
        }
        match (&rec.effect, &target) {
            (
                Effect::VmCreate {
                    power_on,
                    host,
                    disks,
                },
                ResourceRef::Vm(v),
            ) => {
                let cluster = self.vms.get(v.as_str()).map(|vm| vm.cluster_id.clone());
                let host = match (power_on, host, cluster) {
                    (true, Some(h), _) => Some(h.clone()),
                    (true, None, Some(c)) => self.pick_host(&c, None),
                    _ => None,
                };
                for d in disks {
                    if let Some(disk) = self.disks.get_mut(d.as_str()) {
                        disk.state = DiskState::Ready;
                    }
                }
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.state = if host.is_some() {
                        VmState::Running
                    } else {
                        VmState::Stopped
                    };
                    vm.host_id = host;
                    vm.updated_at = now;
                }
                Ok(())
            }
            (Effect::VmPower(action), ResourceRef::Vm(v)) => {
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.state = action.target_state();
                    if vm.state == VmState::Stopped {
                        vm.host_id = None;
                    }
                    vm.updated_at = now;
                }
                Ok(())
            }
            (Effect::VmMigrate { to }, ResourceRef::Vm(v)) => {
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.state = VmState::Running;
                    vm.host_id = Some(to.clone());
                    vm.updated_at = now;
                }
                Ok(())
            }
            (Effect::VmDelete, ResourceRef::Vm(v)) => {
                self.remove_vm(v.as_str());
                Ok(())
            }
            (Effect::DiskCreate, ResourceRef::Disk(d)) => {
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.state = DiskState::Ready;
                }
                Ok(())
            }
            (Effect::DiskAttach { vm }, ResourceRef::Disk(d)) => {
                let prev = rec.prev_disk.unwrap_or(DiskState::Ready);
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.state = prev;
                }
                match self.vms.get_mut(vm.as_str()) {
                    Some(v) => {
                        v.disk_ids.push(d.clone());
                        if let Some(disk) = self.disks.get_mut(d.as_str()) {
                            disk.vm_id = Some(vm.clone());
                        }
                        Ok(())
                    }
                    None => Err(TaskError::new(
                        Some("VM_NOT_FOUND".to_owned()),
                        format!(
                            "VM {vm} disappeared before disk {} could be attached",
                            rec.task.target_name
                        ),
                    )),
                }
            }
            (Effect::DiskDetach { vm }, ResourceRef::Disk(d)) => {
                let prev = rec.prev_disk.unwrap_or(DiskState::Ready);
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.state = prev;
                    disk.vm_id = None;
                }
                if let Some(v) = self.vms.get_mut(vm.as_str()) {
                    v.disk_ids.retain(|x| x != d);
                }
                Ok(())
            }
            (Effect::DiskDelete, ResourceRef::Disk(d)) => {
                self.disks.remove(d.as_str());
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
