//! Upgrading a database written by an older release keeps what it holds.

use chrono::Utc;
use mahalle_db::{Sql, Store};

use crate::helpers::empty_database;

async fn count(store: &Store, sql: &str) -> i64 {
    store.scalar(&Sql::new(sql)).await.expect(sql)
}

/// Migration 7 rebuilds the outbox on SQLite (a column loses NOT NULL); a city that was already
/// sending reminders keeps every notification, its state and what it covers.
#[tokio::test]
async fn the_outbox_survives_the_upgrade_to_request_notifications() {
    let url = empty_database().await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate_to(6).await.unwrap();
    // One resolution as release 6 held it (the demo loader writes today's schema, so the rows
    // are written here as that release wrote them).
    let now = Utc::now();
    for sql in [
        "INSERT INTO organisations (code, kind, name_fa, name_en, search_key, sort_key, created_at) \
         VALUES ('AG-WATER', 'agency', 'آبفا', 'Water', 'آبفا', 'آبفا', $1)",
        "INSERT INTO meetings (kind, body_id, jalali_year, session_number, title, starts_at, search_key, created_at) \
         SELECT 'hq_session', id, 1404, 1, 'جلسه', $1, 'جلسه', $1 FROM organisations",
        "INSERT INTO resolutions (meeting_id, item_number, title, domain, scope, lead_org_id, deadline, search_key, created_at, updated_at) \
         SELECT m.id, 1, 'مصوبه', 'social', 'city', m.body_id, '2025-01-01', 'مصوبه', $1, $1 FROM meetings m",
    ] {
        store.execute(&Sql::new(sql).bind(now)).await.unwrap();
    }
    // Two reminders as release 6 recorded them, one sent and one waiting.
    for (key, state) in [("overdue:a", "sent"), ("overdue:b", "pending")] {
        store
            .execute(
                &Sql::new(
                    "INSERT INTO notifications (resolution_id, kind, deadline, recipient_org_id, subject, body, \
                     dedupe_key, state, attempts, next_attempt_at, created_at) \
                     SELECT id, 'overdue', deadline, lead_org_id, 'یادآوری', 'متن', $1, $2, 1, $3, $3 \
                     FROM resolutions ORDER BY id LIMIT 1",
                )
                .bind(key)
                .bind(state)
                .bind(Utc::now()),
            )
            .await
            .unwrap();
    }
    store
        .execute(&Sql::new(
            "INSERT INTO notification_items (notification_id, resolution_id, kind, deadline) \
             SELECT id, resolution_id, kind, deadline FROM notifications WHERE dedupe_key = 'overdue:a'",
        ))
        .await
        .unwrap();

    store.migrate().await.unwrap();

    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM notifications WHERE state = 'sent' AND attempts = 1"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM notifications WHERE state = 'pending'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM notification_items i JOIN notifications n ON n.id = i.notification_id"
        )
        .await,
        1
    );
    // The new kinds fit, without a resolution; a resolution that does not exist still does not.
    store
        .execute(
            &Sql::new(
                "INSERT INTO notifications (resolution_id, kind, deadline, subject, body, dedupe_key, next_attempt_at, created_at) \
                 VALUES (NULL, 'request_escalation', $1, 's', 'b', 'digest:x', $2, $2)",
            )
            .bind(Utc::now().date_naive())
            .bind(Utc::now()),
        )
        .await
        .unwrap();
    let orphan = store
        .execute(
            &Sql::new(
                "INSERT INTO notifications (resolution_id, kind, deadline, subject, body, dedupe_key, next_attempt_at, created_at) \
                 VALUES (-5, 'overdue', $1, 's', 'b', 'orphan', $2, $2)",
            )
            .bind(Utc::now().date_naive())
            .bind(Utc::now()),
        )
        .await;
    assert!(orphan.is_err(), "foreign keys still hold");
}
