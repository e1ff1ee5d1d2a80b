//! The follow-up counters (migration 0004) agree with a scan of the resolutions after every kind
//! of change: creation with partners, reports, status transitions, an approved extension, direct
//! edits of lead, district, domain and deadline, partners added and removed, and deletion.
//! SQLite always; PostgreSQL too when MAHALLE_TEST_DATABASE_URL is set.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::resolutions::Status;
use mahalle_db::counters;
use mahalle_db::resolutions::{self, NewReport, NewResolution};
use mahalle_db::{Sql, Store};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at() -> DateTime<Utc> {
    "2026-01-10T10:00:00Z".parse().unwrap()
}

/// Days on which "overdue" and "due soon" cut the data differently (year and month edges).
fn todays() -> Vec<NaiveDate> {
    vec![
        d(2025, 12, 31),
        d(2026, 1, 1),
        d(2026, 1, 15),
        d(2026, 2, 28),
        d(2026, 3, 1),
        d(2026, 7, 4),
        d(2027, 1, 2),
    ]
}

async fn agree(store: &Store, step: &str) {
    for today in todays() {
        let diff = counters::differences(store, today).await.unwrap();
        assert!(
            diff.is_empty(),
            "after {step}, on {today}:\n{}",
            diff.join("\n")
        );
    }
}

async fn seed(store: &Store) {
    let now = "2026-01-01T00:00:00Z";
    for (id, n) in [(1, 1), (2, 14)] {
        store
            .execute(
                &Sql::new(
                    "INSERT INTO districts (id, code, number, name_fa, name_en, search_key, created_at) \
                     VALUES ($1, $2, $3, 'م', 'D', 'd', $4)",
                )
                .bind(id)
                .bind(format!("D{n}"))
                .bind(n)
                .bind(now.parse::<DateTime<Utc>>().unwrap()),
            )
            .await
            .unwrap();
    }
    for id in 1..=5_i64 {
        store
            .execute(
                &Sql::new(
                    "INSERT INTO organisations (id, code, kind, name_fa, name_en, search_key, sort_key, created_at) \
                     VALUES ($1, $2, 'agency', $3, $4, 'o', 'o', $5)",
                )
                .bind(id)
                .bind(format!("O{id}"))
                .bind(format!("سازمان {id}"))
                .bind(format!("Org {id}"))
                .bind(now.parse::<DateTime<Utc>>().unwrap()),
            )
            .await
            .unwrap();
    }
    store
        .execute(
            &Sql::new(
                "INSERT INTO meetings (id, kind, body_id, jalali_year, session_number, title, starts_at, search_key, created_at) \
                 VALUES (1, 'hq_session', 1, 1404, 1, 'جلسه', $1, 'j', $1)",
            )
            .bind(at()),
        )
        .await
        .unwrap();
}

async fn scenario(store: &Store) {
    seed(store).await;
    agree(store, "nothing yet").await;

    // Twelve resolutions across year and month edges, two districts and city-wide, with partners
    // (one of them the lead of another resolution).
    let deadlines = [
        d(2025, 11, 30),
        d(2025, 12, 31),
        d(2026, 1, 1),
        d(2026, 1, 14),
        d(2026, 1, 15),
        d(2026, 1, 22),
        d(2026, 2, 28),
        d(2026, 3, 1),
        d(2026, 6, 30),
        d(2026, 12, 31),
        d(2027, 1, 1),
        d(2027, 3, 3),
    ];
    let domains = ["social", "health", "cultural"];
    let mut ids = Vec::new();
    let mut tx = store.begin().await.unwrap();
    for (i, deadline) in deadlines.iter().enumerate() {
        let lead = 1 + (i as i64 % 3);
        let partners: Vec<i64> = match i % 4 {
            0 => vec![],
            1 => vec![4],
            2 => vec![4, 5],
            _ => vec![1, 2, 5],
        };
        let district = match i % 3 {
            0 => None,
            1 => Some(1),
            _ => Some(2),
        };
        let title = format!("مصوبه {i}");
        let id = resolutions::create(
            &mut tx,
            &NewResolution {
                meeting_id: 1,
                item_number: i as i64 + 1,
                title: &title,
                body: "",
                domain: domains[i % 3],
                scope: if district.is_some() {
                    "district"
                } else {
                    "city"
                },
                district_id: district,
                neighborhood_id: None,
                lead_org_id: lead,
                partners: &partners,
                priority: "normal",
                deadline: *deadline,
                created_by: None,
            },
            at(),
        )
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    agree(store, "creation").await;

    // Reports move some into progress (a report that keeps the status too).
    let mut tx = store.begin().await.unwrap();
    for &id in ids.iter().take(8) {
        resolutions::add_report(
            &mut tx,
            &NewReport {
                resolution_id: id,
                organisation_id: 1,
                user_id: None,
                reported_on: d(2026, 1, 5),
                percent: 30,
                body: "گزارش",
            },
            Status::Approved,
            Status::InProgress,
            at(),
        )
        .await
        .unwrap();
    }
    resolutions::add_report(
        &mut tx,
        &NewReport {
            resolution_id: ids[0],
            organisation_id: 1,
            user_id: None,
            reported_on: d(2026, 1, 6),
            percent: 50,
            body: "گزارش دوم",
        },
        Status::InProgress,
        Status::InProgress,
        at(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    agree(store, "reports").await;

    // Done on time, done late, cancelled, and one done then reopened.
    let mut tx = store.begin().await.unwrap();
    let done = |on: NaiveDate, late: bool, days: i64| Some((on, late, days));
    for (k, to, data) in [
        (0, Status::Done, done(d(2025, 11, 20), false, 12)),
        (1, Status::Done, done(d(2026, 1, 9), true, 40)),
        (2, Status::Done, done(d(2025, 12, 1), false, 12)),
        (3, Status::Cancelled, None),
        (4, Status::Done, done(d(2026, 1, 9), false, 3)),
    ] {
        resolutions::set_status(
            &mut tx,
            ids[k],
            Status::InProgress,
            to,
            "complete",
            "",
            None,
            at(),
            data,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    agree(store, "completion and cancellation").await;
    let mut tx = store.begin().await.unwrap();
    resolutions::set_status(
        &mut tx,
        ids[4],
        Status::Done,
        Status::InProgress,
        "reopen",
        "دوباره",
        None,
        at(),
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    agree(store, "reopening").await;

    // An approved extension moves a deadline across a year edge.
    let mut tx = store.begin().await.unwrap();
    let ext = resolutions::request_extension(
        &mut tx,
        ids[9],
        d(2026, 12, 31),
        d(2027, 2, 1),
        "زمان بیشتر",
        None,
        at(),
    )
    .await
    .unwrap();
    let ext = resolutions::get_extension(&mut tx, ext).await.unwrap();
    resolutions::decide_extension(&mut tx, &ext, true, "", None, at())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    agree(store, "an extension").await;

    // Direct edits of every counted column, one at a time and several at once.
    let edits: Vec<Sql> = vec![
        // The new lead is already a partner of it: it stops counting as a partner in "involving".
        Sql::new("UPDATE resolutions SET lead_org_id = 5 WHERE id = $1").bind(ids[6]),
        Sql::new("UPDATE resolutions SET district_id = NULL WHERE id = $1").bind(ids[7]),
        Sql::new("UPDATE resolutions SET district_id = 2 WHERE id = $1").bind(ids[8]),
        Sql::new("UPDATE resolutions SET domain = 'traffic' WHERE id = $1").bind(ids[10]),
        Sql::new("UPDATE resolutions SET deadline = $1 WHERE id = $2")
            .bind(d(2026, 1, 14))
            .bind(ids[11]),
        Sql::new(
            "UPDATE resolutions SET lead_org_id = 4, district_id = 1, domain = 'health', deadline = $1 WHERE id = $2",
        )
        .bind(d(2025, 12, 31))
        .bind(ids[5]),
        Sql::new("UPDATE resolutions SET done_late = NULL WHERE id = $1").bind(ids[1]),
        // Many rows in one statement (statement-level triggers on PostgreSQL).
        Sql::new("UPDATE resolutions SET status = 'cancelled' WHERE status = 'approved'"),
        Sql::new("UPDATE resolutions SET progress = 10, title = title"),
    ];
    for (k, sql) in edits.iter().enumerate() {
        store.execute(sql).await.unwrap();
        agree(store, &format!("edit {k}: {}", sql.text)).await;
    }
    store
        .execute(&Sql::new(
            "UPDATE resolutions SET district_id = district_id WHERE 1 = 0",
        ))
        .await
        .unwrap();

    // Partners added and removed, one by one and in bulk.
    store
        .execute(
            &Sql::new("INSERT INTO resolution_partners (resolution_id, organisation_id) VALUES ($1, 3), ($2, 3)")
                .bind(ids[8])
                .bind(ids[9]),
        )
        .await
        .unwrap();
    agree(store, "partners added").await;
    store
        .execute(
            &Sql::new(
                "DELETE FROM resolution_partners WHERE organisation_id = 5 OR resolution_id = $1",
            )
            .bind(ids[8]),
        )
        .await
        .unwrap();
    agree(store, "partners removed").await;

    // Deletion with everything hanging on it (as the demo's reload does).
    for table in [
        "resolution_events",
        "progress_reports",
        "deadline_extensions",
        "resolution_partners",
    ] {
        store
            .execute(
                &Sql::new(&format!(
                    "DELETE FROM {table} WHERE resolution_id IN ($1, $2)"
                ))
                .bind(ids[9])
                .bind(ids[2]),
            )
            .await
            .unwrap();
    }
    store
        .execute(
            &Sql::new("DELETE FROM resolutions WHERE id IN ($1, $2)")
                .bind(ids[9])
                .bind(ids[2]),
        )
        .await
        .unwrap();
    agree(store, "deletion").await;

    // Everything deleted: every counter is back to zero.
    for table in [
        "resolution_events",
        "progress_reports",
        "deadline_extensions",
        "resolution_partners",
        "resolutions",
    ] {
        store
            .execute(&Sql::new(&format!("DELETE FROM {table}")))
            .await
            .unwrap();
    }
    for table in [
        "resolution_tally",
        "resolution_tally_district",
        "resolution_open_due",
        "resolution_open_due_district",
        "partner_open_due",
        "resolution_done_days",
        "resolution_done_days_district",
    ] {
        let left = store
            .scalar(&Sql::new(&format!(
                "SELECT COUNT(*) FROM {table} WHERE n <> 0"
            )))
            .await
            .unwrap();
        assert_eq!(left, 0, "{table} after deleting everything");
    }
}

#[tokio::test]
async fn counters_agree_with_the_scan_on_sqlite() {
    let (store, _dir) = common::sqlite().await;
    scenario(&store).await;
    store.close().await;
}

#[tokio::test]
async fn counters_agree_with_the_scan_on_postgres() {
    let Some(url) = common::pg_url() else {
        return;
    };
    let (store, name) = common::postgres(&url, "counters").await;
    scenario(&store).await;
    common::drop_pg(&url, store, &name).await;
}
