//! The occasions' pages: a Jalali year's occasions with their participation beside the year
//! before, the form that records or edits one, and an occasion's page with the participation
//! of each place against the same place the year before, where its places are entered.

use crate::http::extract::P as Path;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::indicators::{Period, PeriodKind};
use mahalle_core::occasions::{self as rules, Kind};
use mahalle_db::occasions::Occasion;
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::Q as Query;
use crate::http::form::{id_of, Field, RecordForm};
use crate::http::page::{render, Page};
use crate::occasions::ops::{self, OccasionDetail, OccasionInput, PlaceInput};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("oc_occasions", "مناسبت‌ها", "Occasions"),
    ("oc_intro", "مناسبت‌های مذهبی، ملی و محلی، جاهایی که برگزار شدند و شمار مردمی که در هر جا شرکت کردند، کنار همان مناسبت در سال پیش.", "Religious, national and local occasions, the places they were held and how many people took part in each, beside the same occasion the year before."),
    ("oc_new", "ثبت مناسبت", "Record an occasion"),
    ("oc_edit", "ویرایش مناسبت", "Edit the occasion"),
    ("oc_none", "در این سال مناسبتی ثبت نشده است.", "No occasion is recorded in this year."),
    ("oc_code", "کد مناسبت (یکسان در همه سال‌ها)", "Occasion code (the same every year)"),
    ("oc_code_hint", "مانند GHADIR؛ مقایسه با سال پیش از همین کد است.", "Like GHADIR; the year before is found by this code."),
    ("oc_kind", "نوع", "Kind"),
    ("oc_district_hint", "برای مناسبتی که ویژه یک منطقه است؛ خالی برای همه شهر.", "For a district's own occasion; empty for the whole city."),
    ("oc_whole_city", "همه شهر", "The whole city"),
    ("oc_starts", "آغاز", "Starts"),
    ("oc_ends", "پایان", "Ends"),
    ("oc_organisers", "برگزارکنندگان", "Organisers"),
    ("oc_participants", "شرکت‌کنندگان", "Participants"),
    ("oc_year_before", "سال پیش", "The year before"),
    ("oc_change", "تغییر", "Change"),
    ("oc_places", "جاهای برگزاری", "Places held"),
    ("oc_no_places", "هنوز جایی ثبت نشده است.", "No place has been recorded yet."),
    ("oc_place", "جا", "Place"),
    ("oc_save_places", "ذخیره جاها و شمارها", "Save the places and counts"),
    ("oc_places_hint", "هر ردیف: محله یا مکان همکار و شمار شرکت‌کنندگان؛ برای برداشتن یک جا، آن را «—» کنید. اگر ردیفی نادرست باشد هیچ‌چیز ذخیره نمی‌شود.", "Each row: a neighborhood or partner place and the number who took part; set a row to “—” to remove it. If any row is wrong, nothing is saved."),
    ("oc_total", "جمع", "Total"),
    ("oc_year", "سال", "Year"),
];

fn change(p: &Page, c: Option<f64>) -> String {
    match c {
        Some(x) if x.is_finite() => {
            let n = (x * 100.0).round() as i64;
            let s = format!("{}{}", if n > 0 { "+" } else { "" }, n);
            if p.fa() {
                format!("{}٪", p.digits(&s))
            } else {
                format!("{s}%")
            }
        }
        _ => "—".into(),
    }
}

fn kind_label(p: &Page, k: &str) -> &'static str {
    match Kind::parse(k) {
        Some(k) if p.fa() => k.label_fa(),
        Some(k) => k.label_en(),
        None => "",
    }
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "occasions.html")]
struct ListTemplate {
    p: Page,
    rows: Vec<(Occasion, Option<Occasion>)>,
    year: i32,
    q: String,
    may_keep: bool,
}

impl ListTemplate {
    fn kind(&self, k: &str) -> &'static str {
        kind_label(&self.p, k)
    }
    fn change(&self, o: &Occasion, b: &Option<Occasion>) -> String {
        change(
            &self.p,
            b.as_ref()
                .and_then(|b| rules::change(Some(o.participants), Some(b.participants))),
        )
    }
    fn year_text(&self) -> String {
        self.p.digits(&self.year.to_string())
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    year: Option<i32>,
    #[serde(default)]
    q: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let year = q
        .year
        .unwrap_or_else(|| mahalle_core::jalali::JalaliDate::from_gregorian(crate::today()).year)
        .clamp(1300, 1500);
    let y = Period::parse(&year.to_string()).map_err(|e| AppError::Invalid(vec![e]))?;
    debug_assert_eq!(y.kind, PeriodKind::Year);
    render(&ListTemplate {
        p: Page::new(
            &ctx,
            "occasions",
            crate::http::i18n::t(ctx.lang, "oc_occasions"),
        ),
        rows: ops::list(&state.store, &q.q, y.start, y.end()).await?,
        year,
        q: q.q,
        may_keep: rules::may_keep_any(&me.principal),
    })
}

// ---------------------------------------------------------------- the form

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OccasionForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name_fa: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    district_id: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    organisers: String,
}

impl OccasionForm {
    fn input(&self) -> OccasionInput {
        OccasionInput {
            code: self.code.clone(),
            kind: self.kind.clone(),
            name_fa: self.name_fa.clone(),
            name_en: self.name_en.clone(),
            description: self.description.clone(),
            district_id: id_of(&self.district_id),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            organiser_ids: self.organisers.split(',').filter_map(id_of).collect(),
        }
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &OccasionForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let title = crate::http::i18n::t(ctx.lang, if id.is_some() { "oc_edit" } else { "oc_new" });
    let p = Page::new(ctx, "occasions", title);
    let mut districts = Vec::new();
    if rules::may_keep(&me.principal, None) {
        districts.push((String::new(), p.t("oc_whole_city").to_string()));
    }
    districts.extend(
        crate::http::page::all_districts(state)
            .await?
            .into_iter()
            .filter(|d| rules::may_keep(&me.principal, Some(d.id)))
            .map(|d| (d.id.to_string(), p.district_name(d.number))),
    );
    let kinds = Kind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                kind_label(&p, k.as_str()).to_string(),
            )
        })
        .collect();
    let organisations = mahalle_db::org::choices(&state.store)
        .await?
        .into_iter()
        .map(|(id, _, fa, en)| (id.to_string(), p.name(&fa, &en).to_string()))
        .collect();
    use crate::http::form::Kind as K;
    let fields = vec![
        Field::new("code", p.t("oc_code"), K::Text, &f.code)
            .required()
            .hint(p.t("oc_code_hint")),
        Field::new("kind", p.t("oc_kind"), K::Select, &f.kind)
            .required()
            .choices(kinds),
        Field::new("name_fa", p.t("name_fa"), K::Text, &f.name_fa).required(),
        Field::new("name_en", p.t("name_en"), K::Text, &f.name_en),
        Field::new(
            "description",
            p.t("in_description"),
            K::TextArea,
            &f.description,
        ),
        Field::new("district_id", p.t("district"), K::Select, &f.district_id)
            .choices(districts)
            .hint(p.t("oc_district_hint")),
        Field::new("starts_on", p.t("oc_starts"), K::Number, &f.starts_on)
            .required()
            .hint(p.t("pj_date_hint")),
        Field::new("ends_on", p.t("oc_ends"), K::Number, &f.ends_on),
        Field::new("organisers", p.t("oc_organisers"), K::Multi, &f.organisers)
            .choices(organisations)
            .hint(p.t("cp_partners_hint")),
    ];
    let (action, back) = match id {
        Some(id) => (format!("/occasions/{id}"), format!("/occasions/{id}")),
        None => ("/occasions".into(), "/occasions".into()),
    };
    RecordForm {
        back: (back, p.t("oc_occasions").to_string()),
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
    form_page(&state, &ctx, None, &OccasionForm::default(), Vec::new()).await
}

fn form_of(ctx: &Ctx, body: &[u8]) -> Result<OccasionForm, AppError> {
    let CsrfForm(f) = crate::http::csrf::check_form_bytes::<OccasionForm>(
        ctx,
        &crate::http::form::join_repeated(body, "organisers"),
    )?;
    Ok(f)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let f = form_of(&ctx, &body)?;
    match ops::create(&state.store, me, &f.input()).await {
        Ok(s) => Ok(Redirect::to(&format!("/occasions/{}", s.id)).into_response()),
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
    let d = ops::detail(&state.store, id).await?;
    if !rules::may_keep(&me.principal, d.occasion.district_id) {
        return Err(AppError::Forbidden);
    }
    let o = d.occasion;
    let f = OccasionForm {
        code: o.code,
        kind: o.kind,
        name_fa: o.name_fa,
        name_en: o.name_en,
        description: o.description,
        district_id: o.district_id.map(|d| d.to_string()).unwrap_or_default(),
        starts_on: mahalle_core::jalali::format_numeric(o.starts_on, false),
        ends_on: mahalle_core::jalali::format_numeric(o.ends_on, false),
        organisers: d
            .organisers
            .iter()
            .map(|x| x.organisation_id.to_string())
            .collect::<Vec<_>>()
            .join(","),
    };
    form_page(&state, &ctx, Some(id), &f, Vec::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let f = form_of(&ctx, &body)?;
    match ops::update(&state.store, me, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/occasions/{id}")).into_response()),
        Err(AppError::Invalid(e)) => form_page(&state, &ctx, Some(id), &f, ctx.messages(e)).await,
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- an occasion

#[derive(Template)]
#[template(path = "occasion.html")]
struct ShowTemplate {
    p: Page,
    d: OccasionDetail,
    may_keep: bool,
    /// The places offered: `n{id}` a neighborhood, `p{id}` a partner place.
    choices: Vec<(String, String)>,
    /// The rows of the places form as typed (choice, count).
    rows: Vec<(String, String)>,
    errors: Vec<String>,
}

impl ShowTemplate {
    fn kind(&self) -> &'static str {
        kind_label(&self.p, &self.d.occasion.kind)
    }
    fn change(&self, c: &Option<f64>) -> String {
        change(&self.p, *c)
    }
    fn count(&self, n: &Option<i64>) -> String {
        n.map(|n| self.p.num(n)).unwrap_or_else(|| "—".into())
    }
}

/// Blank rows offered below the places already recorded.
const BLANK_ROWS: usize = 5;

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    typed: Option<Vec<(String, String)>>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let d = ops::detail(&state.store, id).await?;
    let may_keep = rules::may_keep(&me.principal, d.occasion.district_id);
    let title = if ctx.lang == crate::http::ctx::Lang::Fa || d.occasion.name_en.is_empty() {
        d.occasion.name_fa.clone()
    } else {
        d.occasion.name_en.clone()
    };
    let p = Page::new(ctx, "occasions", title);
    let mut choices = Vec::new();
    if may_keep {
        choices.push((String::new(), "—".to_string()));
        let district = d.occasion.district_id;
        for n in mahalle_db::places::current_neighborhoods(&state.store, district).await? {
            choices.push((
                format!("n{}", n.id),
                format!(
                    "{} · {}",
                    p.district_name(n.district_number),
                    p.name(&n.name_fa, &n.name_en)
                ),
            ));
        }
        let filter = mahalle_db::partners::PartnerFilter {
            district_id: district,
            ..Default::default()
        };
        for x in mahalle_db::partners::all(&state.store, &filter, 3000).await? {
            choices.push((
                format!("p{}", x.id),
                format!(
                    "{} · {} — {}",
                    p.district_name(x.district_number),
                    p.name(&x.neighborhood_name_fa, &x.neighborhood_name_en),
                    p.name(&x.name_fa, &x.name_en)
                ),
            ));
        }
    }
    let rows = typed.unwrap_or_else(|| {
        let mut rows: Vec<(String, String)> = d
            .places
            .iter()
            .map(|x| {
                let choice = match x.place.partner_place_id {
                    Some(pp) => format!("p{pp}"),
                    None => format!("n{}", x.place.neighborhood_id),
                };
                (
                    choice,
                    x.place
                        .participants
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        rows.extend(std::iter::repeat_n(Default::default(), BLANK_ROWS));
        rows
    });
    let invalid = !errors.is_empty();
    crate::http::page::render_form(
        &ShowTemplate {
            p,
            d,
            may_keep,
            choices,
            rows,
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
    show_page(&state, &ctx, id, None, Vec::new()).await
}

/// Saves the places form: rows `place_N` (`n{id}` or `p{id}`, empty to drop) and `count_N`.
pub async fn save_places(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut typed = Vec::new();
    for i in 0..5000 {
        let (place, count) = (field(&format!("place_{i}")), field(&format!("count_{i}")));
        if !pairs.iter().any(|(n, _)| *n == format!("place_{i}")) {
            break;
        }
        typed.push((place, count));
    }
    if let Some(i) = typed
        .iter()
        .position(|(place, count)| place.is_empty() && !count.trim().is_empty())
    {
        let n = (i + 1).to_string();
        let e = mahalle_core::validate::FieldError::new(
            "place",
            format!(
                "ردیف {}: جای برگزاری را برگزینید.",
                mahalle_core::text::to_persian_digits(&n)
            ),
            format!("Row {n}: choose the place."),
        );
        let d = ops::detail(&state.store, id).await?;
        if !rules::may_keep(&me.principal, d.occasion.district_id) {
            return Err(AppError::Forbidden);
        }
        return show_page(&state, &ctx, id, Some(typed), ctx.messages(vec![e])).await;
    }
    let items: Vec<PlaceInput> = typed
        .iter()
        .filter(|(place, _)| !place.is_empty())
        .map(|(place, count)| {
            let num = |s: &str| s.parse::<i64>().ok();
            PlaceInput {
                neighborhood_id: place.strip_prefix('n').and_then(num),
                partner_place_id: place.strip_prefix('p').and_then(num),
                participants: serde_json::Value::String(count.clone()),
            }
        })
        .collect();
    match ops::set_places(&state.store, me, id, &items).await {
        Ok(_) => Ok(Redirect::to(&format!("/occasions/{id}#places")).into_response()),
        Err(AppError::Invalid(e)) => {
            show_page(&state, &ctx, id, Some(typed), ctx.messages(e)).await
        }
        Err(e) => Err(e),
    }
}
