//! Organisations: the council, the municipality, agencies and institutions.

use crate::http::extract::{P as Path, Q as Query};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mahalle_core::org::OrgKind;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::org::{self, Organisation};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::Empty;
use crate::http::form::{Field, Kind, RecordForm, Retire, RetiredFilter};
use crate::http::page::{render, ListView, Page};
use crate::org::ops::{self, OrgInput};
use crate::AppState;
use axum::response::{IntoResponse, Redirect};

#[derive(Template)]
#[template(path = "organisations.html")]
struct OrganisationsTemplate {
    p: Page,
    list: ListView,
    items: Vec<Organisation>,
    kind: String,
    keeps: bool,
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
    Query(r): Query<RetiredFilter>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let l = Listing::from_query(&q, org::ORG_SORTS);
    let kind = OrgKind::parse(&f.kind);
    let page = org::list(
        &state.store,
        org::OrgFilter {
            kind,
            district_id: None,
            with_retired: r.retired,
        },
        &l,
    )
    .await?;
    let keep = kind
        .map(|k| format!("&kind={}", k.as_str()))
        .unwrap_or_default()
        + r.keep();
    let t = OrganisationsTemplate {
        p: Page::new(
            &ctx,
            "organisations",
            crate::http::i18n::t(ctx.lang, "organisations"),
        ),
        list: ListView::new("/organisations", keep, &l, &page),
        items: page.items,
        kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        keeps: ctx.principal().is_some_and(|p| p.keeps_any_registry()),
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
    keeps: bool,
}

pub async fn organisation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let o = org::get(&state.store, id).await?;
    let children = org::children(&state.store, id).await?;
    let terms = mahalle_db::councils::terms_with_members(&state.store, id, crate::today()).await?;
    let keeps = match ctx.principal() {
        Some(who) => ops::may_keep(&state.store, who, &o).await?,
        None => false,
    };
    let p = Page::new(&ctx, "organisations", String::new());
    let title = p.name(&o.name_fa, &o.name_en).to_string();
    // An organisation's public phone and e-mail are public; they are office contacts.
    let t = OrganisationTemplate {
        p: Page { title, ..p },
        o,
        children,
        terms,
        show_contacts: true,
        keeps,
    };
    render(&t)
}

// ---------------------------------------------------------------- keeping the registry

async fn org_form(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &OrgInput,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let who = ctx.require_user()?.principal.clone();
    let p = Page::new(ctx, "organisations", String::new());
    let (title, action, retire) = match id {
        Some(id) => {
            let o = org::get(&state.store, id).await?;
            (
                format!("{} — {}", p.t("edit"), p.name(&o.name_fa, &o.name_en)),
                format!("/organisations/{id}/edit"),
                Some(Retire {
                    base: format!("/organisations/{id}"),
                    retired_on: o.retired_on.map(|on| p.date(on)),
                }),
            )
        }
        None => (
            p.t("rg_new_org").to_string(),
            "/organisations".to_string(),
            None,
        ),
    };
    let none = || (String::new(), p.t("rg_none").to_string());
    let kinds = OrgKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_string(), p.org_kind(k.as_str()).to_string()))
        .collect();
    let parents = std::iter::once(none())
        .chain(
            crate::http::page::all_orgs(state)
                .await?
                .into_iter()
                .filter(|o| Some(o.id) != id)
                .map(|o| (o.id.to_string(), p.name(&o.name_fa, &o.name_en).to_string())),
        )
        .collect();
    let city = who
        .keeps_registry(None)
        .then(|| (String::new(), p.t("rg_city").to_string()));
    let districts = city
        .into_iter()
        .chain(
            crate::http::page::all_districts(state)
                .await?
                .into_iter()
                .filter(|d| who.keeps_registry(Some(d.id)))
                .map(|d| (d.id.to_string(), p.district_name(d.number))),
        )
        .collect();
    let neighborhoods = std::iter::once(none())
        .chain(
            mahalle_db::places::all_neighborhoods(&state.store)
                .await?
                .into_iter()
                .filter(|n| who.keeps_registry(Some(n.district_id)))
                .map(|n| {
                    (
                        n.id.to_string(),
                        format!(
                            "{} — {}",
                            p.name(&n.name_fa, &n.name_en),
                            p.district_name(n.district_number)
                        ),
                    )
                }),
        )
        .collect();
    let fields = vec![
        Field::new("kind", p.t("kind"), Kind::Select, &f.kind)
            .required()
            .choices(kinds),
        Field::new("code", p.t("code"), Kind::Text, &f.code).required(),
        Field::new("name_fa", p.t("name_fa"), Kind::Text, &f.name_fa).required(),
        Field::new("name_en", p.t("name_en"), Kind::Text, &f.name_en),
        Field::new("parent_id", p.t("parent"), Kind::Select, &f.parent_id).choices(parents),
        Field::new("district_id", p.t("district"), Kind::Select, &f.district_id).choices(districts),
        Field::new(
            "neighborhood_id",
            p.t("neighborhood"),
            Kind::Select,
            &f.neighborhood_id,
        )
        .choices(neighborhoods),
        Field::new("phone", p.t("phone"), Kind::Tel, &f.phone),
        Field::new("email", p.t("email"), Kind::Email, &f.email),
        Field::new("address", p.t("address"), Kind::Text, &f.address),
        Field::new("website", p.t("website"), Kind::Url, &f.website),
    ];
    RecordForm {
        back: ("/organisations".into(), p.t("organisations").into()),
        p: Page { title, ..p },
        action,
        fields,
        errors,
        retire,
        boundary: None,
    }
    .respond()
}

/// The record's page, or its form again with the operation's errors.
async fn after(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &OrgInput,
    result: Result<i64, AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/organisations/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => org_form(state, ctx, id, f, ctx.messages(fields)).await,
        Err(e) => Err(e),
    }
}

pub async fn new_org(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    if !ctx.require_user()?.principal.keeps_any_registry() {
        return Err(AppError::Forbidden);
    }
    org_form(&state, &ctx, None, &OrgInput::default(), Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<OrgInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::create(&state.store, &me.principal, &f).await;
    after(&state, &ctx, None, &f, r).await
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let o = org::get(&state.store, id).await?;
    if !ops::may_keep(&state.store, &me.principal, &o).await? {
        return Err(AppError::Forbidden);
    }
    org_form(&state, &ctx, Some(id), &OrgInput::from_org(&o), Vec::new()).await
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<OrgInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::save(&state.store, &me.principal, id, &f)
        .await
        .map(|()| id);
    after(&state, &ctx, Some(id), &f, r).await
}

pub async fn retire(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    ops::retire(&state.store, &me.principal, id, true).await?;
    Ok(Redirect::to(&format!("/organisations/{id}")).into_response())
}

pub async fn reinstate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    ops::retire(&state.store, &me.principal, id, false).await?;
    Ok(Redirect::to(&format!("/organisations/{id}")).into_response())
}
