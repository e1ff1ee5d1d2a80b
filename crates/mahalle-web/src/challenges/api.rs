//! /api/v1 for neighborhood challenges: read by all staff; the secretariat records the
//! resolution that answers one (with a token).

use axum::extract::State;
use axum::Json;
use mahalle_core::paging::Listing;
use mahalle_db::challenges::{self as store_challenges, Challenge};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::challenges::ops;
use crate::http::api::{page_type, ApiResult, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::ErrorBody;
use crate::http::extract::{J, P, Q};
use crate::AppState;

page_type!(ChallengePage, Challenge);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_challenges, raise))
        .routes(routes!(get_challenge))
        .routes(routes!(answer))
        .routes(routes!(set_status))
        .routes(routes!(set_details))
        .routes(routes!(endorse))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChallengeParams {
    pub district: Option<i64>,
    pub neighborhood: Option<i64>,
    /// A domain code, e.g. `urban_services`.
    pub domain: Option<String>,
    /// `yes`: answered by a resolution; `no`: not yet.
    pub answered: Option<String>,
    /// raised, accepted, planned, being_solved, solved or rejected
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/challenges", tag = "challenges", params(ChallengeParams, ListParams), security(("bearer" = [])),
    responses((status = 200, body = ChallengePage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
/// Challenges of the neighborhoods, with how many requests raised each.
async fn list_challenges(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<ChallengeParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<ChallengePage> {
    ctx.require_user()?;
    let f = ops::list_filter(
        p.district,
        p.neighborhood,
        p.domain.as_deref().unwrap_or_default(),
        p.answered.as_deref().unwrap_or_default(),
        p.status.as_deref().unwrap_or_default(),
    );
    let l = Listing::from_query(&lp.query(), store_challenges::SORTS);
    Ok(Json(store_challenges::list(&s.store, &f, &l).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/challenges/{id}", tag = "challenges", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Challenge), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_challenge(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<Challenge> {
    ctx.require_user()?;
    Ok(Json(store_challenges::get(&s.store, id).await?))
}

/// The resolution that answers a challenge.
#[derive(Deserialize, ToSchema)]
pub struct AnswerInput {
    /// Its number («۱۴۰۴/۲۳/۱۲» or 1404/23/12) or id; empty clears the link.
    #[serde(default)]
    pub resolution: String,
}

#[utoipa::path(post, path = "/api/v1/challenges/{id}/resolution", tag = "challenges", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = AnswerInput,
    responses((status = 200, body = Challenge), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Records (or clears) the resolution that answers the challenge (its district's secretariat).
async fn answer(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<AnswerInput>,
) -> ApiResult<Challenge> {
    let me = ctx.require_api_writer()?;
    ops::answer_with(&s.store, &me.principal, id, &input.resolution).await?;
    Ok(Json(store_challenges::get(&s.store, id).await?))
}

#[utoipa::path(post, path = "/api/v1/challenges/{id}/status", tag = "challenges", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ops::StatusInput,
    responses((status = 200, body = Challenge), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Moves the challenge one step: raised → accepted → planned → being solved → solved, or
/// rejected (with a reason); a solved one reopened, a rejected one reconsidered (with a reason).
async fn set_status(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ops::StatusInput>,
) -> ApiResult<Challenge> {
    let me = ctx.require_api_writer()?;
    ops::set_status(&s.store, &me.principal, id, &input).await?;
    Ok(Json(store_challenges::get(&s.store, id).await?))
}

#[utoipa::path(put, path = "/api/v1/challenges/{id}/details", tag = "challenges", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ops::DetailsInput,
    responses((status = 200, body = Challenge), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Sets where the challenge came from, its priority (with the reason) and its owner.
async fn set_details(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ops::DetailsInput>,
) -> ApiResult<Challenge> {
    let me = ctx.require_api_writer()?;
    ops::set_details(&s.store, &me.principal, id, &input).await?;
    Ok(Json(store_challenges::get(&s.store, id).await?))
}

#[utoipa::path(post, path = "/api/v1/challenges/{id}/endorsement", tag = "challenges", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Challenge), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// A council member of the challenge's neighborhood endorses it (once).
async fn endorse(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<Challenge> {
    let me = ctx.require_api_writer()?;
    ops::endorse(&s.store, &me.principal, id).await?;
    Ok(Json(store_challenges::get(&s.store, id).await?))
}

#[utoipa::path(post, path = "/api/v1/challenges", tag = "challenges", security(("bearer" = [])),
    request_body = ops::RaiseInput,
    responses((status = 201, body = crate::http::api::Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Raises a challenge in a neighborhood (its council members; the district's secretariat).
/// Likely duplicates of the neighborhood are named and nothing is saved unless `confirm` is true.
async fn raise(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<ops::RaiseInput>,
) -> Result<(axum::http::StatusCode, Json<crate::http::api::Created>), crate::http::error::AppError>
{
    let me = ctx.require_api_writer()?;
    let id = ops::raise(&s.store, &me.principal, &input).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(crate::http::api::Created { id }),
    ))
}
