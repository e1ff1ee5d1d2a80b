//! Keeping the partner places, shared by pages and the API: whoever keeps the neighborhood's
//! district's registry (administrators everywhere) adds, edits and retires them; each change is
//! checked whole and written with its audit row.

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::partners::{self as rules, PartnerKind};
use mahalle_core::text;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::partners::{self, PartnerFields, PartnerPlace};
use mahalle_db::registry::{self, Record};
use mahalle_db::{audit, Store};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::extract::{parse_date, text_or_number};

/// A partner place as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PartnerInput {
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = i64)]
    pub neighborhood_id: String,
    /// mosque, school, university, cultural_centre, health_house, library, sports or other
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name_fa: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<f64>)]
    pub lat: String,
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<f64>)]
    pub lon: String,
    /// The day it was designated a model place (Jalali or ISO); empty if it is not one.
    #[serde(default)]
    pub model_since: String,
}

impl PartnerInput {
    pub fn from_place(p: &PartnerPlace, jalali: impl Fn(chrono::NaiveDate) -> String) -> Self {
        PartnerInput {
            neighborhood_id: p.neighborhood_id.to_string(),
            kind: p.kind.clone(),
            name_fa: p.name_fa.clone(),
            name_en: p.name_en.clone(),
            address: p.address.clone(),
            phone: p.phone.clone(),
            lat: p.lat.map(|v| v.to_string()).unwrap_or_default(),
            lon: p.lon.map(|v| v.to_string()).unwrap_or_default(),
            model_since: p.model_since.map(jalali).unwrap_or_default(),
        }
    }
}

struct Checked {
    neighborhood_id: i64,
    district_id: i64,
    kind: PartnerKind,
    name_fa: String,
    name_en: String,
    address: String,
    phone: String,
    location: Option<(f64, f64)>,
    model_since: Option<chrono::NaiveDate>,
}

impl Checked {
    fn fields(&self) -> PartnerFields<'_> {
        PartnerFields {
            neighborhood_id: self.neighborhood_id,
            district_id: self.district_id,
            kind: self.kind.as_str(),
            name_fa: &self.name_fa,
            name_en: &self.name_en,
            address: &self.address,
            phone: &self.phone,
            location: self.location,
            model_since: self.model_since,
        }
    }
    fn json(&self) -> serde_json::Value {
        json!({"neighborhood_id": self.neighborhood_id, "kind": self.kind.as_str(), "name_fa": self.name_fa,
               "name_en": self.name_en, "address": self.address, "phone": self.phone,
               "location": self.location, "model_since": self.model_since})
    }
}

async fn check(store: &Store, who: &Principal, f: &PartnerInput) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    let neighborhood = crate::http::form::current_neighborhood(store, &f.neighborhood_id).await?;
    if neighborhood.is_none() {
        errors.push(crate::http::form::choose_neighborhood());
    }
    let kind = PartnerKind::parse(f.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "نوع مکان را از فهرست انتخاب کنید.",
            "Choose the kind of place.",
        ));
    }
    let name_fa = validate::required_text("name_fa", &f.name_fa, 300)
        .map_err(|_| {
            errors.push(FieldError::new(
                "name_fa",
                "نام فارسی مکان را (تا ۳۰۰ نویسه) بنویسید.",
                "Give the place's Persian name (up to 300 characters).",
            ))
        })
        .unwrap_or_default();
    let name_en = text::normalize(&f.name_en);
    let address = text::normalize(&f.address);
    if address.chars().count() > 500 || name_en.chars().count() > 300 {
        errors.push(FieldError::new(
            "address",
            "نام لاتین تا ۳۰۰ و نشانی تا ۵۰۰ نویسه است.",
            "The Latin name takes up to 300 characters, the address up to 500.",
        ));
    }
    let phone = validate::optional_phone(&f.phone)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let (a, b, c, d) = mahalle_core::geo::bounds();
    let location = rules::location(&f.lat, &f.lon, Some((a - 0.3, b - 0.3, c + 0.3, d + 0.3)))
        .map_err(|e| errors.push(e))
        .unwrap_or(None);
    let model_since = if f.model_since.trim().is_empty() {
        None
    } else {
        parse_date("model_since", &f.model_since)
            .map_err(|e| errors.extend(e.fields()))
            .ok()
    };
    if model_since.is_some_and(|d| d > crate::today()) {
        errors.push(FieldError::new(
            "model_since",
            "تاریخ آرمانی‌شدن نمی‌تواند در آینده باشد.",
            "The model designation cannot be in the future.",
        ));
    }
    match (neighborhood, kind) {
        (Some(n), Some(kind)) if errors.is_empty() => {
            if !who.keeps_registry(Some(n.district_id)) {
                return Err(AppError::Forbidden);
            }
            Ok(Checked {
                neighborhood_id: n.id,
                district_id: n.district_id,
                kind,
                name_en: if name_en.is_empty() {
                    name_fa.clone()
                } else {
                    name_en
                },
                name_fa,
                address,
                phone,
                location,
                model_since,
            })
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Whether `who` keeps this place (for offering the forms).
pub fn may_keep(who: &Principal, p: &PartnerPlace) -> bool {
    who.keeps_registry(Some(p.district_id))
}

pub async fn create(store: &Store, who: &Principal, input: &PartnerInput) -> Result<i64, AppError> {
    if !who.keeps_any_registry() {
        return Err(AppError::Forbidden);
    }
    let c = &check(store, who, input).await?;
    let user = who.user_id;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = partners::create(tx, &c.fields(), now).await?;
                audit::log(
                    tx,
                    user,
                    "create",
                    "partner_place",
                    id,
                    None,
                    Some(c.json()),
                )
                .await?;
                Ok(id)
            })
        })
        .await
}

/// Saves a place; moving it to another district needs both districts to be the author's.
pub async fn save(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &PartnerInput,
) -> Result<(), AppError> {
    let before = partners::get(store, id).await?;
    if !may_keep(who, &before) {
        return Err(AppError::Forbidden);
    }
    let c = &check(store, who, input).await?;
    let was = &json!({"neighborhood_id": before.neighborhood_id, "kind": before.kind, "name_fa": before.name_fa,
                      "model_since": before.model_since, "location": before.lat.zip(before.lon)});
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                partners::update(tx, id, &c.fields()).await?;
                Ok(audit::log(
                    tx,
                    user,
                    "update",
                    "partner_place",
                    id,
                    Some(was.clone()),
                    Some(c.json()),
                )
                .await?)
            })
        })
        .await
}

pub async fn retire(store: &Store, who: &Principal, id: i64, retire: bool) -> Result<(), AppError> {
    let p = partners::get(store, id).await?;
    if !may_keep(who, &p) {
        return Err(AppError::Forbidden);
    }
    let on = retire.then(crate::today);
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                registry::set_retired(tx, Record::PartnerPlace, id, on, Some(user)).await?;
                Ok(())
            })
        })
        .await
}
