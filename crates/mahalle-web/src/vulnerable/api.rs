//! /api/v1 for vulnerable areas and their interventions. The public reads the public areas;
//! staff read every area and keep their district's.

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
use crate::vulnerable::ops::{self, AreaDetail, AreaInput, InterventionInput};
use crate::AppState;
use mahalle_db::vulnerable::{self as db, Area, AreaFilter};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(add_intervention))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaListParams {
    /// One district's areas (its id).
    pub district: Option<i64>,
    /// Words of the names or the reason.
    #[serde(default)]
    pub q: String,
}

/// Areas with the public space returned in them.
#[derive(Serialize, ToSchema)]
pub struct AreaList {
    /// Square metres of public space returned, over the areas listed.
    pub space_returned_m2: i64,
    pub items: Vec<Area>,
}

#[utoipa::path(get, path = "/api/v1/vulnerable-areas", tag = "vulnerable areas", params(AreaListParams),
    responses((status = 200, body = AreaList)))]
/// Vulnerable areas by district, with the public space returned: the public ones for everyone,
/// all of them for signed-in staff.
async fn list(State(s): State<AppState>, ctx: Ctx, Q(p): Q<AreaListParams>) -> ApiResult<AreaList> {
    let f = AreaFilter {
        district: p.district,
        public_only: ctx.user.is_none(),
        q: p.q,
    };
    Ok(Json(AreaList {
        space_returned_m2: db::space_returned(&s.store, &f).await?,
        items: db::list(&s.store, &f).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/vulnerable-areas", tag = "vulnerable areas", security(("bearer" = [])), request_body = AreaInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Marks an area (the city's secretariat, or the district's mayor): a neighborhood, or an
/// outline drawn within the district, refused unless it is a valid polygon near the city.
async fn create(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<AreaInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    Ok((
        StatusCode::CREATED,
        Json(ops::create(&s.store, me, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/vulnerable-areas/{id}", tag = "vulnerable areas", params(("id" = i64, Path)),
    responses((status = 200, body = AreaDetail), (status = 404, body = ErrorBody)))]
/// An area with its outline, interventions and its neighborhood's indicators before and after
/// (a hidden area is not found for the public).
async fn get(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> ApiResult<AreaDetail> {
    Ok(Json(ops::detail(&s.store, ctx.user.as_ref(), id).await?))
}

#[utoipa::path(put, path = "/api/v1/vulnerable-areas/{id}", tag = "vulnerable areas", params(("id" = i64, Path)), security(("bearer" = [])), request_body = AreaInput,
    responses((status = 200, body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Changes an area (all fields are sent, as on the form).
async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    J(input): J<AreaInput>,
) -> ApiResult<Created> {
    let me = ctx.require_api_writer()?;
    Ok(Json(ops::update(&s.store, me, id, &input).await?))
}

#[utoipa::path(post, path = "/api/v1/vulnerable-areas/{id}/interventions", tag = "vulnerable areas", params(("id" = i64, Path)), security(("bearer" = [])), request_body = InterventionInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records an intervention in the area: what, the lead organisation and partners, when, the
/// cost in rials and the public space returned in m².
async fn add_intervention(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    J(input): J<InterventionInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    Ok((
        StatusCode::CREATED,
        Json(ops::add_intervention(&s.store, me, id, &input).await?),
    ))
}
