//! Partner places of neighborhoods' people's networks.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::collate::sort_key;
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PartnerPlace {
    pub id: i64,
    pub neighborhood_id: i64,
    pub neighborhood_name_fa: String,
    pub neighborhood_name_en: String,
    pub district_id: i64,
    pub district_number: i64,
    /// mosque, school, university, cultural_centre, health_house, library, sports or other
    pub kind: String,
    pub name_fa: String,
    pub name_en: String,
    pub address: String,
    pub phone: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Designated a model (آرمانی) place on this day.
    pub model_since: Option<NaiveDate>,
    pub retired_on: Option<NaiveDate>,
}

pub const PARTNER_SORTS: &[&str] = &["name", "kind", "district", "model"];

const SELECT: &str = "SELECT pp.id, pp.neighborhood_id, n.name_fa AS neighborhood_name_fa, n.name_en AS neighborhood_name_en, \
     pp.district_id, d.number AS district_number, pp.kind, pp.name_fa, pp.name_en, pp.address, pp.phone, pp.lat, pp.lon, \
     pp.model_since, pp.retired_on FROM partner_places pp JOIN neighborhoods n ON n.id = pp.neighborhood_id \
     JOIN districts d ON d.id = pp.district_id";

fn order(sort: &str) -> &'static str {
    match sort {
        "kind" => "pp.kind",
        "district" => "d.number",
        "model" => "pp.model_since",
        _ => "pp.sort_key",
    }
}

/// Which partner places a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct PartnerFilter<'a> {
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub kind: Option<&'a str>,
    /// Only places designated model.
    pub model: bool,
    pub with_retired: bool,
}

fn filter(f: &PartnerFilter<'_>, terms: &[String]) -> Sql {
    let mut sql = Sql::new(" WHERE 1=1");
    if let Some(d) = f.district_id {
        sql.push(" AND pp.district_id = ").arg(d);
    }
    if let Some(n) = f.neighborhood_id {
        sql.push(" AND pp.neighborhood_id = ").arg(n);
    }
    if let Some(k) = f.kind {
        sql.push(" AND pp.kind = ").arg(k.to_string());
    }
    if f.model {
        sql.push(" AND pp.model_since IS NOT NULL");
    }
    if !f.with_retired {
        sql.push(" AND pp.retired_on IS NULL");
    }
    sql.search("pp.search_key", terms);
    sql
}

pub async fn list(
    store: &Store,
    f: &PartnerFilter<'_>,
    l: &Listing,
) -> Result<Paged<PartnerPlace>> {
    let w = filter(f, &l.terms);
    let mut count = Sql::new("SELECT COUNT(*) FROM partner_places pp");
    count.push(&w.text);
    count.args = w.args.clone();
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(SELECT);
    sql.push(&w.text);
    sql.args = w.args;
    sql.page(order(l.sort), "pp.id", l.desc, l.per_page, l.offset());
    Ok(Paged {
        items: store.fetch_all(&sql).await?,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

/// Every place a filter selects, up to `limit` (exports, maps).
pub async fn all(store: &Store, f: &PartnerFilter<'_>, limit: i64) -> Result<Vec<PartnerPlace>> {
    let w = filter(f, &[]);
    let mut sql = Sql::new(SELECT);
    sql.push(&w.text);
    sql.args = w.args;
    sql.push(" ORDER BY d.number, pp.sort_key, pp.id LIMIT ")
        .arg(limit);
    store.fetch_all(&sql).await
}

pub async fn get(store: &Store, id: i64) -> Result<PartnerPlace> {
    store
        .fetch_one(&Sql::new(&format!("{SELECT} WHERE pp.id = $1")).bind(id))
        .await
}

/// A partner place as the registry form keeps it.
pub struct PartnerFields<'a> {
    pub neighborhood_id: i64,
    pub district_id: i64,
    pub kind: &'a str,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub location: Option<(f64, f64)>,
    pub model_since: Option<NaiveDate>,
}

pub async fn create(tx: &mut Tx, p: &PartnerFields<'_>, now: DateTime<Utc>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO partner_places (neighborhood_id, district_id, kind, name_fa, name_en, address, phone, lat, lon, \
             model_since, search_key, sort_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             RETURNING id",
        )
        .bind(p.neighborhood_id)
        .bind(p.district_id)
        .bind(p.kind)
        .bind(p.name_fa)
        .bind(p.name_en)
        .bind(p.address)
        .bind(p.phone)
        .bind(p.location.map(|l| l.0))
        .bind(p.location.map(|l| l.1))
        .bind(p.model_since)
        .bind(search_key(&format!("{} {} {}", p.name_fa, p.name_en, p.address)))
        .bind(sort_key(p.name_fa))
        .bind(now),
    )
    .await
}

pub async fn update(tx: &mut Tx, id: i64, p: &PartnerFields<'_>) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE partner_places SET neighborhood_id = $2, district_id = $3, kind = $4, name_fa = $5, name_en = $6, \
             address = $7, phone = $8, lat = $9, lon = $10, model_since = $11, search_key = $12, sort_key = $13 WHERE id = $1",
        )
        .bind(id)
        .bind(p.neighborhood_id)
        .bind(p.district_id)
        .bind(p.kind)
        .bind(p.name_fa)
        .bind(p.name_en)
        .bind(p.address)
        .bind(p.phone)
        .bind(p.location.map(|l| l.0))
        .bind(p.location.map(|l| l.1))
        .bind(p.model_since)
        .bind(search_key(&format!("{} {} {}", p.name_fa, p.name_en, p.address)))
        .bind(sort_key(p.name_fa)),
    )
    .await?;
    Ok(())
}

/// Inserts a place for loaders, unless the neighborhood has one of that name; returns its id.
pub async fn upsert(tx: &mut Tx, p: &PartnerFields<'_>, now: DateTime<Utc>) -> Result<i64> {
    let found: Option<(i64,)> = tx
        .fetch_optional(
            &Sql::new("SELECT id FROM partner_places WHERE neighborhood_id = $1 AND name_fa = $2")
                .bind(p.neighborhood_id)
                .bind(p.name_fa),
        )
        .await?;
    match found {
        Some((id,)) => {
            update(tx, id, p).await?;
            Ok(id)
        }
        None => create(tx, p, now).await,
    }
}

/// Every current neighborhood with its district's id and number, for loaders.
pub async fn neighborhoods_for_loading(tx: &mut Tx) -> Result<Vec<(i64, i64, i64)>> {
    tx.fetch_all(&Sql::new(
        "SELECT n.id, n.district_id, d.number FROM neighborhoods n JOIN districts d ON d.id = n.district_id \
         WHERE n.retired_on IS NULL ORDER BY n.id",
    ))
    .await
}

/// Ties each imam to the mosque of their neighborhood that their title names.
pub async fn link_imams(tx: &mut Tx) -> Result<u64> {
    tx.execute(&Sql::new(
        "UPDATE pillars SET partner_place_id = (SELECT pp.id FROM partner_places pp WHERE pp.neighborhood_id = pillars.neighborhood_id \
         AND pp.name_fa = pillars.title AND pp.kind = 'mosque' ORDER BY pp.id LIMIT 1) WHERE kind = 'imam'",
    ))
    .await
}

/// The partner places of a neighborhood with the pillars (imams) serving there: (place, person
/// ids).
pub async fn of_neighborhood(store: &Store, neighborhood_id: i64) -> Result<Vec<PartnerPlace>> {
    all(
        store,
        &PartnerFilter {
            neighborhood_id: Some(neighborhood_id),
            ..Default::default()
        },
        500,
    )
    .await
}

/// The mosques imams serve, as their pillar titles name them: (neighborhood, mosque's name).
pub async fn imam_mosques(tx: &mut Tx) -> Result<Vec<(i64, String)>> {
    tx.fetch_all(&Sql::new(
        "SELECT DISTINCT neighborhood_id, title FROM pillars WHERE kind = 'imam' AND title <> '' ORDER BY neighborhood_id, title",
    ))
    .await
}
