//! Databases for the store's own tests: a migrated SQLite file always, and a fresh PostgreSQL
//! database when MAHALLE_TEST_DATABASE_URL names a server (CI sets it).

#![allow(dead_code)] // each test file uses a part

use mahalle_db::{Sql, Store};

pub fn pg_url() -> Option<String> {
    std::env::var("MAHALLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A migrated SQLite database in a directory removed when the guard drops.
pub async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.db");
    let store = Store::connect(path.to_str().unwrap()).await.unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

/// A new, migrated PostgreSQL database named after `tag` and this process; `drop_pg` removes it.
pub async fn postgres(url: &str, tag: &str) -> (Store, String) {
    let name = format!("mahalle_{tag}_test_{}", std::process::id());
    let admin = Store::connect(url).await.unwrap();
    admin
        .execute(&Sql::new(&format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .await
        .unwrap();
    admin
        .execute(&Sql::new(&format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    admin.close().await;
    let store = Store::connect(&with_db(url, &name)).await.unwrap();
    store.migrate().await.unwrap();
    (store, name)
}

pub async fn drop_pg(url: &str, store: Store, name: &str) {
    store.close().await;
    let admin = Store::connect(url).await.unwrap();
    admin
        .execute(&Sql::new(&format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .await
        .unwrap();
    admin.close().await;
}

/// `postgres://…/db` with another database name.
pub fn with_db(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("database URL has a path");
    format!("{base}/{db}")
}
