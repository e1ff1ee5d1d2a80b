//! What a district's or neighborhood's scorecard is computed from: resolutions done and open,
//! citizens' requests and how they were answered, challenges by domain and when they were
//! solved, projects by standing. Each read is bounded by the place and the scorecard's months,
//! on indexes that start with the place; requests, the many, are read from daily tallies the
//! triggers of migration 0020 keep.

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

/// A place's requests by the Tehran day they were received, since `from`: (day, received,
/// answered, answered by the deadline). Read from the tallies the triggers keep (migration 0020).
pub async fn request_days(
    store: &Store,
    place: Place,
    from: NaiveDate,
) -> Result<Vec<(NaiveDate, i64, i64, i64)>> {
    let sql = match place {
        Place::District(d) => Sql::new(
            "SELECT day, CAST(SUM(received) AS BIGINT), CAST(SUM(answered) AS BIGINT), CAST(SUM(answered_in_time) AS BIGINT) FROM request_days \
             WHERE district_id = $1 AND day >= $2 GROUP BY day",
        )
        .bind(d),
        Place::Neighborhood(n) => Sql::new(
            "SELECT day, received, answered, answered_in_time FROM request_days \
             WHERE neighborhood_id = $1 AND day >= $2",
        )
        .bind(n),
    };
    store.fetch_all(&sql.bind(from)).await
}

/// How long the answers to a place's requests received since `from` took: (hours, count), the
/// hours whole up to three days, then whole days (in hours) up to sixty, then 1440 for longer.
pub async fn response_hours(
    store: &Store,
    place: Place,
    from: NaiveDate,
) -> Result<Vec<(i64, i64)>> {
    let sql = match place {
        Place::District(d) => Sql::new(
            "SELECT hours, CAST(SUM(n) AS BIGINT) FROM request_response_district WHERE district_id = $1 AND day >= $2 \
             GROUP BY hours",
        )
        .bind(d),
        Place::Neighborhood(n) => Sql::new(
            "SELECT hours, CAST(SUM(n) AS BIGINT) FROM request_response_neighborhood WHERE neighborhood_id = $1 AND day >= $2 \
             GROUP BY hours",
        )
        .bind(n),
    };
    store.fetch_all(&sql.bind(from)).await
}

/// How many of the place's requests are unanswered past their deadline now, by the period they
/// were received in: `bounds` are the periods' starts followed by the end of the last; the
/// answer is (period's index, count). Counted from an index of open requests.
pub async fn requests_open_late(
    store: &Store,
    place: Place,
    bounds: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Result<Vec<(i64, i64)>> {
    let (Some(first), Some(last)) = (bounds.first(), bounds.last()) else {
        return Ok(Vec::new());
    };
    let mut sql = Sql::new("SELECT CAST(CASE");
    for (i, b) in bounds.iter().enumerate().skip(1) {
        sql.push(" WHEN q.requested_at < ").arg(*b);
        sql.push(&format!(" THEN {}", i - 1));
    }
    sql.push(
        " ELSE -1 END AS BIGINT) AS period, COUNT(*) FROM service_requests q \
         WHERE q.status IN ('submitted','accepted') AND q.requested_at >= ",
    )
    .arg(*first)
    .push(" AND q.requested_at < ")
    .arg(*last)
    .push(" AND q.due_at < ")
    .arg(now);
    place.push(&mut sql, "q");
    sql.push(" GROUP BY 1");
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

/// Challenges recorded solved since `from`, by Tehran day: (day, count); a reopened one counts
/// each time. Read from the tallies the trigger of migration 0023 keeps.
pub async fn challenges_solved(
    store: &Store,
    place: Place,
    from: NaiveDate,
) -> Result<Vec<(NaiveDate, i64)>> {
    let sql = match place {
        Place::District(d) => Sql::new(
            "SELECT day, CAST(SUM(n) AS BIGINT) FROM challenge_solved_days WHERE district_id = $1 AND day >= $2 GROUP BY day",
        )
        .bind(d),
        Place::Neighborhood(n) => Sql::new(
            "SELECT day, n FROM challenge_solved_days WHERE neighborhood_id = $1 AND day >= $2",
        )
        .bind(n),
    };
    store.fetch_all(&sql.bind(from)).await
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
