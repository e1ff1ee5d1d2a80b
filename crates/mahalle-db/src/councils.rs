//! Terms (دوره), memberships (person × body × role × term) and neighborhood pillars.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Term {
    pub id: i64,
    pub body_id: i64,
    pub number: i64,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// A member of a body in a term, with the person's name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Member {
    pub id: i64,
    pub person_id: i64,
    pub full_name_fa: String,
    pub full_name_en: String,
    /// chair, vice_chair, secretary, member or alternate
    pub role: String,
    pub term_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub thanked_on: Option<NaiveDate>,
}

/// A membership seen from the person: which body, which term.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PersonMembership {
    pub id: i64,
    pub body_id: i64,
    pub body_name_fa: String,
    pub body_name_en: String,
    pub role: String,
    pub term_number: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub thanked_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Pillar {
    pub id: i64,
    pub neighborhood_id: i64,
    pub neighborhood_name_fa: String,
    pub neighborhood_name_en: String,
    pub person_id: i64,
    pub full_name_fa: String,
    pub full_name_en: String,
    /// manager, trustee, imam, people_group or elite
    pub kind: String,
    pub title: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

pub async fn terms_of(store: &Store, body_id: i64) -> Result<Vec<Term>> {
    store
        .fetch_all(
            &Sql::new("SELECT id, body_id, number, starts_on, ends_on FROM terms WHERE body_id = $1 ORDER BY number DESC")
                .bind(body_id),
        )
        .await
}

const MEMBER_SELECT: &str =
    "SELECT m.id, m.person_id, p.full_name_fa, p.full_name_en, m.role, m.term_id, m.starts_on, \
     m.ends_on, m.thanked_on FROM memberships m JOIN people p ON p.id = m.person_id";

/// Members of a body in one term, officers first.
pub async fn members_of(store: &Store, body_id: i64, term_id: Option<i64>) -> Result<Vec<Member>> {
    let mut sql = Sql::new(MEMBER_SELECT);
    sql.push(" WHERE m.body_id = ").arg(body_id);
    match term_id {
        Some(t) => sql.push(" AND m.term_id = ").arg(t),
        None => sql.push(" AND m.term_id IS NULL"),
    };
    sql.push(
        " ORDER BY CASE m.role WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 WHEN 'secretary' THEN 2 \
         WHEN 'member' THEN 3 ELSE 4 END, p.sort_key, m.id LIMIT 500",
    );
    store.fetch_all(&sql).await
}

/// A body's term with its members, as pages and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TermMembers {
    #[serde(flatten)]
    pub term: Term,
    /// Whether `today` falls in the term.
    pub current: bool,
    pub members: Vec<Member>,
}

/// Every term of a body, newest first, each with its members (officers first), in two queries.
pub async fn terms_with_members(
    store: &Store,
    body_id: i64,
    today: NaiveDate,
) -> Result<Vec<TermMembers>> {
    let terms = terms_of(store, body_id).await?;
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(MEMBER_SELECT);
    sql.push(" WHERE m.body_id = ").arg(body_id).push(
        " AND m.term_id IS NOT NULL ORDER BY CASE m.role WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 \
         WHEN 'secretary' THEN 2 WHEN 'member' THEN 3 ELSE 4 END, p.sort_key, m.id",
    );
    let mut members: Vec<Member> = store.fetch_all(&sql).await?;
    Ok(terms
        .into_iter()
        .map(|term| {
            let (mine, rest) = members.drain(..).partition(|m| m.term_id == Some(term.id));
            members = rest;
            TermMembers {
                current: mahalle_core::councils::term_is_current(
                    term.starts_on,
                    term.ends_on,
                    today,
                ),
                members: mine,
                term,
            }
        })
        .collect())
}

pub async fn memberships_of_person(store: &Store, person_id: i64) -> Result<Vec<PersonMembership>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT m.id, m.body_id, o.name_fa AS body_name_fa, o.name_en AS body_name_en, m.role, t.number AS term_number, \
                 m.starts_on, m.ends_on, m.thanked_on FROM memberships m JOIN organisations o ON o.id = m.body_id \
                 LEFT JOIN terms t ON t.id = m.term_id WHERE m.person_id = $1 ORDER BY m.starts_on DESC, m.id LIMIT 500",
            )
            .bind(person_id),
        )
        .await
}

const PILLAR_SELECT: &str = "SELECT pl.id, pl.neighborhood_id, n.name_fa AS neighborhood_name_fa, n.name_en AS neighborhood_name_en, \
     pl.person_id, p.full_name_fa, p.full_name_en, pl.kind, pl.title, pl.since, pl.until FROM pillars pl \
     JOIN people p ON p.id = pl.person_id JOIN neighborhoods n ON n.id = pl.neighborhood_id";

/// Current and past pillars of a neighborhood, by kind.
pub async fn pillars_of(store: &Store, neighborhood_id: i64) -> Result<Vec<Pillar>> {
    let mut sql = Sql::new(PILLAR_SELECT);
    sql.push(" WHERE pl.neighborhood_id = ").arg(neighborhood_id).push(
        " ORDER BY CASE pl.kind WHEN 'manager' THEN 0 WHEN 'trustee' THEN 1 WHEN 'imam' THEN 2 \
         WHEN 'people_group' THEN 3 ELSE 4 END, p.sort_key, pl.id LIMIT 500",
    );
    store.fetch_all(&sql).await
}

pub async fn pillars_of_person(store: &Store, person_id: i64) -> Result<Vec<Pillar>> {
    let mut sql = Sql::new(PILLAR_SELECT);
    sql.push(" WHERE pl.person_id = ")
        .arg(person_id)
        .push(" ORDER BY pl.since DESC, pl.id LIMIT 500");
    store.fetch_all(&sql).await
}

/// People currently sitting on a neighborhood council (membership without an end, or ending later).
pub async fn count_current_council_members(store: &Store, today: NaiveDate) -> Result<i64> {
    store
        .scalar(
            &Sql::new(
                "SELECT COUNT(*) FROM memberships m JOIN organisations o ON o.id = m.body_id \
                 WHERE o.kind = 'neighborhood_council' AND m.starts_on <= $1 AND (m.ends_on IS NULL OR m.ends_on > $1)",
            )
            .bind(today),
        )
        .await
}

pub async fn upsert_term(
    tx: &mut Tx,
    body_id: i64,
    number: i64,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO terms (body_id, number, starts_on, ends_on) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (body_id, number) DO UPDATE SET starts_on = excluded.starts_on, ends_on = excluded.ends_on RETURNING id",
        )
        .bind(body_id)
        .bind(number)
        .bind(starts_on)
        .bind(ends_on),
    )
    .await
}

pub struct NewMembership {
    pub person_id: i64,
    pub body_id: i64,
    pub role: &'static str,
    pub term_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub thanked_on: Option<NaiveDate>,
}

pub async fn upsert_membership(tx: &mut Tx, m: &NewMembership) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO memberships (person_id, body_id, role, term_id, starts_on, ends_on, thanked_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (person_id, body_id, role, term_id) DO UPDATE SET \
             starts_on = excluded.starts_on, ends_on = excluded.ends_on, thanked_on = excluded.thanked_on RETURNING id",
        )
        .bind(m.person_id)
        .bind(m.body_id)
        .bind(m.role)
        .bind(m.term_id)
        .bind(m.starts_on)
        .bind(m.ends_on)
        .bind(m.thanked_on),
    )
    .await
}

pub struct NewPillar<'a> {
    pub neighborhood_id: i64,
    pub person_id: i64,
    pub kind: &'static str,
    pub title: &'a str,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

pub async fn upsert_pillar(tx: &mut Tx, p: &NewPillar<'_>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO pillars (neighborhood_id, person_id, kind, title, since, until) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (neighborhood_id, person_id, kind) DO UPDATE SET title = excluded.title, since = excluded.since, \
             until = excluded.until RETURNING id",
        )
        .bind(p.neighborhood_id)
        .bind(p.person_id)
        .bind(p.kind)
        .bind(p.title)
        .bind(p.since)
        .bind(p.until),
    )
    .await
}
