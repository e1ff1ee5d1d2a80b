//! Campaigns, their partner organisations and the indicators they are measured by, each with
//! the campaign's target. Coverage is read from the indicators' counts, never stored here.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub description: String,
    /// The headquarters that owns it.
    pub owner_id: i64,
    pub owner_fa: String,
    pub owner_en: String,
    pub starts_on: NaiveDate,
    /// Its last day.
    pub ends_on: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An indicator a campaign is measured by, with the campaign's target for it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CampaignIndicator {
    pub indicator_id: i64,
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub factor: i64,
    pub direction: String,
    pub target: f64,
}

/// A partner organisation of a campaign.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CampaignPartner {
    pub organisation_id: i64,
    pub name_fa: String,
    pub name_en: String,
}

/// A campaign's own fields as written.
#[derive(Debug, Clone)]
pub struct CampaignFields<'a> {
    pub code: &'a str,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub description: &'a str,
    pub owner_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

const SELECT: &str = "SELECT c.id, c.code, c.name_fa, c.name_en, c.description, c.owner_id, \
     o.name_fa AS owner_fa, o.name_en AS owner_en, c.starts_on, c.ends_on, c.created_at, c.updated_at \
     FROM campaigns c JOIN organisations o ON o.id = c.owner_id";

/// Campaigns, the latest first, optionally matching words of their code or names.
pub async fn list(store: &Store, q: &str) -> Result<Vec<Campaign>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE 1 = 1")
        .search("c.search_key", &mahalle_core::text::search_terms(q));
    sql.push(" ORDER BY c.starts_on DESC, c.id DESC LIMIT 1000");
    store.fetch_all(&sql).await
}

pub async fn get(store: &Store, id: i64) -> Result<Campaign> {
    store
        .fetch_one(&Sql::new(&format!("{SELECT} WHERE c.id = $1")).bind(id))
        .await
}

pub async fn indicators_of(store: &Store, id: i64) -> Result<Vec<CampaignIndicator>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT ci.indicator_id, i.code, i.name_fa, i.name_en, i.factor, i.direction, ci.target \
                 FROM campaign_indicators ci JOIN indicators i ON i.id = ci.indicator_id \
                 WHERE ci.campaign_id = $1 ORDER BY ci.position",
            )
            .bind(id),
        )
        .await
}

pub async fn partners_of(store: &Store, id: i64) -> Result<Vec<CampaignPartner>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT p.organisation_id, o.name_fa, o.name_en FROM campaign_partners p \
                 JOIN organisations o ON o.id = p.organisation_id WHERE p.campaign_id = $1 ORDER BY o.sort_key",
            )
            .bind(id),
        )
        .await
}

pub async fn code_taken(store: &Store, code: &str, except: Option<i64>) -> Result<bool> {
    let n: i64 = store
        .scalar(
            &Sql::new("SELECT COUNT(*) FROM campaigns WHERE code = $1 AND id <> $2")
                .bind(code)
                .bind(except.unwrap_or(0)),
        )
        .await?;
    Ok(n > 0)
}

fn key(c: &CampaignFields<'_>) -> String {
    search_key(&format!("{} {} {}", c.code, c.name_fa, c.name_en))
}

pub async fn create(
    tx: &mut Tx,
    c: &CampaignFields<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO campaigns (code, name_fa, name_en, description, owner_id, starts_on, ends_on, search_key, \
             created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(c.code)
        .bind(c.name_fa)
        .bind(c.name_en)
        .bind(c.description)
        .bind(c.owner_id)
        .bind(c.starts_on)
        .bind(c.ends_on)
        .bind(key(c))
        .bind(by)
        .bind(now),
    )
    .await
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    c: &CampaignFields<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE campaigns SET code = $1, name_fa = $2, name_en = $3, description = $4, owner_id = $5, \
             starts_on = $6, ends_on = $7, search_key = $8, updated_at = $9 WHERE id = $10",
        )
        .bind(c.code)
        .bind(c.name_fa)
        .bind(c.name_en)
        .bind(c.description)
        .bind(c.owner_id)
        .bind(c.starts_on)
        .bind(c.ends_on)
        .bind(key(c))
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

/// Replaces a campaign's partners.
pub async fn set_partners(tx: &mut Tx, id: i64, organisations: &[i64]) -> Result<()> {
    tx.execute(&Sql::new("DELETE FROM campaign_partners WHERE campaign_id = $1").bind(id))
        .await?;
    for o in organisations {
        tx.execute(
            &Sql::new(
                "INSERT INTO campaign_partners (campaign_id, organisation_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(*o),
        )
        .await?;
    }
    Ok(())
}

/// Replaces a campaign's indicators and targets, in the order given.
pub async fn set_indicators(tx: &mut Tx, id: i64, targets: &[(i64, f64)]) -> Result<()> {
    tx.execute(&Sql::new("DELETE FROM campaign_indicators WHERE campaign_id = $1").bind(id))
        .await?;
    for (position, (indicator, target)) in targets.iter().enumerate() {
        tx.execute(
            &Sql::new(
                "INSERT INTO campaign_indicators (campaign_id, indicator_id, target, position) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(*indicator)
            .bind(*target)
            .bind(position as i64),
        )
        .await?;
    }
    Ok(())
}

/// Whether any campaign exists (the demo adds its own once).
pub async fn any(tx: &mut Tx) -> Result<bool> {
    Ok(tx
        .scalar(&Sql::new("SELECT COUNT(*) FROM campaigns"))
        .await?
        > 0)
}
