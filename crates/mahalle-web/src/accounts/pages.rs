//! Signing in and out, language and calendar switches, the user's own API tokens, and user
//! administration.

use crate::http::extract::{P as Path, Q as Query};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use mahalle_core::access::{Grant, Role};
use mahalle_db::audit::{self, Entry};
use mahalle_db::auth::{self, ApiToken, User};
use serde::Deserialize;

use crate::accounts::ops as accounts;
use crate::http::csrf::{hash_token, new_token, CsrfForm};
use crate::http::ctx::{Calendar, Ctx, Lang, CAL_COOKIE, LANG_COOKIE, SESSION_COOKIE};
use crate::http::error::AppError;
use crate::http::extract::Empty;
use crate::http::page::{render, render_form, safe_next, Page};
use crate::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTemplate {
    p: Page,
    next: String,
    username: String,
    failed: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, AppError> {
    let p = Page::new(&ctx, "login", crate::http::i18n::t(ctx.lang, "login"));
    render(&LoginTemplate {
        p,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        failed: false,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::http::extract::ClientKey(client): crate::http::extract::ClientKey,
    CsrfForm(f): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(f.next.as_deref());
    match accounts::authenticate(&state.store, &client, &f.username, &f.password).await? {
        Some(user_id) => {
            let token = new_token();
            let now = chrono::Utc::now().timestamp();
            let ttl = state.config.session_hours * 3600;
            auth::create_session(&state.store, &hash_token(&token), user_id, now, now + ttl)
                .await?;
            let cookie = Cookie::build((SESSION_COOKIE, token))
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(state.config.secure_cookies)
                .max_age(time_seconds(ttl))
                .build();
            tracing::info!(user_id, "signed in");
            Ok((CookieJar::new().add(cookie), Redirect::to(&next)).into_response())
        }
        None => {
            let p = Page::new(&ctx, "login", crate::http::i18n::t(ctx.lang, "login"));
            let mut resp = render(&LoginTemplate {
                p,
                next,
                username: f.username,
                failed: true,
            })?;
            *resp.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            // Not an error page: the form itself says what went wrong.
            Ok(resp)
        }
    }
}

fn time_seconds(secs: i64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(secs)
}

pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        auth::delete_session(&state.store, &hash_token(c.value())).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/")).into_response())
}

/// `/settings/lang/{fa|en}?next=…` and `/settings/calendar/{jalali|gregorian}?next=…`.
pub async fn set_lang(
    Path(lang): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&lang).ok_or(AppError::NotFound)?;
    let mut jar = CookieJar::new().add(pref_cookie(LANG_COOKIE, lang.code()));
    // English readers get Gregorian dates unless they choose otherwise; Persian, Jalali.
    let cal = if lang == Lang::En {
        Calendar::Gregorian
    } else {
        Calendar::Jalali
    };
    jar = jar.add(pref_cookie(CAL_COOKIE, cal.code()));
    Ok((jar, Redirect::to(&safe_next(q.next.as_deref()))).into_response())
}

pub async fn set_calendar(
    Path(cal): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let cal = Calendar::parse(&cal).ok_or(AppError::NotFound)?;
    let jar = CookieJar::new().add(pref_cookie(CAL_COOKIE, cal.code()));
    Ok((jar, Redirect::to(&safe_next(q.next.as_deref()))).into_response())
}

fn pref_cookie(name: &'static str, value: &'static str) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time_seconds(365 * 86_400))
        .build()
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTemplate {
    p: Page,
    user: User,
    roles: Vec<Grant>,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    new_token: Option<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let tokens = auth::api_tokens_of(&state.store, me.user.id).await?;
    let p = Page::new(ctx, "account", crate::http::i18n::t(ctx.lang, "account"));
    let mut resp = render(&AccountTemplate {
        p,
        user: me.user.clone(),
        roles: me.principal.grants.clone(),
        tokens,
        new_token,
    })?;
    // A freshly shown secret must not linger in caches.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

pub async fn account(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    account_page(&state, &ctx, None).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<TokenForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let (_, token) =
        accounts::issue_api_token(&state.store, Some(me.user.id), me.user.id, &f.name).await?;
    account_page(&state, &ctx, Some(token)).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    accounts::revoke_api_token(&state.store, me.user.id, id).await?;
    Ok(Redirect::to("/account").into_response())
}

/// A user with their roles, for the admin list.
pub struct UserRow {
    pub user: User,
    pub roles: Vec<Grant>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersTemplate {
    p: Page,
    users: Vec<UserRow>,
    roles: Vec<Role>,
    errors: Vec<String>,
    saved: bool,
    audit: Vec<Entry>,
}

async fn users_page(
    state: &AppState,
    ctx: &Ctx,
    errors: Vec<String>,
    saved: bool,
) -> Result<Response, AppError> {
    ctx.require_admin()?;
    let mut users = Vec::new();
    for user in auth::list_users(&state.store).await? {
        let roles = auth::grants_of(&state.store, user.id).await?;
        users.push(UserRow { user, roles });
    }
    let audit = audit::recent(&state.store, 20).await?;
    let p = Page::new(ctx, "admin", crate::http::i18n::t(ctx.lang, "users"));
    let invalid = !errors.is_empty();
    render_form(
        &UsersTemplate {
            p,
            users,
            roles: Role::ALL.to_vec(),
            errors,
            saved,
            audit,
        },
        invalid,
    )
}

pub async fn users(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    users_page(&state, &ctx, Vec::new(), false).await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    password: String,
    role: String,
    #[serde(default)]
    scope_id: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<NewUserForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?.user.id;
    let grant = accounts::parse_grant(&f.role, &f.scope_id);
    let result = match grant {
        Ok(g) => accounts::create_user(
            &state.store,
            Some(me),
            &f.username,
            &f.display_name,
            &f.password,
            &[g],
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => users_page(&state, &ctx, Vec::new(), true).await,
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            users_page(&state, &ctx, msgs, false).await
        }
        Err(e) => Err(e),
    }
}
