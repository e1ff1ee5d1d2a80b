//! Generation: which reminders, escalations and digests are due, recorded in the outbox once
//! whichever process makes them.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::reminders;
use mahalle_db::notifications::{self as store_n, Candidate, Kind, NewNotification, RequestKind};
use mahalle_db::{DbError, Store};
use serde::Serialize;

use super::compose::*;

/// Settings of the reminder job.
#[derive(Debug, Clone)]
pub struct ReminderConfig {
    /// Overdue days after which a resolution is escalated to the chair's office (at least 1).
    pub escalate_after_days: i64,
    /// Hours past its response deadline after which an unanswered citizens' request is
    /// escalated to the district's municipal office (at least 1).
    pub request_escalate_after_hours: i64,
    /// Overdue reminders only for deadlines at most this many days ago; older arrears stay in
    /// the overdue lists and are escalated in digests.
    pub overdue_cutoff_days: i64,
    /// One notification per organisation, day and kind instead of one per resolution.
    pub daily_digest: bool,
    /// How often the job runs.
    pub interval: Duration,
    /// How long a claimed notification is reserved for its sender; another process may take it
    /// over after that. Longer than any send may take (the SMTP timeout is 30 s, and a send is
    /// abandoned after half the lease). At least 10 s.
    pub lease: Duration,
    /// At most this many deliveries per run.
    pub batch: u32,
    /// The server's public address for links in messages, e.g. `https://mahalle.tehran.ir`;
    /// empty: links are paths (`/resolutions/42`).
    pub public_url: String,
}

impl Default for ReminderConfig {
    fn default() -> Self {
        ReminderConfig {
            escalate_after_days: 14,
            request_escalate_after_hours: 48,
            overdue_cutoff_days: 30,
            daily_digest: true,
            interval: Duration::from_secs(300),
            lease: Duration::from_secs(120),
            batch: 200,
            public_url: String::new(),
        }
    }
}

impl ReminderConfig {
    pub fn policy(&self) -> reminders::Policy {
        reminders::Policy {
            overdue_cutoff_days: self.overdue_cutoff_days.max(1),
            daily_digest: self.daily_digest,
            ..Default::default()
        }
    }
}

/// What one [`generate`] run recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GenerateCounts {
    pub due_in_7_days: u64,
    pub due_today: u64,
    pub overdue: u64,
    pub escalations: u64,
    /// Of the new notifications, those whose recipient has no e-mail address.
    pub no_address: u64,
    /// `escalated` events written to timelines (equal to `escalations`).
    pub escalated_events: u64,
    /// Address-less notifications put back in the queue because their organisation has one now.
    pub revived: u64,
    /// Of the new notifications, digests (listing more than one resolution).
    pub digests: u64,
    /// Reminders (resolution, kind) the new notifications cover.
    pub covered: u64,
    /// Digests about citizens' requests: overdue notices to the handlers, escalations above them.
    pub request_overdue: u64,
    pub request_escalations: u64,
    /// Requests those digests cover (each request at most once per kind).
    pub requests_covered: u64,
}

impl GenerateCounts {
    /// New notifications of every kind.
    pub fn created(&self) -> u64 {
        self.due_in_7_days
            + self.due_today
            + self.overdue
            + self.escalations
            + self.request_overdue
            + self.request_escalations
    }
}

/// Candidates looked at per round (a digest's resolutions come in one round unless the backlog
/// is larger than this).
const CHUNK: i64 = 5_000;

/// What one write transaction of the job covers, in resolutions or requests: its first run after
/// a long pause may record thousands, and no other writer should wait more than a few
/// milliseconds behind it. A digest is never split (it and its items are written together).
const COVERED_PER_TX: usize = 200;

/// `items` cut into runs of whole notifications covering at most [`COVERED_PER_TX`] each (one
/// larger notification makes a run of its own).
pub(super) fn batches<T>(items: &[T], covers: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let mut out = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, it) in items.iter().enumerate() {
        let n = covers(it);
        if i > start && size + n > COVERED_PER_TX {
            out.push(&items[start..i]);
            (start, size) = (i, 0);
        }
        size += n;
    }
    if start < items.len() {
        out.push(&items[start..]);
    }
    out
}

/// Records every notification that is due on `today` (the city's date) and not yet recorded.
/// Idempotent, and safe to run in several processes at once.
pub async fn generate(
    store: &Store,
    today: NaiveDate,
    cfg: &ReminderConfig,
) -> Result<GenerateCounts, DbError> {
    generate_at(store, Utc::now(), today, cfg).await
}

/// [`generate`] as of the instant `now`, which decides which citizens' requests are late (their
/// deadlines are instants, not days): two runs at one instant record nothing twice.
pub async fn generate_at(
    store: &Store,
    now: DateTime<Utc>,
    today: NaiveDate,
    cfg: &ReminderConfig,
) -> Result<GenerateCounts, DbError> {
    let policy = cfg.policy();
    let overdue_from = reminders::overdue_cutoff(today, policy.overdue_cutoff_days);
    let mut counts = GenerateCounts {
        revived: store_n::revive_no_address(store, now).await?,
        ..Default::default()
    };
    for kind in Kind::ALL {
        // Each round records what the previous one found, so the next query finds the rest;
        // the bound only guards against a loop should a round record nothing new.
        for _ in 0..10_000 {
            let found = store_n::candidates(
                store,
                kind,
                today,
                cfg.escalate_after_days,
                overdue_from,
                CHUNK,
            )
            .await?;
            let full = found.len() as i64 >= CHUNK;
            let last_org = found.last().map(|c| c.recipient_org_id);
            let due: Vec<reminders::Due<&Candidate>> = found
                .iter()
                .map(|c| reminders::Due {
                    kind,
                    recipient_org_id: c.recipient_org_id,
                    deadline: c.deadline,
                    item: c,
                })
                .collect();
            let mut groups = reminders::group(due, today, &policy);
            // A full round may have cut the last organisation's list short: leave it for the
            // next round, which starts with it, so that its digest is whole.
            if full && groups.len() > 1 {
                if let Some(last) = last_org {
                    let whole = groups
                        .iter()
                        .filter(|g| g[0].recipient_org_id == last)
                        .count();
                    if whole < groups.len() {
                        groups.retain(|g| g[0].recipient_org_id != last);
                    }
                }
            }
            let items: Vec<NewNotification> = groups
                .iter()
                .map(|g| notification(kind, g, today, &cfg.public_url))
                .collect();
            let mut ins = store_n::Inserted::default();
            let mut conflict = false;
            for batch in batches(&items, |n| n.items.len()) {
                match store_n::insert(store, batch, now).await {
                    Ok(i) => ins += i,
                    // Another process covered some of them meanwhile: look again.
                    Err(DbError::Conflict(_)) => {
                        conflict = true;
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
            // Batches written before a conflict stay written and counted.
            match kind {
                Kind::DueIn7Days => counts.due_in_7_days += ins.created,
                Kind::DueToday => counts.due_today += ins.created,
                Kind::Overdue => counts.overdue += ins.created,
                Kind::Escalation => counts.escalations += ins.created,
            }
            counts.no_address += ins.no_address;
            counts.escalated_events += ins.escalated;
            counts.digests += ins.digests;
            counts.covered += ins.covered;
            if conflict {
                continue;
            }
            if !full || ins.created == 0 {
                break;
            }
        }
    }
    generate_for_requests(store, now, cfg, &mut counts).await?;
    Ok(counts)
}

/// Digests about citizens' requests: to each handling organisation, the requests that passed
/// their response deadline (within the cut-off); to the office above, those still unanswered
/// `request_escalate_after_hours` later (each escalation is also an internal step in the
/// request's history).
async fn generate_for_requests(
    store: &Store,
    now: DateTime<Utc>,
    cfg: &ReminderConfig,
    counts: &mut GenerateCounts,
) -> Result<(), DbError> {
    let policy = cfg.policy();
    let tehran = crate::tehran_offset();
    let day = now.with_timezone(&tehran).date_naive();
    let addresses = store_n::addresses(store).await?;
    for kind in RequestKind::ALL {
        let window = reminders::request_window(
            kind,
            now,
            policy.overdue_cutoff_days,
            cfg.request_escalate_after_hours,
        );
        let mut conflicts = 0;
        for _ in 0..10_000 {
            let found = store_n::request_candidates(store, kind, window, CHUNK).await?;
            let full = found.len() as i64 >= CHUNK;
            let mut addressed: Vec<(i64, store_n::RequestCandidate)> = found
                .into_iter()
                .filter_map(|c| {
                    let to = match kind {
                        RequestKind::Overdue => c.handler_id,
                        RequestKind::Escalation => reminders::request_escalation_recipient(
                            c.handler_id,
                            c.handler_parent_id,
                            c.district_office_id,
                        ),
                    };
                    to.map(|to| (to, c))
                })
                .collect();
            // Oldest deadline first within each recipient (the query gave deadline order).
            addressed.sort_by_key(|(to, _)| *to);
            let items: Vec<store_n::NewRequestNotification> =
                reminders::digests(addressed, policy.max_digest_items)
                    .into_iter()
                    .map(|(to, list)| {
                        let (name, email) = addresses.get(&to).cloned().unwrap_or_default();
                        let (subject, body) =
                            compose_request_digest(kind, &name, &list, now, &cfg.public_url);
                        let deadline = list[0].due_at.with_timezone(&tehran).date_naive();
                        store_n::NewRequestNotification {
                            kind,
                            dedupe_key: store_n::digest_key(
                                kind.as_str(),
                                to,
                                day,
                                list[0].request_id,
                                deadline,
                            ),
                            recipient_org_id: to,
                            recipient_email: email,
                            subject,
                            body,
                            deadline,
                            requests: list.iter().map(|c| c.request_id).collect(),
                        }
                    })
                    .collect();
            let mut ins = store_n::Inserted::default();
            let mut conflict = false;
            for batch in batches(&items, |n| n.requests.len()) {
                match store_n::insert_requests(store, batch, now).await {
                    Ok(i) => ins += i,
                    // Another process covered some of them meanwhile: look again, a few times.
                    Err(DbError::Conflict(_)) if conflicts < 3 => {
                        conflicts += 1;
                        conflict = true;
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
            match kind {
                RequestKind::Overdue => counts.request_overdue += ins.created,
                RequestKind::Escalation => counts.request_escalations += ins.created,
            }
            counts.no_address += ins.no_address;
            counts.requests_covered += ins.covered;
            if conflict {
                continue;
            }
            if !full || ins.created == 0 {
                break;
            }
        }
    }
    Ok(())
}
