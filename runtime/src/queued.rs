//! Calls handed to the server runtime that it has not started yet.
//!
//! The dispatcher reads requests in arrival order, each connection within its share of the
//! inbox (`recv_hwm_per_peer`), so a flooding peer is never more than a share ahead of another.
//! Calls spawned on the server runtime would lose that bound: spawned as fast as they arrive, a
//! flood queues there (up to the peer's in-flight limit) ahead of every other peer's calls. So
//! once [`LIMIT`] spawned calls wait to start, the dispatcher waits until half of them have:
//! meanwhile requests wait in the inbox, where each peer has its share. Calls finished inline
//! on the I/O thread never count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// Spawned calls waiting to start that make the dispatcher wait for the runtime.
pub(crate) const LIMIT: usize = 32;

/// The dispatcher reads again once no more than this many wait.
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
    /// Counts a call about to be spawned; the flag says the dispatcher should wait for room.
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
}
