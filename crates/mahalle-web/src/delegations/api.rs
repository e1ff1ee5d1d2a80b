//! /api/v1 for delegations of authority: list, make, read and revoke one.

use crate::http::extract::P as Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use mahalle_core::paging::Listing;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::delegations::ops::{self, DelegationDetail, DelegationInput, ListFilter, Listed};
use crate::http::api::{page_type, ApiResult, Created, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, Q};
use crate::AppState;

page_type!(DelegationPage, Listed);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(revoke))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DelegationParams {
    /// active, upcoming, ended or revoked (as of today).
    #[serde(default)]
    pub state: String,
    /// decide_extensions, create_resolutions or act_for_organisation
    #[serde(default)]
    pub power: String,
}

#[utoipa::path(get, path = "/api/v1/delegations", tag = "delegations", params(DelegationParams, ListParams), security(("bearer" = [])),
    responses((status = 200, body = DelegationPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
/// The delegations the caller gave or received (every one for the city's secretariat), the
/// latest first.
async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<DelegationParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<DelegationPage> {
    let me = ctx.require_user()?;
    let l = Listing::from_query(&lp.query(), &["starts"]);
    let f = ListFilter {
        state: p.state,
        power: p.power,
    };
    Ok(Json(ops::list(&s.store, me, &f, &l).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/delegations", tag = "delegations", security(("bearer" = [])), request_body = DelegationInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Delegates one of the caller's powers. Refused: a power the caller does not hold over that
/// scope, onward delegation not allowed to them, a scope that does not fit the power, a span
/// ending before it starts, already over or longer than four years, or outlasting the
/// delegation it is made from.
async fn create(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<DelegationInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    Ok((
        StatusCode::CREATED,
        Json(ops::create(&s.store, me, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/delegations/{id}", tag = "delegations", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DelegationDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// A delegation (to the two people it is between, and the city's secretariat) with its state,
/// the delegations made from it and the actions taken through it.
async fn get(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> ApiResult<DelegationDetail> {
    let me = ctx.require_user()?;
    Ok(Json(ops::detail(&s.store, me, id).await?))
}

/// Why a delegation is revoked.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct Revocation {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/delegations/{id}/revoke", tag = "delegations", params(("id" = i64, Path)), security(("bearer" = [])), request_body = Revocation,
    responses((status = 200, body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Revokes a delegation (its giver, or the city's secretariat) and every one made from it.
async fn revoke(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    J(input): J<Revocation>,
) -> ApiResult<Created> {
    let me = ctx.require_api_writer()?;
    Ok(Json(ops::revoke(&s.store, me, id, &input.reason).await?))
}
