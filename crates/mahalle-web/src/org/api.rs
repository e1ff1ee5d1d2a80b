//! /api/v1 for organisations.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, ListParams};
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{P, Q};
use crate::AppState;
use mahalle_core::org::OrgKind;
use mahalle_core::paging::Listing;
use mahalle_db::councils::{self, TermMembers};
use mahalle_db::org::{self, Organisation};

page_type!(OrganisationPage, Organisation);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_organisations))
        .routes(routes!(get_organisation))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgParams {
    /// council, municipality, deputy, department, district_office, agency, institution or
    /// neighborhood_council. Without it, all kinds except neighborhood councils.
    pub kind: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(OrgParams, ListParams),
    responses((status = 200, body = OrganisationPage), (status = 400, body = ErrorBody)))]
/// Organisations; sort by `name`, `code` or `kind`.
async fn list_organisations(
    State(s): State<AppState>,
    Q(p): Q<OrgParams>,
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
    let organisation = org::get(&s.store, id).await?;
    let children = org::children(&s.store, id).await?;
    let terms = councils::terms_with_members(&s.store, id, crate::today()).await?;
    Ok(Json(OrganisationDetail {
        organisation,
        children,
        terms,
    }))
}
