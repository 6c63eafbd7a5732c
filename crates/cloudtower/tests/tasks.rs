//! `wait_tasks` on core's waiter: plain `WaitOptions` are accepted, every batched round is a
//! progress report, and a timeout names the tasks still running.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use omnivirt_cloudtower::filter::VmWhere;
use omnivirt_cloudtower::model::{TaskStatus, VmStatus};
use omnivirt_cloudtower::query::Query;
use omnivirt_cloudtower::tasks::task_ids;
use omnivirt_cloudtower::{CloudTowerClient, Credentials};
use omnivirt_core::{ErrorKind, Op, TaskState, WaitOptions};
use omnivirt_sim::skins::cloudtower::CloudTowerSkin;
use omnivirt_sim::{SimTransport, Tick, World};

fn tower(world: Arc<World>) -> CloudTowerClient {
    let t = Arc::new(SimTransport::new(world, Arc::new(CloudTowerSkin::new())));
    CloudTowerClient::new(
        format!("{}/v2/api", SimTransport::BASE_URL),
        t,
        Credentials::password("admin", "admin"),
    )
}

/// Starts one stopped VM; its task ids.
async fn start_one(tower: &CloudTowerClient) -> Vec<String> {
    let vm = tower
        .vms()
        .list(Query::new(VmWhere::new().status().eq(VmStatus::Stopped)).first(1))
        .await
        .unwrap()
        .remove(0);
    let started = tower
        .vm()
        .start(&VmWhere::new().id().eq(vm.id.unwrap()), None)
        .await
        .unwrap();
    task_ids(&started)
}

fn every_second() -> WaitOptions {
    WaitOptions::new()
        .timeout(Duration::from_secs(30))
        .interval(Duration::from_secs(1), Duration::from_secs(1))
        .jitter(0.0)
}

#[tokio::test(start_paused = true)]
async fn plain_wait_options_wait_and_every_round_is_reported() {
    let world = Arc::new(World::default());
    let tower = tower(world);
    let ids = start_one(&tower).await;
    let (opts, mut rx) = every_second().progress_channel();
    let tasks = tower.wait_tasks(&ids, opts).await.unwrap();
    assert_eq!(tasks[0].status, Some(TaskStatus::Succeeded));

    let mut reports = Vec::new();
    while let Ok(p) = rx.try_recv() {
        reports.push(p);
    }
    let (last, rounds) = reports.split_last().unwrap();
    assert!(last.done);
    assert_eq!(last.op, Op::TaskGetBatch);
    assert!(
        !rounds.is_empty(),
        "a running task is reported before it ends"
    );
    for p in rounds {
        assert!(!p.done);
        assert!(
            matches!(p.task_state, Some(TaskState::Running | TaskState::Pending)),
            "{p:?}"
        );
        let seen = p.observed.as_deref().unwrap_or_default();
        assert!(seen.contains(&ids[0]), "{seen}");
    }
    assert_eq!(last.polls, rounds.len() as u32 + 1);
}

#[tokio::test(start_paused = true)]
async fn a_timeout_names_the_op_the_polls_and_the_tasks_still_running() {
    let world = Arc::new(World::default());
    world.set_tick(Tick::Wall(Duration::from_secs(3600)));
    let tower = tower(world);
    let ids = start_one(&tower).await;
    let err = tower
        .wait_tasks(&ids, every_second().timeout(Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.op(), Some(Op::TaskGetBatch));
    assert!(!err.is_retryable());
    let msg = err.to_string();
    assert!(msg.contains("polls"), "{msg}");
    assert!(
        msg.contains(&format!("tasks still running: {}", ids[0])),
        "{msg}"
    );
}
