//! /api/v1 for priority projects: read by anyone, kept under the same checks and audit as the
//! pages.

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
use crate::projects::ops::{self, ContinuationInput, MilestoneInput, ProjectInput};
use crate::AppState;
use mahalle_core::domain::Domain;
use mahalle_core::paging::Listing;
use mahalle_core::projects::ProjectStatus;
use mahalle_db::projects::{
    self, Continuation, LinkedResolution, Project, ProjectFilter, ProjectMilestone,
};

page_type!(ProjectPage, Project);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project, save_project))
        .routes(routes!(add_milestone))
        .routes(routes!(remove_milestone))
        .routes(routes!(milestone_done))
        .routes(routes!(milestone_undone))
        .routes(routes!(add_continuation))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectParams {
    /// Only this district's projects (its id).
    pub district: Option<i64>,
    /// Only this neighborhood's projects (its id).
    pub neighborhood: Option<i64>,
    /// Only those this organisation leads (its id).
    pub lead: Option<i64>,
    /// A domain's code (civil_works, urban_services, cultural, social, …).
    pub domain: Option<String>,
    /// planned, under_way, suspended, done or cancelled
    pub status: Option<String>,
    /// `true`: only open projects behind their plan today.
    pub behind: Option<bool>,
    /// `true`: only the districts' priorities.
    pub priority: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ProjectParams, ListParams),
    responses((status = 200, body = ProjectPage), (status = 400, body = ErrorBody)))]
/// Priority projects; sort by `start`, `end`, `progress`, `behind` or `budget`.
async fn list_projects(
    State(s): State<AppState>,
    Q(p): Q<ProjectParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<ProjectPage> {
    let domain = match p.domain.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            Domain::parse(k)
                .ok_or_else(|| AppError::BadRequest(format!("unknown domain {k}")))?
                .as_str(),
        ),
        None => None,
    };
    let status = match p.status.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            ProjectStatus::parse(k)
                .ok_or_else(|| AppError::BadRequest(format!("unknown status {k}")))?
                .as_str(),
        ),
        None => None,
    };
    let f = ProjectFilter {
        district_id: p.district,
        neighborhood_id: p.neighborhood,
        domain,
        status,
        lead_org_id: p.lead,
        priority: p.priority.unwrap_or(false),
        behind_on: p.behind.unwrap_or(false).then(crate::today),
        during: None,
    };
    let l = Listing::from_query(&lp.query(), projects::SORTS);
    Ok(Json(projects::list(&s.store, &f, &l).await?.into()))
}

/// A linked challenge.
#[derive(Serialize, ToSchema)]
pub struct LinkedChallenge {
    pub id: i64,
    pub title: String,
    pub status: String,
}

/// A project with its milestones, links and residents' requests that it continue.
#[derive(Serialize, ToSchema)]
pub struct ProjectDetail {
    #[serde(flatten)]
    pub project: Project,
    pub milestones: Vec<ProjectMilestone>,
    pub challenges: Vec<LinkedChallenge>,
    pub resolutions: Vec<LinkedResolution>,
    pub continuations: Vec<Continuation>,
}

async fn detail(s: &AppState, id: i64) -> Result<ProjectDetail, AppError> {
    Ok(ProjectDetail {
        project: projects::get(&s.store, id).await?,
        milestones: projects::milestones(&s.store, id).await?,
        challenges: projects::challenges(&s.store, id)
            .await?
            .into_iter()
            .map(|(id, title, status)| LinkedChallenge { id, title, status })
            .collect(),
        resolutions: projects::resolutions(&s.store, id).await?,
        continuations: projects::continuations(&s.store, id).await?,
    })
}

#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", security(("bearer" = [])),
    request_body = ProjectInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Adds a project (the district's secretariat: the city's, or the district mayor).
async fn create_project(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<ProjectInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::create(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = ProjectDetail), (status = 404, body = ErrorBody)))]
async fn get_project(State(s): State<AppState>, P(id): P<i64>) -> ApiResult<ProjectDetail> {
    Ok(Json(detail(&s, id).await?))
}

#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ProjectInput,
    responses((status = 200, body = ProjectDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Saves a project; its milestones stay as they are.
async fn save_project(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ProjectInput>,
) -> ApiResult<ProjectDetail> {
    let me = ctx.require_api_writer()?;
    ops::save(&s.store, &me.principal, id, &input).await?;
    Ok(Json(detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones", tag = "projects", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = MilestoneInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Adds a milestone after the others; progress and standing are recomputed.
async fn add_milestone(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<MilestoneInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let mid = ops::add_milestone(&s.store, &me.principal, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: mid })))
}

#[utoipa::path(delete, path = "/api/v1/projects/{id}/milestones/{milestone}", tag = "projects",
    params(("id" = i64, Path), ("milestone" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ProjectDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Removes a milestone.
async fn remove_milestone(
    State(s): State<AppState>,
    ctx: Ctx,
    P((id, mid)): P<(i64, i64)>,
) -> ApiResult<ProjectDetail> {
    let me = ctx.require_api_writer()?;
    ops::remove_milestone(&s.store, &me.principal, id, mid).await?;
    Ok(Json(detail(&s, id).await?))
}

/// The day a milestone was done.
#[derive(Deserialize, ToSchema, Default)]
pub struct DoneInput {
    /// Jalali or ISO; today when empty.
    #[serde(default)]
    pub done_on: String,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones/{milestone}/done", tag = "projects",
    params(("id" = i64, Path), ("milestone" = i64, Path)), security(("bearer" = [])), request_body = DoneInput,
    responses((status = 200, body = ProjectDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records a milestone done (the secretariat or the lead organisation).
async fn milestone_done(
    State(s): State<AppState>,
    ctx: Ctx,
    P((id, mid)): P<(i64, i64)>,
    J(input): J<DoneInput>,
) -> ApiResult<ProjectDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_milestone_done(&s.store, &me.principal, id, mid, true, &input.done_on).await?;
    Ok(Json(detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones/{milestone}/undone", tag = "projects",
    params(("id" = i64, Path), ("milestone" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ProjectDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records a milestone not done after all.
async fn milestone_undone(
    State(s): State<AppState>,
    ctx: Ctx,
    P((id, mid)): P<(i64, i64)>,
) -> ApiResult<ProjectDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_milestone_done(&s.store, &me.principal, id, mid, false, "").await?;
    Ok(Json(detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/continuations", tag = "projects", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = ContinuationInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records residents asking that the project continue.
async fn add_continuation(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<ContinuationInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let cid = ops::add_continuation(&s.store, &me.principal, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: cid })))
}
