//! TEMPORARY scratch harness (to be deleted): compiles tests/http/notifications.rs on its own.
#[path = "http/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "http/notifications.rs"]
mod notifications;

mod wired {
    use crate::helpers::{fresh_database, new_client, TestApp};
    use axum::routing::{get, post};
    use chrono::{Days, NaiveDate, Utc};
    use mahalle_db::{Sql, Store};
    use mahalle_web::notify::{deliver_due, generate, Mailbox, ReminderConfig, SendError};

    async fn open() -> (String, Store) {
        let url = fresh_database().await;
        let store = Store::connect(&url).await.expect("open test database");
        (url, store)
    }
    fn cfg() -> ReminderConfig {
        ReminderConfig::default()
    }
    async fn count(store: &Store, sql: &str) -> i64 {
        store.scalar(&Sql::new(sql)).await.expect(sql)
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
    fn plus(d: NaiveDate, days: i64) -> NaiveDate {
        if days >= 0 {
            d + Days::new(days as u64)
        } else {
            d - Days::new(days.unsigned_abs())
        }
    }
    async fn keep_open(store: &Store, today: NaiveDate, offsets: &[i64]) -> Vec<i64> {
        let ids: Vec<(i64,)> = store.fetch_all(&Sql::new("SELECT id FROM resolutions WHERE status IN ('approved','in_progress') ORDER BY id LIMIT $1").bind(offsets.len() as i64)).await.unwrap();
        let ids: Vec<i64> = ids.into_iter().map(|(i,)| i).collect();
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        store.execute(&Sql::new(&format!("UPDATE resolutions SET status = 'cancelled' WHERE status IN ('approved','in_progress') AND id NOT IN ({list})"))).await.unwrap();
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
    async fn spawn_wired(db_url: &str) -> TestApp {
        let store = Store::connect(db_url).await.unwrap();
        let state = mahalle_web::AppState {
            store,
            config: std::sync::Arc::new(mahalle_web::WebConfig::default()),
        };
        use mahalle_web::views::notifications as n;
        let mine = axum::Router::new()
            .route("/notifications", get(n::outbox))
            .route("/notifications/{id}/retry", post(n::retry))
            .layer(axum::middleware::from_fn(mahalle_web::error::html_errors))
            .layer(axum::middleware::from_fn(mahalle_web::csrf::ensure_cookie))
            .with_state(state.clone());
        let app = mahalle_web::app(state).merge(mine);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TestApp {
            addr,
            db_url: db_url.to_string(),
            client: new_client(),
        }
    }

    #[tokio::test]
    async fn dump_page() {
        let (url, store) = open().await;
        let today = mahalle_web::today();
        keep_open(&store, today, &[-2, 3, -20]).await;
        generate(&store, today, &cfg()).await.unwrap();
        let app = spawn_wired(&url).await;
        app.login_as("mayor").await;
        let (status, body) = app.get_text("/notifications?per_page=3").await;
        std::fs::write("/tmp/nt_page.html", &body).unwrap();
        assert_eq!(status, 200);
    }

    /// Needs the routes `GET /notifications` and `POST /notifications/{id}/retry`.
    #[tokio::test]
    async fn wired_outbox_page() {
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

        let app = spawn_wired(&url).await;
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

        let app = spawn_wired(&url).await;
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
}
