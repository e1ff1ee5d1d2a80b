//! The demo's priority projects: about fourteen in each district and thirty in district 14, of
//! its neighborhoods or the whole district, in every domain, with milestones mostly done on time
//! (some late, so some projects are behind plan), budgets in rials, links to the neighborhoods'
//! challenges and the districts' resolutions, and residents asking that some continue.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mahalle_core::domain::Domain;
use mahalle_core::projects::{self as rules, Milestone, ProjectStatus};
use mahalle_db::projects::{self, MilestoneFields, NewContinuation, ProjectFields};
use mahalle_db::Tx;

use super::Rng;

/// Titles by domain; `{}` is the neighborhood's name or the district's.
const TITLES: &[(Domain, &str)] = &[
    (Domain::CivilWorks, "احداث بوستان محله‌ای در {}"),
    (Domain::CivilWorks, "بهسازی و آسفالت معابر {}"),
    (Domain::CivilWorks, "ساخت سرای محله {}"),
    (Domain::CivilWorks, "احداث پل عابر پیاده در {}"),
    (Domain::CivilWorks, "بازآفرینی بافت فرسوده {}"),
    (Domain::UrbanServices, "تفکیک پسماند از مبدأ در {}"),
    (Domain::UrbanServices, "لایروبی و بازسازی جوی‌های {}"),
    (Domain::UrbanServices, "ایمن‌سازی و نورپردازی کوچه‌های {}"),
    (Domain::Cultural, "جشنواره فرهنگی محله {}"),
    (Domain::Cultural, "راه‌اندازی کتابخانه محله‌ای در {}"),
    (Domain::Cultural, "برنامه‌های اوقات فراغت تابستانی کودکان {}"),
    (Domain::Cultural, "برنامه‌های فرهنگی مساجد آرمانی {}"),
    (Domain::Social, "توانمندسازی زنان سرپرست خانوار {}"),
    (Domain::Social, "طرح همسایه مهربان برای سالمندان تنهای {}"),
    (Domain::Social, "پیشگیری از اعتیاد در {}"),
    (Domain::Health, "ایستگاه سلامت و پایش فشار خون در {}"),
    (Domain::Health, "تجهیز خانه سلامت {}"),
    (Domain::Safety, "آموزش آمادگی در برابر زلزله به ساکنان {}"),
    (Domain::Safety, "تجهیز پایگاه مدیریت بحران {}"),
    (Domain::Traffic, "آرام‌سازی ترافیک پیرامون مدارس {}"),
    (Domain::Traffic, "احداث مسیر دوچرخه در {}"),
    (Domain::Environment, "توسعه فضای سبز و کاشت نهال در {}"),
    (Domain::Environment, "آبیاری بوستان‌های {} با آب خاکستری"),
    (Domain::Economic, "بازارچه مشاغل خانگی {}"),
];

/// Milestones of building work and of programmes, with their weights.
const WORKS: &[(&str, i64)] = &[
    ("مطالعه و طراحی", 10),
    ("برگزاری مناقصه و عقد قرارداد", 10),
    ("آغاز عملیات اجرایی", 15),
    ("اجرای فاز نخست", 30),
    ("اجرای فاز دوم", 25),
    ("تحویل و بهره‌برداری", 10),
];
const PROGRAMMES: &[(&str, i64)] = &[
    ("نیازسنجی با شورایاری و معتمدان", 15),
    ("تدوین برنامه و جذب همکاران", 15),
    ("اجرای دوره نخست", 30),
    ("اجرای دوره دوم", 25),
    ("ارزیابی و گزارش به ستاد", 15),
];

const ASKERS: &[&str] = &[
    "شورایاری محله {}",
    "معتمدان و ائمه جماعات محله {}",
    "جمعی از ساکنان محله {}",
];

fn days(n: usize) -> Duration {
    Duration::days(n as i64)
}

/// Loads the projects once (into a city that has none). Returns how many.
pub async fn load(tx: &mut Tx, now: DateTime<Utc>) -> anyhow::Result<usize> {
    if projects::any(tx).await? {
        return Ok(0);
    }
    let today = mahalle_web::today();
    let places = projects::loading_places(tx).await?;
    let mut rng = Rng(140_414);
    let mut made = 0;
    for &(district, number, office) in &places.offices {
        let here: Vec<&(i64, i64, String)> = places
            .neighborhoods
            .iter()
            .filter(|n| n.1 == district)
            .collect();
        let count = if number == 14 { 30 } else { 14 };
        for _ in 0..count {
            let neighborhood = (!here.is_empty() && rng.chance(70)).then(|| *rng.pick(&here));
            let where_ = match neighborhood {
                Some(n) => n.2.clone(),
                None => format!(
                    "منطقه {}",
                    mahalle_core::text::to_persian_digits(&number.to_string())
                ),
            };
            let (domain, title) = *rng.pick(TITLES);
            let title = title.replace("{}", &where_);
            let lead = if places.agencies.is_empty() || rng.chance(60) {
                office
            } else {
                *rng.pick(&places.agencies)
            };
            // Started up to two years ago or starting within two months, 3 to 24 months long.
            let starts_on = today - days(rng.below(730)) + days(60);
            let ends_on = starts_on + days(90 + rng.below(630));
            let steps = if matches!(domain, Domain::Cultural | Domain::Social) {
                PROGRAMMES
            } else {
                WORKS
            };
            let k = 3 + rng.below(steps.len() - 2);
            let span = (ends_on - starts_on).num_days();
            let mut missed = false;
            let mut milestones = Vec::new();
            for (i, &(name, weight)) in steps.iter().take(k).enumerate() {
                let due_on = starts_on + Duration::days(span * (i as i64 + 1) / k as i64);
                let done = if due_on <= today {
                    let on_time = rng.chance(if missed { 35 } else { 82 });
                    missed |= !on_time;
                    on_time
                } else {
                    !missed && due_on <= today + days(30) && rng.chance(15)
                };
                let done_on =
                    done.then(|| (due_on - days(rng.below(20))).max(starts_on).min(today));
                milestones.push((name, weight, due_on, done_on));
            }
            let rule: Vec<Milestone> = milestones
                .iter()
                .map(|&(_, weight, due_on, done_on)| Milestone {
                    weight,
                    due_on,
                    done_on,
                })
                .collect();
            let all_done = rule.iter().all(|m| m.done_on.is_some());
            let status = if starts_on > today {
                ProjectStatus::Planned
            } else if all_done {
                ProjectStatus::Done
            } else if rng.chance(4) {
                ProjectStatus::Suspended
            } else if rng.chance(2) {
                ProjectStatus::Cancelled
            } else {
                ProjectStatus::UnderWay
            };
            let done_on = (status == ProjectStatus::Done)
                .then(|| rule.iter().filter_map(|m| m.done_on).max())
                .flatten();
            // Budgets from 500 million to 200 billion rials, in round millions.
            let budget = (500 + rng.below(199_500) as i64) * 1_000_000;
            let fields = ProjectFields {
                district_id: district,
                neighborhood_id: neighborhood.map(|n| n.0),
                domain: domain.as_str(),
                title: &title,
                description: "",
                lead_org_id: lead,
                budget_rials: Some(budget),
                starts_on,
                ends_on,
                status: status.as_str(),
                priority: rng.chance(25),
                reported_progress: None,
                progress: rules::progress(&rule, None),
                behind_since: rules::behind_since(&rule, starts_on, ends_on, None),
                done_on,
            };
            let id = projects::create(tx, &fields, None, now).await?;
            let list: Vec<MilestoneFields> = milestones
                .iter()
                .map(|&(title, weight, due_on, done_on)| MilestoneFields {
                    title,
                    weight,
                    due_on,
                    done_on,
                })
                .collect();
            projects::set_milestones(tx, id, &list).await?;
            let challenge: Vec<i64> = match neighborhood {
                Some(n) if rng.chance(45) => places
                    .challenges
                    .iter()
                    .filter(|c| c.0 == n.0)
                    .map(|c| c.1)
                    .take(1)
                    .collect(),
                _ => Vec::new(),
            };
            let resolution: Vec<i64> = if rng.chance(30) {
                let of: Vec<i64> = places
                    .resolutions
                    .iter()
                    .filter(|r| r.0 == district)
                    .map(|r| r.1)
                    .collect();
                of.get(rng.below(of.len().max(1)))
                    .copied()
                    .into_iter()
                    .collect()
            } else {
                Vec::new()
            };
            projects::set_links(tx, id, &challenge, &resolution).await?;
            if let Some(n) = neighborhood {
                if starts_on < today && rng.chance(14) {
                    let asked_on: NaiveDate =
                        (starts_on + days(rng.below(span.max(1) as usize))).min(today);
                    projects::add_continuation(
                        tx,
                        &NewContinuation {
                            project_id: id,
                            asked_by: &rng.pick(ASKERS).replace("{}", &n.2),
                            asked_on,
                            meeting_id: None,
                            note: "اثر این پروژه در محله دیده شده است؛ درخواست داریم در سال آینده هم ادامه یابد.",
                            recorded_by: None,
                        },
                        now,
                    )
                    .await?;
                }
            }
            made += 1;
        }
    }
    Ok(made)
}
