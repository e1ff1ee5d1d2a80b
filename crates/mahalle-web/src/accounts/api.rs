//! /api/v1 for the signed-in account.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::accounts::ops;
use crate::http::api::{ApiResult, Created};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::J;
use crate::AppState;
use mahalle_core::access::Grant;
use mahalle_db::auth::{self, User};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_users, create_user))
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

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Vec<Me>), (status = 403, body = ErrorBody)))]
/// Every account with its roles (administrators), as on the users page.
async fn list_users(State(s): State<AppState>, ctx: Ctx) -> ApiResult<Vec<Me>> {
    let me = ctx.require_user()?;
    if !me.principal.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut out = Vec::new();
    for user in auth::list_users(&s.store).await? {
        let grants = auth::grants_of(&s.store, user.id).await?;
        out.push(Me { user, grants });
    }
    Ok(Json(out))
}

/// A new account with one role, as the users page creates it.
#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
    /// admin, mayor_office, deputy, district_mayor, liaison, council_member or viewer
    pub role: String,
    /// The district, organisation or neighborhood of a scoped role.
    pub scope_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])),
    request_body = NewUser,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Creates an account with its role (administrators); audited like the users page.
async fn create_user(
    State(s): State<AppState>,
    ctx: Ctx,
    J(u): J<NewUser>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    if !me.principal.is_admin() {
        return Err(AppError::Forbidden);
    }
    let scope = u.scope_id.map(|i| i.to_string()).unwrap_or_default();
    let grant = ops::parse_grant(&u.role, &scope)?;
    let id = ops::create_user(
        &s.store,
        Some(me.user.id),
        &u.username,
        &u.display_name,
        &u.password,
        &[grant],
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
