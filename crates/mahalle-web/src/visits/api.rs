//! /api/v1 for supervisory visits: the same operations and checks as the pages.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, Created, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P, Q};
use crate::resolutions::ops::ResolutionInput;
use crate::visits::briefing::{self, Briefing, Commitments};
use crate::visits::ops::{self, DomainReportInput, FindingInput, MemoSent, VisitInput};
use crate::AppState;
use mahalle_core::paging::Listing;
use mahalle_db::meetings::{self, Attendee, Meeting, MeetingFilter};
use mahalle_db::visits::{self as store_v, DomainReport, Finding, Memo, RaisedChallenge};

page_type!(VisitPage, Meeting);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_visits, plan_visit))
        .routes(routes!(get_visit))
        .routes(routes!(get_briefing))
        .routes(routes!(file_report))
        .routes(routes!(import_reports))
        .routes(routes!(add_finding))
        .routes(routes!(add_decision))
        .routes(routes!(send_memo))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitParams {
    /// Only this district's visits (its id).
    pub district: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/visits", tag = "visits", params(VisitParams, ListParams), security(("bearer" = [])),
    responses((status = 200, body = VisitPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
/// Supervisory visits, newest first, of a district in the caller's reach (a district mayor's
/// own when none is named).
async fn list_visits(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<VisitParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<VisitPage> {
    let me = ctx.require_user()?;
    let reach = me.principal.reach();
    // A district mayor's list is their district's when none is named.
    let district = p
        .district
        .or_else(|| (!reach.all && reach.districts.len() == 1).then(|| reach.districts[0]));
    if !reach.all && district.is_none_or(|d| !reach.districts.contains(&d)) {
        return Err(AppError::Forbidden);
    }
    let f = MeetingFilter {
        kind: Some("supervisory_visit".into()),
        district_id: district,
        ..Default::default()
    };
    let l = Listing::from_query(&lp.query(), meetings::MEETING_SORTS);
    Ok(Json(
        meetings::list(&s.store, &f, &l, crate::today())
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", security(("bearer" = [])), request_body = VisitInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Plans a visit (the district's secretariat: the city's, or its district mayor).
async fn plan_visit(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<VisitInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::plan(&s.store, me, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A visit with its sides, reports, findings, decisions and memos, and the previous visit's
/// commitments.
#[derive(Serialize, ToSchema)]
pub struct VisitDetail {
    #[serde(flatten)]
    pub meeting: Meeting,
    pub visitors: Vec<Attendee>,
    pub hosts: Vec<Attendee>,
    pub previous: Option<Commitments>,
    pub decisions: Commitments,
    pub reports: Vec<DomainReport>,
    pub raised_challenges: Vec<RaisedChallenge>,
    pub findings: Vec<Finding>,
    pub memos: Vec<Memo>,
}

/// The visit if the caller may open it.
async fn visible(s: &AppState, ctx: &Ctx, id: i64) -> Result<ops::Visit, AppError> {
    let me = ctx.require_user()?;
    ops::visible(&s.store, me, id).await
}

#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "visits", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = VisitDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_visit(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<VisitDetail> {
    let v = visible(&s, &ctx, id).await?;
    let today = crate::today();
    let attendees = meetings::attendees(&s.store, id).await?;
    let side = |x: &str| -> Vec<Attendee> {
        attendees
            .iter()
            .filter(|a| a.side.as_deref() == Some(x))
            .cloned()
            .collect()
    };
    let previous = match store_v::previous(&s.store, v.district_id, v.m.starts_at, id).await? {
        Some(pid) => {
            let m = meetings::get(&s.store, pid, today).await?;
            Some(briefing::commitments(&s.store, &m, today).await?)
        }
        None => None,
    };
    Ok(Json(VisitDetail {
        visitors: side("visitor"),
        hosts: side("host"),
        previous,
        decisions: briefing::commitments(&s.store, &v.m, today).await?,
        reports: store_v::reports(&s.store, id).await?,
        raised_challenges: store_v::raised_challenges(&s.store, id).await?,
        findings: store_v::findings(&s.store, id).await?,
        memos: store_v::memos(&s.store, id).await?,
        meeting: v.m,
    }))
}

#[utoipa::path(get, path = "/api/v1/visits/{id}/briefing", tag = "visits", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Briefing), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// The briefing pack, gathered now.
async fn get_briefing(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<Briefing> {
    let v = visible(&s, &ctx, id).await?;
    Ok(Json(
        briefing::gather(&s.store, &v, chrono::Utc::now()).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/visits/{id}/reports", tag = "visits", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = DomainReportInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Files a domain's report (replacing the one filed for that domain): the visit's editors and
/// the district's domain managers.
async fn file_report(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<DomainReportInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let rid = ops::file_report(&s.store, me, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: rid })))
}

#[utoipa::path(post, path = "/api/v1/visits/{id}/findings", tag = "visits", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = FindingInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records a finding (the visitors and the district's secretariat).
async fn add_finding(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<FindingInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let fid = ops::add_finding(&s.store, me, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: fid })))
}

#[utoipa::path(post, path = "/api/v1/visits/{id}/decisions", tag = "visits", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ResolutionInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records a decision as a resolution of the visited district: owner (`lead_org_id`) and
/// `deadline` required. The new resolution's id is returned.
async fn add_decision(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ResolutionInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let rid = ops::decide(&s.store, me, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: rid })))
}

#[utoipa::path(post, path = "/api/v1/visits/{id}/memo", tag = "visits", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MemoSent), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Sends the commitments memo: each owner organisation gets its decisions not sent before.
async fn send_memo(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<MemoSent> {
    let me = ctx.require_api_writer()?;
    Ok(Json(
        ops::send_memo(&s.store, me, id, &s.config.public_url).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportImportParams {
    /// Name of the uploaded file; its extension (.xlsx or .csv) says how to read it.
    pub filename: String,
    /// `true` to check without recording anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// What an import of reports found and did.
#[derive(Serialize, ToSchema)]
pub struct ReportsImported {
    pub rows: usize,
    pub valid: usize,
    pub recorded: usize,
    pub errors: Vec<crate::http::sheet::RowError>,
}

#[utoipa::path(post, path = "/api/v1/visits/{id}/reports/import", tag = "visits", params(("id" = i64, Path), ReportImportParams), security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The .xlsx or .csv file: one row a domain"),
    responses((status = 200, body = ReportsImported), (status = 403, body = ErrorBody), (status = 422, body = ReportsImported)))]
/// Imports domain reports from a spreadsheet (columns domain, manager, actions, figures,
/// challenges): every row is checked first, and all are recorded in one transaction or none.
async fn import_reports(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    Q(q): Q<ReportImportParams>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<ReportsImported>), AppError> {
    let me = ctx.require_api_writer()?;
    // Who may import is settled before the file is read.
    if !ops::load(&s.store, id)
        .await?
        .may_report(&s.store, me)
        .await?
    {
        return Err(AppError::Forbidden);
    }
    let body = crate::http::extract::read_body(body, crate::http::sheet::MAX_UPLOAD).await?;
    let check = ops::check_reports(&s.store, me, id, &q.filename, &body).await?;
    let (rows, valid) = (check.rows, check.drafts.len());
    if !check.errors.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ReportsImported {
                rows,
                valid,
                recorded: 0,
                errors: check.errors,
            }),
        ));
    }
    let recorded = if q.dry_run {
        0
    } else {
        ops::commit_reports(&s.store, me, id, &q.filename, &body).await?
    };
    Ok((
        StatusCode::OK,
        Json(ReportsImported {
            rows,
            valid,
            recorded,
            errors: Vec::new(),
        }),
    ))
}
