//! Occasions, their organisers and the places they are held with the participation counted.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Occasion {
    pub id: i64,
    /// Shared by the same occasion in every year, like `GHADIR`.
    pub code: String,
    /// religious, national or local
    pub kind: String,
    pub name_fa: String,
    pub name_en: String,
    pub description: String,
    /// A district's own occasion; none for the city's.
    pub district_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// People taking part, over its places.
    pub participants: i64,
    pub places: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct OccasionFields<'a> {
    pub code: &'a str,
    pub kind: &'a str,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub description: &'a str,
    pub district_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A place an occasion is held, with the people who took part there.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct OccasionPlace {
    pub neighborhood_id: i64,
    pub neighborhood_fa: String,
    pub neighborhood_en: String,
    pub district_id: i64,
    pub district_number: i64,
    pub partner_place_id: Option<i64>,
    pub partner_fa: Option<String>,
    pub partner_en: Option<String>,
    pub participants: Option<i64>,
}

/// A place as written: the neighborhood (and its district), a partner place in it, the count.
#[derive(Debug, Clone, Copy)]
pub struct PlaceRow {
    pub neighborhood_id: i64,
    pub district_id: i64,
    pub partner_place_id: Option<i64>,
    pub participants: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Organiser {
    pub organisation_id: i64,
    pub name_fa: String,
    pub name_en: String,
}

const SELECT: &str = "SELECT o.id, o.code, o.kind, o.name_fa, o.name_en, o.description, o.district_id, o.starts_on, \
     o.ends_on, \
     (SELECT CAST(COALESCE(SUM(p.participants), 0) AS BIGINT) FROM occasion_places p WHERE p.occasion_id = o.id) AS participants, \
     (SELECT COUNT(*) FROM occasion_places p WHERE p.occasion_id = o.id) AS places, \
     o.created_at, o.updated_at FROM occasions o";

/// Occasions starting in `from..to` (all when none), the latest first.
pub async fn list(
    store: &Store,
    q: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Occasion>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE 1 = 1");
    if let Some(f) = from {
        sql.push(" AND o.starts_on >= ").arg(f);
    }
    if let Some(t) = to {
        sql.push(" AND o.starts_on < ").arg(t);
    }
    sql.search("o.search_key", &mahalle_core::text::search_terms(q));
    sql.push(" ORDER BY o.starts_on DESC, o.id DESC LIMIT 1000");
    store.fetch_all(&sql).await
}

pub async fn get(store: &Store, id: i64) -> Result<Occasion> {
    store
        .fetch_one(&Sql::new(&format!("{SELECT} WHERE o.id = $1")).bind(id))
        .await
}

/// Occasions of these codes starting in `from..to`, the latest first (the years before of a
/// whole list, in one query).
pub async fn earlier(
    store: &Store,
    codes: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Occasion>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE o.starts_on >= ")
        .arg(from)
        .push(" AND o.starts_on < ")
        .arg(to)
        .push(" AND o.code IN (");
    for (i, c) in codes.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.arg(*c);
    }
    sql.push(") ORDER BY o.starts_on DESC, o.id DESC");
    store.fetch_all(&sql).await
}

pub async fn places(store: &Store, id: i64) -> Result<Vec<OccasionPlace>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT p.neighborhood_id, n.name_fa AS neighborhood_fa, n.name_en AS neighborhood_en, p.district_id, \
                 d.number AS district_number, p.partner_place_id, pp.name_fa AS partner_fa, pp.name_en AS partner_en, \
                 p.participants FROM occasion_places p JOIN neighborhoods n ON n.id = p.neighborhood_id \
                 JOIN districts d ON d.id = p.district_id LEFT JOIN partner_places pp ON pp.id = p.partner_place_id \
                 WHERE p.occasion_id = $1 ORDER BY d.number, n.sort_key, p.id",
            )
            .bind(id),
        )
        .await
}

pub async fn organisers(store: &Store, id: i64) -> Result<Vec<Organiser>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT x.organisation_id, g.name_fa, g.name_en FROM occasion_organisers x \
                 JOIN organisations g ON g.id = x.organisation_id WHERE x.occasion_id = $1 ORDER BY g.sort_key",
            )
            .bind(id),
        )
        .await
}

fn key(o: &OccasionFields<'_>) -> String {
    search_key(&format!("{} {} {}", o.code, o.name_fa, o.name_en))
}

pub async fn create(
    tx: &mut Tx,
    o: &OccasionFields<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO occasions (code, kind, name_fa, name_en, description, district_id, starts_on, ends_on, \
             search_key, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(o.code)
        .bind(o.kind)
        .bind(o.name_fa)
        .bind(o.name_en)
        .bind(o.description)
        .bind(o.district_id)
        .bind(o.starts_on)
        .bind(o.ends_on)
        .bind(key(o))
        .bind(Some(by).filter(|b| *b > 0))
        .bind(now),
    )
    .await
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    o: &OccasionFields<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE occasions SET code = $1, kind = $2, name_fa = $3, name_en = $4, description = $5, district_id = $6, \
             starts_on = $7, ends_on = $8, search_key = $9, updated_at = $10 WHERE id = $11",
        )
        .bind(o.code)
        .bind(o.kind)
        .bind(o.name_fa)
        .bind(o.name_en)
        .bind(o.description)
        .bind(o.district_id)
        .bind(o.starts_on)
        .bind(o.ends_on)
        .bind(key(o))
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_organisers(tx: &mut Tx, id: i64, organisations: &[i64]) -> Result<()> {
    tx.execute(&Sql::new("DELETE FROM occasion_organisers WHERE occasion_id = $1").bind(id))
        .await?;
    for o in organisations {
        tx.execute(
            &Sql::new(
                "INSERT INTO occasion_organisers (occasion_id, organisation_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(*o),
        )
        .await?;
    }
    Ok(())
}

/// Replaces an occasion's places and their counts.
pub async fn set_places(tx: &mut Tx, id: i64, places: &[PlaceRow]) -> Result<()> {
    tx.execute(&Sql::new("DELETE FROM occasion_places WHERE occasion_id = $1").bind(id))
        .await?;
    for p in places {
        tx.execute(
            &Sql::new(
                "INSERT INTO occasion_places (occasion_id, neighborhood_id, district_id, partner_place_id, participants) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(p.neighborhood_id)
            .bind(p.district_id)
            .bind(p.partner_place_id)
            .bind(p.participants),
        )
        .await?;
    }
    Ok(())
}

/// Marks an occasion changed (its places were).
pub async fn touch(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE occasions SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Whether any occasion exists (the demo adds its own once).
pub async fn any(tx: &mut Tx) -> Result<bool> {
    Ok(tx
        .scalar(&Sql::new("SELECT COUNT(*) FROM occasions"))
        .await?
        > 0)
}
