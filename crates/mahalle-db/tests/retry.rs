//! `Store::write` survives the aborts each backend really produces: a deadlock between two
//! transactions on PostgreSQL, and a write lock held by another connection on SQLite. Without
//! the retry, each scenario ends in an error (asserted too, so the provocation is real).

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use mahalle_db::{settings, DbError, Sql, Store, TxError};
use tokio::sync::Barrier;

async fn seed(store: &Store) {
    store
        .write(|tx, _| {
            Box::pin(async move {
                settings::set(tx, "retry.a", "0").await?;
                settings::set(tx, "retry.b", "0").await
            })
        })
        .await
        .unwrap();
}

/// Two writers take the rows in opposite order; both wait at the barrier holding their first
/// row, so PostgreSQL must kill one (40P01). The victim runs again and both land.
async fn deadlock_scenario(store: &Store) {
    seed(store).await;
    let barrier = Barrier::new(2);
    let runs = AtomicU32::new(0);
    let writer = |first: &'static str, second: &'static str| {
        let (barrier, runs) = (&barrier, &runs);
        store.write(move |tx, _| {
            Box::pin(async move {
                let attempt = runs.fetch_add(1, Ordering::SeqCst);
                settings::set(tx, first, first).await?;
                if attempt < 2 {
                    barrier.wait().await;
                }
                settings::set(tx, second, first).await?;
                Ok::<_, DbError>(())
            })
        })
    };
    let (a, b) = tokio::join!(writer("retry.a", "retry.b"), writer("retry.b", "retry.a"));
    a.expect("first writer");
    b.expect("second writer");
    assert_eq!(runs.load(Ordering::SeqCst), 3, "one of the two ran again");
    let a = settings::get(store, "retry.a").await.unwrap().unwrap();
    let b = settings::get(store, "retry.b").await.unwrap().unwrap();
    assert_eq!(a, b, "the writer that ran last wrote both rows");
}

#[tokio::test]
async fn a_deadlock_on_postgres_is_retried() {
    let Some(url) = common::pg_url() else {
        return;
    };
    let (store, name) = common::postgres(&url, "retry").await;
    deadlock_scenario(&store).await;
    common::drop_pg(&url, store, &name).await;
}

#[tokio::test]
async fn a_busy_sqlite_database_is_retried() {
    let (holder, dir) = common::sqlite().await;
    seed(&holder).await;
    let path = dir.path().join("test.db");
    let impatient =
        Store::connect_with_busy_timeout(path.to_str().unwrap(), Duration::from_millis(30))
            .await
            .unwrap();

    // Another connection holds the write lock for a while.
    let mut held = holder.begin().await.unwrap();
    settings::set(&mut held, "retry.a", "held").await.unwrap();

    let plain = impatient
        .begin()
        .await
        .err()
        .expect("a second writer is refused");
    assert!(
        plain.transient(),
        "busy is recognised as retryable: {plain:?}"
    );

    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(250)).await;
        held.commit().await.unwrap();
    });
    let runs = AtomicU32::new(0);
    impatient
        .write(|tx, _| {
            let runs = &runs;
            Box::pin(async move {
                runs.fetch_add(1, Ordering::SeqCst);
                settings::set(tx, "retry.b", "after").await
            })
        })
        .await
        .expect("the write lands once the lock is released");
    release.await.unwrap();
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "the body ran once, after the lock came free"
    );
    assert_eq!(
        settings::get(&impatient, "retry.a")
            .await
            .unwrap()
            .as_deref(),
        Some("held")
    );
    assert_eq!(
        settings::get(&impatient, "retry.b")
            .await
            .unwrap()
            .as_deref(),
        Some("after")
    );

    // A non-transient error is returned at once, not retried.
    let tries = AtomicU32::new(0);
    let err = impatient
        .write(|tx, _| {
            let tries = &tries;
            Box::pin(async move {
                tries.fetch_add(1, Ordering::SeqCst);
                tx.execute(&Sql::new(
                    "INSERT INTO settings (key, value) VALUES ('retry.a', 'x')",
                ))
                .await
            })
        })
        .await
        .unwrap_err();
    assert!(matches!(err, DbError::Conflict(_)), "{err:?}");
    assert_eq!(tries.load(Ordering::SeqCst), 1);
}
