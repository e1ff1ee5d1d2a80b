//! What an operator's commands ask of the database: a consistent copy, an integrity check, the
//! size of the main tables.

use crate::{Result, Sql, Store};

/// Writes a consistent copy of a SQLite database to `path` while others keep reading and
/// writing (`VACUUM INTO`). PostgreSQL is copied with its own tools.
pub async fn sqlite_backup(store: &Store, path: &str) -> Result<()> {
    store
        .execute(&Sql::new("VACUUM INTO $1").bind(path))
        .await?;
    Ok(())
}

/// What the database says of itself.
pub enum Health {
    /// SQLite: the integrity check's findings (empty when sound) and the number of rows whose
    /// foreign keys point nowhere.
    Sqlite {
        integrity: Vec<String>,
        broken_references: usize,
    },
    /// PostgreSQL: the server's version.
    Postgres { version: String },
}

pub async fn health(store: &Store) -> Result<Health> {
    if store.kind() == "sqlite" {
        let rows: Vec<(String,)> = store.fetch_all(&Sql::new("PRAGMA integrity_check")).await?;
        let integrity = rows
            .into_iter()
            .map(|(r,)| r)
            .filter(|r| r != "ok")
            .collect();
        let fk: Vec<(String, i64, String, i64)> = store
            .fetch_all(&Sql::new("PRAGMA foreign_key_check"))
            .await?;
        Ok(Health::Sqlite {
            integrity,
            broken_references: fk.len(),
        })
    } else {
        let v: (String,) = store.fetch_one(&Sql::new("SELECT version()")).await?;
        Ok(Health::Postgres { version: v.0 })
    }
}

/// Tables whose size an operator checks.
pub const COUNTED_TABLES: &[&str] = &[
    "districts",
    "neighborhoods",
    "organisations",
    "people",
    "memberships",
    "users",
    "resolutions",
    "service_requests",
];

/// Rows in one of `COUNTED_TABLES`.
pub async fn count(store: &Store, table: &str) -> Result<i64> {
    if !COUNTED_TABLES.contains(&table) {
        return Err(crate::DbError::NotFound);
    }
    store
        .scalar(&Sql::new(&format!("SELECT COUNT(*) FROM {table}")))
        .await
}

/// Every table of the schema (migrations' bookkeeping included) with its number of rows, by
/// name: what a restore reports and what a restored copy is compared by.
pub async fn table_counts(store: &Store) -> Result<Vec<(String, i64)>> {
    let list = if store.kind() == "sqlite" {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    } else {
        "SELECT table_name::TEXT FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
    };
    let names: Vec<(String,)> = store.fetch_all(&Sql::new(list)).await?;
    let mut out = Vec::with_capacity(names.len());
    for (name,) in names {
        // The names come from the catalogue; quoting keeps any of them a single identifier.
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let n = store
            .scalar(&Sql::new(&format!("SELECT COUNT(*) FROM {quoted}")))
            .await?;
        out.push((name, n));
    }
    Ok(out)
}

/// Active accounts holding the administrator role.
pub async fn active_admins(store: &Store) -> Result<i64> {
    store
        .scalar(&Sql::new(
            "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = 'admin' AND u.active = TRUE",
        ))
        .await
}
