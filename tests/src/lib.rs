//! The conformance suite: the same cases, written once, run against every backend.
//!
//! A [`Target`] is a connected [`Client`] plus what the suite may know about it: the simulator
//! world behind it (for fault injection), a counter of HTTP requests (to prove that unsupported
//! operations send none), what its backend declares about VM states and filters, and the cases
//! it declares it cannot run, each with a reason. Running a target yields one [`Outcome`] per
//! case; [`assert_suite`] prints them all and fails on any failure *and* on any skip the target
//! did not declare, so nothing passes silently.
//!
//! A case is a plain `async fn(&Target) -> CaseResult`: `Err(Stop::Skip(..))` when the backend
//! cannot run it, `Err(Stop::Fail(..))` (or any `String` error, through `?`) when it fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use omnivirt_core::{Client, VmState};
use omnivirt_sim::World;

mod counting;
mod day2;
pub mod declared;
mod disks;
pub mod faults;
mod inventory;
mod listing;
mod spec;
mod support;
mod unsupported;
mod vms;

pub use counting::Counting;
pub use day2::{
    clone, console, events, host_maintenance, nics_and_ips, reconfigure, snapshots, vm_get_many,
};
pub use declared::StateFilter;
pub use disks::disk_lifecycle;
pub use inventory::inventory;
pub use listing::{list_filters, listing_paginates, vm_state_filters};
pub use spec::create_from_spec;
pub use unsupported::{Withdrawn, unsupported_sends_nothing};
pub use vms::{
    close, hosts, invalid_state, migrate, not_found, power_cycle, task_failure, vm_lifecycle,
    wait_all_100,
};

/// One backend under test.
pub struct Target {
    /// Printed name, e.g. `ovirt/http`.
    pub name: String,
    /// The client.
    pub client: Client,
    /// The simulator world behind the backend, when the suite may inject faults.
    pub world: Option<Arc<World>>,
    /// Counts requests that reached the wire (transport, simulator skin or cassette), when the
    /// target has a wire.
    pub requests: Option<Arc<AtomicUsize>>,
    /// Cases this target cannot run, with the reason.
    pub skips: Vec<(&'static str, &'static str)>,
    /// Storage location to create disks in, when the vendor needs one.
    pub disk_storage: Option<String>,
    /// True when replaying a cassette whose recording already contains the world's part: the
    /// injected faults and the VMs held mid-change.
    pub faults_recorded: bool,
    /// The VM states the backend reports for VMs the suite drives through every change, and
    /// how it filters each (see [`declared::vm_states`]).
    pub vm_states: Vec<(VmState, StateFilter)>,
    /// Where the backend's answer is allowed to differ from the strictest one, with the reason
    /// (see [`declared::deviations`]).
    pub deviations: Vec<(&'static str, &'static str)>,
}

impl Target {
    /// A target with nothing known beyond its client: no world, no request counter; the skip,
    /// state and deviation declarations of the client's vendor.
    pub fn new(name: impl Into<String>, client: Client) -> Self {
        let vendor = client.vendor();
        Target {
            name: name.into(),
            world: None,
            requests: None,
            skips: declared::skips(vendor),
            disk_storage: None,
            faults_recorded: false,
            vm_states: declared::vm_states(vendor),
            deviations: declared::deviations(vendor),
            client,
        }
    }

    /// True if the target declared `deviation`.
    pub fn deviates(&self, deviation: &str) -> bool {
        self.deviations.iter().any(|(d, _)| *d == deviation)
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target").field("name", &self.name).finish()
    }
}

/// What one case did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Ran and passed.
    Pass,
    /// Not run, with the reason.
    Skip(String),
    /// Ran and failed, with what went wrong.
    Fail(String),
}

/// Why a case ended without passing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The case cannot run on this target, with the reason.
    Skip(String),
    /// The case failed, with what went wrong.
    Fail(String),
}

impl From<String> for Stop {
    fn from(why: String) -> Self {
        Stop::Fail(why)
    }
}

impl From<omnivirt_core::Error> for Stop {
    fn from(e: omnivirt_core::Error) -> Self {
        Stop::Fail(e.to_string())
    }
}

/// What a case returns: `Ok(())` when it passed.
pub type CaseResult = Result<(), Stop>;

type CaseFn = for<'a> fn(&'a Target) -> Pin<Box<dyn Future<Output = CaseResult> + Send + 'a>>;

/// Every case, by name, in the order they run.
pub const CASES: &[(&str, CaseFn)] = &[
    ("vm_lifecycle", |t| Box::pin(vm_lifecycle(t))),
    ("power_cycle", |t| Box::pin(power_cycle(t))),
    ("migrate", |t| Box::pin(migrate(t))),
    ("listing_paginates", |t| Box::pin(listing_paginates(t))),
    ("list_filters", |t| Box::pin(list_filters(t))),
    ("vm_state_filters", |t| Box::pin(vm_state_filters(t))),
    ("hosts", |t| Box::pin(hosts(t))),
    ("disk_lifecycle", |t| Box::pin(disk_lifecycle(t))),
    ("inventory", |t| Box::pin(inventory(t))),
    ("reconfigure", |t| Box::pin(reconfigure(t))),
    ("snapshots", |t| Box::pin(snapshots(t))),
    ("clone", |t| Box::pin(clone(t))),
    ("nics_and_ips", |t| Box::pin(nics_and_ips(t))),
    ("console", |t| Box::pin(console(t))),
    ("events", |t| Box::pin(events(t))),
    ("host_maintenance", |t| Box::pin(host_maintenance(t))),
    ("vm_get_many", |t| Box::pin(vm_get_many(t))),
    ("create_from_spec", |t| Box::pin(create_from_spec(t))),
    ("not_found", |t| Box::pin(not_found(t))),
    ("unsupported_sends_nothing", |t| {
        Box::pin(unsupported_sends_nothing(t))
    }),
    ("task_failure", |t| Box::pin(task_failure(t))),
    ("invalid_state", |t| Box::pin(invalid_state(t))),
    ("wait_all_100", |t| Box::pin(wait_all_100(t))),
    ("close", |t| Box::pin(close(t))),
];

/// Runs every case against `target`.
pub async fn run_all(target: &Target) -> Vec<(&'static str, Outcome)> {
    let mut out = Vec::new();
    for (name, case) in CASES {
        let outcome = match target.skips.iter().find(|(n, _)| n == name) {
            Some((_, why)) => Outcome::Skip((*why).to_owned()),
            None => match case(target).await {
                Ok(()) => Outcome::Pass,
                Err(Stop::Skip(why)) => Outcome::Skip(why),
                Err(Stop::Fail(why)) => Outcome::Fail(why),
            },
        };
        out.push((*name, outcome));
    }
    out
}

/// Runs every case, prints a report, and panics on a failure or an undeclared skip.
pub async fn assert_suite(target: &Target) {
    let results = run_all(target).await;
    let declared: HashSet<&str> = target.skips.iter().map(|(n, _)| *n).collect();
    let mut problems = Vec::new();
    eprintln!("conformance: {}", target.name);
    for (name, outcome) in &results {
        match outcome {
            Outcome::Pass => eprintln!("  pass  {name}"),
            Outcome::Skip(why) => {
                eprintln!("  skip  {name}: {why}");
                if !declared.contains(name) {
                    problems.push(format!("{name} skipped without being declared: {why}"));
                }
            }
            Outcome::Fail(why) => {
                eprintln!("  FAIL  {name}: {why}");
                problems.push(format!("{name}: {why}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}: {} problem(s):\n{}",
        target.name,
        problems.len(),
        problems.join("\n")
    );
}
