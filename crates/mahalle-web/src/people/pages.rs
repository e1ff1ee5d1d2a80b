//! The people directory, for signed-in users only (it holds personal contact details).

use crate::http::extract::{P as Path, Q as Query};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::councils::{self, PersonMembership, Pillar};
use mahalle_db::people::{self, Person};

use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::page::{render, ListView, Page};
use crate::AppState;

#[derive(Template)]
#[template(path = "people.html")]
struct PeopleTemplate {
    p: Page,
    list: ListView,
    items: Vec<Person>,
}

pub async fn people(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let l = Listing::from_query(&q, people::PERSON_SORTS);
    let page = people::list(&state.store, &l).await?;
    let t = PeopleTemplate {
        p: Page::new(&ctx, "people", crate::http::i18n::t(ctx.lang, "people")),
        list: ListView::new("/people", String::new(), &l, &page),
        items: page.items,
    };
    render(&t)
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonTemplate {
    p: Page,
    person: Person,
    memberships: Vec<PersonMembership>,
    pillars: Vec<Pillar>,
}

pub async fn person(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let person = people::get(&state.store, id).await?;
    let memberships = councils::memberships_of_person(&state.store, id).await?;
    let pillars = councils::pillars_of_person(&state.store, id).await?;
    let p = Page::new(&ctx, "people", String::new());
    let title = p
        .name(&person.full_name_fa, &person.full_name_en)
        .to_string();
    render(&PersonTemplate {
        p: Page { title, ..p },
        person,
        memberships,
        pillars,
    })
}
