//! Vulnerable areas (محدوده‌های آسیب‌پذیر, issue 13): a neighborhood or an area drawn within a
//! district, marked with the reason and the day, and the interventions that turn it round —
//! what was done, by whom, when, at what cost and how much public space it returned. Who keeps
//! them, what a valid record is, and the spans an indicator is compared over before and after.

use chrono::{Duration, NaiveDate};

use crate::access::Principal;
use crate::validate::FieldError;

/// The largest cost of one intervention, in rials (above a year of the city's budget).
pub const MAX_COST: i64 = 10_000_000_000_000_000;
/// The largest public space one intervention returns, in m² (above the city's area).
pub const MAX_SPACE_M2: i64 = 1_000_000_000;
/// The most interventions an area records; with the caps above its totals cannot overflow.
pub const MAX_INTERVENTIONS: i64 = 500;

/// Who marks a district's areas and records their interventions: the city's secretariat, or
/// the district's mayor.
pub fn may_keep(p: &Principal, district: i64) -> bool {
    p.is_secretariat_for(Some(district))
}

/// Whether someone keeps areas anywhere (so the forms are offered).
pub fn may_keep_any(p: &Principal) -> bool {
    p.may_record_meetings()
}

/// Checks the day an area was marked: not in the future.
pub fn check_marked(marked_on: NaiveDate, today: NaiveDate) -> Option<FieldError> {
    (marked_on > today).then(|| {
        FieldError::new(
            "marked_on",
            "روز شناسایی نمی‌تواند در آینده باشد.",
            "The day it was marked cannot be in the future.",
        )
    })
}

/// Checks an intervention's span and figures: it ends on or after it starts, it starts within
/// a year from today, and its cost and the space returned are not negative.
pub fn check_intervention(
    starts: NaiveDate,
    ends: Option<NaiveDate>,
    cost: Option<i64>,
    space_m2: Option<i64>,
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut e = Vec::new();
    if ends.is_some_and(|x| x < starts) {
        e.push(FieldError::new(
            "ends_on",
            "پایان اقدام نمی‌تواند پیش از آغاز آن باشد.",
            "The intervention cannot end before it starts.",
        ));
    }
    if starts > today + Duration::days(366) {
        e.push(FieldError::new(
            "starts_on",
            "آغاز اقدام بیش از یک سال در آینده است.",
            "The intervention starts more than a year from now.",
        ));
    }
    if cost.is_some_and(|c| c > MAX_COST) {
        e.push(FieldError::new(
            "cost",
            "هزینه بیش از ده میلیون میلیارد ریال نمی‌شود.",
            "The cost is at most 10,000,000,000,000,000 rials.",
        ));
    }
    if space_m2.is_some_and(|s| s > MAX_SPACE_M2) {
        e.push(FieldError::new(
            "space_m2",
            "فضای بازگردانده بیش از هزار میلیون متر مربع نمی‌شود.",
            "The space returned is at most 1,000,000,000 m².",
        ));
    }
    if cost.is_some_and(|c| c < 0) {
        e.push(FieldError::new(
            "cost",
            "هزینه نمی‌تواند منفی باشد.",
            "The cost cannot be negative.",
        ));
    }
    if space_m2.is_some_and(|s| s < 0) {
        e.push(FieldError::new(
            "space_m2",
            "فضای بازگردانده نمی‌تواند منفی باشد.",
            "The space returned cannot be negative.",
        ));
    }
    e
}

/// Checks a drawn outline against the city and its district: every position within the city's
/// box (`(min lon, min lat, max lon, max lat)`, with a margin of about two kilometres), and its
/// middle inside the district's boundary when the district has one.
pub fn check_outline(
    rings: &[Vec<(f64, f64)>],
    city: (f64, f64, f64, f64),
    district: &[Vec<(f64, f64)>],
) -> Option<FieldError> {
    const MARGIN: f64 = 0.02;
    let inside_city = rings.iter().flatten().all(|&(x, y)| {
        x >= city.0 - MARGIN && x <= city.2 + MARGIN && y >= city.1 - MARGIN && y <= city.3 + MARGIN
    });
    if !inside_city {
        return Some(FieldError::new(
            "boundary",
            "محدوده رسم‌شده بیرون از شهر است.",
            "The area drawn lies outside the city.",
        ));
    }
    // In the district: at least half its corners, each moved a hair towards the middle (so a
    // corner on the district's own border counts), fall inside the district.
    let outer = rings.first().map(Vec::as_slice).unwrap_or_default();
    let n = outer.len().max(1) as f64;
    let middle = outer
        .iter()
        .fold((0.0, 0.0), |(a, b), p| (a + p.0 / n, b + p.1 / n));
    let within = outer
        .iter()
        .filter(|p| {
            let q = (p.0 + (middle.0 - p.0) * 0.01, p.1 + (middle.1 - p.1) * 0.01);
            crate::geo::inside(district, q)
        })
        .count();
    if !district.is_empty() && within * 2 < outer.len() {
        return Some(FieldError::new(
            "boundary",
            "محدوده رسم‌شده در این منطقه نیست.",
            "The area drawn is not in this district.",
        ));
    }
    None
}

/// The spans an indicator is read over around the first intervention: the year before it
/// began, and from then on (a year at most, up to today). Each is `(first day, day after the
/// last)`; the second is `None` when the intervention has not begun.
pub fn before_and_after(
    first: NaiveDate,
    today: NaiveDate,
) -> ((NaiveDate, NaiveDate), Option<(NaiveDate, NaiveDate)>) {
    let before = (first - Duration::days(365), first);
    let end = (first + Duration::days(365)).min(today + Duration::days(1));
    let after = (end > first).then_some((first, end));
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Grant, Role, Scope};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_secretariat_and_the_district_mayor_keep_its_areas() {
        let d15 = Principal {
            user_id: 1,
            grants: vec![Grant::new(Role::DistrictMayor, Scope::District(15)).unwrap()],
            delegated: Vec::new(),
        };
        assert!(may_keep(&d15, 15) && !may_keep(&d15, 14) && may_keep_any(&d15));
        let viewer = Principal {
            user_id: 2,
            grants: vec![Grant::new(Role::Viewer, Scope::City).unwrap()],
            delegated: Vec::new(),
        };
        assert!(!may_keep(&viewer, 15) && !may_keep_any(&viewer));
    }

    #[test]
    fn bad_interventions_are_named() {
        let today = d(2026, 12, 7);
        assert!(check_intervention(
            d(2026, 1, 1),
            Some(d(2026, 3, 1)),
            Some(0),
            Some(500),
            today
        )
        .is_empty());
        let e = check_intervention(
            d(2026, 3, 1),
            Some(d(2026, 1, 1)),
            Some(-1),
            Some(-5),
            today,
        );
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["ends_on", "cost", "space_m2"]);
        assert_eq!(
            check_intervention(d(2028, 3, 1), None, None, None, today)[0].field,
            "starts_on"
        );
        assert!(check_marked(d(2026, 12, 8), today).is_some());
        assert!(check_marked(today, today).is_none());
    }

    #[test]
    fn figures_beyond_any_citys_are_refused() {
        let today = d(2026, 12, 7);
        let huge = check_intervention(
            today,
            None,
            Some(MAX_COST + 1),
            Some(MAX_SPACE_M2 + 1),
            today,
        );
        assert_eq!(huge.len(), 2);
        assert!((MAX_COST as i128) * (MAX_INTERVENTIONS as i128) < i64::MAX as i128);
    }

    #[test]
    fn an_outline_lies_in_the_city_and_its_district() {
        let city = crate::geo::bounds();
        let d15: Vec<Vec<(f64, f64)>> = vec![crate::geo::outline(15).unwrap().to_vec()];
        let middle = crate::geo::split(&d15[0], 9).remove(4);
        assert_eq!(
            check_outline(std::slice::from_ref(&middle), city, &d15),
            None,
            "{middle:?}"
        );
        assert!(
            check_outline(std::slice::from_ref(&middle), city, &[]).is_none(),
            "a district without a boundary"
        );
        let d1: Vec<Vec<(f64, f64)>> = vec![crate::geo::outline(1).unwrap().to_vec()];
        assert_eq!(
            check_outline(&[middle], city, &d1).unwrap().en,
            "The area drawn is not in this district."
        );
        let far = vec![(61.0, 45.0), (61.1, 45.0), (61.1, 45.1)];
        assert!(check_outline(&[far], city, &[])
            .unwrap()
            .en
            .contains("outside the city"));
    }

    #[test]
    fn before_is_the_year_ahead_of_the_first_intervention_and_after_runs_to_today() {
        let today = d(2026, 12, 7);
        let (before, after) = before_and_after(d(2026, 6, 1), today);
        assert_eq!(before, (d(2025, 6, 1), d(2026, 6, 1)));
        assert_eq!(after, Some((d(2026, 6, 1), d(2026, 12, 8))));
        let (_, after) = before_and_after(d(2024, 6, 1), today);
        assert_eq!(
            after,
            Some((d(2024, 6, 1), d(2025, 6, 1))),
            "a year at most"
        );
        assert_eq!(before_and_after(d(2027, 1, 1), today).1, None, "not begun");
    }
}
