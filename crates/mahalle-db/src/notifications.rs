//! Reminders and escalations of resolution deadlines, and the outbox they are delivered from.
//!
//! Several server processes may run the same job over one database. They need no lock of their
//! own: generation inserts with `ON CONFLICT (dedupe_key) DO NOTHING`, so each reminder exists
//! once whoever makes it, and the escalation's timeline event is written only by the process
//! whose insert won; delivery claims one row at a time with a conditional `UPDATE` that sets a
//! lease (`locked_until`) and adds one to `attempts`, and every later update of the row checks
//! that `attempts` is still what its claim set (a fencing token), so a process whose lease ran out
//! cannot overwrite the work of the one that took the row over.
//!
//! Delivery is at least once: a process that dies between the mail server's acceptance and
//! `mark_sent` leaves the row `sending`, and it is sent again when the lease runs out.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::paging::{Listing, Paged};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{resolutions, DbError, Result, Sql, Store, Tx};

use mahalle_core::outbox::clip_error as clip;
pub use mahalle_core::outbox::{backoff, obsolete, state_after_failure, State, MAX_ATTEMPTS};

pub use mahalle_core::reminders::{Kind, RequestKind};

/// "overdue:42:2026-01-31": one notification of a kind per resolution and deadline. A moved
/// deadline gives a new key (and a new reminder); the same deadline never a second one.
pub fn dedupe_key(kind: Kind, resolution_id: i64, deadline: NaiveDate) -> String {
    format!(
        "{}:{resolution_id}:{}",
        kind.as_str(),
        deadline.format("%Y-%m-%d")
    )
}

fn to_chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// An open resolution that a notification of some kind is due for, with what a message needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub resolution_id: i64,
    pub jalali_year: i64,
    pub session_number: i64,
    pub item_number: i64,
    pub title: String,
    pub deadline: NaiveDate,
    pub lead_org_id: i64,
    pub lead_name_fa: String,
    pub recipient_org_id: i64,
    pub recipient_name_fa: String,
    /// May be empty: the notification then waits as `no_address`.
    pub recipient_email: String,
}

const CANDIDATE_COLUMNS: &str =
    "SELECT r.id AS resolution_id, m.jalali_year, m.session_number, r.item_number, r.title, \
     r.deadline, r.lead_org_id, lo.name_fa AS lead_name_fa";

/// Open resolutions that `kind` is due for on `today` and that no notification covers for
/// their current deadline yet, by recipient and oldest deadline first, at most `limit`. Overdue
/// ones only with deadlines from `overdue_from` on (the cut-off).
///
/// Recipients: the lead organisation; for escalations, the body that held the meeting (the
/// chair's office), or its parent organisation when the body itself has no e-mail address (the
/// Social HQ's parent is the municipality, i.e. the mayor's office).
pub async fn candidates(
    store: &Store,
    kind: Kind,
    today: NaiveDate,
    escalate_after_days: i64,
    overdue_from: NaiveDate,
    limit: i64,
) -> Result<Vec<Candidate>> {
    let mut sql = Sql::new(CANDIDATE_COLUMNS);
    if kind == Kind::Escalation {
        sql.push(
            ", CASE WHEN b.email = '' AND bp.email <> '' THEN bp.id ELSE b.id END AS recipient_org_id, \
             CASE WHEN b.email = '' AND bp.email <> '' THEN bp.name_fa ELSE b.name_fa END AS recipient_name_fa, \
             CASE WHEN b.email = '' AND bp.email <> '' THEN bp.email ELSE b.email END AS recipient_email \
             FROM resolutions r JOIN meetings m ON m.id = r.meeting_id JOIN organisations lo ON lo.id = r.lead_org_id \
             JOIN organisations b ON b.id = m.body_id LEFT JOIN organisations bp ON bp.id = b.parent_id",
        );
    } else {
        sql.push(
            ", lo.id AS recipient_org_id, lo.name_fa AS recipient_name_fa, lo.email AS recipient_email \
             FROM resolutions r JOIN meetings m ON m.id = r.meeting_id JOIN organisations lo ON lo.id = r.lead_org_id",
        );
    }
    sql.push(" WHERE r.status IN ('approved','in_progress')");
    match kind {
        Kind::DueIn7Days => {
            sql.push(" AND r.deadline > ").arg(today);
            sql.push(" AND r.deadline <= ")
                .arg(today + chrono::Days::new(7));
        }
        Kind::DueToday => {
            sql.push(" AND r.deadline = ").arg(today);
        }
        Kind::Overdue => {
            sql.push(" AND r.deadline < ").arg(today);
            sql.push(" AND r.deadline >= ").arg(overdue_from);
        }
        Kind::Escalation => {
            let days = u64::try_from(escalate_after_days.max(1)).unwrap_or(1);
            sql.push(" AND r.deadline <= ")
                .arg(today - chrono::Days::new(days));
        }
    }
    sql.push(
        " AND NOT EXISTS (SELECT 1 FROM notification_items i WHERE i.resolution_id = r.id AND i.kind = ",
    )
    .arg(kind.as_str())
    .push(" AND i.deadline = r.deadline) ORDER BY recipient_org_id, r.deadline, r.id LIMIT ")
    .arg(limit);
    store.fetch_all(&sql).await
}

/// A resolution a notification covers.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub resolution_id: i64,
    pub deadline: NaiveDate,
    /// For escalations: the note of the `escalated` timeline event.
    pub event_note: String,
}

/// A notification to record, its text already composed: about one resolution, or a digest.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub kind: Kind,
    /// Unique: [`dedupe_key`] for a single reminder, [`digest_key`] for a digest.
    pub dedupe_key: String,
    pub recipient_org_id: Option<i64>,
    pub recipient_email: String,
    pub subject: String,
    pub body: String,
    /// At least one; the first is the notification's `resolution_id` and its deadline the
    /// notification's.
    pub items: Vec<NewItem>,
}

/// "digest:overdue:12:2026-01-31:4711:2026-01-20": the digest of a kind (a [`Kind`] or
/// [`RequestKind`] code) for an organisation on a day, named by its first item and that item's
/// deadline (a large backlog makes several digests a day, and a deadline moved the same day
/// makes a new one).
pub fn digest_key(
    kind: &str,
    org: i64,
    day: NaiveDate,
    first: i64,
    first_deadline: NaiveDate,
) -> String {
    format!(
        "digest:{kind}:{org}:{}:{first}:{}",
        day.format("%Y-%m-%d"),
        first_deadline.format("%Y-%m-%d")
    )
}

/// What one `insert` call recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Inserted {
    /// New notification rows (pending or no_address).
    pub created: u64,
    /// Of those, rows waiting for an address.
    pub no_address: u64,
    /// Of those, digests (more than one resolution).
    pub digests: u64,
    /// Resolutions the new rows cover.
    pub covered: u64,
    /// `escalated` events written to resolution timelines.
    pub escalated: u64,
}

impl std::ops::AddAssign for Inserted {
    fn add_assign(&mut self, o: Inserted) {
        self.created += o.created;
        self.no_address += o.no_address;
        self.digests += o.digests;
        self.covered += o.covered;
        self.escalated += o.escalated;
    }
}

/// One outbox row to record.
struct OutboxRow<'a> {
    resolution_id: Option<i64>,
    kind: &'a str,
    deadline: NaiveDate,
    recipient_org_id: Option<i64>,
    recipient_email: &'a str,
    subject: &'a str,
    body: &'a str,
    dedupe_key: &'a str,
}

/// Inserts an outbox row unless its key exists (then `None`): pending, or `no_address` without
/// an address. Counts it in `out`.
async fn outbox_row(
    tx: &mut Tx,
    n: &OutboxRow<'_>,
    now: DateTime<Utc>,
    out: &mut Inserted,
) -> Result<Option<i64>> {
    let state = if n.recipient_email.trim().is_empty() {
        State::NoAddress
    } else {
        State::Pending
    };
    let row: Option<(i64,)> = tx
        .fetch_optional(
            &Sql::new(
                "INSERT INTO notifications (resolution_id, kind, deadline, recipient_org_id, recipient_email, subject, body, \
                 dedupe_key, state, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
                 ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
            )
            .bind(n.resolution_id)
            .bind(n.kind)
            .bind(n.deadline)
            .bind(n.recipient_org_id)
            .bind(n.recipient_email.trim())
            .bind(n.subject)
            .bind(n.body)
            .bind(n.dedupe_key)
            .bind(state.as_str())
            .bind(now),
        )
        .await?;
    if row.is_some() {
        out.created += 1;
        if state == State::NoAddress {
            out.no_address += 1;
        }
    }
    Ok(row.map(|(id,)| id))
}

/// Records notifications and the resolutions they cover in one transaction; escalations get an
/// `escalated` event in each covered resolution's timeline in the same transaction. A
/// notification whose key exists already (an earlier run, another process) is skipped.
/// `Conflict` when another process covered one of the resolutions meanwhile under another key:
/// nothing is recorded, and the caller looks for what is still due again.
pub async fn insert(
    store: &Store,
    items: &[NewNotification],
    now: DateTime<Utc>,
) -> Result<Inserted> {
    if items.is_empty() {
        return Ok(Inserted::default());
    }
    store
        .write(|tx, _| Box::pin(async move { insert_tx(tx, items, now).await }))
        .await
}

async fn insert_tx(tx: &mut Tx, items: &[NewNotification], now: DateTime<Utc>) -> Result<Inserted> {
    let mut out = Inserted::default();
    for n in items {
        let Some(first) = n.items.first() else {
            continue;
        };
        let Some(id) = outbox_row(
            tx,
            &OutboxRow {
                resolution_id: Some(first.resolution_id),
                kind: n.kind.as_str(),
                deadline: first.deadline,
                recipient_org_id: n.recipient_org_id,
                recipient_email: &n.recipient_email,
                subject: &n.subject,
                body: &n.body,
                dedupe_key: &n.dedupe_key,
            },
            now,
            &mut out,
        )
        .await?
        else {
            continue;
        };
        if n.items.len() > 1 {
            out.digests += 1;
        }
        // 4 values a row; small statements keep SQLite's parameter binding quick.
        for chunk in n.items.chunks(100) {
            let mut sql = Sql::new(
                "INSERT INTO notification_items (notification_id, resolution_id, kind, deadline) VALUES ",
            );
            for (i, it) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.arg(id).push(", ").arg(it.resolution_id).push(", ");
                sql.arg(n.kind.as_str())
                    .push(", ")
                    .arg(it.deadline)
                    .push(")");
            }
            tx.execute(&sql).await?;
        }
        out.covered += n.items.len() as u64;
        if n.kind == Kind::Escalation {
            for it in &n.items {
                let data = serde_json::json!({
                    "notification_id": id,
                    "deadline": it.deadline,
                    "recipient_org_id": n.recipient_org_id,
                });
                escalated_event(tx, it.resolution_id, now, &it.event_note, data).await?;
                out.escalated += 1;
            }
        }
    }
    Ok(out)
}

/// The outbox kind of a supervisory visit's commitments memo: written by the visit's
/// secretariat, never found by the generator, never obsolete.
pub const VISIT_MEMO: &str = "visit_memo";

/// A visit's memo to one owner organisation, its text composed.
#[derive(Debug, Clone)]
pub struct NewMemo {
    pub dedupe_key: String,
    pub recipient_org_id: i64,
    pub recipient_email: String,
    pub subject: String,
    pub body: String,
    /// The commitments it carries (resolution, deadline): at least one.
    pub items: Vec<(i64, NaiveDate)>,
}

/// Puts memos in the outbox within the caller's transaction; their commitments become the
/// items, so a commitment is sent to its owner once.
pub async fn insert_memos(tx: &mut Tx, memos: &[NewMemo], now: DateTime<Utc>) -> Result<Inserted> {
    let mut out = Inserted::default();
    for n in memos {
        let Some(first) = n.items.first() else {
            continue;
        };
        let Some(id) = outbox_row(
            tx,
            &OutboxRow {
                resolution_id: Some(first.0),
                kind: VISIT_MEMO,
                deadline: first.1,
                recipient_org_id: Some(n.recipient_org_id),
                recipient_email: &n.recipient_email,
                subject: &n.subject,
                body: &n.body,
                dedupe_key: &n.dedupe_key,
            },
            now,
            &mut out,
        )
        .await?
        else {
            continue;
        };
        for (resolution_id, deadline) in &n.items {
            tx.execute(
                &Sql::new(
                    "INSERT INTO notification_items (notification_id, resolution_id, kind, deadline) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(*resolution_id)
                .bind(VISIT_MEMO)
                .bind(*deadline),
            )
            .await?;
        }
        out.covered += n.items.len() as u64;
    }
    Ok(out)
}

async fn escalated_event(
    tx: &mut Tx,
    resolution_id: i64,
    at: DateTime<Utc>,
    note: &str,
    data: serde_json::Value,
) -> Result<()> {
    resolutions::event(
        tx,
        resolution_id,
        at,
        None,
        "escalated",
        None,
        None,
        note,
        Some(data),
    )
    .await
}

// ---------------------------------------------------------------- citizens' requests

/// An unanswered request a notification is due for, with what a message needs and the
/// organisations that may receive it (`mahalle_core::reminders::request_escalation_recipient`
/// chooses among them).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestCandidate {
    pub request_id: i64,
    pub service_name_fa: String,
    pub district_number: Option<i64>,
    pub neighborhood_name_fa: Option<String>,
    pub due_at: DateTime<Utc>,
    pub handler_id: Option<i64>,
    pub handler_name_fa: Option<String>,
    pub handler_parent_id: Option<i64>,
    /// The municipal office of the request's district (the first one, should there be several).
    pub district_office_id: Option<i64>,
}

/// Open requests with a response deadline in `window` (see
/// `mahalle_core::reminders::request_window`) that no notification of `kind` covers yet,
/// oldest deadline first, at most `limit`. Overdue notices need a handler; escalations a
/// handler or a district.
pub async fn request_candidates(
    store: &Store,
    kind: RequestKind,
    window: (Option<DateTime<Utc>>, DateTime<Utc>),
    limit: i64,
) -> Result<Vec<RequestCandidate>> {
    let mut sql = Sql::new(
        "SELECT q.id AS request_id, s.name_fa AS service_name_fa, d.number AS district_number, \
         n.name_fa AS neighborhood_name_fa, q.due_at, h.id AS handler_id, h.name_fa AS handler_name_fa, \
         h.parent_id AS handler_parent_id, \
         (SELECT MIN(o.id) FROM organisations o WHERE o.kind = 'district_office' AND o.district_id = q.district_id) AS district_office_id \
         FROM service_requests q JOIN services s ON s.id = q.service_id \
         LEFT JOIN districts d ON d.id = q.district_id LEFT JOIN neighborhoods n ON n.id = q.neighborhood_id \
         LEFT JOIN organisations h ON h.id = q.organisation_id \
         WHERE q.status IN ('submitted','accepted') AND q.due_at < ",
    );
    sql.arg(window.1);
    if let Some(from) = window.0 {
        sql.push(" AND q.due_at >= ").arg(from);
    }
    sql.push(match kind {
        RequestKind::Overdue => " AND q.organisation_id IS NOT NULL",
        RequestKind::Escalation => {
            " AND (q.organisation_id IS NOT NULL OR q.district_id IS NOT NULL)"
        }
    });
    sql.push(" AND NOT EXISTS (SELECT 1 FROM notification_requests i WHERE i.request_id = q.id AND i.kind = ")
        .arg(kind.as_str())
        .push(") ORDER BY q.due_at, q.id LIMIT ")
        .arg(limit);
    store.fetch_all(&sql).await
}

/// Every organisation's Persian name and e-mail address (possibly empty), for addressing digests.
pub async fn addresses(store: &Store) -> Result<std::collections::HashMap<i64, (String, String)>> {
    let rows: Vec<(i64, String, String)> = store
        .fetch_all(&Sql::new("SELECT id, name_fa, email FROM organisations"))
        .await?;
    Ok(rows.into_iter().map(|(id, n, e)| (id, (n, e))).collect())
}

/// A digest about citizens' requests, its text already composed.
#[derive(Debug, Clone)]
pub struct NewRequestNotification {
    pub kind: RequestKind,
    pub dedupe_key: String,
    pub recipient_org_id: i64,
    pub recipient_email: String,
    pub subject: String,
    pub body: String,
    /// The city's date of the first request's deadline.
    pub deadline: NaiveDate,
    /// The requests it covers: at least one.
    pub requests: Vec<i64>,
}

/// Records request digests and the requests they cover in one transaction; escalations write an
/// internal `escalated` step into each request's history. Skips a digest whose key exists;
/// `Conflict` when another process covered one of its requests meanwhile (nothing is recorded).
pub async fn insert_requests(
    store: &Store,
    items: &[NewRequestNotification],
    now: DateTime<Utc>,
) -> Result<Inserted> {
    store.write(|tx, _| Box::pin(async move {
    let mut out = Inserted::default();
    for n in items {
        if n.requests.is_empty() {
            continue;
        }
        let Some(id) = outbox_row(
            tx,
            &OutboxRow {
                resolution_id: None,
                kind: n.kind.as_str(),
                deadline: n.deadline,
                recipient_org_id: Some(n.recipient_org_id),
                recipient_email: &n.recipient_email,
                subject: &n.subject,
                body: &n.body,
                dedupe_key: &n.dedupe_key,
            },
            now,
            &mut out,
        )
        .await?
        else {
            continue;
        };
        if n.requests.len() > 1 {
            out.digests += 1;
        }
        for chunk in n.requests.chunks(150) {
            let mut sql = Sql::new(
                "INSERT INTO notification_requests (notification_id, request_id, kind) VALUES ",
            );
            for (i, request_id) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.arg(id).push(", ").arg(*request_id).push(", ");
                sql.arg(n.kind.as_str()).push(")");
            }
            tx.execute(&sql).await?;
        }
        out.covered += n.requests.len() as u64;
        if n.kind == RequestKind::Escalation {
            for request_id in &n.requests {
                tx.execute(
                    &Sql::new(
                        "INSERT INTO request_events (request_id, at, kind, organisation_id, note, public) \
                         VALUES ($1, $2, 'escalated', $3, '', FALSE)",
                    )
                    .bind(*request_id)
                    .bind(now)
                    .bind(n.recipient_org_id),
                )
                .await?;
                out.escalated += 1;
            }
        }
    }
    Ok(out)
    })).await
}

/// Puts `no_address` notifications whose organisation has an e-mail address by now back in the
/// queue, with that address. Returns how many.
pub async fn revive_no_address(store: &Store, now: DateTime<Utc>) -> Result<u64> {
    store
        .execute(
            &Sql::new(
                "UPDATE notifications SET state = 'pending', next_attempt_at = $1, last_error = '', \
                 recipient_email = (SELECT o.email FROM organisations o WHERE o.id = notifications.recipient_org_id) \
                 WHERE state = 'no_address' AND recipient_org_id IN (SELECT id FROM organisations WHERE email <> '')",
            )
            .bind(now),
        )
        .await
}

/// A notification claimed for delivery, with the resolution's state now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    /// None for notifications about citizens' requests.
    pub resolution_id: Option<i64>,
    pub kind: String,
    pub deadline: NaiveDate,
    pub recipient_email: String,
    pub recipient_name_fa: Option<String>,
    pub subject: String,
    pub body: String,
    /// The fencing token: this claim's attempt number.
    pub attempts: i64,
    pub resolution_status: Option<String>,
    pub resolution_deadline: Option<NaiveDate>,
    /// Resolutions the notification covers (more than one: a digest).
    pub items: i64,
    /// Of those, the ones still open at the deadline they were reminded of.
    pub open_items: i64,
    /// Citizens' requests it covers, and how many of them are still unanswered.
    pub request_items: i64,
    pub open_request_items: i64,
}

const CLAIMABLE: &str =
    "next_attempt_at <= $1 AND (state = 'pending' OR (state = 'sending' AND locked_until < $1))";

/// Claims the next due notification for `lease`: a pending one whose time has come, or one whose
/// sender's lease ran out. `None` when nothing is due. Safe to call from many processes at once:
/// the conditional update lets exactly one of them have each row.
pub async fn claim_next(
    store: &Store,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<Claimed>> {
    let until = now + to_chrono(lease);
    // A few candidates, so that a process that loses one race tries the next row at once.
    let ids: Vec<(i64,)> = store
        .fetch_all(
            &Sql::new(&format!(
                "SELECT id FROM notifications WHERE {CLAIMABLE} ORDER BY next_attempt_at, id LIMIT 8"
            ))
            .bind(now),
        )
        .await?;
    for (id,) in ids {
        let won: Option<(i64,)> = store
            .fetch_optional(
                &Sql::new(&format!(
                    "UPDATE notifications SET state = 'sending', locked_until = $2, attempts = attempts + 1 \
                     WHERE id = $3 AND {CLAIMABLE} RETURNING attempts"
                ))
                .bind(now)
                .bind(until)
                .bind(id),
            )
            .await?;
        if let Some((attempts,)) = won {
            let mut c: Claimed = store
                .fetch_one(
                    &Sql::new(
                        "SELECT n.id, n.resolution_id, n.kind, n.deadline, n.recipient_email, o.name_fa AS recipient_name_fa, \
                         n.subject, n.body, n.attempts, r.status AS resolution_status, r.deadline AS resolution_deadline, \
                         (SELECT COUNT(*) FROM notification_items i WHERE i.notification_id = n.id) AS items, \
                         (SELECT COUNT(*) FROM notification_items i JOIN resolutions ir ON ir.id = i.resolution_id \
                          WHERE i.notification_id = n.id AND ir.status IN ('approved','in_progress') AND ir.deadline = i.deadline) AS open_items, \
                         (SELECT COUNT(*) FROM notification_requests i WHERE i.notification_id = n.id) AS request_items, \
                         (SELECT COUNT(*) FROM notification_requests i JOIN service_requests q ON q.id = i.request_id \
                          WHERE i.notification_id = n.id AND q.status IN ('submitted','accepted')) AS open_request_items \
                         FROM notifications n LEFT JOIN resolutions r ON r.id = n.resolution_id \
                         LEFT JOIN organisations o ON o.id = n.recipient_org_id WHERE n.id = $1",
                    )
                    .bind(id),
                )
                .await?;
            c.attempts = attempts;
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// Records a delivery. `false` when the claim was lost meanwhile (its lease ran out and another
/// process took the row).
pub async fn mark_sent(store: &Store, id: i64, attempts: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = store
        .execute(
            &Sql::new(
                "UPDATE notifications SET state = 'sent', sent_at = $1, locked_until = NULL, last_error = '' \
                 WHERE id = $2 AND state = 'sending' AND attempts = $3",
            )
            .bind(now)
            .bind(id)
            .bind(attempts),
        )
        .await?;
    Ok(n == 1)
}

/// Records a failed attempt: pending again after [`backoff`], or failed for good (see
/// [`state_after_failure`]). Returns the new state, or `None` when the claim was lost meanwhile.
pub async fn mark_failed(
    store: &Store,
    id: i64,
    attempts: i64,
    now: DateTime<Utc>,
    error: &str,
    permanent: bool,
) -> Result<Option<State>> {
    let state = state_after_failure(attempts, permanent);
    let n = store
        .execute(
            &Sql::new(
                "UPDATE notifications SET state = $1, next_attempt_at = $2, locked_until = NULL, last_error = $3 \
                 WHERE id = $4 AND state = 'sending' AND attempts = $5",
            )
            .bind(state.as_str())
            .bind(now + to_chrono(backoff(attempts)))
            .bind(clip(error, 500))
            .bind(id)
            .bind(attempts),
        )
        .await?;
    Ok((n == 1).then_some(state))
}

/// Records that a claimed notification will not be sent, and why.
pub async fn mark_dropped(store: &Store, id: i64, attempts: i64, reason: &str) -> Result<bool> {
    let n = store
        .execute(
            &Sql::new(
                "UPDATE notifications SET state = 'dropped', locked_until = NULL, last_error = $1 \
                 WHERE id = $2 AND state = 'sending' AND attempts = $3",
            )
            .bind(reason)
            .bind(id)
            .bind(attempts),
        )
        .await?;
    Ok(n == 1)
}

/// When nothing can be delivered at all (no mail server configured): notes the reason on the
/// waiting notifications, once, without claiming them or counting attempts; they go out as soon
/// as a server is configured. Returns how many rows were newly marked.
pub async fn note_undeliverable(store: &Store, reason: &str) -> Result<u64> {
    store
        .execute(
            &Sql::new(
                "UPDATE notifications SET last_error = $1 WHERE state = 'pending' AND last_error <> $1",
            )
            .bind(reason),
        )
        .await
}

/// Puts a failed or address-less notification back in the queue for a try now, with the
/// recipient organisation's current address. Keeps `attempts`, so a retry that fails again is
/// failed at once: a person asked for one more attempt. Returns the new state (`no_address` when
/// there is still no address). `Conflict` when the notification is in another state.
pub async fn retry(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<State> {
    let (state, email, org_email): (String, String, Option<String>) = tx
        .fetch_one(
            &Sql::new(
                "SELECT n.state, n.recipient_email, o.email FROM notifications n \
                 LEFT JOIN organisations o ON o.id = n.recipient_org_id WHERE n.id = $1",
            )
            .bind(id),
        )
        .await?;
    if !State::parse(&state).is_some_and(State::retryable) {
        return Err(DbError::Conflict(format!("notification is {state}")));
    }
    let email = org_email.filter(|e| !e.trim().is_empty()).unwrap_or(email);
    let new = if email.trim().is_empty() {
        State::NoAddress
    } else {
        State::Pending
    };
    let n = tx
        .execute(
            &Sql::new(
                "UPDATE notifications SET state = $1, recipient_email = $2, next_attempt_at = $3, locked_until = NULL \
                 WHERE id = $4 AND state = $5",
            )
            .bind(new.as_str())
            .bind(email.trim())
            .bind(now)
            .bind(id)
            .bind(state.as_str()),
        )
        .await?;
    if n == 0 {
        return Err(DbError::Conflict("notification changed meanwhile".into()));
    }
    Ok(new)
}

/// A row of the outbox.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Notification {
    pub id: i64,
    /// None for notifications about citizens' requests.
    pub resolution_id: Option<i64>,
    /// due_in_7_days, due_today, overdue, escalation, request_overdue or request_escalation
    pub kind: String,
    pub deadline: NaiveDate,
    pub recipient_org_id: Option<i64>,
    pub recipient_name_fa: Option<String>,
    pub recipient_name_en: Option<String>,
    pub recipient_email: String,
    pub subject: String,
    pub body: String,
    /// pending, sending, sent, failed, no_address or dropped
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Resolutions or requests it covers (more than one: a digest).
    pub items: i64,
}

impl Notification {
    pub fn retryable(&self) -> bool {
        State::parse(&self.state).is_some_and(State::retryable)
    }
}

const SELECT: &str = "SELECT n.id, n.resolution_id, n.kind, n.deadline, n.recipient_org_id, o.name_fa AS recipient_name_fa, \
     o.name_en AS recipient_name_en, n.recipient_email, n.subject, n.body, n.state, n.attempts, n.next_attempt_at, \
     n.last_error, n.created_at, n.sent_at, \
     (SELECT COUNT(*) FROM notification_items i WHERE i.notification_id = n.id) \
     + (SELECT COUNT(*) FROM notification_requests i WHERE i.notification_id = n.id) AS items \
     FROM notifications n LEFT JOIN organisations o ON o.id = n.recipient_org_id";

/// Which notifications the outbox shows.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub state: Option<State>,
    /// A `Kind` or `RequestKind` code.
    pub kind: Option<&'static str>,
}

fn apply(s: &mut Sql, f: &OutboxFilter) {
    s.push(" WHERE 1=1");
    if let Some(st) = f.state {
        s.push(" AND n.state = ").arg(st.as_str());
    }
    if let Some(k) = f.kind {
        s.push(" AND n.kind = ").arg(k);
    }
}

pub const OUTBOX_SORTS: &[&str] = &["created"];

/// The outbox, newest first unless asked otherwise.
pub async fn list(store: &Store, f: &OutboxFilter, l: &Listing) -> Result<Paged<Notification>> {
    let mut count = Sql::new("SELECT COUNT(*) FROM notifications n");
    apply(&mut count, f);
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(SELECT);
    apply(&mut sql, f);
    sql.page("n.id", "n.id", !l.desc, l.per_page, l.offset());
    let items = store.fetch_all(&sql).await?;
    Ok(Paged {
        items,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

pub async fn get(store: &Store, id: i64) -> Result<Notification> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE n.id = ").arg(id);
    store.fetch_one(&sql).await
}

/// How many notifications are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct StateCounts {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub no_address: i64,
    pub dropped: i64,
}

impl StateCounts {
    pub fn get(&self, s: State) -> i64 {
        match s {
            State::Pending => self.pending,
            State::Sending => self.sending,
            State::Sent => self.sent,
            State::Failed => self.failed,
            State::NoAddress => self.no_address,
            State::Dropped => self.dropped,
        }
    }

    pub fn total(&self) -> i64 {
        State::ALL.iter().map(|s| self.get(*s)).sum()
    }
}

pub async fn counts(store: &Store) -> Result<StateCounts> {
    let rows: Vec<(String, i64)> = store
        .fetch_all(&Sql::new(
            "SELECT state, COUNT(*) FROM notifications GROUP BY state",
        ))
        .await?;
    let mut c = StateCounts::default();
    for (state, n) in rows {
        match State::parse(&state) {
            Some(State::Pending) => c.pending = n,
            Some(State::Sending) => c.sending = n,
            Some(State::Sent) => c.sent = n,
            Some(State::Failed) => c.failed = n,
            Some(State::NoAddress) => c.no_address = n,
            Some(State::Dropped) => c.dropped = n,
            None => {}
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn keys_name_kind_resolution_and_deadline() {
        assert_eq!(
            dedupe_key(Kind::Overdue, 42, d(2026, 1, 31)),
            "overdue:42:2026-01-31"
        );
        assert_eq!(
            dedupe_key(Kind::DueIn7Days, 7, d(2026, 3, 1)),
            "due_in_7_days:7:2026-03-01"
        );
        // A moved deadline is a new reminder; the same one is not.
        assert_ne!(
            dedupe_key(Kind::Escalation, 1, d(2026, 1, 1)),
            dedupe_key(Kind::Escalation, 1, d(2026, 2, 1))
        );
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
    }
}
