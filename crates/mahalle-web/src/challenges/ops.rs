//! Neighborhood challenges made from citizens' requests: when several people report the same
//! problem, staff turn one request into a challenge of its neighborhood and point the others at
//! it; the secretariat records the resolution that answers it.

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::resolutions;
use mahalle_core::text;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::challenges::{self as store_challenges, NewChallenge};
use mahalle_db::requests as store_requests;
use mahalle_db::{audit, DbError, Store};
use serde_json::json;

use crate::http::error::AppError;
use crate::requests::ops::may_handle;

/// Creates a challenge in the request's neighborhood, titled by staff, and points the request at
/// it. The citizen's own words stay with the request (whose readers are limited): challenges are
/// read by all staff. Returns the challenge's id.
pub async fn create_from_request(
    store: &Store,
    who: &Principal,
    request_id: i64,
    title: &str,
) -> Result<i64, AppError> {
    let r = store_requests::get(store, request_id).await?;
    if !may_handle(who, &r) {
        return Err(AppError::Forbidden);
    }
    let title = validate::required_text("title", title, 200)?;
    let Some(neighborhood_id) = r.neighborhood_id else {
        return Err(AppError::Invalid(vec![FieldError::new(
            "title",
            "این درخواست محله ندارد؛ مسئله محله تنها برای درخواستِ دارای محله ساخته می‌شود.",
            "This request has no neighborhood; a challenge needs one.",
        )]));
    };
    let service = store_requests::service(store, r.service_id).await?;
    let now = Utc::now();
    store
        .write(|tx, _| {
            let (service, title) = (&service, &title);
            Box::pin(async move {
                let id = store_challenges::create(
                    tx,
                    &NewChallenge {
                        neighborhood_id,
                        domain: &service.domain,
                        title,
                        body: "",
                        created_by: Some(who.user_id),
                    },
                    now,
                )
                .await?;
                store_requests::set_challenge(tx, request_id, Some(id), now).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "create",
                        entity: "challenge",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({"title": title, "from_request": request_id})),
                    },
                )
                .await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "link_challenge",
                        entity: "service_request",
                        entity_id: Some(request_id),
                        before: Some(json!({"challenge_id": r.challenge_id})),
                        after: Some(json!({"challenge_id": id})),
                    },
                )
                .await?;
                Ok(id)
            })
        })
        .await
}

/// Points a request at a neighborhood challenge (or at none).
pub async fn link_request(
    store: &Store,
    who: &Principal,
    id: i64,
    challenge_id: Option<i64>,
) -> Result<(), AppError> {
    let r = store_requests::get(store, id).await?;
    if !may_handle(who, &r) {
        return Err(AppError::Forbidden);
    }
    if let Some(c) = challenge_id {
        let ch = mahalle_db::challenges::get(store, c).await?;
        if r.district_id.is_some_and(|d| d != ch.district_id) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "challenge_id",
                "این مسئله به منطقه دیگری تعلق دارد.",
                "This challenge belongs to another district.",
            )]));
        }
    }
    store
        .write(|tx, _| {
            Box::pin(async move {
                store_requests::set_challenge(tx, id, challenge_id, Utc::now()).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "link_challenge",
                        entity: "service_request",
                        entity_id: Some(id),
                        before: Some(json!({"challenge_id": r.challenge_id})),
                        after: Some(json!({"challenge_id": challenge_id})),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

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
