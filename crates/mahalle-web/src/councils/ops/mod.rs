//! Council terms and elections, shared by pages and the API: opening terms (one council, or every
//! neighborhood council at once for city-wide elections), recording results, officers, early
//! departures filled by the next alternate, and closing a term. Whoever keeps the council's
//! district's registry acts (administrators city-wide); every rule is decided in
//! `mahalle_core::councils`, and every change is one transaction with its audit row.

pub mod pillars;

use chrono::NaiveDate;
use mahalle_core::access::Principal;
use mahalle_core::councils::{
    self as rules, Candidate, Departure, MemberRole, OnboardingStep, Outcome,
};
use mahalle_core::validate::{self, FieldError};
use mahalle_db::councils::{self, Member, Term};
use mahalle_db::{audit, org, places, DbError, Store};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::extract::{parse_date, text_or_number};

/// A new term as its form or the API sends it. Dates are Jalali (۱۴۰۸/۰۶/۰۱) or ISO.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct TermInput {
    #[serde(default)]
    pub starts_on: String,
    /// Planned end; four years on when left empty.
    #[serde(default)]
    pub ends_on: String,
    /// Seats, 1–50 (7 when left empty).
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub seats: String,
    /// Alternates, 0–50 (1 when left empty).
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub alternates: String,
}

/// A checked term form.
#[derive(Clone, Copy)]
pub struct TermPlan {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub seats: i64,
    pub alternates: i64,
}

fn check_term(f: &TermInput) -> Result<TermPlan, AppError> {
    let mut errors = Vec::new();
    let starts_on = parse_date("starts_on", &f.starts_on)
        .map_err(|e| errors.extend(e.fields()))
        .ok();
    let ends_on = if f.ends_on.trim().is_empty() {
        starts_on.and_then(|s| s.checked_add_months(chrono::Months::new(48)))
    } else {
        parse_date("ends_on", &f.ends_on)
            .map_err(|e| errors.extend(e.fields()))
            .ok()
    };
    let seats = validate::optional_count("seats", &f.seats, rules::MAX_SEATS)
        .map_err(|e| errors.push(e))
        .ok()
        .map(|s| s.unwrap_or(7));
    let alternates = validate::optional_count("alternates", &f.alternates, rules::MAX_SEATS)
        .map_err(|e| errors.push(e))
        .ok()
        .map(|s| s.unwrap_or(1));
    if seats == Some(0) {
        errors.push(FieldError::new(
            "seats",
            "دست‌کم یک کرسی لازم است.",
            "A council needs at least one seat.",
        ));
    }
    match (starts_on, ends_on, seats, alternates) {
        (Some(starts_on), Some(ends_on), Some(seats), Some(alternates)) if errors.is_empty() => {
            Ok(TermPlan {
                starts_on,
                ends_on,
                seats,
                alternates,
            })
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The district whose registry keeps a body (none for the city's own bodies).
async fn district_of_body(store: &Store, body_id: i64) -> Result<Option<i64>, AppError> {
    let o = org::get(store, body_id).await?;
    Ok(match (o.district_id, o.neighborhood_id) {
        (Some(d), _) => Some(d),
        (None, Some(n)) => Some(places::get_neighborhood(store, n).await?.district_id),
        (None, None) => None,
    })
}

/// Whether `who` keeps this body's terms (for offering the forms).
pub async fn may_keep(store: &Store, who: &Principal, body_id: i64) -> Result<bool, AppError> {
    Ok(who.keeps_registry(district_of_body(store, body_id).await?))
}

async fn require_keeper(store: &Store, who: &Principal, body_id: i64) -> Result<(), AppError> {
    if may_keep(store, who, body_id).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Opens the next term of one body. Returns its id.
pub async fn open_term(
    store: &Store,
    who: &Principal,
    body_id: i64,
    input: &TermInput,
) -> Result<i64, AppError> {
    require_keeper(store, who, body_id).await?;
    let plan = check_term(input)?;
    let latest = councils::latest_term(store, body_id).await?;
    rules::check_new_term(latest.map(|t| t.dates()), plan.starts_on, plan.ends_on)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = councils::create_term(
                    tx,
                    body_id,
                    plan.starts_on,
                    plan.ends_on,
                    plan.seats,
                    plan.alternates,
                )
                .await?;
                audit::log(
                    tx,
                    user,
                    "open",
                    "term",
                    id,
                    None,
                    Some(term_json(body_id, &plan)),
                )
                .await?;
                Ok(id)
            })
        })
        .await
}

fn term_json(body_id: i64, p: &TermPlan) -> serde_json::Value {
    json!({"body_id": body_id, "starts_on": p.starts_on, "ends_on": p.ends_on, "seats": p.seats, "alternates": p.alternates})
}

/// Opens a term for every current neighborhood council of the city at once (city-wide
/// elections; administrators). All or none: if any council's latest term would overlap, nothing
/// is opened and the councils in the way are named. Returns how many terms were opened.
pub async fn open_terms_everywhere(
    store: &Store,
    who: &Principal,
    input: &TermInput,
) -> Result<usize, AppError> {
    if !who.keeps_registry(None) {
        return Err(AppError::Forbidden);
    }
    let plan = check_term(input)?;
    let all = councils::councils(store, None, crate::today()).await?;
    let mut blocked = Vec::new();
    for c in &all {
        if let (Some(starts_on), Some(_)) = (c.starts_on, c.term_id) {
            let latest = rules::TermDates {
                starts_on,
                ends_on: c.ends_on,
                closed_on: c.closed_on,
            };
            if rules::check_new_term(Some(latest), plan.starts_on, plan.ends_on).is_err() {
                blocked.push(c.name_fa.clone());
            }
        }
    }
    if !blocked.is_empty() {
        let n = blocked.len();
        let some = blocked.into_iter().take(5).collect::<Vec<_>>().join("، ");
        return Err(AppError::invalid(
            "starts_on",
            format!(
                "دوره {} شورایاری با این تاریخ آغاز هم‌پوشانی دارد (از جمله {some})؛ هیچ دوره‌ای گشوده نشد.",
                mahalle_core::text::to_persian_digits(&n.to_string())
            ),
            format!("The current term of {n} councils overlaps this start (among them {some}); no term was opened."),
        ));
    }
    let bodies: Vec<i64> = all.iter().map(|c| c.body_id).collect();
    let bodies = &bodies;
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                for &body in bodies {
                    let id = councils::create_term(
                        tx,
                        body,
                        plan.starts_on,
                        plan.ends_on,
                        plan.seats,
                        plan.alternates,
                    )
                    .await?;
                    audit::log(
                        tx,
                        user,
                        "open",
                        "term",
                        id,
                        None,
                        Some(term_json(body, &plan)),
                    )
                    .await?;
                }
                Ok(bodies.len())
            })
        })
        .await
}

/// One candidate as the API sends them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CandidateInput {
    pub person_id: i64,
    pub votes: i64,
    /// The order drawn by lot among equal votes (1 first), where it matters.
    #[serde(default)]
    pub lot: Option<i64>,
}

/// An election's results.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ElectionInput {
    /// The day of the vote (Jalali or ISO).
    pub election_on: String,
    /// Ballots cast (valid ones).
    pub ballots: i64,
    pub candidates: Vec<CandidateInput>,
}

/// Records a term's election: candidates with their votes; the first `seats` become members
/// and the next `alternates` alternates in order, from the term's start. Once per term.
pub async fn record_election(
    store: &Store,
    who: &Principal,
    term_id: i64,
    input: &ElectionInput,
) -> Result<(), AppError> {
    let term = councils::get_term(store, term_id).await?;
    require_keeper(store, who, term.body_id).await?;
    let election_on = parse_date("election_on", &input.election_on)?;
    if term.closed_on.is_some() {
        return Err(AppError::invalid(
            "term",
            "این دوره بسته شده است.",
            "This term is closed.",
        ));
    }
    if term.election_on.is_some() || councils::member_count(store, term_id).await? > 0 {
        return Err(AppError::invalid(
            "term",
            "نتیجه انتخابات این دوره پیش‌تر ثبت شده است.",
            "This term's election results are recorded already.",
        ));
    }
    if input.candidates.len() > 1000 {
        return Err(AppError::invalid(
            "candidates",
            "بیش از ۱۰۰۰ نامزد پذیرفته نمی‌شود.",
            "At most 1,000 candidates.",
        ));
    }
    let mut errors = Vec::new();
    for c in &input.candidates {
        match mahalle_db::people::get(store, c.person_id).await {
            Ok(_) => {}
            Err(DbError::NotFound) => errors.push(FieldError::new(
                "candidates",
                format!(
                    "فرد شماره {} در فهرست افراد نیست؛ نخست او را بیفزایید.",
                    mahalle_core::text::to_persian_digits(&c.person_id.to_string())
                ),
                format!(
                    "Person #{} is not in the registry; add them first.",
                    c.person_id
                ),
            )),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let candidates: Vec<Candidate> = input
        .candidates
        .iter()
        .map(|c| Candidate {
            person_id: c.person_id,
            votes: c.votes,
            lot: c.lot,
        })
        .collect();
    let decided = rules::decide_election(term.seats, term.alternates, input.ballots, &candidates)
        .map_err(AppError::Invalid)?;
    let rows: Vec<councils::ElectedRow> = decided
        .iter()
        .map(|(c, o)| {
            let (outcome, rank) = match o {
                Outcome::Elected => ("elected", None),
                Outcome::Alternate(r) => ("alternate", Some(*r)),
                Outcome::NotElected => ("not_elected", None),
            };
            (c.person_id, c.votes, c.lot, outcome, rank)
        })
        .collect();
    let (rows, term, ballots) = (&rows, &term, input.ballots);
    let after = json!({"election_on": election_on, "ballots": ballots, "candidates": rows.len(),
                       "elected": rows.iter().filter(|r| r.3 == "elected").map(|r| r.0).collect::<Vec<_>>()});
    let after = &after;
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                councils::record_election(tx, term, election_on, ballots, rows).await?;
                Ok(audit::log(
                    tx,
                    user,
                    "record_election",
                    "term",
                    term.id,
                    None,
                    Some(after.clone()),
                )
                .await?)
            })
        })
        .await
}

/// A sitting membership and its term, checked to be open and kept by `who`.
async fn sitting_member(
    store: &Store,
    who: &Principal,
    membership_id: i64,
) -> Result<(Member, Term, i64), AppError> {
    let body = councils::body_of_membership(store, membership_id).await?;
    require_keeper(store, who, body).await?;
    let m = councils::get_member(store, membership_id).await?;
    let Some(term_id) = m.term_id else {
        return Err(AppError::NotFound);
    };
    let term = councils::get_term(store, term_id).await?;
    if term.closed_on.is_some() || m.ends_on.is_some_and(|e| e <= crate::today()) {
        return Err(AppError::invalid(
            "membership",
            "این عضویت پایان یافته است.",
            "This membership has ended.",
        ));
    }
    Ok((m, term, body))
}

/// Gives a sitting member an office (chair, vice-chair, secretary) or makes them a member again.
pub async fn set_role(
    store: &Store,
    who: &Principal,
    membership_id: i64,
    role: &str,
) -> Result<(), AppError> {
    let (m, term, _) = sitting_member(store, who, membership_id).await?;
    let Some(role) = MemberRole::parse(role.trim()) else {
        return Err(AppError::invalid(
            "role",
            "سمت را از فهرست انتخاب کنید.",
            "Choose the office from the list.",
        ));
    };
    let current = MemberRole::parse(&m.role).unwrap_or(MemberRole::Member);
    let others: Vec<MemberRole> = councils::sitting(store, term.id, crate::today())
        .await?
        .iter()
        .filter(|o| o.id != m.id && o.person_id != m.person_id)
        .filter_map(|o| MemberRole::parse(&o.role))
        .collect();
    rules::check_role(current, role, &others).map_err(|e| AppError::Invalid(vec![e]))?;
    let user = who.user_id;
    let before = m.role.clone();
    let before = &before;
    store
        .write(|tx, _| {
            Box::pin(async move {
                councils::set_role(tx, membership_id, role.as_str()).await?;
                Ok(audit::log(
                    tx,
                    user,
                    "set_role",
                    "membership",
                    membership_id,
                    Some(json!({"role": before})),
                    Some(json!({"role": role.as_str()})),
                )
                .await?)
            })
        })
        .await
}

/// An early departure as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DepartureInput {
    /// resigned, removed or deceased
    #[serde(default)]
    pub departure: String,
    /// The day service ends (Jalali or ISO).
    #[serde(default)]
    pub on: String,
    /// Why (the resignation letter's date, the decision removing them…).
    #[serde(default)]
    pub reason: String,
}

/// Ends a member's service early (resignation, removal, death) with its date and reason; a
/// member's seat goes to the first alternate in line from the same day. Returns the new
/// member's membership, if an alternate was seated.
pub async fn depart(
    store: &Store,
    who: &Principal,
    membership_id: i64,
    input: &DepartureInput,
) -> Result<Option<i64>, AppError> {
    let (m, term, body) = sitting_member(store, who, membership_id).await?;
    let mut errors = Vec::new();
    let departure = Departure::parse(input.departure.trim());
    if departure.is_none() {
        errors.push(FieldError::new(
            "departure",
            "علت پایان عضویت را انتخاب کنید.",
            "Choose why the membership ends.",
        ));
    }
    let on = parse_date("on", &input.on)
        .map_err(|e| errors.extend(e.fields()))
        .ok();
    if on.is_some_and(|on| on < m.starts_on || term.ends_on.is_some_and(|e| on >= e)) {
        errors.push(FieldError::new(
            "on",
            "تاریخ پایان عضویت باید در دوره و پس از آغاز عضویت باشد.",
            "The date must fall within the term, after the membership began.",
        ));
    }
    let reason = mahalle_core::text::normalize_multiline(&input.reason);
    if reason.is_empty() || reason.chars().count() > 2000 {
        errors.push(FieldError::new(
            "reason",
            "دلیل یا مستند پایان عضویت را (تا ۲۰۰۰ نویسه) بنویسید.",
            "Give the reason or the decision ending the membership (up to 2,000 characters).",
        ));
    }
    let (Some(departure), Some(on)) = (departure, on) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    // Who steps in: the first alternate in line still sitting that day.
    let next = if m.role == MemberRole::Alternate.as_str() {
        None
    } else {
        councils::sitting(store, term.id, on)
            .await?
            .into_iter()
            .filter(|o| o.role == MemberRole::Alternate.as_str() && o.id != m.id)
            .min_by_key(|o| (o.alternate_rank.unwrap_or(i64::MAX), o.id))
    };
    let (next, reason, m) = (&next, &reason, &m);
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                councils::depart(tx, membership_id, on, departure.as_str(), reason).await?;
                close_accounts(tx, user, &[m.person_id], body).await?;
                audit::log(
                    tx,
                    user,
                    "depart",
                    "membership",
                    membership_id,
                    None,
                    Some(json!({"departure": departure.as_str(), "on": on, "reason": reason})),
                )
                .await?;
                let Some(alt) = next else {
                    return Ok(None);
                };
                let seated = councils::seat_alternate(tx, alt, body, on).await?;
                audit::log(
                    tx,
                    user,
                    "seat_alternate",
                    "membership",
                    seated,
                    Some(json!({"alternate_membership": alt.id, "alternate_rank": alt.alternate_rank})),
                    Some(json!({"person_id": alt.person_id, "from": on, "replacing": membership_id})),
                )
                .await?;
                Ok(Some(seated))
            })
        })
        .await
}

/// Closes a term on a date: its members' service ends then and they move to the council's
/// history (awaiting thanks). Once.
pub async fn close_term(
    store: &Store,
    who: &Principal,
    term_id: i64,
    on: &str,
) -> Result<(), AppError> {
    let term = councils::get_term(store, term_id).await?;
    require_keeper(store, who, term.body_id).await?;
    let on = parse_date("closed_on", on)?;
    rules::check_close(term.dates(), on).map_err(|e| AppError::Invalid(vec![e]))?;
    let leaving: Vec<i64> = councils::sitting(store, term_id, on)
        .await?
        .iter()
        .map(|m| m.person_id)
        .collect();
    let user = who.user_id;
    let before = json!({"ends_on": term.ends_on});
    let (before, leaving, body) = (&before, &leaving, term.body_id);
    store
        .write(|tx, _| {
            Box::pin(async move {
                let ended = councils::close_term(tx, term_id, on).await?;
                close_accounts(tx, user, leaving, body).await?;
                Ok(audit::log(
                    tx,
                    user,
                    "close",
                    "term",
                    term_id,
                    Some(before.clone()),
                    Some(json!({"closed_on": on, "memberships_ended": ended})),
                )
                .await?)
            })
        })
        .await
}

/// Reads the page's candidate lines, `person | votes | lot`: the person by full name or number
/// (`#12`), votes and the optional lot in any digits; `|`, `،` or a tab between them.
pub async fn parse_candidate_lines(
    store: &Store,
    text: &str,
) -> Result<Vec<CandidateInput>, AppError> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .take(1001)
    {
        let n = mahalle_core::text::to_persian_digits(&(i + 1).to_string());
        let parts: Vec<&str> = line.split(['|', '\t', '،']).map(str::trim).collect();
        let number = |s: Option<&&str>| {
            s.and_then(|s| mahalle_core::text::to_latin_digits(s).parse::<i64>().ok())
        };
        let (Some(person), Some(votes)) = (
            parts
                .first()
                .and_then(|p| mahalle_core::meetings::PersonRef::parse(p)),
            number(parts.get(1)),
        ) else {
            errors.push(FieldError::new(
                "candidates",
                format!("سطر {n}: «نام یا شماره فرد | رأی | قرعه» بنویسید."),
                format!("Line {}: write «name or #number | votes | lot».", i + 1),
            ));
            continue;
        };
        let lot = number(parts.get(2));
        let found = match &person {
            mahalle_core::meetings::PersonRef::Id(id) => {
                mahalle_db::people::candidates(store, Some(*id), None).await?
            }
            mahalle_core::meetings::PersonRef::Name { key, .. } => {
                mahalle_db::people::candidates(store, None, Some(key)).await?
            }
        };
        match person.pick("candidates", &found) {
            Ok(person_id) => out.push(CandidateInput {
                person_id,
                votes,
                lot,
            }),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Former members' council-member accounts for the body's neighborhood: the role is withdrawn
/// and an account left with none is closed, each audited.
async fn close_accounts(
    tx: &mut mahalle_db::Tx,
    actor: i64,
    people: &[i64],
    body: i64,
) -> Result<(), DbError> {
    let Some(n) = councils::neighborhood_of_body(tx, body).await? else {
        return Ok(());
    };
    for &person in people {
        for user in mahalle_db::auth::withdraw_council_role(tx, person, n).await? {
            audit::log(
                tx,
                actor,
                "deactivate",
                "user",
                user,
                Some(json!({"council_member": n})),
                Some(json!({"active": false, "why": "council membership ended"})),
            )
            .await?;
        }
    }
    Ok(())
}

/// A membership of a body this user keeps, with its term.
async fn kept_membership(
    store: &Store,
    who: &Principal,
    membership_id: i64,
) -> Result<(Member, Term, i64), AppError> {
    let body = councils::body_of_membership(store, membership_id).await?;
    require_keeper(store, who, body).await?;
    let m = councils::get_member(store, membership_id).await?;
    let term = councils::get_term(store, m.term_id.ok_or(AppError::NotFound)?).await?;
    Ok((m, term, body))
}

/// A recognition given: its id and certificate number.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct Given {
    pub id: i64,
    pub certificate_no: String,
}

/// Thanks a former member (تقدیر) for their service in a term that is over for them: a
/// recognition with a numbered certificate, once per membership.
pub async fn thank(store: &Store, who: &Principal, membership_id: i64) -> Result<Given, AppError> {
    let (m, term, body) = kept_membership(store, who, membership_id).await?;
    let today = crate::today();
    if !rules::awaiting_thanks(m.ends_on, m.thanked_on, today) {
        return Err(AppError::invalid(
            "membership",
            "تقدیر برای عضوی است که خدمتش پایان یافته و هنوز از او تقدیر نشده است.",
            "Thanks are for a member whose service has ended and who has not been thanked yet.",
        ));
    }
    let given = thank_members(store, who.user_id, body, &term, &[m]).await?;
    given.into_iter().next().ok_or(AppError::NotFound)
}

/// Thanks every former member of a term still awaiting it. Returns how many were thanked.
pub async fn thank_all(store: &Store, who: &Principal, term_id: i64) -> Result<usize, AppError> {
    let term = councils::get_term(store, term_id).await?;
    require_keeper(store, who, term.body_id).await?;
    let today = crate::today();
    let waiting: Vec<Member> = councils::members_of(store, term.body_id, Some(term_id))
        .await?
        .into_iter()
        .filter(|m| rules::awaiting_thanks(m.ends_on, m.thanked_on, today))
        .collect();
    Ok(
        thank_members(store, who.user_id, term.body_id, &term, &waiting)
            .await?
            .len(),
    )
}

async fn thank_members(
    store: &Store,
    user: i64,
    body: i64,
    term: &Term,
    members: &[Member],
) -> Result<Vec<Given>, AppError> {
    let council = org::get(store, body).await?;
    let district = district_of_body(store, body).await?;
    let today = crate::today();
    let year = mahalle_core::jalali::JalaliDate::from_gregorian(today).year;
    let (council, term) = (&council, term);
    store
        .write(|tx, _| {
            Box::pin(async move {
                let mut given = Vec::new();
                for m in members {
                    let role = MemberRole::parse(&m.role).unwrap_or(MemberRole::Member);
                    let (fa, en) =
                        rules::thanks_reason(role, term.number, &council.name_fa, &council.name_en);
                    let reason = format!("{fa}\n{en}");
                    let new = councils::NewRecognition {
                        person_id: m.person_id,
                        membership_id: Some(m.id),
                        district_id: district,
                        reason: &reason,
                        given_on: today,
                        given_by: Some(user),
                        kind: "council_service",
                        giver: "",
                        meeting_id: None,
                    };
                    let Some((id, no)) = councils::give_recognition(tx, &new, |id| {
                        rules::certificate_no(year, district, id)
                    })
                    .await?
                    else {
                        // Thanked by someone else meanwhile.
                        continue;
                    };
                    audit::log(
                        tx,
                        user,
                        "thank",
                        "membership",
                        m.id,
                        None,
                        Some(json!({"recognition": id, "certificate_no": no})),
                    )
                    .await?;
                    given.push(Given {
                        id,
                        certificate_no: no,
                    });
                }
                Ok(given)
            })
        })
        .await
}

/// One step of a new member's onboarding as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct OnboardingInput {
    /// orientation or contact (the account is opened with its own call)
    #[serde(default)]
    pub step: String,
    /// The day it was done (Jalali or ISO); today when empty.
    #[serde(default)]
    pub on: String,
}

/// Marks an onboarding step of a sitting member: orientation attended, or contact verified.
pub async fn onboarding_step(
    store: &Store,
    who: &Principal,
    membership_id: i64,
    input: &OnboardingInput,
) -> Result<(), AppError> {
    let (m, _, _) = sitting_member(store, who, membership_id).await?;
    let step = match OnboardingStep::parse(input.step.trim()) {
        Some(s @ (OnboardingStep::Orientation | OnboardingStep::Contact)) => s,
        _ => {
            return Err(AppError::invalid(
                "step",
                "مرحله را انتخاب کنید: نشست توجیهی یا تأیید تماس.",
                "Choose the step: orientation or contact.",
            ))
        }
    };
    let on = if input.on.trim().is_empty() {
        crate::today()
    } else {
        parse_date("on", &input.on)?
    };
    if on < m.starts_on.min(crate::today()) - chrono::Days::new(366) || on > crate::today() {
        return Err(AppError::invalid(
            "on",
            "تاریخ انجام مرحله نمی‌تواند در آینده یا بیش از یک سال پیش از عضویت باشد.",
            "A step cannot be done in the future, or over a year before the membership.",
        ));
    }
    let user = who.user_id;
    store
        .write(|tx, _| {
            Box::pin(async move {
                councils::set_onboarding(tx, membership_id, step, on, None).await?;
                Ok(audit::log(
                    tx,
                    user,
                    "onboarding",
                    "membership",
                    membership_id,
                    None,
                    Some(json!({"step": step.as_str(), "on": on})),
                )
                .await?)
            })
        })
        .await
}

/// A council member's account as it is opened: its name and a password shown once.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct OpenedAccount {
    pub user_id: i64,
    pub username: String,
    /// Shown this once; give it to the member, who changes it on first use.
    pub password: String,
}

/// Opens (or reopens) a sitting member's council-member account for their neighborhood, with a
/// new password shown once: the onboarding's account step.
pub async fn open_account(
    store: &Store,
    who: &Principal,
    membership_id: i64,
) -> Result<OpenedAccount, AppError> {
    let (m, _, body) = sitting_member(store, who, membership_id).await?;
    if m.role == MemberRole::Alternate.as_str() {
        return Err(AppError::invalid(
            "membership",
            "عضو علی‌البدل تا نشستن بر کرسی حساب شورایاری نمی‌گیرد.",
            "An alternate gets a council account once seated.",
        ));
    }
    let Some(neighborhood) = org::get(store, body).await?.neighborhood_id else {
        return Err(AppError::invalid(
            "membership",
            "حساب شورایاری برای شورایاری محله است.",
            "Council accounts are for neighborhood councils.",
        ));
    };
    let grant = mahalle_core::access::Grant::new(
        mahalle_core::access::Role::CouncilMember,
        mahalle_core::access::Scope::Neighborhood(neighborhood),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e:?}")))?;
    let existing = mahalle_db::auth::user_of_person(store, m.person_id).await?;
    let username = match &existing {
        Some(u) => u.username.clone(),
        None => {
            let base = rules::council_username(m.person_id);
            let mut name = base.clone();
            let mut n = 2;
            while mahalle_db::auth::username_taken(store, &name).await? {
                name = format!("{base}-{n}");
                n += 1;
            }
            name
        }
    };
    let password = crate::http::passwords::new_password();
    let hash = crate::http::passwords::hash_password(password.clone()).await?;
    let display = m.full_name_fa.clone();
    let (existing, username_ref, hash, display) = (&existing, &username, &hash, &display);
    let user = who.user_id;
    let user_id = store
        .write(|tx, _| {
            Box::pin(async move {
                let id = match existing {
                    Some(u) => {
                        mahalle_db::auth::set_password(tx, u.id, hash).await?;
                        mahalle_db::auth::set_active(tx, u.id, true).await?;
                        u.id
                    }
                    None => {
                        let id = mahalle_db::auth::create_user(tx, username_ref, display, hash).await?;
                        mahalle_db::auth::link_person(tx, id, m.person_id).await?;
                        id
                    }
                };
                let mut grants = mahalle_db::auth::grants_of_tx(tx, id).await?;
                if !grants.contains(&grant) {
                    grants.push(grant);
                    mahalle_db::auth::set_grants(tx, id, &grants).await?;
                }
                councils::set_onboarding(tx, membership_id, OnboardingStep::Account, crate::today(), Some(id)).await?;
                audit::log(tx, user, "open_account", "membership", membership_id, None,
                    Some(json!({"user_id": id, "username": username_ref, "neighborhood": neighborhood}))).await?;
                Ok::<_, AppError>(id)
            })
        })
        .await?;
    Ok(OpenedAccount {
        user_id,
        username,
        password,
    })
}
