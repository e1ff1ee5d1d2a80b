//! The outbox's delivery policy: the states a notification goes through, how long to wait after
//! a failed attempt, when to give up, and when a reminder is no longer worth sending.

use std::time::Duration;

use chrono::NaiveDate;
use serde::Serialize;

use crate::reminders::Kind;
use crate::resolutions::Status;

/// Where a notification is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting for `next_attempt_at`.
    Pending,
    /// Claimed by a process until `locked_until`.
    Sending,
    Sent,
    /// Refused for good, or still failing after [`MAX_ATTEMPTS`]; retryable from the outbox.
    Failed,
    /// The recipient organisation has no e-mail address; revived when it gets one.
    NoAddress,
    /// Not sent: the resolution was closed or its deadline moved before delivery.
    Dropped,
}

impl State {
    pub const ALL: [State; 6] = [
        State::Pending,
        State::Sending,
        State::Sent,
        State::Failed,
        State::NoAddress,
        State::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sending => "sending",
            State::Sent => "sent",
            State::Failed => "failed",
            State::NoAddress => "no_address",
            State::Dropped => "dropped",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a person may put it back in the queue from the outbox page.
    pub fn retryable(self) -> bool {
        matches!(self, State::Failed | State::NoAddress)
    }
}

/// Automatic attempts before a notification is marked failed (a person may still retry it).
pub const MAX_ATTEMPTS: i64 = 8;

/// Minutes to wait after the n-th failed attempt: 1, 5, 30 min, 2 h, 6 h, then 12 h.
const BACKOFF_MINUTES: [u64; 6] = [1, 5, 30, 120, 360, 720];

/// How long to wait after `attempts` failed attempts (1 = the first) before trying again.
pub fn backoff(attempts: i64) -> Duration {
    let i = usize::try_from(attempts.max(1) - 1)
        .unwrap_or(usize::MAX)
        .min(BACKOFF_MINUTES.len() - 1);
    Duration::from_secs(BACKOFF_MINUTES[i] * 60)
}

/// The state after a failed attempt: failed for good when the server refused permanently or
/// the attempts are used up, otherwise pending again.
pub fn state_after_failure(attempts: i64, permanent: bool) -> State {
    if permanent || attempts >= MAX_ATTEMPTS {
        State::Failed
    } else {
        State::Pending
    }
}

/// Why a claimed notification should not be sent any more, if so. `today` is the city's date.
pub fn obsolete(
    kind: Kind,
    deadline: NaiveDate,
    resolution_status: Status,
    resolution_deadline: NaiveDate,
    today: NaiveDate,
) -> Option<&'static str> {
    if !resolution_status.is_open() {
        return Some("resolution closed before delivery");
    }
    if resolution_deadline != deadline {
        return Some("deadline changed before delivery");
    }
    match kind {
        // A reminder of a day that has come (or passed) is superseded by the later ones.
        Kind::DueIn7Days if today >= deadline => Some("deadline reached before delivery"),
        Kind::DueToday if today > deadline => Some("deadline passed before delivery"),
        _ => None,
    }
}

/// An error message cut to `max` characters (with an ellipsis), for the outbox row.
pub fn clip_error(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn backoff_grows_then_caps() {
        let mins: Vec<u64> = (1..=9).map(|a| backoff(a).as_secs() / 60).collect();
        assert_eq!(mins, [1, 5, 30, 120, 360, 720, 720, 720, 720]);
        assert_eq!(backoff(0), backoff(1));
        assert_eq!(backoff(i64::MAX).as_secs(), 720 * 60);
    }

    #[test]
    fn gives_up_after_max_attempts_or_a_permanent_refusal() {
        assert_eq!(state_after_failure(1, false), State::Pending);
        assert_eq!(state_after_failure(MAX_ATTEMPTS - 1, false), State::Pending);
        assert_eq!(state_after_failure(MAX_ATTEMPTS, false), State::Failed);
        assert_eq!(state_after_failure(1, true), State::Failed);
        assert!(State::Failed.retryable() && State::NoAddress.retryable());
        assert!(!State::Sent.retryable() && !State::Sending.retryable());
    }

    #[test]
    fn stale_reminders_are_dropped() {
        let dl = d(2026, 5, 10);
        let before = d(2026, 5, 5);
        assert_eq!(
            obsolete(Kind::DueIn7Days, dl, Status::Approved, dl, before),
            None
        );
        assert!(obsolete(Kind::DueIn7Days, dl, Status::InProgress, dl, dl).is_some());
        assert_eq!(obsolete(Kind::DueToday, dl, Status::Approved, dl, dl), None);
        assert!(obsolete(Kind::DueToday, dl, Status::Approved, dl, d(2026, 5, 11)).is_some());
        assert_eq!(
            obsolete(Kind::Overdue, dl, Status::Approved, dl, d(2026, 9, 1)),
            None
        );
        assert!(obsolete(Kind::Overdue, dl, Status::Done, dl, d(2026, 9, 1)).is_some());
        assert!(obsolete(Kind::Escalation, dl, Status::Cancelled, dl, d(2026, 9, 1)).is_some());
        assert!(obsolete(
            Kind::Overdue,
            dl,
            Status::Approved,
            d(2026, 12, 1),
            d(2026, 9, 1)
        )
        .is_some());
    }

    #[test]
    fn errors_are_clipped() {
        assert_eq!(clip_error("abc", 5), "abc");
        assert_eq!(clip_error("خطای طولانی", 4), "خطای…");
    }
}
