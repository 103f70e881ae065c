//! Where the server runs a handler by default (ARCHITECTURE.md, "Handler placement").
//!
//! A call handed from the socket's I/O thread to another runtime and back costs two cross-thread
//! wake-ups, which on a busy machine cost more than the call itself. So a unary handler is polled
//! once on the I/O thread, inside the server runtime's context (what it spawns, its timers and
//! its `Handle::current()` are the server runtime's): if it finishes there, the reply is queued
//! at once; if it waits, it continues as a task on the server runtime.
//!
//! The I/O thread must never block: it also writes every heartbeat. A method is polled there only
//! after its first polls on the server runtime have been quick [`PROMOTE_AFTER`] times in a row;
//! one poll longer than [`QUICK_POLL`] on the I/O thread moves it back until it proves quick
//! again, for twice as many calls each time. A handler that blocks from its first call
//! (`std::thread::sleep`, blocking I/O) therefore never runs on the I/O thread.
//!
//! A poll also looks slow when the OS preempts the I/O thread in the middle of it, which on a
//! loaded machine happens every few thousand calls under a flood. Doubled for good on each of
//! those, the penalty kept a quick method off the I/O thread for tens of thousands of calls. So
//! [`FORGIVE_AFTER`] quick inline polls in a row forgive one demotion: a handler slow once in
//! more calls than that costs the I/O thread at most one slow poll per that many calls; one
//! slow more often keeps doubling its penalty.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

/// A first poll longer than this counts as blocking.
pub(crate) const QUICK_POLL: Duration = Duration::from_millis(1);

/// Quick first polls in a row on the server runtime before a method is polled inline.
pub(crate) const PROMOTE_AFTER: u32 = 8;

/// Quick polls in a row on the I/O thread that forgive one demotion.
pub(crate) const FORGIVE_AFTER: u32 = 1024;

/// One method's placement, learned from how long its handler's first polls take.
#[derive(Debug, Default)]
pub(crate) struct Placement {
    inline: AtomicBool,
    /// Quick first polls in a row on the server runtime.
    streak: AtomicU32,
    /// Slow polls on the I/O thread not yet forgiven; each doubles the streak needed to return.
    demotions: AtomicU32,
    /// Quick polls in a row on the I/O thread (written by that thread only).
    inline_streak: AtomicU32,
}

/// What an inline poll showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Quick,
    /// The method was just moved off the I/O thread.
    Demoted,
}

impl Placement {
    /// Poll this method's handlers on the I/O thread first.
    pub(crate) fn inline(&self) -> bool {
        self.inline.load(Ordering::Relaxed)
    }

    /// A first poll on the server runtime took `took`.
    pub(crate) fn observe(&self, took: Duration) {
        if took > QUICK_POLL {
            self.streak.store(0, Ordering::Relaxed);
            return;
        }
        let streak = self
            .streak
            .fetch_add(1, Ordering::Relaxed)
            .saturating_add(1);
        let demotions = self.demotions.load(Ordering::Relaxed).min(20);
        if streak >= PROMOTE_AFTER << demotions {
            self.inline.store(true, Ordering::Relaxed);
        }
    }

    /// A poll on the I/O thread took `took`.
    pub(crate) fn observe_inline(&self, took: Duration) -> Verdict {
        if took <= QUICK_POLL {
            // A load and a store: only the I/O thread polls inline.
            let quick = self.inline_streak.load(Ordering::Relaxed) + 1;
            if quick < FORGIVE_AFTER {
                self.inline_streak.store(quick, Ordering::Relaxed);
            } else {
                self.inline_streak.store(0, Ordering::Relaxed);
                let _ = self
                    .demotions
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |d| d.checked_sub(1));
            }
            return Verdict::Quick;
        }
        self.inline_streak.store(0, Ordering::Relaxed);
        self.streak.store(0, Ordering::Relaxed);
        self.demotions.fetch_add(1, Ordering::Relaxed);
        self.inline.store(false, Ordering::Relaxed);
        Verdict::Demoted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUICK: Duration = Duration::from_micros(5);
    const SLOW: Duration = Duration::from_millis(50);

    #[test]
    fn promoted_after_a_streak_of_quick_polls() {
        let placement = Placement::default();
        for _ in 1..PROMOTE_AFTER {
            placement.observe(QUICK);
        }
        assert!(!placement.inline());
        placement.observe(QUICK);
        assert!(placement.inline());
    }

    #[test]
    fn a_slow_poll_breaks_the_streak() {
        let placement = Placement::default();
        for _ in 0..PROMOTE_AFTER * 4 {
            placement.observe(QUICK);
            placement.observe(SLOW);
        }
        assert!(!placement.inline());
    }

    #[test]
    fn demotion_doubles_the_streak_needed() {
        let placement = Placement::default();
        for _ in 0..PROMOTE_AFTER {
            placement.observe(QUICK);
        }
        assert_eq!(placement.observe_inline(QUICK), Verdict::Quick);
        assert_eq!(placement.observe_inline(SLOW), Verdict::Demoted);
        assert!(!placement.inline());
        for _ in 1..2 * PROMOTE_AFTER {
            placement.observe(QUICK);
        }
        assert!(!placement.inline());
        placement.observe(QUICK);
        assert!(placement.inline());
    }

    /// Quick polls needed to return after the demotions so far.
    fn streak_needed(placement: &Placement) -> u32 {
        let mut polls = 0;
        while !placement.inline() {
            placement.observe(QUICK);
            polls += 1;
        }
        polls
    }

    #[test]
    fn a_long_quick_run_forgives_a_demotion() {
        // A preempted poll now and then (every FORGIVE_AFTER calls) never raises the penalty.
        let placement = Placement::default();
        streak_needed(&placement);
        for _ in 0..5 {
            for _ in 0..FORGIVE_AFTER {
                assert_eq!(placement.observe_inline(QUICK), Verdict::Quick);
            }
            assert_eq!(placement.observe_inline(SLOW), Verdict::Demoted);
            assert_eq!(streak_needed(&placement), 2 * PROMOTE_AFTER);
        }
    }

    #[test]
    fn slow_polls_more_often_keep_doubling_the_penalty() {
        let placement = Placement::default();
        streak_needed(&placement);
        for demotions in 1..6 {
            for _ in 1..FORGIVE_AFTER {
                placement.observe_inline(QUICK);
            }
            assert_eq!(placement.observe_inline(SLOW), Verdict::Demoted);
            assert_eq!(streak_needed(&placement), PROMOTE_AFTER << demotions);
        }
    }
}
