//! District and neighborhood scorecards: the twelve Jalali months they cover, and the figures
//! computed from what was recorded — shares in per mille, medians, and counts per month.

use chrono::NaiveDate;

use crate::jalali::{self, JalaliDate};

/// How many Jalali months a scorecard's trends cover (the current one included).
pub const MONTHS: usize = 12;

/// The first days of the last [`MONTHS`] Jalali months up to `today`'s, then the first day of the
/// next month: month `i` spans `starts[i]..starts[i + 1]`.
pub fn months(today: NaiveDate) -> Vec<NaiveDate> {
    let j = JalaliDate::from_gregorian(today);
    let back = (j.year * 12 + i32::from(j.month) - 1) - (MONTHS as i32 - 1);
    let first = JalaliDate {
        year: back.div_euclid(12),
        month: (back.rem_euclid(12) + 1) as u8,
        day: 1,
    }
    .to_gregorian();
    jalali::month_starts(first, today)
}

/// Which of the months a day falls in.
pub fn month_of(starts: &[NaiveDate], day: NaiveDate) -> Option<usize> {
    if starts.len() < 2 || day < starts[0] || day >= starts[starts.len() - 1] {
        return None;
    }
    Some(starts.partition_point(|s| *s <= day) - 1)
}

/// Counts per month of the days given (those outside the months are left out).
pub fn per_month(starts: &[NaiveDate], days: impl IntoIterator<Item = NaiveDate>) -> Vec<i64> {
    let mut out = vec![0; starts.len().saturating_sub(1)];
    for d in days {
        if let Some(i) = month_of(starts, d) {
            out[i] += 1;
        }
    }
    out
}

/// `part` of `whole` in per mille, rounded; none of nothing.
pub fn permille(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 1000 + whole / 2) / whole)
}

/// The median of the values (the mean of the middle two for an even count); none of none.
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0
    })
}

/// The median of a histogram of (value, count) pairs, in any order; none when it is empty.
pub fn median_of_histogram(histogram: &[(i64, i64)]) -> Option<f64> {
    let mut h: Vec<(i64, i64)> = histogram.iter().copied().filter(|x| x.1 > 0).collect();
    h.sort_unstable();
    let total: i64 = h.iter().map(|x| x.1).sum();
    if total == 0 {
        return None;
    }
    // The value at a 0-based rank.
    let at = |rank: i64| {
        let mut seen = 0;
        for &(v, n) in &h {
            seen += n;
            if rank < seen {
                return v;
            }
        }
        h[h.len() - 1].0
    };
    Some(if total % 2 == 1 {
        at(total / 2) as f64
    } else {
        (at(total / 2 - 1) + at(total / 2)) as f64 / 2.0
    })
}

/// A month's label: its name, with the year at the first month and at Farvardin.
pub fn month_label(starts: &[NaiveDate], i: usize, persian: bool) -> String {
    let j = JalaliDate::from_gregorian(starts[i]);
    let name = if persian {
        jalali::month_name_fa(j.month)
    } else {
        jalali::month_name_en(j.month)
    };
    if i == 0 || j.month == 1 {
        let year = j.year.to_string();
        let year = if persian {
            crate::text::to_persian_digits(&year)
        } else {
            year
        };
        format!("{name} {year}")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(y: i32, m: u8, d: u8) -> NaiveDate {
        JalaliDate::new(y, m, d).unwrap().to_gregorian()
    }

    #[test]
    fn twelve_months_up_to_todays_across_the_new_year() {
        let m = months(j(1405, 2, 10));
        assert_eq!(m.len(), MONTHS + 1);
        assert_eq!(m[0], j(1404, 3, 1));
        assert_eq!(m[10], j(1405, 1, 1));
        assert_eq!(m[11], j(1405, 2, 1));
        assert_eq!(m[12], j(1405, 3, 1));
        assert_eq!(months(j(1405, 12, 29))[0], j(1405, 1, 1));
        assert_eq!(month_of(&m, j(1405, 2, 10)), Some(11));
        assert_eq!(month_of(&m, j(1404, 3, 1)), Some(0));
        assert_eq!(month_of(&m, j(1404, 2, 31)), None);
        assert_eq!(month_of(&m, j(1405, 3, 1)), None);
        let counts = per_month(
            &m,
            [j(1404, 3, 5), j(1404, 3, 6), j(1405, 2, 1), j(1399, 1, 1)],
        );
        assert_eq!(
            (counts[0], counts[11], counts.iter().sum::<i64>()),
            (2, 1, 3)
        );
        assert_eq!(month_label(&m, 0, true), "خرداد ۱۴۰۴");
        assert_eq!(month_label(&m, 10, false), "Farvardin 1405");
        assert_eq!(month_label(&m, 11, true), "اردیبهشت");
    }

    #[test]
    fn shares_and_medians() {
        assert_eq!(permille(1, 3), Some(333));
        assert_eq!(permille(2, 3), Some(667));
        assert_eq!(permille(0, 0), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2.5));
        assert_eq!(median(&mut []), None);
        assert_eq!(median_of_histogram(&[(10, 1), (2, 1), (5, 1)]), Some(5.0));
        assert_eq!(median_of_histogram(&[(3, 2), (1, 2)]), Some(2.0));
        assert_eq!(median_of_histogram(&[(7, 5), (100, 0)]), Some(7.0));
        assert_eq!(median_of_histogram(&[(4, 0)]), None);
        // The same as the median of the values listed out.
        let mut values = vec![1, 1, 1, 48, 72, 72, 96];
        assert_eq!(
            median_of_histogram(&[(1, 3), (48, 1), (72, 2), (96, 1)]),
            median(&mut values)
        );
    }
}
