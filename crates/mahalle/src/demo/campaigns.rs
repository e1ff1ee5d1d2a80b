//! The demo's campaigns: the Health HQ's child vaccination drive over the last year (measured by
//! the vaccination coverage counted month by month), and the Social HQ's household aid drive
//! with its own counts — households reached each month against those in need — where a few
//! neighborhoods lag.

use chrono::{DateTime, Utc};
use mahalle_core::indicators::{Period, PeriodKind};
use mahalle_db::campaigns::{self as db, CampaignFields};
use mahalle_db::indicators::{self as ind, ElementFields, IndicatorFields, Value};
use mahalle_db::Tx;

use super::Rng;

/// Adds the aid drive's counts and both campaigns, once; returns the counts added.
pub async fn load(
    tx: &mut Tx,
    now: DateTime<Utc>,
    vaccination: i64,
    months: &[Period],
    neighborhoods: &[(i64, i64, String)],
) -> anyhow::Result<usize> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(0);
    };
    if db::any(tx).await? {
        return Ok(0);
    }
    let element = |code, name_fa, name_en, period_kind, aggregation| ElementFields {
        code,
        name_fa,
        name_en,
        description: "",
        period_kind,
        aggregation,
    };
    let aided = ind::create_element(
        tx,
        &element(
            "AID-HH",
            "خانوارهای بهره‌مند از بسته معیشتی",
            "Households given an aid package",
            "month",
            "sum",
        ),
        None,
        now,
    )
    .await?;
    let in_need = ind::create_element(
        tx,
        &element(
            "NEED-HH",
            "خانوارهای نیازمند شناسایی‌شده",
            "Households identified as in need",
            "year",
            "last",
        ),
        None,
        now,
    )
    .await?;
    let coverage = ind::create_indicator(
        tx,
        &IndicatorFields {
            code: "AID-COV",
            name_fa: "پوشش خانوارهای نیازمند",
            name_en: "Households in need reached",
            description: "",
            numerator_id: aided,
            denominator_id: Some(in_need),
            factor: 100,
            direction: "higher",
            target: Some(90.0),
            target_on: None,
        },
        None,
        now,
    )
    .await?;
    let mut years: Vec<Period> = months
        .iter()
        .map(|m| Period::containing(PeriodKind::Year, m.start))
        .collect();
    years.dedup();
    let mut rng = Rng(1405);
    let mut rows = Vec::new();
    for &(neighborhood_id, district_id, _) in neighborhoods {
        let need = 150 + rng.below(900) as i64;
        // Most neighborhoods reach 80–100% of their households; one in ten about half.
        let reach = if rng.chance(10) {
            40 + rng.below(20)
        } else {
            80 + rng.below(20)
        } as i64;
        let set = |element_id, p: &Period, value| Value {
            element_id,
            period_start: p.start,
            neighborhood_id,
            district_id,
            value,
        };
        for y in &years {
            rows.push(set(in_need, y, need));
        }
        let per_month = need * reach / 100 / months.len() as i64;
        for m in months {
            // Aid peaks in the cold months (Azar to Esfand) and before Nowruz.
            let j = mahalle_core::jalali::JalaliDate::from_gregorian(m.start);
            let season = if (9..=12).contains(&j.month) { 150 } else { 70 };
            rows.push(set(
                aided,
                m,
                per_month * season * (85 + rng.below(30) as i64) / 10_000,
            ));
        }
    }
    ind::insert_values(tx, &rows, now).await?;

    let health = mahalle_db::org::id_by_code(tx, "HQ-HEALTH").await?;
    let social = mahalle_db::org::id_by_code(tx, "HQ-SOCIAL").await?;
    let (Some(health), Some(social)) = (health, social) else {
        return Ok(rows.len());
    };
    let ends = last.end().pred_opt().unwrap_or(last.start);
    let drives = [
        (
            "VAX-1405",
            "پویش واکسیناسیون کودکان",
            "Child vaccination drive",
            "همه دستگاه‌ها کنار هم برای رساندن پوشش واکسیناسیون کودکان زیر شش سال به ۹۵ درصد در هر محله.",
            health,
            &["AG-TUMS", "AG-SBMU", "AG-IUMS", "AG-EDU", "DEPT-WELFARE"][..],
            (vaccination, 95.0),
        ),
        (
            "AID-1405",
            "پویش همدلی: کمک معیشتی به خانوارهای نیازمند",
            "Empathy drive: aid to households in need",
            "بسته‌های معیشتی برای خانوارهای شناسایی‌شده هر محله، با تمرکز بر ماه‌های سرد سال.",
            social,
            &["IN-IKRF", "AG-BEHZISTI", "DEPT-WELFARE"][..],
            (coverage, 90.0),
        ),
    ];
    for (code, fa, en, description, owner, partners, target) in drives {
        let id = db::create(
            tx,
            &CampaignFields {
                code,
                name_fa: fa,
                name_en: en,
                description,
                owner_id: owner,
                starts_on: first.start,
                ends_on: ends,
            },
            None,
            now,
        )
        .await?;
        let mut ids = Vec::new();
        for p in partners {
            ids.extend(mahalle_db::org::id_by_code(tx, p).await?);
        }
        db::set_partners(tx, id, &ids).await?;
        db::set_indicators(tx, id, &[target]).await?;
    }
    Ok(rows.len())
}
