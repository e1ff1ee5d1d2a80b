//! The load test's short variant (the long one is `mahalle load --clients 200 --seconds 60` on
//! a release build; BENCHMARKS.md has its figures): a few clients for a few seconds over the
//! whole mix, every answer the expected one.

use crate::helpers::fresh_database;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_load_is_answered_without_errors() {
    let store = mahalle_db::Store::connect(&fresh_database().await)
        .await
        .unwrap();
    let report = mahalle::load::run(
        store,
        mahalle::load::Options {
            clients: 16,
            seconds: 3,
            timeout: std::time::Duration::from_secs(10),
        },
    )
    .await
    .unwrap();
    assert_eq!(report.errors() + report.timeouts(), 0, "{report}");
    assert_eq!(
        report.kinds.len(),
        22,
        "every kind of call was made: {report}"
    );
    assert!(report.kinds.values().all(|t| t.ok > 0), "{report}");
}
