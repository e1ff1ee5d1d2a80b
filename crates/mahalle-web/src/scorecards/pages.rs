//! The scorecards' pages: one per district and per neighborhood, with its figures, the trends
//! of its last twelve Jalali months as SVG charts, a print stylesheet and an .xlsx export; and
//! the list of districts to choose from.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mahalle_core::scorecards::month_label;
use mahalle_db::places;
use mahalle_db::scorecards::Place;

use crate::http::cells::{xlsx_cells, xlsx_response, Cell};
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::P as Path;
use crate::http::page::{render, Page};
use crate::scorecards::card::{self, Scorecard};
use crate::scorecards::charts::{self, Series, AMBER, BLUE, GREEN, RED};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("sc_scorecards", "کارنامه‌ها", "Scorecards"),
    ("sc_scorecard", "کارنامه", "Scorecard"),
    ("sc_intro", "کارنامه هر منطقه و محله از آنچه ثبت شده محاسبه می‌شود، نه آنچه تایپ شود: دوازده ماه خورشیدی گذشته.", "Each district's and neighborhood's scorecard is computed from what was recorded, never typed in: the last twelve Jalali months."),
    ("sc_period", "دوره", "Period"),
    ("sc_resolutions", "مصوبه‌ها", "Resolutions"),
    ("sc_done_on_time", "انجام‌شده به‌موقع", "Done on time"),
    ("sc_done_late", "انجام‌شده با تأخیر", "Done late"),
    ("sc_on_time_share", "سهم به‌موقع", "Share on time"),
    ("sc_median_days", "میانه روزهای انجام", "Median days to done"),
    ("sc_open", "باز", "Open"),
    ("sc_overdue_now", "گذشته از مهلت (اکنون)", "Overdue (now)"),
    ("sc_requests", "درخواست‌های شهروندان", "Citizens' requests"),
    ("sc_received", "دریافت‌شده", "Received"),
    ("sc_answered", "پاسخ‌داده‌شده", "Answered"),
    ("sc_in_time", "پاسخ در مهلت", "Answered in time"),
    ("sc_in_time_share", "سهم پاسخ در مهلت", "Share answered in time"),
    ("sc_median_hours", "میانه زمان پاسخ (ساعت)", "Median response (hours)"),
    ("sc_challenges", "چالش‌ها", "Challenges"),
    ("sc_solved", "رفع‌شده", "Solved"),
    ("sc_rejected", "ردشده", "Rejected"),
    ("sc_solved_in_months", "رفع‌شده در این دوره", "Solved in the period"),
    ("sc_projects", "پروژه‌های اولویت‌دار", "Priority projects"),
    ("sc_on_plan", "طبق برنامه", "On plan"),
    ("sc_behind", "عقب از برنامه", "Behind plan"),
    ("sc_suspended", "متوقف", "Suspended"),
    ("sc_done", "پایان‌یافته", "Done"),
    ("sc_cancelled", "لغوشده", "Cancelled"),
    ("sc_done_in_months", "پایان‌یافته در این دوره", "Finished in the period"),
    ("sc_chart_resolutions", "مصوبه‌های انجام‌شده در هر ماه", "Resolutions done each month"),
    ("sc_chart_requests", "درصد درخواست‌های پاسخ‌داده در مهلت", "Requests answered in time (%)"),
    ("sc_chart_challenges", "چالش‌های رفع‌شده در هر ماه", "Challenges solved each month"),
    ("sc_chart_projects", "پروژه‌های پایان‌یافته در هر ماه", "Projects finished each month"),
    ("sc_month", "ماه", "Month"),
    ("sc_print", "چاپ", "Print"),
    ("sc_neighborhoods", "کارنامه محله‌ها", "The neighborhoods' scorecards"),
    ("sc_of_district", "کارنامه منطقه", "The district's scorecard"),
    ("sc_computed_on", "محاسبه‌شده برای", "Computed for"),
];

/// A figure or a dash.
fn opt(p: &Page, v: Option<f64>) -> String {
    p.decimal(v)
}

#[derive(Template)]
#[template(path = "scorecard.html")]
struct CardTemplate {
    p: Page,
    c: Scorecard,
    /// Where the .xlsx is.
    export: String,
    district_number: i64,
    neighborhoods: Vec<(i64, String)>,
    months: Vec<String>,
    charts: Vec<String>,
}

impl CardTemplate {
    fn share(&self, v: &Option<i64>) -> String {
        match v {
            Some(v) => self.p.pct(*v / 10),
            None => "—".into(),
        }
    }
    fn opt(&self, v: &Option<f64>) -> String {
        opt(&self.p, *v)
    }
    /// "خرداد ۱۴۰۴ — اردیبهشت"
    fn period(&self) -> String {
        match (self.months.first(), self.c.months.last()) {
            (Some(a), Some(b)) => {
                let j = mahalle_core::jalali::JalaliDate::from_gregorian(b.starts_on);
                let name = if self.p.fa() {
                    mahalle_core::jalali::month_name_fa(j.month)
                } else {
                    mahalle_core::jalali::month_name_en(j.month)
                };
                format!("{a} — {name} {}", self.p.digits(&j.year.to_string()))
            }
            _ => String::new(),
        }
    }
}

pub(crate) fn labels(c: &Scorecard, p: &Page) -> Vec<String> {
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

pub(crate) fn draw(c: &Scorecard, p: &Page, months: &[String]) -> Vec<String> {
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
    let shares: Vec<Option<i64>> = c
        .months
        .iter()
        .map(|m| {
            mahalle_core::scorecards::permille(m.requests_answered_in_time, m.requests_received)
        })
        .collect();
    let rtl = p.fa();
    vec![
        charts::bars(
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
        charts::shares(p.t("sc_chart_requests"), months, &shares, rtl),
        charts::bars(
            p.t("sc_chart_challenges"),
            months,
            &[Series {
                label: p.t("sc_solved"),
                values: &solved,
                colour: BLUE,
            }],
            rtl,
        ),
        charts::bars(
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

/// A place's scorecard with how its pages name it.
struct Named {
    card: Scorecard,
    /// "District 14", or "Pirouzi (District 14)".
    name: String,
    district_number: i64,
    /// Where its page and .xlsx are.
    path: String,
}

async fn named(state: &AppState, p: &Page, place: Place) -> Result<Named, AppError> {
    let (district_id, district_number, name, path) = match place {
        Place::District(id) => {
            let d = places::get_district(&state.store, id).await?;
            let name = p.district_name(d.number);
            (id, d.number, name, format!("/scorecards/districts/{id}"))
        }
        Place::Neighborhood(id) => {
            let n = places::get_neighborhood(&state.store, id).await?;
            let name = format!(
                "{} ({})",
                p.name(&n.name_fa, &n.name_en),
                p.district_name(n.district_number)
            );
            (
                n.district_id,
                n.district_number,
                name,
                format!("/scorecards/neighborhoods/{id}"),
            )
        }
    };
    Ok(Named {
        card: card::compute(&state.store, place, district_id, crate::today()).await?,
        name,
        district_number,
        path,
    })
}

async fn page(state: &AppState, ctx: &Ctx, place: Place) -> Result<Response, AppError> {
    let p = Page::new(ctx, "scorecards", String::new());
    let n = named(state, &p, place).await?;
    let neighborhoods = match place {
        Place::District(id) => places::current_neighborhoods(&state.store, Some(id))
            .await?
            .into_iter()
            .map(|n| (n.id, p.name(&n.name_fa, &n.name_en).to_string()))
            .collect(),
        Place::Neighborhood(_) => Vec::new(),
    };
    let months = labels(&n.card, &p);
    let title = format!("{} — {}", p.t("sc_scorecard"), n.name);
    render(&CardTemplate {
        charts: draw(&n.card, &p, &months),
        export: format!("{}/export.xlsx", n.path),
        district_number: n.district_number,
        neighborhoods,
        months,
        c: n.card,
        p: Page { title, ..p },
    })
}

pub async fn district(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    page(&state, &ctx, Place::District(id)).await
}

pub async fn neighborhood(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    page(&state, &ctx, Place::Neighborhood(id)).await
}

#[derive(Template)]
#[template(path = "scorecards.html")]
struct IndexTemplate {
    p: Page,
    districts: Vec<places::District>,
}

pub async fn index(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let p = Page::new(
        &ctx,
        "scorecards",
        crate::http::i18n::t(ctx.lang, "sc_scorecards"),
    );
    render(&IndexTemplate {
        districts: crate::http::page::all_districts(&state).await?,
        p,
    })
}

/// The scorecard as a workbook: the figures, then the months.
fn workbook(c: &Scorecard, p: &Page, name: &str) -> Result<Response, AppError> {
    let rows = rows(c, p);
    let headers = [p.t("sc_scorecard"), "", ""];
    let bytes =
        xlsx_cells(&headers, &rows, p.fa()).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok(xlsx_response(name, bytes))
}

/// The scorecard as the rows of a sheet: the figures, then the months.
pub(crate) fn rows(c: &Scorecard, p: &Page) -> Vec<Vec<Cell>> {
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

async fn export(state: &AppState, ctx: &Ctx, place: Place) -> Result<Response, AppError> {
    let p = Page::new(ctx, "scorecards", String::new());
    let n = named(state, &p, place).await?;
    let file = n.path.trim_start_matches("/scorecards/").replace('/', "-");
    workbook(&n.card, &p, &format!("scorecard-{file}.xlsx"))
}

pub async fn district_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    export(&state, &ctx, Place::District(id)).await
}

pub async fn neighborhood_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    export(&state, &ctx, Place::Neighborhood(id)).await
}
