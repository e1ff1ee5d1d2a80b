//! /api/v1 for the signed-in account.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::ApiResult;
use crate::http::ctx::Ctx;
use crate::http::error::ErrorBody;
use crate::AppState;
use mahalle_core::access::Grant;
use mahalle_db::auth::User;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    #[schema(value_type = Vec<Object>)]
    pub grants: Vec<Grant>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
/// The account the request is made as, with its roles.
async fn me(ctx: Ctx) -> ApiResult<Me> {
    let me = ctx.require_user()?;
    Ok(Json(Me {
        user: me.user.clone(),
        grants: me.principal.grants.clone(),
    }))
}
