//! Residents' priority polls: opening one (a neighborhood's council or its district), the
//! resident's one-time code (by text message, or handed over in person at the neighborhood
//! house), the secret vote, publishing the results and the answers to them.

use std::sync::Mutex;
use std::time::Instant;

use chrono::{Duration, NaiveDate, Utc};
use mahalle_core::access::{Principal, Role};
use mahalle_core::polls::{self as rules, Phase};
use mahalle_core::ratelimit::RateLimiter;
use mahalle_core::text;
use mahalle_core::validate::FieldError;
use mahalle_db::polls::{self as store_polls, Poll};
use mahalle_db::{audit, Store};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use utoipa::ToSchema;

use crate::http::clock::today;
use crate::http::error::AppError;
use crate::http::extract::parse_date;
use crate::http::texts::Texts;

/// What the ballot box keeps in memory: the installation's key for voter and code hashes, and
/// per-address limits on asking for codes and trying them.
pub struct Ballots {
    secret: OnceCell<String>,
    per_ip: Mutex<RateLimiter>,
}

impl Default for Ballots {
    fn default() -> Self {
        Ballots {
            secret: OnceCell::new(),
            // A neighborhood house behind one address may send a queue of residents.
            per_ip: Mutex::new(RateLimiter::new(60, 30, 100_000)),
        }
    }
}

impl Ballots {
    async fn secret(&self, store: &Store) -> Result<&str, AppError> {
        self.secret
            .get_or_try_init(|| async {
                const KEY: &str = "poll_secret";
                let fresh = crate::http::csrf::new_token();
                Ok::<_, AppError>(mahalle_db::settings::get_or_insert(store, KEY, &fresh).await?)
            })
            .await
            .map(String::as_str)
    }

    /// The keyed hash a voter is known by: the number itself is never stored.
    async fn voter_key(&self, store: &Store, identity: &str) -> Result<String, AppError> {
        let secret = self.secret(store).await?;
        Ok(hex::encode(Sha256::digest(
            format!("voter:{secret}:{identity}").as_bytes(),
        )))
    }

    async fn code_hash(
        &self,
        store: &Store,
        poll: i64,
        key: &str,
        code: &str,
    ) -> Result<String, AppError> {
        let secret = self.secret(store).await?;
        Ok(hex::encode(Sha256::digest(
            format!("code:{secret}:{poll}:{key}:{code}").as_bytes(),
        )))
    }

    fn admit(&self, ip: &str) -> Result<(), AppError> {
        self.per_ip
            .lock()
            .expect("limiter lock")
            .check(ip, Instant::now())
            .map_err(|_| AppError::TooManyRequests)
    }
}

/// Whether `who` runs polls of this neighborhood (its council members) or district (its
/// secretariat: the district mayor, the city's staff).
pub fn may_run(who: &Principal, district: i64, neighborhood: Option<i64>) -> bool {
    who.is_secretariat_for(Some(district)) || neighborhood.is_some_and(|n| who.on_council(n))
}

/// Whether `who` may run some poll somewhere (to offer the form at all).
pub fn runs_any(who: &Principal) -> bool {
    who.has(Role::CouncilMember) || who.may_record_meetings()
}

pub fn phase(p: &Poll, today: NaiveDate) -> Phase {
    Phase::of(p.opens_on, p.closes_on, p.published_at.is_some(), today)
}

/// Whether `who` sees the counts now: everyone once published, those who run it once it closed.
pub fn sees_results(who: Option<&Principal>, p: &Poll, today: NaiveDate) -> bool {
    match phase(p, today) {
        Phase::Published => true,
        Phase::Closed => who.is_some_and(|w| may_run(w, p.district_id, p.neighborhood_id)),
        _ => false,
    }
}

/// A poll as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PollInput {
    /// The district whose poll it is (or the neighborhood's district).
    #[serde(default, deserialize_with = "crate::http::extract::text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub district_id: String,
    /// Empty for a poll of the whole district.
    #[serde(default, deserialize_with = "crate::http::extract::text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub neighborhood_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub question: String,
    /// Jalali (۱۴۰۵/۱۰/۰۱) or ISO date.
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub closes_on: String,
    /// How many options a resident may choose (1–10; default 1).
    #[serde(default, deserialize_with = "crate::http::extract::text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub max_choices: String,
    /// Options typed one per line (projects, anything not yet a challenge).
    #[serde(default)]
    pub options: String,
    /// Challenges of the neighborhood (or district) offered as options, by id.
    #[serde(default)]
    pub challenges: Vec<i64>,
}

/// A checked poll: where, and its fields.
struct Checked {
    district_id: i64,
    neighborhood_id: Option<i64>,
    title: String,
    question: String,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    max_choices: i64,
    options: Vec<(String, Option<i64>)>,
}

async fn check(store: &Store, who: &Principal, f: &PollInput) -> Result<Checked, AppError> {
    let number = |s: &str| text::to_latin_digits(s.trim()).parse::<i64>().ok();
    use crate::http::form::{
        choose_district, choose_neighborhood, current_district, current_neighborhood,
    };
    // Where first: who may open a poll depends on it.
    let (district_id, neighborhood_id) = if f.neighborhood_id.trim().is_empty() {
        if f.district_id.trim().is_empty() {
            return Err(AppError::invalid(
                "district_id",
                "منطقه یا محله نظرسنجی را انتخاب کنید.",
                "Choose the poll's district or neighborhood.",
            ));
        }
        match current_district(store, &f.district_id).await? {
            Some(d) => (d.id, None),
            None => return Err(AppError::Invalid(vec![choose_district()])),
        }
    } else {
        match current_neighborhood(store, &f.neighborhood_id).await? {
            Some(n) => (n.district_id, Some(n.id)),
            None => return Err(AppError::Invalid(vec![choose_neighborhood()])),
        }
    };
    if !may_run(who, district_id, neighborhood_id) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let title = mahalle_core::validate::required_text("title", &f.title, 200)
        .map_err(|_| {
            errors.push(FieldError::new(
                "title",
                "عنوان نظرسنجی را (تا ۲۰۰ نویسه) بنویسید.",
                "Give the poll's title (up to 200 characters).",
            ))
        })
        .unwrap_or_default();
    let question = text::normalize_multiline(&f.question);
    if question.chars().count() > 2000 {
        errors.push(FieldError::new(
            "question",
            "پرسش تا ۲۰۰۰ نویسه است.",
            "The question takes up to 2,000 characters.",
        ));
    }
    let mut dates = Vec::new();
    for (field, value) in [("opens_on", &f.opens_on), ("closes_on", &f.closes_on)] {
        match parse_date(field, value) {
            Ok(d) => dates.push(d),
            Err(AppError::Invalid(e)) => errors.extend(e),
            Err(e) => return Err(e),
        }
    }
    if let [opens, closes] = dates[..] {
        if let Err(e) = rules::check_period(opens, closes, today()) {
            errors.push(e);
        }
    }
    let max_choices = if f.max_choices.trim().is_empty() {
        1
    } else {
        match number(&f.max_choices) {
            Some(m) if (1..=10).contains(&m) => m,
            _ => {
                errors.push(FieldError::new(
                    "max_choices",
                    "شمار گزینه‌هایی که هر نفر برمی‌گزیند ۱ تا ۱۰ است.",
                    "Each resident chooses 1 to 10 options.",
                ));
                1
            }
        }
    };
    let mut options: Vec<(String, Option<i64>)> = Vec::new();
    if f.challenges.len() > rules::MAX_OPTIONS {
        errors.push(FieldError::new(
            "options",
            "چالش‌های انتخاب‌شده بیش از اندازه‌اند.",
            "Too many challenges were chosen.",
        ));
    } else {
        let candidates =
            store_polls::candidate_challenges(store, district_id, neighborhood_id).await?;
        for c in &f.challenges {
            match candidates.iter().find(|x| x.0 == *c) {
                Some((id, title, _)) if !options.iter().any(|o| o.1 == Some(*id)) => {
                    options.push((title.clone(), Some(*id)))
                }
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "challenges",
                    "چالشی که انتخاب شده از چالش‌های باز این محله یا منطقه نیست.",
                    "A chosen challenge is not an open challenge of this neighborhood or district.",
                )),
            }
        }
    }
    options.extend(
        f.options
            .lines()
            .map(text::normalize)
            .filter(|l| !l.is_empty())
            .take(rules::MAX_OPTIONS + 1)
            .map(|l| (l, None)),
    );
    let titles: Vec<String> = options.iter().map(|o| o.0.clone()).collect();
    if let Err(e) = rules::check_options(&titles) {
        errors.push(e);
    }
    if max_choices > options.len() as i64 && options.len() >= rules::MIN_OPTIONS {
        errors.push(FieldError::new(
            "max_choices",
            "هر نفر نمی‌تواند بیش از شمار گزینه‌ها برگزیند.",
            "A resident cannot choose more options than there are.",
        ));
    }
    match (errors.is_empty(), &dates[..]) {
        (true, &[opens_on, closes_on]) => Ok(Checked {
            district_id,
            neighborhood_id,
            title,
            question,
            opens_on,
            closes_on,
            max_choices,
            options,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

fn fields(c: &Checked) -> store_polls::PollFields<'_> {
    store_polls::PollFields {
        district_id: c.district_id,
        neighborhood_id: c.neighborhood_id,
        title: &c.title,
        question: &c.question,
        opens_on: c.opens_on,
        closes_on: c.closes_on,
        max_choices: c.max_choices,
        options: &c.options,
    }
}

/// Opens a poll (scheduled from its first day). Returns its id.
pub async fn create(store: &Store, who: &Principal, f: &PollInput) -> Result<i64, AppError> {
    if !runs_any(who) {
        return Err(AppError::Forbidden);
    }
    let c = check(store, who, f).await?;
    let (user, c) = (who.user_id, &c);
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = store_polls::create(tx, &fields(c), Some(user), Utc::now()).await?;
                audit::log(
                    tx,
                    user,
                    "create",
                    "poll",
                    id,
                    None,
                    Some(json!({"title": c.title, "district_id": c.district_id, "neighborhood_id": c.neighborhood_id,
                        "opens_on": c.opens_on, "closes_on": c.closes_on, "options": c.options.len()})),
                )
                .await?;
                Ok(id)
            })
        })
        .await
}

/// Edits a poll before its first day (afterwards its question and options are what residents
/// answered).
pub async fn update(
    store: &Store,
    who: &Principal,
    id: i64,
    f: &PollInput,
) -> Result<(), AppError> {
    let before = store_polls::get(store, id).await?;
    if !may_run(who, before.district_id, before.neighborhood_id) {
        return Err(AppError::Forbidden);
    }
    let started = || {
        AppError::invalid(
            "opens_on",
            "نظرسنجی آغاز شده است و دیگر ویرایش نمی‌شود.",
            "The poll has begun and can no longer be edited.",
        )
    };
    if phase(&before, today()) != Phase::Scheduled {
        return Err(started());
    }
    let c = check(store, who, f).await?;
    let (user, c, before) = (who.user_id, &c, &before);
    let changed = store
        .write(|tx, _| {
            Box::pin(async move {
                if !store_polls::update(tx, id, &fields(c), today(), Utc::now()).await? {
                    return Ok(false);
                }
                audit::log(
                    tx,
                    user,
                    "update",
                    "poll",
                    id,
                    Some(json!({"title": before.title, "opens_on": before.opens_on, "closes_on": before.closes_on})),
                    Some(json!({"title": c.title, "opens_on": c.opens_on, "closes_on": c.closes_on, "options": c.options.len()})),
                )
                .await?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if changed {
        Ok(())
    } else {
        Err(started())
    }
}

/// A resident asking for a code: their mobile number.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CodeInput {
    /// 09121234567, ۰۹۱۲…, +98 912 …
    #[serde(default)]
    pub mobile: String,
}

fn open_poll_or(p: &Poll) -> Result<(), AppError> {
    match phase(p, today()) {
        Phase::Open => Ok(()),
        Phase::Scheduled => Err(AppError::invalid(
            "poll",
            "این نظرسنجی هنوز آغاز نشده است.",
            "This poll has not begun yet.",
        )),
        _ => Err(AppError::invalid(
            "poll",
            "زمان رأی دادن در این نظرسنجی گذشته است.",
            "Voting in this poll has ended.",
        )),
    }
}

fn already_voted() -> AppError {
    AppError::invalid(
        "mobile",
        "با این شماره یا کد ملی در این نظرسنجی پیش‌تر رأی داده شده است.",
        "This number or national code has voted in this poll already.",
    )
}

/// Sends a one-time code to a resident's mobile for one poll. Returns the number as shown back
/// ("0912***4567").
pub async fn send_code(
    store: &Store,
    ballots: &Ballots,
    texts: &Texts,
    ip: &str,
    poll: i64,
    input: &CodeInput,
) -> Result<String, AppError> {
    ballots.admit(ip)?;
    let p = store_polls::get(store, poll).await?;
    open_poll_or(&p)?;
    let Some(mobile) = rules::normalize_mobile(&input.mobile) else {
        return Err(AppError::invalid(
            "mobile",
            "شماره همراه را مانند ۰۹۱۲۱۲۳۴۵۶۷ بنویسید.",
            "Write the mobile number like 09121234567.",
        ));
    };
    if !texts.available() {
        return Err(AppError::invalid(
            "mobile",
            "فرستادن پیامک در این سامانه راه‌اندازی نشده است؛ برای رأی دادن به خانه محله بروید.",
            "Text messages are not set up here; vote at the neighborhood house.",
        ));
    }
    let key = ballots
        .voter_key(store, &format!("mobile:{mobile}"))
        .await?;
    let masked = format!("{}***{}", &mobile[..4], &mobile[7..]);
    // Whether a number has voted is not told to whoever types it: no code is sent, as if one were.
    if store_polls::has_voted(store, poll, &key).await? {
        return Ok(masked);
    }
    let now = Utc::now();
    let earlier = store_polls::code(store, poll, &key).await?;
    rules::may_issue_code(
        earlier.as_ref().map_or(0, |c| c.issued),
        earlier.as_ref().map(|c| (now - c.issued_at).num_seconds()),
    )
    .map_err(|e| AppError::Invalid(vec![e]))?;
    let code = new_code();
    let hash = ballots.code_hash(store, poll, &key, &code).await?;
    let (key, hash) = (&key, &hash);
    let issued = store
        .write(|tx, _| {
            Box::pin(async move {
                Ok::<_, AppError>(
                    store_polls::issue_code(
                        tx,
                        &store_polls::NewCode {
                            poll_id: poll,
                            voter_key: key,
                            code_hash: hash,
                            method: "sms",
                            issued_by: None,
                            expires_at: now + Duration::minutes(rules::CODE_MINUTES),
                        },
                        now,
                        Some((
                            rules::MAX_CODES,
                            now - Duration::seconds(rules::RESEND_SECONDS),
                        )),
                    )
                    .await?,
                )
            })
        })
        .await?;
    if !issued {
        // Another request for this number got there first.
        return Err(AppError::Invalid(vec![rules::may_issue_code(
            rules::MAX_CODES,
            None,
        )
        .unwrap_err()]));
    }
    let body = format!(
        "کد رأی شما در نظرسنجی «{}»: {}\nاین کد تا {} دقیقه معتبر است. آن را به کسی ندهید.",
        p.title,
        text::to_persian_digits(&code),
        text::to_persian_digits(&rules::CODE_MINUTES.to_string())
    );
    if let Err(e) = texts.send(&mobile, "کد رأی", &body).await {
        tracing::warn!(poll, error = %e, "poll code not sent");
        return Err(AppError::invalid(
            "mobile",
            "پیامک فرستاده نشد؛ چند دقیقه دیگر دوباره بخواهید یا در خانه محله رأی دهید.",
            "The text message could not be sent; ask again in a few minutes or vote at the neighborhood house.",
        ));
    }
    Ok(masked)
}

fn new_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000))
}

/// Staff at the neighborhood house, having checked a resident's identity card, hand them a code:
/// for their mobile number or, without one, their national code.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct InPersonInput {
    /// The resident's mobile number or national code (کد ملی).
    #[serde(default)]
    pub identity: String,
}

/// Issues an in-person code; returns it (shown once, to be handed over).
pub async fn in_person_code(
    store: &Store,
    ballots: &Ballots,
    who: &Principal,
    poll: i64,
    input: &InPersonInput,
) -> Result<String, AppError> {
    let p = store_polls::get(store, poll).await?;
    if !may_run(who, p.district_id, p.neighborhood_id) {
        return Err(AppError::Forbidden);
    }
    open_poll_or(&p)?;
    let Some(identity) = rules::voter_identity(&input.identity) else {
        return Err(AppError::invalid(
            "identity",
            "شماره همراه (مانند ۰۹۱۲۱۲۳۴۵۶۷) یا کد ملی ده‌رقمی درست را بنویسید.",
            "Write a mobile number (like 09121234567) or a valid ten-digit national code.",
        ));
    };
    let key = ballots.voter_key(store, &identity).await?;
    if store_polls::has_voted(store, poll, &key).await? {
        return Err(AppError::invalid(
            "identity",
            "این ساکن در این نظرسنجی پیش‌تر رأی داده است.",
            "This resident has voted in this poll already.",
        ));
    }
    let code = new_code();
    let hash = ballots.code_hash(store, poll, &key, &code).await?;
    let (key, hash, user) = (&key, &hash, who.user_id);
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                store_polls::issue_code(
                    tx,
                    &store_polls::NewCode {
                        poll_id: poll,
                        voter_key: key,
                        code_hash: hash,
                        method: "in_person",
                        issued_by: Some(user),
                        expires_at: now + Duration::minutes(rules::CODE_MINUTES),
                    },
                    now,
                    None,
                )
                .await?;
                // Who handed a code over is recorded; for whom is not.
                audit::log(tx, user, "in_person_code", "poll", poll, None, None).await?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(code)
}

/// A ballot: who (the mobile number or national code the code was issued for), the code, and
/// the chosen options.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct VoteInput {
    /// The mobile number (or, in person, national code) the code was issued for.
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub code: String,
    /// Ids of the chosen options.
    #[serde(default)]
    pub options: Vec<i64>,
}

/// Casts a resident's vote: the code must be theirs, fresh and right; they vote once; what they
/// chose is only counted.
pub async fn vote(
    store: &Store,
    ballots: &Ballots,
    ip: &str,
    poll: i64,
    input: &VoteInput,
) -> Result<(), AppError> {
    ballots.admit(ip)?;
    let p = store_polls::get(store, poll).await?;
    open_poll_or(&p)?;
    let wrong = || {
        AppError::invalid(
            "code",
            "کد درست نیست یا زمانش گذشته است؛ کد تازه بخواهید.",
            "The code is wrong or has expired; ask for a new one.",
        )
    };
    let Some(identity) = rules::voter_identity(&input.mobile) else {
        return Err(AppError::invalid(
            "mobile",
            "شماره همراه (مانند ۰۹۱۲۱۲۳۴۵۶۷) یا کد ملی‌ای را بنویسید که کد برایش صادر شد.",
            "Write the mobile number (like 09121234567) or national code the code was issued for.",
        ));
    };
    let options: Vec<i64> = store_polls::options(store, poll)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    let chosen = rules::check_ballot(&input.options, &options, p.max_choices)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let key = ballots.voter_key(store, &identity).await?;
    let typed = text::to_latin_digits(input.code.trim());
    let expected = ballots.code_hash(store, poll, &key, &typed).await?;
    let (key, expected, chosen) = (&key, &expected, &chosen);
    // One transaction spends a try, compares, and casts: parallel guesses share the tries, and
    // a wrong guess is counted even though nothing else changes.
    let outcome = store
        .write(|tx, _| {
            Box::pin(async move {
                let Some((hash, method)) =
                    store_polls::try_code(tx, poll, key, rules::MAX_ATTEMPTS, Utc::now()).await?
                else {
                    return Ok::<_, AppError>(None);
                };
                if hash != *expected {
                    return Ok(None);
                }
                let cast = store_polls::cast(tx, poll, key, &method, chosen, today()).await?;
                if cast {
                    // A ballot was cast: not by whom, not for what.
                    audit::record(
                        tx,
                        audit::Change {
                            user_id: None,
                            action: "vote",
                            entity: "poll",
                            entity_id: Some(poll),
                            before: None,
                            after: None,
                        },
                    )
                    .await?;
                }
                Ok(Some(cast))
            })
        })
        .await?;
    match outcome {
        Some(true) => Ok(()),
        Some(false) => Err(already_voted()),
        None => Err(wrong()),
    }
}

/// Publishes a closed poll's results.
pub async fn publish(store: &Store, who: &Principal, id: i64) -> Result<(), AppError> {
    let p = store_polls::get(store, id).await?;
    if !may_run(who, p.district_id, p.neighborhood_id) {
        return Err(AppError::Forbidden);
    }
    match phase(&p, today()) {
        Phase::Closed => {}
        Phase::Published => {
            return Err(AppError::invalid(
                "poll",
                "نتیجه این نظرسنجی پیش‌تر منتشر شده است.",
                "This poll's results are published already.",
            ))
        }
        _ => {
            return Err(AppError::invalid(
                "poll",
                "نتیجه پس از پایان نظرسنجی منتشر می‌شود.",
                "Results are published once the poll has ended.",
            ))
        }
    }
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                if store_polls::publish(tx, id, Utc::now()).await? {
                    audit::log(tx, user, "publish", "poll", id, None, None).await?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await
}

/// The council's or the district's answer to a published poll's top items.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PollAnswerInput {
    /// `council` (the neighborhood's council members) or `district` (its secretariat).
    #[serde(default)]
    pub by: String,
    #[serde(default)]
    pub answer: String,
}

pub async fn answer(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &PollAnswerInput,
) -> Result<(), AppError> {
    let p = store_polls::get(store, id).await?;
    let may_council = p.neighborhood_id.is_some_and(|n| who.on_council(n));
    let may_district = who.is_secretariat_for(Some(p.district_id));
    if !may_council && !may_district {
        return Err(AppError::Forbidden);
    }
    let council = match input.by.trim() {
        "council" => true,
        "district" => false,
        _ => {
            return Err(AppError::invalid(
                "by",
                "پاسخ از سوی شورایاری است یا منطقه.",
                "The answer is the council's or the district's.",
            ))
        }
    };
    if !(if council { may_council } else { may_district }) {
        return Err(AppError::Forbidden);
    }
    if p.published_at.is_none() {
        return Err(AppError::invalid(
            "answer",
            "به نتیجه پس از انتشار آن پاسخ داده می‌شود.",
            "Results are answered once they are published.",
        ));
    }
    let answer = text::normalize_multiline(&input.answer);
    if answer.chars().count() > 4000 {
        return Err(AppError::invalid(
            "answer",
            "پاسخ تا ۴۰۰۰ نویسه است.",
            "The answer takes up to 4,000 characters.",
        ));
    }
    let before = if council {
        p.council_answer.clone()
    } else {
        p.district_answer.clone()
    };
    let (user, answer, before) = (who.user_id, &answer, &before);
    store
        .write(|tx, _| {
            Box::pin(async move {
                store_polls::set_answer(tx, id, council, answer, Utc::now()).await?;
                audit::log(
                    tx,
                    user,
                    if council {
                        "council_answer"
                    } else {
                        "district_answer"
                    },
                    "poll",
                    id,
                    Some(json!({"answer": before})),
                    Some(json!({"answer": answer})),
                )
                .await?;
                Ok::<_, AppError>(())
            })
        })
        .await
}

/// A poll's results as published: each option `(option, votes, share in ‰)`, most votes first,
/// with turnout. None when `who` may not see them yet.
pub struct Results {
    pub ranked: Vec<(store_polls::PollOption, i64, i64)>,
    pub voters: i64,
    /// In tenths of a percent of the population asked, when known.
    pub turnout_permille: Option<i64>,
    pub by_text: i64,
    pub in_person: i64,
}

pub async fn results(
    store: &Store,
    who: Option<&Principal>,
    p: &Poll,
    options: &[store_polls::PollOption],
) -> Result<Option<Results>, AppError> {
    if !sees_results(who, p, today()) {
        return Ok(None);
    }
    let keyed: Vec<(i64, i64, i64)> = options
        .iter()
        .map(|o| (o.id, o.position, o.votes))
        .collect();
    let ranked = rules::rank(&keyed, p.voters)
        .into_iter()
        .filter_map(|(id, votes, share)| {
            options
                .iter()
                .find(|o| o.id == id)
                .map(|o| (o.clone(), votes, share))
        })
        .collect();
    let (by_text, in_person) = store_polls::turnout_by_method(store, p.id).await?;
    Ok(Some(Results {
        ranked,
        voters: p.voters,
        turnout_permille: rules::turnout_permille(p.voters, p.population),
        by_text,
        in_person,
    }))
}

/// The poll list's filter from a page's or the API's parameters (everyone sees every poll: an
/// announced poll is news too).
pub fn list_filter(
    district: Option<i64>,
    neighborhood: Option<i64>,
    phase: &str,
) -> store_polls::Filter {
    let today = today();
    store_polls::Filter {
        district_id: district,
        neighborhood_id: neighborhood,
        phase: Phase::parse(phase).map(|p| (p, today)),
    }
}
