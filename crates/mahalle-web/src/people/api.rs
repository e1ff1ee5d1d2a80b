//! /api/v1 for people (signed-in users only).

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{page_type, ApiResult, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::ErrorBody;
use crate::http::extract::{P, Q};
use crate::AppState;
use mahalle_core::paging::Listing;
use mahalle_db::councils::{self, PersonMembership, Pillar};
use mahalle_db::people::{self, Person};

page_type!(PersonPage, Person);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_people))
        .routes(routes!(get_person))
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
