//! /api/v1 for the staff side of citizens' requests: the queue, one request with its history,
//! and the staff steps. Reads work with a session or a token; steps need a token. The rules
//! are the pages' (`requests::ops`), so a client sees and may do exactly what the page allows.

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use mahalle_core::paging::Listing;
use mahalle_db::requests::{self as store_requests, Contact, Event, Request};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P, Q};
use crate::requests::ops;
use crate::AppState;

page_type!(RequestPage, Request);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests))
        .routes(routes!(get_request))
        .routes(routes!(act))
        .routes(routes!(challenge))
        .routes(routes!(publication))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only requests with this organisation.
    pub org: Option<i64>,
    /// Only this category (service id).
    pub service: Option<i64>,
    /// Only this district (id).
    pub district: Option<i64>,
    /// submitted, accepted, closed, rejected, or `open` (submitted or accepted).
    pub status: Option<String>,
    /// `true`: only open requests past their deadline.
    pub overdue: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(QueueParams, ListParams), security(("bearer" = [])),
    responses((status = 200, body = RequestPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
/// The staff queue, limited to what the caller may see; sort by `due`, `requested`, `status`
/// or `updated`.
async fn list_requests(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<QueueParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<RequestPage> {
    let me = ctx.require_user()?;
    let filter = ops::queue_filter(
        &me.principal,
        p.org,
        p.service,
        p.district,
        p.status.as_deref().unwrap_or_default(),
        p.overdue.unwrap_or(false),
    );
    let l = Listing::from_query(&lp.query(), store_requests::QUEUE_SORTS);
    Ok(Json(
        store_requests::list(&s.store, &filter, &l, Utc::now())
            .await?
            .into(),
    ))
}

/// A request with its whole history, as staff see it.
#[derive(Serialize, ToSchema)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub request: Request,
    /// Whether the caller may take the staff steps.
    pub can_act: bool,
    /// The citizen's contact, for those who handle it and the city's secretariat.
    pub contact: Option<Contact>,
    pub events: Vec<Event>,
}

async fn detail(s: &AppState, ctx: &Ctx, id: i64) -> Result<RequestDetail, AppError> {
    let me = ctx.require_user()?;
    let v = ops::staff_view(&s.store, &me.principal, id).await?;
    Ok(RequestDetail {
        events: store_requests::events(&s.store, id, false).await?,
        request: v.request,
        can_act: v.can_act,
        contact: v.contact,
    })
}

#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = RequestDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_request(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<RequestDetail> {
    Ok(Json(detail(&s, &ctx, id).await?))
}

/// The steps staff take on a request (how the document lists `action`'s choices).
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum StepAction {
    Accept,
    Reassign,
    Respond,
    Close,
    Reject,
    Reopen,
}

/// A staff step on a request.
#[derive(Deserialize, ToSchema)]
pub struct StepInput {
    /// accept, reassign, respond, close, reject or reopen.
    #[schema(value_type = StepAction)]
    pub action: String,
    /// The reason, response or answer the step records (required by all but `accept`).
    #[serde(default)]
    pub note: String,
    /// For `reassign`: the organisation the request goes to.
    pub organisation_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/steps", tag = "requests", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = StepInput,
    responses((status = 200, body = RequestDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Takes a staff step (the same workflow and audit as the request's page).
async fn act(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<StepInput>,
) -> ApiResult<RequestDetail> {
    let me = ctx.require_api_writer()?;
    let action = ops::parse_action(&input.action, &input.note, input.organisation_id)?;
    ops::act(&s.store, &me.principal, id, action).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}

/// What a request becomes, or joins: a neighborhood challenge.
#[derive(Deserialize, ToSchema)]
pub struct ChallengeInput {
    /// A new challenge of the request's neighborhood with this title; or
    pub title: Option<String>,
    /// an existing challenge of the same district to join; neither unlinks the request.
    pub challenge_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/challenge", tag = "requests", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ChallengeInput,
    responses((status = 200, body = RequestDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Raises a request as a neighborhood challenge, or links it to one (those who handle it), as on
/// the request's page.
async fn challenge(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ChallengeInput>,
) -> ApiResult<RequestDetail> {
    let me = ctx.require_api_writer()?;
    match input.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => {
            ops::create_from_request(&s.store, &me.principal, id, t).await?;
        }
        _ => ops::link_request(&s.store, &me.principal, id, input.challenge_id).await?,
    }
    Ok(Json(detail(&s, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PublicationInput {
    /// true: the request's description, address, photo and exact location may be published
    /// over Open311 (its category permitting; never for a rejected request); false: withdraw.
    pub cleared: bool,
}

#[utoipa::path(put, path = "/api/v1/requests/{id}/publication", tag = "requests", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = PublicationInput,
    responses((status = 200, body = RequestDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Clears a request's own words for publication, or withdraws them (those who handle it), as on
/// the request's page; recorded in its history and the audit log.
async fn publication(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<PublicationInput>,
) -> ApiResult<RequestDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_cleared(&s.store, &me.principal, id, input.cleared).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}
