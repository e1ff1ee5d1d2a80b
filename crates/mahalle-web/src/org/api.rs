//! /api/v1 for organisations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, Created, ListParams, RetiredParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P, Q};
use crate::org::ops::{self, OrgInput};
use crate::AppState;
use mahalle_core::org::OrgKind;
use mahalle_core::paging::Listing;
use mahalle_db::councils::{self, TermMembers};
use mahalle_db::org::{self, Organisation};

page_type!(OrganisationPage, Organisation);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_organisations, create_organisation))
        .routes(routes!(get_organisation, save_organisation))
        .routes(routes!(retire_organisation))
        .routes(routes!(reinstate_organisation))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgParams {
    /// council, municipality, deputy, department, district_office, agency, institution or
    /// neighborhood_council. Without it, all kinds except neighborhood councils.
    pub kind: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(OrgParams, RetiredParams, ListParams),
    responses((status = 200, body = OrganisationPage), (status = 400, body = ErrorBody)))]
/// Organisations; sort by `name`, `code` or `kind`.
async fn list_organisations(
    State(s): State<AppState>,
    Q(p): Q<OrgParams>,
    Q(r): Q<RetiredParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<OrganisationPage> {
    let kind = match p.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            OrgKind::parse(k).ok_or_else(|| AppError::BadRequest(format!("unknown kind {k}")))?,
        ),
        None => None,
    };
    let l = Listing::from_query(&lp.query(), org::ORG_SORTS);
    Ok(Json(
        org::list(
            &s.store,
            org::OrgFilter {
                kind,
                district_id: None,
                with_retired: r.retired.unwrap_or(false),
            },
            &l,
        )
        .await?
        .into(),
    ))
}

/// An organisation with the units under it and, for elected bodies, their terms and members.
#[derive(Serialize, ToSchema)]
pub struct OrganisationDetail {
    #[serde(flatten)]
    pub organisation: Organisation,
    pub children: Vec<Organisation>,
    pub terms: Vec<TermMembers>,
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = OrganisationDetail), (status = 404, body = ErrorBody)))]
async fn get_organisation(
    State(s): State<AppState>,
    P(id): P<i64>,
) -> ApiResult<OrganisationDetail> {
    Ok(Json(detail(&s, id).await?))
}

async fn detail(s: &AppState, id: i64) -> Result<OrganisationDetail, AppError> {
    let organisation = org::get(&s.store, id).await?;
    let children = org::children(&s.store, id).await?;
    let terms = councils::terms_with_members(&s.store, id, crate::today()).await?;
    Ok(OrganisationDetail {
        organisation,
        children,
        terms,
    })
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", security(("bearer" = [])),
    request_body = OrgInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Adds an organisation (administrators; a district mayor in their district).
async fn create_organisation(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<OrgInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let id = ops::create(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "organisations", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = OrgInput,
    responses((status = 200, body = OrganisationDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Saves an organisation's details (whoever keeps its district's registry).
async fn save_organisation(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<OrgInput>,
) -> ApiResult<OrganisationDetail> {
    let me = ctx.require_api_writer()?;
    ops::save(&s.store, &me.principal, id, &input).await?;
    Ok(Json(detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/retire", tag = "organisations", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = OrganisationDetail), (status = 403, body = ErrorBody)))]
/// Retires an organisation: its history stays, it is no longer offered for new work.
async fn retire_organisation(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<OrganisationDetail> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, id, true).await?;
    Ok(Json(detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/reinstate", tag = "organisations", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = OrganisationDetail), (status = 403, body = ErrorBody)))]
/// Makes a retired organisation current again.
async fn reinstate_organisation(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<OrganisationDetail> {
    let me = ctx.require_api_writer()?;
    ops::retire(&s.store, &me.principal, id, false).await?;
    Ok(Json(detail(&s, id).await?))
}
