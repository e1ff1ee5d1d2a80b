//! The follow-up counters agree with a scan of the resolutions on the demo city: after its bulk
//! load (rows inserted directly, thousands per statement), after a reload (which deletes them
//! all first) and after older history is added as the benchmark does. Checked on several days,
//! since "overdue" and "due soon" depend on today. SQLite always; PostgreSQL too when
//! MAHALLE_TEST_DATABASE_URL is set.

use chrono::Days;
use mahalle::demo;
use mahalle_db::{counters, Sql, Store};

async fn agree(store: &Store, step: &str) {
    let today = mahalle_web::today();
    for day in [
        today,
        today - Days::new(45),
        today + Days::new(20),
        today + Days::new(400),
    ] {
        let diff = counters::differences(store, day).await.unwrap();
        assert!(
            diff.is_empty(),
            "after {step}, on {day}:\n{}",
            diff.join("\n")
        );
    }
}

/// The demo city with the small history of requests: the counters are the resolutions'.
async fn load(store: &Store) {
    demo::load_sized(
        store,
        demo::requests::RequestScale::SMALL,
        demo::Passwords::Generate,
    )
    .await
    .unwrap();
}

async fn scenario(store: &Store) {
    store.migrate().await.unwrap();
    load(store).await;
    agree(store, "the demo load").await;
    load(store).await;
    agree(store, "a reload").await;
    let scale = demo::Scale {
        weeks: 52 + 4,
        items: (30, 60),
        reports: (1, 2),
        replace: false,
    };
    demo::add_history(store, scale, 5).await.unwrap();
    agree(store, "added history").await;
}

#[tokio::test]
async fn counters_agree_with_the_scan_on_the_demo_city() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let store = Store::connect(path.to_str().unwrap()).await.unwrap();
    scenario(&store).await;
    store.close().await;

    let Some(url) = std::env::var("MAHALLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return;
    };
    let name = format!("mahalle_counters_demo_{}", std::process::id());
    let admin = Store::connect(&url).await.unwrap();
    admin
        .execute(&Sql::new(&format!("DROP DATABASE IF EXISTS {name}")))
        .await
        .unwrap();
    admin
        .execute(&Sql::new(&format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let store = Store::connect(&format!("{base}/{name}")).await.unwrap();
    scenario(&store).await;
    store.close().await;
    admin
        .execute(&Sql::new(&format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .await
        .unwrap();
    admin.close().await;
}
