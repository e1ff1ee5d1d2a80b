//! `mahalle bench-requests`: fills the database to millions of citizens' requests, then measures
//! what the issue asks of Open311 over real HTTP on loopback: how many `POST requests.json` a
//! second are committed and answered, and how fast `GET requests.json` answers for one district
//! and a 90-day window.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use mahalle_db::{bulk, Store};

use crate::demo;

pub struct Options {
    /// Stored requests to reach before timing.
    pub requests: usize,
    /// Seconds of sustained posting.
    pub seconds: u64,
    /// Concurrent clients posting.
    pub clients: usize,
    /// Timed searches.
    pub runs: usize,
}

pub async fn run(store: Store, o: Options) -> anyhow::Result<()> {
    if mahalle_db::settings::get(&store, "demo_version")
        .await?
        .is_none()
    {
        println!("loading the demo city…");
        demo::load_sized(
            &store,
            demo::requests::RequestScale::SMALL,
            demo::Passwords::Generate,
        )
        .await?;
    }
    let have = bulk::rows(&store, "service_requests").await? as usize;
    if have < o.requests {
        let t = Instant::now();
        fill(&store, o.requests - have, 1).await?;
        // Statistics as a running system would have them (autovacuum's ANALYZE comes later).
        bulk::analyze(&store).await?;
        println!(
            "  added {} requests in {:.0} s",
            o.requests - have,
            t.elapsed().as_secs_f64()
        );
    }
    let total = bulk::rows(&store, "service_requests").await?;
    println!("database: {} with {total} citizens' requests", store.kind());

    let app = crate::server::Application::build(
        store.clone(),
        "127.0.0.1:0",
        mahalle_web::WebConfig::default(),
    )
    .await?;
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(o.clients)
        .build()?;

    // GET: district 14, the default 90-day window (the newest 1000 in it), JSON.
    let url = format!("{base}/open311/v2/requests.json?district=14");
    let mut times = Vec::new();
    let mut rows = 0;
    for i in 0..=o.runs.max(3) {
        let t = Instant::now();
        let r = client.get(&url).send().await?;
        anyhow::ensure!(r.status() == 200, "GET answered {}", r.status());
        let body = r.bytes().await?;
        if i > 0 {
            times.push(t.elapsed()); // the first run warms the caches
        }
        rows = serde_json::from_slice::<serde_json::Value>(&body)?
            .as_array()
            .map_or(0, Vec::len);
    }
    println!(
        "GET requests.json?district=14 (90 days, {rows} rows returned): {}",
        stats(times)
    );

    // POST: many clients at once, each waiting for its answer (so each request was committed).
    let (_, key) = mahalle_web::requests::ops::create_api_key(&store, "bench", None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let before = bulk::rows(&store, "service_requests").await?;
    let ok = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let stop = Instant::now() + Duration::from_secs(o.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..o.clients {
        let (client, key, ok, failed) = (client.clone(), key.clone(), ok.clone(), failed.clone());
        let url = format!("{base}/open311/v2/requests.json");
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut i = 0u64;
            while Instant::now() < stop {
                i += 1;
                let description = format!("چراغ کوچه خاموش است (آزمون بار {c}-{i})");
                let form = [
                    ("api_key", key.as_str()),
                    ("service_code", "STREET-LIGHT"),
                    ("lat", "35.7009"),
                    ("long", "51.4012"),
                    ("description", description.as_str()),
                    ("attribute[LIGHTS]", "2"),
                ];
                let t = Instant::now();
                match client.post(&url).form(&form).send().await {
                    Ok(r) if r.status() == 200 => {
                        let _ = r.bytes().await;
                        ok.fetch_add(1, Ordering::Relaxed);
                        lat.push(t.elapsed());
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await?);
    }
    let secs = started.elapsed().as_secs_f64();
    let after = bulk::rows(&store, "service_requests").await?;
    let ok = ok.load(Ordering::Relaxed);
    println!(
        "POST requests.json, {} clients for {:.1} s: {ok} answered 200 ({:.0}/s), {} failed; {} new rows stored; latency {}",
        o.clients,
        secs,
        ok as f64 / secs,
        failed.load(Ordering::Relaxed),
        after - before,
        stats(lat)
    );
    anyhow::ensure!(
        (after - before) as usize == ok,
        "every answered request must be stored"
    );
    Ok(())
}

pub(crate) fn stats(mut d: Vec<Duration>) -> String {
    if d.is_empty() {
        return "no samples".into();
    }
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    let at = |q: f64| {
        d[((d.len() as f64 * q).ceil() as usize)
            .saturating_sub(1)
            .min(d.len() - 1)]
    };
    format!(
        "median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(0.99))
    )
}

/// Adds `n` plain requests spread over the last `years` (no history rows: only the search columns
/// matter here). The rows are generated inside the database engine, a million per statement:
/// binding ten million rows from Rust would take most of an hour.
pub(crate) async fn fill(store: &Store, n: usize, years: i64) -> anyhow::Result<()> {
    let now = Utc::now();
    let t = Instant::now();
    let mut done = 0;
    // Chunks walk forward through the year and rows go in time order, as real requests arrive:
    // random order would scatter every index insert and take an hour.
    let chunks = n.div_ceil(1_000_000) as i64;
    let span = 31_536_000 * years / chunks;
    let mut i = 0;
    while done < n {
        let chunk = (n - done).min(1_000_000) as i64;
        let oldest = 31_536_000 * years - i * span;
        i += 1;
        bulk::generate_requests(store, chunk, now, oldest, span)
            .await
            .map_err(|e| anyhow::anyhow!("{e} (load the demo city first)"))?;
        done += chunk as usize;
        println!(
            "  {done} / {n} requests ({:.0} s)",
            t.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
