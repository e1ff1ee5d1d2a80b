//! The vulnerable areas' pages: the list with the city's map and the public space returned (the
//! public areas for everyone, all of them for staff), the form that marks or edits an area, and
//! an area's page with its interventions, its indicators before and after, and its map.

use crate::http::extract::P as Path;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::vulnerable as rules;
use mahalle_db::vulnerable::{self as db, Area, AreaFilter};
use serde::Deserialize;

use crate::http::charts::{self, MapPlace};
use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::Q as Query;
use crate::http::form::{id_of, Field, Kind, RecordForm};
use crate::http::page::{render, Page};
use crate::vulnerable::ops::{self, AreaDetail, AreaInput, InterventionInput};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("va_areas", "محدوده‌های آسیب‌پذیر", "Vulnerable areas"),
    ("va_intro", "محله‌ها و محدوده‌هایی که به دلیلی آسیب‌پذیر شناخته شده‌اند، و اقدام‌هایی که فضای عمومی را به مردم بازمی‌گرداند.", "Neighborhoods and areas found vulnerable for a reason, and the interventions that return public space to people."),
    ("va_new", "ثبت محدوده آسیب‌پذیر", "Mark a vulnerable area"),
    ("va_edit", "ویرایش محدوده", "Edit the area"),
    ("va_none", "محدوده‌ای ثبت نشده است.", "No area has been marked."),
    ("va_reason", "دلیل آسیب‌پذیری", "Why it is vulnerable"),
    ("va_marked_on", "روز شناسایی", "Marked on"),
    ("va_public", "نمایش عمومی", "Shown to the public"),
    ("va_public_hint", "در فهرست و نقشه عمومی، بدون ورود، دیده شود.", "Listed on the public list and map, without signing in."),
    ("va_boundary", "محدوده رسم‌شده (GeoJSON)", "Drawn area (GeoJSON)"),
    ("va_boundary_hint", "اگر محدوده همه محله نیست، چندضلعی آن را به GeoJSON بنویسید؛ وگرنه مرز محله به کار می‌رود.", "If the area is not the whole neighborhood, write its polygon as GeoJSON; otherwise the neighborhood's boundary is used."),
    ("va_space_total", "فضای عمومی بازگردانده به مردم", "Public space returned to people"),
    ("va_m2", "متر مربع", "m²"),
    ("va_interventions", "اقدام‌ها", "Interventions"),
    ("va_no_interventions", "هنوز اقدامی ثبت نشده است.", "No intervention has been recorded yet."),
    ("va_add_intervention", "ثبت اقدام", "Record an intervention"),
    ("va_title", "اقدام", "Intervention"),
    ("va_lead", "دستگاه مسئول", "Lead organisation"),
    ("va_partners", "همکاران", "Partners"),
    ("va_starts", "آغاز", "Starts"),
    ("va_ends", "پایان", "Ends"),
    ("va_cost", "هزینه (ریال)", "Cost (rials)"),
    ("va_space", "فضای بازگردانده (متر مربع)", "Space returned (m²)"),
    ("va_before_after", "شاخص‌های محله، پیش و پس از اقدام", "The neighborhood's indicators, before and after"),
    ("va_before_after_hint", "سال پیش از نخستین اقدام، و از آغاز آن تا امروز (حداکثر یک سال).", "The year before the first intervention, and from its start to today (a year at most)."),
    ("va_before", "پیش", "Before"),
    ("va_after", "پس", "After"),
    ("va_map", "نقشه", "Map"),
    ("va_whole_neighborhood", "همه محله", "The whole neighborhood"),
    ("va_drawn", "محدوده رسم‌شده", "A drawn area"),
    ("va_hidden", "غیرعمومی", "Not public"),
];

fn num(p: &Page, n: i64) -> String {
    p.num(n)
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "vulnerable_areas.html")]
struct ListTemplate {
    p: Page,
    areas: Vec<Area>,
    space: i64,
    map: String,
    districts: Vec<mahalle_db::places::District>,
    q: ListQuery,
    may_keep: bool,
}

impl ListTemplate {
    fn m2(&self, n: &i64) -> String {
        num(&self.p, *n)
    }
    fn chosen(&self, id: &i64) -> bool {
        self.q.district == Some(*id)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
    #[serde(default)]
    q: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let f = AreaFilter {
        district: q.district,
        public_only: ctx.user.is_none(),
        q: q.q.clone(),
    };
    let areas = db::list(&state.store, &f).await?;
    let p = Page::new(
        &ctx,
        "vulnerable",
        crate::http::i18n::t(ctx.lang, "va_areas"),
    );
    let map = city_map(&state, &p, &areas).await?;
    render(&ListTemplate {
        space: db::space_returned(&state.store, &f).await?,
        districts: crate::http::page::all_districts(&state).await?,
        may_keep: ctx
            .user
            .as_ref()
            .is_some_and(|u| rules::may_keep_any(&u.principal)),
        p,
        areas,
        map,
        q,
    })
}

/// The city's districts in grey with the areas marked over them.
async fn city_map(state: &AppState, p: &Page, areas: &[Area]) -> Result<String, AppError> {
    let mut places: Vec<MapPlace> = mahalle_db::places::boundaries(&state.store, None)
        .await?
        .into_iter()
        .map(|(_, b)| MapPlace {
            rings: b
                .map(|b| mahalle_core::places::rings(&b))
                .unwrap_or_default(),
            fill: charts::NO_VALUE,
            label: String::new(),
            href: None,
        })
        .collect();
    let mut outlines = ops::outlines(&state.store, areas).await?;
    for a in areas {
        let Some(b) = outlines.remove(&a.id) else {
            continue;
        };
        places.push(MapPlace {
            rings: mahalle_core::places::rings(&b),
            fill: charts::MARKED,
            label: p.name(&a.name_fa, &a.name_en).to_string(),
            href: Some(format!("/vulnerable-areas/{}", a.id)),
        });
    }
    Ok(charts::choropleth(p.t("va_map"), &places))
}

// ---------------------------------------------------------------- the form

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AreaForm {
    #[serde(default)]
    name_fa: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    district_id: String,
    #[serde(default)]
    neighborhood_id: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    marked_on: String,
    #[serde(default)]
    public: String,
    #[serde(default)]
    boundary: String,
}

impl AreaForm {
    fn input(&self) -> AreaInput {
        AreaInput {
            name_fa: self.name_fa.clone(),
            name_en: self.name_en.clone(),
            district_id: id_of(&self.district_id),
            neighborhood_id: id_of(&self.neighborhood_id),
            boundary: self.boundary.clone(),
            reason: self.reason.clone(),
            marked_on: self.marked_on.clone(),
            public: matches!(self.public.as_str(), "1" | "true" | "on"),
        }
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &AreaForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let title = crate::http::i18n::t(ctx.lang, if id.is_some() { "va_edit" } else { "va_new" });
    let p = Page::new(ctx, "vulnerable", title);
    let districts: Vec<(String, String)> = crate::http::page::all_districts(state)
        .await?
        .into_iter()
        .filter(|d| rules::may_keep(&me.principal, d.id))
        .map(|d| (d.id.to_string(), p.district_name(d.number)))
        .collect();
    let mut neighborhoods = vec![(String::new(), "—".to_string())];
    neighborhoods.extend(
        mahalle_db::places::all_neighborhoods(&state.store)
            .await?
            .into_iter()
            .filter(|n| rules::may_keep(&me.principal, n.district_id))
            .map(|n| {
                (
                    n.id.to_string(),
                    format!(
                        "{} · {}",
                        p.district_name(n.district_number),
                        p.name(&n.name_fa, &n.name_en)
                    ),
                )
            }),
    );
    let fields = vec![
        Field::new("name_fa", p.t("name_fa"), Kind::Text, &f.name_fa).required(),
        Field::new("name_en", p.t("name_en"), Kind::Text, &f.name_en),
        Field::new("district_id", p.t("district"), Kind::Select, &f.district_id)
            .required()
            .choices(districts),
        Field::new(
            "neighborhood_id",
            p.t("neighborhood"),
            Kind::Select,
            &f.neighborhood_id,
        )
        .choices(neighborhoods),
        Field::new("reason", p.t("va_reason"), Kind::TextArea, &f.reason).required(),
        Field::new("marked_on", p.t("va_marked_on"), Kind::Number, &f.marked_on)
            .hint(p.t("pj_date_hint")),
        Field::new("public", p.t("va_public"), Kind::Check, &f.public).hint(p.t("va_public_hint")),
        Field::new("boundary", p.t("va_boundary"), Kind::TextArea, &f.boundary)
            .hint(p.t("va_boundary_hint")),
    ];
    let (action, back) = match id {
        Some(id) => (
            format!("/vulnerable-areas/{id}"),
            format!("/vulnerable-areas/{id}"),
        ),
        None => ("/vulnerable-areas".into(), "/vulnerable-areas".into()),
    };
    RecordForm {
        back: (back, p.t("va_areas").to_string()),
        p,
        action,
        fields,
        errors,
        retire: None,
        boundary: None,
    }
    .respond()
}

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    if !rules::may_keep_any(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let f = AreaForm {
        marked_on: mahalle_core::jalali::format_numeric(
            crate::today(),
            ctx.lang == crate::http::ctx::Lang::Fa,
        ),
        ..Default::default()
    };
    form_page(&state, &ctx, None, &f, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<AreaForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match ops::create(&state.store, me, &f.input()).await {
        Ok(s) => Ok(Redirect::to(&format!("/vulnerable-areas/{}", s.id)).into_response()),
        Err(AppError::Invalid(e)) => form_page(&state, &ctx, None, &f, ctx.messages(e)).await,
        Err(e) => Err(e),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let a = db::get(&state.store, id).await?;
    if !rules::may_keep(&me.principal, a.district_id) {
        return Err(AppError::Forbidden);
    }
    let boundary = if a.drawn {
        ops::outline(&state.store, &a).await?.unwrap_or_default()
    } else {
        String::new()
    };
    let f = AreaForm {
        name_fa: a.name_fa,
        name_en: a.name_en,
        district_id: a.district_id.to_string(),
        neighborhood_id: a.neighborhood_id.map(|n| n.to_string()).unwrap_or_default(),
        reason: a.reason,
        marked_on: mahalle_core::jalali::format_numeric(a.marked_on, false),
        public: if a.public { "1".into() } else { String::new() },
        boundary,
    };
    form_page(&state, &ctx, Some(id), &f, Vec::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<AreaForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match ops::update(&state.store, me, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/vulnerable-areas/{id}")).into_response()),
        Err(AppError::Invalid(e)) => form_page(&state, &ctx, Some(id), &f, ctx.messages(e)).await,
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- an area

#[derive(Debug, Clone, Default, Deserialize)]
pub struct InterventionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    lead_org_id: String,
    #[serde(default)]
    partners: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    cost: String,
    #[serde(default)]
    space_m2: String,
}

#[derive(Template)]
#[template(path = "vulnerable_area.html")]
struct ShowTemplate {
    p: Page,
    d: AreaDetail,
    map: String,
    may_keep: bool,
    organisations: Vec<(i64, String)>,
    f: InterventionForm,
    errors: Vec<String>,
}

impl ShowTemplate {
    fn partners_of(&self, id: &i64) -> String {
        let sep = if self.p.fa() { "، " } else { ", " };
        self.d
            .partners
            .iter()
            .filter(|x| x.intervention_id == *id)
            .map(|x| self.p.name(&x.name_fa, &x.name_en).to_string())
            .collect::<Vec<_>>()
            .join(sep)
    }
    fn money(&self, n: &Option<i64>) -> String {
        n.map(|n| self.p.num(n)).unwrap_or_else(|| "—".into())
    }
    fn value(&self, v: &Option<f64>, factor: &i64) -> String {
        mahalle_core::indicators::format_value(*v, *factor, self.p.fa())
    }
    fn m2(&self, n: &i64) -> String {
        self.p.num(*n)
    }
    fn lead(&self, id: &i64) -> bool {
        self.f.lead_org_id.trim() == id.to_string()
    }
    fn partner(&self, id: &i64) -> bool {
        self.f
            .partners
            .split(',')
            .any(|p| p.trim() == id.to_string())
    }
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: InterventionForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let d = ops::detail(&state.store, ctx.user.as_ref(), id).await?;
    let may_keep = ctx
        .user
        .as_ref()
        .is_some_and(|u| rules::may_keep(&u.principal, d.area.district_id));
    let title = if ctx.lang == crate::http::ctx::Lang::Fa || d.area.name_en.is_empty() {
        d.area.name_fa.clone()
    } else {
        d.area.name_en.clone()
    };
    let p = Page::new(ctx, "vulnerable", title);
    // The district's neighborhoods in grey, the area over them.
    let mut places: Vec<MapPlace> =
        mahalle_db::places::boundaries(&state.store, Some(d.area.district_id))
            .await?
            .into_iter()
            .map(|(_, b)| MapPlace {
                rings: b
                    .map(|b| mahalle_core::places::rings(&b))
                    .unwrap_or_default(),
                fill: charts::NO_VALUE,
                label: String::new(),
                href: None,
            })
            .collect();
    if let Some(b) = &d.boundary {
        places.push(MapPlace {
            rings: mahalle_core::places::rings(&b.to_string()),
            fill: charts::MARKED,
            label: p.title.clone(),
            href: None,
        });
    }
    let map = charts::choropleth(p.t("va_map"), &places);
    let organisations = if may_keep {
        mahalle_db::org::choices(&state.store)
            .await?
            .into_iter()
            .map(|(id, _, fa, en)| (id, p.name(&fa, &en).to_string()))
            .collect()
    } else {
        Vec::new()
    };
    let invalid = !errors.is_empty();
    crate::http::page::render_form(
        &ShowTemplate {
            p,
            d,
            map,
            may_keep,
            organisations,
            f,
            errors,
        },
        invalid,
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    show_page(&state, &ctx, id, InterventionForm::default(), Vec::new()).await
}

pub async fn add_intervention(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let CsrfForm(f) = crate::http::csrf::check_form_bytes::<InterventionForm>(
        &ctx,
        &crate::http::form::join_repeated(&body, "partners"),
    )?;
    let mut errors = Vec::new();
    let mut whole = |field: &'static str, raw: &str| match crate::http::form::typed_number(raw) {
        Ok(Some(x)) if x.fract() == 0.0 && x.abs() < 1e15 => Some(x as i64),
        Ok(None) => None,
        _ => {
            errors.push(mahalle_core::validate::FieldError::new(
                field,
                format!("«{}» عدد صحیح نیست.", raw.trim()),
                format!("\"{}\" is not a whole number.", raw.trim()),
            ));
            None
        }
    };
    let cost = whole("cost", &f.cost);
    let space_m2 = whole("space_m2", &f.space_m2);
    let input = InterventionInput {
        title: f.title.clone(),
        description: f.description.clone(),
        lead_org_id: id_of(&f.lead_org_id),
        partner_ids: f.partners.split(',').filter_map(id_of).collect(),
        starts_on: f.starts_on.clone(),
        ends_on: f.ends_on.clone(),
        cost,
        space_m2,
    };
    let result = if errors.is_empty() {
        ops::add_intervention(&state.store, me, id, &input).await
    } else {
        let a = db::get(&state.store, id).await?;
        if !rules::may_keep(&me.principal, a.district_id) {
            return Err(AppError::Forbidden);
        }
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/vulnerable-areas/{id}#interventions")).into_response()),
        Err(AppError::Invalid(e)) => show_page(&state, &ctx, id, f, ctx.messages(e)).await,
        Err(e) => Err(e),
    }
}
