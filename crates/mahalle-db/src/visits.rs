//! Supervisory visits: who visits and who hosts, domain reports and the challenges they raise,
//! findings, the commitments memo, and the district figures the briefing pack gathers. The visit
//! itself is a row of `meetings` (kind `supervisory_visit`); its decisions are its resolutions.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::meetings::Party;
use mahalle_core::visits::Side;
use serde::Serialize;
use utoipa::ToSchema;

use crate::sql::ids_sql;
use crate::{Result, Sql, Store, Tx};

/// Marks which invitees came to visit and which hosted (the rest keep no side).
pub async fn set_sides(tx: &mut Tx, meeting_id: i64, sides: &[(Party, Side)]) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE meeting_attendees SET side = NULL WHERE meeting_id = $1")
            .bind(meeting_id),
    )
    .await?;
    for (party, side) in sides {
        let (column, id) = match *party {
            Party::Person(id) => ("person_id", id),
            Party::Organisation(id) => ("organisation_id", id),
        };
        tx.execute(
            &Sql::new(&format!(
                "UPDATE meeting_attendees SET side = $1 WHERE meeting_id = $2 AND {column} = $3"
            ))
            .bind(side.as_str())
            .bind(meeting_id)
            .bind(id),
        )
        .await?;
    }
    Ok(())
}

/// The people on the visiting side: their accounts may edit the visit.
pub async fn visitor_people(store: &Store, meeting_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = store
        .fetch_all(
            &Sql::new(
                "SELECT person_id FROM meeting_attendees WHERE meeting_id = $1 AND side = 'visitor' AND person_id IS NOT NULL",
            )
            .bind(meeting_id),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The organisations based in a district (its municipal office and departments): their
/// liaisons are its domain managers.
pub async fn district_organisations(store: &Store, district_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = store
        .fetch_all(
            &Sql::new("SELECT id FROM organisations WHERE district_id = $1").bind(district_id),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The district's visit before this one, if any.
pub async fn previous(
    store: &Store,
    district_id: i64,
    starts_at: DateTime<Utc>,
    id: i64,
) -> Result<Option<i64>> {
    let row: Option<(i64,)> = store
        .fetch_optional(
            &Sql::new(
                "SELECT id FROM meetings WHERE district_id = $1 AND kind = 'supervisory_visit' \
                 AND (starts_at < $2 OR (starts_at = $2 AND id < $3)) ORDER BY starts_at DESC, id DESC LIMIT 1",
            )
            .bind(district_id)
            .bind(starts_at)
            .bind(id),
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// A decision of a visit: one of its resolutions, with its owner and deadline.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Commitment {
    pub id: i64,
    pub jalali_year: i64,
    pub session_number: i64,
    pub item_number: i64,
    pub title: String,
    pub domain: String,
    pub neighborhood_id: Option<i64>,
    pub lead_org_id: i64,
    pub lead_name_fa: String,
    pub lead_name_en: String,
    pub deadline: NaiveDate,
    /// approved, in_progress, done or cancelled
    pub status: String,
    pub progress: i64,
    pub done_on: Option<NaiveDate>,
    pub done_late: Option<bool>,
}

/// Every decision of a visit, in item order (a visit makes dozens, never thousands).
pub async fn commitments(store: &Store, meeting_id: i64) -> Result<Vec<Commitment>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT r.id, m.jalali_year, m.session_number, r.item_number, r.title, r.domain, r.neighborhood_id, \
                 r.lead_org_id, o.name_fa AS lead_name_fa, o.name_en AS lead_name_en, r.deadline, r.status, r.progress, \
                 r.done_on, r.done_late FROM resolutions r JOIN meetings m ON m.id = r.meeting_id \
                 JOIN organisations o ON o.id = r.lead_org_id WHERE r.meeting_id = $1 ORDER BY r.item_number LIMIT 1000",
            )
            .bind(meeting_id),
        )
        .await
}

/// A domain manager's report to a visit.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct DomainReport {
    pub id: i64,
    pub meeting_id: i64,
    pub domain: String,
    /// The manager's name as written.
    pub manager: String,
    /// What was done since the last visit.
    pub actions: String,
    /// One `label: value` a line.
    pub figures: String,
    pub filed_by: Option<i64>,
    pub filed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const REPORT: &str = "SELECT id, meeting_id, domain, manager, actions, figures, filed_by, filed_at, updated_at FROM visit_reports";

pub async fn reports(store: &Store, meeting_id: i64) -> Result<Vec<DomainReport>> {
    store
        .fetch_all(
            &Sql::new(&format!("{REPORT} WHERE meeting_id = $1 ORDER BY domain")).bind(meeting_id),
        )
        .await
}

pub async fn report(store: &Store, id: i64) -> Result<DomainReport> {
    store
        .fetch_one(&Sql::new(&format!("{REPORT} WHERE id = $1")).bind(id))
        .await
}

pub async fn report_of_domain(
    tx: &mut Tx,
    meeting_id: i64,
    domain: &str,
) -> Result<Option<DomainReport>> {
    tx.fetch_optional(
        &Sql::new(&format!("{REPORT} WHERE meeting_id = $1 AND domain = $2"))
            .bind(meeting_id)
            .bind(domain),
    )
    .await
}

/// A challenge a report raises.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct RaisedChallenge {
    pub report_id: i64,
    pub challenge_id: i64,
    pub title: String,
    pub status: String,
    pub neighborhood_id: i64,
    pub neighborhood_name_fa: String,
    pub neighborhood_name_en: String,
}

pub async fn raised_challenges(store: &Store, meeting_id: i64) -> Result<Vec<RaisedChallenge>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT l.report_id, c.id AS challenge_id, c.title, c.status, c.neighborhood_id, \
                 n.name_fa AS neighborhood_name_fa, n.name_en AS neighborhood_name_en \
                 FROM visit_reports v JOIN visit_report_challenges l ON l.report_id = v.id \
                 JOIN challenges c ON c.id = l.challenge_id JOIN neighborhoods n ON n.id = c.neighborhood_id \
                 WHERE v.meeting_id = $1 ORDER BY n.name_fa, c.id",
            )
            .bind(meeting_id),
        )
        .await
}

/// Of these challenge numbers, those that are not challenges of the district.
pub async fn foreign_challenges(tx: &mut Tx, district_id: i64, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            &Sql::new(&format!(
                "SELECT id FROM challenges WHERE district_id = $1 AND id IN ({})",
                ids_sql(ids)
            ))
            .bind(district_id),
        )
        .await?;
    Ok(ids
        .iter()
        .copied()
        .filter(|i| !rows.iter().any(|r| r.0 == *i))
        .collect())
}

pub struct ReportFields<'a> {
    pub meeting_id: i64,
    pub domain: &'a str,
    pub manager: &'a str,
    pub actions: &'a str,
    pub figures: &'a str,
    pub challenges: &'a [i64],
    pub user_id: Option<i64>,
}

/// Files a domain's report, or replaces the one filed (with the challenges it raises); its id.
pub async fn save_report(tx: &mut Tx, r: &ReportFields<'_>, now: DateTime<Utc>) -> Result<i64> {
    let id = tx
        .scalar(
            &Sql::new(
                "INSERT INTO visit_reports (meeting_id, domain, manager, actions, figures, filed_by, filed_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (meeting_id, domain) DO UPDATE SET \
                 manager = excluded.manager, actions = excluded.actions, figures = excluded.figures, \
                 updated_at = excluded.updated_at RETURNING id",
            )
            .bind(r.meeting_id)
            .bind(r.domain)
            .bind(r.manager)
            .bind(r.actions)
            .bind(r.figures)
            .bind(r.user_id)
            .bind(now),
        )
        .await?;
    tx.execute(&Sql::new("DELETE FROM visit_report_challenges WHERE report_id = $1").bind(id))
        .await?;
    for c in r.challenges {
        tx.execute(
            &Sql::new(
                "INSERT INTO visit_report_challenges (report_id, challenge_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(*c),
        )
        .await?;
    }
    Ok(id)
}

/// A finding recorded during a visit.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Finding {
    pub id: i64,
    pub body: String,
    pub domain: Option<String>,
    pub neighborhood_id: Option<i64>,
    pub neighborhood_name_fa: Option<String>,
    pub neighborhood_name_en: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn findings(store: &Store, meeting_id: i64) -> Result<Vec<Finding>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT f.id, f.body, f.domain, f.neighborhood_id, n.name_fa AS neighborhood_name_fa, \
                 n.name_en AS neighborhood_name_en, f.created_at FROM visit_findings f \
                 LEFT JOIN neighborhoods n ON n.id = f.neighborhood_id WHERE f.meeting_id = $1 ORDER BY f.id LIMIT 1000",
            )
            .bind(meeting_id),
        )
        .await
}

pub async fn add_finding(
    tx: &mut Tx,
    meeting_id: i64,
    body: &str,
    domain: Option<&str>,
    neighborhood_id: Option<i64>,
    user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO visit_findings (meeting_id, body, domain, neighborhood_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(meeting_id)
        .bind(body)
        .bind(domain)
        .bind(neighborhood_id)
        .bind(user_id)
        .bind(now),
    )
    .await
}

/// A sending of the commitments memo.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Memo {
    pub id: i64,
    pub sent_at: DateTime<Utc>,
    pub sent_by: Option<i64>,
    /// Commitments newly sent.
    pub commitments: i64,
    /// Owner organisations they went to.
    pub owners: i64,
}

pub async fn memos(store: &Store, meeting_id: i64) -> Result<Vec<Memo>> {
    store
        .fetch_all(
            &Sql::new("SELECT id, sent_at, sent_by, commitments, owners FROM visit_memos WHERE meeting_id = $1 ORDER BY id")
                .bind(meeting_id),
        )
        .await
}

/// Of a visit's decisions, those already sent to their owner in a memo.
pub async fn memo_sent(tx: &mut Tx, meeting_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            &Sql::new(
                "SELECT i.resolution_id FROM notification_items i JOIN resolutions r ON r.id = i.resolution_id \
                 WHERE r.meeting_id = $1 AND i.kind = 'visit_memo'",
            )
            .bind(meeting_id),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn record_memo(
    tx: &mut Tx,
    meeting_id: i64,
    user_id: i64,
    commitments: i64,
    owners: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO visit_memos (meeting_id, sent_at, sent_by, commitments, owners) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(meeting_id)
        .bind(now)
        .bind(user_id)
        .bind(commitments)
        .bind(owners),
    )
    .await
}

// ---------------------------------------------------------------- the briefing pack's figures

/// What an organisation owes a district: overdue resolutions it leads, overdue requests it handles.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow, ToSchema)]
pub struct OrgOverdue {
    pub organisation_id: i64,
    pub name_fa: String,
    pub name_en: String,
    pub resolutions: i64,
    pub requests: i64,
}

/// Overdue resolutions (of the district's meetings or about it) and overdue requests of the
/// district, by organisation, the most overdue first.
pub async fn overdue_by_organisation(
    store: &Store,
    district_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<OrgOverdue>> {
    let resolutions: Vec<(i64, i64)> = store
        .fetch_all(
            &Sql::new(
                "SELECT r.lead_org_id, COUNT(*) FROM resolutions r WHERE r.district_id = $1 \
                 AND r.status IN ('approved','in_progress') AND r.deadline < $2 GROUP BY r.lead_org_id",
            )
            .bind(district_id)
            .bind(today),
        )
        .await?;
    let requests: Vec<(i64, i64)> = store
        .fetch_all(
            &Sql::new(
                "SELECT q.organisation_id, COUNT(*) FROM service_requests q WHERE q.district_id = $1 \
                 AND q.status IN ('submitted','accepted') AND q.due_at < $2 AND q.organisation_id IS NOT NULL \
                 GROUP BY q.organisation_id",
            )
            .bind(district_id)
            .bind(now),
        )
        .await?;
    let mut by: std::collections::BTreeMap<i64, OrgOverdue> = std::collections::BTreeMap::new();
    for (org, n) in resolutions {
        by.entry(org).or_default().resolutions = n;
    }
    for (org, n) in requests {
        by.entry(org).or_default().requests = n;
    }
    if by.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = by.keys().copied().collect();
    let names: Vec<(i64, String, String)> = store
        .fetch_all(&Sql::new(&format!(
            "SELECT id, name_fa, name_en FROM organisations WHERE id IN ({})",
            ids_sql(&ids)
        )))
        .await?;
    let mut out: Vec<OrgOverdue> = names
        .into_iter()
        .filter_map(|(id, fa, en)| {
            by.remove(&id).map(|o| OrgOverdue {
                organisation_id: id,
                name_fa: fa,
                name_en: en,
                ..o
            })
        })
        .collect();
    out.sort_by_key(|o| {
        (
            std::cmp::Reverse(o.resolutions + o.requests),
            o.organisation_id,
        )
    });
    Ok(out)
}

/// Open challenges of a district by neighborhood and domain.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct OpenChallenges {
    pub neighborhood_id: i64,
    pub name_fa: String,
    pub name_en: String,
    pub domain: String,
    pub open: i64,
}

pub async fn open_challenges(store: &Store, district_id: i64) -> Result<Vec<OpenChallenges>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT c.neighborhood_id, n.name_fa, n.name_en, c.domain, COUNT(*) AS open FROM challenges c \
                 JOIN neighborhoods n ON n.id = c.neighborhood_id WHERE c.district_id = $1 \
                 AND c.status IN ('raised','accepted','planned','being_solved') \
                 GROUP BY c.neighborhood_id, n.name_fa, n.name_en, c.domain ORDER BY n.name_fa, c.domain",
            )
            .bind(district_id),
        )
        .await
}

// ---------------------------------------------------------------- loading the demo

/// Whether any supervisory visit exists (the demo adds them once).
pub async fn any(tx: &mut Tx) -> Result<bool> {
    Ok(tx
        .scalar(&Sql::new(
            "SELECT COUNT(*) FROM meetings WHERE kind = 'supervisory_visit'",
        ))
        .await?
        > 0)
}

/// An organisation's id by its code.
pub async fn organisation_by_code(tx: &mut Tx, code: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(&Sql::new("SELECT id FROM organisations WHERE code = $1").bind(code))
        .await?;
    Ok(row.map(|r| r.0))
}

/// The next free session number of a body in a Jalali year, within a transaction.
pub async fn next_session_number(tx: &mut Tx, body_id: i64, jalali_year: i64) -> Result<i64> {
    tx.scalar(
        &Sql::new("SELECT COALESCE(MAX(session_number), 0) + 1 FROM meetings WHERE body_id = $1 AND jalali_year = $2")
            .bind(body_id)
            .bind(jalali_year),
    )
    .await
}

/// People serving a district's neighborhoods (council members): the demo's volunteers.
pub async fn serving_people(tx: &mut Tx, district_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            &Sql::new(
                "SELECT DISTINCT m.person_id FROM memberships m JOIN organisations o ON o.id = m.body_id \
                 JOIN neighborhoods n ON n.id = o.neighborhood_id WHERE n.district_id = $1 ORDER BY m.person_id LIMIT 200",
            )
            .bind(district_id),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
