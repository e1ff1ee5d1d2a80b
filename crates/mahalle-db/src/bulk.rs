//! Look-ups and bulk statements for the demo loader and the benchmarks. They write tens of
//! thousands of rows at a time (or measure the store itself), so they get statements of their
//! own instead of the one-row writes the web layer makes; the SQL stays here all the same.

use chrono::{DateTime, Utc};

use crate::{DbError, Result, Sql, Store, Tx};

/// Tables the loaders and benchmarks size themselves by.
const SIZED: &[&str] = &[
    "resolutions",
    "progress_reports",
    "resolution_events",
    "service_requests",
    "challenges",
    "projects",
];

/// Rows in a table the loaders grow.
pub async fn rows(store: &Store, table: &str) -> Result<i64> {
    if !SIZED.contains(&table) {
        return Err(DbError::NotFound);
    }
    store
        .scalar(&Sql::new(&format!("SELECT COUNT(*) FROM {table}")))
        .await
}

/// Fresh planner statistics after a bulk load, as a running system would have them.
pub async fn analyze(store: &Store) -> Result<()> {
    // PostgreSQL: VACUUM too, as autovacuum would after a bulk load. It marks the pages all-visible,
    // without which an index-only scan (counting open requests from their index) reads the table.
    let sql = if store.kind() == "postgres" {
        "VACUUM (ANALYZE)"
    } else {
        "ANALYZE"
    };
    store.execute(&Sql::new(sql)).await.map(|_| ())
}

/// Every organisation's (code, id).
pub async fn org_codes(store: &Store) -> Result<Vec<(String, i64)>> {
    store
        .fetch_all(&Sql::new("SELECT code, id FROM organisations"))
        .await
}

/// A neighborhood with what the loaders spread rows over.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Place {
    pub neighborhood_id: i64,
    pub district_id: i64,
    pub district_number: i64,
    pub name_fa: String,
}

/// Every neighborhood, by id.
pub async fn places(store: &Store) -> Result<Vec<Place>> {
    store
        .fetch_all(&Sql::new(
            "SELECT n.id AS neighborhood_id, n.district_id, d.number AS district_number, n.name_fa \
             FROM neighborhoods n JOIN districts d ON d.id = n.district_id ORDER BY n.id",
        ))
        .await
}

/// (district, its municipal office) for every district office.
pub async fn district_offices(store: &Store) -> Result<Vec<(i64, i64)>> {
    store
        .fetch_all(&Sql::new(
            "SELECT district_id, id FROM organisations WHERE kind = 'district_office'",
        ))
        .await
}

/// The id of district number `number`.
pub async fn district_by_number(store: &Store, number: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = store
        .fetch_optional(&Sql::new("SELECT id FROM districts WHERE number = $1").bind(number))
        .await?;
    Ok(row.map(|r| r.0))
}

/// The organisation leading the most resolutions (the heaviest accountability row).
pub async fn busiest_lead(store: &Store) -> Result<i64> {
    store
        .scalar(&Sql::new(
            "SELECT lead_org_id FROM resolutions GROUP BY lead_org_id ORDER BY COUNT(*) DESC LIMIT 1",
        ))
        .await
}

/// Whether a body already held session `session` of Jalali year `year`.
pub async fn session_held(tx: &mut Tx, body_id: i64, year: i64, session: i64) -> Result<bool> {
    let n = tx
        .scalar(
            &Sql::new(
                "SELECT COUNT(*) FROM meetings WHERE body_id = $1 AND jalali_year = $2 AND session_number = $3",
            )
            .bind(body_id)
            .bind(year)
            .bind(session),
        )
        .await?;
    Ok(n > 0)
}

/// Removes a body's sessions with everything hanging on them (their reminders too; challenges
/// they answered and projects they stood behind lose the link).
pub async fn clear_sessions(tx: &mut Tx, body_id: i64) -> Result<()> {
    const OF_BODY: &str = "SELECT r.id FROM resolutions r JOIN meetings m ON m.id = r.meeting_id WHERE m.body_id = $1";
    const MEETINGS: &str = "SELECT id FROM meetings WHERE body_id = $1";
    let statements = [
        format!("UPDATE challenges SET resolution_id = NULL WHERE resolution_id IN ({OF_BODY})"),
        format!(
            "DELETE FROM notification_items WHERE notification_id IN \
             (SELECT id FROM notifications WHERE resolution_id IN ({OF_BODY})) OR resolution_id IN ({OF_BODY})"
        ),
        format!("DELETE FROM notifications WHERE resolution_id IN ({OF_BODY})"),
        format!("DELETE FROM resolution_events WHERE resolution_id IN ({OF_BODY})"),
        format!("DELETE FROM progress_reports WHERE resolution_id IN ({OF_BODY})"),
        format!("DELETE FROM deadline_extensions WHERE resolution_id IN ({OF_BODY})"),
        format!("DELETE FROM resolution_partners WHERE resolution_id IN ({OF_BODY})"),
        format!("DELETE FROM project_resolutions WHERE resolution_id IN ({OF_BODY})"),
        format!("UPDATE project_continuations SET meeting_id = NULL WHERE meeting_id IN ({MEETINGS})"),
        format!("DELETE FROM resolutions WHERE meeting_id IN ({MEETINGS})"),
        format!(
            "DELETE FROM visit_report_challenges WHERE report_id IN \
             (SELECT id FROM visit_reports WHERE meeting_id IN ({MEETINGS}))"
        ),
        format!("DELETE FROM visit_reports WHERE meeting_id IN ({MEETINGS})"),
        format!("DELETE FROM visit_findings WHERE meeting_id IN ({MEETINGS})"),
        format!("DELETE FROM visit_memos WHERE meeting_id IN ({MEETINGS})"),
        format!("UPDATE challenges SET meeting_id = NULL WHERE meeting_id IN ({MEETINGS})"),
        format!("DELETE FROM agenda_items WHERE meeting_id IN ({MEETINGS})"),
        format!("DELETE FROM meeting_attendees WHERE meeting_id IN ({MEETINGS})"),
        "DELETE FROM meetings WHERE body_id = $1".to_string(),
    ];
    for s in &statements {
        tx.execute(&Sql::new(s).bind(body_id)).await?;
    }
    Ok(())
}

/// A need raised at least twice since a date: a category in a neighborhood.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RepeatedNeed {
    pub neighborhood_id: i64,
    pub service_id: i64,
    pub district_id: i64,
    pub neighborhood_fa: String,
    pub service_fa: String,
    pub domain: String,
}

/// The `limit` needs raised most often since `since`, most frequent first.
pub async fn repeated_needs(
    tx: &mut Tx,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<RepeatedNeed>> {
    tx.fetch_all(
        &Sql::new(
            "SELECT q.neighborhood_id, q.service_id, n.district_id, n.name_fa AS neighborhood_fa, \
             s.name_fa AS service_fa, s.domain \
             FROM service_requests q JOIN neighborhoods n ON n.id = q.neighborhood_id \
             JOIN services s ON s.id = q.service_id \
             WHERE q.requested_at >= $1 \
             GROUP BY q.neighborhood_id, q.service_id, n.district_id, n.name_fa, s.name_fa, s.domain \
             HAVING COUNT(*) >= 2 ORDER BY COUNT(*) DESC, q.neighborhood_id, q.service_id LIMIT $2",
        )
        .bind(since)
        .bind(limit),
    )
    .await
}

/// Points the requests of a need since `since` at a challenge.
pub async fn point_need_at(
    tx: &mut Tx,
    need: &RepeatedNeed,
    since: DateTime<Utc>,
    challenge_id: i64,
) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE service_requests SET challenge_id = $1 \
             WHERE neighborhood_id = $2 AND service_id = $3 AND requested_at >= $4",
        )
        .bind(challenge_id)
        .bind(need.neighborhood_id)
        .bind(need.service_id)
        .bind(since),
    )
    .await
    .map(|_| ())
}

/// The newest resolution of a district in a domain.
pub async fn latest_resolution(tx: &mut Tx, district_id: i64, domain: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            &Sql::new(
                "SELECT id FROM resolutions WHERE district_id = $1 AND domain = $2 ORDER BY id DESC LIMIT 1",
            )
            .bind(district_id)
            .bind(domain),
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Adds `n` plain requests, oldest first, aged between `oldest - span` and `oldest` seconds
/// before `now` (no history rows: only the search columns matter to the benchmark); random
/// category and neighborhood, nine in ten closed. The rows are generated inside the engine in one
/// statement: binding millions of rows from Rust would take most of an hour.
pub async fn generate_requests(
    store: &Store,
    n: i64,
    now: DateTime<Utc>,
    oldest: i64,
    span: i64,
) -> Result<()> {
    let (lo_s, n_s): (i64, i64) = store
        .fetch_one(&Sql::new("SELECT MIN(id), COUNT(*) FROM services"))
        .await?;
    let (lo_n, n_n): (i64, i64) = store
        .fetch_one(&Sql::new("SELECT MIN(id), COUNT(*) FROM neighborhoods"))
        .await?;
    if n_s == 0 || n_n == 0 {
        return Err(DbError::NotFound);
    }
    let now = now.timestamp();
    // SQLite must materialise the random draws, or it evaluates them once for the statement.
    let sql = match store.kind() {
        "sqlite" => format!(
            "INSERT INTO service_requests (service_id, status, description, district_id, neighborhood_id, organisation_id, \
             source, search_key, requested_at, updated_at, due_at) \
             SELECT g.s, CASE WHEN g.r % 10 = 0 THEN 'submitted' ELSE 'closed' END, 'درخواست آزمون بار', \
             h.district_id, h.id, (SELECT o.id FROM organisations o WHERE o.kind = 'district_office' AND o.district_id = h.district_id), \
             'open311', 'درخواست ازمون بار', \
             strftime('%Y-%m-%dT%H:%M:%S+00:00', {now} - g.age, 'unixepoch'), \
             strftime('%Y-%m-%dT%H:%M:%S+00:00', {now} - g.age / 2, 'unixepoch'), \
             strftime('%Y-%m-%dT%H:%M:%S+00:00', {now} - g.age + 172800, 'unixepoch') \
             FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}), \
                   r AS MATERIALIZED (SELECT {lo_s} + abs(random()) % {n_s} AS s, {lo_n} + abs(random()) % {n_n} AS nb, \
                   {oldest} - abs(random()) % {span} AS age, abs(random()) AS r FROM c) SELECT * FROM r) g \
             JOIN neighborhoods h ON h.id = g.nb ORDER BY g.age DESC"
        ),
        _ => format!(
            "INSERT INTO service_requests (service_id, status, description, district_id, neighborhood_id, organisation_id, \
             source, search_key, requested_at, updated_at, due_at) \
             SELECT g.s, CASE WHEN g.r < 0.1 THEN 'submitted' ELSE 'closed' END, 'درخواست آزمون بار', \
             h.district_id, h.id, (SELECT o.id FROM organisations o WHERE o.kind = 'district_office' AND o.district_id = h.district_id LIMIT 1), \
             'open311', 'درخواست ازمون بار', to_timestamp({now} - g.age), to_timestamp({now} - g.age / 2), \
             to_timestamp({now} - g.age + 172800) \
             FROM (SELECT {lo_s} + floor(random() * {n_s})::bigint AS s, {lo_n} + floor(random() * {n_n})::bigint AS nb, \
                   {oldest} - floor(random() * {span})::bigint AS age, random() AS r FROM generate_series(1, {n})) g \
             JOIN neighborhoods h ON h.id = g.nb ORDER BY g.age DESC"
        ),
    };
    let mut tx = store.begin().await?;
    tx.execute(&Sql::new(&sql)).await?;
    tx.commit().await
}

/// The domains the generators spread rows over, as an SQL `CASE` on `x % 10`.
fn domain_case(x: &str) -> String {
    const CODES: [&str; 10] = [
        "civil_works",
        "urban_services",
        "cultural",
        "social",
        "health",
        "safety",
        "traffic",
        "environment",
        "economic",
        "other",
    ];
    let mut s = format!("CASE {x} % 10");
    for (i, c) in CODES.iter().enumerate() {
        s.push_str(&format!(" WHEN {i} THEN '{c}'"));
    }
    s.push_str(" END");
    s
}

/// Adds `n` neighborhood challenges raised over the `span` seconds before `now`, spread over
/// every neighborhood and domain: six in ten solved (with the event that solved them, a month or
/// so after they were raised), one rejected, the rest open. Generated inside the database engine,
/// as [`generate_requests`] is.
pub async fn generate_challenges(
    store: &Store,
    n: i64,
    now: DateTime<Utc>,
    span: i64,
) -> Result<()> {
    let (lo_n, n_n): (i64, i64) = store
        .fetch_one(&Sql::new("SELECT MIN(id), COUNT(*) FROM neighborhoods"))
        .await?;
    if n_n == 0 {
        return Err(DbError::NotFound);
    }
    let before: i64 = store
        .scalar(&Sql::new("SELECT COALESCE(MAX(id), 0) FROM challenges"))
        .await?;
    let now = now.timestamp();
    let status =
        "CASE g.r % 10 WHEN 6 THEN 'rejected' WHEN 7 THEN 'raised' WHEN 8 THEN 'accepted' \
                  WHEN 9 THEN 'being_solved' ELSE 'solved' END";
    let domain = domain_case("(g.r / 10)");
    let (rows, events) = match store.kind() {
        "sqlite" => (
            format!(
                "INSERT INTO challenges (district_id, neighborhood_id, domain, title, search_key, status, created_at, updated_at) \
                 SELECT h.district_id, h.id, {domain}, 'چالش آزمون بار', 'چالش ازمون بار', {status}, \
                 strftime('%Y-%m-%dT%H:%M:%S+00:00', {now} - g.age, 'unixepoch'), \
                 strftime('%Y-%m-%dT%H:%M:%S+00:00', {now} - g.age + MIN(g.age, 86400 + g.r % 5184000), 'unixepoch') \
                 FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}), \
                       r AS MATERIALIZED (SELECT {lo_n} + abs(random()) % {n_n} AS nb, abs(random()) % {span} AS age, \
                       abs(random()) AS r FROM c) SELECT * FROM r) g \
                 JOIN neighborhoods h ON h.id = g.nb ORDER BY g.age DESC"
            ),
            "INSERT INTO challenge_events (challenge_id, at, from_status, to_status) \
             SELECT id, updated_at, 'being_solved', 'solved' FROM challenges WHERE id > $1 AND status = 'solved'",
        ),
        _ => (
            format!(
                "INSERT INTO challenges (district_id, neighborhood_id, domain, title, search_key, status, created_at, updated_at) \
                 SELECT h.district_id, h.id, {domain}, 'چالش آزمون بار', 'چالش ازمون بار', {status}, \
                 to_timestamp({now} - g.age), to_timestamp({now} - g.age + LEAST(g.age, 86400 + g.r % 5184000)) \
                 FROM (SELECT {lo_n} + floor(random() * {n_n})::bigint AS nb, floor(random() * {span})::bigint AS age, \
                       floor(random() * 1000000000)::bigint AS r FROM generate_series(1, {n})) g \
                 JOIN neighborhoods h ON h.id = g.nb ORDER BY g.age DESC"
            ),
            "INSERT INTO challenge_events (challenge_id, at, from_status, to_status) \
             SELECT id, updated_at, 'being_solved', 'solved' FROM challenges WHERE id > $1 AND status = 'solved'",
        ),
    };
    let mut tx = store.begin().await?;
    tx.execute(&Sql::new(&rows)).await?;
    tx.execute(&Sql::new(events).bind(before)).await?;
    tx.commit().await
}

/// Adds `n` projects of districts and their neighborhoods, started over the `span` seconds before
/// `now` and planned for two months to two years, each led by its district's office: those whose
/// plan has ended are done (nine in ten) or cancelled; of the rest, one in four has fallen behind.
/// Without milestones: the pages measured read the projects alone.
pub async fn generate_projects(store: &Store, n: i64, now: DateTime<Utc>, span: i64) -> Result<()> {
    let (lo_n, n_n): (i64, i64) = store
        .fetch_one(&Sql::new("SELECT MIN(id), COUNT(*) FROM neighborhoods"))
        .await?;
    if n_n == 0 {
        return Err(DbError::NotFound);
    }
    let today = now.date_naive();
    let now = now.timestamp();
    let domain = domain_case("g.r");
    // Days: started `g.age` days ago, planned for `g.len` days.
    let days = span / 86400;
    let sql = match store.kind() {
        "sqlite" => format!(
            "INSERT INTO projects (district_id, neighborhood_id, domain, title, lead_org_id, budget_rials, starts_on, ends_on, \
             status, progress, behind_since, done_on, search_key, created_at, updated_at) \
             SELECT h.district_id, CASE WHEN g.r % 3 = 0 THEN NULL ELSE h.id END, {domain}, 'پروژه آزمون بار', \
             (SELECT o.id FROM organisations o WHERE o.kind = 'district_office' AND o.district_id = h.district_id), \
             (g.r % 500 + 1) * 1000000000, \
             date('{today}', '-' || g.age || ' days'), date('{today}', '-' || g.age || ' days', '+' || g.len || ' days'), \
             CASE WHEN g.age >= g.len THEN (CASE WHEN g.r % 10 = 0 THEN 'cancelled' ELSE 'done' END) ELSE 'under_way' END, \
             CASE WHEN g.age >= g.len THEN 1000 ELSE g.age * 1000 / g.len END, \
             CASE WHEN g.age < g.len AND g.r % 4 = 0 THEN date('{today}', '-' || (g.age / 2) || ' days') END, \
             CASE WHEN g.age >= g.len AND g.r % 10 <> 0 THEN date('{today}', '-' || (g.age - g.len) || ' days') END, \
             'پروژه ازمون بار', strftime('%Y-%m-%dT%H:%M:%S+00:00', {now} - g.age * 86400, 'unixepoch'), \
             strftime('%Y-%m-%dT%H:%M:%S+00:00', {now}, 'unixepoch') \
             FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}), \
                   r AS MATERIALIZED (SELECT {lo_n} + abs(random()) % {n_n} AS nb, abs(random()) % {days} AS age, \
                   60 + abs(random()) % 670 AS len, abs(random()) AS r FROM c) SELECT * FROM r) g \
             JOIN neighborhoods h ON h.id = g.nb ORDER BY g.age DESC"
        ),
        _ => format!(
            "INSERT INTO projects (district_id, neighborhood_id, domain, title, lead_org_id, budget_rials, starts_on, ends_on, \
             status, progress, behind_since, done_on, search_key, created_at, updated_at) \
             SELECT h.district_id, CASE WHEN g.r % 3 = 0 THEN NULL ELSE h.id END, {domain}, 'پروژه آزمون بار', \
             (SELECT o.id FROM organisations o WHERE o.kind = 'district_office' AND o.district_id = h.district_id LIMIT 1), \
             (g.r % 500 + 1) * 1000000000, \
             DATE '{today}' - g.age::int, DATE '{today}' - (g.age - g.len)::int, \
             CASE WHEN g.age >= g.len THEN (CASE WHEN g.r % 10 = 0 THEN 'cancelled' ELSE 'done' END) ELSE 'under_way' END, \
             CASE WHEN g.age >= g.len THEN 1000 ELSE g.age * 1000 / g.len END, \
             CASE WHEN g.age < g.len AND g.r % 4 = 0 THEN DATE '{today}' - (g.age / 2)::int END, \
             CASE WHEN g.age >= g.len AND g.r % 10 <> 0 THEN DATE '{today}' - (g.age - g.len)::int END, \
             'پروژه ازمون بار', to_timestamp({now} - g.age * 86400), to_timestamp({now}) \
             FROM (SELECT {lo_n} + floor(random() * {n_n})::bigint AS nb, floor(random() * {days})::bigint AS age, \
                   60 + floor(random() * 670)::bigint AS len, floor(random() * 1000000000)::bigint AS r \
                   FROM generate_series(1, {n})) g \
             JOIN neighborhoods h ON h.id = g.nb ORDER BY g.age DESC"
        ),
    };
    let mut tx = store.begin().await?;
    tx.execute(&Sql::new(&sql)).await?;
    tx.commit().await
}

/// What `mahalle load` calls on in the demo city: its accounts and the records its pages show.
#[derive(Debug, Clone)]
pub struct LoadTargets {
    pub mayor: i64,
    pub water: i64,
    pub d14: i64,
    /// The water company's latest open resolutions, newest first (reports go to them in turn).
    pub open_resolutions: Vec<i64>,
    pub request: i64,
    pub meeting: i64,
    /// The council member's neighborhood.
    pub neighborhood: i64,
}

pub async fn load_targets(store: &Store) -> Result<LoadTargets> {
    async fn one(store: &Store, sql: &str) -> Result<i64> {
        let (v,): (Option<i64>,) = store.fetch_one(&Sql::new(sql)).await?;
        v.ok_or(DbError::NotFound)
    }
    let user = |name: &'static str| {
        let sql = format!("SELECT MIN(id) FROM users WHERE username = '{name}'");
        async move { one(store, &sql).await }
    };
    let water_org = one(
        store,
        "SELECT MIN(organisation_id) FROM user_roles WHERE role = 'liaison'",
    )
    .await?;
    let open: Vec<(i64,)> = store
        .fetch_all(
            &Sql::new(
                "SELECT id FROM resolutions WHERE lead_org_id = $1 \
                 AND status IN ('approved', 'in_progress') ORDER BY id DESC LIMIT 100",
            )
            .bind(water_org),
        )
        .await?;
    if open.is_empty() {
        return Err(DbError::NotFound);
    }
    Ok(LoadTargets {
        mayor: user("mayor").await?,
        water: user("water").await?,
        d14: user("d14").await?,
        open_resolutions: open.into_iter().map(|(id,)| id).collect(),
        request: one(store, "SELECT MAX(id) FROM service_requests").await?,
        meeting: one(
            store,
            "SELECT MAX(id) FROM meetings WHERE kind = 'hq_session'",
        )
        .await?,
        neighborhood: one(
            store,
            "SELECT MIN(neighborhood_id) FROM user_roles WHERE role = 'council_member'",
        )
        .await?,
    })
}
