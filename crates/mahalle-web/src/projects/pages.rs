//! The priority projects' pages: a filtered list with its .xlsx export, a timeline by Jalali
//! month drawn as SVG, a page per project (milestones, links, residents asking that it
//! continue), and its form.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use mahalle_core::domain::Domain;
use mahalle_core::jalali::{self, JalaliDate};
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_core::projects::{ProjectStatus, Standing};
use mahalle_core::text;
use mahalle_db::projects::{
    self, Continuation, LinkedResolution, Project, ProjectFilter, ProjectMilestone,
};
use serde::Deserialize;

use crate::http::cells::{xlsx_cells, xlsx_response, Cell};
use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::{Empty, P as Path, Q as Query};
use crate::http::form::{Field, Kind, RecordForm};
use crate::http::page::{render, render_form, ListView, Page};
use crate::projects::ops::{self, ContinuationInput, MilestoneInput, ProjectInput};
use crate::projects::timeline;
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("pj_projects", "پروژه‌های اولویت‌دار", "Priority projects"),
    ("pj_intro", "پروژه‌های منطقه‌ها و محله‌ها با گام‌ها، پیشرفت و جایگاهشان نسبت به برنامه.", "The districts' and neighborhoods' projects with their milestones, progress and standing against plan."),
    ("pj_new", "پروژه تازه", "New project"),
    ("pj_project", "پروژه", "Project"),
    ("pj_lead", "دستگاه مسئول", "Lead organisation"),
    ("pj_budget", "اعتبار (ریال)", "Budget (rials)"),
    ("pj_rials", "ریال", "rials"),
    ("pj_starts_on", "آغاز", "Start"),
    ("pj_ends_on", "پایان برنامه‌ریزی‌شده", "Planned end"),
    ("pj_period", "دوره", "Period"),
    ("pj_progress", "پیشرفت", "Progress"),
    ("pj_progress_percent", "پیشرفت گزارش‌شده (درصد؛ برای پروژه بی‌گام)", "Reported progress (percent; for a project without milestones)"),
    ("pj_priority", "اولویت منطقه", "District priority"),
    ("pj_priority_only", "تنها اولویت‌دارها", "Priorities only"),
    ("pj_behind_only", "تنها عقب از برنامه", "Behind plan only"),
    ("pj_all_statuses", "همه وضعیت‌ها", "All statuses"),
    ("pj_all_domains", "همه حوزه‌ها", "All domains"),
    ("pj_status", "وضعیت", "Status"),
    ("pj_standing", "نسبت به برنامه", "Against plan"),
    ("pj_on_plan", "طبق برنامه", "On plan"),
    ("pj_behind", "عقب از برنامه", "Behind plan"),
    ("pj_days", "روز", "days"),
    ("pj_whole_district", "سراسر منطقه", "Whole district"),
    ("pj_neighborhood_hint", "برای پروژه‌ای در سطح منطقه خالی بگذارید.", "Leave empty for a district-wide project."),
    ("pj_challenge_ids", "چالش‌هایی که پاسخ می‌دهد (شماره‌ها)", "Challenges it answers (numbers)"),
    ("pj_resolution_ids", "مصوبه‌های پشتیبان (شماره‌ها)", "Resolutions behind it (numbers)"),
    ("pj_ids_hint", "شماره‌ای که در نشانی صفحه هر مورد آمده است، جداشده با ویرگول؛ مانند ۱۲، ۴۵", "The number in the address of each one's page, separated by commas; like 12, 45"),
    ("pj_milestones", "گام‌ها", "Milestones"),
    ("pj_no_milestones", "این پروژه هنوز گامی ندارد؛ پیشرفتش همان است که گزارش شده.", "This project has no milestones yet; its progress is what was reported."),
    ("pj_weight", "وزن", "Weight"),
    ("pj_due_on", "موعد", "Due"),
    ("pj_done_on", "انجام", "Done"),
    ("pj_add_milestone", "افزودن گام", "Add a milestone"),
    ("pj_mark_done", "انجام شد", "Mark done"),
    ("pj_mark_undone", "بازگشایی", "Reopen"),
    ("pj_remove", "حذف", "Remove"),
    ("pj_remove_milestone", "این گام حذف شود", "Remove this milestone"),
    ("pj_links", "پیوندها", "Links"),
    ("pj_challenges", "چالش‌هایی که پاسخ می‌دهد", "Challenges it answers"),
    ("pj_resolutions", "مصوبه‌ها", "Resolutions"),
    ("pj_continuations", "درخواست ادامه از سوی ساکنان", "Residents asked that it continue"),
    ("pj_no_continuations", "هنوز درخواستی برای ادامه ثبت نشده است.", "No request to continue it has been recorded."),
    ("pj_asked_by", "درخواست‌کننده", "Asked by"),
    ("pj_asked_on", "تاریخ (خالی: امروز)", "Date (empty: today)"),
    ("pj_meeting_id", "شماره نشست (اختیاری)", "Meeting number (optional)"),
    ("pj_note", "توضیح", "Note"),
    ("pj_record_continuation", "ثبت درخواست ادامه", "Record a request to continue"),
    ("pj_timeline", "گاه‌شمار پروژه‌ها", "Projects' timeline"),
    ("pj_timeline_of", "گاه‌شمار سال", "Timeline of the year"),
    ("pj_timeline_hint", "هر نوار دوره برنامه‌ریزی‌شده پروژه است و بخش پررنگ پیشرفت آن؛ خط سرخ امروز است.", "Each bar is a project's planned period and its darker part its progress; the red line is today."),
    ("pj_timeline_cut", "تنها ۲۰۰ پروژه نخست نشان داده شده است؛ فهرست را محدودتر کنید.", "Only the first 200 projects are shown; narrow the list."),
    ("pj_download_svg", "دریافت SVG", "Download SVG"),
    ("pj_year", "سال", "Year"),
    ("pj_none", "پروژه‌ای با این شرایط نیست.", "No project matches."),
    ("pj_description", "شرح", "Description"),
    ("pj_date_hint", "به تاریخ خورشیدی، مانند ۱۴۰۵/۰۱/۱۵", "A Jalali date, like 1405/01/15"),
];

/// The status's label.
fn status_label(p: &Page, s: &str) -> &'static str {
    match ProjectStatus::parse(s) {
        Some(s) if p.fa() => s.label_fa(),
        Some(s) => s.label_en(),
        None => "",
    }
}

/// Where a project stands today: (CSS class, label).
fn standing(p: &Page, x: &Project) -> (&'static str, String) {
    let status = ProjectStatus::parse(&x.status).unwrap_or(ProjectStatus::Planned);
    match Standing::of(status, x.behind_since, crate::today()) {
        Standing::Behind(days) => (
            "behind",
            format!("{} ({} {})", p.t("pj_behind"), p.num(days), p.t("pj_days")),
        ),
        Standing::OnPlan => ("on-plan", p.t("pj_on_plan").to_string()),
        Standing::Done => ("done", status_label(p, &x.status).to_string()),
        Standing::Suspended | Standing::Cancelled => {
            ("stopped", status_label(p, &x.status).to_string())
        }
    }
}

fn budget(p: &Page, b: Option<i64>) -> String {
    match b {
        Some(b) => format!("{} {}", text::format_int(b, p.fa()), p.t("pj_rials")),
        None => "—".into(),
    }
}

#[derive(Deserialize, Default)]
pub struct ProjectQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    neighborhood: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    lead: Option<i64>,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    status: String,
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    behind: bool,
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    priority: bool,
    /// The timeline's Jalali year.
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    year: Option<i32>,
}

impl ProjectQuery {
    fn filter(&self) -> ProjectFilter<'_> {
        ProjectFilter {
            district_id: self.district,
            neighborhood_id: self.neighborhood,
            domain: Domain::parse(&self.domain).map(Domain::as_str),
            status: ProjectStatus::parse(&self.status).map(ProjectStatus::as_str),
            lead_org_id: self.lead,
            priority: self.priority,
            behind_on: self.behind.then(crate::today),
            during: None,
        }
    }
    fn keep(&self) -> String {
        let mut k = String::new();
        for (name, v) in [
            ("district", self.district),
            ("neighborhood", self.neighborhood),
            ("lead", self.lead),
        ] {
            if let Some(v) = v {
                k.push_str(&format!("&{name}={v}"));
            }
        }
        if let Some(d) = Domain::parse(&self.domain) {
            k.push_str(&format!("&domain={}", d.as_str()));
        }
        if let Some(s) = ProjectStatus::parse(&self.status) {
            k.push_str(&format!("&status={}", s.as_str()));
        }
        if self.behind {
            k.push_str("&behind=1");
        }
        if self.priority {
            k.push_str("&priority=1");
        }
        k
    }
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListTemplate {
    p: Page,
    list: ListView,
    items: Vec<Project>,
    districts: Vec<mahalle_db::places::District>,
    q: ProjectQuery,
    may_create: bool,
    domains: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
}

impl ListTemplate {
    fn status(&self, s: &str) -> &'static str {
        status_label(&self.p, s)
    }
    fn standing(&self, x: &Project) -> (&'static str, String) {
        standing(&self.p, x)
    }
    fn place(&self, x: &Project) -> String {
        place(&self.p, x)
    }
    /// The timeline of what the list shows.
    fn timeline_href(&self) -> String {
        format!(
            "/projects/timeline?{}",
            self.q.keep().trim_start_matches('&')
        )
    }
}

fn place(p: &Page, x: &Project) -> String {
    match (&x.neighborhood_name_fa, &x.neighborhood_name_en) {
        (Some(fa), Some(en)) => format!(
            "{} — {}",
            p.name(fa, en),
            p.district_name(x.district_number)
        ),
        _ => format!(
            "{} — {}",
            p.district_name(x.district_number),
            p.t("pj_whole_district")
        ),
    }
}

fn statuses(p: &Page) -> Vec<(&'static str, &'static str)> {
    ProjectStatus::ALL
        .iter()
        .map(|s| (s.as_str(), status_label(p, s.as_str())))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<ProjectQuery>,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let l = Listing::from_query(&lq, projects::SORTS);
    let page = projects::list(&state.store, &f.filter(), &l).await?;
    let p = Page::new(
        &ctx,
        "projects",
        crate::http::i18n::t(ctx.lang, "pj_projects"),
    );
    render(&ListTemplate {
        list: ListView::new("/projects", f.keep(), &l, &page),
        items: page.items,
        districts: crate::http::page::all_districts(&state).await?,
        may_create: ctx.principal().is_some_and(|w| w.may_record_meetings()),
        domains: p.domains(),
        statuses: statuses(&p),
        q: f,
        p,
    })
}

/// What the list shows, as an .xlsx workbook (up to 20,000 projects), budgets as numbers.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<ProjectQuery>,
) -> Result<Response, AppError> {
    let p = Page::new(&ctx, "projects", String::new());
    let rows: Vec<Vec<Cell>> = projects::all(&state.store, &f.filter(), 20_000)
        .await?
        .into_iter()
        .map(|x| {
            let t = |s: String| Cell::Text(s);
            vec![
                Cell::Number(x.id as f64),
                t(x.title.clone()),
                t(place(&p, &x)),
                t(p.domain(&x.domain).to_string()),
                t(p.name(&x.lead_name_fa, &x.lead_name_en).to_string()),
                x.budget_rials
                    .map(|b| Cell::Number(b as f64))
                    .unwrap_or(Cell::Text(String::new())),
                t(p.jdate(x.starts_on)),
                t(p.jdate(x.ends_on)),
                t(status_label(&p, &x.status).to_string()),
                Cell::Number(x.progress as f64 / 10.0),
                t(standing(&p, &x).1),
                t(if x.priority { p.t("yes") } else { "" }.to_string()),
                Cell::Number(x.asked_to_continue as f64),
            ]
        })
        .collect();
    let headers = [
        "#",
        p.t("pj_project"),
        p.t("place"),
        p.t("domain"),
        p.t("pj_lead"),
        p.t("pj_budget"),
        p.t("pj_starts_on"),
        p.t("pj_ends_on"),
        p.t("pj_status"),
        p.t("pj_progress"),
        p.t("pj_standing"),
        p.t("pj_priority"),
        p.t("pj_continuations"),
    ];
    let bytes =
        xlsx_cells(&headers, &rows, p.fa()).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok(xlsx_response("projects.xlsx", bytes))
}

/// The timeline's year (Jalali) and the projects overlapping it.
async fn timeline_of(
    state: &AppState,
    f: &ProjectQuery,
) -> Result<(i32, Vec<Project>, bool), AppError> {
    let year = f
        .year
        .filter(|y| (1300..=1500).contains(y))
        .unwrap_or_else(|| JalaliDate::from_gregorian(crate::today()).year);
    let (from, to) = year_bounds(year);
    let mut filter = f.filter();
    filter.during = Some((from, to));
    let mut items = projects::all(&state.store, &filter, timeline::MAX_ROWS as i64 + 1).await?;
    let cut = items.len() > timeline::MAX_ROWS;
    items.truncate(timeline::MAX_ROWS);
    Ok((year, items, cut))
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let first = JalaliDate {
        year,
        month: 1,
        day: 1,
    }
    .to_gregorian();
    let next = JalaliDate {
        year: year + 1,
        month: 1,
        day: 1,
    }
    .to_gregorian();
    (first, next.pred_opt().unwrap_or(next))
}

fn draw(p: &Page, year: i32, items: &[Project]) -> String {
    let (from, to) = year_bounds(year);
    let bars: Vec<timeline::Bar> = items
        .iter()
        .map(|x| timeline::Bar {
            id: x.id,
            label: x.title.clone(),
            starts_on: x.starts_on,
            ends_on: x.ends_on,
            progress: x.progress,
            class: standing(p, x).0,
        })
        .collect();
    let months = jalali::month_starts(from, to);
    timeline::svg(&bars, &months, crate::today(), p.fa(), |m| {
        let month = JalaliDate::from_gregorian(m).month;
        if p.fa() {
            jalali::month_name_fa(month).to_string()
        } else {
            jalali::month_name_en(month).to_string()
        }
    })
}

#[derive(Template)]
#[template(path = "project_timeline.html")]
struct TimelineTemplate {
    p: Page,
    svg: String,
    year: i32,
    keep: String,
    cut: bool,
    total: usize,
}

impl TimelineTemplate {
    /// The year, the one before and the one after, as the page writes them.
    fn year_text(&self, offset: i32) -> String {
        self.p.digits(&(self.year + offset).to_string())
    }
}

pub async fn timeline_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<ProjectQuery>,
) -> Result<Response, AppError> {
    let (year, items, cut) = timeline_of(&state, &f).await?;
    let p = Page::new(
        &ctx,
        "projects",
        crate::http::i18n::t(ctx.lang, "pj_timeline"),
    );
    render(&TimelineTemplate {
        svg: draw(&p, year, &items),
        total: items.len(),
        keep: f.keep(),
        year,
        cut,
        p,
    })
}

pub async fn timeline_svg(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<ProjectQuery>,
) -> Result<Response, AppError> {
    let (year, items, _) = timeline_of(&state, &f).await?;
    let p = Page::new(&ctx, "projects", String::new());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "image/svg+xml; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"projects-{year}.svg\""),
            ),
        ],
        draw(&p, year, &items),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "project.html")]
struct ShowTemplate {
    p: Page,
    x: Project,
    milestones: Vec<ProjectMilestone>,
    challenges: Vec<(i64, String, String)>,
    resolutions: Vec<LinkedResolution>,
    continuations: Vec<Continuation>,
    may_plan: bool,
    may_report: bool,
    may_continue: bool,
    errors: Vec<String>,
    milestone: MilestoneInput,
    continuation: ContinuationInput,
}

impl ShowTemplate {
    fn status(&self) -> &'static str {
        status_label(&self.p, &self.x.status)
    }
    fn standing(&self) -> (&'static str, String) {
        standing(&self.p, &self.x)
    }
    fn place(&self) -> String {
        place(&self.p, &self.x)
    }
    fn budget(&self) -> String {
        budget(&self.p, self.x.budget_rials)
    }
    fn challenge_status(&self, s: &str) -> &'static str {
        self.p.challenge_status(s)
    }
    fn total_weight(&self) -> i64 {
        self.milestones.iter().map(|m| m.weight).sum()
    }
    /// Today as typed in a date field.
    fn today(&self) -> String {
        self.p.jdate(crate::today())
    }
    fn late(&self, m: &ProjectMilestone) -> bool {
        m.done_on.is_none() && m.due_on < crate::today()
    }
}

/// The project's page; `errors` and the typed forms come back when a form on it was refused.
async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<String>,
    milestone: MilestoneInput,
    continuation: ContinuationInput,
) -> Result<Response, AppError> {
    let x = projects::get(&state.store, id).await?;
    let who = ctx.principal();
    let council_of = match (who, x.neighborhood_id) {
        (Some(w), None) if w.has(mahalle_core::access::Role::CouncilMember) => {
            mahalle_db::places::neighborhood_ids_of_district(&state.store, x.district_id).await?
        }
        _ => Vec::new(),
    };
    let p = Page::new(ctx, "projects", x.title.clone());
    let invalid = !errors.is_empty();
    let t = ShowTemplate {
        milestones: projects::milestones(&state.store, id).await?,
        challenges: projects::challenges(&state.store, id).await?,
        resolutions: projects::resolutions(&state.store, id).await?,
        continuations: projects::continuations(&state.store, id).await?,
        may_plan: who.is_some_and(|w| ops::may_plan(w, x.district_id)),
        may_report: who.is_some_and(|w| ops::may_report(w, &x)),
        may_continue: who.is_some_and(|w| ops::may_record_continuation(w, &x, &council_of)),
        errors,
        milestone,
        continuation,
        x,
        p,
    };
    render_form(&t, invalid)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    show_page(
        &state,
        &ctx,
        id,
        Vec::new(),
        Default::default(),
        Default::default(),
    )
    .await
}

async fn form(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &ProjectInput,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let who = ctx.require_user()?.principal.clone();
    let p = Page::new(ctx, "projects", String::new());
    let (title, action, back) = match id {
        Some(id) => {
            let x = projects::get(&state.store, id).await?;
            (
                format!("{} — {}", p.t("edit"), x.title),
                format!("/projects/{id}/edit"),
                (format!("/projects/{id}"), x.title.clone()),
            )
        }
        None => (
            p.t("pj_new").to_string(),
            "/projects".to_string(),
            ("/projects".to_string(), p.t("pj_projects").to_string()),
        ),
    };
    let districts: Vec<(String, String)> = crate::http::page::all_districts(state)
        .await?
        .into_iter()
        .filter(|d| ops::may_plan(&who, d.id))
        .map(|d| (d.id.to_string(), p.district_name(d.number)))
        .collect();
    let mut neighborhoods = vec![(String::new(), p.t("pj_whole_district").to_string())];
    neighborhoods.extend(
        mahalle_db::places::all_neighborhoods(&state.store)
            .await?
            .into_iter()
            .filter(|n| ops::may_plan(&who, n.district_id))
            .map(|n| {
                (
                    n.id.to_string(),
                    format!(
                        "{} — {}",
                        p.name(&n.name_fa, &n.name_en),
                        p.district_name(n.district_number)
                    ),
                )
            }),
    );
    let mut organisations: Vec<(String, String)> = mahalle_db::org::names(&state.store)
        .await?
        .into_iter()
        .map(|(id, _, fa, en)| (id.to_string(), p.name(&fa, &en).to_string()))
        .collect();
    organisations.sort_by(|a, b| {
        mahalle_core::collate::sort_key(&a.1).cmp(&mahalle_core::collate::sort_key(&b.1))
    });
    organisations.insert(0, (String::new(), "—".to_string()));
    let domains = p
        .domains()
        .into_iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect();
    let statuses = statuses(&p)
        .into_iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect();
    let fields = vec![
        Field::new("district_id", p.t("district"), Kind::Select, &f.district_id)
            .required()
            .choices(districts),
        Field::new(
            "neighborhood_id",
            p.t("neighborhood"),
            Kind::Select,
            &f.neighborhood_id,
        )
        .choices(neighborhoods)
        .hint(p.t("pj_neighborhood_hint")),
        Field::new("title", p.t("title"), Kind::Text, &f.title).required(),
        Field::new("domain", p.t("domain"), Kind::Select, &f.domain)
            .required()
            .choices(domains),
        Field::new(
            "description",
            p.t("pj_description"),
            Kind::TextArea,
            &f.description,
        ),
        Field::new("lead_org_id", p.t("pj_lead"), Kind::Select, &f.lead_org_id)
            .required()
            .choices(organisations),
        Field::new(
            "budget_rials",
            p.t("pj_budget"),
            Kind::Number,
            &f.budget_rials,
        ),
        Field::new("starts_on", p.t("pj_starts_on"), Kind::Number, &f.starts_on)
            .required()
            .hint(p.t("pj_date_hint")),
        Field::new("ends_on", p.t("pj_ends_on"), Kind::Number, &f.ends_on)
            .required()
            .hint(p.t("pj_date_hint")),
        Field::new("status", p.t("pj_status"), Kind::Select, &f.status).choices(statuses),
        Field::new(
            "priority",
            p.t("pj_priority"),
            Kind::Check,
            if f.priority { "1" } else { "" },
        ),
        Field::new(
            "progress_percent",
            p.t("pj_progress_percent"),
            Kind::Number,
            &f.progress_percent,
        ),
        Field::new(
            "challenge_ids",
            p.t("pj_challenge_ids"),
            Kind::Number,
            &f.challenge_ids,
        )
        .hint(p.t("pj_ids_hint")),
        Field::new(
            "resolution_ids",
            p.t("pj_resolution_ids"),
            Kind::Number,
            &f.resolution_ids,
        )
        .hint(p.t("pj_ids_hint")),
    ];
    RecordForm {
        back,
        p: Page { title, ..p },
        action,
        fields,
        errors,
        retire: None,
        boundary: None,
    }
    .respond()
}

async fn after(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &ProjectInput,
    result: Result<i64, AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => form(state, ctx, id, f, ctx.messages(fields)).await,
        Err(e) => Err(e),
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ProjectQuery>,
) -> Result<Response, AppError> {
    if !ctx.require_user()?.principal.may_record_meetings() {
        return Err(AppError::Forbidden);
    }
    let f = ProjectInput {
        district_id: q.district.map(|n| n.to_string()).unwrap_or_default(),
        neighborhood_id: q.neighborhood.map(|n| n.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    form(&state, &ctx, None, &f, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<ProjectInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::create(&state.store, &me.principal, &f).await;
    after(&state, &ctx, None, &f, r).await
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let x = projects::get(&state.store, id).await?;
    if !ops::may_plan(&me.principal, x.district_id) {
        return Err(AppError::Forbidden);
    }
    let challenges: Vec<i64> = projects::challenges(&state.store, id)
        .await?
        .into_iter()
        .map(|c| c.0)
        .collect();
    let resolutions: Vec<i64> = projects::resolutions(&state.store, id)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let p = Page::new(&ctx, "projects", String::new());
    let f = ProjectInput::from_project(&x, &challenges, &resolutions, |d| p.jdate(d));
    form(&state, &ctx, Some(id), &f, Vec::new()).await
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ProjectInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::save(&state.store, &me.principal, id, &f)
        .await
        .map(|()| id);
    after(&state, &ctx, Some(id), &f, r).await
}

fn back_to(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/projects/{id}#{anchor}")).into_response()
}

pub async fn add_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MilestoneInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match ops::add_milestone(&state.store, &me.principal, id, &f).await {
        Ok(_) => Ok(back_to(id, "milestones")),
        Err(AppError::Invalid(e)) => {
            show_page(&state, &ctx, id, ctx.messages(e), f, Default::default()).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    done_on: String,
}

/// Back to the milestones, or the project's page with the refusal.
async fn after_milestone(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: Result<(), AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(back_to(id, "milestones")),
        Err(AppError::Invalid(e)) => {
            show_page(
                state,
                ctx,
                id,
                ctx.messages(e),
                Default::default(),
                Default::default(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn milestone_done(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i64, i64)>,
    CsrfForm(f): CsrfForm<DoneForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::set_milestone_done(&state.store, &me.principal, id, mid, true, &f.done_on).await;
    after_milestone(&state, &ctx, id, r).await
}

pub async fn milestone_undone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::set_milestone_done(&state.store, &me.principal, id, mid, false, "").await;
    after_milestone(&state, &ctx, id, r).await
}

pub async fn milestone_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::remove_milestone(&state.store, &me.principal, id, mid).await;
    after_milestone(&state, &ctx, id, r).await
}

pub async fn add_continuation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ContinuationInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match ops::add_continuation(&state.store, &me.principal, id, &f).await {
        Ok(_) => Ok(back_to(id, "continuations")),
        Err(AppError::Invalid(e)) => {
            show_page(&state, &ctx, id, ctx.messages(e), Default::default(), f).await
        }
        Err(e) => Err(e),
    }
}
