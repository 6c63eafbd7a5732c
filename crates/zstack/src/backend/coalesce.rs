//! Concurrent single-key reads answered by one batched read.
//!
//! A VM get on ZStack is two requests, sent together: the VM and its user tags. Under load,
//! many gets wait at once, and one `QueryVmInstance` (`uuid?=` all of them) and one
//! `QueryUserTag` (`resourceUuid?=`) serve them all. [`Coalescer`] keeps at most one batch in
//! flight: a key that arrives while one is in flight waits for the next batch, so every batch
//! is sent after each of its callers asked (a change made before a get started is always seen
//! by that get).
//!
//! - The first caller leads: it sends its own key with up to `max - 1` waiting ones, hands the
//!   answers out, then passes the lead to the oldest caller still waiting.
//! - A failed batch read gives the leader its error; every other caller of that batch reads
//!   its key alone and gets its own answer or error (errors are not `Clone`, and a read is
//!   safe to send again).
//! - A leader dropped mid-read (its caller cancelled) still passes the lead on; the callers of
//!   its batch read alone. Nobody waits for a lead that never comes.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};

use omnivirt_core::Result;
use tokio::sync::oneshot;

/// At most one batched read in flight; keys that arrive meanwhile wait for the next.
pub(crate) struct Coalescer<K, V> {
    state: Mutex<State<K, V>>,
}

struct State<K, V> {
    /// Callers waiting for a batch, oldest first.
    queue: VecDeque<Waiter<K, V>>,
    /// A leader is reading (or about to).
    busy: bool,
}

struct Waiter<K, V> {
    key: K,
    reply: oneshot::Sender<Turn<V>>,
}

/// What a waiting caller is told.
enum Turn<V> {
    /// The answer for its key.
    Done(V),
    /// It leads the next batch.
    Lead,
    /// Its batch failed: read alone.
    Alone,
}

impl<K, V> std::fmt::Debug for Coalescer<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Coalescer")
            .field("busy", &st.busy)
            .field("waiting", &st.queue.len())
            .finish()
    }
}

impl<K, V> Default for Coalescer<K, V> {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                busy: false,
            }),
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone + Default> Coalescer<K, V> {
    /// The value for `key`, read by `fetch` together with up to `max - 1` other waiting keys.
    ///
    /// `fetch` gets the keys of one batch (in arrival order, the caller's own first) and
    /// answers a map; a key the map lacks gets `V::default()`.
    pub(crate) async fn load<F, Fut>(&self, key: K, max: usize, fetch: F) -> Result<V>
    where
        F: Fn(Vec<K>) -> Fut,
        Fut: Future<Output = Result<HashMap<K, V>>>,
    {
        let rx = {
            let mut st = self.lock();
            if st.busy {
                let (reply, rx) = oneshot::channel();
                st.queue.push_back(Waiter {
                    key: key.clone(),
                    reply,
                });
                Some(rx)
            } else {
                st.busy = true;
                None
            }
        };
        if let Some(rx) = rx {
            let mut wait = Wait { c: self, rx };
            match (&mut wait.rx).await {
                Ok(Turn::Done(v)) => return Ok(v),
                Ok(Turn::Lead) => {}
                // The batch failed, or its leader was dropped mid-read.
                Ok(Turn::Alone) | Err(_) => return alone(key, fetch).await,
            }
        }
        let lead = Lead { c: self };
        let batch: Vec<Waiter<K, V>> = {
            let mut st = self.lock();
            let n = st.queue.len().min(max.saturating_sub(1));
            st.queue.drain(..n).collect()
        };
        let mut keys = Vec::with_capacity(batch.len() + 1);
        keys.push(key.clone());
        keys.extend(batch.iter().map(|w| w.key.clone()));
        let answer = fetch(keys).await;
        drop(lead);
        match answer {
            Ok(mut map) => {
                // Each answer moves to the last caller that asked for its key (the leader
                // last of all); only a key asked more than once in a batch is copied.
                let moves = last_askers(&batch, &key);
                for (w, last) in batch.into_iter().zip(moves) {
                    let v = if last {
                        map.remove(&w.key)
                    } else {
                        map.get(&w.key).cloned()
                    };
                    // A caller that gave up no longer listens; nothing to do for it.
                    let _ = w.reply.send(Turn::Done(v.unwrap_or_default()));
                }
                Ok(map.remove(&key).unwrap_or_default())
            }
            Err(e) => {
                for w in batch {
                    let _ = w.reply.send(Turn::Alone);
                }
                Err(e)
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<K, V>> {
        // The state is consistent between statements, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K, V> State<K, V> {
    /// Gives the lead to the oldest caller still listening, or marks nobody as leading.
    fn pass_lead(&mut self) {
        while let Some(w) = self.queue.pop_front() {
            if w.reply.send(Turn::Lead).is_ok() {
                return;
            }
        }
        self.busy = false;
    }
}

/// For each waiter of a batch led by the caller of `lead`: whether no later waiter, nor the
/// leader, asked for its key (so its answer can be moved to it, not copied).
fn last_askers<K: Eq + Hash, V>(batch: &[Waiter<K, V>], lead: &K) -> Vec<bool> {
    let mut last: HashMap<&K, usize> = HashMap::with_capacity(batch.len());
    for (i, w) in batch.iter().enumerate() {
        last.insert(&w.key, i);
    }
    batch
        .iter()
        .enumerate()
        .map(|(i, w)| w.key != *lead && last.get(&w.key) == Some(&i))
        .collect()
}

/// Reads one key by itself.
async fn alone<K: Eq + Hash + Clone, V: Clone + Default, F, Fut>(key: K, fetch: F) -> Result<V>
where
    F: Fn(Vec<K>) -> Fut,
    Fut: Future<Output = Result<HashMap<K, V>>>,
{
    let mut map = fetch(vec![key.clone()]).await?;
    Ok(map.remove(&key).unwrap_or_default())
}

/// The lead, passed on when the read ends or the leader is dropped.
struct Lead<'a, K, V> {
    c: &'a Coalescer<K, V>,
}

impl<K, V> Drop for Lead<'_, K, V> {
    fn drop(&mut self) {
        self.c
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pass_lead();
    }
}

/// A waiting caller; dropped before it read its turn, it passes on a lead it was given.
struct Wait<'a, K, V> {
    c: &'a Coalescer<K, V>,
    rx: oneshot::Receiver<Turn<V>>,
}

impl<K, V> Drop for Wait<'_, K, V> {
    fn drop(&mut self) {
        // Leads are sent under the lock: after `close` here, none can arrive unseen.
        let mut st = self.c.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.rx.close();
        if let Ok(Turn::Lead) = self.rx.try_recv() {
            st.pass_lead();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use omnivirt_core::{Error, ErrorKind};
    use tokio::sync::Semaphore;

    use super::*;

    /// A fetch that records each batch and waits for a permit before answering `key * 10`.
    #[derive(Clone)]
    struct Probe {
        batches: Arc<Mutex<Vec<Vec<u32>>>>,
        gate: Arc<Semaphore>,
        fail_batches_over_one: bool,
        calls: Arc<AtomicUsize>,
    }

    impl Default for Probe {
        fn default() -> Self {
            Self {
                batches: Arc::default(),
                gate: Arc::new(Semaphore::new(0)),
                fail_batches_over_one: false,
                calls: Arc::default(),
            }
        }
    }

    impl Probe {
        async fn fetch(&self, keys: Vec<u32>) -> Result<HashMap<u32, u32>> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            self.batches.lock().unwrap().push(keys.clone());
            self.gate.acquire().await.unwrap().forget();
            if self.fail_batches_over_one && keys.len() > 1 {
                return Err(Error::new(ErrorKind::Transport, "batch failed"));
            }
            Ok(keys.into_iter().map(|k| (k, k * 10)).collect())
        }
        fn batches(&self) -> Vec<Vec<u32>> {
            self.batches.lock().unwrap().clone()
        }
    }

    async fn settle() {
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn keys_that_arrive_during_a_read_share_the_next_one() {
        let c = Arc::new(Coalescer::<u32, u32>::default());
        let p = Probe::default();
        let mut tasks = Vec::new();
        for k in 1..=5 {
            let (c, p) = (c.clone(), p.clone());
            tasks.push(tokio::spawn(async move {
                c.load(k, 100, |keys| p.fetch(keys)).await
            }));
            settle().await;
        }
        // Key 1 leads alone: the others arrived after its read was sent.
        assert_eq!(p.batches(), vec![vec![1]]);
        p.gate.add_permits(1);
        settle().await;
        assert_eq!(p.batches(), vec![vec![1], vec![2, 3, 4, 5]]);
        p.gate.add_permits(1);
        for (k, t) in (1..=5).zip(tasks) {
            assert_eq!(t.await.unwrap().unwrap(), k * 10);
        }
        // Nobody leads now: the next key is read at once.
        p.gate.add_permits(1);
        assert_eq!(c.load(9, 100, |keys| p.fetch(keys)).await.unwrap(), 90);
        assert_eq!(p.batches().len(), 3);
    }

    #[tokio::test]
    async fn a_batch_holds_at_most_max_keys() {
        let c = Arc::new(Coalescer::<u32, u32>::default());
        let p = Probe::default();
        let mut tasks = Vec::new();
        for k in 0..8 {
            let (c, p) = (c.clone(), p.clone());
            tasks.push(tokio::spawn(async move {
                c.load(k, 3, |keys| p.fetch(keys)).await
            }));
            settle().await;
        }
        p.gate.add_permits(100);
        for (k, t) in (0..8).zip(tasks) {
            assert_eq!(t.await.unwrap().unwrap(), k * 10);
        }
        assert_eq!(
            p.batches(),
            vec![vec![0], vec![1, 2, 3], vec![4, 5, 6], vec![7]]
        );
    }

    #[tokio::test]
    async fn a_failed_batch_is_read_again_key_by_key() {
        let c = Arc::new(Coalescer::<u32, u32>::default());
        let p = Probe {
            fail_batches_over_one: true,
            ..Probe::default()
        };
        let mut tasks = Vec::new();
        for k in 1..=3 {
            let (c, p) = (c.clone(), p.clone());
            tasks.push(tokio::spawn(async move {
                c.load(k, 100, |keys| p.fetch(keys)).await
            }));
            settle().await;
        }
        p.gate.add_permits(100);
        let got: Vec<_> = futures::future::join_all(tasks).await;
        assert_eq!(got[0].as_ref().unwrap().as_ref().unwrap(), &10);
        // Key 2 led [2, 3], which failed: its caller sees the error, key 3 reads alone.
        let e = got[1].as_ref().unwrap().as_ref().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport);
        assert_eq!(got[2].as_ref().unwrap().as_ref().unwrap(), &30);
        assert_eq!(p.batches(), vec![vec![1], vec![2, 3], vec![3]]);
    }

    #[tokio::test]
    async fn a_cancelled_leader_passes_the_lead_on() {
        let c = Arc::new(Coalescer::<u32, u32>::default());
        let p = Probe::default();
        let leader = {
            let (c, p) = (c.clone(), p.clone());
            tokio::spawn(async move { c.load(1, 100, |keys| p.fetch(keys)).await })
        };
        settle().await;
        let mut tasks = Vec::new();
        for k in 2..=3 {
            let (c, p) = (c.clone(), p.clone());
            tasks.push(tokio::spawn(async move {
                c.load(k, 100, |keys| p.fetch(keys)).await
            }));
            settle().await;
        }
        leader.abort();
        settle().await;
        p.gate.add_permits(100);
        for (k, t) in (2..=3).zip(tasks) {
            assert_eq!(t.await.unwrap().unwrap(), k * 10);
        }
        assert_eq!(p.batches(), vec![vec![1], vec![2, 3]]);
    }

    #[tokio::test]
    async fn a_waiter_cancelled_after_it_was_given_the_lead_passes_it_on() {
        let c = Arc::new(Coalescer::<u32, u32>::default());
        let p = Probe::default();
        // Key 1 leads; 2 and 3 wait.
        let first = {
            let (c, p) = (c.clone(), p.clone());
            tokio::spawn(async move { c.load(1, 1, |keys| p.fetch(keys)).await })
        };
        settle().await;
        let (c2, p2) = (c.clone(), p.clone());
        let mut second = Box::pin(async move { c2.load(2, 1, |keys| p2.fetch(keys)).await });
        // Registers key 2 as waiting, then is never polled again.
        assert!(futures::poll!(&mut second).is_pending());
        let third = {
            let (c, p) = (c.clone(), p.clone());
            tokio::spawn(async move { c.load(3, 1, |keys| p.fetch(keys)).await })
        };
        settle().await;
        // Key 1's read ends: the lead goes to key 2, whose caller drops it unread.
        p.gate.add_permits(1);
        assert_eq!(first.await.unwrap().unwrap(), 10);
        drop(second);
        p.gate.add_permits(100);
        // Without the hand-over, key 3 would wait for ever: fail instead of hanging.
        let third = tokio::time::timeout(std::time::Duration::from_secs(10), third)
            .await
            .expect("key 3 never got the lead");
        assert_eq!(third.unwrap().unwrap(), 30);
        assert_eq!(p.batches(), vec![vec![1], vec![3]]);
        assert_eq!(p.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn the_same_key_twice_in_a_batch_gets_its_value_twice() {
        let c = Arc::new(Coalescer::<u32, u32>::default());
        let p = Probe::default();
        let mut tasks = Vec::new();
        // 1 leads alone; then 8 leads [8, 7, 7, 7, 8]: answers asked twice are copied.
        for k in [1, 8, 7, 7, 7, 8] {
            let (c, p) = (c.clone(), p.clone());
            tasks.push(tokio::spawn(async move {
                c.load(k, 100, |keys| p.fetch(keys)).await
            }));
            settle().await;
        }
        p.gate.add_permits(100);
        let got: Vec<u32> = futures::future::join_all(tasks)
            .await
            .into_iter()
            .map(|r| r.unwrap().unwrap())
            .collect();
        assert_eq!(got, vec![10, 80, 70, 70, 70, 80]);
    }
}
