//! Residents' polls on the web: the list, a poll's page (the ballot while it is open, the
//! results once published, the answers), and the form that opens or edits one.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_core::polls::Phase;
use mahalle_db::places::District;
use mahalle_db::polls::{self as store_polls, Poll, PollOption};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::{ClientKey, P as Path, Q as Query};
use crate::http::page::{all_districts, render, render_form, ListView, Page};
use crate::polls::ops::{self, PollInput, Results};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("pl_polls", "نظرسنجی‌ها", "Polls"),
    ("pl_intro", "ساکنان هر محله و منطقه اولویت چالش‌ها و پروژه‌ها را با رأی خود تعیین می‌کنند؛ هر نفر یک رأی، و رأی‌ها محرمانه‌اند.", "Residents of each neighborhood and district set the priority of challenges and projects by their vote: one vote each, and ballots are secret."),
    ("pl_new", "نظرسنجی تازه", "New poll"),
    ("pl_edit", "ویرایش نظرسنجی", "Edit the poll"),
    ("pl_none", "هنوز نظرسنجی‌ای نیست.", "No polls yet."),
    ("pl_all_phases", "همه مراحل", "All phases"),
    ("pl_scheduled", "در پیش", "Scheduled"),
    ("pl_open", "باز", "Open"),
    ("pl_closed", "پایان‌یافته", "Ended"),
    ("pl_published", "نتیجه منتشر شده", "Results published"),
    ("pl_period", "بازه رأی‌گیری", "Voting period"),
    ("pl_opens_on", "روز آغاز", "First day"),
    ("pl_closes_on", "روز پایان", "Last day"),
    ("pl_question", "پرسش", "Question"),
    ("pl_max_choices", "هر نفر چند گزینه برگزیند", "Options each resident chooses"),
    ("pl_options", "گزینه‌ها", "Options"),
    ("pl_options_hint", "هر گزینه در یک سطر (پروژه‌ها یا هر پیشنهادی که هنوز چالش ثبت‌شده نیست).", "One option per line (projects, or anything not yet a recorded challenge)."),
    ("pl_challenges", "چالش‌های باز به‌عنوان گزینه", "Open challenges as options"),
    ("pl_whole_district", "همه منطقه", "The whole district"),
    ("pl_voters", "رأی‌دهندگان", "Voters"),
    ("pl_turnout", "مشارکت", "Turnout"),
    ("pl_of_population", "از جمعیت", "of the population"),
    ("pl_by_text", "با پیامک", "by text message"),
    ("pl_in_person", "حضوری", "in person"),
    ("pl_votes", "رأی", "votes"),
    ("pl_results", "نتیجه", "Results"),
    ("pl_results_hidden", "شمار رأی‌ها پس از پایان نظرسنجی و انتشار نتیجه دیده می‌شود.", "Vote counts are shown once the poll has ended and its results are published."),
    ("pl_step_code", "۱. دریافت کد", "1. Get a code"),
    ("pl_step_code_hint", "کد یک‌بارمصرف به شماره همراه شما پیامک می‌شود. از شماره شما تنها اثری رمزی نگه داشته می‌شود تا رأی دوم را بازدارد، و هیچ‌جا به رأی شما پیوند ندارد.", "A one-time code is texted to your mobile. Only a keyed fingerprint of your number is kept, to stop a second vote; it is never linked to your vote."),
    ("pl_mobile", "شماره همراه", "Mobile number"),
    ("pl_send_code", "فرستادن کد", "Send the code"),
    ("pl_code_sent", "کد به این شماره فرستاده شد:", "The code was sent to:"),
    ("pl_step_vote", "۲. رأی", "2. Vote"),
    ("pl_identity_hint", "همان شماره همراه (یا کد ملی، اگر کد را در خانه محله گرفته‌اید).", "The same mobile number (or national code, if you got the code at the neighborhood house)."),
    ("pl_code", "کد", "Code"),
    ("pl_vote", "ثبت رأی", "Cast the vote"),
    ("pl_choose_up_to", "حداکثر این تعداد گزینه را برگزینید:", "Choose at most this many options:"),
    ("pl_thanks", "رأی شما ثبت شد. سپاس از مشارکت شما.", "Your vote was cast. Thank you for taking part."),
    ("pl_not_open", "رأی‌گیری این نظرسنجی باز نیست.", "This poll is not open for voting."),
    ("pl_in_person_title", "کد حضوری (خانه محله)", "In-person code (neighborhood house)"),
    ("pl_in_person_hint", "پس از دیدن کارت شناسایی ساکن، شماره همراه او را بنویسید (همان که با آن می‌توانست پیامکی رأی دهد)، و تنها اگر همراه ندارد کد ملی‌اش را؛ کد یک بار نمایش داده می‌شود و به او داده می‌شود.", "After seeing the resident's identity card, type their mobile number (the one they could vote with by text), and their national code only if they have no mobile; the code is shown once, to hand over."),
    ("pl_identity", "شماره همراه یا کد ملی", "Mobile number or national code"),
    ("pl_issue_code", "صدور کد", "Issue a code"),
    ("pl_issued", "کد رأی این ساکن:", "This resident's voting code:"),
    ("pl_publish", "انتشار نتیجه", "Publish the results"),
    ("pl_publish_hint", "نتیجه با شمار رأی‌دهندگان برای همه منتشر می‌شود.", "The results are published to everyone, with turnout."),
    ("pl_council_answer", "پاسخ شورایاری", "The council's answer"),
    ("pl_district_answer", "پاسخ منطقه", "The district's answer"),
    ("pl_no_answer", "هنوز پاسخی ثبت نشده است.", "No answer recorded yet."),
    ("pl_save_answer", "ثبت پاسخ", "Save the answer"),
    ("pl_choose_place", "انتخاب و نمایش چالش‌های آن", "Choose it and list its challenges"),
];

fn phase_key(ph: Phase) -> &'static str {
    match ph {
        Phase::Scheduled => "pl_scheduled",
        Phase::Open => "pl_open",
        Phase::Closed => "pl_closed",
        Phase::Published => "pl_published",
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PollQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    neighborhood: Option<i64>,
    #[serde(default)]
    phase: String,
}

impl PollQuery {
    fn keep(&self) -> String {
        let mut k = String::new();
        if let Some(d) = self.district {
            k.push_str(&format!("&district={d}"));
        }
        if let Some(n) = self.neighborhood {
            k.push_str(&format!("&neighborhood={n}"));
        }
        if let Some(ph) = Phase::parse(&self.phase) {
            k.push_str(&format!("&phase={}", ph.as_str()));
        }
        k
    }
}

#[derive(Template)]
#[template(path = "polls.html")]
struct ListTemplate {
    p: Page,
    list: ListView,
    items: Vec<Poll>,
    q: PollQuery,
    districts: Vec<District>,
    can_open: bool,
}

impl ListTemplate {
    fn phase_label(&self, poll: &Poll) -> &'static str {
        self.p
            .t(phase_key(ops::phase(poll, crate::http::clock::today())))
    }
    fn phases(&self) -> Vec<(&'static str, &'static str)> {
        [
            Phase::Scheduled,
            Phase::Open,
            Phase::Closed,
            Phase::Published,
        ]
        .into_iter()
        .map(|ph| (ph.as_str(), self.p.t(phase_key(ph))))
        .collect()
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PollQuery>,
    Query(mut lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    // Newest first unless asked otherwise.
    if lq.sort.is_none() && lq.dir.is_none() {
        lq.dir = Some("desc".into());
    }
    let l = Listing::from_query(&lq, store_polls::SORTS);
    let f = ops::list_filter(q.district, q.neighborhood, &q.phase);
    let page = store_polls::list(&state.store, &f, &l).await?;
    render(&ListTemplate {
        p: Page::new(&ctx, "polls", crate::http::i18n::t(ctx.lang, "pl_polls")),
        list: ListView::new("/polls", q.keep(), &l, &page),
        items: page.items,
        districts: all_districts(&state).await?,
        can_open: ctx.principal().is_some_and(ops::runs_any),
        q,
    })
}

/// What a poll's page shows besides the poll: a message after an action, and the forms' state.
#[derive(Default)]
struct Shown {
    errors: Vec<String>,
    /// "0912***4567" after a code was texted.
    sent_to: Option<String>,
    /// What the resident typed (kept when the vote form comes back with an error).
    mobile: String,
    /// A code just issued in person, shown once.
    issued: Option<String>,
    voted: bool,
}

#[derive(Template)]
#[template(path = "poll.html")]
struct ShowTemplate {
    p: Page,
    poll: Poll,
    phase: Phase,
    options: Vec<PollOption>,
    results: Option<Results>,
    runs: bool,
    council: bool,
    district_staff: bool,
    s: Shown,
}

impl ShowTemplate {
    fn phase_label(&self) -> &'static str {
        self.p.t(phase_key(self.phase))
    }
    fn is_open(&self) -> bool {
        self.phase == Phase::Open
    }
    /// "۴۲٫۵٪" from tenths of a percent.
    fn permille(&self, v: &i64) -> String {
        let s = format!("{}.{}", v / 10, v % 10);
        if self.p.fa() {
            format!("{}٪", self.p.digits(&s.replace('.', "٫")))
        } else {
            format!("{s}%")
        }
    }
}

async fn poll_page(state: &AppState, ctx: &Ctx, id: i64, s: Shown) -> Result<Response, AppError> {
    let poll = store_polls::get(&state.store, id).await?;
    let options = store_polls::options(&state.store, id).await?;
    let who = ctx.principal();
    let results = ops::results(&state.store, who, &poll, &options).await?;
    let runs = who.is_some_and(|w| ops::may_run(w, poll.district_id, poll.neighborhood_id));
    let council = who.is_some_and(|w| poll.neighborhood_id.is_some_and(|n| w.on_council(n)));
    let district_staff = who.is_some_and(|w| w.is_secretariat_for(Some(poll.district_id)));
    let invalid = !s.errors.is_empty();
    render_form(
        &ShowTemplate {
            p: Page::new(ctx, "polls", poll.title.clone()),
            phase: ops::phase(&poll, crate::http::clock::today()),
            poll,
            options,
            results,
            runs,
            council,
            district_staff,
            s,
        },
        invalid,
    )
}

#[derive(Deserialize)]
pub struct ShowQuery {
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    voted: bool,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let s = Shown {
        voted: q.voted,
        ..Default::default()
    };
    poll_page(&state, &ctx, id, s).await
}

/// Texts a resident their one-time code, then shows the ballot with their number filled in.
pub async fn send_code(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientKey(ip): ClientKey,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ops::CodeInput>,
) -> Result<Response, AppError> {
    let r = ops::send_code(
        &state.store,
        &state.ballots,
        &state.config.texts,
        &ip,
        id,
        &f,
    )
    .await;
    let s = match r {
        Ok(masked) => Shown {
            sent_to: Some(masked),
            mobile: f.mobile,
            ..Default::default()
        },
        Err(AppError::Invalid(e)) => Shown {
            errors: ctx.messages(e),
            mobile: f.mobile,
            ..Default::default()
        },
        Err(e) => return Err(e),
    };
    poll_page(&state, &ctx, id, s).await
}

/// The ballot as the form sends it: the chosen options repeat `option`.
pub async fn vote(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientKey(ip): ClientKey,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut options = Vec::new();
    for (k, v) in &pairs {
        if k == "option" {
            match mahalle_core::text::to_latin_digits(v.trim()).parse::<i64>() {
                Ok(o) => options.push(o),
                Err(_) => return Err(AppError::BadRequest("option".into())),
            }
        }
    }
    let input = ops::VoteInput {
        mobile: field("mobile"),
        code: field("code"),
        options,
    };
    match ops::vote(&state.store, &state.ballots, &ip, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/polls/{id}?voted=1")).into_response()),
        Err(AppError::Invalid(e)) => {
            let s = Shown {
                errors: ctx.messages(e),
                mobile: input.mobile,
                ..Default::default()
            };
            poll_page(&state, &ctx, id, s).await
        }
        Err(e) => Err(e),
    }
}

/// Staff at the neighborhood house issue a code to a resident they have checked.
pub async fn in_person(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ops::InPersonInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let s = match ops::in_person_code(&state.store, &state.ballots, &me.principal, id, &f).await {
        Ok(code) => Shown {
            issued: Some(code),
            ..Default::default()
        },
        Err(AppError::Invalid(e)) => Shown {
            errors: ctx.messages(e),
            ..Default::default()
        },
        Err(e) => return Err(e),
    };
    poll_page(&state, &ctx, id, s).await
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::publish(&state.store, &me.principal, id).await;
    back(&state, &ctx, id, r).await
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ops::PollAnswerInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::answer(&state.store, &me.principal, id, &f).await;
    back(&state, &ctx, id, r).await
}

async fn back(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    r: Result<(), AppError>,
) -> Result<Response, AppError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/polls/{id}")).into_response()),
        Err(AppError::Invalid(e)) => {
            let s = Shown {
                errors: ctx.messages(e),
                ..Default::default()
            };
            poll_page(state, ctx, id, s).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "poll_form.html")]
struct FormTemplate {
    p: Page,
    /// None: a new poll.
    id: Option<i64>,
    f: PollInput,
    errors: Vec<String>,
    places: Vec<(String, String)>,
    /// Open challenges offered as options: (id, title, neighborhood).
    candidates: Vec<(i64, String, String)>,
}

impl FormTemplate {
    fn place_value(&self) -> String {
        if self.f.neighborhood_id.trim().is_empty() {
            format!("d{}", self.f.district_id.trim())
        } else {
            format!("n{}", self.f.neighborhood_id.trim())
        }
    }
    fn place_label(&self) -> &str {
        let v = self.place_value();
        self.places
            .iter()
            .find(|(k, _)| *k == v)
            .map_or("", |(_, label)| label.as_str())
    }
    fn chosen(&self, c: &i64) -> bool {
        self.f.challenges.contains(c)
    }
}

/// The places `who` may open polls for, as the form's single picker: `d<id>` for a district,
/// `n<id>` for a neighborhood.
async fn places(state: &AppState, ctx: &Ctx, p: &Page) -> Result<Vec<(String, String)>, AppError> {
    let who = ctx.require_user()?.principal.clone();
    let mut out = Vec::new();
    for d in all_districts(state).await? {
        if ops::may_run(&who, d.id, None) {
            out.push((
                format!("d{}", d.id),
                format!(
                    "{} — {}",
                    p.district_name(d.number),
                    p.t("pl_whole_district")
                ),
            ));
        }
    }
    for n in mahalle_db::places::all_neighborhoods(&state.store).await? {
        if ops::may_run(&who, n.district_id, Some(n.id)) {
            out.push((
                format!("n{}", n.id),
                format!(
                    "{} — {}",
                    p.name(&n.name_fa, &n.name_en),
                    p.district_name(n.district_number)
                ),
            ));
        }
    }
    if out.is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok(out)
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    mut f: PollInput,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let p = Page::new(
        ctx,
        "polls",
        crate::http::i18n::t(ctx.lang, if id.is_some() { "pl_edit" } else { "pl_new" }),
    );
    let places = places(state, ctx, &p).await?;
    if f.district_id.trim().is_empty() && f.neighborhood_id.trim().is_empty() {
        // The first place offered, so that its challenges are listed.
        if let Some((v, _)) = places.first() {
            apply_place(&mut f, v);
        }
    }
    let district = f.district_id.trim().parse::<i64>().ok();
    let neighborhood = f.neighborhood_id.trim().parse::<i64>().ok();
    let district = match (district, neighborhood) {
        (_, Some(n)) => Some(
            mahalle_db::places::get_neighborhood(&state.store, n)
                .await?
                .district_id,
        ),
        (d, None) => d,
    };
    let candidates = match district {
        Some(d) => store_polls::candidate_challenges(&state.store, d, neighborhood).await?,
        None => Vec::new(),
    };
    let invalid = !errors.is_empty();
    render_form(
        &FormTemplate {
            p,
            id,
            f,
            errors,
            places,
            candidates,
        },
        invalid,
    )
}

/// The form's place picker (`d12` or `n345`) into the input's district and neighborhood.
fn apply_place(f: &mut PollInput, place: &str) {
    match place.split_at_checked(1) {
        Some(("d", id)) => {
            f.district_id = id.into();
            f.neighborhood_id.clear();
        }
        Some(("n", id)) => {
            f.neighborhood_id = id.into();
            f.district_id.clear();
        }
        _ => {}
    }
}

/// The form as posted: the place picker, the options' lines, and the challenges ticked.
fn input_from(pairs: &[(String, String)]) -> Result<PollInput, AppError> {
    let mut f = PollInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "place" => apply_place(&mut f, v.trim()),
            "title" => f.title = v.clone(),
            "question" => f.question = v.clone(),
            "opens_on" => f.opens_on = v.clone(),
            "closes_on" => f.closes_on = v.clone(),
            "max_choices" => f.max_choices = v.clone(),
            "options" => f.options = v.clone(),
            "challenge" => f.challenges.push(
                v.trim()
                    .parse()
                    .map_err(|_| AppError::BadRequest("challenge".into()))?,
            ),
            _ => {}
        }
    }
    Ok(f)
}

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    place: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let mut f = PollInput {
        max_choices: "1".into(),
        ..Default::default()
    };
    apply_place(&mut f, q.place.trim());
    form_page(&state, &ctx, None, f, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let f = input_from(&pairs)?;
    match ops::create(&state.store, &me.principal, &f).await {
        Ok(id) => Ok(Redirect::to(&format!("/polls/{id}")).into_response()),
        Err(AppError::Invalid(e)) => form_page(&state, &ctx, None, f, ctx.messages(e)).await,
        Err(e) => Err(e),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let poll = store_polls::get(&state.store, id).await?;
    let me = ctx.require_user()?;
    if !ops::may_run(&me.principal, poll.district_id, poll.neighborhood_id) {
        return Err(AppError::Forbidden);
    }
    let options = store_polls::options(&state.store, id).await?;
    let p = Page::new(&ctx, "polls", String::new());
    let f = PollInput {
        district_id: poll.district_id.to_string(),
        neighborhood_id: poll
            .neighborhood_id
            .map(|n| n.to_string())
            .unwrap_or_default(),
        title: poll.title,
        question: poll.question,
        opens_on: p.jdate(poll.opens_on),
        closes_on: p.jdate(poll.closes_on),
        max_choices: poll.max_choices.to_string(),
        options: options
            .iter()
            .filter(|o| o.challenge_id.is_none())
            .map(|o| o.title.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        challenges: options.iter().filter_map(|o| o.challenge_id).collect(),
    };
    form_page(&state, &ctx, Some(id), f, Vec::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let f = input_from(&pairs)?;
    match ops::update(&state.store, &me.principal, id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/polls/{id}")).into_response()),
        Err(AppError::Invalid(e)) => form_page(&state, &ctx, Some(id), f, ctx.messages(e)).await,
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ctx::Lang;

    #[test]
    fn strings_are_complete_and_do_not_clash() {
        for (k, fa, en) in STRINGS {
            assert!(!fa.is_empty() && !en.is_empty(), "{k}");
            assert_eq!(
                crate::http::i18n::t(Lang::Fa, k),
                *fa,
                "{k} is defined elsewhere too"
            );
        }
    }

    #[test]
    fn the_place_picker_names_a_district_or_a_neighborhood() {
        let mut f = PollInput::default();
        apply_place(&mut f, "n12");
        assert_eq!(
            (f.district_id.as_str(), f.neighborhood_id.as_str()),
            ("", "12")
        );
        apply_place(&mut f, "d3");
        assert_eq!(
            (f.district_id.as_str(), f.neighborhood_id.as_str()),
            ("3", "")
        );
        apply_place(&mut f, "");
        assert_eq!(f.district_id, "3");
    }
}
