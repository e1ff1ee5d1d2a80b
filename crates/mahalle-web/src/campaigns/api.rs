//! /api/v1 for campaigns: list, start, read, edit, their coverage and their counts.

use crate::http::extract::P as Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::campaigns::ops::{self, CampaignDetail, CampaignInput, CampaignSaved, Coverage};
use crate::http::api::ApiResult;
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, Q};
use crate::indicators::ops::{ValueError, ValueInput, ValuesSaved};
use crate::AppState;
use mahalle_db::campaigns::Campaign;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(coverage))
        .routes(routes!(save_values))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignListParams {
    /// Words of the code or names.
    #[serde(default)]
    pub q: String,
}

/// A campaign in a list, with where it stands today.
#[derive(Serialize, ToSchema)]
pub struct CampaignRow {
    #[serde(flatten)]
    pub campaign: Campaign,
    /// upcoming, running or ended
    pub stage: String,
}

#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", params(CampaignListParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<CampaignRow>), (status = 401, body = ErrorBody)))]
/// Campaigns, the latest first (signed-in users).
async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<CampaignListParams>,
) -> ApiResult<Vec<CampaignRow>> {
    ctx.require_user()?;
    Ok(Json(
        ops::list(&s.store, &p.q)
            .await?
            .into_iter()
            .map(|(campaign, stage)| CampaignRow {
                campaign,
                stage: stage.as_str().into(),
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", security(("bearer" = [])), request_body = CampaignInput,
    responses((status = 201, body = CampaignSaved), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Starts a campaign (the city's secretariat, or a liaison of the owning headquarters).
async fn create(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<CampaignInput>,
) -> Result<(StatusCode, Json<CampaignSaved>), AppError> {
    let me = ctx.require_api_writer()?;
    Ok((
        StatusCode::CREATED,
        Json(ops::create(&s.store, me, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = CampaignDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// A campaign with its partners and its indicators' targets.
async fn get(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> ApiResult<CampaignDetail> {
    ctx.require_user()?;
    Ok(Json(ops::load(&s.store, id).await?))
}

#[utoipa::path(put, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)), security(("bearer" = [])), request_body = CampaignInput,
    responses((status = 200, body = CampaignSaved), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Changes a campaign, its partners and its indicators (all fields are sent, as on the form).
async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    J(input): J<CampaignInput>,
) -> ApiResult<CampaignSaved> {
    let me = ctx.require_api_writer()?;
    Ok(Json(ops::update(&s.store, me, id, &input).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageParams {
    /// The indicator read place by place (its id); the campaign's first when left out.
    pub indicator: Option<i64>,
    /// One district's neighborhoods instead of the city's districts (its id).
    pub district: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/coverage", tag = "campaigns", params(("id" = i64, Path), CoverageParams), security(("bearer" = [])),
    responses((status = 200, body = Coverage), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// The campaign's coverage over its span: each indicator at the city (or a district) against
/// the campaign's target, one indicator place by place and period by period, and the places
/// more than a tenth short of the target. Totals are computed from the counts.
async fn coverage(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Q(p): Q<CoverageParams>,
) -> ApiResult<Coverage> {
    ctx.require_user()?;
    Ok(Json(
        ops::coverage(&s.store, id, p.indicator, p.district).await?,
    ))
}

/// A campaign's counts to set, all or none.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CampaignValues {
    pub values: Vec<ValueInput>,
}

#[utoipa::path(put, path = "/api/v1/campaigns/{id}/values", tag = "campaigns", params(("id" = i64, Path)), security(("bearer" = [])), request_body = CampaignValues,
    responses((status = 200, body = ValuesSaved), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Sets counts of the campaign's data elements, as `PUT /api/v1/data-values`; a count for a
/// period the campaign does not span is refused, and then none is saved.
async fn save_values(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    J(input): J<CampaignValues>,
) -> ApiResult<ValuesSaved> {
    let me = ctx.require_api_writer()?;
    match ops::save_values(&s.store, me, id, &input.values).await? {
        Ok(saved) => Ok(Json(saved)),
        Err(problems) => Err(AppError::Invalid(
            problems.iter().map(ValueError::as_field).collect(),
        )),
    }
}
