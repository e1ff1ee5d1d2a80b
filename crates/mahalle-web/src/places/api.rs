//! /api/v1 for districts and neighborhoods (with their councils and pillars): read by anyone;
//! kept (created, edited, boundaries, retired) under the same checks and audit as the pages.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, Created, ListParams, RetiredParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P, Q};
use crate::places::ops::{self, DistrictInput, NeighborhoodInput};
use crate::AppState;
use mahalle_core::paging::Listing;
use mahalle_db::councils::{self, Pillar, TermMembers};
use mahalle_db::org::{self, Organisation};
use mahalle_db::places::{self, District, Neighborhood, PlaceKind};

page_type!(DistrictPage, District);
page_type!(NeighborhoodPage, Neighborhood);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_districts, create_district))
        .routes(routes!(get_district, save_district))
        .routes(routes!(set_district_boundary, remove_district_boundary))
        .routes(routes!(retire_district))
        .routes(routes!(reinstate_district))
        .routes(routes!(list_neighborhoods, create_neighborhood))
        .routes(routes!(get_neighborhood, save_neighborhood))
        .routes(routes!(
            set_neighborhood_boundary,
            remove_neighborhood_boundary
        ))
        .routes(routes!(retire_neighborhood))
        .routes(routes!(reinstate_neighborhood))
}

#[utoipa::path(get, path = "/api/v1/districts", tag = "places", params(RetiredParams, ListParams),
    responses((status = 200, body = DistrictPage), (status = 400, body = ErrorBody)))]
/// Districts; sort by `number`, `population` or `neighborhoods`.
async fn list_districts(
    State(s): State<AppState>,
    Q(r): Q<RetiredParams>,
    Q(p): Q<ListParams>,
) -> ApiResult<DistrictPage> {
    let l = Listing::from_query(&p.query(), places::DISTRICT_SORTS);
    Ok(Json(
        places::list_districts(&s.store, r.retired.unwrap_or(false), &l)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/districts", tag = "places", security(("bearer" = [])),
    request_body = DistrictInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Adds a district (administrators).
async fn create_district(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<DistrictInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::create_district(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A district with its boundary (GeoJSON), if recorded.
#[derive(Serialize, ToSchema)]
pub struct DistrictDetail {
    #[serde(flatten)]
    pub district: District,
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
}

#[utoipa::path(get, path = "/api/v1/districts/{id}", tag = "places", params(("id" = i64, Path)),
    responses((status = 200, body = DistrictDetail), (status = 404, body = ErrorBody)))]
async fn get_district(State(s): State<AppState>, P(id): P<i64>) -> ApiResult<DistrictDetail> {
    Ok(Json(district_detail(&s, id).await?))
}

async fn district_detail(s: &AppState, id: i64) -> Result<DistrictDetail, AppError> {
    let district = places::get_district(&s.store, id).await?;
    let boundary = places::district_boundary(&s.store, id)
        .await?
        .and_then(|b| serde_json::from_str(&b).ok());
    Ok(DistrictDetail { district, boundary })
}

#[utoipa::path(put, path = "/api/v1/districts/{id}", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = DistrictInput,
    responses((status = 200, body = DistrictDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Saves a district's details (administrators; its own mayor all but the code and number).
async fn save_district(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<DistrictInput>,
) -> ApiResult<DistrictDetail> {
    let me = ctx.require_api_writer()?;
    ops::save_district(&s.store, &me.principal, id, &input).await?;
    Ok(Json(district_detail(&s, id).await?))
}

/// Reads a boundary body as text: a GeoJSON Polygon, MultiPolygon, Feature or one-feature
/// FeatureCollection, sent as `application/json` or `application/geo+json`.
fn boundary_text(body: &Bytes) -> Result<&str, AppError> {
    std::str::from_utf8(body).map_err(|_| {
        AppError::Invalid(vec![
            mahalle_core::places::BoundaryError::NotJson.field_error()
        ])
    })
}

#[utoipa::path(put, path = "/api/v1/districts/{id}/boundary", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body(content = Object, description = "A GeoJSON Polygon or MultiPolygon (or a Feature, or a FeatureCollection of one Feature), longitude first."),
    responses((status = 200, body = DistrictDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Sets the district's boundary; refused unless it is a valid polygon.
async fn set_district_boundary(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    body: Bytes,
) -> ApiResult<DistrictDetail> {
    let me = ctx.require_api_writer()?;
    let text = boundary_text(&body)?;
    ops::set_boundary(&s.store, &me.principal, PlaceKind::District, id, Some(text)).await?;
    Ok(Json(district_detail(&s, id).await?))
}

#[utoipa::path(delete, path = "/api/v1/districts/{id}/boundary", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DistrictDetail), (status = 403, body = ErrorBody)))]
/// Removes the district's boundary.
async fn remove_district_boundary(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<DistrictDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_boundary(&s.store, &me.principal, PlaceKind::District, id, None).await?;
    Ok(Json(district_detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/districts/{id}/retire", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DistrictDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Retires a district with no current neighborhoods (administrators); it stays findable.
async fn retire_district(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<DistrictDetail> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, PlaceKind::District, id, true).await?;
    Ok(Json(district_detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/districts/{id}/reinstate", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DistrictDetail), (status = 403, body = ErrorBody)))]
/// Makes a retired district current again (administrators).
async fn reinstate_district(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<DistrictDetail> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, PlaceKind::District, id, false).await?;
    Ok(Json(district_detail(&s, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeighborhoodParams {
    /// Only neighborhoods of this district (its id).
    pub district: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/neighborhoods", tag = "places", params(NeighborhoodParams, RetiredParams, ListParams),
    responses((status = 200, body = NeighborhoodPage), (status = 400, body = ErrorBody)))]
/// Neighborhoods; sort by `name`, `code`, `population` or `district`.
async fn list_neighborhoods(
    State(s): State<AppState>,
    Q(p): Q<NeighborhoodParams>,
    Q(r): Q<RetiredParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<NeighborhoodPage> {
    let l = Listing::from_query(&lp.query(), places::NEIGHBORHOOD_SORTS);
    Ok(Json(
        places::list_neighborhoods(&s.store, p.district, r.retired.unwrap_or(false), &l)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/neighborhoods", tag = "places", security(("bearer" = [])),
    request_body = NeighborhoodInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Adds a neighborhood to a district (administrators; the district's mayor).
async fn create_neighborhood(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<NeighborhoodInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::create_neighborhood(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A neighborhood with its council (all terms, members) and its other pillars.
#[derive(Serialize, ToSchema)]
pub struct NeighborhoodDetail {
    #[serde(flatten)]
    pub neighborhood: Neighborhood,
    pub council: Option<Organisation>,
    pub terms: Vec<TermMembers>,
    pub pillars: Vec<Pillar>,
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
}

#[utoipa::path(get, path = "/api/v1/neighborhoods/{id}", tag = "places", params(("id" = i64, Path)),
    responses((status = 200, body = NeighborhoodDetail), (status = 404, body = ErrorBody)))]
async fn get_neighborhood(
    State(s): State<AppState>,
    P(id): P<i64>,
) -> ApiResult<NeighborhoodDetail> {
    Ok(Json(neighborhood_detail(&s, id).await?))
}

async fn neighborhood_detail(s: &AppState, id: i64) -> Result<NeighborhoodDetail, AppError> {
    let neighborhood = places::get_neighborhood(&s.store, id).await?;
    let council = org::council_of_neighborhood(&s.store, id).await?;
    let terms = match &council {
        Some(c) => councils::terms_with_members(&s.store, c.id, crate::today()).await?,
        None => Vec::new(),
    };
    let pillars = councils::pillars_of(&s.store, id).await?;
    let boundary = places::neighborhood_boundary(&s.store, id)
        .await?
        .and_then(|b| serde_json::from_str(&b).ok());
    Ok(NeighborhoodDetail {
        neighborhood,
        council,
        terms,
        pillars,
        boundary,
    })
}

#[utoipa::path(put, path = "/api/v1/neighborhoods/{id}", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = NeighborhoodInput,
    responses((status = 200, body = NeighborhoodDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Saves a neighborhood's details; moving it needs both districts to be the caller's.
async fn save_neighborhood(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<NeighborhoodInput>,
) -> ApiResult<NeighborhoodDetail> {
    let me = ctx.require_api_writer()?;
    ops::save_neighborhood(&s.store, &me.principal, id, &input).await?;
    Ok(Json(neighborhood_detail(&s, id).await?))
}

#[utoipa::path(put, path = "/api/v1/neighborhoods/{id}/boundary", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body(content = Object, description = "A GeoJSON Polygon or MultiPolygon (or a Feature, or a FeatureCollection of one Feature), longitude first."),
    responses((status = 200, body = NeighborhoodDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Sets the neighborhood's boundary; refused unless it is a valid polygon.
async fn set_neighborhood_boundary(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    body: Bytes,
) -> ApiResult<NeighborhoodDetail> {
    let me = ctx.require_api_writer()?;
    let text = boundary_text(&body)?;
    ops::set_boundary(
        &s.store,
        &me.principal,
        PlaceKind::Neighborhood,
        id,
        Some(text),
    )
    .await?;
    Ok(Json(neighborhood_detail(&s, id).await?))
}

#[utoipa::path(delete, path = "/api/v1/neighborhoods/{id}/boundary", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = NeighborhoodDetail), (status = 403, body = ErrorBody)))]
/// Removes the neighborhood's boundary.
async fn remove_neighborhood_boundary(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<NeighborhoodDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_boundary(&s.store, &me.principal, PlaceKind::Neighborhood, id, None).await?;
    Ok(Json(neighborhood_detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/neighborhoods/{id}/retire", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = NeighborhoodDetail), (status = 403, body = ErrorBody)))]
/// Retires a neighborhood; it stays findable, with its council's history.
async fn retire_neighborhood(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<NeighborhoodDetail> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, PlaceKind::Neighborhood, id, true).await?;
    Ok(Json(neighborhood_detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/neighborhoods/{id}/reinstate", tag = "places", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = NeighborhoodDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Makes a retired neighborhood current again (its district must be current).
async fn reinstate_neighborhood(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<NeighborhoodDetail> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, PlaceKind::Neighborhood, id, false).await?;
    Ok(Json(neighborhood_detail(&s, id).await?))
}
