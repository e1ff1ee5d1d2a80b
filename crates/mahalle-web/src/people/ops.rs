//! Keeping the registry of people, shared by pages and the API. Administrators keep everyone; a
//! district mayor the people their district keeps, and people the city keeps who serve in their
//! district (a council seat, a pillar role). Contact details are shown to the municipality's
//! staff only (`Principal::sees_contacts`).

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::text;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::people::{self, Person, PersonFields};
use mahalle_db::registry::{self, Record};
use mahalle_db::{audit, places, DbError, Store};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::extract::text_or_number;

/// A person as their form or the API sends them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PersonInput {
    #[serde(default)]
    pub full_name_fa: String,
    #[serde(default)]
    pub full_name_en: String,
    /// female, male or unspecified (the default)
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// The district whose registry keeps them; empty: the city's (administrators only).
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub district_id: String,
}

impl PersonInput {
    pub fn from_person(p: &Person) -> PersonInput {
        PersonInput {
            full_name_fa: p.full_name_fa.clone(),
            full_name_en: p.full_name_en.clone(),
            gender: p.gender.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            district_id: p.district_id.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// What others than staff see of a person: no phone, no e-mail.
pub fn for_viewer(mut p: Person, who: Option<&Principal>) -> Person {
    if !who.is_some_and(Principal::sees_contacts) {
        p.phone.clear();
        p.email.clear();
    }
    p
}

struct PersonForm {
    full_name_fa: String,
    full_name_en: String,
    gender: &'static str,
    phone: String,
    email: String,
    district_id: Option<i64>,
}

impl PersonForm {
    fn fields(&self) -> PersonFields<'_> {
        PersonFields {
            full_name_fa: &self.full_name_fa,
            full_name_en: &self.full_name_en,
            gender: self.gender,
            phone: &self.phone,
            email: &self.email,
            district_id: self.district_id,
        }
    }
    fn json(&self) -> serde_json::Value {
        json!({"full_name_fa": self.full_name_fa, "full_name_en": self.full_name_en, "gender": self.gender,
               "phone": self.phone, "email": self.email, "district_id": self.district_id})
    }
}

async fn check(store: &Store, f: &PersonInput) -> Result<PersonForm, AppError> {
    let mut errors = Vec::new();
    let full_name_fa = validate::required_text("full_name_fa", &f.full_name_fa, 200)
        .map_err(|_| {
            errors.push(FieldError::new(
                "full_name_fa",
                "نام و نام خانوادگی را به فارسی (تا ۲۰۰ نویسه) بنویسید.",
                "Give the full name in Persian (up to 200 characters).",
            ))
        })
        .unwrap_or_default();
    let full_name_en = text::normalize(&f.full_name_en);
    if full_name_en.chars().count() > 200 {
        errors.push(FieldError::new(
            "full_name_en",
            "نام لاتین تا ۲۰۰ نویسه است.",
            "The Latin name takes up to 200 characters.",
        ));
    }
    let gender = match f.gender.trim() {
        "" | "unspecified" => "unspecified",
        "female" => "female",
        "male" => "male",
        _ => {
            errors.push(FieldError::new(
                "gender",
                "جنسیت را از فهرست انتخاب کنید.",
                "Choose the gender from the list.",
            ));
            "unspecified"
        }
    };
    let phone = validate::optional_phone(&f.phone)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let email = validate::optional_email(&f.email)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let district = text::to_latin_digits(f.district_id.trim());
    let district_id = if district.is_empty() {
        None
    } else {
        match district.parse::<i64>() {
            Ok(d) => match places::get_district(store, d).await {
                Ok(d) if d.retired_on.is_none() => Some(d.id),
                Ok(_) | Err(DbError::NotFound) => {
                    errors.push(FieldError::new(
                        "district_id",
                        "منطقه را از فهرست انتخاب کنید.",
                        "Choose the district from the list.",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
            Err(_) => {
                errors.push(FieldError::new(
                    "district_id",
                    "منطقه را از فهرست انتخاب کنید.",
                    "Choose the district from the list.",
                ));
                None
            }
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(PersonForm {
        full_name_fa,
        full_name_en,
        gender,
        phone,
        email,
        district_id,
    })
}

/// Whether `who` may change this person's record (for offering the forms).
pub async fn may_keep(store: &Store, who: &Principal, p: &Person) -> Result<bool, AppError> {
    let served = if p.district_id.is_none() && who.keeps_any_registry() && !who.is_admin() {
        people::districts_served(store, p.id).await?
    } else {
        Vec::new()
    };
    Ok(who.keeps_person(p.district_id, &served))
}

/// Adds a person. Returns their id.
pub async fn create(store: &Store, who: &Principal, input: &PersonInput) -> Result<i64, AppError> {
    if !who.keeps_any_registry() {
        return Err(AppError::Forbidden);
    }
    let f = &check(store, input).await?;
    // A district mayor adds people to their own district's registry.
    if !who.keeps_registry(f.district_id) {
        return Err(AppError::Forbidden);
    }
    let user = who.user_id;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = people::create(tx, &f.fields(), now).await?;
                audit::log(tx, user, "create", "person", id, None, Some(f.json())).await?;
                Ok(id)
            })
        })
        .await
}

/// Saves a person's record; moving them to another district's registry (or the city's) needs
/// that registry to be the author's as well.
pub async fn save(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &PersonInput,
) -> Result<(), AppError> {
    let before = people::get(store, id).await?;
    if !may_keep(store, who, &before).await? {
        return Err(AppError::Forbidden);
    }
    let f = &check(store, input).await?;
    // Moving them to another registry needs that one to be the author's too.
    if f.district_id != before.district_id && !who.keeps_registry(f.district_id) {
        return Err(AppError::Forbidden);
    }
    let was = &json!({"full_name_fa": before.full_name_fa, "full_name_en": before.full_name_en, "gender": before.gender,
                      "phone": before.phone, "email": before.email, "district_id": before.district_id});
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                people::update(tx, id, &f.fields()).await?;
                Ok(audit::log(
                    tx,
                    user,
                    "update",
                    "person",
                    id,
                    Some(was.clone()),
                    Some(f.json()),
                )
                .await?)
            })
        })
        .await
}

/// Retires a person's record (or reinstates it); memberships and history stay.
pub async fn retire(store: &Store, who: &Principal, id: i64, retire: bool) -> Result<(), AppError> {
    let p = people::get(store, id).await?;
    if !may_keep(store, who, &p).await? {
        return Err(AppError::Forbidden);
    }
    let on = retire.then(crate::today);
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                registry::set_retired(tx, Record::Person, id, on, Some(user)).await?;
                Ok(())
            })
        })
        .await
}
