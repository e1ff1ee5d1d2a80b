//! Server-rendered pages (askama templates, checked at compile time). Pages work without
//! JavaScript; `static/app.js` only adds small conveniences.

use askama::Template;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::paging::{Listing, Paged};
use mahalle_core::{access::Role, councils, jalali, org::OrgKind, text};

use crate::http::ctx::{Calendar, Ctx, Lang};
use crate::http::error::{AppError, ErrorDetail};
use crate::http::i18n;

/// A value a template passes however deeply referenced (askama binds `&T` and `&&T`).
pub trait Get<T: Copy> {
    fn get(&self) -> T;
}
impl<T: Copy> Get<T> for T {
    fn get(&self) -> T {
        *self
    }
}
impl<T: Copy> Get<T> for &T {
    fn get(&self) -> T {
        **self
    }
}
impl<T: Copy> Get<T> for &&T {
    fn get(&self) -> T {
        ***self
    }
}

/// What every page's layout needs: language, calendar, who is signed in, the CSRF token.
pub struct Page {
    pub lang: Lang,
    pub cal: Calendar,
    pub title: String,
    pub nav: &'static str,
    pub user_name: Option<String>,
    pub is_admin: bool,
    /// The city secretariat sees the notification outbox.
    pub is_secretariat: bool,
    pub csrf: String,
    pub path: String,
}

impl Page {
    pub fn new(ctx: &Ctx, nav: &'static str, title: impl Into<String>) -> Page {
        Page {
            lang: ctx.lang,
            cal: ctx.cal,
            title: title.into(),
            nav,
            user_name: ctx.user.as_ref().map(|u| u.user.display_name.clone()),
            is_admin: ctx.principal().is_some_and(|p| p.is_admin()),
            is_secretariat: ctx.principal().is_some_and(|p| p.is_city_secretariat()),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        i18n::t(self.lang, key)
    }

    pub fn fa(&self) -> bool {
        self.lang == Lang::Fa
    }

    /// Integers with grouping, in Persian digits on Persian pages.
    pub fn num(&self, n: impl Get<i64>) -> String {
        text::format_int(n.get(), self.fa())
    }

    pub fn opt_num(&self, n: impl Get<Option<i64>>) -> String {
        n.get().map(|n| self.num(n)).unwrap_or_else(|| "—".into())
    }

    /// Digits of a code or free text in the page's script.
    pub fn digits(&self, s: &str) -> String {
        if self.fa() {
            text::to_persian_digits(s)
        } else {
            s.to_string()
        }
    }

    pub fn decimal(&self, x: impl Get<Option<f64>>) -> String {
        match x.get() {
            Some(x) => {
                let s = format!("{x:.1}");
                if self.fa() {
                    text::to_persian_digits(&s).replace('.', "٫")
                } else {
                    s
                }
            }
            None => "—".into(),
        }
    }

    /// A date in the chosen calendar: "۹ مهر ۱۴۰۴", "9 Mehr 1404" or "2025-10-01".
    /// A former council member who has not been thanked yet.
    pub fn awaiting_thanks(&self, m: &mahalle_db::councils::Member) -> bool {
        councils::awaiting_thanks(m.ends_on, m.thanked_on, crate::today())
    }

    pub fn date(&self, d: impl Get<NaiveDate>) -> String {
        let d = d.get();
        match (self.cal, self.lang) {
            (Calendar::Jalali, Lang::Fa) => jalali::format_long_fa(d),
            (Calendar::Jalali, Lang::En) => jalali::format_long_en(d),
            (Calendar::Gregorian, Lang::Fa) => {
                text::to_persian_digits(&d.format("%Y-%m-%d").to_string())
            }
            (Calendar::Gregorian, Lang::En) => d.format("%-d %b %Y").to_string(),
        }
    }

    pub fn opt_date(&self, d: impl Get<Option<NaiveDate>>) -> String {
        d.get().map(|d| self.date(d)).unwrap_or_else(|| "—".into())
    }

    /// A moment, shown in Tehran time.
    pub fn time(&self, t: impl Get<DateTime<Utc>>) -> String {
        let local = t.get().with_timezone(&crate::tehran_offset());
        let hm = local.format("%H:%M").to_string();
        format!("{} {}", self.date(local.date_naive()), self.digits(&hm))
    }

    pub fn opt_time(&self, t: impl Get<Option<DateTime<Utc>>>) -> String {
        t.get()
            .map(|t| self.time(t))
            .unwrap_or_else(|| self.t("never").into())
    }

    /// The name in the page's language, falling back to Persian.
    pub fn name<'a>(&self, fa: &'a str, en: &'a str) -> &'a str {
        if self.fa() || en.is_empty() {
            fa
        } else {
            en
        }
    }

    pub fn org_kind(&self, k: &str) -> &'static str {
        match OrgKind::parse(k) {
            Some(k) if self.fa() => k.label_fa(),
            Some(k) => k.label_en(),
            None => "",
        }
    }

    pub fn member_role(&self, r: &str) -> &'static str {
        match councils::MemberRole::parse(r) {
            Some(r) if self.fa() => r.label_fa(),
            Some(r) => r.label_en(),
            None => "",
        }
    }

    /// A challenge's status in the page's language.
    pub fn challenge_status(&self, s: &str) -> &'static str {
        match mahalle_core::challenges::ChallengeStatus::parse(s) {
            Some(s) if self.fa() => s.label_fa(),
            Some(s) => s.label_en(),
            None => "",
        }
    }

    pub fn pillar_kind(&self, k: &str) -> &'static str {
        match councils::PillarKind::parse(k) {
            Some(k) if self.fa() => k.label_fa(),
            Some(k) => k.label_en(),
            None => "",
        }
    }

    pub fn role(&self, r: impl Get<Role>) -> &'static str {
        if self.fa() {
            r.get().label_fa()
        } else {
            r.get().label_en()
        }
    }

    pub fn district_name(&self, number: impl Get<i64>) -> String {
        format!("{} {}", self.t("district"), self.num(number))
    }

    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Fa => "en",
            Lang::En => "fa",
        }
    }

    pub fn other_cal(&self) -> &'static str {
        match self.cal {
            Calendar::Jalali => "gregorian",
            Calendar::Gregorian => "jalali",
        }
    }

    pub fn other_cal_label(&self) -> &'static str {
        match self.cal {
            Calendar::Jalali => self.t("switch_cal_to_greg"),
            Calendar::Gregorian => self.t("switch_cal_to_jalali"),
        }
    }

    pub fn path_encoded(&self) -> String {
        url_encode(&self.path)
    }

    fn coded<T: Copy>(
        &self,
        v: Option<T>,
        fa: fn(T) -> &'static str,
        en: fn(T) -> &'static str,
    ) -> &'static str {
        match v {
            Some(v) if self.fa() => fa(v),
            Some(v) => en(v),
            None => "",
        }
    }

    pub fn status(&self, s: &str) -> &'static str {
        use mahalle_core::resolutions::Status;
        self.coded(Status::parse(s), Status::label_fa, Status::label_en)
    }

    pub fn domain(&self, s: &str) -> &'static str {
        use mahalle_core::domain::Domain;
        self.coded(Domain::parse(s), Domain::label_fa, Domain::label_en)
    }

    /// Every domain as (code, label), for a choice.
    pub fn domains(&self) -> Vec<(&'static str, &'static str)> {
        mahalle_core::domain::Domain::ALL
            .iter()
            .map(|d| (d.as_str(), self.domain(d.as_str())))
            .collect()
    }

    pub fn priority(&self, s: &str) -> &'static str {
        use mahalle_core::resolutions::Priority;
        self.coded(Priority::parse(s), Priority::label_fa, Priority::label_en)
    }

    pub fn meeting_kind(&self, s: &str) -> &'static str {
        use mahalle_core::meetings::MeetingKind;
        self.coded(
            MeetingKind::parse(s),
            MeetingKind::label_fa,
            MeetingKind::label_en,
        )
    }

    /// «۱۴۰۴/۲۳/۱۲»
    pub fn res_number(
        &self,
        year: impl Get<i64>,
        session: impl Get<i64>,
        item: impl Get<i64>,
    ) -> String {
        mahalle_core::resolutions::number(year.get(), session.get(), item.get(), self.fa())
    }

    /// A date as typed in a Jalali field ("۱۴۰۴/۰۸/۳۰").
    pub fn jdate(&self, d: impl Get<NaiveDate>) -> String {
        jalali::format_numeric(d.get(), self.fa())
    }

    /// The label of a timeline event.
    pub fn event(&self, kind: &str) -> &'static str {
        let key = format!("ev_{kind}");
        i18n::t(self.lang, &key)
    }

    /// Days a resolution is overdue today (0 when it is not).
    pub fn late(&self, status: &str, deadline: impl Get<NaiveDate>) -> i64 {
        use mahalle_core::resolutions::{days_overdue, Status};
        days_overdue(
            Status::parse(status).unwrap_or(Status::Approved),
            deadline.get(),
            crate::today(),
        )
    }

    /// "۴۵٪" or "45%".
    pub fn pct(&self, n: impl Get<i64>) -> String {
        if self.fa() {
            format!("{}٪", self.num(n.get()))
        } else {
            format!("{}%", n.get())
        }
    }

    pub fn signed_in(&self) -> bool {
        self.user_name.is_some()
    }

    /// Whether this page belongs to one of these sections (marks its menu in the header).
    pub fn nav_in(&self, sections: &[&str]) -> bool {
        sections.contains(&self.nav)
    }

    pub fn org_kinds(&self) -> Vec<(&'static str, &'static str)> {
        OrgKind::ALL
            .into_iter()
            .map(|k| {
                (
                    k.as_str(),
                    if self.fa() {
                        k.label_fa()
                    } else {
                        k.label_en()
                    },
                )
            })
            .collect()
    }
}

/// A list page's state: search text, sort, page, and how to link to other pages of it.
pub struct ListView {
    /// Path of the list, e.g. "/districts".
    pub base: String,
    /// Extra query parameters to keep (filters), already encoded: "&kind=agency".
    pub keep: String,
    pub q: String,
    pub sort: &'static str,
    pub desc: bool,
    pub page: u32,
    pub pages: u32,
    pub total: i64,
}

impl ListView {
    pub fn new<T>(base: &str, keep: String, l: &Listing, p: &Paged<T>) -> ListView {
        ListView {
            base: base.to_string(),
            keep,
            q: l.q.clone(),
            sort: l.sort,
            desc: l.desc,
            page: p.page,
            pages: p.pages(),
            total: p.total,
        }
    }

    fn href(&self, sort: &str, desc: bool, page: u32) -> String {
        let mut s = format!(
            "{}?sort={}&dir={}&page={}",
            self.base,
            sort,
            if desc { "desc" } else { "asc" },
            page
        );
        if !self.q.is_empty() {
            s.push_str("&q=");
            s.push_str(&url_encode(&self.q));
        }
        s.push_str(&self.keep);
        s
    }

    /// Link for a column header: the same column flips direction, another starts ascending.
    pub fn sort_href(&self, key: &str) -> String {
        let desc = key == self.sort && !self.desc;
        self.href(key, desc, 1)
    }

    /// `aria-sort` value for a column header.
    pub fn aria_sort(&self, key: &str) -> &'static str {
        match (key == self.sort, self.desc) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }

    pub fn arrow(&self, key: &str) -> &'static str {
        match (key == self.sort, self.desc) {
            (false, _) => "",
            (true, false) => " ▲",
            (true, true) => " ▼",
        }
    }

    /// Whether the list shows retired records too.
    pub fn shows_retired(&self) -> bool {
        self.keep.contains("&retired=1")
    }

    /// The same list, from page one, with retired records shown if they are not, and left out
    /// if they are.
    pub fn retired_href(&self) -> String {
        let show = !self.shows_retired();
        let keep = self.keep.replace("&retired=1", "");
        let mut s = format!("{}?sort={}&page=1", self.base, self.sort);
        if !self.q.is_empty() {
            s.push_str("&q=");
            s.push_str(&url_encode(&self.q));
        }
        s.push_str(&keep);
        if show {
            s.push_str("&retired=1");
        }
        s
    }

    pub fn page_href(&self, page: u32) -> String {
        self.href(self.sort, self.desc, page)
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }

    pub fn prev(&self) -> u32 {
        self.page.saturating_sub(1).max(1)
    }

    pub fn next(&self) -> u32 {
        (self.page + 1).min(self.pages)
    }
}

// ---------------------------------------------------------------- choices for forms

/// Every organisation, for select boxes (at most 20 pages of 200).
pub async fn all_orgs(
    state: &crate::AppState,
) -> Result<Vec<mahalle_db::org::Organisation>, AppError> {
    let l = mahalle_core::paging::Listing::from_query(
        &mahalle_core::paging::ListQuery {
            per_page: Some(200),
            ..Default::default()
        },
        mahalle_db::org::ORG_SORTS,
    );
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let l = mahalle_core::paging::Listing { page, ..l.clone() };
        let p =
            mahalle_db::org::list(&state.store, mahalle_db::org::OrgFilter::default(), &l).await?;
        let n = p.items.len();
        out.extend(p.items);
        if n < 200 || page >= 20 {
            break;
        }
        page += 1;
    }
    Ok(out)
}

/// Every district, for select boxes.
pub async fn all_districts(
    state: &crate::AppState,
) -> Result<Vec<mahalle_db::places::District>, AppError> {
    let l = mahalle_core::paging::Listing::from_query(
        &mahalle_core::paging::ListQuery {
            per_page: Some(200),
            ..Default::default()
        },
        mahalle_db::places::DISTRICT_SORTS,
    );
    Ok(mahalle_db::places::list_districts(&state.store, false, &l)
        .await?
        .items)
}

/// Renders a template into a response; a rendering failure is our bug, logged as such.
pub fn render<T: Template>(t: &T) -> Result<Response, AppError> {
    let body = t
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(Html(body).into_response())
}

/// Renders a page that carries a form: 422 when the form came back with problems, so clients
/// and tests can tell a refused submission from a plain view.
pub fn render_form<T: Template>(t: &T, invalid: bool) -> Result<Response, AppError> {
    let mut resp = render(t)?;
    if invalid {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    p: Page,
    status: u16,
    message: &'a str,
    fields: Vec<String>,
}

/// An error as a page, in the visitor's language.
pub fn error_page(lang: Lang, status: StatusCode, detail: &ErrorDetail) -> Response {
    let p = Page {
        lang,
        cal: Calendar::Jalali,
        title: i18n::t(lang, "error").to_string(),
        nav: "",
        user_name: None,
        is_admin: false,
        is_secretariat: false,
        csrf: String::new(),
        path: "/".into(),
    };
    let (message, fields) = match lang {
        Lang::Fa => (
            detail.message_fa.as_str(),
            detail.fields.iter().map(|f| f.fa.clone()).collect(),
        ),
        Lang::En => (
            detail.message.as_str(),
            detail.fields.iter().map(|f| f.en.clone()).collect(),
        ),
    };
    let t = ErrorTemplate {
        p,
        status: status.as_u16(),
        message,
        fields,
    };
    match t.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Only same-site relative paths are followed after sign-in or a language switch. Browsers drop
/// tabs and line breaks from a URL and read `\\` as `/`, so `/<TAB>/evil.example` is
/// `//evil.example` to them: any control character or backslash makes the path unsafe. Spaces
/// and Persian letters are percent-encoded, so the path is a valid `Location`.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".to_string();
    };
    if !n.starts_with('/') || n.starts_with("//") || n.chars().any(|c| c.is_control() || c == '\\')
    {
        return "/".to_string();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `http://host:port` of this request, from its Host header; `None` when there is no usable one.
/// The scheme is https behind a proxy that says so, or when cookies are marked Secure.
pub fn origin(headers: &HeaderMap, secure: bool) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?.trim();
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '[' | ']' | '_');
    if host.is_empty() || host.len() > 255 || !host.chars().all(ok) {
        return None;
    }
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_ascii_lowercase());
    let scheme = match proto.as_deref() {
        Some("https") => "https",
        Some("http") => "http",
        _ if secure => "https",
        _ => "http",
    };
    Some(format!("{scheme}://{host}"))
}

// ---------------------------------------------------------------- recognitions in other pages

/// A recognition kind's label.
pub fn recognition_kind(p: &Page, k: &str) -> &'static str {
    match mahalle_core::recognitions::RecognitionKind::parse(k) {
        Some(k) if p.fa() => k.label_fa(),
        Some(k) => k.label_en(),
        None => "",
    }
}

/// The reason's line in the page's language (thanks are stored Persian, then English).
pub fn reason_line<'a>(p: &Page, reason: &'a str) -> &'a str {
    let mut lines = reason.lines();
    let fa = lines.next().unwrap_or("");
    match lines.next() {
        Some(en) if !p.fa() => en,
        _ => fa,
    }
}

/// A recognition as another page's section shows it (`_recognitions.html`): shown on the person's, the district's and a visit's page.
pub struct RecognitionShown {
    pub r: mahalle_db::councils::Recognition,
    pub reason: String,
    pub kind: &'static str,
}

/// The newest recognitions of a filter, ready for a page's section.
pub async fn recognitions_section(
    state: &crate::AppState,
    p: &Page,
    f: &mahalle_db::recognitions::Filter<'_>,
) -> Result<Vec<RecognitionShown>, AppError> {
    Ok(mahalle_db::recognitions::recent(&state.store, f, 20)
        .await?
        .into_iter()
        .map(|r| RecognitionShown {
            reason: reason_line(p, &r.reason).to_string(),
            kind: recognition_kind(p, &r.kind),
            r,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn origin_comes_from_the_request() {
        let mut h = HeaderMap::new();
        assert_eq!(origin(&h, false), None);
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(origin(&h, false).as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(origin(&h, true).as_deref(), Some("https://127.0.0.1:8080"));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(origin(&h, false).as_deref(), Some("https://127.0.0.1:8080"));
        h.insert(header::HOST, HeaderValue::from_static("evil/x?y"));
        assert_eq!(origin(&h, false), None);
    }

    #[test]
    fn next_is_local() {
        assert_eq!(safe_next(Some("/districts?page=2")), "/districts?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil",
            " //evil",
            "/\u{0}/x",
            "/\u{85}/x",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(
            safe_next(Some("/%09/evil.example")),
            "/%09/evil.example",
            "still encoded: a path"
        );
        assert_eq!(safe_next(None), "/");
        assert_eq!(
            safe_next(Some("/resolutions?q=آب شرب")),
            "/resolutions?q=%D8%A2%D8%A8%20%D8%B4%D8%B1%D8%A8"
        );
        assert_eq!(safe_next(Some("/ /evil")), "/%20/evil");
    }

    #[test]
    fn encodes() {
        assert_eq!(url_encode("/a b?x=۱"), "/a%20b%3Fx%3D%DB%B1");
    }

    #[test]
    fn list_links_keep_state() {
        let l = Listing::from_query(
            &mahalle_core::paging::ListQuery {
                q: Some("نارمک".into()),
                ..Default::default()
            },
            &["name", "population"],
        );
        let p = Paged::<u8> {
            items: vec![],
            total: 60,
            page: 2,
            per_page: 25,
        };
        let v = ListView::new("/neighborhoods", "&district=8".into(), &l, &p);
        assert_eq!(v.pages, 3);
        assert!(v.has_prev() && v.has_next());
        assert!(v.page_href(3).contains("page=3") && v.page_href(3).contains("district=8"));
        assert!(v.page_href(3).contains("q=%D9%86"));
        assert!(v.sort_href("name").contains("dir=desc"));
        assert!(v.sort_href("population").contains("dir=asc"));
        assert_eq!(v.aria_sort("name"), "ascending");
    }
}
