//! Delivery: claims due notifications one by one and sends them, retrying on the outbox's
//! schedule (`mahalle_core::outbox`).

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use mahalle_core::reminders;
use mahalle_core::resolutions::Status;
use mahalle_db::notifications::{self as store_n, Kind, State};
use mahalle_db::{DbError, Store};
use serde::Serialize;

use super::mail::*;
use super::reminders::*;

/// What one [`deliver_due`] run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeliverCounts {
    pub claimed: u64,
    pub sent: u64,
    /// Failed attempts that will be retried.
    pub retrying: u64,
    /// Failed for good (permanent refusal or attempts used up).
    pub failed: u64,
    /// Not sent: the resolution was closed or its deadline moved.
    pub dropped: u64,
    /// Claims that ran out before they were recorded (another process took the row over).
    pub lost: u64,
    /// Without a mail server: notifications newly noted as waiting for one.
    pub held: u64,
}

/// Delivers up to `cfg.batch` notifications that are due at `now`. Safe to run in several
/// processes (or tasks) at once: each notification is claimed by exactly one of them.
pub async fn deliver_due(
    store: &Store,
    notifier: &dyn Notifier,
    now: DateTime<Utc>,
    cfg: &ReminderConfig,
) -> Result<DeliverCounts, DbError> {
    let mut counts = DeliverCounts::default();
    if let Some(reason) = notifier.unavailable() {
        counts.held = store_n::note_undeliverable(store, reason).await?;
        return Ok(counts);
    }
    // `now` moves on with the run, so that late claims of a long run get a full lease.
    let started = Instant::now();
    let clock = || now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
    // A lease shorter than a send would let another process take rows that are being sent.
    let lease = cfg.lease.max(Duration::from_secs(10));
    let give_up_after = lease / 2;
    for _ in 0..cfg.batch {
        let at = clock();
        let Some(c) = store_n::claim_next(store, at, lease).await? else {
            break;
        };
        counts.claimed += 1;
        let kind = Kind::parse(&c.kind).unwrap_or(Kind::Overdue);
        let today = at.with_timezone(&crate::tehran_offset()).date_naive();
        let obsolete = if c.kind == store_n::VISIT_MEMO {
            None
        } else if c.request_items > 0 {
            reminders::digest_obsolete(c.open_request_items)
                .then_some("every request of the digest answered before delivery")
        } else if c.items > 1 {
            reminders::digest_obsolete(c.open_items)
                .then_some("every resolution of the digest closed or moved before delivery")
        } else {
            let status = c.resolution_status.as_deref().and_then(Status::parse);
            match (status, c.resolution_deadline) {
                (Some(status), Some(deadline)) => {
                    store_n::obsolete(kind, c.deadline, status, deadline, today)
                }
                _ => Some("nothing left to remind of"),
            }
        };
        if let Some(reason) = obsolete {
            if store_n::mark_dropped(store, c.id, c.attempts, reason).await? {
                counts.dropped += 1;
            } else {
                counts.lost += 1;
            }
            continue;
        }
        let msg = Message {
            id: c.id,
            resolution_id: c.resolution_id,
            to: c.recipient_email,
            to_name: c.recipient_name_fa.unwrap_or_default(),
            subject: c.subject,
            body: c.body,
        };
        let result = match tokio::time::timeout(give_up_after, notifier.send(&msg)).await {
            Ok(r) => r,
            Err(_) => Err(SendError::transient("timed out")),
        };
        match result {
            Ok(()) => {
                if store_n::mark_sent(store, c.id, c.attempts, clock()).await? {
                    counts.sent += 1;
                } else {
                    tracing::warn!(id = c.id, "notification sent after its claim ran out");
                    counts.lost += 1;
                }
            }
            Err(e) => {
                tracing::info!(id = c.id, attempt = c.attempts, error = %e, "notification not delivered");
                match store_n::mark_failed(
                    store,
                    c.id,
                    c.attempts,
                    clock(),
                    &e.message,
                    e.permanent,
                )
                .await?
                {
                    Some(State::Failed) => counts.failed += 1,
                    Some(_) => counts.retrying += 1,
                    None => counts.lost += 1,
                }
            }
        }
    }
    Ok(counts)
}
