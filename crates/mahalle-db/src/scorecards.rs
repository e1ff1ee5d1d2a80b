//! What a district's or neighborhood's scorecard is computed from: resolutions done and open,
//! citizens' requests and how they were answered, challenges by domain and when they were
//! solved, projects by standing. Each read is bounded by the place and the scorecard's months,
//! on indexes that start with the place (migration 0020).

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Result, Sql, Store};

/// The place a scorecard is about.
#[derive(Debug, Clone, Copy)]
pub enum Place {
    District(i64),
    Neighborhood(i64),
}

impl Place {
    /// ` AND <alias>.<column> = $n` for the place.
    fn push(&self, sql: &mut Sql, alias: &str) {
        match *self {
            Place::District(d) => sql.push(&format!(" AND {alias}.district_id = ")).arg(d),
            Place::Neighborhood(n) => sql.push(&format!(" AND {alias}.neighborhood_id = ")).arg(n),
        };
    }
}

/// A resolution done: the day, whether late, and the days it took.
pub async fn resolutions_done(
    store: &Store,
    place: Place,
    from: NaiveDate,
) -> Result<Vec<(NaiveDate, Option<bool>, Option<i64>)>> {
    let mut sql = Sql::new(
        "SELECT r.done_on, r.done_late, r.days_to_done FROM resolutions r WHERE r.status = 'done' AND r.done_on >= ",
    );
    sql.arg(from);
    place.push(&mut sql, "r");
    store.fetch_all(&sql).await
}

/// Resolutions open now, and of those past their deadline.
pub async fn resolutions_open(store: &Store, place: Place, today: NaiveDate) -> Result<(i64, i64)> {
    let mut sql = Sql::new(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.deadline < $1 THEN 1 ELSE 0 END), 0) FROM resolutions r \
         WHERE r.status IN ('approved','in_progress')",
    );
    sql.args.push(today.into());
    place.push(&mut sql, "r");
    store.fetch_one(&sql).await
}

/// A request received since `from`: when, its deadline, when it was answered (closed or
/// rejected).
pub async fn requests(
    store: &Store,
    place: Place,
    from: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>)>> {
    let mut sql = Sql::new(
        "SELECT q.requested_at, q.due_at, q.closed_at FROM service_requests q WHERE q.requested_at >= ",
    );
    sql.arg(from);
    place.push(&mut sql, "q");
    store.fetch_all(&sql).await
}

/// Requests still unanswered past their deadline now.
pub async fn requests_overdue(store: &Store, place: Place, now: DateTime<Utc>) -> Result<i64> {
    let mut sql = Sql::new(
        "SELECT COUNT(*) FROM service_requests q WHERE q.status IN ('submitted','accepted') AND q.due_at < ",
    );
    sql.arg(now);
    place.push(&mut sql, "q");
    store.scalar(&sql).await
}

/// Challenges by domain and status: (domain, status, count).
pub async fn challenges(store: &Store, place: Place) -> Result<Vec<(String, String, i64)>> {
    let mut sql = Sql::new("SELECT c.domain, c.status, COUNT(*) FROM challenges c WHERE 1=1");
    place.push(&mut sql, "c");
    sql.push(" GROUP BY c.domain, c.status");
    store.fetch_all(&sql).await
}

/// When challenges were recorded solved since `from` (a reopened one counts each time).
pub async fn challenges_solved(
    store: &Store,
    place: Place,
    from: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>> {
    let mut sql = Sql::new(
        "SELECT e.at FROM challenges c JOIN challenge_events e ON e.challenge_id = c.id \
         WHERE e.to_status = 'solved' AND e.at >= ",
    );
    sql.arg(from);
    place.push(&mut sql, "c");
    let rows: Vec<(DateTime<Utc>,)> = store.fetch_all(&sql).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Projects by status, with how many of each are behind plan on `today`: (status, count,
/// behind).
pub async fn projects(
    store: &Store,
    place: Place,
    today: NaiveDate,
) -> Result<Vec<(String, i64, i64)>> {
    let mut sql = Sql::new(
        "SELECT p.status, COUNT(*), COALESCE(SUM(CASE WHEN p.behind_since <= $1 THEN 1 ELSE 0 END), 0) \
         FROM projects p WHERE 1=1",
    );
    sql.args.push(today.into());
    place.push(&mut sql, "p");
    sql.push(" GROUP BY p.status");
    store.fetch_all(&sql).await
}

/// The days projects were finished since `from`.
pub async fn projects_done(store: &Store, place: Place, from: NaiveDate) -> Result<Vec<NaiveDate>> {
    let mut sql =
        Sql::new("SELECT p.done_on FROM projects p WHERE p.status = 'done' AND p.done_on >= ");
    sql.arg(from);
    place.push(&mut sql, "p");
    let rows: Vec<(NaiveDate,)> = store.fetch_all(&sql).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
