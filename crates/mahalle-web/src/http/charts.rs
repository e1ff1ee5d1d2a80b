//! Charts drawn by the server as SVG with `plotters`, for the scorecards' trends and the
//! indicators: bars per period (stacked when there are two series) and a line of values (with
//! its target). On Persian pages the periods run from right to left and the figures are in
//! Persian digits; the tables beside each chart carry the same figures for those who cannot see
//! it.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

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
    let values: Vec<Option<f64>> = permille
        .iter()
        .map(|p| p.map(|p| p as f64 / 10.0))
        .collect();
    line(caption, months, &values, None, 100.0, true, rtl)
}

/// Values per period as a line (none where there is no value), on an axis from zero to `top`,
/// with the target as a dashed line when there is one; `percent` marks the axis in percent.
pub fn line(
    caption: &str,
    periods: &[String],
    values: &[Option<f64>],
    target: Option<f64>,
    top: f64,
    percent: bool,
    rtl: bool,
) -> String {
    let n = periods.len().max(1);
    let top = if top.is_finite() && top > 0.0 {
        top
    } else {
        1.0
    };
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(caption, (FONT, 16))
                .margin(8)
                .x_label_area_size(34)
                .y_label_area_size(48)
                .build_cartesian_2d((0..(n as u32).saturating_sub(1)).into_segmented(), 0.0..top)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(RGBColor(235, 238, 236))
                .x_labels(n)
                .x_label_style((FONT, 12))
                .y_label_style((FONT, 12))
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => periods
                        .get(slot(*i as usize, n, rtl))
                        .cloned()
                        .unwrap_or_default(),
                    SegmentValue::Last => String::new(),
                })
                .y_label_formatter(&|v| {
                    let s = if top >= 10.0 {
                        format!("{v:.0}")
                    } else {
                        format!("{v:.1}")
                    };
                    match (percent, rtl) {
                        (true, true) => format!("{}٪", digits(&s, true)),
                        (true, false) => format!("{s}%"),
                        (false, _) => digits(&s, rtl),
                    }
                })
                .draw()?;
            if let Some(t) = target.filter(|t| t.is_finite()) {
                let ends = [
                    (SegmentValue::Exact(0), t),
                    (SegmentValue::Exact(n as u32), t),
                ];
                chart.draw_series(DashedLineSeries::new(ends, 6, 4, AMBER.stroke_width(2)))?;
            }
            let points: Vec<(SegmentValue<u32>, f64)> = (0..periods.len())
                .filter_map(|i| {
                    values
                        .get(i)
                        .copied()
                        .flatten()
                        .filter(|v| v.is_finite())
                        .map(|v| (SegmentValue::CenterOf(slot(i, n, rtl) as u32), v))
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

/// One place on a map: its outline (rings as stored), its colour, what a pointer over it
/// says, and the page it leads to.
pub struct MapPlace {
    pub rings: Vec<Vec<(f64, f64)>>,
    pub fill: &'static str,
    pub label: String,
    pub href: Option<String>,
}

/// A choropleth class's colour (none: no value).
pub fn class_colour(class: Option<usize>) -> &'static str {
    class
        .map(|c| RAMP[c.min(RAMP.len() - 1)])
        .unwrap_or(NO_VALUE)
}

/// The colour of a place marked on a map (a vulnerable area).
pub const MARKED: &str = "#c0392b";

/// The choropleth's colours, lightest for the lowest class (colour-blind safe greens).
pub const RAMP: [&str; 5] = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];
/// The colour of a place with no value.
pub const NO_VALUE: &str = "#d9d9d9";

pub const MAP_W: f64 = 640.0;
pub const MAP_H: f64 = 440.0;

/// Places in their colours, drawn from their stored boundaries (places without one are left
/// out; the table beside the map lists every place). Empty when no place has a boundary.
pub fn choropleth(caption: &str, places: &[MapPlace]) -> String {
    let shapes: Vec<Vec<Vec<(f64, f64)>>> = places.iter().map(|p| p.rings.clone()).collect();
    let paths = mahalle_core::geo::fit_paths(&shapes, MAP_W, MAP_H);
    if paths.iter().all(String::is_empty) {
        return String::new();
    }
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" direction=\"ltr\" viewBox=\"0 0 {MAP_W} {MAP_H}\" \
         width=\"{MAP_W}\" height=\"{MAP_H}\" role=\"img\" class=\"map\"><title>{}</title>",
        esc(caption)
    );
    for (place, d) in places.iter().zip(&paths) {
        if d.is_empty() {
            continue;
        }
        let fill = place.fill;
        let path = format!(
            "<path d=\"{d}\" fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"#333\" stroke-width=\"0.8\"><title>{}</title></path>",
            esc(&place.label)
        );
        match &place.href {
            Some(h) => out.push_str(&format!("<a href=\"{}\">{path}</a>", esc(h))),
            None => out.push_str(&path),
        }
    }
    out.push_str("</svg>");
    out
}
