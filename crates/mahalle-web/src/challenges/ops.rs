//! Neighborhood challenges: staff raise them from citizens' requests (`requests::ops`), and the
//! secretariat records the resolution that answers each.

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::resolutions;
use mahalle_core::text;
use mahalle_core::validate::FieldError;
use mahalle_db::challenges::{self as store_challenges};
use mahalle_db::{audit, DbError, Store};
use serde_json::json;

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
/// anything else for both.
pub fn list_filter(
    district_id: Option<i64>,
    neighborhood_id: Option<i64>,
    domain: &str,
    answered: &str,
) -> store_challenges::Filter {
    store_challenges::Filter {
        district_id,
        neighborhood_id,
        domain: mahalle_core::domain::Domain::parse(domain).map(|d| d.as_str().to_string()),
        answered: match answered {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    }
}
