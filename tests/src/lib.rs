//! The conformance suite: the same cases, written once, run against every backend.
//!
//! A [`Target`] is a connected [`Client`] plus what the suite may know about it: the simulator
//! world behind it (for fault injection), a counter of HTTP requests (to prove that unsupported
//! operations send none), and the cases it declares it cannot run, each with a reason. Running a
//! target yields one [`Outcome`] per case; [`assert_suite`] prints them all and fails on any
//! failure *and* on any skip the target did not declare, so nothing passes silently.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use omnivirt_core::{
    Client, ClusterId, DiskId, DiskSpec, ErrorKind, ListQuery, Op, Operation, Vm, VmId, VmSpec,
    VmState, WaitOptions,
};
use omnivirt_sim::World;

/// One backend under test.
pub struct Target {
    /// Printed name, e.g. `ovirt/http`.
    pub name: String,
    /// The client.
    pub client: Client,
    /// The simulator world behind the backend, when the suite may inject faults.
    pub world: Option<Arc<World>>,
    /// Counts requests that reached the wire, when known.
    pub requests: Option<Arc<AtomicUsize>>,
    /// Cases this target cannot run, with the reason.
    pub skips: Vec<(&'static str, &'static str)>,
    /// Storage location to create disks in, when the vendor needs one.
    pub disk_storage: Option<String>,
    /// True when replaying a cassette whose recording already contains the injected faults.
    pub faults_recorded: bool,
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

type CaseFn = for<'a> fn(&'a Target) -> Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

macro_rules! cases {
    ($($name:ident),+ $(,)?) => {
        /// Every case, by name.
        pub const CASES: &[(&str, CaseFn)] = &[
            $((stringify!($name), |t| Box::pin($name(t)))),+
        ];
    };
}

cases!(
    vm_lifecycle,
    power_cycle,
    listing_paginates,
    list_filters,
    disk_lifecycle,
    not_found,
    unsupported_sends_nothing,
    task_failure,
    invalid_state,
    wait_all_100,
);

/// Runs every case against `target`.
pub async fn run_all(target: &Target) -> Vec<(&'static str, Outcome)> {
    let mut out = Vec::new();
    for (name, case) in CASES {
        let outcome = match target.skips.iter().find(|(n, _)| n == name) {
            Some((_, why)) => Outcome::Skip((*why).to_owned()),
            None => case(target).await,
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

macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Outcome::Fail(format!($($msg)+));
        }
    };
}

macro_rules! tryc {
    ($e:expr, $what:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Outcome::Fail(format!("{}: {e}", $what)),
        }
    };
}

fn opts() -> WaitOptions {
    WaitOptions::new()
        .timeout(Duration::from_secs(60))
        .interval(Duration::from_millis(5), Duration::from_millis(50))
}

async fn wait<T: omnivirt_core::FromTarget>(
    op: omnivirt_core::Result<Operation<T>>,
    what: &str,
) -> Result<T, String> {
    let op = op.map_err(|e| format!("{what} (submit): {e}"))?;
    op.with_options(opts())
        .wait()
        .await
        .map_err(|e| format!("{what} (wait): {e}"))
}

fn needs(t: &Target, ops: &[Op]) -> Option<Outcome> {
    let missing: Vec<&str> = ops
        .iter()
        .filter(|o| !t.client.capabilities().supports(**o))
        .map(|o| o.as_str())
        .collect();
    (!missing.is_empty()).then(|| Outcome::Skip(format!("backend lacks {}", missing.join(", "))))
}

async fn first_cluster(t: &Target) -> Result<ClusterId, String> {
    let clusters: Vec<_> = t
        .client
        .clusters()
        .list(ListQuery::new().limit(1))
        .try_collect()
        .await
        .map_err(|e| format!("cluster list: {e}"))?;
    clusters
        .into_iter()
        .next()
        .map(|c| c.id)
        .ok_or_else(|| "the backend has no cluster".to_owned())
}

async fn vms_in(t: &Target, q: ListQuery) -> Result<Vec<Vm>, String> {
    t.client
        .vms()
        .list(q)
        .try_collect()
        .await
        .map_err(|e| format!("vm list: {e}"))
}

async fn vm_disks(t: &Target, vm: &VmId) -> Result<Vec<omnivirt_core::Disk>, String> {
    t.client
        .disks()
        .list(ListQuery::new().vm(vm.clone()))
        .try_collect()
        .await
        .map_err(|e| format!("disk list: {e}"))
}

async fn new_vm(t: &Target, name: &str) -> Result<Vm, String> {
    let cluster = first_cluster(t).await?;
    let spec = VmSpec::new(name, cluster).vcpus(2).memory_bytes(2 << 30);
    wait(t.client.vms().create(&spec).await, "vm create").await
}

async fn gone(t: &Target, id: &VmId) -> Result<(), String> {
    match t.client.vms().get(id).await {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("get after delete gave {e}, not not_found")),
        Ok(vm) if vm.state == VmState::Deleted => Ok(()),
        Ok(vm) => Err(format!("VM still there after delete: {:?}", vm.state)),
    }
}

/// Create, start, wait running, stop, delete, gone.
pub async fn vm_lifecycle(t: &Target) -> Outcome {
    if let Some(s) = needs(
        t,
        &[
            Op::VmCreate,
            Op::VmStart,
            Op::VmStop,
            Op::VmDelete,
            Op::VmGet,
            Op::ClusterList,
        ],
    ) {
        return s;
    }
    let vm = tryc!(new_vm(t, "conf-lifecycle").await, "create");
    check!(
        vm.name == "conf-lifecycle",
        "created VM is named {}",
        vm.name
    );
    check!(
        vm.state == VmState::Stopped,
        "new VM is {:?}, not stopped",
        vm.state
    );
    let vm = tryc!(
        wait(t.client.vms().start(&vm.id).await, "start").await,
        "start"
    );
    check!(vm.state == VmState::Running, "after start: {:?}", vm.state);
    check!(vm.host_id.is_some(), "a running VM has a host");
    let vm = tryc!(
        wait(t.client.vms().stop(&vm.id).await, "stop").await,
        "stop"
    );
    check!(vm.state == VmState::Stopped, "after stop: {:?}", vm.state);
    tryc!(
        wait(t.client.vms().delete(&vm.id).await, "delete").await,
        "delete"
    );
    tryc!(gone(t, &vm.id).await, "gone");
    Outcome::Pass
}

/// Start, reboot, suspend, resume, force stop, each waited for.
pub async fn power_cycle(t: &Target) -> Outcome {
    if let Some(s) = needs(
        t,
        &[
            Op::VmCreate,
            Op::VmStart,
            Op::VmReboot,
            Op::VmSuspend,
            Op::VmResume,
            Op::VmForceStop,
            Op::ClusterList,
        ],
    ) {
        return s;
    }
    let vm = tryc!(new_vm(t, "conf-power").await, "create");
    let steps: [(&str, VmState); 5] = [
        ("start", VmState::Running),
        ("reboot", VmState::Running),
        ("suspend", VmState::Suspended),
        ("resume", VmState::Running),
        ("force_stop", VmState::Stopped),
    ];
    for (step, want) in steps {
        let api = t.client.vms();
        let op = match step {
            "start" => api.start(&vm.id).await,
            "reboot" => api.reboot(&vm.id).await,
            "suspend" => api.suspend(&vm.id).await,
            "resume" => api.resume(&vm.id).await,
            _ => api.force_stop(&vm.id).await,
        };
        let got = tryc!(wait(op, step).await, step);
        check!(
            got.state == want,
            "after {step}: {:?}, wanted {want:?}",
            got.state
        );
    }
    Outcome::Pass
}

/// A listing with a small page size walks every page.
pub async fn listing_paginates(t: &Target) -> Outcome {
    if let Some(s) = needs(t, &[Op::VmList]) {
        return s;
    }
    let page = tryc!(
        t.client
            .vms()
            .page(&ListQuery::new().page_size(5), None)
            .await,
        "first page"
    );
    check!(
        page.items.len() <= 5,
        "page of {} items for page_size 5",
        page.items.len()
    );
    check!(
        page.next.is_some(),
        "inventory has more than 5 VMs but no next cursor"
    );
    let all = tryc!(vms_in(t, ListQuery::new().page_size(5)).await, "paged list");
    check!(all.len() > 5, "walked only {} VMs", all.len());
    let ids: BTreeSet<&str> = all.iter().map(|v| v.id.as_str()).collect();
    check!(ids.len() == all.len(), "a VM appeared twice while paging");
    let big = tryc!(
        vms_in(t, ListQuery::new().page_size(500)).await,
        "unpaged list"
    );
    check!(
        big.len() == all.len(),
        "page size 5 gave {} VMs, page size 500 gave {}",
        all.len(),
        big.len()
    );
    Outcome::Pass
}

/// Each `ListQuery` filter returns exactly the VMs the filter selects from the whole listing.
pub async fn list_filters(t: &Target) -> Outcome {
    if let Some(s) = needs(t, &[Op::VmList]) {
        return s;
    }
    let all = tryc!(vms_in(t, ListQuery::new()).await, "list all");
    let Some(sample) = all
        .iter()
        .find(|v| v.state == VmState::Running && v.host_id.is_some() && v.cluster_id.is_some())
    else {
        return Outcome::Fail("inventory has no running VM placed on a host".into());
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
        let got = tryc!(vms_in(t, q.clone().page_size(7)).await, label);
        let mut want: Vec<&str> = all
            .iter()
            .filter(|v| q.matches_vm(v))
            .map(|v| v.id.as_str())
            .collect();
        let mut have: Vec<&str> = got.iter().map(|v| v.id.as_str()).collect();
        want.sort_unstable();
        have.sort_unstable();
        check!(
            !want.is_empty(),
            "{label}: the sample should match something"
        );
        check!(
            have == want,
            "{label}: got {} VMs, expected {}",
            have.len(),
            want.len()
        );
    }
    Outcome::Pass
}

/// Create a disk, attach it, see it on the VM, detach, delete, gone.
pub async fn disk_lifecycle(t: &Target) -> Outcome {
    if let Some(s) = needs(
        t,
        &[
            Op::DiskCreate,
            Op::DiskAttach,
            Op::DiskDetach,
            Op::DiskDelete,
            Op::DiskList,
            Op::DiskGet,
        ],
    ) {
        return s;
    }
    let vm = tryc!(new_vm(t, "conf-disk-vm").await, "create vm");
    let cluster = tryc!(first_cluster(t).await, "cluster");
    let mut spec = DiskSpec::new("conf-disk", 1 << 30).cluster(cluster);
    if let Some(s) = &t.disk_storage {
        spec = spec.storage(s.clone());
    }
    let disk = tryc!(
        wait(t.client.disks().create(&spec).await, "disk create").await,
        "create"
    );
    check!(
        disk.size_bytes == Some(1 << 30),
        "disk size {:?}",
        disk.size_bytes
    );
    let attached = tryc!(
        wait(t.client.disks().attach(&disk.id, &vm.id).await, "attach").await,
        "attach"
    );
    // Some vendors (oVirt 4) do not say on the disk itself which VM uses it; every vendor must
    // say it when listing the VM's disks.
    check!(
        attached.vm_id.is_none() || attached.vm_id.as_ref() == Some(&vm.id),
        "attached to {:?}, not {}",
        attached.vm_id,
        vm.id
    );
    let on_vm = tryc!(vm_disks(t, &vm.id).await, "disk list --vm");
    let listed = on_vm.iter().find(|d| d.id == disk.id);
    check!(
        listed.is_some(),
        "the VM's disks do not include the new disk"
    );
    check!(
        listed.and_then(|d| d.vm_id.as_ref()) == Some(&vm.id),
        "the VM's disk listing does not name the VM: {:?}",
        listed.map(|d| &d.vm_id)
    );
    // Refused at once (InvalidState, or InvalidInput from a vendor whose refusal is a plain
    // "bad request") or by a failing task (TaskFailed); either way the disk stays.
    let outcome = match t.client.disks().delete(&disk.id).await {
        Err(e) => Err(e),
        Ok(op) => op.with_options(opts()).wait().await,
    };
    check!(
        matches!(&outcome, Err(e) if matches!(
            e.kind(),
            ErrorKind::InvalidState | ErrorKind::InvalidInput | ErrorKind::TaskFailed
        )),
        "deleting an attached disk was not refused: {outcome:?}"
    );
    let on_vm = tryc!(
        vm_disks(t, &vm.id).await,
        "disk list --vm after refused delete"
    );
    check!(
        on_vm.iter().any(|d| d.id == disk.id),
        "the refused delete detached or removed the disk"
    );
    let detached = tryc!(
        wait(t.client.disks().detach(&disk.id, &vm.id).await, "detach").await,
        "detach"
    );
    check!(
        detached.vm_id.is_none(),
        "still attached to {:?}",
        detached.vm_id
    );
    let on_vm = tryc!(vm_disks(t, &vm.id).await, "disk list --vm after detach");
    check!(
        !on_vm.iter().any(|d| d.id == disk.id),
        "the VM still lists the detached disk"
    );
    tryc!(
        wait(t.client.disks().delete(&disk.id).await, "delete").await,
        "delete"
    );
    match t.client.disks().get(&DiskId::new(disk.id.as_str())).await {
        Err(e) if e.kind() == ErrorKind::NotFound => Outcome::Pass,
        other => Outcome::Fail(format!("disk get after delete: {other:?}")),
    }
}

/// A missing VM is `NotFound`.
pub async fn not_found(t: &Target) -> Outcome {
    if let Some(s) = needs(t, &[Op::VmGet]) {
        return s;
    }
    match t
        .client
        .vms()
        .get(&VmId::new("00000000-0000-4000-8000-00000000dead"))
        .await
    {
        Err(e) if e.kind() == ErrorKind::NotFound => Outcome::Pass,
        Err(e) => Outcome::Fail(format!("wanted not_found, got {e}")),
        Ok(vm) => Outcome::Fail(format!("got a VM: {}", vm.id)),
    }
}

/// An op the backend lacks fails `Unsupported` and sends no request.
pub async fn unsupported_sends_nothing(t: &Target) -> Outcome {
    let Some(counter) = &t.requests else {
        return Outcome::Skip("no request counter for this target".into());
    };
    let caps = t.client.capabilities();
    let Some(op) = [
        Op::VmMigrate,
        Op::VmSuspend,
        Op::VmResume,
        Op::DiskCreate,
        Op::TaskGetBatch,
    ]
    .into_iter()
    .find(|o| !caps.supports(*o)) else {
        return Outcome::Skip("the backend supports every probed op".into());
    };
    let before = counter.load(Ordering::SeqCst);
    let id = VmId::new("00000000-0000-4000-8000-000000000001");
    let res = match op {
        Op::VmMigrate => t.client.vms().migrate(&id, None).await.map(|_| ()),
        Op::VmSuspend => t.client.vms().suspend(&id).await.map(|_| ()),
        Op::VmResume => t.client.vms().resume(&id).await.map(|_| ()),
        Op::DiskCreate => t
            .client
            .disks()
            .create(&DiskSpec::new("x", 1))
            .await
            .map(|_| ()),
        _ => t.client.tasks().get_many(&[]).await.map(|_| ()),
    };
    check!(
        matches!(&res, Err(e) if e.kind() == ErrorKind::Unsupported),
        "{op}: wanted unsupported, got {res:?}"
    );
    let after = counter.load(Ordering::SeqCst);
    check!(
        after == before,
        "{op}: {} request(s) were sent",
        after - before
    );
    Outcome::Pass
}

/// A failing task surfaces as `TaskFailed` with the vendor's message.
pub async fn task_failure(t: &Target) -> Outcome {
    if t.world.is_none() && !t.faults_recorded {
        return Outcome::Skip("no simulator world to inject a failure into".into());
    }
    if let Some(s) = needs(t, &[Op::VmCreate, Op::VmStart, Op::ClusterList]) {
        return s;
    }
    let vm = tryc!(new_vm(t, "conf-task-fail").await, "create");
    if let Some(world) = &t.world {
        world
            .faults()
            .fail_next_task("SIM_HOST_OOM", "host has not enough free memory");
    }
    let Err(msg) = wait(t.client.vms().start(&vm.id).await, "start").await else {
        return Outcome::Fail("start succeeded despite the injected failure".into());
    };
    check!(
        msg.contains("task_failed"),
        "wanted task_failed, got: {msg}"
    );
    check!(
        msg.contains("host has not enough free memory"),
        "the vendor message is missing: {msg}"
    );
    Outcome::Pass
}

/// Starting a running VM is refused with `InvalidState`.
pub async fn invalid_state(t: &Target) -> Outcome {
    if let Some(s) = needs(t, &[Op::VmList, Op::VmStart]) {
        return s;
    }
    let running = tryc!(
        vms_in(t, ListQuery::new().vm_state(VmState::Running).limit(1)).await,
        "list running"
    );
    let Some(vm) = running.first() else {
        return Outcome::Fail("inventory has no running VM".into());
    };
    let res = match t.client.vms().start(&vm.id).await {
        Err(e) => Err(e),
        Ok(op) => op.with_options(opts()).wait().await.map(|_| ()),
    };
    match res {
        Err(e) if e.kind() == ErrorKind::InvalidState => Outcome::Pass,
        Err(e) => Outcome::Fail(format!("wanted invalid_state, got {e}")),
        Ok(()) => Outcome::Fail("starting a running VM succeeded".into()),
    }
}

/// `wait_all` over 100 VM starts.
pub async fn wait_all_100(t: &Target) -> Outcome {
    if let Some(s) = needs(t, &[Op::VmList, Op::VmStart]) {
        return s;
    }
    let stopped = tryc!(
        vms_in(t, ListQuery::new().vm_state(VmState::Stopped).limit(100)).await,
        "list stopped"
    );
    check!(
        stopped.len() == 100,
        "need 100 stopped VMs, inventory has {}",
        stopped.len()
    );
    let mut ops = Vec::new();
    for vm in &stopped {
        ops.push(tryc!(t.client.vms().start(&vm.id).await, "start"));
    }
    let ops: Vec<_> = ops.into_iter().map(|o| o.with_options(opts())).collect();
    let results = t.client.wait_all(ops).await;
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
        .collect();
    check!(
        failures.is_empty(),
        "{} failed; first: {}",
        failures.len(),
        failures[0]
    );
    check!(
        results
            .iter()
            .all(|r| matches!(r, Ok(v) if v.state == VmState::Running)),
        "not every VM is running"
    );
    Outcome::Pass
}

/// A transport that counts the requests passing through it.
#[derive(Debug)]
pub struct Counting {
    inner: omnivirt_http::SharedTransport,
    count: Arc<AtomicUsize>,
}

impl Counting {
    /// Wraps `inner`; returns the wrapper and its counter.
    pub fn wrap(inner: omnivirt_http::SharedTransport) -> (Arc<Self>, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        (
            Arc::new(Counting {
                inner,
                count: count.clone(),
            }),
            count,
        )
    }
}

#[async_trait::async_trait]
impl omnivirt_http::Transport for Counting {
    async fn send(
        &self,
        req: omnivirt_http::Request,
    ) -> omnivirt_core::Result<omnivirt_http::Response> {
        self.count.fetch_add(1, Ordering::SeqCst);
        self.inner.send(req).await
    }

    async fn close(&self) -> omnivirt_core::Result<()> {
        self.inner.close().await
    }
}
