//! The indicators' pages: the list of indicators and data elements, the forms that define them,
//! an indicator read over the city or one district, and the grid a district's counts are
//! entered in.

use crate::http::extract::P as Path;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::indicators::{self as rules, Aggregation, Direction, PeriodKind};
use mahalle_core::jalali::JalaliDate;
use mahalle_db::indicators::{self as db, DataElement, Indicator};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::Q as Query;
use crate::http::form::{Field, Kind, RecordForm};
use crate::http::page::{render, Page};
use crate::indicators::ops::{self, ElementInput, Grid, IndicatorInput, Reading, ValueInput};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("in_indicators", "شاخص‌ها", "Indicators"),
    ("in_intro", "هر شاخص صورتی بر مخرجی ضرب در ضریبی است، از شمارهایی که برای هر محله و دوره ثبت می‌شود؛ جمع منطقه و شهر از همین شمارها حساب می‌شود، نه از میانگین درصدها.", "Each indicator is a numerator over a denominator times a factor, from counts entered per neighborhood and period; district and city totals are computed from those counts, never by averaging percentages."),
    ("in_new", "تعریف شاخص", "New indicator"),
    ("in_elements", "داده‌ها", "Data elements"),
    ("in_new_element", "تعریف داده", "New data element"),
    ("in_enter", "ورود شمارها", "Enter counts"),
    ("in_code", "کد", "Code"),
    ("in_code_hint", "حروف لاتین، رقم، - و _؛ مانند VAX-DONE", "Latin letters, digits, - and _; like VAX-DONE"),
    ("in_name_fa", "نام فارسی", "Persian name"),
    ("in_name_en", "نام انگلیسی", "English name"),
    ("in_description", "توضیح", "Description"),
    ("in_period_kind", "دوره ثبت", "Counted"),
    ("in_aggregation", "جمع دوره‌ها", "Over periods"),
    ("in_numerator", "صورت (کد داده)", "Numerator (element code)"),
    ("in_denominator", "مخرج (کد داده؛ خالی برای جمع ساده)", "Denominator (element code; empty for a plain total)"),
    ("in_factor", "ضریب", "Factor"),
    ("in_factor_hint", "۱۰۰ برای درصد، ۱۰۰۰ برای در هزار، ۱ برای نسبت یا جمع", "100 for a percentage, 1,000 per thousand, 1 for a ratio or total"),
    ("in_direction", "جهت بهبود", "Improves when"),
    ("in_target", "هدف", "Target"),
    ("in_target_on", "موعد هدف", "Target date"),
    ("in_formula", "محاسبه", "Computed as"),
    ("in_value", "مقدار", "Value"),
    ("in_reached", "از هدف", "Of target"),
    ("in_lags", "عقب از هدف", "Behind target"),
    ("in_none", "هنوز شاخصی تعریف نشده است.", "No indicator is defined yet."),
    ("in_no_elements", "هنوز داده‌ای تعریف نشده است.", "No data element is defined yet."),
    ("in_by_period", "از آغاز بازه تا پایان هر دوره", "From the range's start to the end of each period"),
    ("in_period", "دوره", "Period"),
    ("in_place", "جا", "Place"),
    ("in_from", "از", "From"),
    ("in_to", "تا", "To"),
    ("in_show", "نمایش", "Show"),
    ("in_export", "دریافت xlsx", "Download .xlsx"),
    ("in_city", "کل شهر", "The whole city"),
    ("in_no_values", "برای این بازه شماری ثبت نشده است.", "No counts are entered for this range."),
    ("in_grid_intro", "شمار هر محله را در هر دوره بنویسید؛ خانه خالی یعنی ثبت‌نشده. اگر خانه‌ای نادرست باشد، هیچ‌چیز ذخیره نمی‌شود.", "Write each neighborhood's count for each period; an empty cell is not entered. If any cell is wrong, nothing is saved."),
    ("in_year", "سال", "Year"),
    ("in_element", "داده", "Data element"),
    ("in_save", "ذخیره شمارها", "Save the counts"),
    ("in_saved", "شمارها ذخیره شد.", "The counts were saved."),
    ("in_cell_error", "این خانه نادرست است", "This cell is wrong"),
    ("in_import", "ورود شمارها از صفحه‌گسترده", "Import counts from a spreadsheet"),
    ("in_import_intro", "هر ردیف یک شمار: کد داده، محله (کد محله مانند D14-N03، یا نامش)، کد دوره (۱۴۰۵-۰۷، ۱۴۰۵-S2، ۱۴۰۵) و مقدار. همه ردیف‌ها پیش از ثبت بررسی می‌شوند و یا همه ثبت می‌شوند یا هیچ‌کدام.", "One count a row: the element's code, the neighborhood (its code, like D14-N03, or its name), the period's code (1405-07, 1405-S2, 1405) and the value. Every row is checked before anything is recorded, and all are recorded or none."),
    ("in_import_commit", "ثبت شمارها", "Record the counts"),
    ("in_choose_file", "فایلی تا ۲ مگابایت انتخاب کنید.", "Choose a file of up to 2 MB."),
    ("in_imported", "شمارهای صفحه‌گسترده ثبت شد.", "The spreadsheet's counts were recorded."),
];

fn element_labels(p: &Page, e: &DataElement) -> (&'static str, &'static str) {
    let kind = PeriodKind::parse(&e.period_kind).unwrap_or(PeriodKind::Month);
    let agg = Aggregation::parse(&e.aggregation).unwrap_or(Aggregation::Sum);
    if p.fa() {
        (kind.label_fa(), agg.label_fa())
    } else {
        (kind.label_en(), agg.label_en())
    }
}

fn formula(p: &Page, i: &Indicator) -> String {
    let (unit_fa, unit_en) = rules::factor_label(i.factor);
    let mut s = i.numerator_code.clone();
    if let Some(d) = &i.denominator_code {
        s.push_str(&format!(" / {d}"));
    }
    if i.factor != 1 {
        s.push_str(&format!(" × {}", p.num(i.factor)));
    }
    let unit = if p.fa() { unit_fa } else { unit_en };
    if !unit.is_empty() {
        s.push_str(&format!(" ({unit})"));
    }
    s
}

/// A coded list as a form's choices, labelled in the page's language.
fn choices(
    p: &Page,
    items: impl Iterator<Item = (&'static str, &'static str, &'static str)>,
) -> Vec<(String, String)> {
    items
        .map(|(code, fa, en)| (code.to_string(), if p.fa() { fa } else { en }.to_string()))
        .collect()
}

/// The code, names and description fields both definitions start with.
fn name_fields(p: &Page, [code, fa, en, description]: [&str; 4]) -> Vec<Field> {
    vec![
        Field::new("code", p.t("in_code"), Kind::Text, code)
            .required()
            .hint(p.t("in_code_hint")),
        Field::new("name_fa", p.t("in_name_fa"), Kind::Text, fa).required(),
        Field::new("name_en", p.t("in_name_en"), Kind::Text, en),
        Field::new(
            "description",
            p.t("in_description"),
            Kind::TextArea,
            description,
        ),
    ]
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct ListTemplate {
    p: Page,
    indicators: Vec<Indicator>,
    elements: Vec<DataElement>,
    may_define: bool,
    may_enter: bool,
    imported: bool,
}

impl ListTemplate {
    fn formula(&self, i: &Indicator) -> String {
        formula(&self.p, i)
    }
    fn labels(&self, e: &DataElement) -> (&'static str, &'static str) {
        element_labels(&self.p, e)
    }
    fn target(&self, i: &Indicator) -> String {
        self.p.decimal(i.target)
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    imported: Option<String>,
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
            "indicators",
            crate::http::i18n::t(ctx.lang, "in_indicators"),
        ),
        indicators: db::indicators(&state.store).await?,
        elements: db::elements(&state.store).await?,
        may_define: rules::may_define(&me.principal),
        may_enter: rules::may_enter_any(&me.principal),
        imported: q.imported.is_some(),
    })
}

// ---------------------------------------------------------------- defining

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ElementForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_fa: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    period_kind: String,
    #[serde(default)]
    aggregation: String,
}

fn element_form(ctx: &Ctx, f: &ElementForm, errors: Vec<String>) -> Result<Response, AppError> {
    let p = Page::new(
        ctx,
        "indicators",
        crate::http::i18n::t(ctx.lang, "in_new_element"),
    );
    let kinds = choices(
        &p,
        PeriodKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_fa(), k.label_en())),
    );
    let aggs = choices(
        &p,
        Aggregation::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_fa(), k.label_en())),
    );
    let mut fields = name_fields(&p, [&f.code, &f.name_fa, &f.name_en, &f.description]);
    fields.extend([
        Field::new(
            "period_kind",
            p.t("in_period_kind"),
            Kind::Select,
            &f.period_kind,
        )
        .required()
        .choices(kinds),
        Field::new(
            "aggregation",
            p.t("in_aggregation"),
            Kind::Select,
            &f.aggregation,
        )
        .required()
        .choices(aggs),
    ]);
    RecordForm {
        back: ("/indicators".into(), p.t("in_indicators").to_string()),
        p,
        action: "/indicators/elements".into(),
        fields,
        errors,
        retire: None,
        boundary: None,
    }
    .respond()
}

pub async fn new_element(ctx: Ctx) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    if !rules::may_define(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let f = ElementForm {
        period_kind: "month".into(),
        aggregation: "sum".into(),
        ..Default::default()
    };
    element_form(&ctx, &f, Vec::new())
}

pub async fn create_element(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<ElementForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let input = ElementInput {
        code: f.code.clone(),
        name_fa: f.name_fa.clone(),
        name_en: f.name_en.clone(),
        description: f.description.clone(),
        period_kind: f.period_kind.clone(),
        aggregation: f.aggregation.clone(),
    };
    match ops::create_element(&state.store, me, &input).await {
        Ok(_) => Ok(Redirect::to("/indicators").into_response()),
        Err(AppError::Invalid(fields)) => element_form(&ctx, &f, ctx.messages(fields)),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IndicatorForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_fa: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    #[serde(default)]
    factor: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    target_on: String,
}

async fn indicator_form(
    state: &AppState,
    ctx: &Ctx,
    f: &IndicatorForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let p = Page::new(ctx, "indicators", crate::http::i18n::t(ctx.lang, "in_new"));
    let mut elements = vec![(String::new(), "—".to_string())];
    elements.extend(db::elements(&state.store).await?.into_iter().map(|e| {
        let name = if p.fa() || e.name_en.is_empty() {
            e.name_fa.clone()
        } else {
            e.name_en.clone()
        };
        (e.code.clone(), format!("{} — {name}", e.code))
    }));
    let directions = choices(
        &p,
        Direction::ALL
            .iter()
            .map(|d| (d.as_str(), d.label_fa(), d.label_en())),
    );
    let mut fields = name_fields(&p, [&f.code, &f.name_fa, &f.name_en, &f.description]);
    fields.extend([
        Field::new("numerator", p.t("in_numerator"), Kind::Select, &f.numerator)
            .required()
            .choices(elements.clone()),
        Field::new(
            "denominator",
            p.t("in_denominator"),
            Kind::Select,
            &f.denominator,
        )
        .choices(elements),
        Field::new("factor", p.t("in_factor"), Kind::Number, &f.factor)
            .required()
            .hint(p.t("in_factor_hint")),
        Field::new("direction", p.t("in_direction"), Kind::Select, &f.direction)
            .choices(directions),
        Field::new("target", p.t("in_target"), Kind::Number, &f.target),
        Field::new("target_on", p.t("in_target_on"), Kind::Number, &f.target_on)
            .hint(p.t("pj_date_hint")),
    ]);
    RecordForm {
        back: ("/indicators".into(), p.t("in_indicators").to_string()),
        p,
        action: "/indicators".into(),
        fields,
        errors,
        retire: None,
        boundary: None,
    }
    .respond()
}

pub async fn new_indicator(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    if !rules::may_define(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let f = IndicatorForm {
        factor: "100".into(),
        direction: "higher".into(),
        ..Default::default()
    };
    indicator_form(&state, &ctx, &f, Vec::new()).await
}

pub async fn create_indicator(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<IndicatorForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    if !rules::may_define(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let factor = match crate::http::form::typed_number(&f.factor) {
        Ok(Some(x)) if x.fract() == 0.0 && x.abs() < 1e12 => Some(x as i64),
        Ok(None) => None,
        _ => {
            errors.push(mahalle_core::validate::FieldError::new(
                "factor",
                "ضریب باید عددی صحیح باشد.",
                "The factor must be a whole number.",
            ));
            Some(1)
        }
    };
    let target = match crate::http::form::typed_number(&f.target) {
        Ok(t) => t,
        Err(crate::http::form::NotANumber) => {
            errors.push(mahalle_core::validate::FieldError::new(
                "target",
                "هدف باید عدد باشد.",
                "The target must be a number.",
            ));
            None
        }
    };
    if !errors.is_empty() {
        return indicator_form(&state, &ctx, &f, ctx.messages(errors)).await;
    }
    let input = IndicatorInput {
        code: f.code.clone(),
        name_fa: f.name_fa.clone(),
        name_en: f.name_en.clone(),
        description: f.description.clone(),
        numerator: f.numerator.clone(),
        denominator: f.denominator.clone(),
        factor,
        direction: f.direction.clone(),
        target,
        target_on: f.target_on.clone(),
    };
    match ops::create_indicator(&state.store, me, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/indicators/{}", c.id)).into_response()),
        Err(AppError::Invalid(fields)) => {
            indicator_form(&state, &ctx, &f, ctx.messages(fields)).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- reading

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorTemplate {
    p: Page,
    r: Reading,
    /// The value up to each period, with the target, as SVG.
    chart: String,
    formula: String,
    districts: Vec<mahalle_db::places::District>,
    from: String,
    to: String,
}

impl IndicatorTemplate {
    fn value(&self, v: &Option<f64>) -> String {
        let persian = self.p.fa();
        rules::format_value(*v, self.r.indicator.factor, persian)
    }
    fn reached(&self, v: &Option<f64>) -> String {
        match v {
            Some(x) => {
                let n = (x * 100.0).round() as i64;
                if self.p.fa() {
                    format!("{}٪", self.p.digits(&n.to_string()))
                } else {
                    format!("{n}%")
                }
            }
            None => "—".into(),
        }
    }
    fn chosen(&self, id: &i64) -> bool {
        self.r.district_id == Some(*id)
    }
    fn last_day(&self) -> chrono::NaiveDate {
        self.r.to.pred_opt().unwrap_or(self.r.to)
    }
    fn period(&self, code: &str) -> String {
        match rules::Period::parse(code) {
            Ok(p) if self.p.fa() => p.label_fa(),
            Ok(p) => p.label_en(),
            Err(_) => code.to_string(),
        }
    }
    fn name<'a>(&self, fa: &'a str, en: &'a str) -> &'a str {
        if self.p.fa() || en.is_empty() {
            fa
        } else {
            en
        }
    }
    fn part_link(&self, id: &Option<i64>) -> Option<String> {
        match (self.r.district_id, id) {
            (None, Some(d)) => Some(format!(
                "/indicators/{}?district={d}&from={}&to={}",
                self.r.indicator.id, self.from, self.to
            )),
            _ => None,
        }
    }
}

fn iso(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The range and place an indicator is read over, as the page's form sends them.
#[derive(Deserialize, Default)]
pub struct ReadQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ReadQuery>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let (from, to) = ops::range(q.from.as_deref(), q.to.as_deref())?;
    let r = ops::read(&state.store, id, q.district, from, to).await?;
    let mut p = Page::new(&ctx, "indicators", r.indicator.name_fa.clone());
    if !p.fa() && !r.indicator.name_en.is_empty() {
        p.title = r.indicator.name_en.clone();
    }
    let chart = super::chart::chart(&p, &r);
    render(&IndicatorTemplate {
        chart,
        formula: formula(&p, &r.indicator),
        p,
        districts: crate::http::page::all_districts(&state).await?,
        from: iso(r.from),
        to: iso(r.to.pred_opt().unwrap_or(r.to)),
        r,
    })
}

// ---------------------------------------------------------------- the grid

#[derive(Deserialize, Default)]
pub struct GridQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    element: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    year: Option<i32>,
    #[serde(default)]
    saved: Option<String>,
    /// Counts of a campaign: its elements and periods only.
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    campaign: Option<i64>,
}

#[derive(Template)]
#[template(path = "indicator_values.html")]
struct GridTemplate {
    p: Page,
    elements: Vec<DataElement>,
    districts: Vec<mahalle_db::places::District>,
    grid: Option<Grid>,
    /// What was typed, by cell name, when the grid is shown again with errors.
    typed: std::collections::HashMap<String, String>,
    /// Cells in error, by name, with the message.
    bad: std::collections::HashMap<String, String>,
    errors: Vec<String>,
    saved: bool,
    element: Option<i64>,
    district: Option<i64>,
    year: i32,
    campaign: Option<mahalle_db::campaigns::Campaign>,
}

impl GridTemplate {
    fn cell_name(&self, n: &i64, i: &usize) -> String {
        match &self.grid {
            Some(g) => format!("v_{n}_{}", g.periods[*i].code()),
            None => String::new(),
        }
    }
    fn cell_value(&self, n: &i64, i: &usize, stored: &Option<i64>) -> String {
        let name = self.cell_name(n, i);
        match self.typed.get(&name) {
            Some(t) => t.clone(),
            None => self.stored_text(stored),
        }
    }
    fn stored_text(&self, stored: &Option<i64>) -> String {
        stored
            .map(|v| self.p.digits(&v.to_string()))
            .unwrap_or_default()
    }
    fn cell_error(&self, n: &i64, i: &usize) -> Option<&String> {
        self.bad.get(&self.cell_name(n, i))
    }
    fn period_label(&self, i: &usize) -> String {
        match &self.grid {
            Some(g) if self.p.fa() => g.periods[*i].label_fa(),
            Some(g) => g.periods[*i].label_en(),
            None => String::new(),
        }
    }
    fn chosen_element(&self, id: &i64) -> bool {
        self.element == Some(*id)
    }
    fn chosen_district(&self, id: &i64) -> bool {
        self.district == Some(*id)
    }
    fn name<'a>(&self, fa: &'a str, en: &'a str) -> &'a str {
        if self.p.fa() || en.is_empty() {
            fa
        } else {
            en
        }
    }
}

struct GridState {
    typed: std::collections::HashMap<String, String>,
    bad: std::collections::HashMap<String, String>,
    errors: Vec<String>,
}

async fn grid_page(
    state: &AppState,
    ctx: &Ctx,
    q: &GridQuery,
    shown: GridState,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let campaign = match q.campaign {
        Some(id) => Some(crate::campaigns::ops::load(&state.store, id).await?),
        None => None,
    };
    let year = q.year.unwrap_or_else(|| {
        // A campaign's year: today's, within the campaign's span.
        let day = campaign.as_ref().map_or(crate::today(), |c| {
            crate::today().clamp(c.campaign.starts_on, c.campaign.ends_on)
        });
        JalaliDate::from_gregorian(day).year
    });
    let mut elements = db::elements(&state.store).await?;
    if let Some(c) = &campaign {
        let ids = crate::campaigns::ops::element_ids(&state.store, c).await?;
        elements.retain(|e| ids.contains(&e.id));
    }
    let within = campaign
        .as_ref()
        .map(|c| (c.campaign.starts_on, c.campaign.ends_on));
    let districts: Vec<_> = crate::http::page::all_districts(state)
        .await?
        .into_iter()
        .filter(|d| rules::may_enter(&me.principal, d.id))
        .collect();
    if districts.is_empty() {
        return Err(AppError::Forbidden);
    }
    let district = q
        .district
        .or_else(|| (districts.len() == 1).then(|| districts[0].id));
    if district.is_some_and(|d| !rules::may_enter(&me.principal, d)) {
        return Err(AppError::Forbidden);
    }
    let grid = match (q.element, district) {
        (Some(e), Some(d)) if elements.iter().any(|x| x.id == e) => {
            Some(ops::grid(&state.store, e, d, year, within).await?)
        }
        _ => None,
    };
    render(&GridTemplate {
        p: Page::new(
            ctx,
            "indicators",
            crate::http::i18n::t(ctx.lang, "in_enter"),
        ),
        elements,
        districts,
        grid,
        typed: shown.typed,
        bad: shown.bad,
        errors: shown.errors,
        saved: q.saved.is_some(),
        element: q.element,
        district,
        year,
        campaign: campaign.map(|c| c.campaign),
    })
}

pub async fn values_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<GridQuery>,
) -> Result<Response, AppError> {
    grid_page(
        &state,
        &ctx,
        &q,
        GridState {
            typed: Default::default(),
            bad: Default::default(),
            errors: Vec::new(),
        },
    )
    .await
}

/// Saves the grid: every cell that changed from what the page showed, all or none.
pub async fn save_values(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    if !rules::may_enter_any(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let field = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let id = |k: &str| {
        field(k).and_then(|v| {
            mahalle_core::text::to_latin_digits(v.trim())
                .parse::<i64>()
                .ok()
        })
    };
    let (Some(element_id), Some(district)) = (id("element"), id("district")) else {
        return Err(AppError::BadRequest(
            "element and district are required".into(),
        ));
    };
    let year = id("year").map(|y| y as i32);
    let campaign = id("campaign");
    let element = ops::element(&state.store, element_id).await?;
    // Only cells whose text changed from what was shown are sent on: `o_` holds the shown value.
    let mut items = Vec::new();
    let mut names = Vec::new();
    for (name, value) in &pairs {
        let Some(rest) = name.strip_prefix("v_") else {
            continue;
        };
        let shown = field(&format!("o_{rest}")).unwrap_or("");
        let plain = |s: &str| mahalle_core::text::to_latin_digits(s.trim());
        if plain(value) == plain(shown) {
            continue;
        }
        let Some((n, period)) = rest.split_once('_') else {
            continue;
        };
        let Ok(neighborhood_id) = n.parse::<i64>() else {
            continue;
        };
        items.push(ValueInput {
            element: element.code.clone(),
            neighborhood_id,
            period: period.to_string(),
            value: serde_json::Value::String(value.clone()),
        });
        names.push(name.clone());
    }
    let q = GridQuery {
        element: Some(element_id),
        district: Some(district),
        year,
        saved: None,
        campaign,
    };
    // A cell of another district cannot be slipped into this district's grid.
    let ours = mahalle_db::places::neighborhood_ids_of_district(&state.store, district).await?;
    if items.iter().any(|it| !ours.contains(&it.neighborhood_id)) {
        return Err(AppError::Forbidden);
    }
    let saved = match campaign {
        Some(c) => crate::campaigns::ops::save_values(&state.store, me, c, &items).await?,
        None => ops::save_values(&state.store, me, &items).await?,
    };
    match saved {
        Ok(_) => Ok(Redirect::to(&format!(
            "/indicators/values?element={element_id}&district={district}&year={}&saved=1{}",
            year.unwrap_or_default(),
            campaign
                .map(|c| format!("&campaign={c}"))
                .unwrap_or_default()
        ))
        .into_response()),
        Err(problems) => {
            let typed = pairs
                .iter()
                .filter(|(n, _)| n.starts_with("v_"))
                .cloned()
                .collect();
            let mut bad = std::collections::HashMap::new();
            let mut errors = Vec::new();
            for e in &problems {
                let msg = if ctx.lang == crate::http::ctx::Lang::Fa {
                    &e.fa
                } else {
                    &e.en
                };
                if let Some(name) = names.get(e.item - 1) {
                    bad.insert(name.clone(), msg.clone());
                }
                errors.push(msg.clone());
            }
            errors.dedup();
            let mut resp = grid_page(&state, &ctx, &q, GridState { typed, bad, errors }).await?;
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
    }
}

// ---------------------------------------------------------------- importing counts

/// A checked sheet shown before it is recorded; the file rides along in the commit form.
pub struct SheetChecked {
    filename: String,
    payload: String,
    rows: usize,
    /// (row, element code, neighborhood's name, period's code, value as typed)
    ready: Vec<(usize, String, String, String, String)>,
    problems: Vec<crate::http::sheet::RowError>,
}

#[derive(Template)]
#[template(path = "indicator_import.html")]
struct ImportTemplate {
    p: Page,
    checked: Option<SheetChecked>,
    errors: Vec<String>,
    columns: Vec<(&'static str, &'static str)>,
}

impl ImportTemplate {
    fn problem(&self, e: &crate::http::sheet::RowError) -> String {
        if self.p.fa() {
            e.fa.clone()
        } else {
            e.en.clone()
        }
    }
    fn period(&self, code: &str) -> String {
        match rules::Period::parse(code) {
            Ok(p) if self.p.fa() => p.label_fa(),
            Ok(p) => p.label_en(),
            Err(_) => code.to_string(),
        }
    }
}

fn import_page(
    ctx: &Ctx,
    checked: Option<SheetChecked>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    use crate::http::sheet::SheetColumn;
    let me = ctx.require_user()?;
    if !rules::may_enter_any(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let bad = !errors.is_empty() || checked.as_ref().is_some_and(|c| !c.problems.is_empty());
    crate::http::page::render_form(
        &ImportTemplate {
            p: Page::new(
                ctx,
                "indicators",
                crate::http::i18n::t(ctx.lang, "in_import"),
            ),
            checked,
            errors,
            columns: crate::indicators::sheet::ValueColumn::all()
                .iter()
                .map(|c| (c.header_fa(), c.header_en()))
                .collect(),
        },
        bad,
    )
}

pub async fn import_form(ctx: Ctx) -> Result<Response, AppError> {
    import_page(&ctx, None, Vec::new())
}

/// Checks an uploaded sheet and shows each count as it would be recorded, or every problem.
pub async fn import_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    use base64::Engine;
    let me = ctx.require_user()?;
    if !rules::may_enter_any(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let form = crate::http::csrf::multipart_form(&ctx, mp).await?;
    let (filename, bytes) = form.file.unwrap_or_default();
    if bytes.is_empty() || bytes.len() > crate::http::sheet::MAX_UPLOAD {
        let msg = crate::http::i18n::t(ctx.lang, "in_choose_file");
        return import_page(&ctx, None, vec![msg.to_string()]);
    }
    match ops::check_sheet(&state.store, me, &filename, &bytes).await {
        Ok(c) => {
            let names = mahalle_db::places::neighborhood_names(&state.store).await?;
            let fa = ctx.lang == crate::http::ctx::Lang::Fa;
            let ready = c
                .ready
                .into_iter()
                .map(|(line, v)| {
                    let name = names
                        .iter()
                        .find(|n| n.0 == v.neighborhood_id)
                        .map(|n| {
                            if fa || n.4.is_empty() {
                                n.3.clone()
                            } else {
                                n.4.clone()
                            }
                        })
                        .unwrap_or_default();
                    let value = match &v.value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (line, v.element.to_uppercase(), name, v.period, value)
                })
                .collect();
            let checked = SheetChecked {
                payload: base64::engine::general_purpose::STANDARD.encode(&bytes),
                filename,
                rows: c.rows,
                ready,
                problems: c.errors,
            };
            import_page(&ctx, Some(checked), Vec::new())
        }
        Err(AppError::Invalid(f)) => import_page(&ctx, None, ctx.messages(f)),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ImportCommitForm {
    #[serde(default)]
    filename: String,
    #[serde(default)]
    payload: String,
}

pub async fn import_commit(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::http::csrf::CsrfUploadForm(f): crate::http::csrf::CsrfUploadForm<ImportCommitForm>,
) -> Result<Response, AppError> {
    use base64::Engine;
    let me = ctx.require_user()?;
    // Who may record is settled before what was sent is read.
    if !rules::may_enter_any(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(f.payload.as_bytes())
        .map_err(|_| AppError::BadRequest("payload".into()))?;
    match ops::commit_sheet(&state.store, me, &f.filename, &bytes).await {
        Ok(_) => Ok(Redirect::to("/indicators?imported=1").into_response()),
        Err(AppError::Invalid(fields)) => import_page(&ctx, None, ctx.messages(fields)),
        Err(e) => Err(e),
    }
}

/// The reading as a workbook: the places with the sums behind each value, and the trend.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ReadQuery>,
) -> Result<Response, AppError> {
    use crate::http::cells::{xlsx_response, xlsx_sheets, Cell, Sheet};
    ctx.require_user()?;
    let (from, to) = ops::range(q.from.as_deref(), q.to.as_deref())?;
    let r = ops::read(&state.store, id, q.district, from, to).await?;
    let p = Page::new(&ctx, "indicators", String::new());
    let fa = p.fa();
    let name = |x: &ops::ReadingRow| {
        if fa || x.name_en.is_empty() {
            x.name_fa.clone()
        } else {
            x.name_en.clone()
        }
    };
    let num = |v: Option<i64>| v.map_or(Cell::Text(String::new()), |v| Cell::Number(v as f64));
    let real = |v: Option<f64>| v.map_or(Cell::Text(String::new()), Cell::Number);
    let den = r.indicator.denominator_code.clone().unwrap_or_default();
    let headers = [
        p.t("in_place"),
        r.indicator.numerator_code.as_str(),
        den.as_str(),
        p.t("in_value"),
        p.t("in_reached"),
        p.t("in_lags"),
    ];
    let places: Vec<Vec<Cell>> = std::iter::once(&r.whole)
        .chain(&r.parts)
        .map(|x| {
            vec![
                Cell::Text(name(x)),
                num(x.numerator),
                num(x.denominator),
                real(x.value.map(|v| (v * 10.0).round() / 10.0)),
                real(x.reached.map(|v| (v * 100.0).round())),
                Cell::Text(if x.lags { p.t("yes") } else { "" }.to_string()),
            ]
        })
        .collect();
    let trend: Vec<Vec<Cell>> = r
        .series
        .iter()
        .map(|s| {
            vec![
                Cell::Text(s.period.clone()),
                real(s.value.map(|v| (v * 10.0).round() / 10.0)),
            ]
        })
        .collect();
    let trend_headers = [p.t("in_period"), p.t("in_value")];
    let bytes = xlsx_sheets(
        &[
            Sheet {
                name: p.t("in_place"),
                headers: &headers,
                rows: &places,
            },
            Sheet {
                name: p.t("in_period"),
                headers: &trend_headers,
                rows: &trend,
            },
        ],
        fa,
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    Ok(xlsx_response(&format!("{}.xlsx", r.indicator.code), bytes))
}
