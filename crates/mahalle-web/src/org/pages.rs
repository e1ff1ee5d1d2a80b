//! Organisations: the council, the municipality, agencies and institutions.

use crate::http::extract::{P as Path, Q as Query};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mahalle_core::org::OrgKind;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::org::{self, Organisation};
use serde::Deserialize;

use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::page::{render, ListView, Page};
use crate::AppState;

#[derive(Template)]
#[template(path = "organisations.html")]
struct OrganisationsTemplate {
    p: Page,
    list: ListView,
    items: Vec<Organisation>,
    kind: String,
}

#[derive(Deserialize)]
pub struct OrgQuery {
    #[serde(default)]
    kind: String,
}

pub async fn organisations(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<OrgQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let l = Listing::from_query(&q, org::ORG_SORTS);
    let kind = OrgKind::parse(&f.kind);
    let page = org::list(
        &state.store,
        org::OrgFilter {
            kind,
            district_id: None,
        },
        &l,
    )
    .await?;
    let keep = kind
        .map(|k| format!("&kind={}", k.as_str()))
        .unwrap_or_default();
    let t = OrganisationsTemplate {
        p: Page::new(
            &ctx,
            "organisations",
            crate::http::i18n::t(ctx.lang, "organisations"),
        ),
        list: ListView::new("/organisations", keep, &l, &page),
        items: page.items,
        kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
    };
    render(&t)
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationTemplate {
    p: Page,
    o: Organisation,
    children: Vec<Organisation>,
    terms: Vec<mahalle_db::councils::TermMembers>,
    show_contacts: bool,
}

pub async fn organisation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let o = org::get(&state.store, id).await?;
    let children = org::children(&state.store, id).await?;
    let terms = mahalle_db::councils::terms_with_members(&state.store, id, crate::today()).await?;
    let p = Page::new(&ctx, "organisations", String::new());
    let title = p.name(&o.name_fa, &o.name_en).to_string();
    // An organisation's public phone and e-mail are public; they are office contacts.
    let t = OrganisationTemplate {
        p: Page { title, ..p },
        o,
        children,
        terms,
        show_contacts: true,
    };
    render(&t)
}
