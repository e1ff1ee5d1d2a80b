//! Vulnerable areas' operations: marking an area (a neighborhood, or an outline drawn within a
//! district) with its reason and day, editing it, recording interventions, and reading an
//! area with its interventions and its neighborhood's indicators before and after them.

use chrono::{NaiveDate, Utc};
use mahalle_core::validate::{self, FieldError};
use mahalle_core::vulnerable as rules;
use mahalle_db::vulnerable::{
    self as db, Area, AreaFields, Intervention, InterventionFields, InterventionPartner,
};
use mahalle_db::{audit, DbError, Store};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::http::api::Created;
use crate::http::ctx::SignedIn;
use crate::http::error::AppError;

/// An area as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AreaInput {
    pub name_fa: String,
    pub name_en: String,
    pub district_id: Option<i64>,
    /// The neighborhood it is, or lies in; may be left out when an outline is drawn.
    pub neighborhood_id: Option<i64>,
    /// An outline drawn for it: a GeoJSON Polygon or MultiPolygon (or a Feature with one).
    pub boundary: String,
    /// Why it is vulnerable.
    pub reason: String,
    /// The day it was marked, Jalali or ISO; today when left out.
    pub marked_on: String,
    /// Listed for everyone, signed in or not.
    pub public: bool,
}

/// An intervention as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InterventionInput {
    pub title: String,
    pub description: String,
    pub lead_org_id: Option<i64>,
    pub partner_ids: Vec<i64>,
    /// Jalali or ISO.
    pub starts_on: String,
    /// Jalali or ISO; empty while it goes on.
    pub ends_on: String,
    /// Rials.
    pub cost: Option<i64>,
    /// Square metres of public space returned to people.
    pub space_m2: Option<i64>,
}

/// An indicator of the area's neighborhood over the year before its first intervention and
/// since then.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BeforeAfter {
    pub indicator_id: i64,
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub factor: i64,
    /// higher or lower: which way it improves
    pub direction: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// An area with its outline, its interventions and their partners, and its neighborhood's
/// indicators before and after.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaDetail {
    pub area: Area,
    /// The outline drawn for it, or its neighborhood's, as GeoJSON.
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
    pub interventions: Vec<Intervention>,
    pub partners: Vec<InterventionPartner>,
    pub before_after: Vec<BeforeAfter>,
}

/// The area's outline: the one drawn for it, else its neighborhood's.
pub async fn outline(store: &Store, a: &Area) -> Result<Option<String>, AppError> {
    Ok(db::outlines(store, &[a.id]).await?.pop().map(|(_, b)| b))
}

/// The outlines of many areas (a map), by id.
pub async fn outlines(
    store: &Store,
    areas: &[Area],
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let ids: Vec<i64> = areas.iter().map(|a| a.id).collect();
    Ok(db::outlines(store, &ids).await?.into_iter().collect())
}

/// The area, if the visitor may see it: anyone a public one, staff every one. A hidden area
/// is not found for the public.
pub async fn visible(store: &Store, me: Option<&SignedIn>, id: i64) -> Result<Area, AppError> {
    let a = db::get(store, id).await?;
    if !a.public && me.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

pub async fn detail(store: &Store, me: Option<&SignedIn>, id: i64) -> Result<AreaDetail, AppError> {
    let area = visible(store, me, id).await?;
    let interventions = db::interventions(store, id).await?;
    let mut before_after = Vec::new();
    let first = interventions.iter().map(|i| i.starts_on).min();
    if let (Some(n), Some(first)) = (area.neighborhood_id, first) {
        let (before, after) = rules::before_and_after(first, crate::today());
        for i in mahalle_db::indicators::indicators(store)
            .await?
            .into_iter()
            .take(20)
        {
            let at = |r: crate::indicators::ops::Reading| {
                r.parts
                    .into_iter()
                    .find(|p| p.id == Some(n))
                    .and_then(|p| p.value)
            };
            let read = |(from, to): (NaiveDate, NaiveDate)| {
                crate::indicators::ops::read(store, i.id, Some(area.district_id), from, to)
            };
            let b = at(read(before).await?);
            let a = match after {
                Some(span) => at(read(span).await?),
                None => None,
            };
            if b.is_some() || a.is_some() {
                before_after.push(BeforeAfter {
                    indicator_id: i.id,
                    code: i.code,
                    name_fa: i.name_fa,
                    name_en: i.name_en,
                    factor: i.factor,
                    direction: i.direction,
                    before: b,
                    after: a,
                });
            }
        }
    }
    Ok(AreaDetail {
        boundary: outline(store, &area)
            .await?
            .and_then(|b| serde_json::from_str(&b).ok()),
        partners: db::partners(store, id).await?,
        interventions,
        before_after,
        area,
    })
}

/// What an area is checked into before it is written.
struct CheckedArea {
    name_fa: String,
    name_en: String,
    district_id: i64,
    neighborhood_id: Option<i64>,
    boundary: Option<String>,
    reason: String,
    marked_on: NaiveDate,
    public: bool,
}

async fn check_area(
    store: &Store,
    me: &SignedIn,
    input: &AreaInput,
) -> Result<CheckedArea, AppError> {
    let mut errors = Vec::new();
    let district = match input.district_id {
        Some(d) => match mahalle_db::places::get_district(store, d).await {
            Ok(d) => Some(d),
            Err(DbError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let Some(district) = district else {
        return Err(AppError::Invalid(
            vec![crate::http::form::choose_district()],
        ));
    };
    AppError::unless(rules::may_keep(&me.principal, district.id))?;
    let name_fa = validate::required_text("name_fa", &input.name_fa, 200)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let reason = validate::required_text("reason", &input.reason, 2000)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    if let Some(n) = input.neighborhood_id {
        match mahalle_db::places::get_neighborhood(store, n).await {
            Ok(x) if x.district_id == district.id => {}
            Ok(_) | Err(DbError::NotFound) => errors.push(FieldError::new(
                "neighborhood_id",
                "محله باید از محله‌های همین منطقه باشد.",
                "The neighborhood must be one of this district's.",
            )),
            Err(e) => return Err(e.into()),
        }
    }
    let boundary = match input.boundary.trim() {
        "" => None,
        text => match mahalle_core::places::parse_boundary(text, Some(mahalle_core::geo::bounds()))
        {
            Ok(b) => {
                let of_district = mahalle_db::places::district_boundary(store, district.id)
                    .await?
                    .map(|d| mahalle_core::places::rings(&d))
                    .unwrap_or_default();
                let rings = mahalle_core::places::rings(&b);
                errors.extend(rules::check_outline(
                    &rings,
                    mahalle_core::geo::bounds(),
                    &of_district,
                ));
                Some(b)
            }
            Err(e) => {
                errors.push(e.field_error());
                None
            }
        },
    };
    if input.neighborhood_id.is_none() && input.boundary.trim().is_empty() {
        errors.push(FieldError::new(
            "neighborhood_id",
            "محله را برگزینید یا محدوده را رسم کنید.",
            "Choose the neighborhood, or draw the area.",
        ));
    }
    let today = crate::today();
    let marked_on = match input.marked_on.trim() {
        "" => Some(today),
        raw => crate::http::form::typed_date(&mut errors, "marked_on", raw)?,
    };
    if let Some(d) = marked_on {
        errors.extend(rules::check_marked(d, today));
    }
    match (marked_on, errors.is_empty()) {
        (Some(marked_on), true) => Ok(CheckedArea {
            name_fa,
            name_en: mahalle_core::text::normalize(&input.name_en),
            district_id: district.id,
            neighborhood_id: input.neighborhood_id,
            boundary,
            reason,
            marked_on,
            public: input.public,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

fn fields(c: &CheckedArea) -> AreaFields<'_> {
    AreaFields {
        name_fa: &c.name_fa,
        name_en: &c.name_en,
        district_id: c.district_id,
        neighborhood_id: c.neighborhood_id,
        boundary: c.boundary.as_deref(),
        reason: &c.reason,
        marked_on: c.marked_on,
        public: c.public,
    }
}

fn record(c: &CheckedArea) -> serde_json::Value {
    json!({"name_fa": c.name_fa, "district_id": c.district_id, "neighborhood_id": c.neighborhood_id,
        "drawn": c.boundary.is_some(), "reason": c.reason, "marked_on": c.marked_on, "public": c.public})
}

pub async fn create(store: &Store, me: &SignedIn, input: &AreaInput) -> Result<Created, AppError> {
    AppError::unless(rules::may_keep_any(&me.principal))?;
    let c = &check_area(store, me, input).await?;
    let now = Utc::now();
    let id = store
        .write(|tx, _| {
            Box::pin(async move {
                let id = db::create(tx, &fields(c), me.principal.user_id, now).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "create",
                    "vulnerable_area",
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
    input: &AreaInput,
) -> Result<Created, AppError> {
    let before = db::get(store, id).await?;
    AppError::unless(rules::may_keep(&me.principal, before.district_id))?;
    let c = &check_area(store, me, input).await?;
    let was = json!({"name_fa": before.name_fa, "district_id": before.district_id,
        "neighborhood_id": before.neighborhood_id, "drawn": before.drawn, "reason": before.reason,
        "marked_on": before.marked_on, "public": before.public});
    let was = &was;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                db::update(tx, id, &fields(c), now).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "update",
                    "vulnerable_area",
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

pub async fn add_intervention(
    store: &Store,
    me: &SignedIn,
    area_id: i64,
    input: &InterventionInput,
) -> Result<Created, AppError> {
    let area = db::get(store, area_id).await?;
    AppError::unless(rules::may_keep(&me.principal, area.district_id))?;
    let mut errors = Vec::new();
    if area.interventions >= rules::MAX_INTERVENTIONS {
        errors.push(FieldError::new(
            "title",
            "این محدوده ۵۰۰ اقدام دارد؛ بیش از این ثبت نمی‌شود.",
            "This area has 500 interventions; no more are recorded.",
        ));
    }
    let title = validate::required_text("title", &input.title, 300)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let lead = match input.lead_org_id {
        Some(o) => match mahalle_db::org::get(store, o).await {
            Ok(o) => Some(o.id),
            Err(DbError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    if lead.is_none() {
        errors.push(FieldError::new(
            "lead_org_id",
            "دستگاه مسئول اقدام را برگزینید.",
            "Choose the organisation leading the intervention.",
        ));
    }
    let partners = crate::http::form::known_organisations(
        store,
        &input.partner_ids,
        lead,
        "partner_ids",
        &mut errors,
    )
    .await?;
    let mut date = |field, raw: &str| crate::http::form::typed_date(&mut errors, field, raw);
    let starts_on = date("starts_on", &input.starts_on)?;
    let ends_on = match input.ends_on.trim() {
        "" => None,
        raw => date("ends_on", raw)?,
    };
    if let Some(s) = starts_on {
        errors.extend(rules::check_intervention(
            s,
            ends_on,
            input.cost,
            input.space_m2,
            crate::today(),
        ));
    }
    let (Some(lead_org_id), Some(starts_on), true) = (lead, starts_on, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let description = mahalle_core::text::normalize_multiline(&input.description);
    let f = InterventionFields {
        title: &title,
        description: &description,
        lead_org_id,
        starts_on,
        ends_on,
        cost: input.cost,
        space_m2: input.space_m2,
    };
    let (f, partners) = (&f, &partners);
    let now = Utc::now();
    let id = store
        .write(|tx, _| {
            Box::pin(async move {
                let id = db::add_intervention(tx, area_id, f, partners, me.principal.user_id, now).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "add_intervention",
                    "vulnerable_area",
                    area_id,
                    None,
                    Some(json!({"intervention_id": id, "title": f.title, "lead_org_id": f.lead_org_id,
                        "partners": partners, "starts_on": f.starts_on, "ends_on": f.ends_on,
                        "cost": f.cost, "space_m2": f.space_m2})),
                )
                .await?;
                Ok::<_, AppError>(id)
            })
        })
        .await?;
    Ok(Created { id })
}
