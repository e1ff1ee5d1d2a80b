//! Crash safety: the real `mahalle serve` process takes concurrent writes — citizens' requests
//! over Open311, resolutions and progress reports over the API — and is killed with SIGKILL at
//! random moments, then started again, round after round. Every write the server acknowledged
//! must be there afterwards, and the database's integrity check and the follow-up counters'
//! recount must pass. On SQLite, and on PostgreSQL when MAHALLE_TEST_DATABASE_URL is set (the
//! app is killed, not the database).
//!
//! CI runs a few rounds; `MAHALLE_CRASH_ROUNDS=20 cargo test -p mahalle --test http crash`
//! is the long run BENCHMARKS.md reports.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use mahalle_db::{Sql, Store};
use rand::Rng;

use crate::helpers::{fresh_database, new_client};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(db: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_mahalle"))
        .args(["serve", "--no-demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", db)
        .env("MAHALLE_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start mahalle serve")
}

async fn wait_ready(base: &str) {
    let client = new_client();
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await {
            if r.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server did not come up at {base}");
}

/// What the server said it stored.
#[derive(Default)]
struct Acked {
    requests: Vec<i64>,
    resolutions: Vec<i64>,
    reports: Vec<i64>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_the_server_being_killed() {
    let rounds: usize = std::env::var("MAHALLE_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let db = fresh_database().await;
    let store = Store::connect(&db).await.unwrap();
    let (_, key) = mahalle_web::requests::ops::create_api_key(&store, "crash test", None)
        .await
        .unwrap();
    let (mayor,): (i64,) = store
        .fetch_one(&Sql::new("SELECT id FROM users WHERE username = 'mayor'"))
        .await
        .unwrap();
    let (_, token) = mahalle_web::accounts::ops::issue_api_token(
        &store,
        None,
        mayor,
        "crash test",
        mahalle_core::tokens::TokenScope::Write,
        None,
    )
    .await
    .unwrap();
    let (meeting,): (i64,) = store
        .fetch_one(&Sql::new("SELECT MAX(id) FROM meetings"))
        .await
        .unwrap();
    let (water,): (i64,) = store
        .fetch_one(&Sql::new(
            "SELECT organisation_id FROM user_roles WHERE role = 'liaison'",
        ))
        .await
        .unwrap();
    store.close().await;

    let base = Arc::new(RwLock::new(String::new()));
    let acked = Arc::new(Mutex::new(Acked::default()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..6 {
        let (base, acked, stop) = (base.clone(), acked.clone(), stop.clone());
        let (key, token) = (key.clone(), token.clone());
        writers.spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let url = base.read().unwrap().clone();
                if url.is_empty() {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
                let last_resolution = acked.lock().unwrap().resolutions.last().copied();
                let done = match (w % 3, last_resolution) {
                    (0, _) => {
                        let description = format!("خرابی چراغ کوچه، گزارش {w}-{n}");
                        let r = client
                            .post(format!("{url}/open311/v2/requests.json"))
                            .form(&[
                                ("api_key", key.as_str()),
                                ("service_code", "STREET-LIGHT"),
                                ("lat", "35.6892"),
                                ("long", "51.3890"),
                                ("attribute[LIGHTS]", "1"),
                                ("description", description.as_str()),
                            ])
                            .send()
                            .await;
                        match r {
                            Ok(r) if r.status() == 200 => r
                                .json::<serde_json::Value>()
                                .await
                                .ok()
                                .and_then(|v| v[0]["service_request_id"].as_i64())
                                .map(|id| ("request", id)),
                            _ => None,
                        }
                    }
                    (2, Some(resolution)) => {
                        let r = client
                            .post(format!("{url}/api/v1/resolutions/{resolution}/reports"))
                            .bearer_auth(&token)
                            .json(&serde_json::json!({ "percent": 40, "text": format!("پیشرفت کار، گزارش {n}") }))
                            .send()
                            .await;
                        created(r).await.map(|id| ("report", id))
                    }
                    _ => {
                        let r = client
                            .post(format!("{url}/api/v1/meetings/{meeting}/resolutions"))
                            .bearer_auth(&token)
                            .json(&serde_json::json!({
                                "title": format!("ساماندهی پیاده‌رو، بند {w}-{n}"),
                                "domain": "urban_services",
                                "lead_org_id": water,
                                "deadline": "1406/02/10",
                            }))
                            .send()
                            .await;
                        created(r).await.map(|id| ("resolution", id))
                    }
                };
                match done {
                    Some((kind, id)) => {
                        let mut a = acked.lock().unwrap();
                        match kind {
                            "request" => a.requests.push(id),
                            "report" => a.reports.push(id),
                            _ => a.resolutions.push(id),
                        }
                    }
                    // Refused or cut off by the kill: not acknowledged, so nothing is owed.
                    None => tokio::time::sleep(Duration::from_millis(5)).await,
                }
            }
        });
    }

    let mut rng = rand::thread_rng();
    for _ in 0..rounds {
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let mut server = start(&db, port);
        wait_ready(&url).await;
        *base.write().unwrap() = url;
        tokio::time::sleep(Duration::from_millis(rng.gen_range(150..900))).await;
        server.kill().expect("SIGKILL the server");
        server.wait().unwrap();
        base.write().unwrap().clear();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    while writers.join_next().await.is_some() {}

    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(
        !acked.requests.is_empty() && !acked.resolutions.is_empty(),
        "writes were acknowledged between the kills"
    );
    let store = Store::connect(&db).await.unwrap();
    for (table, ids) in [
        ("service_requests", &acked.requests),
        ("resolutions", &acked.resolutions),
        ("progress_reports", &acked.reports),
    ] {
        for id in ids {
            let n = store
                .scalar(&Sql::new(&format!("SELECT COUNT(*) FROM {table} WHERE id = $1")).bind(*id))
                .await
                .unwrap();
            assert_eq!(n, 1, "acknowledged {table} {id} is there");
        }
    }
    store.close().await;
    // The database's own checks, and the counters kept beside the resolutions, as an operator
    // would run them after a crash.
    for args in [["check"].as_slice(), ["counters", "check"].as_slice()] {
        let o = Command::new(env!("CARGO_BIN_EXE_mahalle"))
            .args(args)
            .env("DATABASE_URL", &db)
            .env("MAHALLE_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "mahalle {}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    eprintln!(
        "crash test: {rounds} kills; acknowledged {} requests, {} resolutions, {} reports, all there",
        acked.requests.len(),
        acked.resolutions.len(),
        acked.reports.len()
    );
}

async fn created(r: reqwest::Result<reqwest::Response>) -> Option<i64> {
    match r {
        Ok(r) if r.status() == 201 => r
            .json::<serde_json::Value>()
            .await
            .ok()
            .and_then(|v| v["id"].as_i64()),
        _ => None,
    }
}
