//! Following many VM operations with one batched VM read per round.
//!
//! An operation qualifies when it converges on a VM state (or the VM being gone) and names its
//! VM. Each round reads every pending VM with [`Backend::get_vms`], chunked by the backend's
//! batch size. A VM's task is read only when the VM is neither where it should end nor on its
//! way (not transitional): that is when a failed task would otherwise go unnoticed until the
//! timeout. So N operations cost ceil(N / batch) requests per round, plus one per stuck VM.

use std::collections::HashMap;

use super::{FromTarget, Observed, Operation, Slot, finish_observed, task_outcome};
use crate::backend::{Backend, Expect};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{ResourceRef, Task, Vm, VmId, VmState};
use crate::op::{Capabilities, Op};
use crate::wait::{Observation, WaitOptions, Waiter};

/// True when every operation converges on its VM's state and the backend reads VMs in batches.
pub(super) fn qualifies<T>(caps: &Capabilities, ops: &[Operation<T>]) -> bool {
    caps.supports(Op::VmGetBatch)
        && !ops.is_empty()
        && ops.iter().all(|o| vm_goal(&o.submitted).is_some())
}

enum Goal<'a> {
    States(&'a [VmState]),
    Gone,
}

fn vm_goal(s: &crate::backend::Submitted) -> Option<(&VmId, Goal<'_>)> {
    let Some(ResourceRef::Vm(id)) = &s.target else {
        return None;
    };
    match &s.expect {
        Some(Expect::VmState(states)) => Some((id, Goal::States(states))),
        Some(Expect::VmGone) => Some((id, Goal::Gone)),
        _ => None,
    }
}

/// One VM's answer this round: done (with what was seen), failed, or still waiting, in which
/// case `stuck` says its task should be read. Lives for one comparison, so its size does not
/// matter.
#[allow(clippy::large_enum_variant)]
enum Step {
    Done(Option<Observed>),
    Failed(Error),
    Waiting { stuck: bool },
}

fn step(id: &VmId, goal: &Goal<'_>, vm: Option<&Vm>) -> Step {
    match (goal, vm) {
        (Goal::Gone, None) => Step::Done(None),
        (Goal::Gone, Some(v)) if v.state == VmState::Deleted => Step::Done(None),
        (Goal::States(_), None) => Step::Failed(Error::not_found(format!(
            "VM {id} disappeared while waiting for it"
        ))),
        (Goal::States(states), Some(v)) if states.contains(&v.state) => {
            Step::Done(Some(Observed::Vm(v.clone())))
        }
        (Goal::States(_), Some(v)) if v.state == VmState::Error => Step::Failed(Error::new(
            ErrorKind::InvalidState,
            format!(
                "VM {id} entered an error state ({})",
                v.raw_state.as_deref().unwrap_or("error")
            ),
        )),
        (_, Some(v)) => Step::Waiting {
            stuck: !v.state.is_transitional(),
        },
    }
}

/// Follows `ops` (all of which [`qualify`](qualifies)) to their end.
pub(super) async fn wait_vms<T: FromTarget>(
    backend: &dyn Backend,
    opts: &WaitOptions,
    ops: Vec<Operation<T>>,
) -> Vec<Result<T>> {
    let vendor = backend.vendor();
    let batch = backend.capabilities().max_task_batch.max(1);
    let user_op = ops.first().map_or(Op::VmGetBatch, |o| o.submitted.op);
    let mut w = Waiter::new(opts, user_op, vendor);
    let mut slots: Vec<Slot<Option<Observed>>> = ops.iter().map(|_| Slot::Pending).collect();
    let mut tasks: Vec<Option<Task>> = ops.iter().map(|_| None).collect();
    loop {
        let pending: Vec<usize> = (0..ops.len())
            .filter(|i| matches!(slots[*i], Slot::Pending))
            .collect();
        if pending.is_empty() {
            break;
        }
        w.count_poll();
        for chunk in pending.chunks(batch) {
            let ids: Vec<VmId> = chunk
                .iter()
                .filter_map(|i| vm_goal(&ops[*i].submitted).map(|(id, _)| id.clone()))
                .collect();
            let round_op = ops[chunk[0]].submitted.op;
            let found = match round_op.scope(backend.get_vms(&ids)).await {
                Ok(v) => v,
                Err(e) if e.is_retryable() => continue,
                Err(e) => {
                    let msg = e.to_string();
                    for i in chunk {
                        slots[*i] = Slot::Done(Err(Error::new(e.kind(), msg.clone())
                            .with_op(ops[*i].submitted.op)
                            .with_vendor(vendor)));
                    }
                    continue;
                }
            };
            let by_id: HashMap<&VmId, &Vm> = found.iter().map(|v| (&v.id, v)).collect();
            for i in chunk {
                let s = &ops[*i].submitted;
                let Some((id, goal)) = vm_goal(s) else {
                    continue;
                };
                match step(id, &goal, by_id.get(id).copied()) {
                    Step::Done(seen) => slots[*i] = Slot::Done(Ok(seen)),
                    Step::Failed(e) => {
                        slots[*i] = Slot::Done(Err(e.with_op(s.op).with_vendor(vendor)));
                    }
                    Step::Waiting { stuck } => {
                        if stuck && let Some(task_id) = &s.task {
                            let known_done =
                                tasks[*i].as_ref().is_some_and(|t| t.state.is_terminal());
                            if known_done {
                                continue;
                            }
                            match s.op.scope(backend.get_task(task_id)).await {
                                Ok(t) if t.state.is_terminal() => {
                                    match task_outcome(vendor, s.op, t) {
                                        Ok(t) => tasks[*i] = Some(t),
                                        Err(e) => slots[*i] = Slot::Done(Err(e)),
                                    }
                                }
                                Ok(t) => tasks[*i] = Some(t),
                                Err(e) if e.is_retryable() => {}
                                Err(e) => {
                                    slots[*i] =
                                        Slot::Done(Err(e.with_op(s.op).with_vendor(vendor)));
                                }
                            }
                        }
                    }
                }
            }
        }
        let left = slots.iter().filter(|s| matches!(s, Slot::Pending)).count();
        w.observe(Observation::new(format!(
            "{left} of {} VMs not there yet",
            ops.len()
        )));
        if left == 0 {
            break;
        }
        if w.pause().await.is_err() {
            for (i, s) in slots.iter_mut().enumerate() {
                if matches!(s, Slot::Pending) {
                    *s = Slot::Done(Err(w.for_op(ops[i].submitted.op).timeout_error()));
                }
            }
            break;
        }
    }
    w.report_done();
    let mut out = Vec::with_capacity(ops.len());
    for ((op, slot), task) in ops.into_iter().zip(slots).zip(tasks) {
        out.push(match slot {
            Slot::Done(Ok(seen)) => finish_observed(backend, &op.submitted, task, seen).await,
            Slot::Done(Err(e)) => Err(e),
            Slot::Pending | Slot::NoTask => Err(w.for_op(op.submitted.op).timeout_error()),
        });
    }
    out
}
