//! The service catalogue's rules and changes, shared by pages and the API. Each change is
//! checked (every field's error at once) and allowed to administrators only, then written with
//! its audit row in one transaction.

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::domain::Domain;
use mahalle_core::requests::{self as rules, Datatype};
use mahalle_core::text;
use mahalle_core::validate::FieldError;
use mahalle_db::services::{
    self as catalogue, Attribute, NewAttribute, NewService, RouteRow, Service,
};
use mahalle_db::{audit, places, Store};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::extract::{flag, text_or_number};

/// A category as its form or the API sends it; numbers may come as text (Persian digits too).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ServiceInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_fa: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub group_fa: String,
    #[serde(default)]
    pub group_en: String,
    #[serde(default)]
    pub description_fa: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub keywords: String,
    #[serde(default)]
    pub domain: String,
    /// Hours to answer, 1–8760.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = i64)]
    pub sla_hours: String,
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = i64)]
    pub sort_order: String,
    /// Offered to citizens.
    #[serde(default, deserialize_with = "flag")]
    pub active: bool,
    /// Its requests are published over Open311 (leave off for welfare and social kinds).
    #[serde(default, deserialize_with = "flag")]
    pub published: bool,
}

impl ServiceInput {
    pub fn from_service(s: &Service) -> ServiceInput {
        ServiceInput {
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
            active: s.active,
            published: s.published,
        }
    }
}

fn number(s: &str) -> Option<i64> {
    text::to_latin_digits(s.trim()).parse().ok()
}

fn check_details(f: &ServiceInput) -> Result<Details, Vec<FieldError>> {
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
        active: f.active,
        published: f.published,
    })
}

/// A question as its form or the API sends it.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AttributeInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub datatype: String,
    #[serde(default, deserialize_with = "flag")]
    pub required: bool,
    #[serde(default)]
    pub description_fa: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub sort_order: String,
    /// One choice per line: `key = Persian | English`.
    #[serde(default)]
    pub choices: String,
}

fn check_attribute(
    f: &AttributeInput,
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

/// A checked category form: (names and texts, response hours, active).
pub struct Details {
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub group_fa: String,
    pub group_en: String,
    pub description_fa: String,
    pub description_en: String,
    pub keywords: String,
    pub domain: &'static str,
    pub sla_hours: i64,
    pub sort_order: i64,
    pub active: bool,
    pub published: bool,
}

impl Details {
    pub fn as_new(&self) -> NewService<'_> {
        NewService {
            code: &self.code,
            name_fa: &self.name_fa,
            name_en: &self.name_en,
            group_fa: &self.group_fa,
            group_en: &self.group_en,
            description_fa: &self.description_fa,
            description_en: &self.description_en,
            keywords: &self.keywords,
            domain: self.domain,
            sla_hours: self.sla_hours,
            sort_order: self.sort_order,
            published: self.published,
        }
    }
}

/// One change to a category.
enum Change<'a> {
    /// Response time and whether it is offered.
    Update {
        before: &'a Service,
        sla_hours: i64,
        active: bool,
    },
    /// Everything the edit form holds.
    Save {
        before: &'a Service,
        details: &'a Details,
    },
    /// Who handles it in a neighborhood, a district or everywhere.
    SetRoute {
        district_id: Option<i64>,
        neighborhood_id: Option<i64>,
        organisation_id: i64,
        replaced: Option<&'a RouteRow>,
    },
    DeleteRoute {
        route: &'a RouteRow,
    },
    AddAttribute {
        attribute: &'a NewAttribute<'a>,
        choices: usize,
    },
    RemoveAttribute {
        attribute: &'a Attribute,
    },
}

fn require_admin(who: &Principal) -> Result<(), AppError> {
    if who.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Checks and creates a category; it starts without routing rules (the district's office
/// handles it). Returns its id.
pub async fn create(store: &Store, who: &Principal, input: &ServiceInput) -> Result<i64, AppError> {
    require_admin(who)?;
    let d = &check_details(input).map_err(AppError::Invalid)?;
    if catalogue::service_by_code(store, &d.code).await?.is_some() {
        return Err(AppError::invalid(
            "code",
            "موضوعی با این کد هست؛ کد دیگری انتخاب کنید.",
            "A category has this code already; choose another.",
        ));
    }
    let user_id = who.user_id;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = mahalle_db::services::create_service(tx, &d.as_new(), now).await?;
                if !d.active {
                    mahalle_db::services::update_service(tx, id, d.sla_hours, false, now).await?;
                }
                audit_service(
                    tx,
                    user_id,
                    id,
                    "create",
                    None,
                    Some(json!({"code": d.code, "name_fa": d.name_fa, "sla_hours": d.sla_hours})),
                )
                .await?;
                Ok(id)
            })
        })
        .await
}

/// Saves a category's names, texts, domain, response time and whether it is offered; its code
/// stays.
pub async fn save(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &ServiceInput,
) -> Result<(), AppError> {
    require_admin(who)?;
    let before = catalogue::service(store, id).await?;
    let d = check_details(&ServiceInput {
        code: before.code.clone(),
        ..input.clone()
    })
    .map_err(AppError::Invalid)?;
    let details = &d;
    change(
        store,
        who.user_id,
        id,
        Change::Save {
            before: &before,
            details,
        },
    )
    .await
}

/// Changes a category's response time (hours, as typed) and whether it is offered.
pub async fn update(
    store: &Store,
    who: &Principal,
    id: i64,
    sla_hours: &str,
    active: bool,
) -> Result<(), AppError> {
    require_admin(who)?;
    let Some(sla_hours) = number(sla_hours).filter(|h| (1..=8760).contains(h)) else {
        return Err(AppError::invalid(
            "sla_hours",
            "مهلت پاسخ باید عددی میان ۱ و ۸۷۶۰ ساعت باشد.",
            "The response time must be a number of hours between 1 and 8760.",
        ));
    };
    let before = catalogue::service(store, id).await?;
    change(
        store,
        who.user_id,
        id,
        Change::Update {
            before: &before,
            sla_hours,
            active,
        },
    )
    .await
}

/// Where a routing rule applies (a neighborhood, a district, or everywhere) and who handles it.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RouteInput {
    pub district_id: Option<i64>,
    /// Comes before the district; its district is recorded with it.
    pub neighborhood_id: Option<i64>,
    pub organisation_id: Option<i64>,
}

/// Names who handles a category in one neighborhood, one district, or everywhere, replacing the
/// rule for the same place.
pub async fn set_route(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &RouteInput,
) -> Result<(), AppError> {
    require_admin(who)?;
    catalogue::service(store, id).await?;
    let org = match input.organisation_id {
        Some(o) => mahalle_db::org::get(store, o).await.ok(),
        None => None,
    };
    let Some(org) = org else {
        return Err(AppError::invalid(
            "organisation_id",
            "دستگاه رسیدگی‌کننده را انتخاب کنید.",
            "Choose the organisation that handles it.",
        ));
    };
    // A neighborhood rule also records its district, so lists can show where it applies.
    let district_id = match input.neighborhood_id {
        Some(n) => places::get_neighborhood(store, n)
            .await
            .ok()
            .map(|n| n.district_id),
        None => match input.district_id {
            Some(d) => places::get_district(store, d).await.ok().map(|d| d.id),
            None => None,
        },
    };
    if district_id.is_none() && (input.neighborhood_id.is_some() || input.district_id.is_some()) {
        return Err(AppError::invalid(
            "district_id",
            "منطقه یا محله انتخاب‌شده پیدا نشد.",
            "The chosen district or neighborhood does not exist.",
        ));
    }
    // The rule this one replaces, for the audit log.
    let replaced = catalogue::routes(store, id)
        .await?
        .into_iter()
        .find(|r| r.district_id == district_id && r.neighborhood_id == input.neighborhood_id);
    let change_ = Change::SetRoute {
        district_id,
        neighborhood_id: input.neighborhood_id,
        organisation_id: org.id,
        replaced: replaced.as_ref(),
    };
    change(store, who.user_id, id, change_).await
}

/// Removes one routing rule.
pub async fn delete_route(
    store: &Store,
    who: &Principal,
    id: i64,
    route_id: i64,
) -> Result<(), AppError> {
    require_admin(who)?;
    let route = catalogue::routes(store, id)
        .await?
        .into_iter()
        .find(|r| r.id == route_id)
        .ok_or(AppError::NotFound)?;
    change(
        store,
        who.user_id,
        id,
        Change::DeleteRoute { route: &route },
    )
    .await
}

/// Checks and adds a question to a category.
pub async fn add_attribute(
    store: &Store,
    who: &Principal,
    id: i64,
    f: &AttributeInput,
) -> Result<(), AppError> {
    require_admin(who)?;
    catalogue::service(store, id).await?;
    let existing = catalogue::attributes(store, id).await?;
    let (datatype, choices) = check_attribute(f, &existing).map_err(AppError::Invalid)?;
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
        required: f.required,
        description_fa: &description_fa,
        description_en: &description_en,
        sort_order,
        values: &values,
    };
    let change_ = Change::AddAttribute {
        attribute: &attribute,
        choices: choices.len(),
    };
    change(store, who.user_id, id, change_).await
}

/// Removes a question; answers already given stay with their requests.
pub async fn remove_attribute(
    store: &Store,
    who: &Principal,
    id: i64,
    attribute_id: i64,
) -> Result<(), AppError> {
    require_admin(who)?;
    let attribute = catalogue::attributes(store, id)
        .await?
        .into_iter()
        .find(|a| a.id == attribute_id)
        .ok_or(AppError::NotFound)?;
    change(
        store,
        who.user_id,
        id,
        Change::RemoveAttribute {
            attribute: &attribute,
        },
    )
    .await
}

/// Applies one change to category `id`. `NotFound` when the route or question to remove is gone.
async fn change(store: &Store, user_id: i64, id: i64, change: Change<'_>) -> Result<(), AppError> {
    let change = &change;
    store
        .write(|tx, _| {
            Box::pin(async move {
                let now = Utc::now();
                let (action, before, after) = match *change {
                    Change::Update { before, sla_hours, active } => {
                        mahalle_db::services::update_service(tx, id, sla_hours, active, now).await?;
                        (
                            "update",
                            Some(json!({"sla_hours": before.sla_hours, "active": before.active})),
                            Some(json!({"sla_hours": sla_hours, "active": active})),
                        )
                    }
                    Change::Save { before, details: d } => {
                        mahalle_db::services::edit_service(tx, id, &d.as_new(), now).await?;
                        mahalle_db::services::update_service(tx, id, d.sla_hours, d.active, now).await?;
                        (
                            "update",
                            Some(json!(before)),
                            Some(json!({
                                "name_fa": d.name_fa, "name_en": d.name_en, "group_fa": d.group_fa,
                                "group_en": d.group_en, "domain": d.domain, "sla_hours": d.sla_hours,
                                "active": d.active, "published": d.published, "keywords": d.keywords
                            })),
                        )
                    }
                    Change::SetRoute { district_id, neighborhood_id, organisation_id, replaced } => {
                        mahalle_db::services::set_route(tx, id, district_id, neighborhood_id, organisation_id)
                            .await?;
                        (
                            "set_route",
                            replaced.map(|r| json!(r)),
                            Some(json!({
                                "district_id": district_id,
                                "neighborhood_id": neighborhood_id,
                                "organisation_id": organisation_id
                            })),
                        )
                    }
                    Change::DeleteRoute { route } => {
                        if !mahalle_db::services::delete_route(tx, id, route.id).await? {
                            return Err(AppError::NotFound);
                        }
                        ("delete_route", Some(json!(route)), None)
                    }
                    Change::AddAttribute { attribute, choices } => {
                        let attribute_id = mahalle_db::services::add_attribute(tx, id, attribute).await?;
                        (
                            "add_attribute",
                            None,
                            Some(json!({
                                "attribute_id": attribute_id, "code": attribute.code,
                                "datatype": attribute.datatype.as_str(), "choices": choices
                            })),
                        )
                    }
                    Change::RemoveAttribute { attribute } => {
                        if !mahalle_db::services::remove_attribute(tx, id, attribute.id).await? {
                            return Err(AppError::NotFound);
                        }
                        ("remove_attribute", Some(json!(attribute)), None)
                    }
                };
                audit_service(tx, user_id, id, action, before, after).await
            })
        })
        .await
}

/// One catalogue change in the audit log, in the transaction that makes it.
async fn audit_service(
    tx: &mut mahalle_db::Tx,
    user_id: i64,
    service_id: i64,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), AppError> {
    audit::record(
        tx,
        audit::Change {
            user_id: Some(user_id),
            action,
            entity: "service",
            entity_id: Some(service_id),
            before,
            after,
        },
    )
    .await?;
    Ok(())
}
