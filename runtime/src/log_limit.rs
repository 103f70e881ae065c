//! Rate-limited warnings, so a flood of bad input cannot flood the log.

use std::time::{Duration, Instant};

/// Lines allowed per second; the rest are counted and reported with the next allowed line.
const PER_SECOND: u32 = 10;

#[derive(Debug)]
pub(crate) struct LogLimit {
    window: Instant,
    logged: u32,
    suppressed: u64,
}

impl Default for LogLimit {
    fn default() -> Self {
        LogLimit {
            window: Instant::now(),
            logged: 0,
            suppressed: 0,
        }
    }
}

impl LogLimit {
    /// `Some(n)` when a line may be written now, `n` being the lines suppressed before it.
    pub(crate) fn allow(&mut self) -> Option<u64> {
        let now = Instant::now();
        if now.duration_since(self.window) >= Duration::from_secs(1) {
            self.window = now;
            self.logged = 0;
        }
        if self.logged >= PER_SECOND {
            self.suppressed += 1;
            return None;
        }
        self.logged += 1;
        Some(std::mem::take(&mut self.suppressed))
    }
}

/// ` (N similar lines suppressed)` when N > 0.
pub(crate) fn suppressed_note(n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(" ({n} similar lines suppressed)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_ten_lines_a_second() {
        let mut limit = LogLimit::default();
        let allowed = (0..1000).filter(|_| limit.allow().is_some()).count();
        assert_eq!(allowed, PER_SECOND as usize);
    }
}
