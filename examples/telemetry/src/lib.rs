//! The telemetry service of `telemetry.zrpc`: two events and nothing else. `build.rs`
//! generates the [`Telemetry`] trait and the typed senders and receivers of both patterns;
//! [`Printer`] handles events by printing one line each.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

include!(concat!(env!("OUT_DIR"), "/telemetry.rs"));

/// Prints each event on stdout and counts them.
#[derive(Clone, Default)]
pub struct Printer {
    pub seen: Arc<Seen>,
}

/// How many events a [`Printer`] handled, with a wake-up per event.
#[derive(Default)]
pub struct Seen {
    count: AtomicU64,
    changed: Notify,
}

impl Seen {
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Waits until `n` events were handled.
    pub async fn reach(&self, n: u64) {
        loop {
            let changed = self.changed.notified();
            if self.count() >= n {
                return;
            }
            changed.await;
        }
    }

    fn bump(&self) {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.changed.notify_waiters();
    }
}

impl Telemetry for Printer {
    async fn reading(&self, sensor: String, value: f64) {
        println!("reading {sensor} {value}");
        self.seen.bump();
    }

    async fn offline(&self, sensor: String, reason: String) {
        println!("offline {sensor}: {reason}");
        self.seen.bump();
    }
}
