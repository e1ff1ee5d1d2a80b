//! Districts (مناطق) and neighborhoods (محلات).

use chrono::Utc;
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
    /// How many neighborhoods the district has.
    pub neighborhoods: i64,
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
}

/// A place's boundary as stored (GeoJSON text), fetched apart because lists don't need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Boundary {
    pub boundary: Option<String>,
}

pub const DISTRICT_SORTS: &[&str] = &["number", "population", "neighborhoods"];
pub const NEIGHBORHOOD_SORTS: &[&str] = &["name", "code", "population", "district"];

const DISTRICT_SELECT: &str = "SELECT d.id, d.code, d.number, d.name_fa, d.name_en, d.population, d.area_km2, \
     (SELECT COUNT(*) FROM neighborhoods n WHERE n.district_id = d.id) AS neighborhoods FROM districts d";

const NEIGHBORHOOD_SELECT: &str =
    "SELECT n.id, n.district_id, d.number AS district_number, n.code, n.name_fa, \
     n.name_en, n.population FROM neighborhoods n JOIN districts d ON d.id = n.district_id";

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

pub async fn list_districts(store: &Store, l: &Listing) -> Result<Paged<District>> {
    let mut count = Sql::new("SELECT COUNT(*) FROM districts d WHERE 1=1");
    count.search("d.search_key", &l.terms);
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(DISTRICT_SELECT);
    sql.push(" WHERE 1=1").search("d.search_key", &l.terms);
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

/// (id, code, number, Persian name, English name) of every district, for matching typed names.
pub async fn district_names(store: &Store) -> Result<Vec<(i64, String, i64, String, String)>> {
    store
        .fetch_all(&Sql::new(
            "SELECT id, code, number, name_fa, name_en FROM districts",
        ))
        .await
}

/// (id, district id, code, Persian name, English name) of every neighborhood.
pub async fn neighborhood_names(store: &Store) -> Result<Vec<(i64, i64, String, String, String)>> {
    store
        .fetch_all(&Sql::new(
            "SELECT id, district_id, code, name_fa, name_en FROM neighborhoods",
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

/// Neighborhoods, optionally of one district.
pub async fn list_neighborhoods(
    store: &Store,
    district: Option<i64>,
    l: &Listing,
) -> Result<Paged<Neighborhood>> {
    let mut filter = Sql::new(" WHERE 1=1");
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

/// Every neighborhood, by district then Persian name (for choosers; a city has a few hundred).
pub async fn all_neighborhoods(store: &Store) -> Result<Vec<Neighborhood>> {
    let mut sql = Sql::new(NEIGHBORHOOD_SELECT);
    sql.push(" ORDER BY d.number, n.sort_key, n.id LIMIT 5000");
    store.fetch_all(&sql).await
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
