//! Districts and neighborhoods.

use crate::http::extract::{P as Path, Q as Query};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::councils::{self, Pillar};
use mahalle_db::org::{self, Organisation};
use mahalle_db::places::{self, District, Neighborhood};
use serde::Deserialize;

use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::page::{render, ListView, Page};
use crate::AppState;

#[derive(Template)]
#[template(path = "districts.html")]
struct DistrictsTemplate {
    p: Page,
    list: ListView,
    items: Vec<District>,
}

pub async fn districts(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let l = Listing::from_query(&q, places::DISTRICT_SORTS);
    let page = places::list_districts(&state.store, &l).await?;
    let t = DistrictsTemplate {
        p: Page::new(
            &ctx,
            "districts",
            crate::http::i18n::t(ctx.lang, "districts"),
        ),
        list: ListView::new("/districts", String::new(), &l, &page),
        items: page.items,
    };
    render(&t)
}

#[derive(Template)]
#[template(path = "district.html")]
struct DistrictTemplate {
    p: Page,
    d: District,
    office: Option<Organisation>,
    list: ListView,
    items: Vec<Neighborhood>,
}

pub async fn district(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let d = places::get_district(&state.store, id).await?;
    let l = Listing::from_query(&q, places::NEIGHBORHOOD_SORTS);
    let page = places::list_neighborhoods(&state.store, Some(id), &l).await?;
    let offices = org::list(
        &state.store,
        org::OrgFilter {
            kind: Some(mahalle_core::org::OrgKind::DistrictOffice),
            district_id: Some(id),
        },
        &Listing::from_query(&ListQuery::default(), org::ORG_SORTS),
    )
    .await?;
    let p = Page::new(&ctx, "districts", String::new());
    let title = p.district_name(d.number);
    let t = DistrictTemplate {
        p: Page { title, ..p },
        list: ListView::new(&format!("/districts/{id}"), String::new(), &l, &page),
        office: offices.items.into_iter().next(),
        d,
        items: page.items,
    };
    render(&t)
}

#[derive(Template)]
#[template(path = "neighborhoods.html")]
struct NeighborhoodsTemplate {
    p: Page,
    list: ListView,
    items: Vec<Neighborhood>,
    districts: Vec<District>,
    district: Option<i64>,
}

/// Read beside `ListQuery` (serde's `flatten` would break its number fields in query strings).
#[derive(Deserialize)]
pub struct NeighborhoodFilter {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
}

pub async fn neighborhoods(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<NeighborhoodFilter>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let l = Listing::from_query(&q, places::NEIGHBORHOOD_SORTS);
    let page = places::list_neighborhoods(&state.store, f.district, &l).await?;
    let districts = places::list_districts(
        &state.store,
        &Listing::from_query(
            &ListQuery {
                per_page: Some(200),
                ..Default::default()
            },
            places::DISTRICT_SORTS,
        ),
    )
    .await?;
    let keep = f
        .district
        .map(|d| format!("&district={d}"))
        .unwrap_or_default();
    let t = NeighborhoodsTemplate {
        p: Page::new(
            &ctx,
            "neighborhoods",
            crate::http::i18n::t(ctx.lang, "neighborhoods"),
        ),
        list: ListView::new("/neighborhoods", keep, &l, &page),
        items: page.items,
        districts: districts.items,
        district: f.district,
    };
    render(&t)
}

#[derive(Template)]
#[template(path = "neighborhood.html")]
struct NeighborhoodTemplate {
    p: Page,
    n: Neighborhood,
    council: Option<Organisation>,
    terms: Vec<councils::TermMembers>,
    pillars: Vec<Pillar>,
    has_boundary: bool,
    /// Staff only: the needs its people keep raising.
    challenges: Vec<mahalle_db::challenges::Challenge>,
}

pub async fn neighborhood(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let n = places::get_neighborhood(&state.store, id).await?;
    let council = org::council_of_neighborhood(&state.store, id).await?;
    let terms = match &council {
        Some(c) => councils::terms_with_members(&state.store, c.id, crate::today()).await?,
        None => Vec::new(),
    };
    let pillars = councils::pillars_of(&state.store, id).await?;
    let has_boundary = places::neighborhood_boundary(&state.store, id)
        .await?
        .is_some();
    let challenges = match ctx.user {
        Some(_) => mahalle_db::challenges::of_neighborhood(&state.store, id).await?,
        None => Vec::new(),
    };
    let p = Page::new(&ctx, "neighborhoods", String::new());
    let title = p.name(&n.name_fa, &n.name_en).to_string();
    let t = NeighborhoodTemplate {
        p: Page { title, ..p },
        n,
        council,
        terms,
        pillars,
        has_boundary,
        challenges,
    };
    render(&t)
}
