//! Terms (دوره), memberships (person × body × role × term) and neighborhood pillars.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Term {
    pub id: i64,
    pub body_id: i64,
    pub number: i64,
    pub starts_on: NaiveDate,
    /// Planned end, or the day it was closed.
    pub ends_on: Option<NaiveDate>,
    /// When it was closed (its members moved to history); open terms have none.
    pub closed_on: Option<NaiveDate>,
    pub seats: i64,
    pub alternates: i64,
    /// The election that filled it, once its results are recorded.
    pub election_on: Option<NaiveDate>,
    pub ballots: Option<i64>,
}

impl Term {
    pub fn dates(&self) -> mahalle_core::councils::TermDates {
        mahalle_core::councils::TermDates {
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            closed_on: self.closed_on,
        }
    }
}

/// A member of a body in a term, with the person's name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Member {
    pub id: i64,
    pub person_id: i64,
    pub full_name_fa: String,
    pub full_name_en: String,
    /// chair, vice_chair, secretary, member or alternate
    pub role: String,
    pub term_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub thanked_on: Option<NaiveDate>,
    /// Why they left before the term ended: resigned, removed or deceased.
    pub departure: Option<String>,
    pub departure_note: String,
    /// An alternate's place in line (1 first).
    pub alternate_rank: Option<i64>,
}

/// A membership seen from the person: which body, which term.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PersonMembership {
    pub id: i64,
    pub body_id: i64,
    pub body_name_fa: String,
    pub body_name_en: String,
    pub role: String,
    pub term_number: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub thanked_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Pillar {
    pub id: i64,
    pub neighborhood_id: i64,
    pub neighborhood_name_fa: String,
    pub neighborhood_name_en: String,
    pub person_id: i64,
    pub full_name_fa: String,
    pub full_name_en: String,
    /// manager, trustee, imam, people_group or elite
    pub kind: String,
    pub title: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    /// The partner place they serve (an imam's mosque).
    pub partner_place_id: Option<i64>,
}

pub async fn terms_of(store: &Store, body_id: i64) -> Result<Vec<Term>> {
    store
        .fetch_all(
            &Sql::new("SELECT id, body_id, number, starts_on, ends_on, closed_on, seats, alternates, election_on, ballots FROM terms WHERE body_id = $1 ORDER BY number DESC")
                .bind(body_id),
        )
        .await
}

const MEMBER_SELECT: &str =
    "SELECT m.id, m.person_id, p.full_name_fa, p.full_name_en, m.role, m.term_id, m.starts_on, \
     m.ends_on, m.thanked_on, m.departure, m.departure_note, m.alternate_rank FROM memberships m \
     JOIN people p ON p.id = m.person_id";

/// Members of a body in one term, officers first.
pub async fn members_of(store: &Store, body_id: i64, term_id: Option<i64>) -> Result<Vec<Member>> {
    let mut sql = Sql::new(MEMBER_SELECT);
    sql.push(" WHERE m.body_id = ").arg(body_id);
    match term_id {
        Some(t) => sql.push(" AND m.term_id = ").arg(t),
        None => sql.push(" AND m.term_id IS NULL"),
    };
    sql.push(
        " ORDER BY CASE m.role WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 WHEN 'secretary' THEN 2 \
         WHEN 'member' THEN 3 ELSE 4 END, m.alternate_rank, p.sort_key, m.id LIMIT 500",
    );
    store.fetch_all(&sql).await
}

/// A body's term with its members, as pages and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TermMembers {
    #[serde(flatten)]
    pub term: Term,
    /// Whether `today` falls in the term.
    pub current: bool,
    pub members: Vec<Member>,
}

/// Every term of a body, newest first, each with its members (officers first), in two queries.
pub async fn terms_with_members(
    store: &Store,
    body_id: i64,
    today: NaiveDate,
) -> Result<Vec<TermMembers>> {
    let terms = terms_of(store, body_id).await?;
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(MEMBER_SELECT);
    sql.push(" WHERE m.body_id = ").arg(body_id).push(
        " AND m.term_id IS NOT NULL ORDER BY CASE m.role WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 \
         WHEN 'secretary' THEN 2 WHEN 'member' THEN 3 ELSE 4 END, m.alternate_rank, p.sort_key, m.id",
    );
    let mut members: Vec<Member> = store.fetch_all(&sql).await?;
    Ok(terms
        .into_iter()
        .map(|term| {
            let (mine, rest) = members.drain(..).partition(|m| m.term_id == Some(term.id));
            members = rest;
            TermMembers {
                current: mahalle_core::councils::term_is_current(
                    term.starts_on,
                    term.ends_on,
                    today,
                ),
                members: mine,
                term,
            }
        })
        .collect())
}

pub async fn memberships_of_person(store: &Store, person_id: i64) -> Result<Vec<PersonMembership>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT m.id, m.body_id, o.name_fa AS body_name_fa, o.name_en AS body_name_en, m.role, t.number AS term_number, \
                 m.starts_on, m.ends_on, m.thanked_on FROM memberships m JOIN organisations o ON o.id = m.body_id \
                 LEFT JOIN terms t ON t.id = m.term_id WHERE m.person_id = $1 ORDER BY m.starts_on DESC, m.id LIMIT 500",
            )
            .bind(person_id),
        )
        .await
}

const PILLAR_SELECT: &str = "SELECT pl.id, pl.neighborhood_id, n.name_fa AS neighborhood_name_fa, n.name_en AS neighborhood_name_en, \
     pl.person_id, p.full_name_fa, p.full_name_en, pl.kind, pl.title, pl.since, pl.until, pl.partner_place_id FROM pillars pl \
     JOIN people p ON p.id = pl.person_id JOIN neighborhoods n ON n.id = pl.neighborhood_id";

/// Current and past pillars of a neighborhood, by kind.
pub async fn pillars_of(store: &Store, neighborhood_id: i64) -> Result<Vec<Pillar>> {
    let mut sql = Sql::new(PILLAR_SELECT);
    sql.push(" WHERE pl.neighborhood_id = ").arg(neighborhood_id).push(
        " ORDER BY CASE pl.kind WHEN 'manager' THEN 0 WHEN 'trustee' THEN 1 WHEN 'imam' THEN 2 \
         WHEN 'people_group' THEN 3 ELSE 4 END, p.sort_key, pl.id LIMIT 500",
    );
    store.fetch_all(&sql).await
}

pub async fn pillars_of_person(store: &Store, person_id: i64) -> Result<Vec<Pillar>> {
    let mut sql = Sql::new(PILLAR_SELECT);
    sql.push(" WHERE pl.person_id = ")
        .arg(person_id)
        .push(" ORDER BY pl.since DESC, pl.id LIMIT 500");
    store.fetch_all(&sql).await
}

/// People currently sitting on a neighborhood council (membership without an end, or ending later).
pub async fn count_current_council_members(store: &Store, today: NaiveDate) -> Result<i64> {
    store
        .scalar(
            &Sql::new(
                "SELECT COUNT(*) FROM memberships m JOIN organisations o ON o.id = m.body_id \
                 WHERE o.kind = 'neighborhood_council' AND m.starts_on <= $1 AND (m.ends_on IS NULL OR m.ends_on > $1)",
            )
            .bind(today),
        )
        .await
}

/// Inserts or updates (by body and number) a term, for loaders; `closed_on` for one that ended.
pub async fn upsert_term(
    tx: &mut Tx,
    body_id: i64,
    number: i64,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO terms (body_id, number, starts_on, ends_on, closed_on) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (body_id, number) DO UPDATE SET starts_on = excluded.starts_on, ends_on = excluded.ends_on, \
             closed_on = excluded.closed_on RETURNING id",
        )
        .bind(body_id)
        .bind(number)
        .bind(starts_on)
        .bind(ends_on)
        .bind(closed_on),
    )
    .await
}

pub struct NewMembership {
    pub person_id: i64,
    pub body_id: i64,
    pub role: &'static str,
    pub term_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub thanked_on: Option<NaiveDate>,
    /// For an alternate: their place in line.
    pub alternate_rank: Option<i64>,
}

pub async fn upsert_membership(tx: &mut Tx, m: &NewMembership) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO memberships (person_id, body_id, role, term_id, starts_on, ends_on, thanked_on, alternate_rank) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (person_id, body_id, role, term_id) DO UPDATE SET \
             starts_on = excluded.starts_on, ends_on = excluded.ends_on, thanked_on = excluded.thanked_on, \
             alternate_rank = excluded.alternate_rank RETURNING id",
        )
        .bind(m.person_id)
        .bind(m.body_id)
        .bind(m.role)
        .bind(m.term_id)
        .bind(m.starts_on)
        .bind(m.ends_on)
        .bind(m.thanked_on)
        .bind(m.alternate_rank),
    )
    .await
}

pub struct NewPillar<'a> {
    pub neighborhood_id: i64,
    pub person_id: i64,
    pub kind: &'static str,
    pub title: &'a str,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// Whether a person serves as this pillar of this neighborhood now (not ended).
pub async fn pillar_is_active(
    tx: &mut Tx,
    neighborhood: i64,
    person: i64,
    kind: &str,
) -> Result<bool> {
    Ok(tx
        .scalar(
            &Sql::new(
                "SELECT COUNT(*) FROM pillars WHERE neighborhood_id = $1 AND person_id = $2 AND kind = $3 AND until IS NULL",
            )
            .bind(neighborhood)
            .bind(person)
            .bind(kind),
        )
        .await?
        > 0)
}

pub async fn upsert_pillar(tx: &mut Tx, p: &NewPillar<'_>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO pillars (neighborhood_id, person_id, kind, title, since, until) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (neighborhood_id, person_id, kind) DO UPDATE SET title = excluded.title, since = excluded.since, \
             until = excluded.until RETURNING id",
        )
        .bind(p.neighborhood_id)
        .bind(p.person_id)
        .bind(p.kind)
        .bind(p.title)
        .bind(p.since)
        .bind(p.until),
    )
    .await
}

// ---------------------------------------------------------------- terms and elections

const TERM_SELECT: &str = "SELECT id, body_id, number, starts_on, ends_on, closed_on, seats, alternates, election_on, ballots FROM terms";

pub async fn get_term(store: &Store, id: i64) -> Result<Term> {
    store
        .fetch_one(&Sql::new(&format!("{TERM_SELECT} WHERE id = $1")).bind(id))
        .await
}

/// A body's latest term, if it has had one.
pub async fn latest_term(store: &Store, body_id: i64) -> Result<Option<Term>> {
    store
        .fetch_optional(
            &Sql::new(&format!(
                "{TERM_SELECT} WHERE body_id = $1 ORDER BY number DESC LIMIT 1"
            ))
            .bind(body_id),
        )
        .await
}

/// Opens a term after the body's latest (numbered next); returns its id.
pub async fn create_term(
    tx: &mut Tx,
    body_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    seats: i64,
    alternates: i64,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO terms (body_id, number, starts_on, ends_on, seats, alternates) \
             SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4, $5 FROM terms WHERE body_id = $1 RETURNING id",
        )
        .bind(body_id)
        .bind(starts_on)
        .bind(ends_on)
        .bind(seats)
        .bind(alternates),
    )
    .await
}

/// Closes a term on `on`: it ends then, and so does every membership still running in it.
pub async fn close_term(tx: &mut Tx, term_id: i64, on: NaiveDate) -> Result<u64> {
    tx.execute(
        &Sql::new("UPDATE terms SET closed_on = $2, ends_on = $2 WHERE id = $1")
            .bind(term_id)
            .bind(on),
    )
    .await?;
    tx.execute(
        &Sql::new("UPDATE memberships SET ends_on = $2 WHERE term_id = $1 AND (ends_on IS NULL OR ends_on > $2)")
            .bind(term_id)
            .bind(on),
    )
    .await
}

/// One candidate of a term's election, with their name and what the election gave them.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CandidateRow {
    pub person_id: i64,
    pub full_name_fa: String,
    pub full_name_en: String,
    pub votes: i64,
    pub lot: Option<i64>,
    /// elected, alternate or not_elected
    pub outcome: String,
    pub alternate_rank: Option<i64>,
}

pub async fn candidates_of(store: &Store, term_id: i64) -> Result<Vec<CandidateRow>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT c.person_id, p.full_name_fa, p.full_name_en, c.votes, c.lot, c.outcome, c.alternate_rank \
                 FROM election_candidates c JOIN people p ON p.id = c.person_id WHERE c.term_id = $1 \
                 ORDER BY c.votes DESC, c.lot, c.id LIMIT 1000",
            )
            .bind(term_id),
        )
        .await
}

/// How many memberships a term has (results are recorded into a term without any).
pub async fn member_count(store: &Store, term_id: i64) -> Result<i64> {
    store
        .scalar(&Sql::new("SELECT COUNT(*) FROM memberships WHERE term_id = $1").bind(term_id))
        .await
}

/// One recorded candidate: (person, votes, lot, outcome, alternate's rank).
pub type ElectedRow = (i64, i64, Option<i64>, &'static str, Option<i64>);

/// Records an election's results and seats its members and alternates from the term's start.
pub async fn record_election(
    tx: &mut Tx,
    term: &Term,
    election_on: NaiveDate,
    ballots: i64,
    rows: &[ElectedRow],
) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE terms SET election_on = $2, ballots = $3 WHERE id = $1")
            .bind(term.id)
            .bind(election_on)
            .bind(ballots),
    )
    .await?;
    for &(person, votes, lot, outcome, rank) in rows {
        tx.execute(
            &Sql::new(
                "INSERT INTO election_candidates (term_id, person_id, votes, lot, outcome, alternate_rank) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(term.id)
            .bind(person)
            .bind(votes)
            .bind(lot)
            .bind(outcome)
            .bind(rank),
        )
        .await?;
        let role = match outcome {
            "elected" => "member",
            "alternate" => "alternate",
            _ => continue,
        };
        tx.execute(
            &Sql::new(
                "INSERT INTO memberships (person_id, body_id, role, term_id, starts_on, alternate_rank) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(person)
            .bind(term.body_id)
            .bind(role)
            .bind(term.id)
            .bind(term.starts_on)
            .bind(rank),
        )
        .await?;
    }
    Ok(())
}

pub async fn get_member(store: &Store, id: i64) -> Result<Member> {
    let mut sql = Sql::new(MEMBER_SELECT);
    sql.push(" WHERE m.id = ").arg(id);
    store.fetch_one(&sql).await
}

/// The body a membership belongs to.
pub async fn body_of_membership(store: &Store, id: i64) -> Result<i64> {
    store
        .scalar(&Sql::new("SELECT body_id FROM memberships WHERE id = $1").bind(id))
        .await
}

/// Members sitting in a term on `on` (officers, members and alternates).
pub async fn sitting(store: &Store, term_id: i64, on: NaiveDate) -> Result<Vec<Member>> {
    let mut sql = Sql::new(MEMBER_SELECT);
    sql.push(" WHERE m.term_id = ")
        .arg(term_id)
        .push(" AND m.starts_on <= ")
        .arg(on)
        .push(" AND (m.ends_on IS NULL OR m.ends_on > ")
        .arg(on)
        .push(") ORDER BY m.alternate_rank, m.id");
    store.fetch_all(&sql).await
}

pub async fn set_role(tx: &mut Tx, membership_id: i64, role: &str) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE memberships SET role = $2 WHERE id = $1")
            .bind(membership_id)
            .bind(role),
    )
    .await?;
    Ok(())
}

/// Ends a member's service early, with why.
pub async fn depart(
    tx: &mut Tx,
    membership_id: i64,
    on: NaiveDate,
    departure: &str,
    note: &str,
) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE memberships SET ends_on = $2, departure = $3, departure_note = $4 WHERE id = $1")
            .bind(membership_id)
            .bind(on)
            .bind(departure)
            .bind(note),
    )
    .await?;
    Ok(())
}

/// The first alternate takes the vacant seat on `on`: their alternate's place ends and a
/// member's begins. Returns the new membership's id.
pub async fn seat_alternate(
    tx: &mut Tx,
    alternate: &Member,
    body_id: i64,
    on: NaiveDate,
) -> Result<i64> {
    tx.execute(
        &Sql::new("UPDATE memberships SET ends_on = $2 WHERE id = $1")
            .bind(alternate.id)
            .bind(on),
    )
    .await?;
    tx.scalar(
        &Sql::new(
            "INSERT INTO memberships (person_id, body_id, role, term_id, starts_on) VALUES ($1, $2, 'member', $3, $4) RETURNING id",
        )
        .bind(alternate.person_id)
        .bind(body_id)
        .bind(alternate.term_id)
        .bind(on),
    )
    .await
}

/// A neighborhood council with its latest term, for the city's list of councils.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CouncilRow {
    pub body_id: i64,
    pub name_fa: String,
    pub name_en: String,
    pub neighborhood_id: i64,
    pub district_id: i64,
    pub district_number: i64,
    pub term_id: Option<i64>,
    pub term_number: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub election_on: Option<NaiveDate>,
    /// Members and alternates sitting today in the latest term.
    pub sitting: i64,
    /// Of those, members (not alternates) whose onboarding is complete.
    pub onboarded: i64,
    /// Former members whose service ended and who have not been thanked yet.
    pub awaiting_thanks: i64,
}

/// Current neighborhood councils (of one district, or all), each with its latest term.
pub async fn councils(
    store: &Store,
    district: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<CouncilRow>> {
    let mut sql = Sql::new(
        "SELECT o.id AS body_id, o.name_fa, o.name_en, n.id AS neighborhood_id, n.district_id, d.number AS district_number, \
         t.id AS term_id, t.number AS term_number, t.starts_on, t.ends_on, t.closed_on, t.election_on, \
         (SELECT COUNT(*) FROM memberships m WHERE m.term_id = t.id AND m.starts_on <= ",
    );
    sql.arg(today)
        .push(" AND (m.ends_on IS NULL OR m.ends_on > ")
        .arg(today)
        .push(
            ")) AS sitting, (SELECT COUNT(*) FROM onboarding ob JOIN memberships m ON m.id = ob.membership_id \
             WHERE m.term_id = t.id AND m.role <> 'alternate' AND ob.orientation_on IS NOT NULL AND ob.user_id IS NOT NULL \
             AND ob.contact_verified_on IS NOT NULL AND (m.ends_on IS NULL OR m.ends_on > ",
        )
        .arg(today)
        .push(
            ")) AS onboarded, (SELECT COUNT(*) FROM memberships m WHERE m.body_id = o.id AND m.thanked_on IS NULL \
             AND m.ends_on <= ",
        )
        .arg(today)
        .push(
            ") AS awaiting_thanks FROM organisations o JOIN neighborhoods n ON n.id = o.neighborhood_id \
             JOIN districts d ON d.id = n.district_id \
             LEFT JOIN terms t ON t.body_id = o.id AND t.number = (SELECT MAX(number) FROM terms t2 WHERE t2.body_id = o.id) \
             WHERE o.kind = 'neighborhood_council' AND o.retired_on IS NULL AND n.retired_on IS NULL",
        );
    if let Some(d) = district {
        sql.push(" AND n.district_id = ").arg(d);
    }
    sql.push(" ORDER BY d.number, n.sort_key, o.id LIMIT 5000");
    store.fetch_all(&sql).await
}

/// Records (or, for loaders, re-records) an election's date, ballots and one candidate's result
/// without seating anyone: for terms whose memberships are loaded as they are.
pub async fn upsert_candidate(
    tx: &mut Tx,
    term_id: i64,
    election_on: NaiveDate,
    ballots: i64,
    row: ElectedRow,
) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE terms SET election_on = $2, ballots = $3 WHERE id = $1")
            .bind(term_id)
            .bind(election_on)
            .bind(ballots),
    )
    .await?;
    let (person, votes, lot, outcome, rank) = row;
    tx.execute(
        &Sql::new(
            "INSERT INTO election_candidates (term_id, person_id, votes, lot, outcome, alternate_rank) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (term_id, person_id) DO UPDATE SET votes = excluded.votes, lot = excluded.lot, outcome = excluded.outcome, \
             alternate_rank = excluded.alternate_rank",
        )
        .bind(term_id)
        .bind(person)
        .bind(votes)
        .bind(lot)
        .bind(outcome)
        .bind(rank),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- term change

/// A recognition (تقدیر) as its certificate shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Recognition {
    pub id: i64,
    pub person_id: i64,
    pub full_name_fa: String,
    pub full_name_en: String,
    /// female, male or unspecified (for the certificate's form of address)
    pub gender: String,
    pub membership_id: Option<i64>,
    pub district_id: Option<i64>,
    pub reason: String,
    pub given_on: NaiveDate,
    pub certificate_no: String,
    /// council_service, staff or volunteer
    pub kind: String,
    /// Who gives it, as the certificate names them (empty: the district's mayor).
    pub giver: String,
    /// The supervisory visit it was given at.
    pub meeting_id: Option<i64>,
}

pub(crate) const RECOGNITION_SELECT: &str =
    "SELECT r.id, r.person_id, p.full_name_fa, p.full_name_en, p.gender, r.membership_id, \
     r.district_id, r.reason, r.given_on, r.certificate_no, r.kind, r.giver, r.meeting_id \
     FROM recognitions r JOIN people p ON p.id = r.person_id";

pub async fn recognition(store: &Store, id: i64) -> Result<Recognition> {
    store
        .fetch_one(&Sql::new(&format!("{RECOGNITION_SELECT} WHERE r.id = $1")).bind(id))
        .await
}

/// Recognitions of a body's members, by membership, for its page.
pub async fn recognitions_of_body(store: &Store, body_id: i64) -> Result<Vec<(i64, i64)>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT r.membership_id, r.id FROM recognitions r JOIN memberships m ON m.id = r.membership_id \
                 WHERE m.body_id = $1",
            )
            .bind(body_id),
        )
        .await
}

/// What a new recognition is: who, for which membership, in which district's name, why, when.
pub struct NewRecognition<'a> {
    pub person_id: i64,
    pub membership_id: Option<i64>,
    pub district_id: Option<i64>,
    pub reason: &'a str,
    pub given_on: NaiveDate,
    pub given_by: Option<i64>,
    /// council_service, staff or volunteer
    pub kind: &'a str,
    pub giver: &'a str,
    pub meeting_id: Option<i64>,
}

/// Records a recognition, numbers its certificate with `number(id)`, and marks the membership
/// thanked. Returns (id, certificate number), or `None` when the membership has one already.
pub async fn give_recognition(
    tx: &mut Tx,
    r: &NewRecognition<'_>,
    number: impl Fn(i64) -> String,
) -> Result<Option<(i64, String)>> {
    let id: Option<(i64,)> = tx
        .fetch_optional(
            &Sql::new(
                "INSERT INTO recognitions (person_id, membership_id, district_id, reason, given_on, given_by, certificate_no, created_at, \
                 kind, giver, meeting_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (membership_id) DO NOTHING RETURNING id",
            )
            .bind(r.person_id)
            .bind(r.membership_id)
            .bind(r.district_id)
            .bind(r.reason)
            .bind(r.given_on)
            .bind(r.given_by)
            // Unique until it is numbered from its own id just below.
            .bind(format!("pending-{}-{}", r.person_id, r.membership_id.unwrap_or(0)))
            .bind(chrono::Utc::now())
            .bind(r.kind)
            .bind(r.giver)
            .bind(r.meeting_id),
        )
        .await?;
    let Some((id,)) = id else {
        return Ok(None);
    };
    let no = number(id);
    tx.execute(
        &Sql::new("UPDATE recognitions SET certificate_no = $2 WHERE id = $1")
            .bind(id)
            .bind(&no),
    )
    .await?;
    if let Some(m) = r.membership_id {
        tx.execute(
            &Sql::new("UPDATE memberships SET thanked_on = $2 WHERE id = $1")
                .bind(m)
                .bind(r.given_on),
        )
        .await?;
    }
    Ok(Some((id, no)))
}

/// A membership marked thanked without its recognition, as loaders leave them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Unrecognised {
    pub membership_id: i64,
    pub person_id: i64,
    pub role: String,
    pub term: i64,
    pub council_fa: String,
    pub council_en: String,
    pub district_id: Option<i64>,
    pub thanked_on: NaiveDate,
}

/// Memberships marked thanked that have no recognition yet (for loaders that set `thanked_on`).
pub async fn thanked_without_recognition(tx: &mut Tx) -> Result<Vec<Unrecognised>> {
    tx.fetch_all(&Sql::new(
        "SELECT m.id AS membership_id, m.person_id, m.role, t.number AS term, o.name_fa AS council_fa, \
         o.name_en AS council_en, COALESCE(o.district_id, n.district_id) AS district_id, m.thanked_on \
         FROM memberships m JOIN terms t ON t.id = m.term_id JOIN organisations o ON o.id = m.body_id \
         LEFT JOIN neighborhoods n ON n.id = o.neighborhood_id \
         WHERE m.thanked_on IS NOT NULL AND NOT EXISTS (SELECT 1 FROM recognitions r WHERE r.membership_id = m.id) \
         ORDER BY m.id",
    ))
    .await
}

/// Sitting members (not alternates) of a body's open terms, for loaders: (membership, starts on).
pub async fn sitting_members_of_open_terms(tx: &mut Tx) -> Result<Vec<(i64, NaiveDate)>> {
    tx.fetch_all(&Sql::new(
        "SELECT m.id, m.starts_on FROM memberships m JOIN terms t ON t.id = m.term_id \
         WHERE t.closed_on IS NULL AND m.ends_on IS NULL AND m.role <> 'alternate' ORDER BY m.id",
    ))
    .await
}

/// A sitting member's onboarding, as the council's page and the district's list show it.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow, ToSchema)]
pub struct OnboardingRow {
    pub membership_id: i64,
    pub orientation_on: Option<NaiveDate>,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub contact_verified_on: Option<NaiveDate>,
}

pub async fn onboarding_of_body(store: &Store, body_id: i64) -> Result<Vec<OnboardingRow>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT o.membership_id, o.orientation_on, o.user_id, u.username, o.contact_verified_on FROM onboarding o \
                 JOIN memberships m ON m.id = o.membership_id LEFT JOIN users u ON u.id = o.user_id WHERE m.body_id = $1",
            )
            .bind(body_id),
        )
        .await
}

/// Marks one onboarding step: orientation attended or contact verified on a day, or the account.
pub async fn set_onboarding(
    tx: &mut Tx,
    membership_id: i64,
    step: mahalle_core::councils::OnboardingStep,
    on: NaiveDate,
    user_id: Option<i64>,
) -> Result<()> {
    use mahalle_core::councils::OnboardingStep as S;
    tx.execute(
        &Sql::new("INSERT INTO onboarding (membership_id) VALUES ($1) ON CONFLICT (membership_id) DO NOTHING")
            .bind(membership_id),
    )
    .await?;
    let sql = match step {
        S::Orientation => {
            Sql::new("UPDATE onboarding SET orientation_on = $2 WHERE membership_id = $1")
                .bind(membership_id)
                .bind(on)
        }
        S::Contact => {
            Sql::new("UPDATE onboarding SET contact_verified_on = $2 WHERE membership_id = $1")
                .bind(membership_id)
                .bind(on)
        }
        S::Account => Sql::new("UPDATE onboarding SET user_id = $2 WHERE membership_id = $1")
            .bind(membership_id)
            .bind(user_id),
    };
    tx.execute(&sql).await?;
    Ok(())
}

/// The neighborhood a body serves, if it is a neighborhood's council.
pub async fn neighborhood_of_body(tx: &mut Tx, body_id: i64) -> Result<Option<i64>> {
    let row: Option<(Option<i64>,)> = tx
        .fetch_optional(
            &Sql::new("SELECT neighborhood_id FROM organisations WHERE id = $1").bind(body_id),
        )
        .await?;
    Ok(row.and_then(|r| r.0))
}

pub async fn get_pillar(store: &Store, id: i64) -> Result<Pillar> {
    let mut sql = Sql::new(PILLAR_SELECT);
    sql.push(" WHERE pl.id = ").arg(id);
    store.fetch_one(&sql).await
}

/// A person's pillar role of a kind in a neighborhood, current or ended, if recorded.
pub async fn pillar_of(
    store: &Store,
    neighborhood_id: i64,
    person_id: i64,
    kind: &str,
) -> Result<Option<Pillar>> {
    let mut sql = Sql::new(PILLAR_SELECT);
    sql.push(" WHERE pl.neighborhood_id = ")
        .arg(neighborhood_id)
        .push(" AND pl.person_id = ")
        .arg(person_id)
        .push(" AND pl.kind = ")
        .arg(kind.to_string());
    store.fetch_optional(&sql).await
}

/// Records a pillar role from a day (again, if they held it before), with the place served.
pub async fn start_pillar(
    tx: &mut Tx,
    p: &NewPillar<'_>,
    partner_place_id: Option<i64>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO pillars (neighborhood_id, person_id, kind, title, since, until, partner_place_id) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6) ON CONFLICT (neighborhood_id, person_id, kind) DO UPDATE SET \
             title = excluded.title, since = excluded.since, until = NULL, partner_place_id = excluded.partner_place_id RETURNING id",
        )
        .bind(p.neighborhood_id)
        .bind(p.person_id)
        .bind(p.kind)
        .bind(p.title)
        .bind(p.since)
        .bind(partner_place_id),
    )
    .await
}

pub async fn end_pillar(tx: &mut Tx, id: i64, until: NaiveDate) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE pillars SET until = $2 WHERE id = $1")
            .bind(id)
            .bind(until),
    )
    .await?;
    Ok(())
}
