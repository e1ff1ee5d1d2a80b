//! /api/v1 for the service catalogue: every category with its questions and routing. Anyone may
//! read what is offered (as on the catalogue page); administrators see withdrawn ones too.

use axum::extract::State;
use axum::Json;
use mahalle_db::services::{self as store_services, Attribute, RouteRow, Service};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::ApiResult;
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::P;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services))
        .routes(routes!(get_service))
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
    let admin = is_admin(&ctx);
    let service = store_services::service(&s.store, id).await?;
    if !service.active && !admin {
        return Err(AppError::NotFound);
    }
    Ok(Json(ServiceDetail {
        attributes: store_services::attributes(&s.store, id).await?,
        routes: if admin {
            store_services::routes(&s.store, id).await?
        } else {
            Vec::new()
        },
        service,
    }))
}
