//! Keys of Open311 clients (apps and partners submitting requests), kept as hashes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn create_api_key(
    tx: &mut Tx,
    name: &str,
    key_hash: &str,
    prefix: &str,
    created_by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO api_keys (name, key_hash, prefix, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name)
        .bind(key_hash)
        .bind(prefix)
        .bind(created_by)
        .bind(at),
    )
    .await
}

pub async fn api_keys(store: &Store) -> Result<Vec<ApiKey>> {
    store
        .fetch_all(&Sql::new(
            "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys ORDER BY revoked_at IS NOT NULL, id DESC",
        ))
        .await
}

/// The live key with this hash.
pub async fn api_key_by_hash(store: &Store, key_hash: &str) -> Result<Option<i64>> {
    store
        .fetch_optional::<(i64,)>(
            &Sql::new("SELECT id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
                .bind(key_hash),
        )
        .await
        .map(|r| r.map(|r| r.0))
}

pub async fn touch_api_key(store: &Store, id: i64, at: DateTime<Utc>) -> Result<()> {
    store
        .execute(
            &Sql::new("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(at)
                .bind(id),
        )
        .await?;
    Ok(())
}

/// Revokes a key; false when there is no live key with this id.
pub async fn revoke_api_key(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<bool> {
    Ok(tx
        .execute(
            &Sql::new("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(at)
                .bind(id),
        )
        .await?
        > 0)
}
