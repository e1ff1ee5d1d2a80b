//! The other pillars of a neighborhood (manager, trustees, imams with their mosques, people's
//! groups, elites): whoever keeps the neighborhood's district records who serves from when, and
//! when they stop; history stays.

use mahalle_core::access::Principal;
use mahalle_core::councils::PillarKind;
use mahalle_core::meetings::PersonRef;
use mahalle_core::validate::FieldError;
use mahalle_db::councils::{self, NewPillar};
use mahalle_db::{audit, partners, places, DbError, Store};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::extract::{parse_date, text_or_number};

/// A pillar role as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PillarInput {
    /// manager, trustee, imam, people_group or elite
    #[serde(default)]
    pub kind: String,
    /// The person, by number (`#12`) or full name.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = String)]
    pub person: String,
    /// What they lead or represent (a group's name, a mosque's…).
    #[serde(default)]
    pub title: String,
    /// The partner place they serve (an imam's mosque), of the same neighborhood.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub partner_place_id: String,
    /// From (Jalali or ISO); today when empty.
    #[serde(default)]
    pub since: String,
}

async fn require_keeper(store: &Store, who: &Principal, neighborhood: i64) -> Result<(), AppError> {
    let n = places::get_neighborhood(store, neighborhood).await?;
    if who.keeps_registry(Some(n.district_id)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Records that someone serves as a pillar of the neighborhood from a day. Returns the role's id.
pub async fn add_pillar(
    store: &Store,
    who: &Principal,
    neighborhood: i64,
    f: &PillarInput,
) -> Result<i64, AppError> {
    require_keeper(store, who, neighborhood).await?;
    let mut errors = Vec::new();
    let kind = PillarKind::parse(f.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "نقش را از فهرست انتخاب کنید.",
            "Choose the role from the list.",
        ));
    }
    let person = match PersonRef::parse(&f.person) {
        None => {
            errors.push(FieldError::new(
                "person",
                "فرد را با نام کامل یا شماره بنویسید.",
                "Name the person by full name or number.",
            ));
            None
        }
        Some(r) => {
            let found = match &r {
                PersonRef::Id(id) => mahalle_db::people::candidates(store, Some(*id), None).await?,
                PersonRef::Name { key, .. } => {
                    mahalle_db::people::candidates(store, None, Some(key)).await?
                }
            };
            r.pick("person", &found).map_err(|e| errors.push(e)).ok()
        }
    };
    let title = mahalle_core::text::normalize(&f.title);
    if title.chars().count() > 200 {
        errors.push(FieldError::new(
            "title",
            "عنوان تا ۲۰۰ نویسه است.",
            "The title takes up to 200 characters.",
        ));
    }
    let place = match mahalle_core::text::to_latin_digits(f.partner_place_id.trim()) {
        t if t.is_empty() => None,
        t => match t.parse::<i64>() {
            Ok(id) => match partners::get(store, id).await {
                Ok(p) if p.neighborhood_id == neighborhood && p.retired_on.is_none() => Some(p),
                Ok(_) | Err(DbError::NotFound) => {
                    errors.push(FieldError::new(
                        "partner_place_id",
                        "مکان باید از مکان‌های جاری همین محله باشد.",
                        "The place must be a current partner place of this neighborhood.",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
            Err(_) => {
                errors.push(FieldError::new(
                    "partner_place_id",
                    "مکان را از فهرست انتخاب کنید.",
                    "Choose the place from the list.",
                ));
                None
            }
        },
    };
    let since = if f.since.trim().is_empty() {
        crate::today()
    } else {
        parse_date("since", &f.since)
            .map_err(|e| errors.extend(e.fields()))
            .unwrap_or_default()
    };
    let (Some(kind), Some(person)) = (kind, person) else {
        return Err(AppError::Invalid(errors));
    };
    if let Some(current) = councils::pillar_of(store, neighborhood, person, kind.as_str()).await? {
        if current.until.is_none() {
            errors.push(FieldError::new(
                "person",
                "این فرد هم‌اکنون همین نقش را در این محله دارد.",
                "This person holds this role in this neighborhood already.",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    // A mosque's name is the title of an imam who has none typed.
    let title = match (&place, title.is_empty()) {
        (Some(p), true) => p.name_fa.clone(),
        _ => title,
    };
    let (title, place_id) = (&title, place.map(|p| p.id));
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = councils::start_pillar(
                    tx,
                    &NewPillar {
                        neighborhood_id: neighborhood,
                        person_id: person,
                        kind: kind.as_str(),
                        title,
                        since,
                        until: None,
                    },
                    place_id,
                )
                .await?;
                audit::log(tx, user, "start", "pillar", id, None,
                    Some(json!({"neighborhood_id": neighborhood, "person_id": person, "kind": kind.as_str(),
                                "title": title, "since": since, "partner_place_id": place_id}))).await?;
                Ok(id)
            })
        })
        .await
}

/// Records that a pillar stopped serving on a day (today when empty).
pub async fn end_pillar(
    store: &Store,
    who: &Principal,
    id: i64,
    until: &str,
) -> Result<i64, AppError> {
    let p = councils::get_pillar(store, id).await?;
    require_keeper(store, who, p.neighborhood_id).await?;
    let until = if until.trim().is_empty() {
        crate::today()
    } else {
        parse_date("until", until)?
    };
    if p.until.is_some() || until < p.since {
        return Err(AppError::invalid(
            "until",
            "این نقش پایان یافته است، یا تاریخ پایان پیش از آغاز آن است.",
            "This role has ended, or the end is before it began.",
        ));
    }
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                councils::end_pillar(tx, id, until).await?;
                Ok::<_, AppError>(
                    audit::log(
                        tx,
                        user,
                        "end",
                        "pillar",
                        id,
                        None,
                        Some(json!({"until": until})),
                    )
                    .await?,
                )
            })
        })
        .await?;
    Ok(p.neighborhood_id)
}
