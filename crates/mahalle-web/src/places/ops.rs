//! Keeping the registry of districts and neighborhoods, shared by pages and the API: every field
//! checked at once, allowed to administrators (districts; any neighborhood) and to a district's
//! mayor (their district's details and neighborhoods), written with its audit row in one
//! transaction. Codes and district numbers stay unique; boundaries are checked polygons.

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::places::{self as rules, BoundaryError};
use mahalle_core::text;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::places::{
    self, District, DistrictFields, Neighborhood, NeighborhoodFields, PlaceKind,
};
use mahalle_db::registry::{self, Record};
use mahalle_db::{audit, Store};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::extract::text_or_number;

/// A district as its form or the API sends it; numbers may come as text (Persian digits too).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DistrictInput {
    /// Like `D14` (administrators only; kept as it is for a district mayor).
    #[serde(default)]
    pub code: String,
    /// 1–999 (administrators only).
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = i64)]
    pub number: String,
    #[serde(default)]
    pub name_fa: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub population: String,
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<f64>)]
    pub area_km2: String,
}

impl DistrictInput {
    pub fn from_district(d: &District) -> DistrictInput {
        DistrictInput {
            code: d.code.clone(),
            number: d.number.to_string(),
            name_fa: d.name_fa.clone(),
            name_en: d.name_en.clone(),
            population: d.population.map(|p| p.to_string()).unwrap_or_default(),
            area_km2: d.area_km2.map(|a| a.to_string()).unwrap_or_default(),
        }
    }
}

/// A neighborhood as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NeighborhoodInput {
    /// The district's id.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = i64)]
    pub district_id: String,
    /// Like `D14-N03`, unique in the city.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_fa: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub population: String,
}

impl NeighborhoodInput {
    pub fn from_neighborhood(n: &Neighborhood) -> NeighborhoodInput {
        NeighborhoodInput {
            district_id: n.district_id.to_string(),
            code: n.code.clone(),
            name_fa: n.name_fa.clone(),
            name_en: n.name_en.clone(),
            population: n.population.map(|p| p.to_string()).unwrap_or_default(),
        }
    }
}

/// Names in both languages: Persian required, English defaults to it.
fn names(fa: &str, en: &str, errors: &mut Vec<FieldError>) -> (String, String) {
    let fa = match validate::required_text("name_fa", fa, 200) {
        Ok(v) => v,
        Err(e) => {
            errors.push(FieldError::new(
                e.field,
                "نام فارسی را (تا ۲۰۰ نویسه) بنویسید.",
                "Give the Persian name (up to 200 characters).",
            ));
            String::new()
        }
    };
    let en = text::normalize(en);
    if en.chars().count() > 200 {
        errors.push(FieldError::new(
            "name_en",
            "نام انگلیسی تا ۲۰۰ نویسه است.",
            "The English name takes up to 200 characters.",
        ));
    }
    let en = if en.is_empty() { fa.clone() } else { en };
    (fa, en)
}

fn keep<T>(r: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// A checked district form.
struct DistrictForm {
    code: String,
    number: i64,
    name_fa: String,
    name_en: String,
    population: Option<i64>,
    area_km2: Option<f64>,
}

impl DistrictForm {
    fn fields(&self) -> DistrictFields<'_> {
        DistrictFields {
            code: &self.code,
            number: self.number,
            name_fa: &self.name_fa,
            name_en: &self.name_en,
            population: self.population,
            area_km2: self.area_km2,
        }
    }
    fn json(&self) -> serde_json::Value {
        json!({"code": self.code, "number": self.number, "name_fa": self.name_fa, "name_en": self.name_en,
               "population": self.population, "area_km2": self.area_km2})
    }
}

async fn check_district(
    store: &Store,
    f: &DistrictInput,
    id: Option<i64>,
) -> Result<DistrictForm, AppError> {
    let mut errors = Vec::new();
    let code = keep(rules::code(&f.code), &mut errors);
    let number = keep(
        validate::optional_count("number", &f.number, 999),
        &mut errors,
    )
    .flatten();
    if number.is_none_or(|n| n < 1) && !errors.iter().any(|e| e.field == "number") {
        errors.push(FieldError::new(
            "number",
            "شماره منطقه را (۱ تا ۹۹۹) بنویسید.",
            "Give the district's number (1–999).",
        ));
    }
    let (name_fa, name_en) = names(&f.name_fa, &f.name_en, &mut errors);
    let population = keep(
        validate::optional_count("population", &f.population, 100_000_000),
        &mut errors,
    );
    let area_km2 = keep(
        validate::optional_decimal("area_km2", &f.area_km2, 100_000.0),
        &mut errors,
    );
    if let Some(c) = &code {
        if places::code_taken(store, PlaceKind::District, c, id).await? {
            errors.push(FieldError::new(
                "code",
                "منطقه‌ای دیگر این کد را دارد.",
                "Another district has this code.",
            ));
        }
    }
    if let Some(n) = number {
        if places::number_taken(store, n, id).await? {
            errors.push(FieldError::new(
                "number",
                "منطقه‌ای دیگر این شماره را دارد.",
                "Another district has this number.",
            ));
        }
    }
    match (code, number, population, area_km2) {
        (Some(code), Some(number), Some(population), Some(area_km2)) if errors.is_empty() => {
            Ok(DistrictForm {
                code,
                number,
                name_fa,
                name_en,
                population,
                area_km2,
            })
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Creates a district (administrators). Returns its id.
pub async fn create_district(
    store: &Store,
    who: &Principal,
    input: &DistrictInput,
) -> Result<i64, AppError> {
    if !who.keeps_registry(None) {
        return Err(AppError::Forbidden);
    }
    let d = &check_district(store, input, None).await?;
    let user = who.user_id;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = places::create_district(tx, &d.fields(), now).await?;
                audit::log(tx, user, "create", "district", id, None, Some(d.json())).await?;
                Ok(id)
            })
        })
        .await
}

/// Saves a district's details: administrators all of them, its own mayor all but the code and
/// number, which identify it to the rest of the city.
pub async fn save_district(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &DistrictInput,
) -> Result<(), AppError> {
    let before = places::get_district(store, id).await?;
    if !who.keeps_registry(Some(id)) {
        return Err(AppError::Forbidden);
    }
    let input = if who.is_admin() {
        input.clone()
    } else {
        DistrictInput {
            code: before.code.clone(),
            number: before.number.to_string(),
            ..input.clone()
        }
    };
    let d = &check_district(store, &input, Some(id)).await?;
    let was = json!({"code": before.code, "number": before.number, "name_fa": before.name_fa, "name_en": before.name_en,
                     "population": before.population, "area_km2": before.area_km2});
    let was = &was;
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                places::update_district(tx, id, &d.fields()).await?;
                Ok(audit::log(
                    tx,
                    user,
                    "update",
                    "district",
                    id,
                    Some(was.clone()),
                    Some(d.json()),
                )
                .await?)
            })
        })
        .await
}

/// A checked neighborhood form.
struct NeighborhoodForm {
    district_id: i64,
    code: String,
    name_fa: String,
    name_en: String,
    population: Option<i64>,
}

impl NeighborhoodForm {
    fn fields(&self) -> NeighborhoodFields<'_> {
        NeighborhoodFields {
            district_id: self.district_id,
            code: &self.code,
            name_fa: &self.name_fa,
            name_en: &self.name_en,
            population: self.population,
        }
    }
    fn json(&self) -> serde_json::Value {
        json!({"district_id": self.district_id, "code": self.code, "name_fa": self.name_fa,
               "name_en": self.name_en, "population": self.population})
    }
}

/// Checks a neighborhood form, including that its district is current and kept by `who`.
async fn check_neighborhood(
    store: &Store,
    who: &Principal,
    f: &NeighborhoodInput,
    id: Option<i64>,
) -> Result<NeighborhoodForm, AppError> {
    let mut errors = Vec::new();
    let district_id = text::to_latin_digits(f.district_id.trim())
        .parse::<i64>()
        .ok();
    let district = match district_id {
        Some(d) => match places::get_district(store, d).await {
            Ok(d) => Some(d),
            Err(mahalle_db::DbError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    match &district {
        None => errors.push(FieldError::new(
            "district_id",
            "منطقه را از فهرست انتخاب کنید.",
            "Choose the district from the list.",
        )),
        Some(d) if !who.keeps_registry(Some(d.id)) => return Err(AppError::Forbidden),
        Some(d) if d.retired_on.is_some() => errors.push(FieldError::new(
            "district_id",
            "این منطقه بایگانی شده است؛ محله‌ای به آن افزوده نمی‌شود.",
            "This district is retired; no neighborhood can be added to it.",
        )),
        Some(_) => {}
    }
    let code = keep(rules::code(&f.code), &mut errors);
    let (name_fa, name_en) = names(&f.name_fa, &f.name_en, &mut errors);
    let population = keep(
        validate::optional_count("population", &f.population, 10_000_000),
        &mut errors,
    );
    if let Some(c) = &code {
        if places::code_taken(store, PlaceKind::Neighborhood, c, id).await? {
            errors.push(FieldError::new(
                "code",
                "محله‌ای دیگر این کد را دارد.",
                "Another neighborhood has this code.",
            ));
        }
    }
    match (district, code, population) {
        (Some(d), Some(code), Some(population)) if errors.is_empty() => Ok(NeighborhoodForm {
            district_id: d.id,
            code,
            name_fa,
            name_en,
            population,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Creates a neighborhood in a district its author keeps. Returns its id.
pub async fn create_neighborhood(
    store: &Store,
    who: &Principal,
    input: &NeighborhoodInput,
) -> Result<i64, AppError> {
    if !who.keeps_any_registry() {
        return Err(AppError::Forbidden);
    }
    let n = &check_neighborhood(store, who, input, None).await?;
    let user = who.user_id;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = places::create_neighborhood(tx, &n.fields(), now).await?;
                audit::log(tx, user, "create", "neighborhood", id, None, Some(n.json())).await?;
                Ok(id)
            })
        })
        .await
}

/// Saves a neighborhood; moving it to another district needs both districts to be its
/// author's.
pub async fn save_neighborhood(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &NeighborhoodInput,
) -> Result<(), AppError> {
    let before = places::get_neighborhood(store, id).await?;
    if !who.keeps_registry(Some(before.district_id)) {
        return Err(AppError::Forbidden);
    }
    let n = &check_neighborhood(store, who, input, Some(id)).await?;
    let was = json!({"district_id": before.district_id, "code": before.code, "name_fa": before.name_fa,
                     "name_en": before.name_en, "population": before.population});
    let was = &was;
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                places::update_neighborhood(tx, id, &n.fields()).await?;
                Ok(audit::log(
                    tx,
                    user,
                    "update",
                    "neighborhood",
                    id,
                    Some(was.clone()),
                    Some(n.json()),
                )
                .await?)
            })
        })
        .await
}

/// The district a place is kept by (a district keeps itself).
async fn keeper(store: &Store, kind: PlaceKind, id: i64) -> Result<i64, AppError> {
    Ok(match kind {
        PlaceKind::District => places::get_district(store, id).await?.id,
        PlaceKind::Neighborhood => places::get_neighborhood(store, id).await?.district_id,
    })
}

/// Refuses anyone who does not keep the place (before an upload is read).
pub async fn require_keeper(
    store: &Store,
    who: &Principal,
    kind: PlaceKind,
    id: i64,
) -> Result<(), AppError> {
    if who.keeps_registry(Some(keeper(store, kind, id).await?)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Sets a place's boundary from uploaded GeoJSON (checked to be a valid polygon near the city),
/// or removes it (`None`).
pub async fn set_boundary(
    store: &Store,
    who: &Principal,
    kind: PlaceKind,
    id: i64,
    geojson: Option<&str>,
) -> Result<(), AppError> {
    require_keeper(store, who, kind, id).await?;
    let checked = match geojson {
        Some(text) => {
            // A box around the city, generous enough for its outskirts.
            let (a, b, c, d) = mahalle_core::geo::bounds();
            let near = (a - 0.5, b - 0.5, c + 0.5, d + 0.5);
            Some(
                rules::parse_boundary(text, Some(near))
                    .map_err(|e: BoundaryError| AppError::Invalid(vec![e.field_error()]))?,
            )
        }
        None => None,
    };
    let entity = match kind {
        PlaceKind::District => "district",
        PlaceKind::Neighborhood => "neighborhood",
    };
    let user = who.user_id;
    store
        .write(|tx, _| {
            let checked = checked.clone();
            Box::pin(async move {
                places::set_boundary(tx, kind, id, checked.as_deref()).await?;
                // The audit keeps the fact and size, not a megabyte of coordinates.
                let after = checked.as_ref().map(|b| json!({"boundary_bytes": b.len()}));
                let action = if after.is_some() {
                    "set_boundary"
                } else {
                    "remove_boundary"
                };
                Ok(audit::log(tx, user, action, entity, id, None, after).await?)
            })
        })
        .await
}

/// Retires a place (or reinstates it with `retire` false). A district is retired by an
/// administrator once none of its neighborhoods is current; a neighborhood by whoever keeps its
/// district, and reinstated only into a current district.
pub async fn retire(
    store: &Store,
    who: &Principal,
    kind: PlaceKind,
    id: i64,
    retire: bool,
) -> Result<(), AppError> {
    let record_kind = match kind {
        PlaceKind::District => {
            let d = places::get_district(store, id).await?;
            if !who.keeps_registry(None) {
                return Err(AppError::Forbidden);
            }
            if retire && d.neighborhoods > 0 {
                return Err(AppError::invalid(
                    "retired",
                    "این منطقه هنوز محله‌های جاری دارد؛ نخست آن‌ها را بایگانی یا جابه‌جا کنید.",
                    "This district still has current neighborhoods; retire or move them first.",
                ));
            }
            Record::District
        }
        PlaceKind::Neighborhood => {
            let n = places::get_neighborhood(store, id).await?;
            if !who.keeps_registry(Some(n.district_id)) {
                return Err(AppError::Forbidden);
            }
            if !retire
                && places::get_district(store, n.district_id)
                    .await?
                    .retired_on
                    .is_some()
            {
                return Err(AppError::invalid(
                    "retired",
                    "منطقه این محله بایگانی شده است؛ نخست منطقه را بازگردانید یا محله را جابه‌جا کنید.",
                    "This neighborhood's district is retired; reinstate the district or move the neighborhood first.",
                ));
            }
            Record::Neighborhood
        }
    };
    let on = retire.then(crate::today);
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                registry::set_retired(tx, record_kind, id, on, Some(user)).await?;
                Ok(())
            })
        })
        .await
}
