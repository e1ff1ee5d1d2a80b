//! Which deadline reminders are recorded one per resolution and which are gathered into a
//! digest: one notification per recipient organisation, day and kind that lists its resolutions.
//!
//! Two rules keep the first run over a city with a long backlog sane:
//! * the **cut-off**: an overdue resolution whose deadline is more than `overdue_cutoff_days`
//!   ago gets no reminder of its own; it stays in the overdue lists and, once it is late enough,
//!   is escalated to the chair's office as before, in that office's digest;
//! * the **daily digest** (on by default): every reminder of a run goes to its organisation in
//!   one notification per kind, however many resolutions it concerns.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The deadline is within the next 7 days (sent once, when the resolution enters the window).
    DueIn7Days,
    /// The deadline is today.
    DueToday,
    /// The deadline has passed.
    Overdue,
    /// Overdue for the configured number of days: goes to the office of the meeting's chair.
    Escalation,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::DueIn7Days,
        Kind::DueToday,
        Kind::Overdue,
        Kind::Escalation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DueIn7Days => "due_in_7_days",
            Kind::DueToday => "due_today",
            Kind::Overdue => "overdue",
            Kind::Escalation => "escalation",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How reminders are gathered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Overdue reminders only for deadlines at most this many days ago (at least 1).
    pub overdue_cutoff_days: i64,
    /// One notification per (organisation, day, kind) instead of one per resolution.
    pub daily_digest: bool,
    /// A digest lists at most this many resolutions; a larger backlog makes several.
    pub max_digest_items: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            overdue_cutoff_days: 30,
            daily_digest: true,
            max_digest_items: 200,
        }
    }
}

/// The earliest deadline that still gets an overdue reminder of its own on `today`.
pub fn overdue_cutoff(today: NaiveDate, cutoff_days: i64) -> NaiveDate {
    let days = u64::try_from(cutoff_days.max(1)).unwrap_or(1);
    today
        .checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

/// Whether `kind` for a resolution due on `deadline` is recorded at all on `today`: overdue
/// reminders stop at the cut-off; everything else is always recorded.
pub fn recorded(kind: Kind, deadline: NaiveDate, today: NaiveDate, p: &Policy) -> bool {
    kind != Kind::Overdue || deadline >= overdue_cutoff(today, p.overdue_cutoff_days)
}

/// Whether a reminder goes into its organisation's digest rather than a message of its own:
/// always with the daily digest; otherwise only escalations of deadlines beyond the cut-off
/// (the backlog), so a first run does not escalate years of arrears one by one.
pub fn in_digest(kind: Kind, deadline: NaiveDate, today: NaiveDate, p: &Policy) -> bool {
    p.daily_digest
        || (kind == Kind::Escalation && deadline < overdue_cutoff(today, p.overdue_cutoff_days))
}

/// One reminder a run found due: for whom and about what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due<T> {
    pub kind: Kind,
    pub recipient_org_id: i64,
    pub deadline: NaiveDate,
    pub item: T,
}

/// Groups a run's reminders (all of one kind, sorted by recipient) into notifications: each
/// reminder that is not [`in_digest`] alone; the others one group per recipient organisation,
/// split every `max_digest_items`. Reminders that are not [`recorded`] are left out. Every
/// recorded reminder is in exactly one group, in the order given.
pub fn group<T>(due: Vec<Due<T>>, today: NaiveDate, p: &Policy) -> Vec<Vec<Due<T>>> {
    let max = p.max_digest_items.max(1);
    let mut out: Vec<Vec<Due<T>>> = Vec::new();
    let mut open: Option<usize> = None;
    for d in due {
        if !recorded(d.kind, d.deadline, today, p) {
            continue;
        }
        if !in_digest(d.kind, d.deadline, today, p) {
            out.push(vec![d]);
            continue;
        }
        match open {
            Some(i)
                if out[i][0].recipient_org_id == d.recipient_org_id
                    && out[i][0].kind == d.kind
                    && out[i].len() < max =>
            {
                out[i].push(d)
            }
            _ => {
                out.push(vec![d]);
                open = Some(out.len() - 1);
            }
        }
    }
    out
}

/// Whether a digest about to be delivered is no longer worth sending: none of its resolutions
/// is still open at the deadline it was reminded of.
pub fn digest_obsolete(still_open: i64) -> bool {
    still_open == 0
}

// ---------------------------------------------------------------- citizens' requests

/// What a notification about citizens' requests is: always a digest for one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// To the organisation handling them: these requests passed their response deadline.
    Overdue,
    /// To the district's municipal office (or the handler's parent organisation): these requests
    /// are still unanswered `escalate_after_hours` after their deadline.
    Escalation,
}

impl RequestKind {
    pub const ALL: [RequestKind; 2] = [RequestKind::Overdue, RequestKind::Escalation];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Overdue => "request_overdue",
            RequestKind::Escalation => "request_escalation",
        }
    }

    pub fn parse(s: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The response deadlines an open request must have to be notified of `kind` at `now`:
/// (earliest, latest). Overdue notices go out once a deadline passes, but not for deadlines
/// older than the cut-off (that backlog is escalated instead); escalation is due
/// `escalate_after_hours` after the deadline, however old.
pub fn request_window(
    kind: RequestKind,
    now: DateTime<Utc>,
    overdue_cutoff_days: i64,
    escalate_after_hours: i64,
) -> (Option<DateTime<Utc>>, DateTime<Utc>) {
    match kind {
        RequestKind::Overdue => (
            Some(now - chrono::Duration::days(overdue_cutoff_days.max(1))),
            now,
        ),
        RequestKind::Escalation => (
            None,
            now - chrono::Duration::hours(escalate_after_hours.max(1)),
        ),
    }
}

/// Who an unanswered request is escalated to: the district's municipal office, unless that
/// office is the one not answering, in which case the organisation above the handler.
pub fn request_escalation_recipient(
    handler: Option<i64>,
    handler_parent: Option<i64>,
    district_office: Option<i64>,
) -> Option<i64> {
    match district_office {
        Some(o) if Some(o) != handler => Some(o),
        _ => handler_parent.or(district_office),
    }
}

/// Splits items sorted by recipient into digests: one per recipient, at most `max` items each.
pub fn digests<T>(items: Vec<(i64, T)>, max: usize) -> Vec<(i64, Vec<T>)> {
    let max = max.max(1);
    let mut out: Vec<(i64, Vec<T>)> = Vec::new();
    for (recipient, item) in items {
        match out.last_mut() {
            Some((r, list)) if *r == recipient && list.len() < max => list.push(item),
            _ => out.push((recipient, vec![item])),
        }
    }
    out
}

#[cfg(test)]
mod request_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn request_windows() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        let (from, to) = request_window(RequestKind::Overdue, now, 30, 48);
        assert_eq!(from, Some(now - chrono::Duration::days(30)));
        assert_eq!(to, now);
        let (from, to) = request_window(RequestKind::Escalation, now, 30, 48);
        assert_eq!(from, None, "the whole backlog is escalated");
        assert_eq!(to, now - chrono::Duration::hours(48));
        assert_eq!(
            RequestKind::parse("request_escalation"),
            Some(RequestKind::Escalation)
        );
        assert_eq!(RequestKind::parse("escalation"), None);
    }

    #[test]
    fn escalation_goes_to_the_district_office_or_above_the_handler() {
        // The water company does not answer: the district office hears of it.
        assert_eq!(
            request_escalation_recipient(Some(5), Some(1), Some(9)),
            Some(9)
        );
        // The district office itself does not answer: the organisation above it.
        assert_eq!(
            request_escalation_recipient(Some(9), Some(1), Some(9)),
            Some(1)
        );
        // No district (a point outside every district): above the handler.
        assert_eq!(
            request_escalation_recipient(Some(5), Some(1), None),
            Some(1)
        );
        assert_eq!(
            request_escalation_recipient(Some(9), None, Some(9)),
            Some(9)
        );
        assert_eq!(request_escalation_recipient(None, None, None), None);
    }

    #[test]
    fn digests_split_by_recipient_and_size() {
        let got = digests(vec![(1, 'a'), (1, 'b'), (1, 'c'), (2, 'd')], 2);
        assert_eq!(
            got,
            vec![(1, vec!['a', 'b']), (1, vec!['c']), (2, vec!['d'])]
        );
        assert!(digests::<char>(vec![], 5).is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn due(kind: Kind, org: i64, deadline: NaiveDate, item: i64) -> Due<i64> {
        Due {
            kind,
            recipient_org_id: org,
            deadline,
            item,
        }
    }

    #[test]
    fn the_cut_off_keeps_recent_overdue_reminders_only() {
        let today = d(2026, 3, 31);
        let p = Policy::default();
        assert_eq!(overdue_cutoff(today, 30), d(2026, 3, 1));
        assert!(recorded(Kind::Overdue, d(2026, 3, 1), today, &p));
        assert!(!recorded(Kind::Overdue, d(2026, 2, 28), today, &p));
        // Escalations and the other kinds are not cut off.
        assert!(recorded(Kind::Escalation, d(2024, 1, 1), today, &p));
        assert!(recorded(Kind::DueToday, today, today, &p));
        assert_eq!(overdue_cutoff(today, 0), d(2026, 3, 30), "at least one day");
        assert_eq!(overdue_cutoff(NaiveDate::MIN, 30), NaiveDate::MIN);
    }

    #[test]
    fn without_the_daily_digest_only_the_escalated_backlog_is_gathered() {
        let today = d(2026, 3, 31);
        let p = Policy {
            daily_digest: false,
            ..Policy::default()
        };
        assert!(!in_digest(Kind::Overdue, d(2026, 3, 20), today, &p));
        assert!(!in_digest(Kind::Escalation, d(2026, 3, 10), today, &p));
        assert!(in_digest(Kind::Escalation, d(2025, 3, 10), today, &p));
        let groups = group(
            vec![
                due(Kind::Escalation, 1, d(2025, 1, 1), 10),
                due(Kind::Escalation, 1, d(2025, 2, 1), 11),
                due(Kind::Escalation, 1, d(2026, 3, 10), 12),
                due(Kind::Escalation, 2, d(2025, 2, 1), 13),
            ],
            today,
            &p,
        );
        let items: Vec<Vec<i64>> = groups
            .iter()
            .map(|g| g.iter().map(|x| x.item).collect())
            .collect();
        assert_eq!(items, vec![vec![10, 11], vec![12], vec![13]]);
    }

    #[test]
    fn a_digest_per_organisation_covers_every_recorded_reminder_once() {
        let today = d(2026, 3, 31);
        let p = Policy {
            max_digest_items: 3,
            ..Policy::default()
        };
        let mut input = Vec::new();
        for org in 1..=3 {
            for i in 0..5 {
                // Org 2's reminders are all beyond the cut-off: no overdue reminder at all.
                let deadline = if org == 2 {
                    d(2025, 1, 1)
                } else {
                    d(2026, 3, 20)
                };
                input.push(due(Kind::Overdue, org, deadline, org * 100 + i));
            }
        }
        let groups = group(input, today, &p);
        // Orgs 1 and 3: 5 each, split 3 + 2.
        let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![3, 2, 3, 2]);
        for g in &groups {
            assert!(g
                .iter()
                .all(|x| x.recipient_org_id == g[0].recipient_org_id));
        }
        let mut covered: Vec<i64> = groups.iter().flatten().map(|x| x.item).collect();
        covered.sort();
        let expected: Vec<i64> = [100, 101, 102, 103, 104, 300, 301, 302, 303, 304].to_vec();
        assert_eq!(covered, expected);
    }

    #[test]
    fn kinds_round_trip_and_digests_drop_only_when_all_are_closed() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert!(digest_obsolete(0));
        assert!(!digest_obsolete(1));
    }
}
