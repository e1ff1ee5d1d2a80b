//! The public service catalogue: categories, response times and who handles them. For
//! administrators: small inline forms (response time, on/off), and a page per category to create
//! or edit it, its routing rules (default, per district, per neighborhood) and its extra
//! questions (Open311 attributes).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::requests::Datatype;
use mahalle_db::org::Organisation;
use mahalle_db::places::{self, District, Neighborhood};
use mahalle_db::services::{Attribute, RouteRow, Service};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::P as Path;
use crate::http::page::{render_form, Page};
use crate::services::ops::{self, AttributeInput, ServiceInput};
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
    ("sv_published", "درخواست‌ها در Open311 منتشر شوند (برای موضوع‌های حمایتی و اجتماعی خاموش بگذارید)", "Publish its requests over Open311 (leave off for welfare and social kinds)"),
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
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    active: bool,
}

/// Changes a category's response time and whether it is offered.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ServiceForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    match ops::update(&state.store, &me.principal, id, &f.sla_hours, f.active).await {
        Ok(()) => {}
        Err(AppError::Invalid(fields)) => {
            return catalogue_page(&state, &ctx, ctx.messages(fields)).await
        }
        Err(e) => return Err(e),
    }
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
    let input = ops::RouteInput {
        district_id: f.district_id,
        neighborhood_id: f.neighborhood_id,
        organisation_id: f.organisation_id,
    };
    match ops::set_route(&state.store, &me.principal, id, &input).await {
        Ok(()) => {}
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            return if f.back == "edit" {
                edit_page(&state, &ctx, id, msgs, EditForms::default()).await
            } else {
                catalogue_page(&state, &ctx, msgs).await
            };
        }
        Err(e) => return Err(e),
    }
    Ok(Redirect::to(&if f.back == "edit" {
        format!("/services/{id}/edit#routes")
    } else {
        format!("/services#service-{id}")
    })
    .into_response())
}

// ---------------------------------------------------------------- one category (administrators)

/// The forms of the category page, as sent back after a refusal.
#[derive(Default)]
pub struct EditForms {
    details: Option<ServiceInput>,
    attribute: AttributeInput,
}

#[derive(Template)]
#[template(path = "service_edit.html")]
struct EditTemplate {
    p: Page,
    service: Option<Service>,
    f: ServiceInput,
    a: AttributeInput,
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
        Some(s) => ServiceInput::from_service(s),
        None => ServiceInput {
            sla_hours: "72".into(),
            active: true,
            published: true,
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
    CsrfForm(f): CsrfForm<ServiceInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    match ops::create(&state.store, &me.principal, &f).await {
        Ok(id) => Ok(Redirect::to(&format!("/services/{id}/edit")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            let forms = EditForms {
                details: Some(f),
                ..Default::default()
            };
            edit_page(&state, &ctx, 0, msgs, forms).await
        }
        Err(e) => Err(e),
    }
}

/// Saves a category's names, texts, domain, response time and whether it is offered.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ServiceInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    match ops::save(&state.store, &me.principal, id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/services/{id}/edit")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            let forms = EditForms {
                details: Some(f),
                ..Default::default()
            };
            edit_page(&state, &ctx, id, msgs, forms).await
        }
        Err(e) => Err(e),
    }
}

/// Removes one routing rule.
pub async fn delete_route(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, route_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    ops::delete_route(&state.store, &me.principal, id, route_id).await?;
    Ok(Redirect::to(&format!("/services/{id}/edit#routes")).into_response())
}

/// Adds a question to a category.
pub async fn add_attribute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<AttributeInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    match ops::add_attribute(&state.store, &me.principal, id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/services/{id}/edit#questions")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            let forms = EditForms {
                attribute: f,
                ..Default::default()
            };
            edit_page(&state, &ctx, id, msgs, forms).await
        }
        Err(e) => Err(e),
    }
}

/// Removes a question; answers already given stay with their requests.
pub async fn remove_attribute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, attribute_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::http::extract::Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_admin()?;
    ops::remove_attribute(&state.store, &me.principal, id, attribute_id).await?;
    Ok(Redirect::to(&format!("/services/{id}/edit#questions")).into_response())
}
