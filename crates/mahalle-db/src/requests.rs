//! Citizens' requests: the service catalogue (categories, routing rules, extra questions),
//! requests with their history and photos, and Open311 API keys (challenges: `challenges`).
//! What a step does to a request is decided in `mahalle_core::requests`; this module records it.

use chrono::{DateTime, Utc};
use mahalle_core::access::Reach;
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::requests::{AttributeDef, Datatype, RequestStatus, Route};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::sql::ids_sql;
use crate::{Arg, Result, Sql, Store, Tx};

// ---------------------------------------------------------------- catalogue

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Service {
    pub id: i64,
    /// The Open311 `service_code`.
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub group_fa: String,
    pub group_en: String,
    pub description_fa: String,
    pub description_en: String,
    /// Comma-separated search words.
    pub keywords: String,
    pub domain: String,
    /// Hours the handling organisation has to answer.
    pub sla_hours: i64,
    pub active: bool,
    pub sort_order: i64,
    /// Whether the category asks extra questions (Open311 `metadata`).
    #[sqlx(default)]
    pub has_attributes: bool,
}

const SERVICE_COLUMNS: &str = "SELECT s.id, s.code, s.name_fa, s.name_en, s.group_fa, s.group_en, s.description_fa, \
     s.description_en, s.keywords, s.domain, s.sla_hours, s.active, s.sort_order, \
     EXISTS (SELECT 1 FROM service_attributes a WHERE a.service_id = s.id) AS has_attributes FROM services s";

/// The catalogue in display order; inactive categories only when asked.
pub async fn services(store: &Store, with_inactive: bool) -> Result<Vec<Service>> {
    let mut sql = Sql::new(SERVICE_COLUMNS);
    if !with_inactive {
        sql.push(" WHERE s.active = TRUE");
    }
    sql.push(" ORDER BY s.sort_order, s.code");
    store.fetch_all(&sql).await
}

pub async fn service_by_code(store: &Store, code: &str) -> Result<Option<Service>> {
    store
        .fetch_optional(&Sql::new(&format!("{SERVICE_COLUMNS} WHERE s.code = $1")).bind(code))
        .await
}

pub async fn service(store: &Store, id: i64) -> Result<Service> {
    store
        .fetch_one(&Sql::new(&format!("{SERVICE_COLUMNS} WHERE s.id = $1")).bind(id))
        .await
}

pub struct NewService<'a> {
    pub code: &'a str,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub group_fa: &'a str,
    pub group_en: &'a str,
    pub description_fa: &'a str,
    pub description_en: &'a str,
    pub keywords: &'a str,
    pub domain: &'a str,
    pub sla_hours: i64,
    pub sort_order: i64,
}

pub async fn create_service(tx: &mut Tx, s: &NewService<'_>, at: DateTime<Utc>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO services (code, name_fa, name_en, group_fa, group_en, description_fa, description_en, keywords, \
             domain, sla_hours, active, sort_order, search_key, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, TRUE, $11, $12, $13, $13) RETURNING id",
        )
        .bind(s.code)
        .bind(s.name_fa)
        .bind(s.name_en)
        .bind(s.group_fa)
        .bind(s.group_en)
        .bind(s.description_fa)
        .bind(s.description_en)
        .bind(s.keywords)
        .bind(s.domain)
        .bind(s.sla_hours)
        .bind(s.sort_order)
        .bind(search_key(&format!("{} {} {} {}", s.code, s.name_fa, s.name_en, s.keywords)))
        .bind(at),
    )
    .await
}

/// Rewrites a category's names, group, descriptions, keywords and domain (its code stays: client
/// applications know it).
pub async fn edit_service(
    tx: &mut Tx,
    id: i64,
    s: &NewService<'_>,
    at: DateTime<Utc>,
) -> Result<()> {
    let n = tx
        .execute(
            &Sql::new(
                "UPDATE services SET name_fa = $1, name_en = $2, group_fa = $3, group_en = $4, \
                 description_fa = $5, description_en = $6, keywords = $7, domain = $8, sort_order = $9, \
                 search_key = $10, updated_at = $11 WHERE id = $12",
            )
            .bind(s.name_fa)
            .bind(s.name_en)
            .bind(s.group_fa)
            .bind(s.group_en)
            .bind(s.description_fa)
            .bind(s.description_en)
            .bind(s.keywords)
            .bind(s.domain)
            .bind(s.sort_order)
            .bind(search_key(&format!("{} {} {} {}", s.code, s.name_fa, s.name_en, s.keywords)))
            .bind(at)
            .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(crate::DbError::NotFound);
    }
    Ok(())
}

/// Changes what staff may change on a category: its response time and whether it is offered.
pub async fn update_service(
    tx: &mut Tx,
    id: i64,
    sla_hours: i64,
    active: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    let n = tx
        .execute(
            &Sql::new(
                "UPDATE services SET sla_hours = $1, active = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(sla_hours)
            .bind(active)
            .bind(at)
            .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(crate::DbError::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct RouteRow {
    pub id: i64,
    pub service_id: i64,
    pub district_id: Option<i64>,
    pub district_number: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub neighborhood_name_fa: Option<String>,
    pub organisation_id: i64,
    pub organisation_name_fa: String,
    pub organisation_name_en: String,
}

/// A category's routing rules alone, for routing a submission (no names: this runs per request).
pub async fn route_rules(store: &Store, service_id: i64) -> Result<Vec<Route>> {
    let rows: Vec<(Option<i64>, Option<i64>, i64)> = store
        .fetch_all(
            &Sql::new(
                "SELECT district_id, neighborhood_id, organisation_id FROM service_routes WHERE service_id = $1",
            )
            .bind(service_id),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(district, neighborhood, organisation)| Route {
            district,
            neighborhood,
            organisation,
        })
        .collect())
}

pub async fn routes(store: &Store, service_id: i64) -> Result<Vec<RouteRow>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT r.id, r.service_id, r.district_id, d.number AS district_number, r.neighborhood_id, \
                 n.name_fa AS neighborhood_name_fa, r.organisation_id, o.name_fa AS organisation_name_fa, \
                 o.name_en AS organisation_name_en FROM service_routes r \
                 JOIN organisations o ON o.id = r.organisation_id \
                 LEFT JOIN districts d ON d.id = r.district_id \
                 LEFT JOIN neighborhoods n ON n.id = r.neighborhood_id \
                 WHERE r.service_id = $1 ORDER BY r.neighborhood_id IS NOT NULL, r.district_id IS NOT NULL, d.number, r.id",
            )
            .bind(service_id),
        )
        .await
}

/// Sets who handles a category in a place (no district: the default), replacing the rule for
/// the same place.
pub async fn set_route(
    tx: &mut Tx,
    service_id: i64,
    district_id: Option<i64>,
    neighborhood_id: Option<i64>,
    organisation_id: i64,
) -> Result<()> {
    let mut del = Sql::new("DELETE FROM service_routes WHERE service_id = ");
    del.arg(service_id);
    for (col, v) in [
        ("district_id", district_id),
        ("neighborhood_id", neighborhood_id),
    ] {
        match v {
            Some(v) => del.push(&format!(" AND {col} = ")).arg(v),
            None => del.push(&format!(" AND {col} IS NULL")),
        };
    }
    tx.execute(&del).await?;
    tx.execute(
        &Sql::new(
            "INSERT INTO service_routes (service_id, district_id, neighborhood_id, organisation_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(service_id)
        .bind(district_id)
        .bind(neighborhood_id)
        .bind(organisation_id),
    )
    .await?;
    Ok(())
}

/// Removes one routing rule of a category; false when it was not one of its rules.
pub async fn delete_route(tx: &mut Tx, service_id: i64, route_id: i64) -> Result<bool> {
    Ok(tx
        .execute(
            &Sql::new("DELETE FROM service_routes WHERE id = $1 AND service_id = $2")
                .bind(route_id)
                .bind(service_id),
        )
        .await?
        > 0)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attribute {
    pub id: i64,
    pub code: String,
    pub datatype: String,
    pub required: bool,
    pub variable: bool,
    pub description_fa: String,
    pub description_en: String,
    pub datatype_description: String,
    pub sort_order: i64,
    pub values: Vec<AttributeValue>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct AttributeValue {
    #[serde(skip)]
    pub attribute_id: i64,
    pub key: String,
    pub name_fa: String,
    pub name_en: String,
}

impl Attribute {
    pub fn def(&self) -> AttributeDef {
        AttributeDef {
            code: self.code.clone(),
            datatype: Datatype::parse(&self.datatype).unwrap_or(Datatype::String),
            required: self.required,
            variable: self.variable,
            values: self.values.iter().map(|v| v.key.clone()).collect(),
        }
    }
}

pub async fn attributes(store: &Store, service_id: i64) -> Result<Vec<Attribute>> {
    type Row = (i64, String, String, bool, bool, String, String, String, i64);
    let rows: Vec<Row> = store
        .fetch_all(
            &Sql::new(
                "SELECT id, code, datatype, required, variable, description_fa, description_en, datatype_description, sort_order \
                 FROM service_attributes WHERE service_id = $1 ORDER BY sort_order, id",
            )
            .bind(service_id),
        )
        .await?;
    let values: Vec<AttributeValue> = store
        .fetch_all(
            &Sql::new(
                "SELECT v.attribute_id, v.key, v.name_fa, v.name_en FROM service_attribute_values v \
                 JOIN service_attributes a ON a.id = v.attribute_id WHERE a.service_id = $1 ORDER BY v.sort_order, v.key",
            )
            .bind(service_id),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Attribute {
            values: values
                .iter()
                .filter(|v| v.attribute_id == r.0)
                .cloned()
                .collect(),
            id: r.0,
            code: r.1,
            datatype: r.2,
            required: r.3,
            variable: r.4,
            description_fa: r.5,
            description_en: r.6,
            datatype_description: r.7,
            sort_order: r.8,
        })
        .collect())
}

pub struct NewAttribute<'a> {
    pub code: &'a str,
    pub datatype: Datatype,
    pub required: bool,
    pub description_fa: &'a str,
    pub description_en: &'a str,
    pub sort_order: i64,
    /// (key, Persian name, English name) for list types.
    pub values: &'a [(&'a str, &'a str, &'a str)],
}

pub async fn add_attribute(tx: &mut Tx, service_id: i64, a: &NewAttribute<'_>) -> Result<i64> {
    let id = tx
        .scalar(
            &Sql::new(
                "INSERT INTO service_attributes (service_id, code, datatype, required, variable, description_fa, description_en, sort_order) \
                 VALUES ($1, $2, $3, $4, TRUE, $5, $6, $7) RETURNING id",
            )
            .bind(service_id)
            .bind(a.code)
            .bind(a.datatype.as_str())
            .bind(a.required)
            .bind(a.description_fa)
            .bind(a.description_en)
            .bind(a.sort_order),
        )
        .await?;
    for (i, (key, fa, en)) in a.values.iter().enumerate() {
        tx.execute(
            &Sql::new(
                "INSERT INTO service_attribute_values (attribute_id, key, name_fa, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(*key)
            .bind(*fa)
            .bind(*en)
            .bind(i as i64),
        )
        .await?;
    }
    Ok(id)
}

/// Removes a question (and its choices) from a category. Answers already given stay with their
/// requests under the question's code. False when it was not one of the category's questions.
pub async fn remove_attribute(tx: &mut Tx, service_id: i64, attribute_id: i64) -> Result<bool> {
    tx.execute(
        &Sql::new(
            "DELETE FROM service_attribute_values WHERE attribute_id IN \
             (SELECT id FROM service_attributes WHERE id = $1 AND service_id = $2)",
        )
        .bind(attribute_id)
        .bind(service_id),
    )
    .await?;
    Ok(tx
        .execute(
            &Sql::new("DELETE FROM service_attributes WHERE id = $1 AND service_id = $2")
                .bind(attribute_id)
                .bind(service_id),
        )
        .await?
        > 0)
}

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
     EXISTS (SELECT 1 FROM request_photos p WHERE p.request_id = q.id) AS has_photo";
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

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
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
    pub limit: i64,
    pub offset: i64,
}

/// Requests for Open311, newest first.
pub async fn search(store: &Store, s: &Search) -> Result<Vec<Request>> {
    // Pick the page's ids on the narrow index first, then join names onto those few rows.
    let mut page = Sql::new("SELECT q.id, q.requested_at FROM service_requests q WHERE 1=1");
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
    sql.push(" ORDER BY q.requested_at DESC, q.id DESC");
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
    let mut page = Sql::new("SELECT q.id FROM service_requests q");
    apply(&mut page, f, &l.terms, now);
    page.page(order, "q.id", l.desc, l.per_page, l.offset());
    let dir = if l.desc { " DESC" } else { " ASC" };
    let mut sql = Sql::new(&format!(
        "{COLUMNS} FROM ({}) p JOIN service_requests q ON q.id = p.id{JOINS}",
        page.text
    ));
    sql.args = page.args;
    sql.push(" ORDER BY ")
        .push(order)
        .push(dir)
        .push(", q.id")
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

// ---------------------------------------------------------------- API keys

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
