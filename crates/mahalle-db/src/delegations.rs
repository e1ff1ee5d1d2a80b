//! Delegations of authority: who handed which power to whom, over what and for which days, and
//! the actions taken through each (audit rows that name it).

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::paging::{Listing, Paged};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Delegation {
    pub id: i64,
    pub from_user_id: i64,
    pub from_name: String,
    pub to_user_id: i64,
    pub to_name: String,
    /// decide_extensions, create_resolutions or act_for_organisation
    pub power: String,
    /// The district a territorial power covers; none (with no organisation) for the whole city.
    pub district_id: Option<i64>,
    pub district_number: Option<i64>,
    /// The organisation acted for.
    pub organisation_id: Option<i64>,
    pub organisation_fa: Option<String>,
    pub organisation_en: Option<String>,
    pub starts_on: NaiveDate,
    /// The last day in force.
    pub ends_on: NaiveDate,
    /// Whether the person it is given to may delegate it onward.
    pub may_redelegate: bool,
    /// The delegation it was made from (an onward delegation).
    pub parent_id: Option<i64>,
    /// The order or letter it rests on, and any conditions.
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by_name: Option<String>,
    pub revoke_reason: String,
    /// Actions taken through it.
    pub actions: i64,
}

/// The columns a permission check needs of a delegation in force.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InForce {
    pub id: i64,
    pub from_user_id: i64,
    pub power: String,
    pub district_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub may_redelegate: bool,
    pub ends_on: NaiveDate,
    pub parent_id: Option<i64>,
}

pub struct NewDelegation<'a> {
    pub from_user_id: i64,
    pub to_user_id: i64,
    pub power: &'a str,
    pub district_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub may_redelegate: bool,
    pub parent_id: Option<i64>,
    pub note: &'a str,
}

/// What a list selects: a person's (given or received; every one when none), a state on a day,
/// a power.
#[derive(Debug, Clone, Default)]
pub struct DelegationFilter<'a> {
    pub involving: Option<i64>,
    /// active, upcoming, ended or revoked, as of `today`.
    pub state: Option<&'a str>,
    pub today: Option<NaiveDate>,
    pub power: Option<&'a str>,
}

const SELECT: &str = "SELECT x.id, x.from_user_id, f.display_name AS from_name, x.to_user_id, t.display_name AS to_name, \
     x.power, x.district_id, d.number AS district_number, x.organisation_id, g.name_fa AS organisation_fa, \
     g.name_en AS organisation_en, x.starts_on, x.ends_on, x.may_redelegate, x.parent_id, x.note, x.created_at, \
     x.revoked_at, r.display_name AS revoked_by_name, x.revoke_reason, \
     (SELECT COUNT(*) FROM audit_log a WHERE a.delegation_id = x.id) AS actions \
     FROM delegations x JOIN users f ON f.id = x.from_user_id JOIN users t ON t.id = x.to_user_id \
     LEFT JOIN districts d ON d.id = x.district_id LEFT JOIN organisations g ON g.id = x.organisation_id \
     LEFT JOIN users r ON r.id = x.revoked_by";

const IN_FORCE: &str = "SELECT id, from_user_id, power, district_id, organisation_id, may_redelegate, ends_on, parent_id \
     FROM delegations WHERE revoked_at IS NULL AND starts_on <= $2 AND ends_on >= $2";

/// The delegations given to a user that are in force on `today` (not revoked, within their days).
pub async fn in_force_for(store: &Store, user_id: i64, today: NaiveDate) -> Result<Vec<InForce>> {
    store
        .fetch_all(
            &Sql::new(&format!("{IN_FORCE} AND to_user_id = $1 ORDER BY id"))
                .bind(user_id)
                .bind(today),
        )
        .await
}

/// One delegation if it is in force on `today` (checking the chain an onward one rests on).
pub async fn in_force(store: &Store, id: i64, today: NaiveDate) -> Result<Option<InForce>> {
    store
        .fetch_optional(
            &Sql::new(&format!("{IN_FORCE} AND id = $1"))
                .bind(id)
                .bind(today),
        )
        .await
}

fn filter(f: &DelegationFilter<'_>) -> Sql {
    let mut sql = Sql::new(" WHERE 1=1");
    if let Some(u) = f.involving {
        sql.push(" AND (x.from_user_id = ")
            .arg(u)
            .push(" OR x.to_user_id = ")
            .arg(u)
            .push(")");
    }
    if let Some(p) = f.power {
        sql.push(" AND x.power = ").arg(p);
    }
    if let (Some(state), Some(today)) = (f.state, f.today) {
        match state {
            "revoked" => {
                sql.push(" AND x.revoked_at IS NOT NULL");
            }
            "upcoming" => {
                sql.push(" AND x.revoked_at IS NULL AND x.starts_on > ")
                    .arg(today);
            }
            "ended" => {
                sql.push(" AND x.revoked_at IS NULL AND x.ends_on < ")
                    .arg(today);
            }
            _ => {
                sql.push(" AND x.revoked_at IS NULL AND x.starts_on <= ")
                    .arg(today)
                    .push(" AND x.ends_on >= ")
                    .arg(today);
            }
        }
    }
    sql
}

/// A page of delegations, the latest first.
pub async fn list(
    store: &Store,
    f: &DelegationFilter<'_>,
    l: &Listing,
) -> Result<Paged<Delegation>> {
    let w = filter(f);
    let mut count = Sql::new("SELECT COUNT(*) FROM delegations x");
    count.push(&w.text);
    count.args = w.args.clone();
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(SELECT);
    sql.push(&w.text);
    sql.args = w.args;
    sql.page("x.starts_on", "x.id", true, l.per_page, l.offset());
    Ok(Paged {
        items: store.fetch_all(&sql).await?,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

pub async fn get(store: &Store, id: i64) -> Result<Delegation> {
    store
        .fetch_one(&Sql::new(&format!("{SELECT} WHERE x.id = $1")).bind(id))
        .await
}

/// Delegations made from this one (onward).
pub async fn children(store: &Store, id: i64) -> Result<Vec<Delegation>> {
    store
        .fetch_all(&Sql::new(&format!("{SELECT} WHERE x.parent_id = $1 ORDER BY x.id")).bind(id))
        .await
}

pub async fn create(tx: &mut Tx, d: &NewDelegation<'_>, now: DateTime<Utc>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO delegations (from_user_id, to_user_id, power, district_id, organisation_id, starts_on, ends_on, \
             may_redelegate, parent_id, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(d.from_user_id)
        .bind(d.to_user_id)
        .bind(d.power)
        .bind(d.district_id)
        .bind(d.organisation_id)
        .bind(d.starts_on)
        .bind(d.ends_on)
        .bind(d.may_redelegate)
        .bind(d.parent_id)
        .bind(d.note)
        .bind(now),
    )
    .await
}

/// Revokes a delegation and every one made from it, directly or further on, that is not yet
/// revoked; returns the ids revoked (none when it already was).
pub async fn revoke(
    tx: &mut Tx,
    id: i64,
    by: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let ids: Vec<(i64,)> = tx
        .fetch_all(
            &Sql::new(
                "WITH RECURSIVE tree(id) AS (SELECT id FROM delegations WHERE id = $1 \
                 UNION SELECT c.id FROM delegations c JOIN tree ON c.parent_id = tree.id) \
                 SELECT x.id FROM delegations x JOIN tree ON tree.id = x.id WHERE x.revoked_at IS NULL ORDER BY x.id",
            )
            .bind(id),
        )
        .await?;
    let ids: Vec<i64> = ids.into_iter().map(|(i,)| i).collect();
    for &i in &ids {
        tx.execute(
            &Sql::new(
                "UPDATE delegations SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 \
                 WHERE id = $4 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(by)
            .bind(reason)
            .bind(i),
        )
        .await?;
    }
    Ok(ids)
}

/// Whether the user is active (a delegation goes only to an account that can sign in).
pub async fn user_active(store: &Store, id: i64) -> Result<Option<bool>> {
    let row: Option<(bool,)> = store
        .fetch_optional(&Sql::new("SELECT active FROM users WHERE id = $1").bind(id))
        .await?;
    Ok(row.map(|(a,)| a))
}

/// The active accounts a delegation can go to: id and name, by name.
pub async fn people(store: &Store) -> Result<Vec<(i64, String)>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT id, display_name FROM users WHERE active = $1 ORDER BY display_name, id",
            )
            .bind(true),
        )
        .await
}

/// Whether a delegation is revoked (read inside the transaction that passes it on).
pub async fn revoked(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .scalar(
            &Sql::new("SELECT COUNT(*) FROM delegations WHERE id = $1 AND revoked_at IS NOT NULL")
                .bind(id),
        )
        .await?
        > 0)
}

/// Whether any delegation is recorded (the demo adds its own only once).
pub async fn any(tx: &mut Tx) -> Result<bool> {
    Ok(tx
        .scalar(&Sql::new("SELECT COUNT(*) FROM delegations"))
        .await?
        > 0)
}
