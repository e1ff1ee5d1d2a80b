//! The demo's indicators: a vaccination drive counted month by month in every neighborhood over
//! the last year against each neighborhood's target population (a few neighborhoods lag), and
//! green space per resident.

use chrono::{DateTime, Duration, Utc};
use mahalle_core::indicators::{self as rules, Period, PeriodKind};
use mahalle_db::indicators::{self as db, ElementFields, IndicatorFields, Value};
use mahalle_db::Tx;

use super::Rng;

const ELEMENTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "VAX-DONE",
        "کودکان واکسینه‌شده (نوبت کامل)",
        "Children fully vaccinated",
        "month",
        "sum",
    ),
    (
        "VAX-POP",
        "جمعیت هدف واکسیناسیون (کودکان زیر شش سال)",
        "Vaccination target population (children under six)",
        "year",
        "last",
    ),
    (
        "GREEN-M2",
        "فضای سبز عمومی (متر مربع)",
        "Public green space (m²)",
        "year",
        "last",
    ),
    ("RESIDENTS", "جمعیت ساکن", "Residents", "year", "last"),
];

/// Adds the elements, indicators and a year of counts, once.
pub async fn load(tx: &mut Tx, now: DateTime<Utc>) -> anyhow::Result<usize> {
    if db::any_element(tx).await? {
        return Ok(0);
    }
    let mut ids = Vec::new();
    for (code, fa, en, kind, agg) in ELEMENTS {
        let id = db::create_element(
            tx,
            &ElementFields {
                code,
                name_fa: fa,
                name_en: en,
                description: "",
                period_kind: kind,
                aggregation: agg,
            },
            None,
            now,
        )
        .await?;
        ids.push(id);
    }
    let today = mahalle_web::today();
    let year_end = Period::containing(PeriodKind::Year, today).end();
    let mut indicator_ids = Vec::new();
    for (code, fa, en, num, den, factor, target) in [
        (
            "VAX-COV",
            "پوشش واکسیناسیون کودکان",
            "Child vaccination coverage",
            ids[0],
            ids[1],
            100,
            95.0,
        ),
        (
            "GREEN-PC",
            "سرانه فضای سبز (متر مربع برای هر نفر)",
            "Green space per resident (m²)",
            ids[2],
            ids[3],
            1,
            10.0,
        ),
    ] {
        let id = db::create_indicator(
            tx,
            &IndicatorFields {
                code,
                name_fa: fa,
                name_en: en,
                description: "",
                numerator_id: num,
                denominator_id: Some(den),
                factor,
                direction: "higher",
                target: Some(target),
                target_on: Some(year_end),
            },
            None,
            now,
        )
        .await?;
        indicator_ids.push(id);
    }
    let places = mahalle_db::projects::loading_places(tx).await?;
    let this_month = Period::containing(PeriodKind::Month, today);
    let months = rules::periods(
        PeriodKind::Month,
        this_month.start - Duration::days(335),
        this_month.end(),
    );
    // The stocks are counted once a year: last year's and this year's figures.
    let mut years = vec![Period::containing(PeriodKind::Year, months[0].start)];
    years.push(Period::containing(PeriodKind::Year, today));
    years.dedup();
    let mut rng = Rng(1404);
    let (mut n, mut all) = (0, Vec::new());
    for &(neighborhood_id, district_id, _) in &places.neighborhoods {
        let residents = 12_000 + rng.below(48_000) as i64;
        let children = residents * (6 + rng.below(4) as i64) / 100;
        // Most neighborhoods reach 85–99% over the year; about one in eight stops near 60%.
        let reach = if rng.chance(12) {
            55 + rng.below(15)
        } else {
            85 + rng.below(15)
        } as i64;
        let green = residents * (3 + rng.below(12) as i64);
        let set = |element_id: i64, p: Period, value: i64| Value {
            element_id,
            period_start: p.start,
            neighborhood_id,
            district_id,
            value,
        };
        let mut rows = Vec::new();
        for (k, &y) in years.iter().enumerate() {
            rows.push(set(ids[1], y, children + k as i64 * children / 50));
            rows.push(set(ids[2], y, green + k as i64 * green / 20));
            rows.push(set(ids[3], y, residents + k as i64 * residents / 100));
        }
        let per_month = children * reach / 100 / months.len() as i64;
        for &m in &months {
            let v = per_month * (80 + rng.below(40) as i64) / 100;
            rows.push(set(ids[0], m, v));
        }
        n += rows.len();
        all.extend(rows);
    }
    db::insert_values(tx, &all, now).await?;
    n += super::campaigns::load(tx, now, indicator_ids[0], &months, &places.neighborhoods).await?;
    Ok(n)
}
