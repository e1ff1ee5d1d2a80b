//! /api/v1 for the service catalogue: every category with its questions and routing. Anyone may
//! read what is offered (as on the catalogue page); administrators see withdrawn ones too, and
//! change the catalogue with a token, under the same checks and audit as its pages.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use mahalle_db::services::{self as store_services, Attribute, RouteRow, Service};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{ApiResult, Created};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P};
use crate::services::ops::{self, AttributeInput, RouteInput, ServiceInput};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, create_service))
        .routes(routes!(get_service, save_service))
        .routes(routes!(set_route))
        .routes(routes!(delete_route))
        .routes(routes!(add_attribute))
        .routes(routes!(remove_attribute))
}

fn is_admin(ctx: &Ctx) -> bool {
    ctx.principal().is_some_and(|p| p.is_admin())
}

#[utoipa::path(get, path = "/api/v1/services", tag = "services",
    responses((status = 200, body = Vec<Service>)))]
/// The categories citizens can ask about (administrators: withdrawn ones too).
async fn list_services(State(s): State<AppState>, ctx: Ctx) -> ApiResult<Vec<Service>> {
    Ok(Json(
        store_services::services(&s.store, is_admin(&ctx)).await?,
    ))
}

/// A category with its questions and, for administrators, who handles it where.
#[derive(Serialize, ToSchema)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub service: Service,
    pub attributes: Vec<Attribute>,
    /// Routing rules (administrators only; empty otherwise).
    pub routes: Vec<RouteRow>,
}

#[utoipa::path(get, path = "/api/v1/services/{id}", tag = "services", params(("id" = i64, Path)),
    responses((status = 200, body = ServiceDetail), (status = 404, body = ErrorBody)))]
async fn get_service(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<ServiceDetail> {
    Ok(Json(detail(&s, &ctx, id).await?))
}

async fn detail(s: &AppState, ctx: &Ctx, id: i64) -> Result<ServiceDetail, AppError> {
    let admin = is_admin(ctx);
    let service = store_services::service(&s.store, id).await?;
    if !service.active && !admin {
        return Err(AppError::NotFound);
    }
    Ok(ServiceDetail {
        attributes: store_services::attributes(&s.store, id).await?,
        routes: if admin {
            store_services::routes(&s.store, id).await?
        } else {
            Vec::new()
        },
        service,
    })
}

#[utoipa::path(post, path = "/api/v1/services", tag = "services", security(("bearer" = [])),
    request_body = ServiceInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Creates a category (administrators); it starts without routing rules, so the district's
/// office handles it.
async fn create_service(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<ServiceInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::create(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(put, path = "/api/v1/services/{id}", tag = "services", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ServiceInput,
    responses((status = 200, body = ServiceDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Replaces a category's names, texts, domain, response time and whether it is offered
/// (administrators); its code never changes.
async fn save_service(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ServiceInput>,
) -> ApiResult<ServiceDetail> {
    let me = ctx.require_api_writer()?;
    ops::save(&s.store, &me.principal, id, &input).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/services/{id}/routes", tag = "services", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = RouteInput,
    responses((status = 200, body = ServiceDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Names who handles the category in a neighborhood, a district or (neither given) everywhere,
/// replacing the rule for that place (administrators).
async fn set_route(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<RouteInput>,
) -> ApiResult<ServiceDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_route(&s.store, &me.principal, id, &input).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}

#[utoipa::path(delete, path = "/api/v1/services/{id}/routes/{route}", tag = "services",
    params(("id" = i64, Path), ("route" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ServiceDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Removes a routing rule (administrators).
async fn delete_route(
    State(s): State<AppState>,
    ctx: Ctx,
    P((id, route)): P<(i64, i64)>,
) -> ApiResult<ServiceDetail> {
    let me = ctx.require_api_writer()?;
    ops::delete_route(&s.store, &me.principal, id, route).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/services/{id}/attributes", tag = "services", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = AttributeInput,
    responses((status = 200, body = ServiceDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Adds a question (an Open311 attribute) to the category (administrators).
async fn add_attribute(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<AttributeInput>,
) -> ApiResult<ServiceDetail> {
    let me = ctx.require_api_writer()?;
    ops::add_attribute(&s.store, &me.principal, id, &input).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}

#[utoipa::path(delete, path = "/api/v1/services/{id}/attributes/{attribute}", tag = "services",
    params(("id" = i64, Path), ("attribute" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ServiceDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Removes a question; answers already given stay with their requests (administrators).
async fn remove_attribute(
    State(s): State<AppState>,
    ctx: Ctx,
    P((id, attribute)): P<(i64, i64)>,
) -> ApiResult<ServiceDetail> {
    let me = ctx.require_api_writer()?;
    ops::remove_attribute(&s.store, &me.principal, id, attribute).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}
