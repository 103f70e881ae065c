//! When a silent peer counts as lost, on either side of a channel.
//!
//! The rule (docs/protocol.md section 4): the peer is lost after `2 × max(own, P)` without any
//! event from it, where `P` is the largest gap between two consecutive heartbeats from the peer,
//! and zerorpc's default (5 s) until two have arrived: a client at 5 s and a server at 1 s (or
//! the reverse) keep long calls alive.

use std::time::{Duration, Instant};

/// zerorpc's default heartbeat interval, assumed for a peer not heard from yet.
pub(crate) const DEFAULT_PEER_INTERVAL: Duration = Duration::from_secs(5);

/// What one channel has heard from the peer (docs/protocol.md section 4).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeerBeats {
    /// The last event of any kind from the peer; initially when the channel opened.
    last_heard: Instant,
    last_beat: Option<Instant>,
    /// The largest gap between two consecutive heartbeats; `None` until two arrived.
    widest_gap: Option<Duration>,
}

impl PeerBeats {
    pub(crate) fn new(opened: Instant) -> Self {
        PeerBeats {
            last_heard: opened,
            last_beat: None,
            widest_gap: None,
        }
    }

    /// Any event from the peer on this channel.
    pub(crate) fn heard(&mut self, now: Instant) {
        self.last_heard = self.last_heard.max(now);
    }

    pub(crate) fn beat(&mut self, now: Instant) {
        if let Some(last) = self.last_beat {
            let gap = now.saturating_duration_since(last);
            self.widest_gap = Some(self.widest_gap.map_or(gap, |widest| widest.max(gap)));
        }
        self.last_beat = Some(now);
        self.heard(now);
    }

    /// `Some(tolerance)` when the peer has been silent for longer than `2 × max(own, P)`.
    pub(crate) fn lost(&self, now: Instant, own: Duration) -> Option<Duration> {
        // Until two heartbeats showed the peer's interval, zerorpc's default stands in, so an
        // early first beat (a stock server's shared timer) does not make us impatient.
        let peer = self.widest_gap.unwrap_or(DEFAULT_PEER_INTERVAL);
        let tolerance = 2 * own.max(peer);
        (now.saturating_duration_since(self.last_heard) > tolerance).then_some(tolerance)
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
        // One early beat does not set the peer's interval: 5 s still stands in.
        let mut early = PeerBeats::new(t0);
        early.beat(t0 + Duration::from_millis(700));
        assert_eq!(early.lost(t0 + s(10), s(1)), None);
        assert_eq!(early.lost(t0 + s(11), s(1)), Some(s(10)));
        // Any event counts as heard.
        let mut streaming = PeerBeats::new(t0);
        streaming.heard(t0 + s(8));
        assert_eq!(streaming.lost(t0 + s(17), s(1)), None);
        // Never heard from: lost after twice the default interval.
        assert_eq!(PeerBeats::new(t0).lost(t0 + s(11), s(1)), Some(s(10)));
    }
}
