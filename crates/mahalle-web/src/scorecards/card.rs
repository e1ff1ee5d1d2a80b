//! A scorecard assembled from what was recorded, never typed in: the pages, the API and the
//! .xlsx all read this one.

use chrono::{NaiveDate, TimeZone, Utc};
use mahalle_core::jalali::JalaliDate;
use mahalle_core::projects::ProjectStatus;
use mahalle_core::scorecards::{self as rules, month_of, per_month, permille};
use mahalle_db::scorecards::{self as store_s, Place};
use mahalle_db::Store;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::AppError;

/// Resolutions of the place.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ResolutionFigures {
    /// Done within the scorecard's months, by their deadline or after it.
    pub done_on_time: i64,
    pub done_late: i64,
    /// Of those done, on time, per mille.
    pub on_time_permille: Option<i64>,
    /// Median days from approval to done, of those done within the months.
    pub median_days_to_done: Option<f64>,
    /// Open now, and of those past their deadline.
    pub open: i64,
    pub overdue: i64,
}

/// Citizens' requests of the place received within the months.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RequestFigures {
    pub received: i64,
    /// Closed or rejected.
    pub answered: i64,
    /// Answered by their deadline.
    pub answered_in_time: i64,
    /// Answered, or unanswered past their deadline: those whose timeliness is known.
    pub due: i64,
    /// Of those due, answered by their deadline, per mille (requests still within their
    /// deadline are not counted either way).
    pub in_time_permille: Option<i64>,
    /// Median hours from receipt to answer, of those answered (to the hour up to three days,
    /// to the day after).
    pub median_response_hours: Option<f64>,
    /// Unanswered past their deadline now (whenever received).
    pub overdue_now: i64,
}

/// A domain's challenges.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DomainFigures {
    pub domain: String,
    /// Raised, accepted, planned or being solved.
    pub open: i64,
    pub solved: i64,
    pub rejected: i64,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ChallengeFigures {
    pub open: i64,
    pub solved: i64,
    /// Recorded solved within the months.
    pub solved_in_months: i64,
    pub by_domain: Vec<DomainFigures>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ProjectFigures {
    /// Open (planned or under way) and on plan today.
    pub on_plan: i64,
    /// Open and behind plan today.
    pub behind: i64,
    pub suspended: i64,
    pub done: i64,
    pub cancelled: i64,
    /// Finished within the months.
    pub done_in_months: i64,
}

/// One Jalali month of the trends.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthFigures {
    /// Its first day (Gregorian, ISO).
    pub starts_on: NaiveDate,
    /// Its Jalali year and month, like 1405/02.
    pub jalali: String,
    pub resolutions_done_on_time: i64,
    pub resolutions_done_late: i64,
    pub requests_received: i64,
    /// Of the requests received this month, those answered by their deadline…
    pub requests_answered_in_time: i64,
    /// …of those answered or past their deadline.
    pub requests_due: i64,
    pub challenges_solved: i64,
    pub projects_done: i64,
}

/// A district's or neighborhood's scorecard over the last twelve Jalali months.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Scorecard {
    pub district_id: i64,
    pub neighborhood_id: Option<i64>,
    /// The day it was computed for.
    pub today: NaiveDate,
    pub resolutions: ResolutionFigures,
    pub requests: RequestFigures,
    pub challenges: ChallengeFigures,
    pub projects: ProjectFigures,
    pub months: Vec<MonthFigures>,
}

/// The instant a Tehran calendar day begins.
fn midnight(d: NaiveDate) -> chrono::DateTime<Utc> {
    crate::tehran_offset()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Computes the scorecard of a place (its district given too) on `today`.
pub async fn compute(
    store: &Store,
    place: Place,
    district_id: i64,
    today: NaiveDate,
) -> Result<Scorecard, AppError> {
    let starts = rules::months(today);
    let from = starts[0];
    let n = starts.len() - 1;
    let mut months: Vec<MonthFigures> = starts
        .iter()
        .take(n)
        .map(|&s| {
            let j = JalaliDate::from_gregorian(s);
            MonthFigures {
                starts_on: s,
                jalali: format!("{}/{:02}", j.year, j.month),
                resolutions_done_on_time: 0,
                resolutions_done_late: 0,
                requests_received: 0,
                requests_answered_in_time: 0,
                requests_due: 0,
                challenges_solved: 0,
                projects_done: 0,
            }
        })
        .collect();

    // Resolutions.
    let mut r = ResolutionFigures::default();
    let mut took = Vec::new();
    for (on, late, days) in store_s::resolutions_done(store, place, from).await? {
        let Some(i) = month_of(&starts, on) else {
            continue;
        };
        if late == Some(true) {
            r.done_late += 1;
            months[i].resolutions_done_late += 1;
        } else {
            r.done_on_time += 1;
            months[i].resolutions_done_on_time += 1;
        }
        if let Some(d) = days {
            took.push(d);
        }
    }
    r.on_time_permille = permille(r.done_on_time, r.done_on_time + r.done_late);
    r.median_days_to_done = rules::median(&mut took);
    (r.open, r.overdue) = store_s::resolutions_open(store, place, today).await?;

    // Requests received within the months, from the daily tallies; those still unanswered past
    // their deadline are counted due where they came.
    let now = Utc::now();
    let mut q = RequestFigures::default();
    for (on, received, answered, in_time) in store_s::request_days(store, place, from).await? {
        let Some(i) = month_of(&starts, on) else {
            continue;
        };
        q.received += received;
        q.answered += answered;
        q.answered_in_time += in_time;
        q.due += answered;
        let m = &mut months[i];
        m.requests_received += received;
        m.requests_answered_in_time += in_time;
        m.requests_due += answered;
    }
    let bounds: Vec<chrono::DateTime<Utc>> = starts.iter().map(|&d| midnight(d)).collect();
    for (i, n) in store_s::requests_open_late(store, place, &bounds, now).await? {
        if let Some(m) = usize::try_from(i).ok().and_then(|i| months.get_mut(i)) {
            q.due += n;
            m.requests_due += n;
        }
    }
    q.in_time_permille = permille(q.answered_in_time, q.due);
    q.median_response_hours =
        rules::median_of_histogram(&store_s::response_hours(store, place, from).await?);
    q.overdue_now = store_s::requests_overdue(store, place, now).await?;

    // Challenges.
    let mut c = ChallengeFigures::default();
    for (domain, status, count) in store_s::challenges(store, place).await? {
        let i = match c.by_domain.iter().position(|d| d.domain == domain) {
            Some(i) => i,
            None => {
                c.by_domain.push(DomainFigures {
                    domain,
                    open: 0,
                    solved: 0,
                    rejected: 0,
                });
                c.by_domain.len() - 1
            }
        };
        let d = &mut c.by_domain[i];
        match status.as_str() {
            "solved" => d.solved += count,
            "rejected" => d.rejected += count,
            _ => d.open += count,
        }
    }
    c.by_domain.sort_by(|a, b| {
        (b.open + b.solved)
            .cmp(&(a.open + a.solved))
            .then(a.domain.cmp(&b.domain))
    });
    c.open = c.by_domain.iter().map(|d| d.open).sum();
    c.solved = c.by_domain.iter().map(|d| d.solved).sum();
    let mut solved = vec![0; months.len()];
    for (d, n) in store_s::challenges_solved(store, place, from).await? {
        if let Some(i) = month_of(&starts, d) {
            solved[i] += n;
        }
    }
    for (m, s) in months.iter_mut().zip(&solved) {
        m.challenges_solved = *s;
    }
    c.solved_in_months = solved.iter().sum();

    // Projects.
    let mut p = ProjectFigures::default();
    for (status, count, behind) in store_s::projects(store, place, today).await? {
        match ProjectStatus::parse(&status) {
            Some(ProjectStatus::Planned | ProjectStatus::UnderWay) => {
                p.on_plan += count - behind;
                p.behind += behind;
            }
            Some(ProjectStatus::Suspended) => p.suspended += count,
            Some(ProjectStatus::Done) => p.done += count,
            Some(ProjectStatus::Cancelled) | None => p.cancelled += count,
        }
    }
    let done = per_month(&starts, store_s::projects_done(store, place, from).await?);
    for (m, d) in months.iter_mut().zip(&done) {
        m.projects_done = *d;
    }
    p.done_in_months = done.iter().sum();

    let neighborhood_id = match place {
        Place::Neighborhood(n) => Some(n),
        Place::District(_) => None,
    };
    Ok(Scorecard {
        district_id,
        neighborhood_id,
        today,
        resolutions: r,
        requests: q,
        challenges: c,
        projects: p,
        months,
    })
}
