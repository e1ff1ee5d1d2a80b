//! /api/v1 for residents' polls: anyone reads polls, asks for a code and votes (a resident's
//! app); those who run a poll open, edit and publish it and answer its results with a token.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use mahalle_core::paging::Listing;
use mahalle_db::polls::{self as store_polls, Poll};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, Created, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{ClientKey, J, P, Q};
use crate::polls::ops;
use crate::AppState;

page_type!(PollPage, Poll);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_polls, create_poll))
        .routes(routes!(get_poll, update_poll))
        .routes(routes!(request_code))
        .routes(routes!(cast_vote))
        .routes(routes!(in_person_code))
        .routes(routes!(publish))
        .routes(routes!(answer))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PollParams {
    pub district: Option<i64>,
    pub neighborhood: Option<i64>,
    /// scheduled, open, closed or published (by the city's date)
    pub phase: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/polls", tag = "polls", params(PollParams, ListParams),
    responses((status = 200, body = PollPage), (status = 400, body = ErrorBody)))]
/// Residents' polls, newest first by default (sort: opens, closes, voters). Public.
async fn list_polls(
    State(s): State<AppState>,
    Q(p): Q<PollParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<PollPage> {
    let mut q = lp.query();
    if q.sort.is_none() && q.dir.is_none() {
        q.dir = Some("desc".into());
    }
    let l = Listing::from_query(&q, store_polls::SORTS);
    let f = ops::list_filter(
        p.district,
        p.neighborhood,
        p.phase.as_deref().unwrap_or_default(),
    );
    Ok(Json(store_polls::list(&s.store, &f, &l).await?.into()))
}

/// One option of a poll's ballot.
#[derive(Serialize, ToSchema)]
pub struct Choice {
    pub id: i64,
    pub position: i64,
    pub challenge_id: Option<i64>,
    pub title: String,
}

/// An option's result.
#[derive(Serialize, ToSchema)]
pub struct RankedChoice {
    pub id: i64,
    pub title: String,
    pub challenge_id: Option<i64>,
    pub votes: i64,
    /// Share of the voters who chose it, in tenths of a percent.
    pub share_permille: i64,
}

/// A poll's results: shown to everyone once published, to those who run it once it has ended.
#[derive(Serialize, ToSchema)]
pub struct PollResults {
    pub voters: i64,
    /// Voters per thousand residents asked, when the population is known.
    pub turnout_permille: Option<i64>,
    pub by_text: i64,
    pub in_person: i64,
    /// Most votes first.
    pub ranked: Vec<RankedChoice>,
}

/// A poll with its ballot and, when they may be seen, its results.
#[derive(Serialize, ToSchema)]
pub struct PollDetail {
    pub poll: Poll,
    /// scheduled, open, closed or published
    pub phase: String,
    pub options: Vec<Choice>,
    pub results: Option<PollResults>,
}

async fn detail(s: &AppState, ctx: &Ctx, id: i64) -> Result<PollDetail, AppError> {
    let poll = store_polls::get(&s.store, id).await?;
    let options = store_polls::options(&s.store, id).await?;
    let results = ops::results(&s.store, ctx.principal(), &poll, &options)
        .await?
        .map(|r| PollResults {
            voters: r.voters,
            turnout_permille: r.turnout_permille,
            by_text: r.by_text,
            in_person: r.in_person,
            ranked: r
                .ranked
                .into_iter()
                .map(|(o, votes, share)| RankedChoice {
                    id: o.id,
                    title: o.title,
                    challenge_id: o.challenge_id,
                    votes,
                    share_permille: share,
                })
                .collect(),
        });
    Ok(PollDetail {
        phase: ops::phase(&poll, crate::http::clock::today())
            .as_str()
            .into(),
        poll,
        options: options
            .into_iter()
            .map(|o| Choice {
                id: o.id,
                position: o.position,
                challenge_id: o.challenge_id,
                title: o.title,
            })
            .collect(),
        results,
    })
}

#[utoipa::path(get, path = "/api/v1/polls/{id}", tag = "polls", params(("id" = i64, Path)),
    responses((status = 200, body = PollDetail), (status = 404, body = ErrorBody)))]
/// A poll, its options and (once they may be seen) its results. Public.
async fn get_poll(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<PollDetail> {
    Ok(Json(detail(&s, &ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/polls", tag = "polls", security(("bearer" = [])),
    request_body = ops::PollInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Opens a poll of a neighborhood (its council members, its district's secretariat) or of a
/// district (its secretariat) for a period starting today or later.
async fn create_poll(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<ops::PollInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::create(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(put, path = "/api/v1/polls/{id}", tag = "polls", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ops::PollInput,
    responses((status = 200, body = PollDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Rewrites a poll before its first day.
async fn update_poll(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ops::PollInput>,
) -> ApiResult<PollDetail> {
    let me = ctx.require_api_writer()?;
    ops::update(&s.store, &me.principal, id, &input).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}

/// Where a code went.
#[derive(Serialize, ToSchema)]
pub struct CodeSent {
    /// The number, partly hidden: 0912***4567.
    pub sent_to: String,
}

#[utoipa::path(post, path = "/api/v1/polls/{id}/codes", tag = "polls", params(("id" = i64, Path)),
    request_body = ops::CodeInput,
    responses((status = 202, body = CodeSent), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
/// Texts a one-time code to a resident's mobile for this open poll (one a minute, five a poll).
/// Public.
async fn request_code(
    State(s): State<AppState>,
    ClientKey(ip): ClientKey,
    P(id): P<i64>,
    J(input): J<ops::CodeInput>,
) -> Result<(StatusCode, Json<CodeSent>), AppError> {
    let sent_to = ops::send_code(&s.store, &s.ballots, &s.config.texts, &ip, id, &input).await?;
    Ok((StatusCode::ACCEPTED, Json(CodeSent { sent_to })))
}

#[utoipa::path(post, path = "/api/v1/polls/{id}/votes", tag = "polls", params(("id" = i64, Path)),
    request_body = ops::VoteInput,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
/// Casts a resident's secret vote with their code: once per poll. Public.
async fn cast_vote(
    State(s): State<AppState>,
    ClientKey(ip): ClientKey,
    P(id): P<i64>,
    J(input): J<ops::VoteInput>,
) -> Result<StatusCode, AppError> {
    ops::vote(&s.store, &s.ballots, &ip, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A code issued at the neighborhood house.
#[derive(Serialize, ToSchema)]
pub struct IssuedCode {
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/polls/{id}/in-person-codes", tag = "polls", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ops::InPersonInput,
    responses((status = 201, body = IssuedCode), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Issues a code to a resident checked in person (by mobile number or national code); shown
/// once.
async fn in_person_code(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ops::InPersonInput>,
) -> Result<(StatusCode, Json<IssuedCode>), AppError> {
    let me = ctx.require_api_writer()?;
    let code = ops::in_person_code(&s.store, &s.ballots, &me.principal, id, &input).await?;
    Ok((StatusCode::CREATED, Json(IssuedCode { code })))
}

#[utoipa::path(post, path = "/api/v1/polls/{id}/publish", tag = "polls", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PollDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Publishes an ended poll's results, with turnout.
async fn publish(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<PollDetail> {
    let me = ctx.require_api_writer()?;
    ops::publish(&s.store, &me.principal, id).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/polls/{id}/answer", tag = "polls", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ops::PollAnswerInput,
    responses((status = 200, body = PollDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records the council's (`by: council`) or the district's (`by: district`) answer to the
/// published results.
async fn answer(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ops::PollAnswerInput>,
) -> ApiResult<PollDetail> {
    let me = ctx.require_api_writer()?;
    ops::answer(&s.store, &me.principal, id, &input).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}
