//! Signing in and out, language and calendar switches, the user's own API tokens, and user
//! administration.

use crate::http::extract::{P as Path, Q as Query};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use mahalle_core::access::{Grant, Role};
use mahalle_core::tokens::{self, TokenScope};
use mahalle_db::audit::{self, Entry};
use mahalle_db::auth::{self, ApiToken, FeedLink, User};
use serde::Deserialize;

use crate::accounts::ops as accounts;
use crate::http::csrf::{hash_token, new_token, CsrfForm};
use crate::http::ctx::{Calendar, Ctx, Lang, CAL_COOKIE, LANG_COOKIE, SESSION_COOKIE};
use crate::http::error::AppError;
use crate::http::extract::Empty;
use crate::http::page::{origin, render, render_form, safe_next, Page};
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
            let cookie = new_session(&state, user_id).await?;
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

/// A new session for a user, as the cookie that carries it.
async fn new_session(state: &AppState, user_id: i64) -> Result<Cookie<'static>, AppError> {
    let token = new_token();
    let now = chrono::Utc::now().timestamp();
    let ttl = state.config.session_hours * 3600;
    auth::create_session(&state.store, &hash_token(&token), user_id, now, now + ttl).await?;
    Ok(Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(time_seconds(ttl))
        .build())
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

/// Interface strings of accounts: (key, Persian, English).
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("token_scope", "دامنه", "Scope"),
    ("scope_read", "فقط خواندن", "Read only"),
    ("scope_write", "خواندن و نوشتن", "Read and write"),
    ("token_expires", "انقضا", "Expires"),
    ("expires_never", "بدون انقضا", "Never expires"),
    ("days_30", "۳۰ روز", "30 days"),
    ("days_90", "۹۰ روز", "90 days"),
    ("days_365", "یک سال", "One year"),
    ("expired", "منقضی", "Expired"),
    ("feed_links", "پیوندهای تقویم", "Calendar links"),
    (
        "feed_links_intro",
        "هر پیوند فقط خوراک تقویم یک نهاد را باز می‌کند و اجازه هیچ کار دیگری ندارد. آن را در برنامه تقویم خود «اشتراک» کنید؛ اگر به دست کسی افتاد، باطلش کنید.",
        "Each link opens one body's calendar feed and can do nothing else. Subscribe to it in your calendar app; revoke it if it gets out.",
    ),
    ("new_feed_link_once", "این پیوند را اکنون در برنامه تقویم بگذارید؛ دوباره نمایش داده نمی‌شود:", "Add this link to your calendar app now; it will not be shown again:"),
    ("no_feed_links", "هنوز پیوند تقویمی نساخته‌اید. از صفحه تقویم جلسات بسازید.", "You have no calendar links yet. Make one from the meetings calendar."),
    ("body", "نهاد", "Body"),
    ("confirm_revoke_link", "این پیوند تقویم باطل شود؟", "Revoke this calendar link?"),
    ("change_password", "تغییر گذرواژه", "Change password"),
    ("current_password", "گذرواژه کنونی", "Current password"),
    ("new_password", "گذرواژه تازه", "New password"),
    ("end_secrets", "توکن‌های API و پیوندهای تقویم هم باطل شوند", "Also revoke my API tokens and calendar links"),
    ("password_changed", "گذرواژه تغییر کرد و نشست‌های دیگر بسته شدند.", "Your password was changed and your other sessions ended."),
    ("user_account", "حساب کاربری", "User account"),
    ("deactivate", "غیرفعال کردن حساب", "Deactivate account"),
    ("reactivate", "فعال کردن دوباره", "Reactivate"),
    (
        "confirm_deactivate",
        "حساب بسته شود؟ نقش‌ها برداشته، نشست‌ها بسته و توکن‌ها و پیوندها باطل می‌شوند.",
        "Close this account? Its roles are removed, its sessions ended and its tokens and links revoked.",
    ),
    ("deactivated_notice", "این حساب غیرفعال است: نه می‌تواند وارد شود و نه توکن‌هایش کار می‌کنند.", "This account is closed: it cannot sign in and its tokens do not work."),
    ("add_role", "افزودن نقش", "Add role"),
    ("remove", "حذف", "Remove"),
    ("no_roles", "این حساب نقشی ندارد.", "This account has no roles."),
    ("no_tokens", "توکنی ساخته نشده است.", "No tokens have been made."),
];

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTemplate {
    p: Page,
    user: User,
    roles: Vec<Grant>,
    tokens: Vec<ApiToken>,
    links: Vec<FeedLink>,
    shown: Option<Shown>,
    errors: Vec<String>,
    password_changed: bool,
    now: chrono::DateTime<chrono::Utc>,
    /// Where the token and link rows' revoke forms post.
    revoke_base: String,
}

/// A secret made just now, shown once.
pub enum Shown {
    Token(String),
    FeedLink(String),
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    shown: Option<Shown>,
    errors: Vec<String>,
    password_changed: bool,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let tokens = auth::api_tokens(&state.store, Some(me.user.id)).await?;
    let links = auth::feed_links(&state.store, Some(me.user.id)).await?;
    let p = Page::new(ctx, "account", crate::http::i18n::t(ctx.lang, "account"));
    let invalid = !errors.is_empty();
    let mut resp = render_form(
        &AccountTemplate {
            p,
            user: me.user.clone(),
            roles: me.principal.grants.clone(),
            tokens,
            links,
            shown,
            errors,
            password_changed,
            now: chrono::Utc::now(),
            revoke_base: "/account".into(),
        },
        invalid,
    )?;
    // A freshly shown secret must not linger in caches.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

/// The account page again: with the form's problems when refused, else the error itself.
async fn account_refused(state: &AppState, ctx: &Ctx, e: AppError) -> Result<Response, AppError> {
    match e {
        AppError::Invalid(fields) => {
            let msgs = ctx.messages(fields);
            account_page(state, ctx, None, msgs, false).await
        }
        e => Err(e),
    }
}

pub async fn account(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    account_page(&state, &ctx, None, Vec::new(), false).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    #[serde(default)]
    scope: Option<String>,
    /// Days until it expires; empty for never.
    #[serde(default)]
    expires_in_days: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<TokenForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let made = match (
        TokenScope::from_input(f.scope.as_deref()),
        tokens::parse_days(&f.expires_in_days),
    ) {
        (Ok(scope), Ok(days)) => {
            accounts::issue_api_token(
                &state.store,
                Some(me.user.id),
                me.user.id,
                &f.name,
                scope,
                days,
            )
            .await
        }
        (a, b) => Err(AppError::Invalid(
            a.err().into_iter().chain(b.err()).collect(),
        )),
    };
    match made {
        Ok((_, token)) => {
            account_page(&state, &ctx, Some(Shown::Token(token)), Vec::new(), false).await
        }
        Err(e) => account_refused(&state, &ctx, e).await,
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    accounts::revoke_api_token(&state.store, &me.principal, id).await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Deserialize)]
pub struct FeedLinkForm {
    body_id: i64,
}

pub async fn create_feed_link(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<FeedLinkForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let (_, secret) = accounts::create_feed_link(&state.store, &me.principal, f.body_id).await?;
    let url = format!(
        "{}/calendar/{}.ics?key={secret}",
        origin(&headers, state.config.secure_cookies).unwrap_or_default(),
        f.body_id
    );
    account_page(&state, &ctx, Some(Shown::FeedLink(url)), Vec::new(), false).await
}

pub async fn revoke_feed_link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    accounts::revoke_feed_link(&state.store, &me.principal, id).await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    end_secrets: bool,
}

/// The user's own password. Every session ends with the change; this browser gets a new one,
/// so the user stays signed in here and nowhere else.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::http::extract::ClientKey(client): crate::http::extract::ClientKey,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    if let Err(e) = accounts::change_own_password(
        &state.store,
        &client,
        &me.user,
        &f.current_password,
        &f.new_password,
        f.end_secrets,
    )
    .await
    {
        return account_refused(&state, &ctx, e).await;
    }
    let cookie = new_session(&state, me.user.id).await?;
    let mut resp = account_page(&state, &ctx, None, Vec::new(), true).await?;
    if let Ok(v) = header::HeaderValue::from_str(&cookie.to_string()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
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

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserTemplate {
    p: Page,
    user: User,
    grants: Vec<Grant>,
    roles: Vec<Role>,
    tokens: Vec<ApiToken>,
    links: Vec<FeedLink>,
    errors: Vec<String>,
    now: chrono::DateTime<chrono::Utc>,
    revoke_base: String,
}

async fn user_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    ctx.require_admin()?;
    let user = auth::user(&state.store, id).await?;
    let p = Page::new(ctx, "admin", user.display_name.clone());
    let invalid = !errors.is_empty();
    render_form(
        &UserTemplate {
            p,
            grants: auth::grants_of(&state.store, id).await?,
            roles: Role::ALL.to_vec(),
            tokens: auth::api_tokens(&state.store, Some(id)).await?,
            links: auth::feed_links(&state.store, Some(id)).await?,
            revoke_base: format!("/admin/users/{}", user.id),
            user,
            errors,
            now: chrono::Utc::now(),
        },
        invalid,
    )
}

/// `/admin/users/{id}`: one account's roles, tokens and calendar links, and offboarding.
pub async fn user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    user_page(&state, &ctx, id, Vec::new()).await
}

/// After an administrator's change on a user's page: back to it, or the page with the problem.
async fn after_user_change(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: Result<(), AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            user_page(state, ctx, id, msgs).await
        }
        Err(e) => Err(e),
    }
}

pub async fn deactivate_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let r = accounts::deactivate_user(&state.store, &me.principal, id).await;
    after_user_change(&state, &ctx, id, r).await
}

pub async fn reactivate_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let r = accounts::reactivate_user(&state.store, &me.principal, id).await;
    after_user_change(&state, &ctx, id, r).await
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
    #[serde(default)]
    scope_id: String,
}

pub async fn add_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RoleForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let r = match accounts::parse_grant(&f.role, &f.scope_id) {
        Ok(g) => accounts::add_grant(&state.store, &me.principal, id, g).await,
        Err(e) => Err(e),
    };
    after_user_change(&state, &ctx, id, r).await
}

pub async fn remove_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RoleForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let r = match accounts::parse_grant(&f.role, &f.scope_id) {
        Ok(g) => accounts::remove_grant(&state.store, &me.principal, id, g).await,
        Err(e) => Err(e),
    };
    after_user_change(&state, &ctx, id, r).await
}

pub async fn admin_revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, token_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let r = accounts::revoke_api_token(&state.store, &me.principal, token_id).await;
    after_user_change(&state, &ctx, id, r).await
}

pub async fn admin_revoke_feed_link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, link_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let r = accounts::revoke_feed_link(&state.store, &me.principal, link_id).await;
    after_user_change(&state, &ctx, id, r).await
}
