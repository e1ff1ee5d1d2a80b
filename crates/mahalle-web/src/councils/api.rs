//! /api/v1 for council terms and elections, under the same checks and audit as the pages.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::councils::ops::{
    self, DepartureInput, ElectionInput, Given, OnboardingInput, OpenedAccount, TermInput,
};
use crate::http::api::{ApiResult, Created};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P, Q};
use crate::AppState;
use mahalle_db::councils::{
    self, CandidateRow, CouncilRow, Member, OnboardingRow, Recognition, Term,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_councils))
        .routes(routes!(open_everywhere))
        .routes(routes!(get_council, open_term))
        .routes(routes!(record_election))
        .routes(routes!(close_term))
        .routes(routes!(set_role))
        .routes(routes!(depart))
        .routes(routes!(thank))
        .routes(routes!(thank_all))
        .routes(routes!(get_recognition))
        .routes(routes!(onboarding))
        .routes(routes!(open_account))
        .routes(routes!(add_pillar))
        .routes(routes!(end_pillar))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CouncilParams {
    /// Only this district's councils (its id).
    pub district: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/councils", tag = "councils", params(CouncilParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<CouncilRow>)))]
/// Every current neighborhood council with its latest term (signed-in users).
async fn list_councils(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<CouncilParams>,
) -> ApiResult<Vec<CouncilRow>> {
    ctx.require_user()?;
    Ok(Json(
        councils::councils(&s.store, p.district, crate::today()).await?,
    ))
}

/// How many terms a city-wide opening made.
#[derive(Serialize, ToSchema)]
pub struct Opened {
    pub opened: usize,
}

#[utoipa::path(post, path = "/api/v1/councils/terms", tag = "councils", security(("bearer" = [])),
    request_body = TermInput,
    responses((status = 201, body = Opened), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Opens a term for every current neighborhood council at once (city-wide elections;
/// administrators): all or none.
async fn open_everywhere(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<TermInput>,
) -> Result<(StatusCode, Json<Opened>), AppError> {
    let me = ctx.require_api_writer()?;
    let opened = ops::open_terms_everywhere(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Opened { opened })))
}

/// A term with its members (current and past) and its election's candidates.
#[derive(Serialize, ToSchema)]
pub struct TermDetail {
    #[serde(flatten)]
    pub term: Term,
    pub current: bool,
    pub members: Vec<Member>,
    pub candidates: Vec<CandidateRow>,
    /// New members' onboarding, by membership.
    pub onboarding: Vec<OnboardingRow>,
}

#[utoipa::path(get, path = "/api/v1/councils/{id}", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<TermDetail>), (status = 404, body = ErrorBody)))]
/// A council's terms, newest first (signed-in users).
async fn get_council(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<Vec<TermDetail>> {
    ctx.require_user()?;
    Ok(Json(terms(&s, id).await?))
}

async fn terms(s: &AppState, body: i64) -> Result<Vec<TermDetail>, AppError> {
    mahalle_db::org::get(&s.store, body).await?;
    let mut out = Vec::new();
    let onboarding = councils::onboarding_of_body(&s.store, body).await?;
    for tm in councils::terms_with_members(&s.store, body, crate::today()).await? {
        out.push(TermDetail {
            onboarding: onboarding
                .iter()
                .filter(|o| tm.members.iter().any(|m| m.id == o.membership_id))
                .cloned()
                .collect(),
            candidates: councils::candidates_of(&s.store, tm.term.id).await?,
            term: tm.term,
            current: tm.current,
            members: tm.members,
        });
    }
    Ok(out)
}

#[utoipa::path(post, path = "/api/v1/councils/{id}/terms", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = TermInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Opens the council's next term; it may not overlap the latest.
async fn open_term(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<TermInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::open_term(&s.store, &me.principal, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

async fn terms_of_term(s: &AppState, term: i64) -> Result<Vec<TermDetail>, AppError> {
    terms(s, councils::get_term(&s.store, term).await?.body_id).await
}

#[utoipa::path(post, path = "/api/v1/terms/{id}/election", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ElectionInput,
    responses((status = 200, body = Vec<TermDetail>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records the term's election; the most voted become members, the next alternates in order.
async fn record_election(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ElectionInput>,
) -> ApiResult<Vec<TermDetail>> {
    let me = ctx.require_api_writer()?;
    ops::record_election(&s.store, &me.principal, id, &input).await?;
    Ok(Json(terms_of_term(&s, id).await?))
}

/// The day a term closes.
#[derive(Deserialize, ToSchema)]
pub struct CloseInput {
    /// Jalali or ISO.
    pub closed_on: String,
}

#[utoipa::path(post, path = "/api/v1/terms/{id}/close", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = CloseInput,
    responses((status = 200, body = Vec<TermDetail>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Closes the term: every membership ends that day. Once.
async fn close_term(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<CloseInput>,
) -> ApiResult<Vec<TermDetail>> {
    let me = ctx.require_api_writer()?;
    ops::close_term(&s.store, &me.principal, id, &input.closed_on).await?;
    Ok(Json(terms_of_term(&s, id).await?))
}

/// A member's office.
#[derive(Deserialize, ToSchema)]
pub struct OfficeInput {
    /// chair, vice_chair, secretary or member
    pub role: String,
}

async fn terms_of_membership(s: &AppState, id: i64) -> Result<Vec<TermDetail>, AppError> {
    terms(s, councils::body_of_membership(&s.store, id).await?).await
}

#[utoipa::path(put, path = "/api/v1/memberships/{id}/role", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = OfficeInput,
    responses((status = 200, body = Vec<TermDetail>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Gives a sitting member an office; one chair, vice-chair and secretary at a time.
async fn set_role(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<OfficeInput>,
) -> ApiResult<Vec<TermDetail>> {
    let me = ctx.require_api_writer()?;
    ops::set_role(&s.store, &me.principal, id, &input.role).await?;
    Ok(Json(terms_of_membership(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/memberships/{id}/departure", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = DepartureInput,
    responses((status = 200, body = Vec<TermDetail>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Ends a membership early (resigned, removed, deceased) with date and reason; a member's seat
/// goes to the first alternate in line.
async fn depart(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<DepartureInput>,
) -> ApiResult<Vec<TermDetail>> {
    let me = ctx.require_api_writer()?;
    ops::depart(&s.store, &me.principal, id, &input).await?;
    Ok(Json(terms_of_membership(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/memberships/{id}/recognition", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Given), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Thanks a former member (تقدیر): a recognition with a numbered certificate, once.
async fn thank(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> Result<(StatusCode, Json<Given>), AppError> {
    let me = ctx.require_api_writer()?;
    Ok((
        StatusCode::CREATED,
        Json(ops::thank(&s.store, &me.principal, id).await?),
    ))
}

/// How many former members were thanked.
#[derive(Serialize, ToSchema)]
pub struct Thanked {
    pub thanked: usize,
}

#[utoipa::path(post, path = "/api/v1/terms/{id}/recognitions", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Thanked), (status = 403, body = ErrorBody)))]
/// Thanks every member of the term whose service has ended and who is not thanked yet.
async fn thank_all(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<Thanked> {
    let me = ctx.require_api_writer()?;
    Ok(Json(Thanked {
        thanked: ops::thank_all(&s.store, &me.principal, id).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/recognitions/{id}", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Recognition), (status = 404, body = ErrorBody)))]
/// A recognition as its certificate shows it (signed-in users).
async fn get_recognition(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<Recognition> {
    ctx.require_user()?;
    Ok(Json(councils::recognition(&s.store, id).await?))
}

#[utoipa::path(post, path = "/api/v1/memberships/{id}/onboarding", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = OnboardingInput,
    responses((status = 200, body = Vec<TermDetail>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Marks a new member's onboarding step: orientation attended or contact verified.
async fn onboarding(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<OnboardingInput>,
) -> ApiResult<Vec<TermDetail>> {
    let me = ctx.require_api_writer()?;
    ops::onboarding_step(&s.store, &me.principal, id, &input).await?;
    Ok(Json(terms_of_membership(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/memberships/{id}/account", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = OpenedAccount), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Opens (or reopens with a new password) a sitting member's council account for their
/// neighborhood; the password is in this answer only.
async fn open_account(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> Result<
    (
        StatusCode,
        [(axum::http::HeaderName, &'static str); 1],
        Json<OpenedAccount>,
    ),
    AppError,
> {
    let me = ctx.require_api_writer()?;
    let a = ops::open_account(&s.store, &me.principal, id).await?;
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(a),
    ))
}

#[utoipa::path(post, path = "/api/v1/neighborhoods/{id}/pillars", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ops::pillars::PillarInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records that someone serves as a pillar of the neighborhood (manager, trustee, imam with the
/// mosque, people's group, elite) from a day.
async fn add_pillar(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ops::pillars::PillarInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::pillars::add_pillar(&s.store, &me.principal, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The day a pillar stops serving.
#[derive(Deserialize, ToSchema)]
pub struct PillarEnd {
    /// Jalali or ISO; today when empty.
    #[serde(default)]
    pub until: String,
}

#[utoipa::path(post, path = "/api/v1/pillars/{id}/end", tag = "councils", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = PillarEnd,
    responses((status = 200, body = mahalle_db::councils::Pillar), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records that a pillar stopped serving; the role stays in the neighborhood's history.
async fn end_pillar(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<PillarEnd>,
) -> ApiResult<mahalle_db::councils::Pillar> {
    let me = ctx.require_api_writer()?;
    ops::pillars::end_pillar(&s.store, &me.principal, id, &input.until).await?;
    Ok(Json(councils::get_pillar(&s.store, id).await?))
}
