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

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::Empty;
use crate::http::form::{Field, Kind, RecordForm, Retire, RetiredFilter};
use crate::http::page::{render, ListView, Page};
use crate::places::ops::{self, DistrictInput, NeighborhoodInput};
use crate::AppState;
use axum::response::{IntoResponse, Redirect};
use mahalle_db::places::PlaceKind;

#[derive(Template)]
#[template(path = "districts.html")]
struct DistrictsTemplate {
    p: Page,
    list: ListView,
    items: Vec<District>,
    /// Offers "new district".
    keeps: bool,
}

pub async fn districts(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(r): Query<RetiredFilter>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let l = Listing::from_query(&q, places::DISTRICT_SORTS);
    let page = places::list_districts(&state.store, r.retired, &l).await?;
    let t = DistrictsTemplate {
        p: Page::new(
            &ctx,
            "districts",
            crate::http::i18n::t(ctx.lang, "districts"),
        ),
        list: ListView::new("/districts", r.keep().into(), &l, &page),
        items: page.items,
        keeps: ctx.principal().is_some_and(|p| p.keeps_registry(None)),
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
    keeps: bool,
    /// The district's latest recognitions, for signed-in users (they name people).
    recognitions: Option<Vec<crate::http::page::RecognitionShown>>,
}

pub async fn district(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(r): Query<RetiredFilter>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let d = places::get_district(&state.store, id).await?;
    let l = Listing::from_query(&q, places::NEIGHBORHOOD_SORTS);
    let page = places::list_neighborhoods(&state.store, Some(id), r.retired, &l).await?;
    let offices = org::list(
        &state.store,
        org::OrgFilter {
            kind: Some(mahalle_core::org::OrgKind::DistrictOffice),
            district_id: Some(id),
            with_retired: false,
        },
        &Listing::from_query(&ListQuery::default(), org::ORG_SORTS),
    )
    .await?;
    let p = Page::new(&ctx, "districts", String::new());
    let title = p.district_name(d.number);
    let recognitions = if ctx.principal().is_some() {
        let f = mahalle_db::recognitions::Filter {
            district_id: Some(id),
            ..Default::default()
        };
        Some(crate::http::page::recognitions_section(&state, &p, &f).await?)
    } else {
        None
    };
    let t = DistrictTemplate {
        recognitions,
        p: Page { title, ..p },
        list: ListView::new(&format!("/districts/{id}"), r.keep().into(), &l, &page),
        office: offices.items.into_iter().next(),
        keeps: ctx.principal().is_some_and(|p| p.keeps_registry(Some(id))),
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
    keeps: bool,
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
    Query(r): Query<RetiredFilter>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let l = Listing::from_query(&q, places::NEIGHBORHOOD_SORTS);
    let page = places::list_neighborhoods(&state.store, f.district, r.retired, &l).await?;
    let districts = places::list_districts(
        &state.store,
        false,
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
        .unwrap_or_default()
        + r.keep();
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
        keeps: ctx.principal().is_some_and(|p| p.keeps_any_registry()),
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
    /// The needs its people keep raising and what became of them (signed-in users see more).
    challenges: Vec<mahalle_db::challenges::Challenge>,
    keeps: bool,
    partners: Vec<mahalle_db::partners::PartnerPlace>,
    pillar_kinds: &'static [mahalle_core::councils::PillarKind],
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
    // Public too: what the neighborhood raised and what the city decided, without anyone's
    // personal details (titles are staff's words; requests and people are not shown).
    let challenges = mahalle_db::challenges::of_neighborhood(&state.store, id).await?;
    let partners = mahalle_db::partners::of_neighborhood(&state.store, id).await?;
    let p = Page::new(&ctx, "neighborhoods", String::new());
    let title = p.name(&n.name_fa, &n.name_en).to_string();
    let t = NeighborhoodTemplate {
        partners,
        pillar_kinds: &mahalle_core::councils::PillarKind::ALL,
        p: Page { title, ..p },
        keeps: ctx
            .principal()
            .is_some_and(|p| p.keeps_registry(Some(n.district_id))),
        n,
        council,
        terms,
        pillars,
        has_boundary,
        challenges,
    };
    render(&t)
}

// ---------------------------------------------------------------- keeping the registry

fn district_fields(p: &Page, f: &DistrictInput, admin: bool) -> Vec<Field> {
    vec![
        Field::new("number", p.t("number"), Kind::Number, &f.number)
            .required()
            .locked(!admin),
        Field::new("code", p.t("code"), Kind::Text, &f.code)
            .required()
            .locked(!admin),
        Field::new("name_fa", p.t("name_fa"), Kind::Text, &f.name_fa).required(),
        Field::new("name_en", p.t("name_en"), Kind::Text, &f.name_en),
        Field::new("population", p.t("population"), Kind::Number, &f.population),
        Field::new("area_km2", p.t("area_km2"), Kind::Number, &f.area_km2),
    ]
}

async fn district_form(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &DistrictInput,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let who = ctx.require_user()?.principal.clone();
    let (title, action, retire, boundary) = match id {
        Some(id) => {
            let d = places::get_district(&state.store, id).await?;
            let has = places::district_boundary(&state.store, id).await?.is_some();
            let p = Page::new(ctx, "districts", String::new());
            (
                format!("{} — {}", p.t("edit"), p.district_name(d.number)),
                format!("/districts/{id}/edit"),
                who.is_admin().then(|| Retire {
                    base: format!("/districts/{id}"),
                    retired_on: d.retired_on.map(|on| p.date(on)),
                }),
                Some((format!("/districts/{id}/boundary"), has)),
            )
        }
        None => (
            crate::http::i18n::t(ctx.lang, "rg_new_district").to_string(),
            "/districts".to_string(),
            None,
            None,
        ),
    };
    let p = Page::new(ctx, "districts", title);
    RecordForm {
        fields: district_fields(&p, f, who.is_admin()),
        back: ("/districts".into(), p.t("districts").into()),
        p,
        action,
        errors,
        retire,
        boundary,
    }
    .respond()
}

/// The form for a new district (administrators).
pub async fn new_district(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    if !ctx.require_user()?.principal.keeps_registry(None) {
        return Err(AppError::Forbidden);
    }
    district_form(&state, &ctx, None, &DistrictInput::default(), Vec::new()).await
}

/// What a registry form's operation answered: to the record's page, or the form again with its
/// errors.
async fn after<F>(
    ctx: &Ctx,
    result: Result<String, AppError>,
    again: impl FnOnce(Vec<String>) -> F,
) -> Result<Response, AppError>
where
    F: std::future::Future<Output = Result<Response, AppError>>,
{
    match result {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(AppError::Invalid(fields)) => again(ctx.messages(fields)).await,
        Err(e) => Err(e),
    }
}

pub async fn create_district(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<DistrictInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::create_district(&state.store, &me.principal, &f)
        .await
        .map(|id| format!("/districts/{id}"));
    after(&ctx, r, |e| district_form(&state, &ctx, None, &f, e)).await
}

pub async fn edit_district(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let d = places::get_district(&state.store, id).await?;
    if !ctx.require_user()?.principal.keeps_registry(Some(id)) {
        return Err(AppError::Forbidden);
    }
    district_form(
        &state,
        &ctx,
        Some(id),
        &DistrictInput::from_district(&d),
        Vec::new(),
    )
    .await
}

pub async fn save_district(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DistrictInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::save_district(&state.store, &me.principal, id, &f)
        .await
        .map(|()| format!("/districts/{id}"));
    after(&ctx, r, |e| district_form(&state, &ctx, Some(id), &f, e)).await
}

async fn neighborhood_fields(
    state: &AppState,
    p: &Page,
    who: &mahalle_core::access::Principal,
    f: &NeighborhoodInput,
) -> Result<Vec<Field>, AppError> {
    let districts = crate::http::page::all_districts(state)
        .await?
        .into_iter()
        .filter(|d| who.keeps_registry(Some(d.id)))
        .map(|d| (d.id.to_string(), p.district_name(d.number)))
        .collect();
    Ok(vec![
        Field::new("district_id", p.t("district"), Kind::Select, &f.district_id)
            .required()
            .choices(districts),
        Field::new("code", p.t("code"), Kind::Text, &f.code).required(),
        Field::new("name_fa", p.t("name_fa"), Kind::Text, &f.name_fa).required(),
        Field::new("name_en", p.t("name_en"), Kind::Text, &f.name_en),
        Field::new("population", p.t("population"), Kind::Number, &f.population),
    ])
}

async fn neighborhood_form(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &NeighborhoodInput,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let who = ctx.require_user()?.principal.clone();
    let (title, action, retire, boundary) = match id {
        Some(id) => {
            let n = places::get_neighborhood(&state.store, id).await?;
            let has = places::neighborhood_boundary(&state.store, id)
                .await?
                .is_some();
            let p = Page::new(ctx, "neighborhoods", String::new());
            (
                format!("{} — {}", p.t("edit"), p.name(&n.name_fa, &n.name_en)),
                format!("/neighborhoods/{id}/edit"),
                Some(Retire {
                    base: format!("/neighborhoods/{id}"),
                    retired_on: n.retired_on.map(|on| p.date(on)),
                }),
                Some((format!("/neighborhoods/{id}/boundary"), has)),
            )
        }
        None => (
            crate::http::i18n::t(ctx.lang, "rg_new_neighborhood").to_string(),
            "/neighborhoods".to_string(),
            None,
            None,
        ),
    };
    let p = Page::new(ctx, "neighborhoods", title);
    RecordForm {
        fields: neighborhood_fields(state, &p, &who, f).await?,
        back: ("/neighborhoods".into(), p.t("neighborhoods").into()),
        p,
        action,
        errors,
        retire,
        boundary,
    }
    .respond()
}

#[derive(Deserialize)]
pub struct InDistrict {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
}

/// The form for a new neighborhood, in the district given (`?district=`) if any.
pub async fn new_neighborhood(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<InDistrict>,
) -> Result<Response, AppError> {
    if !ctx.require_user()?.principal.keeps_any_registry() {
        return Err(AppError::Forbidden);
    }
    let f = NeighborhoodInput {
        district_id: q.district.map(|d| d.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    neighborhood_form(&state, &ctx, None, &f, Vec::new()).await
}

pub async fn create_neighborhood(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<NeighborhoodInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::create_neighborhood(&state.store, &me.principal, &f)
        .await
        .map(|id| format!("/neighborhoods/{id}"));
    after(&ctx, r, |e| neighborhood_form(&state, &ctx, None, &f, e)).await
}

pub async fn edit_neighborhood(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let n = places::get_neighborhood(&state.store, id).await?;
    if !ctx
        .require_user()?
        .principal
        .keeps_registry(Some(n.district_id))
    {
        return Err(AppError::Forbidden);
    }
    let f = NeighborhoodInput::from_neighborhood(&n);
    neighborhood_form(&state, &ctx, Some(id), &f, Vec::new()).await
}

pub async fn save_neighborhood(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<NeighborhoodInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::save_neighborhood(&state.store, &me.principal, id, &f)
        .await
        .map(|()| format!("/neighborhoods/{id}"));
    after(&ctx, r, |e| {
        neighborhood_form(&state, &ctx, Some(id), &f, e)
    })
    .await
}

/// A saved place's form as it stands, with the errors of what was just refused.
async fn saved_place_form(
    state: &AppState,
    ctx: &Ctx,
    kind: PlaceKind,
    id: i64,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    match kind {
        PlaceKind::District => {
            let d = places::get_district(&state.store, id).await?;
            district_form(
                state,
                ctx,
                Some(id),
                &DistrictInput::from_district(&d),
                errors,
            )
            .await
        }
        PlaceKind::Neighborhood => {
            let n = places::get_neighborhood(&state.store, id).await?;
            let f = NeighborhoodInput::from_neighborhood(&n);
            neighborhood_form(state, ctx, Some(id), &f, errors).await
        }
    }
}

fn place_path(kind: PlaceKind, id: i64) -> String {
    match kind {
        PlaceKind::District => format!("/districts/{id}"),
        PlaceKind::Neighborhood => format!("/neighborhoods/{id}"),
    }
}

/// Sets (from an uploaded file or pasted text) or removes a place's boundary.
async fn boundary(
    state: &AppState,
    ctx: &Ctx,
    kind: PlaceKind,
    id: i64,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    // Whether the upload may be made is settled before a byte of it is read.
    ops::require_keeper(&state.store, &me.principal, kind, id).await?;
    let form = crate::http::csrf::multipart_form(ctx, mp).await?;
    let text = match &form.file {
        Some((_, bytes)) => Some(String::from_utf8_lossy(bytes).into_owned()),
        None if form.field("remove") == "1" => None,
        None => Some(form.field("boundary").to_string()),
    };
    let r = ops::set_boundary(&state.store, &me.principal, kind, id, text.as_deref())
        .await
        .map(|()| place_path(kind, id));
    after(ctx, r, |e| saved_place_form(state, ctx, kind, id, e)).await
}

pub async fn district_boundary(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    boundary(&state, &ctx, PlaceKind::District, id, mp).await
}

pub async fn neighborhood_boundary(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    boundary(&state, &ctx, PlaceKind::Neighborhood, id, mp).await
}

async fn set_retired(
    state: &AppState,
    ctx: &Ctx,
    kind: PlaceKind,
    id: i64,
    retire: bool,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::retire(&state.store, &me.principal, kind, id, retire)
        .await
        .map(|()| place_path(kind, id));
    after(ctx, r, |e| saved_place_form(state, ctx, kind, id, e)).await
}

pub async fn retire_district(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    set_retired(&state, &ctx, PlaceKind::District, id, true).await
}

pub async fn reinstate_district(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    set_retired(&state, &ctx, PlaceKind::District, id, false).await
}

pub async fn retire_neighborhood(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    set_retired(&state, &ctx, PlaceKind::Neighborhood, id, true).await
}

pub async fn reinstate_neighborhood(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    set_retired(&state, &ctx, PlaceKind::Neighborhood, id, false).await
}
