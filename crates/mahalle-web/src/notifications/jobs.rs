//! Deadline reminders and escalations: the job that records them in the outbox
//! (`mahalle_db::notifications`) and delivers them through a [`Notifier`].
//!
//! Every server process may run [`spawn_reminders`]; they share the work through the database
//! alone (unique keys for generation, leases for delivery; see the store module). Each tick:
//!
//! 1. [`generate`]: for every open resolution, one reminder per kind and deadline —
//!    *due within 7 days* (to the lead organisation, once, when the deadline enters the window;
//!    a missed day is caught up), *due today*, *overdue* (only for deadlines within
//!    `overdue_cutoff_days`), and after `escalate_after_days` overdue days an *escalation* to
//!    the chair's office (the body that held the meeting), which also writes an `escalated`
//!    event into the resolution's timeline. With the daily digest (the default) a run's
//!    reminders go to each organisation as one notification per kind listing its resolutions;
//!    without it, one per resolution, except escalations of the backlog beyond the cut-off,
//!    which are always gathered (`mahalle_core::reminders` decides);
//! 2. [`deliver_due`]: claims due notifications one by one and sends them. A failure is retried
//!    after 1, 5, 30 minutes, 2, 6, then every 12 hours; after
//!    [`MAX_ATTEMPTS`](mahalle_db::notifications::MAX_ATTEMPTS) (or a permanent refusal) the row
//!    is `failed`, stays in the outbox and can be retried from the outbox page. Nothing is ever
//!    deleted. A reminder whose resolution was closed, or whose deadline moved, before delivery
//!    is `dropped` with the reason.
//!
//! Without a mail server ([`OutboxOnly`]) notifications are still recorded and wait as `pending`
//! with the note "no mail server configured"; they are not claimed or counted as attempts, and
//! go out at the first tick after a server is configured.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use mahalle_db::Store;

use super::delivery::*;
use super::mail::*;
use super::reminders::*;

/// Runs the reminder job in this process every `cfg.interval` (the first run shortly after
/// start-up). Every server process may run it; see the module documentation.
pub fn spawn_reminders(
    store: Store,
    notifier: Arc<dyn Notifier>,
    cfg: ReminderConfig,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = cfg.interval.max(Duration::from_secs(10));
        let first = tokio::time::Instant::now() + Duration::from_secs(15).min(every);
        let mut tick = tokio::time::interval_at(first, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        if let Some(reason) = notifier.unavailable() {
            tracing::info!(
                reason,
                "reminders are recorded in the outbox but not e-mailed"
            );
        }
        loop {
            tick.tick().await;
            match generate(&store, crate::today(), &cfg).await {
                Ok(c) if c.created() > 0 || c.revived > 0 => {
                    tracing::info!(?c, "reminders recorded")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "recording reminders failed"),
            }
            match deliver_due(&store, notifier.as_ref(), Utc::now(), &cfg).await {
                Ok(c) if c.claimed > 0 => tracing::info!(?c, "notifications delivered"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "delivering notifications failed"),
            }
        }
    })
}
