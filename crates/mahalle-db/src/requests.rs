//! Citizens' requests: the service catalogue (categories, routing rules, extra questions),
//! requests with their history and photos, and Open311 API keys (challenges: `challenges`).
//! What a step does to a request is decided in `mahalle_core::requests`; this module records it.

use chrono::{DateTime, Utc};
use mahalle_core::access::Reach;
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::requests::RequestStatus;
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::sql::ids_sql;
use crate::{Arg, Result, Sql, Store, Tx};

// ---------------------------------------------------------------- requests

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Request {
    pub id: i64,
    pub service_id: i64,
    pub service_code: String,
    pub service_name_fa: String,
    pub service_name_en: String,
    /// submitted, accepted, closed or rejected; lateness is derived from `due_at`
    pub status: String,
    pub description: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub district_id: Option<i64>,
    pub district_number: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub neighborhood_name_fa: Option<String>,
    pub neighborhood_name_en: Option<String>,
    pub organisation_id: Option<i64>,
    pub organisation_name_fa: Option<String>,
    pub organisation_name_en: Option<String>,
    pub source: String,
    pub media_url: String,
    /// The last answer or reason the citizen was given.
    pub status_notes: String,
    pub challenge_id: Option<i64>,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    #[sqlx(default)]
    pub has_photo: bool,
    /// Whether its category is published over Open311.
    pub service_published: bool,
    /// When staff cleared its description, address, photo and exact point for publication.
    pub cleared_at: Option<DateTime<Utc>>,
}

impl Request {
    pub fn status(&self) -> RequestStatus {
        RequestStatus::parse(&self.status).unwrap_or(RequestStatus::Submitted)
    }
}

/// Who asked: only staff see this.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow, ToSchema)]
pub struct Contact {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub device_id: String,
    pub account_id: String,
}

const COLUMNS: &str = "SELECT q.id, q.service_id, s.code AS service_code, s.name_fa AS service_name_fa, \
     s.name_en AS service_name_en, q.status, q.description, q.address, q.lat, q.lon, q.district_id, \
     d.number AS district_number, q.neighborhood_id, n.name_fa AS neighborhood_name_fa, \
     n.name_en AS neighborhood_name_en, q.organisation_id, o.name_fa AS organisation_name_fa, \
     o.name_en AS organisation_name_en, q.source, q.media_url, q.status_notes, q.challenge_id, \
     q.requested_at, q.updated_at, q.due_at, q.closed_at, \
     EXISTS (SELECT 1 FROM request_photos p WHERE p.request_id = q.id) AS has_photo, \
     s.published AS service_published, q.cleared_at";
const JOINS: &str = " JOIN services s ON s.id = q.service_id \
     LEFT JOIN districts d ON d.id = q.district_id \
     LEFT JOIN neighborhoods n ON n.id = q.neighborhood_id \
     LEFT JOIN organisations o ON o.id = q.organisation_id";

pub struct NewRequest<'a> {
    pub service_id: i64,
    pub description: &'a str,
    pub address: &'a str,
    pub point: Option<(f64, f64)>,
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub source: mahalle_core::requests::Source,
    pub api_key_id: Option<i64>,
    pub contact: &'a Contact,
    pub media_url: &'a str,
    pub entered_by: Option<i64>,
    pub attributes: &'a [(String, String)],
    /// (content type, bytes), already checked and stripped of metadata.
    pub photo: Option<(&'a str, &'a [u8])>,
    pub requested_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

/// Records a request with its answers, photo and first history step; returns its id.
pub async fn insert(tx: &mut Tx, r: &NewRequest<'_>) -> Result<i64> {
    let c = r.contact;
    let id = tx
        .scalar(
            &Sql::new(
                "INSERT INTO service_requests (service_id, status, description, address, lat, lon, district_id, neighborhood_id, \
                 organisation_id, source, api_key_id, first_name, last_name, email, phone, device_id, account_id, media_url, \
                 entered_by, search_key, requested_at, updated_at, due_at) \
                 VALUES ($1, 'submitted', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21) \
                 RETURNING id",
            )
            .bind(r.service_id)
            .bind(r.description)
            .bind(r.address)
            .bind(r.point.map(|p| p.0))
            .bind(r.point.map(|p| p.1))
            .bind(r.district_id)
            .bind(r.neighborhood_id)
            .bind(r.organisation_id)
            .bind(r.source.as_str())
            .bind(r.api_key_id)
            .bind(c.first_name.as_str())
            .bind(c.last_name.as_str())
            .bind(c.email.as_str())
            .bind(c.phone.as_str())
            .bind(c.device_id.as_str())
            .bind(c.account_id.as_str())
            .bind(r.media_url)
            .bind(r.entered_by)
            .bind(search_key(&format!("{} {}", r.description, r.address)))
            .bind(r.requested_at)
            .bind(r.due_at),
        )
        .await?;
    if !r.attributes.is_empty() {
        let rows = r
            .attributes
            .iter()
            .map(|(code, v)| vec![Arg::from(id), Arg::from(code), Arg::from(v)])
            .collect();
        tx.insert_many("request_attributes", &["request_id", "code", "value"], rows)
            .await?;
    }
    if let Some((ct, bytes)) = r.photo {
        use sha2::Digest;
        tx.execute(
            &Sql::new(
                "INSERT INTO request_photos (request_id, content_type, size, sha256, content, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(ct)
            .bind(bytes.len() as i64)
            .bind(hex::encode(sha2::Sha256::digest(bytes)))
            .bind(bytes.to_vec())
            .bind(r.requested_at),
        )
        .await?;
    }
    event(
        tx,
        &NewEvent {
            request_id: id,
            at: r.requested_at,
            user_id: r.entered_by,
            kind: "submitted",
            from_status: None,
            to_status: Some("submitted"),
            organisation_id: r.organisation_id,
            note: "",
            public: true,
        },
    )
    .await?;
    Ok(id)
}

pub struct NewEvent<'a> {
    pub request_id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub kind: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub organisation_id: Option<i64>,
    pub note: &'a str,
    pub public: bool,
}

pub async fn event(tx: &mut Tx, e: &NewEvent<'_>) -> Result<()> {
    tx.execute(
        &Sql::new(
            "INSERT INTO request_events (request_id, at, user_id, kind, from_status, to_status, organisation_id, note, public) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(e.request_id)
        .bind(e.at)
        .bind(e.user_id)
        .bind(e.kind)
        .bind(e.from_status)
        .bind(e.to_status)
        .bind(e.organisation_id)
        .bind(e.note)
        .bind(e.public),
    )
    .await?;
    Ok(())
}

pub async fn get(store: &Store, id: i64) -> Result<Request> {
    store
        .fetch_one(
            &Sql::new(&format!(
                "{COLUMNS} FROM service_requests q{JOINS} WHERE q.id = $1"
            ))
            .bind(id),
        )
        .await
}

/// The status and organisation a step starts from, read inside the step's transaction.
pub async fn current(tx: &mut Tx, id: i64) -> Result<(String, Option<i64>)> {
    tx.fetch_one(
        &Sql::new("SELECT status, organisation_id FROM service_requests WHERE id = $1").bind(id),
    )
    .await
}

/// Who typed the request in for a caller (staff only; not part of the request row).
pub async fn entered_by(store: &Store, id: i64) -> Result<Option<String>> {
    Ok(store
        .fetch_optional::<(String,)>(
            &Sql::new(
                "SELECT u.display_name FROM service_requests q JOIN users u ON u.id = q.entered_by WHERE q.id = $1",
            )
            .bind(id),
        )
        .await?
        .map(|(n,)| n))
}

pub async fn contact(store: &Store, id: i64) -> Result<Contact> {
    store
        .fetch_one(
            &Sql::new(
                "SELECT first_name, last_name, email, phone, device_id, account_id FROM service_requests WHERE id = $1",
            )
            .bind(id),
        )
        .await
}

pub async fn answers(store: &Store, id: i64) -> Result<Vec<(String, String)>> {
    store
        .fetch_all(
            &Sql::new("SELECT code, value FROM request_attributes WHERE request_id = $1 ORDER BY code, value")
                .bind(id),
        )
        .await
}

/// Records a step's outcome: the new status, organisation and citizen-facing note.
#[allow(clippy::too_many_arguments)]
pub async fn record_step(
    tx: &mut Tx,
    id: i64,
    to: RequestStatus,
    organisation_id: Option<i64>,
    public_note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut sql = Sql::new("UPDATE service_requests SET status = ");
    sql.arg(to.as_str())
        .push(", organisation_id = ")
        .arg(organisation_id)
        .push(", updated_at = ")
        .arg(at)
        .push(", closed_at = ")
        .arg(if to.is_open() { None } else { Some(at) });
    if let Some(n) = public_note {
        sql.push(", status_notes = ").arg(n);
    }
    sql.push(" WHERE id = ").arg(id);
    tx.execute(&sql).await?;
    Ok(())
}

/// Clears a request's own words for publication (or withdraws that), and says so in
/// `updated_at` so Open311 clients fetch it again; `NotFound` for an unknown id.
pub async fn set_cleared(
    tx: &mut Tx,
    id: i64,
    by: Option<i64>,
    at: DateTime<Utc>,
    cleared: bool,
) -> Result<()> {
    let mut sql = Sql::new("UPDATE service_requests SET cleared_at = ");
    sql.arg(cleared.then_some(at))
        .push(", cleared_by = ")
        .arg(if cleared { by } else { None })
        .push(", updated_at = ")
        .arg(at)
        .push(" WHERE id = ")
        .arg(id);
    if tx.execute(&sql).await? == 0 {
        return Err(crate::DbError::NotFound);
    }
    Ok(())
}

/// One step in a request's history (named apart from a resolution's in the API's schemas).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
#[schema(as = RequestEvent)]
pub struct Event {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub username: Option<String>,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub organisation_id: Option<i64>,
    pub organisation_name_fa: Option<String>,
    pub organisation_name_en: Option<String>,
    pub note: String,
    pub public: bool,
}

/// A request's history in order; the public page asks for public steps only.
pub async fn events(store: &Store, id: i64, public_only: bool) -> Result<Vec<Event>> {
    let mut sql = Sql::new(
        "SELECT e.id, e.at, u.username, e.kind, e.from_status, e.to_status, e.organisation_id, \
         o.name_fa AS organisation_name_fa, o.name_en AS organisation_name_en, e.note, e.public \
         FROM request_events e LEFT JOIN users u ON u.id = e.user_id \
         LEFT JOIN organisations o ON o.id = e.organisation_id WHERE e.request_id = $1",
    )
    .bind(id);
    if public_only {
        sql.push(" AND e.public = TRUE");
    }
    sql.push(" ORDER BY e.id");
    store.fetch_all(&sql).await
}

pub async fn photo(store: &Store, request_id: i64) -> Result<(String, Vec<u8>)> {
    store
        .fetch_one(
            &Sql::new("SELECT content_type, content FROM request_photos WHERE request_id = $1 ORDER BY id LIMIT 1")
                .bind(request_id),
        )
        .await
}

pub async fn set_challenge(
    tx: &mut Tx,
    id: i64,
    challenge_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE service_requests SET challenge_id = $1, updated_at = $2 WHERE id = $3")
            .bind(challenge_id)
            .bind(at)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// An Open311 search. With ids, every other filter is ignored, as the spec says.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub ids: Vec<i64>,
    pub service_codes: Vec<String>,
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Open311 states: "open" and/or "closed".
    pub open: Option<bool>,
    pub district_number: Option<i64>,
    /// Only requests of published categories (the public Open311 listing).
    pub published_only: bool,
    pub limit: i64,
    pub offset: i64,
}

/// Requests for Open311, newest first.
pub async fn search(store: &Store, s: &Search) -> Result<Vec<Request>> {
    // Pick the page's ids on the narrow index first, then join names onto those few rows.
    let mut page = Sql::new("SELECT q.id, q.requested_at FROM service_requests q WHERE 1=1");
    if s.published_only {
        page.push(" AND q.service_id IN (SELECT id FROM services WHERE published = TRUE)");
    }
    if !s.ids.is_empty() {
        page.push(&format!(" AND q.id IN ({})", ids_sql(&s.ids)));
    } else {
        if !s.service_codes.is_empty() {
            page.push(" AND q.service_id IN (SELECT id FROM services WHERE code IN (");
            for (i, c) in s.service_codes.iter().enumerate() {
                if i > 0 {
                    page.push(", ");
                }
                page.arg(c);
            }
            page.push("))");
        }
        if let Some(d) = s.district_number {
            page.push(" AND q.district_id = (SELECT id FROM districts WHERE number = ")
                .arg(d)
                .push(")");
        }
        if let Some((from, to)) = s.window {
            page.push(" AND q.requested_at >= ")
                .arg(from)
                .push(" AND q.requested_at <= ")
                .arg(to);
        }
        match s.open {
            Some(true) => page.push(" AND q.status IN ('submitted','accepted')"),
            Some(false) => page.push(" AND q.status IN ('closed','rejected')"),
            None => &mut page,
        };
    }
    page.push(" ORDER BY q.requested_at DESC, q.id DESC LIMIT ")
        .arg(s.limit)
        .push(" OFFSET ")
        .arg(s.offset);
    let mut sql = Sql::new(&format!(
        "{COLUMNS} FROM ({}) p JOIN service_requests q ON q.id = p.id{JOINS}",
        page.text
    ));
    sql.args = page.args;
    // By the page's columns, as in `list`.
    sql.push(" ORDER BY p.requested_at DESC, p.id DESC");
    store.fetch_all(&sql).await
}

/// A staff work queue's filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub organisation_id: Option<i64>,
    pub service_id: Option<i64>,
    pub district_id: Option<i64>,
    pub status: Option<RequestStatus>,
    pub open_only: bool,
    pub overdue: bool,
    pub challenge_id: Option<i64>,
    pub reach: Option<Reach>,
}

fn apply(s: &mut Sql, f: &Filter, terms: &[String], now: DateTime<Utc>) {
    s.push(" WHERE 1=1");
    if let Some(o) = f.organisation_id {
        s.push(" AND q.organisation_id = ").arg(o);
    }
    if let Some(v) = f.service_id {
        s.push(" AND q.service_id = ").arg(v);
    }
    if let Some(d) = f.district_id {
        s.push(" AND q.district_id = ").arg(d);
    }
    if let Some(c) = f.challenge_id {
        s.push(" AND q.challenge_id = ").arg(c);
    }
    if let Some(st) = f.status {
        s.push(" AND q.status = ").arg(st.as_str());
    }
    if f.open_only || f.overdue {
        s.push(" AND q.status IN ('submitted','accepted')");
    }
    if f.overdue {
        s.push(" AND q.due_at < ").arg(now);
    }
    if let Some(reach) = &f.reach {
        s.reach(reach, "q.district_id", "q.neighborhood_id", |o| {
            format!("q.organisation_id IN ({o})")
        });
    }
    s.search("q.search_key", terms);
}

/// A page of a work queue.
/// Sort keys of the staff work queue.
pub const QUEUE_SORTS: &[&str] = &["due", "requested", "status", "updated"];

pub async fn list(
    store: &Store,
    f: &Filter,
    l: &Listing,
    now: DateTime<Utc>,
) -> Result<Paged<Request>> {
    let mut count = Sql::new("SELECT COUNT(*) FROM service_requests q");
    apply(&mut count, f, &l.terms, now);
    let total = store.scalar(&count).await?;
    let order = match l.sort {
        "requested" => "q.requested_at",
        "status" => "q.status",
        "updated" => "q.updated_at",
        _ => "q.due_at",
    };
    let mut page = Sql::new(&format!(
        "SELECT q.id, {order} AS sort_key FROM service_requests q"
    ));
    apply(&mut page, f, &l.terms, now);
    page.page(order, "q.id", l.desc, l.per_page, l.offset());
    let dir = if l.desc { " DESC" } else { " ASC" };
    let mut sql = Sql::new(&format!(
        "{COLUMNS} FROM ({}) p JOIN service_requests q ON q.id = p.id{JOINS}",
        page.text
    ));
    sql.args = page.args;
    // Ordered by the page's own columns: ordered by the table's, SQLite 3.46 walked the whole
    // table in that order to find the page's rows (200 ms at 250,000 requests, not 0.3).
    sql.push(" ORDER BY p.sort_key")
        .push(dir)
        .push(", p.id")
        .push(dir);
    let items = store.fetch_all(&sql).await?;
    Ok(Paged {
        items,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

/// Open and overdue counts of one organisation's queue.
pub async fn queue_counts(
    store: &Store,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<(i64, i64)> {
    store
        .fetch_one(
            &Sql::new(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_at < $2 THEN 1 ELSE 0 END), 0) FROM service_requests \
                 WHERE organisation_id = $1 AND status IN ('submitted','accepted')",
            )
            .bind(organisation_id)
            .bind(now),
        )
        .await
}
