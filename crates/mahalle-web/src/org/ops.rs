//! Keeping the registry of organisations, shared by pages and the API. Administrators keep every
//! organisation; a district mayor those of their district (a neighborhood's organisations
//! belong to its district). Each change is checked whole and written with its audit row.

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::org::{self as rules, OrgKind};
use mahalle_core::text;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::org::{self, NewOrg, Organisation};
use mahalle_db::registry::{self, Record};
use mahalle_db::{audit, places, DbError, Store};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::extract::text_or_number;

/// An organisation as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct OrgInput {
    /// Like `AG-WATER`, unique.
    #[serde(default)]
    pub code: String,
    /// council, headquarters, municipality, deputy, department, district_office, agency,
    /// institution or neighborhood_council
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name_fa: String,
    #[serde(default)]
    pub name_en: String,
    /// The organisation above it.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: String,
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub district_id: String,
    /// For a neighborhood council (its district follows from it).
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub neighborhood_id: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub website: String,
}

impl OrgInput {
    pub fn from_org(o: &Organisation) -> OrgInput {
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        OrgInput {
            code: o.code.clone(),
            kind: o.kind.clone(),
            name_fa: o.name_fa.clone(),
            name_en: o.name_en.clone(),
            parent_id: id(o.parent_id),
            district_id: id(o.district_id),
            neighborhood_id: id(o.neighborhood_id),
            phone: o.phone.clone(),
            email: o.email.clone(),
            address: o.address.clone(),
            website: o.website.clone(),
        }
    }
}

/// A checked form.
struct OrgForm {
    code: String,
    kind: OrgKind,
    name_fa: String,
    name_en: String,
    parent_id: Option<i64>,
    district_id: Option<i64>,
    neighborhood_id: Option<i64>,
    phone: String,
    email: String,
    address: String,
    website: String,
}

impl OrgForm {
    fn as_new(&self) -> NewOrg<'_> {
        NewOrg {
            code: &self.code,
            kind: self.kind,
            name_fa: &self.name_fa,
            name_en: &self.name_en,
            parent_id: self.parent_id,
            district_id: self.district_id,
            neighborhood_id: self.neighborhood_id,
            phone: &self.phone,
            email: &self.email,
            address: &self.address,
            website: &self.website,
        }
    }
    fn json(&self) -> serde_json::Value {
        json!({"code": self.code, "kind": self.kind.as_str(), "name_fa": self.name_fa, "name_en": self.name_en,
               "parent_id": self.parent_id, "district_id": self.district_id, "neighborhood_id": self.neighborhood_id,
               "phone": self.phone, "email": self.email, "address": self.address, "website": self.website})
    }
}

fn before_json(o: &Organisation) -> serde_json::Value {
    json!({"code": o.code, "kind": o.kind, "name_fa": o.name_fa, "name_en": o.name_en,
           "parent_id": o.parent_id, "district_id": o.district_id, "neighborhood_id": o.neighborhood_id,
           "phone": o.phone, "email": o.email, "address": o.address, "website": o.website})
}

fn id_field(field: &'static str, s: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let t = text::to_latin_digits(s.trim());
    if t.is_empty() {
        return None;
    }
    match t.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "گزینه‌ای از فهرست انتخاب کنید.",
                "Choose from the list.",
            ));
            None
        }
    }
}

fn gone(field: &'static str) -> FieldError {
    FieldError::new(
        field,
        "چنین موردی نیست یا بایگانی شده است؛ از فهرست انتخاب کنید.",
        "There is no such current record; choose from the list.",
    )
}

/// Checks the form, and that `who` keeps the district it places the organisation in.
async fn check(
    store: &Store,
    who: &Principal,
    f: &OrgInput,
    id: Option<i64>,
) -> Result<OrgForm, AppError> {
    let mut errors = Vec::new();
    let code = rules::code(&f.code).map_err(|e| errors.push(e)).ok();
    let kind = OrgKind::parse(f.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "نوع سازمان را از فهرست انتخاب کنید.",
            "Choose the kind of organisation.",
        ));
    }
    let name_fa = validate::required_text("name_fa", &f.name_fa, 300)
        .map_err(|_| {
            errors.push(FieldError::new(
                "name_fa",
                "نام فارسی را (تا ۳۰۰ نویسه) بنویسید.",
                "Give the Persian name (up to 300 characters).",
            ))
        })
        .unwrap_or_default();
    let name_en = text::normalize(&f.name_en);
    let parent_id = id_field("parent_id", &f.parent_id, &mut errors);
    let mut district_id = id_field("district_id", &f.district_id, &mut errors);
    let neighborhood_id = id_field("neighborhood_id", &f.neighborhood_id, &mut errors);
    let phone = validate::optional_phone(&f.phone)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let email = validate::optional_email(&f.email)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let address = text::normalize(&f.address);
    let website = f.website.trim().to_string();
    let web_address = website.starts_with("https://") || website.starts_with("http://");
    if !(website.is_empty() || web_address)
        || website.len() > 300
        || website.contains(char::is_whitespace)
    {
        errors.push(FieldError::new(
            "website",
            "نشانی وب‌سایت با https:// یا http:// آغاز می‌شود.",
            "A website address starts with https:// or http://.",
        ));
    }
    if address.chars().count() > 500 || name_en.chars().count() > 300 {
        errors.push(FieldError::new(
            "address",
            "نام انگلیسی تا ۳۰۰ و نشانی تا ۵۰۰ نویسه است.",
            "The English name takes up to 300 characters, the address up to 500.",
        ));
    }
    // A neighborhood places the organisation in its district.
    if let Some(n) = neighborhood_id {
        match places::get_neighborhood(store, n).await {
            Ok(n) if n.retired_on.is_none() => district_id = Some(n.district_id),
            Ok(_) | Err(DbError::NotFound) => errors.push(gone("neighborhood_id")),
            Err(e) => return Err(e.into()),
        }
    } else if let Some(d) = district_id {
        match places::get_district(store, d).await {
            Ok(d) if d.retired_on.is_none() => {}
            Ok(_) | Err(DbError::NotFound) => errors.push(gone("district_id")),
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(p) = parent_id {
        match org::get(store, p).await {
            Ok(parent) if parent.retired_on.is_some() => errors.push(gone("parent_id")),
            Ok(_) => {
                if let Some(me) = id {
                    if p == me || org::ancestors(store, p).await?.contains(&me) {
                        errors.push(FieldError::new(
                            "parent_id",
                            "سازمانی نمی‌تواند زیرمجموعه خود یا زیرمجموعه‌هایش باشد.",
                            "An organisation cannot sit under itself or one of its own units.",
                        ));
                    }
                }
            }
            Err(DbError::NotFound) => errors.push(gone("parent_id")),
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(k) = kind {
        if let Err(e) = rules::check_placement(k, district_id, neighborhood_id) {
            errors.push(e);
        }
    }
    if let Some(c) = &code {
        if org::code_taken(store, c, id).await? {
            errors.push(FieldError::new(
                "code",
                "سازمانی دیگر این کد را دارد.",
                "Another organisation has this code.",
            ));
        }
    }
    if kind == Some(OrgKind::NeighborhoodCouncil) {
        if let Some(n) = neighborhood_id {
            if let Some(c) = org::council_of_neighborhood(store, n).await? {
                if Some(c.id) != id {
                    errors.push(FieldError::new(
                        "neighborhood_id",
                        "این محله شورایاری دارد.",
                        "This neighborhood has its council already.",
                    ));
                }
            }
        }
    }
    if errors.is_empty() && !who.keeps_registry(district_id) {
        return Err(AppError::Forbidden);
    }
    match (code, kind) {
        (Some(code), Some(kind)) if errors.is_empty() => Ok(OrgForm {
            code,
            kind,
            name_en: if name_en.is_empty() {
                name_fa.clone()
            } else {
                name_en
            },
            name_fa,
            parent_id,
            district_id,
            neighborhood_id,
            phone,
            email,
            address,
            website,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The district an organisation belongs to, for deciding who keeps it.
async fn district_of(store: &Store, o: &Organisation) -> Result<Option<i64>, AppError> {
    Ok(match (o.district_id, o.neighborhood_id) {
        (Some(d), _) => Some(d),
        (None, Some(n)) => Some(places::get_neighborhood(store, n).await?.district_id),
        (None, None) => None,
    })
}

/// Whether `who` may change this organisation (for offering the forms).
pub async fn may_keep(store: &Store, who: &Principal, o: &Organisation) -> Result<bool, AppError> {
    Ok(who.keeps_registry(district_of(store, o).await?))
}

/// Creates an organisation. Returns its id.
pub async fn create(store: &Store, who: &Principal, input: &OrgInput) -> Result<i64, AppError> {
    if !who.keeps_any_registry() {
        return Err(AppError::Forbidden);
    }
    let f = &check(store, who, input, None).await?;
    let user = who.user_id;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = org::create(tx, &f.as_new(), now).await?;
                audit::log(tx, user, "create", "organisation", id, None, Some(f.json())).await?;
                Ok(id)
            })
        })
        .await
}

/// Saves an organisation's details; one kept by a district stays in districts its author keeps.
pub async fn save(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &OrgInput,
) -> Result<(), AppError> {
    let before = org::get(store, id).await?;
    if !may_keep(store, who, &before).await? {
        return Err(AppError::Forbidden);
    }
    let f = &check(store, who, input, Some(id)).await?;
    let was = before_json(&before);
    let was = &was;
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                org::update(tx, id, &f.as_new()).await?;
                Ok(audit::log(
                    tx,
                    user,
                    "update",
                    "organisation",
                    id,
                    Some(was.clone()),
                    Some(f.json()),
                )
                .await?)
            })
        })
        .await
}

/// Retires an organisation (or reinstates it). Its resolutions, memberships and history stay;
/// it is no longer offered as a lead, partner, parent or handler.
pub async fn retire(store: &Store, who: &Principal, id: i64, retire: bool) -> Result<(), AppError> {
    let o = org::get(store, id).await?;
    if !may_keep(store, who, &o).await? {
        return Err(AppError::Forbidden);
    }
    let on = retire.then(crate::today);
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                registry::set_retired(tx, Record::Organisation, id, on, Some(user)).await?;
                Ok(())
            })
        })
        .await
}
