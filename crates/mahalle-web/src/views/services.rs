//! The public service catalogue: categories, response times and who handles them; for
//! administrators, small forms to change a response time, switch a category off, and name the
//! organisation that handles it in one district.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use mahalle_core::validate::FieldError;
use mahalle_db::audit;
use mahalle_db::org::Organisation;
use mahalle_db::places::District;
use mahalle_db::requests::{self as store_requests, RouteRow, Service};
use serde::Deserialize;
use serde_json::json;

use super::{render_form, Page};
use crate::csrf::CsrfForm;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::extract::P as Path;
use crate::AppState;

pub struct CatalogueRow {
    pub service: Service,
    pub routes: Vec<RouteRow>,
}

impl CatalogueRow {
    pub fn default_route(&self) -> Option<&RouteRow> {
        self.routes
            .iter()
            .find(|r| r.district_id.is_none() && r.neighborhood_id.is_none())
    }
    pub fn overrides(&self) -> Vec<&RouteRow> {
        self.routes
            .iter()
            .filter(|r| r.district_id.is_some() || r.neighborhood_id.is_some())
            .collect()
    }
}

#[derive(Template)]
#[template(path = "services.html")]
struct CatalogueTemplate {
    p: Page,
    groups: Vec<(String, Vec<CatalogueRow>)>,
    admin: bool,
    orgs: Vec<Organisation>,
    districts: Vec<District>,
    errors: Vec<String>,
}

async fn catalogue_page(
    state: &AppState,
    ctx: &Ctx,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let admin = ctx.principal().is_some_and(|p| p.is_admin());
    let p = Page::new(ctx, "services", crate::i18n::t(ctx.lang, "rq_services"));
    let mut groups: Vec<(String, Vec<CatalogueRow>)> = Vec::new();
    for s in store_requests::services(&state.store, admin).await? {
        let routes = store_requests::routes(&state.store, s.id).await?;
        let g = p.name(&s.group_fa, &s.group_en).to_string();
        let row = CatalogueRow { service: s, routes };
        match groups.iter_mut().find(|(name, _)| *name == g) {
            Some((_, list)) => list.push(row),
            None => groups.push((g, vec![row])),
        }
    }
    let (orgs, districts) = if admin {
        (
            super::requests::all_orgs(state).await?,
            super::requests::all_districts(state).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let invalid = !errors.is_empty();
    render_form(
        &CatalogueTemplate {
            p,
            groups,
            admin,
            orgs,
            districts,
            errors,
        },
        invalid,
    )
}

pub async fn catalogue(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    catalogue_page(&state, &ctx, Vec::new()).await
}

#[derive(Debug, Deserialize)]
pub struct ServiceForm {
    #[serde(default)]
    sla_hours: String,
    #[serde(default)]
    active: String,
}

/// Changes a category's response time and whether it is offered.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ServiceForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let hours = mahalle_core::text::to_latin_digits(f.sla_hours.trim())
        .parse::<i64>()
        .ok()
        .filter(|h| (1..=8760).contains(h));
    let Some(hours) = hours else {
        let msgs = ctx.messages(vec![FieldError::new(
            "sla_hours",
            "مهلت پاسخ باید عددی میان ۱ و ۸۷۶۰ ساعت باشد.",
            "The response time must be a number of hours between 1 and 8760.",
        )]);
        return catalogue_page(&state, &ctx, msgs).await;
    };
    let active = !f.active.is_empty();
    let before = store_requests::service(&state.store, id).await?;
    let mut tx = state.store.begin().await?;
    store_requests::update_service(&mut tx, id, hours, active, Utc::now()).await?;
    audit::record(
        &mut tx,
        audit::Change {
            user_id: Some(me.user.id),
            action: "update",
            entity: "service",
            entity_id: Some(id),
            before: Some(json!({"sla_hours": before.sla_hours, "active": before.active})),
            after: Some(json!({"sla_hours": hours, "active": active})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/services#service-{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RouteForm {
    #[serde(default, deserialize_with = "crate::empty_as_none")]
    district_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::empty_as_none")]
    organisation_id: Option<i64>,
}

/// Names who handles a category in one district (or everywhere, without a district).
pub async fn add_route(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RouteForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    store_requests::service(&state.store, id).await?;
    let org = match f.organisation_id {
        Some(o) => mahalle_db::org::get(&state.store, o).await.ok(),
        None => None,
    };
    let Some(org) = org else {
        let msgs = ctx.messages(vec![FieldError::new(
            "organisation_id",
            "دستگاه رسیدگی‌کننده را انتخاب کنید.",
            "Choose the organisation that handles it.",
        )]);
        return catalogue_page(&state, &ctx, msgs).await;
    };
    if let Some(d) = f.district_id {
        mahalle_db::places::get_district(&state.store, d).await?;
    }
    let mut tx = state.store.begin().await?;
    store_requests::set_route(&mut tx, id, f.district_id, None, org.id).await?;
    audit::record(
        &mut tx,
        audit::Change {
            user_id: Some(me.user.id),
            action: "set_route",
            entity: "service",
            entity_id: Some(id),
            before: None,
            after: Some(json!({"district_id": f.district_id, "organisation_id": org.id})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/services#service-{id}")).into_response())
}
