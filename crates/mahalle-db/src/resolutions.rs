//! Resolutions (مصوبات): storage of the follow-up — status, partners, progress reports, deadline
//! extensions, the timeline — and the follow-up views (inbox, overdue, accountability).
//! The decisions themselves (which transition is legal, what is late) are made in
//! `mahalle_core::resolutions`; this module only records them, each with its event row.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::access::Reach;
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::resolutions::Status;
use mahalle_core::text::search_key;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::sql::ids_sql;
use crate::{counters, Arg, DbError, Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Resolution {
    pub id: i64,
    pub meeting_id: i64,
    pub meeting_kind: String,
    pub jalali_year: i64,
    pub session_number: i64,
    pub item_number: i64,
    pub title: String,
    pub body: String,
    pub domain: String,
    /// city, district or neighborhood
    pub scope: String,
    pub district_id: Option<i64>,
    pub district_number: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub neighborhood_name_fa: Option<String>,
    pub lead_org_id: i64,
    pub lead_name_fa: String,
    pub lead_name_en: String,
    pub priority: String,
    pub deadline: NaiveDate,
    /// approved, in_progress, done or cancelled; lateness is derived from the deadline
    pub status: String,
    pub progress: i64,
    pub done_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Resolution {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Approved)
    }
}

const COLUMNS: &str = "SELECT r.id, r.meeting_id, m.kind AS meeting_kind, m.jalali_year, m.session_number, r.item_number, r.title, \
     r.body, r.domain, r.scope, r.district_id, d.number AS district_number, r.neighborhood_id, n.name_fa AS neighborhood_name_fa, \
     r.lead_org_id, o.name_fa AS lead_name_fa, o.name_en AS lead_name_en, r.priority, r.deadline, r.status, r.progress, r.done_on, \
     r.created_at, r.updated_at";

const JOINS: &str = " JOIN meetings m ON m.id = r.meeting_id JOIN organisations o ON o.id = r.lead_org_id \
     LEFT JOIN districts d ON d.id = r.district_id LEFT JOIN neighborhoods n ON n.id = r.neighborhood_id";

pub const RESOLUTION_SORTS: &[&str] = &["deadline", "number", "status", "progress", "updated"];

/// Which resolutions a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub meeting_id: Option<i64>,
    /// Led by this organisation.
    pub lead_org_id: Option<i64>,
    /// Led by, or partnered on by, this organisation.
    pub involving_org_id: Option<i64>,
    /// Partnered on (not led) by this organisation.
    pub partner_org_id: Option<i64>,
    pub district_id: Option<i64>,
    pub domain: Option<String>,
    pub status: Option<String>,
    /// Open and past the deadline.
    pub overdue: bool,
    /// Open (approved or in progress) only.
    pub open_only: bool,
    /// Open and due within this many days (not yet late).
    pub due_within: Option<i64>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    /// What the viewer may see.
    pub reach: Option<Reach>,
}

/// The WHERE clause of a filter; `terms` are search terms (see `mahalle_core::text`).
fn apply(s: &mut Sql, f: &Filter, terms: &[String], today: NaiveDate) {
    apply_with(s, f, terms, today, false)
}

/// `apply`, with partner conditions tested row by row (`per_row`) rather than against the set of
/// the organisation's partner rows: cheaper when a page walks an index in order and most rows it
/// meets match. `LIMIT 1 OFFSET 0` keeps PostgreSQL from turning it back into a hashed set.
fn apply_with(s: &mut Sql, f: &Filter, terms: &[String], today: NaiveDate, per_row: bool) {
    let partnered = |s: &mut Sql, o: i64| {
        if per_row {
            s.push(
                "EXISTS (SELECT 1 FROM resolution_partners p WHERE p.resolution_id = r.id AND p.organisation_id = ",
            )
            .arg(o)
            .push(" LIMIT 1 OFFSET 0)");
        } else {
            s.push(
                "r.id IN (SELECT resolution_id FROM resolution_partners WHERE organisation_id = ",
            )
            .arg(o)
            .push(")");
        }
    };
    s.push(" WHERE 1=1");
    if let Some(m) = f.meeting_id {
        s.push(" AND r.meeting_id = ").arg(m);
    }
    if let Some(o) = f.lead_org_id {
        s.push(" AND r.lead_org_id = ").arg(o);
    }
    if let Some(o) = f.partner_org_id {
        s.push(" AND ");
        partnered(s, o);
    }
    if let Some(o) = f.involving_org_id {
        s.push(" AND (r.lead_org_id = ").arg(o).push(" OR ");
        partnered(s, o);
        s.push(")");
    }
    if let Some(d) = f.district_id {
        s.push(" AND r.district_id = ").arg(d);
    }
    if let Some(d) = &f.domain {
        s.push(" AND r.domain = ").arg(d.as_str());
    }
    if let Some(st) = &f.status {
        s.push(" AND r.status = ").arg(st.as_str());
    }
    if f.open_only && !f.overdue && f.due_within.is_none() {
        s.push(" AND r.status IN ('approved','in_progress')");
    }
    if f.overdue {
        s.push(" AND r.status IN ('approved','in_progress') AND r.deadline < ")
            .arg(today);
    }
    if let Some(days) = f.due_within {
        s.push(" AND r.status IN ('approved','in_progress') AND r.deadline >= ")
            .arg(today);
        s.push(" AND r.deadline <= ")
            // However far a caller asks, no date overflows (the calendar ends in 262142 CE).
            .arg(
                today
                    .checked_add_days(chrono::Days::new(days.max(0) as u64))
                    .unwrap_or(NaiveDate::MAX),
            );
    }
    if let Some(d) = f.deadline_from {
        s.push(" AND r.deadline >= ").arg(d);
    }
    if let Some(d) = f.deadline_to {
        s.push(" AND r.deadline <= ").arg(d);
    }
    if let Some(reach) = &f.reach {
        s.reach(reach, "r.district_id", "r.neighborhood_id", |o| {
            format!(
                "r.lead_org_id IN ({o}) OR r.id IN (SELECT resolution_id FROM resolution_partners WHERE organisation_id IN ({o}))"
            )
        });
    }
    s.search("r.search_key", terms);
}

pub async fn list(
    store: &Store,
    f: &Filter,
    l: &Listing,
    today: NaiveDate,
) -> Result<Paged<Resolution>> {
    let plan = counters::plan(f, &l.terms, today);
    let total = match &plan {
        Some(p) => counters::count(store, p).await?,
        None => count_by_scan(store, f, &l.terms, today).await?,
    };
    if total == 0 || l.offset() >= total {
        return Ok(Paged {
            items: Vec::new(),
            total,
            page: l.page,
            per_page: l.per_page,
        });
    }
    // A partner filter is tested row by row when the page's index walk meets matches densely
    // enough (the counters tell how many rows there are with and without the organisation).
    let per_row = match &plan {
        Some(p) if f.partner_org_id.is_some() || f.involving_org_id.is_some() => {
            let candidates = counters::count(store, &p.for_anyone()).await?;
            counters::walk_is_short(l.offset() + i64::from(l.per_page), total, candidates)
        }
        _ => false,
    };
    // Choose the page's rows from the resolutions table alone, then join names onto those few:
    // joining every match before sorting is what makes civic list pages slow.
    let order = match l.sort {
        "number" => "r.meeting_id",
        "status" => "r.status",
        "progress" => "r.progress",
        "updated" => "r.updated_at",
        _ => "r.deadline",
    };
    let dir = if l.desc { " DESC" } else { " ASC" };
    let then = if l.sort == "number" {
        format!(", r.item_number{dir}")
    } else {
        String::new()
    };
    let mut page = Sql::new("SELECT r.* FROM resolutions r");
    apply_with(&mut page, f, &l.terms, today, per_row);
    page.push(" ORDER BY ")
        .push(order)
        .push(dir)
        .push(&then)
        .push(", r.id")
        .push(dir);
    page.push(" LIMIT ")
        .arg(i64::from(l.per_page))
        .push(" OFFSET ")
        .arg(l.offset());
    let mut sql = Sql::new(&format!("{COLUMNS} FROM ({}) r{JOINS}", page.text));
    sql.args = page.args;
    sql.push(" ORDER BY ")
        .push(order)
        .push(dir)
        .push(&then)
        .push(", r.id")
        .push(dir);
    let items = store.fetch_all(&sql).await?;
    Ok(Paged {
        items,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

/// The number of matching resolutions, counted row by row: what `list` does when the counters
/// cannot answer the filter, and the reference the counters are checked against.
pub async fn count_by_scan(
    store: &Store,
    f: &Filter,
    terms: &[String],
    today: NaiveDate,
) -> Result<i64> {
    let mut count = Sql::new("SELECT COUNT(*) FROM resolutions r");
    apply(&mut count, f, terms, today);
    store.scalar(&count).await
}

/// Every matching resolution (for exports), capped.
pub async fn list_all(
    store: &Store,
    f: &Filter,
    today: NaiveDate,
    cap: u32,
) -> Result<Vec<Resolution>> {
    let mut sql = Sql::new(&format!("{COLUMNS} FROM resolutions r{JOINS}"));
    apply(&mut sql, f, &[], today);
    sql.push(" ORDER BY m.starts_at, r.item_number LIMIT ")
        .arg(i64::from(cap));
    store.fetch_all(&sql).await
}

/// Who is involved in a resolution, for the access rule: its partner organisations, and its
/// district (its own, or else its meeting's).
pub async fn parties(store: &Store, r: &Resolution) -> Result<(Vec<i64>, Option<i64>)> {
    let partners = partners(store, r.id)
        .await?
        .into_iter()
        .map(|p| p.organisation_id)
        .collect();
    let meeting_district: Option<(Option<i64>,)> = store
        .fetch_optional(
            &Sql::new("SELECT district_id FROM meetings WHERE id = $1").bind(r.meeting_id),
        )
        .await?;
    Ok((
        partners,
        r.district_id.or(meeting_district.and_then(|(d,)| d)),
    ))
}

/// The number after the highest item of a meeting (1 for an empty one).
pub async fn next_item_number(tx: &mut Tx, meeting_id: i64) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "SELECT COALESCE(MAX(item_number), 0) + 1 FROM resolutions WHERE meeting_id = $1",
        )
        .bind(meeting_id),
    )
    .await
}

/// The item numbers a meeting's resolutions already use.
pub async fn item_numbers(store: &Store, meeting_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = store
        .fetch_all(
            &Sql::new("SELECT item_number FROM resolutions WHERE meeting_id = $1").bind(meeting_id),
        )
        .await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

pub async fn get(store: &Store, id: i64) -> Result<Resolution> {
    let mut sql = Sql::new(&format!("{COLUMNS} FROM resolutions r{JOINS}"));
    sql.push(" WHERE r.id = ").arg(id);
    store.fetch_one(&sql).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Partner {
    pub organisation_id: i64,
    pub name_fa: String,
    pub name_en: String,
}

pub async fn partners(store: &Store, id: i64) -> Result<Vec<Partner>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT p.organisation_id, o.name_fa, o.name_en FROM resolution_partners p \
                 JOIN organisations o ON o.id = p.organisation_id WHERE p.resolution_id = $1 ORDER BY o.sort_key",
            )
            .bind(id),
        )
        .await
}

/// Partners of many resolutions at once (exports), without a query per row.
pub async fn partners_of(
    store: &Store,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<Partner>>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        resolution_id: i64,
        organisation_id: i64,
        name_fa: String,
        name_en: String,
    }
    let mut out: std::collections::HashMap<i64, Vec<Partner>> = Default::default();
    for chunk in ids.chunks(1000) {
        // Ids are integers from our own rows: inlined safely.
        let rows: Vec<Row> = store
            .fetch_all(&Sql::new(&format!(
                "SELECT p.resolution_id, p.organisation_id, o.name_fa, o.name_en FROM resolution_partners p \
                 JOIN organisations o ON o.id = p.organisation_id WHERE p.resolution_id IN ({}) ORDER BY o.sort_key",
                ids_sql(chunk)
            )))
            .await?;
        for r in rows {
            out.entry(r.resolution_id).or_default().push(Partner {
                organisation_id: r.organisation_id,
                name_fa: r.name_fa,
                name_en: r.name_en,
            });
        }
    }
    Ok(out)
}

pub struct NewResolution<'a> {
    pub meeting_id: i64,
    pub item_number: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub domain: &'a str,
    pub scope: &'a str,
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub lead_org_id: i64,
    pub partners: &'a [i64],
    pub priority: &'a str,
    pub deadline: NaiveDate,
    pub created_by: Option<i64>,
}

/// Records a resolution with its partners and its first timeline event; returns its id.
/// A number already used in the meeting is `DbError::Conflict`.
pub async fn create(tx: &mut Tx, r: &NewResolution<'_>, at: DateTime<Utc>) -> Result<i64> {
    let ids = create_many(tx, r.meeting_id, std::slice::from_ref(r), at).await?;
    ids.first().copied().ok_or(DbError::NotFound)
}

/// Records many resolutions of one meeting (a session's import) with their partners and first
/// timeline events in a few multi-row statements, so that the counters' statement triggers on
/// PostgreSQL run once per statement rather than once per resolution. Returns the ids in the
/// order given. A number already used in the meeting is `DbError::Conflict`.
pub async fn create_many(
    tx: &mut Tx,
    meeting_id: i64,
    rs: &[NewResolution<'_>],
    at: DateTime<Utc>,
) -> Result<Vec<i64>> {
    const COLUMNS: &[&str] = &[
        "meeting_id",
        "item_number",
        "title",
        "body",
        "domain",
        "scope",
        "district_id",
        "neighborhood_id",
        "lead_org_id",
        "priority",
        "deadline",
        "status",
        "progress",
        "search_key",
        "created_by",
        "created_at",
        "updated_at",
    ];
    let rows = rs
        .iter()
        .map(|r| {
            vec![
                Arg::from(meeting_id),
                Arg::from(r.item_number),
                Arg::from(r.title),
                Arg::from(r.body),
                Arg::from(r.domain),
                Arg::from(r.scope),
                Arg::from(r.district_id),
                Arg::from(r.neighborhood_id),
                Arg::from(r.lead_org_id),
                Arg::from(r.priority),
                Arg::from(r.deadline),
                Arg::from("approved"),
                Arg::from(0_i64),
                Arg::from(search_key(&format!("{} {}", r.title, r.item_number))),
                Arg::from(r.created_by),
                Arg::from(at),
                Arg::from(at),
            ]
        })
        .collect();
    tx.insert_many("resolutions", COLUMNS, rows).await?;
    let numbered: Vec<(i64, i64)> = tx
        .fetch_all(
            &Sql::new("SELECT item_number, id FROM resolutions WHERE meeting_id = $1")
                .bind(meeting_id),
        )
        .await?;
    let by_number: std::collections::HashMap<i64, i64> = numbered.into_iter().collect();
    let ids: Vec<i64> = rs
        .iter()
        .map(|r| {
            by_number
                .get(&r.item_number)
                .copied()
                .ok_or(DbError::NotFound)
        })
        .collect::<Result<_>>()?;
    let mut partners = Vec::new();
    for (r, id) in rs.iter().zip(&ids) {
        let mut seen = Vec::new();
        for &p in r.partners.iter().filter(|&&p| p != r.lead_org_id) {
            if !seen.contains(&p) {
                seen.push(p);
                partners.push(vec![Arg::from(*id), Arg::from(p)]);
            }
        }
    }
    tx.insert_many(
        "resolution_partners",
        &["resolution_id", "organisation_id"],
        partners,
    )
    .await?;
    let events = rs
        .iter()
        .zip(&ids)
        .map(|(r, id)| {
            vec![
                Arg::from(*id),
                Arg::from(at),
                Arg::from(r.created_by),
                Arg::from("created"),
                Arg::from(Some("approved")),
                Arg::from(""),
            ]
        })
        .collect();
    tx.insert_many(
        "resolution_events",
        &[
            "resolution_id",
            "at",
            "user_id",
            "kind",
            "to_status",
            "note",
        ],
        events,
    )
    .await?;
    Ok(ids)
}

/// Appends to a resolution's timeline.
#[allow(clippy::too_many_arguments)]
pub async fn event(
    tx: &mut Tx,
    resolution_id: i64,
    at: DateTime<Utc>,
    user_id: Option<i64>,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    note: &str,
    data: Option<Value>,
) -> Result<()> {
    tx.execute(
        &Sql::new(
            "INSERT INTO resolution_events (resolution_id, at, user_id, kind, from_status, to_status, note, data) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(resolution_id)
        .bind(at)
        .bind(user_id)
        .bind(kind)
        .bind(from)
        .bind(to)
        .bind(note)
        .bind(data.map(|d| d.to_string())),
    )
    .await?;
    Ok(())
}

/// The status and deadline a decision starts from, read inside the transaction that changes them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Current {
    pub status: String,
    pub deadline: NaiveDate,
    pub created_at: DateTime<Utc>,
}

pub async fn current(tx: &mut Tx, id: i64) -> Result<Current> {
    tx.fetch_one(
        &Sql::new("SELECT status, deadline, created_at FROM resolutions WHERE id = $1").bind(id),
    )
    .await
}

/// Writes a status change decided by `mahalle_core::resolutions::transition`. The `from` guard
/// makes a concurrent change fail instead of being overwritten.
#[allow(clippy::too_many_arguments)]
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: Status,
    to: Status,
    kind: &str,
    note: &str,
    user_id: Option<i64>,
    at: DateTime<Utc>,
    done: Option<(NaiveDate, bool, i64)>,
) -> Result<()> {
    let (done_on, late, days) = match done {
        Some((d, l, n)) => (Some(d), Some(l), Some(n)),
        None => (None, None, None),
    };
    let mut sql = Sql::new("UPDATE resolutions SET status = $1, updated_at = $2, done_on = $3, done_late = $4, days_to_done = $5")
        .bind(to.as_str())
        .bind(at)
        .bind(done_on)
        .bind(late)
        .bind(days);
    if to == Status::Done {
        sql.push(", progress = 100");
    }
    sql.push(" WHERE id = ")
        .arg(id)
        .push(" AND status = ")
        .arg(from.as_str());
    if tx.execute(&sql).await? == 0 {
        return Err(DbError::Conflict("status changed meanwhile".into()));
    }
    event(
        tx,
        id,
        at,
        user_id,
        kind,
        Some(from.as_str()),
        Some(to.as_str()),
        note,
        None,
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Report {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name_fa: String,
    pub organisation_name_en: String,
    pub user_id: Option<i64>,
    pub reported_on: NaiveDate,
    pub percent: i64,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn reports(store: &Store, id: i64) -> Result<Vec<Report>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT p.id, p.organisation_id, o.name_fa AS organisation_name_fa, o.name_en AS organisation_name_en, p.user_id, \
                 p.reported_on, p.percent, p.body, p.created_at FROM progress_reports p JOIN organisations o ON o.id = p.organisation_id \
                 WHERE p.resolution_id = $1 ORDER BY p.id DESC LIMIT 500",
            )
            .bind(id),
        )
        .await
}

pub struct NewReport<'a> {
    pub resolution_id: i64,
    pub organisation_id: i64,
    pub user_id: Option<i64>,
    pub reported_on: NaiveDate,
    pub percent: i64,
    pub body: &'a str,
}

/// Files a progress report, moves the resolution's progress, and (first report) its status.
pub async fn add_report(
    tx: &mut Tx,
    r: &NewReport<'_>,
    from: Status,
    to: Status,
    at: DateTime<Utc>,
) -> Result<i64> {
    let id = tx
        .scalar(
            &Sql::new(
                "INSERT INTO progress_reports (resolution_id, organisation_id, user_id, reported_on, percent, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(r.resolution_id)
            .bind(r.organisation_id)
            .bind(r.user_id)
            .bind(r.reported_on)
            .bind(r.percent)
            .bind(r.body)
            .bind(at),
        )
        .await?;
    let n = tx
        .execute(
            &Sql::new("UPDATE resolutions SET progress = $1, status = $2, updated_at = $3 WHERE id = $4 AND status = $5")
                .bind(r.percent)
                .bind(to.as_str())
                .bind(at)
                .bind(r.resolution_id)
                .bind(from.as_str()),
        )
        .await?;
    let mut from = from;
    if n == 0 {
        // A report filed at the same moment moved it the same way (approved → in progress, seen
        // on PostgreSQL under load): this one is then a report on a resolution under way.
        // Anything else that changed its status meanwhile is a conflict.
        if from == to || current(tx, r.resolution_id).await?.status != to.as_str() {
            return Err(DbError::Conflict("status changed meanwhile".into()));
        }
        tx.execute(
            &Sql::new("UPDATE resolutions SET progress = $1, updated_at = $2 WHERE id = $3 AND status = $4")
                .bind(r.percent)
                .bind(at)
                .bind(r.resolution_id)
                .bind(to.as_str()),
        )
        .await?;
        from = to;
    }
    let data = serde_json::json!({ "report_id": id, "percent": r.percent, "organisation_id": r.organisation_id });
    let (f, t) = if from == to {
        (None, None)
    } else {
        (Some(from.as_str()), Some(to.as_str()))
    };
    event(
        tx,
        r.resolution_id,
        at,
        r.user_id,
        "report",
        f,
        t,
        r.body,
        Some(data),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Extension {
    pub id: i64,
    pub resolution_id: i64,
    pub requested_by: Option<i64>,
    pub requested_by_name: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub old_deadline: NaiveDate,
    pub new_deadline: NaiveDate,
    pub reason: String,
    /// pending, approved or refused
    pub state: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
}

const EXT_SELECT: &str = "SELECT e.id, e.resolution_id, e.requested_by, u.display_name AS requested_by_name, e.requested_at, \
     e.old_deadline, e.new_deadline, e.reason, e.state, v.display_name AS decided_by_name, e.decided_at, e.decision_note \
     FROM deadline_extensions e LEFT JOIN users u ON u.id = e.requested_by LEFT JOIN users v ON v.id = e.decided_by";

pub async fn extensions(store: &Store, resolution_id: i64) -> Result<Vec<Extension>> {
    let mut sql = Sql::new(EXT_SELECT);
    sql.push(" WHERE e.resolution_id = ")
        .arg(resolution_id)
        .push(" ORDER BY e.id DESC");
    store.fetch_all(&sql).await
}

pub async fn extension(store: &Store, id: i64) -> Result<Extension> {
    let mut sql = Sql::new(EXT_SELECT);
    sql.push(" WHERE e.id = ").arg(id);
    store.fetch_one(&sql).await
}

/// An extension as the transaction sees it (one it has just requested, say).
pub async fn get_extension(tx: &mut Tx, id: i64) -> Result<Extension> {
    let mut sql = Sql::new(EXT_SELECT);
    sql.push(" WHERE e.id = ").arg(id);
    tx.fetch_one(&sql).await
}

pub async fn request_extension(
    tx: &mut Tx,
    resolution_id: i64,
    old: NaiveDate,
    new: NaiveDate,
    reason: &str,
    user_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64> {
    let id = tx
        .scalar(
            &Sql::new(
                "INSERT INTO deadline_extensions (resolution_id, requested_by, requested_at, old_deadline, new_deadline, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(resolution_id)
            .bind(user_id)
            .bind(at)
            .bind(old)
            .bind(new)
            .bind(reason),
        )
        .await?;
    let data = serde_json::json!({ "extension_id": id, "old_deadline": old, "new_deadline": new });
    event(
        tx,
        resolution_id,
        at,
        user_id,
        "extension_requested",
        None,
        None,
        reason,
        Some(data),
    )
    .await?;
    Ok(id)
}

/// Records the secretariat's decision; an approval moves the deadline (the old one stays in the
/// extension row and the timeline).
pub async fn decide_extension(
    tx: &mut Tx,
    ext: &Extension,
    approve: bool,
    note: &str,
    user_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    let state = if approve { "approved" } else { "refused" };
    let n = tx
        .execute(
            &Sql::new(
                "UPDATE deadline_extensions SET state = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
                 WHERE id = $5 AND state = 'pending'",
            )
            .bind(state)
            .bind(user_id)
            .bind(at)
            .bind(note)
            .bind(ext.id),
        )
        .await?;
    if n == 0 {
        return Err(DbError::Conflict("already decided".into()));
    }
    if approve {
        tx.execute(
            &Sql::new("UPDATE resolutions SET deadline = $1, updated_at = $2 WHERE id = $3")
                .bind(ext.new_deadline)
                .bind(at)
                .bind(ext.resolution_id),
        )
        .await?;
    }
    let data = serde_json::json!({ "extension_id": ext.id, "old_deadline": ext.old_deadline, "new_deadline": ext.new_deadline, "approved": approve });
    event(
        tx,
        ext.resolution_id,
        at,
        user_id,
        if approve {
            "extension_approved"
        } else {
            "extension_refused"
        },
        None,
        None,
        note,
        Some(data),
    )
    .await
}

/// One entry of a resolution's timeline.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
#[schema(as = ResolutionEvent)]
pub struct Event {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub note: String,
    pub data: Option<String>,
}

/// The timeline, oldest first.
pub async fn events(store: &Store, id: i64) -> Result<Vec<Event>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT e.id, e.at, e.user_id, u.display_name AS user_name, e.kind, e.from_status, e.to_status, e.note, e.data \
                 FROM resolution_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.resolution_id = $1 ORDER BY e.id LIMIT 2000",
            )
            .bind(id),
        )
        .await
}

/// Edits the text fields; the previous values go into the timeline event.
pub async fn edit(
    tx: &mut Tx,
    id: i64,
    title: &str,
    body: &str,
    user_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    let (old_title, old_body, item): (String, String, i64) = tx
        .fetch_one(
            &Sql::new("SELECT title, body, item_number FROM resolutions WHERE id = $1").bind(id),
        )
        .await?;
    if old_title == title && old_body == body {
        return Ok(());
    }
    tx.execute(
        &Sql::new("UPDATE resolutions SET title = $1, body = $2, search_key = $3, updated_at = $4 WHERE id = $5")
            .bind(title)
            .bind(body)
            .bind(search_key(&format!("{title} {item}")))
            .bind(at)
            .bind(id),
    )
    .await?;
    let data = serde_json::json!({ "previous": { "title": old_title, "body": old_body } });
    event(tx, id, at, user_id, "edited", None, None, "", Some(data)).await
}

/// Per-organisation accountability: what each lead organisation was given and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, ToSchema)]
pub struct Accountability {
    pub organisation_id: i64,
    pub name_fa: String,
    pub name_en: String,
    pub assigned: i64,
    pub open: i64,
    pub overdue: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    pub cancelled: i64,
    /// Median days from approval to done, over done resolutions.
    #[sqlx(default)]
    pub median_days_to_done: Option<f64>,
}

pub async fn accountability(
    store: &Store,
    f: &Filter,
    today: NaiveDate,
) -> Result<Vec<Accountability>> {
    match counters::plan(f, &[], today).filter(counters::Plan::by_lead) {
        Some(p) => counters::accountability(store, &p, today).await,
        None => accountability_by_scan(store, f, today).await,
    }
}

/// The accountability table aggregated row by row: for filters the counters cannot answer, and
/// the reference the counters are checked against.
pub async fn accountability_by_scan(
    store: &Store,
    f: &Filter,
    today: NaiveDate,
) -> Result<Vec<Accountability>> {
    // Aggregate over the covering index first, then fetch the names of the few organisations.
    let mut sql = Sql::new(
        "SELECT a.organisation_id, o.name_fa, o.name_en, a.assigned, a.open, a.overdue, a.done_on_time, a.done_late, a.cancelled \
         FROM (SELECT r.lead_org_id AS organisation_id, COUNT(*) AS assigned, \
         SUM(CASE WHEN r.status IN ('approved','in_progress') THEN 1 ELSE 0 END) AS open, \
         SUM(CASE WHEN r.status IN ('approved','in_progress') AND r.deadline < $1 THEN 1 ELSE 0 END) AS overdue, \
         SUM(CASE WHEN r.status = 'done' AND r.done_late = FALSE THEN 1 ELSE 0 END) AS done_on_time, \
         SUM(CASE WHEN r.status = 'done' AND r.done_late = TRUE THEN 1 ELSE 0 END) AS done_late, \
         SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled \
         FROM resolutions r",
    );
    sql.args.push(today.into());
    apply(&mut sql, f, &[], today);
    sql.push(" GROUP BY r.lead_org_id) a JOIN organisations o ON o.id = a.organisation_id ORDER BY a.overdue DESC, a.assigned DESC");
    let mut rows: Vec<Accountability> = store.fetch_all(&sql).await?;

    // Medians from a histogram of days-to-done per organisation (few distinct values), read in
    // index order; far cheaper than ranking every done row.
    let mut hist = Sql::new("SELECT r.lead_org_id, r.days_to_done, COUNT(*) FROM resolutions r");
    apply(&mut hist, f, &[], today);
    hist.push(
        " AND r.status = 'done' AND r.days_to_done IS NOT NULL GROUP BY r.lead_org_id, r.days_to_done \
         ORDER BY r.lead_org_id, r.days_to_done",
    );
    let hist: Vec<(i64, i64, i64)> = store.fetch_all(&hist).await?;
    for row in &mut rows {
        let counts: Vec<(i64, i64)> = hist
            .iter()
            .filter(|h| h.0 == row.organisation_id)
            .map(|h| (h.1, h.2))
            .collect();
        row.median_days_to_done = mahalle_core::resolutions::median_of_histogram(&counts);
    }
    counters::sort_accountability(&mut rows);
    Ok(rows)
}

/// Counts for an organisation's inbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct InboxCounts {
    pub leading_open: i64,
    pub partnering_open: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

pub async fn inbox_counts(
    store: &Store,
    org: i64,
    today: NaiveDate,
    soon_days: u64,
) -> Result<InboxCounts> {
    counters::inbox_counts(store, org, today, soon_days).await
}

/// An inbox's counts from the resolutions themselves: the reference the counters are checked
/// against.
pub async fn inbox_counts_by_scan(
    store: &Store,
    org: i64,
    today: NaiveDate,
    soon_days: u64,
) -> Result<InboxCounts> {
    // Led and partnered counted apart (a lead is never its own partner), each in one pass over
    // the open rows: all, due soon, overdue.
    let soon = today + chrono::Days::new(soon_days);
    let sums = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.deadline >= $2 AND r.deadline <= $3 THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN r.deadline < $2 THEN 1 ELSE 0 END), 0)";
    let open = "r.status IN ('approved','in_progress')";
    let lead: (i64, i64, i64) = store
        .fetch_one(
            &Sql::new(&format!(
                "{sums} FROM resolutions r WHERE r.lead_org_id = $1 AND {open}"
            ))
            .bind(org)
            .bind(today)
            .bind(soon),
        )
        .await?;
    let partner: (i64, i64, i64) = store
        .fetch_one(
            &Sql::new(&format!(
                "{sums} FROM resolution_partners p JOIN resolutions r ON r.id = p.resolution_id \
                 WHERE p.organisation_id = $1 AND {open}"
            ))
            .bind(org)
            .bind(today)
            .bind(soon),
        )
        .await?;
    Ok(InboxCounts {
        leading_open: lead.0,
        partnering_open: partner.0,
        due_soon: lead.1 + partner.1,
        overdue: lead.2 + partner.2,
    })
}

/// Status counts of one meeting's resolutions: (approved, in_progress, done, cancelled, overdue).
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow, ToSchema)]
pub struct StatusCounts {
    pub approved: i64,
    pub in_progress: i64,
    pub done: i64,
    pub cancelled: i64,
    pub overdue: i64,
}

pub async fn status_counts(store: &Store, f: &Filter, today: NaiveDate) -> Result<StatusCounts> {
    let mut sql = Sql::new(
        "SELECT COALESCE(SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END), 0) AS approved, \
         COALESCE(SUM(CASE WHEN r.status = 'in_progress' THEN 1 ELSE 0 END), 0) AS in_progress, \
         COALESCE(SUM(CASE WHEN r.status = 'done' THEN 1 ELSE 0 END), 0) AS done, \
         COALESCE(SUM(CASE WHEN r.status = 'cancelled' THEN 1 ELSE 0 END), 0) AS cancelled, \
         COALESCE(SUM(CASE WHEN r.status IN ('approved','in_progress') AND r.deadline < $1 THEN 1 ELSE 0 END), 0) AS overdue \
         FROM resolutions r",
    );
    sql.args.push(today.into());
    apply(&mut sql, f, &[], today);
    store.fetch_one(&sql).await
}
