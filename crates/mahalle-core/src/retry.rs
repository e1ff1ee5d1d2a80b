//! When to try a write transaction again after the database aborted it for reasons of its own
//! (a PostgreSQL serialization failure or deadlock, a busy SQLite file): a few attempts with
//! exponential back-off and jitter, and a time budget so a request never waits unboundedly.

use std::time::Duration;

/// A bounded back-off schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Wait after the first failure; doubled after each further one.
    pub first: Duration,
    /// No single wait is longer.
    pub cap: Duration,
    /// No new attempt starts once this much time has passed since the first began.
    pub budget: Duration,
}

impl Backoff {
    /// For write transactions. Conflicts clear in milliseconds once the other transaction ends;
    /// the budget stays under the 30 s a browser or proxy commonly waits for an answer.
    pub const TRANSACTIONS: Backoff = Backoff {
        attempts: 6,
        first: Duration::from_millis(15),
        cap: Duration::from_millis(500),
        budget: Duration::from_secs(20),
    };

    /// How long to wait before trying again after `failed` attempts have failed (1 = the first),
    /// `elapsed` after the first began; `None` when it is time to give up. `jitter` in [0, 1)
    /// spreads the waits of transactions that collided, so they do not collide again in step:
    /// the wait is between half and all of the exponential step.
    pub fn delay(&self, failed: u32, elapsed: Duration, jitter: f64) -> Option<Duration> {
        if failed == 0 || failed >= self.attempts || elapsed >= self.budget {
            return None;
        }
        let step = self
            .first
            .saturating_mul(1u32 << (failed - 1).min(20))
            .min(self.cap);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Some(step.mul_f64(0.5 + jitter / 2.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff::TRANSACTIONS;
    const ZERO: Duration = Duration::ZERO;

    #[test]
    fn waits_double_then_cap() {
        let full: Vec<_> = (1..6).map(|n| B.delay(n, ZERO, 1.0).unwrap()).collect();
        assert_eq!(
            full,
            [15, 30, 60, 120, 240].map(Duration::from_millis).to_vec()
        );
        let long = Backoff { attempts: 30, ..B };
        assert_eq!(long.delay(12, ZERO, 1.0), Some(Duration::from_millis(500)));
        assert_eq!(long.delay(29, ZERO, 1.0), Some(Duration::from_millis(500)));
    }

    #[test]
    fn jitter_keeps_between_half_and_all_of_the_step() {
        assert_eq!(B.delay(2, ZERO, 0.0), Some(Duration::from_millis(15)));
        assert_eq!(B.delay(2, ZERO, 0.5), Some(Duration::from_micros(22_500)));
        // Out-of-range jitter cannot shorten or stretch the wait beyond the bounds.
        assert_eq!(B.delay(2, ZERO, -3.0), Some(Duration::from_millis(15)));
        assert_eq!(B.delay(2, ZERO, 9.0), Some(Duration::from_millis(30)));
        assert_eq!(B.delay(2, ZERO, f64::NAN), Some(Duration::from_millis(15)));
    }

    #[test]
    fn gives_up_after_the_attempts_or_the_budget() {
        assert!(B.delay(5, ZERO, 0.3).is_some());
        assert_eq!(B.delay(6, ZERO, 0.3), None, "six attempts in all");
        assert_eq!(B.delay(0, ZERO, 0.3), None, "nothing failed yet");
        assert!(B.delay(1, Duration::from_secs(19), 0.3).is_some());
        assert_eq!(B.delay(1, Duration::from_secs(20), 0.3), None);
    }
}
