//! The scorecards' trend charts: bars per Jalali month and lines of shares (drawn by
//! `http::charts`), months right to left on Persian pages.

use crate::http::charts::{bars, shares, Series, AMBER, BLUE, GREEN, RED};
use crate::http::page::Page;
use crate::scorecards::card::{self, Scorecard};
use mahalle_core::scorecards::month_label;

// ---------------------------------------------------------------- a scorecard's charts

pub fn labels(c: &Scorecard, p: &Page) -> Vec<String> {
    let starts: Vec<chrono::NaiveDate> = c
        .months
        .iter()
        .map(|m| m.starts_on)
        .chain(std::iter::once(c.today))
        .collect();
    (0..c.months.len())
        .map(|i| month_label(&starts, i, p.fa()))
        .collect()
}

pub fn draw(c: &Scorecard, p: &Page, months: &[String]) -> Vec<String> {
    // On the axis the year is said once, at the first month: the months are close together.
    let months: Vec<String> = months
        .iter()
        .enumerate()
        .map(|(i, m)| match m.split_once(' ') {
            Some((name, _)) if i > 0 => name.to_string(),
            _ => m.clone(),
        })
        .collect();
    let months = &months[..];
    let col = |f: fn(&card::MonthFigures) -> i64| c.months.iter().map(f).collect::<Vec<i64>>();
    let on_time = col(|m| m.resolutions_done_on_time);
    let late = col(|m| m.resolutions_done_late);
    let solved = col(|m| m.challenges_solved);
    let done = col(|m| m.projects_done);
    let in_time: Vec<Option<i64>> = c
        .months
        .iter()
        .map(|m| {
            mahalle_core::scorecards::permille(m.requests_answered_in_time, m.requests_received)
        })
        .collect();
    let rtl = p.fa();
    vec![
        bars(
            p.t("sc_chart_resolutions"),
            months,
            &[
                Series {
                    label: p.t("sc_done_on_time"),
                    values: &on_time,
                    colour: GREEN,
                },
                Series {
                    label: p.t("sc_done_late"),
                    values: &late,
                    colour: RED,
                },
            ],
            rtl,
        ),
        shares(p.t("sc_chart_requests"), months, &in_time, rtl),
        bars(
            p.t("sc_chart_challenges"),
            months,
            &[Series {
                label: p.t("sc_solved"),
                values: &solved,
                colour: BLUE,
            }],
            rtl,
        ),
        bars(
            p.t("sc_chart_projects"),
            months,
            &[Series {
                label: p.t("sc_done"),
                values: &done,
                colour: AMBER,
            }],
            rtl,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_lines_are_svg_with_persian_labels_and_no_style_element() {
        let months: Vec<String> = ["خرداد ۱۴۰۴", "تیر", "مرداد"].map(String::from).to_vec();
        let svg = bars(
            "مصوبه‌ها",
            &months,
            &[
                Series {
                    label: "به‌موقع",
                    values: &[3, 0, 5],
                    colour: GREEN,
                },
                Series {
                    label: "با تأخیر",
                    values: &[1, 2, 0],
                    colour: RED,
                },
            ],
            true,
        );
        assert!(svg.starts_with("<svg") && svg.contains("خرداد ۱۴۰۴") && svg.contains("به‌موقع"));
        assert!(!svg.contains("<style"));
        assert!(svg.contains('۲'), "Persian digits on the axis");
        let line = shares(
            "پاسخ به‌موقع",
            &months,
            &[Some(500), None, Some(1000)],
            false,
        );
        assert!(
            line.contains("<polyline") || line.contains("<path"),
            "{line}"
        );
        assert!(line.contains("100%"));
    }
}
