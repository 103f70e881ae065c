//! Calls handed to the server runtime that it has not started yet, and the calls waiting for
//! their turn to be handed over.
//!
//! The dispatcher takes requests as each connection reads them, a connection at most a turn
//! (tokio's cooperative budget) ahead of another, so a flooding peer is never far ahead.
//! Calls spawned on the server runtime would lose that bound: spawned as fast as they arrive, a
//! flood queues there (up to the peer's in-flight limit) ahead of every other peer's calls. So
//! once [`LIMIT`] spawned calls wait to start, further calls wait in a [`FairQueue`] (their
//! channels open: heartbeats, liveness and the in-flight limit apply) and are handed over one
//! peer at a time, round-robin, whenever half of those have started. Calls finished inline on
//! the I/O thread, channel events and built-ins never wait.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use foldhash::HashMap;
use tokio::sync::Notify;

/// Spawned calls waiting to start beyond which calls wait in the [`FairQueue`].
pub(crate) const LIMIT: usize = 32;

/// The [`FairQueue`] is served again once no more than this many wait.
const RESUME: usize = LIMIT / 2;

#[derive(Debug, Default)]
pub(crate) struct Queued {
    waiting: AtomicUsize,
    room: Notify,
}

/// One spawned call not started yet; dropped when it starts (or is dropped unstarted).
#[derive(Debug)]
pub(crate) struct Ticket(Arc<Queued>);

impl Queued {
    /// Counts a call about to be spawned; the flag says the next calls should wait for room.
    pub(crate) fn enter(self: &Arc<Self>) -> (Ticket, bool) {
        let waiting = self.waiting.fetch_add(1, Ordering::AcqRel) + 1;
        (Ticket(self.clone()), waiting >= LIMIT)
    }

    /// Returns once no more than half of [`LIMIT`] calls wait to start.
    pub(crate) async fn room(&self) {
        loop {
            let notified = self.room.notified();
            tokio::pin!(notified);
            // Registered before the check, so a start between the two is not missed.
            notified.as_mut().enable();
            if self.waiting.load(Ordering::Acquire) <= RESUME {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        // Only the start that crosses the mark wakes the dispatcher: one cross-thread wake-up
        // per RESUME calls while the runtime is behind, none otherwise.
        if self.0.waiting.fetch_sub(1, Ordering::AcqRel) == RESUME + 1 {
            self.0.room.notify_one();
        }
    }
}

/// Items waiting per peer, handed out one peer at a time: a peer with a thousand waiting
/// delays another's next one by one item per round.
#[derive(Debug)]
pub(crate) struct FairQueue<T> {
    peers: HashMap<Bytes, VecDeque<T>>,
    /// Peers with something waiting, in the order of their turns.
    turns: VecDeque<Bytes>,
}

impl<T> Default for FairQueue<T> {
    fn default() -> Self {
        FairQueue {
            peers: HashMap::default(),
            turns: VecDeque::new(),
        }
    }
}

impl<T> FairQueue<T> {
    pub(crate) fn push(&mut self, peer: &Bytes, item: T) {
        match self.peers.get_mut(peer) {
            Some(waiting) => waiting.push_back(item),
            None => {
                self.peers.insert(peer.clone(), VecDeque::from([item]));
                self.turns.push_back(peer.clone());
            }
        }
    }

    /// The next peer's oldest item.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let peer = self.turns.pop_front()?;
        let waiting = self.peers.get_mut(&peer)?;
        let item = waiting.pop_front();
        if waiting.is_empty() {
            self.peers.remove(&peer);
        } else {
            self.turns.push_back(peer);
        }
        item
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.turns.is_empty()
    }

    /// Items waiting for `peer`.
    pub(crate) fn waiting(&self, peer: &Bytes) -> usize {
        self.peers.get(peer).map_or(0, VecDeque::len)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn full_at_the_limit() {
        let queued = Arc::new(Queued::default());
        let tickets: Vec<_> = (1..LIMIT).map(|_| queued.enter()).collect();
        assert!(tickets.iter().all(|(_, full)| !full));
        let (_last, full) = queued.enter();
        assert!(full);
    }

    #[tokio::test]
    async fn room_once_half_have_started() {
        let queued = Arc::new(Queued::default());
        let mut tickets: Vec<_> = (0..LIMIT).map(|_| queued.enter().0).collect();
        let waiter = tokio::spawn({
            let queued = queued.clone();
            async move { queued.room().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        tickets.truncate(RESUME + 1);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        // Started from another thread, as the runtime's workers do.
        std::thread::spawn(move || tickets.truncate(RESUME))
            .join()
            .unwrap();
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .unwrap()
            .unwrap();
        assert!(tokio::time::timeout(Duration::from_secs(5), queued.room())
            .await
            .is_ok());
    }

    #[test]
    fn round_robin_between_peers() {
        let (flood, a, b) = (Bytes::from("f"), Bytes::from("a"), Bytes::from("b"));
        let mut queue = FairQueue::default();
        for i in 0..1000 {
            queue.push(&flood, ("f", i));
        }
        queue.push(&a, ("a", 0));
        queue.push(&a, ("a", 1));
        queue.push(&b, ("b", 0));
        assert_eq!(queue.waiting(&flood), 1000);
        let first: Vec<_> = (0..6).map_while(|_| queue.pop()).collect();
        assert_eq!(
            first,
            [("f", 0), ("a", 0), ("b", 0), ("f", 1), ("a", 1), ("f", 2)]
        );
        assert_eq!(queue.waiting(&a), 0);
        let rest: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(rest.len(), 997);
        assert!(rest
            .iter()
            .enumerate()
            .all(|(i, item)| *item == ("f", i + 3)));
        assert!(queue.pop().is_none());
        assert!(queue.is_empty());
        assert_eq!(queue.waiting(&flood), 0);
    }
}
