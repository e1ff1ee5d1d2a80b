//! /api/v1 for the outbox (the city secretariat's): what was and will be sent, by state, and
//! putting a failed notification back in the queue (with a token).

use axum::extract::State;
use axum::Json;
use mahalle_core::paging::Listing;
use mahalle_db::notifications::{self, Notification, StateCounts};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{ApiResult, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::ErrorBody;
use crate::http::extract::{P, Q};
use crate::notifications::ops;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_outbox))
        .routes(routes!(retry))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// pending, sending, sent, failed, no_address or dropped.
    pub state: Option<String>,
    /// due_in_7_days, due_today, overdue, escalation, request_overdue or request_escalation.
    pub kind: Option<String>,
}

/// One page of the outbox, newest first, with the counts by state.
#[derive(Serialize, ToSchema)]
pub struct OutboxPage {
    pub items: Vec<Notification>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub counts: StateCounts,
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(OutboxParams, ListParams), security(("bearer" = [])),
    responses((status = 200, body = OutboxPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_outbox(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<OutboxParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<OutboxPage> {
    ops::require_secretariat(ctx.require_user()?)?;
    let f = ops::outbox_filter(
        p.state.as_deref().unwrap_or_default(),
        p.kind.as_deref().unwrap_or_default(),
    );
    let l = Listing::from_query(&lp.query(), notifications::OUTBOX_SORTS);
    let page = notifications::list(&s.store, &f, &l).await?;
    Ok(Json(OutboxPage {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        counts: notifications::counts(&s.store).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/notifications/{id}/retry", tag = "notifications", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Notification), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
/// Puts a failed or address-less notification back in the queue; the job sends it next.
async fn retry(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<Notification> {
    let me = ctx.require_api_writer()?;
    ops::require_secretariat(me)?;
    ops::retry(&s.store, me.user.id, id).await?;
    Ok(Json(notifications::get(&s.store, id).await?))
}
