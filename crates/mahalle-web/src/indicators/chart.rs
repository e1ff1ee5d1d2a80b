//! An indicator's reading drawn as a line: the whole's value up to each period, with the
//! target (on an indicator's page and a campaign's).

use mahalle_core::indicators::{self as rules, PeriodKind};
use mahalle_core::jalali::JalaliDate;

use crate::http::page::Page;
use crate::indicators::ops::Reading;

/// The whole's value up to each period as a line, with its target; short period labels (a
/// month's name, the year where it changes).
pub fn chart(p: &Page, r: &Reading) -> String {
    if r.series.iter().all(|s| s.value.is_none()) {
        return String::new();
    }
    let mut last_year = None;
    let labels: Vec<String> = r
        .series
        .iter()
        .map(|s| {
            let j = JalaliDate::from_gregorian(s.starts_on);
            let label = match rules::Period::parse(&s.period) {
                Ok(per) if per.kind == PeriodKind::Month => {
                    let name = if p.fa() {
                        mahalle_core::jalali::month_name_fa(j.month)
                    } else {
                        mahalle_core::jalali::month_name_en(j.month)
                    };
                    if last_year == Some(j.year) {
                        name.to_string()
                    } else {
                        format!("{name} {}", p.digits(&j.year.to_string()))
                    }
                }
                Ok(per) if p.fa() => per.label_fa(),
                Ok(per) => per.label_en(),
                Err(_) => s.period.clone(),
            };
            last_year = Some(j.year);
            label
        })
        .collect();
    let values: Vec<Option<f64>> = r.series.iter().map(|s| s.value).collect();
    let top = values
        .iter()
        .flatten()
        .copied()
        .chain(r.indicator.target)
        .fold(0.0_f64, f64::max)
        * 1.15;
    crate::http::charts::line(
        &p.title,
        &labels,
        &values,
        r.indicator.target,
        top,
        r.indicator.factor == 100,
        p.fa(),
    )
}
