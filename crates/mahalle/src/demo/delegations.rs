//! The demo's delegations of authority: district 14's mayor hands the deciding of deadline
//! extensions to the district's deputy mayor (in force, with the right to pass it on) and, for
//! last summer's leave, the filing of resolutions (ended); the water company's liaison lets the
//! company's district expert act for it (in force) after an earlier one was revoked.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mahalle_db::delegations::{self as db, NewDelegation};
use mahalle_db::Tx;

/// Adds the delegations once. `user` finds a demo account's id by username.
pub async fn load(
    tx: &mut Tx,
    now: DateTime<Utc>,
    today: NaiveDate,
    user: &dyn Fn(&str) -> Option<i64>,
    district14: i64,
    water: i64,
) -> anyhow::Result<usize> {
    if db::any(tx).await? {
        return Ok(0);
    }
    let id = |u: &str| user(u).ok_or_else(|| anyhow::anyhow!("no demo account {u}"));
    let (d14, deputy, water_liaison, expert) =
        (id("d14")?, id("d14deputy")?, id("water")?, id("water14")?);
    let days = Duration::days;
    let rows = [
        (
            d14,
            deputy,
            "decide_extensions",
            Some(district14),
            None,
            today - days(40),
            today + days(140),
            true,
            "ابلاغ شماره ۱۴/۳۲۱۵ شهردار منطقه: رسیدگی به درخواست‌های تمدید مهلت مصوبه‌های منطقه تا پایان سال.",
            None,
        ),
        (
            d14,
            deputy,
            "create_resolutions",
            Some(district14),
            None,
            today - days(130),
            today - days(110),
            false,
            "در مدت مرخصی تابستانی شهردار منطقه.",
            None,
        ),
        (
            water_liaison,
            expert,
            "act_for_organisation",
            None,
            Some(water),
            today - days(200),
            today + days(165),
            false,
            "به جای نماینده پیشین شرکت که جابه‌جا شد.",
            Some("نماینده جابه‌جا شد."),
        ),
        (
            water_liaison,
            expert,
            "act_for_organisation",
            None,
            Some(water),
            today - days(20),
            today + days(160),
            false,
            "پاسخ به درخواست‌های شهروندان و گزارش مصوبه‌های شرکت در منطقه ۱۴.",
            None,
        ),
    ];
    let mut n = 0;
    for (from, to, power, district, org, starts, ends, onward, note, revoked) in rows {
        let new = NewDelegation {
            from_user_id: from,
            to_user_id: to,
            power,
            district_id: district,
            organisation_id: org,
            starts_on: starts,
            ends_on: ends,
            may_redelegate: onward,
            parent_id: None,
            note,
        };
        // Loaded as the city's history, like the rest of the demo: no audit rows (a database
        // with changes recorded is one the demo will not load into again).
        // Recorded the day before it starts.
        let made = now - days((today - starts).num_days() + 1);
        let did = db::create(tx, &new, made).await?;
        if let Some(reason) = revoked {
            db::revoke(tx, did, from, reason, now - days(25)).await?;
        }
        n += 1;
    }
    Ok(n)
}
