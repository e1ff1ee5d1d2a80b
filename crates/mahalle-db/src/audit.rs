//! The audit log: who changed what, when, with the state before and after. Written in the same
//! transaction as the change it records.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The delegation the change was made through, if any.
    pub delegation_id: Option<i64>,
}

pub struct Change<'a> {
    pub user_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub async fn record(tx: &mut Tx, c: Change<'_>) -> Result<()> {
    record_under(tx, c, None).await
}

/// Records a change made through a delegation of authority (none: by the user's own role).
pub async fn record_under(tx: &mut Tx, c: Change<'_>, delegation: Option<i64>) -> Result<()> {
    tx.execute(
        &Sql::new(
            "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before, after, delegation_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Utc::now())
        .bind(c.user_id)
        .bind(c.action)
        .bind(c.entity)
        .bind(c.entity_id)
        .bind(c.before.map(|v| v.to_string()))
        .bind(c.after.map(|v| v.to_string()))
        .bind(delegation),
    )
    .await?;
    Ok(())
}

/// Records what a signed-in user did to one record (the short form of [`record`]).
pub async fn log(
    tx: &mut Tx,
    user_id: i64,
    action: &str,
    entity: &str,
    entity_id: i64,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<()> {
    record(
        tx,
        Change {
            user_id: Some(user_id),
            action,
            entity,
            entity_id: Some(entity_id),
            before,
            after,
        },
    )
    .await
}

/// The latest entries, newest first.
pub async fn recent(store: &Store, limit: i64) -> Result<Vec<Entry>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT a.id, a.at, a.user_id, u.username, a.action, a.entity, a.entity_id, a.before, a.after, \
                 a.delegation_id FROM audit_log a LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT $1",
            )
            .bind(limit),
        )
        .await
}

/// The changes made through a delegation, newest first.
pub async fn under_delegation(store: &Store, delegation: i64, limit: i64) -> Result<Vec<Entry>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT a.id, a.at, a.user_id, u.username, a.action, a.entity, a.entity_id, a.before, a.after, \
                 a.delegation_id FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
                 WHERE a.delegation_id = $1 ORDER BY a.id DESC LIMIT $2",
            )
            .bind(delegation)
            .bind(limit),
        )
        .await
}
