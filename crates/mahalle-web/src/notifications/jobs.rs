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

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use mahalle_core::resolutions::{number, Status};
use mahalle_core::{jalali, reminders, text};
use mahalle_db::notifications::{
    self as store_n, Candidate, Kind, NewNotification, RequestKind, State,
};
use mahalle_db::{DbError, Store};
use serde::Serialize;

/// One message to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The notification's id in the outbox.
    pub id: i64,
    /// None for notifications about citizens' requests.
    pub resolution_id: Option<i64>,
    /// E-mail address.
    pub to: String,
    /// The recipient organisation's name (may be empty).
    pub to_name: String,
    pub subject: String,
    pub body: String,
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub message: String,
    /// The server refused for good (bad address, 5xx): retrying will not help.
    pub permanent: bool,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            permanent: false,
        }
    }

    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            permanent: true,
        }
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The future a [`Notifier`] returns (boxed, so that notifiers can live in an `Arc<dyn …>`).
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// A way to deliver messages: e-mail in production, memory in tests.
pub trait Notifier: Send + Sync {
    fn send<'a>(&'a self, msg: &'a Message) -> SendFuture<'a>;

    /// Why this notifier cannot deliver anything at all (no server configured), if so. The job
    /// then leaves notifications waiting instead of spending attempts on them.
    fn unavailable(&self) -> Option<&str> {
        None
    }
}

/// E-mail through an SMTP server (lettre).
pub struct SmtpNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

/// `Auto-Submitted: auto-generated` (RFC 3834): out-of-office replies are not sent back to us.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

impl SmtpNotifier {
    /// `url`: `smtp://host:25` (plain), `smtp://user:pass@host:587?tls=starttls` (STARTTLS
    /// required; `tls=required` and `tls=opportunistic` are understood too) or
    /// `smtps://user:pass@host:465` (TLS from the start). `from`: `noreply@example.ir` or
    /// `سامانه محله <noreply@example.ir>`. Nothing is connected until the first message.
    pub fn new(url: &str, from: &str) -> Result<SmtpNotifier, String> {
        let from: lettre::message::Mailbox = from
            .trim()
            .parse()
            .map_err(|e| format!("invalid sender address {from:?}: {e}"))?;
        let url = match url.trim().split_once('?') {
            Some((base, query)) => {
                format!("{base}?{}", query.replace("tls=starttls", "tls=required"))
            }
            None => url.trim().to_string(),
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| format!("invalid SMTP URL {}: {e}", mahalle_db::redact_url(&url)))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(SmtpNotifier { transport, from })
    }

    /// The e-mail for a message: UTF-8 plain text (lettre encodes the Persian subject per RFC 2047
    /// and picks the body's transfer encoding).
    pub fn build(&self, msg: &Message) -> Result<lettre::Message, SendError> {
        let addr: lettre::Address = msg
            .to
            .trim()
            .parse()
            .map_err(|e| SendError::permanent(format!("invalid address {:?}: {e}", msg.to)))?;
        let name = Some(msg.to_name.trim().to_string()).filter(|n| !n.is_empty());
        lettre::Message::builder()
            .from(self.from.clone())
            .to(lettre::message::Mailbox::new(name, addr))
            .subject(msg.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .header(AutoSubmitted)
            .body(msg.body.clone())
            .map_err(|e| SendError::permanent(format!("cannot build the message: {e}")))
    }
}

impl Notifier for SmtpNotifier {
    fn send<'a>(&'a self, msg: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            let email = self.build(msg)?;
            match self.transport.send(email).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(SendError::permanent(e.to_string())),
                Err(e) => Err(SendError::transient(e.to_string())),
            }
        })
    }
}

/// No mail server: notifications stay in the outbox (see the module documentation).
pub struct OutboxOnly;

/// The note on waiting notifications when no mail server is configured.
pub const NO_MAIL_SERVER: &str = "no mail server configured";

impl Notifier for OutboxOnly {
    fn send<'a>(&'a self, _: &'a Message) -> SendFuture<'a> {
        Box::pin(async { Err(SendError::transient(NO_MAIL_SERVER)) })
    }

    fn unavailable(&self) -> Option<&str> {
        Some(NO_MAIL_SERVER)
    }
}

/// The notifier a server runs with: SMTP when a URL is given, otherwise [`OutboxOnly`].
pub fn from_config(smtp_url: Option<&str>, mail_from: &str) -> Result<Arc<dyn Notifier>, String> {
    match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Ok(Arc::new(SmtpNotifier::new(url, mail_from)?)),
        None => Ok(Arc::new(OutboxOnly)),
    }
}

/// A notifier for tests: keeps messages in memory; can be told to fail or to be slow.
#[derive(Clone, Default)]
pub struct Mailbox {
    inner: Arc<MailboxInner>,
}

#[derive(Default)]
struct MailboxInner {
    messages: Mutex<Vec<Message>>,
    failure: Mutex<Option<SendError>>,
    delay: Mutex<Duration>,
}

impl Mailbox {
    pub fn new() -> Mailbox {
        Mailbox::default()
    }

    /// Everything delivered so far, in order.
    pub fn messages(&self) -> Vec<Message> {
        self.inner
            .messages
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default()
    }

    /// From now on every send fails with this error (`None`: succeeds again).
    pub fn fail_with(&self, error: Option<SendError>) {
        if let Ok(mut f) = self.inner.failure.lock() {
            *f = error;
        }
    }

    /// Each send takes this long (to make concurrent senders overlap).
    pub fn set_delay(&self, delay: Duration) {
        if let Ok(mut d) = self.inner.delay.lock() {
            *d = delay;
        }
    }
}

impl Notifier for Mailbox {
    fn send<'a>(&'a self, msg: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            let delay = self.inner.delay.lock().map(|d| *d).unwrap_or_default();
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if let Some(e) = self.inner.failure.lock().ok().and_then(|f| f.clone()) {
                return Err(e);
            }
            if let Ok(mut m) = self.inner.messages.lock() {
                m.push(msg.clone());
            }
            Ok(())
        })
    }
}

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

/// Persian number with Persian digits and grouping.
fn fa(n: i64) -> String {
    text::format_int(n, true)
}

fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// The link to a resolution, absolute when the public address is known.
pub fn resolution_link(public_url: &str, resolution_id: i64) -> String {
    format!(
        "{}/resolutions/{resolution_id}",
        public_url.trim().trim_end_matches('/')
    )
}

/// The text of a notification: (subject, body, note of the timeline event for escalations).
pub fn compose(
    kind: Kind,
    c: &Candidate,
    today: NaiveDate,
    public_url: &str,
) -> (String, String, String) {
    let no = number(c.jalali_year, c.session_number, c.item_number, true);
    let date = jalali::format_long_fa(c.deadline);
    let title = clip(&c.title, 80);
    let late = (today - c.deadline).num_days();
    let left = (c.deadline - today).num_days();
    let subject = match kind {
        Kind::DueIn7Days => format!("یادآوری مهلت مصوبه {no}: {title}"),
        Kind::DueToday => format!("مهلت مصوبه {no} امروز به پایان می‌رسد: {title}"),
        Kind::Overdue => format!("مهلت مصوبه {no} گذشته است: {title}"),
        Kind::Escalation => format!("ارجاع مصوبه معوق {no} به دفتر رئیس جلسه: {title}"),
    };
    let opening = match kind {
        Kind::DueIn7Days if left == 1 => {
            format!("مهلت انجام مصوبه‌ی زیر فردا، {date}، به پایان می‌رسد.")
        }
        Kind::DueIn7Days => format!(
            "مهلت انجام مصوبه‌ی زیر {} روز دیگر، {date}، به پایان می‌رسد.",
            fa(left)
        ),
        Kind::DueToday => format!("مهلت انجام مصوبه‌ی زیر امروز، {date}، به پایان می‌رسد."),
        Kind::Overdue => format!(
            "مهلت انجام مصوبه‌ی زیر {date} بوده و {} روز از آن گذشته است. لطفاً گزارش پیشرفت را ثبت کنید یا درخواست تمدید مهلت بدهید.",
            fa(late)
        ),
        Kind::Escalation => format!(
            "مصوبه‌ی زیر {} روز از مهلت خود ({date}) عقب است و طبق روال پیگیری به دفتر رئیس جلسه ارجاع می‌شود.",
            fa(late)
        ),
    };
    let mut body = String::new();
    if !c.recipient_name_fa.trim().is_empty() {
        body.push_str(&format!("به: {}\n\n", c.recipient_name_fa.trim()));
    }
    body.push_str(&opening);
    body.push_str("\n\n");
    body.push_str(&format!("شماره مصوبه: {no}\n"));
    body.push_str(&format!("عنوان: {}\n", c.title.trim()));
    body.push_str(&format!("دستگاه مسئول: {}\n", c.lead_name_fa.trim()));
    body.push_str(&format!("مهلت: {date}\n"));
    if matches!(kind, Kind::Overdue | Kind::Escalation) {
        body.push_str(&format!("تأخیر: {} روز\n", fa(late)));
    }
    body.push_str(&format!(
        "\nپیگیری: {}\n\nاین پیام را سامانه‌ی محله به‌طور خودکار فرستاده است.\n",
        resolution_link(public_url, c.resolution_id)
    ));
    let note = if kind == Kind::Escalation {
        format!(
            "ارجاع خودکار به {} پس از {} روز تأخیر",
            c.recipient_name_fa.trim(),
            fa(late)
        )
    } else {
        String::new()
    };
    (subject, body, note)
}

/// The text of a digest to one organisation: (subject, body, and for each resolution the note
/// of its timeline event for escalations). `items` are all of `kind` and one recipient.
pub fn compose_digest(
    kind: Kind,
    items: &[&Candidate],
    today: NaiveDate,
    public_url: &str,
) -> (String, String, Vec<String>) {
    let n = fa(items.len() as i64);
    let recipient = items.first().map_or("", |c| c.recipient_name_fa.trim());
    let subject = match kind {
        Kind::DueIn7Days => format!("یادآوری مهلت {n} مصوبه در هفت روز آینده"),
        Kind::DueToday => format!("مهلت {n} مصوبه امروز به پایان می‌رسد"),
        Kind::Overdue => format!("مهلت {n} مصوبه گذشته است"),
        Kind::Escalation => format!("ارجاع {n} مصوبه معوق به دفتر رئیس جلسه"),
    };
    let opening = match kind {
        Kind::DueIn7Days => "مهلت انجام مصوبه‌های زیر در هفت روز آینده به پایان می‌رسد.".to_string(),
        Kind::DueToday => "مهلت انجام مصوبه‌های زیر امروز به پایان می‌رسد.".to_string(),
        Kind::Overdue => "مهلت انجام مصوبه‌های زیر گذشته است. لطفاً گزارش پیشرفت را ثبت کنید یا درخواست تمدید مهلت بدهید.".to_string(),
        Kind::Escalation => format!(
            "مصوبه‌های زیر بیش از مهلت مقرر عقب مانده‌اند و طبق روال پیگیری به دفتر رئیس جلسه ارجاع می‌شوند ({n} مورد)."
        ),
    };
    let mut body = String::new();
    if !recipient.is_empty() {
        body.push_str(&format!("به: {recipient}\n\n"));
    }
    body.push_str(&opening);
    body.push_str("\n\n");
    let mut notes = Vec::with_capacity(items.len());
    for c in items {
        let no = number(c.jalali_year, c.session_number, c.item_number, true);
        let late = (today - c.deadline).num_days();
        body.push_str(&format!(
            "• {no} — {} — {} — مهلت: {}",
            clip(&c.title, 80),
            c.lead_name_fa.trim(),
            jalali::format_long_fa(c.deadline)
        ));
        if matches!(kind, Kind::Overdue | Kind::Escalation) {
            body.push_str(&format!(" — تأخیر: {} روز", fa(late)));
        }
        body.push_str(&format!(
            "\n  {}\n",
            resolution_link(public_url, c.resolution_id)
        ));
        notes.push(if kind == Kind::Escalation {
            format!(
                "ارجاع خودکار به {} پس از {} روز تأخیر",
                c.recipient_name_fa.trim(),
                fa(late)
            )
        } else {
            String::new()
        });
    }
    body.push_str("\nاین پیام را سامانه‌ی محله به‌طور خودکار فرستاده است.\n");
    (subject, body, notes)
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

/// Records every notification that is due on `today` (the city's date) and not yet recorded.
/// Idempotent, and safe to run in several processes at once.
pub async fn generate(
    store: &Store,
    today: NaiveDate,
    cfg: &ReminderConfig,
) -> Result<GenerateCounts, DbError> {
    let now = Utc::now();
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
            let ins = match store_n::insert(store, &items, now).await {
                Ok(ins) => ins,
                // Another process covered some of them meanwhile: look again.
                Err(DbError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            };
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
            let ins = match store_n::insert_requests(store, &items, now).await {
                Ok(ins) => ins,
                // Another process covered some of them meanwhile: look again, a few times.
                Err(DbError::Conflict(_)) if conflicts < 3 => {
                    conflicts += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            match kind {
                RequestKind::Overdue => counts.request_overdue += ins.created,
                RequestKind::Escalation => counts.request_escalations += ins.created,
            }
            counts.no_address += ins.no_address;
            counts.requests_covered += ins.covered;
            if !full || ins.created == 0 {
                break;
            }
        }
    }
    Ok(())
}

/// The link to a request's staff page, absolute when the public address is known.
pub fn request_link(public_url: &str, request_id: i64) -> String {
    format!(
        "{}/requests/{request_id}",
        public_url.trim().trim_end_matches('/')
    )
}

/// The text of a digest about citizens' requests to one organisation: (subject, body).
pub fn compose_request_digest(
    kind: RequestKind,
    recipient_name: &str,
    items: &[store_n::RequestCandidate],
    now: DateTime<Utc>,
    public_url: &str,
) -> (String, String) {
    let n = fa(items.len() as i64);
    let subject = match kind {
        RequestKind::Overdue => format!("مهلت پاسخ {n} درخواست شهروندان گذشته است"),
        RequestKind::Escalation => format!("{n} درخواست شهروندان بی‌پاسخ مانده است"),
    };
    let mut body = String::new();
    if !recipient_name.trim().is_empty() {
        body.push_str(&format!("به: {}\n\n", recipient_name.trim()));
    }
    body.push_str(match kind {
        RequestKind::Overdue => "مهلت پاسخ به درخواست‌های زیر گذشته است. لطفاً پاسخ دهید یا درخواست را به دستگاه مسئول ارجاع کنید.",
        RequestKind::Escalation => "درخواست‌های زیر پس از گذشت مهلت پاسخ هنوز بی‌پاسخ مانده‌اند و طبق روال پیگیری به شما گزارش می‌شوند.",
    });
    body.push_str("\n\n");
    for c in items {
        let hours = (now - c.due_at).num_hours().max(0);
        body.push_str(&format!(
            "• #{} — {}",
            fa(c.request_id),
            c.service_name_fa.trim()
        ));
        if let Some(d) = c.district_number {
            body.push_str(&format!(" — منطقه {}", fa(d)));
        }
        if let Some(nb) = &c.neighborhood_name_fa {
            body.push_str(&format!("، {}", nb.trim()));
        }
        if kind == RequestKind::Escalation {
            if let Some(h) = &c.handler_name_fa {
                body.push_str(&format!(" — رسیدگی‌کننده: {}", h.trim()));
            }
        }
        let late = if hours >= 48 {
            format!("{} روز", fa(hours / 24))
        } else {
            format!("{} ساعت", fa(hours))
        };
        body.push_str(&format!(
            " — تأخیر: {late}\n  {}\n",
            request_link(public_url, c.request_id)
        ));
    }
    body.push_str("\nاین پیام را سامانه‌ی محله به‌طور خودکار فرستاده است.\n");
    (subject, body)
}

/// The notification for one group of [`reminders::group`]: a group of one has the reminder's
/// own text and key (as without digests), a larger one is a digest.
fn notification(
    kind: Kind,
    group: &[reminders::Due<&Candidate>],
    today: NaiveDate,
    public_url: &str,
) -> NewNotification {
    let first = group[0].item;
    let (dedupe_key, subject, body, notes) = if group.len() == 1 {
        let (subject, body, note) = compose(kind, first, today, public_url);
        (
            store_n::dedupe_key(kind, first.resolution_id, first.deadline),
            subject,
            body,
            vec![note],
        )
    } else {
        let cands: Vec<&Candidate> = group.iter().map(|d| d.item).collect();
        let (subject, body, notes) = compose_digest(kind, &cands, today, public_url);
        (
            store_n::digest_key(
                kind.as_str(),
                first.recipient_org_id,
                today,
                first.resolution_id,
                first.deadline,
            ),
            subject,
            body,
            notes,
        )
    };
    NewNotification {
        kind,
        dedupe_key,
        recipient_org_id: Some(first.recipient_org_id),
        recipient_email: first.recipient_email.clone(),
        subject,
        body,
        items: group
            .iter()
            .zip(notes)
            .map(|(d, event_note)| store_n::NewItem {
                resolution_id: d.item.resolution_id,
                deadline: d.item.deadline,
                event_note,
            })
            .collect(),
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
        let obsolete = if c.request_items > 0 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    fn candidate(deadline: NaiveDate) -> Candidate {
        Candidate {
            resolution_id: 42,
            jalali_year: 1404,
            session_number: 23,
            item_number: 12,
            title: "لایروبی کانال‌های آب‌های سطحی محله نارمک".into(),
            deadline,
            lead_org_id: 5,
            lead_name_fa: "شرکت آب و فاضلاب".into(),
            recipient_org_id: 5,
            recipient_name_fa: "شرکت آب و فاضلاب".into(),
            recipient_email: "info@abfa.example.ir".into(),
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reminder_text_is_persian_with_number_date_and_link() {
        let dl = d(2026, 3, 1);
        let (subject, body, note) = compose(
            Kind::DueIn7Days,
            &candidate(dl),
            d(2026, 2, 22),
            "https://mahalle.example.ir/",
        );
        assert_eq!(
            subject,
            "یادآوری مهلت مصوبه ۱۴۰۴/۲۳/۱۲: لایروبی کانال‌های آب‌های سطحی محله نارمک"
        );
        assert!(body.starts_with("به: شرکت آب و فاضلاب\n"), "{body}");
        assert!(body.contains("۷ روز دیگر"), "{body}");
        assert!(body.contains(&jalali::format_long_fa(dl)), "{body}");
        assert!(
            body.contains("https://mahalle.example.ir/resolutions/42"),
            "{body}"
        );
        assert!(!body.contains("تأخیر"), "{body}");
        assert!(note.is_empty());

        let (_, body, _) = compose(Kind::DueIn7Days, &candidate(dl), d(2026, 2, 28), "");
        assert!(body.contains("فردا"), "{body}");
        assert!(body.contains("پیگیری: /resolutions/42"), "{body}");
    }

    #[test]
    fn overdue_and_escalation_say_how_late() {
        let dl = d(2026, 3, 1);
        let today = d(2026, 3, 24);
        let (subject, body, _) = compose(Kind::Overdue, &candidate(dl), today, "");
        assert!(
            subject.starts_with("مهلت مصوبه ۱۴۰۴/۲۳/۱۲ گذشته است"),
            "{subject}"
        );
        assert!(body.contains("تأخیر: ۲۳ روز"), "{body}");
        let mut c = candidate(dl);
        c.recipient_name_fa = "قرارگاه اجتماعی شهر تهران".into();
        let (subject, body, note) = compose(Kind::Escalation, &c, today, "");
        assert!(subject.contains("دفتر رئیس جلسه"), "{subject}");
        assert!(body.starts_with("به: قرارگاه اجتماعی شهر تهران"), "{body}");
        assert!(body.contains("دستگاه مسئول: شرکت آب و فاضلاب"), "{body}");
        assert_eq!(
            note,
            "ارجاع خودکار به قرارگاه اجتماعی شهر تهران پس از ۲۳ روز تأخیر"
        );
        let (subject, _, _) = compose(Kind::DueToday, &candidate(dl), dl, "");
        assert!(subject.contains("امروز"), "{subject}");
    }

    #[test]
    fn long_titles_are_clipped_in_the_subject_only() {
        let mut c = candidate(d(2026, 3, 1));
        c.title = "الف ".repeat(60);
        let (subject, body, _) = compose(Kind::Overdue, &c, d(2026, 3, 2), "");
        assert!(subject.ends_with('…'));
        assert!(subject.chars().count() < 130);
        assert!(body.contains(c.title.trim()));
    }

    #[test]
    fn smtp_urls_and_senders() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://user:pass@mail.example.ir:587?tls=starttls",
            "smtp://mail.example.ir?tls=opportunistic",
            "smtps://user:pass@mail.example.ir",
        ] {
            assert!(
                SmtpNotifier::new(url, "noreply@example.ir").is_ok(),
                "{url}"
            );
        }
        assert!(SmtpNotifier::new("http://mail.example.ir", "noreply@example.ir").is_err());
        let err = SmtpNotifier::new("smtp://u:secret@h?tls=bogus", "a@b.ir")
            .err()
            .unwrap();
        assert!(!err.contains("secret"), "{err}");
        assert!(SmtpNotifier::new("smtp://h", "not an address").is_err());
        assert!(from_config(None, "whatever")
            .unwrap()
            .unavailable()
            .is_some());
        assert!(from_config(Some(" "), "x").unwrap().unavailable().is_some());
        assert!(
            from_config(Some("smtp://h:25"), "سامانه محله <noreply@example.ir>")
                .unwrap()
                .unavailable()
                .is_none()
        );
    }

    fn message(to: &str) -> Message {
        Message {
            id: 1,
            resolution_id: Some(42),
            to: to.into(),
            to_name: "شرکت آب و فاضلاب".into(),
            subject: "یادآوری مهلت مصوبه ۱۴۰۴/۲۳/۱۲".into(),
            body: "مهلت انجام مصوبه‌ی زیر ۷ روز دیگر به پایان می‌رسد.".into(),
        }
    }

    #[test]
    fn emails_are_utf8_and_marked_automatic() {
        let n =
            SmtpNotifier::new("smtp://127.0.0.1:2525", "سامانه محله <noreply@example.ir>").unwrap();
        let raw = String::from_utf8(
            n.build(&message("info@abfa.example.ir"))
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
        assert!(raw.contains("<info@abfa.example.ir>"), "{raw}");
        let e = n.build(&message("not-an-address")).unwrap_err();
        assert!(e.permanent);
    }

    /// A minimal SMTP server: answers every command, refusing RCPT with `rcpt_reply`, and
    /// returns what it received in DATA.
    async fn fake_smtp(rcpt_reply: &'static str) -> (String, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (sock, _) = listener.accept().await.unwrap();
            let (r, mut w) = sock.into_split();
            let mut lines = BufReader::new(r).lines();
            w.write_all(b"220 fake ESMTP\r\n").await.unwrap();
            let mut data = String::new();
            let mut in_data = false;
            while let Ok(Some(line)) = lines.next_line().await {
                if in_data {
                    if line == "." {
                        in_data = false;
                        w.write_all(b"250 queued\r\n").await.unwrap();
                    } else {
                        data.push_str(&line);
                        data.push('\n');
                    }
                    continue;
                }
                let cmd = line.to_ascii_uppercase();
                let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                    b"250 fake\r\n"
                } else if cmd.starts_with("RCPT") {
                    rcpt_reply.as_bytes()
                } else if cmd.starts_with("DATA") {
                    in_data = true;
                    b"354 go ahead\r\n"
                } else if cmd.starts_with("QUIT") {
                    w.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                } else {
                    b"250 ok\r\n"
                };
                w.write_all(reply).await.unwrap();
            }
            data
        });
        (url, server)
    }

    #[tokio::test]
    async fn smtp_delivers_to_a_server() {
        let (url, server) = fake_smtp("250 ok\r\n").await;
        let n = SmtpNotifier::new(&url, "noreply@example.ir").unwrap();
        n.send(&message("info@abfa.example.ir")).await.unwrap();
        drop(n);
        let data = server.await.unwrap();
        assert!(data.contains("Subject: =?utf-8?"), "{data}");
        assert!(data.contains("To: =?utf-8?"), "{data}");
    }

    #[tokio::test]
    async fn smtp_refusals_are_permanent_or_transient() {
        let (url, _server) = fake_smtp("550 no such user\r\n").await;
        let n = SmtpNotifier::new(&url, "noreply@example.ir").unwrap();
        let e = n.send(&message("nobody@example.ir")).await.unwrap_err();
        assert!(e.permanent, "{e}");

        let (url, _server) = fake_smtp("451 try again later\r\n").await;
        let n = SmtpNotifier::new(&url, "noreply@example.ir").unwrap();
        let e = n.send(&message("busy@example.ir")).await.unwrap_err();
        assert!(!e.permanent, "{e}");

        // Nobody listening: a connection failure is worth retrying.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", closed.local_addr().unwrap());
        drop(closed);
        let n = SmtpNotifier::new(&url, "noreply@example.ir").unwrap();
        let e = n.send(&message("x@example.ir")).await.unwrap_err();
        assert!(!e.permanent, "{e}");
    }

    #[tokio::test]
    async fn mailbox_records_fails_and_outbox_only_is_unavailable() {
        let m = Mailbox::new();
        m.send(&message("a@b.ir")).await.unwrap();
        m.fail_with(Some(SendError::transient("down")));
        assert!(m.send(&message("a@b.ir")).await.is_err());
        m.fail_with(None);
        m.send(&message("c@d.ir")).await.unwrap();
        let got: Vec<String> = m.messages().into_iter().map(|x| x.to).collect();
        assert_eq!(got, ["a@b.ir", "c@d.ir"]);
        assert_eq!(OutboxOnly.unavailable(), Some(NO_MAIL_SERVER));
        assert!(OutboxOnly.send(&message("a@b.ir")).await.is_err());
        // Usable as a shared trait object.
        let shared: Arc<dyn Notifier> = Arc::new(m.clone());
        shared.send(&message("e@f.ir")).await.unwrap();
        assert_eq!(m.messages().len(), 3);
    }
}
