//! The projects' timeline by Jalali month, drawn by the server as SVG: one row per project, its
//! planned period as a bar and its progress as the bar's darker part, months as columns and a
//! line for today. On Persian pages time runs from right to left and the titles stand on the
//! right, as in a Persian wall planner.

use chrono::NaiveDate;
use std::fmt::Write;

/// Most rows drawn; the page says when the list was cut.
pub const MAX_ROWS: usize = 200;

const WIDTH: f64 = 960.0;
const LABELS: f64 = 250.0;
const HEAD: f64 = 34.0;
const ROW: f64 = 24.0;

/// A project as the timeline draws it.
pub struct Bar {
    pub id: i64,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Per mille.
    pub progress: i64,
    /// on-plan, behind, done or stopped: the bar's colour.
    pub class: &'static str,
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// A bar's colours, planned period and progress, by where the project stands.
fn colours(class: &str) -> (&'static str, &'static str) {
    match class {
        "behind" => ("#f3d0d2", "#a4262c"),
        "done" => ("#c9d6d1", "#8aa39b"),
        "stopped" => ("#f1e3c8", "#9a5b00"),
        _ => ("#cfe3dc", "#0f6e5a"),
    }
}

/// The SVG. `months` are the first days of the months shown followed by the first day after
/// them (see `jalali::month_starts`); `month_label` names a month from its first day.
pub fn svg(
    bars: &[Bar],
    months: &[NaiveDate],
    today: NaiveDate,
    rtl: bool,
    month_label: impl Fn(NaiveDate) -> String,
) -> String {
    let height = HEAD + ROW * bars.len().max(1) as f64 + 8.0;
    let chart = WIDTH - LABELS;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" class="gantt" role="img" direction="{}" font-family="Vazirmatn, Tahoma, sans-serif" font-size="12">"#,
        if rtl { "rtl" } else { "ltr" }
    );
    // Colours as attributes, not a <style>: pages forbid inline styles (CSP), and the file
    // downloaded stands alone.
    let (Some(&first), Some(&last)) = (months.first(), months.last()) else {
        out.push_str("</svg>");
        return out;
    };
    let span = (last - first).num_days().max(1) as f64;
    // The x of a day's start within the chart, right to left on Persian pages.
    let x = |d: NaiveDate| {
        let f = ((d - first).num_days() as f64 / span).clamp(0.0, 1.0);
        if rtl {
            chart * (1.0 - f)
        } else {
            LABELS + chart * f
        }
    };
    for (i, w) in months.windows(2).enumerate() {
        let (a, b) = (x(w[0]), x(w[1]));
        let (left, right) = (a.min(b), a.max(b));
        if i % 2 == 0 {
            let _ = write!(
                out,
                r##"<rect fill="#f4f6f5" x="{left:.1}" y="0" width="{:.1}" height="{height:.1}"/>"##,
                right - left
            );
        }
        let _ = write!(
            out,
            r##"<text font-weight="bold" fill="#1d2b27" x="{:.1}" y="20" text-anchor="middle">{}</text>"##,
            (left + right) / 2.0,
            esc(&month_label(w[0]))
        );
    }
    for (row, b) in bars.iter().enumerate() {
        let y = HEAD + ROW * row as f64;
        let end = b.ends_on.succ_opt().unwrap_or(b.ends_on);
        let (a, z) = (x(b.starts_on), x(end));
        let (left, right) = (a.min(z), a.max(z));
        // Progress is a share of the whole planned period, then clipped to the months shown.
        let whole = (end - b.starts_on).num_days().max(1) as f64;
        let reached = b.starts_on
            + chrono::Duration::days((whole * b.progress.clamp(0, 1000) as f64 / 1000.0) as i64);
        let r = x(reached);
        let (fl, fr) = if rtl {
            (r.max(left), right)
        } else {
            (left, r.min(right))
        };
        let label_x = if rtl { WIDTH - 6.0 } else { 6.0 };
        let (bar, done) = colours(b.class);
        let _ = write!(
            out,
            r##"<a href="/projects/{id}" class="{class}"><title>{title}</title><line stroke="#d8dedb" x1="0" x2="{WIDTH}" y1="{gy:.1}" y2="{gy:.1}"/><text fill="#1d2b27" x="{label_x:.1}" y="{ty:.1}" text-anchor="start">{label}</text>"##,
            id = b.id,
            class = b.class,
            title = esc(&b.label),
            gy = y + ROW,
            ty = y + 16.0,
            label = esc(&short(&b.label, 34)),
        );
        if right - left > 0.0 {
            let _ = write!(
                out,
                r#"<rect fill="{bar}" x="{left:.1}" y="{:.1}" width="{:.1}" height="14" rx="3"/>"#,
                y + 5.0,
                (right - left).max(2.0)
            );
            if fr > fl {
                let _ = write!(
                    out,
                    r#"<rect fill="{done}" x="{fl:.1}" y="{:.1}" width="{:.1}" height="14" rx="3"/>"#,
                    y + 5.0,
                    fr - fl
                );
            }
        }
        out.push_str("</a>");
    }
    if today >= first && today < last {
        let t = x(today);
        let _ = write!(
            out,
            r##"<line class="today" stroke="#a4262c" stroke-width="2" stroke-dasharray="4 3" x1="{t:.1}" x2="{t:.1}" y1="{HEAD:.1}" y2="{height:.1}"/>"##
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn bars_escape_titles_and_run_right_to_left_in_persian() {
        let months = vec![d(2026, 3, 21), d(2026, 4, 21), d(2026, 5, 22)];
        let bar = Bar {
            id: 7,
            label: "<script>&".into(),
            starts_on: d(2026, 3, 21),
            ends_on: d(2026, 4, 20),
            progress: 500,
            class: "behind",
        };
        let fa = svg(
            std::slice::from_ref(&bar),
            &months,
            d(2026, 4, 1),
            true,
            |_| "ماه".into(),
        );
        assert!(fa.contains("&lt;script&gt;&amp;") && !fa.contains("<script>"));
        assert!(fa.contains(r#"href="/projects/7""#) && fa.contains(r#"class="today""#));
        assert!(!fa.contains("<style"), "no inline style: pages forbid it");
        // The first month is on the right: the bar starts at the chart's right edge.
        let right = format!(r#"x="{:.1}""#, (WIDTH - LABELS) / 2.0);
        assert!(fa.contains(&right), "{fa}");
        let en = svg(&[bar], &months, d(2027, 1, 1), false, |_| "M".into());
        assert!(en.contains(&format!(r##"<rect fill="#f3d0d2" x="{LABELS:.1}""##)));
        assert!(
            !en.contains(r#"class="today""#),
            "today is outside the months shown"
        );
    }
}
