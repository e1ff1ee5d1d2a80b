//! Meetings (جلسات و نشست‌ها): Social HQ sessions, supervisory visits, think-tanks, council and
//! people's meetings, with their agenda and attendees.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::meetings::{Attendance, Party};
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

/// A meeting with the follow-up state of its resolutions.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Meeting {
    pub id: i64,
    /// hq_session, supervisory_visit, think_tank, council_meeting or peoples_meeting
    pub kind: String,
    pub body_id: i64,
    pub body_name_fa: String,
    pub body_name_en: String,
    pub jalali_year: i64,
    pub session_number: i64,
    pub title: String,
    pub chair_person_id: Option<i64>,
    pub chair_name_fa: Option<String>,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub minutes: String,
    pub resolutions: i64,
    pub done: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct AgendaItem {
    pub id: i64,
    pub position: i64,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Attendee {
    pub id: i64,
    pub person_id: Option<i64>,
    pub person_name_fa: Option<String>,
    pub organisation_id: Option<i64>,
    pub organisation_name_fa: Option<String>,
    pub organisation_name_en: Option<String>,
    pub present: bool,
    /// At a supervisory visit: `visitor` or `host`.
    pub side: Option<String>,
}

pub const MEETING_SORTS: &[&str] = &["date", "number", "overdue"];

/// `$1` is today (for the overdue count).
const SELECT: &str = "SELECT m.id, m.kind, m.body_id, b.name_fa AS body_name_fa, b.name_en AS body_name_en, m.jalali_year, \
     m.session_number, m.title, m.chair_person_id, p.full_name_fa AS chair_name_fa, m.place, m.starts_at, m.district_id, \
     m.neighborhood_id, m.minutes, \
     (SELECT COUNT(*) FROM resolutions r WHERE r.meeting_id = m.id) AS resolutions, \
     (SELECT COUNT(*) FROM resolutions r WHERE r.meeting_id = m.id AND r.status = 'done') AS done, \
     (SELECT COUNT(*) FROM resolutions r WHERE r.meeting_id = m.id AND r.status IN ('approved','in_progress') AND r.deadline < $1) AS overdue \
     FROM meetings m JOIN organisations b ON b.id = m.body_id LEFT JOIN people p ON p.id = m.chair_person_id";

#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub kind: Option<String>,
    /// Held by this body.
    pub body_id: Option<i64>,
    pub district_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

fn filter(s: &mut Sql, f: &MeetingFilter, l: &Listing) {
    s.push(" WHERE 1=1");
    if let Some(k) = &f.kind {
        s.push(" AND m.kind = ").arg(k.as_str());
    }
    if let Some(d) = f.district_id {
        s.push(" AND m.district_id = ").arg(d);
    }
    if let Some(b) = f.body_id {
        s.push(" AND m.body_id = ").arg(b);
    }
    if let Some(t) = f.from {
        s.push(" AND m.starts_at >= ").arg(t);
    }
    if let Some(t) = f.until {
        s.push(" AND m.starts_at < ").arg(t);
    }
    s.search("m.search_key", &l.terms);
}

pub async fn list(
    store: &Store,
    f: &MeetingFilter,
    l: &Listing,
    today: NaiveDate,
) -> Result<Paged<Meeting>> {
    let mut count = Sql::new("SELECT COUNT(*) FROM meetings m");
    filter(&mut count, f, l);
    let mut sql = Sql::new(SELECT);
    sql.args.push(today.into());
    filter(&mut sql, f, l);
    let total = store.scalar(&count).await?;
    let order = match l.sort {
        "number" => "m.session_number",
        "overdue" => "overdue",
        _ => "m.starts_at",
    };
    // Newest first unless asked otherwise: the latest session is what people look for.
    let desc = if l.sort == "date" { !l.desc } else { l.desc };
    sql.page(order, "m.id", desc, l.per_page, l.offset());
    let items = store.fetch_all(&sql).await?;
    Ok(Paged {
        items,
        total,
        page: l.page,
        per_page: l.per_page,
    })
}

pub async fn get(store: &Store, id: i64, today: NaiveDate) -> Result<Meeting> {
    let mut sql = Sql::new(SELECT);
    sql.args.push(today.into());
    sql.push(" WHERE m.id = ").arg(id);
    store.fetch_one(&sql).await
}

pub async fn agenda(store: &Store, meeting_id: i64) -> Result<Vec<AgendaItem>> {
    store
        .fetch_all(
            &Sql::new("SELECT id, position, title FROM agenda_items WHERE meeting_id = $1 ORDER BY position").bind(meeting_id),
        )
        .await
}

pub async fn attendees(store: &Store, meeting_id: i64) -> Result<Vec<Attendee>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT a.id, a.person_id, p.full_name_fa AS person_name_fa, a.organisation_id, o.name_fa AS organisation_name_fa, \
                 o.name_en AS organisation_name_en, a.present, a.side FROM meeting_attendees a LEFT JOIN people p ON p.id = a.person_id \
                 LEFT JOIN organisations o ON o.id = a.organisation_id WHERE a.meeting_id = $1 ORDER BY a.id",
            )
            .bind(meeting_id),
        )
        .await
}

/// The next free session number of a body in a Jalali year.
pub async fn next_session_number(store: &Store, body_id: i64, jalali_year: i64) -> Result<i64> {
    store
        .scalar(
            &Sql::new("SELECT COALESCE(MAX(session_number), 0) + 1 FROM meetings WHERE body_id = $1 AND jalali_year = $2")
                .bind(body_id)
                .bind(jalali_year),
        )
        .await
}

pub struct NewMeeting<'a> {
    pub kind: &'a str,
    pub body_id: i64,
    pub jalali_year: i64,
    pub session_number: i64,
    pub title: &'a str,
    pub chair_person_id: Option<i64>,
    pub place: &'a str,
    pub starts_at: DateTime<Utc>,
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub minutes: &'a str,
    pub agenda: &'a [String],
    /// (organisation, present)
    pub organisations: &'a [(i64, bool)],
    /// (person, present)
    pub people: &'a [(i64, bool)],
    pub created_by: Option<i64>,
}

/// Creates a meeting with its agenda and invited people and organisations; returns its id.
pub async fn create(tx: &mut Tx, m: &NewMeeting<'_>) -> Result<i64> {
    let key = search_key(&format!(
        "{} {} {} {}",
        m.title, m.place, m.jalali_year, m.session_number
    ));
    let id = tx
        .scalar(
            &Sql::new(
                "INSERT INTO meetings (kind, body_id, jalali_year, session_number, title, chair_person_id, place, starts_at, \
                 district_id, neighborhood_id, minutes, search_key, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            )
            .bind(m.kind)
            .bind(m.body_id)
            .bind(m.jalali_year)
            .bind(m.session_number)
            .bind(m.title)
            .bind(m.chair_person_id)
            .bind(m.place)
            .bind(m.starts_at)
            .bind(m.district_id)
            .bind(m.neighborhood_id)
            .bind(m.minutes)
            .bind(key)
            .bind(m.created_by)
            .bind(Utc::now()),
        )
        .await?;
    for (i, title) in m.agenda.iter().enumerate() {
        tx.execute(
            &Sql::new("INSERT INTO agenda_items (meeting_id, position, title) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(i as i64 + 1)
                .bind(title.as_str()),
        )
        .await?;
    }
    for &(org, present) in m.organisations {
        tx.execute(
            &Sql::new("INSERT INTO meeting_attendees (meeting_id, organisation_id, present) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(org)
                .bind(present),
        )
        .await?;
    }
    for &(person, present) in m.people {
        tx.execute(
            &Sql::new("INSERT INTO meeting_attendees (meeting_id, person_id, present) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(person)
                .bind(present),
        )
        .await?;
    }
    Ok(id)
}

/// A meeting's chair and attendance as recorded now, read inside `tx` (for the audit log's
/// "before" and for [`mahalle_core::meetings::decide_attendance`]).
pub async fn attendance(tx: &mut Tx, id: i64) -> Result<Attendance> {
    let (chair_person_id,): (Option<i64>,) = tx
        .fetch_one(&Sql::new("SELECT chair_person_id FROM meetings WHERE id = $1").bind(id))
        .await?;
    let rows: Vec<(Option<i64>, Option<i64>, bool)> = tx
        .fetch_all(
            &Sql::new(
                "SELECT person_id, organisation_id, present FROM meeting_attendees WHERE meeting_id = $1 ORDER BY id",
            )
            .bind(id),
        )
        .await?;
    let mut a = Attendance {
        chair_person_id,
        ..Default::default()
    };
    for (person, org, present) in rows {
        let party = match (person, org) {
            (Some(p), _) => Party::Person(p),
            (None, Some(o)) => Party::Organisation(o),
            (None, None) => continue,
        };
        if !a.invited.contains(&party) {
            a.invited.push(party);
        }
        if present {
            a.present.insert(party);
        }
    }
    Ok(a)
}

/// Records `new` (decided by [`mahalle_core::meetings::decide_attendance`] from `old`, read in
/// the same transaction): the chair, new invitees, and who was present.
pub async fn set_attendance(
    tx: &mut Tx,
    id: i64,
    old: &Attendance,
    new: &Attendance,
) -> Result<()> {
    if old.chair_person_id != new.chair_person_id {
        tx.execute(
            &Sql::new("UPDATE meetings SET chair_person_id = $1 WHERE id = $2")
                .bind(new.chair_person_id)
                .bind(id),
        )
        .await?;
    }
    for party in &new.invited {
        let present = new.is_present(*party);
        let (column, pid) = match *party {
            Party::Person(p) => ("person_id", p),
            Party::Organisation(o) => ("organisation_id", o),
        };
        if old.invited.contains(party) {
            if old.is_present(*party) != present {
                tx.execute(
                    &Sql::new(&format!(
                        "UPDATE meeting_attendees SET present = $1 WHERE meeting_id = $2 AND {column} = $3"
                    ))
                    .bind(present)
                    .bind(id)
                    .bind(pid),
                )
                .await?;
            }
        } else {
            tx.execute(
                &Sql::new(&format!(
                    "INSERT INTO meeting_attendees (meeting_id, {column}, present) VALUES ($1, $2, $3)"
                ))
                .bind(id)
                .bind(pid)
                .bind(present),
            )
            .await?;
        }
    }
    Ok(())
}

/// A meeting's title, place and start as they were before a change (for the audit log).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Details {
    pub title: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
}

/// Changes a meeting's title, place and start (its number and body stay); returns what they
/// were.
pub async fn set_details(tx: &mut Tx, id: i64, new: &Details) -> Result<Details> {
    let (old, year, session): (Details, i64, i64) = {
        let row: (String, String, DateTime<Utc>, i64, i64) = tx
            .fetch_one(
                &Sql::new(
                    "SELECT title, place, starts_at, jalali_year, session_number FROM meetings WHERE id = $1",
                )
                .bind(id),
            )
            .await?;
        (
            Details {
                title: row.0,
                place: row.1,
                starts_at: row.2,
            },
            row.3,
            row.4,
        )
    };
    tx.execute(
        &Sql::new(
            "UPDATE meetings SET title = $1, place = $2, starts_at = $3, search_key = $4 WHERE id = $5",
        )
        .bind(new.title.as_str())
        .bind(new.place.as_str())
        .bind(new.starts_at)
        .bind(search_key(&format!(
            "{} {} {year} {session}",
            new.title, new.place
        )))
        .bind(id),
    )
    .await?;
    Ok(old)
}

/// Replaces the minutes text; returns the previous text, which goes to the audit log.
pub async fn set_minutes(tx: &mut Tx, id: i64, minutes: &str) -> Result<String> {
    let (old,): (String,) = tx
        .fetch_one(&Sql::new("SELECT minutes FROM meetings WHERE id = $1").bind(id))
        .await?;
    tx.execute(
        &Sql::new("UPDATE meetings SET minutes = $1 WHERE id = $2")
            .bind(minutes)
            .bind(id),
    )
    .await?;
    Ok(old)
}

/// Bodies of these kinds that have held meetings: (id, kind, Persian name, English name, number
/// of meetings).
pub async fn bodies_with_meetings(
    store: &Store,
    kinds: &[mahalle_core::org::OrgKind],
) -> Result<Vec<(i64, String, String, String, i64)>> {
    let mut sql = Sql::new(
        "SELECT o.id, o.kind, o.name_fa, o.name_en, COUNT(m.id) AS meetings FROM organisations o \
         JOIN meetings m ON m.body_id = o.id WHERE o.kind IN (",
    );
    for (i, k) in kinds.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.arg(k.as_str());
    }
    if kinds.is_empty() {
        sql.push("NULL");
    }
    sql.push(") GROUP BY o.id, o.kind, o.name_fa, o.name_en");
    store.fetch_all(&sql).await
}

/// Creation time and agenda item (in order; none gives one row with NULL) of each meeting of a
/// body that starts in [from, until), in one query.
pub async fn created_and_agenda(
    store: &Store,
    body_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(i64, DateTime<Utc>, Option<String>)>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT m.id, m.created_at, a.title FROM meetings m LEFT JOIN agenda_items a ON a.meeting_id = m.id \
                 WHERE m.body_id = $1 AND m.starts_at >= $2 AND m.starts_at < $3 ORDER BY m.id, a.position",
            )
            .bind(body_id)
            .bind(from)
            .bind(until),
        )
        .await
}
