//! The demo's partner places: in every neighborhood its mosques (where its imams serve), a school
//! and a cultural or health house, located near the district's centre, some designated model.

use chrono::NaiveDate;
use mahalle_core::partners::PartnerKind;
use mahalle_db::partners::{self, PartnerFields};
use mahalle_db::Tx;

use super::{data, Rng};

/// What kind a place of the seed names is, by the first word of its name.
fn kind_of(name: &str) -> PartnerKind {
    let starts = |p: &[&str]| p.iter().any(|w| name.starts_with(w));
    if starts(&["مسجد", "حسینیه"]) {
        PartnerKind::Mosque
    } else if starts(&["دبستان", "دبیرستان", "هنرستان"]) {
        PartnerKind::School
    } else if starts(&["دانشگاه"]) {
        PartnerKind::University
    } else if starts(&["کتابخانه"]) {
        PartnerKind::Library
    } else if starts(&["خانه سلامت", "پایگاه سلامت"]) {
        PartnerKind::HealthHouse
    } else if starts(&["مجموعه ورزشی"]) {
        PartnerKind::Sports
    } else if starts(&["فرهنگسرا", "خانه فرهنگ", "سرای محله", "خانه کودک"])
    {
        PartnerKind::CulturalCentre
    } else {
        PartnerKind::Other
    }
}

/// Loads the places (idempotent: by neighborhood and name) and ties imams to their mosques.
/// Returns how many places there are.
pub async fn load(tx: &mut Tx) -> anyhow::Result<usize> {
    let mut rng = Rng(311);
    let now = chrono::Utc::now();
    let mut n = 0;
    let mosques = partners::imam_mosques(tx).await?;
    for (neighborhood, district, number) in partners::neighborhoods_for_loading(tx).await? {
        let (clon, clat) = u8::try_from(number)
            .ok()
            .and_then(mahalle_core::geo::centroid)
            .unwrap_or((51.39, 35.70));
        // The mosques its imams serve, then a school or centre or two.
        let mut names: Vec<&data::NameSeed> = mosques
            .iter()
            .filter(|(n, _)| *n == neighborhood)
            .filter_map(|(_, title)| data::MOSQUE_NAMES.iter().find(|m| m.fa == title))
            .collect();
        names.push(rng.pick(data::SCHOOLS_AND_CENTRES));
        if rng.chance(60) {
            names.push(rng.pick(data::SCHOOLS_AND_CENTRES));
        }
        for seed in names {
            // Somewhere in the district: a few draws around its centre, kept if inside.
            let jitter = |rng: &mut Rng| (rng.below(4001) as f64 - 2000.0) / 100_000.0;
            let mut location = Some((clat, clon));
            for _ in 0..12 {
                let (lat, lon) = (clat + jitter(&mut rng), clon + jitter(&mut rng));
                if mahalle_core::geo::district_at(lon, lat).map(i64::from) == Some(number) {
                    location = Some((lat, lon));
                    break;
                }
            }
            let model_since = rng.chance(25).then(|| {
                NaiveDate::from_ymd_opt(2021 + rng.below(4) as i32, 1 + rng.below(12) as u32, 1)
                    .unwrap_or_default()
            });
            let kind = kind_of(seed.fa);
            partners::upsert(
                tx,
                &PartnerFields {
                    neighborhood_id: neighborhood,
                    district_id: district,
                    kind: kind.as_str(),
                    name_fa: seed.fa,
                    name_en: seed.en,
                    address: "",
                    phone: "",
                    location,
                    model_since,
                },
                now,
            )
            .await?;
            n += 1;
        }
    }
    partners::link_imams(tx).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_name_has_a_sensible_kind() {
        for s in data::MOSQUE_NAMES {
            assert_eq!(kind_of(s.fa), PartnerKind::Mosque, "{}", s.fa);
        }
        assert_eq!(kind_of("دانشگاه تهران"), PartnerKind::University);
        assert_eq!(kind_of("خانه سلامت محله"), PartnerKind::HealthHouse);
        assert_eq!(kind_of("مرکز نیکوکاری محله"), PartnerKind::Other);
    }
}
