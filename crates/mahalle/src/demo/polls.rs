//! The demo's residents' polls: one open in district 14's first neighborhood (the demo council
//! member's), voting under way; one in district 6 ended, published with turnout and answered by
//! its council and district.

use chrono::{DateTime, Duration, Utc};
use mahalle_db::polls::{self, PollFields};
use mahalle_db::Tx;

use super::Rng;

/// Projects put to the vote beside the neighborhoods' challenges.
const PROJECTS: &[&str] = &[
    "احداث زمین بازی کودکان در بوستان محله",
    "بازسازی پیاده‌روهای خیابان اصلی محله",
    "راه‌اندازی ایستگاه دوچرخه اشتراکی",
    "کلاس‌های مهارت‌آموزی برای زنان سرپرست خانوار در سرای محله",
    "نصب دوربین و روشنایی در کوچه‌های کم‌نور",
];

/// Loads the two polls (after the challenges they offer). Returns how many.
pub async fn load(tx: &mut Tx, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let today = mahalle_web::today();
    let places = mahalle_db::partners::neighborhoods_for_loading(tx).await?;
    let first_in = |number: i64| places.iter().find(|p| p.2 == number).copied();
    let mut rng = Rng(1405);
    let mut made = 0;
    // (district number, title, question, days opened ago, days long, voters, published)
    let plans = [
        (
            14,
            "اولویت‌های محله برای بودجه سال آینده",
            "شورایاری محله می‌خواهد بداند کدام چالش‌ها و پروژه‌ها برای ساکنان مهم‌ترند. حداکثر دو گزینه را برگزینید.",
            5,
            25,
            143,
            false,
        ),
        (
            6,
            "کدام طرح محله زودتر اجرا شود؟",
            "از میان طرح‌های پیشنهادی شورایاری و معتمدان محله، یکی را برای اجرا در نیمه دوم سال برگزینید.",
            60,
            30,
            612,
            true,
        ),
    ];
    for (number, title, question, ago, days, voters, published) in plans {
        let Some((neighborhood, district, _)) = first_in(number) else {
            continue;
        };
        let mut options: Vec<(String, Option<i64>)> =
            polls::candidate_challenges_tx(tx, district, Some(neighborhood))
                .await?
                .into_iter()
                .take(3)
                .map(|(id, title, _)| (title, Some(id)))
                .collect();
        for p in PROJECTS.iter().take(5 - options.len().min(3)) {
            options.push((p.to_string(), None));
        }
        let opens_on = today - Duration::days(ago);
        let max_choices = if published { 1 } else { 2 };
        let id = polls::create(
            tx,
            &PollFields {
                district_id: district,
                neighborhood_id: Some(neighborhood),
                title,
                question,
                opens_on,
                closes_on: opens_on + Duration::days(days - 1),
                max_choices,
                options: &options,
            },
            None,
            now - Duration::days(ago + 7),
        )
        .await?;
        let ids: Vec<i64> = polls::options_tx(tx, id).await?;
        // Votes lean towards the first options, as real priorities do; the demo's voter keys
        // are not hashes of any number.
        for v in 0..voters {
            let mut chosen = vec![ids[weighted(&mut rng, ids.len())]];
            if max_choices > 1 && rng.chance(60) {
                let other = ids[weighted(&mut rng, ids.len())];
                if other != chosen[0] {
                    chosen.push(other);
                }
            }
            let method = if rng.chance(80) { "sms" } else { "in_person" };
            let day = opens_on + Duration::days(v % ago.min(days).max(1));
            polls::cast(
                tx,
                id,
                &format!("demo-voter-{id}-{v}"),
                method,
                &chosen,
                day,
            )
            .await?;
        }
        if published {
            polls::publish(tx, id, now - Duration::days(ago - days - 2)).await?;
            polls::set_answer(
                tx,
                id,
                true,
                "شورایاری محله از مشارکت ساکنان سپاسگزار است. گزینه نخست در جلسه شورایاری به‌عنوان اولویت محله تصویب و برای بودجه پیشنهاد شد.",
                now,
            )
            .await?;
            polls::set_answer(
                tx,
                id,
                false,
                "شهرداری منطقه اجرای گزینه نخست را در برنامه نیمه دوم سال گذاشت؛ پیشرفت آن در صفحه محله گزارش می‌شود.",
                now,
            )
            .await?;
        }
        made += 1;
    }
    Ok(made)
}

/// An index below `n`, the first ones likelier.
fn weighted(rng: &mut Rng, n: usize) -> usize {
    let a = rng.below(n);
    let b = rng.below(n);
    a.min(b)
}
