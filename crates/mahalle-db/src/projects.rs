//! Priority projects of districts and neighborhoods: the projects, their milestones, the
//! challenges and resolutions they are tied to, residents' requests that they continue, and
//! their photos (in `attachments`).

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::sql::ids_sql;
use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Project {
    pub id: i64,
    pub district_id: i64,
    pub district_number: i64,
    /// None: a project of the whole district.
    pub neighborhood_id: Option<i64>,
    pub neighborhood_name_fa: Option<String>,
    pub neighborhood_name_en: Option<String>,
    pub domain: String,
    pub title: String,
    pub description: String,
    pub lead_org_id: i64,
    pub lead_name_fa: String,
    pub lead_name_en: String,
    pub budget_rials: Option<i64>,
    pub starts_on: NaiveDate,
    /// The planned end.
    pub ends_on: NaiveDate,
    /// planned, under_way, suspended, done or cancelled
    pub status: String,
    /// Flagged a priority of its district.
    pub priority: bool,
    /// Progress last reported, per mille (used while it has no milestones).
    pub reported_progress: Option<i64>,
    /// Progress per mille: done milestones' share of their weight, or the reported figure.
    pub progress: i64,
    /// The first day it is behind its plan with the progress it has (none: it will not be).
    pub behind_since: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    /// How many times residents asked that it continue.
    pub asked_to_continue: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ProjectMilestone {
    pub id: i64,
    pub project_id: i64,
    pub position: i64,
    pub title: String,
    /// Its share of the project's work, against the other milestones' weights.
    pub weight: i64,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// Residents asked that a project continue.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Continuation {
    pub id: i64,
    pub project_id: i64,
    /// Who asked (the neighborhood's council, its trustees, a group of residents…).
    pub asked_by: String,
    pub asked_on: NaiveDate,
    pub meeting_id: Option<i64>,
    pub meeting_title: Option<String>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

const CONTINUATIONS: &str =
    "(SELECT COUNT(*) FROM project_continuations pc WHERE pc.project_id = p.id)";

fn select() -> String {
    format!(
        "SELECT p.id, p.district_id, d.number AS district_number, p.neighborhood_id, \
         n.name_fa AS neighborhood_name_fa, n.name_en AS neighborhood_name_en, p.domain, p.title, \
         p.description, p.lead_org_id, o.name_fa AS lead_name_fa, o.name_en AS lead_name_en, \
         p.budget_rials, p.starts_on, p.ends_on, p.status, p.priority, p.reported_progress, \
         p.progress, p.behind_since, p.done_on, {CONTINUATIONS} AS asked_to_continue, p.created_at, \
         p.updated_at{FROM}"
    )
}

const FROM: &str = " FROM projects p JOIN districts d ON d.id = p.district_id \
     LEFT JOIN neighborhoods n ON n.id = p.neighborhood_id \
     JOIN organisations o ON o.id = p.lead_org_id";

/// Sort keys of the project list; the first is the default.
pub const SORTS: &[&str] = &["start", "end", "progress", "behind", "budget"];

fn order(sort: &str) -> &'static str {
    match sort {
        "end" => "p.ends_on",
        "progress" => "p.progress",
        "behind" => "p.behind_since",
        "budget" => "p.budget_rials",
        _ => "p.starts_on",
    }
}

/// Which projects a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProjectFilter<'a> {
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub domain: Option<&'a str>,
    pub status: Option<&'a str>,
    pub lead_org_id: Option<i64>,
    pub priority: bool,
    /// Only open projects behind their plan on this day.
    pub behind_on: Option<NaiveDate>,
    /// Only projects whose period overlaps `from..=to`.
    pub during: Option<(NaiveDate, NaiveDate)>,
}

const OPEN: &str = "('planned','under_way')";

fn filter(f: &ProjectFilter<'_>, terms: &[String]) -> Sql {
    let mut sql = Sql::new(" WHERE 1=1");
    if let Some(d) = f.district_id {
        sql.push(" AND p.district_id = ").arg(d);
    }
    if let Some(n) = f.neighborhood_id {
        sql.push(" AND p.neighborhood_id = ").arg(n);
    }
    if let Some(x) = f.domain {
        sql.push(" AND p.domain = ").arg(x);
    }
    if let Some(x) = f.status {
        sql.push(" AND p.status = ").arg(x);
    }
    if let Some(o) = f.lead_org_id {
        sql.push(" AND p.lead_org_id = ").arg(o);
    }
    if f.priority {
        sql.push(" AND p.priority = ").arg(true);
    }
    if let Some(day) = f.behind_on {
        sql.push(&format!(" AND p.status IN {OPEN} AND p.behind_since <= "))
            .arg(day);
    }
    if let Some((from, to)) = f.during {
        sql.push(" AND p.starts_on <= ")
            .arg(to)
            .push(" AND p.ends_on >= ")
            .arg(from);
    }
    sql.search("p.search_key", terms);
    sql
}

pub async fn list(store: &Store, f: &ProjectFilter<'_>, l: &Listing) -> Result<Paged<Project>> {
    let w = filter(f, &l.terms);
    let mut count = Sql::new("SELECT COUNT(*) FROM projects p");
    count.push(&w.text);
    count.args = w.args.clone();
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(&select());
    sql.push(&w.text);
    sql.args = w.args;
    sql.page(order(l.sort), "p.id", l.desc, l.per_page, l.offset());
    Ok(Paged {
        items: store.fetch_all(&sql).await?,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

/// Every project a filter selects, by start, up to `limit` (exports, timelines).
pub async fn all(store: &Store, f: &ProjectFilter<'_>, limit: i64) -> Result<Vec<Project>> {
    let w = filter(f, &[]);
    let mut sql = Sql::new(&select());
    sql.push(&w.text);
    sql.args = w.args;
    sql.push(" ORDER BY p.starts_on, p.id LIMIT ").arg(limit);
    store.fetch_all(&sql).await
}

pub async fn get(store: &Store, id: i64) -> Result<Project> {
    store
        .fetch_one(&Sql::new(&format!("{} WHERE p.id = $1", select())).bind(id))
        .await
}

pub async fn get_tx(tx: &mut Tx, id: i64) -> Result<Project> {
    tx.fetch_one(&Sql::new(&format!("{} WHERE p.id = $1", select())).bind(id))
        .await
}

const MILESTONES: &str = "SELECT id, project_id, position, title, weight, due_on, done_on \
     FROM project_milestones WHERE project_id = $1 ORDER BY position, id";

pub async fn milestones(store: &Store, project_id: i64) -> Result<Vec<ProjectMilestone>> {
    store
        .fetch_all(&Sql::new(MILESTONES).bind(project_id))
        .await
}

pub async fn milestones_tx(tx: &mut Tx, project_id: i64) -> Result<Vec<ProjectMilestone>> {
    tx.fetch_all(&Sql::new(MILESTONES).bind(project_id)).await
}

/// A project as its form keeps it, with what the rules derived from it.
pub struct ProjectFields<'a> {
    pub district_id: i64,
    pub neighborhood_id: Option<i64>,
    pub domain: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub lead_org_id: i64,
    pub budget_rials: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: &'a str,
    pub priority: bool,
    pub reported_progress: Option<i64>,
    pub progress: i64,
    pub behind_since: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

/// A milestone as its form keeps it.
pub struct MilestoneFields<'a> {
    pub title: &'a str,
    pub weight: i64,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

fn key(p: &ProjectFields<'_>) -> String {
    search_key(&format!("{} {}", p.title, p.description))
}

pub async fn create(
    tx: &mut Tx,
    p: &ProjectFields<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO projects (district_id, neighborhood_id, domain, title, description, lead_org_id, budget_rials, \
             starts_on, ends_on, status, priority, reported_progress, progress, behind_since, done_on, search_key, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id",
        )
        .bind(p.district_id)
        .bind(p.neighborhood_id)
        .bind(p.domain)
        .bind(p.title)
        .bind(p.description)
        .bind(p.lead_org_id)
        .bind(p.budget_rials)
        .bind(p.starts_on)
        .bind(p.ends_on)
        .bind(p.status)
        .bind(p.priority)
        .bind(p.reported_progress)
        .bind(p.progress)
        .bind(p.behind_since)
        .bind(p.done_on)
        .bind(key(p))
        .bind(by)
        .bind(now),
    )
    .await
}

pub async fn update(tx: &mut Tx, id: i64, p: &ProjectFields<'_>, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE projects SET district_id = $2, neighborhood_id = $3, domain = $4, title = $5, description = $6, \
             lead_org_id = $7, budget_rials = $8, starts_on = $9, ends_on = $10, status = $11, priority = $12, \
             reported_progress = $13, progress = $14, behind_since = $15, done_on = $16, search_key = $17, \
             updated_at = $18 WHERE id = $1",
        )
        .bind(id)
        .bind(p.district_id)
        .bind(p.neighborhood_id)
        .bind(p.domain)
        .bind(p.title)
        .bind(p.description)
        .bind(p.lead_org_id)
        .bind(p.budget_rials)
        .bind(p.starts_on)
        .bind(p.ends_on)
        .bind(p.status)
        .bind(p.priority)
        .bind(p.reported_progress)
        .bind(p.progress)
        .bind(p.behind_since)
        .bind(p.done_on)
        .bind(key(p))
        .bind(now),
    )
    .await?;
    Ok(())
}

/// Replaces a project's milestones with these, in this order.
pub async fn set_milestones(
    tx: &mut Tx,
    project_id: i64,
    list: &[MilestoneFields<'_>],
) -> Result<()> {
    tx.execute(&Sql::new("DELETE FROM project_milestones WHERE project_id = $1").bind(project_id))
        .await?;
    for (i, m) in list.iter().enumerate() {
        tx.execute(
            &Sql::new(
                "INSERT INTO project_milestones (project_id, position, title, weight, due_on, done_on) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(project_id)
            .bind(i as i64 + 1)
            .bind(m.title)
            .bind(m.weight)
            .bind(m.due_on)
            .bind(m.done_on),
        )
        .await?;
    }
    Ok(())
}

/// Adds a milestone after the project's others; returns its id.
pub async fn add_milestone(tx: &mut Tx, project_id: i64, m: &MilestoneFields<'_>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO project_milestones (project_id, position, title, weight, due_on, done_on) \
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM project_milestones WHERE project_id = $1), \
             $2, $3, $4, $5) RETURNING id",
        )
        .bind(project_id)
        .bind(m.title)
        .bind(m.weight)
        .bind(m.due_on)
        .bind(m.done_on),
    )
    .await
}

/// Whether the project had that milestone (and now has it done on that day, or not done).
pub async fn set_milestone_done(
    tx: &mut Tx,
    project_id: i64,
    milestone_id: i64,
    done_on: Option<NaiveDate>,
) -> Result<bool> {
    Ok(tx
        .execute(
            &Sql::new(
                "UPDATE project_milestones SET done_on = $3 WHERE id = $2 AND project_id = $1",
            )
            .bind(project_id)
            .bind(milestone_id)
            .bind(done_on),
        )
        .await?
        == 1)
}

/// Whether the project had that milestone (it has not now).
pub async fn remove_milestone(tx: &mut Tx, project_id: i64, milestone_id: i64) -> Result<bool> {
    Ok(tx
        .execute(
            &Sql::new("DELETE FROM project_milestones WHERE id = $2 AND project_id = $1")
                .bind(project_id)
                .bind(milestone_id),
        )
        .await?
        == 1)
}

/// Rewrites what is derived from the milestones.
pub async fn set_progress(
    tx: &mut Tx,
    id: i64,
    progress: i64,
    behind_since: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        &Sql::new(
            "UPDATE projects SET progress = $2, behind_since = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(progress)
        .bind(behind_since)
        .bind(now),
    )
    .await?;
    Ok(())
}

/// The challenges a project answers: (id, title, status).
pub async fn challenges(store: &Store, project_id: i64) -> Result<Vec<(i64, String, String)>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT c.id, c.title, c.status FROM project_challenges pc JOIN challenges c ON c.id = pc.challenge_id \
                 WHERE pc.project_id = $1 ORDER BY c.id",
            )
            .bind(project_id),
        )
        .await
}

/// The projects that answer a challenge: (id, title, status).
pub async fn of_challenge(store: &Store, challenge_id: i64) -> Result<Vec<(i64, String, String)>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT p.id, p.title, p.status FROM project_challenges pc JOIN projects p ON p.id = pc.project_id \
                 WHERE pc.challenge_id = $1 ORDER BY p.starts_on, p.id",
            )
            .bind(challenge_id),
        )
        .await
}

/// A linked resolution: id, title, status and its number's parts (year, session, item).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct LinkedResolution {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub jalali_year: i64,
    pub session_number: i64,
    pub item_number: i64,
}

pub async fn resolutions(store: &Store, project_id: i64) -> Result<Vec<LinkedResolution>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT r.id, r.title, r.status, m.jalali_year, m.session_number, r.item_number \
                 FROM project_resolutions pr JOIN resolutions r ON r.id = pr.resolution_id \
                 JOIN meetings m ON m.id = r.meeting_id WHERE pr.project_id = $1 ORDER BY r.id",
            )
            .bind(project_id),
        )
        .await
}

/// Ties a project to exactly these challenges and resolutions.
pub async fn set_links(
    tx: &mut Tx,
    project_id: i64,
    challenges: &[i64],
    resolutions: &[i64],
) -> Result<()> {
    tx.execute(&Sql::new("DELETE FROM project_challenges WHERE project_id = $1").bind(project_id))
        .await?;
    tx.execute(&Sql::new("DELETE FROM project_resolutions WHERE project_id = $1").bind(project_id))
        .await?;
    for &c in challenges {
        tx.execute(
            &Sql::new("INSERT INTO project_challenges (project_id, challenge_id) VALUES ($1, $2)")
                .bind(project_id)
                .bind(c),
        )
        .await?;
    }
    for &r in resolutions {
        tx.execute(
            &Sql::new(
                "INSERT INTO project_resolutions (project_id, resolution_id) VALUES ($1, $2)",
            )
            .bind(project_id)
            .bind(r),
        )
        .await?;
    }
    Ok(())
}

/// Of these challenges, those of this district: (id, neighborhood).
pub async fn challenges_in_district(
    store: &Store,
    district_id: i64,
    ids: &[i64],
) -> Result<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    store
        .fetch_all(
            &Sql::new(&format!(
                "SELECT id, neighborhood_id FROM challenges WHERE district_id = $1 AND id IN ({})",
                ids_sql(ids)
            ))
            .bind(district_id),
        )
        .await
}

/// Of these resolutions, those a project of this district may stand on: the city's and the
/// district's own.
pub async fn resolutions_for_district(
    store: &Store,
    district_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64,)> = store
        .fetch_all(
            &Sql::new(&format!(
                "SELECT id FROM resolutions WHERE id IN ({}) AND (district_id IS NULL OR district_id = $1)",
                ids_sql(ids)
            ))
            .bind(district_id),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

const CONTINUATION: &str = "SELECT pc.id, pc.project_id, pc.asked_by, pc.asked_on, pc.meeting_id, m.title AS meeting_title, \
     pc.note, pc.created_at FROM project_continuations pc LEFT JOIN meetings m ON m.id = pc.meeting_id";

pub async fn continuations(store: &Store, project_id: i64) -> Result<Vec<Continuation>> {
    store
        .fetch_all(
            &Sql::new(&format!(
                "{CONTINUATION} WHERE pc.project_id = $1 ORDER BY pc.asked_on DESC, pc.id DESC"
            ))
            .bind(project_id),
        )
        .await
}

pub struct NewContinuation<'a> {
    pub project_id: i64,
    pub asked_by: &'a str,
    pub asked_on: NaiveDate,
    pub meeting_id: Option<i64>,
    pub note: &'a str,
    pub recorded_by: Option<i64>,
}

pub async fn add_continuation(
    tx: &mut Tx,
    c: &NewContinuation<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO project_continuations (project_id, asked_by, asked_on, meeting_id, note, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(c.project_id)
        .bind(c.asked_by)
        .bind(c.asked_on)
        .bind(c.meeting_id)
        .bind(c.note)
        .bind(c.recorded_by)
        .bind(now),
    )
    .await
}

/// What the demo loader ties projects to: each district's office, the city's agencies and
/// departments, challenges by neighborhood and resolutions by district.
pub struct LoadingPlaces {
    /// (neighborhood id, district id, Persian name) of every current neighborhood.
    pub neighborhoods: Vec<(i64, i64, String)>,
    /// (district id, district number, its office's id)
    pub offices: Vec<(i64, i64, i64)>,
    pub agencies: Vec<i64>,
    /// (neighborhood id, challenge id)
    pub challenges: Vec<(i64, i64)>,
    /// (district id, resolution id)
    pub resolutions: Vec<(i64, i64)>,
}

pub async fn loading_places(tx: &mut Tx) -> Result<LoadingPlaces> {
    Ok(LoadingPlaces {
        neighborhoods: tx
            .fetch_all(&Sql::new(
                "SELECT id, district_id, name_fa FROM neighborhoods WHERE retired_on IS NULL ORDER BY district_id, id",
            ))
            .await?,
        offices: tx
            .fetch_all(&Sql::new(
                "SELECT o.district_id, d.number, MIN(o.id) FROM organisations o JOIN districts d ON d.id = o.district_id \
                 WHERE o.kind = 'district_office' AND o.retired_on IS NULL GROUP BY o.district_id, d.number ORDER BY d.number",
            ))
            .await?,
        agencies: tx
            .fetch_all::<(i64,)>(&Sql::new(
                "SELECT id FROM organisations WHERE kind IN ('agency','department') AND retired_on IS NULL ORDER BY id",
            ))
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect(),
        challenges: tx
            .fetch_all(&Sql::new(
                "SELECT neighborhood_id, id FROM challenges WHERE status <> 'rejected' ORDER BY neighborhood_id, id",
            ))
            .await?,
        resolutions: tx
            .fetch_all(&Sql::new(
                "SELECT district_id, id FROM resolutions WHERE district_id IS NOT NULL ORDER BY district_id, id",
            ))
            .await?,
    })
}

/// Whether any project exists (loaders add them once).
pub async fn any(tx: &mut Tx) -> Result<bool> {
    Ok(tx
        .scalar(&Sql::new("SELECT COUNT(*) FROM projects"))
        .await?
        > 0)
}
