//! People: council members, pillars of neighborhoods, officials, staff.

use chrono::Utc;
use mahalle_core::collate::sort_key;
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Person {
    pub id: i64,
    pub full_name_fa: String,
    pub full_name_en: String,
    /// female, male or unspecified
    pub gender: String,
    pub phone: String,
    pub email: String,
}

pub const PERSON_SORTS: &[&str] = &["name", "id"];

const SELECT: &str = "SELECT id, full_name_fa, full_name_en, gender, phone, email FROM people";

pub async fn list(store: &Store, l: &Listing) -> Result<Paged<Person>> {
    let mut count = Sql::new("SELECT COUNT(*) FROM people WHERE 1=1");
    count.search("search_key", &l.terms);
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE 1=1").search("search_key", &l.terms);
    let order = if l.sort == "id" { "id" } else { "sort_key" };
    sql.page(order, "id", l.desc, l.per_page, l.offset());
    let items = store.fetch_all(&sql).await?;
    Ok(Paged {
        items,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

pub async fn get(store: &Store, id: i64) -> Result<Person> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE id = ").arg(id);
    store.fetch_one(&sql).await
}

/// People whose name could be `key` (a [`mahalle_core::text::search_key`]) or who have the id
/// `id`: (id, Persian name, Latin name), at most 200. The caller picks the exact match
/// ([`mahalle_core::meetings::PersonRef::pick`]).
pub async fn candidates(
    store: &Store,
    id: Option<i64>,
    key: Option<&str>,
) -> Result<Vec<(i64, String, String)>> {
    let mut sql = Sql::new("SELECT id, full_name_fa, full_name_en FROM people WHERE 1=0");
    if let Some(id) = id {
        sql.push(" OR id = ").arg(id);
    }
    if let Some(k) = key.filter(|k| !k.is_empty()) {
        sql.push(" OR search_key LIKE ")
            .arg(mahalle_core::text::like_pattern(k))
            .push(" ESCAPE '\\'");
    }
    sql.push(" ORDER BY id LIMIT 200");
    store.fetch_all(&sql).await
}

pub async fn count(store: &Store) -> Result<i64> {
    store.scalar(&Sql::new("SELECT COUNT(*) FROM people")).await
}

pub struct NewPerson<'a> {
    /// Stable reference for data loaded from elsewhere (the demo city, an import), so reloading
    /// updates instead of duplicating.
    pub ref_code: Option<&'a str>,
    pub full_name_fa: &'a str,
    pub full_name_en: &'a str,
    pub gender: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
}

pub async fn upsert(tx: &mut Tx, p: &NewPerson<'_>) -> Result<i64> {
    let key = search_key(&format!("{} {}", p.full_name_fa, p.full_name_en));
    let sql = Sql::new(
        "INSERT INTO people (ref_code, full_name_fa, full_name_en, gender, phone, email, search_key, sort_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (ref_code) DO UPDATE SET full_name_fa = excluded.full_name_fa, \
         full_name_en = excluded.full_name_en, gender = excluded.gender, phone = excluded.phone, email = excluded.email, \
         search_key = excluded.search_key, sort_key = excluded.sort_key RETURNING id",
    )
    .bind(p.ref_code)
    .bind(p.full_name_fa)
    .bind(p.full_name_en)
    .bind(p.gender)
    .bind(p.phone)
    .bind(p.email)
    .bind(key)
    .bind(sort_key(p.full_name_fa))
    .bind(Utc::now());
    tx.scalar(&sql).await
}
