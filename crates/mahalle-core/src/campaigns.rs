//! Campaigns (issue 13): a drive — a vaccination round, winter aid, a clean-up — owned by a
//! headquarters with partner organisations, over a span of days, measured by indicators each
//! with the campaign's own target. Who runs one, what a valid one is, and which periods' counts
//! belong to it.

use chrono::NaiveDate;

use crate::access::{Principal, Role};
use crate::indicators::Period;
use crate::validate::FieldError;

/// The longest campaign, in days: five years.
pub const MAX_DAYS: i64 = 5 * 366;

/// Whether someone may start campaigns at all: the city's secretariat, or a liaison (for a
/// headquarters they act for, checked with [`may_run`]).
pub fn may_create(p: &Principal) -> bool {
    p.is_city_secretariat() || p.has(Role::Liaison)
}

/// Who runs a campaign — edits it and enters its counts' targets: the city's secretariat, or a
/// liaison of the owning headquarters.
pub fn may_run(p: &Principal, owner: i64) -> bool {
    p.is_city_secretariat() || p.acts_for(owner)
}

/// Where a campaign stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Upcoming,
    Running,
    Ended,
}

impl Stage {
    pub fn of(starts: NaiveDate, ends: NaiveDate, today: NaiveDate) -> Stage {
        if today < starts {
            Stage::Upcoming
        } else if today > ends {
            Stage::Ended
        } else {
            Stage::Running
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Upcoming => "upcoming",
            Stage::Running => "running",
            Stage::Ended => "ended",
        }
    }
}

/// Checks a campaign's span: it ends on or after the day it starts, within five years.
pub fn check_span(starts: NaiveDate, ends: NaiveDate) -> Option<FieldError> {
    if ends < starts {
        return Some(FieldError::new(
            "ends_on",
            "پایان پویش نمی‌تواند پیش از آغاز آن باشد.",
            "The campaign cannot end before it starts.",
        ));
    }
    if (ends - starts).num_days() > MAX_DAYS {
        return Some(FieldError::new(
            "ends_on",
            "پویش حداکثر پنج سال است.",
            "A campaign lasts at most five years.",
        ));
    }
    None
}

/// Checks the indicators chosen with their targets: at least one, none twice, each target a
/// number from zero.
pub fn check_targets(targets: &[(i64, Option<f64>)]) -> Vec<FieldError> {
    let mut e = Vec::new();
    if targets.is_empty() {
        e.push(FieldError::new(
            "indicators",
            "دست‌کم یک شاخص با هدفش برای سنجش پویش برگزینید.",
            "Choose at least one indicator, with its target, to measure the campaign by.",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if targets.iter().any(|(id, _)| !seen.insert(*id)) {
        e.push(FieldError::new(
            "indicators",
            "هر شاخص یک بار در پویش می‌آید.",
            "Each indicator appears once in a campaign.",
        ));
    }
    if targets
        .iter()
        .any(|(_, t)| !t.is_some_and(|t| t.is_finite() && t >= 0.0))
    {
        e.push(FieldError::new(
            "targets",
            "هدف هر شاخص پویش عددی از صفر به بالاست.",
            "Each of the campaign's indicators needs a target, a number from zero up.",
        ));
    }
    e
}

/// Whether a period's counts belong to a campaign: the period and the campaign share a day.
pub fn covers(period: Period, starts: NaiveDate, ends: NaiveDate) -> bool {
    period.start <= ends && period.end() > starts
}

/// The refusal of a count for a period the campaign does not span.
pub fn outside(period: Period) -> FieldError {
    FieldError::new(
        "period",
        format!("دوره «{}» بیرون از بازه پویش است.", period.label_fa()),
        format!(
            "Period \"{}\" is outside the campaign's span.",
            period.label_en()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Grant, Scope};
    use crate::indicators::PeriodKind;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn who(role: Role, scope: Scope) -> Principal {
        Principal {
            user_id: 1,
            grants: vec![Grant::new(role, scope).unwrap()],
            delegated: Vec::new(),
        }
    }

    #[test]
    fn the_secretariat_and_the_owners_liaisons_run_a_campaign() {
        let health = who(Role::Liaison, Scope::Organisation(7));
        assert!(may_create(&health) && may_run(&health, 7) && !may_run(&health, 8));
        let mayor = who(Role::MayorOffice, Scope::City);
        assert!(may_create(&mayor) && may_run(&mayor, 8));
        let d14 = who(Role::DistrictMayor, Scope::District(14));
        assert!(!may_create(&d14) && !may_run(&d14, 7));
        assert!(!may_create(&who(Role::Viewer, Scope::City)));
    }

    #[test]
    fn a_span_ends_after_it_starts_within_five_years() {
        assert!(check_span(d(2026, 3, 21), d(2026, 3, 21)).is_none());
        assert!(check_span(d(2026, 3, 21), d(2027, 3, 20)).is_none());
        let e = check_span(d(2026, 3, 21), d(2026, 3, 20)).unwrap();
        assert_eq!(e.field, "ends_on");
        assert!(check_span(d(2026, 3, 21), d(2032, 3, 21)).is_some());
    }

    #[test]
    fn indicators_need_targets_and_appear_once() {
        assert!(check_targets(&[(1, Some(95.0)), (2, Some(0.0))]).is_empty());
        assert_eq!(check_targets(&[]).len(), 1);
        assert_eq!(check_targets(&[(1, Some(95.0)), (1, Some(90.0))]).len(), 1);
        for bad in [None, Some(-1.0), Some(f64::NAN), Some(f64::INFINITY)] {
            let e = check_targets(&[(1, bad)]);
            assert_eq!(e.len(), 1, "{bad:?}");
            assert_eq!(e[0].field, "targets");
        }
    }

    #[test]
    fn a_period_belongs_to_a_campaign_when_they_share_a_day() {
        // 1405-01 is 21 March – 20 April 2026.
        let farvardin = Period::containing(PeriodKind::Month, d(2026, 4, 1));
        assert!(
            covers(farvardin, d(2026, 4, 20), d(2026, 6, 1)),
            "its last day"
        );
        assert!(
            covers(farvardin, d(2026, 1, 1), d(2026, 3, 21)),
            "its first day"
        );
        assert!(!covers(farvardin, d(2026, 4, 21), d(2026, 6, 1)));
        assert!(!covers(farvardin, d(2026, 1, 1), d(2026, 3, 20)));
        let e = outside(farvardin);
        assert!(e.en.contains("outside") && e.fa.contains("بیرون"));
    }

    #[test]
    fn stages_by_day() {
        let (s, e) = (d(2026, 4, 1), d(2026, 6, 1));
        assert_eq!(Stage::of(s, e, d(2026, 3, 31)), Stage::Upcoming);
        assert_eq!(Stage::of(s, e, s), Stage::Running);
        assert_eq!(Stage::of(s, e, e), Stage::Running);
        assert_eq!(Stage::of(s, e, d(2026, 6, 2)), Stage::Ended);
    }
}
