//! /api/v1 for resolution follow-up. Reads work with a session or a token; changes
//! need a token (`Authorization: Bearer …`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::resolutions::{self as rules, Transition};
use mahalle_db::resolutions::{
    self, Accountability, Event, Extension, Partner, Report, Resolution,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{ApiResult, Created, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P, Q};
use crate::resolutions::ops::{self, FilterQuery, ResolutionInput};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_resolution))
        .routes(routes!(import))
        .routes(routes!(list_resolutions))
        .routes(routes!(get_resolution))
        .routes(routes!(transition))
        .routes(routes!(report))
        .routes(routes!(request_extension))
        .routes(routes!(decide_extension))
        .routes(routes!(accountability))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/resolutions", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ResolutionInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records a resolution of a meeting (its secretariat only).
async fn create_resolution(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ResolutionInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::create_resolution(&s.store, &me.principal, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Name of the uploaded file; its extension (.xlsx or .csv) says how to read it.
    pub filename: String,
    /// `true` to check without recording anything.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub rows: usize,
    pub valid: usize,
    pub created: usize,
    pub errors: Vec<crate::resolutions::transfer::RowError>,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/import", tag = "follow-up", params(("id" = i64, Path), ImportParams), security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The .xlsx or .csv file"),
    responses((status = 200, body = ImportResult), (status = 422, body = ImportResult)))]
/// Imports a session's resolutions from a spreadsheet: every row is checked first, and all are
/// recorded in one transaction or none.
async fn import(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    Q(q): Q<ImportParams>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<ImportResult>), AppError> {
    let me = ctx.require_api_writer()?;
    // Who may import is settled before the file is read.
    ops::may_import(&s.store, &me.principal, id).await?;
    let body =
        crate::http::extract::read_body(body, crate::resolutions::transfer::MAX_UPLOAD).await?;
    let check = ops::check_import(&s.store, &me.principal, id, &q.filename, &body).await?;
    let (rows, valid) = (check.rows, check.drafts.len());
    if !check.errors.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ImportResult {
                rows,
                valid,
                created: 0,
                errors: check.errors,
            }),
        ));
    }
    let created = if q.dry_run {
        0
    } else {
        ops::commit_import(&s.store, &me.principal, id, &q.filename, &body).await?
    };
    Ok((
        StatusCode::OK,
        Json(ImportResult {
            rows,
            valid,
            created,
            errors: Vec::new(),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ResolutionPage {
    pub items: Vec<Resolution>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the filters FilterQuery reads
pub struct ResolutionFilterParams {
    /// approved, in_progress, done or cancelled
    pub status: Option<String>,
    /// civil_works, urban_services, cultural, social, health, safety, traffic, environment, economic, other
    pub domain: Option<String>,
    pub district: Option<i64>,
    /// Led by this organisation.
    pub lead: Option<i64>,
    /// Led or partnered on by this organisation.
    pub org: Option<i64>,
    pub meeting: Option<i64>,
    /// `1` for overdue only.
    pub overdue: Option<String>,
    /// Due within this many days.
    pub due: Option<i64>,
    /// Deadline from (Jalali or ISO).
    pub from: Option<String>,
    /// Deadline to (Jalali or ISO).
    pub to: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/resolutions", tag = "follow-up", params(ResolutionFilterParams, ListParams), security(("bearer" = [])),
    responses((status = 200, body = ResolutionPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
/// Resolutions the caller may see; sort by `deadline`, `number`, `status`, `progress` or `updated`.
async fn list_resolutions(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(fq): Q<FilterQuery>,
    Q(p): Q<ListParams>,
) -> ApiResult<ResolutionPage> {
    let me = ctx.require_user()?;
    let l = Listing::from_query(&p.query(), resolutions::RESOLUTION_SORTS);
    let Paged {
        items,
        total,
        page,
        per_page,
    } = resolutions::list(&s.store, &fq.to_filter(me)?, &l, crate::today()).await?;
    Ok(Json(ResolutionPage {
        items,
        total,
        page,
        per_page,
    }))
}

/// A resolution with everything that happened to it.
#[derive(Serialize, ToSchema)]
pub struct ResolutionDetail {
    #[serde(flatten)]
    pub resolution: Resolution,
    /// «1404/23/12»
    pub number: String,
    /// Derived from the deadline: days past it while open, else 0.
    pub overdue_days: i64,
    pub partners: Vec<Partner>,
    pub reports: Vec<Report>,
    pub extensions: Vec<Extension>,
    pub events: Vec<Event>,
}

#[utoipa::path(get, path = "/api/v1/resolutions/{id}", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ResolutionDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_resolution(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<ResolutionDetail> {
    let me = ctx.require_user()?;
    let r = resolutions::get(&s.store, id).await?;
    let partners = resolutions::partners(&s.store, id).await?;
    let involved: Vec<i64> = partners
        .iter()
        .map(|p| p.organisation_id)
        .chain([r.lead_org_id])
        .collect();
    if !me
        .principal
        .follow_up_reach()
        .sees(r.district_id, r.neighborhood_id, &involved)
    {
        return Err(AppError::Forbidden);
    }
    Ok(Json(ResolutionDetail {
        number: rules::number(r.jalali_year, r.session_number, r.item_number, false),
        overdue_days: rules::days_overdue(r.status(), r.deadline, crate::today()),
        partners,
        reports: resolutions::reports(&s.store, id).await?,
        extensions: resolutions::extensions(&s.store, id).await?,
        events: resolutions::events(&s.store, id).await?,
        resolution: r,
    }))
}

/// The transitions a resolution takes (how the document lists `action`'s choices; the field
/// is read as text and an unknown one refused).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum TransitionAction {
    Start,
    Complete,
    Cancel,
    Reopen,
}

#[derive(Deserialize, ToSchema)]
pub struct TransitionInput {
    /// start, complete, cancel or reopen
    #[schema(value_type = TransitionAction)]
    pub action: String,
    /// Completion evidence, or the reason for cancelling or reopening.
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct StatusOut {
    pub status: String,
}

#[utoipa::path(post, path = "/api/v1/resolutions/{id}/transitions", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = TransitionInput,
    responses((status = 200, body = StatusOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Changes status: approved → in progress → done (with evidence) | cancelled (with reason); reopen with reason.
async fn transition(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(t): J<TransitionInput>,
) -> ApiResult<StatusOut> {
    let me = ctx.require_api_writer()?;
    let t = Transition::from_action(&t.action, &t.note)
        .ok_or_else(|| AppError::BadRequest(format!("unknown action {}", t.action)))?;
    let to = ops::transition(&s.store, &me.principal, id, &t).await?;
    Ok(Json(StatusOut {
        status: to.as_str().into(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReportInput {
    /// 0–100
    pub percent: i64,
    pub text: String,
    /// ISO or Jalali; today when absent.
    pub reported_on: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/resolutions/{id}/reports", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ReportInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn report(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(r): J<ReportInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let on = match r.reported_on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(crate::http::extract::parse_date("reported_on", d)?),
        None => None,
    };
    let id = ops::report(&s.store, &me.principal, id, r.percent, &r.text, on, None).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, ToSchema)]
pub struct ExtensionInput {
    /// ISO or Jalali; later than the current deadline.
    pub new_deadline: String,
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/resolutions/{id}/extensions", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ExtensionInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// The lead organisation asks for a later deadline.
async fn request_extension(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(e): J<ExtensionInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id =
        ops::request_extension(&s.store, &me.principal, id, &e.new_deadline, &e.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionInput {
    pub approve: bool,
    /// Required when refusing.
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/extensions/{id}/decision", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = DecisionInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// The secretariat approves (the deadline moves; the old one is kept) or refuses an extension.
async fn decide_extension(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(d): J<DecisionInput>,
) -> Result<StatusCode, AppError> {
    let me = ctx.require_api_writer()?;
    ops::decide_extension(&s.store, &me.principal, id, d.approve, &d.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/accountability", tag = "follow-up", params(ResolutionFilterParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<Accountability>), (status = 401, body = ErrorBody)))]
/// Per lead organisation: assigned, open, overdue, done on time, done late, cancelled, median days to done.
async fn accountability(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(fq): Q<FilterQuery>,
) -> ApiResult<Vec<Accountability>> {
    let me = ctx.require_user()?;
    Ok(Json(
        resolutions::accountability(&s.store, &fq.to_filter(me)?, crate::today()).await?,
    ))
}
