//! Neighborhood challenges: staff raise them from citizens' requests (`requests::ops`), and the
//! secretariat records the resolution that answers each.

use chrono::Utc;
use mahalle_core::access::{Principal, Role};
use mahalle_core::challenges::{
    self as rules, ChallengePriority, ChallengeSource, ChallengeStatus,
};
use mahalle_core::resolutions;
use mahalle_core::text;
use mahalle_core::validate::FieldError;
use mahalle_db::challenges::{self as store_challenges};
use mahalle_db::{audit, DbError, Store};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::error::AppError;

/// What the secretariat typed to name the answering resolution: its number («۱۴۰۴/۲۳/۱۲») or
/// its id; empty clears the link.
pub async fn answer_with(
    store: &Store,
    who: &Principal,
    challenge_id: i64,
    resolution: &str,
) -> Result<Option<i64>, AppError> {
    let ch = store_challenges::get(store, challenge_id).await?;
    if !who.is_secretariat_for(Some(ch.district_id)) {
        return Err(AppError::Forbidden);
    }
    let resolution_id = resolve(store, resolution).await?;
    if let Some(rid) = resolution_id {
        // Only a resolution the setter may see can answer (or its title would leak here).
        let r = mahalle_db::resolutions::get(store, rid).await?;
        let (mut involved, _) = mahalle_db::resolutions::parties(store, &r).await?;
        involved.push(r.lead_org_id);
        if !who
            .reach()
            .sees(r.district_id, r.neighborhood_id, &involved)
        {
            return Err(AppError::invalid(
                "resolution",
                "مصوبه‌ای با این شماره نیست.",
                "No resolution has this number.",
            ));
        }
    }
    store
        .write(|tx, _| {
            Box::pin(async move {
                store_challenges::set_resolution(tx, challenge_id, resolution_id, Utc::now())
                    .await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "answer",
                        entity: "challenge",
                        entity_id: Some(challenge_id),
                        before: Some(json!({"resolution_id": ch.resolution_id})),
                        after: Some(json!({"resolution_id": resolution_id})),
                    },
                )
                .await?;
                Ok(resolution_id)
            })
        })
        .await
}

async fn resolve(store: &Store, typed: &str) -> Result<Option<i64>, AppError> {
    let typed = text::to_latin_digits(typed.trim());
    let typed = typed.trim_start_matches('#');
    if typed.is_empty() {
        return Ok(None);
    }
    let invalid =
        |fa: &str, en: &str| AppError::Invalid(vec![FieldError::new("resolution", fa, en)]);
    if let Ok(id) = typed.parse::<i64>() {
        return match mahalle_db::resolutions::get(store, id).await {
            Ok(r) => Ok(Some(r.id)),
            Err(DbError::NotFound) => Err(invalid(
                "مصوبه‌ای با این شناسه نیست.",
                "No resolution has this id.",
            )),
            Err(e) => Err(e.into()),
        };
    }
    let Some((year, session, item)) = resolutions::parse_number(typed) else {
        return Err(invalid(
            "شماره مصوبه را به شکل سال/جلسه/بند بنویسید، مانند ۱۴۰۴/۲۳/۱۲.",
            "Write the resolution number as year/session/item, like 1404/23/12.",
        ));
    };
    let found = store_challenges::resolutions_numbered(store, year, session, item).await?;
    match found.as_slice() {
        [(id, _)] => Ok(Some(*id)),
        [] => Err(invalid(
            "مصوبه‌ای با این شماره نیست.",
            "No resolution has this number.",
        )),
        many => Err(AppError::Invalid(vec![FieldError::new(
            "resolution",
            format!(
                "چند مصوبه این شماره را دارند ({}); شناسه مصوبه را بنویسید: {}.",
                many.iter()
                    .map(|(_, b)| b.as_str())
                    .collect::<Vec<_>>()
                    .join("، "),
                many.iter()
                    .map(|(id, _)| text::to_persian_digits(&id.to_string()))
                    .collect::<Vec<_>>()
                    .join("، ")
            ),
            format!(
                "Several resolutions have this number; write the resolution's id: {}.",
                many.iter()
                    .map(|(id, _)| id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )])),
    }
}

/// The challenge lists' filter as pages and the API receive it; `answered` is "yes", "no" or
/// anything else for both; `status` a status's code or anything else for all.
pub fn list_filter(
    district_id: Option<i64>,
    neighborhood_id: Option<i64>,
    domain: &str,
    answered: &str,
    status: &str,
) -> store_challenges::Filter {
    store_challenges::Filter {
        district_id,
        neighborhood_id,
        domain: mahalle_core::domain::Domain::parse(domain).map(|d| d.as_str().to_string()),
        status: ChallengeStatus::parse(status).map(|s| s.as_str().to_string()),
        answered: match answered {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    }
}

/// Who decides a challenge's course: the city's secretariat, and the district's mayor (its
/// secretariat) for the district's challenges.
fn require_decider(who: &Principal, district: i64) -> Result<(), AppError> {
    if who.is_secretariat_for(Some(district)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A step of the workflow as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct StatusInput {
    /// accepted, planned, being_solved, solved, rejected or raised (reconsidered)
    #[serde(default)]
    pub status: String,
    /// Required to reject, reopen or reconsider.
    #[serde(default)]
    pub reason: String,
}

/// Moves a challenge one step along its workflow (`mahalle_core::challenges::transition`).
pub async fn set_status(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &StatusInput,
) -> Result<(), AppError> {
    let ch = store_challenges::get(store, id).await?;
    require_decider(who, ch.district_id)?;
    let from = ChallengeStatus::parse(&ch.status).unwrap_or(ChallengeStatus::Raised);
    let Some(to) = ChallengeStatus::parse(input.status.trim()) else {
        return Err(AppError::invalid(
            "status",
            "وضعیت را از فهرست انتخاب کنید.",
            "Choose the status from the list.",
        ));
    };
    let reason = text::normalize_multiline(&input.reason);
    if reason.chars().count() > 2000 {
        return Err(AppError::invalid(
            "reason",
            "دلیل تا ۲۰۰۰ نویسه است.",
            "The reason takes up to 2,000 characters.",
        ));
    }
    rules::transition(from, to, &reason).map_err(|e| AppError::Invalid(vec![e]))?;
    let (user, reason) = (who.user_id, &reason);
    store
        .write(|tx, _| {
            Box::pin(async move {
                store_challenges::set_status(
                    tx,
                    id,
                    from.as_str(),
                    to.as_str(),
                    reason,
                    Some(user),
                    Utc::now(),
                )
                .await?;
                Ok(audit::log(
                    tx,
                    user,
                    "set_status",
                    "challenge",
                    id,
                    Some(json!({"status": from.as_str()})),
                    Some(json!({"status": to.as_str(), "reason": reason})),
                )
                .await?)
            })
        })
        .await
}

/// Where a challenge came from, how urgent it is and why, and who owns it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DetailsInput {
    /// citizens, council, trustee, imam, manager, supervisory_visit or think_tank
    #[serde(default)]
    pub source: String,
    /// low, normal, high or urgent
    #[serde(default)]
    pub priority: String,
    /// Why this priority (required above normal).
    #[serde(default)]
    pub priority_reason: String,
    /// The organisation that owns solving it.
    #[serde(default, deserialize_with = "crate::http::extract::text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub owner_org_id: String,
}

pub async fn set_details(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &DetailsInput,
) -> Result<(), AppError> {
    let ch = store_challenges::get(store, id).await?;
    require_decider(who, ch.district_id)?;
    let mut errors = Vec::new();
    let source = ChallengeSource::parse(input.source.trim());
    if source.is_none() {
        errors.push(FieldError::new(
            "source",
            "منشأ چالش را انتخاب کنید.",
            "Choose where the challenge came from.",
        ));
    }
    let priority = ChallengePriority::parse(input.priority.trim());
    if priority.is_none() {
        errors.push(FieldError::new(
            "priority",
            "اولویت را انتخاب کنید.",
            "Choose the priority.",
        ));
    }
    let reason = text::normalize(&input.priority_reason);
    if matches!(
        priority,
        Some(ChallengePriority::High | ChallengePriority::Urgent)
    ) && reason.chars().count() < 3
        || reason.chars().count() > 500
    {
        errors.push(FieldError::new(
            "priority_reason",
            "برای اولویت زیاد یا فوری دلیل را (تا ۵۰۰ نویسه) بنویسید.",
            "A high or urgent priority needs its reason (up to 500 characters).",
        ));
    }
    let owner = match text::to_latin_digits(input.owner_org_id.trim()) {
        t if t.is_empty() => None,
        t => match t.parse::<i64>() {
            Ok(o) => match mahalle_db::org::get(store, o).await {
                Ok(org) if org.retired_on.is_none() => Some(org.id),
                Ok(_) | Err(DbError::NotFound) => {
                    errors.push(FieldError::new(
                        "owner_org_id",
                        "سازمان مسئول را از فهرست انتخاب کنید.",
                        "Choose the owning organisation from the list.",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
            Err(_) => {
                errors.push(FieldError::new(
                    "owner_org_id",
                    "سازمان مسئول را از فهرست انتخاب کنید.",
                    "Choose the owning organisation from the list.",
                ));
                None
            }
        },
    };
    let (Some(source), Some(priority)) = (source, priority) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let before = json!({"source": ch.source, "priority": ch.priority, "priority_reason": ch.priority_reason, "owner_org_id": ch.owner_org_id});
    let (user, reason, before) = (who.user_id, &reason, &before);
    store
        .write(|tx, _| {
            Box::pin(async move {
                store_challenges::set_details(tx, id, source.as_str(), priority.as_str(), reason, owner, Utc::now()).await?;
                Ok(audit::log(tx, user, "set_details", "challenge", id, Some(before.clone()),
                    Some(json!({"source": source.as_str(), "priority": priority.as_str(), "priority_reason": reason, "owner_org_id": owner}))).await?)
            })
        })
        .await
}

/// Whether `who` sits on the council of this neighborhood (may endorse its challenges).
pub fn may_endorse(who: &Principal, neighborhood: i64) -> bool {
    who.on_council(neighborhood)
}

/// A council member of the challenge's neighborhood endorses it, once; endorsements order the
/// neighborhood's list.
pub async fn endorse(store: &Store, who: &Principal, id: i64) -> Result<(), AppError> {
    let ch = store_challenges::get(store, id).await?;
    if !may_endorse(who, ch.neighborhood_id) {
        return Err(AppError::Forbidden);
    }
    let user = who.user_id;
    let added = store
        .write(|tx, _| {
            Box::pin(async move {
                let added = store_challenges::endorse(tx, id, user, Utc::now()).await?;
                if added {
                    audit::log(tx, user, "endorse", "challenge", id, None, None).await?;
                }
                Ok::<_, AppError>(added)
            })
        })
        .await?;
    if added {
        Ok(())
    } else {
        Err(AppError::invalid(
            "endorsement",
            "شما پیش‌تر این چالش را تأیید کرده‌اید.",
            "You have endorsed this challenge already.",
        ))
    }
}

/// A challenge as someone raises it directly (a council member, the district's staff).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RaiseInput {
    #[serde(default, deserialize_with = "crate::http::extract::text_or_number")]
    #[schema(value_type = i64)]
    pub neighborhood_id: String,
    /// A domain code, e.g. `urban_services`.
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// council, trustee, imam, manager, supervisory_visit, think_tank or citizens
    #[serde(default)]
    pub source: String,
    /// Save although likely duplicates were shown.
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub confirm: bool,
    /// The meeting (a think-tank, a supervisory visit) it is an outcome of; its source then
    /// defaults to the meeting's kind.
    #[serde(default, deserialize_with = "crate::http::extract::text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub meeting_id: String,
}

/// Who may raise a challenge in a neighborhood: its council members, and the secretariat of its
/// district (the city's, the district mayor).
pub fn may_raise(who: &Principal, neighborhood: i64, district: i64) -> bool {
    may_endorse(who, neighborhood) || who.is_secretariat_for(Some(district))
}

/// Raises a challenge. Likely duplicates in the same neighborhood (alike normalised Persian
/// text) are named first and nothing is saved, unless `confirm` says they were seen. Returns
/// its id.
pub async fn raise(store: &Store, who: &Principal, input: &RaiseInput) -> Result<i64, AppError> {
    // Those who may raise none anywhere are refused before their input is judged.
    if !(who.has(Role::CouncilMember) || who.may_record_meetings()) {
        return Err(AppError::Forbidden);
    }
    let Some(n) = crate::http::form::current_neighborhood(store, &input.neighborhood_id).await?
    else {
        return Err(AppError::Invalid(vec![
            crate::http::form::choose_neighborhood(),
        ]));
    };
    if !may_raise(who, n.id, n.district_id) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let title = mahalle_core::validate::required_text("title", &input.title, 300)
        .map_err(|_| {
            errors.push(FieldError::new(
                "title",
                "عنوان چالش را (تا ۳۰۰ نویسه) بنویسید.",
                "Give the challenge's title (up to 300 characters).",
            ))
        })
        .unwrap_or_default();
    let body = text::normalize_multiline(&input.body);
    if body.chars().count() > 4000 {
        errors.push(FieldError::new(
            "body",
            "شرح تا ۴۰۰۰ نویسه است.",
            "The description takes up to 4,000 characters.",
        ));
    }
    let domain = mahalle_core::domain::Domain::parse(input.domain.trim());
    if domain.is_none() {
        errors.push(FieldError::new(
            "domain",
            "حوزه را از فهرست انتخاب کنید.",
            "Choose the domain from the list.",
        ));
    }
    let meeting = match text::to_latin_digits(input.meeting_id.trim()) {
        t if t.is_empty() => None,
        t => {
            let m = match t.parse::<i64>() {
                Ok(id) => {
                    match mahalle_db::meetings::get(store, id, crate::http::clock::today()).await {
                        Ok(m) => Some(m),
                        Err(DbError::NotFound) => None,
                        Err(e) => return Err(e.into()),
                    }
                }
                Err(_) => None,
            };
            match m {
                // Only those who act for the meeting record its outcomes: its secretariat, or
                // the council of the neighborhood it is of.
                Some(m)
                    if !(who.is_secretariat_for(m.district_id)
                        || m.neighborhood_id.is_some_and(|x| who.on_council(x))) =>
                {
                    return Err(AppError::Forbidden)
                }
                Some(m)
                    if rules::meeting_covers(
                        m.district_id,
                        m.neighborhood_id,
                        n.district_id,
                        n.id,
                    ) =>
                {
                    Some(m)
                }
                Some(_) => {
                    errors.push(FieldError::new(
                        "neighborhood_id",
                        "این جلسه به محله دیگری مربوط است؛ چالش همان محله را ثبت کنید.",
                        "This meeting belongs to another place; record a challenge of its neighborhood.",
                    ));
                    None
                }
                None => {
                    errors.push(FieldError::new(
                        "meeting_id",
                        "جلسه‌ای با این شناسه نیست.",
                        "No meeting has this id.",
                    ));
                    None
                }
            }
        }
    };
    let source = match (input.source.trim(), &meeting) {
        ("", Some(m)) => {
            mahalle_core::meetings::MeetingKind::parse(&m.kind).map(ChallengeSource::of_meeting)
        }
        (s, _) => ChallengeSource::parse(s),
    };
    if source.is_none() {
        errors.push(FieldError::new(
            "source",
            "منشأ چالش را انتخاب کنید.",
            "Choose where the challenge came from.",
        ));
    }
    let (Some(domain), Some(source)) = (domain, source) else {
        return Err(AppError::Invalid(errors));
    };
    let meeting_id = meeting.map(|m| m.id);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if !input.confirm {
        let others = store_challenges::keys_of_neighborhood(store, n.id, 0).await?;
        let alike = rules::likely_duplicates(&text::search_key(&title), &others);
        if !alike.is_empty() {
            let mut named = Vec::new();
            for id in alike.into_iter().take(5) {
                let c = store_challenges::get(store, id).await?;
                named.push(format!("#{} «{}»", c.id, c.title));
            }
            let named = named.join("، ");
            return Err(AppError::invalid(
                "confirm",
                format!("چالش‌های همانندی در این محله هست: {}. اگر این چالش دیگری است، «ثبت با وجود همانندها» را بزنید.", text::to_persian_digits(&named)),
                format!("This neighborhood has likely the same challenge already: {named}. If yours is another, confirm to save it anyway."),
            ));
        }
    }
    let (user, title, body) = (who.user_id, &title, &body);
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = store_challenges::create(
                    tx,
                    &store_challenges::NewChallenge {
                        neighborhood_id: n.id,
                        domain: domain.as_str(),
                        title,
                        body,
                        created_by: Some(user),
                        meeting_id,
                    },
                    now,
                )
                .await?;
                store_challenges::set_details(tx, id, source.as_str(), "normal", "", None, now)
                    .await?;
                audit::log(
                    tx,
                    user,
                    "raise",
                    "challenge",
                    id,
                    None,
                    Some(
                        json!({"neighborhood_id": n.id, "title": title, "source": source.as_str(), "meeting_id": meeting_id}),
                    ),
                )
                .await?;
                Ok(id)
            })
        })
        .await
}
