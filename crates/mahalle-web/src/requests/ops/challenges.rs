//! Challenges raised from requests.

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::requests::{self as store_requests};
use mahalle_db::{audit, Store};
use serde_json::json;

use super::{handling_under, may_handle};
use crate::http::error::AppError;

// ---------------------------------------------------------------- challenges from requests
// When several people report the same problem, staff turn one request into a challenge of its
// neighborhood and point the others at it.

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
    AppError::unless(may_handle(who, &r))?;
    let under = handling_under(who, &r);
    let title = validate::required_text("title", title, 200)?;
    let Some(neighborhood_id) = r.neighborhood_id else {
        return Err(AppError::Invalid(vec![FieldError::new(
            "title",
            "این درخواست محله ندارد؛ مسئله محله تنها برای درخواستِ دارای محله ساخته می‌شود.",
            "This request has no neighborhood; a challenge needs one.",
        )]));
    };
    let service = mahalle_db::services::service(store, r.service_id).await?;
    let now = Utc::now();
    store
        .write(|tx, _| {
            let (service, title) = (&service, &title);
            Box::pin(async move {
                let id = mahalle_db::challenges::create(
                    tx,
                    &mahalle_db::challenges::NewChallenge {
                        neighborhood_id,
                        domain: &service.domain,
                        title,
                        body: "",
                        created_by: Some(who.user_id),
                        meeting_id: None,
                    },
                    now,
                )
                .await?;
                store_requests::set_challenge(tx, request_id, Some(id), now).await?;
                audit::record_under(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "create",
                        entity: "challenge",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({"title": title, "from_request": request_id})),
                    },
                    under,
                )
                .await?;
                audit::record_under(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "link_challenge",
                        entity: "service_request",
                        entity_id: Some(request_id),
                        before: Some(json!({"challenge_id": r.challenge_id})),
                        after: Some(json!({"challenge_id": id})),
                    },
                    under,
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
    AppError::unless(may_handle(who, &r))?;
    let under = handling_under(who, &r);
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
                audit::record_under(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "link_challenge",
                        entity: "service_request",
                        entity_id: Some(id),
                        before: Some(json!({"challenge_id": r.challenge_id})),
                        after: Some(json!({"challenge_id": challenge_id})),
                    },
                    under,
                )
                .await?;
                Ok(())
            })
        })
        .await
}
