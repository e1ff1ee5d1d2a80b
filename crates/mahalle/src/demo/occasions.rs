//! The demo's occasions: the last year's Eid al-Ghadir, Ashura, 22 Bahman and district 14's
//! neighborhood festival, each with the same occasion the year before, held in neighborhoods
//! across the city with the people counted at each — a little more this year in most places.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mahalle_db::occasions::{self as db, OccasionFields, PlaceRow};
use mahalle_db::Tx;

use super::Rng;

/// Code, kind, Persian and English names, days ago this year, length in days, days between
/// the years (354 for a lunar occasion, 365 for a solar one), organisers, district number.
type Seed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    i64,
    &'static [&'static str],
    Option<i64>,
);

const SEEDS: &[Seed] = &[
    (
        "GHADIR",
        "religious",
        "جشن عید غدیر",
        "Eid al-Ghadir celebration",
        186,
        1,
        354,
        &["HQ-SOCIAL", "DEPT-CULT", "AG-ERSHAD"],
        None,
    ),
    (
        "ASHURA",
        "religious",
        "سوگواری تاسوعا و عاشورا",
        "Tasua and Ashura mourning",
        166,
        2,
        354,
        &["HQ-SOCIAL", "DEPT-CULT"],
        None,
    ),
    (
        "22-BAHMAN",
        "national",
        "راهپیمایی ۲۲ بهمن",
        "22 Bahman rally",
        299,
        1,
        365,
        &["HQ-SOCIAL", "AG-RAHVAR", "DEP-TRF"],
        None,
    ),
    (
        "D14-FESTIVAL",
        "local",
        "جشنواره محله‌های منطقه ۱۴",
        "District 14 neighborhoods festival",
        88,
        3,
        365,
        &["MUN-D14", "DEPT-SPORT"],
        Some(14),
    ),
];

/// Adds the occasions, once; returns how many.
pub async fn load(tx: &mut Tx, now: DateTime<Utc>, today: NaiveDate) -> anyhow::Result<usize> {
    if db::any(tx).await? {
        return Ok(0);
    }
    let places = mahalle_db::projects::loading_places(tx).await?;
    let mut rng = Rng(1441);
    let mut added = 0;
    for &(code, kind, fa, en, ago, days, between, organisers, district) in SEEDS {
        let district_id = match district {
            Some(n) => places.offices.iter().find(|o| o.1 == n).map(|o| o.0),
            None => None,
        };
        // The city's occasions in one neighborhood of every seven; a district's in all of its.
        let held: Vec<(i64, i64)> = places
            .neighborhoods
            .iter()
            .enumerate()
            .filter(|(i, n)| match district_id {
                Some(d) => n.1 == d,
                None => i % 7 == 0,
            })
            .map(|(_, n)| (n.0, n.1))
            .collect();
        let mut organiser_ids = Vec::new();
        for o in organisers {
            organiser_ids.extend(mahalle_db::org::id_by_code(tx, o).await?);
        }
        let counts: Vec<i64> = held.iter().map(|_| 300 + rng.below(2700) as i64).collect();
        for (year, starts) in [
            (0, today - Duration::days(ago + between)),
            (1, today - Duration::days(ago)),
        ] {
            let id = db::create(
                tx,
                &OccasionFields {
                    code,
                    kind,
                    name_fa: fa,
                    name_en: en,
                    description: "",
                    district_id,
                    starts_on: starts,
                    ends_on: starts + Duration::days(days - 1),
                },
                0,
                now,
            )
            .await?;
            db::set_organisers(tx, id, &organiser_ids).await?;
            let mut rows = Vec::new();
            for (&(neighborhood_id, district_id), &count) in held.iter().zip(&counts) {
                // Last year: most places a little fewer, a few not held at all.
                let participants = if year == 1 {
                    count
                } else if rng.chance(10) {
                    continue;
                } else {
                    count * (75 + rng.below(35) as i64) / 100
                };
                rows.push(PlaceRow {
                    neighborhood_id,
                    district_id,
                    partner_place_id: None,
                    participants: Some(participants),
                });
            }
            db::set_places(tx, id, &rows).await?;
            added += 1;
        }
    }
    Ok(added)
}
