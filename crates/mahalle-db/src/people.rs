//! People: council members, pillars of neighborhoods, officials, staff.

use chrono::{DateTime, NaiveDate, Utc};
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
    /// The district whose registry keeps them (its mayor edits them); none: the city's.
    pub district_id: Option<i64>,
    pub retired_on: Option<NaiveDate>,
}

pub const PERSON_SORTS: &[&str] = &["name", "id"];

const SELECT: &str =
    "SELECT id, full_name_fa, full_name_en, gender, phone, email, district_id, retired_on FROM people";

/// People; retired ones only when `with_retired`.
pub async fn list(store: &Store, with_retired: bool, l: &Listing) -> Result<Paged<Person>> {
    let current = if with_retired {
        " WHERE 1=1"
    } else {
        " WHERE retired_on IS NULL"
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM people");
    count.push(current).search("search_key", &l.terms);
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(SELECT);
    sql.push(current).search("search_key", &l.terms);
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

/// A person as the registry's form keeps them.
pub struct PersonFields<'a> {
    pub full_name_fa: &'a str,
    pub full_name_en: &'a str,
    pub gender: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub district_id: Option<i64>,
}

/// A current person of the registry with this exact (normalised) name and phone, kept by this
/// district when one is given: an import names someone already kept rather than keeping them
/// twice, and never reaches into another district's people.
pub async fn find_same(
    tx: &mut Tx,
    name_fa: &str,
    phone: &str,
    district: Option<i64>,
) -> Result<Option<i64>> {
    if phone.is_empty() {
        return Ok(None);
    }
    let mut sql = Sql::new(
        "SELECT id FROM people WHERE full_name_fa = $1 AND phone = $2 AND retired_on IS NULL",
    )
    .bind(name_fa)
    .bind(phone);
    if let Some(d) = district {
        sql.push(" AND district_id = ").arg(d);
    }
    sql.push(" ORDER BY id LIMIT 1");
    let row: Option<(i64,)> = tx.fetch_optional(&sql).await?;
    Ok(row.map(|r| r.0))
}

pub async fn create(tx: &mut Tx, p: &PersonFields<'_>, now: DateTime<Utc>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO people (full_name_fa, full_name_en, gender, phone, email, district_id, search_key, sort_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(p.full_name_fa)
        .bind(p.full_name_en)
        .bind(p.gender)
        .bind(p.phone)
        .bind(p.email)
        .bind(p.district_id)
        .bind(search_key(&format!("{} {}", p.full_name_fa, p.full_name_en)))
        .bind(sort_key(p.full_name_fa))
        .bind(now),
    )
    .await
}

pub async fn update(tx: &mut Tx, id: i64, p: &PersonFields<'_>) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE people SET full_name_fa = $2, full_name_en = $3, gender = $4, phone = $5, email = $6, \
             district_id = $7, search_key = $8, sort_key = $9 WHERE id = $1",
        )
        .bind(id)
        .bind(p.full_name_fa)
        .bind(p.full_name_en)
        .bind(p.gender)
        .bind(p.phone)
        .bind(p.email)
        .bind(p.district_id)
        .bind(search_key(&format!("{} {}", p.full_name_fa, p.full_name_en)))
        .bind(sort_key(p.full_name_fa)),
    )
    .await?;
    Ok(())
}

/// The districts a person serves in (council memberships and pillar roles), for deciding which
/// district's registry may edit a person the city keeps.
pub async fn districts_served(store: &Store, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = store
        .fetch_all(
            &Sql::new(
                "SELECT n.district_id FROM pillars pl JOIN neighborhoods n ON n.id = pl.neighborhood_id WHERE pl.person_id = $1 \
                 UNION SELECT COALESCE(o.district_id, n.district_id) FROM memberships m JOIN organisations o ON o.id = m.body_id \
                 LEFT JOIN neighborhoods n ON n.id = o.neighborhood_id WHERE m.person_id = $1 \
                 AND COALESCE(o.district_id, n.district_id) IS NOT NULL",
            )
            .bind(id),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
