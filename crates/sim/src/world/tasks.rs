//! Tasks: submission, observation (how tasks advance), completion and the task reads.

use omnivirt_core::{
    DiskId, DiskState, Extra, HostId, Op, PowerAction, ResourceRef, TaskError, TaskId, TaskState,
    VmId, VmState,
};
use tokio::time::Instant;

use super::table::{Row, page};
use super::{Inner, World};
use crate::config::Tick;
use crate::error::{SimError, SimResult};
use crate::model::{SimTask, Submission};
use crate::query::{Filter, Listing, Paging};

#[derive(Debug, Clone)]
pub(super) enum Effect {
    VmCreate {
        power_on: bool,
        host: Option<HostId>,
        disks: Vec<DiskId>,
    },
    VmPower(PowerAction),
    VmMigrate {
        to: HostId,
    },
    VmDelete,
    DiskCreate,
    DiskAttach {
        vm: VmId,
    },
    DiskDetach {
        vm: VmId,
    },
    DiskDelete,
    NicAdd(Box<crate::model::SimNic>),
    NicRemove(omnivirt_core::NicId),
    /// Create, revert or delete the snapshot.
    Snapshot(Op, omnivirt_core::SnapshotId),
    VmReconfigure(Box<super::VmChange>),
    /// Enter (`true`) or leave maintenance.
    HostMaintenance(bool),
}

#[derive(Debug)]
pub(super) struct TaskRec {
    pub(super) task: SimTask,
    pub(super) effect: Effect,
    pub(super) prev_vm: Option<(VmState, Option<HostId>)>,
    pub(super) prev_disk: Option<DiskState>,
    pub(super) observed: u32,
    pub(super) started: Instant,
    pub(super) fail: Option<TaskError>,
}

impl Row for TaskRec {
    fn row_id(&self) -> &str {
        self.task.id.as_str()
    }
    fn row_name(&self) -> &str {
        &self.task.description
    }
}

impl Clone for TaskRec {
    fn clone(&self) -> Self {
        TaskRec {
            task: self.task.clone(),
            effect: self.effect.clone(),
            prev_vm: self.prev_vm.clone(),
            prev_disk: self.prev_disk,
            observed: self.observed,
            started: self.started,
            fail: self.fail.clone(),
        }
    }
}

impl World {
    /// One task. **Observes** it (one step in per-poll mode; a clock check in wall mode).
    pub fn get_task(&self, id: &str) -> SimResult<SimTask> {
        let mut g = self.lock();
        g.observe(id);
        g.tasks
            .get(id)
            .map(|r| r.task.clone())
            .ok_or_else(|| SimError::not_found(format!("task {id} not found")))
    }

    /// Many tasks, in the order asked; unknown ids are left out. Observes each once.
    pub fn get_tasks(&self, ids: &[&str]) -> Vec<SimTask> {
        let mut g = self.lock();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            g.observe(id);
            if let Some(r) = g.tasks.get(id) {
                out.push(r.task.clone());
            }
        }
        out
    }

    /// One task without observing it.
    pub fn peek_task(&self, id: &str) -> SimResult<SimTask> {
        self.lock()
            .tasks
            .get(id)
            .map(|r| r.task.clone())
            .ok_or_else(|| SimError::not_found(format!("task {id} not found")))
    }

    /// Tasks matching `filter` (ids, task states, target), oldest first. **Observes** every
    /// unfinished task returned, then re-checks the filter.
    pub fn list_tasks(&self, filter: &Filter, paging: &Paging) -> Listing<SimTask> {
        let mut g = self.lock();
        let pred = |r: &TaskRec| task_pred(filter, &r.task);
        let listing = page(&g.tasks, filter, paging, pred);
        let mut items = Vec::with_capacity(listing.items.len());
        for r in &listing.items {
            if !r.task.is_done() {
                g.observe(r.task.id.as_str());
            }
            if let Some(now) = g.tasks.get(r.task.id.as_str())
                && task_pred(filter, &now.task)
            {
                items.push(now.task.clone());
            }
        }
        Listing {
            items,
            total: listing.total,
            next_offset: listing.next_offset,
        }
    }

    /// Changes a task's description or extra in place (other fields are owned by the World).
    ///
    /// The closure runs under the World's lock: do not call the World from inside it.
    pub fn update_task<R>(&self, id: &str, f: impl FnOnce(&mut SimTask) -> R) -> SimResult<R> {
        let mut g = self.lock();
        let rec = g
            .tasks
            .get_mut(id)
            .ok_or_else(|| SimError::not_found(format!("task {id} not found")))?;
        let mut t = rec.task.clone();
        let r = f(&mut t);
        rec.task.description = t.description;
        rec.task.extra = t.extra;
        Ok(r)
    }

    /// Completes every unfinished task now (handy in tests and demos). Returns how many.
    pub fn settle(&self) -> usize {
        let mut g = self.lock();
        let open: Vec<String> = g
            .tasks
            .values()
            .filter(|r| !r.task.is_done())
            .map(|r| r.task.id.as_str().to_owned())
            .collect();
        for id in &open {
            g.complete(id);
        }
        open.len()
    }

    /// Completes one unfinished task now, whatever the tick: for a vendor whose API answers
    /// only once the change is made. A finished or unknown task is left as it is.
    pub fn settle_task(&self, id: &str) {
        let mut g = self.lock();
        if g.tasks.get(id).is_some_and(|r| !r.task.is_done()) {
            g.complete(id);
        }
    }

    /// Number of unfinished tasks.
    pub fn open_tasks(&self) -> usize {
        self.lock()
            .tasks
            .values()
            .filter(|r| !r.task.is_done())
            .count()
    }
}

pub(super) fn task_pred(f: &Filter, t: &SimTask) -> bool {
    (f.task_states.is_empty() || f.task_states.contains(&t.state))
        && f.target
            .as_deref()
            .is_none_or(|id| crate::model::ref_id(&t.target) == id)
}

impl Inner {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn submit(
        &mut self,
        op: Op,
        target: ResourceRef,
        target_name: &str,
        vm_id: Option<VmId>,
        effect: Effect,
        prev_vm: Option<(VmState, Option<HostId>)>,
        prev_disk: Option<DiskState>,
        description: String,
    ) -> Submission {
        let id = TaskId::new(self.new_id());
        let fail = self.faults.task_failures.pop_front();
        let task = SimTask {
            id: id.clone(),
            op,
            target: target.clone(),
            target_name: target_name.to_owned(),
            vm_id,
            state: TaskState::Pending,
            progress: 0,
            error: None,
            description,
            created_at: self.clock,
            started_at: None,
            finished_at: None,
            extra: Extra::new(),
        };
        match &target {
            ResourceRef::Vm(v) => {
                if let Some(vm) = self.vms.get_mut(v.as_str()) {
                    vm.task_id = Some(id.clone());
                }
            }
            ResourceRef::Disk(d) => {
                if let Some(disk) = self.disks.get_mut(d.as_str()) {
                    disk.task_id = Some(id.clone());
                }
            }
            _ => {}
        }
        self.open.insert(id.as_str().to_owned());
        self.tasks.insert(
            id.as_str(),
            TaskRec {
                task,
                effect,
                prev_vm,
                prev_disk,
                observed: 0,
                started: Instant::now(),
                fail,
            },
        );
        let immediate = match self.tick {
            Tick::PerPoll { steps } => steps == 0,
            Tick::Wall(d) => d.is_zero(),
        };
        if immediate {
            self.complete(id.as_str());
        }
        Submission { task: id, target }
    }

    /// With a wall clock, completes every task whose time is up, so that a mutation never sees a
    /// lock that has already expired merely because nobody read the object since. Per-poll
    /// worlds stay untouched: only observations advance them.
    pub(super) fn settle_due(&mut self) {
        let Tick::Wall(d) = self.tick else {
            return;
        };
        let now = Instant::now();
        let due: Vec<String> = self
            .tasks
            .values()
            .filter(|r| !r.task.is_done() && now.saturating_duration_since(r.started) >= d)
            .map(|r| r.task.id.as_str().to_owned())
            .collect();
        for id in &due {
            self.complete(id);
        }
    }

    /// One observation of task `id`.
    pub(super) fn observe(&mut self, id: &str) {
        let tick = self.tick;
        let clock = self.clock;
        let Some(rec) = self.tasks.get_mut(id) else {
            return;
        };
        if rec.task.is_done() {
            return;
        }
        let done = match tick {
            Tick::PerPoll { steps } => {
                rec.observed += 1;
                if rec.observed >= steps {
                    true
                } else {
                    rec.task.progress =
                        ((u64::from(rec.observed) * 100) / u64::from(steps.max(1))) as u8;
                    false
                }
            }
            Tick::Wall(d) => {
                let elapsed = Instant::now().saturating_duration_since(rec.started);
                if elapsed >= d {
                    true
                } else {
                    rec.task.progress =
                        ((elapsed.as_millis() * 100) / d.as_millis().max(1)).min(99) as u8;
                    false
                }
            }
        };
        if done {
            self.complete(id);
        } else {
            rec.task.state = TaskState::Running;
            rec.task.started_at.get_or_insert(clock);
        }
    }

    /// Ends task `id`: applies its effect, or its planned failure.
    pub(super) fn complete(&mut self, id: &str) {
        self.clock += 1;
        let now = self.clock;
        let Some(rec) = self.tasks.get_mut(id) else {
            return;
        };
        if rec.task.is_done() {
            return;
        }
        rec.task.started_at.get_or_insert(now);
        rec.task.finished_at = Some(now);
        let rec = rec.clone();
        self.open.remove(id);
        let outcome = match &rec.fail {
            Some(err) => {
                self.roll_back(&rec);
                Err(err.clone())
            }
            None => self.apply(&rec, now),
        };
        self.record_event(&rec, &outcome);
        if let Some(r) = self.tasks.get_mut(id) {
            match outcome {
                Ok(()) => {
                    r.task.state = TaskState::Succeeded;
                    r.task.progress = 100;
                }
                Err(e) => {
                    r.task.state = TaskState::Failed;
                    r.task.error = Some(e);
                }
            }
        }
    }
}
