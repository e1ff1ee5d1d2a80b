//! Meetings calendar by Jalali month (`/calendar`), and an iCalendar feed of each body's meetings
//! (`/calendar/{body_id}.ics`) that Outlook, Thunderbird and phone calendars can subscribe to.
//!
//! Calendar apps cannot sign in, so the feed takes an API token as an `Authorization: Bearer`
//! header or, in the subscribed address, `?key=`: a secret made for that one feed, read-only and
//! revocable; a signed-in browser may also fetch it with its session. The feed answers errors in JSON (it is not a page), so it
//! is routed beside the API, outside the pages' sign-in redirect.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use mahalle_core::calendar::{self, IcsEvent};
use mahalle_core::jalali::{self, JalaliDate};
use mahalle_core::meetings::MeetingKind;
use mahalle_core::org::OrgKind;
use mahalle_core::paging::Listing;
use mahalle_core::text;
use mahalle_db::meetings::{self, Meeting, MeetingFilter};
use mahalle_db::{auth, org, Store};
use serde::Deserialize;

use crate::http::ctx::{Ctx, Lang, SESSION_COOKIE};
use crate::http::error::AppError;
use crate::http::extract::{P, Q};
use crate::http::page::{render, Page};
use crate::http::{csrf, i18n};
use crate::AppState;

/// Interface strings of this module: (key, Persian, English).
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("cal_title", "تقویم جلسات", "Meetings calendar"),
    ("cal_prev_month", "ماه پیش", "Previous month"),
    ("cal_next_month", "ماه بعد", "Next month"),
    ("cal_today", "امروز", "Today"),
    ("cal_month_nav", "ماه‌ها", "Months"),
    ("cal_month_list", "فهرست جلسات این ماه", "This month's meetings as a list"),
    ("cal_no_meetings", "در این ماه جلسه‌ای ثبت نشده است.", "No meetings are recorded in this month."),
    (
        "cal_truncated",
        "این ماه جلسات بسیاری دارد؛ تنها نخستین‌ها نشان داده شده‌اند. برای همه، فهرست جلسات را جستجو کنید.",
        "This month has very many meetings; only the first are shown. Search the meetings list for all of them.",
    ),
    ("cal_subscribe", "اشتراک در تقویم", "Subscribe in your calendar"),
    (
        "cal_subscribe_hint",
        "جلسات هر نهاد را می‌توانید در Outlook، Thunderbird یا تقویم تلفن همراه دنبال کنید. برنامه‌های تقویم نمی‌توانند وارد سامانه شوند؛ پس برای هر نهاد یک پیوند خصوصی بسازید: آن پیوند فقط همان تقویم را باز می‌کند و هر زمان باطل‌شدنی است.",
        "Follow each body's meetings in Outlook, Thunderbird or a phone calendar. Calendar apps cannot sign in, so make a private link for each body: it opens that calendar alone and can be revoked at any time.",
    ),
    ("cal_my_links", "پیوندهای من", "My links"),
    ("cal_make_link", "ساخت پیوند خصوصی", "Make a private link"),
    ("cal_no_feeds", "هنوز هیچ نهادی جلسه‌ای ثبت نکرده است.", "No body has recorded meetings yet."),
    ("cal_meetings_count", "جلسه", "meetings"),
    ("cal_feed_of", "جلسات", "Meetings of"),
];

/// Years the calendar pages accept: the span the Jalali conversion is tested on, and then some.
const YEARS: std::ops::RangeInclusive<i32> = 1200..=1600;

/// At most this many meetings are drawn on one month's page.
const MONTH_LIMIT: usize = 1000;

/// At most this many meetings go into one feed.
const FEED_LIMIT: usize = 500;

/// Gregorian month names as written in Persian.
const GREGORIAN_MONTHS_FA: [&str; 12] = [
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
];

#[derive(Debug, Deserialize)]
pub struct MonthQuery {
    /// Jalali year; Persian digits are accepted.
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    year: Option<i32>,
    /// Jalali month, 1–12.
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    month: Option<u8>,
}

/// One day of the month grid.
pub struct Cell {
    pub day: i64,
    pub date: NaiveDate,
    pub is_today: bool,
    pub meetings: Vec<Meeting>,
}

pub struct MonthLink {
    pub href: String,
    pub label: String,
}

/// A body whose meetings can be subscribed to.
pub struct Feed {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub meetings: i64,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct MonthTemplate {
    p: Page,
    month_title: String,
    greg_range: String,
    weekdays: [&'static str; 7],
    weeks: Vec<Vec<Option<Cell>>>,
    items: Vec<Meeting>,
    count: i64,
    truncated: bool,
    prev: MonthLink,
    next: MonthLink,
    is_current: bool,
    feeds: Vec<Feed>,
}

impl MonthTemplate {
    /// "۰۹:۳۰": the Tehran clock time of a meeting.
    pub fn hm(&self, t: &DateTime<Utc>) -> String {
        let local = t.with_timezone(&crate::tehran_offset());
        self.p.digits(&local.format("%H:%M").to_string())
    }

    /// The Gregorian day under the Jalali one: "۲۲ نوامبر" or "22 Nov".
    pub fn greg_day(&self, d: &NaiveDate) -> String {
        greg_day(self.p.lang, *d)
    }
}

fn greg_day(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Fa => format!(
            "{} {}",
            text::to_persian_digits(&d.day().to_string()),
            GREGORIAN_MONTHS_FA[d.month0() as usize]
        ),
        Lang::En => d.format("%-d %b").to_string(),
    }
}

/// «آذر ۱۴۰۴» or "Azar 1404".
fn month_title(lang: Lang, year: i32, month: u8) -> String {
    match lang {
        Lang::Fa => text::to_persian_digits(&format!("{} {year}", jalali::month_name_fa(month))),
        Lang::En => format!("{} {year}", jalali::month_name_en(month)),
    }
}

/// Midnight in Tehran at the start of a day, as a UTC instant.
fn tehran_midnight(d: NaiveDate) -> DateTime<Utc> {
    crate::tehran_offset()
        .from_local_datetime(&d.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        // A fixed offset has exactly one instant for every local time.
        .unwrap_or_else(|| d.and_time(NaiveTime::MIN).and_utc())
}

/// Meetings matching `f`, oldest first, at most `limit`; also whether more were left out.
async fn meetings_in(
    store: &Store,
    f: &MeetingFilter,
    limit: usize,
) -> Result<(Vec<Meeting>, bool), AppError> {
    let today = crate::today();
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let l = Listing {
            q: String::new(),
            terms: Vec::new(),
            sort: "date",
            // `meetings::list` shows the newest first for "date"; a "descending" request
            // reverses that into oldest first.
            desc: true,
            page,
            per_page: mahalle_core::paging::MAX_PER_PAGE,
        };
        let got = meetings::list(store, f, &l, today).await?;
        let total = usize::try_from(got.total).unwrap_or(0);
        let empty = got.items.is_empty();
        items.extend(got.items);
        if empty || items.len() >= total.min(limit) {
            let more = total > limit;
            items.truncate(limit);
            return Ok((items, more));
        }
        page += 1;
    }
}

/// Headquarters, the City Council and the Municipality that have held meetings.
async fn feeds(store: &Store, lang: Lang) -> Result<Vec<Feed>, AppError> {
    let rows = meetings::bodies_with_meetings(
        store,
        &[
            OrgKind::Headquarters,
            OrgKind::Council,
            OrgKind::Municipality,
        ],
    )
    .await?;
    let rank = |k: &str| match OrgKind::parse(k) {
        Some(OrgKind::Headquarters) => 0,
        Some(OrgKind::Council) => 1,
        _ => 2,
    };
    let mut rows: Vec<_> = rows
        .into_iter()
        .map(|(id, kind, fa, en, n)| {
            let key = (rank(&kind), mahalle_core::collate::sort_key(&fa));
            let kind = OrgKind::parse(&kind);
            let feed = Feed {
                id,
                name: if lang == Lang::En && !en.is_empty() {
                    en
                } else {
                    fa
                },
                kind: match (kind, lang) {
                    (Some(k), Lang::Fa) => k.label_fa(),
                    (Some(k), Lang::En) => k.label_en(),
                    (None, _) => "",
                },
                meetings: n,
            };
            (key, feed)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(rows.into_iter().map(|(_, f)| f).collect())
}

/// GET /calendar?year=1404&month=9: a month of meetings, by default the current Tehran month.
pub async fn month(
    State(state): State<AppState>,
    ctx: Ctx,
    Q(q): Q<MonthQuery>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let today = crate::today();
    let now = JalaliDate::from_gregorian(today);
    let year = q.year.unwrap_or(now.year);
    let month = q.month.unwrap_or(now.month);
    if !YEARS.contains(&year) {
        return Err(AppError::BadRequest(format!("year {year}")));
    }
    if !(1..=12).contains(&month) {
        return Err(AppError::BadRequest(format!("month {month}")));
    }
    let (first, next) = calendar::month_bounds(year, month);
    let f = MeetingFilter {
        from: Some(tehran_midnight(first)),
        until: Some(tehran_midnight(next)),
        ..Default::default()
    };
    let (items, truncated) = meetings_in(&state.store, &f, MONTH_LIMIT).await?;

    let mut by_day: HashMap<u8, Vec<Meeting>> = HashMap::new();
    for m in &items {
        let local = m
            .starts_at
            .with_timezone(&crate::tehran_offset())
            .date_naive();
        by_day
            .entry(JalaliDate::from_gregorian(local).day)
            .or_default()
            .push(m.clone());
    }
    let weeks = calendar::month_grid(year, month)
        .into_iter()
        .map(|week| {
            week.into_iter()
                .map(|d| {
                    d.map(|d| {
                        let date = d.to_gregorian();
                        Cell {
                            day: i64::from(d.day),
                            date,
                            is_today: date == today,
                            meetings: by_day.remove(&d.day).unwrap_or_default(),
                        }
                    })
                })
                .collect()
        })
        .collect();

    let link = |(y, m): (i32, u8)| MonthLink {
        href: format!("/calendar?year={y}&month={m}"),
        label: month_title(ctx.lang, y, m),
    };
    let last = next.pred_opt().unwrap_or(next);
    let greg_range = match ctx.lang {
        Lang::Fa => format!(
            "{} – {} {}",
            greg_day(ctx.lang, first),
            greg_day(ctx.lang, last),
            text::to_persian_digits(&last.year().to_string())
        ),
        Lang::En => format!(
            "{} – {} {}",
            greg_day(ctx.lang, first),
            greg_day(ctx.lang, last),
            last.year()
        ),
    };
    let title = month_title(ctx.lang, year, month);
    render(&MonthTemplate {
        p: Page::new(
            &ctx,
            "meetings",
            format!("{} — {}", title, i18n::t(ctx.lang, "cal_title")),
        ),
        month_title: title,
        greg_range,
        weekdays: match ctx.lang {
            Lang::Fa => calendar::WEEKDAYS_FA,
            Lang::En => calendar::WEEKDAYS_EN,
        },
        weeks,
        count: i64::try_from(items.len()).unwrap_or(i64::MAX),
        items,
        truncated,
        prev: link(calendar::prev_month(year, month)),
        next: link(calendar::next_month(year, month)),
        is_current: (year, month) == (now.year, now.month),
        feeds: feeds(&state.store, ctx.lang).await?,
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The feed's own secret link key (`mhf_…`, made on the calendar page), for calendar apps
    /// that cannot send headers. It opens this feed alone.
    #[serde(default)]
    key: Option<String>,
    /// `en` for English labels; Persian otherwise.
    #[serde(default)]
    lang: Option<String>,
}

/// "123.ics" → 123; anything else is not a feed.
fn feed_body_id(file: &str) -> Option<i64> {
    let id = file.strip_suffix(".ics")?;
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok()
}

/// Who fetches the feed: an API token in the header (any scope), else the feed's secret key in
/// the address, else a browser's session. Full API tokens are not taken from the address, where
/// logs and shared links would leak them. A secret that was presented must be valid; it never
/// falls back to anything else.
async fn feed_user(
    store: &Store,
    headers: &HeaderMap,
    body_id: i64,
    key: Option<&str>,
) -> Result<auth::User, AppError> {
    let key = key.map(str::trim).filter(|k| !k.is_empty());
    let user = match (crate::http::ctx::bearer_token(headers), key) {
        (Some(token), _) => auth::api_token_user(store, &csrf::hash_token(token))
            .await?
            .map(|(u, _)| u),
        (None, Some(key)) => auth::feed_link_user(store, &csrf::hash_token(key), body_id).await?,
        (None, None) => match CookieJar::from_headers(headers).get(SESSION_COOKIE) {
            Some(c) => {
                let now = Utc::now().timestamp();
                auth::session_user(store, &csrf::hash_token(c.value()), now).await?
            }
            None => None,
        },
    };
    user.ok_or(AppError::Unauthorized)
}

/// A file name that is safe in a header: "mahalle-hq-social.ics".
fn file_name(code: &str, id: i64) -> String {
    let slug: String = code
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            '_' | ' ' | '.' => Some('-'),
            _ => None,
        })
        .collect();
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        format!("mahalle-{id}.ics")
    } else {
        format!("mahalle-{slug}.ics")
    }
}

/// Creation time and agenda of every meeting of a body in a period, in one query.
async fn details(
    store: &Store,
    body_id: i64,
    f: &MeetingFilter,
) -> Result<HashMap<i64, (DateTime<Utc>, Vec<String>)>, AppError> {
    let (Some(from), Some(until)) = (f.from, f.until) else {
        return Ok(HashMap::new());
    };
    let rows = meetings::created_and_agenda(store, body_id, from, until).await?;
    let mut out: HashMap<i64, (DateTime<Utc>, Vec<String>)> = HashMap::new();
    for (id, created, item) in rows {
        let e = out.entry(id).or_insert_with(|| (created, Vec::new()));
        e.1.extend(item);
    }
    Ok(out)
}

#[utoipa::path(get, path = "/calendar/{file}", tag = "calendar",
    params(("file" = String, Path, description = "`{body_id}.ics`: the id of a body that holds meetings"), FeedQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "iCalendar (RFC 5545) of the body's meetings", content_type = "text/calendar"),
        (status = 401, body = crate::http::error::ErrorBody), (status = 404, body = crate::http::error::ErrorBody)))]
/// GET /calendar/{body_id}.ics: the body's meetings from 30 days ago to a year ahead, for
/// calendar apps (a token in the `Authorization` header or, for apps that cannot send one, the
/// feed's own `?key=`).
pub async fn feed(
    State(state): State<AppState>,
    P(file): P<String>,
    Q(q): Q<FeedQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let body_id = feed_body_id(&file).ok_or(AppError::NotFound)?;
    feed_user(&state.store, &headers, body_id, q.key.as_deref()).await?;
    let body = org::get(&state.store, body_id).await?;
    let lang = match q.lang.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Fa,
    };
    let now = Utc::now();
    let f = MeetingFilter {
        body_id: Some(body_id),
        from: Some(now - Duration::days(30)),
        until: Some(now + Duration::days(366)),
        ..Default::default()
    };
    let (items, _) = meetings_in(&state.store, &f, FEED_LIMIT).await?;
    let details = details(&state.store, body_id, &f).await?;
    let origin = crate::http::page::origin(&headers, state.config.secure_cookies);
    let body_name = if lang == Lang::En && !body.name_en.is_empty() {
        body.name_en.as_str()
    } else {
        body.name_fa.as_str()
    };
    let events: Vec<IcsEvent> = items
        .iter()
        .map(|m| {
            let url = origin.as_ref().map(|o| format!("{o}/meetings/{}", m.id));
            let (created, agenda) = details
                .get(&m.id)
                .map(|(c, a)| (Some(*c), a.as_slice()))
                .unwrap_or((None, &[]));
            IcsEvent {
                uid: format!("meeting-{}@mahalle", m.id),
                starts_at: m.starts_at,
                ends_at: m.starts_at + Duration::hours(2),
                summary: m.title.clone(),
                location: m.place.clone(),
                description: description(lang, m, body_name, agenda, url.as_deref()),
                url,
                last_modified: created,
            }
        })
        .collect();
    let name = format!("{} {}", i18n::t(lang, "cal_feed_of"), body_name);
    let mut resp = calendar::ics(&name, &events).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "inline; filename=\"{}\"",
        file_name(&body.code, body.id)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // The feed is personal (it took a token): no shared cache may keep it.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(resp)
}

/// The event's notes: who holds it, which session, the agenda, and the link (Outlook does not
/// show the URL property).
fn description(
    lang: Lang,
    m: &Meeting,
    body_name: &str,
    agenda: &[String],
    url: Option<&str>,
) -> String {
    let fa = lang == Lang::Fa;
    let kind = match MeetingKind::parse(&m.kind) {
        Some(k) if fa => k.label_fa(),
        Some(k) => k.label_en(),
        None => "",
    };
    let session = format!("{}/{}", m.session_number, m.jalali_year);
    let mut out = format!(
        "{}: {body_name}\n{kind} — {} {}",
        i18n::t(lang, "held_by"),
        i18n::t(lang, "session"),
        if fa {
            text::to_persian_digits(&session)
        } else {
            session
        }
    );
    if !agenda.is_empty() {
        out.push_str(&format!("\n\n{}:", i18n::t(lang, "agenda")));
        for (i, item) in agenda.iter().enumerate() {
            let n = (i + 1).to_string();
            let n = if fa { text::to_persian_digits(&n) } else { n };
            out.push_str(&format!("\n{n}. {item}"));
        }
    }
    if let Some(url) = url {
        out.push_str("\n\n");
        out.push_str(url);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_names() {
        assert_eq!(feed_body_id("123.ics"), Some(123));
        assert_eq!(feed_body_id("0.ics"), Some(0));
        for bad in [
            "abc.ics",
            "12",
            ".ics",
            "12.ICS",
            "-1.ics",
            "1 2.ics",
            "۱۲.ics",
            "99999999999999999999.ics",
        ] {
            assert_eq!(feed_body_id(bad), None, "{bad}");
        }
        assert_eq!(file_name("HQ-SOCIAL", 7), "mahalle-hq-social.ics");
        assert_eq!(file_name("قرارگاه", 7), "mahalle-7.ics");
        assert_eq!(file_name("a\"b", 7), "mahalle-ab.ics");
    }

    #[test]
    fn titles_and_days() {
        assert_eq!(month_title(Lang::Fa, 1404, 9), "آذر ۱۴۰۴");
        assert_eq!(month_title(Lang::En, 1404, 9), "Azar 1404");
        let d = NaiveDate::from_ymd_opt(2025, 11, 22).unwrap();
        assert_eq!(greg_day(Lang::Fa, d), "۲۲ نوامبر");
        assert_eq!(greg_day(Lang::En, d), "22 Nov");
        // 00:00 in Tehran is 20:30 UTC the day before.
        assert_eq!(
            tehran_midnight(d),
            Utc.with_ymd_and_hms(2025, 11, 21, 20, 30, 0).unwrap()
        );
    }

    #[test]
    fn strings_are_complete_and_do_not_clash() {
        for (i, (k, fa, en)) in STRINGS.iter().enumerate() {
            assert!(!fa.is_empty() && !en.is_empty(), "{k}");
            assert!(
                !STRINGS[..i].iter().any(|(o, _, _)| o == k),
                "duplicate {k}"
            );
            // Looking the key up finds this table's entry, not one from another table.
            assert_eq!(i18n::t(Lang::Fa, k), *fa, "{k} is defined elsewhere too");
        }
        let template = include_str!("../../templates/calendar.html");
        for part in template.split("t(\"").skip(1) {
            let key = part.split('"').next().unwrap_or_default();
            assert_ne!(i18n::t(Lang::En, key), "?", "no translation for {key}");
        }
    }
}
