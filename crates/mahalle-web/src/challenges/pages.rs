//! Neighborhood challenges on the web: the list (which needs repeat, which are answered) and one
//! challenge with its requests and the resolution that answers it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use mahalle_core::challenges::{ChallengePriority, ChallengeSource, ChallengeStatus};
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::challenges::{self as store_challenges, Challenge};
use mahalle_db::places::District;
use mahalle_db::requests::{self as store_requests, Filter, Request as ServiceRequest};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::page::all_districts;
use crate::http::page::{render, render_form, url_encode, ListView, Page};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("ch_challenges", "مسائل محله‌ها", "Neighborhood challenges"),
    (
        "ch_intro",
        "نیازهایی که شهروندان بارها درخواست کرده‌اند، و مصوبه‌ای که به آن‌ها پاسخ داده است.",
        "Needs that citizens keep raising, and the resolution that answers each.",
    ),
    ("ch_requests", "درخواست‌ها", "Requests"),
    ("ch_open_requests", "باز", "open"),
    ("ch_answered_by", "پاسخ در مصوبه", "Answered by resolution"),
    ("ch_unanswered", "هنوز مصوبه‌ای ندارد", "No resolution yet"),
    ("ch_all", "همه", "All"),
    ("ch_only_answered", "دارای مصوبه", "Answered"),
    ("ch_only_unanswered", "بدون مصوبه", "Not answered"),
    ("ch_all_domains", "همه حوزه‌ها", "All domains"),
    (
        "ch_none",
        "مسئله از صفحه یک درخواست ساخته می‌شود.",
        "A challenge is made from a request's page.",
    ),
    ("ch_linked_requests", "درخواست‌های مرتبط", "Linked requests"),
    (
        "ch_no_requests",
        "درخواستی که شما اجازه دیدنش را داشته باشید به این مسئله پیوند ندارد.",
        "No request you may see is linked to this challenge.",
    ),
    (
        "ch_set_resolution",
        "مصوبه پاسخ‌دهنده",
        "Answering resolution",
    ),
    (
        "ch_resolution_hint",
        "شماره مصوبه (مانند ۱۴۰۴/۲۳/۱۲) یا شناسه آن؛ برای حذف پیوند خالی بگذارید.",
        "The resolution's number (like 1404/23/12) or id; leave empty to remove the link.",
    ),
    ("ch_save", "ثبت", "Save"),
    ("ch_created", "ثبت مسئله", "Recorded"),
    ("ch_status", "وضعیت", "Status"),
    ("ch_all_statuses", "همه وضعیت‌ها", "All statuses"),
    ("ch_next_step", "گام بعد", "Next step"),
    (
        "ch_reason",
        "دلیل (برای رد، بازگشایی یا بازنگری لازم است)",
        "Reason (needed to reject, reopen or reconsider)",
    ),
    ("ch_move", "ثبت گام", "Record the step"),
    ("ch_history", "سابقه", "History"),
    ("ch_source", "منشأ", "Source"),
    ("ch_priority", "اولویت", "Priority"),
    ("ch_priority_reason", "دلیل اولویت", "Why this priority"),
    ("ch_owner", "سازمان مسئول", "Owning organisation"),
    (
        "ch_details",
        "منشأ، اولویت و مسئول",
        "Source, priority and owner",
    ),
    ("ch_endorsements", "تأیید شورایاری", "Council endorsements"),
    (
        "ch_endorse",
        "تأیید این چالش از سوی شورایاری",
        "Endorse for the council",
    ),
    (
        "ch_similar",
        "چالش‌های همانند در همین محله (احتمال تکرار)",
        "Similar challenges in this neighborhood (likely duplicates)",
    ),
    ("ch_raise", "طرح چالش تازه", "Raise a challenge"),
    ("ch_meeting", "برآمده از جلسه", "Outcome of the meeting"),
    ("ch_body", "شرح", "Description"),
    (
        "ch_confirm",
        "ثبت با وجود همانندها (این چالش دیگری است)",
        "Save anyway (this is another challenge)",
    ),
];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChallengeQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub district: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub neighborhood: Option<i64>,
    #[serde(default)]
    pub domain: String,
    /// "yes", "no" or empty.
    #[serde(default)]
    pub answered: String,
    /// A status's code, or empty for all.
    #[serde(default)]
    pub status: String,
}

impl ChallengeQuery {
    fn keep(&self) -> String {
        let mut s = String::new();
        if let Some(d) = self.district {
            s.push_str(&format!("&district={d}"));
        }
        if let Some(n) = self.neighborhood {
            s.push_str(&format!("&neighborhood={n}"));
        }
        for (k, v) in [
            ("domain", &self.domain),
            ("answered", &self.answered),
            ("status", &self.status),
        ] {
            if !v.is_empty() {
                s.push_str(&format!("&{k}={}", url_encode(v)));
            }
        }
        s
    }

    fn filter(&self) -> store_challenges::Filter {
        crate::challenges::ops::list_filter(
            self.district,
            self.neighborhood,
            &self.domain,
            &self.answered,
            &self.status,
        )
    }
}

#[derive(Template)]
#[template(path = "challenges.html")]
struct ListTemplate {
    p: Page,
    list: ListView,
    items: Vec<Challenge>,
    cq: ChallengeQuery,
    q: String,
    districts: Vec<District>,
    can_raise: bool,
}

impl ListTemplate {
    pub fn is_district(&self, id: &i64) -> bool {
        self.cq.district == Some(*id)
    }
    fn status_label(&self, s: &str) -> &'static str {
        status_label(&self.p, s)
    }
    fn statuses(&self) -> &'static [ChallengeStatus] {
        ChallengeStatus::ALL
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(cq): Query<ChallengeQuery>,
    Query(mut q): Query<ListQuery>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    // By default the needs raised most often come first.
    if q.sort.is_none() && q.dir.is_none() {
        q.dir = Some("desc".into());
    }
    let l = Listing::from_query(&q, store_challenges::SORTS);
    let page = store_challenges::list(&state.store, &cq.filter(), &l).await?;
    render(&ListTemplate {
        p: Page::new(
            &ctx,
            "challenges",
            crate::http::i18n::t(ctx.lang, "ch_challenges"),
        ),
        list: ListView::new("/challenges", cq.keep(), &l, &page),
        items: page.items,
        q: l.q.clone(),
        cq,
        districts: all_districts(&state).await?,
        can_raise: ctx.principal().is_some_and(|w| {
            w.has(mahalle_core::access::Role::CouncilMember) || w.may_record_meetings()
        }),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    pub resolution: String,
}

#[derive(Template)]
#[template(path = "challenge.html")]
struct ShowTemplate {
    p: Page,
    c: Challenge,
    requests: Vec<ServiceRequest>,
    more_requests: i64,
    can_answer: bool,
    errors: Vec<String>,
    f: AnswerForm,
    events: Vec<store_challenges::Event>,
    next: Vec<ChallengeStatus>,
    can_endorse: bool,
    similar: Vec<Challenge>,
    orgs: Vec<mahalle_db::org::Organisation>,
    /// Priority projects that answer it: (id, title, status).
    projects: Vec<(i64, String, String)>,
}

impl ShowTemplate {
    fn status_label(&self, s: &str) -> &'static str {
        status_label(&self.p, s)
    }
    fn project_status(&self, s: &str) -> &'static str {
        use mahalle_core::projects::ProjectStatus;
        self.coded(
            ProjectStatus::parse(s),
            ProjectStatus::label_fa,
            ProjectStatus::label_en,
        )
    }
    fn coded<T: Copy>(
        &self,
        v: Option<T>,
        fa: fn(T) -> &'static str,
        en: fn(T) -> &'static str,
    ) -> &'static str {
        match v {
            Some(v) if self.p.fa() => fa(v),
            Some(v) => en(v),
            None => "",
        }
    }
    fn source_label(&self, s: &str) -> &'static str {
        self.coded(
            ChallengeSource::parse(s),
            ChallengeSource::label_fa,
            ChallengeSource::label_en,
        )
    }
    fn priority_label(&self, s: &str) -> &'static str {
        self.coded(
            ChallengePriority::parse(s),
            ChallengePriority::label_fa,
            ChallengePriority::label_en,
        )
    }
    fn sources(&self) -> &'static [ChallengeSource] {
        ChallengeSource::ALL
    }
    fn priorities(&self) -> &'static [ChallengePriority] {
        ChallengePriority::ALL
    }
}

fn status_label(p: &Page, s: &str) -> &'static str {
    p.challenge_status(s)
}

async fn challenge_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<String>,
    f: AnswerForm,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let c = store_challenges::get(&state.store, id).await?;
    let reach = me.principal.reach();
    let filter = Filter {
        challenge_id: Some(id),
        reach: (!reach.all).then(|| reach.clone()),
        ..Default::default()
    };
    let l = Listing::from_query(
        &ListQuery {
            per_page: Some(100),
            sort: Some("requested".into()),
            ..Default::default()
        },
        store_requests::QUEUE_SORTS,
    );
    let page = store_requests::list(&state.store, &filter, &l, Utc::now()).await?;
    let invalid = !errors.is_empty();
    let others =
        store_challenges::keys_of_neighborhood(&state.store, c.neighborhood_id, id).await?;
    let own_key = mahalle_core::text::search_key(&c.title);
    let mut similar = Vec::new();
    for other in mahalle_core::challenges::likely_duplicates(&own_key, &others)
        .into_iter()
        .take(5)
    {
        similar.push(store_challenges::get(&state.store, other).await?);
    }
    let can_answer = me.principal.is_secretariat_for(Some(c.district_id));
    render_form(
        &ShowTemplate {
            p: Page::new(ctx, "challenges", c.title.clone()),
            events: store_challenges::events(&state.store, id).await?,
            next: mahalle_core::challenges::next_steps(
                ChallengeStatus::parse(&c.status).unwrap_or(ChallengeStatus::Raised),
            ),
            can_endorse: crate::challenges::ops::may_endorse(&me.principal, c.neighborhood_id),
            similar,
            projects: mahalle_db::projects::of_challenge(&state.store, id).await?,
            orgs: if can_answer {
                crate::http::page::all_orgs(state).await?
            } else {
                Vec::new()
            },
            can_answer,
            more_requests: page.total - page.items.len() as i64,
            requests: page.items,
            c,
            errors,
            f,
        },
        invalid,
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    challenge_page(&state, &ctx, id, Vec::new(), AnswerForm::default()).await
}

/// Records (or clears) the resolution that answers the challenge.
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match crate::challenges::ops::answer_with(&state.store, &me.principal, id, &f.resolution).await
    {
        Ok(_) => Ok(Redirect::to(&format!("/challenges/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            challenge_page(&state, &ctx, id, msgs, f).await
        }
        Err(e) => Err(e),
    }
}

/// Moves the challenge one step along its workflow.
pub async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<crate::challenges::ops::StatusInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = crate::challenges::ops::set_status(&state.store, &me.principal, id, &f).await;
    back(&state, &ctx, id, r).await
}

pub async fn set_details(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<crate::challenges::ops::DetailsInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = crate::challenges::ops::set_details(&state.store, &me.principal, id, &f).await;
    back(&state, &ctx, id, r).await
}

pub async fn endorse(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = crate::challenges::ops::endorse(&state.store, &me.principal, id).await;
    back(&state, &ctx, id, r).await
}

/// To the challenge's page, or its page with the operation's errors.
async fn back(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    r: Result<(), AppError>,
) -> Result<Response, AppError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/challenges/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            challenge_page(state, ctx, id, ctx.messages(fields), AnswerForm::default()).await
        }
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
}

#[derive(Template)]
#[template(path = "challenge_new.html")]
struct RaiseTemplate {
    p: Page,
    f: crate::challenges::ops::RaiseInput,
    errors: Vec<String>,
    /// The likely duplicates were named: offer to save anyway.
    offer_confirm: bool,
    neighborhoods: Vec<(String, String)>,
}

impl RaiseTemplate {
    fn sources(&self) -> &'static [ChallengeSource] {
        ChallengeSource::ALL
    }
    fn source_label(&self, s: &ChallengeSource) -> &'static str {
        if self.p.fa() {
            s.label_fa()
        } else {
            s.label_en()
        }
    }
}

async fn raise_page(
    state: &AppState,
    ctx: &Ctx,
    f: crate::challenges::ops::RaiseInput,
    errors: Vec<String>,
    offer_confirm: bool,
) -> Result<Response, AppError> {
    let who = ctx.require_user()?.principal.clone();
    let p = Page::new(
        ctx,
        "challenges",
        crate::http::i18n::t(ctx.lang, "ch_raise"),
    );
    let neighborhoods: Vec<(String, String)> = mahalle_db::places::all_neighborhoods(&state.store)
        .await?
        .into_iter()
        .filter(|n| crate::challenges::ops::may_raise(&who, n.id, n.district_id))
        .map(|n| {
            (
                n.id.to_string(),
                format!(
                    "{} — {}",
                    p.name(&n.name_fa, &n.name_en),
                    p.district_name(n.district_number)
                ),
            )
        })
        .collect();
    if neighborhoods.is_empty() {
        return Err(AppError::Forbidden);
    }
    let invalid = !errors.is_empty();
    render_form(
        &RaiseTemplate {
            p,
            f,
            errors,
            offer_confirm,
            neighborhoods,
        },
        invalid,
    )
}

#[derive(Deserialize)]
pub struct RaiseQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    neighborhood: Option<i64>,
}

/// The form to raise a challenge (council members in their neighborhood, the district's staff).
pub async fn raise_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RaiseQuery>,
) -> Result<Response, AppError> {
    let council = ctx
        .principal()
        .is_some_and(|w| w.has(mahalle_core::access::Role::CouncilMember));
    let f = crate::challenges::ops::RaiseInput {
        neighborhood_id: q.neighborhood.map(|n| n.to_string()).unwrap_or_default(),
        source: if council { "council" } else { "citizens" }.into(),
        ..Default::default()
    };
    raise_page(&state, &ctx, f, Vec::new(), false).await
}

pub async fn raise(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<crate::challenges::ops::RaiseInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match crate::challenges::ops::raise(&state.store, &me.principal, &f).await {
        // An outcome recorded from a meeting's page goes back to the meeting.
        Ok(_) if !f.meeting_id.trim().is_empty() => Ok(Redirect::to(&format!(
            "/meetings/{}#challenges",
            mahalle_core::text::to_latin_digits(f.meeting_id.trim())
        ))
        .into_response()),
        Ok(id) => Ok(Redirect::to(&format!("/challenges/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let duplicates = fields.iter().any(|e| e.field == "confirm");
            raise_page(&state, &ctx, f, ctx.messages(fields), duplicates).await
        }
        Err(e) => Err(e),
    }
}
