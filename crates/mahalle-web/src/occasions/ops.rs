//! Occasions' operations: recording an occasion (its kind, days, organisers, and the district
//! when it is a district's own), the places it was held with the participation counted there
//! (all or none), and reading it beside the same occasion the year before.

use chrono::{Duration, NaiveDate, Utc};
use mahalle_core::occasions::{self as rules, Kind};
use mahalle_core::validate::{self, FieldError};
use mahalle_db::occasions::{
    self as db, Occasion, OccasionFields, OccasionPlace, Organiser, PlaceRow,
};
use mahalle_db::{audit, DbError, Store};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::http::api::Created;
use crate::http::ctx::SignedIn;
use crate::http::error::AppError;

/// An occasion as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OccasionInput {
    /// Shared by the same occasion every year: Latin letters, digits, `-`, `_` (like `GHADIR`).
    pub code: String,
    /// religious, national or local
    pub kind: String,
    pub name_fa: String,
    pub name_en: String,
    pub description: String,
    /// A district's own occasion (its id); none for the city's.
    pub district_id: Option<i64>,
    /// Jalali or ISO.
    pub starts_on: String,
    /// Jalali or ISO; the first day when left out.
    pub ends_on: String,
    pub organiser_ids: Vec<i64>,
}

/// A place an occasion was held, with the people who took part.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PlaceInput {
    /// The neighborhood; may be left out when a partner place is named.
    pub neighborhood_id: Option<i64>,
    /// A partner place of the registry (a mosque, a school, …) where it was held.
    pub partner_place_id: Option<i64>,
    /// People taking part: a whole number from zero; empty when not yet counted.
    #[schema(value_type = Option<String>)]
    pub participants: serde_json::Value,
}

/// A place with its count beside the same place's count the year before.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlaceCompared {
    #[serde(flatten)]
    pub place: OccasionPlace,
    pub year_before: Option<i64>,
    /// The change from the year before, as a share (0.25 = a quarter more).
    pub change: Option<f64>,
}

/// An occasion with its organisers, its places and the same occasion the year before.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OccasionDetail {
    pub occasion: Occasion,
    pub organisers: Vec<Organiser>,
    pub places: Vec<PlaceCompared>,
    pub year_before: Option<Occasion>,
    /// The change of the total from the year before, as a share.
    pub change: Option<f64>,
}

/// The same occasion the year before of each, if recorded (one query for the whole list).
async fn years_before(store: &Store, list: &[Occasion]) -> Result<Vec<Option<Occasion>>, AppError> {
    let (Some(first), Some(last)) = (
        list.iter().map(|o| o.starts_on).min(),
        list.iter().map(|o| o.starts_on).max(),
    ) else {
        return Ok(Vec::new());
    };
    let mut codes: Vec<&str> = list.iter().map(|o| o.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let from = first - Duration::days(400);
    let to = last - Duration::days(299);
    let earlier = db::earlier(store, &codes, from, to).await?;
    Ok(list
        .iter()
        .map(|o| {
            earlier
                .iter()
                .find(|e| {
                    e.id != o.id
                        && e.code == o.code
                        && rules::is_year_before(o.starts_on, e.starts_on)
                })
                .cloned()
        })
        .collect())
}

/// The same occasion the year before, if recorded.
pub async fn year_before(store: &Store, o: &Occasion) -> Result<Option<Occasion>, AppError> {
    Ok(years_before(store, std::slice::from_ref(o))
        .await?
        .pop()
        .flatten())
}

pub async fn detail(store: &Store, id: i64) -> Result<OccasionDetail, AppError> {
    let occasion = db::get(store, id).await?;
    let before = year_before(store, &occasion).await?;
    let earlier = match &before {
        Some(b) => db::places(store, b.id).await?,
        None => Vec::new(),
    };
    let places = db::places(store, id)
        .await?
        .into_iter()
        .map(|p| {
            let year_before = earlier
                .iter()
                .find(|e| {
                    e.neighborhood_id == p.neighborhood_id
                        && e.partner_place_id == p.partner_place_id
                })
                .and_then(|e| e.participants);
            PlaceCompared {
                change: rules::change(p.participants, year_before),
                year_before,
                place: p,
            }
        })
        .collect();
    Ok(OccasionDetail {
        change: before
            .as_ref()
            .and_then(|b| rules::change(Some(occasion.participants), Some(b.participants))),
        organisers: db::organisers(store, id).await?,
        places,
        year_before: before,
        occasion,
    })
}

/// Occasions starting in a range, each with the change from the year before.
pub async fn list(
    store: &Store,
    q: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Occasion, Option<Occasion>)>, AppError> {
    let list = db::list(store, q, Some(from), Some(to)).await?;
    let before = years_before(store, &list).await?;
    Ok(list.into_iter().zip(before).collect())
}

struct Checked {
    code: String,
    kind: Kind,
    name_fa: String,
    name_en: String,
    description: String,
    district_id: Option<i64>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    organisers: Vec<i64>,
}

async fn check(store: &Store, me: &SignedIn, input: &OccasionInput) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    if let Some(d) = input.district_id {
        match mahalle_db::places::get_district(store, d).await {
            Ok(_) => {}
            Err(DbError::NotFound) => {
                return Err(AppError::Invalid(
                    vec![crate::http::form::choose_district()],
                ))
            }
            Err(e) => return Err(e.into()),
        }
    }
    AppError::unless(rules::may_keep(&me.principal, input.district_id))?;
    let code = mahalle_core::indicators::check_code(&input.code)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let kind = Kind::parse(input.kind.trim()).or_else(|| Kind::parse_loose(&input.kind));
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "نوع مناسبت را برگزینید: مذهبی، ملی یا محلی.",
            "Choose the kind: religious, national or local.",
        ));
    }
    let name_fa = validate::required_text("name_fa", &input.name_fa, 200)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let organisers = crate::http::form::known_organisations(
        store,
        &input.organiser_ids,
        None,
        "organiser_ids",
        &mut errors,
    )
    .await?;
    let mut date = |field, raw: &str| crate::http::form::typed_date(&mut errors, field, raw);
    let starts_on = date("starts_on", &input.starts_on)?;
    let ends_on = match input.ends_on.trim() {
        "" => starts_on,
        raw => date("ends_on", raw)?,
    };
    if let (Some(s), Some(e)) = (starts_on, ends_on) {
        errors.extend(rules::check_span(s, e));
    }
    match (kind, starts_on, ends_on, errors.is_empty()) {
        (Some(kind), Some(starts_on), Some(ends_on), true) => Ok(Checked {
            code,
            kind,
            name_fa,
            name_en: mahalle_core::text::normalize(&input.name_en),
            description: mahalle_core::text::normalize_multiline(&input.description),
            district_id: input.district_id,
            starts_on,
            ends_on,
            organisers,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

fn fields(c: &Checked) -> OccasionFields<'_> {
    OccasionFields {
        code: &c.code,
        kind: c.kind.as_str(),
        name_fa: &c.name_fa,
        name_en: &c.name_en,
        description: &c.description,
        district_id: c.district_id,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
    }
}

fn record(c: &Checked) -> serde_json::Value {
    json!({"code": c.code, "kind": c.kind.as_str(), "name_fa": c.name_fa, "district_id": c.district_id,
        "starts_on": c.starts_on, "ends_on": c.ends_on, "organisers": c.organisers})
}

pub async fn create(
    store: &Store,
    me: &SignedIn,
    input: &OccasionInput,
) -> Result<Created, AppError> {
    AppError::unless(rules::may_keep_any(&me.principal))?;
    let c = &check(store, me, input).await?;
    let now = Utc::now();
    let id = store
        .write(|tx, _| {
            Box::pin(async move {
                let id = db::create(tx, &fields(c), me.principal.user_id, now).await?;
                db::set_organisers(tx, id, &c.organisers).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "create",
                    "occasion",
                    id,
                    None,
                    Some(record(c)),
                )
                .await?;
                Ok::<_, AppError>(id)
            })
        })
        .await?;
    Ok(Created { id })
}

pub async fn update(
    store: &Store,
    me: &SignedIn,
    id: i64,
    input: &OccasionInput,
) -> Result<Created, AppError> {
    let before = db::get(store, id).await?;
    AppError::unless(rules::may_keep(&me.principal, before.district_id))?;
    let c = &check(store, me, input).await?;
    if c.district_id.is_some() && c.district_id != before.district_id && before.places > 0 {
        // Its places would no longer be of its district.
        let places = db::places(store, id).await?;
        if places.iter().any(|p| Some(p.district_id) != c.district_id) {
            return Err(AppError::invalid(
                "district_id",
                "جاهای برگزاری از منطقه دیگری‌اند؛ نخست آن‌ها را بردارید.",
                "Some of its places are in another district; remove them first.",
            ));
        }
    }
    let was = json!({"code": before.code, "kind": before.kind, "name_fa": before.name_fa,
        "district_id": before.district_id, "starts_on": before.starts_on, "ends_on": before.ends_on});
    let was = &was;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                db::update(tx, id, &fields(c), now).await?;
                db::set_organisers(tx, id, &c.organisers).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "update",
                    "occasion",
                    id,
                    Some(was.clone()),
                    Some(record(c)),
                )
                .await?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Created { id })
}

fn item_error(item: usize, field: &'static str, fa: &str, en: &str) -> FieldError {
    FieldError::new(
        field,
        format!(
            "مورد {}: {fa}",
            mahalle_core::text::to_persian_digits(&item.to_string())
        ),
        format!("Item {item}: {en}"),
    )
}

/// Replaces the places an occasion was held and their counts, all or none: every problem is
/// named with its item.
pub async fn set_places(
    store: &Store,
    me: &SignedIn,
    id: i64,
    items: &[PlaceInput],
) -> Result<Created, AppError> {
    let occasion = db::get(store, id).await?;
    AppError::unless(rules::may_keep(&me.principal, occasion.district_id))?;
    if items.len() > 5000 {
        return Err(AppError::TooLarge);
    }
    let mut errors = Vec::new();
    let mut rows: Vec<PlaceRow> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let n = i + 1;
        let partner = match it.partner_place_id {
            Some(p) => match mahalle_db::partners::get(store, p).await {
                Ok(x) => Some(x),
                Err(DbError::NotFound) => {
                    errors.push(item_error(
                        n,
                        "partner_place_id",
                        "مکان همکار یافت نشد.",
                        "No such partner place.",
                    ));
                    continue;
                }
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let Some(nid) = it
            .neighborhood_id
            .or(partner.as_ref().map(|p| p.neighborhood_id))
        else {
            errors.push(item_error(
                n,
                "neighborhood_id",
                "محله یا مکان همکار را برگزینید.",
                "Choose the neighborhood or the partner place.",
            ));
            continue;
        };
        let district = match mahalle_db::places::get_neighborhood(store, nid).await {
            Ok(x) => x.district_id,
            Err(DbError::NotFound) => {
                errors.push(item_error(
                    n,
                    "neighborhood_id",
                    "محله یافت نشد.",
                    "No such neighborhood.",
                ));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if partner.as_ref().is_some_and(|p| p.neighborhood_id != nid) {
            errors.push(item_error(
                n,
                "partner_place_id",
                "مکان همکار در این محله نیست.",
                "The partner place is not in this neighborhood.",
            ));
            continue;
        }
        if occasion.district_id.is_some_and(|d| d != district) {
            errors.push(item_error(
                n,
                "neighborhood_id",
                "این مناسبتِ منطقه است؛ جای برگزاری باید در همان منطقه باشد.",
                "This is a district's occasion; its places must be in that district.",
            ));
            continue;
        }
        let raw = match &it.participants {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let participants = match mahalle_core::indicators::check_count(&raw) {
            Ok(v) => v,
            Err(e) => {
                errors.push(item_error(n, "participants", &e.fa, &e.en));
                continue;
            }
        };
        let partner_place_id = partner.map(|p| p.id);
        if rows
            .iter()
            .any(|r| r.neighborhood_id == nid && r.partner_place_id == partner_place_id)
        {
            errors.push(item_error(
                n,
                "neighborhood_id",
                "این جا دو بار آمده است.",
                "This place is listed twice.",
            ));
            continue;
        }
        rows.push(PlaceRow {
            neighborhood_id: nid,
            district_id: district,
            partner_place_id,
            participants,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let rows = &rows;
    let total = rows
        .iter()
        .filter_map(|r| r.participants)
        .fold(0i64, i64::saturating_add);
    let was = json!({"places": occasion.places, "participants": occasion.participants});
    let was = &was;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                db::set_places(tx, id, rows).await?;
                db::touch(tx, id, now).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "set_places",
                    "occasion",
                    id,
                    Some(was.clone()),
                    Some(json!({"places": rows.len(), "participants": total})),
                )
                .await?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Created { id })
}
