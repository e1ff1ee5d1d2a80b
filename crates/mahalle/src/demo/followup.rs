//! The demo's year of Social HQ sessions: one a week, 100–450 resolutions each, across domains
//! and organisations, with a realistic mix of done, late and overdue work. Dates are placed
//! relative to the day the demo is loaded, so "overdue" means something on that day.

use chrono::{Datelike, Days, NaiveDate};
use mahalle_core::domain::Domain;
use mahalle_core::jalali::JalaliDate;
use mahalle_core::meetings::MeetingKind;
use mahalle_core::resolutions::{done_late, Priority, Status};
use mahalle_db::{meetings, Arg, Tx};

use super::Rng;

/// Per domain: title patterns ({n} is a neighborhood, {d} a district) and the codes of the
/// organisations that usually lead them.
const DOMAINS: &[(Domain, &[&str], &[&str])] = &[
    (
        Domain::CivilWorks,
        &[
            "بهسازی و آسفالت معابر محله {n}",
            "تکمیل عملیات اجرایی پارک محله‌ای {n}",
            "احداث پیاده‌راه و مسیر دوچرخه در محله {n}",
            "مناسب‌سازی معابر برای معلولان و سالمندان در محله {n}",
            "تعمیر و بازسازی سرای محله {n}",
            "ساماندهی بافت فرسوده محله {n} با مشارکت ساکنان",
        ],
        &["DEP-CIV", "DEP-URB", "IN-MASKAN"],
    ),
    (
        Domain::UrbanServices,
        &[
            "لایروبی کانال‌های آب‌های سطحی محله {n} پیش از فصل بارش",
            "جمع‌آوری نخاله‌های ساختمانی رهاشده در محله {n}",
            "رفع خاموشی روشنایی معابر محله {n}",
            "رفع نشت شبکه آب و بازسازی ترانشه‌ها در محله {n}",
            "ساماندهی مخازن پسماند و تفکیک از مبدأ در محله {n}",
            "ترمیم فضای سبز و آبیاری درختان محله {n}",
        ],
        &[
            "DEP-SRV",
            "DEPT-WASTE",
            "AG-WATER",
            "AG-POWER",
            "AG-GAS",
            "DEPT-PARKS",
        ],
    ),
    (
        Domain::Cultural,
        &[
            "برگزاری جشن محله‌ای در محله {n} با مشارکت مساجد و مدارس",
            "راه‌اندازی کتابخانه و قرائت‌خانه محله {n}",
            "برگزاری دوره‌های آموزشی مهارت‌محور برای نوجوانان محله {n}",
            "تجهیز فرهنگسرای {d} برای برنامه‌های هفتگی",
        ],
        &["DEPT-CULT", "AG-ERSHAD", "IN-TABLIGH", "IN-MOSQUES"],
    ),
    (
        Domain::Social,
        &[
            "شناسایی و حمایت از سالمندان تنها در محله {n}",
            "ساماندهی کودکان کار در محدوده محله {n}",
            "توانمندسازی زنان سرپرست خانوار در محله {n}",
            "بازگرداندن فضاهای عمومی محدوده آسیب‌پذیر {n} به مردم",
            "تشکیل گروه‌های داوطلب مردمی در محله {n}",
        ],
        &[
            "DEP-SOC",
            "DEPT-WELFARE",
            "AG-BEHZISTI",
            "IN-IKRF",
            "IN-BASIJ",
        ],
    ),
    (
        Domain::Health,
        &[
            "استقرار پایگاه سلامت در محله {n}",
            "پایش سلامت دانش‌آموزان مدارس محله {n}",
            "برگزاری پویش اهدای خون در {d}",
            "آموزش کمک‌های اولیه به ساکنان محله {n}",
        ],
        &["AG-TUMS", "AG-SBMU", "AG-IUMS", "IN-RED-CRESCENT"],
    ),
    (
        Domain::Safety,
        &[
            "ایمن‌سازی ساختمان‌های ناایمن و پرخطر محله {n}",
            "تجهیز پایگاه مدیریت بحران محله {n}",
            "برگزاری مانور زلزله در مدارس محله {n}",
            "افزایش روشنایی و نظارت در نقاط کور محله {n}",
        ],
        &["DEPT-FIRE", "DEPT-CRISIS", "AG-POLICE"],
    ),
    (
        Domain::Traffic,
        &[
            "اصلاح هندسی تقاطع‌های پرحادثه در محله {n}",
            "ساماندهی توقف خودروها در معابر محله {n}",
            "ایمن‌سازی مسیر مدارس محله {n}",
        ],
        &["DEP-TRF", "AG-RAHVAR", "DEPT-METRO"],
    ),
    (
        Domain::Environment,
        &[
            "کاشت درخت و توسعه فضای سبز در محله {n}",
            "مقابله با آلودگی صوتی کارگاه‌های محله {n}",
        ],
        &["DEPT-PARKS", "AG-DOE"],
    ),
];

const PARTNER_POOL: &[&str] = &[
    "DEP-SOC",
    "DEP-SRV",
    "DEP-CIV",
    "DEPT-137",
    "AG-POLICE",
    "AG-EDU",
    "AG-BEHZISTI",
    "AG-WATER",
    "AG-POWER",
    "IN-IKRF",
    "IN-RED-CRESCENT",
    "IN-BASIJ",
    "IN-MOSQUES",
    "IN-ASNAF",
    "AG-TUMS",
    "DEPT-CULT",
    "DEPT-PARKS",
];

pub struct Counts {
    pub meetings: usize,
    pub resolutions: usize,
    pub reports: usize,
}

/// `places`: (neighborhood id, district id, neighborhood name, district number) to draw from.
/// How much history to make.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Weekly sessions, ending last week.
    pub weeks: u64,
    /// Resolutions per session, inclusive range.
    pub items: (usize, usize),
    /// Progress reports per started resolution, inclusive range.
    pub reports: (usize, usize),
    /// Remove the body's earlier sessions first (the demo), or keep them and add to the weeks
    /// not yet held (benchmarks).
    pub replace: bool,
}

impl Scale {
    /// The demo city: a year of weekly sessions of 100–450 resolutions.
    pub const DEMO: Scale = Scale {
        weeks: 52,
        items: (100, 450),
        reports: (1, 3),
        replace: true,
    };
}

#[allow(clippy::too_many_arguments)]
pub async fn load(
    tx: &mut Tx,
    rng: &mut Rng,
    hq: i64,
    org: &dyn Fn(&str) -> Option<i64>,
    places: &[(i64, i64, &str, i64)],
    today: NaiveDate,
    scale: Scale,
) -> anyhow::Result<Counts> {
    if scale.replace {
        mahalle_db::bulk::clear_sessions(tx, hq).await?;
    }
    load_weeks(tx, rng, hq, org, places, today, scale).await
}

async fn load_weeks(
    tx: &mut Tx,
    rng: &mut Rng,
    hq: i64,
    org: &dyn Fn(&str) -> Option<i64>,
    places: &[(i64, i64, &str, i64)],
    today: NaiveDate,
    scale: Scale,
) -> anyhow::Result<Counts> {
    let mut c = Counts {
        meetings: 0,
        resolutions: 0,
        reports: 0,
    };
    // Weekly sessions on Wednesdays, the last one at most a week ago.
    let days_back = (today.weekday().num_days_from_monday() + 7 - 2) % 7;
    let last = today - Days::new(u64::from(days_back).max(1));
    let attendees: Vec<(i64, bool)> = [
        "COUNCIL",
        "MUN",
        "DEP-SOC",
        "DEP-COORD",
        "AG-POLICE",
        "AG-EDU",
        "IN-IKRF",
        "IN-RED-CRESCENT",
    ]
    .iter()
    .filter_map(|c| org(c))
    .map(|o| (o, true))
    .collect();
    // Rows are gathered and written in bulk: per-row round trips would take minutes on PostgreSQL.
    let mut b = Bulk::new(tx).await?;
    for week in (0..scale.weeks).rev() {
        let day = last - Days::new(week * 7);
        let year = JalaliDate::from_gregorian(day).year;
        // Sessions are numbered from the start of the Jalali year, one a week.
        let new_year = JalaliDate {
            year,
            month: 1,
            day: 1,
        }
        .to_gregorian();
        let session = (day - new_year).num_days() / 7 + 1;
        if !scale.replace {
            let held = mahalle_db::bulk::session_held(tx, hq, i64::from(year), session).await?;
            if held {
                continue;
            }
        }
        let starts_at = crate::demo::tehran_time(day, 9, 0);
        let title = format!(
            "جلسه {} قرارگاه اجتماعی شهر تهران",
            mahalle_core::text::to_persian_digits(&session.to_string())
        );
        let agenda = vec![
            "گزارش پیشرفت مصوبات جلسات پیشین".to_string(),
            "بررسی چالش‌های محله‌های آسیب‌پذیر".to_string(),
            "تصویب اقدامات هفته آینده".to_string(),
        ];
        let mid = meetings::create(
            tx,
            &meetings::NewMeeting {
                kind: MeetingKind::HqSession.as_str(),
                body_id: hq,
                jalali_year: i64::from(year),
                session_number: session,
                title: &title,
                chair_person_id: None,
                place: "ساختمان مرکزی شهرداری تهران، سالن شهید بهشتی",
                starts_at,
                district_id: None,
                neighborhood_id: None,
                minutes: "جلسه با حضور شهردار تهران و نمایندگان دستگاه‌های عضو قرارگاه برگزار شد و مصوبات زیر به تصویب رسید.",
                agenda: &agenda,
                organisations: &attendees,
                people: &[],
                created_by: None,
            },
        )
        .await?;
        c.meetings += 1;
        let count = scale.items.0 + rng.below(scale.items.1 - scale.items.0 + 1);
        for item in 1..=count as i64 {
            let (domain, titles, leads) = DOMAINS[rng.below(DOMAINS.len())];
            let (nid, did, nname, dnum) = places[rng.below(places.len())];
            let title = titles[rng.below(titles.len())]
                .replace("{n}", nname)
                .replace(
                    "{d}",
                    &format!(
                        "منطقه {}",
                        mahalle_core::text::to_persian_digits(&dnum.to_string())
                    ),
                );
            let Some(lead) = org(leads[rng.below(leads.len())]) else {
                continue;
            };
            let mut partners: Vec<i64> = (0..rng.below(4))
                .filter_map(|_| org(PARTNER_POOL[rng.below(PARTNER_POOL.len())]))
                .collect();
            partners.sort_unstable();
            partners.dedup();
            partners.retain(|&p| p != lead);
            let deadline = day + Days::new(14 + rng.below(107) as u64);
            let neighborhood_scope = rng.chance(70);
            let priority = [
                Priority::Normal,
                Priority::Normal,
                Priority::High,
                Priority::Urgent,
                Priority::Low,
            ][rng.below(5)];
            let r = Planned {
                meeting: mid,
                item,
                title,
                domain,
                district: did,
                neighborhood: neighborhood_scope.then_some(nid),
                lead,
                partners,
                priority,
                approved: day,
                approved_at: starts_at + chrono::Duration::hours(3),
                deadline,
            };
            c.reports += b.add(rng, r, today, scale.reports);
            c.resolutions += 1;
        }
        // Written week by week, so memory stays small at benchmark scale.
        b.flush(tx).await?;
    }
    Ok(c)
}

/// A resolution as the demo decides it.
struct Planned {
    meeting: i64,
    item: i64,
    title: String,
    domain: Domain,
    district: i64,
    neighborhood: Option<i64>,
    lead: i64,
    partners: Vec<i64>,
    priority: Priority,
    approved: NaiveDate,
    approved_at: chrono::DateTime<chrono::Utc>,
    deadline: NaiveDate,
}

/// Rows waiting to be written, with the ids they will have.
struct Bulk {
    next_resolution: i64,
    next_report: i64,
    resolutions: Vec<Vec<Arg>>,
    partners: Vec<Vec<Arg>>,
    reports: Vec<Vec<Arg>>,
    events: Vec<Vec<Arg>>,
}

impl Bulk {
    async fn new(tx: &mut Tx) -> anyhow::Result<Bulk> {
        Ok(Bulk {
            next_resolution: tx.next_id("resolutions").await?,
            next_report: tx.next_id("progress_reports").await?,
            resolutions: Vec::new(),
            partners: Vec::new(),
            reports: Vec::new(),
            events: Vec::new(),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        id: i64,
        at: chrono::DateTime<chrono::Utc>,
        kind: &str,
        from: Option<Status>,
        to: Option<Status>,
        note: &str,
        data: Option<String>,
    ) {
        self.events.push(vec![
            id.into(),
            at.into(),
            Arg::I64(None),
            kind.into(),
            from.map(|s| s.as_str()).into(),
            to.map(|s| s.as_str()).into(),
            note.into(),
            data.into(),
        ]);
    }

    /// Plans what happened to one resolution since its approval; returns the number of reports.
    fn add(&mut self, rng: &mut Rng, r: Planned, today: NaiveDate, per: (usize, usize)) -> usize {
        let id = self.next_resolution;
        self.next_resolution += 1;
        self.event(
            id,
            r.approved_at,
            "created",
            None,
            Some(Status::Approved),
            "",
            None,
        );
        for p in &r.partners {
            self.partners.push(vec![id.into(), (*p).into()]);
        }
        let age = (today - r.approved).num_days();
        let started = age >= 3 && !rng.chance(12);
        // Decide the ending first, so reports come before it: most work past its deadline is
        // done (a quarter of it late), a little is cancelled, the rest is overdue.
        let past = r.deadline < today;
        let done_on = if started && ((past && rng.chance(68)) || (!past && rng.chance(15))) {
            let span = (r.deadline - r.approved).num_days().max(1);
            let late_by = if rng.chance(25) {
                1 + rng.below(40) as i64
            } else {
                -(rng.below(span as usize) as i64)
            };
            Some(
                (r.deadline + chrono::Duration::days(late_by))
                    .min(today)
                    .max(r.approved + Days::new(2)),
            )
        } else {
            None
        };
        let mut status = Status::Approved;
        let mut percent = 0;
        let mut reports = 0;
        if started {
            let window = (done_on.unwrap_or(today) - r.approved).num_days().max(1) as u64;
            let steps = (per.0 + rng.below(per.1 - per.0 + 1)) as u64;
            for s in 0..steps {
                let on = r.approved + Days::new((window * (s + 1) / (steps + 1)).max(1));
                percent = (percent + 15 + rng.below(40) as i64).min(95);
                let body = REPORTS[rng.below(REPORTS.len())];
                let at = crate::demo::tehran_time(on, 12, 0);
                let rid = self.next_report;
                self.next_report += 1;
                self.reports.push(vec![
                    rid.into(),
                    id.into(),
                    r.lead.into(),
                    Arg::I64(None),
                    on.into(),
                    percent.into(),
                    body.into(),
                    at.into(),
                ]);
                let data = format!(
                    "{{\"report_id\":{rid},\"percent\":{percent},\"organisation_id\":{}}}",
                    r.lead
                );
                let (from, to) = if status == Status::Approved {
                    (Some(Status::Approved), Some(Status::InProgress))
                } else {
                    (None, None)
                };
                self.event(id, at, "report", from, to, body, Some(data));
                status = Status::InProgress;
                reports += 1;
            }
        }
        let (mut done_late_v, mut days) = (None, None);
        if let Some(d) = done_on {
            let at = crate::demo::tehran_time(d, 15, 0);
            self.event(
                id,
                at,
                "complete",
                Some(status),
                Some(Status::Done),
                EVIDENCE[rng.below(EVIDENCE.len())],
                None,
            );
            status = Status::Done;
            percent = 100;
            done_late_v = Some(done_late(d, r.deadline));
            days = Some((d - r.approved).num_days());
        } else if past && started && rng.chance(6) {
            self.event(
                id,
                crate::demo::tehran_time(today, 9, 0),
                "cancel",
                Some(status),
                Some(Status::Cancelled),
                "ادغام با مصوبه جلسه بعد",
                None,
            );
            status = Status::Cancelled;
        }
        let (scope, neighborhood) = match r.neighborhood {
            Some(n) => ("neighborhood", Some(n)),
            None => ("district", None),
        };
        let key = mahalle_core::text::search_key(&format!("{} {}", r.title, r.item));
        self.resolutions.push(vec![
            id.into(),
            r.meeting.into(),
            r.item.into(),
            r.title.into(),
            "".into(),
            r.domain.as_str().into(),
            scope.into(),
            r.district.into(),
            neighborhood.into(),
            r.lead.into(),
            r.priority.as_str().into(),
            r.deadline.into(),
            status.as_str().into(),
            percent.into(),
            done_on.into(),
            done_late_v.into(),
            days.into(),
            key.into(),
            r.approved_at.into(),
            r.approved_at.into(),
        ]);
        reports
    }

    async fn flush(&mut self, tx: &mut Tx) -> anyhow::Result<()> {
        tx.insert_many(
            "resolutions",
            &[
                "id",
                "meeting_id",
                "item_number",
                "title",
                "body",
                "domain",
                "scope",
                "district_id",
                "neighborhood_id",
                "lead_org_id",
                "priority",
                "deadline",
                "status",
                "progress",
                "done_on",
                "done_late",
                "days_to_done",
                "search_key",
                "created_at",
                "updated_at",
            ],
            std::mem::take(&mut self.resolutions),
        )
        .await?;
        tx.sync_identity("resolutions").await?;
        tx.insert_many(
            "resolution_partners",
            &["resolution_id", "organisation_id"],
            std::mem::take(&mut self.partners),
        )
        .await?;
        tx.insert_many(
            "progress_reports",
            &[
                "id",
                "resolution_id",
                "organisation_id",
                "user_id",
                "reported_on",
                "percent",
                "body",
                "created_at",
            ],
            std::mem::take(&mut self.reports),
        )
        .await?;
        tx.sync_identity("progress_reports").await?;
        tx.insert_many(
            "resolution_events",
            &[
                "resolution_id",
                "at",
                "user_id",
                "kind",
                "from_status",
                "to_status",
                "note",
                "data",
            ],
            std::mem::take(&mut self.events),
        )
        .await?;
        Ok(())
    }
}

const REPORTS: &[&str] = &[
    "بازدید میدانی انجام و برآورد اولیه تهیه شد.",
    "پیمانکار تعیین و عملیات اجرایی آغاز شد.",
    "هماهنگی با دستگاه‌های همکار انجام و جلسه مشترک برگزار شد.",
    "اعتبار لازم تخصیص یافت و کار در جریان است.",
    "بخشی از عملیات انجام شده و ادامه کار منوط به همکاری شورایاری محله است.",
];

const EVIDENCE: &[&str] = &[
    "گزارش تصویری و صورت‌جلسه تحویل کار پیوست شد.",
    "تأیید شورایاری محله و مدیر محله دریافت شد.",
    "نامه پایان کار دستگاه مسئول ثبت شد.",
];
