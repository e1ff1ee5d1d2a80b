//! The briefing pack of a visit, gathered from the city's data whenever it is opened: the
//! district's scorecard, what the previous visit decided and how much of it is done, overdue
//! resolutions and requests by organisation, open challenges by neighborhood and domain,
//! priority projects behind plan, and the domain reports filed.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::resolutions::Status;
use mahalle_core::visits::{self as rules, Standing, Tally};
use mahalle_db::projects::{self, Project, ProjectFilter};
use mahalle_db::scorecards::Place;
use mahalle_db::visits::{
    self, Commitment, DomainReport, OpenChallenges, OrgOverdue, RaisedChallenge,
};
use mahalle_db::Store;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::scorecards::card::{self, Scorecard};
use crate::visits::ops::Visit;

/// The pack lists at most this many projects behind plan (the most behind first).
pub const MAX_PROJECTS: i64 = 200;

/// A decision with where it stands today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommitmentState {
    #[serde(flatten)]
    pub commitment: Commitment,
    /// done_on_time, done_late, open, overdue or cancelled
    pub standing: String,
}

/// How much of a visit's commitments is done.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct TallyOut {
    pub total: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    pub open: i64,
    pub overdue: i64,
    pub cancelled: i64,
    /// Done, per mille of those not cancelled.
    pub done_permille: Option<i64>,
}

impl From<Tally> for TallyOut {
    fn from(t: Tally) -> Self {
        TallyOut {
            total: t.total,
            done_on_time: t.done_on_time,
            done_late: t.done_late,
            open: t.open,
            overdue: t.overdue,
            cancelled: t.cancelled,
            done_permille: t.done_permille(),
        }
    }
}

/// A visit's decisions, each with its standing, and their tally.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Commitments {
    pub visit_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub items: Vec<CommitmentState>,
    pub tally: TallyOut,
}

/// The decisions of visit `id` and where they stand on `today`.
pub async fn commitments(
    store: &Store,
    m: &mahalle_db::meetings::Meeting,
    today: NaiveDate,
) -> Result<Commitments, AppError> {
    let items: Vec<CommitmentState> = visits::commitments(store, m.id)
        .await?
        .into_iter()
        .map(|c| {
            let status = Status::parse(&c.status).unwrap_or(Status::Approved);
            let standing = Standing::of(status, c.deadline, c.done_late, today);
            CommitmentState {
                standing: standing.as_str().to_string(),
                commitment: c,
            }
        })
        .collect();
    let tally = Tally::of(items.iter().map(|c| standing_of(&c.standing)));
    Ok(Commitments {
        visit_id: m.id,
        title: m.title.clone(),
        starts_at: m.starts_at,
        items,
        tally: tally.into(),
    })
}

pub fn standing_of(code: &str) -> Standing {
    match code {
        "done_on_time" => Standing::DoneOnTime,
        "done_late" => Standing::DoneLate,
        "overdue" => Standing::Overdue,
        "cancelled" => Standing::Cancelled,
        _ => Standing::Open,
    }
}

/// The briefing pack.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Briefing {
    pub visit_id: i64,
    pub district_id: i64,
    /// When it was gathered.
    pub generated_at: DateTime<Utc>,
    /// When it is due: 48 hours before the visit.
    pub due_at: DateTime<Utc>,
    pub scorecard: Scorecard,
    /// The district's previous visit and where its decisions stand.
    pub previous: Option<Commitments>,
    pub overdue_by_organisation: Vec<OrgOverdue>,
    pub open_challenges: Vec<OpenChallenges>,
    pub projects_behind: Vec<Project>,
    pub reports: Vec<DomainReport>,
    pub raised_challenges: Vec<RaisedChallenge>,
}

/// Gathers the pack of a visit now.
pub async fn gather(store: &Store, v: &Visit, now: DateTime<Utc>) -> Result<Briefing, AppError> {
    let today = now.with_timezone(&crate::tehran_offset()).date_naive();
    let d = v.district_id;
    let previous = match visits::previous(store, d, v.m.starts_at, v.m.id).await? {
        Some(id) => {
            let m = mahalle_db::meetings::get(store, id, today).await?;
            Some(commitments(store, &m, today).await?)
        }
        None => None,
    };
    let behind = ProjectFilter {
        district_id: Some(d),
        behind_on: Some(today),
        ..Default::default()
    };
    let mut projects_behind = projects::all(store, &behind, MAX_PROJECTS).await?;
    projects_behind.sort_by_key(|p| (p.behind_since, p.id));
    Ok(Briefing {
        visit_id: v.m.id,
        district_id: d,
        generated_at: now,
        due_at: rules::briefing_due(v.m.starts_at),
        scorecard: card::compute(store, Place::District(d), d, today).await?,
        previous,
        overdue_by_organisation: visits::overdue_by_organisation(store, d, today, now).await?,
        open_challenges: visits::open_challenges(store, d).await?,
        projects_behind,
        reports: visits::reports(store, v.m.id).await?,
        raised_challenges: visits::raised_challenges(store, v.m.id).await?,
    })
}
