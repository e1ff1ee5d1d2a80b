//! Occasions (مناسبت‌ها, issue 13): a religious, national or local event over Jalali days, held
//! in neighborhoods and partner places, measured by people's participation and compared with
//! the same occasion the year before. Who keeps them, what a valid one is, and the comparison.

use chrono::NaiveDate;

use crate::access::Principal;
use crate::coded::coded_enum;
use crate::validate::FieldError;

coded_enum!(
    /// What an occasion is.
    Kind {
        Religious = "religious", "مذهبی", "Religious";
        National = "national", "ملی", "National";
        Local = "local", "محلی", "Local";
    }
);

/// The longest occasion, in days (a Muharram's first decade, a week of celebrations).
pub const MAX_DAYS: i64 = 60;

/// Who keeps an occasion: the city's secretariat; a district's own occasion also its mayor.
pub fn may_keep(p: &Principal, district: Option<i64>) -> bool {
    p.is_secretariat_for(district)
}

/// Whether someone keeps occasions anywhere (so the forms are offered).
pub fn may_keep_any(p: &Principal) -> bool {
    p.may_record_meetings()
}

/// Checks an occasion's days: it ends on or after it starts, within sixty days.
pub fn check_span(starts: NaiveDate, ends: NaiveDate) -> Option<FieldError> {
    if ends < starts {
        return Some(FieldError::new(
            "ends_on",
            "پایان مناسبت نمی‌تواند پیش از آغاز آن باشد.",
            "The occasion cannot end before it starts.",
        ));
    }
    ((ends - starts).num_days() > MAX_DAYS).then(|| {
        FieldError::new(
            "ends_on",
            "مناسبت حداکثر شصت روز است.",
            "An occasion lasts at most sixty days.",
        )
    })
}

/// Whether an occasion that started on `other` is the same occasion's previous year for one
/// starting on `this`: between 300 and 400 days before (a lunar occasion comes 10–11 days
/// earlier each solar year, a solar one on the same day).
pub fn is_year_before(this: NaiveDate, other: NaiveDate) -> bool {
    let days = (this - other).num_days();
    (300..=400).contains(&days)
}

/// The change from the year before, as a share (0.25 = a quarter more); none without both, or
/// from nobody.
pub fn change(now: Option<i64>, before: Option<i64>) -> Option<f64> {
    match (now, before) {
        (Some(n), Some(b)) if b > 0 => Some((n - b) as f64 / b as f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Grant, Role, Scope};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_district_mayor_keeps_their_districts_occasions_only() {
        let d14 = Principal {
            user_id: 1,
            grants: vec![Grant::new(Role::DistrictMayor, Scope::District(14)).unwrap()],
            delegated: Vec::new(),
        };
        assert!(may_keep(&d14, Some(14)) && !may_keep(&d14, Some(6)) && !may_keep(&d14, None));
        assert!(may_keep_any(&d14));
        let mayor = Principal {
            user_id: 2,
            grants: vec![Grant::new(Role::MayorOffice, Scope::City).unwrap()],
            delegated: Vec::new(),
        };
        assert!(may_keep(&mayor, None) && may_keep(&mayor, Some(6)));
    }

    #[test]
    fn spans_and_kinds() {
        assert!(check_span(d(2026, 6, 4), d(2026, 6, 4)).is_none());
        assert_eq!(
            check_span(d(2026, 6, 4), d(2026, 6, 3)).unwrap().field,
            "ends_on"
        );
        assert!(check_span(d(2026, 6, 1), d(2026, 8, 15)).is_some());
        assert_eq!(Kind::parse("religious"), Some(Kind::Religious));
        assert_eq!(Kind::parse("party"), None);
    }

    #[test]
    fn last_years_occasion_is_a_lunar_or_solar_year_before() {
        // Ghadir: 14 June 2025, then 4 June 2026 (ten days earlier in the solar year).
        assert!(is_year_before(d(2026, 6, 4), d(2025, 6, 14)));
        // 22 Bahman: the same solar day.
        assert!(is_year_before(d(2026, 2, 11), d(2025, 2, 10)));
        assert!(
            !is_year_before(d(2026, 6, 4), d(2024, 6, 16)),
            "two years before"
        );
        assert!(!is_year_before(d(2026, 6, 4), d(2026, 1, 1)));
        assert_eq!(change(Some(125), Some(100)), Some(0.25));
        assert_eq!(change(Some(80), Some(100)), Some(-0.2));
        assert_eq!(change(Some(5), Some(0)), None);
        assert_eq!(change(None, Some(10)), None);
    }
}
