//! The scorecards' pages: one per district and per neighborhood, with its figures, the trends
//! of its last twelve Jalali months as SVG charts, a print stylesheet and an .xlsx export; and
//! the list of districts to choose from.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mahalle_db::places;
use mahalle_db::scorecards::Place;

use crate::http::cells::{xlsx_cells, xlsx_response};
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::P as Path;
use crate::http::page::{render, Page};
use crate::scorecards::card::{self, Scorecard};
use crate::scorecards::{charts, sheet};
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
    let months = charts::labels(&n.card, &p);
    let title = format!("{} — {}", p.t("sc_scorecard"), n.name);
    render(&CardTemplate {
        charts: charts::draw(&n.card, &p, &months),
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
    let rows = sheet::rows(c, p);
    let headers = [p.t("sc_scorecard"), "", ""];
    let bytes =
        xlsx_cells(&headers, &rows, p.fa()).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok(xlsx_response(name, bytes))
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
