//! When a silent peer counts as lost, on either side of a channel.
//!
//! The rule (docs/protocol.md): each side tolerates the larger of its own heartbeat interval
//! and the peer's observed one, twice over. Before the peer's first heartbeat its interval is
//! unknown, so the wait is twice the larger of our interval and zerorpc's default (5 s): a
//! client at 5 s and a server at 1 s (or the reverse) keep long calls alive.

use std::time::{Duration, Instant};

/// zerorpc's default heartbeat interval, assumed for a peer not heard from yet.
pub(crate) const DEFAULT_PEER_INTERVAL: Duration = Duration::from_secs(5);

/// The heartbeats received on one channel.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeerBeats {
    opened: Instant,
    last: Option<Instant>,
    widest_gap: Duration,
}

impl PeerBeats {
    pub(crate) fn new(opened: Instant) -> Self {
        PeerBeats {
            opened,
            last: None,
            widest_gap: Duration::ZERO,
        }
    }

    pub(crate) fn beat(&mut self, now: Instant) {
        let since = now.saturating_duration_since(self.last.unwrap_or(self.opened));
        self.widest_gap = self.widest_gap.max(since);
        self.last = Some(now);
    }

    /// `Some(tolerance)` when the peer has been silent for longer than it.
    pub(crate) fn lost(&self, now: Instant, own: Duration) -> Option<Duration> {
        let (since, peer) = match self.last {
            None => (self.opened, DEFAULT_PEER_INTERVAL),
            Some(last) => (last, self.widest_gap),
        };
        let tolerance = 2 * own.max(peer);
        (now.saturating_duration_since(since) > tolerance).then_some(tolerance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_peer_is_tolerated_and_a_silent_one_is_lost() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut beats = PeerBeats::new(t0);
        // We beat every second, the peer every five.
        assert_eq!(beats.lost(t0 + s(9), s(1)), None);
        beats.beat(t0 + s(5));
        beats.beat(t0 + s(10));
        assert_eq!(beats.lost(t0 + s(19), s(1)), None);
        assert_eq!(beats.lost(t0 + s(21), s(1)), Some(s(10)));
        // Never heard from: lost after twice the default interval.
        assert_eq!(PeerBeats::new(t0).lost(t0 + s(11), s(1)), Some(s(10)));
    }
}
