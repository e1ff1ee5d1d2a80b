//! Open311 API keys for administrators: list, create (the key is shown once), revoke after a
//! confirmation step that works without JavaScript.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_db::api_keys::ApiKey;
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::page::{render_form, Page};
use crate::AppState;

#[derive(Template)]
#[template(path = "api_keys.html")]
struct KeysTemplate {
    p: Page,
    keys: Vec<ApiKey>,
    new_key: Option<String>,
    confirm: Option<ApiKey>,
    revoked: bool,
    name: String,
    errors: Vec<String>,
}

async fn keys_page(
    state: &AppState,
    ctx: &Ctx,
    new_key: Option<String>,
    confirm: Option<i64>,
    revoked: bool,
    name: String,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let keys = mahalle_db::api_keys::api_keys(&state.store).await?;
    let confirm = confirm.and_then(|id| {
        keys.iter()
            .find(|k| k.id == id && k.revoked_at.is_none())
            .cloned()
    });
    let invalid = !errors.is_empty();
    render_form(
        &KeysTemplate {
            p: Page::new(
                ctx,
                "api_keys",
                crate::http::i18n::t(ctx.lang, "rq_api_keys"),
            ),
            keys,
            new_key,
            confirm,
            revoked,
            name,
            errors,
        },
        invalid,
    )
}

#[derive(Deserialize)]
pub struct KeysQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    confirm: Option<i64>,
    #[serde(default)]
    revoked: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<KeysQuery>,
) -> Result<Response, AppError> {
    ctx.require_admin()?;
    keys_page(
        &state,
        &ctx,
        None,
        q.confirm,
        !q.revoked.is_empty(),
        String::new(),
        Vec::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<CreateForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    match crate::requests::ops::create_api_key(&state.store, &f.name, Some(me.user.id)).await {
        Ok((_, key)) => {
            let mut resp = keys_page(
                &state,
                &ctx,
                Some(key),
                None,
                false,
                String::new(),
                Vec::new(),
            )
            .await?;
            // The key is in this page only: keep it out of caches.
            resp.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            Ok(resp)
        }
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            keys_page(&state, &ctx, None, None, false, f.name, msgs).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    confirm: String,
}

/// Revokes a key; without `confirm=yes` (a form posted without the confirmation step) it
/// shows the confirmation first.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RevokeForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    if f.confirm != "yes" {
        return Ok(Redirect::to(&format!("/admin/api-keys?confirm={id}")).into_response());
    }
    if !crate::requests::ops::revoke_api_key(&state.store, id, Some(me.user.id)).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/admin/api-keys?revoked=1").into_response())
}
