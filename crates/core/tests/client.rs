//! Client behaviour against an in-memory backend, on tokio's paused clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures::TryStreamExt;
use omnivirt_core::*;

/// A backend whose tasks finish after a fixed number of polls.
#[derive(Debug)]
struct Mem {
    caps: Capabilities,
    calls: AtomicUsize,
    task_gets: AtomicUsize,
    batch_gets: AtomicUsize,
    vm_gets: AtomicUsize,
    vm_batch_gets: AtomicUsize,
    /// Power ops submit both a task and a state to converge on (oVirt with jobs).
    task_and_state: bool,
    /// Power ops leave the VM as it is (a change that never happens).
    hold_state: bool,
    /// Power ops submit a task (CloudTower, ZStack) or only a state to converge on (oVirt).
    converge_only: bool,
    polls_to_finish: usize,
    fail_tasks: bool,
    vms: Mutex<HashMap<String, Vm>>,
    task_polls: Mutex<HashMap<String, usize>>,
    pages: usize,
}

impl Mem {
    fn new(polls_to_finish: usize) -> Self {
        Mem {
            caps: Capabilities::all()
                .without(Op::TaskGetBatch)
                .without(Op::VmGetBatch),
            calls: AtomicUsize::new(0),
            task_gets: AtomicUsize::new(0),
            batch_gets: AtomicUsize::new(0),
            vm_gets: AtomicUsize::new(0),
            vm_batch_gets: AtomicUsize::new(0),
            task_and_state: false,
            hold_state: false,
            converge_only: false,
            polls_to_finish,
            fail_tasks: false,
            vms: Mutex::new(HashMap::new()),
            task_polls: Mutex::new(HashMap::new()),
            pages: 3,
        }
    }

    fn task_state(&self, id: &TaskId) -> Task {
        let mut polls = self.task_polls.lock().unwrap();
        let n = polls.entry(id.to_string()).or_insert(0);
        *n += 1;
        if *n >= self.polls_to_finish {
            if self.fail_tasks {
                let mut t = Task::new(id.clone(), TaskState::Failed);
                t.error = Some(TaskError::new(
                    Some("E_DISK_FULL".into()),
                    "storage pool is full",
                ));
                t
            } else {
                let mut t = Task::new(id.clone(), TaskState::Succeeded);
                t.target = Some(ResourceRef::Vm(VmId::new(id.as_str().replace("task-", ""))));
                t
            }
        } else {
            Task::new(id.clone(), TaskState::Running)
        }
    }
}

#[async_trait]
impl Backend for Mem {
    fn vendor(&self) -> &'static str {
        "mem"
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn list_vms(&self, q: &ListQuery, cursor: Option<&Cursor>) -> Result<Page<Vm>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let page: usize = cursor.map(|c| c.as_str().parse().unwrap()).unwrap_or(0);
        let size = q.page_size.unwrap_or(2) as usize;
        let items = (0..size)
            .map(|i| {
                Vm::new(
                    format!("vm-{page}-{i}"),
                    format!("vm-{page}-{i}"),
                    VmState::Running,
                )
            })
            .collect();
        let next = (page + 1 < self.pages).then(|| Cursor::new((page + 1).to_string()));
        Ok(Page::new(items, next))
    }

    async fn get_vm(&self, id: &VmId) -> Result<Vm> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.vm_gets.fetch_add(1, Ordering::SeqCst);
        self.vms
            .lock()
            .unwrap()
            .get(id.as_str())
            .cloned()
            .ok_or_else(|| Error::not_found(format!("no VM {id}")))
    }

    async fn power(&self, id: &VmId, action: PowerAction) -> Result<Submitted> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut vms = self.vms.lock().unwrap();
        let vm = vms
            .entry(id.to_string())
            .or_insert_with(|| Vm::new(id.clone(), id.as_str(), VmState::Stopped));
        if !self.hold_state {
            vm.state = action.target_state();
        }
        if self.task_and_state {
            return Ok(Submitted::done(action.op())
                .task(format!("task-{id}"))
                .target(ResourceRef::Vm(id.clone()))
                .expect(Expect::VmState(vec![action.target_state()])));
        }
        if self.converge_only {
            return Ok(Submitted::done(action.op())
                .target(ResourceRef::Vm(id.clone()))
                .expect(Expect::VmState(vec![action.target_state()])));
        }
        Ok(Submitted::done(action.op())
            .task(format!("task-{id}"))
            .target(ResourceRef::Vm(id.clone())))
    }

    async fn get_vms(&self, ids: &[VmId]) -> Result<Vec<Vm>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.vm_batch_gets.fetch_add(1, Ordering::SeqCst);
        let vms = self.vms.lock().unwrap();
        Ok(ids
            .iter()
            .filter_map(|id| vms.get(id.as_str()).cloned())
            .collect())
    }

    async fn migrate_vm(&self, _id: &VmId, _host: Option<&HostId>) -> Result<Submitted> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        panic!("the client must not call an op the backend did not declare");
    }

    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.task_gets.fetch_add(1, Ordering::SeqCst);
        Ok(self.task_state(id))
    }

    async fn get_tasks(&self, ids: &[TaskId]) -> Result<Vec<Task>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.batch_gets.fetch_add(1, Ordering::SeqCst);
        Ok(ids
            .iter()
            .filter(|id| !id.as_str().contains("unknown"))
            .map(|id| self.task_state(id))
            .collect())
    }
}

fn fast() -> WaitOptions {
    WaitOptions::new()
        .timeout(Duration::from_secs(30))
        .interval(Duration::from_millis(100), Duration::from_secs(1))
}

#[tokio::test(start_paused = true)]
async fn wait_succeeds_and_reports_progress() {
    let mem = Arc::new(Mem::new(3));
    let client = Client::new(mem.clone()).with_wait_options(fast());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let vm = client
        .vms()
        .start(&VmId::new("a"))
        .await
        .unwrap()
        .on_progress(move |p| s2.lock().unwrap().push((p.polls, p.task_state, p.done)))
        .wait()
        .await
        .unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(mem.task_gets.load(Ordering::SeqCst), 3);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0], (1, Some(TaskState::Running), false));
    assert_eq!(seen[2], (3, Some(TaskState::Succeeded), false));
    assert!(seen.last().unwrap().2, "last report marks the wait done");
}

#[tokio::test(start_paused = true)]
async fn wait_times_out_naming_op_elapsed_and_polls() {
    let mem = Arc::new(Mem::new(usize::MAX));
    let client = Client::new(mem.clone());
    let op = client.vms().start(&VmId::new("a")).await.unwrap();
    let started = tokio::time::Instant::now();
    let err = op
        .with_options(
            WaitOptions::new()
                .timeout(Duration::from_secs(5))
                .interval(Duration::from_secs(1), Duration::from_secs(1))
                .jitter(0.0),
        )
        .wait()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.op(), Some(Op::VmStart));
    assert!(!err.is_retryable());
    let msg = err.to_string();
    assert!(msg.contains("vm.start"), "{msg}");
    assert!(msg.contains("waited 5.0s"), "{msg}");
    assert!(msg.contains("6 polls"), "{msg}");
    assert!(msg.contains("task running"), "{msg}");
    assert_eq!(started.elapsed(), Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn failed_task_carries_vendor_message_and_code() {
    let mut mem = Mem::new(2);
    mem.fail_tasks = true;
    let client = Client::new(Arc::new(mem)).with_wait_options(fast());
    let err = client
        .vms()
        .stop(&VmId::new("b"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert_eq!(err.op(), Some(Op::VmStop));
    let d = err.detail().unwrap();
    assert_eq!(d.message.as_deref(), Some("storage pool is full"));
    assert_eq!(d.code.as_deref(), Some("E_DISK_FULL"));
    assert!(err.to_string().contains("storage pool is full"));
}

#[tokio::test]
async fn unsupported_op_never_reaches_the_backend() {
    let mut mem = Mem::new(1);
    mem.caps = mem.caps.clone().without(Op::VmMigrate);
    let mem = Arc::new(mem);
    let client = Client::new(mem.clone());
    let err = client
        .vms()
        .migrate(&VmId::new("a"), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert_eq!(err.op(), Some(Op::VmMigrate));
    assert_eq!(mem.calls.load(Ordering::SeqCst), 0);

    // An op left out with a note says why, in the same one line.
    let mut mem = Mem::new(1);
    mem.caps = mem
        .caps
        .clone()
        .without(Op::VmCreateStorage)
        .with_note(Op::VmCreateStorage, "the vendor has no placement");
    let mem = Arc::new(mem);
    let err = Client::new(mem.clone())
        .vms()
        .create(&VmSpec::new("a", "c1").storage("p1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert_eq!(err.op(), Some(Op::VmCreateStorage));
    let line = err.to_string();
    assert!(
        line.contains("mem backend: the vendor has no placement"),
        "{line}"
    );
    assert!(!line.contains('\n'), "{line}");
    assert_eq!(mem.calls.load(Ordering::SeqCst), 0);

    let mut mem = Mem::new(1);
    mem.caps = Capabilities::new([Op::VmGet]);
    let mem = Arc::new(mem);
    let client = Client::new(mem.clone());
    let items: Vec<Result<Vm>> =
        futures::StreamExt::collect(client.vms().list(ListQuery::new())).await;
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().unwrap_err().kind(),
        ErrorKind::Unsupported
    );
    assert_eq!(mem.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn invalid_spec_is_rejected_before_io() {
    let mem = Arc::new(Mem::new(1));
    let client = Client::new(mem.clone());
    let err = client
        .vms()
        .create(&VmSpec::new("", "c1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(mem.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn listing_streams_every_page_and_honours_limit() {
    let mem = Arc::new(Mem::new(1));
    let client = Client::new(mem.clone());
    let all: Vec<Vm> = client
        .vms()
        .list(ListQuery::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(mem.calls.load(Ordering::SeqCst), 3);

    let mem = Arc::new(Mem::new(1));
    let client = Client::new(mem.clone());
    let some: Vec<Vm> = client
        .vms()
        .list(ListQuery::new().limit(3))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(some.len(), 3);
    assert_eq!(
        mem.calls.load(Ordering::SeqCst),
        2,
        "stops fetching once the limit is met"
    );
}

#[tokio::test(start_paused = true)]
async fn wait_all_batches_task_polls() {
    let mut mem = Mem::new(3);
    mem.caps = Capabilities::all().with_max_task_batch(100);
    let mem = Arc::new(mem);
    let client = Client::new(mem.clone()).with_wait_options(fast());
    let mut ops = Vec::new();
    for i in 0..1000 {
        ops.push(
            client
                .vms()
                .start(&VmId::new(format!("v{i}")))
                .await
                .unwrap(),
        );
    }
    let results = client.wait_all(ops).await;
    assert_eq!(results.len(), 1000);
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().unwrap().state == VmState::Running)
    );
    assert_eq!(mem.task_gets.load(Ordering::SeqCst), 0);
    // 3 rounds of polling, 10 batches of 100 ids per round.
    assert_eq!(mem.batch_gets.load(Ordering::SeqCst), 30);
    assert_eq!(
        results[7].as_ref().unwrap().id.as_str(),
        "v7",
        "results keep their order"
    );
}

#[tokio::test(start_paused = true)]
async fn wait_all_reports_unknown_task_instead_of_waiting_forever() {
    let mut mem = Mem::new(2);
    mem.caps = Capabilities::all();
    let mem = Arc::new(mem);
    let client = Client::new(mem.clone()).with_wait_options(fast());
    let ops = vec![
        client.vms().start(&VmId::new("ok")).await.unwrap(),
        client.vms().start(&VmId::new("unknown")).await.unwrap(),
    ];
    let results = client.wait_all(ops).await;
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("task-unknown"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn wait_all_without_batch_support_polls_each() {
    let mem = Arc::new(Mem::new(2));
    let client = Client::new(mem.clone()).with_wait_options(fast());
    let mut ops = Vec::new();
    for i in 0..10 {
        ops.push(
            client
                .vms()
                .start(&VmId::new(format!("v{i}")))
                .await
                .unwrap(),
        );
    }
    let results = client.wait_all(ops).await;
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(mem.task_gets.load(Ordering::SeqCst), 20);
    assert_eq!(mem.batch_gets.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn errors_of_plain_reads_name_the_op_and_vendor() {
    let client = Client::new(Arc::new(Mem::new(1)));
    let err = client.vms().get(&VmId::new("nope")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.op(), Some(Op::VmGet));
    assert_eq!(err.vendor(), Some("mem"));
    assert!(err.to_string().contains("op vm.get"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn converge_hands_the_vm_it_saw_to_the_result() {
    let mut mem = Mem::new(1);
    mem.converge_only = true;
    let mem = Arc::new(mem);
    let client = Client::new(mem.clone()).with_wait_options(fast());
    let vm = client
        .vms()
        .start(&VmId::new("a"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(
        mem.vm_gets.load(Ordering::SeqCst),
        1,
        "the converge read is the result; no second read"
    );

    // The same through wait_all: one read per operation.
    let ops = vec![
        client.vms().stop(&VmId::new("a")).await.unwrap(),
        client.vms().stop(&VmId::new("b")).await.unwrap(),
    ];
    let results = client.wait_all(ops).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().unwrap().state == VmState::Stopped)
    );
    assert_eq!(mem.vm_gets.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_task_without_a_converge_step_reads_the_result_once() {
    let mem = Arc::new(Mem::new(2));
    let client = Client::new(mem.clone()).with_wait_options(fast());
    let vm = client
        .vms()
        .start(&VmId::new("a"))
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(vm.state, VmState::Running);
    assert_eq!(mem.vm_gets.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn wait_all_batched_progress_ends_where_the_rounds_left_off() {
    let mut mem = Mem::new(5);
    mem.caps = Capabilities::all();
    let mem = Arc::new(mem);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let opts = WaitOptions::new()
        .timeout(Duration::from_secs(30))
        .interval(Duration::from_millis(400), Duration::from_millis(400))
        .jitter(0.0)
        .on_progress(move |p| s2.lock().unwrap().push(p.clone()));
    let client = Client::new(mem.clone()).with_wait_options(opts);
    let ops = vec![
        client.vms().start(&VmId::new("a")).await.unwrap(),
        client.vms().start(&VmId::new("b")).await.unwrap(),
    ];
    let results = client.wait_all(ops).await;
    assert!(results.iter().all(|r| r.is_ok()));
    let seen = seen.lock().unwrap();
    assert!(seen.iter().all(|p| p.op == Op::VmStart), "{seen:?}");
    let last = seen.last().unwrap();
    assert!(last.done);
    assert_eq!(last.polls, 5, "{last:?}");
    assert_eq!(last.elapsed, Duration::from_millis(1600), "{last:?}");
}

#[tokio::test(start_paused = true)]
async fn wait_all_batched_timeout_names_the_users_op() {
    let mut mem = Mem::new(usize::MAX);
    mem.caps = Capabilities::all();
    let mem = Arc::new(mem);
    let client = Client::new(mem.clone()).with_wait_options(
        WaitOptions::new()
            .timeout(Duration::from_secs(5))
            .interval(Duration::from_secs(1), Duration::from_secs(1))
            .jitter(0.0),
    );
    let ops = vec![
        client.vms().start(&VmId::new("a")).await.unwrap(),
        client.vms().start(&VmId::new("b")).await.unwrap(),
    ];
    for r in client.wait_all(ops).await {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert_eq!(err.op(), Some(Op::VmStart));
        let msg = err.to_string();
        assert!(msg.contains("vm.start did not finish"), "{msg}");
        assert!(!msg.contains("task.get_batch"), "{msg}");
        assert!(msg.contains("6 polls"), "{msg}");
    }
}

async fn started(client: &Client, n: usize) -> Vec<omnivirt_core::Operation<Vm>> {
    let mut ops = Vec::new();
    for i in 0..n {
        let id = VmId::new(format!("v{i}"));
        ops.push(client.vms().start(&id).await.unwrap());
    }
    ops
}

#[tokio::test(start_paused = true)]
async fn wait_all_converges_many_vms_with_one_batched_read_per_round() {
    let mut mem = Mem::new(1);
    mem.task_and_state = true;
    mem.caps = Capabilities::all()
        .without(Op::TaskGetBatch)
        .with_max_task_batch(100);
    let mem = Arc::new(mem);
    let client = Client::new(mem.clone()).with_wait_options(fast());
    let ops = started(&client, 1000).await;
    let results = client.wait_all(ops).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().unwrap().state == VmState::Running)
    );
    assert_eq!(results[42].as_ref().unwrap().id.as_str(), "v42");
    // Every VM is there at the first round: ceil(1000 / 100) reads, no single reads, and no
    // job is read for a VM that is already where it should be.
    assert_eq!(mem.vm_batch_gets.load(Ordering::SeqCst), 10);
    assert_eq!(mem.vm_gets.load(Ordering::SeqCst), 0);
    assert_eq!(mem.task_gets.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn wait_all_reads_the_job_of_a_vm_that_is_stuck() {
    let mut mem = Mem::new(1);
    mem.task_and_state = true;
    mem.hold_state = true;
    mem.fail_tasks = true;
    mem.caps = Capabilities::all()
        .without(Op::TaskGetBatch)
        .with_max_task_batch(100);
    let mem = Arc::new(mem);
    let client = Client::new(mem.clone()).with_wait_options(fast());
    // Seed the VMs as stopped: the start never happens, and the job says why.
    let ops = started(&client, 50).await;
    let results = client.wait_all(ops).await;
    for r in &results {
        let err = r.as_ref().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TaskFailed, "{err}");
        assert!(err.to_string().contains("storage pool is full"), "{err}");
    }
    assert_eq!(mem.vm_batch_gets.load(Ordering::SeqCst), 1, "one round");
    assert_eq!(
        mem.task_gets.load(Ordering::SeqCst),
        50,
        "one job read per stuck VM"
    );
}

#[tokio::test(start_paused = true)]
async fn wait_all_names_a_vm_that_disappeared() {
    let mut mem = Mem::new(1);
    mem.converge_only = true;
    mem.caps = Capabilities::all().without(Op::TaskGetBatch);
    let mem = Arc::new(mem);
    let client = Client::new(mem.clone()).with_wait_options(fast());
    let ops = started(&client, 2).await;
    mem.vms.lock().unwrap().remove("v1");
    let results = client.wait_all(ops).await;
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("v1"), "{err}");
}

#[tokio::test]
async fn a_listing_fetches_the_next_page_while_the_caller_works() {
    let mem = Arc::new(Mem::new(1));
    let client = Client::new(mem.clone());
    let mut s = client.vms().list(ListQuery::new());
    let first = s.try_next().await.unwrap().unwrap();
    assert_eq!(first.id.as_str(), "vm-0-0");
    // The caller is busy with the first item; the second page is asked for meanwhile.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        mem.calls.load(Ordering::SeqCst),
        2,
        "one page ahead, not more"
    );
    let rest: Vec<Vm> = s.try_collect().await.unwrap();
    assert_eq!(rest.len(), 5);
    assert_eq!(
        mem.calls.load(Ordering::SeqCst),
        3,
        "no request past the last page"
    );

    // A listing whose limit the first page meets asks for no page ahead.
    let mem = Arc::new(Mem::new(1));
    let client = Client::new(mem.clone());
    let mut s = client.vms().list(ListQuery::new().limit(2));
    s.try_next().await.unwrap();
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(mem.calls.load(Ordering::SeqCst), 1);
}
