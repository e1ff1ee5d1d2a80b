//! Date spans of counters kept per year, month and day: which whole years, months and single
//! days add up to a range of deadlines, so "open and overdue today" is a sum of a few counter
//! rows instead of a scan.

use chrono::{Datelike, NaiveDate};

/// A grain of the open-work counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Year,
    Month,
    Day,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Year => "y",
            Grain::Month => "m",
            Grain::Day => "d",
        }
    }

    /// The period a deadline is counted in at this grain.
    pub fn period(self, d: NaiveDate) -> NaiveDate {
        match self {
            Grain::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d),
            Grain::Month => d.with_day(1).unwrap_or(d),
            Grain::Day => d,
        }
    }
}

/// Counter rows of one grain whose period is in `[from, to)` (`None`: unbounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub grain: Grain,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn year_ceil(d: NaiveDate) -> NaiveDate {
    let start = Grain::Year.period(d);
    if start == d {
        d
    } else {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1).unwrap_or(NaiveDate::MAX)
    }
}

fn month_ceil(d: NaiveDate) -> NaiveDate {
    let start = Grain::Month.period(d);
    if start == d {
        d
    } else {
        start
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// The spans whose counters add up to the open work with a deadline in `[lo, hi)`: whole years,
/// then whole months, then single days at the edges. Each deadline falls in exactly one span.
pub fn cover(lo: Option<NaiveDate>, hi: Option<NaiveDate>) -> Vec<Span> {
    if let (Some(l), Some(h)) = (lo, hi) {
        if l >= h {
            return Vec::new();
        }
    }
    let y1 = lo.map(year_ceil);
    let y2 = hi.map(|h| Grain::Year.period(h));
    let mut out = Vec::new();
    match (lo, hi, y1, y2) {
        (Some(l), Some(h), Some(a), Some(b)) if a >= b => months_days(l, h, &mut out),
        _ => {
            out.push(Span {
                grain: Grain::Year,
                from: y1,
                to: y2,
            });
            if let (Some(l), Some(a)) = (lo, y1) {
                months_days(l, a, &mut out);
            }
            if let (Some(b), Some(h)) = (y2, hi) {
                months_days(b, h, &mut out);
            }
        }
    }
    out
}

fn months_days(a: NaiveDate, b: NaiveDate, out: &mut Vec<Span>) {
    let days = |from: NaiveDate, to: NaiveDate, out: &mut Vec<Span>| {
        if from < to {
            out.push(Span {
                grain: Grain::Day,
                from: Some(from),
                to: Some(to),
            });
        }
    };
    if a >= b {
        return;
    }
    let m1 = month_ceil(a);
    let m2 = Grain::Month.period(b);
    if m1 < m2 {
        days(a, m1, out);
        out.push(Span {
            grain: Grain::Month,
            from: Some(m1),
            to: Some(m2),
        });
        days(m2, b, out);
    } else {
        days(a, b, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// How many spans count a deadline: 1 inside the range, 0 outside.
    fn hits(spans: &[Span], x: NaiveDate) -> usize {
        spans
            .iter()
            .filter(|s| {
                let p = s.grain.period(x);
                s.from.is_none_or(|f| p >= f) && s.to.is_none_or(|t| p < t)
            })
            .count()
    }

    #[test]
    fn cover_counts_each_deadline_once() {
        let start = d(2023, 11, 20);
        let bounds: Vec<Option<NaiveDate>> = std::iter::once(None)
            .chain(
                [
                    d(2024, 1, 1),
                    d(2024, 1, 31),
                    d(2024, 2, 1),
                    d(2024, 2, 29),
                    d(2024, 12, 31),
                    d(2025, 1, 1),
                    d(2025, 3, 15),
                    d(2026, 6, 1),
                    d(2026, 6, 2),
                ]
                .map(Some),
            )
            .collect();
        for &lo in &bounds {
            for &hi in &bounds {
                let spans = cover(lo, hi);
                for i in 0..1200 {
                    let x = start + Days::new(i);
                    let inside = lo.is_none_or(|l| x >= l) && hi.is_none_or(|h| x < h);
                    assert_eq!(
                        hits(&spans, x),
                        usize::from(inside),
                        "{lo:?}..{hi:?} at {x}: {spans:?}"
                    );
                }
                assert!(spans.len() <= 5, "{spans:?}");
            }
        }
    }

    #[test]
    fn overdue_is_past_years_months_and_days() {
        assert_eq!(
            cover(None, Some(d(2026, 11, 25))),
            vec![
                Span {
                    grain: Grain::Year,
                    from: None,
                    to: Some(d(2026, 1, 1))
                },
                Span {
                    grain: Grain::Month,
                    from: Some(d(2026, 1, 1)),
                    to: Some(d(2026, 11, 1))
                },
                Span {
                    grain: Grain::Day,
                    from: Some(d(2026, 11, 1)),
                    to: Some(d(2026, 11, 25))
                },
            ]
        );
        assert_eq!(
            cover(None, None),
            vec![Span {
                grain: Grain::Year,
                from: None,
                to: None
            }]
        );
        assert!(cover(Some(d(2026, 1, 2)), Some(d(2026, 1, 2))).is_empty());
    }
}
