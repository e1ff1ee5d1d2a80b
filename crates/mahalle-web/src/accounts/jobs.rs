//! Background work of accounts.

use std::time::Duration;

use chrono::Utc;
use mahalle_db::Store;

/// Housekeeping that is safe to run in every server process at once: each step is an idempotent
/// delete, so no lock is needed.
pub fn spawn_housekeeping(store: Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = mahalle_db::auth::purge_expired(&store, Utc::now().timestamp()).await {
                tracing::warn!(error = %e, "housekeeping failed");
            }
        }
    });
}
