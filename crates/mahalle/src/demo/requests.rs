//! The demo's citizens' requests: a catalogue of real municipal service categories (the kinds
//! Tehran's 137 line takes), routing rules, a few categories with extra questions, and a year of
//! requests spread over districts and neighborhoods with realistic response times.

use chrono::{DateTime, Duration, Utc};
use mahalle_core::requests::{Datatype, RequestStatus};
use mahalle_core::text::search_key;
use mahalle_db::bulk::Place;
use mahalle_db::services::{NewAttribute, NewService};
use mahalle_db::{Arg, Store};

use super::Rng;

/// Who handles a category by default: the district's municipality, or one organisation.
enum Handler {
    District,
    Org(&'static str),
}

struct Category {
    code: &'static str,
    fa: &'static str,
    en: &'static str,
    group: (&'static str, &'static str),
    domain: &'static str,
    sla_hours: i64,
    handler: Handler,
    keywords: &'static str,
    /// What citizens typically write.
    texts: &'static [&'static str],
}

const STREETS: (&str, &str) = ("معابر و روشنایی", "Streets and lighting");
const CLEAN: (&str, &str) = ("پسماند و نظافت", "Waste and cleaning");
const GREEN: (&str, &str) = ("فضای سبز", "Parks and trees");
const UTIL: (&str, &str) = ("آب، برق و گاز", "Water, power and gas");
const TRAFFIC: (&str, &str) = ("حمل و نقل و ترافیک", "Transport and traffic");
const SAFETY: (&str, &str) = ("ایمنی و بحران", "Safety and emergencies");
const SOCIAL: (&str, &str) = ("اجتماعی و فرهنگی", "Social and cultural");
const BUILD: (&str, &str) = ("ساختمان و شهرسازی", "Building and planning");

const CATALOGUE: &[Category] = &[
    Category {
        code: "STREET-LIGHT",
        fa: "خاموشی چراغ معابر",
        en: "Street light out",
        group: STREETS,
        domain: "urban_services",
        sla_hours: 48,
        handler: Handler::Org("AG-POWER"),
        keywords: "چراغ,روشنایی,تیر برق,لامپ",
        texts: &[
            "چراغ‌های کوچه از چند شب پیش خاموش است",
            "تیر چراغ برق جلوی مدرسه روشن نمی‌شود",
            "روشنایی پارک محله قطع است و شب‌ها ناامن است",
        ],
    },
    Category {
        code: "POTHOLE",
        fa: "چاله و خرابی آسفالت",
        en: "Pothole or broken asphalt",
        group: STREETS,
        domain: "civil_works",
        sla_hours: 120,
        handler: Handler::District,
        keywords: "آسفالت,چاله,دست‌انداز",
        texts: &[
            "چاله بزرگ وسط خیابان باعث خسارت به خودروها شده",
            "آسفالت کوچه پس از حفاری ترمیم نشده است",
            "دست‌انداز غیراستاندارد جلوی منزل",
        ],
    },
    Category {
        code: "SIDEWALK",
        fa: "خرابی پیاده‌رو",
        en: "Damaged sidewalk",
        group: STREETS,
        domain: "civil_works",
        sla_hours: 168,
        handler: Handler::District,
        keywords: "پیاده‌رو,موزاییک,جدول",
        texts: &[
            "موزاییک‌های پیاده‌رو شکسته و برای سالمندان خطرناک است",
            "جدول کنار خیابان تخریب شده",
        ],
    },
    Category {
        code: "ACCESSIBILITY",
        fa: "موانع تردد معلولان و سالمندان",
        en: "Accessibility barrier",
        group: STREETS,
        domain: "civil_works",
        sla_hours: 240,
        handler: Handler::District,
        keywords: "رمپ,معلولان,ویلچر",
        texts: &[
            "رمپ ورودی پیاده‌رو ندارد و ویلچر رد نمی‌شود",
            "پل عابر برای سالمندان قابل استفاده نیست",
        ],
    },
    Category {
        code: "GRAFFITI",
        fa: "دیوارنویسی و آگهی غیرمجاز",
        en: "Graffiti or illegal posters",
        group: STREETS,
        domain: "urban_services",
        sla_hours: 72,
        handler: Handler::Org("DEPT-BEAUTY"),
        keywords: "دیوارنویسی,آگهی,تبلیغات",
        texts: &[
            "دیوار مدرسه پر از دیوارنویسی شده",
            "آگهی‌های تبلیغاتی روی تیرها چسبانده شده",
        ],
    },
    Category {
        code: "WASTE-BIN",
        fa: "سطل زباله پر یا خراب",
        en: "Full or broken waste bin",
        group: CLEAN,
        domain: "urban_services",
        sla_hours: 24,
        handler: Handler::Org("DEPT-WASTE"),
        keywords: "سطل,زباله,مخزن",
        texts: &[
            "مخزن زباله سر کوچه سه روز است تخلیه نشده",
            "درب مخزن زباله شکسته و بو می‌دهد",
        ],
    },
    Category {
        code: "DEBRIS",
        fa: "نخاله و مصالح رهاشده",
        en: "Dumped construction debris",
        group: CLEAN,
        domain: "urban_services",
        sla_hours: 72,
        handler: Handler::District,
        keywords: "نخاله,مصالح,ساختمانی",
        texts: &[
            "یک کامیون نخاله کنار بزرگراه خالی کرده‌اند",
            "مصالح ساختمانی رها شده راه را بسته",
        ],
    },
    Category {
        code: "STREET-CLEAN",
        fa: "نظافت معابر",
        en: "Street cleaning",
        group: CLEAN,
        domain: "urban_services",
        sla_hours: 48,
        handler: Handler::District,
        keywords: "رفت و روب,نظافت,برگ",
        texts: &[
            "جوی خیابان پر از برگ و زباله است",
            "کوچه مدتی است رفت‌وروب نشده",
        ],
    },
    Category {
        code: "RECYCLING",
        fa: "تحویل پسماند خشک",
        en: "Recycling pick-up",
        group: CLEAN,
        domain: "environment",
        sla_hours: 72,
        handler: Handler::Org("DEPT-WASTE"),
        keywords: "بازیافت,پسماند خشک,تفکیک",
        texts: &[
            "درخواست جمع‌آوری پسماند خشک تفکیک‌شده از منزل",
            "غرفه بازیافت محله تعطیل است",
        ],
    },
    Category {
        code: "DEAD-ANIMAL",
        fa: "لاشه حیوان در معبر",
        en: "Dead animal",
        group: CLEAN,
        domain: "health",
        sla_hours: 12,
        handler: Handler::District,
        keywords: "لاشه,حیوان,بهداشت",
        texts: &["لاشه گربه در کنار جوی مانده", "لاشه سگ در حاشیه بزرگراه"],
    },
    Category {
        code: "TREE",
        fa: "هرس یا سقوط درخت",
        en: "Tree pruning or fallen tree",
        group: GREEN,
        domain: "environment",
        sla_hours: 72,
        handler: Handler::Org("DEPT-PARKS"),
        keywords: "درخت,هرس,شاخه",
        texts: &[
            "شاخه درخت روی سیم برق افتاده",
            "درخت خشک‌شده ممکن است روی خودروها بیفتد",
            "درخواست هرس درختان کوچه",
        ],
    },
    Category {
        code: "PARK",
        fa: "خرابی تجهیزات پارک",
        en: "Broken park equipment",
        group: GREEN,
        domain: "urban_services",
        sla_hours: 120,
        handler: Handler::Org("DEPT-PARKS"),
        keywords: "پارک,وسایل بازی,نیمکت",
        texts: &[
            "تاب بازی کودکان در پارک شکسته و خطرناک است",
            "نیمکت‌ها و سطل‌های پارک تخریب شده",
        ],
    },
    Category {
        code: "IRRIGATION",
        fa: "آبیاری فضای سبز",
        en: "Irrigation problem",
        group: GREEN,
        domain: "environment",
        sla_hours: 48,
        handler: Handler::Org("DEPT-PARKS"),
        keywords: "آبیاری,چمن,شیلنگ",
        texts: &["چمن‌های بلوار خشک شده است", "آب آبیاری پارک هدر می‌رود"],
    },
    Category {
        code: "WATER-LEAK",
        fa: "نشت یا شکستگی لوله آب",
        en: "Water main leak",
        group: UTIL,
        domain: "urban_services",
        sla_hours: 12,
        handler: Handler::Org("AG-WATER"),
        keywords: "آب,نشت,لوله,شکستگی",
        texts: &[
            "آب از زیر آسفالت بیرون می‌زند",
            "لوله آب شکسته و خیابان را آب گرفته",
        ],
    },
    Category {
        code: "WATER-OUTAGE",
        fa: "قطعی یا افت فشار آب",
        en: "Water outage or low pressure",
        group: UTIL,
        domain: "urban_services",
        sla_hours: 24,
        handler: Handler::Org("AG-WATER"),
        keywords: "قطعی آب,فشار آب",
        texts: &[
            "از صبح آب ساختمان قطع است",
            "فشار آب طبقات بالا بسیار کم است",
        ],
    },
    Category {
        code: "SEWER",
        fa: "گرفتگی فاضلاب و آب‌های سطحی",
        en: "Blocked drain or sewer",
        group: UTIL,
        domain: "urban_services",
        sla_hours: 24,
        handler: Handler::District,
        keywords: "کانال,فاضلاب,آبگرفتگی,جوی",
        texts: &[
            "کانال آب‌های سطحی گرفته و با هر بارش آب جمع می‌شود",
            "دریچه فاضلاب باز و خطرناک است",
        ],
    },
    Category {
        code: "POWER-OUTAGE",
        fa: "قطعی برق",
        en: "Power outage",
        group: UTIL,
        domain: "urban_services",
        sla_hours: 6,
        handler: Handler::Org("AG-POWER"),
        keywords: "برق,قطعی,ترانس",
        texts: &[
            "برق چند کوچه قطع است",
            "ترانس برق سر خیابان صدای انفجار داد",
        ],
    },
    Category {
        code: "GAS-SMELL",
        fa: "بوی گاز در معبر",
        en: "Gas smell in the street",
        group: UTIL,
        domain: "safety",
        sla_hours: 2,
        handler: Handler::Org("AG-GAS"),
        keywords: "گاز,نشت,بو",
        texts: &["بوی شدید گاز در کوچه حس می‌شود", "علمک گاز آسیب دیده است"],
    },
    Category {
        code: "TRAFFIC-SIGNAL",
        fa: "خرابی چراغ راهنمایی",
        en: "Traffic signal fault",
        group: TRAFFIC,
        domain: "traffic",
        sla_hours: 12,
        handler: Handler::Org("DEP-TRF"),
        keywords: "چراغ راهنمایی,چهارراه,سیگنال",
        texts: &[
            "چراغ راهنمایی چهارراه چشمک‌زن مانده",
            "زمان چراغ عابر بسیار کوتاه است",
        ],
    },
    Category {
        code: "SIGNS",
        fa: "تابلو و خط‌کشی معابر",
        en: "Road signs and markings",
        group: TRAFFIC,
        domain: "traffic",
        sla_hours: 168,
        handler: Handler::Org("DEP-TRF"),
        keywords: "تابلو,خط‌کشی,گذرگاه عابر",
        texts: &[
            "خط‌کشی عابر پیاده جلوی مدرسه پاک شده",
            "تابلوی ورود ممنوع افتاده است",
        ],
    },
    Category {
        code: "PARKING",
        fa: "پارک غیرمجاز و سد معبر",
        en: "Illegal parking or obstruction",
        group: TRAFFIC,
        domain: "traffic",
        sla_hours: 24,
        handler: Handler::Org("AG-RAHVAR"),
        keywords: "پارک دوبله,سد معبر,پارکینگ",
        texts: &[
            "خودروها جلوی در پارکینگ پارک می‌کنند",
            "مغازه‌ها پیاده‌رو را اشغال کرده‌اند",
        ],
    },
    Category {
        code: "BUS-STOP",
        fa: "ایستگاه اتوبوس و تاکسی",
        en: "Bus or taxi stop",
        group: TRAFFIC,
        domain: "traffic",
        sla_hours: 168,
        handler: Handler::Org("DEPT-METRO"),
        keywords: "ایستگاه,اتوبوس,سایه‌بان",
        texts: &[
            "سایه‌بان ایستگاه اتوبوس شکسته است",
            "ایستگاه تاکسی نظم ندارد",
        ],
    },
    Category {
        code: "FIRE-HAZARD",
        fa: "خطر آتش‌سوزی یا ریزش",
        en: "Fire or collapse hazard",
        group: SAFETY,
        domain: "safety",
        sla_hours: 4,
        handler: Handler::Org("DEPT-FIRE"),
        keywords: "آتش‌نشانی,ریزش,خطر",
        texts: &[
            "ساختمان متروکه در حال ریزش است",
            "انبار مواد قابل اشتعال در منطقه مسکونی",
        ],
    },
    Category {
        code: "STRAY-DOGS",
        fa: "سگ‌های بلاصاحب",
        en: "Stray dogs",
        group: SAFETY,
        domain: "health",
        sla_hours: 48,
        handler: Handler::District,
        keywords: "سگ,حیوانات,بلاصاحب",
        texts: &["گله سگ‌های ولگرد در پارک کودکان را می‌ترسانند"],
    },
    Category {
        code: "NOISE",
        fa: "آلودگی صوتی",
        en: "Noise",
        group: SAFETY,
        domain: "environment",
        sla_hours: 48,
        handler: Handler::District,
        keywords: "سروصدا,صوتی,کارگاه",
        texts: &[
            "کارگاه ساختمانی تا نیمه‌شب کار می‌کند",
            "صدای ژنراتور مغازه آزاردهنده است",
        ],
    },
    Category {
        code: "ILLEGAL-BUILD",
        fa: "ساخت‌وساز غیرمجاز",
        en: "Unauthorised construction",
        group: BUILD,
        domain: "civil_works",
        sla_hours: 72,
        handler: Handler::Org("DEP-URB"),
        keywords: "ساخت‌وساز,غیرمجاز,پروانه",
        texts: &[
            "ساختمان بدون پروانه طبقه اضافه می‌سازد",
            "تخریب غیرمجاز دیوار مشترک",
        ],
    },
    Category {
        code: "BUILD-SAFETY",
        fa: "ایمنی کارگاه ساختمانی",
        en: "Construction site safety",
        group: BUILD,
        domain: "safety",
        sla_hours: 24,
        handler: Handler::Org("DEP-URB"),
        keywords: "گودبرداری,کارگاه,ایمنی",
        texts: &[
            "گودبرداری بدون حفاظ کنار پیاده‌رو",
            "مصالح از طبقات بالا روی معبر می‌ریزد",
        ],
    },
    Category {
        code: "HOMELESS",
        fa: "کارتن‌خواب یا بی‌سرپناه",
        en: "Homeless person in need",
        group: SOCIAL,
        domain: "social",
        sla_hours: 12,
        handler: Handler::Org("DEPT-WELFARE"),
        keywords: "کارتن‌خواب,بی‌سرپناه,سرما",
        texts: &[
            "فردی در سرما در پارک خوابیده است",
            "چند کارتن‌خواب زیر پل هستند",
        ],
    },
    Category {
        code: "CHILD-LABOUR",
        fa: "کودکان کار",
        en: "Working children",
        group: SOCIAL,
        domain: "social",
        sla_hours: 48,
        handler: Handler::Org("DEPT-WELFARE"),
        keywords: "کودک کار,متکدی",
        texts: &["کودکان خردسال سر چهارراه دست‌فروشی می‌کنند"],
    },
    Category {
        code: "ELDERLY",
        fa: "سالمند تنها نیازمند کمک",
        en: "Elderly person living alone",
        group: SOCIAL,
        domain: "social",
        sla_hours: 48,
        handler: Handler::Org("DEPT-NBHD"),
        keywords: "سالمند,تنها,مراقبت",
        texts: &["همسایه سالمند تنها زندگی می‌کند و کمک لازم دارد"],
    },
    Category {
        code: "CULTURE-PROGRAM",
        fa: "درخواست برنامه فرهنگی",
        en: "Cultural programme request",
        group: SOCIAL,
        domain: "cultural",
        sla_hours: 240,
        handler: Handler::Org("DEPT-CULT"),
        keywords: "برنامه فرهنگی,جشن,کلاس",
        texts: &[
            "درخواست برگزاری جشن محله در سرای محله",
            "درخواست کلاس آموزشی برای نوجوانان محله",
        ],
    },
    Category {
        code: "SPORT-FACILITY",
        fa: "فضای ورزشی محله",
        en: "Neighbourhood sports facility",
        group: SOCIAL,
        domain: "cultural",
        sla_hours: 240,
        handler: Handler::Org("DEPT-SPORT"),
        keywords: "ورزش,زمین بازی,باشگاه",
        texts: &[
            "زمین فوتبال محله چراغ ندارد",
            "دستگاه‌های ورزشی پارک خراب است",
        ],
    },
    Category {
        code: "SUGGESTION",
        fa: "پیشنهاد و انتقاد",
        en: "Suggestion or complaint",
        group: SOCIAL,
        domain: "other",
        sla_hours: 168,
        handler: Handler::Org("DEPT-137"),
        keywords: "پیشنهاد,انتقاد,شکایت,قدردانی",
        texts: &[
            "پیشنهاد ایجاد پیاده‌راه در خیابان اصلی محله",
            "از رسیدگی سریع مأموران شهرداری سپاسگزارم",
        ],
    },
];

const ANSWERS: &[&str] = &[
    "کارشناس اعزام و مشکل برطرف شد.",
    "عملیات اجرایی انجام و محل بازدید شد.",
    "موضوع بررسی و در برنامه کار هفته جاری انجام شد.",
    "با هماهنگی پیمانکار منطقه رسیدگی شد.",
];
const REJECTIONS: &[&str] = &[
    "درخواست تکراری است و پیش‌تر رسیدگی شده است.",
    "موضوع در حوزه وظایف شهرداری نیست و به مرجع مربوط اطلاع داده شد.",
];

/// How many requests the demo holds.
#[derive(Debug, Clone, Copy)]
pub struct RequestScale {
    pub per_day: usize,
    pub days: i64,
}

impl RequestScale {
    /// A year at about 700 a day (~255,000): a fifth of what the 137 line takes.
    pub const DEMO: RequestScale = RequestScale {
        per_day: 700,
        days: 365,
    };
    /// Enough for the tests to see every state.
    pub const SMALL: RequestScale = RequestScale {
        per_day: 20,
        days: 60,
    };
}

/// Creates the catalogue (idempotent) and, when the city has no requests yet, a year of them.
/// Returns (categories, requests added).
pub async fn load(
    store: &Store,
    scale: RequestScale,
    now: DateTime<Utc>,
) -> anyhow::Result<(usize, usize)> {
    let orgs = mahalle_db::bulk::org_codes(store).await?;
    let org = |code: &str| orgs.iter().find(|(c, _)| c == code).map(|x| x.1);
    let mut existing = Vec::new();
    for c in CATALOGUE {
        existing.push(
            mahalle_db::services::service_by_code(store, c.code)
                .await?
                .map(|s| s.id),
        );
    }
    let d22 = mahalle_db::bulk::district_by_number(store, 22).await?;
    let have = mahalle_db::bulk::rows(store, "service_requests").await?;
    let places = mahalle_db::bulk::places(store).await?;
    let offices = mahalle_db::bulk::district_offices(store).await?;
    let mut tx = store.begin().await?;
    let mut service_ids = Vec::new();
    for (i, c) in CATALOGUE.iter().enumerate() {
        let id = match existing[i] {
            Some(id) => id,
            None => {
                let id = mahalle_db::services::create_service(
                    &mut tx,
                    &NewService {
                        code: c.code,
                        name_fa: c.fa,
                        name_en: c.en,
                        group_fa: c.group.0,
                        group_en: c.group.1,
                        description_fa: c.texts[0],
                        description_en: c.en,
                        keywords: c.keywords,
                        domain: c.domain,
                        sla_hours: c.sla_hours,
                        sort_order: i as i64,
                        // Welfare and social needs are for staff eyes only.
                        published: c.domain != "social",
                    },
                    now,
                )
                .await?;
                if let Handler::Org(code) = c.handler {
                    if let Some(o) = org(code) {
                        mahalle_db::services::set_route(&mut tx, id, None, None, o).await?;
                    }
                }
                extra_questions(&mut tx, c.code, id).await?;
                id
            }
        };
        service_ids.push(id);
    }
    // District 22's parks are kept by the Chitgar park company in real life; show an override.
    if let (Some(d22), Some(office)) = (d22, org("MUN-D22")) {
        for code in ["PARK", "TREE"] {
            let i = CATALOGUE
                .iter()
                .position(|c| c.code == code)
                .expect("in catalogue");
            mahalle_db::services::set_route(&mut tx, service_ids[i], Some(d22), None, office)
                .await?;
        }
    }
    let added = if have == 0 {
        let added = history(&mut tx, &service_ids, &places, &offices, &org, scale, now).await?;
        challenges(&mut tx, now).await?;
        super::challenges::load(&mut tx, now).await?;
        super::polls::load(&mut tx, now).await?;
        super::projects::load(&mut tx, now).await?;
        super::visits::load(&mut tx, now).await?;
        super::indicators::load(&mut tx, now).await?;
        super::vulnerable::load(&mut tx, now, mahalle_web::today()).await?;
        super::occasions::load(&mut tx, now, mahalle_web::today()).await?;
        added
    } else {
        0
    };
    tx.commit().await?;
    Ok((CATALOGUE.len(), added))
}

async fn extra_questions(tx: &mut mahalle_db::Tx, code: &str, id: i64) -> anyhow::Result<()> {
    let q = |code, datatype, required, fa, en, order, values| NewAttribute {
        code,
        datatype,
        required,
        description_fa: fa,
        description_en: en,
        sort_order: order,
        values,
    };
    let list: Vec<NewAttribute> = match code {
        "STREET-LIGHT" => vec![
            q(
                "POLE",
                Datatype::String,
                false,
                "شماره پلاک تیر چراغ (اگر دیده می‌شود)",
                "Pole number, if visible",
                1,
                &[],
            ),
            q(
                "LIGHTS",
                Datatype::Number,
                true,
                "چند چراغ خاموش است؟",
                "How many lights are out?",
                2,
                &[],
            ),
        ],
        "POTHOLE" => vec![q(
            "SIZE",
            Datatype::SingleValueList,
            true,
            "اندازه چاله",
            "Size of the pothole",
            1,
            &[
                ("small", "کوچک (کمتر از ۳۰ سانتی‌متر)", "Small (under 30 cm)"),
                ("medium", "متوسط", "Medium"),
                ("large", "بزرگ (بیش از یک متر)", "Large (over 1 m)"),
            ],
        )],
        "DEBRIS" => vec![q(
            "KIND",
            Datatype::MultiValueList,
            false,
            "نوع نخاله",
            "Kind of debris",
            1,
            &[
                ("rubble", "خاک و آوار", "Rubble"),
                ("furniture", "اثاثیه", "Furniture"),
                ("metal", "آهن‌آلات", "Metal"),
            ],
        )],
        "NOISE" => vec![q(
            "WHEN",
            Datatype::Datetime,
            false,
            "زمان شنیدن صدا",
            "When the noise was heard",
            1,
            &[],
        )],
        _ => return Ok(()),
    };
    for a in &list {
        mahalle_db::services::add_attribute(tx, id, a).await?;
    }
    Ok(())
}

/// A year of requests, inserted in bulk. Busy hours, more requests on weekdays, most answered on
/// time, some late, a few rejected, recent ones still open.
#[allow(clippy::too_many_arguments)]
async fn history(
    tx: &mut mahalle_db::Tx,
    service_ids: &[i64],
    places: &[Place],
    offices: &[(i64, i64)],
    org: &dyn Fn(&str) -> Option<i64>,
    scale: RequestScale,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    if places.is_empty() {
        return Ok(0);
    }
    let mut rng = Rng(137);
    let mut id = tx.next_id("service_requests").await?;
    let mut event_id = tx.next_id("request_events").await?;
    let (mut reqs, mut events) = (Vec::new(), Vec::new());
    let mut total = 0;
    const REQ_COLS: &[&str] = &[
        "id",
        "service_id",
        "status",
        "description",
        "address",
        "lat",
        "lon",
        "district_id",
        "neighborhood_id",
        "organisation_id",
        "source",
        "first_name",
        "phone",
        "status_notes",
        "search_key",
        "requested_at",
        "updated_at",
        "due_at",
        "closed_at",
        "cleared_at",
    ];
    const EV_COLS: &[&str] = &[
        "id",
        "request_id",
        "at",
        "kind",
        "from_status",
        "to_status",
        "organisation_id",
        "note",
        "public",
    ];
    let names = [
        "مریم",
        "علی",
        "زهرا",
        "حسین",
        "فاطمه",
        "محمد",
        "سارا",
        "رضا",
    ];
    for day in (0..scale.days).rev() {
        let n = scale.per_day * (70 + rng.below(60)) / 100;
        for _ in 0..n {
            let ci = rng.below(CATALOGUE.len());
            let c = &CATALOGUE[ci];
            let Place {
                neighborhood_id: nid,
                district_id: did,
                district_number: dnum,
                name_fa: nname,
            } = &places[rng.below(places.len())];
            // Busy hours 8–22, Tehran time.
            let date = (now - Duration::days(day))
                .with_timezone(&mahalle_web::tehran_offset())
                .date_naive();
            let at = super::tehran_time(date, 8 + rng.below(14) as u32, rng.below(60) as u32);
            if at > now {
                continue;
            }
            let due = mahalle_core::requests::due_at(at, c.sla_hours);
            let handler = match c.handler {
                Handler::Org(code) => org(code),
                Handler::District => offices.iter().find(|(d, _)| d == did).map(|x| x.1),
            };
            let sla = Duration::hours(c.sla_hours);
            // Outcome: answered on time (70%), late (18%), rejected (5%); the rest still open,
            // and anything whose answer would lie in the future is open too.
            let roll = rng.below(100);
            let took = match roll {
                0..70 => Duration::minutes((sla.num_minutes() * (10 + rng.below(85) as i64)) / 100),
                70..88 => {
                    sla + Duration::minutes((sla.num_minutes() * (5 + rng.below(150) as i64)) / 100)
                }
                88..93 => Duration::minutes((sla.num_minutes() * (5 + rng.below(40) as i64)) / 100),
                _ => Duration::days(10_000),
            };
            let closed_at = Some(at + took).filter(|t| *t <= now);
            let accepted_at = at + took / 4;
            let status = match (closed_at, roll) {
                (Some(_), 88..93) => RequestStatus::Rejected,
                (Some(_), _) => RequestStatus::Closed,
                (None, _) if accepted_at <= now && rng.chance(60) => RequestStatus::Accepted,
                (None, _) => RequestStatus::Submitted,
            };
            let text = *rng.pick(c.texts);
            let description = format!("{text} — محله {nname}");
            let point = if rng.chance(60) {
                mahalle_core::geo::centroid(*dnum as u8).map(|(lon, lat)| {
                    (
                        lat + (rng.below(200) as f64 - 100.0) / 20_000.0,
                        lon + (rng.below(200) as f64 - 100.0) / 20_000.0,
                    )
                })
            } else {
                None
            };
            let source = match rng.below(10) {
                0..5 => "phone",
                5..8 => "web",
                _ => "open311",
            };
            let note = match status {
                RequestStatus::Closed => (*rng.pick(ANSWERS)).to_string(),
                RequestStatus::Rejected => (*rng.pick(REJECTIONS)).to_string(),
                _ => String::new(),
            };
            let updated = closed_at.unwrap_or(if status == RequestStatus::Accepted {
                accepted_at
            } else {
                at
            });
            reqs.push(vec![
                Arg::from(id),
                Arg::from(service_ids[ci]),
                Arg::from(status.as_str()),
                Arg::from(description.as_str()),
                Arg::from(""),
                Arg::from(point.map(|p| p.0)),
                Arg::from(point.map(|p| p.1)),
                Arg::from(*did),
                Arg::from(*nid),
                Arg::from(handler),
                Arg::from(source),
                Arg::from(if rng.chance(50) {
                    *rng.pick(&names)
                } else {
                    ""
                }),
                Arg::from(if source == "phone" {
                    format!("0912{:07}", rng.below(10_000_000))
                } else {
                    String::new()
                }),
                Arg::from(note.as_str()),
                Arg::from(search_key(&description)),
                Arg::from(at),
                Arg::from(updated),
                Arg::from(due),
                Arg::from(closed_at),
                // Staff cleared the words of the requests they took up (never of rejected ones).
                Arg::from(
                    matches!(status, RequestStatus::Accepted | RequestStatus::Closed)
                        .then_some(updated),
                ),
            ]);
            let mut ev =
                |at: DateTime<Utc>, kind: &str, from: Option<&str>, to: &str, note: &str| {
                    events.push(vec![
                        Arg::from(event_id),
                        Arg::from(id),
                        Arg::from(at),
                        Arg::from(kind),
                        Arg::from(from),
                        Arg::from(to),
                        Arg::from(handler),
                        Arg::from(note),
                        Arg::from(true),
                    ]);
                    event_id += 1;
                };
            ev(at, "submitted", None, "submitted", "");
            if status != RequestStatus::Submitted && status != RequestStatus::Rejected {
                ev(
                    accepted_at.min(updated),
                    "accept",
                    Some("submitted"),
                    "accepted",
                    "",
                );
            }
            if let Some(t) = closed_at {
                let (kind, from) = if status == RequestStatus::Rejected {
                    ("reject", "submitted")
                } else {
                    ("close", "accepted")
                };
                ev(t, kind, Some(from), status.as_str(), &note);
            }
            id += 1;
            total += 1;
        }
        // Flush a day at a time so memory stays small at benchmark scale.
        if reqs.len() >= 5_000 || day == 0 {
            tx.insert_many("service_requests", REQ_COLS, std::mem::take(&mut reqs))
                .await?;
            tx.insert_many("request_events", EV_COLS, std::mem::take(&mut events))
                .await?;
        }
    }
    tx.sync_identity("service_requests").await?;
    tx.sync_identity("request_events").await?;
    Ok(total)
}

/// The needs raised most often in the last 90 days (a category in a neighborhood) become
/// challenges with those requests pointed at them; every third is answered by a resolution of
/// its district and domain, when there is one.
async fn challenges(tx: &mut mahalle_db::Tx, now: DateTime<Utc>) -> anyhow::Result<()> {
    let since = now - Duration::days(90);
    let repeated = mahalle_db::bulk::repeated_needs(tx, since, 60).await?;
    for (i, need) in repeated.iter().enumerate() {
        let title = format!(
            "{} — درخواست‌های مکرر در محله {}",
            need.service_fa, need.neighborhood_fa
        );
        let id = mahalle_db::challenges::create(
            tx,
            &mahalle_db::challenges::NewChallenge {
                neighborhood_id: need.neighborhood_id,
                domain: &need.domain,
                title: &title,
                body: "این نیاز در سه ماه گذشته بارها از سوی ساکنان محله ثبت شده است.",
                created_by: None,
                meeting_id: None,
            },
            now,
        )
        .await?;
        mahalle_db::bulk::point_need_at(tx, need, since, id).await?;
        if i % 3 == 0 {
            let answer =
                mahalle_db::bulk::latest_resolution(tx, need.district_id, &need.domain).await?;
            if let Some(rid) = answer {
                mahalle_db::challenges::set_resolution(tx, id, Some(rid), now).await?;
            }
        }
        walk(tx, id, i, now).await?;
    }
    Ok(())
}

/// Takes the i-th challenge some way along its workflow, as the district would have, so the
/// demo has challenges in every state (with their history), a few urgent ones with the reason.
pub(super) async fn walk(
    tx: &mut mahalle_db::Tx,
    id: i64,
    i: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use mahalle_core::challenges::ChallengeStatus::{self, *};
    let path: &[ChallengeStatus] = match i % 6 {
        0 => &[Accepted, Planned],
        1 => &[],
        2 => &[Accepted],
        3 => &[Accepted, Planned, BeingSolved],
        4 => &[Accepted, Planned, BeingSolved, Solved],
        _ => &[Accepted, Rejected],
    };
    let mut from = Raised;
    for (step, &to) in path.iter().enumerate() {
        let reason = if to == Rejected {
            "رسیدگی به آن در حوزه وظایف دستگاه دیگری است و به آن ارجاع شد."
        } else {
            ""
        };
        let at = now - Duration::days(40 - 8 * step as i64);
        mahalle_db::challenges::set_status(tx, id, from.as_str(), to.as_str(), reason, None, at)
            .await?;
        from = to;
    }
    if i.is_multiple_of(5) {
        mahalle_db::challenges::set_details(
            tx,
            id,
            "citizens",
            "high",
            "بیش از بیست درخواست در سه ماه",
            None,
            now,
        )
        .await?;
    }
    Ok(())
}
