//! Districts (مناطق) and neighborhoods (محلات).

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct District {
    pub id: i64,
    pub code: String,
    pub number: i64,
    pub name_fa: String,
    pub name_en: String,
    pub population: Option<i64>,
    pub area_km2: Option<f64>,
    /// How many neighborhoods the district has (retired ones not counted).
    pub neighborhoods: i64,
    /// When it was retired from the registry; retired records stay findable.
    pub retired_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Neighborhood {
    pub id: i64,
    pub district_id: i64,
    pub district_number: i64,
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub population: Option<i64>,
    pub retired_on: Option<NaiveDate>,
}

/// A place's boundary as stored (GeoJSON text), fetched apart because lists don't need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Boundary {
    pub boundary: Option<String>,
}

pub const DISTRICT_SORTS: &[&str] = &["number", "population", "neighborhoods"];
pub const NEIGHBORHOOD_SORTS: &[&str] = &["name", "code", "population", "district"];

const DISTRICT_SELECT: &str = "SELECT d.id, d.code, d.number, d.name_fa, d.name_en, d.population, d.area_km2, \
     (SELECT COUNT(*) FROM neighborhoods n WHERE n.district_id = d.id AND n.retired_on IS NULL) AS neighborhoods, \
     d.retired_on FROM districts d";

const NEIGHBORHOOD_SELECT: &str =
    "SELECT n.id, n.district_id, d.number AS district_number, n.code, n.name_fa, \
     n.name_en, n.population, n.retired_on FROM neighborhoods n JOIN districts d ON d.id = n.district_id";

fn district_order(sort: &str) -> &'static str {
    match sort {
        "population" => "d.population",
        "neighborhoods" => "neighborhoods",
        _ => "d.number",
    }
}

fn neighborhood_order(sort: &str) -> &'static str {
    match sort {
        "code" => "n.code",
        "population" => "n.population",
        "district" => "d.number",
        _ => "n.sort_key",
    }
}

/// Districts; retired ones only when `with_retired`.
pub async fn list_districts(
    store: &Store,
    with_retired: bool,
    l: &Listing,
) -> Result<Paged<District>> {
    let current = if with_retired {
        " WHERE 1=1"
    } else {
        " WHERE d.retired_on IS NULL"
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM districts d");
    count.push(current).search("d.search_key", &l.terms);
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(DISTRICT_SELECT);
    sql.push(current).search("d.search_key", &l.terms);
    sql.page(
        district_order(l.sort),
        "d.id",
        l.desc,
        l.per_page,
        l.offset(),
    );
    let items = store.fetch_all(&sql).await?;
    Ok(Paged {
        items,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

/// The id of the district with this number (1–22 in Tehran).
pub async fn district_id_by_number(store: &Store, number: i64) -> Result<Option<i64>> {
    Ok(store
        .fetch_optional::<(i64,)>(
            &Sql::new("SELECT id FROM districts WHERE number = $1").bind(number),
        )
        .await?
        .map(|r| r.0))
}

/// (id, code, number, Persian name, English name) of every current district, for matching
/// typed names.
pub async fn district_names(store: &Store) -> Result<Vec<(i64, String, i64, String, String)>> {
    store
        .fetch_all(&Sql::new(
            "SELECT id, code, number, name_fa, name_en FROM districts WHERE retired_on IS NULL",
        ))
        .await
}

/// (id, district id, code, Persian name, English name) of every current neighborhood.
pub async fn neighborhood_names(store: &Store) -> Result<Vec<(i64, i64, String, String, String)>> {
    store
        .fetch_all(&Sql::new(
            "SELECT id, district_id, code, name_fa, name_en FROM neighborhoods WHERE retired_on IS NULL",
        ))
        .await
}

pub async fn get_district(store: &Store, id: i64) -> Result<District> {
    let mut sql = Sql::new(DISTRICT_SELECT);
    sql.push(" WHERE d.id = ").arg(id);
    store.fetch_one(&sql).await
}

pub async fn district_boundary(store: &Store, id: i64) -> Result<Option<String>> {
    let b: Boundary = store
        .fetch_one(&Sql::new("SELECT boundary FROM districts WHERE id = $1").bind(id))
        .await?;
    Ok(b.boundary)
}

pub async fn neighborhood_boundary(store: &Store, id: i64) -> Result<Option<String>> {
    let b: Boundary = store
        .fetch_one(&Sql::new("SELECT boundary FROM neighborhoods WHERE id = $1").bind(id))
        .await?;
    Ok(b.boundary)
}

/// The boundaries of the current districts (`None`) or of one district's current neighborhoods,
/// by id, for drawing a map.
pub async fn boundaries(
    store: &Store,
    district_id: Option<i64>,
) -> Result<Vec<(i64, Option<String>)>> {
    let sql = match district_id {
        None => Sql::new("SELECT id, boundary FROM districts WHERE retired_on IS NULL ORDER BY number"),
        Some(d) => Sql::new(
            "SELECT id, boundary FROM neighborhoods WHERE district_id = $1 AND retired_on IS NULL ORDER BY id",
        )
        .bind(d),
    };
    store.fetch_all(&sql).await
}

/// Neighborhoods, optionally of one district; retired ones only when `with_retired`.
pub async fn list_neighborhoods(
    store: &Store,
    district: Option<i64>,
    with_retired: bool,
    l: &Listing,
) -> Result<Paged<Neighborhood>> {
    let mut filter = Sql::new(if with_retired {
        " WHERE 1=1"
    } else {
        " WHERE n.retired_on IS NULL"
    });
    if let Some(d) = district {
        filter.push(" AND n.district_id = ").arg(d);
    }
    filter.search("n.search_key", &l.terms);
    let mut count = Sql::new("SELECT COUNT(*) FROM neighborhoods n");
    count.push(&filter.text);
    count.args = filter.args.clone();
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(NEIGHBORHOOD_SELECT);
    sql.push(&filter.text);
    sql.args = filter.args;
    sql.page(
        neighborhood_order(l.sort),
        "n.id",
        l.desc,
        l.per_page,
        l.offset(),
    );
    let items = store.fetch_all(&sql).await?;
    Ok(Paged {
        items,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

/// Every current neighborhood, by district then Persian name (for choosers; a city has a few
/// hundred).
pub async fn all_neighborhoods(store: &Store) -> Result<Vec<Neighborhood>> {
    current_neighborhoods(store, None).await
}

/// Every current neighborhood of a district (of the city when none), as [`all_neighborhoods`].
pub async fn current_neighborhoods(
    store: &Store,
    district_id: Option<i64>,
) -> Result<Vec<Neighborhood>> {
    let mut sql = Sql::new(NEIGHBORHOOD_SELECT);
    sql.push(" WHERE n.retired_on IS NULL");
    if let Some(d) = district_id {
        sql.push(" AND n.district_id = ").arg(d);
    }
    sql.push(" ORDER BY d.number, n.sort_key, n.id LIMIT 5000");
    store.fetch_all(&sql).await
}

/// The ids of a district's neighborhoods, retired ones included.
pub async fn neighborhood_ids_of_district(store: &Store, district_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = store
        .fetch_all(
            &Sql::new("SELECT id FROM neighborhoods WHERE district_id = $1 ORDER BY id")
                .bind(district_id),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn get_neighborhood(store: &Store, id: i64) -> Result<Neighborhood> {
    let mut sql = Sql::new(NEIGHBORHOOD_SELECT);
    sql.push(" WHERE n.id = ").arg(id);
    store.fetch_one(&sql).await
}

pub struct NewDistrict<'a> {
    pub code: &'a str,
    pub number: i64,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub population: Option<i64>,
    pub area_km2: Option<f64>,
    pub boundary: Option<String>,
}

/// Inserts or updates (by code) a district; returns its id.
pub async fn upsert_district(tx: &mut Tx, d: &NewDistrict<'_>) -> Result<i64> {
    let key = search_key(&format!("{} {} {}", d.name_fa, d.name_en, d.number));
    let sql = Sql::new(
        "INSERT INTO districts (code, number, name_fa, name_en, population, area_km2, boundary, search_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO UPDATE SET number = excluded.number, \
         name_fa = excluded.name_fa, name_en = excluded.name_en, population = excluded.population, \
         area_km2 = excluded.area_km2, boundary = excluded.boundary, search_key = excluded.search_key RETURNING id",
    )
    .bind(d.code)
    .bind(d.number)
    .bind(d.name_fa)
    .bind(d.name_en)
    .bind(d.population)
    .bind(d.area_km2)
    .bind(d.boundary.clone())
    .bind(key)
    .bind(Utc::now());
    tx.scalar(&sql).await
}

pub struct NewNeighborhood<'a> {
    pub district_id: i64,
    pub code: &'a str,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub population: Option<i64>,
    pub boundary: Option<String>,
}

/// Inserts or updates (by code) a neighborhood; returns its id.
pub async fn upsert_neighborhood(tx: &mut Tx, n: &NewNeighborhood<'_>) -> Result<i64> {
    let key = search_key(&format!("{} {} {}", n.name_fa, n.name_en, n.code));
    let sql = Sql::new(
        "INSERT INTO neighborhoods (district_id, code, name_fa, name_en, population, boundary, search_key, sort_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO UPDATE SET district_id = excluded.district_id, \
         name_fa = excluded.name_fa, name_en = excluded.name_en, population = excluded.population, \
         boundary = excluded.boundary, search_key = excluded.search_key, sort_key = excluded.sort_key RETURNING id",
    )
    .bind(n.district_id)
    .bind(n.code)
    .bind(n.name_fa)
    .bind(n.name_en)
    .bind(n.population)
    .bind(n.boundary.clone())
    .bind(key)
    .bind(mahalle_core::collate::sort_key(n.name_fa))
    .bind(Utc::now());
    tx.scalar(&sql).await
}

/// A district's details as the registry form keeps them.
pub struct DistrictFields<'a> {
    pub code: &'a str,
    pub number: i64,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub population: Option<i64>,
    pub area_km2: Option<f64>,
}

pub async fn create_district(
    tx: &mut Tx,
    d: &DistrictFields<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO districts (code, number, name_fa, name_en, population, area_km2, search_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(d.code)
        .bind(d.number)
        .bind(d.name_fa)
        .bind(d.name_en)
        .bind(d.population)
        .bind(d.area_km2)
        .bind(search_key(&format!("{} {} {}", d.name_fa, d.name_en, d.number)))
        .bind(now),
    )
    .await
}

pub async fn update_district(tx: &mut Tx, id: i64, d: &DistrictFields<'_>) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE districts SET code = $2, number = $3, name_fa = $4, name_en = $5, population = $6, \
             area_km2 = $7, search_key = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(d.code)
        .bind(d.number)
        .bind(d.name_fa)
        .bind(d.name_en)
        .bind(d.population)
        .bind(d.area_km2)
        .bind(search_key(&format!("{} {} {}", d.name_fa, d.name_en, d.number))),
    )
    .await?;
    Ok(())
}

/// A neighborhood's details as the registry form keeps them.
pub struct NeighborhoodFields<'a> {
    pub district_id: i64,
    pub code: &'a str,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub population: Option<i64>,
}

pub async fn create_neighborhood(
    tx: &mut Tx,
    n: &NeighborhoodFields<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO neighborhoods (district_id, code, name_fa, name_en, population, search_key, sort_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(n.district_id)
        .bind(n.code)
        .bind(n.name_fa)
        .bind(n.name_en)
        .bind(n.population)
        .bind(search_key(&format!("{} {} {}", n.name_fa, n.name_en, n.code)))
        .bind(mahalle_core::collate::sort_key(n.name_fa))
        .bind(now),
    )
    .await
}

pub async fn update_neighborhood(tx: &mut Tx, id: i64, n: &NeighborhoodFields<'_>) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE neighborhoods SET district_id = $2, code = $3, name_fa = $4, name_en = $5, population = $6, \
             search_key = $7, sort_key = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(n.district_id)
        .bind(n.code)
        .bind(n.name_fa)
        .bind(n.name_en)
        .bind(n.population)
        .bind(search_key(&format!("{} {} {}", n.name_fa, n.name_en, n.code)))
        .bind(mahalle_core::collate::sort_key(n.name_fa)),
    )
    .await?;
    Ok(())
}

/// Which kind of place a boundary belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    District,
    Neighborhood,
}

impl PlaceKind {
    fn table(self) -> &'static str {
        match self {
            PlaceKind::District => "districts",
            PlaceKind::Neighborhood => "neighborhoods",
        }
    }
}

/// Stores (or, with `None`, removes) a place's checked GeoJSON boundary.
pub async fn set_boundary(
    tx: &mut Tx,
    kind: PlaceKind,
    id: i64,
    geojson: Option<&str>,
) -> Result<()> {
    let n = tx
        .execute(
            &Sql::new(&format!(
                "UPDATE {} SET boundary = $2 WHERE id = $1",
                kind.table()
            ))
            .bind(id)
            .bind(geojson),
        )
        .await?;
    if n == 0 {
        return Err(crate::DbError::NotFound);
    }
    Ok(())
}

/// A code is taken by another district or neighborhood.
pub async fn code_taken(
    store: &Store,
    kind: PlaceKind,
    code: &str,
    except: Option<i64>,
) -> Result<bool> {
    let n = store
        .scalar(
            &Sql::new(&format!(
                "SELECT COUNT(*) FROM {} WHERE code = $1 AND id <> $2",
                kind.table()
            ))
            .bind(code)
            .bind(except.unwrap_or(0)),
        )
        .await?;
    Ok(n > 0)
}

/// Whether another district has this number.
pub async fn number_taken(store: &Store, number: i64, except: Option<i64>) -> Result<bool> {
    let n = store
        .scalar(
            &Sql::new("SELECT COUNT(*) FROM districts WHERE number = $1 AND id <> $2")
                .bind(number)
                .bind(except.unwrap_or(0)),
        )
        .await?;
    Ok(n > 0)
}
