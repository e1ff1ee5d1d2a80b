//! The public request form and the Open311 POST endpoint accept writes from anyone, so one
//! client (an IP address or an API key) must not be able to flood the council's queue. This is a
//! token bucket per key: a burst of `capacity` requests, then `refill_per_minute` more each
//! minute.
//!
//! It is pure: the caller passes the current time, which keeps it testable and lets the web
//! layer wrap it in a `Mutex`. Memory is bounded: at most `max_keys` buckets are kept, and the
//! least recently seen one is forgotten first (an idle key is the one most likely to have refilled
//! completely, and forgetting a full bucket loses nothing; `prune` drops all of those).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// Bucket levels are kept in integer units: one token is this many units, and every elapsed
/// nanosecond adds `refill_per_minute` units. Exact, with no floating-point drift.
const UNITS_PER_TOKEN: u128 = 60_000_000_000;

#[derive(Debug)]
struct Bucket {
    level: u128,
    last: Instant,
    /// Position in the recency order.
    seq: u64,
}

/// Token buckets keyed by client.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: u128,
    refill_per_minute: u128,
    max_keys: usize,
    buckets: HashMap<String, Bucket>,
    /// Recency order: oldest sequence number first.
    order: BTreeMap<u64, String>,
    next_seq: u64,
}

impl RateLimiter {
    /// A limiter allowing bursts of `capacity` requests and `refill_per_minute` requests a minute
    /// after that, remembering at most `max_keys` clients. Zero values are raised to 1: a limiter
    /// that never admits anyone, or remembers no one, is a configuration mistake.
    pub fn new(capacity: u32, refill_per_minute: u32, max_keys: usize) -> Self {
        RateLimiter {
            capacity: u128::from(capacity.max(1)) * UNITS_PER_TOKEN,
            refill_per_minute: u128::from(refill_per_minute.max(1)),
            max_keys: max_keys.max(1),
            buckets: HashMap::new(),
            order: BTreeMap::new(),
            next_seq: 0,
        }
    }

    /// Takes one token from `key`'s bucket, or says how long to wait until one is available
    /// (for a `Retry-After` header).
    pub fn check(&mut self, key: &str, now: Instant) -> Result<(), Duration> {
        let seq = self.next_seq;
        self.next_seq += 1;
        let (capacity, refill) = (self.capacity, self.refill_per_minute);
        if !self.buckets.contains_key(key) && self.buckets.len() >= self.max_keys {
            self.evict_oldest();
        }
        let bucket = self.buckets.entry(key.to_owned()).or_insert(Bucket {
            level: capacity,
            last: now,
            seq,
        });
        self.order.remove(&bucket.seq);
        bucket.level = level_at(bucket, now, capacity, refill);
        bucket.last = bucket.last.max(now);
        bucket.seq = seq;
        self.order.insert(seq, key.to_owned());
        if bucket.level >= UNITS_PER_TOKEN {
            bucket.level -= UNITS_PER_TOKEN;
            Ok(())
        } else {
            let missing = UNITS_PER_TOKEN - bucket.level;
            let nanos = missing.div_ceil(self.refill_per_minute);
            Err(Duration::from_nanos(nanos as u64))
        }
    }

    /// Forgets every client whose bucket has refilled completely by `now`: they are
    /// indistinguishable from clients never seen.
    pub fn prune(&mut self, now: Instant) {
        let full: Vec<(String, u64)> = self
            .buckets
            .iter()
            .filter(|(_, b)| {
                level_at(b, now, self.capacity, self.refill_per_minute) >= self.capacity
            })
            .map(|(k, b)| (k.clone(), b.seq))
            .collect();
        for (key, seq) in full {
            self.buckets.remove(&key);
            self.order.remove(&seq);
        }
    }

    /// How many clients are remembered.
    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    fn evict_oldest(&mut self) {
        if let Some((_, key)) = self.order.pop_first() {
            self.buckets.remove(&key);
        }
    }
}

/// The bucket's level at `now`: what it had plus what has dripped in since, up to capacity.
fn level_at(b: &Bucket, now: Instant, capacity: u128, refill_per_minute: u128) -> u128 {
    let elapsed = now.saturating_duration_since(b.last).as_nanos();
    b.level
        .saturating_add(elapsed.saturating_mul(refill_per_minute))
        .min(capacity)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn burst_up_to_capacity_then_refused() {
        let mut rl = RateLimiter::new(5, 60, 100);
        let t = Instant::now();
        for _ in 0..5 {
            assert_eq!(rl.check("1.2.3.4", t), Ok(()));
        }
        assert_eq!(rl.check("1.2.3.4", t), Err(SEC));
    }

    #[test]
    fn refills_over_time_but_not_beyond_capacity() {
        let mut rl = RateLimiter::new(3, 60, 100);
        let t = Instant::now();
        for _ in 0..3 {
            rl.check("k", t).unwrap();
        }
        assert!(rl.check("k", t).is_err());
        // One token a second.
        assert_eq!(rl.check("k", t + SEC), Ok(()));
        assert!(rl.check("k", t + SEC).is_err());
        // A long pause refills to capacity, not more.
        let later = t + 3600 * SEC;
        for _ in 0..3 {
            assert_eq!(rl.check("k", later), Ok(()));
        }
        assert!(rl.check("k", later).is_err());
    }

    #[test]
    fn retry_after_says_when_the_next_token_arrives() {
        // Two a minute: one every 30 s.
        let mut rl = RateLimiter::new(1, 2, 10);
        let t = Instant::now();
        rl.check("k", t).unwrap();
        assert_eq!(rl.check("k", t), Err(30 * SEC));
        assert_eq!(rl.check("k", t + 10 * SEC), Err(20 * SEC));
        assert_eq!(
            rl.check("k", t + 30 * SEC - Duration::from_nanos(1)),
            Err(Duration::from_nanos(1))
        );
        assert_eq!(rl.check("k", t + 30 * SEC), Ok(()));
        // Waiting exactly the advertised time is enough.
        let Err(wait) = rl.check("k", t + 31 * SEC) else {
            panic!("should be limited")
        };
        assert_eq!(rl.check("k", t + 31 * SEC + wait), Ok(()));
    }

    #[test]
    fn retry_after_rounds_up() {
        // Seven a minute: 60/7 s is not a whole number of nanoseconds.
        let mut rl = RateLimiter::new(1, 7, 10);
        let t = Instant::now();
        rl.check("k", t).unwrap();
        let wait = rl.check("k", t).unwrap_err();
        assert_eq!(wait, Duration::from_nanos(8_571_428_572));
        assert!(rl.check("k", t + wait - Duration::from_nanos(1)).is_err());
        assert!(rl.check("k", t + wait).is_ok());
    }

    #[test]
    fn keys_are_independent() {
        let mut rl = RateLimiter::new(2, 1, 100);
        let t = Instant::now();
        rl.check("a", t).unwrap();
        rl.check("a", t).unwrap();
        assert!(rl.check("a", t).is_err());
        assert_eq!(rl.check("b", t), Ok(()));
        assert_eq!(rl.check("b", t), Ok(()));
        assert!(rl.check("b", t).is_err());
        assert!(rl.check("a", t).is_err());
    }

    #[test]
    fn memory_stays_bounded_and_the_least_recently_seen_key_goes_first() {
        let mut rl = RateLimiter::new(1, 1, 3);
        let t = Instant::now();
        for k in ["a", "b", "c"] {
            rl.check(k, t).unwrap();
        }
        // "a" is seen again (and refused), so "b" is now the oldest.
        assert!(rl.check("a", t).is_err());
        rl.check("d", t).unwrap();
        assert_eq!(rl.len(), 3);
        // "b" was forgotten and starts afresh; "a" is still limited.
        assert_eq!(rl.check("b", t), Ok(()));
        assert!(rl.check("a", t).is_err());
        // A flood of distinct keys never grows the map past the bound.
        for i in 0..10_000 {
            let _ = rl.check(&format!("10.0.{}.{}", i / 256, i % 256), t);
            assert!(rl.len() <= 3);
        }
        assert_eq!(rl.order.len(), rl.len());
    }

    #[test]
    fn prune_forgets_only_full_buckets() {
        let mut rl = RateLimiter::new(2, 60, 100);
        let t = Instant::now();
        rl.check("idle", t).unwrap();
        rl.check("busy", t + 10 * SEC).unwrap();
        rl.check("busy", t + 10 * SEC).unwrap();
        rl.prune(t + 11 * SEC);
        assert_eq!(rl.len(), 1);
        assert!(rl.check("busy", t + 11 * SEC).is_ok());
        assert!(rl.check("busy", t + 11 * SEC).is_err());
        rl.prune(t + 3600 * SEC);
        assert!(rl.is_empty());
        assert!(rl.order.is_empty());
    }

    #[test]
    fn time_going_backwards_neither_panics_nor_refills() {
        let mut rl = RateLimiter::new(1, 60, 10);
        let t = Instant::now() + 100 * SEC;
        rl.check("k", t).unwrap();
        assert_eq!(rl.check("k", t - 50 * SEC), Err(SEC));
        assert_eq!(rl.check("k", t + SEC), Ok(()));
    }

    #[test]
    fn zero_configuration_is_raised_to_one() {
        let mut rl = RateLimiter::new(0, 0, 0);
        let t = Instant::now();
        assert_eq!(rl.check("k", t), Ok(()));
        assert_eq!(rl.check("k", t), Err(60 * SEC));
        rl.check("other", t).unwrap();
        assert_eq!(rl.len(), 1);
    }

    #[test]
    fn large_settings_do_not_overflow() {
        let mut rl = RateLimiter::new(u32::MAX, u32::MAX, 10);
        let t = Instant::now();
        for _ in 0..1000 {
            rl.check("k", t).unwrap();
        }
        assert!(rl.check("k", t + 1_000_000 * SEC).is_ok());
    }
}
