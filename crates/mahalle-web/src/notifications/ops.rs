//! What staff do to the outbox, with its audit row.

use chrono::Utc;
use mahalle_db::notifications;
use mahalle_db::{audit, Store};
use serde_json::json;

use crate::http::ctx::SignedIn;
use crate::http::error::AppError;

/// Puts a failed or address-less notification back in the queue, with the organisation's
/// current address; the delivery job sends it at its next run.
pub async fn retry(store: &Store, user_id: i64, id: i64) -> Result<(), AppError> {
    let before = notifications::get(store, id).await?;
    let before = &before;
    store
        .write(|tx, _| {
            Box::pin(async move {
                let after = notifications::retry(tx, id, Utc::now()).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(user_id),
                        action: "retry",
                        entity: "notification",
                        entity_id: Some(id),
                        before: Some(json!({ "state": before.state, "attempts": before.attempts, "last_error": before.last_error })),
                        after: Some(json!({ "state": after.as_str() })),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// The outbox is the city secretariat's (it shows every organisation's mail).
pub fn require_secretariat(me: &SignedIn) -> Result<(), AppError> {
    if me.principal.is_city_secretariat() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The outbox's filter from a state code and a reminder kind code (unknown codes: all).
pub fn outbox_filter(state: &str, kind: &str) -> notifications::OutboxFilter {
    use notifications::{Kind, RequestKind};
    notifications::OutboxFilter {
        state: notifications::State::parse(state),
        kind: Kind::parse(kind)
            .map(Kind::as_str)
            .or_else(|| RequestKind::parse(kind).map(RequestKind::as_str)),
    }
}
