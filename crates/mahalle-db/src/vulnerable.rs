//! Vulnerable areas and the interventions in them. An area's totals (interventions, cost, space
//! returned) are summed from its interventions when read: they are few per area.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Area {
    pub id: i64,
    pub name_fa: String,
    pub name_en: String,
    pub district_id: i64,
    pub district_number: i64,
    /// The neighborhood it is, or lies in; none for an area drawn across neighborhoods.
    pub neighborhood_id: Option<i64>,
    pub neighborhood_fa: Option<String>,
    pub neighborhood_en: Option<String>,
    pub reason: String,
    pub marked_on: NaiveDate,
    /// Listed for everyone, signed in or not.
    pub public: bool,
    /// Whether an outline was drawn for it (else the neighborhood's is used).
    pub drawn: bool,
    pub interventions: i64,
    /// Rials spent, over its interventions (summed as BIGINT: PostgreSQL would make a NUMERIC).
    pub cost: i64,
    /// Square metres of public space returned, over its interventions.
    pub space_m2: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct AreaFields<'a> {
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub district_id: i64,
    pub neighborhood_id: Option<i64>,
    pub boundary: Option<&'a str>,
    pub reason: &'a str,
    pub marked_on: NaiveDate,
    pub public: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Intervention {
    pub id: i64,
    pub area_id: i64,
    pub title: String,
    pub description: String,
    pub lead_org_id: i64,
    pub lead_fa: String,
    pub lead_en: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub cost: Option<i64>,
    pub space_m2: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct InterventionFields<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub lead_org_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub cost: Option<i64>,
    pub space_m2: Option<i64>,
}

/// A partner of an intervention.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct InterventionPartner {
    pub intervention_id: i64,
    pub organisation_id: i64,
    pub name_fa: String,
    pub name_en: String,
}

const SELECT: &str = "SELECT a.id, a.name_fa, a.name_en, a.district_id, d.number AS district_number, a.neighborhood_id, \
     n.name_fa AS neighborhood_fa, n.name_en AS neighborhood_en, a.reason, a.marked_on, a.public, \
     a.boundary IS NOT NULL AS drawn, \
     (SELECT COUNT(*) FROM interventions i WHERE i.area_id = a.id) AS interventions, \
     (SELECT CAST(COALESCE(SUM(i.cost), 0) AS BIGINT) FROM interventions i WHERE i.area_id = a.id) AS cost, \
     (SELECT CAST(COALESCE(SUM(i.space_m2), 0) AS BIGINT) FROM interventions i WHERE i.area_id = a.id) AS space_m2, \
     a.created_at, a.updated_at \
     FROM vulnerable_areas a JOIN districts d ON d.id = a.district_id \
     LEFT JOIN neighborhoods n ON n.id = a.neighborhood_id";

/// Which areas a list shows.
#[derive(Debug, Clone, Default)]
pub struct AreaFilter {
    pub district: Option<i64>,
    pub public_only: bool,
    pub q: String,
}

fn filtered(f: &AreaFilter, head: &str) -> Sql {
    let mut sql = Sql::new(head);
    sql.push(" WHERE 1 = 1");
    if let Some(d) = f.district {
        sql.push(" AND a.district_id = ").arg(d);
    }
    if f.public_only {
        sql.push(" AND a.public = ").arg(true);
    }
    sql.search("a.search_key", &mahalle_core::text::search_terms(&f.q));
    sql
}

/// Areas, by district and name.
pub async fn list(store: &Store, f: &AreaFilter) -> Result<Vec<Area>> {
    let mut sql = filtered(f, SELECT);
    sql.push(" ORDER BY d.number, a.name_fa, a.id LIMIT 2000");
    store.fetch_all(&sql).await
}

/// The square metres of public space returned in the areas a filter shows.
pub async fn space_returned(store: &Store, f: &AreaFilter) -> Result<i64> {
    let sql = filtered(
        f,
        "SELECT CAST(COALESCE(SUM(i.space_m2), 0) AS BIGINT) FROM interventions i JOIN vulnerable_areas a ON a.id = i.area_id",
    );
    store.scalar(&sql).await
}

pub async fn get(store: &Store, id: i64) -> Result<Area> {
    store
        .fetch_one(&Sql::new(&format!("{SELECT} WHERE a.id = $1")).bind(id))
        .await
}

/// Areas' outlines by id: the one drawn for each, else its neighborhood's (areas with neither
/// are left out), in one query for a whole map.
pub async fn outlines(store: &Store, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT a.id, COALESCE(a.boundary, n.boundary) AS boundary FROM vulnerable_areas a \
         LEFT JOIN neighborhoods n ON n.id = a.neighborhood_id \
         WHERE COALESCE(a.boundary, n.boundary) IS NOT NULL AND a.id IN (",
    );
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.arg(*id);
    }
    sql.push(")");
    store.fetch_all(&sql).await
}

fn key(a: &AreaFields<'_>) -> String {
    search_key(&format!("{} {} {}", a.name_fa, a.name_en, a.reason))
}

pub async fn create(tx: &mut Tx, a: &AreaFields<'_>, by: i64, now: DateTime<Utc>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO vulnerable_areas (name_fa, name_en, district_id, neighborhood_id, boundary, reason, marked_on, \
             public, search_key, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(a.name_fa)
        .bind(a.name_en)
        .bind(a.district_id)
        .bind(a.neighborhood_id)
        .bind(a.boundary)
        .bind(a.reason)
        .bind(a.marked_on)
        .bind(a.public)
        .bind(key(a))
        .bind(Some(by).filter(|b| *b > 0))
        .bind(now),
    )
    .await
}

pub async fn update(tx: &mut Tx, id: i64, a: &AreaFields<'_>, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE vulnerable_areas SET name_fa = $1, name_en = $2, district_id = $3, neighborhood_id = $4, \
             boundary = $5, reason = $6, marked_on = $7, public = $8, search_key = $9, updated_at = $10 WHERE id = $11",
        )
        .bind(a.name_fa)
        .bind(a.name_en)
        .bind(a.district_id)
        .bind(a.neighborhood_id)
        .bind(a.boundary)
        .bind(a.reason)
        .bind(a.marked_on)
        .bind(a.public)
        .bind(key(a))
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn interventions(store: &Store, area: i64) -> Result<Vec<Intervention>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT i.id, i.area_id, i.title, i.description, i.lead_org_id, o.name_fa AS lead_fa, o.name_en AS lead_en, \
                 i.starts_on, i.ends_on, i.cost, i.space_m2, i.created_at FROM interventions i \
                 JOIN organisations o ON o.id = i.lead_org_id WHERE i.area_id = $1 ORDER BY i.starts_on, i.id",
            )
            .bind(area),
        )
        .await
}

pub async fn partners(store: &Store, area: i64) -> Result<Vec<InterventionPartner>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT p.intervention_id, p.organisation_id, o.name_fa, o.name_en FROM intervention_partners p \
                 JOIN interventions i ON i.id = p.intervention_id JOIN organisations o ON o.id = p.organisation_id \
                 WHERE i.area_id = $1 ORDER BY p.intervention_id, o.sort_key",
            )
            .bind(area),
        )
        .await
}

pub async fn add_intervention(
    tx: &mut Tx,
    area: i64,
    i: &InterventionFields<'_>,
    partners: &[i64],
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = tx
        .scalar(
            &Sql::new(
                "INSERT INTO interventions (area_id, title, description, lead_org_id, starts_on, ends_on, cost, space_m2, \
                 created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(area)
            .bind(i.title)
            .bind(i.description)
            .bind(i.lead_org_id)
            .bind(i.starts_on)
            .bind(i.ends_on)
            .bind(i.cost)
            .bind(i.space_m2)
            .bind(Some(by).filter(|b| *b > 0))
            .bind(now),
        )
        .await?;
    for o in partners {
        tx.execute(
            &Sql::new("INSERT INTO intervention_partners (intervention_id, organisation_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*o),
        )
        .await?;
    }
    Ok(id)
}

/// Whether any area exists (the demo adds its own once).
pub async fn any(tx: &mut Tx) -> Result<bool> {
    Ok(tx
        .scalar(&Sql::new("SELECT COUNT(*) FROM vulnerable_areas"))
        .await?
        > 0)
}
