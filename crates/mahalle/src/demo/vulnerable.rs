//! The demo's vulnerable areas: Owraghchi-ha (اوراقچی‌ها), the scrap-car strip of Khavaran
//! turned round by clearing the workshops, treating addiction and building a park; and a few
//! more areas of the south, one kept off the public list.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mahalle_db::vulnerable::{self as db, AreaFields, InterventionFields};
use mahalle_db::Tx;

/// An intervention: title, lead and partners by code, started and ended (days ago), cost in
/// billions of rials, m² returned.
type Step = (
    &'static str,
    &'static str,
    &'static [&'static str],
    i64,
    Option<i64>,
    i64,
    Option<i64>,
);

struct Seed {
    name_fa: &'static str,
    name_en: &'static str,
    district: u8,
    neighborhood: &'static str,
    /// Drawn as the middle of the neighborhood rather than the whole of it.
    drawn: bool,
    reason: &'static str,
    marked_days_ago: i64,
    public: bool,
    steps: &'static [Step],
}

const SEEDS: &[Seed] = &[
    Seed {
        name_fa: "اوراقچی‌ها",
        name_en: "Owraghchi-ha",
        district: 15,
        neighborhood: "خاوران",
        drawn: true,
        reason: "تجمع کارگاه‌های اوراق خودرو و انبارهای ضایعات در حاشیه خیابان، پاتوق معتادان متجاهر و ناامنی شبانه؛ پیاده‌رو و فضای عمومی از دست مردم رفته بود.",
        marked_days_ago: 420,
        public: true,
        steps: &[
            ("جمع‌آوری کارگاه‌های اوراق و انتقال به شهرک صنعتی", "MUN-D15", &["AG-POLICE", "AG-JUDICIARY"], 330, Some(250), 42, Some(18_500)),
            ("ساماندهی معتادان متجاهر و انتقال به مراکز درمان", "AG-BEHZISTI", &["DEPT-WELFARE", "AG-POLICE"], 320, Some(200), 9, None),
            ("ساخت بوستان محله‌ای و پیاده‌راه اوراقچی‌ها", "DEPT-PARKS", &["MUN-D15", "DEPT-BEAUTY"], 200, None, 65, Some(12_000)),
        ],
    },
    Seed {
        name_fa: "محدوده دروازه غار",
        name_en: "Darvazeh Ghar",
        district: 12,
        neighborhood: "دروازه غار",
        drawn: false,
        reason: "بافت فرسوده، کودکان کار و کارتن‌خوابی در کوچه‌های تنگ؛ نبود فضای بازی و فرهنگی.",
        marked_days_ago: 600,
        public: true,
        steps: &[
            ("راه‌اندازی خانه کودک و مرکز گذری خدمات اجتماعی", "DEPT-WELFARE", &["AG-BEHZISTI", "IN-IKRF"], 500, Some(420), 12, Some(900)),
            ("بازآفرینی میدانچه محله و نورپردازی کوچه‌ها", "MUN-D12", &["DEPT-BEAUTY"], 150, Some(60), 18, Some(2_400)),
        ],
    },
    Seed {
        name_fa: "محدوده هرندی",
        name_en: "Harandi",
        district: 12,
        neighborhood: "هرندی",
        drawn: false,
        reason: "خرید و فروش مواد در پاتوق‌های شناخته‌شده؛ پرونده‌های قضایی در جریان.",
        marked_days_ago: 300,
        public: false,
        steps: &[("گشت مشترک و پاک‌سازی پاتوق‌ها", "AG-POLICE", &["AG-JUDICIARY", "MUN-D12"], 120, None, 3, Some(1_200))],
    },
    Seed {
        name_fa: "گودهای دولاب",
        name_en: "Doulab pits",
        district: 14,
        neighborhood: "دولاب",
        drawn: false,
        reason: "گودهای رهاشده کوره‌پزخانه‌های قدیمی، محل تخلیه نخاله و تجمع شبانه.",
        marked_days_ago: 500,
        public: true,
        steps: &[("پرکردن گودها و ساخت زمین ورزش محله", "MUN-D14", &["DEPT-SPORT", "AG-POLICE"], 380, Some(180), 21, Some(6_800))],
    },
    Seed {
        name_fa: "محدوده خاک سفید",
        name_en: "Khak-e Sefid",
        district: 4,
        neighborhood: "خاک سفید",
        drawn: false,
        reason: "ساخت‌وساز غیرمجاز روی حریم و نبود خدمات پایه.",
        marked_days_ago: 40,
        public: true,
        steps: &[],
    },
];

/// The outline of a district's neighborhood in the demo's rough map, shrunk about its middle.
fn middle_of(district: u8, neighborhood: &str) -> Option<String> {
    let d = super::data::DISTRICTS
        .iter()
        .find(|d| d.number == district)?;
    let i = d.neighborhoods.iter().position(|n| n.fa == neighborhood)?;
    let piece =
        mahalle_core::geo::split(mahalle_core::geo::outline(district)?, d.neighborhoods.len())
            .into_iter()
            .nth(i)?;
    let n = piece.len() as f64;
    let (cx, cy) = piece
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p.0 / n, y + p.1 / n));
    let shrunk: Vec<(f64, f64)> = piece
        .iter()
        .map(|&(x, y)| (cx + (x - cx) * 0.5, cy + (y - cy) * 0.5))
        .collect();
    mahalle_core::places::parse_boundary(&mahalle_core::places::polygon_json(&shrunk), None).ok()
}

/// Adds the areas and their interventions, once; returns how many areas.
pub async fn load(tx: &mut Tx, now: DateTime<Utc>, today: NaiveDate) -> anyhow::Result<usize> {
    if db::any(tx).await? {
        return Ok(0);
    }
    let places = mahalle_db::projects::loading_places(tx).await?;
    let mut added = 0;
    for s in SEEDS {
        let Some(&(district_id, _, _)) =
            places.offices.iter().find(|o| o.1 == i64::from(s.district))
        else {
            continue;
        };
        let Some(&(nid, _, _)) = places
            .neighborhoods
            .iter()
            .find(|(_, d, name)| *d == district_id && name == s.neighborhood)
        else {
            continue;
        };
        let boundary = if s.drawn {
            middle_of(s.district, s.neighborhood)
        } else {
            None
        };
        let id = db::create(
            tx,
            &AreaFields {
                name_fa: s.name_fa,
                name_en: s.name_en,
                district_id,
                neighborhood_id: Some(nid),
                boundary: boundary.as_deref(),
                reason: s.reason,
                marked_on: today - Duration::days(s.marked_days_ago),
                public: s.public,
            },
            0,
            now,
        )
        .await?;
        for &(title, lead, partners, started, ended, billions, space) in s.steps {
            let Some(lead) = mahalle_db::org::id_by_code(tx, lead).await? else {
                continue;
            };
            let mut ids = Vec::new();
            for p in partners {
                ids.extend(mahalle_db::org::id_by_code(tx, p).await?);
            }
            db::add_intervention(
                tx,
                id,
                &InterventionFields {
                    title,
                    description: "",
                    lead_org_id: lead,
                    starts_on: today - Duration::days(started),
                    ends_on: ended.map(|e| today - Duration::days(e)),
                    cost: Some(billions * 1_000_000_000),
                    space_m2: space,
                },
                &ids,
                0,
                now,
            )
            .await?;
        }
        added += 1;
    }
    Ok(added)
}
