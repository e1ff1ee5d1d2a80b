//! The demo's challenges raised by the neighborhoods' own voices (council, trustees, imams,
//! managers, think-tanks), beside those grown from repeated requests: one or two per
//! neighborhood, spread over the workflow.

use chrono::{DateTime, Duration, Utc};
use mahalle_core::challenges::ChallengeSource;
use mahalle_db::challenges::{self, NewChallenge};
use mahalle_db::Tx;

use super::Rng;

/// (domain, title, description, source)
const SEEDS: &[(&str, &str, &str, ChallengeSource)] = &[
    (
        "civil_works",
        "فرسودگی آسفالت کوچه‌های بافت قدیم محله",
        "کوچه‌های باریک بافت قدیم چاله‌های عمیق دارند و در بارندگی آب در آن‌ها می‌ماند.",
        ChallengeSource::Council,
    ),
    (
        "traffic",
        "نبود گذرگاه ایمن عابر پیاده نزدیک مدرسه",
        "دانش‌آموزان هنگام ورود و خروج از مدرسه از میان خودروها عبور می‌کنند.",
        ChallengeSource::Trustee,
    ),
    (
        "urban_services",
        "انباشت پسماند ساختمانی در زمین‌های بایر محله",
        "نخاله ساختمانی شبانه در زمین‌های رهاشده تخلیه می‌شود.",
        ChallengeSource::Council,
    ),
    (
        "social",
        "نبود فضای گذران اوقات فراغت برای نوجوانان",
        "نوجوانان محله پس از مدرسه جایی برای ورزش و فعالیت جمعی ندارند.",
        ChallengeSource::Imam,
    ),
    (
        "cultural",
        "تعطیلی کتابخانه محله در روزهای پایان هفته",
        "کتابخانه تنها در روزهای کاری باز است و شاغلان نمی‌توانند از آن استفاده کنند.",
        ChallengeSource::ThinkTank,
    ),
    (
        "health",
        "دوری خانه سلامت از ساکنان سالمند محله",
        "سالمندان برای دریافت خدمات سلامت باید مسافت زیادی را پیاده بروند.",
        ChallengeSource::Manager,
    ),
    (
        "safety",
        "ساختمان‌های ناایمن و فرسوده در برابر زلزله",
        "چند ساختمان مسکونی قدیمی نشانه‌های ترک و نشست دارند.",
        ChallengeSource::Manager,
    ),
    (
        "environment",
        "خشک‌شدن درختان خیابان اصلی محله",
        "آبیاری درختان خیابان اصلی منظم نیست و چند درخت خشک شده است.",
        ChallengeSource::Council,
    ),
    (
        "social",
        "حضور معتادان متجاهر در پارک محله",
        "خانواده‌ها شب‌ها از رفتن به پارک محله پرهیز می‌کنند.",
        ChallengeSource::Trustee,
    ),
    (
        "traffic",
        "کمبود جای پارک در اطراف بازارچه محله",
        "خودروها دوبله پارک می‌کنند و عبور آمبولانس و آتش‌نشانی دشوار است.",
        ChallengeSource::ThinkTank,
    ),
    (
        "economic",
        "بیکاری زنان سرپرست خانوار محله",
        "زنان سرپرست خانوار برای آموزش مهارت و بازاریابی کارهای خانگی پشتیبانی می‌خواهند.",
        ChallengeSource::Imam,
    ),
    (
        "urban_services",
        "کمبود روشنایی معابر فرعی در شب",
        "چند کوچه فرعی چراغ روشنایی ندارند یا چراغ‌هایشان خاموش است.",
        ChallengeSource::Council,
    ),
    (
        "cultural",
        "نبود برنامه فرهنگی برای کودکان در تابستان",
        "مدرسه‌ها در تابستان تعطیل‌اند و کودکان برنامه‌ای در محله ندارند.",
        ChallengeSource::ThinkTank,
    ),
    (
        "civil_works",
        "نبود رمپ و مسیر مناسب برای افراد دارای معلولیت",
        "ورودی سرای محله و پیاده‌روهای اصلی پله دارند و رمپ ندارند.",
        ChallengeSource::Trustee,
    ),
    (
        "environment",
        "بوی نامطبوع کانال آب‌های سطحی",
        "کانال روباز آب‌های سطحی در تابستان بوی نامطبوع دارد و پشه زیاد شده است.",
        ChallengeSource::Council,
    ),
    (
        "health",
        "نبود برنامه غربالگری فشار خون برای سالمندان",
        "خانه سلامت محله برنامه منظم غربالگری برای سالمندان ندارد.",
        ChallengeSource::Imam,
    ),
];

/// Loads one or two such challenges per neighborhood. Returns how many.
pub async fn load(tx: &mut Tx, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut rng = Rng(1402);
    let mut made = 0;
    for (neighborhood, _, _) in mahalle_db::partners::neighborhoods_for_loading(tx).await? {
        let count = 1 + usize::from(rng.chance(30));
        let first = rng.below(SEEDS.len());
        for k in 0..count {
            let (domain, title, body, source) = SEEDS[(first + k * 7) % SEEDS.len()];
            // Raised before the workflow's first step (40 days ago).
            let at = now - Duration::days(45 + rng.below(150) as i64);
            let id = challenges::create(
                tx,
                &NewChallenge {
                    neighborhood_id: neighborhood,
                    domain,
                    title,
                    body,
                    created_by: None,
                },
                at,
            )
            .await?;
            challenges::set_details(tx, id, source.as_str(), "normal", "", None, at).await?;
            // Each step of the workflow (indices that `walk` does not make urgent).
            let step = [6, 1, 2, 3, 4, 11][rng.below(6)];
            super::requests::walk(tx, id, step, now).await?;
            made += 1;
        }
    }
    Ok(made)
}
