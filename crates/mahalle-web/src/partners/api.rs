//! /api/v1 for partner places: read by anyone, kept under the same checks and audit as the pages.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, Created, ListParams, RetiredParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P, Q};
use crate::partners::ops::{self, PartnerInput};
use crate::AppState;
use mahalle_core::paging::Listing;
use mahalle_core::partners::PartnerKind;
use mahalle_db::partners::{self, PartnerFilter, PartnerPlace};

page_type!(PartnerPage, PartnerPlace);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_partners, create_partner))
        .routes(routes!(get_partner, save_partner))
        .routes(routes!(retire_partner))
        .routes(routes!(reinstate_partner))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnerParams {
    /// Only this district's places (its id).
    pub district: Option<i64>,
    /// Only this neighborhood's places (its id).
    pub neighborhood: Option<i64>,
    /// mosque, school, university, cultural_centre, health_house, library, sports or other
    pub kind: Option<String>,
    /// `true`: model places only.
    pub model: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/partners", tag = "partners", params(PartnerParams, RetiredParams, ListParams),
    responses((status = 200, body = PartnerPage), (status = 400, body = ErrorBody)))]
/// Partner places; sort by `name`, `kind`, `district` or `model`.
async fn list_partners(
    State(s): State<AppState>,
    Q(p): Q<PartnerParams>,
    Q(r): Q<RetiredParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<PartnerPage> {
    let kind = match p.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            PartnerKind::parse(k)
                .ok_or_else(|| AppError::BadRequest(format!("unknown kind {k}")))?
                .as_str(),
        ),
        None => None,
    };
    let f = PartnerFilter {
        district_id: p.district,
        neighborhood_id: p.neighborhood,
        kind,
        model: p.model.unwrap_or(false),
        with_retired: r.retired.unwrap_or(false),
    };
    let l = Listing::from_query(&lp.query(), partners::PARTNER_SORTS);
    Ok(Json(partners::list(&s.store, &f, &l).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/partners", tag = "partners", security(("bearer" = [])),
    request_body = PartnerInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Adds a partner place (whoever keeps its neighborhood's district).
async fn create_partner(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<PartnerInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::create(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/v1/partners/{id}", tag = "partners", params(("id" = i64, Path)),
    responses((status = 200, body = PartnerPlace), (status = 404, body = ErrorBody)))]
async fn get_partner(State(s): State<AppState>, P(id): P<i64>) -> ApiResult<PartnerPlace> {
    Ok(Json(partners::get(&s.store, id).await?))
}

#[utoipa::path(put, path = "/api/v1/partners/{id}", tag = "partners", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = PartnerInput,
    responses((status = 200, body = PartnerPlace), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Saves a partner place.
async fn save_partner(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<PartnerInput>,
) -> ApiResult<PartnerPlace> {
    let me = ctx.require_api_writer()?;
    ops::save(&s.store, &me.principal, id, &input).await?;
    Ok(Json(partners::get(&s.store, id).await?))
}

#[utoipa::path(post, path = "/api/v1/partners/{id}/retire", tag = "partners", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PartnerPlace), (status = 403, body = ErrorBody)))]
/// Retires a partner place; it stays findable.
async fn retire_partner(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<PartnerPlace> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, id, true).await?;
    Ok(Json(partners::get(&s.store, id).await?))
}

#[utoipa::path(post, path = "/api/v1/partners/{id}/reinstate", tag = "partners", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PartnerPlace), (status = 403, body = ErrorBody)))]
/// Makes a retired partner place current again.
async fn reinstate_partner(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<PartnerPlace> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, id, false).await?;
    Ok(Json(partners::get(&s.store, id).await?))
}
