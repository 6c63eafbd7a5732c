//! Helpers shared by the World tests: a small world, and driving tasks to the end.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use omnivirt_core::{PowerAction, ResourceRef, TaskState, VmState};
use omnivirt_sim::{Filter, NewVm, Paging, SimVm, Submission, World, WorldConfig};

pub fn empty_world() -> World {
    let w = World::new(WorldConfig::empty());
    let c = w.add_cluster("c1").unwrap();
    w.add_host(c.id.as_str(), "h1").unwrap();
    w.add_host(c.id.as_str(), "h2").unwrap();
    w
}

pub fn cluster(w: &World) -> String {
    w.list_clusters(&Filter::new(), &Paging::all()).items[0]
        .id
        .to_string()
}

/// Observes the task until it is done; returns how many observations it took.
pub fn finish(w: &World, s: &Submission) -> u32 {
    for n in 1..=100 {
        if w.get_task(s.task.as_str()).unwrap().is_done() {
            return n;
        }
    }
    panic!("task never finished");
}

pub fn new_stopped_vm(w: &World, name: &str) -> String {
    let s = w.create_vm(NewVm::new(name, cluster(w))).unwrap();
    finish(w, &s);
    s.target_id().to_owned()
}

pub fn state(w: &World, id: &str) -> VmState {
    w.peek_vm(id).unwrap().state
}

/// Runs `action` and checks the transitional state while the task runs and the final one after.
pub fn step(w: &World, id: &str, action: PowerAction, during: VmState, after: VmState) -> SimVm {
    let s = w.power_vm(id, action).unwrap();
    assert_eq!(s.target, ResourceRef::Vm(id.into()));
    assert_eq!(state(w, id), during, "{action:?} while running");
    let t = w.peek_task(s.task.as_str()).unwrap();
    assert_eq!(t.op, action.op());
    assert_eq!(t.state, TaskState::Pending);
    finish(w, &s);
    let vm = w.peek_vm(id).unwrap();
    assert_eq!(vm.state, after, "{action:?} at completion");
    assert!(vm.task_id.is_none());
    vm
}
