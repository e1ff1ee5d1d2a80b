//! Deadline reminders, escalations and the outbox: generation is idempotent, delivery sends each
//! notification once even with several senders, failures are retried and nothing is lost, and
//! the outbox page is the city secretariat's.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, Utc};
use mahalle_db::notifications::{self as nt, MAX_ATTEMPTS};
use mahalle_db::{Sql, Store};
use mahalle_web::notifications::{
    self, deliver_due, generate_at, GenerateCounts, Mailbox, Notifier, OutboxOnly, ReminderConfig,
    SendError,
};

use crate::helpers::{fresh_database, TestApp};

/// One instant for every run of the generator in these tests: a demo request whose deadline
/// passes while a test runs would otherwise be found by its second run and not by its first.
static NOW: std::sync::LazyLock<DateTime<Utc>> = std::sync::LazyLock::new(Utc::now);

async fn generate(
    store: &Store,
    today: NaiveDate,
    cfg: &ReminderConfig,
) -> Result<GenerateCounts, mahalle_db::DbError> {
    generate_at(store, *NOW, today, cfg).await
}

async fn open() -> (String, Store) {
    let url = fresh_database().await;
    let store = Store::connect(&url).await.expect("open test database");
    (url, store)
}

/// One notification per resolution, no cut-off: how reminders were recorded before digests,
/// so that counts follow resolutions one to one.
fn cfg() -> ReminderConfig {
    ReminderConfig {
        escalate_after_days: 14,
        overdue_cutoff_days: 1_000_000,
        daily_digest: false,
        ..Default::default()
    }
}

async fn count(store: &Store, sql: &str) -> i64 {
    store.scalar(&Sql::new(sql)).await.expect(sql)
}

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d + Days::new(days as u64)
    } else {
        d - Days::new(days.unsigned_abs())
    }
}

/// Leaves exactly one open resolution per offset (deadline = today + offset days) and cancels
/// every other open one, so that counts are exact; citizens' requests are all answered, so that
/// no digest about them is due. Returns the ids, in the offsets' order.
async fn keep_open(store: &Store, today: NaiveDate, offsets: &[i64]) -> Vec<i64> {
    store
        .execute(&Sql::new(
            "UPDATE service_requests SET status = 'closed' WHERE status IN ('submitted','accepted')",
        ))
        .await
        .unwrap();
    let ids: Vec<(i64,)> = store
        .fetch_all(
            &Sql::new(
                "SELECT id FROM resolutions WHERE status IN ('approved','in_progress') ORDER BY id LIMIT $1",
            )
            .bind(offsets.len() as i64),
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), offsets.len(), "the demo has open resolutions");
    let ids: Vec<i64> = ids.into_iter().map(|(i,)| i).collect();
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    store
        .execute(&Sql::new(&format!(
            "UPDATE resolutions SET status = 'cancelled' WHERE status IN ('approved','in_progress') AND id NOT IN ({list})"
        )))
        .await
        .unwrap();
    for (id, off) in ids.iter().zip(offsets) {
        store
            .execute(
                &Sql::new("UPDATE resolutions SET deadline = $1 WHERE id = $2")
                    .bind(plus(today, *off))
                    .bind(*id),
            )
            .await
            .unwrap();
    }
    ids
}

async fn state_of(store: &Store, id: i64) -> (String, i64, String) {
    store
        .fetch_one(
            &Sql::new("SELECT state, attempts, last_error FROM notifications WHERE id = $1")
                .bind(id),
        )
        .await
        .unwrap()
}

fn later(now: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    now + chrono::Duration::seconds(secs)
}

#[tokio::test]
async fn generation_over_the_demo_city_is_idempotent() {
    let (_, store) = open().await;
    let today = mahalle_web::today();
    let first = generate(&store, today, &cfg()).await.unwrap();
    let overdue_now = count(
        &store,
        &format!(
            "SELECT COUNT(*) FROM resolutions WHERE status IN ('approved','in_progress') AND deadline < '{today}'"
        ),
    )
    .await;
    assert!(overdue_now > 100, "the demo has many overdue resolutions");
    assert_eq!(first.overdue as i64, overdue_now);
    assert!(first.escalations > 0 && first.escalations <= first.overdue);
    assert_eq!(first.escalated_events, first.escalations);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM notifications").await,
        first.created() as i64
    );

    let second = generate(&store, today, &cfg()).await.unwrap();
    assert_eq!(second.created(), 0, "{second:?}");
    assert_eq!(second.escalated_events, 0);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM notifications").await,
        first.created() as i64
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM resolution_events WHERE kind = 'escalated'"
        )
        .await,
        first.escalations as i64
    );
    // Escalations only for resolutions at least 14 days late.
    let early = count(
        &store,
        &format!(
            "SELECT COUNT(*) FROM notifications n JOIN resolutions r ON r.id = n.resolution_id \
             WHERE n.kind = 'escalation' AND r.deadline > '{}'",
            plus(today, -14)
        ),
    )
    .await;
    assert_eq!(early, 0);
}

#[tokio::test]
async fn reminders_follow_the_calendar_and_escalate_after_n_days() {
    let (_, store) = open().await;
    let today = mahalle_web::today();
    //               in 7, in 3, today, 1 late, 13 late, 14 late, 40 late, in 30
    let offsets = [7, 3, 0, -1, -13, -14, -40, 30];
    let ids = keep_open(&store, today, &offsets).await;
    let c = generate(&store, today, &cfg()).await.unwrap();
    assert_eq!(
        (c.due_in_7_days, c.due_today, c.overdue, c.escalations),
        (2, 1, 4, 2),
        "{c:?}"
    );
    let escalated: Vec<(i64,)> = store
        .fetch_all(&Sql::new(
            "SELECT resolution_id FROM resolution_events WHERE kind = 'escalated' ORDER BY resolution_id",
        ))
        .await
        .unwrap();
    let mut expect = vec![ids[5], ids[6]];
    expect.sort();
    assert_eq!(
        escalated.into_iter().map(|(r,)| r).collect::<Vec<_>>(),
        expect
    );

    // The escalation goes to the body that held the meeting, or (the demo's Social HQ has no
    // address) to its parent organisation, the municipality.
    let (email, body_email, parent_email): (String, String, Option<String>) = store
        .fetch_one(
            &Sql::new(
                "SELECT n.recipient_email, b.email, p.email FROM notifications n JOIN resolutions r ON r.id = n.resolution_id \
                 JOIN meetings m ON m.id = r.meeting_id JOIN organisations b ON b.id = m.body_id \
                 LEFT JOIN organisations p ON p.id = b.parent_id WHERE n.kind = 'escalation' AND n.resolution_id = $1",
            )
            .bind(ids[6]),
        )
        .await
        .unwrap();
    let expected = if body_email.is_empty() {
        parent_email.unwrap_or_default()
    } else {
        body_email
    };
    assert_eq!(email, expected);
    // Reminders go to the lead organisation.
    let (to, lead): (String, String) = store
        .fetch_one(
            &Sql::new(
                "SELECT n.recipient_email, o.email FROM notifications n JOIN resolutions r ON r.id = n.resolution_id \
                 JOIN organisations o ON o.id = r.lead_org_id WHERE n.kind = 'due_today'",
            ),
        )
        .await
        .unwrap();
    assert_eq!(to, lead);

    // Nothing new on the same day; a moved deadline is notified again.
    assert_eq!(generate(&store, today, &cfg()).await.unwrap().created(), 0);
    store
        .execute(
            &Sql::new("UPDATE resolutions SET deadline = $1 WHERE id = $2")
                .bind(plus(today, -20))
                .bind(ids[4]),
        )
        .await
        .unwrap();
    let c = generate(&store, today, &cfg()).await.unwrap();
    assert_eq!(
        (c.overdue, c.escalations, c.escalated_events),
        (1, 1, 1),
        "{c:?}"
    );
    // The escalation day is configurable.
    let c = generate(
        &store,
        today,
        &ReminderConfig {
            escalate_after_days: 1,
            ..cfg()
        },
    )
    .await
    .unwrap();
    assert_eq!(c.escalations, 1, "the 1-day-late one: {c:?}");
}

#[tokio::test]
async fn organisations_without_an_address_wait_and_are_revived() {
    let (_, store) = open().await;
    let today = mahalle_web::today();
    let ids = keep_open(&store, today, &[-3]).await;
    let lead: i64 = store
        .scalar(&Sql::new("SELECT lead_org_id FROM resolutions WHERE id = $1").bind(ids[0]))
        .await
        .unwrap();
    store
        .execute(&Sql::new("UPDATE organisations SET email = '' WHERE id = $1").bind(lead))
        .await
        .unwrap();
    let c = generate(&store, today, &cfg()).await.unwrap();
    assert_eq!((c.overdue, c.no_address), (1, 1), "{c:?}");
    let mailbox = Mailbox::new();
    let d = deliver_due(&store, &mailbox, Utc::now(), &cfg())
        .await
        .unwrap();
    assert_eq!(d.claimed, 0, "address-less notifications are not claimed");
    store
        .execute(
            &Sql::new("UPDATE organisations SET email = 'new@example.ir' WHERE id = $1").bind(lead),
        )
        .await
        .unwrap();
    let c = generate(&store, today, &cfg()).await.unwrap();
    assert_eq!((c.created(), c.revived), (0, 1), "{c:?}");
    let d = deliver_due(&store, &mailbox, Utc::now(), &cfg())
        .await
        .unwrap();
    assert_eq!(d.sent, 1, "{d:?}");
    assert_eq!(mailbox.messages()[0].to, "new@example.ir");
}

#[tokio::test]
async fn delivery_sends_each_notification_once() {
    let (_, store) = open().await;
    let today = mahalle_web::today();
    let ids = keep_open(&store, today, &[5, 0, -2, -30]).await;
    let c = generate(&store, today, &cfg()).await.unwrap();
    assert_eq!(c.created(), 5, "{c:?}");
    let mailbox = Mailbox::new();
    let now = Utc::now();
    let d = deliver_due(&store, &mailbox, now, &cfg()).await.unwrap();
    assert_eq!((d.claimed, d.sent), (5, 5), "{d:?}");
    let msgs = mailbox.messages();
    assert_eq!(msgs.len(), 5);
    assert!(msgs.iter().all(|m| !m.to.is_empty() && m.to.contains('@')));
    assert!(msgs.iter().all(|m| m
        .body
        .contains(&format!("/resolutions/{}", m.resolution_id.unwrap()))));
    let today_msg = msgs
        .iter()
        .find(|m| m.resolution_id == Some(ids[1]))
        .unwrap();
    assert!(today_msg.subject.contains("امروز"), "{}", today_msg.subject);
    // Persian digits in the resolution number.
    assert!(today_msg.subject.contains('۱'), "{}", today_msg.subject);
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM notifications WHERE state = 'sent' AND sent_at IS NOT NULL AND attempts = 1"
        )
        .await,
        5
    );
    let again = deliver_due(&store, &mailbox, later(now, 3600), &cfg())
        .await
        .unwrap();
    assert_eq!(again.claimed, 0);
    assert_eq!(mailbox.messages().len(), 5);
    let counts = nt::counts(&store).await.unwrap();
    assert_eq!((counts.sent, counts.total()), (5, 5));
}

#[tokio::test]
async fn failures_are_retried_with_backoff_and_never_lost() {
    let (_, store) = open().await;
    let today = mahalle_web::today();
    keep_open(&store, today, &[-2, -3]).await;
    let created = generate(&store, today, &cfg()).await.unwrap().created();
    assert_eq!(created, 2);
    let mailbox = Mailbox::new();
    mailbox.fail_with(Some(SendError::transient("421 service not available")));
    let t0 = Utc::now();
    let d = deliver_due(&store, &mailbox, t0, &cfg()).await.unwrap();
    assert_eq!((d.claimed, d.retrying), (2, 2), "{d:?}");
    let ids: Vec<(i64,)> = store
        .fetch_all(&Sql::new("SELECT id FROM notifications ORDER BY id"))
        .await
        .unwrap();
    for (id,) in &ids {
        let (state, attempts, err) = state_of(&store, *id).await;
        assert_eq!((state.as_str(), attempts), ("pending", 1));
        assert!(err.contains("421"), "{err}");
    }
    // Not before the first backoff (1 minute).
    let d = deliver_due(&store, &mailbox, later(t0, 30), &cfg())
        .await
        .unwrap();
    assert_eq!(d.claimed, 0);
    // Failing until the attempts are used up: failed, but still there.
    let mut t = t0;
    for attempt in 2..=MAX_ATTEMPTS {
        t = later(t, nt::backoff(attempt - 1).as_secs() as i64 + 1);
        let d = deliver_due(&store, &mailbox, t, &cfg()).await.unwrap();
        assert_eq!(d.claimed, 2, "attempt {attempt}: {d:?}");
    }
    for (id,) in &ids {
        let (state, attempts, _) = state_of(&store, *id).await;
        assert_eq!((state.as_str(), attempts), ("failed", MAX_ATTEMPTS));
    }
    let d = deliver_due(&store, &mailbox, later(t, 86_400), &cfg())
        .await
        .unwrap();
    assert_eq!(d.claimed, 0, "failed ones wait for a person");
    assert_eq!(nt::counts(&store).await.unwrap().failed, 2);

    // A person retries one; it goes out at the next run.
    let (first,) = ids[0];
    let mut tx = store.begin().await.unwrap();
    let st = nt::retry(&mut tx, first, later(t, 86_400)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(st, nt::State::Pending);
    mailbox.fail_with(None);
    let d = deliver_due(&store, &mailbox, later(t, 86_401), &cfg())
        .await
        .unwrap();
    assert_eq!((d.claimed, d.sent), (1, 1), "{d:?}");
    assert_eq!(state_of(&store, first).await.0, "sent");
    // Retrying a sent one is refused.
    let mut tx = store.begin().await.unwrap();
    assert!(nt::retry(&mut tx, first, Utc::now()).await.is_err());
    drop(tx);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM notifications").await, 2);
}

#[tokio::test]
async fn a_permanent_refusal_fails_at_once() {
    let (_, store) = open().await;
    let today = mahalle_web::today();
    keep_open(&store, today, &[-2]).await;
    generate(&store, today, &cfg()).await.unwrap();
    let mailbox = Mailbox::new();
    mailbox.fail_with(Some(SendError::permanent("550 no such user")));
    let d = deliver_due(&store, &mailbox, Utc::now(), &cfg())
        .await
        .unwrap();
    assert_eq!((d.claimed, d.failed), (1, 1), "{d:?}");
    assert_eq!(nt::counts(&store).await.unwrap().failed, 1);
}

#[tokio::test]
async fn closed_resolutions_are_not_reminded() {
    let (_, store) = open().await;
    let today = mahalle_web::today();
    let ids = keep_open(&store, today, &[-2, -5]).await;
    generate(&store, today, &cfg()).await.unwrap();
    store
        .execute(&Sql::new("UPDATE resolutions SET status = 'done' WHERE id = $1").bind(ids[0]))
        .await
        .unwrap();
    let mailbox = Mailbox::new();
    let d = deliver_due(&store, &mailbox, Utc::now(), &cfg())
        .await
        .unwrap();
    assert_eq!((d.sent, d.dropped), (1, 1), "{d:?}");
    assert_eq!(mailbox.messages()[0].resolution_id, Some(ids[1]));
    let (state, _, why): (String, i64, String) = store
        .fetch_one(
            &Sql::new(
                "SELECT state, attempts, last_error FROM notifications WHERE resolution_id = $1",
            )
            .bind(ids[0]),
        )
        .await
        .unwrap();
    assert_eq!(state, "dropped");
    assert!(why.contains("closed"), "{why}");
}

#[tokio::test]
async fn without_a_mail_server_notifications_wait_in_the_outbox() {
    let (_, store) = open().await;
    let today = mahalle_web::today();
    keep_open(&store, today, &[-2, 0]).await;
    generate(&store, today, &cfg()).await.unwrap();
    let now = Utc::now();
    let d = deliver_due(&store, &OutboxOnly, now, &cfg()).await.unwrap();
    assert_eq!((d.claimed, d.held), (0, 2), "{d:?}");
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT COUNT(*) FROM notifications WHERE state = 'pending' AND attempts = 0 AND last_error = '{}'",
                notifications::NO_MAIL_SERVER
            )
        )
        .await,
        2
    );
    // Again: nothing new to note, nothing spent.
    let d = deliver_due(&store, &OutboxOnly, later(now, 600), &cfg())
        .await
        .unwrap();
    assert_eq!(d.held, 0);
    // Once a server is configured, they go out.
    let mailbox = Mailbox::new();
    let d = deliver_due(&store, &mailbox, later(now, 900), &cfg())
        .await
        .unwrap();
    assert_eq!(d.sent, 2, "{d:?}");
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM notifications WHERE last_error = ''"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn concurrent_senders_never_send_the_same_notification_twice() {
    let (url, store) = open().await;
    let today = mahalle_web::today();
    let offsets: Vec<i64> = (1..=30).map(|i| -i).collect();
    keep_open(&store, today, &offsets).await;
    let created = generate(&store, today, &cfg()).await.unwrap().created();
    assert_eq!(created, 30 + 17, "30 overdue, 17 of them escalated");
    // Two "processes": separate connection pools over one database, slow senders.
    let now = Utc::now();
    let mut tasks = Vec::new();
    let mut boxes = Vec::new();
    for _ in 0..2 {
        let store = Store::connect(&url).await.unwrap();
        let mailbox = Mailbox::new();
        mailbox.set_delay(Duration::from_millis(15));
        boxes.push(mailbox.clone());
        let notifier: Arc<dyn Notifier> = Arc::new(mailbox);
        tasks.push(tokio::spawn(async move {
            deliver_due(&store, notifier.as_ref(), now, &cfg()).await
        }));
    }
    let mut sent = 0;
    for t in tasks {
        sent += t.await.unwrap().unwrap().sent;
    }
    let a: Vec<i64> = boxes[0].messages().iter().map(|m| m.id).collect();
    let b: Vec<i64> = boxes[1].messages().iter().map(|m| m.id).collect();
    let all: HashSet<i64> = a.iter().chain(&b).copied().collect();
    assert_eq!(
        all.len(),
        a.len() + b.len(),
        "a notification was sent twice"
    );
    assert_eq!(all.len() as u64, created);
    assert_eq!(sent, created);
    assert!(!a.is_empty() && !b.is_empty(), "both senders took part");
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM notifications WHERE state = 'sent'"
        )
        .await,
        created as i64
    );
}

#[tokio::test]
async fn concurrent_generators_record_each_notification_once() {
    let (url, store) = open().await;
    let today = mahalle_web::today();
    let offsets: Vec<i64> = (1..=20).map(|i| -i * 2).collect();
    keep_open(&store, today, &offsets).await;
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let store = Store::connect(&url).await.unwrap();
        tasks.push(tokio::spawn(async move {
            generate(&store, today, &cfg()).await
        }));
    }
    let mut created = 0;
    let mut events = 0;
    for t in tasks {
        let c = t.await.unwrap().unwrap();
        created += c.created();
        events += c.escalated_events;
    }
    // 20 overdue; 2·i ≥ 14 for i = 7…20: 14 escalations.
    assert_eq!((created, events), (34, 14));
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM resolution_events WHERE kind = 'escalated'"
        )
        .await,
        14
    );
}

/// Open resolutions of `sql_where` (over `r`) that no notification of `kind` covers.
async fn uncovered(store: &Store, kind: &str, sql_where: &str) -> i64 {
    count(
        store,
        &format!(
            "SELECT COUNT(*) FROM resolutions r WHERE r.status IN ('approved','in_progress') AND {sql_where} \
             AND NOT EXISTS (SELECT 1 FROM notification_items i WHERE i.resolution_id = r.id AND i.kind = '{kind}' \
             AND i.deadline = r.deadline)"
        ),
    )
    .await
}

#[tokio::test]
async fn the_first_run_over_the_demo_city_gathers_reminders_into_digests() {
    let today = mahalle_web::today();
    // Before: one notification per resolution, however old its deadline.
    let (_, before_store) = open().await;
    let before = generate(&before_store, today, &cfg()).await.unwrap();
    // Now: overdue reminders for the last 30 days only, one digest per organisation and kind.
    let (_, store) = open().await;
    let defaults = ReminderConfig::default();
    assert_eq!(
        (defaults.overdue_cutoff_days, defaults.daily_digest),
        (30, true)
    );
    let after = generate(&store, today, &defaults).await.unwrap();
    println!(
        "first run over the demo city: {} notifications one per resolution, {} with the cut-off and digests ({after:?})",
        before.created(),
        after.created()
    );
    assert!(before.created() > 1000, "{before:?}");
    assert!(
        after.created() * 20 < before.created(),
        "{after:?} vs {before:?}"
    );
    assert!(after.digests > 0 && after.digests <= after.created());
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM notifications").await,
        after.created() as i64
    );
    // Every reminder that is due is in some notification: due soon, today, overdue within the
    // cut-off, and every escalation, however old.
    let cutoff = plus(today, -30);
    let late = plus(today, -14);
    assert_eq!(
        uncovered(&store, "due_today", &format!("r.deadline = '{today}'")).await,
        0
    );
    assert_eq!(
        uncovered(
            &store,
            "due_in_7_days",
            &format!(
                "r.deadline > '{today}' AND r.deadline <= '{}'",
                plus(today, 7)
            )
        )
        .await,
        0
    );
    assert_eq!(
        uncovered(
            &store,
            "overdue",
            &format!("r.deadline < '{today}' AND r.deadline >= '{cutoff}'")
        )
        .await,
        0
    );
    let escalated = count(
        &store,
        &format!("SELECT COUNT(*) FROM resolutions WHERE status IN ('approved','in_progress') AND deadline <= '{late}'"),
    )
    .await;
    assert!(escalated > 100, "the demo has an old backlog");
    assert_eq!(
        uncovered(&store, "escalation", &format!("r.deadline <= '{late}'")).await,
        0
    );
    assert_eq!(after.escalated_events as i64, escalated);
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM resolution_events WHERE kind = 'escalated'"
        )
        .await,
        escalated
    );
    // The old backlog gets no overdue reminder of its own, but stays on the overdue list.
    assert_eq!(
        count(
            &store,
            &format!("SELECT COUNT(*) FROM notification_items WHERE kind = 'overdue' AND deadline < '{cutoff}'")
        )
        .await,
        0
    );
    // A digest goes to one organisation and lists each of its resolutions.
    let (body, items): (String, i64) = store
        .fetch_one(&Sql::new(
            "SELECT n.body, (SELECT COUNT(*) FROM notification_items i WHERE i.notification_id = n.id) AS c \
             FROM notifications n WHERE n.kind = 'escalation' ORDER BY c DESC LIMIT 1",
        ))
        .await
        .unwrap();
    assert!(items > 1);
    assert_eq!(
        body.matches("/resolutions/").count() as i64,
        items,
        "{body}"
    );
    // Idempotent.
    assert_eq!(
        generate(&store, today, &defaults).await.unwrap().created(),
        0
    );
    // Reloading the demo city replaces its sessions, reminders included.
    mahalle::demo::load_sized(
        &store,
        mahalle::demo::requests::RequestScale::SMALL,
        mahalle::demo::Passwords::Same(crate::helpers::PASSWORD),
    )
    .await
    .unwrap();
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM notification_items i LEFT JOIN resolutions r ON r.id = i.resolution_id WHERE r.id IS NULL").await,
        0
    );
}

#[tokio::test]
async fn concurrent_generators_cover_each_reminder_once_in_digests() {
    let (url, store) = open().await;
    let today = mahalle_web::today();
    let offsets: Vec<i64> = (1..=20).map(|i| -i * 2).collect();
    keep_open(&store, today, &offsets).await;
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let store = Store::connect(&url).await.unwrap();
        tasks.push(tokio::spawn(async move {
            generate(&store, today, &ReminderConfig::default()).await
        }));
    }
    let mut covered = 0;
    let mut events = 0;
    for t in tasks {
        let c = t.await.unwrap().unwrap();
        covered += c.covered;
        events += c.escalated_events;
    }
    // Deadlines 2…40 days ago: overdue reminders for the 15 within 30 days; 2·i ≥ 14 for
    // i = 7…20: 14 escalations. Each exactly once, whichever process recorded it.
    assert_eq!((covered, events), (15 + 14, 14));
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM notification_items").await,
        29
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM resolution_events WHERE kind = 'escalated'"
        )
        .await,
        14
    );
    // A digest is delivered while any of its resolutions is open, and dropped when none is.
    let mailbox = Mailbox::new();
    let d = deliver_due(&store, &mailbox, Utc::now(), &cfg())
        .await
        .unwrap();
    assert_eq!(d.dropped, 0, "{d:?}");
    assert_eq!(
        d.sent
            + count(
                &store,
                "SELECT COUNT(*) FROM notifications WHERE state = 'no_address'"
            )
            .await as u64,
        count(&store, "SELECT COUNT(*) FROM notifications").await as u64
    );
}

/// Needs the routes `GET /notifications` and `POST /notifications/{id}/retry`.
#[tokio::test]
async fn the_outbox_page_is_for_the_city_secretariat() {
    let (url, store) = open().await;
    let today = mahalle_web::today();
    keep_open(&store, today, &[-2, 3]).await;
    generate(&store, today, &cfg()).await.unwrap();
    let mailbox = Mailbox::new();
    mailbox.fail_with(Some(SendError::permanent("550 mailbox unavailable")));
    let d = deliver_due(&store, &mailbox, Utc::now(), &cfg())
        .await
        .unwrap();
    assert_eq!(d.failed, 2);
    let subject: String = store
        .fetch_one::<(String,)>(&Sql::new(
            "SELECT subject FROM notifications ORDER BY id LIMIT 1",
        ))
        .await
        .unwrap()
        .0;

    let app = TestApp::spawn_on(&url).await;
    let r = app.get("/notifications").await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "anonymous visitors are sent to sign in"
    );
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    app.login_as("viewer").await;
    assert_eq!(app.get("/notifications").await.status().as_u16(), 403);

    let app = TestApp::spawn_on(&url).await;
    app.login_as("mayor").await;
    let (status, body) = app.get_text("/notifications").await;
    assert_eq!(status, 200);
    assert!(body.contains("صندوق ارسال اعلان‌ها"), "outbox heading");
    assert!(body.contains(&subject), "a row's subject");
    assert!(body.contains("550 mailbox unavailable"), "the last error");
    assert!(body.contains("/notifications/"), "a retry form");
    assert!(!body.contains("style=\""), "no inline styles (CSP)");
    let (_, only_sent) = app.get_text("/notifications?state=sent").await;
    assert!(!only_sent.contains(&subject), "filtered by state");

    let id: i64 = store
        .scalar(&Sql::new("SELECT MIN(id) FROM notifications"))
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/notifications/{id}/retry"),
            &[("next", "/notifications?state=failed")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/notifications?state=failed");
    assert_eq!(state_of(&store, id).await.0, "pending");
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'notification' AND action = 'retry'"
        )
        .await,
        1
    );
    // Only failed or address-less ones can be retried.
    let r = app
        .post_form(&format!("/notifications/{id}/retry"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 409);
    // The job sends it.
    mailbox.fail_with(None);
    let d = deliver_due(&store, &mailbox, Utc::now(), &cfg())
        .await
        .unwrap();
    assert_eq!(d.sent, 1);
}

#[tokio::test]
async fn late_citizens_requests_reach_their_handlers_and_are_escalated_above_them() {
    let (url, store) = open().await;
    // Only requests are due: the resolutions are out of the way, and everyone has an address.
    store
        .execute(&Sql::new(
            "UPDATE resolutions SET status = 'cancelled' WHERE status IN ('approved','in_progress')",
        ))
        .await
        .unwrap();
    store
        .execute(&Sql::new(
            "UPDATE organisations SET email = 'org' || id || '@example.ir'",
        ))
        .await
        .unwrap();
    let now = *NOW;
    let cfg = ReminderConfig::default();
    let month_ago = now - chrono::Duration::days(cfg.overdue_cutoff_days);
    let two_days_ago = now - chrono::Duration::hours(cfg.request_escalate_after_hours);
    let late = |from: DateTime<Utc>, to: DateTime<Utc>| {
        Sql::new(
            "SELECT COUNT(*) FROM service_requests WHERE status IN ('submitted','accepted') \
             AND due_at >= $1 AND due_at < $2",
        )
        .bind(from)
        .bind(to)
    };
    let recent_late: i64 = store.scalar(&late(month_ago, now)).await.unwrap();
    let very_late: i64 = store
        .scalar(&late(now - chrono::Duration::days(100_000), two_days_ago))
        .await
        .unwrap();
    assert!(
        recent_late > 0 && very_late > 0,
        "the demo has late requests"
    );

    let first = generate(&store, mahalle_web::today(), &cfg).await.unwrap();
    assert!(
        first.request_overdue > 0 && first.request_escalations > 0,
        "{first:?}"
    );
    assert_eq!(
        first.requests_covered as i64,
        recent_late + very_late,
        "each late request is in exactly one digest of each kind it is due for"
    );
    // Overdue notices go to the handler; escalations to someone else, with a step in the history.
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM notification_requests i JOIN notifications n ON n.id = i.notification_id \
             JOIN service_requests q ON q.id = i.request_id \
             WHERE i.kind = 'request_overdue' AND n.recipient_org_id IS DISTINCT FROM q.organisation_id",
        )
        .await,
        0
    );
    // Escalations go to the district's office; when that office is the one not answering, to
    // the organisation above it. Both cases occur in the demo.
    const ESCALATED: &str =
        "FROM notification_requests i JOIN notifications n ON n.id = i.notification_id \
         JOIN service_requests q ON q.id = i.request_id \
         JOIN organisations h ON h.id = q.organisation_id \
         WHERE i.kind = 'request_escalation' AND q.district_id IS NOT NULL";
    const OFFICE: &str = "(SELECT MIN(o.id) FROM organisations o WHERE o.kind = 'district_office' AND o.district_id = q.district_id)";
    for (case, right) in [
        (
            format!("h.id <> {OFFICE}"),
            format!("n.recipient_org_id = {OFFICE}"),
        ),
        (
            format!("h.id = {OFFICE}"),
            "n.recipient_org_id = h.parent_id".to_string(),
        ),
    ] {
        let all = count(&store, &format!("SELECT COUNT(*) {ESCALATED} AND {case}")).await;
        let ok = count(
            &store,
            &format!("SELECT COUNT(*) {ESCALATED} AND {case} AND {right}"),
        )
        .await;
        assert!(all > 0, "{case}");
        assert_eq!(ok, all, "{case}");
    }
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM request_events WHERE kind = 'escalated' AND public = FALSE"
        )
        .await,
        very_late
    );
    // Nothing twice.
    let again = generate(&store, mahalle_web::today(), &cfg).await.unwrap();
    assert_eq!(again.created(), 0, "{again:?}");
    // The secretariat sees the digests in the outbox, with how many requests each lists.
    let app = TestApp::spawn_on(&url).await;
    app.login_as("admin").await;
    let (status, outbox) = app.get_text("/notifications?kind=request_escalation").await;
    assert_eq!(status, 200);
    assert!(outbox.contains("درخواست‌های بی‌پاسخ، گزارش به مقام بالاتر"));
    assert!(outbox.contains("مورد در این خلاصه"));

    // A digest whose requests were all answered meanwhile is not sent; the others are.
    let (digest, _): (i64, i64) = store
        .fetch_one(&Sql::new(
            "SELECT notification_id, COUNT(*) FROM notification_requests WHERE kind = 'request_overdue' \
             GROUP BY notification_id ORDER BY 2, 1 LIMIT 1",
        ))
        .await
        .unwrap();
    store
        .execute(
            &Sql::new(
                "UPDATE service_requests SET status = 'closed' WHERE id IN \
                 (SELECT request_id FROM notification_requests WHERE notification_id = $1)",
            )
            .bind(digest),
        )
        .await
        .unwrap();
    let mailbox = Mailbox::new();
    let total = count(&store, "SELECT COUNT(*) FROM notifications").await;
    let d = deliver_due(
        &store,
        &mailbox,
        Utc::now(),
        &ReminderConfig {
            batch: 10_000,
            ..cfg.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!((d.sent + d.dropped) as i64, total, "{d:?}");
    assert!(d.dropped >= 1);
    let dropped: (String, String) = store
        .fetch_one(
            &Sql::new("SELECT state, last_error FROM notifications WHERE id = $1").bind(digest),
        )
        .await
        .unwrap();
    assert_eq!(dropped.0, "dropped");
    assert!(dropped.1.contains("answered"), "{}", dropped.1);
    let messages = mailbox.messages();
    assert!(messages.iter().all(|m| m.resolution_id.is_none()));
    assert!(messages
        .iter()
        .any(|m| m.subject.contains("بی‌پاسخ") && m.body.contains("/requests/")));
}
