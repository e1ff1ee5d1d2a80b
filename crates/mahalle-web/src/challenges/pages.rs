//! Neighborhood challenges on the web: the list (which needs repeat, which are answered) and one
//! challenge with its requests and the resolution that answers it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
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
        for (k, v) in [("domain", &self.domain), ("answered", &self.answered)] {
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
}

impl ListTemplate {
    pub fn is_district(&self, id: &i64) -> bool {
        self.cq.district == Some(*id)
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
    render_form(
        &ShowTemplate {
            p: Page::new(ctx, "challenges", c.title.clone()),
            can_answer: me.principal.is_secretariat_for(Some(c.district_id)),
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
