//! The scorecards' trend charts, drawn by the server as SVG with `plotters`: bars per Jalali
//! month (stacked when there are two series) and a line of shares. On Persian pages the months
//! run from right to left and the figures are in Persian digits.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use crate::http::page::Page;
use crate::scorecards::card::{self, Scorecard};
use mahalle_core::scorecards::month_label;

/// One series of a bar chart: its legend and colour, and a value per month.
pub struct Series<'a> {
    pub label: &'a str,
    pub values: &'a [i64],
    pub colour: RGBColor,
}

pub const GREEN: RGBColor = RGBColor(15, 110, 90);
pub const RED: RGBColor = RGBColor(164, 38, 44);
pub const AMBER: RGBColor = RGBColor(154, 91, 0);
pub const BLUE: RGBColor = RGBColor(40, 90, 160);

const WIDTH: u32 = 640;
const HEIGHT: u32 = 260;
const FONT: &str = "Vazirmatn, Tahoma, sans-serif";

fn digits(s: &str, persian: bool) -> String {
    if persian {
        mahalle_core::text::to_persian_digits(s)
    } else {
        s.to_string()
    }
}

/// The position of month `i` of `n` on the axis, mirrored on Persian pages (and the month at a
/// position, the same way back); `n` itself for one off the axis.
fn slot(i: usize, n: usize, rtl: bool) -> usize {
    if i >= n {
        n
    } else if rtl {
        n - 1 - i
    } else {
        i
    }
}

/// Bars per month; with two or more series they are stacked in order.
pub fn bars(caption: &str, months: &[String], series: &[Series<'_>], rtl: bool) -> String {
    let n = months.len().max(1);
    let top = (0..months.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum::<i64>()
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(caption, (FONT, 16))
                .margin(8)
                .x_label_area_size(34)
                .y_label_area_size(40)
                .build_cartesian_2d(
                    (0..(n as u32).saturating_sub(1)).into_segmented(),
                    0..(top + top / 8 + 1),
                )?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(RGBColor(235, 238, 236))
                .x_labels(n)
                .x_label_style((FONT, 12))
                .y_label_style((FONT, 12))
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                        let i = slot(*i as usize, n, rtl);
                        months.get(i).cloned().unwrap_or_default()
                    }
                    SegmentValue::Last => String::new(),
                })
                .y_label_formatter(&|v| digits(&v.to_string(), rtl))
                .draw()?;
            let mut base = vec![0_i64; n];
            for s in series {
                chart
                    .draw_series((0..months.len()).map(|i| {
                        let v = s.values.get(i).copied().unwrap_or(0);
                        let x = slot(i, n, rtl) as u32;
                        let bar = Rectangle::new(
                            [
                                (SegmentValue::Exact(x), base[i]),
                                (SegmentValue::Exact(x + 1), base[i] + v),
                            ],
                            s.colour.filled(),
                        );
                        base[i] += v;
                        bar
                    }))?
                    .label(s.label)
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 10, y + 5)], s.colour.filled())
                    });
            }
            if series.len() > 1 {
                chart
                    .configure_series_labels()
                    .label_font((FONT, 12))
                    .background_style(WHITE.mix(0.8))
                    .border_style(RGBColor(216, 222, 219))
                    .position(if rtl {
                        SeriesLabelPosition::UpperLeft
                    } else {
                        SeriesLabelPosition::UpperRight
                    })
                    .draw()?;
            }
            root.present()?;
            Ok(())
        })();
        if drawn.is_err() {
            // A chart that cannot be drawn leaves its figures in the tables beside it.
            return String::new();
        }
    }
    ltr(out)
}

/// plotters places text for left-to-right layout; a Persian page's direction must not flip its
/// anchors (the months are already mirrored).
fn ltr(svg: String) -> String {
    svg.replacen("<svg ", "<svg direction=\"ltr\" ", 1)
}

/// A share per month in per mille (none where nothing was due), as a line in percent.
pub fn shares(caption: &str, months: &[String], permille: &[Option<i64>], rtl: bool) -> String {
    let n = months.len().max(1);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(caption, (FONT, 16))
                .margin(8)
                .x_label_area_size(34)
                .y_label_area_size(40)
                .build_cartesian_2d(
                    (0..(n as u32).saturating_sub(1)).into_segmented(),
                    0.0..100.0_f64,
                )?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(RGBColor(235, 238, 236))
                .x_labels(n)
                .x_label_style((FONT, 12))
                .y_label_style((FONT, 12))
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => months
                        .get(slot(*i as usize, n, rtl))
                        .cloned()
                        .unwrap_or_default(),
                    SegmentValue::Last => String::new(),
                })
                .y_label_formatter(&|v| {
                    if rtl {
                        format!("{}٪", digits(&format!("{v:.0}"), true))
                    } else {
                        format!("{v:.0}%")
                    }
                })
                .draw()?;
            let points: Vec<(SegmentValue<u32>, f64)> = (0..months.len())
                .filter_map(|i| {
                    permille.get(i).copied().flatten().map(|p| {
                        (
                            SegmentValue::CenterOf(slot(i, n, rtl) as u32),
                            p as f64 / 10.0,
                        )
                    })
                })
                .collect();
            let mut sorted = points.clone();
            sorted.sort_by_key(|p| match p.0 {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => i,
                SegmentValue::Last => u32::MAX,
            });
            chart.draw_series(LineSeries::new(sorted, GREEN.stroke_width(2)))?;
            chart.draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, GREEN.filled())),
            )?;
            root.present()?;
            Ok(())
        })();
        if drawn.is_err() {
            return String::new();
        }
    }
    ltr(out)
}

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
