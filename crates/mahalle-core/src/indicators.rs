//! Indicators the DHIS2 way: data elements are counts entered per neighborhood and period; an
//! indicator is a numerator over a denominator times a factor; totals for a district or the city
//! and for longer periods are computed from the counts, never by averaging percentages.
//!
//! Periods follow the Jalali calendar: the week (Saturday to Friday), the month, the season (three
//! months: spring is Farvardin to Khordad) and the year. Each has a code that sorts in time order
//! within its kind and reads the same in a spreadsheet: `1404`, `1404-S2`, `1404-07`, `1404-W05`.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

use crate::access::Principal;
use crate::coded::coded_enum;
use crate::jalali::{self, JalaliDate};
use crate::text;
use crate::validate::FieldError;

coded_enum!(
    /// The length of the periods values are entered for.
    PeriodKind {
        Week = "week", "هفتگی", "Weekly";
        Month = "month", "ماهانه", "Monthly";
        Season = "season", "فصلی", "Seasonal";
        Year = "year", "سالانه", "Yearly";
    }
);

coded_enum!(
    /// How a data element's values over several periods make one: counts of what happened add
    /// up (people vaccinated); stocks take the latest value (target population, green space).
    Aggregation {
        Sum = "sum", "جمع دوره‌ها", "Sum of the periods";
        Last = "last", "آخرین مقدار", "Latest value";
    }
);

coded_enum!(
    /// Which way an indicator improves.
    Direction {
        Higher = "higher", "هرچه بیشتر بهتر", "Higher is better";
        Lower = "lower", "هرچه کمتر بهتر", "Lower is better";
    }
);

const SEASONS_FA: [&str; 4] = ["بهار", "تابستان", "پاییز", "زمستان"];
const SEASONS_EN: [&str; 4] = ["Spring", "Summer", "Autumn", "Winter"];

/// One period: its kind and its first day. Built by [`Period::containing`] or [`Period::parse`],
/// so the first day is always where a period of its kind begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
}

/// The Saturday on or before `d`: Jalali weeks run Saturday to Friday.
fn saturday_on_or_before(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().days_since(Weekday::Sat)))
}

/// The first week of a Jalali year is the one holding 1 Farvardin.
fn first_week(year: i32) -> NaiveDate {
    saturday_on_or_before(
        JalaliDate {
            year,
            month: 1,
            day: 1,
        }
        .to_gregorian(),
    )
}

fn jalali_start(year: i32, month: u8) -> NaiveDate {
    JalaliDate {
        year,
        month,
        day: 1,
    }
    .to_gregorian()
}

impl Period {
    /// The period of this kind that holds `d`.
    pub fn containing(kind: PeriodKind, d: NaiveDate) -> Period {
        let j = JalaliDate::from_gregorian(d);
        let start = match kind {
            PeriodKind::Year => jalali_start(j.year, 1),
            PeriodKind::Season => jalali_start(j.year, (j.month - 1) / 3 * 3 + 1),
            PeriodKind::Month => jalali_start(j.year, j.month),
            PeriodKind::Week => saturday_on_or_before(d),
        };
        Period { kind, start }
    }

    /// The first day after the period.
    pub fn end(self) -> NaiveDate {
        let j = JalaliDate::from_gregorian(self.start);
        match self.kind {
            PeriodKind::Week => self.start + Duration::days(7),
            PeriodKind::Year => jalali_start(j.year + 1, 1),
            PeriodKind::Season | PeriodKind::Month => {
                let months = if self.kind == PeriodKind::Season {
                    3
                } else {
                    1
                };
                let m = j.month + months;
                if m > 12 {
                    jalali_start(j.year + 1, m - 12)
                } else {
                    jalali_start(j.year, m)
                }
            }
        }
    }

    pub fn next(self) -> Period {
        Period {
            kind: self.kind,
            start: self.end(),
        }
    }

    /// The same period a year before (the same week number, month or season of the year before).
    pub fn year_before(self) -> Period {
        let j = JalaliDate::from_gregorian(self.start);
        match self.kind {
            PeriodKind::Week => {
                let (year, week) = self.week_number();
                let start = first_week(year - 1) + Duration::days(7 * (i64::from(week) - 1));
                Period {
                    kind: self.kind,
                    start,
                }
            }
            _ => Period {
                kind: self.kind,
                start: jalali_start(j.year - 1, j.month),
            },
        }
    }

    /// (Jalali year, week number from 1) of a week: week 1 holds 1 Farvardin, so a week that
    /// straddles Nowruz belongs to the new year.
    fn week_number(self) -> (i32, u32) {
        let last_day = JalaliDate::from_gregorian(self.start + Duration::days(6));
        let year = last_day.year;
        let n = (self.start - first_week(year)).num_days() / 7 + 1;
        (year, n as u32)
    }

    /// The code a spreadsheet or the API names the period by.
    pub fn code(self) -> String {
        let j = JalaliDate::from_gregorian(self.start);
        match self.kind {
            PeriodKind::Year => format!("{}", j.year),
            PeriodKind::Season => format!("{}-S{}", j.year, (j.month - 1) / 3 + 1),
            PeriodKind::Month => format!("{}-{:02}", j.year, j.month),
            PeriodKind::Week => {
                let (year, week) = self.week_number();
                format!("{year}-W{week:02}")
            }
        }
    }

    /// Reads a period's code (Persian or Latin digits): `1404`, `1404-S2`, `1404-07`, `1404-W05`.
    pub fn parse(code: &str) -> Result<Period, FieldError> {
        let s = text::to_latin_digits(code.trim()).to_uppercase();
        let bad = || {
            FieldError::new(
                "period",
                format!(
                    "دوره «{}» خوانده نشد؛ نمونه‌ها: ۱۴۰۴ (سال)، ۱۴۰۴-S2 (فصل)، ۱۴۰۴-07 (ماه)، ۱۴۰۴-W05 (هفته).",
                    code.trim()
                ),
                format!(
                    "Period \"{}\" was not understood; examples: 1404 (year), 1404-S2 (season), 1404-07 (month), 1404-W05 (week).",
                    code.trim()
                ),
            )
        };
        let number = |t: &str| -> Option<i32> {
            (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        let (year, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s.as_str(), None),
        };
        let year = number(year)
            .filter(|y| (1300..=1500).contains(y))
            .ok_or_else(bad)?;
        let (kind, start) = match rest {
            None => (PeriodKind::Year, jalali_start(year, 1)),
            Some(r) if r.starts_with('S') => {
                let n = number(&r[1..])
                    .filter(|n| (1..=4).contains(n))
                    .ok_or_else(bad)?;
                (
                    PeriodKind::Season,
                    jalali_start(year, (n as u8 - 1) * 3 + 1),
                )
            }
            Some(r) if r.starts_with('W') => {
                let n = number(&r[1..]).filter(|n| *n >= 1).ok_or_else(bad)?;
                let start = first_week(year) + Duration::days(7 * (i64::from(n) - 1));
                // The last week of a year is the one before the next year's first.
                if start >= first_week(year + 1) {
                    return Err(bad());
                }
                (PeriodKind::Week, start)
            }
            Some(r) => {
                let n = number(r).filter(|n| (1..=12).contains(n)).ok_or_else(bad)?;
                (PeriodKind::Month, jalali_start(year, n as u8))
            }
        };
        Ok(Period { kind, start })
    }

    pub fn label_fa(self) -> String {
        let j = JalaliDate::from_gregorian(self.start);
        let s = match self.kind {
            PeriodKind::Year => format!("سال {}", j.year),
            PeriodKind::Season => {
                format!("{} {}", SEASONS_FA[usize::from((j.month - 1) / 3)], j.year)
            }
            PeriodKind::Month => format!("{} {}", jalali::month_name_fa(j.month), j.year),
            PeriodKind::Week => {
                let (year, week) = self.week_number();
                format!("هفته {week} سال {year}")
            }
        };
        text::to_persian_digits(&s)
    }

    pub fn label_en(self) -> String {
        let j = JalaliDate::from_gregorian(self.start);
        match self.kind {
            PeriodKind::Year => format!("{}", j.year),
            PeriodKind::Season => {
                format!("{} {}", SEASONS_EN[usize::from((j.month - 1) / 3)], j.year)
            }
            PeriodKind::Month => format!("{} {}", jalali::month_name_en(j.month), j.year),
            PeriodKind::Week => {
                let (year, week) = self.week_number();
                format!("Week {week} of {year}")
            }
        }
    }
}

/// Every period of `kind` that overlaps `from..to` (the end excluded), in order.
pub fn periods(kind: PeriodKind, from: NaiveDate, to: NaiveDate) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = Period::containing(kind, from);
    while p.start < to && from < to {
        out.push(p);
        p = p.next();
    }
    out
}

/// What an indicator's value is multiplied by.
pub fn factor_label(factor: i64) -> (&'static str, &'static str) {
    match factor {
        100 => ("درصد", "percent"),
        1000 => ("در هزار", "per 1,000"),
        100_000 => ("در صد هزار", "per 100,000"),
        _ => ("", ""),
    }
}

/// The sums an indicator is computed from, for one place and period (or a roll-up of many).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sums {
    pub numerator: i64,
    pub denominator: i64,
}

impl Sums {
    /// Adds another place's sums: a district's total is its neighborhoods' counts added, and its
    /// value their quotient — never the mean of their percentages.
    pub fn plus(self, other: Sums) -> Sums {
        Sums {
            numerator: self.numerator.saturating_add(other.numerator),
            denominator: self.denominator.saturating_add(other.denominator),
        }
    }

    /// numerator / denominator × factor, or nothing over a zero denominator.
    pub fn value(self, factor: i64) -> Option<f64> {
        (self.denominator != 0)
            .then(|| self.numerator as f64 / self.denominator as f64 * factor as f64)
    }
}

/// One data element's values over several periods, made one by its aggregation: `values` are
/// (period start, value) in any order.
pub fn over_periods(aggregation: Aggregation, values: &[(NaiveDate, i64)]) -> Option<i64> {
    match aggregation {
        Aggregation::Sum => {
            (!values.is_empty()).then(|| values.iter().fold(0i64, |a, v| a.saturating_add(v.1)))
        }
        Aggregation::Last => values.iter().max_by_key(|v| v.0).map(|v| v.1),
    }
}

/// A level of the city's hierarchy an indicator is read at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Neighborhood(i64),
    District(i64),
    City,
}

/// One data element's totals over a range of periods at every level: each neighborhood's values
/// made one by the element's aggregation, then added up the hierarchy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub neighborhoods: BTreeMap<i64, i64>,
    pub districts: BTreeMap<i64, i64>,
    pub city: Option<i64>,
}

impl Totals {
    /// From (neighborhood, district, period start, value) rows in any order.
    pub fn of(aggregation: Aggregation, rows: &[(i64, i64, NaiveDate, i64)]) -> Totals {
        let mut by_place: BTreeMap<(i64, i64), Vec<(NaiveDate, i64)>> = BTreeMap::new();
        for &(n, d, p, v) in rows {
            by_place.entry((n, d)).or_default().push((p, v));
        }
        let mut t = Totals::default();
        for ((n, d), values) in by_place {
            if let Some(v) = over_periods(aggregation, &values) {
                t.neighborhoods.insert(n, v);
                let e = t.districts.entry(d).or_insert(0);
                *e = e.saturating_add(v);
                t.city = Some(t.city.unwrap_or(0).saturating_add(v));
            }
        }
        t
    }

    pub fn at(&self, level: Level) -> Option<i64> {
        match level {
            Level::Neighborhood(n) => self.neighborhoods.get(&n).copied(),
            Level::District(d) => self.districts.get(&d).copied(),
            Level::City => self.city,
        }
    }
}

/// An indicator's sums at a level: its numerator's total over its denominator's, or over 1 when
/// it has no denominator (a plain total). None when either total is missing there.
pub fn sums_at(numerator: &Totals, denominator: Option<&Totals>, level: Level) -> Option<Sums> {
    let n = numerator.at(level)?;
    let d = match denominator {
        Some(d) => d.at(level)?,
        None => 1,
    };
    Some(Sums {
        numerator: n,
        denominator: d,
    })
}

/// How far a value is from its target, as a share of the target reached (1.0 = met), the right
/// way round for the indicator's direction. None without a target or value.
pub fn reached(value: Option<f64>, target: Option<f64>, direction: Direction) -> Option<f64> {
    let (v, t) = (value?, target?);
    match direction {
        Direction::Higher if t > 0.0 => Some(v / t),
        Direction::Higher => Some(1.0),
        Direction::Lower if v > 0.0 => Some(t / v),
        Direction::Lower => Some(1.0),
    }
}

/// Whether a place lags: its value falls short of the target by more than `tolerance` (a share:
/// 0.1 = within 10% of the target is not lagging).
pub fn lags(value: Option<f64>, target: Option<f64>, direction: Direction, tolerance: f64) -> bool {
    reached(value, target, direction).is_some_and(|r| r < 1.0 - tolerance)
}

/// A value as people read it: one decimal for percentages and rates, Persian digits in Persian.
pub fn format_value(value: Option<f64>, factor: i64, persian: bool) -> String {
    let Some(v) = value else {
        return "—".into();
    };
    // Whole numbers (a plain total) without decimals; ratios and rates with one.
    let s = if (v - v.round()).abs() < 1e-9 && (factor == 1 || v.abs() >= 1000.0) {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    };
    if persian {
        text::to_persian_digits(&s.replace('.', "٫"))
    } else {
        s
    }
}

/// Checks a count entered for a data element.
/// The largest count taken: far above any city's, and small enough that ten years of every
/// neighborhood's weekly counts add up without overflowing.
pub const MAX_COUNT: i64 = 1_000_000_000_000;

pub fn check_count(raw: &str) -> Result<Option<i64>, FieldError> {
    let s = text::to_latin_digits(raw.trim()).replace([',', '،', '٬', ' '], "");
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i64>() {
        Ok(n) if n > MAX_COUNT => Err(FieldError::new(
            "value",
            "شمار بیش از هزار میلیارد نمی‌شود.",
            "A count is at most 1,000,000,000,000.",
        )),
        Ok(n) if n >= 0 => Ok(Some(n)),
        Ok(_) => Err(FieldError::new(
            "value",
            "مقدار نمی‌تواند منفی باشد؛ شمار را از صفر به بالا وارد کنید.",
            "A count cannot be negative; enter zero or more.",
        )),
        Err(_) => Err(FieldError::new(
            "value",
            format!("«{}» عدد صحیح نیست.", raw.trim()),
            format!("\"{}\" is not a whole number.", raw.trim()),
        )),
    }
}

/// Classes for a choropleth: `n` equal steps between the smallest and largest value; returns the
/// class (0..n) of each value, None where a place has no value.
pub fn classes(values: &[Option<f64>], n: usize) -> (Vec<Option<usize>>, Vec<f64>) {
    let n = n.max(1);
    let known: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let (lo, hi) = known
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if known.is_empty() {
        return (vec![None; values.len()], Vec::new());
    }
    let step = (hi - lo) / n as f64;
    let bounds: Vec<f64> = (0..=n).map(|i| lo + step * i as f64).collect();
    let class = |v: f64| {
        if step == 0.0 {
            0
        } else {
            (((v - lo) / step) as usize).min(n - 1)
        }
    };
    (
        values
            .iter()
            .map(|v| v.filter(|v| v.is_finite()).map(class))
            .collect(),
        bounds,
    )
}

/// Who defines data elements and indicators: the city's secretariat.
pub fn may_define(p: &Principal) -> bool {
    p.is_city_secretariat()
}

/// Who enters counts for a district's neighborhoods: the city's secretariat, or the district's
/// mayor for their own.
pub fn may_enter(p: &Principal, district: i64) -> bool {
    p.is_secretariat_for(Some(district))
}

/// Whether someone enters counts anywhere (so the forms are offered): the city's secretariat
/// and district mayors.
pub fn may_enter_any(p: &Principal) -> bool {
    p.is_city_secretariat() || p.has(crate::access::Role::DistrictMayor)
}

/// Checks an indicator's definition: a known numerator, a denominator other than it, a positive
/// factor, a target that is a number.
pub fn check_definition(
    numerator: Option<i64>,
    denominator: Option<i64>,
    factor: i64,
    target: Option<f64>,
) -> Vec<FieldError> {
    let mut e = Vec::new();
    if numerator.is_none() {
        e.push(FieldError::new(
            "numerator",
            "صورت شاخص را از داده‌های تعریف‌شده برگزینید.",
            "Choose the indicator's numerator from the data elements defined.",
        ));
    }
    if numerator.is_some() && numerator == denominator {
        e.push(FieldError::new(
            "denominator",
            "مخرج نمی‌تواند همان صورت باشد.",
            "The denominator cannot be the numerator itself.",
        ));
    }
    if factor <= 0 {
        e.push(FieldError::new(
            "factor",
            "ضریب باید عددی مثبت باشد (۱۰۰ برای درصد، ۱۰۰۰ برای در هزار).",
            "The factor must be positive (100 for a percentage, 1,000 per thousand).",
        ));
    }
    if target.is_some_and(|t| !t.is_finite() || t < 0.0) {
        e.push(FieldError::new(
            "target",
            "هدف باید عددی از صفر به بالا باشد.",
            "The target must be a number from zero up.",
        ));
    }
    e
}

/// Reads a code for an element or indicator: Latin letters, digits, `-` and `_`, up to 40.
pub fn check_code(raw: &str) -> Result<String, FieldError> {
    let c = raw.trim().to_uppercase();
    if c.is_empty()
        || c.len() > 40
        || !c
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(FieldError::new(
            "code",
            "کد را با حروف لاتین، رقم، - یا _ و حداکثر ۴۰ نویسه بنویسید؛ مانند VAX-DONE.",
            "Write the code in Latin letters, digits, - or _, at most 40 characters; like VAX-DONE.",
        ));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(y: i32, m: u8, d: u8) -> NaiveDate {
        JalaliDate::new(y, m, d).unwrap().to_gregorian()
    }

    #[test]
    fn periods_begin_and_end_on_the_jalali_calendar() {
        let d = j(1404, 7, 15);
        let m = Period::containing(PeriodKind::Month, d);
        assert_eq!((m.start, m.end()), (j(1404, 7, 1), j(1404, 8, 1)));
        assert_eq!(m.code(), "1404-07");
        let s = Period::containing(PeriodKind::Season, d);
        assert_eq!((s.start, s.end()), (j(1404, 7, 1), j(1404, 10, 1)));
        assert_eq!(s.code(), "1404-S3");
        let y = Period::containing(PeriodKind::Year, d);
        assert_eq!((y.start, y.end()), (j(1404, 1, 1), j(1405, 1, 1)));
        // Esfand of a year, and the winter season, end at the next Nowruz.
        let esfand = Period::containing(PeriodKind::Month, j(1403, 12, 30));
        assert_eq!(esfand.end(), j(1404, 1, 1));
        assert_eq!(
            Period::containing(PeriodKind::Season, j(1403, 11, 2)).end(),
            j(1404, 1, 1)
        );
        // A week runs Saturday to Friday.
        let w = Period::containing(PeriodKind::Week, d);
        assert_eq!(w.start.weekday(), Weekday::Sat);
        assert_eq!((w.end() - w.start).num_days(), 7);
        assert!(w.start <= d && d < w.end());
    }

    #[test]
    fn codes_read_back_to_the_same_period() {
        let mut d = j(1402, 1, 1);
        while d < j(1406, 1, 1) {
            for &k in PeriodKind::ALL {
                let p = Period::containing(k, d);
                assert_eq!(Period::parse(&p.code()).unwrap(), p, "{} on {d}", p.code());
            }
            d += Duration::days(1);
        }
        assert_eq!(
            Period::parse("۱۴۰۴-۰۷").unwrap(),
            Period::containing(PeriodKind::Month, j(1404, 7, 1))
        );
        assert_eq!(Period::parse(" 1404-s2 ").unwrap().start, j(1404, 4, 1));
        for bad in [
            "", "14", "1404-13", "1404-00", "1404-S5", "1404-W00", "1404-W60", "abcd", "1404-",
            "99999",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn the_week_holding_nowruz_is_the_first_of_the_new_year() {
        let w = Period::containing(PeriodKind::Week, j(1404, 1, 1));
        assert!(w.code().starts_with("1404-W01"), "{}", w.code());
        let before = Period {
            kind: PeriodKind::Week,
            start: w.start - Duration::days(7),
        };
        assert!(before.code().starts_with("1403-W5"), "{}", before.code());
        assert_eq!(w.year_before().code(), "1403-W01");
    }

    #[test]
    fn periods_cover_a_range_in_order() {
        let p = periods(PeriodKind::Month, j(1404, 1, 10), j(1404, 4, 1));
        let codes: Vec<String> = p.iter().map(|p| p.code()).collect();
        assert_eq!(codes, ["1404-01", "1404-02", "1404-03"]);
        assert_eq!(
            periods(PeriodKind::Year, j(1404, 5, 1), j(1404, 5, 1)),
            vec![]
        );
        assert_eq!(
            Period::containing(PeriodKind::Month, j(1404, 7, 3))
                .year_before()
                .code(),
            "1403-07"
        );
        assert_eq!(Period::parse("1404-S1").unwrap().label_fa(), "بهار ۱۴۰۴");
        assert_eq!(Period::parse("1404-07").unwrap().label_en(), "Mehr 1404");
    }

    #[test]
    fn totals_add_counts_and_never_average_percentages() {
        // Two neighborhoods: 90 of 100 vaccinated (90%), 10 of 900 (1.1%). The district's
        // coverage is 100 of 1,000 = 10%, not the 45.6% the mean of percentages would claim.
        let a = Sums {
            numerator: 90,
            denominator: 100,
        };
        let b = Sums {
            numerator: 10,
            denominator: 900,
        };
        let d = a.plus(b);
        assert_eq!(d.value(100), Some(10.0));
        assert_eq!(
            Sums {
                numerator: 5,
                denominator: 0
            }
            .value(100),
            None
        );
        assert_eq!(
            Sums {
                numerator: 3,
                denominator: 2000
            }
            .value(1000),
            Some(1.5)
        );
    }

    #[test]
    fn counts_add_up_over_periods_and_stocks_take_the_latest() {
        let v = [
            (j(1404, 2, 1), 120),
            (j(1404, 1, 1), 100),
            (j(1404, 3, 1), 130),
        ];
        assert_eq!(over_periods(Aggregation::Sum, &v), Some(350));
        assert_eq!(over_periods(Aggregation::Last, &v), Some(130));
        assert_eq!(over_periods(Aggregation::Sum, &[]), None);
    }

    #[test]
    fn totals_roll_up_the_hierarchy_from_each_neighborhoods_counts() {
        let (m1, m2, m3) = (j(1404, 1, 1), j(1404, 2, 1), j(1404, 3, 1));
        // Vaccinated each month (a sum) and the target population (the latest value).
        let vaccinated = [
            (1, 10, m1, 30),
            (1, 10, m2, 40),
            (2, 10, m1, 5),
            (3, 20, m3, 7),
        ];
        let population = [
            (1, 10, m1, 100),
            (1, 10, m3, 120),
            (2, 10, m2, 50),
            (3, 20, m1, 70),
        ];
        let v = Totals::of(Aggregation::Sum, &vaccinated);
        let p = Totals::of(Aggregation::Last, &population);
        assert_eq!(v.at(Level::Neighborhood(1)), Some(70));
        assert_eq!(
            p.at(Level::Neighborhood(1)),
            Some(120),
            "the latest month, not the sum"
        );
        assert_eq!(v.at(Level::District(10)), Some(75));
        assert_eq!(p.at(Level::District(10)), Some(170));
        assert_eq!(p.at(Level::City), Some(240));
        let d10 = sums_at(&v, Some(&p), Level::District(10)).unwrap();
        assert_eq!(
            d10,
            Sums {
                numerator: 75,
                denominator: 170
            }
        );
        assert_eq!(
            sums_at(&v, Some(&p), Level::City)
                .unwrap()
                .value(100)
                .map(|x| x.round()),
            Some(34.0)
        );
        assert_eq!(sums_at(&v, Some(&p), Level::Neighborhood(9)), None);
        assert_eq!(
            sums_at(&v, None, Level::District(20)).unwrap().value(1),
            Some(7.0)
        );
    }

    #[test]
    fn definitions_and_codes_are_checked() {
        assert!(check_definition(Some(1), Some(2), 100, Some(95.0)).is_empty());
        assert!(check_definition(Some(1), None, 1, None).is_empty());
        let e = check_definition(None, Some(2), 0, Some(f64::NAN));
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["numerator", "factor", "target"]);
        assert_eq!(
            check_definition(Some(3), Some(3), 100, None)[0].field,
            "denominator"
        );
        assert_eq!(check_code(" vax-done ").unwrap(), "VAX-DONE");
        assert!(check_code("واکسن").is_err());
        assert!(check_code("").is_err());
        assert!(check_code(&"A".repeat(41)).is_err());
        use crate::access::{Grant, Role, Scope};
        let who = |role, scope| Principal {
            user_id: 1,
            grants: vec![Grant { role, scope }],
            delegated: Vec::new(),
        };
        let d14 = who(Role::DistrictMayor, Scope::District(14));
        assert!(
            may_enter(&d14, 14) && !may_enter(&d14, 6) && may_enter_any(&d14) && !may_define(&d14)
        );
        let council = who(Role::CouncilMember, Scope::Neighborhood(3));
        assert!(!may_enter_any(&council) && !may_enter(&council, 14));
        let deputy = who(Role::Deputy, Scope::City);
        assert!(may_define(&deputy) && may_enter(&deputy, 6));
    }

    #[test]
    fn lagging_is_judged_the_right_way_round() {
        assert!(lags(Some(70.0), Some(95.0), Direction::Higher, 0.1));
        assert!(!lags(Some(90.0), Some(95.0), Direction::Higher, 0.1));
        assert!(lags(Some(20.0), Some(10.0), Direction::Lower, 0.1));
        assert!(!lags(Some(9.0), Some(10.0), Direction::Lower, 0.1));
        assert!(!lags(None, Some(10.0), Direction::Lower, 0.1));
        assert_eq!(reached(Some(0.0), Some(5.0), Direction::Lower), Some(1.0));
    }

    #[test]
    fn counts_are_checked_as_people_type_them() {
        assert_eq!(check_count("۱٬۲۵۰").unwrap(), Some(1250));
        assert_eq!(check_count(" 3,400 ").unwrap(), Some(3400));
        assert_eq!(check_count("").unwrap(), None);
        let e = check_count("-5").unwrap_err();
        assert!(e.fa.contains("منفی") && e.en.contains("negative"));
        assert!(check_count("12.5").is_err());
        assert!(check_count("99999999999999999999").is_err());
    }

    #[test]
    fn values_are_shown_with_persian_digits_and_decimal_sign() {
        assert_eq!(format_value(Some(87.26), 100, true), "۸۷٫۳");
        assert_eq!(format_value(Some(87.26), 100, false), "87.3");
        assert_eq!(format_value(Some(1234.0), 1, false), "1234");
        assert_eq!(
            format_value(Some(7.46), 1, false),
            "7.5",
            "a ratio keeps its decimal"
        );
        assert_eq!(format_value(Some(50.0), 100, false), "50.0");
        assert_eq!(format_value(None, 100, true), "—");
    }

    #[test]
    fn choropleth_classes_split_the_range_evenly() {
        let (c, b) = classes(&[Some(0.0), Some(50.0), Some(100.0), None], 4);
        assert_eq!(c, vec![Some(0), Some(2), Some(3), None]);
        assert_eq!(b, vec![0.0, 25.0, 50.0, 75.0, 100.0]);
        let (c, _) = classes(&[Some(7.0), Some(7.0)], 5);
        assert_eq!(c, vec![Some(0), Some(0)]);
        assert_eq!(classes(&[None], 3).0, vec![None]);
    }
}
