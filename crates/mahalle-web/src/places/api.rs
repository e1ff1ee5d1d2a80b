//! /api/v1 for districts and neighborhoods (with their councils and pillars).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, ListParams};
use crate::http::error::ErrorBody;
use crate::http::extract::{P, Q};
use crate::AppState;
use mahalle_core::paging::Listing;
use mahalle_db::councils::{self, Pillar, TermMembers};
use mahalle_db::org::{self, Organisation};
use mahalle_db::places::{self, District, Neighborhood};

page_type!(DistrictPage, District);
page_type!(NeighborhoodPage, Neighborhood);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_districts))
        .routes(routes!(get_district))
        .routes(routes!(list_neighborhoods))
        .routes(routes!(get_neighborhood))
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

#[utoipa::path(get, path = "/api/v1/neighborhoods/{id}", tag = "places", params(("id" = i64, Path)),
    responses((status = 200, body = NeighborhoodDetail), (status = 404, body = ErrorBody)))]
async fn get_neighborhood(
    State(s): State<AppState>,
    P(id): P<i64>,
) -> ApiResult<NeighborhoodDetail> {
    let neighborhood = places::get_neighborhood(&s.store, id).await?;
    let council = org::council_of_neighborhood(&s.store, id).await?;
    let terms = match &council {
        Some(c) => councils::terms_with_members(&s.store, c.id, crate::today()).await?,
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
