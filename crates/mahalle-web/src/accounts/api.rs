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
use mahalle_core::tokens::TokenScope;
use mahalle_db::auth::{self, ApiToken, FeedLink, User};

use crate::http::extract::{ClientKey, P, Q};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_users, create_user))
        .routes(routes!(deactivate_user))
        .routes(routes!(reactivate_user))
        .routes(routes!(add_role, remove_role))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_feed_links, create_feed_link))
        .routes(routes!(revoke_feed_link))
        .routes(routes!(change_password))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    #[schema(value_type = Vec<Object>)]
    pub grants: Vec<Grant>,
    /// On `/api/v1/me` only: the powers delegated to the account and in force today (`id`,
    /// `power`, `scope`, `may_redelegate`, `ends_on`, `depth`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub delegated: Option<Vec<mahalle_core::delegations::Delegated>>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
/// The account the request is made as, with its roles.
async fn me(ctx: Ctx) -> ApiResult<Me> {
    let me = ctx.require_user()?;
    Ok(Json(Me {
        user: me.user.clone(),
        grants: me.principal.grants.clone(),
        delegated: Some(me.principal.delegated.clone()),
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
        out.push(Me {
            user,
            grants,
            delegated: None,
        });
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

#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "accounts", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Offboarding (administrators): the account is closed, its roles removed, its sessions ended and
/// its tokens and calendar links revoked, in one audited change. Not one's own account.
async fn deactivate_user(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> Result<StatusCode, AppError> {
    let me = ctx.require_api_writer()?;
    ops::deactivate_user(&s.store, &me.principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "accounts", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Opens a closed account again, with no roles (administrators).
async fn reactivate_user(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> Result<StatusCode, AppError> {
    let me = ctx.require_api_writer()?;
    ops::reactivate_user(&s.store, &me.principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The roles an account can hold (how the document lists `role`'s choices).
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RoleName {
    Admin,
    MayorOffice,
    Deputy,
    DistrictMayor,
    Liaison,
    CouncilMember,
    Viewer,
}

/// One role with its scope.
#[derive(Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoleInput {
    /// admin, mayor_office, deputy, district_mayor, liaison, council_member or viewer
    #[schema(value_type = RoleName)]
    #[param(value_type = RoleName)]
    pub role: String,
    /// The district, organisation or neighborhood of a scoped role.
    pub scope_id: Option<i64>,
}

fn grant_of(r: &RoleInput) -> Result<Grant, AppError> {
    ops::parse_grant(
        &r.role,
        &r.scope_id.map(|i| i.to_string()).unwrap_or_default(),
    )
}

#[utoipa::path(post, path = "/api/v1/users/{id}/roles", tag = "accounts", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = RoleInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Gives an account one more role (administrators); audited.
async fn add_role(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(r): J<RoleInput>,
) -> Result<StatusCode, AppError> {
    let me = ctx.require_api_writer()?;
    // Who may change roles is settled before the role asked for is judged.
    if !me.principal.can_manage_users() {
        return Err(AppError::Forbidden);
    }
    ops::add_grant(&s.store, &me.principal, id, grant_of(&r)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/users/{id}/roles", tag = "accounts", params(("id" = i64, Path), RoleInput), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Takes one role from an account (administrators; not one's own administrator role); audited.
async fn remove_role(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    Q(r): Q<RoleInput>,
) -> Result<StatusCode, AppError> {
    let me = ctx.require_api_writer()?;
    // Who may change roles is settled before the role asked for is judged.
    if !me.principal.can_manage_users() {
        return Err(AppError::Forbidden);
    }
    ops::remove_grant(&s.store, &me.principal, id, grant_of(&r)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnerQuery {
    /// Another account's id (administrators); one's own when absent.
    pub user_id: Option<i64>,
}

/// Whose secrets a listing shows: one's own, or (administrators) another account's.
fn owner(me: &crate::http::ctx::SignedIn, q: &OwnerQuery) -> Result<i64, AppError> {
    match q.user_id {
        Some(u) if u != me.user.id && !me.principal.can_manage_users() => Err(AppError::Forbidden),
        Some(u) => Ok(u),
        None => Ok(me.user.id),
    }
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", params(OwnerQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<ApiToken>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
/// API tokens of the account (never their secrets), newest first.
async fn list_tokens(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(q): Q<OwnerQuery>,
) -> ApiResult<Vec<ApiToken>> {
    let me = ctx.require_user()?;
    Ok(Json(
        auth::api_tokens(&s.store, Some(owner(me, &q)?)).await?,
    ))
}

/// A new API token of one's own.
#[derive(Deserialize, ToSchema)]
pub struct NewToken {
    pub name: String,
    /// read (GET only; the default) or write
    #[serde(default)]
    pub scope: Option<String>,
    /// Days until it expires (1–3660); never when absent.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// A secret made just now: shown once, only its hash is kept.
#[derive(Serialize, ToSchema)]
pub struct Secret {
    pub id: i64,
    pub secret: String,
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])),
    request_body = NewToken,
    responses((status = 201, body = Secret), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Issues an API token for the account itself; the secret is in this answer only.
async fn create_token(
    State(s): State<AppState>,
    ctx: Ctx,
    J(t): J<NewToken>,
) -> Result<(StatusCode, Json<Secret>), AppError> {
    let me = ctx.require_api_writer()?;
    let scope = TokenScope::from_input(t.scope.as_deref())?;
    let (id, secret) = ops::issue_api_token(
        &s.store,
        Some(me.user.id),
        me.user.id,
        &t.name,
        scope,
        t.expires_in_days,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Secret { id, secret })))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
/// Revokes a token: one's own, or anyone's for an administrator.
async fn revoke_token(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> Result<StatusCode, AppError> {
    let me = ctx.require_api_writer()?;
    ops::revoke_api_token(&s.store, &me.principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/feed-links", tag = "accounts", params(OwnerQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<FeedLink>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
/// Calendar feed links of the account (never their secrets), newest first.
async fn list_feed_links(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(q): Q<OwnerQuery>,
) -> ApiResult<Vec<FeedLink>> {
    let me = ctx.require_user()?;
    Ok(Json(
        auth::feed_links(&s.store, Some(owner(me, &q)?)).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewFeedLink {
    /// The body whose meetings the feed carries.
    pub body_id: i64,
}

#[utoipa::path(post, path = "/api/v1/feed-links", tag = "accounts", security(("bearer" = [])),
    request_body = NewFeedLink,
    responses((status = 201, body = Secret), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Makes a secret link to one body's calendar feed: `GET /calendar/{body_id}.ics?key={secret}`
/// opens that feed alone, read-only, until revoked. The secret is in this answer only.
async fn create_feed_link(
    State(s): State<AppState>,
    ctx: Ctx,
    J(f): J<NewFeedLink>,
) -> Result<(StatusCode, Json<Secret>), AppError> {
    let me = ctx.require_api_writer()?;
    let (id, secret) = ops::create_feed_link(&s.store, &me.principal, f.body_id).await?;
    Ok((StatusCode::CREATED, Json(Secret { id, secret })))
}

#[utoipa::path(delete, path = "/api/v1/feed-links/{id}", tag = "accounts", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
/// Revokes a feed link: one's own, or anyone's for an administrator.
async fn revoke_feed_link(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> Result<StatusCode, AppError> {
    let me = ctx.require_api_writer()?;
    ops::revoke_feed_link(&s.store, &me.principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 10 characters.
    pub new_password: String,
    /// Also revoke every API token (this one included) and calendar link.
    #[serde(default)]
    pub end_secrets: bool,
}

#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
/// Changes the account's own password, proving the current one (throttled like signing in);
/// every session ends.
async fn change_password(
    State(s): State<AppState>,
    ctx: Ctx,
    ClientKey(client): ClientKey,
    J(c): J<PasswordChange>,
) -> Result<StatusCode, AppError> {
    let me = ctx.require_api_writer()?;
    ops::change_own_password(
        &s.store,
        &client,
        &me.user,
        &c.current_password,
        &c.new_password,
        c.end_secrets,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
