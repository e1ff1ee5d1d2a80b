//! /api/v1 for occasions: list a year's, record and edit one, set its places and counts.

use crate::http::extract::P as Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::ApiResult;
use crate::http::api::Created;
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, Q};
use crate::occasions::ops::{self, OccasionDetail, OccasionInput, PlaceInput};
use crate::AppState;
use mahalle_db::occasions::Occasion;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(set_places))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OccasionListParams {
    /// The Jalali year (this year when left out).
    pub year: Option<i32>,
    /// Words of the code or names.
    #[serde(default)]
    pub q: String,
}

/// An occasion with the same occasion the year before.
#[derive(Serialize, ToSchema)]
pub struct OccasionRow {
    #[serde(flatten)]
    pub occasion: Occasion,
    pub year_before: Option<Occasion>,
}

#[utoipa::path(get, path = "/api/v1/occasions", tag = "occasions", params(OccasionListParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<OccasionRow>), (status = 401, body = ErrorBody)))]
/// A Jalali year's occasions, the latest first, each with the same occasion the year before.
async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<OccasionListParams>,
) -> ApiResult<Vec<OccasionRow>> {
    ctx.require_user()?;
    let year = p
        .year
        .unwrap_or_else(|| mahalle_core::jalali::JalaliDate::from_gregorian(crate::today()).year)
        .clamp(1300, 1500);
    let y = mahalle_core::indicators::Period::parse(&year.to_string())
        .map_err(|e| AppError::Invalid(vec![e]))?;
    Ok(Json(
        ops::list(&s.store, &p.q, y.start, y.end())
            .await?
            .into_iter()
            .map(|(occasion, year_before)| OccasionRow {
                occasion,
                year_before,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/occasions", tag = "occasions", security(("bearer" = [])), request_body = OccasionInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records an occasion (the city's secretariat; a district's own also its mayor).
async fn create(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<OccasionInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    Ok((
        StatusCode::CREATED,
        Json(ops::create(&s.store, me, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/occasions/{id}", tag = "occasions", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = OccasionDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// An occasion with its organisers and places, each place's count beside the same place's
/// the year before, and the total's change.
async fn get(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> ApiResult<OccasionDetail> {
    ctx.require_user()?;
    Ok(Json(ops::detail(&s.store, id).await?))
}

#[utoipa::path(put, path = "/api/v1/occasions/{id}", tag = "occasions", params(("id" = i64, Path)), security(("bearer" = [])), request_body = OccasionInput,
    responses((status = 200, body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Changes an occasion (all fields are sent, as on the form).
async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    J(input): J<OccasionInput>,
) -> ApiResult<Created> {
    let me = ctx.require_api_writer()?;
    Ok(Json(ops::update(&s.store, me, id, &input).await?))
}

/// The places of an occasion, replacing those recorded (an empty list removes them all).
#[derive(Debug, Deserialize, ToSchema)]
pub struct OccasionPlaces {
    pub places: Vec<PlaceInput>,
}

#[utoipa::path(put, path = "/api/v1/occasions/{id}/places", tag = "occasions", params(("id" = i64, Path)), security(("bearer" = [])), request_body = OccasionPlaces,
    responses((status = 200, body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Replaces the places the occasion was held and the people counted at each, all or none:
/// every problem is named with its item ("Item 3: …").
async fn set_places(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    J(input): J<OccasionPlaces>,
) -> ApiResult<Created> {
    let me = ctx.require_api_writer()?;
    Ok(Json(
        ops::set_places(&s.store, me, id, &input.places).await?,
    ))
}
