//! /api/v1 for scorecards: a district's or neighborhood's figures and monthly trends, public.

use axum::extract::State;
use axum::Json;
use mahalle_db::places;
use mahalle_db::scorecards::Place;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::ApiResult;
use crate::http::error::ErrorBody;
use crate::http::extract::P;
use crate::scorecards::card::{self, Scorecard};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(district_scorecard))
        .routes(routes!(neighborhood_scorecard))
}

#[utoipa::path(get, path = "/api/v1/scorecards/districts/{id}", tag = "scorecards", params(("id" = i64, Path)),
    responses((status = 200, body = Scorecard), (status = 404, body = ErrorBody)))]
/// A district's scorecard over the last twelve Jalali months.
async fn district_scorecard(State(s): State<AppState>, P(id): P<i64>) -> ApiResult<Scorecard> {
    places::get_district(&s.store, id).await?;
    Ok(Json(
        card::compute(&s.store, Place::District(id), id, crate::today()).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/scorecards/neighborhoods/{id}", tag = "scorecards", params(("id" = i64, Path)),
    responses((status = 200, body = Scorecard), (status = 404, body = ErrorBody)))]
/// A neighborhood's scorecard over the last twelve Jalali months.
async fn neighborhood_scorecard(State(s): State<AppState>, P(id): P<i64>) -> ApiResult<Scorecard> {
    let n = places::get_neighborhood(&s.store, id).await?;
    Ok(Json(
        card::compute(
            &s.store,
            Place::Neighborhood(id),
            n.district_id,
            crate::today(),
        )
        .await?,
    ))
}
