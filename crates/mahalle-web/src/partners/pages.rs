//! The partner places' pages: a searchable list (with a map of the district chosen and an .xlsx
//! export of what is listed), a page per place, and the registry's form.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_core::partners::PartnerKind;
use mahalle_db::partners::{self, PartnerFilter, PartnerPlace};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::{Empty, P as Path, Q as Query};
use crate::http::form::{Field, Kind, RecordForm, Retire, RetiredFilter};
use crate::http::page::{render, ListView, Page};
use crate::partners::ops::{self, PartnerInput};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("pt_partners", "مکان‌های همکار", "Partner places"),
    ("pt_intro", "مسجدها، مدرسه‌ها، دانشگاه‌ها، فرهنگسراها و خانه‌های سلامتِ شبکه مردمی محله‌ها.", "Mosques, schools, universities, cultural centres and health houses of the neighborhoods' people's networks."),
    ("pt_new", "مکان تازه", "New place"),
    ("pt_kind", "نوع مکان", "Kind of place"),
    ("pt_all_kinds", "همه انواع", "All kinds"),
    ("pt_model", "آرمانی", "Model"),
    ("pt_model_only", "تنها آرمانی‌ها", "Model places only"),
    ("pt_model_since", "آرمانی از (تاریخ؛ خالی اگر نیست)", "Model since (date; empty if not)"),
    ("pt_lat", "عرض جغرافیایی (مانند ۳۵٫۷۰)", "Latitude (like 35.70)"),
    ("pt_lon", "طول جغرافیایی (مانند ۵۱٫۴۰)", "Longitude (like 51.40)"),
    ("pt_map", "نقشه مکان‌های منطقه", "Map of the district's places"),
    ("pt_map_hint", "نقطه‌های سبز مکان‌های آرمانی‌اند. مکان‌های بی‌موقعیت در نقشه نیستند.", "Green points are model places. Places without a location are not on the map."),
    ("pt_no_location", "بی‌موقعیت", "no location"),
];

#[derive(Deserialize)]
pub struct PartnerQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    model: bool,
}

impl PartnerQuery {
    fn filter(&self, with_retired: bool) -> PartnerFilter<'_> {
        PartnerFilter {
            district_id: self.district,
            neighborhood_id: None,
            kind: PartnerKind::parse(&self.kind).map(PartnerKind::as_str),
            model: self.model,
            with_retired,
        }
    }
    fn keep(&self) -> String {
        let mut k = String::new();
        if let Some(d) = self.district {
            k.push_str(&format!("&district={d}"));
        }
        if let Some(kind) = PartnerKind::parse(&self.kind) {
            k.push_str(&format!("&kind={}", kind.as_str()));
        }
        if self.model {
            k.push_str("&model=1");
        }
        k
    }
}

/// A district's map: its outline and the places on it (x, y, model, name, id).
pub struct MapView {
    pub outline: String,
    pub points: Vec<(f64, f64, bool, String, i64)>,
}

#[derive(Template)]
#[template(path = "partners.html")]
struct ListTemplate {
    p: Page,
    list: ListView,
    items: Vec<PartnerPlace>,
    districts: Vec<mahalle_db::places::District>,
    q: PartnerQuery,
    keeps: bool,
    map: Option<MapView>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl ListTemplate {
    fn kind_label(&self, k: &str) -> &'static str {
        kind_label(&self.p, k)
    }
}

fn kind_label(p: &Page, k: &str) -> &'static str {
    match PartnerKind::parse(k) {
        Some(k) if p.fa() => k.label_fa(),
        Some(k) => k.label_en(),
        None => "",
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<PartnerQuery>,
    Query(r): Query<RetiredFilter>,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let l = Listing::from_query(&lq, partners::PARTNER_SORTS);
    let page = partners::list(&state.store, &f.filter(r.retired), &l).await?;
    let map = match f.district {
        Some(d) => {
            let district = mahalle_db::places::get_district(&state.store, d).await?;
            let located: Vec<PartnerPlace> = partners::all(&state.store, &f.filter(false), 2000)
                .await?
                .into_iter()
                .filter(|p| p.lat.is_some() && p.lon.is_some())
                .collect();
            let lonlat: Vec<(f64, f64)> = located
                .iter()
                .map(|p| (p.lon.unwrap_or_default(), p.lat.unwrap_or_default()))
                .collect();
            u8::try_from(district.number)
                .ok()
                .and_then(|n| mahalle_core::geo::district_map(n, 640.0, 420.0, &lonlat))
                .map(|(outline, xy)| MapView {
                    outline,
                    points: xy
                        .into_iter()
                        .zip(located)
                        .map(|((x, y), p)| (x, y, p.model_since.is_some(), p.name_fa, p.id))
                        .collect(),
                })
        }
        None => None,
    };
    let p = Page::new(
        &ctx,
        "partners",
        crate::http::i18n::t(ctx.lang, "pt_partners"),
    );
    let kinds = PartnerKind::ALL
        .iter()
        .map(|k| (k.as_str(), if p.fa() { k.label_fa() } else { k.label_en() }))
        .collect();
    render(&ListTemplate {
        list: ListView::new("/partners", f.keep() + r.keep(), &l, &page),
        items: page.items,
        districts: crate::http::page::all_districts(&state).await?,
        keeps: ctx.principal().is_some_and(|w| w.keeps_any_registry()),
        q: f,
        map,
        kinds,
        p,
    })
}

/// What the list shows, as an .xlsx workbook (up to 20,000 places).
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<PartnerQuery>,
    Query(r): Query<RetiredFilter>,
) -> Result<Response, AppError> {
    let p = Page::new(&ctx, "partners", String::new());
    let rows: Vec<Vec<String>> = partners::all(&state.store, &f.filter(r.retired), 20_000)
        .await?
        .into_iter()
        .map(|x| {
            vec![
                x.name_fa.clone(),
                x.name_en.clone(),
                kind_label(&p, &x.kind).to_string(),
                p.district_name(x.district_number),
                p.name(&x.neighborhood_name_fa, &x.neighborhood_name_en)
                    .to_string(),
                x.address.clone(),
                x.phone.clone(),
                x.lat.map(|v| v.to_string()).unwrap_or_default(),
                x.lon.map(|v| v.to_string()).unwrap_or_default(),
                x.model_since.map(|d| p.jdate(d)).unwrap_or_default(),
                x.retired_on.map(|d| p.jdate(d)).unwrap_or_default(),
            ]
        })
        .collect();
    let headers = [
        p.t("name_fa"),
        p.t("name_en"),
        p.t("pt_kind"),
        p.t("district"),
        p.t("neighborhood"),
        p.t("address"),
        p.t("phone"),
        "lat",
        "lon",
        p.t("pt_model"),
        p.t("rg_retired"),
    ];
    let bytes = crate::http::cells::xlsx_table(&headers, &rows, p.fa())
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"partner-places.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "partner.html")]
struct ShowTemplate {
    p: Page,
    x: PartnerPlace,
    keeps: bool,
    kind: &'static str,
}

impl ShowTemplate {
    /// "35.70000, 51.40000" in the page's digits.
    fn location(&self) -> Option<String> {
        let (lat, lon) = self.x.lat.zip(self.x.lon)?;
        Some(self.p.digits(&format!("{lat:.5}, {lon:.5}")))
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let x = partners::get(&state.store, id).await?;
    let p = Page::new(&ctx, "partners", String::new());
    let title = p.name(&x.name_fa, &x.name_en).to_string();
    render(&ShowTemplate {
        kind: kind_label(&p, &x.kind),
        keeps: ctx.principal().is_some_and(|w| ops::may_keep(w, &x)),
        p: Page { title, ..p },
        x,
    })
}

async fn form(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &PartnerInput,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let who = ctx.require_user()?.principal.clone();
    let p = Page::new(ctx, "partners", String::new());
    let (title, action, retire) = match id {
        Some(id) => {
            let x = partners::get(&state.store, id).await?;
            (
                format!("{} — {}", p.t("edit"), p.name(&x.name_fa, &x.name_en)),
                format!("/partners/{id}/edit"),
                Some(Retire {
                    base: format!("/partners/{id}"),
                    retired_on: x.retired_on.map(|on| p.date(on)),
                }),
            )
        }
        None => (p.t("pt_new").to_string(), "/partners".to_string(), None),
    };
    let neighborhoods = mahalle_db::places::all_neighborhoods(&state.store)
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
        })
        .collect();
    let kinds = PartnerKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                kind_label(&p, k.as_str()).to_string(),
            )
        })
        .collect();
    let fields = vec![
        Field::new(
            "neighborhood_id",
            p.t("neighborhood"),
            Kind::Select,
            &f.neighborhood_id,
        )
        .required()
        .choices(neighborhoods),
        Field::new("kind", p.t("pt_kind"), Kind::Select, &f.kind)
            .required()
            .choices(kinds),
        Field::new("name_fa", p.t("name_fa"), Kind::Text, &f.name_fa).required(),
        Field::new("name_en", p.t("name_en"), Kind::Text, &f.name_en),
        Field::new("address", p.t("address"), Kind::Text, &f.address),
        Field::new("phone", p.t("phone"), Kind::Tel, &f.phone),
        Field::new("lat", p.t("pt_lat"), Kind::Number, &f.lat),
        Field::new("lon", p.t("pt_lon"), Kind::Number, &f.lon),
        Field::new(
            "model_since",
            p.t("pt_model_since"),
            Kind::Number,
            &f.model_since,
        ),
    ];
    RecordForm {
        back: ("/partners".into(), p.t("pt_partners").into()),
        p: Page { title, ..p },
        action,
        fields,
        errors,
        retire,
        boundary: None,
    }
    .respond()
}

async fn after(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &PartnerInput,
    result: Result<i64, AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/partners/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => form(state, ctx, id, f, ctx.messages(fields)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct InNeighborhood {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    neighborhood: Option<i64>,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<InNeighborhood>,
) -> Result<Response, AppError> {
    if !ctx.require_user()?.principal.keeps_any_registry() {
        return Err(AppError::Forbidden);
    }
    let f = PartnerInput {
        neighborhood_id: q.neighborhood.map(|n| n.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    form(&state, &ctx, None, &f, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<PartnerInput>,
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
    let x = partners::get(&state.store, id).await?;
    if !ops::may_keep(&me.principal, &x) {
        return Err(AppError::Forbidden);
    }
    let p = Page::new(&ctx, "partners", String::new());
    let f = PartnerInput::from_place(&x, |d| p.jdate(d));
    form(&state, &ctx, Some(id), &f, Vec::new()).await
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<PartnerInput>,
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
    Ok(Redirect::to(&format!("/partners/{id}")).into_response())
}

pub async fn reinstate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    ops::retire(&state.store, &me.principal, id, false).await?;
    Ok(Redirect::to(&format!("/partners/{id}")).into_response())
}
