//! A scorecard as the rows of a sheet, for its workbook and the briefing pack's.

use crate::http::cells::Cell;
use crate::http::page::Page;
use crate::scorecards::card::Scorecard;
use crate::scorecards::charts::labels;

/// The scorecard as the rows of a sheet: the figures, then the months.
pub fn rows(c: &Scorecard, p: &Page) -> Vec<Vec<Cell>> {
    let n = |v: i64| Cell::Number(v as f64);
    let o = |v: Option<f64>| v.map(Cell::Number).unwrap_or(Cell::Text(String::new()));
    let share = |v: Option<i64>| o(v.map(|v| v as f64 / 10.0));
    let t = |s: &str| Cell::Text(s.to_string());
    let mut rows = vec![
        vec![
            t(p.t("sc_resolutions")),
            t(p.t("sc_done_on_time")),
            n(c.resolutions.done_on_time),
        ],
        vec![t(""), t(p.t("sc_done_late")), n(c.resolutions.done_late)],
        vec![
            t(""),
            t(p.t("sc_on_time_share")),
            share(c.resolutions.on_time_permille),
        ],
        vec![
            t(""),
            t(p.t("sc_median_days")),
            o(c.resolutions.median_days_to_done),
        ],
        vec![t(""), t(p.t("sc_open")), n(c.resolutions.open)],
        vec![t(""), t(p.t("sc_overdue_now")), n(c.resolutions.overdue)],
        vec![
            t(p.t("sc_requests")),
            t(p.t("sc_received")),
            n(c.requests.received),
        ],
        vec![t(""), t(p.t("sc_answered")), n(c.requests.answered)],
        vec![t(""), t(p.t("sc_in_time")), n(c.requests.answered_in_time)],
        vec![
            t(""),
            t(p.t("sc_in_time_share")),
            share(c.requests.in_time_permille),
        ],
        vec![
            t(""),
            t(p.t("sc_median_hours")),
            o(c.requests.median_response_hours),
        ],
        vec![t(""), t(p.t("sc_overdue_now")), n(c.requests.overdue_now)],
        vec![
            t(p.t("sc_challenges")),
            t(p.t("sc_open")),
            n(c.challenges.open),
        ],
        vec![t(""), t(p.t("sc_solved")), n(c.challenges.solved)],
        vec![
            t(""),
            t(p.t("sc_solved_in_months")),
            n(c.challenges.solved_in_months),
        ],
    ];
    for d in &c.challenges.by_domain {
        rows.push(vec![
            t(""),
            t(&format!("{} — {}", p.domain(&d.domain), p.t("sc_open"))),
            n(d.open),
        ]);
        rows.push(vec![
            t(""),
            t(&format!("{} — {}", p.domain(&d.domain), p.t("sc_solved"))),
            n(d.solved),
        ]);
    }
    rows.extend([
        vec![
            t(p.t("sc_projects")),
            t(p.t("sc_on_plan")),
            n(c.projects.on_plan),
        ],
        vec![t(""), t(p.t("sc_behind")), n(c.projects.behind)],
        vec![t(""), t(p.t("sc_suspended")), n(c.projects.suspended)],
        vec![t(""), t(p.t("sc_done")), n(c.projects.done)],
        vec![t(""), t(p.t("sc_cancelled")), n(c.projects.cancelled)],
        vec![
            t(""),
            t(p.t("sc_done_in_months")),
            n(c.projects.done_in_months),
        ],
        vec![],
        vec![
            t(p.t("sc_month")),
            t(p.t("sc_done_on_time")),
            t(p.t("sc_done_late")),
            t(p.t("sc_received")),
            t(p.t("sc_in_time")),
            t(p.t("sc_solved")),
            t(p.t("sc_done_in_months")),
        ],
    ]);
    for (label, m) in labels(c, p).iter().zip(&c.months) {
        rows.push(vec![
            t(label),
            n(m.resolutions_done_on_time),
            n(m.resolutions_done_late),
            n(m.requests_received),
            n(m.requests_answered_in_time),
            n(m.challenges_solved),
            n(m.projects_done),
        ]);
    }
    rows
}
