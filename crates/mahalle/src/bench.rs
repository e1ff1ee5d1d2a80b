//! `mahalle bench`: fills a database to the scale and times the follow-up views and a
//! 450-row import. Speed targets are checked here, never in timed tests.

use std::time::{Duration, Instant};

use mahalle_core::access::{Grant, Principal, Role, Scope};
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::resolutions::{self, Filter};
use mahalle_db::{bulk, meetings, Store};

use crate::demo;

pub struct Options {
    pub resolutions: usize,
    pub runs: usize,
}

fn stats(mut d: Vec<Duration>) -> String {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    let p95 = d[((d.len() as f64 * 0.95).ceil() as usize)
        .saturating_sub(1)
        .min(d.len() - 1)];
    format!(
        "min {:>7.2} ms  median {:>7.2} ms  p95 {:>7.2} ms",
        ms(d[0]),
        ms(d[d.len() / 2]),
        ms(p95)
    )
}

async fn time<F, Fut, T>(runs: usize, mut f: F) -> anyhow::Result<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    f().await?; // warm the caches once
    let mut d = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await?;
        d.push(t.elapsed());
    }
    Ok(stats(d))
}

pub async fn run(store: &Store, o: Options) -> anyhow::Result<()> {
    let count = |t: &'static str| bulk::rows(store, t);
    if mahalle_db::settings::get(store, "demo_version")
        .await?
        .is_none()
    {
        println!("loading the demo city…");
        demo::load(store, demo::Passwords::Generate).await?;
    }
    let have = count("resolutions").await? as usize;
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
        let (r, p) = demo::add_history(store, scale, 77).await?;
        // Statistics as a running system would have them (autovacuum's ANALYZE comes later).
        bulk::analyze(store).await?;
        println!(
            "  added {r} resolutions and {p} progress reports in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    println!(
        "database: {} with {} resolutions, {} progress reports, {} timeline events",
        store.kind(),
        count("resolutions").await?,
        count("progress_reports").await?,
        count("resolution_events").await?
    );
    let today = mahalle_web::today();
    let all = Filter {
        reach: Some(mahalle_core::access::Reach {
            all: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    let d14 = bulk::district_by_number(store, 14)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo city has no district 14"))?;
    let busiest = bulk::busiest_lead(store).await?;
    let first_page = Listing::from_query(&ListQuery::default(), resolutions::RESOLUTION_SORTS);
    let runs = o.runs.max(3);

    println!("\nserver-side time of each view over {runs} runs (store queries, as the handler makes them):");
    let r = time(runs, || async {
        Ok(resolutions::accountability(store, &all, today).await?)
    })
    .await?;
    println!("  accountability, whole city          {r}");
    let f14 = Filter {
        district_id: Some(d14),
        ..all.clone()
    };
    let r = time(runs, || async {
        Ok(resolutions::accountability(store, &f14, today).await?)
    })
    .await?;
    println!("  accountability, district 14         {r}");
    let r = time(runs, || async {
        resolutions::inbox_counts(store, busiest, today, 7).await?;
        let f = Filter {
            lead_org_id: Some(busiest),
            ..Default::default()
        };
        Ok(resolutions::list(store, &f, &first_page, today).await?)
    })
    .await?;
    println!("  inbox of the busiest organisation   {r}");
    let r = time(runs, || async {
        let f = Filter {
            involving_org_id: Some(busiest),
            overdue: true,
            ..Default::default()
        };
        Ok(resolutions::list(store, &f, &first_page, today).await?)
    })
    .await?;
    println!("  its overdue tab                     {r}");
    let r = time(runs, || async {
        let f = Filter {
            overdue: true,
            ..all.clone()
        };
        Ok(resolutions::list(store, &f, &first_page, today).await?)
    })
    .await?;
    println!("  city overdue list, first page       {r}");

    // A 450-row session from .xlsx: read, validate, commit in one transaction.
    let hq = bulk::org_codes(store)
        .await?
        .into_iter()
        .find(|(code, _)| code == "HQ-SOCIAL")
        .map(|(_, id)| id)
        .ok_or_else(|| anyhow::anyhow!("load the demo city first"))?;
    let xlsx = sample_xlsx(450)?;
    let who = Principal {
        user_id: 1,
        grants: vec![Grant {
            role: Role::Admin,
            scope: Scope::City,
        }],
        delegated: Vec::new(),
    };
    let mut d = Vec::new();
    for i in 0..5 {
        let mut tx = store.begin().await?;
        let m = meetings::create(
            &mut tx,
            &meetings::NewMeeting {
                kind: "hq_session",
                body_id: hq,
                jalali_year: 1499,
                session_number: 1000 + i64::from(rand_suffix()) + i,
                title: "benchmark",
                chair_person_id: None,
                place: "",
                starts_at: chrono::Utc::now(),
                district_id: None,
                neighborhood_id: None,
                minutes: "",
                agenda: &[],
                organisations: &[],
                people: &[],
                created_by: None,
            },
        )
        .await?;
        tx.commit().await?;
        let t = Instant::now();
        let n = mahalle_web::resolutions::ops::commit_import(store, &who, m, "session.xlsx", &xlsx)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        d.push(t.elapsed());
        anyhow::ensure!(n == 450, "imported {n}");
    }
    println!("  import of a 450-row .xlsx (commit)  {}", stats(d));
    Ok(())
}

/// Distinct session numbers per run of the bench on the same database.
fn rand_suffix() -> u16 {
    (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_micros())
        .unwrap_or(0)
        % 50_000) as u16
}

fn sample_xlsx(rows: usize) -> anyhow::Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "ردیف",
        "عنوان",
        "حوزه",
        "دستگاه مسئول",
        "دستگاه‌های همکار",
        "منطقه",
        "مهلت",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h)?;
    }
    for i in 1..=rows {
        let r = i as u32;
        ws.write_number(r, 0, i as f64)?;
        ws.write_string(r, 1, format!("ساماندهی معابر محله، بند {i}"))?;
        ws.write_string(r, 2, "خدمات شهری")?;
        ws.write_string(r, 3, "شرکت آب و فاضلاب استان تهران")?;
        ws.write_string(r, 4, "کمیته امداد امام خمینی (ره) استان تهران، AG-POWER")?;
        ws.write_string(r, 5, "منطقه ۱۴")?;
        ws.write_string(r, 6, "۱۴۰۵/۰۲/۱۰")?;
    }
    Ok(wb.save_to_buffer()?)
}
