//! Neighborhood challenges: a need a neighborhood keeps raising. Citizens' requests point at
//! one (many requests, one challenge) and a resolution can answer it, so the city sees which
//! needs repeat and what was decided about them.

use chrono::{DateTime, Utc};
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Challenge {
    pub id: i64,
    pub district_id: i64,
    pub district_number: i64,
    pub neighborhood_id: i64,
    pub neighborhood_name_fa: String,
    pub neighborhood_name_en: String,
    pub domain: String,
    pub title: String,
    pub body: String,
    /// The resolution that answers it, with its number's parts and state.
    pub resolution_id: Option<i64>,
    pub resolution_title: Option<String>,
    pub resolution_status: Option<String>,
    pub resolution_year: Option<i64>,
    pub resolution_session: Option<i64>,
    pub resolution_item: Option<i64>,
    /// How many requests point at it, and how many of those are still open.
    pub requests: i64,
    pub open_requests: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// raised, accepted, planned, being_solved, solved or rejected
    pub status: String,
    /// citizens, council, trustee, imam, manager, supervisory_visit or think_tank
    pub source: String,
    /// low, normal, high or urgent
    pub priority: String,
    pub priority_reason: String,
    pub owner_org_id: Option<i64>,
    pub owner_name_fa: Option<String>,
    pub owner_name_en: Option<String>,
    /// Council members who endorsed it.
    pub endorsements: i64,
    /// The meeting it was recorded at as an outcome (a think-tank, a supervisory visit).
    pub meeting_id: Option<i64>,
    pub meeting_title: Option<String>,
}

const ENDORSEMENTS: &str =
    "(SELECT COUNT(*) FROM challenge_endorsements e WHERE e.challenge_id = c.id)";

const REQUESTS: &str = "(SELECT COUNT(*) FROM service_requests q WHERE q.challenge_id = c.id)";

fn columns() -> String {
    format!(
        "SELECT c.id, c.district_id, d.number AS district_number, c.neighborhood_id, \
         n.name_fa AS neighborhood_name_fa, n.name_en AS neighborhood_name_en, c.domain, c.title, \
         c.body, c.resolution_id, r.title AS resolution_title, r.status AS resolution_status, \
         m.jalali_year AS resolution_year, m.session_number AS resolution_session, \
         r.item_number AS resolution_item, {REQUESTS} AS requests, \
         (SELECT COUNT(*) FROM service_requests q WHERE q.challenge_id = c.id \
          AND q.status IN ('submitted','accepted')) AS open_requests, c.created_at, c.updated_at, \
         c.status, c.source, c.priority, c.priority_reason, c.owner_org_id, ow.name_fa AS owner_name_fa, \
         ow.name_en AS owner_name_en, {ENDORSEMENTS} AS endorsements, c.meeting_id, om.title AS meeting_title"
    )
}

const FROM: &str = " FROM challenges c JOIN neighborhoods n ON n.id = c.neighborhood_id \
     JOIN districts d ON d.id = c.district_id \
     LEFT JOIN resolutions r ON r.id = c.resolution_id \
     LEFT JOIN organisations ow ON ow.id = c.owner_org_id \
     LEFT JOIN meetings m ON m.id = r.meeting_id \
     LEFT JOIN meetings om ON om.id = c.meeting_id";

/// Sort keys of the challenge list; the first is the default.
pub const SORTS: &[&str] = &["requests", "created", "title", "endorsements"];

fn order(sort: &str) -> String {
    match sort {
        "created" => "c.created_at".into(),
        "title" => "c.search_key".into(),
        "endorsements" => ENDORSEMENTS.into(),
        _ => REQUESTS.into(),
    }
}

/// Which challenges a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub domain: Option<String>,
    /// Some(true): answered by a resolution; Some(false): not yet.
    pub answered: Option<bool>,
    pub status: Option<String>,
}

pub async fn list(store: &Store, f: &Filter, l: &Listing) -> Result<Paged<Challenge>> {
    let mut filter = Sql::new(" WHERE 1=1");
    if let Some(d) = f.district_id {
        filter.push(" AND c.district_id = ").arg(d);
    }
    if let Some(n) = f.neighborhood_id {
        filter.push(" AND c.neighborhood_id = ").arg(n);
    }
    if let Some(d) = &f.domain {
        filter.push(" AND c.domain = ").arg(d.as_str());
    }
    if let Some(st) = &f.status {
        filter.push(" AND c.status = ").arg(st.as_str());
    }
    match f.answered {
        Some(true) => filter.push(" AND c.resolution_id IS NOT NULL"),
        Some(false) => filter.push(" AND c.resolution_id IS NULL"),
        None => &mut filter,
    };
    filter.search("c.search_key", &l.terms);
    let mut count = Sql::new("SELECT COUNT(*) FROM challenges c");
    count.push(&filter.text);
    count.args = filter.args.clone();
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(&format!("{}{FROM}", columns()));
    sql.push(&filter.text);
    sql.args = filter.args;
    sql.page(&order(l.sort), "c.id", l.desc, l.per_page, l.offset());
    Ok(Paged {
        items: store.fetch_all(&sql).await?,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

pub async fn of_neighborhood(store: &Store, neighborhood_id: i64) -> Result<Vec<Challenge>> {
    store
        .fetch_all(
            &Sql::new(&format!(
                "{}{FROM} WHERE c.neighborhood_id = $1 ORDER BY {ENDORSEMENTS} DESC, c.id DESC LIMIT 500",
                columns()
            ))
            .bind(neighborhood_id),
        )
        .await
}

pub async fn get(store: &Store, id: i64) -> Result<Challenge> {
    store
        .fetch_one(&Sql::new(&format!("{}{FROM} WHERE c.id = $1", columns())).bind(id))
        .await
}

pub struct NewChallenge<'a> {
    pub neighborhood_id: i64,
    pub domain: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub created_by: Option<i64>,
    /// The meeting it is an outcome of.
    pub meeting_id: Option<i64>,
}

pub async fn create(tx: &mut Tx, c: &NewChallenge<'_>, at: DateTime<Utc>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO challenges (district_id, neighborhood_id, domain, title, body, search_key, created_by, created_at, updated_at, meeting_id) \
             SELECT n.district_id, n.id, $2, $3, $4, $5, $6, $7, $7, $8 FROM neighborhoods n WHERE n.id = $1 RETURNING id",
        )
        .bind(c.neighborhood_id)
        .bind(c.domain)
        .bind(c.title)
        .bind(c.body)
        .bind(search_key(&format!("{} {}", c.title, c.body)))
        .bind(c.created_by)
        .bind(at)
        .bind(c.meeting_id),
    )
    .await
}

/// The challenges recorded at a meeting, oldest first.
pub async fn of_meeting(store: &Store, meeting: i64) -> Result<Vec<Challenge>> {
    store
        .fetch_all(
            &Sql::new(&format!(
                "{}{FROM} WHERE c.meeting_id = $1 ORDER BY c.id LIMIT 500",
                columns()
            ))
            .bind(meeting),
        )
        .await
}

/// Records the resolution that answers the challenge (or none).
pub async fn set_resolution(
    tx: &mut Tx,
    id: i64,
    resolution_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE challenges SET resolution_id = $1, updated_at = $2 WHERE id = $3")
            .bind(resolution_id)
            .bind(at)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Resolutions numbered `year/session/item`: one per body that held such a session, so the
/// caller can tell a unique match from an ambiguous one. (id, body name in Persian)
pub async fn resolutions_numbered(
    store: &Store,
    year: i64,
    session: i64,
    item: i64,
) -> Result<Vec<(i64, String)>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT r.id, o.name_fa FROM resolutions r JOIN meetings m ON m.id = r.meeting_id \
                 JOIN organisations o ON o.id = m.body_id \
                 WHERE m.jalali_year = $1 AND m.session_number = $2 AND r.item_number = $3 \
                 ORDER BY r.id LIMIT 20",
            )
            .bind(year)
            .bind(session)
            .bind(item),
        )
        .await
}

/// A step of a challenge's history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub username: Option<String>,
    pub from_status: String,
    pub to_status: String,
    pub reason: String,
}

pub async fn events(store: &Store, id: i64) -> Result<Vec<Event>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT e.at, u.username, e.from_status, e.to_status, e.reason FROM challenge_events e \
                 LEFT JOIN users u ON u.id = e.user_id WHERE e.challenge_id = $1 ORDER BY e.id LIMIT 500",
            )
            .bind(id),
        )
        .await
}

/// Moves a challenge to a status, with its history row.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: &str,
    to: &str,
    reason: &str,
    user_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE challenges SET status = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(to)
            .bind(at),
    )
    .await?;
    tx.execute(
        &Sql::new(
            "INSERT INTO challenge_events (challenge_id, at, user_id, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(at)
        .bind(user_id)
        .bind(from)
        .bind(to)
        .bind(reason),
    )
    .await?;
    Ok(())
}

/// Sets where a challenge came from, its priority with the reason, and its owner.
pub async fn set_details(
    tx: &mut Tx,
    id: i64,
    source: &str,
    priority: &str,
    priority_reason: &str,
    owner_org_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE challenges SET source = $2, priority = $3, priority_reason = $4, owner_org_id = $5, updated_at = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(source)
        .bind(priority)
        .bind(priority_reason)
        .bind(owner_org_id)
        .bind(at),
    )
    .await?;
    Ok(())
}

/// Records a council member's endorsement; false when they had endorsed it already.
pub async fn endorse(tx: &mut Tx, id: i64, user_id: i64, at: DateTime<Utc>) -> Result<bool> {
    let n = tx
        .execute(
            &Sql::new(
                "INSERT INTO challenge_endorsements (challenge_id, user_id, at) VALUES ($1, $2, $3) \
                 ON CONFLICT (challenge_id, user_id) DO NOTHING",
            )
            .bind(id)
            .bind(user_id)
            .bind(at),
        )
        .await?;
    Ok(n > 0)
}

/// The other challenges of a neighborhood with their search keys, to find likely duplicates.
pub async fn keys_of_neighborhood(
    store: &Store,
    neighborhood_id: i64,
    except: i64,
) -> Result<Vec<(i64, String)>> {
    store
        .fetch_all(
            &Sql::new("SELECT id, search_key FROM challenges WHERE neighborhood_id = $1 AND id <> $2 LIMIT 2000")
                .bind(neighborhood_id)
                .bind(except),
        )
        .await
}
