//! The councils' pages: the city's list and one council's terms, with the forms of those who
//! keep them. Every form posts to an operation and comes back to the council's page, with the
//! operation's errors when it refused.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::councils::{Departure, MemberRole};
use mahalle_db::councils::{self, CandidateRow, CouncilRow, Member, Term};
use mahalle_db::org::{self, Organisation};
use serde::Deserialize;

use crate::councils::ops::{self, DepartureInput, ElectionInput, TermInput};
use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::page::{render_form, Page};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("cn_councils", "شورایاری‌ها", "Neighborhood councils"),
    ("cn_intro", "هر شورایاری با آخرین دوره‌اش. دوره‌ها هم‌پوشانی ندارند؛ دوره بسته‌شده اعضایش را به سابقه می‌برد.", "Each neighborhood council with its latest term. Terms never overlap; closing a term moves its members to history."),
    ("cn_latest_term", "آخرین دوره", "Latest term"),
    ("cn_sitting", "اعضای حاضر", "Sitting"),
    ("cn_results", "نتیجه انتخابات", "Election results"),
    ("cn_recorded", "ثبت شده", "recorded"),
    ("cn_not_recorded", "ثبت نشده", "not recorded"),
    ("cn_no_term", "بی‌دوره", "No term"),
    ("cn_open_everywhere", "گشودن دوره تازه برای همه شورایاری‌های شهر (انتخابات سراسری)", "Open a new term for every council of the city (city-wide elections)"),
    ("cn_open_everywhere_hint", "برای همه یا هیچ‌کدام: اگر دوره جاری شورایاری‌ای با این تاریخ هم‌پوشانی داشته باشد، هیچ دوره‌ای گشوده نمی‌شود.", "All or none: if any council's current term overlaps these dates, no term is opened."),
    ("cn_open_term", "گشودن دوره تازه", "Open a new term"),
    ("cn_starts_on", "آغاز", "Starts"),
    ("cn_ends_on", "پایان پیش‌بینی‌شده (خالی: چهار سال)", "Planned end (empty: four years)"),
    ("cn_seats", "کرسی‌ها", "Seats"),
    ("cn_alternates", "اعضای علی‌البدل", "Alternates"),
    ("cn_opened", "دوره گشوده شد", "terms opened"),
    ("cn_record_results", "ثبت نتیجه انتخابات", "Record the election results"),
    ("cn_election_on", "تاریخ رأی‌گیری", "Day of the vote"),
    ("cn_ballots", "برگه‌های رأی معتبر", "Valid ballots"),
    ("cn_candidates", "نامزدها، هر کدام در یک سطر: نام یا شماره فرد | رأی | قرعه (در صورت تساوی)", "Candidates, one per line: name or #number | votes | lot (for equal votes)"),
    ("cn_votes", "رأی", "Votes"),
    ("cn_outcome", "نتیجه", "Outcome"),
    ("cn_elected", "منتخب", "Elected"),
    ("cn_alternate_n", "علی‌البدل", "Alternate"),
    ("cn_not_elected", "راه نیافت", "Not elected"),
    ("cn_turnout", "برگه‌ها", "ballots"),
    ("cn_set_role", "تغییر سمت", "Change office"),
    ("cn_depart", "پایان عضویت", "End membership"),
    ("cn_reason", "دلیل یا مستند", "Reason or decision"),
    ("cn_on", "از تاریخ", "On"),
    ("cn_close", "بستن دوره", "Close the term"),
    ("cn_close_hint", "با بستن دوره، عضویت همه اعضا در آن تاریخ پایان می‌یابد و به سابقه می‌رود؛ یک بار.", "Closing the term ends every membership on that day and moves it to history; once only."),
    ("cn_closed_on", "بسته‌شده در", "Closed on"),
    ("cn_manage", "دوره‌ها و انتخابات", "Terms and elections"),
    ("cn_departed", "پایان عضویت", "Left"),
    ("cn_thank", "تقدیر", "Thank"),
    ("cn_thank_all", "تقدیر از همه اعضای این دوره که هنوز تقدیر نشده‌اند", "Thank every member of this term not yet thanked"),
    ("cn_certificate", "تقدیرنامه", "Certificate"),
    ("cn_onboarding", "همراهی اعضای تازه", "New members' onboarding"),
    ("cn_orientation", "نشست توجیهی", "Orientation"),
    ("cn_account", "حساب کاربری", "Account"),
    ("cn_contact", "تأیید تماس", "Contact verified"),
    ("cn_attended", "شرکت کرد", "Attended"),
    ("cn_open_account", "ساخت حساب", "Open account"),
    ("cn_verified", "تأیید شد", "Verified"),
    ("cn_account_opened", "حساب ساخته شد. این گذرواژه فقط همین یک بار نمایش داده می‌شود؛ آن را به عضو بدهید:", "The account is open. This password is shown this once; give it to the member:"),
    ("cn_awaiting", "در انتظار تقدیر", "Awaiting thanks"),
    ("cn_onboarded", "همراهی کامل", "Onboarded"),
    ("cn_cert_title", "تقدیرنامه", "Certificate of appreciation"),
    ("cn_cert_dear_female", "سرکار خانم", "Ms"),
    ("cn_cert_dear_male", "جناب آقای", "Mr"),
    ("cn_cert_dear_unspecified", "", ""),
    ("cn_cert_body", "بدین‌وسیله از تلاش‌ها و همراهی ارزشمند شما در خدمت به مردم محله قدردانی می‌شود.", "We hereby thank you for your valued efforts and dedication in serving the people of the neighborhood."),
    ("cn_cert_body_staff", "بدین‌وسیله از تلاش‌ها و خدمات ارزشمند شما در خدمت به شهروندان قدردانی می‌شود.", "We hereby thank you for your valued efforts and service to the city's residents."),
    ("cn_cert_no", "شماره", "No."),
    ("cn_cert_signed", "شهردار", "Mayor of"),
    ("cn_print", "چاپ", "Print"),
    ("cn_add_pillar", "افزودن رکن محله", "Add a pillar"),
    ("cn_person_ref", "فرد (نام کامل یا شماره، مانند ‎#12)", "Person (full name or number, like #12)"),
    ("cn_title", "عنوان (گروه، مسجد…)", "Title (group, mosque…)"),
    ("cn_serves_at", "مکان همکار", "Partner place"),
    ("cn_end", "پایان", "End"),
];

#[derive(Template)]
#[template(path = "councils.html")]
struct CouncilsTemplate {
    p: Page,
    rows: Vec<CouncilRow>,
    districts: Vec<mahalle_db::places::District>,
    district: Option<i64>,
    /// Offers the city-wide form.
    city: bool,
    opened: Option<usize>,
    errors: Vec<String>,
    f: TermInput,
}

#[derive(Deserialize)]
pub struct CouncilsQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    opened: Option<usize>,
}

async fn councils_page(
    state: &AppState,
    ctx: &Ctx,
    q: CouncilsQuery,
    f: TermInput,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let rows = councils::councils(&state.store, q.district, crate::today()).await?;
    let invalid = !errors.is_empty();
    render_form(
        &CouncilsTemplate {
            p: Page::new(
                ctx,
                "neighborhoods",
                crate::http::i18n::t(ctx.lang, "cn_councils"),
            ),
            rows,
            districts: crate::http::page::all_districts(state).await?,
            district: q.district,
            city: me.principal.keeps_registry(None),
            opened: q.opened,
            errors,
            f,
        },
        invalid,
    )
}

pub async fn councils(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CouncilsQuery>,
) -> Result<Response, AppError> {
    councils_page(&state, &ctx, q, TermInput::default(), Vec::new()).await
}

pub async fn open_everywhere(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<TermInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match ops::open_terms_everywhere(&state.store, &me.principal, &f).await {
        Ok(n) => Ok(Redirect::to(&format!("/councils?opened={n}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let q = CouncilsQuery {
                district: None,
                opened: None,
            };
            councils_page(&state, &ctx, q, f, ctx.messages(fields)).await
        }
        Err(e) => Err(e),
    }
}

/// A term as the council's page shows it.
pub struct TermView {
    pub term: Term,
    pub current: bool,
    pub members: Vec<Member>,
    pub candidates: Vec<CandidateRow>,
}

/// What the council's page knows of each membership besides the term: its recognition and its
/// onboarding.
#[derive(Default)]
pub struct Extras {
    recognitions: std::collections::HashMap<i64, i64>,
    onboarding: std::collections::HashMap<i64, councils::OnboardingRow>,
}

impl Extras {
    pub fn recognition(&self, m: &Member) -> Option<i64> {
        self.recognitions.get(&m.id).copied()
    }
    pub fn onboarding(&self, m: &Member) -> councils::OnboardingRow {
        self.onboarding.get(&m.id).cloned().unwrap_or_default()
    }
    pub fn done(&self, m: &Member) -> usize {
        let o = self.onboarding(m);
        mahalle_core::councils::onboarding_done(
            o.orientation_on.is_some(),
            o.user_id.is_some(),
            o.contact_verified_on.is_some(),
        )
    }
}

impl TermView {
    pub fn open(&self) -> bool {
        self.term.closed_on.is_none()
    }
    /// Still serving (not ended, or ending later).
    pub fn sitting(&self, m: &Member) -> bool {
        self.open() && m.ends_on.is_none_or(|e| e > crate::today())
    }
}

#[derive(Template)]
#[template(path = "council.html")]
struct CouncilTemplate {
    p: Page,
    o: Organisation,
    terms: Vec<TermView>,
    keeps: bool,
    errors: Vec<String>,
    /// Which form the errors belong to, to open it again ("term", "election-7", …).
    failed: String,
    f: TermInput,
    roles: Vec<MemberRole>,
    departures: Vec<Departure>,
    extras: Extras,
    /// An account just opened: (username, password), shown once.
    opened: Option<(String, String)>,
}

impl CouncilTemplate {
    fn awaiting(&self, m: &Member) -> bool {
        mahalle_core::councils::awaiting_thanks(m.ends_on, m.thanked_on, crate::today())
    }
    fn awaiting_in(&self, tv: &TermView) -> usize {
        tv.members.iter().filter(|m| self.awaiting(m)).count()
    }
    fn departure_label(&self, d: &str) -> &'static str {
        match Departure::parse(d) {
            Some(d) if self.p.fa() => d.label_fa(),
            Some(d) => d.label_en(),
            None => "",
        }
    }
    fn outcome_label(&self, c: &CandidateRow) -> String {
        match c.outcome.as_str() {
            "elected" => self.p.t("cn_elected").to_string(),
            "alternate" => format!(
                "{} {}",
                self.p.t("cn_alternate_n"),
                self.p.opt_num(c.alternate_rank)
            ),
            _ => self.p.t("cn_not_elected").to_string(),
        }
    }
}

async fn council_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<String>,
    failed: &str,
    f: TermInput,
) -> Result<Response, AppError> {
    council_page_with(state, ctx, id, errors, failed, f, None).await
}

async fn council_page_with(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<String>,
    failed: &str,
    f: TermInput,
    opened: Option<(String, String)>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let o = org::get(&state.store, id).await?;
    let keeps = ops::may_keep(&state.store, &me.principal, id).await?;
    let today = crate::today();
    let mut terms = Vec::new();
    for tm in councils::terms_with_members(&state.store, id, today).await? {
        let candidates = councils::candidates_of(&state.store, tm.term.id).await?;
        terms.push(TermView {
            term: tm.term,
            current: tm.current,
            members: tm.members,
            candidates,
        });
    }
    let p = Page::new(ctx, "neighborhoods", String::new());
    let title = format!("{} — {}", p.name(&o.name_fa, &o.name_en), p.t("cn_manage"));
    let invalid = !errors.is_empty();
    render_form(
        &CouncilTemplate {
            p: Page { title, ..p },
            o,
            terms,
            keeps,
            errors,
            failed: failed.to_string(),
            f,
            roles: vec![
                MemberRole::Chair,
                MemberRole::ViceChair,
                MemberRole::Secretary,
                MemberRole::Member,
            ],
            departures: Departure::ALL.to_vec(),
            extras: Extras {
                recognitions: councils::recognitions_of_body(&state.store, id)
                    .await?
                    .into_iter()
                    .collect(),
                onboarding: councils::onboarding_of_body(&state.store, id)
                    .await?
                    .into_iter()
                    .map(|o| (o.membership_id, o))
                    .collect(),
            },
            opened,
        },
        invalid,
    )
}

pub async fn council(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    council_page(&state, &ctx, id, Vec::new(), "", TermInput::default()).await
}

/// Back to the council's page after a form: at the term, or with the form's errors.
async fn after(
    state: &AppState,
    ctx: &Ctx,
    body: i64,
    result: Result<(), AppError>,
    failed: &str,
    f: TermInput,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/councils/{body}#terms")).into_response()),
        Err(AppError::Invalid(fields)) => {
            council_page(state, ctx, body, ctx.messages(fields), failed, f).await
        }
        Err(e) => Err(e),
    }
}

pub async fn open_term(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<TermInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::open_term(&state.store, &me.principal, id, &f)
        .await
        .map(|_| ());
    after(&state, &ctx, id, r, "term", f).await
}

#[derive(Deserialize)]
pub struct ElectionForm {
    #[serde(default)]
    election_on: String,
    #[serde(default)]
    ballots: String,
    #[serde(default)]
    candidates: String,
}

pub async fn record_election(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ElectionForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let term = councils::get_term(&state.store, id).await?;
    let r = async {
        let candidates = ops::parse_candidate_lines(&state.store, &f.candidates).await?;
        let ballots = mahalle_core::validate::optional_count("ballots", &f.ballots, 100_000_000)
            .map_err(|e| AppError::Invalid(vec![e]))?
            .unwrap_or(0);
        let input = ElectionInput {
            election_on: f.election_on.clone(),
            ballots,
            candidates,
        };
        ops::record_election(&state.store, &me.principal, id, &input).await
    }
    .await;
    let failed = format!("election-{id}");
    after(&state, &ctx, term.body_id, r, &failed, TermInput::default()).await
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    closed_on: String,
}

pub async fn close_term(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<CloseForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let term = councils::get_term(&state.store, id).await?;
    let r = ops::close_term(&state.store, &me.principal, id, &f.closed_on).await;
    let failed = format!("close-{id}");
    after(&state, &ctx, term.body_id, r, &failed, TermInput::default()).await
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RoleForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let body = councils::body_of_membership(&state.store, id).await?;
    let r = ops::set_role(&state.store, &me.principal, id, &f.role).await;
    after(&state, &ctx, body, r, "", TermInput::default()).await
}

pub async fn depart(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DepartureInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let body = councils::body_of_membership(&state.store, id).await?;
    let r = ops::depart(&state.store, &me.principal, id, &f)
        .await
        .map(|_| ());
    let failed = format!("depart-{id}");
    after(&state, &ctx, body, r, &failed, TermInput::default()).await
}

pub async fn thank(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let body = councils::body_of_membership(&state.store, id).await?;
    let r = ops::thank(&state.store, &me.principal, id)
        .await
        .map(|_| ());
    after(&state, &ctx, body, r, "", TermInput::default()).await
}

pub async fn thank_all(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let term = councils::get_term(&state.store, id).await?;
    let r = ops::thank_all(&state.store, &me.principal, id)
        .await
        .map(|_| ());
    after(&state, &ctx, term.body_id, r, "", TermInput::default()).await
}

pub async fn onboarding(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ops::OnboardingInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let body = councils::body_of_membership(&state.store, id).await?;
    let r = ops::onboarding_step(&state.store, &me.principal, id, &f).await;
    after(&state, &ctx, body, r, "", TermInput::default()).await
}

/// Opens the member's account and shows its password on the council's page, this once.
pub async fn open_account(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let body = councils::body_of_membership(&state.store, id).await?;
    match ops::open_account(&state.store, &me.principal, id).await {
        Ok(a) => {
            let mut r = council_page_with(
                &state,
                &ctx,
                body,
                Vec::new(),
                "",
                TermInput::default(),
                Some((a.username, a.password)),
            )
            .await?;
            // The password is on this page only: never stored by a browser or a proxy.
            r.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            Ok(r)
        }
        Err(e) => after(&state, &ctx, body, Err(e), "", TermInput::default()).await,
    }
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificateTemplate {
    p: Page,
    r: councils::Recognition,
    district_number: Option<i64>,
}

impl CertificateTemplate {
    /// The reason in the page's language (stored as Persian, then English on the next line).
    fn reason(&self) -> &str {
        let mut lines = self.r.reason.lines();
        let fa = lines.next().unwrap_or("");
        match lines.next() {
            Some(en) if !self.p.fa() => en,
            _ => fa,
        }
    }
    fn dear(&self) -> &'static str {
        self.p.t(match self.r.gender.as_str() {
            "female" => "cn_cert_dear_female",
            "male" => "cn_cert_dear_male",
            _ => "cn_cert_dear_unspecified",
        })
    }
    fn number(&self) -> String {
        self.p.digits(&self.r.certificate_no)
    }
}

/// A recognition's certificate, laid out for A4 paper (signed-in users).
pub async fn certificate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let r = councils::recognition(&state.store, id).await?;
    let district_number = match r.district_id {
        Some(d) => Some(
            mahalle_db::places::get_district(&state.store, d)
                .await?
                .number,
        ),
        None => None,
    };
    let p = Page::new(
        &ctx,
        "neighborhoods",
        crate::http::i18n::t(ctx.lang, "cn_cert_title"),
    );
    crate::http::page::render(&CertificateTemplate {
        p,
        r,
        district_number,
    })
}

/// Records a pillar of the neighborhood; back to its page (errors are shown as the error page
/// lists them, the form keeping what was typed in the browser).
pub async fn add_pillar(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ops::pillars::PillarInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    ops::pillars::add_pillar(&state.store, &me.principal, id, &f).await?;
    Ok(Redirect::to(&format!("/neighborhoods/{id}#pillars")).into_response())
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    until: String,
}

pub async fn end_pillar(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let n = ops::pillars::end_pillar(&state.store, &me.principal, id, &f.until).await?;
    Ok(Redirect::to(&format!("/neighborhoods/{n}#pillars")).into_response())
}
