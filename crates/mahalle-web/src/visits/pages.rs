//! The supervisory visits' pages: the list, the plan form, a visit's page (the previous visit's
//! commitments, reports, findings, decisions, the memo), a domain report's form, the briefing
//! pack (printable, and as a workbook) and the memo of commitments.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::domain::Domain;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_core::resolutions::Priority;
use mahalle_core::text;
use mahalle_core::visits::Standing;
use mahalle_db::meetings::{self, Attendee, MeetingFilter};
use mahalle_db::visits::{self as store_v, DomainReport, Finding, Memo, RaisedChallenge};
use serde::Deserialize;

use crate::http::cells::{xlsx_response, xlsx_sheets, Cell, Sheet};
use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::form::{Field, Kind, RecordForm};
use crate::http::page::{render, render_form, ListView, Page};
use crate::resolutions::ops::ResolutionInput;
use crate::visits::briefing::{self, standing_of, Briefing, CommitmentState, Commitments};
use crate::visits::ops::{self, DomainReportInput, FindingInput, Visit, VisitInput};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("vs_visits", "نشست‌های نظارت ستادی", "Supervisory visits"),
    ("vs_intro", "بازدید معاونان و مدیران کل از منطقه‌ها: گزارش حوزه‌ها، بسته توجیهی، تصمیم‌ها و پیگیری آن‌ها.", "Deputies' and general managers' visits to the districts: domain reports, the briefing pack, decisions and their follow-up."),
    ("vs_plan", "برنامه‌ریزی بازدید", "Plan a visit"),
    ("vs_visit", "بازدید", "Visit"),
    ("vs_district", "منطقه بازدیدشده", "District visited"),
    ("vs_body", "برگزارکننده (معاونت بازدیدکننده)", "Held by (the visiting deputy's office)"),
    ("vs_visitors", "بازدیدکنندگان", "Visitors"),
    ("vs_visitors_hint", "هر نفر در یک سطر، با نام کامل یا شماره؛ مانند #۱۲", "One person a line, by full name or number; like #12"),
    ("vs_visitor_orgs", "دستگاه‌های بازدیدکننده (شماره‌ها)", "Visiting organisations (numbers)"),
    ("vs_hosts", "میزبانان", "Hosts"),
    ("vs_host_orgs", "دستگاه‌های میزبان (شماره‌ها)", "Hosting organisations (numbers)"),
    ("vs_orgs_hint", "شماره‌ای که در نشانی صفحه هر دستگاه آمده است، جداشده با ویرگول", "The number in each organisation's page address, separated by commas"),
    ("vs_chair", "رئیس جلسه", "Chair"),
    ("vs_date", "تاریخ", "Date"),
    ("vs_time", "ساعت", "Time"),
    ("vs_agenda", "دستور جلسه (هر بند در یک سطر)", "Agenda (one item a line)"),
    ("vs_briefing", "بسته توجیهی", "Briefing pack"),
    ("vs_briefing_due", "موعد آماده‌سازی: ۴۸ ساعت پیش از بازدید", "Due 48 hours before the visit"),
    ("vs_briefing_generated", "گردآوری‌شده در", "Gathered at"),
    ("vs_memo", "صورت تعهدات", "Commitments memo"),
    ("vs_send_memo", "فرستادن صورت تعهدات به مسئولان", "Send the memo to the owners"),
    ("vs_memo_sent", "صورت تعهدات فرستاده شد", "Memo sent"),
    ("vs_memo_history", "فرستاده‌شده‌ها", "Sent"),
    ("vs_memo_none", "صورت تعهدات هنوز فرستاده نشده است.", "The memo has not been sent yet."),
    ("vs_commitments", "تعهدات", "commitments"),
    ("vs_owners", "مسئول", "owners"),
    ("vs_previous", "تعهدات بازدید پیشین", "The previous visit's commitments"),
    ("vs_no_previous", "این نخستین بازدید ثبت‌شده از این منطقه است.", "This is the first recorded visit to this district."),
    ("vs_done_share", "انجام‌شده", "Done"),
    ("vs_reports", "گزارش حوزه‌ها", "Domain reports"),
    ("vs_no_reports", "هنوز گزارشی ثبت نشده است.", "No report has been filed yet."),
    ("vs_file_report", "ثبت یا ویرایش گزارش حوزه", "File or edit a domain report"),
    ("vs_import", "ورود گزارش حوزه‌ها از اکسل", "Import domain reports from a spreadsheet"),
    ("vs_import_intro", "هر ردیف گزارش یک حوزه است. همه ردیف‌ها بررسی و پیش‌نمایش می‌شوند و یا همه ثبت می‌شوند یا هیچ‌کدام؛ گزارش تازه هر حوزه جای گزارش پیشین آن را می‌گیرد.", "Each row is one domain's report. Every row is checked and previewed; all are recorded or none, and a domain's new report replaces its earlier one."),
    ("vs_import_commit", "ثبت همه گزارش‌ها", "Record every report"),
    ("vs_manager", "مدیر حوزه", "Domain manager"),
    ("vs_actions", "اقدامات از بازدید پیشین", "Actions since the last visit"),
    ("vs_figures", "شاخص‌ها (هر سطر «عنوان: مقدار»)", "Figures (one “label: value” a line)"),
    ("vs_raised", "چالش‌های محله‌ها (شماره‌ها)", "Neighborhoods' challenges (numbers)"),
    ("vs_raised_hint", "شماره چالش‌های ثبت‌شده این منطقه، جداشده با ویرگول؛ چالش تازه را نخست در صفحه چالش‌ها ثبت کنید.", "Numbers of this district's recorded challenges, separated by commas; record a new challenge on the challenges page first."),
    ("vs_raised_list", "چالش‌های طرح‌شده", "Challenges raised"),
    ("vs_findings", "یافته‌ها", "Findings"),
    ("vs_no_findings", "یافته‌ای ثبت نشده است.", "No finding recorded."),
    ("vs_add_finding", "ثبت یافته", "Record a finding"),
    ("vs_decisions", "تصمیم‌ها", "Decisions"),
    ("vs_no_decisions", "تصمیمی ثبت نشده است.", "No decision recorded."),
    ("vs_add_decision", "ثبت تصمیم (مصوبه منطقه)", "Record a decision (a district resolution)"),
    ("vs_owner", "مسئول", "Owner"),
    ("vs_partners", "همکاران", "Partners"),
    ("vs_deadline", "مهلت", "Deadline"),
    ("vs_whole_district", "سراسر منطقه", "Whole district"),
    ("vs_meeting_record", "صورت‌جلسه، حضور و پیوست‌ها", "Minutes, attendance and attachments"),
    ("vs_overdue_by_org", "معوقات به تفکیک دستگاه", "Overdue by organisation"),
    ("vs_overdue_resolutions", "مصوبه‌های معوق", "Overdue resolutions"),
    ("vs_overdue_requests", "درخواست‌های معوق", "Overdue requests"),
    ("vs_open_challenges", "چالش‌های باز به تفکیک محله و حوزه", "Open challenges by neighborhood and domain"),
    ("vs_projects_behind", "پروژه‌های اولویت‌دار عقب از برنامه", "Priority projects behind plan"),
    ("vs_behind_since", "عقب از", "Behind since"),
    ("vs_none", "موردی نیست.", "None."),
    ("vs_print", "چاپ", "Print"),
    ("vs_standing", "وضعیت", "Standing"),
    ("vs_all_districts", "همه منطقه‌ها", "All districts"),
    ("vs_memo_intro", "تصمیم‌های این نشست با مسئول و مهلت هر یک. فرستادن، به هر دستگاه مسئول تعهدات تازه‌اش را با رایانامه می‌فرستد.", "This visit's decisions with each one's owner and deadline. Sending writes to each owner organisation with its new commitments."),
];

fn fa_or_en(p: &Page, fa: &'static str, en: &'static str) -> &'static str {
    if p.fa() {
        fa
    } else {
        en
    }
}

fn standing_label(p: &Page, code: &str) -> &'static str {
    let s = standing_of(code);
    fa_or_en(p, s.label_fa(), s.label_en())
}

fn standing_class(code: &str) -> &'static str {
    match standing_of(code) {
        Standing::DoneOnTime => "on-plan",
        Standing::DoneLate => "late",
        Standing::Overdue => "behind",
        Standing::Cancelled => "stopped",
        Standing::Open => "",
    }
}

fn share(p: &Page, v: Option<i64>) -> String {
    match v {
        Some(v) => p.pct(v / 10),
        None => "—".into(),
    }
}

// ---------------------------------------------------------------- the list

#[derive(Deserialize, Default)]
pub struct VisitQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
}

#[derive(Template)]
#[template(path = "visits.html")]
struct ListTemplate {
    p: Page,
    list: ListView,
    items: Vec<meetings::Meeting>,
    districts: Vec<mahalle_db::places::District>,
    district: Option<i64>,
    may_plan: bool,
}

impl ListTemplate {
    fn chosen(&self, id: &i64) -> bool {
        self.district == Some(*id)
    }
    fn district_label(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.districts.iter().find(|d| d.id == id))
            .map(|d| self.p.district_name(d.number))
            .unwrap_or_default()
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<VisitQuery>,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let reach = me.principal.reach();
    let l = Listing::from_query(&lq, meetings::MEETING_SORTS);
    let mut districts = crate::http::page::all_districts(&state).await?;
    // Staff see the districts in their reach; a district is asked for by its id.
    if !reach.all {
        districts.retain(|d| reach.districts.contains(&d.id));
    }
    let district = q
        .district
        .or_else(|| (districts.len() == 1).then(|| districts[0].id));
    if !reach.all && district.is_none_or(|d| !reach.districts.contains(&d)) {
        // Without a district of theirs, a liaison reaches visits through their pages.
        if districts.is_empty() {
            return Err(AppError::Forbidden);
        }
    }
    let f = MeetingFilter {
        kind: Some("supervisory_visit".into()),
        district_id: district,
        ..Default::default()
    };
    let page = meetings::list(&state.store, &f, &l, crate::today()).await?;
    let keep = district
        .map(|d| format!("&district={d}"))
        .unwrap_or_default();
    render(&ListTemplate {
        p: Page::new(&ctx, "visits", crate::http::i18n::t(ctx.lang, "vs_visits")),
        list: ListView::new("/visits", keep, &l, &page),
        items: page.items,
        districts,
        district,
        may_plan: me.principal.may_record_meetings(),
    })
}

// ---------------------------------------------------------------- planning

/// The plan form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    district_id: String,
    #[serde(default)]
    body_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    visitors: String,
    #[serde(default)]
    visitor_orgs: String,
    #[serde(default)]
    hosts: String,
    #[serde(default)]
    host_orgs: String,
    #[serde(default)]
    agenda: String,
}

fn id_of(s: &str) -> Option<i64> {
    text::to_latin_digits(s.trim())
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
}

impl PlanForm {
    fn input(&self) -> Result<VisitInput, AppError> {
        let orgs = |field: &'static str, s: &str| {
            mahalle_core::visits::parse_numbers(field, s).map_err(|e| AppError::Invalid(vec![e]))
        };
        Ok(VisitInput {
            district_id: id_of(&self.district_id),
            body_id: id_of(&self.body_id),
            title: self.title.clone(),
            date: self.date.clone(),
            time: self.time.clone(),
            place: self.place.clone(),
            agenda: self.agenda.lines().map(str::to_string).collect(),
            chair: self.chair.clone(),
            visitors: vec![self.visitors.clone()],
            visitor_orgs: orgs("visitor_orgs", &self.visitor_orgs)?,
            hosts: vec![self.hosts.clone()],
            host_orgs: orgs("host_orgs", &self.host_orgs)?,
        })
    }
}

async fn plan_form(
    state: &AppState,
    ctx: &Ctx,
    f: &PlanForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let p = Page::new(ctx, "visits", crate::http::i18n::t(ctx.lang, "vs_plan"));
    let mut districts = vec![(String::new(), "—".to_string())];
    districts.extend(
        crate::http::page::all_districts(state)
            .await?
            .into_iter()
            .filter(|d| me.principal.is_secretariat_for(Some(d.id)))
            .map(|d| (d.id.to_string(), p.district_name(d.number))),
    );
    let mut bodies: Vec<(String, String)> = mahalle_db::org::names(&state.store)
        .await?
        .into_iter()
        .filter(|(_, kind, _, _)| {
            matches!(
                kind.as_str(),
                "deputy" | "headquarters" | "municipality" | "district_office"
            )
        })
        .map(|(id, _, fa, en)| (id.to_string(), p.name(&fa, &en).to_string()))
        .collect();
    bodies.sort_by(|a, b| {
        mahalle_core::collate::sort_key(&a.1).cmp(&mahalle_core::collate::sort_key(&b.1))
    });
    bodies.insert(0, (String::new(), "—".to_string()));
    let fields = vec![
        Field::new(
            "district_id",
            p.t("vs_district"),
            Kind::Select,
            &f.district_id,
        )
        .required()
        .choices(districts),
        Field::new("body_id", p.t("vs_body"), Kind::Select, &f.body_id)
            .required()
            .choices(bodies),
        Field::new("title", p.t("title"), Kind::Text, &f.title).required(),
        Field::new("date", p.t("vs_date"), Kind::Number, &f.date)
            .required()
            .hint(p.t("pj_date_hint")),
        Field::new("time", p.t("vs_time"), Kind::Number, &f.time).required(),
        Field::new("place", p.t("place"), Kind::Text, &f.place),
        Field::new("chair", p.t("vs_chair"), Kind::Text, &f.chair).hint(p.t("vs_visitors_hint")),
        Field::new("visitors", p.t("vs_visitors"), Kind::TextArea, &f.visitors)
            .hint(p.t("vs_visitors_hint")),
        Field::new(
            "visitor_orgs",
            p.t("vs_visitor_orgs"),
            Kind::Number,
            &f.visitor_orgs,
        )
        .hint(p.t("vs_orgs_hint")),
        Field::new("hosts", p.t("vs_hosts"), Kind::TextArea, &f.hosts)
            .hint(p.t("vs_visitors_hint")),
        Field::new("host_orgs", p.t("vs_host_orgs"), Kind::Number, &f.host_orgs)
            .hint(p.t("vs_orgs_hint")),
        Field::new("agenda", p.t("vs_agenda"), Kind::TextArea, &f.agenda),
    ];
    RecordForm {
        back: ("/visits".into(), p.t("vs_visits").into()),
        p,
        action: "/visits".into(),
        fields,
        errors,
        retire: None,
        boundary: None,
    }
    .respond()
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<VisitQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    if !me.principal.may_record_meetings() {
        return Err(AppError::Forbidden);
    }
    let f = PlanForm {
        district_id: q.district.map(|d| d.to_string()).unwrap_or_default(),
        time: "09:00".into(),
        ..Default::default()
    };
    plan_form(&state, &ctx, &f, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<PlanForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = match f.input() {
        Ok(input) => ops::plan(&state.store, me, &input).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(id) => Ok(Redirect::to(&format!("/visits/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => plan_form(&state, &ctx, &f, ctx.messages(fields)).await,
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- a visit's page

/// The decision form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    lead_org_id: String,
    #[serde(default)]
    partners: String,
    #[serde(default)]
    neighborhood_id: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    priority: String,
}

/// The finding form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FindingForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    neighborhood_id: String,
}

#[derive(Template)]
#[template(path = "visit.html")]
struct VisitTemplate {
    p: Page,
    v: Visit,
    district_number: i64,
    visitors: Vec<Attendee>,
    hosts: Vec<Attendee>,
    previous: Option<Commitments>,
    decisions: Commitments,
    reports: Vec<DomainReport>,
    raised: Vec<RaisedChallenge>,
    findings: Vec<Finding>,
    memos: Vec<Memo>,
    recognitions: Vec<crate::http::page::RecognitionShown>,
    may_edit: bool,
    may_report: bool,
    organisations: Vec<(i64, String)>,
    neighborhoods: Vec<(i64, String)>,
    domains: Vec<(&'static str, &'static str)>,
    priorities: Vec<Priority>,
    decision: DecisionForm,
    finding: FindingForm,
    errors: Vec<String>,
    /// Which form the errors are for: decision, finding or memo.
    errors_for: &'static str,
    /// A notice after sending the memo.
    notice: String,
}

impl VisitTemplate {
    fn standing(&self, c: &CommitmentState) -> &'static str {
        standing_label(&self.p, &c.standing)
    }
    fn standing_class(&self, c: &CommitmentState) -> &'static str {
        standing_class(&c.standing)
    }
    fn share(&self, v: &Option<i64>) -> String {
        share(&self.p, *v)
    }
    fn attendee(&self, a: &Attendee) -> String {
        match (
            &a.person_name_fa,
            &a.organisation_name_fa,
            &a.organisation_name_en,
        ) {
            (Some(n), _, _) => n.clone(),
            (None, Some(fa), Some(en)) => self.p.name(fa, en).to_string(),
            _ => String::new(),
        }
    }
    fn raised_by(&self, report: &i64) -> Vec<&RaisedChallenge> {
        self.raised
            .iter()
            .filter(|r| r.report_id == *report)
            .collect()
    }
    fn figures(&self, r: &DomainReport) -> Vec<mahalle_core::visits::Figure> {
        mahalle_core::visits::parse_figures(&r.figures).unwrap_or_default()
    }
}

/// What a refused form on the visit's page brings back, or the notice after an action.
#[derive(Default)]
struct Returned {
    decision: DecisionForm,
    finding: FindingForm,
    errors: Vec<String>,
    /// Which form the errors are for: decision, finding or memo.
    errors_for: &'static str,
    notice: String,
}

impl Returned {
    fn new() -> Returned {
        Returned {
            decision: DecisionForm {
                priority: "normal".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

async fn visit_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    back: Returned,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let v = ops::visible(&state.store, me, id).await?;
    let today = crate::today();
    let p = Page::new(ctx, "visits", v.m.title.clone());
    let may_edit = v.may_edit(me);
    let previous = match store_v::previous(&state.store, v.district_id, v.m.starts_at, id).await? {
        Some(pid) => {
            let m = meetings::get(&state.store, pid, today).await?;
            Some(briefing::commitments(&state.store, &m, today).await?)
        }
        None => None,
    };
    let attendees = meetings::attendees(&state.store, id).await?;
    let side = |s: &str| -> Vec<Attendee> {
        attendees
            .iter()
            .filter(|a| a.side.as_deref() == Some(s))
            .cloned()
            .collect()
    };
    let (organisations, neighborhoods) = if may_edit {
        let mut orgs: Vec<(i64, String)> = mahalle_db::org::names(&state.store)
            .await?
            .into_iter()
            .map(|(id, _, fa, en)| (id, p.name(&fa, &en).to_string()))
            .collect();
        orgs.sort_by(|a, b| {
            mahalle_core::collate::sort_key(&a.1).cmp(&mahalle_core::collate::sort_key(&b.1))
        });
        let hoods = mahalle_db::places::current_neighborhoods(&state.store, Some(v.district_id))
            .await?
            .into_iter()
            .map(|n| (n.id, p.name(&n.name_fa, &n.name_en).to_string()))
            .collect();
        (orgs, hoods)
    } else {
        (Vec::new(), Vec::new())
    };
    let district_number = mahalle_db::places::get_district(&state.store, v.district_id)
        .await?
        .number;
    let invalid = !back.errors.is_empty();
    render_form(
        &VisitTemplate {
            district_number,
            visitors: side("visitor"),
            hosts: side("host"),
            previous,
            decisions: briefing::commitments(&state.store, &v.m, today).await?,
            reports: store_v::reports(&state.store, id).await?,
            raised: store_v::raised_challenges(&state.store, id).await?,
            findings: store_v::findings(&state.store, id).await?,
            memos: store_v::memos(&state.store, id).await?,
            recognitions: crate::http::page::recognitions_section(
                state,
                &p,
                &mahalle_db::recognitions::Filter {
                    meeting_id: Some(id),
                    ..Default::default()
                },
            )
            .await?,
            may_report: v.may_report(&state.store, me).await?,
            may_edit,
            organisations,
            neighborhoods,
            domains: p.domains(),
            priorities: Priority::ALL.to_vec(),
            decision: back.decision,
            finding: back.finding,
            errors: back.errors,
            errors_for: back.errors_for,
            notice: back.notice,
            v,
            p,
        },
        invalid,
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    visit_page(&state, &ctx, id, Returned::new()).await
}

pub async fn add_decision(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let CsrfForm(f) = crate::http::csrf::check_form_bytes::<DecisionForm>(
        &ctx,
        &crate::http::form::join_repeated(&body, "partners"),
    )?;
    let input = ResolutionInput {
        item_number: None,
        title: f.title.clone(),
        body: f.body.clone(),
        domain: f.domain.clone(),
        lead_org_id: id_of(&f.lead_org_id).unwrap_or(0),
        partner_org_ids: f.partners.split(',').filter_map(id_of).collect(),
        district_id: None,
        neighborhood_id: id_of(&f.neighborhood_id),
        deadline: f.deadline.clone(),
        priority: Some(f.priority.clone()),
    };
    match ops::decide(&state.store, me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/visits/{id}#decisions")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let back = Returned {
                decision: f,
                errors: ctx.messages(fields),
                errors_for: "decision",
                ..Returned::new()
            };
            visit_page(&state, &ctx, id, back).await
        }
        Err(e) => Err(e),
    }
}

pub async fn add_finding(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<FindingForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let input = FindingInput {
        body: f.body.clone(),
        domain: Some(f.domain.clone()),
        neighborhood_id: id_of(&f.neighborhood_id),
    };
    match ops::add_finding(&state.store, me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/visits/{id}#findings")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let back = Returned {
                finding: f,
                errors: ctx.messages(fields),
                errors_for: "finding",
                ..Returned::new()
            };
            visit_page(&state, &ctx, id, back).await
        }
        Err(e) => Err(e),
    }
}

pub async fn send_memo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match ops::send_memo(&state.store, me, id, &state.config.public_url).await {
        Ok(sent) => {
            let notice = if Page::new(&ctx, "visits", String::new()).fa() {
                format!(
                    "صورت تعهدات فرستاده شد: {} تعهد به {} دستگاه مسئول.",
                    text::format_int(sent.commitments, true),
                    text::format_int(sent.owners, true)
                )
            } else {
                format!(
                    "The memo was sent: {} commitments to {} owner organisations.",
                    sent.commitments, sent.owners
                )
            };
            let back = Returned {
                notice,
                ..Returned::new()
            };
            visit_page(&state, &ctx, id, back).await
        }
        Err(AppError::Invalid(fields)) => {
            let back = Returned {
                errors: ctx.messages(fields),
                errors_for: "memo",
                ..Returned::new()
            };
            visit_page(&state, &ctx, id, back).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- domain reports

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    domain: String,
}

async fn report_form(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: &DomainReportInput,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let v = ops::load(&state.store, id).await?;
    if !v.may_report(&state.store, me).await? {
        return Err(AppError::Forbidden);
    }
    let p = Page::new(
        ctx,
        "visits",
        format!(
            "{} — {}",
            crate::http::i18n::t(ctx.lang, "vs_file_report"),
            v.m.title
        ),
    );
    let domains = p
        .domains()
        .into_iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect();
    let fields = vec![
        Field::new("domain", p.t("domain"), Kind::Select, &f.domain)
            .required()
            .choices(domains),
        Field::new("manager", p.t("vs_manager"), Kind::Text, &f.manager).required(),
        Field::new("actions", p.t("vs_actions"), Kind::TextArea, &f.actions).required(),
        Field::new("figures", p.t("vs_figures"), Kind::TextArea, &f.figures),
        Field::new("challenges", p.t("vs_raised"), Kind::Number, &f.challenges)
            .hint(p.t("vs_raised_hint")),
    ];
    RecordForm {
        back: (format!("/visits/{id}"), v.m.title.clone()),
        p,
        action: format!("/visits/{id}/reports"),
        fields,
        errors,
        retire: None,
        boundary: None,
    }
    .respond()
}

/// The report form, filled with the domain's report when one was filed.
pub async fn report_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let mut f = DomainReportInput {
        domain: Domain::parse(&q.domain)
            .map(|d| d.as_str().to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    if !f.domain.is_empty() {
        if let Some(r) = store_v::reports(&state.store, id)
            .await?
            .into_iter()
            .find(|r| r.domain == f.domain)
        {
            let raised: Vec<String> = store_v::raised_challenges(&state.store, id)
                .await?
                .into_iter()
                .filter(|c| c.report_id == r.id)
                .map(|c| c.challenge_id.to_string())
                .collect();
            f = DomainReportInput {
                domain: r.domain,
                manager: r.manager,
                actions: r.actions,
                figures: r.figures,
                challenges: raised.join(", "),
            };
        }
    }
    report_form(&state, &ctx, id, &f, Vec::new()).await
}

pub async fn file_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DomainReportInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match ops::file_report(&state.store, me, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/visits/{id}#reports")).into_response()),
        Err(AppError::Invalid(fields)) => {
            report_form(&state, &ctx, id, &f, ctx.messages(fields)).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- the briefing pack

#[derive(Template)]
#[template(path = "visit_briefing.html")]
struct BriefingTemplate {
    p: Page,
    v: Visit,
    district_number: i64,
    b: Briefing,
    c: crate::scorecards::card::Scorecard,
    charts: Vec<String>,
}

impl BriefingTemplate {
    fn share(&self, v: &Option<i64>) -> String {
        share(&self.p, *v)
    }
    fn opt(&self, v: &Option<f64>) -> String {
        self.p.decimal(*v)
    }
    fn standing(&self, c: &CommitmentState) -> &'static str {
        standing_label(&self.p, &c.standing)
    }
    fn standing_class(&self, c: &CommitmentState) -> &'static str {
        standing_class(&c.standing)
    }
    fn raised_by(&self, report: &i64) -> Vec<&RaisedChallenge> {
        self.b
            .raised_challenges
            .iter()
            .filter(|r| r.report_id == *report)
            .collect()
    }
    fn figures(&self, r: &DomainReport) -> Vec<mahalle_core::visits::Figure> {
        mahalle_core::visits::parse_figures(&r.figures).unwrap_or_default()
    }
}

async fn gathered(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(Visit, Briefing, i64), AppError> {
    let me = ctx.require_user()?;
    let v = ops::visible(&state.store, me, id).await?;
    let b = briefing::gather(&state.store, &v, chrono::Utc::now()).await?;
    let n = mahalle_db::places::get_district(&state.store, v.district_id)
        .await?
        .number;
    Ok((v, b, n))
}

pub async fn briefing_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (v, b, district_number) = gathered(&state, &ctx, id).await?;
    let p = Page::new(
        &ctx,
        "visits",
        format!(
            "{} — {}",
            crate::http::i18n::t(ctx.lang, "vs_briefing"),
            v.m.title
        ),
    );
    let months = crate::scorecards::charts::labels(&b.scorecard, &p);
    let charts = crate::scorecards::charts::draw(&b.scorecard, &p, &months);
    render(&BriefingTemplate {
        c: b.scorecard.clone(),
        charts,
        district_number,
        b,
        v,
        p,
    })
}

/// The pack as a workbook: a sheet for each of its parts.
pub async fn briefing_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (_, b, _) = gathered(&state, &ctx, id).await?;
    let p = Page::new(&ctx, "visits", String::new());
    let t = |s: &str| Cell::Text(s.to_string());
    let n = |v: i64| Cell::Number(v as f64);
    let card = crate::scorecards::sheet::rows(&b.scorecard, &p);
    let previous: Vec<Vec<Cell>> = b
        .previous
        .iter()
        .flat_map(|c| &c.items)
        .map(|c| {
            let x = &c.commitment;
            vec![
                t(&p.res_number(x.jalali_year, x.session_number, x.item_number)),
                t(&x.title),
                t(p.name(&x.lead_name_fa, &x.lead_name_en)),
                t(&p.date(x.deadline)),
                t(standing_label(&p, &c.standing)),
                n(x.progress),
            ]
        })
        .collect();
    let overdue: Vec<Vec<Cell>> = b
        .overdue_by_organisation
        .iter()
        .map(|o| {
            vec![
                t(p.name(&o.name_fa, &o.name_en)),
                n(o.resolutions),
                n(o.requests),
            ]
        })
        .collect();
    let challenges: Vec<Vec<Cell>> = b
        .open_challenges
        .iter()
        .map(|c| {
            vec![
                t(p.name(&c.name_fa, &c.name_en)),
                t(p.domain(&c.domain)),
                n(c.open),
            ]
        })
        .collect();
    let projects: Vec<Vec<Cell>> = b
        .projects_behind
        .iter()
        .map(|x| {
            vec![
                n(x.id),
                t(&x.title),
                t(x.neighborhood_name_fa
                    .as_deref()
                    .map(|fa| p.name(fa, x.neighborhood_name_en.as_deref().unwrap_or(fa)))
                    .unwrap_or(p.t("vs_whole_district"))),
                t(p.name(&x.lead_name_fa, &x.lead_name_en)),
                Cell::Number(x.progress as f64 / 10.0),
                t(&p.opt_date(x.behind_since)),
            ]
        })
        .collect();
    let reports: Vec<Vec<Cell>> = b
        .reports
        .iter()
        .map(|r| {
            vec![
                t(p.domain(&r.domain)),
                t(&r.manager),
                t(&r.actions),
                t(&r.figures),
            ]
        })
        .collect();
    let sheets = [
        Sheet {
            name: p.t("sc_scorecard"),
            headers: &[p.t("sc_scorecard"), "", ""],
            rows: &card,
        },
        Sheet {
            name: p.t("vs_previous"),
            headers: &[
                "#",
                p.t("title"),
                p.t("vs_owner"),
                p.t("vs_deadline"),
                p.t("vs_standing"),
                p.t("pj_progress"),
            ],
            rows: &previous,
        },
        Sheet {
            name: p.t("vs_overdue_by_org"),
            headers: &[
                p.t("organisation"),
                p.t("vs_overdue_resolutions"),
                p.t("vs_overdue_requests"),
            ],
            rows: &overdue,
        },
        Sheet {
            name: p.t("vs_open_challenges"),
            headers: &[p.t("neighborhood"), p.t("domain"), p.t("sc_open")],
            rows: &challenges,
        },
        Sheet {
            name: p.t("vs_projects_behind"),
            headers: &[
                "#",
                p.t("pj_project"),
                p.t("place"),
                p.t("pj_lead"),
                p.t("pj_progress"),
                p.t("vs_behind_since"),
            ],
            rows: &projects,
        },
        Sheet {
            name: p.t("vs_reports"),
            headers: &[
                p.t("domain"),
                p.t("vs_manager"),
                p.t("vs_actions"),
                p.t("vs_figures"),
            ],
            rows: &reports,
        },
    ];
    let bytes = xlsx_sheets(&sheets, p.fa()).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok(xlsx_response(&format!("briefing-{id}.xlsx"), bytes))
}

// ---------------------------------------------------------------- the memo

#[derive(Template)]
#[template(path = "visit_memo.html")]
struct MemoTemplate {
    p: Page,
    v: Visit,
    district_number: i64,
    decisions: Commitments,
    memos: Vec<Memo>,
}

impl MemoTemplate {
    fn standing(&self, c: &CommitmentState) -> &'static str {
        standing_label(&self.p, &c.standing)
    }
    /// The decisions grouped by owner, in the owners' order of appearance.
    fn by_owner(&self) -> Vec<(String, Vec<&CommitmentState>)> {
        let mut out: Vec<(i64, String, Vec<&CommitmentState>)> = Vec::new();
        for c in &self.decisions.items {
            let x = &c.commitment;
            match out.iter_mut().find(|o| o.0 == x.lead_org_id) {
                Some(o) => o.2.push(c),
                None => out.push((
                    x.lead_org_id,
                    self.p.name(&x.lead_name_fa, &x.lead_name_en).to_string(),
                    vec![c],
                )),
            }
        }
        out.into_iter().map(|(_, n, v)| (n, v)).collect()
    }
}

pub async fn memo_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let v = ops::visible(&state.store, me, id).await?;
    let p = Page::new(
        &ctx,
        "visits",
        format!(
            "{} — {}",
            crate::http::i18n::t(ctx.lang, "vs_memo"),
            v.m.title
        ),
    );
    render(&MemoTemplate {
        district_number: mahalle_db::places::get_district(&state.store, v.district_id)
            .await?
            .number,
        decisions: briefing::commitments(&state.store, &v.m, crate::today()).await?,
        memos: store_v::memos(&state.store, id).await?,
        v,
        p,
    })
}

// ---------------------------------------------------------------- importing reports

/// A checked sheet shown before it is recorded; the file rides along in the commit form.
pub struct ReportsChecked {
    filename: String,
    payload: String,
    rows: usize,
    drafts: Vec<crate::visits::sheet::Draft>,
    problems: Vec<crate::http::sheet::RowError>,
}

#[derive(Template)]
#[template(path = "visit_reports_import.html")]
struct ImportTemplate {
    p: Page,
    visit_id: i64,
    title: String,
    checked: Option<ReportsChecked>,
    errors: Vec<String>,
    columns: Vec<(&'static str, &'static str, bool)>,
}

impl ImportTemplate {
    fn problem(&self, e: &crate::http::sheet::RowError) -> String {
        if self.p.fa() {
            e.fa.clone()
        } else {
            e.en.clone()
        }
    }
}

async fn import_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    checked: Option<ReportsChecked>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    use crate::http::sheet::SheetColumn;
    let me = ctx.require_user()?;
    let v = ops::load(&state.store, id).await?;
    if !v.may_report(&state.store, me).await? {
        return Err(AppError::Forbidden);
    }
    let bad = !errors.is_empty() || checked.as_ref().is_some_and(|c| !c.problems.is_empty());
    render_form(
        &ImportTemplate {
            p: Page::new(ctx, "visits", crate::http::i18n::t(ctx.lang, "vs_import")),
            visit_id: id,
            title: v.m.title,
            checked,
            errors,
            columns: crate::visits::sheet::ReportColumn::all()
                .iter()
                .map(|c| (c.header_fa(), c.header_en(), c.required()))
                .collect(),
        },
        bad,
    )
}

pub async fn import_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    import_page(&state, &ctx, id, None, Vec::new()).await
}

/// Checks an uploaded sheet and shows each report as it would be recorded, or every problem.
pub async fn import_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    use base64::Engine;
    let me = ctx.require_user()?;
    let form = crate::http::csrf::multipart_form(&ctx, mp).await?;
    let (filename, bytes) = form.file.unwrap_or_default();
    if bytes.is_empty() || bytes.len() > crate::http::sheet::MAX_UPLOAD {
        let p = Page::new(&ctx, "visits", String::new());
        let msg = fa_or_en(
            &p,
            "فایلی تا ۲ مگابایت انتخاب کنید.",
            "Choose a file of up to 2 MB.",
        );
        return import_page(&state, &ctx, id, None, vec![msg.to_string()]).await;
    }
    match ops::check_reports(&state.store, me, id, &filename, &bytes).await {
        Ok(c) => {
            let checked = ReportsChecked {
                payload: base64::engine::general_purpose::STANDARD.encode(&bytes),
                filename,
                rows: c.rows,
                drafts: c.drafts,
                problems: c.errors,
            };
            import_page(&state, &ctx, id, Some(checked), Vec::new()).await
        }
        Err(AppError::Invalid(f)) => import_page(&state, &ctx, id, None, ctx.messages(f)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ImportCommitForm {
    #[serde(default)]
    filename: String,
    #[serde(default)]
    payload: String,
}

pub async fn import_commit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    crate::http::csrf::CsrfUploadForm(f): crate::http::csrf::CsrfUploadForm<ImportCommitForm>,
) -> Result<Response, AppError> {
    use base64::Engine;
    let me = ctx.require_user()?;
    // Who may record is settled before what was sent is read.
    if !ops::load(&state.store, id)
        .await?
        .may_report(&state.store, me)
        .await?
    {
        return Err(AppError::Forbidden);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(f.payload.as_bytes())
        .map_err(|_| AppError::BadRequest("payload".into()))?;
    match ops::commit_reports(&state.store, me, id, &f.filename, &bytes).await {
        Ok(_) => Ok(Redirect::to(&format!("/visits/{id}#reports")).into_response()),
        Err(AppError::Invalid(fields)) => {
            import_page(&state, &ctx, id, None, ctx.messages(fields)).await
        }
        Err(e) => Err(e),
    }
}
