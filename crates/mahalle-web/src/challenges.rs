//! Neighborhood challenges made from citizens' requests: when several people report the same
//! problem, staff turn one request into a challenge of its neighborhood and point the others at it.

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::requests::{self as store_requests, NewChallenge};
use mahalle_db::{audit, Store};
use serde_json::json;

use crate::citizen::may_handle;
use crate::error::AppError;

/// Creates a challenge in the request's neighborhood, titled by staff, with the request's words
/// as its body, and points the request at it. Returns the challenge's id.
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
    let mut tx = store.begin().await?;
    let id = store_requests::create_challenge(
        &mut tx,
        &NewChallenge {
            neighborhood_id,
            domain: &service.domain,
            title: &title,
            body: &r.description,
            created_by: Some(who.user_id),
        },
        now,
    )
    .await?;
    store_requests::set_challenge(&mut tx, request_id, Some(id), now).await?;
    audit::record(
        &mut tx,
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
        &mut tx,
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
    tx.commit().await?;
    Ok(id)
}
