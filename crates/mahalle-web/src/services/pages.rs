//! The public service catalogue: categories, response times and who handles them. For
//! administrators: small inline forms (response time, on/off), and a page per category to create
//! or edit it, its routing rules (default, per district, per neighborhood) and its extra
//! questions (Open311 attributes).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::requests::{self as rules, Datatype};
use mahalle_core::resolutions::Domain;
use mahalle_core::text;
use mahalle_core::validate::FieldError;
use mahalle_db::org::Organisation;
use mahalle_db::places::{self, District, Neighborhood};
use mahalle_db::services::{Attribute, NewAttribute, RouteRow, Service};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::P as Path;
use crate::http::page::{render_form, Page};
use crate::services::ops::{self, Change, Details};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("sv_new", "موضوع تازه", "New category"),
    ("sv_edit", "ویرایش", "Edit"),
    ("sv_details", "مشخصات موضوع", "The category"),
    ("sv_code", "کد (برای برنامه‌های Open311؛ پس از ساخت تغییر نمی‌کند)", "Code (for Open311 apps; fixed once created)"),
    ("sv_name_fa", "نام فارسی", "Persian name"),
    ("sv_name_en", "نام انگلیسی", "English name"),
    ("sv_group_fa", "گروه (فارسی)", "Group (Persian)"),
    ("sv_group_en", "گروه (انگلیسی)", "Group (English)"),
    ("sv_description_fa", "شرح (فارسی)", "Description (Persian)"),
    ("sv_description_en", "شرح (انگلیسی)", "Description (English)"),
    ("sv_keywords", "کلیدواژه‌ها (برای جست‌وجو)", "Keywords (for search)"),
    ("sv_order", "ترتیب", "Order"),
    ("sv_routes", "رسیدگی‌کننده‌ها", "Who handles it"),
    ("sv_routes_intro", "قاعده محله بر قاعده منطقه و قاعده منطقه بر پیش‌فرض مقدم است؛ بی‌هیچ قاعده‌ای، شهرداری منطقه رسیدگی می‌کند.", "A neighborhood's rule comes before its district's, and a district's before the default; with no rule, the district's municipal office handles it."),
    ("sv_where", "کجا", "Where"),
    ("sv_everywhere", "همه‌جا (پیش‌فرض)", "Everywhere (default)"),
    ("sv_neighborhood_optional", "محله (اختیاری؛ بر منطقه مقدم است)", "Neighborhood (optional; comes before the district)"),
    ("sv_add_route", "افزودن یا جایگزینی قاعده", "Add or replace a rule"),
    ("sv_remove", "حذف", "Remove"),
    ("sv_confirm_remove", "این مورد حذف شود؟", "Remove this?"),
    ("sv_questions", "پرسش‌های اضافه", "Extra questions"),
    ("sv_questions_intro", "پرسش‌هایی که فرم درخواست و برنامه‌های Open311 (تعریف خدمت) برای این موضوع می‌پرسند. پاسخ‌هایی که پیش‌تر داده شده با حذف پرسش پاک نمی‌شود.", "Questions the request form and Open311 apps (service definition) ask for this category. Removing a question keeps the answers already given."),
    ("sv_no_questions", "این موضوع پرسش اضافه‌ای ندارد.", "This category asks no extra questions."),
    ("sv_question", "پرسش", "Question"),
    ("sv_question_fa", "متن پرسش (فارسی)", "Question (Persian)"),
    ("sv_question_en", "متن پرسش (انگلیسی)", "Question (English)"),
    ("sv_answer_kind", "نوع پاسخ", "Kind of answer"),
    ("sv_choices", "گزینه‌ها (برای فهرست‌ها)، هر کدام در یک سطر: کد = نام فارسی | English", "Choices (for lists), one per line: key = Persian | English"),
    ("sv_add_question", "افزودن پرسش", "Add the question"),
    ("sv_create", "ساخت موضوع", "Create the category"),
];

pub struct CatalogueRow {
    pub service: Service,
    pub routes: Vec<RouteRow>,
}

impl CatalogueRow {
    pub fn default_route(&self) -> Option<&RouteRow> {
        self.routes
            .iter()
            .find(|r| r.district_id.is_none() && r.neighborhood_id.is_none())
    }
    pub fn overrides(&self) -> Vec<&RouteRow> {
        self.routes
            .iter()
            .filter(|r| r.district_id.is_some() || r.neighborhood_id.is_some())
            .collect()
    }
}

#[derive(Template)]
#[template(path = "services.html")]
struct CatalogueTemplate {
    p: Page,
    groups: Vec<(String, Vec<CatalogueRow>)>,
    admin: bool,
    orgs: Vec<Organisation>,
    districts: Vec<District>,
    errors: Vec<String>,
}

async fn catalogue_page(
    state: &AppState,
    ctx: &Ctx,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let admin = ctx.principal().is_some_and(|p| p.is_admin());
    let p = Page::new(
        ctx,
        "services",
        crate::http::i18n::t(ctx.lang, "rq_services"),
    );
    let mut groups: Vec<(String, Vec<CatalogueRow>)> = Vec::new();
    for s in mahalle_db::services::services(&state.store, admin).await? {
        let routes = mahalle_db::services::routes(&state.store, s.id).await?;
        let g = p.name(&s.group_fa, &s.group_en).to_string();
        let row = CatalogueRow { service: s, routes };
        match groups.iter_mut().find(|(name, _)| *name == g) {
            Some((_, list)) => list.push(row),
            None => groups.push((g, vec![row])),
        }
    }
    let (orgs, districts) = if admin {
        (
            crate::http::page::all_orgs(state).await?,
            crate::http::page::all_districts(state).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let invalid = !errors.is_empty();
    render_form(
        &CatalogueTemplate {
            p,
            groups,
            admin,
            orgs,
            districts,
            errors,
        },
        invalid,
    )
}

pub async fn catalogue(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    catalogue_page(&state, &ctx, Vec::new()).await
}

#[derive(Debug, Deserialize)]
pub struct ServiceForm {
    #[serde(default)]
    sla_hours: String,
    #[serde(default)]
    active: String,
}

/// Changes a category's response time and whether it is offered.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ServiceForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let hours = mahalle_core::text::to_latin_digits(f.sla_hours.trim())
        .parse::<i64>()
        .ok()
        .filter(|h| (1..=8760).contains(h));
    let Some(hours) = hours else {
        let msgs = ctx.messages(vec![FieldError::new(
            "sla_hours",
            "مهلت پاسخ باید عددی میان ۱ و ۸۷۶۰ ساعت باشد.",
            "The response time must be a number of hours between 1 and 8760.",
        )]);
        return catalogue_page(&state, &ctx, msgs).await;
    };
    let active = !f.active.is_empty();
    let before = mahalle_db::services::service(&state.store, id).await?;
    let change = Change::Update {
        before: &before,
        sla_hours: hours,
        active,
    };
    ops::change(&state.store, me.user.id, id, change).await?;
    Ok(Redirect::to(&format!("/services#service-{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RouteForm {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    neighborhood_id: Option<i64>,
    /// Set by the category page, which is where the form sends its errors back to.
    #[serde(default)]
    back: String,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    organisation_id: Option<i64>,
}

/// Names who handles a category in one neighborhood, one district, or everywhere.
pub async fn add_route(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RouteForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    mahalle_db::services::service(&state.store, id).await?;
    let org = match f.organisation_id {
        Some(o) => mahalle_db::org::get(&state.store, o).await.ok(),
        None => None,
    };
    let Some(org) = org else {
        let msgs = ctx.messages(vec![FieldError::new(
            "organisation_id",
            "دستگاه رسیدگی‌کننده را انتخاب کنید.",
            "Choose the organisation that handles it.",
        )]);
        return if f.back == "edit" {
            edit_page(&state, &ctx, id, msgs, EditForms::default()).await
        } else {
            catalogue_page(&state, &ctx, msgs).await
        };
    };
    // A neighborhood rule also records its district, so lists can show where it applies.
    let district_id = match f.neighborhood_id {
        Some(n) => places::get_neighborhood(&state.store, n)
            .await
            .ok()
            .map(|n| n.district_id),
        None => match f.district_id {
            Some(d) => places::get_district(&state.store, d)
                .await
                .ok()
                .map(|d| d.id),
            None => None,
        },
    };
    if district_id.is_none() && (f.neighborhood_id.is_some() || f.district_id.is_some()) {
        let msgs = ctx.messages(vec![FieldError::new(
            "district_id",
            "منطقه یا محله انتخاب‌شده پیدا نشد.",
            "The chosen district or neighborhood does not exist.",
        )]);
        return if f.back == "edit" {
            edit_page(&state, &ctx, id, msgs, EditForms::default()).await
        } else {
            catalogue_page(&state, &ctx, msgs).await
        };
    }
    // The rule this one replaces, for the audit log.
    let replaced = mahalle_db::services::routes(&state.store, id)
        .await?
        .into_iter()
        .find(|r| r.district_id == district_id && r.neighborhood_id == f.neighborhood_id);
    let change = Change::SetRoute {
        district_id,
        neighborhood_id: f.neighborhood_id,
        organisation_id: org.id,
        replaced: replaced.as_ref(),
    };
    ops::change(&state.store, me.user.id, id, change).await?;
    Ok(Redirect::to(&if f.back == "edit" {
        format!("/services/{id}/edit#routes")
    } else {
        format!("/services#service-{id}")
    })
    .into_response())
}

// ---------------------------------------------------------------- one category (administrators)

/// What the category form sends.
#[derive(Debug, Default, Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_fa: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    group_fa: String,
    #[serde(default)]
    group_en: String,
    #[serde(default)]
    description_fa: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    keywords: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    sla_hours: String,
    #[serde(default)]
    sort_order: String,
    #[serde(default)]
    active: String,
}

impl DetailsForm {
    fn from_service(s: &Service) -> DetailsForm {
        DetailsForm {
            code: s.code.clone(),
            name_fa: s.name_fa.clone(),
            name_en: s.name_en.clone(),
            group_fa: s.group_fa.clone(),
            group_en: s.group_en.clone(),
            description_fa: s.description_fa.clone(),
            description_en: s.description_en.clone(),
            keywords: s.keywords.clone(),
            domain: s.domain.clone(),
            sla_hours: s.sla_hours.to_string(),
            sort_order: s.sort_order.to_string(),
            active: if s.active { "1".into() } else { String::new() },
        }
    }
}

fn number(s: &str) -> Option<i64> {
    text::to_latin_digits(s.trim()).parse().ok()
}

fn check_details(f: &DetailsForm) -> Result<Details, Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = f.code.trim().to_string();
    if !rules::is_valid_code(&code) {
        errors.push(FieldError::new(
            "code",
            "کد موضوع ۱ تا ۴۰ حرف لاتین، رقم، خط تیره، نقطه یا زیرخط است (مانند STREET-LIGHT).",
            "The code is 1–40 Latin letters, digits, '-', '.' or '_' (like STREET-LIGHT).",
        ));
    }
    let name_fa = text::normalize(&f.name_fa);
    if name_fa.is_empty() || name_fa.chars().count() > 200 {
        errors.push(FieldError::new(
            "name_fa",
            "نام فارسی موضوع را (تا ۲۰۰ نویسه) بنویسید.",
            "Give the Persian name (up to 200 characters).",
        ));
    }
    let name_en = text::normalize(&f.name_en);
    let domain = Domain::parse(f.domain.trim()).map(Domain::as_str);
    if domain.is_none() {
        errors.push(FieldError::new(
            "domain",
            "حوزه را از فهرست انتخاب کنید.",
            "Choose a domain from the list.",
        ));
    }
    let sla_hours = number(&f.sla_hours).filter(|h| (1..=8760).contains(h));
    if sla_hours.is_none() {
        errors.push(FieldError::new(
            "sla_hours",
            "مهلت پاسخ باید عددی میان ۱ و ۸۷۶۰ ساعت باشد.",
            "The response time must be a number of hours between 1 and 8760.",
        ));
    }
    let sort_order = if f.sort_order.trim().is_empty() {
        Some(0)
    } else {
        number(&f.sort_order)
    };
    if sort_order.is_none() {
        errors.push(FieldError::new(
            "sort_order",
            "ترتیب باید عدد باشد.",
            "The order must be a number.",
        ));
    }
    let too_long = [&f.group_fa, &f.group_en, &f.keywords]
        .iter()
        .any(|v| v.chars().count() > 200)
        || [&f.description_fa, &f.description_en]
            .iter()
            .any(|v| v.chars().count() > 2000);
    if too_long {
        errors.push(FieldError::new(
            "description_fa",
            "گروه و کلیدواژه‌ها تا ۲۰۰ و شرح‌ها تا ۲۰۰۰ نویسه است.",
            "Groups and keywords take up to 200 characters, descriptions up to 2000.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Details {
        code,
        name_en: if name_en.is_empty() {
            name_fa.clone()
        } else {
            name_en
        },
        name_fa,
        group_fa: text::normalize(&f.group_fa),
        group_en: text::normalize(&f.group_en),
        description_fa: text::normalize_multiline(&f.description_fa),
        description_en: text::normalize_multiline(&f.description_en),
        keywords: text::normalize(&f.keywords),
        domain: domain.unwrap_or("other"),
        sla_hours: sla_hours.unwrap_or(1),
        sort_order: sort_order.unwrap_or(0),
        active: !f.active.is_empty(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct AttributeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    datatype: String,
    #[serde(default)]
    required: String,
    #[serde(default)]
    description_fa: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    sort_order: String,
    /// One choice per line: `key = Persian | English`.
    #[serde(default)]
    choices: String,
}

/// The forms of the category page, as sent back after a refusal.
#[derive(Default)]
pub struct EditForms {
    details: Option<DetailsForm>,
    attribute: AttributeForm,
}

#[derive(Template)]
#[template(path = "service_edit.html")]
struct EditTemplate {
    p: Page,
    service: Option<Service>,
    f: DetailsForm,
    a: AttributeForm,
    routes: Vec<RouteRow>,
    attributes: Vec<Attribute>,
    orgs: Vec<Organisation>,
    districts: Vec<District>,
    neighborhoods: Vec<Neighborhood>,
    errors: Vec<String>,
}

impl EditTemplate {
    pub fn datatypes(&self) -> Vec<(&'static str, &'static str)> {
        Datatype::ALL
            .iter()
            .map(|d| {
                (
                    d.as_str(),
                    if self.p.fa() {
                        d.label_fa()
                    } else {
                        d.label_en()
                    },
                )
            })
            .collect()
    }
    pub fn datatype_label(&self, code: &str) -> &'static str {
        match Datatype::parse(code) {
            Some(d) if self.p.fa() => d.label_fa(),
            Some(d) => d.label_en(),
            None => "",
        }
    }
    /// The district a neighborhood belongs to, for grouping the neighborhood choice.
    pub fn neighborhoods_of(&self, district: &i64) -> Vec<&Neighborhood> {
        self.neighborhoods
            .iter()
            .filter(|n| n.district_id == *district)
            .collect()
    }
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<String>,
    forms: EditForms,
) -> Result<Response, AppError> {
    ctx.require_admin()?;
    let service = if id > 0 {
        Some(mahalle_db::services::service(&state.store, id).await?)
    } else {
        None
    };
    let (routes, attributes) = match &service {
        Some(s) => (
            mahalle_db::services::routes(&state.store, s.id).await?,
            mahalle_db::services::attributes(&state.store, s.id).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let title = match &service {
        Some(s) => ctx_name(ctx, &s.name_fa, &s.name_en),
        None => crate::http::i18n::t(ctx.lang, "sv_new").to_string(),
    };
    let f = forms.details.unwrap_or_else(|| match &service {
        Some(s) => DetailsForm::from_service(s),
        None => DetailsForm {
            sla_hours: "72".into(),
            active: "1".into(),
            domain: "urban_services".into(),
            ..Default::default()
        },
    });
    let invalid = !errors.is_empty();
    render_form(
        &EditTemplate {
            p: Page::new(ctx, "services", title),
            f,
            a: forms.attribute,
            orgs: crate::http::page::all_orgs(state).await?,
            districts: crate::http::page::all_districts(state).await?,
            neighborhoods: places::all_neighborhoods(&state.store).await?,
            service,
            routes,
            attributes,
            errors,
        },
        invalid,
    )
}

fn ctx_name(ctx: &Ctx, fa: &str, en: &str) -> String {
    if ctx.lang == crate::http::ctx::Lang::Fa || en.is_empty() {
        fa.to_string()
    } else {
        en.to_string()
    }
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    edit_page(&state, &ctx, 0, Vec::new(), EditForms::default()).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    edit_page(&state, &ctx, id, Vec::new(), EditForms::default()).await
}

/// Creates a category; it starts without routing rules (the district's office handles it).
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<DetailsForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let mut checked = check_details(&f);
    if let Ok(d) = &checked {
        if mahalle_db::services::service_by_code(&state.store, &d.code)
            .await?
            .is_some()
        {
            checked = Err(vec![FieldError::new(
                "code",
                "موضوعی با این کد هست؛ کد دیگری انتخاب کنید.",
                "A category has this code already; choose another.",
            )]);
        }
    }
    let d = match checked {
        Ok(d) => d,
        Err(fields) => {
            let msgs = ctx.messages(fields);
            let forms = EditForms {
                details: Some(f),
                ..Default::default()
            };
            return edit_page(&state, &ctx, 0, msgs, forms).await;
        }
    };
    let id = ops::create(&state.store, me.user.id, &d).await?;
    Ok(Redirect::to(&format!("/services/{id}/edit")).into_response())
}

/// Saves a category's names, texts, domain, response time and whether it is offered.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(mut f): CsrfForm<DetailsForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let before = mahalle_db::services::service(&state.store, id).await?;
    f.code = before.code.clone();
    let d = match check_details(&f) {
        Ok(d) => d,
        Err(fields) => {
            let msgs = ctx.messages(fields);
            let forms = EditForms {
                details: Some(f),
                ..Default::default()
            };
            return edit_page(&state, &ctx, id, msgs, forms).await;
        }
    };
    let change = Change::Save {
        before: &before,
        details: &d,
    };
    ops::change(&state.store, me.user.id, id, change).await?;
    Ok(Redirect::to(&format!("/services/{id}/edit")).into_response())
}

/// Removes one routing rule.
pub async fn delete_route(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, route_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let before = mahalle_db::services::routes(&state.store, id)
        .await?
        .into_iter()
        .find(|r| r.id == route_id)
        .ok_or(AppError::NotFound)?;
    ops::change(
        &state.store,
        me.user.id,
        id,
        Change::DeleteRoute { route: &before },
    )
    .await?;
    Ok(Redirect::to(&format!("/services/{id}/edit#routes")).into_response())
}

fn check_attribute(
    f: &AttributeForm,
    existing: &[Attribute],
) -> Result<(Datatype, Vec<rules::Choice>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = f.code.trim();
    if !rules::is_valid_code(code) {
        errors.push(FieldError::new(
            "code",
            "کد پرسش ۱ تا ۴۰ حرف لاتین، رقم، خط تیره، نقطه یا زیرخط است.",
            "The question's code is 1–40 Latin letters, digits, '-', '.' or '_'.",
        ));
    } else if existing.iter().any(|a| a.code == code) {
        errors.push(FieldError::new(
            "code",
            "این موضوع پرسشی با همین کد دارد.",
            "This category has a question with this code already.",
        ));
    }
    let datatype = Datatype::parse(f.datatype.trim());
    if datatype.is_none() {
        errors.push(FieldError::new(
            "datatype",
            "نوع پاسخ را انتخاب کنید.",
            "Choose the kind of answer.",
        ));
    }
    if text::normalize(&f.description_fa).is_empty() {
        errors.push(FieldError::new(
            "description_fa",
            "متن فارسی پرسش را بنویسید.",
            "Write the question in Persian.",
        ));
    }
    if !f.sort_order.trim().is_empty() && number(&f.sort_order).is_none() {
        errors.push(FieldError::new(
            "sort_order",
            "ترتیب باید عدد باشد.",
            "The order must be a number.",
        ));
    }
    let is_list = matches!(
        datatype,
        Some(Datatype::SingleValueList | Datatype::MultiValueList)
    );
    let choices = match rules::parse_choice_lines(&f.choices) {
        Ok(c) if is_list && c.is_empty() => {
            errors.push(FieldError::new(
                "choices",
                "برای پرسش چندگزینه‌ای دست‌کم یک گزینه بنویسید، هر کدام در یک سطر.",
                "A list question needs at least one choice, one per line.",
            ));
            Vec::new()
        }
        Ok(c) if is_list => c,
        Ok(_) => Vec::new(),
        Err(line) if is_list => {
            errors.push(FieldError::new(
                "choices",
                format!(
                    "گزینه سطر {} درست نیست: «کد = نام فارسی | English»؛ کد لاتین و تکراری‌نبودن.",
                    text::to_persian_digits(&line.to_string())
                ),
                format!("Choice on line {line} is not «key = Persian | English» with a unique Latin key."),
            ));
            Vec::new()
        }
        Err(_) => Vec::new(),
    };
    match datatype {
        Some(d) if errors.is_empty() => Ok((d, choices)),
        _ => Err(errors),
    }
}

/// Adds a question to a category.
pub async fn add_attribute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<AttributeForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    mahalle_db::services::service(&state.store, id).await?;
    let existing = mahalle_db::services::attributes(&state.store, id).await?;
    let (datatype, choices) = match check_attribute(&f, &existing) {
        Ok(x) => x,
        Err(fields) => {
            let msgs = ctx.messages(fields);
            let forms = EditForms {
                attribute: f,
                ..Default::default()
            };
            return edit_page(&state, &ctx, id, msgs, forms).await;
        }
    };
    let values: Vec<(&str, &str, &str)> = choices
        .iter()
        .map(|(k, fa, en)| (k.as_str(), fa.as_str(), en.as_str()))
        .collect();
    let description_fa = text::normalize(&f.description_fa);
    let description_en = text::normalize(&f.description_en);
    let sort_order = number(&f.sort_order).unwrap_or(existing.len() as i64 + 1);
    let attribute = NewAttribute {
        code: f.code.trim(),
        datatype,
        required: !f.required.is_empty(),
        description_fa: &description_fa,
        description_en: &description_en,
        sort_order,
        values: &values,
    };
    let change = Change::AddAttribute {
        attribute: &attribute,
        choices: choices.len(),
    };
    ops::change(&state.store, me.user.id, id, change).await?;
    Ok(Redirect::to(&format!("/services/{id}/edit#questions")).into_response())
}

/// Removes a question; answers already given stay with their requests.
pub async fn remove_attribute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, attribute_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    let removed = mahalle_db::services::attributes(&state.store, id)
        .await?
        .into_iter()
        .find(|a| a.id == attribute_id)
        .ok_or(AppError::NotFound)?;
    let change = Change::RemoveAttribute {
        attribute: &removed,
    };
    ops::change(&state.store, me.user.id, id, change).await?;
    Ok(Redirect::to(&format!("/services/{id}/edit#questions")).into_response())
}
