//! `mahalle bench-city`: fills a database to ten years of city data — Social HQ history with its
//! progress reports, citizens' requests, neighborhood challenges and priority projects — and
//! times the pages a district's supervision opens over real HTTP on loopback: the district's and
//! a neighborhood's scorecards, its projects behind plan, and the briefing pack of its latest
//! supervisory visit.

use std::time::Instant;

use chrono::Utc;
use mahalle_db::{bulk, Store};

use crate::bench_requests::stats;
use crate::demo;

pub struct Options {
    pub resolutions: usize,
    pub requests: usize,
    pub challenges: usize,
    pub projects: usize,
    pub runs: usize,
}

/// Ten years, in seconds.
const TEN_YEARS: i64 = 10 * 31_536_000;

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
    let mut filled = false;
    let have = bulk::rows(&store, "resolutions").await? as usize;
    if have < o.resolutions {
        let weeks = ((o.resolutions - have) / 480 + 1) as u64;
        println!(
            "adding about {} resolutions ({weeks} older weekly sessions)…",
            o.resolutions - have
        );
        let t = Instant::now();
        let scale = demo::Scale {
            weeks: 52 + weeks,
            items: (400, 560),
            reports: (3, 6),
            replace: false,
        };
        let (r, p) = demo::add_history(&store, scale, 77).await?;
        println!(
            "  added {r} resolutions and {p} progress reports in {:.0} s",
            t.elapsed().as_secs_f64()
        );
        filled = true;
    }
    let have = bulk::rows(&store, "service_requests").await? as usize;
    if have < o.requests {
        println!(
            "adding {} citizens' requests over ten years…",
            o.requests - have
        );
        crate::bench_requests::fill(&store, o.requests - have, 10).await?;
        filled = true;
    }
    let now = Utc::now();
    let have = bulk::rows(&store, "challenges").await? as usize;
    if have < o.challenges {
        let t = Instant::now();
        bulk::generate_challenges(&store, (o.challenges - have) as i64, now, TEN_YEARS).await?;
        println!(
            "  added {} challenges in {:.0} s",
            o.challenges - have,
            t.elapsed().as_secs_f64()
        );
        filled = true;
    }
    let have = bulk::rows(&store, "projects").await? as usize;
    if have < o.projects {
        let t = Instant::now();
        bulk::generate_projects(&store, (o.projects - have) as i64, now, TEN_YEARS).await?;
        println!(
            "  added {} projects in {:.0} s",
            o.projects - have,
            t.elapsed().as_secs_f64()
        );
        filled = true;
    }
    if filled {
        // Statistics as a running system would have them (autovacuum's ANALYZE comes later).
        bulk::analyze(&store).await?;
    }
    let count = |t: &'static str| bulk::rows(&store, t);
    println!(
        "database: {} with {} resolutions, {} progress reports, {} citizens' requests, {} challenges, {} projects",
        store.kind(),
        count("resolutions").await?,
        count("progress_reports").await?,
        count("service_requests").await?,
        count("challenges").await?,
        count("projects").await?,
    );

    let app = crate::server::Application::build(
        store.clone(),
        "127.0.0.1:0",
        mahalle_web::WebConfig::default(),
    )
    .await?;
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::new();

    // Signed in as district 14's mayor, who plans its visits and reads its pack.
    let d14 = mahalle_db::auth::user_by_name(&store, "d14")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo city has no account d14"))?;
    let token = mahalle_web::http::csrf::new_token();
    let at = now.timestamp();
    let hash = mahalle_web::http::csrf::hash_token(&token);
    mahalle_db::auth::create_session(&store, &hash, d14.id, at, at + 3600).await?;
    let cookie = format!("{}={token}", mahalle_web::http::ctx::SESSION_COOKIE);

    let visits = mahalle_db::meetings::list(
        &store,
        &mahalle_db::meetings::MeetingFilter {
            kind: Some("supervisory_visit".into()),
            district_id: Some(14),
            ..Default::default()
        },
        &mahalle_core::paging::Listing::from_query(
            &Default::default(),
            mahalle_db::meetings::MEETING_SORTS,
        ),
        mahalle_web::today(),
    )
    .await?;
    let visit = visits
        .items
        .first()
        .ok_or_else(|| anyhow::anyhow!("the demo city has no visit to district 14"))?
        .id;
    let neighborhood = bulk::places(&store)
        .await?
        .into_iter()
        .find(|p| p.district_number == 14)
        .ok_or_else(|| anyhow::anyhow!("district 14 has no neighborhood"))?
        .neighborhood_id;

    let runs = o.runs.max(3);
    println!("\nserver time through HTTP, {runs} runs after one to warm the caches:");
    for path in [
        "/scorecards/districts/14".to_string(),
        "/api/v1/scorecards/districts/14".to_string(),
        format!("/scorecards/neighborhoods/{neighborhood}"),
        "/projects?district=14&behind=1".to_string(),
        format!("/visits/{visit}/briefing"),
        format!("/api/v1/visits/{visit}/briefing"),
        format!("/visits/{visit}/briefing.xlsx"),
    ] {
        let url = format!("{base}{path}");
        let mut times = Vec::new();
        for i in 0..=runs {
            let t = Instant::now();
            let r = client.get(&url).header("cookie", &cookie).send().await?;
            anyhow::ensure!(r.status() == 200, "GET {path} answered {}", r.status());
            r.bytes().await?;
            if i > 0 {
                times.push(t.elapsed());
            }
        }
        println!("  GET {path:<40} {}", stats(times));
    }
    Ok(())
}
