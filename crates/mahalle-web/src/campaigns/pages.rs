//! The campaigns' pages: the list, the form that starts or edits one, and a campaign's page —
//! its indicators against their targets, a choropleth of the city or one district with the
//! table beside it, the places that lag, and coverage growing period by period.

use crate::http::extract::P as Path;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::campaigns::{self as rules, Stage};
use mahalle_core::indicators as ind;
use mahalle_db::campaigns::Campaign;
use serde::Deserialize;

use crate::campaigns::ops::{self, CampaignInput, Coverage, TargetInput};
use crate::http::charts::{self, MapPlace};
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::Q as Query;
use crate::http::page::{render, Page};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("cp_campaigns", "پویش‌ها", "Campaigns"),
    ("cp_intro", "پویش‌هایی چون واکسیناسیون، کمک زمستانی یا پاک‌سازی، با قرارگاه مالک، همکاران، بازه و شاخص‌هایی با هدف؛ پوشش هر منطقه و محله از شمارهای ثبت‌شده حساب می‌شود.", "Drives such as vaccination, winter aid or a clean-up, with their owning headquarters, partners, span and indicators with targets; each district's and neighborhood's coverage is computed from the counts entered."),
    ("cp_new", "پویش تازه", "New campaign"),
    ("cp_edit", "ویرایش پویش", "Edit campaign"),
    ("cp_none", "هنوز پویشی تعریف نشده است.", "No campaign has been defined yet."),
    ("cp_owner", "قرارگاه مالک", "Owning headquarters"),
    ("cp_partners", "سازمان‌های همکار", "Partner organisations"),
    ("cp_partners_hint", "با Ctrl یا Shift چند سازمان را برگزینید.", "Hold Ctrl or Shift to choose several."),
    ("cp_starts", "آغاز", "Starts"),
    ("cp_ends", "پایان", "Ends"),
    ("cp_span", "بازه", "Span"),
    ("cp_stage", "وضعیت", "Stage"),
    ("cp_upcoming", "در پیش", "Upcoming"),
    ("cp_running", "در جریان", "Running"),
    ("cp_ended", "پایان‌یافته", "Ended"),
    ("cp_indicators", "شاخص‌ها و هدف‌ها", "Indicators and targets"),
    ("cp_indicators_hint", "هر ردیف: یک شاخص و هدف پویش برای آن، به واحد شاخص.", "Each row: an indicator and the campaign's target for it, in the indicator's unit."),
    ("cp_indicator", "شاخص", "Indicator"),
    ("cp_target", "هدف", "Target"),
    ("cp_value", "مقدار", "Value"),
    ("cp_reached", "از هدف", "Of target"),
    ("cp_lags", "عقب از هدف", "Behind target"),
    ("cp_lagging", "جاهای عقب از هدف", "Places behind target"),
    ("cp_no_lagging", "هیچ جایی بیش از یک‌دهم از هدف عقب نیست.", "No place is more than a tenth short of the target."),
    ("cp_city", "شهر", "The city"),
    ("cp_place", "محل", "Place"),
    ("cp_map", "نقشه پوشش", "Coverage map"),
    ("cp_no_map", "مرز این جاها ثبت نشده است؛ جدول همه را نشان می‌دهد.", "These places have no recorded boundaries; the table shows them all."),
    ("cp_no_value", "بی‌مقدار", "No value"),
    ("cp_over_time", "پوشش در طول پویش", "Coverage over the campaign"),
    ("cp_period", "دوره", "Period"),
    ("cp_enter", "ورود شمارهای پویش", "Enter the campaign's counts"),
    ("cp_show", "نمایش", "Show"),
    ("cp_search", "جست‌وجو در پویش‌ها", "Search campaigns"),
];

fn stage_label(p: &Page, s: &str) -> &'static str {
    p.t(match s {
        "upcoming" => "cp_upcoming",
        "ended" => "cp_ended",
        _ => "cp_running",
    })
}

fn percent(p: &Page, v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => {
            let n = (x * 100.0).round() as i64;
            if p.fa() {
                format!("{}٪", p.digits(&n.to_string()))
            } else {
                format!("{n}%")
            }
        }
        _ => "—".into(),
    }
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "campaigns.html")]
struct ListTemplate {
    p: Page,
    campaigns: Vec<(Campaign, Stage)>,
    q: String,
    may_create: bool,
}

impl ListTemplate {
    fn stage(&self, s: &Stage) -> &'static str {
        stage_label(&self.p, s.as_str())
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    render(&ListTemplate {
        p: Page::new(
            &ctx,
            "campaigns",
            crate::http::i18n::t(ctx.lang, "cp_campaigns"),
        ),
        campaigns: ops::list(&state.store, &q.q).await?,
        q: q.q,
        may_create: rules::may_create(&me.principal),
    })
}

// ---------------------------------------------------------------- the form

/// The form as typed; `indicator_N` / `target_N` rows carry the indicators.
#[derive(Debug, Clone, Default)]
pub struct CampaignForm {
    code: String,
    name_fa: String,
    name_en: String,
    description: String,
    owner_id: String,
    partners: Vec<String>,
    starts_on: String,
    ends_on: String,
    rows: Vec<(String, String)>,
}

/// How many indicator rows the form offers.
const ROWS: usize = 5;

impl CampaignForm {
    fn from_pairs(pairs: &[(String, String)]) -> CampaignForm {
        let one = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        CampaignForm {
            code: one("code"),
            name_fa: one("name_fa"),
            name_en: one("name_en"),
            description: one("description"),
            owner_id: one("owner_id"),
            partners: pairs
                .iter()
                .filter(|(n, _)| n == "partners")
                .map(|(_, v)| v.clone())
                .collect(),
            starts_on: one("starts_on"),
            ends_on: one("ends_on"),
            rows: (0..ROWS)
                .map(|i| (one(&format!("indicator_{i}")), one(&format!("target_{i}"))))
                .collect(),
        }
    }

    /// The input, or the problems with numbers typed (before the operation checks the rest).
    fn input(&self) -> Result<CampaignInput, Vec<mahalle_core::validate::FieldError>> {
        let id = |s: &str| {
            mahalle_core::text::to_latin_digits(s.trim())
                .parse::<i64>()
                .ok()
        };
        let mut errors = Vec::new();
        let mut indicators = Vec::new();
        for (code, target) in &self.rows {
            if code.trim().is_empty() && target.trim().is_empty() {
                continue;
            }
            let t = crate::http::form::typed_number(target);
            if t.is_err() {
                errors.push(mahalle_core::validate::FieldError::new(
                    "targets",
                    format!("هدف «{}» عدد نیست.", target.trim()),
                    format!("Target \"{}\" is not a number.", target.trim()),
                ));
            }
            indicators.push(TargetInput {
                indicator: code.clone(),
                target: t.ok().flatten(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CampaignInput {
            code: self.code.clone(),
            name_fa: self.name_fa.clone(),
            name_en: self.name_en.clone(),
            description: self.description.clone(),
            owner_id: id(&self.owner_id),
            partner_ids: self.partners.iter().filter_map(|p| id(p)).collect(),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            indicators,
        })
    }
}

#[derive(Template)]
#[template(path = "campaign_form.html")]
struct FormTemplate {
    p: Page,
    action: String,
    back: String,
    f: CampaignForm,
    owners: Vec<(i64, String)>,
    organisations: Vec<(i64, String)>,
    indicators: Vec<(String, String)>,
    errors: Vec<String>,
}

impl FormTemplate {
    fn partner(&self, id: &i64) -> bool {
        self.f.partners.iter().any(|p| p.trim() == id.to_string())
    }
    fn owner(&self, id: &i64) -> bool {
        self.f.owner_id.trim() == id.to_string()
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: CampaignForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let title = crate::http::i18n::t(ctx.lang, if id.is_some() { "cp_edit" } else { "cp_new" });
    let p = Page::new(ctx, "campaigns", title);
    let mut owners = Vec::new();
    let mut organisations = Vec::new();
    for (oid, kind, fa, en) in mahalle_db::org::choices(&state.store).await? {
        let name = p.name(&fa, &en).to_string();
        if kind == "headquarters" {
            owners.push((oid, name.clone()));
        }
        organisations.push((oid, name));
    }
    let indicators = mahalle_db::indicators::indicators(&state.store)
        .await?
        .into_iter()
        .map(|i| {
            let name = p.name(&i.name_fa, &i.name_en).to_string();
            (i.code.clone(), format!("{} — {name}", i.code))
        })
        .collect();
    let (action, back) = match id {
        Some(id) => (format!("/campaigns/{id}"), format!("/campaigns/{id}")),
        None => ("/campaigns".into(), "/campaigns".into()),
    };
    let invalid = !errors.is_empty();
    crate::http::page::render_form(
        &FormTemplate {
            p,
            action,
            back,
            f,
            owners,
            organisations,
            indicators,
            errors,
        },
        invalid,
    )
}

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    if !rules::may_create(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let f = CampaignForm {
        rows: vec![Default::default(); ROWS],
        ..CampaignForm::default()
    };
    form_page(&state, &ctx, None, f, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::http::csrf::CsrfForm(pairs): crate::http::csrf::CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    if !rules::may_create(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let f = CampaignForm::from_pairs(&pairs);
    let result = match f.input() {
        Ok(input) => ops::create(&state.store, me, &input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(c) => Ok(Redirect::to(&format!("/campaigns/{}", c.id)).into_response()),
        Err(AppError::Invalid(fields)) => {
            form_page(&state, &ctx, None, f, ctx.messages(fields)).await
        }
        Err(e) => Err(e),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let d = ops::load(&state.store, id).await?;
    if !rules::may_run(&me.principal, d.campaign.owner_id) {
        return Err(AppError::Forbidden);
    }
    let c = &d.campaign;
    let mut rows: Vec<(String, String)> = d
        .indicators
        .iter()
        .map(|i| (i.code.clone(), crate::http::form::plain_number(i.target)))
        .collect();
    rows.resize(ROWS.max(rows.len()), Default::default());
    let f = CampaignForm {
        code: c.code.clone(),
        name_fa: c.name_fa.clone(),
        name_en: c.name_en.clone(),
        description: c.description.clone(),
        owner_id: c.owner_id.to_string(),
        partners: d
            .partners
            .iter()
            .map(|p| p.organisation_id.to_string())
            .collect(),
        starts_on: mahalle_core::jalali::JalaliDate::from_gregorian(c.starts_on).to_string(),
        ends_on: mahalle_core::jalali::JalaliDate::from_gregorian(c.ends_on).to_string(),
        rows,
    };
    form_page(&state, &ctx, Some(id), f, Vec::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    crate::http::csrf::CsrfForm(pairs): crate::http::csrf::CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let f = CampaignForm::from_pairs(&pairs);
    let result = match f.input() {
        Ok(input) => ops::update(&state.store, me, id, &input).await,
        Err(e) => {
            // Authority before validation, as the operation does.
            let d = ops::load(&state.store, id).await?;
            if !rules::may_run(&me.principal, d.campaign.owner_id) {
                return Err(AppError::Forbidden);
            }
            Err(AppError::Invalid(e))
        }
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            form_page(&state, &ctx, Some(id), f, ctx.messages(fields)).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- a campaign

#[derive(Template)]
#[template(path = "campaign.html")]
struct ShowTemplate {
    p: Page,
    c: Coverage,
    district: Option<mahalle_db::places::District>,
    districts: Vec<mahalle_db::places::District>,
    indicator: Option<i64>,
    map: String,
    /// The legend: (colour, the class's range).
    legend: Vec<(&'static str, String)>,
    chart: String,
    may_run: bool,
    may_enter: bool,
}

impl ShowTemplate {
    fn value(&self, v: &Option<f64>, factor: &i64) -> String {
        ind::format_value(*v, *factor, self.p.fa())
    }
    /// A value of the indicator read place by place.
    fn fv(&self, v: &Option<f64>) -> String {
        let factor = self.c.reading.as_ref().map_or(1, |r| r.indicator.factor);
        ind::format_value(*v, factor, self.p.fa())
    }
    fn reached(&self, v: &Option<f64>) -> String {
        percent(&self.p, *v)
    }
    fn stage(&self) -> &'static str {
        stage_label(&self.p, &self.c.detail.stage)
    }
    fn chosen_district(&self, id: &i64) -> bool {
        self.district.as_ref().is_some_and(|d| d.id == *id)
    }
    fn chosen_indicator(&self, id: &i64) -> bool {
        self.indicator == Some(*id)
    }
    fn target(&self, t: &f64, factor: &i64) -> String {
        ind::format_value(Some(*t), *factor, self.p.fa())
    }
    fn period(&self, code: &str) -> String {
        match ind::Period::parse(code) {
            Ok(per) if self.p.fa() => per.label_fa(),
            Ok(per) => per.label_en(),
            Err(_) => code.to_string(),
        }
    }
    fn part_link(&self, id: &Option<i64>) -> Option<String> {
        match (&self.district, id) {
            (None, Some(d)) => Some(format!(
                "/campaigns/{}?district={d}&indicator={}",
                self.c.detail.campaign.id,
                self.indicator.unwrap_or_default()
            )),
            _ => None,
        }
    }
    fn where_label(&self) -> String {
        match &self.district {
            Some(d) => self.p.name(&d.name_fa, &d.name_en).to_string(),
            None => self.p.t("cp_city").to_string(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    indicator: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let c = ops::coverage(&state.store, id, q.indicator, q.district).await?;
    let p = Page::new(&ctx, "campaigns", {
        let x = &c.detail.campaign;
        if ctx.lang == crate::http::ctx::Lang::Fa || x.name_en.is_empty() {
            x.name_fa.clone()
        } else {
            x.name_en.clone()
        }
    });
    let district = match q.district {
        Some(d) => Some(mahalle_db::places::get_district(&state.store, d).await?),
        None => None,
    };
    let (map, legend) = match &c.reading {
        Some(r) => map(&state, &p, r, id, q.district).await?,
        None => (String::new(), Vec::new()),
    };
    let chart = match &c.reading {
        Some(r) => crate::indicators::chart::chart(&p, r),
        None => String::new(),
    };
    render(&ShowTemplate {
        may_run: rules::may_run(&me.principal, c.detail.campaign.owner_id),
        may_enter: ind::may_enter_any(&me.principal),
        indicator: c.reading.as_ref().map(|r| r.indicator.id),
        districts: crate::http::page::all_districts(&state).await?,
        p,
        c,
        district,
        map,
        legend,
        chart,
    })
}

/// The reading's places coloured by value on their stored boundaries, with the legend.
async fn map(
    state: &AppState,
    p: &Page,
    r: &crate::indicators::ops::Reading,
    campaign: i64,
    district: Option<i64>,
) -> Result<(String, Vec<(&'static str, String)>), AppError> {
    let boundaries: std::collections::HashMap<i64, Option<String>> =
        mahalle_db::places::boundaries(&state.store, district)
            .await?
            .into_iter()
            .collect();
    let values: Vec<Option<f64>> = r.parts.iter().map(|x| x.value).collect();
    let (classes, bounds) = ind::classes(&values, charts::RAMP.len());
    let places: Vec<MapPlace> = r
        .parts
        .iter()
        .zip(&classes)
        .map(|(x, class)| MapPlace {
            rings: x
                .id
                .and_then(|id| boundaries.get(&id).cloned().flatten())
                .map(|b| mahalle_core::places::rings(&b))
                .unwrap_or_default(),
            fill: charts::class_colour(*class),
            label: format!(
                "{}: {}",
                p.name(&x.name_fa, &x.name_en),
                ind::format_value(x.value, r.indicator.factor, p.fa())
            ),
            href: match (district, x.id) {
                (None, Some(d)) => Some(format!(
                    "/campaigns/{campaign}?district={d}&indicator={}",
                    r.indicator.id
                )),
                _ => None,
            },
        })
        .collect();
    let svg = charts::choropleth(p.t("cp_map"), &places);
    let mut legend: Vec<(&'static str, String)> = bounds
        .windows(2)
        .zip(charts::RAMP)
        .map(|(w, colour)| {
            let f = |v: f64| ind::format_value(Some(v), r.indicator.factor, p.fa());
            (colour, format!("{} – {}", f(w[0]), f(w[1])))
        })
        .collect();
    if classes.iter().any(Option::is_none) {
        legend.push((charts::NO_VALUE, p.t("cp_no_value").to_string()));
    }
    Ok((svg, legend))
}
