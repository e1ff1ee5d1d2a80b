//! The dashboard: the city at a glance, with real counts.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mahalle_core::org::OrgKind;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::{councils, org, people, places};

use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::page::{render, Page};
use crate::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    p: Page,
    districts: i64,
    neighborhoods: i64,
    people: Option<i64>,
    council_members: i64,
    org_counts: Vec<(&'static str, i64)>,
    agencies: i64,
    institutions: i64,
    top_districts: Vec<places::District>,
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let store = &state.store;
    let all = Listing::from_query(
        &ListQuery {
            per_page: Some(200),
            ..Default::default()
        },
        places::DISTRICT_SORTS,
    );
    let districts = places::list_districts(store, false, &all).await?;
    let neighborhoods = places::list_neighborhoods(
        store,
        None,
        false,
        &Listing {
            per_page: 1,
            ..all.clone()
        },
    )
    .await?
    .total;
    let counts = org::count_by_kind(store).await?;
    let count = |k: OrgKind| counts.iter().find(|(c, _)| *c == k).map_or(0, |c| c.1);
    let today = crate::today();
    let p = Page::new(&ctx, "home", crate::http::i18n::t(ctx.lang, "home"));
    let org_counts = counts
        .iter()
        .filter(|(k, _)| *k != OrgKind::NeighborhoodCouncil)
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    let t = HomeTemplate {
        districts: districts.total,
        neighborhoods,
        // The people directory is for signed-in users; so is its size.
        people: if ctx.user.is_some() {
            Some(people::count(store).await?)
        } else {
            None
        },
        council_members: councils::count_current_council_members(store, today).await?,
        agencies: count(OrgKind::Agency),
        institutions: count(OrgKind::Institution),
        org_counts,
        top_districts: districts.items,
        p,
    };
    render(&t)
}
