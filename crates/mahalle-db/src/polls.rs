//! Residents' priority polls. The ballot is secret by construction: `poll_voters` records who
//! voted (a keyed hash, the day only) and `poll_options.votes` how many chose each option; no row
//! says who chose what.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::paging::{Listing, Paged};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Poll {
    pub id: i64,
    pub district_id: i64,
    pub district_number: i64,
    /// None: the district's poll.
    pub neighborhood_id: Option<i64>,
    pub neighborhood_name_fa: Option<String>,
    pub neighborhood_name_en: Option<String>,
    /// Residents of the neighborhood (or the district) it asks, when known.
    pub population: Option<i64>,
    pub title: String,
    pub question: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// Options a resident may choose at most.
    pub max_choices: i64,
    /// Residents who voted.
    pub voters: i64,
    pub published_at: Option<DateTime<Utc>>,
    /// The neighborhood council's answer to the top items.
    pub council_answer: String,
    /// The district's answer to the top items.
    pub district_answer: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PollOption {
    pub id: i64,
    pub position: i64,
    /// The challenge it puts to the vote, if any.
    pub challenge_id: Option<i64>,
    pub title: String,
    /// Votes so far: shown once results are published (to staff once the poll has closed).
    pub votes: i64,
}

const SELECT: &str = "SELECT p.id, p.district_id, d.number AS district_number, p.neighborhood_id, \
     n.name_fa AS neighborhood_name_fa, n.name_en AS neighborhood_name_en, \
     COALESCE(n.population, d.population) AS population, p.title, p.question, p.opens_on, p.closes_on, \
     p.max_choices, p.voters, p.published_at, p.council_answer, p.district_answer, p.created_at, p.updated_at \
     FROM polls p JOIN districts d ON d.id = p.district_id LEFT JOIN neighborhoods n ON n.id = p.neighborhood_id";

/// Sort keys of the poll list; the first is the default.
pub const SORTS: &[&str] = &["opens", "closes", "voters"];

fn order(sort: &str) -> &'static str {
    match sort {
        "closes" => "p.closes_on",
        "voters" => "p.voters",
        _ => "p.opens_on",
    }
}

/// Which polls a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub district_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    /// Only polls in this phase on `today`: scheduled, open, closed or published.
    pub phase: Option<(mahalle_core::polls::Phase, NaiveDate)>,
}

fn filter(f: &Filter) -> Sql {
    use mahalle_core::polls::Phase;
    let mut sql = Sql::new(" WHERE 1=1");
    if let Some(d) = f.district_id {
        sql.push(" AND p.district_id = ").arg(d);
    }
    if let Some(n) = f.neighborhood_id {
        sql.push(" AND p.neighborhood_id = ").arg(n);
    }
    if let Some((phase, today)) = f.phase {
        match phase {
            Phase::Scheduled => sql
                .push(" AND p.published_at IS NULL AND p.opens_on > ")
                .arg(today),
            Phase::Open => sql
                .push(" AND p.published_at IS NULL AND p.opens_on <= ")
                .arg(today)
                .push(" AND p.closes_on >= ")
                .arg(today),
            Phase::Closed => sql
                .push(" AND p.published_at IS NULL AND p.closes_on < ")
                .arg(today),
            Phase::Published => sql.push(" AND p.published_at IS NOT NULL"),
        };
    }
    sql
}

pub async fn list(store: &Store, f: &Filter, l: &Listing) -> Result<Paged<Poll>> {
    let w = filter(f);
    let mut count = Sql::new("SELECT COUNT(*) FROM polls p");
    count.push(&w.text);
    count.args = w.args.clone();
    let total = store.scalar(&count).await?;
    let mut sql = Sql::new(SELECT);
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

pub async fn get(store: &Store, id: i64) -> Result<Poll> {
    store
        .fetch_one(&Sql::new(&format!("{SELECT} WHERE p.id = $1")).bind(id))
        .await
}

/// A poll's options in their order.
pub async fn options(store: &Store, poll: i64) -> Result<Vec<PollOption>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT id, position, challenge_id, title, votes FROM poll_options WHERE poll_id = $1 \
                 ORDER BY position",
            )
            .bind(poll),
        )
        .await
}

/// A poll's option ids in their order, for loaders.
pub async fn options_tx(tx: &mut Tx, poll: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            &Sql::new("SELECT id FROM poll_options WHERE poll_id = $1 ORDER BY position")
                .bind(poll),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A poll as its form keeps it.
pub struct PollFields<'a> {
    pub district_id: i64,
    pub neighborhood_id: Option<i64>,
    pub title: &'a str,
    pub question: &'a str,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub max_choices: i64,
    /// Each option's title and the challenge it names, in order.
    pub options: &'a [(String, Option<i64>)],
}

pub async fn create(
    tx: &mut Tx,
    p: &PollFields<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = tx
        .scalar(
            &Sql::new(
                "INSERT INTO polls (district_id, neighborhood_id, title, question, opens_on, closes_on, max_choices, \
                 created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(p.district_id)
            .bind(p.neighborhood_id)
            .bind(p.title)
            .bind(p.question)
            .bind(p.opens_on)
            .bind(p.closes_on)
            .bind(p.max_choices)
            .bind(by)
            .bind(now),
        )
        .await?;
    insert_options(tx, id, p.options).await?;
    Ok(id)
}

async fn insert_options(tx: &mut Tx, poll: i64, options: &[(String, Option<i64>)]) -> Result<()> {
    for (i, (title, challenge)) in options.iter().enumerate() {
        tx.execute(
            &Sql::new(
                "INSERT INTO poll_options (poll_id, position, challenge_id, title) VALUES ($1, $2, $3, $4)",
            )
            .bind(poll)
            .bind(i as i64 + 1)
            .bind(*challenge)
            .bind(title.as_str()),
        )
        .await?;
    }
    Ok(())
}

/// Rewrites a poll that has not opened (and so has no votes): its fields and its options.
/// `false` when it has opened meanwhile (nothing changed).
pub async fn update(
    tx: &mut Tx,
    id: i64,
    p: &PollFields<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = tx
        .execute(
            &Sql::new(
                "UPDATE polls SET neighborhood_id = $2, title = $3, question = $4, opens_on = $5, closes_on = $6, \
                 max_choices = $7, updated_at = $8, district_id = $10 WHERE id = $1 AND opens_on > $9 AND voters = 0",
            )
            .bind(id)
            .bind(p.neighborhood_id)
            .bind(p.title)
            .bind(p.question)
            .bind(p.opens_on)
            .bind(p.closes_on)
            .bind(p.max_choices)
            .bind(now)
            .bind(today)
            .bind(p.district_id),
        )
        .await?;
    if changed == 0 {
        return Ok(false);
    }
    tx.execute(&Sql::new("DELETE FROM poll_options WHERE poll_id = $1").bind(id))
        .await?;
    insert_options(tx, id, p.options).await?;
    Ok(true)
}

/// A one-time code waiting for its vote.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Code {
    pub code_hash: String,
    pub method: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub attempts: i64,
    pub issued: i64,
}

pub async fn code(store: &Store, poll: i64, voter_key: &str) -> Result<Option<Code>> {
    store
        .fetch_optional(
            &Sql::new(
                "SELECT code_hash, method, issued_at, expires_at, attempts, issued FROM poll_codes \
                 WHERE poll_id = $1 AND voter_key = $2",
            )
            .bind(poll)
            .bind(voter_key),
        )
        .await
}

pub async fn has_voted(store: &Store, poll: i64, voter_key: &str) -> Result<bool> {
    Ok(store
        .scalar(
            &Sql::new("SELECT COUNT(*) FROM poll_voters WHERE poll_id = $1 AND voter_key = $2")
                .bind(poll)
                .bind(voter_key),
        )
        .await?
        > 0)
}

/// A new code for a voter (replacing any earlier one, counting it).
pub struct NewCode<'a> {
    pub poll_id: i64,
    pub voter_key: &'a str,
    pub code_hash: &'a str,
    pub method: &'a str,
    pub issued_by: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

/// Records a new code for a voter, replacing any earlier one (its tries start again). With
/// `limit` `(max codes, not after)`, only if fewer than `max` codes were issued for this voter in
/// this poll and the last one is older than `not after` (checked in the same statement, so that
/// simultaneous requests cannot get round it). `false` when the limit held it back.
pub async fn issue_code(
    tx: &mut Tx,
    c: &NewCode<'_>,
    now: DateTime<Utc>,
    limit: Option<(i64, DateTime<Utc>)>,
) -> Result<bool> {
    let mut sql = Sql::new(
        "INSERT INTO poll_codes (poll_id, voter_key, code_hash, method, issued_by, issued_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (poll_id, voter_key) DO UPDATE SET \
         code_hash = excluded.code_hash, method = excluded.method, issued_by = excluded.issued_by, \
         issued_at = excluded.issued_at, expires_at = excluded.expires_at, attempts = 0, \
         issued = poll_codes.issued + 1",
    )
    .bind(c.poll_id)
        .bind(c.voter_key)
        .bind(c.code_hash)
        .bind(c.method)
        .bind(c.issued_by)
        .bind(now)
        .bind(c.expires_at);
    if let Some((max, not_after)) = limit {
        sql.push(" WHERE poll_codes.issued < ")
            .arg(max)
            .push(" AND poll_codes.issued_at <= ")
            .arg(not_after);
    }
    Ok(tx.execute(&sql).await? > 0)
}

/// Spends one try at a voter's code, if it has tries left and has not expired: its hash and how
/// it was issued. The try is counted in the same statement, so parallel guesses share the limit.
pub async fn try_code(
    tx: &mut Tx,
    poll: i64,
    voter_key: &str,
    max_attempts: i64,
    now: DateTime<Utc>,
) -> Result<Option<(String, String)>> {
    tx.fetch_optional(
        &Sql::new(
            "UPDATE poll_codes SET attempts = attempts + 1 WHERE poll_id = $1 AND voter_key = $2 \
             AND attempts < $3 AND expires_at > $4 RETURNING code_hash, method",
        )
        .bind(poll)
        .bind(voter_key)
        .bind(max_attempts)
        .bind(now),
    )
    .await
}

/// Casts a ballot: the voter is recorded (once: `false` if they had voted, and nothing is
/// counted), their code spent, and each chosen option counted, with the poll's turnout.
pub async fn cast(
    tx: &mut Tx,
    poll: i64,
    voter_key: &str,
    method: &str,
    chosen: &[i64],
    today: NaiveDate,
) -> Result<bool> {
    let added = tx
        .execute(
            &Sql::new(
                "INSERT INTO poll_voters (poll_id, voter_key, method, voted_on) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (poll_id, voter_key) DO NOTHING",
            )
            .bind(poll)
            .bind(voter_key)
            .bind(method)
            .bind(today),
        )
        .await?;
    if added == 0 {
        return Ok(false);
    }
    tx.execute(
        &Sql::new("DELETE FROM poll_codes WHERE poll_id = $1 AND voter_key = $2")
            .bind(poll)
            .bind(voter_key),
    )
    .await?;
    for option in chosen {
        tx.execute(
            &Sql::new("UPDATE poll_options SET votes = votes + 1 WHERE id = $1 AND poll_id = $2")
                .bind(*option)
                .bind(poll),
        )
        .await?;
    }
    tx.execute(&Sql::new("UPDATE polls SET voters = voters + 1 WHERE id = $1").bind(poll))
        .await?;
    Ok(true)
}

/// How many voted each way: by text message and in person.
pub async fn turnout_by_method(store: &Store, poll: i64) -> Result<(i64, i64)> {
    let rows: Vec<(String, i64)> = store
        .fetch_all(
            &Sql::new(
                "SELECT method, COUNT(*) FROM poll_voters WHERE poll_id = $1 GROUP BY method",
            )
            .bind(poll),
        )
        .await?;
    let get = |m: &str| rows.iter().find(|r| r.0 == m).map_or(0, |r| r.1);
    Ok((get("sms"), get("in_person")))
}

/// Publishes the results of a closed poll; `false` if published already.
pub async fn publish(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool> {
    Ok(tx
        .execute(
            &Sql::new(
                "UPDATE polls SET published_at = $2, updated_at = $2 WHERE id = $1 AND published_at IS NULL",
            )
            .bind(id)
            .bind(now),
        )
        .await?
        > 0)
}

/// Records the council's or the district's answer to the results.
pub async fn set_answer(
    tx: &mut Tx,
    id: i64,
    council: bool,
    answer: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let column = if council {
        "council_answer"
    } else {
        "district_answer"
    };
    tx.execute(
        &Sql::new(&format!(
            "UPDATE polls SET {column} = $2, updated_at = $3 WHERE id = $1"
        ))
        .bind(id)
        .bind(answer)
        .bind(now),
    )
    .await?;
    Ok(())
}

fn candidates_sql(district: i64, neighborhood: Option<i64>) -> Sql {
    let mut sql = Sql::new(
        "SELECT c.id, c.title, n.name_fa FROM challenges c JOIN neighborhoods n ON n.id = c.neighborhood_id \
         WHERE c.status NOT IN ('solved','rejected') AND c.district_id = ",
    );
    sql.arg(district);
    if let Some(n) = neighborhood {
        sql.push(" AND c.neighborhood_id = ").arg(n);
    }
    sql.push(
        " ORDER BY (SELECT COUNT(*) FROM challenge_endorsements e WHERE e.challenge_id = c.id) DESC, c.id DESC LIMIT 200",
    );
    sql
}

/// The challenges of a neighborhood (or a district) that a poll may offer: not solved or
/// rejected, as `(id, title, neighborhood's Persian name)`, most endorsed first.
pub async fn candidate_challenges(
    store: &Store,
    district: i64,
    neighborhood: Option<i64>,
) -> Result<Vec<(i64, String, String)>> {
    store
        .fetch_all(&candidates_sql(district, neighborhood))
        .await
}

/// [`candidate_challenges`] inside a loader's transaction.
pub async fn candidate_challenges_tx(
    tx: &mut Tx,
    district: i64,
    neighborhood: Option<i64>,
) -> Result<Vec<(i64, String, String)>> {
    tx.fetch_all(&candidates_sql(district, neighborhood)).await
}
