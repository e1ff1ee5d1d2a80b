//! /api/v1 for people (signed-in users only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, Created, ListParams, RetiredParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P, Q};
use crate::people::ops::{self, PersonInput};
use crate::AppState;
use mahalle_core::paging::Listing;
use mahalle_db::councils::{self, PersonMembership, Pillar};
use mahalle_db::people::{self, Person};

page_type!(PersonPage, Person);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_people, create_person))
        .routes(routes!(get_person, save_person))
        .routes(routes!(retire_person))
        .routes(routes!(reinstate_person))
        .routes(routes!(import_people))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleImportParams {
    /// Name of the uploaded file; its extension (.xlsx or .csv) says how to read it.
    pub filename: String,
    /// `true` to check without recording anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a people import checked and recorded.
#[derive(Serialize, ToSchema)]
pub struct PeopleImportResult {
    pub rows: usize,
    pub valid: usize,
    pub recorded: Option<ops::Imported>,
    pub errors: Vec<crate::http::sheet::RowError>,
}

#[utoipa::path(post, path = "/api/v1/people/import", tag = "people", params(PeopleImportParams), security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The .xlsx or .csv file"),
    responses((status = 200, body = PeopleImportResult), (status = 403, body = ErrorBody), (status = 422, body = PeopleImportResult)))]
/// Imports people and their pillar roles from a spreadsheet (administrators; district mayors for
/// their district): every row is checked first, and all are recorded in one transaction or none.
async fn import_people(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(q): Q<PeopleImportParams>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<PeopleImportResult>), AppError> {
    let me = ctx.require_api_writer()?;
    ops::may_import(&me.principal)?;
    let body = crate::http::extract::read_body(body, crate::http::sheet::MAX_UPLOAD).await?;
    let check = ops::check_import(&s.store, &me.principal, &q.filename, &body).await?;
    let (rows, valid) = (check.rows, check.drafts.len());
    if !check.errors.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(PeopleImportResult {
                rows,
                valid,
                recorded: None,
                errors: check.errors,
            }),
        ));
    }
    let recorded = if q.dry_run {
        None
    } else {
        Some(ops::commit_import(&s.store, &me.principal, &q.filename, &body).await?)
    };
    Ok((
        StatusCode::OK,
        Json(PeopleImportResult {
            rows,
            valid,
            recorded,
            errors: Vec::new(),
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(RetiredParams, ListParams), security(("bearer" = [])),
    responses((status = 200, body = PersonPage), (status = 401, body = ErrorBody)))]
/// People (signed-in users only; phone and e-mail for the municipality's staff only); sort by
/// `name` or `id`.
async fn list_people(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(r): Q<RetiredParams>,
    Q(p): Q<ListParams>,
) -> ApiResult<PersonPage> {
    let me = ctx.require_user()?;
    let l = Listing::from_query(&p.query(), people::PERSON_SORTS);
    let mut page = people::list(&s.store, r.retired.unwrap_or(false), &l).await?;
    page.items = page
        .items
        .into_iter()
        .map(|p| ops::for_viewer(p, Some(&me.principal)))
        .collect();
    Ok(Json(page.into()))
}

#[derive(Serialize, ToSchema)]
pub struct PersonDetail {
    #[serde(flatten)]
    pub person: Person,
    pub memberships: Vec<PersonMembership>,
    pub pillars: Vec<Pillar>,
}

#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PersonDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_person(State(s): State<AppState>, ctx: Ctx, P(id): P<i64>) -> ApiResult<PersonDetail> {
    Ok(Json(detail(&s, &ctx, id).await?))
}

async fn detail(s: &AppState, ctx: &Ctx, id: i64) -> Result<PersonDetail, AppError> {
    let me = ctx.require_user()?;
    let person = ops::for_viewer(people::get(&s.store, id).await?, Some(&me.principal));
    let memberships = councils::memberships_of_person(&s.store, id).await?;
    let pillars = councils::pillars_of_person(&s.store, id).await?;
    Ok(PersonDetail {
        person,
        memberships,
        pillars,
    })
}

#[utoipa::path(post, path = "/api/v1/people", tag = "people", security(("bearer" = [])),
    request_body = PersonInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Adds a person (administrators; a district mayor to their district's registry).
async fn create_person(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<PersonInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::create(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = PersonInput,
    responses((status = 200, body = PersonDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Saves a person's record (whoever keeps it).
async fn save_person(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<PersonInput>,
) -> ApiResult<PersonDetail> {
    let me = ctx.require_api_writer()?;
    ops::save(&s.store, &me.principal, id, &input).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/people/{id}/retire", tag = "people", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PersonDetail), (status = 403, body = ErrorBody)))]
/// Retires a person's record; their memberships and history stay.
async fn retire_person(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<PersonDetail> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, id, true).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/people/{id}/reinstate", tag = "people", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PersonDetail), (status = 403, body = ErrorBody)))]
/// Makes a retired person's record current again.
async fn reinstate_person(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<PersonDetail> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, id, false).await?;
    Ok(Json(detail(&s, &ctx, id).await?))
}
