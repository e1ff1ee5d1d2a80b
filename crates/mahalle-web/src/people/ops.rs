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

/// What checking an uploaded people sheet found: good rows and every problem.
pub struct PeopleCheck {
    pub drafts: Vec<crate::people::sheet::PersonDraft>,
    pub errors: Vec<crate::http::sheet::RowError>,
    pub rows: usize,
}

/// Whether `who` may import people at all (administrators, district mayors): asked before an
/// upload is read.
pub fn may_import(who: &Principal) -> Result<(), AppError> {
    if who.keeps_any_registry() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Reads and checks a people and pillars sheet: every row, every problem, and each row within
/// the importer's reach (a district mayor imports for their district).
pub async fn check_import(
    store: &Store,
    who: &Principal,
    filename: &str,
    bytes: &[u8],
) -> Result<PeopleCheck, AppError> {
    may_import(who)?;
    let rows =
        crate::http::sheet::read_table::<crate::people::sheet::PersonColumn>(filename, bytes)
            .map_err(|e| AppError::invalid("file", e.message_fa(), e.to_string()))?;
    let mut lookup = crate::http::sheet::Lookup::default();
    for (id, code, number, fa, en) in places::district_names(store).await? {
        lookup.add_district(id, &[&code, &number.to_string(), &fa, &en]);
    }
    for (id, district, code, fa, en) in places::neighborhood_names(store).await? {
        lookup.add_neighborhood(id, district, &[&code, &fa, &en]);
    }
    let (drafts, mut errors) =
        crate::people::sheet::validate(&rows, &lookup, crate::http::clock::today());
    let drafts = drafts
        .into_iter()
        .filter(|d| {
            let ok = who.keeps_registry(d.district_id);
            if !ok {
                errors.push(crate::http::sheet::RowError {
                    line: d.line,
                    column: "district",
                    fa: "این فرد یا محله در منطقه شما نیست؛ ستون منطقه یا محله را درست کنید.".into(),
                    en: "This person or neighborhood is outside your district; correct the district or neighborhood.".into(),
                });
            }
            ok
        })
        .collect();
    errors.sort_by_key(|e| e.line);
    Ok(PeopleCheck {
        drafts,
        errors,
        rows: rows.len(),
    })
}

/// What an import recorded.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, ToSchema)]
pub struct Imported {
    /// People added to the registry.
    pub people: usize,
    /// Rows naming someone already in the registry (same name and phone).
    pub existing: usize,
    /// Pillar roles recorded (started, or an ended one started again).
    pub pillars: usize,
    /// Pillar roles the person serves in already, left as they were.
    pub serving: usize,
}

/// Records every row of a clean sheet in one transaction, or nothing.
pub async fn commit_import(
    store: &Store,
    who: &Principal,
    filename: &str,
    bytes: &[u8],
) -> Result<Imported, AppError> {
    let check = check_import(store, who, filename, bytes).await?;
    if let Some(e) = check.errors.first() {
        return Err(AppError::invalid(
            "file",
            format!(
                "ردیف {}: {}",
                text::to_persian_digits(&e.line.to_string()),
                e.fa
            ),
            format!("Row {}: {}", e.line, e.en),
        ));
    }
    let (drafts, user) = (&check.drafts, who.user_id);
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let mut out = Imported::default();
                let (mut ids, mut pillars) = (Vec::new(), Vec::new());
                for d in drafts {
                    let id =
                        match people::find_same(tx, &d.name_fa, &d.phone, d.district_id).await? {
                            Some(id) => {
                                out.existing += 1;
                                id
                            }
                            None => {
                                out.people += 1;
                                people::create(
                                    tx,
                                    &PersonFields {
                                        full_name_fa: &d.name_fa,
                                        full_name_en: &d.name_en,
                                        gender: &d.gender,
                                        phone: &d.phone,
                                        email: &d.email,
                                        district_id: d.district_id,
                                    },
                                    now,
                                )
                                .await?
                            }
                        };
                    ids.push(id);
                    if let Some(p) = &d.pillar {
                        // A role they serve in already is left as it is (its start, its title).
                        if mahalle_db::councils::pillar_is_active(
                            tx,
                            p.neighborhood_id,
                            id,
                            p.kind.as_str(),
                        )
                        .await?
                        {
                            out.serving += 1;
                            continue;
                        }
                        let pillar = mahalle_db::councils::upsert_pillar(
                            tx,
                            &mahalle_db::councils::NewPillar {
                                neighborhood_id: p.neighborhood_id,
                                person_id: id,
                                kind: p.kind.as_str(),
                                title: &p.title,
                                since: p.since,
                                until: None,
                            },
                        )
                        .await?;
                        pillars.push(pillar);
                        out.pillars += 1;
                    }
                }
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(user),
                        action: "import",
                        entity: "people",
                        entity_id: None,
                        before: None,
                        after: Some(
                            json!({"file": filename, "people": out.people, "existing": out.existing,
                            "pillars": out.pillars, "person_ids": ids}),
                        ),
                    },
                )
                .await?;
                Ok::<_, AppError>(out)
            })
        })
        .await
}
