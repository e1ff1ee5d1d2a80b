//! JSON API under /api/v1, described by the OpenAPI document at /api/openapi.json.
//! Machine clients authenticate with `Authorization: Bearer <token>` (tokens from /account).

mod followup;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use mahalle_core::access::Grant;
use mahalle_core::org::OrgKind;
use mahalle_core::paging::{ListQuery, Listing, Paged};
use mahalle_db::auth::User;
use mahalle_db::councils::{self, Member, PersonMembership, Pillar, Term};
use mahalle_db::org::{self, Organisation};
use mahalle_db::people::{self, Person};
use mahalle_db::places::{self, District, Neighborhood};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::ctx::Ctx;
use crate::error::{AppError, ErrorBody};
use crate::extract::{P, Q};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/districts", get(list_districts))
        .route("/districts/{id}", get(get_district))
        .route("/neighborhoods", get(list_neighborhoods))
        .route("/neighborhoods/{id}", get(get_neighborhood))
        .route("/organisations", get(list_organisations))
        .route("/organisations/{id}", get(get_organisation))
        .route("/people", get(list_people))
        .route("/people/{id}", get(get_person))
        .route("/me", get(me))
        .merge(followup::router())
        .fallback(|| async { AppError::NotFound })
}

pub(crate) type ApiResult<T> = Result<Json<T>, AppError>;

macro_rules! page_type {
    ($name:ident, $item:ty) => {
        /// One page of results.
        #[derive(Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Number of matching items over all pages.
            pub total: i64,
            pub page: u32,
            pub per_page: u32,
        }
        impl From<Paged<$item>> for $name {
            fn from(p: Paged<$item>) -> Self {
                $name {
                    items: p.items,
                    total: p.total,
                    page: p.page,
                    per_page: p.per_page,
                }
            }
        }
    };
}
page_type!(DistrictPage, District);
page_type!(NeighborhoodPage, Neighborhood);
page_type!(OrganisationPage, Organisation);
page_type!(PersonPage, Person);

/// Search, sort and paging parameters shared by list endpoints.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Search text; Persian spelling variants (ي/ی, ك/ک, ZWNJ, diacritics, digit scripts) match.
    pub q: Option<String>,
    /// Sort key (see each endpoint).
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    pub dir: Option<String>,
    /// Page number from 1.
    pub page: Option<u32>,
    /// Items per page, 1–200 (default 25).
    pub per_page: Option<u32>,
}

impl ListParams {
    pub(crate) fn query(&self) -> ListQuery {
        ListQuery {
            q: self.q.clone(),
            sort: self.sort.clone(),
            dir: self.dir.clone(),
            page: self.page,
            per_page: self.per_page,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/districts", tag = "places", params(ListParams),
    responses((status = 200, body = DistrictPage), (status = 400, body = ErrorBody)))]
/// Districts; sort by `number`, `population` or `neighborhoods`.
async fn list_districts(State(s): State<AppState>, Q(p): Q<ListParams>) -> ApiResult<DistrictPage> {
    let l = Listing::from_query(&p.query(), places::DISTRICT_SORTS);
    Ok(Json(places::list_districts(&s.store, &l).await?.into()))
}

/// A district with its boundary (GeoJSON), if recorded.
#[derive(Serialize, ToSchema)]
pub struct DistrictDetail {
    #[serde(flatten)]
    pub district: District,
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
}

#[utoipa::path(get, path = "/api/v1/districts/{id}", tag = "places", params(("id" = i64, Path)),
    responses((status = 200, body = DistrictDetail), (status = 404, body = ErrorBody)))]
async fn get_district(State(s): State<AppState>, P(id): P<i64>) -> ApiResult<DistrictDetail> {
    let district = places::get_district(&s.store, id).await?;
    let boundary = places::district_boundary(&s.store, id)
        .await?
        .and_then(|b| serde_json::from_str(&b).ok());
    Ok(Json(DistrictDetail { district, boundary }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeighborhoodParams {
    /// Only neighborhoods of this district (its id).
    pub district: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/neighborhoods", tag = "places", params(NeighborhoodParams, ListParams),
    responses((status = 200, body = NeighborhoodPage), (status = 400, body = ErrorBody)))]
/// Neighborhoods; sort by `name`, `code`, `population` or `district`.
async fn list_neighborhoods(
    State(s): State<AppState>,
    Q(p): Q<NeighborhoodParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<NeighborhoodPage> {
    let l = Listing::from_query(&lp.query(), places::NEIGHBORHOOD_SORTS);
    Ok(Json(
        places::list_neighborhoods(&s.store, p.district, &l)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct TermMembers {
    #[serde(flatten)]
    pub term: Term,
    pub current: bool,
    pub members: Vec<Member>,
}

/// A neighborhood with its council (all terms, members) and its other pillars.
#[derive(Serialize, ToSchema)]
pub struct NeighborhoodDetail {
    #[serde(flatten)]
    pub neighborhood: Neighborhood,
    pub council: Option<Organisation>,
    pub terms: Vec<TermMembers>,
    pub pillars: Vec<Pillar>,
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
}

async fn terms_with_members(s: &AppState, body_id: i64) -> Result<Vec<TermMembers>, AppError> {
    Ok(crate::views::places::council_terms(s, body_id)
        .await?
        .into_iter()
        .map(|t| TermMembers {
            term: t.term,
            current: t.current,
            members: t.members,
        })
        .collect())
}

#[utoipa::path(get, path = "/api/v1/neighborhoods/{id}", tag = "places", params(("id" = i64, Path)),
    responses((status = 200, body = NeighborhoodDetail), (status = 404, body = ErrorBody)))]
async fn get_neighborhood(
    State(s): State<AppState>,
    P(id): P<i64>,
) -> ApiResult<NeighborhoodDetail> {
    let neighborhood = places::get_neighborhood(&s.store, id).await?;
    let council = org::council_of_neighborhood(&s.store, id).await?;
    let terms = match &council {
        Some(c) => terms_with_members(&s, c.id).await?,
        None => Vec::new(),
    };
    let pillars = councils::pillars_of(&s.store, id).await?;
    let boundary = places::neighborhood_boundary(&s.store, id)
        .await?
        .and_then(|b| serde_json::from_str(&b).ok());
    Ok(Json(NeighborhoodDetail {
        neighborhood,
        council,
        terms,
        pillars,
        boundary,
    }))
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
    let terms = terms_with_members(&s, id).await?;
    Ok(Json(OrganisationDetail {
        organisation,
        children,
        terms,
    }))
}

#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = PersonPage), (status = 401, body = ErrorBody)))]
/// People (signed-in users only); sort by `name` or `id`.
async fn list_people(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<ListParams>,
) -> ApiResult<PersonPage> {
    ctx.require_user()?;
    let l = Listing::from_query(&p.query(), people::PERSON_SORTS);
    Ok(Json(people::list(&s.store, &l).await?.into()))
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
    ctx.require_user()?;
    let person = people::get(&s.store, id).await?;
    let memberships = councils::memberships_of_person(&s.store, id).await?;
    let pillars = councils::pillars_of_person(&s.store, id).await?;
    Ok(Json(PersonDetail {
        person,
        memberships,
        pillars,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    #[schema(value_type = Vec<Object>)]
    pub grants: Vec<Grant>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
/// The account the request is made as, with its roles.
async fn me(ctx: Ctx) -> ApiResult<Me> {
    let me = ctx.require_user()?;
    Ok(Json(Me {
        user: me.user.clone(),
        grants: me.principal.grants.clone(),
    }))
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Mahalle API", description = "Neighborhood-centred city governance. Dates are ISO 8601 (Gregorian); names come in Persian (`_fa`) and Latin (`_en`)."),
    paths(list_districts, get_district, list_neighborhoods, get_neighborhood, list_organisations, get_organisation, list_people, get_person, me,
        followup::list_meetings, followup::get_meeting, followup::set_attendance, followup::create_resolution, followup::import, followup::list_resolutions,
        followup::get_resolution, followup::transition, followup::report, followup::request_extension, followup::decide_extension,
        followup::accountability),
    components(schemas(ErrorBody, crate::error::ErrorDetail)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
