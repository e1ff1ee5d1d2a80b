//! The demo's supervisory visits: a year of monthly visits by the Deputy Mayor for Coordination
//! and general managers to districts 14, 6 and 12, each with the four domain managers' reports
//! (raising the neighborhoods' challenges), findings, and decisions made resolutions of the
//! district — most of the older ones done, some late — volunteers of the district's councils
//! thanked at every other visit, and district 14's next visit in two days.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use mahalle_core::jalali::JalaliDate;
use mahalle_core::meetings::Party;
use mahalle_core::resolutions::Status;
use mahalle_core::visits::Side;
use mahalle_db::councils;
use mahalle_db::meetings::{self, NewMeeting};
use mahalle_db::resolutions::{self, NewResolution};
use mahalle_db::visits::{self, ReportFields};
use mahalle_db::Tx;

use super::Rng;

const DISTRICTS: [i64; 3] = [14, 6, 12];

/// (domain, manager's title, actions, figures)
const REPORTS: &[(&str, &str, &str, &str)] = &[
    (
        "civil_works",
        "معاون فنی و عمرانی منطقه",
        "آسفالت و لکه‌گیری معابر فرعی، بازگشایی معابر در بافت فرسوده و پیگیری پروژه‌های بوستان محله‌ای.",
        "معابر آسفالت‌شده (کیلومتر): {a}\nمعابر بازگشایی‌شده: {b}\nپروژه‌های در دست اجرا: {c}",
    ),
    (
        "urban_services",
        "معاون خدمات شهری منطقه",
        "لایروبی جوی‌ها پیش از بارندگی، جمع‌آوری پسماند خشک از مبدأ و نورپردازی کوچه‌های کم‌نور.",
        "جوی‌های لایروبی‌شده (متر): {a}۰۰\nمخازن پسماند نوسازی‌شده: {b}\nتیرهای روشنایی تعمیرشده: {c}",
    ),
    (
        "cultural",
        "معاون فرهنگی و اجتماعی منطقه",
        "برنامه‌های فرهنگی سراهای محله، جشن‌های مناسبتی با همکاری مساجد و کتابخانه‌های محله‌ای.",
        "برنامه‌های برگزارشده: {a}\nشرکت‌کنندگان: {b}۰۰\nمساجد همکار: {c}",
    ),
    (
        "social",
        "مدیر امور اجتماعی منطقه",
        "شناسایی خانوارهای نیازمند با شورایاری‌ها، طرح همسایه مهربان و پیشگیری از آسیب‌های اجتماعی.",
        "خانوارهای شناسایی‌شده: {a}\nسالمندان تحت پوشش: {b}\nکارگاه‌های آموزشی: {c}",
    ),
];

const FINDINGS: &[&str] = &[
    "پاسخ‌گویی به درخواست‌های شهروندان در حوزه خدمات شهری از مهلت مقرر عقب است.",
    "همکاری شورایاری‌ها در شناسایی چالش‌های محله چشمگیر بوده است.",
    "پروژه‌های عمرانی محله‌های جنوبی منطقه از برنامه عقب مانده‌اند.",
    "ساکنان خواستار ادامه برنامه‌های فرهنگی سرای محله هستند.",
    "هماهنگی با شرکت آب و فاضلاب برای رفع آب‌گرفتگی معابر ضروری است.",
    "ظرفیت مساجد محله برای برنامه‌های اجتماعی به‌خوبی به کار گرفته نشده است.",
];

const THANKS: &[&str] = &[
    "همراهی در شناسایی خانوارهای نیازمند محله",
    "پیگیری مستمر چالش‌های محله و گزارش به موقع",
    "مشارکت فعال در طرح همسایه مهربان",
    "همکاری در برگزاری جشن‌های محله‌ای",
];

/// (title, domain, led by the district office?)
const DECISIONS: &[(&str, &str, bool)] = &[
    (
        "لایروبی کامل جوی‌های محله‌های جنوبی پیش از فصل بارندگی",
        "urban_services",
        true,
    ),
    (
        "رفع آب‌گرفتگی معابر با همکاری شرکت آب و فاضلاب",
        "civil_works",
        false,
    ),
    (
        "تکمیل پروژه بوستان محله‌ای تا پایان فصل",
        "civil_works",
        true,
    ),
    (
        "پاسخ به درخواست‌های معوق شهروندان ظرف دو هفته",
        "urban_services",
        true,
    ),
    (
        "برگزاری دوره آموزش آمادگی در برابر زلزله در سراهای محله",
        "safety",
        false,
    ),
    ("گسترش طرح همسایه مهربان به همه محله‌ها", "social", true),
    (
        "راه‌اندازی کتابخانه محله‌ای با همکاری مساجد",
        "cultural",
        true,
    ),
    ("ایمن‌سازی مسیرهای پیاده پیرامون مدارس", "traffic", false),
    ("ساماندهی پسماند بازارچه‌های محلی", "environment", false),
];

/// Loads the visits once (into a city that has none). Returns how many.
pub async fn load(tx: &mut Tx, now: DateTime<Utc>) -> anyhow::Result<usize> {
    if visits::any(tx).await? {
        return Ok(0);
    }
    let Some(deputy) = visits::organisation_by_code(tx, "DEP-COORD").await? else {
        return Ok(0);
    };
    let mut visiting = vec![deputy];
    for code in ["DEP-CIV", "DEP-SRV", "DEP-SOC"] {
        if let Some(id) = visits::organisation_by_code(tx, code).await? {
            visiting.push(id);
        }
    }
    let places = mahalle_db::projects::loading_places(tx).await?;
    let today = mahalle_web::today();
    let mut rng = Rng(1405);
    let mut made = 0;
    for (k, number) in DISTRICTS.iter().enumerate() {
        let Some(&(district, _, office)) = places.offices.iter().find(|o| o.1 == *number) else {
            continue;
        };
        let challenges: Vec<i64> = places
            .challenges
            .iter()
            .filter(|c| {
                places
                    .neighborhoods
                    .iter()
                    .any(|n| n.0 == c.0 && n.1 == district)
            })
            .map(|c| c.1)
            .collect();
        let volunteers = visits::serving_people(tx, district).await?;
        let name = format!(
            "منطقه {}",
            mahalle_core::text::to_persian_digits(&number.to_string())
        );
        // Twelve monthly visits, the districts a week apart; district 14's next in two days.
        let mut days: Vec<i64> = (0..12)
            .map(|m| -(11 - m) * 30 - 20 + 7 * k as i64)
            .collect();
        if *number == 14 {
            days.push(2);
        }
        for d in days {
            let day = today + Duration::days(d);
            let at = instant(day, 9);
            let year = i64::from(JalaliDate::from_gregorian(day).year);
            let session = visits::next_session_number(tx, deputy, year).await?;
            let title = format!("نشست نظارت ستادی معاون هماهنگی و امور مناطق در {name}");
            let orgs: Vec<(i64, bool)> = visiting
                .iter()
                .chain(std::iter::once(&office))
                .map(|o| (*o, d < 0))
                .collect();
            let agenda = vec![
                "گزارش مدیران حوزه‌ها".to_string(),
                "چالش‌های محله‌ها".to_string(),
                "پروژه‌های اولویت‌دار".to_string(),
                "تشویق کارکنان".to_string(),
            ];
            let id = meetings::create(
                tx,
                &NewMeeting {
                    kind: "supervisory_visit",
                    body_id: deputy,
                    jalali_year: year,
                    session_number: session,
                    title: &title,
                    chair_person_id: None,
                    place: &format!("سالن جلسات شهرداری {name}"),
                    starts_at: at,
                    district_id: Some(district),
                    neighborhood_id: None,
                    minutes: "",
                    agenda: &agenda,
                    organisations: &orgs,
                    people: &[],
                    created_by: None,
                },
            )
            .await?;
            let mut sides: Vec<(Party, Side)> = visiting
                .iter()
                .map(|o| (Party::Organisation(*o), Side::Visitor))
                .collect();
            sides.push((Party::Organisation(office), Side::Host));
            visits::set_sides(tx, id, &sides).await?;
            made += 1;
            // Reports are filed in the days before; the upcoming visit has two of four so far.
            let filed = at - Duration::days(3);
            for (i, &(domain, manager, actions, figures)) in REPORTS.iter().enumerate() {
                if d > 0 && i >= 2 {
                    break;
                }
                let figures = figures
                    .replace("{a}", &(5 + rng.below(40)).to_string())
                    .replace("{b}", &(2 + rng.below(30)).to_string())
                    .replace("{c}", &(1 + rng.below(12)).to_string());
                let raised: Vec<i64> = if challenges.is_empty() {
                    Vec::new()
                } else {
                    (0..1 + rng.below(2))
                        .map(|_| *rng.pick(&challenges))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect()
                };
                visits::save_report(
                    tx,
                    &ReportFields {
                        meeting_id: id,
                        domain,
                        manager: &format!("{manager} {name}"),
                        actions,
                        figures: &mahalle_core::text::to_persian_digits(&figures),
                        challenges: &raised,
                        user_id: None,
                    },
                    filed.min(now),
                )
                .await?;
            }
            if d > 0 {
                continue;
            }
            for _ in 0..2 {
                let body = rng.pick::<&str>(FINDINGS);
                visits::add_finding(tx, id, body, None, None, None, at).await?;
            }
            decisions(
                tx,
                &mut rng,
                id,
                district,
                office,
                &places.agencies,
                day,
                today,
                at,
            )
            .await?;
            // Every other visit thanks a volunteer of the district's councils.
            if d % 60 < 30 && !volunteers.is_empty() {
                let person = *rng.pick(&volunteers);
                let reason = rng.pick::<&str>(THANKS);
                let year = JalaliDate::from_gregorian(day).year;
                councils::give_recognition(
                    tx,
                    &councils::NewRecognition {
                        person_id: person,
                        membership_id: None,
                        district_id: Some(district),
                        reason,
                        given_on: day,
                        given_by: None,
                        kind: "volunteer",
                        giver: "معاون هماهنگی و امور مناطق",
                        meeting_id: Some(id),
                    },
                    |rid| mahalle_core::councils::certificate_no(year, Some(district), rid),
                )
                .await?;
            }
        }
    }
    Ok(made)
}

/// Three or four decisions of a past visit, each a resolution of the district; those whose
/// time has come are mostly done, some late, a few still open or overdue.
#[allow(clippy::too_many_arguments)]
async fn decisions(
    tx: &mut Tx,
    rng: &mut Rng,
    meeting_id: i64,
    district: i64,
    office: i64,
    agencies: &[i64],
    day: NaiveDate,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    for item in 1..=(3 + rng.below(2) as i64) {
        let &(title, domain, by_office) = rng.pick(DECISIONS);
        let lead = if by_office || agencies.is_empty() {
            office
        } else {
            *rng.pick(agencies)
        };
        let deadline = day + Duration::days(30 + 15 * rng.below(4) as i64);
        let id = resolutions::create(
            tx,
            &NewResolution {
                meeting_id,
                item_number: item,
                title,
                body: "",
                domain,
                scope: "district",
                district_id: Some(district),
                neighborhood_id: None,
                lead_org_id: lead,
                partners: &[],
                priority: "normal",
                deadline,
                created_by: None,
            },
            at,
        )
        .await?;
        if deadline > today + Duration::days(20) || rng.chance(15) {
            continue;
        }
        let started = at + Duration::days(3);
        resolutions::set_status(
            tx,
            id,
            Status::Approved,
            Status::InProgress,
            "start",
            "",
            None,
            started,
            None,
        )
        .await?;
        // Done before the deadline four times in five, otherwise late (never in the future).
        let done_on = if rng.chance(80) {
            deadline - Duration::days(rng.below(20) as i64)
        } else {
            deadline + Duration::days(1 + rng.below(25) as i64)
        };
        if done_on > today || rng.chance(10) {
            continue;
        }
        let late = done_on > deadline;
        let days_to_done = (done_on - day).num_days();
        let when = instant(done_on, 14);
        resolutions::set_status(
            tx,
            id,
            Status::InProgress,
            Status::Done,
            "complete",
            "انجام شد و گزارش آن به ستاد رسید.",
            None,
            when,
            Some((done_on, late, days_to_done)),
        )
        .await?;
    }
    Ok(())
}

/// `hour`:00 in Tehran on a day.
fn instant(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    mahalle_web::tehran_offset()
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}
