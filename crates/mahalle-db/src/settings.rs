//! Small key/value facts about the installation (e.g. which demo version is loaded).

use crate::{Result, Sql, Store, Tx};

pub async fn get(store: &Store, key: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = store
        .fetch_optional(&Sql::new("SELECT value FROM settings WHERE key = $1").bind(key))
        .await?;
    Ok(row.map(|r| r.0))
}

pub async fn set(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    tx.execute(
        &Sql::new("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value),
    )
    .await?;
    Ok(())
}

/// Stores `value` under `key` unless the key has one already; returns the value kept (another
/// process may have stored its own first).
pub async fn get_or_insert(store: &Store, key: &str, value: &str) -> Result<String> {
    store
        .execute(
            &Sql::new(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(value),
        )
        .await?;
    Ok(get(store, key).await?.unwrap_or_default())
}
