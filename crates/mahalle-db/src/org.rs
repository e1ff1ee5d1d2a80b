//! Organisations: the Council, the Municipality and its deputies, agencies, institutions,
//! district municipalities and neighborhood councils.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::collate::sort_key;
use mahalle_core::org::OrgKind;
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub code: String,
    /// council, municipality, deputy, department, district_office, agency, institution or neighborhood_council
    pub kind: String,
    pub name_fa: String,
    pub name_en: String,
    pub parent_id: Option<i64>,
    pub parent_name_fa: Option<String>,
    pub parent_name_en: Option<String>,
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub website: String,
    pub retired_on: Option<NaiveDate>,
}

pub const ORG_SORTS: &[&str] = &["name", "code", "kind"];

const ORG_SELECT: &str = "SELECT o.id, o.code, o.kind, o.name_fa, o.name_en, o.parent_id, p.name_fa AS parent_name_fa, \
     p.name_en AS parent_name_en, o.district_id, o.neighborhood_id, o.phone, o.email, o.address, o.website, \
     o.retired_on FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id";

fn order(sort: &str) -> &'static str {
    match sort {
        "code" => "o.code",
        "kind" => "o.kind",
        _ => "o.sort_key",
    }
}

/// Which organisations a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrgFilter {
    /// One kind only; without it, every kind but neighborhood councils (one per neighborhood,
    /// they are listed on their neighborhoods' pages).
    pub kind: Option<OrgKind>,
    pub district_id: Option<i64>,
    /// Retired organisations too (they are left out otherwise).
    pub with_retired: bool,
}

pub async fn list(store: &Store, f: OrgFilter, l: &Listing) -> Result<Paged<Organisation>> {
    let mut filter = Sql::new(" WHERE 1=1");
    match f.kind {
        Some(k) => filter.push(" AND o.kind = ").arg(k.as_str()),
        None => filter.push(" AND o.kind <> 'neighborhood_council'"),
    };
    if let Some(d) = f.district_id {
        filter.push(" AND o.district_id = ").arg(d);
    }
    if !f.with_retired {
        filter.push(" AND o.retired_on IS NULL");
    }
    filter.search("o.search_key", &l.terms);
    let mut count = Sql::new("SELECT COUNT(*) FROM organisations o");
    count.push(&filter.text);
    count.args = filter.args.clone();
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(ORG_SELECT);
    sql.push(&filter.text);
    sql.args = filter.args;
    sql.page(order(l.sort), "o.id", l.desc, l.per_page, l.offset());
    let items = store.fetch_all(&sql).await?;
    Ok(Paged {
        items,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

/// (id, code, Persian name, English name) of every current organisation, for matching typed
/// names.
pub async fn names(store: &Store) -> Result<Vec<(i64, String, String, String)>> {
    store
        .fetch_all(&Sql::new(
            "SELECT id, code, name_fa, name_en FROM organisations WHERE retired_on IS NULL",
        ))
        .await
}

/// An organisation's id by its code, if any.
pub async fn id_by_code(tx: &mut Tx, code: &str) -> Result<Option<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(&Sql::new("SELECT id FROM organisations WHERE code = $1").bind(code))
        .await?;
    Ok(rows.first().map(|r| r.0))
}

/// The current organisations other than neighborhood councils, by name, with their kind: the
/// choices of an owner or partner.
pub async fn choices(store: &Store) -> Result<Vec<(i64, String, String, String)>> {
    store
        .fetch_all(&Sql::new(
            "SELECT id, kind, name_fa, name_en FROM organisations WHERE retired_on IS NULL \
             AND kind <> 'neighborhood_council' ORDER BY sort_key, id LIMIT 5000",
        ))
        .await
}

/// Persian names of the first `n` agencies and departments (examples in import templates).
pub async fn some_agency_names(store: &Store, n: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = store
        .fetch_all(
            &Sql::new("SELECT name_fa FROM organisations WHERE kind IN ('agency', 'department') ORDER BY id LIMIT $1")
                .bind(n),
        )
        .await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// The municipality office of a district (the first, should there be several).
pub async fn district_office(store: &Store, district_id: i64) -> Result<Option<i64>> {
    Ok(store
        .fetch_optional::<(i64,)>(
            &Sql::new("SELECT id FROM organisations WHERE kind = 'district_office' AND district_id = $1 ORDER BY id LIMIT 1")
                .bind(district_id),
        )
        .await?
        .map(|r| r.0))
}

pub async fn get(store: &Store, id: i64) -> Result<Organisation> {
    let mut sql = Sql::new(ORG_SELECT);
    sql.push(" WHERE o.id = ").arg(id);
    store.fetch_one(&sql).await
}

/// Organisations directly under `id` (a deputy's departments, the Municipality's deputies…).
pub async fn children(store: &Store, id: i64) -> Result<Vec<Organisation>> {
    let mut sql = Sql::new(ORG_SELECT);
    sql.push(" WHERE o.parent_id = ")
        .arg(id)
        .push(" ORDER BY o.sort_key, o.id LIMIT 500");
    store.fetch_all(&sql).await
}

/// The neighborhood council (شورایاری) of a neighborhood, if it has one.
pub async fn council_of_neighborhood(
    store: &Store,
    neighborhood_id: i64,
) -> Result<Option<Organisation>> {
    let mut sql = Sql::new(ORG_SELECT);
    sql.push(" WHERE o.kind = 'neighborhood_council' AND o.neighborhood_id = ")
        .arg(neighborhood_id);
    store.fetch_optional(&sql).await
}

/// The id of a neighborhood's council, inside a loader's transaction.
pub async fn council_id_of_neighborhood(tx: &mut Tx, neighborhood_id: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            &Sql::new(
                "SELECT id FROM organisations WHERE kind = 'neighborhood_council' AND neighborhood_id = $1 \
                 ORDER BY id LIMIT 1",
            )
            .bind(neighborhood_id),
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Number of organisations of each kind, in `OrgKind::ALL` order.
pub async fn count_by_kind(store: &Store) -> Result<Vec<(OrgKind, i64)>> {
    let rows: Vec<(String, i64)> = store
        .fetch_all(&Sql::new(
            "SELECT kind, COUNT(*) FROM organisations GROUP BY kind",
        ))
        .await?;
    Ok(OrgKind::ALL
        .into_iter()
        .map(|k| {
            (
                k,
                rows.iter()
                    .find(|(s, _)| s == k.as_str())
                    .map_or(0, |r| r.1),
            )
        })
        .collect())
}

pub struct NewOrg<'a> {
    pub code: &'a str,
    pub kind: OrgKind,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub parent_id: Option<i64>,
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub phone: &'a str,
    pub email: &'a str,
    pub address: &'a str,
    pub website: &'a str,
}

/// Inserts or updates (by code) an organisation; returns its id.
pub async fn upsert(tx: &mut Tx, o: &NewOrg<'_>) -> Result<i64> {
    let key = search_key(&format!("{} {} {}", o.name_fa, o.name_en, o.code));
    let sql = Sql::new(
        "INSERT INTO organisations (code, kind, name_fa, name_en, parent_id, district_id, neighborhood_id, phone, email, \
         address, website, search_key, sort_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name_fa = excluded.name_fa, name_en = excluded.name_en, \
         parent_id = excluded.parent_id, district_id = excluded.district_id, neighborhood_id = excluded.neighborhood_id, \
         phone = excluded.phone, email = excluded.email, address = excluded.address, website = excluded.website, \
         search_key = excluded.search_key, sort_key = excluded.sort_key RETURNING id",
    )
    .bind(o.code)
    .bind(o.kind.as_str())
    .bind(o.name_fa)
    .bind(o.name_en)
    .bind(o.parent_id)
    .bind(o.district_id)
    .bind(o.neighborhood_id)
    .bind(o.phone)
    .bind(o.email)
    .bind(o.address)
    .bind(o.website)
    .bind(key)
    .bind(sort_key(o.name_fa))
    .bind(Utc::now());
    tx.scalar(&sql).await
}

/// Creates an organisation from the registry's form; returns its id.
pub async fn create(tx: &mut Tx, o: &NewOrg<'_>, now: DateTime<Utc>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO organisations (code, kind, name_fa, name_en, parent_id, district_id, neighborhood_id, phone, \
             email, address, website, search_key, sort_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(o.code)
        .bind(o.kind.as_str())
        .bind(o.name_fa)
        .bind(o.name_en)
        .bind(o.parent_id)
        .bind(o.district_id)
        .bind(o.neighborhood_id)
        .bind(o.phone)
        .bind(o.email)
        .bind(o.address)
        .bind(o.website)
        .bind(search_key(&format!("{} {} {}", o.name_fa, o.name_en, o.code)))
        .bind(sort_key(o.name_fa))
        .bind(now),
    )
    .await
}

/// Saves an organisation's details.
pub async fn update(tx: &mut Tx, id: i64, o: &NewOrg<'_>) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE organisations SET code = $2, kind = $3, name_fa = $4, name_en = $5, parent_id = $6, \
             district_id = $7, neighborhood_id = $8, phone = $9, email = $10, address = $11, website = $12, \
             search_key = $13, sort_key = $14 WHERE id = $1",
        )
        .bind(id)
        .bind(o.code)
        .bind(o.kind.as_str())
        .bind(o.name_fa)
        .bind(o.name_en)
        .bind(o.parent_id)
        .bind(o.district_id)
        .bind(o.neighborhood_id)
        .bind(o.phone)
        .bind(o.email)
        .bind(o.address)
        .bind(o.website)
        .bind(search_key(&format!("{} {} {}", o.name_fa, o.name_en, o.code)))
        .bind(sort_key(o.name_fa)),
    )
    .await?;
    Ok(())
}

/// Whether another organisation has this code.
pub async fn code_taken(store: &Store, code: &str, except: Option<i64>) -> Result<bool> {
    let n = store
        .scalar(
            &Sql::new("SELECT COUNT(*) FROM organisations WHERE code = $1 AND id <> $2")
                .bind(code)
                .bind(except.unwrap_or(0)),
        )
        .await?;
    Ok(n > 0)
}

/// The chain of parents above an organisation (its parent first), to refuse a parent that would
/// make a loop. Stops after 50 steps.
pub async fn ancestors(store: &Store, id: i64) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    let mut at = id;
    while out.len() < 50 {
        let row: Option<(Option<i64>,)> = store
            .fetch_optional(&Sql::new("SELECT parent_id FROM organisations WHERE id = $1").bind(at))
            .await?;
        match row.and_then(|r| r.0) {
            Some(p) if !out.contains(&p) => {
                out.push(p);
                at = p;
            }
            _ => break,
        }
    }
    Ok(out)
}
